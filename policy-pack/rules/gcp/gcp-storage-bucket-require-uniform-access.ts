import { cisGcp, GCP } from "../../lib/gcp";
import { resourcePolicy, validateTokens } from "../../lib/policy";
import { isUnknown } from "../../lib/values";

export const gcpStorageBucketRequireUniformAccess = resourcePolicy({
    name: "gcp-storage-bucket-require-uniform-access",
    description: "Buckets use uniform bucket-level access (IAM only, no per-object ACLs).",
    severity: "medium",
    category: "security",
    topics: ["data-protection"],
    enforcementLevel: "mandatory",
    framework: cisGcp("gcp", "5.2", "Ensure That Cloud Storage Buckets Have Uniform Bucket-Level Access Enabled"),
    remediationSteps: "Set uniformBucketLevelAccess: true.",
    validateResource: validateTokens([GCP.bucket], (b, _args, report) => {
        if (!isUnknown(b.uniformBucketLevelAccess) && b.uniformBucketLevelAccess !== true) {
            report("uniformBucketLevelAccess is not true: object ACLs can grant access IAM does not show. Set uniformBucketLevelAccess: true.");
        }
    }),
});
