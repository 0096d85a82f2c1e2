/**
 * `platform:index:Platform`: the whole platform for one stack. It picks the cloud's builder
 * (loaded on demand, so an AWS stack never loads another cloud's SDK) and wires
 * network -> bastion -> cluster / tool VMs through the contracts. The in-cluster platform is the
 * second layer (incluster/, its own project and stacks), fed by this stack's outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "./config";
import type { BastionOutputs, ClusterOutputs, NetworkOutputs, ToolVmOutputs, ToolVmRole } from "./contracts";
import type { ClusterHints } from "./kubernetes/hints";

/** What the stack exports about one tool VM (plain values and Outputs only). */
export interface ToolVmStackOutputs {
    readonly hostname: string;
    readonly privateIp: pulumi.Output<string>;
    /** The VM's cloud identity (AWS: instance role ARN; Azure: managed identity principal id; GCP: service account email). */
    readonly identity: pulumi.Output<string>;
    /** The VM's firewall identity (AWS: security group id; Azure: application security group id; GCP: the service account email firewall rules target). */
    readonly securityGroupId: pulumi.Output<string>;
    readonly instanceId: pulumi.Output<string>;
    readonly dataDiskId: pulumi.Output<string>;
}

/** Stack outputs every cloud provides (names are part of the contract with automation/). */
export interface PlatformOutputs {
    readonly cloud: string;
    /** The environment profile (the in-cluster layer checks it matches its own). */
    readonly environment: string;
    readonly region: string;
    readonly networkId: pulumi.Output<string>;
    readonly networkCidr: string;
    readonly zones: readonly string[];
    readonly publicSubnetIds: pulumi.Output<string>[];
    readonly nodeSubnetIds: pulumi.Output<string>[];
    readonly toolSubnetIds: pulumi.Output<string>[];
    readonly natPublicIps: pulumi.Output<string>[];
    readonly bastionPublicIp: pulumi.Output<string>;
    readonly bastionSshUser: pulumi.Input<string>;
    /** Secret. */
    readonly bastionPrivateKeyPem: pulumi.Output<string>;
    /** The bastion's firewall identity (AWS: security group; Azure: application security group; GCP: service account email). */
    readonly bastionSecurityGroupId: pulumi.Output<string>;
    readonly bastionPrivateIp: pulumi.Output<string>;
    /** What the cloud's tunnel names (EC2 instance id, GCE instance name, Azure VM id): `npm run env -- deploy --route ssm|iap`. */
    readonly bastionTunnelTarget: pulumi.Output<string>;
    /** The bastion's zone (GCP IAP needs it). */
    readonly bastionZone: string;
    /** `SHA256:...` of the bastion's program-issued SSH host key: what every tunnel pins. */
    readonly bastionHostKeyFingerprint: pulumi.Output<string>;
    readonly clusterName: pulumi.Output<string>;
    /** The cluster's cloud resource id: the in-cluster layer's Kubernetes provider `clusterIdentifier`. */
    readonly clusterResourceId: pulumi.Output<string>;
    /** Private-only in `private` mode: reach it through the bastion. */
    readonly clusterEndpoint: pulumi.Output<string>;
    readonly clusterVersion: pulumi.Output<string>;
    readonly clusterEndpointAccess: "restricted" | "private";
    /** Secret. Exec-based (cloud CLI tokens): no credential inside, but it maps the cluster. */
    readonly clusterKubeconfig: pulumi.Output<string>;
    readonly clusterOidcIssuerUrl: pulumi.Output<string>;
    /** AWS: the IAM OIDC provider ARN IRSA roles trust. Azure: the issuer URL (no provider resource). GCP: the workload pool `<project>.svc.id.goog`. */
    readonly clusterOidcProviderArn: pulumi.Output<string>;
    /** Firewall identity of the nodes (AWS: the stack's node security group; Azure: the nodes' ASG; GCP: the node service account email). */
    readonly clusterNodeSecurityGroupId: pulumi.Output<string>;
    /** AWS: the EKS-created cluster security group. Azure: the AKS cluster's resource id. GCP: the GKE service agent the control plane acts as. */
    readonly clusterSecurityGroupId: pulumi.Output<string>;
    readonly clusterHints: ClusterHints;
    readonly toolVms: Readonly<Record<ToolVmRole, ToolVmStackOutputs>>;
    /** The disk backup policy (AWS: Backup vault; GCP: the snapshot-schedule resource policy). */
    readonly backupVaultName: pulumi.Output<string>;
    /** Where Vault uploads raft snapshots (AWS: bucket; Azure: `<storage account>/<container>`; GCP: bucket). */
    readonly vaultSnapshotBucket: pulumi.Output<string>;
    /** The Wazuh enrollment password's secret, by reference (AWS: ARN; Azure: Key Vault secret id; GCP: `projects/<p>/secrets/<id>`), never the value. */
    readonly wazuhEnrollmentSecretArn: pulumi.Output<string>;
    /**
     * The platform's internal CA certificate (PEM; public): it issued the certificates of Vault,
     * Jenkins, the Wazuh dashboard and manager, and every node_exporter. Clients trust it
     * (Prometheus scrapes, `curl --cacert`, browsers through the tunnel); the in-cluster layer reads it.
     */
    readonly internalCaCertPem: pulumi.Output<string>;
}

