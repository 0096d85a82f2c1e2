/**
 * Argo CD: GitOps for everything that is not the platform itself. Installed from the argo-helm
 * chart (pinned), never exposed outside the cluster, bootstrapped with one app-of-apps
 * `Application` confined by `AppProject`s.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { childOpts, COMMON_LABELS, Environment, ENVIRONMENTS, throwIfProblems } from "./common";
import type { Toleration } from "./hints";
import { CHARTS, IMAGES } from "./versions";

/** Where the GitOps configuration lives. */
export interface GitOpsSource {
    /** Config repository URL: `https://...` or `ssh://...` / `git@host:org/repo.git`. */
    readonly repoUrl: string;
    /** Directory in the repository holding the child `Application`s (app of apps). */
    readonly path: string;
    /** Branch, tag or commit to track. Pin a tag or commit in prod for reviewable rollouts. */
    readonly revision: string;
}

export interface ArgoCdArgs {
    /** Provider of the target cluster. */
    readonly provider: k8s.Provider;
    /** `prod` runs Argo CD in HA mode (redis-ha, replicated server / repo server / ApplicationSet). */
    readonly environment: Environment;
    /** Namespace to install into (the Baseline's `argocd`, already hardened). */
    readonly namespace: pulumi.Input<string>;
    /** The config repository the app of apps tracks. */
    readonly gitops: GitOpsSource;
    /** Namespaces Argo CD may deploy workloads to (the workload and serving namespaces). */
    readonly destinationNamespaces: readonly string[];
    /**
     * Tolerations for every Argo CD pod (the cluster's `hints.workloadTolerations`), so it may run
     * on a tainted workload pool (AKS Spot). Default none.
     */
    readonly tolerations?: readonly Toleration[];
}

/** Helm release name: fixes the in-cluster object names (`argocd-server`, ...). */
export const ARGOCD_RELEASE = "argocd";
/** The in-cluster API server, as Argo CD names it. */
export const IN_CLUSTER = "https://kubernetes.default.svc";
/** AppProject for the app of apps: it may only create `Application`s in the Argo CD namespace. */
export const BOOTSTRAP_PROJECT = "platform-bootstrap";
/** AppProject for the children: the config repository into the workload namespaces, nothing cluster-wide. */
export const WORKLOADS_PROJECT = "workloads";

/**
 * Chart values. `adminPasswordBcrypt` is secret; the values of the release become secret with it.
 *
 * `tolerations` reach every pod the chart can create. Verified in argoproj/argo-helm
 * charts/argo-cd at af0a9310 (= 10.1.1): values.yaml `global.tolerations` ("Default tolerations
 * for all components"), and each pod template reads `.Values.<component>.tolerations | default
 * .Values.global.tolerations` (controller deployment/statefulset, server, repoServer,
 * applicationSet, notifications, commitServer, dex, redis, redisSecretInit job). The redis-ha
 * subchart (4.38.0, prod HA) does not read Argo CD's `global`: it takes `redis-ha.tolerations`
 * and `redis-ha.haproxy.tolerations` (both listed in the parent's values.yaml).
 */
export function argoCdValues(environment: Environment, adminPasswordBcrypt: pulumi.Input<string>, tolerations: readonly Toleration[] = []): Record<string, unknown> {
    const ha = environment === "prod";
    const tol = tolerations.length > 0 ? { tolerations: tolerations.map((t) => ({ ...t })) } : {};
    return {
        global: { image: { tag: IMAGES.argoCdTag }, ...tol },
        crds: { install: true, keep: true },
        configs: {
            cm: {
                "admin.enabled": true,
                "exec.enabled": false,
                "users.anonymous.enabled": false,
            },
            // Read-only for every authenticated user unless an RBAC policy says otherwise.
            rbac: { "policy.default": "role:readonly" },
            // The chart expects a bcrypt hash; `RandomPassword.bcryptHash` is stable across runs
            // (a hash computed here would get a new salt, and a diff, on every `pulumi up`).
            secret: { argocdServerAdminPassword: adminPasswordBcrypt },
        },
        // No SSO configured: no Dex pod to run and patch.
        dex: { enabled: false },
        server: {
            // Never public: operators reach it through the bastion tunnel
            // (`kubectl -n argocd port-forward svc/argocd-server 8080:443`).
            service: { type: "ClusterIP" },
            ingress: { enabled: false },
            ...(ha ? { replicas: 2, pdb: pdbFor(2) } : {}),
        },
        // HA as documented by the chart ("HA mode without autoscaling"): redis-ha needs 3 nodes.
        ...(ha
            ? {
                  "redis-ha": { enabled: true, ...tol, ...(tolerations.length > 0 ? { haproxy: { ...tol } } : {}) },
                  // One controller (sharding is not configured): a PDB could only forbid its
                  // eviction and so block every node drain and managed node-pool upgrade.
                  controller: { replicas: 1, pdb: pdbFor(1) },
                  repoServer: { replicas: 2, pdb: pdbFor(2) },
                  applicationSet: { replicas: 2, pdb: pdbFor(2) },
              }
            : {}),
    };
}

