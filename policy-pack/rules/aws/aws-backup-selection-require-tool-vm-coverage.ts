import type { PolicyResource } from "@pulumi/policy";
import { configOf, stackPolicy } from "../../lib/policy";
import { effectiveTags, label, roleOf } from "../../lib/stack";
import { containsUnknown, field, isUnknown, list, plain } from "../../lib/values";

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
 * Does a selection cover the instance? A selection picks resources by ARN (`resources`) or by
 * tag (`selectionTags`, any may match), minus `notResources`, and every `conditions` entry must
 * then hold (they only narrow). Unknown values (preview) give the benefit of the doubt only where
 * they could ADD coverage: `conditions` and `notResources` are provider-computed, so a first
 * preview sends them unknown even when the program sets none (stack rules see outputs); an
 * unknown there can only narrow the selection and never turns an uncovered VM into a covered one.
 */
function covers(selection: PolicyResource, vm: PolicyResource, tags: Tags): boolean {
    const props = plain(selection.props) as Record<string, unknown>;
    const maybe = containsUnknown(props.resources) || containsUnknown(props.selectionTags);
    const byTag = list(props.selectionTags).some((t) => String(field(t, "type")).toUpperCase() === "STRINGEQUALS" && tagMatches(tags, field(t, "key"), field(t, "value")));
    const arn = field(plain(vm.props), "arn");
    const names = (r: unknown) => typeof r === "string" && (ALL_INSTANCES.test(r) || (typeof arn === "string" && !isUnknown(arn) && r === arn));
    const byArn = selection.dependencies.some((d) => d.urn === vm.urn) || list(props.resources).some(names);
    const excluded = list(props.notResources).some(names);
    if (!(byTag || byArn || maybe) || excluded) {
        return false;
    }
    if (containsUnknown(props.conditions)) {
        return true;
    }
    const conditions = Array.isArray(props.conditions) ? props.conditions : [props.conditions];
    const equals = conditions.flatMap((c) => list(field(c, "stringEquals")));
    return equals.every((c) => {
        const key = String(field(c, "key") ?? "").replace(/^aws:ResourceTag\//, "");
        return tagMatches(tags, key, field(c, "value"));
    });
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
