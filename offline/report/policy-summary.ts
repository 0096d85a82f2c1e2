/**
 * The policy report as `npm run plan` prints it by default: quiet.
 *
 * - Rules that do not apply (the other clouds' rules, mostly) collapse into one count line;
 *   `--verbose` lists them (offline/policy.ts formatPolicyReport, the full format).
 * - Advisories the environment profile makes expected (dev and staging are not protected from
 *   `pulumi destroy`, by design: components/config/profiles.ts) are summarised once, with the
 *   setting that changes them, instead of one line per resource.
 * The header names the enforcement file the report used.
 */
import * as path from "path";
import { formatPolicyReport, formatPolicySummary, formatRuleFindings, formatRuleLine, POLICY_CONFIG_DIR, PolicyReport } from "../policy";
import { profileFor } from "../../components/config/profiles";
import type { Cloud } from "../../components/config/schema";

/** The enforcement file a report was judged with, as a repository path. */
export function policyConfigFile(report: PolicyReport): string {
    return path.posix.join("policy-pack", "config", `${report.environment}.json`);
}

/** Sanity: the file exists where the runner reads it. */
export function policyConfigPath(report: PolicyReport): string {
    return path.join(POLICY_CONFIG_DIR, `${report.environment}.json`);
}

interface ExpectedAdvisory {
    readonly rule: string;
    /** Whether the environment's profile makes these violations expected. */
    readonly expected: (report: PolicyReport, cloud: Cloud | undefined) => boolean;
    readonly why: (report: PolicyReport) => string;
}

const EXPECTED: readonly ExpectedAdvisory[] = [
    {
        rule: "all-data-stateful-require-protect",
        expected: (report, cloud) => !profileFor(cloud ?? "aws", report.environment).deletionProtection,
        why: (report) =>
            `expected in ${report.environment}: its profile sets deletionProtection=false (components/config/profiles.ts), so stateful resources are not protected from \`pulumi destroy\`. ` +
            `To protect them use the prod profile; to stop reporting them set "all-data-stateful-require-protect": { "enforcementLevel": "disabled" } in ${policyConfigFile(report)}.`,
    },
];

export interface QuietOptions {
    readonly verbose?: boolean;
    readonly cloud?: Cloud;
}

/** The default (quiet) policy report; `verbose` gives the full one. */
export function formatPolicyReportQuiet(report: PolicyReport, options: QuietOptions = {}): string {
    const header = `(environment ${report.environment}, enforcement from ${policyConfigFile(report)})`;
    if (options.verbose) {
        return formatPolicyReport(report).replace(`(environment ${report.environment})`, header);
    }
    const lines = [`Policy report for ${report.project}/${report.stack} ${header}: ${report.rules.length} rules`];
    const notApplicable = report.rules.filter((r) => r.status === "not-applicable");
    for (const rule of report.rules) {
        if (rule.status === "not-applicable") {
            continue;
        }
        lines.push(formatRuleLine(rule));
        const expected = EXPECTED.find((e) => e.rule === rule.name && rule.status === "violations" && rule.violations.every((v) => v.enforcementLevel === "advisory") && e.expected(report, options.cloud));
        if (expected) {
            lines.push(`        ${rule.violations.length} advisories ${expected.why(report)}`);
            lines.push(`        (${rule.violations.map((v) => v.resourceName ?? v.urn ?? "stack").join(", ")})`);
            continue;
        }
        lines.push(...formatRuleFindings(rule));
    }
    if (notApplicable.length > 0) {
        lines.push(`  ${notApplicable.length} rules not applicable to this stack (other clouds' or absent resource types); --verbose lists them`);
    }
    lines.push(...formatPolicySummary(report));
    return lines.join("\n");
}
