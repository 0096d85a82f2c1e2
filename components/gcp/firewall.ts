/**
 * `platform:gcp:Firewall`: every ingress rule of the VPC, in one table.
 *
 * - Rules name service accounts, not network tags: a tag is a string anyone with
 *   `compute.instances.setTags` can add to a VM, while running as a service account needs
 *   `iam.serviceAccountUser` on it. `targetServiceAccounts` picks who receives, and
 *   `sourceServiceAccounts` who sends.
 * - Source service accounts match a VM's primary address only, never its alias ranges; pods on
 *   VPC-native GKE send from the pod range (alias IPs, not masqueraded inside the VPC). So where
 *   the cluster is a source, the pod range is listed too (sources are ORed).
 * - What listens comes from components/bootstrap/ports.ts, exactly as on AWS; who may connect
 *   is decided here.
 * - Ingress is default-deny twice over: GCP's implied deny, plus an explicit deny-all at the
 *   lowest configurable priority WITH logging, so refused attempts are visible.
 * - SSH reaches the bastion only, from the operators' allowlist (and IAP's range when enabled).
 *
 * Not here: the bastion (or anyone) to the Kubernetes API. The GKE control plane lives in
 * Google's network and is guarded by master authorized networks (cluster.ts). GKE creates its
 * own rules for control plane -> nodes and node <-> pod traffic.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { PORTS } from "../bootstrap";
import { IAP_SSH_RANGE } from "../config";
import { NODE_PORTS, podToVmPorts, webhookPorts } from "../flows";
import { Tier as SharedTier, TierRule as SharedTierRule, tierRules as sharedTierRules } from "../tier-rules";
import { gcpName } from "./labels";

/** The tiers that own a service account firewall rules name (the API is not one: see above). */
export type Tier = Exclude<SharedTier, "clusterApi">;

/** One allowed flow between service accounts. */
export type TierRule = SharedTierRule & { readonly target: Tier; readonly source: Tier };

/** Priority of the tier rules (GCP default). */
export const ALLOW_PRIORITY = 1000;
/** The explicit deny-all: the lowest priority a rule can have (65535 is the implied rules'). */
export const DENY_ALL_PRIORITY = 65534;
/** Every rule logs with metadata: who talked to whom is the first question in an incident. */
export const FIREWALL_LOG = { metadata: "INCLUDE_ALL_METADATA" } as const;

/**
 * The shared tier table (components/tier-rules.ts) as GCP renders it: every flow between VMs
 * and nodes. The bastion -> Kubernetes API flow is enforced by master authorized networks
 * (cluster.ts), not by a VPC firewall, because the control plane is not in this VPC.
 */
export function tierRules(): TierRule[] {
    return sharedTierRules().filter((r): r is TierRule => r.target !== "clusterApi" && r.source !== "clusterApi");
}

export interface GcpFirewallArgs {
    readonly prefix: string;
    /** The VPC (id or self link). */
    readonly network: pulumi.Input<string>;
    /** Service account email of every tier. */
    readonly serviceAccounts: Readonly<Record<Tier, pulumi.Input<string>>>;
    /** The pod secondary range: pods send from it (see the module doc). */
    readonly podCidr: string;
    /** The private control plane's /28: the API server calls webhooks from it. */
    readonly controlPlaneCidr: string;
    /** Operators' CIDRs for the bastion's SSH (validated: never the world). */
    readonly sshAllowedCidrs: readonly string[];
    /** Also admit IAP TCP forwarding's range to the bastion's SSH. */
    readonly iapSshAccess: boolean;
    /** Internal destinations VM egress may reach: the network block and the GKE control plane /28. */
    readonly internalCidrs: readonly string[];
}

/** The VM tiers whose egress is restricted (GKE nodes keep GCP's implied egress: see below). */
export const EGRESS_MANAGED: readonly Tier[] = ["bastion", "jenkins", "vault", "wazuh"];

