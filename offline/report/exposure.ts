/**
 * What the internet can reach, read from the captured graphs of both layers.
 *
 * Every resource of a type that can carry an internet-facing address or endpoint (a
 * "public-capable" type, per cloud below) must be accounted for: either it is listed (address,
 * ports, allowed sources) or the graph proves it private (no public address, a private
 * endpoint, public access blocked). "Nothing else is reachable from the internet." is printed
 * only when every such resource is accounted for and the in-cluster layer creates no
 * LoadBalancer Service or Ingress; otherwise the report names what could not be proven.
 *
 * Cloud provider APIs (IAM-authenticated, reachable from anywhere by design) are not listed;
 * resource endpoints with their own network ACL (Key Vault, Storage accounts) are, when that
 * ACL lets the internet in.
 */
import type { LayeredGraphs } from "../engine";
import { at, CapturedResource, ResourceGraph } from "../graph";
import { cidrContains, isWorldCidr, PRIVATE_RANGES } from "../../components/config/cidr";
import { IAP_SSH_RANGE } from "../../components/config";

export type ExposureKind = "inbound" | "egress-only" | "endpoint";

export interface Exposed {
    readonly kind: ExposureKind;
    /** The resource that carries the address or endpoint. */
    readonly resource: CapturedResource;
    readonly address: string;
    /** `tcp/22`, `tcp/443`, or `-` for egress-only. */
    readonly ports: string;
    readonly sources: string;
    readonly what: string;
}

export interface ExposureReport {
    readonly items: readonly Exposed[];
    /** What the graph could not prove private, one sentence each. */
    readonly unproven: readonly string[];
    /** How many public-capable resources were examined. */
    readonly examined: number;
}

const LINK_LOCAL = "169.254.0.0/16";

/** A source range that is on the internet (not RFC 1918, CGNAT or link-local). */
export function isInternetSource(cidr: string): boolean {
    if (cidr === "*" || cidr === "Internet" || cidr === "0.0.0.0/0" || cidr === "::/0") {
        return true;
    }
    if (!/^\d+\.\d+\.\d+\.\d+(\/\d+)?$/.test(cidr)) {
        return false; // service tags (VirtualNetwork, AzureLoadBalancer), references
    }
    const c = cidr.includes("/") ? cidr : `${cidr}/32`;
    return ![...PRIVATE_RANGES, LINK_LOCAL, "127.0.0.0/8"].some((p) => cidrContains(p, c));
}

