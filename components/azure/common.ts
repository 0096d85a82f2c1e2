/**
 * What every Azure component shares: where it lives (subscription, tenant, location, resource
 * group), the stack's tags and role-assignment helpers.
 *
 * azure-native has no provider-level default tags, so every taggable resource gets
 * `tagsFor(...)` explicitly (tests/stacks/tags.test.ts finds each taggable type from the SDK
 * and checks the required keys).
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";
import { resourceName } from "../naming";
import { stableGuid } from "./naming";

export interface AzureContext {
    /** Physical-name prefix (`<project>-<env>-azure`). */
    readonly prefix: string;
    readonly subscriptionId: string;
    /** Entra ID tenant (Key Vault, AKS Entra integration, Vault's seal). */
    readonly tenantId: string;
    /** Object id of the principal running `pulumi up` (data-plane and cluster admin rights). */
    readonly deployerObjectId: string;
    /** Its kind (config `azureDeployerPrincipalType`): every grant to it names it. */
    readonly deployerPrincipalType: "User" | "ServicePrincipal";
    readonly location: string;
    /** The platform's resource group. */
    readonly resourceGroupName: pulumi.Input<string>;
    /** The stack's common tags (project, environment, cloud, owner, cost-center, managed-by, ...). */
    readonly tags: Readonly<Record<string, string>>;
    /** Prod: protect stateful resources. */
    readonly protect: boolean;
}

/**
 * The platform's resource group name: one function, so what names the group and what only refers
 * to it by name (the Jenkins VM's cluster look-up) never drift apart.
 */
export function platformResourceGroupName(prefix: string): string {
    return resourceName(prefix, "rg");
}

/** The common tags plus the console `Name` (and identifying extras such as `role`). */
export function tagsFor(ctx: Pick<AzureContext, "tags">, name: string, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
    return { ...ctx.tags, Name: name, ...extra };
}

/**
 * Built-in role definitions used here. Ids are the same in every subscription; each comes from
 * Microsoft's list of built-in roles (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles,
 * the ID column; anchor per role below). tests/offline/constraints-components.test.ts compares
 * every id here, by role NAME, to the independent table offline/constraints/tables/azure-builtin-roles.ts,
 * and the constraint catalogue refuses any assignment of an id that is not a built-in role.
 */
export const BUILT_IN_ROLES = {
    /** "Key Vault Crypto User" (built-in-roles/security#key-vault-crypto-user): encrypt/decrypt/wrap/unwrap with keys: Vault's seal, AKS KMS. */
    keyVaultCryptoUser: "12338af0-0e69-4776-bea7-57ae8d297424",
    /** "Key Vault Crypto Service Encryption User" (built-in-roles/security#key-vault-crypto-service-encryption-user): wrap/unwrap for service encryption (disk encryption sets). */
    keyVaultCryptoServiceEncryptionUser: "e147488a-f6f5-4113-8e2d-b22465e65bf6",
    /** "Key Vault Secrets User" (built-in-roles/security#key-vault-secrets-user): read secret values: the Wazuh enrollment password. */
    keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
    /** "Key Vault Administrator" (built-in-roles/security#key-vault-administrator): all data-plane operations on a vault: the deployer, which creates keys and secrets. */
    keyVaultAdministrator: "00482a5a-887f-4fb3-b363-3b7fe8e74483",
    /** "Storage Blob Data Contributor" (built-in-roles/storage#storage-blob-data-contributor): read/write/delete blobs: Vault's snapshot container only. */
    storageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    /**
     * "Network Contributor" (built-in-roles/networking#network-contributor): join and manage the
     * subnet (AKS's cluster identity on the nodes and API server subnets, as AKS's pages grant it).
     * It is also the least built-in role carrying
     * Microsoft.Network/applicationSecurityGroups/joinIpConfiguration/action
     * (offline/constraints/tables/azure-role-permissions.ts), but no pool joins an ASG: AKS would not
     * attach it (firewall.ts sourceOf), so the cluster identity holds nothing on any ASG.
     */
    networkContributor: "4d97b98b-1d4f-4787-a291-c67834d212e7",
    /**
     * "Reader" (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/general#reader): read access; the AKS cluster identity on the disk
     * encryption set ("the AKS cluster identity has read access to the DiskEncryptionSet",
     * learn.microsoft.com/azure/aks/azure-disk-customer-managed-keys).
     */
    reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    /** "Azure Kubernetes Service RBAC Cluster Admin" (built-in-roles/containers#azure-kubernetes-service-rbac-cluster-admin): cluster-admin through Azure RBAC for Kubernetes. */
    aksRbacClusterAdmin: "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
    /**
     * listClusterUserCredential only (fetch the kubeconfig; no Kubernetes rights): the PR-namespace
     * automation, whose rights are Kubernetes RBAC on its object id (the in-cluster layer's
     * pr-environments). learn.microsoft.com/azure/role-based-access-control/built-in-roles/containers
     */
    aksClusterUser: "4abbcc35-e782-43d8-92c5-2d3f1bd2253f",
} as const;

