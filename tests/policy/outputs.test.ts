/**
 * The engine's view for stack rules (offline/outputs.ts): which properties a first preview sends
 * unknown, per provider family, and which properties exist at all. Checked against the provider
 * SDKs' own generated JavaScript (an independent marker: the constructor assigns every
 * output-only property `undefined /*out*\/`) and against concrete facts of the shipped graphs.
 */
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import type { CapturedResource, ResourceGraph } from "../../offline/graph";
import { outputShapeOf, stackPropsOf, UNKNOWN_VALUE } from "../../offline/outputs";
import { graphOf, inClusterGraphOf } from "../support/graphs";

const STACKS = ["dev-aws", "dev-azure", "dev-gcp", "prod-aws", "prod-azure", "prod-gcp", "staging-aws", "staging-azure", "staging-gcp"];

/** Custom resources the stacks register whose types no SDK class declares (CustomResource kinds). */
const CRD_KINDS = [
    "kubernetes:argoproj.io/v1alpha1:AppProject",
    // The chart's `default` AppProject, locked by a forced patch (issue 21).
    "kubernetes:argoproj.io/v1alpha1:AppProjectPatch",
    "kubernetes:argoproj.io/v1alpha1:Application",
    // Prometheus -> nodes on Cilium clusters (AKS, GKE Dataplane V2).
    "kubernetes:cilium.io/v2:CiliumClusterwideNetworkPolicy",
    // (No SeldonDeployment: the shipped stacks keep the demo model off until its artifact is pinned.)
    "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
];

const SDK_DIRS: Record<string, string> = {
    aws: "@pulumi/aws",
    gcp: "@pulumi/gcp",
    "azure-native": "@pulumi/azure-native",
    random: "@pulumi/random",
    tls: "@pulumi/tls",
    time: "@pulumiverse/time",
};

