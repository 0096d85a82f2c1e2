/**
 * Whole stacks: every shipped stack, run by the offline engine (update and preview), through
 * the whole pack with its environment's enforcement: zero mandatory violations and no rule
 * unable to judge a preview value. Broken variants (a config the schema accepts but the pack
 * must reject, and graph edits a careless change could make) produce the expected violations.
 *
 * Needs offline/engine.ts `runStack` and stacks/*.yaml; if they are missing the suite fails
 * with that message instead of passing vacuously.
 */
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import type { CapturedResource, ResourceGraph } from "../../offline/graph";
import { Environment, formatPolicyReport, hasMandatoryViolations, runPolicies } from "../../offline/policy";
import { graphOf } from "../support/graphs";

type Engine = {
    runStack(stack: string, options?: { configOverrides?: Record<string, unknown>; preview?: boolean }): Promise<ResourceGraph>;
    readStackFile(stack: string): Record<string, unknown>;
};

const ROOT = path.resolve(__dirname, "..", "..");
const STACKS = fs.existsSync(path.join(ROOT, "stacks"))
    ? fs
          .readdirSync(path.join(ROOT, "stacks"))
          .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
          .filter((s): s is string => s !== undefined)
          .sort()
    : [];

/** Per cloud: rules that must judge something in each of its stacks (besides the cross-cloud ones). */
const MUST_JUDGE: Readonly<Record<string, readonly string[]>> = {
    aws: ["aws-ec2-instance-require-imdsv2", "aws-ec2-vpc-require-flow-logs"],
    // GCP block (issue 9).
    gcp: ["all-compute-publicip-restrict-to-bastion-nat", "all-network-ingress-restrict-public-to-bastion-ssh", "gcp-compute-subnetwork-require-flow-logs", "gcp-compute-disk-require-snapshot-schedule", "gcp-container-cluster-require-private-nodes"],
    // Azure block (issue 8).
    azure: ["all-compute-publicip-restrict-to-bastion-nat", "all-network-ingress-restrict-public-to-bastion-ssh", "azure-network-vnet-require-flow-logs", "azure-aks-cluster-restrict-api-access", "azure-compute-vm-require-trusted-launch", "azure-recoveryservices-protecteditem-require-tool-vm-coverage"],
};

function environmentOf(stack: string): Environment {
    const env = stack.split("-")[0];
    if (env !== "dev" && env !== "staging" && env !== "prod") {
        throw new Error(`stack ${stack} does not start with dev-, staging- or prod-`);
    }
    return env;
}

async function engine(): Promise<Engine> {
    const file = path.join(ROOT, "offline", "engine.ts");
    if (!fs.existsSync(file)) {
        throw new Error("offline/engine.ts is missing: whole-stack policy tests need runStack(stack, { configOverrides, preview })");
    }
    const mod = (await import("../../offline/engine")) as Partial<Engine>;
    if (typeof mod.runStack !== "function") {
        throw new Error("offline/engine.ts does not export runStack(stack, options)");
    }
    return mod as Engine;
}

/** A violation as `rule: type "name": message`, for readable assertion diffs. */
function lines(report: ReturnType<typeof runPolicies>, level?: "mandatory" | "advisory"): string[] {
    return report.violations.filter((v) => !level || v.enforcementLevel === level).map((v) => `${v.policyName}: ${v.resourceType} "${v.resourceName}": ${v.message}`);
}

describe("policy pack over every shipped stack", function () {
    this.timeout(120_000);

    it("stacks exist (stacks/Pulumi.<env>-<cloud>.yaml)", () => {
        assert.ok(STACKS.length > 0, "no stacks/Pulumi.*.yaml: nothing to check");
    });

    for (const stack of STACKS) {
        describe(stack, () => {
            const environment = environmentOf(stack);
            let update: ResourceGraph;
            let preview: ResourceGraph;

            before(async () => {
                await engine();
                update = await graphOf(stack);
                preview = await (await engine()).runStack(stack, { preview: true });
            });

            it(`has zero mandatory violations under the ${environment} enforcement`, () => {
                const report = runPolicies(update, { environment });
                assert.deepEqual(lines(report, "mandatory"), [], formatPolicyReport(report));
                assert.equal(hasMandatoryViolations(report), false);
            });

            it("judges its resources (the pack is not vacuous here)", () => {
                const report = runPolicies(update, { environment });
                const judged = report.rules.filter((r) => r.status === "pass" || r.status === "violations").map((r) => r.name);
                for (const must of ["all-network-ingress-disallow-world-open", "all-tags-resource-require-common-tags", ...(MUST_JUDGE[stack.split("-")[1] ?? ""] ?? [])]) {
                    assert.ok(judged.includes(must), `${must} did not judge anything in ${stack}`);
                }
            });

            it("in preview (unknown computed values) reports nothing the update does not, and never skips", () => {
                const p = runPolicies(preview, { environment });
                const u = runPolicies(update, { environment });
                const extra = lines(p).filter((l) => !lines(u).includes(l));
                assert.deepEqual(extra, []);
                assert.deepEqual(p.rules.flatMap((r) => r.previewSkips), []);
            });

            // Stack rules as the engine runs them: on outputs (offline/outputs.ts). "create" is a
            // first preview (every resource created, computed fields unknown, on the preview
            // graph whose cross-resource inputs are unknown too); "update" is after `pulumi up`.
            for (const view of ["create", "update"] as const) {
                it(`with stack rules on the engine's ${view} outputs: no mandatory violation, no skip, the same verdict as on inputs, and no stack rule silenced`, () => {
                    const graph = view === "create" ? preview : update;
                    const onOutputs = runPolicies(graph, { environment, stackView: view });
                    const onInputs = runPolicies(graph, { environment });
                    assert.deepEqual(lines(onOutputs, "mandatory"), [], formatPolicyReport(onOutputs));
                    assert.deepEqual(onOutputs.rules.flatMap((r) => r.previewSkips), []);
                    assert.deepEqual(lines(onOutputs), lines(onInputs));
                    const judged = (r: typeof onInputs) => r.rules.filter((x) => x.kind === "stack" && (x.status === "pass" || x.status === "violations")).map((x) => x.name);
                    assert.deepEqual(judged(onOutputs), judged(onInputs));
                });
            }
        });
    }
});

