/**
 * Strict, realistic mocks for Pulumi's mock runtime.
 *
 * - Every resource gets a deterministic id and the outputs its real provider would compute
 *   (ARNs, private and public IPs, endpoints, generated keys), so code that reads them runs as
 *   it would against the cloud.
 * - Every invoke the program makes is answered with realistic data; an invoke nobody taught us
 *   throws (a silent `{}` would make fields `undefined` and let a test pass proving nothing).
 * - Public addresses come from the documentation ranges (RFC 5737), account ids are AWS's
 *   documented example account: nothing here can be mistaken for a real environment.
 */
import * as pulumi from "@pulumi/pulumi";
import { Address4 } from "ip-address";
import { AWS_MOCKS } from "./mocks-aws";
import { AZURE_MOCKS } from "./mocks-azure";
import { GCP_MOCKS } from "./mocks-gcp";
import { CloudError, CloudMocks, mockPem, stableHex, StateContext } from "./mocks-core";

export * from "./mocks-core";

/** An OpenSSH ED25519 public key blob (base64) for a mock key: the type string, then 32 stable bytes. */
function sshEd25519Blob(name: string): string {
    const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
    return Buffer.concat([str(Buffer.from("ssh-ed25519")), str(Buffer.from(stableHex(`ssh-${name}`, 64), "hex"))]).toString("base64");
}

/** Providers every cloud uses: generated keys and passwords. */
const COMMON_MOCKS: CloudMocks = {
    invokes: {},
    states: {
    "tls:index/privateKey:PrivateKey": (a) => ({
        privateKeyPem: mockPem("RSA PRIVATE KEY", a.name),
        privateKeyOpenssh: mockPem("OPENSSH PRIVATE KEY", a.name),
        publicKeyPem: mockPem("PUBLIC KEY", a.name),
        // A well-formed ED25519 public key (RFC 8709 blob: type, then 32 bytes), deterministic per name.
        publicKeyOpenssh: `ssh-ed25519 ${sshEd25519Blob(a.name)} offline-mock\n`,
        publicKeyFingerprintSha256: `SHA256:${stableHex(a.name, 43)}`,
    }),
    // The platform CA and the VMs' certificates (components/bootstrap/pki.ts).
    "tls:index/selfSignedCert:SelfSignedCert": (a) => ({ certPem: mockPem("CERTIFICATE", a.name), validityEndTime: "2036-11-30T00:00:00Z", readyForRenewal: false }),
    "tls:index/certRequest:CertRequest": (a) => ({ certRequestPem: mockPem("CERTIFICATE REQUEST", a.name), keyAlgorithm: "ECDSA" }),
    "tls:index/locallySignedCert:LocallySignedCert": (a) => ({ certPem: mockPem("CERTIFICATE", a.name), validityEndTime: "2027-11-30T00:00:00Z", readyForRenewal: false }),
    // @pulumiverse/time: a Sleep has no outputs beyond its inputs (the engine records them).
    "time:index/sleep:Sleep": () => ({}),
    // A random string's result: the requested length of [a-z0-9] (the platform asks for no upper case and no specials).
    "random:index/randomString:RandomString": (a) => ({ result: stableHex(`random-string-${a.name}`, Number(a.inputs.length ?? 8)) }),
    "random:index/randomPassword:RandomPassword": (a) => ({
        result: `mock-${stableHex(a.name, Math.max(8, Number(a.inputs.length ?? 24) - 5))}`,
        bcryptHash: `$2a$10$${stableHex(`bcrypt-${a.name}`, 53)}`,
    }),
    "random:index/randomId:RandomId": (a) => {
        const hex = stableHex(`random-id-${a.name}`, 2 * Number(a.inputs.byteLength ?? 4));
        const bytes = Buffer.from(hex, "hex");
        return { hex, dec: BigInt(`0x${hex}`).toString(10), b64Std: bytes.toString("base64"), b64Url: bytes.toString("base64url") };
    },
    // @pulumiverse/time: the run's "now" is MOCK_NOW, so every derived time is deterministic.
    "time:index/rotating:Rotating": (a) => {
        const base = new Date(String(a.inputs.rfc3339 ?? MOCK_NOW));
        const next = new Date(base);
        next.setUTCDate(next.getUTCDate() + Number(a.inputs.rotationDays ?? 0));
        next.setUTCHours(next.getUTCHours() + Number(a.inputs.rotationHours ?? 0));
        return { ...timeParts(base), rfc3339: base.toISOString().replace(/\.000Z$/, "Z"), rotationRfc3339: next.toISOString().replace(/\.000Z$/, "Z") };
    },
    },
};

