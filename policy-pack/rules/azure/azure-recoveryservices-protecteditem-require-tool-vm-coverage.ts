import { AZ } from "../../lib/azure";
import { stackPolicy } from "../../lib/policy";
import { label, referrers, roleOf } from "../../lib/stack";
import { isUnknown } from "../../lib/values";

const TOOL_ROLES = ["jenkins", "vault", "wazuh"];

/** Every tool VM holds state (Jenkins home, Vault raft, Wazuh indexes): each one is backed up. */
export const azureRecoveryservicesProtecteditemRequireToolVmCoverage = stackPolicy({
    name: "azure-recoveryservices-protecteditem-require-tool-vm-coverage",
    description: "Every tool VM is a protected item of a Recovery Services vault.",
    severity: "high",
    category: "resilience",
    topics: ["data-protection", "availability"],
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const vms = args.resources.filter((r) => r.type === AZ.vm && TOOL_ROLES.includes(String(roleOf(r))));
        if (vms.length === 0) {
            args.notApplicable("no tool VMs in the stack");
        }
        for (const vm of vms) {
            const role = roleOf(vm);
            if (isUnknown(role)) {
                continue;
            }
            if (referrers(args.resources, vm, [AZ.protectedItem]).length === 0) {
                report(`${label(vm)} (role ${String(role)}) is not backed up: no recoveryservices.ProtectedItem names it as sourceResourceId. Protect it with the stack's daily policy.`, vm.urn);
            }
        }
    },
});
