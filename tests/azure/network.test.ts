/**
 * Azure network, read from the captured graph of dev-azure and prod-azure: the exact children,
 * the regional subnets from the planner, the NSG rule matrix (every reviewed rule, the explicit
 * default-deny, nothing else inbound), the NAT gateway and the flow logs through the
 * subscription's existing Network Watcher.
 */
import * as assert from "node:assert/strict";
import { childrenOf, ResourceGraph } from "../../offline/graph";
import { MOCK_AZURE_SUBSCRIPTION } from "../../offline/mocks-azure";
import { byName, graphOf, nameOfId, ofType, T, variantOf } from "./fixtures";
import { partialGraphOf } from "../../offline/engine";

const ASG_TIER: Record<string, string> = {
    "network-asg-bastion": "bastion",
    "network-asg-jenkins": "jenkins",
    "network-asg-vault": "vault",
    "network-asg-wazuh": "wazuh",
    "network-asg-cluster-nodes": "nodes",
};

/**
 * The reviewed matrix, written out by hand (not derived from the code under test), per NSG:
 * `priority access protocol/port: source -> destination` (ASGs by tier, prefixes as given).
 */
function expectedRules(cidrs: { network: string; nodes: string; apiServer: string }, publicApi: boolean, egress = { nat: "", bastion: "" }): Record<string, string[]> {
    return {
        "network-nsg-public": [
            "100 Allow Tcp/22: 203.0.113.0/24 -> bastion",
            `110 Allow Tcp/9100: ${cidrs.nodes} -> bastion`,
            "4096 Deny */*: * -> *",
        ],
        "network-nsg-tools": [
            "100 Allow Tcp/22: bastion -> jenkins",
            `110 Allow Tcp/9100: ${cidrs.nodes} -> jenkins`,
            "120 Allow Tcp/8443: bastion -> jenkins",
            `130 Allow Tcp/8443: ${cidrs.nodes} -> jenkins`,
            "140 Allow Tcp/22: bastion -> vault",
            `150 Allow Tcp/9100: ${cidrs.nodes} -> vault`,
            "160 Allow Tcp/8200: bastion -> vault",
            `170 Allow Tcp/8200: ${cidrs.nodes} -> vault`,
            "180 Allow Tcp/8200: jenkins -> vault",
            "190 Allow Tcp/8201: vault -> vault",
            "200 Allow Tcp/22: bastion -> wazuh",
            `210 Allow Tcp/9100: ${cidrs.nodes} -> wazuh`,
            "220 Allow Tcp/1514: bastion -> wazuh",
            "230 Allow Tcp/1514: jenkins -> wazuh",
            "240 Allow Tcp/1514: vault -> wazuh",
            `250 Allow Tcp/1514: ${cidrs.nodes} -> wazuh`,
            "260 Allow Tcp/1515: bastion -> wazuh",
            "270 Allow Tcp/1515: jenkins -> wazuh",
            "280 Allow Tcp/1515: vault -> wazuh",
            `290 Allow Tcp/1515: ${cidrs.nodes} -> wazuh`,
            "300 Allow Tcp/55000: bastion -> wazuh",
            "310 Allow Tcp/443: bastion -> wazuh",
            "4096 Deny */*: * -> *",
        ],
        "network-nsg-nodes": [
            // Overlay pods keep their own addresses inside the VNet: node->pod and pod->pod too.
            `100 Allow */*: ${cidrs.nodes},100.64.0.0/16 -> ${cidrs.nodes},100.64.0.0/16`,
            // Webhooks run in pods: the API server dials pod addresses.
            `110 Allow Tcp/*: ${cidrs.apiServer} -> ${cidrs.nodes},100.64.0.0/16`,
            `120 Allow */*: AzureLoadBalancer -> ${cidrs.nodes}`,
            "4096 Deny */*: * -> *",
        ],
        "network-nsg-endpoints": [`100 Allow Tcp/443: ${cidrs.network} -> *`, "4096 Deny */*: * -> *"],
        // The API server subnet: the cluster, the bastion tunnel, the Jenkins controller (its
        // Kubernetes plugin starts build agents: issue 22), the public endpoint's authorized
        // ranges and, there, the addresses the bastion's tunnel (its public IP) and the Jenkins
        // VM (the NAT gateway's) reach it from (restricted access only), and the API load
        // balancer's probes.
        "network-nsg-api-server": [
            `100 Allow Tcp/443: ${cidrs.nodes} -> ${cidrs.apiServer}`,
            `110 Allow Tcp/4443: ${cidrs.nodes} -> ${cidrs.apiServer}`,
            `120 Allow Tcp/443: bastion -> ${cidrs.apiServer}`,
            `130 Allow Tcp/443: jenkins -> ${cidrs.apiServer}`,
            ...(publicApi
                ? [
                      `140 Allow Tcp/443: 203.0.113.0/24 -> ${cidrs.apiServer}`,
                      `150 Allow Tcp/443: ${egress.bastion}/32 -> ${cidrs.apiServer}`,
                      `160 Allow Tcp/443: ${egress.nat}/32 -> ${cidrs.apiServer}`,
                      `170 Allow */*: AzureLoadBalancer -> ${cidrs.apiServer}`,
                  ]
                : [`140 Allow */*: AzureLoadBalancer -> ${cidrs.apiServer}`]),
            "4096 Deny */*: * -> *",
        ],
    };
}

