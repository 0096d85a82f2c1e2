/**
 * What the Pulumi engine hands STACK policies: each resource's outputs, not its inputs.
 *
 * The engine calls `AnalyzeStack` with `Properties: v.Outputs` of every resource
 * (pulumi/pulumi pkg/resource/deploy/step_generator.go `AnalyzeResources`: "Unlike Analyze,
 * AnalyzeStack is called on the final outputs of each resource"), while resource policies
 * (`Analyze`) get the inputs. What those outputs are depends on the provider and on the operation:
 *
 * - after `pulumi up` (view "update"): the provider's final state. Offline that is the state the
 *   mocks computed (offline/mocks-*.ts), restricted to the properties the SDK declares as outputs.
 * - on the first preview, every resource a create (view "create"): what each provider's preview
 *   `Create` returns (the engine calls Create with `preview: true`):
 *   - Terraform-bridged providers (aws, gcp, random, tls): Terraform's planned state, in which an
 *     attribute the provider computes and the program left unset is unknown, nested blocks
 *     included (pulumi/pulumi-terraform-bridge pkg/tfbridge/provider.go `Create`, preview
 *     support since #276, nested unknowns since #308). The generated SDK types a property as
 *     `Output<T>` when it is required or computed and `Output<T | undefined>` when it is
 *     optional and never computed, so "computed and unset" = not optional and absent.
 *   - azure-native: `PreviewOutputs` maps the inputs onto the response shape and marks EVERY
 *     response property the inputs do not give as unknown, recursively; input-only properties
 *     (resourceGroupName, vmName, ...) are not outputs at all
 *     (pulumi/pulumi-azure-native provider/pkg/convert/previewOutputs.go).
 *   - kubernetes: the inputs as given, whenever the cluster cannot be asked for a server-side
 *     dry run: an unknown provider (the cluster is created in the same update), computed inputs,
 *     Patch resources, unknown kinds (CRDs), client-side apply
 *     (pulumi/pulumi-kubernetes provider/pkg/provider/provider.go `Create`, `skipPreview`). On
 *     a first preview that is every object.
 *   - providers (`pulumi:providers:*`): their inputs. Components: what they register as outputs
 *     (the offline graph keeps only the stack's; rules do not read components).
 *
 * The output shapes come from the provider SDKs' own declaration files (`<module>/<file>.d.ts`
 * and `types/output.d.ts`), parsed with the TypeScript compiler API, so they follow the pinned
 * provider versions instead of a hand-kept list.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import type { CapturedResource } from "./graph";

/** What stack policies see. "inputs" is the old offline approximation; the others are the engine's. */
export type StackView = "inputs" | "create" | "update";

export const STACK_VIEWS: readonly StackView[] = ["inputs", "create", "update"];

/** The engine's wire sentinel for an unknown value (@pulumi/pulumi runtime/rpc `unknownValue`). */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** How a provider family turns a create into preview outputs. */
type PreviewModel = "terraform" | "azure-native" | "inputs";

const PACKAGES: Readonly<Record<string, { readonly module: string; readonly model: PreviewModel }>> = {
    aws: { module: "@pulumi/aws", model: "terraform" },
    gcp: { module: "@pulumi/gcp", model: "terraform" },
    random: { module: "@pulumi/random", model: "terraform" },
    tls: { module: "@pulumi/tls", model: "terraform" },
    // The propagation waits (components/azure/propagation.ts): a bridged Terraform provider.
    time: { module: "@pulumiverse/time", model: "terraform" },
    "azure-native": { module: "@pulumi/azure-native", model: "azure-native" },
    kubernetes: { module: "@pulumi/kubernetes", model: "inputs" },
};

/** Kubernetes API groups as the SDK's folders name them. */
const K8S_GROUP_DIRS: Readonly<Record<string, string>> = {
    "networking.k8s.io": "networking",
    "rbac.authorization.k8s.io": "rbac",
    "storage.k8s.io": "storage",
    "helm.sh": "helm",
    "policy": "policy",
    "batch": "batch",
    "apps": "apps",
    "core": "core",
};

/** One output property as the SDK declares it. */
interface OutputProp {
    /** `Output<T>` (required or provider-computed) rather than `Output<T | undefined>`. */
    readonly always: boolean;
    /** The object type of the value (or of its elements), e.g. `ec2.InstanceRootBlockDevice`. */
    readonly objectType?: string;
}

type Shape = ReadonlyMap<string, OutputProp>;

interface PackageTypes {
    readonly dir: string;
    /** Lazily parsed `types/output.d.ts`: qualified interface name -> shape. */
    outputTypes?: Map<string, Shape>;
}

const packageTypes = new Map<string, PackageTypes>();
const classShapes = new Map<string, Shape | null>();

