/**
 * Every version and trust anchor the tool VMs install, pinned in ONE place.
 *
 * Bumping a version is a reviewed change to this file (and its test expectations), never an
 * implicit "latest": an unpinned `apt-get install jenkins` on a rebuilt VM would silently jump
 * a major line. The vendor packages are also `apt-mark hold`-ed on the VM so unattended
 * upgrades (security updates of the OS) never move them either.
 *
 * Sources, as read on 2026-11-22 (re-check them when bumping):
 * - Jenkins: LTS line 2.580.x (https://www.jenkins.io/changelog-stable/; the official
 *   jenkins/jenkins:2.580.2 image was released on the same day as the package). Since LTS
 *   2.555.1 the controller needs Java 21 or 25; Ubuntu 24.04 ships `openjdk-21-jre-headless`.
 *   Packages come from https://pkg.jenkins.io/debian-stable, signed since 2.541.1 (2025-12-23,
 *   "New Linux repository signing keys") by jenkins.io-2026.key, fingerprint
 *   5E386EADB55F01504CAE8BCF7198F4B714ABFC68 (rsa4096, expires 2028-12-21), as printed on
 *   https://pkg.jenkins.io/debian-stable/. The older jenkins.io-2023.key expired on 2026-03-26.
 * - Vault: 2.0.4 (https://releases.hashicorp.com/vault/; the default of vault-helm v0.34.1,
 *   which is "tested with Vault v2.0.4, v1.21.9"). Packages from https://apt.releases.hashicorp.com
 *   signed by 798A EC65 4E5C 1542 8C8E 42EE AA16 FCBC A621 E701 (https://www.hashicorp.com/security,
 *   "Linux Package Checksum Verification"; expires 2028-01-09). Debian revision suffix `-1`.
 * - Wazuh: 4.14.8, the newest 4.x patch (4.14.5+ fix CVE-2026-25769/CVE-2026-30893 and the
 *   pre-auth overflow on 1514/tcp, CVE-2026-28221). All-in-one through the installation
 *   assistant https://packages.wazuh.com/4.14/wazuh-install.sh (the script declares
 *   `readonly wazuh_version="4.14.8"`, which the VM checks before running it); agents from
 *   https://packages.wazuh.com/4.x/apt/ signed by 0DCFCA5547B19D2A6099506096B3EE5F29111145
 *   (https://packages.wazuh.com/key/GPG-KEY-WAZUH). Agents must never be newer than the manager.
 * - node_exporter: 1.12.1 (https://github.com/prometheus/node_exporter/releases/tag/v1.12.1),
 *   release tarball checked against the sha256 published in that release's sha256sums.txt.
 */

/** A vendor apt repository: where it is, and the one key allowed to sign it. */
export interface AptRepository {
    /** Base name for /etc/apt/keyrings/<name>.gpg and /etc/apt/sources.list.d/<name>.list. */
    readonly name: string;
    /** HTTPS URL of the ASCII-armoured public key. Downloaded at boot, then verified. */
    readonly keyUrl: string;
    /** Full 40-hex OpenPGP fingerprint of the only primary key the file may contain. */
    readonly keyFingerprint: string;
    /** Repository URL for the `deb [signed-by=...] URL SUITE COMPONENTS` line. */
    readonly url: string;
    /** Suite; `@CODENAME@` is replaced on the VM by the distribution's codename. */
    readonly suite: string;
    /** Components ("main"); empty for flat repositories such as Jenkins' `binary/`. */
    readonly components: string;
}

export interface PinnedVersions {
    /** Jenkins LTS, exactly as the Debian package version (`apt-get install jenkins=<this>`). */
    readonly jenkins: string;
    /** Java runtime package for the Jenkins controller. */
    readonly jenkinsJavaPackage: string;
    /** Vault, upstream version; the Debian package is `vault=<this>-1`. */
    readonly vault: string;
    /** Wazuh 4.x central components: manager, indexer, dashboard (the assistant, then apt for upgrades). */
    readonly wazuh: string;
    /**
     * The agents (`wazuh-agent=<this>-1`). Never newer than `wazuh` in major.minor: the manager
     * refuses such an agent (authd and remoted, compare_wazuh_versions; tests enforce the order).
     * Upgrades bump `wazuh` first, deploy, then `wazuhAgent` (README, Operations).
     */
    readonly wazuhAgent: string;
    /** Prometheus node_exporter release. */
    readonly nodeExporter: string;
}

export const PINNED_VERSIONS: PinnedVersions = {
    jenkins: "2.580.2",
    jenkinsJavaPackage: "openjdk-21-jre-headless",
    vault: "2.0.4",
    wazuh: "4.14.8",
    wazuhAgent: "4.14.8",
    nodeExporter: "1.12.1",
};

