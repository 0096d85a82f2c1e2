/**
 * The flow contract of the jenkins-agents namespace, proven on one shipped stack per cloud with
 * the cluster hint each cloud sets for its Jenkins VM (`clusterHints.jenkinsAgents`; a stand-in
 * subject where a stack's platform layer sets none), through every layer (NetworkPolicies with each CNI's semantics, the
 * cloud firewall), and the analyser shown to see the `except` list: without it, agents reach
 * Vault, Wazuh and the API server.
 */
import assert from "node:assert/strict";
import { LayeredGraphs, runInClusterStack } from "../../offline/engine";
import { CapturedResource, ResourceGraph } from "../../offline/graph";
import { analyseFlows, flowReportFor, FlowReport, formatFlowReport } from "../../offline/flows";
import { platformFlows } from "../../components/flows";
import { graphOf } from "../support/graphs";

/** The subject each cloud maps its Jenkins VM identity to (see ClusterHints.jenkinsAgents). */
const SUBJECTS: Record<string, { kind: "Group" | "User"; name: string }> = {
    "dev-aws": { kind: "Group", name: "platform:jenkins-agents" },
    "dev-azure": { kind: "User", name: "00000000-0000-0000-0000-00000000a0e1" },
    "staging-gcp": { kind: "User", name: "platform-staging-gcp-jenkins@example-project.iam.gserviceaccount.com" },
};

async function withAgents(stack: string): Promise<LayeredGraphs> {
    const platform = structuredClone(await graphOf(stack)) as ResourceGraph;
    const hints = (platform.outputs as Record<string, any>).clusterHints;
    hints.jenkinsAgents ??= { subject: SUBJECTS[stack] };
    return { platform, incluster: await runInClusterStack(stack, platform) };
}

const agentFlows = platformFlows().filter((f) => f.when === "jenkinsAgents" || f.id === "tenant-with-agent-label-to-jenkins");
const result = (report: FlowReport, id: string) => {
    const r = report.results.find((x) => x.id === id);
    assert.ok(r, `no flow ${id} (have ${report.results.map((x) => x.id).join(", ")})`);
    return r;
};

