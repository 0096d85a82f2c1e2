import { at, AZ } from "../../lib/azure";
import { resourcePolicy, validateTokens } from "../../lib/policy";
import { isUnknown } from "../../lib/values";

/** Secrets in etcd encrypted with the platform's own Key Vault key (KMS), not only Azure's keys. */
export const azureAksClusterRequireKmsEncryption = resourcePolicy({
    name: "azure-aks-cluster-require-kms-encryption",
    description: "AKS clusters encrypt Kubernetes secrets with a Key Vault key (KMS etcd encryption).",
    severity: "high",
    category: "security",
    topics: ["kubernetes", "encryption"],
    enforcementLevel: "mandatory",
    remediationSteps: "Set securityProfile.azureKeyVaultKms { enabled: true, keyId } and grant the cluster identity Key Vault Crypto User on the key before the cluster.",
    validateResource: validateTokens([AZ.aks], (props, _args, report) => {
        const enabled = at(props, "securityProfile.azureKeyVaultKms.enabled");
        const keyId = at(props, "securityProfile.azureKeyVaultKms.keyId");
        if (isUnknown(enabled) || isUnknown(keyId)) {
            return;
        }
        if (enabled !== true || typeof keyId !== "string" || keyId === "") {
            report("securityProfile.azureKeyVaultKms is not enabled with a keyId, so Kubernetes secrets in etcd are encrypted with platform keys only. Enable azureKeyVaultKms with a Key Vault key (keyId).");
        }
    }),
});
