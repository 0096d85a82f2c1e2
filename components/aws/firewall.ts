/**
 * `platform:aws:Firewall`: every rule between tiers, in one table, as security-group-to-security-
 * group rules (no CIDR anywhere): what listens comes from components/bootstrap/ports.ts, who may
 * connect is decided here. Each ingress rule has a mirrored egress rule on the source's group
 * (security groups here start with no egress), so a flow is open exactly when the table says.
 *
 * Not here: the bastion's SSH from the operators' CIDRs (bastion.ts) and HTTPS from the VPC to
 * the interface endpoints (network.ts).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Tier, TierRule, tierRules } from "../tier-rules";
import { resourceName } from "../naming";
import { withName } from "../tags";

export { KUBERNETES_API_PORT, sourcesFor, Tier, TierRule, tierRules } from "../tier-rules";

export interface AwsFirewallArgs {
    /** Physical-name prefix (rule Name tags). */
    readonly prefix: string;
    /** Security group id of every tier. */
    readonly groups: Readonly<Record<Tier, pulumi.Input<string>>>;
    /**
     * Tiers whose groups this stack created without egress and whose egress therefore follows
     * the table. The EKS node and API groups are left alone: the EKS-managed cluster security
     * group attached with them already allows their egress.
     */
    readonly egressManaged: readonly Tier[];
}

export class Firewall extends pulumi.ComponentResource {
    readonly rules: readonly TierRule[];

    constructor(name: string, args: AwsFirewallArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:aws:Firewall", name, {}, opts);
        this.rules = tierRules();
        buildFirewall(name, args, this.rules, this);
        this.registerOutputs({ ruleCount: this.rules.length });
    }
}

function logical(rule: TierRule): string {
    const kebab = (t: Tier) => t.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    return `${kebab(rule.target)}-${rule.service}-from-${kebab(rule.source)}`;
}

export function buildFirewall(name: string, args: AwsFirewallArgs, rules: readonly TierRule[], parent: pulumi.Resource): void {
    const opts: pulumi.CustomResourceOptions = { parent };
    for (const rule of rules) {
        new aws.vpc.SecurityGroupIngressRule(
            `${name}-in-${logical(rule)}`,
            {
                securityGroupId: args.groups[rule.target],
                referencedSecurityGroupId: args.groups[rule.source],
                ipProtocol: "tcp",
                fromPort: rule.port,
                toPort: rule.port,
                description: rule.description,
                tags: withName(resourceName(args.prefix, "in", logical(rule))),
            },
            opts,
        );
        if (args.egressManaged.includes(rule.source)) {
            new aws.vpc.SecurityGroupEgressRule(
                `${name}-out-${logical(rule)}`,
                {
                    securityGroupId: args.groups[rule.source],
                    referencedSecurityGroupId: args.groups[rule.target],
                    ipProtocol: "tcp",
                    fromPort: rule.port,
                    toPort: rule.port,
                    description: `to ${rule.target}: ${rule.service}`,
                    tags: withName(resourceName(args.prefix, "out", logical(rule))),
                },
                opts,
            );
        }
    }
}

/**
 * Egress every tool VM needs beyond the table: HTTPS (SSM, AWS APIs, signed package
 * repositories, Jenkins plugins) and HTTP (Ubuntu mirrors; packages are signature-checked).
 * DNS, NTP and instance metadata use addresses security groups do not filter.
 */
export const TOOL_VM_INTERNET_EGRESS = [
    { port: 443, description: "HTTPS: SSM, AWS APIs, signed package repositories" },
    { port: 80, description: "HTTP: Ubuntu package mirrors (packages are signature-checked)" },
] as const;

/**
 * The internet egress rules of one tool VM's group. Returned so the instance waits for them: the
 * group is created without egress (the provider revokes the allow-all rule EC2 adds to a new
 * group: "NOTE on Egress rules", https://www.pulumi.com/registry/packages/aws/api-docs/ec2/securitygroup/),
 * so until these exist the first boot's package installs have no way out.
 */
export function toolVmInternetEgress(name: string, groupName: string, securityGroupId: pulumi.Input<string>, parent: pulumi.Resource): aws.vpc.SecurityGroupEgressRule[] {
    return TOOL_VM_INTERNET_EGRESS.map(
        (rule) =>
            new aws.vpc.SecurityGroupEgressRule(
            `${name}-egress-${rule.port}`,
                { securityGroupId, ipProtocol: "tcp", fromPort: rule.port, toPort: rule.port, cidrIpv4: "0.0.0.0/0", description: rule.description, tags: withName(`${groupName}-egress-${rule.port}`) },
                { parent },
            ),
    );
}
