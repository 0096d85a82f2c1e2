/**
 * The GCP platform builder: explicit provider (project, region, default labels), the edge
 * invokes (project number, zones, image, the deployer's identity), the service APIs, then
 * network -> keys -> backup -> enrollment secret -> bastion -> tool VMs -> cluster -> firewall.
 * Loaded only for GCP stacks (dynamic import from platform.ts).
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { InternalCa, renderBootstrap, USER_DATA_LIMITS } from "../bootstrap";
import type { GcpPlatformConfig } from "../config";
import type { ToolVmRole } from "../contracts";
import { TOOL_VM_ROLES } from "../contracts";
import { PlatformBuild, platformOutputs } from "../platform";
import { Backup } from "./backup";
import { Bastion, UBUNTU_IMAGE } from "./bastion";
import { Cluster } from "./cluster";
import { Firewall, Tier } from "./firewall";
import { osLoginUser } from "./iam";
import { Keys } from "./kms";
import { gcpName, toLabels } from "./labels";
import { Network, regionalSubnetCidrs } from "./network";
import { EnrollmentSecret, placement, TlsSecret, ToolVm } from "./tool-vm";

/**
 * Service APIs the platform uses. Enabled here and never disabled on destroy: other workloads in
 * the project may depend on them, and disabling an API can delete its resources.
 */
export const REQUIRED_SERVICES = [
    "compute.googleapis.com",
    "container.googleapis.com",
    "cloudkms.googleapis.com",
    "secretmanager.googleapis.com",
    "iam.googleapis.com",
    "oslogin.googleapis.com",
    "logging.googleapis.com",
    "monitoring.googleapis.com",
    "storage.googleapis.com",
    "artifactregistry.googleapis.com",
] as const;

/** Zones of the region that are UP, first `count` in name order so the choice is stable. */
export async function resolveZones(region: string, count: number, opts: pulumi.InvokeOptions): Promise<string[]> {
    const zones = await gcp.compute.getZones({ region, status: "UP" }, opts);
    const names = [...zones.names].sort();
    if (names.length < count) {
        throw new Error(`platform:network.zones is ${count} but ${region} offers only ${names.length} zones that are UP (${names.join(", ")}); lower platform:network.zones`);
    }
    return names.slice(0, count);
}

/** Fails with a clear message instead of GCE's generic error on oversize metadata. */
export function assertFitsMetadata(document: string): string {
    const bytes = Buffer.byteLength(document, "utf8");
    if (bytes > USER_DATA_LIMITS.gcp) {
        throw new Error(`user data is ${bytes} bytes, over GCE's ${USER_DATA_LIMITS.gcp} per metadata value`);
    }
    return document;
}

