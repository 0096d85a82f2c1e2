import { AZ } from "../../lib/azure";
import { resourcePolicy, validateTokens } from "../../lib/policy";
import { field, isUnknown, list } from "../../lib/values";

const ANY = ["*", "any", "0.0.0.0/0", "internet"];

/** Does this rule deny every inbound flow (any protocol, any source, any port)? Unknown counts as yes. */
function deniesAllInbound(rule: unknown): boolean {
    if (isUnknown(rule)) {
        return true;
    }
    const values = ["direction", "access", "protocol", "sourceAddressPrefix", "destinationPortRange"].map((k) => field(rule, k));
    if (values.some(isUnknown)) {
        return true;
    }
    const [direction, access, protocol, source, ports] = values;
    return direction === "Inbound" && access === "Deny" && protocol === "*" && typeof source === "string" && ANY.includes(source.toLowerCase()) && ports === "*";
}

/**
 * Azure's default rules let the whole VNet in (AllowVnetInBound) and the load balancer's probes;
 * an explicit inbound deny-all makes every allowed flow a rule someone wrote and reviewed.
 */
export const azureNetworkNsgRequireDefaultDenyInbound = resourcePolicy({
    name: "azure-network-nsg-require-default-deny-inbound",
    description: "Network security groups end with an explicit inbound deny-all rule (Azure's defaults admit the whole VNet).",
    severity: "high",
    category: "security",
    topics: ["network", "exposure"],
    enforcementLevel: "mandatory",
    remediationSteps: "Add an inbound Deny rule for protocol *, source *, ports * at priority 4096; allow what is needed explicitly above it.",
    validateResource: validateTokens([AZ.nsg], (props, _args, report) => {
        if (isUnknown(props.securityRules)) {
            return;
        }
        if (!list(props.securityRules).some(deniesAllInbound)) {
            report("no inbound rule denies all traffic (protocol *, source *, ports *), so Azure's default AllowVnetInBound admits the whole VNet. Add an inbound Deny rule for * at priority 4096.");
        }
    }),
});
