/**
 * What every command needs from the outside world, in one injectable object: where the project
 * is, which `pulumi` executable to drive, the clock, and where progress goes. The CLI builds the
 * real one; tests build one around the stub CLI and a fixed clock.
 */
import * as fs from "fs";
import * as path from "path";

import { LocalWorkspace, PulumiCommand, PulumiFn, Stack } from "@pulumi/pulumi/automation";
import * as semver from "semver";

import { NAMESPACE_PROJECT, UsageError } from "./names";

export interface Runtime {
    /** The platform project directory (Pulumi.yaml, stacks/, incluster/, policy-pack/). */
    readonly projectDir: string;
    /** The `pulumi` CLI to drive. Default: the one first on PATH, checked ({@link checkedPulumi}). */
    readonly pulumi: () => Promise<PulumiCommand>;
    /** Extra environment for every CLI call (on top of process.env). */
    readonly envVars: Readonly<Record<string, string>>;
    readonly now: () => Date;
    /** Our own progress lines ("==> destroying in-cluster objects"). */
    readonly log: (line: string) => void;
    /** The engine's output, streamed chunk by chunk as the CLI writes it. */
    readonly engine: (chunk: string) => void;
    /**
     * `--secrets-provider` for the stacks this tool CREATES (existing stacks keep theirs):
     * `awskms://...`, `azurekeyvault://...`, `gcpkms://...` or `passphrase`. Default: the
     * backend's (Pulumi Cloud's per-stack key; a DIY backend asks for a passphrase).
     */
    readonly secretsProvider?: string;
}

/** The in-cluster layer's project directory, relative to the platform project. */
export const INCLUSTER_DIR = "incluster";

/**
 * The oldest Pulumi CLI this tool drives: the version of the `@pulumi/pulumi` SDK it is built
 * with. The Automation API passes the CLI the flags of its own version (e.g. `config set-all
 * --json`, pulumi/pulumi#19427, 2025), and Pulumi ships CLI and SDK in lockstep, so a CLI older
 * than the SDK may not know them: refuse it up front instead of failing halfway through an up.
 */
export function minimumCliVersion(): semver.SemVer {
    const pkg = JSON.parse(fs.readFileSync(require.resolve("@pulumi/pulumi/package.json"), "utf8")) as { version: string };
    return new semver.SemVer(pkg.version);
}

const INSTALL = "https://www.pulumi.com/docs/iac/download-install/";

/**
 * The Pulumi CLI first on PATH (or under `root`), refused with a clear message when it is
 * missing or older than {@link minimumCliVersion}; never a raw `spawn pulumi ENOENT`.
 */
export async function checkedPulumi(opts: { root?: string; minimum?: semver.SemVer } = {}): Promise<PulumiCommand> {
    const minimum = opts.minimum ?? minimumCliVersion();
    try {
        return await PulumiCommand.get({ root: opts.root, version: minimum });
    } catch (err) {
        const text = err instanceof Error ? `${err.message} ${(err as { code?: string }).code ?? ""}` : String(err);
        if (/ENOENT|not found|No such file/i.test(text)) {
            throw new UsageError(
                `the Pulumi CLI was not found${opts.root ? ` under ${opts.root}` : " on PATH"}. Install v${minimum.version} or newer (${INSTALL}; ` +
                    `CI: pulumi/actions or \`curl -fsSL https://get.pulumi.com | sh -s -- --version ${minimum.version}\`), then retry.`,
            );
        }
        const found = /current CLI version is (\S+?)\.? Please/.exec(text)?.[1];
        if (found || /Minimum version requirement failed/.test(text)) {
            throw new UsageError(
                `the Pulumi CLI ${found ? `v${found.replace(/^v/, "")} ` : ""}is older than v${minimum.version}, the oldest this tool drives (the @pulumi/pulumi SDK it is built with). ` +
                    `Upgrade it (\`pulumi self-update\`, or ${INSTALL}), then retry.`,
            );
        }
        throw err;
    }
}

export function defaultRuntime(projectDir = path.resolve(__dirname, "..")): Runtime {
    let cmd: Promise<PulumiCommand> | undefined;
    return {
        projectDir,
        pulumi: () => (cmd ??= checkedPulumi()),
        envVars: {},
        now: () => new Date(),
        log: (line) => process.stderr.write(`${line}\n`),
        engine: (chunk) => process.stdout.write(chunk),
    };
}

