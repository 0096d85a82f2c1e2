/**
 * The namespace-scope inline program under Pulumi's mock runtime: the exact resources and their
 * inputs. Proves what the program registers; not that a cluster or Argo CD accepts it.
 */
import * as assert from "node:assert/strict";

import { Application, AppProject } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1";
import * as pulumi from "@pulumi/pulumi";
import { LimitRange, Namespace, ResourceQuota } from "kubernetes-models/v1";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";

import { buildNamespaceEnv, PR_QUOTA } from "../../automation/namespace-program";

interface Registered {
    type: string;
    name: string;
    inputs: Record<string, any>;  
}

describe("automation: namespace-scope program (Pulumi mocks)", () => {
    const seen: Registered[] = [];
    let outputs: Record<string, unknown> = {};

    before(async () => {
        await pulumi.runtime.setMocks(
            {
                newResource: (args) => {
                    seen.push({ type: args.type, name: args.name, inputs: args.inputs });
                    if (args.type === "pulumi:pulumi:StackReference") {
                        return { id: args.name, state: { name: args.inputs.name, outputs: { clusterKubeconfig: "apiVersion: v1\nkind: Config\n" }, secretOutputNames: ["clusterKubeconfig"] } };
                    }
                    return { id: `${args.name}-id`, state: args.inputs };
                },
                call: (args) => {
                    throw new Error(`unexpected invoke ${args.token}`);
                },
            },
            "platform-pr-namespaces",
            "ephemeral-pr42-aws",
            false,
        );
        const out = buildNamespaceEnv({
            pr: 42,
            cloud: "aws",
            owner: "alice",
            expiresAt: new Date("2030-01-01T08:00:00.000Z"),
            devStack: "acme/platform/dev-aws",
            repoUrl: "https://github.com/acme/platform.git",
            revision: "0123456789abcdef0123456789abcdef01234567",
            appPath: "deploy",
        });
        outputs = Object.fromEntries(
            await Promise.all(Object.entries(out).map(async ([k, v]) => [k, await new Promise((r) => (pulumi.output(v) as pulumi.Output<unknown>).apply(r))])),
        );
    });

    const one = (type: string, name?: string) => {
        const found = seen.filter((r) => r.type === type && (name === undefined || r.name === name));
        assert.equal(found.length, 1, `${type} ${name ?? ""}: ${found.length} registered`);
        return found[0];
    };

    it("registers exactly the expected resources", () => {
        assert.deepEqual(
            seen.map((r) => `${r.type}::${r.name}`).sort(),
            [
                "kubernetes:argoproj.io/v1alpha1:AppProject::pr-42-appproject",
                "kubernetes:argoproj.io/v1alpha1:Application::pr-42-application",
                "kubernetes:core/v1:LimitRange::pr-42-limits",
                "kubernetes:core/v1:Namespace::pr-42",
                "kubernetes:core/v1:ResourceQuota::pr-42-quota",
                "kubernetes:networking.k8s.io/v1:NetworkPolicy::pr-42-allow-dns-and-same-namespace",
                "kubernetes:networking.k8s.io/v1:NetworkPolicy::pr-42-default-deny",
                "pulumi:providers:kubernetes::dev-cluster",
                "pulumi:pulumi:StackReference::dev",
            ],
        );
        assert.equal(one("pulumi:pulumi:StackReference").inputs.name, "acme/platform/dev-aws");
    });

    it("namespace: Pod Security restricted, owner and expiry annotated", () => {
        const ns = one("kubernetes:core/v1:Namespace").inputs.metadata;
        assert.equal(ns.name, "pr-42");
        for (const mode of ["enforce", "audit", "warn"]) assert.equal(ns.labels[`pod-security.kubernetes.io/${mode}`], "restricted");
        assert.deepEqual(ns.annotations, { "platform/owner": "alice", "platform/expires-at": "2030-01-01T08:00:00.000Z" });
    });

    it("quota forbids cloud load balancers and node ports", () => {
        const q = one("kubernetes:core/v1:ResourceQuota").inputs;
        assert.equal(q.metadata.namespace, "pr-42");
        assert.deepEqual(q.spec.hard, PR_QUOTA);
        assert.equal(q.spec.hard["services.loadbalancers"], "0");
        assert.equal(q.spec.hard["services.nodeports"], "0");
    });

    it("default deny, then DNS to kube-system and same-namespace traffic only", () => {
        const deny = one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "pr-42-default-deny").inputs.spec;
        assert.deepEqual(deny, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
        const allow = one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "pr-42-allow-dns-and-same-namespace").inputs.spec;
        assert.deepEqual(allow.egress[1].to, [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }]);
        assert.deepEqual(allow.egress[1].ports.map((p: { port: number }) => p.port), [53, 53]);
    });

    it("Argo CD: a project confined to the namespace and repo, an Application on the PR revision", () => {
        const proj = seen.find((r) => r.name === "pr-42-appproject")!.inputs;
        assert.equal(proj.kind, "AppProject");
        assert.deepEqual(proj.spec.destinations, [{ server: "https://kubernetes.default.svc", namespace: "pr-42" }]);
        assert.deepEqual(proj.spec.sourceRepos, ["https://github.com/acme/platform.git"]);
        assert.deepEqual(proj.spec.clusterResourceWhitelist, []);
        const app = seen.find((r) => r.name === "pr-42-application")!.inputs;
        assert.equal(app.kind, "Application");
        assert.equal(app.metadata.namespace, "argocd");
        assert.deepEqual(app.metadata.finalizers, ["resources-finalizer.argocd.argoproj.io"]);
        assert.equal(app.spec.project, "pr-42");
        assert.deepEqual(app.spec.source, { repoURL: "https://github.com/acme/platform.git", targetRevision: "0123456789abcdef0123456789abcdef01234567", path: "deploy" });
        assert.deepEqual(app.spec.destination, { server: "https://kubernetes.default.svc", namespace: "pr-42" });
    });

    it("every object passes the upstream schemas (kubernetes-models, @kubernetes-models/argo-cd)", () => {
        const k = (r: Registered) => ({ ...r.inputs });
        new Namespace(k(one("kubernetes:core/v1:Namespace"))).validate();
        new ResourceQuota(k(one("kubernetes:core/v1:ResourceQuota"))).validate();
        new LimitRange(k(one("kubernetes:core/v1:LimitRange"))).validate();
        for (const r of seen.filter((x) => x.type.endsWith(":NetworkPolicy"))) new NetworkPolicy(k(r)).validate();
        new AppProject(k(seen.find((r) => r.name === "pr-42-appproject")!) as never).validate();
        new Application(k(seen.find((r) => r.name === "pr-42-application")!) as never).validate();
        // and the validators do reject a broken Application:
        const bad = k(seen.find((r) => r.name === "pr-42-application")!);
        assert.throws(() => new Application({ ...bad, spec: { ...bad.spec, source: { ...bad.spec.source, repoURL: 42 } } } as never).validate(), /repoURL/);
    });

    it("outputs name the namespace, application, revision and expiry", () => {
        assert.deepEqual(outputs, {
            namespace: "pr-42",
            argocdApplication: "pr-42",
            revision: "0123456789abcdef0123456789abcdef01234567",
            expiresAt: "2030-01-01T08:00:00.000Z",
        });
    });
});
