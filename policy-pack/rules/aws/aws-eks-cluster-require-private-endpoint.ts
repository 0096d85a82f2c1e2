import * as aws from "@pulumi/aws";
import { cis, resourcePolicy, validateTyped } from "../../lib/policy";
import { field, isUnknown, show } from "../../lib/values";

export const awsEksClusterRequirePrivateEndpoint = resourcePolicy({
    name: "aws-eks-cluster-require-private-endpoint",
    description: "The EKS private API endpoint is enabled, so nodes and the bastion reach the API inside the VPC.",
    severity: "medium",
    category: "security",
    topics: ["exposure", "kubernetes"],
    enforcementLevel: "mandatory",
    framework: cis("eks", "5.4.2", "Ensure clusters are created with Private Endpoint Enabled and Public Access Disabled"),
    validateResource: validateTyped(aws.eks.Cluster, (cluster, _args, report) => {
        const privateAccess = field(cluster.vpcConfig, "endpointPrivateAccess");
        if (!isUnknown(cluster.vpcConfig) && !isUnknown(privateAccess) && privateAccess !== true) {
            report(`vpcConfig.endpointPrivateAccess is ${show(privateAccess)} (defaults to false): node and bastion traffic to the API would leave the VPC. Set it to true.`);
        }
    }),
});
