/**
 * `platform:azure:Keys`: the platform's Key Vaults and what lives in them. Both use RBAC
 * authorization (no access policies: every right is a scoped role assignment) and purge protection.
 *
 * - The platform vault: Vault's unseal key, the disk encryption key and set (prod), the Wazuh
 *   enrollment password. Firewall closed except to the platform's private subnets (service
 *   endpoints; private endpoints where the profile enables them) and trusted Azure services.
 * - The AKS KMS vault: only the etcd encryption key. AKS's KMS plugin (public key vault mode,
 *   reached through Konnectivity) does not support a key vault firewall that admits selected
 *   networks (learn.microsoft.com/azure/aks/use-kms-etcd-encryption, limitations), so this vault
 *   keeps public network access and holds nothing but that key; only the cluster identity may use
 *   it. Closing it needs API Server VNet Integration and the private key vault mode.
 */
import * as compute from "@pulumi/azure-native/compute";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { resourceName } from "../naming";
import { AzureContext, roleAssignment, tagsFor } from "./common";
import { keyVaultName } from "./naming";

/** Keys this stack creates: RSA 3072 (AKS KMS and Vault accept RSA; 3072 outlives 2048). */
export const KEY_SIZE = 3072;
export const ENROLLMENT_SECRET_NAME = "wazuh-enrollment-password";

export interface AzureKeysArgs {
    readonly ctx: AzureContext;
    /** Subnets whose service endpoint the vault firewall admits (nodes, tools). */
    readonly allowedSubnetIds: pulumi.Input<string>[];
    /** Days a deleted vault/key stays recoverable (7-90). Prod 90. */
    readonly softDeleteRetentionDays: number;
    /** Create a customer-managed key and a disk encryption set for every managed disk (prod). */
    readonly customerManagedDiskKey: boolean;
}

export class Keys extends pulumi.ComponentResource {
    readonly vaultId: pulumi.Output<string>;
    readonly vaultName: pulumi.Output<string>;
    readonly aksKmsKeyId: pulumi.Output<string>;
    /** Key with version: what AKS's KMS setting takes. */
    readonly aksKmsKeyUriWithVersion: pulumi.Output<string>;
    readonly unsealKeyId: pulumi.Output<string>;
    readonly unsealKeyName: pulumi.Output<string>;
    readonly enrollmentSecretId: pulumi.Output<string>;
    readonly enrollmentSecretName: pulumi.Output<string>;
    readonly diskEncryptionSetId?: pulumi.Output<string>;
    /** Disks wait for these (the set's identity must hold its key role first). */
    readonly diskEncryptionReady: pulumi.Resource[];
    /** Everything that must exist before keys are used through the data plane. */
    readonly deployerAccess: pulumi.Resource;

