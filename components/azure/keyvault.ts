/**
 * `platform:azure:Keys`: the platform's Key Vaults and what lives in them. Both use RBAC
 * authorization (no access policies: every right is a scoped role assignment) and purge
 * protection, in every environment.
 *
 * - The platform vault: Vault's unseal key, the disk encryption key and set (prod), the Wazuh
 *   enrollment password. Where a private endpoint reaches it (staging, prod) its public network
 *   access is disabled; otherwise (dev) its firewall admits only the subnets the platform's VMs
 *   live in (nodes, tools and the bastion's public subnet, through their Microsoft.KeyVault
 *   service endpoints) and trusted Azure services. Keys and secrets are created through Azure
 *   Resource Manager, whose writes the vault's network rules do not apply to (observed:
 *   github.com/MicrosoftDocs/azure-docs/issues/68668).
 * - The AKS KMS vault: only the etcd encryption key. AKS's KMS plugin in public key vault mode
 *   does not support a key vault firewall that admits selected networks or disables public
 *   access (learn.microsoft.com/azure/aks/use-kms-etcd-encryption#limitations), so this vault
 *   keeps public network access and holds nothing but that key; only the cluster identity may use
 *   it. The private key vault mode would need the key to be created and rotated through a
 *   private endpoint ("Creating or updating keys in a private key vault that doesn't have a
 *   private endpoint isn't supported", same page), which the rotation runbook below could not
 *   do from outside the VNet.
 *
 * Data-plane rights take up to 10 minutes to apply (propagation.ts): the deployer's grants are
 * bridged by a wait before any key or secret is written, and the disk encryption set's grant
 * by a wait before any disk uses the set.
 *
 * Key rotation:
 * - Vault's unseal key and the disk key rotate yearly (Key Vault rotation policy). The disk
 *   encryption set names a versioned key URL with rotationToLatestKeyVersionEnabled: Azure moves
 *   the set to each new version itself, and the program ignores the set's key URL after
 *   creation, so a rotated version is never reverted by the next `up`.
 * - The AKS KMS key does NOT rotate automatically: AKS stays on the version it was given, and
 *   switching versions is a procedure (`az aks update --azure-keyvault-kms-key-id <new version>`,
 *   then re-encrypt every secret: `kubectl get secrets -A -o json | kubectl replace -f -`; keep
 *   both versions valid until the next rotation), learn.microsoft.com/azure/aks/use-kms-etcd-encryption#rotate-existing-keys-in-a-public-key-vault.
 *   It has no expiry either ("If the key is expired, the KMS plugin will fail to decrypt the
 *   existing secrets", same page). The cluster ignores its KMS key id after creation
 *   (cluster.ts), so a refresh after a manual rotation never makes `up` switch silently.
 */
import * as compute from "@pulumi/azure-native/compute";
import * as keyvault from "@pulumi/azure-native/keyvault";
import type * as inputs from "@pulumi/azure-native/types/input";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { resourceName } from "../naming";
import { AzureContext, tagsFor } from "./common";
import { keyVaultName } from "./naming";
import { grant, waitForGrants } from "./propagation";

/** Keys this stack creates: RSA 3072 (AKS KMS and Vault accept RSA; 3072 outlives 2048). */
export const KEY_SIZE = 3072;
export const ENROLLMENT_SECRET_NAME = "wazuh-enrollment-password";
/** Yearly new version for the keys that may rotate on their own; old versions stay usable for what they encrypted. */
export function autoRotationPolicy(): inputs.keyvault.RotationPolicyArgs {
    return { attributes: { expiryTime: "P2Y" }, lifetimeActions: [{ action: { type: "rotate" }, trigger: { timeAfterCreate: "P1Y" } }] };
}

