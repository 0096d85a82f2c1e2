/**
 * Ephemeral environments: up, destroy, list, reap, unlock. Orchestration only; the
 * infrastructure is the two projects' programs (stack scope) or automation/namespace-program.ts
 * (namespace scope).
 *
 * Fail safe, not fail clean:
 * - only a failed FIRST create is torn down (nothing else exists to keep); a failed update keeps
 *   the environment as it was and says so;
 * - a stack held by another operation (a concurrent update, reap holding the lock) is never torn
 *   down: the run reports "busy" (exit 75) and can be retried; a lock left by a cancelled job is
 *   cleared only by the explicit `unlock` command;
 * - teardown removes the in-cluster stack first, through the same route `up` used (its objects
 *   own load balancers and volumes inside the network), then the platform stack.
 */
import { randomBytes } from "crypto";

import { LocalWorkspace, OutputMap, PulumiFn, Stack } from "@pulumi/pulumi/automation";

import { ephemeralConfig, ownerHandle, readStackConfig } from "./config";
import { cliErrorLine, deployLayers, Layer, LayerError, LayerRun, plainOutputs, routeOutputsOf } from "./deploy";
import {
    assertEphemeral,
    Cloud,
    ephemeralStackName,
    formatDuration,
    isEphemeral,
    NAMESPACE_PROJECT,
    parseEphemeralStackName,
    PLATFORM_PROJECT,
    INCLUSTER_PROJECT,
    Scope,
    TAGS,
    UsageError,
} from "./names";
import { namespaceProgram, NamespaceEnvArgs } from "./namespace-program";
import { policyPackFor } from "./policy";
import { KUBE_PROXY_ENV, openRoute, parseRoute, Route } from "./routes";
import { inClusterWorkspace, isConcurrentUpdate, namespaceWorkspace, projectWorkspace, Runtime, stackExists, streaming } from "./runtime";

export { policyPackFor } from "./policy";

/** Exit code of a run that found its stack busy (sysexits EX_TEMPFAIL): retry later, nothing was changed or destroyed. */
export const EXIT_BUSY = 75;

/** Another operation holds the stack: nothing was changed or destroyed; retry later or `unlock`. */
export class BusyError extends Error {
    readonly exitCode = EXIT_BUSY;
    constructor(
        readonly stackName: string,
        cause: unknown,
    ) {
        super(
            `${stackName} is busy: another update holds it (${firstLine(cause)}). Nothing was changed or destroyed; retry later. ` +
                `If no job is running (a cancelled CI job leaves its lock behind), clear it with \`npm run env -- unlock --stack ${stackName}\`.`,
        );
        this.name = "BusyError";
    }
}

export interface UpArgs {
    readonly pr: number;
    readonly cloud: Cloud;
    readonly ttl: string;
    readonly ttlMs: number;
    readonly scope: Scope;
    /** Default: $GITHUB_ACTOR, $BUILD_USER_ID (Jenkins), else `pulumi whoami`. */
    readonly owner?: string;
    /** Stack scope: how this run reaches the new cluster's API (default per cloud, routes.ts). */
    readonly route?: string;
    readonly socksPort?: number;
    readonly sshPort?: number;
    /** Tests inject the transport's process and the tunnel. */
    readonly routeOptions?: LayerRun["routeOptions"];
    /** Namespace scope only (see NamespaceEnvArgs). */
    readonly devStack?: string;
    readonly repoUrl?: string;
    readonly revision?: string;
    readonly appPath?: string;
}

export interface UpOutcome {
    readonly stack: string;
    readonly summary: string;
    readonly outputs: OutputMap;
}

function env(rt: Runtime, key: string): string | undefined {
    const v = rt.envVars[key] ?? process.env[key];
    return v === "" ? undefined : v;
}

/** 4 characters of [a-z0-9] for physical names (see EphemeralSettings.nonce). */
export function newNameNonce(): string {
    const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    return [...randomBytes(4)].map((b) => alphabet[b % alphabet.length]).join("");
}

