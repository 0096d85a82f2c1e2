import * as aws from "@pulumi/aws";
import { cis, resourcePolicy, validateTyped } from "../../lib/policy";
import { isUnknown, show } from "../../lib/values";

export const awsEc2FlowlogRequireAllTraffic = resourcePolicy({
    name: "aws-ec2-flowlog-require-all-traffic",
    description: "Flow logs capture all traffic (accepted and rejected).",
    severity: "low",
    category: "security",
    topics: ["network", "logging"],
    enforcementLevel: "mandatory",
    framework: cis("aws", "3.7", "Ensure VPC flow logging is enabled in all VPCs"),
    validateResource: validateTyped(aws.ec2.FlowLog, (flowLog, _args, report) => {
        if (!isUnknown(flowLog.trafficType) && flowLog.trafficType !== "ALL") {
            report(`trafficType is ${show(flowLog.trafficType)}; investigations need both accepted and rejected flows. Set trafficType to "ALL".`);
        }
    }),
});
