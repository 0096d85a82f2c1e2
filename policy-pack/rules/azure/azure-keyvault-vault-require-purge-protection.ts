import { at, AZ } from "../../lib/azure";
import { resourcePolicy, validateTokens } from "../../lib/policy";
import { isUnknown, show } from "../../lib/values";

/** Without purge protection one delete (or one compromised admin) destroys every key and what it encrypts. */
export const azureKeyvaultVaultRequirePurgeProtection = resourcePolicy({
    name: "azure-keyvault-vault-require-purge-protection",
    description: "Key Vaults keep soft delete and purge protection on.",
    severity: "high",
    category: "security",
    topics: ["encryption", "data-protection"],
    enforcementLevel: "mandatory",
    validateResource: validateTokens([AZ.keyVault], (props, _args, report) => {
        const purge = at(props, "properties.enablePurgeProtection");
        const soft = at(props, "properties.enableSoftDelete");
        if (!isUnknown(purge) && purge !== true) {
            report(`properties.enablePurgeProtection is ${show(purge)}, so deleted keys can be purged before their retention ends. Set enablePurgeProtection: true.`);
        }
        if (!isUnknown(soft) && soft === false) {
            report("properties.enableSoftDelete is false, so a deleted vault is gone at once. Remove enableSoftDelete: false.");
        }
    }),
});
