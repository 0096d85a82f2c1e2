import { cis, resourcePolicy, validateTokens } from "../../lib/policy";
import { HELM_TYPES, helmValues, podSpecsOf, WORKLOAD_TYPES } from "../../lib/workloads";

/** See lib/workloads.ts for what is declared (and read here) and what is left to admission. */
export const kubernetesAppsWorkloadDisallowHostNetwork = resourcePolicy({
    name: "kubernetes-apps-workload-disallow-host-network",
    description: "Declared workloads do not share the node's network namespace (hostNetwork).",
    severity: "high",
    category: "security",
    topics: ["kubernetes", "hardening", "network"],
    enforcementLevel: "mandatory",
    framework: cis("kubernetes", "5.2.5", "Minimize the admission of containers wishing to share the host network namespace"),
    validateResource: validateTokens([...WORKLOAD_TYPES, ...HELM_TYPES], (props, args, report) => {
        if (HELM_TYPES.includes(args.type)) {
            for (const v of helmValues(props)) {
                if (v.key === "hostNetwork" && v.value === true) {
                    report(`${v.path} is true: the chart's pods would share the node's network, bypassing NetworkPolicies and exposing node ports. Remove the value.`);
                }
            }
            return;
        }
        for (const pod of podSpecsOf(args.type, props)) {
            if (pod.spec.hostNetwork === true) {
                report(`${pod.where || "The pod spec"} sets hostNetwork: true, which bypasses NetworkPolicies and exposes node ports. Remove it.`);
            }
        }
    }),
});
