/**
 * CIDR parsing and the subnet planner. Address math comes from `ip-address`; this module only
 * decides the layout.
 */
import { Address4, Address6 } from "ip-address";

export interface ParsedCidr {
    readonly version: 4 | 6;
    readonly prefix: number;
    /** First address as an integer. */
    readonly start: bigint;
    /** Last address as an integer. */
    readonly end: bigint;
    /** Canonical text (`10.20.0.0/16`). */
    readonly text: string;
}

/** Why a string is not a usable CIDR block, or `undefined` when it is one. */
export function cidrProblem(value: string): string | undefined {
    if (!/\/\d{1,3}$/.test(value)) {
        return "is not a CIDR block (address/prefix, e.g. 10.20.0.0/16)";
    }
    const v4 = Address4.isValid(value);
    const v6 = !v4 && Address6.isValid(value);
    if (!v4 && !v6) {
        return "is not a valid CIDR block (address/prefix, e.g. 10.20.0.0/16)";
    }
    const parsed = parseCidrUnchecked(value);
    const canonical = canonicalCidr(parsed.version, parsed.start, parsed.prefix);
    if (v4 && canonical !== value) {
        return `has host bits set; did you mean ${canonical}?`;
    }
    if (v6 && parseCidrUnchecked(canonical).start !== new Address6(value).bigInt()) {
        return `has host bits set; did you mean ${canonical}?`;
    }
    return undefined;
}

function parseCidrUnchecked(value: string): ParsedCidr {
    if (Address4.isValid(value)) {
        const a = new Address4(value);
        return { version: 4, prefix: a.subnetMask, start: a.startAddress().bigInt(), end: a.endAddress().bigInt(), text: value };
    }
    const a = new Address6(value);
    return { version: 6, prefix: a.subnetMask, start: a.startAddress().bigInt(), end: a.endAddress().bigInt(), text: value };
}

function canonicalCidr(version: 4 | 6, start: bigint, prefix: number): string {
    const address = version === 4 ? Address4.fromBigInt(start).address : Address6.fromBigInt(start).correctForm();
    return `${address}/${prefix}`;
}

/** Parses a CIDR that `cidrProblem` accepted; throws otherwise. */
export function parseCidr(value: string): ParsedCidr {
    const problem = cidrProblem(value);
    if (problem) {
        throw new Error(`"${value}" ${problem}`);
    }
    return parseCidrUnchecked(value);
}

/** True when two blocks share at least one address. */
export function cidrsOverlap(a: string, b: string): boolean {
    const pa = parseCidr(a);
    const pb = parseCidr(b);
    return pa.version === pb.version && pa.start <= pb.end && pb.start <= pa.end;
}

/** True when `inner` lies entirely inside `outer`. */
export function cidrContains(outer: string, inner: string): boolean {
    const po = parseCidr(outer);
    const pi = parseCidr(inner);
    return po.version === pi.version && po.start <= pi.start && pi.end <= po.end;
}

/** True for a block that covers the whole address space (0.0.0.0/0, ::/0). */
export function isWorldCidr(value: string): boolean {
    return parseCidr(value).prefix === 0;
}

/** The RFC 1918 and RFC 6598 ranges a private network may use. */
export const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"] as const;

/** The `index`-th block of `newBits` extra prefix bits inside `network`. */
export function subnetAt(network: string, newBits: number, index: number): string {
    const n = parseCidr(network);
    const width = n.version === 4 ? 32 : 128;
    const prefix = n.prefix + newBits;
    if (prefix > width) {
        throw new Error(`cannot carve /${prefix} blocks out of ${network}`);
    }
    if (index < 0 || index >= 2 ** newBits) {
        throw new Error(`${network} holds ${2 ** newBits} blocks of /${prefix}; index ${index} is out of range`);
    }
    const size = 1n << BigInt(width - prefix);
    return canonicalCidr(n.version, n.start + size * BigInt(index), prefix);
}

