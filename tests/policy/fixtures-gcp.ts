/**
 * GCP BLOCK of the policy fixtures: a small compliant GCP platform (VPC, subnet with flow logs,
 * SA-targeted firewall with a logged deny-all, bastion on its reserved address, Cloud NAT, a
 * Vault VM with scheduled disks, KMS, snapshot bucket, private GKE with a node pool) appended to
 * the compliant stack of fixtures.ts. Every gcp-* rule judges it and passes;
 * tests/policy/cases-gcp.ts mutates it once per failure mode.
 */
const P = "plat-prod-123456";
/** The fixture's gcp provider (labels arrive through its defaultLabels, as in the real stacks). */
export const GCP_PROVIDER_URN = "urn:pulumi:test::platform::pulumi:providers:gcp::gcp-provider";
const provider = `${GCP_PROVIDER_URN}::gcp-provider-id`;
const GCP_LABELS = { project: "platform", environment: "prod", cloud: "gcp", owner: "platform-team", "cost-center": "cc-1234", "managed-by": "pulumi" };
const sa = (tier: string) => `plat-${tier}@${P}.iam.gserviceaccount.com`;
const META = { "enable-oslogin": "TRUE", "block-project-ssh-keys": "TRUE", "serial-port-enable": "FALSE" };
const SHIELDED = { enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true };
const KEY = `projects/${P}/locations/europe-west1/keyRings/plat-keys/cryptoKeys/gke-secrets`;
const DISKS_KEY = `projects/${P}/locations/europe-west1/keyRings/plat-keys/cryptoKeys/disks`;
const POLICY = `projects/${P}/regions/europe-west1/resourcePolicies/plat-daily`;

/** Machine types the GCP fixture uses (cost-allowlist cases include them). */
export const GCP_FIXTURE_SIZES: readonly string[] = ["e2-small", "e2-standard-2", "e2-standard-4"];

/** The spec shape of fixtures.ts (structural: that module owns the builder). */
export interface GcpSpec {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, unknown>;
    readonly deps?: readonly string[];
    readonly protect?: boolean;
    readonly provider?: string | null;
}

