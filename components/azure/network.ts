/**
 * `platform:azure:Network`: the VNet every other Azure component lives in.
 *
 * Subnets are regional on Azure: each tier uses its zone-0 block of the shared planner as its one
 * subnet (see naming.ts `regionalSubnets`), plus a private-endpoint subnet and the AKS API
 * server subnet (a /28 delegated to AKS for API Server VNet Integration) in planner-free slots. One NSG per subnet with the rule table of firewall.ts (explicit default-deny), an
 * application security group per tier, one NAT gateway for the nodes' and tool VMs' egress
 * (AKS uses it: outboundType userAssignedNATGateway), and VNet flow logs into a storage account
 * through the subscription's EXISTING Network Watcher (one per subscription and region: it is
 * referenced, never created).
 */
import * as network from "@pulumi/azure-native/network";
import * as storage from "@pulumi/azure-native/storage";
import type * as inputs from "@pulumi/azure-native/types/input";
import * as pulumi from "@pulumi/pulumi";
import type { NatStrategy } from "../config";
import type { SubnetPlan } from "../config/cidr";
import type { NetworkOutputs } from "../contracts";
import { resourceName } from "../naming";
import { AzureContext, tagsFor } from "./common";
import { AZURE_SUBNETS, AZURE_TIERS, AzureSubnet, AzureTier, NsgRule, nsgRuleTable } from "./firewall";
import { apiServerSubnet, privateEndpointSubnet, regionalSubnets, storageAccountName } from "./naming";

export interface AzureNetworkArgs {
    readonly ctx: AzureContext;
    /** The VNet block (validated: private IPv4, /16-/20). */
    readonly cidr: string;
    /** Availability zones the platform spreads VMs and node pools over ("1", "2", "3"). */
    readonly zones: readonly string[];
    /** Per-zone blocks per tier from the planner; zone 0 becomes the regional subnet. */
    readonly subnets: SubnetPlan;
    /**
     * Egress. `single` and `perZone` both give ONE NAT gateway on Azure: a NAT gateway serves
     * whole (regional) subnets and a subnet takes one, so per-zone NAT would need per-zone
     * subnets. `none` is refused: AKS's outbound type needs the gateway.
     */
    readonly natStrategy: NatStrategy;
    /** Who may SSH to the bastion (NSG rule on the public subnet). */
    readonly operatorCidrs: readonly string[];
    /** AKS pod overlay range (allowed inside the nodes subnet). */
    readonly podCidr: string;
    /**
     * Who may reach the AKS API's PUBLIC endpoint (access mode `restricted`: the cluster's
     * authorized ranges); empty for a private cluster. Admitted on 443 by the API server
     * subnet's NSG (the public load balancer keeps client addresses).
     */
    readonly apiAuthorizedCidrs: readonly string[];
    /**
     * The bastion's static public IP address (created by the platform before the network): with a
     * public API endpoint, the API server subnet's NSG admits the bastion's tunnel from it.
     */
    readonly bastionPublicIp: pulumi.Input<string>;
    /** VNet flow logs (all traffic) to a storage account, kept `retentionDays`. */
    readonly flowLogs: { readonly enabled: boolean; readonly retentionDays: number };
    /** The subscription's Network Watcher for the region (config.azure.networkWatcher), verified to exist by preflight.ts. */
    readonly networkWatcher: { readonly resourceGroup: string; readonly name: string };
}

/**
 * AKS API Server VNet Integration needs its subnet delegated to AKS (learn.microsoft.com
 * azure/aks/api-server-vnet-integration: "delegated subnet", at least a /28).
 */
export const API_SERVER_DELEGATION = "Microsoft.ContainerService/managedClusters";

/** Service endpoints on the private subnets: Key Vault and Storage firewalls admit these subnets. */
export const SERVICE_ENDPOINTS = ["Microsoft.KeyVault", "Microsoft.Storage"] as const;
/** Service endpoints on the public subnet: the bastion reads its Key Vault secrets through the vault's firewall. */
export const PUBLIC_SERVICE_ENDPOINTS = ["Microsoft.KeyVault"] as const;

