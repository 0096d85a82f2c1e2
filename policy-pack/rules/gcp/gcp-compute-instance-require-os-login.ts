import { cisGcp, GCP, metadataFlag } from "../../lib/gcp";
import { resourcePolicy, validateTokens } from "../../lib/policy";

/** OS Login: SSH authorised by IAM and audited, not by keys anyone can paste into metadata. */
export const gcpComputeInstanceRequireOsLogin = resourcePolicy({
    name: "gcp-compute-instance-require-os-login",
    description: "VMs use OS Login and ignore project-wide SSH keys.",
    severity: "high",
    category: "security",
    topics: ["hardening"],
    enforcementLevel: "mandatory",
    framework: cisGcp("gcp", "4.4", "Ensure oslogin is enabled for a Project"),
    remediationSteps: "Set metadata enable-oslogin: \"TRUE\" and block-project-ssh-keys: \"TRUE\".",
    validateResource: validateTokens([GCP.instance], (vm, _args, report) => {
        const osLogin = metadataFlag(vm.metadata, "enable-oslogin");
        if (osLogin !== "unknown" && osLogin !== true) {
            report("metadata enable-oslogin is not TRUE, so SSH keys in metadata (not IAM) decide who logs in. Set enable-oslogin: \"TRUE\".");
        }
        const block = metadataFlag(vm.metadata, "block-project-ssh-keys");
        if (block !== "unknown" && block !== true) {
            report("metadata block-project-ssh-keys is not TRUE, so project-wide SSH keys reach this VM. Set block-project-ssh-keys: \"TRUE\".");
        }
    }),
});
