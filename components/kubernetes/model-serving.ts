/**
 * Model serving. The engine is an explicit choice: today only Seldon Core v1 (operator chart,
 * pinned, with its CRDs); the slot is shaped so KServe can be added as another `engine` value.
 *
 * LICENCE: Seldon Core is under the Business Source License 1.1 since January 2024 (not open
 * source; production use needs a commercial licence from Seldon). See README.md.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { childOpts, COMMON_LABELS, Environment, ENVIRONMENTS, PLATFORM_PRIORITY_CLASS, throwIfProblems } from "./common";
import type { Toleration } from "./hints";
import type { ServingOperatorPods } from "./baseline";
import { CHART_IMAGES, CHARTS, DEMO_MODEL_HTTPS, DEMO_MODEL_URI, imageRef, tagWithDigest } from "./versions";

/** Serving engines the platform knows. Add `"kserve"` here (and a case below) to offer KServe. */
export type ServingEngine = "seldon-core";
export const SERVING_ENGINES: readonly ServingEngine[] = ["seldon-core"];

/** What to serve models with. */
export interface ModelServingChoice {
    /** The serving engine. No default: Seldon Core's licence makes it a decision, not an accident. */
    readonly engine: ServingEngine;
    /** Deploy the demo model (sklearn iris) into the serving namespace. Default false. */
    readonly demo: boolean;
    /**
     * SHA-256 (64 hex digits) the demo's model artifact must have; required with `demo`. The
     * artifact is a joblib pickle (loading it runs code), fetched from a bucket the platform does
     * not control: the demo's initializer refuses to serve anything else.
     */
    readonly demoModelSha256?: string;
}

export interface ModelServingArgs extends ModelServingChoice {
    /** Provider of the target cluster. */
    readonly provider: k8s.Provider;
    /** Environment (the operator is sized the same everywhere today). */
    readonly environment: Environment;
    /**
     * The serving namespace (the Baseline's `models`, already hardened): the
     * operator runs here in single-namespace mode, next to every SeldonDeployment (the demo's too).
     */
    readonly namespace: pulumi.Input<string>;
    /**
     * Tolerations for the operator's manager pod and the demo model's pod (the cluster's
     * `hints.workloadTolerations`), so they may run on a tainted workload pool (AKS Spot).
     * Default none.
     */
    readonly tolerations?: readonly Toleration[];
}

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

/**
 * The operator's pods and webhook, as seldon-core-operator 1.18.2 renders them
 * (templates/deployment_seldon-controller-manager.yaml: pod labels `control-plane:
 * seldon-controller-manager`, `app: seldon`, one replica, `serviceAccountName: {{
 * .Values.serviceAccount.name }}`; values.yaml `webhook.port: 4443`, `serviceAccount.name:
 * seldon-manager`).
 */
export const SELDON_OPERATOR: ServingOperatorPods = {
    podLabels: { "control-plane": "seldon-controller-manager", app: "seldon" },
    webhookPort: 4443,
    replicas: 1,
    serviceAccount: "seldon-manager",
};

/**
 * Labels of the serving namespace for Seldon's single-namespace mode: its validating webhook
 * selects the namespace by `seldon.io/controller-id: <namespace>` (templates/webhook.yaml at
 * v1.18.2, `singleNamespace: true`). Without it no SeldonDeployment would be validated.
 */
export function seldonNamespaceLabels(namespace: string): Record<string, string> {
    return { "seldon.io/controller-id": namespace };
}

/**
 * Seldon operator chart values: CRDs from the chart, no phone-home, restricted-compatible
 * manager, single-namespace mode, the platform priority class, images by digest where known.
 *
 * `singleNamespace: true` (values.yaml at v1.18.2): the manager runs with
 * `--namespace=<release namespace>` and the chart renders Roles and RoleBindings instead of its
 * ClusterRoles (`seldon-manager-role` reads and writes Deployments, Services, HPAs, PDBs and
 * Secrets-reading `seldon-manager-sas-role` in every namespace otherwise). Its webhook
 * configuration and the CRD stay cluster-scoped, as they must.
 */
