import { stackPolicy } from "../../lib/policy";
import { label, referrers } from "../../lib/stack";
import { field, isUnknown, list, plain } from "../../lib/values";
import { BUCKET_TYPES } from "./aws-s3-bucket-require-public-access-block";

const SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
const SSE_V2 = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2";
const KMS_ALGORITHMS = ["aws:kms", "aws:kms:dsse"];

/** S3 encrypts with SSE-S3 by default; the platform wants its own KMS key (audit, revocation). */
export const awsS3BucketRequireKmsEncryption = stackPolicy({
    name: "aws-s3-bucket-require-kms-encryption",
    description: "Every S3 bucket encrypts by default with a customer-managed KMS key.",
    severity: "high",
    category: "security",
    topics: ["encryption", "data-protection"],
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const buckets = args.resources.filter((r) => BUCKET_TYPES.includes(r.type));
        if (buckets.length === 0) {
            args.notApplicable("no S3 buckets in the stack");
        }
        for (const bucket of buckets) {
            const configs = referrers(args.resources, bucket, [SSE, SSE_V2]);
            if (configs.length === 0) {
                report(`${label(bucket)} has no server-side encryption configuration. Add an aws.s3.BucketServerSideEncryptionConfiguration with sseAlgorithm "aws:kms" and kmsMasterKeyId.`, bucket.urn);
                continue;
            }
            for (const config of configs) {
                const rules = field(plain(config.props), "rules");
                if (isUnknown(rules)) {
                    continue;
                }
                const first = list(rules)[0];
                const byDefault = field(first, "applyServerSideEncryptionByDefault");
                const algorithm = field(byDefault, "sseAlgorithm");
                const key = field(byDefault, "kmsMasterKeyId");
                if ([first, byDefault, algorithm, key].some(isUnknown)) {
                    continue;
                }
                if (typeof algorithm !== "string" || !KMS_ALGORITHMS.includes(algorithm)) {
                    report(`${label(bucket)} encrypts with ${JSON.stringify(algorithm ?? "nothing")}, not KMS. Set sseAlgorithm "aws:kms" and kmsMasterKeyId to the platform's key.`, bucket.urn);
                } else if (typeof key !== "string" || key === "") {
                    report(`${label(bucket)} uses the AWS-managed aws/s3 key (kmsMasterKeyId is unset). Set kmsMasterKeyId to the platform's customer-managed key.`, bucket.urn);
                }
            }
        }
    },
});
