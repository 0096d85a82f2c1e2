/**
 * No alert rule targets a job that is never scraped, and no PodDisruptionBudget forbids every
 * eviction, on every shipped in-cluster stack (the values as the releases carry them).
 *
 * KPS_RULE_GROUPS is an independent reading of kube-prometheus-stack 88.5.3
 * (prometheus-community/helm-charts at cf408a29, templates/prometheus/rules-1.14/*.yaml): for
 * each rule group, the values that gate it and the jobs its rules select. KPS_SCRAPES: each
 * scrape component's values key and job name (the chart's ServiceMonitors). What each managed
 * control plane exposes is a separate table (MANAGED), from the clouds' docs.
 */
import assert from "node:assert/strict";
import { availableStacks } from "../../offline/engine";
import { ofType } from "../../offline/graph";
import { ALERT_RULES } from "../../components/kubernetes/monitoring";
import { argoCdValues } from "../../components/kubernetes/argocd";
import { inClusterGraphOf } from "../support/graphs";

/** Rule group -> [gating component (`<key>.enabled`), jobs its rules select]. `$ksm` etc. are the release's job names. */
const KPS_RULE_GROUPS: Record<string, { gate?: string; jobs: string[] }> = {
    alertmanager: { jobs: ["$alertmanager"] },
    etcd: { gate: "kubeEtcd", jobs: ["kube-etcd"] },
    configReloaders: { jobs: [] },
    general: { jobs: [] },
    k8sContainerCpuUsageSecondsTotal: { jobs: ["kubelet"] },
    k8sContainerMemoryCache: { jobs: ["kubelet"] },
    k8sContainerMemoryRss: { jobs: ["kubelet"] },
    k8sContainerMemorySwap: { jobs: ["kubelet"] },
    k8sContainerResource: { jobs: ["kube-state-metrics"] },
    k8sContainerMemoryWorkingSetBytes: { jobs: ["kubelet"] },
    k8sPodOwner: { jobs: ["kube-state-metrics"] },
    kubeApiserverAvailability: { gate: "kubeApiServer", jobs: ["apiserver"] },
    kubeApiserverBurnrate: { gate: "kubeApiServer", jobs: ["apiserver"] },
    kubeApiserverHistogram: { gate: "kubeApiServer", jobs: ["apiserver"] },
    kubeApiserverSlos: { gate: "kubeApiServer", jobs: ["apiserver"] },
    kubeControllerManager: { gate: "kubeControllerManager", jobs: ["kube-controller-manager"] },
    kubelet: { gate: "kubelet", jobs: ["kubelet"] },
    kubeProxy: { gate: "kubeProxy", jobs: ["kube-proxy"] },
    kubePrometheusGeneral: { jobs: [] },
    kubePrometheusNodeRecording: { jobs: [] },
    kubernetesApps: { jobs: ["kube-state-metrics"] },
    kubernetesResources: { jobs: ["kube-state-metrics", "kubelet"] },
    kubernetesStorage: { jobs: ["kube-state-metrics", "kubelet"] },
    kubernetesSystem: { jobs: ["apiserver", "kube-state-metrics", "kubelet"] },
    kubeSchedulerAlerting: { gate: "kubeScheduler", jobs: ["kube-scheduler"] },
    kubeSchedulerRecording: { gate: "kubeScheduler", jobs: ["kube-scheduler"] },
    kubeStateMetrics: { jobs: ["kube-state-metrics"] },
    network: { jobs: ["node-exporter"] },
    node: { jobs: ["node-exporter", "kube-state-metrics"] },
    nodeExporterAlerting: { jobs: ["node-exporter"] },
    nodeExporterRecording: { jobs: ["node-exporter"] },
    prometheus: { jobs: ["$prometheus"] },
    prometheusOperator: { jobs: ["$operator"] },
    windows: { gate: "windowsMonitoring", jobs: ["windows-exporter"] },
};

/** Scrape component values key -> job (defaults in the chart's values: enabled unless listed in OFF_BY_DEFAULT). */
const KPS_SCRAPES: Record<string, string> = {
    kubeApiServer: "apiserver",
    kubelet: "kubelet",
    kubeControllerManager: "kube-controller-manager",
    coreDns: "coredns",
    kubeDns: "kube-dns",
    kubeEtcd: "kube-etcd",
    kubeScheduler: "kube-scheduler",
    kubeProxy: "kube-proxy",
    kubeStateMetrics: "kube-state-metrics",
    nodeExporter: "node-exporter",
    windowsMonitoring: "windows-exporter",
};
const OFF_BY_DEFAULT = new Set(["kubeDns", "windowsMonitoring"]);

/**
 * What each managed control plane lets an in-cluster Prometheus scrape (independent of the
 * hints): etcd, scheduler and controller manager are never reachable on EKS, AKS or GKE; kube-proxy
 * binds 127.0.0.1 on EKS (aws/containers-roadmap#657) and does not exist on AKS with Cilium or GKE
 * Dataplane V2; GKE's cluster DNS is kube-dns.
 */
