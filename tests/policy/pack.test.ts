/**
 * The pack as a package: loadable by the Pulumi CLI (PulumiPolicy.yaml, version, entry),
 * rules named and described uniformly, one per file, and the per-environment enforcement files
 * valid against every rule's configSchema and true to the category table.
 */
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import YAML from "yaml";
import type { EnforcementLevel } from "@pulumi/policy";
import { policies } from "../../policy-pack/policies";
import type { Category } from "../../policy-pack/lib/policy";

const PACK = path.resolve(__dirname, "..", "..", "policy-pack");
const ENVIRONMENTS = ["dev", "staging", "prod"] as const;

/** The enforcement table the config files must follow (see lib/policy.ts `Category`). */
const EXPECTED: Readonly<Record<Category, Readonly<Record<(typeof ENVIRONMENTS)[number], EnforcementLevel>>>> = {
    security: { dev: "mandatory", staging: "mandatory", prod: "mandatory" },
    governance: { dev: "mandatory", staging: "mandatory", prod: "mandatory" },
    gitops: { dev: "advisory", staging: "mandatory", prod: "mandatory" },
    cost: { dev: "advisory", staging: "advisory", prod: "mandatory" },
    resilience: { dev: "advisory", staging: "advisory", prod: "mandatory" },
};

const NAME = /^(all|aws|azure|gcp|kubernetes)-[a-z0-9]+-[a-z0-9]+-(disallow|require|restrict|enforce)-[a-z0-9]+(-[a-z0-9]+)*$/;

function ruleFiles(): string[] {
    const out: string[] = [];
    for (const cloud of fs.readdirSync(path.join(PACK, "rules"))) {
        for (const f of fs.readdirSync(path.join(PACK, "rules", cloud))) {
            out.push(path.join(cloud, f));
        }
    }
    return out.sort();
}

