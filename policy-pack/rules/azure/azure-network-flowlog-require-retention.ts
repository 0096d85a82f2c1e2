import { at, AZ } from "../../lib/azure";
import { configOf, resourcePolicy, validateTokens } from "../../lib/policy";
import { isUnknown } from "../../lib/values";

export interface FlowLogRetentionConfig {
    minimumDays: number;
}

const configSchema = {
    properties: {
        minimumDays: { type: "integer" as const, minimum: 1, maximum: 365, default: 30, description: "Shortest allowed flow log retention (days)." },
    },
};

/** Flow logs are evidence: kept at least as long as the environment's log retention. */
export const azureNetworkFlowlogRequireRetention = resourcePolicy({
    name: "azure-network-flowlog-require-retention",
    description: "Flow logs keep their records for at least the environment's minimum, and not forever.",
    severity: "low",
    category: "governance",
    topics: ["logging"],
    enforcementLevel: "mandatory",
    configSchema,
    validateResource: validateTokens([AZ.flowLog], (props, args, report) => {
        const { minimumDays } = configOf<FlowLogRetentionConfig>(args, configSchema);
        const enabled = at(props, "retentionPolicy.enabled");
        const days = at(props, "retentionPolicy.days");
        if (isUnknown(enabled) || isUnknown(days)) {
            return;
        }
        if (enabled !== true || typeof days !== "number" || days === 0) {
            report(`retentionPolicy is not enabled with a number of days, so flow logs are never deleted. Enable retentionPolicy with days of at least ${minimumDays}.`);
        } else if (days < minimumDays) {
            report(`retentionPolicy.days is ${days}, below this environment's minimum of ${minimumDays}. Raise it to at least ${minimumDays}.`);
        }
    }),
});
