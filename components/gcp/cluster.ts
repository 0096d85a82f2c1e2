/**
 * `platform:gcp:Cluster`: a private, regional GKE Standard cluster.
 *
 * - Private nodes always (no node has an external address). API access per DESIGN.md:
 *   `restricted` = public endpoint limited by master authorized networks to the configured
 *   CIDRs (plus the bastion's subnet); `private` = private endpoint only, reached from the
 *   bastion's subnet (authorized) through the tunnel.
 * - VPC-native on the node subnet's `pods` / `services` secondary ranges; Dataplane V2
 *   (eBPF, enforces NetworkPolicy: the baseline's default-deny relies on it).
 * - Workload Identity (pods never see the node's service account); nodes use GKE_METADATA.
 * - Shielded nodes; secure boot; legacy ABAC off; no client certificate.
 * - Secrets encrypted at the application layer with a Cloud KMS key. The GKE service agent
 *   (service-<projectNumber>@container-engine-robot.iam.gserviceaccount.com) is granted the key
 *   BEFORE the cluster, or creation fails.
 * - The default node pool is removed; `system` (on-demand, tainted CriticalAddonsOnly) and
 *   `workload` (Spot where the profile allows) run as a dedicated least-privilege service account.
 * - Release channel and deletion protection per environment.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { Environment, EndpointAccess, NodePoolConfig } from "../config";
import type { ClusterOutputs, FirewallIdentity } from "../contracts";
import type { ClusterHints } from "../kubernetes/hints";
import { METADATA_SERVER } from "../flows";
import { GKE_NODE_ROLES, tierServiceAccount } from "./iam";
import { gcpName, nameLabels, toLabels } from "./labels";
import { POD_RANGE_NAME, SERVICE_RANGE_NAME } from "./network";

/** Release channel per environment: dev sees new versions first, prod takes the settled ones. */
export const RELEASE_CHANNEL: Readonly<Record<Environment, "RAPID" | "REGULAR" | "STABLE">> = { dev: "REGULAR", staging: "REGULAR", prod: "STABLE" };
/** Taint keeping the system pool for critical add-ons (kube-dns and GKE's agents tolerate it). */
export const SYSTEM_POOL_TAINT = { key: "CriticalAddonsOnly", value: "true", effect: "NO_SCHEDULE" } as const;
/** The StorageClass the addons create for persistent volumes (pd-balanced on the disks key). */
export const CMEK_STORAGE_CLASS = "pd-balanced-cmek";
/** Nodes reach Google APIs with the node SA's IAM roles; scopes stay broad as Google recommends. */
export const NODE_OAUTH_SCOPES = ["https://www.googleapis.com/auth/cloud-platform"] as const;

/**
 * The GKE service agent of a project (it encrypts secrets with our key). Format from
 * cloud.google.com/iam/docs/service-agents ("Kubernetes Engine Service Agent"); a test compares it
 * to offline/constraints/tables/gcp-service-agents.ts.
 */
export function gkeServiceAgent(projectNumber: string): string {
    if (!/^\d+$/.test(projectNumber)) {
        throw new Error(`gkeServiceAgent: ${JSON.stringify(projectNumber)} is not a project NUMBER (the getProject invoke's number)`);
    }
    return `service-${projectNumber}@container-engine-robot.iam.gserviceaccount.com`;
}

