import type * as pulumi from "@pulumi/pulumi";

/**
 * What the in-cluster platform needs to know about the cluster it lands on, and nothing more.
 *
 * Every cloud's Cluster component fills this in (EKS, AKS, GKE); the addons never import a cloud
 * SDK and never branch on the cloud: the differences are data, here.
 */
export interface ClusterHints {
    /**
     * StorageClass for persistent volumes (Prometheus, Alertmanager). EKS: `gp3` (EBS CSI),
     * AKS: `managed-csi-premium`, GKE: `standard-rwo` / `premium-rwo`. Must be an encrypted class:
     * the cluster components create it that way.
     */
    readonly storageClass: string;
    /**
     * When present, the addons CREATE `storageClass` with this provisioner and these parameters
     * (EKS has no encrypted gp3 class out of the box: `ebs.csi.aws.com` with `encrypted: "true"`
     * and the platform's volumes key). Absent: the class is built into the cluster (AKS, GKE).
     */
    readonly storageClassSpec?: StorageClassSpec;
    /**
     * Annotations for Services of type LoadBalancer that make the load balancer INTERNAL
     * (EKS: `service.beta.kubernetes.io/aws-load-balancer-scheme: internal`, AKS:
     * `service.beta.kubernetes.io/azure-load-balancer-internal: "true"`, GKE:
     * `networking.gke.io/load-balancer-type: Internal`). The addons expose nothing through a load
     * balancer by default; these are applied if one is ever enabled, so it is never public.
     */
    readonly loadBalancerAnnotations: Readonly<Record<string, string>>;
    /**
     * How a Kubernetes ServiceAccount is bound to a cloud identity. Absent: no binding (pods get no
     * cloud credentials, which is the safe default).
     * - EKS (IRSA): `{ annotationKey: "eks.amazonaws.com/role-arn" }`
     * - AKS: `{ annotationKey: "azure.workload.identity/client-id", podLabels: { "azure.workload.identity/use": "true" } }`
     * - GKE: `{ annotationKey: "iam.gke.io/gcp-service-account" }`
     */
    readonly workloadIdentity?: WorkloadIdentityFormat;
    /**
     * CIDRs where the Kubernetes API server's endpoints live as seen from pods (the VPC / VNet range
     * for private endpoints, GKE's control-plane range). NetworkPolicies use them for the
     * egress that Argo CD, Prometheus and operators need to the API, and for the ingress the API
     * server needs to call admission webhooks. Default: the RFC 1918 ranges (never `0.0.0.0/0`).
     */
    readonly apiServerCidrs?: readonly string[];
    /**
     * What pods' egress to the Kubernetes API must name, as the cluster's policy engine judges
     * it. The engines differ on WHEN they judge: the EKS VPC CNI policy agent judges egress on
     * the pod's veth BEFORE kube-proxy's DNAT, so it sees the `kubernetes` Service's ClusterIP
     * (the first host of the service CIDR), and its controller adds ClusterIPs only for Services
     * with a selector, which `kubernetes` has not (aws/amazon-network-policy-controller-k8s
     * pkg/resolvers/endpoints.go, getMatchingServiceClusterIPs). Cilium (AKS, GKE Dataplane V2)
     * judges after its socket-level load balancing, i.e. the API server's own address.
     * Default: {@link apiServerCidrs}.
     */
    readonly apiEgressCidrs?: readonly string[];
    /**
     * CIDRs of the cluster nodes (Prometheus scrapes kubelet and node-exporter on the node IPs).
     * Default: the RFC 1918 ranges.
     */
    readonly nodeCidrs?: readonly string[];
    /**
     * How a NetworkPolicy can name the nodes (kubelet, host-network node_exporter):
     * - `ipBlock` (default): an ipBlock of {@link nodeCidrs} matches node IPs (EKS VPC CNI: its
     *   eBPF agent matches any address by CIDR);
     * - `ciliumEntities`: Cilium never lets an ipBlock select a node or pod IP (AKS "Azure CNI
     *   powered by Cilium" limitations and FAQ: "It isn't currently possible to specify a
     *   NetworkPolicy with an ipBlock to allow traffic to node IPs",
     *   https://learn.microsoft.com/azure/aks/azure-cni-powered-by-cilium; Cilium's CIDR rules
     *   exclude cluster entities, https://docs.cilium.io/en/stable/security/policy/language/ and
     *   cilium/cilium#12277), so the addons add a CiliumClusterwideNetworkPolicy naming the
     *   `host` and `remote-node` entities (L3/L4 CCNPs are supported on AKS, FAQ above, and on GKE
     *   Dataplane V2, https://cloud.google.com/kubernetes-engine/docs/how-to/configure-cilium-network-policy).
     */
    readonly nodePeers?: "ipBlock" | "ciliumEntities";
    /**
     * Which control-plane and system components this cluster exposes to an in-cluster
     * Prometheus (kube-prometheus-stack scrapes and alerts on what it is told exists). Every
     * managed control plane hides etcd, the scheduler and the controller manager; the rest
     * differs per cloud. Default: kube-proxy scraped, CoreDNS.
     */
    readonly clusterMetrics?: ClusterMetricsHints;
    /**
     * Tolerations every platform pod carries (Argo CD, the Prometheus stack, the Seldon operator
     * and the demo model) so it may run on the cluster's workload pool. Needed where that pool is
     * tainted: AKS taints Spot pools itself (`kubernetes.azure.com/scalesetpriority=spot:NoSchedule`)
     * and the platform's system pool carries `CriticalAddonsOnly`, so without this a Spot
     * environment has no node that accepts the platform. GKE's Spot pool carries GKE's Spot taint
     * (`cloud.google.com/gke-spot=true:NoSchedule`, components/gcp/cluster.ts) so that kube-dns
     * and GKE's agents stay on the on-demand pool; the platform tolerates it, so that pool is
     * used. EKS does not taint spot capacity: it leaves it absent. Default: none (pods tolerate
     * nothing extra).
     */
    readonly workloadTolerations?: readonly Toleration[];
    /**
     * The Kubernetes subject the cloud maps the PR-namespace automation identity to
     * (`cluster.prAutomationPrincipal`): EKS an access entry's group `platform:pr-environments`,
     * AKS the service principal's Entra object id, GKE the service account e-mail. Absent: no
     * namespace-scope PR environments on this cluster, nothing is granted.
     */
    readonly prEnvironments?: PrEnvironmentsHint;
    /**
     * The Kubernetes subject the cloud maps the Jenkins VM's own identity to (no stored
     * credential: the VM mints short-lived tokens with it): EKS an access entry's group
     * `platform:jenkins-agents`, AKS the VM's user-assigned identity's Entra object id, GKE the
     * VM's service account e-mail. The in-cluster layer binds it to a Role in the
     * `jenkins-agents` namespace only (pods, pods/exec, pods/log, events: the Kubernetes plugin's
     * documented needs). Absent: no Jenkins VM, nothing is granted.
     */
    readonly jenkinsAgents?: JenkinsAgentsHint;
    /**
     * Cluster-wide deny policies for what a NetworkPolicy cannot hold: a NetworkPolicy only ever
     * adds allows, so one permissive policy in a tenant namespace (or a chart's `ingress: [{}]`)
     * cancels default-deny for the pods it selects. Where the cluster's dataplane is Cilium
     * (AKS "Azure CNI powered by Cilium", GKE Dataplane V2), a CiliumClusterwideNetworkPolicy with
     * deny rules wins over every allow ("Deny policies take precedence over allow policies,
     * regardless of whether they are a Cilium Network Policy, a Clusterwide Cilium Network Policy
     * or even a Kubernetes Network Policy": https://docs.cilium.io/en/stable/security/policy/deny/).
     * Absent (EKS: the VPC CNI policy agent enforces standard NetworkPolicy only): no such policy.
     */
    readonly clusterwideDeny?: ClusterwideDenyHint;
    /**
     * The node autoscaler the in-cluster layer installs for this cluster, and everything it needs
     * to know (components/kubernetes/autoscaler.ts). EKS: the Cluster Autoscaler with its IRSA
     * role (created by the platform layer, scoped to this cluster's node groups). Absent: the
     * cloud scales node pools itself (the AKS and GKE cluster autoscalers are part of the managed
     * service and configured on the pools), and nothing is installed.
     */
    readonly clusterAutoscaler?: ClusterAutoscalerHint;
}

