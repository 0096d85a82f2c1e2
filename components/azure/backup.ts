/**
 * `platform:azure:Backup`: the Recovery Services vault with a daily enhanced VM policy (trusted
 * launch VMs need the enhanced policy type, V2) kept `retentionDays`, and the storage account
 * Vault uploads its raft snapshots to (public access off, TLS 1.2+, versioning and soft delete
 * for the retention, firewall open to the tools subnet only). Protected items are added per VM
 * (`protectVm`) so coverage is explicit, not a tag match.
 */
import * as recoveryservices from "@pulumi/azure-native/recoveryservices";
import * as storage from "@pulumi/azure-native/storage";
import * as pulumi from "@pulumi/pulumi";
import { resourceName } from "../naming";
import { AzureContext, tagsFor } from "./common";
import { storageAccountName } from "./naming";

/** Daily at 03:00 UTC, outside European and American working hours (the AWS plan's time). */
export const BACKUP_TIME_UTC = "2026-01-01T03:00:00Z";
export const VAULT_SNAPSHOT_CONTAINER = "vault-snapshots";
export const VAULT_SNAPSHOT_PREFIX = "vault-snapshots/";
/** The Jenkins VM's daily JENKINS_HOME archive: its own container (a container-scoped grant keeps Jenkins away from Vault's snapshots). */
export const JENKINS_HOME_CONTAINER = "jenkins-home";
export const JENKINS_HOME_PREFIX = "jenkins-home/";

export interface AzureBackupArgs {
    readonly ctx: AzureContext;
    /** Days recovery points and snapshot versions are kept (dev 7, prod 35; Azure's minimum is 7). */
    readonly retentionDays: number;
    /** The tools subnet: the only network the snapshot account admits (while it keeps public network access). */
    readonly toolsSubnetId: pulumi.Input<string>;
    /** A private endpoint reaches the snapshot account (staging, prod): its public network access is disabled. */
    readonly privateEndpoint: boolean;
    /**
     * Destroyable and re-creatable the same day (config `sameDayRecreate`, dev): backup soft
     * delete off, so deleting the protected items deletes their data and the vault can go with
     * the stack ("you can't delete a vault that has ... backup items in soft deleted state",
     * learn.microsoft.com/azure/backup/backup-azure-delete-vault).
     */
    readonly sameDayRecreate: boolean;
}

/**
 * The vault's soft-delete state (learn.microsoft.com/azure/backup/backup-azure-enhanced-soft-delete-about):
 * prod `AlwaysON` (cannot be turned off again), dev `Disabled` (the stack must go the same day),
 * otherwise `Enabled` (deleted backups recoverable for 14 days; the vault can only be deleted after).
 */
export function softDeleteState(protect: boolean, sameDayRecreate: boolean): "AlwaysON" | "Enabled" | "Disabled" {
    return protect ? "AlwaysON" : sameDayRecreate ? "Disabled" : "Enabled";
}

export class Backup extends pulumi.ComponentResource {
    readonly vaultName: pulumi.Output<string>;
    readonly policyId: pulumi.Output<string>;
    readonly snapshotAccountName: pulumi.Output<string>;
    readonly snapshotAccountId: pulumi.Output<string>;
    readonly snapshotContainerName: pulumi.Output<string>;
    /** The container's ARM id: Vault's write role is scoped to it. */
    readonly snapshotContainerId: pulumi.Output<string>;
    /** The JENKINS_HOME archives' container (same account, same versioning and soft delete). */
    readonly jenkinsHomeContainerName: pulumi.Output<string>;
    readonly jenkinsHomeContainerId: pulumi.Output<string>;
    /** The Recovery Services vault (diagnostic settings name it). */
    readonly vaultId: pulumi.Output<string>;
    /** The snapshot account's blob service (its diagnostic setting names it). */
    readonly snapshotBlobServiceId: pulumi.Output<string>;
    private readonly args: AzureBackupArgs;
    private readonly vault: recoveryservices.Vault;
    private readonly policy: recoveryservices.ProtectionPolicy;

