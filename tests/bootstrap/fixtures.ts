/**
 * Realistic params for every role x cloud (identifiers only: no secret exists in any of them).
 */
import {
    BOOTSTRAP_ROLES,
    BootstrapParams,
    BootstrapRole,
    Cloud,
    CLOUDS,
    JenkinsParams,
    KubernetesCloudFor,
    VaultParams,
    WazuhParams,
    AgentParams,
    BootstrapOperations,
    renderBootstrapDocument,
} from "../../components/bootstrap";

const aws = {
    agent: {
        cloud: "aws",
        hostname: "plat-dev-aws-x",
        wazuhManagerAddress: "10.20.3.17",
        wazuhEnrollmentSecret: {
            type: "aws-secretsmanager",
            secretId: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:plat-dev/wazuh-enrollment-AbCdEf",
            region: "eu-west-1",
        },
        tlsSecret: { type: "aws-secretsmanager", secretId: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:plat-dev/tls/ROLE-XyZ123", region: "eu-west-1" },
    } satisfies AgentParams<"aws">,
    disk: { type: "aws-ebs", volumeId: "vol-0a1b2c3d4e5f60718", deviceName: "/dev/sdf" },
    seal: { type: "awskms", region: "eu-west-1", kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" },
    backup: {
        type: "s3",
        bucket: "plat-dev-vault-backups",
        region: "eu-west-1",
        kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0",
    },
} as const;

const azure = {
    agent: {
        cloud: "azure",
        hostname: "plat-dev-az-x",
        wazuhManagerAddress: "wazuh.plat-dev.internal",
        wazuhEnrollmentSecret: { type: "azure-keyvault", vaultName: "plat-dev-kv", secretName: "wazuh-enrollment" },
        tlsSecret: { type: "azure-keyvault", vaultName: "plat-dev-kv", secretName: "tls-ROLE" },
    } satisfies AgentParams<"azure">,
    disk: { type: "azure-lun", lun: 0 },
    seal: {
        type: "azurekeyvault",
        tenantId: "00000000-1111-2222-3333-444444444444",
        vaultName: "plat-dev-kv",
        keyName: "vault-unseal",
        clientId: "55555555-6666-7777-8888-999999999999",
    },
    backup: { type: "azureblob", accountName: "platdevbackups", container: "vault-snapshots", clientId: "55555555-6666-7777-8888-999999999999" },
} as const;

const gcp = {
    agent: {
        cloud: "gcp",
        hostname: "plat-dev-gcp-x",
        wazuhManagerAddress: "10.30.3.9",
        wazuhEnrollmentSecret: { type: "gcp-secretmanager", project: "plat-dev-123456", secret: "wazuh-enrollment" },
        tlsSecret: { type: "gcp-secretmanager", project: "plat-dev-123456", secret: "plat-dev-tls-ROLE" },
    } satisfies AgentParams<"gcp">,
    disk: { type: "gcp-pd", deviceName: "data" },
    seal: { type: "gcpckms", project: "plat-dev-123456", region: "europe-west1", keyRing: "plat-dev", cryptoKey: "vault-unseal" },
    backup: { type: "gcs", bucket: "plat-dev-vault-backups", prefix: "snapshots/vault/" },
} as const;

/** The cloud's agent params for one role: its own host name and its own TLS secret. */
function agentFor(cloud: Cloud, role: BootstrapRole) {
    const c = { aws, azure, gcp }[cloud];
    const tls = JSON.parse(JSON.stringify(c.agent.tlsSecret).replace("ROLE", role)) as typeof c.agent.tlsSecret;
    return { ...c.agent, hostname: `plat-dev-${cloud}-${role}`, tlsSecret: tls };
}

export function bastionParams(cloud: Cloud): BootstrapParams<"bastion"> {
    return agentFor(cloud, "bastion") as BootstrapParams<"bastion">;
}

/** The cluster each cloud's Jenkins starts agents in (names only: the VM looks up the rest). */
export const KUBERNETES: { readonly [C in Cloud]: KubernetesCloudFor<C> } = {
    aws: { type: "eks", clusterName: "plat-dev-eks", region: "eu-west-1" },
    azure: { type: "aks", subscriptionId: "00000000-0000-0000-0000-000000000000", resourceGroup: "plat-dev-rg", clusterName: "plat-dev-aks", clientId: "66666666-7777-8888-9999-aaaaaaaaaaaa" },
    gcp: { type: "gke", project: "plat-dev-123456", location: "europe-west1", clusterName: "plat-dev-gke" },
};

export function jenkinsParams(cloud: Cloud): BootstrapParams<"jenkins"> {
    const c = { aws, azure, gcp }[cloud];
    // The JENKINS_HOME archive: the stack's backup bucket under the default prefix, with Jenkins' own identity.
    const { prefix: _vaultPrefix, ...bucket } = c.backup as typeof c.backup & { prefix?: string };
    const backup = bucket.type === "azureblob" ? { ...bucket, clientId: "66666666-7777-8888-9999-aaaaaaaaaaaa" } : bucket;
    return { ...agentFor(cloud, "jenkins"), dataDisk: c.disk, backup, kubernetes: KUBERNETES[cloud] } as JenkinsParams<Cloud> as BootstrapParams<"jenkins">;
}

export function vaultParams(cloud: Cloud): BootstrapParams<"vault"> {
    const c = { aws, azure, gcp }[cloud];
    return { ...agentFor(cloud, "vault"), dataDisk: c.disk, seal: c.seal, backup: c.backup } as VaultParams<Cloud> as BootstrapParams<"vault">;
}

export function wazuhParams(cloud: Cloud): BootstrapParams<"wazuh"> {
    const c = { aws, azure, gcp }[cloud];
    const { wazuhManagerAddress: _ignored, ...common } = agentFor(cloud, "wazuh");
    return { ...common, dataDisk: c.disk } as WazuhParams<Cloud> as BootstrapParams<"wazuh">;
}

export function paramsFor(role: BootstrapRole, cloud: Cloud): BootstrapParams<BootstrapRole> {
    switch (role) {
        case "bastion":
            return bastionParams(cloud);
        case "jenkins":
            return jenkinsParams(cloud);
        case "vault":
            return vaultParams(cloud);
        case "wazuh":
            return wazuhParams(cloud);
    }
}

export interface Rendering {
    readonly role: BootstrapRole;
    readonly cloud: Cloud;
    readonly id: string;
    readonly document: string;
}

/** Every role for every cloud. */
export function renderAll(): Rendering[] {
    return BOOTSTRAP_ROLES.flatMap((role) =>
        CLOUDS.map((cloud) => ({ role, cloud, id: `${role}-${cloud}`, document: renderBootstrapDocument(role, paramsFor(role, cloud)) })),
    );
}

/**
 * The operations every fixture VM's TLS bundle carries (what components/config resolves from a
 * stack; the keys are throwaway public keys, their private halves never existed here).
 */
export const OPERATIONS: BootstrapOperations = {
    operators: [
        { name: "alice", sshPublicKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGV72RGYKTAMNJ6rBifV3PkwmAPOWDkuMiUPSgPygMRO alice@example.com"], sudo: true },
        { name: "bob", sshPublicKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAS1jZRmZC5m+ep4LY9jZwVn++zgNrk2/e9TkN5WuKgQ bob@example.com"], sudo: false },
    ],
    patching: { rebootDays: ["Tue", "Thu"], rebootTime: "03:00" },
    vaultRecovery: {
        shares: 3,
        threshold: 2,
        pgpFingerprints: ["0D1A6E2F3B4C5D6E7F8091A2B3C4D5E6F7081920", "1E2B7F3A4C5D6E7F8091A2B3C4D5E6F708192A3B", "2F3C8A4B5D6E7F8091A2B3C4D5E6F708192A3B4C"],
    },
    wazuhRetentionDays: 90,
};
