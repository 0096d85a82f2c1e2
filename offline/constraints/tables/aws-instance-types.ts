/**
 * EC2 instance types: vCPUs, memory and CPU architecture, for the families the platform's node
 * pools may use. Independent of components/aws: a test checks every group of instance types the
 * components give a node group (components/aws/instance-types.ts) against this table (one size:
 * same vCPUs and memory, the AMI type's architecture), and the catalogue entry
 * aws-eks-nodegroup-instance-architecture reads the architecture column.
 *
 * Sources: the EC2 instance type specifications (general purpose
 * https://docs.aws.amazon.com/ec2/latest/instancetypes/gp.html, compute optimized .../co.html,
 * memory optimized .../mo.html), cross-checked row by row against the Cluster Autoscaler's static
 * list generated from the EC2 API (kubernetes/autoscaler tag cluster-autoscaler-1.35.2,
 * cluster-autoscaler/cloudprovider/aws/ec2_instance_types.go, StaticListLastUpdateTime 2026-01-22;
 * its `amd64` is EC2's `x86_64`).
 */

export interface AwsInstanceType {
    readonly name: string;
    readonly vcpus: number;
    readonly memoryMiB: number;
    readonly architecture: "x86_64" | "arm64";
}

const t = (name: string, vcpus: number, memoryMiB: number, architecture: AwsInstanceType["architecture"]): AwsInstanceType => ({ name, vcpus, memoryMiB, architecture });

export const AWS_INSTANCE_TYPES: readonly AwsInstanceType[] = [
    t("m5.large", 2, 8192, "x86_64"),
    t("m5.xlarge", 4, 16384, "x86_64"),
    t("m5.2xlarge", 8, 32768, "x86_64"),
    t("m5.4xlarge", 16, 65536, "x86_64"),
    t("m5a.large", 2, 8192, "x86_64"),
    t("m5a.xlarge", 4, 16384, "x86_64"),
    t("m5a.2xlarge", 8, 32768, "x86_64"),
    t("m5a.4xlarge", 16, 65536, "x86_64"),
    t("m6i.large", 2, 8192, "x86_64"),
    t("m6i.xlarge", 4, 16384, "x86_64"),
    t("m6i.2xlarge", 8, 32768, "x86_64"),
    t("m6i.4xlarge", 16, 65536, "x86_64"),
    t("m6a.large", 2, 8192, "x86_64"),
    t("m6a.xlarge", 4, 16384, "x86_64"),
    t("m6a.2xlarge", 8, 32768, "x86_64"),
    t("m6a.4xlarge", 16, 65536, "x86_64"),
    t("m7i.large", 2, 8192, "x86_64"),
    t("m7i.xlarge", 4, 16384, "x86_64"),
    t("m7i.2xlarge", 8, 32768, "x86_64"),
    t("m7i.4xlarge", 16, 65536, "x86_64"),
    t("m7a.medium", 1, 4096, "x86_64"),
    t("m7a.large", 2, 8192, "x86_64"),
    t("m7a.xlarge", 4, 16384, "x86_64"),
    t("m7a.2xlarge", 8, 32768, "x86_64"),
    t("m7a.4xlarge", 16, 65536, "x86_64"),
    t("m6g.medium", 1, 4096, "arm64"),
    t("m6g.large", 2, 8192, "arm64"),
    t("m6g.xlarge", 4, 16384, "arm64"),
    t("m6g.2xlarge", 8, 32768, "arm64"),
    t("m6g.4xlarge", 16, 65536, "arm64"),
    t("m7g.medium", 1, 4096, "arm64"),
    t("m7g.large", 2, 8192, "arm64"),
    t("m7g.xlarge", 4, 16384, "arm64"),
    t("m7g.2xlarge", 8, 32768, "arm64"),
    t("m7g.4xlarge", 16, 65536, "arm64"),
    t("c5.large", 2, 4096, "x86_64"),
    t("c5.xlarge", 4, 8192, "x86_64"),
    t("c5.2xlarge", 8, 16384, "x86_64"),
    t("c5.4xlarge", 16, 32768, "x86_64"),
    t("c5a.large", 2, 4096, "x86_64"),
    t("c5a.xlarge", 4, 8192, "x86_64"),
    t("c5a.2xlarge", 8, 16384, "x86_64"),
    t("c5a.4xlarge", 16, 32768, "x86_64"),
    t("c6i.large", 2, 4096, "x86_64"),
    t("c6i.xlarge", 4, 8192, "x86_64"),
    t("c6i.2xlarge", 8, 16384, "x86_64"),
    t("c6i.4xlarge", 16, 32768, "x86_64"),
    t("c6a.large", 2, 4096, "x86_64"),
    t("c6a.xlarge", 4, 8192, "x86_64"),
    t("c6a.2xlarge", 8, 16384, "x86_64"),
    t("c6a.4xlarge", 16, 32768, "x86_64"),
    t("c7i.large", 2, 4096, "x86_64"),
    t("c7i.xlarge", 4, 8192, "x86_64"),
    t("c7i.2xlarge", 8, 16384, "x86_64"),
    t("c7i.4xlarge", 16, 32768, "x86_64"),
    t("r5.large", 2, 16384, "x86_64"),
    t("r5.xlarge", 4, 32768, "x86_64"),
    t("r5.2xlarge", 8, 65536, "x86_64"),
    t("r5.4xlarge", 16, 131072, "x86_64"),
    t("r5a.large", 2, 16384, "x86_64"),
    t("r5a.xlarge", 4, 32768, "x86_64"),
    t("r5a.2xlarge", 8, 65536, "x86_64"),
    t("r5a.4xlarge", 16, 131072, "x86_64"),
    t("r6i.large", 2, 16384, "x86_64"),
    t("r6i.xlarge", 4, 32768, "x86_64"),
    t("r6i.2xlarge", 8, 65536, "x86_64"),
    t("r6i.4xlarge", 16, 131072, "x86_64"),
    t("r6a.large", 2, 16384, "x86_64"),
    t("r6a.xlarge", 4, 32768, "x86_64"),
    t("r6a.2xlarge", 8, 65536, "x86_64"),
    t("r6a.4xlarge", 16, 131072, "x86_64"),
    t("r7i.large", 2, 16384, "x86_64"),
    t("r7i.xlarge", 4, 32768, "x86_64"),
    t("r7i.2xlarge", 8, 65536, "x86_64"),
    t("r7i.4xlarge", 16, 131072, "x86_64"),
    t("t3.medium", 2, 4096, "x86_64"),
    t("t3.large", 2, 8192, "x86_64"),
    t("t3.xlarge", 4, 16384, "x86_64"),
    t("t3.2xlarge", 8, 32768, "x86_64"),
    t("t3a.medium", 2, 4096, "x86_64"),
    t("t3a.large", 2, 8192, "x86_64"),
    t("t3a.xlarge", 4, 16384, "x86_64"),
    t("t3a.2xlarge", 8, 32768, "x86_64"),
];

/** The CPU architecture of an EKS managed node group AMI type (EKS API reference, Nodegroup amiType). */
export const EKS_AMI_TYPE_ARCHITECTURE: Readonly<Record<string, AwsInstanceType["architecture"]>> = {
    AL2023_x86_64_STANDARD: "x86_64",
    AL2023_ARM_64_STANDARD: "arm64",
    BOTTLEROCKET_x86_64: "x86_64",
    BOTTLEROCKET_ARM_64: "arm64",
};
export const EKS_AMI_TYPE_SOURCE = "https://docs.aws.amazon.com/eks/latest/APIReference/API_Nodegroup.html";
