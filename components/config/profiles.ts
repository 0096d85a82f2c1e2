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
    readonly bastionInstanceType: string;
    readonly toolVmInstanceType: string;
    readonly nodePools: { readonly system: NodePoolProfile; readonly workload: NodePoolProfile };
}

/** Per cloud, because instance type names are cloud-specific. */
const AWS_PROFILES: Readonly<Record<Environment, EnvironmentProfile>> = {
    dev: {
        zones: 2,
        natStrategy: "single",
        privateEndpoints: false,
        logRetentionDays: 30,
        endpointAccess: "restricted",
        spot: true,
        deletionProtection: false,
        backupRetentionDays: 7,
        bastionInstanceType: "t3.micro",
        toolVmInstanceType: "t3.large",
        nodePools: {
            system: { instanceType: "t3.large", minSize: 2, maxSize: 3, desiredSize: 2, diskSizeGb: 50 },
            workload: { instanceType: "m6i.large", minSize: 1, maxSize: 4, desiredSize: 2, diskSizeGb: 80 },
        },
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
        bastionInstanceType: "t3.micro",
        toolVmInstanceType: "m6i.large",
        nodePools: {
            system: { instanceType: "m6i.large", minSize: 2, maxSize: 3, desiredSize: 2, diskSizeGb: 50 },
            workload: { instanceType: "m6i.xlarge", minSize: 2, maxSize: 6, desiredSize: 2, diskSizeGb: 100 },
        },
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
        bastionInstanceType: "t3.small",
        toolVmInstanceType: "m6i.xlarge",
        nodePools: {
            system: { instanceType: "m6i.large", minSize: 3, maxSize: 5, desiredSize: 3, diskSizeGb: 50 },
            workload: { instanceType: "m6i.2xlarge", minSize: 3, maxSize: 12, desiredSize: 3, diskSizeGb: 100 },
        },
    },
};

const PROFILES: Readonly<Partial<Record<Cloud, Readonly<Record<Environment, EnvironmentProfile>>>>> = {
    aws: AWS_PROFILES,
};

/** The profile for an environment on a cloud; throws for a cloud without profiles yet. */
export function profileFor(cloud: Cloud, environment: Environment): EnvironmentProfile {
    const byEnv = PROFILES[cloud];
    if (!byEnv) {
        throw new Error(`no environment profiles for cloud "${cloud}" yet`);
    }
    return byEnv[environment];
}
