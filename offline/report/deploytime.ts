/**
 * How long a first `pulumi up` of both layers takes: the critical path through the captured
 * dependencies, weighted by typical create times.
 *
 * The model is the engine's: a resource starts when every resource it depends on has been
 * created; depending on a component means waiting for all of its children; the in-cluster
 * layer's `up` starts after the platform layer's has finished (automation/deploy.ts runs them
 * in order). The engine creates everything else in parallel, so the longest weighted path is
 * the estimate. Create times are typical values, not guarantees: each says where it comes from.
 */
import type { LayeredGraphs } from "../engine";
import { CapturedResource, ResourceGraph } from "../graph";

export interface CreateTime {
    readonly seconds: number;
    readonly source: string;
}

const MEASURED_EKS = "https://easontechtalk.com/unofficial-eks-cluster-creation-performance-across-aws-regions (eu-west-1: 913 s measured)";
const KUBEDEX = "https://kubedex.com/is-azure-kubernetes-aks-any-less-terrible/ (AKS claims 5-6 min, measured 12-18 min; GKE 3-6 min zonal)";
const ESTIMATE = "estimate (no published figure): typical observed create time";

/** Typical create times of the slow types; everything else takes DEFAULT_CREATE. */
export const CREATE_TIMES: Readonly<Record<string, CreateTime>> = {
    "aws:eks/cluster:Cluster": { seconds: 15 * 60, source: MEASURED_EKS },
    "aws:eks/nodeGroup:NodeGroup": { seconds: 4 * 60, source: ESTIMATE },
    "aws:eks/addon:Addon": { seconds: 90, source: ESTIMATE },
    "aws:ec2/natGateway:NatGateway": { seconds: 2 * 60, source: ESTIMATE },
    "aws:ec2/instance:Instance": { seconds: 60, source: ESTIMATE },
    "aws:ec2/vpcEndpoint:VpcEndpoint": { seconds: 2 * 60, source: ESTIMATE },
    "aws:kms/key:Key": { seconds: 10, source: ESTIMATE },
    "azure-native:containerservice:ManagedCluster": { seconds: 10 * 60, source: KUBEDEX },
    "azure-native:containerservice:AgentPool": { seconds: 5 * 60, source: ESTIMATE },
    "azure-native:compute:VirtualMachine": { seconds: 3 * 60, source: ESTIMATE },
    "azure-native:network:NatGateway": { seconds: 60, source: ESTIMATE },
    "azure-native:keyvault:Vault": { seconds: 60, source: ESTIMATE },
    "azure-native:network:PrivateEndpoint": { seconds: 90, source: ESTIMATE },
    "azure-native:recoveryservices:Vault": { seconds: 60, source: ESTIMATE },
    "azure-native:recoveryservices:ProtectedItem": { seconds: 2 * 60, source: ESTIMATE },
    "gcp:container/cluster:Cluster": { seconds: 8 * 60, source: KUBEDEX },
    "gcp:container/nodePool:NodePool": { seconds: 4 * 60, source: ESTIMATE },
    "gcp:compute/instance:Instance": { seconds: 60, source: ESTIMATE },
    "gcp:compute/routerNat:RouterNat": { seconds: 60, source: ESTIMATE },
    "gcp:projects/service:Service": { seconds: 60, source: ESTIMATE },
    "kubernetes:helm.sh/v3:Release": { seconds: 3 * 60, source: ESTIMATE + " (the release waits for its workloads to become ready)" },
};

/** Any other custom resource: one API call and a short wait. */
export const DEFAULT_CREATE: CreateTime = { seconds: 15, source: "stated default for types without a typical time" };

export function createTimeOf(r: CapturedResource): CreateTime {
    if (!r.custom || r.read || r.type.startsWith("pulumi:")) {
        return { seconds: 0, source: "no create call" };
    }
    if (r.type === "time:index/sleep:Sleep") {
        const d = String(r.inputs.createDuration ?? "0s");
        const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(d);
        const seconds = m ? Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0) : 0;
        return { seconds, source: `explicit wait (createDuration ${d})` };
    }
    return CREATE_TIMES[r.type] ?? DEFAULT_CREATE;
}

