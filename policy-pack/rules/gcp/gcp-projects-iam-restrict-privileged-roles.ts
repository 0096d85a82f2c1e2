import { cisGcp } from "../../lib/gcp";
import { resourcePolicy, validateTokens } from "../../lib/policy";
import { field, isUnknown, list } from "../../lib/values";

/**
 * Basic roles: every permission of (almost) every service in the project
 * (https://cloud.google.com/iam/docs/roles-overview#basic: "don't grant basic roles in
 * production environments").
 */
const BASIC = ["roles/owner", "roles/editor", "roles/viewer"];

/**
 * Roles that let the holder act as ANY service account of the project when granted at project
 * level (CIS GCP 1.6; https://cloud.google.com/iam/docs/service-account-permissions): grant
 * them on the one service account instead.
 */
const IMPERSONATION = ["roles/iam.serviceAccountUser", "roles/iam.serviceAccountTokenCreator"];

const PUBLIC = ["allUsers", "allAuthenticatedUsers"];

interface Grant {
    readonly where: string;
    readonly role: unknown;
    readonly member: unknown;
}

/** Project-level IAM resources and the grants they make. */
const READERS: Readonly<Record<string, (props: Record<string, unknown>) => Grant[]>> = {
    "gcp:projects/iAMMember:IAMMember": (p) => [{ where: "", role: p.role, member: p.member }],
    "gcp:projects/iAMBinding:IAMBinding": (p) => list(p.members).map((m, i) => ({ where: `members[${i}] `, role: p.role, member: m })),
    "gcp:projects/iAMPolicy:IAMPolicy": (p) => {
        let data: unknown = p.policyData;
        if (typeof data === "string" && !isUnknown(data)) {
            try {
                data = JSON.parse(data);
            } catch {
                return [];
            }
        }
        return list(field(data, "bindings")).flatMap((b, i) => list(field(b, "members")).map((m, j) => ({ where: `policyData.bindings[${i}].members[${j}] `, role: field(b, "role"), member: m })));
    },
};

/** Why a project-level grant is too broad, or undefined. */
function problem(role: string, member: string): string | undefined {
    if (PUBLIC.includes(member)) {
        return `${member} gets ${role} on the whole project`;
    }
    if (BASIC.includes(role)) {
        return `${member} gets the basic role ${role}, which spans every service of the project`;
    }
    if (IMPERSONATION.includes(role)) {
        return `${member} gets ${role} at project level, which lets it act as every service account of the project`;
    }
    // CIS GCP 1.5: no service account with an administrator role.
    if (member.startsWith("serviceAccount:") && /[Aa]dmin$/.test(role)) {
        return `service account ${member.slice("serviceAccount:".length)} gets the administrator role ${role} on the whole project`;
    }
    return undefined;
}

/**
 * Project-scope IAM grants stay least-privilege: no basic roles, no project-wide service
 * account impersonation, no administrator roles for service accounts, nothing to allUsers or
 * allAuthenticatedUsers. Narrower grants belong on the resource (bucket, secret, key, SA).
 */
export const gcpProjectsIamRestrictPrivilegedRoles = resourcePolicy({
    name: "gcp-projects-iam-restrict-privileged-roles",
    description: "Project-level IAM grants no basic roles, no project-wide impersonation, no admin roles to service accounts and nothing to the public.",
    severity: "critical",
    category: "security",
    topics: ["hardening", "exposure"],
    enforcementLevel: "mandatory",
    framework: cisGcp("gcp", "1.5", "Ensure That Service Account Has No Admin Privileges (and 1.6: no Service Account User or Token Creator at project level)"),
    validateResource: validateTokens(Object.keys(READERS), (props, args, report) => {
        if (isUnknown(props.members) || isUnknown(props.policyData)) {
            return;
        }
        for (const g of READERS[args.type]?.(props) ?? []) {
            if (typeof g.role !== "string" || typeof g.member !== "string" || isUnknown(g.role) || isUnknown(g.member)) {
                continue;
            }
            const why = problem(g.role, g.member);
            if (why) {
                report(`${g.where}${why}. Grant a predefined role with only the permissions needed, on the resource that needs it.`);
            }
        }
    }),
});
