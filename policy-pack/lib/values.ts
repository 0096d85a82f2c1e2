/**
 * Unknown values, the preview problem.
 *
 * During `pulumi preview` an input computed from another resource (an ARN, an id, a CIDR
 * allocated at apply time) is unknown. The SDK hands rules a proxy that THROWS on reading such a
 * value; the SDK then reports "can't run policy during preview" as an advisory for the whole
 * rule. That is noise on every preview and hides the rule's real result for the rest of the
 * resource. So rules here read the plain data behind the proxy and decide explicitly: a value
 * that is unknown is neither a pass nor a violation of the property that depends on it
 * (e.g. an unknown `kmsKeyId` still means "a key is set"; an unknown CIDR is not world-open).
 */

/** Sentinels the engine uses for unknown values (the SDK's `proxy.ts`; the first is the wire one). */
const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9", // string (and the runtime's generic unknown)
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
    "030794c1-ac77-496b-92df-f27374a8bd58", // asset
    "e48ece36-62e2-4504-bad9-02848725956a", // archive
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);

/** The generic unknown sentinel, for fixtures. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The SDK proxy's escape hatch to its target (`@pulumi/policy/proxy.js` `getSpecialProxyTarget`). */
const PROXY_TARGET = "__getSpecialProxyTarget";

/** True for a value that cannot be known until the update runs. */
export function isUnknown(value: unknown): boolean {
    return typeof value === "string" && UNKNOWN_SENTINELS.has(value);
}

/** True if the value or anything inside it is unknown. */
export function containsUnknown(value: unknown): boolean {
    if (isUnknown(value)) {
        return true;
    }
    if (Array.isArray(value)) {
        return value.some(containsUnknown);
    }
    if (value && typeof value === "object") {
        return Object.values(value as Record<string, unknown>).some(containsUnknown);
    }
    return false;
}

/** The plain object behind the SDK's unknown-checking proxy (or the value itself). */
export function plain<T>(value: T): T {
    if (value && typeof value === "object") {
        const target = (value as unknown as Record<string, unknown>)[PROXY_TARGET];
        if (target && typeof target === "object") {
            return target as T;
        }
    }
    return value;
}

/** An object field, or undefined when the value is not an object. */
export function field(value: unknown, key: string): unknown {
    if (value && typeof value === "object" && !Array.isArray(value)) {
        return (value as Record<string, unknown>)[key];
    }
    return undefined;
}

/** A list value as an array: unknown or absent lists become empty (callers check unknown first). */
export function list(value: unknown): unknown[] {
    return Array.isArray(value) ? value : [];
}

/** A string-map value (tags, labels); JSON strings are parsed (provider config arrives JSON-encoded). */
export function stringMap(value: unknown): Record<string, unknown> | undefined {
    let v = value;
    if (typeof v === "string" && !isUnknown(v)) {
        try {
            v = JSON.parse(v);
        } catch {
            return undefined;
        }
    }
    if (v && typeof v === "object" && !Array.isArray(v)) {
        return v as Record<string, unknown>;
    }
    return undefined;
}

/**
 * A boolean input that may arrive as a string (launch templates type several flags as
 * strings: "true"/"false"). Returns "unknown" for unknown, undefined when unset.
 */
export function flag(value: unknown): boolean | "unknown" | undefined {
    if (isUnknown(value)) {
        return "unknown";
    }
    if (value === true || value === "true") {
        return true;
    }
    if (value === false || value === "false") {
        return false;
    }
    return undefined;
}

/** `"value"` for messages; unset prints as `unset`. */
export function show(value: unknown): string {
    return value === undefined || value === null ? "unset" : JSON.stringify(value);
}
