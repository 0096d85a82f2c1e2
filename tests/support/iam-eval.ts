/**
 * A small evaluator of IAM policy statements against a request, written for tests from the IAM
 * documentation, independently of the policies under test:
 * - a Deny that applies wins over any Allow
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html);
 * - a statement applies when its Action and Resource match (with `*` / `?` wildcards) and every
 *   condition operator in it holds; within an operator every key must hold; a key with several
 *   values holds when any value matches, and for a negated operator when none does
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html);
 * - a key absent from the request makes a positive operator false and a negated one TRUE; an
 *   `...IfExists` operator is TRUE when its key is absent; `Null: "true"` holds when the key is
 *   absent, `"false"` when present
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
 * Only the operators the platform's policies use are implemented; any other throws.
 */

/** A request as IAM sees it: action, resource and the condition keys present (absent keys are missing). */
export interface IamRequest {
    readonly action: string;
    readonly resource: string;
    readonly context: Readonly<Record<string, string | boolean>>;
}

export interface IamStatement {
    readonly Effect: "Allow" | "Deny";
    readonly Action: string | string[];
    readonly Resource?: string | string[];
    readonly Condition?: Record<string, Record<string, unknown>>;
}

function glob(pattern: string, value: string): boolean {
    const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i");
    return re.test(value);
}

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function operatorHolds(operator: string, key: string, policyValues: unknown[], request: IamRequest): boolean {
    const present = Object.prototype.hasOwnProperty.call(request.context, key);
    if (operator === "Null") {
        const wantAbsent = policyValues.map(String)[0] === "true";
        return wantAbsent ? !present : present;
    }
    const ifExists = operator.endsWith("IfExists");
    const base = ifExists ? operator.slice(0, -"IfExists".length) : operator;
    const negated = /^(StringNot|ArnNot)/.test(base);
    if (!present) {
        return ifExists || negated;
    }
    const actual = String(request.context[key]);
    const values = policyValues.map(String);
    let anyMatch: boolean;
    switch (base) {
        case "StringEquals":
        case "StringNotEquals":
            anyMatch = values.some((v) => v === actual);
            break;
        case "StringLike":
        case "StringNotLike":
        case "ArnLike":
        case "ArnNotLike":
            anyMatch = values.some((v) => new RegExp(`^${v.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`).test(actual));
            break;
        case "Bool":
            anyMatch = values.some((v) => v.toLowerCase() === actual.toLowerCase());
            break;
        default:
            throw new Error(`iam-eval: operator ${operator} is not implemented`);
    }
    return negated ? !anyMatch : anyMatch;
}

/** Whether a statement applies to a request (its Effect aside). */
export function statementApplies(statement: IamStatement, request: IamRequest): boolean {
    if (!list(statement.Action).some((a) => glob(a, request.action))) {
        return false;
    }
    if (statement.Resource !== undefined && !list(statement.Resource).some((r) => glob(r, request.resource))) {
        return false;
    }
    for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
        for (const [key, value] of Object.entries(keys)) {
            if (!operatorHolds(operator, key, list(value as unknown), request)) {
                return false;
            }
        }
    }
    return true;
}

/** The Sids (or indexes) of the Deny statements of a policy that apply to a request. */
export function denyingStatements(policy: { Statement: readonly (IamStatement & { Sid?: string })[] }, request: IamRequest): string[] {
    return policy.Statement.map((s, i) => ({ s, id: s.Sid ?? String(i) }))
        .filter(({ s }) => s.Effect === "Deny" && statementApplies(s, request))
        .map(({ id }) => id);
}
