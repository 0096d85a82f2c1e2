/**
 * Shared vocabulary of the in-cluster platform: environments, namespaces, labels, Pod Security
 * levels and argument validation.
 */
import * as pulumi from "@pulumi/pulumi";

/** Deployment environment; sizes and HA follow it. */
export type Environment = "dev" | "staging" | "prod";
export const ENVIRONMENTS: readonly Environment[] = ["dev", "staging", "prod"];

/** The platform's own namespaces. Fixed names: runbooks, dashboards and the bastion tunnel docs use them. */
export const PLATFORM_NAMESPACES = {
    argocd: "argocd",
    monitoring: "monitoring",
    /**
     * prometheus-node-exporter alone: it needs hostNetwork, hostPID and hostPath (Pod Security
     * `privileged`), so it gets a namespace of its own and `monitoring` stays `restricted`.
     */
    nodeExporter: "node-exporter",
} as const;

/**
 * Jenkins' build agents: pods the controller (the Jenkins VM, Kubernetes plugin) creates and
 * deletes, with its cloud identity mapped to a Role in this namespace only
 * (ClusterHints.jenkinsAgents). Pod Security `restricted`; agents never talk to the API.
 */
export const JENKINS_AGENTS_NAMESPACE = "jenkins-agents";

/**
 * Jenkins inbound agents (WebSocket to the controller): pods in the jenkins-agents namespace carry
 * it (admission forces it on every pod the Jenkins identity creates) and its policies select it.
 * It grants nothing anywhere else: a workload namespace has no Jenkins egress, whatever the label.
 */
export const JENKINS_AGENT_LABEL = "platform.io/jenkins-agent";

/**
 * The ConfigMap in jenkins-agents holding the platform CA, and its key: the in-cluster layer
 * creates it, the controller's pod template (components/bootstrap/jenkins-agents.ts) mounts it,
 * and the agent's REMOTING_OPTS trust the controller's certificate by that file (remoting -cert).
 */
export const JENKINS_AGENT_CA_CONFIGMAP = "platform-ca";
export const JENKINS_AGENT_CA_KEY = "ca.crt";

/**
 * Concurrent Jenkins agent pods per environment: the namespace quota's `pods` (in-cluster layer)
 * and the controller's container cap (platform layer, the Jenkins VM's JCasC), one number.
 */
export const JENKINS_AGENTS_MAX_PODS = { dev: 4, staging: 8, prod: 16 } as const;

/**
 * The ServiceAccount Jenkins agent pods run as (no API token mounted: agents never call the API).
 * Admission (jenkins-agents.ts) refuses any pod of the Jenkins identity that names another one.
 */
export const JENKINS_AGENT_SERVICE_ACCOUNT = "jenkins-agent";

/**
 * The serving namespace: the model-serving engine's operator runs here in single-namespace mode
 * (Seldon Core v1 `singleNamespace: true`: it watches and is granted only this namespace) next
 * to every SeldonDeployment. A namespace of its own because the engine's injected containers
 * cannot meet Pod Security `restricted`; tenants reach it only with serving objects (the Argo CD
 * `serving` project and admission, admission.ts).
 */
export const SERVING_NAMESPACE = "models";

/**
 * What a namespace is for; drives its Pod Security level, policies and quotas.
 * - `platform`: the platform's own components (trusted charts, API access where they need it);
 * - `workload`: teams' workloads (Argo CD syncs into them);
 * - `serving`: the model-serving engine and its models;
 * - `ci`: build agents that run pipeline code ({@link JENKINS_AGENTS_NAMESPACE}): untrusted like a
 *   tenant (the clusterwide deny, no platform priority, no API), but nobody ships into it through
 *   Argo CD and it gets none of a workload namespace's grants (Vault, the models, the runner).
 */
export type NamespaceRole = "platform" | "workload" | "serving" | "ci";

/** Label on every namespace the platform manages, so NetworkPolicies can select by role. */
export const ROLE_LABEL = "platform.io/namespace-role";
/**
 * Pods in workload namespaces carrying this label may reach the Kubernetes API. A pod cannot give
 * itself the grant: admission (admission.ts) admits the label only on pods that run as the
 * training runner's ServiceAccount, whose RBAC is what the API access is for.
 */
export const API_ACCESS_LABEL = "platform.io/api-access";

/**
 * The PriorityClass of every platform pod (Argo CD, the monitoring stack, the serving operator):
 * tenants' pods (priority 0) are preempted before it and a node under pressure evicts them first
 * (kubelet eviction ranks by priority after usage above requests:
 * https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/#pod-selection-for-kubelet-eviction).
 * Tenant namespaces cannot use it (baseline.ts, the priority quota).
 */
