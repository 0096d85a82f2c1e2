/**
 * Schema validation of every Kubernetes object the program declares directly.
 *
 * - Core kinds: `kubernetes-models` (upstream OpenAPI schemas; it does not flag unknown fields).
 * - Application / AppProject: `@kubernetes-models/argo-cd` (the CRDs' schemas).
 * - PrometheusRule: `@kubernetes-models/prometheus-operator` (ES module only: loaded with a real
 *   dynamic `import()`, which TypeScript's CommonJS output would otherwise turn into `require`).
 * - SeldonDeployment: a zod schema written from the v1 CRD of seldon-core-operator 1.18.2
 *   (helm-charts/seldon-core-operator/templates/customresourcedefinition_v1_...yaml): the
 *   property lists are the CRD's, so strict objects flag unknown fields; pod specs inside it are
 *   checked with kubernetes-models' Pod schema.
 */
import { z } from "zod";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { LimitRange } from "kubernetes-models/v1/LimitRange";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Pod } from "kubernetes-models/v1/Pod";
import { ResourceQuota } from "kubernetes-models/v1/ResourceQuota";
import { Secret } from "kubernetes-models/v1/Secret";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { Role } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import { RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import { PriorityClass } from "kubernetes-models/scheduling.k8s.io/v1/PriorityClass";
import { StorageClass } from "kubernetes-models/storage.k8s.io/v1/StorageClass";
import { ValidatingAdmissionPolicy } from "kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy";
import { ValidatingAdmissionPolicyBinding } from "kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding";
import { AppProject } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject";
import { Application } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application";

type Validator = (obj: Record<string, unknown>) => void;
type Model = new (data: any) => { validate(): void };

const esmImport = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<any>;

const int32 = z.number().int().min(-2147483648).max(2147483647);
const endpoint = z.strictObject({
    grpcPort: int32.optional(),
    httpPort: int32.optional(),
    service_host: z.string().optional(),
    service_port: int32.optional(),
    type: z.string().optional(),
});
interface Graph {
    name: string;
    [key: string]: unknown;
}
const graph: z.ZodType<Graph> = z.lazy(() =>
    z.strictObject({
        name: z.string(),
        children: z.array(graph).optional(),
        endpoint: endpoint.optional(),
        envSecretRefName: z.string().optional(),
        implementation: z.string().optional(),
        logger: z.strictObject({ mode: z.string().optional(), url: z.string().optional() }).optional(),
        methods: z.array(z.string()).optional(),
        modelUri: z.string().optional(),
        parameters: z.array(z.strictObject({ name: z.string(), type: z.string(), value: z.string() })).optional(),
        serviceAccountName: z.string().optional(),
        storageInitializerImage: z.string().optional(),
        type: z.string().optional(),
    }),
);
/** A PodSpec, checked against the upstream schema by wrapping it in a Pod. */
const podSpec = z
    .looseObject({ containers: z.array(z.looseObject({ name: z.string() })) })
    .superRefine((spec, ctx) => {
        try {
            new Pod({ metadata: { name: "seldon-component" }, spec } as any).validate();
        } catch (err) {
            ctx.addIssue({ code: "custom", message: `PodSpec: ${(err as Error).message}` });
        }
    });
const resources = z.strictObject({
    limits: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
    requests: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
    claims: z.array(z.unknown()).optional(),
});
const predictor = z.strictObject({
    name: z.string(),
    graph,
    annotations: z.record(z.string(), z.string()).optional(),
    componentSpecs: z
        .array(
            z.strictObject({
                hpaSpec: z.unknown().optional(),
                kedaSpec: z.unknown().optional(),
                metadata: z.unknown().optional(),
                pdbSpec: z.unknown().optional(),
                replicas: int32.optional(),
                spec: podSpec.optional(),
            }),
        )
        .optional(),
    engineResources: resources.optional(),
    explainer: z.unknown().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    progressDeadlineSeconds: int32.optional(),
    replicas: int32.optional(),
    shadow: z.boolean().optional(),
    ssl: z.unknown().optional(),
    svcOrchSpec: z.strictObject({ env: z.array(z.unknown()).optional(), replicas: int32.optional(), resources: resources.optional() }).optional(),
    traffic: int32.optional(),
});
/** SeldonDeployment machinelearning.seldon.io/v1 (seldon-core-operator 1.18.2 CRD). */
export const seldonDeploymentSchema = z.strictObject({
    apiVersion: z.literal("machinelearning.seldon.io/v1"),
    kind: z.literal("SeldonDeployment"),
    metadata: z.looseObject({ name: z.string(), namespace: z.string().optional() }),
    spec: z.strictObject({
        predictors: z.array(predictor),
        annotations: z.record(z.string(), z.string()).optional(),
        name: z.string().optional(),
        oauth_key: z.string().optional(),
        oauth_secret: z.string().optional(),
        protocol: z.string().optional(),
        replicas: int32.optional(),
        serverType: z.string().optional(),
        transport: z.string().optional(),
    }),
});

/**
 * CiliumClusterwideNetworkPolicy cilium.io/v2, the fields the platform uses, written from the
 * Cilium CRD (pkg/k8s/apis/cilium.io/client/crds/v2/ciliumclusterwidenetworkpolicies.yaml:
 * spec.endpointSelector is a LabelSelector; egressDeny rules take toEntities (an enum),
 * toEndpoints, toCIDR, toPorts). Strict, so a misspelt field fails.
 */
const labelSelector = z.strictObject({
    matchLabels: z.record(z.string(), z.string()).optional(),
    matchExpressions: z.array(z.strictObject({ key: z.string(), operator: z.enum(["In", "NotIn", "Exists", "DoesNotExist"]), values: z.array(z.string()).optional() })).optional(),
});
const ENTITIES = ["all", "world", "cluster", "host", "init", "ingress", "unmanaged", "remote-node", "health", "none", "kube-apiserver"] as const;
const ccnpEgressDeny = z.strictObject({
    toEntities: z.array(z.enum(ENTITIES)).optional(),
    toEndpoints: z.array(labelSelector).optional(),
    toCIDR: z.array(z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/)).optional(),
    toPorts: z.array(z.unknown()).optional(),
});
export const ccnpSchema = z.strictObject({
    apiVersion: z.literal("cilium.io/v2"),
    kind: z.literal("CiliumClusterwideNetworkPolicy"),
    metadata: z.looseObject({ name: z.string() }),
    spec: z.strictObject({ description: z.string().optional(), endpointSelector: labelSelector, egressDeny: z.array(ccnpEgressDeny).optional(), egress: z.array(z.unknown()).optional() }),
});

