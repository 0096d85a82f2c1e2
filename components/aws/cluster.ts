/**
 * `platform:aws:Cluster`: a private EKS cluster with the classic `@pulumi/aws` resources.
 *
 * - API access per DESIGN.md: `restricted` = private endpoint + public endpoint limited to the
 *   authorized CIDRs; `private` = private endpoint only (reached through the bastion).
 * - Access entries (authenticationMode API, no aws-auth ConfigMap): the deployer (a configured,
 *   stable principal) and the configured admins get AmazonEKSClusterAdminPolicy, one entry per
 *   principal; the creator gets nothing implicit.
 * - Secrets envelope-encrypted with a dedicated CMK (the cluster role is named in its policy
 *   BEFORE the cluster exists); api/audit/authenticator logs into a CMK-encrypted log group
 *   created before the cluster, so retention and encryption are ours, not EKS's defaults.
 * - IRSA (IAM OIDC provider) for vpc-cni and the EBS CSI driver, each with its own role; the
 *   Pod Identity agent for workloads; add-ons managed by EKS at the version AWS marks as default
 *   for the cluster's Kubernetes version.
 * - Managed node groups in the private node subnets, created after the subnets' egress exists:
 *   `system` (on-demand, tainted CriticalAddonsOnly) and `workload` (Spot where the profile
 *   allows, over several instance types of one size), launch templates with IMDSv2 and
 *   CMK-encrypted gp3 root volumes.
 * - The Cluster Autoscaler's IAM role (IRSA, pinned to its ServiceAccount, allowed to scale only
 *   this cluster's node groups' Auto Scaling groups); the in-cluster layer installs the
 *   autoscaler itself from the `clusterAutoscaler` hint.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as time from "@pulumiverse/time";
import type { EndpointAccess } from "../config";
import { kubernetesServiceIp } from "../config/cidr";
import type { NodePoolConfig } from "../config";
import type { ClusterOutputs, FirewallIdentity } from "../contracts";
import type { ClusterHints } from "../kubernetes/hints";
import { limitedName, NAME_LIMITS, resourceName } from "../naming";
import { withName } from "../tags";
import { AwsAccount, irsaTrustPolicy, kmsKeyPolicy, kmsPrincipalUseStatement, managedPolicyArn, plainServiceTrustPolicy, policyDocument, PolicyStatement } from "./iam";
import { nodeGroupInstanceTypes } from "./instance-types";
import { platformKey } from "./kms";

/**
 * Control-plane log types shipped to CloudWatch: all five (CIS EKS 2.1.1; the policy pack
 * requires them). api, audit and authenticator are the security trail; controllerManager and
 * scheduler explain why pods were or were not placed.
 */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;
/** Managed node AMI family: Amazon Linux 2023 (AL2 images end with Kubernetes 1.32). */
export const NODE_AMI_TYPE = "AL2023_x86_64_STANDARD";
/** AL2023's root device. */
export const NODE_ROOT_DEVICE = "/dev/xvda";
/** Taint keeping the system pool for critical add-ons (CoreDNS, EBS CSI controller tolerate it). */
export const SYSTEM_POOL_TAINT = { key: "CriticalAddonsOnly", value: "true", effect: "NO_SCHEDULE" } as const;
/**
 * The EKS access policy admins get (arn:<partition>:eks::aws:cluster-access-policy/<name>), as
 * docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html lists it; checked against
 * offline/constraints/tables/aws-managed-policies.ts EKS_ACCESS_POLICIES by a test.
 */
export const CLUSTER_ADMIN_POLICY = "AmazonEKSClusterAdminPolicy";

/** The EKS managed add-ons, in the order they can be created (see `ADDON_PHASE`). */
export const EKS_ADDONS = ["vpc-cni", "kube-proxy", "eks-pod-identity-agent", "coredns", "aws-ebs-csi-driver"] as const;
export type EksAddon = (typeof EKS_ADDONS)[number];
/**
 * DaemonSets on host networking can go before the nodes (and vpc-cni must: nodes only turn
 * Ready with it); add-ons that schedule ordinary pods hang until nodes exist (DESIGN.md).
 */
export const ADDON_PHASE: Readonly<Record<EksAddon, "beforeNodes" | "afterNodes">> = {
    "vpc-cni": "beforeNodes",
    "kube-proxy": "beforeNodes",
    "eks-pod-identity-agent": "beforeNodes",
    coredns: "afterNodes",
    "aws-ebs-csi-driver": "afterNodes",
};
/** vpc-cni settings: enforce Kubernetes NetworkPolicies (the baseline's default-deny relies on it). */
export const VPC_CNI_CONFIGURATION = { enableNetworkPolicy: "true" } as const;

/** The hints the cloud-agnostic addons get from EKS. */
/**
 * The Kubernetes group the PR-namespace automation's access entry maps to (an EKS access entry's
 * `kubernetesGroups`; names may not start with `system:`, docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html).
 * The in-cluster layer binds it (components/kubernetes/pr-environments.ts).
 */
export const PR_ENVIRONMENTS_GROUP = "platform:pr-environments";
/**
 * The Kubernetes group the Jenkins VM's access entry maps its instance role to (same rule: no
 * `system:` prefix, catalogue entry aws-eks-access-entry-group-name). The in-cluster layer binds
 * it to a Role in `jenkins-agents` only (ClusterHints.jenkinsAgents).
 */
export const JENKINS_AGENTS_GROUP = "platform:jenkins-agents";

/**
 * The EKS cluster's name: fixed by the prefix, so components that must not depend on the
 * cluster resource (the Jenkins VM's bootstrap and its IAM grant) name it without its outputs.
 */
export function eksClusterName(prefix: string): string {
    return limitedName(NAME_LIMITS.awsEksCluster, prefix, "eks");
}

/**
 * Refuses a configured cluster principal that is the Jenkins VM's role (its ARN as the role is
 * named, known before anything exists): EKS takes one access entry per principal (a second one
 * fails the deployment), and as the deployer or an admin Jenkins would hold cluster-admin.
 */