/** The hints the cloud-agnostic addons get from GKE. */
export function gkeHints(controlPlaneCidr: string, nodeSubnetCidr: string, disksKeyId: pulumi.Input<string>, prAutomationPrincipal?: string): ClusterHints {
    return {
        // Google identities are Kubernetes RBAC subjects by e-mail (cloud.google.com/kubernetes-engine/docs/how-to/role-based-access-control).
        ...(prAutomationPrincipal ? { prEnvironments: { subject: { kind: "User" as const, name: prAutomationPrincipal } } } : {}),
        // GKE's built-in standard-rwo encrypts with Google's keys: the addons create this class on
        // the platform's disks key (PD CSI; the Compute Engine agent holds the grant).
        storageClass: CMEK_STORAGE_CLASS,
        storageClassSpec: { provisioner: "pd.csi.storage.gke.io", parameters: { type: "pd-balanced", "disk-encryption-kms-key": disksKeyId, "csi.storage.k8s.io/fstype": "ext4" } },
        loadBalancerAnnotations: { "networking.gke.io/load-balancer-type": "Internal" },
        workloadIdentity: {
            annotationKey: "iam.gke.io/gcp-service-account",
            // "With GKE Dataplane V2, allow egress to 169.254.169.254/32 on port 80" (the GKE
            // metadata server): https://cloud.google.com/kubernetes-engine/docs/concepts/workload-identity
            tokenEgress: [{ cidr: `${METADATA_SERVER.ip}/32`, port: METADATA_SERVER.port }],
        },
        apiServerCidrs: [controlPlaneCidr],
        nodeCidrs: [nodeSubnetCidr],
        // Dataplane V2 is Cilium: no ipBlock selects a node IP (ClusterHints.nodePeers); it has no
        // kube-proxy (https://cloud.google.com/kubernetes-engine/docs/concepts/dataplane-v2), and
        // GKE's cluster DNS is kube-dns, not CoreDNS (https://cloud.google.com/kubernetes-engine/docs/how-to/kube-dns).
        nodePeers: "ciliumEntities",
        clusterMetrics: { kubeProxy: false, clusterDns: "kubeDns" },
        // Dataplane V2 is Cilium: a cluster-wide deny wins over any NetworkPolicy (the cluster
        // enables CiliumClusterwideNetworkPolicy below). No address is denied outright: GKE's
        // metadata server answers each pod with its own Workload Identity only
        // (https://cloud.google.com/kubernetes-engine/docs/concepts/workload-identity#metadata_server).
        clusterwideDeny: { engine: "cilium", denyCidrs: [] },
    };
}

/** Master authorized networks: who may reach the endpoint(s). The bastion's subnet always. */
export function authorizedNetworks(access: EndpointAccess, authorizedCidrs: readonly string[], bastionSubnetCidr: string): { cidrBlock: string; displayName: string }[] {
    const bastion = { cidrBlock: bastionSubnetCidr, displayName: "bastion subnet" };
    switch (access) {
        case "restricted":
            return [...authorizedCidrs.map((c, i) => ({ cidrBlock: c, displayName: `authorized-${i}` })), bastion];
        case "private":
            return [bastion];
        default: {
            const impossible: never = access;
            throw new Error(`unknown endpointAccess ${String(impossible)}`);
        }
    }
}

/** Kubeconfig using gke-gcloud-auth-plugin (short-lived OAuth tokens; no credential inside). */
export function renderKubeconfig(clusterName: string, endpoint: string, caData: string): string {
    const user = `${clusterName}-gke`;
    return JSON.stringify(
        {
            apiVersion: "v1",
            kind: "Config",
            clusters: [{ name: clusterName, cluster: { server: endpoint, "certificate-authority-data": caData } }],
            users: [
                {
                    name: user,
                    user: {
                        exec: {
                            apiVersion: "client.authentication.k8s.io/v1beta1",
                            command: "gke-gcloud-auth-plugin",
                            installHint: "Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin (or apt-get install google-cloud-cli-gke-gcloud-auth-plugin)",
                            provideClusterInfo: true,
                            interactiveMode: "Never",
                        },
                    },
                },
            ],
            contexts: [{ name: clusterName, context: { cluster: clusterName, user } }],
            "current-context": clusterName,
        },
        null,
        2,
    );
}