function ephemeralTags(a: UpArgs, owner: string, createdAt: string, expiresAt: Date, nonce?: string): Record<string, string> {
    return {
        [TAGS.ephemeral]: "true",
        [TAGS.pr]: String(a.pr),
        [TAGS.cloud]: a.cloud,
        [TAGS.scope]: a.scope,
        [TAGS.owner]: owner,
        [TAGS.createdAt]: createdAt,
        // A push to the PR extends the lease: the TTL counts from the last `up`.
        [TAGS.expiresAt]: expiresAt.toISOString(),
        ...(nonce ? { [TAGS.nameNonce]: nonce } : {}),
    };
}

async function setTags(stack: Stack, tags: Record<string, string>): Promise<void> {
    for (const [k, v] of Object.entries(tags)) await stack.setTag(k, v);
}

export async function up(rt: Runtime, a: UpArgs): Promise<UpOutcome> {
    return a.scope === "stack" ? upStack(rt, a) : upNamespace(rt, a);
}

/** Stack scope: a whole platform (both layers) per pull request. */
async function upStack(rt: Runtime, a: UpArgs): Promise<UpOutcome> {
    const name = ephemeralStackName(a.pr, a.cloud);
    const expiresAt = new Date(rt.now().getTime() + a.ttlMs);
    // Everything that can be checked locally is checked before the first CLI call.
    const route = parseRoute(a.route, a.cloud);
    policyPackFor(rt.projectDir, "dev");
    readStackConfig(rt.projectDir, `dev-${a.cloud}`);
    readStackConfig(rt.projectDir, `dev-${a.cloud}`, "incluster");

    const ws = await projectWorkspace(rt);
    const owner = ownerHandle(a.owner ?? env(rt, "GITHUB_ACTOR") ?? env(rt, "BUILD_USER_ID") ?? (await ws.whoAmI()).user);
    // An existing stack of this name must be one of ours (a PR update): never adopt another.
    const existed = await stackExists(ws, name);
    let createdAt = rt.now().toISOString();
    let nonce = newNameNonce();
    if (existed) {
        const tags = await ws.listTags(name);
        assertEphemeral(name, tags, "update");
        createdAt = tags[TAGS.createdAt] ?? createdAt;
        const kept = tags[TAGS.nameNonce];
        if (kept === undefined || !/^[a-z0-9]{4}$/.test(kept)) {
            throw new UsageError(`${name} has no ${TAGS.nameNonce} tag (created by an older version of this tool): destroy it (\`npm run env -- destroy --stack ${name}\`) and create it again.`);
        }
        nonce = kept;
    }
    const settings = { cloud: a.cloud, pr: a.pr, owner, ttl: a.ttl, expiresAt, nonce };
    rt.log(`==> ${existed ? "updating" : "creating"} ${name} (scope stack, owner ${owner}, route ${route}, expires ${expiresAt.toISOString()})`);
    const started = rt.now();
    try {
        const result = await deployLayers(rt, {
            stack: name,
            environment: "dev",
            cloud: a.cloud,
            route,
            socksPort: a.socksPort ?? 0,
            sshPort: a.sshPort ?? 22,
            message: `ephemeral environment for PR #${a.pr}`,
            routeOptions: a.routeOptions,
            prepare: async (layer, stack) => {
                await setTags(stack, ephemeralTags(a, owner, createdAt, expiresAt, nonce));
                const cfg = ephemeralConfig(rt.projectDir, settings, layer);
                if (cfg.skippedSecrets.length > 0) {
                    rt.log(`warning: not copied from dev-${a.cloud} (secure values are encrypted for dev only): ${cfg.skippedSecrets.join(", ")}`);
                }
                await stack.setAllConfigJson(JSON.stringify(cfg.json));
            },
        });
        const took = rt.now().getTime() - started.getTime();
        const changes = (r?: { summary?: { resourceChanges?: Record<string, number> } }) => r?.summary?.resourceChanges ?? {};
        const p = changes(result.platform);
        const k = changes(result.incluster);
        const summary =
            `${name}: up in ${formatDuration(took)}; platform ${p.create ?? 0} created, ${p.update ?? 0} updated, ${p.same ?? 0} unchanged; ` +
            `in-cluster ${k.create ?? 0} created, ${k.update ?? 0} updated, ${k.same ?? 0} unchanged; expires ${expiresAt.toISOString()}; ` +
            describeOutputs({ ...result.platformOutputs, ...(result.incluster?.outputs ?? {}) }, name);
        return { stack: name, summary, outputs: { ...result.platformOutputs, ...(result.incluster?.outputs ?? {}) } };
    } catch (err) {
        if (isConcurrentUpdate(err) || isConcurrentUpdate((err as LayerError).failure)) {
            throw new BusyError(name, (err as LayerError).failure ?? err);
        }
        rt.log(`==> ${err instanceof LayerError ? err.message : `up of ${name} failed: ${firstLine(err)}`}`);
        if (existed) {
            throw new Error(
                `update of ${name} failed (${firstLine(err instanceof LayerError ? err.failure : err)}); the environment is KEPT as it was before this run ` +
                    `(nothing is destroyed on a failed update). Fix and push again, or destroy it with \`npm run env -- destroy --stack ${name}\`.`,
            );
        }
        rt.log(`==> ${name} did not exist before this run: tearing down what its first create made, so nothing is orphaned`);
        try {
            await teardownStack(rt, name, a.cloud, route, a);
        } catch (cleanupErr) {
            throw new Error(
                `first create of ${name} failed (${firstLine(err instanceof LayerError ? err.failure : err)}) AND its cleanup failed (${firstLine(cleanupErr)}). ` +
                    `The stacks are kept with their tags so that \`npm run env -- reap --cloud ${a.cloud}\` or ` +
                    `\`npm run env -- destroy --stack ${name}\` can retry.`,
            );
        }
        throw new Error(`first create of ${name} failed and was rolled back (both layers destroyed, stacks removed): ${firstLine(err instanceof LayerError ? err.failure : err)}`);
    }
}

