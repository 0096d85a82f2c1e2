/**
 * Ephemeral environments through the REAL Automation API SDK driving a STUB `pulumi` executable.
 * What these tests prove: our orchestration (exact command lines, order, tags, config, policy
 * pack flags, cleanup and refusals). What they do not prove: that a real CLI, backend or cloud
 * accepts them, or that the platform program deploys. No cloud deploy runs here.
 */
import * as assert from "node:assert/strict";

import { ConfigJson } from "../../automation/config";
import { destroy, list, reap, selectForReap, up, UpArgs } from "../../automation/ephemeral";
import { parseTtl } from "../../automation/names";
import { ephemeralStack, Harness, makeHarness, NOW, urn } from "./harness";

const N = "ephemeral-pr42-aws";
const R = (type: string, name: string) => ({ urn: urn(type, name, "platform", N), type });
const RESOURCES = [
    R("pulumi:providers:aws", "aws"),
    R("aws:ec2/vpc:Vpc", "vpc"),
    R("aws:eks/cluster:Cluster", "eks"),
    R("pulumi:providers:kubernetes", "k8s"),
    R("kubernetes:helm.sh/v3:Release", "ingress-nginx"),
    R("kubernetes:core/v1:Service", "grafana-lb"),
    R("kubernetes:core/v1:PersistentVolumeClaim", "prometheus-data"),
];
const IN_CLUSTER = RESOURCES.filter((r) => r.type.startsWith("kubernetes:")).map((r) => r.urn);
const CANNED = {
    outputs: { clusterEndpoint: "https://eks.example.invalid", bastionPublicIp: "198.51.100.7", clusterKubeconfig: "apiVersion: v1" },
    secretOutputs: ["clusterKubeconfig"],
    resources: RESOURCES,
};
const UP: UpArgs = { pr: 42, cloud: "aws", ttl: "8h", ttlMs: 8 * 3_600_000, scope: "stack", owner: "Alice" };
const NI = "--non-interactive";

function tagCommands(h: Harness): Record<string, string> {
    const tags: Record<string, string> = {};
    for (const c of h.commands()) if (c[0] === "stack" && c[1] === "tag" && c[2] === "set") tags[c[3]] = c[4];
    return tags;
}

