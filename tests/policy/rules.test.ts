/**
 * Per rule: the compliant fixture passes (and the rule really judged something there), and one
 * mutation per failure mode produces exactly the expected message(s).
 */
import assert from "node:assert/strict";
import { STACK_VIEWS, StackView } from "../../offline/outputs";
import { policies } from "../../policy-pack/policies";
import { AZURE_CASES } from "./cases-azure";
import { AZURE_FIXTURE_SIZES } from "./fixtures-azure";
import { GCP_CASES } from "./cases-gcp";
import { GCP_FIXTURE_SIZES } from "./fixtures-gcp";
import { COMMON_TAGS, goodStack, messages, remove, replace, runRule, spec, stackWith } from "./fixtures";

type Specs = Parameters<Parameters<typeof stackWith>[0]>[0];

interface FailureMode {
    readonly mode: string;
    readonly edit: (specs: Specs) => void;
    readonly config?: Record<string, unknown>;
    readonly expected: readonly string[];
}

const b64 = (s: string) => Buffer.from(s).toString("base64");

const OIDC_HOST = "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF";

/** Edit the JSON policy document of a fixture resource (`policy`). */
function editPolicy(s: Specs, name: string, edit: (doc: any) => void, key = "policy"): void {
    const inputs = spec(s, name).inputs;
    const doc = JSON.parse(inputs[key]);
    edit(doc);
    inputs[key] = JSON.stringify(doc);
}

/** Append a statement to a fixture's policy document. */
function addStatement(s: Specs, name: string, statement: Record<string, unknown>): void {
    editPolicy(s, name, (doc) => doc.Statement.push(statement));
}

/** Edit a role's trust policy: `edit(firstStatement, document)`. */
function editTrust(s: Specs, name: string, edit: (statement: any, doc: any) => void): void {
    editPolicy(s, name, (doc) => edit(doc.Statement[0], doc), "assumeRolePolicy");
}


