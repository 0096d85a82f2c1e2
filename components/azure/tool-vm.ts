/**
 * `platform:azure:ToolVm`: one tool VM (Jenkins, Vault or Wazuh). Tools subnet, fixed private
 * address, NO public IP, trusted launch, encryption at host, a separate managed data disk
 * (customer key in prod), a user-assigned identity with exactly what its role needs (every VM:
 * read the Wazuh enrollment secret; Vault: crypto on its own unseal key and blob write on its
 * snapshot container), granted and propagated BEFORE the VM boots (vm.ts), the bootstrap
 * module's cloud-config as custom data (naming that identity's client id).
 */
import type { AgentPlacement } from "../bootstrap";
import * as compute from "@pulumi/azure-native/compute";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as pulumi from "@pulumi/pulumi";
import { InternalCa, renderBootstrap, ServiceCertificate } from "../bootstrap";
import type { CloudIdentity, FirewallIdentity, ToolVmOutputs, ToolVmRole } from "../contracts";
import { resourceName } from "../naming";
import { AzureContext, tagsFor } from "./common";
import { azureHostAddress } from "./naming";
import { grant, Grant } from "./propagation";
import { bootGrantsReady, DATA_DISK_LUN, linuxVm, vmIdentity } from "./vm";
import { JENKINS_HOME_PREFIX, VAULT_SNAPSHOT_PREFIX } from "./backup";

/** Data disk size per role (GiB): JENKINS_HOME, Vault raft, Wazuh indexer. */
export const DATA_DISK_GB: Readonly<Record<ToolVmRole, number>> = { jenkins: 128, vault: 32, wazuh: 256 };
/** Host offset of each role's fixed address in the (regional) tools subnet. */
export const HOST_OFFSET: Readonly<Record<ToolVmRole, number>> = { jenkins: 10, vault: 11, wazuh: 12 };
/** Zone index per role (modulo the zone count): the three VMs spread over the zones. */
export const ZONE_INDEX: Readonly<Record<ToolVmRole, number>> = { jenkins: 0, vault: 1, wazuh: 2 };

/** Where a role's VM goes: its zone and its fixed address in the tools subnet. */
export function azurePlacement(role: ToolVmRole, toolsCidr: string, zones: readonly string[]): { zone: string; privateIp: string } {
    return { zone: zones[ZONE_INDEX[role] % zones.length], privateIp: azureHostAddress(toolsCidr, HOST_OFFSET[role]) };
}

export type AzureToolVmRoleArgs =
    | {
          readonly role: "jenkins";
          readonly wazuhManagerAddress: pulumi.Input<string>;
          /** The daily JENKINS_HOME archive's container (the snapshot account). */
          readonly homeBackups: { readonly accountName: pulumi.Input<string>; readonly containerName: pulumi.Input<string>; readonly containerId: pulumi.Input<string> };
          /**
           * The AKS cluster the controller starts build agents in, by NAMES only (the VM looks up
           * server and CA with its own identity: it never waits for, nor is replaced with, the
           * cluster). The identity's client id is added here.
           */
          readonly cluster: { readonly subscriptionId: string; readonly resourceGroup: string; readonly clusterName: string } & AgentPlacement;
      }
    | {
          readonly role: "vault";
          readonly wazuhManagerAddress: pulumi.Input<string>;
          readonly unseal: { readonly vaultName: pulumi.Input<string>; readonly keyName: pulumi.Input<string>; readonly keyId: pulumi.Input<string> };
          readonly snapshots: { readonly accountName: pulumi.Input<string>; readonly containerName: pulumi.Input<string>; readonly containerId: pulumi.Input<string> };
      }
    | { readonly role: "wazuh" };

export type AzureToolVmArgs = AzureToolVmRoleArgs & {
    readonly ctx: AzureContext;
    readonly subnetId: pulumi.Input<string>;
    readonly zone: string;
    readonly privateIp: string;
    readonly size: string;
    readonly asgId: pulumi.Input<string>;
    readonly sshPublicKey: pulumi.Input<string>;
    /** The Wazuh enrollment password: the Key Vault holding it and the secret (name and id). */
    readonly enrollment: { readonly vaultName: pulumi.Input<string>; readonly secretName: pulumi.Input<string>; readonly secretId: pulumi.Input<string> };
    /** The platform CA, and what this VM's TLS secret needs in the Key Vault (its name, the deployer's data-plane access). */
    readonly tls: { readonly ca: InternalCa; readonly vaultName: pulumi.Input<string>; readonly ready: pulumi.Resource };
    readonly diskEncryptionSetId?: pulumi.Input<string>;
    readonly dataDiskSizeGb?: number;
    readonly dependsOn?: pulumi.Resource[];
};

