/**
 * Azure readings for the cross-cloud tables (lib/network.ts, lib/stack.ts, rules/all/*) and
 * helpers for the azure-* rules. Azure type tokens are `azure-native:<module>:<Type>`; the pack
 * matches tokens, so it needs no azure-native dependency of its own.
 */
import type { PolicyResource } from "@pulumi/policy";
import type { Ingress } from "./network";
import { field, isUnknown, list, plain, UNKNOWN } from "./values";

export const AZ = {
    nsg: "azure-native:network:NetworkSecurityGroup",
    securityRule: "azure-native:network:SecurityRule",
    subnet: "azure-native:network:Subnet",
    vnet: "azure-native:network:VirtualNetwork",
    nic: "azure-native:network:NetworkInterface",
    publicIp: "azure-native:network:PublicIPAddress",
    natGateway: "azure-native:network:NatGateway",
    flowLog: "azure-native:network:FlowLog",
    vm: "azure-native:compute:VirtualMachine",
    disk: "azure-native:compute:Disk",
    aks: "azure-native:containerservice:ManagedCluster",
    agentPool: "azure-native:containerservice:AgentPool",
    keyVault: "azure-native:keyvault:Vault",
    key: "azure-native:keyvault:Key",
    storageAccount: "azure-native:storage:StorageAccount",
    blobContainer: "azure-native:storage:BlobContainer",
    recoveryVault: "azure-native:recoveryservices:Vault",
    protectionPolicy: "azure-native:recoveryservices:ProtectionPolicy",
    protectedItem: "azure-native:recoveryservices:ProtectedItem",
} as const;

/**
 * The value at a dotted path, or the UNKNOWN sentinel when any step is unknown (preview), so a
 * rule can give the benefit of the doubt with one `isUnknown` check.
 */
export function at(value: unknown, path: string): unknown {
    let cur: unknown = value;
    for (const key of path.split(".")) {
        if (isUnknown(cur)) {
            return UNKNOWN;
        }
        cur = Array.isArray(cur) && /^\d+$/.test(key) ? cur[Number(key)] : field(cur, key);
    }
    return cur;
}

/** NSG address prefixes as CIDRs: service tags meaning "anywhere" become 0.0.0.0/0; platform tags are dropped. */
function azureSources(values: unknown[]): string[] {
    const out: string[] = [];
    for (const v of values) {
        if (typeof v !== "string" || isUnknown(v)) {
            continue;
        }
        if (["*", "any", "internet", "0.0.0.0/0"].includes(v.toLowerCase())) {
            out.push("0.0.0.0/0");
        } else if (["virtualnetwork", "azureloadbalancer"].includes(v.toLowerCase())) {
            // Inside the VNet / Azure's own probes: not internet sources.
            continue;
        } else {
            out.push(v);
        }
    }
    return out;
}

function azurePorts(protocol: string, ranges: unknown[]): { ports?: Ingress["ports"]; unknown: boolean }[] {
    if (ranges.length === 0) {
        return [{ unknown: false }];
    }
    return ranges.map((r) => {
        if (isUnknown(r)) {
            return { unknown: true };
        }
        const m = typeof r === "string" ? /^(\d+)(?:-(\d+))?$/.exec(r) : null;
        if (protocol === "all" || !m) {
            return { unknown: false };
        }
        const from = Number(m[1]);
        const to = Number(m[2] ?? m[1]);
        return from === 0 && to === 65535 ? { unknown: false } : { ports: { from, to }, unknown: false };
    });
}

/** The ingress a security rule grants (inbound Allow only). */
function ruleIngress(rule: unknown, where: string): Ingress[] {
    const direction = field(rule, "direction");
    const access = field(rule, "access");
    if (direction === "Outbound" || access === "Deny") {
        return [];
    }
    const rawProtocol = field(rule, "protocol");
    const protocol = isUnknown(rawProtocol) ? "all" : String(rawProtocol ?? "*") === "*" ? "all" : String(rawProtocol).toLowerCase();
    const sources = azureSources([field(rule, "sourceAddressPrefix"), ...list(field(rule, "sourceAddressPrefixes"))]);
    const ranges = [field(rule, "destinationPortRange"), ...list(field(rule, "destinationPortRanges"))].filter((v) => v !== undefined);
    const unknownRule = [direction, access, rawProtocol, field(rule, "destinationPortRanges")].some(isUnknown);
    return azurePorts(protocol, ranges).map((p) => ({
        where,
        sources: isUnknown(direction) || isUnknown(access) ? [] : sources,
        protocol,
        ...(p.ports ? { ports: p.ports } : {}),
        unknownPorts: unknownRule || p.unknown || isUnknown(rawProtocol),
    }));
}

/** Ingress readers for NSGs (inline `securityRules`) and standalone security rules. */
export const AZURE_INGRESS_READERS: Readonly<Record<string, (props: Record<string, unknown>) => Ingress[]>> = {
    [AZ.nsg]: (props) =>
        list(props.securityRules).flatMap((rule, i) => {
            const name = field(rule, "name");
            return ruleIngress(rule, `securityRules[${i}]${typeof name === "string" && !isUnknown(name) ? ` "${name}"` : ""}`);
        }),
    [AZ.securityRule]: (props) => ruleIngress(props, "securityRule"),
};

/** Firewall-like Azure types (the targets of ingress permissions). */
export const AZURE_FIREWALL_TYPES: readonly string[] = [AZ.nsg];

/** Resources that reference `target` (they list it among their dependencies). */
function referrersOf(all: readonly PolicyResource[], target: PolicyResource, types: readonly string[]): PolicyResource[] {
    return all.filter((r) => types.includes(r.type) && r.dependencies.some((d) => d.urn === target.urn));
}

