import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { parsePlatformConfig, rawFromPulumiConfig } from "../../components/config";
import { INCLUSTER_CONFIG_KEYS, parseInClusterConfig } from "../../components/config/incluster";
import { CONFIG_KEYS, ConfigKeyInfo } from "../../components/config/schema";
import { availableStacks, INCLUSTER_PROJECT, LAYERS, loadStackConfig, ORGANIZATION, PROJECT, ROOT } from "../../offline/engine";

interface ProjectFile {
    name: string;
    main?: string;
    runtime: { name: string; options?: Record<string, unknown> };
    stackConfigDir: string;
    config: Record<string, { type?: string; description?: string; default?: unknown }>;
}

const PROJECTS: { file: string; name: string; keys: Readonly<Record<string, ConfigKeyInfo>> }[] = [
    { file: "Pulumi.yaml", name: PROJECT, keys: CONFIG_KEYS },
    { file: "incluster/Pulumi.yaml", name: INCLUSTER_PROJECT, keys: INCLUSTER_CONFIG_KEYS },
];

for (const p of PROJECTS) {
    const project = YAML.parse(fs.readFileSync(path.join(ROOT, p.file), "utf8")) as ProjectFile;
    describe(`${p.file} and the config schema stay in step`, () => {
        it("declares the project, runtime and stack directory the engine uses", () => {
            assert.equal(project.name, p.name);
            assert.equal(project.runtime.name, "nodejs");
            assert.equal(project.stackConfigDir, "stacks");
        });

        it("declares exactly the schema's top-level keys", () => {
            assert.deepEqual(Object.keys(project.config).sort(), Object.keys(p.keys).sort());
        });

        for (const [key, info] of Object.entries(p.keys)) {
            it(`types "${key}" as the schema does (${info.pulumiType}) with a description`, () => {
                const decl = project.config[key];
                assert.equal(decl.type, info.pulumiType);
                assert.ok(decl.description && decl.description.length > 20, "a useful description");
                assert.equal("default" in decl, info.hasDefault);
            });
        }

        it("types every key with a type the CLI supports (project.json: string, integer, boolean, array, object since v3.187)", () => {
            for (const decl of Object.values(project.config)) {
                assert.ok(decl.type !== undefined && ["string", "integer", "boolean", "array", "object"].includes(decl.type));
            }
        });
    });
}

describe("incluster/Pulumi.yaml runs its own program", () => {
    const project = YAML.parse(fs.readFileSync(path.join(ROOT, "incluster", "Pulumi.yaml"), "utf8")) as ProjectFile;
    it("names its entry (the root package.json's main is the platform program, which the Node runtime would run otherwise)", () => {
        assert.equal(project.main, "index.ts");
        assert.ok(fs.existsSync(path.join(ROOT, "incluster", "index.ts")));
        const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { main: string };
        assert.equal(pkg.main, "index.ts", "the platform project keeps the root entry");
    });

    it("has a tsconfig of its own (the runtime reads tsconfig.json from the project directory): transpile-only with swc", () => {
        const text = fs.readFileSync(path.join(ROOT, "incluster", "tsconfig.json"), "utf8");
        assert.match(text, /"extends": "\.\.\/tsconfig\.json"/);
    });
});

describe("in-cluster stacks: one per platform stack, same name", () => {
    const platformStacks = availableStacks();
    const inclusterStacks = fs
        .readdirSync(LAYERS.incluster.stacksDir)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => !!s)
        .sort();

    it("pairs every platform stack with an in-cluster stack and nothing else", () => {
        assert.deepEqual(inclusterStacks, platformStacks);
    });

    for (const stack of inclusterStacks) {
        it(`${stack}: validates, names its environment like the platform stack, holds no secret, no phase flag`, () => {
            const { config } = loadStackConfig(stack, {}, "incluster");
            const c = parseInClusterConfig(rawFromPulumiConfig(config, INCLUSTER_PROJECT, INCLUSTER_CONFIG_KEYS, ["platformStack", "slackWebhookUrl"]), {
                project: INCLUSTER_PROJECT,
                stack,
                organization: ORGANIZATION,
                env: {},
            });
            assert.equal(c.environment, stack.split("-")[0]);
            assert.equal(c.platformStack, `${ORGANIZATION}/${PROJECT}/${stack}`);
            const file = fs.readFileSync(path.join(LAYERS.incluster.stacksDir, `Pulumi.${stack}.yaml`), "utf8");
            assert.doesNotMatch(file, /secure:/);
            assert.doesNotMatch(file, /addonsEnabled|kubeProxyUrl|proxy-url/);
        });
    }
});

describe("shipped stacks", () => {
    const stacks = availableStacks();
    const project = YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as ProjectFile;

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

            it("uses only keys Pulumi.yaml declares (the CLI would pass an undeclared key through; the project schema refuses it)", () => {
                for (const key of Object.keys(config).filter((k) => k.startsWith(`${PROJECT}:`))) {
                    assert.ok(key.slice(PROJECT.length + 1) in project.config, `${key} is not declared in Pulumi.yaml`);
                }
            });

            it("validates, and its name matches its environment and cloud", () => {
                const c = parsePlatformConfig(rawFromPulumiConfig(config, PROJECT), { project: PROJECT, stack });
                assert.equal(`${c.environment}-${c.cloud}`, stack);
            });

            it("holds no secret, no world-open range and no phase flag (the in-cluster layer is its own stack)", () => {
                assert.doesNotMatch(file, /secure:/);
                assert.doesNotMatch(file, /0\.0\.0\.0\/0|::\/0/);
                assert.doesNotMatch(file, /addonsEnabled|kubeProxyUrl|platform:addons/);
            });
        });
    }
});
