/**
 * Shell building blocks: quoting, the shared helper library, and the per-cloud functions that
 * reach the secret store, object storage and Vault's cloud auth method WITH THE VM IDENTITY.
 *
 * Every script is bash, `set -euo pipefail`, checked by shellcheck and EXECUTED against recording
 * stubs in tests/bootstrap (harness/). Tokens obtained from the metadata services are kept in
 * shell variables and handed to curl through a config on stdin (`curl -K -`), so they never
 * appear in a process list or a log.
 *
 * Retried helpers are written so that their exit status is their last command's (or an explicit
 * `|| return 1`): inside `until`, bash ignores `set -e`, so a failing middle command would
 * otherwise go unnoticed.
 */
import { APT_LOCK_TIMEOUT_SECONDS, RETRY_POLICIES, RetryPolicy } from "./timing";
import type { BackupTarget, BootstrapRole, Cloud, SecretRef } from "./types";

/** Paths on the VM. */
export const BOOTSTRAP_LIB_DIR = "/usr/local/lib/platform-bootstrap";
export const BOOTSTRAP_LIB = `${BOOTSTRAP_LIB_DIR}/lib.sh`;
export const BOOTSTRAP_RUNNER = "/usr/local/sbin/platform-bootstrap";
export const BOOTSTRAP_STAGING_DIR = "/etc/platform-bootstrap";
/** What the runner leaves for operators and alerting (see README.md, "Status"). */
export const BOOTSTRAP_STATE_DIR = "/var/lib/platform-bootstrap";
export const BOOTSTRAP_LOG = "/var/log/platform-bootstrap.log";
/** node_exporter's textfile collector directory: the runner's metrics land there. */
export const NODE_EXPORTER_TEXTFILE_DIR = "/var/lib/node_exporter/textfile";

/** Single-quotes a value for bash. Values are validated already; this is defence in depth. */
export function shq(value: string | number): string {
    return `'${String(value).replace(/'/g, `'"'"'`)}'`;
}

/** The preamble of every script: strict mode and the helper library. */
export function scriptHeader(description: string): string {
    return `#!/bin/bash
# ${description}
# Rendered by components/bootstrap; runs as root. Idempotent: safe to run again.
set -euo pipefail
shopt -s inherit_errexit
# shellcheck source=lib.sh
. ${BOOTSTRAP_LIB}
`;
}

const policy = (p: RetryPolicy): string => `${p.attempts} ${p.firstDelaySeconds} ${p.maxDelaySeconds}`;

