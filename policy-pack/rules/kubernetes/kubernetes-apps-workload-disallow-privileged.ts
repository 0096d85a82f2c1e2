import { cis, resourcePolicy, validateTokens } from "../../lib/policy";
import { field } from "../../lib/values";
import { containersOf, HELM_TYPES, helmValues, podSpecsOf, WORKLOAD_TYPES } from "../../lib/workloads";

/**
 * No privileged containers in what the program declares: workloads, their Patch resources,
 * SeldonDeployment pod specs, and the values a Helm release sets (`privileged: true` anywhere in
 * them ends up in a container's securityContext in every chart the platform pins). Pods a chart
 * renders from its own defaults are for Pod Security admission in the cluster (lib/workloads.ts).
 */
export const kubernetesAppsWorkloadDisallowPrivileged = resourcePolicy({
    name: "kubernetes-apps-workload-disallow-privileged",
    description: "Declared workloads run no privileged containers.",
    severity: "critical",
    category: "security",
    topics: ["kubernetes", "hardening"],
    enforcementLevel: "mandatory",
    framework: cis("kubernetes", "5.2.2", "Minimize the admission of privileged containers"),
    validateResource: validateTokens([...WORKLOAD_TYPES, ...HELM_TYPES], (props, args, report) => {
        if (HELM_TYPES.includes(args.type)) {
            for (const v of helmValues(props)) {
                if (v.key === "privileged" && v.value === true) {
                    report(`${v.path} is true: the chart renders a privileged container, which gives it the node. Remove the value; grant only the specific capabilities needed.`);
                }
            }
            return;
        }
        for (const pod of podSpecsOf(args.type, props)) {
            for (const { where, container } of containersOf(pod.spec, pod.where)) {
                if (field(container.securityContext, "privileged") === true) {
                    report(`${where} sets securityContext.privileged: true, which gives it the node. Remove it; grant only the specific capabilities needed.`);
                }
            }
        }
    }),
});
