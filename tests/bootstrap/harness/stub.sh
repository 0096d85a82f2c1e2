#!/bin/bash
# Recording stand-in for every command the bootstrap may call that touches the system, the
# network or a cloud (tests/bootstrap/harness/vm.ts links each name here). It never touches the
# host: files live under HARNESS_ROOT (the VM's disk) and HARNESS_STATE (the world around it:
# package database, services, disks, the clouds' secrets and buckets, the call log).
#
# Every call is logged as: step TAB command TAB args joined by US (0x1f).
# Faults (HARNESS_STATE/faults, one per line): command TAB ERE-on-args TAB times|* TAB exit TAB message
# make a matching call fail `times` times (or always), as the real command would.
set -uo pipefail

cmd="${0##*/}"
R="${HARNESS_ROOT:?}"
H="${HARNESS_STATE:?}"
REAL_INSTALL="${HARNESS_REAL_INSTALL:-/usr/bin/install}"

record() {
  local args
  args="$(printf '%s\x1f' "$@")"
  printf '%s\t%s\t%s\n' "${PLATFORM_BOOTSTRAP_STEP:-}" "$cmd" "$args" >>"$H/calls"
}

# fault NAME ARGS...: exits as configured when a fault matches (and consumes one use of it).
fault() {
  local name="$1" joined line f_cmd f_re f_times f_exit f_msg n=0 hit=""
  shift
  joined="$*"
  [ -s "$H/faults" ] || return 0
  : >"$H/faults.new"
  while IFS=$'\t' read -r f_cmd f_re f_times f_exit f_msg; do
    n=$((n + 1))
    if [ -z "$hit" ] && [ "$f_cmd" = "$name" ] && [ "$f_times" != 0 ] && [[ "$joined" =~ $f_re ]]; then
      hit="$f_exit"$'\t'"$f_msg"
      [ "$f_times" = "*" ] || f_times=$((f_times - 1))
    fi
    printf '%s\t%s\t%s\t%s\t%s\n' "$f_cmd" "$f_re" "$f_times" "$f_exit" "$f_msg" >>"$H/faults.new"
  done <"$H/faults"
  mv -f "$H/faults.new" "$H/faults"
  if [ -n "$hit" ]; then
    printf '%s\n' "${hit#*$'\t'}" >&2
    exit "${hit%%$'\t'*}"
  fi
}

# has_line FILE REGEX: a line of FILE matches (bash only: the stubs are hot, forks are slow).
has_line() {
  local line
  [ -f "$1" ] || return 1
  while IFS= read -r line; do [[ "$line" =~ $2 ]] && return 0; done <"$1"
  return 1
}
user_exists() { [ "$1" = root ] || has_line "$H/users" "^$1:"; }
group_exists() { [ "$1" = root ] || has_line "$H/groups" "^$1:"; }
add_user() {
  local n=0 line
  if ! user_exists "$1"; then
    while IFS= read -r line; do n=$((n + 1)); done <"$H/users"
    printf '%s:%s\n' "$1" "$((1000 + n))" >>"$H/users"
  fi
  group_exists "$1" || printf '%s:\n' "$1" >>"$H/groups"
}
unit_known() { has_line "$H/units/known" "^$1\$" || [ -e "$R/etc/systemd/system/$1" ]; }
pkg_set() { printf '%s\n' "$2" >"$H/pkgdb/$1"; }
pkg_has() { [ -f "$H/pkgdb/$1" ]; }
pkg_version() { local v; read -r v <"$H/pkgdb/$1"; printf '%s' "$v"; }
known_unit() { has_line "$H/units/known" "^$1\$" || echo "$1" >>"$H/units/known"; }
activate() { echo active >"$H/units/$1.state"; }
is_active() { local st=""; [ -f "$H/units/$1.state" ] && read -r st <"$H/units/$1.state"; [ "$st" = active ]; }
# available NAME: sets AV_VERSION and AV_LIST from the repositories' package table.
available() {
  local n v l
  while IFS=$'\t' read -r n v l; do
    if [ "$n" = "$1" ]; then AV_VERSION="$v"; AV_LIST="$l"; return 0; fi
  done <"$H/apt/available"
  return 1
}

