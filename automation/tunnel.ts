/**
 * A local SOCKS5 proxy whose connections are forwarded through the bastion over SSH (ssh2, no
 * `ssh` binary). Why SOCKS and not a plain TCP forward: the kubeconfig keeps the API server's
 * real hostname, so TLS verification against the cluster CA still holds; client-go (and so the
 * Pulumi Kubernetes provider) routes through it with the kubeconfig's `proxy-url:
 * socks5://127.0.0.1:<port>`. Only CONNECT with no authentication is served, on 127.0.0.1 only.
 */
import { createHash } from "crypto";
import * as net from "net";

import { Client, ClientChannel } from "ssh2";

export interface TunnelArgs {
    readonly host: string;
    readonly port: number;
    readonly username: string;
    readonly privateKey: string;
    /** Local SOCKS5 port (0 = any free port). */
    readonly socksPort: number;
    /**
     * Expected bastion host key fingerprint, `SHA256:<base64>` as `ssh-keygen -lf` prints it.
     * Without it the key is accepted on first use and its fingerprint logged.
     */
    readonly hostKeyFingerprint?: string;
    readonly log?: (line: string) => void;
    readonly readyTimeoutMs?: number;
}

export interface Tunnel {
    readonly socksPort: number;
    readonly proxyUrl: string;
    close(): Promise<void>;
}

export function fingerprint(hostKey: Buffer): string {
    return `SHA256:${createHash("sha256").update(hostKey).digest("base64").replace(/=+$/, "")}`;
}

export async function openTunnel(a: TunnelArgs): Promise<Tunnel> {
    const log = a.log ?? (() => undefined);
    const ssh = new Client();
    let seen: string | undefined;
    await new Promise<void>((resolve, reject) => {
        ssh.once("ready", () => resolve());
        ssh.once("error", (err) => reject(new Error(`SSH to bastion ${a.username}@${a.host}:${a.port} failed: ${err.message}`)));
        ssh.connect({
            host: a.host,
            port: a.port,
            username: a.username,
            privateKey: a.privateKey,
            readyTimeout: a.readyTimeoutMs ?? 20_000,
            keepaliveInterval: 15_000,
            hostVerifier: (key: Buffer) => {
                seen = fingerprint(key);
                return a.hostKeyFingerprint === undefined || a.hostKeyFingerprint === seen;
            },
        });
    });
    log(
        a.hostKeyFingerprint === undefined
            ? `warning: bastion host key ${seen} accepted without verification (export bastionHostKeyFingerprint to pin it)`
            : `bastion host key verified: ${seen}`,
    );

    const sockets = new Set<net.Socket>();
    const server = net.createServer((sock) => {
        sockets.add(sock);
        sock.on("close", () => sockets.delete(sock));
        sock.on("error", () => sock.destroy());
        serveSocks(sock, (host, port, cb) => ssh.forwardOut("127.0.0.1", 0, host, port, cb));
    });
    const port = await new Promise<number>((resolve, reject) => {
        server.once("error", (err) => reject(new Error(`cannot listen on 127.0.0.1:${a.socksPort}: ${err.message}`)));
        server.listen(a.socksPort, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port));
    }).catch((err) => {
        ssh.end();
        throw err;
    });
    log(`tunnel open: socks5://127.0.0.1:${port} -> ${a.username}@${a.host}:${a.port}`);
    let closed = false;
    return {
        socksPort: port,
        proxyUrl: `socks5://127.0.0.1:${port}`,
        close: async () => {
            if (closed) return;
            closed = true;
            for (const s of sockets) s.destroy();
            await new Promise<void>((resolve) => server.close(() => resolve()));
            ssh.end();
            log("tunnel closed");
        },
    };
}

type Forward = (host: string, port: number, cb: (err: Error | undefined, ch: ClientChannel) => void) => void;

/** Minimal SOCKS5 (RFC 1928): method "no auth", command CONNECT, IPv4 / domain / IPv6. */
export function serveSocks(sock: net.Socket, forward: Forward): void {
    let buf = Buffer.alloc(0);
    let stage: "greeting" | "request" | "done" = "greeting";
    const fail = (rep: number) => {
        sock.end(Buffer.from([5, rep, 0, 1, 0, 0, 0, 0, 0, 0]));
        stage = "done";
    };
    const onData = (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        if (stage === "greeting") {
            if (buf.length < 2) return;
            const n = buf[1];
            if (buf.length < 2 + n) return;
            if (buf[0] !== 5 || !buf.subarray(2, 2 + n).includes(0)) {
                sock.end(Buffer.from([5, 0xff]));
                stage = "done";
                return;
            }
            sock.write(Buffer.from([5, 0]));
            buf = buf.subarray(2 + n);
            stage = "request";
        }
        if (stage === "request") {
            if (buf.length < 5) return;
            const atyp = buf[3];
            let host: string;
            let end: number;
            if (atyp === 1) {
                end = 4 + 4;
                if (buf.length < end + 2) return;
                host = Array.from(buf.subarray(4, end)).join(".");
            } else if (atyp === 3) {
                end = 5 + buf[4];
                if (buf.length < end + 2) return;
                host = buf.subarray(5, end).toString("utf8");
            } else if (atyp === 4) {
                end = 4 + 16;
                if (buf.length < end + 2) return;
                const hex = buf.subarray(4, end).toString("hex");
                host = hex.match(/.{4}/g)!.join(":");
            } else {
                return fail(8); // address type not supported
            }
            if (buf[0] !== 5 || buf[1] !== 1) return fail(7); // only CONNECT
            const port = buf.readUInt16BE(end);
            const rest = buf.subarray(end + 2);
            stage = "done";
            sock.off("data", onData);
            sock.pause();
            forward(host, port, (err, ch) => {
                if (err) return fail(5); // connection refused
                sock.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]));
                if (rest.length > 0) ch.write(rest);
                sock.pipe(ch).pipe(sock);
                ch.on("error", () => sock.destroy());
                ch.on("close", () => sock.destroy());
                sock.on("close", () => ch.destroy());
                sock.resume();
            });
        }
    };
    sock.on("data", onData);
}