export interface GcpClusterArgs {
    readonly project: string;
    /** Project NUMBER (getProject invoke): names the GKE service agent. */
    readonly projectNumber: string;
    readonly prefix: string;
    readonly environment: Environment;
    readonly region: string;
    /** Zones the node pools span. */
    readonly zones: readonly string[];
    /** Kubernetes minor version (the release channel picks patches). */
    readonly version: string;
    readonly endpointAccess: EndpointAccess;
    readonly authorizedCidrs: readonly string[];
    /** The private control plane's /28 (validated outside every other range). */
    readonly controlPlaneCidr: string;
    readonly network: pulumi.Input<string>;
    readonly nodeSubnetId: pulumi.Input<string>;
    readonly nodeSubnetCidr: string;
    /** The bastion's subnet: always an authorized network (the tunnel path). */
    readonly bastionSubnetCidr: string;
    readonly nodePools: { readonly system: NodePoolConfig; readonly workload: NodePoolConfig };
    /** The Cloud KMS key (id) for application-layer secrets encryption. */
    readonly secretsKeyId: pulumi.Input<string>;
    /** CMEK for node boot disks and PD CSI volumes, and the Compute Engine agent's grant on it. */
    readonly disksKey: { readonly id: pulumi.Input<string>; readonly ready: readonly pulumi.Resource[] };
    /** Labels for the cluster and node VMs (the provider's defaultLabels do not reach resourceLabels). */
    readonly labels: Readonly<Record<string, string>>;
    readonly protect: boolean;
    /** The PR-namespace automation's service account e-mail (config `cluster.prAutomationPrincipal`). */
    readonly prAutomationPrincipal?: string;
    readonly dependsOn?: readonly pulumi.Resource[];
}

export class Cluster extends pulumi.ComponentResource implements ClusterOutputs {
    readonly name: pulumi.Output<string>;
    readonly endpoint: pulumi.Output<string>;
    readonly version: pulumi.Output<string>;
    readonly kubeconfig: pulumi.Output<string>;
    readonly resourceId: pulumi.Output<string>;
    readonly workloadIdentity: { readonly issuerUrl: pulumi.Output<string>; readonly providerId: pulumi.Output<string> };
    readonly nodeIdentity: FirewallIdentity;
    readonly apiIdentity: FirewallIdentity;
    readonly endpointAccess: EndpointAccess;
    readonly hints: ClusterHints;
    readonly nodeServiceAccountEmail: pulumi.Output<string>;
    /** The GKE service agent (the control plane acts as it). */
    readonly serviceAgent: string;

    constructor(name: string, args: GcpClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:gcp:Cluster", name, {}, opts);
        validateClusterArgs(args);
        const built = buildCluster(name, args, this);
        this.name = built.cluster.name;
        this.endpoint = pulumi.interpolate`https://${built.cluster.endpoint}`;
        // What the control plane actually runs (the channel may be ahead of the configured floor), as a minor.
        this.version = built.cluster.masterVersion.apply((v) => v.split(".").slice(0, 2).join("."));
        this.kubeconfig = built.kubeconfig;
        this.resourceId = built.cluster.id;
        this.workloadIdentity = {
            issuerUrl: pulumi.interpolate`https://container.googleapis.com/v1/projects/${args.project}/locations/${args.region}/clusters/${built.cluster.name}`,
            providerId: pulumi.output(`${args.project}.svc.id.goog`),
        };
        this.nodeServiceAccountEmail = built.nodeSa.email;
        this.nodeIdentity = { kind: "gcpServiceAccount", id: built.nodeSa.email };
        this.serviceAgent = gkeServiceAgent(args.projectNumber);
        this.apiIdentity = { kind: "gcpServiceAccount", id: pulumi.output(this.serviceAgent) };
        this.endpointAccess = args.endpointAccess;
        this.hints = gkeHints(args.controlPlaneCidr, args.nodeSubnetCidr, args.disksKey.id, args.prAutomationPrincipal);
        this.registerOutputs({ name: this.name, endpoint: this.endpoint, kubeconfig: this.kubeconfig, nodeServiceAccountEmail: this.nodeServiceAccountEmail });
    }
}

