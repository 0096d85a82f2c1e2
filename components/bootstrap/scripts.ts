/**
 * The files each role writes (cloud-init `write_files`) and the ordered steps the runner
 * executes. Scripts are kept as separate template strings: tests extract every one of them from
 * the rendered document and run shellcheck on it.
 */
import { BOOTSTRAP_PORTS, PORTS } from "./ports";
import { BOOTSTRAP_LIB_DIR, BOOTSTRAP_STAGING_DIR, fetchSecretCommand, scriptHeader, shq, uploadCommand } from "./shell";
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
import { APT_REPOSITORIES, AptRepository, NODE_EXPORTER_SHA256, PINNED_VERSIONS, nodeExporterUrl, wazuhInstallerUrl } from "./versions";

/** One cloud-init `write_files` entry. */
export interface WriteFile {
    readonly path: string;
    readonly content: string;
    readonly permissions: string;
    readonly owner: string;
}

/** A step: a script under BOOTSTRAP_LIB_DIR, run in order by the runner. */
export interface Step {
    readonly name: string;
    readonly script: string;
}

const file = (path: string, content: string, permissions = "0644"): WriteFile => ({ path, content, permissions, owner: "root:root" });
const executable = (path: string, content: string): WriteFile => file(path, content, "0755");

export const MOUNT_POINTS = {
    jenkins: "/var/lib/jenkins",
    vault: "/opt/vault/data",
    wazuh: "/var/lib/wazuh-indexer",
} as const;

export const VAULT_TLS = {
    dir: "/opt/vault/tls",
    cert: "/opt/vault/tls/vault-server.crt",
    key: "/opt/vault/tls/vault-server.key",
} as const;

function addRepoCommand(repo: AptRepository): string {
    return `add_signed_apt_repo ${shq(repo.name)} ${shq(repo.keyUrl)} ${shq(repo.keyFingerprint)} ${shq(repo.url)} ${shq(repo.suite)} ${shq(repo.components)}`;
}

// ---------------------------------------------------------------------------------------------
// Common hardening (every VM, bastion included)
// ---------------------------------------------------------------------------------------------

