/**
 * The node autoscaler, where the cloud does not provide one (the `clusterAutoscaler` hint: EKS).
 *
 * Why the Cluster Autoscaler and not Karpenter (EKS): the node pools stay EKS managed node groups,
 * each defined once (launch template with IMDSv2 and CMK-encrypted volumes, the platform's
 * security groups, labels and taints) and bounded by the stack's min/max; the autoscaler only
 * moves each group's desired size inside those bounds, which is the same model AKS and GKE
 * implement natively on their pools. Karpenter would launch nodes outside the managed node
 * groups, from a second node definition (EC2NodeClass), with its own interruption queue, event
 * rules, node role and access entry, and CRDs the policy pack does not judge.
 *
 * The release: pinned chart and image (the image's minor matches the cluster's), in kube-system,
 * on the system pool (its node selector and taint toleration), PriorityClass
 * system-cluster-critical (the autoscaler must be the last thing preempted when capacity is short:
 * it is what adds capacity), a hardened pod, and a NetworkPolicy that confines its pod to DNS,
 * the Kubernetes API and the cloud's APIs, with metrics ingress from Prometheus only. Its cloud
 * identity is the ServiceAccount annotation the platform layer made for it (EKS: an IRSA role
 * allowed to resize this cluster's node groups only).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { childOpts, COMMON_LABELS, Environment, PLATFORM_NAMESPACES, throwIfProblems } from "./common";
import { ClusterAutoscalerHint, ClusterHints, PRIVATE_RANGES } from "./hints";
import { PROMETHEUS_POD_LABELS } from "./baseline";
import { CHARTS, CLUSTER_AUTOSCALER_IMAGE_TAGS } from "./versions";

type NetworkPolicySpec = k8s.types.input.networking.v1.NetworkPolicySpec;

export interface ClusterAutoscalerArgs {
    readonly provider: k8s.Provider;
    readonly environment: Environment;
    readonly hint: ClusterAutoscalerHint;
    /** API-server CIDRs as pods' egress must name them (the cluster's hints). */
    readonly hints: Pick<ClusterHints, "apiServerCidrs">;
    /** Install after this (kube-prometheus-stack: its ServiceMonitor CRD). */
    readonly dependsOn?: readonly pulumi.Resource[];
}

/** Helm release name (also the deployment's and service's name, through fullnameOverride). */
export const CLUSTER_AUTOSCALER_RELEASE = "cluster-autoscaler";
/** The chart's name label for the aws provider (`<cloudProvider>-<chart>`, its _helpers.tpl `cluster-autoscaler.name`). */
export const CLUSTER_AUTOSCALER_APP_NAME = "aws-cluster-autoscaler";
/** Its metrics and health port (chart deployment.yaml: containerPort 8085). */
export const CLUSTER_AUTOSCALER_METRICS_PORT = 8085;
/** The pod labels the chart sets (its `cluster-autoscaler.instance-name`), which the NetworkPolicy selects. */
export const CLUSTER_AUTOSCALER_POD_LABELS = { "app.kubernetes.io/instance": CLUSTER_AUTOSCALER_RELEASE, "app.kubernetes.io/name": CLUSTER_AUTOSCALER_APP_NAME } as const;
/** The API ports pods reach (the `kubernetes` Service's 443, and 6443 on some endpoints). */
const API_PORTS = [443, 6443];

/** Every problem with the hint, before anything is created. */
export function clusterAutoscalerProblems(hint: ClusterAutoscalerHint): string[] {
    const problems: string[] = [];
    if (!CLUSTER_AUTOSCALER_IMAGE_TAGS[hint.kubernetesVersion]) {
        problems.push(
            `clusterAutoscaler.kubernetesVersion = "${hint.kubernetesVersion}" has no pinned Cluster Autoscaler image (its minor must match the cluster's): ` +
                `add it to CLUSTER_AUTOSCALER_IMAGE_TAGS in components/kubernetes/versions.ts (pinned: ${Object.keys(CLUSTER_AUTOSCALER_IMAGE_TAGS).join(", ")})`,
        );
    }
    if (hint.serviceAccount.namespace !== "kube-system") {
        problems.push(`clusterAutoscaler.serviceAccount.namespace = "${hint.serviceAccount.namespace}": the platform installs the autoscaler in kube-system`);
    }
    for (const e of hint.cloudApiEgress) {
        if (!Number.isInteger(e.port) || e.port < 1 || e.port > 65535) {
            problems.push(`clusterAutoscaler.cloudApiEgress port ${e.port} is not a TCP port`);
        }
    }
    return problems;
}

/**
 * Chart values, keys as the pinned chart reads them (kubernetes/autoscaler tag
 * cluster-autoscaler-chart-9.59.0, cluster-autoscaler/charts/cluster-autoscaler: values.yaml and
 * templates/deployment.yaml): `cloudProvider`, `awsRegion` (the AWS_REGION env),
 * `autoDiscovery.clusterName` (turned into `--node-group-auto-discovery=asg:tag=k8s.io/cluster-autoscaler/enabled,k8s.io/cluster-autoscaler/<cluster>`),
 * `rbac.serviceAccount`, `image.tag`, `priorityClassName`, `nodeSelector`, `tolerations`,
 * `securityContext` (pod), `containerSecurityContext`, `resources`, `extraArgs` (each a
 * `--key=value` flag), `podDisruptionBudget`, `serviceMonitor`.
 */
