/**
 * `platform:gcp:Network`: a custom-mode VPC (no auto subnets) with one regional subnet per tier.
 *
 * Subnet mapping. The CIDR planner (components/config/cidr.ts) gives one block per zone and
 * tier, because AWS and Azure subnets are zonal. GCP subnets are REGIONAL: one subnet serves
 * every zone of the region. So each tier's zone-0 block becomes that tier's regional subnet
 * (nodes /19, tools /22, public /24 of a /16), and the other zones' blocks stay unused and
 * reserved: the layout never renumbers, and a later move to per-zone subnets has room.
 * The node subnet carries two secondary ranges (VPC-native GKE): `pods` = cluster.podCidr and
 * `services` = cluster.serviceCidr; config validation keeps them and the control plane /28
 * outside the network and apart from each other.
 *
 * Every subnet: Private Google Access (nodes and tool VMs reach Google APIs without public IPs)
 * and flow logs sampled per environment. Egress: one Cloud Router + Cloud NAT (regional and
 * managed by Google, so there is no per-zone NAT to lose), on static addresses so partners can
 * allowlist them, with error logging (dev) or full translation logging (staging, prod).
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { Environment, NatStrategy } from "../config";
import type { SubnetPlan } from "../config/cidr";
import type { NetworkOutputs } from "../contracts";
import { gcpName, nameLabels } from "./labels";

/** Secondary range names on the node subnet (the cluster's ipAllocationPolicy names them). */
export const POD_RANGE_NAME = "pods";
export const SERVICE_RANGE_NAME = "services";

/**
 * Flow-log settings per environment: sampling and aggregation trade cost (log volume) against
 * detail. Prod keeps every flow at the finest interval (incident forensics); dev samples a quarter.
 */
export const FLOW_LOG_SETTINGS: Readonly<Record<Environment, { readonly flowSampling: number; readonly aggregationInterval: string }>> = {
    dev: { flowSampling: 0.25, aggregationInterval: "INTERVAL_1_MIN" },
    staging: { flowSampling: 0.5, aggregationInterval: "INTERVAL_30_SEC" },
    prod: { flowSampling: 1.0, aggregationInterval: "INTERVAL_5_SEC" },
};

/** Cloud NAT log filter per environment (ERRORS_ONLY | TRANSLATIONS_ONLY | ALL). */
export const NAT_LOG_FILTER: Readonly<Record<Environment, "ERRORS_ONLY" | "ALL">> = { dev: "ERRORS_ONLY", staging: "ALL", prod: "ALL" };

/** Static NAT addresses: one, or one per zone with `perZone` (more source ports, same regional gateway). */
export function natAddressCount(strategy: NatStrategy, zones: number): number {
    switch (strategy) {
        case "none":
            return 0;
        case "single":
            return 1;
        case "perZone":
            return zones;
        default: {
            const impossible: never = strategy;
            throw new Error(`unknown natStrategy ${String(impossible)}`);
        }
    }
}

export interface GcpNetworkArgs {
    /** Physical-name prefix (`<project>-<env>-<cloud>`). */
    readonly prefix: string;
    readonly environment: Environment;
    /** The VPC block (validated: private IPv4, /16-/20); documentation only: GCP VPCs have no CIDR. */
    readonly cidr: string;
    /** Zone names the platform uses (from the zones invoke), in order. */
    readonly zoneNames: readonly string[];
    /** Per-zone blocks; the zone-0 block of each tier becomes its regional subnet. */
    readonly subnets: SubnetPlan;
    /** GKE secondary ranges on the node subnet. */
    readonly podCidr: string;
    readonly serviceCidr: string;
    /** See {@link natAddressCount}; `none` creates no router and no NAT. */
    readonly natStrategy: NatStrategy;
    /** Subnet flow logs (sampling per environment). Default on. */
    readonly flowLogs: { readonly enabled: boolean };
    /** Services that must be enabled first (compute API). */
    readonly dependsOn?: readonly pulumi.Resource[];
}

