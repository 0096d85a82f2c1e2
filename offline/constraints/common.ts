/**
 * Cross-cloud entries: what the Kubernetes API server and Helm refuse, whatever the cloud.
 * The in-cluster layer registers these resources on every stack.
 */
import type { CapturedResource } from "../graph";
import type { Constraint } from "./types";
import { cidrProblem, parseCidr } from "../../components/config/cidr";
import { input, str } from "./helpers";

const NAMES_DOC = "https://kubernetes.io/docs/concepts/overview/working-with-objects/names/";
const LABELS_DOC = "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set";

/** RFC 1123 label: lowercase alphanumerics and '-', start and end alphanumeric, at most 63. */
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** RFC 1123 subdomain: labels joined by '.', at most 253 in all. */
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Label name / value part: alphanumerics, '-', '_', '.', alphanumeric at both ends, at most 63. */
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** Kinds whose names are path segments, not DNS names (RBAC allows `system:` names). */
const PATH_SEGMENT_KINDS = ["kubernetes:rbac.authorization.k8s.io/v1:Role", "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding"];
/** The Kubernetes object types the platform registers (the entries read every `kubernetes:` type). */
const K8S_TYPES = [
    "kubernetes:core/v1:Namespace",
    "kubernetes:core/v1:ConfigMap",
    "kubernetes:core/v1:Secret",
    "kubernetes:core/v1:ServiceAccount",
    "kubernetes:core/v1:LimitRange",
    "kubernetes:core/v1:ResourceQuota",
    "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    "kubernetes:storage.k8s.io/v1:StorageClass",
    "kubernetes:argoproj.io/v1alpha1:AppProject",
    "kubernetes:argoproj.io/v1alpha1:Application",
    "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
    "kubernetes:machinelearning.seldon.io/v1:SeldonDeployment",
    ...PATH_SEGMENT_KINDS,
];

function nameProblem(r: CapturedResource): string | undefined {
    const name = str(r, "metadata.name");
    if (name === undefined) {
        return undefined; // auto-named by Pulumi from the logical name (lowercased, suffixed)
    }
    if (r.type === "kubernetes:core/v1:Namespace") {
        return DNS1123_LABEL.test(name) && name.length <= 63 ? undefined : `namespace name ${JSON.stringify(name)} is not an RFC 1123 label (lowercase a-z, 0-9 and '-', alphanumeric at both ends, at most 63 characters)`;
    }
    if (PATH_SEGMENT_KINDS.includes(r.type)) {
        return name !== "" && !/[/%]/.test(name) && name !== "." && name !== ".." ? undefined : `name ${JSON.stringify(name)} is not a valid path segment (no '/', no '%', not '.' or '..')`;
    }
    return DNS1123_SUBDOMAIN.test(name) && name.length <= 253 ? undefined : `name ${JSON.stringify(name)} is not an RFC 1123 subdomain (lowercase a-z, 0-9, '-' and '.', alphanumeric at both ends, at most 253 characters)`;
}

function labelProblems(labels: unknown, where: string): string[] {
    if (!labels || typeof labels !== "object") {
        return [];
    }
    const out: string[] = [];
    for (const [key, value] of Object.entries(labels as Record<string, unknown>)) {
        const slash = key.lastIndexOf("/");
        const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
        const name = slash >= 0 ? key.slice(slash + 1) : key;
        if (prefix !== undefined && (!DNS1123_SUBDOMAIN.test(prefix) || prefix.length > 253)) {
            out.push(`${where} key ${JSON.stringify(key)}: prefix ${JSON.stringify(prefix)} is not a DNS subdomain`);
        }
        if (!LABEL_NAME.test(name) || name.length > 63) {
            out.push(`${where} key ${JSON.stringify(key)}: name part must be 1-63 characters of a-z, A-Z, 0-9, '-', '_', '.', alphanumeric at both ends`);
        }
        if (typeof value === "string" && value !== "" && (!LABEL_NAME.test(value) || value.length > 63)) {
            out.push(`${where} ${JSON.stringify(key)}: value ${JSON.stringify(value)} must be empty or 1-63 characters of a-z, A-Z, 0-9, '-', '_', '.', alphanumeric at both ends`);
        }
    }
    return out;
}

/**
 * Every `ipBlock.except` of a NetworkPolicy that is not a strict subset of its `cidr`
 * (kubernetes pkg/apis/networking/validation ValidateIPBlock: the except must lie inside the
 * cidr AND have a longer prefix; an except equal to the cidr is refused).
 */
