/**
 * `platform:aws:ToolVm`: one tool VM (Jenkins, Vault or Wazuh). Private subnet, fixed private
 * address, no public IP, IMDSv2 only, CMK-encrypted root and a separate CMK-encrypted data
 * volume (backed up daily by tag), an instance role with SSM core plus exactly what its role
 * needs, and the cloud-init bootstrap of components/bootstrap as user data.
 *
 * The VM's security group is created here WITHOUT rules: every rule between tiers is declared in
 * one place (firewall.ts), so the whole matrix can be read, reviewed and tested at once.
 *
 * No SSH key pair: operators reach a tool VM through Session Manager (the role has SSM core;
 * IAM-authorised, logged, no inbound port), so no long-lived key for these hosts exists anywhere.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { Address4 } from "ip-address";
import { EksKubernetesCloud, InternalCa, renderBootstrapGzipBase64, ServiceCertificate } from "../bootstrap";
import type { CloudIdentity, FirewallIdentity, ToolVmOutputs, ToolVmRole } from "../contracts";
import { limitedName, NAME_LIMITS, resourceName } from "../naming";
import { withName } from "../tags";
import { JENKINS_HOME_PREFIX, VAULT_SNAPSHOT_PREFIX, backupTags } from "./backup";
import { ubuntuLtsAmi } from "./bastion";
import { jenkinsClusterLookupStatement } from "./cluster";
import { toolVmInternetEgress } from "./firewall";
import { AwsAccount, ec2TrustPolicy, kmsKeyPolicy, kmsPrincipalUseStatement, managedPolicyArn, policyDocument, PolicyStatement, secretReadStatements, SSM_PARAMETER_READ_DENY } from "./iam";
import { platformKey } from "./kms";

/** Data volume size per role (GiB): JENKINS_HOME, Vault raft, Wazuh indexer. */
export const DATA_VOLUME_GB: Readonly<Record<ToolVmRole, number>> = { jenkins: 100, vault: 20, wazuh: 200 };
/** Root volume (OS, packages, logs until shipped). */
export const ROOT_VOLUME_GB = 30;
/** The data volume's attachment point (the bootstrap finds it by NVMe serial first). */
export const DATA_DEVICE_NAME = "/dev/sdf";
/** Host offset of each role's fixed address inside its tools subnet (AWS reserves .0-.3). */
export const HOST_OFFSET: Readonly<Record<ToolVmRole, number>> = { jenkins: 10, vault: 11, wazuh: 12 };
/** Zone index per role (modulo the zone count): the three VMs spread over the zones. */
export const ZONE_INDEX: Readonly<Record<ToolVmRole, number>> = { jenkins: 0, vault: 1, wazuh: 2 };
/** Actions Vault's awskms seal needs on its key (components/bootstrap/types.ts). */
export const VAULT_SEAL_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"] as const;

/** A tool VM's IAM role (and instance profile) name: fixed by the prefix, so its ARN is known before it exists. */
export function toolVmRoleName(prefix: string, role: ToolVmRole): string {
    return limitedName(NAME_LIMITS.awsIamRole, prefix, role);
}

/** The `index`-th host address of a block: fixed addresses survive a VM replacement. */
export function hostAddress(cidr: string, index: number): string {
    const block = new Address4(cidr);
    const size = 2n ** BigInt(32 - block.subnetMask);
    if (index < 4 || BigInt(index) >= size - 1n) {
        throw new Error(`host index ${index} is outside the usable range of ${cidr} (AWS reserves the first four and the last address)`);
    }
    return Address4.fromBigInt(block.startAddress().bigInt() + BigInt(index)).address;
}

/** Where a role's VM goes: its zone index and its fixed address in that zone's tools subnet. */
export function placement(role: ToolVmRole, toolSubnets: readonly string[]): { zone: number; privateIp: string } {
    const zone = ZONE_INDEX[role] % toolSubnets.length;
    return { zone, privateIp: hostAddress(toolSubnets[zone], HOST_OFFSET[role]) };
}