export interface AzureKeysArgs {
    readonly ctx: AzureContext;
    /**
     * Subnets whose Microsoft.KeyVault service endpoint the platform vault's firewall admits
     * while it keeps public network access (no private endpoint): every subnet a VM that reads a
     * secret or key lives in (nodes, tools, the bastion's public subnet).
     */
    readonly allowedSubnetIds: pulumi.Input<string>[];
    /** A private endpoint reaches the platform vault (staging, prod): public network access off. */
    readonly privateEndpoint: boolean;
    /** Days a deleted vault/key stays recoverable (7-90). Prod 90. */
    readonly softDeleteRetentionDays: number;
    /** Create a customer-managed key and a disk encryption set for every managed disk (prod). */
    readonly customerManagedDiskKey: boolean;
    /** A per-creation generation in the vault names (config `sameDayRecreate`), see naming.ts keyVaultName. */
    readonly nameGeneration?: pulumi.Input<string>;
}

export class Keys extends pulumi.ComponentResource {
    readonly vaultId: pulumi.Output<string>;
    readonly vaultName: pulumi.Output<string>;
    /** The AKS KMS vault (the cluster identity's key rights are scoped to it, as AKS documents). */
    readonly kmsVaultId: pulumi.Output<string>;
    readonly aksKmsKeyId: pulumi.Output<string>;
    /** Key with version: what AKS's KMS setting takes. */
    readonly aksKmsKeyUriWithVersion: pulumi.Output<string>;
    readonly unsealKeyId: pulumi.Output<string>;
    readonly unsealKeyName: pulumi.Output<string>;
    readonly enrollmentSecretId: pulumi.Output<string>;
    readonly enrollmentSecretName: pulumi.Output<string>;
    readonly diskEncryptionSetId?: pulumi.Output<string>;
    /** Disks (and the cluster) wait for these: the set's identity holds its key role, and the role has propagated. */
    readonly diskEncryptionReady: pulumi.Resource[];
    /**
     * Everything that writes keys or secrets into the platform vault waits for this: the
     * deployer's data-plane role on it, created and propagated.
     */
    readonly deployerAccess: pulumi.Resource;

