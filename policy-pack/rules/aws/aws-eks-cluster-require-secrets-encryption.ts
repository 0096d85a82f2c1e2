import * as aws from "@pulumi/aws";
import { cis, resourcePolicy, validateTyped } from "../../lib/policy";
import { containsUnknown, field, isUnknown, list } from "../../lib/values";

export const awsEksClusterRequireSecretsEncryption = resourcePolicy({
    name: "aws-eks-cluster-require-secrets-encryption",
    description: "EKS encrypts Kubernetes secrets with a customer-managed KMS key (envelope encryption).",
    severity: "high",
    category: "security",
    topics: ["encryption", "kubernetes"],
    enforcementLevel: "mandatory",
    framework: cis("eks", "5.3.1", "Ensure Kubernetes Secrets are encrypted using Customer Master Keys (CMKs) managed in AWS KMS"),
    remediationSteps: "Set encryptionConfig { resources: [\"secrets\"], provider: { keyArn } } and grant the cluster role use of the key first.",
    validateResource: validateTyped(aws.eks.Cluster, (cluster, _args, report) => {
        const config = cluster.encryptionConfig;
        if (isUnknown(config)) {
            return;
        }
        if (config === undefined) {
            report("encryptionConfig is unset, so secrets are stored with only the default EBS-level encryption. Set encryptionConfig with resources [\"secrets\"] and provider.keyArn of a KMS key.");
            return;
        }
        const resources = field(config, "resources");
        if (!containsUnknown(resources) && !list(resources).includes("secrets")) {
            report(`encryptionConfig.resources is ${JSON.stringify(list(resources))}; it must include "secrets".`);
        }
        const provider = field(config, "provider");
        const keyArn = field(provider, "keyArn");
        if (!isUnknown(provider) && !isUnknown(keyArn) && (typeof keyArn !== "string" || keyArn === "")) {
            report("encryptionConfig.provider.keyArn is unset. Set it to the platform's KMS key ARN.");
        }
    }),
});