const COMMON_LIB = `
# log MESSAGE: to stderr (cloud-init-output.log, the journal) and, when the runner set
# PLATFORM_BOOTSTRAP_LOG, to that file (read by the Wazuh agent).
log() {
  local line
  TZ=UTC printf -v line '%(%Y-%m-%dT%H:%M:%SZ)T %s platform-bootstrap%s: %s' -1 "\${HOSTNAME:-localhost}" "\${PLATFORM_BOOTSTRAP_STEP:+[\${PLATFORM_BOOTSTRAP_STEP}]}" "$*"
  printf '%s\\n' "$line" >&2
  if [ -n "\${PLATFORM_BOOTSTRAP_LOG:-}" ]; then
    printf '%s\\n' "$line" >>"$PLATFORM_BOOTSTRAP_LOG" || true
  fi
}
die() { log "ERROR: $*"; exit 1; }

# retry_backoff ATTEMPTS FIRST_DELAY MAX_DELAY CMD...: runs CMD until it succeeds, at most
# ATTEMPTS times, pausing FIRST_DELAY seconds, then twice as long each time, capped at MAX_DELAY.
# The policies and their reasons: components/bootstrap/timing.ts.
retry_backoff() {
  local attempts="$1" delay="$2" max="$3" n=1
  shift 3
  until "$@"; do
    if [ "$n" -ge "$attempts" ]; then
      log "giving up after \${n} attempts: $1"
      return 1
    fi
    log "attempt \${n}/\${attempts} of $1 failed; next in \${delay}s"
    sleep "$delay"
    n=$((n + 1))
    delay=$((delay * 2 > max ? max : delay * 2))
  done
}
# Secret reads: the VM identity's grant may still be propagating (up to 10 min on Azure).
retry_secret() { retry_backoff ${policy(RETRY_POLICIES.secret)} "$@"; }
# Mirrors, repositories, downloads: the VM may boot before its egress path exists.
retry_net() { retry_backoff ${policy(RETRY_POLICIES.network)} "$@"; }

# apt, waiting for the dpkg lock (apt-daily-upgrade may hold it on a first boot) instead of failing.
apt_get() {
  DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=${APT_LOCK_TIMEOUT_SECONDS} \\
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@"
}

# pkg_installed NAME[=VERSION]: the package is installed (at exactly VERSION when given).
pkg_installed() {
  local name="\${1%%=*}" want="" have
  if [ "$name" != "$1" ]; then want="\${1#*=}"; fi
  have="$(dpkg-query -W -f='\${Status} \${Version}' "$name" 2>/dev/null)" || return 1
  case "$have" in
    "install ok installed "*) ;;
    *) return 1 ;;
  esac
  [ -z "$want" ] || [ "\${have##* }" = "$want" ]
}

# apt_ensure PKG[=VERSION]...: installs only what is missing (a second run installs nothing);
# refreshes the package lists once per step, and only when something is missing.
APT_LISTS_FRESH=""
apt_ensure() {
  local missing=() p
  for p in "$@"; do
    pkg_installed "$p" || missing+=("$p")
  done
  if [ "\${#missing[@]}" -eq 0 ]; then
    return 0
  fi
  if [ -z "$APT_LISTS_FRESH" ]; then
    retry_net apt_get update || return 1
    APT_LISTS_FRESH=1
  fi
  log "installing \${missing[*]}"
  retry_net apt_get install "\${missing[@]}"
}

# fetch URL FILE: HTTPS only, TLS 1.2+, retried.
fetch() { retry_net curl -fsSL --proto '=https' --tlsv1.2 -o "$2" "$1"; }

# keyring_fingerprints FILE: the primary key fingerprints in an OpenPGP key file or keyring.
keyring_fingerprints() {
  local home
  home="$(mktemp -d)"
  GNUPGHOME="$home" gpg --batch --with-colons --show-keys "$1" |
    awk -F: '$1 == "pub" { want = 1; next } $1 == "fpr" && want { print $10; want = 0 }'
  rm -rf "$home"
}

# add_signed_apt_repo NAME KEY_URL FINGERPRINT URL SUITE [COMPONENTS]
# Trust-on-pin: the downloaded key must contain exactly one primary key, with the pinned
# fingerprint; only then is it installed and referenced with signed-by (never apt-key). A
# keyring already holding exactly that key is kept (no download on a second run).
add_signed_apt_repo() {
  local name="$1" key_url="$2" fingerprint="$3" url="$4" suite="$5" components="\${6:-}"
  local keyring="/etc/apt/keyrings/\${name}.gpg" work actual codename
  install -d -m 0755 /etc/apt/keyrings
  if [ ! -s "$keyring" ] || [ "$(keyring_fingerprints "$keyring")" != "$fingerprint" ]; then
    work="$(mktemp -d)"
    fetch "$key_url" "\${work}/key.asc" || { rm -rf "$work"; return 1; }
    actual="$(keyring_fingerprints "\${work}/key.asc")"
    if [ "$actual" != "$fingerprint" ]; then
      rm -rf "$work"
      die "key \${key_url} has fingerprint(s) [\${actual}], expected exactly \${fingerprint}"
    fi
    GNUPGHOME="$work" gpg --batch --yes --dearmor -o "$keyring" "\${work}/key.asc"
    chmod 0644 "$keyring"
    rm -rf "$work"
    APT_LISTS_FRESH=""
  fi
  codename="$(awk -F= '$1 == "VERSION_CODENAME" { print $2 }' /etc/os-release)"
  suite="\${suite//@CODENAME@/$codename}"
  printf 'deb [signed-by=%s] %s %s %s\\n' "$keyring" "$url" "$suite" "$components" \\
    >"/etc/apt/sources.list.d/\${name}.list"
}

primary_ipv4() { hostname -I | awk '{ print $1 }'; }

# curl_bearer TOKEN CURL_ARGS...: the token goes through stdin, never argv.
curl_bearer() {
  local token="$1"
  shift
  printf 'header = "Authorization: Bearer %s"\\n' "$token" | curl -K - "$@"
}

urlencode() { jq -rn --arg v "$1" '$v | @uri'; }

# secret_shape_ok KIND FILE: FILE holds one secret of that shape and nothing else, so a tool
# that prints on stdout during the read (snap's "aws-cli ... installed", a CLI's upgrade notice)
# can never end up in a secret file. line: one line of printable characters without blanks (a
# password; Wazuh reads only the first line of authd.pass); json: one JSON object.
secret_shape_ok() {
  case "$1" in
    line) [ "$(wc -l <"$2")" -le 1 ] && grep -Eqx '[[:graph:]]+' "$2" ;;
    json) jq -e 'type == "object"' "$2" >/dev/null 2>&1 ;;
    *) return 1 ;;
  esac
}

# read_secret_to_file KIND FILE CMD...: CMD's stdout into FILE, kept only when it has the shape.
read_secret_to_file() {
  local kind="$1" out="$2"
  shift 2
  "$@" >"$out" || return 1
  if ! secret_shape_ok "$kind" "$out"; then
    log "the secret read printed something that is not a single \${kind} secret (tool output on stdout?): discarded"
    : >"$out"
    return 1
  fi
}

# install_secret FILE OWNER:GROUP MODE KIND CMD...: CMD prints a secret of shape KIND (line | json);
# retried as a secret read; FILE is replaced atomically and only by a value of that shape, never
# logged, never world-readable, never passed as an argument.
install_secret() {
  local file="$1" owner="$2" mode="$3" kind="$4" tmp
  shift 4
  tmp="$(umask 077 && mktemp "\${file}.XXXXXX")"
  if ! retry_secret read_secret_to_file "$kind" "$tmp" "$@"; then
    rm -f "$tmp"
    die "could not read the secret for \${file} from the cloud secret store (is the VM identity granted?)"
  fi
  chown "$owner" "$tmp"
  chmod "$mode" "$tmp"
  mv -f "$tmp" "$file"
}

# apt_pin NAME VERSION: a vendor package installed at exactly VERSION and held (unattended-upgrades
# never moves it). An installed other version is upgraded the only way apt allows for a held
# package: unhold, install NAME=VERSION, hold again (apt-get refuses to change a held package,
# exit 100, without --allow-change-held-packages). On failure the old version stays held.
apt_pin() {
  local name="$1" version="$2" have=""
  have="$(dpkg-query -W -f='\${Status} \${Version}' "$name" 2>/dev/null)" || have=""
  case "$have" in
    "install ok installed "*) have="\${have##* }" ;;
    *) have="" ;;
  esac
  if [ -n "$have" ] && [ "$have" != "$version" ]; then
    log "upgrading \${name} \${have} -> \${version} (unhold, install, hold)"
    apt-mark unhold "$name" >/dev/null || return 1
  fi
  if ! apt_ensure "\${name}=\${version}"; then
    [ -z "$have" ] || apt-mark hold "$name" >/dev/null
    return 1
  fi
  apt-mark hold "$name" >/dev/null
}

# installed_version NAME: the installed version of a package (empty when it is not installed).
installed_version() {
  local have
  have="$(dpkg-query -W -f='\${Status} \${Version}' "$1" 2>/dev/null)" || return 0
  case "$have" in "install ok installed "*) printf '%s' "\${have##* }" ;; esac
}

# ensure_service_account NAME ID HOME: the group and the system user NAME with the fixed id ID
# (uid = gid), created before the package that would otherwise pick the next free id: files on a
# data disk keep their numeric owner, so a replaced VM must give its service the same numbers.
# Refuses (never renumbers) an existing account with another id, and an id taken by someone else.
ensure_service_account() {
  local name="$1" id="$2" home="$3" entry other
  if entry="$(getent group "$name")"; then
    [ "$(cut -d: -f3 <<<"$entry")" = "$id" ] || die "group \${name} has gid $(cut -d: -f3 <<<"$entry"), not its fixed id \${id} (components/bootstrap SERVICE_ACCOUNTS)"
  else
    other="$(getent group "$id" | cut -d: -f1)" || other=""
    [ -z "$other" ] || die "gid \${id} belongs to group \${other}: cannot create \${name} with its fixed id"
    groupadd --system --gid "$id" "$name"
  fi
  if entry="$(getent passwd "$name")"; then
    [ "$(cut -d: -f3 <<<"$entry")" = "$id" ] || die "user \${name} has uid $(cut -d: -f3 <<<"$entry"), not its fixed id \${id} (components/bootstrap SERVICE_ACCOUNTS)"
  else
    other="$(getent passwd "$id" | cut -d: -f1)" || other=""
    [ -z "$other" ] || die "uid \${id} belongs to user \${other}: cannot create \${name} with its fixed id"
    useradd --system --uid "$id" --gid "$id" --home-dir "$home" --no-create-home --shell /usr/sbin/nologin "$name"
  fi
}

#@section outcome
# report_outcome PROM METRIC WHAT DONE RC: a timer job's outcome for Prometheus (textfile
# collector): METRIC_last_run_success is 1 when RC is 0 (also when there was nothing to do yet);
# METRIC_last_success_timestamp_seconds is now when DONE is set, else kept from the last file.
# Returns RC.
report_outcome() {
  local prom="$1" m="$2" what="$3" done="$4" rc="$5" last
  last="$(awk -v k="\${m}_last_success_timestamp_seconds" '$1 == k { print $2 }' "$prom" 2>/dev/null || true)"
  if [ "$rc" -eq 0 ] && [ -n "$done" ]; then printf -v last '%(%s)T' -1; fi
  {
    echo "# HELP \${m}_last_run_success 1 when the last \${what} run succeeded (or had nothing to do yet)."
    echo "# TYPE \${m}_last_run_success gauge"
    echo "\${m}_last_run_success $([ "$rc" -eq 0 ] && echo 1 || echo 0)"
    if [ -n "$last" ]; then
      echo "# HELP \${m}_last_success_timestamp_seconds When the last \${what} succeeded."
      echo "# TYPE \${m}_last_success_timestamp_seconds gauge"
      echo "\${m}_last_success_timestamp_seconds \${last}"
    fi
  } >"\${prom}.tmp" && mv -f "\${prom}.tmp" "$prom"
  return "$rc"
}
#@end

#@section owner
# ensure_tree_owner DIR USER: everything under DIR (a data disk) belongs to USER. A marker on the
# disk remembers the owner it was set for, so the recursive chown runs once per owner change (a
# disk from before fixed ids), not on every boot.
ensure_tree_owner() {
  local dir="$1" user="$2" want marker
  want="$(id -u "$user"):$(getent group "$user" | cut -d: -f3)"
  marker="\${dir}/.platform-owner"
  if [ "$(cat "$marker" 2>/dev/null)" != "$want" ]; then
    log "setting the owner of everything under \${dir} to \${user} (\${want})"
    chown -R "\${user}:\${user}" "$dir"
    printf '%s\n' "$want" >"$marker"
    chown "\${user}:\${user}" "$marker"
  fi
}

#@end
#@section vault
# jwt_claims JWT: the claims (payload) of a JWT, as JSON.
jwt_claims() {
  local payload
  payload="$(cut -d. -f2 <<<"$1" | tr '_-' '/+')"
  while [ $((\${#payload} % 4)) -ne 0 ]; do payload="\${payload}="; done
  base64 -d <<<"$payload"
}

# vault_auth_enable MOUNT TYPE: the auth method TYPE enabled at MOUNT (once).
vault_auth_enable() {
  if ! vault auth list -format=json | jq -e --arg m "$1/" 'has($m)' >/dev/null; then
    vault auth enable -path="$1" "$2" >/dev/null
  fi
}

# vault_auth_login MOUNT PAYLOAD_JSON_ON_STDIN: prints a client token.
vault_auth_login() {
  curl -fsS --cacert "$VAULT_CACERT" --data-binary @- "\${VAULT_ADDR}/v1/auth/$1/login" |
    jq -er '.auth.client_token'
}

#@end
# --- TLS: this VM's certificate from the platform CA (30-tls.sh puts it in /etc/platform-tls) ---
PLATFORM_TLS_DIR=/etc/platform-tls
TLS_COPY_CHANGED=""
# tls_copy OWNER GROUP KEY_MODE CERT_PATH KEY_PATH: a service's own copy of the certificate and key;
# sets TLS_COPY_CHANGED=1 when either differed.
tls_copy() {
  local owner="$1" group="$2" key_mode="$3" cert="$4" key="$5"
  TLS_COPY_CHANGED=""
  if cmp -s "\${PLATFORM_TLS_DIR}/server.crt" "$cert" && cmp -s "\${PLATFORM_TLS_DIR}/server.key" "$key"; then
    return 0
  fi
  install -m 0644 -o "$owner" -g "$group" "\${PLATFORM_TLS_DIR}/server.crt" "$cert"
  install -m "$key_mode" -o "$owner" -g "$group" "\${PLATFORM_TLS_DIR}/server.key" "$key"
  TLS_COPY_CHANGED=1
}

# service_converge UNIT CHANGED [reload|restart]: enabled and running; restarted (or reloaded)
# only when its configuration CHANGED, so a second run restarts nothing.
service_converge() {
  local unit="$1" changed="$2" how="\${3:-restart}"
  systemctl enable "$unit" >/dev/null
  if ! systemctl is-active --quiet "$unit"; then
    systemctl start "$unit"
  elif [ -n "$changed" ]; then
    systemctl "$how" "$unit"
  fi
}

# config_changed NAME FILE...: prints "changed" when the FILEs differ from the last run's (always
# on the first run), so services restart only when their configuration moved.
config_changed() {
  local name="$1" stamp digest
  shift
  stamp="${BOOTSTRAP_STATE_DIR}/config-\${name}.sha256"
  digest="$(cat "$@" | sha256sum)" || return 1
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$digest" ]; then
    install -d -m 0700 "${BOOTSTRAP_STATE_DIR}"
    printf '%s\\n' "$digest" >"$stamp"
    echo changed
  fi
}

# install_changed SRC DEST MODE OWNER GROUP: installs SRC as DEST when it differs; prints
# "changed" (for service_converge) when it did.
install_changed() {
  if ! cmp -s "$1" "$2"; then
    install -m "$3" -o "$4" -g "$5" "$1" "$2" || return 1
    echo changed
  fi
}
`;