/** See {@link ClusterHints.clusterwideDeny}. */
export interface ClusterwideDenyHint {
    /** The dataplane that enforces the deny policy (only Cilium today). */
    readonly engine: "cilium";
    /**
     * Addresses no tenant pod may reach whatever a NetworkPolicy says: the node's instance
     * metadata and host services where they hand out the node's identity (AKS: IMDS
     * 169.254.169.254 and the Azure host endpoint 168.63.129.16). Empty where the cloud mediates
     * the metadata server per pod (GKE's metadata server answers a pod with its own Workload
     * Identity only).
     */
    readonly denyCidrs: readonly string[];
}


/** See {@link ClusterHints.clusterAutoscaler}. */
export interface ClusterAutoscalerHint {
    /** The Cluster Autoscaler's cloud provider (its `--cloud-provider`). */
    readonly cloudProvider: "aws";
    /** The cluster's name: node groups are auto-discovered by its tags. */
    readonly clusterName: pulumi.Input<string>;
    /** The cloud region the autoscaler calls (AWS_REGION). */
    readonly region: string;
    /** Kubernetes minor version of the cluster: the autoscaler's minor must match it. */
    readonly kubernetesVersion: string;
    /** The ServiceAccount the platform layer bound a cloud identity to, with the annotations that bind it. */
    readonly serviceAccount: {
        readonly namespace: string;
        readonly name: string;
        readonly annotations: Readonly<Record<string, pulumi.Input<string>>>;
    };
    /** Where it runs: the system pool (node selector and the pool's taint). */
    readonly placement: { readonly nodeSelector: Readonly<Record<string, string>>; readonly tolerations: readonly Toleration[] };
    /** Egress its pod needs to the cloud's APIs (and, for IRSA, STS), as NetworkPolicy peers. */
    readonly cloudApiEgress: readonly { readonly cidr: string; readonly port: number }[];
}

