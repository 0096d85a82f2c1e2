/**
 * Config for an ephemeral stack: the dev stack file of the same cloud, plus a small, isolated set
 * of overrides (smaller node pools, owner, TTL). Read with the `yaml` package, written with one
 * `pulumi config set-all --json` call (structured values stay structured).
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

export function stackFile(projectDir: string, stack: string): string {
    // Pulumi.yaml sets `stackConfigDir: stacks`.
    return path.join(projectDir, "stacks", `Pulumi.${stack}.yaml`);
}

/** Reads the `config:` map of a stack file; a clear error if it is missing or malformed. */
export function readStackConfig(projectDir: string, stack: string): Record<string, unknown> {
    const file = stackFile(projectDir, stack);
    if (!fs.existsSync(file)) {
        throw new UsageError(`${path.relative(projectDir, file)} not found: stack "${stack}" has no config file in stacks/.`);
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
 * The ONE place that decides how an ephemeral stack differs from dev; only keys the config schema
 * (components/config/schema.ts) already knows:
 * - namePrefix: the derived prefix is `<project>-<env>-<cloud>`, the SAME as dev's, so physical
 *   names would collide with the dev stack; `eph-pr<n>-<cloud>` keeps them apart.
 * - owner, and the TTL as cloud tags (pr, ttl, expires-at as Unix seconds: label-safe on GCP).
 * - smaller node pools.
 */
export function ephemeralOverrides(dev: Readonly<Record<string, unknown>>, s: EphemeralSettings): Record<string, unknown> {
    const devTags = (dev["platform:tags"] ?? {}) as Record<string, string>;
    return {
        "platform:namePrefix": `eph-pr${s.pr}-${s.cloud}`,
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
 * dev config + overrides -> the `config set-all --json` payload. Secure values cannot be copied
 * (they are encrypted with the dev stack's key): they are left out and reported by name.
 */
export function ephemeralConfig(projectDir: string, s: EphemeralSettings): EphemeralConfig {
    const dev = readStackConfig(projectDir, `dev-${s.cloud}`);
    const merged: Record<string, unknown> = { ...dev, ...ephemeralOverrides(dev, s) };
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
