/**
 * Argo CD: GitOps for everything that is not the platform itself. Installed from the argo-helm
 * chart (pinned), never exposed outside the cluster, bootstrapped with one app-of-apps
 * `Application` confined by `AppProject`s.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { childOpts, COMMON_LABELS, Environment, ENVIRONMENTS, mergeValues, PLATFORM_NAMESPACES, PLATFORM_PRIORITY_CLASS, SERVING_NAMESPACE, throwIfProblems } from "./common";
import type { Toleration } from "./hints";
import { CHART_IMAGES, CHARTS, tagWithDigest } from "./versions";

/** Where the GitOps configuration lives. */
export interface GitOpsSource {
    /** Config repository URL: `https://...` or `ssh://...` / `git@host:org/repo.git`. */
    readonly repoUrl: string;
    /** Directory in the repository holding the child `Application`s (app of apps). */
    readonly path: string;
    /** Branch, tag or commit to track. Pin a tag or commit in prod for reviewable rollouts. */
    readonly revision: string;
    /**
     * GnuPG public keys (ASCII armored) by key id (16 hex digits). When given, every project
     * requires each synced commit (or annotated tag) to carry a valid signature by one of them,
     * and Argo CD refuses any other revision (Argo CD GnuPG verification, projects'
     * `signatureKeys`: https://argo-cd.readthedocs.io/en/stable/user-guide/gpg-verification/).
     * Git only (not Helm repositories). Default none: not enforced.
     */
    readonly signatureKeys?: Readonly<Record<string, string>>;
    /** Single sign-on for the UI and CLI; when set, the local `admin` account is disabled. Default none. */
    readonly sso?: ArgoCdSso;
    /**
     * Named local accounts (UI/CLI login, no API keys) and the built-in role each gets, so people
     * do not share `admin`. The admin (or an SSO admin) sets each one's password once:
     * `argocd account update-password --account <name>`. Default none.
     */
    readonly accounts?: Readonly<Record<string, ArgoCdAccountRole>>;
}

/** The built-in Argo CD roles a named account may get (https://argo-cd.readthedocs.io/en/stable/operator-manual/rbac/#basic-built-in-roles). */
export type ArgoCdAccountRole = "admin" | "readonly";

/**
 * A local account name: it becomes the `argocd-cm` key `accounts.<name>` and the RBAC subject.
 * Argo CD limits local user names to 32 characters (user management docs, "Local users/accounts":
 * https://argo-cd.readthedocs.io/en/stable/operator-manual/user-management/#local-usersaccounts);
 * `admin` is the built-in account.
 */
export const ARGOCD_ACCOUNT_NAME = /^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/;

/**
 * OIDC single sign-on (Argo CD's built-in OIDC client, PKCE, no client secret to store:
 * https://argo-cd.readthedocs.io/en/stable/operator-manual/user-management/#existing-oidc-provider).
 * RBAC maps the identity provider's groups to roles; everyone else gets nothing (`policy.default`).
 */
export interface ArgoCdSso {
    /** The Argo CD URL users reach (the callback is `<url>/auth/callback`), e.g. `https://localhost:8080` through the tunnel. */
    readonly url: string;
    /** OIDC issuer URL (its `/.well-known/openid-configuration` must answer). */
    readonly issuer: string;
    /** The public client's id at the identity provider (PKCE enabled there). */
    readonly clientId: string;
    /** Groups (the `groups` claim) granted Argo CD's `role:admin`. */
    readonly adminGroups: readonly string[];
    /** Groups granted `role:readonly`. Default none. */
    readonly readonlyGroups?: readonly string[];
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
    /** Team namespaces: the `workloads` project deploys there (an allow-list of kinds). */
    readonly workloadNamespaces: readonly string[];
    /** Serving namespaces: the `serving` project deploys only serving objects there. */
    readonly servingNamespaces: readonly string[];
    /**
     * Tolerations for every Argo CD pod (the cluster's `hints.workloadTolerations`), so it may run
     * on a tainted workload pool (AKS Spot). Default none.
     */
    readonly tolerations?: readonly Toleration[];
    /** What must exist before Argo CD can sync anything (the tenant guard rails). Default none. */
    readonly after?: readonly pulumi.Resource[];
}

