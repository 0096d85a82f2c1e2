/**
 * Kubernetes workload helpers: where the pod spec sits in each workload kind, and its
 * containers. Shared by the workload rules.
 */
import { field, isUnknown, list } from "./values";

/** Workload type tokens and the path from the object to its pod spec. */
export const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
    "kubernetes:core/v1:Pod": ["spec"],
    "kubernetes:apps/v1:Deployment": ["spec", "template", "spec"],
    "kubernetes:apps/v1:StatefulSet": ["spec", "template", "spec"],
    "kubernetes:apps/v1:DaemonSet": ["spec", "template", "spec"],
    "kubernetes:apps/v1:ReplicaSet": ["spec", "template", "spec"],
    "kubernetes:batch/v1:Job": ["spec", "template", "spec"],
    "kubernetes:batch/v1:CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
};

export const WORKLOAD_TYPES = Object.keys(POD_SPEC_PATHS);

/** The pod spec of a workload, undefined when absent or unknown. */
export function podSpecOf(type: string, props: Record<string, unknown>): Record<string, unknown> | undefined {
    let cur: unknown = props;
    for (const key of POD_SPEC_PATHS[type] ?? []) {
        cur = field(cur, key);
    }
    return cur && typeof cur === "object" && !isUnknown(cur) ? (cur as Record<string, unknown>) : undefined;
}

export interface ContainerRef {
    /** `containers[0] "app"` */
    readonly where: string;
    readonly container: Record<string, unknown>;
}

/** All containers of a pod spec: init, regular and ephemeral. */
export function containersOf(spec: Record<string, unknown>): ContainerRef[] {
    const out: ContainerRef[] = [];
    for (const key of ["initContainers", "containers", "ephemeralContainers"]) {
        list(spec[key]).forEach((c, i) => {
            if (c && typeof c === "object") {
                const name = field(c, "name");
                out.push({ where: `${key}[${i}]${typeof name === "string" && !isUnknown(name) ? ` "${name}"` : ""}`, container: c as Record<string, unknown> });
            }
        });
    }
    return out;
}