record "$@"

case "$cmd" in
  sleep | udevadm | sshd | augenrules | sysctl | update-ca-certificates)
    exit 0
    ;;

  wazuh-install-fault)
    # Called by the Wazuh installer stand-in: lets a test fail the install mid-way.
    fault wazuh-install "$*"
    ;;

  logger)
    printf '%s\n' "$*" >>"$H/syslog"
    ;;

  hostname)
    if [ "${1:-}" = -I ]; then printf '%s \n' "$HARNESS_IP"; else printf '%s\n' "$HARNESS_HOSTNAME"; fi
    ;;

  id)
    # id -u NAME
    name="${2:-root}"
    if [ "$name" = root ]; then echo 0; exit 0; fi
    while IFS=: read -r u uid; do
      if [ "$u" = "$name" ]; then echo "$uid"; exit 0; fi
    done <"$H/users"
    echo "id: '${name}': no such user" >&2
    exit 1
    ;;

  useradd)
    add_user "${!#}"
    ;;

  chown)
    args=()
    for a in "$@"; do case "$a" in -*) ;; *) args+=("$a") ;; esac; done
    spec="${args[0]}"
    user="${spec%%:*}"
    group="${spec#*:}"
    user_exists "$user" || { echo "chown: invalid user: '${spec}'" >&2; exit 1; }
    [ "$group" = "$spec" ] || group_exists "$group" || { echo "chown: invalid group: '${spec}'" >&2; exit 1; }
    for p in "${args[@]:1}"; do [ -e "$p" ] || { echo "chown: cannot access '${p}': No such file or directory" >&2; exit 1; }; done
    ;;

  install)
    # Ownership is checked (the user must exist, as for the real install), then dropped: the
    # harness may not run as root.
    pass=()
    while [ "$#" -gt 0 ]; do
      case "$1" in
        -o) user_exists "$2" || { echo "install: invalid user '$2'" >&2; exit 1; }; shift 2 ;;
        -g) group_exists "$2" || { echo "install: invalid group '$2'" >&2; exit 1; }; shift 2 ;;
        *) pass+=("$1"); shift ;;
      esac
    done
    exec "$REAL_INSTALL" "${pass[@]}"
    ;;

  dpkg)
    case "${1:-}" in
      --print-architecture) echo amd64 ;;
      -s) pkg_has "$2" || { echo "dpkg-query: package '$2' is not installed" >&2; exit 1; }; echo "Status: install ok installed" ;;
      *) echo "dpkg stub: unsupported $*" >&2; exit 2 ;;
    esac
    ;;

  dpkg-query)
    name="${!#}"
    pkg_has "$name" || { echo "dpkg-query: no packages found matching ${name}" >&2; exit 1; }
    printf 'install ok installed %s' "$(pkg_version "$name")"
    ;;

  apt-mark)
    [ "$1" = hold ] || { echo "apt-mark stub: unsupported $*" >&2; exit 2; }
    shift
    for p in "$@"; do
      pkg_has "$p" || { echo "E: Unable to locate package ${p}" >&2; exit 100; }
      has_line "$H/held" "^${p}\$" || echo "$p" >>"$H/held"
      echo "${p} set on hold."
    done
    ;;

  apt-get)
    sub=""
    pkgs=()
    while [ "$#" -gt 0 ]; do
      case "$1" in
        -o) shift 2 ;;
        -*) shift ;;
        update | install) sub="$1"; shift ;;
        *) pkgs+=("$1"); shift ;;
      esac
    done
    fault apt-get "$sub ${pkgs[*]}"
    case "$sub" in
      update)
        mkdir -p "$H/apt"
        ls "$R/etc/apt/sources.list.d/" 2>/dev/null >"$H/apt/lists" || true
        echo "Reading package lists..."
        ;;
      install)
        [ -f "$H/apt/lists" ] || { echo "E: Unable to locate package ${pkgs[0]} (package lists never updated)" >&2; exit 100; }
        for spec in "${pkgs[@]}"; do
          name="${spec%%=*}"
          want=""
          [ "$name" = "$spec" ] || want="${spec#*=}"
          available "$name" || { echo "E: Unable to locate package ${name}" >&2; exit 100; }
          version="$AV_VERSION"
          list="$AV_LIST"
          if [ -n "$list" ] && ! has_line "$H/apt/lists" "^${list}\$"; then
            echo "E: Unable to locate package ${name} (${list} was not in the lists at the last update)" >&2
            exit 100
          fi
          if [ -n "$want" ] && [ "$want" != "$version" ]; then
            echo "E: Version '${want}' for '${name}' was not found" >&2
            exit 100
          fi
          if has_line "$H/held" "^${name}\$" && pkg_has "$name" && [ "$(pkg_version "$name")" != "$version" ]; then
            echo "E: Held packages were changed and -y was used without --allow-change-held-packages." >&2
            exit 100
          fi
        done
        for spec in "${pkgs[@]}"; do
          name="${spec%%=*}"
          available "$name"
          version="$AV_VERSION"
          echo "Setting up ${name} (${version}) ..."
          pkg_set "$name" "$version"
          # What each package's maintainer scripts leave behind.
          case "$name" in
            auditd | chrony | unattended-upgrades) known_unit "${name}.service" ;;
            jenkins)
              add_user jenkins
              mkdir -p "$R/var/lib/jenkins" "$R/var/cache/jenkins"
              known_unit jenkins.service
              ;;
            nginx)
              add_user www-data
              mkdir -p "$R/etc/nginx/sites-available" "$R/etc/nginx/sites-enabled" "$R/var/log/nginx"
              echo "server { listen 80 default_server; }" >"$R/etc/nginx/sites-available/default"
              ln -sf "$R/etc/nginx/sites-available/default" "$R/etc/nginx/sites-enabled/default"
              known_unit nginx.service
              activate nginx.service
              ;;
            vault)
              add_user vault
              mkdir -p "$R/etc/vault.d" "$R/opt/vault/tls" "$R/opt/vault/data"
              [ -f "$R/etc/vault.d/vault.hcl" ] || echo 'storage "file" {}' >"$R/etc/vault.d/vault.hcl"
              known_unit vault.service
              ;;
            wazuh-agent)
              add_user wazuh
              mkdir -p "$R/var/ossec/etc"
              {
                echo "<ossec_config>"
                echo "  <client>"
                echo "    <server><address>${WAZUH_MANAGER:-MANAGER_IP}</address><port>1514</port></server>"
                echo "    <enrollment>"
                echo "      <enabled>yes</enabled>"
                [ -z "${WAZUH_AGENT_NAME:-}" ] || echo "      <agent_name>${WAZUH_AGENT_NAME}</agent_name>"
                [ -z "${WAZUH_REGISTRATION_CA:-}" ] || echo "      <server_ca_path>${WAZUH_REGISTRATION_CA}</server_ca_path>"
                echo "      <authorization_pass_path>etc/authd.pass</authorization_pass_path>"
                echo "    </enrollment>"
                echo "  </client>"
                echo "</ossec_config>"
              } >"$R/var/ossec/etc/ossec.conf"
              known_unit wazuh-agent.service
              ;;
          esac
        done
        ;;
      *) echo "apt-get stub: unsupported ${sub}" >&2; exit 2 ;;
    esac
    ;;

  snap)
    fault snap "$*"
    # snap prints its result on stdout, as the real one does.
    echo "aws-cli (v2/stable) 2.31.0 from Amazon Web Services (aws✓) installed"
    ln -sf "$0" "$(dirname "$0")/aws"
    ;;

  gpg)
    out=""
    mode=""
    file=""
    while [ "$#" -gt 0 ]; do
      case "$1" in
        --show-keys) mode=show; shift ;;
        --dearmor) mode=dearmor; shift ;;
        -o) out="$2"; shift 2 ;;
        -*) shift ;;
        *) file="$1"; shift ;;
      esac
    done
    case "$mode" in
      show)
        grep '^FPR:' "$file" | while IFS=: read -r _ fpr; do
          echo "pub:-:4096:1:0000000000000000:1700000000:::-:::scSC::::::23::0:"
          echo "fpr:::::::::${fpr}:"
        done
        ;;
      dearmor) cp "$file" "$out" ;;
      *) echo "gpg stub: unsupported" >&2; exit 2 ;;
    esac
    ;;

  systemctl)
    quiet=""
    now=""
    args=()
    for a in "$@"; do
      case "$a" in
        --quiet | -q) quiet=1 ;;
        --now) now=1 ;;
        *) args+=("$a") ;;
      esac
    done
    verb="${args[0]}"
    units=("${args[@]:1}")
    fault systemctl "${args[*]}"
    check_mounts() {
      # RequiresMountsFor= in drop-ins: the unit does not start unless those are mounted.
      local unit="$1" f path
      for f in "$R/etc/systemd/system/${unit}.d/"*.conf; do
        [ -f "$f" ] || continue
        for path in $(sed -n 's/^RequiresMountsFor=//p' "$f"); do
          has_line "$H/mounts" "^${path} " || { echo "A dependency job for ${unit} failed (${path} is not mounted)." >&2; return 1; }
        done
      done
    }
    case "$verb" in
      daemon-reload) ;;
      enable)
        for u in "${units[@]}"; do
          unit_known "$u" || { echo "Failed to enable unit: Unit file ${u} does not exist." >&2; exit 1; }
          : >"$H/units/${u}.enabled"
          if [ -n "$now" ]; then check_mounts "$u" || exit 1; activate "$u"; fi
        done
        ;;
      start | restart | try-reload-or-restart)
        for u in "${units[@]}"; do
          unit_known "$u" || { echo "Failed to ${verb} ${u}: Unit ${u} not found." >&2; exit 5; }
          check_mounts "$u" || exit 1
          activate "$u"
        done
        ;;
      reload)
        for u in "${units[@]}"; do
          is_active "$u" || { echo "${u} is not active, cannot reload." >&2; exit 1; }
        done
        ;;
      stop)
        for u in "${units[@]}"; do echo inactive >"$H/units/${u}.state"; done
        ;;
      is-active)
        is_active "${units[0]}" || { [ -n "$quiet" ] || echo inactive; exit 3; }
        [ -n "$quiet" ] || echo active
        ;;
      *) echo "systemctl stub: unsupported ${verb}" >&2; exit 2 ;;
    esac
    ;;

  nginx)
    # nginx -t: every certificate the enabled sites name must exist.
    for site in "$R/etc/nginx/sites-enabled/"*; do
      [ -e "$site" ] || continue
      for f in $(sed -n 's/^ *ssl_certificate\(_key\)\? \(.*\);$/\2/p' "$site"); do
        [ -s "$f" ] || { echo "nginx: [emerg] cannot load certificate \"${f}\"" >&2; exit 1; }
      done
    done
    ;;

  lsblk) echo "$HARNESS_ROOT_DISK" ;;
  findmnt) echo "/dev/${HARNESS_ROOT_DISK}p1" ;;

  blkid)
    key=""
    dev="${!#}"
    while [ "$#" -gt 0 ]; do
      case "$1" in -s) key="$2"; shift 2 ;; *) shift ;; esac
    done
    value="$(sed -n "s/^${key}=//p" "$H/devices/$(basename "$dev")" 2>/dev/null)"
    [ -n "$value" ] || exit 2
    echo "$value"
    ;;

  mkfs.ext4)
    fault mkfs.ext4 "$*"
    dev="${!#}"
    label=""
    while [ "$#" -gt 0 ]; do
      case "$1" in -L) label="$2"; shift 2 ;; *) shift ;; esac
    done
    base="$(basename "$dev")"
    printf 'TYPE=ext4\nUUID=%s\nLABEL=%s\n' "$(printf '%s' "$base-$label" | sha256sum | cut -c1-8)-0000-4000-8000-000000000000" "$label" >"$H/devices/$base"
    mkdir -p "$H/disks/$base"
    ;;

  mount)
    fault mount "$*"
    target="$1"
    line="$(awk -v t="$target" '$2 == t' "$R/etc/fstab" 2>/dev/null | head -n1)"
    [ -n "$line" ] || { echo "mount: ${target}: can't find in /etc/fstab." >&2; exit 1; }
    uuid="${line%% *}"
    uuid="${uuid#UUID=}"
    dev="$(grep -l "^UUID=${uuid}$" "$H/devices/"* 2>/dev/null | head -n1)"
    [ -n "$dev" ] || { echo "mount: ${target}: special device UUID=${uuid} does not exist." >&2; exit 32; }
    dev="$(basename "$dev")"
    mkdir -p "$H/disks/$dev"
    # The disk's files live outside the VM's root (they survive a replacement); the mount
    # point becomes a link to them. What was in the directory is hidden, as by a real mount.
    if [ ! -L "$target" ]; then
      if [ -d "$target" ] && [ -n "$(ls -A "$target")" ]; then mv "$target" "${target}.hidden-by-mount"; else rm -rf "$target"; fi
      ln -s "$H/disks/$dev" "$target"
    fi
    printf '%s %s\n' "$target" "$dev" >>"$H/mounts"
    ;;

  mountpoint)
    has_line "$H/mounts" "^${!#} "
    ;;

  free)
    printf '              total        used        free\nMem:    %12s %12s %12s\n' "$HARNESS_MEM_MB" 100 "$HARNESS_MEM_MB"
    ;;

  aws)
    fault aws "$*"
    service="$1"
    op="$2"
    shift 2
    region=""
    declare -A opt=()
    pos=()
    while [ "$#" -gt 0 ]; do
      case "$1" in
        --only-show-errors) shift ;;
        --*) opt[${1#--}]="$2"; shift 2 ;;
        *) pos+=("$1"); shift ;;
      esac
    done
    region="${opt[region]:-}"
    [ -n "$region" ] || { echo "You must specify a region." >&2; exit 253; }
    case "$service $op" in
      "secretsmanager get-secret-value")
        [ "${opt[query]:-}" = SecretString ] && [ "${opt[output]:-}" = text ] || { echo "aws stub: expected --query SecretString --output text" >&2; exit 252; }
        f="$H/secrets/$(printf '%s' "aws:${opt[secret-id]}" | tr '/:' '__')"
        [ -f "$f" ] || { echo "An error occurred (ResourceNotFoundException) when calling the GetSecretValue operation: Secrets Manager can't find the specified secret." >&2; exit 254; }
        cat "$f"
        echo
        ;;
      "s3 cp")
        src="${pos[0]}"
        dest="${pos[1]}"
        bucket="${dest#s3://}"
        bucket="${bucket%%/*}"
        key="${dest#s3://"$bucket"/}"
        # The bucket policy (AWS issue): PutObject only with SSE-KMS under the backup key.
        want="$(cat "$H/s3-policy/$bucket" 2>/dev/null)"
        if [ "${opt[sse]:-}" != aws:kms ] || [ "${opt[sse-kms-key-id]:-}" != "$want" ]; then
          echo "upload failed: ${src} to ${dest} An error occurred (AccessDenied) when calling the PutObject operation: Access Denied" >&2
          exit 1
        fi
        mkdir -p "$(dirname "$H/objects/s3/$bucket/$key")"
        cp "$src" "$H/objects/s3/$bucket/$key"
        printf 'sse=%s\nkms=%s\nregion=%s\n' "${opt[sse]}" "${opt[sse-kms-key-id]}" "$region" >"$H/objects/s3/$bucket/$key.meta"
        ;;
      *) echo "aws stub: unsupported ${service} ${op}" >&2; exit 252 ;;
    esac
    ;;

  vault)
    fault vault "$*"
    [ "${VAULT_ADDR:-}" = "https://127.0.0.1:8200" ] || { echo "vault stub: VAULT_ADDR must be https://127.0.0.1:8200" >&2; exit 1; }
    [ -s "${VAULT_CACERT:-}" ] || { echo "vault stub: VAULT_CACERT must name the CA file" >&2; exit 1; }
    case "$1 ${2:-}" in
      "status -format=json")
        state="$(cat "$H/vault-status" 2>/dev/null || echo '{"initialized": false, "sealed": true}')"
        echo "$state"
        [ "$(jq -r .sealed <<<"$state")" = false ] || exit 2
        ;;
      "login -token-only") echo "hvs.harness-token" ;;
      "operator raft")
        [ -n "${VAULT_TOKEN:-}" ] || { echo "permission denied" >&2; exit 2; }
        echo "raft snapshot bytes" >"${!#}"
        ;;
      "token revoke") ;;
      *) echo "vault stub: unsupported $*" >&2; exit 1 ;;
    esac
    ;;

  curl)
    url=""
    out=""
    method=""
    upload=""
    data_binary=""
    cacert=""

    headers=()
    form=()
    config_stdin=""
    while [ "$#" -gt 0 ]; do
      case "$1" in
        -o) out="$2"; shift 2 ;;
        -K) config_stdin=1; shift 2 ;;
        -X) method="$2"; shift 2 ;;
        -H) headers+=("$2"); shift 2 ;;
        --upload-file | -T) upload="$2"; shift 2 ;;
        --data-binary) data_binary="$2"; shift 2 ;;
        --data-urlencode) form+=("$2"); shift 2 ;;
        --cacert) cacert="$2"; shift 2 ;;
        --proto) [ "$2" = "=https" ] || { echo "curl stub: --proto must be =https" >&2; exit 2; }; shift 2 ;;
        -k | --insecure) echo "curl stub: certificate verification must never be disabled" >&2; exit 2 ;;
        -G) shift ;;
        -*) shift ;;
        *) url="$1"; shift ;;
      esac
    done
    if [ -n "$config_stdin" ]; then
      while IFS= read -r line; do
        case "$line" in 'header = "'*) line="${line#header = \"}"; headers+=("${line%\"}") ;; esac
      done
    fi
    fault curl "${method:-GET} ${url}"
    header() { local h; for h in "${headers[@]}"; do case "$h" in "$1: "*) echo "${h#*: }"; return 0 ;; esac; done; return 1; }
    http_error() { echo "curl: (22) The requested URL returned error: $1" >&2; exit 22; }
    secret_file() { printf '%s/secrets/%s' "$H" "$(printf '%s' "$1" | tr '/:' '__')"; }
    case "$url" in
      http://169.254.169.254/metadata/identity/oauth2/token)
        [ "$(header Metadata)" = true ] || http_error 400
        resource=""
        for f in "${form[@]}"; do case "$f" in resource=*) resource="${f#resource=}" ;; esac; done
        printf '{"access_token": "az:%s", "expires_in": "3599", "token_type": "Bearer"}\n' "$resource"
        ;;
      http://169.254.169.254/metadata/instance/compute*)
        [ "$(header Metadata)" = true ] || http_error 400
        printf '{"subscriptionId": "00000000-0000-0000-0000-000000000000", "resourceGroupName": "plat-dev-rg", "name": "%s"}\n' "$HARNESS_HOSTNAME"
        ;;
      https://*.vault.azure.net/secrets/*)
        [ "$(header Authorization)" = "Bearer az:https://vault.azure.net" ] || http_error 401
        vault_name="${url#https://}"
        vault_name="${vault_name%%.*}"
        name="${url#*/secrets/}"
        name="${name%%\?*}"
        f="$(secret_file "azure:${vault_name}/${name}")"
        [ -f "$f" ] || http_error 404
        jq -n --rawfile v "$f" '{value: $v}'
        ;;
      https://*.blob.core.windows.net/*)
        [ "$method" = PUT ] && [ -n "$upload" ] || http_error 405
        [ "$(header Authorization)" = "Bearer az:https://storage.azure.com/" ] || http_error 401
        [ "$(header x-ms-blob-type)" = BlockBlob ] || http_error 400
        version="$(header x-ms-version)" || http_error 400
        [[ "$version" > "2017-11-08" ]] || http_error 400
        path="${url#https://}"
        dest="$H/objects/azureblob/${path%%.*}/${path#*/}"
        if [ "$(header If-None-Match)" = "*" ] && [ -e "$dest" ]; then http_error 409; fi
        mkdir -p "$(dirname "$dest")"
        cp "$upload" "$dest"
        printf '%s\n' "${headers[@]}" | grep -v '^Authorization' >"$dest.meta"
        ;;
      http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token)
        [ "$(header Metadata-Flavor)" = Google ] || http_error 403
        echo '{"access_token": "gcp-token", "expires_in": 3599, "token_type": "Bearer"}'
        ;;
      http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/identity*)
        [ "$(header Metadata-Flavor)" = Google ] || http_error 403
        echo "gcp-identity-token"
        ;;
      https://secretmanager.googleapis.com/v1/projects/*)
        [ "$(header Authorization)" = "Bearer gcp-token" ] || http_error 401
        rest="${url#https://secretmanager.googleapis.com/v1/projects/}"
        project="${rest%%/*}"
        secret="${rest#*/secrets/}"
        secret="${secret%%/*}"
        f="$(secret_file "gcp:${project}/${secret}")"
        [ -f "$f" ] || http_error 404
        jq -n --arg d "$(base64 -w0 <"$f")" '{name: "version", payload: {data: $d}}'
        ;;
      https://storage.googleapis.com/upload/storage/v1/b/*)
        [ "$method" = POST ] && [ -n "$upload" ] || http_error 405
        [ "$(header Authorization)" = "Bearer gcp-token" ] || http_error 401
        rest="${url#https://storage.googleapis.com/upload/storage/v1/b/}"
        bucket="${rest%%/*}"
        query="${url#*\?}"
        case "&${query}&" in *"&uploadType=media&"*) ;; *) http_error 400 ;; esac
        name="$(printf '%s' "&${query}" | sed -n 's/.*&name=\([^&]*\).*/\1/p')"
        [ -n "$name" ] || http_error 400
        name="$(printf '%b' "${name//%/\\x}")"
        dest="$H/objects/gcs/${bucket}/${name}"
        case "&${query}&" in *"&ifGenerationMatch=0&"*) [ ! -e "$dest" ] || http_error 412 ;; esac
        mkdir -p "$(dirname "$dest")"
        cp "$upload" "$dest"
        ;;
      https://127.0.0.1:8200/v1/auth/*/login)
        [ -n "$cacert" ] && cmp -s "$cacert" "$R/etc/platform-tls/ca.crt" || { echo "curl: (60) SSL certificate problem: unable to get local issuer certificate" >&2; exit 60; }
        [ "$data_binary" = "@-" ] || http_error 400
        payload="$(cat)"
        jq -e '.role and .jwt' <<<"$payload" >/dev/null || http_error 400
        echo '{"auth": {"client_token": "hvs.harness-token"}}'
        ;;
      https://*)
        # Everything else is a download from the harness's mirror of the internet.
        src="$(awk -F'\t' -v u="$url" '$1 == u { print $2 }' "$H/mirror.tsv")"
        [ -n "$src" ] || http_error 404
        if [ -n "$out" ]; then cp "$src" "$out"; else cat "$src"; fi
        ;;
      *)
        echo "curl stub: no route for ${url}" >&2
        exit 7
        ;;
    esac
    ;;

  *)
    echo "stub: ${cmd} is not emulated" >&2
    exit 127
    ;;
esac
