/**
 * Addons: the whole in-cluster platform on one cluster. Baseline first (namespaces hardened
 * before anything lands in them), then Argo CD, monitoring and model serving in parallel.
 *
 * Cloud-agnostic: it takes a `k8s.Provider` and {@link ClusterHints}; it imports no cloud SDK
 * and reads no `pulumi.Config` (the caller maps validated stack config onto these args).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ArgoCd, argoCdProblems, GitOpsSource } from "./argocd";
import { ClusterAutoscaler, clusterAutoscalerProblems } from "./autoscaler";
import { Baseline, baselineProblems, DEFAULT_WORKLOAD_NAMESPACES, ToolVmGrants } from "./baseline";
import { COMMON_LABELS, Environment, PLATFORM_NAMESPACES, SERVING_NAMESPACE, throwIfProblems } from "./common";
import { ClusterHints, tolerationList } from "./hints";
import { ModelServing, ModelServingChoice, modelServingProblems, SELDON_OPERATOR, seldonNamespaceLabels } from "./model-serving";
import { TenantGuardrails } from "./admission";
import { PrEnvironments } from "./pr-environments";
import { JenkinsAgents } from "./jenkins-agents";
import { AlertingArgs, Monitoring, monitoringProblems, ScrapeTarget } from "./monitoring";

export interface AddonsArgs {
    /** Provider of the target cluster (for a private cluster: one that tunnels through the bastion). */
    readonly provider: k8s.Provider;
    /** `prod` turns on HA (Argo CD, Prometheus, Alertmanager) and the largest quotas and retention. */
    readonly environment: Environment;
    /** Facts about the cluster from its Cluster component (storage class, LB annotations, identity format). */
    readonly hints: ClusterHints;
    /** Namespaces for team workloads. Default `["dev", "staging", "production"]`. */
    readonly workloadNamespaces?: readonly string[];
    /** Config repository the Argo CD app of apps tracks. */
    readonly gitops: GitOpsSource;
    /** Alert routing. Default: no receiver (alerts visible in Alertmanager/Grafana only). */
    readonly alerting?: AlertingArgs;
    /** Tool VMs (private IPs) whose node_exporter (port 9100) Prometheus scrapes. Default none. */
    readonly scrapeTargets?: pulumi.Input<readonly ScrapeTarget[]>;
    /** The platform CA certificate (PEM, stack output `internalCaCertPem`): the scrapes verify the VMs' TLS with it. */
    readonly internalCaCertPem?: pulumi.Input<string>;
    /** Vault's metrics, read with the scoped token platform-vault setup issues (monitoring.ts). */
    readonly vaultMetrics?: { readonly address: pulumi.Input<string>; readonly token: pulumi.Input<string> };
    /** Model-serving engine (explicit: see the licence note in README.md) and whether to deploy the demo. */
    readonly modelServing: ModelServingChoice;
    /** Cloud identity for the `model-training-runner` ServiceAccount, per workload namespace. Default none. */
    readonly trainingRunnerIdentities?: Readonly<Record<string, pulumi.Input<string>>>;
    /**
     * Tool VMs pods may be granted by label (Vault clients, Jenkins agents). Default none. With
     * `jenkins` and `hints.jenkinsAgents` both present, the jenkins-agents namespace is created
     * (jenkins-agents.ts); with either absent, nothing of it exists.
     */
    readonly toolVmGrants?: ToolVmGrants;
}

/** In-cluster service URLs (ClusterIP only: reach them through the bastion tunnel). */
export interface AddonEndpoints {
    readonly argocd: string;
    readonly prometheus: string;
    readonly alertmanager: string;
    readonly grafana: string;
    /** Present when the demo model is deployed. */
    readonly demoModel?: string;
}

