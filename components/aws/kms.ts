/**
 * Customer-managed KMS keys: one per use (EKS secrets, Vault unseal, volumes, backups, Secrets
 * Manager secrets; the logs key lives in the network), rotation on, a key policy naming who may use it, and `protect` in
 * prod (a deleted key makes everything it encrypted unreadable).
 *
 * `platform:aws:Keys` holds the keys several components share (volumes, backups); keys with a
 * single user (EKS secrets, Vault unseal) are created next to that user with `platformKey`.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { resourceName } from "../naming";
import { withName } from "../tags";
import { AwsAccount, kmsKeyPolicy, kmsViaServiceStatements, PolicyDocument } from "./iam";

export interface PlatformKeyArgs {
    readonly prefix: string;
    /** Short purpose, used in the alias (`alias/<prefix>-<purpose>`) and the Name tag. */
    readonly purpose: string;
    readonly description: string;
    /** The full key policy (built with `kmsKeyPolicy`). */
    readonly policy: pulumi.Input<PolicyDocument>;
    /** `protect` (prod): deleting a key destroys access to everything it encrypted. */
    readonly protect: boolean;
}

/** Days KMS waits before deleting a scheduled key: the longest window, the most time to cancel. */
export const KEY_DELETION_WINDOW_DAYS = 30;

/** One customer-managed key with rotation and an alias. */
export function platformKey(name: string, args: PlatformKeyArgs, parent: pulumi.Resource): { key: aws.kms.Key; alias: aws.kms.Alias } {
    const key = new aws.kms.Key(
        name,
        {
            description: `${args.prefix}: ${args.description}`,
            enableKeyRotation: true,
            deletionWindowInDays: KEY_DELETION_WINDOW_DAYS,
            policy: pulumi.output(args.policy).apply((p) => JSON.stringify(p)),
            tags: withName(resourceName(args.prefix, args.purpose, "key")),
        },
        { parent, protect: args.protect },
    );
    const alias = new aws.kms.Alias(`${name}-alias`, { name: `alias/${resourceName(args.prefix, args.purpose)}`, targetKeyId: key.keyId }, { parent });
    return { key, alias };
}

export interface AwsKeysArgs {
    readonly prefix: string;
    readonly account: AwsAccount;
    /** Name of the Vault snapshot bucket: the only bucket S3 may encrypt with the backup key. */
    readonly snapshotBucketName: string;
    readonly protect: boolean;
}

/** Keys shared by several components. */
export class Keys extends pulumi.ComponentResource {
    /** EBS volumes of tool VMs and cluster nodes (used through EC2 only). */
    readonly volumesKeyArn: pulumi.Output<string>;
    /** AWS Backup vault and the Vault snapshot bucket (used through Backup and S3 only). */
    readonly backupKeyArn: pulumi.Output<string>;
    /** Secrets Manager secrets of the platform (Wazuh enrollment password, VM TLS bundles). */
    readonly secretsKeyArn: pulumi.Output<string>;

    constructor(name: string, args: AwsKeysArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:aws:Keys", name, {}, opts);
        const built = buildKeys(name, args, this);
        this.volumesKeyArn = built.volumes.key.arn;
        this.backupKeyArn = built.backup.key.arn;
        this.secretsKeyArn = built.secrets.key.arn;
        this.registerOutputs({ volumesKeyArn: this.volumesKeyArn, backupKeyArn: this.backupKeyArn, secretsKeyArn: this.secretsKeyArn });
    }
}

export function buildKeys(name: string, args: AwsKeysArgs, parent: pulumi.Resource) {
    const volumes = platformKey(
        `${name}-volumes`,
        {
            prefix: args.prefix,
            purpose: "volumes",
            description: "EBS volumes (tool VMs, cluster nodes)",
            // Through EC2 only: the Auto Scaling service-linked role that launches EKS nodes and
            // the EBS CSI driver's role create volumes with it; nobody can call Decrypt directly.
            policy: kmsKeyPolicy(args.account, ...kmsViaServiceStatements(args.account, "ThisAccountThroughEc2", ["ec2"])),
            protect: args.protect,
        },
        parent,
    );
    const backup = platformKey(
        `${name}-backup`,
        {
            prefix: args.prefix,
            purpose: "backup",
            description: "AWS Backup vault and Vault raft snapshots in S3",
            policy: kmsKeyPolicy(
                args.account,
                ...kmsViaServiceStatements(args.account, "ThisAccountThroughBackup", ["backup"]),
                // S3 may use it for the snapshot bucket only (the encryption context is the bucket
                // ARN with S3 Bucket Keys, the object ARN without).
                ...kmsViaServiceStatements(args.account, "SnapshotBucketThroughS3", ["s3"], {
                    grants: false,
                    stringLike: { "kms:EncryptionContext:aws:s3:arn": [`arn:${args.account.partition}:s3:::${args.snapshotBucketName}`, `arn:${args.account.partition}:s3:::${args.snapshotBucketName}/*`] },
                }),
            ),
            protect: args.protect,
        },
        parent,
    );
    const secrets = platformKey(
        `${name}-secrets`,
        {
            prefix: args.prefix,
            purpose: "secrets",
            description: "Secrets Manager secrets of the platform (Wazuh enrollment, VM TLS bundles)",
            // No service-wide grant: whoever reads a secret needs kms:Decrypt granted in IAM, for
            // that secret only (iam.ts secretReadStatements), unlike the account-wide
            // aws/secretsmanager key that any principal of the account may use through Secrets
            // Manager (https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html).
            policy: kmsKeyPolicy(args.account),
            protect: args.protect,
        },
        parent,
    );
    return { volumes, backup, secrets };
}