/** The outputs whose source differs per cloud (what AWS names a security group, GCP a service account, ...). */
export type CloudSpecificOutputs = Pick<PlatformOutputs, "clusterSecurityGroupId" | "backupVaultName" | "vaultSnapshotBucket" | "wazuhEnrollmentSecretArn" | "internalCaCertPem">;

/**
 * The stack outputs, read from the contracts for everything the contracts define, so every
 * cloud exports them the same way; each builder adds only {@link CloudSpecificOutputs}.
 */
export function platformOutputs(
    config: Pick<PlatformConfig, "cloud" | "environment" | "region">,
    parts: { readonly network: NetworkOutputs; readonly bastion: BastionOutputs; readonly cluster: ClusterOutputs; readonly toolVms: readonly ToolVmOutputs[] },
    specific: CloudSpecificOutputs,
): PlatformOutputs {
    const { network, bastion, cluster } = parts;
    const toolVms = Object.fromEntries(
        parts.toolVms.map((vm) => [
            vm.role,
            { hostname: vm.hostname, privateIp: vm.privateIp, identity: vm.identity.id, securityGroupId: vm.firewallIdentity.id, instanceId: vm.instanceId, dataDiskId: vm.dataDiskId },
        ]),
    ) as PlatformOutputs["toolVms"];
    return {
        cloud: config.cloud,
        environment: config.environment,
        region: config.region,
        networkId: network.networkId,
        networkCidr: network.cidr,
        zones: network.zones,
        publicSubnetIds: network.publicSubnetIds,
        nodeSubnetIds: network.privateSubnetIds.nodes,
        toolSubnetIds: network.privateSubnetIds.tools,
        natPublicIps: network.natPublicIps,
        bastionPublicIp: bastion.publicIp,
        bastionSshUser: bastion.sshUser,
        bastionPrivateKeyPem: bastion.privateKeyPem,
        bastionSecurityGroupId: bastion.identity.id,
        bastionPrivateIp: bastion.privateIp,
        bastionTunnelTarget: bastion.tunnelTarget,
        bastionZone: network.zones[0],
        bastionHostKeyFingerprint: bastion.hostKeyFingerprint,
        clusterName: cluster.name,
        clusterResourceId: cluster.resourceId,
        clusterEndpoint: cluster.endpoint,
        clusterVersion: cluster.version,
        clusterEndpointAccess: cluster.endpointAccess,
        clusterKubeconfig: cluster.kubeconfig,
        clusterOidcIssuerUrl: cluster.workloadIdentity.issuerUrl,
        clusterOidcProviderArn: cluster.workloadIdentity.providerId,
        clusterNodeSecurityGroupId: cluster.nodeIdentity.id,
        clusterHints: cluster.hints,
        toolVms,
        ...specific,
    };
}

/** What a cloud builder returns: the stack outputs, plus the live contracts for later phases. */
export interface PlatformBuild {
    readonly outputs: PlatformOutputs;
    /** The cluster, with its `k8s.Provider` (not a stack output: providers do not serialise). */
    readonly cluster: ClusterOutputs;
    readonly toolVms: readonly ToolVmOutputs[];
}

export interface PlatformArgs {
    /** The validated stack configuration (components/config). */
    readonly config: PlatformConfig;
}

/**
 * The platform layer. It never talks to the Kubernetes API: the in-cluster platform is its own
 * Pulumi project (incluster/), whose stacks read this stack's outputs through a StackReference.
 */
export class Platform extends pulumi.ComponentResource<PlatformBuild> {
    /** Resolves once every child is declared. */
    readonly outputs: Promise<PlatformOutputs>;
    readonly cluster: Promise<ClusterOutputs>;
    readonly toolVms: Promise<readonly ToolVmOutputs[]>;

    constructor(name: string, args: PlatformArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:index:Platform", name, args as unknown as pulumi.Inputs, opts);
        const data = this.getData();
        this.outputs = data.then((d) => d.outputs);
        this.cluster = data.then((d) => d.cluster);
        this.toolVms = data.then((d) => d.toolVms);
    }

    protected override async initialize(args: pulumi.Inputs): Promise<PlatformBuild> {
        const { config } = args as unknown as PlatformArgs;
        return buildCloud(config, this);
    }
}

async function buildCloud(config: PlatformConfig, parent: pulumi.Resource): Promise<PlatformBuild> {
    switch (config.cloud) {
        case "aws": {
            const { buildAwsPlatform } = await import("./aws");
            return buildAwsPlatform(config, parent);
        }
        case "gcp": {
            const { buildGcpPlatform } = await import("./gcp");
            return buildGcpPlatform(config, parent);
        }
        case "azure": {
            const { buildAzurePlatform } = await import("./azure");
            return buildAzurePlatform(config, parent);
        }
        default: {
            const impossible: never = config;
            throw new Error(`no builder for cloud ${String((impossible as PlatformConfig).cloud)}`);
        }
    }
}
