/**
 * `npm run plan [-- --stack <name>] [--json FILE]`
 *
 * Runs the real program for a stack under the offline engine (no credentials, no Pulumi CLI),
 * then prints the resource tree with the security-relevant inputs, counts by type, and the
 * stack outputs with secrets masked. `--json FILE` writes the captured graph.
 *
 * What this proves: the program, its config validation and its wiring, exactly as `pulumi up`
 * would register them. What it does not: that the cloud accepts every value (see README).
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { ConfigError } from "../components/config";
import { PlatformStackError } from "../components/config/incluster";
import { constraintReport, ConstraintReport, constraintsFail, formatConstraintReport } from "./constraints";
import { availableStacks, LayeredGraphs, LAYERS, platformStackRef, PulumiConfigError, ROOT, runLayers } from "./engine";
import { at, CapturedResource, countByType, ResourceGraph } from "./graph";
import { flowReportFor, formatFlowReport, hasFlowFailures } from "./flows";
import { hasMandatoryViolations, PolicyReport, runPolicies } from "./policy";
import { costHourlyLine, costReport, costTotalLine, formatCostReport } from "./report/cost";
import { deployEstimate, formatDeployEstimate } from "./report/deploytime";
import { diagramMarkdown } from "./report/diagram";
import { exposureReport, formatExposure } from "./report/exposure";
import { formatPolicyReportQuiet } from "./report/policy-summary";
import type { Cloud } from "../components/config/schema";
import { ephemeralOverrides, readStackConfig } from "../automation/config";

export const DEFAULT_STACK = "dev-aws";
export const SECRET_MASK = "[secret]";

const USAGE = `Usage: npm run plan [-- --stack <name>] [--json FILE] [--flows] [--cost] [--diagram FILE.md] [--verbose]

Runs both layers of an environment offline (Pulumi mock runtime: no cloud, no credentials,
no Pulumi CLI) and prints what they would create: the platform stack (stacks/Pulumi.<name>.yaml:
network, bastion, cluster, tool VMs), then the in-cluster stack of the same name
(incluster/stacks/Pulumi.<name>.yaml), its StackReference answered from the first layer's outputs.

Options:
  --stack <name>  stack to plan (default ${DEFAULT_STACK}); one of stacks/Pulumi.<name>.yaml
  --json FILE     also write the captured graphs (both layers' resources in one array, each with
                  its own URN; inputs with secrets masked, parents, providers, dependencies,
                  outputs per layer) as JSON
  --flows         also evaluate every flow of the flow contract (components/flows.ts) through
                  both graphs (cloud firewall, NetworkPolicies, CNI semantics): one line per
                  flow, then "Flows: N required, N open, 0 blocked; M forbidden, M closed";
                  exits 1 on a blocked required flow or an open forbidden one
  --cost          the cost estimate per resource (price table offline/report/prices.ts, its
                  date, region and source per row; node pools at desired and minimum sizes;
                  usage such as log ingestion from stated assumptions; unpriced types listed,
                  never counted as zero); the default report prints only its total line
  --diagram FILE  write a Mermaid flowchart (network tiers, VMs, cluster and pools, in-cluster
                  releases, the flow contract's required flows) of both graphs to FILE.md
  --verbose       list every policy rule, the not-applicable ones too (default: one count line)
  --ephemeral PR  plan the pull-request environment the automation would create from this dev
                  stack (automation/config.ts ephemeralOverrides: smaller pools, its own network);
                  its cost is also given per hour
  -h, --help      show this help

Right after the capture, before any report, it checks both layers against the constraint
catalogue (offline/constraints/: what the clouds' APIs refuse, each rule with its source) and
prints every violation; entries listed in offline/constraints/pending.ts print as KNOWN, NOT
YET FIXED. Then the plan, then the policy pack (policy-pack/) over each layer with the
environment's enforcement (policy-pack/config/<env>.json, <env> being the platform stack's own
platform:environment, never its file name; the report names the file). Then what the graphs
prove: Exposure (every internet-reachable address and port with its allowed sources, and
"Nothing else is reachable from the internet." only when every public-capable resource is
accounted for), First deploy (the critical path through the captured dependencies with typical
create times), and the estimated monthly cost. Exit 1 on a catalogue violation or a mandatory
policy violation.`;

/** Replaces every secret path of `value` with the mask. */
export function maskSecrets(value: Record<string, unknown>, secretPaths: readonly string[]): Record<string, unknown> {
    if (secretPaths.length === 0) {
        return value;
    }
    const copy = JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
    for (const p of secretPaths) {
        if (p === "") {
            return { [SECRET_MASK]: true };
        }
        const parts = p.split(".");
        let cur: Record<string, unknown> | undefined = copy;
        for (const part of parts.slice(0, -1)) {
            const next: unknown = cur?.[part];
            cur = next && typeof next === "object" ? (next as Record<string, unknown>) : undefined;
        }
        if (cur) {
            cur[parts[parts.length - 1]] = SECRET_MASK;
        }
    }
    return copy;
}

