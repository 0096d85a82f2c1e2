import { isWorld } from "../../lib/network";
import { cisGcp, GCP } from "../../lib/gcp";
import { resourcePolicy, validateTokens } from "../../lib/policy";
import { field, flag, isUnknown, list } from "../../lib/values";

/**
 * The API is reached from listed networks only: master authorized networks on (never the
 * world, never "any Google Cloud address"), or the private endpoint alone.
 */
export const gcpContainerClusterRestrictApiAccess = resourcePolicy({
    name: "gcp-container-cluster-restrict-api-access",
    description: "The GKE API is limited to authorized networks (or private), never open to the internet or to all of Google Cloud.",
    severity: "critical",
    category: "security",
    topics: ["kubernetes", "exposure"],
    enforcementLevel: "mandatory",
    framework: cisGcp("gke", "5.6.3", "Ensure Control Plane Authorized Networks is Enabled"),
    remediationSteps: "Set masterAuthorizedNetworksConfig { cidrBlocks: [specific CIDRs], gcpPublicCidrsAccessEnabled: false }, or use the private endpoint only.",
    validateResource: validateTokens([GCP.cluster], (c, _args, report) => {
        const man = c.masterAuthorizedNetworksConfig;
        if (isUnknown(man)) {
            return;
        }
        const privateEndpoint = isUnknown(c.privateClusterConfig) ? "unknown" : flag(field(c.privateClusterConfig, "enablePrivateEndpoint"));
        if (man === undefined) {
            if (privateEndpoint !== true && privateEndpoint !== "unknown") {
                report("masterAuthorizedNetworksConfig is not set and the endpoint is public: any address on the internet can reach the Kubernetes API. Set masterAuthorizedNetworksConfig with specific cidrBlocks.");
            }
            return;
        }
        for (const [i, block] of list(field(man, "cidrBlocks")).entries()) {
            const cidr = field(block, "cidrBlock");
            if (typeof cidr === "string" && !isUnknown(cidr) && isWorld(cidr)) {
                report(`masterAuthorizedNetworksConfig.cidrBlocks[${i}] is ${cidr} (the whole internet). List the specific CIDRs that need the API.`);
            }
        }
        if (flag(field(man, "gcpPublicCidrsAccessEnabled")) === true) {
            report("masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled is true: every Google Cloud address (any customer's VM) may reach the API. Set it to false.");
        }
    }),
});
