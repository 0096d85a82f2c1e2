/**
 * Small helpers the entries share: reading inputs, naming offending characters, and one builder
 * for the many "a name must match the cloud's pattern" entries.
 */
import { at, CapturedResource } from "../graph";
import type { Constraint, ConstraintCloud, FixtureGraph, FixtureResource } from "./types";

/** Reads a dotted path from a resource's inputs (re-exported for entries). */
export function input(r: CapturedResource, path: string): unknown {
    return at(r.inputs, path);
}

/** A string input, or undefined when absent or not (yet) a string. */
export function str(r: CapturedResource, path: string): string | undefined {
    const v = at(r.inputs, path);
    return typeof v === "string" ? v : undefined;
}

/** Characters of `value` outside `allowed` (each once, in order of appearance). */
export function offending(value: string, allowed: RegExp): string[] {
    return [...new Set([...value].filter((ch) => !allowed.test(ch)))];
}

/** `"it's"` -> `'\''` style rendering of characters for messages. */
export function showChars(chars: readonly string[]): string {
    return chars.map((c) => JSON.stringify(c)).join(", ");
}

/** Where a name lives: a type token and the dotted input path holding the name. */
export interface NameTarget {
    readonly type: string;
    readonly field: string;
    /** Extra inputs a fixture of this type needs (none by default). */
    readonly inputs?: Readonly<Record<string, unknown>>;
}

export interface NameRuleSpec {
    readonly id: string;
    readonly cloud: ConstraintCloud;
    readonly service: string;
    readonly rule: string;
    readonly source: string;
    readonly alsoSource?: string;
    readonly targets: readonly NameTarget[];
    /** What is wrong with a value, or undefined when the cloud accepts it. */
    readonly problem: (value: string, target: NameTarget) => string | undefined;
    /** A value the cloud accepts (every target gets it in the passing example). */
    readonly pass: string;
    /** Values the cloud refuses, one failing example each (on the first target). */
    readonly fail: readonly string[];
}

/** Sets a dotted path in a fresh object. */
function withPath(path: string, value: unknown, base: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
    const out: Record<string, unknown> = JSON.parse(JSON.stringify(base));
    const parts = path.split(".");
    let cur = out;
    for (const p of parts.slice(0, -1)) {
        cur[p] = cur[p] && typeof cur[p] === "object" ? cur[p] : {};
        cur = cur[p] as Record<string, unknown>;
    }
    cur[parts[parts.length - 1]] = value;
    return out;
}

const fixtureFor = (t: NameTarget, value: string, i: number): FixtureResource => ({ type: t.type, name: `r${i}`, inputs: withPath(t.field, value, t.inputs) });

/** An entry for "a name (or other string) must follow the cloud's rule". */
export function nameRule(spec: NameRuleSpec): Constraint {
    return {
        id: spec.id,
        kind: "resource",
        cloud: spec.cloud,
        service: spec.service,
        types: [...new Set(spec.targets.map((t) => t.type))],
        rule: spec.rule,
        source: spec.source,
        ...(spec.alsoSource ? { alsoSource: spec.alsoSource } : {}),
        check: (r) =>
            spec.targets
                .filter((t) => t.type === r.type)
                .flatMap((t) => {
                    const v = at(r.inputs, t.field);
                    if (typeof v !== "string") {
                        return []; // absent (auto-named) or unknown until apply
                    }
                    const p = spec.problem(v, t);
                    return p ? [`${t.field} ${JSON.stringify(v)} ${p}`] : [];
                }),
        examples: {
            pass: [{ title: `${JSON.stringify(spec.pass)} on every target`, resources: spec.targets.map((t, i) => fixtureFor(t, spec.pass, i)) }] as FixtureGraph[],
            fail: spec.fail.map((v) => ({ title: JSON.stringify(v), resources: [fixtureFor(spec.targets[0], v, 0)] })),
        },
    };
}

/** `problem` for "length between min and max and every character allowed, plus extra checks". */
export function lengthAndCharset(min: number, max: number, allowed: RegExp, what: string, ...extra: ((v: string) => string | undefined)[]): (v: string) => string | undefined {
    return (v) => {
        if (v.length < min || v.length > max) {
            return `has ${v.length} characters; ${what} must have ${min === max ? min : `${min}-${max}`}`;
        }
        const bad = offending(v, allowed);
        if (bad.length > 0) {
            return `contains ${showChars(bad)}, not allowed in ${what}`;
        }
        for (const e of extra) {
            const p = e(v);
            if (p) {
                return p;
            }
        }
        return undefined;
    };
}
