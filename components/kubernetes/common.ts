/**
 * Shared vocabulary of the in-cluster platform: environments, namespaces, labels, Pod Security
 * levels and argument validation.
 */
import * as pulumi from "@pulumi/pulumi";

/** Deployment environment; sizes and HA follow it. */
export type Environment = "dev" | "staging" | "prod";
export const ENVIRONMENTS: readonly Environment[] = ["dev", "staging", "prod"];

/** The platform's own namespaces. Fixed names: runbooks, dashboards and the bastion tunnel docs use them. */
export const PLATFORM_NAMESPACES = {
    argocd: "argocd",
    monitoring: "monitoring",
    seldon: "seldon-system",
} as const;

/** What a namespace is for; drives its Pod Security level, policies and quotas. */
export type NamespaceRole = "platform" | "workload" | "serving";

/** Label on every namespace the platform manages, so NetworkPolicies can select by role. */
export const ROLE_LABEL = "platform.io/namespace-role";
/** Pods in workload namespaces carrying this label may reach the Kubernetes API. */
export const API_ACCESS_LABEL = "platform.io/api-access";

/** Labels every object the program declares directly carries. */
export const COMMON_LABELS: Readonly<Record<string, string>> = {
    "app.kubernetes.io/managed-by": "pulumi",
    "app.kubernetes.io/part-of": "platform",
};

/** Pod Security Standards level (https://kubernetes.io/docs/concepts/security/pod-security-standards/). */
export type PssLevel = "privileged" | "baseline" | "restricted";

/**
 * Version of the Pod Security Standards the labels refer to. Pinned (never `latest`) so a cluster
 * upgrade cannot tighten or loosen the policy behind our back; bump deliberately.
 */
export const PSS_VERSION = "v1.32";

/**
 * Pod Security Admission labels: enforce the given level; always audit and warn at `restricted`,
 * so anything running below restricted is visible in audit logs and `kubectl` warnings.
 */
export function podSecurityLabels(enforce: PssLevel): Record<string, string> {
    return {
        "pod-security.kubernetes.io/enforce": enforce,
        "pod-security.kubernetes.io/enforce-version": PSS_VERSION,
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/audit-version": PSS_VERSION,
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/warn-version": PSS_VERSION,
    };
}

/** RFC 1123 label: what Kubernetes accepts as a namespace name. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Problems with a namespace list, one message per problem (empty when valid). */
export function namespaceProblems(field: string, names: readonly string[], reserved: readonly string[]): string[] {
    const problems: string[] = [];
    const seen = new Set<string>();
    names.forEach((ns, i) => {
        if (ns.length > 63 || !DNS_LABEL.test(ns)) {
            problems.push(
                `${field}[${i}] = "${ns}" is not a valid namespace name: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit`,
            );
        }
        if (reserved.includes(ns)) {
            problems.push(`${field}[${i}] = "${ns}" is reserved (platform or system namespace); pick another name`);
        }
        if (seen.has(ns)) {
            problems.push(`${field}[${i}] = "${ns}" is listed twice; remove the duplicate`);
        }
        seen.add(ns);
    });
    return problems;
}

/** Namespaces nobody may claim as a workload or serving namespace. */
export const RESERVED_NAMESPACES: readonly string[] = [
    ...Object.values(PLATFORM_NAMESPACES),
    "default",
    "kube-system",
    "kube-public",
    "kube-node-lease",
];

/** Throws one error listing every problem, naming the component, so a caller fixes them all at once. */
export function throwIfProblems(component: string, problems: readonly string[]): void {
    if (problems.length > 0) {
        throw new Error(`${component}: invalid arguments:\n  - ${problems.join("\n  - ")}`);
    }
}

/** Options for a child: parented to the component, with the explicit Kubernetes provider. */
export function childOpts(
    parent: pulumi.Resource,
    provider: pulumi.ProviderResource,
    extra: pulumi.CustomResourceOptions = {},
): pulumi.CustomResourceOptions {
    return { ...extra, parent, provider };
}
