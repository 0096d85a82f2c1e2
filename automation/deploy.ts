/**
 * `deploy --stack <s>`: both layers of one environment, in order, each gated by a preview with
 * the policy pack:
 *
 *   1. platform stack (project `platform`, stacks/Pulumi.<s>.yaml): preview, then up;
 *   2. the route to the Kubernetes API, a property of THIS run (`--route`, default per cloud:
 *      AWS SSM, GCP IAP, Azure direct from a VNet runner), SSH with the bastion's pinned host key;
 *   3. in-cluster stack (project `platform-incluster`, incluster/stacks/Pulumi.<s>.yaml) with
 *      PLATFORM_KUBE_PROXY_URL set for this run only: preview, then up;
 *   4. the route closed (always, also on failure).
 *
 * No stack config is written: nothing about the route ever reaches a stack file or state, and
 * the in-cluster provider's `clusterIdentifier` makes a changed route an update, not a
 * replacement. `up` through the Automation API skips its own preview (`--skip-preview`), so
 * a resource policy would stop it only midway: the explicit preview is the gate.
 */
import { LocalWorkspace, OutputMap, Stack, UpResult } from "@pulumi/pulumi/automation";

import { readStackConfig } from "./config";
import { CLOUDS, Cloud, formatDuration, UsageError } from "./names";
import { policyPackFor } from "./policy";
import { KUBE_PROXY_ENV, openRoute, OpenRouteOptions, parseRoute, Route, RouteOutputs } from "./routes";
import { inClusterWorkspace, projectWorkspace, Runtime, streaming } from "./runtime";

export type Environment = "dev" | "staging" | "prod";
export type Layer = "platform" | "incluster";
export const LAYER_NAMES: Readonly<Record<Layer, string>> = { platform: "platform", incluster: "in-cluster" };

export interface LayerRun {
    readonly stack: string;
    readonly environment: Environment;
    readonly cloud: Cloud;
    readonly route: Route;
    readonly socksPort: number;
    readonly sshPort: number;
    /** Preview both layers, change nothing. */
    readonly previewOnly?: boolean;
    /** Update message recorded in each stack's history. */
    readonly message: string;
    /** Called on each layer's stack before its preview (ephemeral environments set tags and config here). */
    readonly prepare?: (layer: Layer, stack: Stack) => Promise<void>;
    /** Tests inject the transport's process and the tunnel. */
    readonly routeOptions?: Pick<OpenRouteOptions, "spawn" | "openTunnel">;
}

export interface LayerRunResult {
    readonly platform?: UpResult;
    readonly incluster?: UpResult;
    readonly platformOutputs: OutputMap;
    /** Per layer: whether its stack existed before this run. */
    readonly existed: Readonly<Record<Layer, boolean>>;
}

/** A failure in one layer, naming it (the orchestrators decide what to keep). */
export class LayerError extends Error {
    constructor(
        readonly layer: Layer,
        readonly phase: "preview" | "up" | "route",
        readonly failure: unknown,
    ) {
        super(`${LAYER_NAMES[layer]} layer ${phase} failed: ${cliErrorLine(failure)}`);
        this.name = "LayerError";
    }
}

/** The line of a CLI failure that says what went wrong (its `error:` line), else its first line. */
export function cliErrorLine(err: unknown): string {
    const msg = err instanceof Error ? err.message : String(err);
    const lines = msg.split("\n").map((l) => l.trim());
    return lines.find((l) => l.startsWith("error:")) ?? lines.find((l) => l !== "" && !l.startsWith("code:")) ?? msg;
}

async function selectOrCreate(ws: LocalWorkspace, name: string): Promise<{ stack: Stack; existed: boolean }> {
    const existed = (await ws.listStacks()).some((s) => s.name === name || s.name.endsWith(`/${name}`));
    return { stack: existed ? await Stack.select(name, ws) : await Stack.create(name, ws), existed };
}

/** Plain values of a stack's outputs (secrets revealed: they stay in this process). */
export function plainOutputs(outputs: OutputMap): Record<string, unknown> {
    return Object.fromEntries(Object.entries(outputs).map(([k, o]) => [k, o.value]));
}

/** What a route reads, from the platform stack's outputs and config. */
export function routeOutputsOf(cloud: Cloud, outputs: OutputMap, config: Readonly<Record<string, unknown>>): RouteOutputs {
    const o = plainOutputs(outputs);
    const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
    return {
        cloud,
        region: str(o.region) ?? str(config["platform:region"]) ?? "",
        bastionPublicIp: str(o.bastionPublicIp),
        bastionSshUser: str(o.bastionSshUser),
        bastionPrivateKeyPem: str(o.bastionPrivateKeyPem),
        bastionHostKeyFingerprint: str(o.bastionHostKeyFingerprint),
        bastionTunnelTarget: str(o.bastionTunnelTarget),
        bastionZone: str(o.bastionZone),
        gcpProject: str(config["platform:gcpProject"]),
    };
}

/**
 * Runs both layers in order (see the file comment). Throws {@link LayerError} naming the layer
 * and phase; a preview failure changes nothing in that layer.
 */