/** The in-cluster platform. */
export class Addons extends pulumi.ComponentResource {
    /** Argo CD `admin` password (secret). */
    public readonly argocdAdminPassword: pulumi.Output<string>;
    /** Grafana `admin` password (secret). */
    public readonly grafanaAdminPassword: pulumi.Output<string>;
    /** In-cluster service endpoints. */
    public readonly endpoints: pulumi.Output<AddonEndpoints>;
    /** Namespaces the baseline created, by name (for `dependsOn` of later in-cluster resources). */
    public readonly namespaces: Readonly<Record<string, pulumi.Output<string>>>;

    constructor(name: string, args: AddonsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:k8s:Addons", name, {}, opts);
        throwIfProblems(`Addons "${name}"`, addonsProblems(args));
        const built = buildAddons(this, name, args);
        this.argocdAdminPassword = built.argocdAdminPassword;
        this.grafanaAdminPassword = built.grafanaAdminPassword;
        this.endpoints = built.endpoints;
        this.namespaces = built.namespaces;
        this.registerOutputs({
            argocdAdminPassword: this.argocdAdminPassword,
            grafanaAdminPassword: this.grafanaAdminPassword,
            endpoints: this.endpoints,
        });
    }
}

/** Every problem of every part, before anything is created. */
export function addonsProblems(args: AddonsArgs): string[] {
    const workload = args.workloadNamespaces ?? DEFAULT_WORKLOAD_NAMESPACES;
    const placeholder = "";
    return [
        ...baselineProblems({ ...args, workloadNamespaces: workload, servingNamespaces: [SERVING_NAMESPACE] }),
        ...argoCdProblems({ ...args, namespace: placeholder, workloadNamespaces: workload, servingNamespaces: [SERVING_NAMESPACE] }),
        ...monitoringProblems({ ...args, namespace: placeholder }),
        ...modelServingProblems({ ...args, ...args.modelServing, namespace: placeholder }),
        ...(args.hints.clusterAutoscaler ? clusterAutoscalerProblems(args.hints.clusterAutoscaler) : []),
        ...(args.hints.jenkinsAgents && args.toolVmGrants?.jenkins && args.internalCaCertPem === undefined
            ? ["internalCaCertPem is absent but the cluster hosts Jenkins agents (hints.jenkinsAgents and a Jenkins VM): agents verify the controller's certificate with the platform CA; pass the platform stack's internalCaCertPem"]
            : []),
    ].filter((p, i, all) => all.indexOf(p) === i);
}

