/**
 * Jenkins builds on Kubernetes, configured as code (issue 22).
 *
 * The controller on the Jenkins VM runs no build (0 executors): the Kubernetes plugin starts
 * one agent pod per build in the cluster's `jenkins-agents` namespace, and the agent connects
 * back over WebSocket through nginx's TLS listener. Everything the controller is, is in
 * configuration-as-code files (JCasC, `CASC_JENKINS_CONFIG`), rewritten by the bootstrap:
 * - `10-platform.yaml`: security realm (Jenkins' own user database, no sign-up, one
 *   `platform-admin` whose password is generated on the VM), authorization (logged-in users,
 *   no anonymous read), 0 executors, no inbound TCP agent port, CSRF crumbs, plain-text markup,
 *   the URL agents use;
 * - `20-kubernetes-cloud.yaml`: the cluster (endpoint and CA looked up with the VM identity),
 *   the credential, and the restricted agent pod template; written by the refresh timer, which
 *   asks JCasC to reload when it changes (`/reload-configuration-as-code/` with the reload token,
 *   docs/features/configurationReload.md of jenkinsci/configuration-as-code-plugin).
 *
 * The cluster credential is the VM's own identity: every 2 minutes the timer mints a short-lived
 * token (EKS presigned STS, valid 15 minutes; Entra and Google access tokens, handed out by the
 * metadata services from a cache with at least 5 minutes left) into
 * /run/secrets/kubernetes.io/serviceaccount/token, the path the kubernetes-credentials plugin's
 * "Kubernetes Service Account" credential (FileSystemServiceAccountCredential) reads on every
 * use; the Kubernetes plugin builds a new client from the credential when its cached one expires
 * (KubernetesClientProvider, `...clients.cacheExpiration`, set to 2 minutes here), so a client
 * never holds a token older than 2 + 2 minutes, less than any token's remaining life when it was
 * read. No token is stored in JENKINS_HOME. The credential itself is added by the init.groovy.d
 * floor (scripts.ts JENKINS_CONTROLLER_POLICY), not by JCasC.
 */
import { stringify } from "yaml";
import { JENKINS_AGENT_CA_CONFIGMAP, JENKINS_AGENT_CA_KEY, JENKINS_AGENT_LABEL, JENKINS_AGENTS_NAMESPACE, JENKINS_AGENT_SERVICE_ACCOUNT } from "../kubernetes/common";
import { NODE_EXPORTER_TEXTFILE_DIR, scriptHeader, shq, BOOTSTRAP_STAGING_DIR } from "./shell";
import { PORTS } from "./ports";
import type { AgentPlacement, KubernetesCloud } from "./types";
import { JENKINS_AGENT_IMAGE, JENKINS_PLUGINS, JENKINS_PLUGIN_MANAGER } from "./versions";
import { SERVICE_ACCOUNTS } from "./operations";

const HOME = SERVICE_ACCOUNTS.jenkins.home;

/** Where JCasC reads its files (`CASC_JENKINS_CONFIG` names this directory). */
export const JENKINS_CASC_DIR = `${HOME}/casc`;
/** The one local administrator's password, generated on the VM, read by JCasC (`readFile`). */
export const JENKINS_ADMIN_PASSWORD_FILE = `${HOME}/secrets/platform-admin-password`;
export const JENKINS_ADMIN_USER = "platform-admin";
/** Jenkins' and the refresh timer's shared settings: the agents' URL and the JCasC reload token (0600 root; systemd reads it). */
export const JENKINS_PLATFORM_ENV = "/etc/default/platform-jenkins";
/** The path FileSystemServiceAccountCredential reads (jenkinsci/kubernetes-credentials-plugin, SERVICEACCOUNT_TOKEN_PATH). */
export const KUBE_TOKEN_FILE = "/run/secrets/kubernetes.io/serviceaccount/token";
export const JENKINS_KUBE_PROM = `${NODE_EXPORTER_TEXTFILE_DIR}/jenkins_kubernetes.prom`;
export const JENKINS_CLOUD_NAME = "platform-cluster";
export const JENKINS_KUBE_CREDENTIAL_ID = "platform-cluster-identity";
export const JENKINS_AGENT_CA_DIR = "/var/run/platform-ca";
/**
 * Client cache of the Kubernetes plugin, seconds (system property read by
 * org.csanchez.jenkins.plugins.kubernetes.KubernetesClientProvider; default 10 minutes, chosen
 * upstream for EKS's 15-minute tokens). With a token at most {@link KUBE_REFRESH_MINUTES} old
 * when a client is built, a client never outlives its token.
 */
