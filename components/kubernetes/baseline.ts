/**
 * Baseline: the namespaces of the platform and its workloads, hardened before anything runs in
 * them. Pod Security labels, default-deny NetworkPolicies with explicit allows, quotas and limit
 * ranges, least-privilege RBAC.
 *
 * The plan is computed by pure functions (`namespacePlans`, `networkPolicies`, `quotaFor`, ...)
 * that tests validate against the upstream Kubernetes schemas; the component only creates them.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
    API_ACCESS_LABEL,
    childOpts,
    COMMON_LABELS,
    CRITICAL_PRIORITY_CLASSES,
    Environment,
    ENVIRONMENTS,
    namespaceProblems,
    NamespaceRole,
    PLATFORM_NAMESPACES,
    PLATFORM_PRIORITY_CLASS,
    PLATFORM_PRIORITY_VALUE,
    podSecurityLabels,
    PssLevel,
    RESERVED_NAMESPACES,
    ROLE_LABEL,
    SYSTEM_NAMESPACES,
    throwIfProblems,
} from "./common";
import { cidrContains } from "../config/cidr";
import { CLOUD_IDENTITY_LABEL, JENKINS_AGENT_LABEL, NODE_PORTS, POD_LABELS, VAULT_ACCESS_LABEL, WEBHOOKS } from "../flows";
import { ClusterHints, PRIVATE_RANGES } from "./hints";

type NetworkPolicySpec = k8s.types.input.networking.v1.NetworkPolicySpec;
type PolicyRule = k8s.types.input.rbac.v1.PolicyRule;

export interface BaselineArgs {
    /** Provider of the target cluster. */
    readonly provider: k8s.Provider;
    /** Sizes quotas and limits. */
    readonly environment: Environment;
    /** Cluster facts: API-server and node CIDRs for NetworkPolicies, workload-identity format. */
    readonly hints: ClusterHints;
    /** Namespaces for teams' workloads; PSS `restricted`, quotas, runner RBAC. Default `["dev","staging","production"]`. */
    readonly workloadNamespaces?: readonly string[];
    /**
     * Namespaces for model-serving deployments (the Seldon demo). PSS `baseline`: the serving
     * engine injects containers (executor, storage initializer) whose security context does not
     * meet `restricted`. Default none.
     */
    readonly servingNamespaces?: readonly string[];
    /**
     * Extra labels of every serving namespace, from the serving engine (Seldon's single-namespace
     * webhook selects its namespace by `seldon.io/controller-id`). Default none.
     */
    readonly servingNamespaceLabels?: Readonly<Record<string, string>>;
    /**
     * Pods of the serving engine's operator, which runs inside the serving namespace
     * (single-namespace mode): only they get API egress and webhook ingress there, and the
     * platform priority class (at most `operatorReplicas + 1` pods of it, for a rolling update).
     * Absent: none.
     */
    readonly servingOperator?: ServingOperatorPods;
    /**
     * Cloud identity (role ARN / client id / GSA email) for the `model-training-runner`
     * ServiceAccount, per workload namespace. Applied with `hints.workloadIdentity.annotationKey`;
     * ignored for namespaces not listed. Default none: the runner gets no cloud credentials.
     */
    readonly trainingRunnerIdentities?: Readonly<Record<string, pulumi.Input<string>>>;
    /**
     * The tool VMs pods may be granted (private IPv4 and the port the flow contract names):
     * pods labelled `platform.io/vault-access` in a workload namespace reach Vault; Jenkins
     * agents (`platform.io/jenkins-agent` in the `ci` namespace jenkins-agents, jenkins-agents.ts)
     * reach Jenkins; each to exactly that address and port. Absent VM: no grant.
     */
    readonly toolVmGrants?: ToolVmGrants;
}

/** See {@link BaselineArgs.toolVmGrants}. */
export interface ToolVmGrants {
    readonly vault?: { readonly address: string; readonly port: number };
    readonly jenkins?: { readonly address: string; readonly port: number };
}

/**
 * Namespaces the platform does not create but must still confine: a pod created without a
 * namespace lands in `default`, which would otherwise reach everything the cloud firewall admits
 * from the nodes (Vault, Jenkins). Nothing of the platform runs there; everything is denied.
 */
export const CONFINED_UNMANAGED_NAMESPACES: readonly string[] = ["default"];

export const DEFAULT_WORKLOAD_NAMESPACES: readonly string[] = ["dev", "staging", "production"];

/** See {@link BaselineArgs.servingOperator}. */
export interface ServingOperatorPods {
    /** Labels that select exactly the operator's pods. */
    readonly podLabels: Readonly<Record<string, string>>;
    /** The port the API server calls its admission webhook on (the pod's container port). */
    readonly webhookPort: number;
    readonly replicas: number;
    /**
     * The operator's ServiceAccount: admission lets only pods running as it carry
     * {@link podLabels}, which the network policies select (a label is otherwise self-settable).
     */
    readonly serviceAccount: string;
}

