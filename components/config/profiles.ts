/**
 * Environment profiles: the defaults each environment gets before the stack's own values are
 * laid over them. Every field is a reviewed decision (cost vs. resilience vs. security), so it
 * lives here in one table rather than scattered `?? default`s.
 */
import type { Cloud, Environment } from "./schema";

export type NatStrategy = "none" | "single" | "perZone";
export type EndpointAccess = "restricted" | "private";

export interface NodePoolProfile {
    readonly instanceType: string;
    readonly minSize: number;
    readonly maxSize: number;
    readonly desiredSize: number;
    readonly diskSizeGb: number;
}

export interface EnvironmentProfile {
    /** Availability zones the network spans. Two is the minimum EKS accepts. */
    readonly zones: number;
    /** `single` saves ~$30/month per zone; `perZone` keeps egress up when one zone fails. */
    readonly natStrategy: NatStrategy;
    /** Interface endpoints (SSM, ECR, STS, KMS, logs): traffic to the cloud APIs never leaves the VPC. */
    readonly privateEndpoints: boolean;
    /** Retention of VPC flow logs and control-plane logs (CloudWatch-allowed values). */
    readonly logRetentionDays: number;
    /** How the Kubernetes API is reached (see DESIGN.md, cluster access model). */
    readonly endpointAccess: EndpointAccess;
    /** Whether the workload node pool may run on spot capacity. */
    readonly spot: boolean;
    /** Protect stateful resources (volumes, keys, vaults, the cluster) from `pulumi destroy`. */
    readonly deletionProtection: boolean;
    /** Days daily backups are kept. */
    readonly backupRetentionDays: number;
    /**
     * Named operator accounts are required (`bastion.users`): no shared login identity. Dev may
     * go without (the cloud's default key then keeps its shell).
     */
    readonly requireNamedOperators: boolean;
    /** Vault's recovery keys must be PGP-encrypted to configured operator keys before init. */
    readonly requireRecoveryPgpKeys: boolean;
    /** Maintenance reboot window (UTC); each role reboots at its own offset after the start. */
    readonly patching: { readonly rebootDays: readonly ("Mon" | "Tue" | "Wed" | "Thu" | "Fri" | "Sat" | "Sun")[]; readonly rebootTime: string };
    /** Vault recovery key shares and threshold (Vault: threshold > 1 when shares > 1). */
    readonly vaultRecovery: { readonly shares: number; readonly threshold: number };
    readonly bastionInstanceType: string;
    readonly toolVmInstanceType: string;
    readonly nodePools: { readonly system: NodePoolProfile; readonly workload: NodePoolProfile };
}

/** What every cloud shares per environment: the reviewed security, resilience and cost choices. */
type EnvironmentPolicy = Omit<EnvironmentProfile, "bastionInstanceType" | "toolVmInstanceType" | "nodePools">;
/** What differs per cloud: machine sizes (names are cloud-specific). */
type Sizes = Pick<EnvironmentProfile, "bastionInstanceType" | "toolVmInstanceType" | "nodePools">;

const POLICY: Readonly<Record<Environment, EnvironmentPolicy>> = {
    dev: {
        zones: 2,
        natStrategy: "single",
        privateEndpoints: false,
        logRetentionDays: 30,
        endpointAccess: "restricted",
        spot: true,
        deletionProtection: false,
        backupRetentionDays: 7,
        requireNamedOperators: false,
        requireRecoveryPgpKeys: false,
        // Dev: any night; a kernel fix waits at most a day.
        patching: { rebootDays: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], rebootTime: "04:00" },
        vaultRecovery: { shares: 3, threshold: 2 },
    },
    staging: {
        zones: 3,
        natStrategy: "single",
        privateEndpoints: true,
        logRetentionDays: 90,
        endpointAccess: "restricted",
        spot: true,
        deletionProtection: false,
        backupRetentionDays: 14,
        requireNamedOperators: true,
        requireRecoveryPgpKeys: true,
        patching: { rebootDays: ["Tue", "Thu"], rebootTime: "03:00" },
        vaultRecovery: { shares: 5, threshold: 3 },
    },
    prod: {
        zones: 3,
        natStrategy: "perZone",
        privateEndpoints: true,
        logRetentionDays: 365,
        endpointAccess: "private",
        spot: false,
        deletionProtection: true,
        backupRetentionDays: 35,
        requireNamedOperators: true,
        requireRecoveryPgpKeys: true,
        // Prod: once a week, Sunday early morning UTC (a kernel fix waits at most 7 days).
        patching: { rebootDays: ["Sun"], rebootTime: "02:00" },
        vaultRecovery: { shares: 5, threshold: 3 },
    },
};

const pool = (instanceType: string, minSize: number, maxSize: number, desiredSize: number, diskSizeGb: number): NodePoolProfile => ({
    instanceType,
    minSize,
    maxSize,
    desiredSize,
    diskSizeGb,
});

/** Node pools scale the same on every cloud; only the machine names differ. */
const SIZES: Readonly<Record<Cloud, Readonly<Record<Environment, Sizes>>>> = {
    aws: {
        dev: { bastionInstanceType: "t3.micro", toolVmInstanceType: "t3.large", nodePools: { system: pool("t3.large", 2, 3, 2, 50), workload: pool("m6i.large", 1, 4, 2, 80) } },
        staging: { bastionInstanceType: "t3.micro", toolVmInstanceType: "m6i.large", nodePools: { system: pool("m6i.large", 2, 3, 2, 50), workload: pool("m6i.xlarge", 2, 6, 2, 100) } },
        prod: { bastionInstanceType: "t3.small", toolVmInstanceType: "m6i.xlarge", nodePools: { system: pool("m6i.large", 3, 5, 3, 50), workload: pool("m6i.2xlarge", 3, 12, 3, 100) } },
    },
    azure: {
        dev: { bastionInstanceType: "Standard_B2s", toolVmInstanceType: "Standard_D2s_v5", nodePools: { system: pool("Standard_D4ds_v5", 2, 3, 2, 64), workload: pool("Standard_D4ds_v5", 1, 4, 2, 128) } },
        staging: { bastionInstanceType: "Standard_B2s", toolVmInstanceType: "Standard_D4s_v5", nodePools: { system: pool("Standard_D4ds_v5", 2, 3, 2, 64), workload: pool("Standard_D8ds_v5", 2, 6, 2, 128) } },
        prod: { bastionInstanceType: "Standard_B2ms", toolVmInstanceType: "Standard_D8s_v5", nodePools: { system: pool("Standard_D4ds_v5", 3, 5, 3, 64), workload: pool("Standard_D8ds_v5", 3, 12, 3, 128) } },
    },
    gcp: {
        dev: { bastionInstanceType: "e2-small", toolVmInstanceType: "e2-standard-2", nodePools: { system: pool("e2-standard-4", 2, 3, 2, 50), workload: pool("e2-standard-4", 1, 4, 2, 100) } },
        staging: { bastionInstanceType: "e2-small", toolVmInstanceType: "e2-standard-4", nodePools: { system: pool("e2-standard-4", 2, 3, 2, 50), workload: pool("n2-standard-4", 2, 6, 2, 100) } },
        prod: { bastionInstanceType: "e2-medium", toolVmInstanceType: "n2-standard-4", nodePools: { system: pool("n2-standard-4", 3, 5, 3, 50), workload: pool("n2-standard-8", 3, 12, 3, 100) } },
    },
};

/** The profile for an environment on a cloud. */
export function profileFor(cloud: Cloud, environment: Environment): EnvironmentProfile {
    return { ...POLICY[environment], ...SIZES[cloud][environment] };
}