export function assertNotJenkinsRole(jenkinsRoleArn: string, configured: { readonly deployerPrincipalArn: string; readonly adminPrincipalArns: readonly string[]; readonly prAutomationPrincipal?: string }): void {
    const keys: [string, string | undefined][] = [
        ["platform:cluster.deployerPrincipalArn (or the caller running `pulumi up`)", configured.deployerPrincipalArn],
        ...configured.adminPrincipalArns.map((a): [string, string] => ["platform:cluster.adminPrincipalArns", a]),
        ["platform:cluster.prAutomationPrincipal", configured.prAutomationPrincipal],
    ];
    const hits = keys.filter(([, v]) => v === jenkinsRoleArn).map(([k]) => k);
    if (hits.length > 0) {
        throw new Error(
            `${hits.join(" and ")}: ${jenkinsRoleArn} is the Jenkins VM's own role, which EKS maps to ${JENKINS_AGENTS_GROUP} only (one access entry per principal; Jenkins must never be a cluster admin); use a different role there`,
        );
    }
}

/**
 * An EKS cluster's ARN, the `cluster` resource type of the Service Authorization Reference
 * (`arn:${Partition}:eks:${Region}:${Account}:cluster/${ClusterName}`,
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelastickubernetesservice.html#amazonelastickubernetesservice-resources-for-iam-policies).
 */
export function eksClusterArn(account: AwsAccount, clusterName: string): string {
    return `arn:${account.partition}:eks:${account.region}:${account.accountId}:cluster/${clusterName}`;
}

/**
 * What the Jenkins VM's role may do on EKS: DescribeCluster on this one cluster (endpoint and CA
 * for the controller's Kubernetes cloud; an action on the `cluster` resource type, so it can be
 * scoped, https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelastickubernetesservice.html).
 * Its token needs no IAM permission: `aws eks get-token` presigns sts:GetCallerIdentity, which
 * any principal may call (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html,
 * "No permissions are required"). What it may do INSIDE the cluster is only its access entry's
 * group's RBAC (no access policy).
 */
export function jenkinsClusterLookupStatement(account: AwsAccount, clusterName: string): PolicyStatement {
    return { Sid: "LookUpItsClusterEndpointAndCa", Effect: "Allow", Action: "eks:DescribeCluster", Resource: eksClusterArn(account, clusterName) };
}

/** Where the in-cluster layer installs the Cluster Autoscaler, and the ServiceAccount its IRSA role trusts. */
export const CLUSTER_AUTOSCALER_SERVICE_ACCOUNT = { namespace: "kube-system", name: "cluster-autoscaler" } as const;
/**
 * The longest node group name prefix: EKS takes names of 1-63 characters
 * (https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateNodegroup.html, nodegroupName) and
 * the provider appends a 26-character unique suffix to a prefix (terraform-plugin-sdk
 * helper/id UniqueIDSuffixLength).
 */
export const NODE_GROUP_NAME_PREFIX_MAX = 63 - 26;
/** The label every node of a pool carries (managed node group `labels`). */
export const POOL_LABEL = "platform/pool";

/**
 * Access entries and policy associations are eventually consistent: "may take several seconds to
 * be effective after the initial API call returns successfully"
 * (https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html). The
 * kubeconfig the in-cluster layer uses is released only this long after the last grant (the
 * admin entries and the autoscaler's IAM policy), so its first API call never races them.
 */
export const GRANT_PROPAGATION_WAIT = "30s";

export function eksHints(
    serviceCidr: string,
    nodeSubnetCidrs: readonly string[],
    volumesKeyArn: pulumi.Input<string>,
    options: {
        readonly prAutomationPrincipal?: string;
        readonly clusterAutoscaler?: ClusterHints["clusterAutoscaler"];
        /** The Jenkins VM's role has an access entry (its group is bound in jenkins-agents). */
        readonly jenkinsAgents?: boolean;
    } = {},
): ClusterHints {
    const { prAutomationPrincipal, clusterAutoscaler } = options;
    return {
        ...(prAutomationPrincipal ? { prEnvironments: { subject: { kind: "Group" as const, name: PR_ENVIRONMENTS_GROUP } } } : {}),
        ...(options.jenkinsAgents ? { jenkinsAgents: { subject: { kind: "Group" as const, name: JENKINS_AGENTS_GROUP } } } : {}),
        ...(clusterAutoscaler ? { clusterAutoscaler } : {}),
        // EKS ships no encrypted gp3 class: the addons create it (EBS CSI driver, the volumes key).
        storageClass: "gp3",
        storageClassSpec: {
            provisioner: "ebs.csi.aws.com",
            parameters: { type: "gp3", encrypted: "true", kmsKeyId: volumesKeyArn, "csi.storage.k8s.io/fstype": "ext4" },
        },
        loadBalancerAnnotations: {
            // AWS Load Balancer Controller and the in-tree controller: internal NLB, never public.
            "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
            "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
            "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
        },
        workloadIdentity: {
            annotationKey: "eks.amazonaws.com/role-arn",
            // IRSA: the SDK exchanges the projected token at the regional STS endpoint over HTTPS
            // (the public endpoint, or the STS interface endpoint in the VPC where the profile has
            // them); AWS publishes no STS-only range, so HTTPS anywhere, for labelled pods only.
            tokenEgress: [{ cidr: "0.0.0.0/0", port: 443 }],
        },
        // The API server calls webhooks and kubelets from its cross-account ENIs, which EKS places
        // in the subnets given to the cluster (vpcConfig.subnetIds = the node subnets):
        // https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html
        apiServerCidrs: [...nodeSubnetCidrs],
        // The VPC CNI policy agent judges pod egress before kube-proxy's DNAT: it sees the
        // `kubernetes` Service ClusterIP, never the ENIs (ClusterHints.apiEgressCidrs).
        apiEgressCidrs: [`${kubernetesServiceIp(serviceCidr)}/32`],
        nodeCidrs: [...nodeSubnetCidrs],
        nodePeers: "ipBlock",
        // The kube-proxy add-on binds its metrics to 127.0.0.1:10249 and EKS reverts edits of its
        // config (aws/containers-roadmap#657): nothing off the node can scrape it.
        clusterMetrics: { kubeProxy: false, clusterDns: "coreDns" },
    };
}

