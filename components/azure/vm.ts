/**
 * The one way this stack builds a Linux VM on Azure (bastion and tool VMs): Ubuntu LTS from
 * Canonical's marketplace listing, trusted launch (secure boot + vTPM), encryption at host (temp
 * disk and disk caches encrypted on the host; the size is checked at the config edge,
 * components/config/azure-vm-sizes.ts), SSH keys only, the bootstrap document as custom data,
 * platform-managed patching, boot diagnostics, and the OS disk encrypted with the stack's disk
 * encryption set when it has one (prod).
 *
 * Identity: a USER-assigned managed identity per VM, created (and granted what the VM reads at
 * boot, with the documented propagation wait) BEFORE the VM: a system-assigned identity exists
 * only once the VM does, so its grants would be created while cloud-init already runs.
 */
import * as compute from "@pulumi/azure-native/compute";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as network from "@pulumi/azure-native/network";
import * as pulumi from "@pulumi/pulumi";
import { compressUserData, USER_DATA_LIMITS } from "../bootstrap";
import { AzureContext, tagsFor } from "./common";
import { Grant, waitForGrants } from "./propagation";

/**
 * Ubuntu 24.04 LTS, Gen2 (trusted launch needs a Gen2 image), from Canonical. `latest` is a
 * deliberate trade-off: Azure resolves it once at creation and never re-images an existing VM
 * when a newer image appears (no surprise replacement), while new VMs start current; the exact
 * version a VM runs is on the VM (`storageProfile.imageReference.exactVersion`).
 */
export const UBUNTU_IMAGE = { publisher: "Canonical", offer: "ubuntu-24_04-lts", sku: "server", version: "latest" } as const;
export const AZURE_SSH_USER = "azureuser";
/** OS disk size (GiB). */
export const OS_DISK_GB = 30;

/**
 * base64 custom data, gzip-compressed (cloud-init decompresses gzip user data whatever the
 * datasource: docs.cloud-init.io, "User-data formats", compressed content), refused with a clear
 * message above Azure's limit. The documents outgrew the raw limit once the VMs carried their
 * operator tools (components/bootstrap/operations.ts).
 */
export function customDataBase64(document: string): string {
    const gz = compressUserData(document);
    const bytes = Buffer.from(gz, "base64").length;
    if (bytes > USER_DATA_LIMITS.azure) {
        throw new Error(`custom data is ${bytes} bytes gzip-compressed, over Azure's ${USER_DATA_LIMITS.azure} (65535 base64 characters)`);
    }
    return gz;
}

export interface LinuxVmArgs {
    readonly ctx: AzureContext;
    /** VM and host name. */
    readonly vmName: string;
    readonly role: string;
    readonly size: string;
    readonly zone: string;
    readonly subnetId: pulumi.Input<string>;
    /** Fixed private address inside the subnet (the Wazuh manager's is baked into agents). */
    readonly privateIp: string;
    /** Application security groups of the NIC (the tier's firewall identity). */
    readonly asgIds: pulumi.Input<string>[];
    /** The bastion's only: its public address. */
    readonly publicIpId?: pulumi.Input<string>;
    readonly sshPublicKey: pulumi.Input<string>;
    /** The bootstrap document (cloud-config), encoded here. */
    readonly customData: pulumi.Input<string>;
    /** The VM's user-assigned identity (vmIdentity): the only identity it carries. */
    readonly identityId: pulumi.Input<string>;
    /** Disk encryption set (customer-managed key) for the OS and data disks; absent: platform keys. */
    readonly diskEncryptionSetId?: pulumi.Input<string>;
    /** A data disk to attach at LUN 0. */
    readonly dataDiskId?: pulumi.Input<string>;
    /** Extra tags on the VM (backup selection, role). */
    readonly extraTags?: Readonly<Record<string, string>>;
    /** Resources the VM must wait for (role assignments on the disk key, ...). */
    readonly dependsOn?: pulumi.Resource[];
}

/** The data disk's LUN (the bootstrap finds /dev/disk/azure/data/by-lun/0). */
export const DATA_DISK_LUN = 0;

