import { cis, stackPolicy } from "../../lib/policy";
import { label, referrers } from "../../lib/stack";

const VPC = "aws:ec2/vpc:Vpc";
const FLOW_LOG = "aws:ec2/flowLog:FlowLog";

export const awsEc2VpcRequireFlowLogs = stackPolicy({
    name: "aws-ec2-vpc-require-flow-logs",
    description: "Every VPC has flow logs.",
    severity: "medium",
    category: "security",
    topics: ["network", "logging"],
    enforcementLevel: "mandatory",
    framework: cis("aws", "3.7", "Ensure VPC flow logging is enabled in all VPCs"),
    validateStack: (args, report) => {
        const vpcs = args.resources.filter((r) => r.type === VPC);
        if (vpcs.length === 0) {
            args.notApplicable("no VPCs in the stack");
        }
        for (const vpc of vpcs) {
            if (referrers(args.resources, vpc, [FLOW_LOG]).length === 0) {
                report(`${label(vpc)} has no flow log. Add an aws.ec2.FlowLog with vpcId set to this VPC and trafficType "ALL".`, vpc.urn);
            }
        }
    },
});