/** Namespace scope: one namespace on the shared dev cluster, from an inline program. */
async function upNamespace(rt: Runtime, a: UpArgs): Promise<UpOutcome> {
    const name = ephemeralStackName(a.pr, a.cloud);
    const expiresAt = new Date(rt.now().getTime() + a.ttlMs);
    const policy = policyPackFor(rt.projectDir, "dev");
    const nsArgs = namespaceArgs(rt, a, "-", expiresAt);
    const ws = await namespaceWorkspace(rt, namespaceProgram(nsArgs));
    const owner = ownerHandle(a.owner ?? env(rt, "GITHUB_ACTOR") ?? env(rt, "BUILD_USER_ID") ?? (await ws.whoAmI()).user);
    const existed = await stackExists(ws, name);
    let createdAt = rt.now().toISOString();
    if (existed) {
        const tags = await ws.listTags(name);
        assertEphemeral(name, tags, "update");
        createdAt = tags[TAGS.createdAt] ?? createdAt;
    }
    const stack = existed ? await Stack.select(name, ws) : await Stack.create(name, ws);
    rt.log(`==> ${existed ? "updating" : "creating"} ${name} (scope namespace, owner ${owner}, expires ${expiresAt.toISOString()})`);
    const started = rt.now();
    try {
        await setTags(stack, ephemeralTags(a, owner, createdAt, expiresAt));
        const program = namespaceProgram({ ...nsArgs, owner });
        const opts = { policyPacks: [policy.pack], policyPackConfigs: [policy.config], program, ...streaming(rt) };
        await stack.preview({ ...opts, message: `preview: PR #${a.pr} namespace` });
        const result = await stack.up({ ...opts, message: `ephemeral namespace for PR #${a.pr}` });
        const changes = result.summary?.resourceChanges ?? {};
        const summary =
            `${name}: up in ${formatDuration(rt.now().getTime() - started.getTime())}, ${changes.create ?? 0} created, ${changes.update ?? 0} updated, ` +
            `${changes.same ?? 0} unchanged; expires ${expiresAt.toISOString()}; ${describeOutputs(result.outputs, name)}`;
        return { stack: name, summary, outputs: result.outputs };
    } catch (err) {
        if (isConcurrentUpdate(err)) throw new BusyError(name, err);
        if (existed) {
            throw new Error(`update of ${name} failed (${firstLine(err)}); the namespace is KEPT as it was. Fix and push again, or \`npm run env -- destroy --stack ${name}\`.`);
        }
        rt.log(`==> first create of ${name} failed: removing what it made`);
        try {
            await stack.destroy(streaming(rt));
            await ws.removeStack(name);
        } catch (cleanupErr) {
            throw new Error(`first create of ${name} failed (${firstLine(err)}) AND its cleanup failed (${firstLine(cleanupErr)}); kept with its tags for reap.`);
        }
        throw new Error(`first create of ${name} failed and was rolled back: ${firstLine(err)}`);
    }
}

