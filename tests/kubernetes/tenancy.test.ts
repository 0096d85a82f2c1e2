/**
 * What a tenant, or a push to the config repository, can and cannot do, on the captured graph:
 * Argo CD's projects and rights, monitoring's multi-tenancy settings, priority and eviction, the
 * serving namespace, the demo model's integrity check. The chart values asserted here are the
 * ones that, rendered by a real Helm (v4.1.4) from the pinned charts' sources, produced the
 * review in README ("In-cluster platform: the tenant model"): every pod within its namespace's
 * Pod Security level, no BestEffort pod, no chart ClusterRole reading Secrets except the
 * prometheus-operator's own, no chart NetworkPolicy.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { at, byName, CapturedResource, ofType, ResourceGraph } from "../../offline/graph";
import {
    addonsProblems,
    alertmanagerConfig,
    ALERT_RULES,
    argoCdNamespaceRoles,
    argoCdPolicyCsv,
    CRITICAL_PRIORITY_CLASSES,
    DEMO_INITIALIZER,
    DEMO_MODEL_HTTPS,
    OBSERVED_KINDS,
    SERVING_KINDS,
    verifyingInitializerScript,
    WORKLOAD_KINDS,
} from "../../components/kubernetes";
import { addonsGraph, baseArgs, DEMO_SHA256 } from "./fixtures";

const values = (r: CapturedResource) => r.inputs.values as any;
const release = (g: ResourceGraph, name: string) => values(byName(g, "kubernetes:helm.sh/v3:Release", name));
const T = {
    project: "kubernetes:argoproj.io/v1alpha1:AppProject",
    projectPatch: "kubernetes:argoproj.io/v1alpha1:AppProjectPatch",
    app: "kubernetes:argoproj.io/v1alpha1:Application",
    role: "kubernetes:rbac.authorization.k8s.io/v1:Role",
    binding: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
    quota: "kubernetes:core/v1:ResourceQuota",
    sa: "kubernetes:core/v1:ServiceAccount",
    np: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    sdep: "kubernetes:machinelearning.seldon.io/v1:SeldonDeployment",
};

/**
 * Kinds a tenant must never ship through Argo CD, each for its documented abuse (independent of
 * the allow-list in argocd.ts): a permissive NetworkPolicy cancels default-deny; Roles and
 * bindings are applied by the controller; quotas and limit ranges are the platform's; a PDB
 * that allows no eviction blocks drains; DaemonSets reach every node; hand-written Endpoints
 * point a Service anywhere; monitoring's AlertmanagerConfig/Probe/ScrapeConfig are read only
 * from `monitoring`.
 */
const FORBIDDEN_KINDS = [
    // Not kept in Git (Vault at run time), and syncing them would need list/watch on every Secret.
    "Secret",
    "NetworkPolicy",
    "Role",
    "RoleBinding",
    "ClusterRole",
    "ClusterRoleBinding",
    "ResourceQuota",
    "LimitRange",
    "PodDisruptionBudget",
    "DaemonSet",
    "Pod",
    "Endpoints",
    "EndpointSlice",
    "Ingress",
    "AlertmanagerConfig",
    "Probe",
    "ScrapeConfig",
    "CustomResourceDefinition",
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
    "ValidatingAdmissionPolicy",
    "Namespace",
    "AppProject",
    "Application",
];