function ipBlockExceptProblems(r: CapturedResource): string[] {
    const out: string[] = [];
    const rules = [...((input(r, "spec.ingress") as { from?: unknown[] }[] | undefined) ?? []).map((x) => ["ingress", x.from] as const), ...((input(r, "spec.egress") as { to?: unknown[] }[] | undefined) ?? []).map((x) => ["egress", x.to] as const)];
    for (const [direction, peers] of rules) {
        for (const peer of (peers ?? []) as { ipBlock?: { cidr?: unknown; except?: unknown[] } }[]) {
            const cidr = peer.ipBlock?.cidr;
            if (typeof cidr !== "string" || cidrProblem(cidr)) {
                continue;
            }
            const outer = parseCidr(cidr);
            for (const ex of peer.ipBlock?.except ?? []) {
                if (typeof ex !== "string") {
                    continue;
                }
                const inner = cidrProblem(ex) ? undefined : parseCidr(ex);
                if (!inner || inner.version !== outer.version || inner.start < outer.start || inner.end > outer.end || inner.prefix <= outer.prefix) {
                    out.push(`${direction} ipBlock ${cidr}: except ${JSON.stringify(ex)} is not a strict subset of the cidr`);
                }
            }
        }
    }
    return out;
}

/**
 * Wildcard combinations an admission rule's `resources` may not hold (kubernetes
 * pkg/apis/admissionregistration/validation validateResources): `*\/*` only alone; `*` never
 * beside a resource without a subresource; `x/*` never beside `x/y`; `*\/y` never beside `x/y`.
 */
export function admissionResourcesProblems(resources: readonly string[]): string[] {
    const out: string[] = [];
    const wildcardSub = new Set<string>();
    const wildcardRes = new Set<string>();
    let plain = false;
    for (const rs of resources) {
        const [res, sub] = rs.split("/", 2) as [string, string | undefined];
        if (sub === undefined) {
            plain = plain || rs !== "*";
            continue;
        }
        if (wildcardSub.has(res)) {
            out.push(`"${res}/*" is present, so ${JSON.stringify(rs)} may not be`);
        }
        if (wildcardRes.has(sub)) {
            out.push(`"*/${sub}" is present, so ${JSON.stringify(rs)} may not be`);
        }
        if (sub === "*") {
            wildcardSub.add(res);
        }
        if (res === "*") {
            wildcardRes.add(sub);
        }
    }
    if (resources.length > 1 && resources.includes("*/*")) {
        out.push(`"*/*" must stand alone (have ${JSON.stringify(resources)})`);
    }
    if (resources.includes("*") && plain) {
        out.push(`"*" may not stand beside a resource without a subresource (have ${JSON.stringify(resources)})`);
    }
    return out;
}

/** The resource rules of a ValidatingAdmissionPolicy (match and exclude) or of its binding's matchResources. */
function admissionRuleProblems(r: CapturedResource): string[] {
    const paths =
        r.type === "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy"
            ? ["spec.matchConstraints.resourceRules", "spec.matchConstraints.excludeResourceRules"]
            : ["spec.matchResources.resourceRules", "spec.matchResources.excludeResourceRules"];
    return paths.flatMap((path) =>
        ((input(r, path) as { resources?: string[] }[] | undefined) ?? []).flatMap((rule, i) => admissionResourcesProblems(rule.resources ?? []).map((p) => `${path}[${i}].resources: ${p}`)),
    );
}

const ns = (name: string, labels: Record<string, string> = {}) => ({ type: "kubernetes:core/v1:Namespace", name: `ns-${name}`, inputs: { metadata: { name, labels } } });

