/**
 * Monthly cost of a planned environment: the captured graphs of both layers multiplied by the
 * price table (offline/report/prices.ts).
 *
 * Every custom resource lands in exactly one of three groups:
 * - priced: a rule below turns its inputs (instance type, node count, disk size, tier) into
 *   price-table rows times quantities; node pools are priced at their desired size, and at
 *   their minimum size for the "at minimum" line;
 * - no charge of its own: configuration objects the clouds do not bill (IAM, rules, subnets,
 *   Kubernetes objects that run on the priced nodes, local TLS keys), each group with its reason;
 * - unpriced: anything else, listed by name and never counted as zero.
 */
import type { LayeredGraphs } from "../engine";
import { at, CapturedResource, ResourceGraph } from "../graph";
import { ASSUMPTIONS, HOURS_PER_MONTH, price, priceOrUndefined, PRICE_TABLE_DATE, PriceRow } from "./prices";

export interface CostItem {
    readonly row: PriceRow;
    readonly quantity: number;
    /** What the quantity is (`730 h`, `2 nodes x 730 h`, `50 GB (assumed)`). */
    readonly what: string;
    readonly monthly: number;
    /** The same item with node pools at their minimum size. */
    readonly minMonthly: number;
    /** Quantity taken from ASSUMPTIONS, not from the graph. */
    readonly assumed: boolean;
}

export interface PricedResource {
    readonly resource: CapturedResource;
    readonly items: readonly CostItem[];
    readonly monthly: number;
    readonly minMonthly: number;
}

export interface Unpriced {
    readonly resource: CapturedResource;
    readonly reason: string;
}

export interface CostReport {
    readonly stack: string;
    readonly priced: readonly PricedResource[];
    readonly noCharge: readonly { readonly resource: CapturedResource; readonly reason: string }[];
    readonly unpriced: readonly Unpriced[];
    readonly monthly: number;
    readonly minMonthly: number;
    /** The automation's PR environment (tag `ephemeral: "true"`): priced per hour too. */
    readonly ephemeral: boolean;
}

type Pricer = (r: CapturedResource, ctx: Context) => CostItem[] | string;

interface Context {
    readonly graphs: readonly ResourceGraph[];
    readonly all: readonly CapturedResource[];
}

const round2 = (n: number) => Math.round(n * 100) / 100;

function item(rowId: string, quantity: number, what: string, opts: { minQuantity?: number; assumed?: boolean; factor?: number } = {}): CostItem {
    const row = price(rowId);
    const factor = opts.factor ?? 1;
    return {
        row,
        quantity,
        what,
        monthly: row.unitPrice * quantity * factor,
        minMonthly: row.unitPrice * (opts.minQuantity ?? quantity) * factor,
        assumed: opts.assumed ?? false,
    };
}

const hourly = (rowId: string, what = `${HOURS_PER_MONTH} h`) => item(rowId, HOURS_PER_MONTH, what);

/** A compute SKU x node count, spot-discounted when asked; undefined when the table has no row for the SKU. */
function nodes(rowId: string, desired: number, min: number, spot: boolean): CostItem | string {
    if (!priceOrUndefined(rowId)) {
        return `no price row ${rowId}`;
    }
    return item(rowId, desired * HOURS_PER_MONTH, `${desired} x ${HOURS_PER_MONTH} h${spot ? ` at spot (-${ASSUMPTIONS.spotDiscount * 100}%, assumed)` : ""}`, {
        minQuantity: min * HOURS_PER_MONTH,
        factor: spot ? 1 - ASSUMPTIONS.spotDiscount : 1,
    });
}

function all(parts: (CostItem | string | undefined)[]): CostItem[] | string {
    const problem = parts.find((p): p is string => typeof p === "string");
    return problem ?? parts.filter((p): p is CostItem => p !== undefined);
}

const num = (v: unknown, fallback = 0): number => (typeof v === "number" ? v : typeof v === "string" && v !== "" && !Number.isNaN(Number(v)) ? Number(v) : fallback);

