/**
 * Network helpers shared by the exposure rules: CIDR classification and, per cloud, how to read
 * "who may reach what" out of a firewall resource. Adding Azure (NSG security rules) or GCP
 * (firewalls) means adding entries to `INGRESS_READERS`; the rules do not change.
 */
import type { PolicyResource } from "@pulumi/policy";
import { AZ, AZURE_FIREWALL_TYPES, AZURE_INGRESS_READERS, nsgIsBastionOnly } from "./azure";
import { linked, referrers } from "./stack";
import { field, isUnknown, list } from "./values";

/** One ingress permission read from a firewall resource. */
export interface Ingress {
    /** Where in the resource, for messages: `ingress[0]`, `cidrIpv4`. */
    readonly where: string;
    /** Source CIDRs (unknown entries already dropped). */
    readonly sources: readonly string[];
    /** `tcp`, `udp`, `icmp`, `all`. */
    readonly protocol: string;
    /** Inclusive port range; `undefined` means every port. */
    readonly ports?: { readonly from: number; readonly to: number };
    /** The protocol or a port is unknown (preview): only source checks are sound. */
    readonly unknownPorts: boolean;
}

/** `tcp 22`, `tcp 8080-8090`, `all traffic`. */
export function describeIngress(i: Ingress): string {
    if (i.unknownPorts) {
        return "traffic (protocol or ports known after apply)";
    }
    if (i.protocol === "all" || !i.ports) {
        return i.protocol === "all" ? "all traffic" : `${i.protocol} (all ports)`;
    }
    const range = i.ports.from === i.ports.to ? `${i.ports.from}` : `${i.ports.from}-${i.ports.to}`;
    return `${i.protocol} ${range}`;
}

function parseV4(addr: string): number | undefined {
    const parts = addr.split(".");
    if (parts.length !== 4) {
        return undefined;
    }
    let n = 0;
    for (const p of parts) {
        if (!/^\d{1,3}$/.test(p) || Number(p) > 255) {
            return undefined;
        }
        n = n * 256 + Number(p);
    }
    return n;
}

/** Prefix length of a CIDR (a bare address counts as a host route); undefined if unparsable. */
function prefixOf(cidr: string): number | undefined {
    const [, len] = cidr.split("/");
    if (len === undefined) {
        return cidr.includes(":") ? 128 : 32;
    }
    return /^\d{1,3}$/.test(len) ? Number(len) : undefined;
}

/** True for any CIDR that covers the whole address space: `0.0.0.0/0`, `::/0`, `1.2.3.4/0`. */
export function isWorld(cidr: string): boolean {
    return prefixOf(cidr.trim()) === 0;
}

const PRIVATE_V4: ReadonlyArray<readonly [string, number]> = [
    ["10.0.0.0", 8],
    ["172.16.0.0", 12],
    ["192.168.0.0", 16],
    ["100.64.0.0", 10], // carrier-grade NAT, used for pod ranges
    ["169.254.0.0", 16], // link-local
    ["127.0.0.0", 8],
];

/**
 * True when the whole CIDR lies in private address space (RFC 1918, CGNAT, link-local, ULA):
 * traffic from it cannot come straight from the internet.
 */
export function isPrivate(cidr: string): boolean {
    const trimmed = cidr.trim();
    const [addr] = trimmed.split("/");
    const len = prefixOf(trimmed);
    if (len === undefined || addr === undefined) {
        return false;
    }
    if (addr.includes(":")) {
        const lower = addr.toLowerCase();
        // fc00::/7 (unique local) and fe80::/10 (link-local), when the prefix is at least that long.
        return (len >= 7 && /^f[cd][0-9a-f]{0,2}:/.test(lower)) || (len >= 10 && /^fe[89ab][0-9a-f]?:/.test(lower));
    }
    const ip = parseV4(addr);
    if (ip === undefined) {
        return false;
    }
    return PRIVATE_V4.some(([base, bits]) => {
        const b = parseV4(base) as number;
        if (len < bits) {
            return false;
        }
        const size = 2 ** (32 - bits);
        return Math.floor(ip / size) === Math.floor(b / size);
    });
}

function known(values: unknown[]): string[] {
    return values.filter((v): v is string => typeof v === "string" && !isUnknown(v));
}

function awsProtocol(p: unknown): string {
    const s = String(p ?? "all").toLowerCase();
    if (s === "-1" || s === "all") {
        return "all";
    }
    return ({ "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6" } as Record<string, string>)[s] ?? s;
}

function anyUnknown(...values: unknown[]): boolean {
    return values.some(isUnknown);
}

function awsPorts(protocol: string, from: unknown, to: unknown): Ingress["ports"] {
    if (protocol === "all" || typeof from !== "number" || typeof to !== "number") {
        return undefined;
    }
    if ((from === 0 && to === 65535) || (from === -1 && to === -1)) {
        return undefined;
    }
    return { from, to };
}

const GCP_FIREWALL = "gcp:compute/firewall:Firewall";

/** `22`, `8000-8100` (GCP port strings); undefined for a malformed or unknown entry. */
function gcpPortRange(value: unknown): { from: number; to: number } | undefined {
    const m = typeof value === "string" ? /^(\d+)(?:-(\d+))?$/.exec(value) : null;
    return m ? { from: Number(m[1]), to: Number(m[2] ?? m[1]) } : undefined;
}

