/**
 * Typed parameters of the tool VM bootstrap.
 *
 * Params carry only what differs per cloud and stack, and NEVER secret values: user data is
 * readable through the instance metadata service and the cloud's APIs. Secrets are referenced
 * (name / ARN / id) and fetched on the VM at boot with the VM's own identity.
 *
 * The per-cloud unions are tied together by `cloud`: an AWS VM takes an `awskms` seal, an
 * `s3` backup target, an AWS Secrets Manager reference and an EBS data disk, and the compiler
 * refuses a Key Vault seal there.
 */

export type Cloud = "aws" | "azure" | "gcp";
export type BootstrapRole = "bastion" | "jenkins" | "vault" | "wazuh";

export const CLOUDS: readonly Cloud[] = ["aws", "azure", "gcp"];
export const BOOTSTRAP_ROLES: readonly BootstrapRole[] = ["bastion", "jenkins", "vault", "wazuh"];

// ---------------------------------------------------------------------------------------------
// Vault auto-unseal (https://developer.hashicorp.com/vault/docs/configuration/seal)
// ---------------------------------------------------------------------------------------------

/**
 * AWS KMS seal. Credentials come from the instance profile (the SDK's default chain): the
 * rendered stanza never contains `access_key` / `secret_key`. The instance role needs
 * kms:Encrypt, kms:Decrypt and kms:DescribeKey on the key.
 */
export interface AwsKmsSeal {
    readonly type: "awskms";
    /** Region of the key, e.g. `eu-west-1`. */
    readonly region: string;
    /** Key id (UUID), key ARN, or `alias/...`. Not secret. */
    readonly kmsKeyId: string;
}

/**
 * Azure Key Vault seal, authenticated by the VM's managed identity (no `client_secret` is ever
 * rendered). The identity needs the "Key Vault Crypto User" role (or wrapKey/unwrapKey/get).
 */
export interface AzureKeyVaultSeal {
    readonly type: "azurekeyvault";
    /** Entra ID tenant (directory) id, a UUID. */
    readonly tenantId: string;
    /** Key Vault name (3-24 characters). */
    readonly vaultName: string;
    /** Name of the key (RSA) in that vault. */
    readonly keyName: string;
    /**
     * Client id of a user-assigned managed identity, when the VM has more than one identity.
     * An identifier, not a credential. Default: the VM's only / system-assigned identity.
     */
    readonly clientId?: string;
}

/**
 * Google Cloud KMS seal, authenticated by the VM's service account through the metadata server
 * (no `credentials` file). The service account needs roles/cloudkms.cryptoKeyEncrypterDecrypter
 * and cloudkms.cryptoKeys.get on the key.
 */
export interface GcpCkmsSeal {
    readonly type: "gcpckms";
    readonly project: string;
    /** Key ring location, e.g. `europe-west1` or `global`. */
    readonly region: string;
    readonly keyRing: string;
    readonly cryptoKey: string;
}

export type VaultSeal = AwsKmsSeal | AzureKeyVaultSeal | GcpCkmsSeal;

// ---------------------------------------------------------------------------------------------
// Backup targets (object storage for Vault raft snapshots and the JENKINS_HOME archive)
// ---------------------------------------------------------------------------------------------

/**
 * S3 bucket, written with the instance role (s3:PutObject on `<prefix>*`), every object
 * encrypted with the backup key: the uploader sends `--sse aws:kms --sse-kms-key-id <key ARN>`
 * (docs.aws.amazon.com/cli/latest/reference/s3/cp.html), which the bucket policy requires.
 */
export interface S3BackupTarget {
    readonly type: "s3";
    readonly bucket: string;
    readonly region: string;
    /**
     * ARN of the KMS key objects must be encrypted with. The ARN, not the key id or an alias:
     * the bucket policy compares `s3:x-amz-server-side-encryption-aws-kms-key-id` with the value
     * the request carries, and S3 documents that condition against the key ARN.
     */
    readonly kmsKeyArn: string;
    /** Object key prefix; empty or ending in `/`. Default `vault-snapshots/`. */
    readonly prefix?: string;
}

