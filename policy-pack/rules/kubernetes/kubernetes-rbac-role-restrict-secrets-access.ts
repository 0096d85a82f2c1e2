import { cis, resourcePolicy, validateTokens } from "../../lib/policy";
import { field, isUnknown, list } from "../../lib/values";

const CLUSTER_ROLES = ["kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "kubernetes:rbac.authorization.k8s.io/v1:ClusterRolePatch"];
const ROLES = ["kubernetes:rbac.authorization.k8s.io/v1:Role", "kubernetes:rbac.authorization.k8s.io/v1:RolePatch"];

/**
 * Reading Secrets: `get`, `list` and `watch` all return their content
 * (https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets: "list and
 * watch access also implicitly allow users to read Secret contents"). A ClusterRole that reads
 * them reads every namespace's; a Role that lists them reads all of its namespace's, where `get`
 * of a Secret whose name one is given is the narrow case.
 */
const READ = ["get", "list", "watch", "*"];
const LIST = ["list", "watch", "*"];

/** Does the rule cover core/v1 Secrets (apiGroups "" or "*", resources "secrets" or "*")? */
function coversSecrets(rule: unknown): boolean {
    const groups = list(field(rule, "apiGroups"));
    const resources = list(field(rule, "resources"));
    return (groups.includes("") || groups.includes("*")) && (resources.includes("secrets") || resources.includes("*"));
}

/**
 * RBAC does not hand out Secrets wholesale: no ClusterRole may read Secrets (cluster-wide), no
 * Role may list or watch them (namespace-wide). Charts install ClusterRoles of their own (Argo
 * CD's controller manages everything by design); those are pinned by the chart version and are
 * not declared by the program, so this rule cannot see them.
 */
export const kubernetesRbacRoleRestrictSecretsAccess = resourcePolicy({
    name: "kubernetes-rbac-role-restrict-secrets-access",
    description: "ClusterRoles grant no read access to Secrets, and Roles grant no list or watch on them.",
    severity: "high",
    category: "security",
    topics: ["kubernetes", "hardening"],
    enforcementLevel: "mandatory",
    framework: cis("kubernetes", "5.1.2", "Minimize access to secrets"),
    validateResource: validateTokens([...CLUSTER_ROLES, ...ROLES], (props, args, report) => {
        if (isUnknown(props.rules)) {
            return;
        }
        const cluster = CLUSTER_ROLES.includes(args.type);
        list(props.rules).forEach((rule, i) => {
            if (isUnknown(rule) || !coversSecrets(rule)) {
                return;
            }
            const verbs = list(field(rule, "verbs")).filter((v): v is string => typeof v === "string");
            const bad = verbs.filter((v) => (cluster ? READ : LIST).includes(v));
            if (bad.length === 0) {
                return;
            }
            const which = list(field(rule, "resources")).includes("*") ? 'every resource ("*"), Secrets included' : "Secrets";
            report(
                cluster
                    ? `rules[${i}] grants ${bad.join(", ")} on ${which} in every namespace. Bind a namespaced Role instead, with get on the named Secrets only (resourceNames).`
                    : `rules[${i}] grants ${bad.join(", ")} on ${which}, which reveals every Secret of the namespace. Keep get on the named Secrets (resourceNames) only.`,
            );
        });
    }),
});
