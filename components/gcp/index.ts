/**
 * The GCP platform builder. Order matters on a fresh project, where only Service Usage is on:
 * nothing that needs an API runs before the stack has enabled it.
 *
 * 1. The explicit provider (project, region, default labels) and the deployer's identity (the
 *    OAuth userinfo endpoint: no project API).
 * 2. The service APIs, then a bounded wait for their enablement to propagate.
 * 3. What only exists once an API is on, each ordered after its API: the project number
 *    (Resource Manager), the GKE service agent (created explicitly: a ServiceIdentity), the
 *    Cloud Storage agent (its function creates it), the deployer's OS Login name when it is a
 *    service account (IAM).
 * 4. network -> keys (and the agents' grants, propagated) -> backup -> enrollment secret ->
 *    bastion -> tool VMs -> Binary Authorization policy -> cluster -> firewall.
 *
 * Zones come from config (validated against the region table), the image by family URL: no
 * lookup before the APIs exist, and nothing that moves with live zone status.
 * Loaded only for GCP stacks (dynamic import from platform.ts).
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import * as time from "@pulumiverse/time";
import { InternalCa, renderBootstrap, SshHostKey, USER_DATA_LIMITS } from "../bootstrap";
import type { GcpPlatformConfig } from "../config";
import type { ToolVmRole } from "../contracts";
import { TOOL_VM_ROLES } from "../contracts";
import { PlatformBuild, platformOutputs } from "../platform";
import { Backup } from "./backup";
import { Bastion, imageFamilyUrl } from "./bastion";
import { binaryAuthorizationPolicy } from "./binauthz";
import { Cluster, GKE_SPOT_TOLERATION, gkeKubernetesCloud, gkeServiceAgent } from "./cluster";
import { JENKINS_AGENTS_MAX_PODS } from "../kubernetes/common";
import { Firewall, Tier } from "./firewall";
import { deployerEmail, osLoginUser } from "./iam";
import { computeServiceAgent, Keys } from "./kms";
import { gcpName, toLabels } from "./labels";
import { defaultBucketRetention, projectLogging } from "./logging";
import { Network, regionalSubnetCidrs } from "./network";
import { EnrollmentSecret, placement, TlsSecret, ToolVm } from "./tool-vm";

/**
 * Service APIs the platform uses (the API of every resource type it creates, and of every
 * function it calls: offline/constraints/tables/gcp-apis.ts maps them and the catalogue entry
 * gcp-service-enabled-before-use checks the order). Enabled here and never disabled on destroy:
 * other workloads in the project may depend on them, and disabling an API can delete its
 * resources. Cloud Resource Manager serves project IAM grants and getProject; IAM Credentials
 * serves service account impersonation (CI's deployer, `gcloud ... --impersonate-service-account`).
 */
export const REQUIRED_SERVICES = [
    "cloudresourcemanager.googleapis.com",
    "iam.googleapis.com",
    "iamcredentials.googleapis.com",
    "compute.googleapis.com",
    "container.googleapis.com",
    "cloudkms.googleapis.com",
    "secretmanager.googleapis.com",
    "oslogin.googleapis.com",
    "logging.googleapis.com",
    "monitoring.googleapis.com",
    "storage.googleapis.com",
    "artifactregistry.googleapis.com",
    "pubsub.googleapis.com",
    "binaryauthorization.googleapis.com",
    "dns.googleapis.com",
] as const;

/**
 * The wait after enabling APIs: a freshly enabled API can still answer 403 SERVICE_DISABLED for a
 * short while ("If you enabled this API recently, wait a few minutes for the action to propagate
 * to our systems and retry", the error's own text; cloud.google.com/service-usage/docs/enable-disable).
 * It runs once, when the services are first enabled.
 */