export const KUBE_CLIENT_CACHE_SECONDS = 120;
export const KUBE_REFRESH_MINUTES = 2;
/**
 * The least life a token has left when the VM reads it: the GCE metadata server hands out a
 * cached access token until it has 5 minutes left ("caches access tokens until they have 5
 * minutes of remaining time before they expire":
 * https://cloud.google.com/compute/docs/access/authenticate-workloads#applications); EKS tokens
 * live 15 minutes from signing (docs.aws.amazon.com/eks/latest/userguide/cluster-auth.html);
 * Azure's IMDS serves managed-identity tokens from a cache as well, taken to be the same bound.
 */
export const SHORTEST_TOKEN_MINUTES = 5;
/**
 * The AKS server application ("Azure Kubernetes Service AAD Server") every AKS cluster with Entra
 * integration accepts tokens for (https://azure.github.io/kubelogin/concepts/aks.html#azure-kubernetes-service-aad-server;
 * components/azure/cluster.ts AKS_AAD_SERVER_APP_ID, the deployer's kubelogin `--server-id`).
 * Checked against offline/constraints/tables/azure-well-known-apps.ts (tests/azure/cluster.test.ts).
 */
export const AKS_SERVER_APP_ID = "6dae42f8-4368-4678-94ff-3960e28e3630";
/** ARM API version of listClusterUserCredential: the version @pulumi/azure-native's containerservice module uses (2025-09-01). */
export const AKS_ARM_API_VERSION = "2025-09-01";

/** The Java options Jenkins starts with (the Debian unit's JAVA_OPTS, overridden by the drop-in). */
export const JENKINS_JAVA_OPTS = [
    "-Djava.awt.headless=true",
    // JCasC configures the realm and the admin: no setup wizard, no "suggested plugins".
    "-Djenkins.install.runSetupWizard=false",
    `-Dorg.csanchez.jenkins.plugins.kubernetes.clients.cacheExpiration=${KUBE_CLIENT_CACHE_SECONDS}`,
].join(" ");

/** `name:version` lines for the plugin manager (`--plugin-file`), sorted. */
export function pluginsTxt(): string {
    return Object.keys(JENKINS_PLUGINS)
        .sort()
        .map((name) => `${name}:${JENKINS_PLUGINS[name]}\n`)
        .join("");
}

/** The controller as code (JCasC): realm, authorization, executors, agent port, the agents' URL. */
export function jenkinsCascPlatform(): string {
    const doc = {
        jenkins: {
            numExecutors: 0,
            mode: "EXCLUSIVE",
            slaveAgentPort: -1,
            disableRememberMe: true,
            markupFormatter: "plainText",
            crumbIssuer: { standard: { excludeClientIPFromCrumb: false } },
            securityRealm: {
                local: {
                    allowsSignup: false,
                    users: [{ id: JENKINS_ADMIN_USER, password: `\${readFile:${JENKINS_ADMIN_PASSWORD_FILE}}` }],
                },
            },
            authorizationStrategy: { loggedInUsersCanDoAnything: { allowAnonymousRead: false } },
        },
        unclassified: { location: { url: "${PLATFORM_JENKINS_URL}" } },
    };
    return `# Managed by the platform bootstrap (components/bootstrap/jenkins-agents.ts).\n${stringify(doc)}`;
}

/**
 * The Kubernetes cloud, without what the VM looks up (serverUrl, serverCertificate, jenkinsUrl):
 * JSON, which JCasC's YAML parser reads as YAML. Agents: one pod per build, removed after it,
 * the restricted Pod Security profile, no API token, the platform CA to trust the controller.
 */
