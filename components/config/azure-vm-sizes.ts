/**
 * Azure VM size families the platform may run with encryption at host (every Azure VM and AKS
 * node pool of the platform sets it: temp disks and disk caches encrypted on the host).
 *
 * The rule (https://learn.microsoft.com/azure/virtual-machines/disk-encryption#supported-vm-sizes):
 * "Legacy VM sizes aren't supported"; a size supports it when the Resource SKUs API reports the
 * capability `EncryptionAtHostSupported` = True (`az vm list-skus --size <size> --query
 * "[0].capabilities[?name=='EncryptionAtHostSupported']"`). Microsoft publishes no static list,
 * so this table lists the families the platform ships with, each with the evidence we have; a
 * size outside it is refused at the config edge (with that command as the fix) rather than at
 * `pulumi up`. AKS applies the same rule to node pools
 * (https://learn.microsoft.com/azure/aks/enable-host-encryption#limitations), and sets it only at
 * pool creation. Read by the config edge (components/config) and the constraint catalogue
 * (azure-compute-encryption-at-host-size).
 */
export interface HostEncryptionFamily {
    /** Family name as Microsoft's size pages name it. */
    readonly family: string;
    /** Matches the family's size names (`Standard_D4ds_v5`). */
    readonly pattern: RegExp;
    /** Why we believe the family reports EncryptionAtHostSupported = True. */
    readonly evidence: string;
}

export const HOST_ENCRYPTION_FAMILIES: readonly HostEncryptionFamily[] = [
    {
        family: "Dsv5 / Ddsv5 (general purpose, 5th generation)",
        pattern: /^Standard_D\d+d?s_v5$/,
        evidence: "current-generation family (not in the previous-generation list, https://learn.microsoft.com/azure/virtual-machines/sizes/previous-gen-sizes-list); capability not checked against a live Resource SKUs API here",
    },
    {
        family: "DSv2 (general purpose)",
        pattern: /^Standard_DS\d+_v2$/,
        evidence: "Microsoft's own AKS example enables it on Standard_DS2_v2 (https://learn.microsoft.com/azure/aks/enable-host-encryption#use-host-based-encryption-on-new-clusters)",
    },
    {
        family: "Bs (burstable)",
        pattern: /^Standard_B\d+(s|ms|ls)$/,
        evidence: "not in the previous-generation list; used with encryption at host in public deployments (e.g. github.com/epomatti/az-vm-disk-encryption, Standard_B2ms); capability not checked against a live Resource SKUs API here",
    },
];

/** The family a size belongs to, if the platform knows it supports encryption at host. */
export function hostEncryptionFamily(size: string): HostEncryptionFamily | undefined {
    return HOST_ENCRYPTION_FAMILIES.find((f) => f.pattern.test(size));
}

/** The problem with running `size` with encryption at host, or undefined. */
export function hostEncryptionProblem(size: string): string | undefined {
    if (hostEncryptionFamily(size)) {
        return undefined;
    }
    return (
        `"${size}" is not a size the platform knows to support encryption at host (families: ${HOST_ENCRYPTION_FAMILIES.map((f) => f.family).join("; ")}); ` +
        `pick one of those, or check the size with az vm list-skus --size ${size} --query "[0].capabilities[?name=='EncryptionAtHostSupported']" and add its family to components/config/azure-vm-sizes.ts with that evidence`
    );
}
