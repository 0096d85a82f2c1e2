/**
 * The CrossGuard pack, run in-process over a captured ResourceGraph.
 *
 * The Pulumi CLI runs a pack as an analyzer plugin: `new PolicyPack(...)` starts a gRPC server
 * and the engine sends it each resource (`analyze`) and, at the end, the whole stack
 * (`analyzeStack`). Offline there is no engine and no server, so this module builds the very
 * arguments `@pulumi/policy` 1.21's server.js builds from those requests and calls the same
 * rule functions:
 * - resource rules: `{ type, props, urn, name, opts, provider?, stackTags, isType, asType,
 *   getConfig, notApplicable }`, props behind the SDK's own unknown-checking proxy, the fast
 *   type filter on `validateResource.__pulumiType`;
 * - stack rules: `{ resources, getConfig, stackTags, notApplicable }` where each PolicyResource
 *   links `parent`, `dependencies` and `propertyDependencies` to the other PolicyResources;
 * - enforcement: the config's level for the rule, else `all`, else the rule's, else the pack's;
 *   `remediate` reports as mandatory, `disabled` skips; `getConfig` returns the rule's config
 *   without `enforcementLevel`, with its schema's top-level defaults (the CLI applies those);
 * - messages: the SDK sends `description + "\n" + message`; the report keeps both.
 * One difference, deliberate: a rule that throws fails the run with the rule and resource
 * named (the CLI fails the preview too, with less context).
 *
 * Resource rules get the captured inputs, as `Analyze` does. Stack rules get what `stackView`
 * says (offline/outputs.ts): the engine sends them OUTPUTS, which on a first preview are the
 * inputs with every provider-computed field the program left unset unknown ("create"), and after
 * `pulumi up` the providers' final state ("update"). "inputs" (the default) keeps the old
 * approximation for fixtures whose outputs are their inputs.
 */
import * as fs from "fs";
import * as path from "path";
import type {
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyPackConfig,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ReportViolation,
    ResourceValidationArgs,
    Severity,
    StackValidationArgs,
} from "@pulumi/policy";
import type { CapturedResource, ResourceGraph } from "./graph";
import { StackView, stackPropsOf } from "./outputs";
import { policies as packPolicies, PlatformPolicy } from "../policy-pack/policies";

/* eslint-disable @typescript-eslint/no-require-imports */
// The SDK's own unknown-checking proxy (internal module of @pulumi/policy, pinned at 1.21.0).
const proxy: {
    unknownCheckingProxy<T>(value: T): T;
    UnknownValueError: new (...args: any[]) => Error;
} = require("@pulumi/policy/proxy");
/* eslint-enable @typescript-eslint/no-require-imports */

export type Environment = "dev" | "staging" | "prod";

/** Where the per-environment enforcement files live. */
export const POLICY_CONFIG_DIR = path.resolve(__dirname, "..", "policy-pack", "config");

export interface RunPoliciesOptions {
    readonly environment: Environment;
    /** Rules to run; default: the whole pack. */
    readonly policies?: readonly PlatformPolicy[];
    /** Enforcement JSON (the `--policy-pack-config` format); default: policy-pack/config/<environment>.json. */
    readonly config?: PolicyPackConfig;
    /** Extra stack tags (the CLI adds `pulumi:project`, `pulumi:runtime`, ...). */
    readonly stackTags?: Readonly<Record<string, string>>;
    /** Pack-wide default level (index.ts uses "mandatory"). */
    readonly packEnforcementLevel?: EnforcementLevel;
    /**
     * What stack rules see (offline/outputs.ts): "create" = the engine's outputs on a first
     * preview, "update" = its outputs after `pulumi up`, "inputs" (default) = the inputs.
     */
    readonly stackView?: StackView;
}

export interface PolicyViolation {
    readonly policyName: string;
    readonly enforcementLevel: "advisory" | "mandatory";
    readonly severity?: Severity;
    /** The rule's own text, as passed to reportViolation. */
    readonly message: string;
    /** What the CLI prints: description, newline, message. */
    readonly fullMessage: string;
    readonly urn?: string;
    readonly resourceType?: string;
    readonly resourceName?: string;
}

