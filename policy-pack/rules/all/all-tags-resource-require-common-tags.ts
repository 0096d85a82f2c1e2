import { configOf, resourcePolicy } from "../../lib/policy";
import { effectiveTags, label } from "../../lib/stack";
import { isUnknown, plain } from "../../lib/values";

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
 * A resource rule: the effective tags need the resource's provider (the common tags arrive
 * through the AWS provider's `defaultTags` and GCP's `defaultLabels`, lib/stack.ts
 * `effectiveTags`), and the engine's Analyze request carries the provider with its inputs. So
 * missing tags stop a preview and an `up` before the resource exists. (As a stack rule it saw
 * outputs, in which azure-native reports an unset `tags` as unknown on a first preview: an
 * untagged Azure resource passed until after it was created.) Tags unknown during preview are
 * not judged.
 */
export const allTagsResourceRequireCommonTags = resourcePolicy({
    name: "all-tags-resource-require-common-tags",
    description: "Every taggable resource carries the common tags (from provider default tags or its own tags).",
    severity: "medium",
    category: "governance",
    topics: ["tagging", "cost"],
    enforcementLevel: "mandatory",
    configSchema,
    remediationSteps: "Set the common tags in the provider's defaultTags (components/tags.ts) or on the resource's tags.",
    validateResource: (args, report) => {
        const r = { type: args.type, props: plain(args.props), ...(args.provider ? { provider: { props: plain(args.provider.props) } } : {}) };
        const tags = effectiveTags(r);
        if (tags === undefined) {
            args.notApplicable("not a taggable resource");
        }
        if (tags === "unknown" || tags === undefined) {
            return;
        }
        const { requiredTags } = configOf<RequireCommonTagsConfig>(args, configSchema);
        const missing = requiredTags.filter((k) => !isUnknown(tags[k]) && (typeof tags[k] !== "string" || (tags[k] as string).trim() === ""));
        if (missing.length > 0) {
            report(`${label(args)} lacks required tags: ${missing.join(", ")}. Set them in the provider's defaultTags (the common tags) or in the resource's tags.`);
        }
    },
});
