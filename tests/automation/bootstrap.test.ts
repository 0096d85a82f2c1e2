/**
 * Private-cluster bootstrap and the SSH tunnel. The tunnel is exercised for real: an in-process
 * ssh2 SERVER plays the bastion (public-key auth, direct-tcpip forwarding) and a TCP server plays
 * the private Kubernetes API. The two `up`s go to the STUB pulumi CLI; in phase two the stub
 * connects through the SOCKS proxy URL it was configured with, standing in for the Kubernetes
 * provider. Proves: phase order, config, tunnel open during phase two and closed after, host
 * key pinning. Does not prove: a real bastion, sshd configuration or a real cluster.
 */
import * as assert from "node:assert/strict";
import { timingSafeEqual } from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";

import { Server, utils } from "ssh2";
import { stringify } from "yaml";

import { bootstrap } from "../../automation/bootstrap";
import { main } from "../../automation/cli";
import { fingerprint, openTunnel } from "../../automation/tunnel";
import { makeHarness } from "./harness";

const NI = "--non-interactive";

interface Bastion {
    port: number;
    fingerprint: string;
    clientKey: string;
    forwards: string[];
    close(): Promise<void>;
}

async function startBastion(): Promise<Bastion> {
    const hostKey = utils.generateKeyPairSync("ed25519");
    const clientKey = utils.generateKeyPairSync("ed25519");
    const allowed = utils.parseKey(clientKey.public);
    if (allowed instanceof Error) throw allowed;
    const hostPub = utils.parseKey(hostKey.private);
    if (hostPub instanceof Error) throw hostPub;
    const forwards: string[] = [];
    const server = new Server({ hostKeys: [hostKey.private] }, (client) => {
        client.on("authentication", (ctx) => {
            const ok =
                ctx.method === "publickey" &&
                ctx.username === "ops" &&
                ctx.key.algo === allowed.type &&
                ctx.key.data.length === allowed.getPublicSSH().length &&
                timingSafeEqual(ctx.key.data, allowed.getPublicSSH()) &&
                (!ctx.signature || allowed.verify(ctx.blob!, ctx.signature, ctx.hashAlgo) === true);
            return ok ? ctx.accept() : ctx.reject();
        });
        client.on("ready", () => {
            client.on("tcpip", (accept, _reject, info) => {
                forwards.push(`${info.destIP}:${info.destPort}`);
                const ch = accept();
                const upstream = net.connect(info.destPort, info.destIP);
                upstream.on("error", () => ch.close());
                ch.pipe(upstream).pipe(ch);
            });
        });
        client.on("error", () => undefined);
    });
    const port = await new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port)));
    return {
        port,
        fingerprint: fingerprint(hostPub.getPublicSSH()),
        clientKey: clientKey.private,
        forwards,
        close: () => new Promise((resolve) => server.close(() => resolve())),
    };
}

/** The "private Kubernetes API": answers one line per request. */
async function startApi(): Promise<{ port: number; close(): Promise<void> }> {
    const server = net.createServer((s) => s.on("data", () => s.end("k8s-api v1.33\n")));
    const port = await new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port)));
    return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A SOCKS5 CONNECT client, as client-go would do with `proxy-url`. */
function socksRequest(socksPort: number, host: string, port: number): Promise<string> {
    return new Promise((resolve, reject) => {
        const sock = net.connect(socksPort, "127.0.0.1");
        let buf = Buffer.alloc(0);
        let stage = 0;
        sock.on("error", reject);
        sock.on("connect", () => sock.write(Buffer.from([5, 1, 0])));
        sock.on("data", (d) => {
            buf = Buffer.concat([buf, d]);
            if (stage === 0 && buf.length >= 2) {
                assert.deepEqual([...buf.subarray(0, 2)], [5, 0]);
                const p = Buffer.alloc(2);
                p.writeUInt16BE(port);
                sock.write(Buffer.concat([Buffer.from([5, 1, 0, 3, host.length]), Buffer.from(host), p]));
                buf = buf.subarray(2);
                stage = 1;
            }
            if (stage === 1 && buf.length >= 10) {
                if (buf[1] !== 0) return reject(new Error(`SOCKS reply ${buf[1]}`));
                buf = buf.subarray(10);
                sock.write("GET /version\n");
                stage = 2;
            }
            if (stage === 2 && buf.includes(10)) {
                resolve(buf.toString().trim());
                sock.destroy();
            }
        });
    });
}

