import type { PolicyResource } from "@pulumi/policy";
import { cis, configOf, stackPolicy } from "../../lib/policy";
import { containsUnknown, field, isUnknown, list, plain } from "../../lib/values";

export interface DefaultDenyConfig {
    policyTypes: string[];
    exemptNamespaces: string[];
}

const configSchema = {
    properties: {
        policyTypes: {
            type: "array" as const,
            items: { type: "string" as const, enum: ["Ingress", "Egress"] },
            minItems: 1,
            uniqueItems: true,
            default: ["Ingress"],
            description: "Directions the default-deny policy must cover.",
        },
        exemptNamespaces: {
            type: "array" as const,
            items: { type: "string" as const },
            default: ["kube-system", "kube-public", "kube-node-lease"],
            description: "Declared namespaces that need no default-deny policy (system namespaces).",
        },
    },
};

const NAMESPACE = "kubernetes:core/v1:Namespace";
const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

/** Empty pod selector: selects every pod of the namespace. */
function selectsAll(selector: unknown): boolean {
    if (selector === undefined || isUnknown(selector)) {
        return false;
    }
    return list(field(selector, "matchExpressions")).length === 0 && Object.keys((field(selector, "matchLabels") as object | undefined) ?? {}).length === 0;
}

/** Which directions a NetworkPolicy denies for all pods (empty selector, no allow rules). */
function deniedDirections(policy: PolicyResource): string[] | "unknown" {
    const spec = field(plain(policy.props), "spec");
    const selector = field(spec, "podSelector");
    if (isUnknown(spec) || containsUnknown(selector) || containsUnknown(field(spec, "policyTypes"))) {
        return "unknown";
    }
    if (["ingress", "egress"].some((k) => isUnknown(field(spec, k)))) {
        return "unknown";
    }
    if (!selectsAll(field(spec, "podSelector"))) {
        return [];
    }
    const types = list(field(spec, "policyTypes"));
    return (["Ingress", "Egress"] as const).filter((t) => types.includes(t) && list(field(spec, t.toLowerCase())).length === 0);
}

/**
 * A policy applies to a namespace by name, or, when either name is computed (auto-naming,
 * preview), by referencing the Namespace resource.
 */
function inNamespace(policy: PolicyResource, ns: PolicyResource, nsName: unknown): boolean {
    const metadata = field(plain(policy.props), "metadata");
    const target = isUnknown(metadata) ? metadata : field(metadata, "namespace");
    if (typeof target === "string" && !isUnknown(target) && target === nsName) {
        return true;
    }
    const computed = target === undefined || isUnknown(target) || typeof nsName !== "string" || isUnknown(nsName);
    return computed && policy.dependencies.some((d) => d.urn === ns.urn);
}

export const kubernetesCoreNamespaceRequireDefaultDeny = stackPolicy({
    name: "kubernetes-core-namespace-require-default-deny",
    description: "Every declared namespace has a default-deny NetworkPolicy (empty pod selector, no allow rules).",
    severity: "high",
    category: "security",
    topics: ["kubernetes", "network"],
    enforcementLevel: "mandatory",
    framework: cis("kubernetes", "5.3.2", "Ensure that all Namespaces have Network Policies defined"),
    configSchema,
    validateStack: (args, report) => {
        const { policyTypes, exemptNamespaces } = configOf<DefaultDenyConfig>(args, configSchema);
        const namespaces = args.resources.filter((r) => r.type === NAMESPACE);
        if (namespaces.length === 0) {
            args.notApplicable("no Kubernetes namespaces in the stack");
        }
        const policies = args.resources.filter((r) => r.type === NETWORK_POLICY);
        for (const ns of namespaces) {
            const metadata = field(plain(ns.props), "metadata");
            const name = isUnknown(metadata) ? metadata : field(metadata, "name");
            if (typeof name === "string" && exemptNamespaces.includes(name)) {
                continue;
            }
            const denied = new Set<string>();
            let unknown = false;
            for (const p of policies.filter((p) => inNamespace(p, ns, name))) {
                const d = deniedDirections(p);
                if (d === "unknown") {
                    unknown = true;
                } else {
                    d.forEach((x) => denied.add(x));
                }
            }
            const missing = policyTypes.filter((t) => !denied.has(t));
            if (!unknown && missing.length > 0) {
                const shown = typeof name === "string" && !isUnknown(name) ? name : ns.name;
                report(
                    `Namespace "${shown}" has no default-deny NetworkPolicy for ${missing.join(" and ")}. ` +
                        `Add a NetworkPolicy in it with podSelector {} and policyTypes [${policyTypes.map((t) => `"${t}"`).join(", ")}] and no rules, then allow what is needed explicitly.`,
                    ns.urn,
                );
            }
        }
    },
});
