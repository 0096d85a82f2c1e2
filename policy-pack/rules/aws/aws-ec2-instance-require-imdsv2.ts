import * as aws from "@pulumi/aws";
import { cis, resourcePolicy, validateTyped } from "../../lib/policy";
import { field, isUnknown, show } from "../../lib/values";

/** Shared by the instance and launch template rules: the verdict on `metadataOptions`. */
export function imdsProblem(metadataOptions: unknown): string | undefined {
    const tokens = field(metadataOptions, "httpTokens");
    const endpoint = field(metadataOptions, "httpEndpoint");
    if (isUnknown(metadataOptions) || isUnknown(tokens) || endpoint === "disabled") {
        return undefined; // unknown, or no metadata service at all
    }
    if (tokens !== "required") {
        return `metadataOptions.httpTokens is ${show(tokens)}, which allows IMDSv1 (token-less requests a server-side request forgery can abuse). Set metadataOptions.httpTokens to "required".`;
    }
    return undefined;
}

export const awsEc2InstanceRequireImdsv2 = resourcePolicy({
    name: "aws-ec2-instance-require-imdsv2",
    description: "EC2 instances require IMDSv2 (session tokens) for the instance metadata service.",
    severity: "high",
    category: "security",
    topics: ["hardening"],
    enforcementLevel: "mandatory",
    framework: cis("aws", "5.6", "Ensure that EC2 Metadata Service only allows IMDSv2"),
    validateResource: validateTyped(aws.ec2.Instance, (instance, _args, report) => {
        const problem = imdsProblem(instance.metadataOptions);
        if (problem) {
            report(problem);
        }
    }),
});