/** One namespace to create, with what it is for and the Pod Security level it enforces. */
export interface NamespacePlan {
    readonly name: string;
    readonly role: NamespaceRole;
    readonly pss: PssLevel;
    /** Why this level (and not `restricted`): reviewed as a security control. */
    readonly why: string;
    /** Labels besides role and Pod Security (the serving engine's namespace selector). */
    readonly labels?: Readonly<Record<string, string>>;
}

/**
 * Pod Security level per platform namespace: the least permissive level each chart needs.
 * Checked against the pinned charts' templates (see versions.ts).
 */
export const PLATFORM_PSS: Readonly<Record<keyof typeof PLATFORM_NAMESPACES, { pss: PssLevel; why: string }>> = {
    argocd: {
        pss: "restricted",
        why: "argo-cd chart sets runAsNonRoot, drop ALL, seccomp RuntimeDefault and no privilege escalation on every container (redis-ha included)",
    },
    monitoring: {
        pss: "restricted",
        why: "operator, Prometheus, Alertmanager, Grafana (and its sidecars), kube-state-metrics and the admission Jobs all render restricted-compatible (runAsNonRoot, drop ALL, seccomp RuntimeDefault, no escalation); node-exporter lives in its own namespace and Grafana's test pod is off",
    },
    nodeExporter: {
        pss: "privileged",
        why: "prometheus-node-exporter needs hostNetwork, hostPID and hostPath mounts of /, /proc and /sys, which baseline forbids; nothing else runs here",
    },
};

/** Every namespace the baseline creates, platform first. */
export function namespacePlans(workload: readonly string[], serving: readonly string[], servingLabels: Readonly<Record<string, string>> = {}): NamespacePlan[] {
    const platform = (Object.keys(PLATFORM_NAMESPACES) as (keyof typeof PLATFORM_NAMESPACES)[]).map((key) => ({
        name: PLATFORM_NAMESPACES[key],
        role: "platform" as const,
        ...PLATFORM_PSS[key],
    }));
    return [
        ...platform,
        ...workload.map((name) => ({
            name,
            role: "workload" as const,
            pss: "restricted" as const,
            why: "team workloads: the strictest level, no exceptions",
        })),
        ...serving.map((name) => ({
            name,
            role: "serving" as const,
            pss: "baseline" as const,
            why: "Seldon Core v1 injects an executor and a storage-initializer container without seccomp/capability settings; tenants reach it only with SeldonDeployments (Argo CD project and admission)",
            labels: { ...servingLabels },
        })),
    ];
}

/** Namespace metadata: role and Pod Security labels (and the plan's own labels). */
export function namespaceMetadata(plan: NamespacePlan): { name: string; labels: Record<string, string> } {
    return {
        name: plan.name,
        labels: { ...COMMON_LABELS, ...(plan.labels ?? {}), [ROLE_LABEL]: plan.role, ...podSecurityLabels(plan.pss) },
    };
}

/** A NetworkPolicy to create in a namespace. */
export interface PolicyPlan {
    readonly name: string;
    readonly spec: NetworkPolicySpec;
}

const ALL_PODS = {};
const TCP = (port: number) => ({ protocol: "TCP", port });
const ipBlocks = (cidrs: readonly string[]) => cidrs.map((cidr) => ({ ipBlock: { cidr } }));
const namespaceNamed = (name: string) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": name } } });
/** Prometheus pods of kube-prometheus-stack (label set by the prometheus-operator). */
export const PROMETHEUS_POD_LABELS: Readonly<Record<string, string>> = POD_LABELS.prometheus;
/** Ports of the Kubernetes API as pods reach it: 443 via the `kubernetes` Service, 6443 on some endpoints. */
const API_PORTS = [TCP(443), TCP(6443)];

/** Deny all ingress and egress for every pod: every allow below is explicit. */
export const DEFAULT_DENY: PolicyPlan = {
    name: "default-deny",
    spec: { podSelector: ALL_PODS, policyTypes: ["Ingress", "Egress"] },
};

/** DNS to the cluster resolver (CoreDNS / kube-dns, labelled `k8s-app: kube-dns` on EKS, AKS and GKE). */
export const ALLOW_DNS: PolicyPlan = {
    name: "allow-dns-egress",
    spec: {
        podSelector: ALL_PODS,
        policyTypes: ["Egress"],
        egress: [
            {
                to: [{ ...namespaceNamed("kube-system"), podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
                ports: [
                    { protocol: "UDP", port: 53 },
                    { protocol: "TCP", port: 53 },
                ],
            },
        ],
    },
};

/** Scrapes from Prometheus (monitoring namespace) to any pod's metrics port. */
export const ALLOW_PROMETHEUS_SCRAPE: PolicyPlan = {
    name: "allow-prometheus-scrape",
    spec: {
        podSelector: ALL_PODS,
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ ...namespaceNamed(PLATFORM_NAMESPACES.monitoring), podSelector: { matchLabels: PROMETHEUS_POD_LABELS } }] }],
    },
};