export class ToolVm extends pulumi.ComponentResource implements ToolVmOutputs {
    readonly role: ToolVmRole;
    readonly hostname: string;
    readonly privateIp: pulumi.Output<string>;
    readonly identity: CloudIdentity;
    readonly firewallIdentity: FirewallIdentity;
    readonly dataDiskId: pulumi.Output<string>;
    readonly instanceId: pulumi.Output<string>;
    readonly principalId: pulumi.Output<string>;
    readonly asgId: pulumi.Output<string>;

    constructor(name: string, args: AzureToolVmArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:azure:ToolVm", name, {}, opts);
        validateToolVmArgs(args);
        const { ctx } = args;
        const role = args.role;
        const hostname = resourceName(ctx.prefix, role);
        const disk = new compute.Disk(
            `${name}-data`,
            {
                resourceGroupName: ctx.resourceGroupName,
                location: ctx.location,
                diskName: `${hostname}-data`,
                zones: [args.zone],
                sku: { name: "Premium_LRS" },
                diskSizeGB: args.dataDiskSizeGb ?? DATA_DISK_GB[role],
                creationData: { createOption: "Empty" },
                encryption: args.diskEncryptionSetId
                    ? { type: "EncryptionAtRestWithCustomerKey", diskEncryptionSetId: args.diskEncryptionSetId }
                    : { type: "EncryptionAtRestWithPlatformKey" },
                // Managed disks are never exported through a SAS URL.
                networkAccessPolicy: "DenyAll",
                publicNetworkAccess: "Disabled",
                tags: tagsFor(ctx, `${hostname}-data`, { role }),
            },
            { parent: this, protect: ctx.protect, ...(args.dependsOn ? { dependsOn: args.dependsOn } : {}) },
        );

        // This VM's certificate from the platform CA, in a Key Vault secret only its identity reads.
        const tls = new TlsSecret(`${name}-tls`, { ctx, role, hostname, privateIp: args.privateIp, ...args.tls }, { parent: this });
        // The identity first: its grants (each scoped to the one object it needs) and their
        // propagation come before the VM, whose boot reads the secrets and uses the keys.
        const identity = vmIdentity(name, ctx, hostname, role, this);
        const principal = { principalId: identity.principalId, principalType: "ServicePrincipal" as const };
        const grants: Grant[] = [
            grant(`${name}-read-enrollment-secret`, ctx, { scope: args.enrollment.secretId, role: "keyVaultSecretsUser", ...principal }, { parent: this }),
            grant(`${name}-read-tls-secret`, ctx, { scope: tls.secretId, role: "keyVaultSecretsUser", ...principal }, { parent: this }),
        ];
        if (args.role === "vault") {
            grants.push(
                grant(`${name}-unseal-key`, ctx, { scope: args.unseal.keyId, role: "keyVaultCryptoUser", ...principal }, { parent: this }),
                grant(`${name}-snapshot-write`, ctx, { scope: args.snapshots.containerId, role: "storageBlobDataContributor", ...principal }, { parent: this }),
            );
        }
        if (args.role === "jenkins") {
            // The JENKINS_HOME archive (issue 22): Jenkins' own container, never Vault's snapshots.
            grants.push(grant(`${name}-home-archive-write`, ctx, { scope: args.homeBackups.containerId, role: "storageBlobDataContributor", ...principal }, { parent: this }));
        }
        const ready = bootGrantsReady(name, grants, this);

        const common = {
            cloud: "azure" as const,
            hostname,
            wazuhEnrollmentSecret: { type: "azure-keyvault" as const, vaultName: args.enrollment.vaultName, secretName: args.enrollment.secretName, clientId: identity.clientId },
            tlsSecret: { type: "azure-keyvault" as const, vaultName: args.tls.vaultName, secretName: tls.secretName, clientId: identity.clientId },
            dataDisk: { type: "azure-lun" as const, lun: DATA_DISK_LUN },
        };
        let customData: pulumi.Output<string>;
        switch (args.role) {
            case "jenkins":
                customData = renderBootstrap("jenkins", {
                    ...common,
                    wazuhManagerAddress: args.wazuhManagerAddress,
                    backup: { type: "azureblob", accountName: args.homeBackups.accountName, container: args.homeBackups.containerName, prefix: JENKINS_HOME_PREFIX, clientId: identity.clientId },
                    // listClusterUserCredential (ARM) and the AKS server application's token, both
                    // from IMDS for this identity; its rights: the cluster's Cluster User Role
                    // (cluster.ts) and a Role in jenkins-agents (ClusterHints.jenkinsAgents).
                    kubernetes: { ...args.cluster, type: "aks", clientId: identity.clientId },
                });
                break;
            case "vault":
                customData = renderBootstrap("vault", {
                    ...common,
                    wazuhManagerAddress: args.wazuhManagerAddress,
                    seal: { type: "azurekeyvault", tenantId: ctx.tenantId, vaultName: args.unseal.vaultName, keyName: args.unseal.keyName, clientId: identity.clientId },
                    backup: { type: "azureblob", accountName: args.snapshots.accountName, container: args.snapshots.containerName, prefix: VAULT_SNAPSHOT_PREFIX, clientId: identity.clientId },
                });
                break;
            case "wazuh":
                customData = renderBootstrap("wazuh", common);
                break;
            default: {
                const impossible: never = args;
                throw new Error(`unknown tool VM role ${JSON.stringify(impossible)}`);
            }
        }

        const { vm } = linuxVm(
            name,
            {
                ctx,
                vmName: hostname,
                role,
                size: args.size,
                zone: args.zone,
                subnetId: args.subnetId,
                privateIp: args.privateIp,
                asgIds: [args.asgId],
                sshPublicKey: args.sshPublicKey,
                customData,
                identityId: identity.id,
                dataDiskId: disk.id,
                ...(args.diskEncryptionSetId ? { diskEncryptionSetId: args.diskEncryptionSetId } : {}),
                dependsOn: [...ready, ...(args.dependsOn ?? [])],
            },
            this,
        );
        const principalId = identity.principalId;

        this.role = role;
        this.hostname = hostname;
        this.privateIp = pulumi.output(args.privateIp);
        this.principalId = principalId;
        this.identity = { kind: "azureManagedIdentity", id: principalId };
        this.asgId = pulumi.output(args.asgId);
        this.firewallIdentity = { kind: "azureApplicationSecurityGroup", id: this.asgId };
        this.dataDiskId = disk.id;
        this.instanceId = vm.id;
        this.registerOutputs({ role, hostname, privateIp: this.privateIp, principalId, dataDiskId: this.dataDiskId, instanceId: this.instanceId });
    }
}