describe("automation (stubbed pulumi CLI: proves orchestration, not a cloud deploy)", function () {
    this.timeout(20_000);

    describe("up, stack scope", () => {
        it("runs stack init, tags, one config set-all, up with the policy pack, in that order", async () => {
            const h = makeHarness({ canned: CANNED });
            const r = await up(h.rt, UP);
            const pp = `${h.projectDir}/policy-pack`;
            assert.deepEqual(h.commands().map((c) => c.slice(0, 3).join(" ")), [
                "stack ls --json",
                `stack init ${N}`,
                ...Array(7).fill("stack tag set"),
                `config set-all --stack`,
                "up --yes --skip-preview",
                "stack output --json",
                "stack output --json",
                "stack history --json",
            ]);
            const upCall = h.commands().find((c) => c[0] === "up");
            assert.deepEqual(upCall, [
                "up", "--yes", "--skip-preview", "--message", "ephemeral environment for PR #42",
                "--policy-pack", pp, "--policy-pack-config", `${pp}/config/dev.json`,
                "--exec-kind", "auto.local", "--stack", N, NI,
            ]);
            // Every CLI call ran in the project directory: the same program as `pulumi up`.
            assert.ok(h.calls().every((c) => c.cwd === h.projectDir && c.project === "platform"));
            assert.deepEqual(tagCommands(h), {
                "platform:ephemeral": "true",
                "platform:pr": "42",
                "platform:cloud": "aws",
                "platform:scope": "stack",
                "platform:owner": "alice",
                "platform:created-at": "2030-01-01T00:00:00.000Z",
                "platform:expires-at": "2030-01-01T08:00:00.000Z",
            });
            assert.match(r.summary, /^ephemeral-pr42-aws: up in 12m34s, 7 created, 0 updated, 0 unchanged; expires 2030-01-01T08:00:00.000Z; /);
            assert.match(r.summary, /outputs: bastionPublicIp=198\.51\.100\.7 clusterEndpoint=https:\/\/eks\.example\.invalid;/);
            assert.match(r.summary, /secrets: clusterKubeconfig \(pulumi stack output <name> --show-secrets -s ephemeral-pr42-aws\)$/);
            assert.ok(!r.summary.includes("apiVersion"), "a secret output must not be printed");
        });

        it("streams the engine's output while it runs", async () => {
            const h = makeHarness({ canned: CANNED });
            await up(h.rt, UP);
            const streamed = h.engine.join("");
            assert.match(streamed, /Updating \(ephemeral-pr42-aws\)/);
            assert.match(streamed, /kubernetes:core\/v1:Service grafana-lb created/);
        });

        it("config = dev stack file + the isolated overrides (name prefix, owner, TTL tags, smaller pools); secure values not copied", async () => {
            const h = makeHarness({ canned: CANNED });
            await up(h.rt, UP);
            const setAll = h.commands().find((c) => c[0] === "config")!;
            assert.deepEqual(setAll.slice(0, 5), ["config", "set-all", "--stack", N, "--json"]);
            const cfg = JSON.parse(setAll[5]) as ConfigJson;
            assert.equal(cfg["platform:region"].value, "eu-west-1");
            assert.equal(cfg["platform:environment"].value, "dev");
            assert.equal(cfg["platform:namePrefix"].value, "eph-pr42-aws");
            assert.equal(cfg["platform:owner"].value, "alice");
            assert.deepEqual(cfg["platform:tags"].objectValue, { team: "platform", ephemeral: "true", pr: "42", ttl: "8h", "expires-at": String(Date.parse("2030-01-01T08:00:00Z") / 1000) });
            assert.deepEqual(cfg["platform:cluster"].objectValue, {
                endpointAccess: "restricted",
                authorizedCidrs: ["203.0.113.0/24"],
                nodePools: {
                    workload: { instanceType: "m6i.large", minSize: 1, maxSize: 2, desiredSize: 1 },
                    system: { minSize: 1, desiredSize: 1, maxSize: 2 },
                },
            });
            assert.equal(JSON.parse(cfg["platform:cluster"].value).nodePools.workload.maxSize, 2, "value and objectValue agree");
            assert.equal(cfg["platform:grafanaAdminPassword"], undefined);
            assert.ok(h.logs.some((l) => l.includes("not copied from dev-aws") && l.includes("platform:grafanaAdminPassword")));
        });

        it("a push to the PR updates the same stack: created-at kept, expires-at extended from now", async () => {
            const h = makeHarness({
                canned: CANNED,
                projects: { platform: { stacks: { [N]: ephemeralStack(42, "2030-01-01T02:00:00.000Z") }, current: null } },
            });
            h.setNow(new Date("2030-01-01T01:00:00.000Z"));
            await up(h.rt, UP);
            assert.deepEqual(h.commands().slice(0, 3), [
                ["stack", "ls", "--json", NI],
                ["stack", "tag", "ls", "--json", "--stack", N, NI],
                ["stack", "select", "--stack", N, NI],
            ]);
            assert.equal(tagCommands(h)["platform:created-at"], "2029-12-31T16:00:00.000Z");
            assert.equal(tagCommands(h)["platform:expires-at"], "2030-01-01T09:00:00.000Z");
        });

        it("refuses to adopt an existing stack of that name that it did not create", async () => {
            const h = makeHarness({ projects: { platform: { stacks: { [N]: { tags: {}, resources: [] } }, current: null } } });
            await assert.rejects(up(h.rt, UP), /refusing to update stack "ephemeral-pr42-aws": it lacks the tag platform:ephemeral=true/);
            assert.deepEqual(h.commands(), [
                ["stack", "ls", "--json", NI],
                ["stack", "tag", "ls", "--json", "--stack", N, NI],
            ]);
        });

        it("owner defaults to `pulumi whoami` when neither --owner nor CI variables give one", async () => {
            const h = makeHarness({ canned: CANNED });
            await up(h.rt, { ...UP, owner: undefined });
            assert.deepEqual(h.commands()[0], ["whoami", "--json", NI]);
            assert.equal(tagCommands(h)["platform:owner"], "stub-user");
        });

        it("a failed up is destroyed (in-cluster first) and its stack removed: no orphans", async () => {
            const h = makeHarness({ canned: CANNED, fail: { up: "update failed: creating EKS node group: AccessDenied" } });
            await assert.rejects(up(h.rt, UP), /up of ephemeral-pr42-aws failed and was rolled back \(destroyed, stack removed\): error: update failed: creating EKS node group: AccessDenied/);
            const after = h.commands().slice(h.commands().findIndex((c) => c[0] === "up") + 1);
            assert.deepEqual(after, [
                ["stack", "export", "--show-secrets", "--stack", N, NI],
                ["destroy", "--yes", "--skip-preview", ...IN_CLUSTER.flatMap((u) => ["--target", u]), "--target-dependents", "--exec-kind", "auto.local", "--stack", N, NI],
                ["stack", "history", "--json", "--show-secrets", "--page-size", "1", "--page", "1", "--stack", N, NI],
                ["destroy", "--yes", "--skip-preview", "--exec-kind", "auto.local", "--stack", N, NI],
                ["stack", "history", "--json", "--show-secrets", "--page-size", "1", "--page", "1", "--stack", N, NI],
                ["stack", "rm", "--yes", N, NI],
            ]);
            assert.deepEqual(h.state().projects!.platform.stacks, {});
        });

        it("when the cleanup fails too, the stack is kept WITH its tags so reap can retry, and the error says so", async () => {
            const h = makeHarness({ canned: CANNED, fail: { up: "boom", destroy: "network still in use" } });
            await assert.rejects(up(h.rt, UP), (e: Error) => {
                assert.match(e.message, /up of ephemeral-pr42-aws failed \(error: boom\) AND its cleanup failed \(error: network still in use\)/);
                assert.match(e.message, /npm run env -- reap/);
                return true;
            });
            const kept = h.state().projects!.platform.stacks[N];
            assert.equal(kept.tags!["platform:ephemeral"], "true");
            assert.ok(!h.commands().some((c) => c[0] === "stack" && c[1] === "rm"));
        });
    });

    describe("up, namespace scope", () => {
        it("runs an inline program in its own project, with the policy pack, in seconds", async () => {
            const h = makeHarness({});
            const r = await up(h.rt, { ...UP, scope: "namespace", repoUrl: "https://git.example.invalid/platform.git", revision: "0123abc" });
            const upCall = h.commands().find((c) => c[0] === "up")!;
            assert.ok(upCall.some((a) => /^--client=127\.0\.0\.1:\d+$/.test(a)), "inline programs are served to the CLI over --client");
            assert.deepEqual(upCall.slice(upCall.indexOf("--exec-kind"), upCall.indexOf("--exec-kind") + 2), ["--exec-kind", "auto.inline"]);
            assert.ok(upCall.includes("--policy-pack") && upCall.includes(`${h.projectDir}/policy-pack/config/dev.json`));
            assert.ok(h.calls().filter((c) => c.argv[0] !== "version").every((c) => c.project === "platform-pr-namespaces"));
            assert.equal(tagCommands(h)["platform:scope"], "namespace");
            assert.ok(!h.commands().some((c) => c[0] === "config"), "the inline program takes no stack config");
            assert.match(r.summary, /^ephemeral-pr42-aws: up in /);
        });

        it("outside GitHub Actions it needs --repo-url, and says so before touching anything", async () => {
            const h = makeHarness({});
            await assert.rejects(up(h.rt, { ...UP, scope: "namespace" }), /--repo-url is required for --scope namespace/);
            assert.deepEqual(h.calls(), []);
        });
    });

    describe("destroy", () => {
        it("in-cluster objects first, then the rest, then stack rm", async () => {
            const h = makeHarness({ projects: { platform: { stacks: { [N]: ephemeralStack(42, "2030-01-01T08:00:00Z", { resources: RESOURCES }) }, current: null } } });
            const msg = await destroy(h.rt, N);
            const mutating = h.commands().filter((c) => c[0] === "destroy" || (c[0] === "stack" && c[1] === "rm"));
            assert.deepEqual(mutating, [
                ["destroy", "--yes", "--skip-preview", ...IN_CLUSTER.flatMap((u) => ["--target", u]), "--target-dependents", "--exec-kind", "auto.local", "--stack", N, NI],
                ["destroy", "--yes", "--skip-preview", "--exec-kind", "auto.local", "--stack", N, NI],
                ["stack", "rm", "--yes", N, NI],
            ]);
            // The stub records what each destroy removed: the VPC went in the second one only.
            const streamed = h.engine.join("");
            assert.ok(streamed.indexOf("grafana-lb deleted") < streamed.indexOf("vpc deleted"));
            assert.match(msg, /^ephemeral-pr42-aws: destroyed and removed in /);
        });

        it("without in-cluster objects it skips the targeted pass", async () => {
            const h = makeHarness({ projects: { platform: { stacks: { [N]: ephemeralStack(42, "2030-01-01T08:00:00Z", { resources: [R("aws:ec2/vpc:Vpc", "vpc")] }) }, current: null } } });
            await destroy(h.rt, N);
            assert.equal(h.commands().filter((c) => c[0] === "destroy").length, 1);
        });

        it("refuses a non-ephemeral stack name before any CLI call", async () => {
            for (const name of ["dev-aws", "prod-gcp", "ephemeral-pr42-mars", "ephemeral-prX-aws", "org/platform/prod-aws"]) {
                const h = makeHarness({});
                await assert.rejects(destroy(h.rt, name), new RegExp(`refusing to destroy stack "${name.replace(/[/.]/g, "\\$&")}": it is not an ephemeral stack`));
                assert.deepEqual(h.calls(), [], name);
            }
        });

        it("refuses an ephemeral-looking stack without our tag: reads only, destroys nothing", async () => {
            const h = makeHarness({ projects: { platform: { stacks: { [N]: { tags: { "platform:pr": "42" }, resources: RESOURCES } }, current: null } } });
            await assert.rejects(destroy(h.rt, N), /lacks the tag platform:ephemeral=true/);
            assert.deepEqual(h.commands(), [
                ["stack", "ls", "--json", NI],
                ["stack", "tag", "ls", "--json", "--stack", N, NI],
            ]);
        });

        it("a stack that does not exist is a clear error", async () => {
            const h = makeHarness({});
            await assert.rejects(destroy(h.rt, N), /no stack named "ephemeral-pr42-aws" in project platform or platform-pr-namespaces: nothing to destroy/);
        });
    });

    describe("list and reap", () => {
        const world = () => ({
            projects: {
                platform: {
                    current: null,
                    stacks: {
                        "dev-aws": { tags: { "platform:ephemeral": "true", "platform:expires-at": "2000-01-01T00:00:00Z" }, resources: RESOURCES },
                        "ephemeral-pr1-aws": ephemeralStack(1, "2029-12-31T23:00:00.000Z", { resources: RESOURCES }),
                        "ephemeral-pr2-aws": ephemeralStack(2, "2030-01-01T05:00:00.000Z"),
                        "ephemeral-pr3-aws": { tags: { "platform:expires-at": "2000-01-01T00:00:00Z" }, resources: [] },
                        "ephemeral-pr4-aws": ephemeralStack(4, "not-a-date"),
                    },
                },
                "platform-pr-namespaces": {
                    current: null,
                    stacks: { "ephemeral-pr5-gcp": ephemeralStack(5, "2030-01-01T00:00:00.000Z") },
                },
            },
        });

        it("list shows every ephemeral-named stack of both projects with PR, owner, expiry; never dev-aws", async () => {
            const h = makeHarness(world());
            const rows = await list(h.rt);
            assert.deepEqual(
                rows.map((r) => [r.stack, r.scope, r.pr, r.owner, r.expiresAt, r.managed, r.expired]),
                [
                    ["ephemeral-pr1-aws", "stack", 1, "alice", "2029-12-31T23:00:00.000Z", true, true],
                    ["ephemeral-pr2-aws", "stack", 2, "alice", "2030-01-01T05:00:00.000Z", true, false],
                    ["ephemeral-pr3-aws", "stack", 3, undefined, "2000-01-01T00:00:00Z", false, true],
                    ["ephemeral-pr4-aws", "stack", 4, "alice", "not-a-date", true, false],
                    ["ephemeral-pr5-gcp", "namespace", 5, "alice", "2030-01-01T00:00:00.000Z", true, true],
                ],
            );
            assert.ok(!h.commands().some((c) => c.includes("dev-aws")), "list does not even read a platform stack's tags");
        });

        it("reap selection: ours AND expired (expiry == now counts); untagged and undated are skipped with a reason", async () => {
            const h = makeHarness(world());
            const sel = selectForReap(await list(h.rt));
            assert.deepEqual(sel.reap.map((r) => r.stack), ["ephemeral-pr1-aws", "ephemeral-pr5-gcp"]);
            assert.deepEqual(sel.skipped.map((s) => [s.row.stack, s.reason]), [
                ["ephemeral-pr3-aws", "no platform:ephemeral=true tag: not created by this tool"],
                ["ephemeral-pr4-aws", "no valid platform:expires-at tag: destroy it explicitly"],
            ]);
        });

        it("reap destroys and removes exactly the expired ones, in both projects, and nothing else", async () => {
            const h = makeHarness(world());
            const r = await reap(h.rt);
            assert.deepEqual(r.reaped, ["ephemeral-pr1-aws", "ephemeral-pr5-gcp"]);
            const removed = h.commands().filter((c) => c[0] === "stack" && c[1] === "rm").map((c) => c[3]);
            assert.deepEqual(removed, ["ephemeral-pr1-aws", "ephemeral-pr5-gcp"]);
            const destroyed = new Set(h.commands().filter((c) => c[0] === "destroy").map((c) => c[c.indexOf("--stack") + 1]));
            assert.deepEqual([...destroyed], ["ephemeral-pr1-aws", "ephemeral-pr5-gcp"]);
            const left = h.state().projects!;
            assert.deepEqual(Object.keys(left.platform.stacks), ["dev-aws", "ephemeral-pr2-aws", "ephemeral-pr3-aws", "ephemeral-pr4-aws"]);
            assert.deepEqual(Object.keys(left["platform-pr-namespaces"].stacks), []);
        });

        it("one failing environment does not stop the others; the failure is reported", async () => {
            const h = makeHarness({ ...world(), fail: { "destroy --target": { message: "timeout deleting Service", times: 1 } } });
            const r = await reap(h.rt);
            assert.deepEqual(r.reaped, ["ephemeral-pr5-gcp"]);
            assert.deepEqual(r.failed, [{ stack: "ephemeral-pr1-aws", error: "error: timeout deleting Service" }]);
            assert.ok(h.state().projects!.platform.stacks["ephemeral-pr1-aws"], "the failed one is kept for the next run");
        });

        it("a lease extended between list and destroy wins", async () => {
            const h = makeHarness(world());
            h.setNow(new Date("2030-01-01T00:00:00.000Z"));
            // Re-tag pr1 as if a push extended it after the list was taken.
            const s = h.state();
            const rows = selectForReap(await list(h.rt));
            s.projects!.platform.stacks["ephemeral-pr1-aws"].tags!["platform:expires-at"] = "2030-01-02T00:00:00.000Z";
            h.writeState(s);
            assert.ok(rows.reap.some((r) => r.stack === "ephemeral-pr1-aws"));
            const r = await reap(h.rt);
            assert.ok(!r.reaped.includes("ephemeral-pr1-aws"));
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
            assert.equal(tagCommands(h)["platform:expires-at"], new Date(NOW.getTime() + 36 * H).toISOString());
            const cfg = JSON.parse(h.commands().find((c) => c[0] === "config")![5]) as ConfigJson;
            assert.equal((cfg["platform:tags"].objectValue as Record<string, string>)["expires-at"], String((NOW.getTime() + 36 * H) / 1000));
        });
    });
});
