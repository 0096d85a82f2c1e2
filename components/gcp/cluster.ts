/**
 * `platform:gcp:Cluster`: a private, regional GKE Standard cluster.
 *
 * - Private nodes always (no node has an external address). API access per DESIGN.md:
 *   `restricted` = public endpoint limited by master authorized networks to the configured
 *   CIDRs (plus the bastion's subnet and its external address, the tunnel's source);
 *   `private` = private endpoint only, reached from the bastion's subnet (authorized) through the
 *   tunnel.
 * - VPC-native on the node subnet's `pods` / `services` secondary ranges; Dataplane V2
 *   (eBPF, enforces NetworkPolicy: the baseline's default-deny relies on it); intranode
 *   visibility, so pod-to-pod traffic on one node crosses the VPC (flow logs, firewall rules).
 * - Workload Identity (pods never see the node's service account); nodes use GKE_METADATA; the
 *   kubelet's unauthenticated read-only port (10255) is off.
 * - Shielded nodes; secure boot; legacy ABAC off; no client certificate; Binary Authorization
 *   evaluates the project policy (components/gcp/binauthz.ts: enforced in staging and prod,
 *   dry-run audit in dev).
 * - Secrets encrypted at the application layer with a Cloud KMS key. The GKE service agent's
 *   grant on it (components/gcp/kms.ts) exists, and has had time to propagate, BEFORE the cluster.
 * - The default node pool is removed; `system` (on-demand) and `workload` (Spot where the profile
 *   allows) run as a dedicated least-privilege service account. The Spot pool carries GKE's Spot
 *   taint, so only workloads that tolerate preemption land there; kube-dns and GKE's agents
 *   stay on the on-demand pool.
 * - Release channel, maintenance window and deletion protection per environment; GKE's security
 *   bulletins and upgrade notices go to a Pub/Sub topic.
 */
import type { AgentPlacement } from "../bootstrap";
import * as crypto from "crypto";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { GkeKubernetesCloud } from "../bootstrap/types";
import type { Environment, EndpointAccess, NodePoolConfig } from "../config";
import type { ClusterOutputs, FirewallIdentity } from "../contracts";
import type { ClusterHints } from "../kubernetes/hints";
import { METADATA_SERVER } from "../flows";
import { CLUSTER_VIEWER_ROLE, GKE_NODE_ROLES, PUBSUB_PUBLISHER_ROLE, tierServiceAccount } from "./iam";
import { gcpName, nameLabels, serviceAccountId, toLabels } from "./labels";
import { POD_RANGE_NAME, SERVICE_RANGE_NAME } from "./network";

/**
 * Release channel per environment: dev and staging take REGULAR (new minors after Rapid), prod
 * the settled STABLE. Which minors each channel offers changes over time: the catalogue entry
 * `gcp-gke-version-on-channel` checks the configured minor against a dated copy of GKE's
 * release-notes table (offline/constraints/tables/gke-versions.ts) and fails the plan when the
 * channel does not offer it.
 */
export const RELEASE_CHANNEL: Readonly<Record<Environment, "RAPID" | "REGULAR" | "STABLE">> = { dev: "REGULAR", staging: "REGULAR", prod: "STABLE" };
/**
 * GKE's own taint for Spot nodes: "use node taints to avoid scheduling to Spot VMs"
 * (cloud.google.com/kubernetes-engine/docs/how-to/spot-vms#use_nodetaints_to_avoid_scheduling_to_spot_vms).
 * Only pods that tolerate it (they can survive preemption) schedule there; GKE-managed kube-dns
 * and agents do not, so they stay on the on-demand system pool.
 */
export const SPOT_TAINT = { key: "cloud.google.com/gke-spot", value: "true", effect: "NO_SCHEDULE" } as const;
/**
 * The Kubernetes toleration of {@link SPOT_TAINT} (same key and value; GKE's `NO_SCHEDULE` is
 * Kubernetes' `NoSchedule`). The in-cluster platform's pods and the demo model carry it where the
 * workload pool is Spot (the `workloadTolerations` hint), so they may run there and the pool is
 * used; kube-dns and GKE's own agents do not, so they stay on the on-demand system pool.
 */