const CASES: Readonly<Record<string, readonly FailureMode[]>> = {
    "all-network-ingress-disallow-world-open": [
        {
            mode: "standalone ingress rule from 0.0.0.0/0 (even the bastion's SSH)",
            edit: (s) => (spec(s, "bastion-ssh-0").inputs.cidrIpv4 = "0.0.0.0/0"),
            expected: [
                "bastion-ssh-0: cidrIpv4 allows tcp 22 from 0.0.0.0/0 (the whole internet). World-open ingress is never allowed, not even to the bastion: list specific source CIDRs or reference a security group.",
            ],
        },
        {
            mode: "inline ingress from ::/0 on all traffic",
            edit: (s) => spec(s, "tools-sg").inputs.ingress.push({ protocol: "-1", fromPort: 0, toPort: 0, ipv6CidrBlocks: ["::/0"] }),
            expected: [
                "tools-sg: ingress[1] allows all traffic from ::/0 (the whole internet). World-open ingress is never allowed, not even to the bastion: list specific source CIDRs or reference a security group.",
            ],
        },
        {
            mode: "security group rule resource from 0.0.0.0/0",
            edit: (s) =>
                s.push({ type: "aws:ec2/securityGroupRule:SecurityGroupRule", name: "https-in", deps: ["tools-sg"], inputs: { type: "ingress", protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], securityGroupId: "tools-sg-id" } }),
            expected: [
                "https-in: cidrBlocks allows tcp 443 from 0.0.0.0/0 (the whole internet). World-open ingress is never allowed, not even to the bastion: list specific source CIDRs or reference a security group.",
            ],
        },
        {
            mode: "node group remote access without source security groups",
            edit: (s) => (spec(s, "workers").inputs.remoteAccess = { ec2SshKey: "ops" }),
            expected: [
                "workers: remoteAccess sets ec2SshKey without sourceSecurityGroupIds, which opens SSH (tcp 22) on the nodes to 0.0.0.0/0. Drop remoteAccess (reach nodes through the bastion or SSM) or set sourceSecurityGroupIds.",
            ],
        },
    ],
    "all-network-ingress-restrict-public-to-bastion-ssh": [
        {
            mode: "public source on a non-bastion security group",
            edit: (s) => spec(s, "tools-sg").inputs.ingress.push({ protocol: "tcp", fromPort: 8080, toPort: 8080, cidrBlocks: ["198.51.100.0/24"] }),
            expected: [
                'tools-sg: aws:ec2/securityGroup:SecurityGroup "tools-sg": ingress[1] allows tcp 8080 from public range 198.51.100.0/24 on security group "tools-sg". Only the bastion\'s security group may admit internet sources: reach this service through the bastion.',
            ],
        },
        {
            mode: "public source on the bastion's security group, not SSH",
            edit: (s) => Object.assign(spec(s, "bastion-ssh-0").inputs, { fromPort: 3389, toPort: 3389 }),
            expected: [
                'bastion-ssh-0: aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule "bastion-ssh-0": cidrIpv4 allows tcp 3389 from public range 203.0.113.0/24 on the bastion\'s security group "bastion-sg". The bastion admits internet sources on SSH (tcp 22) only.',
            ],
        },
    ],
    "all-compute-publicip-restrict-to-bastion-nat": [
        {
            mode: "tool VM with associatePublicIpAddress",
            edit: (s) => (spec(s, "plat-jenkins").inputs.associatePublicIpAddress = true),
            expected: [
                'plat-jenkins: aws:ec2/instance:Instance "plat-jenkins" (role jenkins) gets a public IP: associatePublicIpAddress is true. Only the bastion and NAT gateways may have public IPs: keep it private and reach it through the bastion.',
            ],
        },
        {
            mode: "VM in a subnet that maps public IPs on launch",
            edit: (s) => {
                spec(s, "private-a").inputs.mapPublicIpOnLaunch = true;
                delete spec(s, "plat-jenkins").inputs.associatePublicIpAddress;
            },
            expected: [
                'plat-jenkins: aws:ec2/instance:Instance "plat-jenkins" (role jenkins) gets a public IP: it is launched into subnet "private-a" (mapPublicIpOnLaunch is true) without associatePublicIpAddress: false. Only the bastion and NAT gateways may have public IPs: keep it private and reach it through the bastion.',
            ],
        },
        {
            mode: "the outputs report a public IP (after an update)",
            edit: (s) => {
                delete spec(s, "plat-jenkins").inputs.associatePublicIpAddress;
                spec(s, "plat-jenkins").inputs.publicIp = "198.51.100.7";
            },
            expected: [
                'plat-jenkins: aws:ec2/instance:Instance "plat-jenkins" (role jenkins) gets a public IP: it has public IP 198.51.100.7. Only the bastion and NAT gateways may have public IPs: keep it private and reach it through the bastion.',
            ],
        },
        {
            mode: "launch template with a public network interface",
            edit: (s) => (spec(s, "workers-lt").inputs.networkInterfaces = [{ associatePublicIpAddress: "true" }]),
            expected: [
                'workers-lt: aws:ec2/launchTemplate:LaunchTemplate "workers-lt" (role unset) gets a public IP: networkInterfaces[0].associatePublicIpAddress is "true". Only the bastion and NAT gateways may have public IPs: keep it private and reach it through the bastion.',
            ],
        },
        {
            mode: "elastic IP used by neither NAT nor bastion",
            edit: (s) => s.push({ type: "aws:ec2/eip:Eip", name: "stray-eip", deps: ["plat-jenkins"], inputs: { domain: "vpc", instance: "plat-jenkins-id" } }),
            expected: [
                'stray-eip: aws:ec2/eip:Eip "stray-eip" (role unset) gets a public IP: it is attached to neither a NAT gateway nor the bastion. Only the bastion and NAT gateways may have public IPs: keep it private and reach it through the bastion.',
            ],
        },
    ],
    "all-tags-resource-require-common-tags": [
        {
            mode: "provider default tags lack a key; resources that do not set it themselves are reported",
            edit: (s) => {
                const { "cost-center": _dropped, ...rest } = COMMON_TAGS;
                void _dropped;
                spec(s, "aws-provider").inputs.defaultTags = JSON.stringify({ tags: rest });
                for (const r of s.filter((r) => r.type.startsWith("aws:") && r.name !== "vpc" && r.name !== "platform-key")) {
                    r.inputs.tags = { ...(r.inputs.tags as object | undefined), "cost-center": "cc-1234" };
                }
            },
            expected: [
                'platform-key: aws:kms/key:Key "platform-key" lacks required tags: cost-center. Set them in the provider\'s defaultTags (the common tags) or in the resource\'s tags.',
                'vpc: aws:ec2/vpc:Vpc "vpc" lacks required tags: cost-center. Set them in the provider\'s defaultTags (the common tags) or in the resource\'s tags.',
            ],
        },
        {
            mode: "resource outside the provider's defaults lacks tags",
            edit: (s) => replace(s, "vpc", { provider: null }),
            expected: ['vpc: aws:ec2/vpc:Vpc "vpc" lacks required tags: project, environment, cloud, owner, cost-center, managed-by. Set them in the provider\'s defaultTags (the common tags) or in the resource\'s tags.'],
        },
        {
            mode: "an Azure resource without tags (azure-native has no provider defaults; its preview outputs would hide this)",
            edit: (s) => delete spec(s, "az-vnet").inputs.tags,
            expected: ['az-vnet: azure-native:network:VirtualNetwork "az-vnet" lacks required tags: project, environment, cloud, owner, cost-center, managed-by. Set them in the provider\'s defaultTags (the common tags) or in the resource\'s tags.'],
        },
        {
            mode: "empty tag value on the resource overrides the default",
            edit: (s) => (spec(s, "platform-backups").inputs.tags = { purpose: "backup", owner: "" }),
            expected: ['platform-backups: aws:s3/bucket:Bucket "platform-backups" lacks required tags: owner. Set them in the provider\'s defaultTags (the common tags) or in the resource\'s tags.'],
        },
    ],
    "all-data-stateful-require-protect": [
        {
            mode: "KMS key without protect",
            edit: (s) => replace(s, "platform-key", { protect: false }),
            expected: ['platform-key: aws:kms/key:Key "platform-key" holds state but is not protected. Set the protect resource option so a destroy or replacement cannot delete it.'],
        },
        {
            mode: "tool VM without protect",
            edit: (s) => replace(s, "plat-jenkins", { protect: false }),
            expected: ['plat-jenkins: aws:ec2/instance:Instance "plat-jenkins" holds state but is not protected. Set the protect resource option so a destroy or replacement cannot delete it.'],
        },
    ],
    "all-compute-instance-restrict-types": [
        {
            mode: "instance type outside the allowlist",
            edit: (s) => (spec(s, "plat-jenkins").inputs.instanceType = "p4d.24xlarge"),
            config: { allowedTypes: ["t3.micro", "m6i.large", ...AZURE_FIXTURE_SIZES, ...GCP_FIXTURE_SIZES] },
            expected: [`plat-jenkins: instanceType p4d.24xlarge is not in this environment's allowlist (t3.micro, m6i.large, ${[...AZURE_FIXTURE_SIZES, ...GCP_FIXTURE_SIZES].join(", ")}). Pick an allowed type or extend allowedTypes.`],
        },
        {
            mode: "node group instance type outside the allowlist",
            edit: (s) => (spec(s, "workers").inputs.instanceTypes = ["m6i.large", "x2iedn.32xlarge"]),
            config: { allowedTypes: ["t3.micro", "m6i.large", ...AZURE_FIXTURE_SIZES, ...GCP_FIXTURE_SIZES] },
            expected: [`workers: instanceTypes[1] x2iedn.32xlarge is not in this environment's allowlist (t3.micro, m6i.large, ${[...AZURE_FIXTURE_SIZES, ...GCP_FIXTURE_SIZES].join(", ")}). Pick an allowed type or extend allowedTypes.`],
        },
        // Azure block: VM and AKS pool sizes.
        {
            mode: "Azure VM size and AKS pool size outside the allowlist",
            edit: (s) => {
                spec(s, "az-vault-vm").inputs.hardwareProfile.vmSize = "Standard_M416ms_v2";
                spec(s, "az-aks-workload").inputs.vmSize = "Standard_ND96asr_v4";
            },
            config: { allowedTypes: ["t3.micro", "m6i.large", "m6i.xlarge", ...AZURE_FIXTURE_SIZES, ...GCP_FIXTURE_SIZES] },
            expected: [
                `az-vault-vm: hardwareProfile.vmSize Standard_M416ms_v2 is not in this environment's allowlist (t3.micro, m6i.large, m6i.xlarge, ${[...AZURE_FIXTURE_SIZES, ...GCP_FIXTURE_SIZES].join(", ")}). Pick an allowed type or extend allowedTypes.`,
                `az-aks-workload: vmSize Standard_ND96asr_v4 is not in this environment's allowlist (t3.micro, m6i.large, m6i.xlarge, ${[...AZURE_FIXTURE_SIZES, ...GCP_FIXTURE_SIZES].join(", ")}). Pick an allowed type or extend allowedTypes.`,
            ],
        },
    ],
    "aws-ec2-instance-require-imdsv2": [
        {
            mode: "httpTokens optional",
            edit: (s) => (spec(s, "plat-bastion").inputs.metadataOptions.httpTokens = "optional"),
            expected: [
                'plat-bastion: metadataOptions.httpTokens is "optional", which allows IMDSv1 (token-less requests a server-side request forgery can abuse). Set metadataOptions.httpTokens to "required".',
            ],
        },
        {
            mode: "metadataOptions unset",
            edit: (s) => delete spec(s, "plat-jenkins").inputs.metadataOptions,
            expected: ['plat-jenkins: metadataOptions.httpTokens is unset, which allows IMDSv1 (token-less requests a server-side request forgery can abuse). Set metadataOptions.httpTokens to "required".'],
        },
    ],
    "aws-ec2-launchtemplate-require-imdsv2": [
        {
            mode: "httpTokens optional",
            edit: (s) => (spec(s, "workers-lt").inputs.metadataOptions.httpTokens = "optional"),
            expected: ['workers-lt: metadataOptions.httpTokens is "optional", which allows IMDSv1 (token-less requests a server-side request forgery can abuse). Set metadataOptions.httpTokens to "required".'],
        },
    ],
    "aws-ec2-instance-require-encrypted-volumes": [
        {
            mode: "root volume unencrypted",
            edit: (s) => (spec(s, "plat-bastion").inputs.rootBlockDevice = { volumeSize: 20 }),
            expected: ["plat-bastion: rootBlockDevice is not encrypted (encrypted is unset). Set encrypted to true with the platform's KMS key."],
        },
        {
            mode: "root volume with the AWS-managed key",
            edit: (s) => delete spec(s, "plat-bastion").inputs.rootBlockDevice.kmsKeyId,
            expected: ["plat-bastion: rootBlockDevice is encrypted with the AWS-managed key (kmsKeyId is unset). Set kmsKeyId to the platform's customer-managed KMS key."],
        },
        {
            mode: "data volume explicitly unencrypted",
            edit: (s) => (spec(s, "plat-jenkins").inputs.ebsBlockDevices[0].encrypted = false),
            expected: ["plat-jenkins: ebsBlockDevices[0] is not encrypted (encrypted is false). Set encrypted to true with the platform's KMS key."],
        },
    ],
    "aws-ec2-launchtemplate-require-encrypted-volumes": [
        {
            mode: "no block device mappings",
            edit: (s) => delete spec(s, "workers-lt").inputs.blockDeviceMappings,
            expected: [
                'workers-lt: blockDeviceMappings defines no EBS volume, so the root volume takes the AMI\'s (unencrypted) default. Map the root device with ebs.encrypted "true" and ebs.kmsKeyId.',
            ],
        },
        {
            mode: "mapping not encrypted",
            edit: (s) => (spec(s, "workers-lt").inputs.blockDeviceMappings[0].ebs.encrypted = "false"),
            expected: ["workers-lt: blockDeviceMappings[0].ebs is not encrypted (encrypted is false). Set encrypted to true with the platform's KMS key."],
        },
        {
            mode: "mapping without a customer key",
            edit: (s) => delete spec(s, "workers-lt").inputs.blockDeviceMappings[0].ebs.kmsKeyId,
            expected: ["workers-lt: blockDeviceMappings[0].ebs is encrypted with the AWS-managed key (kmsKeyId is unset). Set kmsKeyId to the platform's customer-managed KMS key."],
        },
    ],
    "aws-ebs-volume-require-encryption": [
        {
            mode: "unencrypted",
            edit: (s) => (spec(s, "vault-data").inputs.encrypted = false),
            expected: ["vault-data: The volume is not encrypted (encrypted is false). Set encrypted to true with the platform's KMS key."],
        },
        {
            mode: "AWS-managed key",
            edit: (s) => delete spec(s, "vault-data").inputs.kmsKeyId,
            expected: ["vault-data: The volume is encrypted with the AWS-managed key (kmsKeyId is unset). Set kmsKeyId to the platform's customer-managed KMS key."],
        },
    ],
    "aws-ec2-instance-disallow-password-ssh": [
        {
            mode: "cloud-config ssh_pwauth: true",
            edit: (s) => (spec(s, "plat-bastion").inputs.userData = "#cloud-config\nssh_pwauth: true\n"),
            expected: ["plat-bastion: userData enables SSH password logins (ssh_pwauth: true). SSH must be key-only: remove it and keep ssh_pwauth: false."],
        },
        {
            mode: "sshd PasswordAuthentication yes in base64 user data",
            edit: (s) => (spec(s, "plat-jenkins").inputs.userDataBase64 = b64("#!/bin/bash\necho 'PasswordAuthentication yes' >> /etc/ssh/sshd_config\n")),
            expected: ["plat-jenkins: userDataBase64 enables SSH password logins (PasswordAuthentication yes). SSH must be key-only: remove it and keep ssh_pwauth: false."],
        },
        {
            mode: "keyboard-interactive in a launch template",
            edit: (s) => (spec(s, "workers-lt").inputs.userData = b64("#!/bin/bash\nsed -i 's/.*/KbdInteractiveAuthentication yes/' /etc/ssh/sshd_config\n")),
            expected: ["workers-lt: userData enables SSH password logins (KbdInteractiveAuthentication yes). SSH must be key-only: remove it and keep ssh_pwauth: false."],
        },
    ],
    "aws-ec2-defaultsecuritygroup-disallow-rules": [
        {
            mode: "default security group not adopted",
            edit: (s) => remove(s, "vpc-default-sg"),
            expected: ['vpc: aws:ec2/vpc:Vpc "vpc" leaves its default security group unmanaged, with AWS\'s allow-all rules. Adopt it with aws.ec2.DefaultSecurityGroup (vpcId) and no ingress or egress.'],
        },
        {
            mode: "ingress rule on the default group",
            edit: (s) => (spec(s, "vpc-default-sg").inputs.ingress = [{ protocol: "-1", fromPort: 0, toPort: 0, self: true }]),
            expected: ['vpc-default-sg: aws:ec2/defaultSecurityGroup:DefaultSecurityGroup "vpc-default-sg" has 1 ingress rule(s). The default security group must have none: give workloads their own security groups.'],
        },
        {
            mode: "egress rule on the default group",
            edit: (s) => (spec(s, "vpc-default-sg").inputs.egress = [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }]),
            expected: ['vpc-default-sg: aws:ec2/defaultSecurityGroup:DefaultSecurityGroup "vpc-default-sg" has 1 egress rule(s). The default security group must have none: give workloads their own security groups.'],
        },
    ],
    "aws-ec2-vpc-require-flow-logs": [
        {
            mode: "VPC without a flow log",
            edit: (s) => remove(s, "vpc-flow-log"),
            expected: ['vpc: aws:ec2/vpc:Vpc "vpc" has no flow log. Add an aws.ec2.FlowLog with vpcId set to this VPC and trafficType "ALL".'],
        },
    ],
    "aws-ec2-flowlog-require-all-traffic": [
        {
            mode: "rejected traffic only",
            edit: (s) => (spec(s, "vpc-flow-log").inputs.trafficType = "REJECT"),
            expected: ['vpc-flow-log: trafficType is "REJECT"; investigations need both accepted and rejected flows. Set trafficType to "ALL".'],
        },
    ],
    "aws-eks-cluster-disallow-world-api-access": [
        {
            mode: "public endpoint by default, no CIDRs",
            edit: (s) => (spec(s, "plat-cluster").inputs.vpcConfig = { subnetIds: ["private-a-id", "private-b-id"], endpointPrivateAccess: true }),
            expected: [
                "plat-cluster: vpcConfig.endpointPublicAccess is unset (defaults to true) and vpcConfig.publicAccessCidrs is unset, so the API is open to 0.0.0.0/0. Set publicAccessCidrs to the authorized CIDRs (access mode restricted) or endpointPublicAccess to false (access mode private).",
            ],
        },
        {
            mode: "public endpoint open to 0.0.0.0/0",
            edit: (s) => (spec(s, "plat-cluster").inputs.vpcConfig.publicAccessCidrs = ["203.0.113.0/24", "0.0.0.0/0"]),
            expected: ["plat-cluster: vpcConfig.endpointPublicAccess is true and vpcConfig.publicAccessCidrs contains 0.0.0.0/0. List only the authorized CIDRs, or set endpointPublicAccess to false."],
        },
    ],
    "aws-eks-cluster-require-private-endpoint": [
        {
            mode: "private endpoint unset",
            edit: (s) => delete spec(s, "plat-cluster").inputs.vpcConfig.endpointPrivateAccess,
            expected: ["plat-cluster: vpcConfig.endpointPrivateAccess is unset (defaults to false): node and bastion traffic to the API would leave the VPC. Set it to true."],
        },
    ],
    "aws-eks-cluster-require-secrets-encryption": [
        {
            mode: "no encryption config",
            edit: (s) => delete spec(s, "plat-cluster").inputs.encryptionConfig,
            expected: ['plat-cluster: encryptionConfig is unset, so secrets are stored with only the default EBS-level encryption. Set encryptionConfig with resources ["secrets"] and provider.keyArn of a KMS key.'],
        },
        {
            mode: "secrets not among the encrypted resources",
            edit: (s) => (spec(s, "plat-cluster").inputs.encryptionConfig.resources = []),
            expected: ['plat-cluster: encryptionConfig.resources is []; it must include "secrets".'],
        },
        {
            mode: "no key ARN",
            edit: (s) => (spec(s, "plat-cluster").inputs.encryptionConfig.provider = {}),
            expected: ["plat-cluster: encryptionConfig.provider.keyArn is unset. Set it to the platform's KMS key ARN."],
        },
    ],
    "aws-eks-cluster-require-control-plane-logs": [
        {
            mode: "audit and authenticator logs off",
            edit: (s) => (spec(s, "plat-cluster").inputs.enabledClusterLogTypes = ["api", "controllerManager", "scheduler"]),
            expected: ["plat-cluster: enabledClusterLogTypes lacks audit, authenticator. Enable api, audit, authenticator, controllerManager, scheduler."],
        },
    ],
    "aws-eks-nodegroup-require-private-subnets": [
        {
            mode: "node group in a subnet routed to the internet gateway",
            edit: (s) => {
                spec(s, "workers").inputs.subnetIds = ["public-a-id", "private-b-id"];
                replace(s, "workers", { deps: ["plat-cluster", "public-a", "private-b", "workers-lt"] });
            },
            expected: ['workers: aws:eks/nodeGroup:NodeGroup "workers" uses public subnet "public-a" (its route table "public-rt" routes to an internet gateway). Place node groups in the private subnets.'],
        },
        {
            mode: "node group in a subnet that maps public IPs",
            edit: (s) => (spec(s, "private-b").inputs.mapPublicIpOnLaunch = true),
            expected: ['workers: aws:eks/nodeGroup:NodeGroup "workers" uses public subnet "private-b" (mapPublicIpOnLaunch is true). Place node groups in the private subnets.'],
        },
    ],
    "aws-ec2-instance-require-private-subnet": [
        {
            mode: "tool VM in the public subnet",
            edit: (s) => replace(s, "plat-jenkins", { deps: ["public-a", "tools-sg", "platform-key"] }),
            expected: ['plat-jenkins: aws:ec2/instance:Instance "plat-jenkins" (role jenkins) is in public subnet "public-a" (its route table "public-rt" routes to an internet gateway). Tool VMs belong in the private subnets.'],
        },
    ],
    "aws-eks-nodegroup-require-minimum-size": [
        {
            mode: "single node",
            edit: (s) => (spec(s, "workers").inputs.scalingConfig.minSize = 1),
            expected: [
                "workers: aws:eks/nodeGroup:NodeGroup \"workers\": its pool plat-cluster/workers keeps at least 1 node(s) (scalingConfig.minSize over its node groups); at least 2 keep workloads running through a node failure. Raise minSize to 2 or more across the pool.",
            ],
        },
        {
            mode: "a pool of one group per zone whose floors add up to one node",
            edit: (s) => {
                const workers = spec(s, "workers");
                workers.inputs.labels = { "platform/pool": "workload" };
                workers.inputs.scalingConfig.minSize = 1;
                replace(s, "workers", { deps: ["plat-cluster", "private-a", "workers-lt"] });
                spec(s, "workers").inputs.subnetIds = ["private-a-id"];
                s.push({
                    type: "aws:eks/nodeGroup:NodeGroup",
                    name: "workers-b",
                    deps: ["plat-cluster", "private-b", "workers-lt"],
                    inputs: { clusterName: "plat-cluster", subnetIds: ["private-b-id"], instanceTypes: ["m6i.large"], labels: { "platform/pool": "workload" }, scalingConfig: { minSize: 0, maxSize: 2, desiredSize: 1 }, tags: { ...COMMON_TAGS } },
                });
            },
            expected: [
                "workers: aws:eks/nodeGroup:NodeGroup \"workers\": its pool plat-cluster/workload keeps at least 1 node(s) (scalingConfig.minSize over its node groups); at least 2 keep workloads running through a node failure. Raise minSize to 2 or more across the pool.",
                "workers-b: aws:eks/nodeGroup:NodeGroup \"workers-b\": its pool plat-cluster/workload keeps at least 1 node(s) (scalingConfig.minSize over its node groups); at least 2 keep workloads running through a node failure. Raise minSize to 2 or more across the pool.",
            ],
        },
    ],
    "aws-eks-nodegroup-require-multi-az": [
        {
            mode: "one subnet",
            edit: (s) => {
                replace(s, "workers", { deps: ["plat-cluster", "private-a", "workers-lt"] });
                spec(s, "workers").inputs.subnetIds = ["private-a-id"];
            },
            expected: [
                'workers: aws:eks/nodeGroup:NodeGroup "workers" (pool plat-cluster/workers) is in 1 availability zone(s) with the rest of its pool; a zone outage would take every node of the pool. Give the pool private subnets in at least two zones (one node group per zone, or a group over several).',
            ],
        },
        {
            mode: "a pool of per-zone groups that all sit in one zone",
            edit: (s) => {
                replace(s, "workers", { deps: ["plat-cluster", "private-a", "workers-lt"] });
                Object.assign(spec(s, "workers").inputs, { subnetIds: ["private-a-id"], labels: { "platform/pool": "workload" } });
                s.push({
                    type: "aws:eks/nodeGroup:NodeGroup",
                    name: "workers-b",
                    deps: ["plat-cluster", "private-a", "workers-lt"],
                    inputs: { clusterName: "plat-cluster", subnetIds: ["private-a-id"], instanceTypes: ["m6i.large"], labels: { "platform/pool": "workload" }, scalingConfig: { minSize: 1, maxSize: 2, desiredSize: 1 }, tags: { ...COMMON_TAGS } },
                });
            },
            expected: [
                'workers: aws:eks/nodeGroup:NodeGroup "workers" (pool plat-cluster/workload) is in 1 availability zone(s) with the rest of its pool; a zone outage would take every node of the pool. Give the pool private subnets in at least two zones (one node group per zone, or a group over several).',
                'workers-b: aws:eks/nodeGroup:NodeGroup "workers-b" (pool plat-cluster/workload) is in 1 availability zone(s) with the rest of its pool; a zone outage would take every node of the pool. Give the pool private subnets in at least two zones (one node group per zone, or a group over several).',
            ],
        },
    ],
    "aws-kms-key-require-rotation": [
        {
            mode: "rotation unset",
            edit: (s) => delete spec(s, "platform-key").inputs.enableKeyRotation,
            expected: ["platform-key: enableKeyRotation is unset. Set enableKeyRotation to true."],
        },
        {
            mode: "rotation off",
            edit: (s) => (spec(s, "platform-key").inputs.enableKeyRotation = false),
            expected: ["platform-key: enableKeyRotation is false. Set enableKeyRotation to true."],
        },
    ],
    "aws-s3-bucket-require-public-access-block": [
        {
            mode: "bucket without a public access block",
            edit: (s) => remove(s, "platform-backups-pab"),
            expected: ['platform-backups: aws:s3/bucket:Bucket "platform-backups" has no public access block. Add an aws.s3.BucketPublicAccessBlock for it with all four settings true.'],
        },
    ],
    "aws-s3-bucketpublicaccessblock-require-all-blocks": [
        {
            mode: "two settings off",
            edit: (s) => {
                spec(s, "platform-backups-pab").inputs.blockPublicPolicy = false;
                delete spec(s, "platform-backups-pab").inputs.restrictPublicBuckets;
            },
            expected: ["platform-backups-pab: blockPublicPolicy is false, restrictPublicBuckets is unset. Set all of blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets to true."],
        },
    ],
    "aws-s3-bucket-require-kms-encryption": [
        {
            mode: "no encryption configuration",
            edit: (s) => remove(s, "platform-backups-sse"),
            expected: ['platform-backups: aws:s3/bucket:Bucket "platform-backups" has no server-side encryption configuration. Add an aws.s3.BucketServerSideEncryptionConfiguration with sseAlgorithm "aws:kms" and kmsMasterKeyId.'],
        },
    ],
    "aws-s3-bucketserversideencryptionconfiguration-require-kms-key": [
        {
            mode: "SSE-S3 instead of KMS",
            edit: (s) => (spec(s, "platform-backups-sse").inputs.rules = [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]),
            expected: ['platform-backups-sse: rules[0].applyServerSideEncryptionByDefault.sseAlgorithm is "AES256", not KMS. Set sseAlgorithm "aws:kms" and kmsMasterKeyId to the platform\'s key.'],
        },
        {
            mode: "KMS with the AWS-managed key",
            edit: (s) => delete spec(s, "platform-backups-sse").inputs.rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId,
            expected: ["platform-backups-sse: rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId is unset, so S3 uses the AWS-managed aws/s3 key. Set kmsMasterKeyId to the platform's customer-managed key."],
        },
        {
            mode: "a rule without a default encryption",
            edit: (s) => (spec(s, "platform-backups-sse").inputs.rules = [{ bucketKeyEnabled: true }]),
            expected: ['platform-backups-sse: rules[0].applyServerSideEncryptionByDefault is unset, so new objects get SSE-S3 (Amazon\'s keys). Set sseAlgorithm "aws:kms" and kmsMasterKeyId to the platform\'s key.'],
        },
    ],
    "aws-s3-bucket-require-versioning-for-backups": [
        {
            mode: "backup bucket without versioning",
            edit: (s) => remove(s, "platform-backups-versioning"),
            expected: ['platform-backups: aws:s3/bucket:Bucket "platform-backups" holds backups but has no versioning. Add an aws.s3.BucketVersioning with versioningConfiguration.status "Enabled".'],
        },
        {
            mode: "versioning suspended",
            edit: (s) => (spec(s, "platform-backups-versioning").inputs.versioningConfiguration.status = "Suspended"),
            expected: ['platform-backups: aws:s3/bucket:Bucket "platform-backups" holds backups but its versioning status is "Suspended". Set versioningConfiguration.status to "Enabled".'],
        },
    ],
    "aws-cloudwatch-loggroup-require-kms": [
        {
            mode: "no key",
            edit: (s) => delete spec(s, "flow-logs").inputs.kmsKeyId,
            expected: ["flow-logs: kmsKeyId is unset. Set it to the platform's KMS key ARN (the key policy must allow the logs service principal)."],
        },
    ],
    "aws-cloudwatch-loggroup-require-retention": [
        {
            mode: "never expires",
            edit: (s) => delete spec(s, "flow-logs").inputs.retentionInDays,
            expected: ["flow-logs: retentionInDays is unset, so logs never expire and storage grows forever. Set retentionInDays (at least 30)."],
        },
        {
            mode: "below the minimum",
            edit: (s) => (spec(s, "flow-logs").inputs.retentionInDays = 14),
            expected: ["flow-logs: retentionInDays is 14, below this environment's minimum of 30. Raise it to at least 30."],
        },
    ],
    "aws-backup-selection-require-tool-vm-coverage": [
        {
            mode: "selection tags match another role",
            edit: (s) => (spec(s, "backup-tools").inputs.selectionTags = [{ type: "STRINGEQUALS", key: "role", value: "vault" }]),
            expected: [
                'plat-jenkins: aws:ec2/instance:Instance "plat-jenkins" (role jenkins) is not covered by any AWS Backup selection. Add it to a aws.backup.Selection (resources with its ARN, or selectionTags on its role tag).',
            ],
        },
        {
            mode: "conditions the VM does not meet (they narrow the selection)",
            edit: (s) => (spec(s, "backup-tools").inputs.conditions = [{ stringEquals: [{ key: "aws:ResourceTag/backup-scope", value: "another-stack" }] }]),
            expected: [
                'plat-jenkins: aws:ec2/instance:Instance "plat-jenkins" (role jenkins) is not covered by any AWS Backup selection. Add it to a aws.backup.Selection (resources with its ARN, or selectionTags on its role tag).',
            ],
        },
        {
            mode: "every instance excluded by notResources",
            edit: (s) => (spec(s, "backup-tools").inputs.notResources = ["arn:aws:ec2:*:*:instance/*"]),
            expected: [
                'plat-jenkins: aws:ec2/instance:Instance "plat-jenkins" (role jenkins) is not covered by any AWS Backup selection. Add it to a aws.backup.Selection (resources with its ARN, or selectionTags on its role tag).',
            ],
        },
        {
            mode: "no selection at all",
            edit: (s) => remove(s, "backup-tools"),
            expected: [
                'plat-jenkins: aws:ec2/instance:Instance "plat-jenkins" (role jenkins) is not covered by any AWS Backup selection. Add it to a aws.backup.Selection (resources with its ARN, or selectionTags on its role tag).',
            ],
        },
    ],
    "kubernetes-helm-release-require-chart-version": [
        {
            mode: "no version",
            edit: (s) => delete spec(s, "argocd").inputs.version,
            expected: ['argocd: chart "argo-cd" has no version, so every deploy may install a different chart. Set version to an exact chart version.'],
        },
        {
            mode: "a semver range",
            edit: (s) => (spec(s, "argocd").inputs.version = "^7.7.0"),
            expected: ['argocd: chart "argo-cd" version "^7.7.0" is a range, not a pin. Set version to an exact chart version.'],
        },
    ],
    "kubernetes-apps-workload-disallow-latest-image": [
        {
            mode: "SeldonDeployment predictor container on :latest",
            edit: (s) => (spec(s, "iris").inputs.spec.predictors[0].componentSpecs[0].spec.containers[0].image = "seldonio/sklearnserver:latest"),
            expected: ['iris: spec.predictors[0].componentSpecs[0].spec.containers[0] "classifier" uses image "seldonio/sklearnserver:latest"; ":latest" changes under you. Pin a version tag or a digest.'],
        },
        {
            mode: "Helm values pin the image tag to latest",
            edit: (s) => (spec(s, "argocd").inputs.values.global.image.tag = "latest"),
            expected: ['argocd: values.global.image.tag is "latest", which changes under you. Pin a version tag or a digest.'],
        },
        {
            mode: "Helm values name a :latest image",
            edit: (s) => (spec(s, "argocd").inputs.values.storageInitializer = { image: "seldonio/rclone-storage-initializer:latest" }),
            expected: ['argocd: values.storageInitializer.image is "seldonio/rclone-storage-initializer:latest"; ":latest" changes under you. Pin a version tag or a digest.'],
        },
        {
            mode: ":latest",
            edit: (s) => (spec(s, "web").inputs.spec.template.spec.containers[0].image = "ghcr.io/example/web:latest"),
            expected: ['web: containers[0] "web" uses image "ghcr.io/example/web:latest"; ":latest" changes under you. Pin a version tag or a digest.'],
        },
        {
            mode: "untagged (registry with a port)",
            edit: (s) => (spec(s, "web").inputs.spec.template.spec.initContainers[0].image = "registry.local:5000/migrate"),
            expected: ['web: initContainers[0] "migrate" uses untagged image "registry.local:5000/migrate", which means ":latest". Pin a version tag or a digest.'],
        },
    ],
    "kubernetes-apps-workload-disallow-privileged": [
        {
            mode: "privileged container in a SeldonDeployment predictor",
            edit: (s) => (spec(s, "iris").inputs.spec.predictors[0].componentSpecs[0].spec.containers[0].securityContext.privileged = true),
            expected: ['iris: spec.predictors[0].componentSpecs[0].spec.containers[0] "classifier" sets securityContext.privileged: true, which gives it the node. Remove it; grant only the specific capabilities needed.'],
        },
        {
            mode: "privileged container added by a DeploymentPatch",
            edit: (s) => (spec(s, "seldon-manager-patch").inputs.spec.template.spec.containers = [{ name: "manager", securityContext: { privileged: true } }]),
            expected: ['seldon-manager-patch: containers[0] "manager" sets securityContext.privileged: true, which gives it the node. Remove it; grant only the specific capabilities needed.'],
        },
        {
            mode: "Helm values make a chart container privileged",
            edit: (s) => (spec(s, "argocd").inputs.values.controller.containerSecurityContext.privileged = true),
            expected: ["argocd: values.controller.containerSecurityContext.privileged is true: the chart renders a privileged container, which gives it the node. Remove the value; grant only the specific capabilities needed."],
        },
        {
            mode: "privileged container",
            edit: (s) => (spec(s, "web").inputs.spec.template.spec.containers[0].securityContext.privileged = true),
            expected: ['web: containers[0] "web" sets securityContext.privileged: true, which gives it the node. Remove it; grant only the specific capabilities needed.'],
        },
    ],
    "kubernetes-apps-workload-disallow-host-network": [
        {
            mode: "hostNetwork through a DeploymentPatch",
            edit: (s) => (spec(s, "seldon-manager-patch").inputs.spec.template.spec.hostNetwork = true),
            expected: ["seldon-manager-patch: The pod spec sets hostNetwork: true, which bypasses NetworkPolicies and exposes node ports. Remove it."],
        },
        {
            mode: "hostNetwork in a SeldonDeployment predictor",
            edit: (s) => (spec(s, "iris").inputs.spec.predictors[0].componentSpecs[0].spec.hostNetwork = true),
            expected: ["iris: spec.predictors[0].componentSpecs[0].spec sets hostNetwork: true, which bypasses NetworkPolicies and exposes node ports. Remove it."],
        },
        {
            mode: "Helm values put a chart's pods on the node network",
            edit: (s) => (spec(s, "argocd").inputs.values.repoServer.hostNetwork = true),
            expected: ["argocd: values.repoServer.hostNetwork is true: the chart's pods would share the node's network, bypassing NetworkPolicies and exposing node ports. Remove the value."],
        },
        {
            mode: "hostNetwork",
            edit: (s) => (spec(s, "web").inputs.spec.template.spec.hostNetwork = true),
            expected: ["web: The pod spec sets hostNetwork: true, which bypasses NetworkPolicies and exposes node ports. Remove it."],
        },
    ],
    "kubernetes-apps-workload-disallow-host-path": [
        {
            mode: "hostPath volume in a SeldonDeployment predictor",
            edit: (s) => (spec(s, "iris").inputs.spec.predictors[0].componentSpecs[0].spec.volumes = [{ name: "models", hostPath: { path: "/mnt/models" } }]),
            expected: ['iris: spec.predictors[0].componentSpecs[0].spec.volumes[0] "models" mounts hostPath "/mnt/models" from the node. Use a PersistentVolumeClaim, emptyDir, ConfigMap or Secret instead.'],
        },
        {
            mode: "Helm values add a hostPath volume",
            edit: (s) => spec(s, "argocd").inputs.values.repoServer.volumes.push({ name: "docker", hostPath: { path: "/var/run/docker.sock" } }),
            expected: ['argocd: values.repoServer.volumes[1].hostPath mounts "/var/run/docker.sock" from the node into the chart\'s pods. Use a PersistentVolumeClaim, emptyDir, ConfigMap or Secret instead.'],
        },
        {
            mode: "hostPath volume",
            edit: (s) => spec(s, "web").inputs.spec.template.spec.volumes.push({ name: "docker", hostPath: { path: "/var/run/docker.sock" } }),
            expected: ['web: volumes[1] "docker" mounts hostPath "/var/run/docker.sock" from the node. Use a PersistentVolumeClaim, emptyDir, ConfigMap or Secret instead.'],
        },
    ],
    "kubernetes-core-namespace-require-default-deny": [
        {
            mode: "namespace without any policy",
            edit: (s) => remove(s, "apps-default-deny"),
            expected: [
                'apps: Namespace "apps" has no default-deny NetworkPolicy for Ingress. Add a NetworkPolicy in it with podSelector {} and policyTypes ["Ingress"] and no rules, then allow what is needed explicitly.',
            ],
        },
        {
            mode: "policy selects only some pods",
            edit: (s) => (spec(s, "apps-default-deny").inputs.spec.podSelector = { matchLabels: { app: "web" } }),
            expected: [
                'apps: Namespace "apps" has no default-deny NetworkPolicy for Ingress. Add a NetworkPolicy in it with podSelector {} and policyTypes ["Ingress"] and no rules, then allow what is needed explicitly.',
            ],
        },
        {
            mode: "egress required by config but only ingress denied",
            edit: (s) => (spec(s, "apps-default-deny").inputs.spec.policyTypes = ["Ingress"]),
            config: { policyTypes: ["Ingress", "Egress"] },
            expected: [
                'apps: Namespace "apps" has no default-deny NetworkPolicy for Egress. Add a NetworkPolicy in it with podSelector {} and policyTypes ["Ingress", "Egress"] and no rules, then allow what is needed explicitly.',
            ],
        },
    ],
    "kubernetes-argoproj-application-require-automated-sync": [
        {
            mode: "manual sync",
            edit: (s) => delete spec(s, "apps-root").inputs.spec.syncPolicy,
            expected: ["apps-root: spec.syncPolicy.automated is unset, so merged changes wait for a manual sync. Set spec.syncPolicy.automated (prune and selfHeal)."],
        },
        {
            mode: "automated but disabled",
            edit: (s) => (spec(s, "apps-root").inputs.spec.syncPolicy.automated.enabled = false),
            expected: ["apps-root: spec.syncPolicy.automated.enabled is false, so merged changes wait for a manual sync. Remove enabled: false."],
        },
    ],
    "aws-iam-policy-disallow-full-admin": [
        {
            mode: "inline policy allows * on *",
            edit: (s) => addStatement(s, "jenkins-policy", { Sid: "Admin", Effect: "Allow", Action: "*", Resource: "*" }),
            expected: ['jenkins-policy: policy Statement[3] ("Admin") allows Action "*" on every resource: full administrator access. Grant the specific actions on the specific resources the identity needs.'],
        },
        {
            mode: "every action but a NotAction list, on every resource",
            edit: (s) => addStatement(s, "jenkins-policy", { Effect: "Allow", NotAction: ["iam:*", "organizations:*"], Resource: "*" }),
            expected: ['jenkins-policy: policy Statement[3] allows every action except NotAction ["iam:*","organizations:*"] on every resource: administrator access in all but name. Grant the specific actions on the specific resources the identity needs.'],
        },
        {
            mode: "AdministratorAccess attached",
            edit: (s) => (spec(s, "jenkins-ssm").inputs.policyArn = "arn:aws:iam::aws:policy/AdministratorAccess"),
            expected: ["jenkins-ssm: policyArn attaches arn:aws:iam::aws:policy/AdministratorAccess: full administrator access. Grant the specific actions on the specific resources the identity needs."],
        },
        {
            mode: "role inline policy with *:*",
            edit: (s) => (spec(s, "jenkins-role").inputs.inlinePolicies = [{ name: "all", policy: JSON.stringify({ Version: "2012-10-17", Statement: { Effect: "Allow", Action: "*:*", Resource: ["*"] } }) }]),
            expected: ['jenkins-role: inlinePolicies[0].policy Statement[0] allows Action "*:*" on every resource: full administrator access. Grant the specific actions on the specific resources the identity needs.'],
        },
    ],
    "aws-iam-policy-disallow-wildcard-resource-writes": [
        {
            mode: "a write action on Resource *",
            edit: (s) => addStatement(s, "jenkins-policy", { Sid: "PutAnywhere", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: "*" }),
            expected: ['jenkins-policy: policy Statement[3] ("PutAnywhere") allows write action(s) "s3:PutObject" on Resource "*". Scope them to the ARNs they need.'],
        },
        {
            mode: "a service wildcard on every resource but a NotResource list",
            edit: (s) => addStatement(s, "jenkins-policy", { Effect: "Allow", Action: "kms:*", NotResource: "arn:aws:kms:eu-west-1:111122223333:key/other" }),
            expected: ['jenkins-policy: policy Statement[3] allows write action(s) "kms:*" on every resource but its NotResource list. Scope them to the ARNs they need.'],
        },
        {
            mode: "kms:Decrypt on every key (Write by IAM's access levels)",
            edit: (s) => addStatement(s, "jenkins-policy", { Effect: "Allow", Action: ["kms:Decrypt", "kms:DescribeKey"], Resource: "*" }),
            expected: ['jenkins-policy: policy Statement[3] allows write action(s) "kms:Decrypt" on Resource "*". Scope them to the ARNs they need.'],
        },
    ],
    "aws-iam-role-require-trust-conditions": [
        {
            mode: "web-identity trust without a subject condition",
            edit: (s) => editTrust(s, "ebs-csi-role", (st) => delete st.Condition.StringEquals[`${OIDC_HOST}:sub`]),
            expected: [
                `ebs-csi-role: assumeRolePolicy Statement[0] trusts the OIDC provider ${OIDC_HOST} without pinning ${OIDC_HOST}:sub: any identity that provider issues tokens to could assume the role. Add StringEquals conditions: the subject to the one service account or repository, the audience to sts.amazonaws.com.`,
            ],
        },
        {
            mode: "subject wildcard over every namespace, audience unset",
            edit: (s) =>
                editTrust(s, "ebs-csi-role", (st) => {
                    st.Condition = { StringLike: { [`${OIDC_HOST}:sub`]: "system:serviceaccount:*" } };
                }),
            expected: [
                `ebs-csi-role: assumeRolePolicy Statement[0] trusts the OIDC provider ${OIDC_HOST} without pinning ${OIDC_HOST}:sub and ${OIDC_HOST}:aud: any identity that provider issues tokens to could assume the role. Add StringEquals conditions: the subject to the one service account or repository, the audience to sts.amazonaws.com.`,
            ],
        },
        {
            mode: "any AWS principal, no condition",
            edit: (s) => editTrust(s, "jenkins-role", (_st, doc) => doc.Statement.push({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" })),
            expected: ["jenkins-role: assumeRolePolicy Statement[1] lets any AWS principal assume the role, with no condition. Name the trusted account or role, or add conditions (aws:PrincipalOrgID, sts:ExternalId)."],
        },
        {
            mode: "SAML trust without SAML:aud",
            edit: (s) => editTrust(s, "jenkins-role", (_st, doc) => doc.Statement.push({ Effect: "Allow", Principal: { Federated: "arn:aws:iam::111122223333:saml-provider/corp" }, Action: "sts:AssumeRoleWithSAML" })),
            expected: ['jenkins-role: assumeRolePolicy Statement[1] trusts the SAML provider "arn:aws:iam::111122223333:saml-provider/corp" without a fixed SAML:aud condition. Add StringEquals on SAML:aud (the sign-in endpoint).'],
        },
    ],
    "aws-iam-resourcepolicy-disallow-public-principal": [
        {
            mode: "bucket objects readable by everyone",
            edit: (s) => addStatement(s, "platform-backups-policy", { Sid: "PublicRead", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::platform-backups/*" }),
            expected: [
                'platform-backups-policy: policy Statement[2] ("PublicRead") allows "s3:GetObject" to every principal (*) without a condition binding it to known callers. Name the principals, or add a condition with fixed values (aws:SourceAccount, aws:SourceArn, aws:SourceVpce, aws:PrincipalOrgID, kms:CallerAccount).',
            ],
        },
        {
            mode: "a wildcard condition value or a world CIDR binds nothing",
            edit: (s) => {
                addStatement(s, "platform-backups-policy", { Effect: "Allow", Principal: { AWS: "*" }, Action: ["s3:GetObject"], Resource: "arn:aws:s3:::platform-backups/*", Condition: { ArnLike: { "aws:SourceArn": "arn:aws:*" } } });
                addStatement(s, "platform-backups-policy", { Effect: "Allow", Principal: "*", Action: "s3:ListBucket", Resource: "arn:aws:s3:::platform-backups", Condition: { IpAddress: { "aws:SourceIp": ["0.0.0.0/0"] } } });
            },
            expected: [
                'platform-backups-policy: policy Statement[2] allows "s3:GetObject" to every principal (*) without a condition binding it to known callers. Name the principals, or add a condition with fixed values (aws:SourceAccount, aws:SourceArn, aws:SourceVpce, aws:PrincipalOrgID, kms:CallerAccount).',
                'platform-backups-policy: policy Statement[3] allows "s3:ListBucket" to every principal (*) without a condition binding it to known callers. Name the principals, or add a condition with fixed values (aws:SourceAccount, aws:SourceArn, aws:SourceVpce, aws:PrincipalOrgID, kms:CallerAccount).',
            ],
        },
        {
            mode: "KMS key policy open to every AWS principal",
            edit: (s) =>
                (spec(s, "platform-key").inputs.policy = JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        { Sid: "Root", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "kms:*", Resource: "*" },
                        { Sid: "Anyone", Effect: "Allow", Principal: { AWS: ["*"] }, Action: ["kms:Decrypt"], Resource: "*" },
                    ],
                })),
            expected: [
                'platform-key: policy Statement[1] ("Anyone") allows "kms:Decrypt" to every principal (*) without a condition binding it to known callers. Name the principals, or add a condition with fixed values (aws:SourceAccount, aws:SourceArn, aws:SourceVpce, aws:PrincipalOrgID, kms:CallerAccount).',
            ],
        },
        {
            mode: "Allow with NotPrincipal",
            edit: (s) => addStatement(s, "platform-backups-policy", { Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::111122223333:role/x" }, Action: "s3:DeleteObject", Resource: "arn:aws:s3:::platform-backups/*" }),
            expected: [
                'platform-backups-policy: policy Statement[2] allows "s3:DeleteObject" to every principal but its NotPrincipal list without a condition binding it to known callers. Name the principals, or add a condition with fixed values (aws:SourceAccount, aws:SourceArn, aws:SourceVpce, aws:PrincipalOrgID, kms:CallerAccount).',
            ],
        },
    ],
    "aws-s3-bucket-require-secure-transport": [
        {
            mode: "bucket without a bucket policy",
            edit: (s) => remove(s, "platform-backups-policy"),
            expected: [
                'platform-backups: aws:s3/bucket:Bucket "platform-backups" accepts plain-HTTP requests: no bucket policy denies s3:* when aws:SecureTransport is false. Add an aws.s3.BucketPolicy statement: Deny, Principal "*", Action "s3:*", Resource the bucket ARN and "<arn>/*", Condition Bool aws:SecureTransport "false".',
            ],
        },
        {
            mode: "the deny covers the objects but not the bucket",
            edit: (s) => editPolicy(s, "platform-backups-policy", (doc) => (doc.Statement[0].Resource = "arn:aws:s3:::platform-backups/*")),
            expected: [
                'platform-backups: aws:s3/bucket:Bucket "platform-backups" accepts plain-HTTP requests: no bucket policy denies s3:* when aws:SecureTransport is false. Add an aws.s3.BucketPolicy statement: Deny, Principal "*", Action "s3:*", Resource the bucket ARN and "<arn>/*", Condition Bool aws:SecureTransport "false".',
            ],
        },
        {
            mode: "the deny names one action only",
            edit: (s) => editPolicy(s, "platform-backups-policy", (doc) => (doc.Statement[0].Action = "s3:GetObject")),
            expected: [
                'platform-backups: aws:s3/bucket:Bucket "platform-backups" accepts plain-HTTP requests: no bucket policy denies s3:* when aws:SecureTransport is false. Add an aws.s3.BucketPolicy statement: Deny, Principal "*", Action "s3:*", Resource the bucket ARN and "<arn>/*", Condition Bool aws:SecureTransport "false".',
            ],
        },
    ],
    "kubernetes-rbac-role-restrict-secrets-access": [
        {
            mode: "ClusterRole reading Secrets",
            edit: (s) => spec(s, "node-reader").inputs.rules.push({ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }),
            expected: ["node-reader: rules[1] grants get on Secrets in every namespace. Bind a namespaced Role instead, with get on the named Secrets only (resourceNames)."],
        },
        {
            mode: "ClusterRole listing every resource of every group",
            edit: (s) => spec(s, "node-reader").inputs.rules.push({ apiGroups: ["*"], resources: ["*"], verbs: ["list", "watch"] }),
            expected: ['node-reader: rules[1] grants list, watch on every resource ("*"), Secrets included in every namespace. Bind a namespaced Role instead, with get on the named Secrets only (resourceNames).'],
        },
        {
            mode: "Role listing the namespace's Secrets",
            edit: (s) => (spec(s, "apps-runner").inputs.rules[1].verbs = ["get", "list"]),
            expected: ["apps-runner: rules[1] grants list on Secrets, which reveals every Secret of the namespace. Keep get on the named Secrets (resourceNames) only."],
        },
    ],
    "kubernetes-argoproj-appproject-disallow-wildcards": [
        {
            mode: "any source repository",
            edit: (s) => (spec(s, "apps-project").inputs.spec.sourceRepos = ["*"]),
            expected: ['apps-project: spec.sourceRepos[0] is "*": any repository or namespace may feed this project. Name them.'],
        },
        {
            mode: "any namespace of any cluster",
            edit: (s) => (spec(s, "apps-project").inputs.spec.destinations = [{ server: "*", namespace: "*" }]),
            expected: [
                'apps-project: spec.destinations[0].server is "*": the project may deploy anywhere it matches. Name the cluster and namespaces.',
                'apps-project: spec.destinations[0].namespace is "*": the project may deploy anywhere it matches. Name the cluster and namespaces.',
            ],
        },
        {
            mode: "every cluster-scoped kind",
            edit: (s) => (spec(s, "apps-project").inputs.spec.clusterResourceWhitelist = [{ group: "*", kind: "*" }]),
            expected: ['apps-project: spec.clusterResourceWhitelist[0] permits "*"/"*": every kind it matches. List the kinds the project needs.'],
        },
        {
            mode: "no kind allow-list (every namespaced kind)",
            edit: (s) => (spec(s, "apps-project").inputs.spec.namespaceResourceWhitelist = []),
            expected: ["apps-project: spec.namespaceResourceWhitelist is empty, which permits every namespaced kind (NetworkPolicies, Roles, quotas). List the kinds the project may ship."],
        },
        {
            mode: "the default project re-opened by its patch",
            edit: (s) => (spec(s, "default-project-lock").inputs.spec = { sourceRepos: ["*"], destinations: [{ server: "*", namespace: "*" }] }),
            expected: [
                'default-project-lock: spec.sourceRepos[0] is "*": any repository or namespace may feed this project. Name them.',
                'default-project-lock: spec.destinations[0].server is "*": the project may deploy anywhere it matches. Name the cluster and namespaces.',
                'default-project-lock: spec.destinations[0].namespace is "*": the project may deploy anywhere it matches. Name the cluster and namespaces.',
                "default-project-lock: spec.namespaceResourceWhitelist is empty, which permits every namespaced kind (NetworkPolicies, Roles, quotas). List the kinds the project may ship.",
            ],
        },
    ],
    "kubernetes-helm-release-disallow-cluster-secret-readers": [
        {
            mode: "Argo CD with its ClusterRoles",
            edit: (s) => delete spec(s, "argocd").inputs.values.createClusterRoles,
            expected: [
                'argocd: chart "argo-cd": values.createClusterRoles is unset, which renders the application controller\'s ClusterRole (every verb on every resource) and the server\'s (get on every Secret). Set createClusterRoles: false, limit the in-cluster destination to its namespaces (configs.clusterCredentials) and grant Roles there.',
            ],
        },
        {
            mode: "Grafana with its cluster-wide RBAC",
            edit: (s) => (spec(s, "monitoring").inputs.values.grafana.rbac.namespaced = false),
            expected: ['monitoring: chart "kube-prometheus-stack": values.grafana.rbac.namespaced is false, which renders Grafana\'s ClusterRole, which reads every Secret of the cluster. Set grafana.rbac.namespaced: true (its sidecars search its own namespace).'],
        },
        {
            mode: "kube-state-metrics collecting Secrets",
            edit: (s) => delete spec(s, "monitoring").inputs.values["kube-state-metrics"].collectorsExclude,
            expected: ['monitoring: chart "kube-prometheus-stack": values.kube-state-metrics.collectors is unset, which keeps kube-state-metrics\' secrets collector, whose ClusterRole lists every Secret. Set kube-state-metrics.collectorsExclude: ["secrets"].'],
        },
        {
            mode: "the Seldon operator cluster-wide",
            edit: (s) => (spec(s, "serving").inputs.values.singleNamespace = false),
            expected: ['serving: chart "seldon-core-operator": values.singleNamespace is false, which renders the operator\'s ClusterRoles, one of which reads every Secret. Set singleNamespace: true and install the operator into the namespace it serves.'],
        },
    ],
    "kubernetes-helm-release-require-priority-class": [
        {
            mode: "Argo CD without a priority class",
            edit: (s) => delete spec(s, "argocd").inputs.values.global.priorityClassName,
            expected: ['argocd: chart "argo-cd": values.global.priorityClassName is unset, so those pods run at the priority of any tenant pod and are evicted or preempted first. Set it to the platform\'s PriorityClass.'],
        },
        {
            mode: "Prometheus without one",
            edit: (s) => delete spec(s, "monitoring").inputs.values.prometheus.prometheusSpec.priorityClassName,
            expected: ['monitoring: chart "kube-prometheus-stack": values.prometheus.prometheusSpec.priorityClassName is unset, so those pods run at the priority of any tenant pod and are evicted or preempted first. Set it to the platform\'s PriorityClass.'],
        },
        {
            mode: "the Seldon operator without one",
            edit: (s) => (spec(s, "serving").inputs.values.manager = {}),
            expected: ['serving: chart "seldon-core-operator": values.manager.priorityClassName is unset, so those pods run at the priority of any tenant pod and are evicted or preempted first. Set it to the platform\'s PriorityClass.'],
        },
    ],
    "kubernetes-admissionregistration-policy-require-enforcement": [
        {
            mode: "a policy that fails open",
            edit: (s) => (spec(s, "tenant-guardrail").inputs.spec.failurePolicy = "Ignore"),
            expected: ['tenant-guardrail: spec.failurePolicy is "Ignore": a request the policy cannot evaluate is admitted. Set failurePolicy: Fail.'],
        },
        {
            mode: "a binding that only warns",
            edit: (s) => (spec(s, "tenant-guardrail-binding").inputs.spec.validationActions = ["Warn", "Audit"]),
            expected: ['tenant-guardrail-binding: spec.validationActions is ["Warn","Audit"]: violations are only reported. Include Deny.'],
        },
    ],
    // AZURE BLOCK (tests/policy/cases-azure.ts).
    ...AZURE_CASES,
    // GCP BLOCK (tests/policy/cases-gcp.ts).
    ...GCP_CASES,
};

describe("policy rules: compliant fixture and one mutation per failure mode", () => {
    it("a node pool of one group per zone (the EKS layout for zonal volumes) passes the pool rules", () => {
        const perZone = stackWith((s) => {
            replace(s, "workers", { deps: ["plat-cluster", "private-a", "workers-lt"] });
            Object.assign(spec(s, "workers").inputs, { subnetIds: ["private-a-id"], labels: { "platform/pool": "workload" } });
            spec(s, "workers").inputs.scalingConfig.minSize = 1;
            s.push({
                type: "aws:eks/nodeGroup:NodeGroup",
                name: "workers-b",
                deps: ["plat-cluster", "private-b", "workers-lt"],
                inputs: { clusterName: "plat-cluster", subnetIds: ["private-b-id"], instanceTypes: ["m6i.large"], labels: { "platform/pool": "workload" }, scalingConfig: { minSize: 1, maxSize: 2, desiredSize: 1 }, tags: { ...COMMON_TAGS } },
            });
        });
        for (const name of ["aws-eks-nodegroup-require-multi-az", "aws-eks-nodegroup-require-minimum-size"]) {
            const report = runRule(perZone, name);
            assert.deepEqual(messages(report), [], name);
            assert.equal(report.rules[0]?.status, "pass", name);
        }
    });

    it("every rule of the pack has failure-mode cases here", () => {
        assert.deepEqual(Object.keys(CASES).sort(), policies.map((p) => p.name).sort());
    });

    for (const rule of policies) {
        // Stack rules see outputs (offline/outputs.ts): each case must hold in every view the
        // engine can send, above all on a first preview, where computed fields are unknown.
        const views: readonly StackView[] = rule.kind === "stack" ? STACK_VIEWS : ["inputs"];
        describe(rule.name, () => {
            for (const view of views) {
                const suffix = rule.kind === "stack" ? ` (stack view ${view})` : "";
                it(`passes the compliant fixture, having judged it${suffix}`, () => {
                    const report = runRule(goodStack(), rule.name, {}, view);
                    assert.deepEqual(messages(report), []);
                    assert.equal(report.rules[0]?.status, "pass", `status ${report.rules[0]?.status}: ${report.rules[0]?.notApplicable.join("; ")}`);
                    assert.deepEqual(report.rules[0]?.previewSkips, []);
                });
                for (const c of CASES[rule.name] ?? []) {
                    it(`fails: ${c.mode}${suffix}`, () => {
                        const report = runRule(stackWith(c.edit), rule.name, c.config, view);
                        assert.ok(c.expected.length > 0, "a failure mode must expect at least one message");
                        assert.deepEqual(messages(report), c.expected);
                        assert.ok(report.violations.every((v) => v.fullMessage === `${rule.description}\n${v.message}`));
                    });
                }
            }
        });
    }
});
