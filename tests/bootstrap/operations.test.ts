/**
 * Issue 22, executed: the tool VMs can be operated. Every scenario runs the rendered user data in
 * the harness (tests/bootstrap/harness) on the three clouds:
 * - secret reads with noisy tools everywhere (stdout chatter never reaches a secret file);
 * - named operators, their keys, sudo, the shared key restricted, removal, session recording;
 * - the operator's Vault commands (init with PGP-encrypted recovery keys, setup with the root
 *   token on stdin, the metrics token), the audit device, snapshots with Vault down;
 * - upgrades (unhold, install, hold; the Wazuh central components in the guide's order; an agent
 *   newer than its manager refused) and replacements that keep the data disk's state;
 * - the indexer's heap and retention, health metrics, the reboot window.
 *
 * Expectations come from the issue and the upstream documents named beside them, not from the
 * rendered scripts.
 */
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import { BootstrapOperations, BootstrapRole, Cloud, CLOUDS, PINNED_VERSIONS, renderBootstrapDocument } from "../../components/bootstrap";
import { JENKINS_AGENT_IMAGE, JENKINS_PLUGIN_MANAGER, JENKINS_PLUGINS, wazuhInstallerUrl, wazuhTemplateUrl } from "../../components/bootstrap/versions";
import { parse as parseYaml } from "yaml";
import { OPERATIONS, paramsFor } from "./fixtures";
import { Call, CLOUD_DEFAULT_KEY, ENROLLMENT_PASSWORD, HarnessVm, RunResult, tlsBundle } from "./harness/vm";

// ---------------------------------------------------------------------------------------------
// Expectations, from the issue and the documents
// ---------------------------------------------------------------------------------------------

/** The cloud's default login user (AWS Canonical AMIs: ubuntu; the Azure VMs' adminUsername; GCP: OS Login, none). */
const DEFAULT_USER: Record<Cloud, string | undefined> = { aws: "ubuntu", azure: "azureuser", gcp: undefined };
/** Fixed ids the data disks' files are owned by (a replacement must give the same numbers). */
const FIXED_IDS = { jenkins: 852, vault: 853, wazuh: 854, "wazuh-indexer": 855, "wazuh-dashboard": 856, node_exporter: 851 } as const;
/** OpenPGP fingerprints of the fixture operators' keys (fixtures OPERATIONS.vaultRecovery). */
const FPRS = OPERATIONS.vaultRecovery.pgpFingerprints;
/** The harness's gpg reads a key file as `FPR:<fingerprint>` lines (one primary key per line). */
const keyFile = (fpr: string) => `FPR:${fpr}\n`;
/** What the manager answers an agent newer than itself (wazuh/wazuh src/headers/rc.h). */
const AGENT_TOO_NEW = "Agent version must be lower or equal to manager version";

/** Renders a role with some pins changed (a versions.ts bump), for the upgrade scenarios. */
function renderWithPins(role: BootstrapRole, cloud: Cloud, pins: Partial<typeof PINNED_VERSIONS>): string {
    const saved = { ...PINNED_VERSIONS };
    Object.assign(PINNED_VERSIONS as unknown as Record<string, string>, pins);
    try {
        return renderBootstrapDocument(role, paramsFor(role, cloud));
    } finally {
        Object.assign(PINNED_VERSIONS as unknown as Record<string, string>, saved);
    }
}
const NEXT = { vault: "2.0.5", jenkins: "2.580.3", wazuh: "4.14.9" } as const;
/**
 * A JENKINS_HOME with one of each kind of entry (layout: docs.cloudbees.com/docs/cloudbees-ci/latest/backup-restore/jenkins-home).
 * The archive keeps configuration, credentials with the keys that decrypt them, jobs' configuration
 * and plugins; it leaves out what a build or Jenkins recreates and the build records (the disk snapshot's).
 */
const JENKINS_HOME_FILES: Record<string, string> = {
    "config.xml": "<hudson><numExecutors>0</numExecutors></hudson>\n",
    "credentials.xml": "<com.cloudbees.plugins.credentials.SystemCredentialsProvider/>\n",
    "secrets/master.key": "0123456789abcdef\n",
    "secrets/hudson.util.Secret": "encrypted\n",
    "users/alice_123/config.xml": "<user/>\n",
    "jobs/app/config.xml": "<flow-definition/>\n",
    "jobs/app/nextBuildNumber": "8\n",
    "jobs/app/builds/7/log": "a build log\n",
    "jobs/team/jobs/svc/config.xml": "<flow-definition/>\n",
    "jobs/team/jobs/svc/builds/3/build.xml": "<build/>\n",
    "plugins/kubernetes.jpi": "PK plugin\n",
    "workspace/app/target/big.jar": "PK build output\n",
    "caches/git-0123/HEAD": "ref: refs/heads/main\n",
    "logs/tasks/x.log": "log\n",
};
// Plus what the bootstrap itself put there: the fixed-ids marker and the controller policy.
const JENKINS_HOME_KEPT = [
    ".platform-owner", "casc/10-platform.yaml", "config.xml", "credentials.xml", "init.groovy.d/10-platform-controller-policy.groovy", "jobs/app/config.xml", "jobs/app/nextBuildNumber",
    "jobs/team/jobs/svc/config.xml", "plugins/.platform-plugins.sha256", "plugins/configuration-as-code.jpi", "plugins/git.jpi", "plugins/kubernetes-client-api.jpi", "plugins/kubernetes.jpi",
    "plugins/workflow-aggregator.jpi", "secrets/hudson.util.Secret", "secrets/master.key", "secrets/platform-admin-password", "users/alice_123/config.xml",
];
/** Where the archive lands: the stack's backup bucket, Jenkins' prefix, this VM, a UTC timestamp. */
const JENKINS_ARCHIVE_KEY: Record<Cloud, RegExp> = {
    aws: /^s3\/plat-dev-vault-backups\/jenkins-home\/plat-dev-aws-jenkins\/\d{8}T\d{6}Z\.tar\.gz$/,
    azure: /^azureblob\/platdevbackups\/vault-snapshots\/jenkins-home\/plat-dev-azure-jenkins\/\d{8}T\d{6}Z\.tar\.gz$/,
    gcp: /^gcs\/plat-dev-vault-backups\/jenkins-home\/plat-dev-gcp-jenkins\/\d{8}T\d{6}Z\.tar\.gz$/,
};
/**
 * Scenarios whose logic does not depend on the cloud run on one of them (spread over the three):
 * the harness boots each VM for real under bash, and the machine is shared. The cloud-specific
 * ones (secret reads, identities, default users, disks, upgrades, replacement) run on all three.
 */
const ONE = { agent: "gcp", preFixedIds: "azure", orphan: "aws", heap: "azure", health: "gcp", plugins: "aws" } as const satisfies Record<string, Cloud>;

const describeRun = (vm: HarnessVm, r: RunResult) => `exit ${r.exitCode}\n${vm.unroot(r.stderr).split("\n").slice(-40).join("\n")}`;
const cmdline = (vm: HarnessVm, c: Call) => `${c.cmd} ${vm.unroot(c.args.join(" "))}`;

// ---------------------------------------------------------------------------------------------
// Scenarios (run in parallel in `before`, asserted below)
// ---------------------------------------------------------------------------------------------

interface Outcome {
    readonly vm: HarnessVm;
    readonly runs: Record<string, RunResult>;
    readonly seen: Record<string, string>;
}
type Scenario = (vm: HarnessVm, see: (key: string, value: string) => void) => Promise<Record<string, RunResult>>;
const queue: { id: string; role: BootstrapRole; cloud: Cloud; fn: Scenario; opts?: ConstructorParameters<typeof HarnessVm>[2] }[] = [];
const outcomes = new Map<string, Outcome>();
const vms: HarnessVm[] = [];
const scenario = (id: string, role: BootstrapRole, cloud: Cloud, fn: Scenario, opts?: ConstructorParameters<typeof HarnessVm>[2]) =>
    queue.push({ id: `${id}:${role}-${cloud}`, role, cloud, fn, opts });
const outcome = (key: string): Outcome => {
    const o = outcomes.get(key);
    assert.ok(o, `scenario ${key} did not run`);
    return o;
};

