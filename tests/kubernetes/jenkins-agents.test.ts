/**
 * The jenkins-agents namespace (components/kubernetes/jenkins-agents.ts): exact children and their
 * security-relevant inputs per environment, absence without the hint or the Jenkins VM, and the
 * admission policy's CEL EXECUTED (@marcbachmann/cel-js) the way the API server runs a
 * ValidatingAdmissionPolicy (match conditions, variables, every validation; an error refuses:
 * failurePolicy Fail) against the requests the Kubernetes plugin makes and each one it must refuse.
 *
 * The expectations are written out here from their sources (the plugin's sample RBAC, the Pod
 * Security labels, RFC 1918 / 6598 / 3927), not copied from the implementation.
 */
import assert from "node:assert/strict";
import { ipInCidr } from "../../components/config/cidr";
import {
    addonsProblems,
    AddonsArgs,
    agentTolerationKeys,
    ciEgressExcept,
    JENKINS_POLICY_VARIABLES,
    jenkinsAgentsValidations,
    jenkinsSubjectCondition,
    networkPolicies,
    JENKINS_AGENTS_NAMESPACE_PLAN,
} from "../../components/kubernetes";
import { JENKINS_AGENT_CA_CONFIGMAP, JENKINS_AGENT_CA_KEY, JENKINS_AGENT_LABEL } from "../../components/kubernetes/common";
import { at, byName, childrenOf, ofType, ResourceGraph } from "../../offline/graph";
import { checkConstraints } from "../../offline/constraints";
import { JENKINS_AGENT_CA_DIR, jenkinsCloudTemplate } from "../../components/bootstrap/jenkins-agents";
import { addonsGraph, baseArgs, SPOT_TOLERATION, TEST_CA_PEM } from "./fixtures";
import { loadValidators, validateObject } from "./schemas";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const cel = require("@marcbachmann/cel-js") as { evaluate(expr: string, ctx: Record<string, unknown>): unknown };

const JENKINS = { address: "10.20.16.11", port: 8443 };
const SUBJECT = { kind: "Group", name: "platform:jenkins-agents" } as const;
const ENVS = ["dev", "staging", "prod"] as const;

const withAgents = (environment: (typeof ENVS)[number], extra: Partial<Omit<AddonsArgs, "provider">> = {}) =>
    addonsGraph(environment, () => ({ hints: { ...baseArgs(environment).hints, jenkinsAgents: { subject: SUBJECT } }, toolVmGrants: { jenkins: JENKINS }, ...extra }));

const T = {
    component: "platform:k8s:JenkinsAgents",
    ns: "kubernetes:core/v1:Namespace",
    np: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    quota: "kubernetes:core/v1:ResourceQuota",
    limits: "kubernetes:core/v1:LimitRange",
    sa: "kubernetes:core/v1:ServiceAccount",
    cm: "kubernetes:core/v1:ConfigMap",
    role: "kubernetes:rbac.authorization.k8s.io/v1:Role",
    rb: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
    vap: "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy",
    vapb: "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding",
};

