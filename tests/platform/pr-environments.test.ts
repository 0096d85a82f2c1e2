/**
 * The namespace-scope PR automation's access to the shared cluster: the cloud maps the CI
 * principal to a Kubernetes subject, the in-cluster layer grants that subject RBAC and confines it
 * with a ValidatingAdmissionPolicy. The policy's CEL is EXECUTED here (@marcbachmann/cel-js)
 * against the admission requests the real namespace program (automation/namespace-program.ts)
 * makes, and against the requests it must refuse. What this does not prove: that a given
 * Kubernetes version's CEL libraries accept every function (only standard CEL is used).
 */
import * as assert from "node:assert/strict";

import { buildNamespaceEnv } from "../../automation/namespace-program";
import { parsePlatformConfig } from "../../components/config";
import { prValidations, subjectCondition } from "../../components/kubernetes/pr-environments";
import { captureGraph, runInClusterStack, runStack } from "../../offline/engine";
import { byName, ofType, ResourceGraph } from "../../offline/graph";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const cel = require("@marcbachmann/cel-js") as { evaluate(expr: string, ctx: Record<string, unknown>): unknown };

const PRINCIPALS = {
    aws: "arn:aws:iam::123456789012:role/platform-pr-envs",
    azure: "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
    gcp: "pr-envs@platform-dev-123456.iam.gserviceaccount.com",
} as const;

async function withPrAutomation(cloud: keyof typeof PRINCIPALS): Promise<{ platform: ResourceGraph; incluster: ResourceGraph }> {
    const cluster = { dev: { endpointAccess: "restricted", authorizedCidrs: ["203.0.113.0/24"], prAutomationPrincipal: PRINCIPALS[cloud] } }.dev;
    const platform = await runStack(`dev-${cloud}`, { configOverrides: { "platform:cluster": cluster } });
    return { platform, incluster: await runInClusterStack(`dev-${cloud}`, platform) };
}

interface Request {
    kind: { kind: string };
    name: string;
    namespace: string;
    operation: "CREATE" | "UPDATE" | "DELETE";
    userInfo: { username: string; groups: string[] };
}

/** Every validation of the policy on one request: the messages of those that deny. */
function denials(request: Request, object: unknown, oldObject: unknown = null): string[] {
    return prValidations("argocd")
        .filter((v) => cel.evaluate(v.expression, { request, object, oldObject }) !== true)
        .map((v) => v.message);
}

const USER = { username: "pr-envs@platform-dev-123456.iam.gserviceaccount.com", groups: ["system:authenticated"] };