export function validateToolVmArgs(args: AzureToolVmArgs): void {
    const size = args.dataDiskSizeGb ?? DATA_DISK_GB[args.role];
    if (!Number.isInteger(size) || size < 4 || size > 32767) {
        throw new Error(`platform:azure:ToolVm (${args.role}): dataDiskSizeGb ${size} must be an integer from 4 to 32767 (managed disk limits)`);
    }
}

/** The Key Vault secret name of a VM's TLS bundle (1-127 letters, digits, hyphens). */
export function tlsSecretName(role: string): string {
    return `tls-${role}`;
}

/**
 * `platform:azure:TlsSecret`: one VM's TLS bundle (certificate, key, platform CA) in the platform
 * Key Vault, issued for its host name and fixed private address. The caller grants the VM's
 * identity "Key Vault Secrets User" on `secretId` (that secret only).
 */
export class TlsSecret extends pulumi.ComponentResource {
    readonly secretName: pulumi.Output<string>;
    readonly secretId: pulumi.Output<string>;

    constructor(
        name: string,
        args: {
            readonly ctx: AzureContext;
            readonly role: string;
            readonly hostname: string;
            readonly privateIp: pulumi.Input<string>;
            readonly ca: InternalCa;
            readonly vaultName: pulumi.Input<string>;
            /** The deployer's data-plane role on the vault: secrets are written through it. */
            readonly ready: pulumi.Resource;
            /** The bastion only: its SSH host key (pki.ts SshHostKey), in the same bundle. */
            readonly sshHostKey?: pulumi.Input<string>;
        },
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super("platform:azure:TlsSecret", name, {}, opts);
        // Azure-provided DNS resolves the VM name inside the VNet; its FQDN suffix is not
        // predictable, so the certificate names the host name and the address.
        const cert = new ServiceCertificate(
            `${name}-cert`,
            { ca: args.ca, hostname: args.hostname, ipAddresses: [args.privateIp], ...(args.sshHostKey ? { sshHostKey: args.sshHostKey } : {}) },
            { parent: this },
        );
        const secret = new keyvault.Secret(
            `${name}-secret`,
            {
                resourceGroupName: args.ctx.resourceGroupName,
                vaultName: args.vaultName,
                secretName: tlsSecretName(args.role),
                properties: { value: cert.bundleJson, contentType: "application/json", attributes: { enabled: true } },
                tags: tagsFor(args.ctx, resourceName(args.ctx.prefix, args.role, "tls")),
            },
            { parent: this, protect: args.ctx.protect, dependsOn: [args.ready] },
        );
        this.secretName = secret.name;
        this.secretId = secret.id;
        this.registerOutputs({ secretId: this.secretId });
    }
}
