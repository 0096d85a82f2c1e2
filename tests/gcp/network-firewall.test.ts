/**
 * GCP network and firewall, read from the captured graph: exact children, the regional subnet
 * mapping, Private Google Access, flow logs per environment, Cloud NAT, and the firewall table
 * exactly (and nothing else inbound).
 */
import * as assert from "node:assert/strict";
import { IAP_SSH_RANGE } from "../../components/config";
import { planSubnets } from "../../components/config/cidr";
import { FLOW_LOG_SETTINGS } from "../../components/gcp/network";
import { checkConstraints, CONSTRAINTS } from "../../offline/constraints";
import { byName, ofType, ResourceGraph } from "../../offline/graph";
import { childList, G, graphOf, tierOfEmail, variantOf } from "./fixtures";

/**
 * The reviewed matrix, written out by hand (not derived from the code under test):
 * `target:port <- source` between service accounts; the cluster as a source also lists the pod range.
 */
const EXPECTED_RULES = [
    "jenkins:22 <- bastion",
    "vault:22 <- bastion",
    "wazuh:22 <- bastion",
    "jenkins:8443 <- bastion",
    "jenkins:8443 <- nodes+pods",
    "vault:8200 <- bastion",
    "vault:8200 <- nodes+pods",
    "vault:8200 <- jenkins",
    "vault:8201 <- vault",
    "wazuh:1514 <- bastion",
    "wazuh:1514 <- jenkins",
    "wazuh:1514 <- vault",
    // Wazuh agents run on the nodes' host network: the nodes' identity, never the pod range.
    "wazuh:1514 <- nodes",
    "wazuh:1515 <- bastion",
    "wazuh:1515 <- jenkins",
    "wazuh:1515 <- vault",
    "wazuh:1515 <- nodes",
    "wazuh:443 <- bastion",
    "wazuh:55000 <- bastion",
    "jenkins:9100 <- nodes+pods",
    "vault:9100 <- nodes+pods",
    "wazuh:9100 <- nodes+pods",
    "bastion:9100 <- nodes+pods",
    // Operators to the bastion only (the API is guarded by master authorized networks instead).
    "bastion:22 <- cidr:203.0.113.0/24",
                "bastion:22 <- cidr:35.235.240.0/20",
];

/** Every INGRESS allow as `target:port <- source`. */
function ingressTable(g: ResourceGraph, podCidr: string): string[] {
    const out: string[] = [];
    for (const fw of ofType(g, G.firewall)) {
        const i = fw.inputs as Record<string, any>;
        if (i.direction !== "INGRESS" || !i.allows) {
            continue;
        }
        assert.deepEqual((i.targetServiceAccounts as string[]).length, 1, `${fw.name} targets exactly one service account`);
        const target = tierOfEmail(g, i.targetServiceAccounts[0]);
        const ranges: string[] = i.sourceRanges ?? [];
        const accounts: string[] = i.sourceServiceAccounts ?? [];
        for (const allow of i.allows as { protocol: string; ports: string[] }[]) {
            assert.equal(allow.protocol, "tcp", fw.name);
            for (const port of allow.ports) {
                for (const sa of accounts) {
                    const tier = tierOfEmail(g, sa);
                    if (tier === "nodes" && ranges.length > 0) {
                        assert.deepEqual(ranges, [podCidr], `${fw.name}: pods send from the pod range`);
                        out.push(`${target}:${port} <- nodes+pods`);
                    } else if (tier === "nodes") {
                        out.push(`${target}:${port} <- nodes`);
                    } else {
                        assert.deepEqual(ranges, [], `${fw.name}: no ranges besides the service account`);
                        out.push(`${target}:${port} <- ${tier}`);
                    }
                }
                if (accounts.length === 0) {
                    out.push(...ranges.map((c) => `${target}:${port} <- cidr:${c}`));
                }
            }
        }
    }
    return out.sort();
}