/**
 * GCP VPC firewall rules: INGRESS `allows` only (a deny admits nothing; a disabled rule neither).
 * An ingress rule naming no source at all (ranges, tags or service accounts) applies to
 * 0.0.0.0/0: GCP's default, so it is read as such.
 */
function gcpFirewallIngress(props: Record<string, unknown>): Ingress[] {
    if ((props.direction !== undefined && props.direction !== "INGRESS") || props.disabled === true) {
        return [];
    }
    const noSource = [props.sourceRanges, props.sourceTags, props.sourceServiceAccounts].every((v) => v === undefined || (Array.isArray(v) && v.length === 0));
    const sources = noSource ? ["0.0.0.0/0"] : known(list(props.sourceRanges));
    const where = noSource ? "sourceRanges (unset: GCP applies the rule to 0.0.0.0/0)" : "sourceRanges";
    return list(props.allows).flatMap((allow, i) => {
        const protocol = isUnknown(allow) ? "unknown" : String(field(allow, "protocol") ?? "all").toLowerCase();
        const ports = list(field(allow, "ports"));
        const unknownPorts = anyUnknown(allow, field(allow, "protocol"), field(allow, "ports"), ...ports);
        if (protocol === "all" || ports.length === 0) {
            return [{ where: `${where}, allows[${i}]`, sources, protocol, unknownPorts }];
        }
        return ports.map((p, j) => ({ where: `${where}, allows[${i}].ports[${j}]`, sources, protocol, ports: gcpPortRange(p), unknownPorts }));
    });
}

/** Reads every ingress permission a firewall resource grants, per type token. */
export const INGRESS_READERS: Readonly<Record<string, (props: Record<string, unknown>) => Ingress[]>> = {
    "aws:ec2/securityGroup:SecurityGroup": (props) =>
        list(props.ingress).map((rule, i) => {
            const protocol = awsProtocol(field(rule, "protocol"));
            return {
                where: `ingress[${i}]`,
                sources: known([...list(field(rule, "cidrBlocks")), ...list(field(rule, "ipv6CidrBlocks"))]),
                protocol,
                ports: awsPorts(protocol, field(rule, "fromPort"), field(rule, "toPort")),
                unknownPorts: anyUnknown(field(rule, "protocol"), field(rule, "fromPort"), field(rule, "toPort")),
            };
        }),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": (props) => {
        const protocol = awsProtocol(props.ipProtocol);
        return [
            {
                where: props.cidrIpv6 !== undefined ? "cidrIpv6" : "cidrIpv4",
                sources: known([props.cidrIpv4, props.cidrIpv6]),
                protocol,
                ports: awsPorts(protocol, props.fromPort, props.toPort),
                unknownPorts: anyUnknown(props.ipProtocol, props.fromPort, props.toPort),
            },
        ];
    },
    [GCP_FIREWALL]: gcpFirewallIngress,
    "aws:ec2/securityGroupRule:SecurityGroupRule": (props) => {
        if (props.type !== "ingress") {
            return [];
        }
        const protocol = awsProtocol(props.protocol);
        return [
            {
                where: "cidrBlocks",
                sources: known([...list(props.cidrBlocks), ...list(props.ipv6CidrBlocks)]),
                protocol,
                ports: awsPorts(protocol, props.fromPort, props.toPort),
                unknownPorts: anyUnknown(props.protocol, props.fromPort, props.toPort),
            },
        ];
    },
    // Azure: NSG inline rules and standalone security rules (lib/azure.ts).
    ...AZURE_INGRESS_READERS,
};

/** Security-group-like type tokens per cloud: the targets of ingress permissions. */
export const FIREWALL_TYPES: readonly string[] = ["aws:ec2/securityGroup:SecurityGroup", GCP_FIREWALL, ...AZURE_FIREWALL_TYPES];

const AWS_INSTANCE = "aws:ec2/instance:Instance";
const GCP_INSTANCE = "gcp:compute/instance:Instance";
const GCP_SERVICE_ACCOUNT = "gcp:serviceaccount/account:Account";

/**
 * Whether a firewall protects the bastion only, per firewall type token. AWS: the group is
 * tagged role=bastion or a role=bastion instance uses it. GCP: the rule targets service
 * accounts, and every instance running as one of them is the bastion (a rule without targets
 * applies to every instance of the network, so it is never the bastion's alone).
 */
export const FIREWALL_IS_BASTION_ONLY: Readonly<Record<string, (fw: PolicyResource, all: readonly PolicyResource[], isBastion: (r: PolicyResource) => boolean) => boolean>> = {
    "aws:ec2/securityGroup:SecurityGroup": (sg, all, isBastion) => isBastion(sg) || referrers(all, sg, [AWS_INSTANCE]).some(isBastion),
    [GCP_FIREWALL]: (fw, all, isBastion) => {
        const accounts = linked(fw, "targetServiceAccounts", [GCP_SERVICE_ACCOUNT]);
        const instances = accounts.flatMap((sa) => referrers(all, sa, [GCP_INSTANCE]));
        return instances.length > 0 && instances.every(isBastion);
    },
    // Azure: every NIC the NSG filters (directly or through its subnets) is the bastion's.
    [AZ.nsg]: nsgIsBastionOnly,
};
