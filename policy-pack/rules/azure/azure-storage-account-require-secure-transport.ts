import { AZ } from "../../lib/azure";
import { resourcePolicy, validateTokens } from "../../lib/policy";
import { isUnknown, show } from "../../lib/values";

const TLS = ["TLS1_2", "TLS1_3"];

export const azureStorageAccountRequireSecureTransport = resourcePolicy({
    name: "azure-storage-account-require-secure-transport",
    description: "Storage accounts accept HTTPS only, with TLS 1.2 or newer.",
    severity: "medium",
    category: "security",
    topics: ["encryption"],
    enforcementLevel: "mandatory",
    validateResource: validateTokens([AZ.storageAccount], (props, _args, report) => {
        if (!isUnknown(props.minimumTlsVersion) && !(typeof props.minimumTlsVersion === "string" && TLS.includes(props.minimumTlsVersion))) {
            report(`minimumTlsVersion is ${show(props.minimumTlsVersion)}. Set minimumTlsVersion: "TLS1_2" (or newer).`);
        }
        if (!isUnknown(props.enableHttpsTrafficOnly) && props.enableHttpsTrafficOnly === false) {
            report("enableHttpsTrafficOnly is false, so data can travel over plain HTTP. Remove it or set it to true.");
        }
    }),
});
