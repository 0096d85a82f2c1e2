/**
 * The Addons component run under the offline engine (Pulumi mocks): the exact children it
 * registers, their security-relevant inputs for dev and prod, secrets, and every directly
 * declared Kubernetes object checked against its upstream schema.
 *
 * Offline evidence: this proves what the program asks the Kubernetes provider and Helm for, not
 * that a cluster accepted it.
 */
import assert from "node:assert/strict";
import { Pod } from "kubernetes-models/v1/Pod";
import { at, byName, CapturedResource, childrenOf, countByType, ofType, ResourceGraph } from "../../offline/graph";
import { CHART_IMAGES, CHARTS, PLATFORM_NAMESPACES, SERVING_NAMESPACE, tagWithDigest } from "../../components/kubernetes";
import { addonsGraph, baseArgs, DEMO_SHA256, SLACK_WEBHOOK, SPOT_TOLERATION, TEST_CA_PEM, TOLERATION_PATHS } from "./fixtures";
import { loadValidators, validateObject } from "./schemas";

const T = {
    ns: "kubernetes:core/v1:Namespace",
    np: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    quota: "kubernetes:core/v1:ResourceQuota",
    limits: "kubernetes:core/v1:LimitRange",
    sa: "kubernetes:core/v1:ServiceAccount",
    role: "kubernetes:rbac.authorization.k8s.io/v1:Role",
    binding: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
    secret: "kubernetes:core/v1:Secret",
    cm: "kubernetes:core/v1:ConfigMap",
    release: "kubernetes:helm.sh/v3:Release",
    app: "kubernetes:argoproj.io/v1alpha1:Application",
    project: "kubernetes:argoproj.io/v1alpha1:AppProject",
    rule: "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
    sdep: "kubernetes:machinelearning.seldon.io/v1:SeldonDeployment",
    deploymentPatch: "kubernetes:apps/v1:DeploymentPatch",
    projectPatch: "kubernetes:argoproj.io/v1alpha1:AppProjectPatch",
    priorityClass: "kubernetes:scheduling.k8s.io/v1:PriorityClass",
    vap: "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy",
    vapBinding: "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding",
    password: "random:index/randomPassword:RandomPassword",
};

const values = (r: CapturedResource) => r.inputs.values as any;
const nsOf = (r: CapturedResource) => at(r.inputs, "metadata.namespace") as string;