/** Helm release name: fixes the in-cluster object names (`argocd-server`, ...). */
export const ARGOCD_RELEASE = "argocd";
/** The in-cluster API server, as Argo CD names it. */
export const IN_CLUSTER = "https://kubernetes.default.svc";
/** AppProject for the app of apps: it may only create `Application`s in the Argo CD namespace. */
export const BOOTSTRAP_PROJECT = "platform-bootstrap";
/** AppProject for the children: the config repository into the workload namespaces, nothing cluster-wide. */
export const WORKLOADS_PROJECT = "workloads";
/** AppProject for model serving: only serving objects, only in the serving namespaces. */
export const SERVING_PROJECT = "serving";
/** Argo CD's built-in project, open to anything until locked (argo-cd server/server.go initializeDefaultProject at v3.4.4). */
export const DEFAULT_PROJECT = "default";

/** A kind as AppProjects and RBAC name it. */
export interface GroupKind {
    readonly group: string;
    readonly kind: string;
    /** The RBAC resource (plural). */
    readonly resource: string;
}

/**
 * What a team may ship into its workload namespaces through Argo CD (the `workloads` project's
 * `namespaceResourceWhitelist`, and the application controller's Role there). Not on it, on
 * purpose: NetworkPolicy (one permissive policy cancels default-deny), Role/RoleBinding,
 * ResourceQuota/LimitRange (the platform's guard rails), PodDisruptionBudget (one that allows no
 * eviction blocks every node drain), DaemonSet and bare Pods/ReplicaSets, Endpoints and
 * EndpointSlices (hand-written endpoints point a Service anywhere), Ingress (no ingress
 * controller), AlertmanagerConfig, Probe and ScrapeConfig (monitoring reads them only from
 * `monitoring`), everything cluster-scoped, and Secret: secrets are not kept in Git; workloads
 * read theirs from Vault at run time. Syncing Secrets would also need Argo CD to list and watch
 * every Secret of every tenant namespace, which is exactly the right it must not have.
 */
export const WORKLOAD_KINDS: readonly GroupKind[] = [
    { group: "apps", kind: "Deployment", resource: "deployments" },
    { group: "apps", kind: "StatefulSet", resource: "statefulsets" },
    { group: "batch", kind: "Job", resource: "jobs" },
    { group: "batch", kind: "CronJob", resource: "cronjobs" },
    { group: "", kind: "Service", resource: "services" },
    { group: "", kind: "ConfigMap", resource: "configmaps" },
    { group: "", kind: "ServiceAccount", resource: "serviceaccounts" },
    { group: "", kind: "PersistentVolumeClaim", resource: "persistentvolumeclaims" },
    { group: "autoscaling", kind: "HorizontalPodAutoscaler", resource: "horizontalpodautoscalers" },
    { group: "monitoring.coreos.com", kind: "ServiceMonitor", resource: "servicemonitors" },
    { group: "monitoring.coreos.com", kind: "PodMonitor", resource: "podmonitors" },
    { group: "monitoring.coreos.com", kind: "PrometheusRule", resource: "prometheusrules" },
];

/** What may be shipped into a serving namespace: models (never Secrets, see {@link WORKLOAD_KINDS}). */
export const SERVING_KINDS: readonly GroupKind[] = [{ group: "machinelearning.seldon.io", kind: "SeldonDeployment", resource: "seldondeployments" }];

/**
 * What Argo CD reads but never writes in a tenant namespace: the objects its workloads create
 * (for health and the resource tree in the UI). With `resource.respectRBAC` the controller skips
 * every kind it may not list.
 */