export interface AwsClusterArgs {
    readonly prefix: string;
    readonly account: AwsAccount;
    /** Kubernetes minor version (validated config, e.g. "1.35"). */
    readonly version: string;
    /** See DESIGN.md, cluster access model. */
    readonly endpointAccess: EndpointAccess;
    /** Who may reach the public endpoint in `restricted` mode (validated: never the world). */
    readonly authorizedCidrs: readonly string[];
    readonly serviceCidr: string;
    readonly vpcId: pulumi.Input<string>;
    readonly vpcCidr: string;
    /** Private node subnets, one per zone (the control plane's ENIs go there too). */
    readonly nodeSubnetIds: pulumi.Input<string>[];
    /** The zone of each node subnet (same order): per-zone node groups are named after it. */
    readonly zoneNames: readonly string[];
    readonly nodeSubnetCidrs: readonly string[];
    readonly nodePools: { readonly system: NodePoolConfig; readonly workload: NodePoolConfig };
    /** Control-plane log retention (env profile). */
    readonly logRetentionDays: number;
    /** CMK of the log group (the network's logs key). */
    readonly logsKeyArn: pulumi.Input<string>;
    /** CMK of the node root volumes. */
    readonly volumesKeyArn: pulumi.Input<string>;
    /**
     * The deployment's cluster-admin identity: `cluster.deployerPrincipalArn`, or (first runs,
     * with a warning) the IAM principal of the caller's session. Its entry keeps the logical name
     * `access-deployer` whatever the principal, so an unchanged principal never moves.
     */
    readonly deployerPrincipalArn: string;
    /** Further cluster admins (config `cluster.adminPrincipalArns`). */
    readonly adminPrincipalArns: readonly string[];
    /** The PR-namespace automation role (config `cluster.prAutomationPrincipal`): no access policy, only the group the in-cluster layer confines. */
    readonly prAutomationPrincipal?: string;
    /**
     * The Jenkins VM's instance ROLE ARN (never its instance profile, nor the assumed-role
     * session ARN its credentials carry: an access entry takes the IAM role,
     * https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html). Its entry
     * maps it to JENKINS_AGENTS_GROUP, with no access policy: the controller creates agent pods
     * in `jenkins-agents` and nothing else.
     */
    readonly jenkinsRoleArn: pulumi.Input<string>;
    /**
     * That role's unique id: EKS stores it with the entry, so a role deleted and re-created under
     * the same ARN is NOT matched by the old entry ("the access entry won't work",
     * https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html); a new id
     * replaces the entry (replacementTrigger), and the next `pulumi up` restores Jenkins' access.
     */
    readonly jenkinsRoleUniqueId: pulumi.Input<string>;
    /**
     * What gives the node subnets their egress (NAT gateways, route-table associations, VPC
     * endpoints): node groups wait for it, since a node that cannot reach the EKS API, ECR and
     * STS never joins and the group fails with NodeCreationFailure.
     */
    readonly egressReady?: readonly pulumi.Resource[];
    /** Prod: protect the cluster and its secrets key, with EKS deletion protection on. */
    readonly protect: boolean;
    /**
     * What EKS does when the cluster's Kubernetes version leaves standard support: `STANDARD`
     * upgrades the control plane automatically, `EXTENDED` keeps the version (at the higher
     * extended-support price) until someone upgrades it
     * (https://docs.aws.amazon.com/eks/latest/userguide/disable-extended-support.html; EKS
     * defaults to EXTENDED). An explicit choice either way; see `upgradeSupportFor`.
     */
    readonly upgradeSupport: "STANDARD" | "EXTENDED";
}

/**
 * The upgrade policy, the same in every environment: EXTENDED, so only the program moves the
 * Kubernetes version. Under STANDARD, EKS upgrades the control plane itself at the end of
 * standard support (https://docs.aws.amazon.com/eks/latest/userguide/view-upgrade-policy.html)
 * while the stack still declares the old minor, with the node groups, the add-on versions
 * (resolved for that minor) and the autoscaler's image pinned to it; the first refreshed
 * `pulumi up` would then ask EKS for a downgrade, which it refuses ("Once you upgrade a cluster,
 * you can't downgrade", https://docs.aws.amazon.com/eks/latest/userguide/update-cluster.html).
 * The price of EXTENDED is paid only by a version left past standard support: bump
 * `cluster.version` before then (README, AWS).
 */
export function upgradeSupportFor(_environment: "dev" | "staging" | "prod"): "STANDARD" | "EXTENDED" {
    return "EXTENDED";
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
    /** EKS-created cluster security group (control plane ENIs and nodes). */
    readonly clusterSecurityGroupId: pulumi.Output<string>;
    /** This stack's node security group: the source other tiers allow. */
    readonly nodeSecurityGroupId: pulumi.Output<string>;
    /** Additional control-plane security group: where the bastion is allowed to the API. */
    readonly apiSecurityGroupId: pulumi.Output<string>;
    readonly oidcProviderArn: pulumi.Output<string>;
    readonly secretsKeyArn: pulumi.Output<string>;
    readonly nodeRoleArn: pulumi.Output<string>;
    /** The Cluster Autoscaler's IRSA role (the in-cluster layer annotates its ServiceAccount with it). */
    readonly clusterAutoscalerRoleArn: pulumi.Output<string>;

    constructor(name: string, args: AwsClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:aws:Cluster", name, {}, opts);
        validateClusterArgs(args);
        const built = buildCluster(name, args, this);
        this.name = built.cluster.name;
        this.endpoint = built.cluster.endpoint;
        this.version = built.cluster.version;
        this.kubeconfig = built.kubeconfig;
        this.resourceId = built.cluster.arn;
        this.workloadIdentity = { issuerUrl: built.issuerUrl, providerId: built.oidc.arn };
        this.nodeSecurityGroupId = built.nodeSg.id;
        this.apiSecurityGroupId = built.apiSg.id;
        this.clusterSecurityGroupId = built.clusterSecurityGroupId;
        this.nodeIdentity = { kind: "awsSecurityGroup", id: built.nodeSg.id };
        this.apiIdentity = { kind: "awsSecurityGroup", id: built.apiSg.id };
        this.endpointAccess = args.endpointAccess;
        this.oidcProviderArn = built.oidc.arn;
        this.secretsKeyArn = built.secretsKey.arn;
        this.nodeRoleArn = built.nodeRole.arn;
        this.clusterAutoscalerRoleArn = built.autoscalerRole.arn;
        this.hints = eksHints(args.serviceCidr, args.nodeSubnetCidrs, args.volumesKeyArn, {
            ...(args.prAutomationPrincipal ? { prAutomationPrincipal: args.prAutomationPrincipal } : {}),
            jenkinsAgents: true,
            clusterAutoscaler: {
            cloudProvider: "aws",
            clusterName: built.cluster.name,
            region: args.account.region,
            kubernetesVersion: args.version,
            serviceAccount: { ...CLUSTER_AUTOSCALER_SERVICE_ACCOUNT, annotations: { "eks.amazonaws.com/role-arn": built.autoscalerRole.arn } },
            placement: { nodeSelector: { [POOL_LABEL]: "system" }, tolerations: [{ key: SYSTEM_POOL_TAINT.key, operator: "Exists", effect: "NoSchedule" }] },
            // EC2, Auto Scaling and EKS APIs and STS (IRSA's token exchange) over HTTPS: regional
            // public endpoints, or the VPC's interface endpoints where the profile has them. AWS
            // publishes no per-service address list to narrow this to (its ip-ranges.json groups
            // whole services by region and changes weekly), so the port is the limit.
            cloudApiEgress: [{ cidr: "0.0.0.0/0", port: 443 }],
            },
        });
        this.registerOutputs({
            name: this.name,
            endpoint: this.endpoint,
            kubeconfig: this.kubeconfig,
            oidcProviderArn: this.oidcProviderArn,
            nodeSecurityGroupId: this.nodeSecurityGroupId,
            clusterSecurityGroupId: this.clusterSecurityGroupId,
        });
    }
}

