/**
 * The Azure tier firewall as data: every inbound NSG rule of every subnet, in one table, read
 * from components/bootstrap/ports.ts (what listens) and decided here (who may connect). Rules
 * name application security groups (ASGs), never address ranges, except where Azure has no
 * identity to name (the operators' allowlist, the AKS pod range, the load balancer's probes) or
 * where Azure would not attach one: the AKS nodes (see {@link sourceOf}).
 *
 * Every NSG ends with an explicit deny of all inbound traffic at priority 4096: Azure's default
 * rules would otherwise allow the whole VNet in (AllowVnetInBound, 65000). Outbound stays on
 * Azure's defaults (VNet and internet through the NAT gateway).
 */
import type { ToolVmRole } from "../contracts";
import { KUBERNETES_API_PORT, TierRule, tierRules } from "../tier-rules";

/** Tiers that carry an application security group. */
export type AzureTier = "bastion" | ToolVmRole | "clusterNodes";
export const AZURE_TIERS: readonly AzureTier[] = ["bastion", "jenkins", "vault", "wazuh", "clusterNodes"];

/** The subnets (one NSG each). */
export type AzureSubnet = "public" | "nodes" | "tools" | "endpoints" | "apiServer";
export const AZURE_SUBNETS: readonly AzureSubnet[] = ["public", "nodes", "tools", "endpoints", "apiServer"];

/** Which subnet a tier lives in (its inbound rules go into that subnet's NSG). */
export const SUBNET_OF: Readonly<Record<AzureTier, AzureSubnet>> = { bastion: "public", jenkins: "tools", vault: "tools", wazuh: "tools", clusterNodes: "nodes" };

/** One flow between tiers: `source` may open TCP connections to `target` on `port`. */
export interface AzureTierRule {
    readonly target: AzureTier;
    readonly source: AzureTier;
    readonly port: number;
    readonly service: string;
    readonly description: string;
}

/**
 * The shared tier table (components/tier-rules.ts) as it applies on Azure: every rule whose
 * target is a VM tier. The "kube-api from bastion" rule (target `clusterApi`) has no ASG to
 * name: AKS's API server sits behind an internal load balancer in the API server subnet (API
 * Server VNet Integration), so {@link nsgRuleTable} renders it into that subnet's NSG with the
 * subnet's prefix as destination.
 */
export function azureTierRules(): AzureTierRule[] {
    return tierRules()
        .filter((r): r is TierRule & { target: AzureTier; source: AzureTier } => r.target !== "clusterApi" && r.source !== "clusterApi")
        .map((r) => ({ target: r.target, source: r.source, port: r.port, service: r.service, description: r.description }));
}

/**
 * Where a rule's traffic comes from: an ASG, address prefixes, a service tag, or one of the
 * platform's own public egress addresses (the NAT gateway's, the bastion's public IP: known once
 * they exist, network.ts renders them).
 */
export type RuleSource =
    | { readonly asg: AzureTier }
    | { readonly prefixes: readonly string[] }
    | { readonly serviceTag: "AzureLoadBalancer" | "VirtualNetwork" }
    | { readonly platformEgress: "natGateway" | "bastion" };
/** Where it goes: an ASG, or the whole subnet. */
export type RuleDestination = { readonly asg: AzureTier } | { readonly prefixes: readonly string[] };

/** One inbound NSG rule, as it will be declared. */
export interface NsgRule {
    readonly name: string;
    readonly priority: number;
    readonly access: "Allow" | "Deny";
    readonly protocol: "Tcp" | "*";
    /** A port number, or `*`. */
    readonly port: string;
    readonly source: RuleSource;
    readonly destination: RuleDestination;
    readonly description: string;
}

/** The explicit default-deny every NSG ends with (the lowest priority a user rule can have). */
export const DENY_ALL_PRIORITY = 4096;
const FIRST_PRIORITY = 100;
const PRIORITY_STEP = 10;

export interface NsgTableInputs {
    /** Operators' CIDRs (SSH to the bastion). */
    readonly operatorCidrs: readonly string[];
    /** The nodes subnet and the pod overlay range: node-to-node and pod traffic. */
    readonly nodesCidr: string;
    readonly podCidr: string;
    /** The VNet (HTTPS to private endpoints). */
    readonly networkCidr: string;
    /** The AKS API server subnet (API Server VNet Integration): the API's internal load balancer. */
    readonly apiServerCidr: string;
    /**
     * Who reaches the PUBLIC API endpoint (`restricted` access: the authorized ranges); empty for
     * a private cluster. The public load balancer keeps the client's address, so the API server
     * subnet's NSG must admit exactly the ranges AKS itself authorizes.
     */
    readonly apiAuthorizedCidrs: readonly string[];
}