export function jenkinsCloudTemplate(placement: AgentPlacement = {}): string {
    const spec: Record<string, unknown> = { automountServiceAccountToken: false };
    if (placement.agentTolerations?.length) spec.tolerations = placement.agentTolerations.map((t) => ({ ...t }));
    const doc = {
        jenkins: {
            clouds: [
                {
                    kubernetes: {
                        name: JENKINS_CLOUD_NAME,
                        serverUrl: "",
                        serverCertificate: "",
                        namespace: JENKINS_AGENTS_NAMESPACE,
                        credentialsId: JENKINS_KUBE_CREDENTIAL_ID,
                        jenkinsUrl: "",
                        webSocket: true,
                        // The plugin's own restricted Pod Security context on every container.
                        restrictedPssSecurityContext: true,
                        containerCapStr: String(placement.maxAgents ?? 10),
                        podLabels: [{ key: JENKINS_AGENT_LABEL, value: "true" }],
                        templates: [
                            {
                                // A fixed id: an agent that outlives a controller restart finds
                                // its template again (PodTemplate makes a random UUID otherwise).
                                id: "platform-default",
                                name: "default",
                                label: "kubernetes",
                                namespace: JENKINS_AGENTS_NAMESPACE,
                                serviceAccount: JENKINS_AGENT_SERVICE_ACCOUNT,
                                nodeUsageMode: "NORMAL",
                                podRetention: "never",
                                volumes: [{ configMapVolume: { configMapName: JENKINS_AGENT_CA_CONFIGMAP, mountPath: JENKINS_AGENT_CA_DIR } }],
                                containers: [
                                    {
                                        name: "jnlp",
                                        image: `${JENKINS_AGENT_IMAGE.repository}:${JENKINS_AGENT_IMAGE.tag}`,
                                        // The image's user is the name `jenkins` (uid 1000): runAsNonRoot
                                        // needs a numeric user or the kubelet refuses the container.
                                        runAsUser: "1000",
                                        runAsGroup: "1000",
                                        // remoting's -cert: a PEM certificate to trust for the controller's URL
                                        // (WebSocket too); this replaces the plugin's own REMOTING_OPTS, so its
                                        // -noReconnectAfter is kept.
                                        envVars: [{ envVar: { key: "REMOTING_OPTS", value: `-noReconnectAfter 1d -cert @${JENKINS_AGENT_CA_DIR}/${JENKINS_AGENT_CA_KEY}` } }],
                                        resourceRequestCpu: "500m",
                                        resourceRequestMemory: "512Mi",
                                        resourceLimitCpu: "2",
                                        resourceLimitMemory: "2Gi",
                                    },
                                ],
                                yamlMergeStrategy: "merge",
                                // What the template fields cannot say: no API token in agent pods, and
                                // the workload pool's taints (Spot pools on AKS and GKE).
                                yaml: stringify({ spec }),
                            },
                        ],
                    },
                },
            ],
        },
    };
    return `${JSON.stringify(doc)}\n`;
}

/** Bash that sets `server`, `ca_b64` and `token` for the cluster, with the VM identity only. */
export function clusterAccessCommands(k: KubernetesCloud): string {
    switch (k.type) {
        case "eks":
            // DescribeCluster (eks:DescribeCluster on this cluster only), then a presigned STS
            // GetCallerIdentity as the bearer token (no IAM permission; the access entry maps the role).
            return `ensure_aws_cli >&2
cluster="$(aws eks describe-cluster --region ${shq(k.region)} --name ${shq(k.clusterName)} --output json)"
server="$(jq -er '.cluster.endpoint' <<<"$cluster")"
ca_b64="$(jq -er '.cluster.certificateAuthority.data' <<<"$cluster")"
token="$(aws eks get-token --region ${shq(k.region)} --cluster-name ${shq(k.clusterName)} --output json | jq -er '.status.token')"`;
        case "aks":
            // listClusterUserCredential ("Azure Kubernetes Service Cluster User Role" on this cluster,
            // learn.microsoft.com/azure/role-based-access-control/built-in-roles/containers#azure-kubernetes-service-cluster-user-role;
            // granted and checked against the role table in components/azure) gives the server and CA;
            // the bearer token is the identity's Entra token for the AKS server app.
            return `arm="$(azure_token 'https://management.azure.com/' ${shq(k.clientId)})"
kubeconfig="$(curl_bearer "$arm" -fsS -X POST -H 'Content-Length: 0' ${shq(
                `https://management.azure.com/subscriptions/${k.subscriptionId}/resourceGroups/${k.resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${k.clusterName}/listClusterUserCredential?api-version=${AKS_ARM_API_VERSION}`,
            )} | jq -er '.kubeconfigs[0].value' | base64 -d)"
