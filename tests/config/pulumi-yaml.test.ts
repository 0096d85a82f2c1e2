import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { parsePlatformConfig, rawFromPulumiConfig } from "../../components/config";
import { CONFIG_KEYS } from "../../components/config/schema";
import { availableStacks, loadStackConfig, PROJECT, ROOT } from "../../offline/engine";

const project = YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as {
    name: string;
    runtime: { name: string; options?: Record<string, unknown> };
    stackConfigDir: string;
    config: Record<string, { type?: string; description?: string; default?: unknown }>;
};

describe("Pulumi.yaml and the config schema stay in step", () => {
    it("declares the project, runtime and stack directory the engine uses", () => {
        assert.equal(project.name, PROJECT);
        assert.equal(project.runtime.name, "nodejs");
        assert.equal(project.stackConfigDir, "stacks");
    });

    it("declares exactly the schema's top-level keys", () => {
        assert.deepEqual(Object.keys(project.config).sort(), Object.keys(CONFIG_KEYS).sort());
    });

    for (const [key, info] of Object.entries(CONFIG_KEYS)) {
        it(`types "${key}" as the schema does (${info.pulumiType ?? "structured: no Pulumi type"}) with a description`, () => {
            const decl = project.config[key];
            assert.equal(decl.type, info.pulumiType);
            assert.ok(decl.description && decl.description.length > 20, "a useful description");
            assert.equal("default" in decl, info.hasDefault);
        });
    }

    it("uses only the types Pulumi.yaml supports", () => {
        for (const decl of Object.values(project.config)) {
            assert.ok(decl.type === undefined || ["string", "integer", "boolean", "array"].includes(decl.type));
        }
    });
});

describe("shipped stacks", () => {
    const stacks = availableStacks();

    it("ship dev, staging and prod for AWS", () => {
        assert.deepEqual(stacks.filter((s) => s.endsWith("-aws")), ["dev-aws", "prod-aws", "staging-aws"]);
    });

    for (const stack of stacks) {
        describe(stack, () => {
            const file = fs.readFileSync(path.join(ROOT, "stacks", `Pulumi.${stack}.yaml`), "utf8");
            const { config } = loadStackConfig(stack);

            it("sets every key Pulumi.yaml declares without a default (Pulumi refuses to run otherwise)", () => {
                for (const [key, info] of Object.entries(CONFIG_KEYS)) {
                    if (!info.hasDefault) {
                        assert.ok(`${PROJECT}:${key}` in config, `${stack} lacks ${PROJECT}:${key}`);
                    }
                }
            });

            it("uses only keys Pulumi.yaml declares (Pulumi refuses undeclared project keys)", () => {
                for (const key of Object.keys(config).filter((k) => k.startsWith(`${PROJECT}:`))) {
                    assert.ok(key.slice(PROJECT.length + 1) in project.config, `${key} is not declared in Pulumi.yaml`);
                }
            });

            it("validates, and its name matches its environment and cloud", () => {
                const c = parsePlatformConfig(rawFromPulumiConfig(config, PROJECT), { project: PROJECT, stack });
                assert.equal(`${c.environment}-${c.cloud}`, stack);
            });

            it("holds no secret and no world-open range", () => {
                assert.doesNotMatch(file, /secure:/);
                assert.doesNotMatch(file, /0\.0\.0\.0\/0|::\/0/);
            });
        });
    }
});
