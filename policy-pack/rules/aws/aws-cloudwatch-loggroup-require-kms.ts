import * as aws from "@pulumi/aws";
import { resourcePolicy, validateTyped } from "../../lib/policy";
import { isUnknown } from "../../lib/values";

export const awsCloudwatchLoggroupRequireKms = resourcePolicy({
    name: "aws-cloudwatch-loggroup-require-kms",
    description: "CloudWatch log groups (flow logs, control plane logs) are encrypted with a customer-managed KMS key.",
    severity: "medium",
    category: "security",
    topics: ["encryption", "logging"],
    enforcementLevel: "mandatory",
    validateResource: validateTyped(aws.cloudwatch.LogGroup, (group, _args, report) => {
        if (!isUnknown(group.kmsKeyId) && (group.kmsKeyId === undefined || group.kmsKeyId === "")) {
            report("kmsKeyId is unset. Set it to the platform's KMS key ARN (the key policy must allow the logs service principal).");
        }
    }),
});
