/**
 * Operating the tool VMs (issue 22): named operator accounts and the audit trail of what they do,
 * fixed ids for service accounts, the maintenance reboot window, health metrics for Prometheus,
 * and the operator commands (`platform-vault`). Rendered into the same `write_files` and steps as
 * the rest of the bootstrap (scripts.ts wires them); every script here is bash, checked by
 * shellcheck and executed against the harness's stubs (tests/bootstrap/harness).
 */
import { PORTS } from "./ports";
import { BOOTSTRAP_LIB, BOOTSTRAP_STATE_DIR, NODE_EXPORTER_TEXTFILE_DIR, scriptHeader, shq } from "./shell";
import type { BootstrapRole, Cloud, Weekday } from "./types";

// ---------------------------------------------------------------------------------------------
// Service accounts with fixed numeric ids
// ---------------------------------------------------------------------------------------------

/** A service's system account, created with a fixed uid = gid before its package installs. */
export interface ServiceAccount {
    readonly name: string;
    readonly id: number;
    /** The home the vendor package would give it (the account is created before the package). */
    readonly home: string;
}

/**
 * Fixed ids for the accounts that own files on a data disk (and node_exporter, for symmetry).
 *
 * Why fixed: a package creates its user with the next free system id (adduser --system /
 * useradd -r), which depends on what was installed before it; a replacement VM built from a newer
 * image can hand out another number, and the data disk's files (owned by number) then belong to
 * nobody the service runs as. The vendor packages create their account only when it is missing
 * (wazuh-manager preinst: `getent passwd ${USER} || adduser --system ...`, wazuh/wazuh
 * packages/debs/SPECS/wazuh-manager/debian/preinst at 4.14.8; wazuh-indexer preinst: `getent
 * passwd wazuh-indexer || useradd -r ...`, wazuh/wazuh-indexer distribution/packages/src/deb/debian/preinst),
 * so creating it first with a fixed id is honoured.
 *
 * Why 851-856: inside the system range (SYS_UID_MIN 100 .. SYS_UID_MAX 999, login.defs), away
 * from both ends the allocators use on Ubuntu (adduser counts up from 100, useradd -r down from
 * 999); ensure_service_account refuses, with a message, an id that is already taken.
 */
export const SERVICE_ACCOUNTS = {
    nodeExporter: { name: "node_exporter", id: 851, home: "/nonexistent" },
    jenkins: { name: "jenkins", id: 852, home: "/var/lib/jenkins" },
    vault: { name: "vault", id: 853, home: "/etc/vault.d" },
    wazuh: { name: "wazuh", id: 854, home: "/var/ossec" },
    wazuhIndexer: { name: "wazuh-indexer", id: 855, home: "/usr/share/wazuh-indexer" },
    wazuhDashboard: { name: "wazuh-dashboard", id: 856, home: "/usr/share/wazuh-dashboard" },
} as const satisfies Record<string, ServiceAccount>;

export const ensureAccountCommand = (a: ServiceAccount): string => `ensure_service_account ${shq(a.name)} ${a.id} ${shq(a.home)}`;

// ---------------------------------------------------------------------------------------------
// Operations settings on the VM (from the TLS bundle: types.ts BootstrapOperations)
// ---------------------------------------------------------------------------------------------

/** Where 30-tls leaves the bundle's `operations` object (public: names, public keys, schedules). */
export const OPERATIONS_FILE = "/etc/platform-bootstrap/operations.json";

/**
 * The cloud's default login user, whose key the cloud itself installs (cloud-init writes it into
 * `~/.ssh/authorized_keys`): AWS `ubuntu` (Canonical AMIs), Azure the `adminUsername` the
 * platform sets (components/azure/vm.ts AZURE_SSH_USER). GCP has none: OS Login resolves keys
 * through AuthorizedKeysCommand (google_authorized_keys), which this file does not touch.
 */
export const DEFAULT_SSH_USER: { readonly [C in Cloud]: string | undefined } = { aws: "ubuntu", azure: "azureuser", gcp: undefined };

/** Root-owned authorized keys, one file per account: a user cannot add keys for themselves. */
export const AUTHORIZED_KEYS_DIR = "/etc/ssh/authorized_keys";

