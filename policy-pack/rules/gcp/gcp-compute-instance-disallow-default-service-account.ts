import { cisGcp, GCP, isDefaultComputeServiceAccount } from "../../lib/gcp";
import { resourcePolicy, validateTokens } from "../../lib/policy";
import { field, isUnknown } from "../../lib/values";

/** The Compute Engine default service account usually holds roles/editor on the whole project. */
export const gcpComputeInstanceDisallowDefaultServiceAccount = resourcePolicy({
    name: "gcp-compute-instance-disallow-default-service-account",
    description: "VMs run as a dedicated service account, never the Compute Engine default one.",
    severity: "high",
    category: "security",
    topics: ["hardening"],
    enforcementLevel: "mandatory",
    framework: cisGcp("gcp", "4.1", "Ensure that instances are not configured to use the default service account"),
    remediationSteps: "Create a service account per tier with only the roles it needs and set serviceAccount.email to it.",
    validateResource: validateTokens([GCP.instance], (vm, _args, report) => {
        if (isUnknown(vm.serviceAccount)) {
            return;
        }
        const email = field(vm.serviceAccount, "email");
        if (vm.serviceAccount === undefined || email === undefined) {
            report("serviceAccount.email is not set, so GCE attaches the Compute Engine default service account. Set it to the VM's dedicated service account.");
        } else if (isDefaultComputeServiceAccount(email)) {
            report(`serviceAccount.email is the Compute Engine default service account (${String(email)}). Use a dedicated least-privilege service account.`);
        }
    }),
});
