import { resourcePolicy, validateTokens } from "../../lib/policy";
import { documentsAt, fixedValues, hasPublicPrincipal, isAllow, RESOURCE_POLICY_PATHS, show, statementsOf } from "../../lib/iam";

/**
 * Condition keys that bind a statement with a `*` principal to known callers when they have
 * fixed values (no wildcard, no policy variable):
 * - S3's own definition of a non-public policy: aws:SourceIp, aws:SourceArn, aws:SourceVpc,
 *   aws:SourceVpce, aws:SourceOwner, aws:SourceAccount, s3:x-amz-server-side-encryption-aws-kms-key-id,
 *   aws:userid (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PublicAccessBlockConfiguration.html,
 *   "Amazon S3 considers a bucket policy public unless ...");
 * - the caller's own account, organization or ARN: aws:PrincipalAccount, aws:PrincipalOrgID,
 *   aws:PrincipalArn (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html);
 * - KMS: kms:CallerAccount, the account of the caller, which the KMS default policies for
 *   AWS services use (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-caller-account).
 */
const BINDING_KEYS = [
    "aws:sourceip",
    "aws:sourcearn",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceowner",
    "aws:sourceaccount",
    "s3:x-amz-server-side-encryption-aws-kms-key-id",
    "aws:userid",
    "aws:principalaccount",
    "aws:principalorgid",
    "aws:principalarn",
    "kms:calleraccount",
];

/** Operators that require the key to match the listed values (not their negations). */
const MATCHING = /^(ForAnyValue:|ForAllValues:)?(String(Equals|Like)|Arn(Equals|Like)|IpAddress)(IfExists)?$/;

/**
 * Resource policies (buckets, KMS keys, secrets, queues, topics, repositories) grant nothing to
 * "everyone": an Allow with `Principal: "*"` (or NotPrincipal) needs a condition that binds it to
 * known callers. `aws:SourceIp` counts only without 0.0.0.0/0.
 */
export const awsIamResourcepolicyDisallowPublicPrincipal = resourcePolicy({
    name: "aws-iam-resourcepolicy-disallow-public-principal",
    description: "Resource policies never allow everyone: a * principal is always bound to known callers by a condition.",
    severity: "critical",
    category: "security",
    topics: ["exposure", "data-protection"],
    enforcementLevel: "mandatory",
    validateResource: validateTokens(Object.keys(RESOURCE_POLICY_PATHS), (props, args, report) => {
        for (const { where, doc } of documentsAt(props, RESOURCE_POLICY_PATHS[args.type] ?? [])) {
            const statements = statementsOf(doc);
            if (!Array.isArray(statements)) {
                continue;
            }
            for (const s of statements.filter(isAllow)) {
                if (!hasPublicPrincipal(s) || s.conditions === "unknown") {
                    continue;
                }
                const bound = s.conditions.some((c) => {
                    if (!BINDING_KEYS.includes(c.key) || !MATCHING.test(c.operator)) {
                        return false;
                    }
                    const values = fixedValues(c.values);
                    return values.length > 0 && !(c.key === "aws:sourceip" && values.some((v) => /\/0$/.test(v)));
                });
                if (!bound) {
                    const who = s.notPrincipal ? "every principal but its NotPrincipal list" : "every principal (*)";
                    report(
                        `${where} ${s.where} allows ${show(s.actions.length > 0 ? s.actions : s.notActions)} to ${who} without a condition binding it to known callers. ` +
                            "Name the principals, or add a condition with fixed values (aws:SourceAccount, aws:SourceArn, aws:SourceVpce, aws:PrincipalOrgID, kms:CallerAccount).",
                    );
                }
            }
        }
    }),
});
