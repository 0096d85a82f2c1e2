import { cis, resourcePolicy, validateTokens } from "../../lib/policy";
import { field } from "../../lib/values";
import { containersOf, podSpecOf, WORKLOAD_TYPES } from "../../lib/workloads";

export const kubernetesAppsWorkloadDisallowPrivileged = resourcePolicy({
    name: "kubernetes-apps-workload-disallow-privileged",
    description: "Declared workloads run no privileged containers.",
    severity: "critical",
    category: "security",
    topics: ["kubernetes", "hardening"],
    enforcementLevel: "mandatory",
    framework: cis("kubernetes", "5.2.2", "Minimize the admission of privileged containers"),
    validateResource: validateTokens(WORKLOAD_TYPES, (props, args, report) => {
        const spec = podSpecOf(args.type, props);
        for (const { where, container } of spec ? containersOf(spec) : []) {
            if (field(container.securityContext, "privileged") === true) {
                report(`${where} sets securityContext.privileged: true, which gives it the node. Remove it; grant only the specific capabilities needed.`);
            }
        }
    }),
});