export class Network extends pulumi.ComponentResource implements NetworkOutputs {
    readonly networkId: pulumi.Output<string>;
    readonly cidr: string;
    readonly zones: readonly string[];
    readonly publicSubnetIds: pulumi.Output<string>[];
    readonly privateSubnetIds: { readonly nodes: pulumi.Output<string>[]; readonly tools: pulumi.Output<string>[] };
    readonly endpointsSubnetId: pulumi.Output<string>;
    /** The AKS API server subnet (delegated to AKS; API Server VNet Integration). */
    readonly apiServerSubnetId: pulumi.Output<string>;
    /** The regional subnet blocks actually used. */
    readonly subnetCidrs: Readonly<Record<AzureSubnet, string>>;
    readonly natGatewayId: pulumi.Output<string>;
    readonly natPublicIps: pulumi.Output<string>[];
    /** Application security group per tier: the firewall identities. */
    readonly asgIds: Readonly<Record<AzureTier, pulumi.Output<string>>>;
    readonly flowLogStorageAccountId: pulumi.Output<string> | undefined;

    constructor(name: string, args: AzureNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:azure:Network", name, {}, opts);
        validateNetworkArgs(args);
        const built = buildNetwork(name, args, this);
        this.networkId = built.vnet.id;
        this.cidr = args.cidr;
        this.zones = args.zones;
        this.subnetCidrs = built.cidrs;
        this.publicSubnetIds = [built.subnets.public.id];
        this.privateSubnetIds = { nodes: [built.subnets.nodes.id], tools: [built.subnets.tools.id] };
        this.endpointsSubnetId = built.subnets.endpoints.id;
        this.apiServerSubnetId = built.subnets.apiServer.id;
        this.natGatewayId = built.nat.id;
        this.natPublicIps = [built.natIp.ipAddress.apply((ip) => ip ?? "")];
        this.asgIds = Object.fromEntries(AZURE_TIERS.map((t) => [t, built.asgs[t].id])) as Record<AzureTier, pulumi.Output<string>>;
        this.flowLogStorageAccountId = built.flowStorage?.id;
        this.registerOutputs({ networkId: this.networkId, publicSubnetIds: this.publicSubnetIds, privateSubnetIds: this.privateSubnetIds, natPublicIps: this.natPublicIps });
    }
}

export function validateNetworkArgs(args: AzureNetworkArgs): void {
    const problems: string[] = [];
    if (args.natStrategy === "none") {
        problems.push(`natStrategy "none" is not supported on Azure: AKS's outbound type userAssignedNATGateway needs the NAT gateway; use "single"`);
    }
    if (args.flowLogs.enabled && (args.flowLogs.retentionDays < 1 || args.flowLogs.retentionDays > 365)) {
        problems.push(`flowLogs.retentionDays ${args.flowLogs.retentionDays} must be 1-365 (Azure flow log retention)`);
    }
    if (args.zones.length < 1 || args.zones.some((z) => !/^[1-3]$/.test(z))) {
        problems.push(`zones ${JSON.stringify(args.zones)} must be Azure availability zones "1", "2" or "3"`);
    }
    if (problems.length > 0) {
        throw new Error(`platform:azure:Network: ${problems.join("; ")}`);
    }
}

/** The zones for `count` (Azure regions with zones offer exactly "1", "2", "3"). */
export function azureZones(count: number): string[] {
    if (count < 1 || count > 3) {
        throw new Error(`platform:network.zones is ${count} but Azure regions have 3 availability zones; use 2 or 3`);
    }
    return ["1", "2", "3"].slice(0, count);
}

/** A subnet's slug in names (`apiServer` -> `api-server`): kebab case like every other name. */
export function subnetSlug(subnet: AzureSubnet): string {
    return subnet.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The platform's public egress addresses an NSG rule may name (network.ts and the platform create them). */
export interface PlatformEgressAddresses {
    readonly natGateway?: pulumi.Input<string>;
    readonly bastion?: pulumi.Input<string>;
}

/** A platform egress address as a /32 prefix (a rule naming it needs the address). */
function egressPrefix(ruleName: string, which: keyof PlatformEgressAddresses, egress: PlatformEgressAddresses): pulumi.Output<string> {
    const address = egress[which];
    if (address === undefined) {
        throw new Error(`platform:azure:Network: NSG rule ${ruleName} names the ${which} public address, but none was given`);
    }
    return pulumi.output(address).apply((ip) => {
        if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(ip ?? "")) {
            throw new Error(`platform:azure:Network: NSG rule ${ruleName}: the ${which} public IP has no address (${String(ip)})`);
        }
        return `${ip}/32`;
    });
}

