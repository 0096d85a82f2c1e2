import { at, AZ } from "../../lib/azure";
import { resourcePolicy, validateTokens } from "../../lib/policy";
import { isUnknown, show } from "../../lib/values";

/** Secure boot and a vTPM stop boot kits and let the guest attest its boot chain. */
export const azureComputeVmRequireTrustedLaunch = resourcePolicy({
    name: "azure-compute-vm-require-trusted-launch",
    description: "VMs use trusted launch (or confidential VMs) with secure boot and vTPM on.",
    severity: "medium",
    category: "security",
    topics: ["hardening"],
    enforcementLevel: "mandatory",
    validateResource: validateTokens([AZ.vm], (props, _args, report) => {
        const type = at(props, "securityProfile.securityType");
        const secureBoot = at(props, "securityProfile.uefiSettings.secureBootEnabled");
        const vtpm = at(props, "securityProfile.uefiSettings.vTpmEnabled");
        if (!isUnknown(type) && type !== "TrustedLaunch" && type !== "ConfidentialVM") {
            report(`securityProfile.securityType is ${show(type)}. Set securityType: "TrustedLaunch" (on a Gen2 image).`);
        }
        if (!isUnknown(secureBoot) && secureBoot !== true) {
            report(`securityProfile.uefiSettings.secureBootEnabled is ${show(secureBoot)}. Set it to true.`);
        }
        if (!isUnknown(vtpm) && vtpm !== true) {
            report(`securityProfile.uefiSettings.vTpmEnabled is ${show(vtpm)}. Set it to true.`);
        }
    }),
});
