/**
 * Strict, realistic mocks for Pulumi's mock runtime.
 *
 * - Every resource gets a deterministic id and the outputs its real provider would compute
 *   (ARNs, private and public IPs, endpoints, generated keys), so code that reads them runs as
 *   it would against the cloud.
 * - Every invoke the program makes is answered with realistic data; an invoke nobody taught us
 *   throws (a silent `{}` would make fields `undefined` and let a test pass proving nothing).
 * - Public addresses come from the documentation ranges (RFC 5737), account ids are AWS's
 *   documented example account: nothing here can be mistaken for a real environment.
 */
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { Address4 } from "ip-address";

/** AWS's documented example account id. */
export const MOCK_AWS_ACCOUNT = "123456789012";
/** The identity the mocks say is running `pulumi up`. */
export const MOCK_CALLER_ARN = `arn:aws:iam::${MOCK_AWS_ACCOUNT}:role/platform-deployer`;

export type InvokeHandler = (inputs: Record<string, any>, ctx: InvokeContext) => Record<string, any>;
export type StateHandler = (args: pulumi.runtime.MockResourceArgs, ctx: StateContext) => Record<string, any>;

export interface InvokeContext {
    /** Region of the provider the invoke went through (explicit provider's `region` input). */
    readonly region: string;
}

export interface StateContext {
    readonly id: string;
    readonly region: string;
    /** Deterministic hex derived from the resource's type and name. */
    hex(length: number): string;
    /** State the mocks computed for a resource registered earlier, by its id. */
    stateById(id: string): Record<string, any> | undefined;
    /** Next free host address inside a CIDR (deterministic, in registration order). */
    nextAddress(cidr: string): string;
    /** Next address from the documentation ranges, for anything public. */
    nextPublicAddress(): string;
}

/** Stable short hex for a key: ids must not change between runs, or a plan diff would lie. */
export function stableHex(key: string, length: number): string {
    return crypto.createHash("sha256").update(key).digest("hex").slice(0, length);
}

const DEFAULT_REGION = "eu-west-1";

function arn(service: string, region: string, resource: string): string {
    return `arn:aws:${service}:${region}:${MOCK_AWS_ACCOUNT}:${resource}`;
}

