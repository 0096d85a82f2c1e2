/**
 * Azure entries: what Azure Resource Manager and the resource providers refuse that
 * azure-native does not check. Rules come from Microsoft's docs and the REST API specs (the
 * same text azure-native ships as TSDoc, quoted where it is the source).
 */
import type { CapturedResource } from "../graph";
import { hostEncryptionFamily } from "../../components/config/azure-vm-sizes";
import { AZURE_REGIONS } from "../../components/config/regions";
import { input, lengthAndCharset, nameRule, offending, showChars, str } from "./helpers";
import { AZURE_BUILTIN_ROLES, builtInRoleById } from "./tables/azure-builtin-roles";
import { categoriesOf, resourceTypeOfId } from "./tables/azure-diagnostic-categories";
import { AZURE_RBAC_PROPAGATION, durationSeconds, planeOfRole } from "./tables/azure-rbac-propagation";
import { roleGrants } from "./tables/azure-role-permissions";
import type { CheckContext, Constraint, FixtureResource } from "./types";

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
    "azure-native:operationalinsights:Workspace",
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
        id: "azure-aks-pool-asg-needs-host-ports",
        kind: "resource",
        cloud: "azure",
        service: "AKS",
        types: [MANAGED_CLUSTER, AGENT_POOL],
        rule: "A node pool's networkProfile.applicationSecurityGroups take effect only together with networkProfile.allowedHostPorts (one feature: host port NSG control); ASG ids alone are accepted and silently not attached, so NSG rules naming the ASG never match the nodes.",
        source: "https://learn.microsoft.com/azure/aks/use-node-public-ips#allow-host-port-connections-and-add-node-pools-to-application-security-groups",
        alsoSource: "https://github.com/Azure/azure-cli/pull/30768 (--asg-ids without --allowed-host-ports \"did nothing at all\"); https://github.com/hashicorp/terraform-provider-azurerm/pull/28789; https://github.com/Azure/AKS/issues/5325",
        check: (r) =>
            poolsOf(r)
                .filter((p) => {
                    const profile = p.pool.networkProfile as { applicationSecurityGroups?: unknown[]; allowedHostPorts?: unknown[] } | undefined;
                    return (profile?.applicationSecurityGroups?.length ?? 0) > 0 && (profile?.allowedHostPorts?.length ?? 0) === 0;
                })
                .map((p) => `${p.where} (${String(poolName(p))}) lists application security groups without allowedHostPorts: AKS would not attach them`),
        examples: {
            pass: [
                { title: "ASG with an allowed host port", resources: [cluster([{ ...systemPool, networkProfile: { applicationSecurityGroups: ["asg"], allowedHostPorts: [{ portStart: 9100, portEnd: 9100, protocol: "TCP" }] } }])] },
                { title: "no ASG at all", resources: [cluster([systemPool]), spotPool()] },
            ],
            fail: [
                { title: "a system pool with ASG ids only", resources: [cluster([{ ...systemPool, networkProfile: { applicationSecurityGroups: ["asg"] } }])] },
                { title: "an agent pool with ASG ids and an empty host-port list", resources: [cluster([systemPool]), spotPool({ networkProfile: { applicationSecurityGroups: ["asg"], allowedHostPorts: [] } })] },
            ],
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

// ---------------------------------------------------------------------------------------------
// Grants: who must hold what, before when (issue 14). Helpers read the graph by ARM id.
// ---------------------------------------------------------------------------------------------

const SLEEP = "time:index/sleep:Sleep";
const UAMI = "azure-native:managedidentity:UserAssignedIdentity";
const VM = "azure-native:compute:VirtualMachine";
const DES = "azure-native:compute:DiskEncryptionSet";
const KV = "azure-native:keyvault:Vault";
const KV_KEY = "azure-native:keyvault:Key";
const KV_SECRET = "azure-native:keyvault:Secret";
const NIC = "azure-native:network:NetworkInterface";
const SUBNET = "azure-native:network:Subnet";
const PRIVATE_ENDPOINT = "azure-native:network:PrivateEndpoint";
const DIAGNOSTIC_SETTING = "azure-native:monitor:DiagnosticSetting";
const WORKSPACE = "azure-native:operationalinsights:Workspace";
const NSG_DOC = "https://learn.microsoft.com/azure/virtual-network/manage-network-security-group#permissions";
const KV_NETWORK = "https://learn.microsoft.com/azure/key-vault/general/network-security";
const AKS_KMS = "https://learn.microsoft.com/azure/aks/use-kms-etcd-encryption";

const lower = (v: unknown) => String(v ?? "").toLowerCase();
/** Whether a role assignment at `scope` covers resource `id` (the scope itself or a descendant). */
const covers = (scope: unknown, id: unknown) => {
    const s = lower(scope).replace(/\/+$/, "");
    const i = lower(id);
    return s !== "" && (i === s || i.startsWith(`${s}/`));
};
const roleGuid = (r: CapturedResource) => /roleDefinitions\/([0-9a-fA-F-]{36})$/.exec(String(input(r, "roleDefinitionId") ?? ""))?.[1]?.toLowerCase();
const assignments = (ctx: CheckContext) => ctx.graph.resources.filter((r) => r.type === ROLE_ASSIGNMENT);
const byId = (ctx: CheckContext, id: unknown) => ctx.graph.resources.find((r) => r.custom && r.id !== undefined && lower(r.id) === lower(id));
/** User-assigned identity ids a resource carries (`identity.userAssignedIdentities`, as a list or a map). */
function userIdentities(r: CapturedResource): string[] {
    const u = input(r, "identity.userAssignedIdentities");
    return Array.isArray(u) ? u.map(String) : u && typeof u === "object" ? Object.keys(u) : [];
}
/** The principal of a user-assigned identity resource. */
const principalOf = (ctx: CheckContext, identityId: string) => byId(ctx, identityId)?.state.principalId as string | undefined;

/**
 * Whether `principal` holds, at `targetId` or above, a built-in role whose permissions carry
 * `operation` (offline/constraints/tables/azure-role-permissions.ts). Assignments of roles the
 * table does not describe do not count.
 */
function holds(ctx: CheckContext, principal: string | undefined, targetId: unknown, operation: string, data = false): boolean {
    return (
        principal !== undefined &&
        assignments(ctx).some((a) => {
            const guid = roleGuid(a);
            return lower(input(a, "principalId")) === lower(principal) && covers(input(a, "scope"), targetId) && guid !== undefined && roleGrants(guid, operation, data) === true;
        })
    );
}

/** The AKS clusters of a graph with the principal of their (user-assigned) cluster identity. */
function clustersWithIdentity(ctx: CheckContext): { cluster: CapturedResource; principal: string | undefined }[] {
    return ctx.graph.resources.filter((r) => r.type === MANAGED_CLUSTER).map((cluster) => ({ cluster, principal: userIdentities(cluster).map((id) => principalOf(ctx, id)).find((p) => p !== undefined) }));
}
/** A cluster's pools: inline profiles and the AgentPools naming the cluster. */
function clusterPools(ctx: CheckContext, cluster: CapturedResource): { where: string; pool: Record<string, unknown> }[] {
    return [
        ...poolsOf(cluster),
        ...ctx.graph.resources
            .filter((r) => r.type === AGENT_POOL && input(r, "resourceName") === input(cluster, "resourceName"))
            .flatMap((r) => poolsOf(r).map((p) => ({ ...p, where: `agent pool ${r.name}` }))),
    ];
}

/** The VMs and clusters that run as the user-assigned identity with this principal. */
function runningAs(ctx: CheckContext, principalId: unknown): CapturedResource[] {
    const uamis = ctx.graph.resources.filter((r) => r.type === UAMI && lower(r.state.principalId) === lower(principalId)).map((r) => lower(r.id));
    return ctx.graph.resources.filter((r) => (r.type === VM || r.type === MANAGED_CLUSTER) && userIdentities(r).some((id) => uamis.includes(lower(id))));
}

/** Who consumes a role assignment's rights, and whether the consumer is a resource or the stack's users. */
function consumersOf(ctx: CheckContext, a: CapturedResource): CapturedResource[] {
    const principal = lower(input(a, "principalId"));
    const uamis = ctx.graph.resources.filter((r) => r.type === UAMI && lower(r.state.principalId) === principal).map((r) => lower(r.id));
    const desIds = ctx.graph.resources.filter((r) => r.type === DES && lower((r.state.identity as { principalId?: string } | undefined)?.principalId) === principal).map((r) => lower(r.id));
    const scope = input(a, "scope");
    return ctx.graph.resources.filter((r) => {
        if (r === a || !r.custom) {
            return false;
        }
        // Resources running as the identity.
        if ((r.type === VM || r.type === MANAGED_CLUSTER) && userIdentities(r).some((id) => uamis.includes(lower(id)))) {
            return true;
        }
        // Disks, VMs and clusters encrypted through the disk encryption set holding the grant.
        if (desIds.length > 0) {
            const refs = [input(r, "encryption.diskEncryptionSetId"), input(r, "storageProfile.osDisk.managedDisk.diskEncryptionSet.id"), input(r, "diskEncryptionSetID")].map(lower);
            if (refs.some((ref) => desIds.includes(ref))) {
                return true;
            }
        }
        // Keys and secrets the principal writes into the vault it was granted (the deployer).
        if (uamis.length === 0 && desIds.length === 0 && (r.type === KV_KEY || r.type === KV_SECRET) && covers(scope, r.id)) {
            return true;
        }
        return false;
    });
}

/** The sleeps that bridge a grant's propagation: they depend on it and last at least `seconds`. */
function waitsFor(ctx: CheckContext, a: CapturedResource, seconds: number): CapturedResource[] {
    return ctx.graph.resources.filter((s) => s.type === SLEEP && ctx.dependsOn(s, a) && (durationSeconds(input(s, "createDuration")) ?? 0) >= seconds);
}

const grantFixture = (role: string, scope: string, principal: string, name = "grant"): FixtureResource => ({
    type: ROLE_ASSIGNMENT,
    name,
    inputs: { roleAssignmentName: "3f2b7c1e-1d2a-4c3b-9e8f-0a1b2c3d4e5f", principalId: principal, scope, roleDefinitionId: `/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/${role}` },
});
const RG_ID = "/subscriptions/s/resourceGroups/rg/providers";
/**
 * Built-in role ids for the fixtures, as Microsoft lists them
 * (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles); each is also a
 * row, with its own source, of the independent table tables/azure-builtin-roles.ts.
 */
const ROLE = { aksClusterUser: "4abbcc35-e782-43d8-92c5-2d3f1bd2253f", secretsUser: "4633458b-17de-408a-b874-0445c86b69e6", cryptoUser: "12338af0-0e69-4776-bea7-57ae8d297424", network: "4d97b98b-1d4f-4787-a291-c67834d212e7", reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7", kvAdmin: "00482a5a-887f-4fb3-b363-3b7fe8e74483", vmContributor: "9980e02c-c2be-4d73-94e8-173b1dc7cf3c" };
const uamiFixture = (name: string, principal: string): FixtureResource => ({ type: UAMI, name, id: `${RG_ID}/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`, inputs: { resourceName: name, principalId: principal } });
const vmFixture = (identity: string, dependsOn: string[] = [], extra: Record<string, unknown> = {}): FixtureResource => ({
    type: VM,
    name: "vm",
    id: `${RG_ID}/Microsoft.Compute/virtualMachines/vm`,
    inputs: { vmName: "vm", identity: { type: "UserAssigned", userAssignedIdentities: [`${RG_ID}/Microsoft.ManagedIdentity/userAssignedIdentities/${identity}`] }, ...extra },
    dependsOn,
});
const sleepFixture = (after: string, seconds: number, name = "wait"): FixtureResource => ({ type: SLEEP, name, inputs: { createDuration: `${seconds}s` }, dependsOn: [after] });
const SECRET_ID = `${RG_ID}/Microsoft.KeyVault/vaults/kv/secrets/enrollment`;
const ASG_ID = `${RG_ID}/Microsoft.Network/applicationSecurityGroups/nodes`;
const NODES_SUBNET = `${RG_ID}/Microsoft.Network/virtualNetworks/vnet/subnets/nodes`;
const aksWithIdentity = (pools: Record<string, unknown>[], extra: Record<string, unknown> = {}): FixtureResource => ({
    type: MANAGED_CLUSTER,
    name: "aks",
    id: `${RG_ID}/Microsoft.ContainerService/managedClusters/aks`,
    inputs: { resourceName: "aks", identity: { type: "UserAssigned", userAssignedIdentities: [`${RG_ID}/Microsoft.ManagedIdentity/userAssignedIdentities/aks-id`] }, agentPoolProfiles: pools, ...extra },
});
const AKS_ID = `${RG_ID}/Microsoft.ContainerService/managedClusters/aks`;
const nodesPool = { name: "system", mode: "System", vnetSubnetID: NODES_SUBNET, networkProfile: { applicationSecurityGroups: [ASG_ID], allowedHostPorts: [{ portStart: 9100, portEnd: 9100, protocol: "TCP" }] } };

export const AZURE_GRANT_CONSTRAINTS: readonly Constraint[] = [
    {
        id: "azure-rbac-grant-propagated-before-use",
        kind: "graph",
        cloud: "azure",
        service: "Azure RBAC",
        types: [ROLE_ASSIGNMENT, SLEEP, VM, MANAGED_CLUSTER, KV_KEY, KV_SECRET, "azure-native:compute:Disk"],
        rule: "A new role assignment is enforced only after a documented delay (Azure Resource Manager and Key Vault and storage data planes: up to 10 minutes; AKS Azure RBAC for Kubernetes: up to 5): whatever uses the grant (a VM or cluster running as the identity, disks encrypted through the set holding it, keys and secrets the grantee writes) waits for a sleep of at least that long after the grant; an AKS RBAC grant (used by the next layer through the kubeconfig) is followed by such a sleep.",
        source: "https://learn.microsoft.com/azure/key-vault/general/rbac-guide#known-limits-and-performance",
        alsoSource: "offline/constraints/tables/azure-rbac-propagation.ts (each plane's page and sentence)",
        checkGraph: (ctx) =>
            assignments(ctx).flatMap((a) => {
                const guid = roleGuid(a);
                const plane = guid === undefined ? undefined : planeOfRole(guid);
                if (plane === undefined) {
                    return []; // azure-role-definition-builtin reports unknown roles
                }
                const { seconds } = AZURE_RBAC_PROPAGATION[plane];
                const waits = waitsFor(ctx, a, seconds);
                if (plane === "aksKubernetes") {
                    return waits.length > 0 ? [] : [{ resource: a, detail: `no time.Sleep of at least ${seconds}s follows this AKS RBAC grant, so the in-cluster layer may use it before it propagates` }];
                }
                // A VM that never waits for the AKS cluster a grant is scoped to cannot use it at
                // boot (the cluster may not exist yet): it looks the cluster up on a timer that
                // retries (the Jenkins VM: names only, never replaced with the cluster). A VM
                // that does wait for the cluster uses it at once and must wait for the grant too.
                const scope = byId(ctx, input(a, "scope"));
                const lookedUpLater = (c: CapturedResource) => c.type === VM && scope?.type === MANAGED_CLUSTER && !ctx.dependsOn(c, scope);
                return consumersOf(ctx, a)
                    .filter((c) => !lookedUpLater(c))
                    .filter((c) => !waits.some((w) => ctx.dependsOn(c, w)))
                    .map((c) => ({ resource: c, detail: `uses role assignment ${a.name} (${plane}, up to ${seconds}s to apply) without waiting for a time.Sleep of at least ${seconds}s after it` }));
            }),
        examples: {
            pass: [
                { title: "a VM that waits 600s after its identity's secret grant", resources: [uamiFixture("vm-id", "p1"), grantFixture(ROLE.secretsUser, SECRET_ID, "p1"), sleepFixture("grant", 600), vmFixture("vm-id", ["wait"])] },
                {
                    title: "a VM that never waits for the cluster it looks up on a timer (Cluster User Role on the cluster)",
                    resources: [uamiFixture("vm-id", "p1"), aksWithIdentity([]), { ...grantFixture(ROLE.aksClusterUser, AKS_ID, "p1"), dependsOn: ["aks"] }, vmFixture("vm-id")],
                },
            ],
            fail: [
                { title: "a VM created right after its identity's grant", resources: [uamiFixture("vm-id", "p1"), grantFixture(ROLE.secretsUser, SECRET_ID, "p1"), vmFixture("vm-id", ["grant"])] },
                { title: "a wait shorter than Key Vault's 10 minutes", resources: [uamiFixture("vm-id", "p1"), grantFixture(ROLE.secretsUser, SECRET_ID, "p1"), sleepFixture("grant", 60), vmFixture("vm-id", ["wait"])] },
                {
                    title: "a VM that waits for the cluster but not for its Cluster User grant on it",
                    resources: [uamiFixture("vm-id", "p1"), aksWithIdentity([]), { ...grantFixture(ROLE.aksClusterUser, AKS_ID, "p1"), dependsOn: ["aks"] }, vmFixture("vm-id", ["aks"])],
                },
                {
                    title: "a key written right after the deployer's Key Vault Administrator grant",
                    resources: [grantFixture(ROLE.kvAdmin, `${RG_ID}/Microsoft.KeyVault/vaults/kv`, "deployer"), { type: KV_KEY, name: "key", id: `${RG_ID}/Microsoft.KeyVault/vaults/kv/keys/disks`, inputs: { keyName: "disks" }, dependsOn: ["grant"] }],
                },
            ],
        },
    },
    {
        id: "azure-aks-identity-network-rights",
        kind: "graph",
        cloud: "azure",
        service: "AKS",
        types: [MANAGED_CLUSTER, AGENT_POOL, ROLE_ASSIGNMENT],
        rule: "An AKS cluster's user-assigned identity holds, on each subnet its pools and API server use, a role carrying Microsoft.Network/virtualNetworks/subnets/join/action, and on each application security group a pool joins, one carrying Microsoft.Network/applicationSecurityGroups/joinIpConfiguration/action.",
        source: "https://learn.microsoft.com/azure/aks/api-server-vnet-integration#create-a-private-aks-cluster-with-api-server-vnet-integration-using-bring-your-own-vnet",
        alsoSource: `${NSG_DOC} (joining a network interface to an application security group); offline/constraints/tables/azure-role-permissions.ts`,
        checkGraph: (ctx) =>
            clustersWithIdentity(ctx).flatMap(({ cluster, principal }) => {
                const out: { resource: CapturedResource; detail: string }[] = [];
                const subnets = [...clusterPools(ctx, cluster).map((p) => ({ where: p.where, id: p.pool.vnetSubnetID })), { where: "apiServerAccessProfile", id: input(cluster, "apiServerAccessProfile.subnetId") }].filter((s) => typeof s.id === "string");
                for (const s of subnets) {
                    if (!holds(ctx, principal, s.id, "Microsoft.Network/virtualNetworks/subnets/join/action")) {
                        out.push({ resource: cluster, detail: `the cluster identity holds no role carrying subnets/join/action on ${String(s.id)} (${s.where})` });
                    }
                }
                for (const p of clusterPools(ctx, cluster)) {
                    for (const asg of (p.pool.networkProfile as { applicationSecurityGroups?: unknown[] } | undefined)?.applicationSecurityGroups ?? []) {
                        if (!holds(ctx, principal, asg, "Microsoft.Network/applicationSecurityGroups/joinIpConfiguration/action")) {
                            out.push({ resource: cluster, detail: `${p.where} joins application security group ${String(asg)}, and the cluster identity holds no role carrying applicationSecurityGroups/joinIpConfiguration/action on it` });
                        }
                    }
                }
                return out;
            }),
        examples: {
            pass: [{ title: "Network Contributor on the nodes subnet and the ASG", resources: [uamiFixture("aks-id", "p2"), grantFixture(ROLE.network, NODES_SUBNET, "p2", "g1"), grantFixture(ROLE.network, ASG_ID, "p2", "g2"), aksWithIdentity([nodesPool])] }],
            fail: [
                { title: "no grant on the ASG the pools join", resources: [uamiFixture("aks-id", "p2"), grantFixture(ROLE.network, NODES_SUBNET, "p2", "g1"), aksWithIdentity([nodesPool])] },
                { title: "Virtual Machine Contributor on the ASG (it carries no joinIpConfiguration)", resources: [uamiFixture("aks-id", "p2"), grantFixture(ROLE.network, NODES_SUBNET, "p2", "g1"), grantFixture(ROLE.vmContributor, ASG_ID, "p2", "g2"), aksWithIdentity([nodesPool])] },
            ],
        },
    },
    {
        id: "azure-nsg-asg-has-members",
        kind: "graph",
        cloud: "azure",
        service: "Virtual Network (NSG)",
        types: [NSG, "azure-native:network:NetworkInterface", MANAGED_CLUSTER, AGENT_POOL],
        rule: "Every application security group an NSG rule names is carried by something: a network interface's IP configuration, or an AKS node pool that lists it WITH allowedHostPorts (AKS drops pool ASGs given alone). A rule naming an ASG nothing carries matches no traffic, and the flow it was written for hits the deny-all.",
        source: "https://learn.microsoft.com/azure/virtual-network/application-security-groups",
        alsoSource: "https://learn.microsoft.com/azure/aks/use-node-public-ips#allow-host-port-connections-and-add-node-pools-to-application-security-groups; https://github.com/Azure/azure-cli/pull/30768",
        checkGraph: (ctx) => {
            const ids = (v: unknown) => ((v as { id?: unknown }[] | undefined) ?? []).map((x) => lower(x?.id ?? x));
            const carried = new Set<string>();
            for (const r of ctx.graph.resources) {
                if (r.type === "azure-native:network:NetworkInterface") {
                    for (const ip of (input(r, "ipConfigurations") as { applicationSecurityGroups?: unknown }[] | undefined) ?? []) {
                        ids(ip.applicationSecurityGroups).forEach((a) => carried.add(a));
                    }
                }
                for (const p of poolsOf(r)) {
                    const np = p.pool.networkProfile as { applicationSecurityGroups?: unknown[]; allowedHostPorts?: unknown[] } | undefined;
                    if ((np?.allowedHostPorts?.length ?? 0) > 0) {
                        (np?.applicationSecurityGroups ?? []).forEach((a) => carried.add(lower(a)));
                    }
                }
            }
            return ctx.graph.resources
                .filter((r) => r.type === NSG)
                .flatMap((nsg) =>
                    ((input(nsg, "securityRules") as Record<string, unknown>[] | undefined) ?? []).flatMap((rule) =>
                        [...ids(rule.sourceApplicationSecurityGroups), ...ids(rule.destinationApplicationSecurityGroups)]
                            .filter((a) => !carried.has(a))
                            .map((a) => ({ resource: nsg, detail: `rule ${String(rule.name)} names application security group ${a}, which no network interface or host-port node pool carries` })),
                    ),
                );
        },
        examples: {
            pass: [
                {
                    title: "a rule from an ASG a NIC carries",
                    resources: [
                        { type: NSG, name: "nsg", inputs: { securityRules: [{ name: "r", sourceApplicationSecurityGroups: [{ id: ASG_ID }] }] } },
                        { type: "azure-native:network:NetworkInterface", name: "nic", inputs: { ipConfigurations: [{ name: "primary", applicationSecurityGroups: [{ id: ASG_ID }] }] } },
                    ],
                },
                { title: "a rule from an ASG a host-port pool carries", resources: [{ type: NSG, name: "nsg", inputs: { securityRules: [{ name: "r", sourceApplicationSecurityGroups: [{ id: ASG_ID }] }] } }, aksWithIdentity([nodesPool])] },
            ],
            fail: [
                { title: "a rule from an ASG nothing carries", resources: [{ type: NSG, name: "nsg", inputs: { securityRules: [{ name: "r", sourceApplicationSecurityGroups: [{ id: ASG_ID }] }] } }] },
                {
                    title: "a rule from an ASG only an AKS pool lists, without host ports (AKS drops it)",
                    resources: [{ type: NSG, name: "nsg", inputs: { securityRules: [{ name: "r", sourceApplicationSecurityGroups: [{ id: ASG_ID }] }] } }, aksWithIdentity([{ ...nodesPool, networkProfile: { applicationSecurityGroups: [ASG_ID] } }])],
                },
            ],
        },
    },
    {
        id: "azure-aks-des-read-rights",
        kind: "graph",
        cloud: "azure",
        service: "AKS",
        types: [MANAGED_CLUSTER, ROLE_ASSIGNMENT],
        rule: "A cluster whose disks use a disk encryption set needs its cluster identity to have read access to the set (Microsoft.Compute/diskEncryptionSets/read).",
        source: "https://learn.microsoft.com/azure/aks/azure-disk-customer-managed-keys#create-an-instance-of-a-diskencryptionset",
        checkGraph: (ctx) =>
            clustersWithIdentity(ctx)
                .filter(({ cluster }) => typeof input(cluster, "diskEncryptionSetID") === "string")
                .filter(({ cluster, principal }) => !holds(ctx, principal, input(cluster, "diskEncryptionSetID"), "Microsoft.Compute/diskEncryptionSets/read"))
                .map(({ cluster }) => ({ resource: cluster, detail: `the cluster identity has no read access to disk encryption set ${String(input(cluster, "diskEncryptionSetID"))}` })),
        examples: {
            pass: [{ title: "Reader on the set", resources: [uamiFixture("aks-id", "p3"), grantFixture(ROLE.reader, `${RG_ID}/Microsoft.Compute/diskEncryptionSets/des`, "p3"), aksWithIdentity([], { diskEncryptionSetID: `${RG_ID}/Microsoft.Compute/diskEncryptionSets/des` })] }],
            fail: [{ title: "no grant on the set", resources: [uamiFixture("aks-id", "p3"), aksWithIdentity([], { diskEncryptionSetID: `${RG_ID}/Microsoft.Compute/diskEncryptionSets/des` })] }],
        },
    },
    {
        id: "azure-aks-kms-key-rights",
        kind: "graph",
        cloud: "azure",
        service: "AKS",
        types: [MANAGED_CLUSTER, KV_KEY, ROLE_ASSIGNMENT],
        rule: "With KMS etcd encryption on an RBAC key vault, the cluster's user-assigned identity holds a role with encrypt and decrypt data actions on the key (or its vault) before the cluster is created.",
        source: `${AKS_KMS}#assign-permissions-for-an-rbac-public-key-vault`,
        checkGraph: (ctx) =>
            clustersWithIdentity(ctx).flatMap(({ cluster, principal }) => {
                const keyId = input(cluster, "securityProfile.azureKeyVaultKms.keyId");
                if (typeof keyId !== "string") {
                    return [];
                }
                const key = ctx.graph.resources.find((r) => r.type === KV_KEY && typeof r.state.keyUri === "string" && keyId.startsWith(`${r.state.keyUri as string}/`));
                if (!key) {
                    return []; // a key from outside the stack: not judged
                }
                const missing = ["encrypt", "decrypt"].filter((op) => !holds(ctx, principal, key.id, `Microsoft.KeyVault/vaults/keys/${op}/action`, true));
                return missing.length === 0 ? [] : [{ resource: cluster, detail: `the cluster identity cannot ${missing.join(" or ")} with KMS key ${key.name}` }];
            }),
        examples: {
            pass: [
                {
                    title: "Key Vault Crypto User on the KMS vault",
                    resources: [
                        uamiFixture("aks-id", "p4"),
                        { type: KV_KEY, name: "kms", id: `${RG_ID}/Microsoft.KeyVault/vaults/kms/keys/etcd`, inputs: { keyName: "etcd", keyUri: "https://kms.vault.azure.net/keys/etcd" } },
                        grantFixture(ROLE.cryptoUser, `${RG_ID}/Microsoft.KeyVault/vaults/kms`, "p4"),
                        aksWithIdentity([], { securityProfile: { azureKeyVaultKms: { enabled: true, keyId: "https://kms.vault.azure.net/keys/etcd/0123" } } }),
                    ],
                },
            ],
            fail: [
                {
                    title: "Key Vault Secrets User only",
                    resources: [
                        uamiFixture("aks-id", "p4"),
                        { type: KV_KEY, name: "kms", id: `${RG_ID}/Microsoft.KeyVault/vaults/kms/keys/etcd`, inputs: { keyName: "etcd", keyUri: "https://kms.vault.azure.net/keys/etcd" } },
                        grantFixture(ROLE.secretsUser, `${RG_ID}/Microsoft.KeyVault/vaults/kms`, "p4"),
                        aksWithIdentity([], { securityProfile: { azureKeyVaultKms: { enabled: true, keyId: "https://kms.vault.azure.net/keys/etcd/0123" } } }),
                    ],
                },
            ],
        },
    },
    {
        id: "azure-aks-kms-key-rotation-by-procedure",
        kind: "graph",
        cloud: "azure",
        service: "AKS (KMS etcd encryption)",
        types: [MANAGED_CLUSTER, KV_KEY],
        rule: "AKS uses the KMS key version it was given and does not follow Key Vault's rotation: the key must not expire (an expired key stops the API server from decrypting secrets), and a new version takes effect only through az aks update followed by re-encrypting every secret, so the key carries no automatic rotate action and the cluster's keyId is not moved by the program after creation (ignoreChanges), or a refresh after a rotation would switch versions without the re-encryption.",
        source: `${AKS_KMS}#rotate-existing-keys-in-a-public-key-vault`,
        alsoSource: `${AKS_KMS}#diagnose-and-solve-problems`,
        checkGraph: (ctx) =>
            ctx.graph.resources
                .filter((c) => c.type === MANAGED_CLUSTER && typeof input(c, "securityProfile.azureKeyVaultKms.keyId") === "string")
                .flatMap((cluster) => {
                    const keyId = input(cluster, "securityProfile.azureKeyVaultKms.keyId") as string;
                    const out: { resource: CapturedResource; detail: string }[] = [];
                    if (!(cluster.ignoreChanges ?? []).includes("securityProfile.azureKeyVaultKms.keyId")) {
                        out.push({ resource: cluster, detail: "securityProfile.azureKeyVaultKms.keyId is not in ignoreChanges, so an `up` after a refresh moves the cluster to the key's newest version without re-encrypting its secrets" });
                    }
                    const key = ctx.graph.resources.find((r) => r.type === KV_KEY && typeof r.state.keyUri === "string" && keyId.startsWith(`${r.state.keyUri as string}/`));
                    if (key) {
                        const actions = (input(key, "properties.rotationPolicy.lifetimeActions") as { action?: { type?: string } }[] | undefined) ?? [];
                        if (actions.some((a) => lower(a.action?.type) === "rotate")) {
                            out.push({ resource: key, detail: "the AKS KMS key has an automatic rotate action; AKS stays on the old version until the rotation procedure runs" });
                        }
                        if (input(key, "properties.rotationPolicy.attributes.expiryTime") !== undefined || input(key, "properties.attributes.expires") !== undefined) {
                            out.push({ resource: key, detail: "the AKS KMS key (or its rotated versions) expires; an expired KMS key stops the API server from decrypting secrets" });
                        }
                    }
                    return out;
                }),
        examples: {
            pass: [
                {
                    title: "a key without rotation policy, the cluster ignoring keyId",
                    resources: [
                        { type: KV_KEY, name: "kms", inputs: { keyName: "etcd", keyUri: "https://kms.vault.azure.net/keys/etcd", properties: { kty: "RSA" } } },
                        { ...aksWithIdentity([], { securityProfile: { azureKeyVaultKms: { enabled: true, keyId: "https://kms.vault.azure.net/keys/etcd/0123" } } }), ignoreChanges: ["securityProfile.azureKeyVaultKms.keyId"] },
                    ],
                },
            ],
            fail: [
                {
                    title: "a yearly-rotated, expiring KMS key",
                    resources: [
                        { type: KV_KEY, name: "kms", inputs: { keyName: "etcd", keyUri: "https://kms.vault.azure.net/keys/etcd", properties: { kty: "RSA", rotationPolicy: { attributes: { expiryTime: "P2Y" }, lifetimeActions: [{ action: { type: "rotate" }, trigger: { timeAfterCreate: "P1Y" } }] } } } },
                        { ...aksWithIdentity([], { securityProfile: { azureKeyVaultKms: { enabled: true, keyId: "https://kms.vault.azure.net/keys/etcd/0123" } } }), ignoreChanges: ["securityProfile.azureKeyVaultKms.keyId"] },
                    ],
                },
                { title: "a cluster that follows the key's version on refresh", resources: [aksWithIdentity([], { securityProfile: { azureKeyVaultKms: { enabled: true, keyId: "https://kms.vault.azure.net/keys/etcd/0123" } } })] },
            ],
        },
    },
    {
        id: "azure-compute-des-auto-rotation-not-reverted",
        kind: "resource",
        cloud: "azure",
        service: "Azure Compute (disk encryption sets)",
        types: [DES],
        rule: "A disk encryption set with rotationToLatestKeyVersionEnabled is moved to each new key version by Azure itself (within an hour of the rotation); the program must not own its activeKey.keyUrl after creation (ignoreChanges), or the next `up` after a refresh points the set back at the old version.",
        source: "https://learn.microsoft.com/azure/virtual-machines/disk-encryption#automatic-key-rotation-of-customer-managed-keys",
        check: (r) => (input(r, "rotationToLatestKeyVersionEnabled") === true && !(r.ignoreChanges ?? []).includes("activeKey.keyUrl") ? ["rotationToLatestKeyVersionEnabled is on but activeKey.keyUrl is not in ignoreChanges"] : []),
        examples: {
            pass: [{ title: "auto-rotation, key URL ignored after creation", resources: [{ type: DES, name: "des", inputs: { rotationToLatestKeyVersionEnabled: true, activeKey: { keyUrl: "https://kv.vault.azure.net/keys/disks/0123" } }, ignoreChanges: ["activeKey.keyUrl"] }] }],
            fail: [{ title: "auto-rotation with a program-owned key URL", resources: [{ type: DES, name: "des", inputs: { rotationToLatestKeyVersionEnabled: true, activeKey: { keyUrl: "https://kv.vault.azure.net/keys/disks/0123" } } }] }],
        },
    },
    {
        id: "azure-keyvault-firewall-admits-readers",
        kind: "graph",
        cloud: "azure",
        service: "Azure Key Vault",
        types: [KV, ROLE_ASSIGNMENT, VM, NIC, PRIVATE_ENDPOINT],
        rule: "With the vault firewall on (default action Deny) or public network access disabled, data-plane requests succeed only from the virtual network subnets the firewall lists (through their service endpoint) or through a private endpoint: every VM granted a key or secret of the vault sits in such a subnet, or reaches the vault through its private endpoint, which then exists before the VM boots.",
        source: `${KV_NETWORK}#key-vault-firewall-enabled-virtual-networks---dynamic-ips`,
        alsoSource: "https://learn.microsoft.com/azure/key-vault/general/private-link-service",
        checkGraph: (ctx) =>
            ctx.graph.resources
                .filter((v) => v.type === KV)
                .flatMap((vault) => {
                    const disabled = input(vault, "properties.publicNetworkAccess") === "Disabled";
                    const deny = input(vault, "properties.networkAcls.defaultAction") === "Deny";
                    if (!disabled && !deny) {
                        return [];
                    }
                    const endpoints = ctx.graph.resources.filter((pe) => pe.type === PRIVATE_ENDPOINT && ((input(pe, "privateLinkServiceConnections") as { privateLinkServiceId?: string }[] | undefined) ?? []).some((c) => lower(c.privateLinkServiceId) === lower(vault.id)));
                    const admitted = disabled ? [] : ((input(vault, "properties.networkAcls.virtualNetworkRules") as { id?: string }[] | undefined) ?? []).map((r) => lower(r.id));
                    const readers = assignments(ctx).filter((a) => covers(vault.id, input(a, "scope")) || covers(input(a, "scope"), vault.id));
                    return readers.flatMap((a) =>
                        runningAs(ctx, input(a, "principalId"))
                            .filter((c) => c.type === VM)
                            .flatMap((vm) => {
                                const nics = ((input(vm, "networkProfile.networkInterfaces") as { id?: string }[] | undefined) ?? []).map((n) => byId(ctx, n.id)).filter((n): n is CapturedResource => n !== undefined);
                                const subnets = nics.flatMap((n) => ((input(n, "ipConfigurations") as { subnet?: { id?: string } }[] | undefined) ?? []).map((c) => c.subnet?.id));
                                return subnets
                                    .filter((s) => !admitted.includes(lower(s)))
                                    .flatMap((s) =>
                                        endpoints.length === 0
                                            ? [{ resource: vm, detail: `reads vault ${String(input(vault, "vaultName"))} (role assignment ${a.name}) from subnet ${String(s)}, which its firewall does not admit${disabled ? " (public network access disabled)" : ""}, and the vault has no private endpoint` }]
                                            : endpoints.some((pe) => ctx.dependsOn(vm, pe))
                                              ? []
                                              : [{ resource: vm, detail: `reads vault ${String(input(vault, "vaultName"))} (role assignment ${a.name}) only through private endpoint ${endpoints[0].name}, but may boot before it exists` }],
                                    );
                            }),
                    );
                }),
        examples: {
            pass: [
                {
                    title: "the VM's subnet listed in the vault's virtual network rules",
                    resources: [
                        { type: KV, name: "kv", id: `${RG_ID}/Microsoft.KeyVault/vaults/kv`, inputs: { vaultName: "kv", properties: { networkAcls: { defaultAction: "Deny", virtualNetworkRules: [{ id: NODES_SUBNET }] } } } },
                        uamiFixture("vm-id", "p5"),
                        grantFixture(ROLE.secretsUser, SECRET_ID, "p5"),
                        { type: NIC, name: "nic", id: `${RG_ID}/Microsoft.Network/networkInterfaces/nic`, inputs: { ipConfigurations: [{ subnet: { id: NODES_SUBNET } }] } },
                        vmFixture("vm-id", [], { networkProfile: { networkInterfaces: [{ id: `${RG_ID}/Microsoft.Network/networkInterfaces/nic` }] } }),
                    ],
                },
            ],
            fail: [
                {
                    title: "a VM reading a private-only vault that may boot before the vault's private endpoint exists",
                    resources: [
                        { type: KV, name: "kv", id: `${RG_ID}/Microsoft.KeyVault/vaults/kv`, inputs: { vaultName: "kv", properties: { publicNetworkAccess: "Disabled", networkAcls: { defaultAction: "Deny" } } } },
                        { type: PRIVATE_ENDPOINT, name: "pe", inputs: { privateEndpointName: "pe", privateLinkServiceConnections: [{ privateLinkServiceId: `${RG_ID}/Microsoft.KeyVault/vaults/kv`, groupIds: ["vault"] }] } },
                        uamiFixture("vm-id", "p5"),
                        grantFixture(ROLE.secretsUser, SECRET_ID, "p5"),
                        { type: NIC, name: "nic", id: `${RG_ID}/Microsoft.Network/networkInterfaces/nic`, inputs: { ipConfigurations: [{ subnet: { id: NODES_SUBNET } }] } },
                        vmFixture("vm-id", [], { networkProfile: { networkInterfaces: [{ id: `${RG_ID}/Microsoft.Network/networkInterfaces/nic` }] } }),
                    ],
                },
                {
                    title: "a bastion in a subnet the firewall does not list, no private endpoint",
                    resources: [
                        { type: KV, name: "kv", id: `${RG_ID}/Microsoft.KeyVault/vaults/kv`, inputs: { vaultName: "kv", properties: { networkAcls: { defaultAction: "Deny", virtualNetworkRules: [{ id: NODES_SUBNET }] } } } },
                        uamiFixture("vm-id", "p5"),
                        grantFixture(ROLE.secretsUser, SECRET_ID, "p5"),
                        { type: NIC, name: "nic", id: `${RG_ID}/Microsoft.Network/networkInterfaces/nic`, inputs: { ipConfigurations: [{ subnet: { id: `${RG_ID}/Microsoft.Network/virtualNetworks/vnet/subnets/public` } }] } },
                        vmFixture("vm-id", [], { networkProfile: { networkInterfaces: [{ id: `${RG_ID}/Microsoft.Network/networkInterfaces/nic` }] } }),
                    ],
                },
            ],
        },
    },
    {
        id: "azure-keyvault-vnet-rule-service-endpoint",
        kind: "graph",
        cloud: "azure",
        service: "Azure Key Vault",
        types: [KV, SUBNET],
        rule: "A key vault virtual network rule names a subnet with the Microsoft.KeyVault service endpoint (unless ignoreMissingVnetServiceEndpoint is set, which leaves the rule without effect).",
        source: "https://learn.microsoft.com/azure/key-vault/general/overview-vnet-service-endpoints",
        alsoSource: "https://learn.microsoft.com/rest/api/keyvault/keyvault/vaults/create-or-update#virtualnetworkrule",
        checkGraph: (ctx) =>
            ctx.graph.resources
                .filter((v) => v.type === KV)
                .flatMap((vault) =>
                    ((input(vault, "properties.networkAcls.virtualNetworkRules") as { id?: string; ignoreMissingVnetServiceEndpoint?: boolean }[] | undefined) ?? [])
                        .filter((rule) => rule.ignoreMissingVnetServiceEndpoint !== true)
                        .flatMap((rule) => {
                            const subnet = byId(ctx, rule.id);
                            if (!subnet) {
                                return []; // a subnet outside the stack: not judged
                            }
                            const services = ((input(subnet, "serviceEndpoints") as { service?: string }[] | undefined) ?? []).map((e) => e.service);
                            return services.includes("Microsoft.KeyVault") ? [] : [{ resource: vault, detail: `virtual network rule ${String(rule.id)}: the subnet has no Microsoft.KeyVault service endpoint` }];
                        }),
                ),
        examples: {
            pass: [
                {
                    title: "a rule on a subnet with the endpoint",
                    resources: [
                        { type: SUBNET, name: "public", id: NODES_SUBNET, inputs: { subnetName: "nodes", serviceEndpoints: [{ service: "Microsoft.KeyVault" }] } },
                        { type: KV, name: "kv", inputs: { vaultName: "kv", properties: { networkAcls: { defaultAction: "Deny", virtualNetworkRules: [{ id: NODES_SUBNET, ignoreMissingVnetServiceEndpoint: false }] } } } },
                    ],
                },
            ],
            fail: [
                {
                    title: "a rule on a subnet without it",
                    resources: [
                        { type: SUBNET, name: "public", id: NODES_SUBNET, inputs: { subnetName: "nodes" } },
                        { type: KV, name: "kv", inputs: { vaultName: "kv", properties: { networkAcls: { defaultAction: "Deny", virtualNetworkRules: [{ id: NODES_SUBNET, ignoreMissingVnetServiceEndpoint: false }] } } } },
                    ],
                },
            ],
        },
    },
    {
        id: "azure-monitor-diagnostic-categories",
        kind: "resource",
        cloud: "azure",
        service: "Azure Monitor",
        types: [DIAGNOSTIC_SETTING],
        rule: "A diagnostic setting enables only resource log categories its target's resource type has.",
        source: "https://learn.microsoft.com/azure/azure-monitor/reference/logs-index",
        alsoSource: "offline/constraints/tables/azure-diagnostic-categories.ts (one supported-logs page per type)",
        check: (r) => {
            const target = str(r, "resourceUri");
            const type = target === undefined ? undefined : resourceTypeOfId(target);
            const known = type === undefined ? undefined : categoriesOf(type);
            if (!known) {
                return type === undefined ? [] : [`target type ${type} is not in the category table; add it with its supported-logs page`];
            }
            return ((input(r, "logs") as { category?: string }[] | undefined) ?? [])
                .map((l) => l.category)
                .filter((c): c is string => typeof c === "string" && !known.categories.includes(c))
                .map((c) => `category ${JSON.stringify(c)} is not a ${known.resourceType} log category (${known.source})`);
        },
        examples: {
            pass: [{ title: "kube-audit on a cluster", resources: [{ type: DIAGNOSTIC_SETTING, name: "d", inputs: { name: "logs", resourceUri: `${RG_ID}/Microsoft.ContainerService/managedClusters/aks`, logs: [{ category: "kube-audit", enabled: true }] } }] }],
            fail: [{ title: "a misspelt category", resources: [{ type: DIAGNOSTIC_SETTING, name: "d", inputs: { name: "logs", resourceUri: `${RG_ID}/Microsoft.ContainerService/managedClusters/aks`, logs: [{ category: "kube-audits", enabled: true }] } }] }],
        },
    },
    {
        id: "azure-loganalytics-workspace-retention",
        kind: "resource",
        cloud: "azure",
        service: "Azure Monitor Logs",
        types: [WORKSPACE],
        rule: "A PerGB2018 Log Analytics workspace keeps data interactively for 30 to 730 days.",
        source: "https://learn.microsoft.com/azure/azure-monitor/logs/data-retention-configure",
        check: (r) => {
            const d = input(r, "retentionInDays");
            return typeof d === "number" && (d < 30 || d > 730) ? [`retentionInDays ${d} is outside 30-730`] : [];
        },
        examples: {
            pass: [{ title: "365 days", resources: [{ type: WORKSPACE, name: "w", inputs: { workspaceName: "logs", retentionInDays: 365 } }] }],
            fail: [{ title: "7 days", resources: [{ type: WORKSPACE, name: "w", inputs: { workspaceName: "logs", retentionInDays: 7 } }] }],
        },
    },
    {
        id: "azure-compute-encryption-at-host-size",
        kind: "resource",
        cloud: "azure",
        service: "Azure Compute",
        types: [VM, MANAGED_CLUSTER, AGENT_POOL],
        rule: "Encryption at host is refused on sizes whose Resource SKU does not report EncryptionAtHostSupported (legacy sizes never do): every VM and node pool that sets it uses a size family known to support it.",
        source: "https://learn.microsoft.com/azure/virtual-machines/disk-encryption#supported-vm-sizes",
        alsoSource: "https://learn.microsoft.com/azure/aks/enable-host-encryption#limitations; components/config/azure-vm-sizes.ts (families, each with its evidence)",
        check: (r) => {
            const sized =
                r.type === VM
                    ? input(r, "securityProfile.encryptionAtHost") === true
                        ? [{ where: "hardwareProfile.vmSize", size: input(r, "hardwareProfile.vmSize") }]
                        : []
                    : poolsOf(r)
                          .filter((p) => p.pool.enableEncryptionAtHost === true)
                          .map((p) => ({ where: `${p.where} vmSize`, size: p.pool.vmSize }));
            return sized.filter((s) => typeof s.size === "string" && !hostEncryptionFamily(s.size)).map((s) => `${s.where} ${JSON.stringify(s.size)} is not a size family known to support encryption at host`);
        },
        examples: {
            pass: [{ title: "Standard_D4ds_v5", resources: [{ type: VM, name: "vm", inputs: { hardwareProfile: { vmSize: "Standard_D4ds_v5" }, securityProfile: { encryptionAtHost: true } } }] }],
            fail: [{ title: "a legacy Standard_A2 with encryption at host", resources: [{ type: VM, name: "vm", inputs: { hardwareProfile: { vmSize: "Standard_A2" }, securityProfile: { encryptionAtHost: true } } }] }],
        },
    },
];

/** Built-in role names the catalogue knows (for messages and tests). */
export const KNOWN_AZURE_ROLE_NAMES = AZURE_BUILTIN_ROLES.map((r) => r.name);
