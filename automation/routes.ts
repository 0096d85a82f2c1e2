/**
 * How a run reaches a cluster's Kubernetes API: the ROUTE is a property of the run (never stack
 * config), chosen per cloud so that CI on hosted runners needs no inbound SSH from the internet.
 *
 * | route  | transport to the bastion's sshd                      | needs where it runs                          |
 * |--------|------------------------------------------------------|----------------------------------------------|
 * | ssm    | AWS Systems Manager `AWS-StartSSHSession` (stdio)    | `aws` CLI + session-manager-plugin, ssm:StartSession on the bastion |
 * | iap    | GCP IAP TCP forwarding `start-iap-tunnel --listen-on-stdin` | `gcloud`, roles/iap.tunnelResourceAccessor; bastion.iapSshAccess |
 * | ssh    | TCP to the bastion's public IP, port 22              | an address inside bastion.allowedCidrs        |
 * | direct | none: the API is dialled as the kubeconfig says      | a runner inside the network (Azure: a VNet runner), or an allow-listed address for a `restricted` API |
 *
 * Every tunnel is SSH with the bastion's host key PINNED (the program generates it and exports
 * its fingerprint) and a local SOCKS5 proxy the Kubernetes provider uses through
 * PLATFORM_KUBE_PROXY_URL. Sources: AWS Session Manager "Start a session" (AWS-StartSSHSession,
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-getting-started-enable-ssh-connections.html);
 * gcloud compute start-iap-tunnel `--listen-on-stdin`
 * (https://cloud.google.com/sdk/gcloud/reference/compute/start-iap-tunnel).
 */
import { ChildProcess, spawn as nodeSpawn } from "child_process";
import { Duplex } from "stream";

import { Cloud, UsageError } from "./names";
import { openTunnel, SshTransport, Tunnel, TunnelArgs } from "./tunnel";

export const ROUTES = ["direct", "ssh", "ssm", "iap"] as const;
export type Route = (typeof ROUTES)[number];

/** The environment variable the in-cluster program reads its route from (components/config/incluster.ts). */
export const KUBE_PROXY_ENV = "PLATFORM_KUBE_PROXY_URL";

/**
 * The default route per cloud: its own tunnel where it has one that needs no inbound SSH (AWS
 * SSM, GCP IAP); on Azure, `direct` from a runner inside the VNet (AKS private clusters are
 * reached from the VNet; Azure Bastion's tunnel is a paid add-on this blueprint does not create).
 */
export const DEFAULT_ROUTE: Readonly<Record<Cloud, Route>> = { aws: "ssm", gcp: "iap", azure: "direct" };

/** Which clouds a route works on. */
const ROUTE_CLOUDS: Readonly<Record<Route, readonly Cloud[]>> = { direct: ["aws", "azure", "gcp"], ssh: ["aws", "azure", "gcp"], ssm: ["aws"], iap: ["gcp"] };

export function parseRoute(value: string | undefined, cloud: Cloud): Route {
    const route = (value ?? DEFAULT_ROUTE[cloud]) as Route;
    if (!(ROUTES as readonly string[]).includes(route)) {
        throw new UsageError(`--route "${value}" is not a route: use one of ${ROUTES.join(", ")} (default for ${cloud}: ${DEFAULT_ROUTE[cloud]}).`);
    }
    if (!ROUTE_CLOUDS[route].includes(cloud)) {
        throw new UsageError(`--route ${route} works on ${ROUTE_CLOUDS[route].join(", ")} only; this stack is on ${cloud}: use ${ROUTES.filter((r) => ROUTE_CLOUDS[r].includes(cloud)).join(", ")}.`);
    }
    return route;
}

/** The platform stack outputs a route reads (plain values; secrets already revealed by the caller). */
export interface RouteOutputs {
    readonly cloud: Cloud;
    readonly region: string;
    readonly bastionPublicIp?: string;
    readonly bastionSshUser?: string;
    readonly bastionPrivateKeyPem?: string;
    readonly bastionHostKeyFingerprint?: string;
    readonly bastionTunnelTarget?: string;
    readonly bastionZone?: string;
    /** GCP: the project (IAP names it). */
    readonly gcpProject?: string;
}

const NEEDS: Readonly<Record<Route, readonly (keyof RouteOutputs)[]>> = {
    direct: [],
    ssh: ["bastionPublicIp", "bastionSshUser", "bastionPrivateKeyPem", "bastionHostKeyFingerprint"],
    ssm: ["bastionTunnelTarget", "bastionSshUser", "bastionPrivateKeyPem", "bastionHostKeyFingerprint"],
    iap: ["bastionTunnelTarget", "bastionZone", "gcpProject", "bastionSshUser", "bastionPrivateKeyPem", "bastionHostKeyFingerprint"],
};

/** The outputs a route needs that the stack does not export (empty: ready). */
export function missingForRoute(route: Route, outputs: Partial<RouteOutputs>): string[] {
    return NEEDS[route].filter((k) => outputs[k] === undefined || outputs[k] === "");
}

