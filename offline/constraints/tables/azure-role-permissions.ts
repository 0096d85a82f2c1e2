/**
 * What some Azure built-in roles may do: their Actions / NotActions / DataActions /
 * NotDataActions, verbatim, for the rules that ask "does this principal hold a role that
 * carries action X at that scope?" (the AKS cluster identity's join rights on an application
 * security group, read on a disk encryption set, ...). Independent of components/azure: the
 * components name roles; this table says what a role grants.
 *
 * Source: `az role definition list` output as published by iann0036/iam-dataset
 * (azure/built-in-roles-raw.json, snapshot 2026-08-22, commit 2073fa52ac008a45477aa0b1b4580cd99135bf60),
 * the same source offline/constraints/tables/azure-builtin-roles.ts matches its ids against;
 * each role's page in Microsoft's list (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles)
 * shows the same permission blocks. In that snapshot, the only built-in roles whose Actions
 * match Microsoft.Network/applicationSecurityGroups/joinIpConfiguration/action are Owner,
 * Contributor and Network Contributor.
 */
import { builtInRoleByName } from "./azure-builtin-roles";

export interface AzureRolePermissions {
    readonly name: string;
    readonly id: string;
    readonly actions: readonly string[];
    readonly notActions: readonly string[];
    readonly dataActions: readonly string[];
    readonly notDataActions: readonly string[];
}

function perms(name: string, actions: string[], notActions: string[], dataActions: string[], notDataActions: string[]): AzureRolePermissions {
    const row = builtInRoleByName(name);
    if (!row) {
        throw new Error(`azure-role-permissions: ${name} has no row in azure-builtin-roles.ts`);
    }
    return { name, id: row.id, actions, notActions, dataActions, notDataActions };
}

