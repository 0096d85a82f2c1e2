import { cisGcp, GCP, isDefaultComputeServiceAccount } from "../../lib/gcp";
import { resourcePolicy, validateTokens } from "../../lib/policy";
import { field, isUnknown } from "../../lib/values";

/** Nodes (and the transient default pool) run as a dedicated least-privilege service account, with the GKE metadata server. */
export const gcpContainerNodepoolDisallowDefaultServiceAccount = resourcePolicy({
    name: "gcp-container-nodepool-disallow-default-service-account",
    description: "GKE nodes run as a dedicated service account (never the Compute Engine default) behind the GKE metadata server.",
    severity: "high",
    category: "security",
    topics: ["kubernetes", "hardening"],
    enforcementLevel: "mandatory",
    framework: cisGcp("gke", "5.2.1", "Ensure GKE clusters are not running using the Compute Engine default service account"),
    remediationSteps: "Set nodeConfig.serviceAccount to the node service account and nodeConfig.workloadMetadataConfig.mode to GKE_METADATA.",
    validateResource: validateTokens([GCP.nodePool, GCP.cluster], (p, args, report) => {
        const node = p.nodeConfig;
        if (args.type === GCP.cluster && node === undefined) {
            if (p.removeDefaultNodePool === true) {
                report("the transient default node pool has no nodeConfig, so it runs as the Compute Engine default service account. Set nodeConfig.serviceAccount to the node service account.");
            }
            return;
        }
        if (isUnknown(node)) {
            return;
        }
        const sa = field(node, "serviceAccount");
        if (sa === undefined) {
            report("nodeConfig.serviceAccount is not set, so nodes run as the Compute Engine default service account. Set it to the dedicated node service account.");
        } else if (isDefaultComputeServiceAccount(sa)) {
            report(`nodeConfig.serviceAccount is the Compute Engine default service account (${String(sa)}). Use the dedicated node service account.`);
        }
        const wmc = field(node, "workloadMetadataConfig");
        const mode = field(wmc, "mode");
        if (args.type === GCP.nodePool && !isUnknown(wmc) && !isUnknown(mode) && mode !== "GKE_METADATA") {
            report(`nodeConfig.workloadMetadataConfig.mode is ${mode === undefined ? "not set" : JSON.stringify(mode)}: pods can read the node's credentials from the metadata server. Set it to "GKE_METADATA".`);
        }
    }),
});
