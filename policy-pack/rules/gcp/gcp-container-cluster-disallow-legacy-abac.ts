import { cisGcp, GCP } from "../../lib/gcp";
import { resourcePolicy, validateTokens } from "../../lib/policy";
import { flag } from "../../lib/values";

export const gcpContainerClusterDisallowLegacyAbac = resourcePolicy({
    name: "gcp-container-cluster-disallow-legacy-abac",
    description: "GKE legacy ABAC is off, so RBAC alone authorises API requests.",
    severity: "high",
    category: "security",
    topics: ["kubernetes", "hardening"],
    enforcementLevel: "mandatory",
    framework: cisGcp("gke", "5.8.3", "Ensure Legacy Authorization (ABAC) is Disabled"),
    remediationSteps: "Set enableLegacyAbac: false.",
    validateResource: validateTokens([GCP.cluster], (c, _args, report) => {
        if (flag(c.enableLegacyAbac) === true) {
            report("enableLegacyAbac is true: ABAC grants bypass RBAC. Set enableLegacyAbac: false.");
        }
    }),
});