export function seldonValues(): Record<string, unknown> {
    const img = (i: (typeof CHART_IMAGES)[keyof typeof CHART_IMAGES]) => ({ registry: i.registry, repository: i.repository, tag: tagWithDigest(i) });
    return {
        crd: { create: true },
        singleNamespace: true,
        // Spartakus would report usage to Seldon; off.
        usageMetrics: { enabled: false },
        image: img(CHART_IMAGES.seldonOperator),
        executor: { image: img(CHART_IMAGES.seldonExecutor) },
        storageInitializer: { image: `${CHART_IMAGES.seldonStorageInitializer.repository}:${tagWithDigest(CHART_IMAGES.seldonStorageInitializer)}` },
        // The chart renders this map verbatim as fields of the manager container (template
        // deployment_seldon-controller-manager.yaml), hence the `securityContext` key inside it.
        // With the pod's runAsUser 8888 this meets Pod Security `restricted`.
        manager: {
            priorityClassName: PLATFORM_PRIORITY_CLASS,
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
const RESTRICTED_CONTAINER = {
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
};

/** The demo's graph unit (and so its container) name. */
const DEMO_CONTAINER = "classifier";
/**
 * Seldon v1 skips its own model initializer when the pod already has an init container named
 * `<container>-model-initializer`, and then only mounts the volume `<container>-provision-location`
 * into the model container at /mnt/models (operator/controllers/model_initializer_injector.go at
 * v1.18.2: ModelInitializerContainerSuffix, ModelInitializerVolumeSuffix,
 * DefaultModelLocalMountPath). The demo declares both: its initializer is the verifying one below.
 */
export const DEMO_INITIALIZER = { container: `${DEMO_CONTAINER}-model-initializer`, volume: `${DEMO_CONTAINER}-provision-location`, mountPath: "/mnt/models" } as const;

/**
 * The demo's initializer: downloads the artifact over HTTPS (certificate verified by Python's
 * default context) into the shared volume and exits non-zero, so the pod never starts serving,
 * unless its SHA-256 is the pinned one. Runs in the sklearn server's own image (Python is
 * there): no extra image to trust.
 */
export function verifyingInitializerScript(url: string, sha256: string, dest: string): string {
    return [
        "import hashlib, sys, urllib.request",
        `data = urllib.request.urlopen(${JSON.stringify(url)}, timeout=60).read()`,
        "digest = hashlib.sha256(data).hexdigest()",
        `if digest != ${JSON.stringify(sha256)}:`,
        `    sys.exit("model artifact sha256 " + digest + " != pinned ${sha256}")`,
        `open(${JSON.stringify(dest)}, "wb").write(data)`,
    ].join("\n");
}

/**
 * The demo SeldonDeployment: Seldon's iris classifier on the prepackaged sklearn server, with
 * limits, fetched and verified by {@link verifyingInitializerScript}. `tolerations` go into the
 * predictor's pod spec (componentSpecs[].spec is a core/v1 PodSpec in the v1 CRD); the executor
 * the operator injects runs in that same pod, so it carries them too.
 */
export function irisSeldonDeployment(namespace: string, sha256: string, tolerations: readonly Toleration[] = []): Record<string, unknown> {
    const server = imageRef(CHART_IMAGES.seldonSklearnServer);
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
                    // modelUri stays set: it is what makes the operator point the server at
                                    // /mnt/models; the download itself is the initializer's below.
                    graph: { name: DEMO_CONTAINER, implementation: "SKLEARN_SERVER", modelUri: DEMO_MODEL_URI },
                    componentSpecs: [
                        {
                            spec: {
                                initContainers: [
                                    {
                                        name: DEMO_INITIALIZER.container,
                                        image: server,
                                        command: ["python", "-c", verifyingInitializerScript(DEMO_MODEL_HTTPS, sha256, `${DEMO_INITIALIZER.mountPath}/model.joblib`)],
                                        volumeMounts: [{ name: DEMO_INITIALIZER.volume, mountPath: DEMO_INITIALIZER.mountPath }],
                                        resources: DEMO_RESOURCES,
                                        securityContext: RESTRICTED_CONTAINER,
                                    },
                                ],
                                containers: [
                                    {
                                        name: DEMO_CONTAINER,
                                        image: server,
                                        resources: DEMO_RESOURCES,
                                        securityContext: RESTRICTED_CONTAINER,
                                    },
                                ],
                                volumes: [{ name: DEMO_INITIALIZER.volume, emptyDir: {} }],
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
    if (args.demo && (args.demoModelSha256 === undefined || !/^[0-9a-f]{64}$/.test(args.demoModelSha256))) {
        problems.push(
            `demoModelSha256 = ${JSON.stringify(args.demoModelSha256 ?? "unset")} must be the SHA-256 of ${DEMO_MODEL_HTTPS} (64 lowercase hex digits) when demo is true: ` +
                `the model is a pickle that runs code when loaded; check it once (curl -sL <url> | sha256sum) and pin it`,
        );
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
    if (!args.demo || args.demoModelSha256 === undefined) {
        return pulumi.output(undefined);
    }
    const sha256 = args.demoModelSha256;
    const sdep = pulumi.output(args.namespace).apply((ns) => irisSeldonDeployment(ns, sha256, tolerations));
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
    return pulumi.interpolate`http://iris-default.${args.namespace}.svc.cluster.local:8000/api/v1.0/predictions`;
}