/** Per-role inputs (a union on `role`, so a Vault VM cannot be built without its bucket). */
export type ToolVmRoleArgs =
    | {
          readonly role: "jenkins";
          readonly wazuhManagerAddress: pulumi.Input<string>;
          /** Where the daily JENKINS_HOME archive goes: the snapshot bucket (its own prefix) and its key. */
          readonly homeBackups: { readonly bucket: pulumi.Input<string>; readonly bucketArn: pulumi.Input<string>; readonly keyArn: pulumi.Input<string> };
          /**
           * The EKS cluster the controller starts build agents in, by NAME (eksClusterName): the
           * VM looks up its endpoint and CA itself (eks:DescribeCluster on that cluster only), so
           * it never waits for, or is replaced with, the cluster.
           */
          readonly kubernetes: EksKubernetesCloud;
      }
    | {
          readonly role: "vault";
          readonly wazuhManagerAddress: pulumi.Input<string>;
          /** Where raft snapshots go (name and ARN) and the key S3 encrypts them with (the uploader names it: SSE-KMS). */
          readonly snapshots: { readonly bucket: pulumi.Input<string>; readonly bucketArn: pulumi.Input<string>; readonly keyArn: pulumi.Input<string> };
      }
    | { readonly role: "wazuh" };

export type AwsToolVmArgs = ToolVmRoleArgs & {
    readonly prefix: string;
    readonly account: AwsAccount;
    readonly vpcId: pulumi.Input<string>;
    /** A private (tools) subnet, and its zone: the data volume must live in the same zone. */
    readonly subnetId: pulumi.Input<string>;
    readonly availabilityZone: string;
    /** Fixed private address inside that subnet (see `placement`). */
    readonly privateIp: string;
    readonly instanceType: string;
    /** CMK for the root and data volumes. */
    readonly volumesKeyArn: pulumi.Input<string>;
    /** Default DATA_VOLUME_GB[role]. */
    readonly dataVolumeSizeGb?: number;
    /** The Wazuh enrollment password's secret (ARN): read at boot with the instance role. */
    readonly enrollmentSecretArn: pulumi.Input<string>;
    /** The platform CA: it issues this VM's certificate (delivered through its own TLS secret). */
    readonly ca: InternalCa;
    /** The CMK the platform's Secrets Manager secrets are encrypted with (the role may decrypt its secrets only). */
    readonly secretsKeyArn: pulumi.Input<string>;
    /**
     * What gives the VM's subnet its egress (the network's `privateEgress`): cloud-init installs
     * packages and reads its secrets at first boot, once; the instance is created after its route out.
     */
    readonly egressReady?: readonly pulumi.Resource[];
    /** Prod: protect the instance, its data volume and the Vault key; termination protection on. */
    readonly protect: boolean;
};

export class ToolVm extends pulumi.ComponentResource implements ToolVmOutputs {
    readonly role: ToolVmRole;
    readonly hostname: string;
    readonly privateIp: pulumi.Output<string>;
    readonly identity: CloudIdentity;
    readonly firewallIdentity: FirewallIdentity;
    readonly dataDiskId: pulumi.Output<string>;
    readonly instanceId: pulumi.Output<string>;
    readonly securityGroupId: pulumi.Output<string>;
    readonly roleArn: pulumi.Output<string>;
    /** The role's unique id (AROA...): what EKS binds an access entry to, beside the ARN. */
    readonly roleUniqueId: pulumi.Output<string>;
    /** Vault only: the unseal key. */
    readonly unsealKeyArn?: pulumi.Output<string>;

    constructor(name: string, args: AwsToolVmArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:aws:ToolVm", name, {}, opts);
        validateToolVmArgs(args);
        const built = buildToolVm(name, args, this);
        this.role = args.role;
        this.hostname = built.hostname;
        this.privateIp = built.instance.privateIp;
        this.roleArn = built.role.arn;
        this.roleUniqueId = built.role.uniqueId;
        this.identity = { kind: "awsIamRole", id: built.role.arn };
        this.securityGroupId = built.sg.id;
        this.firewallIdentity = { kind: "awsSecurityGroup", id: built.sg.id };
        this.dataDiskId = built.volume.id;
        this.instanceId = built.instance.id;
        this.unsealKeyArn = built.unsealKey?.arn;
        this.registerOutputs({
            role: this.role,
            hostname: this.hostname,
            privateIp: this.privateIp,
            roleArn: this.roleArn,
            securityGroupId: this.securityGroupId,
            dataDiskId: this.dataDiskId,
            instanceId: this.instanceId,
        });
    }
}