/** Azure Premium SSD v1: billed at the smallest tier at least the disk's size. */
function premiumDisk(sizeGb: number, count = 1, min = count): CostItem | string {
    const tiers: [number, string][] = [[32, "P4"], [64, "P6"], [128, "P10"], [256, "P15"], [512, "P20"]];
    const tier = tiers.find(([gb]) => sizeGb <= gb);
    if (!tier) {
        return `Premium SSD of ${sizeGb} GiB is above the table's largest tier`;
    }
    return item(`azure/disk/premium-${tier[1]}`, count, `${count} x ${sizeGb} GiB (tier ${tier[1]})`, { minQuantity: min });
}

function logGroupKind(r: CapturedResource): "flowLogs" | "controlPlane" {
    return /flow/i.test(String(r.inputs.name ?? r.name)) ? "flowLogs" : "controlPlane";
}

const PRICERS: Readonly<Record<string, Pricer>> = {
    // ---- in-cluster objects that create cloud resources ----
    "kubernetes:core/v1:Service": (r) => (at(r.inputs, "spec.type") === "LoadBalancer" ? "a LoadBalancer Service creates a cloud load balancer the table does not price" : []),
    "kubernetes:core/v1:PersistentVolumeClaim": () => "a claim creates a cloud disk sized by its storage request; not priced",

    // ---- AWS ----
    "aws:eks/cluster:Cluster": () => [hourly("aws/eks/control-plane")],
    "aws:eks/nodeGroup:NodeGroup": (r, ctx) => {
        const s = (r.inputs.scalingConfig ?? {}) as Record<string, unknown>;
        const type = ((r.inputs.instanceTypes as string[] | undefined) ?? [])[0];
        const desired = num(s.desiredSize);
        const min = num(s.minSize);
        const ltId = at(r.inputs, "launchTemplate.id");
        const lt = ctx.all.find((x) => x.type === "aws:ec2/launchTemplate:LaunchTemplate" && x.id === ltId);
        const disk = num(at(lt?.inputs, "blockDeviceMappings.0.ebs.volumeSize"), 20);
        return all([nodes(`aws/ec2/${type}`, desired, min, r.inputs.capacityType === "SPOT"), item("aws/ebs/gp3", disk * desired, `${desired} x ${disk} GB root`, { minQuantity: disk * min })]);
    },
    "aws:ec2/instance:Instance": (r) =>
        all([nodes(`aws/ec2/${String(r.inputs.instanceType)}`, 1, 1, false), item("aws/ebs/gp3", num(at(r.inputs, "rootBlockDevice.volumeSize"), 8), `${num(at(r.inputs, "rootBlockDevice.volumeSize"), 8)} GB root`)]),
    "aws:ebs/volume:Volume": (r) => (r.inputs.type === "gp3" ? [item("aws/ebs/gp3", num(r.inputs.size), `${num(r.inputs.size)} GB`)] : `volume type ${String(r.inputs.type)} has no row`),
    "aws:ec2/natGateway:NatGateway": () => [hourly("aws/vpc/nat-gateway"), item("aws/vpc/nat-gateway-data", ASSUMPTIONS.natGbPerMonth, `${ASSUMPTIONS.natGbPerMonth} GB (assumed)`, { assumed: true })],
    "aws:ec2/eip:Eip": () => [hourly("aws/vpc/public-ipv4")],
    "aws:ec2/vpcEndpoint:VpcEndpoint": (r) => {
        if (r.inputs.vpcEndpointType === "Gateway") {
            return [item("aws/privatelink/gateway-endpoint", 1, "gateway endpoint")];
        }
        const azs = ((r.inputs.subnetIds as unknown[] | undefined) ?? []).length || 1;
        return [item("aws/privatelink/interface-endpoint", azs * HOURS_PER_MONTH, `${azs} AZ x ${HOURS_PER_MONTH} h`)];
    },
    "aws:kms/key:Key": () => [item("aws/kms/key", 1, "1 key")],
    "aws:secretsmanager/secret:Secret": () => [item("aws/secretsmanager/secret", 1, "1 secret")],
    "aws:cloudwatch/logGroup:LogGroup": (r) => {
        const gb = ASSUMPTIONS.logGbPerMonth[logGroupKind(r)];
        const retained = (gb * num(r.inputs.retentionInDays, 30)) / 30;
        return [
            item("aws/cloudwatch/log-ingestion", gb, `${gb} GB/month (assumed)`, { assumed: true }),
            item("aws/cloudwatch/log-storage", retained, `${round2(retained)} GB retained over ${num(r.inputs.retentionInDays, 30)} days (assumed)`, { assumed: true }),
        ];
    },
    "aws:s3/bucket:Bucket": () => [item("aws/s3/standard", ASSUMPTIONS.bucketGb, `${ASSUMPTIONS.bucketGb} GB (assumed)`, { assumed: true })],
    "aws:backup/vault:Vault": (_r, ctx) => {
        const gb = ctx.all.filter((x) => x.type === "aws:ebs/volume:Volume" && at(x.inputs, "tags.backup")).reduce((s, x) => s + num(x.inputs.size), 0);
        const held = gb * ASSUMPTIONS.snapshotFractionOfDisk;
        return [item("aws/backup/ebs-snapshot", held, `${held} GB of snapshots of ${gb} GB of backed-up volumes (assumed)`, { assumed: true })];
    },

    // ---- Azure ----
    "azure-native:containerservice:ManagedCluster": (r) => {
        const tier = String(at(r.inputs, "sku.tier") ?? "Free");
        const plane = tier === "Standard" ? hourly("azure/aks/standard") : tier === "Free" ? hourly("azure/aks/free") : `AKS tier ${tier} has no row`;
        const pools = ((r.inputs.agentPoolProfiles as Record<string, unknown>[] | undefined) ?? []).flatMap((p) => agentPool(p));
        return all([plane, ...pools]);
    },
    "azure-native:containerservice:AgentPool": (r) => all(agentPool(r.inputs as Record<string, unknown>)),
    "azure-native:compute:VirtualMachine": (r) => {
        const os = at(r.inputs, "storageProfile.osDisk") as Record<string, unknown> | undefined;
        const osType = at(os, "managedDisk.storageAccountType");
        return all([
            nodes(`azure/vm/${String(at(r.inputs, "hardwareProfile.vmSize"))}`, 1, 1, r.inputs.priority === "Spot"),
            osType === "Premium_LRS" ? premiumDisk(num(os?.diskSizeGB, 30)) : `OS disk type ${String(osType)} has no row`,
        ]);
    },
    "azure-native:compute:Disk": (r) => (at(r.inputs, "sku.name") === "Premium_LRS" ? all([premiumDisk(num(r.inputs.diskSizeGB))]) : `disk SKU ${String(at(r.inputs, "sku.name"))} has no row`),
    "azure-native:network:NatGateway": () => [hourly("azure/network/nat-gateway"), item("azure/network/nat-gateway-data", ASSUMPTIONS.natGbPerMonth, `${ASSUMPTIONS.natGbPerMonth} GB (assumed)`, { assumed: true })],
    "azure-native:network:PublicIPAddress": (r) => (at(r.inputs, "sku.name") === "Standard" ? [hourly("azure/network/public-ip-standard")] : `public IP SKU ${String(at(r.inputs, "sku.name"))} has no row`),
    "azure-native:network:PrivateEndpoint": () => [hourly("azure/network/private-endpoint")],
    "azure-native:privatedns:PrivateZone": () => [item("azure/dns/private-zone", 1, "1 zone")],
    "azure-native:keyvault:Key": (r) =>
        at(r.inputs, "properties.rotationPolicy.lifetimeActions") ? [item("azure/keyvault/key-rotation", 1, "1 rotation a year")] : [item("azure/keyvault/operations-only", 1, "operations only")],
    "azure-native:keyvault:Vault": () => [item("azure/keyvault/operations-only", 1, "operations only")],
    "azure-native:keyvault:Secret": () => [item("azure/keyvault/operations-only", 1, "operations only")],
    "azure-native:recoveryservices:ProtectedItem": () => [item("azure/backup/protected-instance", 1, "1 VM")],
    "azure-native:recoveryservices:Vault": (_r, ctx) => {
        const gb = ctx.all.filter((x) => x.type === "azure-native:compute:Disk").reduce((s, x) => s + num(x.inputs.diskSizeGB), 0);
        const held = gb * ASSUMPTIONS.snapshotFractionOfDisk;
        return [item("azure/backup/storage-lrs", held, `${held} GB of recovery points of ${gb} GB of data disks (assumed)`, { assumed: true })];
    },
    "azure-native:storage:StorageAccount": () => [item("azure/storage/blob-hot", ASSUMPTIONS.bucketGb, `${ASSUMPTIONS.bucketGb} GB (assumed)`, { assumed: true })],
    // The workspace the diagnostic settings (AKS audit, Key Vault, backup, blob) send to.
    "azure-native:operationalinsights:Workspace": () => [item("azure/log-analytics/ingestion", ASSUMPTIONS.logGbPerMonth.controlPlane, `${ASSUMPTIONS.logGbPerMonth.controlPlane} GB/month (assumed)`, { assumed: true })],
    "azure-native:network:FlowLog": () => [item("azure/network-watcher/flow-logs", ASSUMPTIONS.logGbPerMonth.flowLogs, `${ASSUMPTIONS.logGbPerMonth.flowLogs} GB/month (assumed)`, { assumed: true })],

    // ---- GCP ----
    "gcp:container/cluster:Cluster": (r) => {
        const logs = ((at(r.inputs, "loggingConfig.enableComponents") as unknown[] | undefined) ?? []).length > 0;
        return [
            hourly("gcp/gke/cluster-fee"),
            ...(logs ? [item("gcp/logging/ingestion", ASSUMPTIONS.logGbPerMonth.controlPlane, `${ASSUMPTIONS.logGbPerMonth.controlPlane} GB/month of cluster logs (assumed)`, { assumed: true })] : []),
        ];
    },
    "gcp:container/nodePool:NodePool": (r) => {
        const zones = ((r.inputs.nodeLocations as unknown[] | undefined) ?? []).length || 1;
        const desired = num(r.inputs.nodeCount, num(r.inputs.initialNodeCount, 1) * zones);
        const min = num(at(r.inputs, "autoscaling.totalMinNodeCount"), num(at(r.inputs, "autoscaling.minNodeCount"), desired / zones) * (at(r.inputs, "autoscaling.totalMinNodeCount") === undefined ? zones : 1));
        const disk = num(at(r.inputs, "nodeConfig.diskSizeGb"), 100);
        const diskType = at(r.inputs, "nodeConfig.diskType") ?? "pd-balanced";
        return all([
            nodes(`gcp/vm/${String(at(r.inputs, "nodeConfig.machineType"))}`, desired, min, at(r.inputs, "nodeConfig.spot") === true),
            diskType === "pd-balanced" ? item("gcp/disk/pd-balanced", disk * desired, `${desired} x ${disk} GB boot`, { minQuantity: disk * min }) : `node disk type ${String(diskType)} has no row`,
        ]);
    },
    "gcp:compute/instance:Instance": (r) => {
        const inline = at(r.inputs, "bootDisk.initializeParams.size");
        return all([
            nodes(`gcp/vm/${String(r.inputs.machineType)}`, 1, 1, at(r.inputs, "scheduling.provisioningModel") === "SPOT"),
            inline !== undefined ? item("gcp/disk/pd-balanced", num(inline), `${num(inline)} GB boot`) : undefined,
        ]);
    },
    "gcp:compute/disk:Disk": (r) => (r.inputs.type === "pd-balanced" ? [item("gcp/disk/pd-balanced", num(r.inputs.size), `${num(r.inputs.size)} GB`)] : `disk type ${String(r.inputs.type)} has no row`),
    "gcp:compute/address:Address": (r) => (r.inputs.addressType === "INTERNAL" ? [] : [hourly("gcp/network/external-ip")]),
    "gcp:compute/routerNat:RouterNat": (_r, ctx) => {
        const vms =
            ctx.all.filter((x) => x.type === "gcp:compute/instance:Instance" && !at(x.inputs, "networkInterfaces.0.accessConfigs.0")).length +
            ctx.all
                .filter((x) => x.type === "gcp:container/nodePool:NodePool")
                .reduce((s, x) => s + num(x.inputs.nodeCount, num(x.inputs.initialNodeCount, 1) * (((x.inputs.nodeLocations as unknown[] | undefined) ?? []).length || 1)), 0);
        const n = Math.min(vms, 32);
        return [
            item("gcp/nat/per-vm", n * HOURS_PER_MONTH, `${n} VMs x ${HOURS_PER_MONTH} h`),
            item("gcp/nat/data", ASSUMPTIONS.natGbPerMonth, `${ASSUMPTIONS.natGbPerMonth} GB (assumed)`, { assumed: true }),
        ];
    },
    "gcp:kms/cryptoKey:CryptoKey": (r) => (at(r.inputs, "versionTemplate.protectionLevel") === "HSM" ? "HSM keys have no row" : [item("gcp/kms/key-version", 1, "1 active version")]),
    "gcp:secretmanager/secretVersion:SecretVersion": () => [item("gcp/secretmanager/version", 1, "1 version, 1 location")],
    "gcp:compute/resourcePolicy:ResourcePolicy": (r, ctx) => {
        const name = String(r.inputs.name ?? "");
        const gb = ctx.all
            .filter((x) => x.type === "gcp:compute/disk:Disk" && ((x.inputs.resourcePolicies as string[] | undefined) ?? []).some((p) => p.endsWith(`/${name}`)))
            .reduce((s, x) => s + num(x.inputs.size), 0);
        const held = gb * ASSUMPTIONS.snapshotFractionOfDisk;
        return [item("gcp/disk/snapshot", held, `${held} GB of snapshots of ${gb} GB of scheduled disks (assumed)`, { assumed: true })];
    },
    // The _Default bucket kept beyond 30 days: the control plane's logs, retained for the extra days.
    "gcp:logging/projectBucketConfig:ProjectBucketConfig": (r) => {
        const extraDays = Math.max(0, num(r.inputs.retentionDays, 30) - 30);
        const gb = (ASSUMPTIONS.logGbPerMonth.controlPlane * extraDays) / 30;
        return extraDays === 0 ? [] : [item("gcp/logging/retention", gb, `${round2(gb)} GB retained beyond 30 days (assumed)`, { assumed: true })];
    },
    "gcp:storage/bucket:Bucket": () => [item("gcp/storage/standard", ASSUMPTIONS.bucketGb, `${ASSUMPTIONS.bucketGb} GB (assumed)`, { assumed: true })],
    "gcp:compute/subnetwork:Subnetwork": (r) =>
        r.inputs.logConfig ? [item("gcp/logging/vended-network", ASSUMPTIONS.logGbPerMonth.flowLogs, `${ASSUMPTIONS.logGbPerMonth.flowLogs} GB/month of flow logs (assumed)`, { assumed: true })] : [],
};