/** Azure Blob container, written with the managed identity ("Storage Blob Data Contributor"). */
export interface AzureBlobBackupTarget {
    readonly type: "azureblob";
    /** Storage account name (3-24 lowercase letters and digits). */
    readonly accountName: string;
    readonly container: string;
    /** Blob name prefix; empty or ending in `/`. Default `vault-snapshots/`. */
    readonly prefix?: string;
    /** User-assigned managed identity client id, if the VM has several. Not a credential. */
    readonly clientId?: string;
}

/** GCS bucket, written with the VM's service account (roles/storage.objectCreator). */
export interface GcsBackupTarget {
    readonly type: "gcs";
    readonly bucket: string;
    /** Object name prefix; empty or ending in `/`. Default `vault-snapshots/`. */
    readonly prefix?: string;
}

export type BackupTarget = S3BackupTarget | AzureBlobBackupTarget | GcsBackupTarget;

// ---------------------------------------------------------------------------------------------
// Secret references (fetched at boot with the VM identity; the value never enters user data)
// ---------------------------------------------------------------------------------------------

/** An AWS Secrets Manager secret (SecretString), read with the instance role. */
export interface AwsSecretsManagerRef {
    readonly type: "aws-secretsmanager";
    /** Secret name or ARN. */
    readonly secretId: string;
    readonly region: string;
}

/** An Azure Key Vault secret, read with the managed identity ("Key Vault Secrets User"). */
export interface AzureKeyVaultSecretRef {
    readonly type: "azure-keyvault";
    readonly vaultName: string;
    readonly secretName: string;
    /** User-assigned managed identity client id, if the VM has several. Not a credential. */
    readonly clientId?: string;
}

/** A Google Secret Manager secret version, read with the VM's service account. */
export interface GcpSecretManagerRef {
    readonly type: "gcp-secretmanager";
    readonly project: string;
    /** Secret id (the short name, not the full resource path). */
    readonly secret: string;
    /** Version number or `latest`. Default `latest`. */
    readonly version?: string;
}

export type SecretRef = AwsSecretsManagerRef | AzureKeyVaultSecretRef | GcpSecretManagerRef;

// ---------------------------------------------------------------------------------------------
// Data disks: each cloud names attached disks differently
// ---------------------------------------------------------------------------------------------

/**
 * An EBS volume. On Nitro instances it appears as NVMe, found by its serial:
 * /dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_vol<id without dash>.
 */
export interface AwsEbsDataDisk {
    readonly type: "aws-ebs";
    /** `vol-...` id of the attached volume. */
    readonly volumeId: string;
    /** The attachment's device name (e.g. `/dev/sdf`), tried too for Xen instance types. */
    readonly deviceName?: string;
}

/**
 * A managed data disk at a LUN: /dev/disk/azure/data/by-lun/<lun> (azure-vm-utils, NVMe-capable
 * images) or /dev/disk/azure/scsi1/lun<lun> (WALinuxAgent udev rules).
 */
export interface AzureLunDataDisk {
    readonly type: "azure-lun";
    /** LUN of the data disk attachment, 0-63. */
    readonly lun: number;
}

/** A persistent disk attached with `deviceName`: /dev/disk/by-id/google-<deviceName>. */
export interface GcpPersistentDataDisk {
    readonly type: "gcp-pd";
    readonly deviceName: string;
}

export type DataDisk = AwsEbsDataDisk | AzureLunDataDisk | GcpPersistentDataDisk;

// ---------------------------------------------------------------------------------------------
// Tying the unions to the cloud
// ---------------------------------------------------------------------------------------------

