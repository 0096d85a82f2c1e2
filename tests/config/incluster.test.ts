/**
 * The in-cluster layer's edges: its own stack config (incluster/stacks), the run's route to the
 * API (PLATFORM_KUBE_PROXY_URL, never config), and the platform stack outputs it reads.
 */
import * as assert from "node:assert/strict";
import { ConfigError } from "../../components/config";
import {
    INCLUSTER_PROJECT,
    KUBE_PROXY_ENV,
    parseInClusterConfig,
    parsePlatformStackOutputs,
    PlatformStackError,
    qualifyStackName,
} from "../../components/config/incluster";

const CTX = { project: INCLUSTER_PROJECT, stack: "dev-aws", organization: "acme", env: {} };

function valid(): Record<string, any> {
    return {
        environment: "dev",
        addons: { gitops: { repoUrl: "https://github.com/example-org/platform-gitops.git" }, modelServing: { engine: "seldon-core" } },
    };
}

function mutate(fn: (c: Record<string, any>) => void): Record<string, any> {
    const c = valid();
    fn(c);
    return c;
}

function problemsOf(raw: Record<string, unknown>, ctx: Parameters<typeof parseInClusterConfig>[1] = CTX): readonly string[] {
    try {
        parseInClusterConfig(raw, ctx);
    } catch (err) {
        assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
        assert.match(err.message, /Fix these in incluster\/stacks\/Pulumi\.dev-aws\.yaml/);
        return err.problems;
    }
    assert.fail("configuration was accepted");
}

const BAD: { name: string; raw: Record<string, any>; env?: Record<string, string>; problem: string }[] = [
    {
        name: "GitOps repository that is not a git URL",
        raw: mutate((c) => (c.addons.gitops.repoUrl = "ftp://example.org/repo")),
        problem: 'platform-incluster:addons.gitops.repoUrl: "ftp://example.org/repo" must be an https://, ssh:// or git@ repository URL',
    },
    {
        name: "GitOps path escaping the repository",
        raw: mutate((c) => (c.addons.gitops.path = "../other")),
        problem: 'platform-incluster:addons.gitops.path: "../other" must be a relative path inside the repository (no leading / and no ..)',
    },
    {
        name: "serving engine that is not offered",
        raw: mutate((c) => (c.addons.modelServing.engine = "kserve")),
        problem: 'platform-incluster:addons.modelServing.engine: "kserve" is not allowed; use one of: seldon-core',
    },
    {
        name: "workload namespace that is not a DNS label",
        raw: mutate((c) => (c.addons.workloadNamespaces = ["Team_A"])),
        problem: 'platform-incluster:addons.workloadNamespaces[0]: "Team_A" must be a DNS-1123 label (lowercase a-z, 0-9 and -, at most 63 characters)',
    },
    {
        name: "the demo model without its pinned digest",
        raw: mutate((c) => (c.addons.modelServing.demo = true)),
        problem:
            "platform-incluster:addons.modelServing.demoModelSha256: is required when demo is true: the demo model (https://storage.googleapis.com/seldon-models/v1.18.2/sklearn/iris/model.joblib) is a pickle that runs code when loaded, " +
            "and is served only if its SHA-256 is the one pinned here; check the artifact once (curl -sL <url> | sha256sum) and set it, or set demo: false",
    },
    {
        name: "a named Argo CD account that is the built-in admin",
        raw: mutate((c) => (c.addons.gitops.accounts = { admin: "admin" })),
        problem: 'platform-incluster:addons.gitops.accounts.admin: key "admin" must be a lower-case name of at most 32 characters (letters, digits, "-"), not "admin"',
    },
    {
        name: "a named Argo CD account with a role Argo CD does not have",
        raw: mutate((c) => (c.addons.gitops.accounts = { alice: "owner" })),
        problem: 'platform-incluster:addons.gitops.accounts.alice: "owner" is not allowed; use one of: admin, readonly',
    },
    {
        name: "unknown environment",
        raw: mutate((c) => (c.environment = "qa")),
        problem: 'platform-incluster:environment: "qa" is not allowed; use one of: dev, staging, prod',
    },
    {
        name: "a phase flag from the old one-stack design",
        raw: mutate((c) => (c.addonsEnabled = true)),
        problem: "platform-incluster:addonsEnabled: unknown key; allowed keys here: environment, platformStack, slackWebhookUrl, vaultMetricsToken, addons",
    },
    {
        name: "a platform stack name with a space",
        raw: mutate((c) => (c.platformStack = "acme/platform/dev aws")),
        problem: 'platform-incluster:platformStack: "acme/platform/dev aws" must be a stack name: <stack>, <project>/<stack> or <org>/<project>/<stack>',
    },
    {
        name: "a Vault metrics token in plain text",
        raw: mutate((c) => (c.vaultMetricsToken = "hvs.CAESIAbcdefghijklmnopqrstuvwxyz0123456789")),
        problem: "platform-incluster:vaultMetricsToken: is stored in plain text; remove it from the stack file and set it with `pulumi config set --secret vaultMetricsToken <value>`",
    },
    {
        name: "a Slack webhook in plain text",
        raw: mutate((c) => (c.slackWebhookUrl = "https://hooks.slack.com/services/T000/B000/XXXX")),
        problem: "platform-incluster:slackWebhookUrl: is stored in plain text; remove it from the stack file and set it with `pulumi config set --secret slackWebhookUrl <value>`",
    },
    {
        name: "a proxy that is not a local tunnel (the run's environment, not config)",
        raw: valid(),
        env: { [KUBE_PROXY_ENV]: "socks5://10.0.0.5:1080" },
        problem: `${KUBE_PROXY_ENV} (environment of this run): "socks5://10.0.0.5:1080" is not a local proxy URL; use the tunnel's address such as socks5://127.0.0.1:1080, or unset it to dial the API directly`,
    },
];

