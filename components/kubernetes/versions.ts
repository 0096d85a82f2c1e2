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

/** A container image the platform runs, pinned by tag and, where verified, by digest. */
export interface PinnedImage {
    /** Registry host as the chart spells it (`quay.io`, `docker.io`, ...). */
    readonly registry: string;
    readonly repository: string;
    readonly tag: string;
    /**
     * `sha256:` digest of the image index (multi-arch manifest list) behind `tag`: what
     * `crane digest <registry>/<repository>:<tag>` prints and what a kubelet resolves. Absent: no
     * digest could be verified from here (see {@link DIGEST_PENDING}); the image is pinned by tag
     * only until one is recorded.
     */
    readonly digest?: string;
    /** Where the digest was read (no registry is reachable from the build machine). */
    readonly source: string;
    /** The release that deploys it. */
    readonly chart: keyof typeof CHARTS;
}

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
 * Every image the three pinned charts deploy with the values the platform gives them, found by
 * rendering each chart with a real Helm (v4.1.4) from its source at the pinned version under the
 * values of every shipped in-cluster stack (see README: "Images"). A chart bump that moves an
 * image makes tests/kubernetes/images.test.ts fail until this table moves with it.
 *
 * Digests: no container registry is reachable from the build machine, so each digest was read
 * from independent public records of the same tag (repositories that pin it by digest, e.g.
 * Renovate-managed manifests and image audit notes), and is the index digest. Re-verify with
 * `crane digest` (or `docker buildx imagetools inspect`) before every bump.
 */
export const CHART_IMAGES = {
    /** argo-cd 10.1.1 (appVersion v3.4.4): every Argo CD component and the redis secret-init Job. */
    argocd: {
        registry: "quay.io",
        repository: "argoproj/argocd",
        tag: "v3.4.4",
        digest: "sha256:2fb3efa9eaa42382acb39c9a1485eaac7a1ad7a09e8aa7da7143ca256fa6da09",
        source: "two independent Dockerfiles pinning quay.io/argoproj/argocd:v3.4.4@sha256 (public code index, 2026-11)",
        chart: "argoCd",
    },
    /** argo-cd 10.1.1 `redis.image` (non-HA) and redis-ha 4.38.0 `image` (prod HA). */
    redis: {
        registry: "ecr-public.aws.com",
        repository: "docker/library/redis",
        tag: "8.2.3-alpine",
        digest: "sha256:08ad0b1d280850169a790dba1393ff7a90aef951fc19632cf4d3ce4f78e679ba",
        source: "the Docker official image redis:8.2.3-alpine (same index on its ECR Public mirror), pinned by digest in six public repositories",
        chart: "argoCd",
    },
    /** redis-ha 4.38.0 `haproxy.image` (prod HA only). */
    haproxy: { registry: "ecr-public.aws.com", repository: "docker/library/haproxy", tag: "3.3.10-alpine", source: "no public record found", chart: "argoCd" },
    prometheusOperator: {
        registry: "quay.io",
        repository: "prometheus-operator/prometheus-operator",
        tag: "v0.93.1",
        digest: "sha256:e52bb28fd41c98dd407c7a8cba8bdcfe7eabd7447e250afaf1fe7bb816dedbff",
        source: "kube-prometheus-stack image audit (index and linux/amd64 child listed), public code index",
        chart: "kubePrometheusStack",
    },
    prometheusConfigReloader: {
        registry: "quay.io",
        repository: "prometheus-operator/prometheus-config-reloader",
        tag: "v0.93.1",
        digest: "sha256:428f088fe6fe07ab138bda92113664b04848a1dc408e4d3680a60ecdb55d1a65",
        source: "kube-prometheus-stack image audit (index and linux/amd64 child listed), public code index",
        chart: "kubePrometheusStack",
    },
    /**
     * The admission-webhook certificate Jobs. The chart's default is 1.8.7, for which no digest
     * is on record; 1.8.8 (a patch release of the same tool, same arguments) is, so it is pinned.
     */
    admissionWebhookCertgen: {
        registry: "ghcr.io",
        repository: "jkroepke/kube-webhook-certgen",
        tag: "1.8.8",
        digest: "sha256:cd85a621724cd9043a5b46a784578fa159437712f920166389fce830554e1c44",
        source: "kube-prometheus-stack image audit (index and linux/amd64 child listed), public code index",
        chart: "kubePrometheusStack",
    },
    prometheus: {
        registry: "quay.io",
        repository: "prometheus/prometheus",
        tag: "v3.14.0-distroless",
        digest: "sha256:50c707e96da5ade383cb1707790576480485e93de06aa60ad8802cb5f744bd0a",
        source: "ten public repositories pin prom/prometheus (same image as quay.io) at this digest; the image audit lists it as the index",
        chart: "kubePrometheusStack",
    },
    alertmanager: {
        registry: "quay.io",
        repository: "prometheus/alertmanager",
        tag: "v0.34.0",
        digest: "sha256:690c7b525f4367aa91f73e2f91c632206d32e97c6384bdbf2fb7a861b420340d",
        source: "ten public repositories and the image audit (index) agree",
        chart: "kubePrometheusStack",
    },
    grafana: {
        registry: "docker.io",
        repository: "grafana/grafana",
        tag: "13.2.0",
        digest: "sha256:3fd54ae1214669f8355f065ec9f6445d5279a3d77095ab048ca045685272429b",
        source: "eight public repositories pin grafana/grafana:13.2.0 at this digest",
        chart: "kubePrometheusStack",
    },
    /** Grafana's dashboard and datasource sidecars. */
    grafanaSidecar: { registry: "quay.io", repository: "kiwigrid/k8s-sidecar", tag: "2.10.1", source: "no public record found", chart: "kubePrometheusStack" },
    kubeStateMetrics: {
        registry: "registry.k8s.io",
        repository: "kube-state-metrics/kube-state-metrics",
        tag: "v2.20.0",
        digest: "sha256:42cfe3723a5f058171c627537fb57a3ea0f26e4380fa18555a95cb1a1b4cfc5b",
        source: "two public records agree (a release manifest and the image audit, index)",
        chart: "kubePrometheusStack",
    },
    nodeExporter: {
        registry: "quay.io",
        repository: "prometheus/node-exporter",
        tag: "v1.12.1-distroless",
        digest: "sha256:8c9bac11973b94b59be88d6e11fee4429aa743c8846cdc75d65b18db33f6a106",
        source: "one public record (a pod spec pinning it); single source: re-verify before production",
        chart: "kubePrometheusStack",
    },
    seldonOperator: { registry: "docker.io", repository: "seldonio/seldon-core-operator", tag: "1.18.2", source: "no public record found", chart: "seldonCoreOperator" },
    seldonExecutor: { registry: "docker.io", repository: "seldonio/seldon-core-executor", tag: "1.18.2", source: "no public record found", chart: "seldonCoreOperator" },
    /** The prepackaged sklearn server (the demo model's container, and its verifying initializer). */
    seldonSklearnServer: { registry: "docker.io", repository: "seldonio/sklearnserver", tag: "1.18.2", source: "no public record found", chart: "seldonCoreOperator" },
    /** The chart's default model initializer (the demo replaces it with a verifying one). */
    seldonStorageInitializer: { registry: "docker.io", repository: "seldonio/rclone-storage-initializer", tag: "1.18.2", source: "no public record found", chart: "seldonCoreOperator" },
} as const satisfies Record<string, PinnedImage>;

