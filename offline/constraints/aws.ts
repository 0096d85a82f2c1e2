/**
 * AWS entries: what the AWS APIs refuse that the provider does not check. Rules come from the
 * API references and user guides (URL per entry) and, where AWS publishes one, the API model's
 * own constraint (the botocore service model shapes named in `alsoSource`).
 */
import type { CapturedResource } from "../graph";
import { AWS_REGIONS } from "../../components/config/regions";
import { input, lengthAndCharset, nameRule, offending, showChars, str } from "./helpers";
import { AWS_INSTANCE_TYPES, EKS_AMI_TYPE_ARCHITECTURE, EKS_AMI_TYPE_SOURCE } from "./tables/aws-instance-types";
import { AWS_MANAGED_POLICIES, EKS_ACCESS_POLICIES, EKS_ACCESS_POLICY_SOURCE, managedPolicyPath } from "./tables/aws-managed-policies";
import { TRUST_SOURCE_CONDITION_SERVICES } from "./tables/aws-service-trust";
import type { CheckContext, Constraint, FixtureResource } from "./types";

const BOTOCORE = "https://github.com/boto/botocore/tree/develop/botocore/data";

/** Every `aws:` resource type the platform registers that takes `tags`. */
const TAGGED_TYPES = [
    "aws:backup/plan:Plan",
    "aws:backup/vault:Vault",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:ebs/volume:Volume",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    "aws:ec2/eip:Eip",
    "aws:ec2/flowLog:FlowLog",
    "aws:ec2/instance:Instance",
    "aws:ec2/internetGateway:InternetGateway",
    "aws:ec2/keyPair:KeyPair",
    "aws:ec2/launchTemplate:LaunchTemplate",
    "aws:ec2/natGateway:NatGateway",
    "aws:ec2/routeTable:RouteTable",
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:ec2/subnet:Subnet",
    "aws:ec2/vpc:Vpc",
    "aws:ec2/vpcEndpoint:VpcEndpoint",
    "aws:eks/accessEntry:AccessEntry",
    "aws:eks/addon:Addon",
    "aws:eks/cluster:Cluster",
    "aws:eks/nodeGroup:NodeGroup",
    "aws:iam/instanceProfile:InstanceProfile",
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
    "aws:iam/role:Role",
    "aws:kms/key:Key",
    "aws:s3/bucket:Bucket",
    "aws:secretsmanager/secret:Secret",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
];
const PROVIDER = "pulumi:providers:aws";

/** Tag rules, the strictest of the services the common tags reach (IAM's character set, EC2's key length). */
const TAG_CHAR = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]$/u;
const TAG_KEY_MAX = 127;
const TAG_VALUE_MAX = 256;
const TAGS_MAX = 50;

function tagProblems(tags: unknown, where: string): string[] {
    if (!tags || typeof tags !== "object") {
        return [];
    }
    const out: string[] = [];
    for (const [key, value] of Object.entries(tags as Record<string, unknown>)) {
        const badKey = offending(key, TAG_CHAR);
        if (key.length < 1 || key.length > TAG_KEY_MAX) {
            out.push(`${where} key ${JSON.stringify(key)} has ${key.length} characters (1-${TAG_KEY_MAX} allowed)`);
        } else if (badKey.length > 0) {
            out.push(`${where} key ${JSON.stringify(key)} contains ${showChars(badKey)}`);
        } else if (/^aws:/i.test(key)) {
            out.push(`${where} key ${JSON.stringify(key)} uses the reserved aws: prefix`);
        }
        if (typeof value === "string") {
            const badValue = offending(value, TAG_CHAR);
            if (value.length > TAG_VALUE_MAX) {
                out.push(`${where} ${JSON.stringify(key)}: value has ${value.length} characters (at most ${TAG_VALUE_MAX})`);
            } else if (badValue.length > 0) {
                out.push(`${where} ${JSON.stringify(key)}: value ${JSON.stringify(value)} contains ${showChars(badValue)}`);
            }
        }
    }
    return out;
}

/** The provider's default tags (decoded), merged under a resource's own (the resource wins). */
function defaultTagsOf(r: CapturedResource, ctx: CheckContext): Record<string, unknown> {
    const d = ctx.providerInputs(r).defaultTags as { tags?: Record<string, unknown> } | undefined;
    return d?.tags ?? {};
}

/** EC2's character set for security group names, descriptions and rule descriptions. */
const SG_CHAR = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]$/;
const SG_TEXT_MAX = 255;

function sgText(value: unknown, what: string): string[] {
    if (typeof value !== "string") {
        return [];
    }
    if (value.length > SG_TEXT_MAX) {
        return [`${what} has ${value.length} characters (at most ${SG_TEXT_MAX})`];
    }
    const bad = offending(value, SG_CHAR);
    return bad.length > 0 ? [`${what} ${JSON.stringify(value)} contains ${showChars(bad)}`] : [];
}

const RULE_TYPES = ["aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "aws:ec2/securityGroupRule:SecurityGroupRule"];
const SG_TYPES = ["aws:ec2/securityGroup:SecurityGroup", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"];
const EGRESS_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";

/** Decoded bytes of a user-data input (raw text, or base64 for `userDataBase64` / launch templates). */
function userDataBytes(r: CapturedResource): number | undefined {
    const raw = str(r, "userData");
    if (r.type === "aws:ec2/instance:Instance" && raw !== undefined) {
        return Buffer.byteLength(raw, "utf8");
    }
    const b64 = r.type === "aws:ec2/launchTemplate:LaunchTemplate" ? raw : str(r, "userDataBase64");
    return b64 === undefined ? undefined : Buffer.from(b64, "base64").length;
}

/** Non-whitespace characters of a policy document (IAM counts policy size without whitespace). */
function policyChars(doc: unknown): number | undefined {
    if (typeof doc !== "string") {
        return undefined;
    }
    return doc.replace(/\s/g, "").length;
}

const byValue = (graph: { resources: readonly CapturedResource[] }, type: string, path: string) => {
    const groups = new Map<string, CapturedResource[]>();
    for (const r of graph.resources.filter((x) => x.type === type)) {
        const k = input(r, path);
        if (typeof k === "string") {
            groups.set(k, [...(groups.get(k) ?? []), r]);
        }
    }
    return groups;
};

const provider = (region: string, tags: Record<string, string> = {}): FixtureResource => ({
    type: PROVIDER,
    name: "aws",
    inputs: { region, defaultTags: JSON.stringify({ tags }) },
});
const sgRule = (name: string, description: string, group = "sg-1", type = RULE_TYPES[0]): FixtureResource => ({
    type,
    name,
    inputs: { securityGroupId: group, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "10.0.0.0/16", description },
});
const role = (name: string, extra: Record<string, unknown> = {}): FixtureResource => ({
    type: "aws:iam/role:Role",
    name,
    inputs: { name, assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] }), ...extra },
});
const attach = (name: string, roleName: string, policyArn: string): FixtureResource => ({ type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", name, inputs: { role: roleName, policyArn } });
const padPolicy = (chars: number) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "P".repeat(Math.max(1, chars - 96)), Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] });

/** A resource's provider-assigned id (fixtures carry it in their inputs). */
function idOf(r: CapturedResource): string | undefined {
    return r.id ?? (typeof r.state.id === "string" ? r.state.id : undefined);
}

interface PolicyStmt {
    readonly Sid?: string;
    readonly Effect?: string;
    readonly Principal?: unknown;
    readonly Action?: string | string[];
    readonly Condition?: Record<string, Record<string, unknown>>;
}

function statementsOf(doc: unknown): PolicyStmt[] {
    const parsed = typeof doc === "string" ? (() => {
        try {
            return JSON.parse(doc) as unknown;
        } catch {
            return undefined;
        }
    })() : doc;
    const st = (parsed as { Statement?: unknown } | undefined)?.Statement;
    return Array.isArray(st) ? (st as PolicyStmt[]) : st && typeof st === "object" ? [st as PolicyStmt] : [];
}

const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
const SSE_KEY = /^s3:x-amz-server-side-encryption/i;

/**
 * Whether a Deny's condition block holds for a PUT that carries NO server-side-encryption header
 * (an UploadPart, or a PUT relying on default encryption) over TLS, by IAM's rules: an absent key
 * makes a negated operator and any `...IfExists` operator true, a positive one false, and `Null`
 * "true" true (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
 * `undefined` when the block reads a key this check cannot know (it then judges nothing).
 */
function holdsWithoutSseHeaders(condition: Record<string, Record<string, unknown>> | undefined): boolean | undefined {
    let holds = true;
    for (const [operator, keys] of Object.entries(condition ?? {})) {
        for (const [key, value] of Object.entries(keys)) {
            if (/^aws:SecureTransport$/i.test(key) && /^Bool/.test(operator)) {
                holds &&= arr(value).some((v) => String(v).toLowerCase() === "true");
                continue;
            }
            if (!SSE_KEY.test(key)) {
                return undefined;
            }
            if (operator === "Null") {
                holds &&= arr(value).some((v) => String(v).toLowerCase() === "true");
            } else if (/IfExists$/.test(operator) || /^(StringNot|ArnNot)/.test(operator)) {
                holds &&= true;
            } else {
                holds = false;
            }
        }
    }
    return holds;
}

