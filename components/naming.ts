/**
 * Deterministic physical names. Every name starts with the stack's prefix
 * (`<project>-<env>-<cloud>`), so two stacks never collide and a name says where it belongs.
 * No random suffixes: a logical name that changes between runs is a replacement.
 */

/** Name limits that bite (longest first wins nothing: truncation must stay deterministic). */
export const NAME_LIMITS = {
    /** IAM role / instance profile names. */
    awsIamRole: 64,
    /** S3 bucket names (also DNS labels). */
    awsS3Bucket: 63,
    /** EKS cluster names. */
    awsEksCluster: 100,
    /** Security group names. */
    awsSecurityGroup: 255,
} as const;

/** `<prefix>-<part>-<part>`, lowercase, only a-z 0-9 and '-'. */
export function resourceName(prefix: string, ...parts: (string | number)[]): string {
    const name = [prefix, ...parts.map(String)].join("-").toLowerCase();
    if (!/^[a-z][a-z0-9-]*[a-z0-9]$/.test(name) || name.includes("--")) {
        throw new Error(`"${name}" is not a valid resource name (a-z, 0-9 and single '-', starting with a letter)`);
    }
    return name;
}

/**
 * A name that must fit a provider limit. Over the limit, the tail is replaced by a short
 * deterministic hash so the name stays unique and stable.
 */
export function limitedName(limit: number, prefix: string, ...parts: (string | number)[]): string {
    const name = resourceName(prefix, ...parts);
    if (name.length <= limit) {
        return name;
    }
    let hash = 0;
    for (const ch of name) {
        hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
    }
    const suffix = hash.toString(36).padStart(7, "0").slice(0, 7);
    return `${name.slice(0, limit - suffix.length - 1).replace(/-+$/, "")}-${suffix}`;
}