const INTRA_NAMESPACE: PolicyPlan = {
    name: "allow-same-namespace",
    spec: {
        podSelector: ALL_PODS,
        policyTypes: ["Ingress", "Egress"],
        ingress: [{ from: [{ podSelector: ALL_PODS }] }],
        egress: [{ to: [{ podSelector: ALL_PODS }] }],
    },
};

const apiEgress = (apiCidrs: readonly string[], podSelector: NetworkPolicySpec["podSelector"] = ALL_PODS): PolicyPlan => ({
    name: "allow-apiserver-egress",
    spec: { podSelector, policyTypes: ["Egress"], egress: [{ to: ipBlocks(apiCidrs), ports: API_PORTS }] },
});

/** The API server calls admission webhooks: ingress from the control plane on the webhook port only. */
const webhookIngress = (apiCidrs: readonly string[], port: number): PolicyPlan => ({
    name: "allow-apiserver-webhook-ingress",
    spec: { podSelector: ALL_PODS, policyTypes: ["Ingress"], ingress: [{ from: ipBlocks(apiCidrs), ports: [TCP(port)] }] },
});

/** The cluster-wide Cilium policy that lets Prometheus reach the nodes where no ipBlock can (see {@link ClusterHints.nodePeers}). */
export const PROMETHEUS_NODE_SCRAPE_CCNP = "platform-prometheus-node-scrape";

/** Ports Prometheus scrapes on the nodes: kubelet, node_exporter and, where the cluster runs one with reachable metrics, kube-proxy. */
export function nodeScrapePorts(hints: ClusterHints): number[] {
    return [NODE_PORTS.kubelet, NODE_PORTS.nodeExporter, ...((hints.clusterMetrics?.kubeProxy ?? true) ? [KUBE_PROXY_METRICS_PORT] : [])];
}
/** kube-proxy's metrics port (kube-prometheus-stack `kubeProxy.service.port`). */
export const KUBE_PROXY_METRICS_PORT = 10249;

/**
 * The CiliumClusterwideNetworkPolicy (cilium.io/v2) for Prometheus -> nodes on Cilium clusters:
 * the `host` (its own node) and `remote-node` entities on the scrape ports, nothing else. L3/L4
 * only, which AKS and GKE Dataplane V2 both support; Cilium ORs it with the NetworkPolicies.
 */
export function prometheusNodeScrapeCcnp(monitoringNamespace: string, hints: ClusterHints): Record<string, unknown> {
    return {
        apiVersion: "cilium.io/v2",
        kind: "CiliumClusterwideNetworkPolicy",
        metadata: { name: PROMETHEUS_NODE_SCRAPE_CCNP, labels: { ...COMMON_LABELS } },
        spec: {
            description: "Prometheus scrapes kubelet and node_exporter on the nodes (no ipBlock can select node IPs on Cilium)",
            endpointSelector: { matchLabels: { "k8s:io.kubernetes.pod.namespace": monitoringNamespace, ...prefixed(PROMETHEUS_POD_LABELS) } },
            egress: [{ toEntities: ["host", "remote-node"], toPorts: [{ ports: nodeScrapePorts(hints).map((p) => ({ port: String(p), protocol: "TCP" })) }] }],
        },
    };
}

/** Cilium endpoint labels of Kubernetes pod labels (`k8s:` source prefix). */
function prefixed(labels: Readonly<Record<string, string>>): Record<string, string> {
    return Object.fromEntries(Object.entries(labels).map(([k, v]) => [`k8s:${k}`, v]));
}

/**
 * Pods of a SeldonDeployment: Seldon v1 labels every pod it creates `seldon-deployment-id`
 * (operator/controllers/seldondeployment_controller.go at v1.18.2, SeldonDeploymentLabel); the
 * operator's own pod does not carry it.
 */
export const MODEL_PODS = { matchExpressions: [{ key: "seldon-deployment-id", operator: "Exists" }] };

/** The serving operator inside the serving namespace: API egress and webhook ingress, for its pods only. */
function servingOperatorPolicies(apiEgressCidrs: readonly string[], apiCidrs: readonly string[], operator: ServingOperatorPods | undefined): PolicyPlan[] {
    if (!operator) {
        return [];
    }
    const podSelector = { matchLabels: { ...operator.podLabels } };
    return [
        { ...apiEgress(apiEgressCidrs, podSelector), name: "allow-operator-apiserver-egress" },
        {
            name: "allow-operator-webhook-ingress",
            spec: { podSelector, policyTypes: ["Ingress"], ingress: [{ from: ipBlocks(apiCidrs), ports: [TCP(operator.webhookPort)] }] },
        },
    ];
}

