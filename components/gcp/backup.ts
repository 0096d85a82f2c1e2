/**
 * `platform:gcp:Backup`: daily snapshots of every tool VM disk (a snapshot-schedule resource
 * policy, retention per environment) and the bucket Vault uploads raft snapshots to.
 *
 * The bucket is encrypted with the platform's `backups` key (CMEK; the Cloud Storage service
 * agent's grant exists first, kms.ts). Where the stack is protected (prod) it carries a retention
 * policy: no snapshot can be deleted or overwritten before `retentionDays`, by Vault (which may
 * only create objects anyway), an operator's mistake or a lifecycle rule. The policy is NOT locked:
 * whoever holds `storage.buckets.update` on the bucket (roles/storage.admin, the project's owners,
 * the deployer) can shorten or remove it first and then delete snapshots
 * (cloud.google.com/storage/docs/using-bucket-lock). Locking it (`isLocked: true`) makes it
 * permanent and is irreversible: the period can then never be reduced, nor the bucket deleted
 * before its last snapshot ages out (cloud.google.com/storage/docs/bucket-lock); it is a decision
 * for the operator of a real prod, not a default of the blueprint. Retention policies and Object
 * Versioning are mutually exclusive (cloud.google.com/storage/docs/bucket-lock), so the other environments keep
 * versioning instead, and stay destroyable at once (ephemeral and dev environments are torn down
 * and created again; a retention policy would hold every bucket with a recent snapshot).
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { gcpName, nameLabels, snapshotBucketName } from "./labels";

/** Object prefix of Vault's raft snapshots (components/bootstrap default). */
export const VAULT_SNAPSHOT_PREFIX = "vault-snapshots/";
/** Object prefix of the Jenkins VM's daily JENKINS_HOME archive (components/bootstrap default), in the same bucket. */
export const JENKINS_HOME_PREFIX = "jenkins-home/";
/** Daily snapshot start (UTC, on the hour as GCP requires): the quiet hours in Europe. */
export const SNAPSHOT_START_TIME = "03:00";

export interface GcpBackupArgs {
    readonly project: string;
    readonly prefix: string;
    readonly region: string;
    /** Days snapshots (and noncurrent snapshot objects) are kept (env profile). */
    readonly retentionDays: number;
    readonly protect: boolean;
    /** The bucket's CMEK key, and what must exist first (the Cloud Storage agent's grant, propagated). */
    readonly bucketKey: { readonly id: pulumi.Input<string>; readonly ready: readonly pulumi.Resource[] };
    readonly dependsOn?: readonly pulumi.Resource[];
}

/** Seconds in a day: the retention policy takes seconds. */
const DAY_SECONDS = 86_400;

export class Backup extends pulumi.ComponentResource {
    /** Attach to disks (resourcePolicies). */
    readonly snapshotPolicyId: pulumi.Output<string>;
    readonly snapshotPolicyName: pulumi.Output<string>;
    readonly snapshotBucket: pulumi.Output<string>;

    constructor(name: string, args: GcpBackupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:gcp:Backup", name, {}, opts);
        if (!Number.isInteger(args.retentionDays) || args.retentionDays < 1) {
            throw new Error(`platform:gcp:Backup: retentionDays ${args.retentionDays} must be a positive integer`);
        }
        const o: pulumi.CustomResourceOptions = { parent: this, dependsOn: [...(args.dependsOn ?? [])] };
        const policy = new gcp.compute.ResourcePolicy(
            `${name}-daily-snapshots`,
            {
                name: gcpName(args.prefix, "daily-snapshots"),
                region: args.region,
                description: `Daily snapshots of the tool VM disks, kept ${args.retentionDays} days`,
                snapshotSchedulePolicy: {
                    schedule: { dailySchedule: { daysInCycle: 1, startTime: SNAPSHOT_START_TIME } },
                    // A deleted disk keeps its snapshots until they age out: a mistake stays recoverable.
                    retentionPolicy: { maxRetentionDays: args.retentionDays, onSourceDiskDelete: "KEEP_AUTO_SNAPSHOTS" },
                    snapshotProperties: { storageLocations: args.region, guestFlush: false, labels: nameLabels(gcpName(args.prefix, "snapshot")) },
                },
            },
            { ...o, protect: args.protect, deleteBeforeReplace: true },
        );
        const retention = args.protect;
        const bucket = new gcp.storage.Bucket(
            `${name}-vault-snapshots`,
            {
                name: snapshotBucketName(args.project, args.prefix),
                location: args.region,
                storageClass: "STANDARD",
                uniformBucketLevelAccess: true,
                publicAccessPrevention: "enforced",
                encryption: { defaultKmsKeyName: args.bucketKey.id },
                // Prod: snapshots are immutable for the retention period; elsewhere versioning keeps
                // what Vault overwrote (the two cannot be combined, see the module doc).
                ...(retention ? { retentionPolicy: { retentionPeriod: String(args.retentionDays * DAY_SECONDS), isLocked: false } } : { versioning: { enabled: true } }),
                // Snapshots are rolled over hourly: keep the environment's retention, then drop.
                lifecycleRules: [
                    { action: { type: "Delete" }, condition: { age: args.retentionDays, withState: "ANY" } },
                    ...(retention ? [] : [{ action: { type: "Delete" }, condition: { daysSinceNoncurrentTime: args.retentionDays } }]),
                ],
                softDeletePolicy: { retentionDurationSeconds: 7 * 24 * 3600 },
                // Prod: a bucket with objects refuses deletion; elsewhere an ephemeral env tears down.
                forceDestroy: !args.protect,
                labels: nameLabels(gcpName(args.prefix, "vault-snapshots"), { role: "vault" }),
            },
            // A fixed, globally unique name: a replacement (another location) deletes the old bucket first.
            { ...o, protect: args.protect, deleteBeforeReplace: true, dependsOn: [...(args.dependsOn ?? []), ...args.bucketKey.ready] },
        );
        this.snapshotPolicyId = policy.id;
        this.snapshotPolicyName = policy.name;
        this.snapshotBucket = bucket.name;
        this.registerOutputs({ snapshotPolicy: this.snapshotPolicyId, snapshotBucket: this.snapshotBucket });
    }
}
