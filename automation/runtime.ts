/**
 * What every command needs from the outside world, in one injectable object: where the project
 * is, which `pulumi` executable to drive, the clock, and where progress goes. The CLI builds the
 * real one; tests build one around the stub CLI and a fixed clock.
 */
import * as path from "path";

import { LocalWorkspace, PulumiCommand, PulumiFn, Stack } from "@pulumi/pulumi/automation";

import { NAMESPACE_PROJECT } from "./names";

export interface Runtime {
    /** The Pulumi project directory (Pulumi.yaml, stacks/, policy-pack/). */
    readonly projectDir: string;
    /** The `pulumi` CLI to drive. Default: the one first on PATH. */
    readonly pulumi: () => Promise<PulumiCommand>;
    /** Extra environment for every CLI call (on top of process.env). */
    readonly envVars: Readonly<Record<string, string>>;
    readonly now: () => Date;
    /** Our own progress lines ("==> destroying in-cluster objects"). */
    readonly log: (line: string) => void;
    /** The engine's output, streamed chunk by chunk as the CLI writes it. */
    readonly engine: (chunk: string) => void;
}

export function defaultRuntime(projectDir = path.resolve(__dirname, "..")): Runtime {
    let cmd: Promise<PulumiCommand> | undefined;
    return {
        projectDir,
        pulumi: () => (cmd ??= PulumiCommand.get()),
        envVars: {},
        now: () => new Date(),
        log: (line) => process.stderr.write(`${line}\n`),
        engine: (chunk) => process.stdout.write(chunk),
    };
}

/** A workspace on the project directory itself: the same program and stacks as `pulumi up`. */
export async function projectWorkspace(rt: Runtime): Promise<LocalWorkspace> {
    return LocalWorkspace.create({
        workDir: rt.projectDir,
        pulumiCommand: await rt.pulumi(),
        envVars: { ...rt.envVars },
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
    });
}

/** Options that stream the engine's output to the terminal / CI log while it runs. */
export function streaming(rt: Runtime): { onOutput: (s: string) => void; onError: (s: string) => void } {
    return { onOutput: rt.engine, onError: rt.engine };
}

export async function selectStack(ws: LocalWorkspace, name: string): Promise<Stack> {
    return Stack.select(name, ws);
}
