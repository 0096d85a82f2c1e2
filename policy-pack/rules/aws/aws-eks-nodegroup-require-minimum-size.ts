import * as aws from "@pulumi/aws";
import { configOf, resourcePolicy, validateTyped } from "../../lib/policy";
import { field, isUnknown } from "../../lib/values";

export interface MinimumSizeConfig {
    minSize: number;
}

const configSchema = {
    properties: {
        minSize: { type: "integer" as const, minimum: 1, default: 2, description: "Smallest allowed scalingConfig.minSize." },
    },
};

export const awsEksNodegroupRequireMinimumSize = resourcePolicy({
    name: "aws-eks-nodegroup-require-minimum-size",
    description: "Node groups keep enough nodes to survive the loss of one.",
    severity: "medium",
    category: "resilience",
    topics: ["availability", "kubernetes"],
    enforcementLevel: "advisory",
    configSchema,
    validateResource: validateTyped(aws.eks.NodeGroup, (group, args, report) => {
        const { minSize } = configOf<MinimumSizeConfig>(args, configSchema);
        const actual = field(group.scalingConfig, "minSize");
        if (typeof actual === "number" && !isUnknown(actual) && actual < minSize) {
            report(`scalingConfig.minSize is ${actual}; at least ${minSize} nodes keep workloads running through a node failure. Raise minSize to ${minSize} or more.`);
        }
    }),
});
