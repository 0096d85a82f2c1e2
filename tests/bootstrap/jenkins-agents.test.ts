/**
 * Jenkins on Kubernetes (components/bootstrap/jenkins-agents.ts): what the controller's
 * configuration must say for agents to start and connect, checked against independent sources
 * (the clouds' token lifetimes, Microsoft's AKS application id) and against the in-cluster layer
 * that receives the agents (namespace, ServiceAccount, label, CA ConfigMap).
 */
import assert from "node:assert/strict";
import { parse } from "yaml";
import {
    AKS_SERVER_APP_ID,
    jenkinsCascPlatform,
    jenkinsCloudTemplate,
    KUBE_CLIENT_CACHE_SECONDS,
    KUBE_REFRESH_MINUTES,
    pluginsTxt,
} from "../../components/bootstrap/jenkins-agents";
import { JENKINS_AGENT_IMAGE, JENKINS_PLUGINS } from "../../components/bootstrap/versions";
import { validateBootstrapParams, type AnyBootstrapParams } from "../../components/bootstrap";
import { jenkinsParams } from "./fixtures";
import { JENKINS_AGENT_LABEL } from "../../components/flows";
import { JENKINS_AGENT_CA_CONFIGMAP } from "../../components/kubernetes/common";
import { JENKINS_AGENTS_NAMESPACE, JENKINS_AGENT_SERVICE_ACCOUNT } from "../../components/kubernetes/common";
import { AZURE_WELL_KNOWN_APPS } from "../../offline/constraints/tables/azure-well-known-apps";

/**
 * Independent facts, typed from the sources:
 * - EKS bearer tokens are valid 15 minutes (https://docs.aws.amazon.com/eks/latest/userguide/cluster-auth.html);
 * - the GCE metadata server hands out a cached token until it has 5 minutes left
 *   (https://cloud.google.com/compute/docs/access/authenticate-workloads#applications);
 * - AKS with Entra integration accepts tokens for the "Azure Kubernetes Service AAD Server"
 *   application: the independent table of Microsoft's first-party ids (with its source).
 */
const EKS_TOKEN_SECONDS = 15 * 60;
const METADATA_TOKEN_MIN_REMAINING_SECONDS = 5 * 60;

type Cloud = { kubernetes: Record<string, any> };

