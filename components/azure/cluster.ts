/**
 * `platform:azure:Cluster`: AKS with the platform's defaults reviewed as security controls.
 *
 * - API access per DESIGN.md: `restricted` = public endpoint limited to the authorized ranges:
 *   the operators', the bastion's public IP and the NAT gateway's address. The nodes never need
 *   the last (with API Server VNet Integration "the agent nodes always communicate directly with
 *   the private IP address of the API server internal load balancer",
 *   learn.microsoft.com/azure/aks/api-server-vnet-integration#api-server-connectivity), but every
 *   other client resolves the public FQDN: a tunnel through the bastion leaves from the bastion's
 *   address, the Jenkins VM (its Kubernetes plugin starts build agents) through the NAT gateway; `private` = private cluster (no
 *   public FQDN), reached through the bastion, its FQDN resolved in the VNet through the
 *   AKS-managed private DNS zone. Both with API Server VNet Integration: the API server's
 *   internal load balancer lives in a delegated subnet of the VNet, so nodes and pods reach the
 *   API at a private address the NetworkPolicies can name, in either mode.
 * - Azure CNI overlay with the Cilium dataplane enforcing NetworkPolicies (the baseline's
 *   default-deny relies on it); egress through the user-assigned NAT gateway.
 * - Entra ID integration with Azure RBAC for Kubernetes, local accounts disabled: no static
 *   admin credential exists. The deployer and the configured admin groups get cluster-admin
 *   through role assignments created before anything is applied in the cluster.
 * - etcd secrets encrypted with a Key Vault key (KMS v2) through a user-assigned identity. Every
 *   right that identity needs is granted BEFORE the cluster and bridged by the documented
 *   propagation wait (propagation.ts): Key Vault Crypto User on the KMS vault (as AKS's KMS page
 *   grants it), Network Contributor on the nodes subnet and the API server subnet, and, with a
 *   disk encryption set, Reader on the set (learn.microsoft.com/azure/aks/azure-disk-customer-managed-keys:
 *   "the AKS cluster identity has read access to the DiskEncryptionSet"). The KMS key id is the
 *   cluster's from creation on: rotation is a procedure, never a silent `up` (keyvault.ts).
 * - The deployer's and admin groups' cluster-admin grants are waited for (AKS RBAC: up to five
 *   minutes) before the kubeconfig output resolves, so the in-cluster layer never starts early.
 * - Nodes: encryption at host, SSH disabled (no SSH daemon on nodes:
 *   learn.microsoft.com/azure/aks/manage-ssh-node-access), Azure Linux.
 * - OIDC issuer + workload identity; patch-level automatic upgrades and node-image OS upgrades,
 *   both inside a weekly planned-maintenance window.
 * - A system pool (on-demand, CriticalAddonsOnly taint) and a workload pool (Spot with eviction
 *   Delete where the environment allows, on-demand in prod), both autoscaling, in the nodes
 *   subnet. No application security group on them (AKS would drop it, see the pools): the NSG
 *   rules name the nodes subnet (firewall.ts sourceOf).
 *
 * kubelogin must be installed where `pulumi up` runs: the kubeconfig's exec plugin gets Entra
 * tokens from it (`--login azurecli`; set AAD_LOGIN_METHOD=workloadidentity in CI).
 */
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import type * as inputs from "@pulumi/azure-native/types/input";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import type { EndpointAccess, NodePoolConfig } from "../config";
import type { ClusterOutputs, FirewallIdentity } from "../contracts";
import type { ClusterHints } from "../kubernetes/hints";
import { resourceName } from "../naming";
import { AzureContext, tagsFor } from "./common";
import { dnsServiceIp } from "./naming";
import { grant, waitForGrants } from "./propagation";

/** Taint keeping the system pool for critical add-ons (AKS's documented key). */
export const SYSTEM_POOL_TAINT = "CriticalAddonsOnly=true:NoSchedule";
/** Entra ID application every AKS cluster's tokens are issued for (Microsoft's fixed id). */
export const AKS_AAD_SERVER_APP_ID = "6dae42f8-4368-4678-94ff-3960e28e3630";
/**
 * The toleration for the taint AKS puts on every Spot pool node
 * (`kubernetes.azure.com/scalesetpriority=spot:NoSchedule`, set by AKS itself, not by us).
 */
