/**
 * Kubernetes workload helpers shared by the workload rules: where pod specs sit in what the
 * platform actually deploys, and the chart values of Helm releases.
 *
 * What the rules can see is what the program declares: workload objects and their Patch
 * resources (the platform patches the Seldon operator's Deployment), the pod specs inside
 * SeldonDeployments (`spec.predictors[].componentSpecs[].spec` is a core/v1 PodSpec), and the
 * values a Helm release overrides. What they cannot see: the pods a chart renders from its own
 * defaults (the chart version pins those, kubernetes-helm-release-require-chart-version), the
 * containers an operator injects, and whatever Argo CD syncs from Git. Those are for admission
 * in the cluster: the baseline's Pod Security labels on every namespace
 * (components/kubernetes/baseline.ts) and the in-cluster policy engine.
 */
import { field, isUnknown, list } from "./values";

/** A path of object keys to a pod spec; `*` stands for every element of a list. */
type SpecPath = readonly string[];

const TEMPLATE: SpecPath = ["spec", "template", "spec"];
const CRONJOB: SpecPath = ["spec", "jobTemplate", "spec", "template", "spec"];
const SELDON: SpecPath = ["spec", "predictors", "*", "componentSpecs", "*", "spec"];

/** Workload type tokens and where their pod specs are. Patch kinds carry partial objects of the same shape. */
export const POD_SPEC_PATHS: Readonly<Record<string, SpecPath>> = {
    "kubernetes:core/v1:Pod": ["spec"],
    "kubernetes:core/v1:PodPatch": ["spec"],
    "kubernetes:apps/v1:Deployment": TEMPLATE,
    "kubernetes:apps/v1:DeploymentPatch": TEMPLATE,
    "kubernetes:apps/v1:StatefulSet": TEMPLATE,
    "kubernetes:apps/v1:StatefulSetPatch": TEMPLATE,
    "kubernetes:apps/v1:DaemonSet": TEMPLATE,
    "kubernetes:apps/v1:DaemonSetPatch": TEMPLATE,
    "kubernetes:apps/v1:ReplicaSet": TEMPLATE,
    "kubernetes:apps/v1:ReplicaSetPatch": TEMPLATE,
    "kubernetes:batch/v1:Job": TEMPLATE,
    "kubernetes:batch/v1:JobPatch": TEMPLATE,
    "kubernetes:batch/v1:CronJob": CRONJOB,
    "kubernetes:batch/v1:CronJobPatch": CRONJOB,
    // Seldon Core v1 (the platform's model serving; components/kubernetes/model-serving.ts).
    "kubernetes:machinelearning.seldon.io/v1:SeldonDeployment": SELDON,
    "kubernetes:machinelearning.seldon.io/v1alpha2:SeldonDeployment": SELDON,
    "kubernetes:machinelearning.seldon.io/v1alpha3:SeldonDeployment": SELDON,
};

export const WORKLOAD_TYPES = Object.keys(POD_SPEC_PATHS);

/** Helm installs whose `values` the pack reads (the same tokens the chart-version rule pins). */
export const HELM_TYPES = ["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v3:Chart", "kubernetes:helm.sh/v4:Chart"];

/** One pod spec of a workload. `where` is "" for the single spec of a standard kind, else its path. */
export interface PodSpecRef {
    readonly where: string;
    readonly spec: Record<string, unknown>;
}

/** Every known pod spec of a workload (unknown or absent parts are skipped). */
export function podSpecsOf(type: string, props: Record<string, unknown>): PodSpecRef[] {
    const specPath = POD_SPEC_PATHS[type];
    if (!specPath) {
        return [];
    }
    const multi = specPath.includes("*");
    const out: PodSpecRef[] = [];
    const walk = (cur: unknown, i: number, where: string) => {
        if (isUnknown(cur) || cur === null || typeof cur !== "object") {
            return;
        }
        if (i === specPath.length) {
            if (!Array.isArray(cur)) {
                out.push({ where: multi ? where : "", spec: cur as Record<string, unknown> });
            }
            return;
        }
        const key = specPath[i] as string;
        if (key === "*") {
            list(cur).forEach((e, n) => walk(e, i + 1, `${where}[${n}]`));
        } else {
            walk(field(cur, key), i + 1, where ? `${where}.${key}` : key);
        }
    };
    walk(props, 0, "");
    return out;
}

/** `prefix` + `rest`, joined with a dot when there is a prefix. */
export function within(where: string, rest: string): string {
    return where ? `${where}.${rest}` : rest;
}

export interface ContainerRef {
    /** `containers[0] "app"` (prefixed by the pod spec's path when it has one) */
    readonly where: string;
    readonly container: Record<string, unknown>;
}

/** All containers of a pod spec: init, regular and ephemeral. */
export function containersOf(spec: Record<string, unknown>, specWhere = ""): ContainerRef[] {
    const out: ContainerRef[] = [];
    for (const key of ["initContainers", "containers", "ephemeralContainers"]) {
        list(spec[key]).forEach((c, i) => {
            if (c && typeof c === "object") {
                const name = field(c, "name");
                out.push({ where: `${within(specWhere, `${key}[${i}]`)}${typeof name === "string" && !isUnknown(name) ? ` "${name}"` : ""}`, container: c as Record<string, unknown> });
            }
        });
    }
    return out;
}

/** One known leaf (or object) of a release's `values`, with its dotted path. */
export interface ValueRef {
    /** `values.server.hostNetwork`, `values.extraVolumes[0].hostPath` */
    readonly path: string;
    readonly key: string;
    readonly value: unknown;
    /** The object holding the key. */
    readonly parent: Record<string, unknown>;
}

/**
 * Every key of a Helm release's `values`, depth first, skipping unknown subtrees. Chart values
 * follow Kubernetes' own field names where they end up in pod specs (`securityContext.privileged`,
 * `hostNetwork`, volumes with `hostPath`, `image.tag`), which is what the rules look for.
 */
export function helmValues(props: Record<string, unknown>): ValueRef[] {
    const out: ValueRef[] = [];
    const walk = (cur: unknown, path: string) => {
        if (isUnknown(cur) || cur === null || typeof cur !== "object") {
            return;
        }
        if (Array.isArray(cur)) {
            cur.forEach((e, i) => walk(e, `${path}[${i}]`));
            return;
        }
        for (const [key, value] of Object.entries(cur as Record<string, unknown>)) {
            if (isUnknown(value)) {
                continue;
            }
            const p = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
            out.push({ path: p, key, value, parent: cur as Record<string, unknown> });
            walk(value, p);
        }
    };
    walk(props.values, "values");
    return out;
}
