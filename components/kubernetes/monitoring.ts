/**
 * Monitoring: kube-prometheus-stack (Prometheus, Alertmanager, Grafana, operator) from the
 * prometheus-community chart (pinned), the platform's alert rules, scrapes of the tool VMs'
 * node_exporter and a platform dashboard delivered through Grafana's sidecar.
 *
 * The stack's CRDs are large (over the 256 KiB client-side-apply annotation limit): Helm installs
 * them with the release, and nothing here re-applies them.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { childOpts, COMMON_LABELS, Environment, ENVIRONMENTS, mergeValues, PLATFORM_NAMESPACES, PLATFORM_PRIORITY_CLASS, throwIfProblems } from "./common";
import { ClusterHints, ClusterMetricsHints, Toleration, tolerationList } from "./hints";
import { CHART_IMAGES, CHARTS, shaOf } from "./versions";

/** A VM that runs node_exporter on port 9100 (Jenkins, Vault, Wazuh). */
export interface ScrapeTarget {
    /** Tool role, becomes the `role` label of its series (e.g. `jenkins`). */
    readonly role: string;
    /** Private IPv4 address of the VM. */
    readonly address: string;
}

/** Where alerts go. */
export interface AlertingArgs {
    /**
     * Slack incoming-webhook URL (secret). Absent: Alertmanager runs with no receiver (alerts
     * are visible in its UI and Grafana but sent nowhere), which is a valid setup, not an error.
     */
    readonly slackWebhookUrl?: pulumi.Input<string>;
    /** Channel override; default: the webhook's own channel. */
    readonly slackChannel?: string;
}

export interface MonitoringArgs {
    /** Provider of the target cluster. */
    readonly provider: k8s.Provider;
    /** Retention, storage and replicas follow the environment (see MONITORING_PROFILES). */
    readonly environment: Environment;
    /** Namespace to install into (the Baseline's `monitoring`, already hardened). */
    readonly namespace: pulumi.Input<string>;
    /**
     * Cluster facts: the storage class for Prometheus and Alertmanager volumes, and the
     * tolerations every monitoring pod carries (`workloadTolerations`).
     */
    readonly hints: ClusterHints;
    /** Alert routing. Default: no receiver. */
    readonly alerting?: AlertingArgs;
    /** Tool VMs to scrape on port 9100 (node_exporter). Default none. */
    readonly scrapeTargets?: pulumi.Input<readonly ScrapeTarget[]>;
    /**
     * The platform CA certificate (PEM; the platform stack's `internalCaCertPem` output). The VMs'
     * node_exporter serves TLS only, with certificates of that CA: required when there are targets.
     */
    readonly internalCaCertPem?: pulumi.Input<string>;
    /**
     * Vault's own metrics (`/v1/sys/metrics`), read with the scoped token `platform-vault setup`
     * issues (policy: read sys/metrics, renew itself). Absent: no Vault job (its seal state is
     * still watched through the VM's textfile metrics).
     */
    readonly vaultMetrics?: { readonly address: pulumi.Input<string>; readonly token: pulumi.Input<string> };
}

/** Sizes per environment: retention and disk go together (retentionSize < volume, with headroom). */
export interface MonitoringProfile {
    readonly retention: string;
    readonly retentionSize: string;
    readonly prometheusStorage: string;
    readonly prometheusReplicas: number;
    readonly alertmanagerReplicas: number;
    readonly alertmanagerStorage: string;
}

export const MONITORING_PROFILES: Readonly<Record<Environment, MonitoringProfile>> = {
    dev: { retention: "7d", retentionSize: "16GB", prometheusStorage: "20Gi", prometheusReplicas: 1, alertmanagerReplicas: 1, alertmanagerStorage: "2Gi" },
    staging: { retention: "15d", retentionSize: "40GB", prometheusStorage: "50Gi", prometheusReplicas: 1, alertmanagerReplicas: 1, alertmanagerStorage: "5Gi" },
    // Two Prometheus replicas and a three-member Alertmanager cluster: losing a node loses no alerts.
    prod: { retention: "30d", retentionSize: "160GB", prometheusStorage: "200Gi", prometheusReplicas: 2, alertmanagerReplicas: 3, alertmanagerStorage: "10Gi" },
};

/** Helm release name; with `fullnameOverride` it fixes the Service names below. */
export const KPS_RELEASE = "kps";
export const GRAFANA_ADMIN_SECRET = "grafana-admin";
export const SLACK_SECRET = "alertmanager-slack";
export const SLACK_SECRET_KEY = "webhook-url";
export const TOOL_VM_JOB = "tool-vms";
export const NODE_EXPORTER_PORT = 9100;

/** Alertmanager config: a Slack receiver when a webhook is given, otherwise only the `null` receiver. */
export function alertmanagerConfig(slack: boolean, channel?: string): Record<string, unknown> {
    const receiver = slack ? "slack" : "null";
    return {
        global: { resolve_timeout: "5m" },
        route: {
            group_by: ["namespace", "alertname"],
            group_wait: "30s",
            group_interval: "5m",
            repeat_interval: "4h",
            receiver,
            // Watchdog fires always (dead man's switch); it must not page.
            routes: [{ receiver: "null", matchers: ['alertname = "Watchdog"'] }, tenantAlertsRoute()],
        },
        receivers: [
            { name: "null" },
            ...(slack
                ? [
                      {
                          name: "slack",
                          slack_configs: [
                              {
                                  // Read from the mounted Secret: the URL never appears in Helm values
                                  // or in the Alertmanager config Secret.
                                  api_url_file: `/etc/alertmanager/secrets/${SLACK_SECRET}/${SLACK_SECRET_KEY}`,
                                  ...(channel ? { channel } : {}),
                                  send_resolved: true,
                                  title: '[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }}',
                                  text: "{{ range .Alerts }}{{ .Annotations.summary }}\n{{ end }}",
                              },
                          ],
                      },
                  ]
                : []),
        ],
        templates: ["/etc/alertmanager/config/*.tmpl"],
    };
}

