import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { availableStacks, INCLUSTER_PROJECT, readStackFile, runLayers, runStack } from "../../offline/engine";
import { hasMandatoryViolations } from "../../offline/policy";
import { layersToJson, main, maskSecrets, policyReportFor, renderPlan, SECRET_MASK } from "../../offline/plan";

/** Runs the plan CLI in-process, capturing what it prints. */
async function plan(args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    let err = "";
    const write = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
    process.stdout.write = ((chunk: string) => ((out += chunk), true)) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string) => ((err += chunk), true)) as typeof process.stderr.write;
    try {
        const code = await main(args);
        return { code, out, err };
    } finally {
        process.stdout.write = write.out;
        process.stderr.write = write.err;
    }
}

describe("npm run plan", () => {
    it("plans dev-aws by default: VPC, subnets over 2 zones, one NAT, flow logs, the bastion and its key", async () => {
        const { code, out } = await plan([]);
        assert.equal(code, 0);
        assert.match(out, /^Constraint catalogue for dev-aws: \d+ cited entries/, "the catalogue comes first, before any report");
        assert.match(out, /^Catalogue: OK \(\d+ entries, no violations\)$/m);
        assert.match(out, /^Offline plan for stack dev-aws \(project platform\)/m);
        assert.match(out, /aws:ec2\/vpc:Vpc network-vpc {2}\[cidr=10\.20\.0\.0\/16\]/);
        assert.equal((out.match(/aws:ec2\/subnet:Subnet network-/g) ?? []).length, 6);
        assert.match(out, /az=eu-west-1a/);
        assert.match(out, /az=eu-west-1b/);
        assert.doesNotMatch(out, /az=eu-west-1c/);
        assert.equal((out.match(/aws:ec2\/natGateway:NatGateway network-nat-/g) ?? []).length, 1);
        assert.match(out, /aws:ec2\/flowLog:FlowLog network-flow-log {2}\[traffic=ALL to=cloud-watch-logs\]/);
        assert.match(out, /tls:index\/privateKey:PrivateKey bastion-ssh-key/);
        assert.match(out, /aws:ec2\/instance:Instance bastion-instance {2}\[type=t3\.micro role=bastion imds=required root-encrypted no-public-ip\]/);
        assert.match(out, /Stack outputs \(secrets masked\):/);
        assert.match(out, /bastionPrivateKeyPem: "\[secret\]"/);
        assert.doesNotMatch(out, /PRIVATE KEY/);
    });

    it("prints the policy report of each layer for the stack's environment and exits 0 when no mandatory rule fails", async () => {
        const { code, out } = await plan(["--stack", "prod-aws"]);
        assert.equal(code, 0);
        assert.match(out, /Policy report for platform\/prod-aws \(environment prod, enforcement from policy-pack\/config\/prod\.json\): \d+ rules/);
        assert.match(out, /Policy report for platform-incluster\/prod-aws \(environment prod, enforcement from policy-pack\/config\/prod\.json\): \d+ rules/);
        assert.equal((out.match(/Result: OK \(no mandatory violations\)\./g) ?? []).length, 2);
    });

    it("plans both layers in order: the platform stack, then the in-cluster stack reading it (a private cluster too: no phase flag)", async () => {
        const { code, out } = await plan(["--stack", "prod-gcp"]);
        assert.equal(code, 0);
        const first = out.indexOf("Offline plan for stack prod-gcp (project platform):");
        const second = out.indexOf("Offline plan for stack prod-gcp (project platform-incluster):");
        assert.ok(first >= 0 && second > first, "platform first, then in-cluster");
        assert.match(out, /project platform-incluster\): \d+ registrations, \d+ in-cluster objects; reads organization\/platform\/prod-gcp/);
        assert.ok(out.slice(second).includes("kubernetes:helm.sh/v3:Release addons-argocd"));
        assert.ok(!out.slice(first, second).includes("kubernetes:"), "the platform layer has no Kubernetes object");
    });

    it("takes the policy environment from the platform stack's config, not from the stack's name", async () => {
        // dev-aws's file with the environment set to staging (and what staging requires: named
        // operators and one recovery PGP fingerprint per share, taken from staging-aws's file).
        const staging = readStackFile("staging-aws");
        const g = await runStack("dev-aws", {
            configOverrides: { "platform:environment": "staging", "platform:bastion": staging["platform:bastion"], "platform:operations": staging["platform:operations"] },
        });
        assert.equal(policyReportFor(g).environment, "staging");
    });

    it("fails the plan (exit 1 path) when a mandatory rule is violated", async () => {
        const broken = await runStack("dev-aws", { configOverrides: { "platform:network": { cidr: "10.20.0.0/16", flowLogs: { enabled: false } } } });
        const report = policyReportFor(broken);
        assert.equal(hasMandatoryViolations(report), true);
        assert.equal(report.environment, "dev");
    });

    it("--stack prod-aws shows 3 zones and a NAT per zone", async () => {
        const { code, out } = await plan(["--stack", "prod-aws"]);
        assert.equal(code, 0);
        assert.equal((out.match(/aws:ec2\/natGateway:NatGateway network-nat-/g) ?? []).length, 3);
        assert.match(out, /az=eu-west-1c/);
        assert.match(out, /PROTECTED/);
    });

    it("names the available stacks for an unknown one and exits 2", async () => {
        const { code, err } = await plan(["--stack", "qa-aws"]);
        assert.equal(code, 2);
        assert.equal(err, `Unknown stack "qa-aws". Available stacks: ${availableStacks().join(", ")}\n`);
    });

    it("--ephemeral needs a dev stack and a pull-request number, and exits 2 otherwise", async () => {
        for (const args of [["--stack", "prod-aws", "--ephemeral", "42"], ["--stack", "dev-aws", "--ephemeral", "pr-42"]]) {
            const { code, err } = await plan(args);
            assert.equal(code, 2);
            assert.match(err, /^--ephemeral takes a pull-request number .* Example: npm run plan -- --stack dev-aws --ephemeral 42\n$/);
        }
    });

    it("rejects unknown flags with the usage", async () => {
        const { code, err } = await plan(["--stak", "dev-aws"]);
        assert.equal(code, 2);
        assert.match(err, /Usage: npm run plan/);
    });

    it("--json writes both layers' resources in one array (each with its own URN), masked inputs, dependencies, outputs per layer", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
        const file = path.join(dir, "graph.json");
        const { code } = await plan(["--json", file]);
        assert.equal(code, 0);
        const json = JSON.parse(fs.readFileSync(file, "utf8"));
        const layers = await runLayers("dev-aws");
        assert.equal(json.resources.length, layers.platform.resources.length + layers.incluster.resources.length);
        for (const r of json.resources) {
            assert.deepEqual(Object.keys(r).sort(), ["custom", "dependencies", "inputs", "name", "protect", "provider", "parent", "type", "urn"].filter((k) => k in r).sort());
            assert.match(r.urn, /^urn:pulumi:dev-aws::(platform|platform-incluster)::/);
        }
        assert.equal(new Set(json.resources.map((r: { urn: string }) => r.urn)).size, json.resources.length, "URNs are unique across layers");
        assert.ok(json.resources.some((r: { urn: string }) => r.urn.startsWith(`urn:pulumi:dev-aws::${INCLUSTER_PROJECT}::`) && r.urn.endsWith("kubernetes:helm.sh/v3:Release::addons-argocd")));
        assert.deepEqual(json.layers.map((l: { project: string }) => l.project), ["platform", INCLUSTER_PROJECT]);
        assert.equal(json.layers[0].outputs.bastionPrivateKeyPem, SECRET_MASK);
        assert.equal(json.layers[1].outputs.argocdAdminPassword, SECRET_MASK);
        assert.doesNotMatch(fs.readFileSync(file, "utf8"), /PRIVATE KEY|mock-[0-9a-f]{8}/);
        const same = (g: unknown) => JSON.parse(JSON.stringify(g)) as { resources: { urn: string }[] };
        assert.deepEqual(same(layersToJson(layers)).resources.map((r) => r.urn).sort(), json.resources.map((r: { urn: string }) => r.urn).sort());
    });

    it("masks secret inputs by path", () => {
        assert.deepEqual(maskSecrets({ a: { b: "x", c: "y" }, d: "z" }, ["a.b", "d"]), { a: { b: SECRET_MASK, c: "y" }, d: SECRET_MASK });
    });

    it("renders a tree in which every resource of each layer appears", async () => {
        const { platform, incluster } = await runLayers("staging-aws");
        for (const graph of [platform, incluster]) {
            const text = renderPlan(graph);
            for (const r of graph.resources) {
                assert.ok(text.includes(`${r.type} ${r.name}`), `${r.type} ${r.name} missing`);
            }
        }
    });
});
