/**
 * How a rule of this pack is declared: the SDK's policy shapes plus the metadata the pack and
 * its tests rely on (category, topics, CIS reference), and typed helpers that hand rules the
 * resource's inputs as plain data (see ./values.ts for why plain, not the SDK's proxy).
 */
import type {
    EnforcementLevel,
    PolicyComplianceFramework,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidation,
    ResourceValidationArgs,
    Severity,
    StackValidation,
    StackValidationArgs,
} from "@pulumi/policy";
import type { Resource, Unwrap } from "@pulumi/pulumi";
import { plain } from "./values";

/**
 * What kind of control a rule is. It decides its enforcement per environment
 * (policy-pack/config/*.json; a test holds the files to this table):
 * - `security`, `governance`: mandatory in every environment;
 * - `gitops`: advisory in dev, mandatory in staging and prod;
 * - `cost`, `resilience`: advisory in dev and staging, mandatory in prod.
 */
export type Category = "security" | "governance" | "gitops" | "cost" | "resilience";

/** Topics a rule covers; they are also the SDK `tags` the Pulumi Cloud console groups by. */
export type Topic =
    | "network"
    | "exposure"
    | "encryption"
    | "hardening"
    | "logging"
    | "data-protection"
    | "tagging"
    | "kubernetes"
    | "supply-chain"
    | "gitops"
    | "cost"
    | "availability";

/** Clouds a rule speaks for; `all` rules dispatch on type tokens and grow per cloud. */
export type Cloud = "all" | "aws" | "azure" | "gcp" | "kubernetes";

interface Meta {
    /** `<cloud>-<service>-<resource>-<verb>-<what>`; equals the file name. */
    readonly name: string;
    readonly description: string;
    readonly severity: Severity;
    readonly category: Category;
    readonly topics: readonly Topic[];
    /** Default level when the environment's config names none. */
    readonly enforcementLevel: EnforcementLevel;
    readonly framework?: PolicyComplianceFramework;
    readonly remediationSteps?: string;
    readonly configSchema?: PolicyConfigSchema;
    readonly url?: string;
}

/** A resource rule of this pack: an SDK `ResourceValidationPolicy` with our metadata. */
export interface PlatformResourcePolicy extends Meta {
    readonly kind: "resource";
    readonly tags: string[];
    readonly validateResource: ResourceValidation;
}

/** A stack rule of this pack: an SDK `StackValidationPolicy` with our metadata. */
export interface PlatformStackPolicy extends Meta {
    readonly kind: "stack";
    readonly tags: string[];
    readonly validateStack: StackValidation;
}

export type PlatformPolicy = PlatformResourcePolicy | PlatformStackPolicy;

export function resourcePolicy(meta: Meta & { validateResource: ResourceValidation }): PlatformResourcePolicy {
    return { ...meta, kind: "resource", tags: [...meta.topics] };
}

export function stackPolicy(meta: Meta & { validateStack: StackValidation }): PlatformStackPolicy {
    return { ...meta, kind: "stack", tags: [...meta.topics] };
}

/** A CIS benchmark reference. Versions are the ones the references were checked against. */
export function cis(benchmark: "aws" | "eks" | "kubernetes", reference: string, specification: string): PolicyComplianceFramework {
    switch (benchmark) {
        case "aws":
            return { name: "CIS Amazon Web Services Foundations Benchmark", version: "3.0.0", reference, specification };
        case "eks":
            return { name: "CIS Amazon Elastic Kubernetes Service (EKS) Benchmark", version: "1.5.0", reference, specification };
        case "kubernetes":
            return { name: "CIS Kubernetes Benchmark", version: "1.8.0", reference, specification };
        default: {
            const impossible: never = benchmark;
            throw new Error(`unknown CIS benchmark ${String(impossible)}`);
        }
    }
}

/** A resource class the SDK can filter on (every generated class carries `__pulumiType`). */
export interface ResourceClass<TArgs> {
    new (name: string, args: TArgs, ...rest: any[]): Resource;
}

/** The pulumi type token of a generated resource class. */
export function typeOf(cls: unknown): string {
    const token = (cls as { __pulumiType?: unknown }).__pulumiType;
    if (typeof token !== "string" || token.length === 0) {
        throw new Error("resource class has no __pulumiType");
    }
    return token;
}

/**
 * Like the SDK's `validateResourceOfType`, but the callback gets the inputs as plain data, in
 * which unknown (preview) values are visible as sentinels instead of throwing on access.
 * The type token is attached to the function, as the SDK does, for its fast type filter.
 */
export function validateTyped<TArgs>(
    cls: ResourceClass<TArgs>,
    validate: (props: Unwrap<NonNullable<TArgs>>, args: ResourceValidationArgs, report: ReportViolation) => void,
): ResourceValidation {
    return validateTokens([typeOf(cls)], (props, args, report) => validate(props as Unwrap<NonNullable<TArgs>>, args, report));
}

/**
 * A resource validation for a set of type tokens (cross-cloud rules). With one token the
 * function carries `__pulumiType` so the SDK skips other types without calling it.
 */
export function validateTokens(
    tokens: readonly string[],
    validate: (props: Record<string, unknown>, args: ResourceValidationArgs, report: ReportViolation) => void,
): ResourceValidation {
    const fn: ResourceValidation & { __pulumiType?: string } = (args, report) => {
        if (!tokens.includes(args.type)) {
            args.notApplicable(`Policy only applies to resources of type ${tokens.map((t) => `'${t}'`).join(", ")}`);
        }
        validate(plain(args.props), args, report);
    };
    if (tokens.length === 1) {
        fn.__pulumiType = tokens[0];
    }
    return fn;
}

/** Typed config with the schema's defaults filled in (the CLI fills them too; tests may not). */
export function configOf<T extends object>(args: { getConfig<C extends object>(): C }, schema: PolicyConfigSchema | undefined): T {
    const defaults: Record<string, unknown> = {};
    for (const [key, prop] of Object.entries(schema?.properties ?? {})) {
        if (typeof prop === "object" && prop.default !== undefined) {
            defaults[key] = prop.default;
        }
    }
    return { ...defaults, ...args.getConfig<Record<string, unknown>>() } as T;
}

export type { PolicyResource, ReportViolation, StackValidationArgs, ResourceValidationArgs };
