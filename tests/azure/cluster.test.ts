/**
 * AKS, read from the captured graphs: the access model per environment, Entra ID + Azure RBAC
 * with local accounts off, CNI overlay + Cilium, KMS with the grant BEFORE the cluster, OIDC and
 * workload identity, upgrade channels, the two pools (Spot in dev, on-demand in prod), the
 * kubeconfig (kubelogin exec, secret), the hints, and what the in-cluster layer makes of them.
 */
import * as assert from "node:assert/strict";
import { at, childrenOf, ResourceGraph } from "../../offline/graph";
import { MOCK_AZURE_DEPLOYER_OBJECT_ID, MOCK_AZURE_SUBSCRIPTION, MOCK_AZURE_TENANT } from "../../offline/mocks-azure";
import { SPOT_TOLERATION as SPOT, TOLERATION_PATHS } from "../kubernetes/fixtures";
import { AKS_AAD_SERVER_APP_ID, aksClusterName } from "../../components/azure/cluster";
import { platformResourceGroupName } from "../../components/azure/common";
import { roleGrants } from "../../offline/constraints/tables/azure-role-permissions";
import { AZURE_WELL_KNOWN_APPS } from "../../offline/constraints/tables/azure-well-known-apps";
import { AKS_SERVER_APP_ID } from "../../components/bootstrap/jenkins-agents";
import { gunzipSync } from "node:zlib";
import { byName, graphOf, inClusterGraphOf, nameOfId, ofType, ROLE_ID, T, variantOf } from "./fixtures";

const aksOf = (g: ResourceGraph) => byName(g, T.aks, "cluster-aks").inputs as Record<string, any>;
const poolOf = (g: ResourceGraph) => byName(g, T.agentPool, "cluster-workload").inputs as Record<string, any>;

