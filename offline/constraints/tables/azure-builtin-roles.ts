/**
 * Azure built-in role definitions: name -> id, every row with its source. Independent of
 * components/azure (a test compares the components' role ids to this table by role NAME, never
 * to a copy of the ids), and the catalogue refuses any role assignment whose definition id is
 * neither here nor a custom role defined in the same stack.
 *
 * Sources, read 2026 for this table:
 * - DOC: "Azure built-in roles" (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles;
 *   MicrosoftDocs/azure-docs articles/role-based-access-control/built-in-roles.md, ms.date 2026-04-09),
 *   the ID column of its per-category tables (anchor per row below);
 * - CLI: `az role definition list` output as published by iann0036/iam-dataset
 *   (azure/built-in-roles-raw.json, snapshot 2026-08-22), matched by roleName. Every row agrees.
 * Ids are the same in every subscription and tenant (the role definition's `name`).
 */
const DOC = "https://learn.microsoft.com/azure/role-based-access-control/built-in-roles";

export interface AzureBuiltInRole {
    readonly name: string;
    readonly id: string;
    readonly source: string;
}

const row = (name: string, id: string, category: string): AzureBuiltInRole => ({
    name,
    id,
    source: `${DOC}/${category}#${name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/-+$/, "")}`,
});

export const AZURE_BUILTIN_ROLES: readonly AzureBuiltInRole[] = [
    row("Owner", "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "privileged"),
    row("Contributor", "b24988ac-6180-42a0-ab88-20f7382dd24c", "privileged"),
    row("User Access Administrator", "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", "privileged"),
    row("Role Based Access Control Administrator", "f58310d9-a9f6-439a-9e8d-f62e7b41a168", "privileged"),
    row("Reader", "acdd72a7-3385-48ef-bd42-f606fba81ae7", "general"),
    row("Virtual Machine Contributor", "9980e02c-c2be-4d73-94e8-173b1dc7cf3c", "compute"),
    row("Virtual Machine Administrator Login", "1c0163c0-47e6-4577-8991-ea5c82e286e4", "compute"),
    row("Virtual Machine User Login", "fb879df8-f326-4884-b1cf-06f3ad86be52", "compute"),
    row("Disk Backup Reader", "3e5e47e6-65f7-47ef-90b5-e5dd4d455f24", "compute"),
    row("Network Contributor", "4d97b98b-1d4f-4787-a291-c67834d212e7", "networking"),
    row("Private DNS Zone Contributor", "b12aa53e-6015-4669-85d0-8515ebb3ae7f", "networking"),
    row("Backup Contributor", "5e467623-bb1f-42f4-a55d-6e525e11384b", "storage"),
    row("Storage Account Contributor", "17d1049b-9a84-46fb-8f53-869881c3d3ab", "storage"),
    row("Storage Blob Data Contributor", "ba92f5b4-2d11-453d-a403-e96b0029c9fe", "storage"),
    row("Storage Blob Data Owner", "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", "storage"),
    row("Storage Blob Data Reader", "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1", "storage"),
    row("Azure Kubernetes Service Cluster Admin Role", "0ab0b1a8-8aac-4efd-b8c2-3ee1fb270be8", "containers"),
    row("Azure Kubernetes Service Cluster User Role", "4abbcc35-e782-43d8-92c5-2d3f1bd2253f", "containers"),
    row("Azure Kubernetes Service RBAC Admin", "3498e952-d568-435e-9b2c-8d77e338d7f7", "containers"),
    row("Azure Kubernetes Service RBAC Cluster Admin", "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b", "containers"),
    row("Azure Kubernetes Service RBAC Reader", "7f6c6a51-bcf8-42ba-9220-52d62157d7db", "containers"),
    row("Azure Kubernetes Service RBAC Writer", "a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb", "containers"),
    row("Managed Identity Operator", "f1a07417-d97a-45cb-824c-7a7467783830", "identity"),
    row("Key Vault Administrator", "00482a5a-887f-4fb3-b363-3b7fe8e74483", "security"),
    row("Key Vault Crypto Officer", "14b46e9e-c2b7-41b4-b07b-48a6ebf60603", "security"),
    row("Key Vault Crypto Service Encryption User", "e147488a-f6f5-4113-8e2d-b22465e65bf6", "security"),
    row("Key Vault Crypto User", "12338af0-0e69-4776-bea7-57ae8d297424", "security"),
    row("Key Vault Reader", "21090545-7ca7-4776-b22c-e363652d74d2", "security"),
    row("Key Vault Secrets Officer", "b86a8fe4-44ce-4948-aee5-eccb2c155cd7", "security"),
    row("Key Vault Secrets User", "4633458b-17de-408a-b874-0445c86b69e6", "security"),
    row("Monitoring Metrics Publisher", "3913510d-42f4-4e42-8a64-420c390055eb", "monitor"),
    row("Log Analytics Contributor", "92aaf0da-9dab-42b6-94a3-d43ce8d16293", "monitor"),
];

/** The built-in role with this id (lowercase GUID), if any. */
export function builtInRoleById(id: string): AzureBuiltInRole | undefined {
    return AZURE_BUILTIN_ROLES.find((r) => r.id === id.toLowerCase());
}

export function builtInRoleByName(name: string): AzureBuiltInRole | undefined {
    return AZURE_BUILTIN_ROLES.find((r) => r.name === name);
}