describe("flows: the jenkins-agents namespace on every cloud", function () {
    this.timeout(180_000);
    const layers: Record<string, LayeredGraphs> = {};
    before(async () => {
        for (const stack of Object.keys(SUBJECTS)) {
            layers[stack] = await withAgents(stack);
        }
    });

    for (const stack of Object.keys(SUBJECTS)) {
        it(`${stack}: every agent flow evaluated, required open, forbidden closed, by the layer that should decide`, () => {
            const report = flowReportFor(layers[stack]);
            for (const f of agentFlows) {
                const r = result(report, f.id);
                assert.ok(r.ok, `${f.id}\n${formatFlowReport(report, true)}`);
            }
            assert.ok(result(report, "pods-to-dns:jenkins-agents").open);
            const egress = (id: string) => result(report, id).layers.find((l) => l.layer.startsWith("NetworkPolicy egress"))!;
            assert.match(egress("jenkins-agents-to-jenkins").reason, /allowed by NetworkPolicy jenkins-agents\/allow-jenkins-controller-egress/);
            assert.match(egress("jenkins-agents-to-internet-https").reason, /allowed by NetworkPolicy jenkins-agents\/allow-public-https-egress \(ipBlock 0\.0\.0\.0\/0\)/);
            // The agents' egress closes every forbidden destination: on Cilium (AKS, GKE) the
            // cluster-wide deny decides first where it names the destination, elsewhere the
            // namespace's own policies (isolated, nothing admits it).
            const cilium = !stack.endsWith("-aws");
            const deniedBy: Record<string, RegExp> = cilium
                ? {
                      "jenkins-agents-to-api": /denied by CiliumClusterwideNetworkPolicy platform-ci-api-deny \(egressDeny toEntities kube-apiserver\)/,
                      "jenkins-agents-to-api-endpoint": /denied by CiliumClusterwideNetworkPolicy platform-ci-api-deny/,
                      "jenkins-agents-to-kubelet": /denied by CiliumClusterwideNetworkPolicy platform-tenant-egress-deny \(egressDeny toEntities host\)/,
                      "jenkins-agents-to-argocd": /denied by CiliumClusterwideNetworkPolicy platform-tenant-egress-deny \(egressDeny toEndpoints\)/,
                      // AKS lists IMDS among its deny CIDRs; GKE lists none (its metadata server answers per pod).
                      ...(stack.endsWith("-azure") ? { "jenkins-agents-to-instance-metadata": /platform-tenant-egress-deny \(egressDeny toCIDR 169\.254\.169\.254\/32\)/ } : {}),
                  }
                : {};
            for (const id of ["jenkins-agents-to-api", "jenkins-agents-to-api-endpoint", "jenkins-agents-to-instance-metadata", "jenkins-agents-to-vault", "jenkins-agents-to-wazuh", "jenkins-agents-to-kubelet", "jenkins-agents-to-tenant", "jenkins-agents-to-argocd"]) {
                assert.equal(egress(id).allowed, false, `${id}: ${egress(id).reason}`);
                assert.match(egress(id).reason, deniedBy[id] ?? /^egress of jenkins-agents\/platform\.io\/jenkins-agent=true: isolated by default-deny/, id);
            }
            const ingress = result(report, "tenant-to-jenkins-agents").layers.find((l) => l.layer.startsWith("NetworkPolicy ingress"))!;
            assert.equal(ingress.allowed, false);
            assert.match(ingress.reason, /ingress of jenkins-agents\/.*: isolated by default-deny and no rule admits/);
        });
    }

    it("without the hint the agent flows are skipped with the reason, and the label in a workload namespace still reaches nothing", async () => {
        const platform = structuredClone(await graphOf("dev-aws")) as ResourceGraph;
        delete (platform.outputs as Record<string, any>).clusterHints.jenkinsAgents;
        const report = flowReportFor({ platform, incluster: await runInClusterStack("dev-aws", platform) });
        for (const f of agentFlows.filter((x) => x.when === "jenkinsAgents")) {
            assert.ok(report.skipped.includes(`${f.id}: no jenkins-agents namespace (the cluster hints name no Jenkins subject, or the platform has no Jenkins VM)`), f.id);
        }
        assert.equal(result(report, "tenant-with-agent-label-to-jenkins").ok, true);
    });

    it("a planted allow-all egress policy in jenkins-agents: on Cilium the cluster-wide deny still keeps agents off the API, the nodes, the platform's pods and IMDS; on EKS only the other layers remain", () => {
        const allowAll = (graph: ResourceGraph): ResourceGraph => {
            const copy = structuredClone(graph) as ResourceGraph;
            const template = copy.resources.find((r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy" && (r.inputs as any).metadata?.namespace === "jenkins-agents")!;
            const planted = structuredClone(template) as any;
            planted.urn = `${template.urn}-planted`;
            planted.inputs = { ...planted.inputs, metadata: { ...planted.inputs.metadata, name: "planted-allow-all" }, spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{}] } };
            (copy as unknown as { resources: CapturedResource[] }).resources = [...copy.resources, planted];
            return copy;
        };
        const open = (stack: string) => {
            const report = analyseFlows({ platform: layers[stack].platform, incluster: allowAll(layers[stack].incluster) }, { operatorCidrs: ["203.0.113.0/24"] });
            return { report, open: report.results.filter((r) => !r.ok).map((r) => r.id).sort() };
        };
        const azure = open("dev-azure");
        // Vault and Wazuh are VMs: no cluster-wide deny names them; their NSGs admit the cluster.
        assert.deepEqual(azure.open, ["jenkins-agents-to-vault", "jenkins-agents-to-wazuh"]);
        const denied = (id: string) => result(azure.report, id).layers.find((l) => !l.allowed)!.reason;
        assert.match(denied("jenkins-agents-to-api"), /denied by CiliumClusterwideNetworkPolicy platform-ci-api-deny \(egressDeny toEntities kube-apiserver\)/);
        assert.match(denied("jenkins-agents-to-api-endpoint"), /platform-ci-api-deny/);
        assert.match(denied("jenkins-agents-to-kubelet"), /platform-tenant-egress-deny \(egressDeny toEntities host\)/);
        assert.match(denied("jenkins-agents-to-argocd"), /platform-tenant-egress-deny \(egressDeny toEndpoints\)/);
        assert.match(denied("jenkins-agents-to-instance-metadata"), /platform-tenant-egress-deny \(egressDeny toCIDR 169\.254\.169\.254\/32\)/);
        assert.deepEqual(open("dev-aws").open, ["jenkins-agents-to-api", "jenkins-agents-to-api-endpoint", "jenkins-agents-to-kubelet", "jenkins-agents-to-vault", "jenkins-agents-to-wazuh"]);
    });

    it("a planted fault: without the except list (and on every port), agents reach the API server, Vault, Wazuh and the kubelet (the analyser sees it)", () => {
        const broken = structuredClone(layers["dev-aws"].incluster) as ResourceGraph;
        const hits = broken.resources.filter(
            (r: CapturedResource) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy" && (r.inputs as any).metadata?.name === "allow-public-https-egress",
        );
        assert.equal(hits.length, 1);
        const spec = (hits[0].inputs as any).spec;
        spec.egress[0].ports = [];
        delete spec.egress[0].to[0].ipBlock.except;
        const report = analyseFlows({ platform: layers["dev-aws"].platform, incluster: broken }, { operatorCidrs: ["203.0.113.0/24"] });
        const open = report.results.filter((r) => !r.ok).map((r) => r.id).sort();
        // Other pods stay closed by their own ingress policies, IMDS by the launch templates' hop limit;
        // everything else the VPC lets a node reach, the except list alone kept closed.
        assert.deepEqual(open, ["jenkins-agents-to-api", "jenkins-agents-to-api-endpoint", "jenkins-agents-to-kubelet", "jenkins-agents-to-vault", "jenkins-agents-to-wazuh"]);
    });
});
