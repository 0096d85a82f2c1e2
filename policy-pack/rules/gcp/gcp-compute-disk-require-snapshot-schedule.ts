import type { PolicyResource } from "@pulumi/policy";
import { GCP } from "../../lib/gcp";
import { stackPolicy } from "../../lib/policy";
import { label, linked, referrers, roleOf } from "../../lib/stack";
import { field, isUnknown, list, plain } from "../../lib/values";

const TOOL_ROLES = ["jenkins", "vault", "wazuh"];

/** The disks a VM uses: its boot disk source and attached disks (through the property dependencies). */
function disksOf(vm: PolicyResource): PolicyResource[] {
    const all = [...linked(vm, "bootDisk", [GCP.disk]), ...linked(vm, "attachedDisks", [GCP.disk])];
    return all.filter((d, i) => all.findIndex((o) => o.urn === d.urn) === i);
}

/**
 * Does the instance create its boot disk itself? `bootDisk.source` unset means yes. The provider
 * computes `source` for an inline disk, so on a first preview the engine sends stack rules an
 * UNKNOWN source for both shapes (outputs, not inputs); then `initializeParams` tells them apart:
 * the program sets it for an inline disk, while for a separate disk the provider computes it
 * (unknown as well). Both unknown: undecidable, no report.
 */
function bootDiskIsInline(boot: unknown): boolean {
    if (isUnknown(boot)) {
        return false;
    }
    const source = field(boot, "source");
    if (source === undefined || source === null) {
        return true;
    }
    const params = field(boot, "initializeParams");
    return isUnknown(source) && params !== undefined && params !== null && !isUnknown(params);
}

/**
 * Every disk of a tool VM (Jenkins, Vault, Wazuh) is on a snapshot schedule: through its own
 * resourcePolicies or a DiskResourcePolicyAttachment. A boot disk created inline by the instance
 * cannot be checked (or scheduled) separately, so it is reported too.
 */
export const gcpComputeDiskRequireSnapshotSchedule = stackPolicy({
    name: "gcp-compute-disk-require-snapshot-schedule",
    description: "Every disk of a tool VM is covered by a snapshot schedule.",
    severity: "high",
    category: "security",
    topics: ["data-protection"],
    enforcementLevel: "mandatory",
    remediationSteps: "Create the VM's disks as gcp.compute.Disk with resourcePolicies: [<snapshot schedule>] and attach them to the instance.",
    validateStack: (args, report) => {
        const vms = args.resources.filter((r) => r.type === GCP.instance && TOOL_ROLES.includes(String(roleOf(r))));
        if (vms.length === 0) {
            args.notApplicable("no tool VMs in the stack");
        }
        for (const vm of vms) {
            const props = plain(vm.props) as Record<string, unknown>;
            if (bootDiskIsInline(props.bootDisk)) {
                report(`${label(vm)} (role ${String(roleOf(vm))}) creates its boot disk inline, outside any snapshot schedule. Create it as a gcp.compute.Disk with resourcePolicies and set bootDisk.source.`, vm.urn);
            }
            for (const disk of disksOf(vm)) {
                const policies = (plain(disk.props) as Record<string, unknown>).resourcePolicies;
                const attached = referrers(args.resources, disk, [GCP.diskPolicyAttachment]).length > 0;
                if (!isUnknown(policies) && list(policies).length === 0 && !attached) {
                    report(`${label(disk)} of ${label(vm)} is on no snapshot schedule. Set resourcePolicies to the daily snapshot policy (or attach one with a DiskResourcePolicyAttachment).`, disk.urn);
                }
            }
        }
    },
});