/** Every inbound rule of an NSG as `priority access protocol/port: source -> destination`. */
function rulesOf(g: ResourceGraph, nsgName: string): string[] {
    const nsg = byName(g, T.nsg, nsgName);
    const side = (rule: Record<string, any>, which: "source" | "destination"): string => {
        const asgs = rule[`${which}ApplicationSecurityGroups`] as { id: string }[] | undefined;
        if (asgs) {
            return asgs.map((a) => ASG_TIER[nameOfId(g, a.id)]).join(",");
        }
        return rule[`${which}AddressPrefix`] ?? (rule[`${which}AddressPrefixes`] as string[]).join(",");
    };
    return (nsg.inputs.securityRules as Record<string, any>[]).map((r) => {
        assert.equal(r.direction, "Inbound", `${nsgName} ${r.name}`);
        assert.equal(r.sourcePortRange, "*");
        return `${r.priority} ${r.access} ${r.protocol}/${r.destinationPortRange}: ${side(r, "source")} -> ${side(r, "destination")}`;
    });
}

for (const stack of ["dev-azure", "prod-azure"]) {
    describe(`azure network (${stack})`, () => {
        let g: ResourceGraph;
        const cidrs =
            stack === "dev-azure"
                ? { network: "10.50.0.0/16", nodes: "10.50.0.0/19", tools: "10.50.128.0/22", public: "10.50.144.0/24", endpoints: "10.50.255.0/24", apiServer: "10.50.254.240/28" }
                : { network: "10.70.0.0/16", nodes: "10.70.0.0/19", tools: "10.70.128.0/22", public: "10.70.144.0/24", endpoints: "10.70.255.0/24", apiServer: "10.70.254.240/28" };
        before(async () => {
            g = await graphOf(stack);
        });

        it("builds exactly these children: ASGs, NSGs, VNet, NAT (IP + gateway), five subnets, flow-log storage and flow log", () => {
            const network = ofType(g, "platform:azure:Network")[0];
            const children = childrenOf(g, network.urn)
                .map((r) => `${r.type.split(":").slice(1).join(":")} ${r.name}`)
                .sort();
            assert.deepEqual(children, [
                "network:ApplicationSecurityGroup network-asg-bastion",
                "network:ApplicationSecurityGroup network-asg-cluster-nodes",
                "network:ApplicationSecurityGroup network-asg-jenkins",
                "network:ApplicationSecurityGroup network-asg-vault",
                "network:ApplicationSecurityGroup network-asg-wazuh",
                "network:FlowLog network-flow-log",
                "network:NatGateway network-nat",
                "network:NetworkSecurityGroup network-nsg-api-server",
                "network:NetworkSecurityGroup network-nsg-endpoints",
                "network:NetworkSecurityGroup network-nsg-nodes",
                "network:NetworkSecurityGroup network-nsg-public",
                "network:NetworkSecurityGroup network-nsg-tools",
                "network:PublicIPAddress network-nat-ip",
                "network:Subnet network-subnet-api-server",
                "network:Subnet network-subnet-endpoints",
                "network:Subnet network-subnet-nodes",
                "network:Subnet network-subnet-public",
                "network:Subnet network-subnet-tools",
                "network:VirtualNetwork network-vnet",
                "storage:StorageAccount network-flow-logs-storage",
            ]);
        });

        it("VNet: the stack's block; regional subnets are the planner's zone-0 blocks plus the private-endpoint slot", () => {
            assert.deepEqual(byName(g, T.vnet, "network-vnet").inputs.addressSpace, { addressPrefixes: [cidrs.network] });
            const slug = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
            const subnet = (s: string) => byName(g, T.subnet, `network-subnet-${slug(s)}`).inputs;
            for (const s of ["public", "nodes", "tools", "endpoints", "apiServer"] as const) {
                assert.equal(subnet(s).addressPrefix, cidrs[s], s);
                assert.equal(nameOfId(g, (subnet(s).networkSecurityGroup as { id: string }).id), `network-nsg-${slug(s)}`, `${s} has its own NSG`);
                assert.equal(subnet(s).defaultOutboundAccess, false, s);
            }
            // API Server VNet Integration: delegated to AKS, only that subnet, no NAT.
            assert.deepEqual(subnet("apiServer").delegations, [{ name: "aks-api-server", serviceName: "Microsoft.ContainerService/managedClusters" }]);
            assert.equal(subnet("apiServer").natGateway, undefined);
            assert.equal(subnet("apiServer").subnetName, `platform-${stack}-api-server`);
            for (const s of ["public", "nodes", "tools", "endpoints"]) {
                assert.equal(subnet(s).delegations, undefined, s);
            }
            // NAT for the private tiers only: the bastion has its own address, endpoints need none.
            assert.equal(nameOfId(g, (subnet("nodes").natGateway as { id: string }).id), "network-nat");
            assert.equal(nameOfId(g, (subnet("tools").natGateway as { id: string }).id), "network-nat");
            assert.equal(subnet("public").natGateway, undefined);
            assert.equal(subnet("endpoints").natGateway, undefined);
            assert.deepEqual(subnet("tools").serviceEndpoints, [{ service: "Microsoft.KeyVault" }, { service: "Microsoft.Storage" }]);
            // The bastion reads its enrollment secret through the vault's firewall (dev has no private endpoint).
            assert.deepEqual(subnet("public").serviceEndpoints, [{ service: "Microsoft.KeyVault" }]);
            assert.equal(subnet("endpoints").serviceEndpoints, undefined);
            assert.equal(subnet("apiServer").serviceEndpoints, undefined);
            assert.equal(subnet("endpoints").privateEndpointNetworkPolicies, "Enabled");
        });

        it("subnets are created one after another (parallel subnet writes on one VNet conflict)", () => {
            const urn = (s: string) => byName(g, T.subnet, `network-subnet-${s}`).urn;
            assert.ok(byName(g, T.subnet, "network-subnet-nodes").dependencies.includes(urn("public")));
            assert.ok(byName(g, T.subnet, "network-subnet-tools").dependencies.includes(urn("nodes")));
            assert.ok(byName(g, T.subnet, "network-subnet-endpoints").dependencies.includes(urn("tools")));
            assert.ok(byName(g, T.subnet, "network-subnet-api-server").dependencies.includes(urn("endpoints")));
        });

        it("NSG rules: exactly the reviewed matrix, ending in an explicit deny-all, in every NSG", () => {
            const expected = expectedRules(cidrs, stack === "dev-azure", {
                nat: String(byName(g, T.pip, "network-nat-ip").state.ipAddress),
                bastion: String(byName(g, T.pip, "bastion-ip").state.ipAddress),
            });
            assert.deepEqual(ofType(g, T.nsg).map((n) => n.name).sort(), Object.keys(expected).sort());
            for (const [nsg, rules] of Object.entries(expected)) {
                assert.deepEqual(rulesOf(g, nsg), rules, nsg);
            }
        });

        it("nothing else can open inbound traffic: no standalone rules, no NSG on a NIC, no second NSG", () => {
            assert.deepEqual(ofType(g, "azure-native:network:SecurityRule"), []);
            for (const nic of ofType(g, T.nic)) {
                assert.equal(nic.inputs.networkSecurityGroup, undefined, nic.name);
            }
        });

        it("NAT: one Standard gateway on one static Standard public IP tagged role=nat", () => {
            const ip = byName(g, T.pip, "network-nat-ip").inputs;
            assert.deepEqual([ip.publicIPAllocationMethod, ip.sku, (ip.tags as Record<string, string>).role], ["Static", { name: "Standard", tier: "Regional" }, "nat"]);
            const nat = byName(g, T.nat, "network-nat").inputs;
            assert.deepEqual(nat.sku, { name: "Standard" });
            assert.equal(nameOfId(g, (nat.publicIpAddresses as { id: string }[])[0].id), "network-nat-ip");
            assert.deepEqual(g.outputs.natPublicIps, [byName(g, T.pip, "network-nat-ip").state.ipAddress]);
        });

        it("flow logs: the VNet, into a locked-down storage account, through the EXISTING Network Watcher (looked up, not created)", () => {
            const log = byName(g, T.flowLog, "network-flow-log").inputs;
            assert.equal(log.resourceGroupName, "NetworkWatcherRG");
            assert.equal(log.networkWatcherName, "NetworkWatcher_westeurope");
            assert.equal(nameOfId(g, log.targetResourceId), "network-vnet");
            assert.equal(nameOfId(g, log.storageId), "network-flow-logs-storage");
            assert.deepEqual(log.retentionPolicy, { enabled: true, days: stack === "prod-azure" ? 365 : 30 });
            assert.deepEqual(log.format, { type: "JSON", version: 2 });
            assert.deepEqual(ofType(g, "azure-native:network:NetworkWatcher"), [], "never creates a Network Watcher");
            const lookups = g.invokes.filter((i) => i.token === "azure-native:network:getNetworkWatcher");
            assert.deepEqual(lookups.map((i) => i.inputs), [{ resourceGroupName: "NetworkWatcherRG", networkWatcherName: "NetworkWatcher_westeurope" }]);
            const st = byName(g, T.storage, "network-flow-logs-storage").inputs;
            assert.deepEqual([st.allowBlobPublicAccess, st.minimumTlsVersion, st.enableHttpsTrafficOnly, st.networkRuleSet], [false, "TLS1_2", true, { defaultAction: "Deny", bypass: "AzureServices" }]);
        });

        it("resource group: one, named from the prefix, in the stack's location", () => {
            const rg = ofType(g, T.rg);
            assert.deepEqual(rg.map((r) => [r.inputs.resourceGroupName, r.inputs.location]), [[`platform-${stack.split("-")[0]}-azure-rg`, "westeurope"]]);
            assert.equal(rg[0].id, `/subscriptions/${MOCK_AZURE_SUBSCRIPTION}/resourceGroups/platform-${stack.split("-")[0]}-azure-rg`);
        });
    });
}

