import { cisGcp, GCP } from "../../lib/gcp";
import { resourcePolicy, validateTokens } from "../../lib/policy";
import { field, isUnknown } from "../../lib/values";

export const gcpContainerClusterRequireSecretsEncryption = resourcePolicy({
    name: "gcp-container-cluster-require-secrets-encryption",
    description: "GKE encrypts Kubernetes Secrets at the application layer with a Cloud KMS key.",
    severity: "high",
    category: "security",
    topics: ["kubernetes", "encryption"],
    enforcementLevel: "mandatory",
    framework: cisGcp("gke", "5.3.1", "Ensure Kubernetes Secrets are encrypted using keys managed in Cloud KMS"),
    remediationSteps: "Set databaseEncryption { state: \"ENCRYPTED\", keyName: <crypto key id> } and grant the GKE service agent the key BEFORE the cluster.",
    validateResource: validateTokens([GCP.cluster], (c, _args, report) => {
        const enc = c.databaseEncryption;
        if (isUnknown(enc)) {
            return;
        }
        const state = field(enc, "state");
        const key = field(enc, "keyName");
        if (!isUnknown(state) && state !== "ENCRYPTED") {
            report(`databaseEncryption.state is ${state === undefined ? "not set" : JSON.stringify(state)}: Secrets are only encrypted with Google's keys. Set state "ENCRYPTED" with a Cloud KMS keyName.`);
        } else if (!isUnknown(key) && (typeof key !== "string" || key.length === 0)) {
            report("databaseEncryption.keyName is empty. Name the Cloud KMS crypto key (projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>).");
        }
    }),
});
