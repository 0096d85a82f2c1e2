/**
 * The analyser's Cilium deny semantics (offline/flows/netpol.ts) on a hand-built graph: a deny
 * rule of a CiliumClusterwideNetworkPolicy wins over any allow
 * (https://docs.cilium.io/en/stable/security/policy/deny/), selects the source by its endpoint
 * labels (namespace labels under `k8s:io.cilium.k8s.namespace.labels.`), and matches the peer by
 * entity, endpoint, CIDR (never a cluster address) and port. EKS's VPC CNI has no Cilium policies:
 * the same graph allows everything the NetworkPolicy allows.
 */
import assert from "node:assert/strict";
import { CapturedResource, ResourceGraph } from "../../offline/graph";
import { Cni, PolicySet } from "../../offline/flows/netpol";

const resource = (type: string, name: string, inputs: Record<string, unknown>): CapturedResource =>
    ({ urn: `urn:pulumi:t::p::${type}::${name}`, type, name, custom: true, inputs, state: inputs, secretPaths: [], dependencies: [], propertyDependencies: {}, protect: false, retainOnDelete: false }) as unknown as CapturedResource;

const graph: ResourceGraph = {
    project: "p",
    stack: "t",
    invokes: [],
    outputs: {},
    secretOutputs: [],
    resources: [
        resource("kubernetes:core/v1:Namespace", "ci", { metadata: { name: "jenkins-agents", labels: { "platform.io/namespace-role": "ci" } } }),
        resource("kubernetes:core/v1:Namespace", "argocd", { metadata: { name: "argocd", labels: { "platform.io/namespace-role": "platform" } } }),
        resource("kubernetes:core/v1:Namespace", "other", { metadata: { name: "other", labels: {} } }),
        // Everything allowed by a NetworkPolicy in both namespaces.
        ...["jenkins-agents", "other"].map((ns) => resource("kubernetes:networking.k8s.io/v1:NetworkPolicy", `${ns}-allow-all`, { metadata: { namespace: ns, name: "allow-all" }, spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{}] } })),
        resource("kubernetes:cilium.io/v2:CiliumClusterwideNetworkPolicy", "deny", {
            metadata: { name: "deny-ci" },
            spec: {
                endpointSelector: { matchExpressions: [{ key: "k8s:io.cilium.k8s.namespace.labels.platform.io/namespace-role", operator: "In", values: ["ci"] }] },
                egressDeny: [
                    { toEntities: ["kube-apiserver"] },
                    { toEntities: ["host", "remote-node"] },
                    { toEndpoints: [{ matchLabels: { "k8s:io.cilium.k8s.namespace.labels.platform.io/namespace-role": "platform" } }] },
                    { toCIDRSet: [{ cidr: "10.0.0.0/8", except: ["10.20.16.11/32"] }] },
                    { toCIDR: ["203.0.113.0/24"], toPorts: [{ ports: [{ port: "22", protocol: "TCP" }] }] },
                ],
            },
        }),
    ],
};

const cilium: Cni = { name: "cilium (test)", enforced: true, enforcedBecause: "test", egressBeforeDnat: false, ipBlockSelectsClusterAddresses: false, ciliumPolicies: true, source: "test" };
const vpcCni: Cni = { ...cilium, name: "aws-vpc-cni (test)", egressBeforeDnat: true, ipBlockSelectsClusterAddresses: true, ciliumPolicies: false };
const agent = { namespace: "jenkins-agents", labels: { "platform.io/jenkins-agent": "true" } };
const elsewhere = { namespace: "other", labels: { app: "x" } };

describe("flow analyser: Cilium cluster-wide deny rules", () => {
    const set = new PolicySet(graph);
    const cases: [string, Parameters<PolicySet["egress"]>[2], number, boolean, RegExp?][] = [
        ["the API server's address (kube-apiserver entity)", { kind: "world", ip: "10.0.0.4", entity: "kube-apiserver" }, 443, false, /deny-ci \(egressDeny toEntities kube-apiserver\)/],
        ["a node (host entity)", { kind: "node", ip: "10.0.0.11" }, 10250, false, /toEntities host/],
        ["a platform pod (endpoint by namespace label)", { kind: "pod", ip: "100.64.0.9", pod: { namespace: "argocd", labels: { app: "a" } } }, 8080, false, /toEndpoints/],
        ["a private address inside the CIDR set", { kind: "world", ip: "10.20.132.11" }, 8200, false, /toCIDRSet 10\.0\.0\.0\/8/],
        ["the CIDR set's except (the Jenkins VM)", { kind: "world", ip: "10.20.16.11" }, 8443, true],
        ["a denied CIDR on its denied port", { kind: "world", ip: "203.0.113.5" }, 22, false, /toCIDR 203\.0\.113\.0\/24/],
        ["a denied CIDR on another port", { kind: "world", ip: "203.0.113.5" }, 443, true],
        ["a pod outside platform namespaces (no CIDR rule selects a pod address)", { kind: "pod", ip: "10.1.2.3", pod: { namespace: "other", labels: { app: "x" } } }, 8080, true],
    ];
    for (const [what, peer, port, allowed, reason] of cases) {
        it(`an agent to ${what}: ${allowed ? "allowed" : "denied"}`, () => {
            const v = set.egress(cilium, agent, peer, port, "tcp");
            assert.equal(v.allowed, allowed, v.reason);
            if (reason) {
                assert.match(v.reason, reason);
                assert.match(v.reason, /docs\.cilium\.io\/en\/stable\/security\/policy\/deny/);
            }
        });
    }
    it("the deny selects by the source's namespace labels: a pod elsewhere keeps its allows", () => {
        assert.equal(set.egress(cilium, elsewhere, { kind: "world", ip: "10.0.0.4", entity: "kube-apiserver" }, 443, "tcp").allowed, true);
    });
    it("without Cilium policies (EKS) the same deny means nothing", () => {
        assert.equal(set.egress(vpcCni, agent, { kind: "world", ip: "10.0.0.4", entity: "kube-apiserver" }, 443, "tcp").allowed, true);
    });
});
