/**
 * AWS answers for the offline mocks: invokes, provider-computed state and id formats, as the
 * real provider returns them (ARNs in this mock account, ids with their real prefixes).
 */
import type * as pulumi from "@pulumi/pulumi";
import { CloudMocks, InvokeHandler, mockPem, stableHex, StateHandler } from "./mocks-core";

/** AWS's documented example account id. */
export const MOCK_AWS_ACCOUNT = "123456789012";
/** The identity the mocks say is running `pulumi up`. */
export const MOCK_CALLER_ARN = `arn:aws:iam::${MOCK_AWS_ACCOUNT}:role/platform-deployer`;

function arn(service: string, region: string, resource: string): string {
    return `arn:aws:${service}:${region}:${MOCK_AWS_ACCOUNT}:${resource}`;
}


/** Add-on versions in EKS's format (`v<upstream>-eksbuild.<n>`); `{k8s}` for kube-proxy's per-minor builds. */
const MOCK_ADDON_VERSIONS: Record<string, string> = {
    "vpc-cni": "v1.20.4-eksbuild.2",
    "kube-proxy": "v{k8s}.1-eksbuild.3",
    coredns: "v1.12.4-eksbuild.1",
    "eks-pod-identity-agent": "v1.3.9-eksbuild.3",
    "aws-ebs-csi-driver": "v1.51.1-eksbuild.1",
};

const AWS_INVOKES: Record<string, InvokeHandler> = {
    "aws:index/getAvailabilityZones:getAvailabilityZones": (_inputs, { region }) => {
        const letters = ["a", "b", "c", "d"];
        return {
            id: region,
            names: letters.map((l) => `${region}${l}`),
            zoneIds: letters.map((_l, i) => `${region.replace(/-/g, "").slice(0, 4)}-az${i + 1}`),
            groupNames: letters.map(() => region),
            state: "available",
        };
    },
    "aws:ec2/getAmi:getAmi": (inputs, { region }) => {
        const owners: string[] = inputs.owners ?? [];
        const nameFilter = (inputs.filters ?? []).find((f: any) => f.name === "name");
        if (owners.length === 0) {
            // An AMI lookup without an owner filter can match a look-alike image anyone published.
            throw new Error("offline mocks: aws.ec2.getAmi without `owners` is refused (image spoofing risk)");
        }
        const pattern: string = nameFilter?.values?.[0] ?? "unknown-*";
        const name = pattern.replace("*", "20261101");
        return {
            id: `ami-${stableHex(region + pattern, 17)}`,
            imageId: `ami-${stableHex(region + pattern, 17)}`,
            name,
            ownerId: owners[0],
            architecture: "x86_64",
            rootDeviceName: "/dev/sda1",
            rootDeviceType: "ebs",
            virtualizationType: "hvm",
            creationDate: "2026-11-01T00:00:00.000Z",
            mostRecent: inputs.mostRecent ?? false,
        };
    },
    "aws:index/getCallerIdentity:getCallerIdentity": () => ({
        id: MOCK_AWS_ACCOUNT,
        accountId: MOCK_AWS_ACCOUNT,
        arn: MOCK_CALLER_ARN,
        userId: "AROAEXAMPLEDEPLOYER:platform",
    }),
    "aws:index/getPartition:getPartition": () => ({
        id: "aws",
        partition: "aws",
        dnsSuffix: "amazonaws.com",
        reverseDnsPrefix: "com.amazonaws",
    }),
    // The deployer's IAM principal behind an STS session (access entries need the role ARN).
    "aws:iam/getSessionContext:getSessionContext": (inputs) => {
        const callerArn = String(inputs.arn ?? "");
        const session = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/.exec(callerArn);
        if (session) {
            const [, partition, account, roleName, sessionName] = session;
            return { id: callerArn, arn: callerArn, issuerArn: `arn:${partition}:iam::${account}:role/${roleName}`, issuerId: "AROAEXAMPLEDEPLOYER", issuerName: roleName, sessionName };
        }
        if (!/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\//.test(callerArn)) {
            throw new Error(`offline mocks: getSessionContext got ${JSON.stringify(callerArn)}, not an IAM or STS session ARN`);
        }
        return { id: callerArn, arn: callerArn, issuerArn: callerArn, issuerId: "", issuerName: callerArn.split("/").pop(), sessionName: "" };
    },
    // The default add-on version EKS reports per Kubernetes version (shape of `aws eks
    // describe-addon-versions`; values are illustrative, in the real format).
    "aws:eks/getAddonVersion:getAddonVersion": (inputs, { region }) => {
        const addon = String(inputs.addonName);
        const k8s = String(inputs.kubernetesVersion);
        const base = MOCK_ADDON_VERSIONS[addon];
        if (!base) {
            throw new Error(`offline mocks: no add-on version known for "${addon}" (EKS has no such managed add-on?)`);
        }
        if (!/^1\.\d{2}$/.test(k8s)) {
            throw new Error(`offline mocks: getAddonVersion needs a Kubernetes minor version, got ${JSON.stringify(k8s)}`);
        }
        const version = base.replace("{k8s}", k8s);
        return { id: addon, addonName: addon, kubernetesVersion: k8s, mostRecent: inputs.mostRecent ?? false, version, region };
    },
    "aws:index/getRegion:getRegion": (_inputs, { region }) => ({
        id: region,
        name: region,
        region,
        endpoint: `ec2.${region}.amazonaws.com`,
        description: region,
    }),
};