/** A rule that could not judge a value during preview (the SDK reports these as advisory). */
export interface PreviewSkip {
    readonly policyName: string;
    readonly urn?: string;
    readonly message: string;
}

export type RuleStatus = "pass" | "violations" | "not-applicable" | "disabled";

export interface RuleResult {
    readonly name: string;
    readonly description: string;
    readonly kind: "resource" | "stack";
    readonly category: string;
    readonly severity?: Severity;
    readonly enforcementLevel: EnforcementLevel;
    readonly status: RuleStatus;
    /** Resources the rule judged (resource rules), 1 or 0 for stack rules. */
    readonly evaluated: number;
    readonly violations: readonly PolicyViolation[];
    /** Distinct not-applicable reasons. */
    readonly notApplicable: readonly string[];
    readonly previewSkips: readonly PreviewSkip[];
}

export interface PolicyReport {
    readonly project: string;
    readonly stack: string;
    readonly environment: Environment;
    readonly rules: readonly RuleResult[];
    /** All violations of all rules, in rule order. */
    readonly violations: readonly PolicyViolation[];
}

/** Reads policy-pack/config/<environment>.json. */
export function loadPolicyConfig(environment: Environment): PolicyPackConfig {
    const file = path.join(POLICY_CONFIG_DIR, `${environment}.json`);
    return JSON.parse(fs.readFileSync(file, "utf8")) as PolicyPackConfig;
}

type ConfigEntry = { enforcementLevel?: EnforcementLevel } & Record<string, unknown>;

function entryOf(config: PolicyPackConfig, name: string): ConfigEntry | undefined {
    const raw = (config as Record<string, unknown>)[name];
    if (typeof raw === "string") {
        return { enforcementLevel: raw as EnforcementLevel };
    }
    return raw && typeof raw === "object" ? (raw as ConfigEntry) : undefined;
}

/** The level the CLI would use for a rule under a config. */
export function effectiveEnforcement(policy: PlatformPolicy, config: PolicyPackConfig, packLevel: EnforcementLevel = "mandatory"): EnforcementLevel {
    return entryOf(config, policy.name)?.enforcementLevel ?? entryOf(config, "all")?.enforcementLevel ?? policy.enforcementLevel ?? packLevel;
}

function makeGetConfig(policy: PlatformPolicy, config: PolicyPackConfig): <T extends object>() => T {
    return <T extends object>() => {
        const defaults = schemaDefaults(policy.configSchema);
        const { enforcementLevel: _level, ...props } = { ...(entryOf(config, "all") ?? {}), ...(entryOf(config, policy.name) ?? {}) };
        void _level;
        return { ...defaults, ...props } as T;
    };
}

function schemaDefaults(schema: PolicyConfigSchema | undefined): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, prop] of Object.entries(schema?.properties ?? {})) {
        if (typeof prop === "object" && prop.default !== undefined) {
            out[key] = prop.default;
        }
    }
    return out;
}

class NotApplicable extends Error {
    constructor(readonly reason: string | undefined) {
        super(reason ?? "Policy does not apply");
    }
}

function throwNotApplicable(reason?: string): never {
    throw new NotApplicable(reason);
}

/** `isType`/`asType` as the SDK does: compare the class's `__pulumiType` (else `isInstance`). */
function isTypeOf(type: string, resourceClass: unknown): boolean {
    const token = (resourceClass as { __pulumiType?: unknown })?.__pulumiType;
    if (typeof token === "string" && token.length > 0) {
        return type === token;
    }
    const isInstance = (resourceClass as { isInstance?: unknown })?.isInstance;
    return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

/** JSON-clean copy: undefined fields dropped, as the SDK's deserialization does. */
function deserialize(value: unknown): any {
    if (Array.isArray(value)) {
        return value.map((v) => (v === undefined ? null : deserialize(v)));
    }
    if (value && typeof value === "object") {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) {
            if (v !== undefined) {
                out[k] = deserialize(v);
            }
        }
        return out;
    }
    return value;
}

