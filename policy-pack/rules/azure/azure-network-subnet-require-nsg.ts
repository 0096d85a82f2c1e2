import { AZ } from "../../lib/azure";
import { resourcePolicy, validateTokens } from "../../lib/policy";
import { field, isUnknown } from "../../lib/values";

/** Subnets Azure reserves for its own gateways, where an NSG is not supported or not wanted. */
const SERVICE_SUBNETS = ["GatewaySubnet", "AzureFirewallSubnet", "AzureFirewallManagementSubnet", "RouteServerSubnet"];

export const azureNetworkSubnetRequireNsg = resourcePolicy({
    name: "azure-network-subnet-require-nsg",
    description: "Every subnet has a network security group.",
    severity: "high",
    category: "security",
    topics: ["network"],
    enforcementLevel: "mandatory",
    remediationSteps: "Attach the tier's NSG (networkSecurityGroup: { id }) to the subnet.",
    validateResource: validateTokens([AZ.subnet], (props, args, report) => {
        if (typeof props.subnetName === "string" && SERVICE_SUBNETS.includes(props.subnetName)) {
            args.notApplicable(`${props.subnetName} is reserved for an Azure gateway`);
        }
        const nsg = props.networkSecurityGroup;
        if (isUnknown(nsg) || isUnknown(field(nsg, "id"))) {
            return;
        }
        if (typeof field(nsg, "id") !== "string") {
            report("has no networkSecurityGroup, so nothing filters traffic into it. Attach the tier's NSG (networkSecurityGroup: { id }).");
        }
    }),
});