export const GKE_SPOT_TOLERATION = { key: SPOT_TAINT.key, operator: "Equal", value: SPOT_TAINT.value, effect: "NoSchedule" } as const;
/** The StorageClass the addons create for persistent volumes (pd-balanced on the disks key). */
export const CMEK_STORAGE_CLASS = "pd-balanced-cmek";
/** Nodes reach Google APIs with the node SA's IAM roles; scopes stay broad as Google recommends. */
export const NODE_OAUTH_SCOPES = ["https://www.googleapis.com/auth/cloud-platform"] as const;
/**
 * The kubelet's read-only port (10255) serves pod and node data without authentication: off
 * (cloud.google.com/kubernetes-engine/docs/how-to/disable-kubelet-readonly-port; the provider
 * takes the string "FALSE").
 */
export const KUBELET_READONLY_PORT = "FALSE";
/**
 * Cluster notifications GKE publishes to the topic
 * (cloud.google.com/kubernetes-engine/docs/concepts/cluster-notifications#filtering): security
 * bulletins that affect the cluster, and upgrades (available and started).
 */
export const NOTIFICATION_EVENTS = ["SECURITY_BULLETIN_EVENT", "UPGRADE_AVAILABLE_EVENT", "UPGRADE_EVENT"] as const;
/** How long notices stay on the topic and its subscription for whoever reads them (7 days). */
export const NOTIFICATION_RETENTION = "604800s";

/**
 * The maintenance window per environment (UTC, RFC 5545 RRULE). GKE requires at least 48 hours of
 * availability in any 32-day window, counting only stretches of 4 hours or more
 * (cloud.google.com/kubernetes-engine/docs/concepts/maintenance-windows-and-exclusions); the
 * catalogue entry `gcp-gke-maintenance-window` checks it. Dev any night; staging Tuesday to
 * Thursday nights, ahead of prod; prod weekend nights, 8 hours each (at least 8 such days in any
 * 32: 64 hours).
 */
export const MAINTENANCE_WINDOWS: Readonly<Record<Environment, { readonly startTime: string; readonly endTime: string; readonly recurrence: string }>> = {
    dev: { startTime: "2026-01-01T01:00:00Z", endTime: "2026-01-01T07:00:00Z", recurrence: "FREQ=DAILY" },
    staging: { startTime: "2026-01-06T01:00:00Z", endTime: "2026-01-06T07:00:00Z", recurrence: "FREQ=WEEKLY;BYDAY=TU,WE,TH" },
    prod: { startTime: "2026-01-03T01:00:00Z", endTime: "2026-01-03T09:00:00Z", recurrence: "FREQ=WEEKLY;BYDAY=SA,SU" },
};

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

/**
 * A node pool's name: the pool, then a short hash of the inputs GKE cannot change in place
 * (terraform-provider-google container/node_config.go marks them ForceNew: spot, oauth_scopes,
 * metadata, service_account, shielded_instance_config, boot_disk_kms_key). When one of them
 * changes, the name changes with it, so the replacement creates the new pool BEFORE deleting the
 * old one (no 409 on a fixed name, no moment without nodes); changes GKE applies in place
 * (machine type, disk size, labels, taints) keep the name.
 */
export function nodePoolName(pool: string, immutable: { readonly spot: boolean; readonly oauthScopes: readonly string[]; readonly metadata: Readonly<Record<string, string>>; readonly serviceAccountId: string; readonly shieldedInstanceConfig: Readonly<Record<string, boolean>>; readonly bootDiskKmsKey: string }): string {
    const canonical = JSON.stringify([
        immutable.spot,
        [...immutable.oauthScopes].sort(),
        Object.entries(immutable.metadata).sort(([a], [b]) => a.localeCompare(b)),
        immutable.serviceAccountId,
        Object.entries(immutable.shieldedInstanceConfig).sort(([a], [b]) => a.localeCompare(b)),
        immutable.bootDiskKmsKey,
    ]);
    return `${pool}-${crypto.createHash("sha256").update(canonical).digest("hex").slice(0, 6)}`;
}

/** The cluster's name: one function, so the Jenkins VM can name the cluster without its outputs. */
export function gkeClusterName(prefix: string): string {
    return gcpName(prefix, "gke");
}

