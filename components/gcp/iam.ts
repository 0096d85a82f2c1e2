/**
 * Service accounts: one per tier, created here with exactly the project roles it needs. Never
 * the Compute Engine default service account: it holds roles/editor on the project in most
 * organisations, so any VM or node running as it could change the whole project.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { serviceAccountId } from "./labels";

/**
 * Predefined roles are written as IAM publishes them (cloud.google.com/iam/docs/roles-permissions/<service>);
 * every role this folder grants is checked against offline/constraints/tables/gcp-roles.ts (catalogue
 * entry gcp-iam-role-exists, tests/offline/constraints-components.test.ts): a misspelt role fails
 * only at `pulumi up`.
 */
/** Roles a VM needs to ship its own logs and metrics (Ops Agent), nothing more. */
export const VM_BASE_ROLES = ["roles/logging.logWriter", "roles/monitoring.metricWriter"] as const;

/**
 * The GKE node service account's roles: the least-privilege set Google documents for nodes
 * (cloud.google.com/kubernetes-engine/docs/how-to/hardening-your-cluster#use_least_privilege_sa),
 * plus pulling images from Artifact Registry.
 */
export const GKE_NODE_ROLES = [
    "roles/logging.logWriter",
    "roles/monitoring.metricWriter",
    "roles/monitoring.viewer",
    "roles/stackdriver.resourceMetadata.writer",
    "roles/artifactregistry.reader",
] as const;

/** The OS Login username of an identity (users: the email with every non-alnum as `_`; SAs: `sa_<uniqueId>`). */
export function osLoginUser(email: string, serviceAccountUniqueId?: string): string {
    if (email.endsWith(".gserviceaccount.com")) {
        if (!serviceAccountUniqueId) {
            throw new Error(`osLoginUser: ${email} is a service account; its OS Login user is sa_<uniqueId>, so the unique id is required`);
        }
        return `sa_${serviceAccountUniqueId}`;
    }
    return email.toLowerCase().replace(/[^a-z0-9]/g, "_");
}

/** The IAM member string of an email. */
export function memberOf(email: string): string {
    return email.endsWith(".gserviceaccount.com") ? `serviceAccount:${email}` : `user:${email}`;
}

export interface TierServiceAccount {
    readonly account: gcp.serviceaccount.Account;
    readonly email: pulumi.Output<string>;
    readonly member: pulumi.Output<string>;
    readonly grants: gcp.projects.IAMMember[];
}

/** A dedicated service account with the given project roles (additive members, never bindings). */
export function tierServiceAccount(
    name: string,
    args: { readonly project: string; readonly prefix: string; readonly tier: string; readonly displayName: string; readonly roles: readonly string[] },
    opts: pulumi.CustomResourceOptions,
): TierServiceAccount {
    const account = new gcp.serviceaccount.Account(
        `${name}-sa`,
        { accountId: serviceAccountId(args.prefix, args.tier), displayName: args.displayName, description: `${args.prefix}: ${args.tier} (least privilege; managed by Pulumi)` },
        opts,
    );
    const member = pulumi.interpolate`serviceAccount:${account.email}`;
    const grants = args.roles.map(
        (role) => new gcp.projects.IAMMember(`${name}-${role.replace(/^roles\//, "").replace(/\./g, "-").toLowerCase()}`, { project: args.project, role, member }, { parent: opts.parent }),
    );
    return { account, email: account.email, member, grants };
}
