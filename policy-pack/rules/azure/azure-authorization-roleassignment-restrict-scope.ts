import { resourcePolicy, validateTokens } from "../../lib/policy";
import { isUnknown } from "../../lib/values";

const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";

/**
 * Azure's "privileged administrator roles" (built-in role ids are the same in every tenant;
 * https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/privileged and
 * https://learn.microsoft.com/azure/role-based-access-control/role-assignments-steps#privileged-administrator-roles).
 */
export const PRIVILEGED_ROLES: Readonly<Record<string, string>> = {
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
    "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
    "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": "User Access Administrator",
    "f58310d9-a9f6-439a-9e8d-f62e7b41a168": "Role Based Access Control Administrator",
};

/**
 * The broad end of Azure's scope hierarchy (management group > subscription > resource group >
 * resource; https://learn.microsoft.com/azure/role-based-access-control/scope-overview):
 * "/" (tenant root), a management group, a subscription.
 */
function broadScope(scope: string): string | undefined {
    const s = scope.replace(/\/+$/, "");
    if (s === "") {
        return "the tenant root (/)";
    }
    if (/^\/providers\/Microsoft\.Management\/managementGroups\/[^/]+$/i.test(s)) {
        return `management group ${s.split("/").pop()}`;
    }
    if (/^\/subscriptions\/[^/]+$/i.test(s)) {
        return `subscription ${s.split("/").pop()}`;
    }
    return undefined;
}

/** A resource group scope (`/subscriptions/<id>/resourceGroups/<name>`). */
function isResourceGroup(scope: string): boolean {
    return /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/?$/i.test(scope);
}

/**
 * Role assignments stay at the narrowest scope that works: nothing at subscription,
 * management-group or tenant scope (the platform owns one resource group; wider grants reach
 * everything else in the subscription), and no privileged administrator role (Owner,
 * Contributor, User Access Administrator, RBAC Administrator) even on the resource group.
 */
export const azureAuthorizationRoleassignmentRestrictScope = resourcePolicy({
    name: "azure-authorization-roleassignment-restrict-scope",
    description: "Role assignments never cover a subscription or wider, and never grant a privileged administrator role on a resource group.",
    severity: "critical",
    category: "security",
    topics: ["hardening", "exposure"],
    enforcementLevel: "mandatory",
    remediationSteps: "Assign a narrower built-in role (Key Vault Secrets User, Network Contributor, ...) on the resource that needs it.",
    validateResource: validateTokens([ROLE_ASSIGNMENT], (props, _args, report) => {
        const scope = props.scope;
        const roleId = props.roleDefinitionId;
        if (typeof scope !== "string" || isUnknown(scope)) {
            return;
        }
        const guid = typeof roleId === "string" && !isUnknown(roleId) ? (roleId.split("/").pop() ?? "").toLowerCase() : undefined;
        const role = guid !== undefined ? (PRIVILEGED_ROLES[guid] ?? `role ${guid}`) : "a role";
        const broad = broadScope(scope);
        if (broad) {
            report(`assigns ${role} at the scope of ${broad}, which reaches every resource in it. Assign it on the resource group or the resource that needs it.`);
        } else if (guid !== undefined && PRIVILEGED_ROLES[guid] && isResourceGroup(scope)) {
            report(`assigns the privileged administrator role ${PRIVILEGED_ROLES[guid]} on resource group ${scope.split("/")[4]}. Assign a narrower role on the resource that needs it.`);
        }
    }),
});
