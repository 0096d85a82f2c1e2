/**
 * The CLI surface: `npm run env -- ...` on this checkout, bad input refused before any CLI call,
 * and the default runtime finding `pulumi` first on PATH (the stub, never a real CLI).
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as path from "path";

import { main } from "../../automation/cli";
import { minimumCliVersion } from "../../automation/runtime";
import { makeHarness } from "./harness";

const ROOT = path.resolve(__dirname, "..", "..");

async function run(argv: string[]) {
    const h = makeHarness({});
    const errs: string[] = [];
    const outs: string[] = [];
    const code = await main(argv, { ...h.rt, log: (l) => errs.push(l) }, { out: (l) => outs.push(l) });
    return { code, errs: errs.join("\n"), outs: outs.join("\n"), calls: h.calls() };
}

describe("automation CLI", function () {
    this.timeout(30_000);

    it("`npm run env -- --help` works on this checkout and lists every command", () => {
        const r = spawnSync("npm", ["run", "-s", "env", "--", "--help"], { cwd: ROOT, encoding: "utf8" });
        assert.equal(r.status, 0, r.stderr);
        for (const cmd of ["deploy", "up", "destroy", "list", "reap", "unlock"]) assert.match(r.stdout, new RegExp(`^  ${cmd} `, "m"));
        assert.match(r.stdout, /--secrets-provider <provider>/);
    });

    it("every command has --help", async () => {
        for (const cmd of ["deploy", "up", "destroy", "list", "reap", "unlock"]) {
            const r = await run([cmd, "--help"]);
            assert.equal(r.code, 0, cmd);
            assert.match(r.outs, new RegExp(`^Usage: env ${cmd} `), cmd);
            assert.deepEqual(r.calls, [], cmd);
        }
        assert.match((await run(["up", "--help"])).outs, /--ttl <duration> .*\n.*\(default: "8h"\)/);
    });

    const BAD: [string, string[], RegExp][] = [
        ["missing PR number", ["up", "--cloud", "aws"], /required option '--pr <n>' not specified/],
        ["unknown cloud", ["up", "--pr", "42", "--cloud", "mars"], /option '--cloud <cloud>' argument 'mars' is invalid\. Allowed choices are aws, azure, gcp\./],
        ["malformed TTL", ["up", "--pr", "42", "--cloud", "aws", "--ttl", "8hours"], /--ttl "8hours" is malformed: use e\.g\. "90m", "8h", "2d" or "1d12h"/],
        ["PR not a number", ["up", "--pr", "abc", "--cloud", "aws"], /--pr "abc" is not a pull request number: use a positive integer/],
        ["unknown scope", ["up", "--pr", "1", "--cloud", "aws", "--scope", "cluster"], /argument 'cluster' is invalid\. Allowed choices are stack, namespace\./],
        ["destroy without PR", ["destroy", "--cloud", "aws"], /--pr is required: the pull request number/],
        ["destroy unknown cloud", ["destroy", "--pr", "4", "--cloud", "oci"], /--cloud "oci" is not supported: use one of aws, azure, gcp\./],
        ["destroy a platform stack", ["destroy", "--stack", "prod-aws"], /refusing to destroy stack "prod-aws": it is not an ephemeral stack/],
        ["destroy with both forms", ["destroy", "--stack", "ephemeral-pr1-aws", "--pr", "1"], /give either --stack or --pr with --cloud, not both/],
        ["bad SOCKS port", ["deploy", "--stack", "dev-aws", "--socks-port", "99999"], /--socks-port "99999" is not a TCP port/],
        ["deploy without a stack", ["deploy"], /required option '--stack <name>' not specified/],
        ["deploy an unknown stack", ["deploy", "--stack", "qa-aws"], /stacks\/Pulumi\.qa-aws\.yaml not found: stack "qa-aws" has no config file in stacks\//],
        ["a route of another cloud", ["up", "--pr", "1", "--cloud", "azure", "--route", "ssm"], /--route ssm works on aws only; this stack is on azure: use direct, ssh\./],
        ["bad secrets provider", ["--secrets-provider", "kms", "list"], /--secrets-provider "kms" is not a Pulumi secrets provider/],
        ["reap without a cloud", ["reap"], /required option '--cloud <cloud>' not specified/],
        ["unknown command", ["bootstrap"], /unknown command 'bootstrap'/],
    ];
    for (const [what, argv, msg] of BAD) {
        it(`${what}: exit 2, a clear message, no CLI call`, async () => {
            const r = await run(argv);
            assert.equal(r.code, 2);
            assert.match(r.errs, msg);
            assert.deepEqual(r.calls, [], "touched nothing");
        });
    }

    it("the default runtime drives the `pulumi` first on PATH (here: the stub), after checking its version", () => {
        const h = makeHarness({});
        const r = spawnSync("npm", ["run", "-s", "env", "--", "list"], {
            cwd: ROOT,
            encoding: "utf8",
            env: { ...process.env, ...h.rt.envVars, STUB_PULUMI_VERSION: minimumCliVersion().version, PATH: `${path.join(h.stubRoot, "bin")}${path.delimiter}${process.env.PATH}` },
        });
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stdout.trim(), "no ephemeral environments");
        assert.deepEqual(
            h.calls().map((c) => c.argv.join(" ")),
            ["version", "stack ls --json --non-interactive", "stack ls --json --non-interactive"],
        );
        assert.equal(h.calls()[1].cwd, ROOT, "stack scope runs in the project directory");
    });

    it("a missing `pulumi` on PATH is one clear line (exit 2), not `spawn pulumi ENOENT`", () => {
        const r = spawnSync(process.execPath, [require.resolve("ts-node/dist/bin.js"), "--transpile-only", "automation/cli.ts", "list"], {
            cwd: ROOT,
            encoding: "utf8",
            env: { ...process.env, PATH: path.dirname(process.execPath) },
        });
        assert.equal(r.status, 2, r.stderr);
        assert.match(r.stderr, /^error: the Pulumi CLI was not found on PATH\. Install v\d+\.\d+\.\d+ or newer/);
        assert.doesNotMatch(r.stderr, /ENOENT/);
    });
});