export async function deployLayers(rt: Runtime, run: LayerRun): Promise<LayerRunResult> {
    const policy = policyPackFor(rt.projectDir, run.environment);
    const opts = { policyPacks: [policy.pack], policyPackConfigs: [policy.config], ...streaming(rt) };

    const p = await selectOrCreate(await projectWorkspace(rt), run.stack);
    await run.prepare?.("platform", p.stack);
    rt.log(`==> platform/${run.stack}: preview with the policy pack (${run.environment})`);
    try {
        await p.stack.preview({ ...opts, message: run.message });
    } catch (err) {
        throw new LayerError("platform", "preview", err);
    }
    let platform: UpResult | undefined;
    if (!run.previewOnly) {
        rt.log(`==> platform/${run.stack}: up`);
        try {
            platform = await p.stack.up({ ...opts, message: run.message });
        } catch (err) {
            throw new LayerError("platform", "up", err);
        }
    }
    const platformOutputs = await p.stack.outputs();
    if (run.previewOnly && platformOutputs.clusterKubeconfig === undefined) {
        rt.log(`==> platform-incluster/${run.stack}: not previewed: the platform stack has no cluster yet (deploy it first)`);
        return { platform, platformOutputs, existed: { platform: p.existed, incluster: false } };
    }

    const config = plainConfig(await p.stack.getAllConfig());
    const route = await openRoute(run.route, routeOutputsOf(run.cloud, platformOutputs, config), {
        socksPort: run.socksPort,
        sshPort: run.sshPort,
        log: rt.log,
        ...run.routeOptions,
    }).catch((err: unknown) => {
        throw new LayerError("incluster", "route", err);
    });
    try {
        rt.log(`==> platform-incluster/${run.stack}: route ${route.route}${route.proxyUrl ? ` (${KUBE_PROXY_ENV}=${route.proxyUrl})` : ""}`);
        const ws = await inClusterWorkspace(rt, route.proxyUrl ? { [KUBE_PROXY_ENV]: route.proxyUrl } : {});
        const k = await selectOrCreate(ws, run.stack);
        await run.prepare?.("incluster", k.stack);
        rt.log(`==> platform-incluster/${run.stack}: preview with the policy pack (${run.environment})`);
        try {
            await k.stack.preview({ ...opts, message: run.message });
        } catch (err) {
            throw new LayerError("incluster", "preview", err);
        }
        let incluster: UpResult | undefined;
        if (!run.previewOnly) {
            rt.log(`==> platform-incluster/${run.stack}: up`);
            try {
                incluster = await k.stack.up({ ...opts, message: run.message });
            } catch (err) {
                throw new LayerError("incluster", "up", err);
            }
        }
        return { platform, incluster, platformOutputs, existed: { platform: p.existed, incluster: k.existed } };
    } finally {
        await route.close();
    }
}

function plainConfig(config: Record<string, { value: string; secret?: boolean }>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, v.value]));
}

export interface DeployArgs {
    readonly stack: string;
    readonly route?: string;
    readonly socksPort: number;
    readonly sshPort: number;
    readonly previewOnly?: boolean;
    readonly routeOptions?: LayerRun["routeOptions"];
}

/** A long-lived stack's environment and cloud, from ITS stack file (never from its name). */
export function stackIdentity(projectDir: string, stack: string): { environment: Environment; cloud: Cloud } {
    const config = readStackConfig(projectDir, stack);
    const environment = config["platform:environment"];
    const cloud = config["platform:cloud"];
    if (environment !== "dev" && environment !== "staging" && environment !== "prod") {
        throw new UsageError(`stacks/Pulumi.${stack}.yaml: platform:environment is ${JSON.stringify(environment)}; use dev, staging or prod.`);
    }
    if (!(CLOUDS as readonly unknown[]).includes(cloud)) {
        throw new UsageError(`stacks/Pulumi.${stack}.yaml: platform:cloud is ${JSON.stringify(cloud)}; use one of ${CLOUDS.join(", ")}.`);
    }
    readStackConfig(projectDir, stack, "incluster"); // its in-cluster stack file must exist too
    return { environment, cloud: cloud as Cloud };
}

/** `deploy --stack <s>`: both layers of a long-lived environment (dev, staging, prod on any cloud). */
export async function deploy(rt: Runtime, a: DeployArgs): Promise<string> {
    if (a.stack.startsWith("ephemeral-")) {
        throw new UsageError(`--stack "${a.stack}" is an ephemeral environment: use \`npm run env -- up --pr <n> --cloud <cloud>\`, which owns its lifecycle.`);
    }
    const { environment, cloud } = stackIdentity(rt.projectDir, a.stack);
    const route = parseRoute(a.route, cloud);
    const started = rt.now();
    await deployLayers(rt, {
        stack: a.stack,
        environment,
        cloud,
        route,
        socksPort: a.socksPort,
        sshPort: a.sshPort,
        previewOnly: a.previewOnly,
        message: `deploy ${a.stack} (${a.previewOnly ? "preview" : "up"}, route ${route})`,
        routeOptions: a.routeOptions,
    });
    return `${a.stack}: ${a.previewOnly ? "previewed" : "deployed"} both layers in ${formatDuration(rt.now().getTime() - started.getTime())} (route ${route})`;
}
