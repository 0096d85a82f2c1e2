/**
 * Resource log categories Azure Monitor accepts in a diagnostic setting, per resource type
 * (a category a type does not have is refused: "Category 'x' is not supported"). Independent of
 * components/azure, which picks the categories it sends; the catalogue checks every
 * diagnostic setting's categories against this table by the target's resource type.
 *
 * Source: Azure Monitor's supported resource log categories, one page per resource type
 * (https://learn.microsoft.com/azure/azure-monitor/reference/logs-index, "Supported logs"),
 * linked per row below; the AKS list also in https://learn.microsoft.com/azure/aks/monitor-aks-reference#resource-logs.
 */
const SUPPORTED = "https://learn.microsoft.com/azure/azure-monitor/reference/supported-logs";

export interface DiagnosticCategories {
    /** ARM resource type, as it appears in the target's id (`.../providers/<namespace>/<type>/...`). */
    readonly resourceType: string;
    readonly categories: readonly string[];
    readonly source: string;
}

export const AZURE_DIAGNOSTIC_CATEGORIES: readonly DiagnosticCategories[] = [
    {
        resourceType: "Microsoft.ContainerService/managedClusters",
        categories: [
            "cloud-controller-manager",
            "cluster-autoscaler",
            "csi-azuredisk-controller",
            "csi-azurefile-controller",
            "csi-snapshot-controller",
            "guard",
            "kube-apiserver",
            "kube-audit",
            "kube-audit-admin",
            "kube-controller-manager",
            "kube-scheduler",
        ],
        source: `${SUPPORTED}/microsoft-containerservice-managedclusters-logs`,
    },
    {
        resourceType: "Microsoft.KeyVault/vaults",
        categories: ["AuditEvent", "AzurePolicyEvaluationDetails"],
        source: `${SUPPORTED}/microsoft-keyvault-vaults-logs`,
    },
    {
        resourceType: "Microsoft.Storage/storageAccounts/blobServices",
        categories: ["StorageRead", "StorageWrite", "StorageDelete"],
        source: `${SUPPORTED}/microsoft-storage-storageaccounts-blobservices-logs`,
    },
    {
        resourceType: "Microsoft.RecoveryServices/vaults",
        categories: [
            "AzureBackupReport",
            "CoreAzureBackup",
            "AddonAzureBackupJobs",
            "AddonAzureBackupAlerts",
            "AddonAzureBackupPolicy",
            "AddonAzureBackupStorage",
            "AddonAzureBackupProtectedInstance",
            "AzureSiteRecoveryJobs",
            "AzureSiteRecoveryEvents",
            "AzureSiteRecoveryReplicatedItems",
            "AzureSiteRecoveryReplicationStats",
            "AzureSiteRecoveryRecoveryPoints",
            "AzureSiteRecoveryReplicationDataUploadRate",
            "AzureSiteRecoveryProtectedDiskDataChurn",
        ],
        source: `${SUPPORTED}/microsoft-recoveryservices-vaults-logs`,
    },
];

/**
 * The ARM resource type of a resource id: the namespace and every type segment after the last
 * `/providers/` (`.../Microsoft.Storage/storageAccounts/a/blobServices/default` ->
 * `Microsoft.Storage/storageAccounts/blobServices`).
 */
export function resourceTypeOfId(id: string): string | undefined {
    const i = id.toLowerCase().lastIndexOf("/providers/");
    if (i < 0) {
        return undefined;
    }
    const parts = id.slice(i + "/providers/".length).split("/");
    if (parts.length < 3) {
        return undefined;
    }
    return [parts[0], ...parts.slice(1).filter((_, j) => j % 2 === 0)].join("/");
}

/** The categories of a resource type, matched case-insensitively. */
export function categoriesOf(resourceType: string): DiagnosticCategories | undefined {
    return AZURE_DIAGNOSTIC_CATEGORIES.find((d) => d.resourceType.toLowerCase() === resourceType.toLowerCase());
}
