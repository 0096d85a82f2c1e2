/**
 * The offline engine: runs the real program under Pulumi's mock runtime and captures the
 * resource graph the engine would have received, with no cloud, no credentials and no CLI.
 *
 * Pulumi's `newResource` mock sees only type, name and inputs. Parents, dependencies and
 * options such as `protect` travel in the full registration request, so we also wrap the mock
 * monitor's `registerResource` (an internal API: the SDK version is pinned exactly in
 * package.json and tests/offline/engine.test.ts proves the capture still works).
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { CapturedInvoke, CapturedResource, ResourceGraph } from "./graph";
import { OfflineMocks } from "./mocks";
import { PulumiConfigError, readProjectFile, stackConfigProblem, withProjectDefaults } from "./pulumi-config";

export { PulumiConfigError } from "./pulumi-config";

/** The platform project's name in Pulumi.yaml: the namespace of its config keys. */
export const PROJECT = "platform";
/** The in-cluster project's name (incluster/Pulumi.yaml). */
export const INCLUSTER_PROJECT = "platform-incluster";
/** The organisation offline runs pretend to be in (`pulumi.getOrganization()`); a DIY backend's is `organization` too. */
export const ORGANIZATION = "organization";
export const ROOT = path.resolve(__dirname, "..");
export const STACKS_DIR = path.join(ROOT, "stacks");
export const INCLUSTER_STACKS_DIR = path.join(ROOT, "incluster", "stacks");

/** The two layers of a platform environment: two projects, stacks of the same name. */
export type Layer = "platform" | "incluster";
export const LAYERS: Readonly<Record<Layer, { readonly project: string; readonly stacksDir: string; readonly label: string }>> = {
    platform: { project: PROJECT, stacksDir: STACKS_DIR, label: "platform" },
    incluster: { project: INCLUSTER_PROJECT, stacksDir: INCLUSTER_STACKS_DIR, label: "in-cluster" },
};

/* eslint-disable @typescript-eslint/no-require-imports */
// Internal runtime modules (same exports and shapes in 3.248 and 3.276, re-read on the bump;
// pinned exactly and covered by the engine's own test).
const settings: {
    getMonitor(): any;
    waitForRPCs(): Promise<void>;
} = require("@pulumi/pulumi/runtime/settings");
const rpc: {
    unknownValue: string;
    specialSigKey: string;
    specialSecretSig: string;
    specialResourceSig: string;
} = require("@pulumi/pulumi/runtime/rpc");
/* eslint-enable @typescript-eslint/no-require-imports */

export type Program = () => Promise<Record<string, unknown>> | Record<string, unknown>;

export interface CaptureOptions {
    /** Pulumi project name (config namespace). Default `platform`. */
    readonly project?: string;
    /** Stack name. Default `offline`. */
    readonly stack?: string;
    /** Full config map, `namespace:key` -> string (objects JSON-encoded, as the CLI passes them). */
    readonly config?: Readonly<Record<string, string>>;
    /** Config keys whose values are secret. */
    readonly secretKeys?: readonly string[];
    /** Preview mode: provider-computed outputs stay unknown. Default false (an update). */
    readonly preview?: boolean;
    /**
     * Stacks a StackReference may read, by fully qualified name (`<org>/<project>/<stack>`):
     * their outputs and which of them are secret. Any other reference fails the run.
     */
    readonly stackReferences?: Readonly<Record<string, StackReferenceAnswer>>;
}

/** What a StackReference to one stack reads. */
export interface StackReferenceAnswer {
    readonly outputs: Readonly<Record<string, unknown>>;
    readonly secretOutputNames: readonly string[];
}

/** Unwraps Pulumi's wire encoding: secrets (paths recorded), resource references, unknowns. */
export function unwrapWire(value: unknown, pathPrefix = "", secretPaths: string[] = []): unknown {
    if (Array.isArray(value)) {
        return value.map((v, i) => unwrapWire(v, pathPrefix ? `${pathPrefix}.${i}` : `${i}`, secretPaths));
    }
    if (value && typeof value === "object") {
        const obj = value as Record<string, unknown>;
        const sig = obj[rpc.specialSigKey];
        if (sig === rpc.specialSecretSig) {
            secretPaths.push(pathPrefix);
            return unwrapWire(obj.value, pathPrefix, []);
        }
        if (sig === rpc.specialResourceSig) {
            return obj.urn;
        }
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(obj)) {
            out[k] = unwrapWire(v, pathPrefix ? `${pathPrefix}.${k}` : k, secretPaths);
        }
        return out;
    }
    return value;
}

