import * as assert from "node:assert/strict";
import { availableStacks, runStack } from "../../offline/engine";
import { at, ResourceGraph } from "../../offline/graph";

/** Everything that can give a resource a public address, and who may have one. */
function publicAddresses(graph: ResourceGraph): string[] {
    const found: string[] = [];
    for (const r of graph.resources) {
        switch (r.type) {
            case "aws:ec2/eip:Eip":
                found.push(`eip:${at(r.inputs, "tags.role")}`);
                break;
            case "aws:ec2/instance:Instance":
                if (r.inputs.associatePublicIpAddress === true || r.state.publicIp) {
                    found.push(`instance:${r.name}`);
                }
                break;
            case "aws:ec2/subnet:Subnet":
                if (r.inputs.mapPublicIpOnLaunch === true) {
                    found.push(`subnet:${r.name}`);
                }
                break;
            case "aws:ec2/launchTemplate:LaunchTemplate":
                for (const ni of (r.inputs.networkInterfaces as Record<string, unknown>[] | undefined) ?? []) {
                    if (ni.associatePublicIpAddress === true || ni.associatePublicIpAddress === "true") {
                        found.push(`launch-template:${r.name}`);
                    }
                }
                break;
            default:
                break;
        }
    }
    return found;
}

describe("exposure: nothing but the bastion and NAT has a public address", () => {
    // AWS resource types: each cloud adds its own check (its public-address and tag shapes differ).
    for (const stack of availableStacks().filter((s) => s.endsWith("-aws"))) {
        it(stack, async () => {
            const graph = await runStack(stack);
            const found = publicAddresses(graph);
            const zones = (graph.outputs.zones as string[]).length;
            const nats = stack.startsWith("prod") ? zones : 1;
            assert.deepEqual(found.sort(), ["eip:bastion", ...Array<string>(nats).fill("eip:nat")].sort());
            const world = graph.resources.filter((r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" && (r.inputs.cidrIpv4 === "0.0.0.0/0" || r.inputs.cidrIpv6 === "::/0"));
            assert.deepEqual(world.map((r) => r.name), [], "no ingress from the world");
        });
    }
});
