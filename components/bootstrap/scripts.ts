/**
 * The files each role writes (cloud-init `write_files`) and the steps the runner executes.
 *
 * Order and dependencies (the runner skips a step whose `needs` failed and runs the others):
 *   10-packages -> 20-hardening, 30-tls -> 40-data-disk -> 50-<main service> -> 60-node-exporter
 *   -> 70-wazuh-agent
 * The main service comes before the auxiliaries: a Wazuh agent or node_exporter that cannot
 * install never keeps Jenkins or Vault from coming up, and its failure is still reported.
 *
 * Scripts are kept as separate template strings: tests extract every one of them from the
 * rendered document, run shellcheck on it, and execute it against recording stubs
 * (tests/bootstrap/harness).
 */
import { BOOTSTRAP_PORTS, PORTS } from "./ports";
import {
    BOOTSTRAP_LIB_DIR,
    BOOTSTRAP_LOG,
    BOOTSTRAP_STAGING_DIR,
    BOOTSTRAP_STATE_DIR,
    fetchSecretCommand,
    NODE_EXPORTER_TEXTFILE_DIR,
    scriptHeader,
    shq,
    uploadCommand,
} from "./shell";
import {
    JENKINS_ADMIN_PASSWORD_FILE,
    JENKINS_ADMIN_USER,
    JENKINS_CASC_DIR,
    JENKINS_JAVA_OPTS,
    JENKINS_KUBE_CREDENTIAL_ID,
    JENKINS_KUBE_UNITS,
    JENKINS_PLATFORM_ENV,
    jenkinsCascPlatform,
    jenkinsCloudTemplate,
    jenkinsKubeRefreshScript,
    jenkinsPluginsAndCascCommands,
    pluginsTxt,
} from "./jenkins-agents";
import { DATA_DISK_WAIT, RETRY_POLICIES, STEP_BUDGET_SECONDS, STEP_KILL_AFTER_SECONDS, WAZUH_AGENT_CHECK } from "./timing";
import {
    AgentParams,
    BackupTarget,
    BootstrapRole,
    Cloud,
    CommonParams,
    DataDisk,
    JenkinsParams,
    SecretRef,
    VaultParams,
    VaultSeal,
    WazuhParams,
} from "./types";
import { APT_REPOSITORIES, AptRepository, NODE_EXPORTER_SHA256, PINNED_VERSIONS, nodeExporterUrl, wazuhInstallerUrl, wazuhTemplateUrl } from "./versions";
import {
    ensureAccountCommand,
    HEALTH_UNITS,
    healthScript,
    MAINTENANCE_REBOOT_SCRIPT,
    MAINTENANCE_REBOOT_UNITS,
    OPERATIONS_FILE,
    operationsStep,
    PAM_TTY_AUDIT_COMMANDS,
    platformVaultScript,
    SERVICE_ACCOUNTS,
    SSHD_FORWARD_LOGGING,
    UNATTENDED_REBOOT_CONF,
    VAULT_AUDIT_LOG,
    VAULT_AUDIT_LOGROTATE,
    JENKINS_BACKUP_PROM,
    VAULT_SNAPSHOT_PROM,
} from "./operations";

/** One cloud-init `write_files` entry. */
export interface WriteFile {
    readonly path: string;
    readonly content: string;
    readonly permissions: string;
    readonly owner: string;
}

/** A step: a script under BOOTSTRAP_LIB_DIR, run by the runner within its budget. */
export interface Step {
    readonly name: string;
    readonly script: string;
    /** Seconds before the runner kills it (timing.ts). */
    readonly budgetSeconds: number;
    /** Steps that must have succeeded first; otherwise this one is skipped (and reported). */
    readonly needs: readonly string[];
}

const file = (path: string, content: string, permissions = "0644"): WriteFile => ({ path, content, permissions, owner: "root:root" });
const executable = (path: string, content: string): WriteFile => file(path, content, "0755");

/** Where each role's data disk is mounted. */
export const MOUNT_POINTS = {
    jenkins: "/var/lib/jenkins",
    vault: "/opt/vault/data",
    // NOT /var/lib/wazuh-indexer: the 4.14 installation assistant treats that directory (like
    // /var/ossec, /etc/wazuh-indexer, ...) as an existing installation and exits 1
    // (wazuh-installation-assistant 4.14.8, common_functions/common.sh common_checkInstalled,
    // install_functions/checks.sh checks_arguments). The indexer's path.data moves here after
    // the install (50-wazuh-server).
    wazuh: "/var/lib/wazuh-data",
} as const;

/** The Wazuh indexer's data directory on the data disk. */
export const WAZUH_INDEXER_DATA = `${MOUNT_POINTS.wazuh}/indexer`;

/** The platform CA and this VM's certificate, as 30-tls installs them. */
export const PLATFORM_TLS = {
    dir: "/etc/platform-tls",
    ca: "/etc/platform-tls/ca.crt",
    cert: "/etc/platform-tls/server.crt",
    key: "/etc/platform-tls/server.key",
    /** In the system trust store (update-ca-certificates): curl, apt, Go and Java clients on the VM. */
    systemCa: "/usr/local/share/ca-certificates/platform-internal-ca.crt",
} as const;

export const VAULT_TLS = {
    dir: "/opt/vault/tls",
    cert: "/opt/vault/tls/vault-server.crt",
    key: "/opt/vault/tls/vault-server.key",
} as const;

/**
 * A service on the VM that serves this VM's certificate: its own copy (owner, mode) and how it
 * picks up a renewed one. Used by the service's step and by the daily refresh.
 */
export interface TlsConsumer {
    readonly name: string;
    /** A command whose success means the service is installed (its copy is only made then). */
    readonly installedCheck: string;
    readonly owner: string;
    readonly group: string;
    readonly keyMode: string;
    readonly cert: string;
    readonly key: string;
    /** systemd unit and what a renewed certificate needs: `reload`, `restart`, or nothing (re-read per connection). */
    readonly unit?: string;
    readonly onChange?: "reload" | "restart";
}

export const TLS_CONSUMERS = {
    // exporter-toolkit re-reads the certificate on every connection (docs/web-configuration.md).
    nodeExporter: {
        name: "node_exporter",
        installedCheck: "id -u node_exporter >/dev/null 2>&1",
        owner: "node_exporter",
        group: "node_exporter",
        keyMode: "0600",
        cert: "/etc/node_exporter/tls.crt",
        key: "/etc/node_exporter/tls.key",
    },
    // Vault reloads listener certificates on SIGHUP (the package unit's ExecReload):
    // developer.hashicorp.com/vault/docs/configuration/listener/tcp#tls_cert_file
    vault: {
        name: "vault",
        installedCheck: "pkg_installed vault",
        owner: "vault",
        group: "vault",
        keyMode: "0600",
        cert: VAULT_TLS.cert,
        key: VAULT_TLS.key,
        unit: "vault.service",
        onChange: "reload",
    },
    // nginx reads its certificates as root at (re)load: a graceful reload picks up a new one.
    nginx: {
        name: "nginx",
        installedCheck: "pkg_installed nginx",
        owner: "root",
        group: "root",
        keyMode: "0600",
        cert: "/etc/nginx/platform-tls/server.crt",
        key: "/etc/nginx/platform-tls/server.key",
        unit: "nginx.service",
        onChange: "reload",
    },
    wazuhDashboard: {
        name: "wazuh-dashboard",
        installedCheck: "pkg_installed wazuh-dashboard",
        owner: "wazuh-dashboard",
        group: "wazuh-dashboard",
        keyMode: "0400",
        cert: "/etc/wazuh-dashboard/certs/platform-dashboard.pem",
        key: "/etc/wazuh-dashboard/certs/platform-dashboard-key.pem",
        unit: "wazuh-dashboard.service",
        onChange: "restart",
    },
    // authd serves etc/sslmanager.cert / etc/sslmanager.key (Wazuh's documented paths for a
    // manager certificate agents verify with <server_ca_path>).
    wazuhAuthd: {
        name: "wazuh-authd",
        installedCheck: "pkg_installed wazuh-manager",
        owner: "root",
        group: "wazuh",
        keyMode: "0640",
        cert: "/var/ossec/etc/sslmanager.cert",
        key: "/var/ossec/etc/sslmanager.key",
        unit: "wazuh-manager.service",
        onChange: "restart",
    },
} as const satisfies Record<string, TlsConsumer>;

/** Which services on each role serve the VM certificate. */
export const ROLE_TLS_CONSUMERS: { readonly [R in BootstrapRole]: readonly TlsConsumer[] } = {
    bastion: [TLS_CONSUMERS.nodeExporter],
    jenkins: [TLS_CONSUMERS.nginx, TLS_CONSUMERS.nodeExporter],
    vault: [TLS_CONSUMERS.vault, TLS_CONSUMERS.nodeExporter],
    wazuh: [TLS_CONSUMERS.wazuhDashboard, TLS_CONSUMERS.wazuhAuthd, TLS_CONSUMERS.nodeExporter],
};

const tlsCopyCommand = (c: TlsConsumer): string => `tls_copy ${c.owner} ${c.group} ${c.keyMode} ${shq(c.cert)} ${shq(c.key)}`;

function addRepoCommand(repo: AptRepository): string {
    return `add_signed_apt_repo ${shq(repo.name)} ${shq(repo.keyUrl)} ${shq(repo.keyFingerprint)} ${shq(repo.url)} ${shq(repo.suite)} ${shq(repo.components)}`;
}

const STEP = {
    packages: "10-packages",
    hardening: "20-hardening",
    tls: "30-tls",
    operations: "35-operations",
    dataDisk: "40-data-disk",
    nodeExporter: "60-node-exporter",
    wazuhAgent: "70-wazuh-agent",
} as const;

// ---------------------------------------------------------------------------------------------
// 10-packages: what every later step uses, retried (the image's cloud-init may have run before
// the VM had egress: its package install is not retried)
// ---------------------------------------------------------------------------------------------

/** Packages every VM needs from the distribution. */
export const BASE_PACKAGES = ["auditd", "ca-certificates", "chrony", "curl", "gnupg", "jq", "openssl", "unattended-upgrades"] as const;

/** Distribution packages a role needs besides the base ones. */
export const ROLE_PACKAGES: { readonly [R in BootstrapRole]: readonly string[] } = {
    bastion: [],
    // Jenkins' Java and fonts, and nginx: the TLS listener in front of Jenkins.
    // unzip: the plugin step reads each plugin's manifest to check its pinned version.
    jenkins: ["fontconfig", PINNED_VERSIONS.jenkinsJavaPackage, "nginx", "unzip"],
    vault: [],
    wazuh: [],
};

function packagesStep(cloud: Cloud, role: BootstrapRole): string {
    const packages = [...BASE_PACKAGES, ...ROLE_PACKAGES[role]];
    return `${scriptHeader("Distribution packages every later step uses (installs only what is missing).")}
apt_ensure ${packages.map(shq).join(" ")}
${cloud === "aws" ? "ensure_aws_cli\n" : ""}log "packages present: ${packages.join(" ")}"
`;
}

// ---------------------------------------------------------------------------------------------
// 20-hardening (every VM, bastion included)
// ---------------------------------------------------------------------------------------------

/** Where the bastion's program-issued SSH host key lives (the only host key its sshd offers). */
export const SSH_HOST_KEY_PATH = "/etc/ssh/ssh_host_ed25519_key";

