/**
 * Jenkins build agents on the cluster (issue 22): the namespace `jenkins-agents` where the
 * Kubernetes plugin of the controller (the Jenkins VM, 0 executors) starts one pod per build.
 *
 * The controller authenticates with the VM's own cloud identity, which the cloud maps to a
 * Kubernetes subject (`ClusterHints.jenkinsAgents.subject`: an EKS access entry's group, the AKS
 * identity's Entra object id, the GKE service account e-mail). That subject gets:
 * - RBAC: a Role in this namespace only, with what the plugin needs (pods, pods/exec, pods/log,
 *   events) and nothing else;
 * - admission, the second wall: a ValidatingAdmissionPolicy
 *   (admissionregistration.k8s.io/v1, GA in Kubernetes 1.30:
 *   https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/) that
 *   refuses any change of that subject other than pods in this namespace, and any pod that is not
 *   an agent as the platform renders it: the `jenkins-agent` ServiceAccount with no token, the
 *   agent label, only emptyDir / ConfigMap / projected (ConfigMap, downward API) volumes, no
 *   Secret by reference, no host namespace, no nodeName, no toleration beyond the workload pool's.
 * The agents themselves get no API credential (the ServiceAccount and the namespace's `default`
 * one mount no token, and admission refuses a pod that asks for one), Pod Security `restricted`,
 * a quota and limit range sized per environment, the platform CA (ConfigMap `platform-ca`, so the
 * agent trusts the controller's certificate: remoting `-cert`), and NetworkPolicies
 * (baseline.ts, role `ci`): DNS, the controller's agent port, HTTPS to the internet except every
 * private, shared and link-local range; nothing else, no ingress. On Cilium clusters the
 * cluster-wide deny (admission.ts) covers the namespace like a tenant's.
 *
 * The CEL below is executed in tests (tests/kubernetes/jenkins-agents.test.ts) against the
 * requests the plugin makes and each request it must refuse.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { namespaceMetadata, NamespacePlan, networkPolicies, ToolVmGrants } from "./baseline";
import {
    childOpts,
    COMMON_LABELS,
    CRITICAL_PRIORITY_CLASSES,
    Environment,
    JENKINS_AGENT_CA_CONFIGMAP,
    JENKINS_AGENT_CA_KEY,
    JENKINS_AGENT_LABEL,
    JENKINS_AGENT_SERVICE_ACCOUNT,
    JENKINS_AGENTS_MAX_PODS,
    JENKINS_AGENTS_NAMESPACE,
} from "./common";
import type { ClusterHints, JenkinsAgentsHint } from "./hints";

type PolicyRule = k8s.types.input.rbac.v1.PolicyRule;

/** Name of the Role, RoleBinding and admission policy of the Jenkins identity. */
export const JENKINS_AGENTS_ACCESS = "platform-jenkins-agents";

/** The namespace: role `ci`, Pod Security `restricted`. */
export const JENKINS_AGENTS_NAMESPACE_PLAN: NamespacePlan = {
    name: JENKINS_AGENTS_NAMESPACE,
    role: "ci",
    pss: "restricted",
    why: "build agents run pipeline code: the strictest level; the inbound-agent image runs as uid 1000 and the platform's pod template sets the restricted securityContext",
};

/**
 * What the Kubernetes plugin does in its namespace, after the plugin's own minimal grant
 * (jenkinsci/kubernetes-plugin src/main/kubernetes/service-account.yml, at 02a6b30b):
 * - pods: create, delete, get, list, patch, update, watch (it starts, watches and removes one pod
 *   per build);
 * - pods/exec: `create` and `get` only (the `container` step's exec: a POST for SPDY, a GET
 *   upgrade for WebSocket, which API servers with AuthorizePodWebsocketUpgradeCreatePermission
 *   also check as `create`); the sample's other verbs mean nothing on an exec subresource;
 * - pods/log: get, list, watch (the build log of a failed agent);
 * - events: get, list, watch (the sample grants `watch`; reading why a pod did not start is
 *   a list of the namespace's events).
 * No `secrets`: the sample grants `get` on them for pod templates that mount credentials by
 * Secret; the platform's pod template uses none (agents get their secrets from Vault through the
 * controller) and admission refuses any pod that references one.
 */
export const JENKINS_AGENT_RULES: readonly PolicyRule[] = [
    { apiGroups: [""], resources: ["pods"], verbs: ["create", "delete", "get", "list", "patch", "update", "watch"] },
    { apiGroups: [""], resources: ["pods/exec"], verbs: ["create", "get"] },
    { apiGroups: [""], resources: ["pods/log"], verbs: ["get", "list", "watch"] },
    { apiGroups: [""], resources: ["events"], verbs: ["get", "list", "watch"] },
];

