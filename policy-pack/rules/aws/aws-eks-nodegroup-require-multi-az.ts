import * as aws from "@pulumi/aws";
import { resourcePolicy, validateTyped } from "../../lib/policy";
import { containsUnknown, list } from "../../lib/values";

export const awsEksNodegroupRequireMultiAz = resourcePolicy({
    name: "aws-eks-nodegroup-require-multi-az",
    description: "Node groups span at least two subnets (availability zones).",
    severity: "medium",
    category: "resilience",
    topics: ["availability", "kubernetes"],
    enforcementLevel: "advisory",
    validateResource: validateTyped(aws.eks.NodeGroup, (group, _args, report) => {
        if (containsUnknown(group.subnetIds)) {
            return;
        }
        const count = new Set(list(group.subnetIds)).size;
        if (count < 2) {
            report(`subnetIds lists ${count} subnet(s); a zone outage would take every node. Give the node group a private subnet in at least two zones.`);
        }
    }),
});