/**
 * Minutes after the window's start each role reboots: never two at once, Vault first (it
 * auto-unseals in seconds), the Wazuh manager before the agents' hosts, the bastion last.
 */
export const REBOOT_OFFSET_MINUTES: { readonly [R in BootstrapRole]: number } = { vault: 0, wazuh: 20, jenkins: 40, bastion: 60 };

/**
 * 35-operations: applies the bundle's operations to this VM (at boot and daily after the
 * certificate refresh): named accounts with root-owned keys, sudo on tool VMs, the cloud's shared
 * default user restricted, the reboot window. Everything is validated on the VM too: a bundle
 * with one bad entry changes nothing.
 */
export function operationsStep(role: BootstrapRole, cloud: Cloud): string {
    const defaultUser = DEFAULT_SSH_USER[cloud];
    const isBastion = role === "bastion";
    return `${scriptHeader("Named operator accounts, their keys and sudo; the shared default user restricted; the reboot window.")}
readonly OPS=${shq(OPERATIONS_FILE)}
readonly KEYS_DIR=${shq(AUTHORIZED_KEYS_DIR)}
readonly DEFAULT_USER=${shq(defaultUser ?? "")}
readonly ROLE_OFFSET_MINUTES=${REBOOT_OFFSET_MINUTES[role]}

jq -e '.operators | type == "array"' "$OPS" >/dev/null || die "\${OPS} has no operators list (the TLS bundle's .operations)"

# Validate every entry before changing anything.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
jq -r '.operators[] | [.name, (if .sudo then "1" else "0" end), (.sshPublicKeys | length | tostring)] | @tsv' "$OPS" >"\${work}/users.tsv"
jq -r '.operators[] | .name as $n | .sshPublicKeys[] | [$n, .] | @tsv' "$OPS" >"\${work}/keys.tsv"
while IFS=$'\\t' read -r name _ count; do
  [[ "$name" =~ ^[a-z_][a-z0-9_-]{0,31}$ ]] || die "operator name \${name} is not a valid login name"
  if [ "$name" = "$DEFAULT_USER" ] || [ "$name" = root ]; then die "operator name \${name} is reserved"; fi
  [ "$count" -ge 1 ] || die "operator \${name} has no SSH key"
  if getent passwd "$name" >/dev/null && [ "$(getent passwd "$name" | cut -d: -f3)" -lt 1000 ]; then
    die "operator name \${name} is a system account on this VM"
  fi
done <"\${work}/users.tsv"
while IFS=$'\\t' read -r name key; do
  [[ "$key" =~ ^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-rsa|sk-ssh-ed25519@openssh\\.com|sk-ecdsa-sha2-nistp256@openssh\\.com)\\ [A-Za-z0-9+/]+=*(\\ [[:print:]]*)?$ ]] ||
    die "operator \${name} has a key that is not an OpenSSH public key line"
  printf '%s\\n' "$key" >>"\${work}/\${name}.keys"
done <"\${work}/keys.tsv"

install -d -m 0755 -o root -g root "$KEYS_DIR"
changed=""
configured=" "
sudoers="\${work}/sudoers"
: >"$sudoers"
while IFS=$'\\t' read -r name sudo _; do
  configured+="\${name} "
  if ! id -u "$name" >/dev/null 2>&1; then
    useradd --create-home --user-group --shell /bin/bash "$name"
    log "operator account \${name} created"
  fi
  # A locked password: keys only (sshd with UsePAM yes accepts key logins of such accounts).
  usermod --expiredate '' --lock "$name" >/dev/null
  changed+="$(install_changed "\${work}/\${name}.keys" "\${KEYS_DIR}/\${name}" 0644 root root)"
${isBastion ? "  : \"$sudo\" # the bastion only forwards: no sudo for anyone" : `  if [ "$sudo" = 1 ]; then printf '%s ALL=(ALL) NOPASSWD:ALL\\n' "$name" >>"$sudoers"; fi`}
done <"\${work}/users.tsv"

# Removed operators: keys gone, account locked and expired (their files stay for the audit trail).
for f in "$KEYS_DIR"/*; do
  [ -e "$f" ] || continue
  name="$(basename "$f")"
  if [ "$name" != "$DEFAULT_USER" ] && [[ "$configured" != *" \${name} "* ]]; then
    rm -f "$f"
    usermod --lock --expiredate 1 "$name" >/dev/null 2>&1 || true
    log "operator \${name} removed: keys deleted, account locked"
    changed=1
  fi
done

# The shared key the cloud installed for its default user. With named operators it may only
# ${isBastion ? "forward (automation's tunnels: restrict,port-forwarding; no shell, no command)" : "not log in here at all (people use their own accounts)"}.
if [ -n "$DEFAULT_USER" ] && home="$(getent passwd "$DEFAULT_USER" | cut -d: -f6)" && [ -s "\${home}/.ssh/authorized_keys" ]; then
  if [ -s "\${work}/users.tsv" ]; then
${
    isBastion
        ? `    grep -E '^(ssh|ecdsa|sk-)' "\${home}/.ssh/authorized_keys" | sed 's/^/restrict,port-forwarding /' >"\${work}/default.keys" || true`
        : `    : >"\${work}/default.keys"`
}
  else
    cp "\${home}/.ssh/authorized_keys" "\${work}/default.keys"
  fi
  changed+="$(install_changed "\${work}/default.keys" "\${KEYS_DIR}/\${DEFAULT_USER}" 0644 root root)"
fi

if [ -s "$sudoers" ]; then
  visudo -cqf "$sudoers" || die "the operators' sudoers file does not parse"
  install_changed "$sudoers" /etc/sudoers.d/90-platform-operators 0440 root root >/dev/null
else
  rm -f /etc/sudoers.d/90-platform-operators
fi
${cloud === "aws" ? SSM_USER_LIMIT : ""}
# sshd reads keys only from the root-owned files (written above, before this takes effect).
printf '# Managed by the platform bootstrap: keys are root-owned, one file per account.\\nAuthorizedKeysFile %s/%%u\\n' "$KEYS_DIR" >"\${work}/keys.conf"
changed+="$(install_changed "\${work}/keys.conf" /etc/ssh/sshd_config.d/05-platform-authorized-keys.conf 0644 root root)"
if [ -n "$changed" ]; then
  install -d -m 0755 /run/sshd
  sshd -t
  systemctl try-reload-or-restart ssh.service
fi

# The reboot window (operations.patching), this role's offset after its start.
days="$(jq -r '.patching.rebootDays | join(",")' "$OPS")"
start="$(jq -r '.patching.rebootTime' "$OPS")"
[[ "$days" =~ ^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)(,(Mon|Tue|Wed|Thu|Fri|Sat|Sun))*$ ]] || die "patching.rebootDays \${days} is not a list of Mon..Sun"
[[ "$start" =~ ^([01][0-9]|2[0-3]):[0-5][0-9]$ ]] || die "patching.rebootTime \${start} is not HH:MM"
minutes=$(( (10#\${start%%:*} * 60 + 10#\${start##*:} + ROLE_OFFSET_MINUTES) % 1440 ))
printf -v at '%02d:%02d:00' $((minutes / 60)) $((minutes % 60))
printf '# Managed by the platform bootstrap (operations.patching, +%s min for this role).\\n[Timer]\\nOnCalendar=\\nOnCalendar=%s *-*-* %s UTC\\n' \\
  "$ROLE_OFFSET_MINUTES" "$days" "$at" >"\${work}/window.conf"
install -d -m 0755 /etc/systemd/system/platform-maintenance-reboot.timer.d
window="$(install_changed "\${work}/window.conf" /etc/systemd/system/platform-maintenance-reboot.timer.d/10-window.conf 0644 root root)"
systemctl daemon-reload
service_converge platform-maintenance-reboot.timer "$window"
log "operators: $(cut -f1 "\${work}/users.tsv" | tr '\\n' ' '); reboot window \${days} \${at} UTC"
`;
}