describe("azure cluster: dev (restricted API, Spot workload pool)", () => {
    let g: ResourceGraph;
    /** The in-cluster layer on this cluster (its own stack, reading g's outputs). */
    let k: ResourceGraph;
    before(async () => {
        g = await graphOf("dev-azure");
        k = await inClusterGraphOf("dev-azure");
    });

    it("children: identity, its three grants and their wait, the cluster, the workload pool, the deployer's admin role and its wait, the Jenkins VM's Cluster User grant (no Kubernetes provider: that is the in-cluster layer's)", () => {
        const cluster = ofType(g, "platform:azure:Cluster")[0];
        assert.deepEqual(childrenOf(g, cluster.urn).map((r) => `${r.type} ${r.name}`).sort(), [
            "azure-native:authorization:RoleAssignment cluster-admin-deployer",
            "azure-native:authorization:RoleAssignment cluster-api-server-subnet",
            "azure-native:authorization:RoleAssignment cluster-jenkins-cluster-user",
            "azure-native:authorization:RoleAssignment cluster-kms-key",
            "azure-native:authorization:RoleAssignment cluster-nodes-subnet",
            "azure-native:containerservice:AgentPool cluster-workload",
            "azure-native:containerservice:MaintenanceConfiguration cluster-aksManagedAutoUpgradeSchedule",
            "azure-native:containerservice:MaintenanceConfiguration cluster-aksManagedNodeOSUpgradeSchedule",
            "azure-native:containerservice:ManagedCluster cluster-aks",
            "azure-native:managedidentity:UserAssignedIdentity cluster-identity",
            "time:index/sleep:Sleep cluster-access-grants-propagation",
            "time:index/sleep:Sleep cluster-identity-grants-propagation",
        ]);
    });

    it("API: public only to the authorized ranges, the bastion's public IP and the NAT gateway's address (out-of-cluster clients, the bastion's tunnel and the Jenkins VM, resolve the public FQDN; nodes use the internal address), VNet-integrated in the delegated API server subnet", () => {
        const natIp = byName(g, T.pip, "network-nat-ip").state.ipAddress as string;
        const bastionIp = byName(g, T.pip, "bastion-ip").state.ipAddress as string;
        assert.match(natIp, /^\d+\.\d+\.\d+\.\d+$/);
        assert.match(bastionIp, /^\d+\.\d+\.\d+\.\d+$/);
        const access = aksOf(g).apiServerAccessProfile;
        assert.equal(nameOfId(g, access.subnetId), "network-subnet-api-server");
        assert.deepEqual(access, {
            enablePrivateCluster: false,
            authorizedIPRanges: ["203.0.113.0/24", `${bastionIp}/32`, `${natIp}/32`],
            enableVnetIntegration: true,
            subnetId: access.subnetId,
        });
        assert.equal(g.outputs.clusterEndpointAccess, "restricted");
        assert.match(String(g.outputs.clusterEndpoint), /^https:\/\/platform-dev-azure-aks-[0-9a-f]{8}\.hcp\.westeurope\.azmk8s\.io:443$/);
    });

    it("identity and access: user-assigned identity, Entra ID with Azure RBAC, local accounts disabled, RBAC on", () => {
        const aks = aksOf(g);
        assert.deepEqual(aks.identity, { type: "UserAssigned", userAssignedIdentities: [byName(g, T.uami, "cluster-identity").id] });
        assert.deepEqual(aks.aadProfile, { managed: true, enableAzureRBAC: true, tenantID: MOCK_AZURE_TENANT, adminGroupObjectIDs: [] });
        assert.equal(aks.disableLocalAccounts, true);
        assert.equal(aks.enableRBAC, true);
        const admin = byName(g, T.role, "cluster-admin-deployer").inputs;
        assert.equal(admin.principalId, MOCK_AZURE_DEPLOYER_OBJECT_ID);
        assert.equal(nameOfId(g, admin.scope), "cluster-aks");
    });

    it("network: Azure CNI overlay, Cilium dataplane and network policy, NAT gateway egress, ranges from config", () => {
        assert.deepEqual(aksOf(g).networkProfile, {
            networkPlugin: "azure",
            networkPluginMode: "overlay",
            networkDataplane: "cilium",
            networkPolicy: "cilium",
            podCidr: "100.64.0.0/16",
            serviceCidr: "172.20.0.0/16",
            dnsServiceIP: "172.20.0.10",
            outboundType: "userAssignedNATGateway",
            loadBalancerSku: "standard",
        });
    });

    it("etcd encryption: KMS with the versioned Key Vault key; Crypto User on its vault granted and propagated (10 minutes) BEFORE the cluster; the key id is the cluster's from creation on", () => {
        const aks = byName(g, T.aks, "cluster-aks");
        const kms = (aks.inputs.securityProfile as Record<string, any>).azureKeyVaultKms;
        assert.deepEqual(kms, { enabled: true, keyId: byName(g, T.key, "keys-aks-kms").state.keyUriWithVersion, keyVaultNetworkAccess: "Public" });
        const grant = byName(g, T.role, "cluster-kms-key");
        assert.equal(nameOfId(g, grant.inputs.scope), "keys-kms-vault", "the dedicated KMS vault, as AKS's KMS page scopes it");
        assert.equal(grant.inputs.principalId, byName(g, T.uami, "cluster-identity").state.principalId);
        const wait = byName(g, T.sleep, "cluster-identity-grants-propagation");
        assert.equal(wait.inputs.createDuration, "600s");
        for (const g2 of ["cluster-kms-key", "cluster-nodes-subnet", "cluster-api-server-subnet"]) {
            assert.ok(wait.dependencies.includes(byName(g, T.role, g2).urn), `the wait follows ${g2}`);
        }
        assert.ok(aks.dependencies.includes(wait.urn), "the cluster waits for the propagation");
        assert.deepEqual(aks.ignoreChanges, ["agentPoolProfiles[0].count", "securityProfile.azureKeyVaultKms.keyId"]);
        // The key rotates by procedure only: no rotation policy, no expiry.
        assert.equal((byName(g, T.key, "keys-aks-kms").inputs.properties as Record<string, unknown>).rotationPolicy, undefined);
    });

    it("API server subnet: Network Contributor for the cluster identity, granted BEFORE the cluster; nothing on the nodes' ASG (no pool carries it)", () => {
        const aks = byName(g, T.aks, "cluster-aks");
        const wait = byName(g, T.sleep, "cluster-identity-grants-propagation");
        const asg = byName(g, T.asg, "network-asg-cluster-nodes").id;
        assert.deepEqual(ofType(g, T.role).filter((r) => r.inputs.scope === asg).map((r) => r.name), [], "no grant on an ASG AKS would not attach");
        for (const [grantName, scope] of [["cluster-api-server-subnet", "network-subnet-api-server"]]) {
            const grant = byName(g, T.role, grantName);
            assert.equal(nameOfId(g, grant.inputs.scope), scope);
            assert.equal(grant.inputs.principalId, byName(g, T.uami, "cluster-identity").state.principalId);
            assert.equal(String(grant.inputs.roleDefinitionId).split("/").pop(), ROLE_ID["Network Contributor"]);
            assert.ok(wait.dependencies.includes(grant.urn));
        }
        assert.ok(aks.dependencies.includes(wait.urn));
    });

    it("planned maintenance: both auto-upgrade channels (patch, node image) only in a weekly 4-hour window on the cluster", () => {
        const aks = byName(g, T.aks, "cluster-aks");
        const configs = ofType(g, "azure-native:containerservice:MaintenanceConfiguration");
        // AKS's fixed configuration names for the two channels (learn.microsoft.com/azure/aks/planned-maintenance).
        assert.deepEqual(configs.map((c) => c.inputs.configName).sort(), ["aksManagedAutoUpgradeSchedule", "aksManagedNodeOSUpgradeSchedule"]);
        for (const c of configs) {
            assert.equal(c.inputs.resourceName, aks.inputs.resourceName);
            assert.deepEqual(c.inputs.maintenanceWindow, { schedule: { weekly: { dayOfWeek: "Sunday", intervalWeeks: 1 } }, durationHours: 4, startTime: "00:00", utcOffset: "+00:00" });
        }
    });

    it("cluster-admin for the deployer: its wait (AKS RBAC, 5 minutes) gates the kubeconfig output the in-cluster layer uses", () => {
        const wait = byName(g, T.sleep, "cluster-access-grants-propagation");
        assert.equal(wait.inputs.createDuration, "300s");
        assert.deepEqual(wait.dependencies, [byName(g, T.role, "cluster-admin-deployer").urn]);
        assert.ok(g.secretOutputs.includes("clusterKubeconfig"));
    });

    it("OIDC issuer, workload identity, image cleaner, automatic upgrades, read-only node resource group", () => {
        const aks = aksOf(g);
        assert.deepEqual(aks.oidcIssuerProfile, { enabled: true });
        assert.deepEqual(aks.securityProfile.workloadIdentity, { enabled: true });
        assert.deepEqual(aks.autoUpgradeProfile, { upgradeChannel: "patch", nodeOSUpgradeChannel: "NodeImage" });
        assert.equal(aks.nodeResourceGroup, "platform-dev-azure-aks-nodes");
        assert.deepEqual(aks.nodeResourceGroupProfile, { restrictionLevel: "ReadOnly" });
        assert.equal(aks.kubernetesVersion, "1.35");
        assert.match(String(g.outputs.clusterOidcIssuerUrl), /^https:\/\/westeurope\.oic\.prod-aks\.azure\.com\//);
    });

    it("pools: system (on-demand, CriticalAddonsOnly) and workload (Spot, eviction Delete), autoscaling from config, nodes subnet, no ASG (AKS would drop it)", () => {
        const system = aksOf(g).agentPoolProfiles[0];
        const workload = poolOf(g);
        const nodesSubnet = byName(g, T.subnet, "network-subnet-nodes").id;
        assert.deepEqual(
            [system.name, system.mode, system.scaleSetPriority, system.nodeTaints, system.vmSize, system.minCount, system.maxCount, system.count, system.enableAutoScaling],
            ["system", "System", "Regular", ["CriticalAddonsOnly=true:NoSchedule"], "Standard_D4ds_v5", 2, 3, 2, true],
        );
        assert.deepEqual(
            [workload.agentPoolName, workload.mode, workload.scaleSetPriority, workload.scaleSetEvictionPolicy, workload.spotMaxPrice, workload.vmSize, workload.minCount, workload.maxCount, workload.enableAutoScaling],
            ["workload", "User", "Spot", "Delete", -1, "Standard_D4ds_v5", 1, 4, true],
        );
        for (const p of [system, workload]) {
            // Host encryption on, no SSH daemon on the nodes.
            assert.equal(p.enableEncryptionAtHost, true);
            assert.deepEqual(p.securityProfile, { sshAccess: "Disabled" });
            assert.equal(p.vnetSubnetID, nodesSubnet);
            // No ASG (AKS would drop it without host ports): the NSG rules name the nodes subnet.
            assert.equal(p.networkProfile, undefined);
            assert.equal(p.enableNodePublicIP, false);
            assert.deepEqual(p.availabilityZones, ["1", "2"]);
        }
    });

    it("kubeconfig: secret, kubelogin exec with AKS's server id, the CA from AKS's own kubeconfig", () => {
        assert.ok(g.secretOutputs.includes("clusterKubeconfig"));
        const kc = JSON.parse(String(g.outputs.clusterKubeconfig));
        assert.equal(kc.clusters[0].cluster.server, g.outputs.clusterEndpoint);
        assert.match(kc.clusters[0].cluster["certificate-authority-data"], /^[A-Za-z0-9+/=]+$/);
        assert.deepEqual(kc.users[0].user.exec, {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "kubelogin",
            args: ["get-token", "--login", "azurecli", "--server-id", "6dae42f8-4368-4678-94ff-3960e28e3630"],
            interactiveMode: "Never",
            provideClusterInfo: false,
        });
        const creds = g.invokes.filter((i) => i.token === "azure-native:containerservice:listManagedClusterUserCredentials");
        assert.deepEqual(creds.map((i) => [i.inputs.resourceName, i.inputs.format]), [["platform-dev-azure-aks", "exec"]]);
    });

    it("hints: AKS's built-in encrypted class, internal load balancers, Azure workload identity, the API server subnet and node CIDRs", () => {
        assert.deepEqual(g.outputs.clusterHints, {
            storageClass: "managed-csi-premium",
            loadBalancerAnnotations: { "service.beta.kubernetes.io/azure-load-balancer-internal": "true" },
            workloadIdentity: { annotationKey: "azure.workload.identity/client-id", podLabels: { "azure.workload.identity/use": "true" }, tokenEgress: [{ cidr: "0.0.0.0/0", port: 443 }] },
            // Only the API server subnet (VNet integration), never the whole VNet.
            apiServerCidrs: ["10.50.254.240/28"],
            nodeCidrs: ["10.50.0.0/19"],
            // Cilium: nodes only through Cilium entities; no kube-proxy.
            nodePeers: "ciliumEntities",
            clusterMetrics: { kubeProxy: false, clusterDns: "coreDns" },
            // Cilium's cluster-wide deny: tenant pods never reach the node's IMDS or the Azure host endpoint.
            clusterwideDeny: { engine: "cilium", denyCidrs: ["169.254.169.254/32", "168.63.129.16/32"] },
            workloadTolerations: [SPOT],
            // The Jenkins VM's managed identity by its Entra object id (Guard names app-only callers by oid).
            jenkinsAgents: { subject: { kind: "User", name: byName(g, T.uami, "jenkins-identity").state.principalId } },
        });
    });

    it("NetworkPolicies: pods' API egress and the API's webhook calls name exactly the API server subnet (public endpoint or not)", () => {
        const policies = ofType(k, "kubernetes:networking.k8s.io/v1:NetworkPolicy").filter((p) => String(at(p.inputs, "metadata.name")).startsWith("allow-apiserver-"));
        assert.ok(policies.length >= 4);
        for (const p of policies) {
            const blocks = JSON.stringify(p.inputs.spec).match(/"cidr":"[^"]+"/g);
            assert.deepEqual([...new Set(blocks)], ['"cidr":"10.50.254.240/28"'], p.name);
        }
    });

    it("Spot workload pool: every platform pod tolerates AKS's Spot taint (chart values paths, the patched Seldon manager)", () => {
        for (const [release, paths] of Object.entries(TOLERATION_PATHS)) {
            const values = byName(k, "kubernetes:helm.sh/v3:Release", release.replace(/^platform-/, "addons-")).inputs.values;
            for (const path of paths) {
                assert.deepEqual(at(values, path), [SPOT], `${release}: ${path}`);
            }
        }
        const patch = byName(k, "kubernetes:apps/v1:DeploymentPatch", "addons-serving-seldon-manager-tolerations");
        assert.deepEqual(at(patch.inputs, "spec.template.spec.tolerations"), [SPOT]);
        // The shipped stacks keep the demo model off until its artifact is pinned (demoModelSha256);
        // its Spot toleration is asserted where the demo is on (tests/kubernetes/addons.test.ts).
        assert.deepEqual(ofType(k, "kubernetes:machinelearning.seldon.io/v1:SeldonDeployment"), [], "dev-azure ships without the demo model");
    });

    it("in-cluster layer: the same cloud-neutral component through a provider identified by the AKS resource id; Prometheus claims AKS's class", () => {
        assert.equal(ofType(k, "platform:k8s:Addons").length, 1);
        const provider = byName(k, "pulumi:providers:kubernetes", "cluster");
        assert.equal(provider.inputs.clusterIdentifier, byName(g, T.aks, "cluster-aks").id);
        assert.equal(g.outputs.clusterResourceId, byName(g, T.aks, "cluster-aks").id);
        const k8s = k.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
        assert.ok(k8s.length > 20);
        for (const r of k8s) {
            assert.ok(r.provider?.startsWith(provider.urn), `${r.name} uses the AKS provider`);
        }
        assert.deepEqual(ofType(k, "kubernetes:storage.k8s.io/v1:StorageClass"), [], "AKS's class is built in: nothing to create");
        const monitoring = byName(k, "kubernetes:helm.sh/v3:Release", "addons-monitoring");
        assert.ok(JSON.stringify(monitoring.inputs.values).includes('"storageClassName":"managed-csi-premium"'));
    });
});

for (const stack of ["dev-azure", "staging-azure", "prod-azure"]) {
    describe(`azure cluster: the Jenkins VM's access for build agents (${stack}, issue 22)`, () => {
        let g: ResourceGraph;
        before(async () => {
            g = await graphOf(stack);
        });
        const jenkinsPrincipal = () => byName(g, T.uami, "jenkins-identity").state.principalId as string;

        it("its identity holds the AKS Cluster User Role (listClusterUserCredential, no Kubernetes right) on this cluster only, as a service principal, under a GUID name", () => {
            const grants = ofType(g, T.role).filter((r) => r.inputs.principalId === jenkinsPrincipal() && nameOfId(g, r.inputs.scope).startsWith("cluster-"));
            assert.deepEqual(grants.map((r) => r.name), ["cluster-jenkins-cluster-user"]);
            const grant = grants[0].inputs;
            // The id as Microsoft's built-in roles page lists the role (independent table).
            assert.equal(String(grant.roleDefinitionId).split("/").pop(), ROLE_ID["Azure Kubernetes Service Cluster User Role"]);
            assert.equal(nameOfId(g, grant.scope), "cluster-aks");
            assert.equal(grant.principalType, "ServicePrincipal");
            // What the role carries (the independent permission table): the user credential, no
            // admin credential, no Kubernetes data action.
            const roleId = String(grant.roleDefinitionId).split("/").pop() as string;
            assert.equal(roleGrants(roleId, "Microsoft.ContainerService/managedClusters/listClusterUserCredential/action"), true);
            assert.equal(roleGrants(roleId, "Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action"), false);
            assert.equal(roleGrants(roleId, "Microsoft.ContainerService/managedClusters/pods/write", true), false);
            assert.match(String(grant.roleAssignmentName), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
            // No Azure RBAC data-plane role on the cluster for it: its Kubernetes rights are the
            // in-cluster layer's Role in jenkins-agents (hints.jenkinsAgents), nothing cluster-wide.
            const onCluster = ofType(g, T.role).filter((r) => r.inputs.principalId === jenkinsPrincipal() && String(r.inputs.scope).includes("/managedClusters/"));
            assert.deepEqual(onCluster.map((r) => r.name), ["cluster-jenkins-cluster-user"]);
        });

        it("the VM never waits for the cluster (names only; never replaced with it): neither the cluster nor the grant is among its dependencies", () => {
            const vm = byName(g, T.vm, "jenkins-vm");
            const cluster = ofType(g, "platform:azure:Cluster")[0];
            const seen = new Set<string>();
            const stack = [...vm.dependencies];
            while (stack.length > 0) {
                const urn = stack.pop() as string;
                if (seen.has(urn)) {
                    continue;
                }
                seen.add(urn);
                const r = g.resources.find((x) => x.urn === urn);
                stack.push(...(r?.dependencies ?? []));
            }
            const clusterTree = g.resources.filter((r) => r.urn === cluster.urn || r.parent === cluster.urn).map((r) => r.urn);
            assert.deepEqual([...seen].filter((u) => clusterTree.includes(u)), []);
        });

        it("the VM's refresh (its custom data) looks up exactly this cluster with its own identity, and asks IMDS for the AKS server application's token", () => {
            const vm = byName(g, T.vm, "jenkins-vm").inputs as Record<string, any>;
            const raw = Buffer.from(String(vm.osProfile.customData), "base64");
            const doc = (raw[0] === 0x1f ? gunzipSync(raw) : raw).toString("utf8");
            const aks = byName(g, T.aks, "cluster-aks").inputs as Record<string, any>;
            const clientId = String(byName(g, T.uami, "jenkins-identity").state.clientId);
            const rg = String(byName(g, T.rg, "resource-group").inputs.resourceGroupName);
            assert.ok(
                doc.includes(`https://management.azure.com/subscriptions/${MOCK_AZURE_SUBSCRIPTION}/resourceGroups/${rg}/providers/Microsoft.ContainerService/managedClusters/${aks.resourceName}/listClusterUserCredential?api-version=`),
                "listClusterUserCredential on the cluster the stack creates",
            );
            assert.ok(doc.includes(`azure_token 'https://management.azure.com/' '${clientId}'`), "the ARM token is the Jenkins identity's");
            assert.ok(doc.includes(`azure_token '${AZURE_WELL_KNOWN_APPS.aksAadServer.appId}' '${clientId}'`), "the bearer token is for the AKS AAD server application (well-known id)");
        });

        it("hints: jenkinsAgents names the VM identity's object id as a Kubernetes User", () => {
            assert.deepEqual((g.outputs.clusterHints as Record<string, unknown>).jenkinsAgents, { subject: { kind: "User", name: jenkinsPrincipal() } });
        });

        it("names: the cluster and resource group the VM is told about are exactly those the stack creates", () => {
            const prefix = `platform-${stack.split("-")[0]}-azure`;
            assert.equal(byName(g, T.aks, "cluster-aks").inputs.resourceName, aksClusterName(prefix));
            assert.equal(byName(g, T.rg, "resource-group").inputs.resourceGroupName, platformResourceGroupName(prefix));
        });

        it("name resolution: the VNet keeps Azure-provided DNS, so the tools subnet resolves the API FQDN (private: the AKS-managed private zone linked to the cluster's VNet; public: public DNS)", () => {
            // privateDNSZone "system": AKS creates the zone and links it to the cluster's VNet
            // (learn.microsoft.com/azure/aks/private-clusters: "AKS by default creates a private
            // FQDN with a private DNS zone"); custom DNS servers on the VNet would have to forward
            // to 168.63.129.16 for it. The Jenkins VM's subnet is in that same VNet.
            const vnet = byName(g, T.vnet, "network-vnet");
            assert.equal(vnet.inputs.dhcpOptions, undefined);
            const vnetOf = (subnet: string) => byName(g, T.subnet, subnet).inputs.virtualNetworkName;
            assert.equal(vnetOf("network-subnet-tools"), vnet.inputs.virtualNetworkName);
            assert.equal(vnetOf("network-subnet-nodes"), vnet.inputs.virtualNetworkName);
            assert.equal(nameOfId(g, aksOf(g).agentPoolProfiles[0].vnetSubnetID), "network-subnet-nodes");
            assert.equal(nameOfId(g, (byName(g, T.nic, "jenkins-nic").inputs as Record<string, any>).ipConfigurations[0].subnet.id), "network-subnet-tools");
            if (stack === "prod-azure") {
                assert.deepEqual([aksOf(g).apiServerAccessProfile.enablePrivateCluster, aksOf(g).apiServerAccessProfile.privateDNSZone], [true, "system"]);
            }
        });

        it(`API path: ${stack === "prod-azure" ? "private cluster: the NAT gateway's address is authorized nowhere" : "the NAT gateway's address is authorized by AKS and admitted on 443 by the API server subnet's NSG, and only there"}`, () => {
            const natIp = byName(g, T.pip, "network-nat-ip").state.ipAddress as string;
            const access = aksOf(g).apiServerAccessProfile;
            const apiNsg = (byName(g, T.nsg, "network-nsg-api-server").inputs.securityRules as Record<string, any>[]).filter((r) => r.sourceAddressPrefix === `${natIp}/32`);
            if (stack === "prod-azure") {
                assert.equal(access.authorizedIPRanges, undefined);
                assert.deepEqual(apiNsg, []);
                return;
            }
            assert.deepEqual(access.authorizedIPRanges.filter((c: string) => c === `${natIp}/32`), [`${natIp}/32`]);
            assert.deepEqual(
                apiNsg.map((r) => [r.name, r.access, r.protocol, r.destinationPortRange, r.destinationAddressPrefix]),
                [["kube-api-from-nat-gateway", "Allow", "Tcp", "443", byName(g, T.subnet, "network-subnet-api-server").inputs.addressPrefix]],
            );
            for (const nsg of ofType(g, T.nsg).filter((n) => n.name !== "network-nsg-api-server")) {
                assert.ok(!JSON.stringify(nsg.inputs.securityRules).includes(natIp), nsg.name);
            }
        });
    });
}

describe("azure cluster: prod (private API, on-demand pools, customer keys)", () => {
    let g: ResourceGraph;
    before(async () => {
        g = await graphOf("prod-azure");
    });

    it("API: private cluster, AKS-managed private DNS, no public FQDN, no authorized ranges, VNet-integrated", () => {
        const access = aksOf(g).apiServerAccessProfile;
        assert.equal(nameOfId(g, access.subnetId), "network-subnet-api-server");
        assert.deepEqual(access, { enablePrivateCluster: true, privateDNSZone: "system", enablePrivateClusterPublicFQDN: false, enableVnetIntegration: true, subnetId: access.subnetId });
        assert.equal(g.outputs.clusterEndpointAccess, "private");
        assert.match(String(g.outputs.clusterEndpoint), /\.privatelink\.westeurope\.azmk8s\.io:443$/);
    });

    it("pools: on-demand workload nodes, prod sizes, three zones; uptime SLA tier; node and OS disks with the customer key", () => {
        const aks = aksOf(g);
        const workload = poolOf(g);
        assert.deepEqual([workload.scaleSetPriority, workload.scaleSetEvictionPolicy, workload.spotMaxPrice], ["Regular", undefined, undefined]);
        assert.deepEqual([workload.vmSize, workload.minCount, workload.maxCount, workload.count], ["Standard_D8ds_v5", 3, 12, 3]);
        assert.deepEqual(aks.agentPoolProfiles[0].availabilityZones, ["1", "2", "3"]);
        assert.deepEqual(aks.sku, { name: "Base", tier: "Standard" });
        assert.equal(aks.diskEncryptionSetID, byName(g, T.des, "keys-des").id);
        // The cluster identity reads the set (AKS's CMK page), and the set's own key grant has
        // propagated, before the cluster (its node OS disks use the set at creation).
        const reader = byName(g, T.role, "cluster-des-read");
        assert.equal(nameOfId(g, reader.inputs.scope), "keys-des");
        assert.equal(String(reader.inputs.roleDefinitionId).split("/").pop(), ROLE_ID.Reader);
        const cluster = byName(g, T.aks, "cluster-aks");
        assert.ok(byName(g, T.sleep, "cluster-identity-grants-propagation").dependencies.includes(reader.urn));
        assert.ok(cluster.dependencies.includes(byName(g, T.sleep, "keys-des-key-propagation").urn));
    });

    it("hints: a Premium ZRS class with the stack's disk encryption set (the addons create it)", () => {
        const hints = g.outputs.clusterHints as Record<string, any>;
        assert.equal(hints.storageClass, "managed-csi-premium-cmk");
        assert.deepEqual(hints.storageClassSpec, {
            provisioner: "disk.csi.azure.com",
            parameters: { skuName: "Premium_ZRS", kind: "managed", diskEncryptionSetID: byName(g, T.des, "keys-des").id, cachingMode: "ReadOnly" },
        });
    });

    it("hints: on-demand workload pool, so no tolerations (nothing tainted to tolerate); the API server subnet as API CIDR", () => {
        assert.equal((g.outputs.clusterHints as Record<string, unknown>).workloadTolerations, undefined);
        assert.deepEqual((g.outputs.clusterHints as Record<string, unknown>).apiServerCidrs, ["10.70.254.240/28"]);
    });

    it("in-cluster layer: the customer-key class the hints ask for is created there (the platform layer applies nothing in the cluster)", async () => {
        assert.deepEqual(g.resources.filter((r) => r.type.startsWith("kubernetes:") || r.type === "pulumi:providers:kubernetes"), []);
        const k = await inClusterGraphOf("prod-azure");
        assert.equal(ofType(k, "kubernetes:storage.k8s.io/v1:StorageClass").length, 1, "the CMK class");
    });
});

describe("azure cluster: admin groups", () => {
    it("each Entra admin group gets cluster-admin through Azure RBAC (and is named in the AAD profile)", async () => {
        const group = "0f0e0d0c-0b0a-4909-8807-060504030201";
        const v = await variantOf("dev-azure", {
            configOverrides: { "platform:cluster": { endpointAccess: "restricted", authorizedCidrs: ["203.0.113.0/24"], adminGroupObjectIds: [group] } },
        });
        assert.deepEqual((byName(v, T.aks, "cluster-aks").inputs.aadProfile as Record<string, unknown>).adminGroupObjectIDs, [group]);
        const grant = byName(v, T.role, "cluster-admin-0f0e0d0c").inputs;
        assert.deepEqual([grant.principalId, grant.principalType], [group, "Group"]);
        assert.equal(nameOfId(v, grant.scope), "cluster-aks");
    });
});

describe("azure: the AKS AAD server application id, everywhere it is written", () => {
    it("the deployer's kubeconfig (cluster.ts) and the Jenkins VM's token refresh (bootstrap) name Microsoft's fixed id (independent table, kubelogin's page)", () => {
        assert.equal(AKS_AAD_SERVER_APP_ID, AZURE_WELL_KNOWN_APPS.aksAadServer.appId);
        assert.equal(AKS_SERVER_APP_ID, AZURE_WELL_KNOWN_APPS.aksAadServer.appId);
    });
});
