import { at, AZ } from "../../lib/azure";
import { resourcePolicy, validateTokens } from "../../lib/policy";
import { isUnknown, list, show } from "../../lib/values";

/** One authorization model: role assignments scoped to single keys and secrets, not vault-wide access policies. */
export const azureKeyvaultVaultRequireRbacAuthorization = resourcePolicy({
    name: "azure-keyvault-vault-require-rbac-authorization",
    description: "Key Vaults authorize through Azure RBAC (no access policies).",
    severity: "medium",
    category: "security",
    topics: ["encryption", "hardening"],
    enforcementLevel: "mandatory",
    validateResource: validateTokens([AZ.keyVault], (props, _args, report) => {
        const rbac = at(props, "properties.enableRbacAuthorization");
        const policies = at(props, "properties.accessPolicies");
        if (!isUnknown(rbac) && rbac !== true) {
            report(`properties.enableRbacAuthorization is ${show(rbac)}, so access is granted vault-wide by access policies. Set enableRbacAuthorization: true and grant roles on single keys and secrets.`);
        }
        if (!isUnknown(policies) && list(policies).length > 0) {
            report(`properties.accessPolicies lists ${list(policies).length} entr${list(policies).length === 1 ? "y" : "ies"}. Remove them: with RBAC authorization, rights are role assignments.`);
        }
    }),
});
