/**
 * Azure answers for the offline mocks: invokes, provider-computed state and ARM ids as
 * azure-native returns them (`/subscriptions/<id>/resourceGroups/<rg>/providers/<ns>/<type>/<name>`),
 * in a fixed, obviously fake subscription and tenant.
 */
import type * as pulumi from "@pulumi/pulumi";
import { CloudError, CloudMocks, InvokeHandler, mockPem, stableHex, StateHandler } from "./mocks-core";

/** The mock subscription, tenant and deployer (fixed GUIDs, recognisably not real). */
export const MOCK_AZURE_SUBSCRIPTION = "00000000-0000-4000-8000-00000000a2e1";
export const MOCK_AZURE_TENANT = "00000000-0000-4000-8000-00000000a2e2";
export const MOCK_AZURE_DEPLOYER_OBJECT_ID = "00000000-0000-4000-8000-00000000a2e3";
export const MOCK_AZURE_DEPLOYER_CLIENT_ID = "00000000-0000-4000-8000-00000000a2e4";

const SUB = `/subscriptions/${MOCK_AZURE_SUBSCRIPTION}`;

/** A GUID derived from a key (principal ids, vm ids). */
export function mockGuid(key: string): string {
    const h = stableHex(key, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

type Inputs = Record<string, any>;

function rgPath(inputs: Inputs): string {
    const rg = inputs.resourceGroupName;
    if (typeof rg !== "string" || rg === "") {
        throw new Error("offline mocks (azure): resource without resourceGroupName");
    }
    return `${SUB}/resourceGroups/${rg}`;
}

function need(inputs: Inputs, key: string, type: string): string {
    const v = inputs[key];
    if (typeof v !== "string" || v === "") {
        throw new Error(`offline mocks (azure): ${type} without ${key} (give every Azure resource its deterministic name)`);
    }
    return v;
}

/** Token -> [ARM id, name]. */
const IDS: Readonly<Record<string, (i: Inputs, t: string) => [string, string]>> = {
    "azure-native:resources:ResourceGroup": (i, t) => [`${SUB}/resourceGroups/${need(i, "resourceGroupName", t)}`, i.resourceGroupName],
    "azure-native:authorization:ManagementLockAtResourceGroupLevel": (i, t) => [`${rgPath(i)}/providers/Microsoft.Authorization/locks/${need(i, "lockName", t)}`, i.lockName],
    "azure-native:authorization:RoleAssignment": (i, t) => [`${need(i, "scope", t)}/providers/Microsoft.Authorization/roleAssignments/${need(i, "roleAssignmentName", t)}`, i.roleAssignmentName],
    "azure-native:network:ApplicationSecurityGroup": (i, t) => [`${rgPath(i)}/providers/Microsoft.Network/applicationSecurityGroups/${need(i, "applicationSecurityGroupName", t)}`, i.applicationSecurityGroupName],
    "azure-native:network:NetworkSecurityGroup": (i, t) => [`${rgPath(i)}/providers/Microsoft.Network/networkSecurityGroups/${need(i, "networkSecurityGroupName", t)}`, i.networkSecurityGroupName],
    "azure-native:network:VirtualNetwork": (i, t) => [`${rgPath(i)}/providers/Microsoft.Network/virtualNetworks/${need(i, "virtualNetworkName", t)}`, i.virtualNetworkName],
    "azure-native:network:Subnet": (i, t) => [`${rgPath(i)}/providers/Microsoft.Network/virtualNetworks/${need(i, "virtualNetworkName", t)}/subnets/${need(i, "subnetName", t)}`, i.subnetName],
    "azure-native:network:PublicIPAddress": (i, t) => [`${rgPath(i)}/providers/Microsoft.Network/publicIPAddresses/${need(i, "publicIpAddressName", t)}`, i.publicIpAddressName],
    "azure-native:network:NatGateway": (i, t) => [`${rgPath(i)}/providers/Microsoft.Network/natGateways/${need(i, "natGatewayName", t)}`, i.natGatewayName],
    "azure-native:network:NetworkInterface": (i, t) => [`${rgPath(i)}/providers/Microsoft.Network/networkInterfaces/${need(i, "networkInterfaceName", t)}`, i.networkInterfaceName],
    "azure-native:network:FlowLog": (i, t) => [`${rgPath(i)}/providers/Microsoft.Network/networkWatchers/${need(i, "networkWatcherName", t)}/flowLogs/${need(i, "flowLogName", t)}`, i.flowLogName],
    "azure-native:network:PrivateEndpoint": (i, t) => [`${rgPath(i)}/providers/Microsoft.Network/privateEndpoints/${need(i, "privateEndpointName", t)}`, i.privateEndpointName],
    "azure-native:network:PrivateDnsZoneGroup": (i, t) => [
        `${rgPath(i)}/providers/Microsoft.Network/privateEndpoints/${need(i, "privateEndpointName", t)}/privateDnsZoneGroups/${need(i, "privateDnsZoneGroupName", t)}`,
        i.privateDnsZoneGroupName,
    ],
    "azure-native:privatedns:PrivateZone": (i, t) => [`${rgPath(i)}/providers/Microsoft.Network/privateDnsZones/${need(i, "privateZoneName", t)}`, i.privateZoneName],
    "azure-native:privatedns:VirtualNetworkLink": (i, t) => [
        `${rgPath(i)}/providers/Microsoft.Network/privateDnsZones/${need(i, "privateZoneName", t)}/virtualNetworkLinks/${need(i, "virtualNetworkLinkName", t)}`,
        i.virtualNetworkLinkName,
    ],
    "azure-native:storage:StorageAccount": (i, t) => [`${rgPath(i)}/providers/Microsoft.Storage/storageAccounts/${need(i, "accountName", t)}`, i.accountName],
    "azure-native:storage:BlobServiceProperties": (i, t) => [`${rgPath(i)}/providers/Microsoft.Storage/storageAccounts/${need(i, "accountName", t)}/blobServices/default`, "default"],
    "azure-native:storage:BlobContainer": (i, t) => [
        `${rgPath(i)}/providers/Microsoft.Storage/storageAccounts/${need(i, "accountName", t)}/blobServices/default/containers/${need(i, "containerName", t)}`,
        i.containerName,
    ],
    "azure-native:keyvault:Vault": (i, t) => [`${rgPath(i)}/providers/Microsoft.KeyVault/vaults/${need(i, "vaultName", t)}`, i.vaultName],
    "azure-native:keyvault:Key": (i, t) => [`${rgPath(i)}/providers/Microsoft.KeyVault/vaults/${need(i, "vaultName", t)}/keys/${need(i, "keyName", t)}`, i.keyName],
    "azure-native:keyvault:Secret": (i, t) => [`${rgPath(i)}/providers/Microsoft.KeyVault/vaults/${need(i, "vaultName", t)}/secrets/${need(i, "secretName", t)}`, i.secretName],
    "azure-native:compute:DiskEncryptionSet": (i, t) => [`${rgPath(i)}/providers/Microsoft.Compute/diskEncryptionSets/${need(i, "diskEncryptionSetName", t)}`, i.diskEncryptionSetName],
    "azure-native:compute:Disk": (i, t) => [`${rgPath(i)}/providers/Microsoft.Compute/disks/${need(i, "diskName", t)}`, i.diskName],
    "azure-native:compute:VirtualMachine": (i, t) => [`${rgPath(i)}/providers/Microsoft.Compute/virtualMachines/${need(i, "vmName", t)}`, i.vmName],
    "azure-native:managedidentity:UserAssignedIdentity": (i, t) => [`${rgPath(i)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${need(i, "resourceName", t)}`, i.resourceName],
    "azure-native:containerservice:ManagedCluster": (i, t) => [`${rgPath(i)}/providers/Microsoft.ContainerService/managedClusters/${need(i, "resourceName", t)}`, i.resourceName],
    "azure-native:containerservice:AgentPool": (i, t) => [
        `${rgPath(i)}/providers/Microsoft.ContainerService/managedClusters/${need(i, "resourceName", t)}/agentPools/${need(i, "agentPoolName", t)}`,
        i.agentPoolName,
    ],
    "azure-native:containerservice:MaintenanceConfiguration": (i, t) => [
        `${rgPath(i)}/providers/Microsoft.ContainerService/managedClusters/${need(i, "resourceName", t)}/maintenanceConfigurations/${need(i, "configName", t)}`,
        i.configName,
    ],
    "azure-native:operationalinsights:Workspace": (i, t) => [`${rgPath(i)}/providers/Microsoft.OperationalInsights/workspaces/${need(i, "workspaceName", t)}`, i.workspaceName],
    // An extension resource: its id hangs under the resource it configures.
    "azure-native:monitor:DiagnosticSetting": (i, t) => [`${need(i, "resourceUri", t)}/providers/Microsoft.Insights/diagnosticSettings/${need(i, "name", t)}`, i.name],
    "azure-native:recoveryservices:Vault": (i, t) => [`${rgPath(i)}/providers/Microsoft.RecoveryServices/vaults/${need(i, "vaultName", t)}`, i.vaultName],
    "azure-native:recoveryservices:ProtectionPolicy": (i, t) => [`${rgPath(i)}/providers/Microsoft.RecoveryServices/vaults/${need(i, "vaultName", t)}/backupPolicies/${need(i, "policyName", t)}`, i.policyName],
    "azure-native:recoveryservices:ProtectedItem": (i, t) => [
        `${rgPath(i)}/providers/Microsoft.RecoveryServices/vaults/${need(i, "vaultName", t)}/backupFabrics/${need(i, "fabricName", t)}/protectionContainers/${need(i, "containerName", t)}/protectedItems/${need(i, "protectedItemName", t)}`,
        i.protectedItemName,
    ],
};

const systemIdentity = (key: string) => ({ type: "SystemAssigned", principalId: mockGuid(`principal-${key}`), tenantId: MOCK_AZURE_TENANT });

/** The identity block ARM returns for a VM: system-assigned, or the user-assigned identities it was given. */
function vmIdentityState(key: string, identity: Inputs | undefined, stateById: (id: string) => Record<string, any> | undefined): Record<string, unknown> {
    if (identity?.type === "UserAssigned") {
        const ids = (identity.userAssignedIdentities as string[] | undefined) ?? [];
        return {
            type: "UserAssigned",
            userAssignedIdentities: Object.fromEntries(
                ids.map((id) => {
                    const uami = stateById(id);
                    if (!uami) {
                        throw new Error(`offline mocks (azure): VM ${key} names user-assigned identity ${id}, which was not created before it`);
                    }
                    return [id, { principalId: uami.principalId, clientId: uami.clientId }];
                }),
            ),
        };
    }
    return systemIdentity(key);
}

const STATES: Record<string, StateHandler> = {
    "azure-native:network:PublicIPAddress": (_a, ctx) => ({ ipAddress: ctx.nextPublicAddress(), provisioningState: "Succeeded" }),
    "azure-native:network:NetworkInterface": (a) => ({
        ipConfigurations: ((a.inputs.ipConfigurations as Inputs[] | undefined) ?? []).map((c) => ({ ...c, provisioningState: "Succeeded" })),
        macAddress: `00-0D-3A-${stableHex(a.name, 6).toUpperCase().match(/../g)!.join("-")}`,
    }),
    // The endpoint's NIC takes the next free address of its subnet.
    "azure-native:network:PrivateEndpoint": (a, ctx) => {
        const subnet = ctx.stateById((a.inputs.subnet as Inputs | undefined)?.id);
        if (!subnet?.addressPrefix) {
            throw new Error(`offline mocks (azure): private endpoint ${a.name} in an unknown subnet`);
        }
        return {
            customDnsConfigs: [{ ipAddresses: [ctx.nextAddress(String(subnet.addressPrefix))] }],
            networkInterfaces: [{ id: `${rgPath(a.inputs)}/providers/Microsoft.Network/networkInterfaces/${String(a.inputs.privateEndpointName)}.nic.${mockGuid(a.name)}` }],
            provisioningState: "Succeeded",
        };
    },
    "azure-native:storage:StorageAccount": (a) => ({
        primaryEndpoints: { blob: `https://${String(a.inputs.accountName)}.blob.core.windows.net/` },
        provisioningState: "Succeeded",
    }),
    "azure-native:keyvault:Vault": (a) => ({ properties: { ...(a.inputs.properties as Inputs), vaultUri: `https://${String(a.inputs.vaultName)}.vault.azure.net/` } }),
    "azure-native:keyvault:Key": (a, ctx) => {
        const uri = `https://${String(a.inputs.vaultName)}.vault.azure.net/keys/${String(a.inputs.keyName)}`;
        return { keyUri: uri, keyUriWithVersion: `${uri}/${ctx.hex(32)}` };
    },
    "azure-native:keyvault:Secret": (a) => ({ properties: { ...(a.inputs.properties as Inputs), secretUri: `https://${String(a.inputs.vaultName)}.vault.azure.net/secrets/${String(a.inputs.secretName)}` } }),
    "azure-native:compute:DiskEncryptionSet": (a) => ({ identity: systemIdentity(a.name) }),
    "azure-native:operationalinsights:Workspace": (a) => ({ customerId: mockGuid(`workspace-${a.name}`), provisioningState: "Succeeded" }),
    // A VM with user-assigned identities reports them as a map keyed by id (no principal of its own).
    "azure-native:compute:VirtualMachine": (a, ctx) => ({
        identity: vmIdentityState(a.name, a.inputs.identity as Inputs | undefined, ctx.stateById),
        vmId: mockGuid(`vm-${a.name}`),
        provisioningState: "Succeeded",
    }),
    "azure-native:managedidentity:UserAssignedIdentity": (a) => ({ principalId: mockGuid(`principal-${a.name}`), clientId: mockGuid(`client-${a.name}`), tenantId: MOCK_AZURE_TENANT }),
    "azure-native:containerservice:ManagedCluster": (a, ctx) => {
        const prefix = String(a.inputs.dnsPrefix ?? a.inputs.resourceName);
        const location = String(a.inputs.location ?? ctx.region);
        const isPrivate = (a.inputs.apiServerAccessProfile as Inputs | undefined)?.enablePrivateCluster === true;
        const version = String(a.inputs.kubernetesVersion ?? "1.35");
        return {
            // A private cluster without a public FQDN has only its private one.
            ...(isPrivate ? { privateFQDN: `${prefix}-${ctx.hex(8)}.${mockGuid(`pl-${a.name}`)}.privatelink.${location}.azmk8s.io` } : { fqdn: `${prefix}-${ctx.hex(8)}.hcp.${location}.azmk8s.io` }),
            currentKubernetesVersion: `${version}.4`,
            oidcIssuerProfile: { enabled: true, issuerURL: `https://${location}.oic.prod-aks.azure.com/${MOCK_AZURE_TENANT}/${mockGuid(`oidc-${a.name}`)}/` },
            identityProfile: { kubeletidentity: { clientId: mockGuid(`kubelet-client-${a.name}`), objectId: mockGuid(`kubelet-${a.name}`) } },
            powerState: { code: "Running" },
            provisioningState: "Succeeded",
        };
    },
};

const INVOKES: Record<string, InvokeHandler> = {
    "azure-native:authorization:getClientConfig": () => ({
        clientId: MOCK_AZURE_DEPLOYER_CLIENT_ID,
        objectId: MOCK_AZURE_DEPLOYER_OBJECT_ID,
        subscriptionId: MOCK_AZURE_SUBSCRIPTION,
        tenantId: MOCK_AZURE_TENANT,
    }),
    // The subscription has Azure's default watcher in every region it uses, nothing else.
    "azure-native:network:getNetworkWatcher": (inputs, { region }) => {
        const rg = String(inputs.resourceGroupName);
        const name = String(inputs.networkWatcherName);
        if (rg !== "NetworkWatcherRG" || name !== `NetworkWatcher_${region}`) {
            // ARM's answer for a missing resource, as the provider reports it.
            throw new CloudError(
                `ResourceNotFound: The Resource 'Microsoft.Network/networkWatchers/${name}' under resource group '${rg}' was not found (the mock subscription has NetworkWatcherRG/NetworkWatcher_${region} only)`,
            );
        }
        return { id: `${SUB}/resourceGroups/${rg}/providers/Microsoft.Network/networkWatchers/${name}`, name, location: region, type: "Microsoft.Network/networkWatchers", provisioningState: "Succeeded", etag: `W/"${stableHex(name, 8)}"` };
    },
    // AKS's own user kubeconfig (Entra exec format): the program takes the CA from it.
    "azure-native:containerservice:listManagedClusterUserCredentials": (inputs, { region }) => {
        const cluster = String(inputs.resourceName);
        const ca = Buffer.from(mockPem("CERTIFICATE", `aks-ca-${cluster}`)).toString("base64");
        const yaml = [
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            `- name: ${cluster}`,
            "  cluster:",
            `    certificate-authority-data: ${ca}`,
            `    server: https://${cluster}-${stableHex(cluster, 8)}.hcp.${region}.azmk8s.io:443`,
            "users:",
            `- name: clusterUser_${String(inputs.resourceGroupName)}_${cluster}`,
            "  user:",
            "    exec:",
            "      apiVersion: client.authentication.k8s.io/v1beta1",
            "      command: kubelogin",
            "      args: [get-token, --login, devicecode, --server-id, 6dae42f8-4368-4678-94ff-3960e28e3630]",
            "",
        ].join("\n");
        return { kubeconfigs: [{ name: "clusterUser", value: Buffer.from(yaml).toString("base64") }] };
    },
};

export const AZURE_MOCKS: CloudMocks = {
    invokes: INVOKES,
    states: Object.fromEntries(
        Object.keys(IDS).map((token) => [
            token,
            ((args, ctx) => ({ name: IDS[token](args.inputs, token)[1], ...(STATES[token]?.(args, ctx) ?? {}) })) as StateHandler,
        ]),
    ),
    idFor: (args: pulumi.runtime.MockResourceArgs) => {
        if (!args.type.startsWith("azure-native:")) {
            return undefined;
        }
        const ids = IDS[args.type];
        if (!ids) {
            throw new Error(`offline mocks (azure): no ARM id format for ${args.type}; teach offline/mocks-azure.ts its id`);
        }
        return ids(args.inputs, args.type)[0];
    },
    defaultRegion: "westeurope",
};
