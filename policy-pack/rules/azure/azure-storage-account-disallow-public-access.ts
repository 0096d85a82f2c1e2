import { at, AZ } from "../../lib/azure";
import { resourcePolicy, validateTokens } from "../../lib/policy";
import { isUnknown, show } from "../../lib/values";

export const azureStorageAccountDisallowPublicAccess = resourcePolicy({
    name: "azure-storage-account-disallow-public-access",
    description: "Storage accounts allow no anonymous blob access and deny network access by default.",
    severity: "high",
    category: "security",
    topics: ["data-protection", "exposure"],
    enforcementLevel: "mandatory",
    validateResource: validateTokens([AZ.storageAccount], (props, _args, report) => {
        if (!isUnknown(props.allowBlobPublicAccess) && props.allowBlobPublicAccess !== false) {
            report(`allowBlobPublicAccess is ${show(props.allowBlobPublicAccess)}, so a container can be made anonymously readable. Set allowBlobPublicAccess: false.`);
        }
        const action = at(props, "networkRuleSet.defaultAction");
        if (!isUnknown(action) && action !== "Deny") {
            report(`networkRuleSet.defaultAction is ${show(action)}, so any network may reach the account. Set networkRuleSet { defaultAction: "Deny" } and allow the subnets (and trusted Azure services) that need it.`);
        }
    }),
});