/** sshd drop-in. Loaded before 50-cloud-init.conf, and for sshd the first value wins. */
export function sshdConfig(allowForwarding: boolean, pinnedHostKey = false): string {
    return `# Managed by the platform bootstrap. Public keys only; no root, no passwords.
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitEmptyPasswords no
PermitRootLogin no
PubkeyAuthentication yes
AuthenticationMethods publickey
MaxAuthTries 3
LoginGraceTime 30
ClientAliveInterval 300
ClientAliveCountMax 2
X11Forwarding no
AllowAgentForwarding no
# The bastion forwards (ProxyJump, SOCKS -D); remote forwards (-R) are never allowed.
AllowTcpForwarding ${allowForwarding ? "local" : "no"}
PermitTunnel no
LogLevel VERBOSE
${allowForwarding ? `# Every forwarding's target, at any log level (operations.ts SSHD_FORWARD_LOGGING).\n${SSHD_FORWARD_LOGGING}\n` : ""}${
    pinnedHostKey
        ? `# Only the host key the program issued (30-tls installs it from the secret store): every
# client pins its fingerprint (the stack output bastionHostKeyFingerprint). With one HostKey
# line sshd offers no other key type (sshd_config(5): the defaults apply only when none is set).
HostKey ${SSH_HOST_KEY_PATH}
`
        : ""
}`;
}

const AUDIT_RULES = `# Managed by the platform bootstrap: identity, privilege, sshd, time and kernel module changes.
-w /etc/passwd -p wa -k identity
-w /etc/group -p wa -k identity
-w /etc/shadow -p wa -k identity
-w /etc/gshadow -p wa -k identity
-w /etc/sudoers -p wa -k privilege
-w /etc/sudoers.d/ -p wa -k privilege
-w /etc/ssh/sshd_config -p wa -k sshd
-w /etc/ssh/sshd_config.d/ -p wa -k sshd
-a always,exit -F arch=b64 -S adjtimex,settimeofday,clock_settime -k time-change
-w /etc/localtime -p wa -k time-change
-a always,exit -F arch=b64 -S init_module,finit_module,delete_module -k modules
# Every command of a person who logged in (auid: the login uid survives sudo and su), root or not.
-a always,exit -F arch=b64 -S execve -F auid>=1000 -F auid!=unset -k user-commands
# Commands of human-range accounts that never logged in (no auid): Session Manager's ssm-user
# shells and anything else that bypassed sshd.
-a always,exit -F arch=b64 -S execve -F auid=unset -F uid>=1000 -F uid!=65534 -k unattributed-session
-w /etc/ssh/authorized_keys/ -p wa -k sshd
`;

const AUTO_UPGRADES = `// Managed by the platform bootstrap: daily security updates (Ubuntu's default origins are
// the -security pocket). Vendor packages (jenkins, vault, wazuh-*) are held at their pins.
APT::Periodic::Update-Package-Lists "1";
APT::Periodic::Unattended-Upgrade "1";
APT::Periodic::AutocleanInterval "7";
`;

/** Each cloud's recommended time source, reachable without internet egress. */
export const TIME_SOURCES: { readonly [C in Cloud]: string } = {
    // Amazon Time Sync Service (link-local, every region).
    aws: "server 169.254.169.123 prefer iburst minpoll 4 maxpoll 4\n",
    // Azure: the host clock through the Hyper-V PTP device (Azure's chrony guidance).
    azure: "refclock PHC /dev/ptp_hyperv poll 3 dpoll -2 offset 0 stratum 2\n",
    // Google's internal NTP on the metadata server.
    gcp: "server metadata.google.internal prefer iburst\n",
};

const HARDENING_STEP = `${scriptHeader("Common hardening: sshd, session recording, auditd, time sync, unattended security updates.")}
${PAM_TTY_AUDIT_COMMANDS}
# sshd: validate before reloading, so a broken drop-in can never lock operators out.
install -d -m 0755 /run/sshd
sshd -t
systemctl try-reload-or-restart ssh.service

augenrules --load
systemctl enable --now auditd.service

service_converge chrony.service "$(config_changed chrony /etc/chrony/conf.d/10-platform-timesync.conf)"

systemctl enable --now unattended-upgrades.service apt-daily.timer apt-daily-upgrade.timer
systemctl enable --now platform-health.timer
log "hardening applied"
`;

// ---------------------------------------------------------------------------------------------
// 30-tls: this VM's certificate from the platform CA, through the secret store
// ---------------------------------------------------------------------------------------------

/**
 * The bastion's SSH host key, from the same bundle (pki.ts TlsBundle.sshHostKey): installed only
 * when it differs, sshd reloaded after validating its config.
 */
const SSH_HOST_KEY_INSTALL = `
# The SSH host key the program issued: tunnels pin its fingerprint (bastionHostKeyFingerprint).
jq -ej '.sshHostKey' "\${work}/bundle.json" >"\${work}/ssh_host_key" || die "the bastion's TLS secret has no .sshHostKey"
chmod 0600 "\${work}/ssh_host_key"
ssh-keygen -y -f "\${work}/ssh_host_key" >"\${work}/ssh_host_key.pub" || die "the .sshHostKey in the TLS secret is not an OpenSSH private key"
grep -q '^ssh-ed25519 ' "\${work}/ssh_host_key.pub" || die "the .sshHostKey in the TLS secret is not an ED25519 key"
if ! cmp -s "\${work}/ssh_host_key" ${shq(SSH_HOST_KEY_PATH)}; then
  install -m 0600 -o root -g root "\${work}/ssh_host_key" ${shq(SSH_HOST_KEY_PATH)}
  install -m 0644 -o root -g root "\${work}/ssh_host_key.pub" ${shq(`${SSH_HOST_KEY_PATH}.pub`)}
  install -d -m 0755 /run/sshd
  sshd -t
  systemctl try-reload-or-restart ssh.service
  log "SSH host key installed: $(ssh-keygen -lf ${shq(`${SSH_HOST_KEY_PATH}.pub`)} | cut -d' ' -f2)"
fi
`;

function tlsStep(secret: SecretRef, sshHostKey = false): string {
    return `${scriptHeader("This VM's TLS certificate and the platform CA, read from the secret store with the VM identity.")}
readonly TLS_DIR=${shq(PLATFORM_TLS.dir)}
readonly SYSTEM_CA=${shq(PLATFORM_TLS.systemCa)}

install -d -m 0755 "$TLS_DIR"
work="$(umask 077 && mktemp -d)"
trap 'rm -rf "$work"' EXIT
install_secret "\${work}/bundle.json" root:root 0600 json ${fetchSecretCommand(secret)}
jq -ej '.certificate' "\${work}/bundle.json" >"\${work}/server.crt" || die "the TLS secret has no .certificate"
jq -ej '.privateKey' "\${work}/bundle.json" >"\${work}/server.key" || die "the TLS secret has no .privateKey"
jq -ej '.caCertificate' "\${work}/bundle.json" >"\${work}/ca.crt" || die "the TLS secret has no .caCertificate"

# Refuse a bundle whose parts do not belong together or to this VM (another VM's secret, a
# truncated value, an expired certificate): better no TLS service than a wrong one.
openssl verify -CAfile "\${work}/ca.crt" "\${work}/server.crt" >/dev/null || die "the certificate in the TLS secret is not issued by its CA"
[ "$(openssl x509 -in "\${work}/server.crt" -noout -pubkey)" = "$(openssl pkey -in "\${work}/server.key" -pubout)" ] ||
  die "the private key in the TLS secret does not belong to its certificate"
openssl x509 -in "\${work}/server.crt" -noout -checkend 0 >/dev/null || die "the certificate in the TLS secret has expired: run pulumi up to renew it"
ip="$(primary_ipv4)"
openssl x509 -in "\${work}/server.crt" -noout -ext subjectAltName | grep -Eq "IP Address:\${ip//./\\\\.}(,|$)" ||
  die "the certificate in the TLS secret does not name this VM's address \${ip}"

install -m 0644 -o root -g root "\${work}/ca.crt" "\${TLS_DIR}/ca.crt"
install -m 0644 -o root -g root "\${work}/server.crt" "\${TLS_DIR}/server.crt"
install -m 0600 -o root -g root "\${work}/server.key" "\${TLS_DIR}/server.key"
if ! cmp -s "\${work}/ca.crt" "$SYSTEM_CA"; then
  install -m 0644 -o root -g root "\${work}/ca.crt" "$SYSTEM_CA"
  update-ca-certificates >/dev/null
fi
${sshHostKey ? SSH_HOST_KEY_INSTALL : ""}systemctl enable --now platform-tls-refresh.timer >/dev/null
# The operations settings ride in the same bundle (operators, patch window, Vault recovery, Wazuh
# retention: pki.ts); 35-operations applies them.
jq -e '.operations | type == "object"' "\${work}/bundle.json" >/dev/null || die "the TLS secret has no .operations (issued by an older program: run pulumi up)"
jq '.operations' "\${work}/bundle.json" >"\${work}/operations.json"
install -d -m 0755 "$(dirname ${shq(OPERATIONS_FILE)})"
install -m 0644 -o root -g root "\${work}/operations.json" ${shq(OPERATIONS_FILE)}
log "TLS certificate for \${ip} installed; $(openssl x509 -in "\${TLS_DIR}/server.crt" -noout -enddate)"
`;
}

/** The daily refresh: the TLS step again, then every installed consumer's copy; reload on change. */
function tlsRefreshScript(role: BootstrapRole): string {
    const deliveries = ROLE_TLS_CONSUMERS[role]
        .map(
            (c) => `if ${c.installedCheck}; then
  ${tlsCopyCommand(c)}${
      c.unit && c.onChange
          ? `
  if [ -n "$TLS_COPY_CHANGED" ] && systemctl is-active --quiet ${c.unit}; then
    systemctl ${c.onChange} ${c.unit}
    log "renewed certificate delivered to ${c.name} (${c.onChange})"
  fi`
          : ""
  }
fi`,
        )
        .join("\n");
    return `${scriptHeader("Daily: re-read this VM's certificate from the secret store and deliver a renewed one.")}
PLATFORM_BOOTSTRAP_STEP=${STEP.tls} bash ${BOOTSTRAP_LIB_DIR}/${STEP.tls}.sh
PLATFORM_BOOTSTRAP_STEP=${STEP.operations} bash ${BOOTSTRAP_LIB_DIR}/${STEP.operations}.sh
${deliveries}
${role === "wazuh" ? "if pkg_installed wazuh-indexer; then /usr/local/sbin/platform-wazuh-retention; fi\n" : ""}`;
}

const TLS_REFRESH_UNITS = {
    service: `[Unit]
Description=Re-read this VM's TLS certificate from the secret store (components/bootstrap)
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/platform-tls-refresh
`,
    timer: `[Unit]
Description=Daily TLS certificate refresh

[Timer]
OnCalendar=daily
RandomizedDelaySec=3600
Persistent=true

[Install]
WantedBy=timers.target
`,
};

// ---------------------------------------------------------------------------------------------
// 40-data-disk
// ---------------------------------------------------------------------------------------------

/** Stable paths under which a cloud exposes the data disk, most specific first. */
export function dataDiskCandidates(disk: DataDisk): string[] {
    switch (disk.type) {
        case "aws-ebs": {
            // Nitro: the NVMe serial is the volume id without its dash.
            const paths = [`/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_${disk.volumeId.replace("-", "")}`];
            if (disk.deviceName !== undefined) paths.push(disk.deviceName, disk.deviceName.replace("/dev/sd", "/dev/xvd"));
            return paths;
        }
        case "azure-lun":
            return [`/dev/disk/azure/data/by-lun/${disk.lun}`, `/dev/disk/azure/scsi1/lun${disk.lun}`];
        case "gcp-pd":
            return [`/dev/disk/by-id/google-${disk.deviceName}`];
        default: {
            const impossible: never = disk;
            throw new Error(`unknown data disk ${JSON.stringify(impossible)}`);
        }
    }
}

function dataDiskStep(disk: DataDisk, mountPoint: string, label: string): string {
    const candidates = [...new Set(dataDiskCandidates(disk))].map(shq).join(" ");
    const waitMinutes = (DATA_DISK_WAIT.polls * DATA_DISK_WAIT.intervalSeconds) / 60;
    return `${scriptHeader(`Data disk: format once (only if blank), mount ${mountPoint} by UUID with nofail.`)}
