/**
 * The Output-level entry point cloud components use for user data.
 */
import * as pulumi from "@pulumi/pulumi";
import { compressUserData, renderBootstrapDocument } from "./render";
import { BootstrapParams, BootstrapRole } from "./types";

/** `T` with every field (recursively) allowed to be a `pulumi.Input`. */
export type DeepInput<T> = T extends string | number | boolean | undefined
    ? pulumi.Input<T>
    : T extends object
      ? pulumi.Input<{ readonly [K in keyof T]: DeepInput<T[K]> }>
      : pulumi.Input<T>;

/**
 * Renders a role's `#cloud-config` user data from params that may contain Outputs (a KMS key
 * id, a bucket name, a volume id, the manager's private IP ...).
 *
 * Validation runs once every input is known; an invalid value fails the deployment with a
 * message naming the field (under preview, unknown inputs leave the result unknown).
 */
export function renderBootstrap<R extends BootstrapRole>(role: R, params: DeepInput<BootstrapParams<R>>): pulumi.Output<string> {
    // pulumi.output deep-unwraps nested Inputs; the cast restates that for the compiler.
    const resolved = pulumi.output(params as pulumi.Input<object>) as unknown as pulumi.Output<BootstrapParams<R>>;
    return resolved.apply((p) => renderBootstrapDocument(role, p));
}

/** Like renderBootstrap, gzip-compressed and base64-encoded: EC2's `userDataBase64` (16 KB limit). */
export function renderBootstrapGzipBase64<R extends BootstrapRole>(role: R, params: DeepInput<BootstrapParams<R>>): pulumi.Output<string> {
    return renderBootstrap(role, params).apply(compressUserData);
}
