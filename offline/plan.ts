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
import { availableStacks, runStack } from "./engine";
import { at, CapturedResource, countByType, ResourceGraph } from "./graph";
import { formatPolicyReport, hasMandatoryViolations, PolicyReport, runPolicies } from "./policy";

export const DEFAULT_STACK = "dev-aws";
export const SECRET_MASK = "[secret]";

const USAGE = `Usage: npm run plan [-- --stack <name>] [--json FILE]

Runs the platform program for a stack offline (Pulumi mock runtime: no cloud, no credentials,
no Pulumi CLI) and prints what it would create.

Options:
  --stack <name>  stack to plan (default ${DEFAULT_STACK}); one of stacks/Pulumi.<name>.yaml
  --json FILE     also write the captured graph (resources, inputs with secrets masked,
                  parents, providers, dependencies, outputs) as JSON
  -h, --help      show this help

After the plan it runs the policy pack (policy-pack/) over the graph with the stack's
environment enforcement (policy-pack/config/<env>.json) and exits 1 on a mandatory violation.`;

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
};

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
    const custom = graph.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:")).length;
    return [
        `Offline plan for stack ${graph.stack} (project ${graph.project}): ${graph.resources.length} registrations, ${custom} cloud resources`,
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
    let values: { stack?: string; json?: string; help?: boolean };
    try {
        ({ values } = parseArgs({
            args: argv,
            options: { stack: { type: "string" }, json: { type: "string" }, help: { type: "boolean", short: "h" } },
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
    let graph: ResourceGraph;
    try {
        graph = await runStack(stack);
    } catch (err) {
        if (err instanceof ConfigError) {
            process.stderr.write(`${err.message}\n`);
            return 1;
        }
        throw err;
    }
    process.stdout.write(`${renderPlan(graph)}\n`);
    const report = policyReportFor(graph);
    process.stdout.write(`\n${formatPolicyReport(report)}\n`);
    if (values.json) {
        const file = path.resolve(values.json);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, `${JSON.stringify(graphToJson(graph), null, 2)}\n`);
        process.stdout.write(`\nWrote the captured graph to ${file}\n`);
    }
    return hasMandatoryViolations(report) ? 1 : 0;
}

/** The policy report for a planned stack, with its environment's enforcement levels. */
export function policyReportFor(graph: ResourceGraph): PolicyReport {
    const environment = String(graph.stack.split("-")[0]);
    const env = environment === "prod" || environment === "staging" ? environment : "dev";
    return runPolicies(graph, { environment: env });
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
