import { describeIngress, INGRESS_READERS, isWorld } from "../../lib/network";
import { cis, resourcePolicy, validateTokens } from "../../lib/policy";
import { field, isUnknown, list } from "../../lib/values";

const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";

/**
 * No firewall admits the whole internet, on any port, for any resource: not even the bastion,
 * whose SSH is open to its allowlist only. Cross-cloud: the firewall types come from
 * `INGRESS_READERS` (lib/network.ts); EKS node groups are here because `remoteAccess` without
 * source security groups silently opens SSH to 0.0.0.0/0.
 */
export const allNetworkIngressDisallowWorldOpen = resourcePolicy({
    name: "all-network-ingress-disallow-world-open",
    description: "Firewall rules must not allow ingress from 0.0.0.0/0 or ::/0 on any port.",
    severity: "critical",
    category: "security",
    topics: ["network", "exposure"],
    enforcementLevel: "mandatory",
    framework: cis("aws", "5.2", "Ensure no security groups allow ingress from 0.0.0.0/0 to remote server administration ports (and 5.3 for ::/0)"),
    remediationSteps: "List the specific source CIDRs that need access (the bastion's SSH allowlist) or reference a security group.",
    validateResource: validateTokens([...Object.keys(INGRESS_READERS), NODE_GROUP], (props, args, report) => {
        if (args.type === NODE_GROUP) {
            const remote = props.remoteAccess;
            if (remote === undefined || isUnknown(remote) || isUnknown(field(remote, "sourceSecurityGroupIds"))) {
                return;
            }
            if (field(remote, "ec2SshKey") !== undefined && list(field(remote, "sourceSecurityGroupIds")).length === 0) {
                report(
                    "remoteAccess sets ec2SshKey without sourceSecurityGroupIds, which opens SSH (tcp 22) on the nodes to 0.0.0.0/0. " +
                        "Drop remoteAccess (reach nodes through the bastion or SSM) or set sourceSecurityGroupIds.",
                );
            }
            return;
        }
        const read = INGRESS_READERS[args.type];
        for (const ingress of read ? read(props) : []) {
            for (const source of ingress.sources.filter(isWorld)) {
                report(
                    `${ingress.where} allows ${describeIngress(ingress)} from ${source} (the whole internet). ` +
                        "World-open ingress is never allowed, not even to the bastion: list specific source CIDRs or reference a security group.",
                );
            }
        }
    }),
});