/** Stack outputs with secret ones masked. */
export function maskedOutputs(graph: ResourceGraph): Record<string, unknown> {
    return Object.fromEntries(Object.entries(graph.outputs).map(([k, v]) => [k, graph.secretOutputs.includes(k) ? SECRET_MASK : v]));
}

/** The JSON `--json` writes: no provider-computed state (it may hold secrets), inputs masked. */
export function graphToJson(graph: ResourceGraph): unknown {
    return {
        project: graph.project,
        stack: graph.stack,
        resources: graph.resources.map((r) => ({
            urn: r.urn,
            type: r.type,
            name: r.name,
            custom: r.custom,
            parent: r.parent,
            provider: r.provider,
            protect: r.protect,
            inputs: maskSecrets(r.inputs as Record<string, unknown>, r.secretPaths),
            dependencies: r.dependencies,
        })),
        outputs: maskedOutputs(graph),
        secretOutputs: graph.secretOutputs,
    };
}

/** The JSON `--json` writes for both layers: one `resources` array (URNs name their project), outputs per layer. */
export function layersToJson(layers: LayeredGraphs): unknown {
    const parts = [layers.platform, layers.incluster];
    return {
        stack: layers.platform.stack,
        layers: parts.map((g) => ({ project: g.project, stack: g.stack, outputs: maskedOutputs(g), secretOutputs: g.secretOutputs })),
        resources: parts.flatMap((g) => (graphToJson(g) as { resources: unknown[] }).resources),
    };
}

type Summary = (r: CapturedResource) => (string | undefined)[];

const fmt = (label: string, value: unknown): string | undefined =>
    value === undefined || value === null || value === "" ? undefined : `${label}=${Array.isArray(value) ? value.join(",") : String(value)}`;

