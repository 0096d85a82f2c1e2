import { cisGcp, GCP } from "../../lib/gcp";
import { resourcePolicy, validateTokens } from "../../lib/policy";
import { field, flag, isUnknown } from "../../lib/values";

export const gcpContainerClusterRequirePrivateNodes = resourcePolicy({
    name: "gcp-container-cluster-require-private-nodes",
    description: "GKE nodes have internal addresses only (private nodes).",
    severity: "high",
    category: "security",
    topics: ["kubernetes", "exposure"],
    enforcementLevel: "mandatory",
    framework: cisGcp("gke", "5.6.5", "Ensure clusters are created with Private Nodes"),
    remediationSteps: "Set privateClusterConfig.enablePrivateNodes: true and give the cluster a masterIpv4CidrBlock.",
    validateResource: validateTokens([GCP.cluster], (c, _args, report) => {
        const v = isUnknown(c.privateClusterConfig) ? "unknown" : flag(field(c.privateClusterConfig, "enablePrivateNodes"));
        if (v !== "unknown" && v !== true) {
            report("privateClusterConfig.enablePrivateNodes is not true, so every node gets an external IP. Set it to true (egress goes through Cloud NAT).");
        }
    }),
});
