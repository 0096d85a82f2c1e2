/**
 * AZURE BLOCK of the policy fixtures: a small compliant Azure platform (network with NSGs, NAT,
 * flow logs, bastion, a tool VM with its backup, Key Vault, storage, AKS) appended to the
 * compliant stack of fixtures.ts. Every azure-* rule judges it and passes; tests/policy/cases-azure.ts
 * mutates it once per failure mode.
 */
const RG = "/subscriptions/00000000-0000-4000-8000-00000000a2e1/resourceGroups/plat-rg";
const id = (provider: string, name: string) => `${RG}/providers/${provider}/${name}`;
const AZ_TAGS = { project: "platform", environment: "prod", cloud: "azure", owner: "platform-team", "cost-center": "cc-1234", "managed-by": "pulumi" };
const tags = (name: string, extra: Record<string, string> = {}) => ({ ...AZ_TAGS, Name: name, ...extra });
const DES = id("Microsoft.Compute/diskEncryptionSets", "plat-des");
const denyAll = { name: "deny-all-inbound", priority: 4096, direction: "Inbound", access: "Deny", protocol: "*", sourcePortRange: "*", sourceAddressPrefix: "*", destinationPortRange: "*", destinationAddressPrefix: "*" };

/** The VM and AKS pool sizes the Azure fixture uses (cost-allowlist cases include them). */
export const AZURE_FIXTURE_SIZES: readonly string[] = ["Standard_B2s", "Standard_D4s_v5", "Standard_D4ds_v5", "Standard_D8ds_v5"];

/** The spec shape of fixtures.ts (structural: that module owns the builder). */
export interface AzureSpec {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, unknown>;
    readonly deps?: readonly string[];
    readonly protect?: boolean;
    readonly provider?: string | null;
}

const vm = (name: string, role: string, nic: string, extra: Record<string, unknown> = {}) => ({
    resourceGroupName: "plat-rg",
    vmName: name,
    hardwareProfile: { vmSize: role === "bastion" ? "Standard_B2s" : "Standard_D4s_v5" },
    osProfile: { computerName: name, adminUsername: "azureuser", linuxConfiguration: { disablePasswordAuthentication: true, ssh: { publicKeys: [{ path: "/home/azureuser/.ssh/authorized_keys", keyData: "ssh-ed25519 AAAA" }] } } },
    securityProfile: { securityType: "TrustedLaunch", uefiSettings: { secureBootEnabled: true, vTpmEnabled: true } },
    storageProfile: { osDisk: { createOption: "FromImage", managedDisk: { storageAccountType: "Premium_LRS", diskEncryptionSet: { id: DES } } } },
    networkProfile: { networkInterfaces: [{ id: id("Microsoft.Network/networkInterfaces", nic) }] },
    identity: { type: "SystemAssigned" },
    tags: tags(name, { role }),
    ...extra,
});

