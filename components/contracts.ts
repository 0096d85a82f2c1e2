/**
 * Cloud-neutral contracts. Every cloud's components implement these; the next component
 * consumes only these outputs, never a cloud-specific field. Contract tests
 * (tests/contracts/) run the same assertions against every cloud.
 *
 * Shapes only: each cloud keeps its specifics (security group ids, NSGs, service accounts)
 * behind `FirewallIdentity`.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ClusterHints } from "./kubernetes/hints";

/**
 * What firewall rules reference to allow traffic from (or to) a tier: an AWS security group,
 * an Azure application security group, or a GCP service account. Rules name identities, not
 * address ranges, so they survive IP changes and never grow wider than the tier.
 */
export interface FirewallIdentity {
    readonly kind: "awsSecurityGroup" | "azureApplicationSecurityGroup" | "gcpServiceAccount";
    readonly id: pulumi.Output<string>;
}

/** The private network. */
export interface NetworkOutputs {
    /** VPC / VNet / VPC network id. */
    readonly networkId: pulumi.Output<string>;
    /** The network's address block. */
    readonly cidr: string;
    /** Zone names the network spans, in subnet order. */
    readonly zones: readonly string[];
    /**
     * NAT and bastion only. One per zone where subnets are zonal (AWS); one regional subnet where
     * they are not (Azure, GCP): zone redundancy then comes from the instances' zones.
     */
    readonly publicSubnetIds: pulumi.Output<string>[];
    /** Per private tier: one per zone (AWS) or one regional subnet (Azure, GCP). */
    readonly privateSubnetIds: { readonly nodes: pulumi.Output<string>[]; readonly tools: pulumi.Output<string>[] };
    /** Public addresses the private tiers egress from (NAT): what outside allowlists must admit. */
    readonly natPublicIps: pulumi.Output<string>[];
}

/** The one way in from the internet. */
export interface BastionOutputs {
    readonly publicIp: pulumi.Output<string>;
    readonly privateIp: pulumi.Output<string>;
    /** The login user (a fixed name on AWS and Azure; GCP: the deployer's OS Login POSIX name, which may come from a lookup). */
    readonly sshUser: pulumi.Input<string>;
    /** The generated SSH private key (OpenSSH format), always a Pulumi secret. */
    readonly privateKeyPem: pulumi.Output<string>;
    /** Other tiers allow SSH from this identity only. */
    readonly identity: FirewallIdentity;
    /**
     * What the cloud's own tunnel names to reach the bastion's SSH port without exposing it:
     * the EC2 instance id (SSM `AWS-StartSSHSession`), the GCE instance name (IAP
     * `start-iap-tunnel`), the Azure VM resource id.
     */
    readonly tunnelTarget: pulumi.Output<string>;
    /**
     * `SHA256:...` of the SSH host key the bastion serves: issued by the program
     * (components/bootstrap/pki.ts SshHostKey), so every tunnel pins it and never trusts on first use.
     */
    readonly hostKeyFingerprint: pulumi.Output<string>;
}

/**
 * A cloud identity workloads or VMs act as: an AWS IAM role, an Azure managed identity, a GCP
 * service account. `id` is what the cloud's policies name (role ARN, principal id, SA email).
 */
export interface CloudIdentity {
    readonly kind: "awsIamRole" | "azureManagedIdentity" | "gcpServiceAccount";
    readonly id: pulumi.Output<string>;
}

/** The managed Kubernetes cluster (EKS, AKS, GKE). */
export interface ClusterOutputs {
    readonly name: pulumi.Output<string>;
    /** API server URL (https). For a private cluster it resolves inside the network only. */
    readonly endpoint: pulumi.Output<string>;
    /** Kubernetes minor version the control plane runs (e.g. "1.35"). */
    readonly version: pulumi.Output<string>;
    /**
     * Kubeconfig (YAML) authenticating with the cloud CLI's short-lived tokens (no static
     * credential inside), always a Pulumi secret.
     */
    readonly kubeconfig: pulumi.Output<string>;
    /**
     * The cluster's cloud resource id (EKS ARN, AKS resource id, GKE `projects/.../clusters/...`):
     * the in-cluster layer's Kubernetes provider uses it as `clusterIdentifier`, so only a new
     * cluster (never a new route to the same one) replaces the provider.
     */
    readonly resourceId: pulumi.Output<string>;
    /** How pods get cloud identities: the OIDC issuer and, where the cloud has one, its provider id. */
    readonly workloadIdentity: {
        readonly issuerUrl: pulumi.Output<string>;
        /** AWS: the IAM OIDC provider ARN (IRSA trust policies name it). Azure: the issuer URL itself (federated credentials name it; there is no provider resource). GCP: the workload pool `<project>.svc.id.goog`. */
        readonly providerId: pulumi.Output<string>;
    };
    /** Traffic from the nodes (and their pods) carries this identity: tool VMs allow it in. */
    readonly nodeIdentity: FirewallIdentity;
    /** The API endpoint's own firewall identity (the bastion is allowed to it). */
    readonly apiIdentity: FirewallIdentity;
    /** `restricted` (public endpoint limited to CIDRs + private) or `private` (private only). */
    readonly endpointAccess: "restricted" | "private";
    /** Facts the cloud-agnostic addons need (storage class, internal LB annotations, identity format). */
    readonly hints: ClusterHints;
}

/** Roles of the tool VMs. */
export type ToolVmRole = "jenkins" | "vault" | "wazuh";
export const TOOL_VM_ROLES: readonly ToolVmRole[] = ["jenkins", "vault", "wazuh"];

/** One tool VM (Jenkins, Vault or Wazuh): private only, its own identity and firewall identity. */
export interface ToolVmOutputs {
    readonly role: ToolVmRole;
    /** Host name (also the Wazuh agent name and Vault node id). */
    readonly hostname: string;
    /** The VM's only address: tool VMs never get a public IP. */
    readonly privateIp: pulumi.Output<string>;
    /** What the VM acts as towards the cloud (KMS unseal, snapshot uploads, secret reads). */
    readonly identity: CloudIdentity;
    /** Other tiers' rules name this to allow traffic from / to the VM. */
    readonly firewallIdentity: FirewallIdentity;
    /** The separate, encrypted data disk (state lives there, not on the OS disk). */
    readonly dataDiskId: pulumi.Output<string>;
    /** The cloud's id of the VM itself (EC2 instance id, Azure VM resource id, GCE instance id). */
    readonly instanceId: pulumi.Output<string>;
}
