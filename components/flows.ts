/**
 * The flow contract: every network flow the platform needs, and the flows it must never allow,
 * in one cloud-neutral table (like the tier table in tier-rules.ts, one level up: it names pods,
 * nodes, the managed control plane and the internet as well as the VMs).
 *
 * Nothing here is enforced by itself. The cloud firewalls (components/<cloud>/firewall.ts), the
 * NetworkPolicies (components/kubernetes/baseline.ts) and the chart values are written so that
 * every `required` flow is open and every `forbidden` one is closed, and the offline flow
 * analyser (offline/flows/) proves it for every stack by evaluating each flow through every
 * layer of both captured graphs with each CNI's documented semantics
 * (`npm run plan -- --stack S --flows`). A flow added here is checked on every stack at once.
 *
 * Where a layer derives its rules from this table (the GCP firewall rule from the control-plane
 * range to the webhook ports, the baseline's webhook ingress), it imports it from here.
 */
import { portsFor, PORTS } from "./bootstrap";
import type { ToolVmRole } from "./contracts";
import { API_ACCESS_LABEL, JENKINS_AGENT_LABEL, JENKINS_AGENTS_NAMESPACE, PLATFORM_NAMESPACES, SERVING_NAMESPACE } from "./kubernetes/common";

/** Pods that may reach the Kubernetes API in a workload namespace (the training runner). */
export { API_ACCESS_LABEL };
/** Pods in a workload namespace carrying this label may reach Vault's API (the grant for Vault clients). */
export const VAULT_ACCESS_LABEL = "platform.io/vault-access";
/** Jenkins agent pods carry this label (defined beside the jenkins-agents namespace in kubernetes/common.ts). */
export { JENKINS_AGENT_LABEL };
/** Pods in a workload namespace carrying this label use a cloud identity (IRSA / Entra workload identity / GKE WI) and need its token endpoint. */
export const CLOUD_IDENTITY_LABEL = "platform.io/cloud-identity";

/**
 * Pod labels of the platform's own pods, as the pinned charts set them (the analyser places a
 * pod with these labels in its namespace; NetworkPolicies that select these pods must match).
 */
export const POD_LABELS = {
    /** argo-helm charts/argo-cd (af0a9310 = 10.1.1) `argo-cd.selectorLabels` with release `argocd`. */
    argocdController: { "app.kubernetes.io/name": "argocd-application-controller" },
    argocdRepoServer: { "app.kubernetes.io/name": "argocd-repo-server" },
    argocdServer: { "app.kubernetes.io/name": "argocd-server" },
    /** prometheus-operator labels its Prometheus pods `app.kubernetes.io/name: prometheus`. */
    prometheus: { "app.kubernetes.io/name": "prometheus" },
    alertmanager: { "app.kubernetes.io/name": "alertmanager" },
    /** kube-prometheus-stack 88.5.3 templates/prometheus-operator/deployment.yaml: `app: <name>-operator`. */
    prometheusOperator: { app: "kube-prometheus-stack-operator" },
    /** kube-state-metrics subchart selector label. */
    kubeStateMetrics: { "app.kubernetes.io/name": "kube-state-metrics" },
    grafana: { "app.kubernetes.io/name": "grafana" },
    /** seldon-core-operator 1.18.2 deployment_seldon-controller-manager.yaml: `control-plane: seldon-controller-manager`. */
    seldonManager: { "control-plane": "seldon-controller-manager", app: "seldon" },
    /**
     * kubernetes/autoscaler charts/cluster-autoscaler 9.59.0 `_helpers.tpl`: `app.kubernetes.io/instance`
     * is the release (`cluster-autoscaler`), `app.kubernetes.io/name` is `<cloudProvider>-cluster-autoscaler`.
     */
    clusterAutoscaler: { "app.kubernetes.io/instance": "cluster-autoscaler", "app.kubernetes.io/name": "aws-cluster-autoscaler" },
    /** Seldon v1 labels a SeldonDeployment's pods `seldon-deployment-id: <name>`. */
    irisModel: { "seldon-deployment-id": "iris" },
    /** CoreDNS (EKS, AKS) and kube-dns (GKE) pods in kube-system. */
    clusterDns: { "k8s-app": "kube-dns" },
    /** A team's ordinary pod: no grant label at all. */
    tenantApp: { app: "team-app" },
} as const;

