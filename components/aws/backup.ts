/**
 * `platform:aws:Backup`: the AWS Backup vault (KMS) and the daily plan that picks up every tool
 * VM and its data volume by tag, plus the S3 bucket Vault uploads its raft snapshots to
 * (versioned, KMS-encrypted, TLS-only, public access blocked, expiring with the retention).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { limitedName, NAME_LIMITS, resourceName } from "../naming";
import { withName } from "../tags";
import { AwsAccount, managedPolicyArn, policyDocument, serviceTrustPolicy } from "./iam";

/** Tag that puts a resource in the daily plan. */
export const BACKUP_TAG = { key: "backup", value: "daily" } as const;
/**
 * Second tag every selected resource carries: the stack's prefix. Selections are account-wide,
 * so without it two stacks in one account (dev and an ephemeral env) would back up each other.
 */
export const BACKUP_SCOPE_TAG_KEY = "backup-scope";

/** Tags a resource needs to be picked up by this stack's plan. */
export function backupTags(prefix: string): Record<string, string> {
    return { [BACKUP_TAG.key]: BACKUP_TAG.value, [BACKUP_SCOPE_TAG_KEY]: prefix };
}

/** Daily at 03:00 UTC: outside European and American working hours. */
export const BACKUP_SCHEDULE = "cron(0 3 * * ? *)";
/** Object key prefix Vault's snapshot job writes under (the bootstrap's default). */
export const VAULT_SNAPSHOT_PREFIX = "vault-snapshots/";
/** Object key prefix of the Jenkins VM's daily JENKINS_HOME archive (the bootstrap's default), in the same bucket. */
export const JENKINS_HOME_PREFIX = "jenkins-home/";

/** The snapshot bucket's globally unique, deterministic name (account id keeps it unique). */
export function snapshotBucketName(prefix: string, accountId: string): string {
    return limitedName(NAME_LIMITS.awsS3Bucket, prefix, "vault-snapshots", accountId);
}

export interface AwsBackupArgs {
    readonly prefix: string;
    readonly account: AwsAccount;
    /** Days recovery points and snapshot objects are kept (dev 7, prod 35). */
    readonly retentionDays: number;
    /** KMS key of the backup vault and the snapshot bucket. */
    readonly backupKeyArn: pulumi.Input<string>;
    /** Prod: protect the vault and the bucket, and refuse to delete them while they hold data. */
    readonly protect: boolean;
}

export class Backup extends pulumi.ComponentResource {
    readonly vaultName: pulumi.Output<string>;
    readonly planId: pulumi.Output<string>;
    readonly snapshotBucket: pulumi.Output<string>;
    readonly snapshotBucketArn: pulumi.Output<string>;

    constructor(name: string, args: AwsBackupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:aws:Backup", name, {}, opts);
        validateBackupArgs(args);
        const built = buildBackup(name, args, this);
        this.vaultName = built.vault.name;
        this.planId = built.plan.id;
        this.snapshotBucket = built.bucket.bucket;
        this.snapshotBucketArn = built.bucket.arn;
        this.registerOutputs({ vaultName: this.vaultName, planId: this.planId, snapshotBucket: this.snapshotBucket });
    }
}

export function validateBackupArgs(args: AwsBackupArgs): void {
    if (!Number.isInteger(args.retentionDays) || args.retentionDays < 1) {
        throw new Error(`platform:aws:Backup: retentionDays ${args.retentionDays} must be a positive integer`);
    }
}

