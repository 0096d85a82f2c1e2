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

/** Node-pool sizing keys we cap, wherever they appear under `platform:cluster`. */
const CAP_ONE = new Set(["minSize", "desiredSize", "minCount", "nodeCount", "count", "initialNodeCount", "minNodes"]);
const CAP_TWO = new Set(["maxSize", "maxCount", "maxNodes"]);

/**
 * Smaller node pools: every size-like key under the cluster's node pools is capped (min/desired
 * 1, max 2). Capped, never raised: a dev profile that is already smaller stays as it is. Other
 * cluster settings (endpoint access, versions, encryption) are the dev profile's, unchanged: an
 * ephemeral environment must look like dev, only cheaper.
 */
export function shrinkCluster(cluster: unknown): unknown {
    const walk = (v: unknown): unknown => {
        if (Array.isArray(v)) return v.map(walk);
        if (v === null || typeof v !== "object") return v;
        const outObj: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) {
            if (typeof x === "number" && CAP_ONE.has(k)) outObj[k] = Math.min(x, 1);
            else if (typeof x === "number" && CAP_TWO.has(k)) outObj[k] = Math.min(x, 2);
            else outObj[k] = walk(x);
        }
        return outObj;
    };
    return walk(cluster);
}

/**
 * The ONE place that decides how an ephemeral stack differs from dev. Keys are the
 * `platform:` config keys of components/config; `platform:ttl` and `platform:expiresAt` are
 * informational for the program (e.g. an `expires-at` tag on cloud resources).
 */
export function ephemeralOverrides(dev: Readonly<Record<string, unknown>>, s: EphemeralSettings): Record<string, unknown> {
    const o: Record<string, unknown> = {
        "platform:owner": s.owner,
        "platform:ttl": s.ttl,
        "platform:expiresAt": s.expiresAt.toISOString(),
    };
    if (dev["platform:cluster"] !== undefined) {
        o["platform:cluster"] = shrinkCluster(dev["platform:cluster"]);
    }
    return o;
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