export function validateClusterArgs(args: GcpClusterArgs): void {
    const problems: string[] = [];
    if (args.endpointAccess === "restricted" && args.authorizedCidrs.length === 0) {
        problems.push(`endpointAccess "restricted" needs authorizedCidrs (none given); list them or use "private"`);
    }
    for (const cidr of args.authorizedCidrs) {
        if (/\/0$/.test(cidr)) {
            problems.push(`authorizedCidrs contains ${cidr}: the API would be open to the whole internet`);
        }
    }
    if (!/\/28$/.test(args.controlPlaneCidr)) {
        problems.push(`controlPlaneCidr ${args.controlPlaneCidr} must be a /28`);
    }
    for (const [pool, p] of Object.entries(args.nodePools)) {
        if (!(p.minSize <= p.desiredSize && p.desiredSize <= p.maxSize)) {
            problems.push(`nodePools.${pool}: need minSize <= desiredSize <= maxSize, got ${p.minSize}/${p.desiredSize}/${p.maxSize}`);
        }
    }
    if (args.nodePools.system.capacity !== "onDemand") {
        problems.push(`nodePools.system must be on-demand: a Spot preemption would take kube-dns with it`);
    }
    if (!/^\d+$/.test(args.projectNumber)) {
        problems.push(`projectNumber ${JSON.stringify(args.projectNumber)} is not numeric`);
    }
    if (problems.length > 0) {
        throw new Error(`platform:gcp:Cluster: ${problems.join("; ")}`);
    }
}

/** GKE node counts are per zone: the initial count that reaches `desired` nodes across zones. */
export function initialNodesPerZone(desired: number, zones: number): number {
    return Math.max(1, Math.ceil(desired / zones));
}