export const AKS_SPOT_TOLERATION = { key: "kubernetes.azure.com/scalesetpriority", operator: "Equal", value: "spot", effect: "NoSchedule" } as const;
/** The planned-maintenance configurations AKS reads for its auto-upgrade channels (fixed names, learn.microsoft.com/azure/aks/planned-maintenance). */
export const AKS_MAINTENANCE_CONFIGS = ["aksManagedAutoUpgradeSchedule", "aksManagedNodeOSUpgradeSchedule"] as const;
/** Weekly, Sunday 00:00 UTC, 4 hours (the minimum window). */
export const AKS_MAINTENANCE_WINDOW = { schedule: { weekly: { dayOfWeek: "Sunday", intervalWeeks: 1 } }, durationHours: 4, startTime: "00:00", utcOffset: "+00:00" } as const;
/**
 * The AKS cluster's name in a stack: one function, so the Jenkins VM's bootstrap names the same
 * cluster (components/bootstrap AksKubernetesCloud) without depending on the cluster resource
 * (the VM must never wait for, nor be replaced with, the cluster).
 */
export function aksClusterName(prefix: string): string {
    return resourceName(prefix, "aks");
}

/** AKS's built-in encrypted (platform key) Premium SSD class. */
export const AKS_BUILTIN_STORAGE_CLASS = "managed-csi-premium";
/** The class the addons create in prod: Premium ZRS disks with the stack's customer key. */
export const CMK_STORAGE_CLASS = "managed-csi-premium-cmk";

export interface AzureClusterArgs {
    readonly ctx: AzureContext;
    readonly version: string;
    readonly endpointAccess: EndpointAccess;
    readonly authorizedCidrs: readonly string[];
    readonly zones: readonly string[];
    readonly nodesSubnetId: pulumi.Input<string>;
    /**
     * The API server subnet (a /28 or larger delegated to Microsoft.ContainerService/managedClusters,
     * see network.ts): API Server VNet Integration projects the API server's internal load
     * balancer into it. Its block becomes the addons' `apiServerCidrs`.
     */
    readonly apiServerSubnetId: pulumi.Input<string>;
    readonly apiServerCidr: string;
    readonly nodesCidr: string;
    readonly podCidr: string;
    readonly serviceCidr: string;
    readonly nodesAsgId: pulumi.Input<string>;
    readonly nodePools: { readonly system: NodePoolConfig; readonly workload: NodePoolConfig };
    /** The KMS key's vault (ARM id, the grant's scope, as AKS documents it) and the key's versioned URI (what AKS takes). */
    readonly kmsKey: { readonly vaultId: pulumi.Input<string>; readonly uriWithVersion: pulumi.Input<string> };
    readonly diskEncryptionSetId?: pulumi.Input<string>;
    /** With a disk encryption set: the set's own key grant, propagated (node OS disks use it at creation). */
    readonly diskEncryptionReady?: readonly pulumi.Resource[];
    /** Entra groups with cluster-admin (besides the deployer). */
    readonly adminGroupObjectIds: readonly string[];
    /** The PR-namespace automation's service principal object id (config `cluster.prAutomationPrincipal`). */
    readonly prAutomationPrincipal?: string;
    /**
     * The Jenkins VM's user-assigned identity (its principal, i.e. Entra object id): it gets the
     * AKS Cluster User Role on this cluster (listClusterUserCredential: server and CA, no
     * Kubernetes right) and becomes the hints' `jenkinsAgents` subject, which the in-cluster layer
     * binds to a Role in `jenkins-agents` only. Given whenever the Jenkins VM exists.
     */
    readonly jenkinsPrincipalId?: pulumi.Input<string>;
    /**
     * Restricted access only: the platform's own public egress addresses (the bastion's public
     * IP, the NAT gateway's), added to the API's authorized ranges as /32s. With API Server VNet
     * Integration a client outside the cluster (a tunnel through the bastion, the Jenkins VM)
     * resolves the public FQDN to the public endpoint, reached from those addresses (learn.microsoft.com/azure/aks/api-server-vnet-integration#api-server-connectivity:
     * "Out-of-cluster clients that need to talk to the API server can do so normally if public
     * network access is enabled"); only the nodes use the internal address.
     */
    readonly platformEgressIps?: readonly pulumi.Input<string>[];
}

