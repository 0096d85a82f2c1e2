/**
 * Model serving. The engine is an explicit choice: today only Seldon Core v1 (operator chart,
 * pinned, with its CRDs); the slot is shaped so KServe can be added as another `engine` value.
 *
 * LICENCE: Seldon Core is under the Business Source License 1.1 since January 2024 (not open
 * source; production use needs a commercial licence from Seldon). See README.md.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { childOpts, COMMON_LABELS, Environment, ENVIRONMENTS, throwIfProblems } from "./common";
import type { Toleration } from "./hints";
import { CHARTS, DEMO_MODEL_URI, IMAGES } from "./versions";

/** Serving engines the platform knows. Add `"kserve"` here (and a case below) to offer KServe. */
export type ServingEngine = "seldon-core";
export const SERVING_ENGINES: readonly ServingEngine[] = ["seldon-core"];

/** What to serve models with. */
export interface ModelServingChoice {
    /** The serving engine. No default: Seldon Core's licence makes it a decision, not an accident. */
    readonly engine: ServingEngine;
    /** Deploy the demo model (sklearn iris) into {@link DEMO_NAMESPACE}. Default false. */
    readonly demo: boolean;
}

export interface ModelServingArgs extends ModelServingChoice {
    /** Provider of the target cluster. */
    readonly provider: k8s.Provider;
    /** Environment (the operator is sized the same everywhere today). */
    readonly environment: Environment;
    /** Namespace for the engine's operator (the Baseline's `seldon-system`, already hardened). */
    readonly namespace: pulumi.Input<string>;
    /** Namespace of the demo model (the Baseline's {@link DEMO_NAMESPACE}). Required when `demo` is true. */
    readonly demoNamespace?: pulumi.Input<string>;
    /**
     * Tolerations for the operator's manager pod and the demo model's pod (the cluster's
     * `hints.workloadTolerations`), so they may run on a tainted workload pool (AKS Spot).
     * Default none.
     */
    readonly tolerations?: readonly Toleration[];
}

/** Namespace the demo model runs in (a serving namespace of the Baseline). */
export const DEMO_NAMESPACE = "models-demo";
export const SELDON_RELEASE = "seldon-core";
/**
 * The operator's Deployment, as the chart names it (helm-charts/seldon-core-operator/templates/
 * deployment_seldon-controller-manager.yaml at v1.18.2: a fixed name, not derived from the release).
 */
export const SELDON_MANAGER_DEPLOYMENT = "seldon-controller-manager";

/**
 * How the operator's manager pod gets its tolerations. The seldon-core-operator chart 1.18.2 has
 * NO tolerations (nor nodeSelector / affinity) value: neither values.yaml nor the manager's
 * Deployment template at SeldonIO/seldon-core v1.18.2 mention them. So, when tolerations are
 * needed, the release does not wait for readiness (the manager could not schedule before it is
 * patched, and `atomic` would roll the install back), and a server-side-apply patch owned by this
 * program adds them to the Deployment; the patch then awaits the Deployment's readiness. Helm's
 * three-way merge on upgrade leaves the field alone (the chart never renders it).
 */
export function seldonReleaseWait(tolerations: readonly Toleration[]): { atomic: boolean; skipAwait: boolean } {
    return tolerations.length > 0 ? { atomic: false, skipAwait: true } : { atomic: true, skipAwait: false };
}

/** Seldon operator chart values: CRDs from the chart, no phone-home, restricted-compatible manager. */
export function seldonValues(): Record<string, unknown> {
    return {
        crd: { create: true },
        // Spartakus would report usage to Seldon; off.
        usageMetrics: { enabled: false },
        image: { registry: "docker.io", repository: IMAGES.seldonOperator.repository, tag: IMAGES.seldonOperator.tag },
        executor: { image: { registry: "docker.io", repository: IMAGES.seldonExecutor.repository, tag: IMAGES.seldonExecutor.tag } },
        storageInitializer: { image: IMAGES.seldonStorageInitializer },
        // The chart renders this map verbatim as fields of the manager container (template
        // deployment_seldon-controller-manager.yaml), hence the `securityContext` key inside it.
        // With the pod's runAsUser 8888 this meets Pod Security `restricted`.
        manager: {
            containerSecurityContext: {
                securityContext: {
                    runAsNonRoot: true,
                    allowPrivilegeEscalation: false,
                    readOnlyRootFilesystem: true,
                    capabilities: { drop: ["ALL"] },
                    seccompProfile: { type: "RuntimeDefault" },
                },
            },
        },
    };
}

const DEMO_RESOURCES = { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } };

/**
 * The demo SeldonDeployment: Seldon's iris classifier on the prepackaged sklearn server, with
 * limits. `tolerations` go into the predictor's pod spec (componentSpecs[].spec is a core/v1
 * PodSpec in the v1 CRD); the executor and the storage initializer the operator injects run in
 * that same pod, so they carry them too.
 */