    constructor(name: string, args: AzureKeysArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:azure:Keys", name, {}, opts);
        validateKeysArgs(args);
        const { ctx } = args;
        const common = { resourceGroupName: ctx.resourceGroupName, location: ctx.location };
        const stateful: pulumi.CustomResourceOptions = { parent: this, protect: ctx.protect };
        const makeVault = (logical: string, vaultName: string, networkAcls: Record<string, unknown>, purpose: string) =>
            new keyvault.Vault(
                `${name}-${logical}`,
                {
                    ...common,
                    vaultName,
                    properties: {
                        tenantId: ctx.tenantId,
                        sku: { family: "A", name: "standard" },
                        enableRbacAuthorization: true,
                        enableSoftDelete: true,
                        softDeleteRetentionInDays: args.softDeleteRetentionDays,
                        // Cannot be turned off once on: a deleted key stays recoverable for the whole
                        // retention, so nobody can destroy the data it protects in one step.
                        enablePurgeProtection: true,
                        enabledForDeployment: false,
                        enabledForTemplateDeployment: false,
                        enabledForDiskEncryption: false,
                        publicNetworkAccess: "Enabled",
                        networkAcls,
                    },
                    tags: tagsFor(ctx, vaultName, { purpose }),
                },
                stateful,
            );
        const vault = makeVault(
            "vault",
            keyVaultName(ctx.prefix, "kv", ctx.subscriptionId),
            { defaultAction: "Deny", bypass: "AzureServices", virtualNetworkRules: args.allowedSubnetIds.map((id) => ({ id, ignoreMissingVnetServiceEndpoint: false })) },
            "platform-secrets",
        );
        // AKS KMS (public key vault mode) cannot pass a selected-networks firewall: see above.
        const kmsVault = makeVault("kms-vault", keyVaultName(ctx.prefix, "kms", ctx.subscriptionId), { defaultAction: "Allow", bypass: "AzureServices" }, "aks-kms");
        // The deployer creates keys and the secret value: data-plane rights on these vaults only.
        const deployerAccess = roleAssignment(`${name}-deployer-admin`, ctx, { scope: vault.id, role: "keyVaultAdministrator", principalId: ctx.deployerObjectId }, { parent: this });
        const deployerKmsAccess = roleAssignment(`${name}-deployer-kms-admin`, ctx, { scope: kmsVault.id, role: "keyVaultAdministrator", principalId: ctx.deployerObjectId }, { parent: this });

        const rsaKey = (key: string, purpose: string, keyOps: string[], inVault: keyvault.Vault = vault, access: pulumi.Resource = deployerAccess) =>
            new keyvault.Key(
                `${name}-${key}`,
                {
                    resourceGroupName: ctx.resourceGroupName,
                    vaultName: inVault.name,
                    keyName: key,
                    properties: {
                        kty: "RSA",
                        keySize: KEY_SIZE,
                        keyOps,
                        attributes: { enabled: true, exportable: false },
                        // Yearly new version; old versions stay usable for what they encrypted.
                        rotationPolicy: {
                            attributes: { expiryTime: "P2Y" },
                            lifetimeActions: [{ action: { type: "rotate" }, trigger: { timeAfterCreate: "P1Y" } }],
                        },
                    },
                    tags: tagsFor(ctx, resourceName(ctx.prefix, key), { purpose }),
                },
                { ...stateful, dependsOn: [access] },
            );
        const aksKey = rsaKey("aks-kms", "aks-etcd-encryption", ["encrypt", "decrypt"], kmsVault, deployerKmsAccess);
        const unsealKey = rsaKey("vault-unseal", "vault-auto-unseal", ["wrapKey", "unwrapKey"]);

        const password = new random.RandomPassword(`${name}-enrollment-password`, { length: 32, special: false }, { parent: this });
        const secret = new keyvault.Secret(
            `${name}-enrollment-secret`,
            {
                resourceGroupName: ctx.resourceGroupName,
                vaultName: vault.name,
                secretName: ENROLLMENT_SECRET_NAME,
                properties: { value: password.result, contentType: "text/plain", attributes: { enabled: true } },
                tags: tagsFor(ctx, resourceName(ctx.prefix, "wazuh-enrollment")),
            },
            { ...stateful, dependsOn: [deployerAccess] },
        );

        this.diskEncryptionReady = [];
        if (args.customerManagedDiskKey) {
            const diskKey = rsaKey("disks", "disk-encryption", ["wrapKey", "unwrapKey"]);
            const des = new compute.DiskEncryptionSet(
                `${name}-des`,
                {
                    ...common,
                    diskEncryptionSetName: resourceName(ctx.prefix, "des"),
                    identity: { type: "SystemAssigned" },
                    encryptionType: "EncryptionAtRestWithCustomerKey",
                    // Versionless key URL + auto-rotation: disks follow the key's yearly rotation.
                    activeKey: { keyUrl: diskKey.keyUri, sourceVault: { id: vault.id } },
                    rotationToLatestKeyVersionEnabled: true,
                    tags: tagsFor(ctx, resourceName(ctx.prefix, "des")),
                },
                stateful,
            );
            const desGrant = roleAssignment(
                `${name}-des-key`,
                ctx,
                { scope: diskKey.id, role: "keyVaultCryptoServiceEncryptionUser", principalId: des.identity.apply((i) => i?.principalId ?? ""), principalType: "ServicePrincipal" },
                { parent: this },
            );
            this.diskEncryptionSetId = des.id;
            this.diskEncryptionReady.push(desGrant);
        }

        this.vaultId = vault.id;
        this.vaultName = vault.name;
        this.aksKmsKeyId = aksKey.id;
        this.aksKmsKeyUriWithVersion = aksKey.keyUriWithVersion;
        this.unsealKeyId = unsealKey.id;
        this.unsealKeyName = unsealKey.name;
        this.enrollmentSecretId = secret.id;
        this.enrollmentSecretName = secret.name;
        this.deployerAccess = deployerAccess;
        this.registerOutputs({ vaultId: this.vaultId, aksKmsKeyId: this.aksKmsKeyId, unsealKeyId: this.unsealKeyId, enrollmentSecretId: this.enrollmentSecretId });
    }
}

export function validateKeysArgs(args: AzureKeysArgs): void {
    if (!Number.isInteger(args.softDeleteRetentionDays) || args.softDeleteRetentionDays < 7 || args.softDeleteRetentionDays > 90) {
        throw new Error(`platform:azure:Keys: softDeleteRetentionDays ${args.softDeleteRetentionDays} must be 7-90 (Key Vault's range)`);
    }
}
