/**
 * Shell building blocks: quoting, the shared helper library, and the per-cloud functions that
 * reach the secret store, object storage and Vault's cloud auth method WITH THE VM IDENTITY.
 *
 * Every script is bash, `set -euo pipefail`, and checked by shellcheck in tests/bootstrap.
 * Tokens obtained from the metadata services are kept in shell variables and handed to curl
 * through a config on stdin (`curl -K -`), so they never appear in a process list or a log.
 */
import type { BackupTarget, Cloud, SecretRef } from "./types";

/** Paths on the VM. */
export const BOOTSTRAP_LIB_DIR = "/usr/local/lib/platform-bootstrap";
export const BOOTSTRAP_LIB = `${BOOTSTRAP_LIB_DIR}/lib.sh`;
export const BOOTSTRAP_RUNNER = "/usr/local/sbin/platform-bootstrap";
export const BOOTSTRAP_STAGING_DIR = "/etc/platform-bootstrap";

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
# shellcheck source=lib.sh
. ${BOOTSTRAP_LIB}
`;
}

const COMMON_LIB = `
log() { printf '%s platform-bootstrap: %s\\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# retry ATTEMPTS CMD...: re-runs CMD with a growing pause (boot-time networks are flaky).
retry() {
  local attempts="$1" n=1
  shift
  until "$@"; do
    if [ "$n" -ge "$attempts" ]; then
      log "giving up after \${n} attempts: $1"
      return 1
    fi
    sleep $((n * 5))
    n=$((n + 1))
  done
}

apt_install() {
  retry 5 env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \\
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@"
}

# fetch URL FILE: HTTPS only, TLS 1.2+.
fetch() { retry 5 curl -fsSL --proto '=https' --tlsv1.2 -o "$2" "$1"; }

# add_signed_apt_repo NAME KEY_URL FINGERPRINT URL SUITE [COMPONENTS]
# Trust-on-pin: the downloaded key must contain exactly one primary key, with the pinned
# fingerprint; only then is it installed and referenced with signed-by (never apt-key).
add_signed_apt_repo() {
  local name="$1" key_url="$2" fingerprint="$3" url="$4" suite="$5" components="\${6:-}"
  local keyring="/etc/apt/keyrings/\${name}.gpg" work actual codename
  work="$(mktemp -d)"
  install -d -m 0755 /etc/apt/keyrings
  fetch "$key_url" "\${work}/key.asc"
  actual="$(GNUPGHOME="$work" gpg --batch --with-colons --show-keys "\${work}/key.asc" |
    awk -F: '$1 == "pub" { want = 1; next } $1 == "fpr" && want { print $10; want = 0 }')"
  if [ "$actual" != "$fingerprint" ]; then
    rm -rf "$work"
    die "key \${key_url} has fingerprint(s) [\${actual}], expected exactly \${fingerprint}"
  fi
  GNUPGHOME="$work" gpg --batch --yes --dearmor -o "$keyring" "\${work}/key.asc"
  chmod 0644 "$keyring"
  rm -rf "$work"
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

# install_secret FILE OWNER:GROUP MODE CMD...: CMD prints a secret; it lands in FILE
# without ever being logged, world-readable or passed as an argument.
install_secret() {
  local file="$1" owner="$2" mode="$3" tmp
  shift 3
  tmp="$(umask 077 && mktemp "\${file}.XXXXXX")"
  if ! "$@" >"$tmp" || [ ! -s "$tmp" ]; then
    rm -f "$tmp"
    die "could not read the secret for \${file} from the cloud secret store"
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
`;

const AWS_LIB = `
# --- AWS: instance role through the default credential chain (IMDSv2) ---
ensure_aws_cli() {
  command -v aws >/dev/null 2>&1 || retry 5 snap install aws-cli --classic
}

# fetch_secret SECRET_ID REGION: prints the SecretString.
fetch_secret() {
  ensure_aws_cli
  aws secretsmanager get-secret-value --region "$2" --secret-id "$1" \\
    --query SecretString --output text
}

# upload_object FILE BUCKET KEY REGION
upload_object() {
  ensure_aws_cli
  aws s3 cp --only-show-errors --region "$4" "$1" "s3://$2/$3"
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
  retry 5 curl "\${args[@]}" 'http://169.254.169.254/metadata/identity/oauth2/token' |
    jq -er '.access_token'
}

# fetch_secret VAULT_NAME SECRET_NAME [CLIENT_ID]: prints the secret's value.
fetch_secret() {
  local token
  token="$(azure_token 'https://vault.azure.net' "\${3:-}")"
  curl_bearer "$token" -fsS "https://$1.vault.azure.net/secrets/$2?api-version=7.4" | jq -er '.value'
}

# upload_object FILE ACCOUNT CONTAINER BLOB_NAME [CLIENT_ID]
upload_object() {
  local token
  token="$(azure_token 'https://storage.azure.com/' "\${5:-}")"
  curl_bearer "$token" -fsS -X PUT -H 'x-ms-version: 2021-08-06' -H 'x-ms-blob-type: BlockBlob' \\
    --upload-file "$1" "https://$2.blob.core.windows.net/$3/$4" >/dev/null
}

# vault_login MOUNT ROLE [CLIENT_ID]: Vault's azure auth with the managed identity's JWT.
vault_login() {
  local jwt compute
  jwt="$(azure_token 'https://management.azure.com/' "\${3:-}")"
  compute="$(curl -fsS -H 'Metadata: true' 'http://169.254.169.254/metadata/instance/compute?api-version=2021-02-01')"
  printf '%s' "$jwt" |
    jq -Rs --arg role "$2" --argjson m "$compute" \\
      '{role: $role, jwt: ., subscription_id: $m.subscriptionId, resource_group_name: $m.resourceGroupName, vm_name: $m.name}' |
    vault_auth_login "$1"
}
`;

const GCP_LIB = `
# --- GCP: the VM's service account through the metadata server ---
gcp_metadata() { retry 5 curl -fsS -H 'Metadata-Flavor: Google' "http://metadata.google.internal/computeMetadata/v1/$1"; }
gcp_token() { gcp_metadata 'instance/service-accounts/default/token' | jq -er '.access_token'; }

# fetch_secret PROJECT SECRET VERSION: prints the secret version's payload.
fetch_secret() {
  local token
  token="$(gcp_token)"
  curl_bearer "$token" -fsS "https://secretmanager.googleapis.com/v1/projects/$1/secrets/$2/versions/$3:access" |
    jq -er '.payload.data' | base64 -d
}

# upload_object FILE BUCKET OBJECT_NAME
upload_object() {
  local token
  token="$(gcp_token)"
  curl_bearer "$token" -fsS -X POST -H 'Content-Type: application/octet-stream' --upload-file "$1" \\
    "https://storage.googleapis.com/upload/storage/v1/b/$2/o?uploadType=media&name=$(urlencode "$3")" >/dev/null
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
            return `upload_object ${file} ${shq(target.bucket)} ${name} ${shq(target.region)}`;
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
