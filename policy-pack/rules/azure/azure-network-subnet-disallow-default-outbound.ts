import { AZ } from "../../lib/azure";
import { resourcePolicy, validateTokens } from "../../lib/policy";
import { isUnknown, show } from "../../lib/values";

export const azureNetworkSubnetDisallowDefaultOutbound = resourcePolicy({
    name: "azure-network-subnet-disallow-default-outbound",
    description: "Subnets turn off Azure's default outbound access: egress goes through the NAT gateway (or a VM's own public IP).",
    severity: "medium",
    category: "security",
    topics: ["network", "exposure"],
    enforcementLevel: "mandatory",
    remediationSteps: "Set defaultOutboundAccess: false on the subnet and give it a NAT gateway.",
    validateResource: validateTokens([AZ.subnet], (props, _args, report) => {
        if (isUnknown(props.defaultOutboundAccess)) {
            return;
        }
        if (props.defaultOutboundAccess !== false) {
            report(
                `defaultOutboundAccess is ${show(props.defaultOutboundAccess)}, so VMs without a NAT gateway or public IP still reach the internet through an implicit, unmonitored address. Set defaultOutboundAccess: false and egress through the NAT gateway.`,
            );
        }
    }),
});