function namespaceArgs(rt: Runtime, a: UpArgs, owner: string, expiresAt: Date): NamespaceEnvArgs {
    const org = env(rt, "PULUMI_ORG") ?? "organization";
    const repo = a.repoUrl ?? (env(rt, "GITHUB_REPOSITORY") ? `${env(rt, "GITHUB_SERVER_URL") ?? "https://github.com"}/${env(rt, "GITHUB_REPOSITORY")}.git` : undefined);
    if (repo === undefined) {
        throw new UsageError("--repo-url is required for --scope namespace outside GitHub Actions (the Git repository Argo CD syncs).");
    }
    return {
        pr: a.pr,
        cloud: a.cloud,
        owner,
        expiresAt,
        devStack: a.devStack ?? `${org}/${PLATFORM_PROJECT}/dev-${a.cloud}`,
        repoUrl: repo,
        revision: a.revision ?? `refs/pull/${a.pr}/head`,
        appPath: a.appPath ?? "deploy",
    };
}

/** Outputs that reach the environment: plain values shown, secrets named with how to read them. */
export function describeOutputs(outputs: OutputMap, stack: string): string {
    const shown: string[] = [];
    const secret: string[] = [];
    for (const [k, o] of Object.entries(outputs).sort(([x], [y]) => (x < y ? -1 : 1))) {
        if (o.secret) secret.push(k);
        else if (typeof o.value === "string" || typeof o.value === "number" || typeof o.value === "boolean") shown.push(`${k}=${o.value}`);
    }
    const parts = [shown.length > 0 ? `outputs: ${shown.join(" ")}` : "no plain outputs"];
    if (secret.length > 0) parts.push(`secrets: ${secret.join(", ")} (pulumi stack output <name> --show-secrets -s ${stack})`);
    return parts.join("; ");
}

export const firstLine = cliErrorLine;

