/**
 * CI definitions reference only things that exist: every workflow, composite action and the
 * Jenkinsfile are parsed, and each npm script, `npm run env` command and option, stack, policy
 * pack path and local action they name is checked against this checkout. Also: credentials only
 * through OIDC, actions pinned, the security gates present as separate jobs.
 * This does not run the workflows (that needs GitHub); it keeps them from rotting.
 */
import * as assert from "node:assert/strict";
import { execFileSync } from "child_process";
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
const ENVS = [...new Set(STACKS.map((s) => s.split("-")[0]))];

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

/** Replaces `${{ matrix.env }}` / `${env}` by each environment that has a stack. */
function expand(p: string): string[] {
    return /\$\{\{\s*matrix\.env\s*\}\}|\$\{env\}/.test(p) ? ENVS.map((e) => p.replace(/\$\{\{\s*matrix\.env\s*\}\}|\$\{env\}/, e)) : [p];
}

describe("CI definitions reference only what exists", () => {
    it("found the workflows, composite actions, Jenkinsfile and stacks", () => {
        assert.deepEqual(workflows.map(([f]) => f).sort(), ["ci.yml", "deploy.yml", "ephemeral.yml", "reap.yml", "security.yml"]);
        assert.deepEqual(actions.map(([d]) => d).sort(), ["cloud-login", "setup"]);
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

    it("the stack discovery in ci.yml yields exactly the stacks/ files (run for real)", () => {
        const ci = workflows.find(([f]) => f === "ci.yml")![1];
        const script = ci.jobs.stacks.steps!.find((s) => s.run)!.run!;
        const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "gh-")), "output");
        fs.writeFileSync(out, "");
        execFileSync("bash", ["-c", script], { cwd: ROOT, env: { ...process.env, GITHUB_OUTPUT: out } });
        const matrix = JSON.parse(fs.readFileSync(out, "utf8").replace(/^matrix=/, "")) as { include: { stack: string; env: string; cloud: string }[] };
        assert.deepEqual(matrix.include.map((i) => i.stack).sort(), [...STACKS].sort());
        for (const i of matrix.include) assert.equal(`${i.env}-${i.cloud}`, i.stack);
    });

    it("every policy pack path and per-environment policy config exists", () => {
        const paths: string[] = [];
        for (const [, s] of allSteps()) {
            if (s.with?.policyPacks) paths.push(String(s.with.policyPacks));
            if (s.with?.policyPackConfigs) paths.push(...expand(String(s.with.policyPackConfigs)));
        }
        for (const [, text] of shellTexts()) {
            for (const m of text.matchAll(/--policy-pack(?:-config)? "?([^\s"']+)"?/g)) paths.push(...expand(m[1]));
        }
        assert.ok(paths.length >= 8, `found ${paths.length}`);
        for (const p of paths) assert.ok(fs.existsSync(path.join(ROOT, p)), `${p} does not exist`);
        assert.ok(fs.existsSync(path.join(ROOT, "policy-pack", "PulumiPolicy.yaml")));
    });

    it("local actions exist; remote actions are pinned to a major version or a commit", () => {
        for (const [where, s] of allSteps()) {
            if (!s.uses) continue;
            if (s.uses.startsWith("./")) {
                assert.ok(fs.existsSync(path.join(ROOT, s.uses, "action.yml")), `${where}: ${s.uses} missing`);
            } else {
                assert.match(s.uses, /^[\w.-]+\/[\w./-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/, `${where}: ${s.uses} not pinned`);
            }
        }
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

    it("ephemeral up on PR open/update, destroy on close, scheduled reap, prod behind an approval environment", () => {
        const get = (f: string) => workflows.find(([n]) => n === f)![1];
        const eph = get("ephemeral.yml");
        assert.deepEqual((eph.on.pull_request as { types: string[] }).types, ["opened", "synchronize", "reopened", "closed"]);
        assert.match(JSON.stringify(eph.jobs.up.steps), /npm run env -- up/);
        assert.match(String((eph.jobs.up as { if?: string }).if), /github.event.action != 'closed'/);
        assert.match(JSON.stringify(eph.jobs.destroy.steps), /npm run env -- destroy/);
        assert.match(String((eph.jobs.destroy as { if?: string }).if), /github.event.action == 'closed'/);
        const reap = get("reap.yml");
        assert.ok(Array.isArray(reap.on.schedule));
        assert.match(JSON.stringify(reap.jobs.reap.steps), /npm run env -- reap/);
        const deploy = get("deploy.yml");
        assert.equal(deploy.jobs.prod.environment, "production");
        assert.equal(deploy.jobs.prod.needs, "staging");
        assert.equal(deploy.jobs.staging.environment, "staging");
        const preview = get("ci.yml").jobs.preview.steps!.find((s) => s.uses?.startsWith("pulumi/actions@"))!;
        assert.equal(preview.with!.command, "preview");
    });
});