/** Seldon Core v1 executor ports (HTTP, gRPC) on every SeldonDeployment's service. */
export const SELDON_SERVICE_PORTS = [8000, 5001];

/**
 * The NetworkPolicies of one namespace. Every namespace gets default-deny, DNS and Prometheus
 * scrapes; the rest is what its role needs, and nothing else.
 */
export function networkPolicies(plan: NamespacePlan, hints: ClusterHints, hasServing: boolean, grants: ToolVmGrants = {}, servingOperator?: ServingOperatorPods): PolicyPlan[] {
    const apiCidrs = hints.apiServerCidrs ?? PRIVATE_RANGES;
    const apiEgressCidrs = hints.apiEgressCidrs ?? apiCidrs;
    const nodeCidrs = hints.nodeCidrs ?? PRIVATE_RANGES;
    const nodePeers = hints.nodePeers ?? "ipBlock";
    const common = [DEFAULT_DENY, ALLOW_DNS, ALLOW_PROMETHEUS_SCRAPE];
    switch (plan.role) {
        case "platform":
            switch (plan.name) {
                case PLATFORM_NAMESPACES.argocd:
                    return [
                        ...common,
                        INTRA_NAMESPACE,
                        // The application controller applies manifests; the server and
                        // ApplicationSet controller read cluster state.
                        apiEgress(apiEgressCidrs),
                        {
                            // Only the repo server fetches Git. The config repository may live
                            // anywhere (GitHub, a GitLab in the VPC), so the destination is open
                            // but the ports are not: HTTPS and SSH.
                            name: "allow-repo-server-git-egress",
                            spec: {
                                podSelector: { matchLabels: { "app.kubernetes.io/name": "argocd-repo-server" } },
                                policyTypes: ["Egress"],
                                egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [TCP(443), TCP(22)] }],
                            },
                        },
                    ];
                case PLATFORM_NAMESPACES.monitoring:
                    return [
                        ...common,
                        INTRA_NAMESPACE,
                        // Operator, Prometheus service discovery, kube-state-metrics, Grafana's sidecar.
                        apiEgress(apiEgressCidrs),
                        // prometheus-operator's admission webhook (validates PrometheusRules).
                        webhookIngress(apiCidrs, WEBHOOKS.prometheusOperator.port),
                        {
                            name: "allow-prometheus-scrape-egress",
                            spec: {
                                podSelector: { matchLabels: PROMETHEUS_POD_LABELS },
                                policyTypes: ["Egress"],
                                egress: [
                                    // Pods in every namespace (each allows this with allow-prometheus-scrape).
                                    { to: [{ namespaceSelector: {} }] },
                                    // Kubelet / cAdvisor, node-exporter (host network), kube-proxy on the
                                    // nodes. Where no ipBlock can select a node (Cilium), the
                                    // cluster-wide Cilium policy does it instead (prometheusNodeScrapeCcnp).
                                    ...(nodePeers === "ipBlock" ? [{ to: ipBlocks(nodeCidrs), ports: nodeScrapePorts(hints).map(TCP) }] : []),
                                ],
                            },
                        },
                    ];
                case PLATFORM_NAMESPACES.nodeExporter:
                    // Its only pod runs on the host network, where NetworkPolicies do not apply;
                    // default-deny holds for anything else ever scheduled here.
                    return common;
                default:
                    throw new Error(`no NetworkPolicy plan for platform namespace "${plan.name}"`);
            }
        case "workload":
            return [
                ...common,
                // Only pods that opt in (the training runner) reach the API: its RBAC is useless otherwise.
                apiEgress(apiEgressCidrs, { matchLabels: { [API_ACCESS_LABEL]: "true" } }),
                ...workloadGrants(hints, grants),
                ...(hasServing
                    ? [
                          {
                              name: "allow-model-serving-egress",
                              spec: {
                                  podSelector: ALL_PODS,
                                  policyTypes: ["Egress"],
                                  egress: [
                                      {
                                          to: [{ namespaceSelector: { matchLabels: { [ROLE_LABEL]: "serving" } } }],
                                          ports: SELDON_SERVICE_PORTS.map(TCP),
                                      },
                                  ],
                              },
                          },
                      ]
                    : []),
            ];
        case "serving":
            return [
                ...common,
                {
                    // Models are meant to be called by the workloads, on the inference ports only.
                    name: "allow-inference-ingress",
                    spec: {
                        podSelector: ALL_PODS,
                        policyTypes: ["Ingress"],
                        ingress: [
                            {
                                from: [{ namespaceSelector: { matchLabels: { [ROLE_LABEL]: "workload" } } }],
                                ports: SELDON_SERVICE_PORTS.map(TCP),
                            },
                        ],
                    },
                },
                {
                    // The model initializer downloads the artifact (object storage over HTTPS):
                    // only model pods, never the operator.
                    name: "allow-model-download-egress",
                    spec: {
                        podSelector: MODEL_PODS,
                        policyTypes: ["Egress"],
                        egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [TCP(443)] }],
                    },
                },
                ...servingOperatorPolicies(apiEgressCidrs, apiCidrs, servingOperator),
            ];
        case "ci":
            return ciNetworkPolicies(hints, grants);
        default: {
            const impossible: never = plan.role;
            throw new Error(`unknown namespace role ${String(impossible)}`);
        }
    }
}

