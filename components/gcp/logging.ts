/**
 * The project's logs: how long they are kept, and which Data Access audit logs are written.
 *
 * - Retention: everything the platform logs (VPC flow logs, firewall rule logs, GKE control plane
 *   and workloads, the VMs' Ops Agent) lands in the project's `_Default` log bucket, which keeps
 *   logs 30 days unless told otherwise (cloud.google.com/logging/docs/buckets#default-bucket,
 *   "configurable retention", 1 to 3650 days: cloud.google.com/logging/docs/buckets#custom-retention).
 *   The environment's reviewed retention (`cluster.logRetentionDays`, `network.flowLogs.retentionDays`;
 *   30 / 90 / 365 days per profile) is set on that bucket: one bucket, so the longer of the two.
 *   `_Default` always exists and cannot be deleted: the resource takes over the existing bucket,
 *   and a destroy only forgets it (registry: gcp.logging.ProjectBucketConfig). Admin Activity
 *   audit logs go to `_Required` (400 days, fixed) regardless.
 * - Data Access audit logs are off by default (cloud.google.com/logging/docs/audit/configure-data-access).
 *   They are turned on for the services that hold the platform's secrets and backups: Cloud KMS
 *   (every encrypt/decrypt with the unseal, disk, secrets and bucket keys), Secret Manager (every
 *   secret read) and Cloud Storage (every snapshot object read or written), all three log types.
 *   Not `allServices` (CIS GCP 2.1 asks for it): DATA_READ on Kubernetes Engine and Compute
 *   Engine logs every API read of every controller, a volume whose cost the profile does not
 *   budget; a project that needs it adds an audit config for `allServices`.
 *   An audit config is authoritative for its service: these replace whatever the project had for
 *   those three services, and exempt nobody.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

/** The project's default log bucket (its id and location are fixed by Cloud Logging). */
export const DEFAULT_LOG_BUCKET = { bucketId: "_Default", location: "global" } as const;
/** Cloud Logging's bounds on a bucket's retention (days). */
export const LOG_RETENTION_BOUNDS = { min: 1, max: 3650 } as const;
/** Services whose Data Access audit logs are written (every log type). */
export const DATA_ACCESS_AUDITED_SERVICES = ["cloudkms.googleapis.com", "secretmanager.googleapis.com", "storage.googleapis.com"] as const;
/** The Data Access log types (cloud.google.com/logging/docs/audit#data-access). */
export const DATA_ACCESS_LOG_TYPES = ["ADMIN_READ", "DATA_READ", "DATA_WRITE"] as const;

export interface GcpLoggingArgs {
    readonly project: string;
    /** Days the `_Default` bucket keeps logs (the environment's log retention). */
    readonly retentionDays: number;
    readonly dependsOn?: readonly pulumi.Resource[];
}

/** The retention the `_Default` bucket gets: the longest the environment asks for, validated. */
export function defaultBucketRetention(logRetentionDays: number, flowLogRetentionDays: number): number {
    const days = Math.max(logRetentionDays, flowLogRetentionDays);
    if (!Number.isInteger(days) || days < LOG_RETENTION_BOUNDS.min || days > LOG_RETENTION_BOUNDS.max) {
        throw new Error(
            `GCP log retention: ${days} days (cluster.logRetentionDays ${logRetentionDays}, network.flowLogs.retentionDays ${flowLogRetentionDays}) ` +
                `is outside Cloud Logging's ${LOG_RETENTION_BOUNDS.min}-${LOG_RETENTION_BOUNDS.max} days; set both within it`,
        );
    }
    return days;
}

/** The `_Default` bucket's retention and the Data Access audit configs. */
export function projectLogging(name: string, args: GcpLoggingArgs, opts: pulumi.CustomResourceOptions): { readonly bucket: gcp.logging.ProjectBucketConfig; readonly audit: gcp.projects.IAMAuditConfig[] } {
    const o: pulumi.CustomResourceOptions = { ...opts, dependsOn: [...(args.dependsOn ?? [])] };
    const bucket = new gcp.logging.ProjectBucketConfig(
        `${name}-default-bucket`,
        { project: args.project, location: DEFAULT_LOG_BUCKET.location, bucketId: DEFAULT_LOG_BUCKET.bucketId, retentionDays: args.retentionDays },
        o,
    );
    const audit = DATA_ACCESS_AUDITED_SERVICES.map(
        (service) =>
            new gcp.projects.IAMAuditConfig(
                `${name}-audit-${service.split(".")[0]}`,
                { project: args.project, service, auditLogConfigs: DATA_ACCESS_LOG_TYPES.map((logType) => ({ logType })) },
                o,
            ),
    );
    return { bucket, audit };
}