describe("tenancy: Argo CD is a boundary, not a cluster-admin", function () {
    this.timeout(60_000);
    let dev: ResourceGraph;
    let prod: ResourceGraph;
    let signed: ResourceGraph;
    const KEY_ID = "4AEE18F83AFDEB23";
    before(async () => {
        dev = await addonsGraph("dev");
        prod = await addonsGraph("prod");
        signed = await addonsGraph("staging", () => ({
            gitops: {
                ...baseArgs("staging").gitops,
                signatureKeys: { [KEY_ID]: "-----BEGIN PGP PUBLIC KEY BLOCK-----\noffline\n-----END PGP PUBLIC KEY BLOCK-----\n" },
                sso: { url: "https://localhost:8080", issuer: "https://login.example.com", clientId: "argocd", adminGroups: ["platform-admins"], readonlyGroups: ["auditors"] },
                accounts: { alice: "admin", "ci-viewer": "readonly" },
            },
        }));
    });

    const project = (g: ResourceGraph, name: string) => byName(g, T.project, `platform-argocd-project-${name}`).inputs.spec as any;

    it("the built-in default project is locked by a forced server-side apply after the release, before the app of apps", () => {
        const lock = byName(dev, T.projectPatch, "platform-argocd-project-default-lock");
        assert.deepEqual(at(lock.inputs, "metadata.name"), "default");
        assert.equal((at(lock.inputs, "metadata.annotations") as Record<string, string>)["pulumi.com/patchForce"], "true");
        assert.deepEqual(lock.inputs.spec, {
            description: "Locked by the platform: use the platform-bootstrap, workloads or serving project",
            sourceRepos: [],
            sourceNamespaces: [],
            destinations: [],
            clusterResourceWhitelist: [],
            namespaceResourceBlacklist: [{ group: "*", kind: "*" }],
        });
        assert.ok(lock.dependencies.includes(byName(dev, "kubernetes:helm.sh/v3:Release", "platform-argocd").urn), "argocd-server creates default at start");
        assert.ok(byName(dev, T.app, "platform-argocd-bootstrap").dependencies.includes(lock.urn));
    });

    it("no project has a wildcard source, destination or kind; each names the config repository only", () => {
        for (const name of ["platform-bootstrap", "workloads", "serving"]) {
            const spec = project(dev, name);
            assert.deepEqual(spec.sourceRepos, ["https://github.com/example/platform-config.git"], name);
            assert.deepEqual(spec.sourceNamespaces, [], name);
            assert.deepEqual(spec.clusterResourceWhitelist, [], name);
            assert.ok(!JSON.stringify(spec).includes('"*"'), `${name} has a wildcard`);
            assert.equal(spec.namespaceResourceBlacklist, undefined, `${name} is an allow-list`);
        }
    });

    it("bootstrap: Applications in argocd only; workloads: the allow-list in the workload namespaces; serving: models only, serving kinds only", () => {
        const dest = (name: string) => project(dev, name).destinations.map((d: { server: string; namespace: string }) => `${d.server}/${d.namespace}`);
        assert.deepEqual(dest("platform-bootstrap"), ["https://kubernetes.default.svc/argocd"]);
        assert.deepEqual(project(dev, "platform-bootstrap").namespaceResourceWhitelist, [{ group: "argoproj.io", kind: "Application" }]);
        assert.deepEqual(dest("workloads"), ["dev", "staging", "production"].map((n) => `https://kubernetes.default.svc/${n}`));
        assert.deepEqual(dest("serving"), ["https://kubernetes.default.svc/models"]);
        assert.deepEqual(project(dev, "serving").namespaceResourceWhitelist, [{ group: "machinelearning.seldon.io", kind: "SeldonDeployment" }]);
        const allowed = (project(dev, "workloads").namespaceResourceWhitelist as { kind: string }[]).map((k) => k.kind);
        for (const kind of FORBIDDEN_KINDS) {
            assert.ok(!allowed.includes(kind), `workloads may ship ${kind}`);
            assert.ok(!project(dev, "serving").namespaceResourceWhitelist.some((k: { kind: string }) => k.kind === kind), `serving may ship ${kind}`);
        }
    });

    it("signed commits: with keys, every project requires them and the chart gets the keyring; without, none", () => {
        for (const name of ["platform-bootstrap", "workloads", "serving"]) {
            assert.deepEqual(project(signed, name).signatureKeys, [{ keyID: KEY_ID }], name);
            assert.equal(project(dev, name).signatureKeys, undefined, name);
        }
        assert.deepEqual(Object.keys(release(signed, "platform-argocd").configs.gpg.keys), [KEY_ID]);
        assert.equal(release(dev, "platform-argocd").configs.gpg, undefined);
    });

    it("the controller and the server have no ClusterRole; the in-cluster destination is limited to argocd and the tenant namespaces", () => {
        for (const g of [dev, prod]) {
            const v = release(g, "platform-argocd");
            assert.equal(v.createClusterRoles, false);
            assert.deepEqual(v.configs.clusterCredentials, {
                "in-cluster": { server: "https://kubernetes.default.svc", namespaces: "argocd,dev,staging,production,models", config: { tlsClientConfig: { insecure: false } } },
            });
            assert.equal(v.configs.cm["resource.respectRBAC"], "normal");
            assert.equal(v.notifications.enabled, false);
            assert.deepEqual(v.global.networkPolicy, { create: false }, "the chart's argocd-server policy is ingress: [{}]");
            assert.equal(v.dex.enabled, false);
        }
    });

    it("each tenant namespace gives the controller the project's kinds and the server read/delete/patch, nothing else, bound to their accounts", () => {
        const expectRoles = argoCdNamespaceRoles({ workloadNamespaces: ["dev", "staging", "production"], servingNamespaces: ["models"] });
        assert.equal(expectRoles.length, 8);
        for (const r of expectRoles) {
            const role = byName(dev, T.role, `platform-argocd-${r.namespace}-${r.component}-role`).inputs as any;
            assert.equal(role.metadata.namespace, r.namespace);
            const granted = role.rules.flatMap((rule: { apiGroups: string[]; resources: string[]; verbs: string[] }) => rule.resources.map((res) => `${rule.apiGroups[0]}/${res}:${rule.verbs.join(",")}`));
            const kinds = r.namespace === "models" ? SERVING_KINDS : WORKLOAD_KINDS;
            for (const k of kinds) {
                const verbs = r.component === "application-controller" ? "get,list,watch,create,update,patch,delete" : "get,list,watch,patch,delete";
                assert.ok(granted.includes(`${k.group}/${k.resource}:${verbs}`), `${r.namespace} ${r.component} ${k.kind}`);
            }
            for (const k of OBSERVED_KINDS) {
                assert.ok(granted.includes(`${k.group}/${k.resource}:get,list,watch`), `${r.namespace} ${r.component} reads ${k.kind}`);
            }
            assert.ok(!JSON.stringify(role.rules).includes('"*"'));
            for (const kind of ["secrets", "networkpolicies", "roles", "rolebindings", "resourcequotas", "limitranges", "poddisruptionbudgets", "pods/exec"]) {
                assert.ok(!JSON.stringify(role.rules).includes(`"${kind}"`), `${r.namespace} ${r.component} ${kind}`);
            }
            const binding = byName(dev, T.binding, `platform-argocd-${r.namespace}-${r.component}-binding`).inputs as any;
            assert.deepEqual(binding.subjects, [{ kind: "ServiceAccount", name: `argocd-${r.component}`, namespace: "argocd" }]);
        }
        // The roles exist before Argo CD starts (respectRBAC skips what it cannot list at start).
        const rel = byName(dev, "kubernetes:helm.sh/v3:Release", "platform-argocd");
        for (const r of ofType(dev, T.role).filter((x) => x.name.startsWith("platform-argocd-"))) {
            assert.ok(rel.dependencies.includes(r.urn), r.name);
        }
    });

    it("Argo CD users: no default role; without SSO only the break-glass admin; with SSO the admin is off and groups map to roles; named accounts get theirs", () => {
        const plain = release(dev, "platform-argocd").configs;
        assert.deepEqual([plain.rbac["policy.default"], plain.rbac["policy.csv"], plain.cm["admin.enabled"]], ["", "", true]);
        assert.equal(plain.cm["oidc.config"], undefined);
        assert.deepEqual(Object.keys(plain.cm).filter((k) => k.startsWith("accounts.")), []);
        const sso = release(signed, "platform-argocd").configs;
        assert.equal(sso.cm["admin.enabled"], false);
        assert.equal(sso.cm.url, "https://localhost:8080");
        assert.deepEqual(JSON.parse(sso.cm["oidc.config"]), {
            name: "SSO",
            issuer: "https://login.example.com",
            clientID: "argocd",
            enablePKCEAuthentication: true,
            requestedScopes: ["openid", "profile", "email", "groups"],
        });
        // Named local accounts: UI/CLI login only (no apiKey: no long-lived tokens), each with its role.
        assert.deepEqual(
            Object.entries(sso.cm).filter(([k]) => k.startsWith("accounts.")),
            [
                ["accounts.alice", "login"],
                ["accounts.ci-viewer", "login"],
            ],
        );
        assert.equal(sso.rbac["policy.csv"], "g, platform-admins, role:admin\ng, auditors, role:readonly\ng, alice, role:admin\ng, ci-viewer, role:readonly");
        assert.equal(sso.rbac.scopes, "[groups]");
        assert.equal(argoCdPolicyCsv(undefined), "");
    });

    it("bad signature keys, bad account names or roles and an SSO without admins are refused, naming the key and the fix", () => {
        const problems = addonsProblems({
            ...baseArgs("dev"),
            gitops: {
                ...baseArgs("dev").gitops,
                signatureKeys: { abc: "not a key" },
                sso: { url: "https://x", issuer: "https://y", clientId: "c", adminGroups: [] },
                accounts: { admin: "admin", Bob: "readonly", carol: "owner" },
            },
        } as any);
        assert.deepEqual(problems, [
            'gitops.signatureKeys: key id "abc" must be the 16-hex-digit (long) GnuPG key id in upper case, e.g. 4AEE18F83AFDEB23',
            "gitops.signatureKeys.abc is not an ASCII-armored public key: export it with `gpg --export --armor abc`",
            'gitops.accounts: "admin" must be a lower-case name of at most 32 characters (letters, digits, "-"), not "admin" (the built-in account), e.g. "alice"',
            'gitops.accounts: "Bob" must be a lower-case name of at most 32 characters (letters, digits, "-"), not "admin" (the built-in account), e.g. "alice"',
            'gitops.accounts.carol = "owner" must be "admin" or "readonly"',
            "gitops.sso.adminGroups is empty: with SSO the local admin is disabled, so name at least one group that administers Argo CD",
        ]);
    });
});