/**
 * Session Manager's ssm-user: the agent creates it on the first session and, only when it creates
 * it, adds it to /etc/sudoers.d/ssm-agent-users (amazon-ssm-agent 2.3.634.0 release notes: "Remove
 * sudoers file creation logic if ssm-user already exists"). Created here first, without sudo,
 * and the file removed if an earlier session left it: a shell session is then an unprivileged,
 * audited one (auditd key unattributed-session); people use their own accounts through SSH.
 */
const SSM_USER_LIMIT = `
# Session Manager shells run as ssm-user: unprivileged (no sudoers entry), audited by auditd.
id -u ssm-user >/dev/null 2>&1 || useradd --create-home --shell /bin/bash ssm-user
rm -f /etc/sudoers.d/ssm-agent-users
`;

// ---------------------------------------------------------------------------------------------
// sshd, PAM and auditd: what an operator does is recorded and shipped to Wazuh
// ---------------------------------------------------------------------------------------------

/**
 * OpenSSH logs a forwarding's target only at debug level (serverloop.c
 * server_request_direct_tcpip: `debug_f("originator %s port %u, target %s port %u")`, V_9_6_P1,
 * Ubuntu 24.04's OpenSSH 9.6). LogVerbose (sshd_config(5), OpenSSH 8.5+) forces exactly those
 * lines out at any LogLevel: the tag is `file:function():line`, so this names the two functions
 * that open forwarded channels and nothing else. The monitor writes them with its pid, the same
 * as its "Accepted publickey for <user>" line: target and person are joined by that pid.
 */
