/**
 * The firewall between tiers, read from the captured graph: every ingress rule the platform
 * intends exists, and NO other ingress does (any resource type that can open a port is looked
 * at). Security groups are mapped back to tiers through their ids.
 */
import * as assert from "node:assert/strict";
import { tierRules } from "../../components/aws/firewall";
import { ofType, ResourceGraph } from "../../offline/graph";
import { graphOf, nameOfId, T } from "./fixtures";

/** Security group logical name -> tier. */
const TIER_OF_SG: Record<string, string> = {
    "bastion-sg": "bastion",
    "jenkins-sg": "jenkins",
    "vault-sg": "vault",
    "wazuh-sg": "wazuh",
    "cluster-node-sg": "nodes",
    "cluster-api-sg": "kube-api",
    "network-endpoints-sg": "endpoints",
};

/**
 * The reviewed matrix, written out by hand (not derived from the code under test):
 * `target:port <- source`. Sources are security groups, or CIDRs where marked.
 */
const EXPECTED_TIER_RULES = [
    // SSH to every VM only from the bastion.
    "jenkins:22 <- bastion",
    "vault:22 <- bastion",
    "wazuh:22 <- bastion",
    // Jenkins UI/API from the bastion; in-cluster agents connect over WebSocket on 8443, nginx TLS in front of Jenkins (the
    // bootstrap enables no TCP agent port 50000, so none is opened).
    "jenkins:8443 <- bastion",
    "jenkins:8443 <- nodes",
    // Vault API from the bastion, the cluster and Jenkins; raft between Vault nodes.
    "vault:8200 <- bastion",
    "vault:8200 <- nodes",
    "vault:8200 <- jenkins",
    "vault:8201 <- vault",
    // Wazuh agents (every VM and the nodes) to the manager; UI and API from the bastion.
    "wazuh:1514 <- bastion",
    "wazuh:1514 <- jenkins",
    "wazuh:1514 <- vault",
    "wazuh:1514 <- nodes",
    "wazuh:1515 <- bastion",
    "wazuh:1515 <- jenkins",
    "wazuh:1515 <- vault",
    "wazuh:1515 <- nodes",
    "wazuh:443 <- bastion",
    "wazuh:55000 <- bastion",
    // node_exporter on every VM, scraped from the cluster.
    "jenkins:9100 <- nodes",
    "vault:9100 <- nodes",
    "wazuh:9100 <- nodes",
    "bastion:9100 <- nodes",
    // The private Kubernetes API through the bastion tunnel (DESIGN.md access model).
    "kube-api:443 <- bastion",
    // ...and from the Jenkins VM: its Kubernetes plugin starts build agents in jenkins-agents (issue 22).
    "kube-api:443 <- jenkins",
];

/** Every ingress in the graph as `target:port <- source` (CIDR sources as `cidr:<block>`). */
function ingressOf(graph: ResourceGraph): string[] {
    const out: string[] = [];
    for (const r of ofType(graph, T.ingress)) {
        const target = TIER_OF_SG[nameOfId(graph, r.inputs.securityGroupId)] ?? `unknown(${r.name})`;
        assert.equal(r.inputs.ipProtocol, "tcp", `${r.name}: only TCP is opened`);
        assert.equal(r.inputs.fromPort, r.inputs.toPort, `${r.name}: one port per rule, no ranges`);
        const source = r.inputs.referencedSecurityGroupId
            ? TIER_OF_SG[nameOfId(graph, r.inputs.referencedSecurityGroupId)] ?? "unknown-sg"
            : `cidr:${String(r.inputs.cidrIpv4 ?? r.inputs.cidrIpv6 ?? r.inputs.prefixListId)}`;
        out.push(`${target}:${String(r.inputs.fromPort)} <- ${source}`);
    }
    return out.sort();
}

