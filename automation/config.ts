/**
 * Config for an ephemeral environment's two stacks: the dev stack files of the same cloud (the
 * platform's and the in-cluster layer's), plus a small, isolated set of overrides (names, network
 * block, GitOps path, smaller node pools, owner, TTL). Read with the `yaml` package, written with
 * one `pulumi config set-all --json` call per stack (structured values stay structured).
 */
import * as fs from "fs";
import * as path from "path";

import { parse as parseYaml } from "yaml";

import { Cloud, UsageError } from "./names";

/** One entry in the JSON that `pulumi config --json` prints and `config set-all --json` reads. */
export interface ConfigJsonValue {
    readonly value: string;
    readonly objectValue?: unknown;
    readonly secret: boolean;
}
export type ConfigJson = Record<string, ConfigJsonValue>;

export type StackLayer = "platform" | "incluster";

export function stackFile(projectDir: string, stack: string, layer: StackLayer = "platform"): string {
    // Both Pulumi.yaml files set `stackConfigDir: stacks`; the in-cluster project lives in incluster/.
    return path.join(projectDir, ...(layer === "incluster" ? ["incluster"] : []), "stacks", `Pulumi.${stack}.yaml`);
}

/** Reads the `config:` map of a stack file; a clear error if it is missing or malformed. */
export function readStackConfig(projectDir: string, stack: string, layer: StackLayer = "platform"): Record<string, unknown> {
    const file = stackFile(projectDir, stack, layer);
    if (!fs.existsSync(file)) {
        throw new UsageError(`${path.relative(projectDir, file)} not found: stack "${stack}" has no ${layer === "incluster" ? "in-cluster " : ""}config file in ${path.relative(projectDir, path.dirname(file))}/.`);
    }
    const doc: unknown = parseYaml(fs.readFileSync(file, "utf8"));
    const config = (doc as { config?: unknown } | null)?.config;
    if (config === undefined || config === null || typeof config !== "object" || Array.isArray(config)) {
        throw new UsageError(`${path.relative(projectDir, file)} has no \`config:\` map.`);
    }
    return config as Record<string, unknown>;
}

export interface EphemeralSettings {
    readonly cloud: Cloud;
    readonly pr: number;
    readonly owner: string;
    readonly ttl: string;
    readonly expiresAt: Date;
    /**
     * Chosen when the environment is first created and kept in a stack tag: part of every
     * physical name, so a reaped environment can be re-created at once although some clouds hold
     * names after deletion (Key Vault soft delete + purge protection, GCP key rings that can never
     * be deleted, Recovery Services soft delete). 4 characters of [a-z0-9].
     */
    readonly nonce: string;
}

/** The network block of a PR environment: its own /16 in 10.128.0.0/9, never a shipped stack's (10.20-10.70). */
export function prNetworkCidr(pr: number): string {
    return `10.${128 + (pr % 128)}.0.0/16`;
}

/** The GitOps path of a PR environment's app of apps, inside the config repository. */
export function prGitopsPath(pr: number): string {
    return `envs/pr-${pr}`;
}

/** The cluster's node pools (components/config schema: cluster.nodePools.{system,workload}). */
const POOLS = ["system", "workload"] as const;

/**
 * Smaller node pools: min and desired 1, max 2 for both pools, set explicitly because the dev
 * PROFILE (not the stack file) usually supplies the sizes. Capped, never raised: a stack file
 * that is already smaller stays as it is. Everything else in `cluster` (endpoint access,
 * versions, instance types) is the dev stack's, unchanged: ephemeral must look like dev, cheaper.
 */
export function shrinkCluster(cluster: unknown): Record<string, unknown> {
    const c = cluster !== null && typeof cluster === "object" ? (cluster as Record<string, unknown>) : {};
    const given = (c.nodePools ?? {}) as Record<string, Record<string, unknown> | undefined>;
    const cap = (v: unknown, max: number) => (typeof v === "number" ? Math.min(v, max) : max);
    const nodePools: Record<string, unknown> = { ...given };
    for (const pool of POOLS) {
        const p = given[pool] ?? {};
        nodePools[pool] = { ...p, minSize: cap(p.minSize, 1), desiredSize: cap(p.desiredSize, 1), maxSize: cap(p.maxSize, 2) };
    }
    return { ...c, nodePools };
}

