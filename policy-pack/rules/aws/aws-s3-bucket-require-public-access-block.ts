import { cis, stackPolicy } from "../../lib/policy";
import { label, referrers } from "../../lib/stack";

export const BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
const PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";

export const awsS3BucketRequirePublicAccessBlock = stackPolicy({
    name: "aws-s3-bucket-require-public-access-block",
    description: "Every S3 bucket has a public access block.",
    severity: "high",
    category: "security",
    topics: ["exposure", "data-protection"],
    enforcementLevel: "mandatory",
    framework: cis("aws", "2.1.4", "Ensure that S3 Buckets are configured with 'Block public access (bucket settings)'"),
    validateStack: (args, report) => {
        const buckets = args.resources.filter((r) => BUCKET_TYPES.includes(r.type));
        if (buckets.length === 0) {
            args.notApplicable("no S3 buckets in the stack");
        }
        for (const bucket of buckets) {
            if (referrers(args.resources, bucket, [PAB]).length === 0) {
                report(`${label(bucket)} has no public access block. Add an aws.s3.BucketPublicAccessBlock for it with all four settings true.`, bucket.urn);
            }
        }
    },
});