export const PLATFORM_PRIORITY_CLASS = "platform-critical";
/**
 * Its value: above every tenant pod (0 unless a class says otherwise) and below the built-in
 * system classes (2000000000 and 2000001000); user-defined classes may use at most 1000000000
 * (https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/#priorityclass).
 */
export const PLATFORM_PRIORITY_VALUE = 100_000_000;
/**
 * Priority classes no tenant pod may use: ours, and the two built-in ones that EKS and AKS admit
 * in any namespace (the API server's default quota configuration limits them to kube-system only
 * where the provider configures `limitedResources`, which they do not:
 * https://kubernetes.io/docs/concepts/policy/resource-quotas/#limit-priority-class-consumption-by-default).
 */
export const CRITICAL_PRIORITY_CLASSES: readonly string[] = [PLATFORM_PRIORITY_CLASS, "system-cluster-critical", "system-node-critical"];

/** Labels every object the program declares directly carries. */
export const COMMON_LABELS: Readonly<Record<string, string>> = {
    "app.kubernetes.io/managed-by": "pulumi",
    "app.kubernetes.io/part-of": "platform",
};

/** Pod Security Standards level (https://kubernetes.io/docs/concepts/security/pod-security-standards/). */
export type PssLevel = "privileged" | "baseline" | "restricted";

/**
 * Version of the Pod Security Standards the labels refer to. Pinned (never `latest`) so a cluster
 * upgrade cannot tighten or loosen the policy behind our back; bump deliberately.
 */
export const PSS_VERSION = "v1.32";

/**
 * Pod Security Admission labels: enforce the given level; always audit and warn at `restricted`,
 * so anything running below restricted is visible in audit logs and `kubectl` warnings.
 */
export function podSecurityLabels(enforce: PssLevel): Record<string, string> {
    return {
        "pod-security.kubernetes.io/enforce": enforce,
        "pod-security.kubernetes.io/enforce-version": PSS_VERSION,
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/audit-version": PSS_VERSION,
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/warn-version": PSS_VERSION,
    };
}

/** RFC 1123 label: what Kubernetes accepts as a namespace name. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Problems with a namespace list, one message per problem (empty when valid). */
export function namespaceProblems(field: string, names: readonly string[], reserved: readonly string[]): string[] {
    const problems: string[] = [];
    const seen = new Set<string>();
    names.forEach((ns, i) => {
        if (ns.length > 63 || !DNS_LABEL.test(ns)) {
            problems.push(
                `${field}[${i}] = "${ns}" is not a valid namespace name: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit`,
            );
        }
        if (reserved.includes(ns)) {
            problems.push(`${field}[${i}] = "${ns}" is reserved (platform or system namespace); pick another name`);
        }
        if (seen.has(ns)) {
            problems.push(`${field}[${i}] = "${ns}" is listed twice; remove the duplicate`);
        }
        seen.add(ns);
    });
    return problems;
}

/** The platform's and the cluster's own namespaces: never a tenant's. */
export const SYSTEM_NAMESPACES: readonly string[] = [...Object.values(PLATFORM_NAMESPACES), "default", "kube-system", "kube-public", "kube-node-lease"];

/**
 * Namespaces nobody may claim as a workload namespace (the serving namespace is the serving
 * engine's, jenkins-agents the build agents', created only where a Jenkins VM is bound to the cluster).
 */
export const RESERVED_NAMESPACES: readonly string[] = [...SYSTEM_NAMESPACES, SERVING_NAMESPACE, JENKINS_AGENTS_NAMESPACE];

/** Throws one error listing every problem, naming the component, so a caller fixes them all at once. */
export function throwIfProblems(component: string, problems: readonly string[]): void {
    if (problems.length > 0) {
        throw new Error(`${component}: invalid arguments:\n  - ${problems.join("\n  - ")}`);
    }
}

/** Options for a child: parented to the component, with the explicit Kubernetes provider. */
export function childOpts(
    parent: pulumi.Resource,
    provider: pulumi.ProviderResource,
    extra: pulumi.CustomResourceOptions = {},
): pulumi.CustomResourceOptions {
    return { ...extra, parent, provider };
}

/**
 * Chart values merged: objects key by key (recursively), anything else (arrays, scalars) taken
 * from `over`. Lets a hardening block be written apart from the values it hardens.
 */
export function mergeValues(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(over)) {
        const prev = out[key];
        out[key] = isPlainObject(prev) && isPlainObject(value) ? mergeValues(prev, value) : value;
    }
    return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}