readonly MOUNT_POINT=${shq(mountPoint)}
readonly FS_LABEL=${shq(label)}
readonly CANDIDATES=(${candidates})

# The attachment may complete after boot: wait up to ${waitMinutes} minutes for the device.
device=""
for _ in $(seq 1 ${DATA_DISK_WAIT.polls}); do
  for link in "\${CANDIDATES[@]}"; do
    if [ -b "$link" ]; then
      device="$(readlink -f "$link")"
      break 2
    fi
  done
  udevadm settle --timeout=5 || true
  sleep ${DATA_DISK_WAIT.intervalSeconds}
done
[ -n "$device" ] || die "data disk not found at \${CANDIDATES[*]}"

root_disk="$(lsblk -no PKNAME "$(findmnt -no SOURCE /)" | head -n1)"
[ "$(basename "$device")" != "$root_disk" ] || die "\${device} holds the root filesystem"

fstype="$(blkid -p -o value -s TYPE "$device" || true)"
if [ -z "$fstype" ]; then
  pttype="$(blkid -p -o value -s PTTYPE "$device" || true)"
  [ -z "$pttype" ] || die "\${device} has a \${pttype} partition table and no filesystem: not formatting it"
  log "formatting blank \${device} as ext4 (\${FS_LABEL})"
  mkfs.ext4 -q -L "$FS_LABEL" "$device"
  fstype=ext4
fi
uuid="$(blkid -p -o value -s UUID "$device")"

install -d -m 0755 "$MOUNT_POINT"
if ! grep -q "^UUID=\${uuid} " /etc/fstab; then
  printf 'UUID=%s %s %s defaults,nofail,x-systemd.device-timeout=30s 0 2\\n' "$uuid" "$MOUNT_POINT" "$fstype" >>/etc/fstab
fi
systemctl daemon-reload
mountpoint -q "$MOUNT_POINT" || mount "$MOUNT_POINT"
log "\${device} (UUID=\${uuid}) mounted on \${MOUNT_POINT}"
`;
}

// ---------------------------------------------------------------------------------------------
// 60-node-exporter (every VM): TLS only, with the VM's certificate
// ---------------------------------------------------------------------------------------------

const NODE_EXPORTER_WEB_CONFIG = `# Managed by the platform bootstrap: node_exporter serves TLS only, with this VM's certificate
# from the platform CA (prometheus/exporter-toolkit docs/web-configuration.md; the files are
# re-read on every connection, so a renewed certificate needs no restart).
tls_server_config:
  cert_file: ${TLS_CONSUMERS.nodeExporter.cert}
  key_file: ${TLS_CONSUMERS.nodeExporter.key}
  min_version: TLS12
`;

const NODE_EXPORTER_UNIT = `[Unit]
Description=Prometheus node_exporter (TLS)
Wants=network-online.target
After=network-online.target

[Service]
User=node_exporter
Group=node_exporter
ExecStart=/usr/local/bin/node_exporter --web.listen-address=:${PORTS.nodeExporter} --web.config.file=/etc/node_exporter/web-config.yml --collector.textfile.directory=${NODE_EXPORTER_TEXTFILE_DIR}
Restart=on-failure
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=read-only
PrivateTmp=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectControlGroups=yes

[Install]
WantedBy=multi-user.target
`;

function nodeExporterStep(): string {
    const c = TLS_CONSUMERS.nodeExporter;
    return `${scriptHeader(`Prometheus node_exporter ${PINNED_VERSIONS.nodeExporter} on :${PORTS.nodeExporter}, TLS only.`)}
readonly VERSION=${shq(PINNED_VERSIONS.nodeExporter)}
readonly URL_AMD64=${shq(nodeExporterUrl("amd64"))}
readonly SHA256_AMD64=${shq(NODE_EXPORTER_SHA256.amd64)}

arch="$(dpkg --print-architecture)"
[ "$arch" = amd64 ] || die "no pinned node_exporter checksum for \${arch}: add it to components/bootstrap/versions.ts"

installed="$(/usr/local/bin/node_exporter --version 2>/dev/null | awk 'NR == 1 { print $3 }' || true)"
binary_changed=""
if [ "$installed" != "$VERSION" ]; then
  work="$(mktemp -d)"
  fetch "$URL_AMD64" "\${work}/node_exporter.tar.gz"
  printf '%s  %s\\n' "$SHA256_AMD64" "\${work}/node_exporter.tar.gz" | sha256sum -c --quiet - ||
    die "node_exporter download does not match the pinned sha256"
  tar -xzf "\${work}/node_exporter.tar.gz" -C "$work" --strip-components=1
  install -m 0755 -o root -g root "\${work}/node_exporter" /usr/local/bin/node_exporter
  rm -rf "$work"
  binary_changed=1
fi

${ensureAccountCommand(SERVICE_ACCOUNTS.nodeExporter)}
install -d -m 0755 /etc/node_exporter ${NODE_EXPORTER_TEXTFILE_DIR}
${tlsCopyCommand(c)}
config="$(config_changed node-exporter /etc/node_exporter/web-config.yml /etc/systemd/system/node_exporter.service)"
systemctl daemon-reload
service_converge node_exporter.service "\${binary_changed}\${config}"
log "node_exporter \${VERSION} serving TLS on :${PORTS.nodeExporter}"
`;
}

// ---------------------------------------------------------------------------------------------
// 70-wazuh-agent (every VM but the manager), after the main service
// ---------------------------------------------------------------------------------------------

/** A second <ossec_config> block (ossec.conf allows several): Wazuh reads the bootstrap's log. */
const WAZUH_BOOTSTRAP_LOCALFILE = `<!-- platform-bootstrap log (components/bootstrap): the VM's bootstrap results, for Wazuh -->
<ossec_config>
  <localfile>
    <log_format>syslog</log_format>
    <location>${BOOTSTRAP_LOG}</location>
  </localfile>
</ossec_config>`;

const ensureLocalfileCommands = `if ! grep -q 'platform-bootstrap log' /var/ossec/etc/ossec.conf; then
  cat >>/var/ossec/etc/ossec.conf <<'EOF'
${WAZUH_BOOTSTRAP_LOCALFILE}
EOF
fi`;

/**
 * The Linux audit log for Wazuh (log_format audit: documentation.wazuh.com, "localfile"): the
 * commands of every operator, their SSH sessions' TTY input (pam_tty_audit), unattributed
 * sessions (SSM, Run Command), identity and sshd file changes. On Vault, also its audit device.
 */
function auditLocalfileBlock(role: BootstrapRole | "manager"): string {
    const vault =
        role === "vault"
            ? `
  <localfile>
    <log_format>json</log_format>
    <location>${VAULT_AUDIT_LOG}</location>
  </localfile>`
            : "";
    return `<!-- platform-audit (components/bootstrap): auditd records${vault ? " and Vault's audit device" : ""}, for Wazuh -->
<ossec_config>
  <localfile>
    <log_format>audit</log_format>
    <location>/var/log/audit/audit.log</location>
  </localfile>${vault}
</ossec_config>`;
}

function ensureAuditLocalfile(role: BootstrapRole | "manager"): string {
    return `if ! grep -q 'platform-audit' /var/ossec/etc/ossec.conf; then
  cat >>/var/ossec/etc/ossec.conf <<'EOF'
${auditLocalfileBlock(role)}
EOF
fi`;
}

const ensureAuditLocalfileCommands = ensureAuditLocalfile("manager");

/**
 * What the manager answers an agent newer than itself (wazuh/wazuh src/headers/rc.h
 * HC_INVALID_VERSION_RESPONSE, sent by authd and remoted when the agent's major.minor is higher:
 * src/os_auth/auth.c, src/remoted/manager.c, compare_wazuh_versions without the patch level).
 */
export const WAZUH_AGENT_TOO_NEW = "Agent version must be lower or equal to manager version";

function wazuhAgentStep(params: AgentParams<Cloud>, role: BootstrapRole): string {
    return `${scriptHeader(`Wazuh agent ${PINNED_VERSIONS.wazuhAgent}: verifies the manager against the platform CA, enrolls with the password from the secret store.`)}
readonly WAZUH_VERSION=${shq(PINNED_VERSIONS.wazuhAgent)}
# Deployment variables read by the package on first install (documentation.wazuh.com, "Deployment
# variables for Linux"): WAZUH_REGISTRATION_CA sets <server_ca_path>, so enrollment verifies the
# manager's certificate (the platform CA issues it) before sending the password.
export WAZUH_MANAGER=${shq(params.wazuhManagerAddress)}
export WAZUH_AGENT_NAME=${shq(params.hostname)}
export WAZUH_REGISTRATION_CA=${shq(PLATFORM_TLS.ca)}

${ensureAccountCommand(SERVICE_ACCOUNTS.wazuh)}
${addRepoCommand(APT_REPOSITORIES.wazuh)}
apt_pin wazuh-agent "\${WAZUH_VERSION}-1"
grep -q "<server_ca_path>\${WAZUH_REGISTRATION_CA}</server_ca_path>" /var/ossec/etc/ossec.conf ||
  die "/var/ossec/etc/ossec.conf does not verify the manager (<server_ca_path>): reinstall wazuh-agent with WAZUH_REGISTRATION_CA set"

# The enrollment password is read with the VM identity; it exists only in this file.
install_secret /var/ossec/etc/authd.pass root:wazuh 0640 line ${fetchSecretCommand(params.wazuhEnrollmentSecret)}
${ensureLocalfileCommands}
${ensureAuditLocalfile(role)}

systemctl daemon-reload
seen="$(wc -c </var/ossec/logs/ossec.log 2>/dev/null || echo 0)"
service_converge wazuh-agent.service "$(config_changed wazuh-agent /var/ossec/etc/ossec.conf /var/ossec/etc/authd.pass)"

# Manager before agents: a manager older than this agent refuses it. Say so plainly instead of
# leaving an agent that retries forever (bounded: the manager may still be installing). Only
# what the agent logged since this start counts.
for _ in $(seq 1 ${WAZUH_AGENT_CHECK.polls}); do
  if grep -qx "status='connected'" /var/ossec/var/run/wazuh-agentd.state 2>/dev/null; then
    break
  fi
  if tail -c +$((seen + 1)) /var/ossec/logs/ossec.log 2>/dev/null | grep -qF ${shq(WAZUH_AGENT_TOO_NEW)}; then
    die "the Wazuh manager refused this agent (\${WAZUH_VERSION}): '${WAZUH_AGENT_TOO_NEW}'. Upgrade the Wazuh VM first (README, Operations: upgrade)"
  fi
  sleep ${WAZUH_AGENT_CHECK.intervalSeconds}
done
log "wazuh-agent \${WAZUH_VERSION} enrolling with \${WAZUH_MANAGER}"
`;
}

// ---------------------------------------------------------------------------------------------
// Jenkins: loopback HTTP behind nginx's TLS listener
// ---------------------------------------------------------------------------------------------

/** Jenkins' own HTTP port, on the loopback only (nginx proxies to it). */
export const JENKINS_LOOPBACK_PORT = 8080;

const JENKINS_DROPIN = `# Managed by the platform bootstrap. Never start on the root disk: JENKINS_HOME is the data disk.
# Jenkins listens on the loopback only; nginx terminates TLS on :${PORTS.jenkinsHttps}.
[Unit]
RequiresMountsFor=${MOUNT_POINTS.jenkins}

