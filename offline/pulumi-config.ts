/**
 * What `pulumi preview` / `pulumi up` refuse about a stack's configuration before the program
 * runs, mirrored from the Pulumi CLI so the offline engine refuses it too, with the CLI's words.
 * Read in pulumi/pulumi at v3.248.0 (sdk/go/common/workspace/config.go) and at main of
 * 2026-08-21 (3.260 in development; the same code moved to pkg/workspace/config.go by #23978,
 * messages and rules unchanged, plus a `--skip-config-validation` flag, #23691). Our SDK is
 * 3.276.0, newer than the stored copy of the CLI source: re-read pkg/workspace/config.go on the
 * next bump.
 *
 * - `mergeConfig` walks the project's declared keys in sorted order; a project-namespaced key
 *   with no `default`/`value` that the stack lacks is missing ("Stack '<stack>' is missing
 *   configuration value '<key>'", or "values 'a', 'b' and 'c'" for several, sorted); declared
 *   defaults fill the rest. Then `validateStackConfigValues` checks every explicitly typed key,
 *   in sorted order, and returns the first failure: a `secret: true` key stored in plain text
 *   ("Stack '<stack>' with configuration key '<key>' must be encrypted as it's secret"), or a
 *   value of the wrong type ("Stack '<stack>' with configuration key '<key>' must be of type
 *   '<type>'", `array<T>` for arrays).
 * - sdk/go/common/workspace/project.go `ValidateConfigValue`: string = any scalar (the CLI stores
 *   YAML scalars as strings); integer = strconv.Atoi succeeds; boolean = the strings
 *   "true"/"false"; object = a map; array = a list whose items match `items` (items compared as
 *   JSON: numbers, booleans, strings). `object` is accepted since v3.187.0 (pulumi/pulumi#20129,
 *   #20132). `Project.Validate` refuses an array without `items`, a default not of the declared
 *   type, and a type on a key of another namespace.
 * - pkg/cmd/pulumi/operations/preview.go: the error is printed as "validating stack config: <error>".
 * - Keys the project does not declare are NOT refused by the CLI (the project's own schema,
 *   components/config, refuses unknown platform keys). A `secure:` value cannot be decrypted
 *   offline, so its type is not checked here (the CLI checks the decrypted text).
 *
 * The functions take the project file and the stack's `config:` map as plain data, so they apply
 * to every project of this repository (the platform and the in-cluster layer).
 */
import * as fs from "fs";
import * as YAML from "yaml";

export type ProjectConfigTypeName = "string" | "integer" | "boolean" | "array" | "object";

export interface ProjectConfigItems {
    readonly type: ProjectConfigTypeName | ProjectConfigItems;
    readonly items?: ProjectConfigItems;
}

/** One entry of Pulumi.yaml `config:` (the long form; a bare value is `{ value }`). */
export interface ProjectConfigDeclaration {
    readonly type?: ProjectConfigTypeName;
    readonly items?: ProjectConfigItems;
    readonly description?: string;
    readonly default?: unknown;
    readonly value?: unknown;
    readonly secret?: boolean;
}

export interface ProjectFile {
    readonly name: string;
    readonly config?: Readonly<Record<string, ProjectConfigDeclaration | string | number | boolean>>;
    readonly [key: string]: unknown;
}

/** The error the CLI prints for a stack whose configuration it refuses. */
export class PulumiConfigError extends Error {
    constructor(
        readonly stackName: string,
        /** The CLI's error without its "validating stack config: " prefix. */
        readonly reason: string,
    ) {
        super(`validating stack config: ${reason}`);
        this.name = "PulumiConfigError";
    }
}

export function readProjectFile(file: string): ProjectFile {
    return YAML.parse(fs.readFileSync(file, "utf8")) as ProjectFile;
}

/** Declarations in their long form (the CLI reads a bare value as `{ value }`). */
function declarations(project: ProjectFile): [string, ProjectConfigDeclaration][] {
    return Object.entries(project.config ?? {}).map(([k, v]) => [k, v !== null && typeof v === "object" ? (v as ProjectConfigDeclaration) : { value: v }]);
}

/** `project:key` for a bare key, the key itself when already namespaced. */
function namespaced(projectName: string, key: string): string {
    return key.includes(":") ? key : `${projectName}:${key}`;
}

/** Go's sort.Strings: byte order. */
const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** `InferFullTypeName`: `array<T>` for arrays, the type name otherwise. */
function fullTypeName(type: ProjectConfigTypeName | ProjectConfigItems, items?: ProjectConfigItems): string {
    const name = typeof type === "string" ? type : fullTypeName(type.type, type.items);
    return items ? `array<${fullTypeName(items.type, items.items)}>` : name;
}

/** `ValidateConfigValue` of project.go. */
function validValue(type: ProjectConfigTypeName | ProjectConfigItems, items: ProjectConfigItems | undefined, value: unknown): boolean {
    const name = typeof type === "string" ? type : undefined;
    switch (name) {
        case "string":
            return typeof value === "string";
        case "integer":
            if (typeof value === "number") return Number.isInteger(value);
            return typeof value === "string" && /^[+-]?\d+$/.test(value) && Math.abs(Number(value)) <= Number.MAX_SAFE_INTEGER;
        case "boolean":
            return value === true || value === false || value === "true" || value === "false";
        case "object":
            return value !== null && typeof value === "object" && !Array.isArray(value);
        default:
            if (!Array.isArray(value) || !items) return false;
            return value.every((v) => validValue(items.type, items.items, v));
    }
}

