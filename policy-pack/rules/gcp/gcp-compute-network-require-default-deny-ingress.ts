import type { PolicyResource } from "@pulumi/policy";
import { GCP } from "../../lib/gcp";
import { stackPolicy } from "../../lib/policy";
import { label, referrers } from "../../lib/stack";
import { containsUnknown, field, list, plain } from "../../lib/values";

/** A logged deny-all ingress from everywhere: what no allow rule admits is refused and recorded. */
function isLoggedDenyAll(fw: PolicyResource): boolean | "unknown" {
    const p = plain(fw.props) as Record<string, unknown>;
    if ([p.direction, p.denies, p.sourceRanges, p.logConfig, p.disabled].some(containsUnknown)) {
        return "unknown";
    }
    const denyAll = list(p.denies).some((d) => field(d, "protocol") === "all");
    const fromEverywhere = list(p.sourceRanges).includes("0.0.0.0/0");
    return (p.direction ?? "INGRESS") === "INGRESS" && p.disabled !== true && denyAll && fromEverywhere && p.logConfig !== undefined && list(p.targetServiceAccounts).length === 0 && list(p.targetTags).length === 0;
}

export const gcpComputeNetworkRequireDefaultDenyIngress = stackPolicy({
    name: "gcp-compute-network-require-default-deny-ingress",
    description: "Every VPC network has an explicit, logged deny-all ingress rule for the whole network.",
    severity: "medium",
    category: "security",
    topics: ["network", "logging"],
    enforcementLevel: "mandatory",
    remediationSteps: "Add a firewall rule: direction INGRESS, denies [{ protocol: \"all\" }], sourceRanges [\"0.0.0.0/0\"], no targets, the lowest priority (65534), logConfig set.",
    validateStack: (args, report) => {
        const networks = args.resources.filter((r) => r.type === GCP.network);
        if (networks.length === 0) {
            args.notApplicable("no VPC networks in the stack");
        }
        for (const net of networks) {
            const rules = referrers(args.resources, net, [GCP.firewall]);
            if (!rules.some((r) => isLoggedDenyAll(r) !== false)) {
                report(`${label(net)} has no logged deny-all ingress rule; GCP's implied deny is never logged. Add a deny { protocol: "all" } INGRESS rule from 0.0.0.0/0 with logConfig at priority 65534.`, net.urn);
            }
        }
    },
});