/** Which variant of each union belongs to which cloud. */
export interface CloudBindings {
    readonly aws: { seal: AwsKmsSeal; backup: S3BackupTarget; secret: AwsSecretsManagerRef; disk: AwsEbsDataDisk };
    readonly azure: {
        seal: AzureKeyVaultSeal;
        backup: AzureBlobBackupTarget;
        secret: AzureKeyVaultSecretRef;
        disk: AzureLunDataDisk;
    };
    readonly gcp: { seal: GcpCkmsSeal; backup: GcsBackupTarget; secret: GcpSecretManagerRef; disk: GcpPersistentDataDisk };
}

export type SealFor<C extends Cloud> = CloudBindings[C]["seal"];
export type BackupTargetFor<C extends Cloud> = CloudBindings[C]["backup"];
export type SecretRefFor<C extends Cloud> = CloudBindings[C]["secret"];
export type DataDiskFor<C extends Cloud> = CloudBindings[C]["disk"];

/** The seal type, backup type, secret-ref type and disk type each cloud accepts. */
export const CLOUD_KINDS: {
    readonly [C in Cloud]: {
        readonly seal: SealFor<C>["type"];
        readonly backup: BackupTargetFor<C>["type"];
        readonly secret: SecretRefFor<C>["type"];
        readonly disk: DataDiskFor<C>["type"];
    };
} = {
    aws: { seal: "awskms", backup: "s3", secret: "aws-secretsmanager", disk: "aws-ebs" },
    azure: { seal: "azurekeyvault", backup: "azureblob", secret: "azure-keyvault", disk: "azure-lun" },
    gcp: { seal: "gcpckms", backup: "gcs", secret: "gcp-secretmanager", disk: "gcp-pd" },
};

// ---------------------------------------------------------------------------------------------
// Role parameters
// ---------------------------------------------------------------------------------------------

/** Shared by every role. */
export interface CommonParams<C extends Cloud> {
    readonly cloud: C;
    /**
     * Host name (RFC 1123 label, e.g. `plat-dev-vault-0`). Also the Wazuh agent name, the Vault
     * raft node id and the CN of the VM's self-signed certificates.
     */
    readonly hostname: string;
    /**
     * Reference to the Wazuh enrollment password in the cloud's secret store. Agents use it to
     * enroll; the Wazuh manager requires it (authd `use_password`). Fetched at boot.
     */
    readonly wazuhEnrollmentSecret: SecretRefFor<C>;
    /**
     * Reference to this VM's TLS bundle in the cloud's secret store: a JSON object
     * `{"certificate", "privateKey", "caCertificate"}` (PEM) issued by the platform's internal
     * CA (components/bootstrap/pki.ts). Read at boot and daily with the VM identity; the private
     * key never enters user data.
     */
    readonly tlsSecret: SecretRefFor<C>;
}

/** Roles that run a Wazuh agent reporting to the manager. */
export interface AgentParams<C extends Cloud> extends CommonParams<C> {
    /** Private DNS name or IP of the Wazuh manager (ports 1514/1515). */
    readonly wazuhManagerAddress: string;
}

/** The bastion: common hardening, node_exporter and the Wazuh agent; SSH forwarding allowed. */
export type BastionParams<C extends Cloud> = AgentParams<C>;

// ---------------------------------------------------------------------------------------------
// Jenkins -> the cluster: where it is and how the VM identity authenticates (issue 22)
// ---------------------------------------------------------------------------------------------

/**
 * EKS: `aws eks describe-cluster` (endpoint, CA; the VM role has eks:DescribeCluster on this
 * cluster only) and `aws eks get-token` (a presigned STS GetCallerIdentity, valid 15 minutes:
 * https://docs.aws.amazon.com/eks/latest/userguide/cluster-auth.html). The role's access entry
 * maps it to the group of ClusterHints.jenkinsAgents.
 */
