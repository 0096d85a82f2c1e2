/**
 * Azure naming and addressing helpers: pure, deterministic, tested (tests/azure/naming.test.ts).
 *
 * Azure adds limits the shared `resourceName` does not know: storage account names are 3-24
 * lowercase letters and digits and globally unique; Key Vault names are 3-24 characters and
 * globally unique (and stay reserved while soft-deleted); role assignment names are GUIDs.
 * Uniqueness comes from a short hash of the subscription and the prefix, never from randomness.
 */
import * as crypto from "crypto";
import { cidrsOverlap, parseCidr, subnetAt, SubnetPlan, SUBNET_TIERS, TIER_NEW_BITS } from "../config/cidr";

/** Name limits of the Azure resources that bite. */
export const AZURE_NAME_LIMITS = { storageAccount: 24, keyVault: 24, resourceGroup: 90, aksDnsPrefix: 54, vmComputerName: 64 } as const;

function shortHash(key: string, length: number): string {
    return crypto.createHash("sha256").update(key).digest("hex").slice(0, length);
}

/**
 * A storage account name: the prefix's letters and digits, a purpose tag and 6 hex of a hash
 * of (subscription, prefix, purpose), at most 24 characters. Globally unique in practice and
 * stable for a stack.
 */
export function storageAccountName(prefix: string, purpose: string, subscriptionId: string): string {
    if (!/^[a-z0-9]{1,6}$/.test(purpose)) {
        throw new Error(`storage account purpose ${JSON.stringify(purpose)} must be 1-6 lowercase letters or digits`);
    }
    const hash = shortHash(`${subscriptionId}/${prefix}/${purpose}`, 6);
    const base = prefix.toLowerCase().replace(/[^a-z0-9]/g, "");
    const room = AZURE_NAME_LIMITS.storageAccount - purpose.length - hash.length;
    return `${base.slice(0, room)}${purpose}${hash}`;
}

/**
 * A Key Vault name: `<prefix, shortened>-<purpose>-<6 hex>`, 3-24 characters of letters, digits
 * and single hyphens, starting with a letter (Key Vault's rule). With a `generation` (a
 * per-creation value kept in the stack's state, components/azure/index.ts), the hash changes
 * with it: a re-created stack gets a new name while the deleted vault still holds the old one
 * (purge protection keeps it for the whole soft-delete retention).
 */
export function keyVaultName(prefix: string, purpose: string, subscriptionId: string, generation?: string): string {
    if (!/^[a-z0-9]{1,4}$/.test(purpose)) {
        throw new Error(`key vault purpose ${JSON.stringify(purpose)} must be 1-4 lowercase letters or digits`);
    }
    const hash = shortHash(`${subscriptionId}/${prefix}/${purpose}${generation ? `/${generation}` : ""}`, 6);
    const room = AZURE_NAME_LIMITS.keyVault - purpose.length - hash.length - 2;
    const head = prefix
        .toLowerCase()
        .replace(/[^a-z0-9-]/g, "")
        .slice(0, room)
        .replace(/-+$/, "");
    return `${head}-${purpose}-${hash}`.replace(/--+/g, "-");
}

/**
 * A deterministic GUID (role assignment names must be GUIDs). Same key, same GUID: a re-run
 * never creates a second assignment, and a changed key (scope, principal, role) replaces it.
 */
export function stableGuid(key: string): string {
    const h = crypto.createHash("sha256").update(key).digest("hex");
    // Version-4 layout (variant bits set) so every validator accepts it.
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Azure subnets are regional, not zonal. The planner gives per-zone blocks per tier; on Azure
 * each tier uses its ZONE-0 block as the one regional subnet (zone redundancy comes from the
 * VMs' and node pools' `zones`, not from the subnets). The other zones' blocks stay unused and
 * reserved, so the layout is the same plan every cloud reads.
 */
export function regionalSubnets(plan: SubnetPlan): { readonly public: string; readonly nodes: string; readonly tools: string } {
    return { public: plan.public[0], nodes: plan.nodes[0], tools: plan.tools[0] };
}

/**
 * The private-endpoint subnet: a slot the planner never uses, derived deterministically. It is
 * the LAST block of the public tier's size (a /24 in a /16) inside the network that overlaps
 * none of the planned (or configured) subnets of any tier and zone. The planner fills the
 * network from the bottom and leaves the top half free, so this is the network's last /24 for
 * planner layouts, and it never moves when zones are added.
 */
export function privateEndpointSubnet(network: string, plan: SubnetPlan): string {
    const n = parseCidr(network);
    const newBits = TIER_NEW_BITS.public;
    const count = 2 ** newBits;
    const taken = SUBNET_TIERS.flatMap((tier) => plan[tier]);
    for (let index = count - 1; index >= 0; index--) {
        const candidate = subnetAt(network, newBits, index);
        if (!taken.some((t) => cidrsOverlap(t, candidate))) {
            return candidate;
        }
    }
    throw new Error(`no free /${n.prefix + newBits} left in ${network} for private endpoints: every block overlaps a configured subnet`);
}

/**
 * Size of the API server subnet: AKS's documented minimum for API Server VNet Integration is a
 * /28 (the API server's internal load balancer and its instances take addresses from it).
 */
export const API_SERVER_SUBNET_PREFIX = 28;

/**
 * The API server subnet (AKS API Server VNet Integration): a /28 delegated to
 * Microsoft.ContainerService/managedClusters, in a slot the planner never uses. Derived like the
 * private-endpoint subnet: the LAST /28 of the network that overlaps none of the planned (or
 * configured) subnets of any tier and zone, nor the private-endpoint subnet. For planner layouts
 * that is the /28 just below the private-endpoint block, and it never moves when zones change
 * (the planner fills from the bottom; the endpoint slot is itself stable).
 */
export function apiServerSubnet(network: string, plan: SubnetPlan): string {
    const n = parseCidr(network);
    const newBits = API_SERVER_SUBNET_PREFIX - n.prefix;
    if (newBits < 0) {
        throw new Error(`network ${network} is smaller than a /${API_SERVER_SUBNET_PREFIX}: no room for the API server subnet`);
    }
    const taken = [...SUBNET_TIERS.flatMap((tier) => plan[tier]), privateEndpointSubnet(network, plan)];
    for (let index = 2 ** newBits - 1; index >= 0; index--) {
        const candidate = subnetAt(network, newBits, index);
        if (!taken.some((t) => cidrsOverlap(t, candidate))) {
            return candidate;
        }
    }
    throw new Error(`no free /${API_SERVER_SUBNET_PREFIX} left in ${network} for the AKS API server: every block overlaps a configured subnet or the private-endpoint subnet`);
}

/** The `index`-th host of a block (Azure reserves the first four and the last address). */
export function azureHostAddress(cidr: string, index: number): string {
    const p = parseCidr(cidr);
    const size = Number(p.end - p.start + 1n);
    if (index < 4 || index >= size - 1) {
        throw new Error(`host index ${index} is outside the usable range of ${cidr} (Azure reserves the first four and the last address)`);
    }
    const start = Number(p.start) + index;
    return [24, 16, 8, 0].map((s) => (start >>> s) & 255).join(".");
}

/** The DNS service address AKS needs: the 10th address of the Service range (never .1, the API). */
export function dnsServiceIp(serviceCidr: string): string {
    return azureHostAddress(serviceCidr, 10);
}