describe("jenkins-agents: the namespace and its guards, as declared", function () {
    this.timeout(120_000);
    const graphs: Partial<Record<(typeof ENVS)[number], ResourceGraph>> = {};
    before(async () => {
        for (const env of ENVS) {
            graphs[env] = await withAgents(env);
        }
    });
    const g = (env: (typeof ENVS)[number]) => graphs[env]!;
    const named = (env: (typeof ENVS)[number], type: string, name: string) => byName(g(env), type, `platform-jenkins-agents-${name}`);

    it("exactly these children, under the Addons component", () => {
        const component = ofType(g("dev"), T.component);
        assert.equal(component.length, 1);
        assert.equal(component[0].parent, ofType(g("dev"), "platform:k8s:Addons")[0].urn);
        const children = childrenOf(g("dev"), component[0].urn)
            .map((r) => `${r.type.split(":").slice(1).join(":")} ${at(r.inputs, "metadata.name")}`)
            .sort();
        assert.deepEqual(children, [
            "admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy platform-jenkins-agents",
            "admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding platform-jenkins-agents",
            "core/v1:ConfigMap platform-ca",
            "core/v1:LimitRange platform-limits",
            "core/v1:Namespace jenkins-agents",
            "core/v1:ResourceQuota platform-critical-priority",
            "core/v1:ResourceQuota platform-quota",
            "core/v1:ServiceAccount default",
            "core/v1:ServiceAccount jenkins-agent",
            "networking.k8s.io/v1:NetworkPolicy allow-dns-egress",
            "networking.k8s.io/v1:NetworkPolicy allow-jenkins-controller-egress",
            "networking.k8s.io/v1:NetworkPolicy allow-public-https-egress",
            "networking.k8s.io/v1:NetworkPolicy default-deny",
            "rbac.authorization.k8s.io/v1:Role platform-jenkins-agents",
            "rbac.authorization.k8s.io/v1:RoleBinding platform-jenkins-agents",
        ]);
        // Everything namespaced lives in jenkins-agents and nowhere else.
        for (const c of childrenOf(g("dev"), component[0].urn)) {
            const ns = at(c.inputs, "metadata.namespace");
            assert.ok(ns === undefined || ns === "jenkins-agents", `${c.name} in ${String(ns)}`);
        }
    });

    it("the namespace: role ci, Pod Security restricted enforced, audited and warned at the pinned version", () => {
        const labels = at(named("dev", T.ns, "namespace").inputs, "metadata.labels") as Record<string, string>;
        assert.deepEqual(labels, {
            "app.kubernetes.io/managed-by": "pulumi",
            "app.kubernetes.io/part-of": "platform",
            "platform.io/namespace-role": "ci",
            "pod-security.kubernetes.io/enforce": "restricted",
            "pod-security.kubernetes.io/enforce-version": "v1.32",
            "pod-security.kubernetes.io/audit": "restricted",
            "pod-security.kubernetes.io/audit-version": "v1.32",
            "pod-security.kubernetes.io/warn": "restricted",
            "pod-security.kubernetes.io/warn-version": "v1.32",
        });
    });

    it("the agents' ServiceAccount and the namespace's default one mount no token", () => {
        for (const name of ["service-account", "default-sa"]) {
            assert.equal(named("dev", T.sa, name).inputs.automountServiceAccountToken, false, name);
        }
        assert.equal(at(named("dev", T.sa, "service-account").inputs, "metadata.name"), "jenkins-agent");
    });

    it("the Role: the Kubernetes plugin's sample grant (jenkinsci/kubernetes-plugin service-account.yml), without Secrets and with exec reduced to create/get", () => {
        const rules = (named("dev", T.role, "role").inputs as any).rules as { apiGroups: string[]; resources: string[]; verbs: string[] }[];
        const granted = rules.flatMap((r) => r.resources.flatMap((res) => r.verbs.map((v) => `${r.apiGroups.join(",")}/${res}:${v}`))).sort();
        assert.deepEqual(granted, [
            "/events:get",
            "/events:list",
            "/events:watch",
            "/pods/exec:create",
            "/pods/exec:get",
            "/pods/log:get",
            "/pods/log:list",
            "/pods/log:watch",
            "/pods:create",
            "/pods:delete",
            "/pods:get",
            "/pods:list",
            "/pods:patch",
            "/pods:update",
            "/pods:watch",
        ]);
        assert.ok(!granted.some((x) => x.includes("secrets") || x.includes("*")));
    });

    it("the RoleBinding names the hint's subject and waits for every guard and the admission binding", () => {
        const rb = named("dev", T.rb, "role-binding");
        assert.deepEqual((rb.inputs as any).subjects, [{ kind: "Group", name: "platform:jenkins-agents", apiGroup: "rbac.authorization.k8s.io" }]);
        assert.deepEqual((rb.inputs as any).roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "platform-jenkins-agents" });
        for (const guard of ["default-deny", "allow-dns-egress", "allow-jenkins-controller-egress", "allow-public-https-egress", "quota", "limits", "critical-priority", "policy-binding", "platform-ca", "service-account", "default-sa"]) {
            const dep = g("dev").resources.find((r) => r.name === `platform-jenkins-agents-${guard}`);
            assert.ok(dep, guard);
            assert.ok(rb.dependencies.includes(dep.urn), `the grant waits for ${guard}`);
        }
    });

    it("the admission policy: fails closed, matches every write of the subject, denies, cluster-wide", () => {
        const vap = named("dev", T.vap, "policy").inputs as any;
        assert.equal(vap.spec.failurePolicy, "Fail");
        assert.deepEqual(vap.spec.matchConstraints, { resourceRules: [{ apiGroups: ["*"], apiVersions: ["*"], operations: ["CREATE", "UPDATE", "DELETE"], resources: ["*/*"] }] });
        assert.deepEqual(vap.spec.matchConditions, [{ name: "jenkins-identity", expression: 'has(request.userInfo.groups) && "platform:jenkins-agents" in request.userInfo.groups' }]);
        assert.deepEqual(vap.spec.validations, jenkinsAgentsValidations(["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"]));
        assert.deepEqual(vap.spec.variables, JENKINS_POLICY_VARIABLES);
        const binding = named("dev", T.vapb, "policy-binding").inputs as any;
        assert.deepEqual(binding.spec, { policyName: "platform-jenkins-agents", validationActions: ["Deny"] });
    });

    it("the platform CA for the agents' remoting -cert", () => {
        assert.deepEqual(named("dev", T.cm, "platform-ca").inputs.data, { "ca.crt": TEST_CA_PEM });
    });

    it("NetworkPolicies: default deny, DNS, the controller's address and port, HTTPS to the internet except private, shared and link-local ranges; no ingress", () => {
        const np = (name: string) => (named("dev", T.np, name).inputs as any).spec;
        assert.deepEqual(np("default-deny"), { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
        assert.deepEqual(np("allow-jenkins-controller-egress"), {
            podSelector: { matchLabels: { "platform.io/jenkins-agent": "true" } },
            policyTypes: ["Egress"],
            egress: [{ to: [{ ipBlock: { cidr: "10.20.16.11/32" } }], ports: [{ protocol: "TCP", port: 8443 }] }],
        });
        const https = np("allow-public-https-egress");
        assert.deepEqual(https.podSelector, { matchLabels: { "platform.io/jenkins-agent": "true" } });
        assert.deepEqual(https.egress[0].ports, [{ protocol: "TCP", port: 443 }]);
        assert.equal(https.egress[0].to.length, 1);
        assert.equal(https.egress[0].to[0].ipBlock.cidr, "0.0.0.0/0");
        const except: string[] = https.egress[0].to[0].ipBlock.except;
        // RFC 1918, RFC 6598 shared space, RFC 3927 link-local (IMDS and the node-local endpoints).
        for (const addr of ["10.0.0.1", "10.255.255.254", "172.16.0.1", "172.31.255.254", "192.168.0.1", "100.64.0.1", "100.127.255.254", "169.254.169.254", "169.254.170.2"]) {
            assert.ok(except.some((c) => ipInCidr(addr, c)), `${addr} is excepted`);
        }
        for (const addr of ["140.82.112.3", "104.16.0.1", "8.8.8.8"]) {
            assert.ok(!except.some((c) => ipInCidr(addr, c)), `${addr} (public) stays reachable`);
        }
        // No policy of the namespace admits ingress (Prometheus' scrape allow is not here either).
        for (const p of ofType(g("dev"), T.np).filter((r) => at(r.inputs, "metadata.namespace") === "jenkins-agents")) {
            assert.equal((p.inputs as any).spec.ingress, undefined, String(at(p.inputs, "metadata.name")));
        }
    });

    it("aws-vpc-cni keys its eBPF map by CIDR: one rule per ipBlock CIDR in the namespace (aws/aws-network-policy-agent#180)", () => {
        const cidrs = ofType(g("dev"), T.np)
            .filter((r) => at(r.inputs, "metadata.namespace") === "jenkins-agents")
            .flatMap((r) => ((r.inputs as any).spec.egress ?? []).flatMap((e: any) => (e.to ?? []).filter((t: any) => t.ipBlock).map((t: any) => t.ipBlock.cidr)));
        assert.deepEqual(cidrs.sort(), ["0.0.0.0/0", "10.20.16.11/32"]);
    });

    it("quota and limits per environment: dev smallest, prod largest; no claims or exposed Services; no critical priority", () => {
        const hard = (env: (typeof ENVS)[number]) => (named(env, T.quota, "quota").inputs as any).spec.hard as Record<string, string>;
        assert.deepEqual(hard("dev"), {
            pods: "4",
            "requests.cpu": "4",
            "limits.cpu": "8",
            "requests.memory": "8Gi",
            "limits.memory": "8Gi",
            "requests.ephemeral-storage": "40Gi",
            "limits.ephemeral-storage": "40Gi",
            persistentvolumeclaims: "0",
            "services.loadbalancers": "0",
            "services.nodeports": "0",
        });
        const num = (q: string) => Number(q.replace(/Gi$/, ""));
        for (const key of ["pods", "requests.cpu", "limits.cpu", "requests.memory", "limits.memory", "limits.ephemeral-storage"]) {
            assert.ok(num(hard("dev")[key]) < num(hard("staging")[key]) && num(hard("staging")[key]) < num(hard("prod")[key]), key);
        }
        for (const env of ENVS) {
            const limits = (named(env, T.limits, "limits").inputs as any).spec.limits;
            assert.equal(limits.length, 1);
            assert.equal(limits[0].type, "Container");
            // Every resource the quota counts has a default, so a template without resources is admitted.
            for (const r of ["cpu", "memory", "ephemeral-storage"]) {
                assert.ok(limits[0].default[r] && limits[0].defaultRequest[r] && limits[0].max[r], `${env} ${r}`);
            }
        }
        assert.deepEqual((named("prod", T.limits, "limits").inputs as any).spec.limits[0].max, { cpu: "4", memory: "8Gi", "ephemeral-storage": "40Gi" });
        assert.deepEqual((named("dev", T.limits, "limits").inputs as any).spec.limits[0].max, { cpu: "2", memory: "4Gi", "ephemeral-storage": "20Gi" });
        assert.deepEqual((named("dev", T.quota, "critical-priority").inputs as any).spec, {
            hard: { pods: "0" },
            scopeSelector: { matchExpressions: [{ scopeName: "PriorityClass", operator: "In", values: ["platform-critical", "system-cluster-critical", "system-node-critical"] }] },
        });
    });

    it("every object passes its upstream schema", async () => {
        const validators = await loadValidators();
        const component = ofType(g("staging"), T.component)[0];
        for (const c of childrenOf(g("staging"), component.urn)) {
            validateObject(validators, c.inputs as Record<string, unknown>);
        }
    });

    it("the constraint catalogue finds nothing the API server would refuse (ipBlock except subsets, admission rule wildcards, names, labels)", () => {
        for (const env of ENVS) {
            assert.deepEqual(checkConstraints(g(env)).map((v) => v.message), [], env);
        }
    });

    it("workload namespaces no longer grant the agent label anything (no Jenkins egress outside jenkins-agents)", () => {
        // Prometheus' scrape of the VM's node_exporter (9100, monitoring) is another flow; the agent port is 8443.
        const toAgentPort = (e: any) => (e.ports ?? []).some((p: any) => p.port === JENKINS.port) && (e.to ?? []).some((t: any) => t.ipBlock && ipInCidr(JENKINS.address, t.ipBlock.cidr) && !(t.ipBlock.except ?? []).some((x: string) => ipInCidr(JENKINS.address, x)));
        const jenkinsEgress = ofType(g("dev"), T.np).filter((r) => ((r.inputs as any).spec.egress ?? []).some(toAgentPort));
        assert.deepEqual(jenkinsEgress.map((r) => at(r.inputs, "metadata.namespace")), ["jenkins-agents"]);
    });
});

describe("jenkins-agents: absent unless both the hint and the Jenkins VM exist", function () {
    this.timeout(120_000);
    const none = (graph: ResourceGraph) => {
        assert.deepEqual(ofType(graph, T.component), []);
        assert.ok(!ofType(graph, T.ns).some((n) => at(n.inputs, "metadata.name") === "jenkins-agents"));
        assert.ok(!graph.resources.some((r) => JSON.stringify(r.inputs).includes("platform:jenkins-agents")));
    };
    it("no hint: nothing", async () => none(await addonsGraph("dev", () => ({ toolVmGrants: { jenkins: JENKINS } }))));
    it("no Jenkins VM: nothing", async () => none(await addonsGraph("dev", () => ({ hints: { ...baseArgs("dev").hints, jenkinsAgents: { subject: SUBJECT } } }))));
    it("neither: nothing", async () => none(await addonsGraph("dev")));
    it("an Output subject name (AKS object id, GKE e-mail) reaches the binding and the match condition", async () => {
        const graph = await addonsGraph("dev", (pulumi) => ({
            hints: { ...baseArgs("dev").hints, jenkinsAgents: { subject: { kind: "User", name: pulumi.output("jenkins@p.iam.gserviceaccount.com") } } },
            toolVmGrants: { jenkins: JENKINS },
        }));
        assert.deepEqual((byName(graph, T.rb, "platform-jenkins-agents-role-binding").inputs as any).subjects[0].name, "jenkins@p.iam.gserviceaccount.com");
        assert.equal(
            at(byName(graph, T.vap, "platform-jenkins-agents-policy").inputs, "spec.matchConditions.0.expression"),
            'has(request.userInfo.username) && request.userInfo.username == "jenkins@p.iam.gserviceaccount.com"',
        );
    });
    it("the declared policy admits the workload pool's taint where the hints carry it (AKS Spot)", async () => {
        const graph = await addonsGraph("dev", () => ({
            hints: { ...baseArgs("dev").hints, workloadTolerations: [SPOT_TOLERATION], jenkinsAgents: { subject: SUBJECT } },
            toolVmGrants: { jenkins: JENKINS },
        }));
        const validations = at(byName(graph, T.vap, "platform-jenkins-agents-policy").inputs, "spec.validations") as { expression: string }[];
        assert.match(validations[8].expression, /t\.key in \['node\.kubernetes\.io\/not-ready', 'node\.kubernetes\.io\/unreachable', 'kubernetes\.azure\.com\/scalesetpriority'\]/);
    });
    it("hint and VM without the platform CA: one clear problem", () => {
        const args = { ...baseArgs("dev"), internalCaCertPem: undefined, hints: { ...baseArgs("dev").hints, jenkinsAgents: { subject: SUBJECT } }, toolVmGrants: { jenkins: JENKINS } };
        // addonsProblems reads no provider: validation runs before anything is created.
        const problems = addonsProblems(args as unknown as AddonsArgs);
        assert.deepEqual(
            problems.filter((p) => p.includes("internalCaCertPem")),
            ["internalCaCertPem is absent but the cluster hosts Jenkins agents (hints.jenkinsAgents and a Jenkins VM): agents verify the controller's certificate with the platform CA; pass the platform stack's internalCaCertPem"],
        );
    });
});

describe("jenkins-agents: HTTPS except list from the cluster's hints", () => {
    const base = { storageClass: "x", loadBalancerAnnotations: {} };
    it("ranges the hints name outside the fixed list are added once; those inside it are not repeated", () => {
        assert.deepEqual(ciEgressExcept(base), ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16"]);
        assert.deepEqual(
            ciEgressExcept({ ...base, apiServerCidrs: ["10.20.0.0/16", "203.0.113.0/28"], nodeCidrs: ["203.0.113.0/28"], clusterwideDeny: { engine: "cilium", denyCidrs: ["169.254.169.254/32", "168.63.129.16/32"] } }),
            ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16", "203.0.113.0/28", "168.63.129.16/32"],
        );
    });
    it("the plan without a Jenkins VM has no controller egress (and still no ingress)", () => {
        assert.deepEqual(
            networkPolicies(JENKINS_AGENTS_NAMESPACE_PLAN, base, false, {}).map((p) => p.name),
            ["default-deny", "allow-dns-egress", "allow-public-https-egress"],
        );
    });
});

// --- The admission policy, executed ---------------------------------------------------------

interface Request {
    kind: { group: string; version: string; kind: string };
    resource: { group: string; version: string; resource: string };
    subResource?: string;
    name: string;
    namespace?: string;
    operation: "CREATE" | "UPDATE" | "DELETE";
    userInfo: { username: string; groups?: string[] };
}

const JENKINS_USER = { username: "arn:aws:sts::123456789012:assumed-role/platform-dev-aws-jenkins/i-0abc", groups: ["platform:jenkins-agents", "system:authenticated"] };
const ADMIN = { username: "kubernetes-admin", groups: ["system:masters", "system:authenticated"] };

function req(resource: string, namespace: string | undefined, operation: Request["operation"] = "CREATE", opts: { group?: string; kind?: string; subResource?: string; user?: Request["userInfo"] } = {}): Request {
    const group = opts.group ?? "";
    return {
        kind: { group, version: "v1", kind: opts.kind ?? "Pod" },
        resource: { group, version: "v1", resource },
        ...(opts.subResource !== undefined ? { subResource: opts.subResource } : {}),
        name: "agent-x",
        ...(namespace !== undefined ? { namespace } : {}),
        operation,
        userInfo: opts.user ?? JENKINS_USER,
    };
}

/** The messages of every validation that refuses (an error refuses too); [] when the policy does not match. */
function denials(request: Request, object: unknown, subject: { kind: "Group" | "User"; name: string } = SUBJECT, validations = jenkinsAgentsValidations()): string[] {
    if (cel.evaluate(jenkinsSubjectCondition(subject), { request, object, oldObject: null }) !== true) {
        return [];
    }
    const variables: Record<string, unknown> = {};
    for (const v of JENKINS_POLICY_VARIABLES) {
        try {
            variables[v.name] = cel.evaluate(v.expression, { request, object, oldObject: null, variables });
        } catch {
            // lazily evaluated by the API server: only a validation reading it fails
        }
    }
    return validations
        .filter((v) => {
            try {
                return cel.evaluate(v.expression, { request, object, oldObject: null, variables }) !== true;
            } catch {
                return true;
            }
        })
        .map((v) => v.message);
}

const M = Object.fromEntries(jenkinsAgentsValidations().map((v, i) => [i, v.message])) as Record<number, string>;

/** An agent pod as the Kubernetes plugin submits it from the platform's pod template (after the ServiceAccount admission plugin). */
function agentPod(edit: (p: any) => void = () => undefined): any {
    const p = {
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
            name: "build-42-abcde",
            namespace: "jenkins-agents",
            labels: { "platform.io/jenkins-agent": "true", "jenkins/label": "build", "jenkins/label-digest": "0123abcd", "kubernetes.jenkins.io/controller": "jenkins" },
            annotations: { buildUrl: "https://10.20.16.11:8443/job/app/42/", runUrl: "job/app/42/" },
        },
        spec: {
            serviceAccountName: "jenkins-agent",
            automountServiceAccountToken: false,
            hostNetwork: false,
            restartPolicy: "Never",
            // Added by the DefaultTolerationSeconds admission plugin before validation.
            tolerations: [
                { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
                { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
            ],
            nodeSelector: { "kubernetes.io/os": "linux" },
            securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } },
            containers: [
                {
                    name: "jnlp",
                    image: "docker.io/jenkins/inbound-agent:3385.vf1123fb_515da_-1",
                    env: [
                        { name: "JENKINS_URL", value: "https://10.20.16.11:8443/" },
                        { name: "JENKINS_WEB_SOCKET", value: "true" },
                        { name: "JENKINS_SECRET", value: "0123456789abcdef" },
                        { name: "JENKINS_AGENT_NAME", value: "build-42-abcde" },
                        { name: "REMOTING_OPTS", value: "-cert @/var/run/platform-ca/ca.crt" },
                        { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
                    ],
                    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                    volumeMounts: [
                        { name: "workspace-volume", mountPath: "/home/jenkins/agent" },
                        { name: "platform-ca", mountPath: "/var/run/platform-ca", readOnly: true },
                    ],
                },
            ],
            volumes: [
                { name: "workspace-volume", emptyDir: {} },
                { name: "platform-ca", configMap: { name: "platform-ca", items: [{ key: "ca.crt", path: "ca.crt" }] } },
                { name: "podinfo", projected: { sources: [{ downwardAPI: { items: [{ path: "labels", fieldRef: { fieldPath: "metadata.labels" } }] } }, { configMap: { name: "platform-ca" } }] } },
            ],
        },
    };
    edit(p);
    return p;
}

describe("jenkins-agents: admission (executed CEL)", () => {
    it("admits the plugin's agent pod, its deletion, and a label update of a scheduled pod", () => {
        assert.deepEqual(denials(req("pods", "jenkins-agents"), agentPod()), []);
        assert.deepEqual(denials(req("pods", "jenkins-agents", "CREATE", { subResource: "" }), agentPod()), []);
        assert.deepEqual(denials(req("pods", "jenkins-agents", "DELETE"), null), []);
        assert.deepEqual(denials(req("pods", "jenkins-agents", "UPDATE"), agentPod((p) => (p.spec.nodeName = "ip-10-20-32-10.ec2.internal"))), []);
    });

    it("does not judge anyone else (an admin, the same name as a user instead of a group) and never errors without groups", () => {
        assert.deepEqual(denials(req("secrets", "jenkins-agents", "CREATE", { kind: "Secret", user: ADMIN }), { metadata: { name: "s" } }), []);
        assert.deepEqual(denials(req("pods", "dev", "CREATE", { user: { username: "platform:jenkins-agents", groups: ["system:authenticated"] } }), agentPod()), []);
        assert.equal(cel.evaluate(jenkinsSubjectCondition(SUBJECT), { request: { userInfo: { username: "system:anonymous" } } }), false);
        assert.equal(cel.evaluate(jenkinsSubjectCondition({ kind: "User", name: "jenkins@p.iam.gserviceaccount.com" }), { request: { userInfo: { username: "jenkins@p.iam.gserviceaccount.com" } } }), true);
        assert.deepEqual(denials(req("pods", "dev", "CREATE", { user: { username: "jenkins@p.iam.gserviceaccount.com" } }), agentPod(), { kind: "User", name: "jenkins@p.iam.gserviceaccount.com" }), [M[0]]);
    });

    const refusedElsewhere: [string, Request, unknown][] = [
        ["a pod in a workload namespace", req("pods", "dev"), agentPod()],
        ["a pod in kube-system", req("pods", "kube-system"), agentPod()],
        ["a Secret in jenkins-agents", req("secrets", "jenkins-agents", "CREATE", { kind: "Secret" }), { metadata: { name: "s" }, type: "Opaque" }],
        ["a ConfigMap in jenkins-agents (the platform CA)", req("configmaps", "jenkins-agents", "UPDATE", { kind: "ConfigMap" }), { metadata: { name: "platform-ca" }, data: { "ca.crt": "x" } }],
        ["a NetworkPolicy deletion", req("networkpolicies", "jenkins-agents", "DELETE", { group: "networking.k8s.io", kind: "NetworkPolicy" }), null],
        ["a token for the agents' ServiceAccount", req("serviceaccounts", "jenkins-agents", "CREATE", { kind: "TokenRequest", subResource: "token" }), { spec: {} }],
        ["an ephemeral debug container", req("pods", "jenkins-agents", "UPDATE", { subResource: "ephemeralcontainers" }), agentPod()],
        ["a ClusterRoleBinding (cluster-scoped, no namespace)", req("clusterrolebindings", undefined, "CREATE", { group: "rbac.authorization.k8s.io", kind: "ClusterRoleBinding" }), { metadata: { name: "x" } }],
        ["a Deployment in jenkins-agents", req("deployments", "jenkins-agents", "CREATE", { group: "apps", kind: "Deployment" }), { metadata: { name: "d" }, spec: { template: agentPod() } }],
    ];
    for (const [what, request, object] of refusedElsewhere) {
        it(`refuses ${what}: nothing but pods in jenkins-agents`, () => assert.deepEqual(denials(request, object), [M[0]]));
    }

    const refusedPods: [string, (p: any) => void, number][] = [
        ["the default ServiceAccount", (p) => (p.spec.serviceAccountName = "default"), 1],
        ["no ServiceAccount named", (p) => delete p.spec.serviceAccountName, 1],
        ["a token mount asked for", (p) => (p.spec.automountServiceAccountToken = true), 2],
        ["the token mount left to the account", (p) => delete p.spec.automountServiceAccountToken, 2],
        ["no agent label", (p) => delete p.metadata.labels["platform.io/jenkins-agent"], 3],
        ["the agent label not 'true'", (p) => (p.metadata.labels["platform.io/jenkins-agent"] = "yes"), 3],
        ["no labels at all", (p) => delete p.metadata.labels, 3],
        ["a Secret volume", (p) => p.spec.volumes.push({ name: "s", secret: { secretName: "github-token" } }), 4],
        ["a hostPath volume", (p) => p.spec.volumes.push({ name: "docker", hostPath: { path: "/var/run/docker.sock" } }), 4],
        ["a claim", (p) => p.spec.volumes.push({ name: "cache", persistentVolumeClaim: { claimName: "m2" } }), 4],
        ["a generic ephemeral volume (it creates a claim)", (p) => p.spec.volumes.push({ name: "e", ephemeral: { volumeClaimTemplate: { spec: { accessModes: ["ReadWriteOnce"] } } } }), 4],
        ["a projected ServiceAccount token", (p) => p.spec.volumes.push({ name: "t", projected: { sources: [{ serviceAccountToken: { path: "token", audience: "vault" } }] } }), 4],
        ["a projected Secret", (p) => p.spec.volumes.push({ name: "t", projected: { sources: [{ configMap: { name: "platform-ca" } }, { secret: { name: "x" } }] } }), 4],
        ["an env secretKeyRef", (p) => p.spec.containers[0].env.push({ name: "T", valueFrom: { secretKeyRef: { name: "github", key: "token" } } }), 5],
        ["an envFrom secretRef in an init container", (p) => (p.spec.initContainers = [{ name: "i", image: "busybox:1.37.0", envFrom: [{ secretRef: { name: "x" } }] }]), 5],
        ["hostNetwork", (p) => (p.spec.hostNetwork = true), 6],
        ["hostPID", (p) => (p.spec.hostPID = true), 6],
        ["hostIPC", (p) => (p.spec.hostIPC = true), 6],
        ["a node named at creation", (p) => (p.spec.nodeName = "ip-10-20-32-10.ec2.internal"), 7],
        ["a toleration of the system pool's taint", (p) => p.spec.tolerations.push({ key: "CriticalAddonsOnly", operator: "Exists" }), 8],
        ["a toleration of every taint (no key)", (p) => p.spec.tolerations.push({ operator: "Exists" }), 8],
    ];
    for (const [what, edit, index] of refusedPods) {
        it(`refuses an agent pod with ${what}`, () => assert.deepEqual(denials(req("pods", "jenkins-agents"), agentPod(edit)), [M[index]]));
    }

    it("the workload pool's own taint (AKS Spot) is tolerable where the hints name it, and only there", () => {
        const spot = agentPod((p) => p.spec.tolerations.push({ ...SPOT_TOLERATION }));
        const keys = agentTolerationKeys({ workloadTolerations: [SPOT_TOLERATION] });
        assert.deepEqual(keys, ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable", "kubernetes.azure.com/scalesetpriority"]);
        assert.deepEqual(denials(req("pods", "jenkins-agents"), spot, SUBJECT, jenkinsAgentsValidations(keys)), []);
        assert.deepEqual(denials(req("pods", "jenkins-agents"), spot), [M[8]]);
    });

    it("the controller's own pod template (components/bootstrap JCasC), as the plugin submits it, is admitted", () => {
        const cloud = JSON.parse(jenkinsCloudTemplate()).jenkins.clouds[0].kubernetes;
        const t = cloud.templates[0];
        assert.equal(t.namespace, "jenkins-agents");
        assert.deepEqual([JENKINS_AGENT_CA_CONFIGMAP, JENKINS_AGENT_LABEL], ["platform-ca", "platform.io/jenkins-agent"]);
        // The Kubernetes plugin's PodTemplateBuilder: podLabels on the pod, serviceAccount as
        // serviceAccountName, each configMapVolume as a configMap volume, its workspace emptyDir,
        // the template's yaml merged over the spec, containers with their env and resources.
        const pod = {
            metadata: { labels: Object.fromEntries(cloud.podLabels.map((l: { key: string; value: string }) => [l.key, l.value])) },
            spec: {
                serviceAccountName: t.serviceAccount,
                automountServiceAccountToken: /automountServiceAccountToken: false/.test(t.yaml) ? false : undefined,
                hostNetwork: false,
                volumes: [
                    ...t.volumes.map((v: any, i: number) => ({ name: `volume-${i}`, configMap: { name: v.configMapVolume.configMapName } })),
                    { name: "workspace-volume", emptyDir: {} },
                ],
                containers: t.containers.map((c: any) => ({
                    name: c.name,
                    image: c.image,
                    env: c.envVars.map((e: any) => ({ name: e.envVar.key, value: e.envVar.value })),
                    volumeMounts: [{ name: "volume-0", mountPath: t.volumes[0].configMapVolume.mountPath }],
                })),
                tolerations: [{ key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 }],
            },
        };
        assert.deepEqual(denials(req("pods", "jenkins-agents"), pod), []);
        // The agent trusts the controller by the CA file this layer's ConfigMap key names.
        assert.equal(t.volumes[0].configMapVolume.mountPath, JENKINS_AGENT_CA_DIR);
        // Among the remoting options (the plugin's own -noReconnectAfter is kept beside it).
        const opts = (pod.spec.containers[0].env.find((e: any) => e.name === "REMOTING_OPTS").value as string).split(/\s+/);
        assert.equal(opts[opts.indexOf("-cert") + 1], `@${JENKINS_AGENT_CA_DIR}/${JENKINS_AGENT_CA_KEY}`);
    });

    it("every validation has a refusal above (no rule without its failing case)", () => {
        const covered = new Set([0, ...refusedPods.map(([, , i]) => i)]);
        assert.deepEqual([...covered].sort((a, b) => a - b), jenkinsAgentsValidations().map((_, i) => i));
    });
});