/** A toleration of the agent pods (core/v1 Toleration, NoSchedule taints of the workload pool). */
export interface AgentToleration {
    readonly key: string;
    readonly operator: "Equal" | "Exists";
    readonly value?: string;
    readonly effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

/** Where agent pods may run and how many at once: the same data the in-cluster layer gets. */
export interface AgentPlacement {
    /**
     * The workload pool's taints the agents tolerate (the cluster hints' `workloadTolerations`:
     * AKS and GKE taint Spot pools; the system pool is never for agents). Default none.
     */
    readonly agentTolerations?: readonly AgentToleration[];
    /** Concurrent agent pods (the Kubernetes cloud's container cap): the namespace quota's pods. Default 10. */
    readonly maxAgents?: number;
}

export interface EksKubernetesCloud extends AgentPlacement {
    readonly type: "eks";
    readonly clusterName: string;
    readonly region: string;
}

/**
 * AKS: `listClusterUserCredential` (server and CA; "Azure Kubernetes Service Cluster User Role" on
 * this cluster: learn.microsoft.com/azure/role-based-access-control/built-in-roles/containers#azure-kubernetes-service-cluster-user-role)
 * with an ARM token, and an Entra token for the AKS server application from IMDS, both for the
 * VM's user-assigned identity (`clientId`).
 */
export interface AksKubernetesCloud extends AgentPlacement {
    readonly type: "aks";
    readonly subscriptionId: string;
    readonly resourceGroup: string;
    readonly clusterName: string;
    /** Client id of the Jenkins VM's user-assigned identity. An identifier, not a credential. */
    readonly clientId: string;
}

/**
 * GKE: `projects.locations.clusters.get` (private endpoint and CA; roles/container.clusterViewer:
 * https://cloud.google.com/kubernetes-engine/docs/how-to/iam#predefined) and the VM service
 * account's access token from the metadata server, which GKE accepts as the
 * service account's e-mail (ClusterHints.jenkinsAgents).
 */
export interface GkeKubernetesCloud extends AgentPlacement {
    readonly type: "gke";
    readonly project: string;
    /** The cluster's location (a region for regional clusters, a zone for zonal ones). */
    readonly location: string;
    readonly clusterName: string;
}

export type KubernetesCloud = EksKubernetesCloud | AksKubernetesCloud | GkeKubernetesCloud;
export type KubernetesCloudFor<C extends Cloud> = C extends "aws" ? EksKubernetesCloud : C extends "azure" ? AksKubernetesCloud : GkeKubernetesCloud;

export interface JenkinsParams<C extends Cloud> extends AgentParams<C> {
    /** Separate data disk for JENKINS_HOME (/var/lib/jenkins). */
    readonly dataDisk: DataDiskFor<C>;
    /**
     * Where the daily JENKINS_HOME archive goes (configuration, credentials and the keys that
     * decrypt them, jobs, plugins; not workspaces, caches or build records, which the disk
     * snapshot keeps). Beyond the disk snapshot: it survives the disk's and its snapshots' loss.
     * Prefix default `jenkins-home/`.
     */
    readonly backup: BackupTargetFor<C>;
    /** Archive schedule as a systemd OnCalendar expression. Default `*-*-* 01:30:00 UTC`. */
    readonly backupSchedule?: string;
    /**
     * The cluster the controller starts build agents in (Kubernetes plugin, namespace
     * `jenkins-agents`), reached with the VM's identity. Names only: the endpoint and CA are
     * looked up on the VM, so the VM never waits for, or is replaced with, the cluster.
     */
    readonly kubernetes: KubernetesCloudFor<C>;
}

export interface VaultParams<C extends Cloud> extends AgentParams<C> {
    /** Separate data disk for raft storage (/opt/vault/data). */
    readonly dataDisk: DataDiskFor<C>;
    /** Auto-unseal with the cloud's KMS, authenticated by the VM identity. */
    readonly seal: SealFor<C>;
    /** Where the snapshot timer uploads raft snapshots. */
    readonly backup: BackupTargetFor<C>;
    /** Snapshot schedule as a systemd OnCalendar expression. Default `hourly`. */
    readonly snapshotSchedule?: string;
    /**
     * Vault auth role the snapshot job logs in with, using the VM identity through the cloud's
     * auth method (aws iam / azure / gcp gce). Created by the operator at initialisation (see
     * README.md). Default `raft-snapshot`.
     */
    readonly snapshotAuthRole?: string;
    /** Mount path of that auth method. Default: `aws`, `azure` or `gcp`. */
    readonly snapshotAuthMount?: string;
}

/** The Wazuh all-in-one server: manager, indexer and dashboard. It runs no agent of its own. */
export interface WazuhParams<C extends Cloud> extends CommonParams<C> {
    /**
     * Separate data disk for the indexer, mounted on /var/lib/wazuh-data (never on
     * /var/lib/wazuh-indexer, which the installation assistant refuses to find).
     */
    readonly dataDisk: DataDiskFor<C>;
}

export interface RoleParamsMap<C extends Cloud> {
    readonly bastion: BastionParams<C>;
    readonly jenkins: JenkinsParams<C>;
    readonly vault: VaultParams<C>;
    readonly wazuh: WazuhParams<C>;
}

/** Parameters of a role, for any cloud (a union discriminated on `cloud`). */
export type BootstrapParams<R extends BootstrapRole> = { [C in Cloud]: RoleParamsMap<C>[R] }[Cloud];

/** Any role's parameters. */
export type AnyBootstrapParams = BootstrapParams<BootstrapRole>;

// ---------------------------------------------------------------------------------------------
// Operations: who may log in, when VMs reboot, Vault recovery, Wazuh retention (issue 22)
// ---------------------------------------------------------------------------------------------

/**
 * A named operator: one account per person on every VM (no shared login identity), public keys
 * only. Read from the stack config (`platform:bastion.users`) at the edge.
 */
export interface OperatorAccount {
    /** POSIX login name (`^[a-z_][a-z0-9_-]{0,31}$`, not a system account). */
    readonly name: string;
    /** OpenSSH public keys (`ssh-ed25519 AAAA... comment`), one per entry. */
    readonly sshPublicKeys: readonly string[];
    /** Passwordless sudo on the tool VMs (never on the bastion, which only forwards). */
    readonly sudo: boolean;
}

export const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * When kernel and library fixes take effect: unattended-upgrades installs security updates
 * daily (never rebooting by itself), and a VM that needs a reboot (`/run/reboot-required`)
 * reboots in this window only. One mechanism per VM: Azure's platform patching is off
 * (patchMode ImageDefault), GCP and AWS run no patch service of their own here.
 */
export interface PatchPolicy {
    /** Days of the window (UTC). */
    readonly rebootDays: readonly Weekday[];
    /** Start of the window, `HH:MM` UTC. Each role reboots at a fixed offset after it (REBOOT_OFFSET_MINUTES). */
    readonly rebootTime: string;
}

/** Vault's recovery keys (auto-unseal): how many, how many to recover, and to whom they are encrypted. */
export interface VaultRecoveryPolicy {
    readonly shares: number;
    readonly threshold: number;
    /**
     * OpenPGP primary key fingerprints (40 hex) of the operators the recovery keys are encrypted
     * to, one per share, in order; the root token is encrypted to the first. `platform-vault init`
     * refuses key files whose fingerprints are not exactly these.
     */
    readonly pgpFingerprints: readonly string[];
}

/**
 * Settings that change without rebuilding a VM. They travel in each VM's TLS bundle (the
 * secret 30-tls reads at boot and the daily refresh re-reads), never in user data: adding an
 * operator or changing a retention must not replace the Vault or Wazuh VM.
 */
export interface BootstrapOperations {
    readonly operators: readonly OperatorAccount[];
    readonly patching: PatchPolicy;
    readonly vaultRecovery: VaultRecoveryPolicy;
    /** Days the Wazuh indexer keeps alert, archive and monitoring indices (ISM delete after). */
    readonly wazuhRetentionDays: number;
}
