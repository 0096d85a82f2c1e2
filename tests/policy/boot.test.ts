/**
 * The pack as the Pulumi CLI runs it: started like the CLI's Node.js analyzer plugin does
 * (offline/analyzer.ts: run-policy-pack, cwd = the pack, its tsconfig, ts-node type-checking),
 * then driven over gRPC like the engine: Configure, Analyze (inputs), AnalyzeStack (outputs).
 * Its verdicts must equal the offline runner's, and a rule the CLI's compiler would reject must
 * keep the pack from starting here too.
 */
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { AnalyzerDiagnostic, bootPack, BootedPack, PackBootError } from "../../offline/analyzer";
import type { CapturedResource, ResourceGraph } from "../../offline/graph";
import { loadPolicyConfig, runPolicies } from "../../offline/policy";
import { policies } from "../../policy-pack/policies";
import { graphOf, inClusterGraphOf } from "../support/graphs";
import { runStack } from "../../offline/engine";

const ROOT = path.resolve(__dirname, "..", "..");
const PACK = path.join(ROOT, "policy-pack");

/** `rule urn: full message`, the shape both sides can produce. */
function line(policyName: string, urn: string | undefined, message: string): string {
    return `${policyName} ${urn ?? ""}: ${message}`;
}

function fromPack(ds: readonly AnalyzerDiagnostic[]): string[] {
    return ds.map((d) => line(d.policyName, d.urn, d.message)).sort();
}

function edited(graph: ResourceGraph, edit: (rs: CapturedResource[]) => CapturedResource[]): ResourceGraph {
    const copy = JSON.parse(JSON.stringify(graph)) as ResourceGraph;
    return { ...copy, resources: edit([...copy.resources]) };
}

describe("policy pack booted as the Pulumi CLI runs it, driven over gRPC", function () {
    this.timeout(240_000);
    let pack: BootedPack;
    let graph: ResourceGraph;
    let inCluster: ResourceGraph;
    let preview: ResourceGraph;

    before(async () => {
        pack = await bootPack(PACK);
        await pack.configure(loadPolicyConfig("dev"));
        graph = await graphOf("dev-aws");
        inCluster = await inClusterGraphOf("dev-aws");
        preview = await runStack("dev-aws", { preview: true });
    });

    after(async () => {
        await pack?.stop();
    });

    it("reports itself with every rule of policies.ts", async () => {
        const info = await pack.info();
        assert.equal(info.name, "platform-guardrails");
        assert.equal(info.version, JSON.parse(fs.readFileSync(path.join(PACK, "package.json"), "utf8")).version);
        assert.deepEqual([...info.policies].sort(), policies.map((p) => p.name).sort());
    });

    it("Analyze: a violating resource gets exactly the offline runner's diagnostic; every resource of both dev-aws layers gets the same verdicts", async () => {
        const bastion = graph.resources.find((r) => r.type === "aws:ec2/instance:Instance" && r.name.startsWith("bastion"));
        assert.ok(bastion);
        const bad = { ...bastion, inputs: { ...bastion.inputs, metadataOptions: { httpTokens: "optional" } } };
        const got = await pack.analyze(bad, graph);
        const imds = got.filter((d) => d.policyName === "aws-ec2-instance-require-imdsv2");
        assert.deepEqual(imds, [
            {
                policyName: "aws-ec2-instance-require-imdsv2",
                message:
                    'EC2 instances require IMDSv2 (session tokens) for the instance metadata service.\nmetadataOptions.httpTokens is "optional", which allows IMDSv1 (token-less requests a server-side request forgery can abuse). Set metadataOptions.httpTokens to "required".',
                enforcementLevel: "mandatory",
                urn: bastion.urn,
            },
        ]);

        // Both layers: the platform's cloud resources and the in-cluster objects (Helm releases, RBAC, ...).
        for (const g of [graph, inCluster]) {
            const offline = runPolicies(g, { environment: "dev", policies: policies.filter((p) => p.kind === "resource") });
            const expected = offline.violations.map((v) => line(v.policyName, v.urn, v.fullMessage)).sort();
            const actual: AnalyzerDiagnostic[] = [];
            for (const r of g.resources.filter((x) => x.type !== "pulumi:pulumi:Stack")) {
                actual.push(...(await pack.analyze(r, g)));
            }
            assert.deepEqual(fromPack(actual), expected, g.project);
        }
    });

    it("AnalyzeStack on a first preview's outputs: the offline verdicts, and the planted public-IP case fails", async () => {
        const stackRules = policies.filter((p) => p.kind === "stack");
        const clean = await pack.analyzeStack(preview, "create");
        const offline = runPolicies(preview, { environment: "dev", policies: stackRules, stackView: "create" });
        assert.deepEqual(fromPack(clean), offline.violations.map((v) => line(v.policyName, v.urn, v.fullMessage)).sort());
        assert.equal(clean.filter((d) => d.enforcementLevel === "mandatory").length, 0);

        // A tool VM launched into a subnet that maps public IPs, the program leaving
        // associatePublicIpAddress unset: the provider computes it, so the engine sends it unknown.
        const jenkins = preview.resources.find((r) => r.type === "aws:ec2/instance:Instance" && r.name.startsWith("jenkins"));
        assert.ok(jenkins);
        const subnetUrns = jenkins.propertyDependencies.subnetId ?? [];
        assert.equal(subnetUrns.length, 1);
        const planted = edited(preview, (rs) =>
            rs.map((r) => {
                if (r.urn === jenkins.urn) {
                    const { associatePublicIpAddress: _gone, ...inputs } = r.inputs;
                    void _gone;
                    return { ...r, inputs };
                }
                return r.urn === subnetUrns[0] ? { ...r, inputs: { ...r.inputs, mapPublicIpOnLaunch: true } } : r;
            }),
        );
        const subnet = planted.resources.find((r) => r.urn === subnetUrns[0])!;
        const got = (await pack.analyzeStack(planted, "create")).filter((d) => d.policyName === "all-compute-publicip-restrict-to-bastion-nat");
        assert.deepEqual(got, [
            {
                policyName: "all-compute-publicip-restrict-to-bastion-nat",
                message:
                    "Public IP addresses are allowed only on the bastion and NAT gateways.\n" +
                    `aws:ec2/instance:Instance "${jenkins.name}" (role jenkins) gets a public IP: it is launched into subnet "${subnet.name}" (mapPublicIpOnLaunch is true) without associatePublicIpAddress: false. ` +
                    "Only the bastion and NAT gateways may have public IPs: keep it private and reach it through the bastion.",
                enforcementLevel: "mandatory",
                urn: jenkins.urn,
            },
        ]);
    });
});

