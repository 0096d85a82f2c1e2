/**
 * The flow contract proven on every shipped stack, and the analyser proven to see a broken layer:
 * one planted per cloud (a NetworkPolicy, a firewall rule, a CNI rule), each reported as exactly
 * the flow it breaks, with the layer that stops it.
 */
import assert from "node:assert/strict";
import { availableStacks, LayeredGraphs } from "../../offline/engine";
import { CapturedResource, ofType, ResourceGraph } from "../../offline/graph";
import { analyseFlows, flowReportFor, FlowReport, flowSummary, formatFlowReport, hasFlowFailures } from "../../offline/flows";
import { Flow, platformFlows } from "../../components/flows";
import { main } from "../../offline/plan";
import { graphOf, inClusterGraphOf } from "../support/graphs";

async function layersOf(stack: string): Promise<LayeredGraphs> {
    return { platform: await graphOf(stack), incluster: await inClusterGraphOf(stack) };
}

/** A deep copy of a graph with `edit` applied to the resources it selects (the cached graphs stay intact). */
function planted(graph: ResourceGraph, select: (r: CapturedResource) => boolean, edit: (r: { inputs: any; state: any }) => void): ResourceGraph {
    const copy = structuredClone(graph) as ResourceGraph;
    const hits = copy.resources.filter(select);
    assert.ok(hits.length > 0, "the planted fault must hit a resource");
    for (const r of hits) {
        edit(r as unknown as { inputs: any; state: any });
    }
    return copy;
}

function without(graph: ResourceGraph, select: (r: CapturedResource) => boolean): ResourceGraph {
    const copy = structuredClone(graph) as ResourceGraph;
    const before = copy.resources.length;
    (copy as unknown as { resources: CapturedResource[] }).resources = copy.resources.filter((r) => !select(r));
    assert.ok(copy.resources.length < before, "the planted removal must remove a resource");
    return copy;
}

const result = (report: FlowReport, id: string) => {
    const r = report.results.find((x) => x.id === id);
    assert.ok(r, `no flow ${id} in the report (have ${report.results.map((x) => x.id).join(", ")})`);
    return r;
};
const failing = (report: FlowReport) => report.results.filter((r) => !r.ok).map((r) => r.id);
const npNamed = (ns: string, name: string) => (r: CapturedResource) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy" && (r.inputs as any).metadata?.namespace === ns && (r.inputs as any).metadata?.name === name;
const operators = { operatorCidrs: ["203.0.113.0/24"] };

describe("flows: every shipped stack proves the contract", () => {
    for (const stack of availableStacks()) {
        it(`${stack}: every required flow open, every forbidden flow closed, at least 12 required`, async () => {
            const report = flowReportFor(await layersOf(stack));
            assert.deepEqual(failing(report), [], formatFlowReport(report));
            const required = report.results.filter((r) => r.kind === "required");
            assert.ok(required.length >= 12, `${required.length} required flows`);
            assert.ok(report.results.filter((r) => r.kind === "forbidden").length >= 10);
            assert.match(flowSummary(report), /^Flows: (\d+) required, \1 open, 0 blocked; (\d+) forbidden, \2 closed$/);
            // Every flow of the contract is either evaluated or skipped with a reason.
            for (const f of platformFlows()) {
                assert.ok(report.results.some((r) => r.id === f.id || r.id.startsWith(`${f.id}:`)) || report.skipped.some((s) => s.startsWith(`${f.id}:`)), f.id);
            }
        });
    }
});

