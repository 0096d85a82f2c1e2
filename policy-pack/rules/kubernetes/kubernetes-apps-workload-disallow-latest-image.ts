import { resourcePolicy, validateTokens } from "../../lib/policy";
import { isUnknown } from "../../lib/values";
import { containersOf, podSpecOf, WORKLOAD_TYPES } from "../../lib/workloads";

/** The tag of an image reference, "" for none; digests count as pinned (undefined). */
export function imageTag(image: string): string | undefined {
    if (image.includes("@")) {
        return undefined;
    }
    const lastSlash = image.lastIndexOf("/");
    const lastColon = image.lastIndexOf(":");
    return lastColon > lastSlash ? image.slice(lastColon + 1) : "";
}

export const kubernetesAppsWorkloadDisallowLatestImage = resourcePolicy({
    name: "kubernetes-apps-workload-disallow-latest-image",
    description: "Declared workloads use pinned images: no `:latest`, no untagged images.",
    severity: "medium",
    category: "security",
    topics: ["kubernetes", "supply-chain"],
    enforcementLevel: "mandatory",
    validateResource: validateTokens(WORKLOAD_TYPES, (props, args, report) => {
        const spec = podSpecOf(args.type, props);
        for (const { where, container } of spec ? containersOf(spec) : []) {
            const image = container.image;
            if (typeof image !== "string" || isUnknown(image)) {
                continue;
            }
            const tag = imageTag(image);
            if (tag === "latest") {
                report(`${where} uses image ${JSON.stringify(image)}; ":latest" changes under you. Pin a version tag or a digest.`);
            } else if (tag === "") {
                report(`${where} uses untagged image ${JSON.stringify(image)}, which means ":latest". Pin a version tag or a digest.`);
            }
        }
    }),
});