export const AZURE_ROLE_PERMISSIONS: readonly AzureRolePermissions[] = [
    perms("Owner", ["*"], [], [], []),
    perms("Contributor", ["*"], ["Microsoft.Authorization/*/Delete","Microsoft.Authorization/*/Write","Microsoft.Authorization/elevateAccess/Action","Microsoft.Blueprint/blueprintAssignments/write","Microsoft.Blueprint/blueprintAssignments/delete","Microsoft.Compute/galleries/share/action","Microsoft.Purview/consents/write","Microsoft.Purview/consents/delete","Microsoft.Resources/deploymentStacks/manageDenySetting/action","Microsoft.Subscription/cancel/action","Microsoft.Subscription/enable/action"], [], []),
    perms("Reader", ["*/read"], [], [], []),
    perms("Network Contributor", ["Microsoft.Authorization/*/read","Microsoft.Insights/alertRules/*","Microsoft.Network/*","Microsoft.ResourceHealth/availabilityStatuses/read","Microsoft.Resources/deployments/*","Microsoft.Resources/subscriptions/resourceGroups/read","Microsoft.Support/*"], [], [], []),
    perms("Virtual Machine Contributor", ["Microsoft.Authorization/*/read","Microsoft.Compute/availabilitySets/*","Microsoft.Compute/locations/*","Microsoft.Compute/virtualMachines/*","Microsoft.Compute/virtualMachineScaleSets/*","Microsoft.Compute/cloudServices/*","Microsoft.Compute/disks/write","Microsoft.Compute/disks/read","Microsoft.Compute/disks/delete","Microsoft.Compute/hostgroups/write","Microsoft.Compute/hostgroups/hosts/write","Microsoft.DevTestLab/schedules/*","Microsoft.Insights/alertRules/*","Microsoft.Network/applicationGateways/backendAddressPools/join/action","Microsoft.Network/loadBalancers/backendAddressPools/join/action","Microsoft.Network/loadBalancers/inboundNatPools/join/action","Microsoft.Network/loadBalancers/inboundNatRules/join/action","Microsoft.Network/loadBalancers/probes/join/action","Microsoft.Network/loadBalancers/read","Microsoft.Network/locations/*","Microsoft.Network/networkInterfaces/*","Microsoft.Network/networkSecurityGroups/join/action","Microsoft.Network/networkSecurityGroups/read","Microsoft.Network/publicIPAddresses/join/action","Microsoft.Network/publicIPAddresses/read","Microsoft.Network/virtualNetworks/read","Microsoft.Network/virtualNetworks/subnets/join/action","Microsoft.RecoveryServices/locations/*","Microsoft.RecoveryServices/Vaults/backupFabrics/backupProtectionIntent/write","Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/*/read","Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/read","Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/write","Microsoft.RecoveryServices/Vaults/backupPolicies/read","Microsoft.RecoveryServices/Vaults/backupPolicies/write","Microsoft.RecoveryServices/Vaults/read","Microsoft.RecoveryServices/Vaults/usages/read","Microsoft.RecoveryServices/Vaults/write","Microsoft.ResourceHealth/availabilityStatuses/read","Microsoft.Resources/deployments/*","Microsoft.Resources/subscriptions/resourceGroups/read","Microsoft.SerialConsole/serialPorts/connect/action","Microsoft.SqlVirtualMachine/*","Microsoft.Storage/storageAccounts/listKeys/action","Microsoft.Storage/storageAccounts/read","Microsoft.Support/*"], [], [], []),
    perms("Key Vault Administrator", ["Microsoft.Authorization/*/read","Microsoft.Insights/alertRules/*","Microsoft.Resources/deployments/*","Microsoft.Resources/subscriptions/resourceGroups/read","Microsoft.Support/*","Microsoft.KeyVault/checkNameAvailability/read","Microsoft.KeyVault/deletedVaults/read","Microsoft.KeyVault/locations/*/read","Microsoft.KeyVault/vaults/*/read","Microsoft.KeyVault/operations/read"], [], ["Microsoft.KeyVault/vaults/*"], []),
    perms("Key Vault Crypto Officer", ["Microsoft.Authorization/*/read","Microsoft.Insights/alertRules/*","Microsoft.Resources/deployments/*","Microsoft.Resources/subscriptions/resourceGroups/read","Microsoft.Support/*","Microsoft.KeyVault/checkNameAvailability/read","Microsoft.KeyVault/deletedVaults/read","Microsoft.KeyVault/locations/*/read","Microsoft.KeyVault/vaults/*/read","Microsoft.KeyVault/operations/read"], [], ["Microsoft.KeyVault/vaults/keys/*","Microsoft.KeyVault/vaults/keyrotationpolicies/*"], []),
    perms("Key Vault Crypto User", [], [], ["Microsoft.KeyVault/vaults/keys/read","Microsoft.KeyVault/vaults/keys/update/action","Microsoft.KeyVault/vaults/keys/backup/action","Microsoft.KeyVault/vaults/keys/encrypt/action","Microsoft.KeyVault/vaults/keys/decrypt/action","Microsoft.KeyVault/vaults/keys/wrap/action","Microsoft.KeyVault/vaults/keys/unwrap/action","Microsoft.KeyVault/vaults/keys/sign/action","Microsoft.KeyVault/vaults/keys/verify/action"], []),
    perms("Key Vault Crypto Service Encryption User", ["Microsoft.EventGrid/eventSubscriptions/write","Microsoft.EventGrid/eventSubscriptions/read","Microsoft.EventGrid/eventSubscriptions/delete"], [], ["Microsoft.KeyVault/vaults/keys/read","Microsoft.KeyVault/vaults/keys/wrap/action","Microsoft.KeyVault/vaults/keys/unwrap/action"], []),
    perms("Key Vault Secrets User", [], [], ["Microsoft.KeyVault/vaults/secrets/getSecret/action","Microsoft.KeyVault/vaults/secrets/readMetadata/action"], []),
    perms("Key Vault Reader", ["Microsoft.Authorization/*/read","Microsoft.Insights/alertRules/*","Microsoft.Resources/subscriptions/resourceGroups/read","Microsoft.Support/*","Microsoft.KeyVault/checkNameAvailability/read","Microsoft.KeyVault/deletedVaults/read","Microsoft.KeyVault/locations/*/read","Microsoft.KeyVault/vaults/*/read","Microsoft.KeyVault/operations/read"], [], ["Microsoft.KeyVault/vaults/*/read","Microsoft.KeyVault/vaults/secrets/readMetadata/action"], []),
    perms("Storage Blob Data Contributor", ["Microsoft.Storage/storageAccounts/blobServices/containers/delete","Microsoft.Storage/storageAccounts/blobServices/containers/read","Microsoft.Storage/storageAccounts/blobServices/containers/write","Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action"], [], ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete","Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read","Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write","Microsoft.Storage/storageAccounts/blobServices/containers/blobs/move/action","Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action"], []),
    perms("Azure Kubernetes Service RBAC Cluster Admin", ["Microsoft.Authorization/*/read","Microsoft.Resources/subscriptions/operationresults/read","Microsoft.Resources/subscriptions/read","Microsoft.Resources/subscriptions/resourceGroups/read","Microsoft.ContainerService/managedClusters/listClusterUserCredential/action"], [], ["Microsoft.ContainerService/managedClusters/*"], []),
    perms("Azure Kubernetes Service Cluster User Role", ["Microsoft.ContainerService/managedClusters/listClusterUserCredential/action","Microsoft.ContainerService/managedClusters/read"], [], [], []),
];

/** Azure's wildcard match of an operation against a permission pattern (case-insensitive, `*` any run of characters). */
export function operationMatches(pattern: string, operation: string): boolean {
    const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`, "i");
    return re.test(operation);
}

/**
 * Whether the built-in role with this id grants `operation` (a control-plane action, or a data
 * action with `data: true`): some Actions pattern matches and no NotActions pattern does.
 * Undefined for a role this table does not know (the caller reports it as unverifiable).
 */
export function roleGrants(roleId: string, operation: string, data = false): boolean | undefined {
    const role = AZURE_ROLE_PERMISSIONS.find((r) => r.id === roleId.toLowerCase());
    if (!role) {
        return undefined;
    }
    const [allow, deny] = data ? [role.dataActions, role.notDataActions] : [role.actions, role.notActions];
    return allow.some((p) => operationMatches(p, operation)) && !deny.some((p) => operationMatches(p, operation));
}
