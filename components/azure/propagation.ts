/**
 * Grants used before they take effect: Azure documents minutes between creating a role
 * assignment and its enforcement, so every consumer of a grant waits for it explicitly. A
 * grant set is followed by a `time.Sleep` (the maintained @pulumiverse/time provider) of the
 * longest documented delay among its roles, and the consumer depends on that sleep. The sleep
 * runs once, when the grants are created (or replaced: its triggers name them); later `up`s do
 * not wait again.
 *
 * The delays, from Microsoft's pages (the catalogue keeps its own table of the same pages,
 * offline/constraints/tables/azure-rbac-propagation.ts, and a test compares them by plane):
 * - ARM (control-plane roles: Network Contributor, Reader, AKS Cluster User): "it can take up to
 *   10 minutes for changes to take effect"
 *   (learn.microsoft.com/azure/role-based-access-control/troubleshooting#symptom---role-assignment-changes-are-not-being-detected);
 * - Key Vault data plane: "up to 10 minutes (600 seconds) after role assignments is changed for
 *   role to be applied" (learn.microsoft.com/azure/key-vault/general/rbac-guide#known-limits-and-performance);
 * - Storage data plane: "up to 10 minutes" (learn.microsoft.com/azure/storage/blobs/assign-azure-role-data-access);
 * - AKS Azure RBAC for Kubernetes: "New role assignments can take up to five minutes to
 *   propagate" (learn.microsoft.com/azure/aks/manage-azure-rbac#before-you-begin).
 */
import type * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";
import * as time from "@pulumiverse/time";
import { AzureContext, BuiltInRole, roleAssignment } from "./common";

export type RbacPlane = "arm" | "keyVaultData" | "storageData" | "aksKubernetes";

/** Documented upper bound of each plane's propagation, in seconds (sources above). */
export const PROPAGATION_SECONDS: Readonly<Record<RbacPlane, number>> = { arm: 600, keyVaultData: 600, storageData: 600, aksKubernetes: 300 };

/** Which plane enforces each role the platform assigns. */
export const ROLE_PLANE: Readonly<Record<BuiltInRole, RbacPlane>> = {
    keyVaultCryptoUser: "keyVaultData",
    keyVaultCryptoServiceEncryptionUser: "keyVaultData",
    keyVaultSecretsUser: "keyVaultData",
    keyVaultAdministrator: "keyVaultData",
    storageBlobDataContributor: "storageData",
    networkContributor: "arm",
    reader: "arm",
    aksRbacClusterAdmin: "aksKubernetes",
    // listClusterUserCredential is an ARM action.
    aksClusterUser: "arm",
};

/** A role assignment and the role it grants (so its wait knows its plane). */
export interface Grant {
    readonly assignment: authorization.RoleAssignment;
    readonly role: BuiltInRole;
}

/** The wait a set of grants needs: the longest documented delay among their roles. */
export function propagationSeconds(roles: readonly BuiltInRole[]): number {
    if (roles.length === 0) {
        throw new Error("propagationSeconds: no grants to wait for");
    }
    return Math.max(...roles.map((r) => PROPAGATION_SECONDS[ROLE_PLANE[r]]));
}

/**
 * A sleep after `grants` (created after all of them, re-run when one is replaced): consumers
 * depend on it, so they start only once the documented propagation delay has passed.
 */
export function waitForGrants(name: string, grants: readonly Grant[], opts: pulumi.CustomResourceOptions): time.Sleep {
    const seconds = propagationSeconds(grants.map((g) => g.role));
    return new time.Sleep(
        name,
        {
            createDuration: `${seconds}s`,
            triggers: Object.fromEntries(grants.map((g, i) => [`grant${i}`, g.assignment.id])),
        },
        { ...opts, dependsOn: grants.map((g) => g.assignment) },
    );
}

/** A role assignment (common.ts `roleAssignment`) returned with its role, ready for {@link waitForGrants}. */
export function grant(
    name: string,
    ctx: Pick<AzureContext, "subscriptionId" | "prefix">,
    args: Parameters<typeof roleAssignment>[2],
    opts: pulumi.CustomResourceOptions,
): Grant {
    return { assignment: roleAssignment(name, ctx, args, opts), role: args.role };
}
