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

/** Trust policy for EC2 instance roles (EC2 sends no SourceAccount for instance profiles). */
export function ec2TrustPolicy(): PolicyDocument {
    return policyDocument({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" });
}

/** The ARN of a role of this account with the default path `/` (the platform's roles). */
export function iamRoleArn(account: AwsAccount, roleName: string): string {
    return `arn:${account.partition}:iam::${account.accountId}:role/${roleName}`;
}

export function accountRootArn(account: AwsAccount): string {
    return `arn:${account.partition}:iam::${account.accountId}:root`;
}

/**
 * The ARN of an AWS managed policy. `name` is the policy's path-and-name exactly as the AWS
 * Managed Policy Reference publishes it (docs.aws.amazon.com/aws-managed-policy/latest/reference/<Name>.html,
 * "ARN"), e.g. `service-role/AmazonEBSCSIDriverPolicy`: a wrong path is NoSuchEntity at `pulumi up`.
 * Every attachment is checked against offline/constraints/tables/aws-managed-policies.ts (catalogue
 * entry aws-iam-managed-policy-exists, tests/offline/constraints-components.test.ts).
 */
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

/**
 * Trust policy for AWS services whose documentation gives no source condition for the role they
 * assume (EKS cluster and node roles, AWS Backup): the documented plain service trust. A
 * condition on `aws:SourceAccount` / `aws:SourceArn` is only safe where the service documents
 * sending it on AssumeRole (VPC Flow Logs does: network.ts); elsewhere the service may not be
 * able to assume the role at all (catalogue entry aws-iam-trust-source-condition-documented).
 */
export function plainServiceTrustPolicy(service: string): PolicyDocument {
    return policyDocument({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" });
}

/**
 * IRSA trust: only one Kubernetes ServiceAccount of one cluster may assume the role, and only
 * with a token minted for STS (`aud`). `issuerHostPath` is the issuer URL without `https://`.
 */
export function irsaTrustPolicy(oidcProviderArn: string, issuerHostPath: string, namespace: string, serviceAccount: string): PolicyDocument {
    return policyDocument({
        Effect: "Allow",
        Principal: { Federated: oidcProviderArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
            StringEquals: {
                [`${issuerHostPath}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
                [`${issuerHostPath}:aud`]: "sts.amazonaws.com",
            },
        },
    });
}

/**
 * Read some Secrets Manager secrets encrypted with a customer-managed key: GetSecretValue on those
 * secrets, and kms:Decrypt on the key only when Secrets Manager asks for it on one of them. A
 * caller of GetSecretValue needs kms:Decrypt on a customer-managed key, and Secrets Manager calls
 * KMS with the encryption context {"SecretARN": <secret ARN>, "SecretVersionId": ...}
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html,
 * "Permissions for the KMS key" and "Secrets Manager encryption context").
 */
export function secretReadStatements(sidSuffix: string, secretArns: readonly string[], keyArn: string, region: string): PolicyStatement[] {
    const one = <T>(v: readonly T[]): T | T[] => (v.length === 1 ? v[0] : [...v]);
    return [
        { Sid: `Read${sidSuffix}`, Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: one(secretArns) },
        {
            Sid: `Decrypt${sidSuffix}`,
            Effect: "Allow",
            Action: "kms:Decrypt",
            Resource: keyArn,
            Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com`, "kms:EncryptionContext:SecretARN": one(secretArns) } },
        },
    ];
}

/** Data-plane KMS actions (encrypt and decrypt through a service), no administration. */
export const KMS_USE_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"] as const;

/**
 * Key-policy statement letting one named principal (role ARN) use the key. Naming the role in
 * the key policy means no other principal can be granted use through IAM alone... except the
 * account's own administrators, which `kmsKeyPolicy` keeps deliberately.
 */
export function kmsPrincipalUseStatement(sid: string, principalArn: string, actions: readonly string[], condition?: PolicyStatement["Condition"]): PolicyStatement {
    return {
        Sid: sid,
        Effect: "Allow",
        Principal: { AWS: principalArn },
        Action: [...actions],
        Resource: "*",
        ...(condition ? { Condition: condition } : {}),
    };
}

/**
 * Key-policy statements letting any principal of THIS account use the key, but only through one
 * AWS service in this region (the pattern of AWS's own `aws/ebs` key): EBS volumes of EC2
 * instances and EKS nodes (including the Auto Scaling service-linked role, which may not exist
 * yet when the key is created, so it cannot be named), or AWS Backup recovery points. Grants are
 * allowed only for AWS resources (the service's own attachments), never to arbitrary grantees.
 */
export function kmsViaServiceStatements(
    account: AwsAccount,
    sidPrefix: string,
    services: readonly string[],
    options: { readonly grants?: boolean; readonly stringLike?: Record<string, string | string[]> } = {},
): PolicyStatement[] {
    const viaService = services.map((s) => `${s}.${account.region}.amazonaws.com`);
    const callerAndService = { "kms:CallerAccount": account.accountId, "kms:ViaService": viaService.length === 1 ? viaService[0] : viaService };
    const narrower: Record<string, Record<string, string | string[]>> = options.stringLike ? { StringLike: options.stringLike } : {};
    const statements: PolicyStatement[] = [
        {
            Sid: `${sidPrefix}Use`,
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: [...KMS_USE_ACTIONS],
            Resource: "*",
            Condition: { StringEquals: callerAndService, ...narrower },
        },
    ];
    if (options.grants ?? true) {
        statements.push({
            Sid: `${sidPrefix}GrantsForAwsResources`,
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
            Resource: "*",
            Condition: { StringEquals: callerAndService, Bool: { "kms:GrantIsForAWSResource": true } },
        });
    }
    return statements;
}

/**
 * What a VM's role may NOT do although AmazonSSMManagedInstanceCore allows it: read SSM
 * parameters. That managed policy grants `ssm:GetParameter` and `ssm:GetParameters` on every
 * resource (for Run Command documents that reference parameters;
 * https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonSSMManagedInstanceCore.html),
 * so every platform VM, the internet-facing bastion included, could read any parameter of the
 * account that is encrypted with the default aws/ssm key. The platform's VMs use Session Manager
 * only (which needs no parameter,
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-create-iam-instance-profile.html)
 * and take their secrets from Secrets Manager: an explicit Deny, which no Allow overrides, keeps
 * the managed policy (AWS maintains its agent permissions) without that read.
 */
export const SSM_PARAMETER_READ_DENY: PolicyStatement = {
    Sid: "NoSsmParameterReads",
    Effect: "Deny",
    Action: ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "ssm:GetParameterHistory"],
    Resource: "*",
};