export function validateToolVmArgs(args: AwsToolVmArgs): void {
    const problems: string[] = [];
    const size = args.dataVolumeSizeGb ?? DATA_VOLUME_GB[args.role];
    if (!Number.isInteger(size) || size < 10 || size > 16384) {
        problems.push(`dataVolumeSizeGb ${size} must be an integer from 10 to 16384 (gp3 limits)`);
    }
    if (!Address4.isValid(args.privateIp)) {
        problems.push(`privateIp ${JSON.stringify(args.privateIp)} is not an IPv4 address`);
    }
    if (problems.length > 0) {
        throw new Error(`platform:aws:ToolVm (${args.role}): ${problems.join("; ")}`);
    }
}

/** The instance role's inline statements beyond SSM core: exactly what the role's bootstrap uses. */
export function toolVmRoleStatements(
    role: ToolVmRole,
    refs: {
        enrollmentSecretArn: string;
        tlsSecretArn: string;
        secretsKeyArn: string;
        roleArn: string;
        unsealKeyArn?: string;
        bucketArn?: string;
        snapshotKeyArn?: string;
        region: string;
        /** Jenkins: the account and the name of the cluster it starts agents in. */
        cluster?: { readonly account: AwsAccount; readonly name: string };
    },
): PolicyStatement[] {
    const statements: PolicyStatement[] = [
        // Every VM reads the Wazuh enrollment password at boot (agents enroll; the manager
        // enforces it), and its own TLS bundle at boot and daily. These two secrets, nothing else
        // in Secrets Manager, and the secrets key only for them.
        ...secretReadStatements("WazuhEnrollmentPassword", [refs.enrollmentSecretArn], refs.secretsKeyArn, refs.region),
        ...secretReadStatements("ItsTlsBundle", [refs.tlsSecretArn], refs.secretsKeyArn, refs.region),
    ];
    if (role === "vault") {
        if (!refs.unsealKeyArn || !refs.bucketArn || !refs.snapshotKeyArn) {
            throw new Error("toolVmRoleStatements(vault): the unseal key, snapshot bucket and snapshot key are required");
        }
        statements.push(
            { Sid: "AutoUnsealWithItsKey", Effect: "Allow", Action: [...VAULT_SEAL_ACTIONS], Resource: refs.unsealKeyArn },
            // Write-only to its prefix: a compromised Vault cannot read or delete older snapshots
            // (versioning keeps overwritten ones).
            { Sid: "PutRaftSnapshots", Effect: "Allow", Action: "s3:PutObject", Resource: `${refs.bucketArn}/${VAULT_SNAPSHOT_PREFIX}*` },
            {
                // SSE-KMS uploads: a data key (and Decrypt for multipart uploads), through S3 only.
                Sid: "EncryptSnapshotsThroughS3",
                Effect: "Allow",
                Action: ["kms:GenerateDataKey", "kms:Decrypt"],
                Resource: refs.snapshotKeyArn,
                Condition: { StringEquals: { "kms:ViaService": `s3.${refs.region}.amazonaws.com` } },
            },
            // Vault's aws auth method (the snapshot job's login, bound to this role's ARN) resolves
            // the bound role to its unique id with the SERVER's credentials: its own role only.
            { Sid: "VaultAwsAuthResolvesItsOwnRole", Effect: "Allow", Action: "iam:GetRole", Resource: refs.roleArn },
        );
    }
    if (role === "jenkins") {
        if (!refs.bucketArn || !refs.snapshotKeyArn) {
            throw new Error("toolVmRoleStatements(jenkins): the backup bucket and its key are required (the JENKINS_HOME archive)");
        }
        if (!refs.cluster) {
            throw new Error("toolVmRoleStatements(jenkins): the cluster (account and name) is required (the Kubernetes agents' endpoint look-up)");
        }
        statements.push(
            // Write-only to its own prefix, as Vault's snapshots: a compromised Jenkins cannot read
            // or delete older archives, nor touch Vault's snapshots.
            { Sid: "PutJenkinsHomeArchives", Effect: "Allow", Action: "s3:PutObject", Resource: `${refs.bucketArn}/${JENKINS_HOME_PREFIX}*` },
            {
                Sid: "EncryptArchivesThroughS3",
                Effect: "Allow",
                Action: ["kms:GenerateDataKey", "kms:Decrypt"],
                Resource: refs.snapshotKeyArn,
                Condition: { StringEquals: { "kms:ViaService": `s3.${refs.region}.amazonaws.com` } },
            },
            // The agents' cluster: its endpoint and CA, nothing else of EKS.
            jenkinsClusterLookupStatement(refs.cluster.account, refs.cluster.name),
        );
    }
    return statements;
}

