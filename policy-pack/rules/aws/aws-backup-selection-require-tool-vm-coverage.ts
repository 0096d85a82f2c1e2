import type { PolicyResource } from "@pulumi/policy";
import { configOf, stackPolicy } from "../../lib/policy";
import { effectiveTags, label, roleOf } from "../../lib/stack";
import { containsUnknown, field, list, plain } from "../../lib/values";

export interface BackupCoverageConfig {
    roles: string[];
}

const configSchema = {
    properties: {
        roles: {
            type: "array" as const,
            items: { type: "string" as const },
            default: ["jenkins", "vault", "wazuh"],
            description: "Values of the `role` tag whose VMs must be covered by an AWS Backup selection.",
        },
    },
};

const INSTANCE = "aws:ec2/instance:Instance";
const SELECTION = "aws:backup/selection:Selection";
const ALL_INSTANCES = /^(\*|arn:aws[a-z-]*:ec2:[^:]*:[^:]*:instance\/\*)$/;

type Tags = Record<string, unknown>;

function tagMatches(tags: Tags, key: unknown, value: unknown): boolean {
    return typeof key === "string" && tags[key] === value;
}

/**
 * Does a selection cover the instance? Selections pick resources by ARN (`resources`, with
 * optional `conditions` that must all match) or by tag (`selectionTags`, any may match).
 * Anything unknown at preview counts as covering: no false alarm.
 */
function covers(selection: PolicyResource, vm: PolicyResource, tags: Tags): boolean {
    const props = plain(selection.props) as Record<string, unknown>;
    if (containsUnknown(props.resources) || containsUnknown(props.selectionTags) || containsUnknown(props.conditions)) {
        return true;
    }
    const byTag = list(props.selectionTags).some((t) => String(field(t, "type")).toUpperCase() === "STRINGEQUALS" && tagMatches(tags, field(t, "key"), field(t, "value")));
    if (byTag) {
        return true;
    }
    const byArn =
        selection.dependencies.some((d) => d.urn === vm.urn) || list(props.resources).some((r) => typeof r === "string" && ALL_INSTANCES.test(r));
    const conditions = Array.isArray(props.conditions) ? props.conditions : [props.conditions];
    const equals = conditions.flatMap((c) => list(field(c, "stringEquals")));
    const conditionsHold = equals.every((c) => {
        const key = String(field(c, "key") ?? "").replace(/^aws:ResourceTag\//, "");
        return tagMatches(tags, key, field(c, "value"));
    });
    return byArn && conditionsHold;
}

export const awsBackupSelectionRequireToolVmCoverage = stackPolicy({
    name: "aws-backup-selection-require-tool-vm-coverage",
    description: "Every tool VM (Jenkins, Vault, Wazuh) is covered by an AWS Backup selection.",
    severity: "high",
    category: "security",
    topics: ["data-protection"],
    enforcementLevel: "mandatory",
    configSchema,
    validateStack: (args, report) => {
        const { roles } = configOf<BackupCoverageConfig>(args, configSchema);
        const vms = args.resources.filter((r) => r.type === INSTANCE && roles.includes(roleOf(r) ?? ""));
        if (vms.length === 0) {
            args.notApplicable("no tool VMs in the stack");
        }
        const selections = args.resources.filter((r) => r.type === SELECTION);
        for (const vm of vms) {
            const tags = effectiveTags(vm);
            if (tags === "unknown") {
                continue;
            }
            if (!selections.some((s) => covers(s, vm, tags ?? {}))) {
                report(
                    `${label(vm)} (role ${roleOf(vm)}) is not covered by any AWS Backup selection. ` +
                        "Add it to a aws.backup.Selection (resources with its ARN, or selectionTags on its role tag).",
                    vm.urn,
                );
            }
        }
    },
});
