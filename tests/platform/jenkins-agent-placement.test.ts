/**
 * One contract across the two layers: the pod template the Jenkins VM's JCasC starts agents
 * with (platform layer, user data) tolerates exactly the workload pool's taints the cluster
 * hints give the in-cluster layer, and caps agents at the namespace quota's pods. A Spot pool
 * tainted by AKS or GKE with agents that do not tolerate it leaves every build Pending; a cap
 * above the quota makes the plugin's pods fail admission.
 */
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { parse } from "yaml";
import { jenkinsAgentsQuota } from "../../components/kubernetes/jenkins-agents";
import type { Environment } from "../../components/kubernetes/common";
import type { ResourceGraph } from "../../offline/graph";
import { graphOf } from "../support/graphs";

const STACKS = ["dev", "staging", "prod"].flatMap((env) => ["aws", "azure", "gcp"].map((cloud) => ({ env: env as Environment, cloud, stack: `${env}-${cloud}` })));

/** The Jenkins VM's cloud-config, however its cloud carries it. */
function jenkinsUserData(g: ResourceGraph, cloud: string): string {
    const vm = g.resources.find((r) => /jenkins-(instance|vm)$/.test(r.name) && /:(Instance|VirtualMachine)$/.test(r.type));
    assert.ok(vm, "the Jenkins VM");
    const inputs = vm.inputs as Record<string, any>;
    if (cloud === "gcp") return String(inputs.metadata["user-data"]);
    const raw = Buffer.from(String(cloud === "aws" ? inputs.userDataBase64 : inputs.osProfile.customData), "base64");
    return (raw[0] === 0x1f ? gunzipSync(raw) : raw).toString("utf8");
}

describe("platform: Jenkins agents placed where the cluster lets them run (both layers)", function () {
    this.timeout(600_000);
    const tolerating: string[] = [];
    for (const { env, cloud, stack } of STACKS) {
        it(`${stack}: the agents tolerate the workload pool's taints and number at most the namespace quota's pods`, async () => {
            const g = await graphOf(stack);
            const files = (parse(jenkinsUserData(g, cloud)) as { write_files: { path: string; content: string }[] }).write_files;
            const template = files.find((f) => f.path.endsWith("/jenkins-kubernetes-cloud.json"));
            assert.ok(template, "the cloud template is in the user data");
            const k = JSON.parse(template.content).jenkins.clouds[0].kubernetes;
            const spec = (parse(k.templates[0].yaml) as { spec: { tolerations?: unknown[]; automountServiceAccountToken: boolean } }).spec;
            const hints = (g.outputs.clusterHints ?? {}) as { workloadTolerations?: unknown[] };
            assert.deepEqual(spec.tolerations ?? [], hints.workloadTolerations ?? []);
            if (spec.tolerations?.length) tolerating.push(stack);
            assert.equal(spec.automountServiceAccountToken, false);
            assert.equal(k.containerCapStr, jenkinsAgentsQuota(env).pods);
        });
    }
    it("the check is not vacuous: some shipped stacks run agents on a tainted Spot pool", () => {
        assert.ok(tolerating.length > 0 && tolerating.length < STACKS.length, tolerating.join(" "));
    });
});