export const OBSERVED_KINDS: readonly GroupKind[] = [
    { group: "", kind: "Pod", resource: "pods" },
    { group: "apps", kind: "ReplicaSet", resource: "replicasets" },
    { group: "discovery.k8s.io", kind: "EndpointSlice", resource: "endpointslices" },
];

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
export function argoCdValues(
    environment: Environment,
    adminPasswordBcrypt: pulumi.Input<string>,
    tolerations: readonly Toleration[] = [],
    tenancy: ArgoCdTenancy = DEFAULT_TENANCY,
): Record<string, unknown> {
    const ha = environment === "prod";
    const tol = tolerations.length > 0 ? { tolerations: tolerations.map((t) => ({ ...t })) } : {};
    return withTenancy(environment, tenancy, {
        global: { image: { tag: tagWithDigest(CHART_IMAGES.argocd) }, ...tol },
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
    });
}

/** Who Argo CD deploys for, and how people sign in: the inputs of {@link argoCdTenancyValues}. */
export interface ArgoCdTenancy {
    readonly argocdNamespace: string;
    readonly workloadNamespaces: readonly string[];
    readonly servingNamespaces: readonly string[];
    readonly sso?: ArgoCdSso;
    readonly signatureKeys?: Readonly<Record<string, string>>;
    readonly accounts?: Readonly<Record<string, ArgoCdAccountRole>>;
}

const DEFAULT_TENANCY: ArgoCdTenancy = { argocdNamespace: PLATFORM_NAMESPACES.argocd, workloadNamespaces: ["dev", "staging", "production"], servingNamespaces: [SERVING_NAMESPACE] };

function withTenancy(environment: Environment, tenancy: ArgoCdTenancy, base: Record<string, unknown>): Record<string, unknown> {
    return mergeValues(base, argoCdTenancyValues(environment, tenancy));
}

/** Namespaces Argo CD may touch on its own cluster: its own (Applications) and the tenants'. */
export function argoCdManagedNamespaces(tenancy: ArgoCdTenancy): string[] {
    return [tenancy.argocdNamespace, ...tenancy.workloadNamespaces, ...tenancy.servingNamespaces];
}

/**
 * The values that make Argo CD a boundary rather than a cluster-admin. Keys verified in
 * argoproj/argo-helm charts/argo-cd at af0a9310 (= 10.1.1) values.yaml and templates:
 * - `createClusterRoles: false`: no ClusterRole for the controller (`*` on `*`), the server
 *   (`delete, get, patch` on `*`, i.e. every Secret) or notifications; the controller and server
 *   get Roles in the namespaces they serve instead ({@link argoCdNamespaceRoles}).
 * - `configs.clusterCredentials.in-cluster`: the in-cluster destination limited to those
 *   namespaces, cluster-scoped resources ignored (`namespaces`, no `clusterResources`: Argo CD
 *   declarative setup, Clusters), with the pod's own credentials (an in-cluster server and no
 *   bearer token: pkg/apis/application/v1alpha1/types.go RawRestConfig at v3.4.4).
 * - `resource.respectRBAC: normal`: the controller stops watching what it may not list.
 * - `global.networkPolicy.create: false`: the chart's policies (argocd-server `ingress: [{}]`)
 *   would add allows to the baseline's default-deny; the baseline's own policies replace them.
 * - `notifications.enabled: false`: no controller reading every Application without a receiver.
 * - `policy.default: ""`: an authenticated user with no group mapping can do nothing (not even
 *   read: `role:readonly` shows every project's repositories and logs).
 * - `global.priorityClassName`, resources on every container (no BestEffort pod).
 */