export const SSHD_FORWARD_LOGGING = "LogVerbose serverloop.c:server_request_direct_tcpip():*,serverloop.c:server_request_direct_streamlocal():*";

/**
 * pam_tty_audit (pam_tty_audit(8)): the keystrokes of every SSH session (echo-off input such as
 * passwords excluded: no log_passwd) become TTY audit records in /var/log/audit/audit.log, which
 * the Wazuh agent ships. `enable=*` covers every account, the default user and root shells too.
 */
export const PAM_TTY_AUDIT_LINE = "session required pam_tty_audit.so enable=*";

export const PAM_TTY_AUDIT_COMMANDS = `# Session recording: every SSH session's TTY input goes to the audit log (pam_tty_audit).
grep -qxF ${shq(PAM_TTY_AUDIT_LINE)} /etc/pam.d/sshd || printf '%s\\n' ${shq(PAM_TTY_AUDIT_LINE)} >>/etc/pam.d/sshd
`;

// ---------------------------------------------------------------------------------------------
// The maintenance reboot window
// ---------------------------------------------------------------------------------------------

/** unattended-upgrades installs; it never reboots by itself (the window decides). */
export const UNATTENDED_REBOOT_CONF = `// Managed by the platform bootstrap: security updates install daily; a reboot they need happens
// in the maintenance window (platform-maintenance-reboot.timer), never at a time of their own.
Unattended-Upgrade::Automatic-Reboot "false";
`;

export const MAINTENANCE_REBOOT_SCRIPT = `${scriptHeader("Reboots in the maintenance window when an update asked for it (/run/reboot-required).")}
if [ ! -e /run/reboot-required ]; then
  exit 0
fi
exec 9>${BOOTSTRAP_STATE_DIR}/lock
if ! flock -n 9; then
  log "a bootstrap run holds the lock: no reboot in this window"
  exit 0
fi
pkgs="$(tr '\\n' ' ' </run/reboot-required.pkgs 2>/dev/null || true)"
log "rebooting in the maintenance window for: \${pkgs:-updates}"
logger -t platform-maintenance -p user.notice "reboot in the maintenance window for: \${pkgs:-updates}"
systemctl reboot
`;

export const MAINTENANCE_REBOOT_UNITS = {
    service: `[Unit]
Description=Reboot in the maintenance window if updates need it (components/bootstrap)

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/platform-maintenance-reboot
`,
    // The real schedule is the drop-in 35-operations writes (10-window.conf); without it, never.
    timer: `[Unit]
Description=Maintenance reboot window (schedule: platform-maintenance-reboot.timer.d/10-window.conf)

[Timer]
OnCalendar=
Persistent=false

[Install]
WantedBy=timers.target
`,
};

// ---------------------------------------------------------------------------------------------
// Health for the operator: textfile metrics node_exporter serves, scraped by Prometheus
// ---------------------------------------------------------------------------------------------

