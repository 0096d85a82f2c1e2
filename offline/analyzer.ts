/**
 * Starts a policy pack the way the Pulumi CLI does and talks to it over gRPC as the engine does.
 *
 * The CLI runs a Node.js pack through its `pulumi-analyzer-policy` plugin: with the working
 * directory set to the pack, it resolves `@pulumi/pulumi/cmd/run-policy-pack` from there and runs
 * `node <that> <engine address> .` (pulumi/pulumi pkg/resource/plugin/analyzer_plugin.go:
 * `pwd := policyPackPath`, `args := []string{host.ServerAddr(), "."}`; sdk/nodejs/dist/
 * pulumi-analyzer-policy). run-policy-pack registers ts-node WITH type checking and the pack's
 * own tsconfig.json, requires the package's `main`, and the PolicyPack prints the port of its
 * Analyzer server on stdout. The engine then calls Configure (per-rule config), Analyze (one
 * resource's inputs) and AnalyzeStack (every resource's outputs).
 *
 * The client side uses @pulumi/pulumi's generated protobuf/gRPC modules (the engine's own
 * protocol); nothing here imitates the pack.
 */
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import type { EnforcementLevel, PolicyPackConfig } from "@pulumi/policy";
import type { CapturedResource, ResourceGraph } from "./graph";
import { StackView, stackPropsOf } from "./outputs";

/* eslint-disable @typescript-eslint/no-require-imports */
const analyzerPb: any = require("@pulumi/pulumi/proto/analyzer_pb");
const analyzerGrpc: any = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
// The generated client was built against this @grpc/grpc-js and google-protobuf: use the same copies.
const protoDir = path.dirname(require.resolve("@pulumi/pulumi/proto/analyzer_grpc_pb"));
const grpc: any = require(require.resolve("@grpc/grpc-js", { paths: [protoDir] }));
const structPb: any = require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [protoDir] }));
const emptyPb: any = require(require.resolve("google-protobuf/google/protobuf/empty_pb", { paths: [protoDir] }));
/* eslint-enable @typescript-eslint/no-require-imports */

/** One diagnostic as the engine receives it. */
export interface AnalyzerDiagnostic {
    readonly policyName: string;
    readonly message: string;
    readonly enforcementLevel: "advisory" | "mandatory" | "disabled" | "remediate";
    readonly urn: string;
}

export interface BootedPack {
    readonly port: number;
    /** Per-rule config, as `--policy-pack-config` makes the engine send it. */
    configure(config: PolicyPackConfig): Promise<void>;
    /** Analyze: one resource's inputs (resource rules). */
    analyze(r: CapturedResource, graph: ResourceGraph): Promise<AnalyzerDiagnostic[]>;
    /** AnalyzeStack: every resource's outputs under `view` (stack rules). */
    analyzeStack(graph: ResourceGraph, view: StackView): Promise<AnalyzerDiagnostic[]>;
    /** The pack's name and policy names as it reports them (GetAnalyzerInfo). */
    info(): Promise<{ name: string; version: string; policies: string[] }>;
    stop(): Promise<void>;
}

export class PackBootError extends Error {
    constructor(
        message: string,
        readonly exitCode: number | null,
        readonly stderr: string,
    ) {
        super(message);
    }
}

const LEVELS: readonly AnalyzerDiagnostic["enforcementLevel"][] = ["advisory", "mandatory", "disabled", "remediate"];

function levelCode(level: EnforcementLevel): number {
    const i = LEVELS.indexOf(level as AnalyzerDiagnostic["enforcementLevel"]);
    if (i < 0) {
        throw new Error(`unknown enforcement level ${String(level)}`);
    }
    return i;
}

/** JSON-clean (undefined dropped), as the engine's marshalling does. */
function struct(value: Record<string, unknown>): unknown {
    return structPb.Struct.fromJavaScript(JSON.parse(JSON.stringify(value)));
}

function providerOf(r: CapturedResource, graph: ResourceGraph): unknown {
    if (!r.provider) {
        return undefined;
    }
    const urn = r.provider.slice(0, r.provider.lastIndexOf("::"));
    const p = graph.resources.find((x) => x.urn === urn);
    if (!p) {
        return undefined;
    }
    const msg = new analyzerPb.AnalyzerProviderResource();
    msg.setType(p.type);
    msg.setProperties(struct(p.inputs));
    msg.setUrn(p.urn);
    msg.setName(p.name);
    return msg;
}

function options(r: CapturedResource): unknown {
    const opts = new analyzerPb.AnalyzerResourceOptions();
    opts.setProtect(r.protect);
    if (r.parent) {
        opts.setParent(r.parent);
    }
    return opts;
}