server="$(awk '$1 == "server:" { print $2; exit }' <<<"$kubeconfig")"
ca_b64="$(awk '$1 == "certificate-authority-data:" { print $2; exit }' <<<"$kubeconfig")"
token="$(azure_token ${shq(AKS_SERVER_APP_ID)} ${shq(k.clientId)})"`;
        case "gke":
            // clusters.get (roles/container.clusterViewer,
            // https://cloud.google.com/kubernetes-engine/docs/how-to/iam#predefined; granted as
            // CLUSTER_VIEWER_ROLE in components/gcp/iam.ts, checked against tables/gcp-roles.ts) gives
            // the private endpoint and CA; GKE accepts the service account's own access token as that account.
            return `token="$(gcp_token)"
cluster="$(curl_bearer "$token" -fsS ${shq(`https://container.googleapis.com/v1/projects/${k.project}/locations/${k.location}/clusters/${k.clusterName}`)})"
server="https://$(jq -er '.privateClusterConfig.privateEndpoint // .endpoint' <<<"$cluster")"
ca_b64="$(jq -er '.masterAuth.clusterCaCertificate' <<<"$cluster")"`;
        default: {
            const impossible: never = k;
            throw new Error(`unknown Kubernetes cloud ${JSON.stringify(impossible)}`);
        }
    }
}

/**
 * The refresh: token, cluster, the cloud's JCasC file (reload on change), and its outcome for
 * Prometheus (JenkinsKubernetesAccessFailing). Exits non-zero on any failure, so the unit shows
 * failed (the failed-units alert) and the metric says since when.
 */
export function jenkinsKubeRefreshScript(k: KubernetesCloud): string {
    return `${scriptHeader(`Jenkins -> ${k.type.toUpperCase()} ${k.clusterName}: a fresh token from the VM identity, and the cluster in JCasC. Run by platform-jenkins-kube.timer.`)}
readonly TOKEN_FILE=${shq(KUBE_TOKEN_FILE)}
readonly CLOUD_FILE=${shq(`${JENKINS_CASC_DIR}/20-kubernetes-cloud.yaml`)}
readonly PROM=${shq(JENKINS_KUBE_PROM)}
readonly APPLIED=/run/platform-jenkins-kube.applied

report() { report_outcome "$PROM" platform_jenkins_kubernetes 'cluster token and settings refresh' "\${KUBE_DONE:-}" "\${1:-$?}"; }
work="$(umask 077 && mktemp -d)"
trap 'report; rm -rf "$work"' EXIT

${clusterAccessCommands(k)}