/**
 * The chart's `pdb` value for a component with `replicas` pods: one pod may always be evicted
 * (a drain proceeds one node at a time), and a single replica gets no PDB at all, since any
 * PodDisruptionBudget on one pod either allows its eviction (pointless) or forbids every one
 * (a drain that never ends). argo-helm charts/argo-cd at af0a9310: `<component>.pdb.enabled`,
 * `minAvailable`, `maxUnavailable` (maxUnavailable wins when both are set).
 */
export function pdbFor(replicas: number): { enabled: false } | { enabled: true; maxUnavailable: 1 } {
    return replicas > 1 ? { enabled: true, maxUnavailable: 1 } : { enabled: false };
}

/** Automated sync: prune what left Git, undo drift, retry with backoff. */
export const SYNC_POLICY = {
    automated: { prune: true, selfHeal: true },
    syncOptions: ["PruneLast=true", "PrunePropagationPolicy=foreground"],
    retry: { limit: 5, backoff: { duration: "10s", factor: 2, maxDuration: "3m" } },
};

/** The app of apps. Deliberately without the resources finalizer: removing it must never cascade into workloads. */
export function bootstrapApplication(namespace: string, gitops: GitOpsSource): Record<string, unknown> {
    return {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Application",
        metadata: { name: "platform-bootstrap", namespace, labels: { ...COMMON_LABELS } },
        spec: {
            project: BOOTSTRAP_PROJECT,
            source: { repoURL: gitops.repoUrl, path: gitops.path, targetRevision: gitops.revision },
            destination: { server: IN_CLUSTER, namespace },
            syncPolicy: SYNC_POLICY,
        },
    };
}

/** The two AppProjects: bootstrap (Applications only) and workloads (namespaced kinds in the workload namespaces). */
export function appProjects(namespace: string, gitops: GitOpsSource, destinations: readonly string[]): Record<string, unknown>[] {
    const meta = (name: string) => ({ name, namespace, labels: { ...COMMON_LABELS } });
    return [
        {
            apiVersion: "argoproj.io/v1alpha1",
            kind: "AppProject",
            metadata: meta(BOOTSTRAP_PROJECT),
            spec: {
                description: "App of apps: creates Applications in the Argo CD namespace, nothing else",
                sourceRepos: [gitops.repoUrl],
                destinations: [{ server: IN_CLUSTER, namespace }],
                clusterResourceWhitelist: [],
                namespaceResourceWhitelist: [{ group: "argoproj.io", kind: "Application" }],
            },
        },
        {
            apiVersion: "argoproj.io/v1alpha1",
            kind: "AppProject",
            metadata: meta(WORKLOADS_PROJECT),
            spec: {
                description: "Team workloads from the config repository, confined to the workload namespaces",
                sourceRepos: [gitops.repoUrl],
                destinations: destinations.map((ns) => ({ server: IN_CLUSTER, namespace: ns })),
                // Nothing cluster-scoped (no CRDs, ClusterRoles, namespaces) and not the
                // platform's guard rails inside a namespace.
                clusterResourceWhitelist: [],
                namespaceResourceBlacklist: [
                    { group: "", kind: "ResourceQuota" },
                    { group: "", kind: "LimitRange" },
                ],
            },
        },
    ];
}

