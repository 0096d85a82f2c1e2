import { AZURE_STATEFUL_TYPES } from "../../lib/azure";
import { configOf, stackPolicy } from "../../lib/policy";
import { label, roleOf } from "../../lib/stack";

export interface RequireProtectConfig {
    statefulTypes: string[];
    statefulRoles: string[];
}

const configSchema = {
    properties: {
        statefulTypes: {
            type: "array" as const,
            items: { type: "string" as const },
            default: [
                "aws:ebs/volume:Volume",
                "aws:s3/bucket:Bucket",
                "aws:s3/bucketV2:BucketV2",
                "aws:kms/key:Key",
                "aws:backup/vault:Vault",
                "aws:efs/fileSystem:FileSystem",
                "aws:rds/instance:Instance",
                "aws:eks/cluster:Cluster",
                "gcp:compute/disk:Disk",
                "gcp:storage/bucket:Bucket",
                "gcp:kms/keyRing:KeyRing",
                "gcp:kms/cryptoKey:CryptoKey",
                "gcp:secretmanager/secret:Secret",
                "gcp:compute/resourcePolicy:ResourcePolicy",
                "gcp:container/cluster:Cluster",
                ...AZURE_STATEFUL_TYPES,
            ],
            description: "Type tokens whose resources hold state that a replacement or destroy would lose.",
        },
        statefulRoles: {
            type: "array" as const,
            items: { type: "string" as const },
            default: ["jenkins", "vault", "wazuh"],
            description: "Values of the `role` tag that mark a VM as stateful (the tool VMs).",
        },
    },
};

/**
 * `protect` makes a destroy or a replacing update fail instead of deleting data. Wanted in
 * prod; dev stacks are ephemeral (the config files disable the rule there).
 */
export const allDataStatefulRequireProtect = stackPolicy({
    name: "all-data-stateful-require-protect",
    description: "Stateful resources (keys, buckets, volumes, backup vaults, clusters, tool VMs) have the protect option.",
    severity: "high",
    category: "resilience",
    topics: ["data-protection"],
    enforcementLevel: "mandatory",
    configSchema,
    remediationSteps: "Create the resource with `protect: true` (the platform sets it from the environment profile).",
    validateStack: (args, report) => {
        const { statefulTypes, statefulRoles } = configOf<RequireProtectConfig>(args, configSchema);
        const stateful = args.resources.filter((r) => {
            if (statefulTypes.includes(r.type)) {
                return true;
            }
            const role = r.type.startsWith("pulumi:") ? undefined : roleOf(r);
            return role !== undefined && statefulRoles.includes(role); // an unknown role is not judged
        });
        if (stateful.length === 0) {
            args.notApplicable("no stateful resources in the stack");
        }
        for (const r of stateful.filter((s) => !s.opts.protect)) {
            report(`${label(r)} holds state but is not protected. Set the protect resource option so a destroy or replacement cannot delete it.`, r.urn);
        }
    },
});