/**
 * Admission webhooks the platform installs, and the container port the API server calls (the
 * Service maps 443 to it; the control plane dials the pod's port, so firewalls and ingress
 * policies must admit that port).
 */
export const WEBHOOKS = {
    /** kube-prometheus-stack 88.5.3 values.yaml `prometheusOperator.tls.internalPort: 10250`. */
    prometheusOperator: { namespace: PLATFORM_NAMESPACES.monitoring, pod: POD_LABELS.prometheusOperator, port: 10250 },
    /** seldon-core-operator 1.18.2 values.yaml `webhook.port: 4443`. */
    seldon: { namespace: SERVING_NAMESPACE, pod: POD_LABELS.seldonManager, port: 4443 },
} as const;

/** The container ports the managed control plane dials for the platform's webhooks (sorted, unique). */
export function webhookPorts(): number[] {
    return [...new Set(Object.values(WEBHOOKS).map((w) => w.port))].sort((a, b) => a - b);
}

/** Ports on the nodes the platform scrapes or calls. */
export const NODE_PORTS = {
    /** Kubelet's authenticated HTTPS port (metrics, cAdvisor; the API server's logs/exec). */
    kubelet: 10250,
    /** prometheus-node-exporter (hostNetwork) in kube-prometheus-stack. */
    nodeExporter: PORTS.nodeExporter,
} as const;

/** kube-state-metrics' metrics port (its chart's `service.port`). */
export const KUBE_STATE_METRICS_PORT = 8080;
/** GKE metadata server as pods dial it (Workload Identity tokens). */
export const METADATA_SERVER = { ip: "169.254.169.254", port: 80 } as const;

/** Which namespaces a pod peer lives in. */
export type NamespaceRef =
    | { readonly name: string }
    /** Every namespace the baseline gives this role (one flow per namespace). */
    | { readonly role: "platform" | "workload" | "serving" }
    /** Every namespace the platform manages, jenkins-agents included where it exists (one flow per namespace). */
    | { readonly role: "any" }
    /** The first / second workload namespace (tenant isolation needs two distinct ones). */
    | { readonly workload: 0 | 1 };

/** One end of a flow. */
export type FlowPeer =
    /** A pod (not on the host network) with these labels. */
    | { readonly kind: "pod"; readonly namespace: NamespaceRef; readonly labels: Readonly<Record<string, string>>; readonly what: string }
    /** The `kubernetes` Service (default namespace, port 443) as in-cluster clients dial it. */
    | { readonly kind: "kubernetesApi" }
    /** The cluster DNS Service (kube-dns in kube-system) and its CoreDNS / kube-dns pods. */
    | { readonly kind: "clusterDns" }
    /** The managed API server as a client (webhooks, kubelet). */
    | { readonly kind: "controlPlane" }
    /** The API server's endpoint as machines outside the cluster reach it (private, or public when restricted). */
    | { readonly kind: "apiEndpoint" }
    /** A node's host network (kubelet, host-network node_exporter, a node's own agents). */
    | { readonly kind: "node" }
    /** A VM of the platform. */
    | { readonly kind: "vm"; readonly role: "bastion" | ToolVmRole }
    /** An address on the internet: inside the bastion's / API's allowlist, or any other. */
    | { readonly kind: "internet"; readonly allowlisted: boolean; readonly what: string }
    /** The cloud's workload-identity token endpoint (STS, Entra ID, the GKE metadata server). */
    | { readonly kind: "identityToken" }
    /** The instance metadata service of the node a pod runs on (169.254.169.254). */
    | { readonly kind: "instanceMetadata" };

/** A flow of the contract. */
export interface Flow {
    /** Stable id, used in the report and in tests (`<from>-to-<to>[-port]`). */
    readonly id: string;
    readonly kind: "required" | "forbidden";
    readonly from: FlowPeer;
    readonly to: FlowPeer;
    /** Destination port; `"endpoint"`: the port of the cloud's own endpoint (the identity token endpoint differs per cloud). */
    readonly port: number | "endpoint";
    readonly protocol: "tcp" | "udp";
    /** Why it must be open (required) or why it must stay closed (forbidden). */
    readonly why: string;
    /**
     * When the flow exists: only where the VM exists, the demo model is deployed, the cluster
     * has a public endpoint, the cluster runs the Cluster Autoscaler, the jenkins-agents namespace
     * exists (a Jenkins VM whose identity the cloud maps to the cluster). Absent: always.
     */
    readonly when?: "servingDemo" | "publicApiEndpoint" | "clusterAutoscaler" | "jenkinsAgents";
}

