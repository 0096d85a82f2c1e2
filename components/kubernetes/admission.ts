/**
 * Admission guard rails for tenant namespaces, as code.
 *
 * What Pod Security admission (the namespaces' labels) does not hold, and what RBAC cannot
 * express, is refused by ValidatingAdmissionPolicies (admissionregistration.k8s.io/v1, GA in
 * Kubernetes 1.30: https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/),
 * each bound to the namespaces it guards by their role label and denying on violation
 * (`validationActions: [Deny]`, `failurePolicy: Fail`: an expression that cannot be evaluated
 * refuses, the guard never fails open):
 * - `platform-tenant-workloads`: no host namespaces, privileged containers, escalation,
 *   added capabilities, hostPath or host ports; images pinned (no `:latest`, no untagged); no
 *   Service with `externalIPs` (CVE-2020-8554) or of a type other than ClusterIP; no
 *   ServiceAccount-token Secret (it would mint a long-lived token for any account of the
 *   namespace, the training runner's included); the API-access label only on pods that run as
 *   the training runner; ServiceMonitors and PodMonitors that discover targets only in their own
 *   namespace and never rewrite the scrape address (Prometheus would otherwise scrape, for the
 *   tenant, any pod or node its network policy lets it reach).
 * - `platform-training-runner`: the pods the runner starts run as `model-training-job` (no
 *   RBAC, no token), reference only `model-training-*` Secrets and use images by digest.
 * - `platform-argocd-boundary`: what Argo CD syncs may not change or delete the platform's own
 *   objects in a tenant namespace (quotas, policies, the runner's RBAC, the serving operator's
 *   release), nor pass itself off as one.
 * - `platform-serving-objects`: a SeldonDeployment's pod specs name no ServiceAccount (other
 *   than `default`), priority class or host namespace, and its pods cannot pass for the serving
 *   operator's (whose labels the network policies select): only pods running as the operator's
 *   ServiceAccount may carry them.
 * On Cilium clusters, CiliumClusterwideNetworkPolicies with deny rules (which win over any
 * allow) keep tenant pods off the nodes, the platform's pods and the addresses the cloud lists
 * (`ClusterHints.clusterwideDeny`).
 *
 * The CEL below is executed in tests (tests/kubernetes/admission.test.ts) against requests each
 * policy must admit and requests it must refuse. Only standard CEL and the `matches` function are
 * used, and every optional field is guarded with `has()`.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { API_ACCESS_LABEL, COMMON_LABELS, ROLE_LABEL } from "./common";
import { ServingOperatorPods, TRAINING_JOB, TRAINING_RUNNER, TRAINING_SECRET_PREFIX } from "./baseline";
import type { ClusterHints } from "./hints";

/** One CEL validation: the expression must be true, else the request is refused with the message. */
export interface Validation {
    readonly expression: string;
    readonly message: string;
}

/** A CEL variable (`variables.<name>` in later expressions). */
export interface Variable {
    readonly name: string;
    readonly expression: string;
}

type ResourceRule = k8s.types.input.admissionregistration.v1.NamedRuleWithOperations;

/** A ValidatingAdmissionPolicy and where it is bound. */
export interface GuardrailPolicy {
    readonly name: string;
    readonly resourceRules: ResourceRule[];
    readonly matchConditions?: { name: string; expression: string }[];
    readonly variables: Variable[];
    readonly validations: Validation[];
    /** One binding per selector: namespaces matching any of them are guarded. */
    readonly namespaceSelectors: k8s.types.input.meta.v1.LabelSelector[];
}

/** Label of the namespaces the PR automation creates (automation/namespace-program.ts). */
export const EPHEMERAL_NAMESPACE_LABEL = "platform/ephemeral";

const roleIn = (...roles: string[]): k8s.types.input.meta.v1.LabelSelector => ({ matchExpressions: [{ key: ROLE_LABEL, operator: "In", values: roles }] });
const EPHEMERAL: k8s.types.input.meta.v1.LabelSelector = { matchLabels: { [EPHEMERAL_NAMESPACE_LABEL]: "true" } };
const WRITES = ["CREATE", "UPDATE"];

/** `has(a.b) ? a.b : fallback` for a field path. */
const orElse = (path: string, fallback: string) => `(has(${path}) ? ${path} : ${fallback})`;

