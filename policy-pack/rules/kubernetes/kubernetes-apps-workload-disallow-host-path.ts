import { cis, resourcePolicy, validateTokens } from "../../lib/policy";
import { field, isUnknown, list } from "../../lib/values";
import { HELM_TYPES, helmValues, podSpecsOf, within, WORKLOAD_TYPES } from "../../lib/workloads";

/** See lib/workloads.ts for what is declared (and read here) and what is left to admission. */
export const kubernetesAppsWorkloadDisallowHostPath = resourcePolicy({
    name: "kubernetes-apps-workload-disallow-host-path",
    description: "Declared workloads mount no hostPath volumes.",
    severity: "high",
    category: "security",
    topics: ["kubernetes", "hardening"],
    enforcementLevel: "mandatory",
    framework: cis("kubernetes", "5.2.12", "Minimize the admission of HostPath volumes"),
    validateResource: validateTokens([...WORKLOAD_TYPES, ...HELM_TYPES], (props, args, report) => {
        if (HELM_TYPES.includes(args.type)) {
            // A volume in chart values (extraVolumes, volumes, ...) is a core/v1 Volume: `hostPath: { path }`.
            for (const v of helmValues(props)) {
                if (v.key === "hostPath" && v.value !== null && typeof v.value === "object" && !Array.isArray(v.value)) {
                    const path = field(v.value, "path");
                    report(`${v.path} mounts ${JSON.stringify(isUnknown(path) ? "(unknown)" : (path ?? ""))} from the node into the chart's pods. Use a PersistentVolumeClaim, emptyDir, ConfigMap or Secret instead.`);
                }
            }
            return;
        }
        for (const pod of podSpecsOf(args.type, props)) {
            list(pod.spec.volumes).forEach((volume, i) => {
                const hostPath = field(volume, "hostPath");
                if (hostPath !== undefined && hostPath !== null) {
                    const path = field(hostPath, "path");
                    report(`${within(pod.where, `volumes[${i}]`)} ${JSON.stringify(field(volume, "name") ?? "")} mounts hostPath ${JSON.stringify(path ?? "")} from the node. Use a PersistentVolumeClaim, emptyDir, ConfigMap or Secret instead.`);
                }
            });
        }
    }),
});