const TCP = "tcp" as const;
const pod = (namespace: NamespaceRef, labels: Readonly<Record<string, string>>, what: string): FlowPeer => ({ kind: "pod", namespace, labels, what });
const ns = PLATFORM_NAMESPACES;

/**
 * The (VM role, port) pairs some pod of the cluster is meant to reach: the required flows from a
 * pod to a VM. A cloud whose firewall sees pod addresses (GKE: alias IPs are not masqueraded
 * inside the VPC) admits the pod range exactly there, and nodes' own identity everywhere else.
 */
export function podToVmPorts(): { readonly role: "bastion" | ToolVmRole; readonly port: number }[] {
    const out: { role: "bastion" | ToolVmRole; port: number }[] = [];
    for (const f of platformFlows()) {
        if (f.kind === "required" && f.from.kind === "pod" && f.to.kind === "vm" && typeof f.port === "number") {
            const role = f.to.role;
            const port = f.port;
            if (!out.some((x) => x.role === role && x.port === port)) {
                out.push({ role, port });
            }
        }
    }
    return out;
}

/** The ports pods are granted on the tool VMs (Vault's API, Jenkins' agent port), from ports.ts. */
export function toolVmGrantPorts(): { readonly vault: number; readonly jenkins: number } {
    return { vault: vmPort("vault", "vault-api"), jenkins: vmPort("jenkins", "jenkins-https") };
}

/** The port a VM role serves the cluster on (ports.ts decides; exactly one expected). */
function vmPort(role: "jenkins" | "vault", name: string): number {
    const found = portsFor(role, "cluster").find((p) => p.name === name);
    if (!found) {
        throw new Error(`flows: ${role} has no port named ${name} for the cluster audience (components/bootstrap/ports.ts)`);
    }
    return found.port;
}

/**
 * The whole contract. Required flows first (grouped by what needs them), then the forbidden
 * ones. The analyser expands namespace roles, so one entry may stand for several flows.
 */
