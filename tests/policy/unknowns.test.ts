/**
 * Preview: inputs computed from other resources are unknown. Every rule must neither crash, nor
 * fall back to the SDK's "can't run policy during preview" advisory, nor report a violation
 * because a value it needs is unknown.
 *
 * Property: take the compliant stack, replace ONE input (a leaf or a whole subtree) of ONE
 * resource with the unknown sentinel, run the whole pack: zero violations, zero preview skips.
 * Every path of every resource is tried.
 */
import assert from "node:assert/strict";
import type { ResourceGraph } from "../../offline/graph";
import { runPolicies } from "../../offline/policy";
import { policies } from "../../policy-pack/policies";
import { goodStack, UNKNOWN } from "./fixtures";

const ALL_MANDATORY = Object.fromEntries(policies.map((p) => [p.name, { enforcementLevel: "mandatory" as const }]));

/** Every dotted path into a value: objects, arrays and leaves. */
function paths(value: unknown, prefix: string[] = []): string[][] {
    const out: string[][] = [];
    if (value && typeof value === "object") {
        for (const [k, v] of Object.entries(value)) {
            const p = [...prefix, k];
            out.push(p, ...paths(v, p));
        }
    }
    return out;
}

function withUnknown(graph: ResourceGraph, index: number, path: string[]): ResourceGraph {
    const copy = JSON.parse(JSON.stringify(graph)) as ResourceGraph & { resources: { inputs: Record<string, unknown> }[] };
    let cur: any = copy.resources[index]?.inputs;
    for (const part of path.slice(0, -1)) {
        cur = cur[part];
    }
    cur[path[path.length - 1] as string] = UNKNOWN;
    return copy;
}

describe("policy rules under unknown (preview) values", () => {
    it("the compliant stack passes the whole pack", () => {
        const report = runPolicies(goodStack(), { environment: "prod", config: ALL_MANDATORY });
        assert.deepEqual(report.violations, []);
    });

    it("replacing any single input of any resource with an unknown gives no violation, skip or crash", function () {
        this.timeout(600_000); // thousands of pack runs: minutes on a loaded machine
        const graph = goodStack();
        let tried = 0;
        const failures: string[] = [];
        graph.resources.forEach((r, index) => {
            for (const path of paths(r.inputs)) {
                // JSON-encoded provider config is one string: the whole value becomes unknown.
                const report = runPolicies(withUnknown(graph, index, path), { environment: "prod", config: ALL_MANDATORY });
                tried++;
                for (const v of report.violations) {
                    failures.push(`${r.name}.${path.join(".")} unknown -> ${v.policyName}: ${v.message}`);
                }
                for (const rule of report.rules) {
                    for (const s of rule.previewSkips) {
                        failures.push(`${r.name}.${path.join(".")} unknown -> ${s.message}`);
                    }
                }
            }
        });
        assert.ok(tried > 150, `only ${tried} paths tried`);
        assert.deepEqual(failures, []);
    });

    it("whole-object unknowns (an entire resource's inputs) are safe too", () => {
        const graph = goodStack();
        graph.resources.forEach((r, index) => {
            for (const key of Object.keys(r.inputs)) {
                const report = runPolicies(withUnknown(graph, index, [key]), { environment: "prod", config: ALL_MANDATORY });
                assert.deepEqual(report.violations, [], `${r.name}.${key}`);
            }
        });
    });

    it("the runner turns a rule's read of an unknown into the SDK's advisory preview skip", () => {
        const graph = goodStack();
        const naive = {
            ...policies[0]!,
            name: "test-naive-reader",
            kind: "resource" as const,
            validateResource: (args: { props: Record<string, unknown> }) => {
                void args.props.kmsKeyId;
            },
        };
        const index = graph.resources.findIndex((r) => r.name === "flow-logs");
        const report = runPolicies(withUnknown(graph, index, ["kmsKeyId"]), { environment: "prod", policies: [naive as never], config: {} });
        const skips = report.rules[0]?.previewSkips.map((s) => s.message);
        assert.deepEqual(skips, ["can't run policy 'test-naive-reader' during preview: string value at .kmsKeyId can't be known during preview"]);
        assert.deepEqual(report.violations, []);
    });
});
