import { resourcePolicy, validateTokens } from "../../lib/policy";
import { isUnknown } from "../../lib/values";
import { containersOf, HELM_TYPES, helmValues, podSpecsOf, WORKLOAD_TYPES } from "../../lib/workloads";

/** The tag of an image reference, "" for none; digests count as pinned (undefined). */
export function imageTag(image: string): string | undefined {
    if (image.includes("@")) {
        return undefined;
    }
    const lastSlash = image.lastIndexOf("/");
    const lastColon = image.lastIndexOf(":");
    return lastColon > lastSlash ? image.slice(lastColon + 1) : "";
}

/**
 * Pinned images in what the program declares. In Helm values only an explicit `latest` counts:
 * an `image` value without a tag means the chart's own default (its appVersion, pinned with the
 * chart version), and some charts take a bare repository there.
 */
export const kubernetesAppsWorkloadDisallowLatestImage = resourcePolicy({
    name: "kubernetes-apps-workload-disallow-latest-image",
    description: "Declared workloads use pinned images: no `:latest`, no untagged images.",
    severity: "medium",
    category: "security",
    topics: ["kubernetes", "supply-chain"],
    enforcementLevel: "mandatory",
    validateResource: validateTokens([...WORKLOAD_TYPES, ...HELM_TYPES], (props, args, report) => {
        if (HELM_TYPES.includes(args.type)) {
            for (const v of helmValues(props)) {
                const imageKey = /image$/i.test(v.key);
                if (imageKey && typeof v.value === "string" && imageTag(v.value) === "latest") {
                    report(`${v.path} is ${JSON.stringify(v.value)}; ":latest" changes under you. Pin a version tag or a digest.`);
                } else if (v.key === "tag" && v.value === "latest" && /image"?\]?\.tag$/i.test(v.path)) {
                    report(`${v.path} is "latest", which changes under you. Pin a version tag or a digest.`);
                }
            }
            return;
        }
        for (const pod of podSpecsOf(args.type, props)) {
            for (const { where, container } of containersOf(pod.spec, pod.where)) {
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
        }
    }),
});
