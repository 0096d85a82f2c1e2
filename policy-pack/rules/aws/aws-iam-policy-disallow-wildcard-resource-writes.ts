import { configOf, resourcePolicy, validateTokens } from "../../lib/policy";
import { documentsAt, IDENTITY_POLICY_PATHS, isAllActions, isAllow, statementsOf } from "../../lib/iam";

export interface WildcardWritesConfig {
    allowedActions: string[];
}

/**
 * Actions that support no resource-level permissions, so IAM only accepts them with
 * `"Resource": "*"` (the "Resource types" column is empty in the Service Authorization
 * Reference, https://docs.aws.amazon.com/service-authorization/latest/reference/):
 * - cloudwatch:PutMetricData (.../list_amazoncloudwatch.html), what metric agents call;
 * - ssmmessages:Create/Open Control/Data Channel (.../list_amazonsessionmanagermessagegatewayservice.html),
 *   Session Manager's agent channels;
 * - xray:PutTraceSegments, xray:PutTelemetryRecords (.../list_awsx-ray.html), tracing daemons.
 * A stack that needs another such action adds it to `allowedActions` in its environment config.
 */
const DOCUMENTED = [
    "cloudwatch:PutMetricData",
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
];

const configSchema = {
    properties: {
        allowedActions: {
            type: "array" as const,
            items: { type: "string" as const, pattern: "^[a-z0-9-]+:[A-Za-z0-9]+$" },
            default: DOCUMENTED,
            description: 'Write actions allowed on "Resource": "*" because they support no resource-level permissions.',
        },
    },
};

/**
 * Read-only by IAM's access levels: the List and Read actions are named with these verbs
 * (Service Authorization Reference, "Access level"). Anything else, and any wildcard that can
 * match something else (`s3:*`, `s3:Put*`), counts as a write. Deliberately strict: an unusual
 * read verb is reported and then allowed explicitly, never the other way round.
 */
const READ_VERBS = /^(Get|List|Describe|BatchGet|View|Search|Lookup|Query|Scan|Select)[A-Za-z0-9]*\*?$/;

function isWrite(action: unknown): boolean {
    if (typeof action !== "string") {
        return false;
    }
    const verb = action.split(":")[1] ?? "";
    return !READ_VERBS.test(verb);
}

/**
 * Identity policies scope write actions to resources. `"Resource": "*"` (or a NotResource) on a
 * write lets the identity change every resource of that kind in the account; the only
 * documented exception is an action that supports no resource-level permissions.
 */
export const awsIamPolicyDisallowWildcardResourceWrites = resourcePolicy({
    name: "aws-iam-policy-disallow-wildcard-resource-writes",
    description: 'IAM policies scope write actions to specific resources, never "Resource": "*".',
    severity: "high",
    category: "security",
    topics: ["hardening"],
    enforcementLevel: "mandatory",
    configSchema,
    remediationSteps: "List the ARNs the action needs (the resource's output ARN, or a prefix such as arn:aws:s3:::bucket/path/*).",
    validateResource: validateTokens(Object.keys(IDENTITY_POLICY_PATHS), (props, args, report) => {
        const { allowedActions } = configOf<WildcardWritesConfig>(args, configSchema);
        const allowed = new Set(allowedActions.map((a) => a.toLowerCase()));
        for (const { where, doc } of documentsAt(props, IDENTITY_POLICY_PATHS[args.type] ?? [])) {
            const statements = statementsOf(doc);
            if (!Array.isArray(statements)) {
                continue;
            }
            for (const s of statements.filter(isAllow)) {
                const everyResource = s.resources.includes("*") || s.notResources.length > 0;
                // Full admin is aws-iam-policy-disallow-full-admin's finding; NotAction lists too.
                if (!everyResource || s.actions.some(isAllActions) || s.actions.length === 0) {
                    continue;
                }
                const writes = s.actions.filter((a) => isWrite(a) && !allowed.has(String(a).toLowerCase()));
                if (writes.length > 0) {
                    const scope = s.notResources.length > 0 ? "every resource but its NotResource list" : 'Resource "*"';
                    report(`${where} ${s.where} allows write action(s) ${writes.map((w) => JSON.stringify(w)).join(", ")} on ${scope}. Scope them to the ARNs they need.`);
                }
            }
        }
    }),
});