export class Network extends pulumi.ComponentResource implements NetworkOutputs {
    readonly networkId: pulumi.Output<string>;
    /** The network's self link (firewalls and instances reference it). */
    readonly selfLink: pulumi.Output<string>;
    readonly cidr: string;
    readonly zones: readonly string[];
    /** One regional subnet per tier: these arrays hold exactly one id each (see the module doc). */
    readonly publicSubnetIds: pulumi.Output<string>[];
    readonly privateSubnetIds: { readonly nodes: pulumi.Output<string>[]; readonly tools: pulumi.Output<string>[] };
    /** The regional subnets' primary ranges. */
    readonly subnetCidrs: { readonly public: string; readonly nodes: string; readonly tools: string };
    readonly natPublicIps: pulumi.Output<string>[];

    constructor(name: string, args: GcpNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:gcp:Network", name, {}, opts);
        validateNetworkArgs(args);
        const built = buildNetwork(name, args, this);
        this.networkId = built.network.id;
        this.selfLink = built.network.selfLink;
        this.cidr = args.cidr;
        this.zones = args.zoneNames;
        this.publicSubnetIds = [built.subnets.public.id];
        this.privateSubnetIds = { nodes: [built.subnets.nodes.id], tools: [built.subnets.tools.id] };
        this.subnetCidrs = regionalSubnetCidrs(args.subnets);
        this.natPublicIps = built.natAddresses.map((a) => a.address);
        this.registerOutputs({ networkId: this.networkId, publicSubnetIds: this.publicSubnetIds, privateSubnetIds: this.privateSubnetIds, natPublicIps: this.natPublicIps });
    }
}

/** The regional subnet of each tier: its zone-0 block. */
export function regionalSubnetCidrs(plan: SubnetPlan): { public: string; nodes: string; tools: string } {
    return { public: plan.public[0], nodes: plan.nodes[0], tools: plan.tools[0] };
}

export function validateNetworkArgs(args: GcpNetworkArgs): void {
    const problems: string[] = [];
    if (args.zoneNames.length < 2) {
        problems.push(`needs at least 2 zones for node pools and tool VMs, got ${args.zoneNames.length}`);
    }
    for (const tier of ["public", "nodes", "tools"] as const) {
        if (args.subnets[tier].length === 0) {
            problems.push(`subnets.${tier} is empty; the zone-0 block is the regional subnet`);
        }
    }
    if (problems.length > 0) {
        throw new Error(`platform:gcp:Network: ${problems.join("; ")}`);
    }
}

/**
 * Cloud NAT ports per VM with Dynamic Port Allocation: 64 to start (the static default), up to 4096
 * under load, allocated on demand. One NAT address has 64,512 ports: 4096 each for the at most 14
 * NATed nodes and VMs of a staging profile at full scale plus surge still fit in it (prod has one
 * address per zone).
 */
export const NAT_PORTS_PER_VM = { min: 64, max: 4096 } as const;