export function gcpGoodSpecs(): GcpSpec[] {
    const specs: GcpSpec[] = [
        { type: "pulumi:providers:gcp", name: "gcp-provider", provider: null, inputs: { project: P, region: "europe-west1", defaultLabels: JSON.stringify(GCP_LABELS) } },
        { type: "gcp:compute/network:Network", name: "gcp-vpc", inputs: { name: "plat-vpc", autoCreateSubnetworks: false } },
        {
            type: "gcp:compute/subnetwork:Subnetwork",
            name: "gcp-subnet-tools",
            deps: ["gcp-vpc"],
            inputs: { name: "plat-tools", network: "gcp-vpc-id", ipCidrRange: "10.0.128.0/22", privateIpGoogleAccess: true, logConfig: { aggregationInterval: "INTERVAL_5_SEC", flowSampling: 1, metadata: "INCLUDE_ALL_METADATA" } },
        },
        { type: "gcp:serviceaccount/account:Account", name: "gcp-sa-bastion", inputs: { accountId: "plat-bastion" } },
        { type: "gcp:serviceaccount/account:Account", name: "gcp-sa-vault", inputs: { accountId: "plat-vault" } },
        { type: "gcp:serviceaccount/account:Account", name: "gcp-sa-nodes", inputs: { accountId: "plat-nodes" } },
        {
            type: "gcp:compute/firewall:Firewall",
            name: "gcp-fw-bastion-ssh",
            deps: ["gcp-vpc", "gcp-sa-bastion"],
            inputs: { network: "gcp-vpc-id", direction: "INGRESS", priority: 1000, allows: [{ protocol: "tcp", ports: ["22"] }], sourceRanges: ["203.0.113.0/24"], targetServiceAccounts: [sa("bastion")], logConfig: { metadata: "INCLUDE_ALL_METADATA" } },
        },
        {
            type: "gcp:compute/firewall:Firewall",
            name: "gcp-fw-vault-api",
            deps: ["gcp-vpc", "gcp-sa-nodes", "gcp-sa-vault"],
            inputs: {
                network: "gcp-vpc-id",
                direction: "INGRESS",
                priority: 1000,
                allows: [{ protocol: "tcp", ports: ["8200"] }],
                sourceServiceAccounts: [sa("nodes")],
                sourceRanges: ["100.64.0.0/16"],
                targetServiceAccounts: [sa("vault")],
                logConfig: { metadata: "INCLUDE_ALL_METADATA" },
            },
        },
        {
            type: "gcp:compute/firewall:Firewall",
            name: "gcp-fw-deny-all",
            deps: ["gcp-vpc"],
            inputs: { network: "gcp-vpc-id", direction: "INGRESS", priority: 65534, denies: [{ protocol: "all" }], sourceRanges: ["0.0.0.0/0"], logConfig: { metadata: "INCLUDE_ALL_METADATA" } },
        },
        { type: "gcp:compute/address:Address", name: "gcp-bastion-ip", inputs: { addressType: "EXTERNAL", labels: { role: "bastion" } } },
        { type: "gcp:compute/address:Address", name: "gcp-nat-ip", inputs: { addressType: "EXTERNAL", labels: { role: "nat" } } },
        { type: "gcp:compute/routerNat:RouterNat", name: "gcp-nat", deps: ["gcp-nat-ip"], inputs: { router: "plat-router", natIpAllocateOption: "MANUAL_ONLY", natIps: ["gcp-nat-ip-link"], sourceSubnetworkIpRangesToNat: "LIST_OF_SUBNETWORKS", logConfig: { enable: true, filter: "ALL" } } },
        {
            type: "gcp:compute/instance:Instance",
            name: "gcp-bastion",
            deps: ["gcp-sa-bastion", "gcp-bastion-ip", "gcp-subnet-tools"],
            inputs: {
                machineType: "e2-small",
                zone: "europe-west1-b",
                bootDisk: { initializeParams: { image: "projects/ubuntu-os-cloud/global/images/ubuntu-2404-noble-amd64-v20261101" } },
                networkInterfaces: [{ subnetwork: "gcp-subnet-tools-id", accessConfigs: [{ natIp: "203.0.113.10" }] }],
                serviceAccount: { email: sa("bastion"), scopes: ["https://www.googleapis.com/auth/cloud-platform"] },
                shieldedInstanceConfig: { ...SHIELDED },
                metadata: { ...META },
                labels: { role: "bastion" },
            },
        },
        { type: "gcp:compute/resourcePolicy:ResourcePolicy", name: "gcp-snapshots", protect: true, inputs: { snapshotSchedulePolicy: { schedule: { dailySchedule: { daysInCycle: 1, startTime: "03:00" } }, retentionPolicy: { maxRetentionDays: 35 } } } },
        { type: "gcp:compute/disk:Disk", name: "gcp-vault-boot", protect: true, deps: ["gcp-snapshots"], inputs: { zone: "europe-west1-c", size: 30, diskEncryptionKey: { kmsKeySelfLink: DISKS_KEY }, resourcePolicies: [POLICY], labels: { role: "vault" } } },
        { type: "gcp:compute/disk:Disk", name: "gcp-vault-data", protect: true, deps: ["gcp-snapshots"], inputs: { zone: "europe-west1-c", size: 20, diskEncryptionKey: { kmsKeySelfLink: DISKS_KEY }, resourcePolicies: [POLICY], labels: { role: "vault" } } },
        {
            type: "gcp:compute/instance:Instance",
            name: "gcp-vault",
            protect: true,
            deps: ["gcp-sa-vault", "gcp-vault-boot", "gcp-vault-data", "gcp-subnet-tools"],
            inputs: {
                machineType: "e2-standard-2",
                zone: "europe-west1-c",
                bootDisk: { source: "gcp-vault-boot-link" },
                attachedDisks: [{ source: "gcp-vault-data-link", deviceName: "data" }],
                networkInterfaces: [{ subnetwork: "gcp-subnet-tools-id", networkIp: "10.0.128.11" }],
                serviceAccount: { email: sa("vault"), scopes: ["https://www.googleapis.com/auth/cloud-platform"] },
                shieldedInstanceConfig: { ...SHIELDED },
                metadata: { ...META },
                deletionProtection: true,
                labels: { role: "vault" },
            },
        },
        { type: "gcp:kms/keyRing:KeyRing", name: "gcp-keys", protect: true, inputs: { name: "plat-keys", location: "europe-west1" } },
        { type: "gcp:kms/cryptoKey:CryptoKey", name: "gcp-gke-secrets", protect: true, deps: ["gcp-keys"], inputs: { name: "gke-secrets", purpose: "ENCRYPT_DECRYPT", rotationPeriod: "7776000s", labels: {} } },
        {
            type: "gcp:storage/bucket:Bucket",
            name: "gcp-snapshot-bucket",
            protect: true,
            inputs: { name: `${P}-vault-snapshots`, location: "europe-west1", uniformBucketLevelAccess: true, publicAccessPrevention: "enforced", versioning: { enabled: true }, labels: {} },
        },
        {
            type: "gcp:container/cluster:Cluster",
            name: "gcp-gke",
            protect: true,
            deps: ["gcp-sa-nodes", "gcp-gke-secrets"],
            inputs: {
                location: "europe-west1",
                removeDefaultNodePool: true,
                nodeConfig: { serviceAccount: sa("nodes") },
                privateClusterConfig: { enablePrivateNodes: true, enablePrivateEndpoint: true, masterIpv4CidrBlock: "172.16.0.16/28" },
                masterAuthorizedNetworksConfig: { cidrBlocks: [{ cidrBlock: "10.0.144.0/24", displayName: "bastion subnet" }], gcpPublicCidrsAccessEnabled: false },
                enableLegacyAbac: false,
                enableShieldedNodes: true,
                workloadIdentityConfig: { workloadPool: `${P}.svc.id.goog` },
                databaseEncryption: { state: "ENCRYPTED", keyName: KEY },
                deletionProtection: true,
                resourceLabels: {},
            },
        },
        {
            type: "gcp:container/nodePool:NodePool",
            name: "gcp-pool",
            deps: ["gcp-gke", "gcp-sa-nodes"],
            inputs: {
                cluster: "gcp-gke-id",
                nodeConfig: { machineType: "e2-standard-4", serviceAccount: sa("nodes"), workloadMetadataConfig: { mode: "GKE_METADATA" }, shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true } },
            },
        },
        // Least-privilege grants: a predefined role at project level, a bucket role on the bucket.
        { type: "gcp:projects/iAMMember:IAMMember", name: "gcp-nodes-logwriter", deps: ["gcp-sa-nodes"], inputs: { project: P, role: "roles/logging.logWriter", member: `serviceAccount:${sa("nodes")}` } },
        { type: "gcp:storage/bucketIAMMember:BucketIAMMember", name: "gcp-snapshot-writer", deps: ["gcp-snapshot-bucket", "gcp-sa-vault"], inputs: { bucket: `${P}-vault-snapshots`, role: "roles/storage.objectCreator", member: `serviceAccount:${sa("vault")}` } },
    ];
    return specs.map((s) => (s.type.startsWith("gcp:") ? { ...s, provider } : s));
}