/**
 * The `apiServerAccessProfile` of an access mode, both with API Server VNet Integration
 * (`enableVnetIntegration` + `subnetId`; property names from @pulumi/azure-native
 * types/input.d.ts ManagedClusterAPIServerAccessProfileArgs, ManagedCluster at API version
 * 2025-09-01). Microsoft's page (learn.microsoft.com azure/aks/api-server-vnet-integration)
 * describes it without the preview flag for AKS Standard, supported for public and private
 * clusters, "limited availability and capacity in certain regions"; the subnet is required for a
 * bring-your-own VNet and must be delegated to AKS, at least a /28. Verified offline from those
 * texts, not by a deployment.
 */
export function apiServerAccess(
    access: EndpointAccess,
    authorized: pulumi.Input<string>[],
    apiServerSubnetId: pulumi.Input<string>,
): inputs.containerservice.ManagedClusterAPIServerAccessProfileArgs {
    const vnet = { enableVnetIntegration: true, subnetId: apiServerSubnetId };
    switch (access) {
        case "restricted":
            return { enablePrivateCluster: false, authorizedIPRanges: authorized, ...vnet };
        case "private":
            // Private DNS zone managed by AKS; no public FQDN at all.
            return { enablePrivateCluster: true, privateDNSZone: "system", enablePrivateClusterPublicFQDN: false, ...vnet };
        default: {
            const impossible: never = access;
            throw new Error(`unknown endpointAccess ${String(impossible)}`);
        }
    }
}

/**
 * Spot settings of a pool. AKS taints Spot nodes itself (kubernetes.azure.com/scalesetpriority=spot:NoSchedule)
 * and the system pool carries CriticalAddonsOnly, so in Spot environments (dev, staging) pods
 * without a Spot toleration have no node to run on: the hints carry {@link AKS_SPOT_TOLERATION}
 * for the addons then (see {@link aksHints}).
 */
export function priorityOf(pool: NodePoolConfig): { scaleSetPriority: "Regular" } | { scaleSetPriority: "Spot"; scaleSetEvictionPolicy: "Delete"; spotMaxPrice: number } {
    switch (pool.capacity) {
        case "onDemand":
            return { scaleSetPriority: "Regular" };
        case "spot":
            // Delete on eviction: deallocated Spot VMs would still count against quota and disks.
            // -1: pay up to the on-demand price, evicted only for capacity.
            return { scaleSetPriority: "Spot", scaleSetEvictionPolicy: "Delete", spotMaxPrice: -1 };
        default: {
            const impossible: never = pool.capacity;
            throw new Error(`unknown capacity ${String(impossible)}`);
        }
    }
}