export function linuxVm(name: string, args: LinuxVmArgs, parent: pulumi.Resource): { nic: network.NetworkInterface; vm: compute.VirtualMachine } {
    const { ctx } = args;
    const common = { resourceGroupName: ctx.resourceGroupName, location: ctx.location };
    const nic = new network.NetworkInterface(
        `${name}-nic`,
        {
            ...common,
            networkInterfaceName: `${args.vmName}-nic`,
            ipConfigurations: [
                {
                    name: "primary",
                    primary: true,
                    subnet: { id: args.subnetId },
                    privateIPAllocationMethod: "Static",
                    privateIPAddress: args.privateIp,
                    privateIPAddressVersion: "IPv4",
                    applicationSecurityGroups: args.asgIds.map((id) => ({ id })),
                    ...(args.publicIpId ? { publicIPAddress: { id: args.publicIpId } } : {}),
                },
            ],
            enableIPForwarding: false,
            tags: tagsFor(ctx, `${args.vmName}-nic`, { role: args.role }),
        },
        // The fixed private address lives on the NIC (the Wazuh manager's is baked into every
        // agent): protected with the VM.
        { parent, protect: ctx.protect },
    );
    const managedDisk = (storageAccountType: string) => ({ storageAccountType, ...(args.diskEncryptionSetId ? { diskEncryptionSet: { id: args.diskEncryptionSetId } } : {}) });
    const vm = new compute.VirtualMachine(
        `${name}-vm`,
        {
            ...common,
            vmName: args.vmName,
            zones: [args.zone],
            hardwareProfile: { vmSize: args.size },
            osProfile: {
                computerName: args.vmName,
                adminUsername: AZURE_SSH_USER,
                customData: pulumi.output(args.customData).apply(customDataBase64),
                linuxConfiguration: {
                    disablePasswordAuthentication: true,
                    ssh: { publicKeys: [{ path: `/home/${AZURE_SSH_USER}/.ssh/authorized_keys`, keyData: args.sshPublicKey }] },
                    provisionVMAgent: true,
                    // One patch mechanism per VM: the platform's (unattended-upgrades daily, a reboot only in the
                    // stack's maintenance window: components/bootstrap operations.ts). AutomaticByPlatform would
                    // install and reboot "as configured" on Azure's own off-peak schedule
                    // (learn.microsoft.com/azure/virtual-machines/automatic-vm-guest-patching): a single-node
                    // Vault or Wazuh restarting outside the window. Assessment stays on (read-only, Update Manager).
                    patchSettings: { patchMode: "ImageDefault", assessmentMode: "AutomaticByPlatform" },
                },
                allowExtensionOperations: true,
            },
            // Encryption at host: the temp disk and the OS/data disk caches are encrypted on the host too
            // (learn.microsoft.com/azure/virtual-machines/disk-encryption#encryption-at-host---end-to-end-encryption-for-your-vm-data).
            securityProfile: { securityType: "TrustedLaunch", uefiSettings: { secureBootEnabled: true, vTpmEnabled: true }, encryptionAtHost: true },
            storageProfile: {
                imageReference: { ...UBUNTU_IMAGE },
                osDisk: {
                    name: `${args.vmName}-os`,
                    createOption: "FromImage",
                    caching: "ReadWrite",
                    diskSizeGB: OS_DISK_GB,
                    deleteOption: "Delete",
                    managedDisk: managedDisk("Premium_LRS"),
                },
                dataDisks: args.dataDiskId
                    ? [
                          {
                              lun: DATA_DISK_LUN,
                              createOption: "Attach",
                              caching: "None",
                              // The data disk outlives the VM: a rebuilt VM re-attaches it.
                              deleteOption: "Detach",
                              managedDisk: { id: args.dataDiskId },
                          },
                      ]
                    : [],
            },
            networkProfile: { networkInterfaces: [{ id: nic.id, primary: true, deleteOption: "Detach" }] },
            identity: { type: "UserAssigned", userAssignedIdentities: [args.identityId] },
            diagnosticsProfile: { bootDiagnostics: { enabled: true } },
            tags: tagsFor(ctx, args.vmName, { role: args.role, ...(args.extraTags ?? {}) }),
        },
        {
            parent,
            protect: ctx.protect,
            ...(args.dependsOn ? { dependsOn: args.dependsOn } : {}),
            // cloud-init runs once per VM, so a changed bootstrap (a version bump in
            // components/bootstrap/versions.ts) applies by replacing the VM, shown as such in the preview;
            // the data disk survives and its state is adopted. Not ignoreChanges: Pulumi substitutes
            // an ignored property's old value even when the resource is replaced, so `--replace`
            // would rebuild the VM with the old bootstrap. Operators and schedules are not in custom
            // data (they travel in the TLS secret): changing them replaces nothing.
            replaceOnChanges: ["osProfile.customData"],
            // The replacement takes over the name, the NIC (fixed address) and the data disk: the
            // old VM goes first (a NIC and a managed disk attach to one VM at a time).
            deleteBeforeReplace: true,
        },
    );
    return { nic, vm };
}

/** A VM's user-assigned identity: principal (for grants) and client id (what its boot scripts ask IMDS for). */
export interface VmIdentity {
    readonly id: pulumi.Output<string>;
    readonly principalId: pulumi.Output<string>;
    readonly clientId: pulumi.Output<string>;
}

/** The identity a VM will carry, created before the VM so its grants can be. */
export function vmIdentity(name: string, ctx: AzureContext, vmName: string, role: string, parent: pulumi.Resource): VmIdentity {
    const identityName = `${vmName}-identity`;
    const uami = new managedidentity.UserAssignedIdentity(
        `${name}-identity`,
        { resourceGroupName: ctx.resourceGroupName, location: ctx.location, resourceName: identityName, tags: tagsFor(ctx, identityName, { role }) },
        // Protected with its VM (prod): the identity is what holds the VM's rights (Vault's unseal key).
        { parent, protect: ctx.protect },
    );
    return { id: uami.id, principalId: uami.principalId, clientId: uami.clientId };
}

/**
 * The wait a VM's boot needs: its identity's grants (secrets it reads, keys it uses) created and
 * propagated before the VM exists. Returns the resources the VM depends on.
 */
export function bootGrantsReady(name: string, grants: readonly Grant[], parent: pulumi.Resource): pulumi.Resource[] {
    return grants.length === 0 ? [] : [waitForGrants(`${name}-grants-propagation`, grants, { parent })];
}