export function buildBackup(name: string, args: AwsBackupArgs, parent: pulumi.Resource) {
    const opts: pulumi.CustomResourceOptions = { parent };
    const stateful: pulumi.CustomResourceOptions = { parent, protect: args.protect };
    const n = (...parts: string[]) => resourceName(args.prefix, ...parts);
    const child = (...parts: string[]) => [name, ...parts].join("-");

    const vault = new aws.backup.Vault(
        child("vault"),
        // forceDestroy only where the env is disposable: in prod a vault holding recovery points
        // must not disappear with a `pulumi destroy`.
        { name: n("backup"), kmsKeyArn: args.backupKeyArn, forceDestroy: !args.protect, tags: withName(n("backup")) },
        stateful,
    );
    const plan = new aws.backup.Plan(
        child("plan"),
        {
            name: n("daily"),
            rules: [
                {
                    ruleName: "daily",
                    targetVaultName: vault.name,
                    schedule: BACKUP_SCHEDULE,
                    scheduleExpressionTimezone: "Etc/UTC",
                    startWindow: 60,
                    completionWindow: 360,
                    lifecycle: { deleteAfter: args.retentionDays },
                    recoveryPointTags: { [BACKUP_SCOPE_TAG_KEY]: args.prefix },
                },
            ],
            tags: withName(n("daily")),
        },
        opts,
    );
    const role = new aws.iam.Role(
        child("role"),
        {
            name: limitedName(NAME_LIMITS.awsIamRole, args.prefix, "backup"),
            assumeRolePolicy: JSON.stringify(serviceTrustPolicy(args.account, "backup.amazonaws.com")),
            tags: withName(n("backup")),
        },
        opts,
    );
    for (const policy of ["service-role/AWSBackupServiceRolePolicyForBackup", "service-role/AWSBackupServiceRolePolicyForRestores"]) {
        new aws.iam.RolePolicyAttachment(child("role", policy.endsWith("Backup") ? "backup" : "restores"), { role: role.name, policyArn: managedPolicyArn(args.account, policy) }, opts);
    }
    const selection = new aws.backup.Selection(
        child("selection"),
        {
            name: n("tool-vms"),
            planId: plan.id,
            iamRoleArn: role.arn,
            // By tag: every tool VM (instance: root + attached volumes, crash-consistent) and every
            // data volume on its own (a volume-level restore of JENKINS_HOME or the indexer without
            // rebuilding the VM; EBS snapshots are incremental, so the overlap costs little).
            selectionTags: [{ type: "STRINGEQUALS", key: BACKUP_TAG.key, value: BACKUP_TAG.value }],
            // ...and only this stack's resources (selections are account-wide).
            conditions: [{ stringEquals: [{ key: `aws:ResourceTag/${BACKUP_SCOPE_TAG_KEY}`, value: args.prefix }] }],
        },
        opts,
    );

    const bucketName = snapshotBucketName(args.prefix, args.account.accountId);
    const bucket = new aws.s3.Bucket(
        child("vault-snapshots"),
        // forceDestroy outside prod: an ephemeral env must tear down with its (versioned) snapshots.
        { bucket: bucketName, forceDestroy: !args.protect, tags: withName(bucketName, { purpose: "backup" }) },
        stateful,
    );
    new aws.s3.BucketOwnershipControls(child("vault-snapshots-ownership"), { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, opts);
    new aws.s3.BucketPublicAccessBlock(
        child("vault-snapshots-public-access"),
        { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
        opts,
    );
    const versioning = new aws.s3.BucketVersioning(child("vault-snapshots-versioning"), { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, opts);
    new aws.s3.BucketServerSideEncryptionConfiguration(
        child("vault-snapshots-sse"),
        {
            bucket: bucket.id,
            // Bucket Keys: one KMS call per bucket and day instead of per object.
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.backupKeyArn }, bucketKeyEnabled: true }],
        },
        opts,
    );
    new aws.s3.BucketLifecycleConfiguration(
        child("vault-snapshots-lifecycle"),
        {
            bucket: bucket.id,
            rules: [
                {
                    id: "expire-snapshots",
                    status: "Enabled",
                    filter: { prefix: VAULT_SNAPSHOT_PREFIX },
                    // Snapshots live as long as the VM backups; overwritten or deleted versions too.
                    expiration: { days: args.retentionDays },
                    noncurrentVersionExpiration: { noncurrentDays: args.retentionDays },
                    abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
                },
                {
                    // The JENKINS_HOME archives: kept as long as the snapshots.
                    id: "expire-jenkins-home",
                    status: "Enabled",
                    filter: { prefix: JENKINS_HOME_PREFIX },
                    expiration: { days: args.retentionDays },
                    noncurrentVersionExpiration: { noncurrentDays: args.retentionDays },
                    abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
                },
            ],
        },
        // Lifecycle rules on a versioned bucket need versioning in place first.
        { parent, dependsOn: [versioning] },
    );
    new aws.s3.BucketPolicy(
        child("vault-snapshots-policy"),
        {
            bucket: bucket.id,
            policy: bucket.arn.apply((arn) =>
                JSON.stringify(
                    policyDocument(
                        {
                            Sid: "DenyInsecureTransport",
                            Effect: "Deny",
                            Principal: { AWS: "*" },
                            Action: "s3:*",
                            Resource: [arn, `${arn}/*`],
                            Condition: { Bool: { "aws:SecureTransport": false } },
                        },
                        {
                            Sid: "DenyObjectsNotEncryptedWithTheBackupKey",
                            Effect: "Deny",
                            Principal: { AWS: "*" },
                            Action: "s3:PutObject",
                            Resource: `${arn}/*`,
                            Condition: { StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption": "aws:kms" } },
                        },
                    ),
                ),
            ),
        },
        opts,
    );

    return { vault, plan, role, selection, bucket };
}
