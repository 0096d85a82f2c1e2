import * as assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { runStack } from "../../offline/engine";
import { at, byName, CapturedResource, childrenOf, ResourceGraph } from "../../offline/graph";
import { INTERFACE_ENDPOINT_SERVICES, natGatewayCount } from "../../components/aws/network";

const NETWORK = "platform:aws:Network";

function networkChildren(graph: ResourceGraph): CapturedResource[] {
    return childrenOf(graph, byName(graph, NETWORK, "network").urn);
}

function count(children: CapturedResource[]): Record<string, number> {
    const out: Record<string, number> = {};
    for (const c of children) {
        out[c.type] = (out[c.type] ?? 0) + 1;
    }
    return out;
}

const BASE = {
    "aws:ec2/vpc:Vpc": 1,
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": 1,
    "aws:ec2/internetGateway:InternetGateway": 1,
    "aws:kms/key:Key": 1,
    "aws:kms/alias:Alias": 1,
    "aws:cloudwatch/logGroup:LogGroup": 1,
    "aws:iam/role:Role": 1,
    "aws:iam/rolePolicy:RolePolicy": 1,
    "aws:ec2/flowLog:FlowLog": 1,
};

describe("platform:aws:Network", () => {
    let dev: ResourceGraph;
    let prod: ResourceGraph;
    before(async () => {
        dev = await runStack("dev-aws");
        prod = await runStack("prod-aws");
    });

    it("dev: exactly these children: 2 zones x 3 tiers, one NAT, flow logs, no endpoints", () => {
        assert.deepEqual(count(networkChildren(dev)), {
            ...BASE,
            "aws:ec2/subnet:Subnet": 6,
            "aws:ec2/routeTable:RouteTable": 3,
            "aws:ec2/routeTableAssociation:RouteTableAssociation": 6,
            "aws:ec2/eip:Eip": 1,
            "aws:ec2/natGateway:NatGateway": 1,
        });
    });

    it("prod: exactly these children: 3 zones x 3 tiers, a NAT per zone, S3 gateway + interface endpoints", () => {
        assert.deepEqual(count(networkChildren(prod)), {
            ...BASE,
            "aws:ec2/subnet:Subnet": 9,
            "aws:ec2/routeTable:RouteTable": 4,
            "aws:ec2/routeTableAssociation:RouteTableAssociation": 9,
            "aws:ec2/eip:Eip": 3,
            "aws:ec2/natGateway:NatGateway": 3,
            "aws:ec2/vpcEndpoint:VpcEndpoint": 1 + INTERFACE_ENDPOINT_SERVICES.length,
            "aws:ec2/securityGroup:SecurityGroup": 1,
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": 1,
        });
    });

    it("lays subnets out from the planner, one per zone and tier, never mapping public IPs", () => {
        const subnets = networkChildren(prod).filter((r) => r.type === "aws:ec2/subnet:Subnet");
        const byTier = (tier: string) => subnets.filter((s) => at(s.inputs, "tags.tier") === tier).map((s) => [s.inputs.cidrBlock, s.inputs.availabilityZone]);
        assert.deepEqual(byTier("nodes"), [["10.40.0.0/19", "eu-west-1a"], ["10.40.32.0/19", "eu-west-1b"], ["10.40.64.0/19", "eu-west-1c"]]);
        assert.deepEqual(byTier("tools"), [["10.40.128.0/22", "eu-west-1a"], ["10.40.132.0/22", "eu-west-1b"], ["10.40.136.0/22", "eu-west-1c"]]);
        assert.deepEqual(byTier("public"), [["10.40.144.0/24", "eu-west-1a"], ["10.40.145.0/24", "eu-west-1b"], ["10.40.146.0/24", "eu-west-1c"]]);
        for (const s of subnets) {
            assert.equal(s.inputs.mapPublicIpOnLaunch, false, s.name);
        }
        // Load-balancer controllers pick subnets by these tags: internal LBs in node subnets only.
        const tagged = (key: string) => subnets.filter((s) => (s.inputs.tags as Record<string, string>)[key] === "1").map((s) => at(s.inputs, "tags.tier"));
        assert.deepEqual(tagged("kubernetes.io/role/internal-elb"), ["nodes", "nodes", "nodes"]);
        assert.deepEqual(tagged("kubernetes.io/role/elb"), ["public", "public", "public"]);
    });

    it("prod routes each zone's private subnets through that zone's own NAT; dev through the single one", () => {
        const privateRoutes = (g: ResourceGraph) =>
            networkChildren(g)
                .filter((r) => r.type === "aws:ec2/routeTable:RouteTable" && r.name.includes("private-rt"))
                .map((r) => at(r.inputs, "routes.0.natGatewayId"));
        const prodNats = networkChildren(prod).filter((r) => r.type === "aws:ec2/natGateway:NatGateway").map((r) => r.id);
        assert.deepEqual(privateRoutes(prod), prodNats);
        const devNat = networkChildren(dev).find((r) => r.type === "aws:ec2/natGateway:NatGateway")!.id;
        assert.deepEqual(privateRoutes(dev), [devNat, devNat]);
    });

    it("puts NAT gateways in public subnets only", () => {
        const publicIds = networkChildren(prod).filter((r) => at(r.inputs, "tags.tier") === "public").map((r) => r.id);
        for (const nat of networkChildren(prod).filter((r) => r.type === "aws:ec2/natGateway:NatGateway")) {
            assert.ok(publicIds.includes(nat.inputs.subnetId as string), nat.name);
        }
    });

    it("strips every rule from the default security group", () => {
        const sg = byName(dev, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "network-default-sg");
        assert.deepEqual(sg.inputs.ingress, []);
        assert.deepEqual(sg.inputs.egress, []);
    });

    it("sends ALL traffic to a KMS-encrypted log group with retention by environment", () => {
        for (const [g, days] of [[dev, 30], [prod, 365]] as const) {
            const key = byName(g, "aws:kms/key:Key", "network-logs-key");
            const group = byName(g, "aws:cloudwatch/logGroup:LogGroup", "network-flow-logs");
            const flow = byName(g, "aws:ec2/flowLog:FlowLog", "network-flow-log");
            assert.equal(group.inputs.retentionInDays, days);
            assert.equal(group.inputs.kmsKeyId, key.state.arn);
            assert.equal(flow.inputs.trafficType, "ALL");
            assert.equal(flow.inputs.logDestination, group.state.arn);
            // Delivery starts only once its role holds the delivery policy.
            assert.ok(flow.dependencies.includes(byName(g, "aws:iam/rolePolicy:RolePolicy", "network-flow-logs-policy").urn), "flow log after its delivery policy");
            assert.equal(key.inputs.enableKeyRotation, true);
        }
    });

    it("scopes the logs key to this account's log groups and the delivery role to its one group", () => {
        const key = byName(dev, "aws:kms/key:Key", "network-logs-key");
        const policy = JSON.parse(key.inputs.policy as string);
        const logs = policy.Statement.find((s: { Sid: string }) => s.Sid === "CloudWatchLogsEncryptsThisAccountsLogGroups");
        assert.deepEqual(logs.Principal, { Service: "logs.eu-west-1.amazonaws.com" });
        assert.deepEqual(logs.Condition, { ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-west-1:123456789012:log-group:*" } });
        // The VPC guide's trust, with the confused-deputy conditions it recommends (flow-logs-iam-role.html).
        const role = byName(dev, "aws:iam/role:Role", "network-flow-logs-role");
        assert.deepEqual(JSON.parse(role.inputs.assumeRolePolicy as string).Statement[0].Condition, {
            StringEquals: { "aws:SourceAccount": "123456789012" },
            ArnLike: { "aws:SourceArn": "arn:aws:ec2:eu-west-1:123456789012:vpc-flow-log/*" },
        });
        // Every permission the guide lists as the minimum, each narrowed to this group where it can be.
        const rolePolicy = JSON.parse(byName(dev, "aws:iam/rolePolicy:RolePolicy", "network-flow-logs-policy").inputs.policy as string);
        const group = byName(dev, "aws:cloudwatch/logGroup:LogGroup", "network-flow-logs");
        const granted = rolePolicy.Statement.flatMap((st: { Action: string | string[] }) => [st.Action].flat()).sort();
        assert.deepEqual(granted, ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogGroups", "logs:DescribeLogStreams", "logs:PutLogEvents"]);
        assert.deepEqual(rolePolicy.Statement[0].Resource, [group.state.arn, `${group.state.arn}:*`]);
        assert.equal(rolePolicy.Statement[1].Resource, "arn:aws:logs:eu-west-1:123456789012:log-group:*");
    });

    it("prod: interface endpoints for SSM, ECR, STS, KMS and logs, HTTPS from the VPC only", () => {
        const endpoints = networkChildren(prod).filter((r) => r.type === "aws:ec2/vpcEndpoint:VpcEndpoint");
        // Registration order follows input resolution, so compare as sets.
        assert.deepEqual(
            endpoints.map((e) => `${String(e.inputs.serviceName).replace("com.amazonaws.eu-west-1.", "")}:${e.inputs.vpcEndpointType}`).sort(),
            // Written out, not read from the implementation: what the tool VMs and nodes call at boot.
            ["s3:Gateway", ...["ssm", "ssmmessages", "ec2messages", "ecr.api", "ecr.dkr", "sts", "kms", "logs", "secretsmanager"].map((s) => `${s}:Interface`)].sort(),
        );
        for (const e of endpoints.filter((x) => x.inputs.vpcEndpointType === "Interface")) {
            assert.equal(e.inputs.privateDnsEnabled, true, e.name);
        }
        // Endpoint policies: this account's principals only, except STS (IRSA's
        // AssumeRoleWithWebIdentity carries no principal) and the S3 gateway (anonymous downloads
        // and AWS-owned buckets pass through it).
        for (const e of endpoints) {
            const service = String(e.inputs.serviceName).replace("com.amazonaws.eu-west-1.", "");
            if (service === "sts" || service === "s3") {
                assert.equal(e.inputs.policy, undefined, service);
                continue;
            }
            assert.deepEqual(JSON.parse(String(e.inputs.policy)).Statement, [
                { Sid: "ThisAccountsPrincipalsOnly", Effect: "Allow", Principal: { AWS: "*" }, Action: "*", Resource: "*", Condition: { StringEquals: { "aws:PrincipalAccount": "123456789012" } } },
            ], service);
        }
        const rule = networkChildren(prod).find((r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")!;
        assert.deepEqual([rule.inputs.fromPort, rule.inputs.toPort, rule.inputs.cidrIpv4], [443, 443, "10.40.0.0/16"]);
    });

    it("prod protects the logs key; dev does not", () => {
        assert.equal(byName(prod, "aws:kms/key:Key", "network-logs-key").protect, true);
        assert.equal(byName(dev, "aws:kms/key:Key", "network-logs-key").protect, false);
    });

    it("counts NAT gateways per strategy", () => {
        assert.deepEqual([natGatewayCount("none", 3), natGatewayCount("single", 3), natGatewayCount("perZone", 3)], [0, 1, 3]);
    });

    it("refuses natStrategy none: the tool VMs' first boot installs from public repositories, which endpoints do not reach", async () => {
        await assert.rejects(
            runStack("prod-aws", { configOverrides: { "platform:network": { cidr: "10.40.0.0/16", natStrategy: "none", privateEndpoints: true } } }),
            /natStrategy "none" is not supported on AWS: the tool VMs install their packages from public repositories at first boot; use "single" or "perZone"/,
        );
    });

    it("honours a stack that turns flow logs off (the policy pack flags it)", async () => {
        const g = await runStack("dev-aws", { configOverrides: { "platform:network": { cidr: "10.20.0.0/16", flowLogs: { enabled: false } } } });
        assert.equal(networkChildren(g).filter((r) => r.type === "aws:ec2/flowLog:FlowLog").length, 0);
    });
});

describe("platform:aws:Bastion", () => {
    let dev: ResourceGraph;
    before(async () => {
        dev = await runStack("dev-aws", {
            configOverrides: { "platform:bastion": { allowedCidrs: ["203.0.113.0/24", "2001:db8::/48"] } },
        });
    });

    const bastionChildren = () => childrenOf(dev, byName(dev, "platform:aws:Bastion", "bastion").urn);

    it("allows SSH in only from each allowlisted CIDR (IPv4 and IPv6), nothing else", () => {
        const ingress = bastionChildren().filter((r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
        assert.deepEqual(
            ingress.map((r) => [r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort, r.inputs.cidrIpv4 ?? r.inputs.cidrIpv6]),
            [["tcp", 22, 22, "203.0.113.0/24"], ["tcp", 22, 22, "2001:db8::/48"]],
        );
    });

    it("limits egress to SSH into the VPC and HTTP(S) out", () => {
        const egress = bastionChildren().filter((r) => r.type === "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule");
        assert.deepEqual(
            egress.map((r) => [r.inputs.fromPort, r.inputs.cidrIpv4]),
            [[22, "10.20.0.0/16"], [443, "0.0.0.0/0"], [80, "0.0.0.0/0"]],
        );
    });

    it("runs an Ubuntu LTS image from Canonical only, with IMDSv2, an encrypted root and no auto public IP", () => {
        const ami = dev.invokes.find((i) => i.token === "aws:ec2/getAmi:getAmi")!;
        assert.deepEqual(ami.inputs.owners, ["099720109477"]);
        assert.match(JSON.stringify(ami.inputs.filters), /ubuntu-noble-24\.04-amd64-server-\*/);
        const vm = byName(dev, "aws:ec2/instance:Instance", "bastion-instance");
        assert.deepEqual(vm.inputs.metadataOptions, { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" });
        assert.equal(at(vm.inputs, "rootBlockDevice.encrypted"), true);
        assert.equal(vm.inputs.associatePublicIpAddress, false);
        const publicSubnet = dev.resources.find((r) => r.type === "aws:ec2/subnet:Subnet" && at(r.inputs, "tags.tier") === "public")!;
        assert.equal(vm.inputs.subnetId, publicSubnet.id);
    });

    it("gets its public address from an Elastic IP bound to the instance", () => {
        const eip = byName(dev, "aws:ec2/eip:Eip", "bastion-eip");
        assert.equal(eip.inputs.instance, byName(dev, "aws:ec2/instance:Instance", "bastion-instance").id);
        assert.equal(dev.outputs.bastionPublicIp, eip.state.publicIp);
    });

    it("generates an ED25519 key whose private half leaves only as a secret output", () => {
        const key = byName(dev, "tls:index/privateKey:PrivateKey", "bastion-ssh-key");
        assert.equal(key.inputs.algorithm, "ED25519");
        const pair = byName(dev, "aws:ec2/keyPair:KeyPair", "bastion-key-pair");
        assert.equal(pair.inputs.publicKey, key.state.publicKeyOpenssh);
        assert.ok(dev.secretOutputs.includes("bastionPrivateKeyPem"));
        assert.equal(dev.outputs.bastionPrivateKeyPem, key.state.privateKeyOpenssh);
    });

    it("has an instance profile with SSM core only (Session Manager as the audited path)", () => {
        const attachments = bastionChildren().filter((r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
        assert.deepEqual(attachments.map((a) => a.inputs.policyArn), ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]);
        const role = byName(dev, "aws:iam/role:Role", "bastion-role");
        assert.deepEqual(JSON.parse(role.inputs.assumeRolePolicy as string).Statement[0].Principal, { Service: "ec2.amazonaws.com" });
    });

    it("hardens the host with cloud-init user data (sshd without passwords or root, auditd)", () => {
        // gzip + base64: the document is over EC2's 16 KB raw limit (cloud-init detects gzip).
        const b64 = String(byName(dev, "aws:ec2/instance:Instance", "bastion-instance").inputs.userDataBase64);
        const userData = gunzipSync(Buffer.from(b64, "base64")).toString("utf8");
        assert.match(userData, /^#cloud-config/);
        assert.match(userData, /PasswordAuthentication no/);
        assert.match(userData, /PermitRootLogin no/);
        assert.match(userData, /auditd/);
    });
});
