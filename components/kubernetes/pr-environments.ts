/**
 * What the CI identity behind namespace-scope PR environments (`npm run env -- up --scope
 * namespace`, automation/namespace-program.ts) may do on the shared cluster, and nothing more.
 *
 * Kubernetes RBAC cannot scope a grant to namespaces that do not exist yet or to names with a
 * prefix, so the grant is two parts:
 * - RBAC: a ClusterRole for namespaces and the few kinds the namespace program creates in them
 *   (quota, limit range, NetworkPolicies), and a Role in Argo CD's namespace for AppProjects and
 *   Applications, bound to the identity (`ClusterHints.prEnvironments.subject`: the cloud maps the
 *   CI principal to it: an EKS access entry's Kubernetes group, an Entra object id on AKS, a
 *   Google service account e-mail on GKE);
 * - admission: a ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1, GA in Kubernetes
 *   1.30: https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/)
 *   that denies that identity anything outside `pr-<n>` namespaces labelled
 *   `platform/ephemeral=true` at Pod Security `restricted`, and any Argo CD project or application
 *   not named after, and confined to, its own PR namespace.
 * The CEL below is executed in tests against the requests the namespace program makes.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { COMMON_LABELS } from "./common";
import type { PrEnvironmentsHint } from "./hints";

/** The namespace name a PR environment gets (automation/namespace-program.ts prNamespaceName). */
export const PR_NAMESPACE_PATTERN = "^pr-[1-9][0-9]{0,6}$";

/** The kinds the namespace program creates inside a PR namespace (core and networking groups). */
export const PR_NAMESPACED_RESOURCES: readonly { readonly apiGroup: string; readonly resources: readonly string[] }[] = [
    { apiGroup: "", resources: ["resourcequotas", "limitranges"] },
    { apiGroup: "networking.k8s.io", resources: ["networkpolicies"] },
];

const VERBS = ["get", "list", "watch", "create", "update", "patch", "delete"];

/** The CEL `matchConditions` expression selecting requests made by the PR identity. */
export function subjectCondition(subject: PrEnvironmentsHint["subject"]): string {
    const name = JSON.stringify(subject.name);
    return subject.kind === "Group" ? `${name} in request.userInfo.groups` : `request.userInfo.username == ${name}`;
}

/**
 * The policy's validations (CEL, Kubernetes admission variables `request`, `object`,
 * `oldObject`). Each says what it refuses in its message.
 */
export function prValidations(argocdNamespace: string): { expression: string; message: string }[] {
    const pr = `'${PR_NAMESPACE_PATTERN}'`;
    const isArgo = "(request.kind.kind == 'AppProject' || request.kind.kind == 'Application')";
    return [
        {
            expression: `request.kind.kind != 'Namespace' || request.name.matches(${pr})`,
            message: "the PR automation may only manage namespaces named pr-<n>",
        },
        {
            expression:
                "request.kind.kind != 'Namespace' || request.operation == 'DELETE' || " +
                "(has(object.metadata.labels) && object.metadata.labels.exists(k, k == 'platform/ephemeral') && object.metadata.labels['platform/ephemeral'] == 'true' && " +
                "object.metadata.labels.exists(k, k == 'pod-security.kubernetes.io/enforce') && object.metadata.labels['pod-security.kubernetes.io/enforce'] == 'restricted')",
            message: "a PR namespace must carry platform/ephemeral=true and pod-security.kubernetes.io/enforce=restricted",
        },
        {
            expression:
                "request.kind.kind != 'Namespace' || request.operation != 'DELETE' || " +
                "(has(oldObject.metadata.labels) && oldObject.metadata.labels.exists(k, k == 'platform/ephemeral') && oldObject.metadata.labels['platform/ephemeral'] == 'true')",
            message: "the PR automation may only delete namespaces labelled platform/ephemeral=true",
        },
        {
            expression: `request.kind.kind == 'Namespace' || ${isArgo} || request.namespace.matches(${pr})`,
            message: "the PR automation may only change quotas, limit ranges and NetworkPolicies inside pr-<n> namespaces",
        },
        {
            expression: `!${isArgo} || (request.namespace == '${argocdNamespace}' && request.name.matches(${pr}))`,
            message: `Argo CD projects and applications of the PR automation live in ${argocdNamespace} and are named pr-<n>`,
        },
        {
            expression:
                "request.kind.kind != 'AppProject' || request.operation == 'DELETE' || " +
                "(has(object.spec.destinations) && object.spec.destinations.all(d, d.namespace == request.name) && " +
                "(!has(object.spec.clusterResourceWhitelist) || size(object.spec.clusterResourceWhitelist) == 0))",
            message: "a PR AppProject may deploy only into its own namespace and no cluster-scoped kinds",
        },
        {
            expression:
                "request.kind.kind != 'Application' || request.operation == 'DELETE' || " +
                "(object.spec.project == request.name && object.spec.destination.namespace == request.name)",
            message: "a PR Application must use the project and the namespace of its own name",
        },
    ];
}