describe("flows: a planted broken layer is reported as exactly the flow it breaks", () => {
    it("AWS, a NetworkPolicy: Argo CD's API egress without the kubernetes ClusterIP is blocked by the VPC CNI's pre-DNAT judgement", async () => {
        const layers = await layersOf("dev-aws");
        const eks = ofType(layers.platform, "aws:eks/cluster:Cluster")[0];
        // The ClusterIP, derived here from the cluster's own service CIDR: its first host.
        assert.equal((eks.inputs as any).kubernetesNetworkConfig.serviceIpv4Cidr, "172.20.0.0/16");
        const np = ofType(layers.incluster, "kubernetes:networking.k8s.io/v1:NetworkPolicy").find(npNamed("argocd", "allow-apiserver-egress"))!;
        assert.deepEqual((np.inputs as any).spec.egress[0].to, [{ ipBlock: { cidr: "172.20.0.1/32" } }], "the EKS API egress names the kubernetes Service IP");
        const broken = planted(layers.incluster, npNamed("argocd", "allow-apiserver-egress"), (r) => {
            r.inputs.spec.egress[0].to = [{ ipBlock: { cidr: "10.20.0.0/16" } }];
        });
        const report = analyseFlows({ platform: layers.platform, incluster: broken }, operators);
        assert.deepEqual(failing(report), ["argocd-controller-to-api"]);
        const r = result(report, "argocd-controller-to-api");
        assert.equal(r.open, false);
        assert.match(r.layers.find((l) => !l.allowed)!.reason, /before the Service DNAT: only an ipBlock holding the ClusterIP 172\.20\.0\.1/);
        assert.match(r.layers.find((l) => !l.allowed)!.reason, /amazon-network-policy-controller-k8s/);
        assert.ok(hasFlowFailures(report));
    });

    it("AWS, the Cluster Autoscaler: its API egress by the ClusterIP carries the API flow; by the node subnets (the control plane's ENIs) it carries nothing", async () => {
        const layers = await layersOf("dev-aws");
        const named = (r: CapturedResource) => r.name === "addons-cluster-autoscaler-network-policy";
        const np = ofType(layers.incluster, "kubernetes:networking.k8s.io/v1:NetworkPolicy").find(named)!;
        assert.deepEqual((np.inputs as any).spec.egress[1].to, [{ ipBlock: { cidr: "172.20.0.1/32" } }]);
        assert.equal(result(analyseFlows(layers, operators), "cluster-autoscaler-to-api").open, true);
        // Its HTTPS-anywhere rule for the cloud APIs also admits the ClusterIP; without it, the API
        // rule alone carries the API flow...
        const apiRuleOnly = planted(layers.incluster, named, (r) => {
            r.inputs.spec.egress = r.inputs.spec.egress.slice(0, 2);
        });
        assert.deepEqual(failing(analyseFlows({ platform: layers.platform, incluster: apiRuleOnly }, operators)), ["cluster-autoscaler-to-cloud-apis"]);
        // ...and an API rule naming the node subnets (the ENIs) carries nothing.
        const broken = planted(layers.incluster, named, (r) => {
            r.inputs.spec.egress = r.inputs.spec.egress.slice(0, 2);
            r.inputs.spec.egress[1].to = [{ ipBlock: { cidr: "10.20.0.0/19" } }, { ipBlock: { cidr: "10.20.32.0/19" } }];
        });
        assert.deepEqual(failing(analyseFlows({ platform: layers.platform, incluster: broken }, operators)), ["cluster-autoscaler-to-api", "cluster-autoscaler-to-cloud-apis"]);
    });

    it("GCP, a firewall rule: without the control-plane rule the Seldon webhook (4443) is blocked by the VPC deny-all", async () => {
        const layers = await layersOf("dev-gcp");
        const rule = ofType(layers.platform, "gcp:compute/firewall:Firewall").find((f) => (f.inputs as any).name === "platform-dev-gcp-in-webhooks-from-control-plane")!;
        assert.deepEqual((rule.inputs as any).sourceRanges, ["172.16.0.0/28"]);
        assert.deepEqual((rule.inputs as any).allows, [{ protocol: "tcp", ports: ["4443"] }]);
        const broken = without(layers.platform, (r) => r === rule || (r.type === rule.type && (r.inputs as any).name === (rule.inputs as any).name));
        const report = analyseFlows({ platform: broken, incluster: layers.incluster }, operators);
        assert.deepEqual(failing(report), ["control-plane-to-seldon-webhook"]);
        const blocked = result(report, "control-plane-to-seldon-webhook").layers.find((l) => !l.allowed)!;
        assert.equal(blocked.layer, "VPC firewall ingress");
        assert.match(blocked.reason, /in-deny-all \(priority 65534\) denies/);
        // The prometheus-operator webhook (10250) stays open through GKE's own master rule.
        assert.equal(result(report, "control-plane-to-prometheus-operator-webhook").open, true);
    });

    it("Azure, a CNI rule: without the Cilium cluster-wide policy Prometheus cannot reach kubelet or node_exporter (no ipBlock selects a node)", async () => {
        const layers = await layersOf("dev-azure");
        const broken = without(layers.incluster, (r) => r.type === "kubernetes:cilium.io/v2:CiliumClusterwideNetworkPolicy");
        const report = analyseFlows({ platform: layers.platform, incluster: broken }, operators);
        assert.deepEqual(failing(report), ["prometheus-to-kubelet", "prometheus-to-node-exporter"]);
        assert.match(result(report, "prometheus-to-kubelet").layers.find((l) => !l.allowed)!.reason, /an ipBlock can never select a node address; https:\/\/learn\.microsoft\.com/);
    });

    it("Azure, the node NSG: with node addresses only as destination, pod-to-pod traffic across nodes (DNS included) is blocked", async () => {
        const layers = await layersOf("dev-azure");
        const broken = planted(
            layers.platform,
            (r) => r.type === "azure-native:network:NetworkSecurityGroup" && r.name === "network-nsg-nodes",
            (r) => {
                for (const rule of r.inputs.securityRules) {
                    if (rule.destinationAddressPrefixes) {
                        rule.destinationAddressPrefix = rule.destinationAddressPrefixes[0];
                        delete rule.destinationAddressPrefixes;
                    }
                }
            },
        );
        const report = analyseFlows({ platform: broken, incluster: layers.incluster }, operators);
        const ids = failing(report);
        assert.ok(ids.includes("pods-to-dns:argocd") && ids.includes("prometheus-to-kube-state-metrics") && ids.includes("control-plane-to-seldon-webhook"), ids.join(", "));
        assert.match(result(report, "pods-to-dns:argocd").layers.find((l) => !l.allowed)!.reason, /deny-all-inbound \(priority 4096\)/);
    });

    it("Azure, a public (restricted) API: the Jenkins VM arrives from the NAT gateway's address, which AKS's authorized ranges and the API server subnet's NSG must both admit", async () => {
        const layers = await layersOf("dev-azure");
        const pip = (r: CapturedResource) => r.type === "azure-native:network:PublicIPAddress" && r.name === "network-nat-ip";
        const natIp = String(layers.platform.resources.find(pip)!.state.ipAddress);
        const ELSEWHERE = "192.0.2.50";
        // The NAT gateway's address moves outside every authorized range: only the API flow of the
        // NAT-egressing VM breaks (the bastion has its own public IP).
        const moved = planted(layers.platform, pip, (r) => {
            r.state.ipAddress = ELSEWHERE;
        });
        const report = analyseFlows({ platform: moved, incluster: layers.incluster }, operators);
        assert.deepEqual(failing(report), ["jenkins-to-api"]);
        assert.match(result(report, "jenkins-to-api").layers.find((l) => !l.allowed)!.reason, /api-server-vnet-integration#api-server-connectivity\): SNAT to the NAT gateway's 192\.0\.2\.50 is outside authorizedIPRanges/);
        // AKS authorizes it, the API server subnet's NSG does not: its deny-all stops it.
        const aksOnly = planted(moved, (r) => r.type === "azure-native:containerservice:ManagedCluster", (r) => {
            r.inputs.apiServerAccessProfile.authorizedIPRanges = [...r.inputs.apiServerAccessProfile.authorizedIPRanges, `${ELSEWHERE}/32`];
        });
        const nsgStops = analyseFlows({ platform: aksOnly, incluster: layers.incluster }, operators);
        assert.deepEqual(failing(nsgStops), ["jenkins-to-api"]);
        assert.match(result(nsgStops, "jenkins-to-api").layers.find((l) => !l.allowed)!.reason, /deny-all-inbound \(priority 4096\)/);
        // Both admit it (the shipped rule, renamed to the moved address): open again.
        const both = planted(aksOnly, (r) => r.type === "azure-native:network:NetworkSecurityGroup" && r.name === "network-nsg-api-server", (r) => {
            for (const rule of r.inputs.securityRules) {
                if (rule.sourceAddressPrefix === `${natIp}/32`) {
                    rule.sourceAddressPrefix = `${ELSEWHERE}/32`;
                }
            }
        });
        assert.deepEqual(failing(analyseFlows({ platform: both, incluster: layers.incluster }, operators)), []);
    });

    it("Azure, the Jenkins VM's cluster look-up (ARM listClusterUserCredential, 443) leaves through the tools subnet's NAT gateway on every env; without it there is no way out", async () => {
        const arm: Flow = { id: "jenkins-to-arm", kind: "required", from: { kind: "vm", role: "jenkins" }, to: { kind: "internet", allowlisted: false, what: "Azure Resource Manager (management.azure.com)" }, port: 443, protocol: "tcp", why: "listClusterUserCredential: the API server and CA" };
        for (const stack of ["dev-azure", "staging-azure", "prod-azure"]) {
            const layers = await layersOf(stack);
            const report = analyseFlows(layers, { ...operators, flows: [arm] });
            assert.deepEqual(failing(report), [], `${stack}: ${formatFlowReport(report, true)}`);
            assert.match(result(report, "jenkins-to-arm").layers.map((l) => l.reason).join(" | "), /SNAT to the NAT gateway's \d+\.\d+\.\d+\.\d+ \| .*AllowInternetOutBound \(priority 65001\)/);
        }
        const layers = await layersOf("dev-azure");
        const noNat = planted(layers.platform, (r) => r.type === "azure-native:network:Subnet" && r.name === "network-subnet-tools", (r) => {
            delete r.inputs.natGateway;
        });
        const report = analyseFlows({ platform: noNat, incluster: layers.incluster }, { ...operators, flows: [arm] });
        assert.deepEqual(failing(report), ["jenkins-to-arm"]);
        assert.match(result(report, "jenkins-to-arm").layers[0].reason, /no public egress/);
    });

    it("a forbidden flow opens when the default namespace loses its default-deny: a pod there reaches Vault", async () => {
        const layers = await layersOf("dev-gcp");
        const broken = without(layers.incluster, npNamed("default", "default-deny"));
        const report = analyseFlows({ platform: layers.platform, incluster: broken }, operators);
        assert.deepEqual(failing(report), ["default-namespace-to-vault"]);
        assert.equal(result(report, "default-namespace-to-vault").open, true);
        // Exactly one forbidden flow open, however many the contract holds (jenkins-agents added ten).
        const forbidden = report.results.filter((r) => r.kind === "forbidden").length;
        assert.ok(forbidden >= 17);
        assert.match(flowSummary(report), new RegExp(`${forbidden} forbidden, ${forbidden - 1} closed, 1 OPEN$`));
    });
});

describe("flows: what each cloud needed", () => {
    it("GKE: pods reach a tool VM port only where a pod flow exists (Wazuh: the nodes' identity, not the pod range)", async () => {
        const g = await graphOf("prod-gcp");
        const wazuh = ofType(g, "gcp:compute/firewall:Firewall").filter((f) => /in-wazuh-wazuh-(events|enrollment)-from-cluster-nodes$/.test(String((f.inputs as any).name)));
        assert.equal(wazuh.length, 2);
        for (const f of wazuh) {
            assert.equal((f.inputs as any).sourceRanges, undefined, (f.inputs as any).name);
        }
    });

    it("AKS: the node NSG admits the pod CIDR as destination (overlay: node->pod, pod->pod, API server->webhook pods)", async () => {
        const g = await graphOf("prod-azure");
        const nsg = ofType(g, "azure-native:network:NetworkSecurityGroup").find((n) => n.name === "network-nsg-nodes")!;
        const rules = (nsg.inputs as any).securityRules as Record<string, any>[];
        const podCidr = (ofType(g, "azure-native:containerservice:ManagedCluster")[0].inputs as any).networkProfile.podCidr;
        assert.equal(podCidr, "100.64.0.0/16");
        for (const name of ["cluster-internal", "from-api-server"]) {
            assert.ok((rules.find((r) => r.name === name)!.destinationAddressPrefixes as string[]).includes(podCidr), name);
        }
    });

    it("npm run plan -- --flows prints one line per flow and the summary, and exits 0 on a passing stack", async () => {
        const out: string[] = [];
        const write = process.stdout.write.bind(process.stdout);
        (process.stdout as { write: unknown }).write = (chunk: string) => {
            out.push(String(chunk));
            return true;
        };
        let code: number;
        try {
            code = await main(["--stack", "staging-gcp", "--flows"]);
        } finally {
            (process.stdout as { write: unknown }).write = write;
        }
        const text = out.join("");
        assert.equal(code, 0);
        assert.match(text, /\nFlows: (\d+) required, \1 open, 0 blocked; (\d+) forbidden, \2 closed\n/);
        assert.match(text, /ok {3}required {2}OPEN {13}control-plane-to-seldon-webhook: control plane -> models\/seldon webhook:4443\/tcp/);
        assert.match(text, /ok {3}forbidden CLOSED {11}internet-to-api: /);
    });
});