/** Does a statement's Action cover s3:PutObject? */
function coversPutObject(action: unknown): boolean {
    return arr(action).some((a) => typeof a === "string" && new RegExp(`^${a.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i").test("s3:PutObject"));
}

/**
 * Why an EKS cluster's PRIVATE endpoint would not resolve inside its VPC (empty when it does, or
 * when the graph cannot tell: no private endpoint, or a VPC from outside the stack). EKS answers
 * the endpoint's name from a Route 53 private hosted zone it associates with the VPC, which
 * needs `enableDnsHostnames` and `enableDnsSupport` true and DHCP options whose name servers
 * include AmazonProvidedDNS (https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html,
 * "Cluster private endpoint"). The provider defaults `enableDnsHostnames` to false, EC2 defaults
 * `enableDnsSupport` to true (https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html).
 * Shared with the flow analyser's "EKS endpoint" layer (offline/flows/clouds.ts).
 */
export function eksPrivateEndpointDnsProblems(resources: readonly CapturedResource[], cluster: CapturedResource): string[] {
    if (input(cluster, "vpcConfig.endpointPrivateAccess") !== true) {
        return [];
    }
    const subnetIds = input(cluster, "vpcConfig.subnetIds");
    const firstSubnet = Array.isArray(subnetIds) ? resources.find((r) => r.type === "aws:ec2/subnet:Subnet" && r.id === subnetIds[0]) : undefined;
    const vpcId = firstSubnet ? input(firstSubnet, "vpcId") : undefined;
    const vpc = resources.find((r) => r.type === "aws:ec2/vpc:Vpc" && r.id !== undefined && r.id === vpcId);
    if (!vpc) {
        return [];
    }
    const out: string[] = [];
    if (input(vpc, "enableDnsSupport") === false) {
        out.push(`VPC ${vpc.name} has enableDnsSupport=false`);
    }
    if (input(vpc, "enableDnsHostnames") !== true) {
        out.push(`VPC ${vpc.name} has enableDnsHostnames=${JSON.stringify(input(vpc, "enableDnsHostnames") ?? "unset (provider default false)")}`);
    }
    for (const assoc of resources.filter((r) => r.type === "aws:ec2/vpcDhcpOptionsAssociation:VpcDhcpOptionsAssociation" && input(r, "vpcId") === vpc.id)) {
        const options = resources.find((r) => r.type === "aws:ec2/vpcDhcpOptions:VpcDhcpOptions" && r.id !== undefined && r.id === input(assoc, "dhcpOptionsId"));
        const servers = options ? input(options, "domainNameServers") : undefined;
        if (Array.isArray(servers) && !servers.includes("AmazonProvidedDNS")) {
            out.push(`VPC ${vpc.name}'s DHCP options ${options!.name} list name servers ${servers.join(", ")} without AmazonProvidedDNS`);
        }
    }
    return out;
}

