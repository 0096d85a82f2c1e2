/**
 * `platform:aws:Bastion`: the only host reachable from the internet, and only on SSH from the
 * stack's allowlist. Session Manager (SSM) is an audited alternative path that needs no open
 * port at all.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { parseCidr } from "../config/cidr";
import type { BastionOutputs, FirewallIdentity } from "../contracts";
import { limitedName, NAME_LIMITS, resourceName } from "../naming";
import { withName } from "../tags";
import { AwsAccount, ec2TrustPolicy, managedPolicyArn, policyDocument, SSM_PARAMETER_READ_DENY } from "./iam";

/** Canonical's AWS account: the only owner whose Ubuntu images we accept (no look-alike AMIs). */
export const CANONICAL_OWNER_ID = "099720109477";
/** Ubuntu 24.04 LTS (supported to 2029, 2034 with ESM), gp3-backed, x86_64. */
export const UBUNTU_LTS_AMI_NAME = "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*";
export const BASTION_SSH_USER = "ubuntu";

/** The newest Ubuntu LTS image from Canonical's account only (bastion and tool VMs alike). */
export function ubuntuLtsAmi(parent: pulumi.Resource): pulumi.Output<aws.ec2.GetAmiResult> {
    return aws.ec2.getAmiOutput(
        {
            owners: [CANONICAL_OWNER_ID],
            mostRecent: true,
            filters: [
                { name: "name", values: [UBUNTU_LTS_AMI_NAME] },
                { name: "architecture", values: ["x86_64"] },
                { name: "virtualization-type", values: ["hvm"] },
            ],
        },
        { parent },
    );
}

export interface AwsBastionArgs {
    /** `SHA256:...` of the SSH host key the program issued for this bastion (delivered in its TLS secret). */
    readonly hostKeyFingerprint: pulumi.Input<string>;
    readonly prefix: string;
    readonly account: AwsAccount;
    readonly vpcId: pulumi.Input<string>;
    readonly vpcCidr: string;
    /** The public subnet to run in. */
    readonly subnetId: pulumi.Input<string>;
    /** CIDRs allowed to SSH in (validated: never the world). */
    readonly allowedCidrs: readonly string[];
    readonly instanceType: string;
    /** cloud-init user data (hardening, TLS, node_exporter, Wazuh agent), gzip + base64: EC2 caps the raw bytes at 16 KB. */
    readonly userDataBase64: pulumi.Input<string>;
    /** Customer-managed key for the root volume (default: the AWS-managed aws/ebs key). */
    readonly volumesKeyArn?: pulumi.Input<string>;
    /** What gives the public subnet its route out (the network's `publicEgress`): first boot installs packages. */
    readonly egressReady?: readonly pulumi.Resource[];
}

export class Bastion extends pulumi.ComponentResource implements BastionOutputs {
    readonly publicIp: pulumi.Output<string>;
    readonly privateIp: pulumi.Output<string>;
    readonly sshUser = BASTION_SSH_USER;
    readonly privateKeyPem: pulumi.Output<string>;
    readonly identity: FirewallIdentity;
    readonly securityGroupId: pulumi.Output<string>;
    readonly instanceId: pulumi.Output<string>;
    readonly tunnelTarget: pulumi.Output<string>;
    readonly hostKeyFingerprint: pulumi.Output<string>;
    /** The bastion's own login key pair (no other host uses it: tool VMs have none, see tool-vm.ts). */
    readonly keyName: pulumi.Output<string>;
    /** Instance role, for grants decided elsewhere (reading the Wazuh enrollment secret). */
    readonly roleName: pulumi.Output<string>;

    constructor(name: string, args: AwsBastionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:aws:Bastion", name, {}, opts);
        validateBastionArgs(args);
        const built = buildBastion(name, args, this);
        this.publicIp = built.eip.publicIp;
        this.privateIp = built.instance.privateIp;
        // Marked secret here, not left to the provider: it must never reach state or logs in clear.
        this.privateKeyPem = pulumi.secret(built.key.privateKeyOpenssh);
        this.securityGroupId = built.sg.id;
        this.identity = { kind: "awsSecurityGroup", id: built.sg.id };
        this.instanceId = built.instance.id;
        this.hostKeyFingerprint = pulumi.output(args.hostKeyFingerprint);
        this.tunnelTarget = built.instance.id;
        this.keyName = built.keyPair.keyName;
        this.roleName = built.role.name;
        this.registerOutputs({
            publicIp: this.publicIp,
            privateIp: this.privateIp,
            privateKeyPem: this.privateKeyPem,
            securityGroupId: this.securityGroupId,
        });
    }
}

export function validateBastionArgs(args: AwsBastionArgs): void {
    if (args.allowedCidrs.length === 0) {
        throw new Error("platform:aws:Bastion: allowedCidrs is empty; the bastion would be unreachable");
    }
    for (const c of args.allowedCidrs) {
        if (parseCidr(c).prefix === 0) {
            throw new Error(`platform:aws:Bastion: ${c} would open SSH to the whole internet`);
        }
    }
}

/**
 * Egress the bastion needs: SSH and HTTPS into the VPC (tool VMs, the private Kubernetes API,
 * endpoints) and HTTP(S) out for signed OS packages and SSM. DNS, NTP and instance metadata use
 * link-local addresses that security groups do not filter.
 */