    constructor(name: string, args: AzureBackupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:azure:Backup", name, {}, opts);
        validateBackupArgs(args);
        this.args = args;
        const { ctx } = args;
        const common = { resourceGroupName: ctx.resourceGroupName, location: ctx.location };
        const stateful: pulumi.CustomResourceOptions = { parent: this, protect: ctx.protect };
        const n = (...parts: string[]) => resourceName(ctx.prefix, ...parts);

        this.vault = new recoveryservices.Vault(
            `${name}-vault`,
            {
                ...common,
                vaultName: n("backup"),
                sku: { name: "RS0", tier: "Standard" },
                properties: {
                    publicNetworkAccess: "Disabled",
                    securitySettings: {
                        softDeleteSettings:
                            softDeleteState(ctx.protect, args.sameDayRecreate) === "Disabled"
                                ? { softDeleteState: "Disabled" }
                                : // Deleted backups stay recoverable 14 days; prod cannot switch that off.
                                  { softDeleteState: softDeleteState(ctx.protect, args.sameDayRecreate), softDeleteRetentionPeriodInDays: 14 },
                        // Prod: an immutable vault, locked (irreversible): no operation may delete
                        // recovery points before they expire, not even an administrator's
                        // (learn.microsoft.com/azure/backup/backup-azure-immutable-vault-concept).
                        ...(ctx.protect ? { immutabilitySettings: { state: "Locked" } } : {}),
                    },
                    redundancySettings: { standardTierStorageRedundancy: ctx.protect ? "ZoneRedundant" : "LocallyRedundant", crossRegionRestore: "Disabled" },
                },
                tags: tagsFor(ctx, n("backup")),
            },
            stateful,
        );
        this.policy = new recoveryservices.ProtectionPolicy(
            `${name}-daily`,
            {
                resourceGroupName: ctx.resourceGroupName,
                vaultName: this.vault.name,
                policyName: n("daily"),
                properties: {
                    backupManagementType: "AzureIaasVM",
                    // Enhanced policy: required for trusted launch VMs.
                    policyType: "V2",
                    instantRpRetentionRangeInDays: Math.min(7, args.retentionDays),
                    timeZone: "UTC",
                    schedulePolicy: { schedulePolicyType: "SimpleSchedulePolicyV2", scheduleRunFrequency: "Daily", dailySchedule: { scheduleRunTimes: [BACKUP_TIME_UTC] } },
                    retentionPolicy: {
                        retentionPolicyType: "LongTermRetentionPolicy",
                        dailySchedule: { retentionTimes: [BACKUP_TIME_UTC], retentionDuration: { count: args.retentionDays, durationType: "Days" } },
                    },
                },
                tags: tagsFor(ctx, n("daily")),
            },
            { parent: this },
        );

        const account = new storage.StorageAccount(
            `${name}-snapshots`,
            {
                ...common,
                accountName: storageAccountName(ctx.prefix, "snap", ctx.subscriptionId),
                kind: "StorageV2",
                sku: { name: ctx.protect ? "Standard_ZRS" : "Standard_LRS" },
                accessTier: "Hot",
                allowBlobPublicAccess: false,
                // Entra ID only (Vault's managed identity): no account keys to leak.
                allowSharedKeyAccess: false,
                minimumTlsVersion: "TLS1_2",
                enableHttpsTrafficOnly: true,
                // With a private endpoint (staging, prod) the account takes no public traffic at
                // all; otherwise (dev) only the tools subnet's service endpoint.
                publicNetworkAccess: args.privateEndpoint ? "Disabled" : "Enabled",
                networkRuleSet: args.privateEndpoint
                    ? { defaultAction: "Deny", bypass: "AzureServices" }
                    : { defaultAction: "Deny", bypass: "AzureServices", virtualNetworkRules: [{ virtualNetworkResourceId: args.toolsSubnetId, action: "Allow" }] },
                tags: tagsFor(ctx, n("vault-snapshots")),
            },
            stateful,
        );
        const blobService = new storage.BlobServiceProperties(
            `${name}-snapshots-blob`,
            {
                resourceGroupName: ctx.resourceGroupName,
                accountName: account.name,
                blobServicesName: "default",
                // Overwritten or deleted snapshots stay recoverable for the retention.
                isVersioningEnabled: true,
                deleteRetentionPolicy: { enabled: true, days: args.retentionDays },
                containerDeleteRetentionPolicy: { enabled: true, days: args.retentionDays },
            },
            { parent: this },
        );
        const container = new storage.BlobContainer(
            `${name}-snapshots-container`,
            { resourceGroupName: ctx.resourceGroupName, accountName: account.name, containerName: VAULT_SNAPSHOT_CONTAINER, publicAccess: "None" },
            stateful,
        );
        const jenkinsHome = new storage.BlobContainer(
            `${name}-jenkins-home-container`,
            { resourceGroupName: ctx.resourceGroupName, accountName: account.name, containerName: JENKINS_HOME_CONTAINER, publicAccess: "None" },
            stateful,
        );
        this.vaultName = this.vault.name;
        this.vaultId = this.vault.id;
        this.snapshotBlobServiceId = blobService.id;
        this.policyId = this.policy.id;
        this.snapshotAccountName = account.name;
        this.snapshotAccountId = account.id;
        this.snapshotContainerName = container.name;
        this.snapshotContainerId = container.id;
        this.jenkinsHomeContainerName = jenkinsHome.name;
        this.jenkinsHomeContainerId = jenkinsHome.id;
        this.registerOutputs({ vaultName: this.vaultName, policyId: this.policyId, snapshotAccountName: this.snapshotAccountName });
    }

    /** Puts a VM under the daily policy (a protected item per VM: coverage is explicit). */
    protectVm(name: string, vmName: string, vmId: pulumi.Input<string>): recoveryservices.ProtectedItem {
        const rg = pulumi.output(this.args.ctx.resourceGroupName);
        return new recoveryservices.ProtectedItem(
            `${name}-backup`,
            {
                resourceGroupName: this.args.ctx.resourceGroupName,
                vaultName: this.vault.name,
                fabricName: "Azure",
                // Azure's fixed naming for IaaS VM containers and items.
                containerName: pulumi.interpolate`iaasvmcontainer;iaasvmcontainerv2;${rg};${vmName}`,
                protectedItemName: pulumi.interpolate`vm;iaasvmcontainerv2;${rg};${vmName}`,
                properties: { protectedItemType: "Microsoft.Compute/virtualMachines", policyId: this.policy.id, sourceResourceId: vmId },
                tags: tagsFor(this.args.ctx, `${vmName}-backup`),
            },
            { parent: this, protect: this.args.ctx.protect },
        );
    }
}

export function validateBackupArgs(args: AzureBackupArgs): void {
    if (!Number.isInteger(args.retentionDays) || args.retentionDays < 7 || args.retentionDays > 9999) {
        throw new Error(`platform:azure:Backup: retentionDays ${args.retentionDays} must be an integer from 7 (Azure's daily minimum) to 9999`);
    }
}