/** The built-in role NAME (as Microsoft lists it) of each key above: how tests find its independent row. */
export const BUILT_IN_ROLE_NAMES: Readonly<Record<keyof typeof BUILT_IN_ROLES, string>> = {
    keyVaultCryptoUser: "Key Vault Crypto User",
    keyVaultCryptoServiceEncryptionUser: "Key Vault Crypto Service Encryption User",
    keyVaultSecretsUser: "Key Vault Secrets User",
    keyVaultAdministrator: "Key Vault Administrator",
    storageBlobDataContributor: "Storage Blob Data Contributor",
    networkContributor: "Network Contributor",
    reader: "Reader",
    aksRbacClusterAdmin: "Azure Kubernetes Service RBAC Cluster Admin",
    aksClusterUser: "Azure Kubernetes Service Cluster User Role",
};
export type BuiltInRole = keyof typeof BUILT_IN_ROLES;

/** The full role definition id of a built-in role in a subscription. */
export function roleDefinitionId(subscriptionId: string, role: BuiltInRole): string {
    return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLES[role]}`;
}

/**
 * A role assignment's name: a GUID derived from what identifies the assignment, its scope,
 * principal and role definition ("a GUID that uses the scope, principal ID, and role ID
 * together", learn.microsoft.com/azure/azure-resource-manager/bicep/scenarios-rbac). Re-runs
 * keep it; a change of any of the three (another deployer, a replaced identity or scope) gives
 * a NEW name, so Pulumi's create-before-delete replacement never asks ARM for a second assignment
 * under the old name (RoleAssignmentUpdateNotPermitted / RoleAssignmentExists).
 */
export function roleAssignmentGuid(scope: string, principalId: string, roleDefinitionId: string): string {
    return stableGuid(`${scope.toLowerCase()}|${principalId.toLowerCase()}|${roleDefinitionId.toLowerCase()}`);
}

/**
 * A role assignment named by {@link roleAssignmentGuid}. `principalType` is required: it lets Azure skip waiting on directory replication
 * (learn.microsoft.com/azure/role-based-access-control/role-assignments-template),
 * and when absent azure-native sends "User", which ARM refuses for a service principal
 * (UnmatchedPrincipalType): the deployer's grants name `ctx.deployerPrincipalType`.
 */
export function roleAssignment(
    name: string,
    ctx: Pick<AzureContext, "subscriptionId" | "prefix">,
    args: { readonly scope: pulumi.Input<string>; readonly role: BuiltInRole; readonly principalId: pulumi.Input<string>; readonly principalType: "ServicePrincipal" | "User" | "Group" },
    opts: pulumi.CustomResourceOptions,
): authorization.RoleAssignment {
    return new authorization.RoleAssignment(
        name,
        {
            roleAssignmentName: pulumi.all([args.scope, args.principalId]).apply(([scope, principal]) => roleAssignmentGuid(scope, principal, roleDefinitionId(ctx.subscriptionId, args.role))),
            scope: args.scope,
            roleDefinitionId: roleDefinitionId(ctx.subscriptionId, args.role),
            principalId: args.principalId,
            principalType: args.principalType,
        },
        opts,
    );
}
