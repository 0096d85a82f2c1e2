import * as aws from "@pulumi/aws";
import { isWorld } from "../../lib/network";
import { cis, resourcePolicy, validateTyped } from "../../lib/policy";
import { field, isUnknown, list } from "../../lib/values";

/**
 * EKS defaults are the trap here: `endpointPublicAccess` defaults to true and
 * `publicAccessCidrs` to ["0.0.0.0/0"]. The platform's access modes are `restricted` (public
 * endpoint limited to authorized CIDRs) and `private` (no public endpoint).
 */
export const awsEksClusterDisallowWorldApiAccess = resourcePolicy({
    name: "aws-eks-cluster-disallow-world-api-access",
    description: "The EKS API endpoint is never reachable from the whole internet.",
    severity: "critical",
    category: "security",
    topics: ["exposure", "kubernetes"],
    enforcementLevel: "mandatory",
    framework: cis("eks", "5.4.1", "Restrict Access to the Control Plane Endpoint"),
    validateResource: validateTyped(aws.eks.Cluster, (cluster, _args, report) => {
        const vpc = cluster.vpcConfig;
        const publicAccess = field(vpc, "endpointPublicAccess");
        const cidrs = field(vpc, "publicAccessCidrs");
        if (isUnknown(vpc) || isUnknown(publicAccess) || publicAccess === false || isUnknown(cidrs)) {
            return;
        }
        const state = publicAccess === undefined ? "vpcConfig.endpointPublicAccess is unset (defaults to true)" : "vpcConfig.endpointPublicAccess is true";
        if (list(cidrs).length === 0) {
            report(
                `${state} and vpcConfig.publicAccessCidrs is unset, so the API is open to 0.0.0.0/0. ` +
                    "Set publicAccessCidrs to the authorized CIDRs (access mode restricted) or endpointPublicAccess to false (access mode private).",
            );
            return;
        }
        for (const cidr of list(cidrs).filter((c): c is string => typeof c === "string" && !isUnknown(c) && isWorld(c))) {
            report(`${state} and vpcConfig.publicAccessCidrs contains ${cidr}. List only the authorized CIDRs, or set endpointPublicAccess to false.`);
        }
    }),
});
