import { stackPolicy } from "../../lib/policy";
import { label, subnetsOf } from "../../lib/stack";
import { containsUnknown, field, isUnknown, list, plain } from "../../lib/values";
import { nodeGroupPools } from "./aws-eks-nodegroup-require-minimum-size";

/**
 * A pool of nodes (the node groups sharing a cluster and a `platform/pool` label; a group without
 * one is its own pool) spans at least two availability zones. Judged per pool, not per group: a
 * pool of one node group per zone is the layout the EKS user guide asks of Cluster Autoscaler users
 * with zonal EBS volumes (https://docs.aws.amazon.com/eks/latest/userguide/managed-node-groups.html),
 * and it survives a zone outage as well as one group over every zone. A stack rule, since it needs
 * the sibling groups: it reports after `up` rather than blocking it.
 */
export const awsEksNodegroupRequireMultiAz = stackPolicy({
    name: "aws-eks-nodegroup-require-multi-az",
    description: "Each pool of EKS node groups spans at least two availability zones.",
    severity: "medium",
    category: "resilience",
    topics: ["availability", "kubernetes"],
    enforcementLevel: "advisory",
    validateStack: (args, report) => {
        const pools = nodeGroupPools(args.resources);
        if (pools.size === 0) {
            args.notApplicable("no EKS node groups in the stack");
        }
        for (const [pool, groups] of pools) {
            // Zones the pool's subnets are in: a subnet resource's availabilityZone when the stack
            // has it, else the subnet itself (the old per-group reading: one subnet, one zone).
            const zones = new Set<string>();
            let unknown = false;
            for (const group of groups) {
                const linked = subnetsOf(group, "subnetIds");
                const ids = field(plain(group.props), "subnetIds");
                if (linked.length === 0 && containsUnknown(ids)) {
                    unknown = true; // preview: which subnets is not known yet
                }
                for (const subnet of linked) {
                    const az = field(plain(subnet.props), "availabilityZone");
                    zones.add(typeof az === "string" && !isUnknown(az) ? az : subnet.urn);
                }
                if (linked.length === 0) {
                    list(ids).filter((id) => typeof id === "string" && !isUnknown(id)).forEach((id) => zones.add(String(id)));
                }
            }
            if (unknown) {
                continue;
            }
            const counted = zones.size;
            if (counted < 2) {
                for (const group of groups) {
                    report(
                        `${label(group)} (pool ${pool}) is in ${counted} availability zone(s) with the rest of its pool; a zone outage would take every node of the pool. Give the pool private subnets in at least two zones (one node group per zone, or a group over several).`,
                        group.urn,
                    );
                }
            }
        }
    },
});