/** Fake but well-formed key material. Clearly marked so nobody mistakes it for a real key. */
function mockPem(kind: string, name: string): string {
    const body = Buffer.from(`offline-mock-${kind}-${name}`).toString("base64");
    return `-----BEGIN ${kind}-----\n${body}\n-----END ${kind}-----\n`;
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

const STATE: Record<string, StateHandler> = {
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
    "aws:eks/nodeGroup:NodeGroup": (a, c) => ({ arn: arn("eks", c.region, `nodegroup/${a.inputs.clusterName}/${a.inputs.nodeGroupName ?? a.name}/${c.hex(8)}`), status: "ACTIVE" }),
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
    "tls:index/privateKey:PrivateKey": (a) => ({
        privateKeyPem: mockPem("RSA PRIVATE KEY", a.name),
        privateKeyOpenssh: mockPem("OPENSSH PRIVATE KEY", a.name),
        publicKeyPem: mockPem("PUBLIC KEY", a.name),
        publicKeyOpenssh: `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${Buffer.from(a.name).toString("base64").replace(/=/g, "")} offline-mock`,
        publicKeyFingerprintSha256: `SHA256:${stableHex(a.name, 43)}`,
    }),
    "random:index/randomPassword:RandomPassword": (a) => ({
        result: `mock-${stableHex(a.name, Math.max(8, Number(a.inputs.length ?? 24) - 5))}`,
        bcryptHash: `$2a$10$${stableHex(`bcrypt-${a.name}`, 53)}`,
    }),
};

/**
 * Mocks for one offline run. One instance per run: it keeps the state of what it registered so
 * later resources can refer to earlier ones (an instance's private IP comes from its subnet).
 */
export class OfflineMocks implements pulumi.runtime.Mocks {
    /** Every invoke answered, in order. */
    readonly invokes: { token: string; inputs: Record<string, any> }[] = [];
    /** Errors raised by mocks; the engine fails the run with them instead of hanging. */
    readonly errors: Error[] = [];
    private readonly states = new Map<string, Record<string, any>>();
    private readonly providerRegions = new Map<string, string>();
    private readonly cursors = new Map<string, number>();
    private publicCursor = 0;

    constructor(private readonly onError: (err: Error) => void = () => undefined) {}

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, any> } {
        try {
            return this.compute(args);
        } catch (err) {
            const error = err instanceof Error ? err : new Error(String(err));
            this.errors.push(error);
            this.onError(error);
            throw error;
        }
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
        const handler = AWS_INVOKES[args.token];
        if (!handler) {
            const error = new Error(
                `offline mocks: no answer for invoke "${args.token}". Teach offline/mocks.ts a realistic reply ` +
                    `(the real provider's output shape) instead of letting it resolve to nothing.`,
            );
            this.errors.push(error);
            this.onError(error);
            throw error;
        }
        this.invokes.push({ token: args.token, inputs: args.inputs });
        try {
            return handler(args.inputs, { region: this.regionOf(args.provider) });
        } catch (err) {
            const error = err instanceof Error ? err : new Error(String(err));
            this.errors.push(error);
            this.onError(error);
            throw error;
        }
    }

    private compute(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, any> } {
        if (!args.custom) {
            // Components (and the stack) have no provider-computed state.
            return { id: undefined, state: {} };
        }
        const region = this.regionOf(args.provider);
        if (args.type.startsWith("pulumi:providers:")) {
            const id = stableHex(`provider-${args.name}`, 36);
            const providerRegion = typeof args.inputs.region === "string" ? args.inputs.region : DEFAULT_REGION;
            this.providerRegions.set(`${args.name}`, providerRegion);
            return { id, state: args.inputs };
        }
        const id = this.idFor(args);
        const ctx: StateContext = {
            id,
            region,
            hex: (n) => stableHex(`${args.type}::${args.name}`, n),
            stateById: (ref) => (typeof ref === "string" ? this.states.get(ref) : undefined),
            nextAddress: (cidr) => this.nextAddress(cidr),
            nextPublicAddress: () => this.nextPublicAddress(),
        };
        const handler = STATE[args.type];
        const computed = handler ? handler(args, ctx) : {};
        const state = { ...args.inputs, ...computed, id };
        this.states.set(id, state);
        return { id, state };
    }

    private idFor(args: pulumi.runtime.MockResourceArgs): string {
        const hex = (n: number) => stableHex(`${args.type}::${args.name}`, n);
        const prefixes: Record<string, string> = {
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
        const prefix = prefixes[args.type];
        if (prefix) {
            return `${prefix}${hex(17)}`;
        }
        if (args.type === "aws:kms/key:Key") {
            const h = hex(32);
            return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
        }
        // Names are ids for many resources (IAM roles, log groups, buckets, EKS clusters).
        const named = args.inputs.name ?? args.inputs.bucket;
        return typeof named === "string" ? named : `${args.name}-${hex(8)}`;
    }

    private regionOf(providerRef: string | undefined): string {
        if (!providerRef) {
            return DEFAULT_REGION;
        }
        // `urn:pulumi:<stack>::<project>::pulumi:providers:aws::<name>::<id>`
        const name = providerRef.split("::")[3];
        return (name && this.providerRegions.get(name)) || DEFAULT_REGION;
    }

    private nextAddress(cidr: string): string {
        const block = new Address4(cidr);
        // AWS reserves the first four addresses of every subnet (network, router, DNS, future).
        const offset = (this.cursors.get(cidr) ?? 4) + 1;
        this.cursors.set(cidr, offset);
        return Address4.fromBigInt(block.startAddress().bigInt() + BigInt(offset)).address;
    }

    private nextPublicAddress(): string {
        // 203.0.113.0/24 (TEST-NET-3, RFC 5737): documentation-only, never routable.
        this.publicCursor += 1;
        return `203.0.113.${10 + this.publicCursor}`;
    }
}
