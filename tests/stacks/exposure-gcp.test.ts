/**
 * GCP: nothing but the bastion and Cloud NAT has a public address, and no firewall admits the
 * world. (AWS has its own check in exposure.test.ts: the public-address shapes differ.)
 */
import * as assert from "node:assert/strict";
import { isPrivate } from "../../policy-pack/lib/network";
import { availableStacks, runStack } from "../../offline/engine";
import { at, ResourceGraph } from "../../offline/graph";

/** Everything that can give a GCP resource a public address, and whose it is (role label). */
export function gcpPublicAddresses(graph: ResourceGraph): string[] {
    const found: string[] = [];
    for (const r of graph.resources) {
        switch (r.type) {
            case "gcp:compute/address:Address":
                // addressType defaults to EXTERNAL.
                if (r.inputs.addressType !== "INTERNAL") {
                    found.push(`address:${String(at(r.inputs, "labels.role"))}`);
                }
                break;
            case "gcp:compute/instance:Instance":
                for (const ni of (r.inputs.networkInterfaces as Record<string, unknown>[] | undefined) ?? []) {
                    if (((ni.accessConfigs as unknown[] | undefined) ?? []).length > 0) {
                        found.push(`instance:${String(at(r.inputs, "labels.role"))}`);
                    }
                }
                break;
            case "gcp:container/cluster:Cluster":
                if (at(r.inputs, "privateClusterConfig.enablePrivateNodes") !== true) {
                    found.push(`cluster-nodes:${r.name}`);
                }
                break;
            case "gcp:container/nodePool:NodePool":
                if (at(r.inputs, "networkConfig.enablePrivateNodes") === false) {
                    found.push(`node-pool:${r.name}`);
                }
                break;
            default:
                break;
        }
    }
    return found;
}

describe("exposure (gcp): nothing but the bastion and Cloud NAT has a public address", () => {
    for (const stack of availableStacks().filter((s) => s.endsWith("-gcp"))) {
        it(stack, async () => {
            const graph = await runStack(stack);
            const zones = (graph.outputs.zones as string[]).length;
            const natAddresses = stack.startsWith("prod") ? zones : 1;
            assert.deepEqual(gcpPublicAddresses(graph).sort(), ["address:bastion", "instance:bastion", ...Array<string>(natAddresses).fill("address:nat")].sort());
            const allows = graph.resources.filter((r) => r.type === "gcp:compute/firewall:Firewall" && r.inputs.direction === "INGRESS" && r.inputs.allows);
            const publicSources = allows.flatMap((r) => ((r.inputs.sourceRanges as string[] | undefined) ?? []).filter((c) => !isPrivate(c)).map((c) => `${r.name}:${c}`));
            // The operators' allowlist, and IAP's forwarding range (Google-owned; every connection
            // authenticated by IAM before it reaches port 22): the route CI takes, automation/routes.ts.
            assert.deepEqual(publicSources, ["firewall-in-bastion-ssh-from-operators:203.0.113.0/24", "firewall-in-bastion-ssh-from-operators:35.235.240.0/20"], "only the bastion's SSH admits internet sources");
            for (const r of allows) {
                assert.ok(
                    ((r.inputs.sourceRanges as string[] | undefined) ?? []).length > 0 || ((r.inputs.sourceServiceAccounts as string[] | undefined) ?? []).length > 0,
                    `${r.name} names its sources (GCP would default to 0.0.0.0/0)`,
                );
            }
        });
    }
});
