import * as aws from "@pulumi/aws";
import { cis, configOf, resourcePolicy, validateTyped } from "../../lib/policy";
import { EncryptedVolumesConfig, encryptionConfigSchema, volumeProblem } from "./aws-ec2-instance-require-encrypted-volumes";

export const awsEbsVolumeRequireEncryption = resourcePolicy({
    name: "aws-ebs-volume-require-encryption",
    description: "EBS volumes are encrypted with a customer-managed KMS key.",
    severity: "high",
    category: "security",
    topics: ["encryption"],
    enforcementLevel: "mandatory",
    framework: cis("aws", "2.2.1", "Ensure EBS volume encryption is enabled in all regions"),
    configSchema: encryptionConfigSchema,
    validateResource: validateTyped(aws.ebs.Volume, (volume, args, report) => {
        const { requireCustomerManagedKey } = configOf<EncryptedVolumesConfig>(args, encryptionConfigSchema);
        const p = volumeProblem("The volume", volume.encrypted, volume.kmsKeyId, requireCustomerManagedKey);
        if (p) {
            report(p);
        }
    }),
});
