import * as aws from "@pulumi/aws";
import { cis, resourcePolicy, validateTyped } from "../../lib/policy";
import { isUnknown, show } from "../../lib/values";

const SETTINGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

export const awsS3BucketpublicaccessblockRequireAllBlocks = resourcePolicy({
    name: "aws-s3-bucketpublicaccessblock-require-all-blocks",
    description: "Bucket public access blocks turn on all four settings.",
    severity: "high",
    category: "security",
    topics: ["exposure", "data-protection"],
    enforcementLevel: "mandatory",
    framework: cis("aws", "2.1.4", "Ensure that S3 Buckets are configured with 'Block public access (bucket settings)'"),
    validateResource: validateTyped(aws.s3.BucketPublicAccessBlock, (pab, _args, report) => {
        const off = SETTINGS.filter((s) => !isUnknown(pab[s]) && pab[s] !== true);
        if (off.length > 0) {
            report(`${off.map((s) => `${s} is ${show(pab[s])}`).join(", ")}. Set all of ${SETTINGS.join(", ")} to true.`);
        }
    }),
});
