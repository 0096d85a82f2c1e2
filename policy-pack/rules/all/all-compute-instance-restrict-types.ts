import { AZURE_INSTANCE_TYPE_READERS } from "../../lib/azure";
import { configOf, resourcePolicy, validateTokens } from "../../lib/policy";
import { field, isUnknown, list } from "../../lib/values";

export interface RestrictTypesConfig {
    allowedTypes: string[];
}

const configSchema = {
    properties: {
        allowedTypes: {
            type: "array" as const,
            items: { type: "string" as const, minLength: 1 },
            minItems: 1,
            uniqueItems: true,
            default: ["t3.micro", "t3.small", "t3.medium", "t3.large", "m6i.large", "m6i.xlarge", "m7i.large", "m7i.xlarge", "Standard_B2s", "Standard_D2s_v5", "Standard_D4s_v5", "Standard_D4ds_v5", "Standard_D8ds_v5", "e2-small", "e2-medium", "e2-standard-2", "e2-standard-4", "n2-standard-4", "n2-standard-8"],
            description: "Instance types / VM sizes / machine types this environment may use (all clouds).",
        },
    },
};

/** Per type token: the instance types a resource asks for. Azure and GCP add entries. */
const READERS: Readonly<Record<string, (props: Record<string, unknown>) => { where: string; value: unknown }[]>> = {
    "aws:ec2/instance:Instance": (p) => [{ where: "instanceType", value: p.instanceType }],
    "aws:ec2/launchTemplate:LaunchTemplate": (p) => [{ where: "instanceType", value: p.instanceType }],
    "aws:eks/nodeGroup:NodeGroup": (p) => list(p.instanceTypes).map((value, i) => ({ where: `instanceTypes[${i}]`, value })),
    "gcp:compute/instance:Instance": (p) => [{ where: "machineType", value: p.machineType }],
    "gcp:container/nodePool:NodePool": (p) => [{ where: "nodeConfig.machineType", value: field(p.nodeConfig, "machineType") }],
    // Azure: VM sizes of VMs and AKS pools (lib/azure.ts).
    ...AZURE_INSTANCE_TYPE_READERS,
};

/** Cost guardrail: each environment has its allowlist (policy-pack/config/<env>.json). */
export const allComputeInstanceRestrictTypes = resourcePolicy({
    name: "all-compute-instance-restrict-types",
    description: "Instance types (VM sizes) stay within the environment's allowlist.",
    severity: "low",
    category: "cost",
    topics: ["cost"],
    enforcementLevel: "advisory",
    configSchema,
    remediationSteps: "Pick an allowed type or extend allowedTypes in policy-pack/config/<env>.json after a cost review.",
    validateResource: validateTokens(Object.keys(READERS), (props, args, report) => {
        const { allowedTypes } = configOf<RestrictTypesConfig>(args, configSchema);
        for (const { where, value } of READERS[args.type]?.(props) ?? []) {
            if (typeof value === "string" && !isUnknown(value) && !allowedTypes.includes(value)) {
                report(`${where} ${value} is not in this environment's allowlist (${allowedTypes.join(", ")}). Pick an allowed type or extend allowedTypes.`);
            }
        }
    }),
});
