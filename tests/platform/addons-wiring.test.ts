import * as assert from "node:assert/strict";
import { ConfigError } from "../../components/config";
import { captureGraph, loadProgram, loadStackConfig, runStack } from "../../offline/engine";
import { at, byName, ofType, ResourceGraph } from "../../offline/graph";

const SLACK = "https://hooks.slack.com/services/T000/B000/offline-test";

describe("platform: in-cluster addons wiring", () => {
    let dev: ResourceGraph;
    let prod: ResourceGraph;
    before(async () => {
        dev = await runStack("dev-aws");
        prod = await runStack("prod-aws");
    });

    it("dev-aws installs the addons under the Platform, after node groups, DNS and the CSI driver", () => {
        const platform = byName(dev, "platform:index:Platform", "platform");
        const addons = byName(dev, "platform:k8s:Addons", "addons");
        assert.equal(addons.parent, platform.urn);
        const ready = [...ofType(dev, "aws:eks/nodeGroup:NodeGroup"), ...ofType(dev, "aws:eks/addon:Addon").filter((a) => ["coredns", "aws-ebs-csi-driver"].includes(String(a.inputs.addonName)))];
        assert.equal(ready.length, 4);
        for (const r of ready) {
            assert.ok(addons.dependencies.includes(r.urn), `addons wait for ${r.name}`);
        }
    });

    it("every in-cluster object goes through the cluster's one Kubernetes provider", () => {
        const provider = ofType(dev, "pulumi:providers:kubernetes");
        assert.equal(provider.length, 1);
        const k8sResources = dev.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
        assert.ok(k8sResources.length > 30);
        for (const r of k8sResources) {
            assert.ok(r.provider?.startsWith(`${provider[0].urn}::`), `${r.type} ${r.name} uses ${r.provider}`);
        }
    });

    it("installs the three pinned releases and the bootstrap Application", () => {
        const releases = ofType(dev, "kubernetes:helm.sh/v3:Release").map((r) => [r.inputs.chart, r.inputs.version]);
        assert.deepEqual(releases.sort(), [["argo-cd", "10.1.1"], ["kube-prometheus-stack", "88.5.3"], ["seldon-core-operator", "1.18.2"]]);
        const apps = ofType(dev, "kubernetes:argoproj.io/v1alpha1:Application");
        assert.equal(apps.length, 1);
        assert.equal(at(apps[0].inputs, "spec.source.repoURL"), "https://github.com/example-org/platform-gitops.git");
        assert.equal(at(apps[0].inputs, "spec.source.path"), "envs/dev");
    });

    it("creates the encrypted gp3 StorageClass the monitoring volumes claim, with the platform's volumes key", () => {
        const sc = byName(dev, "kubernetes:storage.k8s.io/v1:StorageClass", "addons-storage-class");
        const volumesKey = byName(dev, "aws:kms/key:Key", "keys-volumes");
        assert.equal(sc.inputs.provisioner, "ebs.csi.aws.com");
        assert.deepEqual(sc.inputs.parameters, { type: "gp3", encrypted: "true", kmsKeyId: volumesKey.state.arn, "csi.storage.k8s.io/fstype": "ext4" });
        assert.equal(at(sc.inputs, "metadata.name"), "gp3");
        assert.equal(sc.inputs.volumeBindingMode, "WaitForFirstConsumer");
        assert.equal(sc.inputs.reclaimPolicy, "Delete");
        const monitoring = byName(dev, "platform:k8s:Monitoring", "addons-monitoring");
        assert.ok(monitoring.dependencies.includes(sc.urn));
    });

    it("scrapes node_exporter on the bastion and every tool VM by private address", () => {
        const release = byName(dev, "kubernetes:helm.sh/v3:Release", "addons-monitoring");
        const text = JSON.stringify(release.inputs.values);
        const vms = dev.outputs.toolVms as Record<string, { privateIp: string }>;
        const bastionIp = byName(dev, "aws:ec2/instance:Instance", "bastion-instance").state.privateIp as string;
        for (const ip of [bastionIp, vms.jenkins.privateIp, vms.vault.privateIp, vms.wazuh.privateIp]) {
            assert.ok(text.includes(`${ip}:9100`), `scrape target ${ip}:9100`);
        }
    });

    it("exports the generated admin passwords only as secrets", () => {
        assert.equal(dev.outputs.addonsEnabled, true);
        for (const key of ["argocdAdminPassword", "grafanaAdminPassword"]) {
            assert.ok(dev.secretOutputs.includes(key), key);
        }
        assert.equal(typeof (dev.outputs.addonEndpoints as Record<string, string>).argocd, "string");
    });

    it("prod-aws (private API, phase one) installs nothing in-cluster and says so in its outputs", () => {
        assert.equal(prod.outputs.addonsEnabled, false);
        assert.deepEqual(prod.resources.filter((r) => r.type.startsWith("kubernetes:") || r.type.startsWith("platform:k8s:")).map((r) => r.type), []);
        assert.equal(prod.outputs.argocdAdminPassword, undefined);
    });

    it("prod-aws phase two reaches the private API through the bastion tunnel (proxy-url on the provider only)", async () => {
        const g = await runStack("prod-aws", { configOverrides: { "platform:addonsEnabled": true, "platform:kubeProxyUrl": "socks5://127.0.0.1:1080" } });
        const provider = ofType(g, "pulumi:providers:kubernetes")[0];
        const kubeconfig = JSON.parse(provider.inputs.kubeconfig as string);
        assert.equal(kubeconfig.clusters[0].cluster["proxy-url"], "socks5://127.0.0.1:1080");
        assert.equal(JSON.parse(g.outputs.clusterKubeconfig as string).clusters[0].cluster["proxy-url"], undefined, "the exported kubeconfig stays direct");
        assert.equal(ofType(g, "platform:k8s:Addons").length, 1);
        const sc = byName(g, "kubernetes:storage.k8s.io/v1:StorageClass", "addons-storage-class");
        assert.equal(sc.inputs.reclaimPolicy, "Retain", "prod volumes outlive their claims");
        const argocd = byName(g, "kubernetes:helm.sh/v3:Release", "addons-argocd");
        assert.equal(at(argocd.inputs, "values.redis-ha.enabled"), true, "HA in prod");
    });

    describe("the Slack webhook (secret config)", () => {
        const devConfig = () => loadStackConfig("dev-aws").config;

        it("routes Alertmanager to Slack when the webhook is set as a secret, and never in clear", async () => {
            const g = await captureGraph(loadProgram(), {
                stack: "dev-aws",
                config: { ...devConfig(), "platform:slackWebhookUrl": SLACK },
                secretKeys: ["platform:slackWebhookUrl"],
            });
            const carriers = g.resources.filter((r) => JSON.stringify(r.inputs).includes(SLACK));
            assert.ok(carriers.length > 0, "the webhook reaches the cluster");
            for (const r of carriers) {
                assert.ok(r.secretPaths.length > 0, `${r.type} ${r.name} carries the webhook as a secret`);
            }
            const release = byName(g, "kubernetes:helm.sh/v3:Release", "addons-monitoring");
            assert.ok(!JSON.stringify(release.inputs).includes(SLACK), "not in Helm values");
        });

        it("refuses a webhook stored in plain text, without echoing it", async () => {
            const err: unknown = await captureGraph(loadProgram(), { stack: "dev-aws", config: { ...devConfig(), "platform:slackWebhookUrl": SLACK } }).then(
                () => assert.fail("accepted"),
                (e: unknown) => e,
            );
            assert.ok(err instanceof ConfigError);
            assert.deepEqual(err.problems, ["platform:slackWebhookUrl: is stored in plain text; remove it from the stack file and set it with `pulumi config set --secret slackWebhookUrl <value>`"]);
            assert.ok(!err.message.includes("hooks.slack.com"));
        });

        it("rejects a malformed webhook without echoing the value", async () => {
            const err: unknown = await captureGraph(loadProgram(), {
                stack: "dev-aws",
                config: { ...devConfig(), "platform:slackWebhookUrl": "http://example.com/hook?token=abc" },
                secretKeys: ["platform:slackWebhookUrl"],
            }).then(
                () => assert.fail("accepted"),
                (e: unknown) => e,
            );
            assert.ok(err instanceof ConfigError);
            assert.deepEqual(err.problems, ['platform:slackWebhookUrl: "(secret value)" must be a Slack incoming-webhook URL (https://hooks.slack.com/services/...)']);
        });
    });
});

describe("platform <-> automation contract", () => {
    it("exports every output the private-cluster bootstrap reads, the secret ones as secrets", async () => {
        const { REQUIRED_OUTPUTS } = await import("../../automation/bootstrap");
        const g = await runStack("prod-aws");
        for (const key of REQUIRED_OUTPUTS) {
            assert.ok(key in g.outputs, `prod-aws exports ${key}`);
        }
        assert.ok(g.secretOutputs.includes("bastionPrivateKeyPem"));
        assert.ok(g.secretOutputs.includes("clusterKubeconfig"));
    });
});
