/**
 * Validation of bootstrap params, before anything is rendered.
 *
 * Every value ends up inside a shell script, an HCL file or a systemd unit on the VM, so each
 * field is checked against the cloud's own naming rules: besides catching typos early, that
 * guarantees no quote, newline or `$` can reach a script. All problems are collected, and each
 * message names the field, the value, what is allowed and how to fix it.
 */
import {
    AnyBootstrapParams,
    BOOTSTRAP_ROLES,
    BootstrapRole,
    Cloud,
    CLOUD_KINDS,
    CLOUDS,
    DataDisk,
    BackupTarget,
    KubernetesCloud,
    SecretRef,
    VaultSeal,
} from "./types";

export class BootstrapParamsError extends Error {
    constructor(
        readonly role: string,
        readonly problems: readonly string[],
    ) {
        super(`invalid bootstrap params for role '${role}':\n  - ${problems.join("\n  - ")}`);
        this.name = "BootstrapParamsError";
    }
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const HOST_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const DNS_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const AWS_REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const AWS_KMS_KEY = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}|alias\/[A-Za-z0-9/_-]{1,250}|arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key\/(mrk-[0-9a-f]{32}|[0-9a-f-]{36})|alias\/[A-Za-z0-9/_-]{1,250}))$/;
const AWS_KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
const AWS_SECRET_ID = /^(arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:)?[A-Za-z0-9/_+=.@-]{1,512}$/;
const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const AWS_VOLUME = /^vol-[0-9a-f]{8,17}$/;
const AWS_DEVICE = /^\/dev\/(sd[f-p]|xvd[f-p])$/;
const AZ_VAULT = /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/;
const AZ_OBJECT_NAME = /^[a-zA-Z0-9-]{1,127}$/;
const AZ_ACCOUNT = /^[a-z0-9]{3,24}$/;
const AZ_CONTAINER = /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const GCP_PROJECT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const GCP_LOCATION = /^[a-z][a-z0-9-]{1,62}$/;
const GCP_KMS_NAME = /^[a-zA-Z0-9_-]{1,63}$/;
const GCS_BUCKET = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;
const GCP_SECRET = /^[a-zA-Z0-9_-]{1,255}$/;
const GCP_SECRET_VERSION = /^(latest|[1-9]\d*)$/;
const GCP_DEVICE = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const OBJECT_PREFIX = /^([A-Za-z0-9_.-]+\/)*$/;
const ON_CALENDAR = /^[A-Za-z0-9*:,./~ -]{1,64}$/;
const VAULT_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

type Problems = string[];

function check(problems: Problems, ok: boolean, field: string, value: unknown, allowed: string, fix: string): void {
    if (!ok) problems.push(`${field}: ${JSON.stringify(value)} is not valid; expected ${allowed}. ${fix}`);
}

function isString(v: unknown): v is string {
    return typeof v === "string";
}

function matches(re: RegExp, v: unknown): boolean {
    return isString(v) && re.test(v);
}

function checkKind(problems: Problems, cloud: Cloud, field: string, kind: "seal" | "backup" | "secret" | "disk", value: unknown): boolean {
    const expected = CLOUD_KINDS[cloud][kind];
    const actual = (value as { type?: unknown } | undefined)?.type;
    if (actual !== expected) {
        problems.push(
            `${field}.type: ${JSON.stringify(actual)} does not belong to cloud '${cloud}'; expected '${expected}'. ` +
                `Each cloud uses its own ${kind} (aws: ${CLOUD_KINDS.aws[kind]}, azure: ${CLOUD_KINDS.azure[kind]}, gcp: ${CLOUD_KINDS.gcp[kind]}).`,
        );
        return false;
    }
    return true;
}

function checkOptionalClientId(problems: Problems, field: string, v: unknown): void {
    if (v !== undefined) {
        check(problems, matches(UUID, v), field, v, "a managed identity client id (UUID)", "Pass the user-assigned identity's clientId output, or omit it.");
    }
}

