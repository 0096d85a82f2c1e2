/**
 * AWS IAM policy documents as the rules read them: identity policies (what a role may do),
 * trust policies (who may become the role) and resource policies (who may use a bucket, a key,
 * a secret). The grammar is the IAM JSON policy language
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html):
 * `Statement` is one object or a list; `Principal`, `Action`, `Resource` take a string or a list
 * (and `NotPrincipal`, `NotAction`, `NotResource` their complements); `Principal: "*"` means
 * `{ "AWS": "*" }`; condition KEY names are case-insensitive
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html).
 *
 * Documents arrive as JSON strings (what `pulumi.jsonStringify` / `JSON.stringify` produce) or
 * as objects (the SDK accepts a PolicyDocument). A string with an unknown part is wholly
 * unknown during a preview; the rules then skip it, and judge it at `up`, when the engine
 * analyzes the resource again with its inputs resolved.
 */
import { isUnknown, UNKNOWN } from "./values";

/** One statement, normalised. Unknown fields stay the UNKNOWN sentinel. */
export interface Statement {
    /** `Statement[0]` or `Statement[0] ("Sid")`, for messages. */
    readonly where: string;
    readonly effect: unknown;
    /** Principal type -> values (`AWS`, `Service`, `Federated`, `CanonicalUser`); "*" becomes AWS "*". */
    readonly principal: Readonly<Record<string, readonly unknown[]>> | "unknown" | undefined;
    readonly notPrincipal: boolean;
    readonly actions: readonly unknown[];
    readonly notActions: readonly unknown[];
    readonly resources: readonly unknown[];
    readonly notResources: readonly unknown[];
    /** Operator -> (lower-cased key -> values). */
    readonly conditions: ReadonlyArray<{ readonly operator: string; readonly key: string; readonly values: readonly unknown[] }> | "unknown";
}

function asList(v: unknown): unknown[] {
    if (v === undefined || v === null) {
        return [];
    }
    return Array.isArray(v) ? v : [v];
}

function principalOf(v: unknown): Statement["principal"] {
    if (v === undefined || v === null) {
        return undefined;
    }
    if (isUnknown(v)) {
        return "unknown";
    }
    if (v === "*") {
        return { AWS: ["*"] };
    }
    if (typeof v === "object" && !Array.isArray(v)) {
        return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, vals]) => [k, asList(vals)]));
    }
    return {};
}

function conditionsOf(v: unknown): Statement["conditions"] {
    if (v === undefined || v === null) {
        return [];
    }
    if (isUnknown(v) || typeof v !== "object") {
        return "unknown";
    }
    const out: { operator: string; key: string; values: unknown[] }[] = [];
    for (const [operator, block] of Object.entries(v as Record<string, unknown>)) {
        if (isUnknown(block) || !block || typeof block !== "object") {
            return "unknown";
        }
        for (const [key, values] of Object.entries(block as Record<string, unknown>)) {
            out.push({ operator, key: key.toLowerCase(), values: asList(values) });
        }
    }
    return out;
}

/**
 * The statements of a policy document, "unknown" when it cannot be read yet (preview), or
 * undefined when the value is not a policy document at all.
 */
export function statementsOf(doc: unknown): Statement[] | "unknown" | undefined {
    let value = doc;
    if (isUnknown(value)) {
        return "unknown";
    }
    if (typeof value === "string") {
        if (value.includes(UNKNOWN)) {
            return "unknown";
        }
        try {
            value = JSON.parse(value);
        } catch {
            return undefined;
        }
    }
    if (!value || typeof value !== "object" || Array.isArray(value)) {
        return undefined;
    }
    const raw = (value as Record<string, unknown>).Statement;
    if (isUnknown(raw)) {
        return "unknown";
    }
    return asList(raw).map((s, i) => {
        const st = (s && typeof s === "object" ? s : {}) as Record<string, unknown>;
        const sid = st.Sid;
        return {
            where: `Statement[${i}]${typeof sid === "string" && sid !== "" && !isUnknown(sid) ? ` (${JSON.stringify(sid)})` : ""}`,
            effect: st.Effect,
            principal: principalOf(st.Principal ?? st.NotPrincipal),
            notPrincipal: st.NotPrincipal !== undefined,
            actions: asList(st.Action),
            notActions: asList(st.NotAction),
            resources: asList(st.Resource),
            notResources: asList(st.NotResource),
            conditions: conditionsOf(st.Condition),
        };
    });
}

