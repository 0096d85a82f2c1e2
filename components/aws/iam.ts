/**
 * IAM and KMS policy documents as plain, typed JSON. Built in the program (no
 * `getPolicyDocument` invoke round-trips), so tests and policies read exactly what AWS gets.
 */

export interface AwsAccount {
    readonly accountId: string;
    /** `aws`, `aws-cn` or `aws-us-gov`. */
    readonly partition: string;
    readonly region: string;
}

export interface PolicyStatement {
    readonly Sid?: string;
    readonly Effect: "Allow" | "Deny";
    readonly Principal?: Record<string, string | string[]>;
    readonly Action: string | string[];
    readonly Resource?: string | string[];
    readonly Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export interface PolicyDocument {
    readonly Version: "2012-10-17";
    readonly Statement: readonly PolicyStatement[];
}

export function policyDocument(...statements: PolicyStatement[]): PolicyDocument {
    return { Version: "2012-10-17", Statement: statements };
}

/** Trust policy letting an AWS service assume a role, scoped to this account (confused deputy). */
export function serviceTrustPolicy(account: AwsAccount, service: string): PolicyDocument {
    return policyDocument({
        Effect: "Allow",
        Principal: { Service: service },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": account.accountId } },
    });
}

/** Trust policy for EC2 instance roles (EC2 sends no SourceAccount for instance profiles). */
export function ec2TrustPolicy(): PolicyDocument {
    return policyDocument({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" });
}

export function accountRootArn(account: AwsAccount): string {
    return `arn:${account.partition}:iam::${account.accountId}:root`;
}

export function managedPolicyArn(account: AwsAccount, name: string): string {
    return `arn:${account.partition}:iam::aws:policy/${name}`;
}

/**
 * Key policy: the account administers the key through IAM (without this statement the key can
 * become unmanageable), plus the statements of its one use.
 */
export function kmsKeyPolicy(account: AwsAccount, ...uses: PolicyStatement[]): PolicyDocument {
    return policyDocument(
        {
            Sid: "AccountAdministersKeyThroughIam",
            Effect: "Allow",
            Principal: { AWS: accountRootArn(account) },
            Action: "kms:*",
            Resource: "*",
        },
        ...uses,
    );
}

/** Key-policy statement letting CloudWatch Logs use the key for this account's log groups only. */
export function cloudWatchLogsKeyStatement(account: AwsAccount): PolicyStatement {
    return {
        Sid: "CloudWatchLogsEncryptsThisAccountsLogGroups",
        Effect: "Allow",
        Principal: { Service: `logs.${account.region}.amazonaws.com` },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: "*",
        Condition: {
            ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:${account.partition}:logs:${account.region}:${account.accountId}:log-group:*` },
        },
    };
}
