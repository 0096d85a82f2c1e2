/**
 * Cloud-neutral contracts. Every cloud's components implement these; the next component
 * consumes only these outputs, never a cloud-specific field. Contract tests
 * (tests/contracts/) run the same assertions against every cloud.
 *
 * Shapes only: each cloud keeps its specifics (security group ids, NSGs, service accounts)
 * behind `FirewallIdentity`.
 */
import type * as pulumi from "@pulumi/pulumi";

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
    /** One per zone: NAT and bastion only. */
    readonly publicSubnetIds: pulumi.Output<string>[];
    /** One per zone per private tier. */
    readonly privateSubnetIds: { readonly nodes: pulumi.Output<string>[]; readonly tools: pulumi.Output<string>[] };
}

/** The one way in from the internet. */
export interface BastionOutputs {
    readonly publicIp: pulumi.Output<string>;
    readonly privateIp: pulumi.Output<string>;
    readonly sshUser: string;
    /** The generated SSH private key (OpenSSH format), always a Pulumi secret. */
    readonly privateKeyPem: pulumi.Output<string>;
    /** Other tiers allow SSH from this identity only. */
    readonly identity: FirewallIdentity;
}
