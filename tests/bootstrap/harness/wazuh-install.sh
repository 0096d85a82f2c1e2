#!/bin/bash
# Harness stand-in for the Wazuh installation assistant (wazuh-install.sh) at the version the
# platform pins. It refuses exactly where the real one does, read in
# wazuh/wazuh-installation-assistant at tag 4.14.8:
# - common_functions/common.sh common_checkInstalled: a component counts as installed when its
#   package is installed OR any of its directories exists (/var/ossec; /var/lib/wazuh-indexer/,
#   /usr/share/wazuh-indexer, /etc/wazuh-indexer; /var/lib/filebeat/, /usr/share/filebeat,
#   /etc/filebeat; /var/lib/wazuh-dashboard/, /usr/share/wazuh-dashboard, /etc/wazuh-dashboard,
#   /run/wazuh-dashboard/);
# - install_functions/checks.sh checks_arguments: with -a and no -o, any installed component
#   logs "<component> already installed." and exits 1;
# - checks_health (all-in-one): fewer than 2 cores or under 3700 MB of RAM exits 1 (unless -i);
# - a failure after installing started rolls everything back (installCommon_rollBack), so the
#   next run starts clean.
# It then leaves what the real all-in-one install leaves: packages, service users, units, the
# indexer's data under /var/lib/wazuh-indexer (path.data), the dashboard's configuration
# (config/dashboard/dashboard_assistant.yml), the manager's ossec.conf, and the passwords tarball
# next to the script. The line below is what the bootstrap checks before running it.
readonly wazuh_version="4.14.8"

R="${HARNESS_ROOT:?}"
H="${HARNESS_STATE:?}"
log() { printf '%s INFO: %s\n' "$(date '+%d/%m/%Y %H:%M:%S')" "$*"; }
err() { printf '%s ERROR: %s\n' "$(date '+%d/%m/%Y %H:%M:%S')" "$*"; }
printf 'wazuh-install.sh\t%s\n' "$*" >>"$H/installer-runs"

[ "${1:-}" = "-a" ] || [ "${1:-}" = "--all-in-one" ] || { err "harness: only --all-in-one is emulated"; exit 1; }

installed=""
for component in "manager:wazuh-manager:/var/ossec" \
  "indexer:wazuh-indexer:/var/lib/wazuh-indexer/ /usr/share/wazuh-indexer /etc/wazuh-indexer" \
  "dashboard:wazuh-dashboard:/var/lib/wazuh-dashboard/ /usr/share/wazuh-dashboard /etc/wazuh-dashboard /run/wazuh-dashboard/" \
  "filebeat:filebeat:/var/lib/filebeat/ /usr/share/filebeat /etc/filebeat"; do
  IFS=: read -r name pkg dirs <<<"$component"
  found=""
  [ -f "$H/pkgdb/$pkg" ] && found=1
  for d in $dirs; do [ -d "${R}${d}" ] && found=1; done
  if [ -n "$found" ]; then
    case "$name" in
      manager) err "Wazuh manager already installed." ;;
      indexer) err "Wazuh indexer already installed." ;;
      dashboard) err "Wazuh dashboard already installed." ;;
      filebeat) err "Filebeat already installed." ;;
    esac
    installed=1
  fi
done
if [ -n "$installed" ]; then
  log "If you want to overwrite the current installation, run this script adding the option -o/--overwrite. This will erase all the existing configuration and data."
  exit 1
fi

if [ "${HARNESS_CORES:-2}" -lt 2 ] || [ "$(free -m | awk 'FNR == 2 {print $2}')" -lt 3700 ]; then
  err "Your system does not meet the recommended minimum hardware requirements of 4Gb of RAM and 2 CPU cores. If you want to proceed with the installation use the -i option to ignore these requirements."
  exit 1
fi