describe("bootstrap: Jenkins on Kubernetes (issue 22)", () => {
    const cloud = (JSON.parse(jenkinsCloudTemplate()) as { jenkins: { clouds: Cloud[] } } & Record<string, unknown>);
    const k = cloud.jenkins.clouds[0].kubernetes;
    const template = k.templates[0];
    const jnlp = template.containers.find((c: { name: string }) => c.name === "jnlp");

    it("a client never holds a token past its life: refresh interval + client cache < the shortest remaining life of a token when read", () => {
        const worstAge = KUBE_REFRESH_MINUTES * 60 + KUBE_CLIENT_CACHE_SECONDS;
        assert.ok(worstAge < METADATA_TOKEN_MIN_REMAINING_SECONDS, `${worstAge}s`);
        assert.ok(worstAge < EKS_TOKEN_SECONDS);
    });

    it("AKS tokens are requested for Microsoft's AKS server application", () => {
        assert.equal(AKS_SERVER_APP_ID, AZURE_WELL_KNOWN_APPS.aksAadServer.appId);
    });

    it("agent pods land where the in-cluster layer expects them: namespace, ServiceAccount, label, CA ConfigMap", () => {
        assert.equal(k.namespace, JENKINS_AGENTS_NAMESPACE);
        assert.equal(template.namespace, JENKINS_AGENTS_NAMESPACE);
        assert.equal(template.serviceAccount, JENKINS_AGENT_SERVICE_ACCOUNT);
        assert.deepEqual(k.podLabels, [{ key: JENKINS_AGENT_LABEL, value: "true" }]);
        assert.equal(JENKINS_AGENT_LABEL, "platform.io/jenkins-agent");
        assert.deepEqual(template.volumes, [{ configMapVolume: { configMapName: JENKINS_AGENT_CA_CONFIGMAP, mountPath: "/var/run/platform-ca" } }]);
    });

    it("agent pods can start under Pod Security restricted: numeric non-root user (the image's user is a name), no API token, the plugin's restricted context", () => {
        assert.equal(k.restrictedPssSecurityContext, true);
        assert.equal(jnlp.runAsUser, "1000");
        assert.equal(jnlp.runAsGroup, "1000");
        assert.deepEqual(parse(template.yaml), { spec: { automountServiceAccountToken: false } });
        assert.equal(template.yamlMergeStrategy, "merge");
        assert.equal(jnlp.image, `${JENKINS_AGENT_IMAGE.repository}:${JENKINS_AGENT_IMAGE.tag}`);
        assert.match(template.id, /^[a-z0-9-]+$/, "a fixed template id (agents survive a controller restart)");
    });

    it("agents trust the platform CA for the controller's WebSocket and keep the plugin's reconnect limit", () => {
        const env = Object.fromEntries(jnlp.envVars.map((e: { envVar: { key: string; value: string } }) => [e.envVar.key, e.envVar.value]));
        assert.equal(env.REMOTING_OPTS, "-noReconnectAfter 1d -cert @/var/run/platform-ca/ca.crt");
        assert.equal(k.webSocket, true);
        assert.equal(k.jenkinsUrl, "", "filled in on the VM");
    });

    it("no JCasC credentials block (it would delete operators' credentials at every start), and no TLS shortcut", () => {
        assert.deepEqual(Object.keys(cloud), ["jenkins"]);
        assert.equal(k.skipTlsVerify, undefined);
    });

    it("the controller as code: no executors, no agent port, no sign-up, no anonymous read, one admin by file reference", () => {
        const casc = parse(jenkinsCascPlatform()) as { jenkins: Record<string, any> };
        assert.equal(casc.jenkins.numExecutors, 0);
        assert.equal(casc.jenkins.slaveAgentPort, -1);
        assert.equal(casc.jenkins.securityRealm.local.allowsSignup, false);
        assert.equal(casc.jenkins.securityRealm.local.users.length, 1);
        assert.match(casc.jenkins.securityRealm.local.users[0].password, /^\$\{readFile:\/var\/lib\/jenkins\/secrets\/[a-z-]+\}$/);
        assert.equal(casc.jenkins.authorizationStrategy.loggedInUsersCanDoAnything.allowAnonymousRead, false);
    });

    it("placement: the workload pool's tolerations go into the pod spec, the cap into the cloud; bad ones are refused naming the key", () => {
        const spot = { key: "kubernetes.azure.com/scalesetpriority", operator: "Equal", value: "spot", effect: "NoSchedule" } as const;
        const placed = JSON.parse(jenkinsCloudTemplate({ agentTolerations: [spot], maxAgents: 4 })).jenkins.clouds[0].kubernetes;
        assert.deepEqual(parse(placed.templates[0].yaml), { spec: { automountServiceAccountToken: false, tolerations: [spot] } });
        assert.equal(placed.containerCapStr, "4");
        const base = jenkinsParams("azure") as AnyBootstrapParams & { kubernetes: Record<string, unknown> };
        assert.deepEqual(validateBootstrapParams("jenkins", base), []);
        const bad = { ...base, kubernetes: { ...base.kubernetes, agentTolerations: [{ key: "bad key", operator: "In", effect: "Never" }], maxAgents: 0 } } as unknown as AnyBootstrapParams;
        const problems = validateBootstrapParams("jenkins", bad).join("\n");
        for (const k of ["agentTolerations[0].key", "agentTolerations[0].operator", "agentTolerations[0].effect", "maxAgents"]) assert.match(problems, new RegExp(`kubernetes\\.${k.replace(/[[\].]/g, "\\$&")}:`), k);
    });

    it("plugins: every pinned plugin, exactly, sorted; the Kubernetes and configuration-as-code plugins among them", () => {
        assert.equal(pluginsTxt(), Object.entries(JENKINS_PLUGINS).sort(([a], [b]) => a.localeCompare(b)).map(([n, v]) => `${n}:${v}\n`).join(""));
        for (const name of ["kubernetes", "configuration-as-code"]) assert.ok(JENKINS_PLUGINS[name], name);
        for (const v of Object.values(JENKINS_PLUGINS)) assert.doesNotMatch(v, /latest|experimental/);
    });
});