for (const stack of ["dev-gcp", "prod-gcp"]) {
    describe(`gcp network and firewall (${stack})`, () => {
        let g: ResourceGraph;
        const env = stack.split("-")[0] as "dev" | "prod";
        const cidr = env === "dev" ? "10.50.0.0/16" : "10.70.0.0/16";
        const plan = planSubnets(cidr, env === "dev" ? 2 : 3);
        before(async () => {
            g = await graphOf(stack);
        });

        it("network component: exactly the VPC, three regional subnets, router, NAT and its static addresses, the DNS logging policy", () => {
            const nats = env === "prod" ? ["compute/address:Address network-nat-ip-0", "compute/address:Address network-nat-ip-1", "compute/address:Address network-nat-ip-2"] : ["compute/address:Address network-nat-ip-0"];
            assert.deepEqual(
                childList(g, "platform:gcp:Network", "network"),
                [
                    ...nats,
                    "dns/policy:Policy network-dns-logging",
                    "compute/network:Network network-vpc",
                    "compute/router:Router network-router",
                    "compute/routerNat:RouterNat network-nat",
                    "compute/subnetwork:Subnetwork network-nodes",
                    "compute/subnetwork:Subnetwork network-public",
                    "compute/subnetwork:Subnetwork network-tools",
                ].sort(),
            );
        });

        it("DNS query logging on the VPC (CIS GCP 2.12), after the Cloud DNS API, delete-first on replacement (fixed name)", () => {
            const [policy] = ofType(g, "gcp:dns/policy:Policy");
            const [vpc] = ofType(g, G.network);
            assert.deepEqual(policy.inputs, {
                name: `platform-${env}-gcp-dns-logging`,
                description: "Logs the VPC's DNS queries (managed by Pulumi)",
                enableLogging: true,
                enableInboundForwarding: false,
                networks: [{ networkUrl: vpc.id }],
            });
            assert.equal(policy.deleteBeforeReplace, true);
            const dnsApi = ofType(g, G.service).find((s) => s.inputs.service === "dns.googleapis.com");
            assert.ok(dnsApi, "Cloud DNS is enabled by the stack");
            assert.ok(policy.dependencies.includes(byName(g, "time:index/sleep:Sleep", "api-propagation").urn), "after the APIs' propagation wait");
        });

        it("custom-mode VPC: no auto subnets, regional routing", () => {
            const [vpc] = ofType(g, G.network);
            assert.equal(vpc.inputs.autoCreateSubnetworks, false);
            assert.equal(vpc.inputs.routingMode, "REGIONAL");
            assert.equal(vpc.id, `projects/platform-${env}-123456/global/networks/platform-${env}-gcp-vpc`);
        });

        it("subnets: the planner's zone-0 blocks, Private Google Access, flow logs sampled per environment; pods/services on the node subnet", () => {
            const subnets = Object.fromEntries(ofType(g, G.subnet).map((s) => [s.name.replace("network-", ""), s]));
            assert.deepEqual(Object.keys(subnets).sort(), ["nodes", "public", "tools"]);
            for (const tier of ["nodes", "public", "tools"] as const) {
                const s = subnets[tier].inputs as Record<string, any>;
                assert.equal(s.ipCidrRange, plan[tier][0], tier);
                assert.equal(s.privateIpGoogleAccess, true, tier);
                assert.deepEqual(s.logConfig, { ...FLOW_LOG_SETTINGS[env], metadata: "INCLUDE_ALL_METADATA" }, tier);
                assert.match(String(subnets[tier].id), new RegExp(`^projects/platform-${env}-123456/regions/europe-west1/subnetworks/platform-${env}-gcp-${tier}$`));
            }
            assert.deepEqual(subnets.nodes.inputs.secondaryIpRanges, [
                { rangeName: "pods", ipCidrRange: "100.64.0.0/16" },
                { rangeName: "services", ipCidrRange: "172.20.0.0/16" },
            ]);
            assert.equal(subnets.public.inputs.secondaryIpRanges, undefined);
            assert.deepEqual(FLOW_LOG_SETTINGS.prod, { flowSampling: 1, aggregationInterval: "INTERVAL_5_SEC" });
            assert.ok(FLOW_LOG_SETTINGS.dev.flowSampling < FLOW_LOG_SETTINGS.prod.flowSampling);
        });

        it("Cloud NAT: private tiers only, static addresses (one, or one per zone in prod), logging", () => {
            const [nat] = ofType(g, G.nat);
            const i = nat.inputs as Record<string, any>;
            assert.equal(i.natIpAllocateOption, "MANUAL_ONLY");
            assert.equal(i.natIps.length, env === "prod" ? 3 : 1);
            assert.equal(i.sourceSubnetworkIpRangesToNat, "LIST_OF_SUBNETWORKS");
            assert.deepEqual(
                i.subnetworks.map((s: { name: string }) => s.name.split("/").pop()),
                [`platform-${env}-gcp-nodes`, `platform-${env}-gcp-tools`],
            );
            assert.deepEqual(i.logConfig, { enable: true, filter: env === "prod" ? "ALL" : "ERRORS_ONLY" });
            // Dynamic Port Allocation, 64 to 4096 ports per VM (powers of two; the catalogue checks the rule).
            assert.deepEqual([i.enableDynamicPortAllocation, i.enableEndpointIndependentMapping, i.minPortsPerVm, i.maxPortsPerVm], [true, false, 64, 4096]);
            assert.deepEqual(checkConstraints(g, { entries: CONSTRAINTS.filter((c) => c.id === "gcp-nat-dynamic-ports") }), []);
        });

        it("firewall: exactly the reviewed table between service accounts, and nothing else inbound", () => {
            // GKE's own rule admits the control plane on 443 and 10250 only; the Seldon webhook
            // (4443) needs this one (the prometheus-operator webhook's 10250 is GKE's).
            const controlPlane = env === "dev" ? "172.16.0.0/28" : "172.16.0.32/28";
            assert.deepEqual(ingressTable(g, "100.64.0.0/16"), [...EXPECTED_RULES, `nodes:4443 <- cidr:${controlPlane}`].sort());
            for (const fw of ofType(g, G.firewall)) {
                assert.deepEqual(fw.inputs.logConfig, { metadata: "INCLUDE_ALL_METADATA" }, `${fw.name} logs`);
                assert.equal(fw.inputs.sourceTags, undefined, `${fw.name}: no network tags`);
                assert.equal(fw.inputs.targetTags, undefined, `${fw.name}: no network tags`);
            }
            // The only other ingress rule: the logged deny-all.
            const others = ofType(g, G.firewall).filter((f) => !f.inputs.allows && f.inputs.direction === "INGRESS");
            assert.deepEqual(
                others.map((f) => [f.name, f.inputs.priority, f.inputs.denies, f.inputs.sourceRanges, f.inputs.targetServiceAccounts]),
                [["firewall-in-deny-all", 65534, [{ protocol: "all" }], ["0.0.0.0/0"], undefined]],
            );
            const allowPriorities = new Set(ofType(g, G.firewall).filter((f) => f.inputs.allows).map((f) => f.inputs.priority));
            assert.deepEqual([...allowPriorities], [1000], "every allow outranks the deny-all");
        });
    });
}

