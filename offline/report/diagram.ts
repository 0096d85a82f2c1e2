/**
 * `npm run plan -- --diagram FILE.md`: a Mermaid flowchart of an environment, drawn from the
 * captured graphs (not from a hand-kept picture): the network and its tiers with their CIDRs,
 * the VMs in their tiers, NAT, the cluster with its node pools and the in-cluster layer's Helm
 * releases, the Kubernetes API, and the required flows of the flow contract
 * (components/flows.ts) between them, labelled with their ports. GitHub renders the fenced
 * `mermaid` block.
 *
 * The emitted grammar is deliberately small (flowchart LR; subgraph id["label"] ... end;
 * node id["label"] or id(("label")); edge a -->|"label"| b) and tests/offline/report.test.ts
 * checks every line against it. Mermaid's own parser needs a DOM, so it is not a dependency:
 * the nine stacks' diagrams were checked with mermaid 11.17.2's `mermaid.parse` under jsdom
 * 31.0.1 (all `flowchart-v2`, a malformed control rejected) when this module was written.
 */
import type { LayeredGraphs } from "../engine";
import { at, CapturedResource } from "../graph";
import { Flow, FlowPeer, platformFlows } from "../../components/flows";

const SUBNET_TYPES = ["aws:ec2/subnet:Subnet", "azure-native:network:Subnet", "gcp:compute/subnetwork:Subnetwork"];
const VM_TYPES = ["aws:ec2/instance:Instance", "azure-native:compute:VirtualMachine", "gcp:compute/instance:Instance"];
const CLUSTER_TYPES = ["aws:eks/cluster:Cluster", "azure-native:containerservice:ManagedCluster", "gcp:container/cluster:Cluster"];
const POOL_TYPES = ["aws:eks/nodeGroup:NodeGroup", "azure-native:containerservice:AgentPool", "gcp:container/nodePool:NodePool"];
const NAT_TYPES = ["aws:ec2/natGateway:NatGateway", "azure-native:network:NatGateway", "gcp:compute/routerNat:RouterNat"];
const NETWORK_TYPES = ["aws:ec2/vpc:Vpc", "azure-native:network:VirtualNetwork", "gcp:compute/network:Network"];

/** Mermaid-safe label text: no quotes, no brackets that close the shape. */
export function mermaidText(s: string): string {
    return s.replace(/["[\]{}()<>|#;`]/g, "'").replace(/\s+/g, " ").trim();
}

const id = (s: string) => s.replace(/[^A-Za-z0-9_]/g, "_");
const str = (v: unknown) => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));

function tierOf(r: CapturedResource): string {
    const tag = str(at(r.inputs, "tags.tier"));
    if (tag) {
        return tag;
    }
    // network-public (GCP), network-subnet-api-server (Azure): the tier is what follows the component's prefix.
    return r.name.replace(/^network-(subnet-)?/, "");
}

function cidrOf(r: CapturedResource): string {
    return str(r.inputs.cidrBlock ?? r.inputs.addressPrefix ?? r.inputs.ipCidrRange);
}

function vmRole(r: CapturedResource): string {
    return str(at(r.inputs, "tags.role")) || r.name.split("-")[0];
}

function vmSize(r: CapturedResource): string {
    return str(r.inputs.instanceType ?? at(r.inputs, "hardwareProfile.vmSize") ?? r.inputs.machineType);
}

function poolText(r: CapturedResource): string {
    if (r.type === "aws:eks/nodeGroup:NodeGroup") {
        const s = (r.inputs.scalingConfig ?? {}) as Record<string, unknown>;
        return `pool ${str(at(r.inputs, "labels.platform/pool")) || r.name} ${((r.inputs.instanceTypes as string[]) ?? []).join(",")} ${s.minSize}-${s.maxSize}${r.inputs.capacityType === "SPOT" ? " spot" : ""}`;
    }
    if (r.type === "gcp:container/nodePool:NodePool") {
        return `pool ${str(r.inputs.name)} ${str(at(r.inputs, "nodeConfig.machineType"))} ${str(at(r.inputs, "autoscaling.totalMinNodeCount"))}-${str(at(r.inputs, "autoscaling.totalMaxNodeCount"))}${at(r.inputs, "nodeConfig.spot") === true ? " spot" : ""}`;
    }
    return `pool ${str(r.inputs.agentPoolName ?? r.inputs.name)} ${str(r.inputs.vmSize)} ${str(r.inputs.minCount)}-${str(r.inputs.maxCount)}${r.inputs.scaleSetPriority === "Spot" ? " spot" : ""}`;
}

/** The diagram node a flow peer is drawn as. */
function peerNode(p: FlowPeer): string | undefined {
    switch (p.kind) {
        case "vm":
            return `vm_${p.role}`;
        case "internet":
            return "internet";
        case "apiEndpoint":
        case "controlPlane":
        case "kubernetesApi":
            return "api";
        case "pod":
        case "node":
        case "clusterDns":
            return "cluster";
        case "identityToken":
            return "cloud_apis";
        default:
            return undefined;
    }
}

