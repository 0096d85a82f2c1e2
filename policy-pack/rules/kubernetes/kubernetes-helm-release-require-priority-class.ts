import { resourcePolicy, validateTokens } from "../../lib/policy";
import { field, isUnknown } from "../../lib/values";
import { HELM_TYPES } from "../../lib/workloads";

/**
 * Where each known chart takes the priority class of the pods it renders (read from the charts'
 * values.yaml and templates at the pinned versions); `when` names the toggle of an optional part.
 */
const PATHS: Readonly<Record<string, readonly { path: string; when?: string }[]>> = {
    // argo-helm argo-cd 10.1.1: `global.priorityClassName` is every component's default.
    "argo-cd": [{ path: "global.priorityClassName" }],
    // kube-prometheus-stack 88.5.3 and its subcharts.
    "kube-prometheus-stack": [
        { path: "prometheusOperator.priorityClassName" },
        { path: "prometheusOperator.admissionWebhooks.patch.priorityClassName" },
        { path: "prometheus.prometheusSpec.priorityClassName" },
        { path: "alertmanager.alertmanagerSpec.priorityClassName" },
        { path: "grafana.priorityClassName", when: "grafana.enabled" },
        { path: "kube-state-metrics.priorityClassName", when: "kubeStateMetrics.enabled" },
        { path: "prometheus-node-exporter.priorityClassName", when: "nodeExporter.enabled" },
    ],
    // seldon-core-operator 1.18.2: the manager Deployment's `priorityClassName`.
    "seldon-core-operator": [{ path: "manager.priorityClassName" }],
};

function get(values: unknown, path: string): unknown {
    let cur = values;
    for (const key of path.split(".")) {
        if (isUnknown(cur)) {
            return cur;
        }
        cur = field(cur, key);
    }
    return cur;
}

/**
 * The platform's pods name a priority class: without one they run at priority 0 like every
 * tenant pod, so a node under pressure evicts them as readily, and a tenant's pods preempt them
 * (https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/).
 */
export const kubernetesHelmReleaseRequirePriorityClass = resourcePolicy({
    name: "kubernetes-helm-release-require-priority-class",
    description: "The platform's Helm releases give every pod they render a priority class (known charts).",
    severity: "medium",
    category: "security",
    topics: ["kubernetes", "availability"],
    enforcementLevel: "mandatory",
    validateResource: validateTokens(HELM_TYPES, (props, _args, report) => {
        const chart = props.chart;
        const paths = typeof chart === "string" ? PATHS[chart.split("/").pop() ?? ""] : undefined;
        if (!paths || isUnknown(props.values)) {
            return;
        }
        for (const p of paths) {
            if (p.when && get(props.values, p.when) === false) {
                continue;
            }
            const value = get(props.values, p.path);
            if (isUnknown(value)) {
                continue;
            }
            if (typeof value !== "string" || value.trim() === "") {
                report(`chart ${JSON.stringify(chart)}: values.${p.path} is unset, so those pods run at the priority of any tenant pod and are evicted or preempted first. Set it to the platform's PriorityClass.`);
            }
        }
    }),
});
