/**
 * Shared helpers for the Azure tests: each shipped Azure stack runs ONCE per mocha process
 * (memoised), however many files read its graph.
 */
import { byName, CapturedResource, ofType, ResourceGraph } from "../../offline/graph";
import { MOCK_AZURE_DEPLOYER_OBJECT_ID } from "../../offline/mocks-azure";
import { BUILT_IN_ROLE_NAMES } from "../../components/azure/common";
import { AZURE_BUILTIN_ROLES } from "../../offline/constraints/tables/azure-builtin-roles";

export { graphOf, inClusterGraphOf, variantOf } from "../support/graphs";

export const T = {
    rg: "azure-native:resources:ResourceGroup",
    lock: "azure-native:authorization:ManagementLockAtResourceGroupLevel",
    role: "azure-native:authorization:RoleAssignment",
    asg: "azure-native:network:ApplicationSecurityGroup",
    nsg: "azure-native:network:NetworkSecurityGroup",
    vnet: "azure-native:network:VirtualNetwork",
    subnet: "azure-native:network:Subnet",
    pip: "azure-native:network:PublicIPAddress",
    nat: "azure-native:network:NatGateway",
    nic: "azure-native:network:NetworkInterface",
    flowLog: "azure-native:network:FlowLog",
    storage: "azure-native:storage:StorageAccount",
    blobService: "azure-native:storage:BlobServiceProperties",
    container: "azure-native:storage:BlobContainer",
    keyVault: "azure-native:keyvault:Vault",
    key: "azure-native:keyvault:Key",
    secret: "azure-native:keyvault:Secret",
    des: "azure-native:compute:DiskEncryptionSet",
    disk: "azure-native:compute:Disk",
    vm: "azure-native:compute:VirtualMachine",
    uami: "azure-native:managedidentity:UserAssignedIdentity",
    aks: "azure-native:containerservice:ManagedCluster",
    agentPool: "azure-native:containerservice:AgentPool",
    rsv: "azure-native:recoveryservices:Vault",
    policy: "azure-native:recoveryservices:ProtectionPolicy",
    item: "azure-native:recoveryservices:ProtectedItem",
    workspace: "azure-native:operationalinsights:Workspace",
    diagnostics: "azure-native:monitor:DiagnosticSetting",
    sleep: "time:index/sleep:Sleep",
} as const;

export { byName, ofType };

/** The resource whose ARM id is `id`. */
export function byId(graph: ResourceGraph, id: unknown): CapturedResource | undefined {
    return graph.resources.find((r) => r.custom && r.id === id);
}

/** The logical name of the resource with ARM id `id` (for readable assertions). */
export function nameOfId(graph: ResourceGraph, id: unknown): string {
    const r = byId(graph, id);
    if (!r) {
        throw new Error(`no resource with id ${String(id)}`);
    }
    return r.name;
}

/**
 * Built-in role GUID -> readable name of the roles the platform assigns (components/azure/common.ts
 * BUILT_IN_ROLE_NAMES), ids from the catalogue's independent table, never a copy of the
 * components' ids: a wrong id there shows up here as a bare GUID and in the catalogue as
 * azure-role-definition-builtin.
 */
export const ROLE_NAMES: Readonly<Record<string, string>> = Object.fromEntries(
    AZURE_BUILTIN_ROLES.filter((r) => (Object.values(BUILT_IN_ROLE_NAMES) as string[]).includes(r.name)).map((r) => [r.id, r.name]),
);

/** Built-in role name -> id, from the catalogue's independent table (never the components' copy). */
export const ROLE_ID: Readonly<Record<string, string>> = Object.fromEntries(AZURE_BUILTIN_ROLES.map((r) => [r.name, r.id]));

/** Every role assignment as `<role> on <scope resource name> to <principal>`. */
export function roleAssignments(graph: ResourceGraph): string[] {
    const principalName = (id: unknown): string => {
        if (id === MOCK_AZURE_DEPLOYER_OBJECT_ID) {
            return "deployer";
        }
        const owner = graph.resources.find((r) => r.custom && r.type !== T.role && (r.state.principalId === id || (r.state.identity as { principalId?: string } | undefined)?.principalId === id));
        return owner ? owner.name : `object:${String(id)}`;
    };
    return ofType(graph, T.role)
        .map((r) => {
            const guid = String(r.inputs.roleDefinitionId).split("/").pop()!;
            return `${ROLE_NAMES[guid] ?? guid} on ${nameOfId(graph, r.inputs.scope)} to ${principalName(r.inputs.principalId)}`;
        })
        .sort();
}