export type ChartImage = keyof typeof CHART_IMAGES;

/**
 * Images still pinned by tag only, because no digest could be verified offline. This list can
 * only shrink: a test fails when an image here gains a digest (remove it) or one outside it has
 * none. Before production: `crane digest <image>` for each and record it above.
 */
export const DIGEST_PENDING: readonly ChartImage[] = ["haproxy", "grafanaSidecar", "seldonOperator", "seldonExecutor", "seldonSklearnServer", "seldonStorageInitializer"];

/** `tag@digest` when the digest is known, else `tag`: what charts that take one "tag" string get. */
export function tagWithDigest(image: PinnedImage): string {
    return image.digest ? `${image.tag}@${image.digest}` : image.tag;
}

/** The full reference `registry/repository:tag[@digest]`. */
export function imageRef(image: PinnedImage): string {
    return `${image.registry}/${image.repository}:${tagWithDigest(image)}`;
}

/** The hex part of a digest, for charts whose `sha` value is prefixed with `@sha256:` by the template. */
export function shaOf(image: PinnedImage): string | undefined {
    return image.digest?.replace(/^sha256:/, "");
}

/**
 * The demo model: Seldon's public iris classifier for the matching release (SeldonIO/seldon-core
 * README.md at v1.18.2). The artifact is a joblib pickle, which runs code when loaded: the demo
 * fetches it over HTTPS (the bucket's public HTTPS endpoint) and refuses to serve it unless its
 * SHA-256 equals the one the stack pins (`addons.modelServing.demoModelSha256`).
 */
export const DEMO_MODEL_URI = "gs://seldon-models/v1.18.2/sklearn/iris";
/** The same object over HTTPS (Cloud Storage public URL form https://storage.googleapis.com/<bucket>/<object>). */
export const DEMO_MODEL_HTTPS = "https://storage.googleapis.com/seldon-models/v1.18.2/sklearn/iris/model.joblib";