/** An NSG rule as azure-native's inline `securityRules` entry. */
export function securityRuleArgs(rule: NsgRule, asgIds: Readonly<Record<AzureTier, pulumi.Input<string>>>, egress: PlatformEgressAddresses = {}): inputs.network.SecurityRuleArgs {
    const source =
        "asg" in rule.source
            ? { sourceApplicationSecurityGroups: [{ id: asgIds[rule.source.asg] }] }
            : "serviceTag" in rule.source
              ? { sourceAddressPrefix: rule.source.serviceTag }
              : "platformEgress" in rule.source
                ? { sourceAddressPrefix: egressPrefix(rule.name, rule.source.platformEgress, egress) }
                : rule.source.prefixes.length === 1
                ? { sourceAddressPrefix: rule.source.prefixes[0] }
                : { sourceAddressPrefixes: [...rule.source.prefixes] };
    const destination =
        "asg" in rule.destination
            ? { destinationApplicationSecurityGroups: [{ id: asgIds[rule.destination.asg] }] }
            : rule.destination.prefixes.length === 1
              ? { destinationAddressPrefix: rule.destination.prefixes[0] }
              : { destinationAddressPrefixes: [...rule.destination.prefixes] };
    return {
        name: rule.name,
        priority: rule.priority,
        direction: "Inbound",
        access: rule.access,
        protocol: rule.protocol,
        sourcePortRange: "*",
        destinationPortRange: rule.port,
        description: rule.description,
        ...source,
        ...destination,
    };
}

