import type { PolicyResource } from "@pulumi/policy";
import { cis, stackPolicy } from "../../lib/policy";
import { label, referrers } from "../../lib/stack";
import { statementsOf } from "../../lib/iam";
import { field, isUnknown, plain } from "../../lib/values";
import { BUCKET_TYPES } from "./aws-s3-bucket-require-public-access-block";

const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";

/**
 * Does the document deny every S3 action over plain HTTP, on the bucket and its objects? The
 * statement S3's documentation gives: Effect Deny, Principal *, Action s3:*, Resource the bucket
 * ARN and `<bucket ARN>/*`, Condition Bool aws:SecureTransport "false"
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html,
 * "Enforce encryption of data in transit"; Security Hub control S3.5).
 */
function deniesHttp(doc: unknown): boolean | "unknown" {
    const statements = statementsOf(doc);
    if (statements === "unknown") {
        return "unknown";
    }
    return (statements ?? []).some((s) => {
        if (s.effect !== "Deny" || s.conditions === "unknown") {
            return false;
        }
        const everyone = s.principal !== undefined && s.principal !== "unknown" && Object.values(s.principal).some((v) => v.includes("*"));
        const allS3 = s.actions.some((a) => a === "s3:*" || a === "*");
        const resources = s.resources.filter((r): r is string => typeof r === "string");
        const bucketAndObjects = resources.some((r) => r.endsWith("/*")) && resources.some((r) => !r.includes("/"));
        const http = s.conditions.some((c) => /^Bool(IfExists)?$/.test(c.operator) && c.key === "aws:securetransport" && c.values.some((v) => v === false || v === "false"));
        return everyone && allS3 && bucketAndObjects && http;
    });
}

/**
 * Every bucket refuses plain-HTTP requests through its bucket policy. A stack rule: it needs the
 * bucket and the policy attached to it. The document is unknown on a first preview when it
 * names the bucket's ARN; then only `up` (and the stack rules after it) can judge it.
 */
export const awsS3BucketRequireSecureTransport = stackPolicy({
    name: "aws-s3-bucket-require-secure-transport",
    description: "Every S3 bucket's policy denies requests that do not use TLS (aws:SecureTransport false).",
    severity: "high",
    category: "security",
    topics: ["encryption", "data-protection"],
    enforcementLevel: "mandatory",
    framework: cis("aws", "2.1.1", "Ensure S3 Bucket Policy is set to deny HTTP requests"),
    validateStack: (args, report) => {
        const buckets = args.resources.filter((r) => BUCKET_TYPES.includes(r.type));
        if (buckets.length === 0) {
            args.notApplicable("no S3 buckets in the stack");
        }
        for (const bucket of buckets) {
            // The bucket's own (deprecated) `policy` is provider-computed: a first preview sends it
            // unknown whether or not the program set one, so only a known one counts. A
            // BucketPolicy's document is the program's: unknown there means "not known yet".
            const inline = field(plain(bucket.props), "policy");
            const docs: unknown[] = [...(isUnknown(inline) ? [] : [inline]), ...referrers(args.resources, bucket, [BUCKET_POLICY]).map((p: PolicyResource) => field(plain(p.props), "policy"))];
            const verdicts = docs.filter((d) => d !== undefined && d !== null).map(deniesHttp);
            if (verdicts.includes(true) || verdicts.includes("unknown")) {
                continue;
            }
            report(
                `${label(bucket)} accepts plain-HTTP requests: no bucket policy denies s3:* when aws:SecureTransport is false. ` +
                    'Add an aws.s3.BucketPolicy statement: Deny, Principal "*", Action "s3:*", Resource the bucket ARN and "<arn>/*", Condition Bool aws:SecureTransport "false".',
                bucket.urn,
            );
        }
    },
});