function checkPrefix(problems: Problems, field: string, v: unknown): void {
    if (v !== undefined) {
        check(problems, matches(OBJECT_PREFIX, v), field, v, "empty or path segments of [A-Za-z0-9_.-] each ending in '/'", "For example 'vault-snapshots/'.");
    }
}

function checkSecretRef(problems: Problems, cloud: Cloud, field: string, ref: SecretRef): void {
    if (!checkKind(problems, cloud, field, "secret", ref)) return;
    switch (ref.type) {
        case "aws-secretsmanager":
            check(problems, matches(AWS_SECRET_ID, ref.secretId), `${field}.secretId`, ref.secretId, "a Secrets Manager secret name or ARN", "Pass the aws.secretsmanager.Secret's arn.");
            check(problems, matches(AWS_REGION, ref.region), `${field}.region`, ref.region, "an AWS region such as 'eu-west-1'", "Use the stack's region.");
            return;
        case "azure-keyvault":
            check(problems, matches(AZ_VAULT, ref.vaultName), `${field}.vaultName`, ref.vaultName, "a Key Vault name (3-24 letters, digits, hyphens)", "Pass the vault's name, not its URI.");
            check(problems, matches(AZ_OBJECT_NAME, ref.secretName), `${field}.secretName`, ref.secretName, "a Key Vault secret name (1-127 letters, digits, hyphens)", "Pass the secret's name, not its id.");
            checkOptionalClientId(problems, `${field}.clientId`, ref.clientId);
            return;
        case "gcp-secretmanager":
            check(problems, matches(GCP_PROJECT, ref.project), `${field}.project`, ref.project, "a GCP project id", "Pass the project id, not its number or display name.");
            check(problems, matches(GCP_SECRET, ref.secret), `${field}.secret`, ref.secret, "a Secret Manager secret id ([A-Za-z0-9_-], up to 255)", "Pass the secret's secretId, not the full resource name.");
            if (ref.version !== undefined) {
                check(problems, matches(GCP_SECRET_VERSION, ref.version), `${field}.version`, ref.version, "'latest' or a version number", "Omit it for 'latest'.");
            }
            return;
        default: {
            const impossible: never = ref;
            throw new Error(`unknown secret reference ${JSON.stringify(impossible)}`);
        }
    }
}

function checkDisk(problems: Problems, cloud: Cloud, field: string, disk: DataDisk): void {
    if (!checkKind(problems, cloud, field, "disk", disk)) return;
    switch (disk.type) {
        case "aws-ebs":
            check(problems, matches(AWS_VOLUME, disk.volumeId), `${field}.volumeId`, disk.volumeId, "an EBS volume id 'vol-' + 8-17 hex", "Pass the aws.ebs.Volume's id.");
            if (disk.deviceName !== undefined) {
                check(problems, matches(AWS_DEVICE, disk.deviceName), `${field}.deviceName`, disk.deviceName, "a data device name /dev/sd[f-p] or /dev/xvd[f-p]", "Use the VolumeAttachment's deviceName.");
            }
            return;
        case "azure-lun":
            check(problems, Number.isInteger(disk.lun) && disk.lun >= 0 && disk.lun <= 63, `${field}.lun`, disk.lun, "an integer LUN 0-63", "Use the data disk attachment's lun.");
            return;
        case "gcp-pd":
            check(problems, matches(GCP_DEVICE, disk.deviceName), `${field}.deviceName`, disk.deviceName, "a device name (lowercase letters, digits, hyphens; up to 63)", "Use the attachedDisk's deviceName.");
            return;
        default: {
            const impossible: never = disk;
            throw new Error(`unknown data disk ${JSON.stringify(impossible)}`);
        }
    }
}