/**
 * Where build agents' HTTPS egress never goes, whatever the address: every private range (the
 * VPC / VNet: Vault, Wazuh, the nodes, the API server's private endpoint, every pod and Service),
 * the shared address space 100.64.0.0/10 (RFC 6598: some clouds number pods or Services there),
 * link-local 169.254.0.0/16 (RFC 3927: the instance metadata service 169.254.169.254 and the other
 * node-local endpoints), and whatever the cluster's own hints name that these do not cover (the
 * API server's and nodes' ranges, the cloud's host endpoints such as Azure's 168.63.129.16 in
 * `clusterwideDeny.denyCidrs`).
 */
export const CI_EGRESS_NEVER: readonly string[] = [...PRIVATE_RANGES, "100.64.0.0/10", "169.254.0.0/16"];

/** {@link CI_EGRESS_NEVER} plus the hints' ranges not already inside it, in order, without duplicates. */
export function ciEgressExcept(hints: ClusterHints): string[] {
    const out = [...CI_EGRESS_NEVER];
    const extra = [...(hints.apiServerCidrs ?? []), ...(hints.apiEgressCidrs ?? []), ...(hints.nodeCidrs ?? []), ...(hints.clusterwideDeny?.denyCidrs ?? [])];
    for (const cidr of extra) {
        if (!out.some((known) => cidrContains(known, cidr))) {
            out.push(cidr);
        }
    }
    return out;
}

/**
 * The NetworkPolicies of the `ci` namespace (jenkins-agents): build agents run pipeline code, so
 * they get the least a build needs and nothing of a tenant's grants.
 * - default-deny, both directions; no ingress at all (inbound agents dial the controller; the
 *   controller's `container` steps go through the API server's exec, never to the pod);
 * - DNS;
 * - agents (the label admission forces on every pod the Jenkins identity creates) to the Jenkins
 *   VM, exactly its address and the agent port (WebSocket over HTTPS);
 * - agents to HTTPS anywhere EXCEPT {@link ciEgressExcept}: builds clone Git and pull
 *   dependencies from the internet; the except list keeps them off the API server, Vault, Wazuh,
 *   the nodes, every pod and the metadata service. One ipBlock rule holds 0.0.0.0/0: the EKS VPC
 *   CNI's policy agent keys its eBPF map by CIDR, so two rules on the same CIDR lose one rule's
 *   ports (aws/aws-network-policy-agent#180); it honours `except` since agent v1.0.4 / VPC CNI
 *   v1.15.1 (aws/aws-network-policy-agent#58, #92). Cilium (AKS, GKE Dataplane V2) honours
 *   `except` natively and its ipBlocks never select cluster addresses anyway.
 * No Prometheus scrape ingress: agents serve no metrics.
 */
function ciNetworkPolicies(hints: ClusterHints, grants: ToolVmGrants): PolicyPlan[] {
    const agents = { matchLabels: { [JENKINS_AGENT_LABEL]: "true" } };
    return [
        DEFAULT_DENY,
        ALLOW_DNS,
        ...(grants.jenkins
            ? [
                  {
                      name: "allow-jenkins-controller-egress",
                      spec: { podSelector: agents, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: `${grants.jenkins.address}/32` } }], ports: [TCP(grants.jenkins.port)] }] },
                  },
              ]
            : []),
        {
            name: "allow-public-https-egress",
            spec: { podSelector: agents, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ciEgressExcept(hints) } }], ports: [TCP(443)] }] },
        },
    ];
}

/**
 * The explicit grants of a workload namespace, each to one label: Vault's API on exactly its VM,
 * and the cloud's token endpoint for pods with a cloud identity. A pod without the label keeps
 * default-deny; a namespace without the baseline gets none. Jenkins is not among them: its agents
 * run in the `ci` namespace only (a tenant could put the agent label on any pod; admission binds
 * it to nothing in a workload namespace).
 */
function workloadGrants(hints: ClusterHints, grants: ToolVmGrants): PolicyPlan[] {
    const grant = (name: string, label: string, to: { cidr: string; port: number }[]): PolicyPlan => ({
        name,
        spec: {
            podSelector: { matchLabels: { [label]: "true" } },
            policyTypes: ["Egress"],
            egress: to.map((t) => ({ to: [{ ipBlock: { cidr: t.cidr } }], ports: [TCP(t.port)] })),
        },
    });
    const out: PolicyPlan[] = [];
    if (grants.vault) {
        out.push(grant("allow-vault-egress", VAULT_ACCESS_LABEL, [{ cidr: `${grants.vault.address}/32`, port: grants.vault.port }]));
    }
    const tokens = hints.workloadIdentity?.tokenEgress ?? [];
    if (tokens.length > 0) {
        out.push(grant("allow-workload-identity-egress", CLOUD_IDENTITY_LABEL, [...tokens]));
    }
    return out;
}