describe("policy pack: a rule the CLI's compiler rejects keeps the pack from starting", function () {
    this.timeout(240_000);
    const planted = path.join(ROOT, ".scratch", `planted-pack-${process.pid}`);

    before(() => {
        fs.rmSync(planted, { recursive: true, force: true });
        // A copy beside the repository's node_modules, as the CLI would load a checkout of it.
        fs.cpSync(PACK, planted, { recursive: true, filter: (src) => !src.includes(`${path.sep}node_modules`) && !src.includes(`${path.sep}bin`) });
        // The first rule policies.ts loads: ts-node checks each file as it is required.
        const rule = path.join(planted, "rules", "all", "all-compute-instance-restrict-types.ts");
        const src = fs.readFileSync(rule, "utf8");
        // Object.hasOwn is ES2022: the root tsconfig (lib ES2022) accepts it, the pack's (ES2020) must not.
        fs.writeFileSync(rule, `${src}\nexport const plantedEs2022 = Object.hasOwn({ a: 1 }, "a");\n`);
    });

    after(() => {
        fs.rmSync(planted, { recursive: true, force: true });
    });

    it("fails to boot with the TypeScript error the CLI would print", async () => {
        const err = await bootPack(planted).then(
            async (p) => {
                await p.stop();
                return undefined;
            },
            (e: unknown) => e,
        );
        assert.ok(err instanceof PackBootError, `the planted pack booted: ${String(err)}`);
        assert.notEqual(err.exitCode, 0);
        assert.match(err.stderr, /TS2550: Property 'hasOwn' does not exist on type 'ObjectConstructor'/);
        assert.match(err.stderr, /all-compute-instance-restrict-types\.ts/);
    });

    it("npm run typecheck checks the pack with the pack's own tsconfig (the same ES2020 lib)", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
        assert.match(pkg.scripts.typecheck ?? "", /tsc -p policy-pack\/tsconfig\.json --noEmit/);
        const tsconfig = fs.readFileSync(path.join(PACK, "tsconfig.json"), "utf8");
        assert.match(tsconfig, /"lib": \["ES2020"\]/);
    });
});
