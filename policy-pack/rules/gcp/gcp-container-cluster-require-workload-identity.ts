import { cisGcp, GCP } from "../../lib/gcp";
import { resourcePolicy, validateTokens } from "../../lib/policy";
import { field, isUnknown } from "../../lib/values";

/** Pods get their own Google identities, never the node's service account. */
export const gcpContainerClusterRequireWorkloadIdentity = resourcePolicy({
    name: "gcp-container-cluster-require-workload-identity",
    description: "GKE clusters enable Workload Identity (the project's workload pool).",
    severity: "high",
    category: "security",
    topics: ["kubernetes", "hardening"],
    enforcementLevel: "mandatory",
    framework: cisGcp("gke", "5.2.2", "Prefer using dedicated GCP Service Accounts and Workload Identity"),
    remediationSteps: "Set workloadIdentityConfig.workloadPool to \"<project>.svc.id.goog\" (and GKE_METADATA on the node pools).",
    validateResource: validateTokens([GCP.cluster], (c, _args, report) => {
        const pool = field(c.workloadIdentityConfig, "workloadPool");
        if (isUnknown(c.workloadIdentityConfig) || isUnknown(pool)) {
            return;
        }
        if (typeof pool !== "string" || !pool.endsWith(".svc.id.goog")) {
            report(`workloadIdentityConfig.workloadPool is ${pool === undefined ? "not set" : JSON.stringify(pool)}, so pods use the node's service account. Set it to "<project>.svc.id.goog".`);
        }
    }),
});
