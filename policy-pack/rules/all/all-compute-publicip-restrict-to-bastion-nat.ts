import type { PolicyResource } from "@pulumi/policy";
import { AZURE_PUBLIC_IP_CHECKS } from "../../lib/azure";
import { stackPolicy } from "../../lib/policy";
import { label, linked, publicSubnetReason, referrers, roleOf, subnetsOf } from "../../lib/stack";
import { field, flag, isUnknown, list, plain } from "../../lib/values";

const ALLOWED_ROLES = ["bastion", "nat"];
const INSTANCE = "aws:ec2/instance:Instance";
const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
const EIP = "aws:ec2/eip:Eip";
const NAT_GATEWAY = "aws:ec2/natGateway:NatGateway";
const GCP_INSTANCE = "gcp:compute/instance:Instance";
const GCP_ADDRESS = "gcp:compute/address:Address";
const GCP_ROUTER_NAT = "gcp:compute/routerNat:RouterNat";
const GKE_CLUSTER = "gcp:container/cluster:Cluster";

type Check = (r: PolicyResource, all: readonly PolicyResource[]) => string[];

/** Per type token: the reasons a resource would get a public IP. Other clouds add entries. */
const CHECKS: Readonly<Record<string, Check>> = {
    [INSTANCE]: (r, all) => {
        const props = plain(r.props) as Record<string, unknown>;
        const assoc = flag(props.associatePublicIpAddress);
        if (assoc === true) {
            return ["associatePublicIpAddress is true"];
        }
        // Unset, EC2 takes the subnet's mapPublicIpOnLaunch. The provider computes the attribute,
        // so on a first preview the engine sends it UNKNOWN (stack rules see outputs): unknown
        // means "unset" here, never "false".
        if (assoc === undefined || assoc === "unknown") {
            const subnet = subnetsOf(r, "subnetId").find((s) => publicSubnetReason(s, all)?.startsWith("mapPublicIpOnLaunch"));
            if (subnet) {
                return [`it is launched into subnet "${subnet.name}" (mapPublicIpOnLaunch is true) without associatePublicIpAddress: false`];
            }
        }
        // After an update the outputs say it outright.
        const publicIp = props.publicIp;
        if (assoc !== false && typeof publicIp === "string" && publicIp !== "" && !isUnknown(publicIp)) {
            return [`it has public IP ${publicIp}`];
        }
        return [];
    },
    [LAUNCH_TEMPLATE]: (r) =>
        list(field(plain(r.props), "networkInterfaces"))
            .map((ni, i) => (flag(field(ni, "associatePublicIpAddress")) === true ? `networkInterfaces[${i}].associatePublicIpAddress is "true"` : undefined))
            .filter((m): m is string => m !== undefined),
    [EIP]: (r, all) => {
        const usedByNat = referrers(all, r, [NAT_GATEWAY]).length > 0;
        const onBastion = linked(r, "instance", [INSTANCE]).some((i) => roleOf(i) === "bastion" || isUnknown(roleOf(i)));
        return usedByNat || onBastion ? [] : ["it is attached to neither a NAT gateway nor the bastion"];
    },
    [GCP_INSTANCE]: (r) =>
        list(field(plain(r.props), "networkInterfaces"))
            .map((ni, i) => (list(field(ni, "accessConfigs")).length > 0 ? `networkInterfaces[${i}].accessConfigs gives it an external IP` : undefined))
            .filter((m): m is string => m !== undefined),
    [GCP_ADDRESS]: (r, all) => {
        const type = field(plain(r.props), "addressType");
        if (type === "INTERNAL" || isUnknown(type)) {
            return [];
        }
        const usedByNat = referrers(all, r, [GCP_ROUTER_NAT]).length > 0;
        const onBastion = referrers(all, r, [GCP_INSTANCE]).some((i) => roleOf(i) === "bastion" || isUnknown(roleOf(i)));
        return usedByNat || onBastion ? [] : ["it is an external address used by neither Cloud NAT nor the bastion"];
    },
    [GKE_CLUSTER]: (r) => {
        const pcc = field(plain(r.props), "privateClusterConfig");
        const privateNodes = isUnknown(pcc) ? "unknown" : flag(field(pcc, "enablePrivateNodes"));
        return privateNodes === true || privateNodes === "unknown" ? [] : ["privateClusterConfig.enablePrivateNodes is not true, so every node gets an external IP"];
    },
    // Azure: public IP resources, NICs with one, AKS pools with node public IPs (lib/azure.ts).
    ...AZURE_PUBLIC_IP_CHECKS,
};

/**
 * Only the bastion and NAT gateways face the internet; everything else is private and reached
 * through the bastion. Identification is by the `role` tag (provider default tags included).
 */
export const allComputePublicipRestrictToBastionNat = stackPolicy({
    name: "all-compute-publicip-restrict-to-bastion-nat",
    description: "Public IP addresses are allowed only on the bastion and NAT gateways.",
    severity: "high",
    category: "security",
    topics: ["network", "exposure"],
    enforcementLevel: "mandatory",
    remediationSteps: "Place the resource in a private subnet without a public IP and reach it through the bastion.",
    validateStack: (args, report) => {
        const candidates = args.resources.filter((r) => CHECKS[r.type] !== undefined);
        if (candidates.length === 0) {
            args.notApplicable("no compute or address resources in the stack");
        }
        for (const r of candidates) {
            const role = roleOf(r);
            if (isUnknown(role) || (role !== undefined && ALLOWED_ROLES.includes(role))) {
                continue;
            }
            for (const reason of CHECKS[r.type]?.(r, args.resources) ?? []) {
                report(
                    `${label(r)} (role ${role ?? "unset"}) gets a public IP: ${reason}. ` +
                        "Only the bastion and NAT gateways may have public IPs: keep it private and reach it through the bastion.",
                    r.urn,
                );
            }
        }
    },
});
