/**
 * `npm run env -- <command>`: both layers of an environment, ephemeral per-PR environments, and
 * the locks CI leaves behind. Every command validates its input before it creates a workspace or
 * calls the CLI; the Pulumi CLI itself is checked (present, new enough) before its first use.
 */
import { Command, CommanderError, Option } from "commander";

import { deploy } from "./deploy";
import { BusyError, destroy, EXIT_BUSY, formatRows, list, reap, unlock, up } from "./ephemeral";
import { CLOUDS, ephemeralStackName, parseCloud, parsePr, parseScope, parseTtl, UsageError } from "./names";
import { ROUTES } from "./routes";
import { defaultRuntime, parseSecretsProvider, Runtime } from "./runtime";

interface Io {
    readonly out: (line: string) => void;
}

const ROUTE_HELP = `how this run reaches the Kubernetes API: ${ROUTES.join(", ")} (default: aws ssm, gcp iap, azure direct)`;

export function buildProgram(rt: Runtime, io: Io = { out: (l) => process.stdout.write(`${l}\n`) }): Command {
    let runtime = rt;
    const program = new Command("env")
        .description("Both layers of an environment (platform, in-cluster), ephemeral per-PR environments, stack locks (Pulumi Automation API)")
        .showHelpAfterError("(add --help for usage)")
        .exitOverride()
        .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => rt.log(s.trimEnd()) })
        .option("--secrets-provider <provider>", "secrets provider for stacks this run CREATES: passphrase, awskms://..., azurekeyvault://..., gcpkms://... (default: the backend's)")
        .hook("preAction", (cmd) => {
            const sp = parseSecretsProvider(cmd.opts<{ secretsProvider?: string }>().secretsProvider);
            runtime = sp ? { ...rt, secretsProvider: sp } : rt;
        });

    program
        .command("deploy")
        .description("preview then up the platform stack, open the route to its API, preview then up the in-cluster stack (policy pack enforced on both)")
        .requiredOption("--stack <name>", "a stack of stacks/ and incluster/stacks/, e.g. prod-aws")
        .option("--route <route>", ROUTE_HELP)
        .option("--preview", "preview both layers; change nothing")
        .option("--socks-port <port>", "local SOCKS5 port of a tunnel route (0: any free port)", "0")
        .option("--ssh-port <port>", "the bastion's SSH port", "22")
        .action(async (o: { stack: string; route?: string; preview?: boolean; socksPort: string; sshPort: string }) => {
            io.out(
                await deploy(runtime, {
                    stack: o.stack,
                    route: o.route,
                    previewOnly: o.preview === true,
                    socksPort: parsePort(o.socksPort, "--socks-port", true),
                    sshPort: parsePort(o.sshPort, "--ssh-port"),
                }),
            );
        });

    program
        .command("up")
        .description("create or update the ephemeral environment of a pull request (both layers, or a namespace; policy pack enforced)")
        .requiredOption("--pr <n>", "pull request number")
        .addOption(new Option("--cloud <cloud>", "cloud of the environment").choices([...CLOUDS]).makeOptionMandatory())
        .option("--ttl <duration>", "lifetime from now, e.g. 90m, 8h, 2d, 1d12h (15m..7d)", "8h")
        .addOption(new Option("--scope <scope>", "stack: a whole platform per PR; namespace: a namespace on the dev cluster").choices(["stack", "namespace"]).default("stack"))
        .option("--route <route>", `stack scope: ${ROUTE_HELP}`)
        .option("--owner <name>", "owner tag (default: $GITHUB_ACTOR, $BUILD_USER_ID or `pulumi whoami`)")
        .option("--dev-stack <org/project/stack>", "namespace scope: dev stack holding the kubeconfig (default $PULUMI_ORG/platform/dev-<cloud>)")
        .option("--repo-url <url>", "namespace scope: Git repository Argo CD syncs (default: this GitHub repository)")
        .option("--revision <rev>", "namespace scope: revision Argo CD deploys (default refs/pull/<n>/head)")
        .option("--app-path <path>", "namespace scope: manifests path in the repository", "deploy")
        .action(async (o: Record<string, string | undefined>) => {
            const pr = parsePr(o.pr);
            const cloud = parseCloud(o.cloud);
            const ttlMs = parseTtl(o.ttl);
            const scope = parseScope(o.scope);
            const r = await up(runtime, {
                pr,
                cloud,
                ttl: o.ttl ?? "8h",
                ttlMs,
                scope,
                route: o.route,
                owner: o.owner,
                devStack: o.devStack,
                repoUrl: o.repoUrl,
                revision: o.revision,
                appPath: o.appPath,
            });
            io.out(r.summary);
        });

    program
        .command("destroy")
        .description("destroy and remove one ephemeral environment (in-cluster stack first, through the route)")
        .option("--pr <n>", "pull request number")
        .option("--cloud <cloud>", "cloud of the environment (aws, azure, gcp)")
        .option("--stack <name>", "the stack name instead of --pr/--cloud (must be ephemeral-pr<n>-<cloud>)")
        .option("--route <route>", ROUTE_HELP)
        .action(async (o: Record<string, string | undefined>) => {
            io.out(await destroy(runtime, stackNameOf(o), { route: o.route }));
        });

    program
        .command("list")
        .description("list ephemeral environments with their PR, owner and expiry")
        .option("--cloud <cloud>", "only this cloud's")
        .option("--json", "machine-readable output")
        .action(async (o: { json?: boolean; cloud?: string }) => {
            const rows = await list(runtime, o.cloud === undefined ? undefined : parseCloud(o.cloud));
            io.out(o.json ? JSON.stringify(rows, null, 2) : formatRows(rows));
        });

    program
        .command("reap")
        .description("destroy and remove every ephemeral environment of one cloud past its expiry (run with that cloud's credentials)")
        .requiredOption("--cloud <cloud>", "the cloud whose environments to reap (aws, azure, gcp)")
        .option("--route <route>", ROUTE_HELP)
        .action(async (o: { cloud: string; route?: string }) => {
            const r = await reap(runtime, parseCloud(o.cloud), { route: o.route });
            io.out(
                `reaped ${r.reaped.length}${r.reaped.length ? `: ${r.reaped.join(", ")}` : ""}; busy ${r.busy.length}${r.busy.length ? ` (left for the next run: ${r.busy.join(", ")})` : ""}; ` +
                    `failed ${r.failed.length}; skipped ${r.skipped.length}`,
            );
            if (r.failed.length > 0) {
                throw new Error(`reap failed for ${r.failed.map((f) => `${f.stack} (${f.error})`).join("; ")}`);
            }
        });

    program
        .command("unlock")
        .description("cancel the update holding a stack and clear its lock (a cancelled CI job leaves one); every layer of that name")
        .option("--pr <n>", "pull request number")
        .option("--cloud <cloud>", "cloud of the environment (aws, azure, gcp)")
        .option("--stack <name>", "any stack name, e.g. ephemeral-pr42-aws or prod-aws")
        .action(async (o: Record<string, string | undefined>) => {
            io.out(await unlock(runtime, o.stack !== undefined && o.pr === undefined && o.cloud === undefined ? o.stack : stackNameOf(o)));
        });

    return program;
}