describe("policy pack over broken stack variants", function () {
    this.timeout(120_000);

    it("prod with an oversized bastion (config the schema accepts) fails the cost allowlist as mandatory", async function () {
        if (!STACKS.includes("prod-aws")) {
            this.skip();
        }
        const e = await engine();
        // prod-aws's own bastion settings (its named operators included), with an oversized instance.
        const bastion = e.readStackFile("prod-aws")["platform:bastion"] as Record<string, unknown>;
        const graph = await e.runStack("prod-aws", { configOverrides: { "platform:bastion": { ...bastion, instanceType: "c7i.48xlarge" } } });
        const report = runPolicies(graph, { environment: "prod" });
        const cost = report.violations.filter((v) => v.policyName === "all-compute-instance-restrict-types");
        assert.equal(cost.length, 1);
        assert.equal(cost[0]?.enforcementLevel, "mandatory");
        assert.match(cost[0]?.message ?? "", /^instanceType c7i\.48xlarge is not in this environment's allowlist \(/);
        assert.equal(hasMandatoryViolations(report), true);
        // The same mistake in dev is advisory: reported, not blocking.
        const dev = runPolicies(graph, { environment: "dev" });
        assert.equal(dev.violations.find((v) => v.policyName === "all-compute-instance-restrict-types")?.enforcementLevel, "advisory");
    });

    describe("graph edits on the real dev-aws graph", () => {
        let graph: ResourceGraph;
        before(async function () {
            if (!STACKS.includes("dev-aws")) {
                this.skip();
            }
            await engine();
            graph = await graphOf("dev-aws");
        });

        function edited(edit: (resources: CapturedResource[]) => CapturedResource[]): ResourceGraph {
            const copy = JSON.parse(JSON.stringify(graph)) as ResourceGraph;
            return { ...copy, resources: edit([...copy.resources]) };
        }

        it("bastion SSH opened to the world", () => {
            const g = edited((rs) =>
                rs.map((r) =>
                    r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" && r.inputs.fromPort === 22 ? { ...r, inputs: { ...r.inputs, cidrIpv4: "0.0.0.0/0" } } : r,
                ),
            );
            const report = runPolicies(g, { environment: "dev" });
            const found = report.violations.filter((v) => v.policyName === "all-network-ingress-disallow-world-open");
            assert.ok(found.length >= 1);
            assert.equal(
                found[0]?.message,
                "cidrIpv4 allows tcp 22 from 0.0.0.0/0 (the whole internet). World-open ingress is never allowed, not even to the bastion: list specific source CIDRs or reference a security group.",
            );
            assert.equal(hasMandatoryViolations(report), true);
        });

        it("flow logs removed", () => {
            const g = edited((rs) => rs.filter((r) => r.type !== "aws:ec2/flowLog:FlowLog"));
            const report = runPolicies(g, { environment: "dev" });
            const found = report.violations.filter((v) => v.policyName === "aws-ec2-vpc-require-flow-logs");
            assert.equal(found.length, 1);
            assert.match(found[0]?.message ?? "", /^aws:ec2\/vpc:Vpc ".+" has no flow log\. Add an aws\.ec2\.FlowLog with vpcId set to this VPC and trafficType "ALL"\.$/);
        });

        it("provider default tags dropped", () => {
            const g = edited((rs) => rs.map((r) => (r.type === "pulumi:providers:aws" ? { ...r, inputs: { ...r.inputs, defaultTags: undefined } } : r)));
            const report = runPolicies(g, { environment: "dev" });
            const found = report.violations.filter((v) => v.policyName === "all-tags-resource-require-common-tags");
            assert.ok(found.length > 5, `${found.length} tag violations`);
            assert.ok(found.every((v) => /lacks required tags: .*\b(project|environment|cost-center)\b/.test(v.message)));
        });
    });
});