/** A workspace on the platform project itself: the same program and stacks as `pulumi up`. */
export async function projectWorkspace(rt: Runtime, extraEnv: Readonly<Record<string, string>> = {}): Promise<LocalWorkspace> {
    return LocalWorkspace.create({
        workDir: rt.projectDir,
        pulumiCommand: await rt.pulumi(),
        envVars: { ...rt.envVars, ...extraEnv },
        ...(rt.secretsProvider ? { secretsProvider: rt.secretsProvider } : {}),
    });
}

/**
 * A workspace on the in-cluster project (incluster/): its stacks have the platform stacks' names.
 * `extraEnv` carries the run's route to the API (PLATFORM_KUBE_PROXY_URL), never stack config.
 */
export async function inClusterWorkspace(rt: Runtime, extraEnv: Readonly<Record<string, string>> = {}): Promise<LocalWorkspace> {
    return LocalWorkspace.create({
        workDir: path.join(rt.projectDir, INCLUSTER_DIR),
        pulumiCommand: await rt.pulumi(),
        envVars: { ...rt.envVars, ...extraEnv },
        ...(rt.secretsProvider ? { secretsProvider: rt.secretsProvider } : {}),
    });
}

/**
 * A workspace for the namespace-scope project. With a `program` the stack runs it inline; without
 * one the workspace is only used to list, tag and remove stacks.
 */
export async function namespaceWorkspace(rt: Runtime, program?: PulumiFn): Promise<LocalWorkspace> {
    return LocalWorkspace.create({
        program,
        projectSettings: {
            name: NAMESPACE_PROJECT,
            runtime: "nodejs",
            description: "Per-pull-request namespaces on the shared dev cluster (automation/namespace-program.ts)",
        },
        pulumiCommand: await rt.pulumi(),
        envVars: { ...rt.envVars },
        ...(rt.secretsProvider ? { secretsProvider: rt.secretsProvider } : {}),
    });
}

/** Options that stream the engine's output to the terminal / CI log while it runs. */
export function streaming(rt: Runtime): { onOutput: (s: string) => void; onError: (s: string) => void } {
    return { onOutput: rt.engine, onError: rt.engine };
}

export async function selectStack(ws: LocalWorkspace, name: string): Promise<Stack> {
    return Stack.select(name, ws);
}

/** Whether the stack exists in the workspace's project (backends may list fully qualified names). */
export async function stackExists(ws: LocalWorkspace, name: string): Promise<boolean> {
    return (await ws.listStacks()).some((s) => s.name === name || s.name.endsWith(`/${name}`));
}

/**
 * A stack held by another operation: Pulumi Cloud's 409 (the SDK's ConcurrentUpdateError) or a
 * DIY backend's lock file ("the stack is currently locked by N lock(s)").
 */
export function isConcurrentUpdate(err: unknown): boolean {
    if (err && typeof err === "object" && (err as { name?: string }).name === "ConcurrentUpdateError") return true;
    const text = err instanceof Error ? err.message : String(err);
    return /\[409\] Conflict: Another update is currently in progress|the stack is currently locked by \d+ lock/.test(text);
}

/** Accepted values of `--secrets-provider` (the CLI's own schemes). */
export const SECRETS_PROVIDERS = ["passphrase", "awskms://", "azurekeyvault://", "gcpkms://", "hashivault://", "default"] as const;

/** Validates `--secrets-provider`; `undefined` keeps the backend's default. */
export function parseSecretsProvider(value: string | undefined): string | undefined {
    if (value === undefined || value === "" || value === "default") return undefined;
    if (value === "passphrase" || /^(awskms|azurekeyvault|gcpkms|hashivault):\/\/\S+$/.test(value)) return value;
    throw new UsageError(
        `--secrets-provider "${value}" is not a Pulumi secrets provider: use passphrase, awskms://<key id or alias>?region=<r>, ` +
            `azurekeyvault://<vault>.vault.azure.net/keys/<key>, gcpkms://projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>, or default.`,
    );
}