/** Creates the addons' children under `parent`. */
export function buildAddons(parent: pulumi.Resource, name: string, args: AddonsArgs) {
    const workload = args.workloadNamespaces ?? DEFAULT_WORKLOAD_NAMESPACES;
    // One serving namespace: the serving engine's operator runs there in single-namespace mode.
    const serving = [SERVING_NAMESPACE];
    const childOpts = { parent };

    const baseline = new Baseline(
        `${name}-baseline`,
        {
            provider: args.provider,
            environment: args.environment,
            hints: args.hints,
            workloadNamespaces: workload,
            servingNamespaces: serving,
            servingNamespaceLabels: seldonNamespaceLabels(SERVING_NAMESPACE),
            servingOperator: SELDON_OPERATOR,
            trainingRunnerIdentities: args.trainingRunnerIdentities,
            toolVmGrants: args.toolVmGrants,
        },
        childOpts,
    );
    const ns = baseline.namespaceNames;
    // Admission guard rails for tenant namespaces, in place before Argo CD can sync anything there.
    const guardrails = new TenantGuardrails(
        `${name}-guardrails`,
        { provider: args.provider, hints: args.hints, argocdNamespace: PLATFORM_NAMESPACES.argocd, workloadNamespaces: workload, servingNamespaces: serving, servingOperator: SELDON_OPERATOR },
        { parent, dependsOn: [baseline] },
    );

    // The class Prometheus and Alertmanager claim volumes from, when the cluster lacks it. Volumes
    // outlive their claims in prod (Retain): a deleted release must not take the metrics with it.
    const storageClass = args.hints.storageClassSpec
        ? new k8s.storage.v1.StorageClass(
              `${name}-storage-class`,
              {
                  metadata: { name: args.hints.storageClass, labels: { ...COMMON_LABELS } },
                  provisioner: args.hints.storageClassSpec.provisioner,
                  parameters: { ...args.hints.storageClassSpec.parameters },
                  reclaimPolicy: args.environment === "prod" ? "Retain" : "Delete",
                  volumeBindingMode: "WaitForFirstConsumer",
                  allowVolumeExpansion: true,
              },
              { parent, provider: args.provider },
          )
        : undefined;

    const argocd = new ArgoCd(
        `${name}-argocd`,
        {
            provider: args.provider,
            environment: args.environment,
            namespace: ns[PLATFORM_NAMESPACES.argocd],
            gitops: args.gitops,
            workloadNamespaces: workload,
            servingNamespaces: serving,
            tolerations: tolerationList(args.hints),
            after: [guardrails],
        },
        childOpts,
    );
    const monitoring = new Monitoring(
        `${name}-monitoring`,
        {
            provider: args.provider,
            environment: args.environment,
            namespace: ns[PLATFORM_NAMESPACES.monitoring],
            hints: args.hints,
            alerting: args.alerting,
            scrapeTargets: args.scrapeTargets,
            internalCaCertPem: args.internalCaCertPem,
            ...(args.vaultMetrics ? { vaultMetrics: args.vaultMetrics } : {}),
        },
        { parent, dependsOn: storageClass ? [storageClass] : [] },
    );
    if (args.hints.clusterAutoscaler) {
        // EKS: the pools scale only with an autoscaler in the cluster (AKS and GKE scale their own).
        // After monitoring: its ServiceMonitor needs the Prometheus operator's CRDs.
        new ClusterAutoscaler(
            `${name}-cluster-autoscaler`,
            { provider: args.provider, environment: args.environment, hint: args.hints.clusterAutoscaler, hints: args.hints, dependsOn: [monitoring] },
            childOpts,
        );
    }
    if (args.hints.prEnvironments) {
        new PrEnvironments(
            `${name}-pr-environments`,
            { provider: args.provider, hint: args.hints.prEnvironments, argocdNamespace: ns[PLATFORM_NAMESPACES.argocd], argocdNamespaceName: PLATFORM_NAMESPACES.argocd },
            childOpts,
        );
    }
    if (args.hints.jenkinsAgents && args.toolVmGrants?.jenkins && args.internalCaCertPem !== undefined) {
        // Only where a Jenkins VM exists AND the cloud maps its identity to a subject: either
        // alone grants nothing and creates nothing.
        new JenkinsAgents(
            `${name}-jenkins-agents`,
            {
                provider: args.provider,
                environment: args.environment,
                hints: args.hints,
                hint: args.hints.jenkinsAgents,
                jenkins: args.toolVmGrants.jenkins,
                internalCaCertPem: args.internalCaCertPem,
            },
            // After the guard rails: the cluster-wide deny covers the namespace before any agent runs.
            { parent, dependsOn: [baseline, guardrails] },
        );
    }
    const serving$ = new ModelServing(
        `${name}-serving`,
        {
            provider: args.provider,
            environment: args.environment,
            engine: args.modelServing.engine,
            demo: args.modelServing.demo,
            demoModelSha256: args.modelServing.demoModelSha256,
            namespace: ns[SERVING_NAMESPACE],
            tolerations: tolerationList(args.hints),
        },
        childOpts,
    );

    return {
        argocdAdminPassword: argocd.adminPassword,
        grafanaAdminPassword: monitoring.grafanaAdminPassword,
        endpoints: pulumi
            .all([argocd.serverUrl, monitoring.endpoints, serving$.demoEndpoint])
            .apply(([argocdUrl, m, demo]): AddonEndpoints => ({ argocd: argocdUrl, ...m, ...(demo ? { demoModel: demo } : {}) })),
        namespaces: ns,
    };
}
