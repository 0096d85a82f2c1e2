import * as aws from "@pulumi/aws";
import { cis, configOf, resourcePolicy, validateTyped } from "../../lib/policy";
import { containsUnknown, list } from "../../lib/values";

export interface ControlPlaneLogsConfig {
    requiredLogTypes: string[];
}

const LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

const configSchema = {
    properties: {
        requiredLogTypes: {
            type: "array" as const,
            items: { type: "string" as const, enum: LOG_TYPES },
            uniqueItems: true,
            default: LOG_TYPES,
            description: "Control plane log types that must be enabled.",
        },
    },
};

export const awsEksClusterRequireControlPlaneLogs = resourcePolicy({
    name: "aws-eks-cluster-require-control-plane-logs",
    description: "EKS control plane logs (api, audit, authenticator, controllerManager, scheduler) are enabled.",
    severity: "medium",
    category: "security",
    topics: ["logging", "kubernetes"],
    enforcementLevel: "mandatory",
    framework: cis("eks", "2.1.1", "Enable audit Logs"),
    configSchema,
    validateResource: validateTyped(aws.eks.Cluster, (cluster, args, report) => {
        const { requiredLogTypes } = configOf<ControlPlaneLogsConfig>(args, configSchema);
        if (containsUnknown(cluster.enabledClusterLogTypes)) {
            return;
        }
        const enabled = list(cluster.enabledClusterLogTypes);
        const missing = requiredLogTypes.filter((t) => !enabled.includes(t));
        if (missing.length > 0) {
            report(`enabledClusterLogTypes lacks ${missing.join(", ")}. Enable ${requiredLogTypes.join(", ")}.`);
        }
    }),
});
