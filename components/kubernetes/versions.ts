/**
 * Every chart and image version the in-cluster platform installs, in one place.
 *
 * Rule: nothing floats. No `latest`, no ranges; a bump is a reviewed one-line change here, and
 * tests/kubernetes/versions.test.ts fails on anything that looks unpinned.
 *
 * Provenance: each version was read from the chart's source repository (Chart.yaml at the commit
 * noted) on 2026-11-22 through the offline reference mirror; no Helm repository was reachable
 * from the build machine, so "newest" means newest in that mirror, not necessarily newest
 * published. Check `helm search repo <name> --versions` before a bump.
 */

/** A pinned Helm chart: repository URL, chart name, exact version. */
export interface ChartVersion {
    readonly repo: string;
    readonly chart: string;
    readonly version: string;
}

export const CHARTS = {
    /**
     * Argo CD (app v3.4.4). argoproj/argo-helm charts/argo-cd/Chart.yaml at af0a9310 (2026-07-02).
     * Bundles redis-ha 4.38.0 for HA mode.
     */
    argoCd: { repo: "https://argoproj.github.io/argo-helm", chart: "argo-cd", version: "10.1.1" },
    /**
     * kube-prometheus-stack (prometheus-operator v0.93.1). prometheus-community/helm-charts
     * charts/kube-prometheus-stack/Chart.yaml at cf408a29 (2026-08-22).
     */
    kubePrometheusStack: {
        repo: "https://prometheus-community.github.io/helm-charts",
        chart: "kube-prometheus-stack",
        version: "88.5.3",
    },
    /**
     * Seldon Core v1 operator. SeldonIO/seldon-core tag v1.18.2 (2024-06-05), the last v1 release
     * (1.19.0 exists only as rc.1). Business Source License 1.1: see README.md.
     */
    seldonCoreOperator: {
        repo: "https://storage.googleapis.com/seldon-charts",
        chart: "seldon-core-operator",
        version: "1.18.2",
    },
    /**
     * Cluster Autoscaler (EKS only: AKS and GKE scale their pools themselves). kubernetes/autoscaler
     * tag cluster-autoscaler-chart-9.59.0 (2026-07-21), cluster-autoscaler/charts/cluster-autoscaler/Chart.yaml,
     * appVersion 1.35.0; the image is set per cluster minor below (CLUSTER_AUTOSCALER_IMAGE_TAGS).
     */
    clusterAutoscaler: {
        repo: "https://kubernetes.github.io/autoscaler",
        chart: "cluster-autoscaler",
        version: "9.59.0",
    },
} as const satisfies Record<string, ChartVersion>;

/**
 * The Cluster Autoscaler image per Kubernetes minor: its minor must equal the cluster's ("We
 * recommend using Cluster Autoscaler with the Kubernetes control plane version for which it was
 * meant", kubernetes/autoscaler cluster-autoscaler/README.md, "Releases"). Each is the newest
 * patch tag of that minor in kubernetes/autoscaler (git tags cluster-autoscaler-<version>, read
 * 2026-11-30): registry.k8s.io/autoscaling/cluster-autoscaler:<tag>. A cluster minor missing here
 * is refused before anything is created.
 */
export const CLUSTER_AUTOSCALER_IMAGE_TAGS: Readonly<Record<string, string>> = {
    "1.32": "v1.32.7",
    "1.33": "v1.33.6",
    "1.34": "v1.34.5",
    "1.35": "v1.35.2",
};

/**
 * Images the program names itself (everything else is pinned transitively by the chart version).
 * Tags equal the charts' own defaults: stating them makes a chart bump that moves an image visible
 * in review instead of silent.
 */
export const IMAGES = {
    /** Argo CD, = argo-cd chart 10.1.1 appVersion. */
    argoCdTag: "v3.4.4",
    /** Seldon Core operator, executor and the prepackaged sklearn server, = chart 1.18.2 defaults. */
    seldonOperator: { repository: "seldonio/seldon-core-operator", tag: "1.18.2" },
    seldonExecutor: { repository: "seldonio/seldon-core-executor", tag: "1.18.2" },
    seldonSklearnServer: { image: "seldonio/sklearnserver", tag: "1.18.2" },
    seldonStorageInitializer: "seldonio/rclone-storage-initializer:1.18.2",
} as const;

/**
 * The demo model: Seldon's public iris classifier for the matching release (SeldonIO/seldon-core
 * README.md at v1.18.2).
 */
export const DEMO_MODEL_URI = "gs://seldon-models/v1.18.2/sklearn/iris";
