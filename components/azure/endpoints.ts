/**
 * `platform:azure:PrivateEndpoints`: with `network.privateEndpoints` (staging, prod), the Key
 * Vault and Vault's snapshot store are reached from the VNet over private endpoints in the
 * endpoints subnet (the planner-free slot), with their privatelink DNS zones linked to the VNet,
 * so Azure's resolver answers their names with private addresses and that traffic never leaves
 * the VNet. (Dev reaches them over service endpoints through the same firewalls.)
 */
import * as network from "@pulumi/azure-native/network";
import * as privatedns from "@pulumi/azure-native/privatedns";
import * as pulumi from "@pulumi/pulumi";
import { resourceName } from "../naming";
import { AzureContext, tagsFor } from "./common";

/** One private endpoint: what it reaches, which sub-resource, and the DNS zone that names it. */
export interface PrivateEndpointTarget {
    /** Short logical name (`keyvault`, `snapshots-blob`). */
    readonly name: string;
    readonly resourceId: pulumi.Input<string>;
    /** Private link group (`vault`, `blob`). */
    readonly groupId: "vault" | "blob";
}

/** The privatelink zone of each group (Azure public cloud). */
export const PRIVATE_DNS_ZONES: Readonly<Record<PrivateEndpointTarget["groupId"], string>> = {
    vault: "privatelink.vaultcore.azure.net",
    blob: "privatelink.blob.core.windows.net",
};

export interface AzurePrivateEndpointsArgs {
    readonly ctx: AzureContext;
    readonly vnetId: pulumi.Input<string>;
    /** The endpoints subnet (its NSG admits HTTPS from the VNet only). */
    readonly subnetId: pulumi.Input<string>;
    readonly targets: readonly PrivateEndpointTarget[];
}

export class PrivateEndpoints extends pulumi.ComponentResource {
    readonly endpointIds: Readonly<Record<string, pulumi.Output<string>>>;

    constructor(name: string, args: AzurePrivateEndpointsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:azure:PrivateEndpoints", name, {}, opts);
        const { ctx } = args;
        const n = (...parts: string[]) => resourceName(ctx.prefix, ...parts);
        const zones = new Map<string, privatedns.PrivateZone>();
        for (const group of [...new Set(args.targets.map((t) => t.groupId))]) {
            const zoneName = PRIVATE_DNS_ZONES[group];
            // Private DNS zones are global resources.
            const zone = new privatedns.PrivateZone(`${name}-zone-${group}`, { resourceGroupName: ctx.resourceGroupName, privateZoneName: zoneName, location: "global", tags: tagsFor(ctx, zoneName) }, { parent: this });
            new privatedns.VirtualNetworkLink(
                `${name}-zone-${group}-link`,
                {
                    resourceGroupName: ctx.resourceGroupName,
                    privateZoneName: zone.name,
                    virtualNetworkLinkName: n("vnet-link", group),
                    location: "global",
                    virtualNetwork: { id: args.vnetId },
                    // Resolution only: VMs do not register their own names here.
                    registrationEnabled: false,
                    tags: tagsFor(ctx, n("vnet-link", group)),
                },
                { parent: this },
            );
            zones.set(group, zone);
        }
        const ids: Record<string, pulumi.Output<string>> = {};
        for (const t of args.targets) {
            const peName = n("pe", t.name);
            const pe = new network.PrivateEndpoint(
                `${name}-${t.name}`,
                {
                    resourceGroupName: ctx.resourceGroupName,
                    location: ctx.location,
                    privateEndpointName: peName,
                    subnet: { id: args.subnetId },
                    privateLinkServiceConnections: [{ name: peName, privateLinkServiceId: t.resourceId, groupIds: [t.groupId] }],
                    tags: tagsFor(ctx, peName),
                },
                { parent: this },
            );
            new network.PrivateDnsZoneGroup(
                `${name}-${t.name}-dns`,
                {
                    resourceGroupName: ctx.resourceGroupName,
                    privateEndpointName: pe.name,
                    privateDnsZoneGroupName: "default",
                    privateDnsZoneConfigs: [{ name: t.groupId, privateDnsZoneId: zones.get(t.groupId)!.id }],
                },
                { parent: this },
            );
            ids[t.name] = pe.id;
        }
        this.endpointIds = ids;
        this.registerOutputs({ endpointIds: this.endpointIds });
    }
}
