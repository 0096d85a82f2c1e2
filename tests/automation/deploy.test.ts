/**
 * `deploy` (both layers, each gated by a preview with the policy pack) and the routes to a
 * private API. The tunnel is exercised for real: an in-process ssh2 SERVER plays the bastion
 * (public-key auth, pinned host key, direct-tcpip forwarding), a TCP server plays the private
 * Kubernetes API, and a stub of the cloud CLI's stdio tunnel (tests/automation/stub/transport.js)
 * carries SSH as `aws ssm start-session` / `gcloud compute start-iap-tunnel` would. The `pulumi`
 * calls go to the STUB CLI; during the in-cluster preview and up the stub connects to the "API"
 * through PLATFORM_KUBE_PROXY_URL, standing in for the Kubernetes provider.
 * Proves: order, the route as a property of the run (env, never config), pinning, teardown of the
 * tunnel on failure. Does not prove: a real bastion, sshd, SSM/IAP or a real cluster.
 */
import * as assert from "node:assert/strict";
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";

import { stringify } from "yaml";

import { main } from "../../automation/cli";
import { deploy } from "../../automation/deploy";
import { DEFAULT_ROUTE, missingForRoute, openRoute, parseRoute, RouteOutputs, Spawn, transportCommand } from "../../automation/routes";
import { openTunnel } from "../../automation/tunnel";
import { makeHarness } from "./harness";
import { Bastion, refused, socksRequest, startApi, startBastion, testKeyPair } from "./ssh-fixtures";

const NI = "--non-interactive";
const TRANSPORT = path.join(__dirname, "stub", "transport.js");

/** Runs the transport stub instead of `aws` / `gcloud`, recording what would have been run. */
function stubSpawn(bastionPort: number, log: string, fail?: string): Spawn {
    return (command, args, env) =>
        spawn(process.execPath, [TRANSPORT, command, ...args], {
            stdio: ["pipe", "pipe", "pipe"],
            env: { ...env, STUB_BASTION_PORT: String(bastionPort), STUB_TRANSPORT_LOG: log, ...(fail ? { STUB_TRANSPORT_FAIL: fail } : {}) },
        });
}

function transportCalls(log: string): string[][] {
    return fs.existsSync(log)
        ? fs
              .readFileSync(log, "utf8")
              .split("\n")
              .filter((l) => l !== "")
              .map((l) => (JSON.parse(l) as { argv: string[] }).argv)
        : [];
}