function agentPool(p: Record<string, unknown>): (CostItem | string)[] {
    const desired = num(p.count, 1);
    const min = num(p.minCount, desired);
    return [
        nodes(`azure/vm/${String(p.vmSize)}`, desired, min, p.scaleSetPriority === "Spot"),
        p.osDiskType === "Ephemeral" ? undefined : premiumDisk(num(p.osDiskSizeGB, 128), desired, min),
    ].filter((x): x is CostItem | string => x !== undefined);
}

/** Types the clouds do not bill by themselves, with why. */
const NO_CHARGE: readonly [RegExp, string][] = [
    [/^(tls|random):/, "computed locally by the provider, kept in the stack state"],
    [/^pulumi:/, "Pulumi provider or stack reference"],
    [/^kubernetes:(?!core\/v1:(Service|PersistentVolumeClaim)$)/, "Kubernetes object: runs on the priced nodes"],
    [/^aws:(iam\/|eks\/(addon|accessEntry|accessPolicyAssociation):)/, "IAM, EKS access configuration and EKS add-ons (add-ons run on the priced nodes)"],
    [/^aws:ec2\/(vpc|subnet|routeTable|routeTableAssociation|internetGateway|securityGroup|defaultSecurityGroup|keyPair|launchTemplate|volumeAttachment|flowLog):/, "VPC configuration (a flow log's cost is its log group's ingestion; a launch template's volumes are priced on the node group)"],
    [/^aws:vpc\/securityGroup(Ingress|Egress)Rule:/, "security group rule"],
    [/^aws:kms\/alias:/, "KMS alias"],
    [/^aws:s3\/bucket(LifecycleConfiguration|OwnershipControls|Policy|PublicAccessBlock|ServerSideEncryptionConfiguration|Versioning):/, "S3 bucket configuration"],
    [/^aws:backup\/(plan|selection):/, "AWS Backup plan (its storage is priced on the vault)"],
    [/^aws:secretsmanager\/secretVersion:/, "secret versions are included in the secret's price"],
    [/^azure-native:(resources:ResourceGroup|authorization:|managedidentity:|compute:DiskEncryptionSet)/, "resource group, RBAC, identity or encryption configuration"],
    [/^azure-native:network:(VirtualNetwork|Subnet|NetworkSecurityGroup|ApplicationSecurityGroup|NetworkInterface|PrivateDnsZoneGroup)$/, "virtual network configuration"],
    [/^azure-native:privatedns:VirtualNetworkLink$/, "private DNS zone link (no auto-registration)"],
    [/^azure-native:recoveryservices:ProtectionPolicy$/, "backup policy (its storage is priced on the vault)"],
    [/^azure-native:storage:(BlobServiceProperties|BlobContainer)$/, "storage configuration (priced on the account)"],
    [/^gcp:(projects|serviceaccount|oslogin)\//, "project services, IAM and OS Login configuration"],
    [/^gcp:.*IAMMember:|^gcp:secretmanager\/secretIamMember:|^gcp:kms\/cryptoKeyIAMMember:/, "IAM binding"],
    [/^gcp:compute\/(network|router|firewall):/, "VPC configuration (firewall logging is part of the flow-log assumption)"],
    [/^gcp:kms\/keyRing:/, "key ring"],
    [/^gcp:secretmanager\/secret:/, "billed per active version (priced on the SecretVersion)"],
    [/^time:/, "a timer in the provider (the propagation waits, rotation schedules): no cloud resource"],
    [/^aws:backup\/vaultLockConfiguration:/, "Backup Vault Lock (a vault setting; storage priced on the vault)"],
    [/^aws:s3\/bucketLogging:/, "S3 server access logging (its log objects are priced on the log bucket)"],
    [/^azure-native:monitor:DiagnosticSetting$/, "diagnostic setting (its logs are priced as the workspace's ingestion)"],
    [/^azure-native:containerservice:MaintenanceConfiguration$/, "AKS maintenance window"],
    [/^gcp:binaryauthorization\/policy:/, "Binary Authorization for GKE has no charge of its own"],
    [/^gcp:dns\/policy:/, "DNS server policy (its query logs fall under the logging assumption)"],
    [/^gcp:pubsub\/(topic|subscription):/, "Pub/Sub is billed by throughput: a few security bulletins a month, inside the free 10 GiB"],
];

function noChargeReason(type: string): string | undefined {
    return NO_CHARGE.find(([re]) => re.test(type))?.[1];
}

/** The pricing rule for a type, if any (tests check coverage without pricing). */
export function hasPricer(type: string): boolean {
    return type in PRICERS;
}

/** True when the type is declared free of its own charge. */
export function isNoCharge(type: string): boolean {
    return noChargeReason(type) !== undefined;
}

function isEphemeral(graph: ResourceGraph): boolean {
    // Provider inputs carry nested objects JSON-encoded (defaultTags on the aws provider).
    const decoded = (v: unknown): unknown => {
        if (typeof v !== "string") {
            return v;
        }
        try {
            return JSON.parse(v) as unknown;
        } catch {
            return v;
        }
    };
    return graph.resources.some(
        (r) =>
            at(r.inputs, "tags.ephemeral") === "true" ||
            at(r.inputs, "labels.ephemeral") === "true" ||
            at(decoded(r.inputs.defaultTags), "tags.ephemeral") === "true" ||
            at(decoded(r.inputs.defaultLabels), "ephemeral") === "true",
    );
}

/** Prices both layers of an environment. */
export function costReport(layers: LayeredGraphs): CostReport {
    const graphs = [layers.platform, layers.incluster];
    const all = graphs.flatMap((g) => g.resources);
    const ctx: Context = { graphs, all };
    const priced: PricedResource[] = [];
    const noCharge: { resource: CapturedResource; reason: string }[] = [];
    const unpriced: Unpriced[] = [];
    for (const r of all) {
        if (!r.custom || r.read) {
            continue;
        }
        const pricer = PRICERS[r.type];
        if (pricer) {
            const result = pricer(r, ctx);
            if (typeof result === "string") {
                unpriced.push({ resource: r, reason: result });
            } else if (result.length === 0) {
                noCharge.push({ resource: r, reason: "nothing billable configured" });
            } else {
                priced.push({ resource: r, items: result, monthly: result.reduce((s, i) => s + i.monthly, 0), minMonthly: result.reduce((s, i) => s + i.minMonthly, 0) });
            }
            continue;
        }
        const reason = noChargeReason(r.type);
        if (reason) {
            noCharge.push({ resource: r, reason });
        } else {
            unpriced.push({ resource: r, reason: "no pricing rule for this type" });
        }
    }
    return {
        stack: layers.platform.stack,
        priced,
        noCharge,
        unpriced,
        monthly: priced.reduce((s, p) => s + p.monthly, 0),
        minMonthly: priced.reduce((s, p) => s + p.minMonthly, 0),
        ephemeral: isEphemeral(layers.platform),
    };
}

const usd = (n: number) => `$${n.toFixed(2)}`;
/** Unit prices keep their precision ($0.0114/hour). */
const unitUsd = (n: number) => `$${n >= 1 || n === 0 ? n.toFixed(2) : Number(n.toPrecision(3)).toString()}`;

/** The one-line total (the default report ends its cost part with it). */
export function costTotalLine(report: CostReport): string {
    const m = report.priced.length + report.noCharge.length;
    return `Estimated cost: ${usd(report.monthly)}/month (${m} resources priced, ${report.unpriced.length} unpriced)`;
}

/** The hourly line of an ephemeral environment. */
export function costHourlyLine(report: CostReport): string | undefined {
    return report.ephemeral ? `Ephemeral environment: ${usd(report.monthly / HOURS_PER_MONTH)}/hour while it exists (${HOURS_PER_MONTH} h/month)` : undefined;
}

/** `--cost`: per resource, the unpriced ones, the assumptions and unverified rows used, then the total. */
export function formatCostReport(report: CostReport): string {
    const lines = [`Cost estimate for ${report.stack} (USD, list prices of ${PRICE_TABLE_DATE}, ${HOURS_PER_MONTH} h/month; offline/report/prices.ts):`];
    const sorted = [...report.priced].sort((a, b) => b.monthly - a.monthly);
    for (const p of sorted) {
        lines.push(`  ${usd(p.monthly).padStart(10)}  ${p.resource.type} ${p.resource.name}`);
        for (const i of p.items) {
            lines.push(`              ${i.row.kind}: ${i.what} x ${unitUsd(i.row.unitPrice)}/${i.row.unit}${i.row.confirmedBy ? "" : " (unverified price)"}`);
        }
    }
    lines.push(`No charge of their own: ${report.noCharge.length} resources (${[...new Set(report.noCharge.map((n) => n.reason))].length} kinds: IAM, rules, subnets, in-cluster objects, local keys)`);
    if (report.unpriced.length > 0) {
        lines.push(`Unpriced (NOT counted in the total): ${report.unpriced.length}`);
        for (const u of report.unpriced) {
            lines.push(`  - ${u.resource.type} ${u.resource.name}: ${u.reason}`);
        }
    }
    const used = new Map<string, PriceRow>();
    for (const p of report.priced) {
        for (const i of p.items) {
            used.set(i.row.id, i.row);
        }
    }
    const unverified = [...used.values()].filter((r) => !r.confirmedBy);
    if (unverified.length > 0) {
        lines.push(`Unverified prices used (${unverified.length}; check against their source before budgeting): ${unverified.map((r) => r.id).join(", ")}`);
    }
    lines.push(
        `Assumptions: spot at -${ASSUMPTIONS.spotDiscount * 100}%; logs ${ASSUMPTIONS.logGbPerMonth.controlPlane} GB/month per control plane and ${ASSUMPTIONS.logGbPerMonth.flowLogs} GB/month per flow-log sink; ` +
            `${ASSUMPTIONS.natGbPerMonth} GB/month through each NAT; snapshots hold ${ASSUMPTIONS.snapshotFractionOfDisk * 100}% of the protected disks; ${ASSUMPTIONS.bucketGb} GB per bucket. Data transfer out is not estimated.`,
    );
    lines.push(`At the node pools' minimum sizes: ${usd(report.minMonthly)}/month`);
    const hourlyLine = costHourlyLine(report);
    if (hourlyLine) {
        lines.push(hourlyLine);
    }
    lines.push(costTotalLine(report));
    return lines.join("\n");
}