describe("tenancy: monitoring cannot be turned against the platform", function () {
    this.timeout(60_000);
    let dev: ResourceGraph;
    let prod: ResourceGraph;
    before(async () => {
        dev = await addonsGraph("dev");
        prod = await addonsGraph("prod");
    });

    it("Prometheus: no file access through monitors, the namespace label enforced on tenants, scrape limits, probes and scrape configs from monitoring only", () => {
        const spec = release(dev, "platform-monitoring").prometheus.prometheusSpec;
        assert.deepEqual(spec.arbitraryFSAccessThroughSMs, { deny: true });
        assert.equal(spec.enforcedNamespaceLabel, "namespace");
        const excluded = spec.excludedFromEnforcement as { resource: string; namespace: string; name?: string }[];
        assert.deepEqual([...new Set(excluded.map((e) => e.namespace))], ["monitoring", "node-exporter"], "only the platform's own objects are exempt");
        assert.ok(excluded.every((e) => e.name === undefined), "whole namespaces: the chart's rules and monitors");
        assert.deepEqual(new Set(excluded.map((e) => e.resource)), new Set(["prometheusrules", "servicemonitors", "podmonitors", "probes", "scrapeconfigs"]));
        for (const key of ["enforcedSampleLimit", "enforcedTargetLimit", "enforcedLabelLimit", "enforcedLabelNameLengthLimit", "enforcedLabelValueLengthLimit"]) {
            assert.ok(Number.isInteger(spec[key]) && spec[key] > 0, key);
        }
        const monitoringOnly = { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } };
        assert.deepEqual([spec.probeNamespaceSelector, spec.scrapeConfigNamespaceSelector], [monitoringOnly, monitoringOnly]);
    });

    it("Alertmanager: AlertmanagerConfigs from monitoring only, matched on their own namespace", () => {
        const spec = release(dev, "platform-monitoring").alertmanager.alertmanagerSpec;
        assert.deepEqual(spec.alertmanagerConfigNamespaceSelector, { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } });
        assert.deepEqual(spec.alertmanagerConfigMatcherStrategy, { type: "OnNamespace" });
    });

    /** Alertmanager's routing of one alert: the first child route whose matchers all hold (anchored regexes), else the root. */
    function route(config: any, labels: Record<string, string>): string {
        const holds = (m: string) => {
            const [, name, op, value] = /^(\w+) (=~|!~|=|!=) "(.*)"$/.exec(m)!;
            const v = labels[name] ?? "";
            const re = new RegExp(`^(?:${value})$`);
            return { "=": v === value, "!=": v !== value, "=~": re.test(v), "!~": !re.test(v) }[op];
        };
        return (config.route.routes as { receiver: string; matchers: string[] }[]).find((r) => r.matchers.every(holds))?.receiver ?? config.route.receiver;
    }

    it("Slack gets the platform's alerts about any namespace, and tenants' own alerts about nothing", () => {
        const config = alertmanagerConfig(true, "#platform");
        // A tenant's rule: always namespace=<its namespace> (enforced), any name, any severity.
        assert.equal(route(config, { alertname: "DatabaseOnFire", namespace: "dev", severity: "critical" }), "null");
        assert.equal(route(config, { alertname: "KubeAPIDown", namespace: "staging", severity: "critical" }), "null", "a forged cluster alert stays in its namespace and out of Slack");
        // The platform's rules, about a tenant namespace or the cluster.
        for (const r of ALERT_RULES) {
            assert.equal(route(config, { alertname: r.alert, namespace: "production", severity: r.labels.severity }), "slack", r.alert);
        }
        assert.equal(route(config, { alertname: "KubeAPIDown", severity: "critical" }), "slack", "no namespace: the cluster's");
        assert.equal(route(config, { alertname: "KubePodCrashLooping", namespace: "monitoring" }), "slack");
        assert.equal(route(config, { alertname: "KubeletDown", namespace: "kube-system" }), "slack");
        assert.equal(route(config, { alertname: "Watchdog" }), "null");
        // A namespace merely starting like a platform one is a tenant's (anchored).
        assert.equal(route(config, { alertname: "X", namespace: "monitoring-team" }), "null");
    });

    it("Grafana reads only its namespace, has no test pod; kube-state-metrics does not collect Secrets", () => {
        const v = release(dev, "platform-monitoring");
        assert.deepEqual(v.grafana.rbac, { namespaced: true });
        assert.deepEqual(v.grafana.testFramework, { enabled: false });
        assert.deepEqual(v["kube-state-metrics"].collectorsExclude, ["secrets"]);
    });

    it("node-exporter runs in its own privileged namespace, so monitoring is restricted", () => {
        assert.equal(release(dev, "platform-monitoring")["prometheus-node-exporter"].namespaceOverride, "node-exporter");
        const labels = (ns: string) => at(byName(dev, "kubernetes:core/v1:Namespace", `platform-baseline-${ns}`).inputs, "metadata.labels") as Record<string, string>;
        assert.equal(labels("monitoring")["pod-security.kubernetes.io/enforce"], "restricted");
        assert.equal(labels("node-exporter")["pod-security.kubernetes.io/enforce"], "privileged");
    });

    it("PodDisruptionBudgets for Prometheus and Alertmanager where they have more than one replica (prod), letting one go at a time", () => {
        assert.deepEqual(release(dev, "platform-monitoring").prometheus.podDisruptionBudget, { enabled: false });
        assert.deepEqual(release(dev, "platform-monitoring").alertmanager.podDisruptionBudget, { enabled: false });
        const p = release(prod, "platform-monitoring");
        assert.deepEqual(p.prometheus.podDisruptionBudget, { enabled: true, minAvailable: p.prometheus.prometheusSpec.replicas - 1 });
        assert.deepEqual(p.alertmanager.podDisruptionBudget, { enabled: true, minAvailable: p.alertmanager.alertmanagerSpec.replicas - 1 });
        assert.deepEqual([p.prometheus.prometheusSpec.replicas, p.alertmanager.alertmanagerSpec.replicas], [2, 3]);
    });
});