describe("pr environments: the namespace automation's grant, confined by admission", function () {
    this.timeout(60_000);

    describe("config", () => {
        const base = (cloud: string, principal: string) => ({
            cloud,
            environment: "dev",
            region: { aws: "eu-west-1", azure: "westeurope", gcp: "europe-west1" }[cloud],
            owner: "platform-team",
            costCenter: "cc-1",
            ...(cloud === "gcp" ? { gcpProject: "platform-dev-123456" } : {}),
            bastion: { allowedCidrs: ["203.0.113.0/24"] },
            cluster: { endpointAccess: "restricted", authorizedCidrs: ["203.0.113.0/24"], prAutomationPrincipal: principal },
        });
        const problems = (raw: Record<string, unknown>): readonly string[] => {
            try {
                parsePlatformConfig(raw, { project: "platform", stack: "dev" });
                return [];
            } catch (err) {
                return (err as { problems: readonly string[] }).problems;
            }
        };

        it("accepts each cloud's form of the principal", () => {
            for (const [cloud, p] of Object.entries(PRINCIPALS)) assert.deepEqual(problems(base(cloud, p)), [], cloud);
        });

        it("refuses another cloud's form, naming the form this cloud needs", () => {
            assert.deepEqual(problems(base("aws", PRINCIPALS.gcp)), [
                `platform:cluster.prAutomationPrincipal: "${PRINCIPALS.gcp}" is not an IAM role ARN such as arn:aws:iam::123456789012:role/platform-pr-envs (this stack's cloud is aws)`,
            ]);
            assert.match(problems(base("azure", "not-a-guid"))[0], /is not the service principal's Entra object id \(a lowercase GUID\)/);
            assert.match(problems(base("gcp", PRINCIPALS.aws))[0], /is not a service account e-mail/);
        });

        it("AWS: refuses a principal that is also an admin (one access entry per principal; the automation is not an admin)", () => {
            const raw = base("aws", PRINCIPALS.aws) as Record<string, any>;
            raw.cluster.adminPrincipalArns = [PRINCIPALS.aws];
            assert.match(problems(raw)[0], /is also in cluster.adminPrincipalArns; EKS allows one access entry per principal/);
        });
    });

    describe("cloud side: authentication only, no cluster-wide rights", () => {
        it("EKS: an access entry mapping the role to the platform:pr-environments group, with NO access policy", async () => {
            const { platform } = await withPrAutomation("aws");
            const entry = ofType(platform, "aws:eks/accessEntry:AccessEntry").find((e) => e.inputs.principalArn === PRINCIPALS.aws)!;
            assert.deepEqual([entry.inputs.type, entry.inputs.kubernetesGroups], ["STANDARD", ["platform:pr-environments"]]);
            assert.deepEqual(ofType(platform, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation").filter((a) => a.inputs.principalArn === PRINCIPALS.aws), []);
            assert.deepEqual((platform.outputs.clusterHints as Record<string, unknown>).prEnvironments, { subject: { kind: "Group", name: "platform:pr-environments" } });
        });

        it("AKS: Cluster User Role (listClusterUserCredential only) on the cluster for the service principal; its object id is the RBAC subject", async () => {
            const { platform } = await withPrAutomation("azure");
            const grant = byName(platform, "azure-native:authorization:RoleAssignment", "cluster-pr-automation").inputs;
            assert.equal(grant.principalId, PRINCIPALS.azure);
            assert.equal(grant.principalType, "ServicePrincipal");
            assert.match(String(grant.roleDefinitionId), /\/providers\/Microsoft\.Authorization\/roleDefinitions\/4abbcc35-e782-43d8-92c5-2d3f1bd2253f$/);
            assert.deepEqual((platform.outputs.clusterHints as Record<string, unknown>).prEnvironments, { subject: { kind: "User", name: PRINCIPALS.azure } });
        });

        it("GKE: roles/container.clusterViewer for the service account (to reach the API); its e-mail is the RBAC subject", async () => {
            const { platform } = await withPrAutomation("gcp");
            const member = byName(platform, "gcp:projects/iAMMember:IAMMember", "cluster-pr-automation-cluster-viewer").inputs;
            assert.deepEqual([member.role, member.member], ["roles/container.clusterViewer", `serviceAccount:${PRINCIPALS.gcp}`]);
            assert.deepEqual((platform.outputs.clusterHints as Record<string, unknown>).prEnvironments, { subject: { kind: "User", name: PRINCIPALS.gcp } });
        });

        it("without the config key nothing is granted on any cloud, and the in-cluster layer creates nothing for it", async () => {
            const { graphOf, inClusterGraphOf } = await import("../support/graphs");
            for (const stack of ["dev-aws", "dev-azure", "dev-gcp"]) {
                assert.equal(((await graphOf(stack)).outputs.clusterHints as Record<string, unknown>).prEnvironments, undefined);
                assert.deepEqual(ofType(await inClusterGraphOf(stack), "platform:k8s:PrEnvironments"), []);
            }
        });
    });

    describe("in-cluster: RBAC for the subject, and the admission policy that confines it", () => {
        let g: ResourceGraph;
        before(async () => {
            g = (await withPrAutomation("gcp")).incluster;
        });

        it("a ClusterRole for namespaces, quotas, limit ranges and NetworkPolicies, a Role for Argo CD projects/applications in argocd, both bound to the subject", () => {
            const role = byName(g, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "addons-pr-environments-cluster-role").inputs as Record<string, any>;
            assert.deepEqual(
                role.rules.map((r: { apiGroups: string[]; resources: string[] }) => `${r.apiGroups[0] || "core"}/${r.resources.join(",")}`),
                ["core/namespaces", "core/resourcequotas,limitranges", "networking.k8s.io/networkpolicies"],
            );
            assert.ok(!JSON.stringify(role.rules).includes('"*"'), "no wildcard");
            assert.ok(!JSON.stringify(role.rules).match(/secrets|pods|rolebindings|clusterroles/), "nothing to escalate with");
            const argo = byName(g, "kubernetes:rbac.authorization.k8s.io/v1:Role", "addons-pr-environments-argocd-role").inputs as Record<string, any>;
            assert.equal(argo.metadata.namespace, "argocd");
            assert.deepEqual(argo.rules[0].resources, ["appprojects", "applications"]);
            for (const binding of ["kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding"]) {
                const b = ofType(g, binding).find((x) => x.name.startsWith("addons-pr-environments"))!.inputs as Record<string, any>;
                assert.deepEqual(b.subjects, [{ kind: "User", name: PRINCIPALS.gcp, apiGroup: "rbac.authorization.k8s.io" }]);
            }
        });

        it("the policy matches only the subject's requests, fails closed, and its binding denies", () => {
            const p = byName(g, "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy", "addons-pr-environments-policy").inputs as Record<string, any>;
            assert.equal(p.spec.failurePolicy, "Fail");
            assert.deepEqual(p.spec.matchConditions, [{ name: "pr-automation-identity", expression: `request.userInfo.username == "${PRINCIPALS.gcp}"` }]);
            assert.equal(p.spec.validations.length, prValidations("argocd").length);
            const b = byName(g, "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding", "addons-pr-environments-policy-binding").inputs as Record<string, any>;
            assert.deepEqual(b.spec.validationActions, ["Deny"]);
            for (const [subject, user, match] of [
                [{ kind: "User" as const, name: "a@b.iam.gserviceaccount.com" }, { username: "a@b.iam.gserviceaccount.com", groups: [] }, true],
                [{ kind: "User" as const, name: "a@b.iam.gserviceaccount.com" }, { username: "someone-else", groups: [] }, false],
                [{ kind: "Group" as const, name: "platform:pr-environments" }, { username: "arn:aws:sts::1:assumed-role/x", groups: ["platform:pr-environments"] }, true],
                [{ kind: "Group" as const, name: "platform:pr-environments" }, { username: "x", groups: ["system:masters"] }, false],
            ] as const) {
                assert.equal(cel.evaluate(subjectCondition(subject), { request: { userInfo: user } }), match, `${subject.kind} ${user.username}`);
            }
        });

        it("admits every request the real namespace program makes (create and delete)", async () => {
            const ns = await captureGraph(
                () =>
                    buildNamespaceEnv({
                        pr: 42,
                        cloud: "gcp",
                        owner: "alice",
                        expiresAt: new Date("2030-01-01T08:00:00.000Z"),
                        devStack: "acme/platform/dev-gcp",
                        repoUrl: "https://github.com/acme/platform.git",
                        revision: "0123abc",
                        appPath: "deploy",
                    }),
                {
                    project: "platform-pr-namespaces",
                    stack: "ephemeral-pr42-gcp",
                    stackReferences: { "acme/platform/dev-gcp": { outputs: { clusterKubeconfig: "apiVersion: v1\nkind: Config\n" }, secretOutputNames: ["clusterKubeconfig"] } },
                },
            );
            const objects = ns.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
            assert.deepEqual(objects.map((r) => r.type.split(":").pop()).sort(), ["AppProject", "Application", "LimitRange", "Namespace", "NetworkPolicy", "NetworkPolicy", "ResourceQuota"]);
            for (const r of objects) {
                const inputs = r.inputs as { kind?: string; metadata: { name: string; namespace?: string } };
                const kind = inputs.kind ?? r.type.split(":").pop()!;
                const req = (operation: Request["operation"]): Request => ({ kind: { kind }, name: inputs.metadata.name, namespace: inputs.metadata.namespace ?? "", operation, userInfo: USER });
                assert.deepEqual(denials(req("CREATE"), inputs), [], `${kind} ${inputs.metadata.name} CREATE`);
                assert.deepEqual(denials(req("DELETE"), null, inputs), [], `${kind} ${inputs.metadata.name} DELETE`);
            }
        });

        const ok = { metadata: { name: "pr-42", labels: { "platform/ephemeral": "true", "pod-security.kubernetes.io/enforce": "restricted" } } };
        const req = (kind: string, name: string, namespace: string, operation: Request["operation"] = "CREATE"): Request => ({ kind: { kind }, name, namespace, operation, userInfo: USER });
        const REFUSED: [string, Request, unknown, unknown, string][] = [
            ["deleting kube-system", req("Namespace", "kube-system", "", "DELETE"), null, { metadata: { name: "kube-system" } }, "the PR automation may only manage namespaces named pr-<n>"],
            ["deleting a pr-looking namespace nobody labelled", req("Namespace", "pr-7", "", "DELETE"), null, { metadata: { name: "pr-7", labels: {} } }, "the PR automation may only delete namespaces labelled platform/ephemeral=true"],
            ["a namespace at a weaker Pod Security level", req("Namespace", "pr-42", ""), { metadata: { name: "pr-42", labels: { "platform/ephemeral": "true", "pod-security.kubernetes.io/enforce": "privileged" } } }, null, "a PR namespace must carry platform/ephemeral=true and pod-security.kubernetes.io/enforce=restricted"],
            ["a NetworkPolicy in another team's namespace", req("NetworkPolicy", "allow-all", "production"), { metadata: { name: "allow-all", namespace: "production" } }, null, "the PR automation may only change quotas, limit ranges and NetworkPolicies inside pr-<n> namespaces"],
            ["an AppProject outside Argo CD's namespace", req("AppProject", "pr-42", "pr-42"), { metadata: { name: "pr-42" }, spec: { destinations: [{ namespace: "pr-42" }] } }, null, "Argo CD projects and applications of the PR automation live in argocd and are named pr-<n>"],
            ["an AppProject that deploys elsewhere", req("AppProject", "pr-42", "argocd"), { metadata: { name: "pr-42" }, spec: { destinations: [{ namespace: "kube-system" }] } }, null, "a PR AppProject may deploy only into its own namespace and no cluster-scoped kinds"],
            ["an AppProject with cluster-scoped kinds", req("AppProject", "pr-42", "argocd"), { metadata: { name: "pr-42" }, spec: { destinations: [{ namespace: "pr-42" }], clusterResourceWhitelist: [{ group: "*", kind: "*" }] } }, null, "a PR AppProject may deploy only into its own namespace and no cluster-scoped kinds"],
            ["an Application in the open default project", req("Application", "pr-42", "argocd"), { metadata: { name: "pr-42" }, spec: { project: "default", destination: { namespace: "pr-42" } } }, null, "a PR Application must use the project and the namespace of its own name"],
            ["editing the platform's root Application", req("Application", "platform-root", "argocd", "UPDATE"), { metadata: { name: "platform-root" }, spec: { project: "platform-root", destination: { namespace: "platform-root" } } }, null, "Argo CD projects and applications of the PR automation live in argocd and are named pr-<n>"],
        ];
        for (const [what, request, object, oldObject, message] of REFUSED) {
            it(`refuses ${what}`, () => {
                assert.ok(denials(request, object, oldObject).includes(message), JSON.stringify(denials(request, object, oldObject)));
            });
        }

        it("admits a well-formed PR namespace (the control for the refusals above)", () => {
            assert.deepEqual(denials(req("Namespace", "pr-42", ""), ok), []);
        });
    });
});
