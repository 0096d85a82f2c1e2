import * as aws from "@pulumi/aws";
import { cis, configOf, resourcePolicy, validateTyped } from "../../lib/policy";
import { field, flag, isUnknown, list } from "../../lib/values";

export interface EncryptedVolumesConfig {
    requireCustomerManagedKey: boolean;
}

export const encryptionConfigSchema = {
    properties: {
        requireCustomerManagedKey: {
            type: "boolean" as const,
            default: true,
            description: "Require a customer-managed KMS key (kmsKeyId), not the AWS-managed aws/ebs key.",
        },
    },
};

/** The verdict on one volume definition: `encrypted` (boolean or "true") and `kmsKeyId`. */
export function volumeProblem(where: string, encrypted: unknown, kmsKeyId: unknown, requireCmk: boolean): string | undefined {
    const enc = flag(encrypted);
    if (enc === "unknown") {
        return undefined;
    }
    if (enc !== true) {
        return `${where} is not encrypted (encrypted is ${enc === false ? "false" : "unset"}). Set encrypted to true with the platform's KMS key.`;
    }
    if (requireCmk && (kmsKeyId === undefined || kmsKeyId === "") && !isUnknown(kmsKeyId)) {
        return `${where} is encrypted with the AWS-managed key (kmsKeyId is unset). Set kmsKeyId to the platform's customer-managed KMS key.`;
    }
    return undefined;
}

export const awsEc2InstanceRequireEncryptedVolumes = resourcePolicy({
    name: "aws-ec2-instance-require-encrypted-volumes",
    description: "EC2 instance root and EBS block devices are encrypted with a customer-managed KMS key.",
    severity: "high",
    category: "security",
    topics: ["encryption"],
    enforcementLevel: "mandatory",
    framework: cis("aws", "2.2.1", "Ensure EBS volume encryption is enabled in all regions"),
    configSchema: encryptionConfigSchema,
    validateResource: validateTyped(aws.ec2.Instance, (instance, args, report) => {
        const { requireCustomerManagedKey } = configOf<EncryptedVolumesConfig>(args, encryptionConfigSchema);
        const root = instance.rootBlockDevice;
        if (isUnknown(root)) {
            return;
        }
        const problems = [
            volumeProblem("rootBlockDevice", field(root, "encrypted"), field(root, "kmsKeyId"), requireCustomerManagedKey),
            ...list(instance.ebsBlockDevices).map((d, i) =>
                isUnknown(d) ? undefined : volumeProblem(`ebsBlockDevices[${i}]`, field(d, "encrypted"), field(d, "kmsKeyId"), requireCustomerManagedKey),
            ),
        ];
        for (const p of problems) {
            if (p) {
                report(p);
            }
        }
    }),
});