function buildToolVm(name: string, args: AwsToolVmArgs, parent: pulumi.Resource) {
    const opts: pulumi.CustomResourceOptions = { parent };
    const stateful: pulumi.CustomResourceOptions = { parent, protect: args.protect };
    const role = args.role;
    const n = (...parts: string[]) => resourceName(args.prefix, role, ...parts);
    const child = (...parts: string[]) => [name, ...parts].join("-");
    const hostname = resourceName(args.prefix, role);

    const sg = new aws.ec2.SecurityGroup(
        child("sg"),
        { vpcId: args.vpcId, namePrefix: `${hostname}-`, description: `${role}: ingress only from the tiers firewall.ts allows`, tags: withName(hostname, { tier: role }) },
        opts,
    );
    const internetEgress = toolVmInternetEgress(child("sg"), hostname, sg.id, parent);

    const iamRole = new aws.iam.Role(
        child("role"),
        { name: toolVmRoleName(args.prefix, role), assumeRolePolicy: JSON.stringify(ec2TrustPolicy()), tags: withName(hostname) },
        opts,
    );
    // Session Manager: audited shell access with no inbound port (break-glass besides the bastion).
    new aws.iam.RolePolicyAttachment(child("ssm-core"), { role: iamRole.name, policyArn: managedPolicyArn(args.account, "AmazonSSMManagedInstanceCore") }, opts);
    // ...without the account-wide SSM parameter read that policy carries (SSM_PARAMETER_READ_DENY).
    new aws.iam.RolePolicy(child("no-ssm-parameters"), { role: iamRole.name, policy: JSON.stringify(policyDocument(SSM_PARAMETER_READ_DENY)) }, opts);

    let unsealKey: aws.kms.Key | undefined;
    if (args.role === "vault") {
        // The unseal key: only this VM's role may use it (and the account's key administrators
        // may manage it). Losing it makes the raft data unreadable: protected in prod.
        unsealKey = platformKey(
            child("unseal-key"),
            {
                prefix: args.prefix,
                purpose: "vault-unseal",
                description: "Vault auto-unseal",
                policy: iamRole.arn.apply((roleArn) => kmsKeyPolicy(args.account, kmsPrincipalUseStatement("VaultInstanceRoleUnseals", roleArn, VAULT_SEAL_ACTIONS))),
                protect: args.protect,
            },
            parent,
        ).key;
    }
    const snapshots = args.role === "vault" ? args.snapshots : args.role === "jenkins" ? args.homeBackups : undefined;
    // This VM's certificate from the platform CA, in a secret only its role reads.
    const tls = new TlsSecret(child("tls"), { prefix: args.prefix, role, protect: args.protect, kmsKeyArn: args.secretsKeyArn }, { parent });
    const tlsVersion = tls.issue({ ca: args.ca, hostname, privateIp: args.privateIp, region: args.account.region });
    new aws.iam.RolePolicy(
        child("policy"),
        {
            role: iamRole.name,
            policy: pulumi
                .all([args.enrollmentSecretArn, tls.secretArn, args.secretsKeyArn, iamRole.arn, unsealKey?.arn, snapshots?.bucketArn, snapshots?.keyArn])
                .apply(([enrollmentSecretArn, tlsSecretArn, secretsKeyArn, roleArn, unsealKeyArn, bucketArn, snapshotKeyArn]) =>
                    JSON.stringify(
                        policyDocument(
                            ...toolVmRoleStatements(role, {
                                enrollmentSecretArn,
                                tlsSecretArn,
                                secretsKeyArn,
                                roleArn,
                                unsealKeyArn,
                                bucketArn,
                                snapshotKeyArn,
                                region: args.account.region,
                                ...(args.role === "jenkins" ? { cluster: { account: args.account, name: args.kubernetes.clusterName } } : {}),
                            }),
                        ),
                    ),
                ),
        },
        opts,
    );
    const profile = new aws.iam.InstanceProfile(child("profile"), { name: toolVmRoleName(args.prefix, role), role: iamRole.name, tags: withName(hostname) }, opts);

    const volume = new aws.ebs.Volume(
        child("data"),
        {
            availabilityZone: args.availabilityZone,
            size: args.dataVolumeSizeGb ?? DATA_VOLUME_GB[role],
            type: "gp3",
            encrypted: true,
            kmsKeyId: args.volumesKeyArn,
            // A last snapshot when the volume is deleted on purpose (prod): state outlives a mistake.
            finalSnapshot: args.protect,
            tags: withName(n("data"), { role, ...backupTags(args.prefix) }),
        },
        stateful,
    );

    const common = {
        cloud: "aws" as const,
        hostname,
        wazuhEnrollmentSecret: { type: "aws-secretsmanager" as const, secretId: args.enrollmentSecretArn, region: args.account.region },
        tlsSecret: { type: "aws-secretsmanager" as const, secretId: tls.secretArn, region: args.account.region },
        dataDisk: { type: "aws-ebs" as const, volumeId: volume.id, deviceName: DATA_DEVICE_NAME },
    };
    let userDataBase64: pulumi.Output<string>;
    switch (args.role) {
        case "jenkins":
            userDataBase64 = renderBootstrapGzipBase64("jenkins", {
                ...common,
                wazuhManagerAddress: args.wazuhManagerAddress,
                backup: { type: "s3", bucket: args.homeBackups.bucket, region: args.account.region, prefix: JENKINS_HOME_PREFIX, kmsKeyArn: args.homeBackups.keyArn },
                kubernetes: args.kubernetes,
            });
            break;
        case "vault":
            userDataBase64 = renderBootstrapGzipBase64("vault", {
                ...common,
                wazuhManagerAddress: args.wazuhManagerAddress,
                seal: { type: "awskms", region: args.account.region, kmsKeyId: unsealKey!.keyId },
                backup: { type: "s3", bucket: args.snapshots.bucket, region: args.account.region, prefix: VAULT_SNAPSHOT_PREFIX, kmsKeyArn: args.snapshots.keyArn },
            });
            break;
        case "wazuh":
            userDataBase64 = renderBootstrapGzipBase64("wazuh", common);
            break;
        default: {
            const impossible: never = args;
            throw new Error(`unknown tool VM role ${JSON.stringify(impossible)}`);
        }
    }

    const ami = ubuntuLtsAmi(parent);
    const instance = new aws.ec2.Instance(
        child("instance"),
        {
            ami: ami.id,
            instanceType: args.instanceType,
            subnetId: args.subnetId,
            privateIp: args.privateIp,
            associatePublicIpAddress: false,
            vpcSecurityGroupIds: [sg.id],
            iamInstanceProfile: profile.name,
            metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" },
            rootBlockDevice: {
                encrypted: true,
                kmsKeyId: args.volumesKeyArn,
                volumeType: "gp3",
                volumeSize: ROOT_VOLUME_GB,
                deleteOnTermination: true,
                tags: withName(n("root"), { role }),
            },
            monitoring: true,
            disableApiTermination: args.protect,
            userDataBase64,
            // A changed bootstrap (a version bump) replaces the instance (the data volume survives and
            // its state is adopted) instead of an in-place stop/start that would not run cloud-init again.
            userDataReplaceOnChange: true,
            tags: withName(hostname, { role, ...backupTags(args.prefix) }),
        },
        {
            ...stateful,
            // A newer AMI never replaces the VM on an unrelated update (a rebuild onto it is a deliberate
            // `--replace`). The user data is NOT ignored: Pulumi substitutes an ignored property's old
            // value even on replacement, so a version bump could never reach the VM. Operators and
            // schedules are not in user data (they travel in the TLS secret): changing them replaces nothing.
            ignoreChanges: ["ami"],
            // The replacement takes over the fixed private address and the data volume: the old
            // instance goes first (two instances cannot hold one address or attach one volume).
            deleteBeforeReplace: true,
            // Its certificate is in the secret before the first boot reads it, and first boot
            // installs packages and reads secrets once: never before its route out (NAT, route
            // table, endpoints) nor its own group's internet egress rules either.
            dependsOn: [tlsVersion, ...internetEgress, ...(args.egressReady ?? [])],
        },
    );
    new aws.ec2.VolumeAttachment(
        child("data-attachment"),
        // Stop before detaching: a detach under a mounted filesystem can corrupt it.
        { deviceName: DATA_DEVICE_NAME, volumeId: volume.id, instanceId: instance.id, stopInstanceBeforeDetaching: true },
        opts,
    );

    return { hostname, sg, role: iamRole, profile, unsealKey, volume, instance };
}

