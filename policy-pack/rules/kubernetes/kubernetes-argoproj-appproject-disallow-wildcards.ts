import { resourcePolicy, validateTokens } from "../../lib/policy";
import { containsUnknown, field, isUnknown, list } from "../../lib/values";

/** AppProjects and the patches that lock Argo CD's built-in `default` project. */
const PROJECT_TYPES = ["kubernetes:argoproj.io/v1alpha1:AppProject", "kubernetes:argoproj.io/v1alpha1:AppProjectPatch"];

const wild = (v: unknown) => typeof v === "string" && !isUnknown(v) && v.includes("*");

/**
 * An AppProject is the only thing between a push to the config repository and the cluster: Argo
 * CD checks every Application's source, destination and each kind it syncs against its project
 * (https://argo-cd.readthedocs.io/en/stable/user-guide/projects/). A `*` in a source, a
 * destination or a permitted kind opens it to anything; a project with no kind allow-list permits
 * every namespaced kind (NetworkPolicies that cancel default-deny, Roles the controller applies).
 * Blacklisting `*` (the lock of the built-in `default` project) is the one wildcard that closes.
 */
export const kubernetesArgoprojAppprojectDisallowWildcards = resourcePolicy({
    name: "kubernetes-argoproj-appproject-disallow-wildcards",
    description: "Argo CD AppProjects name their sources, destinations and permitted kinds explicitly: no wildcard, no project without a kind allow-list.",
    severity: "critical",
    category: "security",
    topics: ["kubernetes", "gitops", "hardening"],
    enforcementLevel: "mandatory",
    remediationSteps: "List the repository URLs, the destination namespaces and the kinds the project's Applications may ship; lock the default project (no sources, no destinations, blacklist */*).",
    validateResource: validateTokens(PROJECT_TYPES, (props, _args, report) => {
        const spec = props.spec;
        if (isUnknown(spec) || spec === null || typeof spec !== "object") {
            return;
        }
        const s = spec as Record<string, unknown>;
        for (const key of ["sourceRepos", "sourceNamespaces"]) {
            list(s[key]).forEach((v, i) => {
                if (wild(v)) {
                    report(`spec.${key}[${i}] is ${JSON.stringify(v)}: any repository or namespace may feed this project. Name them.`);
                }
            });
        }
        list(s.destinations).forEach((d, i) => {
            for (const key of ["server", "name", "namespace"]) {
                if (wild(field(d, key))) {
                    report(`spec.destinations[${i}].${key} is ${JSON.stringify(field(d, key))}: the project may deploy anywhere it matches. Name the cluster and namespaces.`);
                }
            }
        });
        for (const key of ["clusterResourceWhitelist", "namespaceResourceWhitelist"]) {
            list(s[key]).forEach((k, i) => {
                if (wild(field(k, "group")) || wild(field(k, "kind"))) {
                    report(`spec.${key}[${i}] permits ${JSON.stringify(field(k, "group"))}/${JSON.stringify(field(k, "kind"))}: every kind it matches. List the kinds the project needs.`);
                }
            });
        }
        const locked = list(s.namespaceResourceBlacklist).some((k) => field(k, "group") === "*" && field(k, "kind") === "*");
        // A blacklist not known yet (preview) may be the lock: judged again at the update.
        if (!locked && !containsUnknown(s.namespaceResourceBlacklist) && !isUnknown(s.namespaceResourceWhitelist) && list(s.namespaceResourceWhitelist).length === 0) {
            report("spec.namespaceResourceWhitelist is empty, which permits every namespaced kind (NetworkPolicies, Roles, quotas). List the kinds the project may ship.");
        }
    }),
});