/** The security-relevant inputs shown per type. */
const SUMMARIES: Record<string, Summary> = {
    "pulumi:providers:aws": (r) => [fmt("region", r.inputs.region)],
    "aws:ec2/vpc:Vpc": (r) => [fmt("cidr", r.inputs.cidrBlock)],
    "aws:ec2/subnet:Subnet": (r) => [fmt("cidr", r.inputs.cidrBlock), fmt("az", r.inputs.availabilityZone), fmt("tier", at(r.inputs, "tags.tier")), r.inputs.mapPublicIpOnLaunch ? "PUBLIC-IP-ON-LAUNCH" : undefined],
    "aws:ec2/eip:Eip": (r) => [fmt("role", at(r.inputs, "tags.role")), "public-ip"],
    "aws:ec2/natGateway:NatGateway": (r) => [fmt("connectivity", r.inputs.connectivityType)],
    "aws:ec2/routeTable:RouteTable": (r) => [fmt("routes", ((r.inputs.routes as Record<string, unknown>[]) ?? []).map((x) => `${x.cidrBlock}->${x.natGatewayId ? "nat" : x.gatewayId ? "igw" : "?"}`))],
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": (r) => [`ingress=${(r.inputs.ingress as unknown[] | undefined)?.length ?? 0}`, `egress=${(r.inputs.egress as unknown[] | undefined)?.length ?? 0}`],
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": (r) => [ruleText(r)],
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": (r) => [ruleText(r)],
    "aws:ec2/flowLog:FlowLog": (r) => [fmt("traffic", r.inputs.trafficType), fmt("to", r.inputs.logDestinationType)],
    "aws:cloudwatch/logGroup:LogGroup": (r) => [fmt("retentionDays", r.inputs.retentionInDays), r.inputs.kmsKeyId ? "kms" : "NO-KMS"],
    "aws:kms/key:Key": (r) => [r.inputs.enableKeyRotation ? "rotation" : "NO-ROTATION", fmt("deletionWindow", r.inputs.deletionWindowInDays)],
    "aws:ec2/vpcEndpoint:VpcEndpoint": (r) => [fmt("service", String(r.inputs.serviceName ?? "").split(".").slice(3).join(".")), fmt("type", r.inputs.vpcEndpointType)],
    "aws:ec2/instance:Instance": (r) => [
        fmt("type", r.inputs.instanceType),
        fmt("role", at(r.inputs, "tags.role")),
        fmt("imds", at(r.inputs, "metadataOptions.httpTokens")),
        at(r.inputs, "rootBlockDevice.encrypted") ? "root-encrypted" : "ROOT-UNENCRYPTED",
        r.inputs.associatePublicIpAddress ? "PUBLIC-IP" : "no-public-ip",
    ],
    "aws:ebs/volume:Volume": (r) => [fmt("sizeGb", r.inputs.size), r.inputs.encrypted ? "encrypted" : "UNENCRYPTED", fmt("backup", at(r.inputs, "tags.backup"))],
    "aws:eks/cluster:Cluster": (r) => [
        fmt("version", r.inputs.version),
        at(r.inputs, "vpcConfig.endpointPublicAccess") ? `public-endpoint(${((at(r.inputs, "vpcConfig.publicAccessCidrs") as string[]) ?? []).join(",")})` : "private-endpoint",
        at(r.inputs, "encryptionConfig.resources") ? "secrets-kms" : "NO-SECRETS-KMS",
        fmt("logs", r.inputs.enabledClusterLogTypes),
    ],
    "aws:eks/nodeGroup:NodeGroup": (r) => [fmt("capacity", r.inputs.capacityType), fmt("scaling", scaling(r)), fmt("types", r.inputs.instanceTypes)],
    "aws:eks/addon:Addon": (r) => [fmt("addon", r.inputs.addonName), fmt("version", r.inputs.addonVersion)],
    "aws:s3/bucket:Bucket": (r) => [fmt("bucket", r.inputs.bucket)],
    "aws:backup/plan:Plan": (r) => [fmt("retentionDays", at(r.inputs, "rules.0.lifecycle.deleteAfter")), fmt("schedule", at(r.inputs, "rules.0.schedule"))],
    "kubernetes:helm.sh/v3:Release": (r) => [fmt("chart", r.inputs.chart), fmt("version", r.inputs.version), fmt("namespace", r.inputs.namespace)],

    // Azure: the same security details as AWS's lines.
    "azure-native:network:VirtualNetwork": (r) => [fmt("cidr", at(r.inputs, "addressSpace.addressPrefixes"))],
    "azure-native:network:Subnet": (r) => [
        fmt("cidr", r.inputs.addressPrefix),
        fmt("nsg", lastSegment(at(r.inputs, "networkSecurityGroup.id"))),
        at(r.inputs, "natGateway.id") ? "nat" : undefined,
        r.inputs.defaultOutboundAccess === false ? "no-default-outbound" : "DEFAULT-OUTBOUND",
    ],
    "azure-native:network:NetworkSecurityGroup": (r) => [((r.inputs.securityRules as Record<string, unknown>[] | undefined) ?? []).map(nsgRuleText).join("; ")],
    "azure-native:network:PublicIPAddress": (r) => [fmt("role", at(r.inputs, "tags.role")), "public-ip", fmt("sku", at(r.inputs, "sku.name"))],
    "azure-native:network:NatGateway": (r) => [fmt("publicIps", ((r.inputs.publicIpAddresses as unknown[] | undefined) ?? []).length)],
    "azure-native:network:NetworkInterface": (r) => [
        fmt("ip", at(r.inputs, "ipConfigurations.0.privateIPAddress")),
        at(r.inputs, "ipConfigurations.0.publicIPAddress.id") ? `PUBLIC-IP(${lastSegment(at(r.inputs, "ipConfigurations.0.publicIPAddress.id"))})` : "no-public-ip",
        fmt("asg", lastSegment(at(r.inputs, "ipConfigurations.0.applicationSecurityGroups.0.id"))),
    ],
    "azure-native:network:PrivateEndpoint": (r) => [fmt("target", ((r.inputs.privateLinkServiceConnections as Record<string, unknown>[] | undefined) ?? []).flatMap((c) => (c.groupIds as string[]) ?? []))],
    "azure-native:containerservice:ManagedCluster": (r) => {
        const a = (r.inputs.apiServerAccessProfile ?? {}) as Record<string, unknown>;
        return [
            fmt("version", r.inputs.kubernetesVersion),
            fmt("tier", at(r.inputs, "sku.tier")),
            a.enablePrivateCluster ? "private-api" : `public-api(authorized:${((a.authorizedIPRanges as string[]) ?? []).join(",") || "ANY"})`,
            a.enableVnetIntegration ? "api-vnet-integration" : undefined,
            r.inputs.disableLocalAccounts ? "local-accounts-disabled" : "LOCAL-ACCOUNTS",
            fmt("networkPolicy", at(r.inputs, "networkProfile.networkPolicy")),
            fmt("outbound", at(r.inputs, "networkProfile.outboundType")),
            at(r.inputs, "securityProfile.azureKeyVaultKms.enabled") ? "secrets-kms" : "NO-SECRETS-KMS",
            fmt("systemPool", ((r.inputs.agentPoolProfiles as Record<string, unknown>[] | undefined) ?? []).map((p) => `${p.vmSize}:${p.minCount}/${p.count}/${p.maxCount}${p.enableNodePublicIP ? ":PUBLIC-IP" : ""}`)),
        ];
    },
    "azure-native:containerservice:AgentPool": (r) => [
        fmt("vmSize", r.inputs.vmSize),
        fmt("scaling", `${r.inputs.minCount}/${r.inputs.count}/${r.inputs.maxCount}`),
        fmt("priority", r.inputs.scaleSetPriority),
        r.inputs.enableNodePublicIP ? "NODE-PUBLIC-IP" : "no-node-public-ip",
    ],
    "azure-native:compute:VirtualMachine": (r) => [
        fmt("size", at(r.inputs, "hardwareProfile.vmSize")),
        fmt("security", at(r.inputs, "securityProfile.securityType")),
        at(r.inputs, "osProfile.linuxConfiguration.disablePasswordAuthentication") ? "ssh-keys-only" : "PASSWORD-AUTH",
        fmt("osDisk", at(r.inputs, "storageProfile.osDisk.managedDisk.storageAccountType")),
    ],
    "azure-native:compute:Disk": (r) => [fmt("sizeGb", r.inputs.diskSizeGB), fmt("sku", at(r.inputs, "sku.name")), fmt("encryption", at(r.inputs, "encryption.type")), fmt("network", r.inputs.networkAccessPolicy)],
    "azure-native:keyvault:Vault": (r) => [
        fmt("publicNetwork", at(r.inputs, "properties.publicNetworkAccess")),
        fmt("aclDefault", at(r.inputs, "properties.networkAcls.defaultAction")),
        at(r.inputs, "properties.enablePurgeProtection") ? "purge-protection" : "NO-PURGE-PROTECTION",
        at(r.inputs, "properties.enableRbacAuthorization") ? "rbac" : "ACCESS-POLICIES",
    ],
    "azure-native:storage:StorageAccount": (r) => [
        fmt("sku", at(r.inputs, "sku.name")),
        fmt("networkDefault", at(r.inputs, "networkRuleSet.defaultAction")),
        r.inputs.allowBlobPublicAccess === false ? "no-public-blobs" : "PUBLIC-BLOBS-ALLOWED",
        fmt("minTls", r.inputs.minimumTlsVersion),
    ],
    "azure-native:network:FlowLog": (r) => [fmt("retentionDays", at(r.inputs, "retentionPolicy.days"))],

    // GCP: the same security details as AWS's lines.
    "gcp:compute/network:Network": (r) => [r.inputs.autoCreateSubnetworks === false ? "custom-subnets" : "AUTO-SUBNETS"],
    "gcp:compute/subnetwork:Subnetwork": (r) => [
        fmt("cidr", r.inputs.ipCidrRange),
        fmt("secondary", ((r.inputs.secondaryIpRanges as Record<string, unknown>[] | undefined) ?? []).map((x) => `${x.rangeName}=${x.ipCidrRange}`)),
        r.inputs.privateIpGoogleAccess ? "private-google-access" : undefined,
        r.inputs.logConfig ? "flow-logs" : "NO-FLOW-LOGS",
    ],
    "gcp:compute/firewall:Firewall": (r) => [gcpFirewallText(r)],
    "gcp:compute/address:Address": (r) => [r.inputs.addressType === "INTERNAL" ? "internal" : "public-ip", fmt("tier", r.inputs.networkTier)],
    "gcp:compute/routerNat:RouterNat": (r) => [fmt("natIps", ((r.inputs.natIps as unknown[] | undefined) ?? []).length), fmt("allocate", r.inputs.natIpAllocateOption), fmt("subnets", ((r.inputs.subnetworks as Record<string, unknown>[] | undefined) ?? []).map((x) => lastSegment(x.name)))],
    "gcp:compute/instance:Instance": (r) => [
        fmt("type", r.inputs.machineType),
        fmt("sa", String(at(r.inputs, "serviceAccount.email") ?? "").split("@")[0]),
        at(r.inputs, "networkInterfaces.0.accessConfigs.0") ? `PUBLIC-IP(${at(r.inputs, "networkInterfaces.0.accessConfigs.0.natIp") ?? "ephemeral"})` : "no-public-ip",
        at(r.inputs, "shieldedInstanceConfig.enableSecureBoot") ? "secure-boot" : "NO-SECURE-BOOT",
    ],
    "gcp:compute/disk:Disk": (r) => [fmt("sizeGb", r.inputs.size), fmt("type", r.inputs.type), at(r.inputs, "diskEncryptionKey.kmsKeySelfLink") ? "cmek" : "google-managed-key"],
    "gcp:container/cluster:Cluster": (r) => {
        const pcc = (r.inputs.privateClusterConfig ?? {}) as Record<string, unknown>;
        const man = ((at(r.inputs, "masterAuthorizedNetworksConfig.cidrBlocks") as Record<string, unknown>[] | undefined) ?? []).map((b) => b.cidrBlock);
        return [
            fmt("version", r.inputs.minMasterVersion),
            pcc.enablePrivateEndpoint ? "private-endpoint" : "PUBLIC-ENDPOINT",
            pcc.enablePrivateNodes ? "private-nodes" : "PUBLIC-NODES",
            fmt("masterCidr", pcc.masterIpv4CidrBlock),
            r.inputs.masterAuthorizedNetworksConfig ? `authorized(${man.join(",")})` : "NO-AUTHORIZED-NETWORKS",
            fmt("datapath", r.inputs.datapathProvider),
            at(r.inputs, "databaseEncryption.state") === "ENCRYPTED" ? "secrets-kms" : "NO-SECRETS-KMS",
        ];
    },
    "gcp:container/nodePool:NodePool": (r) => [
        fmt("machine", at(r.inputs, "nodeConfig.machineType")),
        fmt("scaling", `${at(r.inputs, "autoscaling.totalMinNodeCount")}/${r.inputs.initialNodeCount}x${((r.inputs.nodeLocations as unknown[]) ?? []).length}/${at(r.inputs, "autoscaling.totalMaxNodeCount")}`),
        at(r.inputs, "nodeConfig.spot") ? "spot" : undefined,
        at(r.inputs, "nodeConfig.shieldedInstanceConfig.enableSecureBoot") ? "secure-boot" : "NO-SECURE-BOOT",
    ],
    "gcp:storage/bucket:Bucket": (r) => [fmt("publicAccessPrevention", r.inputs.publicAccessPrevention), r.inputs.uniformBucketLevelAccess ? "uniform-access" : "ACLS"],
};