describe("kubernetes Addons (offline graph)", function () {
    let dev: ResourceGraph;
    let prod: ResourceGraph;
    let withSlackAndDemo: ResourceGraph;
    /** A cluster whose workload pool is tainted (AKS Spot): the hints carry a toleration. */
    let spot: ResourceGraph;

    before(async () => {
        spot = await addonsGraph("staging", () => ({
            hints: { ...baseArgs("staging").hints, workloadTolerations: [SPOT_TOLERATION] },
            modelServing: { engine: "seldon-core", demo: true, demoModelSha256: DEMO_SHA256 },
        }));
        dev = await addonsGraph("dev");
        prod = await addonsGraph("prod");
        withSlackAndDemo = await addonsGraph("staging", (pulumi) => ({
            alerting: { slackWebhookUrl: pulumi.secret(SLACK_WEBHOOK), slackChannel: "#platform-alerts" },
            modelServing: { engine: "seldon-core", demo: true, demoModelSha256: DEMO_SHA256 },
            trainingRunnerIdentities: { dev: "arn:aws:iam::123456789012:role/dev-training-runner" },
        }));
    });

    it("registers exactly the expected children (dev, no Slack, no demo)", () => {
        assert.deepEqual(countByType(dev), {
            [T.release]: 3,
            [T.app]: 1,
            // platform-bootstrap, workloads, serving; and the lock of the built-in default
            [T.project]: 3,
            [T.projectPatch]: 1,
            [T.cm]: 1,
            // 3 workload namespaces and the serving namespace
            [T.limits]: 4,
            [T.ns]: 7,
            // platform-quota + critical-priority in each workload namespace; in models: platform-quota, system and platform priority
            [T.quota]: 3 * 2 + 3,
            [T.secret]: 1,
            // per workload namespace: runner, job, default; the serving namespace's default
            [T.sa]: 3 * 3 + 1,
            [T.rule]: 1,
            // argocd 6 + monitoring 7 + node-exporter 3 + 3 workloads x 5 + models 7 + Prometheus tool-VM egress 1
            // + default-deny in `default` (no tool VM grants, no token endpoint in these hints)
            [T.np]: 6 + 7 + 3 + 3 * 5 + 7 + 1 + 1,
            // the runner's in each workload namespace; Argo CD's controller and server in 3 workload namespaces and models
            [T.role]: 3 + 4 * 2,
            [T.binding]: 3 + 4 * 2,
            [T.priorityClass]: 1,
            [T.vap]: 4,
            // tenant workloads and the Argo CD boundary bind twice (tenant roles, PR namespaces)
            [T.vapBinding]: 6,
            "platform:k8s:Addons": 1,
            "platform:k8s:ArgoCd": 1,
            "platform:k8s:Baseline": 1,
            "platform:k8s:ModelServing": 1,
            "platform:k8s:Monitoring": 1,
            "platform:k8s:TenantGuardrails": 1,
            "pulumi:providers:kubernetes": 1,
            "pulumi:pulumi:Stack": 1,
            [T.password]: 2,
        });
        const addons = byName(dev, "platform:k8s:Addons", "platform");
        assert.deepEqual(
            childrenOf(dev, addons.urn).map((r) => `${r.type}::${r.name}`),
            [
                "platform:k8s:Baseline::platform-baseline",
                "platform:k8s:ArgoCd::platform-argocd",
                "platform:k8s:Monitoring::platform-monitoring",
                "platform:k8s:ModelServing::platform-serving",
                // Registered once the baseline exists (it depends on it); Argo CD's release waits for it.
                "platform:k8s:TenantGuardrails::platform-guardrails",
            ],
        );
    });

    it("every Kubernetes object uses the explicit provider", () => {
        for (const r of dev.resources.filter((x) => x.type.startsWith("kubernetes:"))) {
            assert.match(r.provider ?? "", /pulumi:providers:kubernetes::k8s::/, r.name);
        }
    });

    it("every directly declared object passes its upstream schema (dev, prod, Slack + demo)", async () => {
        const validators = await loadValidators();
        let checked = 0;
        for (const graph of [dev, prod, withSlackAndDemo, spot]) {
            for (const r of graph.resources) {
                // A patch is a partial object by design (server-side apply): its tolerations are
                // checked against the Pod schema in the tolerations test below.
                if (!r.type.startsWith("kubernetes:") || r.type === T.release || r.type === T.deploymentPatch) {
                    continue;
                }
                validateObject(validators, r.inputs as Record<string, unknown>);
                checked++;
            }
        }
        assert.ok(checked > 150, `only ${checked} objects validated`);
    });

    it("every namespace has a default-deny policy for ingress and egress", () => {
        for (const graph of [dev, withSlackAndDemo]) {
            const namespaces = ofType(graph, T.ns).map((n) => at(n.inputs, "metadata.name") as string);
            for (const ns of namespaces) {
                const deny = ofType(graph, T.np).filter((p) => nsOf(p) === ns && at(p.inputs, "metadata.name") === "default-deny");
                assert.equal(deny.length, 1, `no default-deny in ${ns}`);
                assert.deepEqual(deny[0].inputs.spec, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
            }
        }
        const names = ofType(withSlackAndDemo, T.ns).map((n) => at(n.inputs, "metadata.name"));
        assert.deepEqual(names, ["argocd", "monitoring", "node-exporter", "dev", "staging", "production", "models"]);
    });

    it("namespaces carry the Pod Security labels of their role", () => {
        const enforce = Object.fromEntries(
            ofType(withSlackAndDemo, T.ns).map((n) => [at(n.inputs, "metadata.name"), at(n.inputs, "metadata.labels")]),
        ) as Record<string, Record<string, string>>;
        const level = (ns: string) => enforce[ns]["pod-security.kubernetes.io/enforce"];
        assert.equal(level("argocd"), "restricted");
        assert.equal(level("monitoring"), "restricted");
        assert.equal(level("node-exporter"), "privileged");
        for (const ns of ["dev", "staging", "production"]) {
            assert.equal(level(ns), "restricted");
        }
        assert.equal(level("models"), "baseline");
        // Seldon's single-namespace webhook selects its namespace by this label.
        assert.equal(enforce.models["seldon.io/controller-id"], "models");
        for (const labels of Object.values(enforce)) {
            assert.equal(labels["pod-security.kubernetes.io/warn"], "restricted");
            assert.equal(labels["pod-security.kubernetes.io/audit"], "restricted");
        }
    });

    it("charts are installed by helm.v3.Release with pinned versions into the hardened namespaces", () => {
        const releases = Object.fromEntries(ofType(dev, T.release).map((r) => [r.inputs.chart as string, r]));
        // The Cluster Autoscaler is installed only where the cluster's hints ask for it (EKS): below.
        for (const c of Object.values(CHARTS).filter((x) => x.chart !== CHARTS.clusterAutoscaler.chart)) {
            const r = releases[c.chart];
            assert.ok(r, `no release for ${c.chart}`);
            assert.equal(r.inputs.version, c.version);
            assert.deepEqual(r.inputs.repositoryOpts, { repo: c.repo });
            assert.equal(r.inputs.createNamespace, false);
            assert.equal(r.inputs.skipCrds, false);
            assert.equal(r.inputs.atomic, true);
        }
        assert.equal(releases["argo-cd"].inputs.namespace, PLATFORM_NAMESPACES.argocd);
        assert.equal(releases["kube-prometheus-stack"].inputs.namespace, PLATFORM_NAMESPACES.monitoring);
        assert.equal(releases["seldon-core-operator"].inputs.namespace, SERVING_NAMESPACE);
        // Deterministic Helm release names (no Pulumi auto-name suffix).
        assert.deepEqual(ofType(dev, T.release).map((r) => r.inputs.name).sort(), ["argocd", "kps", "seldon-core"]);
        // kube-prometheus-stack's CRDs are Helm's: no CRD is ever declared by the program.
        assert.equal(dev.resources.filter((r) => r.type.includes("CustomResourceDefinition")).length, 0);
        assert.equal(values(releases["kube-prometheus-stack"]).crds.enabled, true);
    });

    it("installs the Cluster Autoscaler only where the hints ask for it (EKS), pinned, after monitoring (its ServiceMonitor CRD)", async () => {
        assert.ok(!ofType(dev, T.release).some((r) => r.inputs.chart === CHARTS.clusterAutoscaler.chart), "no hint, no autoscaler (AKS, GKE)");
        const eks = await addonsGraph("dev", () => ({
            hints: {
                ...baseArgs("dev").hints,
                clusterAutoscaler: {
                    cloudProvider: "aws",
                    clusterName: "platform-dev-aws-eks",
                    region: "eu-west-1",
                    kubernetesVersion: "1.35",
                    serviceAccount: { namespace: "kube-system", name: "cluster-autoscaler", annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/ca" } },
                    placement: { nodeSelector: { "platform/pool": "system" }, tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" }] },
                    cloudApiEgress: [{ cidr: "0.0.0.0/0", port: 443 }],
                },
            },
        }));
        const release = ofType(eks, T.release).find((r) => r.inputs.chart === CHARTS.clusterAutoscaler.chart)!;
        assert.deepEqual([release.inputs.version, (release.inputs.repositoryOpts as { repo: string }).repo, release.inputs.namespace, release.inputs.name, release.inputs.atomic], [
            CHARTS.clusterAutoscaler.version,
            CHARTS.clusterAutoscaler.repo,
            "kube-system",
            "cluster-autoscaler",
            true,
        ]);
        const kps = ofType(eks, T.release).find((r) => r.inputs.chart === "kube-prometheus-stack")!;
        assert.ok(release.dependencies.includes(kps.urn), "after kube-prometheus-stack");
        assert.equal(values(release).serviceMonitor.enabled, true);
        await assert.rejects(
            addonsGraph("dev", () => ({ hints: { ...baseArgs("dev").hints, clusterAutoscaler: { cloudProvider: "aws", clusterName: "c", region: "eu-west-1", kubernetesVersion: "1.29", serviceAccount: { namespace: "kube-system", name: "cluster-autoscaler", annotations: {} }, placement: { nodeSelector: {}, tolerations: [] }, cloudApiEgress: [] } } })),
            /clusterAutoscaler.kubernetesVersion = "1.29" has no pinned Cluster Autoscaler image/,
        );
    });

    it("releases wait for their namespace's policies (dependency on every NetworkPolicy of it)", () => {
        const argocd = byName(dev, T.release, "platform-argocd");
        const policies = ofType(dev, T.np).filter((p) => nsOf(p) === "argocd").map((p) => p.urn);
        for (const urn of policies) {
            assert.ok(argocd.dependencies.includes(urn), `argocd release does not wait for ${urn}`);
        }
    });

    it("Argo CD: HA in prod only, ClusterIP, bcrypt admin hash marked secret", () => {
        const d = byName(dev, T.release, "platform-argocd");
        const p = byName(prod, T.release, "platform-argocd");
        assert.equal(values(d)["redis-ha"], undefined);
        assert.equal(values(p)["redis-ha"].enabled, true);
        assert.equal(values(p)["redis-ha"].priorityClassName, "platform-critical");
        assert.equal(values(p).server.replicas, 2);
        assert.equal(values(p).repoServer.replicas, 2);
        assert.equal(values(p).applicationSet.replicas, 2);
        for (const r of [d, p]) {
            assert.equal(values(r).server.service.type, "ClusterIP");
            assert.match(values(r).configs.secret.argocdServerAdminPassword, /^\$2a\$10\$/);
            assert.deepEqual(r.secretPaths, ["values.configs.secret.argocdServerAdminPassword"]);
            assert.equal(values(r).global.image.tag, tagWithDigest(CHART_IMAGES.argocd));
        }
    });

    it("Argo CD: the app of apps syncs automatically (prune, selfHeal, retry) within its AppProject", () => {
        const app = byName(dev, T.app, "platform-argocd-bootstrap");
        assert.deepEqual(app.inputs.spec, {
            project: "platform-bootstrap",
            source: { repoURL: "https://github.com/example/platform-config.git", path: "apps/dev", targetRevision: "main" },
            destination: { server: "https://kubernetes.default.svc", namespace: "argocd" },
            syncPolicy: {
                automated: { prune: true, selfHeal: true },
                syncOptions: ["PruneLast=true", "PrunePropagationPolicy=foreground"],
                retry: { limit: 5, backoff: { duration: "10s", factor: 2, maxDuration: "3m" } },
            },
        });
        const release = byName(dev, T.release, "platform-argocd");
        assert.ok(app.dependencies.includes(release.urn), "Application before its CRD");

        const bootstrap = byName(dev, T.project, "platform-argocd-project-platform-bootstrap").inputs.spec as any;
        assert.deepEqual(bootstrap.sourceRepos, ["https://github.com/example/platform-config.git"]);
        assert.deepEqual(bootstrap.namespaceResourceWhitelist, [{ group: "argoproj.io", kind: "Application" }]);
        assert.deepEqual(bootstrap.clusterResourceWhitelist, []);
        const workloads = byName(dev, T.project, "platform-argocd-project-workloads").inputs.spec as any;
        assert.deepEqual(
            workloads.destinations.map((d: { namespace: string }) => d.namespace),
            ["dev", "staging", "production"],
        );
        assert.deepEqual(workloads.clusterResourceWhitelist, []);
    });

    it("monitoring: retention, storage class and sizes follow the environment", () => {
        const spec = (g: ResourceGraph) => values(byName(g, T.release, "platform-monitoring")).prometheus.prometheusSpec;
        assert.equal(spec(dev).retention, "7d");
        assert.equal(spec(prod).retention, "30d");
        assert.equal(spec(prod).replicas, 2);
        assert.equal(spec(dev).storageSpec.volumeClaimTemplate.spec.storageClassName, "gp3");
        assert.equal(spec(dev).storageSpec.volumeClaimTemplate.spec.resources.requests.storage, "20Gi");
        assert.equal(spec(prod).storageSpec.volumeClaimTemplate.spec.resources.requests.storage, "200Gi");
        assert.equal(values(byName(prod, T.release, "platform-monitoring")).alertmanager.alertmanagerSpec.replicas, 3);
    });

    it("monitoring: tool VMs are scraped on 9100 over TLS (platform CA) and Prometheus may reach exactly them", () => {
        const v = values(byName(dev, T.release, "platform-monitoring"));
        assert.equal(v.prometheus.prometheusSpec.additionalScrapeConfigs[0].scheme, "https");
        assert.deepEqual(v.prometheus.prometheusSpec.additionalScrapeConfigs[0].tls_config, { ca: TEST_CA_PEM, min_version: "TLS12" });
        assert.deepEqual(v.prometheus.prometheusSpec.additionalScrapeConfigs[0].static_configs.map((s: any) => s.targets[0]), [
            "10.20.16.11:9100",
            "10.20.16.12:9100",
            "10.20.16.13:9100",
        ]);
        const egress = byName(dev, T.np, "platform-monitoring-allow-prometheus-tool-vm-egress").inputs.spec as any;
        assert.deepEqual(egress.egress, [
            {
                to: [{ ipBlock: { cidr: "10.20.16.11/32" } }, { ipBlock: { cidr: "10.20.16.12/32" } }, { ipBlock: { cidr: "10.20.16.13/32" } }],
                ports: [{ protocol: "TCP", port: 9100 }],
            },
        ]);
    });

    it("monitoring: Grafana's password is generated, secret, and only in a Secret (not in Helm values)", () => {
        const secret = byName(dev, T.secret, "platform-monitoring-grafana-admin");
        assert.deepEqual(secret.secretPaths, ["stringData"]);
        assert.equal(at(secret.inputs, "stringData.admin-password"), dev.outputs.grafanaAdminPassword);
        const v = values(byName(dev, T.release, "platform-monitoring"));
        assert.deepEqual(v.grafana.admin, { existingSecret: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password" });
        assert.equal(JSON.stringify(v).includes(String(dev.outputs.grafanaAdminPassword)), false);
    });

    it("monitoring: no Slack webhook means no receiver, no Slack Secret, no Slack egress (and no crash)", () => {
        const am = values(byName(dev, T.release, "platform-monitoring")).alertmanager;
        assert.deepEqual(am.config.receivers, [{ name: "null" }]);
        assert.deepEqual(am.alertmanagerSpec.secrets, []);
        assert.equal(dev.resources.some((r) => r.name.includes("slack")), false);
    });

    it("monitoring: a Slack webhook becomes a secret Secret mounted into Alertmanager, never a Helm value", () => {
        const secret = byName(withSlackAndDemo, T.secret, "platform-monitoring-slack-webhook");
        assert.deepEqual(secret.secretPaths, ["stringData"]);
        assert.equal(at(secret.inputs, "stringData.webhook-url"), SLACK_WEBHOOK);
        const release = byName(withSlackAndDemo, T.release, "platform-monitoring");
        assert.equal(JSON.stringify(release.inputs).includes("hooks.slack.com"), false);
        assert.ok(release.dependencies.includes(secret.urn));
        const am = values(release).alertmanager;
        assert.equal(am.config.route.receiver, "slack");
        assert.equal(am.config.receivers[1].slack_configs[0].channel, "#platform-alerts");
        assert.deepEqual(am.alertmanagerSpec.secrets, ["alertmanager-slack"]);
        byName(withSlackAndDemo, T.np, "platform-monitoring-allow-alertmanager-slack-egress");
    });

    it("monitoring: the PrometheusRule carries the platform alerts with `for` durations", () => {
        const rule = byName(dev, T.rule, "platform-monitoring-platform-alerts");
        const rules = (rule.inputs.spec as any).groups[0].rules as { alert: string; for: string }[];
        assert.deepEqual(
            rules.map((r) => [r.alert, r.for]),
            [
                ["HighHttp5xxErrorRate", "2m"],
                ["ModelServingHigh5xxErrorRate", "2m"],
                ["PodCrashLooping", "10m"],
                ["NodeNotReady", "10m"],
                ["PersistentVolumeNearlyFull", "5m"],
                ["ScrapeTargetDown", "5m"],
                ["ToolVmDown", "3m"],
                ["ToolVmBootstrapFailed", "5m"],
                ["CertificateExpiringSoon", "1h"],
            ],
        );
        assert.ok(rule.dependencies.includes(byName(dev, T.release, "platform-monitoring").urn));
    });

    it("monitoring: the platform dashboard is a sidecar-labelled ConfigMap with valid JSON", () => {
        const cm = byName(dev, T.cm, "platform-monitoring-platform-dashboard");
        assert.equal(at(cm.inputs, "metadata.labels.grafana_dashboard"), "1");
        assert.equal(nsOf(cm), "monitoring");
        const dashboard = JSON.parse((cm.inputs.data as Record<string, string>)["platform-overview.json"]);
        assert.equal(dashboard.uid, "platform-overview");
        assert.ok(dashboard.panels.length >= 6);
    });

    it("model serving: the demo is off by default, and behind the flag runs with limits in the serving namespace, next to its operator", () => {
        assert.equal(ofType(dev, T.sdep).length, 0);
        const sdep = byName(withSlackAndDemo, T.sdep, "platform-serving-iris");
        assert.equal(nsOf(sdep), "models");
        assert.equal(byName(withSlackAndDemo, T.release, "platform-serving-seldon-core").inputs.namespace, "models");
        const predictor = (sdep.inputs.spec as any).predictors[0];
        assert.equal(predictor.graph.implementation, "SKLEARN_SERVER");
        assert.deepEqual(predictor.componentSpecs[0].spec.containers[0].resources.limits, { cpu: "500m", memory: "512Mi" });
        assert.deepEqual(predictor.svcOrchSpec.resources.limits, { cpu: "500m", memory: "512Mi" });
        assert.ok(sdep.dependencies.includes(byName(withSlackAndDemo, T.release, "platform-serving-seldon-core").urn));
        assert.deepEqual(
            ofType(withSlackAndDemo, T.quota).filter((q) => nsOf(q) === "models").map((q) => at(q.inputs, "metadata.name")).sort(),
            ["platform-critical-priority", "platform-quota", "platform-system-priority"],
        );
    });

    it("tolerations: with workloadTolerations every pod-creating values path of every chart carries them", () => {
        for (const [release, paths] of Object.entries(TOLERATION_PATHS)) {
            const v = values(byName(spot, T.release, release));
            for (const path of paths) {
                assert.deepEqual(at(v, path), [SPOT_TOLERATION], `${release}: ${path}`);
            }
        }
    });

    it("tolerations: the Seldon manager (its chart has no tolerations value) is patched by server-side apply; the release does not wait for it", () => {
        const release = byName(spot, T.release, "platform-serving-seldon-core");
        assert.deepEqual([release.inputs.atomic, release.inputs.skipAwait], [false, true]);
        assert.ok(!JSON.stringify(values(release)).includes("toleration"), "no invented chart key");
        const patch = byName(spot, T.deploymentPatch, "platform-serving-seldon-manager-tolerations");
        assert.deepEqual([at(patch.inputs, "metadata.name"), nsOf(patch)], ["seldon-controller-manager", "models"]);
        assert.deepEqual(at(patch.inputs, "spec.template.spec.tolerations"), [SPOT_TOLERATION]);
        assert.ok(patch.dependencies.includes(release.urn), "patched after the chart created it");
        assert.equal(patch.provider?.split("::")[0], release.provider?.split("::")[0]);
        // The patched field is a valid PodSpec field.
        new Pod({ metadata: { name: "manager" }, spec: { containers: [{ name: "manager" }], tolerations: at(patch.inputs, "spec.template.spec.tolerations") } } as any).validate();
    });

    it("tolerations: the demo model's pod carries them, passes the SeldonDeployment schema, and waits for the patched operator", async () => {
        const sdep = byName(spot, T.sdep, "platform-serving-iris");
        const spec = (sdep.inputs.spec as any).predictors[0].componentSpecs[0].spec;
        assert.deepEqual(spec.tolerations, [SPOT_TOLERATION]);
        validateObject(await loadValidators(), sdep.inputs as Record<string, unknown>);
        assert.ok(sdep.dependencies.includes(byName(spot, T.deploymentPatch, "platform-serving-seldon-manager-tolerations").urn));
    });

    it("tolerations: without workloadTolerations no values, pod spec or patch mentions one (releases stay atomic)", () => {
        for (const graph of [dev, prod, withSlackAndDemo]) {
            assert.equal(ofType(graph, T.deploymentPatch).length, 0);
            for (const r of [...ofType(graph, T.release), ...ofType(graph, T.sdep)]) {
                assert.ok(!JSON.stringify(r.inputs).includes("toleration"), `${r.name} has no toleration`);
            }
            for (const r of ofType(graph, T.release)) {
                assert.deepEqual([r.inputs.atomic, r.inputs.skipAwait ?? false], [true, false], r.name);
            }
        }
    });

    it("RBAC: each workload namespace binds the runner's own Role to its own ServiceAccount", () => {
        for (const ns of ["dev", "staging", "production"]) {
            const binding = byName(dev, T.binding, `platform-baseline-${ns}-model-training-runner-binding`).inputs as any;
            assert.deepEqual(binding.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "model-training-runner" });
            assert.deepEqual(binding.subjects, [{ kind: "ServiceAccount", name: "model-training-runner", namespace: ns }]);
            const role = byName(dev, T.role, `platform-baseline-${ns}-model-training-runner-role`).inputs as any;
            assert.deepEqual(role.rules, [
                { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch", "create", "delete"] },
                { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
            ]);
        }
        const sa = byName(withSlackAndDemo, T.sa, "platform-baseline-dev-model-training-runner");
        assert.deepEqual(at(sa.inputs, "metadata.annotations"), { "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/dev-training-runner" });
        assert.equal(at(byName(withSlackAndDemo, T.sa, "platform-baseline-staging-model-training-runner").inputs, "metadata.annotations"), undefined);
    });

    it("outputs: both admin passwords are secret outputs; endpoints are in-cluster URLs", () => {
        for (const graph of [dev, prod]) {
            assert.deepEqual([...graph.secretOutputs].sort(), ["argocdAdminPassword", "grafanaAdminPassword"]);
        }
        assert.deepEqual(dev.outputs.endpoints, {
            argocd: "https://argocd-server.argocd.svc.cluster.local:443",
            prometheus: "http://kps-prometheus.monitoring.svc.cluster.local:9090",
            alertmanager: "http://kps-alertmanager.monitoring.svc.cluster.local:9093",
            grafana: "http://kps-grafana.monitoring.svc.cluster.local:80",
        });
        assert.equal(
            (withSlackAndDemo.outputs.endpoints as any).demoModel,
            "http://iris-default.models.svc.cluster.local:8000/api/v1.0/predictions",
        );
        const passwords = ofType(dev, T.password);
        assert.deepEqual(passwords.map((p) => p.inputs.length), [32, 32]);
    });

    it("invalid arguments fail before anything is registered, with every problem listed", async () => {
        await assert.rejects(
            addonsGraph("dev", () => ({
                workloadNamespaces: ["argocd"],
                gitops: { repoUrl: "file:///tmp/repo", path: "apps", revision: "main" },
            })),
            (err: Error) => {
                assert.equal(
                    err.message,
                    'Addons "platform": invalid arguments:\n' +
                        '  - workloadNamespaces[0] = "argocd" is reserved (platform or system namespace); pick another name\n' +
                        '  - gitops.repoUrl = "file:///tmp/repo" must be an https://, ssh:// or git@host: URL (plain http and file paths are refused)',
                );
                return true;
            },
        );
    });
});
