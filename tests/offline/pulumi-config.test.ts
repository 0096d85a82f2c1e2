/**
 * Pulumi CLI parity: the offline engine refuses a stack's config where `pulumi preview` refuses
 * it, with the CLI's words (pulumi/pulumi pkg/workspace/config.go and
 * sdk/go/common/workspace/project.go; see offline/pulumi-config.ts for the versions read).
 */
import * as assert from "node:assert/strict";
import { CONFIG_KEYS } from "../../components/config/schema";
import { availableStacks, loadStackConfig, PROJECT_FILE, projectFileOf, PulumiConfigError, readStackFile, runStack } from "../../offline/engine";
import { projectFileProblem, ProjectFile, readProjectFile, stackConfigProblem, withProjectDefaults } from "../../offline/pulumi-config";

const project = readProjectFile(PROJECT_FILE);

async function refusal(stack: string, overrides: Record<string, unknown>): Promise<string> {
    try {
        await runStack(stack, { configOverrides: overrides });
    } catch (err) {
        assert.ok(err instanceof PulumiConfigError, String(err));
        return err.message;
    }
    return assert.fail("the stack ran");
}

describe("Pulumi CLI parity: what pulumi preview refuses before the program runs", () => {
    it("both project files are projects the CLI accepts, and every shipped stack's config of both layers too", () => {
        assert.equal(projectFileProblem(project), undefined);
        assert.equal(projectFileProblem(readProjectFile(projectFileOf("incluster"))), undefined);
        for (const stack of availableStacks()) {
            assert.equal(stackConfigProblem(project, stack, readStackFile(stack)), undefined, stack);
            assert.equal(stackConfigProblem(readProjectFile(projectFileOf("incluster")), stack, readStackFile(stack, "incluster")), undefined, `${stack} (in-cluster)`);
        }
    });

    it("the in-cluster layer gets the same check (the function takes any project file and stack file)", () => {
        assert.throws(() => loadStackConfig("dev-aws", { "platform-incluster:environment": undefined }, "incluster"), (err: unknown) => err instanceof PulumiConfigError && err.message === "validating stack config: Stack 'dev-aws' is missing configuration value 'environment'");
        assert.throws(() => loadStackConfig("dev-aws", { "platform-incluster:addons": "argo" }, "incluster"), (err: unknown) => err instanceof PulumiConfigError && err.message === "validating stack config: Stack 'dev-aws' with configuration key 'addons' must be of type 'object'");
    });

    const required = Object.entries(CONFIG_KEYS)
        .filter(([, info]) => !info.hasDefault)
        .map(([key]) => key)
        .sort();
    for (const key of required) {
        it(`removing the default-less key ${key} fails exactly as the CLI would`, async () => {
            assert.equal(await refusal("dev-aws", { [`platform:${key}`]: undefined }), `validating stack config: Stack 'dev-aws' is missing configuration value '${key}'`);
        });
    }

    it("lists several missing keys sorted, with the CLI's commas and 'and'", () => {
        assert.equal(stackConfigProblem(project, "dev-aws", {}), `Stack 'dev-aws' is missing configuration values ${formatList(required)}`);
        const two = { ...readStackFile("dev-aws") };
        delete two["platform:region"];
        delete two["platform:owner"];
        assert.equal(stackConfigProblem(project, "dev-aws", two), "Stack 'dev-aws' is missing configuration values 'owner' and 'region'");
    });

    it("refuses a value of the wrong declared type, the first in sorted key order", async () => {
        assert.equal(await refusal("dev-aws", { "platform:network": "10.20.0.0/16" }), "validating stack config: Stack 'dev-aws' with configuration key 'network' must be of type 'object'");
        assert.equal(await refusal("dev-aws", { "platform:tags": ["a"], "platform:cluster": "private" }), "validating stack config: Stack 'dev-aws' with configuration key 'cluster' must be of type 'object'");
        assert.equal(await refusal("dev-aws", { "platform:owner": { team: "ops" } }), "validating stack config: Stack 'dev-aws' with configuration key 'owner' must be of type 'string'");
    });

    it("accepts what the CLI accepts: YAML scalars for strings, true/false for booleans, omitted keys with defaults", () => {
        const loaded = loadStackConfig("dev-aws", { "platform:network": undefined, "platform:owner": 1234 });
        assert.equal(loaded.config["platform:network"], "{}", "the declared default, JSON-encoded as the CLI passes objects");
        assert.equal(loaded.config["platform:owner"], "1234", "a YAML number is stored as its text, a valid string");
        assert.equal(loaded.config["platform:namePrefix"], "", "string defaults reach the program");
    });
});

