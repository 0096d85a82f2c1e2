/**
 * The resource graph the offline engine captures from one run of the real program.
 *
 * It is the shared currency of the offline world: `npm run plan` prints it, the policy report
 * runs the CrossGuard rules over it, and tests assert on it. Keep it plain data (JSON-able) so
 * `plan --json` can write it verbatim.
 */

/** One registration, as the Pulumi engine would have received it. */
export interface CapturedResource {
    /** `urn:pulumi:<stack>::<project>::<qualified type>::<name>` */
    readonly urn: string;
    /** Type token, e.g. `aws:ec2/vpc:Vpc` or `platform:aws:Network`. */
    readonly type: string;
    /** Logical name. */
    readonly name: string;
    /** `true` for provider-backed resources, `false` for components (and the stack). */
    readonly custom: boolean;
    /** Read, not managed (a StackReference, a `.get`): the engine records it, never creates or deletes it. */
    readonly read?: boolean;
    /** URN of the parent, absent for the stack itself. */
    readonly parent?: string;
    /** Provider reference (`<provider urn>::<provider id>`) when one was given explicitly. */
    readonly provider?: string;
    /**
     * Inputs as the provider receives them, secrets unwrapped (a CrossGuard policy sees them so
     * too). Paths of secret values are in `secretPaths`; printers mask those.
     */
    readonly inputs: Readonly<Record<string, unknown>>;
    /** Dotted paths (into `inputs`) of values that were marked secret. */
    readonly secretPaths: readonly string[];
    /** URNs this resource depends on (explicit `dependsOn` plus the ones its inputs carry). */
    readonly dependencies: readonly string[];
    /** Per input property, the URNs its value came from (which security group a rule belongs to). */
    readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
    /** `protect` resource option. */
    readonly protect: boolean;
    /** `retainOnDelete` resource option. */
    readonly retainOnDelete: boolean;
    /** `ignoreChanges` resource option (absent when empty): Pulumi keeps the old value, even on replacement. */
    readonly ignoreChanges?: readonly string[];
    /** `replaceOnChanges` resource option (absent when empty). */
    readonly replaceOnChanges?: readonly string[];
    /**
     * `deleteBeforeReplace` resource option (absent: false). Fixed physical names need it: a
     * replacement that creates the new resource first collides with the old one's name.
     */
    readonly deleteBeforeReplace?: boolean;
    /** `replacementTrigger` resource option (absent when unset): a change of this value replaces the resource. */
    readonly replacementTrigger?: unknown;
    /** `aliases` resource option as the engine receives them (absent when none): the URNs a moved resource was known by. */
    readonly aliases?: readonly string[];
    /** The id the mock assigned (custom resources only). */
    readonly id?: string;
    /** Outputs the mock computed: inputs plus realistic provider-computed values. */
    readonly state: Readonly<Record<string, unknown>>;
}

/** One provider function call the program made. */
export interface CapturedInvoke {
    readonly token: string;
    readonly inputs: Readonly<Record<string, unknown>>;
    /**
     * How many registrations had completed when the program made this call: the invoke ran
     * after `resources[0 .. resourcesBefore - 1]` existed (ordering rules such as "no invoke of
     * an API before the API is enabled" read it).
     */
    readonly resourcesBefore?: number;
}

/** Everything one offline run of a stack produced. */
export interface ResourceGraph {
    readonly project: string;
    readonly stack: string;
    /** In registration order. */
    readonly resources: readonly CapturedResource[];
    readonly invokes: readonly CapturedInvoke[];
    /** Stack outputs, secrets unwrapped; their top-level keys are listed in `secretOutputs`. */
    readonly outputs: Readonly<Record<string, unknown>>;
    readonly secretOutputs: readonly string[];
}

/** The short type name (`Vpc` of `aws:ec2/vpc:Vpc`). */
export function shortType(type: string): string {
    return type.split(":").pop() ?? type;
}

/** All resources of one type token. */
export function ofType(graph: ResourceGraph, type: string): CapturedResource[] {
    return graph.resources.filter((r) => r.type === type);
}

/** The one resource of a type with a name; throws if absent, so tests fail with a clear message. */
export function byName(graph: ResourceGraph, type: string, name: string): CapturedResource {
    const found = graph.resources.find((r) => r.type === type && r.name === name);
    if (!found) {
        const names = ofType(graph, type).map((r) => r.name);
        throw new Error(`no ${type} named "${name}" in the graph (have: ${names.join(", ") || "none"})`);
    }
    return found;
}

/** Direct children of a resource. */
export function childrenOf(graph: ResourceGraph, parentUrn: string): CapturedResource[] {
    return graph.resources.filter((r) => r.parent === parentUrn);
}

/** Count of resources per type token, sorted by type. */
export function countByType(graph: ResourceGraph): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const r of graph.resources) {
        counts[r.type] = (counts[r.type] ?? 0) + 1;
    }
    return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

/** Read a dotted path (`rootBlockDevice.encrypted`, `ingress.0.cidrBlocks`) from a value. */
export function at(value: unknown, path: string): unknown {
    let cur: unknown = value;
    for (const part of path.split(".")) {
        if (cur === null || cur === undefined || typeof cur !== "object") {
            return undefined;
        }
        cur = (cur as Record<string, unknown>)[part];
    }
    return cur;
}