describe("automation: deploy and routes (stubbed pulumi CLI, real ssh2 tunnel)", function () {
    this.timeout(30_000);
    let bastion: Bastion;
    let api: { port: number; close(): Promise<void> };
    before(async () => {
        bastion = await startBastion();
        api = await startApi();
    });
    after(async () => {
        await bastion.close();
        await api.close();
    });

    describe("tunnel", () => {
        it("TCP transport: SOCKS5 on 127.0.0.1 through the bastion with the pinned host key; closed means refused", async () => {
            const t = await openTunnel({ host: "127.0.0.1", port: bastion.port, username: "ops", privateKey: bastion.clientKey, socksPort: 0, hostKeyFingerprint: bastion.fingerprint });
            assert.match(t.proxyUrl, /^socks5:\/\/127\.0\.0\.1:\d+$/);
            assert.equal(await socksRequest(t.socksPort, "localhost", api.port), "k8s-api v1.35");
            assert.ok(bastion.forwards.includes(`localhost:${api.port}`), "the connection went through the SSH server");
            await t.close();
            assert.equal(await refused(t.socksPort), true);
        });

        it("refuses a bastion whose host key is not the pinned one, naming both", async () => {
            await assert.rejects(
                openTunnel({ host: "127.0.0.1", port: bastion.port, username: "ops", privateKey: bastion.clientKey, socksPort: 0, hostKeyFingerprint: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }),
                new RegExp(`SSH to bastion ops@127\\.0\\.0\\.1 via 127\\.0\\.0\\.1:\\d+ failed: host key ${bastion.fingerprint.replace(/[+/]/g, "\\$&")} is not the pinned SHA256:A{43}`),
            );
        });

        it("never trusts on first use: no fingerprint, no tunnel (before any connection)", async () => {
            await assert.rejects(
                openTunnel({ host: "127.0.0.1", port: bastion.port, username: "ops", privateKey: bastion.clientKey, socksPort: 0, hostKeyFingerprint: "" }),
                /refusing to tunnel to 127\.0\.0\.1 without a pinned host key/,
            );
            assert.ok(!bastion.forwards.some((f) => f.startsWith("never")));
        });

        it("refuses a key the bastion does not accept", async () => {
            await assert.rejects(
                openTunnel({ host: "127.0.0.1", port: bastion.port, username: "ops", privateKey: testKeyPair().private, socksPort: 0, hostKeyFingerprint: bastion.fingerprint }),
                /SSH to bastion .* failed: All configured authentication methods failed/,
            );
        });
    });

    describe("routes", () => {
        const OUT: RouteOutputs = {
            cloud: "aws",
            region: "eu-west-1",
            bastionPublicIp: "198.51.100.7",
            bastionSshUser: "ops",
            bastionPrivateKeyPem: "k",
            bastionHostKeyFingerprint: "SHA256:x",
            bastionTunnelTarget: "i-0123456789abcdef0",
            bastionZone: "eu-west-1a",
        };

        it("default per cloud: AWS SSM, GCP IAP, Azure direct from a VNet runner", () => {
            assert.deepEqual(DEFAULT_ROUTE, { aws: "ssm", gcp: "iap", azure: "direct" });
            assert.equal(parseRoute(undefined, "gcp"), "iap");
        });

        it("refuses a route of another cloud, naming the ones that work", () => {
            assert.throws(() => parseRoute("ssm", "gcp"), { message: "--route ssm works on aws only; this stack is on gcp: use direct, ssh, iap." });
            assert.throws(() => parseRoute("vpn", "aws"), { message: "--route \"vpn\" is not a route: use one of direct, ssh, ssm, iap (default for aws: ssm)." });
        });

        it("SSM: AWS-StartSSHSession to the bastion's instance on its SSH port, in the stack's region", () => {
            assert.deepEqual(transportCommand("ssm", OUT), ["aws", "ssm", "start-session", "--target", "i-0123456789abcdef0", "--document-name", "AWS-StartSSHSession", "--parameters", "portNumber=22", "--region", "eu-west-1"]);
        });

        it("IAP: start-iap-tunnel to the bastion's instance name on port 22 over stdin, with zone and project", () => {
            const gcp = { ...OUT, cloud: "gcp" as const, bastionTunnelTarget: "platform-prod-gcp-bastion", bastionZone: "europe-west1-b", gcpProject: "platform-prod-123456" };
            assert.deepEqual(transportCommand("iap", gcp), [
                "gcloud", "compute", "start-iap-tunnel", "platform-prod-gcp-bastion", "22", "--listen-on-stdin", "--zone=europe-west1-b", "--project=platform-prod-123456", "--verbosity=warning",
            ]);
        });

        it("names the outputs a route needs and the stack lacks", () => {
            assert.deepEqual(missingForRoute("iap", { ...OUT, cloud: "gcp", bastionZone: undefined }), ["bastionZone", "gcpProject"]);
            assert.deepEqual(missingForRoute("direct", {}), []);
        });

        it("a stream transport carries SSH: the stub `aws` pipes to the bastion, the host key is verified, the child is stopped on close", async () => {
            const h = makeHarness({});
            const log = path.join(h.dir, "transport.jsonl");
            const logs: string[] = [];
            const opened = await openRoute("ssm", { ...OUT, bastionPrivateKeyPem: bastion.clientKey, bastionHostKeyFingerprint: bastion.fingerprint }, { socksPort: 0, sshPort: 22, log: (l) => logs.push(l), spawn: stubSpawn(bastion.port, log) });
            assert.equal(await socksRequest(Number(new URL(opened.proxyUrl!).port), "localhost", api.port), "k8s-api v1.35");
            await opened.close();
            assert.equal(await refused(Number(new URL(opened.proxyUrl!).port)), true);
            assert.deepEqual(transportCalls(log)[0].slice(0, 3), ["aws", "ssm", "start-session"]);
            assert.ok(logs.some((l) => l.startsWith(`bastion host key verified: ${bastion.fingerprint} (via aws ssm start-session (ssm))`)));
        });

        it("a transport that cannot start (no session-manager-plugin) fails with its own words", async () => {
            const h = makeHarness({});
            const log = path.join(h.dir, "transport.jsonl");
            await assert.rejects(
                openRoute("ssm", { ...OUT, bastionPrivateKeyPem: bastion.clientKey, bastionHostKeyFingerprint: bastion.fingerprint }, {
                    socksPort: 0,
                    sshPort: 22,
                    log: () => undefined,
                    spawn: stubSpawn(bastion.port, log, "SessionManagerPlugin is not found. Please refer to SessionManager Documentation"),
                }),
                /SSH to bastion ops@i-0123456789abcdef0 via aws ssm start-session \(ssm\) failed: .*SessionManagerPlugin is not found/,
            );
        });
    });

    describe("deploy --stack prod-aws (private API, route ssm)", () => {
        function harness(extra: Record<string, unknown> = {}) {
            const h = makeHarness({
                canned: {
                    platform: {
                        outputs: {
                            cloud: "aws",
                            region: "eu-west-1",
                            bastionPublicIp: "198.51.100.7",
                            bastionSshUser: "ops",
                            bastionPrivateKeyPem: bastion.clientKey,
                            bastionHostKeyFingerprint: bastion.fingerprint,
                            bastionTunnelTarget: "i-0123456789abcdef0",
                            clusterKubeconfig: "apiVersion: v1",
                        },
                        secretOutputs: ["bastionPrivateKeyPem", "clusterKubeconfig"],
                    },
                    "platform-incluster": { outputs: { argocdAdminPassword: "x" }, secretOutputs: ["argocdAdminPassword"] },
                },
                probe: { host: "localhost", port: api.port },
                ...extra,
            } as never);
            fs.writeFileSync(path.join(h.projectDir, "stacks", "Pulumi.prod-aws.yaml"), stringify({ config: { "platform:cloud": "aws", "platform:environment": "prod", "platform:region": "eu-west-1" } }));
            fs.writeFileSync(path.join(h.projectDir, "incluster", "stacks", "Pulumi.prod-aws.yaml"), stringify({ config: { "platform-incluster:environment": "prod" } }));
            return h;
        }

        it("platform preview then up; route; in-cluster preview then up through the tunnel (env only, no config); route closed", async () => {
            const h = harness();
            const log = path.join(h.dir, "transport.jsonl");
            const msg = await deploy(h.rt, { stack: "prod-aws", socksPort: 0, sshPort: 22, routeOptions: { spawn: stubSpawn(bastion.port, log) } });
            const calls = h.calls().filter((c) => c.argv[0] !== "version");
            const ops = calls.filter((c) => ["preview", "up"].includes(c.argv[0])).map((c) => `${c.project} ${c.argv[0]}`);
            assert.deepEqual(ops, ["platform preview", "platform up", "platform-incluster preview", "platform-incluster up"]);
            const pp = `${h.projectDir}/policy-pack`;
            for (const c of calls.filter((x) => ["preview", "up"].includes(x.argv[0]))) {
                const i = c.argv.indexOf("--policy-pack");
                assert.deepEqual(c.argv.slice(i, i + 4), ["--policy-pack", pp, "--policy-pack-config", `${pp}/config/prod.json`], `${c.project} ${c.argv[0]} enforces the prod pack config`);
            }
            // The route is a property of the run: only the in-cluster calls see the proxy, no config is written.
            assert.deepEqual(calls.filter((c) => c.argv[0] === "config" && c.argv[1] !== "--json" && !c.argv.includes("--show-secrets")).map((c) => c.argv), []);
            const inCluster = calls.filter((c) => c.project === "platform-incluster" && ["preview", "up"].includes(c.argv[0]));
            const proxy = inCluster[0].env.PLATFORM_KUBE_PROXY_URL;
            assert.match(proxy, /^socks5:\/\/127\.0\.0\.1:\d+$/);
            assert.ok(inCluster.every((c) => c.env.PLATFORM_KUBE_PROXY_URL === proxy));
            assert.ok(calls.filter((c) => c.project === "platform").every((c) => c.env.PLATFORM_KUBE_PROXY_URL === undefined));
            assert.ok(inCluster.every((c) => c.cwd === path.join(h.projectDir, "incluster")));
            // The "provider" reached the private API through the tunnel for the preview and the up.
            assert.deepEqual(h.state().probeResults, [
                { command: "preview", proxy, answer: "k8s-api v1.35" },
                { command: "up", proxy, answer: "k8s-api v1.35" },
            ]);
            assert.deepEqual(transportCalls(log).map((a) => a.slice(0, 5)), [["aws", "ssm", "start-session", "--target", "i-0123456789abcdef0"]]);
            assert.equal(await refused(Number(new URL(proxy).port)), true, "the tunnel is closed afterwards");
            assert.match(msg, /^prod-aws: deployed both layers in .* \(route ssm\)$/);
        });

        it("--preview previews both layers and changes nothing", async () => {
            const h = harness();
            // The platform stack exists (deployed before): its outputs give the route.
            await deploy(h.rt, { stack: "prod-aws", socksPort: 0, sshPort: 22, routeOptions: { spawn: stubSpawn(bastion.port, path.join(h.dir, "t.jsonl")) } });
            h.clearCalls();
            await deploy(h.rt, { stack: "prod-aws", socksPort: 0, sshPort: 22, previewOnly: true, routeOptions: { spawn: stubSpawn(bastion.port, path.join(h.dir, "t.jsonl")) } });
            const ops = h.calls().filter((c) => ["preview", "up", "destroy"].includes(c.argv[0])).map((c) => `${c.project} ${c.argv[0]}`);
            assert.deepEqual(ops, ["platform preview", "platform-incluster preview"]);
        });

        it("a platform preview refused by the policy pack stops everything before any change", async () => {
            const h = harness({ fail: { "platform:preview": "mandatory policy violation: all-network-ingress-disallow-world-open" } });
            await assert.rejects(deploy(h.rt, { stack: "prod-aws", socksPort: 0, sshPort: 22 }), /platform layer preview failed: .*mandatory policy violation/);
            assert.deepEqual(h.calls().filter((c) => ["up", "destroy"].includes(c.argv[0])), []);
        });

        it("a failed in-cluster up still closes the tunnel and names the layer", async () => {
            const h = harness({ fail: { "platform-incluster:up": "helm release kube-prometheus-stack: timed out" } });
            await assert.rejects(deploy(h.rt, { stack: "prod-aws", socksPort: 0, sshPort: 22, routeOptions: { spawn: stubSpawn(bastion.port, path.join(h.dir, "t.jsonl")) } }), /in-cluster layer up failed: .*kube-prometheus-stack: timed out/);
            const proxy = h.calls().find((c) => c.project === "platform-incluster" && c.argv[0] === "up")!.env.PLATFORM_KUBE_PROXY_URL;
            assert.equal(await refused(Number(new URL(proxy).port)), true);
        });

        it("missing route outputs are named (an older platform stack without a pinned host key)", async () => {
            const h = harness();
            const s = h.state();
            delete (s.canned!.platform!.outputs as Record<string, unknown>).bastionHostKeyFingerprint;
            h.writeState(s);
            await assert.rejects(deploy(h.rt, { stack: "prod-aws", socksPort: 0, sshPort: 22 }), /route ssm needs the platform outputs bastionHostKeyFingerprint; the stack does not export them/);
            assert.deepEqual(h.calls().filter((c) => c.project === "platform-incluster" && c.argv[0] !== "version"), []);
        });

        it("--route direct (a runner inside the network): no tunnel, no proxy in the environment", async () => {
            const h = harness();
            await deploy(h.rt, { stack: "prod-aws", route: "direct", socksPort: 0, sshPort: 22 });
            assert.ok(h.calls().every((c) => c.env.PLATFORM_KUBE_PROXY_URL === undefined));
            assert.equal(h.state().probeResults, undefined);
        });

        it("takes the environment from the stack file, not the name: a prod file under a neutral name gets prod's pack config", async () => {
            const h = harness();
            fs.copyFileSync(path.join(h.projectDir, "stacks", "Pulumi.prod-aws.yaml"), path.join(h.projectDir, "stacks", "Pulumi.acme-eu.yaml"));
            fs.copyFileSync(path.join(h.projectDir, "incluster", "stacks", "Pulumi.prod-aws.yaml"), path.join(h.projectDir, "incluster", "stacks", "Pulumi.acme-eu.yaml"));
            await deploy(h.rt, { stack: "acme-eu", route: "direct", socksPort: 0, sshPort: 22 });
            const preview = h.calls().find((c) => c.argv[0] === "preview")!.argv;
            assert.ok(preview.includes(`${h.projectDir}/policy-pack/config/prod.json`));
        });
    });

    describe("CLI", () => {
        it("refuses an ephemeral stack name and a route of another cloud before any CLI call", async () => {
            const h = makeHarness({});
            const errs: string[] = [];
            assert.equal(await main(["deploy", "--stack", "ephemeral-pr1-aws"], { ...h.rt, log: (l) => errs.push(l) }), 2);
            assert.equal(await main(["deploy", "--stack", "dev-aws", "--route", "iap"], { ...h.rt, log: (l) => errs.push(l) }), 2);
            assert.deepEqual(errs, [
                'error: --stack "ephemeral-pr1-aws" is an ephemeral environment: use `npm run env -- up --pr <n> --cloud <cloud>`, which owns its lifecycle.',
                "error: --route iap works on gcp only; this stack is on aws: use direct, ssh, ssm.",
            ]);
            assert.deepEqual(h.calls(), []);
        });

        it("names a stack without its in-cluster file", async () => {
            const h = makeHarness({});
            fs.rmSync(path.join(h.projectDir, "incluster", "stacks", "Pulumi.dev-aws.yaml"));
            const errs: string[] = [];
            assert.equal(await main(["deploy", "--stack", "dev-aws"], { ...h.rt, log: (l) => errs.push(l) }), 2);
            assert.deepEqual(errs, ['error: incluster/stacks/Pulumi.dev-aws.yaml not found: stack "dev-aws" has no in-cluster config file in incluster/stacks/.']);
            void NI;
        });
    });
});
