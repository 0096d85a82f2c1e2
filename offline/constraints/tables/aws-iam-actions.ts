/**
 * IAM actions the platform grants on named resources, with the resource types the Service
 * Authorization Reference lists for them and those types' ARN formats. Independent of
 * components/aws: a test compares each scoped statement the components write to this table, so a
 * wrong action name or an ARN of the wrong resource type (a policy IAM accepts but never applies:
 * AccessDenied on the VM at run time) fails offline.
 *
 * Source: the Service Authorization Reference, one page per service ("Actions defined by ..."
 * and "Resource types defined by ..."), cross-checked against udondan/iam-floyd
 * lib/generated/policy-statements/<service>.ts at 50d8b534ec4653717dd004ab83bedea80851828b
 * (generated from those pages: `toDescribeCluster`, `onCluster`, `onNodegroup`).
 */

const EKS_REF = "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelastickubernetesservice.html";

export interface AwsIamResourceType {
    /** `<service prefix>:<resource type>` as the reference names it, e.g. `eks:cluster`. */
    readonly id: string;
    /** The ARN format with its `${Placeholders}`, exactly as the reference prints it. */
    readonly arnFormat: string;
    readonly source: string;
}

export interface AwsIamAction {
    /** `<service prefix>:<Action>`. */
    readonly action: string;
    readonly accessLevel: "List" | "Read" | "Write" | "Permissions management" | "Tagging";
    /** Resource types the action can be scoped to (required ones marked `*` in the reference). */
    readonly resourceTypes: readonly string[];
    readonly source: string;
}

export const AWS_IAM_RESOURCE_TYPES: readonly AwsIamResourceType[] = [
    { id: "eks:cluster", arnFormat: "arn:${Partition}:eks:${Region}:${Account}:cluster/${ClusterName}", source: `${EKS_REF}#amazonelastickubernetesservice-resources-for-iam-policies` },
    { id: "eks:nodegroup", arnFormat: "arn:${Partition}:eks:${Region}:${Account}:nodegroup/${ClusterName}/${NodegroupName}/${UUID}", source: `${EKS_REF}#amazonelastickubernetesservice-resources-for-iam-policies` },
];

export const AWS_IAM_ACTIONS: readonly AwsIamAction[] = [
    { action: "eks:DescribeCluster", accessLevel: "Read", resourceTypes: ["eks:cluster"], source: `${EKS_REF}#amazonelastickubernetesservice-actions-as-permissions` },
    { action: "eks:DescribeNodegroup", accessLevel: "Read", resourceTypes: ["eks:nodegroup"], source: `${EKS_REF}#amazonelastickubernetesservice-actions-as-permissions` },
];

export function iamActionByName(action: string): AwsIamAction | undefined {
    return AWS_IAM_ACTIONS.find((a) => a.action === action);
}

/**
 * The ARN format as a pattern: `${Partition}` one of the partitions, `${Account}` 12 digits,
 * `${Region}` a region name, any other placeholder one or more characters other than `/`.
 * Concrete values (the given region, account) can be pinned.
 */
export function arnFormatPattern(format: string, pin: { readonly partition?: string; readonly region?: string; readonly account?: string } = {}): RegExp {
    const esc = (v: string) => v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const body = format
        .split(/(\$\{[A-Za-z]+\})/)
        .map((part) => {
            switch (part) {
                case "${Partition}":
                    return pin.partition ? esc(pin.partition) : "aws(?:-cn|-us-gov)?";
                case "${Region}":
                    return pin.region ? esc(pin.region) : "[a-z]{2}(?:-[a-z]+)+-\\d";
                case "${Account}":
                    return pin.account ? esc(pin.account) : "\\d{12}";
                default:
                    return /^\$\{[A-Za-z]+\}$/.test(part) ? "[^/*]+" : esc(part);
            }
        })
        .join("");
    return new RegExp(`^${body}$`);
}

/**
 * Why a statement's Resource does not fit its action (empty when every resource is an ARN of one
 * of the action's resource types). A `*` anywhere is reported: these actions can be scoped.
 */
export function scopedResourceProblems(action: string, resources: readonly string[], pin: Parameters<typeof arnFormatPattern>[1] = {}): string[] {
    const known = iamActionByName(action);
    if (!known) {
        return [`${action} is not in offline/constraints/tables/aws-iam-actions.ts`];
    }
    const formats = known.resourceTypes.map((t) => AWS_IAM_RESOURCE_TYPES.find((r) => r.id === t)!.arnFormat);
    return resources.filter((arn) => !formats.some((f) => arnFormatPattern(f, pin).test(arn))).map((arn) => `${arn} is not an ARN of ${known.resourceTypes.join(" or ")} (${action})`);
}