    constructor(name: string, args: AzureKeysArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:azure:Keys", name, {}, opts);
        validateKeysArgs(args);
        const { ctx } = args;
        const common = { resourceGroupName: ctx.resourceGroupName, location: ctx.location };
        const stateful: pulumi.CustomResourceOptions = { parent: this, protect: ctx.protect };
        const vaultNameOf = (purpose: string): pulumi.Input<string> =>
            args.nameGeneration === undefined ? keyVaultName(ctx.prefix, purpose, ctx.subscriptionId) : pulumi.output(args.nameGeneration).apply((g) => keyVaultName(ctx.prefix, purpose, ctx.subscriptionId, g));
        const makeVault = (logical: string, vaultName: pulumi.Input<string>, network: { publicNetworkAccess: "Enabled" | "Disabled"; networkAcls: Record<string, unknown> }, purpose: string) =>
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
                        ...network,
                    },
                    tags: pulumi.output(vaultName).apply((n) => tagsFor(ctx, n, { purpose })),
                },
                stateful,
            );
        const vault = makeVault(
            "vault",
            vaultNameOf("kv"),
            args.privateEndpoint
                ? // Reached through its private endpoint only; trusted Azure services (the disk
                  // encryption set) keep their bypass.
                  { publicNetworkAccess: "Disabled", networkAcls: { defaultAction: "Deny", bypass: "AzureServices" } }
                : {
                      publicNetworkAccess: "Enabled",
                      networkAcls: { defaultAction: "Deny", bypass: "AzureServices", virtualNetworkRules: args.allowedSubnetIds.map((id) => ({ id, ignoreMissingVnetServiceEndpoint: false })) },
                  },
            "platform-secrets",
        );
        // AKS KMS (public key vault mode) cannot pass a selected-networks firewall: see above.
        const kmsVault = makeVault("kms-vault", vaultNameOf("kms"), { publicNetworkAccess: "Enabled", networkAcls: { defaultAction: "Allow", bypass: "AzureServices" } }, "aks-kms");

        // The deployer creates keys and the secret value: data-plane rights on these vaults only,
        // and nothing is written before they have propagated.
        const deployerAccess = waitForGrants(
            `${name}-deployer-admin-propagation`,
            [grant(`${name}-deployer-admin`, ctx, { scope: vault.id, role: "keyVaultAdministrator", principalId: ctx.deployerObjectId, principalType: ctx.deployerPrincipalType }, { parent: this })],
            { parent: this },
        );
        const deployerKmsAccess = waitForGrants(
            `${name}-deployer-kms-admin-propagation`,
            [grant(`${name}-deployer-kms-admin`, ctx, { scope: kmsVault.id, role: "keyVaultAdministrator", principalId: ctx.deployerObjectId, principalType: ctx.deployerPrincipalType }, { parent: this })],
            { parent: this },
        );

        const rsaKey = (
            key: string,
            purpose: string,
            keyOps: string[],
            rotation: "auto" | "manual",
            inVault: keyvault.Vault = vault,
            access: pulumi.Resource = deployerAccess,
            extraOpts: pulumi.CustomResourceOptions = {},
        ) =>
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
                        ...(rotation === "auto" ? { rotationPolicy: autoRotationPolicy() } : {}),
                    },
                    tags: tagsFor(ctx, resourceName(ctx.prefix, key), { purpose, rotation }),
                },
                { ...stateful, ...extraOpts, dependsOn: [access] },
            );
        // Rotated by procedure only (see the header): no rotation policy, no expiry.
        const aksKey = rsaKey("aks-kms", "aks-etcd-encryption", ["encrypt", "decrypt"], "manual", kmsVault, deployerKmsAccess);
        const unsealKey = rsaKey("vault-unseal", "vault-auto-unseal", ["wrapKey", "unwrapKey"], "auto");

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
            const diskKey = rsaKey("disks", "disk-encryption", ["wrapKey", "unwrapKey"], "auto");
            const des = new compute.DiskEncryptionSet(
                `${name}-des`,
                {
                    ...common,
                    diskEncryptionSetName: resourceName(ctx.prefix, "des"),
                    identity: { type: "SystemAssigned" },
                    encryptionType: "EncryptionAtRestWithCustomerKey",
                    // The API takes a versioned key URL only (learn.microsoft.com/rest/api/compute/disk-encryption-sets/create-or-update#keyfordiskencryptionset);
                    // with rotationToLatestKeyVersionEnabled Azure moves the set to each new
                    // version of the key on its own, within an hour
                    // (learn.microsoft.com/azure/virtual-machines/disk-encryption#automatic-key-rotation-of-customer-managed-keys).
                    activeKey: { keyUrl: diskKey.keyUriWithVersion, sourceVault: { id: vault.id } },
                    rotationToLatestKeyVersionEnabled: true,
                    tags: tagsFor(ctx, resourceName(ctx.prefix, "des")),
                },
                {
                    ...stateful,
                    // After creation the key version is Azure's to move: the URL this program
                    // computed is the version at creation, and a refresh would otherwise turn
                    // every rotation into a diff whose `up` points the set back at the old
                    // version. (A lookup of the key's current version would follow Key Vault,
                    // not the set, and could still race the set's own move.) Replacing the key
                    // itself is a deliberate change: `pulumi up --replace` on the set.
                    ignoreChanges: ["activeKey.keyUrl"],
                },
            );
            const desReady = waitForGrants(
                `${name}-des-key-propagation`,
                [
                    grant(
                        `${name}-des-key`,
                        ctx,
                        {
                            scope: diskKey.id,
                            role: "keyVaultCryptoServiceEncryptionUser",
                            principalId: des.identity.apply((i) => {
                                if (!i?.principalId) {
                                    throw new Error("platform:azure:Keys: Azure returned no identity for the disk encryption set");
                                }
                                return i.principalId;
                            }),
                            principalType: "ServicePrincipal",
                        },
                        { parent: this },
                    ),
                ],
                { parent: this },
            );
            this.diskEncryptionSetId = des.id;
            this.diskEncryptionReady.push(desReady);
        }

        this.vaultId = vault.id;
        this.vaultName = vault.name;
        this.kmsVaultId = kmsVault.id;
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
