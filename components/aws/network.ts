/**
 * `platform:aws:Network`: the private network every other AWS component lives in.
 *
 * Per zone: a public subnet (NAT and bastion only), a private subnet for cluster nodes and one
 * for tool VMs. Flow logs on by default into a KMS-encrypted log group. The default security
 * group is stripped of all rules. With `privateEndpoints`, AWS API traffic (S3, SSM, ECR, STS,
 * KMS, logs) stays inside the VPC.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { SubnetPlan } from "../config/cidr";
import type { NatStrategy } from "../config";
import type { NetworkOutputs } from "../contracts";
import { resourceName } from "../naming";
import { withName } from "../tags";
import { AwsAccount, cloudWatchLogsKeyStatement, kmsKeyPolicy, policyDocument, PolicyDocument, PolicyStatement } from "./iam";

export interface AwsNetworkArgs {
    /** Physical-name prefix (`<project>-<env>-<cloud>`). */
    readonly prefix: string;
    readonly account: AwsAccount;
    /** The VPC block (validated: private IPv4, /16-/20). */
    readonly cidr: string;
    /** Availability-zone names, one per zone the network spans (resolved by the AZ invoke). */
    readonly zoneNames: readonly string[];
    /** Subnet blocks per tier, one per zone (from the planner or the stack). */
    readonly subnets: SubnetPlan;
    /**
     * Egress for private subnets. `single`: one NAT (a zone outage cuts egress for all zones);
     * `perZone`: one per zone (prod); `none` is refused on AWS (the tool VMs install packages
     * from the internet at first boot).
     */
    readonly natStrategy: NatStrategy;
    /** Gateway endpoint for S3 and interface endpoints for SSM, ECR, STS, KMS and logs. */
    readonly privateEndpoints: boolean;
    /** VPC flow logs (ALL traffic) into an encrypted CloudWatch log group. Default on. */
    readonly flowLogs: { readonly enabled: boolean; readonly retentionDays: number };
    /** Protect the logs key in prod: deleting it makes every encrypted log unreadable. */
    readonly protect: boolean;
}

/**
 * Interface endpoints created with `privateEndpoints` (SSM needs all three of its own), and
 * Secrets Manager: every VM reads its enrollment password (and TLS bundle) from it at boot.
 */
export const INTERFACE_ENDPOINT_SERVICES = ["ssm", "ssmmessages", "ec2messages", "ecr.api", "ecr.dkr", "sts", "kms", "logs", "secretsmanager"] as const;

export class Network extends pulumi.ComponentResource implements NetworkOutputs {
    readonly networkId: pulumi.Output<string>;
    readonly cidr: string;
    readonly zones: readonly string[];
    readonly publicSubnetIds: pulumi.Output<string>[];
    readonly privateSubnetIds: { readonly nodes: pulumi.Output<string>[]; readonly tools: pulumi.Output<string>[] };
    /** Public addresses of the NAT gateways (egress allowlists elsewhere may need them). */
    readonly natPublicIps: pulumi.Output<string>[];
    /** KMS key for log encryption, shared with other components' log groups. */
    readonly logsKeyArn: pulumi.Output<string>;
    readonly flowLogGroupName: pulumi.Output<string> | undefined;
    /**
     * What gives the private subnets their egress: NAT gateways, the private route tables and
     * their subnet associations, and the VPC endpoints. Anything that boots in a private subnet
     * and installs or fetches at first boot (tool VMs, EKS nodes) depends on these, so it never
     * boots before its route out exists.
     */
    readonly privateEgress: readonly pulumi.Resource[];
    /** The same for the public subnets (internet gateway, public route table and associations): the bastion's. */
    readonly publicEgress: readonly pulumi.Resource[];

    constructor(name: string, args: AwsNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:aws:Network", name, {}, opts);
        validateNetworkArgs(args);
        const built = buildNetwork(name, args, this);
        this.networkId = built.vpc.id;
        this.cidr = args.cidr;
        this.zones = args.zoneNames;
        this.publicSubnetIds = built.publicSubnets.map((s) => s.id);
        this.privateSubnetIds = { nodes: built.nodeSubnets.map((s) => s.id), tools: built.toolSubnets.map((s) => s.id) };
        this.natPublicIps = built.natEips.map((e) => e.publicIp);
        this.logsKeyArn = built.logsKey.arn;
        this.flowLogGroupName = built.flowLogGroup?.name;
        this.privateEgress = built.privateEgress;
        this.publicEgress = built.publicEgress;
        this.registerOutputs({
            networkId: this.networkId,
            publicSubnetIds: this.publicSubnetIds,
            privateSubnetIds: this.privateSubnetIds,
            natPublicIps: this.natPublicIps,
            logsKeyArn: this.logsKeyArn,
        });
    }
}