describe("azure network: private endpoints (where the profile turns them on)", () => {
    it("dev has none; prod reaches the Key Vault and the snapshot blobs over endpoints in the endpoints subnet, named by linked privatelink zones", async () => {
        assert.deepEqual(ofType(await graphOf("dev-azure"), "platform:azure:PrivateEndpoints"), []);
        const g = await graphOf("prod-azure");
        const pes = ofType(g, "azure-native:network:PrivateEndpoint");
        assert.deepEqual(
            pes.map((pe) => {
                const conn = (pe.inputs.privateLinkServiceConnections as Record<string, any>[])[0];
                return [pe.inputs.privateEndpointName, nameOfId(g, (pe.inputs.subnet as { id: string }).id), nameOfId(g, conn.privateLinkServiceId), conn.groupIds.join(",")];
            }),
            [
                ["platform-prod-azure-pe-keyvault", "network-subnet-endpoints", "keys-vault", "vault"],
                ["platform-prod-azure-pe-snapshots-blob", "network-subnet-endpoints", "backup-snapshots", "blob"],
            ],
        );
        for (const pe of pes) {
            const ip = (pe.state.customDnsConfigs as { ipAddresses: string[] }[])[0].ipAddresses[0];
            assert.match(ip, /^10\.70\.255\.\d+$/, "an address in the endpoints subnet");
        }
        const zones = ofType(g, "azure-native:privatedns:PrivateZone").map((z) => z.inputs.privateZoneName);
        assert.deepEqual(zones, ["privatelink.vaultcore.azure.net", "privatelink.blob.core.windows.net"]);
        for (const link of ofType(g, "azure-native:privatedns:VirtualNetworkLink")) {
            assert.equal(nameOfId(g, (link.inputs.virtualNetwork as { id: string }).id), "network-vnet");
            assert.equal(link.inputs.registrationEnabled, false);
        }
        const groups = ofType(g, "azure-native:network:PrivateDnsZoneGroup").map((z) => [z.inputs.privateEndpointName, nameOfId(g, (z.inputs.privateDnsZoneConfigs as { privateDnsZoneId: string }[])[0].privateDnsZoneId)]);
        assert.deepEqual(groups, [
            ["platform-prod-azure-pe-keyvault", "private-endpoints-zone-vault"],
            ["platform-prod-azure-pe-snapshots-blob", "private-endpoints-zone-blob"],
        ]);
    });
});

