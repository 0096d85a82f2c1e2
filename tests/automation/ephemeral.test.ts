/**
 * Ephemeral environments through the REAL Automation API SDK driving a STUB `pulumi` executable.
 * What these tests prove: our orchestration (exact command lines, their order across the two
 * projects, tags, config, policy pack flags, what is kept and what is torn down, refusals). What
 * they do not prove: that a real CLI, backend or cloud accepts them, or that the programs deploy.
 */
import * as assert from "node:assert/strict";
import { spawn } from "child_process";
import * as path from "path";

import { ConfigJson, prGitopsPath, prNetworkCidr } from "../../automation/config";
import { destroy, EXIT_BUSY, list, reap, selectForReap, unlock, up, UpArgs } from "../../automation/ephemeral";
import { main } from "../../automation/cli";
import { parseTtl } from "../../automation/names";
import { checkedPulumi, minimumCliVersion, parseSecretsProvider } from "../../automation/runtime";
import { Call, ephemeralStack, Harness, makeHarness, NOW, STUB, StubState, urn } from "./harness";
import { Bastion, startBastion } from "./ssh-fixtures";

const N = "ephemeral-pr42-aws";
const P = "platform";
const K = "platform-incluster";
const R = (project: string, type: string, name: string) => ({ urn: urn(type, name, project, N), type });
const PLATFORM_RESOURCES = [R(P, "pulumi:providers:aws", "aws"), R(P, "aws:ec2/vpc:Vpc", "vpc"), R(P, "aws:eks/cluster:Cluster", "eks")];
const INCLUSTER_RESOURCES = [
    R(K, "pulumi:providers:kubernetes", "cluster"),
    R(K, "kubernetes:helm.sh/v3:Release", "argocd"),
    R(K, "kubernetes:core/v1:Service", "grafana-lb"),
    R(K, "kubernetes:core/v1:PersistentVolumeClaim", "prometheus-data"),
];
const PLATFORM_OUTPUTS = { cloud: "aws", region: "eu-west-1", clusterEndpoint: "https://eks.example.invalid", bastionPublicIp: "198.51.100.7", clusterKubeconfig: "apiVersion: v1" };
const CANNED: StubState["canned"] = {
    platform: { outputs: PLATFORM_OUTPUTS, secretOutputs: ["clusterKubeconfig"], resources: PLATFORM_RESOURCES },
    "platform-incluster": { outputs: { argocdAdminPassword: "x" }, secretOutputs: ["argocdAdminPassword"], resources: INCLUSTER_RESOURCES },
};
/** Most tests take the `direct` route (a runner inside the network); the tunnel routes have their own tests. */
const UP: UpArgs = { pr: 42, cloud: "aws", ttl: "8h", ttlMs: 8 * 3_600_000, scope: "stack", owner: "Alice", route: "direct" };
const NI = "--non-interactive";

/** `<project> <cmd> <sub>` of every CLI call but `version`, e.g. "platform stack init". */
function ops(h: Harness, filter: (c: Call) => boolean = () => true): string[] {
    return h
        .calls()
        .filter((c) => c.argv[0] !== "version" && filter(c))
        .map((c) => `${c.project} ${c.argv[0]}${c.argv[0] === "stack" || c.argv[0] === "config" ? ` ${c.argv[1]}` : ""}`);
}

const MUTATING = (c: Call) => ["preview", "up", "destroy", "cancel"].includes(c.argv[0]) || (c.argv[0] === "stack" && ["init", "rm"].includes(c.argv[1]));

function tagsSet(h: Harness, project: string): Record<string, string> {
    const tags: Record<string, string> = {};
    for (const c of h.calls()) if (c.project === project && c.argv[0] === "stack" && c.argv[1] === "tag" && c.argv[2] === "set") tags[c.argv[3]] = c.argv[4];
    return tags;
}

function configSet(h: Harness, project: string): ConfigJson {
    const c = h.calls().find((x) => x.project === project && x.argv[0] === "config" && x.argv[1] === "set-all")!;
    return JSON.parse(c.argv[5]) as ConfigJson;
}

