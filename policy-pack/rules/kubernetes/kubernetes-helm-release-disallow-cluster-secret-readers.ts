import { resourcePolicy, validateTokens } from "../../lib/policy";
import { containsUnknown, field, isUnknown, list } from "../../lib/values";
import { HELM_TYPES } from "../../lib/workloads";

/** A value path of a release's values; `undefined` when absent, "unknown" when not known yet. */
function get(values: unknown, path: string): unknown {
    let cur = values;
    for (const key of path.split(".")) {
        if (isUnknown(cur)) {
            return "unknown";
        }
        cur = field(cur, key);
    }
    return isUnknown(cur) ? "unknown" : cur;
}

interface Check {
    /** The value that, unless it is as required, renders a ClusterRole reading every Secret. */
    readonly path: string;
    /** Only when this path is not false (a subchart's `enabled`). */
    readonly when?: string;
    readonly ok: (value: unknown, values: unknown) => boolean;
    readonly what: string;
    readonly fix: string;
}

const ksmWithoutSecrets = (prefix: string) => (value: unknown, values: unknown) => {
    const exclude = get(values, `${prefix}collectorsExclude`);
    // Not known yet (preview): judged again at the update, with the values known.
    if (exclude === "unknown" || containsUnknown(exclude) || containsUnknown(value)) {
        return true;
    }
    return (Array.isArray(value) && !value.includes("secrets")) || list(exclude).includes("secrets");
};

/**
 * Chart values whose defaults render a ClusterRole that reads the cluster's Secrets, by chart
 * (read from the charts' templates at the versions the platform pins; a chart with no entry is
 * not judged). The pack cannot see a chart's rendered RBAC: it judges the values that decide it.
 */
const CHECKS: Readonly<Record<string, readonly Check[]>> = {
    // argo-helm argo-cd 10.1.1: createClusterRoles (default true) renders the controller's `*` on
    // `*` and the server's get/patch/delete on `*` (every Secret).
    "argo-cd": [
        {
            path: "createClusterRoles",
            ok: (v) => v === false,
            what: "renders the application controller's ClusterRole (every verb on every resource) and the server's (get on every Secret)",
            fix: "Set createClusterRoles: false, limit the in-cluster destination to its namespaces (configs.clusterCredentials) and grant Roles there.",
        },
    ],
    // kube-prometheus-stack 88.5.3: grafana 12.11.1 rbac.namespaced (default false) renders a
    // ClusterRole reading configmaps and secrets; kube-state-metrics 8.4.0 collects (lists)
    // Secrets by default.
    "kube-prometheus-stack": [
        {
            path: "grafana.rbac.namespaced",
            when: "grafana.enabled",
            ok: (v) => v === true,
            what: "renders Grafana's ClusterRole, which reads every Secret of the cluster",
            fix: "Set grafana.rbac.namespaced: true (its sidecars search its own namespace).",
        },
        {
            path: "kube-state-metrics.collectors",
            when: "kubeStateMetrics.enabled",
            ok: ksmWithoutSecrets("kube-state-metrics."),
            what: "keeps kube-state-metrics' secrets collector, whose ClusterRole lists every Secret",
            fix: 'Set kube-state-metrics.collectorsExclude: ["secrets"].',
        },
    ],
    grafana: [{ path: "rbac.namespaced", ok: (v) => v === true, what: "renders a ClusterRole reading every Secret", fix: "Set rbac.namespaced: true." }],
    "kube-state-metrics": [{ path: "collectors", ok: ksmWithoutSecrets(""), what: "keeps the secrets collector (a ClusterRole listing every Secret)", fix: 'Set collectorsExclude: ["secrets"].' }],
    // seldon-core-operator 1.18.2: singleNamespace (default false) renders ClusterRoles, one of
    // which (seldon-manager-sas-role) reads every Secret.
    "seldon-core-operator": [
        {
            path: "singleNamespace",
            ok: (v) => v === true,
            what: "renders the operator's ClusterRoles, one of which reads every Secret",
            fix: "Set singleNamespace: true and install the operator into the namespace it serves.",
        },
    ],
};

export const kubernetesHelmReleaseDisallowClusterSecretReaders = resourcePolicy({
    name: "kubernetes-helm-release-disallow-cluster-secret-readers",
    description: "Helm releases do not render ClusterRoles that read every Secret (chart values that decide it, per known chart).",
    severity: "high",
    category: "security",
    topics: ["kubernetes", "hardening"],
    enforcementLevel: "mandatory",
    validateResource: validateTokens(HELM_TYPES, (props, _args, report) => {
        const chart = props.chart;
        const checks = typeof chart === "string" ? CHECKS[chart.split("/").pop() ?? ""] : undefined;
        if (!checks || isUnknown(props.values)) {
            return;
        }
        for (const c of checks) {
            if (c.when && get(props.values, c.when) === false) {
                continue;
            }
            const value = get(props.values, c.path);
            if (value === "unknown") {
                continue;
            }
            if (!c.ok(value, props.values)) {
                report(`chart ${JSON.stringify(chart)}: values.${c.path} is ${value === undefined ? "unset" : JSON.stringify(value)}, which ${c.what}. ${c.fix}`);
            }
        }
    }),
});