export function validateClusterArgs(args: AwsClusterArgs): void {
    const problems: string[] = [];
    switch (args.endpointAccess) {
        case "restricted":
            if (args.authorizedCidrs.length === 0) {
                problems.push(`endpointAccess "restricted" needs authorizedCidrs (none given); list them or use "private"`);
            }
            for (const cidr of args.authorizedCidrs) {
                if (/\/0$/.test(cidr)) {
                    problems.push(`authorizedCidrs contains ${cidr}: the API would be open to the whole internet`);
                }
            }
            break;
        case "private":
            break;
        default: {
            const impossible: never = args.endpointAccess;
            problems.push(`unknown endpointAccess ${JSON.stringify(impossible)}`);
        }
    }
    if (args.nodeSubnetIds.length < 2) {
        problems.push(`EKS needs node subnets in at least 2 zones, got ${args.nodeSubnetIds.length}`);
    }
    for (const [pool, p] of Object.entries(args.nodePools)) {
        if (!(p.minSize <= p.desiredSize && p.desiredSize <= p.maxSize)) {
            problems.push(`nodePools.${pool}: need minSize <= desiredSize <= maxSize, got ${p.minSize}/${p.desiredSize}/${p.maxSize}`);
        }
    }
    if (args.nodePools.workload.maxSize < args.nodeSubnetIds.length) {
        problems.push(
            `nodePools.workload.maxSize ${args.nodePools.workload.maxSize} is below the zone count ${args.nodeSubnetIds.length}: the workload pool is one node group per zone (its volumes are zonal) and each needs a maxSize of at least 1; raise maxSize to ${args.nodeSubnetIds.length} or more`,
        );
    }
    if (args.nodePools.system.capacity !== "onDemand") {
        problems.push(`nodePools.system must be on-demand: a spot reclaim would take CoreDNS and the CSI controller with it`);
    }
    if (!/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\//.test(args.deployerPrincipalArn)) {
        problems.push(`deployerPrincipalArn ${JSON.stringify(args.deployerPrincipalArn)} is not an IAM role or user ARN (resolve assumed-role sessions with aws.iam.getSessionContext)`);
    }
    if (problems.length > 0) {
        throw new Error(`platform:aws:Cluster: ${problems.join("; ")}`);
    }
}

/** The `vpcConfig` endpoint settings of an access mode. */
export function endpointConfig(access: EndpointAccess, authorizedCidrs: readonly string[]): { endpointPrivateAccess: true; endpointPublicAccess: boolean; publicAccessCidrs?: string[] } {
    switch (access) {
        case "restricted":
            return { endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: [...authorizedCidrs] };
        case "private":
            return { endpointPrivateAccess: true, endpointPublicAccess: false };
        default: {
            const impossible: never = access;
            throw new Error(`unknown endpointAccess ${String(impossible)}`);
        }
    }
}

/** A total spread over `zones` groups: floor each, the remainder to the first zones (order-preserving, so min <= desired <= max holds per zone). */
export function splitAcrossZones(total: number, zones: number): number[] {
    return Array.from({ length: zones }, (_v, z) => Math.floor(total / zones) + (z < total % zones ? 1 : 0));
}

/** One managed node group of a pool: which zones (indexes into the node subnets) and its share of the pool's sizes. */
export interface NodeGroupPlan {
    readonly pool: "system" | "workload";
    /** Logical-name suffix: `system`, or `workload-<zone index>`. */
    readonly key: string;
    readonly zones: readonly number[];
    readonly minSize: number;
    readonly maxSize: number;
    readonly desiredSize: number;
}

/**
 * The node groups of the pools. The system pool (stateless add-ons) is one group over every zone.
 * The workload pool, where the platform's stateful pods run on zonal EBS volumes (Prometheus,
 * Alertmanager), is one group per zone, sizes split across them: the EKS user guide asks exactly
 * this of Cluster Autoscaler users ("If you are running a stateful application across multiple
 * Availability Zones that is backed by Amazon EBS volumes and using the Kubernetes Cluster
 * Autoscaler, you should configure multiple node groups, each scoped to a single Availability
 * Zone. In addition, you should enable the --balance-similar-node-groups feature",
 * https://docs.aws.amazon.com/eks/latest/userguide/managed-node-groups.html): a multi-zone group
 * cannot be asked for a node in the zone a pending pod's volume is in.
 */
