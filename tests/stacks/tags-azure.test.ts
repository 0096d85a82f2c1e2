/**
 * Azure: every taggable resource carries the required tags with the stack's values and a Name.
 * azure-native has no provider default tags, so each resource's own `tags` must hold them all.
 * Taggable = its Args take `tags`, read from the @pulumi/azure-native SDK itself.
 */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { REQUIRED_TAG_KEYS } from "../../components/tags";
import { availableStacks, runStack } from "../../offline/engine";
import { AZURE_TAGGABLE } from "../../policy-pack/lib/azure";

const SDK_ROOT = path.dirname(require.resolve("@pulumi/azure-native/package.json"));
const cache = new Map<string, boolean>();

/** Whether an azure-native type's Args take `tags` (`azure-native:network:VirtualNetwork` -> network/virtualNetwork.d.ts). */
export function isAzureTaggable(type: string): boolean {
    const m = /^azure-native:([^:]+):(\w+)$/.exec(type);
    if (!m) {
        return false;
    }
    if (!cache.has(type)) {
        const file = path.join(SDK_ROOT, m[1], `${m[2][0].toLowerCase()}${m[2].slice(1)}.d.ts`);
        const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
        const start = text.indexOf(`export interface ${m[2]}Args {`);
        if (start < 0) {
            throw new Error(`no ${m[2]}Args in ${file}: cannot tell whether ${type} is taggable`);
        }
        const args = text.slice(start, text.indexOf("\n}", start));
        cache.set(type, /\n\s+tags\?: pulumi\.Input</.test(args));
    }
    return cache.get(type)!;
}

describe("tags (azure) on every taggable resource", () => {
    it("recognises taggable types from the SDK", () => {
        assert.equal(isAzureTaggable("azure-native:network:VirtualNetwork"), true);
        assert.equal(isAzureTaggable("azure-native:compute:VirtualMachine"), true);
        assert.equal(isAzureTaggable("azure-native:network:Subnet"), false);
        assert.equal(isAzureTaggable("azure-native:authorization:RoleAssignment"), false);
        assert.equal(isAzureTaggable("azure-native:storage:BlobContainer"), false);
    });

    const stacks = availableStacks().filter((s) => s.endsWith("-azure"));
    for (const stack of stacks) {
        it(`${stack}: every taggable resource carries ${REQUIRED_TAG_KEYS.join(", ")} with the stack's values, and a Name`, async () => {
            const graph = await runStack(stack);
            const azure = graph.resources.filter((r) => r.custom && r.type.startsWith("azure-native:"));
            const taggable = azure.filter((r) => isAzureTaggable(r.type));
            assert.ok(taggable.length >= 30, `found only ${taggable.length} taggable resources`);
            const [environment, cloud] = stack.split("-");
            for (const r of taggable) {
                const tags = (r.inputs.tags as Record<string, string> | undefined) ?? {};
                for (const key of REQUIRED_TAG_KEYS) {
                    assert.ok(tags[key], `${r.type} ${r.name} lacks tag ${key}`);
                }
                assert.equal(tags.environment, environment, r.name);
                assert.equal(tags.cloud, cloud, r.name);
                assert.equal(tags["managed-by"], "pulumi", r.name);
                assert.equal(tags.repository, "platform-blueprint", `${r.name}: the stack's extra tags too`);
                assert.ok(tags.Name, `${r.type} ${r.name} has no Name tag`);
                assert.ok(r.provider?.includes("pulumi:providers:azure-native::azure-native"), `${r.type} ${r.name} is not on the stack's azure-native provider`);
            }
            // The policy pack's table knows every taggable type the stacks use.
            const missing = [...new Set(taggable.map((r) => r.type))].filter((t) => !AZURE_TAGGABLE.includes(t));
            assert.deepEqual(missing, [], "add these to AZURE_TAGGABLE in policy-pack/lib/azure.ts");
        });
    }
});