function lastSegment(v: unknown): string | undefined {
    return typeof v === "string" && v !== "" ? v.split("/").pop() : undefined;
}

function nsgRuleText(rule: Record<string, unknown>): string {
    const list = (a: unknown, b: unknown) => [a, ...((b as unknown[]) ?? [])].filter((x) => x !== undefined && x !== null && x !== "").map(String);
    const src = [...list(rule.sourceAddressPrefix, rule.sourceAddressPrefixes), ...((rule.sourceApplicationSecurityGroups as Record<string, unknown>[]) ?? []).map((a) => `asg:${lastSegment(a.id)}`)];
    const dst = [...list(rule.destinationAddressPrefix, rule.destinationAddressPrefixes), ...((rule.destinationApplicationSecurityGroups as Record<string, unknown>[]) ?? []).map((a) => `asg:${lastSegment(a.id)}`)];
    const ports = list(rule.destinationPortRange, rule.destinationPortRanges).join(",");
    return `${rule.priority} ${rule.direction === "Inbound" ? "in" : "out"} ${String(rule.access).toLowerCase()} ${String(rule.protocol).toLowerCase()}/${ports} ${src.join(",")}->${dst.join(",")}`;
}

function gcpFirewallText(r: CapturedResource): string {
    const rules = [...((r.inputs.allows as Record<string, unknown>[]) ?? []).map((a) => ["allow", a] as const), ...((r.inputs.denies as Record<string, unknown>[]) ?? []).map((a) => ["deny", a] as const)];
    const ports = rules.map(([k, a]) => `${k} ${a.protocol}/${((a.ports as string[]) ?? ["*"]).join(",")}`).join(" ");
    const short = (xs: unknown) => ((xs as string[]) ?? []).map((x) => x.split("@")[0]);
    const ingress = r.inputs.direction !== "EGRESS";
    const peers = ingress
        ? [...((r.inputs.sourceRanges as string[]) ?? []), ...short(r.inputs.sourceServiceAccounts).map((x) => `sa:${x}`), ...((r.inputs.sourceTags as string[]) ?? []).map((x) => `tag:${x}`)]
        : ((r.inputs.destinationRanges as string[]) ?? []);
    const targets = [...short(r.inputs.targetServiceAccounts).map((x) => `sa:${x}`), ...((r.inputs.targetTags as string[]) ?? []).map((x) => `tag:${x}`)];
    return `${ingress ? "in" : "out"} p${r.inputs.priority} ${ports} ${ingress ? "from" : "to"} ${peers.join(",") || "?"} targets ${targets.join(",") || "ALL-INSTANCES"}`;
}

