/**
 * Ephemeral environments: up, destroy, list, reap. Orchestration only; the infrastructure is the
 * project program (stack scope) or automation/namespace-program.ts (namespace scope).
 */
import * as fs from "fs";
import * as path from "path";

import { LocalWorkspace, OutputMap, PulumiFn, Stack } from "@pulumi/pulumi/automation";

import { ephemeralConfig, ownerHandle } from "./config";
import {
    assertEphemeral,
    Cloud,
    ephemeralStackName,
    formatDuration,
    isEphemeral,
    NAMESPACE_PROJECT,
    parseEphemeralStackName,
    PLATFORM_PROJECT,
    Scope,
    TAGS,
    UsageError,
} from "./names";
import { namespaceProgram, NamespaceEnvArgs } from "./namespace-program";
import { namespaceWorkspace, projectWorkspace, Runtime, streaming } from "./runtime";

export interface UpArgs {
    readonly pr: number;
    readonly cloud: Cloud;
    readonly ttl: string;
    readonly ttlMs: number;
    readonly scope: Scope;
    /** Default: $GITHUB_ACTOR, $BUILD_USER_ID (Jenkins), else `pulumi whoami`. */
    readonly owner?: string;
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

/** Absolute policy pack path and its config for an environment; checked before anything runs. */
export function policyPackFor(projectDir: string, env: string): { pack: string; config: string } {
    const pack = path.join(projectDir, "policy-pack");
    const config = path.join(pack, "config", `${env}.json`);
    for (const p of [pack, config]) {
        if (!fs.existsSync(p)) {
            throw new UsageError(`${path.relative(projectDir, p)} not found: \`up\` always enforces the policy pack.`);
        }
    }
    return { pack, config };
}

function env(rt: Runtime, key: string): string | undefined {
    const v = rt.envVars[key] ?? process.env[key];
    return v === "" ? undefined : v;
}

export async function up(rt: Runtime, a: UpArgs): Promise<UpOutcome> {
    const name = ephemeralStackName(a.pr, a.cloud);
    const createdAt = rt.now();
    const expiresAt = new Date(createdAt.getTime() + a.ttlMs);
    // Everything that can be checked locally is checked before the first CLI call.
    const policy = policyPackFor(rt.projectDir, "dev");
    let ws: LocalWorkspace;
    let configure: (stack: Stack, owner: string) => Promise<void>;
    let program: (owner: string) => PulumiFn | undefined = () => undefined;
    if (a.scope === "stack") {
        ephemeralConfig(rt.projectDir, { cloud: a.cloud, pr: a.pr, owner: "-", ttl: a.ttl, expiresAt }); // validates the dev file
        ws = await projectWorkspace(rt);
        configure = async (stack, owner) => {
            const cfg = ephemeralConfig(rt.projectDir, { cloud: a.cloud, pr: a.pr, owner, ttl: a.ttl, expiresAt });
            if (cfg.skippedSecrets.length > 0) {
                rt.log(`warning: not copied from dev-${a.cloud} (secure values are encrypted for dev only): ${cfg.skippedSecrets.join(", ")}`);
            }
            await stack.setAllConfigJson(JSON.stringify(cfg.json));
        };
    } else {
        const nsArgs = namespaceArgs(rt, a, "-", expiresAt);
        ws = await namespaceWorkspace(rt, namespaceProgram(nsArgs));
        // The inline program takes its inputs from the closure, not from stack config.
        configure = async () => undefined;
        program = (owner) => namespaceProgram({ ...nsArgs, owner });
    }
    const owner = ownerHandle(a.owner ?? env(rt, "GITHUB_ACTOR") ?? env(rt, "BUILD_USER_ID") ?? (await ws.whoAmI()).user);

    // An existing stack of this name must be one of ours (a PR update): never adopt another.
    const existing = (await ws.listStacks()).some((s) => s.name === name || s.name.endsWith(`/${name}`));
    let previousCreatedAt: string | undefined;
    if (existing) {
        const tags = await ws.listTags(name);
        assertEphemeral(name, tags, "update");
        previousCreatedAt = tags[TAGS.createdAt];
    }
    const stack = existing ? await Stack.select(name, ws) : await Stack.create(name, ws);
    rt.log(`==> ${existing ? "updating" : "creating"} ${name} (scope ${a.scope}, owner ${owner}, expires ${expiresAt.toISOString()})`);
    try {
        const tags: Record<string, string> = {
            [TAGS.ephemeral]: "true",
            [TAGS.pr]: String(a.pr),
            [TAGS.cloud]: a.cloud,
            [TAGS.scope]: a.scope,
            [TAGS.owner]: owner,
            [TAGS.createdAt]: previousCreatedAt ?? createdAt.toISOString(),
            // A push to the PR extends the lease: the TTL counts from the last `up`.
            [TAGS.expiresAt]: expiresAt.toISOString(),
        };
        for (const [k, v] of Object.entries(tags)) await stack.setTag(k, v);
        await configure(stack, owner);
        const started = rt.now();
        const result = await stack.up({
            policyPacks: [policy.pack],
            policyPackConfigs: [policy.config],
            message: `ephemeral environment for PR #${a.pr}`,
            program: program(owner),
            ...streaming(rt),
        });
        const changes = result.summary?.resourceChanges ?? {};
        const took =
            result.summary?.startTime && result.summary.endTime
                ? new Date(result.summary.endTime).getTime() - new Date(result.summary.startTime).getTime()
                : rt.now().getTime() - started.getTime();
        const summary =
            `${name}: up in ${formatDuration(took)}, ${changes.create ?? 0} created, ${changes.update ?? 0} updated, ` +
            `${changes.same ?? 0} unchanged; expires ${expiresAt.toISOString()}; ${describeOutputs(result.outputs, name)}`;
        return { stack: name, summary, outputs: result.outputs };
    } catch (err) {
        rt.log(`==> up of ${name} failed: ${firstLine(err)}`);
        rt.log(`==> cleaning up ${name} so that nothing is orphaned`);
        try {
            await teardown(rt, ws, stack);
        } catch (cleanupErr) {
            throw new Error(
                `up of ${name} failed (${firstLine(err)}) AND its cleanup failed (${firstLine(cleanupErr)}). ` +
                    `The stack is kept with its tags so that \`npm run env -- reap\` or ` +
                    `\`npm run env -- destroy --pr ${a.pr} --cloud ${a.cloud}\` can retry.`,
            );
        }
        throw new Error(`up of ${name} failed and was rolled back (destroyed, stack removed): ${firstLine(err)}`);
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

function firstLine(err: unknown): string {
    const msg = err instanceof Error ? err.message : String(err);
    const lines = msg.split("\n").map((l) => l.trim());
    return lines.find((l) => l.startsWith("error:")) ?? lines.find((l) => l !== "" && !l.startsWith("code:")) ?? msg;
}

/**
 * Types of resources that live inside the cluster. They go first on destroy: a Service of type
 * LoadBalancer, an Ingress or a PersistentVolumeClaim owns a cloud load balancer or disk inside
 * the network, and deleting the network (or the cluster's security groups) while those exist
 * fails with dependency errors. Deleting the in-cluster object makes the cluster's controllers
 * release them (the LB cleanup finalizer holds the Service until the LB is gone).
 */
export function isInCluster(type: string): boolean {
    return type.startsWith("kubernetes:");
}

/** Destroy in order: in-cluster objects, then everything else, then remove the stack. */
export async function teardown(rt: Runtime, ws: LocalWorkspace, stack: Stack): Promise<void> {
    const state = await stack.exportStack();
    const resources: { urn: string; type: string }[] = state.deployment?.resources ?? [];
    const inCluster = resources.filter((r) => isInCluster(r.type)).map((r) => r.urn);
    if (inCluster.length > 0) {
        rt.log(`==> 1/3 destroying ${inCluster.length} in-cluster objects first (they own load balancers and volumes)`);
        await stack.destroy({ target: inCluster, targetDependents: true, ...streaming(rt) });
    } else {
        rt.log("==> 1/3 no in-cluster objects");
    }
    rt.log(`==> 2/3 destroying the rest of ${stack.name}`);
    await stack.destroy(streaming(rt));
    rt.log(`==> 3/3 removing stack ${stack.name}`);
    await ws.removeStack(stack.name);
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
        const found = (await ws.listStacks()).find((s) => s.name === name || s.name.endsWith(`/${name}`));
        if (found) {
            const tags = await ws.listTags(name);
            assertEphemeral(name, tags, action);
            return { ws, scope, name, tags };
        }
    }
    throw new UsageError(`no stack named "${name}" in project ${PLATFORM_PROJECT} or ${NAMESPACE_PROJECT}: nothing to ${action}.`);
}

async function workspaceFor(rt: Runtime, scope: Scope, name: string): Promise<LocalWorkspace> {
    if (scope === "stack") return projectWorkspace(rt);
    const parsed = parseEphemeralStackName(name);
    // Destroy does not run the program, but an inline workspace needs one to drive the engine.
    const program = parsed
        ? namespaceProgram({
              pr: parsed.pr,
              cloud: parsed.cloud,
              owner: "-",
              expiresAt: new Date(0),
              devStack: "-",
              repoUrl: "-",
              revision: "-",
              appPath: "-",
          })
        : undefined;
    return namespaceWorkspace(rt, program);
}

export async function destroy(rt: Runtime, name: string): Promise<string> {
    const found = await locate(rt, name, "destroy");
    const started = rt.now();
    const stack = await Stack.select(found.name, found.ws);
    await teardown(rt, found.ws, stack);
    return `${name}: destroyed and removed in ${formatDuration(rt.now().getTime() - started.getTime())}`;
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

/** Every stack with an ephemeral name, in both projects, with its tags. Reads only. */
export async function list(rt: Runtime): Promise<EnvRow[]> {
    const rows: EnvRow[] = [];
    for (const [scope, project] of [
        ["stack", PLATFORM_PROJECT],
        ["namespace", NAMESPACE_PROJECT],
    ] as const) {
        const ws = scope === "stack" ? await projectWorkspace(rt) : await namespaceWorkspace(rt);
        for (const s of await ws.listStacks()) {
            const parsed = parseEphemeralStackName(s.name);
            if (parsed === undefined) continue; // dev-aws, prod-gcp, ...: never ours
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
    readonly skipped: { stack: string; reason: string }[];
}

/** Destroys and removes every expired ephemeral stack; one failure does not stop the others. */
export async function reap(rt: Runtime): Promise<ReapOutcome> {
    const { reap: due, skipped } = selectForReap(await list(rt));
    for (const s of skipped) rt.log(`skip ${s.row.stack}: ${s.reason}`);
    const reaped: string[] = [];
    const failed: { stack: string; error: string }[] = [];
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
            await teardown(rt, found.ws, await Stack.select(found.name, found.ws));
            reaped.push(row.stack);
        } catch (err) {
            failed.push({ stack: row.stack, error: firstLine(err) });
            rt.log(`==> reaping ${row.stack} failed: ${firstLine(err)}`);
        }
    }
    return { reaped, failed, skipped: skipped.map((s) => ({ stack: s.row.stack, reason: s.reason })) };
}
