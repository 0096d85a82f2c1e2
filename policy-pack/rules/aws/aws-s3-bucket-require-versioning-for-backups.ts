import type { PolicyResource } from "@pulumi/policy";
import { configOf, stackPolicy } from "../../lib/policy";
import { effectiveTags, label, referrers } from "../../lib/stack";
import { field, isUnknown, plain } from "../../lib/values";
import { BUCKET_TYPES } from "./aws-s3-bucket-require-public-access-block";

export interface BackupVersioningConfig {
    backupPurposes: string[];
}

const configSchema = {
    properties: {
        backupPurposes: {
            type: "array" as const,
            items: { type: "string" as const },
            default: ["backup", "backups", "state"],
            description: "Values of the `purpose` tag that mark a bucket as holding backups or state.",
        },
    },
};

const VERSIONING = ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"];

/** A bucket holds backups when tagged `purpose=<backup purpose>` or named for it. */
function holdsBackups(bucket: PolicyResource, purposes: readonly string[]): boolean {
    const tags = effectiveTags(bucket);
    const purpose = tags && tags !== "unknown" ? tags.purpose : undefined;
    if (typeof purpose === "string" && purposes.includes(purpose)) {
        return true;
    }
    const explicit = field(plain(bucket.props), "bucket");
    return /backup/i.test(bucket.name) || (typeof explicit === "string" && !isUnknown(explicit) && /backup/i.test(explicit));
}

export const awsS3BucketRequireVersioningForBackups = stackPolicy({
    name: "aws-s3-bucket-require-versioning-for-backups",
    description: "Buckets that hold backups have versioning enabled, so an overwrite or delete is recoverable.",
    severity: "medium",
    category: "security",
    topics: ["data-protection"],
    enforcementLevel: "mandatory",
    configSchema,
    validateStack: (args, report) => {
        const { backupPurposes } = configOf<BackupVersioningConfig>(args, configSchema);
        const buckets = args.resources.filter((r) => BUCKET_TYPES.includes(r.type) && holdsBackups(r, backupPurposes));
        if (buckets.length === 0) {
            args.notApplicable("no backup buckets in the stack");
        }
        for (const bucket of buckets) {
            const versionings = referrers(args.resources, bucket, VERSIONING);
            if (versionings.length === 0) {
                report(`${label(bucket)} holds backups but has no versioning. Add an aws.s3.BucketVersioning with versioningConfiguration.status "Enabled".`, bucket.urn);
                continue;
            }
            for (const v of versionings) {
                const configuration = field(plain(v.props), "versioningConfiguration");
                const status = field(configuration, "status");
                if (!isUnknown(configuration) && !isUnknown(status) && status !== "Enabled") {
                    report(`${label(bucket)} holds backups but its versioning status is ${JSON.stringify(status ?? "unset")}. Set versioningConfiguration.status to "Enabled".`, bucket.urn);
                }
            }
        }
    },
});