function scaling(r: CapturedResource): string | undefined {
    const s = r.inputs.scalingConfig as Record<string, unknown> | undefined;
    return s ? `${s.minSize}/${s.desiredSize}/${s.maxSize}` : undefined;
}

function ruleText(r: CapturedResource): string {
    const i = r.inputs;
    const ports = i.fromPort === i.toPort ? `${i.fromPort}` : `${i.fromPort}-${i.toPort}`;
    const peer = i.cidrIpv4 ?? i.cidrIpv6 ?? (i.referencedSecurityGroupId ? `sg:${i.referencedSecurityGroupId}` : i.prefixListId ? `pl:${i.prefixListId}` : "?");
    return `${i.ipProtocol}/${ports} ${r.type.includes("Ingress") ? "from" : "to"} ${peer}`;
}

function describe(r: CapturedResource): string {
    const summary = (SUMMARIES[r.type]?.(r) ?? []).filter((x): x is string => !!x);
    if (r.protect) {
        summary.push("PROTECTED");
    }
    if (r.secretPaths.length > 0) {
        summary.push(`secrets: ${r.secretPaths.join(",")}`);
    }
    return `${r.type} ${r.name}${summary.length ? `  [${summary.join(" ")}]` : ""}`;
}

/** The resource tree, children under their parent, in registration order. */
export function renderTree(graph: ResourceGraph): string {
    const children = new Map<string | undefined, CapturedResource[]>();
    for (const r of graph.resources) {
        const list = children.get(r.parent) ?? [];
        list.push(r);
        children.set(r.parent, list);
    }
    const lines: string[] = [];
    const walk = (parent: string | undefined, indent: string) => {
        for (const r of children.get(parent) ?? []) {
            lines.push(`${indent}${describe(r)}`);
            walk(r.urn, `${indent}  `);
        }
    };
    walk(undefined, "");
    return lines.join("\n");
}

