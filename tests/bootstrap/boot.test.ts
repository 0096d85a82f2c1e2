/**
 * The rendered user data, EXECUTED: every role on every cloud boots in the harness
 * (tests/bootstrap/harness/vm.ts) against recording stubs, in the scenarios of issue 17:
 * a clean first boot, a secret read refused twice then allowed, the package mirror unreachable
 * for a while, an auxiliary step failing for good, a second boot, the Wazuh installer refusing
 * pre-existing data paths as the real one does; then the worst cases of every retry against the
 * step budgets, TLS delivery and renewal, and the Vault snapshot upload on each cloud.
 *
 * The VMs boot in parallel (one per core) in `before`; the `it`s assert on what they recorded.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import {
    BOOTSTRAP_ROLES,
    BootstrapRole,
    Cloud,
    CLOUDS,
    PINNED_VERSIONS,
    RETRY_POLICIES,
    STEP_BUDGET_SECONDS,
    worstCaseSleepSeconds,
} from "../../components/bootstrap";
import { execFileSync } from "node:child_process";
import { SSH_HOST_KEY_PATH } from "../../components/bootstrap/scripts";
import { sshFingerprint } from "../../components/bootstrap/pki";
import { Call, ENROLLMENT_PASSWORD, Fault, HarnessVm, rootScript, RunResult, tlsBundle } from "./harness/vm";

// ---------------------------------------------------------------------------------------------
// Expectations written from the issue and the clouds' documents, not read from the implementation
// ---------------------------------------------------------------------------------------------

/** The order of the steps: main service before the auxiliaries (issue 17, "Robust steps"). */
const STEPS: Record<BootstrapRole, string[]> = {
    bastion: ["10-packages", "20-hardening", "30-tls", "35-operations", "60-node-exporter", "70-wazuh-agent"],
    jenkins: ["10-packages", "20-hardening", "30-tls", "35-operations", "40-data-disk", "50-jenkins", "60-node-exporter", "70-wazuh-agent"],
    vault: ["10-packages", "20-hardening", "30-tls", "35-operations", "40-data-disk", "50-vault", "60-node-exporter", "70-wazuh-agent"],
    wazuh: ["10-packages", "20-hardening", "30-tls", "35-operations", "40-data-disk", "50-wazuh-server", "60-node-exporter"],
};
const MAIN: Record<BootstrapRole, { step?: string; unit?: string; pkg?: string; version?: string }> = {
    bastion: {},
    jenkins: { step: "50-jenkins", unit: "jenkins.service", pkg: "jenkins", version: PINNED_VERSIONS.jenkins },
    vault: { step: "50-vault", unit: "vault.service", pkg: "vault", version: `${PINNED_VERSIONS.vault}-1` },
    wazuh: { step: "50-wazuh-server", unit: "wazuh-manager.service", pkg: "wazuh-manager", version: `${PINNED_VERSIONS.wazuh}-1` },
};
const MOUNT: Record<Exclude<BootstrapRole, "bastion">, string> = { jenkins: "/var/lib/jenkins", vault: "/opt/vault/data", wazuh: "/var/lib/wazuh-data" };

