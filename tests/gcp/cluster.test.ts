/**
 * GKE: access model, private nodes, VPC-native ranges, Workload Identity, Dataplane V2, Shielded
 * nodes, KMS secrets with the service agent's grant (after the agent exists, propagated) BEFORE
 * the cluster, node pools and their service account, the Spot taint, maintenance windows,
 * notifications, Binary Authorization, kubeconfig/provider, hints for the addons, and dev vs
 * prod differences.
 */
import * as assert from "node:assert/strict";
import { TAGGING } from "../../policy-pack/lib/stack";
import { Address4 } from "ip-address";
import { authorizedNetworks, gkeKubernetesCloud, gkeServiceAgent, MAINTENANCE_WINDOWS, nodePoolName, RELEASE_CHANNEL } from "../../components/gcp/cluster";
import { analyseFlows } from "../../offline/flows";
import { byName, ofType, ResourceGraph } from "../../offline/graph";
import { mockProjectNumber } from "../../offline/mocks-gcp";
import { childList, G, graphOf, inClusterGraphOf, labelsKeyOf, variantOf } from "./fixtures";

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

        it("exact children: node SA and its five roles, the notification topic (publisher: the GKE agent) and subscription, cluster, two pools (no Kubernetes provider: the in-cluster layer's)", () => {
            assert.deepEqual(childList(g, "platform:gcp:Cluster", "cluster"), [
                "container/cluster:Cluster cluster-gke",
                "container/nodePool:NodePool cluster-system",
                "container/nodePool:NodePool cluster-workload",
                "projects/iAMMember:IAMMember cluster-nodes-artifactregistry-reader",
                "projects/iAMMember:IAMMember cluster-nodes-logging-logwriter",
                "projects/iAMMember:IAMMember cluster-nodes-monitoring-metricwriter",
                "projects/iAMMember:IAMMember cluster-nodes-monitoring-viewer",
                "projects/iAMMember:IAMMember cluster-nodes-stackdriver-resourcemetadata-writer",
                "pubsub/subscription:Subscription cluster-notifications-sub",
                "pubsub/topic:Topic cluster-notifications",
                "pubsub/topicIAMMember:TopicIAMMember cluster-notifications-publisher",
                "serviceaccount/account:Account cluster-nodes-sa",
            ]);
        });

        it("private nodes always; private endpoint in prod, authorized networks (never Google's public ranges) otherwise", () => {
            const c = byName(g, G.cluster, "cluster-gke").inputs as Record<string, any>;
            assert.deepEqual(c.privateClusterConfig, { enablePrivateNodes: true, enablePrivateEndpoint: prod, masterIpv4CidrBlock: controlPlane, masterGlobalAccessConfig: { enabled: false } });
            const bastionSubnet = prod ? "10.70.144.0/24" : "10.50.144.0/24";
            // The Jenkins VM's fixed address (tools subnet, host 10), its Kubernetes plugin's source
            // on the private endpoint.
            const jenkins = { cidrBlock: prod ? "10.70.128.10/32" : "10.50.128.10/32", displayName: "jenkins VM" };
            // With a public endpoint the tunnel (iap / ssh route) reaches it from the bastion's
            // external address: that /32 is authorized too (authorized networks never admit a VM's
            // public address by itself). The private endpoint is reached from the bastion's subnet.
            const bastionAddress = String(byName(g, G.address, "bastion-ip").state.address);
            assert.match(bastionAddress, /^\d+\.\d+\.\d+\.\d+$/);
            assert.deepEqual(c.masterAuthorizedNetworksConfig, {
                cidrBlocks: prod
                    ? [{ cidrBlock: bastionSubnet, displayName: "bastion subnet" }, jenkins]
                    : [
                          { cidrBlock: "203.0.113.0/24", displayName: "authorized-0" },
                          { cidrBlock: bastionSubnet, displayName: "bastion subnet" },
                          { cidrBlock: `${bastionAddress}/32`, displayName: "bastion address" },
                          jenkins,
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
            assert.deepEqual(c.releaseChannel, { channel: prod ? "STABLE" : "REGULAR" });
            assert.equal(RELEASE_CHANNEL[env], prod ? "STABLE" : "REGULAR");
            assert.equal(c.minMasterVersion, "1.35", "the configured version is the floor; the channel picks patches");
            assert.equal(g.outputs.clusterVersion, "1.35", "the output is the running minor (masterVersion)");
            assert.equal(c.deletionProtection, prod);
            assert.equal(r.protect, prod);
            assert.equal(r.deleteBeforeReplace, true, "a fixed name: a replacement deletes the old cluster first");
            assert.equal(c.enableIntranodeVisibility, true);
            assert.deepEqual(c.binaryAuthorization, { evaluationMode: "PROJECT_SINGLETON_POLICY_ENFORCE" });
            assert.deepEqual(c.nodePoolDefaults, { nodeConfigDefaults: { insecureKubeletReadonlyPortEnabled: "FALSE" } });
            assert.equal(c.authenticatorGroupsConfig, undefined, "Google Groups for RBAC only when configured");
            assert.equal(c.location, "europe-west1");
            assert.equal(c.nodeConfig.serviceAccount, `platform-${env}-gcp-gke-nodes@${project}.iam.gserviceaccount.com`, "the transient default pool never runs as the Compute Engine default SA");
        });

        it("secrets encrypted with the KMS key; the GKE service agent is CREATED (ServiceIdentity), granted after it, and the grant propagated BEFORE the cluster", () => {
            const cluster = byName(g, G.cluster, "cluster-gke");
            const key = byName(g, G.key, "keys-gke-secrets");
            assert.deepEqual(cluster.inputs.databaseEncryption, { state: "ENCRYPTED", keyName: key.id });
            const identity = byName(g, "gcp:projects/serviceIdentity:ServiceIdentity", "gke-service-agent");
            assert.deepEqual(identity.inputs, { project, service: "container.googleapis.com" });
            assert.ok(identity.dependencies.includes(byName(g, G.service, "api-container").urn), "the identity is generated once the Kubernetes Engine API is on");
            const grant = byName(g, G.keyIam, "keys-gke-secrets-agent");
            const agent = `service-${mockProjectNumber(project)}@container-engine-robot.iam.gserviceaccount.com`;
            assert.equal(agent, gkeServiceAgent(mockProjectNumber(project)));
            assert.deepEqual([grant.inputs.cryptoKeyId, grant.inputs.role, grant.inputs.member], [key.id, "roles/cloudkms.cryptoKeyEncrypterDecrypter", `serviceAccount:${agent}`]);
            assert.ok(grant.dependencies.includes(identity.urn), "the grant waits for the agent's creation");
            const wait = byName(g, "time:index/sleep:Sleep", "keys-grants-propagation");
            assert.equal(wait.inputs.createDuration, "120s");
            assert.ok(wait.dependencies.includes(grant.urn));
            assert.ok(cluster.dependencies.includes(grant.urn) && cluster.dependencies.includes(wait.urn), "the cluster waits for the grant and its propagation");
            assert.equal(g.outputs.clusterSecurityGroupId, agent, "the control plane acts as the agent");
            assert.throws(() => gkeServiceAgent(project), /not a project NUMBER/);
        });

        it("maintenance window per environment; security bulletins and upgrade notices to a Pub/Sub topic the GKE agent may publish to", () => {
            const c = byName(g, G.cluster, "cluster-gke").inputs as Record<string, any>;
            assert.deepEqual(c.maintenancePolicy, { recurringWindow: { ...MAINTENANCE_WINDOWS[env] } });
            assert.equal(c.maintenancePolicy.recurringWindow.recurrence, prod ? "FREQ=WEEKLY;BYDAY=SA,SU" : "FREQ=DAILY");
            const topic = byName(g, "gcp:pubsub/topic:Topic", "cluster-notifications");
            assert.deepEqual(c.notificationConfig, { pubsub: { enabled: true, topic: topic.id, filter: { eventTypes: ["SECURITY_BULLETIN_EVENT", "UPGRADE_AVAILABLE_EVENT", "UPGRADE_EVENT"] } } });
            assert.equal(topic.inputs.messageRetentionDuration, "604800s");
            const publisher = byName(g, "gcp:pubsub/topicIAMMember:TopicIAMMember", "cluster-notifications-publisher");
            assert.deepEqual([publisher.inputs.topic, publisher.inputs.role, publisher.inputs.member], [topic.id, "roles/pubsub.publisher", `serviceAccount:service-${mockProjectNumber(project)}@container-engine-robot.iam.gserviceaccount.com`]);
            const sub = byName(g, "gcp:pubsub/subscription:Subscription", "cluster-notifications-sub");
            assert.equal(sub.inputs.topic, topic.id);
            assert.deepEqual(sub.inputs.expirationPolicy, { ttl: "" }, "the subscription never expires, so no notice is lost");
        });

        it("node pools: dedicated SA, GKE_METADATA, secure boot, no kubelet read-only port, autoscaling; system on-demand and untainted; workload Spot (with GKE's Spot taint) in dev only", () => {
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
                // The Spot pool is tainted (GKE's own Spot taint), never the on-demand system pool:
                // kube-dns and GKE's agents land on on-demand nodes; only what tolerates preemption on Spot.
                assert.deepEqual(n.taints, n.spot ? [{ key: "cloud.google.com/gke-spot", value: "true", effect: "NO_SCHEDULE" }] : []);
                assert.deepEqual(n.kubeletConfig, { insecureKubeletReadonlyPortEnabled: "FALSE" });
                assert.match(p.name, new RegExp(`^${pool}-[0-9a-f]{6}$`), "the name carries the hash of the fields GKE cannot change in place");
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
            assert.deepEqual(kc.users[0].user.exec.args, ["--use_application_default_credentials"], "ADC: CI's workload identity federation, not gcloud's own login");
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
                // Cilium's cluster-wide deny, with nothing denied outright (GKE's metadata server answers
                // each pod with its own Workload Identity).
                clusterwideDeny: { engine: "cilium", denyCidrs: [] },
                // dev's workload pool is Spot and carries GKE's Spot taint: the platform tolerates it
                // (independent copy of cloud.google.com/kubernetes-engine/docs/how-to/spot-vms's taint);
                // prod's on-demand pool has no taint, so no toleration.
                ...(prod ? {} : { workloadTolerations: [{ key: "cloud.google.com/gke-spot", operator: "Equal", value: "true", effect: "NoSchedule" }] }),
                // The Jenkins VM's service account by e-mail: GKE's user for its token.
                jenkinsAgents: { subject: { kind: "User", name: `platform-${env}-gcp-jenkins@${project}.iam.gserviceaccount.com` } },
            });
        });

        it("Jenkins -> API: only the Jenkins VM's /32 of the tools subnet is authorized (Vault and Wazuh are not); without it jenkins-to-api, and only it, is blocked by authorized networks", async () => {
            const c = byName(g, G.cluster, "cluster-gke").inputs as Record<string, any>;
            const blocks: string[] = c.masterAuthorizedNetworksConfig.cidrBlocks.map((b: { cidrBlock: string }) => b.cidrBlock);
            const inAny = (ip: string) => blocks.some((b) => new Address4(ip).isInSubnet(new Address4(b)));
            const tools = prod ? "10.70.128" : "10.50.128";
            for (const [role, host] of [["jenkins", 10], ["vault", 11], ["wazuh", 12]] as const) {
                const ip = String((byName(g, G.instance, `${role}-instance`).inputs as Record<string, any>).networkInterfaces[0].networkIp);
                assert.equal(ip, `${tools}.${host}`);
                assert.equal(inAny(ip), role === "jenkins", `${role} ${ip}`);
            }
            const layers = { platform: g, incluster: await inClusterGraphOf(stack) };
            const ops = { operatorCidrs: ["203.0.113.0/24"] };
            assert.deepEqual(analyseFlows(layers, ops).results.filter((r) => !r.ok).map((r) => r.id), []);
            const copy = structuredClone(g) as ResourceGraph;
            const cluster = copy.resources.find((r) => r.type === G.cluster && r.name === "cluster-gke")!;
            const mac = (cluster.inputs as Record<string, any>).masterAuthorizedNetworksConfig;
            mac.cidrBlocks = mac.cidrBlocks.filter((b: { displayName: string }) => b.displayName !== "jenkins VM");
            const report = analyseFlows({ platform: copy, incluster: layers.incluster }, ops);
            assert.deepEqual(report.results.filter((r) => !r.ok).map((r) => r.id), ["jenkins-to-api"]);
            const blocked = report.results.find((r) => r.id === "jenkins-to-api")!.layers.find((l) => !l.allowed)!;
            assert.equal(blocked.layer, "GKE authorized networks");
            assert.match(blocked.reason, new RegExp(`^${tools.replace(/\./g, "\\.")}\\.10 is in no authorized network`));
        });

        it("Jenkins' bootstrap names the cluster the program creates (project, region, name), never its outputs", () => {
            const c = byName(g, G.cluster, "cluster-gke").inputs as Record<string, any>;
            const names = gkeKubernetesCloud(project, "europe-west1", `platform-${env}-gcp`);
            assert.deepEqual(names, { type: "gke", project, location: "europe-west1", clusterName: `platform-${env}-gcp-gke` });
            assert.deepEqual([c.name, c.location], [names.clusterName, names.location]);
            // What the Jenkins VM's refresh calls (components/bootstrap/jenkins-agents.ts), in its user data.
            const ud = String((byName(g, G.instance, "jenkins-instance").inputs as Record<string, any>).metadata["user-data"]);
            assert.ok(ud.includes(`https://container.googleapis.com/v1/projects/${project}/locations/europe-west1/clusters/platform-${env}-gcp-gke`));
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
    it("authorized networks: the Jenkins VM's /32 in both access modes; an address that is not IPv4 is refused", () => {
        assert.deepEqual(authorizedNetworks("private", [], "10.0.144.0/24", undefined, "10.0.128.10"), [
            { cidrBlock: "10.0.144.0/24", displayName: "bastion subnet" },
            { cidrBlock: "10.0.128.10/32", displayName: "jenkins VM" },
        ]);
        assert.deepEqual(authorizedNetworks("restricted", ["203.0.113.0/24"], "10.0.144.0/24", "198.51.100.4", "10.0.128.10").at(-1), { cidrBlock: "10.0.128.10/32", displayName: "jenkins VM" });
        assert.deepEqual(authorizedNetworks("private", [], "10.0.144.0/24"), [{ cidrBlock: "10.0.144.0/24", displayName: "bastion subnet" }], "no Jenkins VM, nothing authorized for it");
        assert.throws(() => authorizedNetworks("private", [], "10.0.144.0/24", undefined, "10.0.128.0/22"), /the Jenkins VM's address "10\.0\.128\.0\/22" is not an IPv4 address/);
    });

    it("node pool names change with the fields GKE cannot change in place, and only with those", () => {
        const base = { spot: true, oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"], metadata: { "disable-legacy-endpoints": "true" }, serviceAccountId: "platform-dev-gcp-gke-nodes", shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true }, bootDiskKmsKey: "k1" };
        const name = nodePoolName("workload", base);
        assert.match(name, /^workload-[0-9a-f]{6}$/);
        assert.equal(nodePoolName("workload", { ...base, oauthScopes: [...base.oauthScopes] }), name, "deterministic");
        for (const changed of [{ spot: false }, { bootDiskKmsKey: "k2" }, { serviceAccountId: "other" }, { metadata: { a: "b" } }, { shieldedInstanceConfig: { enableSecureBoot: false } }, { oauthScopes: ["x"] }]) {
            assert.notEqual(nodePoolName("workload", { ...base, ...changed }), name, JSON.stringify(changed));
        }
    });

    it("a machine type change keeps the pool names (GKE updates it in place); no pool relies on delete-first", async () => {
        const dev = await graphOf("dev-gcp");
        const resized = await variantOf("dev-gcp", { configOverrides: { "platform:cluster": { endpointAccess: "restricted", authorizedCidrs: ["203.0.113.0/24"], controlPlaneCidr: "172.16.0.0/28", nodePools: { workload: { instanceType: "e2-standard-8" } } } } });
        const name = (gr: ResourceGraph, pool: string) => byName(gr, G.nodePool, `cluster-${pool}`).inputs.name;
        assert.equal(name(resized, "system"), name(dev, "system"), "machine type is updated in place: same name");
        assert.equal((byName(resized, G.nodePool, "cluster-workload").inputs.nodeConfig as Record<string, unknown>).machineType, "e2-standard-8");
        assert.equal(name(resized, "workload"), name(dev, "workload"));
        for (const np of ofType(dev, G.nodePool)) {
            assert.equal(np.deleteBeforeReplace, undefined, "node pools rely on their name changing, never on delete-first");
        }
    });

    it("the policy pack's GCP labelable list matches the SDK for every GCP type the stacks use", async () => {
        const g = await graphOf("dev-gcp");
        const used = [...new Set(g.resources.filter((r) => r.custom && r.type.startsWith("gcp:")).map((r) => r.type))];
        const fromSdk = used.filter((t) => labelsKeyOf(t) !== undefined).sort();
        const inPack = used.filter((t) => TAGGING.gcp.taggableTypes.has(t)).sort();
        assert.deepEqual(inPack, fromSdk);
        assert.equal(TAGGING.gcp.keyByType?.["gcp:container/cluster:Cluster"], "resourceLabels");
    });
});
