import { at, AZ } from "../../lib/azure";
import { configOf, resourcePolicy, validateTokens } from "../../lib/policy";
import { isUnknown, show } from "../../lib/values";

export interface BackupRetentionConfig {
    minimumDays: number;
}

const configSchema = {
    properties: {
        minimumDays: { type: "integer" as const, minimum: 7, default: 7, description: "Shortest allowed daily backup retention (days)." },
    },
};

export const azureRecoveryservicesPolicyRequireRetention = resourcePolicy({
    name: "azure-recoveryservices-policy-require-retention",
    description: "VM backup policies run daily and keep recovery points at least the environment's minimum.",
    severity: "medium",
    category: "resilience",
    topics: ["data-protection", "availability"],
    enforcementLevel: "mandatory",
    configSchema,
    validateResource: validateTokens([AZ.protectionPolicy], (props, args, report) => {
        const { minimumDays } = configOf<BackupRetentionConfig>(args, configSchema);
        const frequency = at(props, "properties.schedulePolicy.scheduleRunFrequency");
        const count = at(props, "properties.retentionPolicy.dailySchedule.retentionDuration.count");
        const unit = at(props, "properties.retentionPolicy.dailySchedule.retentionDuration.durationType");
        if (!isUnknown(frequency) && frequency !== "Daily" && frequency !== "Hourly") {
            report(`properties.schedulePolicy.scheduleRunFrequency is ${show(frequency)}. Back up at least daily.`);
        }
        if (isUnknown(count) || isUnknown(unit)) {
            return;
        }
        if (typeof count !== "number" || unit !== "Days") {
            report(`properties.retentionPolicy.dailySchedule.retentionDuration is ${show(count)} ${show(unit)}. Keep daily recovery points for at least ${minimumDays} Days.`);
        } else if (count < minimumDays) {
            report(`daily recovery points are kept ${count} days, below this environment's minimum of ${minimumDays}. Raise retentionDuration.count to at least ${minimumDays}.`);
        }
    }),
});