/**
 * The private DNS name EC2 gives an instance with the IP-based hostname type
 * (docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-naming.html): `ip-10-0-0-1.ec2.internal`
 * in us-east-1, `ip-10-0-0-1.<region>.compute.internal` elsewhere.
 */
export function ec2PrivateDnsName(privateIp: string, region: string): string {
    const host = `ip-${privateIp.replace(/\./g, "-")}`;
    return region === "us-east-1" ? `${host}.ec2.internal` : `${host}.${region}.compute.internal`;
}

/**
 * `platform:aws:TlsSecret`: one VM's TLS bundle (certificate, key, platform CA) in Secrets
 * Manager. The secret exists first (its ARN goes into the VM's user data); `issue` adds the
 * certificate once the VM's address is known. Only that VM's role may read it.
 */
export class TlsSecret extends pulumi.ComponentResource {
    readonly secretArn: pulumi.Output<string>;
    private readonly secret: aws.secretsmanager.Secret;

    constructor(
        name: string,
        private readonly args: { readonly prefix: string; readonly role: string; readonly protect: boolean; readonly kmsKeyArn: pulumi.Input<string> },
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super("platform:aws:TlsSecret", name, {}, opts);
        this.secret = new aws.secretsmanager.Secret(
            `${name}-secret`,
            {
                name: `${args.prefix}/tls/${args.role}`,
                description: `TLS certificate and key of the ${args.role} VM, issued by the platform CA; read by its instance role only`,
                // The platform's secrets key (as the enrollment secret): decryptable by its reader only.
                kmsKeyId: args.kmsKeyArn,
                // As the enrollment secret: prod keeps a recovery window, ephemeral envs reuse names.
                recoveryWindowInDays: args.protect ? 30 : 0,
                tags: withName(resourceName(args.prefix, args.role, "tls")),
            },
            { parent: this, protect: args.protect },
        );
        this.secretArn = this.secret.arn;
        this.registerOutputs({ secretArn: this.secretArn });
    }

