import { cis, resourcePolicy, validateTokens } from "../../lib/policy";
import { podSpecOf, WORKLOAD_TYPES } from "../../lib/workloads";

export const kubernetesAppsWorkloadDisallowHostNetwork = resourcePolicy({
    name: "kubernetes-apps-workload-disallow-host-network",
    description: "Declared workloads do not share the node's network namespace (hostNetwork).",
    severity: "high",
    category: "security",
    topics: ["kubernetes", "hardening", "network"],
    enforcementLevel: "mandatory",
    framework: cis("kubernetes", "5.2.5", "Minimize the admission of containers wishing to share the host network namespace"),
    validateResource: validateTokens(WORKLOAD_TYPES, (props, args, report) => {
        if (podSpecOf(args.type, props)?.hostNetwork === true) {
            report("The pod spec sets hostNetwork: true, which bypasses NetworkPolicies and exposes node ports. Remove it.");
        }
    }),
});
