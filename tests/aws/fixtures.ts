/**
 * Shared helpers for the AWS tests: each shipped stack runs ONCE per mocha process (memoised),
 * however many files read its graph.
 */
import * as zlib from "node:zlib";
import { CapturedResource, ofType, ResourceGraph } from "../../offline/graph";

export { graphOf, variantOf } from "../support/graphs";

export const T = {
    instance: "aws:ec2/instance:Instance",
    volume: "aws:ebs/volume:Volume",
    attachment: "aws:ec2/volumeAttachment:VolumeAttachment",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    legacyRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
    key: "aws:kms/key:Key",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    attachPolicy: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    cluster: "aws:eks/cluster:Cluster",
    nodeGroup: "aws:eks/nodeGroup:NodeGroup",
    launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
    addon: "aws:eks/addon:Addon",
    accessEntry: "aws:eks/accessEntry:AccessEntry",
    accessPolicy: "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    subnet: "aws:ec2/subnet:Subnet",
    backupVault: "aws:backup/vault:Vault",
    backupPlan: "aws:backup/plan:Plan",
    backupSelection: "aws:backup/selection:Selection",
    bucket: "aws:s3/bucket:Bucket",
    secret: "aws:secretsmanager/secret:Secret",
} as const;

/** The resource whose provider-assigned id is `id`. */
export function byId(graph: ResourceGraph, id: unknown): CapturedResource | undefined {
    return graph.resources.find((r) => r.id === id);
}

/** The resource whose computed `arn` is `arn`. */
export function byArn(graph: ResourceGraph, arn: unknown): CapturedResource | undefined {
    return graph.resources.find((r) => r.custom && r.state.arn === arn);
}

/** Logical name of a resource with a given id, or throws. */
export function nameOfId(graph: ResourceGraph, id: unknown): string {
    const r = byId(graph, id);
    if (!r) {
        throw new Error(`no resource with id ${JSON.stringify(id)}`);
    }
    return r.name;
}

/** Decodes gzip+base64 user data. */
export function gunzipUserData(b64: unknown): string {
    return zlib.gunzipSync(Buffer.from(String(b64), "base64")).toString("utf8");
}

/** A JSON policy input, parsed. */
export function policyOf(r: CapturedResource, field = "policy"): { Statement: any[] } {
    return JSON.parse(String(r.inputs[field]));
}

/** Tool VM roles. */
export const ROLES = ["jenkins", "vault", "wazuh"] as const;

/** Subnet tier (`public` | `nodes` | `tools`) of a subnet id, from its `tier` tag. */
export function subnetTier(graph: ResourceGraph, id: unknown): string {
    const s = ofType(graph, T.subnet).find((r) => r.id === id);
    if (!s) {
        throw new Error(`no subnet ${JSON.stringify(id)}`);
    }
    return String((s.inputs.tags as Record<string, string>).tier);
}