function packageOf(token: string): { pkg: string; types: PackageTypes; model: PreviewModel } | undefined {
    const pkg = token.split(":")[0] ?? "";
    const known = PACKAGES[pkg];
    if (!known) {
        return undefined;
    }
    let types = packageTypes.get(pkg);
    if (!types) {
        types = { dir: path.dirname(require.resolve(`${known.module}/package.json`)) };
        packageTypes.set(pkg, types);
    }
    return { pkg, types, model: known.model };
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** Candidate SDK files (without extension) for a type token. */
function candidateFiles(pkg: string, dir: string, token: string): string[] {
    const [, mod = "", cls = ""] = token.split(":");
    if (pkg === "azure-native") {
        return [path.join(dir, mod, lowerFirst(cls))];
    }
    if (pkg === "kubernetes") {
        const [group = "", version = ""] = mod.split("/");
        const groupDir = K8S_GROUP_DIRS[group] ?? group.split(".")[0] ?? group;
        return [path.join(dir, groupDir, version, lowerFirst(cls))];
    }
    // Terraform-bridged: `<pkg>:<module>/<file>:<Class>`, module `index` at the package root.
    const [module = "", file = ""] = mod.split("/");
    const base = module === "index" ? dir : path.join(dir, module);
    return [path.join(base, file), path.join(base, file.toLowerCase()), path.join(base, lowerFirst(cls))];
}

/** The SDK file declaring the class of `token` (its .js carries `__pulumiType = '<token>'`). */
function classFile(pkg: string, dir: string, token: string): string | undefined {
    const marker = `__pulumiType = '${token}'`;
    for (const base of candidateFiles(pkg, dir, token)) {
        if (fs.existsSync(`${base}.js`) && fs.readFileSync(`${base}.js`, "utf8").includes(marker) && fs.existsSync(`${base}.d.ts`)) {
            return `${base}.d.ts`;
        }
    }
    // File names the heuristic misses (odd casing): scan the module folder once.
    const folder = path.dirname(candidateFiles(pkg, dir, token)[0] ?? dir);
    if (fs.existsSync(folder)) {
        for (const f of fs.readdirSync(folder)) {
            if (f.endsWith(".js") && fs.readFileSync(path.join(folder, f), "utf8").includes(marker)) {
                const dts = path.join(folder, f.replace(/\.js$/, ".d.ts"));
                return fs.existsSync(dts) ? dts : undefined;
            }
        }
    }
    return undefined;
}

/** `pulumi.Output<T>` -> T. */
function outputArg(type: ts.TypeNode | undefined): ts.TypeNode | undefined {
    if (type && ts.isTypeReferenceNode(type) && type.typeName.getText().endsWith("Output") && type.typeArguments?.length === 1) {
        return type.typeArguments[0];
    }
    return undefined;
}

/** A property's shape from its declared type (T of `Output<T>` for classes, the member type for interfaces). */
function propOf(type: ts.TypeNode | undefined, optionalMember: boolean): OutputProp {
    let members: readonly ts.TypeNode[] = type ? [type] : [];
    if (type && ts.isUnionTypeNode(type)) {
        members = type.types;
    }
    const hasUndefined = members.some((m) => m.kind === ts.SyntaxKind.UndefinedKeyword);
    const rest = members.filter((m) => m.kind !== ts.SyntaxKind.UndefinedKeyword);
    let objectType: string | undefined;
    if (rest.length === 1) {
        let t = rest[0] as ts.TypeNode;
        if (ts.isArrayTypeNode(t)) {
            t = t.elementType;
        }
        if (ts.isTypeReferenceNode(t) && ts.isQualifiedName(t.typeName)) {
            const name = t.typeName.getText();
            if (name.startsWith("outputs.")) {
                objectType = name.slice("outputs.".length);
            }
        }
    }
    return { always: !hasUndefined && !optionalMember, ...(objectType ? { objectType } : {}) };
}

function memberName(m: ts.ClassElement | ts.TypeElement): string | undefined {
    return m.name && (ts.isIdentifier(m.name) || ts.isStringLiteral(m.name)) ? m.name.text : undefined;
}

/** The output properties of the resource class of `token`, or null when no SDK class declares it. */
function classShape(token: string): Shape | null {
    const cached = classShapes.get(token);
    if (cached !== undefined) {
        return cached;
    }
    let shape: Shape | null = null;
    const found = packageOf(token);
    const file = found ? classFile(found.pkg, found.types.dir, token) : undefined;
    if (file) {
        const sf = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
        const cls = sf.statements.find((s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && s.heritageClauses !== undefined);
        if (cls) {
            const props = new Map<string, OutputProp>();
            for (const m of cls.members) {
                const name = memberName(m);
                const isStatic = ts.canHaveModifiers(m) && ts.getModifiers(m)?.some((x) => x.kind === ts.SyntaxKind.StaticKeyword);
                if (!name || isStatic || !ts.isPropertyDeclaration(m)) {
                    continue;
                }
                const inner = outputArg(m.type);
                if (inner) {
                    props.set(name, propOf(inner, m.questionToken !== undefined));
                }
            }
            shape = props;
        }
    }
    classShapes.set(token, shape);
    return shape;
}

/** Every interface of a package's `types/output.d.ts`, by namespace-qualified name. */
function outputTypesOf(types: PackageTypes): Map<string, Shape> {
    if (types.outputTypes) {
        return types.outputTypes;
    }
    const out = new Map<string, Shape>();
    const file = path.join(types.dir, "types", "output.d.ts");
    if (fs.existsSync(file)) {
        const sf = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
        const visit = (statements: readonly ts.Statement[], prefix: string) => {
            for (const s of statements) {
                if (ts.isModuleDeclaration(s) && s.body) {
                    const name = s.name.getText();
                    let body: ts.ModuleBody | undefined = s.body;
                    let qualified = prefix ? `${prefix}.${name}` : name;
                    // `namespace a.b { }` nests ModuleDeclarations.
                    while (body && ts.isModuleDeclaration(body)) {
                        qualified = `${qualified}.${body.name.getText()}`;
                        body = body.body;
                    }
                    if (body && ts.isModuleBlock(body)) {
                        visit(body.statements, qualified);
                    }
                } else if (ts.isInterfaceDeclaration(s)) {
                    const props = new Map<string, OutputProp>();
                    for (const m of s.members) {
                        const name = memberName(m);
                        if (name && ts.isPropertySignature(m)) {
                            props.set(name, propOf(m.type, m.questionToken !== undefined));
                        }
                    }
                    out.set(prefix ? `${prefix}.${s.name.text}` : s.name.text, props);
                }
            }
        };
        visit(sf.statements, "");
    }
    types.outputTypes = out;
    return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Terraform planned state: inputs, with computed attributes the program left unset unknown. */
function terraformPlanned(value: Record<string, unknown>, shape: Shape, types: PackageTypes): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
        out[k] = v;
    }
    for (const [name, prop] of shape) {
        const v = value[name];
        if (v === undefined || v === null) {
            if (prop.always) {
                out[name] = UNKNOWN_VALUE;
            }
            continue;
        }
        const nested = prop.objectType ? outputTypesOf(types).get(prop.objectType) : undefined;
        if (nested) {
            out[name] = Array.isArray(v)
                ? v.map((e) => (isPlainObject(e) ? terraformPlanned(e, nested, types) : e))
                : isPlainObject(v)
                  ? terraformPlanned(v, nested, types)
                  : v;
        }
    }
    return out;
}

/** azure-native PreviewOutputs: the response shape, inputs where given, unknown everywhere else. */
function azurePreview(value: Record<string, unknown>, shape: Shape, types: PackageTypes): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, prop] of shape) {
        const v = value[name];
        if (v === undefined || v === null) {
            out[name] = UNKNOWN_VALUE;
            continue;
        }
        const nested = prop.objectType ? outputTypesOf(types).get(prop.objectType) : undefined;
        out[name] = !nested
            ? v
            : Array.isArray(v)
              ? v.map((e) => (isPlainObject(e) ? azurePreview(e, nested, types) : e))
              : isPlainObject(v)
                ? azurePreview(v, nested, types)
                : v;
    }
    return out;
}