const AWS_LIB = `
# --- AWS: instance role through the default credential chain (IMDSv2) ---
# snapd's environment generator puts /snap/bin on services' PATH; say it here too.
case ":$PATH:" in
  *:/snap/bin:*) ;;
  *) PATH="$PATH:/snap/bin" ;;
esac

# The AWS CLI comes from its snap (Ubuntu 24.04 has no awscli deb). snap's progress and its
# "aws-cli ... installed" line go to stderr: callers' stdout may be a secret file.
ensure_aws_cli() {
  command -v aws >/dev/null 2>&1 || retry_net snap install aws-cli --classic >&2
}

# fetch_secret SECRET_ID REGION: prints the SecretString. The CLI install (if needed) writes
# nowhere near stdout, and jq is the only writer of what the caller captures.
fetch_secret() {
  ensure_aws_cli >&2 || return 1
  aws secretsmanager get-secret-value --region "$2" --secret-id "$1" --output json | jq -j '.SecretString // empty'
}

#@section upload
# upload_object FILE BUCKET KEY REGION KMS_KEY_ARN: SSE-KMS with the backup key, as the bucket
# policy requires (aws s3 cp: --sse aws:kms --sse-kms-key-id).
upload_object() {
  ensure_aws_cli || return 1
  aws s3 cp --only-show-errors --region "$4" --sse aws:kms --sse-kms-key-id "$5" "$1" "s3://$2/$3"
}
#@end
#@section vault

# vault_login MOUNT ROLE: Vault's aws auth (iam type), signed with the instance role; the signed
# request carries X-Vault-AWS-IAM-Server-ID (this host's name), which the mount requires
# (iam_server_id_header_value): a signed request captured elsewhere cannot be replayed against it.
vault_login() {
  vault login -token-only -method=aws -path="$1" role="$2" header_value="\${HOSTNAME}"
}

# imds_get PATH: an IMDSv2 read; the session token goes through stdin, never argv.
imds_get() {
  local token
  token="$(curl -fsS -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' http://169.254.169.254/latest/api/token)" || return 1
  printf 'header = "X-aws-ec2-metadata-token: %s"\n' "$token" | curl -K - -fsS "http://169.254.169.254/latest/$1"
}

# vault_bind_snapshot_role MOUNT ROLE POLICY: the aws auth method (iam type) lets this instance's
# role, and nothing else, log in as ROLE (developer.hashicorp.com/vault/docs/auth/aws). Vault
# resolves the role ARN to its unique id with iam:GetRole (granted on this role only).
vault_bind_snapshot_role() {
  local profile role arn
  profile="$(imds_get meta-data/iam/info | jq -er '.InstanceProfileArn')" || return 1
  role="$(imds_get meta-data/iam/security-credentials/ | head -n1)" || return 1
  [ -n "$role" ] || die "this instance has no IAM role"
  arn="\${profile%%:instance-profile/*}:role/\${role}"
  vault_auth_enable "$1" aws
  vault write "auth/$1/config/client" iam_server_id_header_value="\${HOSTNAME}" >/dev/null
  vault write "auth/$1/role/$2" auth_type=iam bound_iam_principal_arn="$arn" token_policies="$3" token_ttl=15m token_max_ttl=30m >/dev/null
  log "vault auth $1/role/$2 bound to \${arn}"
}
#@end
`;