function checkSeal(problems: Problems, cloud: Cloud, field: string, seal: VaultSeal): void {
    if (!checkKind(problems, cloud, field, "seal", seal)) return;
    switch (seal.type) {
        case "awskms":
            check(problems, matches(AWS_REGION, seal.region), `${field}.region`, seal.region, "an AWS region such as 'eu-west-1'", "Use the key's region.");
            check(problems, matches(AWS_KMS_KEY, seal.kmsKeyId), `${field}.kmsKeyId`, seal.kmsKeyId, "a KMS key id (UUID or mrk-), key ARN or alias", "Pass the aws.kms.Key's keyId or arn.");
            return;
        case "azurekeyvault":
            check(problems, matches(UUID, seal.tenantId), `${field}.tenantId`, seal.tenantId, "a tenant id (UUID)", "Use the client config's tenantId.");
            check(problems, matches(AZ_VAULT, seal.vaultName), `${field}.vaultName`, seal.vaultName, "a Key Vault name (3-24 letters, digits, hyphens)", "Pass the vault's name, not its URI.");
            check(problems, matches(AZ_OBJECT_NAME, seal.keyName), `${field}.keyName`, seal.keyName, "a Key Vault key name (1-127 letters, digits, hyphens)", "Pass the key's name.");
            checkOptionalClientId(problems, `${field}.clientId`, seal.clientId);
            return;
        case "gcpckms":
            check(problems, matches(GCP_PROJECT, seal.project), `${field}.project`, seal.project, "a GCP project id", "Pass the project id.");
            check(problems, matches(GCP_LOCATION, seal.region), `${field}.region`, seal.region, "a KMS location such as 'europe-west1' or 'global'", "Use the key ring's location.");
            check(problems, matches(GCP_KMS_NAME, seal.keyRing), `${field}.keyRing`, seal.keyRing, "a key ring name ([A-Za-z0-9_-], up to 63)", "Pass the KeyRing's name, not its id path.");
            check(problems, matches(GCP_KMS_NAME, seal.cryptoKey), `${field}.cryptoKey`, seal.cryptoKey, "a crypto key name ([A-Za-z0-9_-], up to 63)", "Pass the CryptoKey's name, not its id path.");
            return;
        default: {
            const impossible: never = seal;
            throw new Error(`unknown seal ${JSON.stringify(impossible)}`);
        }
    }
}

function checkBackup(problems: Problems, cloud: Cloud, field: string, backup: BackupTarget): void {
    if (!checkKind(problems, cloud, field, "backup", backup)) return;
    switch (backup.type) {
        case "s3":
            check(problems, matches(S3_BUCKET, backup.bucket), `${field}.bucket`, backup.bucket, "an S3 bucket name", "Pass the aws.s3.Bucket's bucket (name), not its ARN.");
            check(problems, matches(AWS_REGION, backup.region), `${field}.region`, backup.region, "an AWS region such as 'eu-west-1'", "Use the bucket's region.");
            check(problems, matches(AWS_KMS_KEY_ARN, backup.kmsKeyArn), `${field}.kmsKeyArn`, backup.kmsKeyArn, "a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)", "Pass the backup key's arn: the bucket policy compares the SSE-KMS key id header with it.");
            checkPrefix(problems, `${field}.prefix`, backup.prefix);
            return;
        case "azureblob":
            check(problems, matches(AZ_ACCOUNT, backup.accountName), `${field}.accountName`, backup.accountName, "a storage account name (3-24 lowercase letters and digits)", "Pass the account's name.");
            check(problems, matches(AZ_CONTAINER, backup.container), `${field}.container`, backup.container, "a container name (3-63 lowercase letters, digits, single hyphens)", "Pass the container's name.");
            checkPrefix(problems, `${field}.prefix`, backup.prefix);
            checkOptionalClientId(problems, `${field}.clientId`, backup.clientId);
            return;
        case "gcs":
            check(problems, matches(GCS_BUCKET, backup.bucket), `${field}.bucket`, backup.bucket, "a GCS bucket name", "Pass the bucket's name, not its URL.");
            checkPrefix(problems, `${field}.prefix`, backup.prefix);
            return;
        default: {
            const impossible: never = backup;
            throw new Error(`unknown backup target ${JSON.stringify(impossible)}`);
        }
    }
}