/** sha256 of `node_exporter-<version>.linux-<arch>.tar.gz`, from the release's sha256sums.txt. */
export const NODE_EXPORTER_SHA256: Readonly<Record<"amd64", string>> = {
    amd64: "b51d8a76aa2a9156a55d501aca6276fae09e262259a5e4e831d2c2222f084e63",
};

export const APT_REPOSITORIES = {
    jenkins: {
        name: "jenkins",
        keyUrl: "https://pkg.jenkins.io/debian-stable/jenkins.io-2026.key",
        keyFingerprint: "5E386EADB55F01504CAE8BCF7198F4B714ABFC68",
        url: "https://pkg.jenkins.io/debian-stable",
        suite: "binary/",
        components: "",
    },
    hashicorp: {
        name: "hashicorp",
        keyUrl: "https://apt.releases.hashicorp.com/gpg",
        keyFingerprint: "798AEC654E5C15428C8E42EEAA16FCBCA621E701",
        url: "https://apt.releases.hashicorp.com",
        suite: "@CODENAME@",
        components: "main",
    },
    wazuh: {
        name: "wazuh",
        keyUrl: "https://packages.wazuh.com/key/GPG-KEY-WAZUH",
        keyFingerprint: "0DCFCA5547B19D2A6099506096B3EE5F29111145",
        url: "https://packages.wazuh.com/4.x/apt/",
        suite: "stable",
        components: "main",
    },
} as const satisfies Record<string, AptRepository>;

/** The Wazuh installation assistant for the pinned minor line (e.g. .../4.14/wazuh-install.sh). */
export function wazuhInstallerUrl(version: string = PINNED_VERSIONS.wazuh): string {
    const [major, minor] = version.split(".");
    return `https://packages.wazuh.com/${major}.${minor}/wazuh-install.sh`;
}

/**
 * Filebeat's Wazuh alerts template for a release, as the upgrade guide downloads it
 * (documentation.wazuh.com, "Wazuh central components", Configuring Filebeat): the tag's
 * extensions/elasticsearch/7.x/wazuh-template.json.
 */
export function wazuhTemplateUrl(version: string = PINNED_VERSIONS.wazuh): string {
    return `https://raw.githubusercontent.com/wazuh/wazuh/v${version}/extensions/elasticsearch/7.x/wazuh-template.json`;
}

/** Release tarball URL of node_exporter for an architecture. */
export function nodeExporterUrl(arch: "amd64", version: string = PINNED_VERSIONS.nodeExporter): string {
    return `https://github.com/prometheus/node_exporter/releases/download/v${version}/node_exporter-${version}.linux-${arch}.tar.gz`;
}

/**
 * The Jenkins controller's plugin set (Kubernetes agents, configuration as code, Pipeline, Git),
 * exact versions. The set and versions are those jenkinsci/helm-charts pins together in
 * charts/jenkins/values.yaml `controller.installPlugins` (chart 5.9.53, commit 22055414,
 * 2026-08-07: https://github.com/jenkinsci/helm-charts/blob/main/charts/jenkins/values.yaml),
 * all built for Jenkins cores older than the pinned LTS. Installed by the plugin installation
 * manager with `--latest false` (dependencies at the minimum version these require, never
 * "latest"), which verifies every download against the sha256 the update center publishes for
 * that version (plugin-management-library PluginManager.calculateChecksum / verifyChecksum,
 * https://github.com/jenkinsci/plugin-installation-manager-tool). Bumping one is a reviewed
 * change here.
 */
export const JENKINS_PLUGINS: Readonly<Record<string, string>> = {
    kubernetes: "4540.v612369217f87",
    "workflow-aggregator": "608.v67378e9d3db_1",
    git: "5.10.1",
    "configuration-as-code": "2115.vf6de120eef70",
};

/**
 * The plugin installation manager (jenkins-plugin-cli) release, the one the official
 * jenkins/jenkins image pins (jenkinsci/docker debian/Dockerfile `PLUGIN_CLI_VERSION=2.15.0`),
 * checked on the VM against the release's own `.sha256` asset as that Dockerfile does.
 */
export const JENKINS_PLUGIN_MANAGER = {
    version: "2.15.0",
    url: "https://github.com/jenkinsci/plugin-installation-manager-tool/releases/download/2.15.0/jenkins-plugin-manager-2.15.0.jar",
} as const;

/**
 * The agent image the controller's pod template runs (`jnlp` container, WebSocket to the
 * controller): jenkins/inbound-agent at the tag jenkinsci/helm-charts pins beside the plugins
 * above (values.yaml `agent.image.tag`, same commit). Pinned by tag: its digest cannot be read
 * from this machine (no registry access), as for the in-cluster images in DIGEST_PENDING
 * (components/kubernetes/versions.ts).
 */
export const JENKINS_AGENT_IMAGE = { repository: "docker.io/jenkins/inbound-agent", tag: "3385.vf1123fb_515da_-1" } as const;