/** Argument checks the config layer cannot make (they depend on what the AZ invoke returned). */
export function validateNetworkArgs(args: AwsNetworkArgs): void {
    const zones = args.zoneNames.length;
    const problems: string[] = [];
    for (const tier of ["public", "nodes", "tools"] as const) {
        if (args.subnets[tier].length !== zones) {
            problems.push(`subnets.${tier} has ${args.subnets[tier].length} blocks for ${zones} zones`);
        }
    }
    if (zones < 2) {
        problems.push(`EKS needs subnets in at least 2 zones, got ${zones}`);
    }
    if (args.natStrategy === "none") {
        // Endpoints reach AWS APIs, not the internet: the tool VMs' first boot installs from public
        // package repositories (Ubuntu mirrors; HashiCorp, Jenkins and Wazuh repositories), and
        // cloud-init runs it once, so without NAT it fails for good.
        problems.push(`natStrategy "none" is not supported on AWS: the tool VMs install their packages from public repositories at first boot; use "single" or "perZone"`);
    }
    if (problems.length > 0) {
        throw new Error(`platform:aws:Network: ${problems.join("; ")}`);
    }
}

/** How many NAT gateways a strategy needs over `zones` zones. */
export function natGatewayCount(strategy: NatStrategy, zones: number): number {
    switch (strategy) {
        case "none":
            return 0;
        case "single":
            return 1;
        case "perZone":
            return zones;
        default: {
            const impossible: never = strategy;
            throw new Error(`unknown NAT strategy ${String(impossible)}`);
        }
    }
}