function buildNetwork(name: string, args: AzureNetworkArgs, parent: pulumi.Resource) {
    const { ctx } = args;
    const opts: pulumi.CustomResourceOptions = { parent };
    const n = (...parts: (string | number)[]) => resourceName(ctx.prefix, ...parts);
    const child = (...parts: string[]) => [name, ...parts].join("-");
    const common = { resourceGroupName: ctx.resourceGroupName, location: ctx.location };

    const regional = regionalSubnets(args.subnets);
    const cidrs: Record<AzureSubnet, string> = {
        ...regional,
        endpoints: privateEndpointSubnet(args.cidr, args.subnets),
        apiServer: apiServerSubnet(args.cidr, args.subnets),
    };

    // Identities first: the NSG rules name them.
    const asgs = Object.fromEntries(
        AZURE_TIERS.map((tier) => {
            const slug = tier.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
            return [tier, new network.ApplicationSecurityGroup(child("asg", slug), { ...common, applicationSecurityGroupName: n("asg", slug), tags: tagsFor(ctx, n("asg", slug), { tier: slug }) }, opts)];
        }),
    ) as Record<AzureTier, network.ApplicationSecurityGroup>;
    const asgIds = Object.fromEntries(AZURE_TIERS.map((t) => [t, asgs[t].id])) as Record<AzureTier, pulumi.Output<string>>;

    // Before the NSGs: the API server subnet's rule for the platform's egress names its address.
    const natIp = new network.PublicIPAddress(
        child("nat-ip"),
        {
            ...common,
            publicIpAddressName: n("nat-ip"),
            sku: { name: "Standard", tier: "Regional" },
            publicIPAllocationMethod: "Static",
            publicIPAddressVersion: "IPv4",
            tags: tagsFor(ctx, n("nat-ip"), { role: "nat" }),
        },
        opts,
    );
    const table = nsgRuleTable({
        operatorCidrs: args.operatorCidrs,
        nodesCidr: cidrs.nodes,
        podCidr: args.podCidr,
        networkCidr: args.cidr,
        apiServerCidr: cidrs.apiServer,
        apiAuthorizedCidrs: args.apiAuthorizedCidrs,
    });
    const nsgs = Object.fromEntries(
        AZURE_SUBNETS.map((subnet) => [
            subnet,
            new network.NetworkSecurityGroup(
                child("nsg", subnetSlug(subnet)),
                {
                    ...common,
                    networkSecurityGroupName: n("nsg", subnetSlug(subnet)),
                    // Inline rules: the NSG owns its whole rule set, so a rule added by hand is
                    // removed on the next `pulumi up` (no drift survives).
                    securityRules: table[subnet].map((r) => securityRuleArgs(r, asgIds, { natGateway: natIp.ipAddress.apply((ip) => ip ?? ""), bastion: args.bastionPublicIp })),
                    tags: tagsFor(ctx, n("nsg", subnetSlug(subnet)), { tier: subnetSlug(subnet) }),
                },
                opts,
            ),
        ]),
    ) as Record<AzureSubnet, network.NetworkSecurityGroup>;

    const vnet = new network.VirtualNetwork(
        child("vnet"),
        {
            ...common,
            virtualNetworkName: n("vnet"),
            addressSpace: { addressPrefixes: [args.cidr] },
            tags: tagsFor(ctx, n("vnet")),
        },
        // Subnets are separate resources: inline `subnets` would fight them on every update.
        { parent, ignoreChanges: ["subnets"] },
    );

    const nat = new network.NatGateway(
        child("nat"),
        {
            ...common,
            natGatewayName: n("nat"),
            sku: { name: "Standard" },
            publicIpAddresses: [{ id: natIp.id }],
            idleTimeoutInMinutes: 4,
            tags: tagsFor(ctx, n("nat"), { role: "nat" }),
        },
        opts,
    );

    // Subnet operations on one VNet conflict when run in parallel (AnotherOperationInProgress):
    // each subnet waits for the previous one.
    const subnets = {} as Record<AzureSubnet, network.Subnet>;
    let previous: pulumi.Resource | undefined;
    for (const subnet of AZURE_SUBNETS) {
        const privateTier = subnet === "nodes" || subnet === "tools";
        // The bastion reads its enrollment secret from the platform Key Vault: without a private
        // endpoint (dev) the vault's firewall admits it through this service endpoint.
        const serviceEndpoints: readonly string[] = privateTier ? SERVICE_ENDPOINTS : subnet === "public" ? PUBLIC_SERVICE_ENDPOINTS : [];
        const s = new network.Subnet(
            child("subnet", subnetSlug(subnet)),
            {
                resourceGroupName: ctx.resourceGroupName,
                virtualNetworkName: vnet.name,
                subnetName: n(subnetSlug(subnet)),
                addressPrefix: cidrs[subnet],
                networkSecurityGroup: { id: nsgs[subnet].id },
                ...(privateTier ? { natGateway: { id: nat.id } } : {}),
                ...(serviceEndpoints.length > 0 ? { serviceEndpoints: serviceEndpoints.map((service) => ({ service })) } : {}),
                // No implicit outbound address for anything in the VNet: egress is the NAT
                // gateway (or the bastion's own public IP), never Azure's default outbound access.
                defaultOutboundAccess: false,
                // NSGs filter private endpoints too (they ignore NSGs unless this is enabled).
                privateEndpointNetworkPolicies: subnet === "endpoints" ? "Enabled" : "Disabled",
                // AKS projects the API server's internal load balancer into this subnet only
                // when it is delegated to it; nothing else may live there.
                ...(subnet === "apiServer" ? { delegations: [{ name: "aks-api-server", serviceName: API_SERVER_DELEGATION }] } : {}),
            },
            { parent, ...(previous ? { dependsOn: [previous] } : {}) },
        );
        subnets[subnet] = s;
        previous = s;
    }

    let flowStorage: storage.StorageAccount | undefined;
    if (args.flowLogs.enabled) {
        flowStorage = new storage.StorageAccount(
            child("flow-logs-storage"),
            {
                ...common,
                accountName: storageAccountName(ctx.prefix, "flow", ctx.subscriptionId),
                kind: "StorageV2",
                sku: { name: "Standard_LRS" },
                allowBlobPublicAccess: false,
                minimumTlsVersion: "TLS1_2",
                enableHttpsTrafficOnly: true,
                // Flow logs are written by Network Watcher, a trusted Azure service; nothing else.
                networkRuleSet: { defaultAction: "Deny", bypass: "AzureServices" },
                tags: tagsFor(ctx, n("flow-logs")),
            },
            { parent, protect: ctx.protect },
        );
        new network.FlowLog(
            child("flow-log"),
            {
                // Flow logs are children of the Network Watcher, in its resource group.
                resourceGroupName: args.networkWatcher.resourceGroup,
                // The subscription's existing watcher, checked before anything was created
                // (preflight.ts): referenced, never created (one per subscription and region).
                networkWatcherName: args.networkWatcher.name,
                flowLogName: n("vnet-flow-log"),
                location: ctx.location,
                targetResourceId: vnet.id,
                storageId: flowStorage.id,
                enabled: true,
                format: { type: "JSON", version: 2 },
                retentionPolicy: { enabled: true, days: args.flowLogs.retentionDays },
                tags: tagsFor(ctx, n("vnet-flow-log")),
            },
            opts,
        );
    }

    return { vnet, cidrs, asgs, nsgs, natIp, nat, subnets, flowStorage };
}
