import type { PolicyResource } from "@pulumi/policy";
import { AZ, nsgAksApiAuthorizedRanges } from "../../lib/azure";
import { describeIngress, FIREWALL_IS_BASTION_ONLY, FIREWALL_TYPES, Ingress, INGRESS_READERS, isPrivate, isWorld } from "../../lib/network";
import { cis, stackPolicy } from "../../lib/policy";
import { label, linked, roleOf } from "../../lib/stack";
import { isUnknown, plain } from "../../lib/values";

/** The firewall an ingress permission belongs to: the resource itself or the group it targets. */
function targetOf(r: PolicyResource): PolicyResource | undefined {
    if (FIREWALL_TYPES.includes(r.type)) {
        return r;
    }
    return linked(r, "securityGroupId", FIREWALL_TYPES)[0];
}

/** A firewall is the bastion's when it protects the role=bastion instance only (per cloud: lib/network.ts). */
function isBastionFirewall(sg: PolicyResource, all: readonly PolicyResource[]): boolean {
    const bastion = (r: PolicyResource) => roleOf(r) === "bastion" || isUnknown(roleOf(r));
    return FIREWALL_IS_BASTION_ONLY[sg.type]?.(sg, all, bastion) ?? false;
}

function isKubeApiOnly(i: Ingress): boolean {
    return i.protocol === "tcp" && i.ports !== undefined && i.ports.from === 443 && i.ports.to === 443;
}

/**
 * The one managed exception: the NSG of an AKS API server subnet (API Server VNet Integration,
 * `restricted` access) admits the cluster's own authorized ranges on tcp 443, the public API
 * endpoint DESIGN.md allows. Anything wider (another port, another range) is still a violation.
 */
function isAuthorizedKubeApi(sg: PolicyResource, all: readonly PolicyResource[], ingress: Ingress, source: string): boolean {
    if (sg.type !== AZ.nsg || !isKubeApiOnly(ingress)) {
        return false;
    }
    return nsgAksApiAuthorizedRanges(sg, all)?.includes(source) ?? false;
}

function isSshOnly(i: Ingress): boolean {
    return i.protocol === "tcp" && i.ports !== undefined && i.ports.from === 22 && i.ports.to === 22;
}

/**
 * Sources outside private address space (i.e. from the internet) may reach exactly one thing:
 * the bastion, on SSH. Everything else is reached through it. World-open sources are left to
 * all-network-ingress-disallow-world-open, so one mistake gives one violation.
 */
export const allNetworkIngressRestrictPublicToBastionSsh = stackPolicy({
    name: "all-network-ingress-restrict-public-to-bastion-ssh",
    description: "Ingress from public (internet) addresses is allowed only to the bastion, and only on SSH (tcp 22).",
    // Exception (isAuthorizedKubeApi): an AKS API server subnet's NSG may admit that cluster's authorized ranges on tcp 443.
    severity: "high",
    category: "security",
    topics: ["network", "exposure"],
    enforcementLevel: "mandatory",
    framework: cis("aws", "5.2", "Ensure no security groups allow ingress from 0.0.0.0/0 to remote server administration ports"),
    remediationSteps: "Reach private services through the bastion (SSH/SOCKS tunnel); give the bastion SSH from its allowlist only.",
    validateStack: (args, report) => {
        const candidates = args.resources.filter((r) => INGRESS_READERS[r.type] !== undefined);
        if (candidates.length === 0) {
            args.notApplicable("no firewall rules in the stack");
        }
        for (const r of candidates) {
            const ingresses = INGRESS_READERS[r.type]?.(plain(r.props) as Record<string, unknown>) ?? [];
            for (const ingress of ingresses) {
                for (const source of ingress.sources.filter((s) => !isWorld(s) && !isPrivate(s))) {
                    const sg = targetOf(r);
                    const sgName = sg ? `"${sg.name}"` : "(unresolved)";
                    if (sg && isAuthorizedKubeApi(sg, args.resources, ingress, source)) {
                        continue;
                    }
                    if (!sg || !isBastionFirewall(sg, args.resources)) {
                        report(
                            `${label(r)}: ${ingress.where} allows ${describeIngress(ingress)} from public range ${source} on security group ${sgName}. ` +
                                "Only the bastion's security group may admit internet sources: reach this service through the bastion.",
                            r.urn,
                        );
                    } else if (!ingress.unknownPorts && !isSshOnly(ingress)) {
                        report(
                            `${label(r)}: ${ingress.where} allows ${describeIngress(ingress)} from public range ${source} on the bastion's security group ${sgName}. ` +
                                "The bastion admits internet sources on SSH (tcp 22) only.",
                            r.urn,
                        );
                    }
                }
            }
        }
    },
});
