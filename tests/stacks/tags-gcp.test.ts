/**
 * GCP: every labelable resource carries the required labels (provider defaultLabels merged with
 * its own), and every label is one GCP accepts. Labelable = its Args take `labels` (or, for GKE
 * clusters, `resourceLabels`), read from the @pulumi/gcp SDK itself.
 */
import * as assert from "node:assert/strict";
import { REQUIRED_TAG_KEYS } from "../../components/tags";
import { availableStacks, runStack } from "../../offline/engine";
import { CapturedResource, ResourceGraph } from "../../offline/graph";
import { labelsKeyOf } from "../gcp/fixtures";

/** Labels GCP applies: the provider's defaultLabels under the resource's own. */
export function effectiveLabels(graph: ResourceGraph, r: CapturedResource): Record<string, string> {
    const providerUrn = r.provider?.split("::").slice(0, -1).join("::");
    const provider = graph.resources.find((p) => p.urn === providerUrn);
    const defaults = provider?.inputs.defaultLabels ? (JSON.parse(provider.inputs.defaultLabels as string) as Record<string, string>) : {};
    return { ...defaults, ...((r.inputs[labelsKeyOf(r.type) ?? "labels"] as Record<string, string>) ?? {}) };
}

describe("labels (gcp) on every labelable resource", () => {
    it("recognises labelable types from the SDK", () => {
        assert.equal(labelsKeyOf("gcp:compute/instance:Instance"), "labels");
        assert.equal(labelsKeyOf("gcp:container/cluster:Cluster"), "resourceLabels");
        assert.equal(labelsKeyOf("gcp:compute/firewall:Firewall"), undefined);
        assert.equal(labelsKeyOf("gcp:serviceaccount/account:Account"), undefined);
    });

    for (const stack of availableStacks().filter((s) => s.endsWith("-gcp"))) {
        it(`${stack}: every labelable resource carries ${REQUIRED_TAG_KEYS.join(", ")} with the stack's values, a name, and only valid labels`, async () => {
            const graph = await runStack(stack);
            const gcpResources = graph.resources.filter((r) => r.custom && r.type.startsWith("gcp:"));
            const labelable = gcpResources.filter((r) => labelsKeyOf(r.type) !== undefined);
            assert.ok(labelable.length >= 15, `found only ${labelable.length} labelable resources`);
            const [environment, cloud] = stack.split("-");
            for (const r of labelable) {
                const labels = effectiveLabels(graph, r);
                for (const key of REQUIRED_TAG_KEYS) {
                    assert.ok(labels[key], `${r.type} ${r.name} lacks label ${key}`);
                }
                assert.equal(labels.environment, environment, r.name);
                assert.equal(labels.cloud, cloud, r.name);
                assert.equal(labels["managed-by"], "pulumi", r.name);
                assert.ok(labels.name, `${r.type} ${r.name} has no name label`);
                for (const [k, v] of Object.entries(labels)) {
                    assert.match(k, /^[a-z][a-z0-9_-]{0,62}$/, `${r.name}: label key ${k}`);
                    assert.match(v, /^[a-z0-9_-]{0,63}$/, `${r.name}: label ${k}=${v}`);
                }
            }
            for (const r of gcpResources) {
                assert.ok(r.provider?.includes("pulumi:providers:gcp::gcp::"), `${r.type} ${r.name} must use the stack's gcp provider (project, region, defaultLabels)`);
            }
        });
    }
});