[Service]
Environment="JENKINS_HOME=${MOUNT_POINTS.jenkins}"
Environment="JENKINS_LISTEN_ADDRESS=127.0.0.1"
Environment="JENKINS_PORT=${JENKINS_LOOPBACK_PORT}"
# Configuration as code (components/bootstrap/jenkins-agents.ts); the agents' URL and the reload token.
Environment="CASC_JENKINS_CONFIG=${JENKINS_CASC_DIR}"
Environment="JAVA_OPTS=${JENKINS_JAVA_OPTS}"
EnvironmentFile=-${JENKINS_PLATFORM_ENV}
# A first start unpacks the plugins: more than the unit's default 90 s (Type=notify).
TimeoutStartSec=10min
`;

/**
 * nginx in front of Jenkins, after jenkins.io's "Reverse proxy - Nginx"
 * (www.jenkins.io/doc/book/system-administration/reverse-proxy-configuration-with-jenkins/reverse-proxy-configuration-nginx/):
 * WebSocket upgrade for inbound agents, no request buffering (CLI), forwarded proto/port.
 */
export function jenkinsNginxSite(): string {
    return `# Managed by the platform bootstrap: TLS (platform CA) in front of Jenkins on 127.0.0.1:${JENKINS_LOOPBACK_PORT}.
upstream jenkins {
  keepalive 32;
  server 127.0.0.1:${JENKINS_LOOPBACK_PORT};
}

map $http_upgrade $connection_upgrade {
  default upgrade;
  '' close;
}

server {
  listen ${PORTS.jenkinsHttps} ssl;
  server_name _;

  ssl_certificate ${TLS_CONSUMERS.nginx.cert};
  ssl_certificate_key ${TLS_CONSUMERS.nginx.key};
  ssl_protocols TLSv1.2 TLSv1.3;
  ssl_session_cache shared:platform_tls:10m;

  access_log /var/log/nginx/jenkins.access.log;
  ignore_invalid_headers off;
  client_max_body_size 10m;

  location / {
    proxy_pass http://jenkins;
    proxy_redirect default;
    proxy_http_version 1.1;
    proxy_set_header Connection $connection_upgrade;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Host $http_host;
    proxy_set_header X-Real-IP $remote_addr;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;
    proxy_set_header X-Forwarded-Port $server_port;
    proxy_connect_timeout 90;
    proxy_send_timeout 90;
    proxy_read_timeout 90;
    proxy_request_buffering off;
    proxy_buffering off;
  }
}
`;
}

/**
 * The controller's policy floor, applied by Jenkins itself at every start (Groovy hook scripts in
 * $JENKINS_HOME/init.groovy.d run on each boot, after configuration as code:
 * www.jenkins.io/doc/book/managing/groovy-hook-scripts/). JCasC (jenkins-agents.ts) sets the same
 * and more; this holds if the JCasC plugin is missing or fails to load, and during the very first
 * start, before the plugins are installed:
 * - no builds on the controller (0 executors): a build there runs as the jenkins user next to
 *   JENKINS_HOME's secrets and with the VM's cloud identity; builds run on agents;
 * - no inbound TCP agent port: agents connect over WebSocket through nginx's TLS (8443);
 * - no unauthenticated or sign-up realm, no anonymous read (JCasC then sets the local realm with
 *   its one administrator; a realm chosen in the UI is reset by JCasC at the next start);
 * - the cluster credential (the Kubernetes Service Account credential, which reads the token
 *   file platform-jenkins-kube writes) is added when missing. It is not in JCasC: a JCasC
 *   `credentials:` block owns the whole system store and would delete, at every restart and
 *   reload, the Git and registry credentials operators add (configuration-as-code-plugin#556).
 */
export const JENKINS_CONTROLLER_POLICY = `// Managed by the platform bootstrap (components/bootstrap/scripts.ts JENKINS_CONTROLLER_POLICY).
import hudson.security.AuthorizationStrategy
import hudson.security.FullControlOnceLoggedInAuthorizationStrategy
import hudson.security.HudsonPrivateSecurityRealm
import hudson.security.SecurityRealm
import jenkins.model.Jenkins

def j = Jenkins.get()
j.setNumExecutors(0)
j.setSlaveAgentPort(-1)
def realm = j.getSecurityRealm()
if (realm == SecurityRealm.NO_AUTHENTICATION || (realm instanceof HudsonPrivateSecurityRealm && realm.allowsSignup())) {
  j.setSecurityRealm(new HudsonPrivateSecurityRealm(false))
}
def authz = j.getAuthorizationStrategy()
if (authz == AuthorizationStrategy.UNSECURED || (authz instanceof FullControlOnceLoggedInAuthorizationStrategy && authz.isAllowAnonymousRead())) {
  def strategy = new FullControlOnceLoggedInAuthorizationStrategy()
  strategy.setAllowAnonymousRead(false)
  j.setAuthorizationStrategy(strategy)
}
j.save()
try {
  def c = j.pluginManager.uberClassLoader.loadClass('org.jenkinsci.plugins.kubernetes.credentials.FileSystemServiceAccountCredential')
  def p = com.cloudbees.plugins.credentials.SystemCredentialsProvider.getInstance()
  if (!p.credentials.any { it.id == '${JENKINS_KUBE_CREDENTIAL_ID}' }) {
    p.store.addCredentials(com.cloudbees.plugins.credentials.domains.Domain.global(), c.newInstance(com.cloudbees.plugins.credentials.CredentialsScope.SYSTEM, '${JENKINS_KUBE_CREDENTIAL_ID}', 'The VM identity token (platform-jenkins-kube)'))
  }
} catch (ClassNotFoundException e) {
  println('platform: no kubernetes-credentials plugin yet: ' + e.message)
}
`;

function jenkinsStep(kubernetes: boolean): string {
    const c = TLS_CONSUMERS.nginx;
    return `${scriptHeader(`Jenkins LTS ${PINNED_VERSIONS.jenkins} on 127.0.0.1:${JENKINS_LOOPBACK_PORT} behind nginx TLS on :${PORTS.jenkinsHttps}; JENKINS_HOME on the data disk.`)}
readonly JENKINS_VERSION=${shq(PINNED_VERSIONS.jenkins)}

# Fixed uid/gid before the package: JENKINS_HOME on the data disk stays Jenkins' after a replacement.
${ensureAccountCommand(SERVICE_ACCOUNTS.jenkins)}
${addRepoCommand(APT_REPOSITORIES.jenkins)}
apt_ensure fontconfig ${shq(PINNED_VERSIONS.jenkinsJavaPackage)} nginx unzip
# The policy floor before the package: its postinst starts Jenkins (no plugins, no JCasC yet).
install -d -m 0750 -o jenkins -g jenkins ${MOUNT_POINTS.jenkins}
install -d -m 0755 -o jenkins -g jenkins ${MOUNT_POINTS.jenkins}/init.groovy.d
policy="$(install_changed ${BOOTSTRAP_STAGING_DIR}/jenkins-controller-policy.groovy ${MOUNT_POINTS.jenkins}/init.groovy.d/10-platform-controller-policy.groovy 0644 root root)"
apt_pin jenkins "$JENKINS_VERSION"

ensure_tree_owner ${MOUNT_POINTS.jenkins} jenkins
chmod 0750 ${MOUNT_POINTS.jenkins}
${jenkinsPluginsAndCascCommands()}systemctl daemon-reload
service_converge jenkins.service "\${policy}\${plugins_changed}\${casc_changed}$(config_changed jenkins /etc/systemd/system/jenkins.service.d/10-platform.conf)"

# nginx: the only listener other hosts reach; nothing on :80 (the package's default site goes).
install -d -m 0700 /etc/nginx/platform-tls
${tlsCopyCommand(c)}
tls_changed="$TLS_COPY_CHANGED"
site="$(install_changed ${BOOTSTRAP_STAGING_DIR}/jenkins-nginx.conf /etc/nginx/sites-available/platform-jenkins 0644 root root)"
ln -sf /etc/nginx/sites-available/platform-jenkins /etc/nginx/sites-enabled/platform-jenkins
default_site=""
if [ -e /etc/nginx/sites-enabled/default ]; then
  rm -f /etc/nginx/sites-enabled/default
  default_site=changed
fi
nginx -t -q
service_converge nginx.service "\${tls_changed}\${site}\${default_site}" reload
systemctl enable --now jenkins-home-backup.timer
${kubernetes ? "# Builds run in the cluster: the token and the cluster's settings, refreshed every few minutes.\nsystemctl enable --now platform-jenkins-kube.timer\n" : ""}log "jenkins \${JENKINS_VERSION} behind https://:${PORTS.jenkinsHttps}; log in as ${JENKINS_ADMIN_USER} (password: sudo cat ${JENKINS_ADMIN_PASSWORD_FILE})"
`;
}

/**
 * What the JENKINS_HOME archive leaves out: what Jenkins rebuilds or a build recreates, and the
 * build records the daily disk snapshot keeps (the JENKINS_HOME layout:
 * docs.cloudbees.com/docs/cloudbees-ci/latest/backup-restore/jenkins-home; jenkins.io's
 * "Backing-up/Restoring Jenkins", www.jenkins.io/doc/book/system-administration/backing-up/).
 * Kept: the configuration (*.xml), credentials.xml with secrets/ (without the keys there the
 * credentials cannot be decrypted: the archive is as sensitive as the disk, and goes to the same
 * encrypted, write-only-for-VMs bucket), users/, nodes/, jobs' config.xml, plugins (a restore works
 * without the update center), userContent/, init.groovy.d/. Patterns are anchored at the archive's
 * "./"; `*` crosses "/" (GNU tar's default for exclusions), so folders' nested jobs match too.
 */
export const JENKINS_BACKUP_EXCLUDES = ["./workspace", "./caches", "./.cache", "./war", "./logs", "./jobs/*/builds", "./jobs/*/workspace*", "./lost+found"] as const;

function jenkinsBackupScript(params: JenkinsParams<Cloud>): string {
    const backup: BackupTarget = params.backup;
    const prefix = backup.prefix ?? "jenkins-home/";
    const excludes = JENKINS_BACKUP_EXCLUDES.map((e) => `--exclude=${shq(e)}`).join(" ");
    return `${scriptHeader(`JENKINS_HOME archive -> ${backup.type}. Run by jenkins-home-backup.timer.`)}
readonly NODE_NAME=${shq(params.hostname)}
readonly PREFIX=${shq(prefix)}
readonly HOME_DIR=${MOUNT_POINTS.jenkins}
readonly PROM=${shq(JENKINS_BACKUP_PROM)}

# Every run leaves its outcome for Prometheus (JenkinsBackupFailed, JenkinsBackupStale): the last
# run's result, and the time of the last success (kept from the previous file on failure). The
# cleanup trap passes the exit status (a "(exit rc)" to restore \$? would end the trap under set -e).
report() { report_outcome "$PROM" platform_jenkins_backup 'JENKINS_HOME archive to object storage' "\${BACKUP_DONE:-}" "\${1:-$?}"; }
trap report EXIT

# Jenkins writes config.xml on its first start: before that there is nothing to keep.
if [ ! -f "\${HOME_DIR}/config.xml" ]; then
  log "JENKINS_HOME has no config.xml yet: no archive"
  exit 0
fi

work="$(mktemp -d /var/tmp/jenkins-backup.XXXXXX)"
cleanup() {
  local rc=$?
  rm -rf "$work"
  report "$rc"
}
trap cleanup EXIT