/** Returns every problem found in `params` for `role` (empty when valid). */
export function validateBootstrapParams(role: BootstrapRole, params: AnyBootstrapParams): string[] {
    const problems: Problems = [];
    if (!BOOTSTRAP_ROLES.includes(role)) {
        return [`role: ${JSON.stringify(role)} is not valid; expected one of ${BOOTSTRAP_ROLES.join(", ")}.`];
    }
    const cloud = params?.cloud;
    if (!CLOUDS.includes(cloud)) {
        return [`cloud: ${JSON.stringify(cloud)} is not valid; expected one of ${CLOUDS.join(", ")}.`];
    }
    check(problems, matches(HOST_LABEL, params.hostname), "hostname", params.hostname, "an RFC 1123 label (lowercase letters, digits, hyphens; up to 63)", "Derive it from the stack's naming helper.");
    checkSecretRef(problems, cloud, "wazuhEnrollmentSecret", params.wazuhEnrollmentSecret);
    if (params.tlsSecret === undefined) problems.push("tlsSecret: missing; every VM reads its certificate from the platform CA through the secret store (components/bootstrap/pki.ts).");
    else checkSecretRef(problems, cloud, "tlsSecret", params.tlsSecret);

    if (role !== "wazuh") {
        const address = (params as { wazuhManagerAddress?: unknown }).wazuhManagerAddress;
        check(problems, matches(IPV4, address) || matches(DNS_NAME, address), "wazuhManagerAddress", address, "the manager's private IPv4 address or DNS name", "Pass the Wazuh VM's privateIp output.");
    }
    if (role !== "bastion") {
        const disk = (params as { dataDisk?: DataDisk }).dataDisk;
        if (disk === undefined) problems.push(`dataDisk: missing; role '${role}' keeps its state on a separate data disk.`);
        else checkDisk(problems, cloud, "dataDisk", disk);
    }
    if (role === "jenkins") {
        const k = (params as { kubernetes?: KubernetesCloud }).kubernetes;
        if (k !== undefined) checkKubernetes(problems, cloud, "kubernetes", k);
    }
    if (role === "vault") {
        const v = params as { seal?: VaultSeal; backup?: BackupTarget; snapshotSchedule?: unknown; snapshotAuthRole?: unknown; snapshotAuthMount?: unknown };
        if (v.seal === undefined) problems.push("seal: missing; Vault auto-unseals with the cloud KMS.");
        else checkSeal(problems, cloud, "seal", v.seal);
        if (v.backup === undefined) problems.push("backup: missing; raft snapshots are uploaded to object storage.");
        else checkBackup(problems, cloud, "backup", v.backup);
        if (v.snapshotSchedule !== undefined) {
            check(problems, matches(ON_CALENDAR, v.snapshotSchedule), "snapshotSchedule", v.snapshotSchedule, "a systemd OnCalendar expression such as 'hourly' or '*-*-* 00/4:00:00'", "See systemd.time(7).");
        }
        for (const key of ["snapshotAuthRole", "snapshotAuthMount"] as const) {
            if (v[key] !== undefined) {
                check(problems, matches(VAULT_NAME, v[key]), key, v[key], "a Vault role/mount name ([a-z0-9_-], up to 63)", "Use the name created at initialisation.");
            }
        }
    }
    return problems;
}