export function azureGoodSpecs(): AzureSpec[] {
    return [
        { type: "azure-native:resources:ResourceGroup", name: "az-rg", inputs: { resourceGroupName: "plat-rg", location: "westeurope", tags: tags("plat-rg") } },
        {
            type: "azure-native:network:NetworkSecurityGroup",
            name: "az-nsg-public",
            inputs: {
                resourceGroupName: "plat-rg",
                securityRules: [
                    { name: "ssh-from-operators", priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", sourcePortRange: "*", sourceAddressPrefix: "203.0.113.0/24", destinationPortRange: "22", destinationApplicationSecurityGroups: [{ id: "asg-bastion" }] },
                    { ...denyAll },
                ],
                tags: tags("plat-nsg-public"),
            },
        },
        {
            type: "azure-native:network:NetworkSecurityGroup",
            name: "az-nsg-tools",
            inputs: {
                resourceGroupName: "plat-rg",
                securityRules: [
                    { name: "vault-api-from-bastion", priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", sourcePortRange: "*", sourceApplicationSecurityGroups: [{ id: "asg-bastion" }], destinationPortRange: "8200", destinationApplicationSecurityGroups: [{ id: "asg-vault" }] },
                    { name: "lb-probes", priority: 110, direction: "Inbound", access: "Allow", protocol: "*", sourcePortRange: "*", sourceAddressPrefix: "AzureLoadBalancer", destinationPortRange: "*", destinationAddressPrefix: "10.1.128.0/22" },
                    { ...denyAll },
                ],
                tags: tags("plat-nsg-tools"),
            },
        },
        { type: "azure-native:network:VirtualNetwork", name: "az-vnet", inputs: { resourceGroupName: "plat-rg", virtualNetworkName: "plat-vnet", addressSpace: { addressPrefixes: ["10.1.0.0/16"] }, tags: tags("plat-vnet") } },
        { type: "azure-native:network:PublicIPAddress", name: "az-nat-ip", inputs: { resourceGroupName: "plat-rg", sku: { name: "Standard" }, publicIPAllocationMethod: "Static", tags: tags("plat-nat-ip", { role: "nat" }) } },
        { type: "azure-native:network:NatGateway", name: "az-nat", deps: ["az-nat-ip"], inputs: { resourceGroupName: "plat-rg", sku: { name: "Standard" }, publicIpAddresses: [{ id: "az-nat-ip-id" }], tags: tags("plat-nat", { role: "nat" }) } },
        {
            type: "azure-native:network:Subnet",
            name: "az-subnet-public",
            deps: ["az-vnet", "az-nsg-public"],
            inputs: { resourceGroupName: "plat-rg", virtualNetworkName: "plat-vnet", subnetName: "plat-public", addressPrefix: "10.1.144.0/24", networkSecurityGroup: { id: "az-nsg-public-id" }, defaultOutboundAccess: false },
        },
        {
            type: "azure-native:network:Subnet",
            name: "az-subnet-tools",
            deps: ["az-vnet", "az-nsg-tools", "az-nat"],
            inputs: { resourceGroupName: "plat-rg", virtualNetworkName: "plat-vnet", subnetName: "plat-tools", addressPrefix: "10.1.128.0/22", networkSecurityGroup: { id: "az-nsg-tools-id" }, natGateway: { id: "az-nat-id" }, defaultOutboundAccess: false },
        },
        {
            type: "azure-native:storage:StorageAccount",
            name: "az-flow-storage",
            protect: true,
            inputs: { resourceGroupName: "plat-rg", accountName: "platflow123456", kind: "StorageV2", allowBlobPublicAccess: false, minimumTlsVersion: "TLS1_2", enableHttpsTrafficOnly: true, networkRuleSet: { defaultAction: "Deny", bypass: "AzureServices" }, tags: tags("plat-flow") },
        },
        {
            type: "azure-native:network:FlowLog",
            name: "az-flow-log",
            deps: ["az-vnet", "az-flow-storage"],
            inputs: { resourceGroupName: "NetworkWatcherRG", networkWatcherName: "NetworkWatcher_westeurope", targetResourceId: "az-vnet-id", storageId: "az-flow-storage-id", enabled: true, retentionPolicy: { enabled: true, days: 365 }, tags: tags("plat-flow-log") },
        },
        { type: "azure-native:network:PublicIPAddress", name: "az-bastion-ip", inputs: { resourceGroupName: "plat-rg", sku: { name: "Standard" }, publicIPAllocationMethod: "Static", tags: tags("plat-bastion-ip", { role: "bastion" }) } },
        {
            type: "azure-native:network:NetworkInterface",
            name: "az-bastion-nic",
            deps: ["az-subnet-public", "az-bastion-ip"],
            inputs: { resourceGroupName: "plat-rg", ipConfigurations: [{ name: "primary", subnet: { id: "az-subnet-public-id" }, publicIPAddress: { id: "az-bastion-ip-id" } }], tags: tags("plat-bastion-nic", { role: "bastion" }) },
        },
        { type: "azure-native:compute:VirtualMachine", name: "az-bastion-vm", deps: ["az-bastion-nic"], inputs: vm("plat-bastion", "bastion", "plat-bastion-nic") },
        {
            type: "azure-native:network:NetworkInterface",
            name: "az-vault-nic",
            protect: true,
            deps: ["az-subnet-tools"],
            inputs: { resourceGroupName: "plat-rg", ipConfigurations: [{ name: "primary", subnet: { id: "az-subnet-tools-id" }, privateIPAddress: "10.1.128.11" }], tags: tags("plat-vault-nic", { role: "vault" }) },
        },
        {
            type: "azure-native:compute:Disk",
            name: "az-vault-data",
            protect: true,
            inputs: { resourceGroupName: "plat-rg", diskName: "plat-vault-data", diskSizeGB: 32, creationData: { createOption: "Empty" }, encryption: { type: "EncryptionAtRestWithCustomerKey", diskEncryptionSetId: DES }, tags: tags("plat-vault-data", { role: "vault" }) },
        },
        { type: "azure-native:compute:VirtualMachine", name: "az-vault-vm", protect: true, deps: ["az-vault-nic", "az-vault-data"], inputs: vm("plat-vault", "vault", "plat-vault-nic") },
        {
            type: "azure-native:keyvault:Vault",
            name: "az-kv",
            protect: true,
            inputs: { resourceGroupName: "plat-rg", vaultName: "plat-kv", properties: { tenantId: "00000000-0000-4000-8000-00000000a2e2", sku: { family: "A", name: "standard" }, enableRbacAuthorization: true, enableSoftDelete: true, enablePurgeProtection: true, networkAcls: { defaultAction: "Deny", bypass: "AzureServices" } }, tags: tags("plat-kv") },
        },
        { type: "azure-native:keyvault:Key", name: "az-kms-key", protect: true, deps: ["az-kv"], inputs: { resourceGroupName: "plat-rg", vaultName: "plat-kv", keyName: "aks-kms", properties: { kty: "RSA", keySize: 3072 }, tags: tags("plat-aks-kms") } },
        {
            type: "azure-native:containerservice:ManagedCluster",
            name: "az-aks",
            protect: true,
            deps: ["az-kms-key"],
            inputs: {
                resourceGroupName: "plat-rg",
                resourceName: "plat-aks",
                agentPoolProfiles: [{ name: "system", mode: "System", vmSize: "Standard_D4ds_v5", enableNodePublicIP: false, nodeTaints: ["CriticalAddonsOnly=true:NoSchedule"] }],
                apiServerAccessProfile: { enablePrivateCluster: true },
                networkProfile: { networkPlugin: "azure", networkPluginMode: "overlay", networkDataplane: "cilium", networkPolicy: "cilium", outboundType: "userAssignedNATGateway" },
                aadProfile: { managed: true, enableAzureRBAC: true },
                disableLocalAccounts: true,
                oidcIssuerProfile: { enabled: true },
                securityProfile: { workloadIdentity: { enabled: true }, azureKeyVaultKms: { enabled: true, keyId: "https://plat-kv.vault.azure.net/keys/aks-kms/0123456789abcdef", keyVaultNetworkAccess: "Public" } },
                autoUpgradeProfile: { upgradeChannel: "patch", nodeOSUpgradeChannel: "NodeImage" },
                tags: tags("plat-aks"),
            },
        },
        { type: "azure-native:containerservice:AgentPool", name: "az-aks-workload", deps: ["az-aks"], inputs: { resourceGroupName: "plat-rg", resourceName: "plat-aks", agentPoolName: "workload", vmSize: "Standard_D8ds_v5", enableNodePublicIP: false, tags: tags("plat-aks-workload") } },
        {
            type: "azure-native:storage:StorageAccount",
            name: "az-snapshots",
            protect: true,
            inputs: { resourceGroupName: "plat-rg", accountName: "platsnap123456", kind: "StorageV2", allowBlobPublicAccess: false, allowSharedKeyAccess: false, minimumTlsVersion: "TLS1_2", networkRuleSet: { defaultAction: "Deny", bypass: "AzureServices" }, tags: tags("plat-snapshots") },
        },
        { type: "azure-native:storage:BlobContainer", name: "az-snapshots-container", deps: ["az-snapshots"], inputs: { resourceGroupName: "plat-rg", accountName: "platsnap123456", containerName: "vault-snapshots", publicAccess: "None" } },
        { type: "azure-native:recoveryservices:Vault", name: "az-rsv", protect: true, inputs: { resourceGroupName: "plat-rg", vaultName: "plat-backup", sku: { name: "RS0", tier: "Standard" }, tags: tags("plat-backup") } },
        {
            type: "azure-native:recoveryservices:ProtectionPolicy",
            name: "az-daily",
            deps: ["az-rsv"],
            inputs: {
                resourceGroupName: "plat-rg",
                vaultName: "plat-backup",
                properties: {
                    backupManagementType: "AzureIaasVM",
                    policyType: "V2",
                    schedulePolicy: { schedulePolicyType: "SimpleSchedulePolicyV2", scheduleRunFrequency: "Daily" },
                    retentionPolicy: { retentionPolicyType: "LongTermRetentionPolicy", dailySchedule: { retentionDuration: { count: 35, durationType: "Days" } } },
                },
                tags: tags("plat-daily"),
            },
        },
        {
            type: "azure-native:recoveryservices:ProtectedItem",
            name: "az-vault-backup",
            protect: true,
            deps: ["az-rsv", "az-daily", "az-vault-vm"],
            inputs: { resourceGroupName: "plat-rg", vaultName: "plat-backup", fabricName: "Azure", properties: { protectedItemType: "Microsoft.Compute/virtualMachines", policyId: "az-daily-id", sourceResourceId: "az-vault-vm-id" }, tags: tags("plat-vault-backup") },
        },
        // Key Vault Secrets User on the one secret the VM reads (the narrowest scope there is).
        {
            type: "azure-native:authorization:RoleAssignment",
            name: "az-vault-reads-enrollment",
            deps: ["az-vault-vm"],
            inputs: {
                roleAssignmentName: "5b0b9cd2-9d1e-4f8f-8e4b-2a4c59f4f3a1",
                scope: id("Microsoft.KeyVault/vaults", "plat-kv/secrets/enrollment"),
                roleDefinitionId: "/subscriptions/00000000-0000-4000-8000-00000000a2e1/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6",
                principalId: "91ef6bc8-ab4c-4e59-a742-3db29c005d1e",
                principalType: "ServicePrincipal",
            },
        },
    ];
}
