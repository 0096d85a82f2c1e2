import * as aws from "@pulumi/aws";
import { cis, configOf, resourcePolicy, validateTyped } from "../../lib/policy";
import { field, isUnknown, list } from "../../lib/values";
import { EncryptedVolumesConfig, encryptionConfigSchema, volumeProblem } from "./aws-ec2-instance-require-encrypted-volumes";

export const awsEc2LaunchtemplateRequireEncryptedVolumes = resourcePolicy({
    name: "aws-ec2-launchtemplate-require-encrypted-volumes",
    description: "Launch templates define their EBS volumes encrypted with a customer-managed KMS key.",
    severity: "high",
    category: "security",
    topics: ["encryption"],
    enforcementLevel: "mandatory",
    framework: cis("aws", "2.2.1", "Ensure EBS volume encryption is enabled in all regions"),
    configSchema: encryptionConfigSchema,
    validateResource: validateTyped(aws.ec2.LaunchTemplate, (template, args, report) => {
        const { requireCustomerManagedKey } = configOf<EncryptedVolumesConfig>(args, encryptionConfigSchema);
        if (list(template.blockDeviceMappings).some((m) => isUnknown(m) || isUnknown(field(m, "ebs"))) || isUnknown(template.blockDeviceMappings)) {
            return; // which volumes exist is not known yet
        }
        const ebs = list(template.blockDeviceMappings).filter((m) => field(m, "ebs") !== undefined);
        if (ebs.length === 0) {
            report("blockDeviceMappings defines no EBS volume, so the root volume takes the AMI's (unencrypted) default. Map the root device with ebs.encrypted \"true\" and ebs.kmsKeyId.");
            return;
        }
        list(template.blockDeviceMappings).forEach((m, i) => {
            const volume = field(m, "ebs");
            if (volume === undefined) {
                return;
            }
            const p = volumeProblem(`blockDeviceMappings[${i}].ebs`, field(volume, "encrypted"), field(volume, "kmsKeyId"), requireCustomerManagedKey);
            if (p) {
                report(p);
            }
        });
    }),
});
