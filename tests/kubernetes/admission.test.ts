/**
 * The tenant guard rails (components/kubernetes/admission.ts), EXECUTED: every policy's CEL runs
 * here (@marcbachmann/cel-js) the way the API server runs a ValidatingAdmissionPolicy
 * (https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/): match
 * conditions first, then variables, then every validation; an expression that errors or is not
 * `true` refuses (failurePolicy Fail). Each policy admits the requests the platform and a
 * well-behaved tenant make, and refuses each attack it exists for. The bindings are checked
 * against the namespaces the captured graph creates.
 *
 * What this does not prove: that a given Kubernetes version's CEL environment accepts each
 * expression (only standard CEL and `matches` are used, and every optional field is guarded).
 */
import assert from "node:assert/strict";
import { at, byName, ofType, ResourceGraph } from "../../offline/graph";
import {
    argoCdBoundaryPolicy,
    clusterwideDenyPolicies,
    GuardrailPolicy,
    guardrailPolicies,
    irisSeldonDeployment,
    SELDON_OPERATOR,
    servingObjectsPolicy,
    tenantWorkloadsPolicy,
    trainingRunnerPolicy,
} from "../../components/kubernetes";
import { addonsGraph, baseArgs, DEMO_SHA256 } from "./fixtures";
import { loadValidators, validateObject } from "./schemas";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const cel = require("@marcbachmann/cel-js") as { evaluate(expr: string, ctx: Record<string, unknown>): unknown };

interface Request {
    kind: { group: string; version: string; kind: string };
    name: string;
    namespace: string;
    operation: "CREATE" | "UPDATE" | "DELETE";
    userInfo: { username: string; groups: string[] };
}

const TENANT_USER = { username: "system:serviceaccount:argocd:argocd-application-controller", groups: ["system:serviceaccounts"] };
const RUNNER = { username: "system:serviceaccount:dev:model-training-runner", groups: ["system:serviceaccounts"] };
const ADMIN = { username: "kubernetes-admin", groups: ["system:masters"] };
const REPLICASET_CONTROLLER = { username: "system:serviceaccount:kube-system:replicaset-controller", groups: [] };

const KINDS: Record<string, { group: string; version: string }> = {
    Pod: { group: "", version: "v1" },
    Service: { group: "", version: "v1" },
    Secret: { group: "", version: "v1" },
    ConfigMap: { group: "", version: "v1" },
    ServiceAccount: { group: "", version: "v1" },
    ResourceQuota: { group: "", version: "v1" },
    NetworkPolicy: { group: "networking.k8s.io", version: "v1" },
    Deployment: { group: "apps", version: "v1" },
    StatefulSet: { group: "apps", version: "v1" },
    Job: { group: "batch", version: "v1" },
    CronJob: { group: "batch", version: "v1" },
    SeldonDeployment: { group: "machinelearning.seldon.io", version: "v1" },
    ServiceMonitor: { group: "monitoring.coreos.com", version: "v1" },
    PodMonitor: { group: "monitoring.coreos.com", version: "v1" },
};

function req(kind: string, namespace: string, userInfo: Request["userInfo"], operation: Request["operation"] = "CREATE", name = "x"): Request {
    return { kind: { ...KINDS[kind], kind }, name, namespace, operation, userInfo };
}

/** The policy's match conditions: does it judge this request at all? */
function matches(policy: GuardrailPolicy, request: Request, object: unknown, oldObject: unknown): boolean {
    return (policy.matchConditions ?? []).every((m) => cel.evaluate(m.expression, { request, object, oldObject }) === true);
}

/** The messages of every validation that refuses (an error refuses too: failurePolicy Fail). */
function denials(policy: GuardrailPolicy, request: Request, object: unknown, oldObject: unknown = null): string[] {
    if (!matches(policy, request, object, oldObject)) {
        return [];
    }
    const variables: Record<string, unknown> = {};
    for (const v of policy.variables) {
        try {
            variables[v.name] = cel.evaluate(v.expression, { request, object, oldObject, variables });
        } catch {
            // Evaluated lazily by the API server: only a validation that reads it fails.
        }
    }
    return policy.validations
        .filter((v) => {
            try {
                return cel.evaluate(v.expression, { request, object, oldObject, variables }) !== true;
            } catch {
                return true;
            }
        })
        .map((v) => v.message);
}