export const HEALTH_PROM = `${NODE_EXPORTER_TEXTFILE_DIR}/platform_health.prom`;

/** The per-role parts of platform-health (each prints Prometheus text on stdout). */
function healthRoleChecks(role: BootstrapRole): string {
    const agent = role === "wazuh" ? "" : WAZUH_AGENT_HEALTH;
    return role === "vault" ? VAULT_HEALTH + agent : agent;
}

const WAZUH_AGENT_HEALTH = `
# The Wazuh agent's link to the manager (wazuh-agentd.state: status='connected').
echo '# TYPE platform_wazuh_agent_connected gauge'
if grep -qx "status='connected'" /var/ossec/var/run/wazuh-agentd.state 2>/dev/null; then connected=1; else connected=0; fi
echo "platform_wazuh_agent_connected \${connected}"
`;

const VAULT_HEALTH = `
# Vault's seal state as its own CLI reports it: exit 0 unsealed, 2 sealed, 1 unreachable.
export VAULT_ADDR=https://127.0.0.1:${PORTS.vaultApi}
export VAULT_CACERT=/etc/platform-tls/ca.crt
rc=0
status="$(vault status -format=json 2>/dev/null)" || rc=$?
up=0; initialized=0; sealed=1
if [ "$rc" -eq 0 ] || [ "$rc" -eq 2 ]; then
  up=1
  [ "$(jq -r '.initialized' <<<"$status")" = true ] && initialized=1
  [ "$(jq -r '.sealed' <<<"$status")" = false ] && sealed=0
fi
echo '# TYPE platform_vault_up gauge'
echo "platform_vault_up \${up}"
echo '# TYPE platform_vault_initialized gauge'
echo "platform_vault_initialized \${initialized}"
echo '# TYPE platform_vault_sealed gauge'
echo "platform_vault_sealed \${sealed}"
# The Prometheus metrics token (platform-vault setup) is periodic: renewed here, well inside its period.
if [ -s "$METRICS_TOKEN_FILE" ] && [ "$up" = 1 ] && [ "$sealed" = 0 ]; then
  renewed=0
  VAULT_TOKEN="$(cat "$METRICS_TOKEN_FILE")" vault token renew >/dev/null 2>&1 && renewed=1
  echo '# TYPE platform_vault_metrics_token_renewed gauge'
  echo "platform_vault_metrics_token_renewed \${renewed}"
fi
`;

/** Where `platform-vault setup` keeps the metrics token: on the data disk (survives a replacement), root only. */
export const VAULT_METRICS_TOKEN_FILE = "/opt/vault/data/platform/metrics-token";

export function healthScript(role: BootstrapRole): string {
    return `#!/bin/bash
# Health of this ${role} VM as Prometheus metrics (node_exporter's textfile collector), every minute.
# Rendered by components/bootstrap. Never fails: what it finds is the output.
set -uo pipefail
# shellcheck source=lib.sh
. ${BOOTSTRAP_LIB}
readonly OUT=${shq(HEALTH_PROM)}
# shellcheck disable=SC2034 # read by the Vault part
readonly METRICS_TOKEN_FILE=${shq(VAULT_METRICS_TOKEN_FILE)}

collect() {
  echo '# TYPE platform_systemd_units_failed gauge'
  local failed
  failed="$(systemctl list-units --state=failed --plain --no-legend 2>/dev/null | awk '{ print $1 }')"
  echo "platform_systemd_units_failed $(grep -c . <<<"$failed")"
  echo '# TYPE platform_systemd_unit_failed gauge'
  while IFS= read -r unit; do
    [ -n "$unit" ] && echo "platform_systemd_unit_failed{unit=\\"\${unit}\\"} 1"
  done <<<"$failed"
  echo '# TYPE platform_reboot_required gauge'
  if [ -e /run/reboot-required ]; then
    echo "platform_reboot_required 1"
    echo '# TYPE platform_reboot_required_since_timestamp_seconds gauge'
    echo "platform_reboot_required_since_timestamp_seconds $(date -r /run/reboot-required +%s)"
  else
    echo "platform_reboot_required 0"
  fi
${healthRoleChecks(role)}}

install -d -m 0755 ${NODE_EXPORTER_TEXTFILE_DIR}
collect >"\${OUT}.tmp"
mv -f "\${OUT}.tmp" "$OUT"
`;
}