const AZURE_LIB = `
# --- Azure: managed identity tokens from IMDS ---
# azure_token RESOURCE [CLIENT_ID]
azure_token() {
  local args=(-G -fsS -H 'Metadata: true' --data-urlencode "resource=$1" --data-urlencode 'api-version=2018-02-01')
  if [ -n "\${2:-}" ]; then
    args+=(--data-urlencode "client_id=$2")
  fi
  curl "\${args[@]}" 'http://169.254.169.254/metadata/identity/oauth2/token' | jq -er '.access_token'
}

# fetch_secret VAULT_NAME SECRET_NAME [CLIENT_ID]: prints the secret's value.
fetch_secret() {
  local token
  token="$(azure_token 'https://vault.azure.net' "\${3:-}")" || return 1
  curl_bearer "$token" -fsS "https://$1.vault.azure.net/secrets/$2?api-version=7.4" | jq -er '.value'
}

#@section upload
# upload_object FILE ACCOUNT CONTAINER BLOB_NAME [CLIENT_ID]: Put Blob (BlockBlob) with the
# managed identity; OAuth needs x-ms-version 2017-11-09 or later
# (learn.microsoft.com/rest/api/storageservices/put-blob). If-None-Match: never overwrite.
upload_object() {
  local token
  token="$(azure_token 'https://storage.azure.com/' "\${5:-}")" || return 1
  curl_bearer "$token" -fsS -X PUT -H 'x-ms-version: 2021-08-06' -H 'x-ms-blob-type: BlockBlob' \\
    -H 'If-None-Match: *' --upload-file "$1" "https://$2.blob.core.windows.net/$3/$4" >/dev/null
}
#@end
#@section vault

# vault_login MOUNT ROLE [CLIENT_ID]: Vault's azure auth with the managed identity's JWT. The role
# binds the identity's principal id (bound_service_principal_ids); no vm_name / resource group is
# sent, so Vault needs no read access to the VM (developer.hashicorp.com/vault/docs/auth/azure:
# "The role assignments are only required when the vm_name, vmss_name, or resource_id parameters
# are used on login").
vault_login() {
  local jwt
  jwt="$(azure_token 'https://management.azure.com/' "\${3:-}")" || return 1
  printf '%s' "$jwt" | jq -Rs --arg role "$2" '{role: $role, jwt: .}' | vault_auth_login "$1"
}

# vault_bind_snapshot_role MOUNT ROLE POLICY [CLIENT_ID]: the azure auth method lets this VM's
# managed identity (its principal id, from its own token's oid claim) log in as ROLE.
vault_bind_snapshot_role() {
  local jwt claims oid tid
  jwt="$(azure_token 'https://management.azure.com/' "\${4:-}")" || return 1
  claims="$(jwt_claims "$jwt")" || return 1
  oid="$(jq -er '.oid' <<<"$claims")" || die "the managed identity token has no oid claim"
  tid="$(jq -er '.tid' <<<"$claims")" || die "the managed identity token has no tid claim"
  vault_auth_enable "$1" azure
  vault write "auth/$1/config" tenant_id="$tid" resource=https://management.azure.com/ >/dev/null
  vault write "auth/$1/role/$2" bound_service_principal_ids="$oid" token_policies="$3" token_ttl=15m token_max_ttl=30m >/dev/null
  log "vault auth $1/role/$2 bound to principal \${oid}"
}
#@end
`;