/** sshd drop-in. Loaded before 50-cloud-init.conf, and for sshd the first value wins. */
export function sshdConfig(allowForwarding: boolean): string {
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
`;
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
-a always,exit -F arch=b64 -S execve -F euid=0 -F auid>=1000 -F auid!=unset -k root-commands
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

const NODE_EXPORTER_UNIT = `[Unit]
Description=Prometheus node_exporter
Wants=network-online.target
After=network-online.target

[Service]
User=node_exporter
Group=node_exporter
ExecStart=/usr/local/bin/node_exporter --web.listen-address=:${PORTS.nodeExporter}
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

const HARDENING_STEP = `${scriptHeader("Common hardening: sshd, auditd, time sync, unattended security updates.")}
# sshd: validate before reloading, so a broken drop-in can never lock operators out.
install -d -m 0755 /run/sshd
sshd -t
systemctl try-reload-or-restart ssh.service

augenrules --load
systemctl enable --now auditd.service

systemctl enable chrony.service
systemctl restart chrony.service

systemctl enable --now unattended-upgrades.service apt-daily.timer apt-daily-upgrade.timer
log "hardening applied"
`;

function nodeExporterStep(): string {
    return `${scriptHeader(`Prometheus node_exporter ${PINNED_VERSIONS.nodeExporter} on :${PORTS.nodeExporter}.`)}
readonly VERSION=${shq(PINNED_VERSIONS.nodeExporter)}
readonly URL_AMD64=${shq(nodeExporterUrl("amd64"))}
readonly SHA256_AMD64=${shq(NODE_EXPORTER_SHA256.amd64)}

arch="$(dpkg --print-architecture)"
[ "$arch" = amd64 ] || die "no pinned node_exporter checksum for \${arch}: add it to components/bootstrap/versions.ts"

installed="$(/usr/local/bin/node_exporter --version 2>/dev/null | awk 'NR == 1 { print $3 }' || true)"
if [ "$installed" != "$VERSION" ]; then
  work="$(mktemp -d)"
  fetch "$URL_AMD64" "\${work}/node_exporter.tar.gz"
  printf '%s  %s\\n' "$SHA256_AMD64" "\${work}/node_exporter.tar.gz" | sha256sum -c --quiet -
  tar -xzf "\${work}/node_exporter.tar.gz" -C "$work" --strip-components=1
  install -m 0755 -o root -g root "\${work}/node_exporter" /usr/local/bin/node_exporter
  rm -rf "$work"
fi

id -u node_exporter >/dev/null 2>&1 ||
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin node_exporter
systemctl daemon-reload
systemctl enable node_exporter.service
systemctl restart node_exporter.service
log "node_exporter \${VERSION} listening on :${PORTS.nodeExporter}"
`;
}

function wazuhAgentStep(params: AgentParams<Cloud>): string {
    return `${scriptHeader(`Wazuh agent ${PINNED_VERSIONS.wazuh}, enrolled with the manager using the password from the secret store.`)}
readonly WAZUH_VERSION=${shq(PINNED_VERSIONS.wazuh)}
export WAZUH_MANAGER=${shq(params.wazuhManagerAddress)}
export WAZUH_AGENT_NAME=${shq(params.hostname)}

${addRepoCommand(APT_REPOSITORIES.wazuh)}
retry 5 apt-get update -q
apt_install "wazuh-agent=\${WAZUH_VERSION}-1"
apt-mark hold wazuh-agent

# The enrollment password is read with the VM identity; it exists only in this file.
install_secret /var/ossec/etc/authd.pass root:wazuh 0640 ${fetchSecretCommand(params.wazuhEnrollmentSecret)}

systemctl daemon-reload
systemctl enable wazuh-agent.service
systemctl restart wazuh-agent.service
log "wazuh-agent \${WAZUH_VERSION} enrolling with \${WAZUH_MANAGER}"
`;
}

// ---------------------------------------------------------------------------------------------
// Data disk
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
    return `${scriptHeader(`Data disk: format once (only if blank), mount ${mountPoint} by UUID with nofail.`)}
readonly MOUNT_POINT=${shq(mountPoint)}
readonly FS_LABEL=${shq(label)}
readonly CANDIDATES=(${candidates})

# The attachment may complete after boot: wait up to 10 minutes for the device.
device=""
for _ in $(seq 1 120); do
  for link in "\${CANDIDATES[@]}"; do
    if [ -b "$link" ]; then
      device="$(readlink -f "$link")"
      break 2
    fi
  done
  udevadm settle --timeout=5 || true
  sleep 5
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
// Jenkins
// ---------------------------------------------------------------------------------------------

const JENKINS_DROPIN = `# Managed by the platform bootstrap. Never start on the root disk: JENKINS_HOME is the data disk.
[Unit]
RequiresMountsFor=${MOUNT_POINTS.jenkins}

[Service]
Environment="JENKINS_HOME=${MOUNT_POINTS.jenkins}"
Environment="JENKINS_PORT=${PORTS.jenkinsHttp}"
`;

function jenkinsStep(): string {
    return `${scriptHeader(`Jenkins LTS ${PINNED_VERSIONS.jenkins} on :${PORTS.jenkinsHttp}, JENKINS_HOME on the data disk.`)}
readonly JENKINS_VERSION=${shq(PINNED_VERSIONS.jenkins)}

${addRepoCommand(APT_REPOSITORIES.jenkins)}
retry 5 apt-get update -q
apt_install fontconfig ${shq(PINNED_VERSIONS.jenkinsJavaPackage)}
apt_install "jenkins=\${JENKINS_VERSION}"
apt-mark hold jenkins

chown jenkins:jenkins ${MOUNT_POINTS.jenkins}
chmod 0750 ${MOUNT_POINTS.jenkins}
systemctl daemon-reload
systemctl enable jenkins.service
systemctl restart jenkins.service
log "jenkins \${JENKINS_VERSION} on :${PORTS.jenkinsHttp}; unlock with ${MOUNT_POINTS.jenkins}/secrets/initialAdminPassword"
`;
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

const VAULT_PROFILE = `# Managed by the platform bootstrap: the local Vault CLI talks TLS to this node.
export VAULT_ADDR=https://127.0.0.1:${PORTS.vaultApi}
export VAULT_CACERT=${VAULT_TLS.cert}
`;

function vaultStep(params: VaultParams<Cloud>): string {
    return `${scriptHeader(`Vault ${PINNED_VERSIONS.vault}: raft on the data disk, TLS on :${PORTS.vaultApi}, KMS auto-unseal (${params.seal.type}).`)}
readonly VAULT_VERSION=${shq(PINNED_VERSIONS.vault)}
readonly NODE_NAME=${shq(params.hostname)}
readonly TLS_DIR=${shq(VAULT_TLS.dir)}

${addRepoCommand(APT_REPOSITORIES.hashicorp)}
retry 5 apt-get update -q
apt_install "vault=\${VAULT_VERSION}-1"
apt-mark hold vault

ip="$(primary_ipv4)"

# TLS: a self-signed certificate generated HERE on first boot; the private key never leaves
# this VM (replace it with a CA-issued one later, same paths). Never shipped in user data.
install -d -m 0750 -o vault -g vault "$TLS_DIR"
if [ ! -s "\${TLS_DIR}/vault-server.key" ]; then
  (
    umask 077
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -sha256 -days 825 \\
      -subj "/CN=\${NODE_NAME}" \\
      -addext "subjectAltName=DNS:\${NODE_NAME},DNS:localhost,IP:127.0.0.1,IP:\${ip}" \\
      -addext "extendedKeyUsage=serverAuth" \\
      -keyout "\${TLS_DIR}/vault-server.key" -out "\${TLS_DIR}/vault-server.crt"
  )
  chown vault:vault "\${TLS_DIR}/vault-server.key" "\${TLS_DIR}/vault-server.crt"
  chmod 0600 "\${TLS_DIR}/vault-server.key"
  chmod 0644 "\${TLS_DIR}/vault-server.crt"
fi

install -m 0640 -o root -g vault ${BOOTSTRAP_STAGING_DIR}/vault.hcl /etc/vault.d/vault.hcl
printf 'VAULT_API_ADDR=https://%s:${PORTS.vaultApi}\\nVAULT_CLUSTER_ADDR=https://%s:${PORTS.vaultCluster}\\nVAULT_RAFT_NODE_ID=%s\\n' \\
  "$ip" "$ip" "$NODE_NAME" >/etc/vault.d/vault.env
chown root:vault /etc/vault.d/vault.env
chmod 0640 /etc/vault.d/vault.env
chown vault:vault ${MOUNT_POINTS.vault}
chmod 0750 ${MOUNT_POINTS.vault}

systemctl daemon-reload
systemctl enable vault.service
systemctl restart vault.service
systemctl enable --now vault-raft-snapshot.timer
log "vault \${VAULT_VERSION} running; it waits for 'vault operator init' (components/bootstrap/README.md)"
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
export VAULT_CACERT=${shq(VAULT_TLS.cert)}
readonly NODE_NAME=${shq(params.hostname)}
readonly PREFIX=${shq(prefix)}

# Before the operator's 'vault operator init' there is nothing to back up.
status="$(vault status -format=json || true)"
if [ "$(printf '%s' "$status" | jq -r '.initialized // false')" != "true" ]; then
  log "vault is not initialised yet: no snapshot"
  exit 0
fi
[ "$(printf '%s' "$status" | jq -r '.sealed')" = "false" ] || die "vault is sealed: check the KMS seal"

work="$(mktemp -d /var/tmp/vault-snapshot.XXXXXX)"
cleanup() {
  vault token revoke -self >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# Short-lived token from the cloud auth method, with the VM identity (no stored token).
VAULT_TOKEN="$(vault_login ${shq(mount)} ${shq(role)}${loginArgs})"
export VAULT_TOKEN

snapshot="\${work}/raft.snap"
object="\${PREFIX}\${NODE_NAME}/$(date -u +%Y%m%dT%H%M%SZ).snap"
vault operator raft snapshot save "$snapshot"
${uploadCommand(backup, "snapshot", "object")}
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

function wazuhServerStep(secret: SecretRef): string {
    return `${scriptHeader(`Wazuh ${PINNED_VERSIONS.wazuh} all-in-one (manager, indexer, dashboard) via the installation assistant.`)}
readonly WAZUH_VERSION=${shq(PINNED_VERSIONS.wazuh)}
readonly INSTALLER_URL=${shq(wazuhInstallerUrl())}
readonly WORK_DIR=/root/wazuh-install

sysctl --system >/dev/null

if ! dpkg -s wazuh-manager >/dev/null 2>&1; then
  install -d -m 0700 "$WORK_DIR"
  cd "$WORK_DIR" || exit 1
  fetch "$INSTALLER_URL" wazuh-install.sh
  grep -qx "readonly wazuh_version=\\"\${WAZUH_VERSION}\\"" wazuh-install.sh ||
    die "\${INSTALLER_URL} does not install \${WAZUH_VERSION}: bump components/bootstrap/versions.ts deliberately"
  # The assistant generates every password and certificate on this VM and prints the admin
  # password: its output goes to a root-only file, never to the cloud-init log / serial console.
  (umask 077 && bash wazuh-install.sh --all-in-one >"\${WORK_DIR}/wazuh-install.log" 2>&1) ||
    die "wazuh-install.sh failed: see \${WORK_DIR}/wazuh-install.log"
fi
apt-mark hold wazuh-manager wazuh-indexer wazuh-dashboard filebeat

# Agents must present the enrollment password (authd use_password), read from the secret store.
install_secret /var/ossec/etc/authd.pass root:wazuh 0640 ${fetchSecretCommand(secret)}
sed -i 's|<use_password>no</use_password>|<use_password>yes</use_password>|' /var/ossec/etc/ossec.conf
grep -q '<use_password>yes</use_password>' /var/ossec/etc/ossec.conf || die "could not enable password enrollment"
systemctl restart wazuh-manager.service
log "wazuh \${WAZUH_VERSION} all-in-one: agents ${PORTS.wazuhAgentEvents}/${PORTS.wazuhAgentEnrollment}, API ${PORTS.wazuhApi}, dashboard ${PORTS.wazuhDashboard}"
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

/** Packages every VM gets from the distribution (installed by cloud-init before the steps). */
export const BASE_PACKAGES = [
    "auditd",
    "ca-certificates",
    "chrony",
    "curl",
    "gnupg",
    "jq",
    "openssl",
    "unattended-upgrades",
] as const;

export function basePlan(params: CommonParams<Cloud>, allowForwarding: boolean): RolePlan {
    return {
        packages: [...BASE_PACKAGES],
        files: [
            file("/etc/ssh/sshd_config.d/10-platform-hardening.conf", sshdConfig(allowForwarding)),
            file("/etc/audit/rules.d/50-platform.rules", AUDIT_RULES, "0640"),
            file("/etc/apt/apt.conf.d/20auto-upgrades", AUTO_UPGRADES),
            file("/etc/chrony/conf.d/10-platform-timesync.conf", `# Managed by the platform bootstrap.\n${TIME_SOURCES[params.cloud]}`),
            file("/etc/systemd/system/node_exporter.service", NODE_EXPORTER_UNIT),
        ],
        steps: [
            { name: "10-hardening", script: HARDENING_STEP },
            { name: "20-node-exporter", script: nodeExporterStep() },
        ],
    };
}