export function platformFlows(): Flow[] {
    const vaultApi = vmPort("vault", "vault-api");
    const jenkinsHttp = vmPort("jenkins", "jenkins-https");
    const api = { kind: "kubernetesApi" } as const;
    const agent = pod({ name: JENKINS_AGENTS_NAMESPACE }, { [JENKINS_AGENT_LABEL]: "true" }, "Jenkins agent");
    const flows: Flow[] = [
        // --- Platform pods -> the Kubernetes API -------------------------------------------
        { id: "argocd-controller-to-api", kind: "required", from: pod({ name: ns.argocd }, POD_LABELS.argocdController, "argocd-application-controller"), to: api, port: 443, protocol: TCP, why: "Argo CD applies and watches every Application's manifests" },
        { id: "prometheus-operator-to-api", kind: "required", from: pod({ name: ns.monitoring }, POD_LABELS.prometheusOperator, "prometheus-operator"), to: api, port: 443, protocol: TCP, why: "the operator reconciles Prometheus, Alertmanager and the rule/monitor CRDs" },
        { id: "prometheus-to-api", kind: "required", from: pod({ name: ns.monitoring }, POD_LABELS.prometheus, "prometheus"), to: api, port: 443, protocol: TCP, why: "Kubernetes service discovery and the apiserver scrape job" },
        { id: "kube-state-metrics-to-api", kind: "required", from: pod({ name: ns.monitoring }, POD_LABELS.kubeStateMetrics, "kube-state-metrics"), to: api, port: 443, protocol: TCP, why: "kube-state-metrics lists and watches every object it reports" },
        { id: "seldon-operator-to-api", kind: "required", from: pod({ name: SERVING_NAMESPACE }, POD_LABELS.seldonManager, "seldon-controller-manager"), to: api, port: 443, protocol: TCP, why: "the Seldon operator reconciles SeldonDeployments" },
        { id: "cluster-autoscaler-to-api", kind: "required", when: "clusterAutoscaler", from: pod({ name: "kube-system" }, POD_LABELS.clusterAutoscaler, "cluster-autoscaler"), to: api, port: 443, protocol: TCP, why: "the autoscaler watches unschedulable pods and nodes (EKS: managed node groups do not scale themselves)" },
        { id: "cluster-autoscaler-to-cloud-apis", kind: "required", when: "clusterAutoscaler", from: pod({ name: "kube-system" }, POD_LABELS.clusterAutoscaler, "cluster-autoscaler"), to: { kind: "internet", allowlisted: false, what: "the EC2, Auto Scaling, EKS and STS APIs" }, port: 443, protocol: TCP, why: "it resizes the node groups' Auto Scaling groups (IRSA token exchange at STS first)" },
        { id: "training-runner-to-api", kind: "required", from: pod({ role: "workload" }, { [API_ACCESS_LABEL]: "true" }, "training runner"), to: api, port: 443, protocol: TCP, why: "the model-training runner manages pods through its Role" },
        // --- The control plane -> webhooks and kubelets -----------------------------------
        { id: "control-plane-to-prometheus-operator-webhook", kind: "required", from: { kind: "controlPlane" }, to: pod({ name: WEBHOOKS.prometheusOperator.namespace }, WEBHOOKS.prometheusOperator.pod, "prometheus-operator webhook"), port: WEBHOOKS.prometheusOperator.port, protocol: TCP, why: "validates PrometheusRules (failurePolicy Fail: the platform's alerts are refused without it)" },
        { id: "control-plane-to-seldon-webhook", kind: "required", from: { kind: "controlPlane" }, to: pod({ name: WEBHOOKS.seldon.namespace }, WEBHOOKS.seldon.pod, "seldon webhook"), port: WEBHOOKS.seldon.port, protocol: TCP, why: "validates and defaults SeldonDeployments (failurePolicy Fail: the demo model is refused without it)" },
        { id: "control-plane-to-kubelet", kind: "required", from: { kind: "controlPlane" }, to: { kind: "node" }, port: NODE_PORTS.kubelet, protocol: TCP, why: "kubectl logs / exec / port-forward (the bastion tunnel to Argo CD and Grafana) go through the kubelet" },
        // --- Monitoring ------------------------------------------------------------------
        { id: "prometheus-to-kubelet", kind: "required", from: pod({ name: ns.monitoring }, POD_LABELS.prometheus, "prometheus"), to: { kind: "node" }, port: NODE_PORTS.kubelet, protocol: TCP, why: "kubelet and cAdvisor metrics (PVC usage, container resources, the kubelet alerts)" },
        { id: "prometheus-to-node-exporter", kind: "required", from: pod({ name: ns.monitoring }, POD_LABELS.prometheus, "prometheus"), to: { kind: "node" }, port: NODE_PORTS.nodeExporter, protocol: TCP, why: "node_exporter on every node (host network)" },
        { id: "prometheus-to-kube-state-metrics", kind: "required", from: pod({ name: ns.monitoring }, POD_LABELS.prometheus, "prometheus"), to: pod({ name: ns.monitoring }, POD_LABELS.kubeStateMetrics, "kube-state-metrics"), port: KUBE_STATE_METRICS_PORT, protocol: TCP, why: "object state metrics (the NodeNotReady and PodCrashLooping alerts)" },
        ...(["bastion", "jenkins", "vault", "wazuh"] as const).map(
            (role): Flow => ({ id: `prometheus-to-${role}-node-exporter`, kind: "required", from: pod({ name: ns.monitoring }, POD_LABELS.prometheus, "prometheus"), to: { kind: "vm", role }, port: PORTS.nodeExporter, protocol: TCP, why: `node_exporter on the ${role} VM (the ToolVmDown alert)` }),
        ),
        // --- DNS -------------------------------------------------------------------------
        { id: "pods-to-dns", kind: "required", from: pod({ role: "any" }, POD_LABELS.tenantApp, "any pod"), to: { kind: "clusterDns" }, port: 53, protocol: "udp", why: "name resolution (Service names, the Git host, object storage)" },
        { id: "pods-to-dns-tcp", kind: "required", from: pod({ role: "platform" }, POD_LABELS.tenantApp, "any pod"), to: { kind: "clusterDns" }, port: 53, protocol: TCP, why: "DNS answers too large for UDP fall back to TCP" },
        // --- GitOps, model serving, identity ---------------------------------------------
        { id: "argocd-repo-server-to-git", kind: "required", from: pod({ name: ns.argocd }, POD_LABELS.argocdRepoServer, "argocd-repo-server"), to: { kind: "internet", allowlisted: false, what: "the Git host" }, port: 443, protocol: TCP, why: "the repo server clones the config repository over HTTPS" },
        { id: "workloads-to-model", kind: "required", when: "servingDemo", from: pod({ role: "workload" }, POD_LABELS.tenantApp, "team app"), to: pod({ role: "serving" }, POD_LABELS.irisModel, "iris model"), port: 8000, protocol: TCP, why: "teams call the model's executor (HTTP)" },
        { id: "model-to-object-storage", kind: "required", when: "servingDemo", from: pod({ role: "serving" }, POD_LABELS.irisModel, "iris model (storage initializer)"), to: { kind: "internet", allowlisted: false, what: "object storage" }, port: 443, protocol: TCP, why: "the storage initializer downloads the model artifact" },
        { id: "identity-pods-to-token-endpoint", kind: "required", from: pod({ role: "workload" }, { [CLOUD_IDENTITY_LABEL]: "true" }, "pod with a cloud identity"), to: { kind: "identityToken" }, port: "endpoint", protocol: TCP, why: "workload identity: the pod exchanges its ServiceAccount token for cloud credentials" },
        // --- Tool VMs and agents ---------------------------------------------------------
        { id: "vault-clients-to-vault", kind: "required", from: pod({ role: "workload" }, { [VAULT_ACCESS_LABEL]: "true" }, "granted Vault client"), to: { kind: "vm", role: "vault" }, port: vaultApi, protocol: TCP, why: "workloads read their secrets from Vault (explicit grant label)" },
        { id: "jenkins-agents-to-jenkins", kind: "required", when: "jenkinsAgents", from: agent, to: { kind: "vm", role: "jenkins" }, port: jenkinsHttp, protocol: TCP, why: "inbound agents connect to the controller over WebSocket" },
        { id: "jenkins-agents-to-internet-https", kind: "required", when: "jenkinsAgents", from: agent, to: { kind: "internet", allowlisted: false, what: "a Git host or package registry" }, port: 443, protocol: TCP, why: "builds clone Git and pull dependencies over HTTPS" },
        { id: "jenkins-agents-to-dns-tcp", kind: "required", when: "jenkinsAgents", from: agent, to: { kind: "clusterDns" }, port: 53, protocol: TCP, why: "DNS answers too large for UDP (registries' many addresses) fall back to TCP" },
        { id: "jenkins-to-api", kind: "required", from: { kind: "vm", role: "jenkins" }, to: { kind: "apiEndpoint" }, port: 443, protocol: TCP, why: "the Kubernetes plugin creates and watches agent pods in jenkins-agents" },
        { id: "jenkins-to-vault", kind: "required", from: { kind: "vm", role: "jenkins" }, to: { kind: "vm", role: "vault" }, port: PORTS.vaultApi, protocol: TCP, why: "pipelines read secrets from Vault" },
        ...(["bastion", "jenkins", "vault"] as const).flatMap((role): Flow[] =>
            [PORTS.wazuhAgentEvents, PORTS.wazuhAgentEnrollment].map((port) => ({ id: `${role}-agent-to-wazuh-${port}`, kind: "required" as const, from: { kind: "vm" as const, role }, to: { kind: "vm" as const, role: "wazuh" as const }, port, protocol: TCP, why: `the ${role}'s Wazuh agent ${port === PORTS.wazuhAgentEvents ? "sends events" : "enrolls"}` })),
        ),
        ...[PORTS.wazuhAgentEvents, PORTS.wazuhAgentEnrollment].map((port): Flow => ({ id: `node-agent-to-wazuh-${port}`, kind: "required", from: { kind: "node" }, to: { kind: "vm", role: "wazuh" }, port, protocol: TCP, why: "a Wazuh agent on the nodes (host network) reports to the manager" })),
        // --- Operators ---------------------------------------------------------------------
        { id: "operators-to-bastion-ssh", kind: "required", from: { kind: "internet", allowlisted: true, what: "an allowlisted operator" }, to: { kind: "vm", role: "bastion" }, port: PORTS.ssh, protocol: TCP, why: "the only way in" },
        { id: "bastion-to-api", kind: "required", from: { kind: "vm", role: "bastion" }, to: { kind: "apiEndpoint" }, port: 443, protocol: TCP, why: "kubectl and the in-cluster deploy through the bastion tunnel" },
        ...(["jenkins", "vault", "wazuh"] as const).map((role): Flow => ({ id: `bastion-to-${role}-ssh`, kind: "required", from: { kind: "vm", role: "bastion" }, to: { kind: "vm", role }, port: PORTS.ssh, protocol: TCP, why: `SSH jumps to the ${role} VM` })),
        { id: "bastion-to-vault-ui", kind: "required", from: { kind: "vm", role: "bastion" }, to: { kind: "vm", role: "vault" }, port: PORTS.vaultApi, protocol: TCP, why: "Vault UI and CLI through the SOCKS tunnel" },

        // === Forbidden ======================================================================
        { id: "internet-to-bastion-ssh", kind: "forbidden", from: { kind: "internet", allowlisted: false, what: "an unlisted address" }, to: { kind: "vm", role: "bastion" }, port: PORTS.ssh, protocol: TCP, why: "SSH is for the allowlist only" },
        { id: "internet-to-api", kind: "forbidden", from: { kind: "internet", allowlisted: false, what: "an unlisted address" }, to: { kind: "apiEndpoint" }, port: 443, protocol: TCP, why: "the API is private or limited to authorizedCidrs" },
        { id: "internet-to-vault", kind: "forbidden", from: { kind: "internet", allowlisted: true, what: "even an allowlisted operator" }, to: { kind: "vm", role: "vault" }, port: PORTS.vaultApi, protocol: TCP, why: "tool VMs have no public address: the bastion is the only way in" },
        { id: "internet-to-jenkins", kind: "forbidden", from: { kind: "internet", allowlisted: true, what: "even an allowlisted operator" }, to: { kind: "vm", role: "jenkins" }, port: jenkinsHttp, protocol: TCP, why: "tool VMs have no public address" },
        { id: "internet-to-kubelet", kind: "forbidden", from: { kind: "internet", allowlisted: true, what: "even an allowlisted operator" }, to: { kind: "node" }, port: NODE_PORTS.kubelet, protocol: TCP, why: "nodes are private" },
        { id: "default-namespace-to-vault", kind: "forbidden", from: pod({ name: "default" }, POD_LABELS.tenantApp, "a pod in default"), to: { kind: "vm", role: "vault" }, port: vaultApi, protocol: TCP, why: "a namespace without a grant reaches no tool VM" },
        { id: "tenant-to-vault-without-grant", kind: "forbidden", from: pod({ workload: 0 }, POD_LABELS.tenantApp, "team app without the grant"), to: { kind: "vm", role: "vault" }, port: vaultApi, protocol: TCP, why: "Vault only for pods carrying the grant label" },
        { id: "tenant-to-jenkins-without-grant", kind: "forbidden", from: pod({ workload: 0 }, POD_LABELS.tenantApp, "team app without the grant"), to: { kind: "vm", role: "jenkins" }, port: jenkinsHttp, protocol: TCP, why: "only Jenkins agents talk to the controller" },
        { id: "tenant-to-wazuh", kind: "forbidden", from: pod({ workload: 0 }, { [VAULT_ACCESS_LABEL]: "true", [JENKINS_AGENT_LABEL]: "true" }, "team app with every grant"), to: { kind: "vm", role: "wazuh" }, port: PORTS.wazuhAgentEnrollment, protocol: TCP, why: "Wazuh enrollment is for agents on VMs and nodes, never for pods" },
        { id: "argocd-to-vault", kind: "forbidden", from: pod({ name: ns.argocd }, POD_LABELS.argocdServer, "argocd-server"), to: { kind: "vm", role: "vault" }, port: vaultApi, protocol: TCP, why: "platform namespaces have no Vault grant" },
        { id: "tenant-to-other-tenant", kind: "forbidden", from: pod({ workload: 0 }, POD_LABELS.tenantApp, "team app"), to: pod({ workload: 1 }, POD_LABELS.tenantApp, "another team's app"), port: 8080, protocol: TCP, why: "one tenant namespace never reaches another" },
        { id: "tenant-to-api-without-grant", kind: "forbidden", from: pod({ workload: 0 }, POD_LABELS.tenantApp, "team app"), to: api, port: 443, protocol: TCP, why: "only the training runner talks to the API" },
        { id: "tenant-to-argocd", kind: "forbidden", from: pod({ workload: 0 }, POD_LABELS.tenantApp, "team app"), to: pod({ name: ns.argocd }, POD_LABELS.argocdServer, "argocd-server"), port: 8080, protocol: TCP, why: "workloads never reach the platform's UIs" },
        { id: "tenant-to-instance-metadata", kind: "forbidden", from: pod({ workload: 0 }, POD_LABELS.tenantApp, "team app"), to: { kind: "instanceMetadata" }, port: 80, protocol: TCP, why: "the node's metadata service (its identity) is never a workload's" },
        { id: "tenant-to-kubelet", kind: "forbidden", from: pod({ workload: 0 }, POD_LABELS.tenantApp, "team app"), to: { kind: "node" }, port: NODE_PORTS.kubelet, protocol: TCP, why: "workloads never talk to the kubelet" },
        { id: "jenkins-to-kubelet", kind: "forbidden", from: { kind: "vm", role: "jenkins" }, to: { kind: "node" }, port: NODE_PORTS.kubelet, protocol: TCP, why: "tool VMs never reach the nodes directly" },
        { id: "tenant-with-agent-label-to-jenkins", kind: "forbidden", from: pod({ workload: 0 }, { [JENKINS_AGENT_LABEL]: "true" }, "team app labelled as a Jenkins agent"), to: { kind: "vm", role: "jenkins" }, port: jenkinsHttp, protocol: TCP, why: "Jenkins agents run in jenkins-agents only: the label is self-settable and grants nothing in a workload namespace" },
        { id: "jenkins-agents-to-api", kind: "forbidden", when: "jenkinsAgents", from: agent, to: api, port: 443, protocol: TCP, why: "agents hold no token and never talk to the API (the controller does, with its own identity)" },
        { id: "jenkins-agents-to-api-endpoint", kind: "forbidden", when: "jenkinsAgents", from: agent, to: { kind: "apiEndpoint" }, port: 443, protocol: TCP, why: "not even by the API server's own address instead of the Service" },
        { id: "jenkins-agents-to-instance-metadata", kind: "forbidden", when: "jenkinsAgents", from: agent, to: { kind: "instanceMetadata" }, port: 80, protocol: TCP, why: "the node's identity is never a build's" },
        { id: "jenkins-agents-to-vault", kind: "forbidden", when: "jenkinsAgents", from: agent, to: { kind: "vm", role: "vault" }, port: vaultApi, protocol: TCP, why: "pipelines get secrets through the controller, never from the agent pod" },
        { id: "jenkins-agents-to-wazuh", kind: "forbidden", when: "jenkinsAgents", from: agent, to: { kind: "vm", role: "wazuh" }, port: PORTS.wazuhAgentEnrollment, protocol: TCP, why: "Wazuh is for agents on VMs and nodes" },
        { id: "jenkins-agents-to-kubelet", kind: "forbidden", when: "jenkinsAgents", from: agent, to: { kind: "node" }, port: NODE_PORTS.kubelet, protocol: TCP, why: "builds never talk to the kubelet" },
        { id: "jenkins-agents-to-tenant", kind: "forbidden", when: "jenkinsAgents", from: agent, to: pod({ workload: 0 }, POD_LABELS.tenantApp, "team app"), port: 8080, protocol: TCP, why: "a build never reaches a team's pods" },
        { id: "jenkins-agents-to-argocd", kind: "forbidden", when: "jenkinsAgents", from: agent, to: pod({ name: ns.argocd }, POD_LABELS.argocdServer, "argocd-server"), port: 8080, protocol: TCP, why: "a build never reaches the platform's pods" },
        { id: "tenant-to-jenkins-agents", kind: "forbidden", when: "jenkinsAgents", from: pod({ workload: 0 }, POD_LABELS.tenantApp, "team app"), to: agent, port: 8080, protocol: TCP, why: "agents take no ingress" },
        { id: "vault-to-jenkins", kind: "forbidden", from: { kind: "vm", role: "vault" }, to: { kind: "vm", role: "jenkins" }, port: jenkinsHttp, protocol: TCP, why: "only the tier table's flows between VMs" },
    ];
    return flows;
}
