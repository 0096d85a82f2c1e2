import { configOf, stackPolicy } from "../../lib/policy";
import { effectiveTags, label } from "../../lib/stack";
import { isUnknown } from "../../lib/values";

export interface RequireCommonTagsConfig {
    requiredTags: string[];
}

const configSchema = {
    properties: {
        requiredTags: {
            type: "array" as const,
            items: { type: "string" as const, minLength: 1 },
            uniqueItems: true,
            default: ["project", "environment", "cloud", "owner", "cost-center", "managed-by"],
            description: "Tag keys every taggable resource must carry (with a non-empty value).",
        },
    },
};

/**
 * A stack rule, not a resource rule: the common tags arrive through the provider's
 * `defaultTags`, so only the resource together with its provider tells the effective tags
 * (lib/stack.ts `effectiveTags`). Tags unknown during preview are not judged.
 */
export const allTagsResourceRequireCommonTags = stackPolicy({
    name: "all-tags-resource-require-common-tags",
    description: "Every taggable resource carries the common tags (from provider default tags or its own tags).",
    severity: "medium",
    category: "governance",
    topics: ["tagging", "cost"],
    enforcementLevel: "mandatory",
    configSchema,
    remediationSteps: "Set the common tags in the provider's defaultTags (components/tags.ts) or on the resource's tags.",
    validateStack: (args, report) => {
        const { requiredTags } = configOf<RequireCommonTagsConfig>(args, configSchema);
        let taggable = 0;
        for (const r of args.resources) {
            const tags = effectiveTags(r);
            if (tags === undefined) {
                continue;
            }
            taggable++;
            if (tags === "unknown") {
                continue;
            }
            const missing = requiredTags.filter((k) => !isUnknown(tags[k]) && (typeof tags[k] !== "string" || (tags[k] as string).trim() === ""));
            if (missing.length > 0) {
                report(
                    `${label(r)} lacks required tags: ${missing.join(", ")}. ` +
                        "Set them in the provider's defaultTags (the common tags) or in the resource's tags.",
                    r.urn,
                );
            }
        }
        if (taggable === 0) {
            args.notApplicable("no taggable resources in the stack");
        }
    },
});
