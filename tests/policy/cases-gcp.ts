/**
 * GCP BLOCK of the policy rule cases: one mutation of the compliant fixture per failure mode of
 * every gcp-* rule, with the exact message(s). Merged into CASES by rules.test.ts.
 */
import { remove, spec, stackWith } from "./fixtures";

type Specs = Parameters<Parameters<typeof stackWith>[0]>[0];

interface FailureMode {
    readonly mode: string;
    readonly edit: (specs: Specs) => void;
    readonly config?: Record<string, unknown>;
    readonly expected: readonly string[];
}

const DEFAULT_SA = "123456789012-compute@developer.gserviceaccount.com";

export const GCP_CASES: Readonly<Record<string, readonly FailureMode[]>> = {
    "gcp-compute-firewall-require-logging": [
        { mode: "no logConfig", edit: (s) => delete spec(s, "gcp-fw-vault-api").inputs.logConfig, expected: ['gcp-fw-vault-api: logConfig is not set, so matched connections are not logged. Set logConfig: { metadata: "INCLUDE_ALL_METADATA" }.'] },
        {
            mode: "logs without metadata",
            edit: (s) => (spec(s, "gcp-fw-deny-all").inputs.logConfig = { metadata: "EXCLUDE_ALL_METADATA" }),
            expected: ['gcp-fw-deny-all: logConfig.metadata is "EXCLUDE_ALL_METADATA". Set it to "INCLUDE_ALL_METADATA" so logs name the instances and networks involved.'],
        },
    ],
    "gcp-compute-firewall-require-service-account-targets": [
        {
            mode: "network tags instead of service accounts",
            edit: (s) => {
                const fw = spec(s, "gcp-fw-vault-api").inputs;
                delete fw.targetServiceAccounts;
                fw.targetTags = ["vault"];
            },
            expected: ["gcp-fw-vault-api: targetTags is set: network tags can be added to any VM by whoever may edit it. Use targetServiceAccounts instead."],
        },
        {
            mode: "source tags",
            edit: (s) => (spec(s, "gcp-fw-vault-api").inputs.sourceTags = ["gke-node"]),
            expected: ["gcp-fw-vault-api: sourceTags is set: network tags can be added to any VM by whoever may edit it. Use sourceServiceAccounts instead."],
        },
        {
            mode: "no target at all (every VM of the network)",
            edit: (s) => delete spec(s, "gcp-fw-bastion-ssh").inputs.targetServiceAccounts,
            expected: ["gcp-fw-bastion-ssh: the rule has no targetServiceAccounts, so it allows traffic to every VM in the network. Set targetServiceAccounts to the receiving tier's service account."],
        },
    ],
    "gcp-compute-network-require-default-deny-ingress": [
        {
            mode: "no deny-all",
            edit: (s) => remove(s, "gcp-fw-deny-all"),
            expected: ['gcp-vpc: gcp:compute/network:Network "gcp-vpc" has no logged deny-all ingress rule; GCP\'s implied deny is never logged. Add a deny { protocol: "all" } INGRESS rule from 0.0.0.0/0 with logConfig at priority 65534.'],
        },
        {
            mode: "deny-all without logging",
            edit: (s) => delete spec(s, "gcp-fw-deny-all").inputs.logConfig,
            expected: ['gcp-vpc: gcp:compute/network:Network "gcp-vpc" has no logged deny-all ingress rule; GCP\'s implied deny is never logged. Add a deny { protocol: "all" } INGRESS rule from 0.0.0.0/0 with logConfig at priority 65534.'],
        },
    ],
    "gcp-compute-instance-require-os-login": [
        {
            mode: "OS Login off",
            edit: (s) => (spec(s, "gcp-vault").inputs.metadata["enable-oslogin"] = "FALSE"),
            expected: ['gcp-vault: metadata enable-oslogin is not TRUE, so SSH keys in metadata (not IAM) decide who logs in. Set enable-oslogin: "TRUE".'],
        },
        {
            mode: "project-wide keys accepted",
            edit: (s) => delete spec(s, "gcp-bastion").inputs.metadata["block-project-ssh-keys"],
            expected: ['gcp-bastion: metadata block-project-ssh-keys is not TRUE, so project-wide SSH keys reach this VM. Set block-project-ssh-keys: "TRUE".'],
        },
    ],
    "gcp-compute-instance-require-shielded-vm": [
        {
            mode: "no shielded config (secure boot off by default)",
            edit: (s) => delete spec(s, "gcp-bastion").inputs.shieldedInstanceConfig,
            expected: ["gcp-bastion: shieldedInstanceConfig.enableSecureBoot is unset (off by default). Set it to true."],
        },
        {
            mode: "vTPM off",
            edit: (s) => (spec(s, "gcp-vault").inputs.shieldedInstanceConfig.enableVtpm = false),
            expected: ["gcp-vault: shieldedInstanceConfig.enableVtpm is false. Set it to true."],
        },
    ],
    "gcp-compute-instance-disallow-default-service-account": [
        {
            mode: "no service account (GCE attaches the default)",
            edit: (s) => delete spec(s, "gcp-vault").inputs.serviceAccount,
            expected: ["gcp-vault: serviceAccount.email is not set, so GCE attaches the Compute Engine default service account. Set it to the VM's dedicated service account."],
        },
        {
            mode: "the default service account",
            edit: (s) => (spec(s, "gcp-bastion").inputs.serviceAccount.email = DEFAULT_SA),
            expected: [`gcp-bastion: serviceAccount.email is the Compute Engine default service account (${DEFAULT_SA}). Use a dedicated least-privilege service account.`],
        },
    ],
    "gcp-compute-subnetwork-require-flow-logs": [
        {
            mode: "no flow logs",
            edit: (s) => delete spec(s, "gcp-subnet-tools").inputs.logConfig,
            expected: ['gcp-subnet-tools: logConfig is not set, so the subnet has no flow logs. Set logConfig with flowSampling > 0 and metadata "INCLUDE_ALL_METADATA".'],
        },
        {
            mode: "zero sampling and no metadata",
            edit: (s) => (spec(s, "gcp-subnet-tools").inputs.logConfig = { flowSampling: 0, metadata: "EXCLUDE_ALL_METADATA" }),
            expected: [
                "gcp-subnet-tools: logConfig.flowSampling is 0: no flow is recorded. Use a sampling rate above 0 (1.0 in prod).",
                "gcp-subnet-tools: logConfig.metadata is EXCLUDE_ALL_METADATA, so flow logs cannot name instances. Use INCLUDE_ALL_METADATA.",
            ],
        },
    ],
    "gcp-compute-subnetwork-require-private-google-access": [
        {
            mode: "Private Google Access off",
            edit: (s) => (spec(s, "gcp-subnet-tools").inputs.privateIpGoogleAccess = false),
            expected: ["gcp-subnet-tools: privateIpGoogleAccess is not true: private VMs would need a public path to reach Google APIs. Set privateIpGoogleAccess: true."],
        },
    ],
    "gcp-compute-disk-require-snapshot-schedule": [
        {
            mode: "data disk on no schedule",
            edit: (s) => (spec(s, "gcp-vault-data").inputs.resourcePolicies = []),
            expected: [
                'gcp-vault-data: gcp:compute/disk:Disk "gcp-vault-data" of gcp:compute/instance:Instance "gcp-vault" is on no snapshot schedule. Set resourcePolicies to the daily snapshot policy (or attach one with a DiskResourcePolicyAttachment).',
            ],
        },
        {
            mode: "inline boot disk",
            edit: (s) => (spec(s, "gcp-vault").inputs.bootDisk = { initializeParams: { image: "ubuntu" } }),
            expected: [
                'gcp-vault: gcp:compute/instance:Instance "gcp-vault" (role vault) creates its boot disk inline, outside any snapshot schedule. Create it as a gcp.compute.Disk with resourcePolicies and set bootDisk.source.',
            ],
        },
    ],
    "gcp-compute-disk-require-cmek": [
        {
            mode: "Google-managed encryption only",
            edit: (s) => delete spec(s, "gcp-vault-data").inputs.diskEncryptionKey,
            expected: ["gcp-vault-data: diskEncryptionKey.kmsKeySelfLink is not set, so the disk is encrypted with Google's keys only. Set it to the platform's Cloud KMS disks key."],
        },
    ],
    "gcp-container-cluster-require-private-nodes": [
        {
            mode: "public nodes",
            edit: (s) => (spec(s, "gcp-gke").inputs.privateClusterConfig.enablePrivateNodes = false),
            expected: ["gcp-gke: privateClusterConfig.enablePrivateNodes is not true, so every node gets an external IP. Set it to true (egress goes through Cloud NAT)."],
        },
    ],
    "gcp-container-cluster-restrict-api-access": [
        {
            mode: "public endpoint without authorized networks",
            edit: (s) => {
                delete spec(s, "gcp-gke").inputs.masterAuthorizedNetworksConfig;
                spec(s, "gcp-gke").inputs.privateClusterConfig.enablePrivateEndpoint = false;
            },
            expected: ["gcp-gke: masterAuthorizedNetworksConfig is not set and the endpoint is public: any address on the internet can reach the Kubernetes API. Set masterAuthorizedNetworksConfig with specific cidrBlocks."],
        },
        {
            mode: "the world and all of Google Cloud authorized",
            edit: (s) => (spec(s, "gcp-gke").inputs.masterAuthorizedNetworksConfig = { cidrBlocks: [{ cidrBlock: "0.0.0.0/0" }], gcpPublicCidrsAccessEnabled: true }),
            expected: [
                "gcp-gke: masterAuthorizedNetworksConfig.cidrBlocks[0] is 0.0.0.0/0 (the whole internet). List the specific CIDRs that need the API.",
                "gcp-gke: masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled is true: every Google Cloud address (any customer's VM) may reach the API. Set it to false.",
            ],
        },
    ],
    "gcp-container-cluster-disallow-legacy-abac": [
        { mode: "ABAC on", edit: (s) => (spec(s, "gcp-gke").inputs.enableLegacyAbac = true), expected: ["gcp-gke: enableLegacyAbac is true: ABAC grants bypass RBAC. Set enableLegacyAbac: false."] },
    ],
    "gcp-container-cluster-require-workload-identity": [
        {
            mode: "no workload pool",
            edit: (s) => delete spec(s, "gcp-gke").inputs.workloadIdentityConfig,
            expected: ['gcp-gke: workloadIdentityConfig.workloadPool is not set, so pods use the node\'s service account. Set it to "<project>.svc.id.goog".'],
        },
    ],
    "gcp-container-cluster-require-shielded-nodes": [
        {
            mode: "Shielded nodes off",
            edit: (s) => (spec(s, "gcp-gke").inputs.enableShieldedNodes = false),
            expected: ["gcp-gke: enableShieldedNodes is false: a rogue VM could impersonate a node and join the cluster. Set enableShieldedNodes: true."],
        },
    ],
    "gcp-container-cluster-require-secrets-encryption": [
        {
            mode: "Google-managed keys only",
            edit: (s) => (spec(s, "gcp-gke").inputs.databaseEncryption = { state: "DECRYPTED" }),
            expected: ['gcp-gke: databaseEncryption.state is "DECRYPTED": Secrets are only encrypted with Google\'s keys. Set state "ENCRYPTED" with a Cloud KMS keyName.'],
        },
        {
            mode: "encrypted without a key",
            edit: (s) => (spec(s, "gcp-gke").inputs.databaseEncryption = { state: "ENCRYPTED", keyName: "" }),
            expected: ["gcp-gke: databaseEncryption.keyName is empty. Name the Cloud KMS crypto key (projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>)."],
        },
    ],
    "gcp-container-nodepool-disallow-default-service-account": [
        {
            mode: "node pool on the default service account and the node's metadata",
            edit: (s) => {
                const n = spec(s, "gcp-pool").inputs.nodeConfig;
                n.serviceAccount = DEFAULT_SA;
                n.workloadMetadataConfig = { mode: "GCE_METADATA" };
            },
            expected: [
                `gcp-pool: nodeConfig.serviceAccount is the Compute Engine default service account (${DEFAULT_SA}). Use the dedicated node service account.`,
                'gcp-pool: nodeConfig.workloadMetadataConfig.mode is "GCE_METADATA": pods can read the node\'s credentials from the metadata server. Set it to "GKE_METADATA".',
            ],
        },
        {
            mode: "node pool without a service account",
            edit: (s) => delete spec(s, "gcp-pool").inputs.nodeConfig.serviceAccount,
            expected: ["gcp-pool: nodeConfig.serviceAccount is not set, so nodes run as the Compute Engine default service account. Set it to the dedicated node service account."],
        },
        {
            mode: "the transient default pool on the default service account",
            edit: (s) => delete spec(s, "gcp-gke").inputs.nodeConfig,
            expected: ["gcp-gke: the transient default node pool has no nodeConfig, so it runs as the Compute Engine default service account. Set nodeConfig.serviceAccount to the node service account."],
        },
    ],
    "gcp-storage-bucket-require-public-access-prevention": [
        {
            mode: "inherited",
            edit: (s) => delete spec(s, "gcp-snapshot-bucket").inputs.publicAccessPrevention,
            expected: ['gcp-snapshot-bucket: publicAccessPrevention is not set (inherited): an allUsers grant would make the bucket public. Set publicAccessPrevention: "enforced".'],
        },
    ],
    "gcp-storage-bucket-require-uniform-access": [
        {
            mode: "fine-grained ACLs",
            edit: (s) => (spec(s, "gcp-snapshot-bucket").inputs.uniformBucketLevelAccess = false),
            expected: ["gcp-snapshot-bucket: uniformBucketLevelAccess is not true: object ACLs can grant access IAM does not show. Set uniformBucketLevelAccess: true."],
        },
    ],
    "gcp-kms-cryptokey-require-rotation": [
        {
            mode: "never rotates",
            edit: (s) => delete spec(s, "gcp-gke-secrets").inputs.rotationPeriod,
            expected: ['gcp-gke-secrets: rotationPeriod is not set, so the key never rotates. Set rotationPeriod to "7776000s" (90 days) or less.'],
        },
        {
            mode: "rotates yearly",
            edit: (s) => (spec(s, "gcp-gke-secrets").inputs.rotationPeriod = "31536000s"),
            expected: ['gcp-gke-secrets: rotationPeriod "31536000s" is longer than 90 days. Set it to "7776000s" or less.'],
        },
    ],
    "gcp-storage-bucketiam-disallow-public-members": [
        {
            mode: "IAM member allUsers",
            edit: (s) => (spec(s, "gcp-snapshot-writer").inputs.member = "allUsers"),
            expected: ['gcp-snapshot-writer: member grants allUsers role "roles/storage.objectCreator": the bucket would be open to anyone on the internet. Grant to the service accounts or groups that need it.'],
        },
        {
            mode: "IAM binding with allAuthenticatedUsers among its members",
            edit: (s) =>
                s.push({
                    type: "gcp:storage/bucketIAMBinding:BucketIAMBinding",
                    name: "gcp-snapshot-readers",
                    inputs: { bucket: "plat-prod-123456-vault-snapshots", role: "roles/storage.objectViewer", members: ["group:ops@example.com", "allAuthenticatedUsers"] },
                }),
            expected: ['gcp-snapshot-readers: members[1] grants allAuthenticatedUsers role "roles/storage.objectViewer": the bucket would be open to anyone with a Google account. Grant to the service accounts or groups that need it.'],
        },
        {
            mode: "legacy ACL READER:allUsers",
            edit: (s) => s.push({ type: "gcp:storage/bucketACL:BucketACL", name: "gcp-snapshot-acl", inputs: { bucket: "plat-prod-123456-vault-snapshots", roleEntities: ["OWNER:project-owners-123", "READER:allUsers"] } }),
            expected: ["gcp-snapshot-acl: roleEntities[1] grants allUsers access: the bucket would be open to anyone on the internet. Grant to the service accounts or groups that need it."],
        },
    ],
    "gcp-projects-iam-restrict-privileged-roles": [
        {
            mode: "basic role Editor to a service account",
            edit: (s) => (spec(s, "gcp-nodes-logwriter").inputs.role = "roles/editor"),
            expected: ["gcp-nodes-logwriter: serviceAccount:plat-nodes@plat-prod-123456.iam.gserviceaccount.com gets the basic role roles/editor, which spans every service of the project. Grant a predefined role with only the permissions needed, on the resource that needs it."],
        },
        {
            mode: "Service Account User at project level",
            edit: (s) => Object.assign(spec(s, "gcp-nodes-logwriter").inputs, { role: "roles/iam.serviceAccountUser", member: "user:dev@example.com" }),
            expected: ["gcp-nodes-logwriter: user:dev@example.com gets roles/iam.serviceAccountUser at project level, which lets it act as every service account of the project. Grant a predefined role with only the permissions needed, on the resource that needs it."],
        },
        {
            mode: "administrator role to a service account",
            edit: (s) => (spec(s, "gcp-nodes-logwriter").inputs.role = "roles/compute.admin"),
            expected: ["gcp-nodes-logwriter: service account plat-nodes@plat-prod-123456.iam.gserviceaccount.com gets the administrator role roles/compute.admin on the whole project. Grant a predefined role with only the permissions needed, on the resource that needs it."],
        },
        {
            mode: "project IAM policy with an owner and a public binding",
            edit: (s) =>
                s.push({
                    type: "gcp:projects/iAMPolicy:IAMPolicy",
                    name: "gcp-project-policy",
                    inputs: {
                        project: "plat-prod-123456",
                        policyData: JSON.stringify({ bindings: [{ role: "roles/owner", members: ["user:admin@example.com"] }, { role: "roles/logging.viewer", members: ["allAuthenticatedUsers"] }] }),
                    },
                }),
            expected: [
                "gcp-project-policy: policyData.bindings[0].members[0] user:admin@example.com gets the basic role roles/owner, which spans every service of the project. Grant a predefined role with only the permissions needed, on the resource that needs it.",
                "gcp-project-policy: policyData.bindings[1].members[0] allAuthenticatedUsers gets roles/logging.viewer on the whole project. Grant a predefined role with only the permissions needed, on the resource that needs it.",
            ],
        },
    ],
};
