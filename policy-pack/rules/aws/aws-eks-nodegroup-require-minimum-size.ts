import type { PolicyResource } from "@pulumi/policy";
import { configOf, stackPolicy } from "../../lib/policy";
import { label } from "../../lib/stack";
import { field, isUnknown, plain, stringMap } from "../../lib/values";

export interface MinimumSizeConfig {
    minSize: number;
}

const configSchema = {
    properties: {
        minSize: { type: "integer" as const, minimum: 1, default: 2, description: "Smallest allowed sum of scalingConfig.minSize over a pool's node groups." },
    },
};

const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
/** The label the platform puts on every node group of a pool (components/aws/cluster.ts POOL_LABEL). */
export const POOL_LABEL = "platform/pool";

/**
 * The node groups of the stack by pool: the groups of one cluster that carry the same
 * `platform/pool` label; a group without the label is a pool of its own.
 */
export function nodeGroupPools(resources: readonly PolicyResource[]): Map<string, PolicyResource[]> {
    const pools = new Map<string, PolicyResource[]>();
    for (const group of resources.filter((r) => r.type === NODE_GROUP)) {
        const props = plain(group.props) as Record<string, unknown>;
        const cluster = typeof props.clusterName === "string" && !isUnknown(props.clusterName) ? props.clusterName : "?";
        const pool = stringMap(props.labels)?.[POOL_LABEL];
        const key = typeof pool === "string" && !isUnknown(pool) ? `${cluster}/${pool}` : `${cluster}/${group.name}`;
        pools.set(key, [...(pools.get(key) ?? []), group]);
    }
    return pools;
}

/**
 * A pool keeps enough nodes to survive the loss of one: the sum of its node groups' minSize (a
 * pool of one group per zone has its floor spread over the zones). A stack rule, since it needs
 * the sibling groups: it reports after `up` rather than blocking it.
 */
export const awsEksNodegroupRequireMinimumSize = stackPolicy({
    name: "aws-eks-nodegroup-require-minimum-size",
    description: "Each pool of EKS node groups keeps enough nodes to survive the loss of one.",
    severity: "medium",
    category: "resilience",
    topics: ["availability", "kubernetes"],
    enforcementLevel: "advisory",
    configSchema,
    validateStack: (args, report) => {
        const { minSize } = configOf<MinimumSizeConfig>(args, configSchema);
        const pools = nodeGroupPools(args.resources);
        if (pools.size === 0) {
            args.notApplicable("no EKS node groups in the stack");
        }
        for (const [pool, groups] of pools) {
            const sizes = groups.map((g) => field(field(plain(g.props), "scalingConfig"), "minSize"));
            if (sizes.some((v) => typeof v !== "number" || isUnknown(v))) {
                continue;
            }
            const total = (sizes as number[]).reduce((a, b) => a + b, 0);
            if (total < minSize) {
                for (const group of groups) {
                    report(
                        `${label(group)}: its pool ${pool} keeps at least ${total} node(s) (scalingConfig.minSize over its node groups); at least ${minSize} keep workloads running through a node failure. Raise minSize to ${minSize} or more across the pool.`,
                        group.urn,
                    );
                }
            }
        }
    },
});