/** The declared output properties of a resource, or undefined when its type has no SDK class here. */
export function outputShapeOf(type: string): ReadonlyMap<string, { readonly always: boolean }> | undefined {
    return classShape(type) ?? undefined;
}

/**
 * The properties the engine sends stack policies for `r` under `view`. Unknown values are the
 * engine's sentinel, as they arrive over the wire.
 */
export function stackPropsOf(r: CapturedResource, view: StackView): Record<string, unknown> {
    if (view === "inputs" || r.type.startsWith("pulumi:providers:")) {
        return { ...r.inputs };
    }
    if (!r.custom) {
        return r.type === "pulumi:pulumi:Stack" ? {} : { ...r.state };
    }
    const found = packageOf(r.type);
    const shape = classShape(r.type);
    switch (view) {
        case "update": {
            const { id: _id, ...state } = r.state as Record<string, unknown>;
            void _id;
            // azure-native state holds only response properties; the other providers echo inputs.
            if (found?.model === "azure-native" && shape) {
                return Object.fromEntries(Object.entries(state).filter(([k]) => shape.has(k)));
            }
            return state;
        }
        case "create": {
            if (!found || !shape || found.model === "inputs") {
                return { ...r.inputs };
            }
            return found.model === "azure-native" ? azurePreview(r.inputs, shape, found.types) : terraformPlanned(r.inputs, shape, found.types);
        }
        default: {
            const impossible: never = view;
            throw new Error(`unknown stack view ${String(impossible)}`);
        }
    }
}