/** ResourceQuota per environment for workload and serving namespaces. */
export function quotaFor(environment: Environment): Record<string, string> {
    const sizes: Record<Environment, [cpu: number, memGi: number, pods: number, pvcs: number, storage: string]> = {
        dev: [4, 8, 50, 10, "100Gi"],
        staging: [8, 16, 100, 20, "250Gi"],
        prod: [32, 64, 300, 50, "1Ti"],
    };
    const [cpu, mem, pods, pvcs, storage] = sizes[environment];
    return {
        "requests.cpu": `${cpu}`,
        "requests.memory": `${mem}Gi`,
        "limits.cpu": `${cpu * 2}`,
        "limits.memory": `${mem * 2}Gi`,
        pods: `${pods}`,
        persistentvolumeclaims: `${pvcs}`,
        "requests.storage": storage,
        // Workloads are reached through the platform, never by their own cloud load balancer or
        // node port: a team cannot open the cluster to the network by applying a Service.
        "services.loadbalancers": "0",
        "services.nodeports": "0",
    };
}

/** LimitRange: defaults so every container has requests and limits (the quota requires them), and ceilings. */
export function limitRangeFor(environment: Environment): k8s.types.input.core.v1.LimitRangeSpec {
    const max = environment === "prod" ? { cpu: "8", memory: "32Gi" } : { cpu: "4", memory: "8Gi" };
    return {
        limits: [
            {
                type: "Container",
                default: { cpu: "500m", memory: "512Mi" },
                defaultRequest: { cpu: "100m", memory: "128Mi" },
                max,
            },
            { type: "PersistentVolumeClaim", max: { storage: environment === "prod" ? "200Gi" : "50Gi" } },
        ],
    };
}

/** Name of the training runner's ServiceAccount, Role and RoleBinding in every workload namespace. */
export const TRAINING_RUNNER = "model-training-runner";
/**
 * The ServiceAccount every pod the runner creates must run as (admission.ts): no RBAC, no token
 * mounted, no cloud identity. The runner starts training jobs; the jobs get nothing of its rights.
 */
export const TRAINING_JOB = "model-training-job";
/** The only Secrets a runner-created pod may reference (env, envFrom, volumes): `model-training-*`. */
export const TRAINING_SECRET_PREFIX = "model-training-";

/**
 * The model-training runner may start, watch and delete pods and read their logs in its
 * namespace; what those pods may be is admission's business (admission.ts: they run as
 * {@link TRAINING_JOB}, mount only `model-training-*` Secrets, use images by digest). No
 * `patch`/`update` of pods (that would swap a running pod's image), no Secrets (a pod it starts
 * gets a Secret by reference, through the kubelet), no exec, nothing cluster-wide.
 */