export const COMMON_CONSTRAINTS: readonly Constraint[] = [
    {
        id: "k8s-object-name-format",
        kind: "resource",
        cloud: "all",
        service: "The Kubernetes API server",
        types: K8S_TYPES,
        rule: "Namespace names are RFC 1123 labels (at most 63 characters); most other object names are RFC 1123 subdomains (lowercase alphanumerics, '-' and '.', at most 253 characters); RBAC object names are path segments.",
        source: NAMES_DOC,
        check: (r) => {
            const p = nameProblem(r);
            return p ? [p] : [];
        },
        examples: {
            pass: [{ title: "lowercase namespace and ConfigMap names", resources: [ns("monitoring"), { type: "kubernetes:core/v1:ConfigMap", name: "cm", inputs: { metadata: { name: "platform.dashboard-1", namespace: "monitoring" } } }] }],
            fail: [
                { title: "a namespace with an uppercase letter", resources: [ns("Monitoring")] },
                { title: "a ConfigMap name with an underscore", resources: [{ type: "kubernetes:core/v1:ConfigMap", name: "cm", inputs: { metadata: { name: "platform_dashboard", namespace: "monitoring" } } }] },
            ],
        },
    },
    {
        id: "k8s-object-labels-syntax",
        kind: "resource",
        cloud: "all",
        service: "The Kubernetes API server",
        types: K8S_TYPES,
        rule: "Label keys are an optional DNS-subdomain prefix and '/' and a name of at most 63 characters; values are empty or at most 63 characters of alphanumerics, '-', '_' and '.', beginning and ending with an alphanumeric.",
        source: LABELS_DOC,
        check: (r) => labelProblems(input(r, "metadata.labels"), "metadata.labels"),
        examples: {
            pass: [{ title: "pod-security labels with a version", resources: [ns("dev", { "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "v1.32" })] }],
            fail: [
                { title: "a label value with a space", resources: [ns("dev", { team: "ops team" })] },
                { title: "a label value of 64 characters", resources: [ns("dev", { owner: "a".repeat(64) })] },
            ],
        },
    },
    {
        id: "k8s-networkpolicy-ipblock-except-subset",
        kind: "resource",
        cloud: "all",
        service: "The Kubernetes API server",
        types: ["kubernetes:networking.k8s.io/v1:NetworkPolicy"],
        rule: "Each ipBlock.except is a CIDR strictly inside ipBlock.cidr (inside it, with a longer prefix).",
        source: "https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/",
        alsoSource: "https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/networking/validation/validation.go (ValidateIPBlock: \"must be a strict subset of `cidr`\")",
        check: ipBlockExceptProblems,
        examples: {
            pass: [{ title: "HTTPS anywhere except the private ranges", resources: [{ type: "kubernetes:networking.k8s.io/v1:NetworkPolicy", name: "np", inputs: { metadata: { name: "np", namespace: "ci" }, spec: { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "169.254.0.0/16"] } }] }] } } }] }],
            fail: [
                { title: "an except outside the cidr", resources: [{ type: "kubernetes:networking.k8s.io/v1:NetworkPolicy", name: "np", inputs: { metadata: { name: "np", namespace: "ci" }, spec: { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["192.168.0.0/16"] } }] }] } } }] },
                { title: "an except equal to the cidr", resources: [{ type: "kubernetes:networking.k8s.io/v1:NetworkPolicy", name: "np", inputs: { metadata: { name: "np", namespace: "ci" }, spec: { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: "10.20.0.0/16", except: ["10.20.0.0/16"] } }] }] } } }] },
            ],
        },
    },
    {
        id: "k8s-admission-rule-resource-wildcards",
        kind: "resource",
        cloud: "all",
        service: "The Kubernetes API server",
        types: ["kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy", "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding"],
        rule: "In an admission rule's resources, '*/*' stands alone, '*' never beside a resource without a subresource, 'x/*' never beside 'x/y' and '*/y' never beside 'x/y'.",
        source: "https://kubernetes.io/docs/reference/kubernetes-api/extend-resources/validating-admission-policy-v1/",
        alsoSource: "https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/admissionregistration/validation/validation.go (validateResources)",
        check: admissionRuleProblems,
        examples: {
            pass: [
                {
                    title: "every resource and subresource as '*/*' alone, and pods with their exec subresource",
                    resources: [
                        { type: "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy", name: "all", inputs: { metadata: { name: "all" }, spec: { matchConstraints: { resourceRules: [{ apiGroups: ["*"], apiVersions: ["*"], operations: ["CREATE"], resources: ["*/*"] }] } } } },
                        { type: "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy", name: "pods", inputs: { metadata: { name: "pods" }, spec: { matchConstraints: { resourceRules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["pods", "pods/exec", "*/scale"] }] } } } },
                    ],
                },
            ],
            fail: [
                { title: "'*/*' beside '*'", resources: [{ type: "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy", name: "p", inputs: { metadata: { name: "p" }, spec: { matchConstraints: { resourceRules: [{ apiGroups: ["*"], apiVersions: ["*"], operations: ["CREATE"], resources: ["*", "*/*"] }] } } } }] },
                { title: "'*' beside pods", resources: [{ type: "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy", name: "p", inputs: { metadata: { name: "p" }, spec: { matchConstraints: { resourceRules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["*", "pods"] }] } } } }] },
                { title: "'pods/*' beside 'pods/exec' in a binding", resources: [{ type: "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding", name: "b", inputs: { metadata: { name: "b" }, spec: { policyName: "p", matchResources: { resourceRules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["pods/*", "pods/exec"] }] } } } }] },
            ],
        },
    },
    {
        id: "helm-release-name-format",
        kind: "resource",
        cloud: "all",
        service: "Helm",
        types: ["kubernetes:helm.sh/v3:Release"],
        rule: "A release name is a lowercase RFC 1123 subdomain of at most 53 characters (Helm stores it in Secret names and labels).",
        source: "https://helm.sh/docs/chart_best_practices/conventions/",
        alsoSource: "https://github.com/helm/helm/blob/05b356ac3499dfadff1fffe292e8910710a02408/pkg/chartutil/validate_name.go",
        check: (r) => {
            const name = str(r, "name");
            if (name === undefined) {
                return [];
            }
            return DNS1123_SUBDOMAIN.test(name) && name.length <= 53 ? [] : [`release name ${JSON.stringify(name)} (${name.length} characters) is not a lowercase RFC 1123 name of at most 53 characters`];
        },
        examples: {
            pass: [{ title: "kube-prometheus-stack as kps", resources: [{ type: "kubernetes:helm.sh/v3:Release", name: "kps", inputs: { name: "kps", chart: "kube-prometheus-stack" } }] }],
            fail: [{ title: "a 54-character release name", resources: [{ type: "kubernetes:helm.sh/v3:Release", name: "long", inputs: { name: "a".repeat(54) } }] }],
        },
    },
];