function buildNetwork(name: string, args: AwsNetworkArgs, parent: pulumi.Resource) {
    const opts: pulumi.CustomResourceOptions = { parent };
    const n = (...parts: (string | number)[]) => resourceName(args.prefix, ...parts);
    const child = (...parts: (string | number)[]) => [name, ...parts].join("-");

    const vpc = new aws.ec2.Vpc(
        child("vpc"),
        { cidrBlock: args.cidr, enableDnsHostnames: true, enableDnsSupport: true, tags: withName(n("vpc")) },
        opts,
    );

    // AWS creates a default security group that allows all traffic between its members; anything
    // accidentally launched without a group lands in it. Adopt it and strip every rule.
    new aws.ec2.DefaultSecurityGroup(
        child("default-sg"),
        { vpcId: vpc.id, ingress: [], egress: [], tags: withName(n("default-sg-locked")) },
        opts,
    );

    const igw = new aws.ec2.InternetGateway(child("igw"), { vpcId: vpc.id, tags: withName(n("igw")) }, opts);

    const subnet = (tier: "public" | "nodes" | "tools", zone: number, extraTags: Record<string, string>) =>
        new aws.ec2.Subnet(
            child(tier, zone),
            {
                vpcId: vpc.id,
                cidrBlock: args.subnets[tier][zone],
                availabilityZone: args.zoneNames[zone],
                // Nothing gets a public address by accident, not even in public subnets: the
                // bastion and NAT gateways are given Elastic IPs explicitly.
                mapPublicIpOnLaunch: false,
                tags: withName(n(tier, args.zoneNames[zone]), { tier, ...extraTags }),
            },
            opts,
        );
    const zones = args.zoneNames.map((_z, i) => i);
    const publicSubnets = zones.map((z) => subnet("public", z, { "kubernetes.io/role/elb": "1" }));
    const nodeSubnets = zones.map((z) => subnet("nodes", z, { "kubernetes.io/role/internal-elb": "1" }));
    const toolSubnets = zones.map((z) => subnet("tools", z, {}));

    const publicRoutes = new aws.ec2.RouteTable(
        child("public-rt"),
        { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }], tags: withName(n("public-rt")) },
        opts,
    );
    const publicAssociations = publicSubnets.map((s, z) => new aws.ec2.RouteTableAssociation(child("public-rta", z), { subnetId: s.id, routeTableId: publicRoutes.id }, opts));

    const natCount = natGatewayCount(args.natStrategy, zones.length);
    const natEips = Array.from({ length: natCount }, (_v, i) =>
        new aws.ec2.Eip(child("nat-eip", i), { domain: "vpc", tags: withName(n("nat", args.zoneNames[i]), { role: "nat" }) }, { parent, dependsOn: [igw] }),
    );
    const nats = natEips.map(
        (eip, i) =>
            new aws.ec2.NatGateway(
                child("nat", i),
                { allocationId: eip.id, subnetId: publicSubnets[i].id, connectivityType: "public", tags: withName(n("nat", args.zoneNames[i]), { role: "nat" }) },
                { parent, dependsOn: [igw] },
            ),
    );

    // One private route table per zone: with `perZone`, each zone egresses through its own NAT, so
    // losing a zone never cuts egress for the others.
    const privateRouteTables = zones.map((z) => {
        const nat = nats.length === 0 ? undefined : nats[Math.min(z, nats.length - 1)];
        return new aws.ec2.RouteTable(
            child("private-rt", z),
            {
                vpcId: vpc.id,
                routes: nat ? [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }] : [],
                tags: withName(n("private-rt", args.zoneNames[z])),
            },
            opts,
        );
    });
    const privateAssociations = zones.flatMap((z) => [
        new aws.ec2.RouteTableAssociation(child("nodes-rta", z), { subnetId: nodeSubnets[z].id, routeTableId: privateRouteTables[z].id }, opts),
        new aws.ec2.RouteTableAssociation(child("tools-rta", z), { subnetId: toolSubnets[z].id, routeTableId: privateRouteTables[z].id }, opts),
    ]);
    const endpoints: aws.ec2.VpcEndpoint[] = [];

    // One key for log encryption (flow logs here; the cluster's control-plane logs reuse it).
    const logsKey = new aws.kms.Key(
        child("logs-key"),
        {
            description: `${args.prefix}: CloudWatch Logs encryption`,
            enableKeyRotation: true,
            deletionWindowInDays: 30,
            policy: JSON.stringify(kmsKeyPolicy(args.account, cloudWatchLogsKeyStatement(args.account))),
            tags: withName(n("logs-key")),
        },
        { parent, protect: args.protect },
    );
    new aws.kms.Alias(child("logs-key-alias"), { name: `alias/${n("logs")}`, targetKeyId: logsKey.keyId }, opts);

    let flowLogGroup: aws.cloudwatch.LogGroup | undefined;
    if (args.flowLogs.enabled) {
        flowLogGroup = new aws.cloudwatch.LogGroup(
            child("flow-logs"),
            { name: `/platform/${args.prefix}/vpc-flow-logs`, retentionInDays: args.flowLogs.retentionDays, kmsKeyId: logsKey.arn, tags: withName(n("flow-logs")) },
            opts,
        );
        const role = new aws.iam.Role(
            child("flow-logs-role"),
            { name: n("flow-logs"), assumeRolePolicy: JSON.stringify(flowLogsTrustPolicy(args.account)), tags: withName(n("flow-logs")) },
            opts,
        );
        const deliveryPolicy = new aws.iam.RolePolicy(
            child("flow-logs-policy"),
            {
                role: role.name,
                policy: flowLogGroup.arn.apply((arn) => JSON.stringify(policyDocument(...flowLogsDeliveryStatements(args.account, arn)))),
            },
            opts,
        );
        new aws.ec2.FlowLog(
            child("flow-log"),
            {
                vpcId: vpc.id,
                trafficType: "ALL",
                logDestinationType: "cloud-watch-logs",
                logDestination: flowLogGroup.arn,
                iamRoleArn: role.arn,
                maxAggregationInterval: 60,
                tags: withName(n("flow-log")),
            },
            // After the role may deliver (grant before consumer: IAM is eventually consistent,
            // https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html).
            { parent, dependsOn: [deliveryPolicy] },
        );
    }

    if (args.privateEndpoints) {
        const s3Endpoint = new aws.ec2.VpcEndpoint(
            child("s3-endpoint"),
            {
                vpcId: vpc.id,
                serviceName: `com.amazonaws.${args.account.region}.s3`,
                vpcEndpointType: "Gateway",
                routeTableIds: privateRouteTables.map((rt) => rt.id),
                tags: withName(n("s3-endpoint")),
            },
            opts,
        );
        endpoints.push(s3Endpoint);
        const endpointSg = new aws.ec2.SecurityGroup(
            child("endpoints-sg"),
            { vpcId: vpc.id, namePrefix: `${n("endpoints")}-`, description: "Interface endpoints: HTTPS from inside the VPC only", tags: withName(n("endpoints")) },
            opts,
        );
        new aws.vpc.SecurityGroupIngressRule(
            child("endpoints-https"),
            { securityGroupId: endpointSg.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: args.cidr, description: "HTTPS to AWS APIs from the VPC", tags: withName(n("endpoints-https")) },
            opts,
        );
        for (const service of INTERFACE_ENDPOINT_SERVICES) {
            const policy = interfaceEndpointPolicy(args.account, service);
            const endpoint = new aws.ec2.VpcEndpoint(
                child(`${service.replace(".", "-")}-endpoint`),
                {
                    vpcId: vpc.id,
                    serviceName: `com.amazonaws.${args.account.region}.${service}`,
                    vpcEndpointType: "Interface",
                    privateDnsEnabled: true,
                    subnetIds: toolSubnets.map((s) => s.id),
                    securityGroupIds: [endpointSg.id],
                    ...(policy ? { policy: JSON.stringify(policy) } : {}),
                    tags: withName(n(`${service.replace(".", "-")}-endpoint`)),
                },
                opts,
            );
            endpoints.push(endpoint);
        }
    }

    const privateEgress: pulumi.Resource[] = [...nats, ...privateRouteTables, ...privateAssociations, ...endpoints];
    const publicEgress: pulumi.Resource[] = [igw, publicRoutes, ...publicAssociations];
    return { vpc, publicSubnets, nodeSubnets, toolSubnets, natEips, logsKey, flowLogGroup, privateEgress, publicEgress };
}

