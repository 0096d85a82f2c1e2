/**
 * The shapes every cloud's offline mocks share (offline/mocks-<cloud>.ts), and small helpers for
 * realistic, deterministic values.
 */
import * as crypto from "crypto";
import type * as pulumi from "@pulumi/pulumi";

export type InvokeHandler = (inputs: Record<string, any>, ctx: InvokeContext) => Record<string, any>;
export type StateHandler = (args: pulumi.runtime.MockResourceArgs, ctx: StateContext) => Record<string, any>;

export interface InvokeContext {
    /** Region of the provider the invoke went through (its `region` or `location` input). */
    readonly region: string;
    /** Inputs of that provider (project, subscription, ...), empty for the default provider. */
    readonly provider: Readonly<Record<string, unknown>>;
    /**
     * States of the resources of a type whose registration completed before this call, in order
     * (what exists in the cloud at the moment of the call: ordering checks such as "the API is
     * enabled before its functions are called" read it).
     */
    readonly registered: (type: string) => readonly Readonly<Record<string, any>>[];
}

export interface StateContext {
    readonly id: string;
    readonly region: string;
    /** Inputs of the resource's provider (project, subscription, ...). */
    readonly provider: Readonly<Record<string, unknown>>;
    /** Deterministic hex derived from the resource's type and name. */
    hex(length: number): string;
    /** State the mocks computed for a resource registered earlier, by its id. */
    stateById(id: string): Record<string, any> | undefined;
    /** Next free host address inside a CIDR (deterministic, in registration order). */
    nextAddress(cidr: string): string;
    /** Next address from the documentation ranges, for anything public. */
    nextPublicAddress(): string;
}

/**
 * The cloud's own error answer to an invoke (a lookup of something that does not exist): the
 * program receives it as the real provider's failure and may handle it. Any other error a mock
 * throws is a gap in the mocks and fails the run as such.
 */
export class CloudError extends Error {
    readonly cloudError = true;
    /** The runtime reads a failed invoke's message from the gRPC error's `details`, as the engine sends it. */
    readonly details: string;
    constructor(message: string) {
        super(message);
        this.details = message;
    }
}

/** Stable short hex for a key: ids must not change between runs, or a plan diff would lie. */
export function stableHex(key: string, length: number): string {
    return crypto.createHash("sha256").update(key).digest("hex").slice(0, length);
}

/** One cloud's share of the mocks. Each cloud keeps its own file (offline/mocks-<cloud>.ts). */
export interface CloudMocks {
    /** Invoke token -> realistic reply. */
    readonly invokes: Readonly<Record<string, InvokeHandler>>;
    /** Resource type -> provider-computed outputs. */
    readonly states: Readonly<Record<string, StateHandler>>;
    /** The id the cloud would assign, or undefined to fall back to a generic one. */
    readonly idFor?: (args: pulumi.runtime.MockResourceArgs, ctx: InvokeContext) => string | undefined;
    /** Region assumed when a resource's provider names none. */
    readonly defaultRegion?: string;
    /**
     * Refuses an invoke the real cloud would refuse at this point of the run (throws with the
     * cloud's reason), before its answer is computed: e.g. a function of an API that is not
     * enabled yet.
     */
    readonly gateInvoke?: (token: string, ctx: InvokeContext) => void;
}

/** Fake but well-formed key material. Clearly marked so nobody mistakes it for a real key. */
export function mockPem(kind: string, name: string): string {
    const body = Buffer.from(`offline-mock-${kind}-${name}`).toString("base64");
    return `-----BEGIN ${kind}-----\n${body}\n-----END ${kind}-----\n`;
}
