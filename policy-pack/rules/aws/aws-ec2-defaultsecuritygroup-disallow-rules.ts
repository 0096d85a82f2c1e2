import type { PolicyResource } from "@pulumi/policy";
import { cis, stackPolicy } from "../../lib/policy";
import { label, referrers } from "../../lib/stack";
import { field, isUnknown, list, plain } from "../../lib/values";

const VPC = "aws:ec2/vpc:Vpc";
const DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup";

/**
 * A VPC's default security group allows all traffic between its members and all egress until
 * something takes it over. The platform adopts it with `aws.ec2.DefaultSecurityGroup` and no
 * rules, so a resource that lands in it by accident can talk to nothing.
 */
export const awsEc2DefaultsecuritygroupDisallowRules = stackPolicy({
    name: "aws-ec2-defaultsecuritygroup-disallow-rules",
    description: "Every VPC's default security group is adopted and has no ingress or egress rules.",
    severity: "medium",
    category: "security",
    topics: ["network", "hardening"],
    enforcementLevel: "mandatory",
    framework: cis("aws", "5.4", "Ensure the default security group of every VPC restricts all traffic"),
    validateStack: (args, report) => {
        const vpcs = args.resources.filter((r) => r.type === VPC);
        const defaults = args.resources.filter((r) => r.type === DEFAULT_SG);
        if (vpcs.length === 0 && defaults.length === 0) {
            args.notApplicable("no VPCs in the stack");
        }
        for (const vpc of vpcs) {
            if (referrers(args.resources, vpc, [DEFAULT_SG]).length === 0) {
                report(
                    `${label(vpc)} leaves its default security group unmanaged, with AWS's allow-all rules. Adopt it with aws.ec2.DefaultSecurityGroup (vpcId) and no ingress or egress.`,
                    vpc.urn,
                );
            }
        }
        const check = (sg: PolicyResource, key: "ingress" | "egress") => {
            const rules = field(plain(sg.props), key);
            if (!isUnknown(rules) && list(rules).length > 0) {
                report(`${label(sg)} has ${list(rules).length} ${key} rule(s). The default security group must have none: give workloads their own security groups.`, sg.urn);
            }
        };
        for (const sg of defaults) {
            check(sg, "ingress");
            check(sg, "egress");
        }
    },
});