export function clusterAutoscalerValues(environment: Environment, hint: ClusterAutoscalerHint, clusterName: pulumi.Input<string>): Record<string, unknown> {
    return {
        fullnameOverride: CLUSTER_AUTOSCALER_RELEASE,
        cloudProvider: hint.cloudProvider,
        awsRegion: hint.region,
        autoDiscovery: { clusterName },
        image: { tag: CLUSTER_AUTOSCALER_IMAGE_TAGS[hint.kubernetesVersion] },
        rbac: {
            create: true,
            serviceAccount: { create: true, name: hint.serviceAccount.name, annotations: { ...hint.serviceAccount.annotations }, automountServiceAccountToken: true },
        },
        // Leader election is on by default: a second replica in prod takes over within seconds.
        replicaCount: environment === "prod" ? 2 : 1,
        podDisruptionBudget: { maxUnavailable: 1 },
        priorityClassName: "system-cluster-critical",
        nodeSelector: { ...hint.placement.nodeSelector },
        tolerations: hint.placement.tolerations.map((t) => ({ ...t })),
        // The image is distroless and runs as nonroot; the pod meets Pod Security `restricted`.
        securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: "RuntimeDefault" } },
        containerSecurityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
        resources: { requests: { cpu: "100m", memory: "300Mi" }, limits: { memory: "600Mi" } },
        extraArgs: {
            // The per-zone groups of a pool are "similar" (one launch template, one set of types
            // and labels; the AWS comparator ignores eks.amazonaws.com/nodegroup and the zone
            // labels: cluster-autoscaler-1.35.2 processors/nodegroupset/aws_nodegroups.go): keep
            // their sizes balanced across zones (EKS user guide, managed node groups).
            "balance-similar-node-groups": true,
            // Pick the group that leaves the least idle CPU/memory after the scale-up.
            expander: "least-waste",
            // Argo CD and Grafana keep caches in emptyDir: such pods must not pin a node forever.
            "skip-nodes-with-local-storage": false,
        },
        service: { create: true, type: "ClusterIP" },
        // Scraped by the platform's Prometheus, which selects ServiceMonitors in every namespace.
        serviceMonitor: { enabled: true, namespace: "kube-system", interval: "30s", selector: {} },
    };
}

/**
 * The autoscaler pod's NetworkPolicy: egress to the cluster DNS, the Kubernetes API and the
 * cloud APIs only; ingress only from Prometheus on the metrics port. kube-system carries no
 * namespace-wide default-deny (system add-ons live there), so this policy selects the
 * autoscaler's pods alone, which makes everything else default-deny for them.
 */
export function clusterAutoscalerNetworkPolicy(hint: ClusterAutoscalerHint, hints: Pick<ClusterHints, "apiServerCidrs" | "apiEgressCidrs">): NetworkPolicySpec {
    // Pods' API egress names what the CNI's policy engine sees (ClusterHints.apiEgressCidrs): on
    // EKS the `kubernetes` Service ClusterIP, judged before kube-proxy's DNAT, never the ENIs.
    const apiCidrs = hints.apiEgressCidrs ?? hints.apiServerCidrs ?? PRIVATE_RANGES;
    return {
        podSelector: { matchLabels: { ...CLUSTER_AUTOSCALER_POD_LABELS } },
        policyTypes: ["Ingress", "Egress"],
        ingress: [
            {
                from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": PLATFORM_NAMESPACES.monitoring } }, podSelector: { matchLabels: { ...PROMETHEUS_POD_LABELS } } }],
                ports: [{ protocol: "TCP", port: CLUSTER_AUTOSCALER_METRICS_PORT }],
            },
        ],
        egress: [
            {
                to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
                ports: [
                    { protocol: "UDP", port: 53 },
                    { protocol: "TCP", port: 53 },
                ],
            },
            { to: apiCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: API_PORTS.map((port) => ({ protocol: "TCP", port })) },
            ...hint.cloudApiEgress.map((e) => ({ to: [{ ipBlock: { cidr: e.cidr } }], ports: [{ protocol: "TCP", port: e.port }] })),
        ],
    };
}

/** `platform:k8s:ClusterAutoscaler`: the release and its NetworkPolicy. */
export class ClusterAutoscaler extends pulumi.ComponentResource {
    readonly release: k8s.helm.v3.Release;

    constructor(name: string, args: ClusterAutoscalerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:k8s:ClusterAutoscaler", name, {}, opts);
        throwIfProblems(`ClusterAutoscaler "${name}"`, clusterAutoscalerProblems(args.hint));
        // The policy first: the pod never runs unconfined, not even for its first API call.
        const policy = new k8s.networking.v1.NetworkPolicy(
            `${name}-network-policy`,
            {
                metadata: { name: CLUSTER_AUTOSCALER_RELEASE, namespace: args.hint.serviceAccount.namespace, labels: { ...COMMON_LABELS } },
                spec: clusterAutoscalerNetworkPolicy(args.hint, args.hints),
            },
            childOpts(this, args.provider),
        );
        this.release = new k8s.helm.v3.Release(
            name,
            {
                name: CLUSTER_AUTOSCALER_RELEASE,
                chart: CHARTS.clusterAutoscaler.chart,
                version: CHARTS.clusterAutoscaler.version,
                repositoryOpts: { repo: CHARTS.clusterAutoscaler.repo },
                namespace: args.hint.serviceAccount.namespace,
                createNamespace: false,
                atomic: true,
                cleanupOnFail: true,
                timeout: 600,
                maxHistory: 10,
                values: clusterAutoscalerValues(args.environment, args.hint, args.hint.clusterName),
            },
            childOpts(this, args.provider, { dependsOn: [policy, ...(args.dependsOn ?? [])] }),
        );
        this.registerOutputs({ releaseName: this.release.name });
    }
}