const model = (M: Model): Validator => (obj) => new M(obj).validate();

/** Validators by `apiVersion/kind`. Loads the ESM-only prometheus-operator models once. */
export async function loadValidators(): Promise<Record<string, Validator>> {
    const { PrometheusRule } = await esmImport("@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule");
    return {
        "v1/Namespace": model(Namespace),
        "v1/ConfigMap": model(ConfigMap),
        "v1/Secret": model(Secret),
        "v1/ServiceAccount": model(ServiceAccount),
        "v1/ResourceQuota": model(ResourceQuota),
        "v1/LimitRange": model(LimitRange),
        "networking.k8s.io/v1/NetworkPolicy": model(NetworkPolicy),
        "rbac.authorization.k8s.io/v1/Role": model(Role),
        "rbac.authorization.k8s.io/v1/RoleBinding": model(RoleBinding),
        "scheduling.k8s.io/v1/PriorityClass": model(PriorityClass),
        "storage.k8s.io/v1/StorageClass": model(StorageClass),
        "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy": model(ValidatingAdmissionPolicy),
        "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding": model(ValidatingAdmissionPolicyBinding),
        "cilium.io/v2/CiliumClusterwideNetworkPolicy": (obj) => {
            const result = ccnpSchema.safeParse(obj);
            if (!result.success) {
                throw new Error(z.prettifyError(result.error));
            }
        },
        "argoproj.io/v1alpha1/Application": model(Application),
        "argoproj.io/v1alpha1/AppProject": model(AppProject),
        "monitoring.coreos.com/v1/PrometheusRule": model(PrometheusRule),
        "machinelearning.seldon.io/v1/SeldonDeployment": (obj) => {
            const result = seldonDeploymentSchema.safeParse(obj);
            if (!result.success) {
                throw new Error(z.prettifyError(result.error));
            }
        },
    };
}

/** Validates one object; throws with its kind, name and the schema's message. */
export function validateObject(validators: Record<string, Validator>, obj: Record<string, unknown>): void {
    const key = `${String(obj.apiVersion)}/${String(obj.kind)}`;
    const validate = validators[key];
    const name = (obj.metadata as { name?: string } | undefined)?.name ?? "?";
    if (!validate) {
        throw new Error(`no schema for ${key} (${name}): add one to tests/kubernetes/schemas.ts`);
    }
    try {
        validate(obj);
    } catch (err) {
        throw new Error(`${key} "${name}" fails its schema: ${(err as Error).message}`);
    }
}
