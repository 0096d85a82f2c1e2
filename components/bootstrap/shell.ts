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
import type { BackupTarget, Cloud, SecretRef } from "./types";

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

# read_to_file FILE CMD...: CMD's stdout, non-empty, into FILE.
read_to_file() {
  local out="$1"
  shift
  "$@" >"$out" && [ -s "$out" ]
}

# install_secret FILE OWNER:GROUP MODE CMD...: CMD prints a secret (and nothing else: every
# helper sends its own chatter to stderr); retried as a secret read; FILE is replaced
# atomically, never logged, never world-readable, never passed as an argument.
install_secret() {
  local file="$1" owner="$2" mode="$3" tmp
  shift 3
  tmp="$(umask 077 && mktemp "\${file}.XXXXXX")"
  if ! retry_secret read_to_file "$tmp" "$@"; then
    rm -f "$tmp"
    die "could not read the secret for \${file} from the cloud secret store (is the VM identity granted?)"
  fi
  chown "$owner" "$tmp"
  chmod "$mode" "$tmp"
  mv -f "$tmp" "$file"
}

# vault_auth_login MOUNT PAYLOAD_JSON_ON_STDIN: prints a client token.
vault_auth_login() {
  curl -fsS --cacert "$VAULT_CACERT" --data-binary @- "\${VAULT_ADDR}/v1/auth/$1/login" |
    jq -er '.auth.client_token'
}

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

# fetch_secret SECRET_ID REGION: prints the SecretString.
fetch_secret() {
  ensure_aws_cli || return 1
  aws secretsmanager get-secret-value --region "$2" --secret-id "$1" \\
    --query SecretString --output text
}

# upload_object FILE BUCKET KEY REGION KMS_KEY_ARN: SSE-KMS with the backup key, as the bucket
# policy requires (aws s3 cp: --sse aws:kms --sse-kms-key-id).
upload_object() {
  ensure_aws_cli || return 1
  aws s3 cp --only-show-errors --region "$4" --sse aws:kms --sse-kms-key-id "$5" "$1" "s3://$2/$3"
}

# vault_login MOUNT ROLE: Vault's aws auth (iam type), signed with the instance role.
vault_login() {
  vault login -token-only -method=aws -path="$1" role="$2"
}
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

# upload_object FILE ACCOUNT CONTAINER BLOB_NAME [CLIENT_ID]: Put Blob (BlockBlob) with the
# managed identity; OAuth needs x-ms-version 2017-11-09 or later
# (learn.microsoft.com/rest/api/storageservices/put-blob). If-None-Match: never overwrite.
upload_object() {
  local token
  token="$(azure_token 'https://storage.azure.com/' "\${5:-}")" || return 1
  curl_bearer "$token" -fsS -X PUT -H 'x-ms-version: 2021-08-06' -H 'x-ms-blob-type: BlockBlob' \\
    -H 'If-None-Match: *' --upload-file "$1" "https://$2.blob.core.windows.net/$3/$4" >/dev/null
}

# vault_login MOUNT ROLE [CLIENT_ID]: Vault's azure auth with the managed identity's JWT.
vault_login() {
  local jwt compute
  jwt="$(azure_token 'https://management.azure.com/' "\${3:-}")" || return 1
  compute="$(curl -fsS -H 'Metadata: true' 'http://169.254.169.254/metadata/instance/compute?api-version=2021-02-01')" || return 1
  printf '%s' "$jwt" |
    jq -Rs --arg role "$2" --argjson m "$compute" \\
      '{role: $role, jwt: ., subscription_id: $m.subscriptionId, resource_group_name: $m.resourceGroupName, vm_name: $m.name}' |
    vault_auth_login "$1"
}
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

# upload_object FILE BUCKET OBJECT_NAME: a single-request media upload
# (cloud.google.com/storage/docs/uploading-objects); ifGenerationMatch=0 creates, never
# overwrites (cloud.google.com/storage/docs/request-preconditions).
upload_object() {
  local token
  token="$(gcp_token)" || return 1
  curl_bearer "$token" -fsS -X POST -H 'Content-Type: application/octet-stream' --upload-file "$1" \\
    "https://storage.googleapis.com/upload/storage/v1/b/$2/o?uploadType=media&ifGenerationMatch=0&name=$(urlencode "$3")" >/dev/null
}

# vault_login MOUNT ROLE: Vault's gcp auth (gce type) with the instance identity token.
vault_login() {
  gcp_metadata "instance/service-accounts/default/identity?audience=vault/$2&format=full" |
    jq -Rs --arg role "$2" '{role: $role, jwt: .}' |
    vault_auth_login "$1"
}
`;

const CLOUD_LIB: { readonly [C in Cloud]: string } = { aws: AWS_LIB, azure: AZURE_LIB, gcp: GCP_LIB };

/** The helper library for one cloud (sourced by every step). */
export function renderLib(cloud: Cloud): string {
    return `#!/bin/bash
# Helpers of the platform bootstrap (components/bootstrap), cloud: ${cloud}. Sourced, not run.
# TLS_COPY_CHANGED and APT_LISTS_FRESH are read by the steps that source this file:
# shellcheck disable=SC2034
${COMMON_LIB}${CLOUD_LIB[cloud]}`;
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