describe("Pulumi CLI parity: the rules, on any project (a second project reuses them)", () => {
    const other: ProjectFile = {
        name: "incluster",
        config: {
            platformStack: { type: "string" },
            replicas: { type: "integer", default: 2 },
            debug: { type: "boolean", default: false },
            zones: { type: "array", items: { type: "string" } },
            settings: { type: "object", default: {} },
            token: { type: "string", secret: true, default: "" },
            "aws:region": { value: "eu-west-1" },
        },
    };

    it("integers: decimal text or a whole number; nothing else", () => {
        const base = { "incluster:platformStack": "org/platform/dev-aws", "incluster:zones": ["a"], "incluster:token": { secure: "v1:abc" } };
        assert.equal(stackConfigProblem(other, "dev", { ...base, "incluster:replicas": "3" }), undefined);
        assert.equal(stackConfigProblem(other, "dev", { ...base, "incluster:replicas": 3 }), undefined);
        assert.equal(stackConfigProblem(other, "dev", { ...base, "incluster:replicas": "3.5" }), "Stack 'dev' with configuration key 'replicas' must be of type 'integer'");
        assert.equal(stackConfigProblem(other, "dev", { ...base, "incluster:zones": [1] }), "Stack 'dev' with configuration key 'zones' must be of type 'array<string>'");
        assert.equal(stackConfigProblem(other, "dev", { ...base, "incluster:debug": "yes" }), "Stack 'dev' with configuration key 'debug' must be of type 'boolean'");
        assert.equal(stackConfigProblem(other, "dev", { ...base, "incluster:debug": true }), undefined);
    });

    it("a key declared secret must be stored encrypted; its declared default is plain text, so it must be set", () => {
        const base = { "incluster:platformStack": "x", "incluster:zones": [] };
        assert.equal(stackConfigProblem(other, "dev", { ...base, "incluster:token": "plain" }), "Stack 'dev' with configuration key 'token' must be encrypted as it's secret");
        assert.equal(stackConfigProblem(other, "dev", base), "Stack 'dev' with configuration key 'token' must be encrypted as it's secret");
    });

    it("keys of other namespaces are not required and take their value", () => {
        assert.equal(withProjectDefaults(other, {})["aws:region"], "eu-west-1");
        assert.equal(stackConfigProblem(other, "dev", {}), "Stack 'dev' is missing configuration values 'platformStack' and 'zones'");
    });

    it("refuses project files the CLI refuses (Project.Validate)", () => {
        assert.equal(projectFileProblem({ name: "p", config: { list: { type: "array" } } }), "The configuration key 'list' declares an array but does not specify the underlying type via the 'items' attribute");
        assert.equal(projectFileProblem({ name: "p", config: { n: { type: "integer", default: "two" } } }), "The default value specified for configuration key 'n' is not of the expected type 'integer'");
        assert.equal(projectFileProblem({ name: "p", config: { "aws:region": { type: "string", value: "x" } } }), "Configuration key 'aws:region' is not namespaced by the project and should not define a type");
        assert.equal(projectFileProblem({ name: "p", config: { "aws:region": { default: "x" } } }), "Configuration key 'aws:region' is not namespaced by the project and should not define a default value. Did you mean to use the 'value' attribute instead of 'default'?");
    });
});

function formatList(keys: string[]): string {
    const sorted = [...keys].sort();
    return sorted.map((k, i) => (i === sorted.length - 1 ? `and '${k}'` : i === sorted.length - 2 ? `'${k}' ` : `'${k}', `)).join("");
}
