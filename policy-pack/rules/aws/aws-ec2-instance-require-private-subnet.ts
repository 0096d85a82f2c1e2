import { configOf, stackPolicy } from "../../lib/policy";
import { label, publicSubnetReason, roleOf, subnetsOf } from "../../lib/stack";

export interface PrivateSubnetConfig {
    privateRoles: string[];
}

const configSchema = {
    properties: {
        privateRoles: {
            type: "array" as const,
            items: { type: "string" as const },
            default: ["jenkins", "vault", "wazuh"],
            description: "Values of the `role` tag whose VMs must sit in private subnets.",
        },
    },
};

const INSTANCE = "aws:ec2/instance:Instance";

export const awsEc2InstanceRequirePrivateSubnet = stackPolicy({
    name: "aws-ec2-instance-require-private-subnet",
    description: "Tool VMs (Jenkins, Vault, Wazuh) run in private subnets.",
    severity: "high",
    category: "security",
    topics: ["network", "exposure"],
    enforcementLevel: "mandatory",
    configSchema,
    validateStack: (args, report) => {
        const { privateRoles } = configOf<PrivateSubnetConfig>(args, configSchema);
        const vms = args.resources.filter((r) => r.type === INSTANCE && privateRoles.includes(roleOf(r) ?? ""));
        if (vms.length === 0) {
            args.notApplicable("no tool VMs in the stack");
        }
        for (const vm of vms) {
            for (const subnet of subnetsOf(vm, "subnetId")) {
                const reason = publicSubnetReason(subnet, args.resources);
                if (reason) {
                    report(`${label(vm)} (role ${roleOf(vm)}) is in public subnet "${subnet.name}" (${reason}). Tool VMs belong in the private subnets.`, vm.urn);
                }
            }
        }
    },
});