/** How each cloud refuses a secret read the identity is not (yet) granted. */
const SECRET_REFUSED: Record<Cloud, Fault> = {
    aws: {
        cmd: "aws",
        match: "^secretsmanager get-secret-value",
        times: 2,
        exit: 254,
        message: "An error occurred (AccessDeniedException) when calling the GetSecretValue operation: User is not authorized to perform: secretsmanager:GetSecretValue",
    },
    azure: { cmd: "curl", match: "vault\\.azure\\.net/secrets/", times: 2, exit: 22, message: "curl: (22) The requested URL returned error: 403" },
    gcp: { cmd: "curl", match: "secretmanager\\.googleapis\\.com/", times: 2, exit: 22, message: "curl: (22) The requested URL returned error: 403" },
};
const SECRET_READ: Record<Cloud, (c: Call) => boolean> = {
    aws: (c) => c.cmd === "aws" && c.args[0] === "secretsmanager",
    azure: (c) => c.cmd === "curl" && c.args.some((a) => /vault\.azure\.net\/secrets\//.test(a)),
    gcp: (c) => c.cmd === "curl" && c.args.some((a) => /secretmanager\.googleapis\.com\//.test(a)),
};
/** The package mirror and the vendors' repositories unreachable (no egress yet), then back. */
const MIRROR_DOWN: Fault[] = [
    { cmd: "apt-get", match: "^update", times: 3, exit: 100, message: "E: Failed to fetch http://archive.ubuntu.com/ubuntu/dists/noble/InRelease  Could not connect to archive.ubuntu.com:80" },
    { cmd: "curl", match: "^GET https://(pkg\\.jenkins\\.io|apt\\.releases\\.hashicorp\\.com|packages\\.wazuh\\.com|github\\.com)/", times: 2, exit: 6, message: "curl: (6) Could not resolve host" },
];

// ---------------------------------------------------------------------------------------------
// Running the scenarios (in parallel, before the assertions)
// ---------------------------------------------------------------------------------------------

interface Outcome {
    readonly vm: HarnessVm;
    readonly runs: Record<string, RunResult>;
    /** Files captured mid-scenario (the VM moves on before the assertions run). */
    readonly captured: Record<string, string>;
}
type Scenario = (vm: HarnessVm, capture: (vmPath: string, as?: string) => void) => Promise<Record<string, RunResult>>;

const outcomes = new Map<string, Outcome>();
const vms: HarnessVm[] = [];
const queue: { id: string; role: BootstrapRole; cloud: Cloud; scenario: Scenario; opts?: ConstructorParameters<typeof HarnessVm>[2] }[] = [];

function scenario(id: string, role: BootstrapRole, cloud: Cloud, fn: Scenario, opts?: ConstructorParameters<typeof HarnessVm>[2]): string {
    const key = `${id}:${role}-${cloud}`;
    queue.push({ id: key, role, cloud, scenario: fn, opts });
    return key;
}

function outcome(key: string): Outcome {
    const o = outcomes.get(key);
    assert.ok(o, `scenario ${key} did not run`);
    return o;
}

const withFaults = (faults: Fault[]): Scenario => async (vm) => {
    for (const f of faults) vm.fault(f);
    return { boot: await vm.boot() };
};

/** The runner's "step X: start" lines, in order. */
function stepsStarted(r: RunResult): string[] {
    return [...r.stderr.matchAll(/platform-bootstrap: step (\S+): start/g)].map((m) => m[1]);
}

function describeRun(vm: HarnessVm, r: RunResult): string {
    return `exit ${r.exitCode}\n${vm.unroot(r.stderr).split("\n").slice(-40).join("\n")}`;
}

for (const role of BOOTSTRAP_ROLES) {
    for (const cloud of CLOUDS) {
        scenario("clean", role, cloud, async (vm) => {
            const first = await vm.boot();
            vm.reboot();
            const second = await vm.boot();
            return { first, second };
        });
        scenario("secret-refused-twice", role, cloud, withFaults([SECRET_REFUSED[cloud]]));
        scenario("mirror-down", role, cloud, withFaults(MIRROR_DOWN));
        // The auxiliary that fails for good: the agent where there is one, node_exporter on the manager.
        scenario(
            "aux-fails",
            role,
            cloud,
            withFaults(
                role === "wazuh"
                    ? [{ cmd: "curl", match: "github\\.com/prometheus/node_exporter", times: "always", exit: 22, message: "curl: (22) The requested URL returned error: 503" }]
                    : [{ cmd: "apt-get", match: "^install .*wazuh-agent=", times: "always", exit: 100, message: "E: Unable to fetch some archives: 500 Internal Server Error" }],
            ),
        );
    }
    scenario("secret-never", role, "azure", withFaults([{ ...SECRET_REFUSED.azure, times: "always" }]));
}
// A bastion whose secret lacks the program-issued SSH host key (an older bundle, a wrong secret).
scenario("no-host-key", "bastion", "aws", async (vm) => {
    vm.putSecret(vm.tlsSecretRef, tlsBundle(vm.hostname, vm.ip, { sshHostKey: false }));
    return { boot: await vm.boot() };
});
for (const cloud of CLOUDS) {
    scenario("wazuh-paths-exist", "wazuh", cloud, async (vm) => {
        // An old layout (the data disk mounted on the indexer's directory) or a half-removed install.
        fs.mkdirSync(`${vm.root}/var/lib/wazuh-indexer`, { recursive: true });
        return { boot: await vm.boot() };
    });
    scenario("wazuh-installer-fails-once", "wazuh", cloud, withFaults([{ cmd: "wazuh-install", match: ".", times: 1, exit: 1, message: "E: Failed to fetch https://packages.wazuh.com/4.x/apt/pool/main/w/wazuh-manager/wazuh-manager_4.14.8-1_amd64.deb" }]));
    scenario("mirror-never", "vault", cloud, withFaults([{ cmd: "curl", match: "^GET https://(apt\\.releases\\.hashicorp\\.com|packages\\.wazuh\\.com|github\\.com)/", times: "always", exit: 7, message: "curl: (7) Failed to connect" }]));
    scenario("apt-never", "bastion", cloud, withFaults([{ cmd: "apt-get", match: "^update", times: "always", exit: 100, message: "E: Failed to fetch" }]));
    scenario("disk-never", "jenkins", cloud, async (vm) => {
        vm.detachDataDisk();
        return { boot: await vm.boot() };
    });
    scenario("tls-other-vm", "vault", cloud, async (vm) => {
        vm.putSecret(vm.tlsSecretRef, tlsBundle("plat-dev-other", "10.99.0.1"));
        return { boot: await vm.boot() };
    });
    scenario("tls-wrong-key", "jenkins", cloud, async (vm) => {
        vm.putSecret(vm.tlsSecretRef, tlsBundle(vm.hostname, vm.ip, { otherKey: true }));
        return { boot: await vm.boot() };
    });
    for (const role of ["jenkins", "vault", "wazuh"] as const) {
        scenario("tls-renewal", role, cloud, async (vm, capture) => {
            const first = await vm.boot();
            for (const f of ["/etc/nginx/platform-tls/server.crt", "/opt/vault/tls/vault-server.crt", "/etc/wazuh-dashboard/certs/platform-dashboard.pem", "/var/ossec/etc/sslmanager.cert", "/etc/node_exporter/tls.crt"]) {
                capture(f);
            }
            const unchanged = await vm.run("/usr/local/sbin/platform-tls-refresh");
            vm.putSecret(vm.tlsSecretRef, tlsBundle(vm.hostname, vm.ip, { days: 60 }));
            const renewed = await vm.run("/usr/local/sbin/platform-tls-refresh");
            return { first, unchanged, renewed };
        });
    }
    for (const role of ["jenkins", "vault", "wazuh"] as const) {
        // A replaced VM (issue 22 builds on this): new root disk, same data disk.
        scenario("replaced", role, cloud, async (vm) => {
            const first = await vm.boot();
            vm.replace();
            const second = await vm.boot();
            return { first, second };
        });
    }
    scenario("second-run-concurrent", "bastion", cloud, async (vm) => {
        const first = await vm.boot();
        // An operator re-runs the runner while another run holds the lock.
        fs.writeFileSync(`${vm.root}/root/locked-run.sh`, `exec 8>"${vm.root}/var/lib/platform-bootstrap/lock"\nflock -n 8\nbash "${vm.root}/usr/local/sbin/platform-bootstrap"\n`);
        const locked = await vm.run("/root/locked-run.sh");
        return { first, locked };
    });
    scenario("snapshot", "vault", cloud, async (vm) => {
        const first = await vm.boot();
        const uninitialised = await vm.run("/usr/local/sbin/vault-raft-snapshot");
        vm.vaultStatus({ initialized: true, sealed: true });
        const sealed = await vm.run("/usr/local/sbin/vault-raft-snapshot");
        vm.vaultStatus({ initialized: true, sealed: false });
        const uploaded = await vm.run("/usr/local/sbin/vault-raft-snapshot");
        vm.fault({ cmd: "vault", match: "^status", times: 1, exit: 1, message: "Error checking seal status: dial tcp 127.0.0.1:8200: connect: connection refused" });
        const vaultDown = await vm.run("/usr/local/sbin/vault-raft-snapshot");
        return { first, uninitialised, sealed, uploaded, vaultDown };
    });
}

describe("bootstrap, executed (harness: every role on every cloud)", function () {
    before(async function () {
        // Generous: the scenarios are CPU-bound shell runs, and a loaded CI machine slows them several-fold.
        this.timeout(1_800_000);
        const work = [...queue];
        const worker = async (): Promise<void> => {
            for (let item = work.shift(); item !== undefined; item = work.shift()) {
                const vm = new HarnessVm(item.role, item.cloud, item.opts);
                vms.push(vm);
                const captured: Record<string, string> = {};
                const runs = await item.scenario(vm, (p, as) => {
                    captured[as ?? p] = vm.exists(p) ? vm.file(p) : "<missing>";
                });
                outcomes.set(item.id, { vm, runs, captured });
            }
        };
        await Promise.all(Array.from({ length: Math.max(1, Math.min(4, os.cpus().length)) }, worker));
    });

    after(() => {
        for (const vm of vms) vm.dispose();
    });

    // ---------------------------------------------------------------------------------------------
    // Assertions
    // ---------------------------------------------------------------------------------------------

    describe("bootstrap, executed: a clean first boot and a second boot", () => {
        for (const role of BOOTSTRAP_ROLES) {
            for (const cloud of CLOUDS) {
                it(`${role}-${cloud}: every step succeeds, in order, main service before the agent; status, marker and metrics say so`, () => {
                    const { vm, runs } = outcome(`clean:${role}-${cloud}`);
                    const r = runs.first;
                    assert.equal(r.exitCode, 0, describeRun(vm, r));
                    assert.deepEqual(stepsStarted(r), STEPS[role]);
                    const status = vm.status();
                    assert.equal(status.result, "ok");
                    assert.deepEqual(status.steps.map((s) => [s.name, s.status]), STEPS[role].map((s) => [s, "ok"]));
                    assert.ok(vm.exists("/var/lib/platform-bootstrap/complete"));
                    assert.ok(!vm.exists("/var/lib/platform-bootstrap/failed"));
                    const prom = vm.file("/var/lib/node_exporter/textfile/platform_bootstrap.prom");
                    assert.match(prom, /^platform_bootstrap_success 1$/m);
                    for (const s of STEPS[role]) assert.match(prom, new RegExp(`^platform_bootstrap_step_success\\{step="${s}"\\} 1$`, "m"));
                    assert.match(vm.file("/var/log/platform-bootstrap.log"), new RegExp(`platform-bootstrap: ${role} bootstrap complete`));
                    assert.deepEqual(vm.sleeps(r.calls), {}, "a clean boot never waits");

                    const main = MAIN[role];
                    if (main.pkg) {
                        assert.equal(vm.installed(main.pkg), main.version);
                        assert.ok(vm.unitState(main.unit!).active, `${main.unit} active`);
                    }
                    assert.ok(vm.unitState("node_exporter.service").active);
                    if (role !== "wazuh") {
                        assert.equal(vm.installed("wazuh-agent"), `${PINNED_VERSIONS.wazuh}-1`);
                        assert.ok(vm.unitState("wazuh-agent.service").active);
                        // The agent's first call comes after the main service's last one.
                        if (main.step) {
                            const lastMain = r.calls.map((c) => c.step).lastIndexOf(main.step);
                            const firstAgent = r.calls.findIndex((c) => c.step === "70-wazuh-agent");
                            assert.ok(lastMain < firstAgent, "main service before the agent");
                        }
                    }
                });

                it(`${role}-${cloud}: secrets land exactly as read (no tool chatter), with the right owner and mode`, () => {
                    const { vm, runs } = outcome(`clean:${role}-${cloud}`);
                    // Wazuh reads the first line: exactly the secret, nothing before or after it.
                    assert.deepEqual(vm.file("/var/ossec/etc/authd.pass").replace(/\n$/, "").split("\n"), [ENROLLMENT_PASSWORD]);
                    const installs = runs.first.calls.filter((c) => c.cmd === "chown" && c.args[0] === "root:wazuh");
                    assert.ok(installs.length >= 1, "authd.pass is root:wazuh");
                    assert.equal(vm.file("/etc/platform-tls/ca.crt"), JSON.parse(tlsBundle(vm.hostname, vm.ip)).caCertificate);
                    assert.equal(vm.file("/usr/local/share/ca-certificates/platform-internal-ca.crt"), vm.file("/etc/platform-tls/ca.crt"));
                    assert.ok(runs.first.calls.some((c) => c.cmd === "update-ca-certificates"), "the CA joins the system trust store");
                });

                if (role === "bastion") {
                    it(`bastion-${cloud}: the program-issued SSH host key is the only key sshd offers, and its fingerprint is the one the stack exports for the tunnel's pin`, () => {
                        const { vm, runs } = outcome(`clean:bastion-${cloud}`);
                        const bundle = JSON.parse(tlsBundle(vm.hostname, vm.ip, { sshHostKey: true })) as { sshHostKey: string };
                        assert.equal(vm.file(SSH_HOST_KEY_PATH), bundle.sshHostKey);
                        assert.equal(fs.statSync(`${vm.root}${SSH_HOST_KEY_PATH}`).mode & 0o777, 0o600);
                        const pub = vm.file(`${SSH_HOST_KEY_PATH}.pub`);
                        // ssh-keygen (OpenSSH itself) and the program's sshFingerprint agree on the fingerprint.
                        const fromOpenSsh = execFileSync("ssh-keygen", ["-lf", `${vm.root}${SSH_HOST_KEY_PATH}.pub`], { encoding: "utf8" }).split(" ")[1];
                        assert.equal(sshFingerprint(pub), fromOpenSsh);
                        const hostKeys = vm.file("/etc/ssh/sshd_config.d/10-platform-hardening.conf").split("\n").filter((l) => l.startsWith("HostKey "));
                        assert.deepEqual(hostKeys.map((l) => vm.unroot(l)), [`HostKey ${SSH_HOST_KEY_PATH}`]);
                        assert.ok(
                            runs.first.calls.some((c) => c.step === "30-tls" && c.cmd === "systemctl" && c.args.join(" ") === "try-reload-or-restart ssh.service"),
                            "sshd reloaded after the key is installed",
                        );
                        assert.ok(runs.first.calls.some((c) => c.step === "30-tls" && c.cmd === "sshd" && c.args[0] === "-t"), "its config validated first");
                    });
                } else {
                    it(`${role}-${cloud}: no SSH host key is taken from the secret store (only the bastion's is pinned)`, () => {
                        const { vm } = outcome(`clean:${role}-${cloud}`);
                        assert.doesNotMatch(vm.file("/etc/ssh/sshd_config.d/10-platform-hardening.conf"), /^HostKey /m);
                    });
                }

                it(`${role}-${cloud}: a second boot formats nothing, installs nothing, restarts nothing, adds no fstab line`, () => {
                    const { vm, runs } = outcome(`clean:${role}-${cloud}`);
                    const r = runs.second;
                    assert.equal(r.exitCode, 0, describeRun(vm, r));
                    const changes = r.calls.filter(
                        (c) =>
                            ["mkfs.ext4", "apt-get", "snap", "wazuh-install-fault", "useradd", "update-ca-certificates"].includes(c.cmd) ||
                            (c.cmd === "systemctl" && ["restart", "reload", "start", "stop"].includes(c.args[0])) ||
                            (c.cmd === "curl" && c.args.includes("-o")),
                    );
                    assert.deepEqual(changes.map((c) => `${c.step} ${c.cmd} ${vm.unroot(c.args.join(" "))}`), []);
                    if (role !== "bastion") {
                        const mount = MOUNT[role];
                        const lines = vm.file("/etc/fstab").split("\n").filter((l) => l.startsWith("UUID="));
                        assert.equal(lines.length, 1, lines.join("\n"));
                        assert.match(vm.unroot(lines[0]), new RegExp(`^UUID=\\S+ ${mount} ext4 defaults,nofail,x-systemd.device-timeout=30s 0 2$`));
                        assert.equal(runs.first.calls.filter((c) => c.cmd === "mkfs.ext4").length, 1, "formatted once, on the first boot");
                    }
                });
            }
        }
    });

    describe("the bastion without its SSH host key", () => {
        it("stops 30-tls with the reason and keeps the key sshd had (no reload)", () => {
            const { runs } = outcome("no-host-key:bastion-aws");
            const r = runs.boot;
            assert.notEqual(r.exitCode, 0);
            assert.match(r.stderr, /the bastion's TLS secret has no \.sshHostKey/);
            assert.ok(!r.calls.some((c) => c.step === "30-tls" && c.cmd === "systemctl" && c.args[0] === "try-reload-or-restart"));
        });
    });

    describe("the harness itself", () => {
        it("roots every system path a script names, leaves URLs and device-less paths alone, and refuses a path that escaped", () => {
            const out = rootScript(`install -d /etc/x "/var/lib/y" >>/etc/fstab\nExecStart=/usr/local/bin/z\ncurl https://host.example/etc/x http://169.254.169.254/metadata\ncat </opt/a 2>/dev/null`, "/R", "sha");
            assert.equal(out, `install -d /R/etc/x "/R/var/lib/y" >>/R/etc/fstab\nExecStart=/R/usr/local/bin/z\ncurl https://host.example/etc/x http://169.254.169.254/metadata\ncat </R/opt/a 2>/dev/null`);
            // A form the rewrite does not know (a glob right after the directory) is refused, not run.
            assert.throws(() => rootScript("ls /etc*", "/R", "sha"), /a system path escaped the VM root/);
        });
    });

    describe("bootstrap, executed: one run at a time; secret reads write nothing but the secret", () => {
        for (const cloud of CLOUDS) {
            it(`${cloud}: a second runner refuses while the first holds the lock, and changes nothing`, () => {
                const { vm, runs } = outcome(`second-run-concurrent:bastion-${cloud}`);
                assert.equal(runs.first.exitCode, 0);
                assert.equal(runs.locked.exitCode, 1);
                assert.match(vm.unroot(runs.locked.stderr), /another platform-bootstrap run holds \/var\/lib\/platform-bootstrap\/lock/);
                // Before the lock it only ensures its state directories exist; no step starts.
                assert.deepEqual(runs.locked.calls.map((c) => `${c.step}|${c.cmd} ${vm.unroot(c.args.join(" "))}`), [
                    "|install -d -m 0700 /var/lib/platform-bootstrap",
                    "|install -d -m 0755 /var/lib/node_exporter/textfile",
                ]);
            });
        }

        it("aws: with the AWS CLI missing, the secret read installs it (snap prints on stdout) and authd.pass still holds only the password", async () => {
            const { vm } = outcome("clean:jenkins-aws");
            fs.rmSync(`${vm.bin}/aws`);
            const r = await vm.run("/usr/local/lib/platform-bootstrap/70-wazuh-agent.sh");
            assert.equal(r.exitCode, 0, describeRun(vm, r));
            assert.ok(r.calls.some((c) => c.cmd === "snap" && c.args.join(" ") === "install aws-cli --classic"), "the CLI was installed during the read");
            assert.deepEqual(vm.file("/var/ossec/etc/authd.pass").replace(/\n$/, "").split("\n"), [ENROLLMENT_PASSWORD]);
            assert.match(r.stderr, /aws-cli \(v2\/stable\) .* installed/, "snap's chatter went to stderr");
        });
    });

    describe("bootstrap, executed: a secret read refused twice, then allowed (grant still propagating)", () => {
        for (const role of BOOTSTRAP_ROLES) {
            for (const cloud of CLOUDS) {
                it(`${role}-${cloud}: the read is retried with backoff and the boot completes`, () => {
                    const { vm, runs } = outcome(`secret-refused-twice:${role}-${cloud}`);
                    const r = runs.boot;
                    assert.equal(r.exitCode, 0, describeRun(vm, r));
                    const reads = r.calls.filter((c) => c.step === "30-tls" && SECRET_READ[cloud](c));
                    assert.equal(reads.length, 3, "two refusals, then the read that works");
                    assert.deepEqual(vm.sleeps(r.calls), { "30-tls": 5 + 10 });
                    assert.equal(vm.status().result, "ok");
                });
            }
        }
    });

    describe("bootstrap, executed: the package mirror unreachable for a while", () => {
        for (const role of BOOTSTRAP_ROLES) {
            for (const cloud of CLOUDS) {
                it(`${role}-${cloud}: apt and downloads are retried with backoff; the boot completes`, () => {
                    const { vm, runs } = outcome(`mirror-down:${role}-${cloud}`);
                    const r = runs.boot;
                    assert.equal(r.exitCode, 0, describeRun(vm, r));
                    const sleeps = vm.sleeps(r.calls);
                    assert.equal(sleeps["10-packages"], 5 + 10 + 20, "three failed `apt-get update`s");
                    // The first vendor download (a repository key, or node_exporter on the bastion) fails twice.
                    const firstVendorStep = role === "bastion" || role === "wazuh" ? (role === "wazuh" ? "50-wazuh-server" : "60-node-exporter") : MAIN[role].step!;
                    assert.equal(sleeps[firstVendorStep], 5 + 10, JSON.stringify(sleeps));
                    assert.equal(vm.status().result, "ok");
                });
            }
        }
    });

    describe("bootstrap, executed: an auxiliary step failing for good never blocks the main service, and is reported", () => {
        for (const role of BOOTSTRAP_ROLES) {
            for (const cloud of CLOUDS) {
                const aux = role === "wazuh" ? "60-node-exporter" : "70-wazuh-agent";
                it(`${role}-${cloud}: ${aux} fails after bounded retries; the main service is up; non-zero status, marker, metric, log line`, () => {
                    const { vm, runs } = outcome(`aux-fails:${role}-${cloud}`);
                    const r = runs.boot;
                    assert.equal(r.exitCode, 1, describeRun(vm, r));
                    const status = vm.status();
                    assert.equal(status.result, "failed");
                    assert.deepEqual(
                        status.steps.map((s) => [s.name, s.status]),
                        STEPS[role].map((s) => [s, s === aux ? "failed" : "ok"]),
                    );
                    assert.equal(vm.file("/var/lib/platform-bootstrap/failed"), `${aux}\n`);
                    assert.ok(!vm.exists("/var/lib/platform-bootstrap/complete"));
                    const prom = vm.file("/var/lib/node_exporter/textfile/platform_bootstrap.prom");
                    assert.match(prom, /^platform_bootstrap_success 0$/m);
                    assert.match(prom, new RegExp(`^platform_bootstrap_step_success\\{step="${aux}"\\} 0$`, "m"));
                    assert.match(vm.file("/var/log/platform-bootstrap.log"), new RegExp(`${role} bootstrap FAILED: ${aux}`));
                    const logged = r.calls.filter((c) => c.cmd === "logger");
                    assert.deepEqual(logged.map((c) => c.args.join(" ")), [`-t platform-bootstrap -p user.err ${role} bootstrap FAILED: ${aux}`]);
                    assert.equal(vm.sleeps(r.calls)[aux], worstCaseSleepSeconds(RETRY_POLICIES.network), "bounded retries, then give up");
                    const main = MAIN[role];
                    if (main.unit) assert.ok(vm.unitState(main.unit).active, `${main.unit} still came up`);
                });
            }
        }
    });

    describe("bootstrap, executed: worst cases stay inside the step budgets", () => {
        for (const role of BOOTSTRAP_ROLES) {
            it(`${role}: a secret never readable waits longer than Azure's documented 10-minute RBAC propagation, within 30-tls's budget, then stops the steps that need it`, () => {
                const { vm, runs } = outcome(`secret-never:${role}-azure`);
                const r = runs.boot;
                assert.equal(r.exitCode, 1);
                const waited = vm.sleeps(r.calls)["30-tls"];
                // learn.microsoft.com/azure/role-based-access-control/troubleshooting: up to 10 minutes.
                assert.ok(waited > 10 * 60, `${waited}s`);
                assert.ok(waited < STEP_BUDGET_SECONDS.tls, `${waited}s < ${STEP_BUDGET_SECONDS.tls}s`);
                const status = Object.fromEntries(vm.status().steps.map((s) => [s.name, s.status]));
                assert.equal(status["30-tls"], "failed");
                assert.equal(status["20-hardening"], "ok", "independent steps still run");
                for (const s of STEPS[role].filter((x) => /^(50|60|70)-/.test(x))) assert.equal(status[s], "skipped", s);
                if (role !== "bastion") assert.equal(status["40-data-disk"], "ok", "the data disk needs no secret");
            });
        }

        for (const cloud of CLOUDS) {
            it(`${cloud}: vendor downloads never reachable: each step gives up within its budget`, () => {
                const { vm, runs } = outcome(`mirror-never:vault-${cloud}`);
                const sleeps = vm.sleeps(runs.boot.calls);
                const worst = worstCaseSleepSeconds(RETRY_POLICIES.network);
                assert.deepEqual(sleeps, { "50-vault": worst, "60-node-exporter": worst, "70-wazuh-agent": worst });
                assert.ok(worst < STEP_BUDGET_SECONDS.vault && worst < STEP_BUDGET_SECONDS.nodeExporter && worst < STEP_BUDGET_SECONDS.wazuhAgent);
                assert.equal(runs.boot.exitCode, 1);
            });

            it(`${cloud}: the distribution mirror never reachable: 10-packages gives up within its budget; everything that needs it is skipped`, () => {
                const { vm, runs } = outcome(`apt-never:bastion-${cloud}`);
                const sleeps = vm.sleeps(runs.boot.calls);
                assert.deepEqual(sleeps, { "10-packages": worstCaseSleepSeconds(RETRY_POLICIES.network) });
                assert.ok(sleeps["10-packages"] < STEP_BUDGET_SECONDS.packages);
                assert.deepEqual(vm.status().steps.map((s) => s.status), ["failed", "skipped", "skipped", "skipped", "skipped", "skipped"]);
            });

            it(`${cloud}: a data disk that never attaches: 40-data-disk waits 10 minutes, within its budget, and Jenkins never starts on the root disk`, () => {
                const { vm, runs } = outcome(`disk-never:jenkins-${cloud}`);
                const sleeps = vm.sleeps(runs.boot.calls);
                assert.equal(sleeps["40-data-disk"], 600);
                assert.ok(sleeps["40-data-disk"] < STEP_BUDGET_SECONDS.dataDisk);
                const status = Object.fromEntries(vm.status().steps.map((s) => [s.name, s.status]));
                assert.equal(status["40-data-disk"], "failed");
                assert.equal(status["50-jenkins"], "skipped");
                assert.equal(status["70-wazuh-agent"], "ok", "the agent does not need the disk");
                assert.ok(!vm.unitState("jenkins.service").active);
            });
        }

        it("every policy's worst case is below every budget of a step that uses it", () => {
            const net = worstCaseSleepSeconds(RETRY_POLICIES.network);
            const secret = worstCaseSleepSeconds(RETRY_POLICIES.secret);
            assert.equal(net, 375);
            assert.equal(secret, 875);
            for (const b of Object.values(STEP_BUDGET_SECONDS).filter((x) => x !== STEP_BUDGET_SECONDS.hardening)) assert.ok(net < b);
            // Steps reading a secret and downloading (the agent, the manager) fit both in sequence.
            assert.ok(secret + 2 * net < STEP_BUDGET_SECONDS.wazuhAgent);
            assert.ok(secret + net + 60 < STEP_BUDGET_SECONDS.wazuhServer);
        });
    });

    describe("bootstrap, executed: a replaced VM keeps its data disk", () => {
        for (const cloud of CLOUDS) {
            for (const role of ["jenkins", "vault"] as const) {
                it(`${role}-${cloud}: the new root disk mounts the existing filesystem (no format), reinstalls and starts the service`, () => {
                    const { vm, runs } = outcome(`replaced:${role}-${cloud}`);
                    assert.equal(runs.second.exitCode, 0, describeRun(vm, runs.second));
                    assert.deepEqual(runs.second.calls.filter((c) => c.cmd === "mkfs.ext4"), []);
                    assert.equal(vm.file("/etc/fstab").split("\n").filter((l) => l.startsWith("UUID=")).length, 1);
                    assert.ok(vm.unitState(MAIN[role].unit!).active);
                });
            }
            it(`wazuh-${cloud}: the indexer data already on the disk is adopted with the state that goes with it, never mixed with the fresh install's (operations.test.ts has the details)`, () => {
                const { vm, runs } = outcome(`replaced:wazuh-${cloud}`);
                assert.equal(runs.second.exitCode, 0, describeRun(vm, runs.second));
                assert.match(vm.unroot(vm.file("/etc/wazuh-indexer/opensearch.yml")), /^path\.data: \/var\/lib\/wazuh-data\/indexer$/m);
                assert.equal(vm.diskFile("indexer/nodes/0/_state"), "indexer data\n", "the disk's data is untouched");
                assert.deepEqual(fs.readdirSync(`${vm.root}/var/lib/wazuh-indexer`), [], "the fresh install's data is not kept beside it");
                assert.deepEqual(runs.second.calls.filter((c) => c.cmd === "mkfs.ext4"), []);
            });
        }
    });

    describe("bootstrap, executed: the Wazuh server and its data disk", () => {
        for (const cloud of CLOUDS) {
            it(`${cloud}: the installer runs once on a root disk without its paths; the indexer's data then lives on the data disk`, () => {
                const { vm, runs } = outcome(`clean:wazuh-${cloud}`);
                const runsLog = vm.unroot(fs.readFileSync(`${vm.state}/installer-runs`, "utf8"));
                assert.equal(runsLog, "wazuh-install.sh\t--all-in-one\n", "one run, all-in-one, never -o or -u");
                assert.equal(vm.diskFile("indexer/nodes/0/_state"), "indexer data\n");
                assert.match(vm.unroot(vm.file("/etc/wazuh-indexer/opensearch.yml")), /^path\.data: \/var\/lib\/wazuh-data\/indexer$/m);
                assert.deepEqual(fs.readdirSync(`${vm.root}/var/lib/wazuh-indexer`), [], "nothing left on the root disk");
                const dropIn = vm.unroot(vm.file("/etc/systemd/system/wazuh-indexer.service.d/10-platform.conf"));
                assert.match(dropIn, /^RequiresMountsFor=\/var\/lib\/wazuh-data$/m);
                assert.match(dropIn, /^ReadWritePaths=\/var\/lib\/wazuh-data$/m, "writable under the unit's sandbox");
                assert.match(vm.file("/var/ossec/etc/ossec.conf"), /<use_password>yes<\/use_password>/);
                assert.deepEqual(vm.file("/var/ossec/etc/authd.pass").replace(/\n$/, "").split("\n"), [ENROLLMENT_PASSWORD]);
                // The installer's admin password stays in the root-only log, never in cloud-init's output.
                assert.doesNotMatch(runs.first.stdout + runs.first.stderr, /harness-generated-admin-password/);
                assert.match(vm.file("/root/wazuh-install/wazuh-install.log"), /Password: harness-generated-admin-password/);
            });

            it(`${cloud}: with /var/lib/wazuh-indexer already there, the installer refuses as the real one does; the failure is reported, nothing is overwritten`, () => {
                const { vm, runs } = outcome(`wazuh-paths-exist:wazuh-${cloud}`);
                assert.equal(runs.boot.exitCode, 1);
                assert.match(vm.file("/root/wazuh-install/wazuh-install.log"), /ERROR: Wazuh indexer already installed\./);
                assert.match(vm.file("/root/wazuh-install/wazuh-install.log"), /run this script adding the option -o\/--overwrite/);
                const status = Object.fromEntries(vm.status().steps.map((s) => [s.name, s.status]));
                assert.equal(status["50-wazuh-server"], "failed");
                assert.equal(status["60-node-exporter"], "ok");
                assert.equal(vm.installed("wazuh-manager"), undefined);
                // Retried once (a failed run rolls back), never with -o or -u.
                const runsLog = fs.readFileSync(`${vm.state}/installer-runs`, "utf8");
                assert.equal(runsLog, "wazuh-install.sh\t--all-in-one\nwazuh-install.sh\t--all-in-one\n");
            });

            it(`${cloud}: an install that fails once (rolled back by the assistant) is retried after 60 s and succeeds`, () => {
                const { vm, runs } = outcome(`wazuh-installer-fails-once:wazuh-${cloud}`);
                assert.equal(runs.boot.exitCode, 0, describeRun(vm, runs.boot));
                assert.deepEqual(vm.sleeps(runs.boot.calls), { "50-wazuh-server": 60 });
                assert.equal(vm.installed("wazuh-manager"), `${PINNED_VERSIONS.wazuh}-1`);
            });
        }

        it("the installer stand-in refuses each path the 4.14.8 assistant checks (common_checkInstalled), and a small VM (checks_health)", async () => {
            // The list is the assistant's, read in wazuh-installation-assistant 4.14.8 common_functions/common.sh.
            const paths = [
                "/var/ossec",
                "/var/lib/wazuh-indexer",
                "/usr/share/wazuh-indexer",
                "/etc/wazuh-indexer",
                "/var/lib/filebeat",
                "/usr/share/filebeat",
                "/etc/filebeat",
                "/var/lib/wazuh-dashboard",
                "/usr/share/wazuh-dashboard",
                "/etc/wazuh-dashboard",
                "/run/wazuh-dashboard",
            ];
            const vm = new HarnessVm("wazuh", "aws");
            vms.push(vm);
            fs.mkdirSync(`${vm.root}/root/wazuh-install`, { recursive: true });
            fs.copyFileSync(`${__dirname}/harness/wazuh-install.sh`, `${vm.root}/root/wazuh-install/wazuh-install.sh`);
            fs.writeFileSync(`${vm.root}/root/run-installer.sh`, `cd "${vm.root}/root/wazuh-install" && bash wazuh-install.sh --all-in-one\n`);
            for (const p of paths) {
                fs.mkdirSync(`${vm.root}${p}`, { recursive: true });
                const r = await vm.run("/root/run-installer.sh");
                assert.equal(r.exitCode, 1, p);
                assert.match(r.stdout, /already installed\./, p);
                fs.rmSync(`${vm.root}${p}`, { recursive: true });
            }
            const small = new HarnessVm("wazuh", "aws", { memoryMb: 3500 });
            vms.push(small);
            fs.mkdirSync(`${small.root}/root/wazuh-install`, { recursive: true });
            fs.copyFileSync(`${__dirname}/harness/wazuh-install.sh`, `${small.root}/root/wazuh-install/wazuh-install.sh`);
            fs.writeFileSync(`${small.root}/root/run-installer.sh`, `cd "${small.root}/root/wazuh-install" && bash wazuh-install.sh --all-in-one\n`);
            const r = await small.run("/root/run-installer.sh");
            assert.equal(r.exitCode, 1);
            assert.match(r.stdout, /does not meet the recommended minimum hardware requirements/);
            const ok = await vm.run("/root/run-installer.sh");
            assert.equal(ok.exitCode, 0, ok.stdout);
        });
    });

    describe("bootstrap, executed: TLS from the platform CA", () => {
        for (const cloud of CLOUDS) {
            it(`${cloud}: a certificate that does not name this VM is refused; the services that need it are not started with it`, () => {
                const { vm, runs } = outcome(`tls-other-vm:vault-${cloud}`);
                assert.equal(runs.boot.exitCode, 1);
                assert.match(runs.boot.stderr, new RegExp(`does not name this VM's address ${vm.ip.replace(/\./g, "\\.")}`));
                const status = Object.fromEntries(vm.status().steps.map((s) => [s.name, s.status]));
                assert.deepEqual([status["30-tls"], status["50-vault"], status["60-node-exporter"], status["70-wazuh-agent"]], ["failed", "skipped", "skipped", "skipped"]);
                assert.ok(!vm.exists("/etc/platform-tls/server.key"));
            });

            it(`${cloud}: a key that does not belong to the certificate is refused`, () => {
                const { vm, runs } = outcome(`tls-wrong-key:jenkins-${cloud}`);
                assert.equal(runs.boot.exitCode, 1);
                assert.ok(!vm.exists("/etc/nginx/platform-tls/server.key"), "no copy for nginx");
                assert.match(runs.boot.stderr, /the private key in the TLS secret does not belong to its certificate/);
            });

            for (const [role, consumers] of [
                ["jenkins", [["/etc/nginx/platform-tls/server.crt", "reload nginx.service"]]],
                ["vault", [["/opt/vault/tls/vault-server.crt", "reload vault.service"]]],
                ["wazuh", [["/etc/wazuh-dashboard/certs/platform-dashboard.pem", "restart wazuh-dashboard.service"], ["/var/ossec/etc/sslmanager.cert", "restart wazuh-manager.service"]]],
            ] as const) {
                it(`${role}-${cloud}: every TLS service serves the VM certificate; a renewed one is delivered by the daily refresh (and only then reloads)`, () => {
                    const { vm, runs, captured } = outcome(`tls-renewal:${role}-${cloud}`);
                    assert.equal(runs.first.exitCode, 0, describeRun(vm, runs.first));
                    const first = JSON.parse(tlsBundle(vm.hostname, vm.ip)).certificate;
                    const renewed = JSON.parse(tlsBundle(vm.hostname, vm.ip, { days: 60 })).certificate;
                    for (const [cert] of consumers) assert.equal(captured[cert], first, cert);
                    assert.equal(captured["/etc/node_exporter/tls.crt"], first);
                    const reloads = (r: RunResult) => r.calls.filter((c) => c.cmd === "systemctl" && ["reload", "restart"].includes(c.args[0])).map((c) => c.args.join(" "));
                    assert.equal(runs.unchanged.exitCode, 0, describeRun(vm, runs.unchanged));
                    assert.deepEqual(reloads(runs.unchanged), []);
                    assert.equal(runs.renewed.exitCode, 0, describeRun(vm, runs.renewed));
                    for (const [cert] of consumers) assert.equal(vm.file(cert), renewed, cert);
                    assert.equal(vm.file("/etc/node_exporter/tls.crt"), renewed, "node_exporter re-reads it per connection: no restart");
                    assert.deepEqual(reloads(runs.renewed), consumers.map(([, how]) => how));
                });
            }
        }

        it("the Wazuh agent verifies the manager against the platform CA before it sends the password", () => {
            const { vm } = outcome("clean:jenkins-aws");
            assert.match(vm.unroot(vm.file("/var/ossec/etc/ossec.conf")), /<server_ca_path>\/etc\/platform-tls\/ca\.crt<\/server_ca_path>/);
            const { vm: manager } = outcome("clean:wazuh-aws");
            assert.equal(manager.file("/var/ossec/etc/sslmanager.cert"), JSON.parse(tlsBundle(manager.hostname, manager.ip)).certificate);
        });

        it("nginx fronts Jenkins on 8443 only: the default :80 site is gone, Jenkins listens on the loopback", () => {
            const { vm } = outcome("clean:jenkins-gcp");
            assert.ok(!vm.exists("/etc/nginx/sites-enabled/default"));
            assert.match(vm.file("/etc/nginx/sites-enabled/platform-jenkins"), /^ {2}listen 8443 ssl;$/m);
            assert.match(vm.file("/etc/systemd/system/jenkins.service.d/10-platform.conf"), /^Environment="JENKINS_LISTEN_ADDRESS=127\.0\.0\.1"$/m);
        });
    });

    describe("bootstrap, executed: Vault raft snapshots reach each cloud's storage with its documented flags", () => {
        const uploadsOf = (r: RunResult) => r.calls.filter((c) => (c.cmd === "aws" && c.args[0] === "s3") || (c.cmd === "curl" && c.args.some((a) => /blob\.core\.windows\.net|storage\.googleapis\.com\/upload/.test(a))));

        for (const cloud of CLOUDS) {
            it(`${cloud}: not initialised: nothing to do (exit 0); sealed or Vault down: the job fails (the timer's unit reports it)`, () => {
                const { vm, runs } = outcome(`snapshot:vault-${cloud}`);
                assert.equal(runs.first.exitCode, 0, describeRun(vm, runs.first));
                assert.equal(runs.uninitialised.exitCode, 0);
                assert.match(runs.uninitialised.stderr, /vault is not initialised yet: no snapshot/);
                assert.equal(runs.sealed.exitCode, 1);
                assert.match(runs.sealed.stderr, /vault is sealed/);
                assert.equal(runs.vaultDown.exitCode, 1);
                assert.match(runs.vaultDown.stderr, /vault status failed \(exit 1\)/);
                for (const r of [runs.uninitialised, runs.sealed, runs.vaultDown]) assert.deepEqual(uploadsOf(r), []);
            });
        }

        it("aws: aws s3 cp --sse aws:kms --sse-kms-key-id <backup key ARN>, accepted by the bucket policy", () => {
            const { vm, runs } = outcome("snapshot:vault-aws");
            assert.equal(runs.uploaded.exitCode, 0, describeRun(vm, runs.uploaded));
            const [up] = uploadsOf(runs.uploaded);
            // docs.aws.amazon.com/cli/latest/reference/s3/cp.html
            const args = up.args.join(" ");
            assert.match(args, / --sse aws:kms --sse-kms-key-id arn:aws:kms:eu-west-1:123456789012:key\/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0 /);
            assert.match(args, /^s3 cp --only-show-errors --region eu-west-1 /);
            const [obj] = vm.objects();
            assert.match(obj.key, /^s3\/plat-dev-vault-backups\/vault-snapshots\/plat-dev-aws-vault\/\d{8}T\d{6}Z\.snap$/);
            assert.equal(obj.meta, "sse=aws:kms\nkms=arn:aws:kms:eu-west-1:123456789012:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0\nregion=eu-west-1\n");
        });

        it("aws: the emulated bucket policy refuses an upload without SSE-KMS or with another key (the stub is not vacuous)", async () => {
            const { vm } = outcome("snapshot:vault-aws");
            fs.writeFileSync(`${vm.root}/root/bad-upload.sh`, "aws s3 cp --region eu-west-1 /dev/null s3://plat-dev-vault-backups/x\naws s3 cp --region eu-west-1 --sse aws:kms --sse-kms-key-id arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555 /dev/null s3://plat-dev-vault-backups/y\n");
            const r = await vm.run("/root/bad-upload.sh");
            assert.equal(r.exitCode, 1);
            assert.equal(r.stderr.match(/AccessDenied/g)?.length, 2);
        });

        it("azure: Put Blob with the managed identity token, x-ms-blob-type BlockBlob, x-ms-version >= 2017-11-09, never overwriting", () => {
            const { vm, runs } = outcome("snapshot:vault-azure");
            assert.equal(runs.uploaded.exitCode, 0, describeRun(vm, runs.uploaded));
            const [obj] = vm.objects();
            assert.match(obj.key, /^azureblob\/platdevbackups\/vault-snapshots\/vault-snapshots\/plat-dev-azure-vault\/\d{8}T\d{6}Z\.snap$/);
            assert.deepEqual(obj.meta?.trim().split("\n").sort(), ["If-None-Match: *", "x-ms-blob-type: BlockBlob", "x-ms-version: 2021-08-06"]);
        });

        it("gcp: a media upload with the service account token, ifGenerationMatch=0 (create only)", () => {
            const { vm, runs } = outcome("snapshot:vault-gcp");
            assert.equal(runs.uploaded.exitCode, 0, describeRun(vm, runs.uploaded));
            const [up] = uploadsOf(runs.uploaded);
            assert.ok(up.args.some((a) => /^https:\/\/storage\.googleapis\.com\/upload\/storage\/v1\/b\/plat-dev-vault-backups\/o\?uploadType=media&ifGenerationMatch=0&name=snapshots%2Fvault%2Fplat-dev-gcp-vault%2F\d{8}T\d{6}Z\.snap$/.test(a)), up.args.join(" "));
            const [obj] = vm.objects();
            assert.match(obj.key, /^gcs\/plat-dev-vault-backups\/snapshots\/vault\/plat-dev-gcp-vault\/\d{8}T\d{6}Z\.snap$/);
        });
    });
});