archive="\${work}/jenkins-home.tar.gz"
object="\${PREFIX}\${NODE_NAME}/$(date -u +%Y%m%dT%H%M%SZ).tar.gz"
# Jenkins keeps running: GNU tar exits 1 when a file changed while it was read (the archive is
# complete; www.gnu.org/software/tar/manual/html_section/Synopsis.html), 2 on a fatal error.
rc=0
tar --create --gzip --file "$archive" --directory "$HOME_DIR" --warning=no-file-changed --anchored ${excludes} . || rc=$?
[ "$rc" -le 1 ] || die "tar of \${HOME_DIR} failed (exit \${rc})"
retry_net ${uploadCommand(backup, "archive", "object")}
BACKUP_DONE=1
log "uploaded JENKINS_HOME archive \${object} ($(stat -c %s "$archive") bytes)"
`;
}

function jenkinsBackupUnits(schedule: string): { service: string; timer: string } {
    return {
        service: `[Unit]
Description=JENKINS_HOME archive to object storage
Wants=network-online.target
After=network-online.target
RequiresMountsFor=${MOUNT_POINTS.jenkins}

[Service]
Type=oneshot
UMask=0077
PrivateTmp=yes
Nice=10
IOSchedulingClass=idle
ExecStart=/usr/local/sbin/jenkins-home-backup
`,
        timer: `[Unit]
Description=Daily JENKINS_HOME archive

[Timer]
OnCalendar=${schedule}
RandomizedDelaySec=900
Persistent=true

[Install]
WantedBy=timers.target
`,
    };
}

// ---------------------------------------------------------------------------------------------
// Vault
// ---------------------------------------------------------------------------------------------

function hcl(value: string): string {
    return JSON.stringify(value);
}

/** The seal stanza: identity-based, never a static credential. */
export function sealStanza(seal: VaultSeal): string {
    switch (seal.type) {
        case "awskms":
            return `# Authenticated by the instance profile: never static keys.
seal "awskms" {
  region     = ${hcl(seal.region)}
  kms_key_id = ${hcl(seal.kmsKeyId)}
}
`;
        case "azurekeyvault":
            return `# Authenticated by the VM's managed identity: never a static credential.
seal "azurekeyvault" {
  tenant_id  = ${hcl(seal.tenantId)}
  vault_name = ${hcl(seal.vaultName)}
  key_name   = ${hcl(seal.keyName)}
${seal.clientId !== undefined ? `  client_id  = ${hcl(seal.clientId)}\n` : ""}}
`;
        case "gcpckms":
            return `# Authenticated by the VM's service account via the metadata server: never a key file.
seal "gcpckms" {
  project    = ${hcl(seal.project)}
  region     = ${hcl(seal.region)}
  key_ring   = ${hcl(seal.keyRing)}
  crypto_key = ${hcl(seal.cryptoKey)}
}
`;
        default: {
            const impossible: never = seal;
            throw new Error(`unknown seal ${JSON.stringify(impossible)}`);
        }
    }
}

export function vaultConfig(seal: VaultSeal): string {
    return `# Managed by the platform bootstrap. api_addr, cluster_addr and the raft node id come from
# /etc/vault.d/vault.env (VAULT_API_ADDR, VAULT_CLUSTER_ADDR, VAULT_RAFT_NODE_ID), written at boot.
ui            = true
disable_mlock = true

storage "raft" {
  path = ${hcl(MOUNT_POINTS.vault)}
}

# The certificate is issued by the platform CA (components/bootstrap/pki.ts); SIGHUP reloads it.
listener "tcp" {
  address         = "0.0.0.0:${PORTS.vaultApi}"
  cluster_address = "0.0.0.0:${PORTS.vaultCluster}"
  tls_cert_file   = ${hcl(VAULT_TLS.cert)}
  tls_key_file    = ${hcl(VAULT_TLS.key)}
  tls_min_version = "tls12"
}

${sealStanza(seal)}
telemetry {
  disable_hostname          = true
  prometheus_retention_time = "24h"
}
`;
}

const VAULT_DROPIN = `# Managed by the platform bootstrap. Never start raft storage on the root disk.
[Unit]
RequiresMountsFor=${MOUNT_POINTS.vault}
`;

/** The local Vault CLI: TLS to this node, verified against the platform CA (world-readable). */
export const VAULT_PROFILE = `# Managed by the platform bootstrap: the local Vault CLI talks TLS to this node.
export VAULT_ADDR=https://127.0.0.1:${PORTS.vaultApi}
export VAULT_CACERT=${PLATFORM_TLS.ca}
`;

function vaultStep(params: VaultParams<Cloud>): string {
    const c = TLS_CONSUMERS.vault;
    return `${scriptHeader(`Vault ${PINNED_VERSIONS.vault}: raft on the data disk, TLS (platform CA) on :${PORTS.vaultApi}, KMS auto-unseal (${params.seal.type}).`)}
readonly VAULT_VERSION=${shq(PINNED_VERSIONS.vault)}
readonly NODE_NAME=${shq(params.hostname)}

# Fixed uid/gid before the package: the raft data on the data disk stays Vault's after a replacement.
${ensureAccountCommand(SERVICE_ACCOUNTS.vault)}
${addRepoCommand(APT_REPOSITORIES.hashicorp)}
apt_pin vault "\${VAULT_VERSION}-1"

ip="$(primary_ipv4)"

# TLS: this VM's certificate from the platform CA (30-tls); the key never leaves the VM's
# secret and this directory.
install -d -m 0750 -o vault -g vault ${shq(VAULT_TLS.dir)}
${tlsCopyCommand(c)}
tls_changed="$TLS_COPY_CHANGED"

install -m 0640 -o root -g vault ${BOOTSTRAP_STAGING_DIR}/vault.hcl /etc/vault.d/vault.hcl
printf 'VAULT_API_ADDR=https://%s:${PORTS.vaultApi}\\nVAULT_CLUSTER_ADDR=https://%s:${PORTS.vaultCluster}\\nVAULT_RAFT_NODE_ID=%s\\n' \\
  "$ip" "$ip" "$NODE_NAME" >/etc/vault.d/vault.env
chown root:vault /etc/vault.d/vault.env
chmod 0640 /etc/vault.d/vault.env
ensure_tree_owner ${MOUNT_POINTS.vault} vault
chmod 0750 ${MOUNT_POINTS.vault}
# The file audit device's directory (platform-vault setup enables the device; logrotate rotates it).
install -d -m 0750 -o vault -g vault ${shq(VAULT_AUDIT_LOG.replace(/\/[^/]+$/, ""))}

systemctl daemon-reload
config="$(config_changed vault /etc/vault.d/vault.hcl /etc/vault.d/vault.env /etc/systemd/system/vault.service.d/10-platform.conf)"
if [ -n "$config" ]; then
  service_converge vault.service changed restart
else
  # A renewed certificate alone: SIGHUP, no restart (a restart would seal nothing but drop clients).
  service_converge vault.service "$tls_changed" reload
fi
systemctl enable --now vault-raft-snapshot.timer
log "vault \${VAULT_VERSION} running; it waits for 'platform-vault init' (README, Operations)"
`;
}

function snapshotScript(params: VaultParams<Cloud>): string {
    const backup: BackupTarget = params.backup;
    const prefix = backup.prefix ?? "vault-snapshots/";
    const mount = params.snapshotAuthMount ?? params.cloud;
    const role = params.snapshotAuthRole ?? "raft-snapshot";
    const loginArgs = params.backup.type === "azureblob" ? ` ${shq(params.backup.clientId ?? "")}` : "";
    return `${scriptHeader(`Vault raft snapshot -> ${backup.type}. Run by vault-raft-snapshot.timer.`)}
export VAULT_ADDR=https://127.0.0.1:${PORTS.vaultApi}
export VAULT_CACERT=${shq(PLATFORM_TLS.ca)}
readonly NODE_NAME=${shq(params.hostname)}
readonly PREFIX=${shq(prefix)}
readonly PROM=${shq(VAULT_SNAPSHOT_PROM)}

# Every run leaves its outcome for Prometheus (VaultSnapshotFailed, VaultSnapshotStale): the
# last run's result, and the time of the last success (kept from the previous file on failure).
# The cleanup trap passes the exit status (a "(exit rc)" to restore \$? would end the trap under set -e).
report() { report_outcome "$PROM" platform_vault_snapshot 'Vault snapshot to object storage' "\${SNAPSHOT_DONE:-}" "\${1:-$?}"; }
trap report EXIT

# vault status exits 0 (unsealed), 2 (sealed or not initialised) or 1 (error: Vault is down or
# unreachable). Only "not initialised yet" is a reason to skip; everything else fails the unit.
rc=0
status="$(vault status -format=json)" || rc=$?
case "$rc" in
  0 | 2) ;;
  *) die "vault status failed (exit \${rc}): is vault.service running?" ;;
esac
if [ "$(printf '%s' "$status" | jq -r '.initialized')" != "true" ]; then
  log "vault is not initialised yet: no snapshot"
  exit 0
fi
[ "$(printf '%s' "$status" | jq -r '.sealed')" = "false" ] || die "vault is sealed: check the KMS seal"

work="$(mktemp -d /var/tmp/vault-snapshot.XXXXXX)"
cleanup() {
  local rc=$?
  vault token revoke -self >/dev/null 2>&1 || true
  rm -rf "$work"
  report "$rc"
}
trap cleanup EXIT

# Short-lived token from the cloud auth method, with the VM identity (no stored token).
VAULT_TOKEN="$(vault_login ${shq(mount)} ${shq(role)}${loginArgs})"
export VAULT_TOKEN

snapshot="\${work}/raft.snap"
object="\${PREFIX}\${NODE_NAME}/$(date -u +%Y%m%dT%H%M%SZ).snap"
vault operator raft snapshot save "$snapshot"
retry_net ${uploadCommand(backup, "snapshot", "object")}
SNAPSHOT_DONE=1
log "uploaded raft snapshot \${object}"
`;
}

function snapshotUnits(schedule: string): { service: string; timer: string } {
    return {
        service: `[Unit]
Description=Vault raft snapshot to object storage
Wants=network-online.target
After=network-online.target vault.service

[Service]
Type=oneshot
UMask=0077
PrivateTmp=yes
ExecStart=/usr/local/sbin/vault-raft-snapshot
`,
        timer: `[Unit]
Description=Periodic Vault raft snapshot

[Timer]
OnCalendar=${schedule}
RandomizedDelaySec=300
Persistent=true

[Install]
WantedBy=timers.target
`,
    };
}

// ---------------------------------------------------------------------------------------------
// Wazuh all-in-one
// ---------------------------------------------------------------------------------------------

/**
 * The indexer's unit (wazuh/wazuh-indexer distribution/packages/src/common/systemd/wazuh-indexer.service)
 * sandboxes the service and lists ReadWritePaths=/var/lib/wazuh-indexer; with its ProtectSystem=full
 * /var stays writable, and naming the data disk here keeps it so should the unit move to `strict`.
 */
const WAZUH_INDEXER_DROPIN = `# Managed by the platform bootstrap: the indexer's data (path.data) is on the data disk.
[Unit]
RequiresMountsFor=${MOUNT_POINTS.wazuh}