export interface PrEnvironmentsArgs {
    readonly provider: k8s.Provider;
    readonly hint: PrEnvironmentsHint;
    /** Argo CD's namespace (where PR AppProjects and Applications live). */
    readonly argocdNamespace: pulumi.Input<string>;
    readonly argocdNamespaceName: string;
}

/** `platform:k8s:PrEnvironments`: the RBAC grant and the admission policy that confines it. */
export class PrEnvironments extends pulumi.ComponentResource {
    constructor(name: string, args: PrEnvironmentsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:k8s:PrEnvironments", name, {}, opts);
        const o = { parent: this, provider: args.provider };
        const labels = { ...COMMON_LABELS, "app.kubernetes.io/component": "pr-environments" };
        const subject = { kind: args.hint.subject.kind, name: args.hint.subject.name, apiGroup: "rbac.authorization.k8s.io" };
        const role = new k8s.rbac.v1.ClusterRole(
            `${name}-cluster-role`,
            {
                metadata: { name: "platform:pr-environments", labels },
                rules: [
                    { apiGroups: [""], resources: ["namespaces"], verbs: VERBS },
                    ...PR_NAMESPACED_RESOURCES.map((r) => ({ apiGroups: [r.apiGroup], resources: [...r.resources], verbs: VERBS })),
                ],
            },
            o,
        );
        new k8s.rbac.v1.ClusterRoleBinding(
            `${name}-cluster-role-binding`,
            { metadata: { name: "platform:pr-environments", labels }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name }, subjects: [subject] },
            o,
        );
        const argoRole = new k8s.rbac.v1.Role(
            `${name}-argocd-role`,
            {
                metadata: { name: "platform:pr-environments", namespace: args.argocdNamespace, labels },
                rules: [{ apiGroups: ["argoproj.io"], resources: ["appprojects", "applications"], verbs: VERBS }],
            },
            o,
        );
        new k8s.rbac.v1.RoleBinding(
            `${name}-argocd-role-binding`,
            {
                metadata: { name: "platform:pr-environments", namespace: args.argocdNamespace, labels },
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: argoRole.metadata.name },
                subjects: [subject],
            },
            o,
        );
        const policy = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(
            `${name}-policy`,
            {
                metadata: { name: "platform-pr-environments", labels },
                spec: {
                    // An unevaluable expression denies: the confinement never fails open.
                    failurePolicy: "Fail",
                    matchConstraints: {
                        resourceRules: [
                            { apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE", "DELETE"], resources: ["namespaces", "resourcequotas", "limitranges"] },
                            { apiGroups: ["networking.k8s.io"], apiVersions: ["v1"], operations: ["CREATE", "UPDATE", "DELETE"], resources: ["networkpolicies"] },
                            { apiGroups: ["argoproj.io"], apiVersions: ["v1alpha1"], operations: ["CREATE", "UPDATE", "DELETE"], resources: ["appprojects", "applications"] },
                        ],
                    },
                    matchConditions: [{ name: "pr-automation-identity", expression: subjectCondition(args.hint.subject) }],
                    validations: prValidations(args.argocdNamespaceName),
                },
            },
            o,
        );
        new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(
            `${name}-policy-binding`,
            { metadata: { name: "platform-pr-environments", labels }, spec: { policyName: policy.metadata.name, validationActions: ["Deny"] } },
            o,
        );
        this.registerOutputs({});
    }
}