/** The request's per-property dependency map as plain data. */
function propertyDependenciesOf(req: any): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    const map = req.getPropertydependenciesMap?.();
    map?.forEach((deps: any, key: string) => {
        const urns: string[] = deps.getUrnsList();
        if (urns.length > 0) {
            out[key] = [...new Set(urns)];
        }
    });
    return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

let queue: Promise<unknown> = Promise.resolve();

const partialGraphs = new WeakMap<object, ResourceGraph>();

/**
 * What a failed run had registered before it failed (tests use it to prove that bad config
 * stops the program before its first resource).
 */
export function partialGraphOf(err: unknown): ResourceGraph | undefined {
    return err && typeof err === "object" ? partialGraphs.get(err) : undefined;
}

/**
 * Runs `program` as a Pulumi stack under the offline mocks and returns what it registered.
 * Runs are serialised: the Pulumi runtime is process-global.
 */
export function captureGraph(program: Program, options: CaptureOptions = {}): Promise<ResourceGraph> {
    const run = queue.then(() => captureOnce(program, options));
    queue = run.catch(() => undefined);
    return run;
}

async function captureOnce(program: Program, options: CaptureOptions): Promise<ResourceGraph> {
    const project = options.project ?? PROJECT;
    const stack = options.stack ?? "offline";

    let fail: (err: Error) => void = () => undefined;
    const failed = new Promise<never>((_resolve, reject) => {
        fail = reject;
    });
    failed.catch(() => undefined);

    const mocks = new OfflineMocks((err) => fail(err), options.stackReferences ?? {});
    await pulumi.runtime.setMocks(mocks, project, stack, options.preview ?? false, ORGANIZATION);
    pulumi.runtime.setAllConfig({ ...(options.config ?? {}) }, [...(options.secretKeys ?? [])]);

    const resources: CapturedResource[] = [];
    mocks.progress = () => resources.length;
    let stackUrn = "";
    let rawOutputs: unknown = {};
    const monitor = settings.getMonitor();
    const registerResource = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: (err: any, resp: any) => void) => {
        registerResource(req, (err: any, resp: any) => {
            if (!err && resp) {
                const secretPaths: string[] = [];
                const inputs = unwrapWire(req.getObject()?.toJavaScript() ?? {}, "", secretPaths) as Record<string, unknown>;
                const urn: string = resp.getUrn();
                const id: string = resp.getId();
                if (req.getType() === "pulumi:pulumi:Stack") {
                    stackUrn = urn;
                }
                resources.push({
                    urn,
                    type: req.getType(),
                    name: req.getName(),
                    custom: req.getCustom(),
                    ...(req.getParent() ? { parent: req.getParent() } : {}),
                    ...(req.getProvider() ? { provider: req.getProvider() } : {}),
                    inputs,
                    secretPaths,
                    dependencies: [...new Set<string>(req.getDependenciesList())],
                    propertyDependencies: propertyDependenciesOf(req),
                    protect: req.getProtect() === true,
                    retainOnDelete: req.getRetainondelete() === true,
                    // Lifecycle options: what a later `pulumi up` does when an input changes.
                    ...(req.getIgnorechangesList?.().length ? { ignoreChanges: [...req.getIgnorechangesList()] } : {}),
                    ...(req.getReplaceonchangesList?.().length ? { replaceOnChanges: [...req.getReplaceonchangesList()] } : {}),
                    ...(req.getDeletebeforereplace?.() ? { deleteBeforeReplace: true } : {}),
                    ...(req.hasReplacementTrigger?.() ? { replacementTrigger: unwrapWire(req.getReplacementTrigger().toJavaScript()) } : {}),
                    ...(aliasesOf(req).length > 0 ? { aliases: aliasesOf(req) } : {}),
                    ...(id ? { id } : {}),
                    state: unwrapWire(resp.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>,
                });
            }
            callback(err, resp);
        });
    };
    // Reads (a StackReference is one) reach the engine as ReadResource requests: the real engine
    // keeps them in the stack's state too, so the graph does.
    const readResource = monitor.readResource.bind(monitor);
    monitor.readResource = (req: any, callback: (err: any, resp: any) => void) => {
        readResource(req, (err: any, resp: any) => {
            if (!err && resp) {
                const secretPaths: string[] = [];
                const inputs = unwrapWire(req.getProperties()?.toJavaScript() ?? {}, "", secretPaths) as Record<string, unknown>;
                resources.push({
                    urn: resp.getUrn(),
                    type: req.getType(),
                    name: req.getName(),
                    custom: true,
                    read: true,
                    ...(req.getParent() ? { parent: req.getParent() } : {}),
                    ...(req.getProvider() ? { provider: req.getProvider() } : {}),
                    inputs,
                    secretPaths,
                    dependencies: [...new Set<string>(req.getDependenciesList?.() ?? [])],
                    propertyDependencies: {},
                    protect: false,
                    retainOnDelete: false,
                    id: req.getId(),
                    state: unwrapWire(resp.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown>,
                });
            }
            callback(err, resp);
        });
    };
    const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req: any, callback: (err: any, resp: any) => void) => {
        if (req.getUrn() === stackUrn) {
            rawOutputs = req.getOutputs()?.toJavaScript() ?? {};
        }
        registerOutputs(req, callback);
    };

    try {
        await Promise.race([pulumi.runtime.runInPulumiStack(async () => program()), failed]);
        await Promise.race([settings.waitForRPCs(), failed]);
        if (mocks.errors.length > 0) {
            throw mocks.errors[0];
        }
    } catch (err) {
        // Let registrations already in flight land, so the partial graph is complete.
        await Promise.race([settings.waitForRPCs().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
        // A mock's own error says what was missing; the program only sees a generic rejection.
        const cause = mocks.errors[0] ?? err;
        if (cause && typeof cause === "object") {
            partialGraphs.set(cause, { project, stack, resources: [...resources], invokes: [...mocks.invokes], outputs: {}, secretOutputs: [] });
        }
        throw cause;
    }

    const secretOutputs: string[] = [];
    const outputs: Record<string, unknown> = {};
    for (const [k, v] of Object.entries((rawOutputs ?? {}) as Record<string, unknown>)) {
        const paths: string[] = [];
        outputs[k] = unwrapWire(v, k, paths);
        if (paths.length > 0) {
            secretOutputs.push(k);
        }
    }
    const invokes: CapturedInvoke[] = mocks.invokes.map((i) => ({ token: i.token, inputs: i.inputs, ...(i.resourcesBefore !== undefined ? { resourcesBefore: i.resourcesBefore } : {}) }));
    return { project, stack, resources, invokes, outputs, secretOutputs };
}

/** Names of the shipped stacks (`stacks/Pulumi.<name>.yaml`). */
export function availableStacks(): string[] {
    return fs
        .readdirSync(STACKS_DIR)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => !!s)
        .sort();
}

export interface StackConfig {
    readonly config: Record<string, string>;
    readonly secretKeys: string[];
}

/** The project file a layer's stacks belong to (Pulumi.yaml, incluster/Pulumi.yaml). */
export function projectFileOf(layer: Layer = "platform"): string {
    return path.join(path.dirname(LAYERS[layer].stacksDir), "Pulumi.yaml");
}

/** The platform project's file. */
export const PROJECT_FILE = projectFileOf("platform");

/** A stack file's `config:` map with every key namespaced (`region` -> `platform:region`). */
export function readStackFile(stack: string, layer: Layer = "platform"): Record<string, unknown> {
    const { project, stacksDir } = LAYERS[layer];
    const file = path.join(stacksDir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        throw new Error(`unknown stack "${stack}": no ${path.relative(ROOT, file)}. Available stacks: ${availableStacks().join(", ")}`);
    }
    const doc = (YAML.parse(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
    return Object.fromEntries(Object.entries(doc.config ?? {}).map(([k, v]) => [k.includes(":") ? k : `${project}:${k}`, v]));
}

/**
 * Reads a layer's `stacks/Pulumi.<stack>.yaml` into the flat map the CLI hands a program, after
 * checking it the way `pulumi preview` does (offline/pulumi-config.ts: missing default-less
 * keys, values of the wrong declared type; throws PulumiConfigError with the CLI's words) and
 * applying the project file's defaults. Keys fully namespaced, structured values JSON-encoded,
 * `secure:` values replaced by a marked placeholder (nothing can decrypt them offline) and
 * listed as secret. `overrides` lay values over the file by key (`platform:network` or
 * `network`); `undefined` removes a key (as `pulumi config rm` would).
 */
export function loadStackConfig(stack: string, overrides: Readonly<Record<string, unknown>> = {}, layer: Layer = "platform"): StackConfig {
    const { project: projectName } = LAYERS[layer];
    const raw: Record<string, unknown> = readStackFile(stack, layer);
    for (const [key, value] of Object.entries(overrides)) {
        const full = key.includes(":") ? key : `${projectName}:${key}`;
        if (value === undefined) {
            delete raw[full];
        } else {
            raw[full] = value;
        }
    }
    const project = readProjectFile(projectFileOf(layer));
    const problem = stackConfigProblem(project, stack, raw);
    if (problem) {
        throw new PulumiConfigError(stack, problem);
    }
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [full, value] of Object.entries(withProjectDefaults(project, raw))) {
        if (value && typeof value === "object" && !Array.isArray(value) && "secure" in value) {
            config[full] = `offline-placeholder-for-${full}`;
            secretKeys.push(full);
        } else {
            config[full] = typeof value === "string" ? value : JSON.stringify(value);
        }
    }
    return { config, secretKeys };
}

export interface RunStackOptions {
    /**
     * Config values laid over the stack file, by key (`platform:network` or `network`); `undefined`
     * removes a key. Lets tests run deliberately broken variants of a shipped stack.
     */
    readonly configOverrides?: Readonly<Record<string, unknown>>;
    readonly preview?: boolean;
}

/** Runs the platform layer's real program (index.ts) for a shipped stack and returns its graph. */
export async function runStack(stack: string, options: RunStackOptions = {}): Promise<ResourceGraph> {
    const { config, secretKeys } = loadStackConfig(stack, options.configOverrides, "platform");
    return captureGraph(loadProgram(), { project: PROJECT, stack, config, secretKeys, preview: options.preview });
}

export interface RunInClusterOptions extends RunStackOptions {
    /** The run's environment as the in-cluster program sees it (PLATFORM_KUBE_PROXY_URL). Default: empty. */
    readonly runEnv?: Readonly<Record<string, string | undefined>>;
}

/** The fully qualified name a StackReference uses for a platform stack. */
export function platformStackRef(stack: string): string {
    return `${ORGANIZATION}/${PROJECT}/${stack}`;
}

/**
 * Runs the in-cluster layer's real program (components/kubernetes/program.ts) for a shipped
 * stack, its StackReference answered from the platform layer's captured outputs, exactly what
 * the real engine would read from the backend after the platform stack's `up`.
 */
export async function runInClusterStack(stack: string, platform: ResourceGraph, options: RunInClusterOptions = {}): Promise<ResourceGraph> {
    const { config, secretKeys } = loadStackConfig(stack, options.configOverrides, "incluster");
    const program = loadInClusterProgram(options.runEnv ?? {});
    return captureGraph(program, {
        project: INCLUSTER_PROJECT,
        stack,
        config,
        secretKeys,
        preview: options.preview,
        stackReferences: { [platformStackRef(platform.stack)]: { outputs: platform.outputs, secretOutputNames: platform.secretOutputs } },
    });
}

/** Both layers of one environment, planned in order. */
export interface LayeredGraphs {
    readonly platform: ResourceGraph;
    readonly incluster: ResourceGraph;
}

/** Plans the platform layer, then the in-cluster layer on its outputs. */
export async function runLayers(stack: string, options: { platform?: RunStackOptions; incluster?: RunInClusterOptions } = {}): Promise<LayeredGraphs> {
    const platform = await runStack(stack, options.platform);
    const incluster = await runInClusterStack(stack, platform, options.incluster);
    return { platform, incluster };
}

/**
 * The program's entry (index.ts), the function the Pulumi runtime calls. Loaded lazily: the
 * module registers nothing at import time, so importing it before the mocks is harmless.
 */
export function loadProgram(): Program {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require("../index") as Program;
}

/** The in-cluster program with a given run environment (what incluster/index.ts runs with process.env). */
export function loadInClusterProgram(runEnv: Readonly<Record<string, string | undefined>>): Program {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const incluster = require("../components/kubernetes/program") as typeof import("../components/kubernetes/program");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const config = require("../components/config/incluster") as typeof import("../components/config/incluster");
    return () => incluster.buildInCluster(config.loadInClusterConfig(runEnv), config.loadInClusterSecrets());
}

/**
 * A registration's aliases (the URNs it was known by before a move), whichever form the SDK sent:
 * plain URNs, or alias specs (a URN, or a name / type / parent URN against this resource's own).
 */
function aliasesOf(req: any): string[] {
    const urns: string[] = [...(req.getAliasurnsList?.() ?? [])];
    for (const a of req.getAliasesList?.() ?? []) {
        if (a.hasUrn?.() || a.getUrn?.()) {
            urns.push(String(a.getUrn()));
            continue;
        }
        const spec = a.getSpec?.();
        // Type-only specs are the providers' own version aliases (azure-native registers one per
        // API version on every resource): not a move, left out.
        if (spec && !spec.getType?.()) {
            urns.push(JSON.stringify({ name: spec.getName?.() || undefined, parentUrn: spec.getParenturn?.() || undefined, noParent: spec.getNoparent?.() || undefined }));
        }
    }
    return urns;
}