/**
 * Every values path through which the pinned charts render a pod, container or CR-managed pod,
 * and so must carry the priority class and requests/limits: found by rendering each chart with
 * the stacks' values and listing every pod's source (README, the render review).
 */
const PRIORITY_PATHS: Readonly<Record<string, readonly string[]>> = {
    "platform-argocd": ["global.priorityClassName"],
    "platform-monitoring": [
        "prometheusOperator.priorityClassName",
        "prometheusOperator.admissionWebhooks.patch.priorityClassName",
        "prometheus.prometheusSpec.priorityClassName",
        "alertmanager.alertmanagerSpec.priorityClassName",
        "grafana.priorityClassName",
        "kube-state-metrics.priorityClassName",
        "prometheus-node-exporter.priorityClassName",
    ],
    "platform-serving-seldon-core": ["manager.priorityClassName"],
};
const RESOURCE_PATHS: Readonly<Record<string, readonly string[]>> = {
    "platform-argocd": ["controller.resources", "server.resources", "repoServer.resources", "repoServer.copyutil.resources", "applicationSet.resources", "redis.resources", "redisSecretInit.resources"],
    "platform-monitoring": [
        "prometheusOperator.resources",
        "prometheusOperator.prometheusConfigReloader.resources",
        "prometheusOperator.admissionWebhooks.patch.resources",
        "prometheus.prometheusSpec.resources",
        "alertmanager.alertmanagerSpec.resources",
        "grafana.resources",
        "grafana.sidecar.resources",
        "kube-state-metrics.resources",
        "prometheus-node-exporter.resources",
    ],
};
const PROD_HA_RESOURCE_PATHS = ["redis-ha.redis.resources", "redis-ha.sentinel.resources", "redis-ha.splitBrainDetection.resources", "redis-ha.init.resources", "redis-ha.haproxy.resources", "redis-ha.haproxy.init.resources"];

