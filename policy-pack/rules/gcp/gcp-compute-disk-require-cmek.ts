import { cisGcp, GCP } from "../../lib/gcp";
import { resourcePolicy, validateTokens } from "../../lib/policy";
import { field, isUnknown } from "../../lib/values";

/**
 * Persistent disks are encrypted with the platform's Cloud KMS key (customer-managed): access
 * to the data then needs the key too, and disabling the key makes it unreadable on purpose.
 */
export const gcpComputeDiskRequireCmek = resourcePolicy({
    name: "gcp-compute-disk-require-cmek",
    description: "Persistent disks are encrypted with a customer-managed Cloud KMS key.",
    severity: "medium",
    category: "security",
    topics: ["encryption", "data-protection"],
    enforcementLevel: "mandatory",
    framework: cisGcp("gcp", "4.7", "Ensure VM disks for critical VMs are encrypted with Customer-Supplied Encryption Keys (CSEK); CMEK is the managed equivalent"),
    remediationSteps: "Set diskEncryptionKey.kmsKeySelfLink to the platform's disks key and grant the Compute Engine service agent encrypter/decrypter on it first.",
    validateResource: validateTokens([GCP.disk], (disk, _args, report) => {
        const key = disk.diskEncryptionKey;
        if (isUnknown(key) || isUnknown(field(key, "kmsKeySelfLink"))) {
            return;
        }
        if (typeof field(key, "kmsKeySelfLink") !== "string" || (field(key, "kmsKeySelfLink") as string).length === 0) {
            report("diskEncryptionKey.kmsKeySelfLink is not set, so the disk is encrypted with Google's keys only. Set it to the platform's Cloud KMS disks key.");
        }
    }),
});