/** See {@link ClusterHints.prEnvironments}. */
export interface PrEnvironmentsHint {
    readonly subject: { readonly kind: "Group" | "User"; readonly name: string };
}

/** See {@link ClusterHints.jenkinsAgents}. */
export interface JenkinsAgentsHint {
    readonly subject: { readonly kind: "Group" | "User"; readonly name: pulumi.Input<string> };
}

/**
 * A Kubernetes pod toleration (core/v1 Toleration), cloud-neutral so no cloud SDK or
 * `@pulumi/kubernetes` type leaks into the hints.
 */
export interface Toleration {
    /** Taint key to match; absent with `operator: "Exists"` matches every key. */
    readonly key?: string;
    /** `Equal` (default) compares `value`; `Exists` matches any value. */
    readonly operator?: "Equal" | "Exists";
    /** Taint value to match (with `Equal`). */
    readonly value?: string;
    /** Taint effect to match; absent matches every effect. */
    readonly effect?: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
    /** For `NoExecute`: how long the pod stays bound after the taint appears. */
    readonly tolerationSeconds?: number;
}

/** The tolerations as plain objects for chart values and pod specs (copies: no shared arrays). */
export function tolerationList(hints: Pick<ClusterHints, "workloadTolerations">): Toleration[] {
    return (hints.workloadTolerations ?? []).map((t) => ({ ...t }));
}

/** A StorageClass the addons create (see {@link ClusterHints.storageClassSpec}). */
export interface StorageClassSpec {
    /** CSI driver name, e.g. `ebs.csi.aws.com`. */
    readonly provisioner: string;
    /** Driver parameters; values may be Outputs (a KMS key ARN). Must request encryption. */
    readonly parameters: Readonly<Record<string, pulumi.Input<string>>>;
}

/** How a ServiceAccount carries its cloud identity (see {@link ClusterHints.workloadIdentity}). */
export interface WorkloadIdentityFormat {
    /** ServiceAccount annotation whose value names the cloud identity (role ARN, client id, GSA email). */
    readonly annotationKey: string;
    /** Labels the pods must carry for the identity webhook to act (AKS only, today). */
    readonly podLabels?: Readonly<Record<string, string>>;
    /**
     * Where a pod with a cloud identity gets its tokens, as its egress policy must name it
     * (GKE: the metadata server 169.254.169.254:80 on Dataplane V2; EKS IRSA: STS; AKS: Entra
     * ID, both over HTTPS with no published address range). Default: none (no egress granted).
     */
    readonly tokenEgress?: readonly { readonly cidr: string; readonly port: number }[];
}

/** See {@link ClusterHints.clusterMetrics}. */
export interface ClusterMetricsHints {
    /** A kube-proxy with its metrics port (10249) reachable from pods. */
    readonly kubeProxy: boolean;
    /** The cluster DNS and the kube-prometheus-stack component that scrapes it. */
    readonly clusterDns: "coreDns" | "kubeDns";
}

/** RFC 1918 private ranges: the fallback for API-server and node CIDRs (never `0.0.0.0/0`). */
export const PRIVATE_RANGES: readonly string[] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];