describe("tenancy: the platform cannot be evicted or starved by tenants", function () {
    this.timeout(60_000);
    let dev: ResourceGraph;
    let prod: ResourceGraph;
    before(async () => {
        dev = await addonsGraph("dev");
        prod = await addonsGraph("prod");
    });

    it("one PriorityClass for the platform, above tenants and below the system classes, never the default", () => {
        const pc = byName(dev, "kubernetes:scheduling.k8s.io/v1:PriorityClass", "platform-baseline-platform-critical").inputs as any;
        assert.equal(pc.metadata.name, "platform-critical");
        // User-defined classes may use at most 1000000000 (Kubernetes pod-priority-preemption docs).
        assert.ok(pc.value > 0 && pc.value <= 1_000_000_000);
        assert.equal(pc.globalDefault, false);
        assert.equal(pc.preemptionPolicy, "PreemptLowerPriority");
    });

    it("every pod-rendering values path names the class; seldon's manager through its own chart value", () => {
        for (const g of [dev, prod]) {
            for (const [rel, paths] of Object.entries(PRIORITY_PATHS)) {
                for (const path of paths) {
                    assert.equal(at(release(g, rel), path), "platform-critical", `${rel}: ${path}`);
                }
            }
        }
        assert.equal(at(release(prod, "platform-argocd"), "redis-ha.priorityClassName"), "platform-critical");
        assert.equal(at(release(prod, "platform-argocd"), "redis-ha.haproxy.priorityClassName"), "platform-critical");
    });

    it("Argo CD's redis (dev, staging) mounts no API token: it never calls the API (the chart's default mounts the namespace's default token)", () => {
        assert.equal(at(release(dev, "platform-argocd"), "redis.automountServiceAccountToken"), false);
    });

    it("every container has CPU and memory requests and limits (no BestEffort pod), limits not below requests", () => {
        const qty = (q: string) => (q.endsWith("m") ? Number(q.slice(0, -1)) / 1000 : q.endsWith("Gi") ? Number(q.slice(0, -2)) * 1024 : q.endsWith("Mi") ? Number(q.slice(0, -2)) : Number(q));
        for (const [g, extra] of [
            [dev, []],
            [prod, PROD_HA_RESOURCE_PATHS],
        ] as const) {
            for (const [rel, paths] of Object.entries(RESOURCE_PATHS)) {
                for (const path of [...paths, ...(rel === "platform-argocd" ? extra : [])]) {
                    const r = at(release(g, rel), path) as { requests: Record<string, string>; limits: Record<string, string> };
                    for (const k of ["cpu", "memory"]) {
                        assert.ok(r?.requests?.[k] && r?.limits?.[k], `${rel}: ${path}.${k}`);
                        assert.ok(qty(r.limits[k]) >= qty(r.requests[k]), `${rel}: ${path}.${k} limit below request`);
                    }
                }
            }
        }
    });

    it("tenant namespaces refuse pods of critical classes (scoped quotas); the serving operator keeps its own, for its replicas", () => {
        const quotas = (ns: string) =>
            Object.fromEntries(
                ofType(dev, T.quota)
                    .filter((q) => at(q.inputs, "metadata.namespace") === ns && at(q.inputs, "spec.scopeSelector"))
                    .map((q) => [at(q.inputs, "metadata.name"), { pods: at(q.inputs, "spec.hard.pods"), classes: (at(q.inputs, "spec.scopeSelector.matchExpressions") as any)[0].values, scope: (at(q.inputs, "spec.scopeSelector.matchExpressions") as any)[0].scopeName }]),
            );
        for (const ns of ["dev", "staging", "production"]) {
            assert.deepEqual(quotas(ns), { "platform-critical-priority": { pods: "0", classes: [...CRITICAL_PRIORITY_CLASSES], scope: "PriorityClass" } });
        }
        assert.deepEqual(quotas("models"), {
            "platform-system-priority": { pods: "0", classes: ["system-cluster-critical", "system-node-critical"], scope: "PriorityClass" },
            "platform-critical-priority": { pods: "2", classes: ["platform-critical"], scope: "PriorityClass" },
        });
        // Independent of the list in common.ts: the built-in classes of every cluster.
        for (const builtin of ["system-cluster-critical", "system-node-critical"]) {
            assert.ok(CRITICAL_PRIORITY_CLASSES.includes(builtin));
        }
        // No quota in a platform namespace: its pods use the class.
        assert.deepEqual(quotas("monitoring"), {});
    });

    it("the default ServiceAccount of every tenant namespace mounts no token; the runner's jobs get their own token-less account", () => {
        for (const ns of ["dev", "staging", "production", "models"]) {
            const sa = byName(dev, T.sa, `platform-baseline-${ns}-default-sa`).inputs as any;
            assert.deepEqual([sa.metadata.name, sa.metadata.namespace, sa.automountServiceAccountToken], ["default", ns, false]);
        }
        for (const ns of ["dev", "staging", "production"]) {
            const job = byName(dev, T.sa, `platform-baseline-${ns}-model-training-job`).inputs as any;
            assert.equal(job.automountServiceAccountToken, false);
            assert.equal(job.metadata.annotations, undefined, "no cloud identity");
            assert.ok(!ofType(dev, T.binding).some((b) => JSON.stringify(b.inputs.subjects).includes("model-training-job")), "no RBAC binds it");
        }
        assert.equal(ofType(dev, T.sa).filter((s) => at(s.inputs, "metadata.namespace") === "argocd").length, 0, "platform namespaces keep the charts' accounts");
    });
});

