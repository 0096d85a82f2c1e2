/**
 * Two layers, two stacks: the platform stack never touches the Kubernetes API; the in-cluster
 * stack reads it through a StackReference and installs everything through one provider whose
 * identity is the cluster's, whatever route the run takes to the API.
 */
import * as assert from "node:assert/strict";
import { ConfigError } from "../../components/config";
import { KUBE_PROXY_ENV } from "../../components/config/incluster";
import { availableStacks, captureGraph, INCLUSTER_PROJECT, loadInClusterProgram, loadStackConfig, platformStackRef, runInClusterStack } from "../../offline/engine";
import { at, byName, CapturedResource, ofType, ResourceGraph } from "../../offline/graph";
import { graphOf, inClusterGraphOf } from "../support/graphs";

const SLACK = "https://hooks.slack.com/services/T000/B000/offline-test";
const K8S_PROVIDER = "pulumi:providers:kubernetes";

/** Every resource that would talk to a Kubernetes API server. */
function touchesKubernetes(r: CapturedResource): boolean {
    return r.type.startsWith("kubernetes:") || r.type === K8S_PROVIDER || r.type.startsWith("platform:k8s:");
}

describe("layers: the platform stack never touches the Kubernetes API", () => {
    for (const stack of availableStacks()) {
        it(`${stack}: no Kubernetes provider and no in-cluster object in the platform layer; it exports what the in-cluster layer reads`, async () => {
            const g = await graphOf(stack);
            assert.deepEqual(g.resources.filter(touchesKubernetes).map((r) => `${r.type} ${r.name}`), []);
            for (const key of ["cloud", "environment", "clusterName", "clusterResourceId", "clusterEndpointAccess", "clusterKubeconfig", "clusterHints", "bastionPrivateIp", "toolVms", "internalCaCertPem"]) {
                assert.ok(g.outputs[key] !== undefined && g.outputs[key] !== "", `${stack} exports ${key}`);
            }
            assert.ok(g.secretOutputs.includes("clusterKubeconfig"));
            assert.equal(g.outputs.environment, stack.split("-")[0]);
        });
    }
});

describe("layers: the in-cluster stack of every environment", () => {
    for (const stack of availableStacks()) {
        describe(stack, () => {
            let platform: ResourceGraph;
            let g: ResourceGraph;
            before(async () => {
                platform = await graphOf(stack);
                g = await inClusterGraphOf(stack);
            });

            it("is its own project, reading the platform stack of the same name through one StackReference", () => {
                assert.equal(g.project, INCLUSTER_PROJECT);
                const refs = ofType(g, "pulumi:pulumi:StackReference");
                assert.equal(refs.length, 1);
                assert.equal(refs[0].read, true);
                assert.equal(refs[0].inputs.name, platformStackRef(stack));
                assert.ok(g.resources.every((r) => r.urn.startsWith(`urn:pulumi:${stack}::${INCLUSTER_PROJECT}::`)));
            });

            it("applies every in-cluster object through one provider: the platform's kubeconfig (secret), the cluster's resource id as its identity", () => {
                const providers = ofType(g, K8S_PROVIDER);
                assert.equal(providers.length, 1);
                const p = providers[0];
                assert.equal(p.inputs.clusterIdentifier, platform.outputs.clusterResourceId);
                assert.equal(p.inputs.kubeconfig, platform.outputs.clusterKubeconfig, "direct route: the kubeconfig as exported");
                assert.ok(p.secretPaths.includes("kubeconfig"));
                assert.equal(p.inputs.enableServerSideApply, "true", "providers receive their config as strings");
                const objects = g.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
                assert.ok(objects.length > 30);
                for (const r of objects) {
                    assert.ok(r.provider?.startsWith(`${p.urn}::`), `${r.type} ${r.name} uses ${r.provider}`);
                }
            });

            it("installs the three pinned releases (and, on EKS, the Cluster Autoscaler) and the bootstrap Application; passwords only as secrets", () => {
                const releases = ofType(g, "kubernetes:helm.sh/v3:Release").map((r) => [r.inputs.chart, r.inputs.version]);
                // AKS and GKE scale their pools themselves; EKS managed node groups need the autoscaler.
                const autoscaler = stack.endsWith("-aws") ? [["cluster-autoscaler", "9.59.0"]] : [];
                assert.deepEqual(releases.sort(), [["argo-cd", "10.1.1"], ...autoscaler, ["kube-prometheus-stack", "88.5.3"], ["seldon-core-operator", "1.18.2"]]);
                assert.equal(ofType(g, "kubernetes:argoproj.io/v1alpha1:Application").length, 1);
                for (const key of ["argocdAdminPassword", "grafanaAdminPassword"]) {
                    assert.ok(g.secretOutputs.includes(key), key);
                }
            });

            it("scrapes node_exporter on the bastion and every tool VM by the private addresses the platform exported", () => {
                const text = JSON.stringify(byName(g, "kubernetes:helm.sh/v3:Release", "addons-monitoring").inputs.values);
                const vms = platform.outputs.toolVms as Record<string, { privateIp: string }>;
                for (const ip of [platform.outputs.bastionPrivateIp as string, vms.jenkins.privateIp, vms.vault.privateIp, vms.wazuh.privateIp]) {
                    assert.ok(text.includes(`${ip}:9100`), `scrape target ${ip}:9100`);
                }
                // Over TLS, verified against the platform CA the platform stack exported.
                const job = (byName(g, "kubernetes:helm.sh/v3:Release", "addons-monitoring").inputs.values as any).prometheus.prometheusSpec.additionalScrapeConfigs[0];
                assert.equal(job.scheme, "https");
                assert.deepEqual(job.tls_config, { ca: platform.outputs.internalCaCertPem, min_version: "TLS12" });
            });
        });
    }

    it("dev-aws: the encrypted gp3 StorageClass carries the platform's volumes key (a hint through the StackReference)", async () => {
        const platform = await graphOf("dev-aws");
        const g = await inClusterGraphOf("dev-aws");
        const sc = byName(g, "kubernetes:storage.k8s.io/v1:StorageClass", "addons-storage-class");
        const volumesKey = byName(platform, "aws:kms/key:Key", "keys-volumes");
        assert.deepEqual(sc.inputs.parameters, { type: "gp3", encrypted: "true", kmsKeyId: volumesKey.state.arn, "csi.storage.k8s.io/fstype": "ext4" });
        assert.equal(sc.inputs.reclaimPolicy, "Delete");
        assert.ok(byName(g, "platform:k8s:Monitoring", "addons-monitoring").dependencies.includes(sc.urn));
    });

    it("prod-aws: a private cluster is planned in full (no phase flag): HA Argo CD, volumes retained", async () => {
        const g = await inClusterGraphOf("prod-aws");
        assert.equal(byName(g, "kubernetes:storage.k8s.io/v1:StorageClass", "addons-storage-class").inputs.reclaimPolicy, "Retain");
        assert.equal(at(byName(g, "kubernetes:helm.sh/v3:Release", "addons-argocd").inputs, "values.redis-ha.enabled"), true);
    });
});