/**
 * An NSG is the bastion's alone when every NIC it filters (directly, or through the subnets it
 * is attached to) is a bastion NIC, and there is at least one.
 */
export function nsgIsBastionOnly(nsg: PolicyResource, all: readonly PolicyResource[], isBastion: (r: PolicyResource) => boolean): boolean {
    const subnets = referrersOf(all, nsg, [AZ.subnet]);
    const nics = [...referrersOf(all, nsg, [AZ.nic]), ...subnets.flatMap((s) => referrersOf(all, s, [AZ.nic]))];
    return nics.length > 0 && nics.every(isBastion);
}

/** The delegation AKS's API Server VNet Integration subnet carries. */
export const AKS_API_SERVER_DELEGATION = "Microsoft.ContainerService/managedClusters";

/**
 * When an NSG guards ONLY an AKS API server (API Server VNet Integration): every subnet it is
 * attached to is delegated to AKS, no NIC uses it, and a ManagedCluster of the stack references
 * such a subnet. Returns those clusters' `apiServerAccessProfile.authorizedIPRanges` (the public
 * endpoint's allowlist, which the NSG must admit because the load balancer keeps client
 * addresses); `undefined` for any other NSG. Unknown values (preview) never qualify.
 */
export function nsgAksApiAuthorizedRanges(nsg: PolicyResource, all: readonly PolicyResource[]): string[] | undefined {
    const subnets = referrersOf(all, nsg, [AZ.subnet]);
    if (subnets.length === 0 || referrersOf(all, nsg, [AZ.nic]).length > 0) {
        return undefined;
    }
    const delegated = (s: PolicyResource) => list(field(plain(s.props), "delegations")).some((d) => field(d, "serviceName") === AKS_API_SERVER_DELEGATION);
    if (!subnets.every(delegated) || subnets.some((s) => referrersOf(all, s, [AZ.nic]).length > 0)) {
        return undefined;
    }
    const clusters = subnets.flatMap((s) => referrersOf(all, s, [AZ.aks]));
    if (clusters.length === 0) {
        return undefined;
    }
    return clusters.flatMap((c) => list(field(field(plain(c.props), "apiServerAccessProfile"), "authorizedIPRanges")).filter((r): r is string => typeof r === "string"));
}

/** Public-address checks per Azure type (the role=bastion / role=nat resources are exempt). */
export const AZURE_PUBLIC_IP_CHECKS: Readonly<Record<string, (r: PolicyResource, all: readonly PolicyResource[]) => string[]>> = {
    [AZ.publicIp]: (r, all) => {
        const usedByNat = referrersOf(all, r, [AZ.natGateway]).length > 0;
        return usedByNat ? [] : ["it is attached to neither a NAT gateway nor the bastion"];
    },
    [AZ.nic]: (r) =>
        list(field(plain(r.props), "ipConfigurations"))
            .map((c, i) => (field(c, "publicIPAddress") !== undefined && !isUnknown(field(c, "publicIPAddress")) ? `ipConfigurations[${i}].publicIPAddress is set` : undefined))
            .filter((m): m is string => m !== undefined),
    [AZ.aks]: (r) =>
        list(field(plain(r.props), "agentPoolProfiles"))
            .map((p, i) => (field(p, "enableNodePublicIP") === true ? `agentPoolProfiles[${i}].enableNodePublicIP is true` : undefined))
            .filter((m): m is string => m !== undefined),
    [AZ.agentPool]: (r) => (field(plain(r.props), "enableNodePublicIP") === true ? ["enableNodePublicIP is true"] : []),
};

/** VM sizes a resource asks for (cost allowlist). */
export const AZURE_INSTANCE_TYPE_READERS: Readonly<Record<string, (props: Record<string, unknown>) => { where: string; value: unknown }[]>> = {
    [AZ.vm]: (p) => [{ where: "hardwareProfile.vmSize", value: at(p, "hardwareProfile.vmSize") }],
    [AZ.aks]: (p) => list(p.agentPoolProfiles).map((pool, i) => ({ where: `agentPoolProfiles[${i}].vmSize`, value: field(pool, "vmSize") })),
    [AZ.agentPool]: (p) => [{ where: "vmSize", value: p.vmSize }],
};

/** Azure types holding state a destroy or replacement would lose. */
export const AZURE_STATEFUL_TYPES: readonly string[] = [AZ.disk, AZ.keyVault, AZ.key, AZ.storageAccount, AZ.recoveryVault, AZ.aks];

/**
 * Azure types whose Args take `tags` (azure-native has no provider default tags: each resource
 * carries its own). tests/stacks/tags.test.ts derives taggability from the SDK and checks this
 * list covers every taggable type the stacks use.
 */
export const AZURE_TAGGABLE: readonly string[] = [
    "azure-native:resources:ResourceGroup",
    AZ.nsg,
    AZ.vnet,
    AZ.nic,
    AZ.publicIp,
    AZ.natGateway,
    AZ.flowLog,
    "azure-native:network:ApplicationSecurityGroup",
    AZ.vm,
    AZ.disk,
    "azure-native:compute:DiskEncryptionSet",
    AZ.aks,
    AZ.agentPool,
    AZ.keyVault,
    AZ.key,
    "azure-native:keyvault:Secret",
    AZ.storageAccount,
    AZ.recoveryVault,
    AZ.protectionPolicy,
    AZ.protectedItem,
    "azure-native:managedidentity:UserAssignedIdentity",
    "azure-native:network:PrivateEndpoint",
    "azure-native:privatedns:PrivateZone",
    // The platform Log Analytics workspace (components/azure/monitoring.ts).
    "azure-native:operationalinsights:Workspace",
    "azure-native:privatedns:VirtualNetworkLink",
];
