/**
 * Shared helpers for the Azure tests: each shipped Azure stack runs ONCE per mocha process
 * (memoised), however many files read its graph.
 */
import { byName, CapturedResource, ofType, ResourceGraph } from "../../offline/graph";
import { MOCK_AZURE_DEPLOYER_OBJECT_ID } from "../../offline/mocks-azure";

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

/** Built-in role GUID -> readable name (as used in the assertions). */
export const ROLE_NAMES: Readonly<Record<string, string>> = {
    "12338af0-0e69-4776-bea7-57ae8d297424": "Key Vault Crypto User",
    "e147488a-f6f5-4113-8e2d-b22465e65bf6": "Key Vault Crypto Service Encryption User",
    "4633458b-17de-408a-b874-0445c86b69e6": "Key Vault Secrets User",
    "00482a5a-887f-4fb3-b363-3b7ba9e71c21": "Key Vault Administrator",
    "ba92f5b4-2d11-453d-a403-e96b0029c9fe": "Storage Blob Data Contributor",
    "4d97b98b-1d4f-4787-a291-c67834d212e7": "Network Contributor",
    "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b": "Azure Kubernetes Service RBAC Cluster Admin",
};

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