/** Kubeconfig with the kubelogin exec plugin (Entra tokens; no credential inside). */
export function renderAksKubeconfig(clusterName: string, server: string, caData: string): string {
    const user = `${clusterName}-entra`;
    return JSON.stringify(
        {
            apiVersion: "v1",
            kind: "Config",
            clusters: [{ name: clusterName, cluster: { server, "certificate-authority-data": caData } }],
            users: [
                {
                    name: user,
                    user: {
                        exec: {
                            apiVersion: "client.authentication.k8s.io/v1beta1",
                            command: "kubelogin",
                            args: ["get-token", "--login", "azurecli", "--server-id", AKS_AAD_SERVER_APP_ID],
                            interactiveMode: "Never",
                            provideClusterInfo: false,
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

/** The certificate authority from AKS's own (user) kubeconfig, base64 as returned by the API. */
export function caFromCredentials(kubeconfigBase64: string): string {
    const doc = YAML.parse(Buffer.from(kubeconfigBase64, "base64").toString("utf8")) as { clusters?: { cluster?: Record<string, string> }[] };
    const ca = doc?.clusters?.[0]?.cluster?.["certificate-authority-data"];
    if (!ca) {
        throw new Error("platform:azure:Cluster: AKS returned a kubeconfig without certificate-authority-data");
    }
    return ca;
}

/** The hints the cloud-agnostic addons get from AKS. */
export function aksHints(
    apiServerCidr: string,
    nodesCidr: string,
    workloadCapacity: NodePoolConfig["capacity"],
    diskEncryptionSetId?: pulumi.Input<string>,
    prAutomationPrincipal?: string,
    jenkinsPrincipalId?: pulumi.Input<string>,
): ClusterHints {
    return {
        // Entra principals are Kubernetes RBAC subjects by object id (AKS managed Entra integration:
        // learn.microsoft.com/azure/aks/azure-ad-rbac), alongside Azure RBAC for Kubernetes.
        ...(prAutomationPrincipal ? { prEnvironments: { subject: { kind: "User" as const, name: prAutomationPrincipal } } } : {}),
        // The Jenkins VM's managed identity, by its object id: an app-only Entra token (IMDS) has
        // no `upn` claim, and AKS's authenticator (Guard) names such a caller by its `oid`
        // (github.com/kubeguard/guard auth/providers/azure/azure.go: username = upn, else oid).
        // Kubernetes RBAC holds next to Azure RBAC for Kubernetes ("You can use both models on
        // the same cluster ... reserve Kubernetes RBAC for fine-grained intra-cluster,
        // per-namespace access control", learn.microsoft.com/azure/aks/concepts-cluster-authorization),
        // so a Role in jenkins-agents bound to this subject is all it gets: no Azure RBAC data
        // role (the narrowest built-in, RBAC Writer, would add Secrets and every ServiceAccount).
        ...(jenkinsPrincipalId !== undefined ? { jenkinsAgents: { subject: { kind: "User" as const, name: jenkinsPrincipalId } } } : {}),
        storageClass: diskEncryptionSetId ? CMK_STORAGE_CLASS : AKS_BUILTIN_STORAGE_CLASS,
        ...(diskEncryptionSetId
            ? { storageClassSpec: { provisioner: "disk.csi.azure.com", parameters: { skuName: "Premium_ZRS", kind: "managed", diskEncryptionSetID: diskEncryptionSetId, cachingMode: "ReadOnly" } } }
            : {}),
        loadBalancerAnnotations: { "service.beta.kubernetes.io/azure-load-balancer-internal": "true" },
        workloadIdentity: {
            annotationKey: "azure.workload.identity/client-id",
            podLabels: { "azure.workload.identity/use": "true" },
            // Entra ID (login.microsoftonline.com) over HTTPS; no address range is published for
            // pods to name (the AzureActiveDirectory service tag exists only for NSGs).
            tokenEgress: [{ cidr: "0.0.0.0/0", port: 443 }],
        },
        // API Server VNet Integration (both access modes): the API server's internal load
        // balancer is in this subnet, and the in-cluster `kubernetes` Service points at it, so
        // pods' egress to the API (and the API's calls to webhooks) match exactly this block.
        apiServerCidrs: [apiServerCidr],
        nodeCidrs: [nodesCidr],
        // Azure CNI powered by Cilium: no ipBlock can select a node IP (ClusterHints.nodePeers),
        // and there is no kube-proxy ("AKS clusters created with network data plane as Cilium
        // don't use kube-proxy", https://learn.microsoft.com/azure/aks/azure-cni-powered-by-cilium).
        nodePeers: "ciliumEntities",
        clusterMetrics: { kubeProxy: false, clusterDns: "coreDns" },
        // Azure CNI powered by Cilium: a cluster-wide deny wins over any NetworkPolicy. Tenant pods
        // never reach the node's instance metadata (its kubelet identity's tokens:
        // https://learn.microsoft.com/azure/virtual-machines/instance-metadata-service) nor the
        // Azure host endpoint (https://learn.microsoft.com/azure/virtual-network/what-is-ip-address-168-63-129-16);
        // their DNS goes through CoreDNS, their identity through Entra workload identity.
        clusterwideDeny: { engine: "cilium", denyCidrs: ["169.254.169.254/32", "168.63.129.16/32"] },
        // The platform's pods can only land on the workload pool (the system pool is
        // CriticalAddonsOnly); when that pool is Spot, AKS's own taint must be tolerated.
        ...(workloadCapacity === "spot" ? { workloadTolerations: [{ ...AKS_SPOT_TOLERATION }] } : {}),
    };
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
    readonly clusterId: pulumi.Output<string>;
    readonly identityPrincipalId: pulumi.Output<string>;

    constructor(name: string, args: AzureClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:azure:Cluster", name, {}, opts);
        validateClusterArgs(args);
        const { ctx } = args;
        const common = { resourceGroupName: ctx.resourceGroupName, location: ctx.location };
        const n = (...parts: string[]) => resourceName(ctx.prefix, ...parts);
        const clusterName = aksClusterName(ctx.prefix);

        // --- Identity and the grants it needs BEFORE the cluster -------------------------------
        const identity = new managedidentity.UserAssignedIdentity(`${name}-identity`, { ...common, resourceName: n("aks-identity"), tags: tagsFor(ctx, n("aks-identity")) }, { parent: this });
        const sp = { principalId: identity.principalId, principalType: "ServicePrincipal" as const };
        const identityGrants = [
            // KMS v2: encrypt/decrypt with the etcd key; scoped to its dedicated vault, as AKS's KMS
            // page assigns it (learn.microsoft.com/azure/aks/use-kms-etcd-encryption#assign-permissions-for-an-rbac-public-key-vault).
            grant(`${name}-kms-key`, ctx, { scope: args.kmsKey.vaultId, role: "keyVaultCryptoUser", ...sp }, { parent: this }),
            // Bring-your-own subnet and NAT gateway: AKS joins the nodes subnet.
            grant(`${name}-nodes-subnet`, ctx, { scope: args.nodesSubnetId, role: "networkContributor", ...sp }, { parent: this }),
            // API Server VNet Integration: "The cluster identity needs permissions to both the API
            // server subnet and the node subnet" (learn.microsoft.com/azure/aks/api-server-vnet-integration).
            grant(`${name}-api-server-subnet`, ctx, { scope: args.apiServerSubnetId, role: "networkContributor", ...sp }, { parent: this }),
            ...(args.diskEncryptionSetId ? [grant(`${name}-des-read`, ctx, { scope: args.diskEncryptionSetId, role: "reader", ...sp }, { parent: this })] : []),
        ];
        const identityReady = waitForGrants(`${name}-identity-grants-propagation`, identityGrants, { parent: this });

        // Restricted access: the operators' ranges and the platform's own egress address (the
        // Jenkins VM's path to the public endpoint); private: no public endpoint at all.
        const authorized: pulumi.Input<string>[] =
            args.endpointAccess === "restricted" ? [...args.authorizedCidrs, ...(args.platformEgressIps ?? []).map((ip) => pulumi.output(ip).apply((a) => egressRange(a)))] : [...args.authorizedCidrs];
        const pool = (p: NodePoolConfig, poolName: "system" | "workload") => ({
            vmSize: p.instanceType,
            osDiskSizeGB: p.diskSizeGb,
            osDiskType: "Managed",
            osType: "Linux",
            osSKU: "AzureLinux",
            type: "VirtualMachineScaleSets",
            enableAutoScaling: true,
            minCount: p.minSize,
            maxCount: p.maxSize,
            count: p.desiredSize,
            vnetSubnetID: args.nodesSubnetId,
            availabilityZones: [...args.zones],
            enableNodePublicIP: false,
            // Host-based encryption (temp disk and caches); only settable when a pool is created
            // (learn.microsoft.com/azure/aks/enable-host-encryption#limitations).
            enableEncryptionAtHost: true,
            // No SSH daemon on the nodes: node access goes through `kubectl debug` under Kubernetes RBAC.
            securityProfile: { sshAccess: "Disabled" },
            nodeLabels: { "platform/pool": poolName },
            // Surge a third of the pool during upgrades; Spot pools have no surge nodes and ARM
            // rejects surge settings on them (learn.microsoft.com/azure/aks/spot-node-pool#upgrade-a-spot-node-pool;
            // catalogue entry azure-aks-spot-pool-no-surge).
            ...(p.capacity === "spot" ? {} : { upgradeSettings: { maxSurge: "33%" } }),
            // No application security group on the pools: AKS attaches a pool's ASGs only with
            // allowed host ports and drops them silently otherwise, so the NSG rules name the
            // nodes subnet instead (firewall.ts sourceOf; catalogue entry azure-aks-pool-asg-needs-host-ports).
            tags: tagsFor(ctx, n("aks", poolName), { "platform-pool": poolName }),
            ...priorityOf(p),
        });

        const cluster = new containerservice.ManagedCluster(
            `${name}-aks`,
            {
                ...common,
                resourceName: clusterName,
                dnsPrefix: clusterName,
                kubernetesVersion: args.version,
                nodeResourceGroup: n("aks-nodes"),
                // Nobody changes AKS-managed resources by hand (only through AKS).
                nodeResourceGroupProfile: { restrictionLevel: "ReadOnly" },
                sku: { name: "Base", tier: ctx.protect ? "Standard" : "Free" },
                identity: { type: "UserAssigned", userAssignedIdentities: [identity.id] },
                agentPoolProfiles: [{ name: "system", mode: "System", nodeTaints: [SYSTEM_POOL_TAINT], ...pool(args.nodePools.system, "system") }],
                apiServerAccessProfile: apiServerAccess(args.endpointAccess, authorized, args.apiServerSubnetId),
                networkProfile: {
                    networkPlugin: "azure",
                    networkPluginMode: "overlay",
                    networkDataplane: "cilium",
                    networkPolicy: "cilium",
                    podCidr: args.podCidr,
                    serviceCidr: args.serviceCidr,
                    dnsServiceIP: dnsServiceIp(args.serviceCidr),
                    outboundType: "userAssignedNATGateway",
                    loadBalancerSku: "standard",
                },
                aadProfile: { managed: true, enableAzureRBAC: true, tenantID: ctx.tenantId, adminGroupObjectIDs: [...args.adminGroupObjectIds] },
                disableLocalAccounts: true,
                enableRBAC: true,
                oidcIssuerProfile: { enabled: true },
                securityProfile: {
                    workloadIdentity: { enabled: true },
                    // Public: the vault is reached over its firewall (trusted services bypass).
                    azureKeyVaultKms: { enabled: true, keyId: args.kmsKey.uriWithVersion, keyVaultNetworkAccess: "Public" },
                    imageCleaner: { enabled: true, intervalHours: 168 },
                },
                autoUpgradeProfile: { upgradeChannel: "patch", nodeOSUpgradeChannel: "NodeImage" },
                storageProfile: { diskCSIDriver: { enabled: true }, snapshotController: { enabled: true } },
                ...(args.diskEncryptionSetId ? { diskEncryptionSetID: args.diskEncryptionSetId } : {}),
                tags: tagsFor(ctx, clusterName),
            },
            {
                parent: this,
                protect: ctx.protect,
                dependsOn: [identityReady, ...(args.diskEncryptionReady ?? [])],
                // The autoscaler owns the current size; config owns the bounds. The KMS key id is
                // set at creation and changed only by the rotation procedure (keyvault.ts): a
                // refresh after a manual rotation must not make `up` switch versions without
                // the re-encryption step.
                ignoreChanges: ["agentPoolProfiles[0].count", "securityProfile.azureKeyVaultKms.keyId"],
            },
        );

        new containerservice.AgentPool(
            `${name}-workload`,
            { resourceGroupName: ctx.resourceGroupName, resourceName: cluster.name, agentPoolName: "workload", mode: "User", ...pool(args.nodePools.workload, "workload") },
            { parent: this, ignoreChanges: ["count"] },
        );

        // Planned maintenance: the patch and node-image auto-upgrades run only in this window
        // (without one AKS applies them whenever they roll out,
        // learn.microsoft.com/azure/aks/planned-maintenance). Sunday 00:00-04:00 UTC; 4 hours is the
        // shortest window AKS takes (the API's durationHours range, 4-24).
        for (const configName of AKS_MAINTENANCE_CONFIGS) {
            new containerservice.MaintenanceConfiguration(
                `${name}-${configName}`,
                { resourceGroupName: ctx.resourceGroupName, resourceName: cluster.name, configName, maintenanceWindow: { ...AKS_MAINTENANCE_WINDOW, schedule: { weekly: { ...AKS_MAINTENANCE_WINDOW.schedule.weekly } } } },
                { parent: this },
            );
        }

        // Cluster-admin through Azure RBAC: the deployer (applies the addons) and the admin groups;
        // the kubeconfig output resolves only once these have propagated.
        const accessGrants = [
            grant(`${name}-admin-deployer`, ctx, { scope: cluster.id, role: "aksRbacClusterAdmin", principalId: ctx.deployerObjectId, principalType: ctx.deployerPrincipalType }, { parent: this }),
            ...args.adminGroupObjectIds.map((g) => grant(`${name}-admin-${g.slice(0, 8)}`, ctx, { scope: cluster.id, role: "aksRbacClusterAdmin", principalId: g, principalType: "Group" }, { parent: this })),
            // The PR-namespace automation: its kubeconfig only; its Kubernetes rights are RBAC, confined by admission.
            ...(args.prAutomationPrincipal
                ? [grant(`${name}-pr-automation`, ctx, { scope: cluster.id, role: "aksClusterUser", principalId: args.prAutomationPrincipal, principalType: "ServicePrincipal" }, { parent: this })]
                : []),
        ];
        const accessReady = waitForGrants(`${name}-access-grants-propagation`, accessGrants, { parent: this });
        // The Jenkins VM looks the cluster up (listClusterUserCredential: server and CA) with its
        // own identity: "Azure Kubernetes Service Cluster User Role" on this cluster only
        // (learn.microsoft.com/azure/role-based-access-control/built-in-roles/containers#azure-kubernetes-service-cluster-user-role:
        // listClusterUserCredential/action and managedClusters/read, no Kubernetes right). Not in
        // the wait above: nothing in this stack consumes it, and the VM never waits for the
        // cluster; its credential timer retries until the grant applies (catalogue
        // azure-rbac-grant-propagated-before-use).
        if (args.jenkinsPrincipalId !== undefined) {
            grant(`${name}-jenkins-cluster-user`, ctx, { scope: cluster.id, role: "aksClusterUser", principalId: args.jenkinsPrincipalId, principalType: "ServicePrincipal" }, { parent: this });
        }

        const endpoint = pulumi.all([cluster.fqdn, cluster.privateFQDN]).apply(([fqdn, privateFqdn]) => {
            const host = args.endpointAccess === "private" ? privateFqdn : fqdn;
            if (!host) {
                throw new Error(`platform:azure:Cluster: AKS returned no ${args.endpointAccess === "private" ? "private FQDN" : "FQDN"} for ${clusterName}`);
            }
            return `https://${host}:443`;
        });
        const credentials = containerservice.listManagedClusterUserCredentialsOutput({ resourceGroupName: ctx.resourceGroupName, resourceName: cluster.name, format: "exec" }, { parent: this });
        const kubeconfig = pulumi.secret(
            // accessReady.id: known only once the cluster-admin grants have propagated.
            pulumi.all([cluster.name, endpoint, credentials, accessReady.id]).apply(([nm, server, creds]) => {
                const value = creds.kubeconfigs?.[0]?.value;
                if (!value) {
                    throw new Error(`platform:azure:Cluster: AKS returned no user kubeconfig for ${nm}`);
                }
                return renderAksKubeconfig(nm, server, caFromCredentials(value));
            }),
        );
        // No Kubernetes provider here: the in-cluster layer (incluster/) builds its own from this
        // kubeconfig once this whole stack (the admin grants and node pools included) is up.

        this.name = cluster.name;
        this.clusterId = cluster.id;
        this.endpoint = endpoint;
        this.version = cluster.currentKubernetesVersion.apply((v) => (v ?? args.version).split(".").slice(0, 2).join("."));
        this.kubeconfig = kubeconfig;
        this.resourceId = cluster.id;
        const issuerUrl = cluster.oidcIssuerProfile.apply((o) => {
            if (!o?.issuerURL) {
                throw new Error(`platform:azure:Cluster: AKS returned no OIDC issuer for ${clusterName}`);
            }
            return o.issuerURL;
        });
        // Azure has no separate OIDC provider resource: federated credentials name the issuer.
        this.workloadIdentity = { issuerUrl, providerId: issuerUrl };
        // The contract's node identity stays the nodes' ASG, but no NIC carries it (AKS attaches
        // pool ASGs only with allowed host ports): every Azure NSG rule for the nodes names the
        // nodes subnet instead (firewall.ts sourceOf), and the catalogue refuses a rule naming an
        // ASG nothing joins (azure-nsg-asg-has-members).
        this.nodeIdentity = { kind: "azureApplicationSecurityGroup", id: pulumi.output(args.nodesAsgId) };
        // The API server's load balancer lives in the API server subnet, whose NICs AKS owns (no
        // ASG can be attached): the bastion's access to it is a rule of that subnet's NSG
        // (firewall.ts). The contract's identity stays the nodes' ASG; nothing grants by it.
        this.apiIdentity = this.nodeIdentity;
        this.endpointAccess = args.endpointAccess;
        this.hints = aksHints(args.apiServerCidr, args.nodesCidr, args.nodePools.workload.capacity, args.diskEncryptionSetId, args.prAutomationPrincipal, args.jenkinsPrincipalId);
        this.identityPrincipalId = identity.principalId;
        this.registerOutputs({ name: this.name, endpoint: this.endpoint, kubeconfig: this.kubeconfig });
    }
}

/** A platform egress address as an authorized range (a /32); refuses an address the NAT's public IP did not get. */
export function egressRange(ip: string): string {
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) {
        throw new Error(`platform:azure:Cluster: platform egress address ${JSON.stringify(ip)} is not an IPv4 address (the NAT gateway's public IP has none yet?)`);
    }
    return `${ip}/32`;
}

export function validateClusterArgs(args: AzureClusterArgs): void {
    const problems: string[] = [];
    if (args.endpointAccess === "restricted") {
        if (args.authorizedCidrs.length === 0) {
            problems.push(`endpointAccess "restricted" needs authorizedCidrs (none given); list them or use "private"`);
        }
        for (const cidr of args.authorizedCidrs) {
            if (/\/0$/.test(cidr)) {
                problems.push(`authorizedCidrs contains ${cidr}: the API would be open to the whole internet`);
            }
        }
    }
    for (const [poolName, p] of Object.entries(args.nodePools)) {
        if (!(p.minSize <= p.desiredSize && p.desiredSize <= p.maxSize)) {
            problems.push(`nodePools.${poolName}: need minSize <= desiredSize <= maxSize, got ${p.minSize}/${p.desiredSize}/${p.maxSize}`);
        }
    }
    if (args.nodePools.system.capacity !== "onDemand") {
        problems.push(`nodePools.system must be on-demand: an eviction would take CoreDNS and the CSI controllers with it`);
    }
    if (args.nodePools.system.minSize < 1) {
        problems.push(`nodePools.system.minSize must be at least 1: AKS needs a system node`);
    }
    if (problems.length > 0) {
        throw new Error(`platform:azure:Cluster: ${problems.join("; ")}`);
    }
}
