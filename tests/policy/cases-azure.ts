/**
 * AZURE BLOCK of the policy rule cases: one mutation of the compliant fixture per failure mode
 * of every azure-* rule, with the exact message(s). Merged into CASES by rules.test.ts.
 */
import { remove, replace, spec, stackWith } from "./fixtures";

type Specs = Parameters<Parameters<typeof stackWith>[0]>[0];

interface FailureMode {
    readonly mode: string;
    readonly edit: (specs: Specs) => void;
    readonly config?: Record<string, unknown>;
    readonly expected: readonly string[];
}

const rules = (s: Specs, name: string) => spec(s, name).inputs.securityRules as Record<string, unknown>[];

export const AZURE_CASES: Readonly<Record<string, readonly FailureMode[]>> = {
    "azure-network-nsg-require-default-deny-inbound": [
        {
            mode: "no explicit deny-all (Azure's AllowVnetInBound applies)",
            edit: (s) => (spec(s, "az-nsg-tools").inputs.securityRules = rules(s, "az-nsg-tools").filter((r) => r.name !== "deny-all-inbound")),
            expected: ["az-nsg-tools: no inbound rule denies all traffic (protocol *, source *, ports *), so Azure's default AllowVnetInBound admits the whole VNet. Add an inbound Deny rule for * at priority 4096."],
        },
        {
            mode: "the catch-all rule allows instead of denying",
            edit: (s) => (rules(s, "az-nsg-public")[1].access = "Allow"),
            expected: [
                "az-nsg-public: no inbound rule denies all traffic (protocol *, source *, ports *), so Azure's default AllowVnetInBound admits the whole VNet. Add an inbound Deny rule for * at priority 4096.",
            ],
        },
    ],
    "azure-network-subnet-require-nsg": [
        {
            mode: "subnet without an NSG",
            edit: (s) => delete spec(s, "az-subnet-tools").inputs.networkSecurityGroup,
            expected: ["az-subnet-tools: has no networkSecurityGroup, so nothing filters traffic into it. Attach the tier's NSG (networkSecurityGroup: { id })."],
        },
    ],
    "azure-network-subnet-disallow-default-outbound": [
        {
            mode: "default outbound access left on (unset)",
            edit: (s) => delete spec(s, "az-subnet-public").inputs.defaultOutboundAccess,
            expected: [
                "az-subnet-public: defaultOutboundAccess is unset, so VMs without a NAT gateway or public IP still reach the internet through an implicit, unmonitored address. Set defaultOutboundAccess: false and egress through the NAT gateway.",
            ],
        },
    ],
    "azure-network-vnet-require-flow-logs": [
        {
            mode: "flow log removed",
            edit: (s) => remove(s, "az-flow-log"),
            expected: ['az-vnet: azure-native:network:VirtualNetwork "az-vnet" has no enabled flow log. Add a network.FlowLog (in the subscription\'s Network Watcher) with targetResourceId set to this VNet.'],
        },
        {
            mode: "flow log disabled",
            edit: (s) => (spec(s, "az-flow-log").inputs.enabled = false),
            expected: ['az-vnet: azure-native:network:VirtualNetwork "az-vnet" has no enabled flow log. Add a network.FlowLog (in the subscription\'s Network Watcher) with targetResourceId set to this VNet.'],
        },
    ],
    "azure-network-flowlog-require-retention": [
        {
            mode: "retention off",
            edit: (s) => (spec(s, "az-flow-log").inputs.retentionPolicy = { enabled: false, days: 0 }),
            expected: ["az-flow-log: retentionPolicy is not enabled with a number of days, so flow logs are never deleted. Enable retentionPolicy with days of at least 30."],
        },
        {
            mode: "below the environment's minimum",
            edit: (s) => (spec(s, "az-flow-log").inputs.retentionPolicy = { enabled: true, days: 30 }),
            config: { minimumDays: 365 },
            expected: ["az-flow-log: retentionPolicy.days is 30, below this environment's minimum of 365. Raise it to at least 365."],
        },
    ],
    "azure-aks-cluster-restrict-api-access": [
        {
            mode: "public API with no authorized ranges",
            edit: (s) => (spec(s, "az-aks").inputs.apiServerAccessProfile = { enablePrivateCluster: false }),
            expected: [
                "az-aks: the API server is public (enablePrivateCluster is not true) and apiServerAccessProfile.authorizedIPRanges is empty, so anyone on the internet can reach it. Set authorizedIPRanges or enablePrivateCluster: true.",
            ],
        },
        {
            mode: "authorized ranges include the world",
            edit: (s) => (spec(s, "az-aks").inputs.apiServerAccessProfile = { authorizedIPRanges: ["203.0.113.0/24", "0.0.0.0/0"] }),
            expected: ["az-aks: apiServerAccessProfile.authorizedIPRanges contains 0.0.0.0/0, opening the Kubernetes API to the whole internet. List specific CIDRs or make the cluster private."],
        },
    ],
    "azure-aks-cluster-disallow-local-accounts": [
        {
            mode: "local accounts enabled",
            edit: (s) => delete spec(s, "az-aks").inputs.disableLocalAccounts,
            expected: ["az-aks: disableLocalAccounts is unset, so a static cluster-admin certificate can be downloaded (az aks get-credentials --admin). Set disableLocalAccounts: true (Entra ID only)."],
        },
        {
            mode: "Kubernetes RBAC not tied to Entra ID",
            edit: (s) => (spec(s, "az-aks").inputs.aadProfile = { managed: true, enableAzureRBAC: false }),
            expected: ["az-aks: aadProfile.enableAzureRBAC is false: Kubernetes authorization is not tied to Entra ID. Set aadProfile { managed: true, enableAzureRBAC: true }."],
        },
    ],
    "azure-aks-cluster-require-network-policy": [
        {
            mode: "no network policy engine",
            edit: (s) => delete spec(s, "az-aks").inputs.networkProfile.networkPolicy,
            expected: ['az-aks: networkProfile.networkPolicy is unset, so NetworkPolicies (the baseline\'s default-deny) are not enforced. Set networkPolicy to "cilium" (with networkDataplane "cilium").'],
        },
        {
            mode: "an engine that enforces nothing",
            edit: (s) => (spec(s, "az-aks").inputs.networkProfile.networkPolicy = "none"),
            expected: ['az-aks: networkProfile.networkPolicy is "none", so NetworkPolicies (the baseline\'s default-deny) are not enforced. Set networkPolicy to "cilium" (with networkDataplane "cilium").'],
        },
    ],
    "azure-aks-cluster-require-kms-encryption": [
        {
            mode: "KMS not configured",
            edit: (s) => delete spec(s, "az-aks").inputs.securityProfile.azureKeyVaultKms,
            expected: ["az-aks: securityProfile.azureKeyVaultKms is not enabled with a keyId, so Kubernetes secrets in etcd are encrypted with platform keys only. Enable azureKeyVaultKms with a Key Vault key (keyId)."],
        },
        {
            mode: "KMS enabled without a key",
            edit: (s) => delete spec(s, "az-aks").inputs.securityProfile.azureKeyVaultKms.keyId,
            expected: ["az-aks: securityProfile.azureKeyVaultKms is not enabled with a keyId, so Kubernetes secrets in etcd are encrypted with platform keys only. Enable azureKeyVaultKms with a Key Vault key (keyId)."],
        },
    ],
    "azure-aks-cluster-require-workload-identity": [
        {
            mode: "no OIDC issuer",
            edit: (s) => delete spec(s, "az-aks").inputs.oidcIssuerProfile,
            expected: ["az-aks: oidcIssuerProfile.enabled is not true, so service accounts cannot federate with Entra ID. Set oidcIssuerProfile { enabled: true }."],
        },
        {
            mode: "workload identity off",
            edit: (s) => (spec(s, "az-aks").inputs.securityProfile.workloadIdentity = { enabled: false }),
            expected: ["az-aks: securityProfile.workloadIdentity.enabled is not true, so pods would need stored credentials for Azure APIs. Set securityProfile.workloadIdentity { enabled: true }."],
        },
    ],
    "azure-aks-cluster-require-auto-upgrade": [
        {
            mode: "no upgrade channel",
            edit: (s) => (spec(s, "az-aks").inputs.autoUpgradeProfile = { upgradeChannel: "none", nodeOSUpgradeChannel: "NodeImage" }),
            expected: ['az-aks: autoUpgradeProfile.upgradeChannel is "none", so security patches wait for a manual upgrade. Set upgradeChannel to "patch" (or "stable").'],
        },
        {
            mode: "node images unmanaged",
            edit: (s) => (spec(s, "az-aks").inputs.autoUpgradeProfile = { upgradeChannel: "patch", nodeOSUpgradeChannel: "Unmanaged" }),
            expected: ['az-aks: autoUpgradeProfile.nodeOSUpgradeChannel is "Unmanaged", so node images are not patched. Set nodeOSUpgradeChannel to "NodeImage" (or "SecurityPatch").'],
        },
    ],
    "azure-keyvault-vault-require-purge-protection": [
        {
            mode: "purge protection off",
            edit: (s) => delete spec(s, "az-kv").inputs.properties.enablePurgeProtection,
            expected: ["az-kv: properties.enablePurgeProtection is unset, so deleted keys can be purged before their retention ends. Set enablePurgeProtection: true."],
        },
        {
            mode: "soft delete off",
            edit: (s) => (spec(s, "az-kv").inputs.properties.enableSoftDelete = false),
            expected: ["az-kv: properties.enableSoftDelete is false, so a deleted vault is gone at once. Remove enableSoftDelete: false."],
        },
    ],
    "azure-keyvault-vault-require-rbac-authorization": [
        {
            mode: "access policies instead of RBAC",
            edit: (s) => {
                spec(s, "az-kv").inputs.properties.enableRbacAuthorization = false;
                spec(s, "az-kv").inputs.properties.accessPolicies = [{ objectId: "x", tenantId: "y", permissions: { keys: ["all"] } }];
            },
            expected: [
                "az-kv: properties.enableRbacAuthorization is false, so access is granted vault-wide by access policies. Set enableRbacAuthorization: true and grant roles on single keys and secrets.",
                "az-kv: properties.accessPolicies lists 1 entry. Remove them: with RBAC authorization, rights are role assignments.",
            ],
        },
    ],
    "azure-storage-account-disallow-public-access": [
        {
            mode: "anonymous blob access allowed",
            edit: (s) => delete spec(s, "az-snapshots").inputs.allowBlobPublicAccess,
            expected: ["az-snapshots: allowBlobPublicAccess is unset, so a container can be made anonymously readable. Set allowBlobPublicAccess: false."],
        },
        {
            mode: "network open by default",
            edit: (s) => (spec(s, "az-flow-storage").inputs.networkRuleSet = { defaultAction: "Allow" }),
            expected: [
                'az-flow-storage: networkRuleSet.defaultAction is "Allow", so any network may reach the account. Set networkRuleSet { defaultAction: "Deny" } and allow the subnets (and trusted Azure services) that need it.',
            ],
        },
    ],
    "azure-storage-account-require-secure-transport": [
        {
            mode: "TLS 1.0 allowed",
            edit: (s) => (spec(s, "az-snapshots").inputs.minimumTlsVersion = "TLS1_0"),
            expected: ['az-snapshots: minimumTlsVersion is "TLS1_0". Set minimumTlsVersion: "TLS1_2" (or newer).'],
        },
        {
            mode: "plain HTTP allowed",
            edit: (s) => (spec(s, "az-flow-storage").inputs.enableHttpsTrafficOnly = false),
            expected: ["az-flow-storage: enableHttpsTrafficOnly is false, so data can travel over plain HTTP. Remove it or set it to true."],
        },
    ],
    "azure-storage-blobcontainer-disallow-public-access": [
        {
            mode: "anonymous container",
            edit: (s) => (spec(s, "az-snapshots-container").inputs.publicAccess = "Container"),
            expected: ['az-snapshots-container: publicAccess is "Container", so anyone with the URL can read its blobs. Set publicAccess: "None".'],
        },
    ],
    "azure-compute-disk-require-encryption": [
        {
            mode: "platform key where the environment requires a customer key",
            edit: (s) => (spec(s, "az-vault-data").inputs.encryption = { type: "EncryptionAtRestWithPlatformKey" }),
            config: { requireCustomerKey: true },
            expected: ['az-vault-data: encryption.type is "EncryptionAtRestWithPlatformKey", but this environment requires a customer-managed key. Set encryption { type: "EncryptionAtRestWithCustomerKey", diskEncryptionSetId }.'],
        },
        {
            mode: "VM OS disk without the disk encryption set where required",
            edit: (s) => delete spec(s, "az-bastion-vm").inputs.storageProfile.osDisk.managedDisk.diskEncryptionSet,
            config: { requireCustomerKey: true },
            expected: ["az-bastion-vm: storageProfile.osDisk.managedDisk.diskEncryptionSet is unset, but this environment requires a customer-managed key. Set it to the stack's disk encryption set."],
        },
        {
            mode: "an unknown encryption type",
            edit: (s) => (spec(s, "az-vault-data").inputs.encryption = { type: "None" }),
            expected: ['az-vault-data: encryption.type is "None". Use EncryptionAtRestWithCustomerKey (with a disk encryption set) or EncryptionAtRestWithPlatformKey.'],
        },
    ],
    "azure-compute-vm-require-trusted-launch": [
        {
            mode: "standard security type",
            edit: (s) => (spec(s, "az-vault-vm").inputs.securityProfile = { securityType: "Standard" }),
            expected: [
                'az-vault-vm: securityProfile.securityType is "Standard". Set securityType: "TrustedLaunch" (on a Gen2 image).',
                "az-vault-vm: securityProfile.uefiSettings.secureBootEnabled is unset. Set it to true.",
                "az-vault-vm: securityProfile.uefiSettings.vTpmEnabled is unset. Set it to true.",
            ],
        },
        {
            mode: "trusted launch without secure boot",
            edit: (s) => (spec(s, "az-bastion-vm").inputs.securityProfile.uefiSettings.secureBootEnabled = false),
            expected: ["az-bastion-vm: securityProfile.uefiSettings.secureBootEnabled is false. Set it to true."],
        },
    ],
    "azure-compute-vm-disallow-password-auth": [
        {
            mode: "password authentication on",
            edit: (s) => (spec(s, "az-bastion-vm").inputs.osProfile.linuxConfiguration.disablePasswordAuthentication = false),
            expected: ["az-bastion-vm: osProfile.linuxConfiguration.disablePasswordAuthentication is false. Set it to true and log in with SSH keys."],
        },
        {
            mode: "an admin password",
            edit: (s) => (spec(s, "az-vault-vm").inputs.osProfile.adminPassword = "hunter2"),
            expected: ["az-vault-vm: osProfile.adminPassword is set. Remove it: VMs are reached with SSH keys through the bastion."],
        },
    ],
    "azure-recoveryservices-protecteditem-require-tool-vm-coverage": [
        {
            mode: "tool VM without a protected item",
            edit: (s) => remove(s, "az-vault-backup"),
            expected: [
                'az-vault-vm: azure-native:compute:VirtualMachine "az-vault-vm" (role vault) is not backed up: no recoveryservices.ProtectedItem names it as sourceResourceId. Protect it with the stack\'s daily policy.',
            ],
        },
        {
            mode: "protected item pointing at another VM",
            edit: (s) => replace(s, "az-vault-backup", { deps: ["az-rsv", "az-daily", "az-bastion-vm"] }),
            expected: [
                'az-vault-vm: azure-native:compute:VirtualMachine "az-vault-vm" (role vault) is not backed up: no recoveryservices.ProtectedItem names it as sourceResourceId. Protect it with the stack\'s daily policy.',
            ],
        },
    ],
    "azure-recoveryservices-policy-require-retention": [
        {
            mode: "retention below the environment's minimum",
            edit: (s) => (spec(s, "az-daily").inputs.properties.retentionPolicy.dailySchedule.retentionDuration.count = 7),
            config: { minimumDays: 35 },
            expected: ["az-daily: daily recovery points are kept 7 days, below this environment's minimum of 35. Raise retentionDuration.count to at least 35."],
        },
        {
            mode: "weekly schedule and retention in weeks",
            edit: (s) => {
                spec(s, "az-daily").inputs.properties.schedulePolicy.scheduleRunFrequency = "Weekly";
                spec(s, "az-daily").inputs.properties.retentionPolicy.dailySchedule.retentionDuration = { count: 4, durationType: "Weeks" };
            },
            expected: [
                'az-daily: properties.schedulePolicy.scheduleRunFrequency is "Weekly". Back up at least daily.',
                'az-daily: properties.retentionPolicy.dailySchedule.retentionDuration is 4 "Weeks". Keep daily recovery points for at least 7 Days.',
            ],
        },
    ],
    "azure-authorization-roleassignment-restrict-scope": [
        {
            mode: "a role at subscription scope",
            edit: (s) => (spec(s, "az-vault-reads-enrollment").inputs.scope = "/subscriptions/00000000-0000-4000-8000-00000000a2e1"),
            expected: ["az-vault-reads-enrollment: assigns role 4633458b-17de-408a-b874-0445c86b69e6 at the scope of subscription 00000000-0000-4000-8000-00000000a2e1, which reaches every resource in it. Assign it on the resource group or the resource that needs it."],
        },
        {
            mode: "Owner at management-group scope",
            edit: (s) =>
                Object.assign(spec(s, "az-vault-reads-enrollment").inputs, {
                    scope: "/providers/Microsoft.Management/managementGroups/platform",
                    roleDefinitionId: "/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
                }),
            expected: ["az-vault-reads-enrollment: assigns Owner at the scope of management group platform, which reaches every resource in it. Assign it on the resource group or the resource that needs it."],
        },
        {
            mode: "Contributor on the resource group",
            edit: (s) =>
                Object.assign(spec(s, "az-vault-reads-enrollment").inputs, {
                    scope: "/subscriptions/00000000-0000-4000-8000-00000000a2e1/resourceGroups/plat-rg",
                    roleDefinitionId: "/subscriptions/00000000-0000-4000-8000-00000000a2e1/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c",
                }),
            expected: ["az-vault-reads-enrollment: assigns the privileged administrator role Contributor on resource group plat-rg. Assign a narrower role on the resource that needs it."],
        },
    ],
};
