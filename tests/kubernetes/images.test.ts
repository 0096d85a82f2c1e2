/**
 * Every image the pinned charts deploy is in the pinned table (versions.ts CHART_IMAGES), and
 * the release values make each chart use it by digest where one is recorded.
 *
 * RENDERED is independent of versions.ts: the image references a real Helm (v4.1.4) rendered
 * from the charts' sources at the pinned versions (argo-cd 10.1.1 with redis-ha 4.38.0,
 * kube-prometheus-stack 88.5.3 with grafana 12.11.1, kube-state-metrics 8.4.0,
 * prometheus-node-exporter 4.56.1, seldon-core-operator 1.18.2) under the values of dev-aws and
 * prod-aws, plus the images the prometheus-operator and the Seldon operator start themselves
 * (config reloader, Prometheus, Alertmanager; executor, initializer, sklearn server), written
 * out by hand from that review. Helm test hooks (grafana's bats, redis-ha's shellcheck) are not
 * installed by a release and are off or never run.
 */
import assert from "node:assert/strict";
import { byName, ResourceGraph } from "../../offline/graph";
import { CHART_IMAGES, ChartImage, DIGEST_PENDING, imageRef, irisSeldonDeployment } from "../../components/kubernetes";
import { addonsGraph, DEMO_SHA256 } from "./fixtures";

const RENDERED: readonly string[] = [
    "quay.io/argoproj/argocd:v3.4.4",
    "ecr-public.aws.com/docker/library/redis:8.2.3-alpine",
    "ecr-public.aws.com/docker/library/haproxy:3.3.10-alpine",
    "quay.io/prometheus-operator/prometheus-operator:v0.93.1",
    "quay.io/prometheus-operator/prometheus-config-reloader:v0.93.1",
    // The chart's default is 1.8.7; the platform pins 1.8.8 (the patch release with a recorded digest).
    "ghcr.io/jkroepke/kube-webhook-certgen:1.8.8",
    "quay.io/prometheus/prometheus:v3.14.0-distroless",
    "quay.io/prometheus/alertmanager:v0.34.0",
    "docker.io/grafana/grafana:13.2.0",
    "quay.io/kiwigrid/k8s-sidecar:2.10.1",
    "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.20.0",
    "quay.io/prometheus/node-exporter:v1.12.1-distroless",
    "docker.io/seldonio/seldon-core-operator:1.18.2",
    "docker.io/seldonio/seldon-core-executor:1.18.2",
    "docker.io/seldonio/rclone-storage-initializer:1.18.2",
    "docker.io/seldonio/sklearnserver:1.18.2",
];

const tagged = (name: ChartImage) => `${CHART_IMAGES[name].registry}/${CHART_IMAGES[name].repository}:${CHART_IMAGES[name].tag}`;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

describe("images: every chart image pinned, by digest where one is recorded", function () {
    this.timeout(60_000);
    let dev: ResourceGraph;
    let prod: ResourceGraph;
    before(async () => {
        dev = await addonsGraph("dev");
        prod = await addonsGraph("prod");
    });

    it("the table is exactly what the charts render", () => {
        assert.deepEqual((Object.keys(CHART_IMAGES) as ChartImage[]).map(tagged).sort(), [...RENDERED].sort());
    });

    it("digests are sha256 index digests with a source; the images without one are exactly DIGEST_PENDING (it only shrinks)", () => {
        for (const [name, img] of Object.entries(CHART_IMAGES) as [ChartImage, (typeof CHART_IMAGES)[ChartImage]][]) {
            const digest = (img as { digest?: string }).digest;
            if (DIGEST_PENDING.includes(name)) {
                assert.equal(digest, undefined, `${name} has a digest now: remove it from DIGEST_PENDING`);
            } else {
                assert.match(digest ?? "", DIGEST, name);
                assert.ok(img.source.length > 20 && !/no public record/.test(img.source), `${name} says where its digest comes from`);
            }
        }
        assert.ok(DIGEST_PENDING.length <= 6, "the pending list can only shrink");
        assert.equal(new Set(Object.values(CHART_IMAGES).map((i) => (i as { digest?: string }).digest).filter(Boolean)).size, Object.keys(CHART_IMAGES).length - DIGEST_PENDING.length, "no digest reused");
    });

    it("the release values carry each image's digest (and the tag of each pending one) in the chart's own key", () => {
        const v = (g: ResourceGraph, r: string) => byName(g, "kubernetes:helm.sh/v3:Release", r).inputs.values as any;
        const hex = (name: ChartImage) => (CHART_IMAGES[name] as { digest?: string }).digest!.replace("sha256:", "");
        for (const g of [dev, prod]) {
            const argo = v(g, "platform-argocd");
            assert.equal(argo.global.image.tag, `v3.4.4@sha256:${hex("argocd")}`);
            assert.equal(argo.redis.image.tag, `8.2.3-alpine@sha256:${hex("redis")}`);
            const kps = v(g, "platform-monitoring");
            assert.deepEqual(kps.prometheusOperator.image, { tag: "v0.93.1", sha: hex("prometheusOperator") });
            assert.deepEqual(kps.prometheusOperator.prometheusConfigReloader.image, { tag: "v0.93.1", sha: hex("prometheusConfigReloader") });
            assert.deepEqual(kps.prometheusOperator.admissionWebhooks.patch.image, { tag: "1.8.8", sha: hex("admissionWebhookCertgen") });
            assert.deepEqual(kps.prometheus.prometheusSpec.image, { tag: "v3.14.0-distroless", sha: hex("prometheus") });
            assert.deepEqual(kps.alertmanager.alertmanagerSpec.image, { tag: "v0.34.0", sha: hex("alertmanager") });
            assert.deepEqual(kps.grafana.image, { tag: "13.2.0", sha: hex("grafana") });
            assert.deepEqual(kps.grafana.sidecar.image, { tag: "2.10.1" }, "pending: by tag");
            // kube-state-metrics prints `@<sha>` verbatim, node-exporter `@<digest>`: the whole digest.
            assert.deepEqual(kps["kube-state-metrics"].image, { tag: "v2.20.0", sha: CHART_IMAGES.kubeStateMetrics.digest });
            assert.deepEqual(kps["prometheus-node-exporter"].image, { tag: "v1.12.1", distroless: true, digest: CHART_IMAGES.nodeExporter.digest });
            const seldon = v(g, "platform-serving-seldon-core");
            assert.deepEqual(seldon.image, { registry: "docker.io", repository: "seldonio/seldon-core-operator", tag: "1.18.2" });
            assert.deepEqual(seldon.executor.image, { registry: "docker.io", repository: "seldonio/seldon-core-executor", tag: "1.18.2" });
        }
        assert.equal(v(prod, "platform-argocd")["redis-ha"].image.tag, `8.2.3-alpine@sha256:${hex("redis")}`);
        assert.equal(v(prod, "platform-argocd")["redis-ha"].haproxy.image.tag, "3.3.10-alpine");
    });

    it("the demo model names its image in full (no operator default)", () => {
        const spec = (irisSeldonDeployment("models", DEMO_SHA256) as any).spec.predictors[0].componentSpecs[0].spec;
        assert.deepEqual([spec.containers[0].image, spec.initContainers[0].image], [imageRef(CHART_IMAGES.seldonSklearnServer), imageRef(CHART_IMAGES.seldonSklearnServer)]);
    });
});