export const TRAINING_RUNNER_RULES: readonly PolicyRule[] = [
    { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch", "create", "delete"] },
    { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
];

/**
 * The quotas that keep tenants off the critical priority classes: a ResourceQuota scoped to
 * those classes with `pods: 0` refuses any pod that names one
 * (https://kubernetes.io/docs/concepts/policy/resource-quotas/#resource-quota-per-priorityclass).
 * In the serving namespace the operator's pods may use the platform class (its replicas plus
 * one for a rolling update); tenants there can only ship SeldonDeployments, and admission
 * refuses any that names a priority class.
 */
export function priorityQuotas(role: NamespaceRole, operator?: ServingOperatorPods): { name: string; classes: string[]; pods: number }[] {
    const system = CRITICAL_PRIORITY_CLASSES.filter((c) => c !== PLATFORM_PRIORITY_CLASS);
    if (role === "serving" && operator) {
        return [
            { name: "platform-system-priority", classes: system, pods: 0 },
            { name: "platform-critical-priority", classes: [PLATFORM_PRIORITY_CLASS], pods: operator.replicas + 1 },
        ];
    }
    return [{ name: "platform-critical-priority", classes: [...CRITICAL_PRIORITY_CLASSES], pods: 0 }];
}

/** Validation of BaselineArgs: every problem, with the field and how to fix it. */
export function baselineProblems(args: BaselineArgs): string[] {
    const problems: string[] = [];
    if (!ENVIRONMENTS.includes(args.environment)) {
        problems.push(`environment = "${args.environment}" is not one of ${ENVIRONMENTS.join(", ")}`);
    }
    const workload = args.workloadNamespaces ?? DEFAULT_WORKLOAD_NAMESPACES;
    const serving = args.servingNamespaces ?? [];
    if (workload.length === 0) {
        problems.push("workloadNamespaces is empty: give at least one (default dev, staging, production)");
    }
    problems.push(...namespaceProblems("workloadNamespaces", workload, RESERVED_NAMESPACES));
    problems.push(...namespaceProblems("servingNamespaces", serving, [...SYSTEM_NAMESPACES, ...workload]));
    for (const ns of Object.keys(args.trainingRunnerIdentities ?? {})) {
        if (!workload.includes(ns)) {
            problems.push(`trainingRunnerIdentities has "${ns}", which is not a workload namespace (${workload.join(", ")})`);
        }
    }
    if (Object.keys(args.trainingRunnerIdentities ?? {}).length > 0 && !args.hints.workloadIdentity) {
        problems.push("trainingRunnerIdentities is set but hints.workloadIdentity is absent: the cluster must say how identities are bound");
    }
    for (const [field, cidrs] of [
        ["hints.apiServerCidrs", args.hints.apiServerCidrs],
        ["hints.apiEgressCidrs", args.hints.apiEgressCidrs],
        ["hints.nodeCidrs", args.hints.nodeCidrs],
    ] as const) {
        (cidrs ?? []).forEach((cidr, i) => {
            if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(cidr)) {
                problems.push(`${field}[${i}] = "${cidr}" is not an IPv4 CIDR (a.b.c.d/n)`);
            } else if (cidr.endsWith("/0")) {
                problems.push(`${field}[${i}] = "${cidr}" opens every address; give the control-plane / node ranges`);
            }
        });
    }
    return problems;
}

/** Baseline of the cluster: namespaces, Pod Security, NetworkPolicies, quotas, RBAC, the platform priority class. */
export class Baseline extends pulumi.ComponentResource {
    /** Created namespaces by name; depend on these before installing into a namespace. */
    public readonly namespaces: Readonly<Record<string, k8s.core.v1.Namespace>>;
    /** Namespace names as outputs that resolve once the namespace and its policies exist. */
    public readonly namespaceNames: Readonly<Record<string, pulumi.Output<string>>>;

    constructor(name: string, args: BaselineArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:k8s:Baseline", name, {}, opts);
        throwIfProblems(`Baseline "${name}"`, baselineProblems(args));
        const built = buildBaseline(this, name, args);
        this.namespaces = built.namespaces;
        this.namespaceNames = built.namespaceNames;
        this.registerOutputs({ namespaceNames: this.namespaceNames });
    }
}

/** Creates the baseline's children under `parent`. */
export function buildBaseline(
    parent: pulumi.Resource,
    name: string,
    args: BaselineArgs,
): { namespaces: Record<string, k8s.core.v1.Namespace>; namespaceNames: Record<string, pulumi.Output<string>> } {
    const workload = args.workloadNamespaces ?? DEFAULT_WORKLOAD_NAMESPACES;
    const serving = args.servingNamespaces ?? [];
    const opts = (extra: pulumi.CustomResourceOptions = {}) => childOpts(parent, args.provider, extra);
    const namespaces: Record<string, k8s.core.v1.Namespace> = {};
    const namespaceNames: Record<string, pulumi.Output<string>> = {};

    // Every platform pod names it: it must exist before any release renders one.
    const priorityClass = new k8s.scheduling.v1.PriorityClass(
        `${name}-${PLATFORM_PRIORITY_CLASS}`,
        {
            metadata: { name: PLATFORM_PRIORITY_CLASS, labels: { ...COMMON_LABELS } },
            value: PLATFORM_PRIORITY_VALUE,
            globalDefault: false,
            preemptionPolicy: "PreemptLowerPriority",
            description: "The platform's own pods (Argo CD, monitoring, the serving operator). Tenant namespaces cannot use it (ResourceQuota platform-critical-priority).",
        },
        opts(),
    );

    for (const plan of namespacePlans(workload, serving, args.servingNamespaceLabels)) {
        const ns = new k8s.core.v1.Namespace(`${name}-${plan.name}`, { metadata: namespaceMetadata(plan) }, opts());
        namespaces[plan.name] = ns;
        const inNs = { namespace: ns.metadata.name, labels: { ...COMMON_LABELS } };
        const policies: pulumi.Resource[] = networkPolicies(plan, args.hints, serving.length > 0, args.toolVmGrants, args.servingOperator).map(
            (p) =>
                new k8s.networking.v1.NetworkPolicy(
                    `${name}-${plan.name}-${p.name}`,
                    { metadata: { ...inNs, name: p.name }, spec: p.spec },
                    opts(),
                ),
        );
        if (plan.name === PLATFORM_NAMESPACES.monitoring && args.hints.nodePeers === "ciliumEntities") {
            const ccnp = prometheusNodeScrapeCcnp(plan.name, args.hints);
            policies.push(
                new k8s.apiextensions.CustomResource(
                    `${name}-${PROMETHEUS_NODE_SCRAPE_CCNP}`,
                    { apiVersion: "cilium.io/v2", kind: "CiliumClusterwideNetworkPolicy", metadata: ccnp.metadata as k8s.types.input.meta.v1.ObjectMeta, spec: ccnp.spec },
                    opts({ dependsOn: [ns] }),
                ),
            );
        }
        // Consumers install into the namespace only once its default-deny and allows exist, so
        // nothing ever runs unconfined, even for a moment.
        namespaceNames[plan.name] = pulumi.all([ns.metadata.name, priorityClass.metadata.name, ...policies.map((p) => p.urn)]).apply(([n]) => n as string);

        if (plan.role === "platform") {
            continue;
        }
        buildTenantNamespaceGuards(parent, name, plan, ns, args);
        new k8s.core.v1.ResourceQuota(
            `${name}-${plan.name}-quota`,
            { metadata: { ...inNs, name: "platform-quota" }, spec: { hard: quotaFor(args.environment) } },
            opts(),
        );
        new k8s.core.v1.LimitRange(
            `${name}-${plan.name}-limits`,
            { metadata: { ...inNs, name: "platform-limits" }, spec: limitRangeFor(args.environment) },
            opts(),
        );
        if (plan.role !== "workload") {
            continue;
        }
        const identity = args.trainingRunnerIdentities?.[plan.name];
        const wi = args.hints.workloadIdentity;
        const sa = new k8s.core.v1.ServiceAccount(
            `${name}-${plan.name}-${TRAINING_RUNNER}`,
            {
                metadata: {
                    ...inNs,
                    name: TRAINING_RUNNER,
                    ...(identity && wi ? { annotations: { [wi.annotationKey]: identity } } : {}),
                },
                // The runner talks to the API; everything else in the namespace keeps no token.
                automountServiceAccountToken: true,
            },
            opts(),
        );
        // What the runner's pods run as: no RBAC binds it, no token, no cloud identity.
        new k8s.core.v1.ServiceAccount(
            `${name}-${plan.name}-${TRAINING_JOB}`,
            { metadata: { ...inNs, name: TRAINING_JOB }, automountServiceAccountToken: false },
            opts(),
        );
        const role = new k8s.rbac.v1.Role(
            `${name}-${plan.name}-${TRAINING_RUNNER}-role`,
            { metadata: { ...inNs, name: TRAINING_RUNNER }, rules: [...TRAINING_RUNNER_RULES] },
            opts(),
        );
        new k8s.rbac.v1.RoleBinding(
            `${name}-${plan.name}-${TRAINING_RUNNER}-binding`,
            {
                metadata: { ...inNs, name: TRAINING_RUNNER },
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
                subjects: [{ kind: "ServiceAccount", name: sa.metadata.name, namespace: ns.metadata.name }],
            },
            opts(),
        );
    }
    for (const unmanaged of CONFINED_UNMANAGED_NAMESPACES) {
        new k8s.networking.v1.NetworkPolicy(
            `${name}-${unmanaged}-${DEFAULT_DENY.name}`,
            { metadata: { namespace: unmanaged, name: DEFAULT_DENY.name, labels: { ...COMMON_LABELS } }, spec: DEFAULT_DENY.spec },
            opts(),
        );
    }
    return { namespaces, namespaceNames };
}

/**
 * What every tenant namespace (workload and serving) gets besides its policies: the `default`
 * ServiceAccount mounts no token (a pod that names no account gets no API credentials; SSA
 * upsert: the ServiceAccount controller creates `default` with the namespace, this applies the
 * one field, https://www.pulumi.com/registry/packages/kubernetes/how-to-guides/managing-resources-with-server-side-apply/),
 * and the quotas that keep critical priority classes out.
 */
function buildTenantNamespaceGuards(parent: pulumi.Resource, name: string, plan: NamespacePlan, ns: k8s.core.v1.Namespace, args: BaselineArgs): void {
    const opts = childOpts(parent, args.provider);
    const inNs = { namespace: ns.metadata.name, labels: { ...COMMON_LABELS } };
    new k8s.core.v1.ServiceAccount(`${name}-${plan.name}-default-sa`, { metadata: { ...inNs, name: "default" }, automountServiceAccountToken: false }, opts);
    for (const q of priorityQuotas(plan.role, plan.role === "serving" ? args.servingOperator : undefined)) {
        new k8s.core.v1.ResourceQuota(
            `${name}-${plan.name}-${q.name}`,
            {
                metadata: { ...inNs, name: q.name },
                spec: {
                    hard: { pods: String(q.pods) },
                    scopeSelector: { matchExpressions: [{ scopeName: "PriorityClass", operator: "In", values: q.classes }] },
                },
            },
            opts,
        );
    }
}