    /** Issues the VM's certificate (host name, EC2 private DNS name, private IP) and stores the bundle. */
    issue(args: { readonly ca: InternalCa; readonly hostname: string; readonly privateIp: pulumi.Input<string>; readonly region: string; readonly sshHostKey?: pulumi.Input<string> }): aws.secretsmanager.SecretVersion {
        const cert = new ServiceCertificate(
            `${this.args.role}-tls-cert`,
            {
                ca: args.ca,
                hostname: args.hostname,
                dnsNames: [pulumi.output(args.privateIp).apply((ip) => ec2PrivateDnsName(ip, args.region))],
                ipAddresses: [args.privateIp],
                ...(args.sshHostKey ? { sshHostKey: args.sshHostKey } : {}),
            },
            { parent: this },
        );
        return new aws.secretsmanager.SecretVersion(`${this.args.role}-tls-value`, { secretId: this.secret.id, secretString: cert.bundleJson }, { parent: this });
    }
}

/**
 * `platform:aws:EnrollmentSecret`: the Wazuh enrollment password, generated here and stored in
 * Secrets Manager. Only its ARN travels in user data; each VM reads the value with its own
 * instance role (granted on this one secret).
 */
export class EnrollmentSecret extends pulumi.ComponentResource {
    readonly secretArn: pulumi.Output<string>;

    constructor(name: string, args: { readonly prefix: string; readonly protect: boolean; readonly kmsKeyArn: pulumi.Input<string> }, opts?: pulumi.ComponentResourceOptions) {
        super("platform:aws:EnrollmentSecret", name, {}, opts);
        const password = new random.RandomPassword(`${name}-password`, { length: 32, special: false }, { parent: this });
        const secret = new aws.secretsmanager.Secret(
            `${name}-secret`,
            {
                name: `${args.prefix}/wazuh/enrollment-password`,
                description: "Wazuh agent enrollment password (authd use_password); read by every VM's instance role",
                // The platform's secrets key, not the account-wide aws/secretsmanager key: its key
                // policy is ours, its use is logged per secret, and readers need an explicit grant.
                kmsKeyId: args.kmsKeyArn,
                // Prod keeps a 30-day recovery window; elsewhere an ephemeral env must be able to
                // re-create the same name right after a destroy.
                recoveryWindowInDays: args.protect ? 30 : 0,
                tags: withName(resourceName(args.prefix, "wazuh-enrollment")),
            },
            { parent: this, protect: args.protect },
        );
        new aws.secretsmanager.SecretVersion(`${name}-value`, { secretId: secret.id, secretString: password.result }, { parent: this });
        this.secretArn = secret.arn;
        this.registerOutputs({ secretArn: this.secretArn });
    }
}