function existingEnv(nonce = "k3x9"): StubState["projects"] {
    const tags = { ...ephemeralStack(42, "2030-01-01T02:00:00.000Z").tags, "platform:name-nonce": nonce };
    return {
        platform: { stacks: { [N]: ephemeralStack(42, "2030-01-01T02:00:00.000Z", { tags, outputs: PLATFORM_OUTPUTS, secretOutputs: ["clusterKubeconfig"], resources: PLATFORM_RESOURCES }) }, current: null },
        "platform-incluster": { stacks: { [N]: ephemeralStack(42, "2030-01-01T02:00:00.000Z", { tags, resources: INCLUSTER_RESOURCES }) }, current: null },
    };
}

describe("automation: ephemeral environments (stubbed pulumi CLI: proves orchestration, not a cloud deploy)", function () {
    this.timeout(30_000);

    describe("up, stack scope (both layers)", () => {
        it("creates the platform stack, then the in-cluster stack of the same name: tags, config, preview, up for each, policy pack on every preview and up", async () => {
            const h = makeHarness({ canned: CANNED });
            const r = await up(h.rt, UP);
            assert.deepEqual(ops(h, MUTATING), [`${P} stack init`, `${P} preview`, `${P} up`, `${K} stack init`, `${K} preview`, `${K} up`]);
            const pp = `${h.projectDir}/policy-pack`;
            for (const c of h.calls().filter((x) => x.argv[0] === "preview" || x.argv[0] === "up")) {
                const i = c.argv.indexOf("--policy-pack");
                assert.deepEqual(c.argv.slice(i, i + 4), ["--policy-pack", pp, "--policy-pack-config", `${pp}/config/dev.json`]);
                assert.deepEqual(c.argv.slice(-3), ["--stack", N, NI]);
            }
            // Each layer runs in its own project directory: the same programs as `pulumi up` there.
            assert.ok(h.calls().filter((c) => c.project === P).every((c) => c.cwd === h.projectDir));
            assert.ok(h.calls().filter((c) => c.project === K).every((c) => c.cwd === path.join(h.projectDir, "incluster")));
            for (const project of [P, K]) {
                const tags = tagsSet(h, project);
                assert.match(tags["platform:name-nonce"], /^[a-z0-9]{4}$/);
                assert.deepEqual({ ...tags, "platform:name-nonce": "x" }, {
                    "platform:ephemeral": "true",
                    "platform:pr": "42",
                    "platform:cloud": "aws",
                    "platform:scope": "stack",
                    "platform:owner": "alice",
                    "platform:created-at": "2030-01-01T00:00:00.000Z",
                    "platform:expires-at": "2030-01-01T08:00:00.000Z",
                    "platform:name-nonce": "x",
                });
            }
            assert.equal(tagsSet(h, P)["platform:name-nonce"], tagsSet(h, K)["platform:name-nonce"]);
            assert.match(r.summary, /^ephemeral-pr42-aws: up in \d+s; platform 3 created, 0 updated, 0 unchanged; in-cluster 4 created, 0 updated, 0 unchanged; expires 2030-01-01T08:00:00\.000Z; /);
            assert.match(r.summary, /secrets: argocdAdminPassword, clusterKubeconfig \(pulumi stack output <name> --show-secrets -s ephemeral-pr42-aws\)$/);
            assert.ok(!r.summary.includes("apiVersion"), "a secret output must not be printed");
        });

        it("config: platform = dev + isolated overrides (prefix with the nonce, its own /16, owner, TTL tags, smaller pools); in-cluster = dev's + the PR's GitOps path and revision; secure values not copied", async () => {
            const h = makeHarness({ canned: CANNED });
            await up(h.rt, UP);
            const cfg = configSet(h, P);
            const nonce = tagsSet(h, P)["platform:name-nonce"];
            assert.equal(cfg["platform:region"].value, "eu-west-1");
            assert.equal(cfg["platform:environment"].value, "dev");
            assert.equal(cfg["platform:namePrefix"].value, `eph-pr42-aws-${nonce}`);
            assert.deepEqual(cfg["platform:network"].objectValue, { cidr: "10.170.0.0/16", zones: 2 });
            assert.equal(prNetworkCidr(42), "10.170.0.0/16");
            assert.equal(cfg["platform:owner"].value, "alice");
            assert.deepEqual(cfg["platform:tags"].objectValue, { team: "platform", ephemeral: "true", pr: "42", ttl: "8h", "expires-at": String(Date.parse("2030-01-01T08:00:00Z") / 1000) });
            assert.deepEqual((cfg["platform:cluster"].objectValue as Record<string, any>).nodePools, {
                workload: { instanceType: "m6i.large", minSize: 1, maxSize: 2, desiredSize: 1 },
                system: { minSize: 1, desiredSize: 1, maxSize: 2 },
            });
            assert.equal(cfg["platform:legacySecret"], undefined);
            const k = configSet(h, K);
            assert.equal(k["platform-incluster:environment"].value, "dev");
            assert.deepEqual((k["platform-incluster:addons"].objectValue as Record<string, any>).gitops, {
                repoUrl: "https://github.com/example-org/platform-gitops.git",
                path: prGitopsPath(42),
                revision: "refs/pull/42/head",
            });
            assert.equal(k["platform-incluster:platformStack"], undefined, "reads the ephemeral platform stack of the same name, never dev's");
            assert.equal(k["platform-incluster:slackWebhookUrl"], undefined);
            assert.ok(h.logs.some((l) => l.includes("not copied from dev-aws") && l.includes("platform-incluster:slackWebhookUrl")));
        });

        it("PR networks never overlap each other (within 128 PRs) or the shipped stacks' 10.20-10.70 blocks", () => {
            const cidrs = new Set(Array.from({ length: 128 }, (_, i) => prNetworkCidr(1000 + i)));
            assert.equal(cidrs.size, 128);
            for (const c of cidrs) assert.ok(Number(c.split(".")[1]) >= 128, c);
        });

        it("a push updates the same stacks: created-at and the name nonce kept, expires-at extended from now", async () => {
            const h = makeHarness({ canned: CANNED, projects: existingEnv("k3x9") });
            h.setNow(new Date("2030-01-01T01:00:00.000Z"));
            await up(h.rt, UP);
            assert.deepEqual(ops(h, MUTATING), [`${P} preview`, `${P} up`, `${K} preview`, `${K} up`]);
            assert.equal(tagsSet(h, P)["platform:created-at"], "2029-12-31T16:00:00.000Z");
            assert.equal(tagsSet(h, P)["platform:expires-at"], "2030-01-01T09:00:00.000Z");
            assert.equal(configSet(h, P)["platform:namePrefix"].value, "eph-pr42-aws-k3x9");
        });

        it("refuses to adopt an existing stack of that name that it did not create", async () => {
            const h = makeHarness({ projects: { platform: { stacks: { [N]: { tags: {}, resources: [] } }, current: null } } });
            await assert.rejects(up(h.rt, UP), /refusing to update stack "ephemeral-pr42-aws": it lacks the tag platform:ephemeral=true/);
            assert.deepEqual(ops(h, MUTATING), []);
        });

        it("owner defaults to `pulumi whoami` when neither --owner nor CI variables give one", async () => {
            const h = makeHarness({ canned: CANNED });
            await up(h.rt, { ...UP, owner: undefined });
            assert.deepEqual(h.commands()[0], ["whoami", "--json", NI]);
            assert.equal(tagsSet(h, P)["platform:owner"], "stub-user");
        });

        it("a failed FIRST create is torn down: the in-cluster stack first, then the platform stack, both removed", async () => {
            const h = makeHarness({ canned: CANNED, fail: { "platform-incluster:up": "helm release argocd: timed out" } });
            await assert.rejects(up(h.rt, UP), /first create of ephemeral-pr42-aws failed and was rolled back \(both layers destroyed, stacks removed\): error: helm release argocd: timed out/);
            const after = ops(h, MUTATING);
            assert.deepEqual(after.slice(after.indexOf(`${K} up`) + 1), [`${K} destroy`, `${K} stack rm`, `${P} destroy`, `${P} stack rm`]);
            assert.deepEqual(h.state().projects![P].stacks, {});
            assert.deepEqual(h.state().projects![K].stacks, {});
        });

        it("a failed UPDATE keeps the environment as it was: nothing destroyed, nothing removed, and the error says so", async () => {
            const h = makeHarness({ canned: CANNED, projects: existingEnv(), fail: { "platform:up": "creating EKS node group: AccessDenied" } });
            await assert.rejects(up(h.rt, UP), /update of ephemeral-pr42-aws failed \(error: creating EKS node group: AccessDenied\); the environment is KEPT as it was/);
            assert.deepEqual(ops(h, MUTATING), [`${P} preview`, `${P} up`]);
            assert.ok(h.state().projects![P].stacks[N] && h.state().projects![K].stacks[N]);
        });

        it("a policy violation in the preview of an update changes nothing and keeps the environment", async () => {
            const h = makeHarness({ canned: CANNED, projects: existingEnv(), fail: { "platform:preview": "mandatory policy violation" } });
            await assert.rejects(up(h.rt, UP), /update of ephemeral-pr42-aws failed \(error: mandatory policy violation\); the environment is KEPT/);
            assert.deepEqual(ops(h, MUTATING), [`${P} preview`]);
        });

        it("when the cleanup of a first create fails too, the stacks are kept WITH their tags so reap can retry, and the error says so", async () => {
            const h = makeHarness({ canned: CANNED, fail: { "platform-incluster:up": "boom", "platform:destroy": "network still in use" } });
            await assert.rejects(up(h.rt, UP), (e: Error) => {
                assert.match(e.message, /first create of ephemeral-pr42-aws failed \(error: boom\) AND its cleanup failed \(error: network still in use\)/);
                assert.match(e.message, /npm run env -- reap --cloud aws/);
                return true;
            });
            assert.equal(h.state().projects![P].stacks[N].tags!["platform:ephemeral"], "true");
        });

        it("a concurrent update (409) is busy, never a failure to clean up: nothing destroyed, exit 75", async () => {
            const h = makeHarness({ canned: CANNED, fail: { "platform:up": { concurrent: true } } });
            const errs: string[] = [];
            const code = await main(["up", "--pr", "42", "--cloud", "aws", "--route", "direct", "--owner", "alice"], { ...h.rt, log: (l) => errs.push(l) });
            assert.equal(code, EXIT_BUSY);
            assert.match(errs.join("\n"), /busy: ephemeral-pr42-aws is busy: another update holds it \(error: \[409\] Conflict: Another update is currently in progress\.\)\. Nothing was changed or destroyed; retry later/);
            assert.deepEqual(ops(h, (c) => c.argv[0] === "destroy" || (c.argv[0] === "stack" && c.argv[1] === "rm")), []);
        });

        it("a lock a cancelled job left (DIY backend) is busy until `unlock` cancels it on every layer; then the update runs", async () => {
            const projects = existingEnv();
            projects![P].stacks[N].locked = true;
            projects![K].stacks[N].locked = true;
            const h = makeHarness({ canned: CANNED, projects });
            await assert.rejects(up(h.rt, UP), /ephemeral-pr42-aws is busy: another update holds it \(error: the stack is currently locked by 1 lock\(s\)/);
            assert.deepEqual(ops(h, (c) => c.argv[0] === "destroy"), []);
            h.clearCalls();
            assert.equal(await unlock(h.rt, N), `unlocked ${P}/${N}, ${K}/${N}`);
            assert.deepEqual(ops(h, (c) => c.argv[0] === "cancel"), [`${P} cancel`, `${K} cancel`]);
            await up(h.rt, UP);
        });

        it("re-created after a reap, it gets a new name nonce: new physical names, so names the cloud still holds never collide", async () => {
            const h = makeHarness({ canned: CANNED });
            await up(h.rt, UP);
            const first = configSet(h, P)["platform:namePrefix"].value;
            await destroy(h.rt, N, { route: "direct" });
            h.clearCalls();
            await up(h.rt, UP);
            const second = configSet(h, P)["platform:namePrefix"].value;
            assert.match(second, /^eph-pr42-aws-[a-z0-9]{4}$/);
            assert.notEqual(second, first);
        });

        it("an environment created before name nonces is refused with what to do", async () => {
            const projects = existingEnv();
            delete projects![P].stacks[N].tags!["platform:name-nonce"];
            const h = makeHarness({ canned: CANNED, projects });
            await assert.rejects(up(h.rt, UP), /has no platform:name-nonce tag \(created by an older version of this tool\): destroy it/);
        });
    });

    describe("secrets provider and the Pulumi CLI", () => {
        it("--secrets-provider reaches `stack init` of the stacks this run creates", async () => {
            const h = makeHarness({ canned: CANNED });
            const code = await main(["--secrets-provider", "awskms://alias/platform-state?region=eu-west-1", "up", "--pr", "42", "--cloud", "aws", "--route", "direct", "--owner", "a"], h.rt);
            assert.equal(code, 0);
            const inits = h.calls().filter((c) => c.argv[0] === "stack" && c.argv[1] === "init");
            assert.equal(inits.length, 2);
            for (const c of inits) assert.deepEqual(c.argv.slice(2, 5), [N, "--secrets-provider", "awskms://alias/platform-state?region=eu-west-1"]);
        });

        it("accepts the CLI's schemes and refuses anything else with the forms that work", () => {
            for (const ok of ["passphrase", "awskms://1234abcd-12ab-34cd-56ef-1234567890ab?region=eu-west-1", "azurekeyvault://v.vault.azure.net/keys/k", "gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k"]) {
                assert.equal(parseSecretsProvider(ok), ok);
            }
            assert.equal(parseSecretsProvider("default"), undefined);
            assert.throws(() => parseSecretsProvider("vault"), /--secrets-provider "vault" is not a Pulumi secrets provider: use passphrase, awskms:\/\//);
        });

        it("a missing Pulumi CLI is a clear error, never `spawn pulumi ENOENT`", async () => {
            const h = makeHarness({});
            await assert.rejects(checkedPulumi({ root: path.join(h.dir, "no-such-root") }), (e: Error) => {
                assert.match(e.message, /^the Pulumi CLI was not found under .*no-such-root\. Install v\d+\.\d+\.\d+ or newer \(https:\/\/www\.pulumi\.com\/docs\/iac\/download-install\/;/);
                assert.doesNotMatch(e.message, /ENOENT/);
                return true;
            });
        });

        it("a CLI older than the SDK this tool drives is refused up front, naming both versions", async () => {
            const h = makeHarness({});
            process.env.STUB_PULUMI_VERSION = "3.100.0";
            try {
                await assert.rejects(checkedPulumi({ root: h.stubRoot }), new RegExp(`^UsageError: the Pulumi CLI v3\\.100\\.0 is older than v${minimumCliVersion().version.replace(/\./g, "\\.")}, the oldest this tool drives`));
                process.env.STUB_PULUMI_VERSION = minimumCliVersion().version;
                assert.equal((await checkedPulumi({ root: h.stubRoot })).version?.version, minimumCliVersion().version);
            } finally {
                delete process.env.STUB_PULUMI_VERSION;
            }
            void STUB;
        });
    });

    describe("up, namespace scope", () => {
        it("runs an inline program in its own project: preview then up, with the policy pack", async () => {
            const h = makeHarness({});
            const r = await up(h.rt, { ...UP, scope: "namespace", repoUrl: "https://git.example.invalid/platform.git", revision: "0123abc" });
            assert.deepEqual(ops(h, MUTATING), ["platform-pr-namespaces stack init", "platform-pr-namespaces preview", "platform-pr-namespaces up"]);
            const upCall = h.commands().find((c) => c[0] === "up")!;
            assert.ok(upCall.some((a) => /^--client=127\.0\.0\.1:\d+$/.test(a)), "inline programs are served to the CLI over --client");
            assert.ok(upCall.includes("--policy-pack") && upCall.includes(`${h.projectDir}/policy-pack/config/dev.json`));
            assert.equal(tagsSet(h, "platform-pr-namespaces")["platform:scope"], "namespace");
            assert.match(r.summary, /^ephemeral-pr42-aws: up in /);
        });

        it("outside GitHub Actions it needs --repo-url, and says so before touching anything", async () => {
            const h = makeHarness({});
            await assert.rejects(up(h.rt, { ...UP, scope: "namespace" }), /--repo-url is required for --scope namespace/);
            assert.deepEqual(h.calls(), []);
        });
    });

    describe("destroy", () => {
        it("the in-cluster stack first (its objects own load balancers and volumes), then the platform; both removed", async () => {
            const h = makeHarness({ projects: existingEnv() });
            const msg = await destroy(h.rt, N, { route: "direct" });
            assert.deepEqual(ops(h, MUTATING), [`${K} destroy`, `${K} stack rm`, `${P} destroy`, `${P} stack rm`]);
            const streamed = h.engine.join("");
            assert.ok(streamed.indexOf("grafana-lb deleted") < streamed.indexOf("vpc deleted"));
            assert.match(msg, /^ephemeral-pr42-aws: destroyed and removed in /);
        });

        it("if the cluster is already gone, the in-cluster state is dropped with PULUMI_K8S_DELETE_UNREACHABLE (nothing left in it can own a cloud resource)", async () => {
            const projects = existingEnv();
            projects![P].stacks[N].resources = [];
            projects![P].stacks[N].outputs = {};
            const h = makeHarness({ projects });
            await destroy(h.rt, N, { route: "direct" });
            const d = h.calls().find((c) => c.project === K && c.argv[0] === "destroy")!;
            assert.equal(d.env.PULUMI_K8S_DELETE_UNREACHABLE, "true");
            assert.equal(h.calls().find((c) => c.project === P && c.argv[0] === "destroy")!.env.PULUMI_K8S_DELETE_UNREACHABLE, undefined);
        });

        it("AKS: an unreachable API does not block teardown (its load balancers and disks go with the node resource group); EKS/GKE: it does", async () => {
            const azure = (): StubState["projects"] => {
                const p = existingEnv();
                for (const project of [P, K]) {
                    const s = p![project].stacks[N];
                    p![project].stacks["ephemeral-pr42-azure"] = { ...s, tags: { ...s.tags, "platform:cloud": "azure" } };
                    delete p![project].stacks[N];
                }
                return p;
            };
            const unreachable = "configured Kubernetes cluster is unreachable: dial tcp: i/o timeout";
            const h = makeHarness({ projects: azure(), fail: { "platform-incluster:destroy": { message: unreachable, times: 1 } } });
            await destroy(h.rt, "ephemeral-pr42-azure");
            const kd = h.calls().filter((c) => c.project === K && c.argv[0] === "destroy");
            assert.deepEqual(kd.map((c) => c.env.PULUMI_K8S_DELETE_UNREACHABLE), [undefined, "true"]);
            assert.deepEqual(h.state().projects![P].stacks, {});
            const aws = makeHarness({ projects: existingEnv(), fail: { "platform-incluster:destroy": { message: unreachable, times: 1 } } });
            await assert.rejects(destroy(aws.rt, N, { route: "direct" }), /configured Kubernetes cluster is unreachable/);
            assert.ok(aws.state().projects![P].stacks[N], "the EKS network is not destroyed under stranded load balancers");
        });

        it("refuses a non-ephemeral stack name before any CLI call", async () => {
            for (const name of ["dev-aws", "prod-gcp", "ephemeral-pr42-mars", "ephemeral-prX-aws", "org/platform/prod-aws"]) {
                const h = makeHarness({});
                await assert.rejects(destroy(h.rt, name), new RegExp(`refusing to destroy stack "${name.replace(/[/.]/g, "\\$&")}": it is not an ephemeral stack`));
                assert.deepEqual(h.calls(), [], name);
            }
        });

        it("refuses an ephemeral-looking stack without our tag: reads only, destroys nothing", async () => {
            const h = makeHarness({ projects: { platform: { stacks: { [N]: { tags: { "platform:pr": "42" }, resources: PLATFORM_RESOURCES } }, current: null } } });
            await assert.rejects(destroy(h.rt, N), /lacks the tag platform:ephemeral=true/);
            assert.deepEqual(ops(h, MUTATING), []);
        });

        it("a stack that does not exist is a clear error", async () => {
            const h = makeHarness({});
            await assert.rejects(destroy(h.rt, N), /no stack named "ephemeral-pr42-aws" in project platform, platform-incluster or platform-pr-namespaces: nothing to destroy/);
        });
    });

    describe("list and reap", () => {
        const world = (): StubState => ({
            projects: {
                platform: {
                    current: null,
                    stacks: {
                        "dev-aws": { tags: { "platform:ephemeral": "true", "platform:expires-at": "2000-01-01T00:00:00Z" }, resources: PLATFORM_RESOURCES },
                        "ephemeral-pr1-aws": ephemeralStack(1, "2029-12-31T23:00:00.000Z", { resources: PLATFORM_RESOURCES, outputs: PLATFORM_OUTPUTS }),
                        "ephemeral-pr2-aws": ephemeralStack(2, "2030-01-01T05:00:00.000Z"),
                        "ephemeral-pr3-aws": { tags: { "platform:expires-at": "2000-01-01T00:00:00Z" }, resources: [] },
                        "ephemeral-pr4-aws": ephemeralStack(4, "not-a-date"),
                        "ephemeral-pr6-gcp": { ...ephemeralStack(6, "2029-01-01T00:00:00.000Z"), tags: { ...ephemeralStack(6, "x").tags, "platform:cloud": "gcp", "platform:expires-at": "2029-01-01T00:00:00.000Z" } },
                    },
                },
                "platform-incluster": {
                    current: null,
                    stacks: { "ephemeral-pr1-aws": ephemeralStack(1, "2029-12-31T23:00:00.000Z", { resources: INCLUSTER_RESOURCES }) },
                },
                "platform-pr-namespaces": {
                    current: null,
                    stacks: { "ephemeral-pr5-aws": ephemeralStack(5, "2030-01-01T00:00:00.000Z") },
                },
            },
        });

        it("list shows every ephemeral-named stack with PR, owner, expiry (one row per environment); never dev-aws; --cloud filters", async () => {
            const h = makeHarness(world());
            const rows = await list(h.rt);
            assert.deepEqual(
                rows.map((r) => [r.stack, r.scope, r.pr, r.owner, r.expiresAt, r.managed, r.expired]),
                [
                    ["ephemeral-pr1-aws", "stack", 1, "alice", "2029-12-31T23:00:00.000Z", true, true],
                    ["ephemeral-pr2-aws", "stack", 2, "alice", "2030-01-01T05:00:00.000Z", true, false],
                    ["ephemeral-pr3-aws", "stack", 3, undefined, "2000-01-01T00:00:00Z", false, true],
                    ["ephemeral-pr4-aws", "stack", 4, "alice", "not-a-date", true, false],
                    ["ephemeral-pr6-gcp", "stack", 6, "alice", "2029-01-01T00:00:00.000Z", true, true],
                    ["ephemeral-pr5-aws", "namespace", 5, "alice", "2030-01-01T00:00:00.000Z", true, true],
                ],
            );
            assert.ok(!h.commands().some((c) => c.includes("dev-aws")), "list does not even read a platform stack's tags");
            assert.deepEqual((await list(h.rt, "gcp")).map((r) => r.stack), ["ephemeral-pr6-gcp"]);
        });

        it("reap selection: ours AND expired (expiry == now counts); untagged and undated are skipped with a reason", async () => {
            const h = makeHarness(world());
            const sel = selectForReap(await list(h.rt, "aws"));
            assert.deepEqual(sel.reap.map((r) => r.stack), ["ephemeral-pr1-aws", "ephemeral-pr5-aws"]);
            assert.deepEqual(sel.skipped.map((s) => [s.row.stack, s.reason]), [
                ["ephemeral-pr3-aws", "no platform:ephemeral=true tag: not created by this tool"],
                ["ephemeral-pr4-aws", "no valid platform:expires-at tag: destroy it explicitly"],
            ]);
        });

        it("reap --cloud aws destroys exactly aws's expired environments (both layers), and nothing of another cloud", async () => {
            const h = makeHarness(world());
            const r = await reap(h.rt, "aws", { route: "direct" });
            assert.deepEqual(r.reaped, ["ephemeral-pr1-aws", "ephemeral-pr5-aws"]);
            assert.deepEqual(ops(h, MUTATING), [
                `${K} destroy`,
                `${K} stack rm`,
                `${P} destroy`,
                `${P} stack rm`,
                "platform-pr-namespaces destroy",
                "platform-pr-namespaces stack rm",
            ]);
            const left = h.state().projects!;
            assert.deepEqual(Object.keys(left.platform.stacks), ["dev-aws", "ephemeral-pr2-aws", "ephemeral-pr3-aws", "ephemeral-pr4-aws", "ephemeral-pr6-gcp"]);
        });

        it("a busy environment is left for the next run (not a failure); one failing does not stop the others", async () => {
            const w = world();
            w.projects!.platform.stacks["ephemeral-pr1-aws"].locked = true;
            w.projects!["platform-incluster"].stacks["ephemeral-pr1-aws"].locked = true;
            const h = makeHarness(w);
            const r = await reap(h.rt, "aws", { route: "direct" });
            assert.deepEqual(r.busy, ["ephemeral-pr1-aws"]);
            assert.deepEqual(r.failed, []);
            assert.deepEqual(r.reaped, ["ephemeral-pr5-aws"]);
            assert.ok(h.state().projects!.platform.stacks["ephemeral-pr1-aws"], "kept for the next run");
        });

        it("a failed teardown is reported and the others still go", async () => {
            const h = makeHarness({ ...world(), fail: { "platform-incluster:destroy": { message: "timeout deleting Service", times: 1 } } });
            const r = await reap(h.rt, "aws", { route: "direct" });
            assert.deepEqual(r.reaped, ["ephemeral-pr5-aws"]);
            assert.deepEqual(r.failed, [{ stack: "ephemeral-pr1-aws", error: "error: timeout deleting Service" }]);
        });

        it("a lease extended between list and destroy wins", async () => {
            const h = makeHarness(world());
            const rows = selectForReap(await list(h.rt, "aws"));
            const s = h.state();
            s.projects!.platform.stacks["ephemeral-pr1-aws"].tags!["platform:expires-at"] = "2030-01-02T00:00:00.000Z";
            h.writeState(s);
            assert.ok(rows.reap.some((r) => r.stack === "ephemeral-pr1-aws"));
            const r = await reap(h.rt, "aws", { route: "direct" });
            assert.ok(!r.reaped.includes("ephemeral-pr1-aws"));
        });

        it("reap needs --cloud (each cloud's reap runs with its own credentials)", async () => {
            const h = makeHarness(world());
            const errs: string[] = [];
            assert.equal(await main(["reap"], { ...h.rt, log: (l) => errs.push(l) }), 2);
            assert.match(errs.join("\n"), /required option '--cloud <cloud>' not specified/);
        });
    });

    describe("TTL parsing and expiry", () => {
        const H = 3_600_000;
        for (const [input, ms] of [
            ["15m", 15 * 60_000],
            ["90m", 90 * 60_000],
            ["8h", 8 * H],
            ["2d", 48 * H],
            ["1d12h", 36 * H],
            ["1h30m", 90 * 60_000],
            ["7d", 168 * H],
        ] as const) {
            it(`"${input}" = ${ms} ms`, () => assert.equal(parseTtl(input), ms));
        }
        for (const bad of ["", "8", "h", "8H", "-1h", "1.5h", "8 h", "30s", "1w", "12m1h", "1h1h", "8h "]) {
            it(`"${bad}" is malformed`, () => assert.throws(() => parseTtl(bad), { message: `--ttl "${bad}" is malformed: use e.g. "90m", "8h", "2d" or "1d12h" (units m, h, d; between 15m and 7d).` }));
        }
        for (const out of ["14m", "0h", "7d1m", "8d"]) {
            it(`"${out}" is out of range`, () => assert.throws(() => parseTtl(out), /is out of range/));
        }
        it("the default is 8h", () => assert.equal(parseTtl(undefined), 8 * H));
        it("expiry = now + TTL, tagged in ISO 8601 and as label-safe Unix seconds in the cloud tags", async () => {
            const h = makeHarness({ canned: CANNED });
            await up(h.rt, { ...UP, ttl: "1d12h", ttlMs: parseTtl("1d12h") });
            assert.equal(tagsSet(h, P)["platform:expires-at"], new Date(NOW.getTime() + 36 * H).toISOString());
            assert.equal((configSet(h, P)["platform:tags"].objectValue as Record<string, string>)["expires-at"], String((NOW.getTime() + 36 * H) / 1000));
        });
    });
});

describe("automation: teardown through a tunnel route (real ssh2, stubbed cloud CLI)", function () {
    this.timeout(30_000);
    let bastion: Bastion;
    before(async () => {
        bastion = await startBastion();
    });
    after(async () => bastion.close());

    it("destroys the in-cluster stack with PLATFORM_KUBE_PROXY_URL through the SSM route, the platform stack without", async () => {
        const projects = existingEnv();
        projects![P].stacks[N].outputs = {
            ...PLATFORM_OUTPUTS,
            bastionSshUser: "ops",
            bastionPrivateKeyPem: bastion.clientKey,
            bastionHostKeyFingerprint: bastion.fingerprint,
            bastionTunnelTarget: "i-0123456789abcdef0",
        };
        const h = makeHarness({ projects });
        const transport = path.join(__dirname, "stub", "transport.js");
        await destroy(h.rt, N, {
            route: "ssm",
            routeOptions: { spawn: (command, args, env) => spawn(process.execPath, [transport, command, ...args], { stdio: ["pipe", "pipe", "pipe"], env: { ...env, STUB_BASTION_PORT: String(bastion.port) } }) },
        });
        const kd = h.calls().find((c) => c.project === K && c.argv[0] === "destroy")!;
        assert.match(kd.env.PLATFORM_KUBE_PROXY_URL, /^socks5:\/\/127\.0\.0\.1:\d+$/);
        assert.equal(h.calls().find((c) => c.project === P && c.argv[0] === "destroy")!.env.PLATFORM_KUBE_PROXY_URL, undefined);
    });
});