/** The owner in the form the config schema accepts (lowercase handle, 2-63 characters). */
export function ownerHandle(owner: string): string {
    const h = owner.toLowerCase().replace(/[^a-z0-9._@-]+/g, "-").replace(/^[^a-z0-9]+/, "").slice(0, 63);
    return h.length >= 2 ? h : `user-${h}`.slice(0, 63);
}

/**
 * The ONE place that decides how an ephemeral platform stack differs from dev; only keys the
 * config schema (components/config/schema.ts) already knows:
 * - namePrefix: the derived prefix is `<project>-<env>-<cloud>`, the SAME as dev's, so physical
 *   names would collide with the dev stack; `eph-pr<n>-<cloud>-<nonce>` keeps them apart, and the
 *   nonce lets a reaped environment be re-created at once.
 * - network.cidr: its own block ({@link prNetworkCidr}), so PR networks never overlap dev's or each other's.
 * - owner, and the TTL as cloud tags (pr, ttl, expires-at as Unix seconds: label-safe on GCP).
 * - smaller node pools.
 */
export function ephemeralOverrides(dev: Readonly<Record<string, unknown>>, s: EphemeralSettings): Record<string, unknown> {
    const devTags = (dev["platform:tags"] ?? {}) as Record<string, string>;
    const devNetwork = (dev["platform:network"] ?? {}) as Record<string, unknown>;
    // Explicit subnets belong to dev's block; the planner derives the PR's from its own block.
    const { subnets: _devSubnets, ...network } = devNetwork;
    return {
        "platform:namePrefix": `eph-pr${s.pr}-${s.cloud}-${s.nonce}`,
        "platform:network": { ...network, cidr: prNetworkCidr(s.pr) },
        "platform:owner": ownerHandle(s.owner),
        "platform:tags": {
            ...devTags,
            ephemeral: "true",
            pr: String(s.pr),
            ttl: s.ttl,
            "expires-at": String(Math.floor(s.expiresAt.getTime() / 1000)),
        },
        "platform:cluster": shrinkCluster(dev["platform:cluster"]),
    };
}

export interface EphemeralConfig {
    readonly json: ConfigJson;
    /** Keys dropped because they are `secure:` values encrypted for the dev stack only. */
    readonly skippedSecrets: string[];
}

/**
 * How an ephemeral in-cluster stack differs from dev's: the app of apps follows the PR's own
 * GitOps path on the PR's head revision. The platform stack it reads is the ephemeral one of
 * the same name (the default), never dev's.
 */
export function ephemeralInClusterOverrides(dev: Readonly<Record<string, unknown>>, s: Pick<EphemeralSettings, "pr">): Record<string, unknown> {
    const addons = (dev["platform-incluster:addons"] ?? {}) as Record<string, unknown>;
    const gitops = (addons.gitops ?? {}) as Record<string, unknown>;
    const { "platform-incluster:platformStack": _devPlatformStack, ...rest } = dev;
    return {
        ...rest,
        "platform-incluster:addons": { ...addons, gitops: { ...gitops, path: prGitopsPath(s.pr), revision: `refs/pull/${s.pr}/head` } },
    };
}

/**
 * dev config + overrides -> the `config set-all --json` payload of one layer. Secure values
 * cannot be copied (they are encrypted with the dev stack's key): they are left out and
 * reported by name.
 */
export function ephemeralConfig(projectDir: string, s: EphemeralSettings, layer: StackLayer = "platform"): EphemeralConfig {
    const dev = readStackConfig(projectDir, `dev-${s.cloud}`, layer);
    const merged: Record<string, unknown> = layer === "platform" ? { ...dev, ...ephemeralOverrides(dev, s) } : ephemeralInClusterOverrides(dev, s);
    const json: ConfigJson = {};
    const skippedSecrets: string[] = [];
    for (const [key, value] of Object.entries(merged)) {
        if (value !== null && typeof value === "object" && !Array.isArray(value) && "secure" in value) {
            skippedSecrets.push(key);
            continue;
        }
        json[key] = toConfigJson(value);
    }
    return { json, skippedSecrets };
}

export function toConfigJson(value: unknown): ConfigJsonValue {
    if (typeof value === "string") return { value, secret: false };
    return { value: JSON.stringify(value), objectValue: value, secret: false };
}
