import * as aws from "@pulumi/aws";
import { configOf, resourcePolicy, validateTyped } from "../../lib/policy";
import { isUnknown } from "../../lib/values";

export interface RetentionConfig {
    minimumDays: number;
}

const configSchema = {
    properties: {
        minimumDays: { type: "integer" as const, minimum: 1, default: 30, description: "Shortest allowed retention." },
    },
};

/** Unset retention means "never expire": an ever-growing bill. Too short loses evidence. */
export const awsCloudwatchLoggroupRequireRetention = resourcePolicy({
    name: "aws-cloudwatch-loggroup-require-retention",
    description: "CloudWatch log groups set a retention period, at least the environment's minimum.",
    severity: "low",
    category: "cost",
    topics: ["cost", "logging"],
    enforcementLevel: "advisory",
    configSchema,
    validateResource: validateTyped(aws.cloudwatch.LogGroup, (group, args, report) => {
        const { minimumDays } = configOf<RetentionConfig>(args, configSchema);
        const days = group.retentionInDays;
        if (isUnknown(days)) {
            return;
        }
        if (days === undefined || days === 0) {
            report(`retentionInDays is unset, so logs never expire and storage grows forever. Set retentionInDays (at least ${minimumDays}).`);
        } else if (days < minimumDays) {
            report(`retentionInDays is ${days}, below this environment's minimum of ${minimumDays}. Raise it to at least ${minimumDays}.`);
        }
    }),
});
