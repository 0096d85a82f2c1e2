/**
 * GCP labels and names. Labels carry the common tags (components/tags.ts), but GCP is stricter
 * than AWS: keys and values may hold only lowercase letters, digits, `_` and `-`, at most 63
 * characters, and keys must start with a letter. The common keys already comply; values come
 * from people (`owner: Platform.Team@Example.com`), so they are sanitised deterministically:
 * lowercased, every other character replaced by `_`, cut to 63. Two different values can map to
 * the same label (`a.b` and `a_b`): labels are for grouping and billing, never for identity.
 */
import { limitedName } from "../naming";

/** GCP's limit for label keys and values. */
export const LABEL_MAX = 63;

/** GCP name limits that bite. */
export const GCP_LIMITS = {
    /** Service account ids (the part before `@`): 6-30 characters. */
    serviceAccountId: 30,
    /** Most resource names (RFC 1035 labels). */
    resource: 63,
    /** Bucket names (DNS-compatible, globally unique). */
    bucket: 63,
} as const;

/** A label value GCP accepts: deterministic, lowercase, [a-z0-9_-], at most 63 characters. */
export function labelValue(value: string): string {
    return value
        .toLowerCase()
        .replace(/[^a-z0-9_-]/g, "_")
        .slice(0, LABEL_MAX);
}

/** A label key GCP accepts (must start with a lowercase letter). */
export function labelKey(key: string): string {
    const k = labelValue(key);
    return /^[a-z]/.test(k) ? k : `k${k}`.slice(0, LABEL_MAX);
}

/** The common tags as GCP labels (the provider's `defaultLabels`). */
export function toLabels(tags: Readonly<Record<string, string>>): Record<string, string> {
    return Object.fromEntries(Object.entries(tags).map(([k, v]) => [labelKey(k), labelValue(v)]));
}

/** Per-resource labels on top of the provider's defaults: the name and, where it helps, a role. */
export function nameLabels(name: string, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
    return toLabels({ name, ...extra });
}

/** A service account id (6-30 characters) derived from the prefix; a hash keeps long ones unique. */
export function serviceAccountId(prefix: string, ...parts: string[]): string {
    return limitedName(GCP_LIMITS.serviceAccountId, prefix, ...parts);
}

/** A resource name within GCP's 63-character limit. */
export function gcpName(prefix: string, ...parts: (string | number)[]): string {
    return limitedName(GCP_LIMITS.resource, prefix, ...parts);
}

/**
 * The snapshot bucket's name: bucket names are global across all of GCP, so the project id is
 * part of it (two projects deploying the same stack name never collide).
 */
export function snapshotBucketName(project: string, prefix: string): string {
    return limitedName(GCP_LIMITS.bucket, project, prefix.replace(/^platform-/, ""), "vault-snapshots");
}