const GCP_LIB = `
# --- GCP: the VM's service account through the metadata server ---
gcp_metadata() { curl -fsS -H 'Metadata-Flavor: Google' "http://metadata.google.internal/computeMetadata/v1/$1"; }
gcp_token() { gcp_metadata 'instance/service-accounts/default/token' | jq -er '.access_token'; }

# fetch_secret PROJECT SECRET VERSION: prints the secret version's payload.
fetch_secret() {
  local token
  token="$(gcp_token)" || return 1
  curl_bearer "$token" -fsS "https://secretmanager.googleapis.com/v1/projects/$1/secrets/$2/versions/$3:access" |
    jq -er '.payload.data' | base64 -d
}

#@section upload
# upload_object FILE BUCKET OBJECT_NAME: a single-request media upload
# (cloud.google.com/storage/docs/uploading-objects); ifGenerationMatch=0 creates, never
# overwrites (cloud.google.com/storage/docs/request-preconditions).
upload_object() {
  local token
  token="$(gcp_token)" || return 1
  curl_bearer "$token" -fsS -X POST -H 'Content-Type: application/octet-stream' --upload-file "$1" \\
    "https://storage.googleapis.com/upload/storage/v1/b/$2/o?uploadType=media&ifGenerationMatch=0&name=$(urlencode "$3")" >/dev/null
}
#@end
#@section vault

# vault_login MOUNT ROLE: Vault's gcp auth (gce type) with the instance identity token.
vault_login() {
  gcp_metadata "instance/service-accounts/default/identity?audience=vault/$2&format=full" |
    jq -Rs --arg role "$2" '{role: $role, jwt: .}' |
    vault_auth_login "$1"
}

# vault_bind_snapshot_role MOUNT ROLE POLICY: the gcp auth method (gce type) lets instances
# running as this VM's service account, in this project, log in as ROLE. Vault itself calls
# compute.instances.get and iam.serviceAccounts.get (granted to its account on exactly those).
vault_bind_snapshot_role() {
  local email project
  email="$(gcp_metadata instance/service-accounts/default/email)" || return 1
  project="$(gcp_metadata project/project-id)" || return 1
  vault_auth_enable "$1" gcp
  vault write "auth/$1/role/$2" type=gce bound_service_accounts="$email" bound_projects="$project" token_policies="$3" token_ttl=15m token_max_ttl=30m >/dev/null
  log "vault auth $1/role/$2 bound to \${email}"
}
#@end
`;

