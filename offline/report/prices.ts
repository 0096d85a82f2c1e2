/**
 * The price table `npm run plan -- --cost` multiplies the captured graph by.
 *
 * One row per billable unit, per cloud and region the shipped stacks use (eu-west-1,
 * westeurope, europe-west1), list prices in USD, on-demand, Linux, no discounts, no free tier
 * (except where a row says so). Every row names the provider's pricing page it comes from
 * (`source`). `confirmedBy` is where the figure was checked while writing the table (the
 * provider's page or a dated third-party copy of it); a row without it is `unverified`: a
 * best-known figure kept so the estimate is complete, flagged in the `--cost` output and in the
 * README, to be confirmed against `source` before anyone budgets on it.
 *
 * Usage-driven charges (log ingestion, NAT data processed, backup and object storage) are not
 * prices of a resource but of traffic and data: they are priced from the stated ASSUMPTIONS
 * below, and the output says so on every such line.
 */

export const PRICE_TABLE_DATE = "2026-11-30";
export const HOURS_PER_MONTH = 730;

export type PriceCloud = "aws" | "azure" | "gcp";
export type PriceUnit = "hour" | "month" | "GB-month" | "GB";

export interface PriceRow {
    readonly id: string;
    readonly cloud: PriceCloud;
    readonly region: string;
    readonly kind: string;
    readonly unitPrice: number;
    readonly unit: PriceUnit;
    readonly source: string;
    readonly confirmedBy?: string;
    readonly note?: string;
}

/** Stated assumptions: what a month of usage looks like, where the graph cannot know. */
export const ASSUMPTIONS = {
    /**
     * Spot / Spot VM / Spot VM discount off on-demand. Google states 60-91% for Spot VMs
     * (https://cloud.google.com/kubernetes-engine/pricing, Autopilot Spot note); AWS and Azure
     * state "up to 90%". The estimate takes the low end: 60%.
     */
    spotDiscount: 0.6,
    /** GB of logs per month a log sink ingests: control-plane logs of a small cluster, flow logs of a quiet VPC. */
    logGbPerMonth: { controlPlane: 10, flowLogs: 5 },
    /** GB per month through each NAT gateway (image pulls, package mirrors, API calls). */
    natGbPerMonth: 50,
    /** Backup / snapshot storage held, as a fraction of the protected disks' size (incremental daily snapshots). */
    snapshotFractionOfDisk: 0.5,
    /** GB in each object-storage bucket / blob account the platform creates (Vault snapshots, flow-log archives). */
    bucketGb: 5,
} as const;

const AWS_EC2 = "https://aws.amazon.com/ec2/pricing/on-demand/";
const AZ_VM = "https://azure.microsoft.com/en-us/pricing/details/virtual-machines/linux/";
const GCP_VM = "https://cloud.google.com/compute/vm-instance-pricing";

const aws = (id: string, kind: string, unitPrice: number, unit: PriceUnit, source: string, confirmedBy?: string, note?: string): PriceRow => ({
    id: `aws/${id}`, cloud: "aws", region: "eu-west-1", kind, unitPrice, unit, source, ...(confirmedBy ? { confirmedBy } : {}), ...(note ? { note } : {}),
});
const azure = (id: string, kind: string, unitPrice: number, unit: PriceUnit, source: string, confirmedBy?: string, note?: string): PriceRow => ({
    id: `azure/${id}`, cloud: "azure", region: "westeurope", kind, unitPrice, unit, source, ...(confirmedBy ? { confirmedBy } : {}), ...(note ? { note } : {}),
});
const gcp = (id: string, kind: string, unitPrice: number, unit: PriceUnit, source: string, confirmedBy?: string, note?: string): PriceRow => ({
    id: `gcp/${id}`, cloud: "gcp", region: "europe-west1", kind, unitPrice, unit, source, ...(confirmedBy ? { confirmedBy } : {}), ...(note ? { note } : {}),
});