/** Validation of ArgoCdArgs. */
export function argoCdProblems(args: ArgoCdArgs): string[] {
    const problems: string[] = [];
    if (!ENVIRONMENTS.includes(args.environment)) {
        problems.push(`environment = "${args.environment}" is not one of ${ENVIRONMENTS.join(", ")}`);
    }
    const url = args.gitops.repoUrl;
    if (!/^(https:\/\/|ssh:\/\/|git@)[^\s]+$/.test(url)) {
        problems.push(`gitops.repoUrl = "${url}" must be an https://, ssh:// or git@host: URL (plain http and file paths are refused)`);
    }
    if (args.gitops.path.trim() === "" || args.gitops.path.startsWith("/") || args.gitops.path.split("/").includes("..")) {
        problems.push(`gitops.path = "${args.gitops.path}" must be a relative directory inside the repository (e.g. "apps/dev")`);
    }
    if (args.gitops.revision.trim() === "") {
        problems.push('gitops.revision is empty: give a branch, tag or commit (e.g. "main" or "v1.4.0")');
    }
    if (args.destinationNamespaces.length === 0) {
        problems.push("destinationNamespaces is empty: Argo CD would have nowhere to deploy");
    }
    return problems;
}

/** Argo CD installed by Helm plus its bootstrap objects. */
export class ArgoCd extends pulumi.ComponentResource {
    /** The generated `admin` password (secret). */
    public readonly adminPassword: pulumi.Output<string>;
    /** In-cluster URL of the API/UI (ClusterIP; reach it through the bastion tunnel). */
    public readonly serverUrl: pulumi.Output<string>;
    /** The Helm release, for `dependsOn`. */
    public readonly release: k8s.helm.v3.Release;

    constructor(name: string, args: ArgoCdArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:k8s:ArgoCd", name, {}, opts);
        throwIfProblems(`ArgoCd "${name}"`, argoCdProblems(args));
        const built = buildArgoCd(this, name, args);
        this.adminPassword = built.adminPassword;
        this.serverUrl = built.serverUrl;
        this.release = built.release;
        this.registerOutputs({ adminPassword: this.adminPassword, serverUrl: this.serverUrl });
    }
}

/** Creates Argo CD's children under `parent`. */
export function buildArgoCd(parent: pulumi.Resource, name: string, args: ArgoCdArgs) {
    const password = new random.RandomPassword(
        `${name}-admin-password`,
        // No shell- or YAML-hostile characters: it is typed into the UI and the CLI.
        { length: 32, special: true, overrideSpecial: "-_.+=" },
        { parent },
    );
    const release = new k8s.helm.v3.Release(
        name,
        {
            name: ARGOCD_RELEASE,
            chart: CHARTS.argoCd.chart,
            version: CHARTS.argoCd.version,
            repositoryOpts: { repo: CHARTS.argoCd.repo },
            namespace: args.namespace,
            createNamespace: false,
            skipCrds: false,
            atomic: true,
            cleanupOnFail: true,
            timeout: 900,
            maxHistory: 10,
            // Marked secret explicitly: the hash must never show in a diff or a state export.
            values: argoCdValues(args.environment, pulumi.secret(password.bcryptHash), args.tolerations),
        },
        childOpts(parent, args.provider),
    );
    // The CRs need the chart's CRDs: create them after the release.
    const crOpts = childOpts(parent, args.provider, { dependsOn: [release] });
    const projects = pulumi.output(args.namespace).apply((ns) => appProjects(ns, args.gitops, args.destinationNamespaces));
    const projectResources = [BOOTSTRAP_PROJECT, WORKLOADS_PROJECT].map(
        (project, i) =>
            new k8s.apiextensions.CustomResource(
                `${name}-project-${project}`,
                {
                    apiVersion: "argoproj.io/v1alpha1",
                    kind: "AppProject",
                    metadata: projects.apply((p) => p[i].metadata as k8s.types.input.meta.v1.ObjectMeta),
                    spec: projects.apply((p) => p[i].spec),
                },
                crOpts,
            ),
    );
    const app = pulumi.output(args.namespace).apply((ns) => bootstrapApplication(ns, args.gitops));
    new k8s.apiextensions.CustomResource(
        `${name}-bootstrap`,
        {
            apiVersion: "argoproj.io/v1alpha1",
            kind: "Application",
            metadata: app.apply((a) => a.metadata as k8s.types.input.meta.v1.ObjectMeta),
            spec: app.apply((a) => a.spec),
        },
        childOpts(parent, args.provider, { dependsOn: [release, ...projectResources] }),
    );
    return {
        adminPassword: pulumi.secret(password.result),
        serverUrl: pulumi.interpolate`https://${ARGOCD_RELEASE}-server.${args.namespace}.svc.cluster.local:443`,
        release,
    };
}
