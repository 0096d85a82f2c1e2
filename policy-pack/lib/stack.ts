/**
 * Helpers for stack rules: effective tags (provider defaults merged), roles, links between
 * resources, and which subnets are public.
 *
 * Effective tags. The common tags reach AWS resources through the provider's `defaultTags`, so
 * a resource's own `tags` input may lack them. CrossGuard gives every resource its provider
 * (`PolicyResource.provider`, with the provider's inputs); AWS providers receive `defaultTags`
 * JSON-encoded (`{"tags":{...}}`), as every provider receives object-typed config. The
 * effective tags are therefore provider `defaultTags.tags` <- resource `tags` <- `tagsAll` when
 * the engine already knows it (resource values win, as in AWS). A resource on the default
 * provider gets the `aws:defaultTags` stack config the same way (the engine passes it as that
 * provider's inputs). Azure has no provider-level tags; GCP has `defaultLabels`: each cloud is
 * an entry in `TAGGING`.
 */
import type { PolicyResource } from "@pulumi/policy";
import { AZURE_TAGGABLE } from "./azure";
import { field, isUnknown, list, plain, stringMap, UNKNOWN } from "./values";

/** How one cloud tags resources. */
interface Tagging {
    /** The resource input holding the tags. */
    readonly key: string;
    /** Tags every resource of a provider gets, from the provider's inputs. */
    readonly providerDefaults: (providerProps: Record<string, unknown>) => Record<string, unknown> | "unknown";
    /** Taggable types that may omit the tags input entirely (then only defaults apply). */
    readonly taggableTypes: ReadonlySet<string>;
    /** Types whose tags input has another name (GKE clusters: `resourceLabels`). */
    readonly keyByType?: Readonly<Record<string, string>>;
}

const AWS_TAGGABLE = [
    "aws:backup/plan:Plan",
    "aws:backup/vault:Vault",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:ebs/volume:Volume",
    "aws:ec2/eip:Eip",
    "aws:ec2/flowLog:FlowLog",
    "aws:ec2/instance:Instance",
    "aws:ec2/internetGateway:InternetGateway",
    "aws:ec2/keyPair:KeyPair",
    "aws:ec2/launchTemplate:LaunchTemplate",
    "aws:ec2/natGateway:NatGateway",
    "aws:ec2/networkAcl:NetworkAcl",
    "aws:ec2/routeTable:RouteTable",
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    "aws:ec2/subnet:Subnet",
    "aws:ec2/vpc:Vpc",
    "aws:ec2/vpcEndpoint:VpcEndpoint",
    "aws:ecr/repository:Repository",
    "aws:eks/addon:Addon",
    "aws:eks/cluster:Cluster",
    "aws:eks/nodeGroup:NodeGroup",
    "aws:iam/instanceProfile:InstanceProfile",
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
    "aws:iam/policy:Policy",
    "aws:iam/role:Role",
    "aws:kms/key:Key",
    "aws:s3/bucket:Bucket",
    "aws:s3/bucketV2:BucketV2",
    "aws:secretsmanager/secret:Secret",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
];

/**
 * GCP types whose Args take `labels` (read from the @pulumi/gcp SDK; tests/gcp checks the list
 * against it), plus GKE clusters, whose labels input is `resourceLabels`.
 */
const GCP_LABELABLE = [
    "gcp:compute/address:Address",
    "gcp:compute/disk:Disk",
    "gcp:compute/instance:Instance",
    "gcp:container/cluster:Cluster",
    "gcp:kms/cryptoKey:CryptoKey",
    "gcp:pubsub/subscription:Subscription",
    "gcp:pubsub/topic:Topic",
    "gcp:secretmanager/secret:Secret",
    "gcp:storage/bucket:Bucket",
];

export const TAGGING: Readonly<Record<string, Tagging>> = {
    aws: {
        key: "tags",
        providerDefaults: (props) => {
            const raw = props.defaultTags;
            if (isUnknown(raw)) {
                return "unknown";
            }
            const tags = field(stringMap(raw), "tags");
            if (isUnknown(tags)) {
                return "unknown";
            }
            return stringMap(tags) ?? {};
        },
        taggableTypes: new Set(AWS_TAGGABLE),
    },
    // The gcp provider's `defaultLabels` reach every labelable resource (GKE's resourceLabels too).
    gcp: {
        key: "labels",
        keyByType: { "gcp:container/cluster:Cluster": "resourceLabels" },
        providerDefaults: (props) => {
            const raw = props.defaultLabels;
            if (isUnknown(raw)) {
                return "unknown";
            }
            return stringMap(raw) ?? {};
        },
        taggableTypes: new Set(GCP_LABELABLE),
    },
    // azure-native has no provider-level tags: every resource carries its own (components/azure/common.ts).
    "azure-native": {
        key: "tags",
        providerDefaults: () => ({}),
        taggableTypes: new Set(AZURE_TAGGABLE),
    },
};