/** An Allow statement (Deny statements only ever take permissions away). */
export function isAllow(s: Statement): boolean {
    return s.effect === "Allow";
}

/** `*` or `*:*`: every action of every service. */
export function isAllActions(a: unknown): boolean {
    return a === "*" || a === "*:*";
}

/** True when the statement's principal includes everyone (`*`, `{"AWS": "*"}`), or excludes principals (NotPrincipal). */
export function hasPublicPrincipal(s: Statement): boolean {
    if (s.principal === undefined || s.principal === "unknown") {
        return false;
    }
    return s.notPrincipal || Object.values(s.principal).some((vals) => vals.includes("*"));
}

/** The fixed (no wildcard, no policy variable) string values of a condition entry, or [] if any is not fixed. */
export function fixedValues(values: readonly unknown[]): string[] {
    const out: string[] = [];
    for (const v of values) {
        if (typeof v !== "string" || isUnknown(v) || /[*?]|\$\{/.test(v) || v === "") {
            return [];
        }
        out.push(v);
    }
    return out;
}

/** The printable form of a list value (`"*"` or `["a", "b"]`). */
export function show(values: readonly unknown[]): string {
    return values.length === 1 ? JSON.stringify(values[0]) : JSON.stringify(values);
}

/** Where identity and resource policy documents sit, per type token: property paths, `[]` for lists. */
export const IDENTITY_POLICY_PATHS: Readonly<Record<string, readonly string[]>> = {
    "aws:iam/policy:Policy": ["policy"],
    "aws:iam/rolePolicy:RolePolicy": ["policy"],
    "aws:iam/userPolicy:UserPolicy": ["policy"],
    "aws:iam/groupPolicy:GroupPolicy": ["policy"],
    "aws:iam/role:Role": ["inlinePolicies[].policy"],
};

/** Resource-based policies (who may use the resource). */
export const RESOURCE_POLICY_PATHS: Readonly<Record<string, readonly string[]>> = {
    "aws:s3/bucketPolicy:BucketPolicy": ["policy"],
    "aws:s3/bucket:Bucket": ["policy"],
    "aws:kms/key:Key": ["policy"],
    "aws:kms/keyPolicy:KeyPolicy": ["policy"],
    "aws:secretsmanager/secretPolicy:SecretPolicy": ["policy"],
    "aws:secretsmanager/secret:Secret": ["policy"],
    "aws:sqs/queuePolicy:QueuePolicy": ["policy"],
    "aws:sns/topicPolicy:TopicPolicy": ["policy"],
    "aws:ecr/repositoryPolicy:RepositoryPolicy": ["policy"],
};

/** The documents of a resource at the given paths, each with a label (`policy`, `inlinePolicies[0].policy`). */
export function documentsAt(props: Record<string, unknown>, paths: readonly string[]): { where: string; doc: unknown }[] {
    const out: { where: string; doc: unknown }[] = [];
    for (const p of paths) {
        const m = /^(\w+)\[\]\.(\w+)$/.exec(p);
        if (m) {
            const items = props[m[1] as string];
            if (isUnknown(items)) {
                continue;
            }
            asList(items).forEach((item, i) => {
                const doc = item && typeof item === "object" ? (item as Record<string, unknown>)[m[2] as string] : undefined;
                if (doc !== undefined && doc !== null) {
                    out.push({ where: `${m[1]}[${i}].${m[2]}`, doc });
                }
            });
        } else if (props[p] !== undefined && props[p] !== null) {
            out.push({ where: p, doc: props[p] });
        }
    }
    return out;
}