function optionsOf(r: CapturedResource): PolicyResourceOptions {
    return {
        protect: r.protect,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
        ...(r.parent ? { parent: r.parent } : {}),
    };
}

/** Provider reference `<urn>::<id>` -> the provider as CrossGuard describes it. */
function providerOf(r: CapturedResource, byUrn: ReadonlyMap<string, CapturedResource>): PolicyProviderResource | undefined {
    if (!r.provider) {
        return undefined;
    }
    const urn = r.provider.slice(0, r.provider.lastIndexOf("::"));
    const p = byUrn.get(urn);
    if (!p) {
        return undefined;
    }
    return { type: p.type, props: proxy.unknownCheckingProxy(deserialize(p.inputs)), urn: p.urn, name: p.name };
}

interface Collector {
    violations: PolicyViolation[];
    notApplicable: Set<string>;
    skips: PreviewSkip[];
    evaluated: number;
}

function reporter(policy: PlatformPolicy, level: "advisory" | "mandatory", sink: Collector, resource?: CapturedResource, byUrn?: ReadonlyMap<string, CapturedResource>): ReportViolation {
    return (message: unknown, urn?: string) => {
        // The SDK also accepts an object ({ message, description, urn }) at runtime.
        const info = (typeof message === "object" && message !== null ? message : {}) as { message?: string; description?: string; urn?: string };
        const text = typeof message === "string" ? message : (info.message ?? info.description ?? "");
        const targetUrn = resource?.urn ?? urn ?? info.urn;
        const target = resource ?? (targetUrn ? byUrn?.get(targetUrn) : undefined);
        sink.violations.push({
            policyName: policy.name,
            enforcementLevel: level,
            ...(policy.severity ? { severity: policy.severity } : {}),
            message: text,
            fullMessage: text ? `${policy.description}\n${text}` : policy.description,
            ...(targetUrn ? { urn: targetUrn } : {}),
            ...(target ? { resourceType: target.type, resourceName: target.name } : {}),
        });
    };
}