export const PRICES: readonly PriceRow[] = [
    // ---- AWS, eu-west-1 ----
    aws("eks/control-plane", "EKS cluster (standard support)", 0.1, "hour", "https://aws.amazon.com/eks/pricing/",
        "https://aws.amazon.com/blogs/containers/amazon-eks-extended-support-for-kubernetes-versions-pricing/", "region-independent; $0.60/h in extended support"),
    aws("ec2/t3.micro", "EC2 t3.micro", 0.0114, "hour", AWS_EC2),
    aws("ec2/t3.small", "EC2 t3.small", 0.0228, "hour", AWS_EC2),
    aws("ec2/t3.large", "EC2 t3.large", 0.0912, "hour", AWS_EC2),
    aws("ec2/m6i.large", "EC2 m6i.large", 0.107, "hour", AWS_EC2),
    aws("ec2/m6i.xlarge", "EC2 m6i.xlarge", 0.214, "hour", AWS_EC2),
    aws("ec2/m6i.2xlarge", "EC2 m6i.2xlarge", 0.428, "hour", AWS_EC2),
    aws("ebs/gp3", "EBS gp3 volume storage (3000 IOPS/125 MB/s baseline included)", 0.088, "GB-month", "https://aws.amazon.com/ebs/pricing/"),
    aws("vpc/nat-gateway", "NAT gateway", 0.048, "hour", "https://aws.amazon.com/vpc/pricing/", undefined, "third-party copies give $0.048-0.052 for Europe"),
    aws("vpc/nat-gateway-data", "NAT gateway data processed", 0.048, "GB", "https://aws.amazon.com/vpc/pricing/"),
    aws("vpc/public-ipv4", "Public IPv4 address (in use or idle)", 0.005, "hour", "https://aws.amazon.com/vpc/pricing/",
        "https://aws.amazon.com/blogs/networking-and-content-delivery/identify-and-optimize-public-ipv4-address-usage-on-aws/"),
    aws("privatelink/interface-endpoint", "Interface VPC endpoint, per AZ", 0.011, "hour", "https://aws.amazon.com/privatelink/pricing/"),
    aws("privatelink/gateway-endpoint", "Gateway VPC endpoint (S3, DynamoDB)", 0, "month", "https://aws.amazon.com/privatelink/pricing/", undefined, "no hourly or data charge"),
    aws("kms/key", "KMS customer managed key", 1, "month", "https://aws.amazon.com/kms/pricing/", "https://www.wring.co/blog/aws-kms-pricing-guide"),
    aws("secretsmanager/secret", "Secrets Manager secret", 0.4, "month", "https://aws.amazon.com/secrets-manager/pricing/",
        "https://hivebook.wiki/wiki/aws-secrets-manager-rotated-secrets-dynamic-db-credentials-kms", "region-independent; API calls $0.05 per 10k not estimated"),
    aws("cloudwatch/log-ingestion", "CloudWatch Logs ingestion (standard class)", 0.57, "GB", "https://aws.amazon.com/cloudwatch/pricing/", undefined, "us-east-1 is $0.50/GB"),
    aws("cloudwatch/log-storage", "CloudWatch Logs storage", 0.03, "GB-month", "https://aws.amazon.com/cloudwatch/pricing/"),
    aws("backup/ebs-snapshot", "AWS Backup EBS snapshot storage (warm)", 0.05, "GB-month", "https://aws.amazon.com/backup/pricing/"),
    aws("s3/standard", "S3 Standard storage", 0.023, "GB-month", "https://aws.amazon.com/s3/pricing/"),

    // ---- Azure, westeurope ----
    azure("aks/free", "AKS control plane, Free tier", 0, "hour", "https://azure.microsoft.com/en-us/pricing/details/kubernetes-service/",
        "https://techmarmot.com/post/6188/architectural-economics-of-azure-kubernetes-service-a-comprehensive-analysis-of-pricing-tiers-resource-consumption-and-cost-optimization-strategies/"),
    azure("aks/standard", "AKS control plane, Standard tier (uptime SLA)", 0.1, "hour", "https://azure.microsoft.com/en-us/pricing/details/kubernetes-service/",
        "https://techmarmot.com/post/6188/architectural-economics-of-azure-kubernetes-service-a-comprehensive-analysis-of-pricing-tiers-resource-consumption-and-cost-optimization-strategies/"),
    azure("vm/Standard_B2s", "VM Standard_B2s", 0.048, "hour", AZ_VM),
    azure("vm/Standard_B2ms", "VM Standard_B2ms", 0.096, "hour", AZ_VM),
    azure("vm/Standard_D2s_v5", "VM Standard_D2s_v5", 0.115, "hour", AZ_VM),
    azure("vm/Standard_D4s_v5", "VM Standard_D4s_v5", 0.23, "hour", AZ_VM),
    azure("vm/Standard_D8s_v5", "VM Standard_D8s_v5", 0.46, "hour", AZ_VM),
    azure("vm/Standard_D4ds_v5", "VM Standard_D4ds_v5", 0.271, "hour", AZ_VM),
    azure("vm/Standard_D8ds_v5", "VM Standard_D8ds_v5", 0.542, "hour", AZ_VM),
    // Premium SSD v1 bills per provisioned tier (the smallest tier at least the disk's size).
    azure("disk/premium-P4", "Premium SSD P4 (32 GiB)", 5.28, "month", "https://azure.microsoft.com/en-us/pricing/details/managed-disks/"),
    azure("disk/premium-P6", "Premium SSD P6 (64 GiB)", 10.21, "month", "https://azure.microsoft.com/en-us/pricing/details/managed-disks/"),
    azure("disk/premium-P10", "Premium SSD P10 (128 GiB)", 19.71, "month", "https://azure.microsoft.com/en-us/pricing/details/managed-disks/"),
    azure("disk/premium-P15", "Premium SSD P15 (256 GiB)", 38.02, "month", "https://azure.microsoft.com/en-us/pricing/details/managed-disks/"),
    azure("disk/premium-P20", "Premium SSD P20 (512 GiB)", 73.22, "month", "https://azure.microsoft.com/en-us/pricing/details/managed-disks/"),
    azure("network/nat-gateway", "NAT gateway", 0.045, "hour", "https://azure.microsoft.com/en-us/pricing/details/azure-nat-gateway/", undefined,
        "https://c3x.dev/resources/azure/azurerm_nat_gateway/ gives $0.045/h for eastus; westeurope not checked"),
    azure("network/nat-gateway-data", "NAT gateway data processed", 0.045, "GB", "https://azure.microsoft.com/en-us/pricing/details/azure-nat-gateway/"),
    azure("network/public-ip-standard", "Public IP, Standard static", 0.005, "hour", "https://azure.microsoft.com/en-us/pricing/details/ip-addresses/", undefined,
        "c3x gives ~$3.65/month for eastus; westeurope not checked"),
    azure("network/private-endpoint", "Private endpoint", 0.01, "hour", "https://azure.microsoft.com/en-us/pricing/details/private-link/", "https://gigxp.com/?p=7107"),
    azure("dns/private-zone", "Private DNS zone (first 25)", 0.5, "month", "https://azure.microsoft.com/en-us/pricing/details/dns/", "https://gigxp.com/?p=7107"),
    azure("keyvault/key-rotation", "Key Vault automated key rotation, $1 per rotation, yearly", 1 / 12, "month", "https://azure.microsoft.com/en-us/pricing/details/key-vault/", undefined,
        "software keys have no monthly fee; operations ($0.03-0.15 per 10k) are not estimated"),
    azure("keyvault/operations-only", "Key Vault vault or secret: operations only", 0, "month", "https://azure.microsoft.com/en-us/pricing/details/key-vault/", undefined, "operations are not estimated"),
    azure("backup/protected-instance", "Azure Backup VM protected instance (50-500 GB)", 10, "month", "https://azure.microsoft.com/en-us/pricing/details/backup/"),
    azure("backup/storage-lrs", "Azure Backup storage (LRS)", 0.0224, "GB-month", "https://azure.microsoft.com/en-us/pricing/details/backup/"),
    azure("storage/blob-hot", "Blob storage, hot tier (LRS/ZRS averaged)", 0.021, "GB-month", "https://azure.microsoft.com/en-us/pricing/details/storage/blobs/"),
    azure("log-analytics/ingestion", "Log Analytics Analytics Logs ingestion, pay-as-you-go (first 5 GB/workspace/month free; not deducted)", 2.3, "GB", "https://azure.microsoft.com/en-us/pricing/details/monitor/",
        undefined, "the US list price; regional prices differ"),
    azure("network-watcher/flow-logs", "Network Watcher flow logs collected", 0.5, "GB", "https://azure.microsoft.com/en-us/pricing/details/network-watcher/"),

    // ---- GCP, europe-west1 ----
    gcp("gke/cluster-fee", "GKE cluster management fee (regional: no free-tier credit)", 0.1, "hour", "https://cloud.google.com/kubernetes-engine/pricing",
        "https://cloud.google.com/kubernetes-engine/pricing", "the $74.40 monthly credit applies only to zonal and Autopilot clusters"),
    gcp("vm/e2-small", "Compute Engine e2-small", 0.0184, "hour", GCP_VM),
    gcp("vm/e2-medium", "Compute Engine e2-medium", 0.0368, "hour", GCP_VM),
    gcp("vm/e2-standard-2", "Compute Engine e2-standard-2", 0.0737, "hour", GCP_VM),
    gcp("vm/e2-standard-4", "Compute Engine e2-standard-4", 0.1474, "hour", GCP_VM),
    gcp("vm/n2-standard-4", "Compute Engine n2-standard-4", 0.2137, "hour", GCP_VM),
    gcp("vm/n2-standard-8", "Compute Engine n2-standard-8", 0.4274, "hour", GCP_VM),
    gcp("disk/pd-balanced", "Persistent Disk pd-balanced", 0.11, "GB-month", "https://cloud.google.com/compute/disks-image-pricing"),
    gcp("disk/snapshot", "Standard snapshot storage (regional)", 0.05, "GB-month", "https://cloud.google.com/compute/disks-image-pricing"),
    gcp("nat/per-vm", "Cloud NAT gateway, per VM using it (up to 32)", 0.0014, "hour", "https://cloud.google.com/nat/pricing", "https://cloud.google.com/nat/pricing"),
    gcp("nat/data", "Cloud NAT data processed", 0.045, "GB", "https://cloud.google.com/nat/pricing", "https://cloud.google.com/nat/pricing"),
    gcp("network/external-ip", "External IPv4 address in use (VM or Cloud NAT)", 0.005, "hour", "https://cloud.google.com/vpc/network-pricing", "https://cloud.google.com/nat/pricing",
        "the NAT page lists $0.005/h per NAT address; VM addresses are the same rate"),
    gcp("kms/key-version", "Cloud KMS software key version", 0.06, "month", "https://cloud.google.com/kms/pricing", undefined, "rotation adds versions; only the current one is counted"),
    gcp("secretmanager/version", "Secret Manager active secret version, per location", 0.06, "month", "https://cloud.google.com/secret-manager/pricing",
        "https://cloud.google.com/secret-manager/pricing", "6 active versions per billing account are free; not deducted"),
    gcp("storage/standard", "Cloud Storage Standard (regional)", 0.02, "GB-month", "https://cloud.google.com/storage/pricing"),
    gcp("logging/ingestion", "Cloud Logging storage of non-vended logs (first 50 GiB/project/month free; not deducted)", 0.5, "GB", "https://cloud.google.com/stackdriver/pricing",
        "https://cloud.google.com/stackdriver/pricing"),
    gcp("logging/retention", "Cloud Logging retention beyond the default 30 days", 0.01, "GB-month", "https://cloud.google.com/stackdriver/pricing"),
    gcp("logging/vended-network", "Cloud Logging vended network logs (VPC flow, firewall, Cloud NAT logs; no free allotment)", 0.25, "GB", "https://cloud.google.com/stackdriver/pricing",
        "https://cloud.google.com/stackdriver/pricing", "since 2024-10-01"),
];

const BY_ID = new Map(PRICES.map((p) => [p.id, p] as const));

/** The row with this id; throws (a programming error) when the table lacks it. */
export function price(id: string): PriceRow {
    const row = BY_ID.get(id);
    if (!row) {
        throw new Error(`no price row "${id}" in offline/report/prices.ts`);
    }
    return row;
}

/** The row with this id, or undefined (an unpriced SKU). */
export function priceOrUndefined(id: string): PriceRow | undefined {
    return BY_ID.get(id);
}

/** Rows not confirmed against a source while the table was written. */
export function unverifiedRows(): PriceRow[] {
    return PRICES.filter((p) => !p.confirmedBy);
}
