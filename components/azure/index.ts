/**
 * The Azure platform builder: explicit azure-native provider (location from config), the
 * deployer's identity (tenant, subscription, object id), the resource group (locked in prod),
 * then network -> keys -> backup -> bastion -> tool VMs (+ backup items) -> AKS.
 * Loaded only for Azure stacks, and azure-native per module (never the top-level package).
 */
import * as authorization from "@pulumi/azure-native/authorization";
import { Provider } from "@pulumi/azure-native/provider";
import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";
import { InternalCa, renderBootstrap, SshHostKey } from "../bootstrap";
import type { AzurePlatformConfig } from "../config";
import type { ToolVmRole } from "../contracts";
import { TOOL_VM_ROLES } from "../contracts";
import { resourceName } from "../naming";
import { PlatformBuild, platformOutputs } from "../platform";
import { Backup } from "./backup";
import { Bastion, BASTION_HOST_OFFSET } from "./bastion";
import { Cluster } from "./cluster";
import { AzureContext, roleAssignment, tagsFor } from "./common";
import { PrivateEndpoints } from "./endpoints";
import { Keys } from "./keyvault";
import { azureHostAddress } from "./naming";
import { azureZones, Network } from "./network";
import { azurePlacement, TlsSecret, ToolVm } from "./tool-vm";

/** Key Vault soft-delete retention: the longest in prod (recovery window), the shortest elsewhere. */
export function softDeleteRetentionDays(protect: boolean): number {
    return protect ? 90 : 7;
}