/** The diagnostics of a response; a resource rule's carry no URN, the engine attributes them to the analyzed resource. */
function diagnostics(resp: any, analyzedUrn = ""): AnalyzerDiagnostic[] {
    return resp.getDiagnosticsList().map((d: any) => ({
        policyName: d.getPolicyname(),
        message: d.getMessage(),
        enforcementLevel: LEVELS[d.getEnforcementlevel()] ?? "advisory",
        urn: d.getUrn() || analyzedUrn,
    }));
}

/**
 * Starts the pack in `packDir` exactly as the CLI does and waits for its port. Rejects with a
 * PackBootError (exit code and stderr) when the pack dies first, e.g. on a TypeScript error.
 */
export function bootPack(packDir: string, timeoutMs = 180_000): Promise<BootedPack> {
    const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] });
    const env = { ...process.env };
    // Nothing of the caller's TypeScript loader may leak into the pack's own.
    for (const k of Object.keys(env)) {
        if (k.startsWith("TS_NODE_") || k === "NODE_OPTIONS" || k.startsWith("PULUMI_NODEJS_")) {
            delete env[k];
        }
    }
    const child: ChildProcess = spawn(process.execPath, [runner, "127.0.0.1:0", "."], { cwd: packDir, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stderr?.on("data", (b: Buffer) => (stderr += b.toString()));
    return new Promise<BootedPack>((resolve, reject) => {
        const timer = setTimeout(() => {
            child.kill();
            reject(new PackBootError(`the pack printed no port within ${timeoutMs} ms`, null, stderr));
        }, timeoutMs);
        child.on("exit", (code) => {
            clearTimeout(timer);
            reject(new PackBootError(`the pack exited (code ${code}) before printing its port`, code, stderr + stdout));
        });
        child.stdout?.on("data", (b: Buffer) => {
            stdout += b.toString();
            const m = /^(\d+)\s*$/m.exec(stdout);
            if (!m) {
                return;
            }
            clearTimeout(timer);
            child.removeAllListeners("exit");
            const port = Number(m[1]);
            const client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
            const call = <T>(method: string, req: unknown): Promise<T> =>
                new Promise((ok, fail) => client[method](req, (err: Error | null, resp: T) => (err ? fail(err) : ok(resp))));
            resolve({
                port,
                async configure(config) {
                    const req = new analyzerPb.ConfigureAnalyzerRequest();
                    const map = req.getPolicyconfigMap();
                    for (const [name, raw] of Object.entries(config)) {
                        const entry = (typeof raw === "string" ? { enforcementLevel: raw } : raw) as { enforcementLevel?: EnforcementLevel } & Record<string, unknown>;
                        const { enforcementLevel, ...props } = entry;
                        const pc = new analyzerPb.PolicyConfig();
                        pc.setEnforcementlevel(levelCode(enforcementLevel ?? "advisory"));
                        pc.setProperties(struct(props));
                        map.set(name, pc);
                    }
                    await call("configure", req);
                },
                async analyze(r, graph) {
                    const req = new analyzerPb.AnalyzeRequest();
                    req.setType(r.type);
                    req.setProperties(struct(r.inputs));
                    req.setUrn(r.urn);
                    req.setName(r.name);
                    req.setOptions(options(r));
                    const provider = providerOf(r, graph);
                    if (provider) {
                        req.setProvider(provider);
                    }
                    return diagnostics(await call("analyze", req), r.urn);
                },
                async analyzeStack(graph, view) {
                    const req = new analyzerPb.AnalyzeStackRequest();
                    req.setResourcesList(
                        graph.resources.map((r) => {
                            const msg = new analyzerPb.AnalyzerResource();
                            msg.setType(r.type);
                            msg.setProperties(struct(stackPropsOf(r, view)));
                            msg.setUrn(r.urn);
                            msg.setName(r.name);
                            msg.setOptions(options(r));
                            const provider = providerOf(r, graph);
                            if (provider) {
                                msg.setProvider(provider);
                            }
                            if (r.parent) {
                                msg.setParent(r.parent);
                            }
                            msg.setDependenciesList([...r.dependencies]);
                            const deps = msg.getPropertydependenciesMap();
                            for (const [k, urns] of Object.entries(r.propertyDependencies)) {
                                const pd = new analyzerPb.AnalyzerPropertyDependencies();
                                pd.setUrnsList([...urns]);
                                deps.set(k, pd);
                            }
                            return msg;
                        }),
                    );
                    return diagnostics(await call("analyzeStack", req));
                },
                async info() {
                    const resp: any = await call("getAnalyzerInfo", new emptyPb.Empty());
                    return { name: resp.getName(), version: resp.getVersion(), policies: resp.getPoliciesList().map((p: any) => p.getName()) };
                },
                stop() {
                    client.close();
                    return new Promise<void>((done) => {
                        if (child.exitCode !== null) {
                            done();
                            return;
                        }
                        child.once("exit", () => done());
                        child.kill();
                    });
                },
            });
        });
    });
}
