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
# users: name:uid:home; groups: name:gid. A package's own account gets the next free system id
# (900 downwards, as useradd -r does); operators' accounts the next from 1001.
user_exists() { [ "$1" = root ] || has_line "$H/users" "^$1:"; }
group_exists() { [ "$1" = root ] || has_line "$H/groups" "^$1:"; }
id_taken() { has_line "$H/$1" "^[^:]*:$2(:|\$)"; }
next_id() {
  local id="$2" step="$3"
  while id_taken users "$id" || id_taken groups "$id"; do id=$((id + step)); done
  echo "$id"
}
# add_user NAME [UID] [HOME]: the account (and its group) unless it exists; a package's default: a system id.
add_user() {
  local uid="${2:-}" home="${3:-/nonexistent}"
  if ! user_exists "$1"; then
    [ -n "$uid" ] || uid="$(next_id users 900 -1)"
    printf '%s:%s:%s\n' "$1" "$uid" "$home" >>"$H/users"
  fi
  if ! group_exists "$1"; then
    printf '%s:%s\n' "$1" "$(sed -n "s/^$1:\\([0-9]*\\):.*/\\1/p" "$H/users")" >>"$H/groups"
  fi
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

# HARNESS_NOISY=1: every command whose stdout is never data chatters on it (as snap, apt and
# friends do), so a script that lets such output reach a secret file or a parsed value fails.
if [ -n "${HARNESS_NOISY:-}" ]; then
  case "$cmd" in
    apt-get | apt-mark | augenrules | filebeat | groupadd | mkfs.ext4 | mount | snap | sshd | sysctl | udevadm | update-ca-certificates | useradd | usermod | visudo)
      echo "${cmd}: progress 100% (harness chatter on stdout)"
      ;;
  esac
