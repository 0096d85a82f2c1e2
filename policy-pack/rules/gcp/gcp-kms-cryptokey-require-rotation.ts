import { cisGcp, durationSeconds, GCP } from "../../lib/gcp";
import { resourcePolicy, validateTokens } from "../../lib/policy";
import { isUnknown } from "../../lib/values";

/** 90 days, the CIS limit. */
const MAX_ROTATION_SECONDS = 90 * 24 * 3600;

export const gcpKmsCryptokeyRequireRotation = resourcePolicy({
    name: "gcp-kms-cryptokey-require-rotation",
    description: "Cloud KMS encryption keys rotate automatically at least every 90 days.",
    severity: "medium",
    category: "security",
    topics: ["encryption"],
    enforcementLevel: "mandatory",
    framework: cisGcp("gcp", "1.10", "Ensure KMS encryption keys are rotated within a period of 90 days"),
    remediationSteps: "Set rotationPeriod to \"7776000s\" (90 days) or less.",
    validateResource: validateTokens([GCP.cryptoKey], (key, args, report) => {
        if (key.purpose !== undefined && !isUnknown(key.purpose) && key.purpose !== "ENCRYPT_DECRYPT") {
            args.notApplicable(`only symmetric keys rotate automatically (purpose ${String(key.purpose)})`);
        }
        if (isUnknown(key.rotationPeriod)) {
            return;
        }
        const seconds = durationSeconds(key.rotationPeriod);
        if (key.rotationPeriod === undefined) {
            report("rotationPeriod is not set, so the key never rotates. Set rotationPeriod to \"7776000s\" (90 days) or less.");
        } else if (seconds === undefined || seconds > MAX_ROTATION_SECONDS) {
            report(`rotationPeriod ${JSON.stringify(key.rotationPeriod)} is longer than 90 days. Set it to "7776000s" or less.`);
        }
    }),
});