export function agentSteps(params: AgentParams<Cloud>): Step[] {
    return [{ name: "30-wazuh-agent", script: wazuhAgentStep(params) }];
}

export function jenkinsPlan(params: JenkinsParams<Cloud>): RolePlan {
    return {
        packages: [],
        files: [file("/etc/systemd/system/jenkins.service.d/10-platform.conf", JENKINS_DROPIN)],
        steps: [
            { name: "40-data-disk", script: dataDiskStep(params.dataDisk, MOUNT_POINTS.jenkins, "jenkins-data") },
            { name: "50-jenkins", script: jenkinsStep() },
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
        ],
        steps: [
            { name: "40-data-disk", script: dataDiskStep(params.dataDisk, MOUNT_POINTS.vault, "vault-data") },
            { name: "50-vault", script: vaultStep(params) },
        ],
    };
}

export function wazuhPlan(params: WazuhParams<Cloud>): RolePlan {
    return {
        packages: [],
        files: [file("/etc/sysctl.d/60-wazuh-indexer.conf", WAZUH_SYSCTL)],
        steps: [
            { name: "40-data-disk", script: dataDiskStep(params.dataDisk, MOUNT_POINTS.wazuh, "wazuh-data") },
            { name: "50-wazuh-server", script: wazuhServerStep(params.wazuhEnrollmentSecret) },
        ],
    };
}

/** The runner: executes the steps in order, then records completion. */
export function runnerScript(role: BootstrapRole, steps: readonly Step[]): string {
    return `${scriptHeader(`Runs the ${role} bootstrap steps in order (from cloud-init runcmd).`)}
install -d -m 0700 /var/lib/platform-bootstrap
for step in ${steps.map((s) => s.name).join(" ")}; do
  log "step \${step}: start"
  bash "${BOOTSTRAP_LIB_DIR}/\${step}.sh"
  log "step \${step}: done"
done
date -u +%Y-%m-%dT%H:%M:%SZ >/var/lib/platform-bootstrap/complete
log "${role} bootstrap complete; listening on ${BOOTSTRAP_PORTS[role].map((p) => `${p.port}/${p.protocol}`).join(" ")}"
`;
}