/**
 * Egress of the VMs, mirroring AWS: HTTPS (Google APIs, signed package repositories, Jenkins
 * plugins) and HTTP (Ubuntu mirrors; packages are signature-checked) to anywhere; inside the
 * network only the ports of the tier table (the receiving side's ingress rules decide who);
 * everything else denied and logged. The metadata server (DNS, NTP, tokens) is always reachable
 * in GCP. GKE nodes are not restricted here: they need Google's API and control-plane ranges,
 * which GKE manages; their pods are confined by the NetworkPolicies of the addons' baseline.
 */
export function vmEgress(rules: readonly TierRule[]): { internet: number[]; internal: number[] } {
    const internal = [...new Set([...rules.filter((r) => EGRESS_MANAGED.includes(r.source)).map((r) => r.port), 443])].sort((a, b) => a - b);
    return { internet: [80, 443], internal };
}

/** The bastion's SSH sources: the allowlist, and IAP's range when enabled. */
export function bastionSshSources(allowed: readonly string[], iap: boolean): string[] {
    return [...allowed, ...(iap ? [IAP_SSH_RANGE] : [])];
}

export class Firewall extends pulumi.ComponentResource {
    readonly rules: readonly TierRule[];

    constructor(name: string, args: GcpFirewallArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:gcp:Firewall", name, {}, opts);
        validateFirewallArgs(args);
        this.rules = tierRules();
        buildFirewall(name, args, this.rules, this);
        this.registerOutputs({ ruleCount: this.rules.length });
    }
}

export function validateFirewallArgs(args: GcpFirewallArgs): void {
    const world = args.sshAllowedCidrs.filter((c) => /\/0$/.test(c));
    if (args.sshAllowedCidrs.length === 0 || world.length > 0) {
        throw new Error(`platform:gcp:Firewall: sshAllowedCidrs must list specific CIDRs (got ${JSON.stringify(args.sshAllowedCidrs)}); the world is never allowed`);
    }
}

/**
 * The ports GKE's own `gke-<cluster>-<hash>-master` rule opens from the control plane to the
 * nodes of a private cluster: TCP 443 and 10250
 * (https://cloud.google.com/kubernetes-engine/docs/concepts/firewall-rules).
 */
export const GKE_CONTROL_PLANE_PORTS: readonly number[] = [443, NODE_PORTS.kubelet];

/** Whether a tier rule's source includes the pod range (see {@link podToVmPorts}). */
export function podSourced(rule: TierRule): boolean {
    return rule.source === "clusterNodes" && podToVmPorts().some((p) => p.role === rule.target && p.port === rule.port);
}

export function logicalName(rule: TierRule): string {
    const kebab = (t: Tier) => t.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    return `${kebab(rule.target)}-${rule.service}-from-${kebab(rule.source)}`;
}

