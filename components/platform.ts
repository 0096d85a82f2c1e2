/**
 * `platform:index:Platform`: the whole platform for one stack. It picks the cloud's builder
 * (loaded on demand, so an AWS stack never loads another cloud's SDK) and wires
 * network -> bastion -> cluster / tool VMs -> addons through the contracts.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "./config";

/** Stack outputs every cloud provides (names are part of the contract with automation/). */
export interface PlatformOutputs {
    readonly cloud: string;
    readonly region: string;
    readonly networkId: pulumi.Output<string>;
    readonly networkCidr: string;
    readonly zones: readonly string[];
    readonly publicSubnetIds: pulumi.Output<string>[];
    readonly nodeSubnetIds: pulumi.Output<string>[];
    readonly toolSubnetIds: pulumi.Output<string>[];
    readonly natPublicIps: pulumi.Output<string>[];
    readonly bastionPublicIp: pulumi.Output<string>;
    readonly bastionSshUser: string;
    /** Secret. */
    readonly bastionPrivateKeyPem: pulumi.Output<string>;
    readonly bastionSecurityGroupId: pulumi.Output<string>;
}

export interface PlatformArgs {
    /** The validated stack configuration (components/config). */
    readonly config: PlatformConfig;
}

export class Platform extends pulumi.ComponentResource<PlatformOutputs> {
    /** Resolves once every child is declared. */
    readonly outputs: Promise<PlatformOutputs>;

    constructor(name: string, args: PlatformArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:index:Platform", name, args as unknown as pulumi.Inputs, opts);
        this.outputs = this.getData();
    }

    protected override async initialize(args: pulumi.Inputs): Promise<PlatformOutputs> {
        const { config } = args as unknown as PlatformArgs;
        switch (config.cloud) {
            case "aws": {
                const { buildAwsPlatform } = await import("./aws");
                return buildAwsPlatform(config, this);
            }
            default: {
                const impossible: never = config.cloud;
                throw new Error(`no builder for cloud ${String(impossible)}`);
            }
        }
    }
}
