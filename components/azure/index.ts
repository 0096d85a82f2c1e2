/**
 * The Azure platform builder: explicit azure-native provider (location from config), the
 * deployer's identity (tenant, subscription, object id), the subscription's preconditions
 * (preflight.ts, before anything is created), the resource group (locked in prod), then
 * network -> keys -> monitoring -> backup -> bastion -> tool VMs (+ backup items) -> AKS.
 * Every grant precedes its consumer with the documented propagation wait (propagation.ts).
 * Loaded only for Azure stacks, and azure-native per module (never the top-level package).
 */
import { JENKINS_AGENTS_MAX_PODS } from "../kubernetes/common";
import * as authorization from "@pulumi/azure-native/authorization";
import { Provider } from "@pulumi/azure-native/provider";
import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { InternalCa, renderBootstrap, SshHostKey } from "../bootstrap";
import type { AzurePlatformConfig } from "../config";
import type { ToolVmRole } from "../contracts";
import { TOOL_VM_ROLES } from "../contracts";
import { resourceName } from "../naming";
import { PlatformBuild, platformOutputs } from "../platform";
import { Backup } from "./backup";
import { Bastion, BASTION_HOST_OFFSET, bastionPublicIp } from "./bastion";
import { AKS_SPOT_TOLERATION, aksClusterName, Cluster } from "./cluster";
import { AzureContext, platformResourceGroupName, tagsFor } from "./common";
import { PrivateEndpoints } from "./endpoints";
import { Keys } from "./keyvault";
import { AKS_CONTROL_PLANE_LOGS, BACKUP_LOGS, BLOB_LOGS, KEY_VAULT_LOGS, Monitoring } from "./monitoring";
import { azureHostAddress } from "./naming";
import { azureZones, Network } from "./network";
import { requireNetworkWatcher } from "./preflight";
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
    // Before anything is created (in preview too): the region's Network Watcher the flow logs
    // belong to must exist (preflight.ts).
    if (config.network.flowLogs.enabled) {
        await requireNetworkWatcher(config.azure.networkWatcher, config.region, { parent, provider });
    }

    // Deterministic name from the prefix: one resource group holds the whole platform (AKS
    // keeps its nodes in its own `<prefix>-aks-nodes`).
    const rgName = platformResourceGroupName(config.prefix);
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
        deployerPrincipalType: config.azure.deployerPrincipalType,
        location: config.region,
        resourceGroupName: rg.name,
        tags: config.tags,
        protect,
    };

    // Dev (and the ephemeral environments built on it) must be destroyable and re-creatable the
    // same day: names Azure holds after a delete carry this per-creation generation, kept in the
    // stack's state (a destroyed stack's next creation draws a new one). Other environments keep
    // deterministic names.
    const nameGeneration = config.azure.sameDayRecreate
        ? new random.RandomString("name-generation", { length: 4, upper: false, special: false, numeric: true }, { parent }).result
        : undefined;

    // The bastion's public IP first: the network's API server NSG names it (restricted access).
    // It lived inside the Bastion component before: the alias keeps that address.
    const bastionIp = bastionPublicIp("bastion", ctx, pulumi.createUrn("bastion", "platform:azure:Bastion", parent), { parent, provider });
    const bastionIpAddress = bastionIp.ipAddress.apply((ip) => ip ?? "");

    const network = new Network(
        "network",
        {
            bastionPublicIp: bastionIpAddress,
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
            // Every subnet a VM reading the vault lives in: nodes, tools, and the bastion's.
            allowedSubnetIds: [network.privateSubnetIds.nodes[0], network.privateSubnetIds.tools[0], network.publicSubnetIds[0]],
            privateEndpoint: config.network.privateEndpoints,
            softDeleteRetentionDays: softDeleteRetentionDays(protect),
            customerManagedDiskKey: protect,
            ...(nameGeneration ? { nameGeneration } : {}),
        },
        childOpts,
    );
    const monitoring = new Monitoring("monitoring", { ctx, retentionDays: config.cluster.logRetentionDays, ...(nameGeneration ? { nameGeneration } : {}) }, childOpts);
    monitoring.diagnostics("keys-vault", keys.vaultId, KEY_VAULT_LOGS);
    monitoring.diagnostics("keys-kms-vault", keys.kmsVaultId, KEY_VAULT_LOGS);
    const backup = new Backup(
        "backup",
        { ctx, retentionDays: config.backup.retentionDays, toolsSubnetId: network.privateSubnetIds.tools[0], privateEndpoint: config.network.privateEndpoints, sameDayRecreate: config.azure.sameDayRecreate },
        childOpts,
    );
    monitoring.diagnostics("backup-vault", backup.vaultId, BACKUP_LOGS);
    monitoring.diagnostics("backup-snapshots-blob", backup.snapshotBlobServiceId, BLOB_LOGS);

    // Where the vault and the snapshot store take private traffic only, the VMs reach them through
    // these endpoints (and their DNS zones): the VMs boot only once the path exists.
    const endpoints = config.network.privateEndpoints
        ? new PrivateEndpoints(
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
        )
        : undefined;
    const vmPrerequisites: pulumi.Resource[] = [...keys.diskEncryptionReady, ...(endpoints ? [endpoints] : [])];

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
            publicIp: { id: bastionIp.id, address: bastionIpAddress },
            hostKeyFingerprint: bastionHostKey.fingerprint,
            ctx,
            subnetId: network.publicSubnetIds[0],
            subnetCidr: network.subnetCidrs.public,
            allowedCidrs: config.bastion.allowedCidrs,
            size: config.bastion.instanceType,
            zone: zones[0],
            asgId: network.asgIds.bastion,
            customData: (identity) =>
                renderBootstrap("bastion", {
                    cloud: "azure",
                    hostname: bastionHostname,
                    wazuhEnrollmentSecret: { type: "azure-keyvault", vaultName: keys.vaultName, secretName: keys.enrollmentSecretName, clientId: identity.clientId },
                    tlsSecret: { type: "azure-keyvault", vaultName: keys.vaultName, secretName: bastionTls.secretName, clientId: identity.clientId },
                    wazuhManagerAddress,
                }),
            // The bastion reads the enrollment password (its Wazuh agent) and its own TLS bundle: those secrets, nothing else.
            readSecrets: [
                { name: "enrollment-secret", secretId: keys.enrollmentSecretId },
                { name: "tls-secret", secretId: bastionTls.secretId },
            ],
            ...des,
            dependsOn: vmPrerequisites,
        },
        childOpts,
    );

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
        dependsOn: vmPrerequisites,
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
                // Names only, the same functions the resource group and the cluster are named by.
                // The agents tolerate what the platform's pods do (AKS taints Spot pools) and number
                // at most the namespace quota's pods.
                cluster: {
                    subscriptionId: client.subscriptionId,
                    resourceGroup: rgName,
                    clusterName: aksClusterName(config.prefix),
                    ...(config.cluster.nodePools.workload.capacity === "spot" ? { agentTolerations: [{ ...AKS_SPOT_TOLERATION }] } : {}),
                    maxAgents: JENKINS_AGENTS_MAX_PODS[config.environment],
                },
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
            zones,
            nodesSubnetId: network.privateSubnetIds.nodes[0],
            apiServerSubnetId: network.apiServerSubnetId,
            apiServerCidr: network.subnetCidrs.apiServer,
            nodesCidr: network.subnetCidrs.nodes,
            podCidr: config.cluster.podCidr,
            serviceCidr: config.cluster.serviceCidr,
            nodesAsgId: network.asgIds.clusterNodes,
            nodePools: config.cluster.nodePools,
            kmsKey: { vaultId: keys.kmsVaultId, uriWithVersion: keys.aksKmsKeyUriWithVersion },
            ...des,
            diskEncryptionReady: keys.diskEncryptionReady,
            adminGroupObjectIds: config.azure.adminGroupObjectIds,
            ...(config.cluster.prAutomationPrincipal ? { prAutomationPrincipal: config.cluster.prAutomationPrincipal } : {}),
            jenkinsPrincipalId: toolVms.jenkins.principalId,
            // Restricted access: the bastion's tunnel reaches the public endpoint from its own
            // address, the Jenkins VM through the NAT gateway.
            platformEgressIps: [bastionIpAddress, ...network.natPublicIps],
        },
        childOpts,
    );

    monitoring.diagnostics("cluster-aks", cluster.clusterId, AKS_CONTROL_PLANE_LOGS);

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