const kebab = (t: AzureTier) => t.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * How a rule names a tier as its source. Every VM tier by its ASG (the NICs carry it, vm.ts);
 * the AKS nodes by the nodes subnet's block: AKS attaches a node pool's application security
 * groups only together with allowed host ports (one feature,
 * learn.microsoft.com/azure/aks/use-node-public-ips#allow-host-port-connections-and-add-node-pools-to-application-security-groups)
 * and drops ASG ids given alone without an error ("did nothing at all",
 * github.com/Azure/azure-cli/pull/30768; github.com/hashicorp/terraform-provider-azurerm/pull/28789;
 * github.com/Azure/AKS/issues/5325), so a rule naming a nodes ASG would match no node. The
 * subnet is as narrow: only AKS nodes live in it, and overlay pods reach anything outside the
 * pod range SNATed to their node's address (learn.microsoft.com/azure/aks/azure-cni-overlay).
 * AKS's own NSG table for the API server subnet names "the cluster subnet" the same way
 * (learn.microsoft.com/azure/aks/api-server-vnet-integration#nsg-security-rules).
 */
export function sourceOf(tier: AzureTier, inputs: Pick<NsgTableInputs, "nodesCidr">): RuleSource {
    return tier === "clusterNodes" ? { prefixes: [inputs.nodesCidr] } : { asg: tier };
}

/**
 * Every inbound rule of every NSG, in priority order. Pure: tests compare it with the graph,
 * and the whole matrix can be reviewed here at once.
 */
export function nsgRuleTable(inputs: NsgTableInputs): Readonly<Record<AzureSubnet, readonly NsgRule[]>> {
    const table: Record<AzureSubnet, Omit<NsgRule, "priority">[]> = { public: [], nodes: [], tools: [], endpoints: [], apiServer: [] };
    table.public.push({
        name: "ssh-from-operators",
        access: "Allow",
        protocol: "Tcp",
        port: "22",
        source: { prefixes: [...inputs.operatorCidrs] },
        destination: { asg: "bastion" },
        description: "SSH to the bastion from the allowlisted operator CIDRs only",
    });
    for (const rule of azureTierRules()) {
        table[SUBNET_OF[rule.target]].push({
            name: `${kebab(rule.target)}-${rule.service}-from-${kebab(rule.source)}`,
            access: "Allow",
            protocol: "Tcp",
            port: String(rule.port),
            source: sourceOf(rule.source, inputs),
            destination: { asg: rule.target },
            description: rule.description,
        });
    }
    // AKS needs node<->node and pod traffic (overlay pods keep their pod address inside the
    // VNet), the API server's calls (kubelet, admission webhooks, logs/exec: with VNet
    // integration they come from the API server subnet) and the load balancer's health probes;
    // nothing else reaches the nodes.
    table.nodes.push(
        // Azure CNI Overlay does not encapsulate pod traffic, so the subnet's NSG sees pod
        // addresses on both ends: node->node, node->pod and pod->pod must all be allowed
        // ("Network security groups", https://learn.microsoft.com/azure/aks/azure-cni-overlay).
        { name: "cluster-internal", access: "Allow", protocol: "*", port: "*", source: { prefixes: [inputs.nodesCidr, inputs.podCidr] }, destination: { prefixes: [inputs.nodesCidr, inputs.podCidr] }, description: "Node and pod traffic inside the cluster (overlay: node->node, node->pod, pod->pod)" },
        // Webhooks run in pods: the API server dials the pod's overlay address, not the node's.
        { name: "from-api-server", access: "Allow", protocol: "Tcp", port: "*", source: { prefixes: [inputs.apiServerCidr] }, destination: { prefixes: [inputs.nodesCidr, inputs.podCidr] }, description: "AKS API server (VNet integration) to kubelets and admission webhooks (pods)" },
        { name: "azure-load-balancer-probes", access: "Allow", protocol: "*", port: "*", source: { serviceTag: "AzureLoadBalancer" }, destination: { prefixes: [inputs.nodesCidr] }, description: "Azure load balancer health probes (internal Services)" },
    );
    // The API server subnet (API Server VNet Integration): the API's internal load balancer.
    // AKS's page lists what an NSG must admit there: TCP 443 and 4443 from the cluster subnet,
    // and TCP 9988 from the Azure Load Balancer ("You can also enable all communications between
    // the Azure Load Balancer and the API Server Subnet CIDR"), our deny-all overriding Azure's
    // AllowAzureLoadBalancerInBound (learn.microsoft.com/azure/aks/api-server-vnet-integration#nsg-security-rules).
    // The rest is the platform's access model: the bastion tunnel (tier table) and, for a public
    // endpoint, the authorized ranges. Pods reach it SNATed to their node (the nodes subnet).
    const api = { prefixes: [inputs.apiServerCidr] };
    table.apiServer.push(
        { name: "kube-api-from-cluster-nodes", access: "Allow", protocol: "Tcp", port: "443", source: sourceOf("clusterNodes", inputs), destination: api, description: "Nodes and pods (SNATed to their node) to the Kubernetes API" },
        { name: "kube-api-tunnel-from-cluster-nodes", access: "Allow", protocol: "Tcp", port: "4443", source: sourceOf("clusterNodes", inputs), destination: api, description: "Nodes to the API server's tunnel port (AKS requirement for the API server subnet)" },
    );
    for (const rule of tierRules().filter((r) => r.target === "clusterApi")) {
        if (rule.source === "clusterApi") {
            throw new Error("firewall: a clusterApi -> clusterApi rule has no meaning");
        }
        table.apiServer.push({ name: `cluster-api-${rule.service}-from-${kebab(rule.source)}`, access: "Allow", protocol: "Tcp", port: String(rule.port), source: sourceOf(rule.source, inputs), destination: api, description: rule.description });
    }
    if (inputs.apiAuthorizedCidrs.length > 0) {
        table.apiServer.push({ name: "kube-api-from-authorized", access: "Allow", protocol: "Tcp", port: "443", source: { prefixes: [...inputs.apiAuthorizedCidrs] }, destination: api, description: "Public API endpoint: the authorized ranges only (AKS enforces the same list)" });
        // A public endpoint is also what the platform's own VMs reach: an out-of-cluster client
        // resolves the public FQDN (only the nodes use the internal address), so the private
        // kube-api rules above never match there. The bastion's tunnel arrives from its own public
        // IP, the tool VMs (Jenkins' Kubernetes plugin) from the NAT gateway's address; the
        // cluster authorizes both (cluster.ts platformEgressIps).
        const apiClients = tierRules().filter((r) => r.target === "clusterApi" && r.source !== "clusterApi" && r.source !== "clusterNodes");
        for (const egress of ["bastion", "natGateway"] as const) {
            const sources = apiClients.filter((r) => (egress === "bastion" ? r.source === "bastion" : r.source !== "bastion")).map((r) => r.source);
            if (sources.length > 0) {
                table.apiServer.push({
                    name: egress === "bastion" ? "kube-api-from-bastion-public-ip" : "kube-api-from-nat-gateway",
                    access: "Allow",
                    protocol: "Tcp",
                    port: String(KUBERNETES_API_PORT),
                    source: { platformEgress: egress },
                    destination: api,
                    description: `Public API endpoint from ${egress === "bastion" ? "the bastion public IP" : "the NAT gateway address"}: ${sources.join(", ")} (restricted access)`,
                });
            }
        }
    }
    table.apiServer.push({ name: "azure-load-balancer-probes", access: "Allow", protocol: "*", port: "*", source: { serviceTag: "AzureLoadBalancer" }, destination: api, description: "Health probes of the API server's load balancer" });
    table.endpoints.push({
        name: "https-from-vnet",
        access: "Allow",
        protocol: "Tcp",
        port: "443",
        source: { prefixes: [inputs.networkCidr] },
        destination: { prefixes: ["*"] },
        description: "HTTPS to private endpoints (Key Vault, Blob) from inside the VNet",
    });
    const out = {} as Record<AzureSubnet, NsgRule[]>;
    for (const subnet of AZURE_SUBNETS) {
        out[subnet] = [
            ...table[subnet].map((r, i) => ({ ...r, priority: FIRST_PRIORITY + i * PRIORITY_STEP })),
            {
                name: "deny-all-inbound",
                priority: DENY_ALL_PRIORITY,
                access: "Deny",
                protocol: "*",
                port: "*",
                source: { prefixes: ["*"] },
                destination: { prefixes: ["*"] },
                description: "Default deny: overrides Azure's AllowVnetInBound and AllowAzureLoadBalancerInBound",
            },
        ];
        if (out[subnet].length - 1 > (DENY_ALL_PRIORITY - FIRST_PRIORITY) / PRIORITY_STEP) {
            throw new Error(`NSG ${subnet}: too many rules for the priority range`);
        }
    }
    return out;
}