/** The instant offline runs pretend it is (what `time` resources read as "now"). */
export const MOCK_NOW = "2026-12-01T00:00:00Z";

function timeParts(d: Date): Record<string, number> {
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), unix: Math.floor(d.getTime() / 1000) };
}

/** Every cloud's mocks; a cloud joins by adding its file here. */
const CLOUD_MOCKS: readonly CloudMocks[] = [COMMON_MOCKS, AWS_MOCKS, AZURE_MOCKS, GCP_MOCKS];

function cloudMocks(): readonly CloudMocks[] {
    return CLOUD_MOCKS;
}

const DEFAULT_REGION = "eu-west-1";

/**
 * Mocks for one offline run. One instance per run: it keeps the state of what it registered so
 * later resources can refer to earlier ones (an instance's private IP comes from its subnet).
 */
export class OfflineMocks implements pulumi.runtime.Mocks {
    /** Every invoke answered, in order, with the engine's progress when it was called. */
    readonly invokes: { token: string; inputs: Record<string, any>; resourcesBefore?: number }[] = [];
    /** Set by the engine: how many registrations have completed (orders invokes among resources). */
    progress?: () => number;
    /** Errors raised by mocks; the engine fails the run with them instead of hanging. */
    readonly errors: Error[] = [];
    private readonly states = new Map<string, Record<string, any>>();
    /** Every custom resource registered so far, in order, with its state (InvokeContext.registered). */
    private readonly registrations: { readonly type: string; readonly state: Record<string, any> }[] = [];
    private readonly providers = new Map<string, Record<string, unknown>>();
    private readonly cursors = new Map<string, number>();
    private publicCursor = 0;

