/**
 * GKE: access model, private nodes, VPC-native ranges, Workload Identity, Dataplane V2, Shielded
 * nodes, KMS secrets with the service agent's grant BEFORE the cluster, node pools and their
 * service account, kubeconfig/provider, hints for the addons, and dev vs prod differences.
 */
import * as assert from "node:assert/strict";
import { TAGGING } from "../../policy-pack/lib/stack";
import { gkeServiceAgent, RELEASE_CHANNEL } from "../../components/gcp/cluster";
import { byName, ofType, ResourceGraph } from "../../offline/graph";
import { mockProjectNumber } from "../../offline/mocks-gcp";
import { childList, G, graphOf, inClusterGraphOf, labelsKeyOf } from "./fixtures";

for (const stack of ["dev-gcp", "prod-gcp"]) {
    describe(`gcp cluster (${stack})`, () => {
        let g: ResourceGraph;
        const env = stack.split("-")[0] as "dev" | "prod";
        const prod = env === "prod";
        const project = `platform-${env}-123456`;
        const controlPlane = prod ? "172.16.0.32/28" : "172.16.0.0/28";
        before(async () => {
            g = await graphOf(stack);
        });

        it("exact children: node SA and its five roles, the key grant, cluster, two pools (no Kubernetes provider: the in-cluster layer's)", () => {
            assert.deepEqual(childList(g, "platform:gcp:Cluster", "cluster"), [
                "container/cluster:Cluster cluster-gke",
                "container/nodePool:NodePool cluster-system",
                "container/nodePool:NodePool cluster-workload",
                "kms/cryptoKeyIAMMember:CryptoKeyIAMMember cluster-secrets-key-agent",
                "projects/iAMMember:IAMMember cluster-nodes-artifactregistry-reader",
                "projects/iAMMember:IAMMember cluster-nodes-logging-logwriter",
                "projects/iAMMember:IAMMember cluster-nodes-monitoring-metricwriter",
                "projects/iAMMember:IAMMember cluster-nodes-monitoring-viewer",
                "projects/iAMMember:IAMMember cluster-nodes-stackdriver-resourcemetadata-writer",
                "serviceaccount/account:Account cluster-nodes-sa",
            ]);
        });

        it("private nodes always; private endpoint in prod, authorized networks (never Google's public ranges) otherwise", () => {
            const c = byName(g, G.cluster, "cluster-gke").inputs as Record<string, any>;
            assert.deepEqual(c.privateClusterConfig, { enablePrivateNodes: true, enablePrivateEndpoint: prod, masterIpv4CidrBlock: controlPlane, masterGlobalAccessConfig: { enabled: false } });
            const bastionSubnet = prod ? "10.70.144.0/24" : "10.50.144.0/24";
            assert.deepEqual(c.masterAuthorizedNetworksConfig, {
                cidrBlocks: prod
                    ? [{ cidrBlock: bastionSubnet, displayName: "bastion subnet" }]
                    : [
                          { cidrBlock: "203.0.113.0/24", displayName: "authorized-0" },
                          { cidrBlock: bastionSubnet, displayName: "bastion subnet" },
                      ],
                gcpPublicCidrsAccessEnabled: false,
            });
            assert.equal(g.outputs.clusterEndpointAccess, prod ? "private" : "restricted");
            if (prod) {
                assert.match(String(g.outputs.clusterEndpoint), /^https:\/\/172\.16\.0\.3\d$/);
            }
        });

        it("hardening: VPC-native ranges, Dataplane V2, Workload Identity, Shielded nodes, no ABAC, no client cert, release channel, deletion protection", () => {
            const r = byName(g, G.cluster, "cluster-gke");
            const c = r.inputs as Record<string, any>;
            assert.equal(c.networkingMode, "VPC_NATIVE");
            assert.deepEqual(c.ipAllocationPolicy, { clusterSecondaryRangeName: "pods", servicesSecondaryRangeName: "services" });
            assert.equal(c.datapathProvider, "ADVANCED_DATAPATH");
            assert.deepEqual(c.workloadIdentityConfig, { workloadPool: `${project}.svc.id.goog` });
            assert.equal(c.enableShieldedNodes, true);
            assert.equal(c.enableLegacyAbac, false);
            assert.deepEqual(c.masterAuth, { clientCertificateConfig: { issueClientCertificate: false } });
            assert.equal(c.removeDefaultNodePool, true);
            assert.deepEqual(c.releaseChannel, { channel: RELEASE_CHANNEL[env] });
            assert.equal(c.minMasterVersion, "1.35", "the configured version is the floor; the channel picks patches");
            assert.equal(g.outputs.clusterVersion, "1.35", "the output is the running minor (masterVersion)");
            assert.equal(RELEASE_CHANNEL.prod, "STABLE");
            assert.equal(c.deletionProtection, prod);
            assert.equal(r.protect, prod);
            assert.equal(c.location, "europe-west1");
            assert.equal(c.nodeConfig.serviceAccount, `platform-${env}-gcp-gke-nodes@${project}.iam.gserviceaccount.com`, "the transient default pool never runs as the Compute Engine default SA");
        });

        it("secrets encrypted with the KMS key; the GKE service agent (from the project NUMBER) is granted BEFORE the cluster", () => {
            const cluster = byName(g, G.cluster, "cluster-gke");
            const key = byName(g, G.key, "keys-gke-secrets");
            assert.deepEqual(cluster.inputs.databaseEncryption, { state: "ENCRYPTED", keyName: key.id });
            const grant = byName(g, G.keyIam, "cluster-secrets-key-agent");
            const agent = `service-${mockProjectNumber(project)}@container-engine-robot.iam.gserviceaccount.com`;
            assert.deepEqual([grant.inputs.cryptoKeyId, grant.inputs.role, grant.inputs.member], [key.id, "roles/cloudkms.cryptoKeyEncrypterDecrypter", `serviceAccount:${agent}`]);
            assert.ok(cluster.dependencies.includes(grant.urn), "the cluster waits for the grant");
            assert.ok(g.invokes.some((i) => i.token === "gcp:organizations/getProject:getProject"));
            assert.throws(() => gkeServiceAgent(project), /not a project NUMBER/);
        });

        it("node pools: dedicated SA, GKE_METADATA, secure boot, autoscaling; system on-demand and tainted; workload Spot in dev only", () => {
            const sa = `platform-${env}-gcp-gke-nodes@${project}.iam.gserviceaccount.com`;
            for (const pool of ["system", "workload"]) {
                const p = byName(g, G.nodePool, `cluster-${pool}`).inputs as Record<string, any>;
                const n = p.nodeConfig;
                assert.equal(n.serviceAccount, sa);
                assert.deepEqual(n.workloadMetadataConfig, { mode: "GKE_METADATA" });
                assert.deepEqual(n.shieldedInstanceConfig, { enableSecureBoot: true, enableIntegrityMonitoring: true });
                assert.deepEqual(n.oauthScopes, ["https://www.googleapis.com/auth/cloud-platform"]);
                assert.equal(n.bootDiskKmsKey, byName(g, G.key, "keys-disks").id, "CMEK node boot disks");
                assert.equal(n.spot, pool === "workload" && !prod);
                assert.deepEqual(n.taints, pool === "system" ? [{ key: "CriticalAddonsOnly", value: "true", effect: "NO_SCHEDULE" }] : []);
                assert.equal(p.autoscaling.locationPolicy, pool === "workload" && !prod ? "ANY" : "BALANCED");
                assert.deepEqual(p.management, { autoRepair: true, autoUpgrade: true });
                assert.equal(p.nodeLocations.length, prod ? 3 : 2);
            }
            const sizes = (pool: string) => {
                const a = (byName(g, G.nodePool, `cluster-${pool}`).inputs as Record<string, any>).autoscaling;
                return [a.totalMinNodeCount, a.totalMaxNodeCount];
            };
            assert.deepEqual(sizes("system"), prod ? [3, 5] : [2, 3]);
            assert.deepEqual(sizes("workload"), prod ? [3, 12] : [1, 4]);
            assert.equal((byName(g, G.nodePool, "cluster-workload").inputs as Record<string, any>).nodeConfig.machineType, prod ? "n2-standard-8" : "e2-standard-4");
        });

        it("kubeconfig: secret, gke-gcloud-auth-plugin exec; the cluster id as the in-cluster provider's identity; GKE hints for the addons", () => {
            assert.equal(g.outputs.clusterResourceId, byName(g, G.cluster, "cluster-gke").state.id);
            assert.ok(g.secretOutputs.includes("clusterKubeconfig"));
            const kc = JSON.parse(String(g.outputs.clusterKubeconfig));
            assert.equal(kc.users[0].user.exec.command, "gke-gcloud-auth-plugin");
            assert.equal(kc.users[0].user.exec.provideClusterInfo, true);
            assert.deepEqual(g.outputs.clusterHints, {
                storageClass: "pd-balanced-cmek",
                storageClassSpec: {
                    provisioner: "pd.csi.storage.gke.io",
                    parameters: { type: "pd-balanced", "disk-encryption-kms-key": byName(g, G.key, "keys-disks").id, "csi.storage.k8s.io/fstype": "ext4" },
                },
                loadBalancerAnnotations: { "networking.gke.io/load-balancer-type": "Internal" },
                workloadIdentity: { annotationKey: "iam.gke.io/gcp-service-account", tokenEgress: [{ cidr: "169.254.169.254/32", port: 80 }] },
                apiServerCidrs: [controlPlane],
                nodeCidrs: [prod ? "10.70.0.0/19" : "10.50.0.0/19"],
                // Dataplane V2 is Cilium: nodes only through Cilium entities; no kube-proxy; kube-dns.
                nodePeers: "ciliumEntities",
                clusterMetrics: { kubeProxy: false, clusterDns: "kubeDns" },
            });
        });

        it("in-cluster layer: the addons through the GKE provider (both environments: no phase flag), volumes on the platform's disks key", async () => {
            const k = await inClusterGraphOf(stack);
            const releases = ofType(k, "kubernetes:helm.sh/v3:Release");
            assert.ok(releases.length >= 3);
            const provider = byName(k, "pulumi:providers:kubernetes", "cluster");
            assert.equal(provider.inputs.clusterIdentifier, g.outputs.clusterResourceId);
            for (const r of releases) {
                assert.ok(r.provider?.startsWith(provider.urn), `${r.name} uses the GKE provider`);
            }
            assert.ok(!JSON.stringify(k.resources.filter((r) => r.type.startsWith("kubernetes:")).map((r) => r.inputs)).includes("aws-load-balancer"), "no AWS hints leak in");
            const classes = ofType(k, "kubernetes:storage.k8s.io/v1:StorageClass");
            assert.deepEqual(
                classes.map((c) => [(c.inputs.metadata as Record<string, unknown>).name, c.inputs.provisioner, (c.inputs.parameters as Record<string, unknown>)["disk-encryption-kms-key"]]),
                [["pd-balanced-cmek", "pd.csi.storage.gke.io", byName(g, G.key, "keys-disks").id]],
                "volumes on the platform's disks key",
            );
        });
    });
}

describe("gcp cluster variants", () => {
    it("the policy pack's GCP labelable list matches the SDK for every GCP type the stacks use", async () => {
        const g = await graphOf("dev-gcp");
        const used = [...new Set(g.resources.filter((r) => r.custom && r.type.startsWith("gcp:")).map((r) => r.type))];
        const fromSdk = used.filter((t) => labelsKeyOf(t) !== undefined).sort();
        const inPack = used.filter((t) => TAGGING.gcp.taggableTypes.has(t)).sort();
        assert.deepEqual(inPack, fromSdk);
        assert.equal(TAGGING.gcp.keyByType?.["gcp:container/cluster:Cluster"], "resourceLabels");
    });
});