describe("policy pack: package and metadata", () => {
    it("is an npm package with a version and a nodejs PulumiPolicy.yaml", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(PACK, "package.json"), "utf8")) as { version?: string; main?: string; dependencies?: Record<string, string> };
        assert.match(pkg.version ?? "", /^\d+\.\d+\.\d+$/);
        assert.equal(pkg.main, "index.ts");
        assert.equal(pkg.dependencies?.["@pulumi/policy"], "1.21.0");
        const root = JSON.parse(fs.readFileSync(path.join(PACK, "..", "package.json"), "utf8")) as { workspaces?: string[] };
        assert.ok(root.workspaces?.includes("policy-pack"));
        const manifest = YAML.parse(fs.readFileSync(path.join(PACK, "PulumiPolicy.yaml"), "utf8")) as { runtime?: string };
        assert.equal(manifest.runtime, "nodejs");
        assert.ok(fs.existsSync(path.join(PACK, "tsconfig.json")), "the CLI's ts-node uses the pack's own tsconfig");
    });

    it("carries its own TypeScript runtime, so a published copy compiles after a plain npm install", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(PACK, "package.json"), "utf8")) as { dependencies?: Record<string, string>; files?: string[] };
        // run-policy-pack falls back to its vendored TypeScript 3.8 / ts-node 7 when none resolves.
        for (const dep of ["typescript", "ts-node", "@types/node", "@pulumi/policy", "@pulumi/pulumi", "@pulumi/aws"]) {
            assert.match(pkg.dependencies?.[dep] ?? "", /^\d+\.\d+\.\d+$/, `${dep} is an exact runtime dependency`);
        }
        for (const f of ["index.ts", "policies.ts", "lib/**/*.ts", "rules/**/*.ts", "tsconfig.json", "PulumiPolicy.yaml"]) {
            assert.ok(pkg.files?.includes(f), `files lists ${f}`);
        }
        const rootPkg = JSON.parse(fs.readFileSync(path.join(PACK, "..", "package.json"), "utf8")) as { devDependencies: Record<string, string> };
        assert.equal(pkg.dependencies?.typescript, rootPkg.devDependencies.typescript?.replace(/^~/, ""), "one TypeScript for the repository and the pack");
    });

    it("the README says which rules can stop an up (resource rules) and names every stack rule", () => {
        const readme = fs.readFileSync(path.join(PACK, "..", "README.md"), "utf8");
        const section = readme.slice(readme.indexOf("### Policy pack: what can stop an `up`"), readme.indexOf("### Azure"));
        const stack = policies.filter((p) => p.kind === "stack").map((p) => p.name);
        assert.ok(section.includes(`(\`policy-pack/\`, ${policies.length} rules)`), "rule count");
        assert.ok(section.includes(`**Resource rules** (${policies.length - stack.length} of them)`), "resource rule count");
        assert.ok(section.includes(`**Stack rules** (${stack.length})`), "stack rule count");
        const named = [...section.matchAll(/\b((?:all|aws|azure|gcp|kubernetes)-[a-z0-9-]+-(?:disallow|require|restrict|enforce)-[a-z0-9-]+)\b/g)].map((m) => m[1]);
        assert.deepEqual([...new Set(named)].sort(), [...stack].sort());
    });

    it("index.ts only builds the PolicyPack from the policies module", () => {
        const index = fs.readFileSync(path.join(PACK, "index.ts"), "utf8");
        assert.match(index, /import \{ policies \} from "\.\/policies";/);
        assert.equal(index.match(/new PolicyPack\(/g)?.length, 1);
        assert.match(index, /policies: \[\.\.\.policies\]/);
        // Nothing else may import the entry (it starts a gRPC server).
        const patterns: Record<string, RegExp> = {
            offline: /(from |require\()["'][^"']*policy-pack(\/index)?["']/,
            "tests/policy": /(from |require\()["'][^"']*policy-pack(\/index)?["']/,
            "policy-pack/lib": /(from |require\()["'](\.\.\/)+index["']/,
            "policy-pack/rules": /(from |require\()["'](\.\.\/)+index["']/,
        };
        for (const [dir, pattern] of Object.entries(patterns)) {
            const base = path.join(PACK, "..", dir);
            const files = fs.readdirSync(base, { recursive: true }).map(String).filter((f) => f.endsWith(".ts"));
            for (const f of files) {
                assert.doesNotMatch(fs.readFileSync(path.join(base, f), "utf8"), pattern, `${dir}/${f} imports the pack entry`);
            }
        }
    });

    it(`has at least 30 rules, one per file, named <cloud>-<service>-<resource>-<verb>-<what>`, () => {
        assert.ok(policies.length >= 30, `${policies.length} rules`);
        const names = policies.map((p) => p.name);
        assert.equal(new Set(names).size, names.length, "rule names are unique");
        for (const n of names) {
            assert.match(n, NAME);
        }
        const files = ruleFiles();
        assert.deepEqual(files, names.map((n) => `${n.startsWith("all-") ? "all" : n.split("-")[0]}/${n}.ts`).sort());
        for (const f of files) {
            const src = fs.readFileSync(path.join(PACK, "rules", f), "utf8");
            assert.equal(src.match(/= (resourcePolicy|stackPolicy)\(/g)?.length, 1, `${f} declares exactly one rule`);
            assert.ok(src.includes(`name: "${path.basename(f, ".ts")}"`), `${f} declares the rule named like the file`);
        }
    });

    it("every rule has a description, severity, category, topics (as SDK tags) and a sound CIS reference when given", () => {
        for (const p of policies) {
            assert.ok(p.description.length > 20 && p.description.endsWith("."), `${p.name} description`);
            assert.ok(["low", "medium", "high", "critical"].includes(p.severity), `${p.name} severity`);
            assert.ok(Object.keys(EXPECTED).includes(p.category), `${p.name} category`);
            assert.ok(p.topics.length > 0, `${p.name} topics`);
            assert.deepEqual(p.tags, [...p.topics]);
            if (p.framework) {
                assert.match(p.framework.name, /^CIS /);
                assert.match(p.framework.reference, /^\d+(\.\d+)+$/);
                assert.ok(p.framework.specification.length > 10);
            }
            if (p.configSchema) {
                assert.equal(p.configSchema.properties.enforcementLevel, undefined, "the SDK rejects enforcementLevel in a schema");
            }
        }
    });

    it("covers the required areas (exposure, encryption, hardening, data protection, tagging, Kubernetes, cost)", () => {
        const topics = new Set(policies.flatMap((p) => p.topics));
        for (const t of ["exposure", "encryption", "hardening", "data-protection", "tagging", "kubernetes", "cost"] as const) {
            assert.ok(topics.has(t), t);
        }
        const cis = policies.filter((p) => p.framework).length;
        assert.ok(cis >= 20, `${cis} rules with a CIS reference`);
    });
});

describe("policy pack: per-environment enforcement configs", () => {
    const ajv = new Ajv({ allErrors: true, strict: true, useDefaults: false });

    for (const env of ENVIRONMENTS) {
        describe(`config/${env}.json`, () => {
            const config = JSON.parse(fs.readFileSync(path.join(PACK, "config", `${env}.json`), "utf8")) as Record<string, { enforcementLevel?: string } & Record<string, unknown>>;

            it("names only known rules, and every rule", () => {
                assert.deepEqual(Object.keys(config).sort(), policies.map((p) => p.name).sort());
            });

            it("sets each rule's level by its category", () => {
                for (const p of policies) {
                    assert.equal(config[p.name]?.enforcementLevel, EXPECTED[p.category][env], `${p.name} (${p.category})`);
                }
            });

            it("validates against each rule's configSchema", () => {
                for (const p of policies) {
                    const { enforcementLevel, ...props } = config[p.name] ?? {};
                    assert.ok(["advisory", "mandatory", "remediate", "disabled"].includes(String(enforcementLevel)));
                    const schema = { type: "object", properties: p.configSchema?.properties ?? {}, required: p.configSchema?.required ?? [], additionalProperties: false };
                    const validate = ajv.compile(schema);
                    assert.ok(validate(props), `${p.name}: ${ajv.errorsText(validate.errors)}`);
                }
            });
        });
    }

    it("the schemas reject a wrong config (the validation is real)", () => {
        const rule = policies.find((p) => p.name === "all-compute-instance-restrict-types");
        const validate = ajv.compile({ type: "object", properties: rule?.configSchema?.properties, additionalProperties: false });
        assert.equal(validate({ allowedTypes: "t3.micro" }), false);
        assert.equal(ajv.errorsText(validate.errors), "data/allowedTypes must be array");
        assert.equal(validate({ allowedTypez: ["t3.micro"] }), false);
    });

    it("every schema default is valid against its own schema", () => {
        for (const p of policies) {
            for (const [key, prop] of Object.entries(p.configSchema?.properties ?? {})) {
                if (typeof prop === "object" && prop.default !== undefined) {
                    const validate = ajv.compile(prop);
                    assert.ok(validate(prop.default), `${p.name}.${key}: ${ajv.errorsText(validate.errors)}`);
                }
            }
        }
    });
});