export function renderPlan(graph: ResourceGraph): string {
    const counts = countByType(graph);
    const width = Math.max(...Object.keys(counts).map((k) => k.length));
    const custom = graph.resources.filter((r) => r.custom && !r.read && !r.type.startsWith("pulumi:providers:")).length;
    const reads = graph.resources.filter((r) => r.read).map((r) => String(r.inputs.name ?? r.name));
    return [
        `Offline plan for stack ${graph.stack} (project ${graph.project}): ${graph.resources.length} registrations, ${custom} ${graph.project === LAYERS.incluster.project ? "in-cluster objects" : "cloud resources"}` +
            (reads.length > 0 ? `; reads ${reads.join(", ")}` : ""),
        "",
        renderTree(graph),
        "",
        "Resources by type:",
        ...Object.entries(counts).map(([type, n]) => `  ${type.padEnd(width)}  ${n}`),
        "",
        "Stack outputs (secrets masked):",
        ...Object.entries(maskedOutputs(graph)).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`),
    ].join("\n");
}

export async function main(argv: string[]): Promise<number> {
    let values: { stack?: string; json?: string; flows?: boolean; cost?: boolean; diagram?: string; verbose?: boolean; ephemeral?: string; help?: boolean };
    try {
        ({ values } = parseArgs({
            args: argv,
            options: {
                stack: { type: "string" },
                json: { type: "string" },
                flows: { type: "boolean" },
                cost: { type: "boolean" },
                diagram: { type: "string" },
                verbose: { type: "boolean" },
                ephemeral: { type: "string" },
                help: { type: "boolean", short: "h" },
            },
            strict: true,
        }));
    } catch (err) {
        process.stderr.write(`${(err as Error).message}\n\n${USAGE}\n`);
        return 2;
    }
    if (values.help) {
        process.stdout.write(`${USAGE}\n`);
        return 0;
    }
    const stack = values.stack ?? DEFAULT_STACK;
    if (!availableStacks().includes(stack)) {
        process.stderr.write(`Unknown stack "${stack}". Available stacks: ${availableStacks().join(", ")}\n`);
        return 2;
    }
    if (values.ephemeral !== undefined && (!/^dev-(aws|azure|gcp)$/.test(stack) || !/^[1-9]\d{0,6}$/.test(values.ephemeral))) {
        process.stderr.write(`--ephemeral takes a pull-request number (got ${JSON.stringify(values.ephemeral)}) with a dev stack (got "${stack}"): pull-request environments are made from dev-<cloud>. Example: npm run plan -- --stack dev-aws --ephemeral 42\n`);
        return 2;
    }
    let layers: LayeredGraphs;
    try {
        layers = await runLayers(stack, values.ephemeral !== undefined ? { platform: { configOverrides: ephemeralPlanOverrides(stack, values.ephemeral) } } : {});
    } catch (err) {
        if (err instanceof ConfigError || err instanceof PlatformStackError || err instanceof PulumiConfigError) {
            process.stderr.write(`${err.message}\n`);
            return 1;
        }
        throw err;
    }
    const { text, code } = planOutput(layers, { verbose: values.verbose === true, cost: values.cost === true });
    process.stdout.write(text);
    if (values.json) {
        const file = path.resolve(values.json);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, `${JSON.stringify(layersToJson(layers), null, 2)}\n`);
        process.stdout.write(`\nWrote the captured graphs of both layers to ${file}\n`);
    }
    if (values.diagram) {
        const file = path.resolve(values.diagram);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, diagramMarkdown(layers));
        process.stdout.write(`\nWrote the Mermaid diagram of both layers to ${file}\n`);
    }
    const flows = values.flows ? flowReportFor(layers) : undefined;
    if (flows) {
        process.stdout.write(`\n${formatFlowReport(flows)}\n`);
    }
    return code || (flows !== undefined && hasFlowFailures(flows)) ? 1 : 0;
}

/**
 * Everything the plan prints for both layers, and its exit code: the catalogue first (the
 * clouds' own rules, over both layers), then each layer's resource tree, then the policy report
 * per layer. Exit 1 on a catalogue violation (or a stale PENDING entry) or a mandatory policy
 * violation.
 */
export interface PlanOutputOptions {
    /** List every policy rule (the not-applicable ones too). */
    readonly verbose?: boolean;
    /** The cost estimate per resource, not only its total line. */
    readonly cost?: boolean;
}

export function planOutput(layers: LayeredGraphs, options: PlanOutputOptions = {}): { text: string; code: number } {
    const constraints = constraintReportFor(layers);
    const reports = [policyReportFor(layers.platform), policyReportFor(layers.incluster, layers.platform)];
    const failed = constraintsFail(constraints);
    const parts = [
        formatConstraintReport(constraints),
        "",
        renderPlan(layers.platform),
        "",
        `Layer 2 of 2: the in-cluster stack reads ${platformStackRef(layers.platform.stack)} (above) through a StackReference.`,
        renderPlan(layers.incluster),
        ...reports.flatMap((r) => ["", formatPolicyReportQuiet(r, { verbose: options.verbose, cloud: cloudOf(layers) })]),
        "",
        formatExposure(exposureReport(layers)),
        "",
        formatDeployEstimate(deployEstimate(layers)),
        "",
        ...costLines(layers, options.cost === true),
    ];
    if (failed) {
        parts.push("", constraintVerdictLine(constraints));
    }
    return { text: `${parts.join("\n")}\n`, code: failed || reports.some(hasMandatoryViolations) ? 1 : 0 };
}

/** The platform overrides of the PR environment `pr` made from the dev stack `stack` (the automation's own function). */
export function ephemeralPlanOverrides(stack: string, pr: string): Record<string, unknown> {
    const m = /^dev-(aws|azure|gcp)$/.exec(stack);
    if (!m || !/^[1-9]\d{0,6}$/.test(pr)) {
        throw new ConfigError(stack, [`--ephemeral takes a pull-request number (got ${JSON.stringify(pr)}) and a dev stack (got "${stack}"): ephemeral environments are made from dev-<cloud>. Fix: npm run plan -- --stack dev-aws --ephemeral 42`]);
    }
    const dev = readStackConfig(ROOT, stack);
    return ephemeralOverrides(dev, { cloud: m[1] as Cloud, pr: Number(pr), owner: "plan-preview", ttl: "24h", expiresAt: new Date(Date.UTC(2030, 0, 1)), nonce: "plan" });
}

function cloudOf(layers: LayeredGraphs): Cloud | undefined {
    const cloud = layers.platform.outputs.cloud;
    return cloud === "aws" || cloud === "azure" || cloud === "gcp" ? cloud : undefined;
}

function costLines(layers: LayeredGraphs, full: boolean): string[] {
    const report = costReport(layers);
    if (full) {
        return [formatCostReport(report)];
    }
    const hourly = costHourlyLine(report);
    return ["Cost: --cost prints it per resource, with the assumptions and the unpriced and unverified rows.", ...(hourly ? [hourly] : []), costTotalLine(report)];
}

/** The catalogue's verdict for a planned environment, both layers (PENDING applied). */
export function constraintReportFor(layers: LayeredGraphs): ConstraintReport {
    return constraintReport([layers.platform, layers.incluster]);
}

/** Repeated at the end of a failing plan, so a long report does not hide it. */
function constraintVerdictLine(report: ConstraintReport): string {
    return `The plan fails: the constraint catalogue found ${report.violations.length} violation${report.violations.length === 1 ? "" : "s"}${report.stalePending.length > 0 ? ` and ${report.stalePending.length} stale PENDING entr${report.stalePending.length === 1 ? "y" : "ies"}` : ""} (see the top of this output).`;
}

/**
 * The policy report for a planned layer, with its environment's enforcement levels. The
 * environment is the platform stack's own (`platform:environment`, exported as `environment`),
 * never guessed from the stack's name; the in-cluster layer uses its platform stack's. The plan
 * is an update, so stack rules see the outputs after it, as `pulumi up` runs them
 * (offline/outputs.ts).
 */
export function policyReportFor(graph: ResourceGraph, platform: ResourceGraph = graph): PolicyReport {
    const environment = platform.outputs.environment;
    if (environment !== "dev" && environment !== "staging" && environment !== "prod") {
        throw new Error(`the platform graph of ${platform.stack} exports no valid environment (got ${JSON.stringify(environment)})`);
    }
    return runPolicies(graph, { environment, stackView: "update" });
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (err) => {
            process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
            process.exit(1);
        },
    );
}