/** The workload kinds whose pod template tenants write, with their template paths. */
const POD_KINDS: ResourceRule[] = [
    { apiGroups: [""], apiVersions: ["v1"], operations: WRITES, resources: ["pods"] },
    { apiGroups: ["apps"], apiVersions: ["v1"], operations: WRITES, resources: ["deployments", "statefulsets", "daemonsets", "replicasets"] },
    { apiGroups: ["batch"], apiVersions: ["v1"], operations: WRITES, resources: ["jobs", "cronjobs"] },
];

/**
 * The pod spec and pod labels of any workload kind, so one set of validations covers a Pod and a
 * Deployment's template alike (a Deployment refused at admission fails in `kubectl apply` and in
 * Argo CD's sync, not later in a ReplicaSet's events).
 */
export const POD_VARIABLES: Variable[] = [
    {
        name: "template",
        expression:
            "request.kind.kind == 'Pod' ? object : " +
            "(request.kind.kind == 'CronJob' ? object.spec.jobTemplate.spec.template : " +
            "(has(object.spec) && has(object.spec.template) ? object.spec.template : {'spec': {}}))",
    },
    { name: "podSpec", expression: orElse("variables.template.spec", "{}") },
    {
        name: "podLabels",
        expression: "has(variables.template.metadata) && has(variables.template.metadata.labels) ? variables.template.metadata.labels : {}",
    },
    {
        name: "containers",
        expression:
            `${orElse("variables.podSpec.initContainers", "[]")} + ${orElse("variables.podSpec.containers", "[]")} + ` +
            orElse("variables.podSpec.ephemeralContainers", "[]"),
    },
];

/** An image pinned by a version tag or a digest (not `:latest`, not untagged: that means `:latest`). */
export const PINNED_IMAGE = "(c.image.matches('^[^@]+@sha256:[0-9a-f]{64}$') || (c.image.matches('^(.*/)?[^/:]+:[^/:@]+$') && !c.image.endsWith(':latest')))";
/** An image by digest only. */
export const DIGEST_IMAGE = "c.image.matches('^[^@]+@sha256:[0-9a-f]{64}$')";

const isPodKind = "request.kind.kind in ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob']";

/** The prometheus-operator monitors tenants ship (the `workloads` project allows both). */
const MONITOR_KINDS: ResourceRule = { apiGroups: ["monitoring.coreos.com"], apiVersions: ["*"], operations: WRITES, resources: ["servicemonitors", "podmonitors"] };
const isMonitor = "request.kind.kind in ['ServiceMonitor', 'PodMonitor']";
/** The scrape endpoints of either monitor kind (ServiceMonitor `endpoints`, PodMonitor `podMetricsEndpoints`). */
const monitorEndpoints =
    "(request.kind.kind == 'ServiceMonitor' ? (has(object.spec.endpoints) ? object.spec.endpoints : []) : " +
    "(has(object.spec.podMetricsEndpoints) ? object.spec.podMetricsEndpoints : []))";

