/**
 * `npm run pack:check`: the published pack loads on a machine that has only the tarball.
 *
 * `pulumi policy publish` runs `npm pack` in the pack's folder and uploads the tarball; every
 * machine that enforces the pack downloads it, unpacks it into `<policies>/<org>/<name>/<version>`
 * and runs `npm install` there (pulumi/pulumi pkg/backend/httpstate/policypack.go: `npm.Pack`,
 * `installRequiredPolicy` -> `completeNodeJSInstall` -> `npm.Install(finalDir, false
 * /*production*\/)`), then starts it like any pack. This does the same in a scratch folder
 * OUTSIDE the repository (so nothing resolves from the repository's node_modules), from the
 * public registry, and then starts the pack as the CLI does and asks it for one verdict.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { bootPack } from "./analyzer";
import { loadPolicyConfig } from "./policy";

const PACK = path.resolve(__dirname, "..", "policy-pack");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

async function main(): Promise<number> {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "policy-pack-check-"));
    try {
        let t = Date.now();
        const tarball = execFileSync(npm, ["pack", "--pack-destination", scratch, "--json"], { cwd: PACK, encoding: "utf8" });
        const [{ filename, files }] = JSON.parse(tarball) as { filename: string; files: { path: string }[] }[];
        process.stdout.write(`npm pack: ${filename}, ${files.length} files (${Date.now() - t} ms)\n`);
        const required = ["package.json", "PulumiPolicy.yaml", "tsconfig.json", "index.ts", "policies.ts"];
        const missing = required.filter((f) => !files.some((x) => x.path === f));
        if (missing.length > 0) {
            throw new Error(`the tarball lacks ${missing.join(", ")}: fix "files" in policy-pack/package.json`);
        }
        // npm unpacks into `package/`, as the CLI expects.
        execFileSync("tar", ["-xzf", path.join(scratch, filename), "-C", scratch]);
        const dir = path.join(scratch, "package");
        t = Date.now();
        execFileSync(npm, ["install", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dir, stdio: "inherit" });
        process.stdout.write(`npm install in ${dir}: ${Date.now() - t} ms\n`);
        const ts = JSON.parse(fs.readFileSync(path.join(dir, "node_modules", "typescript", "package.json"), "utf8")) as { version: string };
        process.stdout.write(`typescript there: ${ts.version} (the CLI uses its vendored 3.8 only when none resolves)\n`);
        t = Date.now();
        const pack = await bootPack(dir);
        try {
            process.stdout.write(`started as the CLI starts it: port ${pack.port} (${Date.now() - t} ms)\n`);
            const info = await pack.info();
            await pack.configure(loadPolicyConfig("prod"));
            const urn = "urn:pulumi:check::platform::aws:kms/key:Key::unrotated";
            const verdict = await pack.analyze(
                { urn, type: "aws:kms/key:Key", name: "unrotated", custom: true, inputs: { enableKeyRotation: false }, secretPaths: [], dependencies: [], propertyDependencies: {}, protect: true, retainOnDelete: false, state: {} },
                { project: "platform", stack: "check", resources: [], invokes: [], outputs: {}, secretOutputs: [] },
            );
            const rotation = verdict.filter((d) => d.policyName === "aws-kms-key-require-rotation");
            if (rotation.length !== 1 || rotation[0]?.enforcementLevel !== "mandatory") {
                throw new Error(`the installed pack did not judge an unrotated KMS key: ${JSON.stringify(verdict)}`);
            }
            process.stdout.write(`${info.name}@${info.version}: ${info.policies.length} rules; Analyze of an unrotated KMS key -> ${rotation[0].policyName} (${rotation[0].enforcementLevel})\n`);
        } finally {
            await pack.stop();
        }
        process.stdout.write("pack check: OK\n");
        return 0;
    } finally {
        fs.rmSync(scratch, { recursive: true, force: true });
    }
}

main().then(
    (code) => process.exit(code),
    (err: unknown) => {
        const e = err as { message?: string; stderr?: string };
        process.stderr.write(`pack check FAILED: ${e.message ?? String(err)}\n${e.stderr ?? ""}\n`);
        process.exit(1);
    },
);
