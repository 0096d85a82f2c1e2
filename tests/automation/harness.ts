/**
 * Test harness: a throwaway Pulumi project directory and the STUB `pulumi` CLI
 * (tests/automation/stub/pulumi.js) that the real Automation API SDK drives. What this proves is
 * our orchestration (the exact command lines, their order, the reaction to failures); it does not
 * deploy anything and it does not prove the real CLI or any cloud accepts these commands.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { PulumiCommand } from "@pulumi/pulumi/automation";
import { stringify } from "yaml";

import { Runtime } from "../../automation/runtime";

export const STUB = path.join(__dirname, "stub", "pulumi.js");
export const NOW = new Date("2030-01-01T00:00:00.000Z");

export interface StubStack {
    /** Held by a lock file a cancelled job left behind (DIY backend): updates refuse until `pulumi cancel`. */
    locked?: boolean;
    tags?: Record<string, string>;
    config?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
    secretOutputs?: string[];
    resources?: { urn: string; type: string }[];
    history?: unknown[];
}

export interface StubState {
    projects?: Record<string, { stacks: Record<string, StubStack>; current: string | null }>;
    canned?: Canned & { platform?: Canned; "platform-incluster"?: Canned };
    fail?: Record<string, string | { message?: string; times?: number; concurrent?: boolean }>;
    /** Where `preview`/`up` of the in-cluster project reach the "API" through PLATFORM_KUBE_PROXY_URL. */
    probe?: { host: string; port: number };
    probeResults?: { command: string; proxy: string; answer: string }[];
}

export interface Canned {
    outputs?: Record<string, unknown>;
    secretOutputs?: string[];
    resources?: { urn: string; type: string }[];
}

export interface Call {
    argv: string[];
    cwd: string;
    project?: string;
    env: Record<string, string>;
}

export interface Harness {
    readonly dir: string;
    readonly projectDir: string;
    readonly stubRoot: string;
    readonly rt: Runtime;
    readonly logs: string[];
    readonly engine: string[];
    setNow(d: Date): void;
    calls(): Call[];
    /** argv of every call except `version` (the SDK's CLI probe). */
    commands(): string[][];
    state(): StubState;
    writeState(s: StubState): void;
    clearCalls(): void;
}

export const DEV_AWS = {
    config: {
        "platform:cloud": "aws",
        "platform:environment": "dev",
        "platform:region": "eu-west-1",
        "platform:owner": "platform-team",
        "platform:costCenter": "cc-1234",
        "platform:network": { cidr: "10.10.0.0/16", zones: 2 },
        "platform:bastion": { allowedCidrs: ["203.0.113.0/24"] },
        "platform:cluster": {
            endpointAccess: "restricted",
            authorizedCidrs: ["203.0.113.0/24"],
            nodePools: { workload: { instanceType: "m6i.large", minSize: 2, maxSize: 5, desiredSize: 3 } },
        },
        "platform:tags": { team: "platform" },
        "platform:legacySecret": { secure: "v1:AAAAencryptedForDevOnly" },
    },
};

export const DEV_AWS_INCLUSTER = {
    config: {
        "platform-incluster:environment": "dev",
        "platform-incluster:addons": {
            gitops: { repoUrl: "https://github.com/example-org/platform-gitops.git", path: "envs/dev", revision: "main" },
            modelServing: { engine: "seldon-core", demo: false },
        },
        "platform-incluster:slackWebhookUrl": { secure: "v1:AAAAencryptedForDevOnly" },
    },
};

export function makeHarness(initial: StubState = {}): Harness {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "env-test-"));
    const projectDir = path.join(dir, "project");
    fs.mkdirSync(path.join(projectDir, "stacks"), { recursive: true });
    fs.mkdirSync(path.join(projectDir, "policy-pack", "config"), { recursive: true });
    fs.writeFileSync(path.join(projectDir, "Pulumi.yaml"), "name: platform\nruntime: nodejs\nstackConfigDir: stacks\n");
    fs.writeFileSync(path.join(projectDir, "stacks", "Pulumi.dev-aws.yaml"), stringify(DEV_AWS));
    fs.mkdirSync(path.join(projectDir, "incluster", "stacks"), { recursive: true });
    fs.writeFileSync(path.join(projectDir, "incluster", "Pulumi.yaml"), "name: platform-incluster\nruntime: nodejs\nmain: index.ts\nstackConfigDir: stacks\n");
    fs.writeFileSync(path.join(projectDir, "incluster", "stacks", "Pulumi.dev-aws.yaml"), stringify(DEV_AWS_INCLUSTER));
    for (const env of ["dev", "staging", "prod"]) {
        fs.writeFileSync(path.join(projectDir, "policy-pack", "config", `${env}.json`), "{}\n");
    }
    // PulumiCommand.get({ root }) runs <root>/bin/pulumi.
    const stubRoot = path.join(dir, "pulumi-root");
    fs.mkdirSync(path.join(stubRoot, "bin"), { recursive: true });
    fs.symlinkSync(STUB, path.join(stubRoot, "bin", "pulumi"));
    const logFile = path.join(dir, "calls.jsonl");
    const stateFile = path.join(dir, "state.json");
    fs.writeFileSync(stateFile, JSON.stringify(initial));
    fs.writeFileSync(logFile, "");

    const logs: string[] = [];
    const engine: string[] = [];
    let now = NOW;
    let cmd: Promise<PulumiCommand> | undefined;
    const rt: Runtime = {
        projectDir,
        pulumi: () => (cmd ??= PulumiCommand.get({ root: stubRoot, skipVersionCheck: true })),
        // Empty GITHUB_ACTOR / BUILD_USER_ID: the tests must not depend on the CI that runs them.
        envVars: { STUB_PULUMI_LOG: logFile, STUB_PULUMI_STATE: stateFile, GITHUB_ACTOR: "", BUILD_USER_ID: "", PULUMI_ORG: "" },
        now: () => now,
        log: (l) => logs.push(l),
        engine: (c) => engine.push(c),
    };
    const calls = (): Call[] =>
        fs
            .readFileSync(logFile, "utf8")
            .split("\n")
            .filter((l) => l !== "")
            .map((l) => JSON.parse(l) as Call);
    return {
        dir,
        projectDir,
        stubRoot,
        rt,
        logs,
        engine,
        setNow: (d) => (now = d),
        calls,
        commands: () => calls().filter((c) => c.argv[0] !== "version").map((c) => c.argv),
        state: () => JSON.parse(fs.readFileSync(stateFile, "utf8")) as StubState,
        writeState: (s) => fs.writeFileSync(stateFile, JSON.stringify(s)),
        clearCalls: () => fs.writeFileSync(logFile, ""),
    };
}

/** A stack as `npm run env -- up` leaves it (tags set), for list/destroy/reap tests. */
export function ephemeralStack(pr: number, expiresAt: string, extra: Partial<StubStack> = {}): StubStack {
    return {
        tags: {
            "platform:ephemeral": "true",
            "platform:pr": String(pr),
            "platform:cloud": "aws",
            "platform:scope": "stack",
            "platform:owner": "alice",
            "platform:created-at": "2029-12-31T16:00:00.000Z",
            "platform:expires-at": expiresAt,
        },
        config: {},
        outputs: {},
        resources: [],
        history: [],
        ...extra,
    };
}

export function urn(type: string, name: string, project = "platform", stack = "s"): string {
    return `urn:pulumi:${stack}::${project}::${type}::${name}`;
}