    constructor(
        private readonly onError: (err: Error) => void = () => undefined,
        /** Stacks a StackReference may read, by fully qualified name (offline/engine.ts). */
        private readonly stackReferences: Readonly<Record<string, { readonly outputs: Readonly<Record<string, unknown>>; readonly secretOutputNames: readonly string[] }>> = {},
    ) {}

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, any> } {
        try {
            return this.compute(args);
        } catch (err) {
            const error = err instanceof Error ? err : new Error(String(err));
            this.errors.push(error);
            this.onError(error);
            throw error;
        }
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
        const fail = (err: unknown): never => {
            if (err instanceof CloudError) {
                // The cloud's answer (not found, ...): the program sees it as the provider's error.
                throw err;
            }
            const error = err instanceof Error ? err : new Error(String(err));
            this.errors.push(error);
            this.onError(error);
            throw error;
        };
        const ctx = { region: this.regionOf(args.provider), provider: this.providerInputs(args.provider), registered: (type: string) => this.registrations.filter((r) => r.type === type).map((r) => r.state) };
        // What the cloud refuses at this point of the run (an API not enabled yet) is refused first.
        try {
            for (const m of cloudMocks()) {
                m.gateInvoke?.(args.token, ctx);
            }
        } catch (err) {
            return fail(err);
        }
        const handler = cloudMocks().find((m) => m.invokes[args.token])?.invokes[args.token];
        if (!handler) {
            return fail(
                new Error(
                    `offline mocks: no answer for invoke "${args.token}". Teach offline/mocks.ts a realistic reply ` +
                        `(the real provider's output shape) instead of letting it resolve to nothing.`,
                ),
            );
        }
        this.invokes.push({ token: args.token, inputs: args.inputs, ...(this.progress ? { resourcesBefore: this.progress() } : {}) });
        try {
            return handler(args.inputs, ctx);
        } catch (err) {
            return fail(err);
        }
    }

    private compute(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, any> } {
        if (!args.custom) {
            // Components (and the stack) have no provider-computed state.
            return { id: undefined, state: {} };
        }
        if (args.type === "pulumi:pulumi:StackReference") {
            return this.stackReference(String(args.inputs.name ?? ""));
        }
        const region = this.regionOf(args.provider);
        if (args.type.startsWith("pulumi:providers:")) {
            const id = stableHex(`provider-${args.name}`, 36);
            this.providers.set(args.name, args.inputs);
            return { id, state: args.inputs };
        }
        const id = this.idFor(args);
        const ctx: StateContext = {
            id,
            region,
            provider: this.providerInputs(args.provider),
            hex: (n) => stableHex(`${args.type}::${args.name}`, n),
            stateById: (ref) => (typeof ref === "string" ? this.states.get(ref) : undefined),
            nextAddress: (cidr) => this.nextAddress(cidr),
            nextPublicAddress: () => this.nextPublicAddress(),
        };
        const handler = cloudMocks().find((m) => m.states[args.type])?.states[args.type];
        const computed = handler ? handler(args, ctx) : {};
        const state = { ...args.inputs, ...computed, id };
        this.states.set(id, state);
        this.registrations.push({ type: args.type, state });
        return { id, state };
    }

    /** A StackReference reads what the referenced stack exported; a stack nobody ran fails loudly. */
    private stackReference(name: string): { id: string; state: Record<string, any> } {
        const answer = this.stackReferences[name];
        if (!answer) {
            const known = Object.keys(this.stackReferences);
            throw new Error(`offline mocks: StackReference to "${name}", but no such stack was planned (known: ${known.join(", ") || "none"}). Plan the platform layer first (offline/engine.ts runLayers).`);
        }
        return { id: name, state: { name, outputs: { ...answer.outputs }, secretOutputNames: [...answer.secretOutputNames] } };
    }

    private idFor(args: pulumi.runtime.MockResourceArgs): string {
        for (const m of cloudMocks()) {
            // Ids often embed the provider's project / subscription and region (GCP, Azure paths).
            const id = m.idFor?.(args, { region: this.regionOf(args.provider), provider: this.providerInputs(args.provider), registered: () => [] });
            if (id) {
                return id;
            }
        }
        return `${args.name}-${stableHex(`${args.type}::${args.name}`, 8)}`;
    }

    private providerInputs(providerRef: string | undefined): Record<string, unknown> {
        // `urn:pulumi:<stack>::<project>::pulumi:providers:<pkg>::<name>::<id>`
        const name = providerRef?.split("::")[3];
        return (name && this.providers.get(name)) || {};
    }

    private regionOf(providerRef: string | undefined): string {
        const inputs = this.providerInputs(providerRef);
        const region = inputs.region ?? inputs.location;
        if (typeof region === "string") {
            return region;
        }
        const pkg = providerRef?.split("::")[2]?.split(":").pop();
        return cloudMocks().find((m) => pkg && Object.keys(m.invokes).concat(Object.keys(m.states)).some((k) => k.startsWith(`${pkg}:`)))?.defaultRegion ?? DEFAULT_REGION;
    }

    private nextAddress(cidr: string): string {
        const block = new Address4(cidr);
        // AWS reserves the first four addresses of every subnet (network, router, DNS, future).
        const offset = (this.cursors.get(cidr) ?? 4) + 1;
        this.cursors.set(cidr, offset);
        return Address4.fromBigInt(block.startAddress().bigInt() + BigInt(offset)).address;
    }

    private nextPublicAddress(): string {
        // 203.0.113.0/24 (TEST-NET-3, RFC 5737): documentation-only, never routable.
        this.publicCursor += 1;
        return `198.51.100.${100 + this.publicCursor}`;
    }
}