const CLOUD_LIB: { readonly [C in Cloud]: string } = { aws: AWS_LIB, azure: AZURE_LIB, gcp: GCP_LIB };

/** Which roles need the lib's fenced sections (`#@section NAME` ... `#@end`): user data is size-limited. */
const LIB_SECTIONS: { readonly [name: string]: readonly BootstrapRole[] } = { vault: ["vault"], owner: ["jenkins", "vault"], upload: ["jenkins", "vault"], outcome: ["jenkins", "vault"] };

/** The lib without the sections `role` does not use (all of them without a role). */
function librarySections(text: string, role: BootstrapRole | undefined): string {
    const out: string[] = [];
    let keep = true;
    for (const line of text.split("\n")) {
        const start = /^#@section (\S+)$/.exec(line);
        if (start) {
            const roles = LIB_SECTIONS[start[1]];
            if (!roles) throw new Error(`lib.sh: unknown section ${start[1]}`);
            keep = role === undefined || roles.includes(role);
            continue;
        }
        if (line === "#@end") {
            keep = true;
            continue;
        }
        if (keep) out.push(line);
    }
    return out.join("\n");
}

/** The helper library for one cloud (sourced by every step); for a role, only what it uses. */
export function renderLib(cloud: Cloud, role?: BootstrapRole): string {
    return librarySections(`#!/bin/bash
# Helpers of the platform bootstrap (components/bootstrap), cloud: ${cloud}. Sourced, not run.
# TLS_COPY_CHANGED and APT_LISTS_FRESH are read by the steps that source this file:
# shellcheck disable=SC2034
${COMMON_LIB}${CLOUD_LIB[cloud]}`, role);
}

