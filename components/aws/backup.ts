/**
 * `platform:aws:Backup`: the AWS Backup vault (KMS) and the daily plan that picks up every tool
 * VM and its data volume by tag, plus the S3 bucket Vault uploads its raft snapshots to
 * (versioned, KMS-encrypted with the backup key only, TLS-only, public access blocked, expiring
 * with the retention), whose every request is recorded by S3 server access logging into a
 * dedicated log bucket (`platform:aws:AccessLogBucket`).
 *
 * Why server access logging and not CloudTrail data events: it needs no trail (an account has at
 * most 5 trails per region, and every environment and ephemeral stack would want its own),
 * costs only the log storage, and records every request, denied ones included
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/logging-with-S3.html). CloudTrail data
 * events can be added on top where an organization trail exists.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { limitedName, NAME_LIMITS, resourceName } from "../naming";
import { withName } from "../tags";
import { AwsAccount, managedPolicyArn, plainServiceTrustPolicy, policyDocument, PolicyDocument } from "./iam";

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

/** Key prefix of the snapshot bucket's access logs in the log bucket. */
export const SNAPSHOT_ACCESS_LOG_PREFIX = "vault-snapshots/";

/** The access-log bucket's globally unique, deterministic name. */
export function accessLogBucketName(prefix: string, accountId: string): string {
    return limitedName(NAME_LIMITS.awsS3Bucket, prefix, "access-logs", accountId);
}

export interface AwsBackupArgs {
    readonly prefix: string;
    readonly account: AwsAccount;
    /** Days recovery points and snapshot objects are kept (dev 7, prod 35). */
    readonly retentionDays: number;
    /** Days the snapshot bucket's access logs are kept (the environment's log retention). */
    readonly accessLogRetentionDays: number;
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
    /** Where S3 writes the snapshot bucket's server access logs. */
    readonly accessLogBucket: pulumi.Output<string>;

    constructor(name: string, args: AwsBackupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:aws:Backup", name, {}, opts);
        validateBackupArgs(args);
        const built = buildBackup(name, args, this);
        this.vaultName = built.vault.name;
        this.planId = built.plan.id;
        this.snapshotBucket = built.bucket.bucket;
        this.snapshotBucketArn = built.bucket.arn;
        this.accessLogBucket = built.accessLogs.bucketName;
        this.registerOutputs({ vaultName: this.vaultName, planId: this.planId, snapshotBucket: this.snapshotBucket, accessLogBucket: this.accessLogBucket });
    }
}

