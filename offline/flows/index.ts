/**
 * The offline flow analyser: every flow of the contract (components/flows.ts) evaluated through
 * every layer of both captured graphs of an environment, with each layer's documented
 * semantics: the source pod's egress policies (as its CNI judges them: before or after the
 * Service DNAT, what an ipBlock can select, Cilium cluster-wide policies), the cloud firewall
 * (security groups / NSGs / VPC firewall rules, plus what the managed control plane and the cloud
 * add on their own), API endpoint access, and the destination pod's ingress policies.
 *
 * A required flow is OPEN when every layer admits it; a forbidden one is CLOSED when at least
 * one layer stops it. `npm run plan -- --stack S --flows` prints one line per flow and fails on
 * a blocked required flow or an open forbidden one.
 *
 * This is evidence from the declared configuration and the clouds' documentation, not a packet
 * test against a deployed cluster.
 */
import { ipv4At, kubernetesServiceIp } from "../../components/config/cidr";
import { Flow, FlowPeer, NamespaceRef, platformFlows, POD_LABELS } from "../../components/flows";
import { JENKINS_AGENTS_NAMESPACE, PLATFORM_NAMESPACES, ROLE_LABEL } from "../../components/kubernetes/common";
import { LayeredGraphs, loadStackConfig } from "../engine";
import { cloudNetwork, Host, LayerVerdict, UNLISTED_INTERNET_IP } from "./clouds";
import { labelText, Peer, PodRef, PolicySet } from "./netpol";

export { UNLISTED_INTERNET_IP } from "./clouds";

/** One evaluated flow. */
export interface FlowResult {
    readonly id: string;
    readonly kind: Flow["kind"];
    readonly from: string;
    readonly to: string;
    readonly port: number;
    readonly protocol: "tcp" | "udp";
    readonly why: string;
    /** Every layer admits it. */
    readonly open: boolean;
    /** As the contract wants: required and open, or forbidden and closed. */
    readonly ok: boolean;
    readonly layers: readonly LayerVerdict[];
}

export interface FlowReport {
    readonly stack: string;
    readonly cloud: string;
    readonly results: readonly FlowResult[];
    /** Contract entries that do not apply to this stack, and why. */
    readonly skipped: readonly string[];
}

export interface FlowOptions {
    /** The bastion's SSH allowlist (config `platform:bastion.allowedCidrs`). */
    readonly operatorCidrs: readonly string[];
    /** The contract to check (default: components/flows.ts). Tests plant flows here. */
    readonly flows?: readonly Flow[];
}

