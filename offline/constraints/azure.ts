/**
 * Azure entries: what Azure Resource Manager and the resource providers refuse that
 * azure-native does not check. Rules come from Microsoft's docs and the REST API specs (the
 * same text azure-native ships as TSDoc, quoted where it is the source).
 */
import type { CapturedResource } from "../graph";
import { AZURE_REGIONS } from "../../components/config/regions";
import { input, lengthAndCharset, nameRule, offending, showChars, str } from "./helpers";
import { AZURE_BUILTIN_ROLES, builtInRoleById } from "./tables/azure-builtin-roles";
import type { Constraint, FixtureResource } from "./types";

const NAME_RULES = "https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules";
const AKS_SPOT = "https://learn.microsoft.com/azure/aks/spot-node-pool";

const PROVIDER = "pulumi:providers:azure-native";
const MANAGED_CLUSTER = "azure-native:containerservice:ManagedCluster";
const AGENT_POOL = "azure-native:containerservice:AgentPool";
const NSG = "azure-native:network:NetworkSecurityGroup";
const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";

/** Every azure-native type the platform registers that takes `tags`. */
const TAGGED_TYPES = [
    "azure-native:resources:ResourceGroup",
    "azure-native:compute:Disk",
    "azure-native:compute:DiskEncryptionSet",
    "azure-native:compute:VirtualMachine",
    "azure-native:containerservice:AgentPool",
    "azure-native:containerservice:ManagedCluster",
    "azure-native:keyvault:Key",
    "azure-native:keyvault:Secret",
    "azure-native:keyvault:Vault",
    "azure-native:managedidentity:UserAssignedIdentity",
    "azure-native:network:ApplicationSecurityGroup",
    "azure-native:network:FlowLog",
    "azure-native:network:NatGateway",
    "azure-native:network:NetworkInterface",
    "azure-native:network:NetworkSecurityGroup",
    "azure-native:network:PrivateEndpoint",
    "azure-native:network:PublicIPAddress",
    "azure-native:network:VirtualNetwork",
    "azure-native:privatedns:PrivateZone",
    "azure-native:privatedns:VirtualNetworkLink",
    "azure-native:recoveryservices:ProtectionPolicy",
    "azure-native:recoveryservices:Vault",
    "azure-native:storage:StorageAccount",
];

/** Resources placed in a region (`location`), checked against the region table. */
const LOCATED_TYPES = TAGGED_TYPES.filter((t) => !["azure-native:keyvault:Key", "azure-native:keyvault:Secret", AGENT_POOL, "azure-native:privatedns:PrivateZone", "azure-native:privatedns:VirtualNetworkLink", "azure-native:recoveryservices:ProtectionPolicy"].includes(t));

/** Every agent pool of a resource: the cluster's inline profiles or a separate AgentPool. */
function poolsOf(r: CapturedResource): { where: string; pool: Record<string, unknown>; inline: boolean }[] {
    if (r.type === MANAGED_CLUSTER) {
        return ((input(r, "agentPoolProfiles") as Record<string, unknown>[] | undefined) ?? []).map((pool, i) => ({ where: `agentPoolProfiles[${i}]`, pool, inline: true }));
    }
    return r.type === AGENT_POOL ? [{ where: "agent pool", pool: r.inputs as Record<string, unknown>, inline: false }] : [];
}
const poolName = (p: { pool: Record<string, unknown>; inline: boolean }) => (p.inline ? p.pool.name : p.pool.agentPoolName);

/** The NSG's inline security rules. */
function rulesOf(r: CapturedResource): Record<string, unknown>[] {
    return (input(r, "securityRules") as Record<string, unknown>[] | undefined) ?? [];
}

/** Azure's network resource names: alphanumerics, '_', '.', '-', starting alphanumeric, ending alphanumeric or '_'. */
const NETWORK_NAME = (min: number, max: number) =>
    lengthAndCharset(min, max, /^[A-Za-z0-9_.-]$/, "an Azure network resource name", (v) => (/^[A-Za-z0-9]/.test(v) && /[A-Za-z0-9_]$/.test(v) ? undefined : "must start with a letter or digit and end with a letter, digit or '_'"));

