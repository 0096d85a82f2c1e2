/**
 * Instance types for EKS managed node groups: a Spot pool gets several types of the same size.
 *
 * Why: one Spot instance type is one Spot capacity pool per zone; when it runs dry the pool
 * cannot launch at all. EC2 recommends diversifying across instance types
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-best-practices.html#be-instance-type-flexible),
 * and the Cluster Autoscaler needs every type of one node group to have the same vCPUs and memory,
 * since it simulates a scale-up with the group's first type
 * (https://github.com/kubernetes/autoscaler/blob/cluster-autoscaler-1.35.2/cluster-autoscaler/cloudprovider/aws/README.md,
 * "Using Mixed Instances Policies and Spot Instances"; EKS user guide, managed node groups:
 * "a flexible set of instance types with the same amount of vCPU and memory resources",
 * https://docs.aws.amazon.com/eks/latest/userguide/managed-node-groups.html).
 *
 * EC2 names types `<family>.<size>`; within one of the classes below every family has the same
 * vCPU count and memory per size (general purpose 1:4 GiB per vCPU, compute 1:2, memory 1:8;
 * https://docs.aws.amazon.com/ec2/latest/instancetypes/gp.html, co.html, mo.html). A test checks
 * every group this module builds for the shipped profiles against the independent table in
 * offline/constraints/tables/aws-instance-types.ts (vCPU, memory and architecture per type).
 */

/**
 * Families that are interchangeable size for size, all x86_64 (the node AMI type is
 * AL2023_x86_64_STANDARD): Intel and AMD generations 5 to 7. Order = preference after the
 * configured family (newer first; older generations are often the deepest Spot pools).
 */
export const INTERCHANGEABLE_FAMILIES: readonly (readonly string[])[] = [
    ["m6i", "m6a", "m7i", "m5", "m5a"],
    ["c6i", "c6a", "c7i", "c5", "c5a"],
    ["r6i", "r6a", "r7i", "r5", "r5a"],
    ["t3", "t3a"],
];

/** At most this many types per group: enough Spot pools, and a short, reviewable list. */
export const MAX_SPOT_TYPES = 4;

/**
 * The instance types of a node group: the configured type alone for on-demand capacity (the
 * managed node group would launch only its first type anyway, "prioritized" allocation), and for
 * Spot the configured type followed by the same size of the interchangeable families. A type
 * outside the known classes stays alone (`diversified: false`), and the caller says so.
 */
export function nodeGroupInstanceTypes(instanceType: string, capacity: "onDemand" | "spot"): { types: string[]; diversified: boolean } {
    if (capacity === "onDemand") {
        return { types: [instanceType], diversified: false };
    }
    const m = /^([a-z][a-z0-9-]*)\.([a-z0-9]+)$/.exec(instanceType);
    const family = m?.[1];
    const size = m?.[2];
    const cls = INTERCHANGEABLE_FAMILIES.find((c) => family !== undefined && c.includes(family));
    if (!cls || !size) {
        return { types: [instanceType], diversified: false };
    }
    const others = cls.filter((f) => f !== family).map((f) => `${f}.${size}`);
    return { types: [instanceType, ...others].slice(0, MAX_SPOT_TYPES), diversified: true };
}
