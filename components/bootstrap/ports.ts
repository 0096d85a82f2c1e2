/**
 * What each bootstrapped VM listens on, in one place that the cloud firewall code imports.
 *
 * The bootstrap only decides what LISTENS. Which tier may reach it is decided (and enforced) by
 * each cloud's component: security groups, NSGs, VPC firewall rules. `audience` records the
 * intent so those rules are derived from this table rather than re-typed per cloud; the cloud
 * code must still never open any of these to 0.0.0.0/0 (the bastion's SSH goes to the
 * allowlisted operator CIDRs only).
 */
import type { BootstrapRole } from "./types";

/** Who is expected to connect. Cloud components map each to a source (CIDR, SG, tag, ...). */
export type PortAudience =
    /** Operators' allowlisted CIDRs (the bastion's SSH only). */
    | "operators"
    /** The bastion host (SSH jumps, SOCKS tunnels to UIs). */
    | "bastion"
    /** The Kubernetes cluster's nodes / pods (Prometheus scrape, workloads using Vault). */
    | "cluster"
    /** The other tool VMs (e.g. Jenkins reading secrets from Vault). */
    | "tool-vms"
    /** Every VM running a Wazuh agent: bastion, tool VMs, and cluster nodes if they run agents. */
    | "wazuh-agents"
    /** Peers of the same role (Vault raft cluster traffic). */
    | "same-role";

export interface ServicePort {
    readonly port: number;
    readonly protocol: "tcp" | "udp";
    /** Short machine-friendly name, usable in rule names (e.g. `vault-api`). */
    readonly name: string;
    readonly description: string;
    readonly audience: readonly PortAudience[];
}

/** Well-known port numbers, for code that needs one number (health checks, URLs). */
export const PORTS = {
    ssh: 22,
    nodeExporter: 9100,
    /** nginx's TLS listener in front of Jenkins (Jenkins itself listens on 127.0.0.1:8080 only). */
    jenkinsHttps: 8443,
    vaultApi: 8200,
    vaultCluster: 8201,
    wazuhAgentEvents: 1514,
    wazuhAgentEnrollment: 1515,
    wazuhApi: 55000,
    wazuhDashboard: 443,
} as const;

const ssh = (audience: readonly PortAudience[]): ServicePort => ({
    port: PORTS.ssh,
    protocol: "tcp",
    name: "ssh",
    description: "OpenSSH, public keys only (no passwords, no root login).",
    audience,
});

const nodeExporter: ServicePort = {
    port: PORTS.nodeExporter,
    protocol: "tcp",
    name: "node-exporter",
    description: "Prometheus node_exporter metrics over TLS (platform CA), scraped by the cluster Prometheus.",
    audience: ["cluster"],
};

/** Listening ports per role. Every role has SSH and node_exporter. */
export const BOOTSTRAP_PORTS: { readonly [R in BootstrapRole]: readonly ServicePort[] } = {
    bastion: [ssh(["operators"]), nodeExporter],
    jenkins: [
        ssh(["bastion"]),
        nodeExporter,
        {
            port: PORTS.jenkinsHttps,
            protocol: "tcp",
            name: "jenkins-https",
            description: "Jenkins UI and API over TLS (nginx, platform CA); inbound agents use WebSocket here (no 50000).",
            audience: ["bastion", "cluster"],
        },
    ],
    vault: [
        ssh(["bastion"]),
        nodeExporter,
        {
            port: PORTS.vaultApi,
            protocol: "tcp",
            name: "vault-api",
            description: "Vault API and UI over TLS (platform CA).",
            audience: ["bastion", "cluster", "tool-vms"],
        },
        {
            port: PORTS.vaultCluster,
            protocol: "tcp",
            name: "vault-cluster",
            description: "Vault raft replication and request forwarding between Vault nodes.",
            audience: ["same-role"],
        },
    ],
    wazuh: [
        ssh(["bastion"]),
        nodeExporter,
        {
            port: PORTS.wazuhAgentEvents,
            protocol: "tcp",
            name: "wazuh-events",
            description: "Wazuh agent event channel (remoted).",
            audience: ["wazuh-agents"],
        },
        {
            port: PORTS.wazuhAgentEnrollment,
            protocol: "tcp",
            name: "wazuh-enrollment",
            description: "Wazuh agent enrollment (authd): TLS with a platform CA certificate, password-protected.",
            audience: ["wazuh-agents"],
        },
        {
            port: PORTS.wazuhApi,
            protocol: "tcp",
            name: "wazuh-api",
            description: "Wazuh server API (administration).",
            audience: ["bastion"],
        },
        {
            port: PORTS.wazuhDashboard,
            protocol: "tcp",
            name: "wazuh-dashboard",
            description: "Wazuh dashboard over TLS (platform CA).",
            audience: ["bastion"],
        },
    ],
};

/** The ports a given audience needs on a role (e.g. what the cluster may reach on Vault). */
export function portsFor(role: BootstrapRole, audience: PortAudience): readonly ServicePort[] {
    return BOOTSTRAP_PORTS[role].filter((p) => p.audience.includes(audience));
}
