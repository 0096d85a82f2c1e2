/**
 * What a subscription must already have before the platform's first `pulumi up`, checked before
 * anything is created (in preview too) with an error that says how to fix it.
 *
 * - The region's Network Watcher. Azure creates `NetworkWatcherRG/NetworkWatcher_<region>` itself
 *   when the first virtual network of a region is created or updated, unless the subscription
 *   opted out of automatic enablement (learn.microsoft.com/azure/network-watcher/network-watcher-create).
 *   The platform references it, never creates one (one per subscription and region: a second is
 *   refused, and a stack that created it would delete it, and every other stack's flow logs with
 *   it, on destroy). On a fresh subscription the lookup would run before this stack's VNet
 *   exists and fail with ARM's bare ResourceNotFound; this check fails first, naming the
 *   one-time command.
 *
 * Documented, not checkable from the program (azure-native has no function that reads a
 * resource provider's registration state): the Microsoft.Insights resource provider, which VNet
 * flow logs and diagnostic settings need (learn.microsoft.com/azure/network-watcher/vnet-flow-logs-portal#prerequisites);
 * and the Microsoft.Compute/EncryptionAtHost feature for encryption at host
 * (learn.microsoft.com/azure/virtual-machines/disks-enable-host-based-encryption-portal#prerequisites).
 * README.md (Azure: a fresh subscription) lists the commands.
 */
import * as network from "@pulumi/azure-native/network";
import type * as pulumi from "@pulumi/pulumi";

export interface NetworkWatcherRef {
    readonly resourceGroup: string;
    readonly name: string;
}

/** The one-time commands that create a region's Network Watcher where Azure would have. */
export function networkWatcherFix(location: string): string {
    return `az group create --name NetworkWatcherRG --location ${location} && az network watcher configure --resource-group NetworkWatcherRG --locations ${location} --enabled true`;
}

/** The error when the watcher cannot be read: what is missing, why, and the fix. */
export function networkWatcherProblem(watcher: NetworkWatcherRef, location: string, cause: unknown): string {
    const detail = cause instanceof Error ? cause.message : String(cause);
    return (
        `platform:azureNetworkWatcher: the subscription has no readable Network Watcher ${watcher.resourceGroup}/${watcher.name} for ${location} (${detail.split("\n")[0]}). ` +
        `The platform's flow logs belong to the region's existing watcher and never create one. Azure creates NetworkWatcherRG/NetworkWatcher_${location} with the first virtual network of a region, ` +
        `so a fresh subscription (or one that opted out of automatic enablement) has none yet: create it once with ${networkWatcherFix(location)}, ` +
        `or set platform:azureNetworkWatcher to <resourceGroup>/<name> of the watcher the subscription has for ${location}. See https://learn.microsoft.com/azure/network-watcher/network-watcher-create`
    );
}

/** Fails, before anything is created, when the subscription lacks the watcher the flow logs need. */
export async function requireNetworkWatcher(watcher: NetworkWatcherRef, location: string, opts: pulumi.InvokeOptions): Promise<void> {
    try {
        await network.getNetworkWatcher({ resourceGroupName: watcher.resourceGroup, networkWatcherName: watcher.name }, opts);
    } catch (err) {
        throw new Error(networkWatcherProblem(watcher, location, err));
    }
}
