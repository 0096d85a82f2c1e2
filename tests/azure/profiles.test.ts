/**
 * Dev / staging / prod on Azure, side by side: every environment difference the profiles make,
 * read from the three stacks' graphs (as the AWS table does), and the Azure-specific refusals.
 */
import * as assert from "node:assert/strict";
import { ResourceGraph } from "../../offline/graph";
import { byName, graphOf, ofType, T, variantOf } from "./fixtures";

function facts(g: ResourceGraph): Record<string, unknown> {
    const aks = byName(g, T.aks, "cluster-aks").inputs as Record<string, any>;
    const workload = byName(g, T.agentPool, "cluster-workload").inputs as Record<string, any>;
    const policy = byName(g, T.policy, "backup-daily").inputs.properties as Record<string, any>;
    return {
        zones: (g.outputs.zones as string[]).join(","),
        natGateways: ofType(g, T.nat).length,
        privateEndpoints: ofType(g, "azure-native:network:PrivateEndpoint").length,
        api: aks.apiServerAccessProfile.enablePrivateCluster ? "private" : "restricted",
        workloadCapacity: workload.scaleSetPriority,
        aksTier: aks.sku.tier,
        systemPool: `${aks.agentPoolProfiles[0].minCount}-${aks.agentPoolProfiles[0].maxCount}`,
        workloadPool: `${workload.minCount}-${workload.maxCount}`,
        protectedResources: g.resources.filter((r) => r.protect).length,
        resourceGroupLock: ofType(g, T.lock).length,
        customerDiskKey: ofType(g, T.des).length,
        keyVaultSoftDeleteDays: (byName(g, T.keyVault, "keys-vault").inputs.properties as Record<string, unknown>).softDeleteRetentionInDays,
        keyVaultPublicAccess: (byName(g, T.keyVault, "keys-vault").inputs.properties as Record<string, unknown>).publicNetworkAccess,
        // A per-creation generation in the names Azure holds after a delete: dev only.
        nameGeneration: ofType(g, "random:index/randomString:RandomString").length,
        backupSoftDelete: (byName(g, T.rsv, "backup-vault").inputs as Record<string, any>).properties.securitySettings.softDeleteSettings.softDeleteState,
        backupImmutability: (byName(g, T.rsv, "backup-vault").inputs as Record<string, any>).properties.securitySettings.immutabilitySettings?.state ?? "none",
        logRetentionDays: byName(g, T.workspace, "monitoring-workspace").inputs.retentionInDays,
        backupDays: policy.retentionPolicy.dailySchedule.retentionDuration.count,
        flowLogDays: (byName(g, T.flowLog, "network-flow-log").inputs.retentionPolicy as Record<string, unknown>).days,
        bastionSize: (byName(g, T.vm, "bastion-vm").inputs.hardwareProfile as Record<string, unknown>).vmSize,
        toolVmSize: (byName(g, T.vm, "vault-vm").inputs.hardwareProfile as Record<string, unknown>).vmSize,
        networkCidr: g.outputs.networkCidr,
    };
}

describe("azure: environment profiles", () => {
    it("dev / staging / prod differ exactly as the profiles say", async () => {
        const table = {
            dev: facts(await graphOf("dev-azure")),
            staging: facts(await graphOf("staging-azure")),
            prod: facts(await graphOf("prod-azure")),
        };
        assert.deepEqual(table, {
            dev: {
                zones: "1,2",
                natGateways: 1,
                privateEndpoints: 0,
                api: "restricted",
                workloadCapacity: "Spot",
                aksTier: "Free",
                systemPool: "2-3",
                workloadPool: "1-4",
                protectedResources: 0,
                resourceGroupLock: 0,
                customerDiskKey: 0,
                keyVaultSoftDeleteDays: 7,
                keyVaultPublicAccess: "Enabled",
                nameGeneration: 1,
                backupSoftDelete: "Disabled",
                backupImmutability: "none",
                logRetentionDays: 30,
                backupDays: 7,
                flowLogDays: 30,
                bastionSize: "Standard_B2s",
                toolVmSize: "Standard_D2s_v5",
                networkCidr: "10.50.0.0/16",
            },
            staging: {
                zones: "1,2,3",
                natGateways: 1,
                privateEndpoints: 2,
                api: "restricted",
                workloadCapacity: "Spot",
                aksTier: "Free",
                systemPool: "2-3",
                workloadPool: "2-6",
                protectedResources: 0,
                resourceGroupLock: 0,
                customerDiskKey: 0,
                keyVaultSoftDeleteDays: 7,
                keyVaultPublicAccess: "Disabled",
                nameGeneration: 0,
                backupSoftDelete: "Enabled",
                backupImmutability: "none",
                logRetentionDays: 90,
                backupDays: 14,
                flowLogDays: 90,
                bastionSize: "Standard_B2s",
                toolVmSize: "Standard_D4s_v5",
                networkCidr: "10.60.0.0/16",
            },
            prod: {
                zones: "1,2,3",
                natGateways: 1,
                privateEndpoints: 2,
                api: "private",
                workloadCapacity: "Regular",
                aksTier: "Standard",
                systemPool: "3-5",
                workloadPool: "3-12",
                protectedResources: 40, // + the CA key, the four VMs' TLS secrets, the VMs' identities, the log workspace, the bastion's SSH host key and the JENKINS_HOME container
                resourceGroupLock: 1,
                customerDiskKey: 1,
                keyVaultSoftDeleteDays: 90,
                keyVaultPublicAccess: "Disabled",
                nameGeneration: 0,
                backupSoftDelete: "AlwaysON",
                backupImmutability: "Locked",
                logRetentionDays: 365,
                backupDays: 35,
                flowLogDays: 365,
                bastionSize: "Standard_B2ms",
                toolVmSize: "Standard_D8s_v5",
                networkCidr: "10.70.0.0/16",
            },
        });
    });

    it("refuses natStrategy none (AKS's outbound type needs the NAT gateway), before creating anything in the network", async () => {
        await assert.rejects(
            variantOf("dev-azure", { configOverrides: { "platform:network": { cidr: "10.50.0.0/16", natStrategy: "none", privateEndpoints: true } } }),
            /platform:azure:Network: natStrategy "none" is not supported on Azure: AKS's outbound type userAssignedNATGateway needs the NAT gateway; use "single"/,
        );
    });

    it("refuses a fourth zone (Azure regions have three)", async () => {
        await assert.rejects(
            variantOf("dev-azure", { configOverrides: { "platform:network": { cidr: "10.50.0.0/16", zones: 4 } } }),
            /platform:network\.zones is 4 but Azure regions have 3 availability zones; use 2 or 3/,
        );
    });

    it("refuses an AWS-style region name on an Azure stack (config validation)", async () => {
        await assert.rejects(variantOf("dev-azure", { configOverrides: { "platform:region": "eu-west-1" } }), /platform:region: "eu-west-1" is an AWS region, and this stack's cloud is azure; use an Azure region such as westeurope/);
    });
});
