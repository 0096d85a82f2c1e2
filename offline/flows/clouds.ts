/**
 * Each cloud's network as the platform graph declares it, plus what the cloud adds on its own
 * (documented, cited): the addresses of every kind of endpoint, the CNI's semantics, and the
 * cloud firewall's verdict on a packet (security groups / NSGs / VPC firewall rules, the managed
 * control plane's own rules, public reachability and API endpoint access).
 */
import { cidrContains, ipInCidr, ipv4At, kubernetesServiceIp } from "../../components/config/cidr";
import { METADATA_SERVER } from "../../components/flows";
import { eksPrivateEndpointDnsProblems } from "../constraints/aws";
import { CapturedResource, ofType, ResourceGraph } from "../graph";
import { Cni, CILIUM_IPBLOCK_SOURCE, VPC_CNI_SOURCE } from "./netpol";

/** One concrete end of a packet. */
export interface Host {
    readonly kind: "pod" | "node" | "vm" | "controlPlane" | "apiEndpoint" | "internet" | "metadata";
    readonly label: string;
    readonly ip: string;
    /** VM role, for VMs. */
    readonly role?: string;
}

/** One layer's verdict on a flow. */
export interface LayerVerdict {
    readonly layer: string;
    readonly allowed: boolean;
    readonly reason: string;
}

/** What the analyser needs from a cloud. */
export interface CloudNetwork {
    readonly cloud: "aws" | "azure" | "gcp";
    readonly cni: Cni;
    readonly nodeIp: string;
    /** A second node (traffic between nodes crosses the cloud firewall). */
    readonly otherNodeIp: string;
    /** The address of the n-th pod (pods sit on the other node than the one they talk to). */
    podIp(n: number): string;
    readonly serviceCidr: string;
    /** Where the API server's calls (webhooks, kubelet) come from. */
    readonly controlPlaneIp: string;
    /** The API server's private endpoint, where the `kubernetes` Service leads. */
    readonly apiPrivateIp: string;
    vmIp(role: string): string;
    /** The cloud's identity token endpoint as a pod dials it (documented per cloud). */
    readonly tokenEndpoint: { readonly host: Host; readonly port: number; readonly source: string };
    /** The cloud firewall and reachability layers for a packet (addresses before any SNAT). */
    firewall(src: Host, dst: Host, port: number, protocol: "tcp" | "udp"): LayerVerdict[];
}

export interface StackNetworkConfig {
    /** The bastion's SSH allowlist (config `bastion.allowedCidrs`). */
    readonly operatorCidrs: readonly string[];
}

const inputs = (r: CapturedResource) => r.inputs as Record<string, any>;
const state = (r: CapturedResource) => r.state as Record<string, any>;
const one = (graph: ResourceGraph, type: string): CapturedResource => {
    const found = ofType(graph, type);
    if (found.length !== 1) {
        throw new Error(`flows: expected one ${type} in ${graph.stack}, found ${found.length}`);
    }
    return found[0];
};
const ok = (layer: string, reason: string): LayerVerdict => ({ layer, allowed: true, reason });
const no = (layer: string, reason: string): LayerVerdict => ({ layer, allowed: false, reason });
const portInRange = (port: number, from: number, to: number) => port >= from && port <= to;

/** The platform graph's view of one cloud. */
export function cloudNetwork(platform: ResourceGraph, incluster: ResourceGraph): CloudNetwork {
    const cloud = platform.outputs.cloud;
    switch (cloud) {
        case "aws":
            return awsNetwork(platform);
        case "azure":
            return azureNetwork(platform);
        case "gcp":
            return gcpNetwork(platform);
        default:
            throw new Error(`flows: unknown cloud ${String(cloud)} in ${platform.stack} (incluster ${incluster.stack})`);
    }
}

const vmIpFrom = (platform: ResourceGraph) => (role: string): string => {
    if (role === "bastion") {
        return String(platform.outputs.bastionPrivateIp);
    }
    const vms = platform.outputs.toolVms as Record<string, { privateIp: string }>;
    if (!vms[role]) {
        throw new Error(`flows: ${platform.stack} exports no ${role} VM`);
    }
    return vms[role].privateIp;
};

/** A public address on the internet, outside every private and allowlisted range (TEST-NET-2 stands for it). */
export const UNLISTED_INTERNET_IP = "198.51.100.7";

// =============================================================================================
// AWS: security groups (stateful), the EKS cluster security group, the VPC CNI
// =============================================================================================

/** EKS's own cluster security group, created by EKS and attached to the control-plane ENIs and managed nodes. */
const EKS_CLUSTER_SG_SOURCE = "https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html (cluster security group: inbound all from itself, outbound all)";

interface SgRule {
    readonly group: string;
    readonly direction: "in" | "out";
    readonly protocol: string;
    readonly from: number;
    readonly to: number;
    readonly cidr?: string;
    readonly ref?: string;
    readonly name: string;
}

