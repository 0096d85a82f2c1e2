/**
 * The tier firewall as cloud-neutral data: which tier may open which TCP port on which other tier.
 * What listens comes from components/bootstrap/ports.ts; who may connect is decided here, once,
 * for every cloud. Each cloud turns the table into its own rules (AWS security-group references,
 * Azure NSG rules between application security groups, GCP rules between service accounts).
 */
import { BOOTSTRAP_PORTS, PortAudience } from "./bootstrap";
import type { ToolVmRole } from "./contracts";
import { TOOL_VM_ROLES } from "./contracts";

/** The tiers of the platform, each with one firewall identity (security group, ASG, service account). */
export type Tier = "bastion" | ToolVmRole | "clusterNodes" | "clusterApi";

/** One allowed flow: `source` may open TCP connections to `target` on `port`. */
export interface TierRule {
    readonly target: Tier;
    readonly source: Tier;
    readonly port: number;
    /** Short name of the service (from ports.ts), used in logical names. */
    readonly service: string;
    readonly description: string;
}

/** The Kubernetes API port (private and public endpoints on every cloud). */
export const KUBERNETES_API_PORT = 443;

/**
 * Which tiers an audience of ports.ts means. Narrowest reading of each, on every cloud:
 * - `cluster`: the nodes' identity (pods leave through their node: the AWS VPC CNI uses the
 *   node's security groups; Azure CNI overlay and GKE SNAT pod traffic to the node);
 * - `tool-vms`: Jenkins only: it is the one tool VM with a Vault client (pipelines' secrets);
 * - `wazuh-agents`: every VM that runs an agent (bastion, Jenkins, Vault) and the nodes;
 * - `same-role`: the role's own group (Vault raft peers).
 * `operators` is the bastion's CIDR allowlist, handled by each cloud's bastion.
 */
export function sourcesFor(audience: PortAudience, role: Tier): Tier[] {
    switch (audience) {
        case "operators":
            return [];
        case "bastion":
            return ["bastion"];
        case "cluster":
            return ["clusterNodes"];
        case "tool-vms":
            return ["jenkins"];
        case "wazuh-agents":
            return (["bastion", "jenkins", "vault", "clusterNodes"] as Tier[]).filter((t) => t !== role);
        case "same-role":
            return [role];
        default: {
            const impossible: never = audience;
            throw new Error(`unknown port audience ${String(impossible)}`);
        }
    }
}

/**
 * The whole matrix: every port each VM role listens on (bootstrap ports table) for each of its
 * audiences, plus the private Kubernetes API from the bastion (DESIGN.md access model: the
 * bastion tunnel is how a private cluster is reached). Each cloud renders this one table into
 * its own firewall resources; where a cloud enforces a flow elsewhere (e.g. GKE's authorized
 * networks for the API) it says so next to its rendering.
 */
export function tierRules(): TierRule[] {
    const rules: TierRule[] = [];
    for (const role of ["bastion", ...TOOL_VM_ROLES] as const) {
        for (const port of BOOTSTRAP_PORTS[role]) {
            if (port.protocol !== "tcp") {
                throw new Error(`firewall: ${role} port ${port.port}/${port.protocol}: only TCP rules are implemented`);
            }
            for (const audience of port.audience) {
                for (const source of sourcesFor(audience, role)) {
                    rules.push({ target: role, source, port: port.port, service: port.name, description: `${port.name} from ${source}: ${port.description}` });
                }
            }
        }
    }
    rules.push({
        target: "clusterApi",
        source: "bastion",
        port: KUBERNETES_API_PORT,
        service: "kube-api",
        description: "kube-api from bastion: kubectl / Pulumi through the bastion tunnel",
    });
    rules.push({
        target: "clusterApi",
        source: "jenkins",
        port: KUBERNETES_API_PORT,
        service: "kube-api",
        description: "kube-api from jenkins: the Kubernetes plugin starts build agents in jenkins-agents",
    });
    for (const rule of rules) {
        const problem = firewallDescriptionProblem(rule.description);
        if (problem) {
            throw new Error(`firewall rule ${rule.service} from ${rule.source} to ${rule.target}: description ${JSON.stringify(rule.description)} ${problem} (fix it in components/bootstrap/ports.ts)`);
        }
    }
    return rules;
}

/**
 * What every cloud's firewall accepts as a rule description, the strictest of the three:
 * EC2 takes at most 255 characters of a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpRange.html), an Azure NSG rule
 * at most 140 characters (https://learn.microsoft.com/rest/api/virtualnetwork/security-rules/create-or-update#securityrule),
 * a GCP firewall rule at most 2048. The descriptions reach all three, so a bad one fails here,
 * before anything is registered (the constraint catalogue checks the registered rules again).
 */
export function firewallDescriptionProblem(description: string): string | undefined {
    if (description.length > 140) {
        return `has ${description.length} characters (at most 140: Azure NSG rules)`;
    }
    const bad = [...new Set([...description].filter((ch) => !/^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]$/.test(ch)))];
    return bad.length > 0 ? `contains ${bad.map((c) => JSON.stringify(c)).join(", ")}, which EC2 refuses in rule descriptions (allowed: a-z A-Z 0-9 space ._-:/()#,@[]+=&;{}!$*)` : undefined;
}