/** `platform-tenant-workloads`: see the module comment. */
export function tenantWorkloadsPolicy(): GuardrailPolicy {
    const flag = (field: string) => `!(has(variables.podSpec.${field}) && variables.podSpec.${field} == true)`;
    const sc = "c.securityContext";
    return {
        name: "platform-tenant-workloads",
        resourceRules: [
            ...POD_KINDS,
            { apiGroups: [""], apiVersions: ["v1"], operations: WRITES, resources: ["services", "secrets"] },
            MONITOR_KINDS,
        ],
        variables: POD_VARIABLES,
        validations: [
            {
                expression: `!(${isPodKind}) || (${flag("hostNetwork")} && ${flag("hostPID")} && ${flag("hostIPC")})`,
                message: "tenant pods may not share the node's network, PID or IPC namespace (hostNetwork, hostPID, hostIPC)",
            },
            {
                expression:
                    `!(${isPodKind}) || variables.containers.all(c, !has(${sc}) || (` +
                    `!(has(${sc}.privileged) && ${sc}.privileged == true) && ` +
                    `!(has(${sc}.allowPrivilegeEscalation) && ${sc}.allowPrivilegeEscalation == true) && ` +
                    `!(has(${sc}.capabilities) && has(${sc}.capabilities.add) && ${sc}.capabilities.add.exists(cap, cap != 'NET_BIND_SERVICE'))))`,
                message: "tenant containers may not be privileged, allow privilege escalation or add capabilities other than NET_BIND_SERVICE",
            },
            {
                expression:
                    `!(${isPodKind}) || ((!has(variables.podSpec.volumes) || variables.podSpec.volumes.all(v, !has(v.hostPath))) && ` +
                    "variables.containers.all(c, !has(c.ports) || c.ports.all(p, !has(p.hostPort) || p.hostPort == 0)))",
                message: "tenant pods may not mount hostPath volumes or bind host ports",
            },
            {
                expression: `!(${isPodKind}) || variables.containers.all(c, has(c.image) && ${PINNED_IMAGE})`,
                message: "tenant images must be pinned: a version tag or a digest, never :latest or untagged",
            },
            {
                expression:
                    `!(${isPodKind}) || !('${API_ACCESS_LABEL}' in variables.podLabels) || ` +
                    `(has(variables.podSpec.serviceAccountName) && variables.podSpec.serviceAccountName == '${TRAINING_RUNNER}')`,
                message: `the ${API_ACCESS_LABEL} label (Kubernetes API egress) is only for pods running as the ${TRAINING_RUNNER} ServiceAccount`,
            },
            {
                expression:
                    "request.kind.kind != 'Service' || ((!has(object.spec.externalIPs) || size(object.spec.externalIPs) == 0) && " +
                    "(!has(object.spec.type) || object.spec.type == 'ClusterIP'))",
                message: "tenant Services are ClusterIP only, without externalIPs (CVE-2020-8554): no NodePort, LoadBalancer or ExternalName",
            },
            {
                expression: "request.kind.kind != 'Secret' || !has(object.type) || object.type != 'kubernetes.io/service-account-token'",
                message: "tenants may not create ServiceAccount token Secrets (a long-lived token for any account of the namespace)",
            },
            // prometheus-operator NamespaceSelector (Documentation/api-reference/api.md): absent or
            // empty is the monitor's own namespace, `any: true` every namespace, `matchNames` a list.
            {
                expression:
                    `!(${isMonitor}) || !has(object.spec.namespaceSelector) || (` +
                    "!(has(object.spec.namespaceSelector.any) && object.spec.namespaceSelector.any == true) && " +
                    "(!has(object.spec.namespaceSelector.matchNames) || object.spec.namespaceSelector.matchNames.all(n, n == request.namespace)))",
                message: "tenant ServiceMonitors and PodMonitors discover targets only in their own namespace (no namespaceSelector.any, no other matchNames)",
            },
            // Relabeling runs before the scrape: a `targetLabel: __address__` (or a labelmap, which
            // can write any label name) sends Prometheus to any host and port it can reach
            // (Prometheus docs, relabel_config: https://prometheus.io/docs/prometheus/latest/configuration/configuration/#relabel_config).
            // metricRelabelings run after the scrape and cannot change the target.
            {
                expression:
                    `!(${isMonitor}) || ${monitorEndpoints}.all(e, !has(e.relabelings) || e.relabelings.all(r, ` +
                    "!(has(r.targetLabel) && r.targetLabel == '__address__') && !(has(r.action) && r.action in ['labelmap', 'LabelMap'])))",
                message: "tenant monitors may not rewrite the scrape address (relabelings with targetLabel __address__ or action labelmap)",
            },
        ],
        namespaceSelectors: [roleIn("workload", "serving"), EPHEMERAL],
    };
}

/** The username a ServiceAccount authenticates as (`system:serviceaccount:<namespace>:<name>`). */
export function serviceAccountUser(namespace: string, name: string): string {
    return `system:serviceaccount:${namespace}:${name}`;
}

