/**
 * The pure planning functions of the in-cluster platform: namespaces and their Pod Security
 * levels, NetworkPolicies, quotas, RBAC, chart values, and argument validation messages.
 */
import assert from "node:assert/strict";
import {
    addonsProblems,
    ALERT_RULES,
    alertmanagerConfig,
    ALLOW_DNS,
    argoCdValues,
    DEFAULT_DENY,
    limitRangeFor,
    monitoringValues,
    namespaceMetadata,
    namespacePlans,
    networkPolicies,
    PRIVATE_RANGES,
    quotaFor,
    scrapeTargetProblems,
    seldonReleaseWait,
    seldonValues,
    toolVmScrapeConfigs,
    TRAINING_RUNNER_RULES,
} from "../../components/kubernetes";
import { baseArgs, SPOT_TOLERATION, TEST_CA_PEM, TOOL_VMS } from "./fixtures";
import { loadValidators, validateObject } from "./schemas";

const hints = baseArgs("dev").hints;

describe("kubernetes plan: namespaces and Pod Security", () => {
    const plans = namespacePlans(["dev", "staging", "production"], ["models"], { "seldon.io/controller-id": "models" });

    it("plans the platform, workload and serving namespaces in order", () => {
        assert.deepEqual(
            plans.map((p) => [p.name, p.role, p.pss]),
            [
                ["argocd", "platform", "restricted"],
                ["monitoring", "platform", "restricted"],
                ["node-exporter", "platform", "privileged"],
                ["dev", "workload", "restricted"],
                ["staging", "workload", "restricted"],
                ["production", "workload", "restricted"],
                ["models", "serving", "baseline"],
            ],
        );
    });

    it("labels enforce the level, audit and warn at restricted, all pinned to a version", () => {
        const labels = namespaceMetadata(plans[2]).labels;
        assert.equal(labels["pod-security.kubernetes.io/enforce"], "privileged");
        assert.equal(labels["pod-security.kubernetes.io/audit"], "restricted");
        assert.equal(labels["pod-security.kubernetes.io/warn"], "restricted");
        for (const mode of ["enforce", "audit", "warn"]) {
            assert.match(labels[`pod-security.kubernetes.io/${mode}-version`], /^v1\.\d+$/);
        }
        assert.equal(labels["platform.io/namespace-role"], "platform");
        // A plan's own labels never override role or Pod Security.
        const serving = namespaceMetadata({ ...plans[6], labels: { "pod-security.kubernetes.io/enforce": "privileged", "platform.io/namespace-role": "platform", x: "y" } }).labels;
        assert.deepEqual([serving["pod-security.kubernetes.io/enforce"], serving["platform.io/namespace-role"], serving.x], ["baseline", "serving", "y"]);
    });

    it("every level below restricted says why", () => {
        for (const p of plans.filter((x) => x.pss !== "restricted")) {
            assert.ok(p.why.length > 20, `${p.name} lacks a reason`);
        }
    });
});

