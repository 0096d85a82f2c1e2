/**
 * all-network-ingress-restrict-public-to-bastion-ssh and the AKS API server subnet (API Server
 * VNet Integration): the subnet's NSG may admit the cluster's own authorized ranges on tcp 443
 * (the `restricted` public endpoint), and nothing wider. Fixture: the compliant stack plus an
 * API server NSG, its delegated subnet and a restricted cluster that names the subnet.
 */
import assert from "node:assert/strict";
import { messages, runRule, spec, stackWith } from "./fixtures";

type Specs = Parameters<Parameters<typeof stackWith>[0]>[0];

const RULE = "all-network-ingress-restrict-public-to-bastion-ssh";
const AUTHORIZED = "198.51.100.0/24";
const denyAll = { name: "deny-all-inbound", priority: 4096, direction: "Inbound", access: "Deny", protocol: "*", sourcePortRange: "*", sourceAddressPrefix: "*", destinationPortRange: "*", destinationAddressPrefix: "*" };

function withApiServerSubnet(s: Specs): void {
    s.push(
        {
            type: "azure-native:network:NetworkSecurityGroup",
            name: "az-nsg-api",
            inputs: {
                resourceGroupName: "plat-rg",
                securityRules: [
                    { name: "kube-api-from-authorized", priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", sourcePortRange: "*", sourceAddressPrefix: AUTHORIZED, destinationPortRange: "443", destinationAddressPrefix: "10.1.254.240/28" },
                    { ...denyAll },
                ],
            },
        },
        {
            type: "azure-native:network:Subnet",
            name: "az-subnet-api",
            deps: ["az-vnet", "az-nsg-api"],
            inputs: {
                resourceGroupName: "plat-rg",
                virtualNetworkName: "plat-vnet",
                subnetName: "plat-api-server",
                addressPrefix: "10.1.254.240/28",
                networkSecurityGroup: { id: "az-nsg-api-id" },
                delegations: [{ name: "aks-api-server", serviceName: "Microsoft.ContainerService/managedClusters" }],
            },
        },
    );
    const aks = spec(s, "az-aks");
    aks.inputs.apiServerAccessProfile = { enablePrivateCluster: false, authorizedIPRanges: [AUTHORIZED], enableVnetIntegration: true, subnetId: "az-subnet-api-id" };
    (aks as { deps?: string[] }).deps = [...(aks.deps ?? []), "az-subnet-api"];
}

const apiRule = (s: Specs) => (spec(s, "az-nsg-api").inputs.securityRules as Record<string, unknown>[])[0];
const violation = (what: string) =>
    `az-nsg-api: azure-native:network:NetworkSecurityGroup "az-nsg-api": securityRules[0] "kube-api-from-authorized" allows ${what} on security group "az-nsg-api". Only the bastion's security group may admit internet sources: reach this service through the bastion.`;

describe(`${RULE}: the AKS API server subnet`, () => {
    it("passes: the cluster's authorized range on tcp 443 into its delegated API server subnet", () => {
        assert.deepEqual(messages(runRule(stackWith(withApiServerSubnet), RULE)), []);
    });

    it("fails: another port from the authorized range", () => {
        const graph = stackWith((s) => {
            withApiServerSubnet(s);
            apiRule(s).destinationPortRange = "22";
        });
        assert.deepEqual(messages(runRule(graph, RULE)), [violation(`tcp 22 from public range ${AUTHORIZED}`)]);
    });

    it("fails: a public range the cluster does not authorize", () => {
        const graph = stackWith((s) => {
            withApiServerSubnet(s);
            apiRule(s).sourceAddressPrefix = "192.0.2.0/24";
        });
        assert.deepEqual(messages(runRule(graph, RULE)), [violation("tcp 443 from public range 192.0.2.0/24")]);
    });

    it("fails: the subnet is not delegated to AKS (an ordinary subnet gets no exception)", () => {
        const graph = stackWith((s) => {
            withApiServerSubnet(s);
            delete spec(s, "az-subnet-api").inputs.delegations;
        });
        assert.deepEqual(messages(runRule(graph, RULE)), [violation(`tcp 443 from public range ${AUTHORIZED}`)]);
    });

    it("fails: no cluster names the subnet", () => {
        const graph = stackWith((s) => {
            withApiServerSubnet(s);
            const aks = spec(s, "az-aks") as { deps?: string[] };
            aks.deps = (aks.deps ?? []).filter((d) => d !== "az-subnet-api");
        });
        assert.deepEqual(messages(runRule(graph, RULE)), [violation(`tcp 443 from public range ${AUTHORIZED}`)]);
    });
});
