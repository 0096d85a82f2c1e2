import { cisGcp, GCP } from "../../lib/gcp";
import { resourcePolicy, validateTokens } from "../../lib/policy";
import { field, isUnknown } from "../../lib/values";

/** Firewall logs answer "who reached what" (and what was refused) after an incident. */
export const gcpComputeFirewallRequireLogging = resourcePolicy({
    name: "gcp-compute-firewall-require-logging",
    description: "Every VPC firewall rule logs the connections it matches, with metadata.",
    severity: "medium",
    category: "security",
    topics: ["network", "logging"],
    enforcementLevel: "mandatory",
    framework: cisGcp("gcp", "3.8", "Ensure that VPC Flow Logs is enabled for every subnet in a VPC Network (firewall rule logging complements it)"),
    remediationSteps: "Set logConfig: { metadata: \"INCLUDE_ALL_METADATA\" } on the rule.",
    validateResource: validateTokens([GCP.firewall], (fw, _args, report) => {
        if (isUnknown(fw.logConfig)) {
            return;
        }
        if (fw.logConfig === undefined) {
            report("logConfig is not set, so matched connections are not logged. Set logConfig: { metadata: \"INCLUDE_ALL_METADATA\" }.");
            return;
        }
        const metadata = field(fw.logConfig, "metadata");
        if (!isUnknown(metadata) && metadata !== "INCLUDE_ALL_METADATA") {
            report(`logConfig.metadata is ${JSON.stringify(metadata)}. Set it to "INCLUDE_ALL_METADATA" so logs name the instances and networks involved.`);
        }
    }),
});