rollback() {
  rm -rf "$R/var/ossec" "$R/var/lib/wazuh-indexer" "$R/usr/share/wazuh-indexer" "$R/etc/wazuh-indexer" \
    "$R/var/lib/filebeat" "$R/usr/share/filebeat" "$R/etc/filebeat" \
    "$R/var/lib/wazuh-dashboard" "$R/usr/share/wazuh-dashboard" "$R/etc/wazuh-dashboard" "$R/run/wazuh-dashboard"
  rm -f "$H/pkgdb/wazuh-manager" "$H/pkgdb/wazuh-indexer" "$H/pkgdb/wazuh-dashboard" "$H/pkgdb/filebeat"
  log "Installation cleaned. Check the /var/log/wazuh-install.log file to learn more about the issue."
}

# The packages' preinst scripts create their account only when it is missing
# (wazuh-manager: getent passwd || adduser --system; wazuh-indexer: getent passwd || useradd -r):
# an account created beforehand keeps its id. Otherwise: the next free system id.
add_user() {
  local id=899
  if ! grep -q "^$1:" "$H/users" 2>/dev/null; then
    while grep -q "^[^:]*:${id}:" "$H/users" || grep -q "^[^:]*:${id}$" "$H/groups"; do id=$((id - 1)); done
    printf '%s:%s:%s\n' "$1" "$id" "$2" >>"$H/users"
  fi
  grep -q "^$1:" "$H/groups" 2>/dev/null || printf '%s:%s\n' "$1" "$(sed -n "s/^$1:\\([0-9]*\\):.*/\\1/p" "$H/users")" >>"$H/groups"
}
unit() {
  grep -qx "$1" "$H/units/known" 2>/dev/null || echo "$1" >>"$H/units/known"
  echo active >"$H/units/$1.state"
  touch "$H/units/$1.enabled"
}

log "Starting Wazuh installation assistant. Wazuh version: ${wazuh_version}"
# Each install generates its own CA, certificates and passwords (installCommon_createInstallFiles).
install_id="$(wc -l <"$H/installer-runs")"

log "--- Wazuh indexer ---"
add_user wazuh-indexer "$R/usr/share/wazuh-indexer"
mkdir -p "$R/etc/wazuh-indexer/certs" "$R/etc/wazuh-indexer/opensearch-security" "$R/usr/share/wazuh-indexer" "$R/var/lib/wazuh-indexer/nodes/0"
echo "indexer data" >"$R/var/lib/wazuh-indexer/nodes/0/_state"
for f in root-ca.pem indexer.pem indexer-key.pem admin.pem admin-key.pem; do echo "install ${install_id} ${f}" >"$R/etc/wazuh-indexer/certs/${f}"; done
echo "install ${install_id} hashes" >"$R/etc/wazuh-indexer/opensearch-security/internal_users.yml"
# indexer_configure: the halved RAM is computed from an unset variable, so every VM gets 1 GiB.
printf '%s\n' '-Xms1024m' '-Xmx1024m' >"$R/etc/wazuh-indexer/jvm.options"
cat >"$R/etc/wazuh-indexer/opensearch.yml" <<'EOF'
network.host: "127.0.0.1"
node.name: "node-1"
path.data: /var/lib/wazuh-indexer
path.logs: /var/log/wazuh-indexer
EOF
printf '%s-1\n' "$wazuh_version" >"$H/pkgdb/wazuh-indexer"
unit wazuh-indexer.service

# A failure from here on (a package download, a service that does not start) is rolled back,
# as installCommon_rollBack does. Faults on "wazuh-install" inject one.
if ! wazuh-install-fault "$@"; then
  err "Wazuh manager installation failed."
  rollback
  exit 1
fi

log "--- Wazuh server ---"
add_user wazuh "$R/var/ossec"
mkdir -p "$R/var/ossec/etc/rules" "$R/var/ossec/api/configuration/ssl" "$R/var/ossec/queue/db" "$R/var/ossec/logs/alerts" "$R/var/ossec/var/multigroups"
echo "<!-- local rules of install ${install_id} -->" >"$R/var/ossec/etc/rules/local_rules.xml"
: >"$R/var/ossec/etc/client.keys"
echo "rbac of install ${install_id}" >"$R/var/ossec/api/configuration/rbac.db"
cat >"$R/var/ossec/etc/ossec.conf" <<'EOF'
<ossec_config>
  <auth>
    <disabled>no</disabled>
    <port>1515</port>
    <use_password>no</use_password>
    <ssl_manager_cert>etc/sslmanager.cert</ssl_manager_cert>
    <ssl_manager_key>etc/sslmanager.key</ssl_manager_key>
  </auth>