fi

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
    # id -u [NAME]: the harness runs every script as root.
    name="${2:-root}"
    if [ "$name" = root ]; then echo 0; exit 0; fi
    while IFS=: read -r u uid _; do
      if [ "$u" = "$name" ]; then echo "$uid"; exit 0; fi
    done <"$H/users"
    echo "id: '${name}': no such user" >&2
    exit 1
    ;;

  getent)
    db="$1"
    key="$2"
    case "$db" in
      passwd)
        if [ "$key" = root ] || [ "$key" = 0 ]; then echo "root:x:0:0:root:/root:/bin/bash"; exit 0; fi
        while IFS=: read -r u uid home; do
          if [ "$u" = "$key" ] || [ "$uid" = "$key" ]; then echo "${u}:x:${uid}:${uid}::${home}:/bin/bash"; exit 0; fi
        done <"$H/users"
        ;;
      group)
        if [ "$key" = root ] || [ "$key" = 0 ]; then echo "root:x:0:"; exit 0; fi
        while IFS=: read -r g gid; do
          if [ "$g" = "$key" ] || [ "$gid" = "$key" ]; then echo "${g}:x:${gid}:"; exit 0; fi
        done <"$H/groups"
        ;;
    esac
    exit 2
    ;;

  groupadd)
    gid=""
    while [ "$#" -gt 1 ]; do
      case "$1" in --gid | -g) gid="$2"; shift 2 ;; *) shift ;; esac
    done
    group_exists "$1" && { echo "groupadd: group '$1' already exists" >&2; exit 9; }
    [ -z "$gid" ] || ! id_taken groups "$gid" || { echo "groupadd: GID '${gid}' already exists" >&2; exit 4; }
    printf '%s:%s\n' "$1" "${gid:-$(next_id groups 900 -1)}" >>"$H/groups"
    ;;

  useradd)
    uid=""
    home=""
    create=""
    system=""
    while [ "$#" -gt 1 ]; do
      case "$1" in
        --uid | -u) uid="$2"; shift 2 ;;
        --home-dir | -d) home="$2"; shift 2 ;;
        --gid | -g | --shell | -s) shift 2 ;;
        --create-home | -m) create=1; shift ;;
        --system | -r) system=1; shift ;;
        *) shift ;;
      esac
    done
    user_exists "$1" && { echo "useradd: user '$1' already exists" >&2; exit 9; }
    [ -z "$uid" ] || ! id_taken users "$uid" || { echo "useradd: UID ${uid} is not unique" >&2; exit 4; }
    if [ -z "$uid" ]; then
      if [ -n "$system" ]; then uid="$(next_id users 900 -1)"; else uid="$(next_id users 1001 1)"; fi
    fi
    [ -n "$home" ] || home="$R/home/$1"
    [ -z "$create" ] || mkdir -p "$home"
    add_user "$1" "$uid" "$home"
    ;;

  usermod)
    user_exists "${!#}" || { echo "usermod: user '${!#}' does not exist" >&2; exit 6; }
    ;;

  visudo)
    # visudo -cqf FILE: every line a "<user> ALL=(ALL) NOPASSWD:ALL" rule for an existing user.
    f="${!#}"
    while read -r u rest; do
      user_exists "$u" && [ "$rest" = "ALL=(ALL) NOPASSWD:ALL" ] || { echo "${f}: syntax error near line: ${u} ${rest}" >&2; exit 1; }
    done <"$f"
    ;;

  filebeat)
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
    verb="$1"
    shift
    case "$verb" in
      hold)
        for p in "$@"; do
          pkg_has "$p" || { echo "E: Unable to locate package ${p}" >&2; exit 100; }
          has_line "$H/held" "^${p}\$" || echo "$p" >>"$H/held"
          echo "${p} set on hold."
        done
        ;;
      unhold)
        for p in "$@"; do
          grep -vx "$p" "$H/held" >"$H/held.new" || true
          mv -f "$H/held.new" "$H/held"
          echo "Canceled hold on ${p}."
        done
        ;;
      *) echo "apt-mark stub: unsupported ${verb}" >&2; exit 2 ;;
    esac
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
              add_user jenkins "" "$R/var/lib/jenkins"
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
              add_user vault "" "$R/etc/vault.d"
              mkdir -p "$R/etc/vault.d" "$R/opt/vault/tls" "$R/opt/vault/data"
              [ -f "$R/etc/vault.d/vault.hcl" ] || echo 'storage "file" {}' >"$R/etc/vault.d/vault.hcl"
              known_unit vault.service
              ;;
            wazuh-agent)
              add_user wazuh "" "$R/var/ossec"
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
              mkdir -p "$R/var/ossec/var/run" "$R/var/ossec/logs"
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
    # agent_connects: what remoted answers this VM's agent (refused when newer than the manager,
    # major.minor only: wazuh src/shared/version_op.c compare_wazuh_versions without the patch).
    agent_connects() {
      local agent manager
      agent="$(pkg_version wazuh-agent)"
      manager="$(cat "$H/wazuh-manager-version")"
      agent="${agent%-*}"
      mkdir -p "$R/var/ossec/var/run" "$R/var/ossec/logs"
      if [ "$(printf '%s\n%s\n' "${agent%.*}" "${manager%.*}" | sort -V | tail -n1)" = "${manager%.*}" ]; then
        echo "status='connected'" >"$R/var/ossec/var/run/wazuh-agentd.state"
      else
        echo "status='pending'" >"$R/var/ossec/var/run/wazuh-agentd.state"
        echo "wazuh-agentd: ERROR: Agent version must be lower or equal to manager version" >>"$R/var/ossec/logs/ossec.log"
      fi
    }
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
      reboot) ;;
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
          [ "$u" != wazuh-agent.service ] || agent_connects
        done
        ;;
      list-units)
        for f in "$H/units/"*.state; do
          [ -f "$f" ] || continue
          [ "$(cat "$f")" = failed ] && echo "$(basename "$f" .state) loaded failed failed harness"
        done
        exit 0
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
    read -r spec _ fstype _ <<<"$line"
    if [ "$fstype" = none ]; then
      # A bind mount (fstab "SRC TARGET none bind,..."): the target shows SRC's files.
      [ -d "$spec" ] || { echo "mount: ${target}: special device ${spec} does not exist." >&2; exit 32; }
      if [ ! -L "$target" ]; then
        if [ -d "$target" ] && [ -n "$(ls -A "$target")" ]; then mv "$target" "${target}.hidden-by-mount"; else rm -rf "$target"; fi
        ln -s "$spec" "$target"
      fi
      printf '%s bind\n' "$target" >>"$H/mounts"
      exit 0
    fi
    uuid="${spec#UUID=}"
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
        [ "${opt[output]:-}" = json ] || { echo "aws stub: expected --output json" >&2; exit 252; }
        f="$H/secrets/$(printf '%s' "aws:${opt[secret-id]}" | tr '/:' '__')"
        [ -f "$f" ] || { echo "An error occurred (ResourceNotFoundException) when calling the GetSecretValue operation: Secrets Manager can't find the specified secret." >&2; exit 254; }
        jq -n --rawfile v "$f" --arg id "${opt[secret-id]}" '{ARN: $id, Name: $id, SecretString: $v, VersionId: "harness"}'

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
      "eks describe-cluster")
        [ "${opt[output]:-}" = json ] || { echo "aws stub: expected --output json" >&2; exit 252; }
        jq -n --arg n "${opt[name]}" --arg r "$region" --arg ca "$(base64 -w0 <"$H/cluster/ca.crt")" \
          '{cluster: {name: $n, endpoint: ("https://0123456789ABCDEF." + $r + ".eks.amazonaws.com"), certificateAuthority: {data: $ca}}}' >"$H/cluster/describe.json"
        cat "$H/cluster/describe.json"
        ;;
      "eks get-token")
        echo "{\"kind\": \"ExecCredential\", \"apiVersion\": \"client.authentication.k8s.io/v1beta1\", \"status\": {\"token\": \"k8s-aws-v1.aHR0cHM6Ly9zdHMuJHtyZWdpb259LmFtYXpvbmF3cy5jb20v$(date +%s)\"}}"
        ;;
      *) echo "aws stub: unsupported ${service} ${op}" >&2; exit 252 ;;
    esac
    ;;

  java)
    # The plugin installation manager (java -jar jenkins-plugin-manager.jar ...): each requested
    # plugin.jpi at its requested version (a stand-in "jpi" is its manifest), plus a dependency.
    fault java "$*"
    declare -A opt=()
    while [ "$#" -gt 0 ]; do
      case "$1" in
        -jar) opt[jar]="$2"; shift 2 ;;
        --*) if [ "$#" -gt 1 ] && [[ "$2" != --* ]]; then opt[${1#--}]="$2"; shift 2; else opt[${1#--}]=true; shift; fi ;;
        *) shift ;;
      esac
    done
    [ -s "${opt[jar]:-}" ] || { echo "Error: Unable to access jarfile ${opt[jar]:-}" >&2; exit 1; }
    [ "${opt[latest]:-}" = false ] || { echo "java stub: the platform pins versions: --latest false expected" >&2; exit 2; }
    [ "${opt[war]:-}" = /usr/share/java/jenkins.war ] || { echo "java stub: --war expected" >&2; exit 2; }
    d="${opt[plugin-download-directory]:?}"
    rm -rf "$d"
    mkdir -p "$d"
    echo "Done" # the manager prints its progress on stdout
    while IFS=: read -r name version; do
      [ -n "$name" ] || continue
      override="$(awk -v n="$name" '$1 == n { print $2 }' "$H/plugin-overrides" 2>/dev/null)"
      printf 'Manifest-Version: 1.0\r\nShort-Name: %s\r\nPlugin-Version: %s\r\n' "$name" "${override:-$version}" >"$d/${name}.jpi"
    done <"${opt[plugin-file]:?}"
    printf 'Manifest-Version: 1.0\r\nShort-Name: kubernetes-client-api\r\nPlugin-Version: 7.3.1-256.v788a_0b_787114\r\n' >"$d/kubernetes-client-api.jpi"
    ;;
  unzip)
    [ "$1" = -p ] && [ -f "$2" ] || { echo "unzip stub: unzip -p FILE MEMBER only" >&2; exit 9; }
    [ "$3" = META-INF/MANIFEST.MF ] || exit 11
    cat "$2"
    ;;

  vault)
    fault vault "$*"
    [ "${VAULT_ADDR:-}" = "https://127.0.0.1:8200" ] || { echo "vault stub: VAULT_ADDR must be https://127.0.0.1:8200" >&2; exit 1; }
    [ -s "${VAULT_CACERT:-}" ] || { echo "vault stub: VAULT_CACERT must name the CA file" >&2; exit 1; }
    V="$H/vault"
    mkdir -p "$V"
    # Tokens the stub knows: the root token init printed (encrypted), the snapshot login's, and
    # the metrics tokens it issued. Anything else is refused, as Vault would.
    need_token() {
      [ -n "${VAULT_TOKEN:-}" ] && has_line "$V/tokens" "^${VAULT_TOKEN} " || { echo "Error: permission denied (403)" >&2; exit 2; }
    }
    token_policy() { sed -n "s/^${VAULT_TOKEN} //p" "$V/tokens"; }
    need_root() { need_token; [ "$(token_policy)" = root ] || { echo "Error: permission denied (403): not a root token" >&2; exit 2; }; }
    status_json() { cat "$H/vault-status" 2>/dev/null || echo '{"initialized": false, "sealed": true}'; }
    case "$1 ${2:-}" in
      "status -format=json" | "status ")
        state="$(status_json)"
        echo "$state"
        [ "$(jq -r .sealed <<<"$state")" = false ] || exit 2
        ;;
      "login -token-only")
        # vault login -method=aws: the iam login carries the server id header the mount requires.
        if [[ " $* " == *" -method=aws "* ]]; then
          [[ " $* " == *" header_value=${HARNESS_HOSTNAME} "* ]] || { echo "Error authenticating: missing header X-Vault-AWS-IAM-Server-ID" >&2; exit 2; }
        fi
        echo "hvs.harness-token raft-snapshot" >>"$V/tokens"
        echo "hvs.harness-token"
        ;;
      "operator init")
        [ "$(jq -r .initialized <<<"$(status_json)")" = false ] || { echo "Error initializing: Vault is already initialized" >&2; exit 2; }
        shares=""; threshold=""; keys=""; rootkey=""
        for a in "$@"; do
          case "$a" in
            -recovery-shares=*) shares="${a#*=}" ;;
            -recovery-threshold=*) threshold="${a#*=}" ;;
            -recovery-pgp-keys=*) keys="${a#*=}" ;;
            -root-token-pgp-key=*) rootkey="${a#*=}" ;;
            -key-shares=* | -pgp-keys=*) echo "vault stub: auto-unseal takes recovery keys, not $a" >&2; exit 1 ;;
          esac
        done
        IFS=, read -r -a files <<<"$keys"
        [ "${#files[@]}" -eq "$shares" ] || { echo "Error initializing: incorrect number of PGP keys for recovery" >&2; exit 2; }
        [ -n "$rootkey" ] || { echo "vault stub: the harness expects -root-token-pgp-key" >&2; exit 1; }
        enc=()
        for f in "${files[@]}"; do
          [ -r "$f" ] || { echo "Error: could not read ${f}" >&2; exit 2; }
          enc+=("pgp(${f##*/}:$(sed -n 's/^FPR://p' "$f"))")
        done
        echo "hvs.root-token root" >>"$V/tokens"
        echo '{"initialized": true, "sealed": false}' >"$H/vault-status"
        printf '%s\n' "${enc[@]}" | jq -R . | jq -s --arg root "pgp(root:$(sed -n 's/^FPR://p' "$rootkey"))" --argjson t "$threshold" \
          '{recovery_keys_b64: ., recovery_keys_shares: length, recovery_keys_threshold: $t, root_token: $root}'
        ;;
      "token lookup") need_token; echo "policies [$(token_policy)]" ;;
      "audit list")
        need_root
        if [ -f "$V/audit" ]; then jq -n --arg p "$(cat "$V/audit")" '{"file/": {type: "file", options: {file_path: $p}}}'; else echo '{}'; fi
        ;;
      "audit enable")
        need_root
        [ "$3" = file ] || { echo "vault stub: only the file device" >&2; exit 1; }
        for a in "$@"; do case "$a" in file_path=*) echo "${a#*=}" >"$V/audit" ;; esac; done
        ;;
      "policy write")
        need_root
        cat >"$V/policy-$3"
        ;;
      "auth list")
        need_root
        jq -n --arg m "$(cat "$V/auth" 2>/dev/null)" '$m | split("\n") | map(select(. != "")) | map({key: (. + "/"), value: {}}) | from_entries'
        ;;
      "auth enable")
        need_root
        for a in "$@"; do case "$a" in -path=*) echo "${a#*=}" >>"$V/auth" ;; esac; done
        ;;
      "write auth/token/roles/prometheus-metrics" | "write "*)
        need_root
        shift
        printf '%s' "$1" >>"$V/writes"
        shift
        printf ' %s' "$@" >>"$V/writes"
        echo >>"$V/writes"
        ;;
      "token create")
        need_root
        n="$(wc -l <"$V/tokens")"
        echo "hvs.metrics-${n} prometheus-metrics" >>"$V/tokens"
        jq -n --arg t "hvs.metrics-${n}" --arg a "accessor-${n}" '{auth: {client_token: $t, accessor: $a, policies: ["prometheus-metrics"]}}'
        ;;
      "token renew")
        need_token
        ;;
      "token revoke")
        if [ "${3:-}" = -self ]; then
          need_token
          grep -v "^${VAULT_TOKEN} " "$V/tokens" >"$V/tokens.new" || true
          mv -f "$V/tokens.new" "$V/tokens"
        elif [ "${3:-}" = -accessor ]; then
          need_root
          echo "${4}" >>"$V/revoked-accessors"
        fi
        ;;
      "operator raft")
        need_token
        case "${4:-}" in
          save) echo "raft snapshot bytes" >"${!#}" ;;
          restore) need_root; cp "${!#}" "$V/restored" ;;
          *) echo "vault stub: unsupported $*" >&2; exit 1 ;;
        esac
        ;;
      *) echo "vault stub: unsupported $*" >&2; exit 1 ;;
    esac
    ;;

  curl)
    url=""
    out=""
    method=""
    upload=""
    data_binary=""
    data_file=""
    cacert=""

    headers=()
    form=()
    config_stdin=""
    user=""
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
        -d) data_file="${2#@}"; shift 2 ;;
        -*) shift ;;
        *) url="$1"; shift ;;
      esac
    done
    if [ -n "$config_stdin" ]; then
      while IFS= read -r line; do
        case "$line" in
          'header = "'*) line="${line#header = \"}"; headers+=("${line%\"}") ;;
          'user = "'*) line="${line#user = \"}"; user="${line%\"}" ;;
        esac
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
        if [ "$resource" = https://management.azure.com/ ]; then
          claims="$(printf '{"aud": "%s", "oid": "11111111-2222-3333-4444-555555555555", "tid": "00000000-1111-2222-3333-444444444444"}' "$resource" | base64 -w0 | tr '+/' '-_' | tr -d '=')"
          printf '{"access_token": "eyJhbGciOiJSUzI1NiJ9.%s.sig", "expires_in": "3599", "token_type": "Bearer"}\n' "$claims"
        else
          printf '{"access_token": "az:%s", "expires_in": "3599", "token_type": "Bearer"}\n' "$resource"
        fi
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
        echo "hvs.harness-token raft-snapshot" >>"$H/vault/tokens"
        echo '{"auth": {"client_token": "hvs.harness-token"}}'
        ;;
      http://169.254.169.254/latest/api/token)
        [ "$method" = PUT ] && header X-aws-ec2-metadata-token-ttl-seconds >/dev/null || http_error 401
        echo "imds-session-token"
        ;;
      http://169.254.169.254/latest/meta-data/iam/info)
        [ "$(header X-aws-ec2-metadata-token)" = imds-session-token ] || http_error 401
        printf '{"Code": "Success", "InstanceProfileArn": "arn:aws:iam::123456789012:instance-profile/%s", "InstanceProfileId": "AIPAHARNESS"}\n' "$HARNESS_HOSTNAME"
        ;;
      http://169.254.169.254/latest/meta-data/iam/security-credentials/)
        [ "$(header X-aws-ec2-metadata-token)" = imds-session-token ] || http_error 401
        echo "${HARNESS_HOSTNAME}-role"
        ;;
      http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/email)
        [ "$(header Metadata-Flavor)" = Google ] || http_error 403
        printf '%s@plat-dev-123456.iam.gserviceaccount.com' "${HARNESS_HOSTNAME:0:20}"
        ;;
      http://metadata.google.internal/computeMetadata/v1/project/project-id)
        [ "$(header Metadata-Flavor)" = Google ] || http_error 403
        printf 'plat-dev-123456'
        ;;
      https://management.azure.com/subscriptions/*/providers/Microsoft.ContainerService/managedClusters/*/listClusterUserCredential\?api-version=*)
        [ "$method" = POST ] || http_error 405
        case "$(header Authorization)" in "Bearer eyJ"*) ;; *) http_error 401 ;; esac
        cluster="${url%%/listClusterUserCredential*}"
        cluster="${cluster##*/}"
        kubeconfig="$(printf 'apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: %s\n    server: https://%s-dns-0a1b2c3d.0a1b2c3d-priv.privatelink.westeurope.azmk8s.io:443\n  name: %s\nusers:\n- name: clusterUser\n  user:\n    exec:\n      command: kubelogin\n' "$(base64 -w0 <"$H/cluster/ca.crt")" "$cluster" "$cluster")"
        jq -n --arg v "$(printf '%s\n' "$kubeconfig" | base64 -w0)" '{kubeconfigs: [{name: "clusterUser", value: $v}]}'
        ;;
      https://container.googleapis.com/v1/projects/*/locations/*/clusters/*)
        [ "$(header Authorization)" = "Bearer gcp-token" ] || http_error 401
        jq -n --arg ca "$(base64 -w0 <"$H/cluster/ca.crt")" '{name: "cluster", endpoint: "172.16.0.2", privateClusterConfig: {enablePrivateEndpoint: true, privateEndpoint: "172.16.0.2"}, masterAuth: {clusterCaCertificate: $ca}}'
        ;;
      http://127.0.0.1:8080/reload-configuration-as-code/)
        [ "$method" = POST ] || http_error 405
        want="$(sed -n 's/^CASC_RELOAD_TOKEN=//p' "$R/etc/default/platform-jenkins")"
        [ -n "$data_file" ] && [ "$(cat "$data_file")" = "casc-reload-token=${want}" ] || http_error 401
        if [ -s "$H/casc-reload-error" ]; then
          # JCasC 2115 (TokenReloadAction): a ConfiguratorException is 200 with a JSON error body.
          if [ -n "$out" ]; then cp "$H/casc-reload-error" "$out"; else cat "$H/casc-reload-error"; fi
          exit 0
        fi
        echo reload >>"$H/casc-reloads"
        ;;
      https://127.0.0.1:9200/*)
        # The Wazuh indexer: TLS verified with the install's root CA, basic auth from curl's config on stdin.
        [ -n "$cacert" ] && [ -s "$cacert" ] || { echo "curl: (60) SSL certificate problem" >&2; exit 60; }
        [ -n "$user" ] || http_error 401
        want="$(tar -xzOf "$R/var/lib/wazuh-data/install/wazuh-install-files.tar" wazuh-install-files/wazuh-passwords.txt 2>/dev/null ||
          tar -xzOf "$R/root/wazuh-install/wazuh-install-files.tar" wazuh-install-files/wazuh-passwords.txt)"
        want="$(awk '$2 == "'"'"'admin'"'"'" { getline; print $2 }' <<<"$want" | tr -d "'")"
        [ "$user" = "admin:${want}" ] || http_error 401
        path="${url#https://127.0.0.1:9200/}"
        I="$H/indexer"
        echo "${method:-GET} ${path}" >>"$I/requests"
        case "${method:-GET} ${path%%\?*}" in
          "GET _cluster/health") echo '{"cluster_name": "wazuh-cluster", "status": "green"}' ;;
          "GET _plugins/_ism/policies/"*)
            [ -f "$I/policy" ] || http_error 404
            jq --argjson seq "$(cat "$I/seq")" '{_id: "platform-retention", _seq_no: $seq, _primary_term: 1, policy: .policy}' "$I/policy"
            ;;
          "PUT _plugins/_ism/policies/"*)
            if [ -f "$I/policy" ]; then
              case "$path" in *"if_seq_no=$(cat "$I/seq")&if_primary_term=1"*) ;; *) http_error 409 ;; esac
            fi
            printf '%s' "$data_binary" | jq -e '.policy.states and .policy.ism_template' >/dev/null || http_error 400
            printf '%s' "$data_binary" >"$I/policy"
            echo $(( $(cat "$I/seq" 2>/dev/null || echo 0) + 1 )) >"$I/seq"
            echo '{"_id": "platform-retention"}'
            ;;
          "POST _plugins/_ism/add/"*) echo '{"updated_indices": 3, "failures": false}' ;;
          "PUT _cluster/settings" | "POST _flush" | "DELETE _index_template/"*) echo '{"acknowledged": true}' ;;
          *) http_error 404 ;;
        esac
        ;;
      https://*)
        # Everything else is a download from the harness's mirror of the internet.
        src="$(awk -F'\t' -v u="$url" '$1 == u { f = $2 } END { print f }' "$H/mirror.tsv")"
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