export const HEALTH_UNITS = {
    service: `[Unit]
Description=Platform health metrics for node_exporter (components/bootstrap)

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/platform-health
`,
    timer: `[Unit]
Description=Platform health metrics, every minute

[Timer]
OnBootSec=2min
OnUnitActiveSec=1min
AccuracySec=10s

[Install]
WantedBy=timers.target
`,
};

// ---------------------------------------------------------------------------------------------
// Weekday type guard (config edge and tests)
// ---------------------------------------------------------------------------------------------

export function isWeekday(v: unknown): v is Weekday {
    return typeof v === "string" && ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].includes(v);
}

// ---------------------------------------------------------------------------------------------
// Vault: the operator's commands, the audit device, the snapshot job's metrics
// ---------------------------------------------------------------------------------------------

/** Vault's file audit device writes here (the Wazuh agent ships it; logrotate + SIGHUP rotate it). */
export const VAULT_AUDIT_LOG = "/var/log/vault/audit.log";

/**
 * Rotation of the audit log: "Sending a SIGHUP to the Vault process will cause file audit
 * devices to close and re-open their underlying file" (developer.hashicorp.com/vault/docs/audit/file);
 * the package unit's ExecReload sends it. A full disk blocks Vault (every request must be audited),
 * so the size is capped besides the daily rotation, and the disk-usage alert watches `/`.
 */
export const VAULT_AUDIT_LOGROTATE = `# Managed by the platform bootstrap: Vault's file audit device (SIGHUP reopens it).
${VAULT_AUDIT_LOG} {
  daily
  maxsize 500M
  rotate 14
  compress
  delaycompress
  missingok
  notifempty
  create 0600 vault vault
  postrotate
    systemctl reload vault.service >/dev/null 2>&1 || true
  endscript
}
`;

/** The snapshot job's own metrics (written on every run, success or not). */
export const VAULT_SNAPSHOT_PROM = `${NODE_EXPORTER_TEXTFILE_DIR}/vault_snapshot.prom`;

/** The JENKINS_HOME archive job's own metrics (written on every run, success or not). */
export const JENKINS_BACKUP_PROM = `${NODE_EXPORTER_TEXTFILE_DIR}/jenkins_backup.prom`;

/**
 * `platform-vault`: the documented Vault operations, runnable as the login user (status, init) or
 * with sudo (setup, metrics-token). It sets VAULT_ADDR / VAULT_CACERT itself, so neither a shell
 * without /etc/profile.d nor sudo's env_reset can lose them. No secret is ever an argument: the
 * root token is read from stdin (or a silent prompt) and only exported to the vault CLI's
 * environment.
 */
