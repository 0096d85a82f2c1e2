/**
 * The in-cluster layer of every shipped environment (its own stack, incluster/stacks) through
 * the whole pack with its environment's enforcement, in update and preview mode: zero mandatory
 * violations, and the Kubernetes rules judge real objects (not vacuous).
 */
import assert from "node:assert/strict";
import { availableStacks, runInClusterStack } from "../../offline/engine";
import type { ResourceGraph } from "../../offline/graph";
import { Environment, formatPolicyReport, runPolicies } from "../../offline/policy";
import { HELM_TYPES, WORKLOAD_TYPES } from "../../policy-pack/lib/workloads";
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

            it("the workload rules read every Helm release, Patch and SeldonDeployment it declares", () => {
                const report = runPolicies(update, { environment });
                const workloads = update.resources.filter((r) => WORKLOAD_TYPES.includes(r.type) || HELM_TYPES.includes(r.type));
                for (const rule of report.rules.filter((r) => r.name.startsWith("kubernetes-apps-workload-"))) {
                    assert.equal(rule.evaluated, workloads.length, `${rule.name} judged ${rule.evaluated} of ${workloads.length} workloads`);
                }
                // argo-cd, kube-prometheus-stack, seldon-core-operator, and the demo SeldonDeployment where enabled.
                assert.ok(workloads.filter((r) => HELM_TYPES.includes(r.type)).length >= 3, workloads.map((r) => r.name).join(", "));
            });

            it("with stack rules on the engine's outputs (first preview, and after an update): no mandatory violation, no skip, the same verdicts as on inputs", async () => {
                const preview = await runInClusterStack(stack, platform, { preview: true });
                for (const [graph, view] of [
                    [preview, "create"],
                    [update, "update"],
                ] as const) {
                    const onOutputs = runPolicies(graph, { environment, stackView: view });
                    const onInputs = runPolicies(graph, { environment });
                    const text = (r: typeof onInputs) => r.violations.map((v) => `${v.policyName}: ${v.resourceName}: ${v.message}`);
                    assert.deepEqual(onOutputs.violations.filter((v) => v.enforcementLevel === "mandatory"), [], formatPolicyReport(onOutputs));
                    assert.deepEqual(onOutputs.rules.flatMap((r) => r.previewSkips), []);
                    assert.deepEqual(text(onOutputs), text(onInputs));
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
