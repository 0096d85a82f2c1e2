import { resourcePolicy, validateTokens } from "../../lib/policy";
import { isUnknown } from "../../lib/values";

/** Helm flavours that take a chart and a `version`; a new way to install charts adds a token. */
const HELM_TYPES = ["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v3:Chart", "kubernetes:helm.sh/v4:Chart"];

/** Semver ranges, wildcards and dist-tags that float to whatever is newest. */
const FLOATING = /[\^~*xX><|]|\s-\s|^latest$/;

export const kubernetesHelmReleaseRequireChartVersion = resourcePolicy({
    name: "kubernetes-helm-release-require-chart-version",
    description: "Helm releases pin an exact chart version.",
    severity: "medium",
    category: "security",
    topics: ["kubernetes", "supply-chain"],
    enforcementLevel: "mandatory",
    remediationSteps: "Set `version` to an exact chart version and upgrade it deliberately (Renovate, a reviewed PR).",
    validateResource: validateTokens(HELM_TYPES, (props, _args, report) => {
        const chart = props.chart;
        if (typeof chart === "string" && !isUnknown(chart) && /^(\.{0,2}\/|file:)/.test(chart)) {
            return; // a chart vendored in this repository is pinned by the commit
        }
        const version = props.version;
        if (isUnknown(version)) {
            return;
        }
        if (typeof version !== "string" || version.trim() === "") {
            report(`chart ${JSON.stringify(chart ?? "unset")} has no version, so every deploy may install a different chart. Set version to an exact chart version.`);
        } else if (FLOATING.test(version.trim())) {
            report(`chart ${JSON.stringify(chart ?? "unset")} version ${JSON.stringify(version)} is a range, not a pin. Set version to an exact chart version.`);
        }
    }),
});
