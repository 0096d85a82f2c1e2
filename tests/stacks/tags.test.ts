import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { REQUIRED_TAG_KEYS } from "../../components/tags";
import { availableStacks, runStack } from "../../offline/engine";
import { CapturedResource, ResourceGraph } from "../../offline/graph";

const SDK_ROOT = path.dirname(require.resolve("@pulumi/aws/package.json"));
const taggableCache = new Map<string, boolean>();

/**
 * Whether the AWS provider accepts `tags` for a resource type, read from the provider SDK itself
 * (`aws:ec2/vpc:Vpc` -> @pulumi/aws/ec2/vpc.d.ts, `tags?:` in its Args).
 */
export function isTaggable(type: string): boolean {
    const m = /^aws:([^/]+)\/([^:]+):(\w+)$/.exec(type);
    if (!m) {
        return false;
    }
    if (!taggableCache.has(type)) {
        const file = path.join(SDK_ROOT, m[1], `${m[2]}.d.ts`);
        const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
        const args = text.slice(text.indexOf(`export interface ${m[3]}Args`));
        taggableCache.set(type, /\n\s+tags\?: pulumi\.Input</.test(args));
    }
    return taggableCache.get(type)!;
}

/** Tags AWS will apply: the provider's defaultTags under the resource's own. */
export function effectiveTags(graph: ResourceGraph, r: CapturedResource): Record<string, string> {
    const providerUrn = r.provider?.split("::").slice(0, -1).join("::");
    const provider = graph.resources.find((p) => p.urn === providerUrn);
    const defaults = provider?.inputs.defaultTags ? (JSON.parse(provider.inputs.defaultTags as string).tags as Record<string, string>) : {};
    return { ...defaults, ...((r.inputs.tags as Record<string, string>) ?? {}) };
}

describe("tags on every taggable resource", () => {
    it("recognises taggable types from the SDK", () => {
        assert.equal(isTaggable("aws:ec2/vpc:Vpc"), true);
        assert.equal(isTaggable("aws:ec2/routeTableAssociation:RouteTableAssociation"), false);
        assert.equal(isTaggable("aws:iam/rolePolicy:RolePolicy"), false);
        assert.equal(isTaggable("tls:index/privateKey:PrivateKey"), false);
    });

    // AWS resource types: each cloud adds its own check (its public-address and tag shapes differ).
    for (const stack of availableStacks().filter((s) => s.endsWith("-aws"))) {
        it(`${stack}: every taggable resource carries ${REQUIRED_TAG_KEYS.join(", ")} with the stack's values, and a Name`, async () => {
            const graph = await runStack(stack);
            const taggable = graph.resources.filter((r) => r.custom && isTaggable(r.type));
            assert.ok(taggable.length > 20, `found only ${taggable.length} taggable resources`);
            const [environment, cloud] = stack.split("-");
            for (const r of taggable) {
                const tags = effectiveTags(graph, r);
                for (const key of REQUIRED_TAG_KEYS) {
                    assert.ok(tags[key], `${r.type} ${r.name} lacks tag ${key}`);
                }
                assert.equal(tags.environment, environment, r.name);
                assert.equal(tags.cloud, cloud, r.name);
                assert.equal(tags["managed-by"], "pulumi", r.name);
                assert.ok(r.provider, `${r.type} ${r.name} uses the default provider, which has no defaultTags`);
            }
            for (const r of taggable) {
                assert.ok((r.inputs.tags as Record<string, string> | undefined)?.Name, `${r.type} ${r.name} has no Name tag`);
            }
        });
    }
});