for (const stack of ["dev-gcp", "prod-gcp"]) {
    describe(`gcp VM egress (${stack})`, () => {
        it("the four VMs: HTTP(S) out, the tier ports inside the network and to the control plane, everything else denied and logged; nodes untouched", async () => {
            const g = await graphOf(stack);
            const env = stack.split("-")[0];
            const vms = ["bastion", "jenkins", "vault", "wazuh"].map((t) => `platform-${env}-gcp-${t}@platform-${env}-123456.iam.gserviceaccount.com`);
            const egress = ofType(g, G.firewall)
                .filter((f) => f.inputs.direction === "EGRESS")
                .sort((a, b) => a.name.localeCompare(b.name));
            assert.deepEqual(
                egress.map((f) => [f.name, f.inputs.priority, f.inputs.allows ?? f.inputs.denies, f.inputs.destinationRanges, f.inputs.targetServiceAccounts]),
                [
                    ["firewall-out-vms-deny-all", 65534, [{ protocol: "all" }], ["0.0.0.0/0"], vms],
                    ["firewall-out-vms-internal", 1000, [{ protocol: "tcp", ports: ["22", "443", "1514", "1515", "8200", "8201", "8443", "55000"] }], [env === "dev" ? "10.50.0.0/16" : "10.70.0.0/16", env === "dev" ? "172.16.0.0/28" : "172.16.0.32/28"], vms],
                    ["firewall-out-vms-internet", 1000, [{ protocol: "tcp", ports: ["80", "443"] }], ["0.0.0.0/0"], vms],
                ],
            );
            for (const f of egress) {
                assert.deepEqual(f.inputs.logConfig, { metadata: "INCLUDE_ALL_METADATA" });
            }
        });
    });
}

describe("gcp firewall: IAP SSH only when configured", () => {
    it("iapSshAccess: true adds IAP's range to the bastion's SSH sources and nowhere else", async () => {
        const g = await variantOf("dev-gcp", { configOverrides: { "platform:bastion": { allowedCidrs: ["203.0.113.0/24"], iapSshAccess: true } } });
        const withRanges = ofType(g, G.firewall).filter((f) => ((f.inputs.sourceRanges as string[] | undefined) ?? []).includes(IAP_SSH_RANGE));
        assert.deepEqual(withRanges.map((f) => f.name), ["firewall-in-bastion-ssh-from-operators"]);
        assert.deepEqual(withRanges[0].inputs.sourceRanges, ["203.0.113.0/24", IAP_SSH_RANGE]);
        assert.equal(IAP_SSH_RANGE, "35.235.240.0/20");
        const off = await variantOf("dev-gcp", { configOverrides: { "platform:bastion": { allowedCidrs: ["203.0.113.0/24"], iapSshAccess: false } } });
        assert.ok(!JSON.stringify(off.resources.map((r) => r.inputs)).includes("35.235.240.0/20"), "absent unless configured");
        // The shipped GCP stacks configure it: IAP is the route CI takes to the bastion (automation/routes.ts).
        const shipped = await graphOf("dev-gcp");
        assert.deepEqual(ofType(shipped, G.firewall).filter((f) => ((f.inputs.sourceRanges as string[] | undefined) ?? []).includes(IAP_SSH_RANGE)).map((f) => f.name), ["firewall-in-bastion-ssh-from-operators"]);
    });
});
