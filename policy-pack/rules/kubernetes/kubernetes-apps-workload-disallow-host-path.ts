import { cis, resourcePolicy, validateTokens } from "../../lib/policy";
import { field, list } from "../../lib/values";
import { podSpecOf, WORKLOAD_TYPES } from "../../lib/workloads";

export const kubernetesAppsWorkloadDisallowHostPath = resourcePolicy({
    name: "kubernetes-apps-workload-disallow-host-path",
    description: "Declared workloads mount no hostPath volumes.",
    severity: "high",
    category: "security",
    topics: ["kubernetes", "hardening"],
    enforcementLevel: "mandatory",
    framework: cis("kubernetes", "5.2.12", "Minimize the admission of HostPath volumes"),
    validateResource: validateTokens(WORKLOAD_TYPES, (props, args, report) => {
        list(podSpecOf(args.type, props)?.volumes).forEach((volume, i) => {
            const hostPath = field(volume, "hostPath");
            if (hostPath !== undefined && hostPath !== null) {
                const path = field(hostPath, "path");
                report(`volumes[${i}] ${JSON.stringify(field(volume, "name") ?? "")} mounts hostPath ${JSON.stringify(path ?? "")} from the node. Use a PersistentVolumeClaim, emptyDir, ConfigMap or Secret instead.`);
            }
        });
    }),
});
