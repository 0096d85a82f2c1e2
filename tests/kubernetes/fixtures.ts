/**
 * Shared fixtures for the in-cluster platform tests: realistic Addons arguments and a captured
 * graph of the real components under the offline engine's mocks.
 */
import { createHash } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import { captureGraph } from "../../offline/engine";
import { ResourceGraph } from "../../offline/graph";
import { Addons, AddonsArgs } from "../../components/kubernetes";

/** A kubeconfig that points nowhere: under mocks the provider never connects. */
export const FAKE_KUBECONFIG = JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "offline", cluster: { server: "https://10.0.0.10:443" } }],
    contexts: [{ name: "offline", context: { cluster: "offline", user: "offline" } }],
    "current-context": "offline",
    users: [{ name: "offline", user: { token: "offline" } }],
});

/** Stands for the platform stack's `internalCaCertPem` output. */
export const TEST_CA_PEM = "-----BEGIN CERTIFICATE-----\nMIIBtest-platform-ca\n-----END CERTIFICATE-----\n";

export const TOOL_VMS = [
    { role: "jenkins", address: "10.20.16.11" },
    { role: "vault", address: "10.20.16.12" },
    { role: "wazuh", address: "10.20.16.13" },
];

export const SLACK_WEBHOOK = "https://hooks.slack.com/services/T000/B000/offline-test-webhook";

/** A pinned demo-model digest for tests (the SHA-256 of a test string, not of the real artifact). */
export const DEMO_SHA256 = createHash("sha256").update("offline test artifact").digest("hex");

/** The toleration AKS's Spot pools need (what AKS's hints carry in Spot environments). */
export const SPOT_TOLERATION = { key: "kubernetes.azure.com/scalesetpriority", operator: "Equal", value: "spot", effect: "NoSchedule" } as const;

/**
 * Every values path through which a chart creates pods, per Helm release of the Addons
 * (logical names), written out by hand from the charts' values.yaml at the pinned versions (see
 * the comments in argocd.ts and monitoring.ts). The Seldon operator chart has none: it is patched.
 */
export const TOLERATION_PATHS: Readonly<Record<string, readonly string[]>> = {
    "platform-argocd": ["global.tolerations"],
    "platform-monitoring": [
        "crds.upgradeJob.tolerations",
        "prometheusOperator.tolerations",
        "prometheusOperator.admissionWebhooks.patch.tolerations",
        "prometheusOperator.admissionWebhooks.deployment.tolerations",
        "prometheus.prometheusSpec.tolerations",
        "alertmanager.alertmanagerSpec.tolerations",
        "grafana.tolerations",
        "kube-state-metrics.tolerations",
    ],
};

/** Args for a realistic EKS-like cluster; `provider` is created inside the program. */
export function baseArgs(environment: AddonsArgs["environment"]): Omit<AddonsArgs, "provider"> {
    return {
        environment,
        hints: {
            storageClass: "gp3",
            loadBalancerAnnotations: { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" },
            workloadIdentity: { annotationKey: "eks.amazonaws.com/role-arn" },
            apiServerCidrs: ["10.20.0.0/16"],
            nodeCidrs: ["10.20.0.0/16"],
        },
        gitops: { repoUrl: "https://github.com/example/platform-config.git", path: `apps/${environment}`, revision: "main" },
        alerting: {},
        scrapeTargets: TOOL_VMS,
        internalCaCertPem: TEST_CA_PEM,
        modelServing: { engine: "seldon-core", demo: false },
    };
}

const plain = new Map<string, Promise<ResourceGraph>>();

/**
 * Captures the graph of one Addons component with `args` (merged over {@link baseArgs}). Without
 * overrides the graph is captured once per environment and process (treat it as read-only).
 */
export function addonsGraph(
    environment: AddonsArgs["environment"],
    overrides?: (pulumi: typeof import("@pulumi/pulumi")) => Partial<Omit<AddonsArgs, "provider">>,
): Promise<ResourceGraph> {
    if (!overrides) {
        let g = plain.get(environment);
        if (!g) {
            g = captureAddons(environment, () => ({}));
            plain.set(environment, g);
        }
        return g;
    }
    return captureAddons(environment, overrides);
}

function captureAddons(environment: AddonsArgs["environment"], overrides: (pulumi: typeof import("@pulumi/pulumi")) => Partial<Omit<AddonsArgs, "provider">>): Promise<ResourceGraph> {
    return captureGraph(
        async () => {
            const pulumi = await import("@pulumi/pulumi");
            const provider = new k8s.Provider("k8s", { kubeconfig: FAKE_KUBECONFIG });
            const addons = new Addons("platform", { ...baseArgs(environment), ...overrides(pulumi), provider });
            return {
                argocdAdminPassword: addons.argocdAdminPassword,
                grafanaAdminPassword: addons.grafanaAdminPassword,
                endpoints: addons.endpoints,
            };
        },
        { stack: `k8s-${environment}` },
    );
}