function awsNetwork(platform: ResourceGraph): CloudNetwork {
    const eks = one(platform, "aws:eks/cluster:Cluster");
    const clusterSg = String(state(eks).vpcConfig?.clusterSecurityGroupId ?? "");
    const apiGroups: string[] = [clusterSg, ...(inputs(eks).vpcConfig?.securityGroupIds ?? [])];
    const serviceCidr = String(inputs(eks).kubernetesNetworkConfig?.serviceIpv4Cidr ?? "172.20.0.0/16");
    const subnets = ofType(platform, "aws:ec2/subnet:Subnet").map((s) => ({ id: String(s.id), cidr: String(inputs(s).cidrBlock), tier: String(inputs(s).tags?.tier ?? "") }));
    const nodeSubnets = subnets.filter((s) => s.tier === "nodes").map((s) => s.cidr);
    const apiSubnets = (inputs(eks).vpcConfig?.subnetIds ?? []).map((id: string) => subnets.find((s) => s.id === id)?.cidr).filter(Boolean) as string[];
    const templates = ofType(platform, "aws:ec2/launchTemplate:LaunchTemplate");
    const nodeGroups: string[] = [...new Set(templates.flatMap((t) => (inputs(t).vpcSecurityGroupIds ?? []) as string[]))];
    const hopLimit = Math.max(...templates.map((t) => Number(inputs(t).metadataOptions?.httpPutResponseHopLimit ?? 2)));
    const instances = ofType(platform, "aws:ec2/instance:Instance");
    const vmGroups = (role: string): string[] => (inputs(instances.find((i) => inputs(i).tags?.role === role) ?? ({ inputs: {} } as CapturedResource)).vpcSecurityGroupIds ?? []) as string[];
    const eips = ofType(platform, "aws:ec2/eip:Eip");
    const hasPublicIp = (role: string) => {
        const inst = instances.find((i) => inputs(i).tags?.role === role);
        return !!inst && (inputs(inst).associatePublicIpAddress === true || eips.some((e) => inputs(e).instance === inst.id || String(inputs(e).tags?.role) === role));
    };
    const rules: SgRule[] = [
        ...ofType(platform, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map((r) => sgRule(r, "in")),
        ...ofType(platform, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").map((r) => sgRule(r, "out")),
        // The EKS cluster security group's documented rules (not in the graph: EKS creates them).
        { group: clusterSg, direction: "in", protocol: "-1", from: 0, to: 65535, ref: clusterSg, name: "EKS cluster security group: all from itself" },
        { group: clusterSg, direction: "out", protocol: "-1", from: 0, to: 65535, cidr: "0.0.0.0/0", name: "EKS cluster security group: all outbound" },
    ];
    const cniAddon = ofType(platform, "aws:eks/addon:Addon").find((a) => inputs(a).addonName === "vpc-cni");
    const cniConfig = cniAddon?.inputs.configurationValues ? (JSON.parse(String(cniAddon.inputs.configurationValues)) as Record<string, unknown>) : {};
    const enforced = cniConfig.enableNetworkPolicy === "true";
    const cni: Cni = {
        name: "aws-vpc-cni",
        enforced,
        enforcedBecause: `vpc-cni add-on configurationValues enableNetworkPolicy=${String(cniConfig.enableNetworkPolicy ?? "absent")} (https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy-configure.html)`,
        egressBeforeDnat: true,
        ipBlockSelectsClusterAddresses: true,
        ciliumPolicies: false,
        source: VPC_CNI_SOURCE,
    };
    const endpoint = inputs(eks).vpcConfig ?? {};
    const vmIp = vmIpFrom(platform);
    const nodeIp = ipv4At(nodeSubnets[0], 10);
    const groupsOf = (h: Host): string[] => {
        switch (h.kind) {
            case "pod":
            case "node":
                // VPC CNI: pods use the node's ENIs and so its security groups (no security
                // groups for pods here): https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html
                return nodeGroups;
            case "vm":
                return vmGroups(h.role ?? "");
            case "controlPlane":
            case "apiEndpoint":
                return apiGroups;
            default:
                return [];
        }
    };
    const matches = (r: SgRule, peerGroups: string[], peerIp: string, port: number, protocol: string) =>
        (r.protocol === "-1" || r.protocol === protocol) && (r.protocol === "-1" || portInRange(port, r.from, r.to)) && (r.ref ? peerGroups.includes(r.ref) : !!r.cidr && ipInCidr(peerIp, r.cidr));
    const net: CloudNetwork = {
        cloud: "aws",
        cni,
        nodeIp,
        otherNodeIp: ipv4At(nodeSubnets[1] ?? nodeSubnets[0], 10),
        // VPC CNI: pod IPs are secondary addresses of the node subnets.
        podIp: (n) => ipv4At(nodeSubnets[1] ?? nodeSubnets[0], 100 + n),
        serviceCidr,
        controlPlaneIp: ipv4At(apiSubnets[0] ?? nodeSubnets[0], 200),
        apiPrivateIp: ipv4At(apiSubnets[1] ?? apiSubnets[0] ?? nodeSubnets[0], 201),
        vmIp,
        tokenEndpoint: {
            host: { kind: "internet", label: "STS (regional endpoint)", ip: "198.51.100.20" },
            port: 443,
            source: "https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html (IRSA: AssumeRoleWithWebIdentity at STS over HTTPS)",
        },
        firewall(src, dst, port, protocol) {
            const layers: LayerVerdict[] = [];
            if (dst.kind === "metadata") {
                // IMDSv2 with a hop limit of 1: the token's response dies at the pod's extra hop.
                return [
                    hopLimit <= 1
                        ? no("instance metadata", `launch templates set httpTokens=required and httpPutResponseHopLimit=${hopLimit}: a pod is one hop too far for the IMDSv2 token (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-metadata-options.html)`)
                        : ok("instance metadata", `hop limit ${hopLimit} lets pods reach IMDS`),
                ];
            }
            if (src.kind === "internet") {
                const reach = awsInternetReach(src, dst);
                layers.push(reach);
                if (!reach.allowed || dst.kind === "apiEndpoint") {
                    return layers;
                }
            }
            if (src.kind === "vm" && dst.kind === "internet") {
                // A VM reaches the internet (the AWS regional APIs, package mirrors) only through
                // its subnet's default route: a NAT gateway, or the internet gateway with a public
                // address (https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html).
                const route = vmDefaultRoute(src.role ?? "");
                if (!route.ok) {
                    return [no("routing", `${src.label}: ${route.why}`)];
                }
                layers.push(ok("routing", route.why));
            }
            if (dst.kind === "apiEndpoint" && src.kind !== "internet") {
                // In the VPC the endpoint's name resolves to its private addresses only through
                // EKS's private hosted zone (VPC DNS attributes, AmazonProvidedDNS).
                const dns = endpoint.endpointPrivateAccess ? eksPrivateEndpointDnsProblems(platform.resources, eks) : [];
                layers.push(
                    !endpoint.endpointPrivateAccess
                        ? no("EKS endpoint", "NO private endpoint: in-VPC clients would leave through NAT for the public endpoint (not modelled)")
                        : dns.length > 0
                          ? no("EKS endpoint", `private endpoint does not resolve in the VPC: ${dns.join("; ")} (https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html)`)
                          : ok("EKS endpoint", "private endpoint enabled and resolvable in the VPC (DNS support and hostnames on, AmazonProvidedDNS)"),
                );
            }
            const srcGroups = groupsOf(src);
            const dstGroups = groupsOf(dst);
            if (srcGroups.length > 0) {
                const hit = rules.find((r) => r.direction === "out" && srcGroups.includes(r.group) && matches(r, dstGroups, dst.ip, port, protocol));
                layers.push(hit ? ok("security group egress", `${hit.name}`) : no("security group egress", `no egress rule of ${srcGroups.join(", ")} admits ${dst.ip}:${port}/${protocol}`));
            }
            if (dst.kind !== "internet") {
                const hit = rules.find((r) => r.direction === "in" && dstGroups.includes(r.group) && matches(r, srcGroups, src.ip, port, protocol));
                layers.push(
                    hit
                        ? ok("security group ingress", `${hit.name}${hit.group === clusterSg ? ` (${EKS_CLUSTER_SG_SOURCE})` : ""}`)
                        : no("security group ingress", `no ingress rule of ${dstGroups.join(", ") || "(no group)"} admits ${src.ip}:${port}/${protocol} from ${srcGroups.join(", ") || "no group"}`),
                );
            }
            return layers;
        },
    };
    /** The default route of a VM's subnet: its route table (explicit association) and 0.0.0.0/0's target. */
    function vmDefaultRoute(role: string): { ok: boolean; why: string } {
        const inst = instances.find((i) => inputs(i).tags?.role === role);
        if (!inst) {
            return { ok: false, why: "no instance" };
        }
        const assoc = ofType(platform, "aws:ec2/routeTableAssociation:RouteTableAssociation").find((a) => inputs(a).subnetId === inputs(inst).subnetId);
        const table = assoc ? ofType(platform, "aws:ec2/routeTable:RouteTable").find((t) => t.id === inputs(assoc).routeTableId) : undefined;
        if (!table) {
            return { ok: false, why: "its subnet has no route table of its own (the VPC's main table has no default route)" };
        }
        const routes: { cidrBlock?: string; destinationCidrBlock?: string; natGatewayId?: string; gatewayId?: string }[] = [
            ...((inputs(table).routes ?? []) as { cidrBlock?: string; natGatewayId?: string; gatewayId?: string }[]),
            ...ofType(platform, "aws:ec2/route:Route")
                .filter((r) => inputs(r).routeTableId === table.id)
                .map((r) => inputs(r)),
        ];
        const def = routes.find((r) => (r.cidrBlock ?? r.destinationCidrBlock) === "0.0.0.0/0");
        const nat = def?.natGatewayId ? ofType(platform, "aws:ec2/natGateway:NatGateway").find((n) => n.id === def.natGatewayId) : undefined;
        if (nat) {
            return { ok: true, why: `default route of ${table.name} through NAT gateway ${nat.name}` };
        }
        if (def?.gatewayId && ofType(platform, "aws:ec2/internetGateway:InternetGateway").some((g) => g.id === def.gatewayId)) {
            return hasPublicIp(role) ? { ok: true, why: `default route of ${table.name} through the internet gateway, from its public address` } : { ok: false, why: `${table.name} routes to the internet gateway but the VM has no public address` };
        }
        return { ok: false, why: `${table.name} has no default route to a NAT gateway or the internet gateway` };
    }
    function awsInternetReach(src: Host, dst: Host): LayerVerdict {
        if (dst.kind === "apiEndpoint") {
            if (!endpoint.endpointPublicAccess) {
                return no("EKS endpoint", "public endpoint disabled (endpointPublicAccess=false): private only");
            }
            // Security groups do not guard the public endpoint; publicAccessCidrs does (EKS
            // defaults it to 0.0.0.0/0 when unset).
            const cidrs: string[] = endpoint.publicAccessCidrs ?? ["0.0.0.0/0"];
            const hit = cidrs.find((c) => ipInCidr(src.ip, c));
            return hit ? ok("EKS endpoint", `public endpoint admits ${src.ip} (publicAccessCidrs ${hit})`) : no("EKS endpoint", `public endpoint limited to publicAccessCidrs ${cidrs.join(", ")}`);
        }
        if (dst.kind === "vm" && hasPublicIp(dst.role ?? "")) {
            return ok("routing", `${dst.label} has a public address (Elastic IP)`);
        }
        return no("routing", `${dst.label} has no public address: the internet cannot reach it`);
    }
    return net;
}

function sgRule(r: CapturedResource, direction: "in" | "out"): SgRule {
    const i = inputs(r);
    return {
        group: String(i.securityGroupId),
        direction,
        protocol: String(i.ipProtocol),
        from: Number(i.fromPort ?? 0),
        to: Number(i.toPort ?? 65535),
        ...(i.cidrIpv4 ? { cidr: String(i.cidrIpv4) } : {}),
        ...(i.referencedSecurityGroupId ? { ref: String(i.referencedSecurityGroupId) } : {}),
        name: `${r.name}${i.description ? `: ${i.description}` : ""}`,
    };
}

// =============================================================================================
// Azure: NSGs on subnets, ASGs, Azure CNI Overlay with Cilium
// =============================================================================================

const AZURE_NSG_DEFAULTS_SOURCE = "https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#default-security-rules";
const AZURE_OVERLAY_SOURCE = "https://learn.microsoft.com/azure/aks/azure-cni-overlay#network-security-groups";
/**
 * API Server VNet Integration with a public endpoint: only the nodes use the internal address;
 * "Out-of-cluster clients that need to talk to the API server can do so normally if public
 * network access is enabled", i.e. through the public FQDN, from their public egress address.
 */
const AKS_VNET_PUBLIC_SOURCE = "https://learn.microsoft.com/azure/aks/api-server-vnet-integration#api-server-connectivity";
/** Stands for the public endpoint's address (outside the VNet: NSGs see it as Internet). */
const AKS_PUBLIC_ENDPOINT_IP = "192.0.2.200";

interface NsgRuleView {
    readonly name: string;
    readonly priority: number;
    readonly direction: "Inbound" | "Outbound";
    readonly access: "Allow" | "Deny";
    readonly protocol: string;
    readonly ports: string[];
    readonly src: { prefixes?: string[]; asgs?: string[] };
    readonly dst: { prefixes?: string[]; asgs?: string[] };
}

function azureNetwork(platform: ResourceGraph): CloudNetwork {
    const mc = one(platform, "azure-native:containerservice:ManagedCluster");
    const np = inputs(mc).networkProfile ?? {};
    const podCidr = String(np.podCidr);
    const serviceCidr = String(np.serviceCidr);
    const access = inputs(mc).apiServerAccessProfile ?? {};
    const vnetSpace: string[] = one(platform, "azure-native:network:VirtualNetwork").inputs.addressSpace
        ? ((inputs(one(platform, "azure-native:network:VirtualNetwork")).addressSpace.addressPrefixes ?? []) as string[])
        : [];
    const subnets = ofType(platform, "azure-native:network:Subnet").map((s) => ({
        id: String(s.id ?? state(s).id),
        name: String(inputs(s).subnetName ?? s.name),
        resource: s.name,
        cidr: String(inputs(s).addressPrefix),
        nsg: String(inputs(s).networkSecurityGroup?.id ?? ""),
    }));
    const nsgs = ofType(platform, "azure-native:network:NetworkSecurityGroup").map((n) => ({
        id: String(n.id ?? state(n).id),
        name: String(inputs(n).networkSecurityGroupName ?? n.name),
        rules: ((inputs(n).securityRules ?? []) as Record<string, any>[]).map(nsgRuleView),
    }));
    const subnetByName = (needle: string) => subnets.find((s) => s.resource.endsWith(`-${needle}`) || s.name.endsWith(`-${needle}`));
    const nodesSubnet = subnetByName("nodes")!;
    const apiSubnet = subnetByName("api-server")!;
    const nodeAsgs: string[] = (inputs(mc).agentPoolProfiles?.[0]?.networkProfile?.applicationSecurityGroups ?? []) as string[];
    const nics = ofType(platform, "azure-native:network:NetworkInterface").map((n) => {
        const ipc = (inputs(n).ipConfigurations ?? [])[0] ?? {};
        return {
            role: n.name.replace(/-nic$/, ""),
            ip: String(ipc.privateIPAddress ?? ""),
            subnetId: String(ipc.subnet?.id ?? ""),
            asgs: ((ipc.applicationSecurityGroups ?? []) as { id: string }[]).map((a) => a.id),
            publicIp: !!ipc.publicIPAddress,
        };
    });
    const vmIp = vmIpFrom(platform);
    const nodeIp = ipv4At(nodesSubnet.cidr, 10);
    // Public egress: a NIC's own public IP, else its subnet's NAT gateway's first address.
    const pipAddress = (id: unknown) => {
        const pip = ofType(platform, "azure-native:network:PublicIPAddress").find((r) => String(r.id ?? state(r).id) === String(id));
        return pip ? String(state(pip).ipAddress ?? "") : "";
    };
    const publicEgressOf = (role: string | undefined): { ip: string; how: string } | undefined => {
        const nic = ofType(platform, "azure-native:network:NetworkInterface").find((n) => n.name.replace(/-nic$/, "") === role);
        const ipc = (inputs(nic ?? ({ inputs: {} } as unknown as CapturedResource)).ipConfigurations ?? [])[0] ?? {};
        if (ipc.publicIPAddress?.id) {
            const ip = pipAddress(ipc.publicIPAddress.id);
            return ip ? { ip, how: `its public IP ${ip}` } : undefined;
        }
        const subnet = ofType(platform, "azure-native:network:Subnet").find((sn) => String(sn.id ?? state(sn).id) === String(ipc.subnet?.id ?? ""));
        const natId = subnet ? inputs(subnet).natGateway?.id : undefined;
        const nat = ofType(platform, "azure-native:network:NatGateway").find((r) => String(r.id ?? state(r).id) === String(natId ?? ""));
        const ip = nat ? pipAddress((inputs(nat).publicIpAddresses ?? [])[0]?.id) : "";
        return ip ? { ip, how: `SNAT to the NAT gateway's ${ip}` } : undefined;
    };
    const cni: Cni = {
        name: "cilium (AKS)",
        enforced: np.networkPolicy === "cilium" && np.networkDataplane === "cilium",
        enforcedBecause: `networkProfile networkPolicy=${String(np.networkPolicy)} networkDataplane=${String(np.networkDataplane)}`,
        egressBeforeDnat: false,
        ipBlockSelectsClusterAddresses: false,
        ciliumPolicies: true,
        source: CILIUM_IPBLOCK_SOURCE,
    };
    // Where a host sits: its address as the NSGs see it, its subnet (whose NSG applies), its ASGs.
    interface Place {
        ip: string;
        subnetCidr?: string;
        nsg?: string;
        asgs: string[];
        note?: string;
    }
    const placeOf = (h: Host, peerIp: string, side: "source" | "destination"): Place => {
        switch (h.kind) {
            case "pod":
                // Overlay: a pod sends from its own address inside the pod CIDR and is SNATed to
                // its node's address for any destination outside it (AZURE_OVERLAY_SOURCE); it
                // always receives on its own address.
                return side === "destination" || ipInCidr(peerIp, podCidr)
                    ? { ip: h.ip, subnetCidr: nodesSubnet.cidr, nsg: nodesSubnet.nsg, asgs: nodeAsgs }
                    : { ip: nodeIp, subnetCidr: nodesSubnet.cidr, nsg: nodesSubnet.nsg, asgs: nodeAsgs, note: `SNAT to node ${nodeIp} (${AZURE_OVERLAY_SOURCE})` };
            case "node":
                return { ip: h.ip, subnetCidr: nodesSubnet.cidr, nsg: nodesSubnet.nsg, asgs: nodeAsgs };
            case "controlPlane":
            case "apiEndpoint":
                return { ip: h.ip, subnetCidr: apiSubnet.cidr, nsg: apiSubnet.nsg, asgs: [] };
            case "vm": {
                const nic = nics.find((n) => n.role === h.role);
                const subnet = subnets.find((s) => s.id === nic?.subnetId || nic?.subnetId.endsWith(`/${s.name}`));
                return { ip: h.ip, subnetCidr: subnet?.cidr, nsg: subnet?.nsg, asgs: nic?.asgs ?? [] };
            }
            default:
                return { ip: h.ip, asgs: [] };
        }
    };
    const inVnet = (ip: string) => vnetSpace.some((c) => ipInCidr(ip, c));
    const evalNsg = (nsgId: string | undefined, direction: "Inbound" | "Outbound", from: Place, to: Place, port: number, protocol: string): LayerVerdict => {
        const layer = `NSG ${direction.toLowerCase()}`;
        const nsg = nsgs.find((n) => n.id === nsgId || (nsgId ?? "").endsWith(`/${n.name}`));
        if (!nsg) {
            return ok(layer, "no NSG on the subnet");
        }
        const endMatch = (e: NsgRuleView["src"], p: Place) =>
            (e.asgs ?? []).some((a) => p.asgs.includes(a)) ||
            (e.prefixes ?? []).some((x) => x === "*" || (x === "VirtualNetwork" ? inVnet(p.ip) : x === "Internet" ? !inVnet(p.ip) : /\//.test(x) || /^\d+\./.test(x) ? ipInCidr(p.ip, x.includes("/") ? x : `${x}/32`) : false));
        const all = [...nsg.rules.filter((r) => r.direction === direction), ...azureDefaultRules(direction)].sort((a, b) => a.priority - b.priority);
        for (const r of all) {
            const protoOk = r.protocol === "*" || r.protocol.toLowerCase() === protocol;
            const portOk = r.ports.some((p) => p === "*" || (p.includes("-") ? portInRange(port, Number(p.split("-")[0]), Number(p.split("-")[1])) : Number(p) === port));
            if (protoOk && portOk && endMatch(r.src, from) && endMatch(r.dst, to)) {
                const text = `${nsg.name}: ${r.name} (priority ${r.priority})${r.priority >= 65000 ? ` (${AZURE_NSG_DEFAULTS_SOURCE})` : ""}${from.note ? `; ${from.note}` : ""}`;
                return r.access === "Allow" ? ok(layer, text) : no(layer, `${text} denies ${from.ip} -> ${to.ip}:${port}/${protocol}`);
            }
        }
        return no(layer, `${nsg.name}: nothing matched`);
    };
    return {
        cloud: "azure",
        cni,
        nodeIp,
        otherNodeIp: ipv4At(nodesSubnet.cidr, 11),
        podIp: (n) => ipv4At(podCidr, 300 + n),
        serviceCidr,
        controlPlaneIp: ipv4At(apiSubnet.cidr, 4),
        apiPrivateIp: ipv4At(apiSubnet.cidr, 4),
        vmIp,
        tokenEndpoint: {
            host: { kind: "internet", label: "Entra ID (login.microsoftonline.com)", ip: "198.51.100.21" },
            port: 443,
            source: "https://learn.microsoft.com/azure/aks/workload-identity-overview (tokens from Microsoft Entra ID over HTTPS)",
        },
        firewall(src, dst, port, protocol) {
            if (dst.kind === "metadata") {
                // IMDS is answered by the host; NSGs never see it. Only the pod's policy guards it.
                return [ok("instance metadata", "169.254.169.254 is served by the host (NSGs do not apply)")];
            }
            const layers: LayerVerdict[] = [];
            if (src.kind === "internet") {
                if (dst.kind === "apiEndpoint") {
                    if (access.enablePrivateCluster) {
                        return [no("AKS endpoint", "private cluster: no public endpoint")];
                    }
                    const ranges: string[] = (access.authorizedIPRanges ?? []) as string[];
                    const hit = ranges.find((c) => ipInCidr(src.ip, c));
                    layers.push(ranges.length > 0 && hit ? ok("AKS endpoint", `authorizedIPRanges ${hit}`) : no("AKS endpoint", `${src.ip} is outside authorizedIPRanges (${ranges.join(", ") || "none: open to all"})`));
                    if (!layers[0].allowed) {
                        return layers;
                    }
                } else if (!(dst.kind === "vm" && nics.find((n) => n.role === dst.role)?.publicIp)) {
                    return [no("routing", `${dst.label} has no public address: the internet cannot reach it`)];
                } else {
                    layers.push(ok("routing", `${dst.label} has a public address`));
                }
            }
            if (src.kind === "vm" && dst.kind === "apiEndpoint" && !access.enablePrivateCluster) {
                // A public endpoint: the VM resolves the public FQDN (only nodes use the internal
                // address), leaves through its subnet's NSG to the internet, arrives from its
                // public egress address, which AKS's authorized ranges and the API server
                // subnet's NSG must both admit.
                const egress = publicEgressOf(src.role);
                const from = placeOf(src, AKS_PUBLIC_ENDPOINT_IP, "source");
                if (from.nsg) {
                    layers.push(evalNsg(from.nsg, "Outbound", from, { ip: AKS_PUBLIC_ENDPOINT_IP, asgs: [] }, port, protocol));
                }
                if (!egress) {
                    return [...layers, no("routing", `${src.label} has no public egress (no public IP, no NAT gateway) to the public API endpoint (${AKS_VNET_PUBLIC_SOURCE})`)];
                }
                const ranges: string[] = (access.authorizedIPRanges ?? []) as string[];
                const hit = ranges.find((c) => ipInCidr(egress.ip, c));
                layers.push(
                    ranges.length > 0 && hit
                        ? ok("AKS endpoint", `public endpoint (${AKS_VNET_PUBLIC_SOURCE}): ${egress.how} in authorizedIPRanges ${hit}`)
                        : no("AKS endpoint", `public endpoint (${AKS_VNET_PUBLIC_SOURCE}): ${egress.how} is outside authorizedIPRanges (${ranges.join(", ") || "none: open to all"})`),
                );
                const to = placeOf(dst, egress.ip, "destination");
                if (to.nsg) {
                    layers.push(evalNsg(to.nsg, "Inbound", { ip: egress.ip, asgs: [], note: egress.how }, to, port, protocol));
                }
                return layers;
            }
            if (src.kind === "vm" && dst.kind === "internet") {
                // The subnets set defaultOutboundAccess false: a VM reaches the internet (ARM,
                // Entra ID, package mirrors) only through its own public IP or its subnet's NAT
                // gateway (https://learn.microsoft.com/azure/virtual-network/ip-services/default-outbound-access).
                const egress = publicEgressOf(src.role);
                if (!egress) {
                    return [no("routing", `${src.label} has no public egress: no public IP, no NAT gateway on its subnet, and no default outbound access`)];
                }
                layers.push(ok("routing", `${egress.how}`));
            }
            const from = placeOf(src, dst.ip, "source");
            const to = placeOf(dst, src.ip, "destination");
            if (from.nsg) {
                layers.push(evalNsg(from.nsg, "Outbound", from, to, port, protocol));
            }
            if (to.nsg) {
                layers.push(evalNsg(to.nsg, "Inbound", from, to, port, protocol));
            }
            return layers;
        },
    };
}

function nsgRuleView(r: Record<string, any>): NsgRuleView {
    const list = (one: unknown, many: unknown): string[] => [...(one !== undefined ? [String(one)] : []), ...((many as string[] | undefined) ?? [])];
    const asgs = (x: unknown) => ((x as { id: string }[] | undefined) ?? []).map((a) => a.id);
    return {
        name: String(r.name),
        priority: Number(r.priority),
        direction: r.direction,
        access: r.access,
        protocol: String(r.protocol),
        ports: list(r.destinationPortRange, r.destinationPortRanges),
        src: { prefixes: list(r.sourceAddressPrefix, r.sourceAddressPrefixes), asgs: asgs(r.sourceApplicationSecurityGroups) },
        dst: { prefixes: list(r.destinationAddressPrefix, r.destinationAddressPrefixes), asgs: asgs(r.destinationApplicationSecurityGroups) },
    };
}

/** Azure's default rules every NSG ends with (AZURE_NSG_DEFAULTS_SOURCE). */
function azureDefaultRules(direction: "Inbound" | "Outbound"): NsgRuleView[] {
    const r = (name: string, priority: number, access: "Allow" | "Deny", src: string, dst: string): NsgRuleView => ({ name, priority, direction, access, protocol: "*", ports: ["*"], src: { prefixes: [src] }, dst: { prefixes: [dst] } });
    return direction === "Inbound"
        ? [r("AllowVnetInBound", 65000, "Allow", "VirtualNetwork", "VirtualNetwork"), r("DenyAllInBound", 65500, "Deny", "*", "*")]
        : [r("AllowVnetOutBound", 65000, "Allow", "VirtualNetwork", "VirtualNetwork"), r("AllowInternetOutBound", 65001, "Allow", "*", "Internet"), r("DenyAllOutBound", 65500, "Deny", "*", "*")];
}

// =============================================================================================
// GCP: VPC firewall rules by service account, GKE's own rules, Dataplane V2
// =============================================================================================

const GKE_FIREWALL_SOURCE = "https://cloud.google.com/kubernetes-engine/docs/concepts/firewall-rules";
const GCP_FIREWALL_SOURCE = "https://cloud.google.com/firewall/docs/firewalls (implied rules; at equal priority deny wins; sourceServiceAccounts match a VM's primary address only)";

interface FwRule {
    readonly name: string;
    readonly direction: "INGRESS" | "EGRESS";
    readonly priority: number;
    readonly action: "allow" | "deny";
    readonly protocols: { protocol: string; ports?: string[] }[];
    readonly sourceRanges: string[];
    readonly sourceSas: string[];
    readonly destinationRanges: string[];
    /** Target service accounts; `gke-nodes` for GKE's rules (its node tag); empty = every instance. */
    readonly targets: string[];
}

function gcpNetwork(platform: ResourceGraph): CloudNetwork {
    const gke = one(platform, "gcp:container/cluster:Cluster");
    const pcc = inputs(gke).privateClusterConfig ?? {};
    const cpCidr = String(pcc.masterIpv4CidrBlock);
    const nodeSubnet = ofType(platform, "gcp:compute/subnetwork:Subnetwork").find((s) => (inputs(s).secondaryIpRanges ?? []).length > 0)!;
    const nodeCidr = String(inputs(nodeSubnet).ipCidrRange);
    const ranges = (inputs(nodeSubnet).secondaryIpRanges ?? []) as { rangeName: string; ipCidrRange: string }[];
    const podCidr = ranges.find((r) => r.rangeName === inputs(gke).ipAllocationPolicy?.clusterSecondaryRangeName)?.ipCidrRange ?? ranges[0].ipCidrRange;
    const serviceCidr = ranges.find((r) => r.rangeName === inputs(gke).ipAllocationPolicy?.servicesSecondaryRangeName)?.ipCidrRange ?? ranges[1].ipCidrRange;
    const nodeSa = String(platform.outputs.clusterNodeSecurityGroupId);
    const instances = ofType(platform, "gcp:compute/instance:Instance");
    const vmOf = (role: string) => instances.find((i) => i.name === `${role}-instance`);
    const vmSa = (role: string) => String(inputs(vmOf(role) ?? ({ inputs: {} } as CapturedResource)).serviceAccount?.email ?? "");
    const vmIp = vmIpFrom(platform);
    const datapath = String(inputs(gke).datapathProvider ?? "");
    const cni: Cni = {
        name: "cilium (GKE Dataplane V2)",
        enforced: datapath === "ADVANCED_DATAPATH",
        enforcedBecause: `datapathProvider=${datapath} (Dataplane V2 always enforces NetworkPolicy: https://cloud.google.com/kubernetes-engine/docs/concepts/dataplane-v2)`,
        egressBeforeDnat: false,
        ipBlockSelectsClusterAddresses: false,
        ciliumPolicies: true,
        source: `GKE Dataplane V2 is Cilium (https://cloud.google.com/kubernetes-engine/docs/concepts/dataplane-v2); ${CILIUM_IPBLOCK_SOURCE}`,
    };
    const rules: FwRule[] = ofType(platform, "gcp:compute/firewall:Firewall").map((r) => {
        const i = inputs(r);
        const allows = (i.allows ?? []) as { protocol: string; ports?: string[] }[];
        const denies = (i.denies ?? []) as { protocol: string; ports?: string[] }[];
        return {
            name: String(i.name),
            direction: i.direction ?? "INGRESS",
            priority: Number(i.priority ?? 1000),
            action: denies.length > 0 ? "deny" : "allow",
            protocols: denies.length > 0 ? denies : allows,
            sourceRanges: i.sourceRanges ?? [],
            sourceSas: i.sourceServiceAccounts ?? [],
            destinationRanges: i.destinationRanges ?? [],
            targets: i.targetServiceAccounts ?? [],
        };
    });
    // GKE's own rules for a private VPC-native cluster, on its node tag (GKE_FIREWALL_SOURCE).
    const all = [{ protocol: "all" }];
    rules.push(
        { name: "gke-<cluster>-master (GKE)", direction: "INGRESS", priority: 1000, action: "allow", protocols: [{ protocol: "tcp", ports: ["443", "10250"] }], sourceRanges: [cpCidr], sourceSas: [], destinationRanges: [], targets: ["gke-nodes"] },
        { name: "gke-<cluster>-vms (GKE)", direction: "INGRESS", priority: 1000, action: "allow", protocols: all, sourceRanges: [nodeCidr], sourceSas: [], destinationRanges: [], targets: ["gke-nodes"] },
        { name: "gke-<cluster>-all (GKE)", direction: "INGRESS", priority: 1000, action: "allow", protocols: all, sourceRanges: [podCidr], sourceSas: [], destinationRanges: [], targets: ["gke-nodes"] },
        { name: "implied deny ingress", direction: "INGRESS", priority: 65535, action: "deny", protocols: all, sourceRanges: ["0.0.0.0/0"], sourceSas: [], destinationRanges: [], targets: [] },
        { name: "implied allow egress", direction: "EGRESS", priority: 65535, action: "allow", protocols: all, sourceRanges: [], sourceSas: [], destinationRanges: ["0.0.0.0/0"], targets: [] },
    );
    const nodeIp = ipv4At(nodeCidr, 10);
    // An instance end of a packet: its service account (and GKE's node tag), whether the address is its primary one.
    const instanceOf = (h: Host): { sa: string; gkeNode: boolean; primary: boolean } | undefined => {
        switch (h.kind) {
            case "pod":
                return { sa: nodeSa, gkeNode: true, primary: false };
            case "node":
                return { sa: nodeSa, gkeNode: true, primary: true };
            case "vm":
                return { sa: vmSa(h.role ?? ""), gkeNode: false, primary: true };
            default:
                return undefined;
        }
    };
    const protoOk = (r: FwRule, port: number, protocol: string) =>
        r.protocols.some((p) => (p.protocol === "all" || p.protocol === protocol) && (!p.ports || p.ports.length === 0 || p.ports.some((x) => (x.includes("-") ? portInRange(port, Number(x.split("-")[0]), Number(x.split("-")[1])) : Number(x) === port))));
    const applies = (r: FwRule, inst: { sa: string; gkeNode: boolean }) => r.targets.length === 0 || r.targets.includes(inst.sa) || (inst.gkeNode && r.targets.includes("gke-nodes"));
    const decide = (direction: "INGRESS" | "EGRESS", inst: { sa: string; gkeNode: boolean }, match: (r: FwRule) => boolean, port: number, protocol: string): LayerVerdict => {
        const layer = `VPC firewall ${direction.toLowerCase()}`;
        const hits = rules.filter((r) => r.direction === direction && applies(r, inst) && protoOk(r, port, protocol) && match(r));
        if (hits.length === 0) {
            return no(layer, "no rule matched");
        }
        const top = Math.min(...hits.map((r) => r.priority));
        const winners = hits.filter((r) => r.priority === top);
        const deny = winners.find((r) => r.action === "deny");
        const w = deny ?? winners[0];
        const text = `${w.name} (priority ${w.priority})${w.name.includes("(GKE)") ? ` (${GKE_FIREWALL_SOURCE})` : w.name.startsWith("implied") ? ` (${GCP_FIREWALL_SOURCE})` : ""}`;
        return deny ? no(layer, `${text} denies`) : ok(layer, text);
    };
    const authorized = ((inputs(gke).masterAuthorizedNetworksConfig?.cidrBlocks ?? []) as { cidrBlock: string }[]).map((c) => c.cidrBlock);
    return {
        cloud: "gcp",
        cni,
        nodeIp,
        otherNodeIp: ipv4At(nodeCidr, 11),
        podIp: (n) => ipv4At(podCidr, 300 + n),
        serviceCidr,
        controlPlaneIp: ipv4At(cpCidr, 2),
        apiPrivateIp: ipv4At(cpCidr, 2),
        vmIp,
        tokenEndpoint: {
            host: { kind: "metadata", label: "GKE metadata server", ip: METADATA_SERVER.ip },
            port: METADATA_SERVER.port,
            source: "https://cloud.google.com/kubernetes-engine/docs/concepts/workload-identity (with Dataplane V2, allow egress to 169.254.169.254/32 on port 80)",
        },
        firewall(src, dst, port, protocol) {
            if (dst.kind === "metadata") {
                return [ok("metadata server", "169.254.169.254 is answered on the node (GKE metadata server): no VPC firewall rule applies")];
            }
            const layers: LayerVerdict[] = [];
            if (dst.kind === "apiEndpoint") {
                if (src.kind === "internet" && pcc.enablePrivateEndpoint) {
                    return [no("GKE endpoint", "enablePrivateEndpoint: no public endpoint")];
                }
                // Master authorized networks guard both endpoints; the cluster's own nodes and pods
                // always reach the private endpoint (https://cloud.google.com/kubernetes-engine/docs/concepts/network-isolation).
                const own = [nodeCidr, podCidr].find((c) => ipInCidr(src.ip, c));
                const hit = own ?? authorized.find((c) => ipInCidr(src.ip, c));
                layers.push(hit ? ok("GKE authorized networks", `${src.ip} in ${hit}`) : no("GKE authorized networks", `${src.ip} is in no authorized network (${authorized.join(", ")})`));
                const inst = instanceOf(src);
                if (inst) {
                    layers.push(decide("EGRESS", inst, (r) => r.destinationRanges.some((c) => ipInCidr(dst.ip, c)), port, protocol));
                }
                return layers;
            }
            if (src.kind === "internet") {
                const vm = dst.kind === "vm" ? vmOf(dst.role ?? "") : undefined;
                const external = vm && (inputs(vm).networkInterfaces ?? []).some((n: any) => (n.accessConfigs ?? []).length > 0);
                if (!external) {
                    return [no("routing", `${dst.label} has no external address: the internet cannot reach it`)];
                }
                layers.push(ok("routing", `${dst.label} has an external address`));
            }
            const from = instanceOf(src);
            const to = instanceOf(dst);
            if (from) {
                layers.push(decide("EGRESS", from, (r) => r.destinationRanges.some((c) => ipInCidr(dst.ip, c)), port, protocol));
            }
            if (to) {
                layers.push(
                    decide(
                        "INGRESS",
                        to,
                        (r) => r.sourceRanges.some((c) => ipInCidr(src.ip, c)) || (!!from && from.primary && r.sourceSas.includes(from.sa)),
                        port,
                        protocol,
                    ),
                );
            }
            return layers;
        },
    };
}

/** The `kubernetes` Service ClusterIP (the analyser's own derivation, for the report). */
export function apiServiceIp(net: CloudNetwork): string {
    return kubernetesServiceIp(net.serviceCidr);
}

/** True when every address of `inner` is inside `outer` (re-export for the analyser). */
export { cidrContains };
