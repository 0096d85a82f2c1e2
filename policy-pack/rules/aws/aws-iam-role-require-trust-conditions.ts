import { resourcePolicy, validateTokens } from "../../lib/policy";
import { hasPublicPrincipal, isAllow, show, Statement, statementsOf } from "../../lib/iam";

const ROLE = "aws:iam/role:Role";

/** `arn:aws:iam::<account>:oidc-provider/<issuer host and path>` -> the issuer, the prefix of its condition keys. */
function oidcIssuer(federated: string): string | undefined {
    return /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/(.+)$/.exec(federated)?.[1];
}

/**
 * Subject formats whose leading fields name the workload, and how many of them a subject
 * condition must fix (the rest may be a wildcard):
 * - EKS service accounts: `system:serviceaccount:<namespace>:<name>`, namespace fixed at least
 *   (https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html);
 * - GitHub Actions: `repo:<owner>/<repo>:<ref or environment>`, the repository fixed at least
 *   (https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services).
 * Any other issuer: the subject must be fixed entirely.
 */
const SUBJECT_FIELDS: readonly { readonly issuer: RegExp; readonly fixed: number }[] = [
    { issuer: /^oidc\.eks\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/id\/[A-Za-z0-9]+$/, fixed: 3 },
    { issuer: /^token\.actions\.githubusercontent\.com$/, fixed: 2 },
];

/** Does the value fix (no wildcard, no policy variable in) its first `fields` colon-separated fields, or all of it? */
function pins(value: unknown, fields: number | "all"): boolean {
    if (typeof value !== "string" || value === "" || value.includes("${")) {
        return false;
    }
    const parts = value.split(":");
    const head = fields === "all" ? parts : parts.slice(0, fields);
    return head.length === (fields === "all" ? parts.length : fields) && head.every((p) => p !== "" && !/[*?]/.test(p));
}

/** Do the statement's String conditions on `key` (case-insensitive) pin it? */
function pinned(s: Statement, key: string, fields: number | "all"): boolean {
    if (s.conditions === "unknown") {
        return false;
    }
    const k = key.toLowerCase();
    const values = s.conditions.filter((c) => c.key === k && /^(ForAnyValue:)?String(Equals|Like)$/.test(c.operator)).flatMap((c) => [...c.values]);
    return values.length > 0 && values.every((v) => pins(v, fields));
}

/**
 * Who may assume a role is limited by its trust policy:
 * - a web-identity (OIDC) provider is shared by everything that can get a token from the
 *   issuer (every service account of the cluster, every repository of a Git host): the
 *   statement must pin the token's subject (`<issuer>:sub`) and audience (`<issuer>:aud`) to
 *   fixed values (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html,
 *   EKS IRSA: https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html);
 * - a SAML provider: pin `SAML:aud`
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_saml.html);
 * - `"*"` / `{"AWS": "*"}` (any AWS principal anywhere): only with at least one condition.
 * AWS service principals (ec2, eks, ...) and named accounts or roles are trusted by name.
 */
export const awsIamRoleRequireTrustConditions = resourcePolicy({
    name: "aws-iam-role-require-trust-conditions",
    description: "Role trust policies pin federated and wildcard principals with conditions.",
    severity: "critical",
    category: "security",
    topics: ["hardening", "exposure"],
    enforcementLevel: "mandatory",
    validateResource: validateTokens([ROLE], (props, _args, report) => {
        const statements = statementsOf(props.assumeRolePolicy);
        if (!Array.isArray(statements)) {
            return;
        }
        for (const s of statements.filter(isAllow)) {
            if (s.principal === "unknown" || s.conditions === "unknown") {
                continue;
            }
            if (hasPublicPrincipal(s)) {
                if (s.conditions.length === 0) {
                    report(`assumeRolePolicy ${s.where} lets any AWS principal assume the role, with no condition. Name the trusted account or role, or add conditions (aws:PrincipalOrgID, sts:ExternalId).`);
                }
                continue;
            }
            for (const federated of s.principal?.Federated ?? []) {
                if (typeof federated !== "string") {
                    continue;
                }
                const issuer = oidcIssuer(federated);
                if (issuer) {
                    const fields = SUBJECT_FIELDS.find((f) => f.issuer.test(issuer))?.fixed ?? "all";
                    const missing = [
                        ...(pinned(s, `${issuer}:sub`, fields) ? [] : [`${issuer}:sub`]),
                        ...(pinned(s, `${issuer}:aud`, "all") ? [] : [`${issuer}:aud`]),
                    ];
                    if (missing.length > 0) {
                        report(
                            `assumeRolePolicy ${s.where} trusts the OIDC provider ${issuer} without pinning ${missing.join(" and ")}: any identity that provider issues tokens to could assume the role. ` +
                                "Add StringEquals conditions: the subject to the one service account or repository, the audience to sts.amazonaws.com.",
                        );
                    }
                } else if (/:saml-provider\//.test(federated) && !pinned(s, "SAML:aud", "all")) {
                    report(`assumeRolePolicy ${s.where} trusts the SAML provider ${show([federated])} without a fixed SAML:aud condition. Add StringEquals on SAML:aud (the sign-in endpoint).`);
                }
            }
        }
    }),
});
