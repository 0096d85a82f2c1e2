import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { availableStacks, captureGraph, loadStackConfig, runStack } from "../../offline/engine";
import { byName, childrenOf } from "../../offline/graph";

class Holder extends pulumi.ComponentResource {
    constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
        super("platform:test:Holder", name, {}, opts);
        this.registerOutputs({});
    }
}

describe("offline engine", () => {
    it("captures parents, explicit providers, dependencies, protect and secrets (pinned SDK internals still work)", async () => {
        const graph = await captureGraph(
            async () => {
                const holder = new Holder("holder");
                const provider = new aws.Provider("aws", { region: "eu-central-1" }, { parent: holder });
                const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" }, { parent: holder, provider, protect: true });
                const subnet = new aws.ec2.Subnet("subnet", { vpcId: vpc.id, cidrBlock: "10.0.1.0/24" }, { parent: holder, provider, retainOnDelete: true });
                new aws.ec2.Instance("vm", { subnetId: subnet.id, ami: "ami-1", instanceType: "t3.micro", userData: pulumi.secret("hush") }, { parent: holder, provider, dependsOn: [vpc], deleteBeforeReplace: true, replacementTrigger: vpc.id });
                return { vpcId: vpc.id, hidden: pulumi.secret("s3cr3t") };
            },
            { stack: "engine-test" },
        );
        const holder = byName(graph, "platform:test:Holder", "holder");
        assert.deepEqual(
            childrenOf(graph, holder.urn).map((r) => r.type).sort(),
            ["aws:ec2/instance:Instance", "aws:ec2/subnet:Subnet", "aws:ec2/vpc:Vpc", "pulumi:providers:aws"],
        );
        const vpc = byName(graph, "aws:ec2/vpc:Vpc", "vpc");
        const subnet = byName(graph, "aws:ec2/subnet:Subnet", "subnet");
        const vm = byName(graph, "aws:ec2/instance:Instance", "vm");
        assert.equal(vpc.protect, true);
        assert.equal(subnet.retainOnDelete, true);
        assert.equal(vm.deleteBeforeReplace, true, "deleteBeforeReplace travels in the registration request");
        assert.equal(subnet.deleteBeforeReplace, undefined);
        assert.equal(vm.replacementTrigger, vpc.id, "replacementTrigger travels in the registration request, resolved");
        assert.equal(subnet.replacementTrigger, undefined);
        assert.match(vpc.provider ?? "", /pulumi:providers:aws::aws::/);
        assert.match(vpc.id ?? "", /^vpc-[0-9a-f]{17}$/);
        assert.deepEqual(subnet.dependencies, [vpc.urn]);
        assert.deepEqual([...vm.dependencies].sort(), [subnet.urn, vpc.urn].sort());
        // Per-input dependencies travel in the request's property-dependency map (SDK internal).
        assert.deepEqual(subnet.propertyDependencies, { vpcId: [vpc.urn] });
        assert.deepEqual(vm.propertyDependencies, { subnetId: [subnet.urn] });
        assert.deepEqual(vm.secretPaths, ["userData"]);
        assert.equal(vm.inputs.userData, "hush", "inputs carry the unwrapped value for policies");
        assert.equal(vm.state.privateIp, "10.0.1.5", "private IPs come from the subnet's block");
        assert.equal(String(vpc.state.arn), `arn:aws:ec2:eu-central-1:123456789012:vpc/${vpc.id}`, "ARNs use the provider's region");
        assert.deepEqual(graph.secretOutputs, ["hidden"]);
        assert.equal(graph.outputs.vpcId, vpc.id);
    });

    it("fails loudly on an invoke it was not taught, instead of answering {}", async () => {
        await assert.rejects(
            captureGraph(async () => {
                const eips = await aws.ec2.getEips({});
                return { n: eips.allocationIds.length };
            }),
            /offline mocks: no answer for invoke "aws:ec2\/getEips:getEips"/,
        );
    });

    it("refuses an AMI lookup without an owner filter (image spoofing)", async () => {
        await assert.rejects(
            captureGraph(async () => ({ id: (await aws.ec2.getAmi({ mostRecent: true, filters: [{ name: "name", values: ["ubuntu*"] }] })).id })),
            /without `owners` is refused/,
        );
    });

    it("is deterministic: two runs of a stack produce identical graphs", async () => {
        const a = await runStack("dev-aws");
        const b = await runStack("dev-aws");
        assert.deepEqual(a, b);
    });

    it("loads a stack file into the CLI's flat map, structured values JSON-encoded", () => {
        const { config, secretKeys } = loadStackConfig("dev-aws");
        assert.equal(config["platform:cloud"], "aws");
        assert.deepEqual(JSON.parse(config["platform:bastion"]).allowedCidrs, ["203.0.113.0/24"]);
        assert.deepEqual(secretKeys, []);
    });

    it("applies overrides and removals over a stack file", () => {
        const { config } = loadStackConfig("dev-aws", { "platform:region": "us-east-1", tags: { team: "x" } });
        assert.equal(config["platform:region"], "us-east-1");
        assert.equal(config["platform:tags"], '{"team":"x"}');
    });

    it("names the available stacks when asked for an unknown one", () => {
        assert.throws(() => loadStackConfig("qa-aws"), new RegExp(`unknown stack "qa-aws": no stacks/Pulumi.qa-aws.yaml. Available stacks: ${availableStacks().join(", ")}`));
    });
});
