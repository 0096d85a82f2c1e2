import * as aws from "@pulumi/aws";
import { cis, resourcePolicy, validateTyped } from "../../lib/policy";
import { imdsProblem } from "./aws-ec2-instance-require-imdsv2";

export const awsEc2LaunchtemplateRequireImdsv2 = resourcePolicy({
    name: "aws-ec2-launchtemplate-require-imdsv2",
    description: "Launch templates (node groups, tool VMs) require IMDSv2 for the instance metadata service.",
    severity: "high",
    category: "security",
    topics: ["hardening"],
    enforcementLevel: "mandatory",
    framework: cis("aws", "5.6", "Ensure that EC2 Metadata Service only allows IMDSv2"),
    validateResource: validateTyped(aws.ec2.LaunchTemplate, (template, _args, report) => {
        const problem = imdsProblem(template.metadataOptions);
        if (problem) {
            report(problem);
        }
    }),
});
