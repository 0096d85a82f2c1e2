/**
 * Tool VM bootstrap (cloud-agnostic): `#cloud-config` user data for the bastion, Jenkins, Vault
 * and Wazuh VMs. Each cloud's component creates the VMs and passes `renderBootstrap(...)` as
 * user data; its firewall rules come from BOOTSTRAP_PORTS. See README.md for operator steps.
 */
export * from "./types";
export { renderBootstrapDocument, buildCloudConfig, CloudConfig, compressUserData, USER_DATA_LIMITS } from "./render";
export { renderBootstrap, renderBootstrapGzipBase64, DeepInput } from "./output";
export { validateBootstrapParams, assertValidBootstrapParams, BootstrapParamsError } from "./validate";
export { BOOTSTRAP_PORTS, PORTS, PortAudience, ServicePort, portsFor } from "./ports";
export { PINNED_VERSIONS, PinnedVersions, APT_REPOSITORIES, AptRepository, NODE_EXPORTER_SHA256 } from "./versions";
export { MOUNT_POINTS, VAULT_TLS, PLATFORM_TLS, WAZUH_INDEXER_DATA, TLS_CONSUMERS, ROLE_TLS_CONSUMERS, JENKINS_LOOPBACK_PORT } from "./scripts";
export { InternalCa, InternalCaArgs, ServiceCertificate, ServiceCertificateArgs, SshHostKey, sshFingerprint, TlsBundle, certificateNames } from "./pki";
export { RETRY_POLICIES, RetryPolicy, STEP_BUDGET_SECONDS, worstCaseSleepSeconds } from "./timing";