export function validateBackupArgs(args: AwsBackupArgs): void {
    if (!Number.isInteger(args.retentionDays) || args.retentionDays < 1) {
        throw new Error(`platform:aws:Backup: retentionDays ${args.retentionDays} must be a positive integer`);
    }
    if (!Number.isInteger(args.accessLogRetentionDays) || args.accessLogRetentionDays < 1) {
        throw new Error(`platform:aws:Backup: accessLogRetentionDays ${args.accessLogRetentionDays} must be a positive integer`);
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
    if (args.protect) {
        // Prod: Backup Vault Lock in governance mode (no changeableForDays): the vault refuses to
        // delete a recovery point before minRetentionDays, or to take a job that keeps it shorter
        // (the plan's deleteAfter equals it), until someone with
        // backup:DeleteBackupVaultLockConfiguration removes the lock first: a separate, logged
        // act. Not compliance mode: that becomes irreversible after its grace period, for the
        // vault's whole life (https://docs.aws.amazon.com/aws-backup/latest/devguide/API_PutBackupVaultLockConfiguration.html,
        // ChangeableForDays and MinRetentionDays; https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html).
        new aws.backup.VaultLockConfiguration(child("vault-lock"), { backupVaultName: vault.name, minRetentionDays: args.retentionDays }, stateful);
    }
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
            // AWS Backup's service-role trust, as its guide gives it: the service principal with no
            // source condition. Its confused-deputy guidance puts aws:SourceArn/SourceAccount in
            // resource policies (SNS topics, KMS keys), and nothing documents Backup sending
            // aws:SourceAccount when it assumes this role; a condition it does not meet would make
            // every job fail to assume the role, silently
            // (https://docs.aws.amazon.com/aws-backup/latest/devguide/iam-service-roles.html,
            // https://docs.aws.amazon.com/aws-backup/latest/devguide/cross-service-confused-deputy-prevention.html).
            assumeRolePolicy: JSON.stringify(plainServiceTrustPolicy("backup.amazonaws.com")),
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
            // Every EC2 instance and EBS volume of this account and region (the tool VMs, root +
            // attached volumes, crash-consistent; and each data volume on its own, for a
            // volume-level restore of JENKINS_HOME or the indexer without rebuilding the VM; EBS
            // snapshots are incremental, so the overlap costs little)...
            resources: [`arn:${args.account.partition}:ec2:${args.account.region}:${args.account.accountId}:instance/*`, `arn:${args.account.partition}:ec2:${args.account.region}:${args.account.accountId}:volume/*`],
            // ...that carry BOTH tags: the daily-backup tag and this stack's scope (selections are
            // account-wide: without the scope two stacks would back up each other's). `Conditions`
            // are ANDed and narrow `Resources`; `ListOfTags` would be ORed and is no longer
            // recommended (https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupSelection.html,
            // https://docs.aws.amazon.com/aws-backup/latest/devguide/assigning-resources-json.html).
            conditions: [
                {
                    stringEquals: [
                        { key: `aws:ResourceTag/${BACKUP_TAG.key}`, value: BACKUP_TAG.value },
                        { key: `aws:ResourceTag/${BACKUP_SCOPE_TAG_KEY}`, value: args.prefix },
                    ],
                },
            ],
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
            policy: pulumi.all([bucket.arn, args.backupKeyArn]).apply(([arn, keyArn]) => JSON.stringify(snapshotBucketPolicy(arn, keyArn))),
        },
        opts,
    );

    // Every request to the snapshot bucket (Vault's uploads, restores, anyone's denied attempts)
    // is logged by S3 into a bucket of its own.
    // Named without "backup": the bucket holds logs, and the policy pack reads a bucket named for
    // backups as one (aws-s3-bucket-require-versioning-for-backups).
    const accessLogs = new AccessLogBucket(
        "snapshot-access-logs",
        {
            bucketName: accessLogBucketName(args.prefix, args.account.accountId),
            account: args.account,
            sourceBucketArns: [bucket.arn],
            retentionDays: args.accessLogRetentionDays,
            protect: args.protect,
        },
        { parent },
    );
    new aws.s3.BucketLogging(
        child("vault-snapshots-logging"),
        {
            bucket: bucket.id,
            targetBucket: accessLogs.bucketName,
            targetPrefix: SNAPSHOT_ACCESS_LOG_PREFIX,
            // Date-partitioned keys (<prefix><account>/<region>/<bucket>/<yyyy>/<mm>/<dd>/...), by
            // the time of the request, so a day's logs are one prefix to read or query.
            targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: "EventTime" } },
        },
        // The log bucket's policy must exist first: S3 checks log delivery permission on PutBucketLogging.
        { parent, dependsOn: [accessLogs] },
    );

    return { vault, plan, role, selection, bucket, accessLogs };
}

/**
 * The snapshot bucket's policy:
 * - no plain HTTP (S3 security best practices);
 * - every object encrypted with the backup key, while Vault's uploads still pass. IAM evaluates a
 *   negated string operator (StringNotEquals) and any `...IfExists` operator as TRUE when the key
 *   is absent from the request (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html),
 *   so a Deny conditioned only on the SSE header denies every PUT that does not send it, and every
 *   UploadPart of a multipart upload (`aws s3 cp` above 8 MB), which is authorized as
 *   s3:PutObject and carries no SSE header (aws/aws-cli#4251). Each Deny below therefore only
 *   judges a header the request does send (`Null: false`): a request naming another algorithm or
 *   another key is denied, `aws:kms` without a key id (which would mean the aws/s3 key) is denied,
 *   and a request naming none gets the bucket's default encryption, the backup key. Vault's
 *   uploader names the backup key explicitly (`--sse aws:kms --sse-kms-key-id <key ARN>`).
 */
export function snapshotBucketPolicy(bucketArn: string, backupKeyArn: string): PolicyDocument {
    const objects = `${bucketArn}/*`;
    return policyDocument(
        {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: { AWS: "*" },
            Action: "s3:*",
            Resource: [bucketArn, objects],
            Condition: { Bool: { "aws:SecureTransport": false } },
        },
        {
            Sid: "DenyEncryptionOtherThanKms",
            Effect: "Deny",
            Principal: { AWS: "*" },
            Action: "s3:PutObject",
            Resource: objects,
            Condition: { Null: { "s3:x-amz-server-side-encryption": "false" }, StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" } },
        },
        {
            Sid: "DenyKmsKeysOtherThanTheBackupKey",
            Effect: "Deny",
            Principal: { AWS: "*" },
            Action: "s3:PutObject",
            Resource: objects,
            Condition: { Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "false" }, StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": backupKeyArn } },
        },
        {
            Sid: "DenyKmsWithoutKeyId",
            Effect: "Deny",
            Principal: { AWS: "*" },
            Action: "s3:PutObject",
            Resource: objects,
            Condition: { StringEquals: { "s3:x-amz-server-side-encryption": "aws:kms" }, Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "true" } },
        },
    );
}

