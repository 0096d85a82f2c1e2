import { at, AZ } from "../../lib/azure";
import { configOf, resourcePolicy, validateTokens } from "../../lib/policy";
import { isUnknown, show } from "../../lib/values";

export interface DiskEncryptionConfig {
    requireCustomerKey: boolean;
}

const configSchema = {
    properties: {
        requireCustomerKey: {
            type: "boolean" as const,
            default: false,
            description: "Require a customer-managed key (a disk encryption set) on every managed disk and VM OS disk (prod).",
        },
    },
};

const CUSTOMER_KEY_TYPES = ["EncryptionAtRestWithCustomerKey", "EncryptionAtRestWithPlatformAndCustomerKeys"];

/**
 * Managed disks are always encrypted at rest with platform keys; where the environment asks for
 * it, the key must be the platform's own (a disk encryption set), so revoking it locks the data.
 */
export const azureComputeDiskRequireEncryption = resourcePolicy({
    name: "azure-compute-disk-require-encryption",
    description: "Managed disks and VM OS disks are encrypted at rest, with a customer-managed key where the environment requires it.",
    severity: "high",
    category: "security",
    topics: ["encryption"],
    enforcementLevel: "mandatory",
    configSchema,
    validateResource: validateTokens([AZ.disk, AZ.vm], (props, args, report) => {
        const { requireCustomerKey } = configOf<DiskEncryptionConfig>(args, configSchema);
        if (args.type === AZ.disk) {
            const type = at(props, "encryption.type");
            const set = at(props, "encryption.diskEncryptionSetId");
            if (isUnknown(type) || isUnknown(set)) {
                return;
            }
            if (type !== undefined && !["EncryptionAtRestWithPlatformKey", ...CUSTOMER_KEY_TYPES].includes(String(type))) {
                report(`encryption.type is ${show(type)}. Use EncryptionAtRestWithCustomerKey (with a disk encryption set) or EncryptionAtRestWithPlatformKey.`);
            } else if (requireCustomerKey && (!CUSTOMER_KEY_TYPES.includes(String(type)) || typeof set !== "string")) {
                report(`encryption.type is ${show(type)}, but this environment requires a customer-managed key. Set encryption { type: "EncryptionAtRestWithCustomerKey", diskEncryptionSetId }.`);
            }
            return;
        }
        const set = at(props, "storageProfile.osDisk.managedDisk.diskEncryptionSet.id");
        if (requireCustomerKey && !isUnknown(set) && typeof set !== "string") {
            report("storageProfile.osDisk.managedDisk.diskEncryptionSet is unset, but this environment requires a customer-managed key. Set it to the stack's disk encryption set.");
        }
    }),
});
