/**
 * The inline Pulumi program behind `--scope namespace`: one pull request as a namespace on the
 * shared dev cluster. Seconds to create and near-zero cost, because the cluster, network and
 * add-ons already exist; the price is weaker isolation (shared nodes, shared control plane, no
 * cloud-level changes testable). See docs/automation.md for the trade-off.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { Cloud } from "./names";

export interface NamespaceEnvArgs {
    readonly pr: number;
    readonly cloud: Cloud;
    readonly owner: string;
    readonly expiresAt: Date;
    /** Fully qualified dev stack holding `clusterKubeconfig`, e.g. `acme/platform/dev-aws`. */
    readonly devStack: string;
    /** Git repository Argo CD syncs from. */
    readonly repoUrl: string;
    /** The PR's revision: head commit SHA (preferred) or `refs/pull/<n>/head`. */
    readonly revision: string;
    /** Path of the application manifests in the repository. */
    readonly appPath: string;
    /** The namespace Argo CD runs in on the dev cluster. Default `argocd`. */
    readonly argocdNamespace?: string;
}

/** Small on purpose: a PR namespace shares the dev cluster with everyone else. */
export const PR_QUOTA: Readonly<Record<string, string>> = {
    "requests.cpu": "2",
    "requests.memory": "4Gi",
    "limits.cpu": "4",
    "limits.memory": "8Gi",
    pods: "20",
    persistentvolumeclaims: "2",
    "requests.storage": "20Gi",
    // No cloud load balancers from a PR: reach the app through the shared ingress instead. This
    // also keeps teardown trivial (nothing in the namespace owns a cloud resource but volumes).
    "services.loadbalancers": "0",
    "services.nodeports": "0",
};

export function prNamespaceName(pr: number): string {
    return `pr-${pr}`;
}

/** Builds the resources; returns the stack outputs. Exported so tests can run it under mocks. */
export function buildNamespaceEnv(args: NamespaceEnvArgs): Record<string, pulumi.Input<unknown>> {
    const ns = prNamespaceName(args.pr);
    const argocdNs = args.argocdNamespace ?? "argocd";
    const dev = new pulumi.StackReference("dev", { name: args.devStack });
    const provider = new k8s.Provider("dev-cluster", {
        kubeconfig: dev.requireOutput("clusterKubeconfig").apply((k) => (typeof k === "string" ? k : JSON.stringify(k))),
    });
    const opts = { provider };
    const labels = { "app.kubernetes.io/managed-by": "pulumi", "platform/pr": String(args.pr), "platform/ephemeral": "true" };

    const namespace = new k8s.core.v1.Namespace(
        ns,
        {
            metadata: {
                name: ns,
                labels: {
                    ...labels,
                    // Pod Security Admission: the same baseline as the platform's app namespaces.
                    "pod-security.kubernetes.io/enforce": "restricted",
                    "pod-security.kubernetes.io/audit": "restricted",
                    "pod-security.kubernetes.io/warn": "restricted",
                },
                // Label values cannot hold ':' (ISO timestamps): who and until when go in annotations.
                annotations: { "platform/owner": args.owner, "platform/expires-at": args.expiresAt.toISOString() },
            },
        },
        opts,
    );
    const inNs = { provider, dependsOn: [namespace] };
    const meta = (name: string) => ({ name, namespace: ns, labels });

    new k8s.core.v1.ResourceQuota(`${ns}-quota`, { metadata: meta("pr-quota"), spec: { hard: { ...PR_QUOTA } } }, inNs);
    // Defaults so pods without requests/limits still schedule under the quota.
    new k8s.core.v1.LimitRange(
        `${ns}-limits`,
        {
            metadata: meta("pr-limits"),
            spec: {
                limits: [
                    {
                        type: "Container",
                        defaultRequest: { cpu: "100m", memory: "128Mi" },
                        default: { cpu: "500m", memory: "512Mi" },
                        max: { cpu: "2", memory: "2Gi" },
                    },
                ],
            },
        },
        inNs,
    );
    new k8s.networking.v1.NetworkPolicy(
        `${ns}-default-deny`,
        { metadata: meta("default-deny"), spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } },
        inNs,
    );
    new k8s.networking.v1.NetworkPolicy(
        `${ns}-allow-dns-and-same-namespace`,
        {
            metadata: meta("allow-dns-and-same-namespace"),
            spec: {
                podSelector: {},
                policyTypes: ["Ingress", "Egress"],
                ingress: [{ from: [{ podSelector: {} }] }],
                egress: [
                    { to: [{ podSelector: {} }] },
                    {
                        to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }],
                        ports: [
                            { protocol: "UDP", port: 53 },
                            { protocol: "TCP", port: 53 },
                        ],
                    },
                ],
            },
        },
        inNs,
    );

    // An AppProject per PR: the Application may deploy only into its own namespace, from this
    // repository, and no cluster-scoped objects.
    const project = new k8s.apiextensions.CustomResource(
        `${ns}-appproject`,
        {
            apiVersion: "argoproj.io/v1alpha1",
            kind: "AppProject",
            metadata: { name: ns, namespace: argocdNs, labels },
            spec: {
                description: `PR #${args.pr} preview (${args.owner})`,
                sourceRepos: [args.repoUrl],
                destinations: [{ server: "https://kubernetes.default.svc", namespace: ns }],
                clusterResourceWhitelist: [],
            },
        },
        inNs,
    );
    const app = new k8s.apiextensions.CustomResource(
        `${ns}-application`,
        {
            apiVersion: "argoproj.io/v1alpha1",
            kind: "Application",
            metadata: {
                name: ns,
                namespace: argocdNs,
                labels,
                // Deleting the Application deletes what it deployed (before the namespace goes).
                finalizers: ["resources-finalizer.argocd.argoproj.io"],
            },
            spec: {
                project: ns,
                source: { repoURL: args.repoUrl, targetRevision: args.revision, path: args.appPath },
                destination: { server: "https://kubernetes.default.svc", namespace: ns },
                syncPolicy: { automated: { prune: true, selfHeal: true } },
            },
        },
        { provider, dependsOn: [namespace, project] },
    );

    return {
        namespace: namespace.metadata.name,
        argocdApplication: app.metadata.name,
        revision: args.revision,
        expiresAt: args.expiresAt.toISOString(),
    };
}

/** The `PulumiFn` handed to the Automation API. */
export function namespaceProgram(args: NamespaceEnvArgs): () => Promise<Record<string, unknown>> {
    return async () => buildNamespaceEnv(args);
}
