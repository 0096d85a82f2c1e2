import { resourcePolicy, validateTokens } from "../../lib/policy";
import { field, isUnknown, list } from "../../lib/values";

export const SSE_TYPES = [
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
];
const KMS_ALGORITHMS = ["aws:kms", "aws:kms:dsse"];

/**
 * The platform's component for S3 server access log targets (components/aws/backup.ts). S3
 * supports only SSE-S3 (AES256) as the default encryption of a log target bucket: "Default
 * server-side encryption with AWS Key Management Service (AWS KMS) keys (SSE-KMS) is not
 * supported" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html).
 * An encryption configuration inside that component may say AES256, and nothing else may.
 */
export const ACCESS_LOG_BUCKET_COMPONENT = "platform:aws:AccessLogBucket";

/** Whether a URN's type chain (`parent$...$child`) passes through the access-log component. */
function insideAccessLogBucket(urn: string | undefined): boolean {
    const typeChain = urn?.split("::")[2] ?? "";
    return typeChain.split("$").includes(ACCESS_LOG_BUCKET_COMPONENT);
}

/**
 * The content of a bucket's default encryption. A resource rule on purpose: `kmsMasterKeyId`
 * is provider-computed, so a stack rule (which sees outputs) gets it unknown on every first
 * preview and could never tell the AWS-managed key from ours; the inputs can, before `up`.
 */
export const awsS3BucketserversideencryptionconfigurationRequireKmsKey = resourcePolicy({
    name: "aws-s3-bucketserversideencryptionconfiguration-require-kms-key",
    description: "Bucket default encryption uses SSE-KMS with a customer-managed key.",
    severity: "high",
    category: "security",
    topics: ["encryption", "data-protection"],
    enforcementLevel: "mandatory",
    remediationSteps: 'Set rules[0].applyServerSideEncryptionByDefault to { sseAlgorithm: "aws:kms", kmsMasterKeyId: <the platform key ARN> }.',
    validateResource: validateTokens(SSE_TYPES, (props, args, report) => {
        if (isUnknown(props.rules)) {
            return;
        }
        list(props.rules).forEach((rule, i) => {
            const where = `rules[${i}].applyServerSideEncryptionByDefault`;
            const byDefault = field(rule, "applyServerSideEncryptionByDefault");
            if (isUnknown(rule) || isUnknown(byDefault)) {
                return;
            }
            if (byDefault === undefined || byDefault === null) {
                report(`${where} is unset, so new objects get SSE-S3 (Amazon's keys). Set sseAlgorithm "aws:kms" and kmsMasterKeyId to the platform's key.`);
                return;
            }
            const algorithm = field(byDefault, "sseAlgorithm");
            const key = field(byDefault, "kmsMasterKeyId");
            if (isUnknown(algorithm)) {
                return;
            }
            if (algorithm === "AES256" && insideAccessLogBucket(args.urn)) {
                return; // SSE-S3 is the only default encryption S3 allows on a log target (above).
            }
            if (typeof algorithm !== "string" || !KMS_ALGORITHMS.includes(algorithm)) {
                report(`${where}.sseAlgorithm is ${JSON.stringify(algorithm ?? "unset")}, not KMS. Set sseAlgorithm "aws:kms" and kmsMasterKeyId to the platform's key.`);
            } else if (!isUnknown(key) && (typeof key !== "string" || key === "")) {
                report(`${where}.kmsMasterKeyId is unset, so S3 uses the AWS-managed aws/s3 key. Set kmsMasterKeyId to the platform's customer-managed key.`);
            }
        });
    }),
});