/** `aws` of `aws:ec2/vpc:Vpc`. */
export function cloudOf(type: string): string {
    return type.split(":")[0] ?? "";
}

/**
 * What effective tags are read from: a stack rule's PolicyResource, or a resource rule's own
 * arguments (the engine's Analyze request carries the resource's provider and its inputs too).
 */
export interface TaggedResource {
    readonly type: string;
    readonly props: unknown;
    readonly provider?: { readonly props: unknown };
}

/**
 * The tags a resource ends up with, or "unknown" when some part cannot be known yet.
 * Undefined for types that are not taggable (or clouds not covered yet).
 */
export function effectiveTags(r: TaggedResource): Record<string, unknown> | "unknown" | undefined {
    const tagging = TAGGING[cloudOf(r.type)];
    const props = plain(r.props) as Record<string, unknown>;
    if (!tagging || r.type.startsWith("pulumi:")) {
        return undefined;
    }
    const key = tagging.keyByType?.[r.type] ?? tagging.key;
    if (!(key in props) && !tagging.taggableTypes.has(r.type)) {
        return undefined;
    }
    const own = props[key];
    const all = props[`${key}All`];
    if (isUnknown(own)) {
        return "unknown";
    }
    let defaults: Record<string, unknown> | "unknown" = {};
    if (r.provider) {
        defaults = tagging.providerDefaults(plain(r.provider.props) as Record<string, unknown>);
    }
    const known = stringMap(all) ?? {};
    if (defaults === "unknown") {
        // `tagsAll` (computed by the provider) settles it when already known.
        return Object.keys(known).length > 0 ? { ...known, ...(stringMap(own) ?? {}) } : "unknown";
    }
    return { ...defaults, ...known, ...(stringMap(own) ?? {}) };
}

/**
 * The `role` tag (jenkins, vault, wazuh, bastion, nat); the UNKNOWN sentinel when the tags
 * cannot be known yet (callers test `isUnknown` and give the benefit of the doubt).
 */
export function roleOf(r: TaggedResource): string | undefined {
    const tags = effectiveTags(r);
    if (tags === "unknown") {
        return UNKNOWN;
    }
    const role = (tags ?? stringMap((plain(r.props) as Record<string, unknown>).tags))?.role;
    return typeof role === "string" ? role : undefined;
}

/**
 * Resources of the given types that `r` references through `property` (its property
 * dependencies when the engine reports them, else all its dependencies).
 */
export function linked(r: PolicyResource, property: string, types: readonly string[]): PolicyResource[] {
    const byProp = r.propertyDependencies?.[property];
    const pool = byProp && byProp.length > 0 ? byProp : r.dependencies;
    return pool.filter((d) => types.includes(d.type));
}

/** Resources of the given types that reference `target` (they list it among their dependencies). */
export function referrers(all: readonly PolicyResource[], target: PolicyResource, types: readonly string[]): PolicyResource[] {
    return all.filter((r) => types.includes(r.type) && r.dependencies.some((d) => d.urn === target.urn));
}

/** `aws:ec2/vpc:Vpc "main"` */
export function label(r: { readonly type: string; readonly name: string }): string {
    return `${r.type} "${r.name}"`;
}

const SUBNET = "aws:ec2/subnet:Subnet";
const ROUTE_TABLE = "aws:ec2/routeTable:RouteTable";
const ROUTE = "aws:ec2/route:Route";
const RTA = "aws:ec2/routeTableAssociation:RouteTableAssociation";
const IGW = "aws:ec2/internetGateway:InternetGateway";

/**
 * Why an AWS subnet is public, or undefined if it is private as far as the stack shows.
 * Public: it assigns public IPs on launch, or its route table sends traffic to an internet
 * gateway (inline route or `aws.ec2.Route`).
 */
export function publicSubnetReason(subnet: PolicyResource, all: readonly PolicyResource[]): string | undefined {
    const props = plain(subnet.props) as Record<string, unknown>;
    if (props.mapPublicIpOnLaunch === true) {
        return "mapPublicIpOnLaunch is true";
    }
    for (const assoc of referrers(all, subnet, [RTA])) {
        for (const table of linked(assoc, "routeTableId", [ROUTE_TABLE])) {
            const inline = list(field(plain(table.props), "routes")).some(
                (route) => linked(table, "routes", [IGW]).length > 0 && typeof field(route, "gatewayId") === "string",
            );
            const separate = referrers(all, table, [ROUTE]).some((route) => linked(route, "gatewayId", [IGW]).length > 0);
            if (inline || separate) {
                return `its route table "${table.name}" routes to an internet gateway`;
            }
        }
    }
    return undefined;
}

/** The AWS subnets a resource is placed in (through `property`). */
export function subnetsOf(r: PolicyResource, property: string): PolicyResource[] {
    return linked(r, property, [SUBNET]);
}