/** `platform-training-runner`: see the module comment. */
export function trainingRunnerPolicy(): GuardrailPolicy {
    const secretOk = (ref: string) => `${ref}.startsWith('${TRAINING_SECRET_PREFIX}')`;
    return {
        name: "platform-training-runner",
        resourceRules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["pods"] }],
        matchConditions: [{ name: "training-runner", expression: `request.userInfo.username == 'system:serviceaccount:' + request.namespace + ':${TRAINING_RUNNER}'` }],
        variables: POD_VARIABLES,
        validations: [
            {
                expression: `has(object.spec.serviceAccountName) && object.spec.serviceAccountName == '${TRAINING_JOB}'`,
                message: `pods started by the training runner run as the ${TRAINING_JOB} ServiceAccount (no API rights, no cloud identity)`,
            },
            {
                expression: "!has(object.spec.automountServiceAccountToken) || object.spec.automountServiceAccountToken == false",
                message: "pods started by the training runner mount no ServiceAccount token",
            },
            {
                expression:
                    "!has(object.spec.volumes) || object.spec.volumes.all(v, " +
                    `(!has(v.secret) || (has(v.secret.secretName) && ${secretOk("v.secret.secretName")})) && ` +
                    `(!has(v.projected) || !has(v.projected.sources) || v.projected.sources.all(s, !has(s.serviceAccountToken) && (!has(s.secret) || ${secretOk("s.secret.name")}))))`,
                message: `pods started by the training runner mount only ${TRAINING_SECRET_PREFIX}* Secrets, and no projected ServiceAccount token`,
            },
            {
                expression:
                    "variables.containers.all(c, " +
                    `(!has(c.env) || c.env.all(e, !has(e.valueFrom) || !has(e.valueFrom.secretKeyRef) || ${secretOk("e.valueFrom.secretKeyRef.name")})) && ` +
                    `(!has(c.envFrom) || c.envFrom.all(f, !has(f.secretRef) || ${secretOk("f.secretRef.name")})))`,
                message: `pods started by the training runner read only ${TRAINING_SECRET_PREFIX}* Secrets in their environment`,
            },
            {
                expression: `variables.containers.all(c, has(c.image) && ${DIGEST_IMAGE})`,
                message: "pods started by the training runner use images by digest (image@sha256:...)",
            },
        ],
        namespaceSelectors: [roleIn("workload")],
    };
}

/** Marks of the platform's own objects: our label, and Helm's release annotation (the serving operator's chart). */
const PLATFORM_OWNED = (o: string) =>
    `((has(${o}.metadata.labels) && 'app.kubernetes.io/part-of' in ${o}.metadata.labels && ${o}.metadata.labels['app.kubernetes.io/part-of'] == '${COMMON_LABELS["app.kubernetes.io/part-of"]}') || ` +
    `(has(${o}.metadata.annotations) && 'meta.helm.sh/release-name' in ${o}.metadata.annotations))`;

/** `platform-argocd-boundary`: see the module comment. */
export function argoCdBoundaryPolicy(argocdNamespace: string, controllerServiceAccount: string): GuardrailPolicy {
    return {
        name: "platform-argocd-boundary",
        resourceRules: [{ apiGroups: ["*"], apiVersions: ["*"], operations: ["CREATE", "UPDATE", "DELETE"], resources: ["*"] }],
        matchConditions: [{ name: "argocd-application-controller", expression: `request.userInfo.username == '${serviceAccountUser(argocdNamespace, controllerServiceAccount)}'` }],
        variables: [],
        validations: [
            {
                expression: `request.operation == 'CREATE' || !${PLATFORM_OWNED("oldObject")}`,
                message: "Argo CD may not change or delete the platform's objects in a tenant namespace (app.kubernetes.io/part-of=platform, or installed by a platform Helm release)",
            },
            {
                expression: `request.operation == 'DELETE' || !${PLATFORM_OWNED("object")}`,
                message: "objects synced by Argo CD may not claim to be the platform's (app.kubernetes.io/part-of=platform or a Helm release annotation)",
            },
        ],
        namespaceSelectors: [roleIn("workload", "serving"), EPHEMERAL],
    };
}

/** `labels[k] == v` for every pair of `pairs`, on a CEL map expression that may lack keys. */
function hasAllLabels(labels: string, pairs: Readonly<Record<string, string>>): string {
    return Object.entries(pairs)
        .map(([k, v]) => `('${k}' in ${labels} && ${labels}['${k}'] == '${v}')`)
        .join(" && ");
}