/**
 * Namespaces whose alerts are the platform's own: its namespaces and the cluster's system ones.
 * An alert that names any other namespace is about a tenant.
 */
export const PLATFORM_ALERT_NAMESPACES: readonly string[] = [...Object.values(PLATFORM_NAMESPACES), "kube-system", "kube-public", "kube-node-lease", "default"];

/**
 * Tenants' own alerts stay out of the platform's Slack. Prometheus adds `namespace=<the rule's
 * namespace>` to every alert of a tenant's PrometheusRule (`enforcedNamespaceLabel`, below), so a
 * tenant can never raise an alert about the cluster, the platform or another team. What it can
 * still do is fire alerts about its own namespace under any name: those reach the receiver only
 * when they are one of the platform's own alerts (which also fire for tenants' namespaces);
 * anything else a tenant defines stays visible in Alertmanager and Grafana (receiver `null`).
 * Alertmanager matchers are anchored regular expressions (https://prometheus.io/docs/alerting/latest/configuration/#matcher).
 */
export function tenantAlertsRoute(): { receiver: string; matchers: string[] } {
    return {
        receiver: "null",
        matchers: [
            'namespace =~ ".+"',
            `namespace !~ "${PLATFORM_ALERT_NAMESPACES.map(escapeRegex).join("|")}"`,
            `alertname !~ "${ALERT_RULES.map((r) => escapeRegex(r.alert)).join("|")}"`,
        ],
    };
}

