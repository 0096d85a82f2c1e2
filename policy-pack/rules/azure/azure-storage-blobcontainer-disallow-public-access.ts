import { AZ } from "../../lib/azure";
import { resourcePolicy, validateTokens } from "../../lib/policy";
import { isUnknown, show } from "../../lib/values";

export const azureStorageBlobcontainerDisallowPublicAccess = resourcePolicy({
    name: "azure-storage-blobcontainer-disallow-public-access",
    description: "Blob containers are never anonymously readable.",
    severity: "high",
    category: "security",
    topics: ["data-protection", "exposure"],
    enforcementLevel: "mandatory",
    validateResource: validateTokens([AZ.blobContainer], (props, _args, report) => {
        if (!isUnknown(props.publicAccess) && props.publicAccess !== undefined && props.publicAccess !== "None") {
            report(`publicAccess is ${show(props.publicAccess)}, so anyone with the URL can read its blobs. Set publicAccess: "None".`);
        }
    }),
});