describe("layers: the route to the API is a property of the run", () => {
    for (const stack of ["prod-aws", "prod-azure", "prod-gcp"]) {
        it(`${stack}: through a tunnel only the provider's kubeconfig gains proxy-url; same identity, every object's inputs unchanged (an update, never a replacement)`, async () => {
            const platform = await graphOf(stack);
            const direct = await inClusterGraphOf(stack);
            const tunnelled = await runInClusterStack(stack, platform, { runEnv: { [KUBE_PROXY_ENV]: "socks5://127.0.0.1:1080" } });
            const [pd, pt] = [ofType(direct, K8S_PROVIDER)[0], ofType(tunnelled, K8S_PROVIDER)[0]];
            assert.equal(pt.inputs.clusterIdentifier, pd.inputs.clusterIdentifier);
            assert.equal(pt.urn, pd.urn);
            const kubeconfig = JSON.parse(pt.inputs.kubeconfig as string);
            assert.ok(kubeconfig.clusters.every((c: { cluster: Record<string, unknown> }) => c.cluster["proxy-url"] === "socks5://127.0.0.1:1080"));
            const objects = (g: ResourceGraph) => Object.fromEntries(g.resources.filter((r) => r.type !== K8S_PROVIDER).map((r) => [r.urn, JSON.stringify(r.inputs)]));
            assert.deepEqual(objects(tunnelled), objects(direct));
            assert.equal(platform.outputs.clusterKubeconfig, pd.inputs.kubeconfig, "the exported kubeconfig stays direct");
        });
    }
});

describe("layers: the Slack webhook (secret config of the in-cluster stack)", () => {
    const run = async (extra: Record<string, string>, secretKeys: string[]) => {
        const platform = await graphOf("dev-aws");
        const { config } = loadStackConfig("dev-aws", {}, "incluster");
        return captureGraph(loadInClusterProgram({}), {
            project: INCLUSTER_PROJECT,
            stack: "dev-aws",
            config: { ...config, ...extra },
            secretKeys,
            stackReferences: { [platformStackRef("dev-aws")]: { outputs: platform.outputs, secretOutputNames: platform.secretOutputs } },
        });
    };

    it("routes Alertmanager to Slack when the webhook is set as a secret, and never in clear", async () => {
        const g = await run({ "platform-incluster:slackWebhookUrl": SLACK }, ["platform-incluster:slackWebhookUrl"]);
        const carriers = g.resources.filter((r) => JSON.stringify(r.inputs).includes(SLACK));
        assert.ok(carriers.length > 0, "the webhook reaches the cluster");
        for (const r of carriers) {
            assert.ok(r.secretPaths.length > 0, `${r.type} ${r.name} carries the webhook as a secret`);
        }
        assert.ok(!JSON.stringify(byName(g, "kubernetes:helm.sh/v3:Release", "addons-monitoring").inputs).includes(SLACK), "not in Helm values");
    });

    it("refuses a webhook stored in plain text, without echoing it", async () => {
        const err: unknown = await run({ "platform-incluster:slackWebhookUrl": SLACK }, []).then(
            () => assert.fail("accepted"),
            (e: unknown) => e,
        );
        assert.ok(err instanceof ConfigError);
        assert.deepEqual(err.problems, ["platform-incluster:slackWebhookUrl: is stored in plain text; remove it from the stack file and set it with `pulumi config set --secret slackWebhookUrl <value>`"]);
        assert.ok(!err.message.includes("hooks.slack.com"));
    });
});