</ossec_config>
EOF
echo "self-signed by the package" >"$R/var/ossec/etc/sslmanager.cert"
echo "self-signed key" >"$R/var/ossec/etc/sslmanager.key"
printf '%s-1\n' "$wazuh_version" >"$H/pkgdb/wazuh-manager"
unit wazuh-manager.service
mkdir -p "$R/etc/filebeat/certs" "$R/usr/share/filebeat" "$R/var/lib/filebeat"
echo "install ${install_id} filebeat" >"$R/etc/filebeat/certs/wazuh-server.pem"
echo "keystore of install ${install_id}" >"$R/var/lib/filebeat/filebeat.keystore"
printf '7.10.2-1\n' >"$H/pkgdb/filebeat"
unit filebeat.service

log "--- Wazuh dashboard ---"
add_user wazuh-dashboard "$R/usr/share/wazuh-dashboard"
mkdir -p "$R/etc/wazuh-dashboard/certs" "$R/usr/share/wazuh-dashboard/bin" "$R/usr/share/wazuh-dashboard/data/wazuh/config" "$R/var/lib/wazuh-dashboard"
echo "install ${install_id} dashboard" >"$R/etc/wazuh-dashboard/certs/dashboard.pem"
echo "hosts: [{default: {url: https://127.0.0.1, port: 55000, username: wazuh-wui, password: wui-${install_id}}}]" >"$R/usr/share/wazuh-dashboard/data/wazuh/config/wazuh.yml"
# opensearch-dashboards-keystore: records what it is given (add -f --stdin KEY reads the value).
cat >"$R/usr/share/wazuh-dashboard/bin/opensearch-dashboards-keystore" <<EOF
#!/bin/bash
printf '%s\t%s\n' "\$*" "\$(cat)" >>"$H/dashboard-keystore"
EOF
chmod 0755 "$R/usr/share/wazuh-dashboard/bin/opensearch-dashboards-keystore"
cat >"$R/etc/wazuh-dashboard/opensearch_dashboards.yml" <<'EOF'
server.host: 0.0.0.0
opensearch.hosts: https://127.0.0.1:9200
server.port: 443
opensearch.ssl.verificationMode: certificate
server.ssl.enabled: true
server.ssl.key: "/etc/wazuh-dashboard/certs/dashboard-key.pem"
server.ssl.certificate: "/etc/wazuh-dashboard/certs/dashboard.pem"
opensearch.ssl.certificateAuthorities: ["/etc/wazuh-dashboard/certs/root-ca.pem"]
EOF
printf '%s-1\n' "$wazuh_version" >"$H/pkgdb/wazuh-dashboard"
unit wazuh-dashboard.service

base_path="$(dirname "$(readlink -f "$0")")"
# The archive as installCommon_createInstallFiles writes it (tar -zcf), passwords in the format of
# passwords_generatePasswordFile.
work="$(mktemp -d)"
mkdir -p "${work}/wazuh-install-files"
{
  for u in admin kibanaserver kibanaro logstash readall snapshotrestore; do
    printf '# %s\n  indexer_username: '"'"'%s'"'"'\n  indexer_password: '"'"'%s'"'"'\n\n' "$u" "$u" "pw-${u}-${install_id}.X+?"
  done
  for u in wazuh wazuh-wui; do
    printf '# %s\n  api_username: '"'"'%s'"'"'\n  api_password: '"'"'%s'"'"'\n\n' "$u" "$u" "api-${u}-${install_id}"
  done
} >"${work}/wazuh-install-files/wazuh-passwords.txt"
tar -zcf "${base_path}/wazuh-install-files.tar" -C "$work" wazuh-install-files/
rm -rf "$work"
log "You can access the web interface https://<wazuh-dashboard-ip>:443"
log "    User: admin"
log "    Password: harness-generated-admin-password"
log "Installation finished."