/**
 * An interface endpoint's policy: the service, for principals of THIS account only. Without a
 * policy an endpoint takes the default one, full access for any principal
 * (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html), so credentials
 * of another account used inside the VPC could move data to that account's secrets, keys or logs
 * through it. `aws:PrincipalAccount` is the calling principal's account
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalaccount).
 * No policy for STS: IRSA's AssumeRoleWithWebIdentity is an unauthenticated call (no principal,
 * so no principal account), and a condition on it would cut every pod's cloud identity. The S3
 * gateway endpoint keeps the default too: anonymous package downloads and AWS-owned buckets (ECR
 * layers, SSM agent) go through it, and a narrower policy denies them instead of falling back to NAT.
 */
export function interfaceEndpointPolicy(account: AwsAccount, service: (typeof INTERFACE_ENDPOINT_SERVICES)[number]): PolicyDocument | undefined {
    if (service === "sts") {
        return undefined;
    }
    return policyDocument({
        Sid: "ThisAccountsPrincipalsOnly",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: "*",
        Resource: "*",
        Condition: { StringEquals: { "aws:PrincipalAccount": account.accountId } },
    });
}

/**
 * Trust of the flow-log delivery role, as the VPC guide recommends against the confused deputy:
 * the service, for flow logs of this account only (`aws:SourceAccount`) and of this account's
 * flow-log resources (`aws:SourceArn`, the flow-log id wildcarded: it does not exist yet)
 * (https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html).
 */
export function flowLogsTrustPolicy(account: AwsAccount): PolicyDocument {
    return policyDocument({
        Effect: "Allow",
        Principal: { Service: "vpc-flow-logs.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
            StringEquals: { "aws:SourceAccount": account.accountId },
            ArnLike: { "aws:SourceArn": `arn:${account.partition}:ec2:${account.region}:${account.accountId}:vpc-flow-log/*` },
        },
    });
}

/**
 * What the delivery role may do: the permissions the VPC guide lists as the minimum
 * (CreateLogGroup, CreateLogStream, PutLogEvents, DescribeLogGroups, DescribeLogStreams;
 * https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html), narrowed to this
 * log group wherever the action takes a resource; DescribeLogGroups lists the account's groups
 * of the region (the guide gives `*`).
 */
export function flowLogsDeliveryStatements(account: AwsAccount, logGroupArn: string): PolicyStatement[] {
    return [
        {
            Sid: "DeliverToThisLogGroupOnly",
            Effect: "Allow",
            Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            Resource: [logGroupArn, `${logGroupArn}:*`],
        },
        { Sid: "FindTheLogGroup", Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: `arn:${account.partition}:logs:${account.region}:${account.accountId}:log-group:*` },
    ];
}
