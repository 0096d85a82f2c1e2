import { cis, resourcePolicy, validateTokens } from "../../lib/policy";
import { documentsAt, IDENTITY_POLICY_PATHS, isAllActions, isAllow, show, statementsOf } from "../../lib/iam";
import { isUnknown, list } from "../../lib/values";

/**
 * AWS's managed policy that allows `*` on `*`
 * (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AdministratorAccess.html),
 * in any partition.
 */
const ADMINISTRATOR_ACCESS = /^arn:aws[a-z-]*:iam::aws:policy\/AdministratorAccess$/;

/** Attachments of managed policies: one `policyArn`, or a `policyArns` list (the Exclusive kinds). */
const ATTACHMENTS = [
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
    "aws:iam/policyAttachment:PolicyAttachment",
    "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
    "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive",
    "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive",
];

const FIX = "Grant the specific actions on the specific resources the identity needs.";

/**
 * No identity gets full administrator rights from this program: no policy statement allowing
 * every action (`*`, `*:*`, or everything but a `NotAction` list) on every resource, and no
 * attachment of AdministratorAccess. Deployers' and break-glass rights live outside the stack.
 */
export const awsIamPolicyDisallowFullAdmin = resourcePolicy({
    name: "aws-iam-policy-disallow-full-admin",
    description: 'IAM policies never grant full administrator rights ("*:*").',
    severity: "critical",
    category: "security",
    topics: ["hardening"],
    enforcementLevel: "mandatory",
    framework: cis("aws", "1.16", 'Ensure IAM policies that allow full "*:*" administrative privileges are not attached'),
    validateResource: validateTokens([...Object.keys(IDENTITY_POLICY_PATHS), ...ATTACHMENTS], (props, args, report) => {
        const arn = props.policyArn;
        if (typeof arn === "string" && !isUnknown(arn) && ADMINISTRATOR_ACCESS.test(arn)) {
            report(`policyArn attaches ${arn}: full administrator access. ${FIX}`);
        }
        // Role.managedPolicyArns (deprecated but accepted) and the Exclusive attachments' lists.
        for (const key of ["managedPolicyArns", "policyArns"]) {
            if (isUnknown(props[key])) {
                continue;
            }
            list(props[key]).forEach((a, i) => {
                if (typeof a === "string" && ADMINISTRATOR_ACCESS.test(a)) {
                    report(`${key}[${i}] attaches ${a}: full administrator access. ${FIX}`);
                }
            });
        }
        if (ATTACHMENTS.includes(args.type)) {
            return;
        }
        for (const { where, doc } of documentsAt(props, IDENTITY_POLICY_PATHS[args.type] ?? [])) {
            const statements = statementsOf(doc);
            if (!Array.isArray(statements)) {
                continue;
            }
            for (const s of statements.filter(isAllow)) {
                const everyResource = s.resources.includes("*") || s.notResources.length > 0;
                if (!everyResource) {
                    continue;
                }
                if (s.actions.some(isAllActions)) {
                    report(`${where} ${s.where} allows Action ${show(s.actions)} on every resource: full administrator access. ${FIX}`);
                } else if (s.notActions.length > 0 && s.actions.length === 0) {
                    report(`${where} ${s.where} allows every action except NotAction ${show(s.notActions)} on every resource: administrator access in all but name. ${FIX}`);
                }
            }
        }
    }),
});