function buildFirewall(name: string, args: GcpFirewallArgs, rules: readonly TierRule[], parent: pulumi.Resource): void {
    // Fixed names: a replacement (another network, another direction) deletes the old rule first,
    // or the new one collides with it (409 alreadyExists).
    const opts: pulumi.CustomResourceOptions = { parent, deleteBeforeReplace: true };
    for (const rule of rules) {
        new gcp.compute.Firewall(
            `${name}-in-${logicalName(rule)}`,
            {
                name: gcpName(args.prefix, "in", logicalName(rule)),
                network: args.network,
                description: rule.description,
                direction: "INGRESS",
                priority: ALLOW_PRIORITY,
                allows: [{ protocol: "tcp", ports: [String(rule.port)] }],
                sourceServiceAccounts: [args.serviceAccounts[rule.source]],
                // Pods only where the flow contract has a pod reaching this VM port (Prometheus,
                // granted Vault clients, Jenkins agents); elsewhere the nodes' own identity only,
                // so no pod reaches, say, Wazuh enrollment whatever its namespace allows.
                ...(podSourced(rule) ? { sourceRanges: [args.podCidr] } : {}),
                targetServiceAccounts: [args.serviceAccounts[rule.target]],
                logConfig: FIREWALL_LOG,
            },
            opts,
        );
    }
    // GKE's own rule admits the control plane to the nodes on 443 and 10250 only; a webhook on
    // another port needs its own rule ("Adding firewall rules for specific use cases",
    // https://cloud.google.com/kubernetes-engine/docs/how-to/private-clusters#add_firewall_rules).
    // Targets the node service account: GCP rules apply to the pods' alias IPs on those nodes.
    const extraWebhookPorts = webhookPorts().filter((p) => !GKE_CONTROL_PLANE_PORTS.includes(p));
    if (extraWebhookPorts.length > 0) {
        new gcp.compute.Firewall(
            `${name}-in-webhooks-from-control-plane`,
            {
                name: gcpName(args.prefix, "in", "webhooks-from-control-plane"),
                network: args.network,
                description: "GKE control plane to the admission webhooks the platform installs (GKE's own rule covers only 443 and 10250)",
                direction: "INGRESS",
                priority: ALLOW_PRIORITY,
                allows: [{ protocol: "tcp", ports: extraWebhookPorts.map(String) }],
                sourceRanges: [args.controlPlaneCidr],
                targetServiceAccounts: [args.serviceAccounts.clusterNodes],
                logConfig: FIREWALL_LOG,
            },
            opts,
        );
    }
    new gcp.compute.Firewall(
        `${name}-in-bastion-ssh-from-operators`,
        {
            name: gcpName(args.prefix, "in", "bastion-ssh-from-operators"),
            network: args.network,
            description: "SSH to the bastion from the operators' allowlist only",
            direction: "INGRESS",
            priority: ALLOW_PRIORITY,
            allows: [{ protocol: "tcp", ports: [String(PORTS.ssh)] }],
            sourceRanges: bastionSshSources(args.sshAllowedCidrs, args.iapSshAccess),
            targetServiceAccounts: [args.serviceAccounts.bastion],
            logConfig: FIREWALL_LOG,
        },
        opts,
    );
    const egress = vmEgress(rules);
    const vmAccounts = EGRESS_MANAGED.map((t) => args.serviceAccounts[t]);
    new gcp.compute.Firewall(
        `${name}-out-vms-internet`,
        {
            name: gcpName(args.prefix, "out", "vms-internet"),
            network: args.network,
            description: "VMs: HTTPS (Google APIs, signed repositories) and HTTP (Ubuntu mirrors, signature-checked) out",
            direction: "EGRESS",
            priority: ALLOW_PRIORITY,
            allows: [{ protocol: "tcp", ports: egress.internet.map(String) }],
            destinationRanges: ["0.0.0.0/0"],
            targetServiceAccounts: vmAccounts,
            logConfig: FIREWALL_LOG,
        },
        opts,
    );
    new gcp.compute.Firewall(
        `${name}-out-vms-internal`,
        {
            name: gcpName(args.prefix, "out", "vms-internal"),
            network: args.network,
            description: "VMs: the tier table's ports inside the network and to the GKE control plane (each receiver's ingress rules decide who)",
            direction: "EGRESS",
            priority: ALLOW_PRIORITY,
            allows: [{ protocol: "tcp", ports: egress.internal.map(String) }],
            destinationRanges: [...args.internalCidrs],
            targetServiceAccounts: vmAccounts,
            logConfig: FIREWALL_LOG,
        },
        opts,
    );
    new gcp.compute.Firewall(
        `${name}-out-vms-deny-all`,
        {
            name: gcpName(args.prefix, "out", "vms-deny-all"),
            network: args.network,
            description: "VMs: every other egress refused and logged",
            direction: "EGRESS",
            priority: DENY_ALL_PRIORITY,
            denies: [{ protocol: "all" }],
            destinationRanges: ["0.0.0.0/0"],
            targetServiceAccounts: vmAccounts,
            logConfig: FIREWALL_LOG,
        },
        opts,
    );
    new gcp.compute.Firewall(
        `${name}-in-deny-all`,
        {
            name: gcpName(args.prefix, "in", "deny-all"),
            network: args.network,
            description: "Default deny for ingress, logged: anything the rules above do not allow is refused and recorded",
            direction: "INGRESS",
            priority: DENY_ALL_PRIORITY,
            denies: [{ protocol: "all" }],
            sourceRanges: ["0.0.0.0/0"],
            logConfig: FIREWALL_LOG,
        },
        opts,
    );
}
