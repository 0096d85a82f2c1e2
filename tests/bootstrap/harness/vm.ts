/**
 * The executed-script harness: a VM's rendered user data, run by bash, against recording stubs.
 *
 * A `HarnessVm` is one VM of one role on one cloud:
 * - `root/` is its disk: every `write_files` entry lands there, and every absolute path the
 *   scripts use is rewritten to point inside it (the transforms below); a guard refuses a script
 *   in which any system path survived, so nothing can reach the host's real files.
 * - `state/` is the world around it: the package database and repositories, services, block
 *   devices and their contents (outside the VM, so they survive a replacement), the clouds'
 *   secret stores and buckets, the mirror of the internet, the call log and the faults.
 * - `bin/` is the only PATH: the stubs (tests/bootstrap/harness/stub.sh, one file dispatched on
 *   its name) and an allowlist of harmless real tools (coreutils, grep, sed, awk, jq, openssl,
 *   tar, sha256sum, timeout, flock). Any other command is "not found", so a script that starts
 *   using something new fails here first.
 *
 * Transforms applied to the rendered files (and nothing else):
 * 1. absolute system paths -> the VM root (`/etc/fstab` -> `<root>/etc/fstab`);
 * 2. `[ -b PATH ]` -> `[ -e PATH ]`: device nodes cannot be created without root, so attached
 *    disks are plain files here;
 * 3. the pinned node_exporter sha256 -> the sha256 of the stand-in tarball the mirror serves
 *    (the real `sha256sum -c` still runs on it, so a corrupted download is still refused).
 *
 * Scenarios (issue 17, item 1; issue 22 adds its own with the same calls): `fault()` makes a
 * command fail N times or always; `boot()` runs the runcmd; `reboot()` keeps the disk and
 * re-mounts from fstab; `replace()` gives a fresh root disk but keeps the data disk and the
 * cloud (secrets, buckets), as a VM replacement does.
 */
