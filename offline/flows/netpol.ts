/**
 * Kubernetes NetworkPolicy evaluation with each CNI's documented semantics, over the
 * NetworkPolicies (and Cilium cluster-wide policies) of a captured in-cluster graph.
 *
 * The Kubernetes semantics (https://kubernetes.io/docs/concepts/services-networking/network-policies/):
 * a pod is isolated for a direction when some policy in its namespace selects it with that
 * policy type; an isolated pod admits exactly the union of the selecting policies' rules; an
 * absent or empty `to`/`from` matches every peer and absent or empty `ports` every port; a peer
 * with only `podSelector` means that namespace, with `namespaceSelector` the selected namespaces;
 * `policyTypes` defaults to Ingress, plus Egress when the policy has egress rules. Namespaces
 * carry `kubernetes.io/metadata.name` (set by the API server since Kubernetes 1.22).
 *
 * What differs per CNI is the address a rule is matched against and what an ipBlock can select:
 * see {@link Cni}. Where the CNI is Cilium, cluster-wide policies count too: their `egress`
 * allows are ORed with the NetworkPolicies, and their `egressDeny` rules are judged first and
 * win over every allow (https://docs.cilium.io/en/stable/security/policy/deny/). Not modelled:
 * that a deny-only Cilium policy also isolates an endpoint no NetworkPolicy selects (every
 * namespace the platform denies in has its own default-deny).
 */
import { ipInCidr } from "../../components/config/cidr";
import { CapturedResource, ResourceGraph } from "../graph";

/** A policy engine's documented semantics. */
export interface Cni {
    /** Short name in verdicts (`aws-vpc-cni`, `cilium (AKS)`, `cilium (GKE Dataplane V2)`). */
    readonly name: string;
    /** Whether NetworkPolicies are enforced at all (EKS: vpc-cni `enableNetworkPolicy`). */
    readonly enforced: boolean;
    /** Why it is (not) enforced, with the source. */
    readonly enforcedBecause: string;
    /**
     * Egress judged BEFORE the Service DNAT (the VPC CNI agent's eBPF probe sits on the pod's
     * veth and sees the ClusterIP) or after it (Cilium's socket-level load balancing).
     */
    readonly egressBeforeDnat: boolean;
    /** Whether an ipBlock can select pod and node addresses (VPC CNI: yes; Cilium: never). */
    readonly ipBlockSelectsClusterAddresses: boolean;
    /** Cilium policies (CiliumClusterwideNetworkPolicy) are evaluated too. */
    readonly ciliumPolicies: boolean;
    /** The source URL of these semantics (printed in every verdict that relies on them). */
    readonly source: string;
}

export const VPC_CNI_SOURCE =
    "https://github.com/aws/amazon-network-policy-controller-k8s/blob/ecc7e6a79394528bdb397e1fbd927dae64383bec/pkg/resolvers/endpoints.go (egress judged before DNAT on the pod veth; ClusterIPs added only for Services whose selector matches a podSelector peer)";
export const CILIUM_IPBLOCK_SOURCE =
    "https://learn.microsoft.com/azure/aks/azure-cni-powered-by-cilium#frequently-asked-questions (an ipBlock can't select pod or node IPs); https://docs.cilium.io/en/stable/security/policy/language/ (CIDR rules exclude cluster entities; policy on backends after load balancing)";

/** A pod as the policies see it. */
export interface PodRef {
    readonly namespace: string;
    readonly labels: Readonly<Record<string, string>>;
}

/** A Service as the VPC CNI controller resolves it (pre-DNAT egress). */
export interface ServiceRef {
    readonly namespace: string;
    readonly name: string;
    readonly clusterIp: string;
    /** `spec.selector`; absent for the `kubernetes` Service (its endpoints are the API server's). */
    readonly selector?: Readonly<Record<string, string>>;
}

