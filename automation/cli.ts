/**
 * `npm run env -- <command>`: ephemeral environments and private-cluster bootstrap.
 * Every command validates its input before it creates a workspace or calls the CLI.
 */
import { Command, CommanderError, Option } from "commander";

import { bootstrap } from "./bootstrap";
import { destroy, formatRows, list, reap, up } from "./ephemeral";
import { ephemeralStackName, parseCloud, parsePr, parseScope, parseTtl, UsageError } from "./names";
import { defaultRuntime, Runtime } from "./runtime";

interface Io {
    readonly out: (line: string) => void;
}

export function buildProgram(rt: Runtime, io: Io = { out: (l) => process.stdout.write(`${l}\n`) }): Command {
    const program = new Command("env")
        .description("Ephemeral per-PR environments and private-cluster bootstrap (Pulumi Automation API)")
        .showHelpAfterError("(add --help for usage)")
        .exitOverride()
        .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => rt.log(s.trimEnd()) });

    program
        .command("up")
        .description("create or update the ephemeral environment of a pull request (policy pack enforced)")
        .requiredOption("--pr <n>", "pull request number")
        .addOption(new Option("--cloud <cloud>", "cloud of the environment").choices(["aws", "azure", "gcp"]).makeOptionMandatory())
        .option("--ttl <duration>", "lifetime from now, e.g. 90m, 8h, 2d, 1d12h (15m..7d)", "8h")
        .addOption(new Option("--scope <scope>", "stack: a whole platform stack; namespace: a namespace on the dev cluster").choices(["stack", "namespace"]).default("stack"))
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
            const r = await up(rt, {
                pr,
                cloud,
                ttl: o.ttl ?? "8h",
                ttlMs,
                scope,
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
        .description("destroy and remove one ephemeral environment (in-cluster objects first)")
        .option("--pr <n>", "pull request number")
        .option("--cloud <cloud>", "cloud of the environment (aws, azure, gcp)")
        .option("--stack <name>", "the stack name instead of --pr/--cloud (must be ephemeral-pr<n>-<cloud>)")
        .action(async (o: Record<string, string | undefined>) => {
            let name: string;
            if (o.stack !== undefined) {
                if (o.pr !== undefined || o.cloud !== undefined) throw new UsageError("give either --stack or --pr with --cloud, not both.");
                name = o.stack;
            } else {
                name = ephemeralStackName(parsePr(o.pr), parseCloud(o.cloud));
            }
            io.out(await destroy(rt, name));
        });

    program
        .command("list")
        .description("list ephemeral environments with their PR, owner and expiry")
        .option("--json", "machine-readable output")
        .action(async (o: { json?: boolean }) => {
            const rows = await list(rt);
            io.out(o.json ? JSON.stringify(rows, null, 2) : formatRows(rows));
        });

    program
        .command("reap")
        .description("destroy and remove every ephemeral environment past its expiry")
        .action(async () => {
            const r = await reap(rt);
            io.out(`reaped ${r.reaped.length}${r.reaped.length ? `: ${r.reaped.join(", ")}` : ""}; failed ${r.failed.length}; skipped ${r.skipped.length}`);
            if (r.failed.length > 0) {
                throw new Error(`reap failed for ${r.failed.map((f) => `${f.stack} (${f.error})`).join("; ")}`);
            }
        });

    program
        .command("bootstrap")
        .description("bring up a stack whose cluster API is private: core first, then add-ons through a bastion SSH tunnel")
        .requiredOption("--stack <name>", "the stack, e.g. prod-aws")
        .option("--socks-port <port>", "local SOCKS5 port of the tunnel (kept stable: it is part of the stack config)", "1080")
        .option("--ssh-port <port>", "bastion SSH port", "22")
        .action(async (o: { stack: string; socksPort: string; sshPort: string }) => {
            io.out(await bootstrap(rt, { stack: o.stack, socksPort: parsePort(o.socksPort, "--socks-port"), sshPort: parsePort(o.sshPort, "--ssh-port") }));
        });

    return program;
}

function parsePort(v: string, flag: string): number {
    if (!/^[0-9]{1,5}$/.test(v) || Number(v) < 1 || Number(v) > 65535) {
        throw new UsageError(`${flag} "${v}" is not a TCP port: use 1..65535.`);
    }
    return Number(v);
}

/** Runs the CLI; resolves to the process exit code (0 ok, 1 failed operation, 2 bad usage). */
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