export function bastionEgress(vpcCidr: string): { port: number; cidr: string; description: string }[] {
    return [
        { port: 22, cidr: vpcCidr, description: "SSH to hosts inside the VPC" },
        { port: 443, cidr: "0.0.0.0/0", description: "HTTPS: SSM, AWS APIs, Kubernetes API, package mirrors" },
        { port: 80, cidr: "0.0.0.0/0", description: "HTTP: Ubuntu package mirrors (packages are signature-checked)" },
    ];
}

function buildBastion(name: string, args: AwsBastionArgs, parent: pulumi.Resource) {
    const opts: pulumi.CustomResourceOptions = { parent };
    const n = (...parts: string[]) => resourceName(args.prefix, ...parts);
    const child = (...parts: string[]) => [name, ...parts].join("-");

    // ED25519: short keys, no weak-parameter choices. The private half exists only in state,
    // encrypted as a secret.
    const key = new tls.PrivateKey(child("ssh-key"), { algorithm: "ED25519" }, opts);
    const keyPair = new aws.ec2.KeyPair(child("key-pair"), { keyName: n("bastion"), publicKey: key.publicKeyOpenssh, tags: withName(n("bastion")) }, opts);

    const sg = new aws.ec2.SecurityGroup(
        child("sg"),
        { vpcId: args.vpcId, namePrefix: `${n("bastion")}-`, description: "Bastion: SSH from the allowlist only", tags: withName(n("bastion"), { role: "bastion" }) },
        opts,
    );
    args.allowedCidrs.forEach((cidr, i) => {
        const v6 = parseCidr(cidr).version === 6;
        new aws.vpc.SecurityGroupIngressRule(
            child("ssh-in", String(i)),
            {
                securityGroupId: sg.id,
                ipProtocol: "tcp",
                fromPort: 22,
                toPort: 22,
                ...(v6 ? { cidrIpv6: cidr } : { cidrIpv4: cidr }),
                description: `SSH from allowlisted ${cidr}`,
                tags: withName(n("bastion-ssh", String(i))),
            },
            opts,
        );
    });
    const egressRules = bastionEgress(args.vpcCidr).map(
        (rule) =>
            new aws.vpc.SecurityGroupEgressRule(
            child("egress", String(rule.port), rule.cidr === args.vpcCidr ? "vpc" : "any"),
            {
                securityGroupId: sg.id,
                ipProtocol: "tcp",
                fromPort: rule.port,
                toPort: rule.port,
                cidrIpv4: rule.cidr,
                description: rule.description,
                tags: withName(n("bastion-egress", String(rule.port))),
            },
            opts,
        ),
    );

    const role = new aws.iam.Role(
        child("role"),
        { name: limitedName(NAME_LIMITS.awsIamRole, args.prefix, "bastion"), assumeRolePolicy: JSON.stringify(ec2TrustPolicy()), tags: withName(n("bastion")) },
        opts,
    );
    // Session Manager: shell access that is IAM-authorised and logged, with no inbound port.
    new aws.iam.RolePolicyAttachment(child("ssm-core"), { role: role.name, policyArn: managedPolicyArn(args.account, "AmazonSSMManagedInstanceCore") }, opts);
    // ...without the account-wide SSM parameter read that policy carries (SSM_PARAMETER_READ_DENY).
    new aws.iam.RolePolicy(child("no-ssm-parameters"), { role: role.name, policy: JSON.stringify(policyDocument(SSM_PARAMETER_READ_DENY)) }, opts);
    const profile = new aws.iam.InstanceProfile(child("profile"), { name: limitedName(NAME_LIMITS.awsIamRole, args.prefix, "bastion"), role: role.name, tags: withName(n("bastion")) }, opts);

    const ami = ubuntuLtsAmi(parent);

    const instance = new aws.ec2.Instance(
        child("instance"),
        {
            ami: ami.id,
            instanceType: args.instanceType,
            subnetId: args.subnetId,
            vpcSecurityGroupIds: [sg.id],
            keyName: keyPair.keyName,
            iamInstanceProfile: profile.name,
            // The public address is the Elastic IP below: stable across stop/start for allowlists.
            associatePublicIpAddress: false,
            metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" },
            rootBlockDevice: { encrypted: true, ...(args.volumesKeyArn ? { kmsKeyId: args.volumesKeyArn } : {}), volumeType: "gp3", volumeSize: 20, deleteOnTermination: true, tags: withName(n("bastion-root")) },
            monitoring: true,
            userDataBase64: args.userDataBase64,
            userDataReplaceOnChange: true,
            tags: withName(n("bastion"), { role: "bastion" }),
        },
        {
            parent,
            // A newer AMI must not silently replace the bastion on an unrelated `pulumi up`;
            // unattended-upgrades patches it in place, and a rebuild is a deliberate `--replace`.
            ignoreChanges: ["ami"],
            // First boot installs packages through the internet gateway: never before the route,
            // nor before its group's egress rules (the group is created without egress).
            dependsOn: [...egressRules, ...(args.egressReady ?? [])],
        },
    );
    const eip = new aws.ec2.Eip(child("eip"), { domain: "vpc", instance: instance.id, tags: withName(n("bastion"), { role: "bastion" }) }, opts);

    return { key, keyPair, sg, role, profile, instance, eip };
}
