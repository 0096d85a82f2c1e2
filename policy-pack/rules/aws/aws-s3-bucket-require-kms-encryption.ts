import { stackPolicy } from "../../lib/policy";
import { label, referrers } from "../../lib/stack";
import { BUCKET_TYPES } from "./aws-s3-bucket-require-public-access-block";
import { SSE_TYPES } from "./aws-s3-bucketserversideencryptionconfiguration-require-kms-key";

/**
 * S3 encrypts with SSE-S3 by default; the platform wants its own KMS key (audit, revocation).
 * This stack rule checks that each bucket HAS a default-encryption configuration (a relation
 * between resources); what that configuration says is the resource rule
 * aws-s3-bucketserversideencryptionconfiguration-require-kms-key, which sees inputs and can
 * stop an `up` (a stack rule sees outputs, in which the key is unknown on a first preview).
 */
export const awsS3BucketRequireKmsEncryption = stackPolicy({
    name: "aws-s3-bucket-require-kms-encryption",
    description: "Every S3 bucket has a default encryption configuration (its key is checked by the configuration's own rule).",
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
            if (referrers(args.resources, bucket, SSE_TYPES).length === 0) {
                report(`${label(bucket)} has no server-side encryption configuration. Add an aws.s3.BucketServerSideEncryptionConfiguration with sseAlgorithm "aws:kms" and kmsMasterKeyId.`, bucket.urn);
            }
        }
    },
});
