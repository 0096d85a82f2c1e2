import { at, AZ } from "../../lib/azure";
import { resourcePolicy, validateTokens } from "../../lib/policy";
import { isUnknown, show } from "../../lib/values";

/** SSH keys only: a password on an SSH-reachable VM invites brute force. */
export const azureComputeVmDisallowPasswordAuth = resourcePolicy({
    name: "azure-compute-vm-disallow-password-auth",
    description: "Linux VMs disable password authentication and set no admin password.",
    severity: "high",
    category: "security",
    topics: ["hardening"],
    enforcementLevel: "mandatory",
    validateResource: validateTokens([AZ.vm], (props, _args, report) => {
        const disabled = at(props, "osProfile.linuxConfiguration.disablePasswordAuthentication");
        const password = at(props, "osProfile.adminPassword");
        if (!isUnknown(disabled) && disabled !== true) {
            report(`osProfile.linuxConfiguration.disablePasswordAuthentication is ${show(disabled)}. Set it to true and log in with SSH keys.`);
        }
        if (password !== undefined && !isUnknown(password)) {
            report("osProfile.adminPassword is set. Remove it: VMs are reached with SSH keys through the bastion.");
        }
    }),
});