describe("config: the in-cluster layer", () => {
    it("accepts the valid baseline with defaults: the platform stack of the same name in the same organisation, direct route", () => {
        const c = parseInClusterConfig(valid(), CTX);
        assert.equal(c.platformStack, "acme/platform/dev-aws");
        assert.equal(c.proxyUrl, undefined);
        assert.deepEqual(c.gitops, { repoUrl: "https://github.com/example-org/platform-gitops.git", path: "apps", revision: "main" });
        assert.deepEqual(c.modelServing, { engine: "seldon-core", demo: false });
        assert.deepEqual(c.alerting, { slack: false });
        assert.ok(Object.isFrozen(c) && Object.isFrozen(c.gitops));
    });

    it("passes the Argo CD tenancy options and the demo digest through, typed", () => {
        const key = "-----BEGIN PGP PUBLIC KEY BLOCK-----\nx\n-----END PGP PUBLIC KEY BLOCK-----\n";
        const sso = { url: "https://localhost:8080", issuer: "https://login.example.com", clientId: "argocd", adminGroups: ["platform-admins"] };
        const c = parseInClusterConfig(
            mutate((r) => {
                r.addons.gitops = { ...r.addons.gitops, signatureKeys: { "4AEE18F83AFDEB23": key }, sso, accounts: { alice: "admin", "ci-viewer": "readonly" } };
                r.addons.modelServing = { engine: "seldon-core", demo: true, demoModelSha256: "ab".repeat(32) };
            }),
            CTX,
        );
        assert.deepEqual(c.gitops.signatureKeys, { "4AEE18F83AFDEB23": key });
        assert.deepEqual(c.gitops.sso, sso);
        assert.deepEqual(c.gitops.accounts, { alice: "admin", "ci-viewer": "readonly" });
        assert.deepEqual(c.modelServing, { engine: "seldon-core", demo: true, demoModelSha256: "ab".repeat(32) });
    });

    it("takes the route to the API from the run's environment (a tunnel), never from config", () => {
        const c = parseInClusterConfig(valid(), { ...CTX, env: { [KUBE_PROXY_ENV]: "socks5://127.0.0.1:1080" } });
        assert.equal(c.proxyUrl, "socks5://127.0.0.1:1080");
    });

    it("qualifies the platform stack name as the CLI does", () => {
        assert.equal(qualifyStackName("prod-gcp", "acme"), "acme/platform/prod-gcp");
        assert.equal(qualifyStackName("other/prod-gcp", "acme"), "acme/other/prod-gcp");
        assert.equal(qualifyStackName("corp/platform/prod-gcp", "acme"), "corp/platform/prod-gcp");
    });

    for (const bad of BAD) {
        it(`rejects ${bad.name} with one exact message`, () => {
            assert.deepEqual(problemsOf(bad.raw, { ...CTX, secretKeys: [], env: bad.env ?? {} }), [bad.problem]);
        });
    }

    it("never echoes a secret value", () => {
        const raw = mutate((c) => (c.slackWebhookUrl = "https://example.org/not-slack"));
        const problems = problemsOf(raw, { ...CTX, secretKeys: [`${INCLUSTER_PROJECT}:slackWebhookUrl`] });
        assert.deepEqual(problems, ['platform-incluster:slackWebhookUrl: "(secret value)" must be a Slack incoming-webhook URL (https://hooks.slack.com/services/...)']);
    });
});

