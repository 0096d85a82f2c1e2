import { AZ } from "../../lib/azure";
import { stackPolicy } from "../../lib/policy";
import { label, referrers } from "../../lib/stack";
import { plain } from "../../lib/values";

/** A VNet without flow logs leaves no record of who talked to what (incident response, audits). */
export const azureNetworkVnetRequireFlowLogs = stackPolicy({
    name: "azure-network-vnet-require-flow-logs",
    description: "Every virtual network has an enabled flow log.",
    severity: "medium",
    category: "security",
    topics: ["network", "logging"],
    enforcementLevel: "mandatory",
    remediationSteps: "Add a network.FlowLog in the subscription's existing Network Watcher with targetResourceId set to the VNet.",
    validateStack: (args, report) => {
        const vnets = args.resources.filter((r) => r.type === AZ.vnet);
        if (vnets.length === 0) {
            args.notApplicable("no virtual networks in the stack");
        }
        for (const vnet of vnets) {
            const logs = referrers(args.resources, vnet, [AZ.flowLog]).filter((f) => (plain(f.props) as Record<string, unknown>).enabled !== false);
            if (logs.length === 0) {
                report(`${label(vnet)} has no enabled flow log. Add a network.FlowLog (in the subscription's Network Watcher) with targetResourceId set to this VNet.`, vnet.urn);
            }
        }
    },
});