export const API_PROPAGATION_WAIT = "60s";

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
    const zoneNames = config.gcp.zones;
    // One explicit provider: project and region from validated config; every labelable resource
    // gets the common tags (sanitised for GCP, see labels.ts) through defaultLabels.
    const provider = new gcp.Provider("gcp", { project, region: config.region, defaultLabels: toLabels(config.tags) }, { parent });
    const invokeOpts: pulumi.InvokeOptions = { parent, provider };
    // The OAuth userinfo endpoint: answers on a fresh project (no project API behind it).
    const deployer = deployerEmail((await gcp.organizations.getClientOpenIdUserInfo(invokeOpts)).email);
    const childOpts: pulumi.ComponentResourceOptions = { parent, providers: [provider] };
    const protect = config.deletionProtection;

    const serviceList = REQUIRED_SERVICES.map(
        (service) => [service, new gcp.projects.Service(`api-${service.split(".")[0]}`, { project, service, disableOnDestroy: false, disableDependentServices: false }, { parent, provider })] as const,
    );
    const service = (api: (typeof REQUIRED_SERVICES)[number]) => serviceList.find(([name]) => name === api)![1];
    const services = serviceList.map(([, s]) => s);
    const apisPropagated = new time.Sleep("api-propagation", { createDuration: API_PROPAGATION_WAIT, triggers: { services: REQUIRED_SERVICES.join(",") } }, { parent, dependsOn: services });
    const apis = { dependsOn: [apisPropagated] };
    const after = (...apiNames: (typeof REQUIRED_SERVICES)[number][]): pulumi.InvokeOutputOptions => ({ parent, provider, dependsOn: [apisPropagated, ...apiNames.map(service)] });

    // Functions that need an API run only after it is on (output form, ordered by dependsOn).
    const projectNumber = gcp.organizations.getProjectOutput({ projectId: project }, after("cloudresourcemanager.googleapis.com")).apply((p) => {
        if (!p.number || !/^\d+$/.test(p.number)) {
            throw new Error(`getProject returned no project number for ${project} (got ${JSON.stringify(p.number)})`);
        }
        return p.number;
    });
    // The GKE service agent is created explicitly (gcloud beta services identity create), so its
    // key grant never races its creation; its e-mail follows Google's published format when the
    // API returns none (generateServiceIdentity may not: terraform-provider-google-beta
    // resource_project_service_identity.go).
    const gkeIdentity = new gcp.projects.ServiceIdentity(
        "gke-service-agent",
        { project, service: "container.googleapis.com" },
        { parent, provider, dependsOn: [apisPropagated, service("container.googleapis.com")] },
    );
    const gkeAgentEmail = pulumi.all([gkeIdentity.email, projectNumber]).apply(([email, number]) => email || gkeServiceAgent(number));
    // Cloud Storage's agent is created by this very function (cloud.google.com/storage/docs/projects#service-agents).
    const storageAgent = gcp.storage.getProjectServiceAccountOutput({ project }, after("storage.googleapis.com"));
    // A service account deployer's OS Login name is sa_<uniqueId> (an IAM lookup); config wins.
    const sshUser: pulumi.Input<string> =
        config.gcp.osLoginUser ??
        (deployer.endsWith(".gserviceaccount.com")
            ? gcp.serviceaccount
                  .getAccountOutput({ accountId: deployer, project: deployer.split("@")[1].split(".")[0] }, after("iam.googleapis.com"))
                  .apply((a) => osLoginUser(deployer, a.uniqueId))
            : osLoginUser(deployer));

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

    // The environment's log retention on the project's _Default bucket, and Data Access audit
    // logs for KMS, Secret Manager and Cloud Storage (logging.ts).
    projectLogging(
        "logging",
        { project, retentionDays: defaultBucketRetention(config.cluster.logRetentionDays, config.network.flowLogs.retentionDays), ...apis },
        { parent, provider },
    );

    const keys = new Keys(
        "keys",
        {
            prefix: config.prefix,
            location: config.region,
            protect,
            recreatable: !protect,
            agents: {
                // The Compute Engine agent exists once the Compute API is on (kms.ts).
                disks: { member: pulumi.interpolate`serviceAccount:${projectNumber.apply(computeServiceAgent)}`, after: [service("compute.googleapis.com")] },
                gkeSecrets: { member: pulumi.interpolate`serviceAccount:${gkeAgentEmail}`, after: [gkeIdentity] },
                backups: { member: storageAgent.member, after: [service("storage.googleapis.com")] },
            },
            ...apis,
        },
        childOpts,
    );
    // Customer-managed encryption for every persistent disk (VMs, nodes, cluster volumes): disks
    // wait for the Compute Engine agent's grant to have propagated.
    const disksKey = { id: keys.keys.disks.id, ready: [keys.agentGrants.disks, keys.grantsPropagated] };
    const backup = new Backup(
        "backup",
        {
            project,
            prefix: config.prefix,
            region: config.region,
            retentionDays: config.backup.retentionDays,
            protect,
            bucketKey: { id: keys.keys.backups.id, ready: [keys.agentGrants.backups, keys.grantsPropagated] },
            ...apis,
        },
        childOpts,
    );
    const enrollment = new EnrollmentSecret("wazuh-enrollment", { prefix: config.prefix, region: config.region, protect, ...apis }, childOpts);
    // The platform CA: every VM's TLS certificate, and what every client trusts (stack output).
    const ca = new InternalCa("internal-ca", { prefix: config.prefix, protect, operations: config.operations }, childOpts);
    const bastionTls = new TlsSecret("bastion-tls", { prefix: config.prefix, role: "bastion", region: config.region, protect, ...apis }, childOpts);

    // Fixed addresses: the manager's address is baked into every agent's user data.
    const where = Object.fromEntries(TOOL_VM_ROLES.map((role) => [role, placement(role, cidrs.tools, zoneNames)])) as Record<ToolVmRole, ReturnType<typeof placement>>;
    const wazuhManagerAddress = where.wazuh.privateIp;
    const image = imageFamilyUrl();

    // The bastion's SSH host key: issued here, so tunnels pin its fingerprint (never trust on first use).
    const bastionHostKey = new SshHostKey("bastion-host-key", { protect }, childOpts);
    const bastion = new Bastion(
        "bastion",
        {
            hostKeyFingerprint: bastionHostKey.fingerprint,
            project,
            prefix: config.prefix,
            zone: zoneNames[0],
            subnetId: network.publicSubnetIds[0],
            allowedCidrs: config.bastion.allowedCidrs,
            machineType: config.bastion.instanceType,
            image,
            disksKey,
            userData: renderBootstrap("bastion", {
                cloud: "gcp",
                hostname: gcpName(config.prefix, "bastion"),
                wazuhEnrollmentSecret: { type: "gcp-secretmanager", project, secret: enrollment.secretId },
                tlsSecret: { type: "gcp-secretmanager", project, secret: bastionTls.secretId },
                wazuhManagerAddress,
            }).apply(assertFitsMetadata),
            deployerEmail: deployer,
            sshUser,
            enrollmentSecretId: enrollment.id,
            tlsSecretId: bastionTls.id,
            ...apis,
        },
        childOpts,
    );
    // Its certificate names its private address, known once the instance exists; the first boot
    // retries the read until the value is there (components/bootstrap/timing.ts). The read grant
    // itself exists before the VM (bastion.ts).
    bastionTls.issue({ ca, hostname: gcpName(config.prefix, "bastion"), privateIp: bastion.privateIp, zone: zoneNames[0], project, sshHostKey: bastionHostKey.privateKeyOpenssh });

    const vmCommon = (role: ToolVmRole) => ({
        project,
        prefix: config.prefix,
        zone: where[role].zone,
        subnetId: network.privateSubnetIds.tools[0],
        privateIp: where[role].privateIp,
        machineType: config.toolVms.instanceType,
        image,
        snapshotPolicyId: backup.snapshotPolicyId,
        disksKey,
        enrollmentSecret: { id: enrollment.id, secretId: enrollment.secretId },
        ca,
        region: config.region,
        deployerEmail: deployer,
        protect,
        ...apis,
    });
    const toolVms: Record<ToolVmRole, ToolVm> = {
        wazuh: new ToolVm("wazuh", { ...vmCommon("wazuh"), role: "wazuh" }, childOpts),
        // The cluster by name only (the VM looks up endpoint and CA itself): the VM never waits for,
        // or is replaced with, the cluster, which is created after it.
        jenkins: new ToolVm(
            "jenkins",
            { ...vmCommon("jenkins"), role: "jenkins", wazuhManagerAddress, homeBackupBucket: backup.snapshotBucket, kubernetes: gkeKubernetesCloud(project, config.region, config.prefix, {
                // GKE's Spot taint on a Spot workload pool, as the platform's pods tolerate it; the cap is the namespace quota's.
                ...(config.cluster.nodePools.workload.capacity === "spot" ? { agentTolerations: [{ ...GKE_SPOT_TOLERATION }] } : {}),
                maxAgents: JENKINS_AGENTS_MAX_PODS[config.environment],
            }) },
            childOpts,
        ),
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

    // The project's image admission policy, before any cluster evaluates it.
    const binauthz = binaryAuthorizationPolicy("binary-authorization", { project, region: config.region, environment: config.environment, ...apis }, { parent, provider });

    const cluster = new Cluster(
        "cluster",
        {
            project,
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
            bastionPublicIp: bastion.publicIp,
            nodePools: config.cluster.nodePools,
            secretsKey: { id: keys.keys["gke-secrets"].id, ready: [keys.agentGrants["gke-secrets"], keys.grantsPropagated] },
            disksKey,
            serviceAgentEmail: gkeAgentEmail,
            labels: config.tags,
            protect,
            ...(config.gcp.rbacSecurityGroup ? { rbacSecurityGroup: config.gcp.rbacSecurityGroup } : {}),
            ...(config.cluster.prAutomationPrincipal ? { prAutomationPrincipal: config.cluster.prAutomationPrincipal } : {}),
            // Jenkins' Kubernetes plugin: its fixed address on the private endpoint, its account in RBAC.
            jenkins: { privateIp: where.jenkins.privateIp, serviceAccountEmail: toolVms.jenkins.serviceAccountEmail },
            dependsOn: [apisPropagated, binauthz],
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
            controlPlaneCidr: config.gcp.controlPlaneCidr,
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