describe("aws firewall between tiers", () => {
    for (const stack of ["dev-aws", "prod-aws"]) {
        describe(stack, () => {
            let graph: ResourceGraph;
            before(async () => {
                graph = await graphOf(stack);
            });

            it("has exactly the reviewed ingress rules, and no other ingress", () => {
                const expected = [
                    ...EXPECTED_TIER_RULES,
                    // The bastion's SSH from the stack's allowlist (bastion.ts).
                    "bastion:22 <- cidr:203.0.113.0/24",
                    // Interface endpoints only exist with privateEndpoints (prod profile).
                    ...(stack === "prod-aws" ? ["endpoints:443 <- cidr:10.40.0.0/16"] : []),
                ].sort();
                assert.deepEqual(ingressOf(graph), expected);
            });

            it("opens nothing through inline security group rules or legacy rule resources", () => {
                for (const sg of ofType(graph, T.sg)) {
                    assert.ok(!sg.inputs.ingress || (sg.inputs.ingress as unknown[]).length === 0, `${sg.name} has inline ingress`);
                    assert.ok(!sg.inputs.egress || (sg.inputs.egress as unknown[]).length === 0, `${sg.name} has inline egress`);
                }
                assert.deepEqual(ofType(graph, T.legacyRule), []);
            });

            it("names tiers, never CIDRs, between tiers; no rule reaches a VM from a CIDR", () => {
                for (const rule of ingressOf(graph)) {
                    if (rule.includes("cidr:")) {
                        assert.ok(rule.startsWith("bastion:22 ") || rule.startsWith("endpoints:443 "), `CIDR-sourced rule ${rule}`);
                    }
                }
            });

            it("mirrors every VM-sourced rule with an egress rule to the target group, and opens internet egress only on 80/443", () => {
                const egress = ofType(graph, T.egress).map((r) => {
                    const from = TIER_OF_SG[nameOfId(graph, r.inputs.securityGroupId)];
                    const to = r.inputs.referencedSecurityGroupId ? TIER_OF_SG[nameOfId(graph, r.inputs.referencedSecurityGroupId)] : `cidr:${String(r.inputs.cidrIpv4)}`;
                    return `${from} -> ${to}:${String(r.inputs.fromPort)}`;
                });
                const vmSourced = EXPECTED_TIER_RULES.map((r) => /^(.+):(\d+) <- (.+)$/.exec(r)!).filter((m) => m[3] !== "nodes");
                for (const [, target, port, source] of vmSourced) {
                    assert.ok(egress.includes(`${source} -> ${target}:${port}`), `missing egress ${source} -> ${target}:${port}`);
                }
                const world = egress.filter((e) => e.includes("cidr:0.0.0.0/0"));
                assert.deepEqual(
                    [...new Set(world.map((e) => e.replace(/^.* -> cidr:0\.0\.0\.0\/0:/, "")))].sort(),
                    ["443", "80"],
                    "internet egress only for HTTPS and HTTP (package mirrors)",
                );
                // The node and API groups get no egress of their own (the EKS cluster group has it).
                assert.ok(!egress.some((e) => e.startsWith("nodes ") || e.startsWith("kube-api ")));
            });

            it("attaches each tool VM's group (and only it) to the VM", () => {
                for (const role of ["jenkins", "vault", "wazuh"]) {
                    const vm = graph.resources.find((r) => r.type === T.instance && r.name === `${role}-instance`)!;
                    const groups = (vm.inputs.vpcSecurityGroupIds as string[]).map((id) => nameOfId(graph, id));
                    assert.deepEqual(groups, [`${role}-sg`]);
                }
            });
        });
    }

    for (const stack of ["dev-aws", "staging-aws", "prod-aws"]) {
        it(`${stack}: every security group and every rule says what it is for, in characters EC2 accepts`, async () => {
            const graph = await graphOf(stack);
            // EC2's set for group and rule descriptions, at most 255 characters
            // (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpRange.html): written out here.
            const ec2Text = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]{1,255}$/;
            const described = [...ofType(graph, T.sg), ...ofType(graph, T.ingress), ...ofType(graph, T.egress)];
            assert.ok(described.length > 40, `${described.length} groups and rules`);
            for (const r of described) {
                const d = r.inputs.description;
                assert.equal(typeof d, "string", `${r.name} has no description`);
                assert.match(String(d), ec2Text, r.name);
                assert.ok(String(d).trim().length >= 10, `${r.name}: ${String(d)} says too little`);
            }
        });
    }

    it("derives the matrix from the bootstrap ports table (a port added there shows up here)", () => {
        const derived = tierRules()
            .map((r) => `${r.target}:${r.port} <- ${r.source}`)
            .map((s) => s.replace("clusterNodes", "nodes").replace("clusterApi", "kube-api"))
            .sort();
        assert.deepEqual(derived, [...EXPECTED_TIER_RULES].sort());
    });
});
