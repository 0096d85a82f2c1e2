/**
 * Common tags / labels. The keys every taggable resource carries (the policy pack checks them):
 * project, environment, cloud, owner, cost-center, managed-by. On AWS they arrive through the
 * provider's `defaultTags`; `withName` adds the per-resource `Name` (and, where it identifies a
 * tier, a `role`) on top.
 */

export const REQUIRED_TAG_KEYS = ["project", "environment", "cloud", "owner", "cost-center", "managed-by"] as const;
export type RequiredTagKey = (typeof REQUIRED_TAG_KEYS)[number];

/** Per-resource tags: the console `Name`, plus extra identifying tags such as `role`. */
export function withName(name: string, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
    return { Name: name, ...extra };
}

/** Returns the required keys missing from a tag map (empty when complete). */
export function missingRequiredTags(tags: Readonly<Record<string, unknown>> | undefined): RequiredTagKey[] {
    return REQUIRED_TAG_KEYS.filter((k) => typeof tags?.[k] !== "string" || (tags[k] as string).length === 0);
}