export function irisSeldonDeployment(namespace: string, tolerations: readonly Toleration[] = []): Record<string, unknown> {
    return {
        apiVersion: "machinelearning.seldon.io/v1",
        kind: "SeldonDeployment",
        metadata: { name: "iris", namespace, labels: { ...COMMON_LABELS } },
        spec: {
            name: "iris",
            protocol: "seldon",
            predictors: [
                {
                    name: "default",
                    replicas: 1,
                    graph: { name: "classifier", implementation: "SKLEARN_SERVER", modelUri: DEMO_MODEL_URI },
                    componentSpecs: [
                        {
                            spec: {
                                containers: [
                                    {
                                        name: "classifier",
                                        resources: DEMO_RESOURCES,
                                        securityContext: {
                                            runAsNonRoot: true,
                                            allowPrivilegeEscalation: false,
                                            capabilities: { drop: ["ALL"] },
                                            seccompProfile: { type: "RuntimeDefault" },
                                        },
                                    },
                                ],
                                ...(tolerations.length > 0 ? { tolerations: tolerations.map((t) => ({ ...t })) } : {}),
                            },
                        },
                    ],
                    // The executor (service orchestrator) the operator injects.
                    svcOrchSpec: { resources: DEMO_RESOURCES },
                },
            ],
        },
    };
}

/** Validation of ModelServingArgs. */
export function modelServingProblems(args: ModelServingArgs): string[] {
    const problems: string[] = [];
    if (!ENVIRONMENTS.includes(args.environment)) {
        problems.push(`environment = "${args.environment}" is not one of ${ENVIRONMENTS.join(", ")}`);
    }
    if (!SERVING_ENGINES.includes(args.engine)) {
        problems.push(`engine = "${String(args.engine)}" is not one of ${SERVING_ENGINES.join(", ")}`);
    }
    if (args.demo && args.demoNamespace === undefined) {
        problems.push(`demo is true but demoNamespace is absent: create the "${DEMO_NAMESPACE}" serving namespace with the Baseline and pass it`);
    }
    return problems;
}

/** The model-serving engine (and optionally its demo model). */
export class ModelServing extends pulumi.ComponentResource {
    /** The engine installed. */
    public readonly engine: ServingEngine;
    /** In-cluster prediction URL of the demo model, when deployed. */
    public readonly demoEndpoint: pulumi.Output<string | undefined>;

    constructor(name: string, args: ModelServingArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:k8s:ModelServing", name, {}, opts);
        throwIfProblems(`ModelServing "${name}"`, modelServingProblems(args));
        this.engine = args.engine;
        this.demoEndpoint = buildModelServing(this, name, args);
        this.registerOutputs({ engine: this.engine, demoEndpoint: this.demoEndpoint });
    }
}

/** Creates the engine's children under `parent`; returns the demo endpoint (undefined without demo). */
export function buildModelServing(parent: pulumi.Resource, name: string, args: ModelServingArgs): pulumi.Output<string | undefined> {
    switch (args.engine) {
        case "seldon-core":
            return buildSeldonCore(parent, name, args);
        default: {
            const impossible: never = args.engine;
            throw new Error(`ModelServing "${name}": unknown engine ${String(impossible)}`);
        }
    }
}

function buildSeldonCore(parent: pulumi.Resource, name: string, args: ModelServingArgs): pulumi.Output<string | undefined> {
    const tolerations = args.tolerations ?? [];
    const release = new k8s.helm.v3.Release(
        `${name}-seldon-core`,
        {
            name: SELDON_RELEASE,
            chart: CHARTS.seldonCoreOperator.chart,
            version: CHARTS.seldonCoreOperator.version,
            repositoryOpts: { repo: CHARTS.seldonCoreOperator.repo },
            namespace: args.namespace,
            createNamespace: false,
            skipCrds: false,
            ...seldonReleaseWait(tolerations),
            cleanupOnFail: true,
            timeout: 600,
            maxHistory: 10,
            values: seldonValues(),
        },
        childOpts(parent, args.provider),
    );
    // The operator is ready when the release is (no tolerations), or when its patched Deployment is.
    const ready: pulumi.Resource[] = [release];
    if (tolerations.length > 0) {
        ready.push(
            new k8s.apps.v1.DeploymentPatch(
                `${name}-seldon-manager-tolerations`,
                {
                    metadata: { name: SELDON_MANAGER_DEPLOYMENT, namespace: args.namespace },
                    spec: { template: { spec: { tolerations: tolerations.map((t) => ({ ...t })) } } },
                },
                childOpts(parent, args.provider, { dependsOn: [release] }),
            ),
        );
    }
    if (!args.demo || args.demoNamespace === undefined) {
        return pulumi.output(undefined);
    }
    const sdep = pulumi.output(args.demoNamespace).apply((ns) => irisSeldonDeployment(ns, tolerations));
    new k8s.apiextensions.CustomResource(
        `${name}-iris`,
        {
            apiVersion: "machinelearning.seldon.io/v1",
            kind: "SeldonDeployment",
            metadata: sdep.apply((s) => s.metadata as k8s.types.input.meta.v1.ObjectMeta),
            spec: sdep.apply((s) => s.spec),
        },
        // The CRD comes with the release; the operator's validating webhook needs its manager running.
        childOpts(parent, args.provider, { dependsOn: ready }),
    );
    // Seldon v1 names the Service `<deployment>-<predictor>`; the executor serves HTTP on 8000.
    return pulumi.interpolate`http://iris-default.${args.demoNamespace}.svc.cluster.local:8000/api/v1.0/predictions`;
}
