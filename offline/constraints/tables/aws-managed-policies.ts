/**
 * AWS managed IAM policies and EKS access policies the platform may attach, by name, with the
 * path AWS publishes them under (the ARN is `arn:<partition>:iam::aws:policy<path><name>`).
 * Independent of components/aws: a test compares every policy the components attach, by name,
 * to this table; the catalogue refuses an attachment of an `iam::aws:policy/...` ARN not here.
 *
 * Sources: the AWS Managed Policy Reference Guide, one page per policy
 * (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/<Name>.html, "Policy details:
 * ARN"), cross-checked against z0ph/MAMIP policies-list.json (snapshot 2025-02-22: every row's
 * Arn and Path agree). A wrong path (`policy/AmazonEBSCSIDriverPolicy` instead of
 * `policy/service-role/AmazonEBSCSIDriverPolicy`) is a NoSuchEntity at `pulumi up`.
 */
const REF = "https://docs.aws.amazon.com/aws-managed-policy/latest/reference";

export interface AwsManagedPolicy {
    readonly name: string;
    /** `/` or `/service-role/`. */
    readonly path: "/" | "/service-role/";
    readonly source: string;
}

const p = (name: string, path: AwsManagedPolicy["path"] = "/"): AwsManagedPolicy => ({ name, path, source: `${REF}/${name}.html` });

export const AWS_MANAGED_POLICIES: readonly AwsManagedPolicy[] = [
    p("AmazonSSMManagedInstanceCore"),
    p("AmazonSSMManagedEC2InstanceDefaultPolicy"),
    p("AmazonEKSClusterPolicy"),
    p("AmazonEKSWorkerNodePolicy"),
    p("AmazonEKS_CNI_Policy"),
    p("AmazonEC2ContainerRegistryPullOnly"),
    p("AmazonEC2ContainerRegistryReadOnly"),
    p("CloudWatchAgentServerPolicy"),
    p("AmazonEBSCSIDriverPolicy", "/service-role/"),
    p("AWSBackupServiceRolePolicyForBackup", "/service-role/"),
    p("AWSBackupServiceRolePolicyForRestores", "/service-role/"),
];

/** `iam::aws:policy/<path-and-name>` of a managed policy ARN, or undefined for other ARNs. */
export function managedPolicyPath(arn: string): string | undefined {
    return /^arn:aws[a-z-]*:iam::aws:policy\/(.+)$/.exec(arn)?.[1];
}

export function managedPolicyByName(name: string): AwsManagedPolicy | undefined {
    return AWS_MANAGED_POLICIES.find((m) => m.name === name);
}

/**
 * EKS access policies (cluster-access-policy ARNs, `arn:<partition>:eks::aws:cluster-access-policy/<Name>`).
 * Source: "Associate access policies with access entries", access policy permissions
 * (https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html).
 */
export const EKS_ACCESS_POLICIES: readonly string[] = [
    "AmazonEKSAdminPolicy",
    "AmazonEKSClusterAdminPolicy",
    "AmazonEKSAdminViewPolicy",
    "AmazonEKSEditPolicy",
    "AmazonEKSViewPolicy",
];
export const EKS_ACCESS_POLICY_SOURCE = "https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html";
