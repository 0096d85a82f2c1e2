/**
 * `platform:azure:Monitoring`: the platform's Log Analytics workspace (kept the environment's
 * log retention) and the diagnostic settings that send resource logs to it: AKS control plane
 * audit (kube-audit, kube-apiserver, guard: who did what through the API and Entra/Azure RBAC,
 * as the AKS baseline asks, learn.microsoft.com/azure/architecture/reference-architectures/containers/aks/baseline-aks),
 * every Key Vault's AuditEvent (every key and secret access), the Recovery Services vault's
 * backup jobs and the Vault snapshot store's blob reads, writes and deletes.
 *
 * Categories per resource type are from Azure Monitor's supported-logs reference
 * (learn.microsoft.com/azure/azure-monitor/reference/logs-index); the catalogue checks each
 * setting's categories against its own table of those pages (azure-monitor-diagnostic-categories).
 * Settings write to resource-specific tables ("Dedicated"), the mode AKS and Azure Backup recommend.
 */
import * as monitor from "@pulumi/azure-native/monitor";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as pulumi from "@pulumi/pulumi";
import { resourceName } from "../naming";
import { AzureContext, tagsFor } from "./common";

/** AKS control-plane logs: the API audit log, the API server, and Entra ID / Azure RBAC decisions (guard). */
export const AKS_CONTROL_PLANE_LOGS = ["kube-audit", "kube-apiserver", "guard"] as const;
/** Key Vault: every authenticated request (who read which secret, used which key). */
export const KEY_VAULT_LOGS = ["AuditEvent"] as const;
/** Blob service: reads, writes and deletes (the Vault snapshots). */
export const BLOB_LOGS = ["StorageRead", "StorageWrite", "StorageDelete"] as const;
/** Recovery Services (Azure Backup, resource-specific tables). */
export const BACKUP_LOGS = ["CoreAzureBackup", "AddonAzureBackupJobs", "AddonAzureBackupPolicy", "AddonAzureBackupStorage", "AddonAzureBackupProtectedInstance"] as const;

/** Log Analytics interactive retention a PerGB2018 workspace takes (learn.microsoft.com/azure/azure-monitor/logs/data-retention-configure). */
export const WORKSPACE_RETENTION_DAYS = { min: 30, max: 730 } as const;

export interface AzureMonitoringArgs {
    readonly ctx: AzureContext;
    /** The environment's log retention (dev 30, staging 90, prod 365). */
    readonly retentionDays: number;
    /**
     * A per-creation generation in the workspace name (config `sameDayRecreate`): a deleted
     * workspace stays soft-deleted for 14 days, and re-creating its name brings the old one back
     * with its data (learn.microsoft.com/azure/azure-monitor/logs/delete-workspace).
     */
    readonly nameGeneration?: pulumi.Input<string>;
}

export class Monitoring extends pulumi.ComponentResource {
    readonly workspaceId: pulumi.Output<string>;
    private readonly ctx: AzureContext;

    constructor(name: string, args: AzureMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:azure:Monitoring", name, {}, opts);
        validateMonitoringArgs(args);
        const { ctx } = args;
        this.ctx = ctx;
        const base = resourceName(ctx.prefix, "logs");
        const workspaceName = args.nameGeneration === undefined ? pulumi.output(base) : pulumi.interpolate`${base}-${args.nameGeneration}`;
        const workspace = new operationalinsights.Workspace(
            `${name}-workspace`,
            {
                resourceGroupName: ctx.resourceGroupName,
                location: ctx.location,
                workspaceName,
                sku: { name: "PerGB2018" },
                retentionInDays: args.retentionDays,
                // Entra ID only (no workspace keys), and access follows the resources' own RBAC.
                features: { disableLocalAuth: true, enableLogAccessUsingOnlyResourcePermissions: true },
                tags: workspaceName.apply((n) => tagsFor(ctx, n)),
            },
            { parent: this, protect: ctx.protect },
        );
        this.workspaceId = workspace.id;
        this.registerOutputs({ workspaceId: this.workspaceId });
    }

    /** A diagnostic setting sending `categories` of `targetId`'s resource logs to the workspace. */
    diagnostics(name: string, targetId: pulumi.Input<string>, categories: readonly string[], opts: pulumi.CustomResourceOptions = {}): monitor.DiagnosticSetting {
        return new monitor.DiagnosticSetting(
            `${name}-diagnostics`,
            {
                name: resourceName(this.ctx.prefix, "to-logs"),
                resourceUri: targetId,
                workspaceId: this.workspaceId,
                logAnalyticsDestinationType: "Dedicated",
                logs: categories.map((category) => ({ category, enabled: true })),
            },
            { parent: this, ...opts },
        );
    }
}

export function validateMonitoringArgs(args: AzureMonitoringArgs): void {
    const d = args.retentionDays;
    if (!Number.isInteger(d) || d < WORKSPACE_RETENTION_DAYS.min || d > WORKSPACE_RETENTION_DAYS.max) {
        throw new Error(`platform:azure:Monitoring: retentionDays ${d} must be an integer from ${WORKSPACE_RETENTION_DAYS.min} to ${WORKSPACE_RETENTION_DAYS.max} (Log Analytics retention)`);
    }
}