/** Evaluates the contract on both layers of one environment. */
export function analyseFlows(layers: LayeredGraphs, options: FlowOptions): FlowReport {
    const net = cloudNetwork(layers.platform, layers.incluster);
    const policies = new PolicySet(layers.incluster);
    const workload = policies.namespacesWith(ROLE_LABEL, "workload");
    const serving = policies.namespacesWith(ROLE_LABEL, "serving");
    const platformNs = policies.namespacesWith(ROLE_LABEL, "platform");
    // Build agents (jenkins-agents, role `ci`): only where the in-cluster layer created it.
    const ci = policies.namespacesWith(ROLE_LABEL, "ci");
    const results: FlowResult[] = [];
    const skipped: string[] = [];
    let podCount = 0;

    const namespacesOf = (ref: NamespaceRef): string[] => {
        if ("name" in ref) {
            return [ref.name];
        }
        if ("workload" in ref) {
            return workload[ref.workload] ? [workload[ref.workload]] : [];
        }
        switch (ref.role) {
            case "platform":
                return platformNs;
            case "workload":
                return workload;
            case "serving":
                return serving;
            case "any":
                return [...platformNs, ...workload, ...serving, ...ci];
        }
    };

    for (const flow of options.flows ?? platformFlows()) {
        if (flow.when === "clusterAutoscaler" && !layers.incluster.resources.some((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.chart === "cluster-autoscaler")) {
            skipped.push(`${flow.id}: no Cluster Autoscaler on this cluster (the cloud scales its pools)`);
            continue;
        }
        if (flow.when === "servingDemo" && serving.length === 0) {
            skipped.push(`${flow.id}: no serving namespace (modelServing.demo is off)`);
            continue;
        }
        if (flow.when === "jenkinsAgents" && !ci.includes(JENKINS_AGENTS_NAMESPACE)) {
            skipped.push(`${flow.id}: no ${JENKINS_AGENTS_NAMESPACE} namespace (the cluster hints name no Jenkins subject, or the platform has no Jenkins VM)`);
            continue;
        }
        const froms = expand(flow.from, "from");
        const tos = expand(flow.to, "to");
        if (froms.length === 0 || tos.length === 0) {
            skipped.push(`${flow.id}: ${froms.length === 0 ? "source" : "destination"} namespace absent in this stack`);
            continue;
        }
        for (const from of froms) {
            for (const to of tos) {
                const port = flow.port === "endpoint" ? (to.port ?? 443) : flow.port;
                const layerList = evaluate(from, to, port, flow.protocol);
                const open = layerList.every((l) => l.allowed);
                const suffix = froms.length > 1 ? `:${from.namespace}` : tos.length > 1 ? `:${to.namespace}` : "";
                results.push({
                    id: `${flow.id}${suffix}`,
                    kind: flow.kind,
                    from: from.host.label,
                    to: to.host.label,
                    port,
                    protocol: flow.protocol,
                    why: flow.why,
                    open,
                    ok: flow.kind === "required" ? open : !open,
                    layers: layerList,
                });
            }
        }
    }
    return { stack: layers.platform.stack, cloud: net.cloud, results, skipped };

    /** A peer of the contract as concrete ends (several for a namespace role). */
    interface End {
        readonly host: Host;
        readonly pod?: PodRef;
        readonly namespace?: string;
        /** Reached through a Service: its ClusterIP and the backend behind it. */
        readonly service?: { readonly namespace: string; readonly name: string; readonly ip: string; readonly selector?: Record<string, string>; readonly backend: End };
        /** The port of a cloud endpoint (`port: "endpoint"` flows). */
        readonly port?: number;
    }

    function expand(peer: FlowPeer, side: "from" | "to"): End[] {
        switch (peer.kind) {
            case "pod":
                return namespacesOf(peer.namespace).map((namespace) => ({
                    host: { kind: "pod", label: `${namespace}/${peer.what}`, ip: net.podIp(podCount++) },
                    pod: { namespace, labels: peer.labels },
                    namespace,
                }));
            case "kubernetesApi": {
                const backend: End = { host: { kind: "apiEndpoint", label: "API server", ip: net.apiPrivateIp } };
                const ip = kubernetesServiceIp(net.serviceCidr);
                return [{ host: { kind: "apiEndpoint", label: `Service default/kubernetes (${ip})`, ip: net.apiPrivateIp }, service: { namespace: "default", name: "kubernetes", ip, backend } }];
            }
            case "clusterDns": {
                const backend: End = { host: { kind: "pod", label: "kube-system/kube-dns", ip: net.podIp(900) }, pod: { namespace: "kube-system", labels: POD_LABELS.clusterDns }, namespace: "kube-system" };
                // Both CoreDNS (EKS, AKS) and kube-dns (GKE) sit behind a Service with this selector at the 10th address.
                const ip = ipv4At(net.serviceCidr, 10);
                return [{ host: { kind: "pod", label: `Service kube-system/kube-dns (${ip})`, ip: backend.host.ip }, service: { namespace: "kube-system", name: "kube-dns", ip, selector: { ...POD_LABELS.clusterDns }, backend }, pod: backend.pod, namespace: "kube-system" }];
            }
            case "controlPlane":
                return [{ host: { kind: "controlPlane", label: "control plane", ip: net.controlPlaneIp } }];
            case "apiEndpoint":
                return [{ host: { kind: "apiEndpoint", label: "API endpoint", ip: net.apiPrivateIp } }];
            case "node":
                return [{ host: { kind: "node", label: "node", ip: side === "to" ? net.otherNodeIp : net.nodeIp } }];
            case "vm":
                return [{ host: { kind: "vm", label: `${peer.role} VM`, ip: net.vmIp(peer.role), role: peer.role } }];
            case "internet": {
                const ip = peer.allowlisted ? ipv4At(options.operatorCidrs[0] ?? "203.0.113.0/24", 10) : UNLISTED_INTERNET_IP;
                return [{ host: { kind: "internet", label: `${peer.what} (${ip})`, ip } }];
            }
            case "identityToken":
                return [{ host: net.tokenEndpoint.host, port: net.tokenEndpoint.port }];
            case "instanceMetadata":
                return [{ host: { kind: "metadata", label: "instance metadata (169.254.169.254)", ip: "169.254.169.254" } }];
        }
    }

    function evaluate(from: End, to: End, port: number, protocol: "tcp" | "udp"): LayerVerdict[] {
        const out: LayerVerdict[] = [];
        const cni = net.cni;
        // The destination after the Service's load balancing (what the firewall and the far
        // pod's ingress policy see).
        const target = to.service ? to.service.backend : to;
        if (from.pod) {
            const peer: Peer =
                to.service && cni.egressBeforeDnat
                    ? { kind: "service", ip: to.service.ip, service: { namespace: to.service.namespace, name: to.service.name, clusterIp: to.service.ip, selector: to.service.selector } }
                    : peerOf(target);
            const v = policies.egress(cni, from.pod, peer, port, protocol);
            out.push({ layer: `NetworkPolicy egress [${cni.name}]`, allowed: v.allowed, reason: v.reason });
        }
        out.push(...net.firewall(from.host, target.host, port, protocol));
        if (target.pod && target.host.kind === "pod") {
            const srcPeer = peerOf(from, target);
            const v = policies.ingress(cni, target.pod, srcPeer, port, protocol);
            out.push({ layer: `NetworkPolicy ingress [${cni.name}]`, allowed: v.allowed, reason: v.reason });
        }
        return out;
    }

    /** An end as the other side's policy engine sees it. */
    function peerOf(end: End, towards?: End): Peer {
        if (end.pod && end.host.kind === "pod") {
            return { kind: "pod", ip: end.host.ip, pod: end.pod };
        }
        if (end.host.kind === "node") {
            return { kind: "node", ip: end.host.ip };
        }
        if (end.host.kind === "apiEndpoint") {
            return { kind: "world", ip: end.host.ip, entity: "kube-apiserver" };
        }
        void towards;
        return { kind: "world", ip: end.host.ip };
    }
}

/** The analysis of a planned environment, with the stack file's operator allowlist. */
export function flowReportFor(layers: LayeredGraphs, flows?: readonly Flow[]): FlowReport {
    const { config } = loadStackConfig(layers.platform.stack);
    const bastion = JSON.parse(config["platform:bastion"] ?? "{}") as { allowedCidrs?: string[] };
    return analyseFlows(layers, { operatorCidrs: bastion.allowedCidrs ?? [], ...(flows ? { flows } : {}) });
}

/** The report, one line per flow, then the summary. */
export function formatFlowReport(report: FlowReport, verbose = false): string {
    const lines: string[] = [`Flows of ${report.stack} (${report.cloud}), through every layer of both graphs:`];
    for (const r of report.results) {
        const verdict = r.kind === "required" ? (r.open ? "OPEN" : "BLOCKED") : r.open ? "OPEN (FORBIDDEN)" : "CLOSED";
        const mark = r.ok ? "ok  " : "FAIL";
        const decisive = r.open ? r.layers : r.layers.filter((l) => !l.allowed);
        const detail = !r.ok || verbose || !r.open ? decisive.map((l) => `${l.layer}: ${l.reason}`).join(" | ") : decisive.map((l) => l.layer).join(", ");
        lines.push(`  ${mark} ${r.kind.padEnd(9)} ${verdict.padEnd(16)} ${r.id}: ${r.from} -> ${r.to}:${r.port}/${r.protocol}  [${detail}]`);
    }
    for (const s of report.skipped) {
        lines.push(`  skip ${s}`);
    }
    lines.push(flowSummary(report));
    return lines.join("\n");
}

/** `Flows: N required, N open, 0 blocked; M forbidden, M closed` (plus any open forbidden flows). */
export function flowSummary(report: FlowReport): string {
    const req = report.results.filter((r) => r.kind === "required");
    const forb = report.results.filter((r) => r.kind === "forbidden");
    const open = req.filter((r) => r.open).length;
    const closed = forb.filter((r) => !r.open).length;
    const leaks = forb.length - closed;
    return `Flows: ${req.length} required, ${open} open, ${req.length - open} blocked; ${forb.length} forbidden, ${closed} closed${leaks > 0 ? `, ${leaks} OPEN` : ""}`;
}

/** True when a required flow is blocked or a forbidden one is open. */
export function hasFlowFailures(report: FlowReport): boolean {
    return report.results.some((r) => !r.ok);
}

/** The namespaces the analyser places platform pods in (for tests that build expectations). */
export const ANALYSED_PLATFORM_NAMESPACES = PLATFORM_NAMESPACES;
export { labelText };