const AWS_STATES: Record<string, StateHandler> = {
    "aws:ec2/vpc:Vpc": (_a, c) => ({
        arn: arn("ec2", c.region, `vpc/${c.id}`),
        defaultSecurityGroupId: `sg-${c.hex(17)}`,
        defaultNetworkAclId: `acl-${c.hex(17)}`,
        mainRouteTableId: `rtb-${c.hex(17)}`,
        ownerId: MOCK_AWS_ACCOUNT,
    }),
    "aws:ec2/subnet:Subnet": (a, c) => ({ arn: arn("ec2", c.region, `subnet/${c.id}`), ownerId: MOCK_AWS_ACCOUNT, vpcId: a.inputs.vpcId }),
    "aws:ec2/securityGroup:SecurityGroup": (_a, c) => ({ arn: arn("ec2", c.region, `security-group/${c.id}`), ownerId: MOCK_AWS_ACCOUNT }),
    "aws:ec2/eip:Eip": (_a, c) => ({
        publicIp: c.nextPublicAddress(),
        allocationId: c.id,
        publicDns: `ec2-mock.${c.region}.compute.amazonaws.com`,
    }),
    "aws:ec2/natGateway:NatGateway": (a, c) => {
        const subnet = c.stateById(a.inputs.subnetId);
        const eip = (a.inputs.allocationId && c.stateById(a.inputs.allocationId)) || undefined;
        return {
            privateIp: subnet?.cidrBlock ? c.nextAddress(subnet.cidrBlock) : "10.0.0.10",
            publicIp: eip?.publicIp,
            networkInterfaceId: `eni-${c.hex(17)}`,
        };
    },
    "aws:ec2/instance:Instance": (a, c) => {
        const subnet = c.stateById(a.inputs.subnetId);
        const publicIp = a.inputs.associatePublicIpAddress ? c.nextPublicAddress() : "";
        return {
            arn: arn("ec2", c.region, `instance/${c.id}`),
            // A fixed `privateIp` input is what EC2 assigns; otherwise the subnet's next address.
            privateIp: a.inputs.privateIp || (subnet?.cidrBlock ? c.nextAddress(subnet.cidrBlock) : "10.0.0.20"),
            privateDns: `ip-mock.${c.region}.compute.internal`,
            publicIp,
            primaryNetworkInterfaceId: `eni-${c.hex(17)}`,
            availabilityZone: subnet?.availabilityZone,
            instanceState: "running",
        };
    },
    "aws:ec2/keyPair:KeyPair": (a, c) => ({ arn: arn("ec2", c.region, `key-pair/${a.inputs.keyName ?? a.name}`), keyPairId: `key-${c.hex(17)}`, fingerprint: c.hex(32) }),
    "aws:ec2/launchTemplate:LaunchTemplate": (_a, c) => ({ arn: arn("ec2", c.region, `launch-template/${c.id}`), latestVersion: 1, defaultVersion: 1 }),
    "aws:ec2/flowLog:FlowLog": (_a, c) => ({ arn: arn("ec2", c.region, `vpc-flow-log/${c.id}`) }),
    "aws:ec2/vpcEndpoint:VpcEndpoint": (_a, c) => ({ arn: arn("ec2", c.region, `vpc-endpoint/${c.id}`), ownerId: MOCK_AWS_ACCOUNT, state: "available" }),
    "aws:ec2/internetGateway:InternetGateway": (_a, c) => ({ arn: arn("ec2", c.region, `internet-gateway/${c.id}`), ownerId: MOCK_AWS_ACCOUNT }),
    "aws:ec2/routeTable:RouteTable": (_a, c) => ({ arn: arn("ec2", c.region, `route-table/${c.id}`), ownerId: MOCK_AWS_ACCOUNT }),
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": (_a, c) => ({ arn: arn("ec2", c.region, `security-group/${c.id}`), ownerId: MOCK_AWS_ACCOUNT }),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": (_a, c) => ({ arn: arn("ec2", c.region, `security-group-rule/${c.id}`), securityGroupRuleId: c.id }),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": (_a, c) => ({ arn: arn("ec2", c.region, `security-group-rule/${c.id}`), securityGroupRuleId: c.id }),
    "aws:iam/role:Role": (a, c) => ({ arn: `arn:aws:iam::${MOCK_AWS_ACCOUNT}:role/${a.inputs.name ?? a.name}`, uniqueId: `AROA${c.hex(16).toUpperCase()}`, name: a.inputs.name ?? a.name }),
    "aws:iam/policy:Policy": (a) => ({ arn: `arn:aws:iam::${MOCK_AWS_ACCOUNT}:policy/${a.inputs.name ?? a.name}`, policyId: `ANPA${stableHex(a.name, 16).toUpperCase()}` }),
    "aws:iam/instanceProfile:InstanceProfile": (a, c) => ({ arn: `arn:aws:iam::${MOCK_AWS_ACCOUNT}:instance-profile/${a.inputs.name ?? a.name}`, uniqueId: `AIPA${c.hex(16).toUpperCase()}`, name: a.inputs.name ?? a.name }),
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": (a) => ({ arn: `arn:aws:iam::${MOCK_AWS_ACCOUNT}:oidc-provider/${String(a.inputs.url ?? "").replace(/^https:\/\//, "")}` }),
    "aws:kms/key:Key": (_a, c) => ({ arn: arn("kms", c.region, `key/${c.id}`), keyId: c.id }),
    "aws:kms/alias:Alias": (a, c) => ({ arn: arn("kms", c.region, String(a.inputs.name ?? `alias/${a.name}`)), targetKeyArn: arn("kms", c.region, `key/${a.inputs.targetKeyId}`) }),
    "aws:cloudwatch/logGroup:LogGroup": (a, c) => ({ arn: arn("logs", c.region, `log-group:${a.inputs.name ?? a.name}`) }),
    "aws:s3/bucket:Bucket": (a, c) => {
        const bucket = a.inputs.bucket ?? `${a.name}-${c.hex(7)}`;
        return { arn: `arn:aws:s3:::${bucket}`, bucket, bucketDomainName: `${bucket}.s3.amazonaws.com`, bucketRegionalDomainName: `${bucket}.s3.${c.region}.amazonaws.com`, region: c.region };
    },
    "aws:eks/cluster:Cluster": (a, c) => ({
        arn: arn("eks", c.region, `cluster/${a.inputs.name ?? a.name}`),
        // EKS creates the cluster security group and reports it (and the VPC) in vpcConfig.
        vpcConfig: { ...(a.inputs.vpcConfig ?? {}), clusterSecurityGroupId: `sg-${c.hex(17)}`, vpcId: c.stateById(a.inputs.vpcConfig?.subnetIds?.[0])?.vpcId ?? `vpc-${c.hex(17)}` },
        endpoint: `https://${c.hex(32).toUpperCase()}.gr7.${c.region}.eks.amazonaws.com`,
        certificateAuthority: { data: Buffer.from(mockPem("CERTIFICATE", a.name)).toString("base64") },
        identities: [{ oidcs: [{ issuer: `https://oidc.eks.${c.region}.amazonaws.com/id/${c.hex(32).toUpperCase()}` }] }],
        platformVersion: "eks.10",
        status: "ACTIVE",
        clusterId: c.hex(32),
    }),
    "aws:eks/nodeGroup:NodeGroup": (a, c) => {
        const h = c.hex(32);
        // EKS names a managed node group's Auto Scaling group eks-<node group>-<node group UUID>.
        const uuid = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
        // A prefix gets the provider's 26-character unique suffix (timestamp and counter).
        const name = a.inputs.nodeGroupName ?? (a.inputs.nodeGroupNamePrefix ? `${a.inputs.nodeGroupNamePrefix}${c.hex(26)}` : a.name);
        return {
            arn: arn("eks", c.region, `nodegroup/${a.inputs.clusterName}/${name}/${uuid}`),
            nodeGroupName: name,
            status: "ACTIVE",
            resources: [{ autoscalingGroups: [{ name: `eks-${name}-${uuid}` }], remoteAccessSecurityGroupId: "" }],
        };
    },
    "aws:eks/accessEntry:AccessEntry": (a, c) => ({
        accessEntryArn: arn("eks", c.region, `access-entry/${a.inputs.clusterName}/role/${MOCK_AWS_ACCOUNT}/${String(a.inputs.principalArn).split("/").pop()}/${c.hex(8)}`),
        userName: a.inputs.principalArn,
        kubernetesGroups: [],
        createdAt: "2026-11-22T00:00:00Z",
    }),
    "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": () => ({ associatedAt: "2026-11-22T00:00:00Z", modifiedAt: "2026-11-22T00:00:00Z" }),
    "aws:ebs/volume:Volume": (a, c) => ({ arn: arn("ec2", c.region, `volume/${c.id}`), iops: 3000, throughput: 125, type: a.inputs.type ?? "gp2" }),
    "aws:ec2/volumeAttachment:VolumeAttachment": (a) => ({ deviceName: a.inputs.deviceName }),
    "aws:iam/rolePolicy:RolePolicy": (a) => ({ name: a.inputs.name ?? a.name }),
    "aws:secretsmanager/secret:Secret": (a, c) => ({
        // Secrets Manager appends six random characters to the name in the ARN.
        arn: arn("secretsmanager", c.region, `secret:${a.inputs.name ?? a.name}-${c.hex(6)}`),
    }),
    "aws:secretsmanager/secretVersion:SecretVersion": (_a, c) => ({ arn: arn("secretsmanager", c.region, `secret:${c.hex(8)}`), versionId: c.hex(32), versionStages: ["AWSCURRENT"] }),
    "aws:eks/addon:Addon": (a, c) => ({ arn: arn("eks", c.region, `addon/${a.inputs.clusterName}/${a.inputs.addonName}/${c.hex(8)}`) }),
    "aws:backup/vault:Vault": (a, c) => ({ arn: arn("backup", c.region, `backup-vault:${a.inputs.name ?? a.name}`), recoveryPoints: 0 }),
    "aws:backup/plan:Plan": (_a, c) => ({ arn: arn("backup", c.region, `backup-plan:${c.id}`), version: c.hex(24) }),
};