const cluster = (pools: Record<string, unknown>[], extra: Record<string, unknown> = {}): FixtureResource => ({ type: MANAGED_CLUSTER, name: "aks", inputs: { resourceName: "platform-dev-azure-aks", dnsPrefix: "platform-dev-azure-aks", agentPoolProfiles: pools, ...extra } });
const systemPool = { name: "system", mode: "System", scaleSetPriority: "Regular", upgradeSettings: { maxSurge: "33%" } };
const spotPool = (extra: Record<string, unknown> = {}): FixtureResource => ({ type: AGENT_POOL, name: "workload", inputs: { agentPoolName: "workload", mode: "User", scaleSetPriority: "Spot", scaleSetEvictionPolicy: "Delete", spotMaxPrice: -1, ...extra } });
const assignment = (roleId: string): FixtureResource => ({
    type: ROLE_ASSIGNMENT,
    name: "ra",
    inputs: { roleAssignmentName: "3f2b7c1e-1d2a-4c3b-9e8f-0a1b2c3d4e5f", principalId: "p", scope: "/subscriptions/s", roleDefinitionId: `/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/${roleId}` },
});
const nsg = (rules: Record<string, unknown>[]): FixtureResource => ({ type: NSG, name: "nsg", inputs: { networkSecurityGroupName: "platform-dev-azure-nsg-tools", securityRules: rules } });
const nsgRule = (name: string, priority: number, extra: Record<string, unknown> = {}) => ({ name, priority, direction: "Inbound", access: "Allow", protocol: "Tcp", description: "vault-api from bastion", ...extra });

/** Tag names Azure refuses characters in, and the limits. */
const TAG_NAME_FORBIDDEN = /[<>%&\\?/]/;