/**
 * The namespace's ResourceQuota per environment: concurrent agents, their CPU, memory and scratch
 * disk (the workspace is an emptyDir on the node's disk: without a ceiling one pipeline fills it
 * and the kubelet evicts the platform's pods for disk pressure), and no volume claims or
 * externally reachable Services (agents need neither).
 */
export function jenkinsAgentsQuota(environment: Environment): Record<string, string> {
    const sizes: Record<Environment, [pods: number, cpu: number, memGi: number, diskGi: number]> = {
        dev: [JENKINS_AGENTS_MAX_PODS.dev, 4, 8, 40],
        staging: [JENKINS_AGENTS_MAX_PODS.staging, 8, 16, 80],
        prod: [JENKINS_AGENTS_MAX_PODS.prod, 16, 32, 160],
    };
    const [pods, cpu, mem, disk] = sizes[environment];
    return {
        pods: `${pods}`,
        "requests.cpu": `${cpu}`,
        "limits.cpu": `${cpu * 2}`,
        "requests.memory": `${mem}Gi`,
        "limits.memory": `${mem}Gi`,
        "requests.ephemeral-storage": `${disk}Gi`,
        "limits.ephemeral-storage": `${disk}Gi`,
        persistentvolumeclaims: "0",
        "services.loadbalancers": "0",
        "services.nodeports": "0",
    };
}

/**
 * LimitRange: defaults for containers the pod template leaves without resources (the quota needs
 * requests and limits on every one), and a per-container ceiling so one build cannot take the
 * whole quota. Memory limit = request by default: an agent JVM sized by its limit is never
 * OOM-killed for using what it was promised.
 */
export function jenkinsAgentsLimitRange(environment: Environment): k8s.types.input.core.v1.LimitRangeSpec {
    const max = environment === "prod" ? { cpu: "4", memory: "8Gi", "ephemeral-storage": "40Gi" } : { cpu: "2", memory: "4Gi", "ephemeral-storage": "20Gi" };
    return {
        limits: [
            {
                type: "Container",
                default: { cpu: "1", memory: "1Gi", "ephemeral-storage": "4Gi" },
                defaultRequest: { cpu: "250m", memory: "1Gi", "ephemeral-storage": "1Gi" },
                max,
            },
        ],
    };
}

/** The CEL `matchConditions` expression selecting requests of the Jenkins identity (guarded: an error would refuse every request). */
export function jenkinsSubjectCondition(subject: { readonly kind: "Group" | "User"; readonly name: string }): string {
    const name = JSON.stringify(subject.name);
    return subject.kind === "Group"
        ? `has(request.userInfo.groups) && ${name} in request.userInfo.groups`
        : `has(request.userInfo.username) && request.userInfo.username == ${name}`;
}

/** The policy's variables: whether the request writes a pod (not a subresource), and its containers. */
export const JENKINS_POLICY_VARIABLES: readonly { name: string; expression: string }[] = [
    {
        name: "isPodWrite",
        expression:
            "request.operation != 'DELETE' && has(request.resource.resource) && request.resource.resource == 'pods' && " +
            "(!has(request.resource.group) || request.resource.group == '') && (!has(request.subResource) || request.subResource == '')",
    },
    {
        name: "containers",
        expression:
            "!variables.isPodWrite ? [] : " +
            "(has(object.spec.initContainers) ? object.spec.initContainers : []) + (has(object.spec.containers) ? object.spec.containers : []) + " +
            "(has(object.spec.ephemeralContainers) ? object.spec.ephemeralContainers : [])",
    },
];

/**
 * Taint keys every pod tolerates without asking: the DefaultTolerationSeconds admission plugin
 * adds `node.kubernetes.io/not-ready` and `node.kubernetes.io/unreachable` (NoExecute, 300 s) to
 * each pod before validation runs
 * (https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#defaulttolerationseconds).
 */
export const DEFAULT_TOLERATION_KEYS: readonly string[] = ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"];

/** The taint keys agent pods may tolerate: the defaults and the workload pool's (`hints.workloadTolerations`, e.g. Spot). */
export function agentTolerationKeys(hints: Pick<ClusterHints, "workloadTolerations">): string[] {
    const keys = [...DEFAULT_TOLERATION_KEYS];
    for (const t of hints.workloadTolerations ?? []) {
        if (t.key && !keys.includes(t.key)) {
            keys.push(t.key);
        }
    }
    return keys;
}

/**
 * The policy's validations: each says what it refuses. `tolerationKeys`: the taints agents may
 * tolerate ({@link agentTolerationKeys}): never the system pool's (`CriticalAddonsOnly`) nor all
 * of them (a toleration without a key), so a build never lands beside CoreDNS and the platform.
 */
