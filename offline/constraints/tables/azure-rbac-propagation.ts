/**
 * How long Microsoft documents a new Azure role assignment may take before it is enforced, per
 * the plane that checks it. A grant's consumer must wait at least this long after the grant
 * (an explicit, bounded wait: a time.Sleep the consumer depends on). Independent of
 * components/azure, which reads its own copies of these delays from the same pages
 * (components/azure/propagation.ts); tests compare both by plane.
 */
import { builtInRoleById } from "./azure-builtin-roles";

export type RbacPlane = "arm" | "keyVaultData" | "storageData" | "aksKubernetes";

export interface RbacPropagation {
    readonly plane: RbacPlane;
    /** The documented upper bound, in seconds. */
    readonly seconds: number;
    readonly source: string;
    /** The sentence the number comes from. */
    readonly quote: string;
}

export const AZURE_RBAC_PROPAGATION: Readonly<Record<RbacPlane, RbacPropagation>> = {
    arm: {
        plane: "arm",
        seconds: 600,
        source: "https://learn.microsoft.com/azure/role-based-access-control/troubleshooting#symptom---role-assignment-changes-are-not-being-detected",
        quote: "When you assign roles or remove role assignments, it can take up to 10 minutes for changes to take effect.",
    },
    keyVaultData: {
        plane: "keyVaultData",
        seconds: 600,
        source: "https://learn.microsoft.com/azure/key-vault/general/rbac-guide#known-limits-and-performance",
        quote: "Role assignments latency: at current expected performance, it will take up to 10 minutes (600 seconds) after role assignments is changed for role to be applied",
    },
    storageData: {
        plane: "storageData",
        seconds: 600,
        source: "https://learn.microsoft.com/azure/storage/blobs/assign-azure-role-data-access",
        quote: "When you assign roles or remove role assignments, it can take up to 10 minutes for changes to take effect.",
    },
    aksKubernetes: {
        plane: "aksKubernetes",
        seconds: 300,
        source: "https://learn.microsoft.com/azure/aks/manage-azure-rbac#before-you-begin",
        quote: "New role assignments can take up to five minutes to propagate and be updated by the authorization server.",
    },
};

/**
 * The plane that enforces a built-in role (by its id): Key Vault data roles, storage data
 * roles and the AKS RBAC roles are enforced by their service's data plane; the rest by ARM.
 * Undefined for an id that is not a built-in role.
 */
export function planeOfRole(roleId: string): RbacPlane | undefined {
    const role = builtInRoleById(roleId);
    if (!role) {
        return undefined;
    }
    if (/^Key Vault (Administrator|Crypto|Secrets|Certificate|Reader)/.test(role.name)) {
        return "keyVaultData";
    }
    if (/^Storage (Blob|Queue|Table|File) Data/.test(role.name)) {
        return "storageData";
    }
    if (/^Azure Kubernetes Service RBAC /.test(role.name)) {
        return "aksKubernetes";
    }
    return "arm";
}

/** A Go-style duration (`600s`, `10m`, `1m30s`, as time.Sleep's createDuration takes) in seconds; undefined if not one. */
export function durationSeconds(value: unknown): number | undefined {
    if (typeof value !== "string" || !/^(\d+h)?(\d+m)?(\d+s)?$/.test(value) || value === "") {
        return undefined;
    }
    const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(value)!;
    return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}