async function resourceCount(stack: Stack): Promise<number> {
    const state = await stack.exportStack();
    const resources: { type: string }[] = state.deployment?.resources ?? [];
    return resources.filter((r) => r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:")).length;
}

/**
 * Both layers of a stack-scope environment, in order: the in-cluster stack (through the route;
 * if the platform has no cluster left, its state is dropped with PULUMI_K8S_DELETE_UNREACHABLE,
 * pulumi/pulumi-kubernetes#2489), then the platform stack; each stack removed once empty.
 */
export async function teardownStack(
    rt: Runtime,
    name: string,
    cloud: Cloud,
    route: Route,
    o: Pick<UpArgs, "socksPort" | "sshPort" | "routeOptions"> = {},
): Promise<void> {
    const pws = await projectWorkspace(rt);
    const platformExists = await stackExists(pws, name);
    const platform = platformExists ? await Stack.select(name, pws) : undefined;
    const outputs = platform ? await platform.outputs() : {};
    const hasCluster = platform !== undefined && outputs.clusterKubeconfig !== undefined && (await resourceCount(platform)) > 0;

    const kws0 = await inClusterWorkspace(rt);
    if (await stackExists(kws0, name)) {
        const k0 = await Stack.select(name, kws0);
        const count = await resourceCount(k0);
        if (count === 0) {
            rt.log(`==> 1/2 in-cluster stack ${name}: nothing deployed`);
        } else if (hasCluster) {
            const config = Object.fromEntries(Object.entries(await platform!.getAllConfig()).map(([k, v]) => [k, v.value]));
            try {
                const opened = await openRoute(route, routeOutputsOf(cloud, outputs, config), { socksPort: o.socksPort ?? 0, sshPort: o.sshPort ?? 22, log: rt.log, ...o.routeOptions });
                try {
                    rt.log(`==> 1/2 destroying ${count} in-cluster objects of ${name} first (they own load balancers and volumes), route ${opened.route}`);
                    const kws = await inClusterWorkspace(rt, opened.proxyUrl ? { [KUBE_PROXY_ENV]: opened.proxyUrl } : {});
                    await (await Stack.select(name, kws)).destroy(streaming(rt));
                } finally {
                    await opened.close();
                }
            } catch (err) {
                if (cloud !== "azure" || isConcurrentUpdate(err)) throw err;
                // AKS creates the load balancers and disks of Services and volumes in the cluster's
                // node resource group, which Azure deletes with the cluster
                // (https://learn.microsoft.com/en-us/azure/aks/faq#why-are-two-resource-groups-created-with-aks):
                // an unreachable AKS API cannot strand anything in the network, so its in-cluster state
                // is dropped. EKS and GKE load balancers and disks outlive their cluster: there, fail.
                rt.log(`==> 1/2 the AKS API of ${name} is unreachable (${firstLine(err)}); its load balancers and disks go with the cluster's node resource group: dropping ${count} in-cluster objects from state`);
                const kws = await inClusterWorkspace(rt, { PULUMI_K8S_DELETE_UNREACHABLE: "true" });
                await (await Stack.select(name, kws)).destroy(streaming(rt));
            }
        } else {
            rt.log(`==> 1/2 the cluster of ${name} is gone: dropping ${count} in-cluster objects from state (PULUMI_K8S_DELETE_UNREACHABLE)`);
            const kws = await inClusterWorkspace(rt, { PULUMI_K8S_DELETE_UNREACHABLE: "true" });
            await (await Stack.select(name, kws)).destroy(streaming(rt));
        }
        await kws0.removeStack(name);
    } else {
        rt.log(`==> 1/2 no in-cluster stack ${name}`);
    }
    if (platform) {
        rt.log(`==> 2/2 destroying the platform stack ${name}`);
        await platform.destroy(streaming(rt));
        await pws.removeStack(name);
    } else {
        rt.log(`==> 2/2 no platform stack ${name}`);
    }
}

export interface Located {
    readonly ws: LocalWorkspace;
    readonly scope: Scope;
    readonly name: string;
    readonly tags: Record<string, string>;
}

/** Finds an ephemeral stack in either project, checks it is ours; reads only. */
export async function locate(rt: Runtime, name: string, action: string): Promise<Located> {
    const parsed = parseEphemeralStackName(name);
    if (parsed === undefined) assertEphemeral(name, {}, action); // throws the "not ephemeral" message
    for (const scope of ["stack", "namespace"] as const) {
        const ws = await workspaceFor(rt, scope, name);
        if (await stackExists(ws, name)) {
            const tags = await ws.listTags(name);
            assertEphemeral(name, tags, action);
            return { ws, scope, name, tags };
        }
    }
    // A first create that failed between the layers can leave only the in-cluster stack.
    const kws = await inClusterWorkspace(rt);
    if (await stackExists(kws, name)) {
        const tags = await kws.listTags(name);
        assertEphemeral(name, tags, action);
        return { ws: kws, scope: "stack", name, tags };
    }
    throw new UsageError(`no stack named "${name}" in project ${PLATFORM_PROJECT}, ${INCLUSTER_PROJECT} or ${NAMESPACE_PROJECT}: nothing to ${action}.`);
}

async function workspaceFor(rt: Runtime, scope: Scope, name: string): Promise<LocalWorkspace> {
    if (scope === "stack") return projectWorkspace(rt);
    const parsed = parseEphemeralStackName(name);
    // Destroy does not run the program, but an inline workspace needs one to drive the engine.
    const program: PulumiFn | undefined = parsed
        ? namespaceProgram({ pr: parsed.pr, cloud: parsed.cloud, owner: "-", expiresAt: new Date(0), devStack: "-", repoUrl: "-", revision: "-", appPath: "-" })
        : undefined;
    return namespaceWorkspace(rt, program);
}

export interface DestroyOptions {
    readonly route?: string;
    readonly socksPort?: number;
    readonly sshPort?: number;
    readonly routeOptions?: LayerRun["routeOptions"];
}

async function destroyLocated(rt: Runtime, found: Located, o: DestroyOptions): Promise<void> {
    const parsed = parseEphemeralStackName(found.name)!;
    try {
        if (found.scope === "stack") {
            await teardownStack(rt, found.name, parsed.cloud, parseRoute(o.route, parsed.cloud), o);
        } else {
            const stack = await Stack.select(found.name, found.ws);
            await stack.destroy(streaming(rt));
            await found.ws.removeStack(found.name);
        }
    } catch (err) {
        if (isConcurrentUpdate(err)) throw new BusyError(found.name, err);
        throw err;
    }
}

export async function destroy(rt: Runtime, name: string, o: DestroyOptions = {}): Promise<string> {
    const found = await locate(rt, name, "destroy");
    const started = rt.now();
    await destroyLocated(rt, found, o);
    return `${name}: destroyed and removed in ${formatDuration(rt.now().getTime() - started.getTime())}`;
}

/**
 * Clears the lock a cancelled job left on a stack (`pulumi cancel`, which Pulumi Cloud and DIY
 * backends both support: pulumi/pulumi#9100). Explicit, never automatic: it also cancels an
 * update that IS running. Every layer's stack of that name is unlocked.
 */
export async function unlock(rt: Runtime, name: string): Promise<string> {
    const done: string[] = [];
    const workspaces: [string, LocalWorkspace][] = [
        [PLATFORM_PROJECT, await projectWorkspace(rt)],
        [INCLUSTER_PROJECT, await inClusterWorkspace(rt)],
    ];
    if (parseEphemeralStackName(name)) workspaces.push([NAMESPACE_PROJECT, await workspaceFor(rt, "namespace", name)]);
    for (const [project, ws] of workspaces) {
        if (await stackExists(ws, name)) {
            rt.log(`==> cancelling any update of ${project}/${name} and clearing its lock`);
            await (await Stack.select(name, ws)).cancel();
            done.push(`${project}/${name}`);
        }
    }
    if (done.length === 0) {
        throw new UsageError(`no stack named "${name}" in ${workspaces.map(([p]) => p).join(", ")}: nothing to unlock.`);
    }
    return `unlocked ${done.join(", ")}`;
}

export interface EnvRow {
    readonly stack: string;
    readonly project: string;
    readonly scope: Scope;
    readonly pr: number;
    readonly cloud: Cloud;
    readonly owner?: string;
    readonly createdAt?: string;
    readonly expiresAt?: string;
    /** Carries our tag: `destroy`/`reap` will act on it. */
    readonly managed: boolean;
    readonly expired: boolean;
}

/** Every stack with an ephemeral name, in the platform and namespace projects, with its tags. Reads only. */
export async function list(rt: Runtime, cloud?: Cloud): Promise<EnvRow[]> {
    const rows: EnvRow[] = [];
    for (const [scope, project] of [
        ["stack", PLATFORM_PROJECT],
        ["namespace", NAMESPACE_PROJECT],
    ] as const) {
        const ws = scope === "stack" ? await projectWorkspace(rt) : await namespaceWorkspace(rt);
        for (const s of await ws.listStacks()) {
            const parsed = parseEphemeralStackName(s.name);
            if (parsed === undefined) continue; // dev-aws, prod-gcp, ...: never ours
            if (cloud !== undefined && parsed.cloud !== cloud) continue;
            const tags = await ws.listTags(s.name);
            const expires = tags[TAGS.expiresAt];
            const expiresMs = expires === undefined ? NaN : Date.parse(expires);
            rows.push({
                stack: s.name,
                project,
                scope,
                pr: parsed.pr,
                cloud: parsed.cloud,
                owner: tags[TAGS.owner],
                createdAt: tags[TAGS.createdAt],
                expiresAt: expires,
                managed: isEphemeral(s.name, tags),
                expired: !Number.isNaN(expiresMs) && expiresMs <= rt.now().getTime(),
            });
        }
    }
    return rows;
}

export function formatRows(rows: readonly EnvRow[]): string {
    if (rows.length === 0) return "no ephemeral environments";
    const header = ["STACK", "SCOPE", "PR", "OWNER", "CREATED", "EXPIRES", "STATE"];
    const body = rows.map((r) => [
        r.stack,
        r.scope,
        String(r.pr),
        r.owner ?? "-",
        r.createdAt ?? "-",
        r.expiresAt ?? "-",
        !r.managed ? "unmanaged (no platform:ephemeral tag)" : r.expired ? "EXPIRED" : "active",
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
    return [header, ...body].map((cols) => cols.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd()).join("\n");
}

/** Which rows `reap` destroys: ours, with a valid expiry in the past. Pure, for tests. */
export function selectForReap(rows: readonly EnvRow[]): { reap: EnvRow[]; skipped: { row: EnvRow; reason: string }[] } {
    const reap: EnvRow[] = [];
    const skipped: { row: EnvRow; reason: string }[] = [];
    for (const row of rows) {
        if (!row.managed) skipped.push({ row, reason: `no ${TAGS.ephemeral}=true tag: not created by this tool` });
        else if (row.expiresAt === undefined || Number.isNaN(Date.parse(row.expiresAt)))
            skipped.push({ row, reason: `no valid ${TAGS.expiresAt} tag: destroy it explicitly` });
        else if (row.expired) reap.push(row);
    }
    return { reap, skipped };
}

export interface ReapOutcome {
    readonly reaped: string[];
    readonly failed: { stack: string; error: string }[];
    /** Held by another operation: left for the next run (not a failure). */
    readonly busy: string[];
    readonly skipped: { stack: string; reason: string }[];
}

/**
 * Destroys and removes every expired ephemeral environment of ONE cloud (each cloud's reap runs
 * with that cloud's credentials); one failure does not stop the others; a busy stack is left
 * for the next run.
 */
export async function reap(rt: Runtime, cloud: Cloud, o: DestroyOptions = {}): Promise<ReapOutcome> {
    const { reap: due, skipped } = selectForReap(await list(rt, cloud));
    for (const s of skipped) rt.log(`skip ${s.row.stack}: ${s.reason}`);
    const reaped: string[] = [];
    const failed: { stack: string; error: string }[] = [];
    const busy: string[] = [];
    for (const row of due) {
        rt.log(`==> reaping ${row.stack} (expired ${row.expiresAt})`);
        try {
            // locate() re-reads the tags right before destroying: a lease extended meanwhile wins.
            const found = await locate(rt, row.stack, "reap");
            const expires = Date.parse(found.tags[TAGS.expiresAt] ?? "");
            if (!(expires <= rt.now().getTime())) {
                rt.log(`skip ${row.stack}: its lease was extended to ${found.tags[TAGS.expiresAt]}`);
                continue;
            }
            await destroyLocated(rt, found, o);
            reaped.push(row.stack);
        } catch (err) {
            if (err instanceof BusyError) {
                busy.push(row.stack);
                rt.log(`==> ${row.stack} is busy (another operation holds it): left for the next reap`);
                continue;
            }
            failed.push({ stack: row.stack, error: firstLine(err) });
            rt.log(`==> reaping ${row.stack} failed: ${firstLine(err)}`);
        }
    }
    return { reaped, failed, busy, skipped: skipped.map((s) => ({ stack: s.row.stack, reason: s.reason })) };
}

/** The layer a stack-scope environment's stacks live in (exported for tests). */
export const STACK_LAYERS: readonly Layer[] = ["platform", "incluster"];

/** Plain outputs (for callers that print). */
export { plainOutputs };
