import { cisGcp, GCP } from "../../lib/gcp";
import { resourcePolicy, validateTokens } from "../../lib/policy";
import { flag } from "../../lib/values";

export const gcpContainerClusterRequireShieldedNodes = resourcePolicy({
    name: "gcp-container-cluster-require-shielded-nodes",
    description: "GKE clusters require Shielded GKE Nodes (verifiable node identity and integrity).",
    severity: "medium",
    category: "security",
    topics: ["kubernetes", "hardening"],
    enforcementLevel: "mandatory",
    framework: cisGcp("gke", "5.5.5", "Ensure Shielded GKE Nodes are Enabled"),
    remediationSteps: "Set enableShieldedNodes: true (and secure boot in the node pools' shieldedInstanceConfig).",
    validateResource: validateTokens([GCP.cluster], (c, _args, report) => {
        const v = flag(c.enableShieldedNodes);
        if (v === false) {
            report("enableShieldedNodes is false: a rogue VM could impersonate a node and join the cluster. Set enableShieldedNodes: true.");
        }
    }),
});
