/**
 * A local SOCKS5 proxy whose connections are forwarded through the bastion over SSH (ssh2, no
 * `ssh` binary). Why SOCKS and not a plain TCP forward: the kubeconfig keeps the API server's
 * real hostname, so TLS verification against the cluster CA still holds; client-go (and so the
 * Pulumi Kubernetes provider) routes through it with the kubeconfig's `proxy-url:
 * socks5://127.0.0.1:<port>`. Only CONNECT with no authentication is served, on 127.0.0.1 only.
 */
import { createHash } from "crypto";
import * as net from "net";
import type { Duplex } from "stream";

import { Client, ClientChannel } from "ssh2";

/**
 * How the SSH bytes reach the bastion: a TCP connection to its SSH port (from an allow-listed
 * network), or a byte stream a cloud tunnel provides (AWS SSM `AWS-StartSSHSession`, GCP IAP
 * `start-iap-tunnel --listen-on-stdin`), so nothing on the internet has to reach port 22.
 */
export type SshTransport =
    | { readonly kind: "tcp"; readonly host: string; readonly port: number }
    | { readonly kind: "stream"; readonly describe: string; readonly open: () => Duplex & { failure?: () => Promise<string | undefined> } };

export interface TunnelArgs {
    /** Where SSH connects (default: TCP to host:port). */
    readonly transport?: SshTransport;
    readonly host: string;
    readonly port: number;
    readonly username: string;
    readonly privateKey: string;
    /** Local SOCKS5 port (0 = any free port). */
    readonly socksPort: number;
    /**
     * The bastion host key's fingerprint, `SHA256:<base64>` as `ssh-keygen -lf` prints it: the
     * program generates that key and exports the fingerprint, so the tunnel never trusts on first
     * use. Any other key is refused.
     */
    readonly hostKeyFingerprint: string;
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
    if (!/^SHA256:[A-Za-z0-9+/]{43}$/.test(a.hostKeyFingerprint ?? "")) {
        throw new Error(`refusing to tunnel to ${a.host} without a pinned host key: expected a SHA256 fingerprint (bastionHostKeyFingerprint output), got ${JSON.stringify(a.hostKeyFingerprint)}`);
    }
    const transport: SshTransport = a.transport ?? { kind: "tcp", host: a.host, port: a.port };
    const via = transport.kind === "tcp" ? `${transport.host}:${transport.port}` : transport.describe;
    const ssh = new Client();
    let seen: string | undefined;
    let stream: (Duplex & { failure?: () => Promise<string | undefined> }) | undefined;
    await new Promise<void>((resolve, reject) => {
        ssh.once("ready", () => resolve());
        ssh.once("error", (err) => {
            const pinned = seen !== undefined && seen !== a.hostKeyFingerprint ? `host key ${seen} is not the pinned ${a.hostKeyFingerprint}` : undefined;
            // A transport process that died says why on its stderr: prefer that to "connection lost".
            void (stream?.failure?.() ?? Promise.resolve(undefined)).then((why) => {
                stream?.destroy();
                reject(new Error(`SSH to bastion ${a.username}@${a.host} via ${via} failed: ${pinned ?? why ?? err.message}`));
            });
        });
        const common = {
            username: a.username,
            privateKey: a.privateKey,
            readyTimeout: a.readyTimeoutMs ?? 20_000,
            keepaliveInterval: 15_000,
            hostVerifier: (key: Buffer) => {
                seen = fingerprint(key);
                return a.hostKeyFingerprint === seen;
            },
        };
        if (transport.kind === "tcp") {
            ssh.connect({ ...common, host: transport.host, port: transport.port });
        } else {
            try {
                stream = transport.open();
            } catch (err) {
                reject(new Error(`cannot start ${transport.describe}: ${(err as Error).message}`));
                return;
            }
            stream.on("error", () => undefined); // surfaced through ssh2's own error and failure()
            ssh.connect({ ...common, sock: stream });
        }
    });
    log(`bastion host key verified: ${seen} (via ${via})`);

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
    log(`tunnel open: socks5://127.0.0.1:${port} -> ${a.username}@${a.host} via ${via}`);
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
            stream?.destroy();
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
