/**
 * The AWS platform builder: explicit provider (region + default tags), the edge invokes
 * (account, partition, zones), then network -> bastion. Loaded only for AWS stacks.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AwsPlatformConfig } from "../config";
import type { PlatformOutputs } from "../platform";
import { Bastion } from "./bastion";
import { AwsAccount } from "./iam";
import { Network } from "./network";

/**
 * Availability zones usable for the network: standard zones only (Local and Wavelength zones
 * lack EKS and NAT support), first `count` in name order so the choice is stable.
 */
export async function resolveZones(count: number, opts: pulumi.InvokeOptions): Promise<string[]> {
    const azs = await aws.getAvailabilityZones({ state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] }, opts);
    const names = [...azs.names].sort();
    if (names.length < count) {
        throw new Error(`platform:network.zones is ${count} but the region offers only ${names.length} standard zones (${names.join(", ")}); lower platform:network.zones`);
    }
    return names.slice(0, count);
}

export async function buildAwsPlatform(config: AwsPlatformConfig, parent: pulumi.Resource): Promise<PlatformOutputs> {
    // One explicit provider: the region comes from validated config, and every taggable
    // resource gets the common tags through defaultTags.
    const provider = new aws.Provider("aws", { region: config.region as aws.Region, defaultTags: { tags: { ...config.tags } } }, { parent });
    const invokeOpts: pulumi.InvokeOptions = { parent, provider };
    const [identity, partition, zoneNames] = await Promise.all([
        aws.getCallerIdentity({}, invokeOpts),
        aws.getPartition({}, invokeOpts),
        resolveZones(config.network.zones, invokeOpts),
    ]);
    const account: AwsAccount = { accountId: identity.accountId, partition: partition.partition, region: config.region };
    const childOpts: pulumi.ComponentResourceOptions = { parent, providers: [provider] };

    const network = new Network(
        "network",
        {
            prefix: config.prefix,
            account,
            cidr: config.network.cidr,
            zoneNames,
            subnets: config.network.subnets,
            natStrategy: config.network.natStrategy,
            privateEndpoints: config.network.privateEndpoints,
            flowLogs: config.network.flowLogs,
            protect: config.deletionProtection,
        },
        childOpts,
    );

    const bastion = new Bastion(
        "bastion",
        {
            prefix: config.prefix,
            account,
            vpcId: network.networkId,
            vpcCidr: network.cidr,
            subnetId: network.publicSubnetIds[0],
            allowedCidrs: config.bastion.allowedCidrs,
            instanceType: config.bastion.instanceType,
            userData: "#cloud-config\n",
        },
        childOpts,
    );

    return {
        cloud: "aws",
        region: config.region,
        networkId: network.networkId,
        networkCidr: network.cidr,
        zones: network.zones,
        publicSubnetIds: network.publicSubnetIds,
        nodeSubnetIds: network.privateSubnetIds.nodes,
        toolSubnetIds: network.privateSubnetIds.tools,
        natPublicIps: network.natPublicIps,
        bastionPublicIp: bastion.publicIp,
        bastionSshUser: bastion.sshUser,
        bastionPrivateKeyPem: bastion.privateKeyPem,
        bastionSecurityGroupId: bastion.securityGroupId,
    };
}
