import { at, AZ } from "../../lib/azure";
import { isWorld } from "../../lib/network";
import { resourcePolicy, validateTokens } from "../../lib/policy";
import { isUnknown, list } from "../../lib/values";

/** DESIGN.md access model: private, or public limited to listed CIDRs; never open to the world. */
export const azureAksClusterRestrictApiAccess = resourcePolicy({
    name: "azure-aks-cluster-restrict-api-access",
    description: "The AKS API is private, or public only to authorized IP ranges (never the whole internet).",
    severity: "critical",
    category: "security",
    topics: ["kubernetes", "exposure"],
    enforcementLevel: "mandatory",
    remediationSteps: "Set apiServerAccessProfile.enablePrivateCluster: true, or list the operators' CIDRs in authorizedIPRanges.",
    validateResource: validateTokens([AZ.aks], (props, _args, report) => {
        const isPrivate = at(props, "apiServerAccessProfile.enablePrivateCluster");
        const ranges = at(props, "apiServerAccessProfile.authorizedIPRanges");
        if (isUnknown(isPrivate) || isPrivate === true || isUnknown(ranges)) {
            return;
        }
        const known = list(ranges).filter((r): r is string => typeof r === "string" && !isUnknown(r));
        for (const r of known.filter(isWorld)) {
            report(`apiServerAccessProfile.authorizedIPRanges contains ${r}, opening the Kubernetes API to the whole internet. List specific CIDRs or make the cluster private.`);
        }
        if (list(ranges).length === 0) {
            report("the API server is public (enablePrivateCluster is not true) and apiServerAccessProfile.authorizedIPRanges is empty, so anyone on the internet can reach it. Set authorizedIPRanges or enablePrivateCluster: true.");
        }
    }),
});