// Cluster names, as each API accepts them: EKS CreateCluster (1-100, letters, digits, - and _,
// starting with a letter or digit: docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html),
// AKS (1-63, letters, digits, - and _, alphanumeric at both ends: learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftcontainerservice),
// GKE (1-40 lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen:
// cloud.google.com/kubernetes-engine/docs/reference/rest/v1/projects.locations.clusters#Cluster.FIELDS.name).
const EKS_CLUSTER = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;
const AKS_CLUSTER = /^[a-zA-Z0-9]([-_a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$/;
const GKE_CLUSTER = /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/;
const AZ_RESOURCE_GROUP = /^[-\w._()]{0,89}[-\w_()]$/;
const GKE_LOCATION = /^[a-z]+-[a-z]+\d+(-[a-z])?$/;

function checkKubernetes(problems: Problems, cloud: Cloud, field: string, k: KubernetesCloud): void {
    const want = { aws: "eks", azure: "aks", gcp: "gke" }[cloud];
    if (k.type !== want) {
        problems.push(`${field}.type: ${JSON.stringify(k.type)} is not valid on ${cloud}; expected "${want}". Pass the stack's own cluster.`);
        return;
    }
    const fix = "Pass the name the cluster component computes (the same function names the cluster).";
    // Tolerations and the agent cap end up in the agents' pod spec and JCasC (Kubernetes label-key
    // syntax for the key: kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set).
    (k.agentTolerations ?? []).forEach((t, i) => {
        const f = `${field}.agentTolerations[${i}]`;
        check(problems, matches(/^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, t.key), `${f}.key`, t.key, "a taint key (a label key)", "Use the workload pool's taint key.");
        check(problems, t.operator === "Equal" || t.operator === "Exists", `${f}.operator`, t.operator, "Equal or Exists", "Use the cluster hints' toleration.");
        check(problems, ["NoSchedule", "PreferNoSchedule", "NoExecute"].includes(t.effect), `${f}.effect`, t.effect, "NoSchedule, PreferNoSchedule or NoExecute", "Use the cluster hints' toleration.");
        check(problems, t.value === undefined || matches(/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, t.value), `${f}.value`, t.value, "a label value", "Use the cluster hints' toleration.");
    });
    if (k.maxAgents !== undefined) {
        check(problems, Number.isInteger(k.maxAgents) && k.maxAgents >= 1 && k.maxAgents <= 100, `${field}.maxAgents`, k.maxAgents, "an integer from 1 to 100", "Use the namespace quota's pods (JENKINS_AGENTS_MAX_PODS).");
    }
    switch (k.type) {
        case "eks":
            check(problems, matches(EKS_CLUSTER, k.clusterName), `${field}.clusterName`, k.clusterName, "an EKS cluster name (1-100 letters, digits, - and _)", fix);
            check(problems, matches(AWS_REGION, k.region), `${field}.region`, k.region, "an AWS region such as 'eu-west-1'", "Use the cluster's region.");
            break;
        case "aks":
            check(problems, matches(UUID, k.subscriptionId), `${field}.subscriptionId`, k.subscriptionId, "a subscription id (UUID)", "Use the cluster's subscription.");
            check(problems, matches(AZ_RESOURCE_GROUP, k.resourceGroup), `${field}.resourceGroup`, k.resourceGroup, "a resource group name (1-90 letters, digits, - _ . ( ), not ending in '.')", fix);
            check(problems, matches(AKS_CLUSTER, k.clusterName), `${field}.clusterName`, k.clusterName, "an AKS cluster name (1-63 letters, digits, - and _)", fix);
            check(problems, matches(UUID, k.clientId), `${field}.clientId`, k.clientId, "the client id (UUID) of the Jenkins VM's user-assigned identity", "Pass the identity's clientId output.");
            break;
        case "gke":
            check(problems, matches(GCP_PROJECT, k.project), `${field}.project`, k.project, "a GCP project id", "Use the cluster's project.");
            check(problems, matches(GKE_LOCATION, k.location), `${field}.location`, k.location, "a GCP region or zone such as 'europe-west1'", "Use the cluster's location.");
            check(problems, matches(GKE_CLUSTER, k.clusterName), `${field}.clusterName`, k.clusterName, "a GKE cluster name (1-40 lowercase letters, digits, hyphens)", fix);
            break;
    }
}

/** Throws a BootstrapParamsError listing every problem. */
export function assertValidBootstrapParams(role: BootstrapRole, params: AnyBootstrapParams): void {
    const problems = validateBootstrapParams(role, params);
    if (problems.length > 0) throw new BootstrapParamsError(role, problems);
}