/**
 * What the Jenkins VM's token timer looks the cluster up by (`projects.locations.clusters.get`):
 * names only, the same the cluster is created with (a regional cluster: its location is the
 * region), so the VM never depends on the cluster resource.
 */
export function gkeKubernetesCloud(project: string, region: string, prefix: string, placement: AgentPlacement = {}): GkeKubernetesCloud {
    return { type: "gke", project, location: region, clusterName: gkeClusterName(prefix), ...placement };
}

/** The hints the cloud-agnostic addons get from GKE. */
export function gkeHints(
    controlPlaneCidr: string,
    nodeSubnetCidr: string,
    disksKeyId: pulumi.Input<string>,
    workloadSpot: boolean,
    prAutomationPrincipal?: string,
    jenkinsServiceAccount?: pulumi.Input<string>,
): ClusterHints {
    return {
        // The workload pool carries GKE's Spot taint when it is Spot: the platform's pods tolerate it
        // (they survive a preemption), so the pool runs them instead of idling.
        ...(workloadSpot ? { workloadTolerations: [{ ...GKE_SPOT_TOLERATION }] } : {}),
        // Google identities are Kubernetes RBAC subjects by e-mail (cloud.google.com/kubernetes-engine/docs/how-to/role-based-access-control).
        ...(prAutomationPrincipal ? { prEnvironments: { subject: { kind: "User" as const, name: prAutomationPrincipal } } } : {}),
        // The Jenkins VM's service account, by e-mail as its metadata-server token (with the
        // userinfo.email scope: tool-vm.ts JENKINS_OAUTH_SCOPES) authenticates; bound to a Role in
        // jenkins-agents only by the in-cluster layer.
        ...(jenkinsServiceAccount !== undefined ? { jenkinsAgents: { subject: { kind: "User" as const, name: jenkinsServiceAccount } } } : {}),
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

/**
 * Master authorized networks: who may reach the endpoint(s). The bastion's subnet always (the
 * private endpoint). With a public endpoint (`restricted`) also the bastion's own external address:
 * the tunnelled routes (`iap`, `ssh`) open the connection from the bastion to the kubeconfig's
 * server, the PUBLIC endpoint, and a VM with an external address reaches Google's public addresses
 * from that address, which authorized networks do not admit unless it is listed
 * (cloud.google.com/kubernetes-engine/docs/how-to/authorized-networks: Compute Engine VMs' public
 * addresses are not authorized by default; `gcpPublicCidrsAccessEnabled` stays off here).
 *
 * The Jenkins VM's fixed internal address (/32), in both modes: its Kubernetes plugin reaches the
 * PRIVATE endpoint from the tools subnet, which is neither the cluster's node subnet nor the
 * bastion's, and only those two and the authorized networks reach it
 * (https://cloud.google.com/kubernetes-engine/docs/how-to/authorized-networks). The /32, not the
 * tools subnet: Vault and Wazuh live there too and have no business with the API; the address is
 * fixed (tool-vm.ts placement), so a VM replacement keeps it. It has no external address, so the
 * public endpoint (restricted) would see Cloud NAT's address, which is not authorized: the VM uses
 * the private endpoint (`privateClusterConfig.privateEndpoint` of clusters.get).
 */
export function authorizedNetworks(
    access: EndpointAccess,
    authorizedCidrs: readonly string[],
    bastionSubnetCidr: string,
    bastionAddress?: string,
    jenkinsAddress?: string,
): { cidrBlock: string; displayName: string }[] {
    const ipv4 = /^(\d{1,3})(\.\d{1,3}){3}$/;
    if (jenkinsAddress !== undefined && !ipv4.test(jenkinsAddress)) {
        throw new Error(`authorizedNetworks: the Jenkins VM's address ${JSON.stringify(jenkinsAddress)} is not an IPv4 address`);
    }
    const bastion = { cidrBlock: bastionSubnetCidr, displayName: "bastion subnet" };
    const jenkins = jenkinsAddress !== undefined ? [{ cidrBlock: `${jenkinsAddress}/32`, displayName: "jenkins VM" }] : [];
    switch (access) {
        case "restricted": {
            if (bastionAddress !== undefined && !ipv4.test(bastionAddress)) {
                throw new Error(`authorizedNetworks: the bastion's address ${JSON.stringify(bastionAddress)} is not an IPv4 address`);
            }
            return [
                ...authorizedCidrs.map((c, i) => ({ cidrBlock: c, displayName: `authorized-${i}` })),
                bastion,
                ...(bastionAddress !== undefined ? [{ cidrBlock: `${bastionAddress}/32`, displayName: "bastion address" }] : []),
                ...jenkins,
            ];
        }
        case "private":
            return [bastion, ...jenkins];
        default: {
            const impossible: never = access;
            throw new Error(`unknown endpointAccess ${String(impossible)}`);
        }
    }
}

/**
 * The exec plugin's arguments: `--use_application_default_credentials` makes gke-gcloud-auth-plugin
 * take its token from Application Default Credentials (CI's workload identity federation, a
 * service account) instead of shelling out to `gcloud`'s own login (kubernetes/cloud-provider-gcp
 * cmd/gke-gcloud-auth-plugin, the flag added in PR #264). Locally, ADC comes from
 * `gcloud auth application-default login`.
 */
export const GKE_AUTH_PLUGIN_ARGS = ["--use_application_default_credentials"] as const;

/** Kubeconfig using gke-gcloud-auth-plugin on ADC (short-lived OAuth tokens; no credential inside). */
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
                            args: [...GKE_AUTH_PLUGIN_ARGS],
                            installHint: "Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin (or apt-get install google-cloud-cli-gke-gcloud-auth-plugin); it authenticates with Application Default Credentials (gcloud auth application-default login, or CI's workload identity federation)",
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
    readonly prefix: string;
    readonly environment: Environment;
    readonly region: string;
    /** Zones the node pools span (config: `network.zoneNames` or the region table's first zones). */
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
    /** The bastion's subnet: always an authorized network (the tunnel path to the private endpoint). */
    readonly bastionSubnetCidr: string;
    /** The bastion's reserved external address: authorized with a public endpoint (the tunnel path to it). */
    readonly bastionPublicIp: pulumi.Input<string>;
    readonly nodePools: { readonly system: NodePoolConfig; readonly workload: NodePoolConfig };
    /**
     * The Cloud KMS key (id) for application-layer secrets encryption, and what must exist first:
     * the GKE service agent's grant on it and its propagation (kms.ts).
     */
    readonly secretsKey: { readonly id: pulumi.Input<string>; readonly ready: readonly pulumi.Resource[] };
    /** CMEK for node boot disks and PD CSI volumes, and the Compute Engine agent's grant on it. */
    readonly disksKey: { readonly id: pulumi.Input<string>; readonly ready: readonly pulumi.Resource[] };
    /** The GKE service agent's e-mail (from its ServiceIdentity): the identity the control plane acts as. */
    readonly serviceAgentEmail: pulumi.Input<string>;
    /** Google Groups for RBAC: `gke-security-groups@<domain>` (config `cluster.rbacSecurityGroup`). */
    readonly rbacSecurityGroup?: string;
    /** Labels for the cluster and node VMs (the provider's defaultLabels do not reach resourceLabels). */
    readonly labels: Readonly<Record<string, string>>;
    readonly protect: boolean;
    /** The PR-namespace automation's service account e-mail (config `cluster.prAutomationPrincipal`). */
    readonly prAutomationPrincipal?: string;
    /**
     * The Jenkins VM, whose Kubernetes plugin starts build agents here: its fixed internal address
     * (authorized on the private endpoint, /32) and its service account's e-mail (the RBAC subject
     * of `hints.jenkinsAgents`). Absent: no Jenkins VM, nothing authorized or granted.
     */
    readonly jenkins?: { readonly privateIp: string; readonly serviceAccountEmail: pulumi.Input<string> };
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
    readonly serviceAgent: pulumi.Output<string>;
    /** The topic GKE publishes security bulletins and upgrade notices to. */
    readonly notificationTopic: pulumi.Output<string>;

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
        this.serviceAgent = pulumi.output(args.serviceAgentEmail);
        this.apiIdentity = { kind: "gcpServiceAccount", id: this.serviceAgent };
        this.endpointAccess = args.endpointAccess;
        this.notificationTopic = built.topic.id;
        this.hints = gkeHints(args.controlPlaneCidr, args.nodeSubnetCidr, args.disksKey.id, args.nodePools.workload.capacity === "spot", args.prAutomationPrincipal, args.jenkins?.serviceAccountEmail);
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
    if (args.zones.length < 2) {
        problems.push(`zones: ${args.zones.length} given; a regional cluster's node pools span at least 2`);
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
    const clusterName = gkeClusterName(args.prefix);
    const nodeSaId = serviceAccountId(args.prefix, "gke-nodes");

    const nodeSa = tierServiceAccount(child("nodes"), { project: args.project, prefix: args.prefix, tier: "gke-nodes", displayName: "GKE nodes", roles: GKE_NODE_ROLES }, opts);

    // The PR-namespace automation: `container.clusters.get` to reach the API (roles/container.clusterViewer,
    // cloud.google.com/kubernetes-engine/docs/how-to/iam#predefined); its Kubernetes rights are RBAC on its
    // e-mail, confined by admission (the in-cluster layer's pr-environments).
    if (args.prAutomationPrincipal) {
        new gcp.projects.IAMMember(child("pr-automation-cluster-viewer"), { project: args.project, role: CLUSTER_VIEWER_ROLE, member: `serviceAccount:${args.prAutomationPrincipal}` }, opts);
    }

    // Security bulletins and upgrade notices (cloud.google.com/kubernetes-engine/docs/concepts/cluster-notifications):
    // the topic keeps them a week, and a subscription holds them until someone (or an alert) reads them.
    const topicName = gcpName(args.prefix, "gke-notifications");
    const topic = new gcp.pubsub.Topic(
        child("notifications"),
        { name: topicName, messageRetentionDuration: NOTIFICATION_RETENTION, labels: nameLabels(topicName, { role: "gke-notifications" }) },
        { ...opts, deleteBeforeReplace: true },
    );
    // GKE publishes as its service agent: publisher on this topic, nothing else.
    const publisher = new gcp.pubsub.TopicIAMMember(child("notifications-publisher"), { topic: topic.id, role: PUBSUB_PUBLISHER_ROLE, member: pulumi.interpolate`serviceAccount:${args.serviceAgentEmail}` }, opts);
    new gcp.pubsub.Subscription(
        child("notifications-sub"),
        { name: topicName, topic: topic.id, messageRetentionDuration: NOTIFICATION_RETENTION, ackDeadlineSeconds: 60, expirationPolicy: { ttl: "" }, labels: nameLabels(topicName, { role: "gke-notifications" }) },
        { ...opts, deleteBeforeReplace: true },
    );

    const shieldedNodes = { enableSecureBoot: true, enableIntegrityMonitoring: true };
    const metadata = { "disable-legacy-endpoints": "true" };
    const nodeBase = {
        serviceAccount: nodeSa.email,
        oauthScopes: [...NODE_OAUTH_SCOPES],
        shieldedInstanceConfig: shieldedNodes,
        workloadMetadataConfig: { mode: "GKE_METADATA" },
        metadata,
        bootDiskKmsKey: args.disksKey.id,
        kubeletConfig: { insecureKubeletReadonlyPortEnabled: KUBELET_READONLY_PORT },
    };
    const window = MAINTENANCE_WINDOWS[args.environment];
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
            nodePoolDefaults: { nodeConfigDefaults: { insecureKubeletReadonlyPortEnabled: KUBELET_READONLY_PORT } },
            minMasterVersion: args.version,
            releaseChannel: { channel: RELEASE_CHANNEL[args.environment] },
            maintenancePolicy: { recurringWindow: { ...window } },
            notificationConfig: { pubsub: { enabled: true, topic: topic.id, filter: { eventTypes: [...NOTIFICATION_EVENTS] } } },
            privateClusterConfig: {
                enablePrivateNodes: true,
                enablePrivateEndpoint: args.endpointAccess === "private",
                masterIpv4CidrBlock: args.controlPlaneCidr,
                masterGlobalAccessConfig: { enabled: false },
            },
            masterAuthorizedNetworksConfig: {
                cidrBlocks: pulumi.output(args.bastionPublicIp).apply((ip) => authorizedNetworks(args.endpointAccess, args.authorizedCidrs, args.bastionSubnetCidr, ip, args.jenkins?.privateIp)),
                // Google Cloud's own public ranges are NOT implicitly trusted.
                gcpPublicCidrsAccessEnabled: false,
            },
            masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
            enableLegacyAbac: false,
            enableShieldedNodes: true,
            enableIntranodeVisibility: true,
            datapathProvider: "ADVANCED_DATAPATH",
            // CiliumClusterwideNetworkPolicy is off on GKE until the cluster enables it; the
            // in-cluster layer's cluster-wide deny policies need it
            // (https://cloud.google.com/kubernetes-engine/docs/how-to/configure-cilium-network-policy).
            enableCiliumClusterwideNetworkPolicy: true,
            // The project's Binary Authorization policy decides which images may run (binauthz.ts).
            binaryAuthorization: { evaluationMode: "PROJECT_SINGLETON_POLICY_ENFORCE" },
            workloadIdentityConfig: { workloadPool: `${args.project}.svc.id.goog` },
            ...(args.rbacSecurityGroup ? { authenticatorGroupsConfig: { securityGroup: args.rbacSecurityGroup } } : {}),
            databaseEncryption: { state: "ENCRYPTED", keyName: args.secretsKey.id },
            loggingConfig: { enableComponents: ["SYSTEM_COMPONENTS", "APISERVER", "CONTROLLER_MANAGER", "SCHEDULER", "WORKLOADS"] },
            monitoringConfig: { enableComponents: ["SYSTEM_COMPONENTS", "APISERVER", "CONTROLLER_MANAGER", "SCHEDULER"], managedPrometheus: { enabled: true } },
            deletionProtection: args.protect,
            resourceLabels: { ...toLabels(args.labels), ...nameLabels(clusterName) },
        },
        {
            ...opts,
            protect: args.protect,
            // The name is fixed: a replacement (a new control-plane range, another network) must
            // delete the old cluster first, or the new one collides with it (409).
            deleteBeforeReplace: true,
            dependsOn: [...(args.dependsOn ?? []), ...args.secretsKey.ready, ...nodeSa.grants, ...args.disksKey.ready, publisher],
            // The default pool's config only matters for the moment it exists.
            ignoreChanges: ["nodeConfig", "initialNodeCount"],
        },
    );

    const nodePools = (["system", "workload"] as const).map((pool) => {
        const p = args.nodePools[pool];
        const spot = p.capacity === "spot";
        const poolName = pulumi.output(args.disksKey.id).apply((bootDiskKmsKey) =>
            nodePoolName(pool, { spot, oauthScopes: NODE_OAUTH_SCOPES, metadata, serviceAccountId: nodeSaId, shieldedInstanceConfig: shieldedNodes, bootDiskKmsKey }),
        );
        return new gcp.container.NodePool(
            child(pool),
            {
                name: poolName,
                cluster: cluster.id,
                location: args.region,
                nodeLocations: [...args.zones],
                initialNodeCount: initialNodesPerZone(p.desiredSize, args.zones.length),
                // Spot: ANY lets the autoscaler go where capacity (and unused reservations) is, which
                // lowers preemptions; on-demand pools stay BALANCED across zones for resilience.
                autoscaling: { totalMinNodeCount: p.minSize, totalMaxNodeCount: p.maxSize, locationPolicy: spot ? "ANY" : "BALANCED" },
                management: { autoRepair: true, autoUpgrade: true },
                upgradeSettings: { maxSurge: 1, maxUnavailable: 0 },
                nodeConfig: {
                    ...nodeBase,
                    machineType: p.instanceType,
                    diskSizeGb: p.diskSizeGb,
                    diskType: "pd-balanced",
                    imageType: "COS_CONTAINERD",
                    spot,
                    labels: { "platform/pool": pool },
                    taints: spot ? [{ ...SPOT_TAINT }] : [],
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
    return { cluster, nodeSa, nodePools, kubeconfig, topic };
}