describe("tenancy: the serving namespace", function () {
    this.timeout(60_000);
    let demo: ResourceGraph;
    before(async () => {
        demo = await addonsGraph("staging", () => ({ modelServing: { engine: "seldon-core", demo: true, demoModelSha256: DEMO_SHA256 } }));
    });

    it("Seldon runs in single-namespace mode in models: no ClusterRole, its webhook selects models", () => {
        const v = release(demo, "platform-serving-seldon-core");
        assert.equal(v.singleNamespace, true);
        assert.equal(byName(demo, "kubernetes:helm.sh/v3:Release", "platform-serving-seldon-core").inputs.namespace, "models");
        assert.equal((at(byName(demo, "kubernetes:core/v1:Namespace", "platform-baseline-models").inputs, "metadata.labels") as Record<string, string>)["seldon.io/controller-id"], "models");
    });

    it("in models, only the operator reaches the API and takes webhook calls; only model pods download", () => {
        const policy = (name: string) => byName(demo, T.np, `platform-baseline-models-${name}`).inputs.spec as any;
        const operator = { matchLabels: { "control-plane": "seldon-controller-manager", app: "seldon" } };
        assert.deepEqual(policy("allow-operator-apiserver-egress").podSelector, operator);
        assert.deepEqual(policy("allow-operator-webhook-ingress").podSelector, operator);
        assert.deepEqual(policy("allow-operator-webhook-ingress").ingress[0].ports, [{ protocol: "TCP", port: 4443 }]);
        assert.deepEqual(policy("allow-model-download-egress").podSelector, { matchExpressions: [{ key: "seldon-deployment-id", operator: "Exists" }] });
        assert.ok(!demo.resources.some((r) => r.type === T.np && at(r.inputs, "metadata.namespace") === "models" && at(r.inputs, "metadata.name") === "allow-apiserver-egress"), "no namespace-wide API egress");
    });

    it("the demo model is fetched over HTTPS by the platform's own initializer, and served only if its SHA-256 is the pinned one", () => {
        const spec = (byName(demo, T.sdep, "platform-serving-iris").inputs.spec as any).predictors[0].componentSpecs[0].spec;
        // Seldon skips its own (unverifying) initializer when one of this name exists.
        assert.deepEqual(spec.initContainers.map((c: { name: string }) => c.name), ["classifier-model-initializer"]);
        assert.deepEqual(spec.volumes, [{ name: "classifier-provision-location", emptyDir: {} }]);
        const init = spec.initContainers[0];
        assert.deepEqual(init.volumeMounts, [{ name: DEMO_INITIALIZER.volume, mountPath: "/mnt/models" }]);
        assert.equal(init.image, spec.containers[0].image, "the server's own image: nothing else to trust");
        assert.deepEqual(init.command.slice(0, 2), ["python", "-c"]);
        assert.ok(init.command[2].includes(DEMO_SHA256) && init.command[2].includes(DEMO_MODEL_HTTPS));
    });

    it("the initializer's check works: it keeps the artifact whose digest is pinned and refuses any other (run with Python when present)", function () {
        const python = spawnSync("python3", ["--version"]);
        if (python.status !== 0) {
            this.skip();
        }
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "model-"));
        const artifact = path.join(dir, "artifact.bin");
        fs.writeFileSync(artifact, "model bytes");
        const url = `file://${artifact}`;
        const good = createHash("sha256").update("model bytes").digest("hex");
        const run = (sha: string, dest: string) => spawnSync("python3", ["-c", verifyingInitializerScript(url, sha, dest)], { encoding: "utf8" });
        const ok = run(good, path.join(dir, "ok.joblib"));
        assert.equal(ok.status, 0, ok.stderr);
        assert.equal(fs.readFileSync(path.join(dir, "ok.joblib"), "utf8"), "model bytes");
        const bad = run("0".repeat(64), path.join(dir, "bad.joblib"));
        assert.notEqual(bad.status, 0);
        assert.match(bad.stderr, /model artifact sha256 [0-9a-f]{64} != pinned 0{64}/);
        assert.equal(fs.existsSync(path.join(dir, "bad.joblib")), false, "nothing is written for the server to load");
    });

    it("the demo without a pinned digest is refused, naming the key and how to get it", () => {
        const problems = addonsProblems({ ...baseArgs("dev"), modelServing: { engine: "seldon-core", demo: true } } as any);
        assert.deepEqual(problems, [
            `demoModelSha256 = "unset" must be the SHA-256 of ${DEMO_MODEL_HTTPS} (64 lowercase hex digits) when demo is true: the model is a pickle that runs code when loaded; check it once (curl -sL <url> | sha256sum) and pin it`,
        ]);
    });
});
