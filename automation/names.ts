/**
 * Names, tags and input validation for ephemeral environments.
 *
 * Everything here is pure and runs BEFORE any workspace or CLI call: bad input must fail with a
 * message that names the field, the value, what is allowed and how to fix it, and touch nothing.
 */

export const CLOUDS = ["aws", "azure", "gcp"] as const;
export type Cloud = (typeof CLOUDS)[number];

export const SCOPES = ["stack", "namespace"] as const;
/**
 * `stack`: a whole platform stack (network, cluster, addons) from the project program.
 * `namespace`: a namespace on the shared dev cluster, from a small inline program.
 */
export type Scope = (typeof SCOPES)[number];

/** The Pulumi project the root program declares (Pulumi.yaml `name`). */
export const PLATFORM_PROJECT = "platform";
/** The in-cluster layer's project (incluster/Pulumi.yaml `name`): its stacks have the platform stacks' names. */
export const INCLUSTER_PROJECT = "platform-incluster";
/**
 * Namespace-scope environments are stacks of their own small inline program; they live in a
 * separate project so they can never collide with (or be mistaken for) a platform stack.
 */
export const NAMESPACE_PROJECT = "platform-pr-namespaces";

/** Stack tag keys. `pulumi:` is reserved by Pulumi, so ours are prefixed `platform:`. */
export const TAGS = {
    ephemeral: "platform:ephemeral",
    pr: "platform:pr",
    cloud: "platform:cloud",
    scope: "platform:scope",
    owner: "platform:owner",
    createdAt: "platform:created-at",
    expiresAt: "platform:expires-at",
    /** Part of every physical name of the environment (see automation/config.ts EphemeralSettings.nonce). */
    nameNonce: "platform:name-nonce",
} as const;

/** Thrown for bad user input; the CLI prints the message alone (no stack trace) and exits 2. */
export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

export function parseCloud(value: string | undefined): Cloud {
    if (value === undefined || value === "") {
        throw new UsageError(`--cloud is required: one of ${CLOUDS.join(", ")} (e.g. --cloud aws).`);
    }
    if (!(CLOUDS as readonly string[]).includes(value)) {
        throw new UsageError(`--cloud "${value}" is not supported: use one of ${CLOUDS.join(", ")}.`);
    }
    return value as Cloud;
}

export function parseScope(value: string | undefined): Scope {
    const v = value ?? "stack";
    if (!(SCOPES as readonly string[]).includes(v)) {
        throw new UsageError(`--scope "${v}" is not supported: use one of ${SCOPES.join(", ")}.`);
    }
    return v as Scope;
}

export function parsePr(value: string | undefined): number {
    if (value === undefined || value === "") {
        throw new UsageError("--pr is required: the pull request number, e.g. --pr 42.");
    }
    if (!/^[1-9][0-9]{0,6}$/.test(value)) {
        throw new UsageError(`--pr "${value}" is not a pull request number: use a positive integer, e.g. --pr 42.`);
    }
    return Number(value);
}

/** Bounds on a TTL: shorter cannot finish a cluster `up`; longer is a forgotten bill. */
export const TTL_MIN_MS = 15 * 60_000;
export const TTL_MAX_MS = 7 * 24 * 3_600_000;
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses a TTL such as `90m`, `8h`, `2d` or `1d12h` into milliseconds.
 * Allowed: one or more `<integer><unit>` parts, units m, h, d, each unit at most once, in
 * descending order; total between 15m and 7d.
 */
export function parseTtl(value: string | undefined): number {
    const v = value ?? "8h";
    const fix = 'use e.g. "90m", "8h", "2d" or "1d12h" (units m, h, d; between 15m and 7d)';
    const m = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$/.exec(v);
    if (v === "" || m === null || (m[1] ?? m[2] ?? m[3]) === undefined) {
        throw new UsageError(`--ttl "${v}" is malformed: ${fix}.`);
    }
    const ms = Number(m[1] ?? 0) * UNIT_MS.d + Number(m[2] ?? 0) * UNIT_MS.h + Number(m[3] ?? 0) * UNIT_MS.m;
    if (ms < TTL_MIN_MS || ms > TTL_MAX_MS) {
        throw new UsageError(`--ttl "${v}" is out of range: ${fix}.`);
    }
    return ms;
}

export function ephemeralStackName(pr: number, cloud: Cloud): string {
    return `ephemeral-pr${pr}-${cloud}`;
}

const EPHEMERAL_NAME = /^ephemeral-pr([1-9][0-9]{0,6})-(aws|azure|gcp)$/;

/** Parses an ephemeral stack name; `undefined` for anything else (dev-aws, prod-gcp, ...). */
export function parseEphemeralStackName(name: string): { pr: number; cloud: Cloud } | undefined {
    // Backends may return fully qualified names (org/project/stack): judge the last segment.
    const m = EPHEMERAL_NAME.exec(name.split("/").pop() ?? "");
    return m ? { pr: Number(m[1]), cloud: m[2] as Cloud } : undefined;
}

/**
 * A stack is ephemeral only if BOTH its name has the ephemeral shape AND it carries the
 * `platform:ephemeral=true` tag we set at creation. Either alone is not enough: a hand-made
 * `ephemeral-pr1-aws` stack without our tag, or a tag copied onto `prod-aws`, is refused.
 */
export function isEphemeral(name: string, tags: Readonly<Record<string, string>>): boolean {
    return parseEphemeralStackName(name) !== undefined && tags[TAGS.ephemeral] === "true";
}

export function assertEphemeral(name: string, tags: Readonly<Record<string, string>>, action: string): void {
    if (parseEphemeralStackName(name) === undefined) {
        throw new UsageError(
            `refusing to ${action} stack "${name}": it is not an ephemeral stack ` +
                `(ephemeral stacks are named ephemeral-pr<n>-<aws|azure|gcp>). ` +
                `Long-lived stacks are changed through CI, never by this tool.`,
        );
    }
    if (tags[TAGS.ephemeral] !== "true") {
        throw new UsageError(
            `refusing to ${action} stack "${name}": it lacks the tag ${TAGS.ephemeral}=true that ` +
                `\`npm run env -- up\` sets, so this tool did not create it. Remove it by hand if you are sure.`,
        );
    }
}

/** Formats milliseconds as `1h02m03s` (for summaries). */
export function formatDuration(ms: number): string {
    const s = Math.max(0, Math.round(ms / 1000));
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const sec = s % 60;
    const pad = (n: number) => String(n).padStart(2, "0");
    return h > 0 ? `${h}h${pad(m)}m${pad(sec)}s` : m > 0 ? `${m}m${pad(sec)}s` : `${sec}s`;
}