[Service]
ReadWritePaths=${MOUNT_POINTS.wazuh}
`;

/** The Wazuh VM's state on the data disk (besides the indexer's data), bind-mounted in place. */
export const WAZUH_STATE_ROOT = `${MOUNT_POINTS.wazuh}/state`;
/** The installation assistant's archive (certificates, passwords) of the install the disk's state belongs to. */
export const WAZUH_INSTALL_ARCHIVE = `${MOUNT_POINTS.wazuh}/install/wazuh-install-files.tar`;

/**
 * Directories that hold the Wazuh server's state, each moved to the data disk once and
 * bind-mounted back (fstab), so a replacement VM keeps them: agent keys and groups, rules,
 * decoders, lists and ossec.conf (etc), the agents' databases and the manager's keystore (queue),
 * alerts and archives (logs), the API's users and RBAC (api/configuration), the certificates of
 * the indexer, Filebeat and the dashboard (all signed by the install's own CA, which the indexer's
 * security index trusts), the indexer's security configuration, Filebeat's registry and keystore,
 * and the dashboard's Wazuh API connection (wazuh.yml). The dashboard's keystore is a single file:
 * it is rewritten from the archive's passwords instead (as wazuh-passwords-tool does).
 */
export const WAZUH_STATE_DIRS: readonly { readonly name: string; readonly path: string }[] = [
    { name: "ossec-etc", path: "/var/ossec/etc" },
    { name: "ossec-queue", path: "/var/ossec/queue" },
    { name: "ossec-logs", path: "/var/ossec/logs" },
    { name: "ossec-api-configuration", path: "/var/ossec/api/configuration" },
    { name: "ossec-multigroups", path: "/var/ossec/var/multigroups" },
    { name: "indexer-certs", path: "/etc/wazuh-indexer/certs" },
    { name: "indexer-security", path: "/etc/wazuh-indexer/opensearch-security" },
    { name: "filebeat-certs", path: "/etc/filebeat/certs" },
    { name: "filebeat-lib", path: "/var/lib/filebeat" },
    { name: "dashboard-certs", path: "/etc/wazuh-dashboard/certs" },
    { name: "dashboard-wazuh-config", path: "/usr/share/wazuh-dashboard/data/wazuh/config" },
];

/** Indexer REST API on the loopback, as the installation's `admin` (password from the archive on the data disk). */
const INDEXER_API = `# wazuh_password USER: USER's password in the installation archive (wazuh-passwords.txt lines
# "indexer_username: 'USER'" then "indexer_password: '...'", wazuh-installation-assistant
# passwords_tool/passwordsFunctions.sh passwords_generatePasswordFile).
wazuh_password() {
  tar -xzOf ${shq(WAZUH_INSTALL_ARCHIVE)} wazuh-install-files/wazuh-passwords.txt |
    awk -v u="'$1'" '$1 == "indexer_username:" && $2 == u { getline; v = $2; gsub(/^'"'"'|'"'"'$/, "", v); print v; exit }'
}
# indexer_api METHOD PATH [JSON]: the credentials go through curl's config on stdin, never argv.
indexer_api() {
  local pass
  pass="$(wazuh_password admin)" || return 1
  [ -n "$pass" ] || die "no admin password in ${WAZUH_INSTALL_ARCHIVE}"
  printf 'user = "admin:%s"\\n' "$pass" |
    curl -K - -fsS --cacert /etc/wazuh-indexer/certs/root-ca.pem -X "$1" -H 'Content-Type: application/json' \\
      \${3:+--data-binary "$3"} "https://127.0.0.1:9200/$2"
}
# indexer_healthy: the cluster answers yellow or green (a single node never gets its replicas).
indexer_healthy() { indexer_api GET '_cluster/health?wait_for_status=yellow&timeout=50s' | jq -e '.status == "yellow" or .status == "green"' >/dev/null; }
`;

/**
 * Index retention (ISM) for the Wazuh indices: a policy that deletes an index once it is older
 * than the retention (documentation.wazuh.com, "Index lifecycle management"; OpenSearch ISM
 * `min_index_age` transition and `delete` action), attached to new indices by its ism_template
 * and to the existing ones explicitly. Updated in place (if_seq_no / if_primary_term) when the
 * retention changes. Run by 50-wazuh-server and by the daily refresh.
 */
export function wazuhRetentionScript(): string {
    return `${scriptHeader("The Wazuh indices' retention (ISM policy), from operations.wazuhRetentionDays.")}
readonly POLICY=platform-retention
readonly PATTERNS='["wazuh-alerts-*", "wazuh-archives-*", "wazuh-monitoring-*", "wazuh-statistics-*"]'
${INDEXER_API}
days="$(jq -er '.wazuhRetentionDays' ${shq(OPERATIONS_FILE)})" || die "no wazuhRetentionDays in ${OPERATIONS_FILE}"
[[ "$days" =~ ^[1-9][0-9]{0,4}$ ]] || die "wazuhRetentionDays \${days} is not a number of days"
retry_net indexer_healthy || die "the Wazuh indexer is not healthy: retention not applied"
policy="$(jq -cn --arg age "\${days}d" --argjson patterns "$PATTERNS" '{policy: {
  description: "Platform retention: delete Wazuh indices older than the configured days (components/bootstrap)",
  default_state: "hot",
  states: [
    {name: "hot", actions: [], transitions: [{state_name: "delete", conditions: {min_index_age: $age}}]},
    {name: "delete", actions: [{delete: {}}], transitions: []}
  ],
  ism_template: [{index_patterns: $patterns, priority: 100}]
}}')"
if current="$(indexer_api GET "_plugins/_ism/policies/\${POLICY}" 2>/dev/null)"; then
  if [ "$(jq -r '.policy.states[0].transitions[0].conditions.min_index_age' <<<"$current")" != "\${days}d" ]; then
    indexer_api PUT "_plugins/_ism/policies/\${POLICY}?if_seq_no=$(jq -r '._seq_no' <<<"$current")&if_primary_term=$(jq -r '._primary_term' <<<"$current")" "$policy" >/dev/null
    log "index retention changed to \${days} days"
  fi
else
  indexer_api PUT "_plugins/_ism/policies/\${POLICY}" "$policy" >/dev/null
  log "index retention policy \${POLICY} created: \${days} days"
fi
# Indices that existed before the policy (or before a replacement) get it too; managed ones are skipped.
indexer_api POST "_plugins/_ism/add/wazuh-alerts-*,wazuh-archives-*,wazuh-monitoring-*,wazuh-statistics-*" "{\\"policy_id\\": \\"\${POLICY}\\"}" >/dev/null
`;
}

/**
 * The indexer's heap: half of the VM's memory, at most 31 GiB (compressed object pointers end
 * near 32 GB; OpenSearch "Important settings": heap at most half the RAM, below 32 GB). The 4.14.8
 * installation assistant means to do this but halves an undefined variable (`ram="$(( ram_mb / 2 ))"`
 * after assigning `ram_gb`, install_functions/indexer.sh indexer_configure), so every VM gets its
 * 1 GiB fallback. A jvm.options.d file is read after jvm.options, and the JVM takes the last -Xms/-Xmx.
 */
export const INDEXER_HEAP = { fraction: 0.5, minMb: 1024, maxMb: 31744 } as const;
export const INDEXER_HEAP_FILE = "/etc/wazuh-indexer/jvm.options.d/platform-heap.options";

function wazuhServerStep(secret: SecretRef): string {
    const dash = TLS_CONSUMERS.wazuhDashboard;
    const authd = TLS_CONSUMERS.wazuhAuthd;
    const installer = RETRY_POLICIES.wazuhInstaller;
    const stateDirs = WAZUH_STATE_DIRS.map((d) => `${d.name}:${d.path}`).join(" ");
    return `${scriptHeader(`Wazuh ${PINNED_VERSIONS.wazuh} all-in-one (manager, indexer, dashboard) via the installation assistant; its state and the indexer's data on the data disk.`)}
readonly WAZUH_VERSION=${shq(PINNED_VERSIONS.wazuh)}
readonly INSTALLER_URL=${shq(wazuhInstallerUrl())}
readonly TEMPLATE_URL=${shq(wazuhTemplateUrl())}
readonly WORK_DIR=/root/wazuh-install
readonly INDEXER_DATA=${shq(WAZUH_INDEXER_DATA)}
readonly STATE=${shq(WAZUH_STATE_ROOT)}
readonly ARCHIVE=${shq(WAZUH_INSTALL_ARCHIVE)}
readonly INDEXER_CONF=/etc/wazuh-indexer/opensearch.yml
readonly DASHBOARD_CONF=/etc/wazuh-dashboard/opensearch_dashboards.yml
readonly STATE_DIRS=(${stateDirs})
${INDEXER_API}
sysctl --system >/dev/null

# Fixed uids/gids before the packages: the data disk's files keep their owners on a replacement.
${ensureAccountCommand(SERVICE_ACCOUNTS.wazuh)}
${ensureAccountCommand(SERVICE_ACCOUNTS.wazuhIndexer)}
${ensureAccountCommand(SERVICE_ACCOUNTS.wazuhDashboard)}

state_complete() { [ -f "\${STATE}/.complete" ]; }
state_bound() {
  local entry
  for entry in "\${STATE_DIRS[@]}"; do mountpoint -q "\${entry#*:}" || return 1; done
}
stop_all() { systemctl stop wazuh-dashboard.service filebeat.service wazuh-manager.service wazuh-indexer.service; }
start_all() {
  systemctl daemon-reload
  systemctl start wazuh-indexer.service
  retry_net indexer_healthy || die "the Wazuh indexer did not become healthy"
  systemctl start wazuh-manager.service filebeat.service wazuh-dashboard.service
}
# bind_state: each state directory mounted from the data disk (fstab, so every boot does it).
bind_state() {
  local entry name path
  for entry in "\${STATE_DIRS[@]}"; do
    name="\${entry%%:*}"
    path="\${entry#*:}"
    grep -q " \${path} none bind" /etc/fstab ||
      printf '%s %s none bind,x-systemd.requires-mounts-for=%s 0 0\\n' "\${STATE}/\${name}" "$path" ${shq(MOUNT_POINTS.wazuh)} >>/etc/fstab
    install -d "$path"
    mountpoint -q "$path" || mount "$path"
  done
  systemctl daemon-reload
}

# The assistant generates every password and certificate on this VM and prints the admin
# password: its output goes to a root-only file, never to the cloud-init log / serial console.
# A failed run rolls itself back (installCommon_rollBack): it is started again once. Nothing here
# ever runs it with -o/--overwrite or -u/--uninstall (both remove /var/lib/wazuh-indexer).
installer_attempt() {
  (umask 077 && bash wazuh-install.sh --all-in-one >>"\${WORK_DIR}/wazuh-install.log" 2>&1)
}
if [ -z "$(installed_version wazuh-manager)" ]; then
  if ! state_complete && [ -d "$INDEXER_DATA" ] && [ -n "$(ls -A "$INDEXER_DATA")" ]; then
    die "\${INDEXER_DATA} holds indexer data but the disk has no Wazuh state (\${STATE}/.complete): its certificates and passwords are gone, so it cannot be adopted; move it aside to start fresh, or restore the disk from a snapshot (README, Operations)"
  fi
  install -d -m 0700 "$WORK_DIR"
  cd "$WORK_DIR"
  fetch "$INSTALLER_URL" wazuh-install.sh
  grep -qx "readonly wazuh_version=\\"\${WAZUH_VERSION}\\"" wazuh-install.sh ||
    die "\${INSTALLER_URL} does not install \${WAZUH_VERSION}: bump components/bootstrap/versions.ts deliberately"
  retry_backoff ${installer.attempts} ${installer.firstDelaySeconds} ${installer.maxDelaySeconds} installer_attempt ||
    die "wazuh-install.sh failed: see \${WORK_DIR}/wazuh-install.log"
fi