/** `formatMissingKeys`: 'a', or 'a', 'b' and 'c' (sorted). */
function formatMissing(keys: string[]): string {
    if (keys.length === 1) return `'${keys[0]}'`;
    const sorted = [...keys].sort(byteOrder);
    return sorted.map((k, i) => (i === sorted.length - 1 ? `and '${k}'` : i === sorted.length - 2 ? `'${k}' ` : `'${k}', `)).join("");
}

/** `Project.Validate` of project.go: the first problem with the project file's config block. */
export function projectFileProblem(project: ProjectFile): string | undefined {
    if (!project.name) return "project is missing a 'name' attribute";
    for (const [key, decl] of declarations(project)) {
        if (decl.default !== undefined && decl.value !== undefined) return `project config '${key}' cannot have both a 'default' and 'value' attribute`;
        const ownNamespace = !key.includes(":") || key.startsWith(`${project.name}:`);
        if (ownNamespace) {
            if (decl.type === "array" && !decl.items) return `The configuration key '${key}' declares an array but does not specify the underlying type via the 'items' attribute`;
            if (decl.type && decl.default !== undefined && !validValue(decl.type, decl.items, decl.default)) {
                return `The default value specified for configuration key '${key}' is not of the expected type '${fullTypeName(decl.type, decl.items)}'`;
            }
        } else {
            if (decl.type) return `Configuration key '${key}' is not namespaced by the project and should not define a type`;
            if (decl.default !== undefined) return `Configuration key '${key}' is not namespaced by the project and should not define a default value. Did you mean to use the 'value' attribute instead of 'default'?`;
            if (decl.value === undefined) return `Configuration key '${key}' is namespaced and must provide an attribute 'value'`;
        }
    }
    return undefined;
}

/** A stack-file value as the CLI stores it: scalars as strings, maps and lists as JSON objects. */
interface StoredValue {
    readonly secure: boolean;
    /** What `ValidateConfigValue` sees: the string for scalars, the decoded JSON for objects. */
    readonly content: unknown;
}

function stored(value: unknown): StoredValue {
    if (value !== null && typeof value === "object" && !Array.isArray(value) && "secure" in value && Object.keys(value).length === 1) {
        return { secure: true, content: "[secret]" };
    }
    if (typeof value === "string") return { secure: false, content: value };
    if (typeof value === "number" || typeof value === "boolean") return { secure: false, content: JSON.stringify(value) };
    // maps, lists and null are object values: the CLI JSON-encodes and decodes them again
    return { secure: false, content: JSON.parse(JSON.stringify(value ?? null)) };
}

/**
 * What `pulumi preview` says of a stack's config (`ValidateStackConfigAndApplyProjectConfig`),
 * or undefined when it accepts it. `stackConfig` is the stack file's `config:` map as parsed YAML
 * (keys as written: `platform:region`).
 */
export function stackConfigProblem(project: ProjectFile, stackName: string, stackConfig: Readonly<Record<string, unknown>>): string | undefined {
    const projectProblem = projectFileProblem(project);
    if (projectProblem) return projectProblem;
    const has = (key: string) => Object.prototype.hasOwnProperty.call(stackConfig, namespaced(project.name, key));
    const sorted = declarations(project).sort(([a], [b]) => byteOrder(a, b));
    const missing = sorted.filter(([key, d]) => !has(key) && d.value === undefined && d.default === undefined && namespaced(project.name, key).startsWith(`${project.name}:`)).map(([key]) => key);
    if (missing.length > 0) {
        return `Stack '${stackName}' is missing configuration ${missing.length > 1 ? "values" : "value"} ${formatMissing(missing)}`;
    }
    for (const [key, decl] of sorted) {
        if (!decl.type) continue;
        const full = namespaced(project.name, key);
        // A key the stack lacks has its declared default, which Project.Validate already type-checked.
        const value = has(key) ? stored(stackConfig[full]) : stored(decl.default ?? decl.value);
        if (decl.secret && !value.secure) return `Stack '${stackName}' with configuration key '${key}' must be encrypted as it's secret`;
        if (!value.secure && !validValue(decl.type, decl.items, value.content)) {
            return `Stack '${stackName}' with configuration key '${key}' must be of type '${fullTypeName(decl.type, decl.items)}'`;
        }
    }
    return undefined;
}

/**
 * The config the program receives after the CLI applied the project's defaults: every declared
 * key the stack lacks gets its default (`createConfigValue`: scalars as text, maps and lists as JSON).
 */
export function withProjectDefaults(project: ProjectFile, stackConfig: Readonly<Record<string, unknown>>): Record<string, unknown> {
    const out: Record<string, unknown> = { ...stackConfig };
    for (const [key, decl] of declarations(project)) {
        const full = namespaced(project.name, key);
        const fallback = decl.value ?? decl.default;
        if (!(full in out) && fallback !== undefined) {
            out[full] = fallback;
        }
    }
    return out;
}
