/**
 * The AWS platform builder: explicit provider (region + default tags), the edge invokes
 * (account, partition, zones, the deployer's IAM principal), then
 * network -> keys -> backup -> enrollment secret -> bastion -> tool VMs -> cluster -> firewall.
 * Loaded only for AWS stacks.
 */
import { JENKINS_AGENTS_MAX_PODS } from "../kubernetes/common";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { InternalCa, renderBootstrapGzipBase64, SshHostKey, USER_DATA_LIMITS } from "../bootstrap";
import type { AwsPlatformConfig } from "../config";
import type { ToolVmRole } from "../contracts";
import { TOOL_VM_ROLES } from "../contracts";
import { resourceName } from "../naming";
import { PlatformBuild, platformOutputs } from "../platform";
import { Backup, snapshotBucketName } from "./backup";
import { Bastion } from "./bastion";
import { assertNotJenkinsRole, Cluster, eksClusterName, upgradeSupportFor } from "./cluster";
import { Firewall, Tier } from "./firewall";
import { AwsAccount, iamRoleArn, policyDocument, secretReadStatements } from "./iam";
import { Keys } from "./kms";
import { Network } from "./network";
import { EnrollmentSecret, placement, TlsSecret, ToolVm, toolVmRoleName } from "./tool-vm";

/**
 * Availability zones usable for the network: standard zones only (Local and Wavelength zones
 * lack EKS and NAT support), first `count` in name order so the choice is stable.
 */
export async function resolveZones(count: number, opts: pulumi.InvokeOptions): Promise<string[]> {
    const azs = await aws.getAvailabilityZones({ state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] }, opts);
    const names = [...azs.names].sort();
    if (names.length < count) {
        throw new Error(`platform:network.zones is ${count} but the region offers only ${names.length} standard zones (${names.join(", ")}); lower platform:network.zones`);
    }
    return names.slice(0, count);
}

/**
 * The IAM principal behind the caller: access entries take role ARNs, while `pulumi up` usually
 * runs as an assumed-role session (`arn:aws:sts::…:assumed-role/<role>/<session>`).
 */
export async function resolveCallerPrincipal(callerArn: string, opts: pulumi.InvokeOptions): Promise<string> {
    const ctx = await aws.iam.getSessionContext({ arn: callerArn }, opts);
    return ctx.issuerArn;
}

/**
 * The cluster-admin identity of the deployment: `cluster.deployerPrincipalArn` when configured
 * (stable whoever runs `pulumi up`), otherwise the caller's IAM principal, with a warning: with
 * the caller as deployer, a different runner (CI after a person) replaces the admin access entry,
 * removing the previous runner's access, and a runner that is also in `adminPrincipalArns`
 * turns that entry into the deployer's.
 */
export async function resolveDeployerPrincipal(configured: string | undefined, callerArn: string, opts: pulumi.InvokeOptions, warn: (message: string) => void): Promise<string> {
    if (configured) {
        return configured;
    }
    const caller = await resolveCallerPrincipal(callerArn, opts);
    warn(
        `platform:cluster.deployerPrincipalArn is not set: the EKS cluster-admin access entry follows whoever runs \`pulumi up\` (now ${caller}). ` +
            `A different runner replaces it and removes this one's access; set platform:cluster.deployerPrincipalArn to the role CI and people deploy with (README, AWS account preconditions).`,
    );
    return caller;
}

/** Fails the deployment with a clear message instead of EC2's generic error on oversize user data. */
export function assertFitsUserData(base64: string): string {
    const bytes = Buffer.from(base64, "base64").length;
    if (bytes > USER_DATA_LIMITS.aws) {
        throw new Error(`bastion user data is ${bytes} bytes gzip-compressed, over EC2's ${USER_DATA_LIMITS.aws}; shorten components/bootstrap's scripts`);
    }
    return base64;
}

