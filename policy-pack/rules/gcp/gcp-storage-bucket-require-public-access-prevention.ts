import { cisGcp, GCP } from "../../lib/gcp";
import { resourcePolicy, validateTokens } from "../../lib/policy";
import { isUnknown } from "../../lib/values";

export const gcpStorageBucketRequirePublicAccessPrevention = resourcePolicy({
    name: "gcp-storage-bucket-require-public-access-prevention",
    description: "Buckets enforce public access prevention, so no ACL or IAM grant can make them public.",
    severity: "critical",
    category: "security",
    topics: ["exposure", "data-protection"],
    enforcementLevel: "mandatory",
    framework: cisGcp("gcp", "5.1", "Ensure That Cloud Storage Bucket Is Not Anonymously or Publicly Accessible"),
    remediationSteps: "Set publicAccessPrevention: \"enforced\".",
    validateResource: validateTokens([GCP.bucket], (b, _args, report) => {
        if (!isUnknown(b.publicAccessPrevention) && b.publicAccessPrevention !== "enforced") {
            report(`publicAccessPrevention is ${b.publicAccessPrevention === undefined ? "not set (inherited)" : JSON.stringify(b.publicAccessPrevention)}: an allUsers grant would make the bucket public. Set publicAccessPrevention: "enforced".`);
        }
    }),
});