function buildCluster(name: string, args: GcpClusterArgs, parent: pulumi.Resource) {
    const opts: pulumi.CustomResourceOptions = { parent, dependsOn: [...(args.dependsOn ?? [])] };
    const child = (...parts: string[]) => [name, ...parts].join("-");
    const clusterName = gcpName(args.prefix, "gke");

    const nodeSa = tierServiceAccount(child("nodes"), { project: args.project, prefix: args.prefix, tier: "gke-nodes", displayName: "GKE nodes", roles: GKE_NODE_ROLES }, opts);

    // The key grant must exist BEFORE the cluster: GKE checks it at creation.
    const keyGrant = new gcp.kms.CryptoKeyIAMMember(
        child("secrets-key-agent"),
        { cryptoKeyId: args.secretsKeyId, role: "roles/cloudkms.cryptoKeyEncrypterDecrypter", member: `serviceAccount:${gkeServiceAgent(args.projectNumber)}` },
        opts,
    );

    // The PR-namespace automation: `container.clusters.get` to reach the API (roles/container.clusterViewer,
    // cloud.google.com/kubernetes-engine/docs/how-to/iam#predefined); its Kubernetes rights are RBAC on its
    // e-mail, confined by admission (the in-cluster layer's pr-environments).
    if (args.prAutomationPrincipal) {
        new gcp.projects.IAMMember(child("pr-automation-cluster-viewer"), { project: args.project, role: "roles/container.clusterViewer", member: `serviceAccount:${args.prAutomationPrincipal}` }, opts);
    }

    const shieldedNodes = { enableSecureBoot: true, enableIntegrityMonitoring: true };
    const nodeBase = {
        serviceAccount: nodeSa.email,
        oauthScopes: [...NODE_OAUTH_SCOPES],
        shieldedInstanceConfig: shieldedNodes,
        workloadMetadataConfig: { mode: "GKE_METADATA" },
        metadata: { "disable-legacy-endpoints": "true" },
        bootDiskKmsKey: args.disksKey.id,
    };
    const cluster = new gcp.container.Cluster(
        child("gke"),
        {
            name: clusterName,
            location: args.region,
            nodeLocations: [...args.zones],
            description: `${args.prefix}: private GKE (managed by Pulumi)`,
            network: args.network,
            subnetwork: args.nodeSubnetId,
            networkingMode: "VPC_NATIVE",
            ipAllocationPolicy: { clusterSecondaryRangeName: POD_RANGE_NAME, servicesSecondaryRangeName: SERVICE_RANGE_NAME },
            // GKE needs a default pool to create the cluster; it is removed at once, and it runs
            // as the node service account meanwhile (never the Compute Engine default).
            removeDefaultNodePool: true,
            initialNodeCount: 1,
            nodeConfig: { ...nodeBase, machineType: args.nodePools.system.instanceType },
            minMasterVersion: args.version,
            releaseChannel: { channel: RELEASE_CHANNEL[args.environment] },
            privateClusterConfig: {
                enablePrivateNodes: true,
                enablePrivateEndpoint: args.endpointAccess === "private",
                masterIpv4CidrBlock: args.controlPlaneCidr,
                masterGlobalAccessConfig: { enabled: false },
            },
            masterAuthorizedNetworksConfig: {
                cidrBlocks: authorizedNetworks(args.endpointAccess, args.authorizedCidrs, args.bastionSubnetCidr),
                // Google Cloud's own public ranges are NOT implicitly trusted.
                gcpPublicCidrsAccessEnabled: false,
            },
            masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
            enableLegacyAbac: false,
            enableShieldedNodes: true,
            datapathProvider: "ADVANCED_DATAPATH",
            // CiliumClusterwideNetworkPolicy is off on GKE until the cluster enables it; the
            // in-cluster layer's cluster-wide deny policies need it
            // (https://cloud.google.com/kubernetes-engine/docs/how-to/configure-cilium-network-policy).
            enableCiliumClusterwideNetworkPolicy: true,
            workloadIdentityConfig: { workloadPool: `${args.project}.svc.id.goog` },
            databaseEncryption: { state: "ENCRYPTED", keyName: args.secretsKeyId },
            loggingConfig: { enableComponents: ["SYSTEM_COMPONENTS", "APISERVER", "CONTROLLER_MANAGER", "SCHEDULER", "WORKLOADS"] },
            monitoringConfig: { enableComponents: ["SYSTEM_COMPONENTS", "APISERVER", "CONTROLLER_MANAGER", "SCHEDULER"], managedPrometheus: { enabled: true } },
            deletionProtection: args.protect,
            resourceLabels: { ...toLabels(args.labels), ...nameLabels(clusterName) },
        },
        {
            ...opts,
            protect: args.protect,
            dependsOn: [...(args.dependsOn ?? []), keyGrant, ...nodeSa.grants, ...args.disksKey.ready],
            // The default pool's config only matters for the moment it exists.
            ignoreChanges: ["nodeConfig", "initialNodeCount"],
        },
    );

    const nodePools = (["system", "workload"] as const).map((pool) => {
        const p = args.nodePools[pool];
        return new gcp.container.NodePool(
            child(pool),
            {
                name: pool,
                cluster: cluster.id,
                location: args.region,
                nodeLocations: [...args.zones],
                initialNodeCount: initialNodesPerZone(p.desiredSize, args.zones.length),
                // Spot: ANY lets the autoscaler go where capacity (and unused reservations) is, which
                // lowers preemptions; on-demand pools stay BALANCED across zones for resilience.
                autoscaling: { totalMinNodeCount: p.minSize, totalMaxNodeCount: p.maxSize, locationPolicy: p.capacity === "spot" ? "ANY" : "BALANCED" },
                management: { autoRepair: true, autoUpgrade: true },
                upgradeSettings: { maxSurge: 1, maxUnavailable: 0 },
                nodeConfig: {
                    ...nodeBase,
                    machineType: p.instanceType,
                    diskSizeGb: p.diskSizeGb,
                    diskType: "pd-balanced",
                    imageType: "COS_CONTAINERD",
                    spot: p.capacity === "spot",
                    labels: { "platform/pool": pool },
                    taints: pool === "system" ? [{ ...SYSTEM_POOL_TAINT }] : [],
                    resourceLabels: { ...toLabels(args.labels), ...nameLabels(gcpName(args.prefix, "gke", pool)) },
                },
            },
            {
                parent,
                // The autoscaler owns the current size; config owns the bounds.
                ignoreChanges: ["initialNodeCount"],
            },
        );
    });

    const kubeconfig = pulumi.secret(
        pulumi.all([cluster.name, cluster.endpoint, cluster.masterAuth]).apply(([n, endpoint, auth]) => renderKubeconfig(n, `https://${endpoint}`, auth.clusterCaCertificate ?? "")),
    );
    // No Kubernetes provider here: the in-cluster layer (incluster/) builds its own from this
    // kubeconfig, after this whole stack (node pools included) is up.
    return { cluster, nodeSa, keyGrant, nodePools, kubeconfig };
}
