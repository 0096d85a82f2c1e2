import { cisGcp, GCP } from "../../lib/gcp";
import { resourcePolicy, validateTokens } from "../../lib/policy";
import { field, isUnknown } from "../../lib/values";

export const gcpComputeInstanceRequireShieldedVm = resourcePolicy({
    name: "gcp-compute-instance-require-shielded-vm",
    description: "VMs run as Shielded VMs: secure boot, vTPM and integrity monitoring.",
    severity: "medium",
    category: "security",
    topics: ["hardening"],
    enforcementLevel: "mandatory",
    framework: cisGcp("gcp", "4.8", "Ensure Compute instances are launched with Shielded VM enabled"),
    remediationSteps: "Set shieldedInstanceConfig { enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true } (the image must support Shielded VM).",
    validateResource: validateTokens([GCP.instance], (vm, _args, report) => {
        const cfg = vm.shieldedInstanceConfig;
        if (isUnknown(cfg)) {
            return;
        }
        // GCE defaults vTPM and integrity monitoring on, but secure boot off.
        const wanted: [string, boolean][] = [["enableSecureBoot", false], ["enableVtpm", true], ["enableIntegrityMonitoring", true]];
        for (const [key, gcpDefault] of wanted) {
            const v = field(cfg, key);
            if (!isUnknown(v) && (v ?? gcpDefault) !== true) {
                report(`shieldedInstanceConfig.${key} is ${v === undefined ? "unset (off by default)" : String(v)}. Set it to true.`);
            }
        }
    }),
});
