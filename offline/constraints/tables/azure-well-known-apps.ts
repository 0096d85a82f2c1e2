/**
 * Microsoft's fixed (first-party) Entra application ids the platform asks tokens for, each with
 * its source. Independent of components/: the components name an id; this table says which
 * application it is, and tests compare every copy in the code against it.
 */
export interface WellKnownApp {
    readonly name: string;
    readonly appId: string;
    readonly source: string;
}

export const AZURE_WELL_KNOWN_APPS = {
    /**
     * "Azure Kubernetes Service AAD Server": the resource every AKS cluster with managed Entra
     * integration accepts tokens for (kubelogin's `--server-id`; an IMDS token for a managed
     * identity names it as `resource`). The same id in Microsoft's Az PowerShell module
     * (Az.Aks, `AksServiceId`).
     */
    aksAadServer: {
        name: "Azure Kubernetes Service AAD Server",
        appId: "6dae42f8-4368-4678-94ff-3960e28e3630",
        source: "https://azure.github.io/kubelogin/concepts/aks.html#azure-kubernetes-service-aad-server",
    },
} as const satisfies Readonly<Record<string, WellKnownApp>>;