describe("azure network: the Network Watcher is referenced, and checked before anything is created", () => {
    it("a subscription without the watcher (a fresh one, before its first VNet in the region) fails in preview, before the first resource, naming the one-time fix", async () => {
        let failure: unknown;
        await variantOf("dev-azure", { preview: true, configOverrides: { "platform:azureNetworkWatcher": "NetworkWatcherRG/NetworkWatcher_northeurope" } }).catch((err) => {
            failure = err;
        });
        assert.ok(failure instanceof Error);
        assert.equal(
            failure.message,
            "platform:azureNetworkWatcher: the subscription has no readable Network Watcher NetworkWatcherRG/NetworkWatcher_northeurope for westeurope (ResourceNotFound: The Resource 'Microsoft.Network/networkWatchers/NetworkWatcher_northeurope' under resource group 'NetworkWatcherRG' was not found (the mock subscription has NetworkWatcherRG/NetworkWatcher_westeurope only)). " +
                "The platform's flow logs belong to the region's existing watcher and never create one. Azure creates NetworkWatcherRG/NetworkWatcher_westeurope with the first virtual network of a region, so a fresh subscription (or one that opted out of automatic enablement) has none yet: " +
                "create it once with az group create --name NetworkWatcherRG --location westeurope && az network watcher configure --resource-group NetworkWatcherRG --locations westeurope --enabled true, " +
                "or set platform:azureNetworkWatcher to <resourceGroup>/<name> of the watcher the subscription has for westeurope. See https://learn.microsoft.com/azure/network-watcher/network-watcher-create",
        );
        // Nothing but the stack, its provider and its component were registered.
        const partial = partialGraphOf(failure);
        assert.ok(partial);
        assert.deepEqual(partial.resources.filter((r) => r.type.startsWith("azure-native:")), []);
    });

    it("the lookup runs before any resource, and only with flow logs on (without them no watcher is needed)", async () => {
        const g = await graphOf("dev-azure");
        const lookup = g.invokes.find((i) => i.token === "azure-native:network:getNetworkWatcher");
        assert.ok(lookup);
        assert.equal(g.resources.slice(0, lookup.resourcesBefore).filter((r) => r.type.startsWith("azure-native:")).length, 0);
        const off = await variantOf("dev-azure", { configOverrides: { "platform:network": { cidr: "10.50.0.0/16", flowLogs: { enabled: false } } } });
        assert.deepEqual(off.invokes.filter((i) => i.token === "azure-native:network:getNetworkWatcher"), []);
        assert.deepEqual(ofType(off, T.flowLog), []);
    });
});
