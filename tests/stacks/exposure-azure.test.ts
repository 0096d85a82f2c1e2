/**
 * Azure: nothing but the bastion and the NAT gateway has a public address, and no NSG admits
 * the world. (AWS and GCP have their own checks: the public-address shapes differ.)
 */
import * as assert from "node:assert/strict";
import { availableStacks, runStack } from "../../offline/engine";
import { at, ResourceGraph } from "../../offline/graph";

/** Everything that can give an Azure resource a public address, and whose it is (role tag). */
export function azurePublicAddresses(graph: ResourceGraph): string[] {
    const found: string[] = [];
    const pipIds = new Set(graph.resources.filter((r) => r.type === "azure-native:network:PublicIPAddress").map((r) => r.id));
    for (const r of graph.resources) {
        switch (r.type) {
            case "azure-native:network:PublicIPAddress":
                found.push(`public-ip:${String(at(r.inputs, "tags.role"))}`);
                break;
            case "azure-native:network:NetworkInterface":
                for (const c of (r.inputs.ipConfigurations as Record<string, unknown>[] | undefined) ?? []) {
                    const pip = at(c, "publicIPAddress.id");
                    if (pip !== undefined) {
                        assert.ok(pipIds.has(pip as string), `${r.name} uses a public IP the stack does not declare`);
                        found.push(`nic:${String(at(r.inputs, "tags.role"))}`);
                    }
                }
                break;
            case "azure-native:compute:VirtualMachine":
                // Inline NIC configurations can carry their own public IP configuration.
                for (const c of (at(r.inputs, "networkProfile.networkInterfaceConfigurations") as unknown[] | undefined) ?? []) {
                    if (JSON.stringify(c).includes("publicIPAddressConfiguration")) {
                        found.push(`vm:${r.name}`);
                    }
                }
                break;
            case "azure-native:containerservice:ManagedCluster":
                for (const p of (r.inputs.agentPoolProfiles as Record<string, unknown>[] | undefined) ?? []) {
                    if (p.enableNodePublicIP !== false) {
                        found.push(`aks-pool:${String(p.name)}`);
                    }
                }
                break;
            case "azure-native:containerservice:AgentPool":
                if (r.inputs.enableNodePublicIP !== false) {
                    found.push(`aks-pool:${String(r.inputs.agentPoolName)}`);
                }
                break;
            default:
                break;
        }
    }
    return found.sort();
}

describe("exposure (azure): nothing but the bastion and the NAT gateway has a public address", () => {
    const stacks = availableStacks().filter((s) => s.endsWith("-azure"));
    it("has Azure stacks to check", () => {
        assert.deepEqual(stacks, ["dev-azure", "prod-azure", "staging-azure"]);
    });
    for (const stack of stacks) {
        it(stack, async () => {
            const graph = await runStack(stack);
            // One NAT gateway per stack on Azure (regional subnets take one gateway each).
            assert.deepEqual(azurePublicAddresses(graph), ["nic:bastion", "public-ip:bastion", "public-ip:nat"]);
            const natIp = graph.resources.find((r) => r.type === "azure-native:network:PublicIPAddress" && at(r.inputs, "tags.role") === "nat");
            const nat = graph.resources.find((r) => r.type === "azure-native:network:NatGateway");
            assert.deepEqual(nat?.inputs.publicIpAddresses, [{ id: natIp?.id }]);
            // Subnets never hand out implicit outbound addresses.
            for (const s of graph.resources.filter((r) => r.type === "azure-native:network:Subnet")) {
                assert.equal(s.inputs.defaultOutboundAccess, false, s.name);
            }
            // No inbound Allow rule from anywhere.
            const world = graph.resources
                .filter((r) => r.type === "azure-native:network:NetworkSecurityGroup")
                .flatMap((r) => ((r.inputs.securityRules as Record<string, unknown>[]) ?? []).map((rule) => ({ nsg: r.name, rule })))
                .filter(({ rule }) => rule.direction === "Inbound" && rule.access === "Allow")
                .filter(({ rule }) => ["*", "Internet", "Any", "0.0.0.0/0"].includes(String(rule.sourceAddressPrefix)) || ((rule.sourceAddressPrefixes as string[] | undefined) ?? []).some((p) => ["*", "Internet", "0.0.0.0/0"].includes(p)));
            assert.deepEqual(world, [], "no inbound allow from the world");
            assert.deepEqual(graph.resources.filter((r) => r.type === "azure-native:network:SecurityRule"), [], "rules live inline in their NSG only");
        });
    }
});