function buildNetwork(name: string, args: GcpNetworkArgs, parent: pulumi.Resource) {
    // Every resource here has a fixed name unique in its scope: a replacement (a subnet's range, the
    // router's network) deletes the old one first, or the new one collides with it (409 alreadyExists).
    const opts: pulumi.CustomResourceOptions = { parent, deleteBeforeReplace: true, dependsOn: [...(args.dependsOn ?? [])] };
    const n = (...parts: string[]) => gcpName(args.prefix, ...parts);
    const child = (...parts: string[]) => [name, ...parts].join("-");
    const cidrs = regionalSubnetCidrs(args.subnets);

    const network = new gcp.compute.Network(
        child("vpc"),
        {
            name: n("vpc"),
            description: `${args.prefix}: custom-mode VPC (subnets declared, never auto-created)`,
            autoCreateSubnetworks: false,
            routingMode: "REGIONAL",
            // Keep the default internet route: Cloud NAT and the bastion's external IP use it.
            deleteDefaultRoutesOnCreate: false,
        },
        opts,
    );

    const flow = FLOW_LOG_SETTINGS[args.environment];
    const logConfig = args.flowLogs.enabled ? { aggregationInterval: flow.aggregationInterval, flowSampling: flow.flowSampling, metadata: "INCLUDE_ALL_METADATA" } : undefined;
    const subnet = (tier: "public" | "nodes" | "tools", extra: Partial<gcp.compute.SubnetworkArgs>) =>
        new gcp.compute.Subnetwork(
            child(tier),
            {
                name: n(tier),
                description: `${tier} tier (regional; the planner's zone-0 block)`,
                network: network.id,
                ipCidrRange: cidrs[tier],
                // Google APIs (image pulls, logging, KMS, Secret Manager) without public IPs.
                privateIpGoogleAccess: true,
                stackType: "IPV4_ONLY",
                ...(logConfig ? { logConfig } : {}),
                ...extra,
            },
            opts,
        );
    const subnets = {
        public: subnet("public", {}),
        nodes: subnet("nodes", {
            secondaryIpRanges: [
                { rangeName: POD_RANGE_NAME, ipCidrRange: args.podCidr },
                { rangeName: SERVICE_RANGE_NAME, ipCidrRange: args.serviceCidr },
            ],
        }),
        tools: subnet("tools", {}),
    };

    const count = natAddressCount(args.natStrategy, args.zoneNames.length);
    const natAddresses = Array.from(
        { length: count },
        (_v, i) =>
            new gcp.compute.Address(
                child("nat-ip", String(i)),
                { name: n("nat", String(i)), description: "Cloud NAT egress address (stable for partners' allowlists)", addressType: "EXTERNAL", networkTier: "PREMIUM", labels: nameLabels(n("nat", String(i)), { role: "nat" }) },
                opts,
            ),
    );
    // Cloud DNS query logging for every VM and node of the VPC (CIS Google Cloud Foundations 2.12;
    // cloud.google.com/dns/docs/monitoring#using_logging): a DNS server policy on the network with
    // logging on, nothing else changed (no inbound forwarding, no alternative name servers).
    new gcp.dns.Policy(
        child("dns-logging"),
        { name: n("dns-logging"), description: "Logs the VPC's DNS queries (managed by Pulumi)", enableLogging: true, enableInboundForwarding: false, networks: [{ networkUrl: network.id }] },
        opts,
    );
    if (count > 0) {
        const router = new gcp.compute.Router(child("router"), { name: n("router"), network: network.id, description: "Cloud NAT's router" }, opts);
        new gcp.compute.RouterNat(
            child("nat"),
            {
                name: n("nat"),
                router: router.name,
                natIpAllocateOption: "MANUAL_ONLY",
                natIps: natAddresses.map((a) => a.selfLink),
                // Only the private tiers egress through NAT; the public subnet holds the bastion,
                // which has its own address.
                sourceSubnetworkIpRangesToNat: "LIST_OF_SUBNETWORKS",
                subnetworks: [
                    // The provider wants the subnets' self links here.
                    { name: subnets.nodes.selfLink, sourceIpRangesToNats: ["ALL_IP_RANGES"] },
                    { name: subnets.tools.selfLink, sourceIpRangesToNats: ["ALL_IP_RANGES"] },
                ],
                enableEndpointIndependentMapping: false,
                // Dynamic Port Allocation: a node's many pods can open more than the static 64
                // connections to one destination (a registry, a Google API) without exhausting its
                // ports; each VM starts at NAT_PORTS_PER_VM.min and grows to .max
                // (cloud.google.com/nat/docs/ports-and-addresses#dynamic-port; powers of two, min >= 32,
                // exclusive with endpoint-independent mapping: the catalogue's gcp-nat-dynamic-ports).
                enableDynamicPortAllocation: true,
                minPortsPerVm: NAT_PORTS_PER_VM.min,
                maxPortsPerVm: NAT_PORTS_PER_VM.max,
                logConfig: { enable: true, filter: NAT_LOG_FILTER[args.environment] },
            },
            opts,
        );
    }
    return { network, subnets, natAddresses };
}
