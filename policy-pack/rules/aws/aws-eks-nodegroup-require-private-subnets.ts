import { cis, stackPolicy } from "../../lib/policy";
import { label, publicSubnetReason, subnetsOf } from "../../lib/stack";

const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";

export const awsEksNodegroupRequirePrivateSubnets = stackPolicy({
    name: "aws-eks-nodegroup-require-private-subnets",
    description: "EKS node groups run in private subnets only.",
    severity: "high",
    category: "security",
    topics: ["network", "exposure", "kubernetes"],
    enforcementLevel: "mandatory",
    framework: cis("eks", "5.4.3", "Ensure clusters are created with Private Nodes"),
    validateStack: (args, report) => {
        const groups = args.resources.filter((r) => r.type === NODE_GROUP);
        if (groups.length === 0) {
            args.notApplicable("no EKS node groups in the stack");
        }
        for (const group of groups) {
            for (const subnet of subnetsOf(group, "subnetIds")) {
                const reason = publicSubnetReason(subnet, args.resources);
                if (reason) {
                    report(`${label(group)} uses public subnet "${subnet.name}" (${reason}). Place node groups in the private subnets.`, group.urn);
                }
            }
        }
    },
});