/** The far end of a connection, as one side's policy engine sees it. */
export type Peer =
    | { readonly kind: "pod"; readonly ip: string; readonly pod: PodRef }
    | { readonly kind: "service"; readonly ip: string; readonly service: ServiceRef }
    /** A node's own address (kubelet, host-network pods): Cilium's `host` / `remote-node` entities. */
    | { readonly kind: "node"; readonly ip: string }
    /**
     * Anything outside the cluster (VMs, the control plane, the internet, link-local services).
     * `kube-apiserver`: the API server's own address, which Cilium gives the `kube-apiserver`
     * entity (it learns it from the `kubernetes` Service's endpoints).
     */
    | { readonly kind: "world"; readonly ip: string; readonly entity?: "kube-apiserver" };

export interface PolicyVerdict {
    readonly allowed: boolean;
    readonly reason: string;
}

interface LabelSelector {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; operator: string; values?: string[] }[];
}
interface NetPolPeer {
    ipBlock?: { cidr: string; except?: string[] };
    namespaceSelector?: LabelSelector;
    podSelector?: LabelSelector;
}
interface NetPolPort {
    protocol?: string;
    port?: number | string;
    endPort?: number;
}
interface NetPolRule {
    to?: NetPolPeer[];
    from?: NetPolPeer[];
    ports?: NetPolPort[];
}
interface NetPolSpec {
    podSelector?: LabelSelector;
    policyTypes?: string[];
    ingress?: NetPolRule[];
    egress?: NetPolRule[];
}
interface NetPol {
    readonly namespace: string;
    readonly name: string;
    readonly spec: NetPolSpec;
}
interface CiliumEgressRule {
    toEntities?: string[];
    toEndpoints?: LabelSelector[];
    toCIDR?: string[];
    toCIDRSet?: { cidr: string; except?: string[] }[];
    toPorts?: { ports?: { port: string; protocol?: string }[] }[];
}
interface Ccnp {
    readonly name: string;
    readonly endpointSelector: LabelSelector;
    readonly egress: CiliumEgressRule[];
    /** Deny rules: they win over every allow, of any policy kind (https://docs.cilium.io/en/stable/security/policy/deny/). */
    readonly egressDeny: CiliumEgressRule[];
}

/** Cilium's source for deny precedence (printed in a verdict a deny decides). */
export const CILIUM_DENY_SOURCE = "https://docs.cilium.io/en/stable/security/policy/deny/ (deny policies take precedence over allow policies)";

/** Every label selector operator of metav1.LabelSelector. */
export function selectorMatches(sel: LabelSelector | undefined, labels: Readonly<Record<string, string>>): boolean {
    if (!sel) {
        return true;
    }
    for (const [k, v] of Object.entries(sel.matchLabels ?? {})) {
        if (labels[k] !== v) {
            return false;
        }
    }
    for (const e of sel.matchExpressions ?? []) {
        const has = Object.prototype.hasOwnProperty.call(labels, e.key);
        switch (e.operator) {
            case "In":
                if (!has || !(e.values ?? []).includes(labels[e.key])) return false;
                break;
            case "NotIn":
                if (has && (e.values ?? []).includes(labels[e.key])) return false;
                break;
            case "Exists":
                if (!has) return false;
                break;
            case "DoesNotExist":
                if (has) return false;
                break;
            default:
                throw new Error(`unknown label selector operator ${e.operator}`);
        }
    }
    return true;
}

/** The NetworkPolicies, namespaces and Cilium policies of an in-cluster graph. */
export class PolicySet {
    readonly policies: NetPol[];
    readonly namespaces: Map<string, Record<string, string>>;
    readonly ccnps: Ccnp[];