/** `platform-serving-objects`: see the module comment. */
export function servingObjectsPolicy(operator: Pick<ServingOperatorPods, "podLabels" | "serviceAccount">): GuardrailPolicy {
    const spec = "cs.spec";
    const flag = (f: string) => `!(has(${spec}.${f}) && ${spec}.${f} == true)`;
    // Seldon v1 copies a predictor's `labels` and each component spec's `metadata.labels` onto the
    // pods it creates (operator/controllers/seldondeployment_controller.go at v1.18.2,
    // "add predictor labels" / "add labels from podSpec metadata"); pairs from both can combine.
    const operatorLabelInSdep = Object.entries(operator.podLabels)
        .map(
            ([k, v]) =>
                `((has(p.labels) && ${hasAllLabels("p.labels", { [k]: v })}) || ` +
                `(has(p.componentSpecs) && p.componentSpecs.exists(cs, has(cs.metadata) && has(cs.metadata.labels) && ${hasAllLabels("cs.metadata.labels", { [k]: v })})))`,
        )
        .join(" && ");
    return {
        name: "platform-serving-objects",
        resourceRules: [{ apiGroups: ["machinelearning.seldon.io"], apiVersions: ["*"], operations: WRITES, resources: ["seldondeployments"] }, ...POD_KINDS],
        variables: POD_VARIABLES,
        validations: [
            {
                expression:
                    "!has(object.spec.predictors) || object.spec.predictors.all(p, !has(p.componentSpecs) || p.componentSpecs.all(cs, !has(cs.spec) || (" +
                    `(!has(${spec}.serviceAccountName) || ${spec}.serviceAccountName == 'default') && !has(${spec}.priorityClassName) && ` +
                    `${flag("hostNetwork")} && ${flag("hostPID")} && ${flag("hostIPC")})))`,
                message: "a SeldonDeployment's pods run as the namespace's default ServiceAccount, with no priority class and no host namespace",
            },
            {
                expression: `request.kind.kind != 'SeldonDeployment' || !has(object.spec.predictors) || object.spec.predictors.all(p, !(${operatorLabelInSdep}))`,
                message: "a SeldonDeployment's pods may not carry the serving operator's labels (the network policies give those pods API egress and webhook ingress)",
            },
            {
                expression:
                    `!(${isPodKind}) || !(${hasAllLabels("variables.podLabels", operator.podLabels)}) || ` +
                    `(has(variables.podSpec.serviceAccountName) && variables.podSpec.serviceAccountName == '${operator.serviceAccount}')`,
                message: `only pods running as the serving operator's ServiceAccount (${operator.serviceAccount}) may carry its labels (${Object.entries(operator.podLabels)
                    .map(([k, v]) => `${k}=${v}`)
                    .join(", ")}): the network policies select them`,
            },
        ],
        namespaceSelectors: [roleIn("serving")],
    };
}

/** Every guard-rail policy, in creation order (the serving one where a serving operator runs). */
export function guardrailPolicies(
    argocdNamespace: string,
    argocdControllerServiceAccount: string,
    servingOperator?: Pick<ServingOperatorPods, "podLabels" | "serviceAccount">,
): GuardrailPolicy[] {
    return [
        tenantWorkloadsPolicy(),
        trainingRunnerPolicy(),
        argoCdBoundaryPolicy(argocdNamespace, argocdControllerServiceAccount),
        ...(servingOperator ? [servingObjectsPolicy(servingOperator)] : []),
    ];
}

/**
 * Cilium endpoint label of a namespace label (Cilium labels each endpoint with its namespace's
 * labels under `io.cilium.k8s.namespace.labels.`: https://docs.cilium.io/en/stable/security/policy/kubernetes/#namespaces).
 */
const nsLabel = (key: string) => `k8s:io.cilium.k8s.namespace.labels.${key}`;

/**
 * The cluster-wide deny policies (cilium.io/v2 CiliumClusterwideNetworkPolicy), L3/L4 only, which
 * AKS and GKE Dataplane V2 support:
 * - tenant pods (workload and serving) and build agents (`ci`: jenkins-agents) never reach the
 *   nodes (`host`, `remote-node`: kubelet, node-exporter, anything on the host network), the
 *   platform's pods, or the addresses the cloud lists (instance metadata, host endpoints);
 * - workload pods without the API-access label never reach the API server (admission binds that
 *   label to the training runner's ServiceAccount). Serving pods are left out: the serving
 *   operator runs among them and reaches the API;
 * - build agents never reach the API server, with or without any label (they hold no token, and
 *   their HTTPS-to-the-internet rule must never become a path to it: on Cilium the API server's
 *   address carries the `kube-apiserver` entity, which this deny names wherever it lives).
 */