export const AWS_CONSTRAINTS: readonly Constraint[] = [
    {
        id: "aws-region-known",
        kind: "resource",
        cloud: "aws",
        service: "The AWS SDK (endpoint resolution)",
        types: [PROVIDER],
        rule: "A region must be one of the AWS partitions' regions; an unknown name has no endpoints.",
        source: "https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html",
        alsoSource: `${BOTOCORE}/endpoints.json`,
        check: (r) => {
            const region = str(r, "region");
            return region === undefined || AWS_REGIONS.some((x) => x.name === region) ? [] : [`region ${JSON.stringify(region)} is not an AWS region`];
        },
        examples: { pass: [{ title: "eu-west-1", resources: [provider("eu-west-1")] }], fail: [{ title: "eu-west-9", resources: [provider("eu-west-9")] }] },
    },
    {
        id: "aws-ec2-availability-zone-in-region",
        kind: "resource",
        cloud: "aws",
        service: "EC2",
        types: ["aws:ec2/subnet:Subnet", "aws:ebs/volume:Volume"],
        rule: "An Availability Zone name is its Region's code followed by a letter; a subnet or volume can only be created in a zone of the provider's Region.",
        source: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-regions-availability-zones.html",
        check: (r, ctx) => {
            const az = str(r, "availabilityZone");
            const region = ctx.providerInputs(r).region;
            if (az === undefined || typeof region !== "string") {
                return [];
            }
            return new RegExp(`^${region.replace(/[-]/g, "\\-")}[a-z]$`).test(az) ? [] : [`availabilityZone ${JSON.stringify(az)} is not a zone of the provider's region ${region}`];
        },
        examples: {
            pass: [{ title: "eu-west-1b in eu-west-1", resources: [provider("eu-west-1"), { type: "aws:ec2/subnet:Subnet", name: "s", provider: "aws", inputs: { availabilityZone: "eu-west-1b", cidrBlock: "10.0.0.0/24" } }] }],
            fail: [{ title: "us-east-1a under an eu-west-1 provider", resources: [provider("eu-west-1"), { type: "aws:ec2/subnet:Subnet", name: "s", provider: "aws", inputs: { availabilityZone: "us-east-1a", cidrBlock: "10.0.0.0/24" } }] }],
        },
    },
    {
        id: "aws-tags-key-value-format",
        kind: "resource",
        cloud: "aws",
        service: "AWS (IAM, KMS, EKS, S3, EC2 tagging APIs)",
        types: [PROVIDER, ...TAGGED_TYPES],
        rule: "Tags, as the strictest of the services the common tags reach accepts them: keys of 1-127 characters (EC2), values of at most 256, both only Unicode letters, digits, spaces and _ . : / = + - @ (IAM, CloudWatch Logs), no key starting with aws:, at most 50 tags per resource (default tags included).",
        source: "https://docs.aws.amazon.com/tag-editor/latest/userguide/best-practices-and-strats.html",
        alsoSource: `${BOTOCORE}/iam/2010-05-08/service-2.json (tagKeyType, tagValueType) and the EC2 API reference Tag type (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Tag.html)`,
        check: (r, ctx) => {
            if (r.type === PROVIDER) {
                const d = input(r, "defaultTags");
                const tags = typeof d === "string" ? (JSON.parse(d) as { tags?: unknown }).tags : (d as { tags?: unknown } | undefined)?.tags;
                return tagProblems(tags, "defaultTags");
            }
            const own = input(r, "tags");
            const out = tagProblems(own, "tags");
            const merged = { ...defaultTagsOf(r, ctx), ...((own as Record<string, unknown>) ?? {}) };
            if (own !== undefined && Object.keys(merged).length > TAGS_MAX) {
                out.push(`${Object.keys(merged).length} tags with the provider's default tags (at most ${TAGS_MAX})`);
            }
            return out;
        },
        examples: {
            pass: [{ title: "common tags with an e-mail owner", resources: [provider("eu-west-1", { owner: "ops@example.com", "cost-center": "cc-1" }), { type: "aws:ec2/vpc:Vpc", name: "v", provider: "aws", inputs: { tags: { Name: "platform-dev-aws-vpc" } } }] }],
            fail: [
                { title: "a default tag value with an apostrophe", resources: [provider("eu-west-1", { team: "ops's team" })] },
                { title: "a resource tag key with the reserved aws: prefix", resources: [{ type: "aws:ec2/vpc:Vpc", name: "v", inputs: { tags: { "aws:owner": "x" } } }] },
                { title: "51 tags", resources: [{ type: "aws:ec2/vpc:Vpc", name: "v", inputs: { tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"])) } }] },
            ],
        },
    },
    {
        id: "aws-ec2-sg-name-description-charset",
        kind: "resource",
        cloud: "aws",
        service: "EC2",
        types: SG_TYPES,
        rule: "A security group's name and description have at most 255 characters of a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*, and the name does not start with sg-.",
        source: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html",
        alsoSource: `${BOTOCORE}/ec2/2016-11-15/service-2.json (CreateSecurityGroupRequest)`,
        check: (r) => {
            const out = [...sgText(input(r, "name"), "name"), ...sgText(input(r, "namePrefix"), "namePrefix"), ...sgText(input(r, "description"), "description")];
            const name = str(r, "name") ?? str(r, "namePrefix");
            if (name !== undefined && /^sg-/i.test(name)) {
                out.push(`name ${JSON.stringify(name)} starts with sg-`);
            }
            return out;
        },
        examples: {
            pass: [{ title: "EKS API group", resources: [{ type: SG_TYPES[0], name: "sg", inputs: { name: "platform-dev-aws-eks-api", description: "EKS API endpoint: HTTPS from the bastion only" } }] }],
            fail: [
                { title: "a description with an apostrophe", resources: [{ type: SG_TYPES[0], name: "sg", inputs: { name: "tools", description: "Jenkins' agents" } }] },
                { title: "a name starting with sg-", resources: [{ type: SG_TYPES[0], name: "sg", inputs: { name: "sg-tools", description: "tools" } }] },
            ],
        },
    },
    {
        id: "aws-fixed-name-create-before-delete",
        kind: "resource",
        cloud: "aws",
        service: "EC2 / EKS",
        types: [SG_TYPES[0], "aws:eks/nodeGroup:NodeGroup"],
        rule: "A security group's name is unique in its VPC and a managed node group's in its cluster, and both are replaced (not updated) when a replace-only input changes (a group's name, description or VPC; a node group's instance types, capacity type, AMI type, subnets, node role or launch template id). Pulumi creates the replacement before deleting the old one, so under a fixed name the create fails (InvalidGroup.Duplicate, ResourceInUseException): name them by prefix (namePrefix, nodeGroupNamePrefix), the provider appends a unique suffix.",
        source: "https://www.pulumi.com/docs/iac/concepts/options/deletebeforereplace/",
        alsoSource:
            "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html (InvalidGroup.Duplicate), https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateNodegroup.html (ResourceInUseException), hashicorp/terraform-provider-aws internal/service/ec2/vpc_security_group.go and internal/service/eks/node_group.go (ForceNew inputs)",
        check: (r) => {
            const field = r.type === "aws:eks/nodeGroup:NodeGroup" ? "nodeGroupName" : "name";
            const name = str(r, field);
            return name === undefined ? [] : [`${field} ${JSON.stringify(name)} is fixed: a replacement would be created under the same name before this one is deleted; set ${field === "name" ? "namePrefix" : "nodeGroupNamePrefix"} instead`];
        },
        examples: {
            pass: [
                { title: "a group named by prefix", resources: [{ type: SG_TYPES[0], name: "sg", inputs: { namePrefix: "platform-dev-aws-eks-nodes-", description: "EKS nodes" } }] },
                { title: "a node group named by prefix", resources: [{ type: "aws:eks/nodeGroup:NodeGroup", name: "ng", inputs: { clusterName: "c", nodeGroupNamePrefix: "platform-dev-aws-workload-a-", instanceTypes: ["m6i.large"] } }] },
            ],
            fail: [
                { title: "a group with a fixed name", resources: [{ type: SG_TYPES[0], name: "sg", inputs: { name: "platform-dev-aws-eks-nodes", description: "EKS nodes" } }] },
                { title: "a node group with a fixed name", resources: [{ type: "aws:eks/nodeGroup:NodeGroup", name: "ng", inputs: { clusterName: "c", nodeGroupName: "platform-dev-aws-workload-a", instanceTypes: ["m6i.large"] } }] },
            ],
        },
    },
    {
        id: "aws-ec2-sgrule-description-charset",
        kind: "resource",
        cloud: "aws",
        service: "EC2",
        types: [...RULE_TYPES, ...SG_TYPES],
        rule: "A security group rule description has at most 255 characters of a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$* (no apostrophe, no quotes).",
        source: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpRange.html",
        alsoSource: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_UserIdGroupPair.html",
        check: (r) => {
            if (RULE_TYPES.includes(r.type)) {
                return sgText(input(r, "description"), "description");
            }
            // Inline rules of a (default) security group.
            return ["ingress", "egress"].flatMap((dir) => ((input(r, dir) as Record<string, unknown>[] | undefined) ?? []).flatMap((rule, i) => sgText(rule.description, `${dir}[${i}].description`)));
        },
        examples: {
            pass: [{ title: "node_exporter rule", resources: [sgRule("r", "node-exporter from clusterNodes: Prometheus node_exporter metrics, scraped by the cluster Prometheus.")] }],
            fail: [
                { title: "an apostrophe (cluster's Prometheus)", resources: [sgRule("r", "node-exporter: scraped by the cluster's Prometheus.")] },
                { title: "256 characters", resources: [sgRule("r", "a".repeat(256), "sg-1", RULE_TYPES[1])] },
                { title: "an inline rule with a double quote", resources: [{ type: SG_TYPES[1], name: "d", inputs: { ingress: [{ description: 'the "default" rule' }], egress: [] } }] },
            ],
        },
    },
    {
        id: "aws-ec2-sg-rules-per-group",
        kind: "graph",
        cloud: "aws",
        service: "EC2 (VPC quota)",
        types: RULE_TYPES.slice(0, 2),
        rule: "A security group holds at most 60 inbound and 60 outbound rules (the default VPC quota, each CIDR or referenced group one rule); raise the quota in Service Quotas before adding more.",
        source: "https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups",
        checkGraph: (ctx) =>
            RULE_TYPES.slice(0, 2).flatMap((type) =>
                [...byValue(ctx.graph, type, "securityGroupId").values()]
                    .filter((rules) => rules.length > 60)
                    .map((rules) => ({ resource: rules[60], detail: `security group ${String(input(rules[0], "securityGroupId"))} gets ${rules.length} ${type.includes("Ingress") ? "inbound" : "outbound"} rules (quota 60)` })),
            ),
        examples: {
            pass: [{ title: "60 inbound rules", resources: Array.from({ length: 60 }, (_, i) => sgRule(`r${i}`, "ok")) }],
            fail: [{ title: "61 inbound rules on one group", resources: Array.from({ length: 61 }, (_, i) => sgRule(`r${i}`, "ok")) }],
        },
    },
    {
        id: "aws-ec2-security-groups-per-interface",
        kind: "resource",
        cloud: "aws",
        service: "EC2 (VPC quota)",
        types: ["aws:ec2/instance:Instance", "aws:ec2/launchTemplate:LaunchTemplate"],
        rule: "A network interface has at most 5 security groups (the default VPC quota, adjustable up to 16).",
        source: "https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups",
        check: (r) => {
            const groups = input(r, "vpcSecurityGroupIds");
            return Array.isArray(groups) && groups.length > 5 ? [`vpcSecurityGroupIds lists ${groups.length} groups (quota 5)`] : [];
        },
        examples: {
            pass: [{ title: "two groups", resources: [{ type: "aws:ec2/instance:Instance", name: "vm", inputs: { vpcSecurityGroupIds: ["sg-1", "sg-2"] } }] }],
            fail: [{ title: "six groups", resources: [{ type: "aws:ec2/instance:Instance", name: "vm", inputs: { vpcSecurityGroupIds: ["sg-1", "sg-2", "sg-3", "sg-4", "sg-5", "sg-6"] } }] }],
        },
    },
    {
        id: "aws-ec2-user-data-size",
        kind: "resource",
        cloud: "aws",
        service: "EC2",
        types: ["aws:ec2/instance:Instance", "aws:ec2/launchTemplate:LaunchTemplate"],
        rule: "User data is limited to 16 KB (16384 bytes) in raw form, before base64 encoding.",
        source: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html",
        check: (r) => {
            const n = userDataBytes(r);
            return n !== undefined && n > 16384 ? [`user data is ${n} bytes before base64 (at most 16384)`] : [];
        },
        examples: {
            pass: [{ title: "12 KB of cloud-config", resources: [{ type: "aws:ec2/instance:Instance", name: "vm", inputs: { userData: `#cloud-config\n${"#".repeat(12000)}` } }] }],
            fail: [
                { title: "17 KB of cloud-config", resources: [{ type: "aws:ec2/instance:Instance", name: "vm", inputs: { userData: `#cloud-config\n${"#".repeat(17000)}` } }] },
                { title: "17 KB base64-encoded", resources: [{ type: "aws:ec2/instance:Instance", name: "vm", inputs: { userDataBase64: Buffer.from("#".repeat(17000)).toString("base64") } }] },
            ],
        },
    },
    nameRule({
        id: "aws-ec2-launch-template-name",
        cloud: "aws",
        service: "EC2",
        rule: "A launch template name has 3-128 characters of a-z, A-Z, 0-9, ( ) . - / and _.",
        source: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateLaunchTemplate.html",
        targets: [{ type: "aws:ec2/launchTemplate:LaunchTemplate", field: "name" }],
        problem: lengthAndCharset(3, 128, /^[a-zA-Z0-9().\-/_]$/, "a launch template name"),
        pass: "platform-dev-aws-system-lt",
        fail: ["lt", "nodes:system"],
    }),
    nameRule({
        id: "aws-ec2-key-pair-name",
        cloud: "aws",
        service: "EC2",
        rule: "A key pair name has at most 255 ASCII characters.",
        source: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateKeyPair.html",
        targets: [{ type: "aws:ec2/keyPair:KeyPair", field: "keyName" }],
        problem: lengthAndCharset(1, 255, /^[\x20-\x7e]$/, "a key pair name"),
        pass: "platform-dev-aws-bastion",
        fail: ["bastión"],
    }),
    {
        id: "aws-ec2-vpc-endpoint-service-region",
        kind: "resource",
        cloud: "aws",
        service: "EC2 (VPC endpoints)",
        types: ["aws:ec2/vpcEndpoint:VpcEndpoint"],
        rule: "An AWS service endpoint's service name is com.amazonaws.<region>.<service> for the endpoint's own Region.",
        source: "https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html",
        check: (r, ctx) => {
            const name = str(r, "serviceName");
            const region = ctx.providerInputs(r).region;
            const m = name === undefined ? null : /^com\.amazonaws\.([a-z0-9-]+)\./.exec(name);
            return m && typeof region === "string" && m[1] !== region ? [`serviceName ${JSON.stringify(name)} names region ${m[1]}, the provider's region is ${region}`] : [];
        },
        examples: {
            pass: [{ title: "ssm in eu-west-1", resources: [provider("eu-west-1"), { type: "aws:ec2/vpcEndpoint:VpcEndpoint", name: "e", provider: "aws", inputs: { serviceName: "com.amazonaws.eu-west-1.ssm" } }] }],
            fail: [{ title: "us-east-1 ssm from eu-west-1", resources: [provider("eu-west-1"), { type: "aws:ec2/vpcEndpoint:VpcEndpoint", name: "e", provider: "aws", inputs: { serviceName: "com.amazonaws.us-east-1.ssm" } }] }],
        },
    },
    nameRule({
        id: "aws-iam-name-format",
        cloud: "aws",
        service: "IAM",
        rule: "Role names have 1-64 characters, instance profile and inline policy names 1-128, all of letters, digits and +=,.@_-.",
        source: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html",
        alsoSource: `${BOTOCORE}/iam/2010-05-08/service-2.json (roleNameType, instanceProfileNameType, policyNameType)`,
        targets: [
            { type: "aws:iam/role:Role", field: "name" },
            { type: "aws:iam/instanceProfile:InstanceProfile", field: "name" },
            { type: "aws:iam/rolePolicy:RolePolicy", field: "name" },
        ],
        problem: (v, t) => lengthAndCharset(1, t.type === "aws:iam/role:Role" ? 64 : 128, /^[\w+=,.@-]$/, "an IAM name")(v),
        pass: "platform-dev-aws-eks-ebs-csi",
        fail: ["platform-dev-aws-" + "x".repeat(48), "platform/dev"],
    }),
    {
        id: "aws-iam-role-settings",
        kind: "resource",
        cloud: "aws",
        service: "IAM",
        types: ["aws:iam/role:Role"],
        rule: "A role's description has at most 1000 characters of printable Latin-1, and its maximum session duration is 3600-43200 seconds.",
        source: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html",
        alsoSource: `${BOTOCORE}/iam/2010-05-08/service-2.json (roleDescriptionType, roleMaxSessionDurationType)`,
        check: (r) => {
            const out: string[] = [];
            const d = str(r, "description");
            if (d !== undefined) {
                const bad = offending(d, /^[\t\n\r\x20-\x7e\xa1-\xff]$/);
                if (d.length > 1000 || bad.length > 0) {
                    out.push(`description ${d.length > 1000 ? `has ${d.length} characters (at most 1000)` : `contains ${showChars(bad)}`}`);
                }
            }
            const s = input(r, "maxSessionDuration");
            if (typeof s === "number" && (s < 3600 || s > 43200)) {
                out.push(`maxSessionDuration ${s} is outside 3600-43200`);
            }
            return out;
        },
        examples: {
            pass: [{ title: "one-hour sessions", resources: [role("r", { description: "EKS cluster role", maxSessionDuration: 3600 })] }],
            fail: [
                { title: "a 15-minute session", resources: [role("r", { maxSessionDuration: 900 })] },
                { title: "a description with an emoji", resources: [role("r", { description: "nodes \u{1F680}" })] },
            ],
        },
    },
    {
        id: "aws-iam-managed-policy-exists",
        kind: "resource",
        cloud: "aws",
        service: "IAM",
        types: ["aws:iam/rolePolicyAttachment:RolePolicyAttachment"],
        rule: "An AWS managed policy is attached by its exact published ARN, path included (arn:<partition>:iam::aws:policy/service-role/... for service-role policies); any other ARN is NoSuchEntity.",
        source: "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/policy-list.html",
        check: (r) => {
            const arn = str(r, "policyArn");
            const path = arn === undefined ? undefined : managedPolicyPath(arn);
            if (path === undefined) {
                return [];
            }
            const name = path.split("/").pop() ?? path;
            const known = AWS_MANAGED_POLICIES.find((p) => p.name === name);
            if (!known) {
                return [`policyArn ${JSON.stringify(arn)} is not a managed policy in offline/constraints/tables/aws-managed-policies.ts (add it there with its reference page if it is real)`];
            }
            return `${known.path}${known.name}` === `/${path}` ? [] : [`policyArn ${JSON.stringify(arn)} has the wrong path: AWS publishes it as policy${known.path}${known.name} (${known.source})`];
        },
        examples: {
            pass: [{ title: "service-role/AmazonEBSCSIDriverPolicy", resources: [attach("a", "r", "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy")] }],
            fail: [
                { title: "AmazonEBSCSIDriverPolicy without its service-role/ path", resources: [attach("a", "r", "arn:aws:iam::aws:policy/AmazonEBSCSIDriverPolicy")] },
                { title: "a misspelt policy", resources: [attach("a", "r", "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicies")] },
            ],
        },
    },
    {
        id: "aws-iam-policy-size",
        kind: "graph",
        cloud: "aws",
        service: "IAM (quotas)",
        types: ["aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy"],
        rule: "A role's trust policy has at most 2048 characters and all its inline policies together at most 10240 (whitespace not counted; default quotas).",
        source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entity-length",
        checkGraph: (ctx) => {
            const out: { resource: CapturedResource; detail: string }[] = [];
            for (const r of ctx.graph.resources.filter((x) => x.type === "aws:iam/role:Role")) {
                const n = policyChars(input(r, "assumeRolePolicy"));
                if (n !== undefined && n > 2048) {
                    out.push({ resource: r, detail: `trust policy has ${n} characters without whitespace (at most 2048)` });
                }
            }
            for (const [roleName, policies] of byValue(ctx.graph, "aws:iam/rolePolicy:RolePolicy", "role")) {
                const total = policies.reduce((sum, p) => sum + (policyChars(input(p, "policy")) ?? 0), 0);
                if (total > 10240) {
                    out.push({ resource: policies[policies.length - 1], detail: `role ${roleName}'s inline policies total ${total} characters without whitespace (at most 10240)` });
                }
            }
            return out;
        },
        examples: {
            pass: [{ title: "two small inline policies", resources: [role("r"), { type: "aws:iam/rolePolicy:RolePolicy", name: "p1", inputs: { role: "r", policy: padPolicy(4000) } }, { type: "aws:iam/rolePolicy:RolePolicy", name: "p2", inputs: { role: "r", policy: padPolicy(4000) } }] }],
            fail: [
                { title: "inline policies of 11000 characters", resources: [role("r"), { type: "aws:iam/rolePolicy:RolePolicy", name: "p1", inputs: { role: "r", policy: padPolicy(6000) } }, { type: "aws:iam/rolePolicy:RolePolicy", name: "p2", inputs: { role: "r", policy: padPolicy(5000) } }] },
                { title: "a 3000-character trust policy", resources: [role("r", { assumeRolePolicy: padPolicy(3000) })] },
            ],
        },
    },
    {
        id: "aws-iam-managed-policies-per-role",
        kind: "graph",
        cloud: "aws",
        service: "IAM (quotas)",
        types: ["aws:iam/rolePolicyAttachment:RolePolicyAttachment"],
        rule: "A role has at most 10 managed policies attached (the default quota, adjustable to 20).",
        source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entities",
        checkGraph: (ctx) =>
            [...byValue(ctx.graph, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "role")]
                .filter(([, a]) => a.length > 10)
                .map(([roleName, a]) => ({ resource: a[10], detail: `role ${roleName} gets ${a.length} managed policies (quota 10)` })),
        examples: {
            pass: [{ title: "two attachments", resources: [attach("a1", "r", "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"), attach("a2", "r", "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly")] }],
            fail: [{ title: "eleven attachments", resources: Array.from({ length: 11 }, (_, i) => attach(`a${i}`, "r", `arn:aws:iam::123456789012:policy/p${i}`)) }],
        },
    },
    nameRule({
        id: "aws-s3-bucket-name",
        cloud: "aws",
        service: "S3",
        rule: "A general purpose bucket name has 3-63 characters of lowercase letters, digits, '.' and '-', begins and ends with a letter or digit, has no '..', is not an IP address, and does not start with xn--, sthree- or amzn-s3-demo- nor end with -s3alias, --ol-s3, .mrap, --x-s3 or --table-s3.",
        source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html",
        targets: [{ type: "aws:s3/bucket:Bucket", field: "bucket" }],
        problem: lengthAndCharset(3, 63, /^[a-z0-9.-]$/, "a bucket name", (v) => {
            if (!/^[a-z0-9].*[a-z0-9]$/.test(v)) return "must begin and end with a letter or digit";
            if (v.includes("..")) return "has two adjacent periods";
            if (/^\d+\.\d+\.\d+\.\d+$/.test(v)) return "is formatted as an IP address";
            if (/^(xn--|sthree-|amzn-s3-demo-)/.test(v)) return "starts with a reserved prefix";
            if (/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(v)) return "ends with a reserved suffix";
            return undefined;
        }),
        pass: "platform-dev-aws-vault-snapshots-123456789012",
        fail: ["Platform-Snapshots", "platform-dev-aws-vault-snapshots-123456789012-with-a-very-long-suffix", "snapshots-", "xn--snapshots"],
    }),
    {
        id: "aws-s3-bucket-policy-size",
        kind: "resource",
        cloud: "aws",
        service: "S3",
        types: ["aws:s3/bucketPolicy:BucketPolicy"],
        rule: "A bucket policy is at most 20 KB.",
        source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html",
        check: (r) => {
            const p = str(r, "policy");
            return p !== undefined && Buffer.byteLength(p) > 20480 ? [`policy is ${Buffer.byteLength(p)} bytes (at most 20480)`] : [];
        },
        examples: {
            pass: [{ title: "a 1 KB policy", resources: [{ type: "aws:s3/bucketPolicy:BucketPolicy", name: "p", inputs: { bucket: "b", policy: padPolicy(1000) } }] }],
            fail: [{ title: "a 21 KB policy", resources: [{ type: "aws:s3/bucketPolicy:BucketPolicy", name: "p", inputs: { bucket: "b", policy: padPolicy(21000) } }] }],
        },
    },
    nameRule({
        id: "aws-kms-alias-name",
        cloud: "aws",
        service: "KMS",
        rule: "An alias name is alias/ followed by letters, digits, '/', '_' and '-', 1-256 characters in all, and does not begin with alias/aws/.",
        source: "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html",
        alsoSource: `${BOTOCORE}/kms/2014-11-01/service-2.json (AliasNameType)`,
        targets: [{ type: "aws:kms/alias:Alias", field: "name" }],
        problem: lengthAndCharset(1, 256, /^[a-zA-Z0-9/_-]$/, "an alias name", (v) => (!v.startsWith("alias/") ? "does not begin with alias/" : v.startsWith("alias/aws/") ? "uses the reserved alias/aws/ prefix" : undefined)),
        pass: "alias/platform-dev-aws-logs",
        fail: ["platform-dev-aws-logs", "alias/aws/platform", "alias/platform.logs"],
    }),
    {
        id: "aws-kms-key-settings",
        kind: "resource",
        cloud: "aws",
        service: "KMS",
        types: ["aws:kms/key:Key"],
        rule: "A key's deletion waiting period is 7-30 days, its description at most 8192 characters and its key policy at most 32 KB.",
        source: "https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html",
        alsoSource: "https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html#key-policy-limit",
        check: (r) => {
            const out: string[] = [];
            const w = input(r, "deletionWindowInDays");
            if (typeof w === "number" && (w < 7 || w > 30)) out.push(`deletionWindowInDays ${w} is outside 7-30`);
            const d = str(r, "description");
            if (d !== undefined && d.length > 8192) out.push(`description has ${d.length} characters (at most 8192)`);
            const p = str(r, "policy");
            if (p !== undefined && Buffer.byteLength(p) > 32768) out.push(`key policy is ${Buffer.byteLength(p)} bytes (at most 32768)`);
            return out;
        },
        examples: {
            pass: [{ title: "a 30-day window", resources: [{ type: "aws:kms/key:Key", name: "k", inputs: { deletionWindowInDays: 30, description: "logs" } }] }],
            fail: [{ title: "a 3-day window", resources: [{ type: "aws:kms/key:Key", name: "k", inputs: { deletionWindowInDays: 3 } }] }],
        },
    },
    nameRule({
        id: "aws-logs-log-group-name",
        cloud: "aws",
        service: "CloudWatch Logs",
        rule: "A log group name has 1-512 characters of a-z, A-Z, 0-9, '_', '-', '/', '.' and '#'.",
        source: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html",
        alsoSource: `${BOTOCORE}/logs/2014-03-28/service-2.json (LogGroupName)`,
        targets: [{ type: "aws:cloudwatch/logGroup:LogGroup", field: "name" }],
        problem: lengthAndCharset(1, 512, /^[.\-_/#A-Za-z0-9]$/, "a log group name"),
        pass: "/aws/eks/platform-dev-aws-eks/cluster",
        fail: ["/platform/flow logs"],
    }),
    {
        id: "aws-logs-retention-days",
        kind: "resource",
        cloud: "aws",
        service: "CloudWatch Logs",
        types: ["aws:cloudwatch/logGroup:LogGroup"],
        rule: "Retention is one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653 days.",
        source: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html",
        alsoSource: `${BOTOCORE}/logs/2014-03-28/service-2.json (Days)`,
        check: (r) => {
            const d = input(r, "retentionInDays");
            return typeof d === "number" && d !== 0 && ![1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653].includes(d) ? [`retentionInDays ${d} is not an accepted value`] : [];
        },
        examples: {
            pass: [{ title: "365 days", resources: [{ type: "aws:cloudwatch/logGroup:LogGroup", name: "g", inputs: { retentionInDays: 365 } }] }],
            fail: [{ title: "45 days", resources: [{ type: "aws:cloudwatch/logGroup:LogGroup", name: "g", inputs: { retentionInDays: 45 } }] }],
        },
    },
    nameRule({
        id: "aws-eks-cluster-name",
        cloud: "aws",
        service: "EKS",
        rule: "A cluster name has 1-100 characters of letters, digits, '-' and '_', beginning with a letter or digit.",
        source: "https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html",
        alsoSource: `${BOTOCORE}/eks/2017-11-01/service-2.json (ClusterName)`,
        targets: [{ type: "aws:eks/cluster:Cluster", field: "name" }],
        problem: lengthAndCharset(1, 100, /^[A-Za-z0-9\-_]$/, "a cluster name", (v) => (/^[0-9A-Za-z]/.test(v) ? undefined : "must begin with a letter or digit")),
        pass: "platform-dev-aws-eks",
        fail: ["-platform-eks", "platform.eks"],
    }),
    {
        id: "aws-eks-access-entry-unique-principal",
        kind: "graph",
        cloud: "aws",
        service: "EKS",
        types: ["aws:eks/accessEntry:AccessEntry"],
        rule: "A cluster has at most one access entry per IAM principal ARN (a second CreateAccessEntry for the same ARN fails with ResourceInUseException).",
        source: "https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateAccessEntry.html",
        alsoSource: "https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html",
        checkGraph: (ctx) => {
            const seen = new Map<string, CapturedResource>();
            const out: { resource: CapturedResource; detail: string }[] = [];
            for (const r of ctx.graph.resources.filter((x) => x.type === "aws:eks/accessEntry:AccessEntry")) {
                const key = `${String(input(r, "clusterName"))} ${String(input(r, "principalArn"))}`;
                const first = seen.get(key);
                if (first) {
                    out.push({ resource: r, detail: `principal ${String(input(r, "principalArn"))} already has access entry ${first.name} on cluster ${String(input(r, "clusterName"))}` });
                } else {
                    seen.set(key, r);
                }
            }
            return out;
        },
        examples: {
            pass: [{ title: "deployer and a break-glass role", resources: [{ type: "aws:eks/accessEntry:AccessEntry", name: "e1", inputs: { clusterName: "c", principalArn: "arn:aws:iam::123456789012:role/deployer" } }, { type: "aws:eks/accessEntry:AccessEntry", name: "e2", inputs: { clusterName: "c", principalArn: "arn:aws:iam::123456789012:role/admins" } }] }],
            fail: [{ title: "the deployer also listed as an admin", resources: [{ type: "aws:eks/accessEntry:AccessEntry", name: "e1", inputs: { clusterName: "c", principalArn: "arn:aws:iam::123456789012:role/deployer" } }, { type: "aws:eks/accessEntry:AccessEntry", name: "e2", inputs: { clusterName: "c", principalArn: "arn:aws:iam::123456789012:role/deployer" } }] }],
        },
    },
    {
        id: "aws-eks-access-policy-association",
        kind: "graph",
        cloud: "aws",
        service: "EKS",
        types: ["aws:eks/accessPolicyAssociation:AccessPolicyAssociation"],
        rule: "An access policy is one of the EKS cluster-access-policy ARNs, and is associated with a principal only after that principal's access entry exists (otherwise ResourceNotFoundException).",
        source: EKS_ACCESS_POLICY_SOURCE,
        alsoSource: "https://docs.aws.amazon.com/eks/latest/APIReference/API_AssociateAccessPolicy.html",
        checkGraph: (ctx) => {
            const entries = ctx.graph.resources.filter((x) => x.type === "aws:eks/accessEntry:AccessEntry");
            const out: { resource: CapturedResource; detail: string }[] = [];
            for (const r of ctx.graph.resources.filter((x) => x.type === "aws:eks/accessPolicyAssociation:AccessPolicyAssociation")) {
                const arn = str(r, "policyArn");
                const m = arn === undefined ? null : /^arn:aws[a-z-]*:eks::aws:cluster-access-policy\/(.+)$/.exec(arn);
                if (arn !== undefined && (!m || !EKS_ACCESS_POLICIES.includes(m[1]))) {
                    out.push({ resource: r, detail: `policyArn ${JSON.stringify(arn)} is not an EKS access policy` });
                }
                const entry = entries.find((e) => input(e, "principalArn") === input(r, "principalArn") && input(e, "clusterName") === input(r, "clusterName"));
                if (!entry) {
                    out.push({ resource: r, detail: `no access entry for ${String(input(r, "principalArn"))} in this stack` });
                } else if (!ctx.dependsOn(r, entry)) {
                    out.push({ resource: r, detail: `does not wait for access entry ${entry.name} (depend on it, or take principalArn from its output)` });
                }
            }
            return out;
        },
        examples: {
            pass: [
                {
                    title: "association after its entry",
                    resources: [
                        { type: "aws:eks/accessEntry:AccessEntry", name: "e", inputs: { clusterName: "c", principalArn: "arn:aws:iam::123456789012:role/deployer" } },
                        { type: "aws:eks/accessPolicyAssociation:AccessPolicyAssociation", name: "a", dependsOn: ["e"], inputs: { clusterName: "c", principalArn: "arn:aws:iam::123456789012:role/deployer", policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy" } },
                    ],
                },
            ],
            fail: [
                {
                    title: "association racing its entry",
                    resources: [
                        { type: "aws:eks/accessEntry:AccessEntry", name: "e", inputs: { clusterName: "c", principalArn: "arn:aws:iam::123456789012:role/deployer" } },
                        { type: "aws:eks/accessPolicyAssociation:AccessPolicyAssociation", name: "a", inputs: { clusterName: "c", principalArn: "arn:aws:iam::123456789012:role/deployer", policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy" } },
                    ],
                },
                {
                    title: "an IAM policy ARN as access policy",
                    resources: [
                        { type: "aws:eks/accessEntry:AccessEntry", name: "e", inputs: { clusterName: "c", principalArn: "arn:aws:iam::123456789012:role/deployer" } },
                        { type: "aws:eks/accessPolicyAssociation:AccessPolicyAssociation", name: "a", dependsOn: ["e"], inputs: { clusterName: "c", principalArn: "arn:aws:iam::123456789012:role/deployer", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" } },
                    ],
                },
            ],
        },
    },
    nameRule({
        id: "aws-secretsmanager-secret-name",
        cloud: "aws",
        service: "Secrets Manager",
        rule: "A secret name has 1-512 characters of ASCII letters, digits and /_+=.@-.",
        source: "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html",
        alsoSource: `${BOTOCORE}/secretsmanager/2017-10-17/service-2.json (NameType)`,
        targets: [{ type: "aws:secretsmanager/secret:Secret", field: "name" }],
        problem: lengthAndCharset(1, 512, /^[A-Za-z0-9/_+=.@-]$/, "a secret name"),
        pass: "platform-dev-aws/wazuh/enrollment-password",
        fail: ["platform dev/wazuh"],
    }),
    {
        id: "aws-secretsmanager-recovery-window",
        kind: "resource",
        cloud: "aws",
        service: "Secrets Manager",
        types: ["aws:secretsmanager/secret:Secret"],
        rule: "A secret's recovery window is 7-30 days (0 in the provider means delete without recovery).",
        source: "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html",
        alsoSource: `${BOTOCORE}/secretsmanager/2017-10-17/service-2.json (DeleteSecretRequest.RecoveryWindowInDays)`,
        check: (r) => {
            const d = input(r, "recoveryWindowInDays");
            return typeof d === "number" && d !== 0 && (d < 7 || d > 30) ? [`recoveryWindowInDays ${d} is outside 7-30`] : [];
        },
        examples: {
            pass: [{ title: "30 days", resources: [{ type: "aws:secretsmanager/secret:Secret", name: "s", inputs: { name: "s", recoveryWindowInDays: 30 } }] }],
            fail: [{ title: "3 days", resources: [{ type: "aws:secretsmanager/secret:Secret", name: "s", inputs: { name: "s", recoveryWindowInDays: 3 } }] }],
        },
    },
    nameRule({
        id: "aws-backup-names",
        cloud: "aws",
        service: "AWS Backup",
        rule: "Backup vault names have 2-50 characters of letters, digits, '-' and '_'; plan, rule and selection names 1-50 of letters, digits, '-', '_' and '.'.",
        source: "https://docs.aws.amazon.com/aws-backup/latest/devguide/API_CreateBackupVault.html",
        alsoSource: `${BOTOCORE}/backup/2018-11-15/service-2.json (BackupVaultName, BackupPlanName, BackupRuleName, BackupSelectionName)`,
        targets: [
            { type: "aws:backup/vault:Vault", field: "name" },
            { type: "aws:backup/plan:Plan", field: "name" },
            { type: "aws:backup/plan:Plan", field: "rules.0.ruleName" },
            { type: "aws:backup/selection:Selection", field: "name" },
        ],
        problem: (v, t) => (t.type === "aws:backup/vault:Vault" ? lengthAndCharset(2, 50, /^[a-zA-Z0-9\-_]$/, "a vault name")(v) : lengthAndCharset(1, 50, /^[a-zA-Z0-9\-_.]$/, "a plan, rule or selection name")(v)),
        pass: "platform-dev-aws-backup",
        fail: ["platform.dev.aws.backup", "platform-dev-aws-" + "x".repeat(40)],
    }),
    {
        id: "aws-s3-bucket-policy-deny-needs-sse-header",
        kind: "resource",
        cloud: "aws",
        service: "S3 (bucket policy evaluation)",
        types: ["aws:s3/bucketPolicy:BucketPolicy"],
        rule: "S3 evaluates the bucket policy before default encryption, and authorizes every UploadPart of a multipart upload as s3:PutObject with no server-side-encryption header; IAM evaluates a negated operator (StringNotEquals) and any ...IfExists operator as true when the key is absent. So a Deny on s3:PutObject whose condition holds when no x-amz-server-side-encryption* header is sent denies every multipart upload and every PUT that relies on default encryption: guard each such Deny with Null false on the header it judges.",
        source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html",
        alsoSource: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html#mpuAndPermissions (UploadPart needs s3:PutObject; aws/aws-cli#4251: AccessDenied on UploadPart under such a policy)",
        check: (r) =>
            statementsOf(input(r, "policy"))
                .filter((st) => st.Effect === "Deny" && coversPutObject(st.Action) && Object.values(st.Condition ?? {}).some((keys) => Object.keys(keys).some((k) => SSE_KEY.test(k))))
                .filter((st) => holdsWithoutSseHeaders(st.Condition) === true)
                .map((st, i) => `statement ${st.Sid ?? i} denies s3:PutObject when no server-side-encryption header is sent (UploadPart, default encryption): guard it with Null "false" on the header it judges`),
        examples: {
            pass: [
                {
                    title: "Denies only a header that names another key",
                    resources: [
                        {
                            type: "aws:s3/bucketPolicy:BucketPolicy",
                            name: "p",
                            inputs: {
                                bucket: "b",
                                policy: JSON.stringify({
                                    Version: "2012-10-17",
                                    Statement: [
                                        { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: { AWS: "*" }, Action: "s3:*", Resource: ["arn:aws:s3:::b", "arn:aws:s3:::b/*"], Condition: { Bool: { "aws:SecureTransport": false } } },
                                        {
                                            Sid: "DenyOtherKeys",
                                            Effect: "Deny",
                                            Principal: { AWS: "*" },
                                            Action: "s3:PutObject",
                                            Resource: "arn:aws:s3:::b/*",
                                            Condition: { Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "false" }, StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "arn:aws:kms:eu-west-1:123456789012:key/k" } },
                                        },
                                    ],
                                }),
                            },
                        },
                    ],
                },
            ],
            fail: [
                {
                    title: "StringNotEqualsIfExists on the SSE header (every UploadPart and header-less PUT denied)",
                    resources: [
                        {
                            type: "aws:s3/bucketPolicy:BucketPolicy",
                            name: "p",
                            inputs: {
                                bucket: "b",
                                policy: JSON.stringify({
                                    Version: "2012-10-17",
                                    Statement: [{ Sid: "DenyNotKms", Effect: "Deny", Principal: { AWS: "*" }, Action: "s3:PutObject", Resource: "arn:aws:s3:::b/*", Condition: { StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption": "aws:kms" } } }],
                                }),
                            },
                        },
                    ],
                },
                {
                    title: "Null true on the key id (the AWS example that breaks multipart uploads)",
                    resources: [
                        {
                            type: "aws:s3/bucketPolicy:BucketPolicy",
                            name: "p",
                            inputs: {
                                bucket: "b",
                                policy: JSON.stringify({
                                    Version: "2012-10-17",
                                    Statement: [{ Effect: "Deny", Principal: "*", Action: ["s3:PutObject"], Resource: "arn:aws:s3:::b/*", Condition: { Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "true" } } }],
                                }),
                            },
                        },
                    ],
                },
            ],
        },
    },
    {
        id: "aws-s3-logging-target-sse-s3",
        kind: "graph",
        cloud: "aws",
        service: "S3 (server access log delivery)",
        types: ["aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"],
        rule: "A server access log target bucket may use default encryption only with SSE-S3 (AES256); SSE-KMS default encryption is not supported there, and logs are not delivered.",
        source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html",
        checkGraph: (ctx) => {
            const out: { resource: CapturedResource; detail: string }[] = [];
            const sses = ctx.graph.resources.filter((x) => x.type === "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");
            for (const logging of ctx.graph.resources.filter((x) => x.type === "aws:s3/bucketLogging:BucketLogging")) {
                const target = str(logging, "targetBucket");
                for (const sse of sses.filter((x) => x.inputs.bucket === target || x.state.bucket === target)) {
                    for (const rule of arr(input(sse, "rules")) as { applyServerSideEncryptionByDefault?: { sseAlgorithm?: string } }[]) {
                        const algorithm = rule.applyServerSideEncryptionByDefault?.sseAlgorithm;
                        if (algorithm !== undefined && algorithm !== "AES256") {
                            out.push({ resource: sse, detail: `log target ${String(target)} of ${logging.name} has default encryption ${algorithm} (only AES256 is supported on a log target)` });
                        }
                    }
                }
            }
            return out;
        },
        examples: {
            pass: [
                {
                    title: "log target with SSE-S3",
                    resources: [
                        { type: "aws:s3/bucketLogging:BucketLogging", name: "l", inputs: { bucket: "data", targetBucket: "logs", targetPrefix: "data/" } },
                        { type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", name: "sse", inputs: { bucket: "logs", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] } },
                    ],
                },
            ],
            fail: [
                {
                    title: "log target with SSE-KMS",
                    resources: [
                        { type: "aws:s3/bucketLogging:BucketLogging", name: "l", inputs: { bucket: "data", targetBucket: "logs", targetPrefix: "data/" } },
                        { type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", name: "sse", inputs: { bucket: "logs", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "arn:aws:kms:eu-west-1:123456789012:key/k" } }] } },
                    ],
                },
            ],
        },
    },
    {
        id: "aws-iam-trust-source-condition-documented",
        kind: "resource",
        cloud: "aws",
        service: "STS (AssumeRole by an AWS service)",
        types: ["aws:iam/role:Role"],
        rule: "A condition on aws:SourceAccount or aws:SourceArn in a role's trust for an AWS service principal holds only if that service sends the key when it assumes the role; a service that does not cannot assume the role at all, and its jobs fail. Use such a condition only for services whose documentation gives it for the role they assume (offline/constraints/tables/aws-service-trust.ts).",
        source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",
        alsoSource: "offline/constraints/tables/aws-service-trust.ts (one documented source per service)",
        check: (r) => {
            const out: string[] = [];
            for (const st of statementsOf(input(r, "assumeRolePolicy"))) {
                const services = arr((st.Principal as { Service?: unknown } | undefined)?.Service).map(String);
                const keys = Object.values(st.Condition ?? {}).flatMap((k) => Object.keys(k));
                const source = keys.filter((k) => /^aws:Source(Account|Arn)$/i.test(k));
                for (const service of services) {
                    if (source.length > 0 && !TRUST_SOURCE_CONDITION_SERVICES.some((t) => t.service === service)) {
                        out.push(`trust for ${service} requires ${source.join(" and ")}, which ${service} is not documented to send when it assumes a role`);
                    }
                }
            }
            return out;
        },
        examples: {
            pass: [
                {
                    title: "VPC Flow Logs with its documented source conditions",
                    resources: [
                        role("flow-logs", {
                            assumeRolePolicy: JSON.stringify({
                                Version: "2012-10-17",
                                Statement: [
                                    {
                                        Effect: "Allow",
                                        Principal: { Service: "vpc-flow-logs.amazonaws.com" },
                                        Action: "sts:AssumeRole",
                                        Condition: { StringEquals: { "aws:SourceAccount": "123456789012" }, ArnLike: { "aws:SourceArn": "arn:aws:ec2:eu-west-1:123456789012:vpc-flow-log/*" } },
                                    },
                                ],
                            }),
                        }),
                    ],
                },
                { title: "AWS Backup with its documented plain trust", resources: [role("backup", { assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole" }] }) })] },
            ],
            fail: [
                {
                    title: "AWS Backup required to send aws:SourceAccount",
                    resources: [
                        role("backup", {
                            assumeRolePolicy: JSON.stringify({
                                Version: "2012-10-17",
                                Statement: [{ Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } } }],
                            }),
                        }),
                    ],
                },
            ],
        },
    },
    {
        id: "aws-ec2-boot-after-egress",
        kind: "graph",
        cloud: "aws",
        service: "EC2 (first boot)",
        types: ["aws:ec2/instance:Instance", "aws:eks/nodeGroup:NodeGroup"],
        rule: "EC2 starts an instance, and cloud-init runs its first-boot installs once, as soon as RunInstances returns, whether or not its subnet's route table association and the NAT or internet gateway it routes through exist yet (a NAT gateway is only usable once available); EKS nodes that cannot reach the cluster API, ECR and STS never join. An instance or node group must be created after its subnets' association and the gateways their default route uses; an instance also after its own security groups' egress rules to address ranges (a group the provider creates has no egress until they exist).",
        source: "https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-working-with.html",
        alsoSource: "https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html (nodes need outbound access to the cluster endpoint, ECR and STS) and https://cloudinit.readthedocs.io/en/latest/reference/modules.html (package installs run once per instance); https://www.pulumi.com/registry/packages/aws/api-docs/ec2/securitygroup/ (its NOTE on Egress rules: the default allow-all egress rule is removed)",
        checkGraph: (ctx) => {
            const out: { resource: CapturedResource; detail: string }[] = [];
            const byId = new Map(ctx.graph.resources.filter((x) => idOf(x) !== undefined).map((x) => [idOf(x)!, x]));
            const associations = ctx.graph.resources.filter((x) => x.type === "aws:ec2/routeTableAssociation:RouteTableAssociation");
            for (const r of ctx.graph.resources.filter((x) => x.type === "aws:ec2/instance:Instance" || x.type === "aws:eks/nodeGroup:NodeGroup")) {
                const subnets = (r.type === "aws:ec2/instance:Instance" ? [input(r, "subnetId")] : arr(input(r, "subnetIds"))).filter((v): v is string => typeof v === "string");
                for (const subnet of subnets) {
                    const assoc = associations.find((a) => a.inputs.subnetId === subnet);
                    if (!assoc) {
                        continue; // the subnet's routes are not this stack's
                    }
                    const table = byId.get(String(assoc.inputs.routeTableId));
                    const gateways = (arr(table?.inputs.routes) as Record<string, unknown>[])
                        .flatMap((route) => [route.natGatewayId, route.gatewayId])
                        .map((g) => (typeof g === "string" ? byId.get(g) : undefined))
                        .filter((g): g is CapturedResource => g !== undefined);
                    for (const needed of [assoc, ...gateways]) {
                        if (!ctx.dependsOn(r, needed)) {
                            out.push({ resource: r, detail: `is created without waiting for ${needed.name} (${needed.type.split(":").pop()}), the egress of subnet ${subnet}` });
                        }
                    }
                }
                // Its own groups' rules out to an address range (the internet, the VPC): the
                // provider creates a group without EC2's default allow-all egress, so a separate
                // rule is the only way out of the instance.
                if (r.type === "aws:ec2/instance:Instance") {
                    const groups = new Set(arr(input(r, "vpcSecurityGroupIds")).filter((g): g is string => typeof g === "string"));
                    for (const rule of ctx.graph.resources.filter((x) => x.type === EGRESS_RULE && groups.has(String(x.inputs.securityGroupId)))) {
                        if ((rule.inputs.cidrIpv4 !== undefined || rule.inputs.cidrIpv6 !== undefined) && !ctx.dependsOn(r, rule)) {
                            out.push({ resource: r, detail: `is created without waiting for ${rule.name} (egress to ${String(rule.inputs.cidrIpv4 ?? rule.inputs.cidrIpv6)} port ${String(rule.inputs.fromPort)}) of its security group` });
                        }
                    }
                }
            }
            return out;
        },
        examples: (() => {
            const net: FixtureResource[] = [
                { type: "aws:ec2/subnet:Subnet", name: "tools", inputs: { id: "subnet-1", cidrBlock: "10.0.0.0/24" } },
                { type: "aws:ec2/natGateway:NatGateway", name: "nat", inputs: { id: "nat-1" } },
                { type: "aws:ec2/routeTable:RouteTable", name: "rt", inputs: { id: "rtb-1", routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: "nat-1" }] }, dependsOn: ["nat"] },
                { type: "aws:ec2/routeTableAssociation:RouteTableAssociation", name: "rta", inputs: { subnetId: "subnet-1", routeTableId: "rtb-1" }, dependsOn: ["rt", "tools"] },
            ];
            const vm = (dependsOn?: string[]): FixtureResource => ({ type: "aws:ec2/instance:Instance", name: "jenkins", inputs: { subnetId: "subnet-1", instanceType: "t3.large", vpcSecurityGroupIds: ["sg-1"] }, ...(dependsOn ? { dependsOn } : {}) });
            const sg: FixtureResource[] = [
                { type: "aws:ec2/securityGroup:SecurityGroup", name: "jenkins-sg", inputs: { id: "sg-1", description: "jenkins" } },
                { type: EGRESS_RULE, name: "jenkins-https-out", inputs: { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0", description: "HTTPS" }, dependsOn: ["jenkins-sg"] },
                // Group-to-group rules are the firewall table's (created after both tiers): not egress to the internet.
                { type: EGRESS_RULE, name: "jenkins-to-wazuh", inputs: { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 1514, toPort: 1514, referencedSecurityGroupId: "sg-2", description: "agent" } },
            ];
            return {
                pass: [{ title: "the VM waits for its association, the NAT and its group's internet egress", resources: [...net, ...sg, vm(["rta", "jenkins-https-out"])] }],
                fail: [
                    { title: "the VM only waits for its subnet", resources: [...net, vm(["tools"])] },
                    { title: "the VM races its group's internet egress rule", resources: [...net, ...sg, vm(["rta"])] },
                    { title: "a node group racing its NAT", resources: [...net, { type: "aws:eks/nodeGroup:NodeGroup", name: "workload", inputs: { subnetIds: ["subnet-1"], instanceTypes: ["m6i.large"] } }] },
                ],
            };
        })(),
    },
    {
        id: "aws-eks-addon-after-role-grants",
        kind: "graph",
        cloud: "aws",
        service: "EKS",
        types: ["aws:eks/addon:Addon", "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:iam/rolePolicy:RolePolicy"],
        rule: "An add-on given a serviceAccountRoleArn runs as that role from its first pod, and the role must already hold the permissions the add-on needs; IAM changes are eventually consistent. The add-on must be created after every policy attached to (or inlined in) its role, or vpc-cni leaves new nodes NotReady and the EBS CSI controller fails its first volume calls.",
        source: "https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateAddon.html",
        alsoSource: "https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html (IAM changes are eventually consistent)",
        checkGraph: (ctx) => {
            const out: { resource: CapturedResource; detail: string }[] = [];
            const roles = ctx.graph.resources.filter((x) => x.type === "aws:iam/role:Role");
            const grants = ctx.graph.resources.filter((x) => x.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" || x.type === "aws:iam/rolePolicy:RolePolicy");
            for (const r of ctx.graph.resources.filter((x) => x.type === "aws:eks/addon:Addon" && typeof x.inputs.serviceAccountRoleArn === "string")) {
                const role = roles.find((x) => x.state.arn === r.inputs.serviceAccountRoleArn);
                if (!role) {
                    continue; // a role of another stack: its grants are not ordered here
                }
                for (const grant of grants.filter((x) => x.inputs.role === role.state.name || x.inputs.role === role.state.id)) {
                    if (!ctx.dependsOn(r, grant)) {
                        out.push({ resource: r, detail: `is created without waiting for ${grant.name}, a policy of its role ${role.name}` });
                    }
                }
            }
            return out;
        },
        examples: (() => {
            const iam: FixtureResource[] = [
                { type: "aws:iam/role:Role", name: "cni-role", inputs: { name: "platform-dev-aws-eks-vpc-cni", arn: "arn:aws:iam::123456789012:role/platform-dev-aws-eks-vpc-cni" } },
                { type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", name: "cni-policy", inputs: { role: "platform-dev-aws-eks-vpc-cni", policyArn: "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy" }, dependsOn: ["cni-role"] },
            ];
            const addon = (dependsOn: string[]): FixtureResource => ({
                type: "aws:eks/addon:Addon",
                name: "vpc-cni",
                inputs: { clusterName: "c", addonName: "vpc-cni", serviceAccountRoleArn: "arn:aws:iam::123456789012:role/platform-dev-aws-eks-vpc-cni" },
                dependsOn,
            });
            return {
                pass: [{ title: "vpc-cni after its role's policy", resources: [...iam, addon(["cni-role", "cni-policy"])] }],
                fail: [{ title: "vpc-cni as soon as its role exists, racing the policy attachment", resources: [...iam, addon(["cni-role"])] }],
            };
        })(),
    },
    {
        id: "aws-eks-control-plane-log-group-first",
        kind: "graph",
        cloud: "aws",
        service: "EKS",
        types: ["aws:eks/cluster:Cluster", "aws:cloudwatch/logGroup:LogGroup"],
        rule: "EKS sends the enabled control-plane log types to the log group /aws/eks/<cluster name>/cluster and creates that group itself when it is missing, with no KMS key and no retention (kept forever). A cluster with logging must depend on a log group of exactly that name that the stack creates first, encrypted with a key and with a retention.",
        source: "https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html",
        alsoSource: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html (retention: never expire by default) and terraform-aws-modules/terraform-aws-eks#2486 (EKS re-creates the group after a destroy)",
        checkGraph: (ctx) => {
            const out: { resource: CapturedResource; detail: string }[] = [];
            const groups = ctx.graph.resources.filter((x) => x.type === "aws:cloudwatch/logGroup:LogGroup");
            for (const r of ctx.graph.resources.filter((x) => x.type === "aws:eks/cluster:Cluster" && arr(x.inputs.enabledClusterLogTypes).length > 0)) {
                const name = `/aws/eks/${String(r.inputs.name)}/cluster`;
                const group = groups.find((g) => g.inputs.name === name);
                if (!group) {
                    out.push({ resource: r, detail: `ships control-plane logs but the stack creates no log group ${name}: EKS would create it unencrypted and never expiring` });
                    continue;
                }
                if (!ctx.dependsOn(r, group)) {
                    out.push({ resource: r, detail: `does not wait for ${group.name} (${name}): EKS may create the group first, and the stack's create then fails with ResourceAlreadyExistsException` });
                }
                if (group.inputs.kmsKeyId === undefined || group.inputs.retentionInDays === undefined) {
                    out.push({ resource: r, detail: `its log group ${group.name} has ${group.inputs.kmsKeyId === undefined ? "no KMS key" : "no retention"}` });
                }
            }
            return out;
        },
        examples: (() => {
            const cluster = (dependsOn: string[]): FixtureResource => ({ type: "aws:eks/cluster:Cluster", name: "eks", inputs: { name: "platform-dev-aws-eks", enabledClusterLogTypes: ["api", "audit"] }, dependsOn });
            const group = (inputs: Record<string, unknown>): FixtureResource => ({ type: "aws:cloudwatch/logGroup:LogGroup", name: "logs", inputs: { name: "/aws/eks/platform-dev-aws-eks/cluster", ...inputs } });
            const good = { kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/1", retentionInDays: 30 };
            return {
                pass: [{ title: "the cluster after its encrypted, expiring log group", resources: [group(good), cluster(["logs"])] }],
                fail: [
                    { title: "logging with no log group of the stack", resources: [cluster([])] },
                    { title: "the cluster racing its log group", resources: [group(good), cluster([])] },
                    { title: "a log group without a key", resources: [group({ retentionInDays: 30 }), cluster(["logs"])] },
                ],
            };
        })(),
    },
    {
        id: "aws-eks-nodegroup-instance-architecture",
        kind: "resource",
        cloud: "aws",
        service: "EKS",
        types: ["aws:eks/nodeGroup:NodeGroup"],
        rule: "A managed node group's instance types must all be of its AMI type's CPU architecture (x86_64 for the *_x86_64_* AMI types, arm64 for *_ARM_64_*); a mismatch is refused.",
        source: EKS_AMI_TYPE_SOURCE,
        alsoSource: "offline/constraints/tables/aws-instance-types.ts (architecture per type, from the EC2 instance type specifications)",
        check: (r) => {
            const ami = str(r, "amiType");
            const want = ami === undefined ? undefined : EKS_AMI_TYPE_ARCHITECTURE[ami];
            if (!want) {
                return [];
            }
            return (arr(input(r, "instanceTypes")) as string[])
                .map((t) => ({ t, spec: AWS_INSTANCE_TYPES.find((x) => x.name === t) }))
                .filter(({ spec }) => spec !== undefined && spec.architecture !== want)
                .map(({ t, spec }) => `instance type ${t} is ${spec!.architecture}, the AMI type ${ami} is ${want}`);
        },
        examples: {
            pass: [{ title: "x86_64 AMI, Intel and AMD types", resources: [{ type: "aws:eks/nodeGroup:NodeGroup", name: "ng", inputs: { amiType: "AL2023_x86_64_STANDARD", instanceTypes: ["m6i.large", "m6a.large"] } }] }],
            fail: [{ title: "x86_64 AMI with a Graviton type", resources: [{ type: "aws:eks/nodeGroup:NodeGroup", name: "ng", inputs: { amiType: "AL2023_x86_64_STANDARD", instanceTypes: ["m6i.large", "m6g.large"] } }] }],
        },
    },
    {
        id: "aws-eks-access-entry-principal-kind",
        kind: "resource",
        cloud: "aws",
        service: "EKS",
        types: ["aws:eks/accessEntry:AccessEntry"],
        rule: "An access entry's principal is an IAM role or user ARN (a role ARN may include a path); an STS session ARN is not a principal, and service-linked roles (role/aws-service-role/...) are not supported.",
        source: "https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html",
        alsoSource: "https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateAccessEntry.html",
        check: (r) => {
            const arn = str(r, "principalArn");
            if (arn === undefined) {
                return [];
            }
            if (!/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/.+$/.test(arn)) {
                return [`principalArn ${JSON.stringify(arn)} is not an IAM role or user ARN${/:sts::/.test(arn) ? " (an STS session: resolve its role with aws.iam.getSessionContext)" : ""}`];
            }
            return /:role\/aws-service-role\//.test(arn) ? [`principalArn ${JSON.stringify(arn)} is a service-linked role`] : [];
        },
        examples: {
            pass: [{ title: "a role with a path (SSO)", resources: [{ type: "aws:eks/accessEntry:AccessEntry", name: "e", inputs: { clusterName: "c", principalArn: "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_0123456789abcdef" } }] }],
            fail: [
                { title: "an assumed-role session", resources: [{ type: "aws:eks/accessEntry:AccessEntry", name: "e", inputs: { clusterName: "c", principalArn: "arn:aws:sts::123456789012:assumed-role/deployer/ci-run-42" } }] },
                { title: "a service-linked role", resources: [{ type: "aws:eks/accessEntry:AccessEntry", name: "e", inputs: { clusterName: "c", principalArn: "arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling" } }] },
            ],
        },
    },
    {
        id: "aws-eks-access-entry-group-name",
        kind: "resource",
        cloud: "aws",
        service: "EKS",
        types: ["aws:eks/accessEntry:AccessEntry"],
        rule: "An access entry's kubernetesGroups may not start with `system:` (CreateAccessEntry fails with InvalidParameterException: \"The kubernetes group name system:masters is invalid, it cannot start with system:\").",
        source: "https://github.com/terraform-aws-modules/terraform-aws-eks/issues/2915",
        alsoSource: "https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateAccessEntry.html",
        check: (r) => {
            const groups = input(r, "kubernetesGroups");
            return (Array.isArray(groups) ? groups : []).filter((g) => typeof g === "string" && g.startsWith("system:")).map((g) => `kubernetesGroups has ${JSON.stringify(g)}`);
        },
        examples: {
            pass: [{ title: "a platform group", resources: [{ type: "aws:eks/accessEntry:AccessEntry", name: "e", inputs: { clusterName: "c", principalArn: "arn:aws:iam::123456789012:role/jenkins", type: "STANDARD", kubernetesGroups: ["platform:jenkins-agents"] } }] }],
            fail: [{ title: "system:masters", resources: [{ type: "aws:eks/accessEntry:AccessEntry", name: "e", inputs: { clusterName: "c", principalArn: "arn:aws:iam::123456789012:role/jenkins", type: "STANDARD", kubernetesGroups: ["platform:jenkins-agents", "system:masters"] } }] }],
        },
    },
    {
        id: "aws-eks-private-endpoint-vpc-dns",
        kind: "graph",
        cloud: "aws",
        service: "EKS",
        types: ["aws:eks/cluster:Cluster", "aws:ec2/vpc:Vpc", "aws:ec2/vpcDhcpOptions:VpcDhcpOptions", "aws:ec2/vpcDhcpOptionsAssociation:VpcDhcpOptionsAssociation"],
        rule: "A cluster's private endpoint resolves inside its VPC only when the VPC has enableDnsHostnames and enableDnsSupport true and DHCP options that include AmazonProvidedDNS (otherwise nodes, the bastion and the Jenkins VM resolve the public endpoint or nothing, and managed nodes never join).",
        source: "https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html",
        alsoSource: "https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html",
        checkGraph: (ctx) =>
            ctx.graph.resources.filter((r) => r.type === "aws:eks/cluster:Cluster").flatMap((c) => eksPrivateEndpointDnsProblems(ctx.graph.resources, c).map((detail) => ({ resource: c, detail: `private endpoint: ${detail}` }))),
        examples: {
            pass: [
                {
                    title: "a VPC with both DNS attributes on",
                    resources: [
                        { type: "aws:ec2/vpc:Vpc", name: "vpc", id: "vpc-1", inputs: { cidrBlock: "10.0.0.0/16", enableDnsHostnames: true, enableDnsSupport: true } },
                        { type: "aws:ec2/subnet:Subnet", name: "s", id: "subnet-1", inputs: { vpcId: "vpc-1", cidrBlock: "10.0.0.0/24" } },
                        { type: "aws:eks/cluster:Cluster", name: "c", inputs: { name: "c", vpcConfig: { subnetIds: ["subnet-1"], endpointPrivateAccess: true, endpointPublicAccess: false } } },
                    ],
                },
            ],
            fail: [
                {
                    title: "enableDnsHostnames left at the provider default",
                    resources: [
                        { type: "aws:ec2/vpc:Vpc", name: "vpc", id: "vpc-1", inputs: { cidrBlock: "10.0.0.0/16" } },
                        { type: "aws:ec2/subnet:Subnet", name: "s", id: "subnet-1", inputs: { vpcId: "vpc-1", cidrBlock: "10.0.0.0/24" } },
                        { type: "aws:eks/cluster:Cluster", name: "c", inputs: { name: "c", vpcConfig: { subnetIds: ["subnet-1"], endpointPrivateAccess: true, endpointPublicAccess: false } } },
                    ],
                },
                {
                    title: "DHCP options with only a corporate resolver",
                    resources: [
                        { type: "aws:ec2/vpc:Vpc", name: "vpc", id: "vpc-1", inputs: { cidrBlock: "10.0.0.0/16", enableDnsHostnames: true, enableDnsSupport: true } },
                        { type: "aws:ec2/vpcDhcpOptions:VpcDhcpOptions", name: "dhcp", id: "dopt-1", inputs: { domainNameServers: ["10.10.0.2"] } },
                        { type: "aws:ec2/vpcDhcpOptionsAssociation:VpcDhcpOptionsAssociation", name: "dhcp-assoc", inputs: { vpcId: "vpc-1", dhcpOptionsId: "dopt-1" } },
                        { type: "aws:ec2/subnet:Subnet", name: "s", id: "subnet-1", inputs: { vpcId: "vpc-1", cidrBlock: "10.0.0.0/24" } },
                        { type: "aws:eks/cluster:Cluster", name: "c", inputs: { name: "c", vpcConfig: { subnetIds: ["subnet-1"], endpointPrivateAccess: true, endpointPublicAccess: false } } },
                    ],
                },
            ],
        },
    },
];
