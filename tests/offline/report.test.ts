import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { availableStacks, LayeredGraphs, ROOT, STACKS_DIR, INCLUSTER_STACKS_DIR, runLayers } from "../../offline/engine";
import { CapturedResource, ResourceGraph } from "../../offline/graph";
import { planOutput, policyReportFor } from "../../offline/plan";
import { costReport, formatCostReport, hasPricer, isNoCharge } from "../../offline/report/cost";
import { criticalPath, deployEstimate } from "../../offline/report/deploytime";
import { diagramMarkdown, mermaidDiagram } from "../../offline/report/diagram";
import { exposureReport, formatExposure, NOTHING_ELSE } from "../../offline/report/exposure";
import { policyConfigFile, policyConfigPath } from "../../offline/report/policy-summary";
import { PRICES, PRICE_TABLE_DATE } from "../../offline/report/prices";
import { graphOf, inClusterGraphOf } from "../support/graphs";

async function layersOf(stack: string): Promise<LayeredGraphs> {
    return { platform: await graphOf(stack), incluster: await inClusterGraphOf(stack) };
}

/**
 * Types that put something on the bill, written from the clouds' pricing pages, NOT derived
 * from the price table: each must have a pricing rule (or be explicitly unpriced by it).
 */
const COST_BEARING = [
    "aws:eks/cluster:Cluster", "aws:eks/nodeGroup:NodeGroup", "aws:ec2/instance:Instance", "aws:ebs/volume:Volume", "aws:ec2/natGateway:NatGateway",
    "aws:ec2/eip:Eip", "aws:ec2/vpcEndpoint:VpcEndpoint", "aws:kms/key:Key", "aws:secretsmanager/secret:Secret", "aws:cloudwatch/logGroup:LogGroup",
    "aws:s3/bucket:Bucket", "aws:backup/vault:Vault",
    "azure-native:containerservice:ManagedCluster", "azure-native:containerservice:AgentPool", "azure-native:compute:VirtualMachine", "azure-native:compute:Disk",
    "azure-native:network:NatGateway", "azure-native:network:PublicIPAddress", "azure-native:network:PrivateEndpoint", "azure-native:privatedns:PrivateZone",
    "azure-native:keyvault:Key", "azure-native:recoveryservices:ProtectedItem", "azure-native:recoveryservices:Vault", "azure-native:storage:StorageAccount",
    "azure-native:network:FlowLog",
    "gcp:container/cluster:Cluster", "gcp:container/nodePool:NodePool", "gcp:compute/instance:Instance", "gcp:compute/disk:Disk", "gcp:compute/address:Address",
    "gcp:compute/routerNat:RouterNat", "gcp:kms/cryptoKey:CryptoKey", "gcp:secretmanager/secretVersion:SecretVersion", "gcp:compute/resourcePolicy:ResourcePolicy",
    "gcp:storage/bucket:Bucket",
];