export async function buildGcpPlatform(config: GcpPlatformConfig, parent: pulumi.Resource): Promise<PlatformBuild> {
    const project = config.gcp.project;
    // One explicit provider: project and region from validated config; every labelable resource
    // gets the common tags (sanitised for GCP, see labels.ts) through defaultLabels.
    const provider = new gcp.Provider("gcp", { project, region: config.region, defaultLabels: toLabels(config.tags) }, { parent });
    const invokeOpts: pulumi.InvokeOptions = { parent, provider };
    const [projectInfo, zoneNames, image, me] = await Promise.all([
        gcp.organizations.getProject({ projectId: project }, invokeOpts),
        resolveZones(config.region, config.network.zones, invokeOpts),
        gcp.compute.getImage({ project: UBUNTU_IMAGE.project, family: UBUNTU_IMAGE.family }, invokeOpts),
        gcp.organizations.getClientOpenIdUserInfo(invokeOpts),
    ]);
    if (!projectInfo.number) {
        throw new Error(`getProject returned no project number for ${project}`);
    }
    const deployerEmail = me.email;
    const sshUser = deployerEmail.endsWith(".gserviceaccount.com")
        ? osLoginUser(deployerEmail, (await gcp.serviceaccount.getAccount({ accountId: deployerEmail, project }, invokeOpts)).uniqueId)
        : osLoginUser(deployerEmail);
    const childOpts: pulumi.ComponentResourceOptions = { parent, providers: [provider] };
    const protect = config.deletionProtection;

    const services = REQUIRED_SERVICES.map(
        (service) => new gcp.projects.Service(`api-${service.split(".")[0]}`, { project, service, disableOnDestroy: false, disableDependentServices: false }, { parent, provider }),
    );
    const apis = { dependsOn: services };

    const network = new Network(
        "network",
        {
            prefix: config.prefix,
            environment: config.environment,
            cidr: config.network.cidr,
            zoneNames,
            subnets: config.network.subnets,
            podCidr: config.cluster.podCidr,
            serviceCidr: config.cluster.serviceCidr,
            natStrategy: config.network.natStrategy,
            flowLogs: config.network.flowLogs,
            ...apis,
        },
        childOpts,
    );
    const cidrs = regionalSubnetCidrs(config.network.subnets);

    const keys = new Keys("keys", { prefix: config.prefix, projectNumber: projectInfo.number, location: config.region, protect, ...apis }, childOpts);
    // Customer-managed encryption for every persistent disk (VMs, nodes, cluster volumes).
    const disksKey = { id: keys.keys.disks.id, ready: [keys.disksKeyGrant] };
    const backup = new Backup("backup", { project, prefix: config.prefix, region: config.region, retentionDays: config.backup.retentionDays, protect, ...apis }, childOpts);
    const enrollment = new EnrollmentSecret("wazuh-enrollment", { prefix: config.prefix, region: config.region, protect, ...apis }, childOpts);
    // The platform CA: every VM's TLS certificate, and what every client trusts (stack output).
    const ca = new InternalCa("internal-ca", { prefix: config.prefix, protect, operations: config.operations }, childOpts);
    const bastionTls = new TlsSecret("bastion-tls", { prefix: config.prefix, role: "bastion", region: config.region, protect, ...apis }, childOpts);

    // Fixed addresses: the manager's address is baked into every agent's user data.
    const where = Object.fromEntries(TOOL_VM_ROLES.map((role) => [role, placement(role, cidrs.tools, zoneNames)])) as Record<ToolVmRole, ReturnType<typeof placement>>;
    const wazuhManagerAddress = where.wazuh.privateIp;

    const bastion = new Bastion(
        "bastion",
        {
            project,
            prefix: config.prefix,
            zone: zoneNames[0],
            subnetId: network.publicSubnetIds[0],
            allowedCidrs: config.bastion.allowedCidrs,
            machineType: config.bastion.instanceType,
            image: image.selfLink,
            disksKey,
            userData: renderBootstrap("bastion", {
                cloud: "gcp",
                hostname: gcpName(config.prefix, "bastion"),
                wazuhEnrollmentSecret: { type: "gcp-secretmanager", project, secret: enrollment.secretId },
                tlsSecret: { type: "gcp-secretmanager", project, secret: bastionTls.secretId },
                wazuhManagerAddress,
            }).apply(assertFitsMetadata),
            deployerEmail,
            sshUser,
            ...apis,
        },
        childOpts,
    );
    // The bastion's agent reads the enrollment password too: that secret, nothing else.
    new gcp.secretmanager.SecretIamMember(
        "bastion-read-enrollment",
        { secretId: enrollment.id, role: "roles/secretmanager.secretAccessor", member: pulumi.interpolate`serviceAccount:${bastion.serviceAccountEmail}` },
        { parent: bastion },
    );
    // Its certificate names its private address, known once the instance exists; the first boot
    // retries the read until the value is there (components/bootstrap/timing.ts).
    bastionTls.issue({ ca, hostname: gcpName(config.prefix, "bastion"), privateIp: bastion.privateIp, zone: zoneNames[0], project });
    new gcp.secretmanager.SecretIamMember(
        "bastion-read-tls",
        { secretId: bastionTls.id, role: "roles/secretmanager.secretAccessor", member: pulumi.interpolate`serviceAccount:${bastion.serviceAccountEmail}` },
        { parent: bastion },
    );

    const vmCommon = (role: ToolVmRole) => ({
        project,
        prefix: config.prefix,
        zone: where[role].zone,
        subnetId: network.privateSubnetIds.tools[0],
        privateIp: where[role].privateIp,
        machineType: config.toolVms.instanceType,
        image: image.selfLink,
        snapshotPolicyId: backup.snapshotPolicyId,
        disksKey,
        enrollmentSecret: { id: enrollment.id, secretId: enrollment.secretId },
        ca,
        region: config.region,
        deployerEmail,
        protect,
        ...apis,
    });
    const toolVms: Record<ToolVmRole, ToolVm> = {
        wazuh: new ToolVm("wazuh", { ...vmCommon("wazuh"), role: "wazuh" }, childOpts),
        jenkins: new ToolVm("jenkins", { ...vmCommon("jenkins"), role: "jenkins", wazuhManagerAddress, homeBackupBucket: backup.snapshotBucket }, childOpts),
        vault: new ToolVm(
            "vault",
            {
                ...vmCommon("vault"),
                role: "vault",
                wazuhManagerAddress,
                unseal: { keyId: keys.keys["vault-unseal"].id, keyRing: keys.keyRingName, cryptoKey: keys.keys["vault-unseal"].name, location: config.region },
                snapshotBucket: backup.snapshotBucket,
            },
            childOpts,
        ),
    };

    const cluster = new Cluster(
        "cluster",
        {
            project,
            projectNumber: projectInfo.number,
            prefix: config.prefix,
            environment: config.environment,
            region: config.region,
            zones: zoneNames,
            version: config.cluster.version,
            endpointAccess: config.cluster.endpointAccess,
            authorizedCidrs: config.cluster.authorizedCidrs,
            controlPlaneCidr: config.gcp.controlPlaneCidr,
            network: network.networkId,
            nodeSubnetId: network.privateSubnetIds.nodes[0],
            nodeSubnetCidr: cidrs.nodes,
            bastionSubnetCidr: cidrs.public,
            nodePools: config.cluster.nodePools,
            secretsKeyId: keys.keys["gke-secrets"].id,
            disksKey,
            labels: config.tags,
            protect,
            ...(config.cluster.prAutomationPrincipal ? { prAutomationPrincipal: config.cluster.prAutomationPrincipal } : {}),
            ...apis,
        },
        childOpts,
    );

    const serviceAccounts: Record<Tier, pulumi.Output<string>> = {
        bastion: bastion.serviceAccountEmail,
        jenkins: toolVms.jenkins.serviceAccountEmail,
        vault: toolVms.vault.serviceAccountEmail,
        wazuh: toolVms.wazuh.serviceAccountEmail,
        clusterNodes: cluster.nodeServiceAccountEmail,
    };
    new Firewall(
        "firewall",
        {
            prefix: config.prefix,
            network: network.networkId,
            serviceAccounts,
            podCidr: config.cluster.podCidr,
            sshAllowedCidrs: config.bastion.allowedCidrs,
            iapSshAccess: config.gcp.iapSshAccess,
            internalCidrs: [config.network.cidr, config.gcp.controlPlaneCidr],
        },
        childOpts,
    );

    const vms = TOOL_VM_ROLES.map((role) => toolVms[role]);
    return {
        cluster,
        toolVms: vms,
        outputs: platformOutputs(config, { network, bastion, cluster, toolVms: vms }, {
            clusterSecurityGroupId: cluster.apiIdentity.id,
            backupVaultName: backup.snapshotPolicyName,
            vaultSnapshotBucket: backup.snapshotBucket,
            wazuhEnrollmentSecretArn: enrollment.id,
            internalCaCertPem: ca.certPem,
        }),
    };
}