export function jenkinsAgentsValidations(tolerationKeys: readonly string[] = DEFAULT_TOLERATION_KEYS): { expression: string; message: string }[] {
    const pod = (rule: string) => `!variables.isPodWrite || (${rule})`;
    const off = (field: string) => `!(has(object.spec.${field}) && object.spec.${field} == true)`;
    return [
        {
            expression:
                `has(request.namespace) && request.namespace == '${JENKINS_AGENTS_NAMESPACE}' && has(request.resource.resource) && request.resource.resource == 'pods' && ` +
                "(!has(request.resource.group) || request.resource.group == '') && (!has(request.subResource) || request.subResource == '')",
            message: `the Jenkins identity may change nothing but pods in ${JENKINS_AGENTS_NAMESPACE}`,
        },
        {
            expression: pod(`has(object.spec.serviceAccountName) && object.spec.serviceAccountName == '${JENKINS_AGENT_SERVICE_ACCOUNT}'`),
            message: `Jenkins agent pods run as the ${JENKINS_AGENT_SERVICE_ACCOUNT} ServiceAccount`,
        },
        {
            expression: pod("has(object.spec.automountServiceAccountToken) && object.spec.automountServiceAccountToken == false"),
            message: "Jenkins agent pods set automountServiceAccountToken: false (agents never call the API)",
        },
        {
            expression: pod(`has(object.metadata.labels) && '${JENKINS_AGENT_LABEL}' in object.metadata.labels && object.metadata.labels['${JENKINS_AGENT_LABEL}'] == 'true'`),
            message: `Jenkins agent pods carry ${JENKINS_AGENT_LABEL}=true (the label the network policies select)`,
        },
        {
            expression: pod(
                "!has(object.spec.volumes) || object.spec.volumes.all(v, has(v.emptyDir) || has(v.configMap) || " +
                    "(has(v.projected) && (!has(v.projected.sources) || v.projected.sources.all(s, has(s.configMap) || has(s.downwardAPI)))))",
            ),
            message: "Jenkins agent pods mount only emptyDir, configMap and projected (configMap, downwardAPI) volumes: no Secret, ServiceAccount token, hostPath or claim",
        },
        {
            expression: pod(
                "variables.containers.all(c, (!has(c.env) || c.env.all(e, !has(e.valueFrom) || !has(e.valueFrom.secretKeyRef))) && " +
                    "(!has(c.envFrom) || c.envFrom.all(f, !has(f.secretRef))))",
            ),
            message: "Jenkins agent containers read no Secret into their environment (secretKeyRef, envFrom secretRef)",
        },
        {
            expression: pod(`${off("hostNetwork")} && ${off("hostPID")} && ${off("hostIPC")}`),
            message: "Jenkins agent pods may not share the node's network, PID or IPC namespace",
        },
        {
            // Only at creation: the scheduler binds every pod to a node afterwards, and a later
            // update (labels) carries that nodeName.
            expression: pod("request.operation != 'CREATE' || !has(object.spec.nodeName) || object.spec.nodeName == ''"),
            message: "Jenkins agent pods may not name a node (the scheduler places them)",
        },
        {
            expression: pod(`!has(object.spec.tolerations) || object.spec.tolerations.all(t, has(t.key) && t.key in [${tolerationKeys.map((k) => `'${k}'`).join(", ")}])`),
            message: `Jenkins agent pods tolerate only the workload pool's taints and the defaults (${tolerationKeys.join(", ")}): never the system pool's, nor every taint`,
        },
    ];
}

export interface JenkinsAgentsArgs {
    readonly provider: k8s.Provider;
    /** Sizes the quota and limit range. */
    readonly environment: Environment;
    /** Cluster facts: the policies' except ranges, the subject. */
    readonly hints: ClusterHints;
    /** The Kubernetes subject of the Jenkins VM's identity. */
    readonly hint: JenkinsAgentsHint;
    /** The Jenkins VM's address and agent port. */
    readonly jenkins: NonNullable<ToolVmGrants["jenkins"]>;
    /** The platform CA certificate (PEM): the controller's nginx serves a certificate of it. */
    readonly internalCaCertPem: pulumi.Input<string>;
}

/** `platform:k8s:JenkinsAgents`: the namespace and everything that confines the agents and the Jenkins identity. */
export class JenkinsAgents extends pulumi.ComponentResource {
    /** The namespace's name, resolved once its policies, quota and admission exist. */
    public readonly namespace: pulumi.Output<string>;

    constructor(name: string, args: JenkinsAgentsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:k8s:JenkinsAgents", name, {}, opts);
        this.namespace = buildJenkinsAgents(this, name, args);
        this.registerOutputs({ namespace: this.namespace });
    }
}