/** Ids with the prefixes AWS uses, so code (and people) reading them see the real shape. */
const ID_PREFIXES: Record<string, string> = {
    "aws:ec2/vpc:Vpc": "vpc-",
    "aws:ec2/subnet:Subnet": "subnet-",
    "aws:ec2/securityGroup:SecurityGroup": "sg-",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "sg-",
    "aws:ec2/eip:Eip": "eipalloc-",
    "aws:ec2/natGateway:NatGateway": "nat-",
    "aws:ec2/internetGateway:InternetGateway": "igw-",
    "aws:ec2/routeTable:RouteTable": "rtb-",
    "aws:ec2/instance:Instance": "i-",
    "aws:ec2/flowLog:FlowLog": "fl-",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce-",
    "aws:ec2/launchTemplate:LaunchTemplate": "lt-",
    "aws:ebs/volume:Volume": "vol-",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr-",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr-",
};

function awsId(args: pulumi.runtime.MockResourceArgs): string | undefined {
    if (!args.type.startsWith("aws:")) {
        return undefined;
    }
    const hex = (n: number) => stableHex(`${args.type}::${args.name}`, n);
    const prefix = ID_PREFIXES[args.type];
    if (prefix) {
        return `${prefix}${hex(17)}`;
    }
    if (args.type === "aws:kms/key:Key") {
        const h = hex(32);
        return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
    }
    // Names are ids for many resources (IAM roles, log groups, buckets, EKS clusters).
    const named = args.inputs.name ?? args.inputs.bucket;
    return typeof named === "string" ? named : undefined;
}

export const AWS_MOCKS: CloudMocks = { invokes: AWS_INVOKES, states: AWS_STATES, idFor: awsId, defaultRegion: "eu-west-1" };