# Upgrade in the order of the Wazuh upgrade guide (documentation.wazuh.com, "Wazuh central
# components"): Filebeat and the dashboard stopped, the indexer (allocation to primaries, flush,
# stop, upgrade, start, allocation back), the manager, Filebeat's alerts template, the dashboard.
# The agents follow on their own VMs (an agent newer than its manager is refused).
have="$(installed_version wazuh-manager)"
if [ "$have" != "\${WAZUH_VERSION}-1" ]; then
  log "upgrading the Wazuh central components \${have} -> \${WAZUH_VERSION}-1"
  ${addRepoCommand(APT_REPOSITORIES.wazuh)}
  systemctl stop filebeat.service wazuh-dashboard.service
  indexer_api DELETE '_index_template/ss4o_*_template' >/dev/null || true
  indexer_api PUT _cluster/settings '{"persistent": {"cluster.routing.allocation.enable": "primaries"}}' >/dev/null
  indexer_api POST _flush >/dev/null || true
  systemctl stop wazuh-indexer.service
  apt_pin wazuh-indexer "\${WAZUH_VERSION}-1"
  systemctl start wazuh-indexer.service
  retry_net indexer_healthy || die "the upgraded indexer did not become healthy"
  indexer_api PUT _cluster/settings '{"persistent": {"cluster.routing.allocation.enable": "all"}}' >/dev/null
  apt_pin wazuh-manager "\${WAZUH_VERSION}-1"
  systemctl restart wazuh-manager.service
  fetch "$TEMPLATE_URL" /etc/filebeat/wazuh-template.json
  chmod go+r /etc/filebeat/wazuh-template.json
  systemctl start filebeat.service
  filebeat setup --pipelines >/dev/null
  filebeat setup --index-management -E output.logstash.enabled=false >/dev/null
  apt_pin wazuh-dashboard "\${WAZUH_VERSION}-1"
  systemctl start wazuh-dashboard.service
  log "Wazuh central components upgraded to \${WAZUH_VERSION}; upgrade the agents next (their VMs' replacement)"
fi
apt-mark hold wazuh-manager wazuh-indexer wazuh-dashboard filebeat >/dev/null

# The indexer's heap from this VM's memory (INDEXER_HEAP); it takes effect at the next start.
mem_mb="$(free -m | awk 'FNR == 2 { print $2 }')"
heap_mb=$(( mem_mb / 2 ))
[ "$heap_mb" -ge ${INDEXER_HEAP.minMb} ] || heap_mb=${INDEXER_HEAP.minMb}
[ "$heap_mb" -le ${INDEXER_HEAP.maxMb} ] || heap_mb=${INDEXER_HEAP.maxMb}
install -d -m 0750 -o root -g wazuh-indexer "$(dirname ${shq(INDEXER_HEAP_FILE)})"
printf '# Managed by the platform bootstrap: half of %s MB, within [%s, %s] MB.\\n-Xms%sm\\n-Xmx%sm\\n' \\
  "$mem_mb" ${INDEXER_HEAP.minMb} ${INDEXER_HEAP.maxMb} "$heap_mb" "$heap_mb" >"\${WORK_DIR}/heap.options"
heap="$(install_changed "\${WORK_DIR}/heap.options" ${shq(INDEXER_HEAP_FILE)} 0640 root wazuh-indexer)"

restarted=""
if ! state_complete; then
  # First install on this disk: the indexer's data and the state move to the data disk, once.
  # Each directory is copied under a temporary name and renamed: an interrupted run resumes.
  stop_all
  if ! grep -qx "path.data: \${INDEXER_DATA}" "$INDEXER_CONF"; then
    install -d -m 0750 -o wazuh-indexer -g wazuh-indexer "$INDEXER_DATA"
    cp -a /var/lib/wazuh-indexer/. "\${INDEXER_DATA}/"
    sed -i "s|^path.data: .*|path.data: \${INDEXER_DATA}|" "$INDEXER_CONF"
    grep -qx "path.data: \${INDEXER_DATA}" "$INDEXER_CONF" || die "could not set path.data in \${INDEXER_CONF}"
    find /var/lib/wazuh-indexer -mindepth 1 -delete
  fi
  for entry in "\${STATE_DIRS[@]}"; do
    name="\${entry%%:*}"
    path="\${entry#*:}"
    if ! mountpoint -q "$path"; then
      if [ ! -d "\${STATE}/\${name}" ]; then
        rm -rf "\${STATE:?}/\${name}.partial"
        install -d "\${STATE}/\${name}.partial"
        cp -a "\${path}/." "\${STATE}/\${name}.partial/"
        mv "\${STATE}/\${name}.partial" "\${STATE}/\${name}"
      fi
      find "$path" -mindepth 1 -delete
    fi
  done
  bind_state
  install -d -m 0700 "$(dirname "$ARCHIVE")"
  install -m 0600 "\${WORK_DIR}/wazuh-install-files.tar" "$ARCHIVE"
  printf 'wazuh %s, state moved %s\\n' "$WAZUH_VERSION" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"\${STATE}/.complete"
  start_all
  restarted=1
  log "Wazuh state and indexer data now on the data disk (\${STATE}, \${INDEXER_DATA})"
elif ! state_bound; then
  # A replacement VM: a fresh install on the new root disk, then the previous one's state and
  # data take its place; the fresh certificates and passwords are discarded.
  log "adopting the Wazuh state on the data disk ($(cat "\${STATE}/.complete"))"
  stop_all
  for entry in "\${STATE_DIRS[@]}"; do
    path="\${entry#*:}"
    mountpoint -q "$path" || find "$path" -mindepth 1 -delete
  done
  bind_state
  sed -i "s|^path.data: .*|path.data: \${INDEXER_DATA}|" "$INDEXER_CONF"
  find /var/lib/wazuh-indexer -mindepth 1 -delete
  # The dashboard's link to the indexer: the previous install's kibanaserver password into the new
  # keystore (what wazuh-passwords-tool does: opensearch-dashboards-keystore add -f --stdin).
  wazuh_password kibanaserver | /usr/share/wazuh-dashboard/bin/opensearch-dashboards-keystore --allow-root add -f --stdin opensearch.password >/dev/null
  mv -f "\${WORK_DIR}/wazuh-install-files.tar" "\${WORK_DIR}/wazuh-install-files.unused.tar" 2>/dev/null || true
  start_all
  restarted=1
  log "Wazuh state adopted: agents keep their keys; passwords and certificates are the previous install's (\${ARCHIVE})"
fi

# A changed heap alone (a resized VM): restart the indexer now.
if [ -z "$restarted" ] && [ -n "$heap" ]; then
  systemctl restart wazuh-indexer.service
  retry_net indexer_healthy || die "the Wazuh indexer did not become healthy"
fi

# The dashboard serves the platform CA's certificate for this VM (its link to the indexer keeps
# the assistant's own CA).
${tlsCopyCommand(dash)}
dashboard_tls="$TLS_COPY_CHANGED"
sed -i -e 's|^server.ssl.certificate: .*|server.ssl.certificate: "${dash.cert}"|' \\
  -e 's|^server.ssl.key: .*|server.ssl.key: "${dash.key}"|' "$DASHBOARD_CONF"
grep -qx 'server.ssl.certificate: "${dash.cert}"' "$DASHBOARD_CONF" || die "could not set the dashboard certificate"
service_converge wazuh-dashboard.service "\${dashboard_tls}$(config_changed wazuh-dashboard "$DASHBOARD_CONF")"

# authd presents the platform CA's certificate: agents verify it (<server_ca_path>) before
# they send the enrollment password, which is read from the secret store.
${tlsCopyCommand(authd)}
authd_tls="$TLS_COPY_CHANGED"
install_secret /var/ossec/etc/authd.pass root:wazuh 0640 line ${fetchSecretCommand(secret)}
sed -i 's|<use_password>no</use_password>|<use_password>yes</use_password>|' /var/ossec/etc/ossec.conf
grep -q '<use_password>yes</use_password>' /var/ossec/etc/ossec.conf || die "could not enable password enrollment"
${ensureLocalfileCommands}
${ensureAuditLocalfileCommands}
service_converge wazuh-manager.service "\${authd_tls}$(config_changed wazuh-manager /var/ossec/etc/ossec.conf /var/ossec/etc/authd.pass)"

/usr/local/sbin/platform-wazuh-retention
log "wazuh \${WAZUH_VERSION} all-in-one: agents ${PORTS.wazuhAgentEvents}/${PORTS.wazuhAgentEnrollment}, API ${PORTS.wazuhApi}, dashboard ${PORTS.wazuhDashboard}; heap \${heap_mb} MB"
`;
}

const WAZUH_SYSCTL = `# Managed by the platform bootstrap: the Wazuh indexer (OpenSearch) needs many memory maps.
vm.max_map_count = 262144
`;

// ---------------------------------------------------------------------------------------------
// Assembly
// ---------------------------------------------------------------------------------------------

export interface RolePlan {
    readonly files: WriteFile[];
    readonly steps: Step[];
    readonly packages: string[];
}

/** What every VM gets: packages, hardening, its certificate, node_exporter. */
export function basePlan(role: BootstrapRole, params: CommonParams<Cloud>, allowForwarding: boolean): RolePlan {
    return {
        packages: [...BASE_PACKAGES],
        files: [
            file("/etc/ssh/sshd_config.d/10-platform-hardening.conf", sshdConfig(allowForwarding, role === "bastion")),
            file("/etc/audit/rules.d/50-platform.rules", AUDIT_RULES, "0640"),
            file("/etc/apt/apt.conf.d/20auto-upgrades", AUTO_UPGRADES),
            file("/etc/chrony/conf.d/10-platform-timesync.conf", `# Managed by the platform bootstrap.\n${TIME_SOURCES[params.cloud]}`),
            file("/etc/systemd/system/node_exporter.service", NODE_EXPORTER_UNIT),
            file("/etc/node_exporter/web-config.yml", NODE_EXPORTER_WEB_CONFIG),
            executable("/usr/local/sbin/platform-tls-refresh", tlsRefreshScript(role)),
            file("/etc/systemd/system/platform-tls-refresh.service", TLS_REFRESH_UNITS.service),
            file("/etc/systemd/system/platform-tls-refresh.timer", TLS_REFRESH_UNITS.timer),
            // Patch policy: updates daily, reboots only in the window (operations.ts).
            file("/etc/apt/apt.conf.d/52platform-reboot-window", UNATTENDED_REBOOT_CONF),
            executable("/usr/local/sbin/platform-maintenance-reboot", MAINTENANCE_REBOOT_SCRIPT),
            file("/etc/systemd/system/platform-maintenance-reboot.service", MAINTENANCE_REBOOT_UNITS.service),
            file("/etc/systemd/system/platform-maintenance-reboot.timer", MAINTENANCE_REBOOT_UNITS.timer),
            // Health metrics for Prometheus (failed units, reboot pending, Vault seal, agent link).
            executable("/usr/local/sbin/platform-health", healthScript(role)),
            file("/etc/systemd/system/platform-health.service", HEALTH_UNITS.service),
            file("/etc/systemd/system/platform-health.timer", HEALTH_UNITS.timer),
        ],
        steps: [
            { name: STEP.packages, script: packagesStep(params.cloud, role), budgetSeconds: STEP_BUDGET_SECONDS.packages, needs: [] },
            { name: STEP.hardening, script: HARDENING_STEP, budgetSeconds: STEP_BUDGET_SECONDS.hardening, needs: [STEP.packages] },
            { name: STEP.tls, script: tlsStep(params.tlsSecret, role === "bastion"), budgetSeconds: STEP_BUDGET_SECONDS.tls, needs: [STEP.packages] },
            { name: STEP.operations, script: operationsStep(role, params.cloud), budgetSeconds: STEP_BUDGET_SECONDS.operations, needs: [STEP.packages, STEP.hardening, STEP.tls] },
        ],
    };
}

/** The auxiliaries, after the main service: node_exporter, then the Wazuh agent where there is one. */
export function auxiliarySteps(role: BootstrapRole, agent: AgentParams<Cloud> | undefined): Step[] {
    return [
        { name: STEP.nodeExporter, script: nodeExporterStep(), budgetSeconds: STEP_BUDGET_SECONDS.nodeExporter, needs: [STEP.packages, STEP.tls] },
        ...(agent
            ? [{ name: STEP.wazuhAgent, script: wazuhAgentStep(agent, role), budgetSeconds: STEP_BUDGET_SECONDS.wazuhAgent, needs: [STEP.packages, STEP.tls] }]
            : []),
    ];
}