export const AZURE_CONSTRAINTS: readonly Constraint[] = [
    {
        id: "azure-location-known",
        kind: "resource",
        cloud: "azure",
        service: "Azure Resource Manager",
        types: [PROVIDER, ...LOCATED_TYPES],
        rule: "A location is one of the Azure public cloud's regions (programmatic name, e.g. westeurope).",
        source: "https://learn.microsoft.com/azure/reliability/regions-list",
        check: (r) => {
            const loc = str(r, "location");
            return loc === undefined || loc === "global" || AZURE_REGIONS.some((x) => x.name === loc) ? [] : [`location ${JSON.stringify(loc)} is not an Azure region`];
        },
        examples: { pass: [{ title: "westeurope", resources: [{ type: PROVIDER, name: "p", inputs: { location: "westeurope" } }] }], fail: [{ title: "west-europe", resources: [{ type: PROVIDER, name: "p", inputs: { location: "west-europe" } }] }] },
    },
    {
        id: "azure-zones-need-zonal-region",
        kind: "resource",
        cloud: "azure",
        service: "Azure Resource Manager",
        types: ["azure-native:compute:VirtualMachine", "azure-native:compute:Disk", "azure-native:network:PublicIPAddress", MANAGED_CLUSTER, AGENT_POOL],
        rule: "Availability zones (zones / availabilityZones) can only be used in a region that has them.",
        source: "https://learn.microsoft.com/azure/reliability/regions-list",
        check: (r, ctx) => {
            const zones = [input(r, "zones"), input(r, "availabilityZones"), ...poolsOf(r).map((p) => p.pool.availabilityZones)].filter((z) => Array.isArray(z) && z.length > 0);
            const loc = str(r, "location") ?? (ctx.providerInputs(r).location as string | undefined);
            const region = AZURE_REGIONS.find((x) => x.name === loc);
            return zones.length > 0 && region && !region.zones ? [`uses availability zones in ${region.name}, a region without them`] : [];
        },
        examples: {
            pass: [{ title: "a zonal VM in westeurope", resources: [{ type: "azure-native:compute:VirtualMachine", name: "vm", inputs: { location: "westeurope", zones: ["1"] } }] }],
            fail: [{ title: "a zonal VM in northcentralus", resources: [{ type: "azure-native:compute:VirtualMachine", name: "vm", inputs: { location: "northcentralus", zones: ["1"] } }] }],
        },
    },
    {
        id: "azure-role-definition-builtin",
        kind: "graph",
        cloud: "azure",
        service: "Azure RBAC",
        types: [ROLE_ASSIGNMENT],
        rule: "A role assignment names an existing role definition: a built-in role's fixed id (from Microsoft's built-in roles list) or a custom role defined alongside it.",
        source: "https://learn.microsoft.com/azure/role-based-access-control/built-in-roles",
        alsoSource: "offline/constraints/tables/azure-builtin-roles.ts (name -> id, each row's anchor)",
        checkGraph: (ctx) => {
            const custom = new Set(ctx.graph.resources.filter((r) => r.type === "azure-native:authorization:RoleDefinition").map((r) => String(input(r, "roleDefinitionId") ?? "").toLowerCase()));
            return ctx.graph.resources
                .filter((r) => r.type === ROLE_ASSIGNMENT)
                .flatMap((r) => {
                    const id = str(r, "roleDefinitionId");
                    const guid = id === undefined ? undefined : /roleDefinitions\/([0-9a-fA-F-]{36})$/.exec(id)?.[1]?.toLowerCase();
                    if (id === undefined) {
                        return [];
                    }
                    if (guid === undefined) {
                        return [{ resource: r, detail: `roleDefinitionId ${JSON.stringify(id)} is not .../providers/Microsoft.Authorization/roleDefinitions/<guid>` }];
                    }
                    return builtInRoleById(guid) || custom.has(guid) ? [] : [{ resource: r, detail: `role definition ${guid} is not a built-in role (offline/constraints/tables/azure-builtin-roles.ts) nor a custom role in this stack` }];
                });
        },
        examples: {
            pass: [{ title: "Key Vault Administrator", resources: [assignment("00482a5a-887f-4fb3-b363-3b7fe8e74483")] }],
            fail: [{ title: "a mistyped Key Vault Administrator id", resources: [assignment("00482a5a-887f-4fb3-b363-3b7ba9e71c21")] }],
        },
    },
    nameRule({
        id: "azure-role-assignment-name-guid",
        cloud: "azure",
        service: "Azure RBAC",
        rule: "A role assignment's name is a GUID.",
        source: "https://learn.microsoft.com/rest/api/authorization/role-assignments/create",
        targets: [{ type: ROLE_ASSIGNMENT, field: "roleAssignmentName" }],
        problem: (v) => (/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(v) ? undefined : "is not a GUID"),
        pass: "3f2b7c1e-1d2a-4c3b-9e8f-0a1b2c3d4e5f",
        fail: ["keys-deployer-kms-admin"],
    }),
    {
        id: "azure-aks-spot-pool-no-surge",
        kind: "resource",
        cloud: "azure",
        service: "AKS",
        types: [MANAGED_CLUSTER, AGENT_POOL],
        rule: "Spot node pools have no surge nodes: a Spot pool sets no upgradeSettings.maxSurge (AKS cordons and evicts Spot nodes during an upgrade instead).",
        source: `${AKS_SPOT}#upgrade-a-spot-node-pool`,
        check: (r) =>
            poolsOf(r)
                .filter((p) => p.pool.scaleSetPriority === "Spot" && (p.pool.upgradeSettings as { maxSurge?: unknown } | undefined)?.maxSurge !== undefined)
                .map((p) => `${p.where} (${String(poolName(p))}) is Spot and sets upgradeSettings.maxSurge ${JSON.stringify((p.pool.upgradeSettings as { maxSurge?: unknown }).maxSurge)}`),
        examples: {
            pass: [{ title: "surge on the regular system pool only", resources: [cluster([systemPool]), spotPool()] }],
            fail: [{ title: "a Spot pool with maxSurge 33%", resources: [cluster([systemPool]), spotPool({ upgradeSettings: { maxSurge: "33%" } })] }],
        },
    },
    {
        id: "azure-aks-spot-pool-settings",
        kind: "resource",
        cloud: "azure",
        service: "AKS",
        types: [MANAGED_CLUSTER, AGENT_POOL],
        rule: "A Spot node pool cannot be the default (system) node pool, and its spotMaxPrice is -1 or a positive price with at most five decimals.",
        source: `${AKS_SPOT}#limitations`,
        check: (r) =>
            poolsOf(r)
                .filter((p) => p.pool.scaleSetPriority === "Spot")
                .flatMap((p) => {
                    const out: string[] = [];
                    if (p.pool.mode === "System" || (p.inline && p.where === "agentPoolProfiles[0]")) {
                        out.push(`${p.where} (${String(poolName(p))}) is a Spot pool used as the default/system pool`);
                    }
                    const price = p.pool.spotMaxPrice;
                    if (typeof price === "number" && price !== -1 && (price <= 0 || Math.round(price * 1e5) !== price * 1e5)) {
                        out.push(`${p.where} spotMaxPrice ${price} is neither -1 nor a positive price with at most five decimals`);
                    }
                    return out;
                }),
        examples: {
            pass: [{ title: "a User-mode Spot pool at -1", resources: [cluster([systemPool]), spotPool()] }],
            fail: [
                { title: "a Spot default pool", resources: [cluster([{ ...systemPool, scaleSetPriority: "Spot", upgradeSettings: undefined }])] },
                { title: "spotMaxPrice 0", resources: [cluster([systemPool]), spotPool({ spotMaxPrice: 0 })] },
            ],
        },
    },
    {
        id: "azure-compute-des-key-url-versioned",
        kind: "resource",
        cloud: "azure",
        service: "Azure Compute (disk encryption sets)",
        types: ["azure-native:compute:DiskEncryptionSet"],
        rule: "A disk encryption set's activeKey.keyUrl is a fully versioned Key Vault key URL (https://<vault>.vault.azure.net/keys/<name>/<version>); the version segment is required even with rotationToLatestKeyVersionEnabled.",
        source: "https://learn.microsoft.com/rest/api/compute/disk-encryption-sets/create-or-update#keyfordiskencryptionset",
        alsoSource: "https://learn.microsoft.com/azure/virtual-machines/disk-encryption#automatic-key-rotation-of-customer-managed-keys",
        check: (r) => {
            const url = str(r, "activeKey.keyUrl");
            return url === undefined || /^https:\/\/[^/]+\/keys\/[^/]+\/[0-9a-zA-Z]+$/.test(url) ? [] : [`activeKey.keyUrl ${JSON.stringify(url)} has no version segment`];
        },
        examples: {
            pass: [{ title: "a versioned key URL", resources: [{ type: "azure-native:compute:DiskEncryptionSet", name: "des", inputs: { activeKey: { keyUrl: "https://platform-prod-kv-b0665a.vault.azure.net/keys/disks/0123456789abcdef0123456789abcdef" }, rotationToLatestKeyVersionEnabled: true } }] }],
            fail: [{ title: "a versionless key URL", resources: [{ type: "azure-native:compute:DiskEncryptionSet", name: "des", inputs: { activeKey: { keyUrl: "https://platform-prod-kv-b0665a.vault.azure.net/keys/disks" }, rotationToLatestKeyVersionEnabled: true } }] }],
        },
    },
    nameRule({
        id: "azure-storage-account-name",
        cloud: "azure",
        service: "Azure Storage",
        rule: "A storage account name has 3-24 lowercase letters and digits and is globally unique.",
        source: `${NAME_RULES}#microsoftstorage`,
        alsoSource: "https://learn.microsoft.com/azure/storage/common/storage-account-overview#storage-account-name",
        targets: [{ type: "azure-native:storage:StorageAccount", field: "accountName" }],
        problem: lengthAndCharset(3, 24, /^[a-z0-9]$/, "a storage account name"),
        pass: "platformprodazflow3b4113",
        fail: ["platform-prod-flow", "platformprodazureflowlogs3b4113"],
    }),
    nameRule({
        id: "azure-keyvault-name",
        cloud: "azure",
        service: "Azure Key Vault",
        rule: "A key vault name has 3-24 characters of letters, digits and '-', starts with a letter, ends with a letter or digit, has no consecutive hyphens, and is globally unique.",
        source: `${NAME_RULES}#microsoftkeyvault`,
        alsoSource: "https://learn.microsoft.com/azure/key-vault/general/about-keys-secrets-certificates#vault-name-and-object-name",
        targets: [{ type: "azure-native:keyvault:Vault", field: "vaultName" }],
        problem: lengthAndCharset(3, 24, /^[A-Za-z0-9-]$/, "a key vault name", (v) => (!/^[A-Za-z]/.test(v) ? "must start with a letter" : !/[A-Za-z0-9]$/.test(v) ? "must end with a letter or digit" : v.includes("--") ? "has consecutive hyphens" : undefined)),
        pass: "platform-prod-kv-b0665a",
        fail: ["platform-prod-azure-kv-b0665a", "1platform-kv", "platform--kv"],
    }),
    nameRule({
        id: "azure-keyvault-object-name",
        cloud: "azure",
        service: "Azure Key Vault",
        rule: "Key and secret names have 1-127 characters of letters, digits and '-'.",
        source: "https://learn.microsoft.com/azure/key-vault/general/about-keys-secrets-certificates#vault-name-and-object-name",
        targets: [
            { type: "azure-native:keyvault:Key", field: "keyName" },
            { type: "azure-native:keyvault:Secret", field: "secretName" },
        ],
        problem: lengthAndCharset(1, 127, /^[A-Za-z0-9-]$/, "a key or secret name"),
        pass: "wazuh-enrollment-password",
        fail: ["wazuh_enrollment_password"],
    }),
    {
        id: "azure-keyvault-key-size",
        kind: "resource",
        cloud: "azure",
        service: "Azure Key Vault",
        types: ["azure-native:keyvault:Key"],
        rule: "An RSA key is 2048, 3072 or 4096 bits.",
        source: "https://learn.microsoft.com/azure/key-vault/keys/about-keys#key-types-and-protection-methods",
        alsoSource: "https://learn.microsoft.com/rest/api/keyvault/keyvault/keys/create-if-not-exist#keyproperties",
        check: (r) => {
            const kty = str(r, "properties.kty");
            const size = input(r, "properties.keySize");
            return kty !== undefined && kty.startsWith("RSA") && typeof size === "number" && ![2048, 3072, 4096].includes(size) ? [`properties.keySize ${size} is not 2048, 3072 or 4096`] : [];
        },
        examples: {
            pass: [{ title: "RSA 3072", resources: [{ type: "azure-native:keyvault:Key", name: "k", inputs: { keyName: "disks", properties: { kty: "RSA", keySize: 3072 } } }] }],
            fail: [{ title: "RSA 1024", resources: [{ type: "azure-native:keyvault:Key", name: "k", inputs: { keyName: "disks", properties: { kty: "RSA", keySize: 1024 } } }] }],
        },
    },
    {
        id: "azure-keyvault-soft-delete-retention",
        kind: "resource",
        cloud: "azure",
        service: "Azure Key Vault",
        types: ["azure-native:keyvault:Vault"],
        rule: "softDeleteRetentionInDays accepts 7 to 90.",
        source: "https://learn.microsoft.com/rest/api/keyvault/keyvault/vaults/create-or-update#vaultproperties",
        check: (r) => {
            const d = input(r, "properties.softDeleteRetentionInDays");
            return typeof d === "number" && (d < 7 || d > 90) ? [`properties.softDeleteRetentionInDays ${d} is outside 7-90`] : [];
        },
        examples: {
            pass: [{ title: "7 days", resources: [{ type: "azure-native:keyvault:Vault", name: "v", inputs: { properties: { softDeleteRetentionInDays: 7 } } }] }],
            fail: [{ title: "1 day", resources: [{ type: "azure-native:keyvault:Vault", name: "v", inputs: { properties: { softDeleteRetentionInDays: 1 } } }] }],
        },
    },
    nameRule({
        id: "azure-resource-group-name",
        cloud: "azure",
        service: "Azure Resource Manager",
        rule: "A resource group name has 1-90 characters of letters, digits, '_', '(', ')', '-' and '.', and does not end with a period.",
        source: `${NAME_RULES}#microsoftresources`,
        targets: [{ type: "azure-native:resources:ResourceGroup", field: "resourceGroupName" }],
        problem: lengthAndCharset(1, 90, /^[\p{L}\p{N}_().-]$/u, "a resource group name", (v) => (v.endsWith(".") ? "ends with a period" : undefined)),
        pass: "platform-prod-azure-rg",
        fail: ["platform prod rg", "platform-rg."],
    }),
    nameRule({
        id: "azure-network-resource-names",
        cloud: "azure",
        service: "Azure Networking",
        rule: "Virtual network and private endpoint names have 2-64 characters, subnet, NSG, ASG, NIC, public IP and NAT gateway names 1-80, all of letters, digits, '_', '.' and '-', starting with a letter or digit and ending with a letter, digit or '_'.",
        source: `${NAME_RULES}#microsoftnetwork`,
        targets: [
            { type: "azure-native:network:VirtualNetwork", field: "virtualNetworkName" },
            { type: "azure-native:network:PrivateEndpoint", field: "privateEndpointName" },
            { type: "azure-native:network:Subnet", field: "subnetName" },
            { type: NSG, field: "networkSecurityGroupName" },
            { type: "azure-native:network:ApplicationSecurityGroup", field: "applicationSecurityGroupName" },
            { type: "azure-native:network:NetworkInterface", field: "networkInterfaceName" },
            { type: "azure-native:network:PublicIPAddress", field: "publicIpAddressName" },
            { type: "azure-native:network:NatGateway", field: "natGatewayName" },
        ],
        problem: (v, t) => (["azure-native:network:VirtualNetwork", "azure-native:network:PrivateEndpoint"].includes(t.type) ? NETWORK_NAME(2, 64)(v) : NETWORK_NAME(1, 80)(v)),
        pass: "platform-prod-azure-vnet",
        fail: ["platform-prod-azure-vnet-", "platform/vnet", "v", "platform-prod-azure-" + "x".repeat(50)],
    }),
    {
        id: "azure-nsg-rule-format",
        kind: "resource",
        cloud: "azure",
        service: "Azure Networking (NSG)",
        types: [NSG],
        rule: "An NSG security rule's name has 1-80 characters (letters, digits, '_', '.', '-'; starting with a letter or digit, ending with a letter, digit or '_'), its description at most 140 characters, and its priority is 100-4096, unique per direction.",
        source: "https://learn.microsoft.com/rest/api/virtualnetwork/security-rules/create-or-update#securityrule",
        alsoSource: `${NAME_RULES}#microsoftnetwork`,
        check: (r) => {
            const out: string[] = [];
            const seen = new Map<string, string>();
            rulesOf(r).forEach((rule, i) => {
                const name = typeof rule.name === "string" ? rule.name : undefined;
                const nameProblem = name === undefined ? undefined : NETWORK_NAME(1, 80)(name);
                if (nameProblem) out.push(`securityRules[${i}].name ${JSON.stringify(name)} ${nameProblem}`);
                if (typeof rule.description === "string" && rule.description.length > 140) out.push(`securityRules[${i}] (${name}) description has ${rule.description.length} characters (at most 140)`);
                if (typeof rule.priority === "number") {
                    if (rule.priority < 100 || rule.priority > 4096) out.push(`securityRules[${i}] (${name}) priority ${rule.priority} is outside 100-4096`);
                    const key = `${String(rule.direction)}/${rule.priority}`;
                    const other = seen.get(key);
                    if (other !== undefined) out.push(`securityRules[${i}] (${name}) repeats ${String(rule.direction)} priority ${rule.priority} of ${other}`);
                    seen.set(key, String(name));
                }
            });
            return out;
        },
        examples: {
            pass: [{ title: "two inbound rules and a deny-all", resources: [nsg([nsgRule("vault-api-from-bastion", 200), nsgRule("ssh-from-bastion", 210), nsgRule("deny-all-inbound", 4096, { access: "Deny" })])] }],
            fail: [
                { title: "a 141-character description", resources: [nsg([nsgRule("vault-api-from-bastion", 200, { description: "d".repeat(141) })])] },
                { title: "two inbound rules at priority 200", resources: [nsg([nsgRule("a", 200), nsgRule("b", 200)])] },
                { title: "priority 4097", resources: [nsg([nsgRule("a", 4097)])] },
            ],
        },
    },
    nameRule({
        id: "azure-aks-cluster-name",
        cloud: "azure",
        service: "AKS",
        rule: "A managed cluster name has 1-63 characters of letters, digits, '_' and '-', starting and ending with a letter or digit.",
        source: `${NAME_RULES}#microsoftcontainerservice`,
        targets: [{ type: MANAGED_CLUSTER, field: "resourceName" }],
        problem: lengthAndCharset(1, 63, /^[A-Za-z0-9_-]$/, "a cluster name", (v) => (/^[A-Za-z0-9](.*[A-Za-z0-9])?$/.test(v) ? undefined : "must start and end with a letter or digit")),
        pass: "platform-prod-azure-aks",
        fail: ["platform.aks", "platform-aks-"],
    }),
    nameRule({
        id: "azure-aks-dns-prefix",
        cloud: "azure",
        service: "AKS",
        rule: "A cluster's dnsPrefix has 1-54 characters of letters, digits and '-', starting and ending with a letter or digit.",
        source: "https://learn.microsoft.com/cli/azure/aks#az-aks-create",
        alsoSource: "https://learn.microsoft.com/rest/api/aks/managed-clusters/create-or-update#managedcluster",
        targets: [{ type: MANAGED_CLUSTER, field: "dnsPrefix" }],
        problem: lengthAndCharset(1, 54, /^[A-Za-z0-9-]$/, "a DNS prefix", (v) => (/^[A-Za-z0-9](.*[A-Za-z0-9])?$/.test(v) ? undefined : "must start and end with a letter or digit")),
        pass: "platform-prod-azure-aks",
        fail: ["platform_prod_aks", "platform-" + "x".repeat(50)],
    }),
    {
        id: "azure-aks-node-pool-name",
        kind: "resource",
        cloud: "azure",
        service: "AKS",
        types: [MANAGED_CLUSTER, AGENT_POOL],
        rule: "A node pool name has only lowercase letters and digits, starts with a letter, and has 1-12 characters for Linux pools (1-6 for Windows).",
        source: "https://learn.microsoft.com/azure/aks/create-node-pools#limitations",
        check: (r) =>
            poolsOf(r).flatMap((p) => {
                const name = poolName(p);
                if (typeof name !== "string") return [];
                const max = p.pool.osType === "Windows" ? 6 : 12;
                return /^[a-z][a-z0-9]*$/.test(name) && name.length <= max ? [] : [`${p.where} name ${JSON.stringify(name)} is not 1-${max} lowercase letters and digits starting with a letter`];
            }),
        examples: {
            pass: [{ title: "system and workload", resources: [cluster([systemPool]), spotPool()] }],
            fail: [
                { title: "a 13-character Linux pool", resources: [cluster([systemPool]), { ...spotPool(), inputs: { ...spotPool().inputs, agentPoolName: "workloadspot1" } }] },
                { title: "a hyphenated pool name", resources: [cluster([{ ...systemPool, name: "sys-pool" }])] },
            ],
        },
    },
    {
        id: "azure-compute-vm-os-profile",
        kind: "resource",
        cloud: "azure",
        service: "Azure Compute",
        types: ["azure-native:compute:VirtualMachine"],
        rule: "A Linux VM's computer name has 1-64 characters, none of \\/\"[]:|<>+=;,?*@& or whitespace, not starting with '_' nor ending with '.' or '-'; its admin username has 1-64 characters and is none of Azure's disallowed names (admin, root, user, test, ...); its custom data decodes to at most 65535 bytes.",
        source: "https://learn.microsoft.com/rest/api/compute/virtual-machines/create-or-update#osprofile",
        alsoSource: `${NAME_RULES}#microsoftcompute`,
        check: (r) => {
            const out: string[] = [];
            const host = str(r, "osProfile.computerName");
            if (host !== undefined) {
                const bad = offending(host, /^[^\\/"[\]:|<>+=;,?*@&\s]$/);
                if (host.length < 1 || host.length > 64) out.push(`osProfile.computerName has ${host.length} characters (1-64 for Linux)`);
                else if (bad.length > 0) out.push(`osProfile.computerName ${JSON.stringify(host)} contains ${showChars(bad)}`);
                else if (host.startsWith("_") || /[.-]$/.test(host)) out.push(`osProfile.computerName ${JSON.stringify(host)} starts with '_' or ends with '.' or '-'`);
            }
            const user = str(r, "osProfile.adminUsername");
            const disallowed = ["administrator", "admin", "user", "user1", "test", "user2", "test1", "user3", "admin1", "1", "123", "a", "actuser", "adm", "admin2", "aspnet", "backup", "console", "david", "guest", "john", "owner", "root", "server", "sql", "support", "support_388945a0", "sys", "test2", "test3", "user4", "user5"];
            if (user !== undefined && (user.length < 1 || user.length > 64 || disallowed.includes(user.toLowerCase()))) out.push(`osProfile.adminUsername ${JSON.stringify(user)} is disallowed or not 1-64 characters`);
            const data = str(r, "osProfile.customData");
            if (data !== undefined && Buffer.from(data, "base64").length > 65535) out.push(`osProfile.customData decodes to ${Buffer.from(data, "base64").length} bytes (at most 65535)`);
            return out;
        },
        examples: {
            pass: [{ title: "azureuser on platform-dev-azure-vault", resources: [{ type: "azure-native:compute:VirtualMachine", name: "vm", inputs: { osProfile: { computerName: "platform-dev-azure-vault", adminUsername: "azureuser", customData: Buffer.from("#cloud-config\n").toString("base64") } } }] }],
            fail: [
                { title: "admin as username", resources: [{ type: "azure-native:compute:VirtualMachine", name: "vm", inputs: { osProfile: { computerName: "vault", adminUsername: "admin" } } }] },
                { title: "a computer name with an underscore start", resources: [{ type: "azure-native:compute:VirtualMachine", name: "vm", inputs: { osProfile: { computerName: "_vault", adminUsername: "azureuser" } } }] },
                { title: "70 KB of custom data", resources: [{ type: "azure-native:compute:VirtualMachine", name: "vm", inputs: { osProfile: { computerName: "vault", adminUsername: "azureuser", customData: Buffer.from("#".repeat(70000)).toString("base64") } } }] },
            ],
        },
    },
    nameRule({
        id: "azure-managed-identity-name",
        cloud: "azure",
        service: "Azure Managed Identity",
        rule: "A user-assigned identity name has 3-128 characters of letters, digits, '-' and '_', starting with a letter or digit.",
        source: `${NAME_RULES}#microsoftmanagedidentity`,
        targets: [{ type: "azure-native:managedidentity:UserAssignedIdentity", field: "resourceName" }],
        problem: lengthAndCharset(3, 128, /^[A-Za-z0-9_-]$/, "an identity name", (v) => (/^[A-Za-z0-9]/.test(v) ? undefined : "must start with a letter or digit")),
        pass: "platform-prod-azure-aks-identity",
        fail: ["id", "platform.aks.identity"],
    }),
    nameRule({
        id: "azure-recovery-services-vault-name",
        cloud: "azure",
        service: "Azure Backup",
        rule: "A Recovery Services vault name has 2-50 characters of letters, digits and '-', starting with a letter.",
        source: `${NAME_RULES}#microsoftrecoveryservices`,
        alsoSource: "https://learn.microsoft.com/azure/backup/backup-create-recovery-services-vault",
        targets: [{ type: "azure-native:recoveryservices:Vault", field: "vaultName" }],
        problem: lengthAndCharset(2, 50, /^[A-Za-z0-9-]$/, "a vault name", (v) => (/^[A-Za-z]/.test(v) ? undefined : "must start with a letter")),
        pass: "platform-prod-azure-backup",
        fail: ["platform_backup", "9platform-backup"],
    }),
    nameRule({
        id: "azure-storage-container-name",
        cloud: "azure",
        service: "Azure Storage",
        rule: "A blob container name has 3-63 characters of lowercase letters, digits and '-', starts with a letter or digit, and has no consecutive hyphens.",
        source: "https://learn.microsoft.com/rest/api/storageservices/naming-and-referencing-containers--blobs--and-metadata#container-names",
        targets: [{ type: "azure-native:storage:BlobContainer", field: "containerName" }],
        problem: lengthAndCharset(3, 63, /^[a-z0-9-]$/, "a container name", (v) => (!/^[a-z0-9]/.test(v) ? "must start with a letter or digit" : v.includes("--") ? "has consecutive hyphens" : undefined)),
        pass: "vault-snapshots",
        fail: ["Vault-Snapshots", "vault--snapshots"],
    }),
    {
        id: "azure-tags-format",
        kind: "resource",
        cloud: "azure",
        service: "Azure Resource Manager",
        types: TAGGED_TYPES,
        rule: "A resource has at most 50 tags; tag names have at most 512 characters (128 on storage accounts) and none of < > % & \\ ? /; values at most 256 characters.",
        source: "https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations",
        check: (r) => {
            const tags = input(r, "tags");
            if (!tags || typeof tags !== "object") return [];
            const out: string[] = [];
            const entries = Object.entries(tags as Record<string, unknown>);
            if (entries.length > 50) out.push(`${entries.length} tags (at most 50)`);
            const nameMax = r.type === "azure-native:storage:StorageAccount" ? 128 : 512;
            for (const [k, v] of entries) {
                if (k.length > nameMax || TAG_NAME_FORBIDDEN.test(k)) out.push(`tag name ${JSON.stringify(k)} is longer than ${nameMax} or contains one of < > % & \\ ? /`);
                if (typeof v === "string" && v.length > 256) out.push(`tag ${JSON.stringify(k)}: value has ${v.length} characters (at most 256)`);
            }
            return out;
        },
        examples: {
            pass: [{ title: "common tags", resources: [{ type: "azure-native:resources:ResourceGroup", name: "rg", inputs: { tags: { owner: "platform-team", "cost-center": "cc-1" } } }] }],
            fail: [{ title: "a tag name with a slash", resources: [{ type: "azure-native:resources:ResourceGroup", name: "rg", inputs: { tags: { "team/owner": "ops" } } }] }],
        },
    },
];

/** Built-in role names the catalogue knows (for messages and tests). */
export const KNOWN_AZURE_ROLE_NAMES = AZURE_BUILTIN_ROLES.map((r) => r.name);