const MANAGED: Record<string, { hidden: string[]; dns: string }> = {
    aws: { hidden: ["kube-etcd", "kube-scheduler", "kube-controller-manager", "kube-proxy"], dns: "coredns" },
    azure: { hidden: ["kube-etcd", "kube-scheduler", "kube-controller-manager", "kube-proxy"], dns: "coredns" },
    gcp: { hidden: ["kube-etcd", "kube-scheduler", "kube-controller-manager", "kube-proxy"], dns: "kube-dns" },
};

describe("monitoring: no alert rule targets a job that is never scraped", () => {
    for (const stack of availableStacks()) {
        it(`${stack}: every enabled rule group and every platform alert selects scraped jobs only; hidden components are not scraped`, async () => {
            const cloud = stack.split("-")[1];
            const g = await inClusterGraphOf(stack);
            const kps = ofType(g, "kubernetes:helm.sh/v3:Release").find((r) => (r.inputs as any).chart === "kube-prometheus-stack")!;
            const values = (kps.inputs as any).values as Record<string, any>;
            const release = values.fullnameOverride as string;
            const enabled = (key: string) => values[key]?.enabled ?? !OFF_BY_DEFAULT.has(key);
            const scraped = new Set(Object.entries(KPS_SCRAPES).filter(([key]) => enabled(key)).map(([, job]) => job));
            for (const own of ["$prometheus", "$alertmanager", "$operator"]) {
                scraped.add(own);
            }
            for (const extra of (values.prometheus?.prometheusSpec?.additionalScrapeConfigs ?? []) as { job_name: string }[]) {
                scraped.add(extra.job_name);
            }
            for (const job of MANAGED[cloud].hidden) {
                assert.ok(!scraped.has(job), `${stack}: ${job} is scraped but ${cloud} does not expose it`);
            }
            assert.ok(scraped.has(MANAGED[cloud].dns), `${stack}: the cluster DNS (${MANAGED[cloud].dns}) is scraped`);
            assert.ok(!scraped.has(MANAGED[cloud].dns === "coredns" ? "kube-dns" : "coredns"), `${stack}: only the DNS the cluster runs`);
            const rules = (values.defaultRules?.rules ?? {}) as Record<string, boolean>;
            for (const [group, def] of Object.entries(KPS_RULE_GROUPS)) {
                const on = rules[group] !== false && (!def.gate || enabled(def.gate));
                if (!on) {
                    continue;
                }
                for (const job of def.jobs) {
                    assert.ok(scraped.has(job), `${stack}: rule group ${group} (${release}) selects job ${job}, which is never scraped`);
                }
            }
            for (const rule of ALERT_RULES) {
                for (const [, job] of rule.expr.matchAll(/job="([^"]+)"/g)) {
                    assert.ok(scraped.has(job), `${stack}: platform alert ${rule.alert} selects job ${job}, which is never scraped`);
                }
            }
            // Every group the chart has is known to this table (a chart bump adding one fails here).
            assert.deepEqual(Object.keys(rules).filter((k) => !(k in KPS_RULE_GROUPS)), []);
        });
    }
});

describe("drains: no PodDisruptionBudget forbids every eviction", () => {
    it("Argo CD (prod, HA): every PDB lets one pod go, the single controller has none", () => {
        const v = argoCdValues("prod", "hash") as Record<string, any>;
        const components = ["controller", "server", "repoServer", "applicationSet"];
        for (const c of components) {
            const replicas = Number(v[c]?.replicas ?? 1);
            const pdb = v[c]?.pdb as { enabled: boolean; minAvailable?: number; maxUnavailable?: number } | undefined;
            if (!pdb?.enabled) {
                continue;
            }
            const evictable = pdb.maxUnavailable ?? replicas - Number(pdb.minAvailable ?? 0);
            assert.ok(evictable >= 1, `${c}: ${replicas} replica(s) with ${JSON.stringify(pdb)} forbid every eviction`);
        }
        assert.deepEqual(v.controller.pdb, { enabled: false });
        assert.deepEqual(v.server.pdb, { enabled: true, maxUnavailable: 1 });
    });

    for (const stack of availableStacks()) {
        it(`${stack}: the Argo CD release's values carry no PDB on a single replica`, async () => {
            const g = await inClusterGraphOf(stack);
            const argo = ofType(g, "kubernetes:helm.sh/v3:Release").find((r) => (r.inputs as any).chart === "argo-cd")!;
            const values = (argo.inputs as any).values as Record<string, any>;
            for (const [c, v] of Object.entries(values)) {
                const pdb = (v as any)?.pdb;
                if (pdb?.enabled) {
                    const replicas = Number((v as any).replicas ?? 1);
                    assert.ok((pdb.maxUnavailable ?? replicas - Number(pdb.minAvailable ?? 0)) >= 1, `${stack} ${c}`);
                }
            }
        });
    }
});