export function nodeGroupPlans(pools: AwsClusterArgs["nodePools"], zoneCount: number): NodeGroupPlan[] {
    const system = pools.system;
    const w = pools.workload;
    const [mins, maxes, desired] = [splitAcrossZones(w.minSize, zoneCount), splitAcrossZones(w.maxSize, zoneCount), splitAcrossZones(w.desiredSize, zoneCount)];
    return [
        { pool: "system", key: "system", zones: Array.from({ length: zoneCount }, (_v, z) => z), minSize: system.minSize, maxSize: system.maxSize, desiredSize: system.desiredSize },
        ...Array.from({ length: zoneCount }, (_v, z): NodeGroupPlan => ({ pool: "workload", key: `workload-${z}`, zones: [z], minSize: mins[z], maxSize: maxes[z], desiredSize: desired[z] })),
    ];
}

/** The managed node group capacity type of a pool. */
export function capacityType(pool: NodePoolConfig): "ON_DEMAND" | "SPOT" {
    switch (pool.capacity) {
        case "onDemand":
            return "ON_DEMAND";
        case "spot":
            return "SPOT";
        default: {
            const impossible: never = pool.capacity;
            throw new Error(`unknown capacity ${String(impossible)}`);
        }
    }
}

/** A stable logical-name suffix for a principal ARN (its last path segment, sanitised). */
export function principalSlug(arn: string): string {
    const last = arn.split("/").pop() ?? arn;
    return last.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "") || "principal";
}

/** One cluster-admin access entry: whose, and the logical-name suffix it lives under. */
export interface AdminAccessEntry {
    readonly principalArn: string;
    /** `deployer`, or `admin-<slug>`: frozen names (a rename would delete and re-create the entry). */
    readonly key: string;
}

/**
 * The cluster-admin access entries: one per principal (EKS refuses a second entry for the same
 * ARN, docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html). The deployer's
 * entry is always `deployer`; every other admin's is `admin-<slug of its ARN>`. A configured
 * admin that is also the deployer is served by the deployer's entry (deduplicated, not renamed),
 * so listing or unlisting the deployer among the admins changes nothing in the cluster.
 * Two admins whose ARNs end in the same name would share a logical name: refused, with both.
 */
export function adminAccessEntries(deployerPrincipalArn: string, adminPrincipalArns: readonly string[]): AdminAccessEntry[] {
    const entries: AdminAccessEntry[] = [{ principalArn: deployerPrincipalArn, key: "deployer" }];
    const byKey = new Map<string, string>();
    for (const arn of adminPrincipalArns) {
        if (arn === deployerPrincipalArn || entries.some((e) => e.principalArn === arn)) {
            continue;
        }
        const key = `admin-${principalSlug(arn)}`;
        const clash = byKey.get(key);
        if (clash) {
            throw new Error(
                `platform:aws:Cluster: cluster.adminPrincipalArns ${clash} and ${arn} end in the same name, so their access entries would share the logical name ${key}; list one of them (or a role with a distinct name)`,
            );
        }
        byKey.set(key, arn);
        entries.push({ principalArn: arn, key });
    }
    return entries;
}

/**
 * The Auto Scaling group ARN pattern of a managed node group's group, by name (the ARN's UUID part
 * is a wildcard), as the Cluster Autoscaler's minimal policy scopes its writes
 * (https://github.com/kubernetes/autoscaler/blob/cluster-autoscaler-1.35.2/cluster-autoscaler/cloudprovider/aws/README.md,
 * "Minimal IAM Permissions Policy"; ARN format:
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2autoscaling.html#amazonec2autoscaling-resources-for-iam-policies).
 */
export function autoScalingGroupArn(account: AwsAccount, groupName: string): string {
    return `arn:${account.partition}:autoscaling:${account.region}:${account.accountId}:autoScalingGroup:*:autoScalingGroupName/${groupName}`;
}

/**
 * What the Cluster Autoscaler may do, per its AWS README at the pinned release (1.35.2, "Full
 * Cluster Autoscaler Features Policy"), narrowed as it recommends: the reads it needs for
 * auto-discovery and instance-type data on every resource (these Describe calls support no
 * resource-level permissions), the two writes (set a group's desired size, terminate one of its
 * instances) on THIS cluster's node groups' Auto Scaling groups only, and DescribeNodegroup (labels
 * and taints for scale-from-zero) on its node groups only.
 */
export function clusterAutoscalerStatements(account: AwsAccount, autoScalingGroupNames: readonly string[], nodeGroupArns: readonly string[]): PolicyStatement[] {
    if (autoScalingGroupNames.length === 0 || nodeGroupArns.length === 0) {
        throw new Error("clusterAutoscalerStatements: no node group to scale (EKS reported no Auto Scaling group)");
    }
    return [
        {
            Sid: "DiscoverGroupsAndInstanceTypes",
            Effect: "Allow",
            Action: [
                "autoscaling:DescribeAutoScalingGroups",
                "autoscaling:DescribeAutoScalingInstances",
                "autoscaling:DescribeLaunchConfigurations",
                "autoscaling:DescribeScalingActivities",
                "ec2:DescribeImages",
                "ec2:DescribeInstanceTypes",
                "ec2:DescribeLaunchTemplateVersions",
                "ec2:GetInstanceTypesFromInstanceRequirements",
            ],
            Resource: "*",
        },
        {
            Sid: "ScaleThisClustersNodeGroupsOnly",
            Effect: "Allow",
            Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
            Resource: [...autoScalingGroupNames].sort().map((n) => autoScalingGroupArn(account, n)),
        },
        { Sid: "ReadItsNodeGroupsLabelsAndTaints", Effect: "Allow", Action: "eks:DescribeNodegroup", Resource: [...nodeGroupArns].sort() },
    ];
}