const mainNeeds = [STEP.packages, STEP.tls, STEP.dataDisk];

export function jenkinsPlan(params: JenkinsParams<Cloud>): RolePlan {
    const backupUnits = jenkinsBackupUnits(params.backupSchedule ?? "*-*-* 01:30:00 UTC");
    return {
        packages: [],
        files: [
            file("/etc/systemd/system/jenkins.service.d/10-platform.conf", JENKINS_DROPIN),
            file(`${BOOTSTRAP_STAGING_DIR}/jenkins-nginx.conf`, jenkinsNginxSite()),
            file(`${BOOTSTRAP_STAGING_DIR}/jenkins-controller-policy.groovy`, JENKINS_CONTROLLER_POLICY),
            file(`${BOOTSTRAP_STAGING_DIR}/jenkins-plugins.txt`, pluginsTxt()),
            file(`${BOOTSTRAP_STAGING_DIR}/jenkins-casc.yaml`, jenkinsCascPlatform()),
            executable("/usr/local/sbin/jenkins-home-backup", jenkinsBackupScript(params)),
            file("/etc/systemd/system/jenkins-home-backup.service", backupUnits.service),
            file("/etc/systemd/system/jenkins-home-backup.timer", backupUnits.timer),
            ...(params.kubernetes
                ? [
                      file(`${BOOTSTRAP_STAGING_DIR}/jenkins-kubernetes-cloud.json`, jenkinsCloudTemplate(params.kubernetes)),
                      executable("/usr/local/sbin/platform-jenkins-kube", jenkinsKubeRefreshScript(params.kubernetes)),
                      file("/etc/systemd/system/platform-jenkins-kube.service", JENKINS_KUBE_UNITS.service),
                      file("/etc/systemd/system/platform-jenkins-kube.timer", JENKINS_KUBE_UNITS.timer),
                  ]
                : []),
        ],
        steps: [
            { name: STEP.dataDisk, script: dataDiskStep(params.dataDisk, MOUNT_POINTS.jenkins, "jenkins-data"), budgetSeconds: STEP_BUDGET_SECONDS.dataDisk, needs: [] },
            { name: "50-jenkins", script: jenkinsStep(params.kubernetes !== undefined), budgetSeconds: STEP_BUDGET_SECONDS.jenkins, needs: mainNeeds },
        ],
    };
}

export function vaultPlan(params: VaultParams<Cloud>): RolePlan {
    const units = snapshotUnits(params.snapshotSchedule ?? "hourly");
    return {
        packages: [],
        files: [
            file(`${BOOTSTRAP_STAGING_DIR}/vault.hcl`, vaultConfig(params.seal), "0600"),
            file("/etc/systemd/system/vault.service.d/10-platform.conf", VAULT_DROPIN),
            file("/etc/profile.d/vault.sh", VAULT_PROFILE),
            executable("/usr/local/sbin/vault-raft-snapshot", snapshotScript(params)),
            file("/etc/systemd/system/vault-raft-snapshot.service", units.service),
            file("/etc/systemd/system/vault-raft-snapshot.timer", units.timer),
            executable(
                "/usr/local/bin/platform-vault",
                platformVaultScript({
                    snapshotAuthMount: params.snapshotAuthMount ?? params.cloud,
                    snapshotAuthRole: params.snapshotAuthRole ?? "raft-snapshot",
                    clientIdArg: params.backup.type === "azureblob" ? ` ${shq(params.backup.clientId ?? "")}` : "",
                }),
            ),
            file("/etc/logrotate.d/vault-audit", VAULT_AUDIT_LOGROTATE),
        ],
        steps: [
            { name: STEP.dataDisk, script: dataDiskStep(params.dataDisk, MOUNT_POINTS.vault, "vault-data"), budgetSeconds: STEP_BUDGET_SECONDS.dataDisk, needs: [] },
            { name: "50-vault", script: vaultStep(params), budgetSeconds: STEP_BUDGET_SECONDS.vault, needs: mainNeeds },
        ],
    };
}

export function wazuhPlan(params: WazuhParams<Cloud>): RolePlan {
    return {
        packages: [],
        files: [
            file("/etc/sysctl.d/60-wazuh-indexer.conf", WAZUH_SYSCTL),
            file("/etc/systemd/system/wazuh-indexer.service.d/10-platform.conf", WAZUH_INDEXER_DROPIN),
            executable("/usr/local/sbin/platform-wazuh-retention", wazuhRetentionScript()),
        ],
        steps: [
            { name: STEP.dataDisk, script: dataDiskStep(params.dataDisk, MOUNT_POINTS.wazuh, "wazuh-data"), budgetSeconds: STEP_BUDGET_SECONDS.dataDisk, needs: [] },
            { name: "50-wazuh-server", script: wazuhServerStep(params.wazuhEnrollmentSecret), budgetSeconds: STEP_BUDGET_SECONDS.wazuhServer, needs: mainNeeds },
        ],
    };
}

/**
 * The runner: every step in order within its budget; a failed step is recorded and the steps
 * that do not need it still run. The outcome is written where operators and alerting look:
 * `status.json` and `complete` / `failed` in BOOTSTRAP_STATE_DIR, node_exporter's textfile
 * collector (`platform_bootstrap_success`), the journal (`logger -t platform-bootstrap`) and
 * BOOTSTRAP_LOG (read by the Wazuh agent). Exits non-zero when any step did not succeed, so
 * `cloud-init status` reports the error too.
 */
export function runnerScript(role: BootstrapRole, steps: readonly Step[]): string {
    const runs = steps.map((s) => `run_step ${s.name} ${s.budgetSeconds}${s.needs.length ? ` ${s.needs.join(" ")}` : ""}`).join("\n");
    return `#!/bin/bash
# Runs the ${role} bootstrap steps (from cloud-init runcmd; safe to re-run: sudo platform-bootstrap).
# Rendered by components/bootstrap. No errexit here: each step's failure is handled below.
set -uo pipefail
# shellcheck source=lib.sh
. ${BOOTSTRAP_LIB_DIR}/lib.sh
readonly ROLE=${shq(role)}
readonly STATE_DIR=${shq(BOOTSTRAP_STATE_DIR)}
readonly TEXTFILE_DIR=${shq(NODE_EXPORTER_TEXTFILE_DIR)}
export PLATFORM_BOOTSTRAP_LOG=${shq(BOOTSTRAP_LOG)}

install -d -m 0700 "$STATE_DIR"
install -d -m 0755 "$TEXTFILE_DIR"
touch "$PLATFORM_BOOTSTRAP_LOG"
chmod 0640 "$PLATFORM_BOOTSTRAP_LOG"
exec 9>"\${STATE_DIR}/lock"
flock -n 9 || die "another platform-bootstrap run holds \${STATE_DIR}/lock"

declare -A RESULT=() CODE=() SECONDS_TAKEN=()
ORDER=()

# run_step NAME BUDGET_SECONDS [NEEDS...]
run_step() {
  local name="$1" budget="$2" need rc started now
  shift 2
  ORDER+=("$name")
  CODE[$name]=""
  SECONDS_TAKEN[$name]=0
  for need in "$@"; do
    if [ "\${RESULT[$need]:-}" != ok ]; then
      RESULT[$name]=skipped
      log "step \${name}: SKIPPED (needs \${need}: \${RESULT[$need]:-not run})"
      return 0
    fi
  done
  log "step \${name}: start (budget \${budget}s)"
  printf -v started '%(%s)T' -1
  rc=0
  # The lock (fd 9) stays with the runner: nothing a step leaves running may hold it.
  PLATFORM_BOOTSTRAP_STEP="$name" timeout --kill-after=${STEP_KILL_AFTER_SECONDS} "$budget" bash "${BOOTSTRAP_LIB_DIR}/\${name}.sh" 9>&- || rc=$?
  printf -v now '%(%s)T' -1
  SECONDS_TAKEN[$name]=$((now - started))
  CODE[$name]=$rc
  if [ "$rc" -eq 0 ]; then
    RESULT[$name]=ok
    log "step \${name}: done"
  elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    RESULT[$name]=failed
    log "step \${name}: FAILED (over its \${budget}s budget)"
  else
    RESULT[$name]=failed
    log "step \${name}: FAILED (exit \${rc})"
  fi
}

${runs}

failed=()
json_steps=""
metrics=""
for name in "\${ORDER[@]}"; do
  [ "\${RESULT[$name]}" = ok ] || failed+=("$name")
  json_steps+="$(printf '%s\\n    {"name": "%s", "status": "%s", "exitCode": %s, "seconds": %s}' "\${json_steps:+,}" "$name" "\${RESULT[$name]}" "\${CODE[$name]:-null}" "\${SECONDS_TAKEN[$name]}")"
  metrics+="platform_bootstrap_step_success{step=\\"\${name}\\"} $([ "\${RESULT[$name]}" = ok ] && echo 1 || echo 0)"$'\\n'
done
TZ=UTC printf -v finished '%(%Y-%m-%dT%H:%M:%SZ)T' -1
result=ok
[ "\${#failed[@]}" -eq 0 ] || result=failed

printf '{\\n  "role": "%s",\\n  "result": "%s",\\n  "finished": "%s",\\n  "steps": [%s\\n  ]\\n}\\n' \\
  "$ROLE" "$result" "$finished" "$json_steps" >"\${STATE_DIR}/status.json.tmp"
mv -f "\${STATE_DIR}/status.json.tmp" "\${STATE_DIR}/status.json"

# node_exporter's textfile collector: written whole, then renamed (it reads *.prom only).
{
  echo '# HELP platform_bootstrap_success 1 when the last bootstrap run completed every step, else 0.'
  echo '# TYPE platform_bootstrap_success gauge'
  echo "platform_bootstrap_success $([ "$result" = ok ] && echo 1 || echo 0)"
  echo '# HELP platform_bootstrap_step_success 1 when the step succeeded in the last run, 0 when it failed or was skipped.'
  echo '# TYPE platform_bootstrap_step_success gauge'
  printf '%s' "$metrics"
  echo '# HELP platform_bootstrap_last_run_timestamp_seconds When the last bootstrap run finished.'
  echo '# TYPE platform_bootstrap_last_run_timestamp_seconds gauge'
  printf 'platform_bootstrap_last_run_timestamp_seconds %(%s)T\n' -1
} >"\${TEXTFILE_DIR}/platform_bootstrap.prom.tmp"
mv -f "\${TEXTFILE_DIR}/platform_bootstrap.prom.tmp" "\${TEXTFILE_DIR}/platform_bootstrap.prom"

if [ "$result" = ok ]; then
  rm -f "\${STATE_DIR}/failed"
  printf '%s\\n' "$finished" >"\${STATE_DIR}/complete"
  log "\${ROLE} bootstrap complete; listening on ${BOOTSTRAP_PORTS[role].map((p) => `${p.port}/${p.protocol}`).join(" ")}"
  logger -t platform-bootstrap -p user.info "\${ROLE} bootstrap complete"
  exit 0
fi
rm -f "\${STATE_DIR}/complete"
printf '%s\\n' "\${failed[@]}" >"\${STATE_DIR}/failed"
log "\${ROLE} bootstrap FAILED: \${failed[*]} (details above and in \${STATE_DIR}/status.json; re-run: sudo platform-bootstrap)"
logger -t platform-bootstrap -p user.err "\${ROLE} bootstrap FAILED: \${failed[*]}"
exit 1
`;
}