/** The command a stream transport runs: argv[0] and its arguments. */
export function transportCommand(route: "ssm" | "iap", o: RouteOutputs, sshPort = 22): string[] {
    switch (route) {
        case "ssm":
            // The SSH bytes travel over the SSM session's stdin/stdout (what ssh's ProxyCommand does).
            return ["aws", "ssm", "start-session", "--target", o.bastionTunnelTarget!, "--document-name", "AWS-StartSSHSession", "--parameters", `portNumber=${sshPort}`, "--region", o.region];
        case "iap":
            return ["gcloud", "compute", "start-iap-tunnel", o.bastionTunnelTarget!, String(sshPort), "--listen-on-stdin", `--zone=${o.bastionZone}`, `--project=${o.gcpProject}`, "--verbosity=warning"];
        default: {
            const impossible: never = route;
            throw new Error(`no transport command for ${String(impossible)}`);
        }
    }
}

export type Spawn = (command: string, args: readonly string[], env: NodeJS.ProcessEnv) => ChildProcess;

const defaultSpawn: Spawn = (command, args, env) => nodeSpawn(command, [...args], { stdio: ["pipe", "pipe", "pipe"], env });

/** A child process's stdio as one byte stream, and why the child failed (its stderr) if it did. */
export interface ChildStream extends Duplex {
    /** Resolves once the child has exited (or 1 s passed): its last stderr line when it failed. */
    failure(): Promise<string | undefined>;
}

/** Wraps a child's stdin/stdout as a Duplex; stderr goes to the log; destroying it stops the child. */
export function childStream(child: ChildProcess, describe: string, log: (line: string) => void): ChildStream {
    let tail = "";
    let exitCode: number | null | undefined;
    let startError: Error | undefined;
    const exited = new Promise<void>((resolve) => {
        child.once("exit", (code) => {
            exitCode = code;
            resolve();
        });
        child.once("error", (err) => {
            startError = err;
            resolve();
        });
    });
    const stdout = child.stdout!;
    const stdin = child.stdin!;
    const stream = new Duplex({
        read() {
            stdout.resume();
        },
        write(chunk: Buffer, _enc, cb) {
            stdin.write(chunk, cb);
        },
        final(cb) {
            stdin.end();
            cb();
        },
        destroy(err, cb) {
            if (child.exitCode === null && !child.killed) child.kill("SIGTERM");
            cb(err);
        },
    }) as ChildStream;
    stdout.on("data", (d: Buffer) => {
        if (!stream.push(d)) stdout.pause();
    });
    stdout.on("end", () => stream.push(null));
    stdin.on("error", () => undefined); // EPIPE after the child died: reported through failure()
    child.stderr?.on("data", (d: Buffer) => {
        tail = (tail + d.toString("utf8")).slice(-2000);
        for (const line of d.toString("utf8").split("\n").filter((l) => l.trim() !== "")) log(`${describe}: ${line.trim()}`);
    });
    stream.failure = async () => {
        await Promise.race([exited, new Promise((r) => setTimeout(r, 1000).unref())]);
        if (startError) return `${describe} could not start: ${startError.message}`;
        if (exitCode !== undefined && exitCode !== 0 && exitCode !== null) {
            const last = tail.trim().split("\n").pop();
            return `${describe} exited with ${exitCode}${last ? `: ${last}` : ""}`;
        }
        return undefined;
    };
    return stream;
}

export interface OpenedRoute {
    readonly route: Route;
    /** Set for tunnels: what the in-cluster run gets as PLATFORM_KUBE_PROXY_URL. */
    readonly proxyUrl?: string;
    close(): Promise<void>;
}

export interface OpenRouteOptions {
    readonly socksPort: number;
    readonly sshPort: number;
    readonly log: (line: string) => void;
    readonly env?: NodeJS.ProcessEnv;
    /** Injectable for tests. */
    readonly spawn?: Spawn;
    readonly openTunnel?: (a: TunnelArgs) => Promise<Tunnel>;
}

/** Opens the route (a no-op for `direct`); always close it, also on failure. */
export async function openRoute(route: Route, outputs: RouteOutputs, o: OpenRouteOptions): Promise<OpenedRoute> {
    if (route === "direct") {
        return { route, close: async () => undefined };
    }
    const missing = missingForRoute(route, outputs);
    if (missing.length > 0) {
        throw new Error(`route ${route} needs the platform outputs ${missing.join(", ")}; the stack does not export them (deploy the platform layer first, or choose another --route)`);
    }
    let transport: SshTransport;
    if (route === "ssh") {
        transport = { kind: "tcp", host: outputs.bastionPublicIp!, port: o.sshPort };
    } else {
        const [command, ...args] = transportCommand(route, outputs, o.sshPort);
        const describe = `${command} ${args.slice(0, 2).join(" ")} (${route})`;
        const spawn = o.spawn ?? defaultSpawn;
        transport = { kind: "stream", describe, open: () => childStream(spawn(command, args, { ...process.env, ...o.env }), describe, o.log) };
    }
    const tunnel = await (o.openTunnel ?? openTunnel)({
        transport,
        host: outputs.bastionTunnelTarget ?? outputs.bastionPublicIp ?? "bastion",
        port: o.sshPort,
        username: outputs.bastionSshUser!,
        privateKey: outputs.bastionPrivateKeyPem!,
        socksPort: o.socksPort,
        hostKeyFingerprint: outputs.bastionHostKeyFingerprint!,
        log: o.log,
    });
    return { route, proxyUrl: tunnel.proxyUrl, close: () => tunnel.close() };
}