/** Kubeconfig using `aws eks get-token` (short-lived STS-signed tokens; no credential inside). */
export function renderKubeconfig(clusterName: string, endpoint: string, caData: string, region: string): string {
    const user = `${clusterName}-aws`;
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
                            command: "aws",
                            args: ["eks", "get-token", "--cluster-name", clusterName, "--region", region, "--output", "json"],
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

function buildCluster(name: string, args: AwsClusterArgs, parent: pulumi.Resource) {
    const opts: pulumi.CustomResourceOptions = { parent };
    const n = (...parts: string[]) => resourceName(args.prefix, ...parts);
    const child = (...parts: string[]) => [name, ...parts].join("-");
    const clusterName = eksClusterName(args.prefix);
    const roleName = (...parts: string[]) => limitedName(NAME_LIMITS.awsIamRole, args.prefix, ...parts);

    // --- Control-plane role and the secrets key that names it ---------------------------------
    const clusterRole = new aws.iam.Role(
        child("cluster-role"),
        { name: roleName("eks-cluster"), assumeRolePolicy: JSON.stringify(plainServiceTrustPolicy("eks.amazonaws.com")), tags: withName(n("eks-cluster")) },
        opts,
    );
    const clusterPolicy = new aws.iam.RolePolicyAttachment(
        child("cluster-policy"),
        { role: clusterRole.name, policyArn: managedPolicyArn(args.account, "AmazonEKSClusterPolicy") },
        opts,
    );
    const secretsKey = platformKey(
        child("secrets-key"),
        {
            prefix: args.prefix,
            purpose: "eks-secrets",
            description: "EKS Kubernetes secrets envelope encryption",
            policy: clusterRole.arn.apply((arn) =>
                kmsKeyPolicy(
                    args.account,
                    kmsPrincipalUseStatement("EksClusterRoleEncryptsSecrets", arn, ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"]),
                    kmsPrincipalUseStatement("EksClusterRoleGrantsForItself", arn, ["kms:CreateGrant", "kms:ListGrants"], { Bool: { "kms:GrantIsForAWSResource": true } }),
                ),
            ),
            protect: args.protect,
        },
        parent,
    ).key;

    // EKS writes to exactly this name; creating it first makes retention and encryption ours.
    const logGroup = new aws.cloudwatch.LogGroup(
        child("control-plane-logs"),
        { name: `/aws/eks/${clusterName}/cluster`, retentionInDays: args.logRetentionDays, kmsKeyId: args.logsKeyArn, tags: withName(n("eks-logs")) },
        opts,
    );

    // --- Security groups: identities only; rules live in firewall.ts ---------------------------
    // Named by prefix (the provider appends a unique suffix; the Name tag keeps the readable
    // name): a group's name and description are replace-only, and Pulumi creates the replacement
    // before deleting the old group, which a fixed name would make a duplicate in the VPC
    // (catalogue aws-fixed-name-create-before-delete).
    const apiSg = new aws.ec2.SecurityGroup(
        child("api-sg"),
        { vpcId: args.vpcId, namePrefix: `${n("eks-api")}-`, description: "EKS API endpoint (additional control-plane group): HTTPS from the bastion only", tags: withName(n("eks-api")) },
        opts,
    );
    const nodeSg = new aws.ec2.SecurityGroup(
        child("node-sg"),
        { vpcId: args.vpcId, namePrefix: `${n("eks-nodes")}-`, description: "EKS nodes: identity tool VMs allow in; node/control-plane traffic uses the EKS cluster group", tags: withName(n("eks-nodes")) },
        opts,
    );

    const cluster = new aws.eks.Cluster(
        child("eks"),
        {
            name: clusterName,
            version: args.version,
            roleArn: clusterRole.arn,
            vpcConfig: { subnetIds: args.nodeSubnetIds, securityGroupIds: [apiSg.id], ...endpointConfig(args.endpointAccess, args.authorizedCidrs) },
            accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
            // The add-ons are managed below (versions, IRSA roles, config), not self-managed copies.
            bootstrapSelfManagedAddons: false,
            encryptionConfig: { provider: { keyArn: secretsKey.arn }, resources: ["secrets"] },
            enabledClusterLogTypes: [...CONTROL_PLANE_LOG_TYPES],
            kubernetesNetworkConfig: { ipFamily: "ipv4", serviceIpv4Cidr: args.serviceCidr },
            deletionProtection: args.protect,
            upgradePolicy: { supportType: args.upgradeSupport },
            tags: withName(clusterName),
        },
        { parent, protect: args.protect, dependsOn: [clusterPolicy, logGroup] },
    );
    const clusterSecurityGroupId = cluster.vpcConfig.apply((v) => {
        if (!v.clusterSecurityGroupId) {
            throw new Error(`platform:aws:Cluster: EKS returned no cluster security group for ${clusterName}`);
        }
        return v.clusterSecurityGroupId;
    });
    const issuerUrl = cluster.identities.apply((ids) => {
        const issuer = ids?.[0]?.oidcs?.[0]?.issuer;
        if (!issuer) {
            throw new Error(`platform:aws:Cluster: EKS returned no OIDC issuer for ${clusterName}`);
        }
        return issuer;
    });

    // --- Access entries: the deployer and the configured admins, nothing implicit --------------
    const admins = adminAccessEntries(args.deployerPrincipalArn, args.adminPrincipalArns);
    const adminPolicyArn = `arn:${args.account.partition}:eks::aws:cluster-access-policy/${CLUSTER_ADMIN_POLICY}`;
    // Group-only entries (no access policy): their only rights are the RBAC the in-cluster layer
    // binds to the group, in one namespace set.
    const groupEntry = (key: string, principalArn: pulumi.Input<string>, group: string, entryOpts: pulumi.CustomResourceOptions = opts) =>
        new aws.eks.AccessEntry(child("access", key), { clusterName: cluster.name, principalArn, type: "STANDARD", kubernetesGroups: [group], tags: withName(n("eks", key)) }, entryOpts);
    if (args.prAutomationPrincipal) {
        if (admins.some((a) => a.principalArn === args.prAutomationPrincipal)) {
            throw new Error(`platform:aws:Cluster: cluster.prAutomationPrincipal ${args.prAutomationPrincipal} is also a cluster admin (the deployer or adminPrincipalArns); EKS allows one access entry per principal: use a separate role`);
        }
        // Confined further by admission (components/kubernetes/pr-environments.ts).
        groupEntry("pr-automation", args.prAutomationPrincipal, PR_ENVIRONMENTS_GROUP);
    }
    // The Jenkins VM's role: agent pods in jenkins-agents only (configured principals never are
    // this role: assertNotJenkinsRole, before anything is built).
    // A re-created role (same ARN, new unique id) replaces the entry; the old entry goes first, as
    // EKS keeps one entry per principal ARN (a create-first replacement would be refused).
    const jenkinsEntry = groupEntry("jenkins", args.jenkinsRoleArn, JENKINS_AGENTS_GROUP, { parent, replacementTrigger: args.jenkinsRoleUniqueId, deleteBeforeReplace: true });
    const accessPolicies = admins.map(({ principalArn, key }) => {
        const entry = new aws.eks.AccessEntry(child("access", key), { clusterName: cluster.name, principalArn, type: "STANDARD", tags: withName(n("eks", key)) }, opts);
        return new aws.eks.AccessPolicyAssociation(
            child("access", key, "admin"),
            { clusterName: cluster.name, principalArn, policyArn: adminPolicyArn, accessScope: { type: "cluster" } },
            { parent, dependsOn: [entry] },
        );
    });

    // --- IRSA --------------------------------------------------------------------------------
    const oidc = new aws.iam.OpenIdConnectProvider(child("oidc"), { url: issuerUrl, clientIdLists: ["sts.amazonaws.com"], tags: withName(n("eks-oidc")) }, opts);
    const irsaRole = (component: string, namespace: string, serviceAccount: string, policy: string) => {
        const role = new aws.iam.Role(
            child(component, "role"),
            {
                name: roleName("eks", component),
                assumeRolePolicy: pulumi
                    .all([oidc.arn, issuerUrl])
                    .apply(([providerArn, url]) => JSON.stringify(irsaTrustPolicy(providerArn, url.replace(/^https:\/\//, ""), namespace, serviceAccount))),
                tags: withName(n("eks", component)),
            },
            opts,
        );
        const grant = new aws.iam.RolePolicyAttachment(child(component, "policy"), { role: role.name, policyArn: managedPolicyArn(args.account, policy) }, opts);
        return { role, grant };
    };
    // The CNI's rights on the node role would be shared by every pod that reaches IMDS; on its
    // own IRSA role only aws-node holds them.
    // Each add-on is created after its role's policy is attached (the grant before its consumer):
    // aws-node without its rights leaves every new node NotReady, the EBS CSI controller without
    // them fails its first volume operations.
    const { role: cniRole, grant: cniGrant } = irsaRole("vpc-cni", "kube-system", "aws-node", "AmazonEKS_CNI_Policy");
    const { role: ebsCsiRole, grant: ebsCsiGrant } = irsaRole("ebs-csi", "kube-system", "ebs-csi-controller-sa", "service-role/AmazonEBSCSIDriverPolicy");

    const addonVersion = (addon: EksAddon) =>
        aws.eks
            // The version AWS marks default for this Kubernetes version: tested by AWS for it, and
            // it only moves when AWS re-certifies (a `pulumi preview` shows the change).
            .getAddonVersionOutput({ addonName: addon, kubernetesVersion: args.version, mostRecent: false }, { parent })
            .apply((v) => v.version);
    const addon = (addonName: EksAddon, extra: Partial<aws.eks.AddonArgs>, dependsOn: pulumi.Resource[]) =>
        new aws.eks.Addon(
            child("addon", addonName),
            {
                clusterName: cluster.name,
                addonName,
                addonVersion: addonVersion(addonName),
                // Everything about the add-on is declared here; drift is overwritten, not kept.
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "OVERWRITE",
                tags: withName(n("eks", addonName)),
                ...extra,
            },
            { parent, dependsOn },
        );
    const beforeNodes = [
        addon("vpc-cni", { serviceAccountRoleArn: cniRole.arn, configurationValues: JSON.stringify(VPC_CNI_CONFIGURATION) }, [cniGrant]),
        addon("kube-proxy", {}, []),
        addon("eks-pod-identity-agent", {}, []),
    ];

    // --- Nodes -------------------------------------------------------------------------------
    const nodeRole = new aws.iam.Role(
        child("node-role"),
        { name: roleName("eks-node"), assumeRolePolicy: JSON.stringify(plainServiceTrustPolicy("ec2.amazonaws.com")), tags: withName(n("eks-node")) },
        opts,
    );
    // Join the cluster and pull images: nothing more (the CNI's rights are on its IRSA role).
    const nodePolicies = ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly"].map(
        (policy) => new aws.iam.RolePolicyAttachment(child("node", policy.replace(/^Amazon/, "").toLowerCase()), { role: nodeRole.name, policyArn: managedPolicyArn(args.account, policy) }, opts),
    );

    const templates = (["system", "workload"] as const).map((pool) => {
        const p = args.nodePools[pool];
        const poolTags = withName(n("eks", pool), { "platform-pool": pool });
        const instanceTypes = nodeGroupInstanceTypes(p.instanceType, p.capacity);
        if (p.capacity === "spot" && !instanceTypes.diversified) {
            void pulumi.log.warn(
                `nodePools.${pool}: Spot on ${p.instanceType} alone: one Spot capacity pool per zone, and the group cannot launch when it runs dry. ` +
                    `Use a type of a family components/aws/instance-types.ts knows (m5/m6i/m7i, c5/c6i/c7i, r5/r6i/r7i, t3 and their AMD twins) to get same-size alternatives.`,
                parent,
            );
        }
        const template = new aws.ec2.LaunchTemplate(
            child(pool, "lt"),
            {
                name: n("eks", pool),
                description: `EKS ${pool} nodes: IMDSv2 only, encrypted gp3 root`,
                updateDefaultVersion: true,
                // Hop limit 1: pods (not on the host network) cannot reach the node's IMDS and
                // its role; they get cloud identities through IRSA / Pod Identity instead (EKS Best
                // Practices, Security: "Restrict access to the instance profile assigned to the
                // worker node"). The EBS CSI pods then read their instance and zone from the
                // Kubernetes API instead ("If the driver is unable to reach IMDS, it will fallback
                // to using the Kubernetes API", kubernetes-sigs/aws-ebs-csi-driver docs/install.md,
                // Metadata), and the Cluster Autoscaler is given its region (awsRegion).
                metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" },
                blockDeviceMappings: [
                    {
                        deviceName: NODE_ROOT_DEVICE,
                        ebs: { volumeSize: p.diskSizeGb, volumeType: "gp3", encrypted: "true", kmsKeyId: args.volumesKeyArn, deleteOnTermination: "true" },
                    },
                ],
                // With groups in the template EKS adds none: keep the EKS cluster group (node <->
                // control plane) and add ours (the identity other tiers allow).
                vpcSecurityGroupIds: [clusterSecurityGroupId, nodeSg.id],
                tagSpecifications: [
                    { resourceType: "instance", tags: poolTags },
                    { resourceType: "volume", tags: poolTags },
                ],
                tags: withName(n("eks", pool)),
            },
            opts,
        );
        return { pool, template, instanceTypes: instanceTypes.types };
    });

    const nodeGroups = nodeGroupPlans(args.nodePools, args.nodeSubnetIds.length).map((plan) => {
        const p = args.nodePools[plan.pool];
        const t = templates.find((x) => x.pool === plan.pool)!;
        const zone = args.zoneNames[plan.zones[0]];
        const groupName = plan.pool === "system" ? n("system") : n("workload", zone);
        // The node group's own name carries the zone's letter only (`workload-a`): the cluster is
        // regional, and the prefix must stay short (NODE_GROUP_NAME_PREFIX_MAX); tags keep `groupName`.
        const nameParts = plan.pool === "system" ? ["system"] : ["workload", zone.startsWith(args.account.region) ? zone.slice(args.account.region.length) : zone];
        // By prefix, as the security groups: instance types, capacity type, subnets and the
        // launch template id replace a node group, create-before-delete, and EKS refuses a second
        // group of the same name in the cluster.
        const groupNamePrefix = `${limitedName(NODE_GROUP_NAME_PREFIX_MAX - 1, args.prefix, ...nameParts)}-`;
        return new aws.eks.NodeGroup(
            child(plan.key),
            {
                clusterName: cluster.name,
                nodeGroupNamePrefix: groupNamePrefix,
                version: cluster.version,
                nodeRoleArn: nodeRole.arn,
                subnetIds: plan.zones.map((z) => args.nodeSubnetIds[z]),
                amiType: NODE_AMI_TYPE,
                capacityType: capacityType(p),
                // Spot: the same size in several families (components/aws/instance-types.ts).
                instanceTypes: t.instanceTypes,
                scalingConfig: { minSize: plan.minSize, maxSize: plan.maxSize, desiredSize: plan.desiredSize },
                updateConfig: { maxUnavailable: 1 },
                launchTemplate: { id: t.template.id, version: t.template.latestVersion.apply(String) },
                // Same labels and taints in every group of a pool: the autoscaler balances "similar"
                // groups (those differing only in their zone label).
                labels: { [POOL_LABEL]: plan.pool },
                taints: plan.pool === "system" ? [{ ...SYSTEM_POOL_TAINT }] : [],
                tags: withName(groupName),
            },
            {
                parent,
                // Nodes need egress (NAT or endpoints) to join: wait for it, not only for the subnets.
                dependsOn: [...nodePolicies, ...beforeNodes, ...(args.egressReady ?? [])],
                // The Cluster Autoscaler (installed by the in-cluster layer) owns the current size;
                // config owns the bounds.
                ignoreChanges: ["scalingConfig.desiredSize"],
            },
        );
    });

    // --- Cluster Autoscaler: its IRSA role, scoped to these node groups ----------------------
    // EKS tags every managed node group's Auto Scaling group for the autoscaler's auto-discovery
    // (https://docs.aws.amazon.com/eks/latest/userguide/managed-node-groups.html); the role may
    // only resize those groups, named from the node groups' own outputs.
    const autoscalerRole = new aws.iam.Role(
        child("cluster-autoscaler", "role"),
        {
            name: roleName("eks", "cluster-autoscaler"),
            assumeRolePolicy: pulumi
                .all([oidc.arn, issuerUrl])
                .apply(([providerArn, url]) =>
                    JSON.stringify(irsaTrustPolicy(providerArn, url.replace(/^https:\/\//, ""), CLUSTER_AUTOSCALER_SERVICE_ACCOUNT.namespace, CLUSTER_AUTOSCALER_SERVICE_ACCOUNT.name)),
                ),
            tags: withName(n("eks", "cluster-autoscaler")),
        },
        opts,
    );
    const groupNames = pulumi.all(nodeGroups.map((g) => g.resources)).apply((all) => all.flatMap((rs) => rs.flatMap((r) => (r.autoscalingGroups ?? []).map((a) => a.name))));
    const autoscalerPolicy = new aws.iam.RolePolicy(
        child("cluster-autoscaler", "policy"),
        {
            role: autoscalerRole.name,
            policy: pulumi
                .all([groupNames, pulumi.all(nodeGroups.map((g) => g.arn))])
                .apply(([names, arns]) => JSON.stringify(policyDocument(...clusterAutoscalerStatements(args.account, names, arns)))),
        },
        opts,
    );

    // Every grant the in-cluster layer's first run depends on, then the documented propagation
    // delay (GRANT_PROPAGATION_WAIT), before the kubeconfig output resolves.
    const grantsPropagated = new time.Sleep(child("grants-propagation"), { createDuration: GRANT_PROPAGATION_WAIT }, { parent, dependsOn: [...accessPolicies, autoscalerPolicy] });

    addon("coredns", {}, nodeGroups);
    addon("aws-ebs-csi-driver", { serviceAccountRoleArn: ebsCsiRole.arn }, [...nodeGroups, ebsCsiGrant]);

    // The platform stack never talks to the Kubernetes API: the in-cluster layer (its own
    // stack, incluster/) builds its provider from this kubeconfig, after this whole stack (access
    // entries, node groups, CoreDNS and the EBS CSI driver included) is up.
    const kubeconfig = pulumi.secret(
        pulumi
            .all([cluster.name, cluster.endpoint, cluster.certificateAuthority, grantsPropagated.id])
            .apply(([clusterNameOut, endpoint, ca]) => renderKubeconfig(clusterNameOut, endpoint, ca.data ?? "", args.account.region)),
    );
    return {
        cluster,
        clusterRole,
        secretsKey,
        logGroup,
        apiSg,
        nodeSg,
        clusterSecurityGroupId,
        issuerUrl,
        oidc,
        cniRole,
        ebsCsiRole,
        nodeRole,
        nodeGroups,
        kubeconfig,
        accessPolicies,
        autoscalerRole,
        autoscalerPolicy,
        grantsPropagated,
        jenkinsEntry,
    };
}
