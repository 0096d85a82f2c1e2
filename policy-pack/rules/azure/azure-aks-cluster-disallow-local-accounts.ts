import { at, AZ } from "../../lib/azure";
import { resourcePolicy, validateTokens } from "../../lib/policy";
import { isUnknown, show } from "../../lib/values";

/** Local accounts mean a static admin certificate; Entra ID with Azure RBAC means audited, revocable access. */
export const azureAksClusterDisallowLocalAccounts = resourcePolicy({
    name: "azure-aks-cluster-disallow-local-accounts",
    description: "AKS clusters disable local accounts and authorize through Entra ID with Azure RBAC.",
    severity: "high",
    category: "security",
    topics: ["kubernetes", "hardening"],
    enforcementLevel: "mandatory",
    remediationSteps: "Set disableLocalAccounts: true and aadProfile { managed: true, enableAzureRBAC: true }.",
    validateResource: validateTokens([AZ.aks], (props, _args, report) => {
        if (!isUnknown(props.disableLocalAccounts) && props.disableLocalAccounts !== true) {
            report(`disableLocalAccounts is ${show(props.disableLocalAccounts)}, so a static cluster-admin certificate can be downloaded (az aks get-credentials --admin). Set disableLocalAccounts: true (Entra ID only).`);
        }
        const rbac = at(props, "aadProfile.enableAzureRBAC");
        if (!isUnknown(rbac) && rbac !== true) {
            report(`aadProfile.enableAzureRBAC is ${show(rbac)}: Kubernetes authorization is not tied to Entra ID. Set aadProfile { managed: true, enableAzureRBAC: true }.`);
        }
    }),
});