const pod = (spec: Record<string, unknown>, labels: Record<string, string> = {}) => ({ apiVersion: "v1", kind: "Pod", metadata: { name: "p", labels }, spec });
const deployment = (spec: Record<string, unknown>, labels: Record<string, string> = {}) => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "d" },
    spec: { selector: { matchLabels: { app: "a" } }, template: { metadata: { labels: { app: "a", ...labels } }, spec } },
});
const serviceMonitor = (spec: Record<string, unknown>) => ({ apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor", metadata: { name: "m" }, spec: { selector: { matchLabels: { app: "a" } }, ...spec } });
const podMonitor = (spec: Record<string, unknown>) => ({ apiVersion: "monitoring.coreos.com/v1", kind: "PodMonitor", metadata: { name: "m" }, spec: { selector: { matchLabels: { app: "a" } }, ...spec } });
const cronJob = (spec: Record<string, unknown>) => ({ apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "c" }, spec: { schedule: "0 * * * *", jobTemplate: { spec: { template: { spec } } } } });
const WEB = { containers: [{ name: "web", image: "ghcr.io/example/web:1.4.2", securityContext: { allowPrivilegeEscalation: false }, ports: [{ containerPort: 8080 }] }] };
const DIGEST = "sha256:" + "ab".repeat(32);

describe("admission guard rails: tenant workloads (executed CEL)", () => {
    const policy = tenantWorkloadsPolicy();
    const admitted: [string, Request, unknown][] = [
        ["a Deployment with a pinned tag", req("Deployment", "dev", TENANT_USER), deployment(WEB)],
        ["a Pod by digest, from the ReplicaSet controller", req("Pod", "dev", REPLICASET_CONTROLLER), pod({ containers: [{ name: "w", image: `ghcr.io/example/web@${DIGEST}` }] })],
        ["a CronJob with an init container on a registry with a port", req("CronJob", "dev", TENANT_USER), cronJob({ initContainers: [{ name: "m", image: "registry.local:5000/migrate:2" }], containers: [{ name: "j", image: "busybox:1.37.0" }] })],
        ["the training runner's own pod with the API-access label", req("Pod", "dev", TENANT_USER), pod({ serviceAccountName: "model-training-runner", containers: [{ name: "r", image: "runner:1.0" }] }, { "platform.io/api-access": "true" })],
        ["NET_BIND_SERVICE", req("Pod", "dev", TENANT_USER), pod({ containers: [{ name: "w", image: "web:1", securityContext: { capabilities: { add: ["NET_BIND_SERVICE"], drop: ["ALL"] } } }] })],
        ["a ClusterIP Service", req("Service", "dev", TENANT_USER), { metadata: { name: "s" }, spec: { type: "ClusterIP", ports: [{ port: 80 }] } }],
        ["a headless Service with no type", req("Service", "dev", TENANT_USER), { metadata: { name: "s" }, spec: { clusterIP: "None" } }],
        ["an Opaque Secret", req("Secret", "dev", TENANT_USER), { metadata: { name: "s" }, type: "Opaque", data: {} }],
        ["a Secret without a type", req("Secret", "dev", TENANT_USER), { metadata: { name: "s" } }],
        ["the demo model's pod spec", req("Pod", "models", REPLICASET_CONTROLLER), pod((irisSeldonDeployment("models", DEMO_SHA256) as any).spec.predictors[0].componentSpecs[0].spec)],
        ["a ServiceMonitor of its own namespace", req("ServiceMonitor", "dev", TENANT_USER), serviceMonitor({ endpoints: [{ port: "metrics" }] })],
        [
            "a ServiceMonitor naming its own namespace, relabeling ordinary labels and dropping series",
            req("ServiceMonitor", "dev", TENANT_USER),
            serviceMonitor({
                namespaceSelector: { matchNames: ["dev"] },
                endpoints: [
                    {
                        port: "metrics",
                        relabelings: [{ sourceLabels: ["__meta_kubernetes_pod_name"], targetLabel: "pod" }],
                        // After the scrape: cannot change the target.
                        metricRelabelings: [{ action: "labelmap", regex: "x_(.+)" }],
                    },
                ],
            }),
        ],
        ["a PodMonitor with any: false", req("PodMonitor", "staging", TENANT_USER), podMonitor({ namespaceSelector: { any: false }, podMetricsEndpoints: [{ port: "http", relabelings: [{ action: "drop", sourceLabels: ["__meta_kubernetes_pod_phase"], regex: "Pending" }] }] })],
    ];
    for (const [what, request, object] of admitted) {
        it(`admits ${what}`, () => assert.deepEqual(denials(policy, request, object), []));
    }

    const M = Object.fromEntries(policy.validations.map((v, i) => [i, v.message]));
    const refused: [string, Request, unknown, string][] = [
        ["hostNetwork", req("Pod", "dev", TENANT_USER), pod({ ...WEB, hostNetwork: true }), M[0]],
        ["hostPID in a Deployment template", req("Deployment", "dev", TENANT_USER), deployment({ ...WEB, hostPID: true }), M[0]],
        ["hostIPC in a CronJob", req("CronJob", "staging", TENANT_USER), cronJob({ ...WEB, hostIPC: true }), M[0]],
        ["a privileged container", req("Pod", "dev", TENANT_USER), pod({ containers: [{ name: "w", image: "web:1", securityContext: { privileged: true } }] }), M[1]],
        ["allowPrivilegeEscalation: true in an init container", req("Deployment", "dev", TENANT_USER), deployment({ initContainers: [{ name: "i", image: "i:1", securityContext: { allowPrivilegeEscalation: true } }], containers: WEB.containers }), M[1]],
        ["SYS_ADMIN", req("Pod", "models", TENANT_USER), pod({ containers: [{ name: "w", image: "web:1", securityContext: { capabilities: { add: ["SYS_ADMIN"] } } }] }), M[1]],
        ["a hostPath volume", req("Pod", "dev", TENANT_USER), pod({ ...WEB, volumes: [{ name: "h", hostPath: { path: "/var/run/docker.sock" } }] }), M[2]],
        ["a host port", req("Deployment", "dev", TENANT_USER), deployment({ containers: [{ name: "w", image: "web:1", ports: [{ containerPort: 80, hostPort: 80 }] }] }), M[2]],
        [":latest", req("Pod", "dev", TENANT_USER), pod({ containers: [{ name: "w", image: "ghcr.io/example/web:latest" }] }), M[3]],
        ["an untagged image", req("Deployment", "dev", TENANT_USER), deployment({ containers: [{ name: "w", image: "registry.local:5000/web" }] }), M[3]],
        ["an ephemeral container on :latest", req("Pod", "dev", ADMIN, "UPDATE"), pod({ ...WEB, ephemeralContainers: [{ name: "debug", image: "busybox:latest" }] }), M[3]],
        ["the API-access label on a pod of another account", req("Pod", "dev", TENANT_USER), pod({ ...WEB, serviceAccountName: "app" }, { "platform.io/api-access": "true" }), M[4]],
        ["the API-access label on a Deployment's pods without an account", req("Deployment", "dev", TENANT_USER), deployment(WEB, { "platform.io/api-access": "true" }), M[4]],
        ["a Service with externalIPs (CVE-2020-8554)", req("Service", "dev", TENANT_USER), { metadata: { name: "s" }, spec: { type: "ClusterIP", externalIPs: ["10.0.0.1"] } }, M[5]],
        ["a NodePort Service", req("Service", "dev", ADMIN), { metadata: { name: "s" }, spec: { type: "NodePort" } }, M[5]],
        ["an ExternalName Service", req("Service", "dev", TENANT_USER), { metadata: { name: "s" }, spec: { type: "ExternalName", externalName: "metadata.google.internal" } }, M[5]],
        [
            "a ServiceAccount token Secret for the training runner",
            req("Secret", "dev", TENANT_USER),
            { metadata: { name: "t", annotations: { "kubernetes.io/service-account.name": "model-training-runner" } }, type: "kubernetes.io/service-account-token" },
            M[6],
        ],
        // The attack prometheus-operator's multi-tenancy leaves open: a tenant monitor that makes
        // Prometheus scrape the platform's pods (or any address it reaches) for the tenant.
        ["a ServiceMonitor of every namespace (any: true)", req("ServiceMonitor", "dev", TENANT_USER), serviceMonitor({ namespaceSelector: { any: true }, endpoints: [{ port: "metrics" }] }), M[7]],
        ["a ServiceMonitor of the argocd namespace", req("ServiceMonitor", "dev", TENANT_USER), serviceMonitor({ namespaceSelector: { matchNames: ["dev", "argocd"] }, endpoints: [{ port: "metrics" }] }), M[7]],
        ["a PodMonitor of kube-system", req("PodMonitor", "models", TENANT_USER), podMonitor({ namespaceSelector: { matchNames: ["kube-system"] } }), M[7]],
        [
            "a ServiceMonitor that points the scrape at the metadata endpoint",
            req("ServiceMonitor", "dev", TENANT_USER),
            serviceMonitor({ endpoints: [{ port: "metrics", relabelings: [{ action: "replace", replacement: "169.254.169.254:80", targetLabel: "__address__" }] }] }),
            M[8],
        ],
        [
            "a PodMonitor whose labelmap can write __address__",
            req("PodMonitor", "dev", TENANT_USER),
            podMonitor({ podMetricsEndpoints: [{ port: "http", relabelings: [{ action: "LabelMap", regex: "__meta_kubernetes_pod_annotation_x(.+)", replacement: "__$1" }] }] }),
            M[8],
        ],
    ];
    for (const [what, request, object, message] of refused) {
        it(`refuses ${what}`, () => assert.deepEqual(denials(policy, request, object), [message]));
    }
});

describe("admission guard rails: what the training runner starts (executed CEL)", () => {
    const policy = trainingRunnerPolicy();
    const job = (over: Record<string, unknown> = {}, container: Record<string, unknown> = {}) =>
        pod({
            serviceAccountName: "model-training-job",
            automountServiceAccountToken: false,
            containers: [{ name: "train", image: `ghcr.io/example/train@${DIGEST}`, env: [{ name: "K", valueFrom: { secretKeyRef: { name: "model-training-data", key: "k" } } }], ...container }],
            volumes: [{ name: "creds", secret: { secretName: "model-training-creds" } }],
            ...over,
        });

    it("admits a training job as the job account, by digest, with model-training-* Secrets", () => {
        assert.deepEqual(denials(policy, req("Pod", "dev", RUNNER), job()), []);
    });

    it("judges only the runner's own requests (others are the tenant policy's)", () => {
        assert.deepEqual(denials(policy, req("Pod", "dev", TENANT_USER), job({ serviceAccountName: "default" })), []);
        assert.deepEqual(denials(policy, req("Pod", "staging", RUNNER), job({ serviceAccountName: "default" })), [], "the runner of dev is not staging's");
    });

    const M = policy.validations.map((v) => v.message);
    const refused: [string, unknown, string][] = [
        ["running as the runner itself (its RBAC, its cloud identity)", job({ serviceAccountName: "model-training-runner" }), M[0]],
        ["running as the namespace's default account", job({ serviceAccountName: undefined }), M[0]],
        ["mounting a token explicitly", job({ automountServiceAccountToken: true }), M[1]],
        ["mounting another Secret", job({ volumes: [{ name: "s", secret: { secretName: "grafana-admin" } }] }), M[2]],
        ["a projected ServiceAccount token", job({ volumes: [{ name: "t", projected: { sources: [{ serviceAccountToken: { path: "token" } }] } }] }), M[2]],
        ["another Secret in env", job({}, { env: [{ name: "P", valueFrom: { secretKeyRef: { name: "db-password", key: "p" } } }] }), M[3]],
        ["another Secret in envFrom", job({}, { envFrom: [{ secretRef: { name: "argocd-secret" } }] }), M[3]],
        ["an image by tag (swappable)", job({}, { image: "ghcr.io/example/train:1.0" }), M[4]],
    ];
    for (const [what, object, message] of refused) {
        it(`refuses ${what}`, () => assert.deepEqual(denials(policy, req("Pod", "dev", RUNNER), object), [message]));
    }
});

describe("admission guard rails: Argo CD cannot touch the platform's objects (executed CEL)", () => {
    const policy = argoCdBoundaryPolicy("argocd", "argocd-application-controller");
    const platformQuota = { metadata: { name: "platform-quota", labels: { "app.kubernetes.io/part-of": "platform" } }, spec: { hard: { pods: "0" } } };
    const operatorSecret = { metadata: { name: "seldon-webhook-server-cert", annotations: { "meta.helm.sh/release-name": "seldon-core" } }, type: "kubernetes.io/tls" };
    const tenant = { metadata: { name: "web", labels: { "app.kubernetes.io/part-of": "shop", "app.kubernetes.io/managed-by": "Helm" } } };

    it("admits syncing, updating and pruning the tenant's own objects (Helm-rendered ones included)", () => {
        assert.deepEqual(denials(policy, req("Deployment", "dev", TENANT_USER), tenant), []);
        assert.deepEqual(denials(policy, req("Deployment", "dev", TENANT_USER, "UPDATE"), tenant, tenant), []);
        assert.deepEqual(denials(policy, req("Deployment", "dev", TENANT_USER, "DELETE"), null, tenant), []);
    });

    it("judges only Argo CD's requests: the platform's own updates pass", () => {
        assert.deepEqual(denials(policy, req("ResourceQuota", "dev", ADMIN, "UPDATE"), platformQuota, platformQuota), []);
    });

    const [changeMsg, claimMsg] = policy.validations.map((v) => v.message);
    const refused: [string, Request, unknown, unknown, string][] = [
        ["raising the platform's quota", req("ResourceQuota", "dev", TENANT_USER, "UPDATE"), { ...platformQuota, spec: { hard: { pods: "999" } } }, platformQuota, changeMsg],
        ["deleting the platform's default-deny", req("NetworkPolicy", "dev", TENANT_USER, "DELETE"), null, { metadata: { name: "default-deny", labels: { "app.kubernetes.io/part-of": "platform" } } }, changeMsg],
        ["overwriting the serving operator's webhook certificate", req("Secret", "models", TENANT_USER, "UPDATE"), { ...operatorSecret, data: {} }, operatorSecret, changeMsg],
        ["a new object passing itself off as the platform's", req("ServiceAccount", "dev", TENANT_USER), { metadata: { name: "sa", labels: { "app.kubernetes.io/part-of": "platform" } } }, null, claimMsg],
    ];
    for (const [what, request, object, oldObject, message] of refused) {
        it(`refuses ${what}`, () => assert.ok(denials(policy, request, object, oldObject).includes(message), JSON.stringify(denials(policy, request, object, oldObject))));
    }
});

describe("admission guard rails: serving objects (executed CEL)", () => {
    const policy = servingObjectsPolicy(SELDON_OPERATOR);
    const sdep = (spec: Record<string, unknown>) => ({ spec: { predictors: [{ name: "p", graph: { name: "m" }, componentSpecs: [{ spec: { containers: [{ name: "m", image: "m:1" }], ...spec } }] }] } });

    it("admits the demo SeldonDeployment and one without component specs", () => {
        assert.deepEqual(denials(policy, req("SeldonDeployment", "models", TENANT_USER), irisSeldonDeployment("models", DEMO_SHA256)), []);
        assert.deepEqual(denials(policy, req("SeldonDeployment", "models", TENANT_USER), { spec: { predictors: [{ name: "p", graph: { name: "m", implementation: "SKLEARN_SERVER" } }] } }), []);
    });

    for (const [what, spec] of [
        ["running as the serving operator's account", { serviceAccountName: "seldon-manager" }],
        ["the platform priority class", { priorityClassName: "platform-critical" }],
        ["hostNetwork", { hostNetwork: true }],
    ] as const) {
        it(`refuses a SeldonDeployment with ${what}`, () => assert.deepEqual(denials(policy, req("SeldonDeployment", "models", TENANT_USER), sdep(spec)), [policy.validations[0].message]));
    }

    // The operator's pod as seldon-core-operator 1.18.2 renders it
    // (templates/deployment_seldon-controller-manager.yaml: labels app=seldon,
    // control-plane=seldon-controller-manager; values.yaml serviceAccount.name seldon-manager),
    // written independently of SELDON_OPERATOR.
    const OPERATOR_LABELS = { app: "seldon", "app.kubernetes.io/instance": "seldon1", "app.kubernetes.io/name": "seldon", "app.kubernetes.io/version": "v0.5", "control-plane": "seldon-controller-manager" };
    const operatorSpec = { serviceAccountName: "seldon-manager", containers: [{ name: "manager", image: "docker.io/seldonio/seldon-core-operator:1.18.2" }] };
    const HELM = { username: "system:serviceaccount:kube-system:pulumi", groups: ["system:masters"] };

    it("admits the operator's own Deployment, its update by the tolerations patch and its pods", () => {
        assert.deepEqual(denials(policy, req("Deployment", "models", HELM), deployment(operatorSpec, OPERATOR_LABELS)), []);
        assert.deepEqual(denials(policy, req("Deployment", "models", HELM, "UPDATE"), deployment({ ...operatorSpec, tolerations: [{ key: "k", operator: "Exists" }] }, OPERATOR_LABELS)), []);
        assert.deepEqual(denials(policy, req("Pod", "models", REPLICASET_CONTROLLER), pod(operatorSpec, OPERATOR_LABELS)), []);
    });

    it("admits the model pods Seldon creates (app=<deployment name>, not the operator's pair)", () => {
        const spec = (irisSeldonDeployment("models", DEMO_SHA256) as any).spec.predictors[0].componentSpecs[0].spec;
        assert.deepEqual(denials(policy, req("Pod", "models", REPLICASET_CONTROLLER), pod(spec, { "seldon-deployment-id": "iris", app: "iris-default-0-classifier", fluentd: "true" })), []);
        // One of the two labels alone is not the operator's selector.
        assert.deepEqual(denials(policy, req("Pod", "models", REPLICASET_CONTROLLER), pod(spec, { app: "seldon" })), []);
    });

    const M = policy.validations.map((v) => v.message);
    const withLabels = (predictorLabels: Record<string, string> | undefined, podLabels: Record<string, string> | undefined) => ({
        spec: {
            predictors: [
                {
                    name: "p",
                    graph: { name: "m" },
                    ...(predictorLabels ? { labels: predictorLabels } : {}),
                    componentSpecs: [{ ...(podLabels ? { metadata: { labels: podLabels } } : {}), spec: { containers: [{ name: "m", image: "m:1" }] } }],
                },
            ],
        },
    });
    for (const [what, object] of [
        ["predictor labels", withLabels({ app: "seldon", "control-plane": "seldon-controller-manager" }, undefined)],
        ["component-spec labels", withLabels(undefined, { app: "seldon", "control-plane": "seldon-controller-manager", team: "a" })],
        ["the two labels split between predictor and component spec", withLabels({ "control-plane": "seldon-controller-manager" }, { app: "seldon" })],
    ] as const) {
        it(`refuses a SeldonDeployment whose pods pass for the operator's through ${what}`, () =>
            assert.deepEqual(denials(policy, req("SeldonDeployment", "models", TENANT_USER), object), [M[1]]));
    }

    it("refuses any pod with the operator's labels that does not run as the operator's account (what the network policies select)", () => {
        assert.deepEqual(denials(policy, req("Pod", "models", REPLICASET_CONTROLLER), pod({ containers: [{ name: "m", image: "m:1" }] }, OPERATOR_LABELS)), [M[2]]);
        assert.deepEqual(denials(policy, req("Deployment", "models", TENANT_USER), deployment({ serviceAccountName: "default", containers: [{ name: "m", image: "m:1" }] }, OPERATOR_LABELS)), [M[2]]);
    });
});

describe("admission guard rails: as declared on the cluster", function () {
    this.timeout(60_000);
    let dev: ResourceGraph;
    let cilium: ResourceGraph;
    before(async () => {
        dev = await addonsGraph("dev");
        cilium = await addonsGraph("staging", () => ({ hints: { ...baseArgs("staging").hints, clusterwideDeny: { engine: "cilium", denyCidrs: ["169.254.169.254/32", "168.63.129.16/32"] } } }));
    });

    /** Does a LabelSelector (matchLabels, matchExpressions) select these labels? */
    function selects(selector: any, labels: Record<string, string>): boolean {
        const okLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
        const okExpr = (selector.matchExpressions ?? []).every((e: any) => {
            switch (e.operator) {
                case "In":
                    return e.values.includes(labels[e.key]);
                case "NotIn":
                    return !e.values.includes(labels[e.key]);
                case "Exists":
                    return e.key in labels;
                case "DoesNotExist":
                    return !(e.key in labels);
                default:
                    throw new Error(e.operator);
            }
        });
        return okLabels && okExpr;
    }

    it("every policy fails closed, and each binding denies", () => {
        const policies = ofType(dev, "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy");
        assert.deepEqual(policies.map((p) => at(p.inputs, "metadata.name")).sort(), ["platform-argocd-boundary", "platform-serving-objects", "platform-tenant-workloads", "platform-training-runner"]);
        for (const p of policies) {
            assert.equal(at(p.inputs, "spec.failurePolicy"), "Fail");
        }
        for (const b of ofType(dev, "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding")) {
            assert.deepEqual(at(b.inputs, "spec.validationActions"), ["Deny"]);
        }
    });

    it("bindings select exactly the tenant namespaces they guard (never a platform namespace), and PR namespaces", () => {
        const namespaces = ofType(dev, "kubernetes:core/v1:Namespace").map((n) => ({ name: at(n.inputs, "metadata.name") as string, labels: at(n.inputs, "metadata.labels") as Record<string, string> }));
        namespaces.push({ name: "pr-42", labels: { "platform/ephemeral": "true", "pod-security.kubernetes.io/enforce": "restricted" } });
        const guarded: Record<string, string[]> = {};
        for (const b of ofType(dev, "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding")) {
            const policy = at(b.inputs, "spec.policyName") as string;
            const selector = at(b.inputs, "spec.matchResources.namespaceSelector");
            guarded[policy] = [...(guarded[policy] ?? []), ...namespaces.filter((n) => selects(selector, n.labels)).map((n) => n.name)].sort();
        }
        assert.deepEqual(guarded, {
            "platform-tenant-workloads": ["dev", "models", "pr-42", "production", "staging"],
            "platform-training-runner": ["dev", "production", "staging"],
            "platform-argocd-boundary": ["dev", "models", "pr-42", "production", "staging"],
            "platform-serving-objects": ["models"],
        });
    });

    it("the declared policies carry exactly the validations executed above, and pass their schema", async () => {
        const validators = await loadValidators();
        const expectedPolicies = guardrailPolicies("argocd", "argocd-application-controller", SELDON_OPERATOR);
        assert.equal(expectedPolicies.length, 4);
        for (const expected of expectedPolicies) {
            const p = byName(dev, "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy", `platform-guardrails-${expected.name}`);
            assert.deepEqual(at(p.inputs, "spec.validations"), expected.validations);
            assert.deepEqual(at(p.inputs, "spec.variables") ?? [], expected.variables);
            validateObject(validators, p.inputs as Record<string, unknown>);
        }
    });

    it("the guard rails exist before Argo CD is installed (nothing is synced unguarded)", () => {
        const release = byName(dev, "kubernetes:helm.sh/v3:Release", "platform-argocd");
        const guards = dev.resources.filter((r) => r.type.startsWith("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy"));
        assert.equal(guards.length, 10);
        for (const g of guards) {
            assert.ok(release.dependencies.includes(g.urn), `the Argo CD release waits for ${g.name}`);
        }
    });

    it("Cilium clusters get the cluster-wide deny policies (schema-checked); other clusters none", async () => {
        const ccnp = "kubernetes:cilium.io/v2:CiliumClusterwideNetworkPolicy";
        assert.deepEqual(ofType(dev, ccnp), []);
        const declared = ofType(cilium, ccnp);
        assert.deepEqual(declared.map((c) => at(c.inputs, "metadata.name")).sort(), ["platform-ci-api-deny", "platform-tenant-egress-deny", "platform-workload-api-deny"]);
        const validators = await loadValidators();
        for (const c of declared) {
            validateObject(validators, c.inputs as Record<string, unknown>);
        }
        const spec = (n: string) => declared.find((c) => at(c.inputs, "metadata.name") === n)!.inputs.spec as any;
        const [egress, api, ciApi] = [spec("platform-tenant-egress-deny"), spec("platform-workload-api-deny"), spec("platform-ci-api-deny")];
        assert.deepEqual(egress.egressDeny, [
            { toEntities: ["host", "remote-node"] },
            { toEndpoints: [{ matchExpressions: [{ key: "k8s:io.cilium.k8s.namespace.labels.platform.io/namespace-role", operator: "In", values: ["platform"] }] }] },
            { toCIDR: ["169.254.169.254/32", "168.63.129.16/32"] },
        ]);
        // Tenant endpoints (workload and serving) and build agents (ci), by their namespace's role label.
        const tenantPod = { "k8s:io.cilium.k8s.namespace.labels.platform.io/namespace-role": "workload", "k8s:app": "web" };
        const platformPod = { "k8s:io.cilium.k8s.namespace.labels.platform.io/namespace-role": "platform" };
        const agentPod = { "k8s:io.cilium.k8s.namespace.labels.platform.io/namespace-role": "ci", "k8s:platform.io/jenkins-agent": "true" };
        assert.deepEqual([selects(egress.endpointSelector, tenantPod), selects(egress.endpointSelector, platformPod), selects(egress.endpointSelector, agentPod)], [true, false, true]);
        // Build agents never reach the API, whatever label they carry (the runner's included).
        assert.deepEqual(ciApi.egressDeny, [{ toEntities: ["kube-apiserver"] }]);
        assert.deepEqual(
            [selects(ciApi.endpointSelector, agentPod), selects(ciApi.endpointSelector, { ...agentPod, "k8s:platform.io/api-access": "true" }), selects(ciApi.endpointSelector, tenantPod), selects(ciApi.endpointSelector, platformPod)],
            [true, true, false, false],
        );
        // The API deny spares the runner (its label) and the serving namespace (the operator).
        assert.deepEqual(api.egressDeny, [{ toEntities: ["kube-apiserver"] }]);
        assert.deepEqual(
            [
                selects(api.endpointSelector, tenantPod),
                selects(api.endpointSelector, { ...tenantPod, "k8s:platform.io/api-access": "true" }),
                selects(api.endpointSelector, { "k8s:io.cilium.k8s.namespace.labels.platform.io/namespace-role": "serving" }),
            ],
            [true, false, false],
        );
        // No CIDR list: no CIDR rule (an empty toCIDR would be meaningless).
        assert.deepEqual((clusterwideDenyPolicies([])[0].spec as any).egressDeny.length, 2);
    });
});
