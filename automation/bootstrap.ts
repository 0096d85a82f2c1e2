/**
 * `bootstrap --stack <s>`: the supported way to bring up (and update) a stack whose Kubernetes
 * API is private. The machine running `pulumi up` cannot reach a private endpoint, and on the
 * first run the bastion it would tunnel through does not exist yet. So:
 *   phase one  `up` with platform:addonsEnabled=false: network, bastion, cluster, tool VMs;
 *   tunnel     SSH to the bastion from the stack's outputs, local SOCKS5 on 127.0.0.1:<port>;
 *   phase two  `up` with platform:addonsEnabled=true and platform:kubeProxyUrl=socks5://...,
 *              so the program's Kubernetes provider reaches the API through the tunnel;
 *   close the tunnel (always, also on failure).
 * Phase one is skipped when the stack already has its bastion and cluster: re-running it with
 * add-ons disabled would DELETE every add-on.
 */
import { OutputMap, Stack } from "@pulumi/pulumi/automation";

import { readStackConfig, toConfigJson } from "./config";
import { policyPackFor } from "./ephemeral";
import { CLOUDS, formatDuration, UsageError } from "./names";
import { projectWorkspace, Runtime, streaming } from "./runtime";
import { openTunnel, Tunnel, TunnelArgs } from "./tunnel";

export interface BootstrapArgs {
    readonly stack: string;
    readonly socksPort: number;
    readonly sshPort: number;
    /** Injectable for tests; default opens the real ssh2 tunnel. */
    readonly openTunnel?: (a: TunnelArgs) => Promise<Tunnel>;
}

/** Outputs the program must export for phase two (see docs/automation.md). */
export const REQUIRED_OUTPUTS = ["bastionPublicIp", "bastionSshUser", "bastionPrivateKeyPem", "clusterKubeconfig"] as const;

const STACK_NAME = new RegExp(`^(dev|staging|prod)-(${CLOUDS.join("|")})$`);

export type EndpointAccess = "restricted" | "private";

/** Reads `platform:cluster.endpointAccess` from the stack file; the design's default is private for prod. */
export function endpointAccessOf(config: Readonly<Record<string, unknown>>, env: string): EndpointAccess {
    const cluster = config["platform:cluster"] as { endpointAccess?: unknown } | undefined;
    const v = cluster?.endpointAccess ?? (env === "prod" ? "private" : "restricted");
    if (v !== "restricted" && v !== "private") {
        throw new UsageError(`platform:cluster.endpointAccess is "${String(v)}": use "restricted" or "private".`);
    }
    return v;
}

export async function bootstrap(rt: Runtime, a: BootstrapArgs): Promise<string> {
    const m = STACK_NAME.exec(a.stack);
    if (m === null) {
        throw new UsageError(`--stack "${a.stack}" is not a platform stack: use <dev|staging|prod>-<${CLOUDS.join("|")}>, e.g. prod-aws.`);
    }
    const env = m[1];
    const access = endpointAccessOf(readStackConfig(rt.projectDir, a.stack), env);
    const policy = policyPackFor(rt.projectDir, env);
    const started = rt.now();
    const ws = await projectWorkspace(rt);
    const stack = await Stack.createOrSelect(a.stack, ws);
    const upOpts = { policyPacks: [policy.pack], policyPackConfigs: [policy.config], ...streaming(rt) };
    const setConfig = (values: Record<string, unknown>) =>
        stack.setAllConfigJson(JSON.stringify(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, toConfigJson(v)]))));

    if (access === "restricted") {
        rt.log(`==> ${a.stack}: API endpoint is restricted (reachable from allow-listed CIDRs): one up, no tunnel`);
        await setConfig({ "platform:addonsEnabled": true });
        await stack.up({ ...upOpts, message: "bootstrap (restricted endpoint)" });
        return `${a.stack}: up in ${formatDuration(rt.now().getTime() - started.getTime())} (single phase)`;
    }

    let outputs = await stack.outputs();
    if (hasCore(outputs)) {
        rt.log(`==> phase one skipped: ${a.stack} already has its bastion and cluster (re-running it would remove the add-ons)`);
    } else {
        rt.log(`==> phase one: ${a.stack} without in-cluster add-ons (the private API is not reachable yet)`);
        await setConfig({ "platform:addonsEnabled": false });
        outputs = (await stack.up({ ...upOpts, message: "bootstrap phase one: core without add-ons" })).outputs;
    }
    const missing = REQUIRED_OUTPUTS.filter((k) => outputs[k] === undefined || outputs[k].value === "");
    if (missing.length > 0) {
        throw new Error(`${a.stack} does not export ${missing.join(", ")}: phase two needs them to tunnel through the bastion.`);
    }
    const str = (k: string) => String(outputs[k].value);
    rt.log(`==> opening the SSH tunnel through the bastion ${str("bastionSshUser")}@${str("bastionPublicIp")}:${a.sshPort}`);
    const tunnel = await (a.openTunnel ?? openTunnel)({
        host: str("bastionPublicIp"),
        port: a.sshPort,
        username: str("bastionSshUser"),
        privateKey: str("bastionPrivateKeyPem"),
        socksPort: a.socksPort,
        hostKeyFingerprint: outputs.bastionHostKeyFingerprint ? str("bastionHostKeyFingerprint") : undefined,
        log: rt.log,
    });
    try {
        rt.log(`==> phase two: in-cluster add-ons through ${tunnel.proxyUrl}`);
        await setConfig({ "platform:addonsEnabled": true, "platform:kubeProxyUrl": tunnel.proxyUrl });
        await stack.up({ ...upOpts, message: "bootstrap phase two: add-ons through the bastion tunnel" });
    } finally {
        await tunnel.close();
    }
    return `${a.stack}: bootstrapped in ${formatDuration(rt.now().getTime() - started.getTime())} (private endpoint, add-ons through the bastion)`;
}

function hasCore(outputs: OutputMap): boolean {
    return outputs.bastionPublicIp !== undefined && outputs.clusterKubeconfig !== undefined;
}