export interface AccessLogBucketArgs {
    /** Globally unique name (see `accessLogBucketName`). */
    readonly bucketName: string;
    readonly account: AwsAccount;
    /** The buckets whose server access logs land here (the only sources S3's logging service may write for). */
    readonly sourceBucketArns: readonly pulumi.Input<string>[];
    /** Days logs are kept. */
    readonly retentionDays: number;
    /** Prod: protect the bucket (audit evidence). */
    readonly protect: boolean;
}

/**
 * `platform:aws:AccessLogBucket`: a target bucket for S3 server access logs, and nothing else.
 *
 * Encrypted with SSE-S3, not the platform's KMS keys: S3 documents that a log target bucket's
 * default encryption may only be SSE-S3 (AES-256), "Default server-side encryption with AWS Key
 * Management Service (AWS KMS) keys (SSE-KMS) is not supported"
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html);
 * the policy rule requiring KMS on bucket encryption exempts this component's bucket for that
 * reason alone. Bucket owner enforced (no ACLs), all public access blocked, TLS only, log
 * delivery granted to the logging service principal for the listed source buckets of this
 * account only (same page, "Grant permissions to the logging service principal by using a
 * bucket policy"), no Object Lock or default retention (S3 refuses those on log targets), and
 * logs expire after the retention.
 */
export class AccessLogBucket extends pulumi.ComponentResource {
    readonly bucketName: pulumi.Output<string>;
    readonly bucketArn: pulumi.Output<string>;

    constructor(name: string, args: AccessLogBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:aws:AccessLogBucket", name, {}, opts);
        const bucket = new aws.s3.Bucket(
            `${name}-bucket`,
            { bucket: args.bucketName, forceDestroy: !args.protect, tags: withName(args.bucketName, { purpose: "access-logs" }) },
            { parent: this, protect: args.protect },
        );
        const ownership = new aws.s3.BucketOwnershipControls(`${name}-ownership`, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, { parent: this });
        const publicAccess = new aws.s3.BucketPublicAccessBlock(
            `${name}-public-access`,
            { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            { parent: this },
        );
        const sse = new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-sse`,
            { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
            { parent: this },
        );
        new aws.s3.BucketLifecycleConfiguration(
            `${name}-lifecycle`,
            {
                bucket: bucket.id,
                rules: [{ id: "expire-access-logs", status: "Enabled", filter: {}, expiration: { days: args.retentionDays }, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } }],
            },
            { parent: this },
        );
        const policy = new aws.s3.BucketPolicy(
            `${name}-policy`,
            {
                bucket: bucket.id,
                policy: pulumi
                    .all([bucket.arn, pulumi.all([...args.sourceBucketArns])])
                    .apply(([arn, sources]) => JSON.stringify(accessLogBucketPolicy(arn, sources, args.account))),
            },
            // One bucket-level configuration at a time: S3 answers OperationAborted to concurrent ones.
            { parent: this, dependsOn: [publicAccess] },
        );
        this.bucketName = pulumi.all([bucket.bucket, policy.id, ownership.id, sse.id]).apply(([b]) => b);
        this.bucketArn = bucket.arn;
        this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
    }
}

/** The log bucket's policy: TLS only, and S3's logging service may write for the listed source buckets of this account only. */
export function accessLogBucketPolicy(bucketArn: string, sourceBucketArns: readonly string[], account: AwsAccount): PolicyDocument {
    return policyDocument(
        {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: { AWS: "*" },
            Action: "s3:*",
            Resource: [bucketArn, `${bucketArn}/*`],
            Condition: { Bool: { "aws:SecureTransport": false } },
        },
        {
            Sid: "S3ServerAccessLogsDelivery",
            Effect: "Allow",
            Principal: { Service: "logging.s3.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: `${bucketArn}/*`,
            Condition: { ArnLike: { "aws:SourceArn": sourceBucketArns.length === 1 ? sourceBucketArns[0] : [...sourceBucketArns] }, StringEquals: { "aws:SourceAccount": account.accountId } },
        },
    );
}
