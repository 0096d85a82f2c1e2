/**
 * An in-process SSH "bastion" (ssh2 server: public-key auth, direct-tcpip forwarding) and a TCP
 * "Kubernetes API" for the tunnel and route tests.
 *
 * Test keys come from Node's own crypto as ECDSA P-256 in SEC1 PEM, which ssh2 always parses:
 * ssh2's `utils.generateKeyPairSync("ed25519")` yields an unparsable key about 1 time in 285
 * (measured: 7 of 2000, a dropped leading zero byte), which made this suite flaky.
 */
import * as assert from "node:assert/strict";
import { generateKeyPairSync, timingSafeEqual } from "crypto";
import * as net from "net";

import { Server, utils } from "ssh2";

import { fingerprint } from "../../automation/tunnel";

/** A key pair ssh2 parses every time (see the file comment). */
export function testKeyPair(): { private: string; public: string } {
    const { privateKey, publicKey } = generateKeyPairSync("ec", {
        namedCurve: "prime256v1",
        privateKeyEncoding: { type: "sec1", format: "pem" },
        publicKeyEncoding: { type: "spki", format: "pem" },
    });
    return { private: privateKey, public: publicKey };
}

export interface Bastion {
    port: number;
    fingerprint: string;
    clientKey: string;
    forwards: string[];
    close(): Promise<void>;
}

export async function startBastion(): Promise<Bastion> {
    const hostKey = testKeyPair();
    const clientKey = testKeyPair();
    const allowed = utils.parseKey(clientKey.private);
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
export async function startApi(): Promise<{ port: number; close(): Promise<void> }> {
    const server = net.createServer((s) => s.on("data", () => s.end("k8s-api v1.35\n")));
    const port = await new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port)));
    return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A SOCKS5 CONNECT client, as client-go would do with `proxy-url`. */
export function socksRequest(socksPort: number, host: string, port: number): Promise<string> {
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

export function refused(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const s = net.connect(port, "127.0.0.1");
        s.on("connect", () => (s.destroy(), resolve(false)));
        s.on("error", () => resolve(true));
    });
}
