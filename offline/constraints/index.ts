/**
 * The constraint catalogue: rules the clouds' APIs enforce that the Pulumi providers do not
 * validate, each with the doc it comes from, checked against the captured resource graph.
 *
 * Why: mocks and `pulumi preview` accept a security-group rule description with `'`, a
 * built-in role id that does not exist or a Spot pool with surge settings; the cloud rejects
 * them in the first minute of a real `pulumi up`. Every entry here is one such rule, written
 * from the cloud's documentation (never from our own code), with a failing and a passing
 * example (tests/offline/constraints*.test.ts run both, plant the failure into a real
 * shipped-stack graph, and check every shipped stack passes).
 *
 * Adding an entry (cloud helpers: put it in offline/constraints/<cloud>.ts):
 * - `id`: `<cloud>-<service>-<resource>-<what>`, kebab case, unique, frozen once shipped;
 * - `service`: who rejects it, as the message says it ("EC2 would reject ...");
 * - `rule`: the cloud's rule in one sentence; `source` (and optionally `alsoSource`): doc URLs;
 * - `types`: the type tokens it reads; `check(resource, ctx)` returns one detail string per
 *   violation (empty when fine), or, for ordering and cross-resource rules, `checkGraph(ctx)`
 *   returns `{ resource, detail }` pairs;
 * - `examples`: at least one passing and one failing fixture graph (see `FixtureGraph`).
 * An entry whose fix belongs to a later change goes in ./pending.ts, never weakened.
 */
import type { CapturedInvoke, CapturedResource, ResourceGraph } from "../graph";
import type { CheckContext, Constraint, ConstraintCloud, FixtureGraph, FixtureResource } from "./types";
import { COMMON_CONSTRAINTS } from "./common";
import { AWS_CONSTRAINTS } from "./aws";
import { AZURE_CONSTRAINTS, AZURE_GRANT_CONSTRAINTS } from "./azure";
import { GCP_CONSTRAINTS } from "./gcp";
import { PENDING } from "./pending";

export * from "./types";
export { input, str, offending, showChars } from "./helpers";

export interface ConstraintViolation {
    readonly entry: string;
    readonly cloud: ConstraintCloud;
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly detail: string;
    readonly source: string;
    /** `<Service> would reject <type> <name>: <detail>. Rule: <rule>. See <url>` */
    readonly message: string;
}

/** Every entry, cross-cloud first. */
export const CONSTRAINTS: readonly Constraint[] = [...COMMON_CONSTRAINTS, ...AWS_CONSTRAINTS, ...AZURE_CONSTRAINTS, ...AZURE_GRANT_CONSTRAINTS, ...GCP_CONSTRAINTS];

/** One violation's message, the cloud's wording first. */
export function formatViolation(entry: Constraint, resource: Pick<CapturedResource, "type" | "name">, detail: string): string {
    const sources = entry.alsoSource ? `${entry.source} (also ${entry.alsoSource})` : entry.source;
    return `${entry.service} would reject ${resource.type} ${resource.name}: ${detail}. Rule: ${entry.rule} See ${sources}`;
}

/** The context checks receive for a graph. */
export function checkContext(graph: ResourceGraph): CheckContext {
    const byUrn = new Map(graph.resources.map((r) => [r.urn, r]));
    const index = new Map(graph.resources.map((r, i) => [r.urn, i]));
    const providers = new Map<string, Record<string, unknown>>();
    for (const r of graph.resources) {
        if (r.type.startsWith("pulumi:providers:")) {
            providers.set(r.urn, decodeProviderInputs(r.inputs));
        }
    }
    const children = new Map<string, string[]>();
    for (const r of graph.resources) {
        if (r.parent) {
            children.set(r.parent, [...(children.get(r.parent) ?? []), r.urn]);
        }
    }
    const closure = new Map<string, Set<string>>();
    const depsOf = (urn: string): Set<string> => {
        const known = closure.get(urn);
        if (known) {
            return known;
        }
        const out = new Set<string>();
        closure.set(urn, out); // cycles (impossible in a real graph) stop here
        const direct = [...(byUrn.get(urn)?.dependencies ?? []), ...Object.values(byUrn.get(urn)?.propertyDependencies ?? {}).flat()];
        const expand = (d: string) => {
            if (out.has(d)) {
                return;
            }
            out.add(d);
            for (const c of children.get(d) ?? []) {
                expand(c);
            }
            for (const t of depsOf(d)) {
                out.add(t);
            }
        };
        direct.forEach(expand);
        return out;
    };
    return {
        graph,
        providerInputs: (r) => (r.provider ? providers.get(providerUrn(r.provider)) ?? {} : {}),
        byUrn: (urn) => byUrn.get(urn),
        dependsOn: (r, target) => depsOf(r.urn).has(target.urn),
        completedAt: (r) => index.get(r.urn) ?? -1,
    };
}