function handle(e: unknown, policy: PlatformPolicy, sink: Collector, urn?: string): void {
    if (e instanceof NotApplicable) {
        sink.notApplicable.add(e.reason ?? "Policy does not apply");
        return;
    }
    if (e instanceof proxy.UnknownValueError) {
        sink.skips.push({ policyName: policy.name, ...(urn ? { urn } : {}), message: `can't run policy '${policy.name}' during preview: ${e.message}` });
        return;
    }
    const where = urn ? ` on ${urn}` : "";
    throw new Error(`policy '${policy.name}' failed${where}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
}

/**
 * The pack's rules are synchronous, so the report is too. An async rule would be judged after
 * the report was made: refuse it loudly rather than drop its violations.
 */
function settled(policy: PlatformPolicy, result: void | Promise<void>): void {
    if (result && typeof (result as Promise<void>).then === "function") {
        (result as Promise<void>).catch(() => undefined);
        throw new Error(`policy '${policy.name}' is asynchronous; the offline runner (and this pack) keep rules synchronous`);
    }
}

/** Runs the pack (or the given rules) over a captured stack and applies enforcement. */
export function runPolicies(graph: ResourceGraph, options: RunPoliciesOptions): PolicyReport {
    const rules = options.policies ?? packPolicies;
    const config = options.config ?? loadPolicyConfig(options.environment);
    const packLevel = options.packEnforcementLevel ?? "mandatory";
    const stackTags: ReadonlyMap<string, string> = new Map(
        Object.entries({ "pulumi:project": graph.project, "pulumi:runtime": "nodejs", ...(options.stackTags ?? {}) }),
    );
    const byUrn = new Map(graph.resources.map((r) => [r.urn, r] as const));
    const analyzed = graph.resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
    const results: RuleResult[] = [];

    for (const policy of rules) {
        let level = effectiveEnforcement(policy, config, packLevel);
        const sink: Collector = { violations: [], notApplicable: new Set(), skips: [], evaluated: 0 };
        const base = { name: policy.name, description: policy.description, kind: policy.kind, category: policy.category, severity: policy.severity };
        if (level === "disabled") {
            results.push({ ...base, enforcementLevel: level, status: "disabled", evaluated: 0, violations: [], notApplicable: [], previewSkips: [] });
            continue;
        }
        if (level === "remediate") {
            level = "mandatory";
        }
        const reportLevel = level;
        const getConfig = makeGetConfig(policy, config);

        if (policy.kind === "resource") {
            const fastType = (policy.validateResource as { __pulumiType?: string }).__pulumiType;
            for (const r of analyzed) {
                if (fastType && r.type !== fastType) {
                    sink.notApplicable.add(`Policy only applies to resources of type '${fastType}'`);
                    continue;
                }
                const props = proxy.unknownCheckingProxy(deserialize(r.inputs));
                const args: ResourceValidationArgs = {
                    type: r.type,
                    props,
                    urn: r.urn,
                    name: r.name,
                    opts: optionsOf(r),
                    stackTags,
                    isType: (cls) => isTypeOf(r.type, cls),
                    asType: ((cls: unknown) => (isTypeOf(r.type, cls) ? props : undefined)) as ResourceValidationArgs["asType"],
                    getConfig,
                    notApplicable: throwNotApplicable,
                };
                const provider = providerOf(r, byUrn);
                if (provider) {
                    args.provider = provider;
                }
                try {
                    settled(policy, policy.validateResource(args, reporter(policy, reportLevel, sink, r)));
                    sink.evaluated++;
                } catch (e) {
                    handle(e, policy, sink, r.urn);
                }
            }
        } else {
            const fastType = (policy.validateStack as { __pulumiType?: string }).__pulumiType;
            if (fastType && !graph.resources.some((r) => r.type === fastType)) {
                sink.notApplicable.add(`Policy only applies to resources of type '${fastType}'`);
            } else {
                const resources = buildPolicyResources(graph.resources, byUrn, options.stackView ?? "inputs");
                const args: StackValidationArgs = { resources, getConfig, stackTags, notApplicable: throwNotApplicable };
                try {
                    settled(policy, policy.validateStack(args, reporter(policy, reportLevel, sink, undefined, byUrn)));
                    sink.evaluated = 1;
                } catch (e) {
                    handle(e, policy, sink);
                }
            }
        }
        const status: RuleStatus = sink.violations.length > 0 ? "violations" : sink.evaluated > 0 ? "pass" : "not-applicable";
        results.push({
            ...base,
            enforcementLevel: reportLevel,
            status,
            evaluated: sink.evaluated,
            violations: sink.violations,
            notApplicable: [...sink.notApplicable],
            previewSkips: sink.skips,
        });
    }
    return {
        project: graph.project,
        stack: graph.stack,
        environment: options.environment,
        rules: results,
        violations: results.flatMap((r) => r.violations),
    };
}

/** PolicyResources for a stack rule, linked to each other as the SDK links them. */
function buildPolicyResources(all: readonly CapturedResource[], byUrn: ReadonlyMap<string, CapturedResource>, view: StackView): PolicyResource[] {
    const out = new Map<string, PolicyResource>();
    for (const r of all) {
        const props = proxy.unknownCheckingProxy(deserialize(stackPropsOf(r, view)));
        const resource: PolicyResource = {
            type: r.type,
            props,
            urn: r.urn,
            name: r.name,
            opts: optionsOf(r),
            dependencies: [],
            propertyDependencies: {},
            isType: (cls) => isTypeOf(r.type, cls),
            asType: ((cls: unknown) => (isTypeOf(r.type, cls) ? props : undefined)) as PolicyResource["asType"],
        };
        const provider = providerOf(r, byUrn);
        if (provider) {
            resource.provider = provider;
        }
        out.set(r.urn, resource);
    }
    for (const r of all) {
        const resource = out.get(r.urn) as PolicyResource;
        if (r.parent && out.has(r.parent)) {
            resource.parent = out.get(r.parent);
        }
        resource.dependencies = r.dependencies.map((d) => out.get(d)).filter((d): d is PolicyResource => d !== undefined);
        // The graph may carry property dependencies (`propertyDependencies`), as the engine sends them.
        const propDeps = r.propertyDependencies ?? {};
        for (const [k, urns] of Object.entries(propDeps)) {
            resource.propertyDependencies[k] = urns.map((d) => out.get(d)).filter((d): d is PolicyResource => d !== undefined);
        }
    }
    return [...out.values()];
}

/** True when any violation is mandatory: `npm run plan` (and CI) must fail. */
export function hasMandatoryViolations(report: PolicyReport): boolean {
    return report.violations.some((v) => v.enforcementLevel === "mandatory");
}

const MARK: Record<RuleStatus, string> = { pass: "PASS", violations: "FAIL", "not-applicable": "N/A ", disabled: "OFF " };

/** One rule's line of the report: its mark, name, level, severity and verdict. */
export function formatRuleLine(rule: RuleResult): string {
    const level = rule.status === "disabled" ? "disabled" : rule.enforcementLevel;
    let detail: string;
    switch (rule.status) {
        case "pass":
            detail = rule.kind === "resource" ? `pass (${rule.evaluated} resource${rule.evaluated === 1 ? "" : "s"} checked)` : "pass";
            break;
        case "violations":
            detail = `${rule.violations.length} violation${rule.violations.length === 1 ? "" : "s"}`;
            break;
        case "not-applicable":
            detail = `not applicable${rule.kind === "stack" && rule.notApplicable[0] ? ` (${rule.notApplicable[0]})` : ""}`;
            break;
        case "disabled":
            detail = "disabled in this environment";
            break;
        default: {
            const impossible: never = rule.status;
            throw new Error(`unknown rule status ${String(impossible)}`);
        }
    }
    return `  ${MARK[rule.status]}  ${rule.name} [${level}${rule.severity ? `, ${rule.severity}` : ""}]: ${detail}`;
}

/** A rule's violations and preview skips, one line each, under its rule line. */
export function formatRuleFindings(rule: RuleResult): string[] {
    return [
        ...rule.violations.map((v) => `        - ${v.enforcementLevel.toUpperCase()} ${v.resourceType ? `${v.resourceType} "${v.resourceName}"` : (v.urn ?? "stack")}: ${v.message}`),
        ...rule.previewSkips.map((s) => `        ~ ${s.message}`),
    ];
}

/** The report's closing lines: counts per status, then the verdict. */
export function formatPolicySummary(report: PolicyReport): string[] {
    const count = (s: RuleStatus) => report.rules.filter((r) => r.status === s).length;
    const mandatory = report.violations.filter((v) => v.enforcementLevel === "mandatory").length;
    const advisory = report.violations.length - mandatory;
    return [
        `Summary: ${count("pass")} pass, ${count("violations")} with violations (${mandatory} mandatory, ${advisory} advisory), ` +
            `${count("not-applicable")} not applicable, ${count("disabled")} disabled.`,
        mandatory > 0 ? "Result: FAILED (mandatory policy violations)." : "Result: OK (no mandatory violations).",
    ];
}

/** The policy report as `npm run plan` prints it: per rule pass / N violations / not applicable. */
export function formatPolicyReport(report: PolicyReport): string {
    return [
        `Policy report for ${report.project}/${report.stack} (environment ${report.environment}): ${report.rules.length} rules`,
        ...report.rules.flatMap((rule) => [formatRuleLine(rule), ...formatRuleFindings(rule)]),
        ...formatPolicySummary(report),
    ].join("\n");
}