function escapeRegex(s: string): string {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Prometheus scrape config for the tool VMs' node_exporter: HTTPS, verified against the platform
 * CA given inline (`tls_config.ca`, prometheus.io/docs/prometheus/latest/configuration/configuration/#tls_config);
 * the VMs' certificates name their private addresses, which are the targets.
 */
export function toolVmScrapeConfigs(targets: readonly ScrapeTarget[], caCertPem?: string): Record<string, unknown>[] {
    if (targets.length === 0) {
        return [];
    }
    if (!caCertPem) {
        throw new Error("monitoring: the tool VMs serve node_exporter over TLS only; pass internalCaCertPem (the platform stack output) to scrape them");
    }
    return [
        {
            job_name: TOOL_VM_JOB,
            scrape_interval: "30s",
            scheme: "https",
            tls_config: { ca: caCertPem, min_version: "TLS12" },
            static_configs: targets.map((t) => ({ targets: [`${t.address}:${NODE_EXPORTER_PORT}`], labels: { role: t.role } })),
        },
    ];
}

/** What a cluster exposes when its hints say nothing (kube-proxy and CoreDNS, as upstream Kubernetes). */
export const DEFAULT_CLUSTER_METRICS: ClusterMetricsHints = { kubeProxy: true, clusterDns: "coreDns" };

/**
 * kube-prometheus-stack's scrapes and default rule groups for a MANAGED control plane. EKS, AKS
 * and GKE run etcd, the scheduler and the controller manager out of the cluster's reach, so the
 * chart's ServiceMonitors for them find no target and its `absent(up{job=...})` alerts
 * (KubeControllerManagerDown, KubeSchedulerDown, etcdMembersDown...) fire forever. Both the
 * scrape and the rule groups are switched off: in kube-prometheus-stack 88.5.3
 * (prometheus-community/helm-charts at cf408a29) templates/prometheus/rules-1.14/etcd.yaml,
 * kubernetes-system-controller-manager.yaml, kubernetes-system-scheduler.yaml,
 * kube-scheduler.rules.yaml and kubernetes-system-kube-proxy.yaml are gated by BOTH
 * `.Values.<component>.enabled` and `.Values.defaultRules.rules.<group>`; setting both says so
 * in the values and survives a chart that drops one of the two conditions. kube-proxy and the
 * cluster DNS follow the cluster's hints (no kube-proxy on Cilium; GKE runs kube-dns, whose
 * metrics are the chart's `kubeDns` component, not `coreDns`). Windows rules: no Windows nodes.
 */
export function managedControlPlaneValues(metrics: ClusterMetricsHints): Record<string, unknown> {
    return {
        kubeControllerManager: { enabled: false },
        kubeScheduler: { enabled: false },
        kubeEtcd: { enabled: false },
        kubeProxy: { enabled: metrics.kubeProxy },
        coreDns: { enabled: metrics.clusterDns === "coreDns" },
        kubeDns: { enabled: metrics.clusterDns === "kubeDns" },
        defaultRules: {
            rules: {
                etcd: false,
                kubeControllerManager: false,
                kubeSchedulerAlerting: false,
                kubeSchedulerRecording: false,
                kubeProxy: metrics.kubeProxy,
                windows: false,
            },
        },
    };
}

/** Chart values. Secrets are not in them: Grafana's password and the Slack URL come from Secrets. */
export function monitoringValues(
    environment: Environment,
    storageClass: string,
    slack: { enabled: boolean; channel?: string },
    targets: readonly ScrapeTarget[],
    tolerations: readonly Toleration[] = [],
    caCertPem?: string,
    metrics: ClusterMetricsHints = DEFAULT_CLUSTER_METRICS,
    vault?: { readonly address: string },
): Record<string, unknown> {
    const p = MONITORING_PROFILES[environment];
    // Every pod of the release tolerates the workload pool's taints. Keys verified in
    // prometheus-community/helm-charts charts/kube-prometheus-stack/values.yaml at cf408a29
    // (= 88.5.3): prometheusOperator.tolerations, prometheusOperator.admissionWebhooks.patch.tolerations
    // (the cert patch Jobs, on by default), prometheusOperator.admissionWebhooks.deployment.tolerations
    // (off by default; set so enabling it cannot strand it), crds.upgradeJob.tolerations (same),
    // prometheus.prometheusSpec.tolerations, alertmanager.alertmanagerSpec.tolerations. Subcharts:
    // grafana 12.11.1 (grafana-community/helm-charts at 07d6c659: top-level `tolerations`, read by
    // templates/_pod.tpl) and kube-state-metrics 8.4.0 (top-level `tolerations`). Not set:
    // prometheus-node-exporter 4.56.1 already tolerates every NoSchedule taint (`effect:
    // NoSchedule, operator: Exists`, its default); thanosRuler is not enabled.
    const tol = tolerations.length > 0 ? { tolerations: tolerations.map((t) => ({ ...t })) } : {};
    const hardening = monitoringHardeningValues(environment);
    const claim = (size: string) => ({
        volumeClaimTemplate: {
            spec: { storageClassName: storageClass, accessModes: ["ReadWriteOnce"], resources: { requests: { storage: size } } },
        },
    });
    return mergeValues({
        fullnameOverride: KPS_RELEASE,
        ...managedControlPlaneValues(metrics),
        // Installed by Helm from the chart's crds/ (server side, no last-applied annotation).
        crds: { enabled: true, ...(tolerations.length > 0 ? { upgradeJob: { ...tol } } : {}) },
        prometheus: {
            service: { type: "ClusterIP" },
            prometheusSpec: {
                retention: p.retention,
                retentionSize: p.retentionSize,
                replicas: p.prometheusReplicas,
                storageSpec: claim(p.prometheusStorage),
                // Pick up rules and monitors from every namespace, not only the release's labels:
                // teams ship ServiceMonitors with their apps through Argo CD.
                ruleSelectorNilUsesHelmValues: false,
                serviceMonitorSelectorNilUsesHelmValues: false,
                podMonitorSelectorNilUsesHelmValues: false,
                probeSelectorNilUsesHelmValues: false,
                additionalScrapeConfigs: [...toolVmScrapeConfigs(targets, caCertPem), ...(vault ? vaultScrapeConfigs(vault.address, caCertPem) : [])],
                // The Vault token as a file (prometheusSpec.secrets mounts /etc/prometheus/secrets/<name>/).
                secrets: vault ? [VAULT_METRICS_SECRET] : [],
                ...tol,
            },
        },
        alertmanager: {
            service: { type: "ClusterIP" },
            config: alertmanagerConfig(slack.enabled, slack.channel),
            alertmanagerSpec: {
                replicas: p.alertmanagerReplicas,
                storage: claim(p.alertmanagerStorage),
                secrets: slack.enabled ? [SLACK_SECRET] : [],
                ...tol,
            },
        },
        grafana: {
            fullnameOverride: `${KPS_RELEASE}-grafana`,
            service: { type: "ClusterIP" },
            admin: { existingSecret: GRAFANA_ADMIN_SECRET, userKey: "admin-user", passwordKey: "admin-password" },
            sidecar: { dashboards: { enabled: true, label: "grafana_dashboard", labelValue: "1" } },
            ...tol,
        },
        ...(tolerations.length > 0
            ? {
                  prometheusOperator: { ...tol, admissionWebhooks: { patch: { ...tol }, deployment: { ...tol } } },
                  "kube-state-metrics": { ...tol },
              }
            : {}),
    }, hardening);
}

/** Requests and limits of the monitoring containers. */
const MONITORING_RESOURCES = {
    tiny: { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
    small: { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
    medium: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } },
    prometheus: {
        dev: { requests: { cpu: "250m", memory: "1Gi" }, limits: { cpu: "2", memory: "2Gi" } },
        staging: { requests: { cpu: "500m", memory: "2Gi" }, limits: { cpu: "2", memory: "4Gi" } },
        prod: { requests: { cpu: "1", memory: "4Gi" }, limits: { cpu: "4", memory: "8Gi" } },
    },
} as const;

/**
 * Scrape limits every ServiceMonitor, PodMonitor and Probe gets, whatever it asks for
 * (prometheus-operator `enforced*` fields, Documentation/api-reference/api.md): a tenant cannot
 * flood Prometheus with targets, series or huge labels. Sized above what the platform's own
 * scrapes need (a kubelet's cAdvisor endpoint on a busy node returns tens of thousands of samples;
 * one target per node for kubelet and node-exporter).
 */
export const SCRAPE_LIMITS = {
    enforcedSampleLimit: 100_000,
    enforcedTargetLimit: 1_000,
    enforcedLabelLimit: 64,
    enforcedLabelNameLengthLimit: 256,
    enforcedLabelValueLengthLimit: 4_096,
} as const;

/** Objects of the platform's own namespaces (chart rules and monitors, ours): exempt from the namespace label. */
export function excludedFromEnforcement(): { resource: string; namespace: string }[] {
    const resources = ["prometheusrules", "servicemonitors", "podmonitors", "probes", "scrapeconfigs"];
    return [PLATFORM_NAMESPACES.monitoring, PLATFORM_NAMESPACES.nodeExporter].flatMap((namespace) => resources.map((resource) => ({ resource, namespace })));
}

/** Selects exactly the monitoring namespace (the namespace name label every namespace carries since Kubernetes 1.22). */
const MONITORING_ONLY = { matchLabels: { "kubernetes.io/metadata.name": PLATFORM_NAMESPACES.monitoring } };

/**
 * The values that keep tenants from turning monitoring against the platform, and keep monitoring
 * pods from being evicted first. Keys verified in kube-prometheus-stack 88.5.3 values.yaml
 * (prometheus-community/helm-charts at cf408a29) and its subcharts:
 * - `prometheusSpec.arbitraryFSAccessThroughSMs.deny`: a ServiceMonitor cannot make Prometheus
 *   send a file it can read (its ServiceAccount token via `bearerTokenFile`) to a target the
 *   tenant runs (prometheus-operator api.md, ArbitraryFSAccessThroughSMsConfig);
 * - `enforcedNamespaceLabel: namespace` with the platform's namespaces excluded: every series
 *   and alert of a tenant's monitor or rule carries its own namespace, and a tenant rule's
 *   selectors only see its own namespace's series;
 * - scrape limits ({@link SCRAPE_LIMITS});
 * - Probes, ScrapeConfigs and AlertmanagerConfigs only from `monitoring` (tenant ScrapeConfigs
 *   would scrape anything Prometheus can reach; tenant AlertmanagerConfigs add receivers);
 * - `grafana.rbac.namespaced: true`: a Role in `monitoring` instead of the ClusterRole that reads
 *   every Secret of the cluster (grafana 12.11.1 defaults to `namespaced: false`; its sidecars
 *   only search `monitoring`); no test pod (`testFramework.enabled: false`);
 * - kube-state-metrics without its `secrets` collector (`collectorsExclude`, which also drops
 *   `secrets` from its ClusterRole: templates/role.yaml iterates the same list);
 * - node-exporter in its own privileged namespace (`namespaceOverride`), so `monitoring` is
 *   Pod Security `restricted`;
 * - the platform priority class and requests and limits on every container; PodDisruptionBudgets
 *   for Prometheus and Alertmanager where they run more than one replica (prod), allowing one
 *   pod at a time to go;
 * - every image by digest where one is recorded (versions.ts).
 */
export function monitoringHardeningValues(environment: Environment): Record<string, unknown> {
    const p = MONITORING_PROFILES[environment];
    const prio = { priorityClassName: PLATFORM_PRIORITY_CLASS };
    const sha = (i: (typeof CHART_IMAGES)[keyof typeof CHART_IMAGES]) => ({ tag: i.tag, ...(shaOf(i) ? { sha: shaOf(i) } : {}) });
    const pdb = (replicas: number) => (replicas > 1 ? { enabled: true, minAvailable: replicas - 1 } : { enabled: false });
    return {
        prometheusOperator: {
            ...prio,
            resources: MONITORING_RESOURCES.small,
            image: sha(CHART_IMAGES.prometheusOperator),
            prometheusConfigReloader: { image: sha(CHART_IMAGES.prometheusConfigReloader), resources: MONITORING_RESOURCES.tiny },
            admissionWebhooks: { patch: { ...prio, resources: MONITORING_RESOURCES.tiny, image: sha(CHART_IMAGES.admissionWebhookCertgen) } },
        },
        prometheus: {
            podDisruptionBudget: pdb(p.prometheusReplicas),
            prometheusSpec: {
                ...prio,
                resources: MONITORING_RESOURCES.prometheus[environment],
                image: sha(CHART_IMAGES.prometheus),
                arbitraryFSAccessThroughSMs: { deny: true },
                enforcedNamespaceLabel: "namespace",
                excludedFromEnforcement: excludedFromEnforcement(),
                ...SCRAPE_LIMITS,
                probeNamespaceSelector: MONITORING_ONLY,
                scrapeConfigNamespaceSelector: MONITORING_ONLY,
            },
        },
        alertmanager: {
            podDisruptionBudget: pdb(p.alertmanagerReplicas),
            alertmanagerSpec: {
                ...prio,
                resources: MONITORING_RESOURCES.small,
                image: sha(CHART_IMAGES.alertmanager),
                alertmanagerConfigNamespaceSelector: MONITORING_ONLY,
                // AlertmanagerConfig routes only ever match alerts of their own namespace.
                alertmanagerConfigMatcherStrategy: { type: "OnNamespace" },
            },
        },
        grafana: {
            ...prio,
            rbac: { namespaced: true },
            testFramework: { enabled: false },
            resources: MONITORING_RESOURCES.medium,
            image: sha(CHART_IMAGES.grafana),
            sidecar: { image: sha(CHART_IMAGES.grafanaSidecar), resources: MONITORING_RESOURCES.tiny },
        },
        // kube-state-metrics 8.4.0 prints `@<sha>` verbatim (templates/_helpers.tpl): the whole digest.
        "kube-state-metrics": {
            ...prio,
            collectorsExclude: ["secrets"],
            resources: MONITORING_RESOURCES.small,
            image: { tag: CHART_IMAGES.kubeStateMetrics.tag, ...(CHART_IMAGES.kubeStateMetrics.digest ? { sha: CHART_IMAGES.kubeStateMetrics.digest } : {}) },
        },
        "prometheus-node-exporter": {
            ...prio,
            namespaceOverride: PLATFORM_NAMESPACES.nodeExporter,
            resources: MONITORING_RESOURCES.tiny,
            image: { tag: CHART_IMAGES.nodeExporter.tag.replace(/-distroless$/, ""), distroless: true, ...(CHART_IMAGES.nodeExporter.digest ? { digest: CHART_IMAGES.nodeExporter.digest } : {}) },
        },
    };
}

/** One alerting rule (Prometheus rule file format). */
export interface AlertRule {
    readonly alert: string;
    readonly expr: string;
    readonly for: string;
    readonly labels: { readonly severity: "critical" | "warning" };
    readonly annotations: { readonly summary: string; readonly description: string };
}

/** The platform's alerts. Each has a `for` so a blip does not page. */
export const ALERT_RULES: readonly AlertRule[] = [
    {
        alert: "HighHttp5xxErrorRate",
        expr:
            'sum by (namespace, service) (rate(http_requests_total{code=~"5.."}[5m]))\n' +
            "  / sum by (namespace, service) (rate(http_requests_total[5m])) > 0.05",
        for: "2m",
        labels: { severity: "critical" },
        annotations: {
            summary: "More than 5% of HTTP requests to {{ $labels.namespace }}/{{ $labels.service }} fail with 5xx",
            description: "Sustained for 2 minutes. Check the service's recent rollout in Argo CD and its pods' logs.",
        },
    },
    {
        alert: "ModelServingHigh5xxErrorRate",
        expr:
            'sum by (namespace, deployment_name) (rate(seldon_api_executor_server_requests_seconds_count{code=~"5.."}[5m]))\n' +
            "  / sum by (namespace, deployment_name) (rate(seldon_api_executor_server_requests_seconds_count[5m])) > 0.05",
        for: "2m",
        labels: { severity: "critical" },
        annotations: {
            summary: "Model {{ $labels.namespace }}/{{ $labels.deployment_name }} answers more than 5% of requests with 5xx",
            description: "Sustained for 2 minutes (Seldon executor metrics).",
        },
    },
    {
        alert: "PodCrashLooping",
        expr: 'max_over_time(kube_pod_container_status_waiting_reason{job="kube-state-metrics", reason="CrashLoopBackOff"}[5m]) >= 1',
        for: "10m",
        labels: { severity: "warning" },
        annotations: {
            summary: "Pod {{ $labels.namespace }}/{{ $labels.pod }} ({{ $labels.container }}) is crash-looping",
            description: "In CrashLoopBackOff for 10 minutes.",
        },
    },
    {
        alert: "NodeNotReady",
        expr: 'kube_node_status_condition{job="kube-state-metrics", condition="Ready", status="true"} == 0',
        for: "10m",
        labels: { severity: "critical" },
        annotations: {
            summary: "Node {{ $labels.node }} is not Ready",
            description: "Not Ready for 10 minutes; its pods are being evicted or are unreachable.",
        },
    },
    {
        alert: "PersistentVolumeNearlyFull",
        expr:
            "(kubelet_volume_stats_available_bytes / kubelet_volume_stats_capacity_bytes) < 0.10\n" +
            "  and kubelet_volume_stats_used_bytes > 0",
        for: "5m",
        labels: { severity: "warning" },
        annotations: {
            summary: "PVC {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} has less than 10% free",
            description: "Expand the claim (the storage class allows expansion) or reduce retention.",
        },
    },
    {
        alert: "ScrapeTargetDown",
        expr: "up == 0",
        for: "5m",
        labels: { severity: "warning" },
        annotations: {
            summary: "Target {{ $labels.job }}/{{ $labels.instance }} is down",
            description: "Prometheus could not scrape it for 5 minutes (check NetworkPolicies and the target).",
        },
    },
    {
        alert: "ToolVmDown",
        expr: `up{job="${TOOL_VM_JOB}"} == 0`,
        for: "3m",
        labels: { severity: "critical" },
        annotations: {
            summary: "Tool VM {{ $labels.role }} ({{ $labels.instance }}) is unreachable",
            description: "node_exporter on the VM has not answered for 3 minutes.",
        },
    },
    {
        alert: "ToolVmBootstrapFailed",
        expr: `platform_bootstrap_success{job="${TOOL_VM_JOB}"} == 0`,
        for: "5m",
        labels: { severity: "critical" },
        annotations: {
            summary: "The bootstrap of {{ $labels.role }} ({{ $labels.instance }}) did not complete",
            description: "A step failed or was skipped: /var/lib/platform-bootstrap/status.json on the VM says which (components/bootstrap/README.md).",
        },
    },
    {
        alert: "CertificateExpiringSoon",
        expr: "certmanager_certificate_expiration_timestamp_seconds - time() < 14 * 24 * 3600",
        for: "1h",
        labels: { severity: "warning" },
        annotations: {
            summary: "Certificate {{ $labels.namespace }}/{{ $labels.name }} expires in less than 14 days",
            description: "cert-manager has not renewed it; check the Certificate's events (needs cert-manager's metrics).",
        },
    },
];

// ---------------------------------------------------------------------------------------------
// Tool VM operations (issue 22): what the VMs report about themselves through node_exporter's
// textfile collector (components/bootstrap/operations.ts, platform-health, the snapshot job), and
// Vault's own metrics. Kept in this block, apart from the cluster's rules.
// ---------------------------------------------------------------------------------------------

export const VAULT_JOB = "vault";
/** The Secret holding the Vault metrics token, mounted into Prometheus (prometheusSpec.secrets). */
export const VAULT_METRICS_SECRET = "vault-metrics-token";
export const VAULT_METRICS_SECRET_KEY = "token";
export const VAULT_API_PORT = 8200;

/**
 * Vault's metrics: `GET /v1/sys/metrics?format=prometheus` with a token that may read
 * `sys/metrics` (developer.hashicorp.com/vault/api-docs/system/metrics), over TLS verified with
 * the platform CA, the token from the mounted Secret (`authorization.credentials_file`,
 * prometheus.io/docs/prometheus/latest/configuration/configuration/#scrape_config).
 */
export function vaultScrapeConfigs(address: string, caCertPem?: string): Record<string, unknown>[] {
    if (!caCertPem) {
        throw new Error("monitoring: Vault serves TLS from the platform CA; pass internalCaCertPem to scrape it");
    }
    return [
        {
            job_name: VAULT_JOB,
            scrape_interval: "30s",
            scheme: "https",
            metrics_path: "/v1/sys/metrics",
            params: { format: ["prometheus"] },
            tls_config: { ca: caCertPem, min_version: "TLS12" },
            authorization: { type: "Bearer", credentials_file: `/etc/prometheus/secrets/${VAULT_METRICS_SECRET}/${VAULT_METRICS_SECRET_KEY}` },
            static_configs: [{ targets: [`${address}:${VAULT_API_PORT}`], labels: { role: "vault" } }],
        },
    ];
}

const vm = `job="${TOOL_VM_JOB}"`;

/**
 * Alerts on the tool VMs' operation. Each metric's writer: platform-health (every minute:
 * failed units, reboot pending, Vault seal, Wazuh agent link), the Vault snapshot job (every run),
 * node_exporter's filesystem collector (disk usage of `/` and the data disks).
 */
export function toolVmOperationsRules(vaultScraped: boolean): AlertRule[] {
    return [
        {
            alert: "ToolVmSystemdUnitFailed",
            expr: `platform_systemd_units_failed{${vm}} > 0`,
            for: "10m",
            labels: { severity: "warning" },
            annotations: {
                summary: "{{ $value }} systemd unit(s) failed on {{ $labels.role }} ({{ $labels.instance }})",
                description: "platform_systemd_unit_failed names them; `systemctl --failed` and `journalctl -u <unit>` on the VM say why.",
            },
        },
        {
            alert: "ToolVmDiskFilling",
            expr:
                `node_filesystem_avail_bytes{${vm},mountpoint=~"/|/var/lib/jenkins|/opt/vault/data|/var/lib/wazuh-data"}\n` +
                `  / node_filesystem_size_bytes{${vm},mountpoint=~"/|/var/lib/jenkins|/opt/vault/data|/var/lib/wazuh-data"} < 0.15`,
            for: "15m",
            labels: { severity: "warning" },
            annotations: {
                summary: "{{ $labels.mountpoint }} on {{ $labels.role }} has less than 15% free",
                description: "A full data disk stops the service (Vault refuses requests it cannot audit; the Wazuh indexer goes read-only at its flood stage, 95%). Grow the disk or shorten the retention (operations.wazuh.retentionDays).",
            },
        },
        {
            alert: "ToolVmDiskAlmostFull",
            expr:
                `node_filesystem_avail_bytes{${vm},mountpoint=~"/|/var/lib/jenkins|/opt/vault/data|/var/lib/wazuh-data"}\n` +
                `  / node_filesystem_size_bytes{${vm},mountpoint=~"/|/var/lib/jenkins|/opt/vault/data|/var/lib/wazuh-data"} < 0.05`,
            for: "5m",
            labels: { severity: "critical" },
            annotations: {
                summary: "{{ $labels.mountpoint }} on {{ $labels.role }} has less than 5% free",
                description: "Act now: the service on this disk is about to stop writing.",
            },
        },
        {
            alert: "ToolVmRebootPending",
            expr: `platform_reboot_required{${vm}} == 1 and (time() - platform_reboot_required_since_timestamp_seconds{${vm}}) > 8 * 24 * 3600`,
            for: "1h",
            labels: { severity: "warning" },
            annotations: {
                summary: "{{ $labels.role }} has waited more than 8 days for a reboot its updates need",
                description: "Its maintenance window (operations.patching) did not reboot it: check platform-maintenance-reboot.timer on the VM.",
            },
        },
        {
            alert: "VaultSealed",
            expr: `platform_vault_up{${vm}} == 1 and platform_vault_initialized{${vm}} == 1 and platform_vault_sealed{${vm}} == 1`,
            for: "5m",
            labels: { severity: "critical" },
            annotations: {
                summary: "Vault on {{ $labels.instance }} is sealed",
                description: "Auto-unseal failed: check the VM identity's access to the KMS key (journalctl -u vault).",
            },
        },
        {
            alert: "VaultDown",
            expr: `platform_vault_up{${vm}} == 0`,
            for: "5m",
            labels: { severity: "critical" },
            annotations: {
                summary: "Vault on {{ $labels.instance }} does not answer",
                description: "vault status fails on the VM itself (systemctl status vault).",
            },
        },
        {
            alert: "VaultSnapshotFailed",
            expr: `platform_vault_snapshot_last_run_success{${vm}} == 0`,
            for: "5m",
            labels: { severity: "critical" },
            annotations: {
                summary: "The last Vault raft snapshot of {{ $labels.instance }} failed",
                description: "journalctl -u vault-raft-snapshot on the VM says why (Vault down or sealed, login, upload).",
            },
        },
        {
            alert: "VaultSnapshotStale",
            expr: `platform_vault_initialized{${vm}} == 1 unless on (instance) (time() - platform_vault_snapshot_last_success_timestamp_seconds{${vm}} < 3 * 3600)`,
            for: "30m",
            labels: { severity: "critical" },
            annotations: {
                summary: "No Vault snapshot of {{ $labels.instance }} reached object storage in 3 hours",
                description: "The snapshot timer runs hourly: it is failing, not running (systemctl list-timers vault-raft-snapshot.timer), or its login was never set up (platform-vault setup).",
            },
        },
        {
            alert: "JenkinsBackupFailed",
            expr: `platform_jenkins_backup_last_run_success{${vm}} == 0`,
            for: "5m",
            labels: { severity: "warning" },
            annotations: {
                summary: "The last JENKINS_HOME archive of {{ $labels.instance }} failed",
                description: "journalctl -u jenkins-home-backup on the VM says why (tar, identity, upload); the daily disk snapshot still runs.",
            },
        },
        {
            // Daily at 01:30 UTC (+ up to 15 minutes): no success for 30 hours means a day was missed.
            alert: "JenkinsBackupStale",
            expr: `platform_jenkins_backup_last_run_success{${vm}} unless on (instance) (time() - platform_jenkins_backup_last_success_timestamp_seconds{${vm}} < 30 * 3600)`,
            for: "1h",
            labels: { severity: "warning" },
            annotations: {
                summary: "No JENKINS_HOME archive of {{ $labels.instance }} reached object storage in 30 hours",
                description: "The archive timer runs daily: it is failing, not running (systemctl list-timers jenkins-home-backup.timer), or Jenkins never wrote its config.xml.",
            },
        },
        {
            // platform-jenkins-kube runs every 4 minutes (components/bootstrap/jenkins-agents.ts):
            // three failures in a row, and agents cannot start once the last token expires.
            alert: "JenkinsKubernetesAccessFailing",
            expr: `platform_jenkins_kubernetes_last_run_success{${vm}} == 0`,
            for: "10m",
            labels: { severity: "critical" },
            annotations: {
                summary: "Jenkins on {{ $labels.instance }} cannot get a cluster token or look up the cluster",
                description: "journalctl -u platform-jenkins-kube on the VM says why (identity grant, cluster lookup, JCasC reload). Builds cannot start agents once the last token expires (15 minutes on EKS).",
            },
        },
        {
            alert: "JenkinsKubernetesTokenStale",
            expr: `platform_jenkins_kubernetes_last_run_success{${vm}} unless on (instance) (time() - platform_jenkins_kubernetes_last_success_timestamp_seconds{${vm}} < 15 * 60)`,
            for: "5m",
            labels: { severity: "critical" },
            annotations: {
                summary: "Jenkins on {{ $labels.instance }} has had no fresh cluster token for 15 minutes",
                description: "The refresh timer is not running (systemctl list-timers platform-jenkins-kube.timer) or keeps failing: agent pods cannot be started.",
            },
        },
        {
            alert: "WazuhAgentDisconnected",
            expr: `platform_wazuh_agent_connected{${vm}} == 0`,
            for: "30m",
            labels: { severity: "warning" },
            annotations: {
                summary: "The Wazuh agent on {{ $labels.role }} is not connected to its manager",
                description: "Its events are not reaching Wazuh. An agent newer than its manager is refused: upgrade the Wazuh VM first.",
            },
        },
        ...(vaultScraped
            ? [
                  {
                      alert: "VaultMetricsUnreadable",
                      expr: `up{job="${VAULT_JOB}"} == 0`,
                      for: "15m",
                      labels: { severity: "warning" as const },
                      annotations: {
                          summary: "Prometheus cannot read Vault's metrics",
                          description: "The metrics token may have expired (renewed daily on the VM) or been revoked: sudo platform-vault metrics-token, then update vaultMetricsToken.",
                      },
                  },
              ]
            : []),
    ];
}

/** The PrometheusRule object. */
export function prometheusRule(namespace: string, vaultScraped = false): Record<string, unknown> {
    return {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: { name: "platform-alerts", namespace, labels: { ...COMMON_LABELS, release: KPS_RELEASE } },
        spec: {
            groups: [
                { name: "platform.rules", rules: ALERT_RULES.map((r) => ({ ...r })) },
                { name: "platform.tool-vm-operations", rules: toolVmOperationsRules(vaultScraped).map((r) => ({ ...r })) },
            ],
        },
    };
}

/** The platform overview dashboard (Grafana JSON model), loaded by the sidecar from a labelled ConfigMap. */
export function platformDashboard(): Record<string, unknown> {
    const ds = { type: "prometheus", uid: "prometheus" };
    const panel = (id: number, title: string, type: string, expr: string, x: number, y: number) => ({
        id,
        title,
        type,
        datasource: ds,
        gridPos: { h: 8, w: 12, x, y },
        targets: [{ refId: "A", datasource: ds, expr }],
    });
    return {
        uid: "platform-overview",
        title: "Platform overview",
        tags: ["platform"],
        timezone: "utc",
        schemaVersion: 39,
        refresh: "1m",
        time: { from: "now-6h", to: "now" },
        panels: [
            panel(1, "Tool VMs up", "stat", `up{job="${TOOL_VM_JOB}"}`, 0, 0),
            panel(2, "Firing alerts", "stat", 'count by (severity) (ALERTS{alertstate="firing"})', 12, 0),
            panel(3, "HTTP 5xx ratio", "timeseries", 'sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))', 0, 8),
            panel(4, "Nodes not Ready", "stat", 'sum(kube_node_status_condition{condition="Ready",status="true"} == 0) or vector(0)', 12, 8),
            panel(5, "Container restarts (1h)", "timeseries", "sum by (namespace) (increase(kube_pod_container_status_restarts_total[1h]))", 0, 16),
            panel(6, "PVC usage", "timeseries", "kubelet_volume_stats_used_bytes / kubelet_volume_stats_capacity_bytes", 12, 16),
            panel(7, "Tool VM CPU busy", "timeseries", `1 - avg by (role) (rate(node_cpu_seconds_total{job="${TOOL_VM_JOB}",mode="idle"}[5m]))`, 0, 24),
            panel(8, "Tool VM root disk free", "timeseries", `node_filesystem_avail_bytes{job="${TOOL_VM_JOB}",mountpoint="/"} / node_filesystem_size_bytes{job="${TOOL_VM_JOB}",mountpoint="/"}`, 12, 24),
        ],
    };
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Problems with scrape targets (checked when they resolve: they are outputs of the VMs). */
export function scrapeTargetProblems(targets: readonly ScrapeTarget[]): string[] {
    const problems: string[] = [];
    targets.forEach((t, i) => {
        if (!IPV4.test(t.address)) {
            problems.push(`scrapeTargets[${i}].address = "${t.address}" is not an IPv4 address (give the VM's private IP)`);
        }
        if (!/^[a-z][a-z0-9-]*$/.test(t.role)) {
            problems.push(`scrapeTargets[${i}].role = "${t.role}" must be lowercase letters, digits and '-' (e.g. "jenkins")`);
        }
    });
    return problems;
}

/** Validation of MonitoringArgs (the parts known before deployment). */
export function monitoringProblems(args: MonitoringArgs): string[] {
    const problems: string[] = [];
    if (!ENVIRONMENTS.includes(args.environment)) {
        problems.push(`environment = "${args.environment}" is not one of ${ENVIRONMENTS.join(", ")}`);
    }
    if (!args.hints.storageClass || args.hints.storageClass.trim() === "") {
        problems.push("hints.storageClass is empty: Prometheus and Alertmanager need a StorageClass for their volumes");
    }
    if (args.alerting?.slackChannel !== undefined && !/^[#@]?[a-z0-9._-]+$/.test(args.alerting.slackChannel)) {
        problems.push(`alerting.slackChannel = "${args.alerting.slackChannel}" is not a Slack channel name (e.g. "#platform-alerts")`);
    }
    return problems;
}

/** kube-prometheus-stack and the platform's monitoring content. */
export class Monitoring extends pulumi.ComponentResource {
    /** Grafana's `admin` password (secret). */
    public readonly grafanaAdminPassword: pulumi.Output<string>;
    /** In-cluster URLs (ClusterIP). */
    public readonly endpoints: pulumi.Output<{ prometheus: string; alertmanager: string; grafana: string }>;
    /** The Helm release, for `dependsOn`. */
    public readonly release: k8s.helm.v3.Release;

    constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:k8s:Monitoring", name, {}, opts);
        throwIfProblems(`Monitoring "${name}"`, monitoringProblems(args));
        const built = buildMonitoring(this, name, args);
        this.grafanaAdminPassword = built.grafanaAdminPassword;
        this.endpoints = built.endpoints;
        this.release = built.release;
        this.registerOutputs({ grafanaAdminPassword: this.grafanaAdminPassword, endpoints: this.endpoints });
    }
}

/** Creates Monitoring's children under `parent`. */
export function buildMonitoring(parent: pulumi.Resource, name: string, args: MonitoringArgs) {
    const opts = (extra: pulumi.CustomResourceOptions = {}) => childOpts(parent, args.provider, extra);
    const slackUrl = args.alerting?.slackWebhookUrl;
    const targets = pulumi.output(args.scrapeTargets ?? []).apply((t) => {
        throwIfProblems(`Monitoring "${name}"`, scrapeTargetProblems(t));
        return t;
    });
    const meta = (n: string) => ({ name: n, namespace: args.namespace, labels: { ...COMMON_LABELS } });

    const password = new random.RandomPassword(`${name}-grafana-admin-password`, { length: 32, special: true, overrideSpecial: "-_.+=" }, { parent });
    const grafanaSecret = new k8s.core.v1.Secret(
        `${name}-grafana-admin`,
        {
            metadata: meta(GRAFANA_ADMIN_SECRET),
            type: "Opaque",
            stringData: { "admin-user": "admin", "admin-password": pulumi.secret(password.result) },
        },
        opts(),
    );
    const secrets: pulumi.Resource[] = [grafanaSecret];
    const vault = args.vaultMetrics;
    if (vault !== undefined) {
        secrets.push(
            new k8s.core.v1.Secret(
                `${name}-vault-metrics-token`,
                { metadata: meta(VAULT_METRICS_SECRET), type: "Opaque", stringData: { [VAULT_METRICS_SECRET_KEY]: pulumi.secret(vault.token) } },
                opts(),
            ),
        );
    }
    if (slackUrl !== undefined) {
        secrets.push(
            new k8s.core.v1.Secret(
                `${name}-slack-webhook`,
                { metadata: meta(SLACK_SECRET), type: "Opaque", stringData: { [SLACK_SECRET_KEY]: pulumi.secret(slackUrl) } },
                opts(),
            ),
        );
        new k8s.networking.v1.NetworkPolicy(
            `${name}-allow-alertmanager-slack-egress`,
            {
                metadata: meta("allow-alertmanager-slack-egress"),
                spec: {
                    // Slack publishes no stable IP ranges: HTTPS anywhere, for Alertmanager only.
                    podSelector: { matchLabels: { "app.kubernetes.io/name": "alertmanager" } },
                    policyTypes: ["Egress"],
                    egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 443 }] }],
                },
            },
            opts(),
        );
    }
    new k8s.networking.v1.NetworkPolicy(
        `${name}-allow-prometheus-tool-vm-egress`,
        {
            metadata: meta("allow-prometheus-tool-vm-egress"),
            spec: {
                podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } },
                policyTypes: ["Egress"],
                // Exactly the VMs, exactly node_exporter. No targets: no rule (an empty `to`
                // would mean "anywhere").
                egress: pulumi.all([targets, vault?.address]).apply(([t, vaultAddress]) => [
                    ...(t.length === 0 ? [] : [{ to: t.map((x) => ({ ipBlock: { cidr: `${x.address}/32` } })), ports: [{ protocol: "TCP", port: NODE_EXPORTER_PORT }] }]),
                    // Vault's metrics endpoint, on its API port: that VM only.
                    ...(vaultAddress ? [{ to: [{ ipBlock: { cidr: `${vaultAddress}/32` } }], ports: [{ protocol: "TCP", port: VAULT_API_PORT }] }] : []),
                ]),
            },
        },
        opts(),
    );

    const release = new k8s.helm.v3.Release(
        name,
        {
            name: KPS_RELEASE,
            chart: CHARTS.kubePrometheusStack.chart,
            version: CHARTS.kubePrometheusStack.version,
            repositoryOpts: { repo: CHARTS.kubePrometheusStack.repo },
            namespace: args.namespace,
            createNamespace: false,
            skipCrds: false,
            atomic: true,
            cleanupOnFail: true,
            timeout: 900,
            maxHistory: 10,
            values: pulumi.all([targets, args.internalCaCertPem, vault?.address]).apply(([t, ca, vaultAddress]) =>
                monitoringValues(
                    args.environment,
                    args.hints.storageClass,
                    { enabled: slackUrl !== undefined, channel: args.alerting?.slackChannel },
                    t,
                    tolerationList(args.hints),
                    ca,
                    args.hints.clusterMetrics ?? DEFAULT_CLUSTER_METRICS,
                    vaultAddress ? { address: vaultAddress } : undefined,
                ),
            ),
        },
        opts({ dependsOn: secrets }),
    );

    const rule = pulumi.output(args.namespace).apply((ns) => prometheusRule(ns, vault !== undefined));
    new k8s.apiextensions.CustomResource(
        `${name}-platform-alerts`,
        {
            apiVersion: "monitoring.coreos.com/v1",
            kind: "PrometheusRule",
            metadata: rule.apply((r) => r.metadata as k8s.types.input.meta.v1.ObjectMeta),
            spec: rule.apply((r) => r.spec),
        },
        // After the release: its CRDs and the operator's validating webhook.
        opts({ dependsOn: [release] }),
    );
    new k8s.core.v1.ConfigMap(
        `${name}-platform-dashboard`,
        {
            metadata: { ...meta("platform-overview-dashboard"), labels: { ...COMMON_LABELS, grafana_dashboard: "1" } },
            data: { "platform-overview.json": JSON.stringify(platformDashboard(), null, 2) },
        },
        opts(),
    );

    const svc = (s: string, port: number, scheme = "http") => pulumi.interpolate`${scheme}://${s}.${args.namespace}.svc.cluster.local:${port}`;
    return {
        grafanaAdminPassword: pulumi.secret(password.result),
        endpoints: pulumi.all([
            svc(`${KPS_RELEASE}-prometheus`, 9090),
            svc(`${KPS_RELEASE}-alertmanager`, 9093),
            svc(`${KPS_RELEASE}-grafana`, 80),
        ]).apply(([prometheus, alertmanager, grafana]) => ({ prometheus, alertmanager, grafana })),
        release,
    };
}