/** Subnet tiers every cloud plans: per zone, one block each. */
export type SubnetTier = "public" | "nodes" | "tools";
export const SUBNET_TIERS: readonly SubnetTier[] = ["nodes", "tools", "public"];

export type SubnetPlan = Readonly<Record<SubnetTier, readonly string[]>>;

/**
 * Zone slots reserved per tier. The layout never depends on how many zones are used, so
 * growing from 2 to 3 zones adds subnets without renumbering (and replacing) existing ones.
 */
export const ZONE_SLOTS = 4;

/**
 * Relative size of each tier's per-zone block (extra prefix bits over the network):
 * nodes /19 of a /16 (pods take VPC addresses with the AWS VPC CNI), tools /22, public /24
 * (NAT and bastion only). Tiers are laid out largest first, each aligned to its size, so no
 * two blocks can overlap. Half of the network stays free for later tiers.
 */
export const TIER_NEW_BITS: Readonly<Record<SubnetTier, number>> = { nodes: 3, tools: 6, public: 8 };

/** Smallest and largest network the planner supports (prefix lengths). */
export const NETWORK_PREFIX_RANGE = { min: 16, max: 20 } as const;

/**
 * Deterministic subnet plan: for each tier, one block per zone, always at the same place.
 * Pure; property-tested (no overlaps, all inside the network, stable).
 */
export function planSubnets(network: string, zones: number): SubnetPlan {
    const n = parseCidr(network);
    if (n.version !== 4 || n.prefix < NETWORK_PREFIX_RANGE.min || n.prefix > NETWORK_PREFIX_RANGE.max) {
        throw new Error(`planSubnets needs an IPv4 /${NETWORK_PREFIX_RANGE.min}-/${NETWORK_PREFIX_RANGE.max} network, got ${network}`);
    }
    if (!Number.isInteger(zones) || zones < 1 || zones > ZONE_SLOTS) {
        throw new Error(`planSubnets supports 1-${ZONE_SLOTS} zones, got ${zones}`);
    }
    const plan: Record<SubnetTier, string[]> = { nodes: [], tools: [], public: [] };
    // Offset (in addresses) where the next tier starts; tiers come largest first so every
    // block starts on a multiple of its own size.
    let offset = 0n;
    for (const tier of SUBNET_TIERS) {
        const newBits = TIER_NEW_BITS[tier];
        const blockSize = 1n << BigInt(32 - (n.prefix + newBits));
        const firstIndex = Number(offset / blockSize);
        for (let zone = 0; zone < zones; zone++) {
            plan[tier].push(subnetAt(network, newBits, firstIndex + zone));
        }
        offset += blockSize * BigInt(ZONE_SLOTS);
    }
    return plan;
}

/** The `index`-th address of an IPv4 block (0 = the network address), as dotted quad. */
export function ipv4At(cidr: string, index: number): string {
    const p = parseCidr(cidr);
    if (p.version !== 4) {
        throw new Error(`ipv4At: ${cidr} is not an IPv4 block`);
    }
    const at = p.start + BigInt(index);
    if (index < 0 || at > p.end) {
        throw new Error(`ipv4At: index ${index} is outside ${cidr}`);
    }
    const n = Number(at);
    return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join(".");
}

/**
 * The ClusterIP of the `kubernetes` Service: the first host of the service range. Kubernetes
 * reserves it for the API server's Service (https://kubernetes.io/docs/concepts/services-networking/cluster-ip-allocation/),
 * which is why AKS tells users never to pick it as the DNS service address
 * (https://learn.microsoft.com/azure/aks/azure-cni-overlay: "this address is used for the
 * kubernetes.default.svc.cluster.local address").
 */
export function kubernetesServiceIp(serviceCidr: string): string {
    return ipv4At(serviceCidr, 1);
}

/** True when an IPv4 address lies in a block. */
export function ipInCidr(ip: string, cidr: string): boolean {
    return cidrContains(cidr, `${ip}/32`);
}