/** Creates the children under `parent`; returns the namespace name once everything guarding it exists. */
export function buildJenkinsAgents(parent: pulumi.Resource, name: string, args: JenkinsAgentsArgs): pulumi.Output<string> {
    const opts = (extra: pulumi.CustomResourceOptions = {}) => childOpts(parent, args.provider, extra);
    const labels = { ...COMMON_LABELS, "app.kubernetes.io/component": "jenkins-agents" };
    const plan = JENKINS_AGENTS_NAMESPACE_PLAN;
    const ns = new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: namespaceMetadata(plan) }, opts());
    const inNs = { namespace: ns.metadata.name, labels };

    const guards: pulumi.Resource[] = networkPolicies(plan, args.hints, false, { jenkins: args.jenkins }).map(
        (p) => new k8s.networking.v1.NetworkPolicy(`${name}-${p.name}`, { metadata: { ...inNs, name: p.name }, spec: p.spec }, opts()),
    );
    guards.push(
        new k8s.core.v1.ResourceQuota(`${name}-quota`, { metadata: { ...inNs, name: "platform-quota" }, spec: { hard: jenkinsAgentsQuota(args.environment) } }, opts()),
        new k8s.core.v1.LimitRange(`${name}-limits`, { metadata: { ...inNs, name: "platform-limits" }, spec: jenkinsAgentsLimitRange(args.environment) }, opts()),
        // Agents never preempt the platform: no critical class (https://kubernetes.io/docs/concepts/policy/resource-quotas/#resource-quota-per-priorityclass).
        new k8s.core.v1.ResourceQuota(
            `${name}-critical-priority`,
            {
                metadata: { ...inNs, name: "platform-critical-priority" },
                spec: { hard: { pods: "0" }, scopeSelector: { matchExpressions: [{ scopeName: "PriorityClass", operator: "In", values: [...CRITICAL_PRIORITY_CLASSES] }] } },
            },
            opts(),
        ),
        // A pod naming no account gets no token (SSA upsert of the one field, as in the tenant namespaces).
        new k8s.core.v1.ServiceAccount(`${name}-default-sa`, { metadata: { ...inNs, name: "default" }, automountServiceAccountToken: false }, opts()),
        new k8s.core.v1.ServiceAccount(`${name}-service-account`, { metadata: { ...inNs, name: JENKINS_AGENT_SERVICE_ACCOUNT }, automountServiceAccountToken: false }, opts()),
        new k8s.core.v1.ConfigMap(`${name}-platform-ca`, { metadata: { ...inNs, name: JENKINS_AGENT_CA_CONFIGMAP }, data: { [JENKINS_AGENT_CA_KEY]: args.internalCaCertPem } }, opts()),
    );

    const subject = args.hint.subject;
    const policy = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(
        `${name}-policy`,
        {
            metadata: { name: JENKINS_AGENTS_ACCESS, labels },
            spec: {
                // An unevaluable expression denies: the confinement never fails open.
                failurePolicy: "Fail",
                // Every write of any kind, subresources included ('*/*' must stand alone:
                // admissionregistration validation of RuleWithOperations.resources).
                matchConstraints: { resourceRules: [{ apiGroups: ["*"], apiVersions: ["*"], operations: ["CREATE", "UPDATE", "DELETE"], resources: ["*/*"] }] },
                matchConditions: [{ name: "jenkins-identity", expression: pulumi.output(subject.name).apply((n) => jenkinsSubjectCondition({ kind: subject.kind, name: n })) }],
                variables: JENKINS_POLICY_VARIABLES.map((v) => ({ ...v })),
                validations: jenkinsAgentsValidations(agentTolerationKeys(args.hints)),
            },
        },
        opts(),
    );
    const binding = new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(
        `${name}-policy-binding`,
        { metadata: { name: JENKINS_AGENTS_ACCESS, labels }, spec: { policyName: policy.metadata.name, validationActions: ["Deny"] } },
        opts(),
    );
    const role = new k8s.rbac.v1.Role(`${name}-role`, { metadata: { ...inNs, name: JENKINS_AGENTS_ACCESS }, rules: [...JENKINS_AGENT_RULES] }, opts());
    // The grant comes last: the identity never holds it while a pod could start unconfined
    // (before the policies, quota and admission exist).
    new k8s.rbac.v1.RoleBinding(
        `${name}-role-binding`,
        {
            metadata: { ...inNs, name: JENKINS_AGENTS_ACCESS },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
            subjects: [{ kind: subject.kind, name: subject.name, apiGroup: "rbac.authorization.k8s.io" }],
        },
        opts({ dependsOn: [...guards, binding] }),
    );
    return pulumi.all([ns.metadata.name, binding.urn, ...guards.map((g) => g.urn)]).apply(([n]) => n as string);
}
