/**
 * The in-cluster layer of every shipped environment (its own stack, incluster/stacks) through
 * the whole pack with its environment's enforcement, in update and preview mode: zero mandatory
 * violations, and the Kubernetes rules judge real objects (not vacuous).
 */
import assert from "node:assert/strict";
import { availableStacks, runInClusterStack } from "../../offline/engine";
import type { ResourceGraph } from "../../offline/graph";
import { Environment, formatPolicyReport, runPolicies } from "../../offline/policy";
import { graphOf, inClusterGraphOf } from "../support/graphs";

const MUST_JUDGE = ["kubernetes-helm-release-require-chart-version", "kubernetes-core-namespace-require-default-deny", "kubernetes-argoproj-application-require-automated-sync"];

describe("policy pack over every in-cluster stack", function () {
    this.timeout(120_000);

    for (const stack of availableStacks()) {
        describe(stack, () => {
            let platform: ResourceGraph;
            let update: ResourceGraph;
            let environment: Environment;
            before(async () => {
                platform = await graphOf(stack);
                update = await inClusterGraphOf(stack);
                environment = platform.outputs.environment as Environment;
            });

            it("has zero mandatory violations under its platform stack's environment, and the Kubernetes rules judge its objects", () => {
                const report = runPolicies(update, { environment });
                assert.deepEqual(
                    report.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => `${v.policyName}: ${v.resourceName}: ${v.message}`),
                    [],
                    formatPolicyReport(report),
                );
                const judged = report.rules.filter((r) => r.status === "pass" || r.status === "violations").map((r) => r.name);
                for (const must of MUST_JUDGE) {
                    assert.ok(judged.includes(must), `${must} did not judge anything in the in-cluster stack ${stack}`);
                }
            });

            it("in preview reports nothing the update does not, and never skips", async () => {
                const preview = await runInClusterStack(stack, platform, { preview: true });
                const p = runPolicies(preview, { environment });
                const u = runPolicies(update, { environment });
                const text = (r: typeof p) => r.violations.map((v) => `${v.policyName}: ${v.resourceName}: ${v.message}`);
                assert.deepEqual(text(p).filter((l) => !text(u).includes(l)), []);
                assert.deepEqual(p.rules.flatMap((r) => r.previewSkips), []);
            });
        });
    }
});