export function argoCdTenancyValues(environment: Environment, tenancy: ArgoCdTenancy): Record<string, unknown> {
    const sso = tenancy.sso;
    const keys = tenancy.signatureKeys ?? {};
    const accounts = tenancy.accounts ?? {};
    return {
        global: { priorityClassName: PLATFORM_PRIORITY_CLASS, networkPolicy: { create: false } },
        createClusterRoles: false,
        configs: {
            cm: {
                "admin.enabled": sso === undefined,
                "resource.respectRBAC": "normal",
                // `login` only: no `apiKey`, so no long-lived API tokens for people.
                ...Object.fromEntries(Object.keys(accounts).map((n) => [`accounts.${n}`, "login"])),
                ...(sso
                    ? {
                          url: sso.url,
                          "oidc.config": JSON.stringify({ name: "SSO", issuer: sso.issuer, clientID: sso.clientId, enablePKCEAuthentication: true, requestedScopes: ["openid", "profile", "email", "groups"] }),
                      }
                    : {}),
            },
            rbac: {
                "policy.default": "",
                scopes: "[groups]",
                "policy.csv": argoCdPolicyCsv(sso, accounts),
            },
            clusterCredentials: {
                "in-cluster": {
                    server: IN_CLUSTER,
                    namespaces: argoCdManagedNamespaces(tenancy).join(","),
                    config: { tlsClientConfig: { insecure: false } },
                },
            },
            ...(Object.keys(keys).length > 0 ? { gpg: { keys: { ...keys } } } : {}),
        },
        notifications: { enabled: false },
        controller: { resources: ARGOCD_RESOURCES.controller[environment] },
        server: { resources: ARGOCD_RESOURCES.small },
        repoServer: { resources: ARGOCD_RESOURCES.repoServer, copyutil: { resources: ARGOCD_RESOURCES.tiny } },
        applicationSet: { resources: ARGOCD_RESOURCES.small },
        redis: {
            image: { repository: `${CHART_IMAGES.redis.registry}/${CHART_IMAGES.redis.repository}`, tag: tagWithDigest(CHART_IMAGES.redis) },
            resources: ARGOCD_RESOURCES.small,
            // Redis never calls the Kubernetes API; the chart mounts the namespace's `default`
            // token into it unless told not to (values.yaml `redis.automountServiceAccountToken: true`).
            automountServiceAccountToken: false,
        },
        redisSecretInit: { resources: ARGOCD_RESOURCES.tiny },
        ...(environment === "prod"
            ? {
                  "redis-ha": {
                      image: { repository: `${CHART_IMAGES.redis.registry}/${CHART_IMAGES.redis.repository}`, tag: tagWithDigest(CHART_IMAGES.redis) },
                      priorityClassName: PLATFORM_PRIORITY_CLASS,
                      redis: { resources: ARGOCD_RESOURCES.small },
                      sentinel: { resources: ARGOCD_RESOURCES.tiny },
                      splitBrainDetection: { resources: ARGOCD_RESOURCES.tiny },
                      init: { resources: ARGOCD_RESOURCES.tiny },
                      haproxy: {
                          image: { repository: `${CHART_IMAGES.haproxy.registry}/${CHART_IMAGES.haproxy.repository}`, tag: tagWithDigest(CHART_IMAGES.haproxy) },
                          priorityClassName: PLATFORM_PRIORITY_CLASS,
                          resources: ARGOCD_RESOURCES.small,
                          init: { resources: ARGOCD_RESOURCES.tiny },
                      },
                  },
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

/** Requests and limits of every Argo CD container (limits well above requests: the repo server and controller burst on renders and syncs). */
const ARGOCD_RESOURCES = {
    tiny: { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
    small: { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
    repoServer: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "2", memory: "1Gi" } },
    controller: {
        dev: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "2", memory: "1Gi" } },
        staging: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "2", memory: "1Gi" } },
        prod: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "4", memory: "2Gi" } },
    },
} as const;

/**
 * Argo CD RBAC (argocd-rbac-cm `policy.csv`, Casbin: `g, <group or local account>, <role>`).
 * Without SSO the break-glass local `admin` exists (a built-in superuser); with SSO the identity
 * provider's groups are mapped here and `admin` is disabled. Named local accounts get their role
 * here too; anyone else gets nothing (`policy.default` is empty).
 */