/** The shell command that prints the referenced secret (a call of the cloud's fetch_secret). */
export function fetchSecretCommand(ref: SecretRef): string {
    switch (ref.type) {
        case "aws-secretsmanager":
            return `fetch_secret ${shq(ref.secretId)} ${shq(ref.region)}`;
        case "azure-keyvault":
            return `fetch_secret ${shq(ref.vaultName)} ${shq(ref.secretName)} ${shq(ref.clientId ?? "")}`;
        case "gcp-secretmanager":
            return `fetch_secret ${shq(ref.project)} ${shq(ref.secret)} ${shq(ref.version ?? "latest")}`;
        default: {
            const impossible: never = ref;
            throw new Error(`unknown secret reference ${JSON.stringify(impossible)}`);
        }
    }
}

/** The shell command uploading "$fileVar" as object "$nameVar" to the backup target. */
export function uploadCommand(target: BackupTarget, fileVar: string, nameVar: string): string {
    const file = `"\${${fileVar}}"`;
    const name = `"\${${nameVar}}"`;
    switch (target.type) {
        case "s3":
            return `upload_object ${file} ${shq(target.bucket)} ${name} ${shq(target.region)} ${shq(target.kmsKeyArn)}`;
        case "azureblob":
            return `upload_object ${file} ${shq(target.accountName)} ${shq(target.container)} ${name} ${shq(target.clientId ?? "")}`;
        case "gcs":
            return `upload_object ${file} ${shq(target.bucket)} ${name}`;
        default: {
            const impossible: never = target;
            throw new Error(`unknown backup target ${JSON.stringify(impossible)}`);
        }
    }
}