import { execFile, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";
import { APT_REPOSITORIES, BootstrapRole, Cloud, PINNED_VERSIONS, renderBootstrapDocument, SecretRef } from "../../../components/bootstrap";
import { dataDiskCandidates } from "../../../components/bootstrap/scripts";
import { JENKINS_PLUGIN_MANAGER, nodeExporterUrl, NODE_EXPORTER_SHA256, wazuhInstallerUrl } from "../../../components/bootstrap/versions";
import { OPERATIONS, paramsFor } from "../fixtures";
import type { BootstrapOperations } from "../../../components/bootstrap";

const run = promisify(execFile);
const HERE = __dirname;
const STUB = path.join(HERE, "stub.sh");

/** Commands answered by stub.sh. `aws` appears only once `snap install aws-cli` ran. */
export const STUBBED_COMMANDS = [
    "apt-get", "apt-mark", "augenrules", "blkid", "chown", "curl", "dpkg", "dpkg-query", "filebeat", "findmnt", "free", "getent", "gpg",
    "groupadd", "hostname", "id", "install", "logger", "lsblk", "mkfs.ext4", "mount", "mountpoint", "nginx", "sleep", "snap", "sshd",
    "sysctl", "systemctl", "udevadm", "update-ca-certificates", "useradd", "usermod", "vault", "visudo", "wazuh-install-fault",
    "java", "unzip",
] as const;

/** Real tools the scripts may use: they only read and write the paths they are given. */
export const REAL_TOOLS = [
    "awk", "base64", "basename", "bash", "cat", "chmod", "cmp", "cp", "cut", "date", "dirname", "env", "find", "flock", "grep",
    "gzip", "head", "jq", "ln", "ls", "mkdir", "mktemp", "mv", "openssl", "readlink", "rm", "sed", "seq", "sha256sum", "sort",
    "ssh-keygen", "stat", "tail", "tar", "tee", "timeout", "touch", "tr", "uniq", "wc",
] as const;

/** System paths the scripts may name; each is rewritten into the VM root. */
const ROOTED = ["etc", "var", "opt", "usr/local", "usr/share/wazuh-dashboard", "root", "run", "srv", "mnt", "home", "snap", "dev/disk", "dev/sd[a-z]+", "dev/xvd[a-z]+", "dev/nvme[0-9a-z]+"];
/** A path starts after anything that cannot be part of a path (or a URL's host). */
const BEFORE = "(^|[^A-Za-z0-9_.~/$-])";
const PATH_RE = new RegExp(`${BEFORE}/(${ROOTED.join("|")})(?=[/\\s"';:)|,}\\]]|$)`, "gm");
const ESCAPED_RE = new RegExp(`${BEFORE}/(etc|var|opt|usr/local|usr/share/wazuh-dashboard|root|run|srv|mnt|home|snap|dev/disk)(?=[^A-Za-z0-9_.-]|$)`, "m");

/** One recorded command. */
export interface Call {
    readonly step: string;
    readonly cmd: string;
    readonly args: readonly string[];
}

/** A failure on demand: `cmd` calls whose arguments match `match` (ERE) fail `times` times. */
export interface Fault {
    readonly cmd: string;
    readonly match: string;
    readonly times: number | "always";
    readonly exit: number;
    readonly message: string;
}

export interface RunResult {
    readonly exitCode: number;
    readonly stdout: string;
    readonly stderr: string;
    /** Calls made during this run only. */
    readonly calls: readonly Call[];
}

export interface StepStatus {
    readonly name: string;
    readonly status: "ok" | "failed" | "skipped";
    readonly exitCode: number | null;
    readonly seconds: number;
}

export interface BootStatus {
    readonly role: BootstrapRole;
    readonly result: "ok" | "failed";
    readonly finished: string;
    readonly steps: readonly StepStatus[];
}

/** Where each cloud attaches the VM's disks (device names as the guest sees them). */
const DISKS: Record<Cloud, { root: string; data: string }> = {
    aws: { root: "nvme0n1", data: "nvme1n1" },
    azure: { root: "sda", data: "sdc" },
    gcp: { root: "sda", data: "sdb" },
};

/** Private addresses of the fixture VMs; the Wazuh VM's is the managers' address where it is one. */
const ADDRESSES: Record<Cloud, Record<BootstrapRole, string>> = {
    aws: { bastion: "10.20.0.10", jenkins: "10.20.3.10", vault: "10.20.3.11", wazuh: "10.20.3.17" },
    azure: { bastion: "10.40.0.10", jenkins: "10.40.3.10", vault: "10.40.3.11", wazuh: "10.40.3.12" },
    gcp: { bastion: "10.30.0.10", jenkins: "10.30.3.10", vault: "10.30.3.11", wazuh: "10.30.3.9" },
};

/** The cloud's default user, with the key the cloud installed (components/bootstrap DEFAULT_SSH_USER). */
const IMAGE_DEFAULT_USER: Record<Cloud, string | undefined> = { aws: "ubuntu", azure: "azureuser", gcp: undefined };
/** The shared key the cloud puts in the default user's authorized_keys. */
export const CLOUD_DEFAULT_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBmT1M2bWsTQEoRa+ZCv0gkZ2Y1H0N+9SAkMWq7qsXqV platform-automation";

/** Units an Ubuntu 24.04 cloud image has before any package is added. */
const IMAGE_UNITS = ["ssh.service", "apt-daily.timer", "apt-daily-upgrade.timer", "snapd.service"];

export const ENROLLMENT_PASSWORD = "harness-enrollment-password";

// ---------------------------------------------------------------------------------------------
// Shared assets (built once per process): the internet's mirror and the platform CA
// ---------------------------------------------------------------------------------------------

interface Assets {
    readonly dir: string;
    readonly mirror: Record<string, string>;
    readonly nodeExporterSha: string;
    readonly caCert: string;
    readonly caKey: string;
}

let assets: Assets | undefined;
let tools: Record<string, string> | undefined;

/** Where the real tools are on this machine (resolved once). */
function realTools(): Record<string, string> {
    if (!tools) {
        const names = [...REAL_TOOLS, "install"];
        const paths = sh("bash", ["-c", names.map((t) => `command -v ${t}`).join("; ")]).trim().split("\n");
        if (paths.length !== names.length) throw new Error(`harness: missing real tools among ${names.join(" ")}`);
        tools = Object.fromEntries(names.map((t, i) => [t, paths[i]]));
    }
    return tools;
}

function sh(cmd: string, args: string[], cwd?: string): string {
    return execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function sharedAssets(): Assets {
    if (assets) return assets;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bootstrap-harness-assets-"));
    process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
    const mirror: Record<string, string> = {};
    // Vendor keys: one primary key each, with the fingerprint the vendor publishes.
    for (const repo of Object.values(APT_REPOSITORIES)) {
        const f = path.join(dir, `${repo.name}.key`);
        fs.writeFileSync(f, `FPR:${repo.keyFingerprint}\n`);
        mirror[repo.keyUrl] = f;
    }
    // A real tarball with a stand-in binary that reports the pinned version.
    const ne = path.join(dir, `node_exporter-${PINNED_VERSIONS.nodeExporter}.linux-amd64`);
    fs.mkdirSync(ne);
    fs.writeFileSync(path.join(ne, "node_exporter"), `#!/bin/bash\necho "node_exporter, version ${PINNED_VERSIONS.nodeExporter} (branch: HEAD, revision: harness)"\n`, { mode: 0o755 });
    const tarball = path.join(dir, "node_exporter.tar.gz");
    sh("tar", ["-czf", tarball, "-C", dir, path.basename(ne)]);
    mirror[nodeExporterUrl("amd64")] = tarball;
    mirror[wazuhInstallerUrl()] = path.join(HERE, "wazuh-install.sh");
    // The plugin manager's jar and the sha256 its release publishes beside it (the jar here is
    // a stand-in: the java stub plays the manager).
    const pm = path.join(dir, "jenkins-plugin-manager.jar");
    fs.writeFileSync(pm, "stand-in for jenkins-plugin-manager\n");
    fs.writeFileSync(`${pm}.sha256`, `${createHash("sha256").update(fs.readFileSync(pm)).digest("hex")}\n`);
    mirror[JENKINS_PLUGIN_MANAGER.url] = pm;
    mirror[`${JENKINS_PLUGIN_MANAGER.url}.sha256`] = `${pm}.sha256`;
    // The platform CA (the program issues it with @pulumi/tls; here openssl plays that part).
    const caKey = path.join(dir, "ca.key");
    const caCert = path.join(dir, "ca.crt");
    sh("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "30", "-subj", "/CN=harness internal CA", "-keyout", caKey, "-out", caCert]);
    assets = { dir, mirror, nodeExporterSha: createHash("sha256").update(fs.readFileSync(tarball)).digest("hex"), caCert, caKey };
    return assets;
}

/** A TLS bundle (the JSON of components/bootstrap/pki.ts) for a host and address, signed by the harness CA. */
export function tlsBundle(hostname: string, ip: string, opts: { days?: number; otherKey?: boolean; sshHostKey?: boolean; operations?: BootstrapOperations } = {}): string {
    // The bastion's bundle carries its SSH host key, as the program issues it (pki.ts); a
    // scenario that wants it missing says sshHostKey: false.
    opts = { ...opts, sshHostKey: opts.sshHostKey ?? /-bastion$/.test(hostname) };
    const a = sharedAssets();
    const ops = opts.operations ?? OPERATIONS;
    const opsTag = createHash("sha256").update(JSON.stringify(ops)).digest("hex").slice(0, 8);
    const base = path.join(a.dir, `${hostname}-${ip}-${opts.days ?? 30}${opts.otherKey ? "-other" : ""}${opts.sshHostKey ? "-ssh" : ""}-${opsTag}`);
    if (!fs.existsSync(`${base}.json`)) {
        sh("openssl", ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", `/CN=${hostname}`, "-keyout", `${base}.key`, "-out", `${base}.csr`]);
        fs.writeFileSync(`${base}.ext`, `subjectAltName=DNS:${hostname},DNS:localhost,IP:${ip},IP:127.0.0.1\nextendedKeyUsage=serverAuth\n`);
        sh("openssl", ["x509", "-req", "-in", `${base}.csr`, "-CA", a.caCert, "-CAkey", a.caKey, "-CAcreateserial", "-days", String(opts.days ?? 30), "-extfile", `${base}.ext`, "-out", `${base}.crt`]);
        if (opts.otherKey) {
            sh("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-out", `${base}.key`]);
        }
        // The bastion's SSH host key (the program issues it with @pulumi/tls; ssh-keygen plays that part).
        if (opts.sshHostKey) sh("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "harness-host-key", "-f", `${base}.ssh`]);
        fs.writeFileSync(
            `${base}.json`,
            JSON.stringify({
                certificate: fs.readFileSync(`${base}.crt`, "utf8"),
                privateKey: fs.readFileSync(`${base}.key`, "utf8"),
                caCertificate: fs.readFileSync(a.caCert, "utf8"),
                operations: ops,
                ...(opts.sshHostKey ? { sshHostKey: fs.readFileSync(`${base}.ssh`, "utf8") } : {}),
            }),
        );
    }
    return fs.readFileSync(`${base}.json`, "utf8");
}

/** The storage key stub.sh uses for a secret reference. */
export function secretKey(ref: SecretRef): string {
    switch (ref.type) {
        case "aws-secretsmanager":
            return `aws:${ref.secretId}`;
        case "azure-keyvault":
            return `azure:${ref.vaultName}/${ref.secretName}`;
        case "gcp-secretmanager":
            return `gcp:${ref.project}/${ref.secret}`;
    }
}

/** Rewrites a rendered file for the VM root (transforms 1-3 above) and refuses any escape. */
export function rootScript(content: string, root: string, nodeExporterSha: string): string {
    const out = content
        .replace(PATH_RE, (_m, before: string, p: string) => `${before}${root}/${p}`)
        .replace(/\[ -b "/g, '[ -e "')
        .replace(NODE_EXPORTER_SHA256.amd64, nodeExporterSha);
    const escaped = out.match(ESCAPED_RE);
    if (escaped) {
        throw new Error(`harness: a system path escaped the VM root near ${JSON.stringify(out.slice(Math.max(0, (escaped.index ?? 0) - 40), (escaped.index ?? 0) + 40))}`);
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// The VM
// ---------------------------------------------------------------------------------------------

export interface HarnessVmOptions {
    /** Rendered user data; default: the fixture's params for this role and cloud. */
    readonly document?: string;
    readonly memoryMb?: number;
    readonly cores?: number;
    /** Extra environment for every run (e.g. HARNESS_NOISY=1: stubs chatter on stdout). */
    readonly env?: Readonly<Record<string, string>>;
}

export class HarnessVm {
    readonly base: string;
    readonly root: string;
    readonly state: string;
    readonly bin: string;
    readonly ip: string;
    readonly hostname: string;
    document: string;
    private readonly params: Record<string, unknown>;
    private files: { path: string; content: string; permissions: string }[];
    private memoryMb: number;

    constructor(
        readonly role: BootstrapRole,
        readonly cloud: Cloud,
        private readonly opts: HarnessVmOptions = {},
    ) {
        const a = sharedAssets();
        this.params = paramsFor(role, cloud) as unknown as Record<string, unknown>;
        this.hostname = this.params.hostname as string;
        this.ip = ADDRESSES[cloud][role];
        this.document = opts.document ?? renderBootstrapDocument(role, paramsFor(role, cloud));
        this.files = (parse(this.document) as { write_files: { path: string; content: string; permissions: string }[] }).write_files;
        this.memoryMb = opts.memoryMb ?? 7900;
        this.base = fs.mkdtempSync(path.join(os.tmpdir(), `bootstrap-vm-${role}-${cloud}-`));
        this.root = path.join(this.base, "root");
        this.state = path.join(this.base, "state");
        this.bin = path.join(this.base, "bin");
        fs.mkdirSync(this.bin);
        for (const c of STUBBED_COMMANDS) fs.symlinkSync(STUB, path.join(this.bin, c));
        for (const t of REAL_TOOLS) fs.symlinkSync(realTools()[t], path.join(this.bin, t));
        for (const d of ["pkgdb", "units", "devices", "disks", "secrets", "objects", "s3-policy", "apt", "vault", "indexer"]) fs.mkdirSync(path.join(this.state, d), { recursive: true });
        for (const f of ["users", "groups", "calls", "faults", "mounts", "held", "syslog", "installer-runs", "units/known"]) fs.writeFileSync(path.join(this.state, f), "");
        // The Wazuh manager this VM's agent talks to (the stub refuses an agent newer than it, as remoted does).
        fs.writeFileSync(path.join(this.state, "wazuh-manager-version"), `${PINNED_VERSIONS.wazuh}\n`);
        fs.writeFileSync(path.join(this.state, "vault/tokens"), "");
        // The cluster Jenkins reaches (its CA: any certificate does; the harness CA's).
        fs.mkdirSync(path.join(this.state, "cluster"));
        fs.copyFileSync(a.caCert, path.join(this.state, "cluster/ca.crt"));
        fs.writeFileSync(path.join(this.state, "mirror.tsv"), Object.entries(a.mirror).map(([u, f]) => `${u}\t${f}\n`).join(""));
        fs.writeFileSync(path.join(this.state, "apt/available"), this.aptAvailable());
        // The cloud around the VM: its secrets, its bucket's policy, its data disk.
        this.putSecret(this.params.wazuhEnrollmentSecret as SecretRef, ENROLLMENT_PASSWORD);
        this.putSecret(this.params.tlsSecret as SecretRef, tlsBundle(this.hostname, this.ip, { sshHostKey: role === "bastion" }));
        const backup = this.params.backup as { type: string; bucket?: string; kmsKeyArn?: string } | undefined;
        if (backup?.type === "s3") fs.writeFileSync(path.join(this.state, "s3-policy", backup.bucket!), backup.kmsKeyArn!);
        if (role !== "bastion") fs.writeFileSync(path.join(this.state, "devices", DISKS[cloud].data), "");
        this.installRoot();
    }

    /** Packages the VM's repositories serve: the distribution's, and each vendor's pinned one. */
    private aptAvailable(): string {
        const distro = ["auditd", "ca-certificates", "chrony", "curl", "gnupg", "jq", "openssl", "unattended-upgrades", "fontconfig", PINNED_VERSIONS.jenkinsJavaPackage, "nginx", "unzip"];
        return [
            ...distro.map((p) => `${p}\tdistro\t`),
            `jenkins\t${PINNED_VERSIONS.jenkins}\tjenkins.list`,
            `vault\t${PINNED_VERSIONS.vault}-1\thashicorp.list`,
            `wazuh-agent\t${PINNED_VERSIONS.wazuhAgent}-1\twazuh.list`,
            `wazuh-indexer\t${PINNED_VERSIONS.wazuh}-1\twazuh.list`,
            `wazuh-manager\t${PINNED_VERSIONS.wazuh}-1\twazuh.list`,
            `wazuh-dashboard\t${PINNED_VERSIONS.wazuh}-1\twazuh.list`,
        ].join("\n") + "\n";
    }

    /** A fresh root disk: the image, then cloud-init's write_files. */
    private installRoot(): void {
        const a = sharedAssets();
        fs.mkdirSync(path.join(this.root, "etc"), { recursive: true });
        for (const d of ["tmp", "root", "var/log", "var/lib", "var/tmp", "dev", "etc/apt/sources.list.d", "etc/systemd/system", "usr/local/bin", "usr/local/share/ca-certificates"]) {
            fs.mkdirSync(path.join(this.root, d), { recursive: true });
        }
        fs.writeFileSync(path.join(this.root, "etc/os-release"), "NAME=Ubuntu\nVERSION_CODENAME=noble\n");
        fs.writeFileSync(path.join(this.root, "etc/fstab"), "LABEL=cloudimg-rootfs / ext4 discard,errors=remount-ro 0 1\n");
        fs.mkdirSync(path.join(this.root, "etc/pam.d"), { recursive: true });
        fs.writeFileSync(path.join(this.root, "etc/pam.d/sshd"), "@include common-auth\naccount    required     pam_nologin.so\n@include common-session\n@include common-password\n");
        fs.mkdirSync(path.join(this.root, "etc/sudoers.d"), { recursive: true });
        // The image's default user and the key the cloud wrote for it (cloud-init, before runcmd).
        const defaultUser = IMAGE_DEFAULT_USER[this.cloud];
        if (defaultUser) {
            fs.mkdirSync(path.join(this.root, "home", defaultUser, ".ssh"), { recursive: true });
            fs.writeFileSync(path.join(this.root, "home", defaultUser, ".ssh/authorized_keys"), `${CLOUD_DEFAULT_KEY}\n`);
            fs.appendFileSync(path.join(this.state, "users"), `${defaultUser}:1000:${path.join(this.root, "home", defaultUser)}\n`);
            fs.appendFileSync(path.join(this.state, "groups"), `${defaultUser}:1000\n`);
        }
        // Units of the Ubuntu image itself (packages add theirs as they are installed).
        fs.appendFileSync(path.join(this.state, "units/known"), IMAGE_UNITS.map((u) => `${u}\n`).join(""));
        for (const f of this.files) {
            const target = path.join(this.root, f.path);
            fs.mkdirSync(path.dirname(target), { recursive: true });
            fs.writeFileSync(target, rootScript(f.content, this.root, a.nodeExporterSha), { mode: parseInt(f.permissions, 8) });
        }
        if (this.role !== "bastion") this.attachDataDisk();
    }

    /** The data disk appears under the first name the cloud gives it (a plain file: see transform 2). */
    attachDataDisk(): void {
        const dev = DISKS[this.cloud].data;
        fs.mkdirSync(path.join(this.root, "dev"), { recursive: true });
        fs.writeFileSync(path.join(this.root, "dev", dev), "");
        const disk = (this.params as { dataDisk: Parameters<typeof dataDiskCandidates>[0] }).dataDisk;
        const link = path.join(this.root, dataDiskCandidates(disk)[0]);
        fs.mkdirSync(path.dirname(link), { recursive: true });
        if (!fs.existsSync(link)) fs.symlinkSync(path.join(this.root, "dev", dev), link);
    }

    /** Removes the data disk's device names (an attachment that has not happened). */
    detachDataDisk(): void {
        const disk = (this.params as { dataDisk: Parameters<typeof dataDiskCandidates>[0] }).dataDisk;
        for (const c of dataDiskCandidates(disk)) fs.rmSync(path.join(this.root, c), { force: true });
    }

    /** The repositories now serve `pkg` at `version` (an upgrade published). */
    offer(pkg: string, version: string, list: string): this {
        const f = path.join(this.state, "apt/available");
        const lines = fs.readFileSync(f, "utf8").split("\n").filter((l) => l !== "" && !l.startsWith(`${pkg}\t`));
        fs.writeFileSync(f, [...lines, `${pkg}\t${version}\t${list}`].join("\n") + "\n");
        return this;
    }

    /** The mirror of the internet serves `content` at `url` (a newer release, a template). */
    serve(url: string, content: string): this {
        const f = path.join(this.base, `served-${createHash("sha256").update(url).digest("hex").slice(0, 12)}`);
        fs.writeFileSync(f, content);
        fs.appendFileSync(path.join(this.state, "mirror.tsv"), `${url}\t${f}\n`);
        return this;
    }

    /** The Wazuh manager version this VM's agent finds (major.minor decides, as remoted does). */
    managerVersion(version: string): this {
        fs.writeFileSync(path.join(this.state, "wazuh-manager-version"), `${version}\n`);
        return this;
    }

    /** A file on the VM (an operator's upload, a planted fault). */
    writeFile(vmPath: string, content: string, mode = 0o644): void {
        fs.mkdirSync(path.dirname(path.join(this.root, vmPath)), { recursive: true });
        fs.writeFileSync(path.join(this.root, vmPath), content, { mode });
    }

    putSecret(ref: SecretRef, value: string): void {
        fs.writeFileSync(path.join(this.state, "secrets", secretKey(ref).replace(/[/:]/g, "_")), value);
    }

    get tlsSecretRef(): SecretRef {
        return this.params.tlsSecret as SecretRef;
    }

    get enrollmentSecretRef(): SecretRef {
        return this.params.wazuhEnrollmentSecret as SecretRef;
    }

    fault(f: Fault): this {
        fs.appendFileSync(path.join(this.state, "faults"), [f.cmd, f.match, f.times === "always" ? "*" : String(f.times), String(f.exit), f.message].join("\t") + "\n");
        return this;
    }

    clearFaults(): this {
        fs.writeFileSync(path.join(this.state, "faults"), "");
        return this;
    }

    /** Puts the Vault stub in a state (`vault status -format=json`). */
    vaultStatus(status: { initialized: boolean; sealed: boolean }): this {
        fs.writeFileSync(path.join(this.state, "vault-status"), JSON.stringify(status));
        return this;
    }

    private env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
        return {
            PATH: this.bin,
            HOME: path.join(this.root, "root"),
            TMPDIR: path.join(this.root, "tmp"),
            LANG: "C.UTF-8",
            HARNESS_ROOT: this.root,
            HARNESS_STATE: this.state,
            HARNESS_IP: this.ip,
            HARNESS_HOSTNAME: this.hostname,
            // bash sets HOSTNAME from gethostname() on the VM; here it is the VM's name.
            HOSTNAME: this.hostname,
            HARNESS_ROOT_DISK: DISKS[this.cloud].root,
            HARNESS_MEM_MB: String(this.memoryMb),
            HARNESS_CORES: String(this.opts.cores ?? 2),
            HARNESS_REAL_INSTALL: realTools().install,
            ...(this.opts.env ?? {}),
            ...extra,
        };
    }

    /** Runs a file of the VM (a rooted path given as the VM sees it) with bash. */
    async run(vmPath: string, extraEnv: Record<string, string> = {}, stdin?: string): Promise<RunResult> {
        const before = this.allCalls().length;
        let exitCode = 0;
        let stdout = "";
        let stderr = "";
        try {
            const child = run(path.join(this.bin, "bash"), [path.join(this.root, vmPath)], { env: this.env(extraEnv), cwd: this.root, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
            // A script that exits without reading its stdin closes the pipe first: not an error.
            child.child.stdin?.on("error", () => undefined);
            child.child.stdin?.end(stdin ?? "");
            const r = await child;
            stdout = r.stdout;
            stderr = r.stderr;
        } catch (e) {
            const err = e as { code?: number | string; stdout?: string; stderr?: string; killed?: boolean };
            if (typeof err.code !== "number") throw e;
            exitCode = err.code;
            stdout = err.stdout ?? "";
            stderr = err.stderr ?? "";
        }
        return { exitCode, stdout, stderr, calls: this.allCalls().slice(before) };
    }

    /** cloud-init's runcmd: the bootstrap runner. */
    boot(): Promise<RunResult> {
        const runcmd = (parse(this.document) as { runcmd: string[][] }).runcmd;
        if (runcmd.length !== 1 || runcmd[0].length !== 1) throw new Error(`harness: unexpected runcmd ${JSON.stringify(runcmd)}`);
        return this.run(runcmd[0][0]);
    }

    /** A reboot: the same disk; services that are enabled come up; fstab mounts again. */
    reboot(): void {
        const mounts = path.join(this.state, "mounts");
        fs.writeFileSync(mounts, "");
        const fstab = fs.readFileSync(path.join(this.root, "etc/fstab"), "utf8");
        for (const line of fstab.split("\n")) {
            const [spec, target, fstype] = line.split(/\s+/);
            // Bind mounts (the Wazuh state): the link the stub made is on the root disk and stays.
            if (fstype === "none" && spec && target) fs.appendFileSync(mounts, `${target} bind\n`);
            if (!spec?.startsWith("UUID=")) continue;
            const dev = fs.readdirSync(path.join(this.state, "devices")).find((d) => fs.readFileSync(path.join(this.state, "devices", d), "utf8").includes(`UUID=${spec.slice(5)}\n`));
            if (dev) fs.appendFileSync(mounts, `${target} ${dev}\n`);
        }
        const units = path.join(this.state, "units");
        for (const f of fs.readdirSync(units).filter((n) => n.endsWith(".state"))) fs.writeFileSync(path.join(units, f), "inactive\n");
        for (const f of fs.readdirSync(units).filter((n) => n.endsWith(".enabled"))) fs.writeFileSync(path.join(units, f.replace(/\.enabled$/, ".state")), "active\n");
    }

    /**
     * A replacement VM: a new root disk from the image (installed packages, users, services and
     * mounts are gone) with the same data disk and the same cloud around it.
     */
    /**
     * New user data on the same root disk, as a replaced GCE instance sees it with its boot disk
     * kept (cloud-init runs again for the new instance id and writes the new files).
     */
    newUserData(document: string): void {
        const a = sharedAssets();
        this.document = document;
        this.files = (parse(document) as { write_files: { path: string; content: string; permissions: string }[] }).write_files;
        for (const f of this.files) {
            const target = path.join(this.root, f.path);
            fs.mkdirSync(path.dirname(target), { recursive: true });
            fs.writeFileSync(target, rootScript(f.content, this.root, a.nodeExporterSha), { mode: parseInt(f.permissions, 8) });
        }
    }

    /** The VM resized (another machine type): its memory as `free` reports it. */
    resize(memoryMb: number): void {
        this.memoryMb = memoryMb;
    }

    /** Runs an ad-hoc script on the VM (its system paths rooted like the rendered ones), as root. */
    async script(content: string, extraEnv: Record<string, string> = {}, stdin?: string): Promise<RunResult> {
        const name = `/root/harness-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.sh`;
        this.writeFile(name, rootScript(`#!/bin/bash
${content}`, this.root, sharedAssets().nodeExporterSha), 0o755);
        return this.run(name, extraEnv, stdin);
    }

    /** A replacement VM (see below) that also gets new user data (a bumped version, a changed bootstrap). */
    replaceWith(document: string): void {
        this.document = document;
        this.files = (parse(document) as { write_files: { path: string; content: string; permissions: string }[] }).write_files;
        this.replace();
    }

    replace(): void {
        fs.rmSync(this.root, { recursive: true, force: true });
        for (const f of ["pkgdb", "units"]) {
            fs.rmSync(path.join(this.state, f), { recursive: true, force: true });
            fs.mkdirSync(path.join(this.state, f));
        }
        for (const f of ["users", "groups", "mounts", "held", "units/known"]) fs.writeFileSync(path.join(this.state, f), "");
        fs.rmSync(path.join(this.state, "apt/lists"), { force: true });
        fs.rmSync(path.join(this.bin, "aws"), { force: true });
        this.installRoot();
    }

    allCalls(): Call[] {
        const text = fs.readFileSync(path.join(this.state, "calls"), "utf8");
        return text
            .split("\n")
            .filter((l) => l !== "")
            .map((l) => {
                const [step, cmd, args = ""] = l.split("\t");
                const parts = args.split("\x1f");
                parts.pop();
                return { step, cmd, args: parts };
            });
    }

    /** Seconds slept (the stubbed `sleep`), per step. */
    sleeps(calls: readonly Call[] = this.allCalls()): Record<string, number> {
        const out: Record<string, number> = {};
        for (const c of calls.filter((x) => x.cmd === "sleep")) out[c.step] = (out[c.step] ?? 0) + Number(c.args[0]);
        return out;
    }

    /** The VM's file at a path as the VM sees it. */
    file(vmPath: string): string {
        return fs.readFileSync(path.join(this.root, vmPath), "utf8");
    }

    exists(vmPath: string): boolean {
        return fs.existsSync(path.join(this.root, vmPath));
    }

    status(): BootStatus {
        return JSON.parse(this.file("/var/lib/platform-bootstrap/status.json")) as BootStatus;
    }

    installed(pkg: string): string | undefined {
        const f = path.join(this.state, "pkgdb", pkg);
        return fs.existsSync(f) ? fs.readFileSync(f, "utf8").trim() : undefined;
    }

    unitState(unit: string): { known: boolean; enabled: boolean; active: boolean } {
        const known = fs.readFileSync(path.join(this.state, "units/known"), "utf8").split("\n").includes(unit) || this.exists(`/etc/systemd/system/${unit}`);
        const st = path.join(this.state, "units", `${unit}.state`);
        return { known, enabled: fs.existsSync(path.join(this.state, "units", `${unit}.enabled`)), active: fs.existsSync(st) && fs.readFileSync(st, "utf8").trim() === "active" };
    }

    /** Files on the data disk (outside the VM root), relative to the disk. */
    diskFile(rel: string): string | undefined {
        const f = path.join(this.state, "disks", DISKS[this.cloud].data, rel);
        return fs.existsSync(f) ? fs.readFileSync(f, "utf8") : undefined;
    }

    device(): Record<string, string> {
        const text = fs.readFileSync(path.join(this.state, "devices", DISKS[this.cloud].data), "utf8");
        return Object.fromEntries(text.split("\n").filter(Boolean).map((l) => l.split("=") as [string, string]));
    }

    objects(): { key: string; meta?: string }[] {
        const base = path.join(this.state, "objects");
        const out: { key: string; meta?: string }[] = [];
        const walk = (d: string) => {
            for (const e of fs.readdirSync(d, { withFileTypes: true })) {
                const p = path.join(d, e.name);
                if (e.isDirectory()) walk(p);
                else if (!e.name.endsWith(".meta")) out.push({ key: path.relative(base, p), meta: fs.existsSync(`${p}.meta`) ? fs.readFileSync(`${p}.meta`, "utf8") : undefined });
            }
        };
        walk(base);
        return out;
    }

    /** The VM path with the root prefix removed (for messages and assertions on recorded args). */
    unroot(s: string): string {
        return s.split(this.root).join("");
    }

    dispose(): void {
        if (!process.env.HARNESS_KEEP) fs.rmSync(this.base, { recursive: true, force: true });
    }
}