function refused(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const s = net.connect(port, "127.0.0.1");
        s.on("connect", () => (s.destroy(), resolve(false)));
        s.on("error", () => resolve(true));
    });
}

describe("automation: private-cluster bootstrap (stubbed pulumi CLI, real ssh2 tunnel)", function () {
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
        it("serves SOCKS5 on 127.0.0.1 and forwards through the bastion; closed means refused", async () => {
            const t = await openTunnel({ host: "127.0.0.1", port: bastion.port, username: "ops", privateKey: bastion.clientKey, socksPort: 0, hostKeyFingerprint: bastion.fingerprint });
            assert.match(t.proxyUrl, /^socks5:\/\/127\.0\.0\.1:\d+$/);
            assert.equal(await socksRequest(t.socksPort, "localhost", api.port), "k8s-api v1.33");
            assert.ok(bastion.forwards.includes(`localhost:${api.port}`), "the connection went through the SSH server");
            await t.close();
            assert.equal(await refused(t.socksPort), true);
        });

        it("refuses a bastion whose host key does not match the pinned fingerprint", async () => {
            await assert.rejects(
                openTunnel({ host: "127.0.0.1", port: bastion.port, username: "ops", privateKey: bastion.clientKey, socksPort: 0, hostKeyFingerprint: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }),
                /SSH to bastion ops@127\.0\.0\.1:\d+ failed/,
            );
        });

        it("refuses a key the bastion does not accept", async () => {
            const other = utils.generateKeyPairSync("ed25519").private;
            await assert.rejects(openTunnel({ host: "127.0.0.1", port: bastion.port, username: "ops", privateKey: other, socksPort: 0 }), /SSH to bastion .* failed: All configured authentication methods failed/);
        });
    });

    describe("bootstrap --stack prod-aws (private endpoint)", () => {
        function harness(extraStacks: Record<string, unknown> = {}) {
            const h = makeHarness({
                canned: {
                    outputs: {
                        bastionPublicIp: "127.0.0.1",
                        bastionSshUser: "ops",
                        bastionPrivateKeyPem: bastion.clientKey,
                        bastionHostKeyFingerprint: bastion.fingerprint,
                        clusterEndpoint: "https://private.eks.invalid",
                        clusterKubeconfig: "apiVersion: v1",
                    },
                    secretOutputs: ["bastionPrivateKeyPem", "clusterKubeconfig"],
                },
                probe: { host: "localhost", port: api.port },
                projects: { platform: { stacks: extraStacks as never, current: null } },
            } as never);
            fs.writeFileSync(
                path.join(h.projectDir, "stacks", "Pulumi.prod-aws.yaml"),
                stringify({ config: { "platform:environment": "prod", "platform:cluster": { endpointAccess: "private" } } }),
            );
            return h;
        }
        const setAll = (c: string[]) => JSON.parse(c[5]) as Record<string, { value: string; objectValue?: unknown }>;

        it("phase one without add-ons, tunnel, phase two with add-ons through the tunnel, tunnel closed", async () => {
            const h = harness();
            const msg = await bootstrap(h.rt, { stack: "prod-aws", socksPort: 0, sshPort: bastion.port });
            const cmds = h.commands();
            const pp = `${h.projectDir}/policy-pack`;
            assert.deepEqual(cmds.slice(0, 2), [
                ["stack", "select", "--stack", "prod-aws", NI],
                ["stack", "init", "prod-aws", NI],
            ]);
            const sets = cmds.filter((c) => c[0] === "config");
            assert.deepEqual(setAll(sets[0]), { "platform:addonsEnabled": { value: "false", objectValue: false, secret: false } });
            const proxy = setAll(sets[1])["platform:kubeProxyUrl"].value;
            assert.match(proxy, /^socks5:\/\/127\.0\.0\.1:\d+$/);
            assert.deepEqual(setAll(sets[1])["platform:addonsEnabled"], { value: "true", objectValue: true, secret: false });
            const ups = cmds.filter((c) => c[0] === "up");
            assert.equal(ups.length, 2);
            for (const u of ups) {
                assert.deepEqual(u.slice(u.indexOf("--policy-pack"), u.indexOf("--policy-pack") + 4), ["--policy-pack", pp, "--policy-pack-config", `${pp}/config/prod.json`]);
            }
            // Order: set(false) < up#1 < set(true, proxy) < up#2.
            const at = (c: string[]) => cmds.indexOf(c);
            assert.ok(at(sets[0]) < at(ups[0]) && at(ups[0]) < at(sets[1]) && at(sets[1]) < at(ups[1]));
            // During phase two the "provider" reached the private API through the tunnel.
            assert.deepEqual((h.state() as { probeResults?: unknown[] }).probeResults, [{ proxy, answer: "k8s-api v1.33" }]);
            assert.equal(await refused(Number(new URL(proxy).port)), true, "the tunnel is closed afterwards");
            assert.ok(h.logs.some((l) => l.startsWith("bastion host key verified: SHA256:")));
            assert.match(msg, /^prod-aws: bootstrapped in .* \(private endpoint, add-ons through the bastion\)$/);
        });

        it("skips phase one when the bastion and cluster exist (re-running it would delete the add-ons)", async () => {
            const h = harness();
            await bootstrap(h.rt, { stack: "prod-aws", socksPort: 0, sshPort: bastion.port });
            h.clearCalls();
            await bootstrap(h.rt, { stack: "prod-aws", socksPort: 0, sshPort: bastion.port });
            const sets = h.commands().filter((c) => c[0] === "config");
            assert.equal(sets.length, 1);
            assert.equal(setAll(sets[0])["platform:addonsEnabled"].value, "true");
            assert.equal(h.commands().filter((c) => c[0] === "up").length, 1);
        });

        it("a failed phase two still closes the tunnel and reports the error", async () => {
            const h = harness();
            await bootstrap(h.rt, { stack: "prod-aws", socksPort: 0, sshPort: bastion.port });
            const s = h.state();
            s.fail = { up: "helm release kube-prometheus-stack: timed out" };
            h.writeState(s);
            let proxyPort = 0;
            await assert.rejects(
                bootstrap(h.rt, {
                    stack: "prod-aws",
                    socksPort: 0,
                    sshPort: bastion.port,
                    openTunnel: async (a) => {
                        const t = await openTunnel(a);
                        proxyPort = t.socksPort;
                        return t;
                    },
                }),
                /kube-prometheus-stack: timed out/,
            );
            assert.equal(await refused(proxyPort), true);
        });

        it("missing outputs are named", async () => {
            const h = harness();
            const s = h.state();
            s.canned!.outputs = { bastionPublicIp: "127.0.0.1", clusterKubeconfig: "x" };
            h.writeState(s);
            await assert.rejects(bootstrap(h.rt, { stack: "prod-aws", socksPort: 0, sshPort: bastion.port }), /prod-aws does not export bastionSshUser, bastionPrivateKeyPem: phase two needs them/);
        });

        it("a restricted endpoint needs no tunnel: one up with add-ons", async () => {
            const h = harness();
            await bootstrap(h.rt, { stack: "dev-aws", socksPort: 0, sshPort: bastion.port });
            assert.equal(h.commands().filter((c) => c[0] === "up").length, 1);
            const sets = h.commands().filter((c) => c[0] === "config");
            assert.deepEqual(sets.map(setAll), [{ "platform:addonsEnabled": { value: "true", objectValue: true, secret: false } }]);
            assert.equal((h.state() as { probeResults?: unknown[] }).probeResults, undefined, "no tunnel, no proxy");
        });

        it("rejects a stack that is not <env>-<cloud>, before any CLI call", async () => {
            const h = harness();
            const errs: string[] = [];
            const code = await main(["bootstrap", "--stack", "ephemeral-pr1-aws"], { ...h.rt, log: (l) => errs.push(l) });
            assert.equal(code, 2);
            assert.deepEqual(errs, ['error: --stack "ephemeral-pr1-aws" is not a platform stack: use <dev|staging|prod>-<aws|azure|gcp>, e.g. prod-aws.']);
            assert.deepEqual(h.calls(), []);
        });
    });
});
