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
     * CIDRs of the cluster nodes (Prometheus scrapes kubelet and node-exporter on the node IPs).
     * Default: the RFC 1918 ranges.
     */
    readonly nodeCidrs?: readonly string[];
    /**
     * Tolerations every platform pod carries (Argo CD, the Prometheus stack, the Seldon operator
     * and the demo model) so it may run on the cluster's workload pool. Needed where that pool is
     * tainted: AKS taints Spot pools itself (`kubernetes.azure.com/scalesetpriority=spot:NoSchedule`)
     * and the platform's system pool carries `CriticalAddonsOnly`, so without this a Spot
     * environment has no node that accepts the platform. EKS and GKE do not taint spot capacity:
     * they leave it absent. Default: none (pods tolerate nothing extra).
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
     * The node autoscaler the in-cluster layer installs for this cluster, and everything it needs
     * to know (components/kubernetes/autoscaler.ts). EKS: the Cluster Autoscaler with its IRSA
     * role (created by the platform layer, scoped to this cluster's node groups). Absent: the
     * cloud scales node pools itself (the AKS and GKE cluster autoscalers are part of the managed
     * service and configured on the pools), and nothing is installed.
     */
    readonly clusterAutoscaler?: ClusterAutoscalerHint;
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
}

/** RFC 1918 private ranges: the fallback for API-server and node CIDRs (never `0.0.0.0/0`). */
export const PRIVATE_RANGES: readonly string[] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];
