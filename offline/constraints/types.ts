/**
 * The catalogue's types (see ./index.ts for how to add an entry).
 */
import type { CapturedResource, ResourceGraph } from "../graph";

export type ConstraintCloud = "aws" | "azure" | "gcp" | "all";

/** A resource of a fixture graph: type, name and inputs, the rest defaulted. */
export interface FixtureResource {
    readonly type: string;
    readonly name: string;
    readonly inputs?: Readonly<Record<string, unknown>>;
    /** Names (of other fixture resources) this one depends on. */
    readonly dependsOn?: readonly string[];
    /** Name of the fixture's provider resource (`pulumi:providers:*`). */
    readonly provider?: string;
    /** Name of the parent fixture resource. */
    readonly parent?: string;
    readonly custom?: boolean;
    /** The `deleteBeforeReplace` resource option. */
    readonly deleteBeforeReplace?: boolean;
    /** The `ignoreChanges` resource option. */
    readonly ignoreChanges?: readonly string[];
    /** The cloud id (ARM id, ...) when an entry relates resources by id; its state is its inputs. */
    readonly id?: string;
}

/** A small graph for an entry's examples; invokes are listed with where they happened. */
export interface FixtureGraph {
    /** What the example shows, e.g. "a rule description with an apostrophe". */
    readonly title: string;
    readonly resources: readonly FixtureResource[];
    /** Invokes, each after the named resources completed (`after`), in call order. */
    readonly invokes?: readonly { readonly token: string; readonly inputs?: Readonly<Record<string, unknown>>; readonly after?: readonly string[] }[];
}

interface ConstraintBase {
    readonly id: string;
    readonly cloud: ConstraintCloud;
    /** The service whose API refuses it, for the message: "EC2 would reject ...". */
    readonly service: string;
    /** Type tokens the entry reads (for the report and the planted-violation tests). */
    readonly types: readonly string[];
    /** The cloud's rule in one sentence. */
    readonly rule: string;
    /** Where the rule is documented (a doc URL). */
    readonly source: string;
    /** A second source (an API model, a second doc page). */
    readonly alsoSource?: string;
    readonly examples: { readonly pass: readonly FixtureGraph[]; readonly fail: readonly FixtureGraph[] };
}

/** An entry judging one resource at a time. */
export interface ResourceConstraint extends ConstraintBase {
    readonly kind: "resource";
    check(resource: CapturedResource, ctx: CheckContext): readonly string[];
}

/** An entry judging the graph: ordering (dependencies, invoke order) or cross-resource rules. */
export interface GraphConstraint extends ConstraintBase {
    readonly kind: "graph";
    checkGraph(ctx: CheckContext): readonly { readonly resource: CapturedResource; readonly detail: string }[];
}

export type Constraint = ResourceConstraint | GraphConstraint;

/** What checks may ask about the graph besides the resource itself. */
export interface CheckContext {
    readonly graph: ResourceGraph;
    /** Inputs of the resource's explicit provider (`{}` for the default provider). */
    providerInputs(resource: CapturedResource): Readonly<Record<string, unknown>>;
    /** The resource with this URN. */
    byUrn(urn: string): CapturedResource | undefined;
    /**
     * Whether `resource` waits for `target` before it is created: a direct or transitive
     * dependency, where depending on a component means depending on all its descendants (the
     * engine waits for a component's children).
     */
    dependsOn(resource: CapturedResource, target: CapturedResource): boolean;
    /** Index of a resource in completion order (graph.resources order). */
    completedAt(resource: CapturedResource): number;
}