function label(cidr: string): string {
    if (cidr === "*" || cidr === "Internet" || isWorldCidr(cidr)) {
        return `${cidr} (THE WHOLE INTERNET)`;
    }
    return cidr === IAP_SSH_RANGE ? `${cidr} (Google IAP TCP forwarding)` : cidr;
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
const str = (v: unknown): string => (typeof v === "string" ? v : "");

interface Ctx {
    readonly all: readonly CapturedResource[];
    readonly items: Exposed[];
    readonly unproven: string[];
    examined: number;
}

type Handler = (r: CapturedResource, ctx: Ctx) => void;

const name = (r: CapturedResource) => `${r.type} "${r.name}"`;

// ---------------------------------------------------------------- AWS

function awsIngressFromInternet(ctx: Ctx, groupIds: readonly string[]): { ports: string; sources: string[] }[] {
    return ctx.all
        .filter((x) => x.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" && groupIds.includes(str(x.inputs.securityGroupId)))
        .map((x) => ({ x, cidr: str(x.inputs.cidrIpv4) || str(x.inputs.cidrIpv6) }))
        .filter(({ cidr }) => cidr !== "" && isInternetSource(cidr))
        .map(({ x, cidr }) => ({ ports: portText(x.inputs.ipProtocol, x.inputs.fromPort, x.inputs.toPort), sources: [cidr] }));
}

function portText(protocol: unknown, from: unknown, to: unknown): string {
    const p = String(protocol) === "-1" ? "all" : String(protocol);
    return from === undefined || from === to ? `${p}/${from ?? "*"}` : `${p}/${from}-${to}`;
}

function awsInstanceExposure(ctx: Ctx, instance: CapturedResource, address: string, carrier: CapturedResource): void {
    const rules = awsIngressFromInternet(ctx, list(instance.inputs.vpcSecurityGroupIds).map(String));
    if (rules.length === 0) {
        ctx.items.push({ kind: "inbound", resource: carrier, address, ports: "none", sources: "no security group rule admits the internet", what: `${instance.name} (${at(instance.inputs, "tags.role") ?? "instance"})` });
    }
    for (const rule of mergeRules(rules)) {
        ctx.items.push({ kind: "inbound", resource: carrier, address, ports: rule.ports, sources: rule.sources.map(label).join(", "), what: `${instance.name} (${at(instance.inputs, "tags.role") ?? "instance"})` });
    }
}

function mergeRules(rules: { ports: string; sources: string[] }[]): { ports: string; sources: string[] }[] {
    const byPort = new Map<string, string[]>();
    for (const r of rules) {
        byPort.set(r.ports, [...new Set([...(byPort.get(r.ports) ?? []), ...r.sources])]);
    }
    return [...byPort.entries()].map(([ports, sources]) => ({ ports, sources }));
}

const AWS: Record<string, Handler> = {
    "aws:ec2/eip:Eip": (r, ctx) => {
        const address = str(r.state.publicIp) || `(Elastic IP ${r.name})`;
        const nat = ctx.all.find((x) => x.type === "aws:ec2/natGateway:NatGateway" && str(x.inputs.allocationId) !== "" && str(x.inputs.allocationId) === r.id);
        if (nat || at(r.inputs, "tags.role") === "nat") {
            ctx.items.push({ kind: "egress-only", resource: r, address, ports: "-", sources: "none (NAT: answers only connections opened from inside)", what: `NAT egress ${nat?.name ?? r.name}` });
            return;
        }
        const instance = ctx.all.find((x) => x.type === "aws:ec2/instance:Instance" && x.id !== undefined && x.id === r.inputs.instance);
        if (instance) {
            awsInstanceExposure(ctx, instance, address, r);
            return;
        }
        ctx.unproven.push(`${name(r)}: an Elastic IP attached to neither a NAT gateway nor an instance of this graph`);
    },
    "aws:ec2/instance:Instance": (r, ctx) => {
        if (r.inputs.associatePublicIpAddress === true) {
            awsInstanceExposure(ctx, r, "(auto-assigned public IPv4)", r);
        }
    },
    "aws:ec2/subnet:Subnet": (r, ctx) => {
        if (r.inputs.mapPublicIpOnLaunch === true) {
            ctx.unproven.push(`${name(r)} gives every instance launched in it a public IPv4 (mapPublicIpOnLaunch)`);
        }
    },
    "aws:eks/cluster:Cluster": (r, ctx) => {
        if (at(r.inputs, "vpcConfig.endpointPublicAccess") === false) {
            return;
        }
        const cidrs = list(at(r.inputs, "vpcConfig.publicAccessCidrs")).map(String);
        ctx.items.push({ kind: "endpoint", resource: r, address: "EKS public API endpoint", ports: "tcp/443", sources: (cidrs.length ? cidrs : ["0.0.0.0/0"]).map(label).join(", "), what: "Kubernetes API (restricted)" });
    },
    "aws:s3/bucket:Bucket": (r, ctx) => {
        const bucket = str(r.inputs.bucket);
        const block = ctx.all.find(
            (x) => x.type === "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock" && (x.inputs.bucket === bucket || x.inputs.bucket === r.id) &&
                ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].every((k) => x.inputs[k] === true),
        );
        if (!block) {
            ctx.unproven.push(`${name(r)} has no BucketPublicAccessBlock with all four settings on`);
        }
    },
};
const AWS_PUBLIC_CAPABLE = /^aws:(lb|alb|elb|apigateway|apigatewayv2|cloudfront|lambda\/functionUrl|rds|opensearch|elasticsearch|globalaccelerator|ec2\/networkInterface|lightsail)/;

// ---------------------------------------------------------------- Azure

const idName = (id: unknown): string => str(id).split("/").pop() ?? "";

function azureNsgInternetRules(ctx: Ctx, asgNames: readonly string[], privateIp: string): { ports: string; sources: string[] }[] {
    const out: { ports: string; sources: string[] }[] = [];
    for (const nsg of ctx.all.filter((x) => x.type === "azure-native:network:NetworkSecurityGroup")) {
        for (const rule of list(nsg.inputs.securityRules) as Record<string, unknown>[]) {
            if (rule.direction !== "Inbound" || rule.access !== "Allow") {
                continue;
            }
            const sources = [...list(rule.sourceAddressPrefix), ...list(rule.sourceAddressPrefixes)].map(String).filter(isInternetSource);
            if (sources.length === 0) {
                continue;
            }
            const destAsgs = list(rule.destinationApplicationSecurityGroups).map((a) => idName((a as { id?: unknown }).id));
            const destPrefixes = [...list(rule.destinationAddressPrefix), ...list(rule.destinationAddressPrefixes)].map(String);
            const hits =
                destAsgs.some((a) => asgNames.includes(a)) ||
                destPrefixes.some((p) => p === "*" || (privateIp !== "" && /^\d/.test(p) && cidrContains(p.includes("/") ? p : `${p}/32`, `${privateIp}/32`)));
            if (hits) {
                const ports = [...list(rule.destinationPortRange), ...list(rule.destinationPortRanges)].map(String).join(",");
                out.push({ ports: `${String(rule.protocol).toLowerCase()}/${ports}`, sources });
            }
        }
    }
    return out;
}

const AZURE: Record<string, Handler> = {
    "azure-native:network:PublicIPAddress": (r, ctx) => {
        const pipName = str(r.inputs.publicIpAddressName);
        const address = str(r.state.ipAddress) || `(public IP ${pipName})`;
        const nat = ctx.all.find((x) => x.type === "azure-native:network:NatGateway" && list(x.inputs.publicIpAddresses).some((p) => idName((p as { id?: unknown }).id) === pipName));
        if (nat) {
            ctx.items.push({ kind: "egress-only", resource: r, address, ports: "-", sources: "none (NAT gateway: answers only connections opened from inside)", what: `NAT egress ${nat.name}` });
            return;
        }
        const nic = ctx.all.find(
            (x) => x.type === "azure-native:network:NetworkInterface" && list(x.inputs.ipConfigurations).some((c) => idName(at(c, "publicIPAddress.id")) === pipName),
        );
        if (!nic) {
            ctx.unproven.push(`${name(r)}: a public IP attached to neither a NAT gateway nor a network interface of this graph`);
            return;
        }
        const config = list(nic.inputs.ipConfigurations)[0];
        const asgs = list(at(config, "applicationSecurityGroups")).map((a) => idName((a as { id?: unknown }).id));
        const rules = mergeRules(azureNsgInternetRules(ctx, asgs, str(at(config, "privateIPAddress"))));
        const vm = ctx.all.find((x) => x.type === "azure-native:compute:VirtualMachine" && list(at(x.inputs, "networkProfile.networkInterfaces")).some((n) => idName((n as { id?: unknown }).id) === str(nic.inputs.networkInterfaceName)));
        const what = vm?.name ?? nic.name;
        if (rules.length === 0) {
            ctx.items.push({ kind: "inbound", resource: r, address, ports: "none", sources: "no NSG rule admits the internet", what });
        }
        for (const rule of rules) {
            ctx.items.push({ kind: "inbound", resource: r, address, ports: rule.ports, sources: rule.sources.map(label).join(", "), what });
        }
    },
    "azure-native:containerservice:ManagedCluster": (r, ctx) => {
        const access = (r.inputs.apiServerAccessProfile ?? {}) as Record<string, unknown>;
        if (access.enablePrivateCluster === true) {
            return;
        }
        const ranges = list(access.authorizedIPRanges).map(String);
        ctx.items.push({ kind: "endpoint", resource: r, address: "AKS public API server", ports: "tcp/443", sources: (ranges.length ? ranges : ["0.0.0.0/0"]).map(label).join(", "), what: "Kubernetes API (authorized IP ranges)" });
        for (const p of list(r.inputs.agentPoolProfiles) as Record<string, unknown>[]) {
            if (p.enableNodePublicIP === true) {
                ctx.unproven.push(`${name(r)}: node pool ${String(p.name)} gives every node a public IP`);
            }
        }
    },
    "azure-native:containerservice:AgentPool": (r, ctx) => {
        if (r.inputs.enableNodePublicIP === true) {
            ctx.unproven.push(`${name(r)} gives every node a public IP`);
        }
    },
    "azure-native:keyvault:Vault": (r, ctx) => {
        const p = (r.inputs.properties ?? {}) as Record<string, unknown>;
        if (p.publicNetworkAccess !== "Disabled" && at(p, "networkAcls.defaultAction") !== "Deny") {
            ctx.items.push({ kind: "endpoint", resource: r, address: `https://${str(r.inputs.vaultName)}.vault.azure.net`, ports: "tcp/443", sources: `${label("0.0.0.0/0")}; Entra ID + Azure RBAC still required`, what: `Key Vault ${r.name} (network ACL default Allow)` });
        }
    },
    "azure-native:storage:StorageAccount": (r, ctx) => {
        if (r.inputs.publicNetworkAccess !== "Disabled" && at(r.inputs, "networkRuleSet.defaultAction") !== "Deny") {
            ctx.items.push({ kind: "endpoint", resource: r, address: `https://${str(r.inputs.accountName)}.blob.core.windows.net`, ports: "tcp/443", sources: `${label("0.0.0.0/0")}; authentication still required`, what: `Storage account ${r.name} (network default Allow)` });
        }
        if (r.inputs.allowBlobPublicAccess !== false) {
            ctx.unproven.push(`${name(r)} does not set allowBlobPublicAccess: false`);
        }
    },
};
const AZURE_PUBLIC_CAPABLE = /^azure-native:(network:(LoadBalancer|ApplicationGateway|AzureFirewall|BastionHost|PublicIPPrefix|VirtualNetworkGateway|FrontDoor)|cdn:|web:|apimanagement:|cognitiveservices:|sql:|dbfor)/;

// ---------------------------------------------------------------- GCP

function gcpFirewallFromInternet(ctx: Ctx, instance: CapturedResource): { ports: string; sources: string[] }[] {
    const email = str(at(instance.inputs, "serviceAccount.email"));
    const tags = list(instance.inputs.tags).map(String);
    const out: { ports: string; sources: string[] }[] = [];
    for (const fw of ctx.all.filter((x) => x.type === "gcp:compute/firewall:Firewall" && x.inputs.direction !== "EGRESS" && x.inputs.disabled !== true)) {
        const sources = list(fw.inputs.sourceRanges).map(String).filter(isInternetSource);
        const allows = list(fw.inputs.allows) as Record<string, unknown>[];
        if (sources.length === 0 || allows.length === 0) {
            continue;
        }
        const targetsSa = list(fw.inputs.targetServiceAccounts).map(String);
        const targetTags = list(fw.inputs.targetTags).map(String);
        const applies = (targetsSa.length === 0 && targetTags.length === 0) || targetsSa.includes(email) || targetTags.some((t) => tags.includes(t));
        if (applies) {
            for (const a of allows) {
                out.push({ ports: `${String(a.protocol)}/${list(a.ports).map(String).join(",") || "*"}`, sources });
            }
        }
    }
    return out;
}

const GCP: Record<string, Handler> = {
    "gcp:compute/address:Address": (r, ctx) => {
        if (r.inputs.addressType === "INTERNAL") {
            return;
        }
        const addrName = str(r.inputs.name);
        const address = str(r.state.address) || `(external address ${addrName})`;
        const nat = ctx.all.find((x) => x.type === "gcp:compute/routerNat:RouterNat" && list(x.inputs.natIps).some((u) => String(u).endsWith(`/addresses/${addrName}`)));
        if (nat) {
            ctx.items.push({ kind: "egress-only", resource: r, address, ports: "-", sources: "none (Cloud NAT: answers only connections opened from inside)", what: `NAT egress ${nat.name}` });
            return;
        }
        const vm = ctx.all.find((x) => x.type === "gcp:compute/instance:Instance" && list(at(x.inputs, "networkInterfaces.0.accessConfigs")).some((c) => str(at(c, "natIp")) !== "" && str(at(c, "natIp")) === str(r.state.address)));
        if (!vm) {
            ctx.unproven.push(`${name(r)}: an external address used by neither Cloud NAT nor an instance of this graph`);
        }
        // The instance's own handler lists its ports.
    },
    "gcp:compute/instance:Instance": (r, ctx) => {
        const configs = list(at(r.inputs, "networkInterfaces.0.accessConfigs"));
        if (configs.length === 0) {
            return;
        }
        const address = str(at(configs[0], "natIp")) || "(ephemeral external IPv4)";
        const rules = mergeRules(gcpFirewallFromInternet(ctx, r));
        if (rules.length === 0) {
            ctx.items.push({ kind: "inbound", resource: r, address, ports: "none", sources: "no firewall rule admits the internet", what: r.name });
        }
        for (const rule of rules) {
            ctx.items.push({ kind: "inbound", resource: r, address, ports: rule.ports, sources: rule.sources.map(label).join(", "), what: r.name });
        }
    },
    "gcp:container/cluster:Cluster": (r, ctx) => {
        const pcc = (r.inputs.privateClusterConfig ?? {}) as Record<string, unknown>;
        if (pcc.enablePrivateNodes !== true) {
            ctx.unproven.push(`${name(r)} does not enable private nodes: every node may get an external IP`);
        }
        if (pcc.enablePrivateEndpoint === true) {
            return;
        }
        const man = r.inputs.masterAuthorizedNetworksConfig as Record<string, unknown> | undefined;
        const cidrs = list(man?.cidrBlocks).map((b) => str(at(b, "cidrBlock"))).filter(isInternetSource);
        const google = man?.gcpPublicCidrsAccessEnabled === true ? ["Google Cloud public IPs"] : [];
        ctx.items.push({
            kind: "endpoint", resource: r, address: "GKE public control-plane endpoint", ports: "tcp/443",
            sources: man ? [...cidrs.map(label), ...google].join(", ") || "none (authorized networks are all private)" : label("0.0.0.0/0"),
            what: "Kubernetes API (master authorized networks)",
        });
    },
    "gcp:storage/bucket:Bucket": (r, ctx) => {
        if (r.inputs.publicAccessPrevention !== "enforced") {
            ctx.unproven.push(`${name(r)} does not enforce public access prevention`);
        }
    },
};
const GCP_PUBLIC_CAPABLE = /^gcp:compute\/(forwardingRule|globalForwardingRule|globalAddress|targetHttpsProxy|targetHttpProxy|targetTcpProxy|targetSslProxy|backendService)|^gcp:(cloudrun|cloudrunv2|cloudfunctions|sql|apigateway)/;

// ---------------------------------------------------------------- in-cluster

function inCluster(graph: ResourceGraph, ctx: Ctx): void {
    let objects = 0;
    for (const r of graph.resources.filter((x) => x.custom && x.type.startsWith("kubernetes:"))) {
        objects++;
        if (r.type === "kubernetes:core/v1:Service" && at(r.inputs, "spec.type") === "LoadBalancer") {
            ctx.examined++;
            const internal = Object.entries((at(r.inputs, "metadata.annotations") ?? {}) as Record<string, string>).some(([k, v]) => /internal/.test(k) && v !== "false");
            if (!internal) {
                ctx.unproven.push(`${name(r)} is a LoadBalancer Service without an internal-load-balancer annotation`);
            }
        } else if (r.type === "kubernetes:networking.k8s.io/v1:Ingress") {
            ctx.examined++;
            ctx.unproven.push(`${name(r)} is an Ingress: its controller's load balancer may be public`);
        } else if (r.type === "kubernetes:helm.sh/v3:Release" || r.type === "kubernetes:helm.sh/v4:Chart") {
            ctx.examined++;
            const found: string[] = [];
            scanValues(r.inputs.values, "", found);
            for (const f of found) {
                ctx.unproven.push(`${name(r)} values ${f}`);
            }
        }
    }
    void objects;
}

/** Helm values that would publish a Service: a LoadBalancer/NodePort type, an enabled ingress. */
function scanValues(v: unknown, path: string, out: string[]): void {
    if (Array.isArray(v)) {
        v.forEach((x, i) => scanValues(x, `${path}.${i}`, out));
        return;
    }
    if (v && typeof v === "object") {
        for (const [k, x] of Object.entries(v)) {
            const p = path ? `${path}.${k}` : k;
            if (k === "type" && (x === "LoadBalancer" || x === "NodePort")) {
                out.push(`set ${p}: ${String(x)}`);
            } else if (/ingress/i.test(k) && x && typeof x === "object" && (x as Record<string, unknown>).enabled === true) {
                out.push(`enable ${p}`);
            } else {
                scanValues(x, p, out);
            }
        }
    }
}

const HANDLERS: Record<string, Handler> = { ...AWS, ...AZURE, ...GCP };
const PUBLIC_CAPABLE = [AWS_PUBLIC_CAPABLE, AZURE_PUBLIC_CAPABLE, GCP_PUBLIC_CAPABLE];

/** The exposure of both layers of an environment. */
export function exposureReport(layers: LayeredGraphs): ExposureReport {
    const all = [...layers.platform.resources, ...layers.incluster.resources].filter((r) => r.custom && !r.read);
    const ctx: Ctx = { all, items: [], unproven: [], examined: 0 };
    for (const r of all) {
        const handler = HANDLERS[r.type];
        if (handler) {
            ctx.examined++;
            handler(r, ctx);
        } else if (PUBLIC_CAPABLE.some((re) => re.test(r.type))) {
            ctx.examined++;
            ctx.unproven.push(`${name(r)}: a public-capable type the exposure report has no rule for`);
        }
    }
    inCluster(layers.incluster, ctx);
    return { items: ctx.items, unproven: ctx.unproven, examined: ctx.examined };
}

export const NOTHING_ELSE = "Nothing else is reachable from the internet.";

export function formatExposure(report: ExposureReport): string {
    const lines = ["Exposure (what the internet can reach, from both graphs):"];
    const order: ExposureKind[] = ["inbound", "endpoint", "egress-only"];
    for (const kind of order) {
        for (const e of report.items.filter((i) => i.kind === kind)) {
            lines.push(
                kind === "egress-only"
                    ? `  egress-only  ${e.address}  ${e.what}: no inbound connections`
                    : `  ${kind === "inbound" ? "inbound    " : "endpoint   "}  ${e.address}  ${e.ports}  ${e.what}  from ${e.sources}`,
            );
        }
    }
    if (report.unproven.length === 0) {
        lines.push(`  ${NOTHING_ELSE} (${report.examined} public-capable resources examined; no LoadBalancer Service, Ingress or Helm value publishing one in the in-cluster layer; provider APIs are authenticated and not listed)`);
    } else {
        lines.push(`  Could not prove the rest private (${report.unproven.length}):`);
        for (const u of report.unproven) {
            lines.push(`    - ${u}`);
        }
    }
    return lines.join("\n");
}