export interface ChainStep {
    readonly resource: CapturedResource;
    readonly start: number;
    readonly seconds: number;
}

export interface DeployEstimate {
    readonly totalSeconds: number;
    readonly platformSeconds: number;
    readonly chain: readonly ChainStep[];
}

interface Node {
    readonly r: CapturedResource;
    finish?: number;
    start?: number;
    pred?: string;
}

/** Critical path of one graph, every resource starting no earlier than `offset`. */
export function criticalPath(graph: ResourceGraph, offset = 0): DeployEstimate {
    const nodes = new Map(graph.resources.map((r) => [r.urn, { r } as Node]));
    const children = new Map<string, string[]>();
    for (const r of graph.resources) {
        if (r.parent) {
            children.set(r.parent, [...(children.get(r.parent) ?? []), r.urn]);
        }
    }
    const visiting = new Set<string>();
    const finish = (urn: string): number => {
        const n = nodes.get(urn);
        if (!n) {
            return offset; // a provider reference or an outside URN
        }
        if (n.finish !== undefined) {
            return n.finish;
        }
        if (visiting.has(urn)) {
            return offset; // a cycle through a component and its own child: ignore the back edge
        }
        visiting.add(urn);
        let start = offset;
        let pred: string | undefined;
        const waitFor = (d: string) => {
            const f = finish(d);
            if (f > start || (f === start && pred === undefined && f > offset)) {
                start = f;
                pred = d;
            }
        };
        for (const d of n.r.dependencies) {
            waitFor(d);
        }
        if (!n.r.custom) {
            for (const c of children.get(urn) ?? []) {
                waitFor(c);
            }
        }
        n.start = start;
        n.pred = pred;
        n.finish = start + createTimeOf(n.r).seconds;
        visiting.delete(urn);
        return n.finish;
    };
    let last: Node | undefined;
    for (const r of graph.resources) {
        const f = finish(r.urn);
        if (!last || f > (last.finish ?? 0)) {
            last = nodes.get(r.urn);
        }
    }
    const chain: ChainStep[] = [];
    for (let n = last; n; n = n.pred ? nodes.get(n.pred) : undefined) {
        const seconds = createTimeOf(n.r).seconds;
        if (seconds > 0) {
            chain.unshift({ resource: n.r, start: n.start ?? offset, seconds });
        }
    }
    const total = last?.finish ?? offset;
    return { totalSeconds: total, platformSeconds: total, chain };
}

/** Both layers: the in-cluster layer's `up` starts when the platform layer's has finished. */
export function deployEstimate(layers: LayeredGraphs): DeployEstimate {
    const platform = criticalPath(layers.platform);
    const incluster = criticalPath(layers.incluster, platform.totalSeconds);
    return { totalSeconds: incluster.totalSeconds, platformSeconds: platform.totalSeconds, chain: [...platform.chain, ...incluster.chain] };
}

const mmss = (s: number) => `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, "0")}`;

export function formatDeployEstimate(e: DeployEstimate): string {
    const lines = [
        `First deploy: about ${Math.ceil(e.totalSeconds / 60)} min (platform layer ${Math.ceil(e.platformSeconds / 60)} min, then in-cluster ${Math.ceil((e.totalSeconds - e.platformSeconds) / 60)} min;` +
            ` critical path through the captured dependencies, typical create times of offline/report/deploytime.ts, ${DEFAULT_CREATE.seconds} s for other types). Chain:`,
    ];
    for (const step of e.chain) {
        lines.push(`  ${mmss(step.start).padStart(6)} +${mmss(step.seconds).padEnd(5)} ${step.resource.type} ${step.resource.name}`);
    }
    return lines.join("\n");
}
