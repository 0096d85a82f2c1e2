import { cisGcp, GCP } from "../../lib/gcp";
import { resourcePolicy, validateTokens } from "../../lib/policy";
import { field, isUnknown } from "../../lib/values";

export const gcpComputeSubnetworkRequireFlowLogs = resourcePolicy({
    name: "gcp-compute-subnetwork-require-flow-logs",
    description: "Every subnet has VPC flow logs with metadata.",
    severity: "medium",
    category: "security",
    topics: ["network", "logging"],
    enforcementLevel: "mandatory",
    framework: cisGcp("gcp", "3.8", "Ensure that VPC Flow Logs is enabled for every subnet in a VPC Network"),
    remediationSteps: "Set logConfig { aggregationInterval, flowSampling, metadata: \"INCLUDE_ALL_METADATA\" } on the subnet.",
    validateResource: validateTokens([GCP.subnetwork], (subnet, _args, report) => {
        const cfg = subnet.logConfig;
        if (isUnknown(cfg)) {
            return;
        }
        if (cfg === undefined) {
            report("logConfig is not set, so the subnet has no flow logs. Set logConfig with flowSampling > 0 and metadata \"INCLUDE_ALL_METADATA\".");
            return;
        }
        const sampling = field(cfg, "flowSampling");
        if (typeof sampling === "number" && sampling <= 0) {
            report(`logConfig.flowSampling is ${sampling}: no flow is recorded. Use a sampling rate above 0 (1.0 in prod).`);
        }
        const metadata = field(cfg, "metadata");
        if (!isUnknown(metadata) && metadata === "EXCLUDE_ALL_METADATA") {
            report("logConfig.metadata is EXCLUDE_ALL_METADATA, so flow logs cannot name instances. Use INCLUDE_ALL_METADATA.");
        }
    }),
});