/** The Mermaid source (without the code fence) for an environment. */
export function mermaidDiagram(layers: LayeredGraphs, flows: readonly Flow[] = platformFlows()): string {
    const g = [...layers.platform.resources, ...layers.incluster.resources].filter((r) => r.custom && !r.read);
    const lines = ["flowchart LR"];
    const network = g.find((r) => NETWORK_TYPES.includes(r.type));
    const region = str(layers.platform.outputs.region);
    lines.push(`  internet(("Internet"))`);
    lines.push(`  cloud_apis(("${mermaidText(`${str(layers.platform.outputs.cloud)} APIs and identity endpoint`)}"))`);
    lines.push(`  subgraph net["${mermaidText(`network ${str(layers.platform.outputs.networkCidr) || cidrOf(network ?? ({ inputs: {} } as CapturedResource))} ${region}`)}"]`);
    const subnets = g.filter((r) => SUBNET_TYPES.includes(r.type));
    const tiers = [...new Set(subnets.map(tierOf))];
    const vms = g.filter((r) => VM_TYPES.includes(r.type));
    const nats = g.filter((r) => NAT_TYPES.includes(r.type));
    const cluster = g.find((r) => CLUSTER_TYPES.includes(r.type));
    const emitted = new Set<string>(["internet", "cloud_apis"]);
    for (const tier of tiers) {
        const cidrs = subnets.filter((s) => tierOf(s) === tier).map(cidrOf).filter((c) => c !== "");
        lines.push(`    subgraph tier_${id(tier)}["${mermaidText(`${tier} tier: ${cidrs.join(", ")}`)}"]`);
        if (tier === "public") {
            for (const vm of vms.filter((v) => vmRole(v) === "bastion")) {
                lines.push(`      vm_bastion["${mermaidText(`bastion VM ${vmSize(vm)}`)}"]`);
                emitted.add("vm_bastion");
            }
            if (nats.length > 0) {
                lines.push(`      nat["${mermaidText(`NAT x${nats.length}`)}"]`);
                emitted.add("nat");
            }
        }
        if (tier === "tools") {
            for (const vm of vms.filter((v) => vmRole(v) !== "bastion")) {
                lines.push(`      vm_${id(vmRole(vm))}["${mermaidText(`${vmRole(vm)} VM ${vmSize(vm)}`)}"]`);
                emitted.add(`vm_${id(vmRole(vm))}`);
            }
        }
        if (tier === "endpoints") {
            const pes = g.filter((r) => r.type === "azure-native:network:PrivateEndpoint" || (r.type === "aws:ec2/vpcEndpoint:VpcEndpoint" && r.inputs.vpcEndpointType === "Interface"));
            if (pes.length > 0) {
                lines.push(`      endpoints["${mermaidText(`private endpoints x${pes.length}`)}"]`);
            }
        }
        if (tier === "api-server" && cluster) {
            lines.push(`      api["${mermaidText(`Kubernetes API (${str(layers.platform.outputs.clusterEndpointAccess) || "endpoint"}, VNet-integrated)`)}"]`);
            emitted.add("api");
        }
        if (tier === "nodes" && cluster) {
            const product = cluster.type.startsWith("aws:") ? "EKS" : cluster.type.startsWith("azure") ? "AKS" : "GKE";
            lines.push(`      subgraph cluster["${mermaidText(`${product} ${cluster.name} ${str(cluster.inputs.version ?? cluster.inputs.kubernetesVersion ?? cluster.inputs.minMasterVersion)}`)}"]`);
            emitted.add("cluster");
            const pools = g.filter((r) => POOL_TYPES.includes(r.type));
            for (const p of pools) {
                lines.push(`        pool_${id(p.name)}["${mermaidText(poolText(p))}"]`);
            }
            for (const p of (cluster.inputs.agentPoolProfiles as Record<string, unknown>[] | undefined) ?? []) {
                lines.push(`        pool_${id(str(p.name))}["${mermaidText(`pool ${str(p.name)} ${str(p.vmSize)} ${str(p.minCount)}-${str(p.maxCount)}`)}"]`);
            }
            const releases = g.filter((r) => r.type === "kubernetes:helm.sh/v3:Release");
            if (releases.length > 0) {
                lines.push(`        subgraph incluster["in-cluster layer"]`);
                for (const rel of releases) {
                    lines.push(`          rel_${id(rel.name)}["${mermaidText(`${str(rel.inputs.chart)} ${str(rel.inputs.version)} in ${str(rel.inputs.namespace)}`)}"]`);
                }
                lines.push("        end");
            }
            lines.push("      end");
        }
        lines.push("    end");
    }
    lines.push("  end");
    if (cluster && !emitted.has("api")) {
        lines.push(`  api["${mermaidText(`Kubernetes API (${str(layers.platform.outputs.clusterEndpointAccess) || "endpoint"})`)}"]`);
        emitted.add("api");
    }
    // Required flows, aggregated per pair of drawn nodes, labelled with their ports.
    const edges = new Map<string, Set<string>>();
    for (const f of flows) {
        if (f.kind !== "required") {
            continue;
        }
        const from = peerNode(f.from);
        const to = peerNode(f.to);
        if (!from || !to || from === to || !emitted.has(from) || !emitted.has(to)) {
            continue;
        }
        const key = `${from} ${to}`;
        edges.set(key, (edges.get(key) ?? new Set()).add(f.port === "endpoint" ? "https" : `${f.protocol}/${f.port}`));
    }
    for (const [key, ports] of [...edges.entries()].sort(([a], [b]) => a.localeCompare(b))) {
        const [from, to] = key.split(" ");
        lines.push(`  ${from} -->|"${mermaidText([...ports].sort().join(" "))}"| ${to}`);
    }
    if (emitted.has("nat")) {
        lines.push(`  nat -.->|"egress only"| internet`);
    }
    return lines.join("\n");
}

/** The Markdown file `--diagram` writes. */
export function diagramMarkdown(layers: LayeredGraphs): string {
    return [`# Platform ${layers.platform.stack}`, "", "Generated by `npm run plan -- --stack " + layers.platform.stack + " --diagram FILE.md` from the captured graphs.", "", "```mermaid", mermaidDiagram(layers), "```", ""].join("\n");
}