export function clusterwideDenyPolicies(denyCidrs: readonly string[]): Record<string, unknown>[] {
    const meta = (name: string) => ({ name, labels: { ...COMMON_LABELS } });
    return [
        {
            apiVersion: "cilium.io/v2",
            kind: "CiliumClusterwideNetworkPolicy",
            metadata: meta("platform-tenant-egress-deny"),
            spec: {
                description: "Tenant pods and build agents never reach the nodes, the platform's pods or the cloud's metadata endpoints, whatever a NetworkPolicy allows",
                endpointSelector: { matchExpressions: [{ key: nsLabel(ROLE_LABEL), operator: "In", values: ["workload", "serving", "ci"] }] },
                egressDeny: [
                    { toEntities: ["host", "remote-node"] },
                    { toEndpoints: [{ matchExpressions: [{ key: nsLabel(ROLE_LABEL), operator: "In", values: ["platform"] }] }] },
                    ...(denyCidrs.length > 0 ? [{ toCIDR: [...denyCidrs] }] : []),
                ],
            },
        },
        {
            apiVersion: "cilium.io/v2",
            kind: "CiliumClusterwideNetworkPolicy",
            metadata: meta("platform-workload-api-deny"),
            spec: {
                description: "Workload pods without the API-access grant never reach the Kubernetes API, whatever a NetworkPolicy allows",
                endpointSelector: {
                    matchExpressions: [
                        { key: nsLabel(ROLE_LABEL), operator: "In", values: ["workload"] },
                        { key: `k8s:${API_ACCESS_LABEL}`, operator: "DoesNotExist" },
                    ],
                },
                egressDeny: [{ toEntities: ["kube-apiserver"] }],
            },
        },
        {
            apiVersion: "cilium.io/v2",
            kind: "CiliumClusterwideNetworkPolicy",
            metadata: meta("platform-ci-api-deny"),
            spec: {
                description: "Build agents never reach the Kubernetes API, whatever a NetworkPolicy allows",
                endpointSelector: { matchExpressions: [{ key: nsLabel(ROLE_LABEL), operator: "In", values: ["ci"] }] },
                egressDeny: [{ toEntities: ["kube-apiserver"] }],
            },
        },
    ];
}

export interface TenantGuardrailsArgs {
    readonly provider: k8s.Provider;
    readonly hints: ClusterHints;
    /** Argo CD's namespace (its application controller is the identity the boundary policy matches). */
    readonly argocdNamespace: string;
    readonly workloadNamespaces: readonly string[];
    readonly servingNamespaces: readonly string[];
    /** The serving engine's operator in the serving namespaces (its labels and ServiceAccount). */
    readonly servingOperator: Pick<ServingOperatorPods, "podLabels" | "serviceAccount">;
}

/** The Argo CD application controller's ServiceAccount (argo-cd chart, release `argocd`). */
export const ARGOCD_CONTROLLER_SERVICE_ACCOUNT = "argocd-application-controller";

/** `platform:k8s:TenantGuardrails`: the admission policies, their bindings and (on Cilium) the cluster-wide deny policies. */
export class TenantGuardrails extends pulumi.ComponentResource {
    constructor(name: string, args: TenantGuardrailsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:k8s:TenantGuardrails", name, {}, opts);
        const o = { parent: this, provider: args.provider };
        const labels = { ...COMMON_LABELS, "app.kubernetes.io/component": "tenant-guardrails" };
        for (const p of guardrailPolicies(args.argocdNamespace, ARGOCD_CONTROLLER_SERVICE_ACCOUNT, args.servingOperator)) {
            const policy = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(
                `${name}-${p.name}`,
                {
                    metadata: { name: p.name, labels },
                    spec: {
                        failurePolicy: "Fail",
                        matchConstraints: { resourceRules: p.resourceRules },
                        ...(p.matchConditions ? { matchConditions: p.matchConditions } : {}),
                        ...(p.variables.length > 0 ? { variables: p.variables.map((v) => ({ ...v })) } : {}),
                        validations: p.validations.map((v) => ({ ...v })),
                    },
                },
                o,
            );
            p.namespaceSelectors.forEach((selector, i) => {
                const bindingName = i === 0 ? p.name : `${p.name}-${i + 1}`;
                new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(
                    `${name}-${bindingName}-binding`,
                    { metadata: { name: bindingName, labels }, spec: { policyName: policy.metadata.name, validationActions: ["Deny"], matchResources: { namespaceSelector: selector } } },
                    o,
                );
            });
        }
        if (args.hints.clusterwideDeny) {
            for (const ccnp of clusterwideDenyPolicies(args.hints.clusterwideDeny.denyCidrs)) {
                const meta = ccnp.metadata as { name: string };
                new k8s.apiextensions.CustomResource(
                    `${name}-${meta.name}`,
                    { apiVersion: "cilium.io/v2", kind: "CiliumClusterwideNetworkPolicy", metadata: ccnp.metadata as k8s.types.input.meta.v1.ObjectMeta, spec: ccnp.spec },
                    o,
                );
            }
        }
        this.registerOutputs({});
    }
}