    constructor(graph: ResourceGraph) {
        const inputs = (r: CapturedResource) => r.inputs as Record<string, any>;
        this.policies = graph.resources
            .filter((r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy")
            .map((r) => ({ namespace: String(inputs(r).metadata?.namespace), name: String(inputs(r).metadata?.name), spec: inputs(r).spec as NetPolSpec }));
        this.namespaces = new Map();
        for (const r of graph.resources.filter((x) => x.type === "kubernetes:core/v1:Namespace")) {
            const meta = inputs(r).metadata ?? {};
            // The API server adds this label to every namespace (Kubernetes 1.22+).
            this.namespaces.set(String(meta.name), { ...(meta.labels ?? {}), "kubernetes.io/metadata.name": String(meta.name) });
        }
        for (const name of ["default", "kube-system"]) {
            if (!this.namespaces.has(name)) {
                this.namespaces.set(name, { "kubernetes.io/metadata.name": name });
            }
        }
        this.ccnps = graph.resources
            .filter((r) => r.type === "kubernetes:cilium.io/v2:CiliumClusterwideNetworkPolicy")
            .map((r) => ({
                name: String(inputs(r).metadata?.name),
                endpointSelector: inputs(r).spec?.endpointSelector ?? {},
                egress: inputs(r).spec?.egress ?? [],
                egressDeny: inputs(r).spec?.egressDeny ?? [],
            }));
    }

    /** Namespaces by role label (`platform.io/namespace-role`), in registration order. */
    namespacesWith(label: string, value: string): string[] {
        return [...this.namespaces.entries()].filter(([, l]) => l[label] === value).map(([n]) => n);
    }

    private selecting(pod: PodRef, direction: "Ingress" | "Egress"): NetPol[] {
        return this.policies.filter((p) => {
            if (p.namespace !== pod.namespace || !selectorMatches(p.spec.podSelector ?? {}, pod.labels)) {
                return false;
            }
            const types = p.spec.policyTypes ?? ["Ingress", ...(p.spec.egress ? ["Egress"] : [])];
            return types.includes(direction);
        });
    }

    /** Egress of `pod` to `peer` on port/protocol, under the CNI's semantics. */
    egress(cni: Cni, pod: PodRef, peer: Peer, port: number, protocol: "tcp" | "udp"): PolicyVerdict {
        return this.judge(cni, pod, "Egress", peer, port, protocol);
    }

    /** Ingress to `pod` from `peer`. */
    ingress(cni: Cni, pod: PodRef, peer: Peer, port: number, protocol: "tcp" | "udp"): PolicyVerdict {
        return this.judge(cni, pod, "Ingress", peer, port, protocol);
    }

    private judge(cni: Cni, pod: PodRef, direction: "Ingress" | "Egress", peer: Peer, port: number, protocol: "tcp" | "udp"): PolicyVerdict {
        const where = `${direction.toLowerCase()} of ${pod.namespace}/${labelText(pod.labels)}`;
        if (!cni.enforced) {
            return { allowed: true, reason: `NetworkPolicies not enforced (${cni.enforcedBecause})` };
        }
        if (direction === "Egress" && cni.ciliumPolicies) {
            const denied = this.ciliumDenied(pod, peer, port, protocol);
            if (denied) {
                return { allowed: false, reason: `${where}: denied by CiliumClusterwideNetworkPolicy ${denied} (${CILIUM_DENY_SOURCE})` };
            }
        }
        const selecting = this.selecting(pod, direction);
        const cilium = direction === "Egress" && cni.ciliumPolicies ? this.ciliumEgress(pod, peer, port, protocol) : undefined;
        if (selecting.length === 0 && !cilium?.selected) {
            return { allowed: true, reason: `${where}: no policy selects the pod (not isolated)` };
        }
        for (const p of selecting) {
            const rules = (direction === "Egress" ? p.spec.egress : p.spec.ingress) ?? [];
            for (const rule of rules) {
                const peers = direction === "Egress" ? rule.to : rule.from;
                if (!portMatches(rule.ports, port, protocol)) {
                    continue;
                }
                const hit = !peers || peers.length === 0 ? "every peer" : peers.map((x) => this.peerMatches(cni, p.namespace, x, peer)).find((m) => m);
                if (hit) {
                    return { allowed: true, reason: `${where}: allowed by NetworkPolicy ${p.namespace}/${p.name} (${hit})` };
                }
            }
        }
        if (cilium?.allowedBy) {
            return { allowed: true, reason: `${where}: allowed by CiliumClusterwideNetworkPolicy ${cilium.allowedBy}` };
        }
        const names = selecting.map((p) => p.name).join(", ");
        const hint = this.missHint(cni, direction, peer);
        return { allowed: false, reason: `${where}: isolated by ${names || "a Cilium policy"} and no rule admits ${peerText(peer)}:${port}/${protocol}${hint}` };
    }

    /** Why a peer an operator would expect to match did not (the CNI semantics at play). */
    private missHint(cni: Cni, direction: "Ingress" | "Egress", peer: Peer): string {
        if (peer.kind === "service" && !peer.service.selector && direction === "Egress") {
            return ` (${cni.name} judges egress before the Service DNAT: only an ipBlock holding the ClusterIP ${peer.ip} can admit it; ${cni.source})`;
        }
        if ((peer.kind === "node" || peer.kind === "pod") && !cni.ipBlockSelectsClusterAddresses) {
            return ` (${cni.name}: an ipBlock can never select a ${peer.kind} address; ${cni.source})`;
        }
        return "";
    }

    private peerMatches(cni: Cni, policyNamespace: string, np: NetPolPeer, peer: Peer): string | undefined {
        if (np.ipBlock) {
            if (!ipInCidr(peer.ip, np.ipBlock.cidr) || (np.ipBlock.except ?? []).some((e) => ipInCidr(peer.ip, e))) {
                return undefined;
            }
            if ((peer.kind === "pod" || peer.kind === "node") && !cni.ipBlockSelectsClusterAddresses) {
                return undefined;
            }
            return `ipBlock ${np.ipBlock.cidr}`;
        }
        const namespaceOk = (ns: string) =>
            np.namespaceSelector ? selectorMatches(np.namespaceSelector, this.namespaces.get(ns) ?? { "kubernetes.io/metadata.name": ns }) : ns === policyNamespace;
        if (peer.kind === "pod") {
            return namespaceOk(peer.pod.namespace) && selectorMatches(np.podSelector, peer.pod.labels) ? `selects ${peer.pod.namespace}/${labelText(peer.pod.labels)}` : undefined;
        }
        if (peer.kind === "service") {
            // The VPC CNI controller adds a Service's ClusterIP when the Service has a selector
            // and the peer's podSelector matches that selector (getMatchingServiceClusterIPs).
            const sel = peer.service.selector;
            return sel && namespaceOk(peer.service.namespace) && selectorMatches(np.podSelector, sel) ? `ClusterIP of ${peer.service.namespace}/${peer.service.name} resolved from the peer's podSelector` : undefined;
        }
        return undefined;
    }

    /**
     * A pod's Cilium endpoint labels: its namespace, its labels (`k8s:` source) and its namespace's
     * labels (`k8s:io.cilium.k8s.namespace.labels.<key>`: https://docs.cilium.io/en/stable/security/policy/kubernetes/#namespaces).
     */
    private endpointLabels(pod: PodRef): Record<string, string> {
        const out: Record<string, string> = { "k8s:io.kubernetes.pod.namespace": pod.namespace };
        for (const [k, v] of Object.entries(this.namespaces.get(pod.namespace) ?? {})) {
            out[`k8s:io.cilium.k8s.namespace.labels.${k}`] = v;
        }
        for (const [k, v] of Object.entries(pod.labels)) {
            out[`k8s:${k}`] = v;
        }
        return out;
    }

    /**
     * The deny rule (`<policy> (<what>)`) of a cluster-wide policy selecting the pod that matches
     * the peer and port, if any. Entities: `host` / `remote-node` are the nodes, `kube-apiserver`
     * the API server's address, `world` anything outside the cluster, `cluster` pods and nodes,
     * `all` everything; endpoints select pods by their endpoint labels; CIDR rules select only
     * addresses outside the cluster (Cilium's CIDR rules exclude cluster entities).
     */
    private ciliumDenied(pod: PodRef, peer: Peer, port: number, protocol: "tcp" | "udp"): string | undefined {
        const labels = this.endpointLabels(pod);
        for (const c of this.ccnps) {
            if (c.egressDeny.length === 0 || !selectorMatches(c.endpointSelector, labels)) {
                continue;
            }
            for (const rule of c.egressDeny) {
                const ports = (rule.toPorts ?? []).flatMap((tp) => tp.ports ?? []);
                if (ports.length > 0 && !ports.some((p) => Number(p.port) === port && (p.protocol ?? "TCP").toLowerCase() === protocol)) {
                    continue;
                }
                const hit = this.ciliumPeerHit(rule, peer);
                if (hit) {
                    return `${c.name} (egressDeny ${hit})`;
                }
            }
        }
        return undefined;
    }

    private ciliumPeerHit(rule: CiliumEgressRule, peer: Peer): string | undefined {
        for (const e of rule.toEntities ?? []) {
            const hit =
                e === "all" ||
                ((e === "host" || e === "remote-node") && peer.kind === "node") ||
                (e === "cluster" && (peer.kind === "node" || peer.kind === "pod")) ||
                (e === "kube-apiserver" && peer.kind === "world" && peer.entity === "kube-apiserver") ||
                (e === "world" && peer.kind === "world");
            if (hit) {
                return `toEntities ${e}`;
            }
        }
        if (peer.kind === "pod") {
            const labels = this.endpointLabels(peer.pod);
            if ((rule.toEndpoints ?? []).some((sel) => selectorMatches(sel, labels))) {
                return "toEndpoints";
            }
        }
        if (peer.kind === "world") {
            const cidr = (rule.toCIDR ?? []).find((c) => ipInCidr(peer.ip, c));
            if (cidr) {
                return `toCIDR ${cidr}`;
            }
            const set = (rule.toCIDRSet ?? []).find((c) => ipInCidr(peer.ip, c.cidr) && !(c.except ?? []).some((x) => ipInCidr(peer.ip, x)));
            if (set) {
                return `toCIDRSet ${set.cidr}`;
            }
        }
        return undefined;
    }

    private ciliumEgress(pod: PodRef, peer: Peer, port: number, protocol: "tcp" | "udp"): { selected: boolean; allowedBy?: string } {
        const endpointLabels = this.endpointLabels(pod);
        let selected = false;
        for (const c of this.ccnps) {
            if (!selectorMatches(c.endpointSelector, endpointLabels) || c.egress.length === 0) {
                continue;
            }
            selected = true;
            for (const rule of c.egress) {
                const entities = rule.toEntities ?? [];
                const entityHit = peer.kind === "node" && (entities.includes("host") || entities.includes("remote-node") || entities.includes("cluster") || entities.includes("all"));
                const ports = (rule.toPorts ?? []).flatMap((tp) => tp.ports ?? []);
                const portHit = ports.length === 0 || ports.some((p) => Number(p.port) === port && (p.protocol ?? "TCP").toLowerCase() === protocol);
                if (entityHit && portHit) {
                    return { selected, allowedBy: `${c.name} (toEntities ${entities.join(", ")})` };
                }
            }
        }
        return { selected };
    }
}

function portMatches(ports: NetPolPort[] | undefined, port: number, protocol: "tcp" | "udp"): boolean {
    if (!ports || ports.length === 0) {
        return true;
    }
    return ports.some((p) => {
        if ((p.protocol ?? "TCP").toLowerCase() !== protocol) {
            return false;
        }
        if (p.port === undefined) {
            return true;
        }
        if (typeof p.port === "string") {
            // Named ports need the destination container's port names; the platform uses none.
            return false;
        }
        return p.endPort !== undefined ? port >= p.port && port <= p.endPort : port === p.port;
    });
}

export function labelText(labels: Readonly<Record<string, string>>): string {
    return Object.entries(labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(",");
}

function peerText(peer: Peer): string {
    switch (peer.kind) {
        case "pod":
            return `pod ${peer.pod.namespace}/${labelText(peer.pod.labels)} (${peer.ip})`;
        case "service":
            return `Service ${peer.service.namespace}/${peer.service.name} (${peer.ip})`;
        case "node":
            return `node ${peer.ip}`;
        case "world":
            return peer.ip;
    }
}
