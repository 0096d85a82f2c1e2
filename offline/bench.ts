/**
 * `npm run bench [-- --runs N --stack S]`
 *
 * Time from process start to every resource registered for a stack, with the program loaded
 * the way the Pulumi Node runtime loads it: ts-node registered with the project's tsconfig and
 * `transpileOnly` decided as the runtime decides it (PULUMI_NODEJS_TRANSPILE_ONLY, else the
 * tsconfig's `noCheck`, else type-checking). Two modes, run alternately in one invocation so
 * machine noise hits both alike:
 *   - typecheck: the runtime's default without `noCheck` (ts-node type-checks every file);
 *   - configured: this project's tsconfig (`noCheck: true`, so transpile-only).
 * Reports medians and their ratio. Timing lives here, never in tests.
 */
import { execFileSync } from "child_process";
import * as path from "path";
import { parseArgs } from "util";
import * as ts from "typescript";

const ROOT = path.resolve(__dirname, "..");

/** What the Pulumi runtime passes as `transpileOnly` for this project's tsconfig. */
export function configuredTranspileOnly(tsconfigPath = path.join(ROOT, "tsconfig.json")): boolean {
    const read = ts.readConfigFile(tsconfigPath, ts.sys.readFile);
    if (read.error) {
        throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, "\n"));
    }
    const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(tsconfigPath));
    return (parsed.options as { noCheck?: boolean }).noCheck === true;
}

/** The tsconfig's `ts-node` section (ts-node applies it on top of the runtime's options). */
export function tsNodeOptions(tsconfigPath = path.join(ROOT, "tsconfig.json")): Record<string, unknown> {
    const read = ts.readConfigFile(tsconfigPath, ts.sys.readFile);
    return ((read.config ?? {}) as { "ts-node"?: Record<string, unknown> })["ts-node"] ?? {};
}

/**
 * The child: registers ts-node as the Pulumi runtime does (`compiler`, `transpileOnly`, the
 * project's tsconfig, whose `ts-node` section ts-node applies itself), runs the stack, prints ms
 * since process start. The type-checking mode is a project without this one's settings:
 * ts-node's default type-checking with the TypeScript compiler (swc cannot type-check).
 */
function childScript(stack: string, mode: "typecheck" | "configured", configuredTranspileOnly: boolean): string {
    const options =
        mode === "typecheck"
            ? `transpileOnly: false, swc: false, compilerOptions: { noCheck: false }`
            : `transpileOnly: ${configuredTranspileOnly}, compilerOptions: {}`;
    return `
const { performance } = require("perf_hooks");
require("ts-node").register({
  compiler: "typescript",
  project: ${JSON.stringify(path.join(ROOT, "tsconfig.json"))},
  ${options},
});
require(${JSON.stringify(path.join(ROOT, "offline", "engine.ts"))}).runStack(${JSON.stringify(stack)}).then((g) => {
  process.stdout.write(JSON.stringify({ ms: performance.now(), resources: g.resources.length }));
  process.exit(0);
}, (e) => { console.error(e); process.exit(1); });`;
}

function runOnce(stack: string, mode: "typecheck" | "configured", configuredTranspileOnly: boolean): { ms: number; resources: number } {
    const out = execFileSync(process.execPath, ["-e", childScript(stack, mode, configuredTranspileOnly)], {
        cwd: ROOT,
        env: { ...process.env, PULUMI_NODEJS_TRANSPILE_ONLY: "", TS_NODE_TRANSPILE_ONLY: "", TS_NODE_FILES: "" },
        encoding: "utf8",
        maxBuffer: 16 * 1024 * 1024,
    });
    return JSON.parse(out) as { ms: number; resources: number };
}

function median(values: number[]): number {
    const s = [...values].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function main(argv: string[]): number {
    const { values } = parseArgs({ args: argv, options: { runs: { type: "string" }, stack: { type: "string" } }, strict: true });
    const runs = Number(values.runs ?? 3);
    const stack = values.stack ?? "dev-aws";
    const configured = configuredTranspileOnly();
    const times = { typecheck: [] as number[], configured: [] as number[] };
    let resources = 0;
    process.stdout.write(`Benchmark: process start -> all ${stack} resources registered, Pulumi runtime's ts-node loading, ${runs} runs per mode (alternating)\n`);
    process.stdout.write(`Project tsconfig: noCheck=${configured} -> the runtime runs it ${configured ? "transpile-only" : "type-checked"}; ts-node options from tsconfig: ${JSON.stringify(tsNodeOptions())}\n`);
    for (let i = 0; i < runs; i++) {
        const a = runOnce(stack, "typecheck", configured);
        const b = runOnce(stack, "configured", configured);
        times.typecheck.push(a.ms);
        times.configured.push(b.ms);
        resources = b.resources;
        process.stdout.write(`  run ${i + 1}: typecheck ${(a.ms / 1000).toFixed(2)} s, configured ${(b.ms / 1000).toFixed(2)} s\n`);
    }
    const t = median(times.typecheck);
    const c = median(times.configured);
    process.stdout.write(
        `Median: typecheck ${(t / 1000).toFixed(2)} s, configured ${(c / 1000).toFixed(2)} s, ${resources} registrations\n` +
            `Ratio: configured mode is ${(t / c).toFixed(1)}x faster (aim: >= 4x)\n`,
    );
    return 0;
}

if (require.main === module) {
    process.exit(main(process.argv.slice(2)));
}
