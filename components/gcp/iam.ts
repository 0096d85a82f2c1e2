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
/**
 * Secret Manager Secret Accessor: read one secret's payload, granted on that secret only
 * (https://cloud.google.com/iam/docs/roles-permissions/secretmanager#secretmanager.secretAccessor).
 */
export const SECRET_ACCESSOR_ROLE = "roles/secretmanager.secretAccessor";
/**
 * Storage Object Creator: create objects, never read, overwrite or delete them, granted on one
 * bucket (https://cloud.google.com/iam/docs/roles-permissions/storage#storage.objectCreator).
 */
export const OBJECT_CREATOR_ROLE = "roles/storage.objectCreator";
/**
 * Pub/Sub Publisher: publish to one topic (https://cloud.google.com/iam/docs/roles-permissions/pubsub#pubsub.publisher);
 * GKE's service agent publishes the cluster notifications with it
 * (https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-notifications#pubsub).
 */
export const PUBSUB_PUBLISHER_ROLE = "roles/pubsub.publisher";

/**
 * Kubernetes Engine Cluster Viewer: `container.clusters.get` and `.list`, the minimum GKE documents
 * for a principal to reach a cluster's API with kubectl (endpoint and CA from `clusters.get`);
 * every right INSIDE the cluster comes from Kubernetes RBAC on the principal's e-mail
 * (https://cloud.google.com/kubernetes-engine/docs/how-to/iam#predefined;
 * https://cloud.google.com/iam/docs/roles-permissions/container#container.clusterViewer). It holds
 * no `container.pods.*` or other in-cluster permission, so IAM adds nothing to what RBAC grants.
 * Granted on the project: GKE has no cluster-level IAM policy ("IAM controls access at the project
 * level, RBAC at the cluster and namespace level": https://cloud.google.com/kubernetes-engine/docs/how-to/iam,
 * "Use IAM with Kubernetes RBAC"),
 * so the principal may also read the other clusters' endpoints and CAs of the project, which are
 * not secrets (one environment per project: README, "GCP").
 */
export const CLUSTER_VIEWER_ROLE = "roles/container.clusterViewer";

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

/**
 * The DEFAULT OS Login POSIX name of an identity (cloud.google.com/compute/docs/oslogin/manage-oslogin-in-an-org#modify-users):
 * users of the organisation: the e-mail with every character other than a-z and 0-9 as `_`;
 * service accounts: `sa_<uniqueId>`. It is only a default: users outside the organisation get an
 * `ext_` prefix and an organisation may set custom names through the Directory API, neither of
 * which the program can see. The stack's `bastion.osLoginUser` then gives the real one (read it
 * with `gcloud compute os-login describe-profile --format='value(posixAccounts[0].username)'`).
 */
export function osLoginUser(email: string, serviceAccountUniqueId?: string): string {
    if (email.endsWith(".gserviceaccount.com")) {
        if (!serviceAccountUniqueId) {
            throw new Error(`osLoginUser: ${email} is a service account; its OS Login user is sa_<uniqueId>, so the unique id is required`);
        }
        return `sa_${serviceAccountUniqueId}`;
    }
    return email.toLowerCase().replace(/[^a-z0-9]/g, "_");
}

/**
 * The e-mail of the identity running `pulumi up`, from the OAuth userinfo endpoint
 * (gcp.organizations.getClientOpenIdUserInfo; no project API involved). A federated principal
 * used directly (workload identity federation without service account impersonation) has no
 * e-mail there, and OS Login, which keys SSH access to a Google account or service account,
 * cannot serve it: fail with what to change instead of registering a key to nobody.
 */
export function deployerEmail(email: string | undefined): string {
    if (!email || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
        throw new Error(
            "The credentials running `pulumi up` have no e-mail (" + JSON.stringify(email ?? "") + "): a federated principal used without service account impersonation. " +
                "OS Login registers the bastion key to a Google account or a service account, so run as one: in CI, let workload identity federation impersonate a " +
                "deployer service account (google-github-actions/auth `service_account:`, or `gcloud auth application-default login --impersonate-service-account=<sa>`); " +
                "locally, `gcloud auth application-default login`.",
        );
    }
    return email;
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
    // The account id is a fixed name: a replacement deletes the old account first (409 otherwise),
    // and the grants naming it are replaced with it (they would otherwise point at the deleted one).
    const account = new gcp.serviceaccount.Account(
        `${name}-sa`,
        { accountId: serviceAccountId(args.prefix, args.tier), displayName: args.displayName, description: `${args.prefix}: ${args.tier} (least privilege; managed by Pulumi)` },
        { ...opts, deleteBeforeReplace: true },
    );
    const member = pulumi.interpolate`serviceAccount:${account.email}`;
    const grants = args.roles.map(
        (role) => new gcp.projects.IAMMember(`${name}-${role.replace(/^roles\//, "").replace(/\./g, "-").toLowerCase()}`, { project: args.project, role, member }, { parent: opts.parent }),
    );
    return { account, email: account.email, member, grants };
}