[[ "$server" =~ ^https://[A-Za-z0-9.-]+(:[0-9]+)?/?$ ]] || die "the cluster lookup gave no HTTPS endpoint: \${server:0:80}"
base64 -d <<<"$ca_b64" >"\${work}/ca.crt" 2>/dev/null || die "the cluster CA is not base64"
openssl x509 -in "\${work}/ca.crt" -noout 2>/dev/null || die "the cluster CA is not a PEM certificate"
[[ "$token" =~ ^[A-Za-z0-9._~+/=:-]{8,}$ ]] || die "the identity's token is not a bearer token"

# Read by the credential on every use: replaced atomically, readable by Jenkins only.
install -d -m 0750 -o root -g jenkins /run/secrets /run/secrets/kubernetes.io "$(dirname "$TOKEN_FILE")"
tmp="$(umask 077 && mktemp "\${TOKEN_FILE}.XXXXXX")"
printf '%s' "$token" >"$tmp"
chown root:jenkins "$tmp"
chmod 0440 "$tmp"
mv -f "$tmp" "$TOKEN_FILE"

# shellcheck source=/dev/null
. ${shq(JENKINS_PLATFORM_ENV)}
jq --arg server "$server" --rawfile ca "\${work}/ca.crt" --arg url "$PLATFORM_JENKINS_URL" \\
  '.jenkins.clouds[0].kubernetes |= (.serverUrl = $server | .serverCertificate = $ca | .jenkinsUrl = $url)' \\
  ${shq(`${BOOTSTRAP_STAGING_DIR}/jenkins-kubernetes-cloud.json`)} >"\${work}/cloud.yaml"
if ! cmp -s "\${work}/cloud.yaml" "$CLOUD_FILE"; then
  install -m 0640 -o root -g jenkins "\${work}/cloud.yaml" "$CLOUD_FILE"
fi
# Reload until Jenkins has taken this content: a refused or skipped reload is retried next run.
want="$(sha256sum <"$CLOUD_FILE" | cut -d' ' -f1)"
if [ "$(cat "$APPLIED" 2>/dev/null)" != "$want" ]; then
  systemctl is-active --quiet jenkins.service || die "Jenkins is not running: the cluster settings apply when it does"
  printf 'casc-reload-token=%s' "$CASC_RELOAD_TOKEN" >"\${work}/reload"
  # JCasC answers a refused configuration with 200 and an error body: only an empty body is success.
  if ! curl -fsS -o "\${work}/reload.out" -X POST -G -d "@\${work}/reload" 'http://127.0.0.1:8080/reload-configuration-as-code/' ||
    [ -s "\${work}/reload.out" ]; then
    die "Jenkins refused the configuration reload: $(head -c 300 "\${work}/reload.out" 2>/dev/null)"
  fi
  echo "$want" >"$APPLIED"
  log "cluster \${server} in \${CLOUD_FILE}, reloaded"
fi
KUBE_DONE=1
`;
}

export const JENKINS_KUBE_UNITS = {
    service: `[Unit]
Description=Jenkins: cluster token from the VM identity, and the cluster in JCasC
Wants=network-online.target
After=network-online.target
RequiresMountsFor=${HOME}

[Service]
Type=oneshot
UMask=0077
ExecStart=/usr/local/sbin/platform-jenkins-kube
`,
    timer: `[Unit]
Description=Jenkins cluster token refresh (every ${KUBE_REFRESH_MINUTES} minutes; a token has ${SHORTEST_TOKEN_MINUTES} minutes left at least)

[Timer]
OnBootSec=1min
OnUnitActiveSec=${KUBE_REFRESH_MINUTES}min
AccuracySec=15s

[Install]
WantedBy=timers.target
`,
};

/**
 * The step's part for plugins and JCasC (sourced into 50-jenkins before Jenkins starts): the
 * plugin manager jar checked against its release's sha256; the pinned plugins, each checked to
 * be exactly its pinned version; the admin password and reload token generated once; the JCasC
 * platform file. Sets `plugins_changed` / `casc_changed` for service_converge.
 */
export function jenkinsPluginsAndCascCommands(): string {
    const jar = `/opt/jenkins-plugin-manager/jenkins-plugin-manager-${JENKINS_PLUGIN_MANAGER.version}.jar`;
    // Pinned versions through the plugin manager, which checks each download's sha256 against the
    // update center's (a version the update center publishes no checksum for is accepted: upstream
    // PluginManager); the manager itself against its release's published sha256. It downloads to
    // a fresh directory; the files are then copied over JENKINS_HOME/plugins (a plugin dropped
    // from the set stays until removed by hand: README).
    return `readonly PLUGIN_MANAGER=${shq(jar)}
if [ ! -s "$PLUGIN_MANAGER" ]; then
  pm_dir="$(mktemp -d)"
  fetch ${shq(JENKINS_PLUGIN_MANAGER.url)} "\${pm_dir}/pm.jar"
  fetch ${shq(`${JENKINS_PLUGIN_MANAGER.url}.sha256`)} "\${pm_dir}/pm.jar.sha256"
  echo "$(awk '{ print $1; exit }' "\${pm_dir}/pm.jar.sha256")  \${pm_dir}/pm.jar" | sha256sum -c --strict --quiet ||
    die "the plugin manager download does not match its published sha256"
  install -d -m 0755 "$(dirname "$PLUGIN_MANAGER")"
  install -m 0644 -o root -g root "\${pm_dir}/pm.jar" "$PLUGIN_MANAGER"
  rm -rf "$pm_dir"
fi
plugins_changed=""
want="$(sha256sum <${BOOTSTRAP_STAGING_DIR}/jenkins-plugins.txt | cut -d' ' -f1)"
if [ "$(cat ${HOME}/plugins/.platform-plugins.sha256 2>/dev/null)" != "$want" ]; then
  dl="$(mktemp -d)"
  retry_net java -jar "$PLUGIN_MANAGER" --war /usr/share/java/jenkins.war --plugin-download-directory "\${dl}/plugins" \\
    --plugin-file ${BOOTSTRAP_STAGING_DIR}/jenkins-plugins.txt --latest false >&2
  while IFS=: read -r name version; do
    got="$(unzip -p "\${dl}/plugins/\${name}.jpi" META-INF/MANIFEST.MF 2>/dev/null | tr -d '\\r' | awk -F': ' '$1 == "Plugin-Version" { print $2; exit }')"
    [ "$got" = "$version" ] || die "plugin \${name}: downloaded \${got:-nothing}, pinned \${version}"
  done <${BOOTSTRAP_STAGING_DIR}/jenkins-plugins.txt
  install -d -m 0755 -o jenkins -g jenkins ${HOME}/plugins
  for f in "\${dl}"/plugins/*.jpi; do
    install -m 0644 -o jenkins -g jenkins "$f" "${HOME}/plugins/$(basename "$f")"
  done
  echo "$want" >${HOME}/plugins/.platform-plugins.sha256
  rm -rf "$dl"
  plugins_changed=changed
  log "plugins: $(tr '\\n' ' ' <${BOOTSTRAP_STAGING_DIR}/jenkins-plugins.txt)"
fi

# The admin's password and the JCasC reload token, generated once.
if [ ! -s ${shq(JENKINS_ADMIN_PASSWORD_FILE)} ]; then
  install -d -m 0700 -o jenkins -g jenkins ${HOME}/secrets
  (umask 077 && openssl rand -base64 24 | tr -d '\\n' >${shq(JENKINS_ADMIN_PASSWORD_FILE)})
  chown jenkins:jenkins ${shq(JENKINS_ADMIN_PASSWORD_FILE)}
fi
install -d -m 0755 "$(dirname ${shq(JENKINS_PLATFORM_ENV)})"
if ! grep -q '^CASC_RELOAD_TOKEN=' ${shq(JENKINS_PLATFORM_ENV)} 2>/dev/null; then
  (umask 077 && echo "CASC_RELOAD_TOKEN=$(openssl rand -hex 32)" >${shq(JENKINS_PLATFORM_ENV)})
fi
url="https://$(primary_ipv4):${PORTS.jenkinsHttps}/"
env_changed=""
if ! grep -qx "PLATFORM_JENKINS_URL=\${url}" ${shq(JENKINS_PLATFORM_ENV)}; then
  sed -i '/^PLATFORM_JENKINS_URL=/d' ${shq(JENKINS_PLATFORM_ENV)}
  echo "PLATFORM_JENKINS_URL=\${url}" >>${shq(JENKINS_PLATFORM_ENV)}
  env_changed=changed
fi
chmod 0600 ${shq(JENKINS_PLATFORM_ENV)}
install -d -m 0750 -o root -g jenkins ${shq(JENKINS_CASC_DIR)}
casc_changed="$(install_changed ${BOOTSTRAP_STAGING_DIR}/jenkins-casc.yaml ${shq(`${JENKINS_CASC_DIR}/10-platform.yaml`)} 0640 root jenkins)\${env_changed}"
`;
}