describe("kubernetes plan: NetworkPolicies", () => {
    const plans = namespacePlans(["dev"], ["models"]);

    it("every namespace starts with default-deny (ingress and egress), DNS and Prometheus scrapes", () => {
        for (const plan of plans) {
            const names = networkPolicies(plan, hints, true).map((p) => p.name);
            assert.deepEqual(names.slice(0, 3), ["default-deny", "allow-dns-egress", "allow-prometheus-scrape"], plan.name);
        }
        assert.deepEqual(DEFAULT_DENY.spec, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    });

    it("DNS goes only to kube-dns in kube-system on port 53", () => {
        assert.deepEqual(ALLOW_DNS.spec.egress, [
            {
                to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
                ports: [
                    { protocol: "UDP", port: 53 },
                    { protocol: "TCP", port: 53 },
                ],
            },
        ]);
    });

    it("Argo CD reaches the API on the given CIDRs and Git only from the repo server", () => {
        const policies = networkPolicies(plans[0], hints, false);
        const api = policies.find((p) => p.name === "allow-apiserver-egress");
        assert.deepEqual(api?.spec.egress, [
            { to: [{ ipBlock: { cidr: "10.20.0.0/16" } }], ports: [{ protocol: "TCP", port: 443 }, { protocol: "TCP", port: 6443 }] },
        ]);
        const git = policies.find((p) => p.name === "allow-repo-server-git-egress");
        assert.deepEqual(git?.spec.podSelector, { matchLabels: { "app.kubernetes.io/name": "argocd-repo-server" } });
    });

    it("without API-server CIDRs falls back to RFC 1918, never 0.0.0.0/0", () => {
        const api = networkPolicies(plans[0], { storageClass: "x", loadBalancerAnnotations: {} }, false).find((p) => p.name === "allow-apiserver-egress");
        assert.deepEqual(
            (api?.spec.egress as { to: { ipBlock: { cidr: string } }[] }[])[0].to.map((t) => t.ipBlock.cidr),
            [...PRIVATE_RANGES],
        );
    });

    it("workload namespaces: API egress only for opted-in pods; serving egress only when serving exists", () => {
        const dev = plans[3];
        const withServing = networkPolicies(dev, hints, true);
        assert.deepEqual(withServing.find((p) => p.name === "allow-apiserver-egress")?.spec.podSelector, {
            matchLabels: { "platform.io/api-access": "true" },
        });
        assert.ok(withServing.some((p) => p.name === "allow-model-serving-egress"));
        assert.ok(!networkPolicies(dev, hints, false).some((p) => p.name === "allow-model-serving-egress"));
    });

    it("serving namespaces accept inference traffic only from workload namespaces on 8000/5001", () => {
        const ingress = networkPolicies(plans[4], hints, true).find((p) => p.name === "allow-inference-ingress");
        assert.deepEqual(ingress?.spec.ingress, [
            {
                from: [{ namespaceSelector: { matchLabels: { "platform.io/namespace-role": "workload" } } }],
                ports: [{ protocol: "TCP", port: 8000 }, { protocol: "TCP", port: 5001 }],
            },
        ]);
    });
});

describe("kubernetes plan: quotas, limits, RBAC", () => {
    it("quotas grow with the environment and forbid LoadBalancer and NodePort services", () => {
        assert.equal(quotaFor("dev")["requests.cpu"], "4");
        assert.equal(quotaFor("prod")["requests.cpu"], "32");
        for (const env of ["dev", "staging", "prod"] as const) {
            assert.equal(quotaFor(env)["services.loadbalancers"], "0");
            assert.equal(quotaFor(env)["services.nodeports"], "0");
        }
    });

    it("limit ranges give every container defaults", () => {
        const container = (limitRangeFor("dev").limits as { type: string; default?: unknown; defaultRequest?: unknown }[]).find((l) => l.type === "Container");
        assert.deepEqual(container?.default, { cpu: "500m", memory: "512Mi" });
        assert.deepEqual(container?.defaultRequest, { cpu: "100m", memory: "128Mi" });
    });

    it("the training runner starts, watches and deletes pods and reads their logs: no patch (image swaps), no Secrets", () => {
        const secrets = TRAINING_RUNNER_RULES.filter((r) => (r.resources as string[]).includes("secrets"));
        assert.deepEqual(secrets, []);
        const pods = TRAINING_RUNNER_RULES.find((r) => (r.resources as string[]).includes("pods"));
        assert.deepEqual(pods?.verbs, ["get", "list", "watch", "create", "delete"]);
        const all = TRAINING_RUNNER_RULES.flatMap((r) => r.verbs as string[]);
        assert.ok(!all.includes("*") && !all.includes("escalate") && !all.includes("bind"));
        assert.ok(!TRAINING_RUNNER_RULES.some((r) => (r.resources as string[]).includes("pods/exec")));
    });
});

describe("kubernetes plan: chart values", () => {
    it("Argo CD: HA only in prod, ClusterIP always, admin hash in the chart's key", () => {
        const dev = argoCdValues("dev", "$2a$10$hash") as any;
        const prod = argoCdValues("prod", "$2a$10$hash") as any;
        assert.equal(dev["redis-ha"], undefined);
        assert.equal(dev.server.replicas, undefined);
        assert.equal(prod["redis-ha"].enabled, true);
        assert.equal(prod.server.replicas, 2);
        assert.equal(prod.repoServer.replicas, 2);
        assert.equal(prod.applicationSet.replicas, 2);
        assert.equal(prod.controller.replicas, 1);
        for (const v of [dev, prod]) {
            assert.equal(v.server.service.type, "ClusterIP");
            assert.equal(v.server.ingress.enabled, false);
            assert.equal(v.configs.secret.argocdServerAdminPassword, "$2a$10$hash");
            assert.equal(v.configs.cm["exec.enabled"], false);
        }
    });

    it("monitoring: retention and volumes by environment on the cluster's storage class", () => {
        const dev = monitoringValues("dev", "gp3", { enabled: false }, []) as any;
        const prod = monitoringValues("prod", "premium-rwo", { enabled: false }, []) as any;
        assert.equal(dev.prometheus.prometheusSpec.retention, "7d");
        assert.equal(prod.prometheus.prometheusSpec.retention, "30d");
        assert.equal(prod.prometheus.prometheusSpec.replicas, 2);
        assert.equal(prod.alertmanager.alertmanagerSpec.replicas, 3);
        const claim = prod.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec;
        assert.equal(claim.storageClassName, "premium-rwo");
        assert.equal(claim.resources.requests.storage, "200Gi");
        assert.equal(dev.crds.enabled, true);
    });

    it("Alertmanager without Slack has only the null receiver; with Slack reads the URL from a file", () => {
        const none = alertmanagerConfig(false) as any;
        assert.deepEqual(none.receivers, [{ name: "null" }]);
        assert.equal(none.route.receiver, "null");
        const slack = alertmanagerConfig(true, "#alerts") as any;
        assert.equal(slack.route.receiver, "slack");
        assert.deepEqual(slack.receivers[1].slack_configs[0].api_url_file, "/etc/alertmanager/secrets/alertmanager-slack/webhook-url");
        assert.equal(JSON.stringify(slack).includes("hooks.slack.com"), false);
    });

    it("tool VMs are scraped on 9100 with their role, over HTTPS verified with the platform CA (never skip-verify)", () => {
        assert.deepEqual(toolVmScrapeConfigs(TOOL_VMS.slice(0, 1), TEST_CA_PEM), [
            {
                job_name: "tool-vms",
                scrape_interval: "30s",
                scheme: "https",
                tls_config: { ca: TEST_CA_PEM, min_version: "TLS12" },
                static_configs: [{ targets: ["10.20.16.11:9100"], labels: { role: "jenkins" } }],
            },
        ]);
        assert.deepEqual(toolVmScrapeConfigs([]), []);
        assert.throws(() => toolVmScrapeConfigs(TOOL_VMS, undefined), /serve node_exporter over TLS only; pass internalCaCertPem/);
    });

    it("alerts have sustained `for` durations (5xx: 2m)", () => {
        const byName = Object.fromEntries(ALERT_RULES.map((r) => [r.alert, r]));
        assert.equal(byName.HighHttp5xxErrorRate.for, "2m");
        for (const name of ["PodCrashLooping", "NodeNotReady", "PersistentVolumeNearlyFull", "ScrapeTargetDown", "CertificateExpiringSoon", "ToolVmDown", "ToolVmBootstrapFailed"]) {
            assert.ok(byName[name], `missing ${name}`);
            assert.match(byName[name].for, /^\d+[mh]$/);
        }
    });

    it("Argo CD in prod HA: the redis-ha subchart gets the tolerations through its own keys (it ignores Argo CD's global)", () => {
        const v = argoCdValues("prod", "hash", [SPOT_TOLERATION]) as any;
        assert.deepEqual(v.global.tolerations, [SPOT_TOLERATION]);
        assert.deepEqual(v["redis-ha"].tolerations, [SPOT_TOLERATION]);
        assert.deepEqual(v["redis-ha"].haproxy.tolerations, [SPOT_TOLERATION]);
        assert.equal(v["redis-ha"].enabled, true);
        assert.equal(JSON.stringify(argoCdValues("prod", "hash")).includes("toleration"), false);
    });

    it("Seldon: the release waits atomically unless the manager must be patched with tolerations", () => {
        assert.deepEqual(seldonReleaseWait([]), { atomic: true, skipAwait: false });
        assert.deepEqual(seldonReleaseWait([SPOT_TOLERATION]), { atomic: false, skipAwait: true });
    });

    it("Seldon: CRDs from the chart, no usage reporting, restricted-compatible manager", () => {
        const v = seldonValues() as any;
        assert.equal(v.crd.create, true);
        assert.equal(v.usageMetrics.enabled, false);
        assert.deepEqual(v.manager.containerSecurityContext.securityContext.capabilities, { drop: ["ALL"] });
    });
});

describe("kubernetes plan: argument validation", () => {
    it("lists every problem with the field, the value and the fix", () => {
        const args = {
            ...baseArgs("dev"),
            workloadNamespaces: ["Dev", "kube-system", "ok", "ok"],
            gitops: { repoUrl: "http://insecure.example.com/repo.git", path: "/abs", revision: "" },
            hints: { ...baseArgs("dev").hints, storageClass: "", apiServerCidrs: ["0.0.0.0/0"] },
        };
        assert.deepEqual(addonsProblems(args as any), [
            `workloadNamespaces[0] = "Dev" is not a valid namespace name: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit`,
            `workloadNamespaces[1] = "kube-system" is reserved (platform or system namespace); pick another name`,
            `workloadNamespaces[3] = "ok" is listed twice; remove the duplicate`,
            `hints.apiServerCidrs[0] = "0.0.0.0/0" opens every address; give the control-plane / node ranges`,
            `gitops.repoUrl = "http://insecure.example.com/repo.git" must be an https://, ssh:// or git@host: URL (plain http and file paths are refused)`,
            `gitops.path = "/abs" must be a relative directory inside the repository (e.g. "apps/dev")`,
            `gitops.revision is empty: give a branch, tag or commit (e.g. "main" or "v1.4.0")`,
            "hints.storageClass is empty: Prometheus and Alertmanager need a StorageClass for their volumes",
        ]);
    });

    it("accepts the realistic fixture", () => {
        assert.deepEqual(addonsProblems(baseArgs("prod") as any), []);
    });

    it("rejects scrape targets that are not IPv4 addresses", () => {
        assert.deepEqual(scrapeTargetProblems([{ role: "vault", address: "vault.internal" }]), [
            'scrapeTargets[0].address = "vault.internal" is not an IPv4 address (give the VM\'s private IP)',
        ]);
    });
});

describe("kubernetes plan: the schema validators catch mistakes", () => {
    it("reject a malformed core object, CR and SeldonDeployment", async () => {
        const v = await loadValidators();
        assert.throws(() => validateObject(v, { apiVersion: "v1", kind: "Namespace", metadata: { name: 5 } }), /v1\/Namespace "5" fails its schema: data\/metadata\/name must be string/);
        assert.throws(
            () => validateObject(v, { apiVersion: "monitoring.coreos.com/v1", kind: "PrometheusRule", metadata: { name: "r" }, spec: { groups: [{ name: "g", rules: [{ alert: "A", expr: "up", for: "2 minutes" }] }] } }),
            /for must match pattern/,
        );
        assert.throws(
            () => validateObject(v, { apiVersion: "machinelearning.seldon.io/v1", kind: "SeldonDeployment", metadata: { name: "s" }, spec: { predictors: [{ name: "p", graph: { name: "g", modelURI: "typo" } }] } }),
            /Unrecognized key: "modelURI"/,
        );
        assert.throws(
            () =>
                validateObject(v, {
                    apiVersion: "machinelearning.seldon.io/v1",
                    kind: "SeldonDeployment",
                    metadata: { name: "s" },
                    spec: { predictors: [{ name: "p", graph: { name: "g" }, componentSpecs: [{ spec: { containers: [{ name: "c", resources: { limits: { cpu: [] } } }] } }] }] },
                }),
            /PodSpec/,
        );
        assert.throws(() => validateObject(v, { apiVersion: "x/v1", kind: "Unknown", metadata: { name: "u" } }), /no schema for x\/v1\/Unknown/);
    });
});