function stackNameOf(o: Record<string, string | undefined>): string {
    if (o.stack !== undefined) {
        if (o.pr !== undefined || o.cloud !== undefined) throw new UsageError("give either --stack or --pr with --cloud, not both.");
        return o.stack;
    }
    return ephemeralStackName(parsePr(o.pr), parseCloud(o.cloud));
}

function parsePort(v: string, flag: string, allowZero = false): number {
    if (!/^[0-9]{1,5}$/.test(v) || Number(v) < (allowZero ? 0 : 1) || Number(v) > 65535) {
        throw new UsageError(`${flag} "${v}" is not a TCP port: use ${allowZero ? 0 : 1}..65535.`);
    }
    return Number(v);
}

/** Runs the CLI; resolves to the process exit code (0 ok, 1 failed operation, 2 bad usage, 75 busy: retry later). */
export async function main(argv: readonly string[], rt: Runtime = defaultRuntime(), io?: Io): Promise<number> {
    const program = buildProgram(rt, io);
    try {
        await program.parseAsync([...argv], { from: "user" });
        return 0;
    } catch (err) {
        if (err instanceof CommanderError) {
            // --help and --version exit through here with code 0.
            return err.exitCode === 0 ? 0 : 2;
        }
        if (err instanceof UsageError) {
            rt.log(`error: ${err.message}`);
            return 2;
        }
        if (err instanceof BusyError) {
            rt.log(`busy: ${err.message}`);
            return EXIT_BUSY;
        }
        rt.log(`error: ${err instanceof Error ? err.message : String(err)}`);
        return 1;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (err) => {
            process.stderr.write(`${String(err)}\n`);
            process.exit(1);
        },
    );
}