for (const cloud of CLOUDS) {
    // Noisy tools: every command whose stdout is never data prints on it; the AWS CLI is installed
    // during the first secret read (snap prints "aws-cli ... installed" on stdout).
    scenario("noisy", "vault", cloud, async (vm) => ({ boot: await vm.boot() }), { env: { HARNESS_NOISY: "1" } });

    // Operators: a first boot, then bob leaves and carol joins (the bundle changes; the daily
    // refresh applies it), then a bundle with a bad key changes nothing.
    for (const role of cloud === "aws" ? (["bastion", "vault"] as const) : (["bastion"] as const)) {
        scenario("operators", role, cloud, async (vm, see) => {
            vm.writeFile("/etc/sudoers.d/ssm-agent-users", "ssm-user ALL=(ALL) NOPASSWD:ALL\n");
            const boot = await vm.boot();
            see("sudoers", vm.exists("/etc/sudoers.d/90-platform-operators") ? vm.file("/etc/sudoers.d/90-platform-operators") : "<none>");
            see("keys", fs.readdirSync(`${vm.root}/etc/ssh/authorized_keys`).sort().join(" "));
            const dflt = DEFAULT_USER[cloud];
            if (dflt) see("shared", vm.file(`/etc/ssh/authorized_keys/${dflt}`));
            const changed: BootstrapOperations = {
                ...OPERATIONS,
                operators: [OPERATIONS.operators[0], { name: "carol", sshPublicKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFj3wN2bWsTQEoRa+ZCv0gkZ2Y1H0N+9SAkMWq7qsXq9 carol@example.com"], sudo: false }],
            };
            vm.putSecret(vm.tlsSecretRef, tlsBundle(vm.hostname, vm.ip, { operations: changed }));
            const refresh = await vm.run("/usr/local/sbin/platform-tls-refresh");
            const bad: BootstrapOperations = { ...changed, operators: [...changed.operators, { name: "mallory", sshPublicKeys: ["ssh-ed25519 not-a-key"], sudo: true }] };
            vm.putSecret(vm.tlsSecretRef, tlsBundle(vm.hostname, vm.ip, { operations: bad }));
            const refused = await vm.run("/usr/local/sbin/platform-tls-refresh");
            return { boot, refresh, refused };
        });
    }
    // No named operators (a dev stack): the shared key keeps its shell.
    scenario("no-operators", "bastion", cloud, async (vm) => {
        vm.putSecret(vm.tlsSecretRef, tlsBundle(vm.hostname, vm.ip, { operations: { ...OPERATIONS, operators: [] } }));
        return { boot: await vm.boot() };
    });

    // Vault operated as documented: init with the operators' keys, setup with the root token on
    // stdin, snapshots with the login setup created, Vault down during a snapshot, a new metrics token.
    scenario("vault-ops", "vault", cloud, async (vm) => {
        const boot = await vm.boot();
        FPRS.forEach((f, i) => vm.writeFile(`/home/alice/op${i}.asc`, keyFile(f)));
        vm.writeFile("/home/alice/stranger.asc", keyFile("9999999999999999999999999999999999999999"));
        const wrongKey = await vm.script(`/usr/local/bin/platform-vault init /home/alice/op0.asc /home/alice/op1.asc /home/alice/stranger.asc`);
        const tooFew = await vm.script(`/usr/local/bin/platform-vault init /home/alice/op0.asc /home/alice/op1.asc`);
        // Any order of files: they are matched to the configured fingerprints.
        const init = await vm.script(`/usr/local/bin/platform-vault init /home/alice/op2.asc /home/alice/op0.asc /home/alice/op1.asc`);
        const again = await vm.script(`/usr/local/bin/platform-vault init /home/alice/op0.asc /home/alice/op1.asc /home/alice/op2.asc`);
        const badToken = await vm.script("/usr/local/bin/platform-vault setup", {}, "hvs.not-a-token\n");
        const setup = await vm.script("/usr/local/bin/platform-vault setup", {}, "hvs.root-token\n");
        const rootAfter = await vm.script("VAULT_TOKEN=hvs.root-token vault token lookup", { VAULT_ADDR: "https://127.0.0.1:8200", VAULT_CACERT: `${vm.root}/etc/platform-tls/ca.crt` });
        const snapshot = await vm.run("/usr/local/sbin/vault-raft-snapshot");
        vm.fault({ cmd: "vault", match: "^operator raft snapshot save", times: 1, exit: 2, message: "Error: Post https://127.0.0.1:8200/v1/sys/storage/raft/snapshot: connection refused" });
        const downMidway = await vm.run("/usr/local/sbin/vault-raft-snapshot");
        const health = await vm.run("/usr/local/sbin/platform-health");
        // Later root access is a recovery (vault operator generate-root with the operators' recovery
        // keys); the stub knows the token that ceremony produced.
        fs.appendFileSync(`${vm.state}/vault/tokens`, "hvs.recovered-root root\n");
        const rotate = await vm.script("/usr/local/bin/platform-vault metrics-token", {}, "hvs.recovered-root\n");
        // Restore: the operator fetched a snapshot from the bucket and copied it to the VM.
        vm.writeFile("/home/alice/restore.snap", "raft snapshot bytes of last night\n");
        const restore = await vm.script("/usr/local/bin/platform-vault restore /home/alice/restore.snap", {}, "hvs.recovered-root\n");
        return { boot, wrongKey, tooFew, init, again, badToken, setup, rootAfter, snapshot, downMidway, health, rotate, restore };
    });

    // Upgrades. On the same root disk (GCP keeps the boot disk when the instance is replaced,
    // cloud-init runs the new user data): held packages move to the new pins.
    for (const role of cloud === "aws" ? (["jenkins", "vault"] as const) : (["vault"] as const)) {
        scenario("upgrade-in-place", role, cloud, async (vm) => {
            const first = await vm.boot();
            vm.offer(role, role === "vault" ? `${NEXT.vault}-1` : NEXT.jenkins, role === "vault" ? "hashicorp.list" : "jenkins.list");
            vm.newUserData(renderWithPins(role, cloud, { [role]: NEXT[role] }));
            vm.reboot();
            const upgraded = await vm.boot();
            return { first, upgraded };
        });
    }
    scenario("upgrade-in-place", "wazuh", cloud, async (vm) => {
        const first = await vm.boot();
        for (const p of ["wazuh-indexer", "wazuh-manager", "wazuh-dashboard"]) vm.offer(p, `${NEXT.wazuh}-1`, "wazuh.list");
        vm.serve(wazuhTemplateUrl(NEXT.wazuh), '{"index_patterns": ["wazuh-alerts-4.x-*"]}\n');
        vm.newUserData(renderWithPins("wazuh", cloud, { wazuh: NEXT.wazuh }));
        vm.reboot();
        const upgraded = await vm.boot();
        return { first, upgraded };
    });
    // An agent VM rebuilt with an agent newer than its manager (minor ahead), and the same agent
    // once the manager is upgraded.
    if (cloud === ONE.agent) scenario("agent-too-new", "jenkins", cloud, async (vm) => {
        vm.managerVersion("4.13.1");
        const refused = await vm.boot();
        // The manager upgraded: the agent (retrying, as agentd does; here a restart) connects.
        vm.managerVersion(PINNED_VERSIONS.wazuh);
        await vm.script("systemctl restart wazuh-agent.service");
        const accepted = await vm.run("/usr/local/lib/platform-bootstrap/70-wazuh-agent.sh");
        return { refused, accepted };
    });

    // Replacement (AWS, Azure: a new root disk; the data disk and the cloud stay), with a version bump.
    scenario("replaced", "wazuh", cloud, async (vm, see) => {
        const first = await vm.boot();
        see("client.keys", "001 plat-dev-aws-jenkins any 0123abcd\n");
        vm.writeFile("/var/ossec/etc/client.keys", "001 plat-dev-aws-jenkins any 0123abcd\n");
        vm.writeFile("/var/ossec/etc/rules/local_rules.xml", "<group name=\"platform\"><rule id=\"100100\" level=\"12\"/></group>\n");
        see("indexer-cert", vm.file("/etc/wazuh-indexer/certs/indexer.pem"));
        see("policy", fs.readFileSync(`${vm.state}/indexer/policy`, "utf8"));
        const installer = fs.readFileSync(`${__dirname}/harness/wazuh-install.sh`, "utf8").replace(`readonly wazuh_version="${PINNED_VERSIONS.wazuh}"`, `readonly wazuh_version="${NEXT.wazuh}"`);
        vm.serve(wazuhInstallerUrl(NEXT.wazuh), installer);
        vm.replaceWith(renderWithPins("wazuh", cloud, { wazuh: NEXT.wazuh }));
        const second = await vm.boot();
        vm.reboot();
        const third = await vm.boot();
        return { first, second, third };
    });
    for (const role of cloud === "aws" ? (["jenkins", "vault"] as const) : (["vault"] as const)) {
        scenario("replaced", role, cloud, async (vm, see) => {
            const first = await vm.boot();
            see("marker", vm.file(role === "jenkins" ? "/var/lib/jenkins/.platform-owner" : "/opt/vault/data/.platform-owner"));
            vm.replace();
            const second = await vm.boot();
            return { first, second };
        });
    }
    // A data disk written before fixed ids (no owner marker): one recursive chown, then never again.
    if (cloud === ONE.preFixedIds) scenario("pre-fixed-ids-disk", "jenkins", cloud, async (vm) => {
        const first = await vm.boot();
        fs.rmSync(`${vm.root}/var/lib/jenkins/.platform-owner`);
        vm.reboot();
        const migrated = await vm.boot();
        vm.reboot();
        const after = await vm.boot();
        return { first, migrated, after };
    });
    // A Wazuh disk from before its state moved there (issue 17: indexer data, no certificates or passwords).
    if (cloud === ONE.orphan) scenario("orphan-indexer-data", "wazuh", cloud, async (vm) => {
        const first = await vm.boot();
        fs.rmSync(`${vm.state}/disks`, { recursive: true, force: true });
        return { first, second: await (async () => {
            // Rebuild the disk as issue 17 left it: a filesystem with only indexer/.
            vm.replace();
            const dev = cloud === "aws" ? "nvme1n1" : cloud === "azure" ? "sdc" : "sdb";
            fs.mkdirSync(`${vm.state}/disks/${dev}/indexer/nodes/0`, { recursive: true });
            fs.writeFileSync(`${vm.state}/disks/${dev}/indexer/nodes/0/_state`, "issue 17 data\n");
            return vm.boot();
        })() };
    });

    // The indexer's heap follows the VM's memory; a resized VM restarts the indexer once.
    if (cloud === ONE.heap) scenario("heap", "wazuh", cloud, async (vm, see) => {
        const first = await vm.boot();
        see("heap-16g", vm.file("/etc/wazuh-indexer/jvm.options.d/platform-heap.options"));
        vm.resize(131072);
        const resized = await vm.run("/usr/local/lib/platform-bootstrap/50-wazuh-server.sh");
        see("heap-128g", vm.file("/etc/wazuh-indexer/jvm.options.d/platform-heap.options"));
        // Retention changed in the stack: the refresh updates the policy in place.
        vm.putSecret(vm.tlsSecretRef, tlsBundle(vm.hostname, vm.ip, { operations: { ...OPERATIONS, wazuhRetentionDays: 30 } }));
        const retention = await vm.run("/usr/local/sbin/platform-tls-refresh");
        return { first, resized, retention };
    }, { memoryMb: 16000 });

    // JENKINS_HOME beyond the disk snapshot: nothing to archive before Jenkins' first start, then
    // a daily archive in the backup bucket (without workspaces, caches or build records); an upload
    // that keeps failing fails the unit and the metrics say so.
    scenario("jenkins-home", "jenkins", cloud, async (vm, see) => {
        const boot = await vm.boot();
        see("timer", JSON.stringify(vm.unitState("jenkins-home-backup.timer")));
        const early = await vm.run("/usr/local/sbin/jenkins-home-backup");
        for (const [f, body] of Object.entries(JENKINS_HOME_FILES)) vm.writeFile(`/var/lib/jenkins/${f}`, body);
        const archived = await vm.run("/usr/local/sbin/jenkins-home-backup");
        see("objects", JSON.stringify(vm.objects()));
        see("prom-ok", vm.file("/var/lib/node_exporter/textfile/jenkins_backup.prom"));
        vm.fault(cloud === "aws" ? { cmd: "aws", match: "^s3 cp", times: "always", exit: 1, message: "upload failed: Could not connect to the endpoint URL" } : { cmd: "curl", match: "^PUT|^POST", times: "always", exit: 7, message: "curl: (7) Failed to connect" });
        const failing = await vm.run("/usr/local/sbin/jenkins-home-backup");
        return { boot, early, archived, failing };
    });

    // Jenkins on Kubernetes: pinned plugins and JCasC at boot; the refresh timer's token from the
    // VM identity, the cluster in JCasC and a reload only on change; a failing lookup fails the
    // unit, keeps the last token and the last success.
    scenario("jenkins-kube", "jenkins", cloud, async (vm, see) => {
        // The reloads Jenkins took so far (the stub records each accepted one).
        const reloads = () => (fs.existsSync(`${vm.state}/casc-reloads`) ? fs.readFileSync(`${vm.state}/casc-reloads`, "utf8") : "");
        const boot = await vm.boot();
        see("timer", JSON.stringify(vm.unitState("platform-jenkins-kube.timer")));
        const first = await vm.run("/usr/local/sbin/platform-jenkins-kube");
        see("token-1", vm.file("/run/secrets/kubernetes.io/serviceaccount/token"));
        see("prom-ok", vm.file("/var/lib/node_exporter/textfile/jenkins_kubernetes.prom"));
        see("reloads-1", reloads());
        // A reload JCasC refuses (200 with an error body) fails the run and is retried on the next.
        fs.rmSync(`${vm.root}/run/platform-jenkins-kube.applied`);
        vm.writeFile("/var/lib/jenkins/casc/20-kubernetes-cloud.yaml", "{}\n");
        fs.writeFileSync(`${vm.state}/casc-reload-error`, '{"status":"error","message":"No configurator for the following root elements: clouds"}');
        const refused = await vm.run("/usr/local/sbin/platform-jenkins-kube");
        see("applied-after-refusal", String(vm.exists("/run/platform-jenkins-kube.applied")));
        fs.rmSync(`${vm.state}/casc-reload-error`);
        const retried = await vm.run("/usr/local/sbin/platform-jenkins-kube");
        see("reloads-retried", reloads());
        const again = await vm.run("/usr/local/sbin/platform-jenkins-kube");
        see("reloads-2", reloads());
        see("token-2", vm.file("/run/secrets/kubernetes.io/serviceaccount/token"));
        see("prom-again", vm.file("/var/lib/node_exporter/textfile/jenkins_kubernetes.prom"));
        vm.fault(cloud === "aws" ? { cmd: "aws", match: "^eks ", times: "always", exit: 254, message: "An error occurred (AccessDeniedException) when calling the DescribeCluster operation" } : { cmd: "curl", match: cloud === "azure" ? "listClusterUserCredential" : "container.googleapis.com", times: "always", exit: 22, message: "curl: (22) The requested URL returned error: 403" });
        const failing = await vm.run("/usr/local/sbin/platform-jenkins-kube");
        return { boot, first, refused, retried, again, failing };
    });
    // A plugin that is not its pinned version, and a plugin manager that is not its release's:
    // the step stops, naming what, and Jenkins keeps what it had.
    if (cloud === ONE.plugins) {
        scenario("jenkins-plugin-pinned", "jenkins", cloud, async (vm) => {
            fs.writeFileSync(`${vm.state}/plugin-overrides`, "kubernetes 4541.vdeadbeef0000\n");
            return { boot: await vm.boot() };
        });
        scenario("jenkins-plugin-manager", "jenkins", cloud, async (vm) => {
            vm.serve(`${JENKINS_PLUGIN_MANAGER.url}.sha256`, `${"0".repeat(64)}  jenkins-plugin-manager-${JENKINS_PLUGIN_MANAGER.version}.jar\n`);
            return { boot: await vm.boot() };
        });
    }

    // Health metrics and the reboot window.
    if (cloud === ONE.health) scenario("health", "jenkins", cloud, async (vm, see) => {
        const boot = await vm.boot();
        const quiet = await vm.run("/usr/local/sbin/platform-health");
        see("quiet", vm.file("/var/lib/node_exporter/textfile/platform_health.prom"));
        fs.writeFileSync(`${vm.state}/units/nginx.service.state`, "failed\n");
        vm.writeFile("/run/reboot-required", "*** System restart required ***\n");
        vm.writeFile("/run/reboot-required.pkgs", "linux-image-6.8.0-90-generic\n");
        const troubled = await vm.run("/usr/local/sbin/platform-health");
        see("troubled", vm.file("/var/lib/node_exporter/textfile/platform_health.prom"));
        const window = await vm.run("/usr/local/sbin/platform-maintenance-reboot");
        fs.rmSync(`${vm.root}/run/reboot-required`);
        const nothing = await vm.run("/usr/local/sbin/platform-maintenance-reboot");
        return { boot, quiet, troubled, window, nothing };
    });
}

describe("tool VMs you can operate (issue 22), executed on the three clouds", function () {
    before(async function () {
        this.timeout(1_800_000);
        // HARNESS_SCENARIOS=a,b (parts of scenario ids) boots only those, with a matching --grep, while iterating.
        const only = process.env.HARNESS_SCENARIOS?.split(",").filter(Boolean);
        const work = queue.filter((q) => !only || only.some((p) => q.id.includes(p)));
        const worker = async (): Promise<void> => {
            for (let item = work.shift(); item !== undefined; item = work.shift()) {
                const vm = new HarnessVm(item.role, item.cloud, item.opts);
                vms.push(vm);
                const seen: Record<string, string> = {};
                const runs = await item.fn(vm, (k, v) => (seen[k] = v));
                outcomes.set(item.id, { vm, runs, seen });
            }
        };
        await Promise.all(Array.from({ length: Math.max(1, Math.min(4, os.cpus().length)) }, worker));
    });
    after(() => {
        for (const vm of vms) vm.dispose();
    });

    describe("secret reads write nothing but the secret, however noisy the tools", () => {
        for (const cloud of CLOUDS) {
            for (const role of ["vault"] as const) {
                it(`${role}-${cloud}: every tool chatters on stdout; the boot completes and every secret file holds exactly its secret`, () => {
                    const { vm, runs } = outcome(`noisy:${role}-${cloud}`);
                    assert.equal(runs.boot.exitCode, 0, describeRun(vm, runs.boot));
                    assert.ok(runs.boot.stdout.includes("(harness chatter on stdout)"), "the stubs did chatter");
                    assert.equal(vm.file("/var/ossec/etc/authd.pass").replace(/\n$/, ""), ENROLLMENT_PASSWORD);
                    const bundle = JSON.parse(tlsBundle(vm.hostname, vm.ip));
                    assert.equal(vm.file("/etc/platform-tls/server.key"), bundle.privateKey);
                    assert.deepEqual(JSON.parse(vm.file("/etc/platform-bootstrap/operations.json")), OPERATIONS);
                    if (cloud === "aws") assert.ok(runs.boot.calls.some((c) => c.cmd === "snap"), "the AWS CLI was installed during a secret read");
                });
            }
        }

        it("a read that prints anything besides one secret line is discarded, retried, and never written", async () => {
            const vm = new HarnessVm("bastion", "gcp");
            vms.push(vm);
            // Noise on the first read only (an installer's line), then the clean value.
            const once = await vm.script(
                `. /usr/local/lib/platform-bootstrap/lib.sh
reads=0
read_pw() { reads=$((reads + 1)); if [ "$reads" -eq 1 ]; then echo "aws-cli (v2/stable) 2.31.0 from Amazon Web Services installed"; fi; echo s3cr3t-value; }
install -d /root/out
install_secret /root/out/once root:root 0600 line read_pw
cat /root/out/once`,
            );
            assert.equal(once.exitCode, 0, describeRun(vm, once));
            assert.equal(once.stdout, "s3cr3t-value\n");
            assert.match(once.stderr, /not a single line secret \(tool output on stdout\?\): discarded/);
            // Noise every time: the read gives up (bounded) and nothing is written.
            const always = await vm.script(
                `. /usr/local/lib/platform-bootstrap/lib.sh
read_pw() { echo "Setting up jq (1.7.1) ..."; echo s3cr3t-value; }
install -d /root/out
install_secret /root/out/always root:root 0600 line read_pw`,
            );
            assert.equal(always.exitCode, 1);
            assert.match(always.stderr, /could not read the secret for \S+\/root\/out\/always/);
            assert.ok(!vm.exists("/root/out/always"));
            assert.deepEqual(fs.readdirSync(`${vm.root}/root/out`).filter((f) => f.startsWith("always")), [], "no temporary file left");
            // A JSON secret must be one object: a line before it is refused the same way.
            const json = await vm.script(
                `. /usr/local/lib/platform-bootstrap/lib.sh
read_json() { echo "note: chatter"; echo '{"certificate": "x"}'; }
install -d /root/out
install_secret /root/out/bundle.json root:root 0600 json read_json`,
            );
            assert.equal(json.exitCode, 1);
            assert.ok(!vm.exists("/root/out/bundle.json"));
        });
    });

    describe("named operators: one account per person, keys root-owned, the shared key restricted", () => {
        for (const cloud of CLOUDS) {
            for (const role of cloud === "aws" ? (["bastion", "vault"] as const) : (["bastion"] as const)) {
                it(`${role}-${cloud}: accounts and keys from the bundle; sudo only on tool VMs; the cloud's shared key ${role === "bastion" ? "only forwards" : "cannot log in"}`, () => {
                    const { vm, runs, seen } = outcome(`operators:${role}-${cloud}`);
                    assert.equal(runs.boot.exitCode, 0, describeRun(vm, runs.boot));
                    // sshd reads keys only from root-owned files, one per account.
                    assert.match(vm.unroot(vm.file("/etc/ssh/sshd_config.d/05-platform-authorized-keys.conf")), /^AuthorizedKeysFile \/etc\/ssh\/authorized_keys\/%u$/m);
                    const dflt = DEFAULT_USER[cloud];
                    assert.equal(seen.keys, ["alice", "bob", ...(dflt ? [dflt] : [])].sort().join(" "));
                    assert.equal(vm.file("/etc/ssh/authorized_keys/alice"), `${OPERATIONS.operators[0].sshPublicKeys[0]}\n`);
                    const installs = runs.boot.calls.filter((c) => c.cmd === "install" && c.args.some((a) => a.endsWith("/etc/ssh/authorized_keys/alice")));
                    assert.ok(installs.length === 1 && installs[0].args.join(" ").includes("-o root -g root"), "root-owned: the user cannot add keys");
                    if (dflt) {
                        const shared = seen.shared;
                        // sshd(8) AUTHORIZED_KEYS: restrict disables forwarding, pty, agent, X11, rc; port-forwarding re-enables only that.
                        assert.equal(shared, role === "bastion" ? `restrict,port-forwarding ${CLOUD_DEFAULT_KEY}\n` : "");
                    }
                    // sudo: alice on the tool VM only, never on the bastion.
                    assert.equal(seen.sudoers, role === "bastion" ? "<none>" : "alice ALL=(ALL) NOPASSWD:ALL\n");
                    assert.ok(runs.boot.calls.some((c) => c.cmd === "visudo") === (role !== "bastion"));
                    // Session Manager's user: never an admin (the file a previous session left is gone).
                    if (cloud === "aws") {
                        assert.ok(!vm.exists("/etc/sudoers.d/ssm-agent-users"));
                        assert.ok(runs.boot.calls.some((c) => c.cmd === "useradd" && c.args.includes("ssm-user")));
                    }
                    // Session recording and the audit trail.
                    assert.match(vm.file("/etc/pam.d/sshd"), /^session required pam_tty_audit\.so enable=\*$/m);
                    const rules = vm.file("/etc/audit/rules.d/50-platform.rules");
                    assert.match(rules, /^-a always,exit -F arch=b64 -S execve -F auid>=1000 -F auid!=unset -k user-commands$/m);
                    assert.match(rules, /^-a always,exit -F arch=b64 -S execve -F auid=unset -F uid>=1000 -F uid!=65534 -k unattributed-session$/m);
                    const sshd = vm.file("/etc/ssh/sshd_config.d/10-platform-hardening.conf");
                    // The forwarding target, at any LogLevel (sshd_config(5) LogVerbose; serverloop.c in OpenSSH 9.6).
                    assert.equal(/^LogVerbose serverloop\.c:server_request_direct_tcpip\(\):\*/m.test(sshd), role === "bastion");
                    const ossec = vm.unroot(vm.file("/var/ossec/etc/ossec.conf"));
                    assert.match(ossec, /<log_format>audit<\/log_format>\s*<location>\/var\/log\/audit\/audit\.log<\/location>/);
                    if (role === "vault") assert.match(ossec, /<log_format>json<\/log_format>\s*<location>\/var\/log\/vault\/audit\.log<\/location>/);
                });

                it(`${role}-${cloud}: bob removed, carol added by the daily refresh; a bundle with a bad key changes nothing`, () => {
                    const { vm, runs } = outcome(`operators:${role}-${cloud}`);
                    assert.equal(runs.refresh.exitCode, 0, describeRun(vm, runs.refresh));
                    assert.ok(!vm.exists("/etc/ssh/authorized_keys/bob"), "bob's keys are gone");
                    assert.ok(runs.refresh.calls.some((c) => c.cmd === "usermod" && c.args.join(" ") === "--lock --expiredate 1 bob"), "bob's account locked and expired");
                    assert.ok(vm.exists("/etc/ssh/authorized_keys/carol"));
                    assert.ok(runs.refresh.calls.some((c) => c.cmd === "systemctl" && c.args.join(" ") === "try-reload-or-restart ssh.service"));
                    assert.equal(runs.refused.exitCode, 1);
                    assert.match(runs.refused.stderr, /operator mallory has a key that is not an OpenSSH public key line/);
                    assert.ok(!vm.exists("/etc/ssh/authorized_keys/mallory"));
                    assert.ok(!runs.refused.calls.some((c) => c.cmd === "useradd"), "nothing changed");
                });
            }

            it(`bastion-${cloud}: without named operators (a dev stack) the cloud's shared key keeps its shell`, () => {
                const { vm, runs } = outcome(`no-operators:bastion-${cloud}`);
                assert.equal(runs.boot.exitCode, 0, describeRun(vm, runs.boot));
                const dflt = DEFAULT_USER[cloud];
                if (dflt) assert.equal(vm.file(`/etc/ssh/authorized_keys/${dflt}`), `${CLOUD_DEFAULT_KEY}\n`);
                else assert.deepEqual(fs.readdirSync(`${vm.root}/etc/ssh/authorized_keys`), []);
            });
        }
    });

    describe("Vault: the documented commands work; recovery keys encrypted to the operators; audited", () => {
        for (const cloud of CLOUDS) {
            it(`${cloud}: platform-vault init takes exactly the configured operators' keys, in their order, and prints only encrypted values`, () => {
                const { vm, runs } = outcome(`vault-ops:vault-${cloud}`);
                assert.equal(runs.boot.exitCode, 0, describeRun(vm, runs.boot));
                assert.equal(runs.wrongKey.exitCode, 1);
                assert.match(runs.wrongKey.stderr, /no file holds the configured operator key 2F3C8A4B5D6E7F8091A2B3C4D5E6F708192A3B4C/);
                assert.equal(runs.tooFew.exitCode, 1);
                assert.match(runs.tooFew.stderr, /give exactly 3 public key files/);
                assert.equal(runs.init.exitCode, 0, describeRun(vm, runs.init));
                const init = runs.init.calls.find((c) => c.cmd === "vault" && c.args[0] === "operator" && c.args[1] === "init")!;
                const args = vm.unroot(init.args.join(" "));
                // Auto-unseal: recovery keys (developer.hashicorp.com/vault/docs/commands/operator/init), never unseal keys.
                assert.match(args, /-recovery-shares=3 -recovery-threshold=2 /);
                const printed = JSON.parse(runs.init.stdout);
                // Share i goes to configured key i, whatever order the files were given in; the root token to the first.
                assert.deepEqual(printed.recovery_keys.map((k: { operator_key: string }) => k.operator_key), FPRS);
                assert.deepEqual(printed.recovery_keys.map((k: { encrypted_b64: string }) => k.encrypted_b64.replace(/^pgp\(operator-\d\.key:(.*)\)$/, "$1")), FPRS);
                assert.equal(printed.root_token.encrypted_b64, `pgp(root:${FPRS[0]})`);
                assert.doesNotMatch(runs.init.stdout, /hvs\./, "no token in clear");
                assert.equal(runs.again.exitCode, 1);
                assert.match(runs.again.stderr, /Vault is already initialised/);
            });

            it(`${cloud}: platform-vault setup (root token on stdin): audit device first, the snapshot login bound to this VM, a scoped metrics token, the root token revoked; no token on any command line`, () => {
                const { vm, runs } = outcome(`vault-ops:vault-${cloud}`);
                assert.equal(runs.badToken.exitCode, 1);
                assert.match(runs.badToken.stderr, /that token is not valid/);
                assert.equal(runs.setup.exitCode, 0, describeRun(vm, runs.setup));
                const vaultCalls = runs.setup.calls.filter((c) => c.cmd === "vault").map((c) => cmdline(vm, c));
                const firstWrite = vaultCalls.findIndex((c) => /^vault (policy|write|auth enable)/.test(c));
                assert.ok(vaultCalls.indexOf("vault audit enable file file_path=/var/log/vault/audit.log mode=0600") < firstWrite, vaultCalls.join("\n"));
                assert.equal(fs.readFileSync(`${vm.state}/vault/policy-raft-snapshot`, "utf8"), 'path "sys/storage/raft/snapshot" { capabilities = ["read"] }\n');
                assert.equal(
                    fs.readFileSync(`${vm.state}/vault/policy-prometheus-metrics`, "utf8"),
                    'path "sys/metrics" { capabilities = ["read"] }\npath "auth/token/renew-self" { capabilities = ["update"] }\n',
                );
                const writes = fs.readFileSync(`${vm.state}/vault/writes`, "utf8");
                const bound = {
                    // The instance role's ARN (from IMDSv2: iam/info's profile ARN, security-credentials' role name).
                    aws: `auth/aws/role/raft-snapshot auth_type=iam bound_iam_principal_arn=arn:aws:iam::123456789012:role/${vm.hostname}-role token_policies=raft-snapshot token_ttl=15m token_max_ttl=30m`,
                    // The managed identity's principal: its token's oid claim.
                    azure: "auth/azure/role/raft-snapshot bound_service_principal_ids=11111111-2222-3333-4444-555555555555 token_policies=raft-snapshot token_ttl=15m token_max_ttl=30m",
                    gcp: `auth/gcp/role/raft-snapshot type=gce bound_service_accounts=${vm.hostname.slice(0, 20)}@plat-dev-123456.iam.gserviceaccount.com bound_projects=plat-dev-123456 token_policies=raft-snapshot token_ttl=15m token_max_ttl=30m`,
                }[cloud];
                assert.ok(writes.split("\n").includes(bound), writes);
                if (cloud === "aws") assert.ok(writes.split("\n").includes(`auth/aws/config/client iam_server_id_header_value=${vm.hostname}`), "replay protection");
                if (cloud === "azure") assert.ok(writes.split("\n").includes("auth/azure/config tenant_id=00000000-1111-2222-3333-444444444444 resource=https://management.azure.com/"));
                assert.ok(writes.split("\n").includes("auth/token/roles/prometheus-metrics allowed_policies=prometheus-metrics orphan=true renewable=true token_period=768h token_no_default_policy=true"));
                // The metrics token on the data disk, root only; the root token is gone.
                const tokenFile = `${vm.state}/disks/${fs.readdirSync(`${vm.state}/disks`)[0]}/platform/metrics-token`;
                assert.match(fs.readFileSync(tokenFile, "utf8"), /^hvs\.metrics-\d+\n$/);
                assert.equal(runs.rootAfter.exitCode, 2, "the root token was revoked");
                for (const r of Object.values(runs)) {
                    for (const c of r.calls) assert.ok(!c.args.some((a) => /hvs\.(root-token|recovered-root|metrics)/.test(a)), `a token on a command line: ${cmdline(vm, c)}`);
                }
            });

            it(`${cloud}: snapshots log in with the binding setup created; Vault down midway fails the run and the metrics say so (the last success is kept)`, () => {
                const { vm, runs } = outcome(`vault-ops:vault-${cloud}`);
                assert.equal(runs.snapshot.exitCode, 0, describeRun(vm, runs.snapshot));
                if (cloud === "aws") assert.ok(runs.snapshot.calls.some((c) => c.cmd === "vault" && c.args.includes(`header_value=${vm.hostname}`)));
                assert.equal(runs.downMidway.exitCode, 2);
                const prom = vm.file("/var/lib/node_exporter/textfile/vault_snapshot.prom");
                assert.match(prom, /^platform_vault_snapshot_last_run_success 0$/m);
                assert.match(prom, /^platform_vault_snapshot_last_success_timestamp_seconds \d{10}$/m, "the last success is still reported");
                const health = vm.file("/var/lib/node_exporter/textfile/platform_health.prom");
                assert.match(health, /^platform_vault_up 1$/m);
                assert.match(health, /^platform_vault_sealed 0$/m);
                assert.match(health, /^platform_vault_metrics_token_renewed 1$/m);
            });

            it(`${cloud}: a new metrics token replaces the old one, which is revoked by accessor; a snapshot restores with the token on stdin`, () => {
                const { vm, runs } = outcome(`vault-ops:vault-${cloud}`);
                assert.equal(runs.rotate.exitCode, 0, describeRun(vm, runs.rotate));
                assert.equal(fs.readFileSync(`${vm.state}/vault/revoked-accessors`, "utf8").trim().split("\n").length, 1);
                assert.equal(runs.restore.exitCode, 0, describeRun(vm, runs.restore));
                assert.equal(fs.readFileSync(`${vm.state}/vault/restored`, "utf8"), "raft snapshot bytes of last night\n");
            });
        }
    });

    describe("upgrades: unhold, install, hold; the Wazuh manager before its agents", () => {
        for (const cloud of CLOUDS) {
            for (const role of cloud === "aws" ? (["jenkins", "vault"] as const) : (["vault"] as const)) {
                it(`${role}-${cloud}: new pins on the same root disk move the held package (apt refuses a held package otherwise)`, () => {
                    const { vm, runs } = outcome(`upgrade-in-place:${role}-${cloud}`);
                    assert.equal(runs.first.exitCode, 0, describeRun(vm, runs.first));
                    assert.equal(runs.upgraded.exitCode, 0, describeRun(vm, runs.upgraded));
                    const want = role === "vault" ? `${NEXT.vault}-1` : NEXT.jenkins;
                    assert.equal(vm.installed(role), want);
                    const seq = runs.upgraded.calls.filter((c) => c.cmd === "apt-mark" || (c.cmd === "apt-get" && c.args.includes("install"))).map((c) => cmdline(vm, c).replace(/ -o \S+/g, "").replace(/ -[qy]/g, ""));
                    assert.deepEqual(seq.filter((c) => c.includes(role)).slice(0, 3), [`apt-mark unhold ${role}`, `apt-get install ${role}=${want}`, `apt-mark hold ${role}`]);
                    assert.ok(fs.readFileSync(`${vm.state}/held`, "utf8").split("\n").includes(role), "held again");
                });
            }

            it(`wazuh-${cloud}: the central components upgrade in the guide's order: Filebeat and dashboard stopped, indexer (allocation, flush), manager, template, dashboard`, () => {
                const { vm, runs } = outcome(`upgrade-in-place:wazuh-${cloud}`);
                assert.equal(runs.upgraded.exitCode, 0, describeRun(vm, runs.upgraded));
                for (const p of ["wazuh-indexer", "wazuh-manager", "wazuh-dashboard"]) assert.equal(vm.installed(p), `${NEXT.wazuh}-1`, p);
                const steps = runs.upgraded.calls
                    .map((c) => cmdline(vm, c))
                    .filter((c) => /^(systemctl (stop|start|restart) (filebeat|wazuh)|apt-get .*install wazuh|curl .*(_cluster\/settings|_flush|wazuh-template)|filebeat setup)/.test(c))
                    .map((c) => c.replace(/^apt-get .*install (\S+)=.*/, "install $1").replace(/^curl .*(_cluster\/settings|_flush|wazuh-template\.json).*/, "api $1"));
                // documentation.wazuh.com, "Wazuh central components".
                assert.deepEqual(steps.slice(0, 12), [
                    "systemctl stop filebeat.service wazuh-dashboard.service",
                    "api _cluster/settings",
                    "api _flush",
                    "systemctl stop wazuh-indexer.service",
                    "install wazuh-indexer",
                    "systemctl start wazuh-indexer.service",
                    "api _cluster/settings",
                    "install wazuh-manager",
                    "systemctl restart wazuh-manager.service",
                    "api wazuh-template.json",
                    "systemctl start filebeat.service",
                    "filebeat setup --pipelines",
                ]);
                assert.ok(steps.indexOf("install wazuh-dashboard") > steps.indexOf("install wazuh-manager"));
                const held = fs.readFileSync(`${vm.state}/held`, "utf8").split("\n");
                for (const p of ["wazuh-indexer", "wazuh-manager", "wazuh-dashboard", "filebeat"]) assert.ok(held.includes(p), p);
            });

            if (cloud === ONE.agent) it(`jenkins-${cloud}: an agent newer than its manager is refused, and the step says to upgrade the manager first`, () => {
                const { vm, runs } = outcome(`agent-too-new:jenkins-${cloud}`);
                assert.equal(runs.refused.exitCode, 1);
                assert.match(runs.refused.stderr, new RegExp(`the Wazuh manager refused this agent .*${AGENT_TOO_NEW}.*Upgrade the Wazuh VM first`));
                assert.equal(Object.fromEntries(vm.status().steps.map((s) => [s.name, s.status]))["50-jenkins"], "ok", "Jenkins itself is not held back");
                assert.equal(runs.accepted.exitCode, 0, describeRun(vm, runs.accepted));
            });
        }

        it("the pinned agent is never newer than the pinned manager (major.minor, as remoted compares them)", () => {
            const mm = (v: string) => v.split(".").slice(0, 2).map(Number);
            const [a, m] = [mm(PINNED_VERSIONS.wazuhAgent), mm(PINNED_VERSIONS.wazuh)];
            assert.ok(a[0] < m[0] || (a[0] === m[0] && a[1] <= m[1]), `${PINNED_VERSIONS.wazuhAgent} > ${PINNED_VERSIONS.wazuh}`);
        });
    });

    describe("replacement with the existing data disk keeps the state", () => {
        for (const cloud of CLOUDS) {
            it(`wazuh-${cloud}: a new root disk (and a newer version) adopts the disk's state: agent keys, rules, certificates, passwords, indexer data`, () => {
                const { vm, runs, seen } = outcome(`replaced:wazuh-${cloud}`);
                assert.equal(runs.first.exitCode, 0, describeRun(vm, runs.first));
                assert.equal(runs.second.exitCode, 0, describeRun(vm, runs.second));
                assert.deepEqual(runs.second.calls.filter((c) => c.cmd === "mkfs.ext4"), [], "the disk is never formatted again");
                assert.equal(vm.installed("wazuh-manager"), `${NEXT.wazuh}-1`);
                assert.equal(vm.file("/var/ossec/etc/client.keys"), seen["client.keys"], "agents keep their keys");
                assert.match(vm.file("/var/ossec/etc/rules/local_rules.xml"), /rule id="100100"/);
                assert.equal(vm.file("/etc/wazuh-indexer/certs/indexer.pem"), seen["indexer-cert"], "the previous install's certificates (its CA signs the indexer's security config)");
                assert.match(vm.unroot(vm.file("/etc/wazuh-indexer/opensearch.yml")), /^path\.data: \/var\/lib\/wazuh-data\/indexer$/m);
                assert.equal(vm.diskFile("indexer/nodes/0/_state"), "indexer data\n");
                // The dashboard's keystore gets the previous install's kibanaserver password (wazuh-passwords-tool's way).
                const keystore = fs.readFileSync(`${vm.state}/dashboard-keystore`, "utf8").trim().split("\n");
                assert.deepEqual(keystore, ["--allow-root add -f --stdin opensearch.password\tpw-kibanaserver-1.X+?"]);
                assert.equal(fs.readFileSync(`${vm.state}/indexer/policy`, "utf8"), seen.policy, "retention policy untouched");
                assert.ok(vm.exists("/root/wazuh-install/wazuh-install-files.unused.tar"), "the fresh install's secrets are set aside");
                assert.equal(runs.third.exitCode, 0, describeRun(vm, runs.third));
                assert.deepEqual(runs.third.calls.filter((c) => c.cmd === "systemctl" && ["stop", "restart"].includes(c.args[0])).map((c) => cmdline(vm, c)), [], "a reboot after adoption changes nothing");
                const users = fs.readFileSync(`${vm.state}/users`, "utf8");
                for (const u of ["wazuh", "wazuh-indexer", "wazuh-dashboard"] as const) assert.match(users, new RegExp(`^${u}:${FIXED_IDS[u]}:`, "m"));
            });

            for (const role of cloud === "aws" ? (["jenkins", "vault"] as const) : (["vault"] as const)) {
                it(`${role}-${cloud}: the service account gets the same numeric id on the new VM, so nothing needs a recursive chown`, () => {
                    const { vm, runs, seen } = outcome(`replaced:${role}-${cloud}`);
                    assert.equal(runs.second.exitCode, 0, describeRun(vm, runs.second));
                    assert.equal(seen.marker, `${FIXED_IDS[role]}:${FIXED_IDS[role]}\n`);
                    assert.deepEqual(runs.second.calls.filter((c) => c.cmd === "chown" && c.args[0] === "-R").map((c) => cmdline(vm, c)), []);
                    assert.match(fs.readFileSync(`${vm.state}/users`, "utf8"), new RegExp(`^${role}:${FIXED_IDS[role]}:`, "m"));
                });
            }

            if (cloud === ONE.preFixedIds) it(`jenkins-${cloud}: a disk from before fixed ids is chowned recursively once, then never again`, () => {
                const { vm, runs } = outcome(`pre-fixed-ids-disk:jenkins-${cloud}`);
                assert.equal(runs.migrated.exitCode, 0, describeRun(vm, runs.migrated));
                assert.deepEqual(runs.migrated.calls.filter((c) => c.cmd === "chown" && c.args[0] === "-R").map((c) => cmdline(vm, c)), ["chown -R jenkins:jenkins /var/lib/jenkins"]);
                assert.deepEqual(runs.after.calls.filter((c) => c.cmd === "chown" && c.args[0] === "-R"), []);
            });

            if (cloud === ONE.orphan) it(`wazuh-${cloud}: indexer data without the state that goes with it (an issue 17 disk) stops the step with what to do`, () => {
                const { vm, runs } = outcome(`orphan-indexer-data:wazuh-${cloud}`);
                assert.equal(runs.second.exitCode, 1);
                assert.match(vm.unroot(runs.second.stderr), /\/var\/lib\/wazuh-data\/indexer holds indexer data but the disk has no Wazuh state .*cannot be adopted/);
                const args = fs.readFileSync(`${vm.state}/installer-runs`, "utf8").split(/\s+/);
                assert.ok(!args.includes("-o") && !args.includes("--overwrite"), "never --overwrite");
            });
        }
    });

    describe("the indexer: heap from the VM's memory, retention per environment", () => {
        for (const cloud of CLOUDS) {
            if (cloud === ONE.heap) it(`${cloud}: half the memory, at most 31 GiB (OpenSearch heap guidance), restarted once on a resize; retention updated in place`, () => {
                const { vm, runs, seen } = outcome(`heap:wazuh-${cloud}`);
                assert.equal(runs.first.exitCode, 0, describeRun(vm, runs.first));
                assert.match(seen["heap-16g"], /^-Xms8000m\n-Xmx8000m$/m);
                assert.equal(runs.resized.exitCode, 0, describeRun(vm, runs.resized));
                assert.match(seen["heap-128g"], /^-Xms31744m\n-Xmx31744m$/m);
                assert.deepEqual(runs.resized.calls.filter((c) => c.cmd === "systemctl" && c.args[0] === "restart").map((c) => c.args.join(" ")), ["restart wazuh-indexer.service"]);
                assert.equal(runs.retention.exitCode, 0, describeRun(vm, runs.retention));
                const policy = JSON.parse(fs.readFileSync(`${vm.state}/indexer/policy`, "utf8"));
                assert.equal(policy.policy.states[0].transitions[0].conditions.min_index_age, "30d");
                assert.deepEqual(policy.policy.states[1].actions, [{ delete: {} }]);
                assert.deepEqual(policy.policy.ism_template[0].index_patterns, ["wazuh-alerts-*", "wazuh-archives-*", "wazuh-monitoring-*", "wazuh-statistics-*"]);
                const requests = fs.readFileSync(`${vm.state}/indexer/requests`, "utf8").split("\n");
                assert.ok(requests.some((r) => /^PUT _plugins\/_ism\/policies\/platform-retention\?if_seq_no=1&if_primary_term=1$/.test(r)), "an update guarded by seq_no/primary_term");
            });
        }
    });

    describe("JENKINS_HOME beyond the daily disk snapshot: a daily archive in the backup bucket", () => {
        for (const cloud of CLOUDS) {
            it(`jenkins-${cloud}: nothing before Jenkins' first start; then configuration, credentials and their keys, jobs and plugins, without workspaces, caches or builds; a failing upload fails the unit and keeps the last success`, () => {
                const { vm, runs, seen } = outcome(`jenkins-home:jenkins-${cloud}`);
                assert.equal(runs.boot.exitCode, 0, describeRun(vm, runs.boot));
                assert.deepEqual(JSON.parse(seen.timer), { known: true, enabled: true, active: true });
                assert.equal(runs.early.exitCode, 0, describeRun(vm, runs.early));
                assert.match(runs.early.stderr, /no config\.xml yet: no archive/);
                assert.equal(runs.archived.exitCode, 0, describeRun(vm, runs.archived));
                const objects = JSON.parse(seen.objects) as { key: string }[];
                assert.equal(objects.length, 1, seen.objects);
                assert.match(objects[0].key, JENKINS_ARCHIVE_KEY[cloud]);
                const listed = execFileSync("tar", ["-tzf", `${vm.state}/objects/${objects[0].key}`], { encoding: "utf8" })
                    .split("\n")
                    .filter((l) => l && !l.endsWith("/"))
                    .map((l) => l.replace(/^\.\//, ""))
                    .sort();
                assert.deepEqual(listed, JENKINS_HOME_KEPT);
                assert.match(seen["prom-ok"], /^platform_jenkins_backup_last_run_success 1$/m);
                assert.match(seen["prom-ok"], /^platform_jenkins_backup_last_success_timestamp_seconds \d{10}$/m);
                assert.notEqual(runs.failing.exitCode, 0);
                assert.match(runs.failing.stderr, /Could not connect to the endpoint URL|Failed to connect/, "it failed on the upload, after the archive");
                const prom = vm.file("/var/lib/node_exporter/textfile/jenkins_backup.prom");
                assert.match(prom, /^platform_jenkins_backup_last_run_success 0$/m);
                assert.equal(/^platform_jenkins_backup_last_success_timestamp_seconds (\d+)$/m.exec(prom)?.[1], /^platform_jenkins_backup_last_success_timestamp_seconds (\d+)$/m.exec(seen["prom-ok"])?.[1], "the last success is still reported");
                assert.deepEqual(fs.readdirSync(`${vm.root}/var/tmp`).filter((n) => n.startsWith("jenkins-backup.")), [], "no archive left behind");
            });
        }
    });

    describe("Jenkins: builds on Kubernetes with the VM identity, configured as code, pinned plugins", () => {
        for (const cloud of CLOUDS) {
            it(`jenkins-${cloud}: pinned plugins and JCasC at boot; a token from the VM identity, the cluster in JCasC, one reload per change; a failing lookup keeps the last token and success`, () => {
                const { vm, runs, seen } = outcome(`jenkins-kube:jenkins-${cloud}`);
                assert.equal(runs.boot.exitCode, 0, describeRun(vm, runs.boot));
                assert.deepEqual(JSON.parse(seen.timer), { known: true, enabled: true, active: true });
                // Plugins: exactly the pinned versions, read back from their manifests.
                for (const [name, version] of Object.entries(JENKINS_PLUGINS)) {
                    assert.match(vm.file(`/var/lib/jenkins/plugins/${name}.jpi`), new RegExp(`^Plugin-Version: ${version.replace(/\./g, "\\.")}\r?$`, "m"), name);
                }
                const pm = vm.allCalls().filter((c) => c.cmd === "java");
                assert.equal(pm.length, 1, "the plugin manager ran once");
                assert.ok(pm[0].args.includes("--latest") && pm[0].args[pm[0].args.indexOf("--latest") + 1] === "false");
                // JCasC: the controller as code.
                const casc = parseYaml(vm.file("/var/lib/jenkins/casc/10-platform.yaml")) as { jenkins: Record<string, any>; unclassified: Record<string, any> };
                assert.equal(casc.jenkins.numExecutors, 0);
                assert.equal(casc.jenkins.slaveAgentPort, -1);
                assert.equal(casc.jenkins.securityRealm.local.allowsSignup, false);
                assert.deepEqual(casc.jenkins.securityRealm.local.users, [{ id: "platform-admin", password: "${readFile:" + vm.root + "/var/lib/jenkins/secrets/platform-admin-password}" }]);
                assert.deepEqual(casc.jenkins.authorizationStrategy, { loggedInUsersCanDoAnything: { allowAnonymousRead: false } });
                assert.equal(casc.unclassified.location.url, "${PLATFORM_JENKINS_URL}");
                assert.equal(fs.statSync(`${vm.root}/var/lib/jenkins/secrets/platform-admin-password`).mode & 0o777, 0o600);
                assert.match(vm.file("/var/lib/jenkins/secrets/platform-admin-password"), /^[A-Za-z0-9+/=]{32}$/);
                const env = vm.file("/etc/default/platform-jenkins");
                assert.equal(fs.statSync(`${vm.root}/etc/default/platform-jenkins`).mode & 0o777, 0o600);
                assert.match(env, new RegExp(`^PLATFORM_JENKINS_URL=https://${vm.ip.replace(/\./g, "\\.")}:8443/$`, "m"));
                const reloadToken = /^CASC_RELOAD_TOKEN=([0-9a-f]{64})$/m.exec(env)?.[1];
                assert.ok(reloadToken, env);
                // The refresh: a token from the identity, readable by Jenkins only; the cluster in JCasC.
                assert.equal(runs.first.exitCode, 0, describeRun(vm, runs.first));
                assert.match(seen["token-1"], cloud === "aws" ? /^k8s-aws-v1\./ : cloud === "azure" ? /^az:6dae42f8-4368-4678-94ff-3960e28e3630$/ : /^gcp-token$/);
                assert.equal(fs.statSync(`${vm.root}/run/secrets/kubernetes.io/serviceaccount/token`).mode & 0o777, 0o440);
                assert.ok(vm.allCalls().some((c) => c.cmd === "chown" && c.args.join(" ").startsWith("root:jenkins ") && c.args.join(" ").includes("/run/secrets/kubernetes.io/serviceaccount/token.")), "root:jenkins");
                const cloudCasc = JSON.parse(vm.file("/var/lib/jenkins/casc/20-kubernetes-cloud.yaml")) as { jenkins: { clouds: { kubernetes: Record<string, any> }[] }; credentials: unknown };
                const k = cloudCasc.jenkins.clouds[0].kubernetes;
                assert.match(k.serverUrl, { aws: /^https:\/\/[0-9A-F]+\.eu-west-1\.eks\.amazonaws\.com$/, azure: /^https:\/\/plat-dev-aks-dns-[0-9a-f]+\.[0-9a-f]+-priv\.privatelink\.westeurope\.azmk8s\.io:443$/, gcp: /^https:\/\/172\.16\.0\.2$/ }[cloud]);
                assert.equal(k.serverCertificate, fs.readFileSync(`${vm.state}/cluster/ca.crt`, "utf8"));
                assert.equal(k.jenkinsUrl, `https://${vm.ip}:8443/`);
                assert.equal(k.namespace, "jenkins-agents");
                assert.equal(k.webSocket, true);
                assert.equal(k.templates[0].serviceAccount, "jenkins-agent");
                assert.equal(k.templates[0].containers[0].image, `${JENKINS_AGENT_IMAGE.repository}:${JENKINS_AGENT_IMAGE.tag}`);
                // No JCasC credentials block: it would own the whole system store (UI-added credentials deleted at every start).
                assert.equal(cloudCasc.credentials, undefined);
                assert.match(vm.file("/var/lib/jenkins/init.groovy.d/10-platform-controller-policy.groovy"), new RegExp(`FileSystemServiceAccountCredential[\\s\\S]*'${k.credentialsId}'`));
                assert.equal(k.templates[0].containers[0].runAsUser, "1000", "the image's user is a name: runAsNonRoot needs a number");
                assert.equal(fs.statSync(`${vm.root}/var/lib/jenkins/casc/20-kubernetes-cloud.yaml`).mode & 0o777, 0o640);
                assert.equal(seen["reloads-1"], "reload\n", "reloaded once, with the token from the file");
                assert.ok(!vm.allCalls().some((c) => c.args.some((a) => a.includes(reloadToken!))), "the reload token is on no command line");
                assert.match(seen["prom-ok"], /^platform_jenkins_kubernetes_last_run_success 1$/m);
                // A refused reload fails the run, names the refusal, and is retried by the next run.
                assert.notEqual(runs.refused.exitCode, 0);
                assert.match(runs.refused.stderr, /Jenkins refused the configuration reload: \{"status":"error"/);
                assert.equal(seen["applied-after-refusal"], "false");
                assert.equal(runs.retried.exitCode, 0, describeRun(vm, runs.retried));
                assert.equal(seen["reloads-retried"], "reload\nreload\n", "retried once the refusal is gone");
                // Unchanged cluster: a new token, no reload.
                assert.equal(runs.again.exitCode, 0, describeRun(vm, runs.again));
                assert.equal(seen["reloads-2"], "reload\nreload\n");
                // A failing lookup: the unit fails, the metric says so, the last token and success stay.
                assert.notEqual(runs.failing.exitCode, 0);
                const prom = vm.file("/var/lib/node_exporter/textfile/jenkins_kubernetes.prom");
                assert.match(prom, /^platform_jenkins_kubernetes_last_run_success 0$/m);
                const ts = (p: string) => /^platform_jenkins_kubernetes_last_success_timestamp_seconds (\d+)$/m.exec(p)?.[1];
                assert.ok(ts(seen["prom-ok"]));
                assert.equal(ts(prom), ts(seen["prom-again"]), "the last success is still reported");
                assert.equal(vm.file("/run/secrets/kubernetes.io/serviceaccount/token"), seen["token-2"], "the last token stays");
            });
        }
        it(`jenkins-${ONE.plugins}: a plugin that is not its pinned version stops the step, naming it; a plugin manager that does not match its published sha256 is never run`, () => {
            const pinned = outcome(`jenkins-plugin-pinned:jenkins-${ONE.plugins}`);
            assert.notEqual(pinned.runs.boot.exitCode, 0);
            assert.match(pinned.runs.boot.stderr, new RegExp(`plugin kubernetes: downloaded 4541\\.vdeadbeef0000, pinned ${JENKINS_PLUGINS.kubernetes.replace(/\./g, "\\.")}`));
            assert.ok(!pinned.vm.exists("/var/lib/jenkins/plugins/kubernetes.jpi"), "nothing installed");
            const manager = outcome(`jenkins-plugin-manager:jenkins-${ONE.plugins}`);
            assert.notEqual(manager.runs.boot.exitCode, 0);
            assert.match(manager.runs.boot.stderr, /the plugin manager download does not match its published sha256/);
            assert.equal(manager.vm.allCalls().filter((c) => c.cmd === "java").length, 0, "never run");
        });
    });

    describe("health for the operator, and the reboot window", () => {
        for (const cloud of CLOUDS) {
            if (cloud === ONE.health) it(`${cloud}: failed units, a pending reboot and the agent's link become metrics; the window reboots only when needed`, () => {
                const { vm, runs, seen } = outcome(`health:jenkins-${cloud}`);
                assert.equal(runs.boot.exitCode, 0, describeRun(vm, runs.boot));
                assert.match(seen.quiet, /^platform_systemd_units_failed 0$/m);
                assert.match(seen.quiet, /^platform_reboot_required 0$/m);
                assert.match(seen.quiet, /^platform_wazuh_agent_connected 1$/m);
                assert.match(seen.troubled, /^platform_systemd_units_failed 1$/m);
                assert.match(seen.troubled, /^platform_systemd_unit_failed\{unit="nginx\.service"\} 1$/m);
                assert.match(seen.troubled, /^platform_reboot_required 1$/m);
                assert.match(seen.troubled, /^platform_reboot_required_since_timestamp_seconds \d{10}$/m);
                assert.deepEqual(runs.window.calls.filter((c) => c.cmd === "systemctl").map((c) => c.args.join(" ")), ["reboot"]);
                assert.match(fs.readFileSync(`${vm.state}/syslog`, "utf8"), /reboot in the maintenance window for: linux-image-6\.8\.0-90-generic/);
                assert.deepEqual(runs.nothing.calls.filter((c) => c.cmd === "systemctl"), []);
                // Tue,Thu 03:00 UTC (fixture), Jenkins 40 minutes after the window opens.
                assert.equal(vm.file("/etc/systemd/system/platform-maintenance-reboot.timer.d/10-window.conf").split("\n").filter((l) => l.startsWith("OnCalendar=")).join("|"), "OnCalendar=|OnCalendar=Tue,Thu *-*-* 03:40:00 UTC");
                assert.match(vm.file("/etc/apt/apt.conf.d/52platform-reboot-window"), /^Unattended-Upgrade::Automatic-Reboot "false";$/m);
                assert.match(vm.file("/var/lib/jenkins/init.groovy.d/10-platform-controller-policy.groovy"), /^j\.setNumExecutors\(0\)$/m);
            });
        }
    });
});