export async function buildAzurePlatform(config: AzurePlatformConfig, parent: pulumi.Resource): Promise<PlatformBuild> {
    const provider = new Provider("azure-native", { location: config.region }, { parent });
    const client = await authorization.getClientConfig({ parent, provider });
    const protect = config.deletionProtection;
    const childOpts: pulumi.ComponentResourceOptions = { parent, providers: [provider] };
    const zones = azureZones(config.network.zones);

    // Deterministic name from the prefix: one resource group holds the whole platform (AKS
    // keeps its nodes in its own `<prefix>-aks-nodes`).
    const rgName = resourceName(config.prefix, "rg");
    const rg = new resources.ResourceGroup(
        "resource-group",
        { resourceGroupName: rgName, location: config.region, tags: { ...config.tags, Name: rgName } },
        { parent, provider, protect },
    );
    if (protect) {
        // Nothing in the platform's group can be deleted (by Pulumi or by hand) until the lock
        // is removed on purpose.
        new authorization.ManagementLockAtResourceGroupLevel(
            "resource-group-lock",
            { resourceGroupName: rg.name, lockName: resourceName(config.prefix, "no-delete"), level: "CanNotDelete", notes: "Production platform: remove this lock deliberately before deleting anything." },
            { parent, provider, protect },
        );
    }

    const ctx: AzureContext = {
        prefix: config.prefix,
        subscriptionId: client.subscriptionId,
        tenantId: client.tenantId,
        deployerObjectId: client.objectId,
        location: config.region,
        resourceGroupName: rg.name,
        tags: config.tags,
        protect,
    };

    const network = new Network(
        "network",
        {
            ctx,
            cidr: config.network.cidr,
            zones,
            subnets: config.network.subnets,
            natStrategy: config.network.natStrategy,
            operatorCidrs: config.bastion.allowedCidrs,
            podCidr: config.cluster.podCidr,
            apiAuthorizedCidrs: config.cluster.endpointAccess === "restricted" ? config.cluster.authorizedCidrs : [],
            flowLogs: config.network.flowLogs,
            networkWatcher: config.azure.networkWatcher,
        },
        childOpts,
    );

    const keys = new Keys(
        "keys",
        {
            ctx,
            allowedSubnetIds: [network.privateSubnetIds.nodes[0], network.privateSubnetIds.tools[0]],
            softDeleteRetentionDays: softDeleteRetentionDays(protect),
            customerManagedDiskKey: protect,
        },
        childOpts,
    );
    const backup = new Backup("backup", { ctx, retentionDays: config.backup.retentionDays, toolsSubnetId: network.privateSubnetIds.tools[0] }, childOpts);

    if (config.network.privateEndpoints) {
        new PrivateEndpoints(
            "private-endpoints",
            {
                ctx,
                vnetId: network.networkId,
                subnetId: network.endpointsSubnetId,
                targets: [
                    { name: "keyvault", resourceId: keys.vaultId, groupId: "vault" },
                    { name: "snapshots-blob", resourceId: backup.snapshotAccountId, groupId: "blob" },
                ],
            },
            childOpts,
        );
    }

    const toolsCidr = network.subnetCidrs.tools;
    const where = Object.fromEntries(TOOL_VM_ROLES.map((role) => [role, azurePlacement(role, toolsCidr, zones)])) as Record<ToolVmRole, ReturnType<typeof azurePlacement>>;
    const wazuhManagerAddress = where.wazuh.privateIp;
    const enrollment = { vaultName: keys.vaultName, secretName: keys.enrollmentSecretName, secretId: keys.enrollmentSecretId };
    const des = keys.diskEncryptionSetId ? { diskEncryptionSetId: keys.diskEncryptionSetId } : {};
    // The platform CA: every VM's TLS certificate, and what every client trusts (stack output).
    const ca = new InternalCa("internal-ca", { prefix: config.prefix, protect, operations: config.operations }, childOpts);
    const tls = { ca, vaultName: keys.vaultName, ready: keys.deployerAccess };
    const bastionHostname = resourceName(config.prefix, "bastion");
    // The bastion's SSH host key: issued here, so tunnels pin its fingerprint (never trust on first use).
    const bastionHostKey = new SshHostKey("bastion-host-key", { protect }, childOpts);
    const bastionTls = new TlsSecret(
        "bastion-tls",
        { ctx, role: "bastion", hostname: bastionHostname, privateIp: azureHostAddress(network.subnetCidrs.public, BASTION_HOST_OFFSET), ...tls, sshHostKey: bastionHostKey.privateKeyOpenssh },
        childOpts,
    );

    const bastion = new Bastion(
        "bastion",
        {
            hostKeyFingerprint: bastionHostKey.fingerprint,
            ctx,
            subnetId: network.publicSubnetIds[0],
            subnetCidr: network.subnetCidrs.public,
            allowedCidrs: config.bastion.allowedCidrs,
            size: config.bastion.instanceType,
            zone: zones[0],
            asgId: network.asgIds.bastion,
            customData: renderBootstrap("bastion", {
                cloud: "azure",
                hostname: bastionHostname,
                wazuhEnrollmentSecret: { type: "azure-keyvault", vaultName: keys.vaultName, secretName: keys.enrollmentSecretName },
                tlsSecret: { type: "azure-keyvault", vaultName: keys.vaultName, secretName: bastionTls.secretName },
                wazuhManagerAddress,
            }),
            ...des,
            dependsOn: keys.diskEncryptionReady,
        },
        childOpts,
    );
    // The bastion's agent reads the enrollment password too: that secret, nothing else.
    roleAssignment("bastion-read-enrollment-secret", ctx, { scope: keys.enrollmentSecretId, role: "keyVaultSecretsUser", principalId: bastion.principalId, principalType: "ServicePrincipal" }, { parent: bastion });
    roleAssignment("bastion-read-tls-secret", ctx, { scope: bastionTls.secretId, role: "keyVaultSecretsUser", principalId: bastion.principalId, principalType: "ServicePrincipal" }, { parent: bastion });

    const vmCommon = (role: ToolVmRole) => ({
        ctx,
        subnetId: network.privateSubnetIds.tools[0],
        zone: where[role].zone,
        privateIp: where[role].privateIp,
        size: config.toolVms.instanceType,
        asgId: network.asgIds[role],
        sshPublicKey: bastion.publicKeyOpenssh,
        enrollment,
        tls,
        ...des,
        dependsOn: keys.diskEncryptionReady,
    });
    const toolVms: Record<ToolVmRole, ToolVm> = {
        wazuh: new ToolVm("wazuh", { ...vmCommon("wazuh"), role: "wazuh" }, childOpts),
        jenkins: new ToolVm(
            "jenkins",
            {
                ...vmCommon("jenkins"),
                role: "jenkins",
                wazuhManagerAddress,
                homeBackups: { accountName: backup.snapshotAccountName, containerName: backup.jenkinsHomeContainerName, containerId: backup.jenkinsHomeContainerId },
            },
            childOpts,
        ),
        vault: new ToolVm(
            "vault",
            {
                ...vmCommon("vault"),
                role: "vault",
                wazuhManagerAddress,
                unseal: { vaultName: keys.vaultName, keyName: keys.unsealKeyName, keyId: keys.unsealKeyId },
                snapshots: { accountName: backup.snapshotAccountName, containerName: backup.snapshotContainerName, containerId: backup.snapshotContainerId },
            },
            childOpts,
        ),
    };
    for (const role of TOOL_VM_ROLES) {
        backup.protectVm(role, toolVms[role].hostname, toolVms[role].instanceId);
    }

    const cluster = new Cluster(
        "cluster",
        {
            ctx,
            version: config.cluster.version,
            endpointAccess: config.cluster.endpointAccess,
            authorizedCidrs: config.cluster.authorizedCidrs,
            egressIps: network.natPublicIps,
            zones,
            nodesSubnetId: network.privateSubnetIds.nodes[0],
            apiServerSubnetId: network.apiServerSubnetId,
            apiServerCidr: network.subnetCidrs.apiServer,
            nodesCidr: network.subnetCidrs.nodes,
            podCidr: config.cluster.podCidr,
            serviceCidr: config.cluster.serviceCidr,
            nodesAsgId: network.asgIds.clusterNodes,
            nodePools: config.cluster.nodePools,
            kmsKey: { id: keys.aksKmsKeyId, uriWithVersion: keys.aksKmsKeyUriWithVersion },
            ...des,
            adminGroupObjectIds: config.azure.adminGroupObjectIds,
            ...(config.cluster.prAutomationPrincipal ? { prAutomationPrincipal: config.cluster.prAutomationPrincipal } : {}),
        },
        childOpts,
    );

    const vms = TOOL_VM_ROLES.map((role) => toolVms[role]);
    return {
        cluster,
        toolVms: vms,
        outputs: platformOutputs(config, { network, bastion, cluster, toolVms: vms }, {
            clusterSecurityGroupId: cluster.clusterId,
            backupVaultName: backup.vaultName,
            vaultSnapshotBucket: pulumi.interpolate`${backup.snapshotAccountName}/${backup.snapshotContainerName}`,
            wazuhEnrollmentSecretArn: keys.enrollmentSecretId,
            internalCaCertPem: ca.certPem,
        }),
    };
}

export { tagsFor };
