import { GCP } from "../../lib/gcp";
import { resourcePolicy, validateTokens } from "../../lib/policy";
import { isUnknown } from "../../lib/values";

/** Without it, private VMs and nodes reach Google APIs only through NAT, or not at all. */
export const gcpComputeSubnetworkRequirePrivateGoogleAccess = resourcePolicy({
    name: "gcp-compute-subnetwork-require-private-google-access",
    description: "Subnets enable Private Google Access, so private VMs reach Google APIs without public addresses.",
    severity: "low",
    category: "security",
    topics: ["network", "exposure"],
    enforcementLevel: "mandatory",
    remediationSteps: "Set privateIpGoogleAccess: true on the subnet.",
    validateResource: validateTokens([GCP.subnetwork], (subnet, _args, report) => {
        if (!isUnknown(subnet.privateIpGoogleAccess) && subnet.privateIpGoogleAccess !== true) {
            report("privateIpGoogleAccess is not true: private VMs would need a public path to reach Google APIs. Set privateIpGoogleAccess: true.");
        }
    }),
});
