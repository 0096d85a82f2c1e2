/**
 * `platform:azure:Bastion`: the only VM with a public address, reachable on SSH from the stack's
 * allowlist only (the public subnet's NSG), with the generated ED25519 key (a secret) and the
 * bootstrap hardening as custom data. Trusted launch and encryption at host like every VM here;
 * a user-assigned identity whose secret reads are granted and propagated before it boots (vm.ts).
 */
import * as network from "@pulumi/azure-native/network";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { isWorldCidr } from "../config/cidr";
import type { BastionOutputs, FirewallIdentity } from "../contracts";
import { resourceName } from "../naming";
import { AzureContext, tagsFor } from "./common";
import { azureHostAddress } from "./naming";
import { grant } from "./propagation";
import { AZURE_SSH_USER, bootGrantsReady, linuxVm, vmIdentity } from "./vm";

/** Host offset of the bastion's fixed address in the public subnet. */
export const BASTION_HOST_OFFSET = 10;

export interface AzureBastionArgs {
    /** `SHA256:...` of the SSH host key the program issued for this bastion (delivered in its TLS secret). */
    readonly hostKeyFingerprint: pulumi.Input<string>;
    readonly ctx: AzureContext;
    readonly subnetId: pulumi.Input<string>;
    /** The public subnet's block (for the fixed address). */
    readonly subnetCidr: string;
    /** CIDRs allowed to SSH in (enforced by the public NSG; validated here too). */
    readonly allowedCidrs: readonly string[];
    readonly size: string;
    readonly zone: string;
    /** The bastion tier's application security group. */
    readonly asgId: pulumi.Input<string>;
    /** cloud-config (hardening, node_exporter, Wazuh agent), rendered with the client id of the bastion's identity. */
    readonly customData: (identity: { readonly clientId: pulumi.Output<string> }) => pulumi.Input<string>;
    /** Key Vault secrets the bastion reads at boot, by short name (`enrollment-secret`): each granted to its identity alone, before it boots. */
    readonly readSecrets: readonly { readonly name: string; readonly secretId: pulumi.Input<string> }[];
    readonly diskEncryptionSetId?: pulumi.Input<string>;
    readonly dependsOn?: pulumi.Resource[];
    /**
     * Its static public IP ({@link bastionPublicIp}), created before the network: the API server
     * subnet's NSG admits it when the API endpoint is public (a tunnel through the bastion
     * reaches the public endpoint from this address).
     */
    readonly publicIp: { readonly id: pulumi.Input<string>; readonly address: pulumi.Input<string> };
}

/**
 * The bastion's static public IP. Created by the platform before the network (whose API server
 * NSG names it), no longer inside the Bastion component: `aliasParent` (the Bastion component's
 * URN) keeps the address of a stack created before that move (no replacement, no new address in
 * operators' allowlists and known_hosts).
 */
export function bastionPublicIp(name: string, ctx: Pick<AzureContext, "prefix" | "resourceGroupName" | "location" | "tags">, aliasParent: pulumi.Input<string>, opts: pulumi.CustomResourceOptions): network.PublicIPAddress {
    const vmName = resourceName(ctx.prefix, "bastion");
    return new network.PublicIPAddress(
        `${name}-ip`,
        {
            resourceGroupName: ctx.resourceGroupName,
            location: ctx.location,
            publicIpAddressName: `${vmName}-ip`,
            // Static: operators' allowlists, known_hosts and the API's authorized ranges outlive a restart.
            sku: { name: "Standard", tier: "Regional" },
            publicIPAllocationMethod: "Static",
            publicIPAddressVersion: "IPv4",
            tags: tagsFor(ctx, `${vmName}-ip`, { role: "bastion" }),
        },
        { ...opts, aliases: [{ parent: aliasParent }] },
    );
}

export class Bastion extends pulumi.ComponentResource implements BastionOutputs {
    readonly publicIp: pulumi.Output<string>;
    readonly privateIp: pulumi.Output<string>;
    readonly sshUser = AZURE_SSH_USER;
    readonly privateKeyPem: pulumi.Output<string>;
    readonly publicKeyOpenssh: pulumi.Output<string>;
    readonly identity: FirewallIdentity;
    readonly vmId: pulumi.Output<string>;
    readonly tunnelTarget: pulumi.Output<string>;
    readonly hostKeyFingerprint: pulumi.Output<string>;
    /** The VM's user-assigned identity (reads the Wazuh enrollment secret). */
    readonly principalId: pulumi.Output<string>;

    constructor(name: string, args: AzureBastionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:azure:Bastion", name, {}, opts);
        validateBastionArgs(args);
        const { ctx } = args;
        const vmName = resourceName(ctx.prefix, "bastion");
        // ED25519: short keys, no weak-parameter choices; the private half lives only in state.
        const key = new tls.PrivateKey(`${name}-ssh-key`, { algorithm: "ED25519" }, { parent: this });
        const privateIp = azureHostAddress(args.subnetCidr, BASTION_HOST_OFFSET);
        const identity = vmIdentity(name, ctx, vmName, "bastion", this);
        const ready = bootGrantsReady(
            name,
            args.readSecrets.map((r) =>
                grant(`${name}-read-${r.name}`, ctx, { scope: r.secretId, role: "keyVaultSecretsUser", principalId: identity.principalId, principalType: "ServicePrincipal" }, { parent: this }),
            ),
            this,
        );
        const { vm } = linuxVm(
            name,
            {
                ctx,
                vmName,
                role: "bastion",
                size: args.size,
                zone: args.zone,
                subnetId: args.subnetId,
                privateIp,
                asgIds: [args.asgId],
                publicIpId: args.publicIp.id,
                sshPublicKey: key.publicKeyOpenssh,
                customData: args.customData({ clientId: identity.clientId }),
                identityId: identity.id,
                ...(args.diskEncryptionSetId ? { diskEncryptionSetId: args.diskEncryptionSetId } : {}),
                dependsOn: [...ready, ...(args.dependsOn ?? [])],
            },
            this,
        );
        this.publicIp = pulumi.output(args.publicIp.address);
        this.privateIp = pulumi.output(privateIp);
        this.privateKeyPem = pulumi.secret(key.privateKeyOpenssh);
        this.publicKeyOpenssh = key.publicKeyOpenssh;
        this.identity = { kind: "azureApplicationSecurityGroup", id: pulumi.output(args.asgId) };
        this.vmId = vm.id;
        this.hostKeyFingerprint = pulumi.output(args.hostKeyFingerprint);
        this.tunnelTarget = vm.id;
        this.principalId = identity.principalId;
        this.registerOutputs({ publicIp: this.publicIp, privateIp: this.privateIp, privateKeyPem: this.privateKeyPem });
    }
}

export function validateBastionArgs(args: AzureBastionArgs): void {
    if (args.allowedCidrs.length === 0) {
        throw new Error("platform:azure:Bastion: allowedCidrs is empty; the bastion would be unreachable");
    }
    for (const c of args.allowedCidrs) {
        if (isWorldCidr(c)) {
            throw new Error(`platform:azure:Bastion: ${c} would open SSH to the whole internet`);
        }
    }
}