export function platformVaultScript(params: { readonly snapshotAuthMount: string; readonly snapshotAuthRole: string; readonly clientIdArg: string }): string {
    return `${scriptHeader("platform-vault: Vault operations on this VM (README, Operations). Usage: platform-vault status|init KEYFILE...|setup|metrics-token")}
export VAULT_ADDR=https://127.0.0.1:${PORTS.vaultApi}
export VAULT_CACERT=/etc/platform-tls/ca.crt
readonly OPS=${shq(OPERATIONS_FILE)}
readonly AUDIT_LOG=${shq(VAULT_AUDIT_LOG)}
readonly METRICS_TOKEN_FILE=${shq(VAULT_METRICS_TOKEN_FILE)}
readonly SNAPSHOT_MOUNT=${shq(params.snapshotAuthMount)}
readonly SNAPSHOT_ROLE=${shq(params.snapshotAuthRole)}

usage() { echo "usage: platform-vault status | init KEY.asc... | setup | metrics-token | restore SNAPSHOT (README, Operations)" >&2; }

# seal_state: initialized/sealed of this node, or die when Vault does not answer.
seal_state() {
  local rc=0 status
  status="$(vault status -format=json)" || rc=$?
  [ "$rc" -eq 0 ] || [ "$rc" -eq 2 ] || die "vault status failed (exit \${rc}): is vault.service running?"
  printf '%s' "$status"
}

cmd_init() {
  local shares threshold want f fpr found n=0 files=()
  shares="$(jq -er '.vaultRecovery.shares' "$OPS")" || die "\${OPS} has no vaultRecovery.shares"
  threshold="$(jq -er '.vaultRecovery.threshold' "$OPS")" || die "\${OPS} has no vaultRecovery.threshold"
  mapfile -t wanted < <(jq -r '.vaultRecovery.pgpFingerprints[]' "$OPS")
  [ "\${#wanted[@]}" -eq "$shares" ] || die "the configuration lists \${#wanted[@]} operator keys for \${shares} recovery shares"
  [ "$#" -eq "$shares" ] || die "give exactly \${shares} public key files, one per configured operator key (\${wanted[*]}); got $#"
  [ "$(seal_state | jq -r '.initialized')" = false ] || die "Vault is already initialised"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  # Each configured fingerprint must be matched by exactly one file; the order is the configured
  # one (the first key also receives the root token).
  for want in "\${wanted[@]}"; do
    found=""
    for f in "$@"; do
      [ -r "$f" ] || die "cannot read \${f}"
      fpr="$(keyring_fingerprints "$f")"
      [ "$(grep -c . <<<"$fpr")" -eq 1 ] || die "\${f} must hold exactly one OpenPGP public key"
      if [ "$fpr" = "$want" ]; then
        [ -z "$found" ] || die "two files hold the key \${want}"
        found="$f"
      fi
    done
    [ -n "$found" ] || die "no file holds the configured operator key \${want} (stack config operations.vault.pgpFingerprints)"
    n=$((n + 1))
    cp "$found" "\${work}/operator-\${n}.key"
    files+=("\${work}/operator-\${n}.key")
  done
  vault operator init -format=json -recovery-shares="$shares" -recovery-threshold="$threshold" \\
    -recovery-pgp-keys="$(IFS=,; printf '%s' "\${files[*]}")" -root-token-pgp-key="\${files[0]}" >"\${work}/init.json"
  jq -e --argjson n "$shares" '(.recovery_keys_b64 | length) == $n and (.root_token | length) > 0' "\${work}/init.json" >/dev/null ||
    die "vault operator init did not return \${shares} encrypted recovery keys and an encrypted root token"
  # Everything printed is PGP-encrypted: recovery key i to operator key i, the root token to the first.
  jq --argjson fprs "$(printf '%s\\n' "\${wanted[@]}" | jq -R . | jq -s .)" \\
    '{recovery_keys: [.recovery_keys_b64, $fprs] | transpose | map({operator_key: .[1], encrypted_b64: .[0]}), root_token: {operator_key: $fprs[0], encrypted_b64: .root_token}, recovery_threshold: .recovery_threshold}' \\
    "\${work}/init.json"
  log "Vault initialised: \${shares} recovery keys (threshold \${threshold}) each encrypted to one operator key; the root token to \${wanted[0]}. Next: sudo platform-vault setup"
}

read_token() {
  local token
  if [ -t 0 ]; then
    read -r -s -p "$1: " token
    echo >&2
  else
    IFS= read -r token || true
  fi
  [ -n "$token" ] || die "no token given on stdin"
  printf '%s' "$token"
}

issue_metrics_token() {
  local token
  vault write auth/token/roles/prometheus-metrics allowed_policies=prometheus-metrics orphan=true renewable=true token_period=768h token_no_default_policy=true >/dev/null
  local created
  created="$(vault token create -role=prometheus-metrics -format=json)" || die "could not create the metrics token"
  token="$(jq -er '.auth.client_token' <<<"$created")" || die "could not create the metrics token"
  install -d -m 0700 -o root -g root "$(dirname "$METRICS_TOKEN_FILE")"
  (umask 077 && printf '%s\\n' "$token" >"\${METRICS_TOKEN_FILE}.tmp")
  mv -f "\${METRICS_TOKEN_FILE}.tmp" "$METRICS_TOKEN_FILE"
  # The accessor (not a credential: it cannot authenticate) lets the next rotation revoke this one.
  jq -er '.auth.accessor' <<<"$created" >"\${METRICS_TOKEN_FILE}.accessor"
  log "metrics token stored in \${METRICS_TOKEN_FILE} (renewed daily by platform-health); give it to Prometheus: ssh <this vm> sudo cat \${METRICS_TOKEN_FILE} | (cd incluster && pulumi config set --secret vaultMetricsToken)"
}

cmd_setup() {
  [ "$(id -u)" = 0 ] || die "run it with sudo: it stores the metrics token on the data disk"
  local state
  state="$(seal_state)"
  [ "$(jq -r '.initialized' <<<"$state")" = true ] || die "Vault is not initialised: run platform-vault init first"
  [ "$(jq -r '.sealed' <<<"$state")" = false ] || die "Vault is sealed: check the KMS seal"
  VAULT_TOKEN="$(read_token "Root token (decrypted)")"
  export VAULT_TOKEN
  vault token lookup >/dev/null || die "that token is not valid"
  # 1. The audit device first: every later request is recorded (developer.hashicorp.com/vault/docs/audit/file).
  if ! vault audit list -format=json 2>/dev/null | jq -e 'has("file/")' >/dev/null; then
    install -d -m 0750 -o vault -g vault "$(dirname "$AUDIT_LOG")"
    vault audit enable file file_path="$AUDIT_LOG" mode=0600 >/dev/null
    log "audit device file/ writes \${AUDIT_LOG} (shipped to Wazuh)"
  fi
  # 2. The snapshot job's login: this VM's identity, one policy, 15-minute tokens.
  printf '%s\\n' 'path "sys/storage/raft/snapshot" { capabilities = ["read"] }' | vault policy write raft-snapshot - >/dev/null
  vault_bind_snapshot_role "$SNAPSHOT_MOUNT" "$SNAPSHOT_ROLE" raft-snapshot${params.clientIdArg}
  # 3. Prometheus: a periodic token that may read sys/metrics and renew itself, nothing else.
  printf '%s\\n' 'path "sys/metrics" { capabilities = ["read"] }' 'path "auth/token/renew-self" { capabilities = ["update"] }' |
    vault policy write prometheus-metrics - >/dev/null
  issue_metrics_token
  # 4. The root token goes: later root access is a deliberate recovery (vault operator generate-root).
  vault token revoke -self >/dev/null
  unset VAULT_TOKEN
  log "setup done; the root token is revoked"
}

cmd_metrics_token() {
  [ "$(id -u)" = 0 ] || die "run it with sudo: it stores the metrics token on the data disk"
  local old=""
  VAULT_TOKEN="$(read_token "Token allowed to create prometheus-metrics tokens")"
  export VAULT_TOKEN
  [ -s "\${METRICS_TOKEN_FILE}.accessor" ] && old="$(cat "\${METRICS_TOKEN_FILE}.accessor")"
  issue_metrics_token
  if [ -n "$old" ]; then
    vault token revoke -accessor "$old" >/dev/null 2>&1 || log "the previous metrics token was already gone"
  fi
  unset VAULT_TOKEN
}

# Restore a raft snapshot (fetched from the backup bucket with the operator's own credentials: this
# VM may only create objects there). A token allowed to restore on stdin; Vault must be unsealed.
cmd_restore() {
  local snapshot="\${1:-}"
  [ -s "$snapshot" ] || die "give the snapshot file to restore (downloaded from the backup bucket)"
  [ "$(seal_state | jq -r '.sealed')" = false ] || die "Vault is sealed or not initialised: a restore needs it unsealed"
  VAULT_TOKEN="$(read_token "Token allowed to restore (sys/storage/raft/snapshot)")"
  export VAULT_TOKEN
  vault operator raft snapshot restore "$snapshot"
  unset VAULT_TOKEN
  log "restored raft snapshot \${snapshot##*/}"
}

case "\${1:-}" in
  status) shift; vault status "$@" ;;
  restore) shift; cmd_restore "$@" ;;
  init) shift; cmd_init "$@" ;;
  setup) cmd_setup ;;
  metrics-token) cmd_metrics_token ;;
  *) usage; exit 2 ;;
esac
`;
}