/** The properties a generated class's constructor marks output-only, read from its .js file. */
function outOnlyProps(type: string): string[] {
    const pkg = SDK_DIRS[type.split(":")[0] ?? ""];
    if (!pkg) {
        return [];
    }
    const dir = path.dirname(require.resolve(`${pkg}/package.json`));
    const marker = `__pulumiType = '${type}'`;
    const walk = (d: string): string | undefined => {
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
            const f = path.join(d, e.name);
            if (e.isDirectory() && e.name !== "node_modules" && e.name !== "types") {
                const hit = walk(f);
                if (hit) {
                    return hit;
                }
            } else if (e.name.endsWith(".js") && fs.readFileSync(f, "utf8").includes(marker)) {
                return f;
            }
        }
        return undefined;
    };
    const [, mod = ""] = type.split(":");
    const start = path.join(dir, mod.split("/")[0] === "index" ? "" : (mod.split("/")[0] ?? ""));
    const file = walk(fs.existsSync(start) ? start : dir);
    assert.ok(file, `no SDK file declares ${type}`);
    const src = fs.readFileSync(file, "utf8");
    // azure-native lists every output `/*out*/` again in its `opts.id` (read) branch: output-only
    // means marked `/*out*/` and never taken from the args.
    const fromArgs = new Set([...src.matchAll(/resourceInputs\["([A-Za-z0-9_]+)"\] = (?:\(?args|args\?)/g)].map((m) => m[1] as string));
    return [...src.matchAll(/resourceInputs\["([A-Za-z0-9_]+)"\] = undefined \/\*out\*\//g)].map((m) => m[1] as string).filter((p) => !fromArgs.has(p));
}

function byType(graph: ResourceGraph, type: string): CapturedResource {
    const r = graph.resources.find((x) => x.type === type);
    assert.ok(r, `no ${type} in ${graph.stack}`);
    return r;
}

describe("stack views: what the engine sends stack policies (offline/outputs.ts)", function () {
    this.timeout(180_000);
    const graphs: Record<string, ResourceGraph> = {};
    const inCluster: Record<string, ResourceGraph> = {};
    before(async () => {
        for (const s of STACKS) {
            graphs[s] = await graphOf(s);
            inCluster[s] = await inClusterGraphOf(s);
        }
    });

    it("every custom resource type the stacks register has an SDK output shape, except the CustomResource kinds", () => {
        const missing = new Set<string>();
        for (const g of [...Object.values(graphs), ...Object.values(inCluster)]) {
            for (const r of g.resources) {
                if (r.custom && !r.type.startsWith("pulumi:") && !outputShapeOf(r.type)) {
                    missing.add(r.type);
                }
            }
        }
        assert.deepEqual([...missing].sort(), CRD_KINDS);
    });

    it("Terraform-bridged types: every output-only property (SDK constructor `/*out*/`) is provider-computed, so unknown on create", () => {
        const checked = new Set<string>();
        for (const g of Object.values(graphs)) {
            for (const r of g.resources) {
                const cloud = r.type.split(":")[0] ?? "";
                if (!r.custom || !["aws", "gcp", "random", "tls"].includes(cloud) || checked.has(r.type)) {
                    continue;
                }
                checked.add(r.type);
                const shape = outputShapeOf(r.type);
                const create = stackPropsOf(r, "create");
                for (const prop of outOnlyProps(r.type)) {
                    assert.equal(shape?.get(prop)?.always, true, `${r.type}.${prop} is output-only but typed optional`);
                    assert.equal(create[prop], UNKNOWN_VALUE, `${r.type}.${prop} on create`);
                }
            }
        }
        assert.ok(checked.size > 60, `${checked.size} types checked`);
    });

    it("azure-native: every response property the inputs do not give is unknown on create, input-only properties are gone", () => {
        const nic = graphs["dev-azure"]!.resources.find(
            (r) => r.type === "azure-native:network:NetworkInterface" && !(r.inputs.ipConfigurations as Record<string, unknown>[])[0]?.publicIPAddress,
        );
        assert.ok(nic, "a NIC without a public IP");
        const create = stackPropsOf(nic, "create");
        for (const prop of outOnlyProps(nic.type)) {
            assert.equal(create[prop], UNKNOWN_VALUE, prop);
        }
        assert.equal("resourceGroupName" in create, false);
        assert.equal("networkInterfaceName" in create, false);
        assert.equal(create.enableIPForwarding, nic.inputs.enableIPForwarding);
        // PreviewOutputs recurses into the objects the inputs give: unset nested fields are unknown.
        const ipc = (create.ipConfigurations as Record<string, unknown>[])[0]!;
        assert.equal(ipc.publicIPAddress, UNKNOWN_VALUE);
        assert.equal(ipc.provisioningState, UNKNOWN_VALUE);
        const update = stackPropsOf(nic, "update");
        assert.equal("resourceGroupName" in update, false);
        assert.deepEqual(update.ipConfigurations, nic.state.ipConfigurations);
    });

    it("aws: a computed attribute the program leaves unset is unknown on create, an optional one stays absent, nested blocks too", () => {
        const jenkins = graphs["dev-aws"]!.resources.find((r) => r.type === "aws:ec2/instance:Instance" && r.name.startsWith("jenkins"));
        assert.ok(jenkins);
        const create = stackPropsOf(jenkins, "create");
        assert.equal(create.instanceType, jenkins.inputs.instanceType);
        assert.equal(create.publicIp, UNKNOWN_VALUE);
        assert.equal("hibernation" in create, false, "hibernation is Output<boolean | undefined>: optional, never computed");
        const root = create.rootBlockDevice as Record<string, unknown>;
        assert.equal(root.encrypted, true);
        assert.equal(root.volumeId, UNKNOWN_VALUE);
        const selection = byType(graphs["dev-aws"]!, "aws:backup/selection:Selection");
        const sel = stackPropsOf({ ...selection, inputs: { ...selection.inputs, conditions: undefined } } as CapturedResource, "create");
        assert.equal(sel.conditions, UNKNOWN_VALUE, "aws_backup_selection condition is Optional+Computed");
        // The selection names its resources itself (this account's instances and volumes), so the view carries them.
        assert.deepEqual(stackPropsOf(selection, "create").resources, selection.inputs.resources);
        const { id: _id, ...state } = jenkins.state as Record<string, unknown>;
        void _id;
        assert.deepEqual(stackPropsOf(jenkins, "update"), state);
    });

    it("kubernetes objects and providers: the inputs as given (no server-side dry run on a first preview)", () => {
        let n = 0;
        for (const g of [graphs["dev-aws"]!, inCluster["dev-aws"]!, inCluster["dev-gcp"]!]) {
            for (const r of g.resources.filter((x) => x.type.startsWith("kubernetes:") || x.type.startsWith("pulumi:providers:"))) {
                n++;
                assert.deepEqual(stackPropsOf(r, "create"), r.inputs, `${r.type} ${r.name}`);
            }
        }
        assert.ok(n > 100, `${n} objects`);
    });

    it("the inputs view is the inputs, for every resource", () => {
        for (const r of graphs["dev-azure"]!.resources) {
            assert.deepEqual(stackPropsOf(r, "inputs"), r.inputs);
        }
    });
});