/** `<provider urn>::<provider id>` -> the provider's URN. */
function providerUrn(ref: string): string {
    const parts = ref.split("::");
    return parts.slice(0, parts.length - 1).join("::");
}

/** Provider inputs arrive JSON-encoded for structured values (`defaultTags`): decode them. */
function decodeProviderInputs(inputs: Readonly<Record<string, unknown>>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(inputs)) {
        if (typeof v === "string" && /^[[{]/.test(v)) {
            try {
                out[k] = JSON.parse(v);
                continue;
            } catch {
                // not JSON: keep the string
            }
        }
        out[k] = v;
    }
    return out;
}

export interface CheckOptions {
    /** Entries to run; default all. */
    readonly entries?: readonly Constraint[];
}

/** Runs the catalogue over a graph: every violation, in entry order then graph order. */
export function checkConstraints(graph: ResourceGraph, options: CheckOptions = {}): ConstraintViolation[] {
    const ctx = checkContext(graph);
    const out: ConstraintViolation[] = [];
    for (const entry of options.entries ?? CONSTRAINTS) {
        const found: { resource: CapturedResource; detail: string }[] = [];
        if (entry.kind === "resource") {
            for (const r of graph.resources) {
                if (entry.types.includes(r.type)) {
                    for (const detail of entry.check(r, ctx)) {
                        found.push({ resource: r, detail });
                    }
                }
            }
        } else {
            found.push(...entry.checkGraph(ctx));
        }
        for (const { resource, detail } of found) {
            out.push({
                entry: entry.id,
                cloud: entry.cloud,
                urn: resource.urn,
                type: resource.type,
                name: resource.name,
                detail,
                source: entry.source,
                message: formatViolation(entry, resource, detail),
            });
        }
    }
    return out;
}

/** The catalogue's verdict for a stack: violations split into new ones and known pending ones. */
export interface ConstraintReport {
    readonly stack: string;
    readonly entries: number;
    /** Violations not listed in PENDING for this stack: the plan fails on these. */
    readonly violations: readonly ConstraintViolation[];
    /** Violations of entries PENDING lists for this stack (KNOWN, NOT YET FIXED). */
    readonly pending: readonly ConstraintViolation[];
    /** PENDING lists these entries for this stack but they no longer fire: shrink the list. */
    readonly stalePending: readonly string[];
}

/**
 * The catalogue's verdict for one stack: its graph, or the graphs of all its layers (the platform
 * stack and the in-cluster stack of the same name), checked together against PENDING.
 */
export function constraintReport(graphs: ResourceGraph | readonly ResourceGraph[], options: CheckOptions & { readonly pending?: Readonly<Record<string, readonly string[]>> } = {}): ConstraintReport {
    const list: readonly ResourceGraph[] = Array.isArray(graphs) ? graphs : [graphs as ResourceGraph];
    const stack = list[0].stack;
    const pendingList = options.pending ?? PENDING;
    const all = list.flatMap((g) => checkConstraints(g, options));
    const isPending = (v: ConstraintViolation) => (pendingList[v.entry] ?? []).includes(stack);
    const firing = new Set(all.map((v) => v.entry));
    const stalePending = Object.entries(pendingList)
        .filter(([id, stacks]) => stacks.includes(stack) && !firing.has(id))
        .map(([id]) => id);
    return {
        stack,
        entries: (options.entries ?? CONSTRAINTS).length,
        violations: all.filter((v) => !isPending(v)),
        pending: all.filter(isPending),
        stalePending,
    };
}

/** Whether the plan must fail: a new violation, or a PENDING entry that no longer fires. */
export function constraintsFail(report: ConstraintReport): boolean {
    return report.violations.length > 0 || report.stalePending.length > 0;
}

/** The one-line verdict `.ci/run` shows per stack. */
export function constraintVerdict(report: ConstraintReport): string {
    const known = report.pending.length > 0 ? `, ${new Set(report.pending.map((v) => v.entry)).size} known not yet fixed (${report.pending.length} violation${report.pending.length === 1 ? "" : "s"})` : "";
    if (report.violations.length > 0) {
        return `Catalogue: FAIL (${report.violations.length} violation${report.violations.length === 1 ? "" : "s"} of ${new Set(report.violations.map((v) => v.entry)).size} entr${new Set(report.violations.map((v) => v.entry)).size === 1 ? "y" : "ies"}${known}; ${report.entries} entries)`;
    }
    if (report.stalePending.length > 0) {
        return `Catalogue: FAIL (offline/constraints/pending.ts lists ${report.stalePending.join(", ")} for ${report.stack} but it passes: remove it from the list)`;
    }
    return `Catalogue: OK (${report.entries} entries, no violations${known})`;
}

/** The catalogue section of `npm run plan`. */
export function formatConstraintReport(report: ConstraintReport): string {
    const lines = [`Constraint catalogue for ${report.stack}: ${report.entries} cited entries (offline/constraints/), the clouds' own rules`];
    for (const v of report.violations) {
        lines.push(`  FAIL  [${v.entry}] ${v.message}`);
    }
    for (const id of report.stalePending) {
        lines.push(`  STALE [${id}] listed in offline/constraints/pending.ts for ${report.stack} but no longer fires: remove it from PENDING`);
    }
    const pendingByEntry = new Map<string, ConstraintViolation[]>();
    for (const v of report.pending) {
        pendingByEntry.set(v.entry, [...(pendingByEntry.get(v.entry) ?? []), v]);
    }
    for (const [id, vs] of pendingByEntry) {
        lines.push(`  KNOWN, NOT YET FIXED  [${id}] ${vs.length} violation${vs.length === 1 ? "" : "s"}, first: ${vs[0].message}`);
    }
    lines.push(constraintVerdict(report));
    return lines.join("\n");
}

/** A ResourceGraph from a fixture (URNs, providers and dependencies as the engine records them). */
export function fixtureGraph(fixture: FixtureGraph, stack = "fixture"): ResourceGraph {
    const urnOf = (r: FixtureResource) => `urn:pulumi:${stack}::platform::${r.type}::${r.name}`;
    const byName = new Map(fixture.resources.map((r) => [r.name, r]));
    const ref = (name: string): string => {
        const r = byName.get(name);
        if (!r) {
            throw new Error(`fixture "${fixture.title}": no resource named "${name}"`);
        }
        return urnOf(r);
    };
    const resources: CapturedResource[] = fixture.resources.map((r) => ({
        urn: urnOf(r),
        type: r.type,
        name: r.name,
        custom: r.custom ?? !r.type.startsWith("platform:"),
        ...(r.parent ? { parent: ref(r.parent) } : {}),
        ...(r.provider ? { provider: `${ref(r.provider)}::provider-id` } : {}),
        inputs: r.inputs ?? {},
        secretPaths: [],
        dependencies: (r.dependsOn ?? []).map(ref),
        propertyDependencies: {},
        protect: false,
        retainOnDelete: false,
        ...(r.deleteBeforeReplace ? { deleteBeforeReplace: true } : {}),
        ...(r.ignoreChanges ? { ignoreChanges: [...r.ignoreChanges] } : {}),
        ...(r.id ? { id: r.id } : {}),
        state: r.inputs ?? {},
    }));
    const completed = (names: readonly string[] | undefined) => Math.max(0, ...(names ?? []).map((n) => fixture.resources.findIndex((r) => r.name === n) + 1));
    const invokes: CapturedInvoke[] = (fixture.invokes ?? []).map((i) => ({ token: i.token, inputs: i.inputs ?? {}, resourcesBefore: completed(i.after) }));
    return { project: "platform", stack, resources, invokes, outputs: {}, secretOutputs: [] };
}