describe("config: the platform stack outputs the in-cluster layer reads", () => {
    const outputs = (): Record<string, any> => ({
        cloud: "aws",
        environment: "dev",
        clusterName: "platform-dev-aws-eks",
        clusterResourceId: "arn:aws:eks:eu-west-1:123456789012:cluster/platform-dev-aws-eks",
        clusterEndpointAccess: "restricted",
        clusterKubeconfig: "apiVersion: v1\nkind: Config\n",
        clusterHints: { storageClass: "gp3-encrypted", loadBalancerAnnotations: {} },
        bastionPrivateIp: "10.20.0.10",
        toolVms: { jenkins: { privateIp: "10.20.1.5" }, vault: { privateIp: "10.20.1.6" }, wazuh: { privateIp: "10.20.1.7" } },
        internalCaCertPem: "-----BEGIN CERTIFICATE-----\nMIIBazCCAQ==\n-----END CERTIFICATE-----\n",
        extraOutputIgnored: 1,
    });
    const CONFIG = { platformStack: "acme/platform/dev-aws", environment: "dev" as const, project: INCLUSTER_PROJECT };

    it("accepts what the platform stack exports", () => {
        assert.equal(parsePlatformStackOutputs(outputs(), CONFIG).clusterName, "platform-dev-aws-eks");
    });

    it("names every missing output and says to deploy the platform stack first", () => {
        const o = outputs();
        delete o.clusterKubeconfig;
        delete o.clusterResourceId;
        assert.throws(
            () => parsePlatformStackOutputs(o, CONFIG),
            (err: unknown) => {
                assert.ok(err instanceof PlatformStackError);
                assert.deepEqual(err.problems, [
                    "output clusterResourceId: is missing (the platform stack has not been deployed, or predates this layer)",
                    "output clusterKubeconfig: is missing (the platform stack has not been deployed, or predates this layer)",
                ]);
                assert.match(err.message, /Run `pulumi up` on the platform stack first/);
                return true;
            },
        );
    });

    it("refuses a platform CA that is not a PEM certificate", () => {
        assert.throws(
            () => parsePlatformStackOutputs({ ...outputs(), internalCaCertPem: "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n" }, CONFIG),
            (err: unknown) => err instanceof PlatformStackError && err.problems[0] === "output internalCaCertPem: is not a PEM certificate",
        );
    });

    it("refuses two layers of different environments", () => {
        assert.throws(
            () => parsePlatformStackOutputs({ ...outputs(), environment: "prod" }, CONFIG),
            (err: unknown) =>
                err instanceof PlatformStackError &&
                err.problems[0] === 'platform-incluster:environment: "dev" but the platform stack is "prod"; both layers of one environment must use the same profile',
        );
    });
});