describe("plan report: cost", function () {
    this.timeout(600_000);
    it("the price table: every row has a cloud, one of the shipped regions, a positive-or-zero price, a provider pricing URL; the table is dated", () => {
        assert.match(PRICE_TABLE_DATE, /^\d{4}-\d{2}-\d{2}$/);
        const regions: Record<string, string> = { aws: "eu-west-1", azure: "westeurope", gcp: "europe-west1" };
        for (const row of PRICES) {
            assert.equal(row.region, regions[row.cloud], row.id);
            assert.ok(row.unitPrice >= 0, row.id);
            assert.match(row.source, /^https:\/\/(aws\.amazon\.com|azure\.microsoft\.com|cloud\.google\.com)\//, `${row.id}: the source is the provider's pricing page`);
        }
        assert.equal(new Set(PRICES.map((r) => r.id)).size, PRICES.length, "ids are unique");
    });

    it("every cost-bearing type of the nine stacks' graphs has a pricing rule and none is declared free", async () => {
        for (const t of COST_BEARING) {
            assert.ok(hasPricer(t), `${t} has a pricing rule`);
            assert.equal(isNoCharge(t), false, `${t} must not be declared free`);
        }
        for (const stack of availableStacks()) {
            const layers = await layersOf(stack);
            const report = costReport(layers);
            const present = new Set([...layers.platform.resources, ...layers.incluster.resources].map((r) => r.type));
            for (const t of COST_BEARING.filter((x) => present.has(x))) {
                assert.ok(report.priced.some((p) => p.resource.type === t) || report.unpriced.some((u) => u.resource.type === t), `${stack}: ${t} priced or listed unpriced`);
            }
            assert.deepEqual(report.unpriced.map((u) => `${u.resource.type} ${u.resource.name}: ${u.reason}`), [], `${stack}: nothing unpriced`);
            assert.ok(report.monthly > 100, `${stack}: a cluster costs something`);
            assert.ok(report.minMonthly <= report.monthly);
            assert.match(formatCostReport(report), /\nEstimated cost: \$\d+\.\d\d\/month \(\d+ resources priced, 0 unpriced\)$/);
        }
    });

    it("prices an EKS node group from its instance type, desired/min size, spot discount and its launch template's disk", async () => {
        // dev's workload pool is one Spot node group per zone (issue 13): zone 0 starts at 1 (min 1),
        // zone 1 at 1 (min 0); m6i.large is the first of its same-size instance types.
        const report = costReport(await layersOf("dev-aws"));
        for (const [name, min] of [["cluster-workload-0", 1], ["cluster-workload-1", 0]] as const) {
            const workload = report.priced.find((p) => p.resource.name === name);
            assert.ok(workload, name);
            const [compute, disk] = workload.items;
            assert.equal(compute.row.id, "aws/ec2/m6i.large");
            assert.equal(compute.quantity, 1 * 730);
            assert.ok(Math.abs(compute.monthly - 0.107 * 1 * 730 * 0.4) < 1e-9, "spot at -60%");
            assert.ok(Math.abs(compute.minMonthly - 0.107 * min * 730 * 0.4) < 1e-9, `min size ${min}`);
            assert.equal(disk.row.id, "aws/ebs/gp3");
            assert.equal(disk.quantity, 1 * 80);
        }
    });

    it("an unknown cost type is listed unpriced, never counted as zero", async () => {
        const layers = await layersOf("dev-gcp");
        const extra: CapturedResource = { ...layers.platform.resources[1], urn: "urn:x", type: "gcp:sql/databaseInstance:DatabaseInstance", name: "db", custom: true, inputs: {} };
        const report = costReport({ ...layers, platform: { ...layers.platform, resources: [...layers.platform.resources, extra] } });
        assert.deepEqual(report.unpriced.map((u) => u.resource.name), ["db"]);
        assert.equal(report.monthly, costReport(layers).monthly);
        assert.match(formatCostReport(report), /Estimated cost: \$[\d.]+\/month \(\d+ resources priced, 1 unpriced\)$/);
    });

    it("the README's cost table matches the price table and the graphs (regenerate it when either changes)", async () => {
        const { ephemeralPlanOverrides } = await import("../../offline/plan");
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        assert.ok(readme.includes(`price table of ${PRICE_TABLE_DATE}`), "the README names the table's date");
        for (const cloud of ["aws", "azure", "gcp"]) {
            const monthly = async (env: string) => costReport(await layersOf(`${env}-${cloud}`)).monthly.toFixed(2);
            const eph = costReport(await runLayers(`dev-${cloud}`, { platform: { configOverrides: ephemeralPlanOverrides(`dev-${cloud}`, "42") } }));
            const row = `| ${cloud} | $${await monthly("dev")} | $${await monthly("staging")} | $${await monthly("prod")} | $${eph.monthly.toFixed(2)}/month ($${(eph.monthly / 730).toFixed(2)}/hour) |`;
            assert.ok(readme.includes(row), `README row for ${cloud} is stale; expected it to start with:\n${row}`);
        }
    });

    it("an ephemeral (PR) environment is priced per hour too", async () => {
        const { ephemeralPlanOverrides } = await import("../../offline/plan");
        const layers = await runLayers("dev-aws", { platform: { configOverrides: ephemeralPlanOverrides("dev-aws", "42") } });
        const report = costReport(layers);
        assert.equal(report.ephemeral, true);
        assert.match(formatCostReport(report), /Ephemeral environment: \$\d+\.\d\d\/hour/);
        assert.ok(report.monthly < costReport(await layersOf("dev-aws")).monthly, "smaller pools cost less than dev");
    });
});

describe("plan report: exposure", function () {
    this.timeout(600_000);
    it("on all nine stacks: the bastion's SSH from the allowlist, NAT egress-only, the API only when restricted, and nothing else", async () => {
        for (const stack of availableStacks()) {
            const layers = await layersOf(stack);
            const report = exposureReport(layers);
            assert.deepEqual(report.unproven, [], stack);
            const text = formatExposure(report);
            assert.ok(text.includes(NOTHING_ELSE), stack);
            const inbound = report.items.filter((i) => i.kind === "inbound");
            assert.deepEqual(inbound.map((i) => i.ports), ["tcp/22"], `${stack}: only SSH is inbound`);
            assert.match(inbound[0].sources, /^203\.0\.113\.0\/24/);
            assert.match(inbound[0].what, /bastion/);
            const nats = layers.platform.resources.filter((r) => /natGateway:NatGateway|network:NatGateway|routerNat:RouterNat/.test(r.type)).length;
            assert.ok(report.items.filter((i) => i.kind === "egress-only").length >= nats, `${stack}: every NAT address is egress-only`);
            const api = report.items.filter((i) => i.what.startsWith("Kubernetes API"));
            if (layers.platform.outputs.clusterEndpointAccess === "private") {
                assert.deepEqual(api, [], `${stack}: a private API is not reachable`);
            } else {
                assert.equal(api.length, 1, stack);
                assert.doesNotMatch(api[0].sources, /0\.0\.0\.0\/0/, `${stack}: the public API is restricted`);
            }
        }
    });

    it("a mutation: an Elastic IP attached to nothing makes the 'nothing else' line disappear and names it", async () => {
        const layers = await layersOf("prod-aws");
        const eip = layers.platform.resources.find((r) => r.type === "aws:ec2/eip:Eip" && r.name === "bastion-eip") as CapturedResource;
        const stray: CapturedResource = { ...eip, urn: `${eip.urn}-stray`, name: "stray-eip", inputs: { domain: "vpc" } };
        const text = formatExposure(exposureReport({ ...layers, platform: { ...layers.platform, resources: [...layers.platform.resources, stray] } }));
        assert.ok(!text.includes(NOTHING_ELSE));
        assert.match(text, /aws:ec2\/eip:Eip "stray-eip": an Elastic IP attached to neither a NAT gateway nor an instance/);
    });

    it("a mutation: a world-open rule on the bastion (AWS security group, GCP firewall, Azure NSG) appears with THE WHOLE INTERNET", async () => {
        const aws = await layersOf("dev-aws");
        const rule = aws.platform.resources.find((r) => r.name === "bastion-ssh-in-0") as CapturedResource;
        const open: CapturedResource = { ...rule, urn: `${rule.urn}-open`, name: "open", inputs: { ...rule.inputs, cidrIpv4: "0.0.0.0/0", fromPort: 8443, toPort: 8443 } };
        const awsText = formatExposure(exposureReport({ ...aws, platform: { ...aws.platform, resources: [...aws.platform.resources, open] } }));
        assert.match(awsText, /inbound .* tcp\/8443 .*bastion.* from 0\.0\.0\.0\/0 \(THE WHOLE INTERNET\)/);

        const gcp = await layersOf("dev-gcp");
        const fw = gcp.platform.resources.find((r) => r.name === "firewall-in-bastion-ssh-from-operators") as CapturedResource;
        const gcpOpen: CapturedResource = { ...fw, urn: `${fw.urn}-open`, name: "open", inputs: { ...fw.inputs, allows: [{ protocol: "tcp", ports: ["3389"] }], sourceRanges: ["0.0.0.0/0"] } };
        const gcpText = formatExposure(exposureReport({ ...gcp, platform: { ...gcp.platform, resources: [...gcp.platform.resources, gcpOpen] } }));
        assert.match(gcpText, /tcp\/3389 .* from 0\.0\.0\.0\/0 \(THE WHOLE INTERNET\)/);

        const azure = await layersOf("dev-azure");
        const nsgs = azure.platform.resources.map((r) => {
            if (r.name !== "network-nsg-public") {
                return r;
            }
            const rules = r.inputs.securityRules as Record<string, unknown>[];
            return { ...r, inputs: { ...r.inputs, securityRules: [...rules, { ...rules[0], name: "rdp", destinationPortRange: "3389", sourceAddressPrefix: "*" }] } };
        });
        const azText = formatExposure(exposureReport({ ...azure, platform: { ...azure.platform, resources: nsgs } }));
        assert.match(azText, /tcp\/3389 .*bastion-vm .*from \* \(THE WHOLE INTERNET\)/);
    });

    it("a mutation: a LoadBalancer Service in the in-cluster layer cannot be proven private", async () => {
        const layers = await layersOf("dev-azure");
        const ns = layers.incluster.resources.find((r) => r.type === "kubernetes:core/v1:Namespace") as CapturedResource;
        const svc: CapturedResource = { ...ns, urn: `${ns.urn}-svc`, type: "kubernetes:core/v1:Service", name: "public-svc", inputs: { spec: { type: "LoadBalancer" } } };
        const text = formatExposure(exposureReport({ ...layers, incluster: { ...layers.incluster, resources: [...layers.incluster.resources, svc] } }));
        assert.ok(!text.includes(NOTHING_ELSE));
        assert.match(text, /"public-svc" is a LoadBalancer Service/);
    });

    it("Azure and GCP tree lines carry the security details AWS's do", async () => {
        const { renderTree } = await import("../../offline/plan");
        const azure = renderTree(await graphOf("dev-azure"));
        assert.match(azure, /NetworkSecurityGroup network-nsg-public {2}\[100 in allow tcp\/22 203\.0\.113\.0\/24->asg:platform-dev-azure-asg-bastion;/);
        // The operators' range, then the bastion's public IP and the NAT gateway's address (out-of-cluster clients of a VNet-integrated public API).
        assert.match(azure, /ManagedCluster cluster-aks {2}\[.*public-api\(authorized:203\.0\.113\.0\/24,\d+\.\d+\.\d+\.\d+\/32,\d+\.\d+\.\d+\.\d+\/32\)/);
        assert.match(azure, /NetworkInterface bastion-nic {2}\[ip=10\.50\.144\.10 PUBLIC-IP\(platform-dev-azure-bastion-ip\)/);
        const gcp = renderTree(await graphOf("prod-gcp"));
        assert.match(gcp, /Firewall firewall-in-bastion-ssh-from-operators {2}\[in p1000 allow tcp\/22 from 203\.0\.113\.0\/24,35\.235\.240\.0\/20 targets sa:platform-prod-gcp-bastion\]/);
        assert.match(gcp, /cluster-gke {2}\[version=1\.35 private-endpoint private-nodes masterCidr=172\.16\.0\.32\/28 authorized\(10\.70\.144\.0\/24,10\.70\.128\.10\/32\)/);
        assert.match(gcp, /RouterNat network-nat {2}\[natIps=3 allocate=MANUAL_ONLY/);
    });
});

describe("plan report: first deploy", function () {
    this.timeout(600_000);
    const r = (urn: string, type: string, dependencies: string[] = [], parent?: string, custom = true): CapturedResource => ({
        urn, type, name: urn, custom, dependencies, inputs: {}, secretPaths: [], propertyDependencies: {}, protect: false, retainOnDelete: false, state: {}, ...(parent ? { parent } : {}),
    });
    it("takes the longest weighted path; depending on a component waits for all its children", () => {
        const g: ResourceGraph = {
            project: "p", stack: "s", invokes: [], outputs: {}, secretOutputs: [],
            resources: [
                r("stack", "pulumi:pulumi:Stack", [], undefined, false),
                r("net", "platform:x:Network", [], "stack", false),
                r("nat", "aws:ec2/natGateway:NatGateway", [], "net"), // 120 s
                r("subnet", "aws:ec2/subnet:Subnet", [], "net"), // 15 s
                r("eks", "aws:eks/cluster:Cluster", ["net"]), // waits for nat: 120 + 900
                r("pool", "aws:eks/nodeGroup:NodeGroup", ["eks"]), // + 240
                r("vm", "aws:ec2/instance:Instance", ["subnet"]),
            ],
        };
        const e = criticalPath(g);
        assert.equal(e.totalSeconds, 120 + 900 + 240);
        assert.deepEqual(e.chain.map((s) => s.resource.name), ["nat", "eks", "pool"]);
        assert.deepEqual(e.chain.map((s) => s.start), [0, 120, 1020]);
    });

    it("on the shipped stacks the chain goes through the cluster and the in-cluster layer starts after the platform", async () => {
        for (const stack of availableStacks()) {
            const e = deployEstimate(await layersOf(stack));
            // Through the cluster, or (Azure) through the documented grant propagation waits, which
            // are longer than the cluster's own create time.
            assert.ok(e.chain.some((s) => /eks\/cluster:Cluster|ManagedCluster|container\/cluster:Cluster|time:index\/sleep:Sleep/.test(s.resource.type)), stack);
            const firstInCluster = e.chain.find((s) => s.resource.type.startsWith("kubernetes:"));
            assert.ok(firstInCluster && firstInCluster.start >= e.platformSeconds, `${stack}: in-cluster after platform`);
            assert.ok(e.totalSeconds > 10 * 60 && e.totalSeconds < 90 * 60, `${stack}: ${e.totalSeconds}s`);
        }
    });
});

/** The strict grammar the diagram emits (no Mermaid flowchart parser runs offline without a DOM). */
const MERMAID_LINE = [
    /^flowchart LR$/,
    /^ *subgraph [A-Za-z0-9_]+\["[^"\[\]{}()<>|#;`]*"\]$/,
    /^ *end$/,
    /^ *[A-Za-z0-9_]+\["[^"\[\]{}()<>|#;`]*"\]$/,
    /^ *[A-Za-z0-9_]+\(\("[^"\[\]{}()<>|#;`]*"\)\)$/,
    /^ *[A-Za-z0-9_]+ (-->|-\.->)\|"[^"\[\]{}()<>|#;`]*"\| [A-Za-z0-9_]+$/,
];

describe("plan report: diagram", function () {
    this.timeout(600_000);
    it("every stack's diagram uses only the strict grammar, balances subgraphs, and every edge joins declared nodes", async () => {
        for (const stack of availableStacks()) {
            const src = mermaidDiagram(await layersOf(stack));
            const lines = src.split("\n");
            let depth = 0;
            const declared = new Set<string>();
            for (const line of lines) {
                assert.ok(MERMAID_LINE.some((re) => re.test(line)), `${stack}: bad line ${JSON.stringify(line)}`);
                depth += /^ *subgraph /.test(line) ? 1 : /^ *end$/.test(line) ? -1 : 0;
                assert.ok(depth >= 0);
                const node = /^ *([A-Za-z0-9_]+)(\[|\(\()/.exec(line);
                if (node && !line.trim().startsWith("subgraph")) {
                    declared.add(node[1]);
                }
                const sub = /^ *subgraph ([A-Za-z0-9_]+)/.exec(line);
                if (sub) {
                    declared.add(sub[1]);
                }
            }
            assert.equal(depth, 0, `${stack}: subgraphs balanced`);
            for (const edge of lines.filter((l) => /--|-\.->/.test(l))) {
                const [, from, , to] = /^ *([A-Za-z0-9_]+) (-->|-\.->)\|"[^"]*"\| ([A-Za-z0-9_]+)$/.exec(edge) as RegExpExecArray;
                assert.ok(declared.has(from) && declared.has(to), `${stack}: ${edge}`);
            }
            assert.match(src, /vm_bastion -->\|"tcp\/22 tcp\/443"\| api|vm_bastion -->\|"[^"]*tcp\/22[^"]*"\| vm_vault/);
            assert.match(src, /internet -->\|"[^"]*tcp\/22[^"]*"\| vm_bastion/);
            assert.match(src, /subgraph incluster\["in-cluster layer"\]/);
        }
    });

    it("the README embeds the current prod-aws diagram (regenerate with npm run plan -- --stack prod-aws --diagram FILE.md)", async () => {
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        const m = /<!-- plan-diagram:prod-aws:start -->\n([\s\S]*?)<!-- plan-diagram:prod-aws:end -->/.exec(readme);
        assert.ok(m, "README has the diagram markers");
        const expected = `\`\`\`mermaid\n${mermaidDiagram(await layersOf("prod-aws"))}\n\`\`\`\n`;
        assert.equal(m[1], expected, "README's diagram is stale: copy the mermaid block of `npm run plan -- --stack prod-aws --diagram /tmp/d.md`");
        assert.ok(diagramMarkdown(await layersOf("prod-aws")).includes(expected.trim()));
    });
});

describe("plan report: quiet by default, environment from config", function () {
    this.timeout(600_000);
    it("the default report of a dev stack has at most 5 lines mentioning N/A; --verbose lists the rules", async () => {
        for (const stack of ["dev-aws", "dev-azure", "dev-gcp"]) {
            const layers = await layersOf(stack);
            const quiet = planOutput(layers).text;
            const na = quiet.split("\n").filter((l) => /N\/A|not applicable/i.test(l));
            assert.ok(na.length <= 5, `${stack}: ${na.length} lines\n${na.join("\n")}`);
            assert.match(quiet, /advisories expected in dev: its profile sets deletionProtection=false .* "enforcementLevel": "disabled" \} in policy-pack\/config\/dev\.json/);
            assert.doesNotMatch(quiet, /- ADVISORY .* holds state but is not protected/);
            assert.match(quiet, /\nEstimated cost: \$\d+\.\d\d\/month \(\d+ resources priced, 0 unpriced\)\n$/);
            const verbose = planOutput(layers, { verbose: true }).text;
            assert.ok(verbose.split("\n").filter((l) => /^ {2}N\/A /.test(l)).length > 40, `${stack}: --verbose lists the not-applicable rules`);
        }
    });

    it("a prod config saved under a neutral stack name is judged with policy-pack/config/prod.json", async () => {
        const copies = [
            [path.join(STACKS_DIR, "Pulumi.prod-aws.yaml"), path.join(STACKS_DIR, "Pulumi.acme-eu.yaml")],
            [path.join(INCLUSTER_STACKS_DIR, "Pulumi.prod-aws.yaml"), path.join(INCLUSTER_STACKS_DIR, "Pulumi.acme-eu.yaml")],
        ];
        try {
            for (const [from, to] of copies) {
                fs.copyFileSync(from, to);
            }
            const layers = await runLayers("acme-eu");
            const report = policyReportFor(layers.platform);
            assert.equal(report.environment, "prod");
            assert.equal(policyConfigFile(report), "policy-pack/config/prod.json");
            assert.ok(fs.existsSync(policyConfigPath(report)));
            assert.equal(policyReportFor(layers.incluster, layers.platform).environment, "prod");
            assert.match(planOutput(layers).text, /Policy report for platform\/acme-eu \(environment prod, enforcement from policy-pack\/config\/prod\.json\)/);
        } finally {
            for (const [, to] of copies) {
                fs.rmSync(to, { force: true });
            }
        }
    });
});
