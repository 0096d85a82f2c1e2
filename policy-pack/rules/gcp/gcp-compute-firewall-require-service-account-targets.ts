import { GCP } from "../../lib/gcp";
import { resourcePolicy, validateTokens } from "../../lib/policy";
import { isUnknown, list } from "../../lib/values";

/**
 * Network tags are plain strings anyone with compute.instances.setTags can put on a VM, which
 * then inherits every rule naming the tag. Service accounts need iam.serviceAccountUser to run as.
 * So allow rules name service accounts, and rules without any target (every VM of the network)
 * are allowed only for denies.
 */
export const gcpComputeFirewallRequireServiceAccountTargets = resourcePolicy({
    name: "gcp-compute-firewall-require-service-account-targets",
    description: "Allow rules target service accounts, never network tags or the whole network.",
    severity: "high",
    category: "security",
    topics: ["network", "exposure"],
    enforcementLevel: "mandatory",
    remediationSteps: "Replace targetTags / sourceTags with targetServiceAccounts / sourceServiceAccounts (the VMs' dedicated service accounts).",
    validateResource: validateTokens([GCP.firewall], (fw, args, report) => {
        if (fw.allows === undefined || list(fw.allows).length === 0) {
            args.notApplicable("deny rules may apply to the whole network");
        }
        for (const key of ["targetTags", "sourceTags"] as const) {
            if (!isUnknown(fw[key]) && list(fw[key]).length > 0) {
                report(`${key} is set: network tags can be added to any VM by whoever may edit it. Use ${key.replace("Tags", "ServiceAccounts")} instead.`);
            }
        }
        if (!isUnknown(fw.targetServiceAccounts) && list(fw.targetServiceAccounts).length === 0 && !isUnknown(fw.targetTags) && list(fw.targetTags).length === 0) {
            report("the rule has no targetServiceAccounts, so it allows traffic to every VM in the network. Set targetServiceAccounts to the receiving tier's service account.");
        }
    }),
});