export function argoCdPolicyCsv(sso: ArgoCdSso | undefined, accounts: Readonly<Record<string, ArgoCdAccountRole>> = {}): string {
    return [
        ...(sso ? sso.adminGroups.map((g) => `g, ${g}, role:admin`) : []),
        ...(sso ? (sso.readonlyGroups ?? []).map((g) => `g, ${g}, role:readonly`) : []),
        ...Object.entries(accounts).map(([name, role]) => `g, ${name}, role:${role}`),
    ].join("\n");
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

/** The kinds as an AppProject names them. */
const projectKinds = (kinds: readonly GroupKind[]) => kinds.map((k) => ({ group: k.group, kind: k.kind }));

/**
 * The platform's AppProjects: the only boundary between a push to the config repository and the
 * cluster (Argo CD checks an Application's source, destination and every kind against its
 * project before it applies anything: https://argo-cd.readthedocs.io/en/stable/user-guide/projects/).
 * - `platform-bootstrap`: the app of apps; only `Application`s, only in Argo CD's namespace.
 * - `workloads`: the config repository into the workload namespaces, only {@link WORKLOAD_KINDS}.
 * - `serving`: only {@link SERVING_KINDS}, only into the serving namespaces.
 * Every list is explicit: no `*` source, destination or kind. With `signatureKeys`, each project
 * requires signed commits.
 */
export function appProjects(namespace: string, gitops: GitOpsSource, tenancy: Pick<ArgoCdTenancy, "workloadNamespaces" | "servingNamespaces">): Record<string, unknown>[] {
    const meta = (name: string) => ({ name, namespace, labels: { ...COMMON_LABELS } });
    const signed = Object.keys(gitops.signatureKeys ?? {}).map((keyID) => ({ keyID }));
    const base = (description: string, destinations: readonly string[]) => ({
        description,
        sourceRepos: [gitops.repoUrl],
        destinations: destinations.map((ns) => ({ server: IN_CLUSTER, namespace: ns })),
        // Applications live in Argo CD's namespace only (no "apps in any namespace").
        sourceNamespaces: [],
        // Nothing cluster-scoped: no CRDs, ClusterRoles, namespaces, webhooks.
        clusterResourceWhitelist: [],
        ...(signed.length > 0 ? { signatureKeys: signed } : {}),
    });
    return [
        {
            apiVersion: "argoproj.io/v1alpha1",
            kind: "AppProject",
            metadata: meta(BOOTSTRAP_PROJECT),
            spec: { ...base("App of apps: creates Applications in the Argo CD namespace, nothing else", [namespace]), namespaceResourceWhitelist: [{ group: "argoproj.io", kind: "Application" }] },
        },
        {
            apiVersion: "argoproj.io/v1alpha1",
            kind: "AppProject",
            metadata: meta(WORKLOADS_PROJECT),
            spec: { ...base("Team workloads from the config repository: an allow-list of kinds, only in the workload namespaces", tenancy.workloadNamespaces), namespaceResourceWhitelist: projectKinds(WORKLOAD_KINDS) },
        },
        {
            apiVersion: "argoproj.io/v1alpha1",
            kind: "AppProject",
            metadata: meta(SERVING_PROJECT),
            spec: { ...base("Model serving: SeldonDeployments only, only in the serving namespaces", tenancy.servingNamespaces), namespaceResourceWhitelist: projectKinds(SERVING_KINDS) },
        },
    ];
}

/**
 * The built-in `default` project, locked: no source, no destination, no kind (Argo CD docs,
 * Projects, "The Default Project": the recipe to remove all its permissions, plus the cluster
 * whitelist the server created it with). An Application that names `default` is refused. Applied
 * by server-side apply with force, since argocd-server created the object (and owns its fields).
 */
export function defaultProjectLock(namespace: string): Record<string, unknown> {
    return {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "AppProject",
        metadata: { name: DEFAULT_PROJECT, namespace, annotations: { "pulumi.com/patchForce": "true" }, labels: { ...COMMON_LABELS } },
        spec: {
            description: "Locked by the platform: use the platform-bootstrap, workloads or serving project",
            sourceRepos: [],
            sourceNamespaces: [],
            destinations: [],
            clusterResourceWhitelist: [],
            namespaceResourceBlacklist: [{ group: "*", kind: "*" }],
        },
    };
}

/** One namespaced Role of Argo CD's, in a namespace it serves. */
export interface ArgoCdNamespaceRole {
    readonly namespace: string;
    /** `application-controller` or `server` (the chart's ServiceAccount suffixes). */
    readonly component: "application-controller" | "server";
    readonly rules: k8s.types.input.rbac.v1.PolicyRule[];
}

/** RBAC rules granting `verbs` on each kind, grouped by API group. */
function rulesFor(kinds: readonly GroupKind[], verbs: readonly string[]): k8s.types.input.rbac.v1.PolicyRule[] {
    const groups = [...new Set(kinds.map((k) => k.group))];
    return groups.map((g) => ({ apiGroups: [g], resources: kinds.filter((k) => k.group === g).map((k) => k.resource), verbs: [...verbs] }));
}

const WRITE = ["get", "list", "watch", "create", "update", "patch", "delete"];
const READ = ["get", "list", "watch"];

/**
 * What Argo CD's controller and server may do in each tenant namespace, instead of the chart's
 * ClusterRoles: the controller applies the project's kinds and reads what they create; the
 * server reads them, deletes and patches them (UI delete and resource actions) and reads pod
 * logs. Argo CD's own namespace keeps the chart's Roles (Applications, its Secrets).
 */
export function argoCdNamespaceRoles(tenancy: Pick<ArgoCdTenancy, "workloadNamespaces" | "servingNamespaces">): ArgoCdNamespaceRole[] {
    const out: ArgoCdNamespaceRole[] = [];
    for (const [namespaces, kinds] of [
        [tenancy.workloadNamespaces, WORKLOAD_KINDS],
        [tenancy.servingNamespaces, SERVING_KINDS],
    ] as const) {
        for (const namespace of namespaces) {
            out.push({ namespace, component: "application-controller", rules: [...rulesFor(kinds, WRITE), ...rulesFor(OBSERVED_KINDS, READ), { apiGroups: [""], resources: ["events"], verbs: ["create", "patch"] }] });
            out.push({
                namespace,
                component: "server",
                rules: [
                    ...rulesFor(kinds, ["get", "list", "watch", "patch", "delete"]),
                    ...rulesFor(OBSERVED_KINDS, READ),
                    { apiGroups: [""], resources: ["pods"], verbs: ["delete"] },
                    { apiGroups: [""], resources: ["pods/log", "events"], verbs: ["get", "list"] },
                ],
            });
        }
    }
    return out;
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
    if (args.workloadNamespaces.length === 0) {
        problems.push("workloadNamespaces is empty: Argo CD would have nowhere to deploy");
    }
    for (const [keyId, key] of Object.entries(args.gitops.signatureKeys ?? {})) {
        if (!/^[0-9A-F]{16}$/.test(keyId)) {
            problems.push(`gitops.signatureKeys: key id "${keyId}" must be the 16-hex-digit (long) GnuPG key id in upper case, e.g. 4AEE18F83AFDEB23`);
        }
        if (!key.includes("-----BEGIN PGP PUBLIC KEY BLOCK-----")) {
            problems.push(`gitops.signatureKeys.${keyId} is not an ASCII-armored public key: export it with \`gpg --export --armor ${keyId}\``);
        }
    }
    for (const [account, role] of Object.entries(args.gitops.accounts ?? {})) {
        if (account === "admin" || !ARGOCD_ACCOUNT_NAME.test(account)) {
            problems.push(`gitops.accounts: "${account}" must be a lower-case name of at most 32 characters (letters, digits, "-"), not "admin" (the built-in account), e.g. "alice"`);
        }
        if (role !== "admin" && role !== "readonly") {
            problems.push(`gitops.accounts.${account} = "${role}" must be "admin" or "readonly"`);
        }
    }
    if (args.gitops.sso && args.gitops.sso.adminGroups.length === 0) {
        problems.push("gitops.sso.adminGroups is empty: with SSO the local admin is disabled, so name at least one group that administers Argo CD");
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
    const tenancy: ArgoCdTenancy = {
        argocdNamespace: PLATFORM_NAMESPACES.argocd,
        workloadNamespaces: args.workloadNamespaces,
        servingNamespaces: args.servingNamespaces,
        sso: args.gitops.sso,
        signatureKeys: args.gitops.signatureKeys,
        accounts: args.gitops.accounts,
    };
    const password = new random.RandomPassword(
        `${name}-admin-password`,
        // No shell- or YAML-hostile characters: it is typed into the UI and the CLI.
        { length: 32, special: true, overrideSpecial: "-_.+=" },
        { parent },
    );
    // The controller's and server's rights in each tenant namespace, in place before they start
    // (with respectRBAC a kind it cannot list when it starts is skipped).
    const grants = argoCdNamespaceRoles(tenancy).flatMap((r) => {
        const id = `${name}-${r.namespace}-${r.component}`;
        const meta = { name: `platform:argocd-${r.component}`, namespace: r.namespace, labels: { ...COMMON_LABELS } };
        const role = new k8s.rbac.v1.Role(`${id}-role`, { metadata: meta, rules: r.rules }, childOpts(parent, args.provider));
        const binding = new k8s.rbac.v1.RoleBinding(
            `${id}-binding`,
            {
                metadata: meta,
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
                subjects: [{ kind: "ServiceAccount", name: `${ARGOCD_RELEASE}-${r.component}`, namespace: args.namespace }],
            },
            childOpts(parent, args.provider),
        );
        return [role, binding];
    });
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
            values: argoCdValues(args.environment, pulumi.secret(password.bcryptHash), args.tolerations, tenancy),
        },
        childOpts(parent, args.provider, { dependsOn: [...grants, ...(args.after ?? [])] }),
    );
    // The CRs need the chart's CRDs: create them after the release.
    const crOpts = childOpts(parent, args.provider, { dependsOn: [release] });
    // argocd-server creates `default` when it starts (the atomic release waited for it): lock it.
    const lock = pulumi.output(args.namespace).apply(defaultProjectLock);
    const defaultLock = new k8s.apiextensions.CustomResourcePatch(
        `${name}-project-default-lock`,
        {
            apiVersion: "argoproj.io/v1alpha1",
            kind: "AppProject",
            metadata: lock.apply((l) => l.metadata as k8s.types.input.meta.v1.ObjectMeta),
            spec: lock.apply((l) => l.spec),
        },
        crOpts,
    );
    const projects = pulumi.output(args.namespace).apply((ns) => appProjects(ns, args.gitops, tenancy));
    const projectResources = [BOOTSTRAP_PROJECT, WORKLOADS_PROJECT, SERVING_PROJECT].map(
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
    // The app of apps syncs only once every project (the locked default included) is in place:
    // no child Application ever meets an open project.
    new k8s.apiextensions.CustomResource(
        `${name}-bootstrap`,
        {
            apiVersion: "argoproj.io/v1alpha1",
            kind: "Application",
            metadata: app.apply((a) => a.metadata as k8s.types.input.meta.v1.ObjectMeta),
            spec: app.apply((a) => a.spec),
        },
        childOpts(parent, args.provider, { dependsOn: [release, defaultLock, ...projectResources] }),
    );
    return {
        adminPassword: pulumi.secret(password.result),
        serverUrl: pulumi.interpolate`https://${ARGOCD_RELEASE}-server.${args.namespace}.svc.cluster.local:443`,
        release,
    };
}