export async function buildAwsPlatform(config: AwsPlatformConfig, parent: pulumi.Resource): Promise<PlatformBuild> {
    // One explicit provider: the region comes from validated config, and every taggable
    // resource gets the common tags through defaultTags.
    const provider = new aws.Provider("aws", { region: config.region as aws.Region, defaultTags: { tags: { ...config.tags } } }, { parent });
    const invokeOpts: pulumi.InvokeOptions = { parent, provider };
    const [identity, partition, zoneNames] = await Promise.all([
        aws.getCallerIdentity({}, invokeOpts),
        aws.getPartition({}, invokeOpts),
        resolveZones(config.network.zones, invokeOpts),
    ]);
    const deployerPrincipalArn = await resolveDeployerPrincipal(config.aws.deployerPrincipalArn, identity.arn, invokeOpts, (m) => void pulumi.log.warn(m));
    const account: AwsAccount = { accountId: identity.accountId, partition: partition.partition, region: config.region };
    const childOpts: pulumi.ComponentResourceOptions = { parent, providers: [provider] };
    const protect = config.deletionProtection;
    // The Jenkins VM's role gets its own group-only access entry: no configured principal may be it.
    assertNotJenkinsRole(iamRoleArn(account, toolVmRoleName(config.prefix, "jenkins")), {
        deployerPrincipalArn,
        adminPrincipalArns: config.aws.adminPrincipalArns,
        ...(config.cluster.prAutomationPrincipal ? { prAutomationPrincipal: config.cluster.prAutomationPrincipal } : {}),
    });

    const network = new Network(
        "network",
        {
            prefix: config.prefix,
            account,
            cidr: config.network.cidr,
            zoneNames,
            subnets: config.network.subnets,
            natStrategy: config.network.natStrategy,
            privateEndpoints: config.network.privateEndpoints,
            flowLogs: config.network.flowLogs,
            protect,
        },
        childOpts,
    );

    const bucketName = snapshotBucketName(config.prefix, account.accountId);
    const keys = new Keys("keys", { prefix: config.prefix, account, snapshotBucketName: bucketName, protect }, childOpts);
    const backup = new Backup(
        "backup",
        {
            prefix: config.prefix,
            account,
            retentionDays: config.backup.retentionDays,
            accessLogRetentionDays: config.cluster.logRetentionDays,
            backupKeyArn: keys.backupKeyArn,
            protect,
        },
        childOpts,
    );

    // The enrollment password every agent and the manager read at boot (value never in user data).
    const enrollment = new EnrollmentSecret("wazuh-enrollment", { prefix: config.prefix, protect, kmsKeyArn: keys.secretsKeyArn }, childOpts);
    // The platform CA: every VM's TLS certificate, and what every client trusts (stack output).
    const ca = new InternalCa("internal-ca", { prefix: config.prefix, protect, operations: config.operations }, childOpts);
    // Fixed addresses: the manager's address is baked into every agent's user data, so it must
    // not change when the Wazuh VM is rebuilt (and the bastion can be built before it).
    const toolSubnets = config.network.subnets.tools;
    const where = Object.fromEntries(TOOL_VM_ROLES.map((role) => [role, placement(role, toolSubnets)])) as Record<ToolVmRole, ReturnType<typeof placement>>;
    const wazuhManagerAddress = where.wazuh.privateIp;

    const bastionTls = new TlsSecret("bastion-tls", { prefix: config.prefix, role: "bastion", protect, kmsKeyArn: keys.secretsKeyArn }, childOpts);
    // The bastion's SSH host key: issued here, so tunnels pin its fingerprint (never trust on first use).
    const bastionHostKey = new SshHostKey("bastion-host-key", { protect }, childOpts);
    const bastion = new Bastion(
        "bastion",
        {
            hostKeyFingerprint: bastionHostKey.fingerprint,
            prefix: config.prefix,
            account,
            vpcId: network.networkId,
            vpcCidr: network.cidr,
            subnetId: network.publicSubnetIds[0],
            allowedCidrs: config.bastion.allowedCidrs,
            instanceType: config.bastion.instanceType,
            volumesKeyArn: keys.volumesKeyArn,
            egressReady: network.publicEgress,
            // gzip-compressed like the tool VMs': the document is over EC2's 16 KB in clear
            // (cloud-init detects gzip itself).
            userDataBase64: renderBootstrapGzipBase64("bastion", {
                cloud: "aws",
                hostname: resourceName(config.prefix, "bastion"),
                wazuhEnrollmentSecret: { type: "aws-secretsmanager", secretId: enrollment.secretArn, region: account.region },
                tlsSecret: { type: "aws-secretsmanager", secretId: bastionTls.secretArn, region: account.region },
                wazuhManagerAddress,
            }).apply(assertFitsUserData),
        },
        childOpts,
    );
    // The bastion's agent reads the enrollment password too: that secret, nothing else.
    new aws.iam.RolePolicy(
        "bastion-read-enrollment-secret",
        {
            role: bastion.roleName,
            policy: pulumi
                .all([enrollment.secretArn, keys.secretsKeyArn])
                .apply(([arn, keyArn]) => JSON.stringify(policyDocument(...secretReadStatements("WazuhEnrollmentPassword", [arn], keyArn, account.region)))),
        },
        { parent: bastion },
    );
    // Its certificate names its private address, known once the instance exists; the first boot
    // retries the read until the value is there (components/bootstrap/timing.ts).
    bastionTls.issue({ ca, hostname: resourceName(config.prefix, "bastion"), privateIp: bastion.privateIp, region: account.region, sshHostKey: bastionHostKey.privateKeyOpenssh });
    new aws.iam.RolePolicy(
        "bastion-read-tls-secret",
        {
            role: bastion.roleName,
            policy: pulumi
                .all([bastionTls.secretArn, keys.secretsKeyArn])
                .apply(([arn, keyArn]) => JSON.stringify(policyDocument(...secretReadStatements("ItsTlsBundle", [arn], keyArn, account.region)))),
        },
        { parent: bastion },
    );

    const vmCommon = (role: ToolVmRole) => ({
        prefix: config.prefix,
        account,
        vpcId: network.networkId,
        subnetId: network.privateSubnetIds.tools[where[role].zone],
        availabilityZone: zoneNames[where[role].zone],
        privateIp: where[role].privateIp,
        instanceType: config.toolVms.instanceType,
        volumesKeyArn: keys.volumesKeyArn,
        enrollmentSecretArn: enrollment.secretArn,
        ca,
        secretsKeyArn: keys.secretsKeyArn,
        egressReady: network.privateEgress,
        protect,
    });
    const toolVms: Record<ToolVmRole, ToolVm> = {
        wazuh: new ToolVm("wazuh", { ...vmCommon("wazuh"), role: "wazuh" }, childOpts),
        jenkins: new ToolVm(
            "jenkins",
            {
                ...vmCommon("jenkins"),
                role: "jenkins",
                wazuhManagerAddress,
                homeBackups: { bucket: backup.snapshotBucket, bucketArn: backup.snapshotBucketArn, keyArn: keys.backupKeyArn },
                // Names only (the cluster below is built after the VM and never gates it).
                // EKS does not taint Spot capacity: no toleration; the cap is the namespace quota's.
                kubernetes: { type: "eks", clusterName: eksClusterName(config.prefix), region: account.region, maxAgents: JENKINS_AGENTS_MAX_PODS[config.environment] },
            },
            childOpts,
        ),
        vault: new ToolVm(
            "vault",
            {
                ...vmCommon("vault"),
                role: "vault",
                wazuhManagerAddress,
                snapshots: { bucket: backup.snapshotBucket, bucketArn: backup.snapshotBucketArn, keyArn: keys.backupKeyArn },
            },
            childOpts,
        ),
    };

    const cluster = new Cluster(
        "cluster",
        {
            prefix: config.prefix,
            account,
            version: config.cluster.version,
            endpointAccess: config.cluster.endpointAccess,
            authorizedCidrs: config.cluster.authorizedCidrs,
            serviceCidr: config.cluster.serviceCidr,
            vpcId: network.networkId,
            vpcCidr: network.cidr,
            nodeSubnetIds: network.privateSubnetIds.nodes,
            zoneNames,
            nodeSubnetCidrs: config.network.subnets.nodes,
            nodePools: config.cluster.nodePools,
            logRetentionDays: config.cluster.logRetentionDays,
            logsKeyArn: network.logsKeyArn,
            volumesKeyArn: keys.volumesKeyArn,
            deployerPrincipalArn,
            adminPrincipalArns: config.aws.adminPrincipalArns,
            ...(config.cluster.prAutomationPrincipal ? { prAutomationPrincipal: config.cluster.prAutomationPrincipal } : {}),
            jenkinsRoleArn: toolVms.jenkins.roleArn,
            jenkinsRoleUniqueId: toolVms.jenkins.roleUniqueId,
            egressReady: network.privateEgress,
            protect,
            upgradeSupport: upgradeSupportFor(config.environment),
        },
        childOpts,
    );

    const groups: Record<Tier, pulumi.Output<string>> = {
        bastion: bastion.securityGroupId,
        jenkins: toolVms.jenkins.securityGroupId,
        vault: toolVms.vault.securityGroupId,
        wazuh: toolVms.wazuh.securityGroupId,
        clusterNodes: cluster.nodeSecurityGroupId,
        clusterApi: cluster.apiSecurityGroupId,
    };
    new Firewall("firewall", { prefix: config.prefix, groups, egressManaged: ["bastion", ...TOOL_VM_ROLES] }, childOpts);

    const vms = TOOL_VM_ROLES.map((role) => toolVms[role]);
    return {
        cluster,
        toolVms: vms,
        outputs: platformOutputs(config, { network, bastion, cluster, toolVms: vms }, {
            clusterSecurityGroupId: cluster.clusterSecurityGroupId,
            backupVaultName: backup.vaultName,
            vaultSnapshotBucket: backup.snapshotBucket,
            wazuhEnrollmentSecretArn: enrollment.secretArn,
            internalCaCertPem: ca.certPem,
        }),
    };
}
