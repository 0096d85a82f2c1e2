/**
 * offline/policy.ts builds what @pulumi/policy's server builds and applies enforcement like the
 * CLI: these tests pin that behaviour.
 */
import assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import type { PolicyPackConfig, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { effectiveEnforcement, formatPolicyReport, hasMandatoryViolations, runPolicies } from "../../offline/policy";
import type { PlatformPolicy } from "../../policy-pack/lib/policy";
import { resourcePolicy, stackPolicy, validateTyped } from "../../policy-pack/lib/policy";
import { COMMON_TAGS, goodStack, PROVIDER_URN, ruleNamed, stackWith, spec } from "./fixtures";

const probe = (seen: ResourceValidationArgs[]): PlatformPolicy =>
    resourcePolicy({
        name: "test-probe-resource-require-nothing",
        description: "Probe.",
        severity: "low",
        category: "security",
        topics: ["hardening"],
        enforcementLevel: "advisory",
        configSchema: { properties: { limit: { type: "integer", default: 3 } } },
        validateResource: validateTyped(aws.kms.Key, (_props, args) => {
            seen.push(args);
        }),
    });

describe("offline policy runner", () => {
    it("builds resource args like the SDK: type, name, urn, props, opts, provider, isType/asType, getConfig with defaults", () => {
        const seen: ResourceValidationArgs[] = [];
        const rule = probe(seen);
        const report = runPolicies(goodStack(), { environment: "dev", policies: [rule], config: { [rule.name]: { enforcementLevel: "mandatory", extra: "x" } } });
        assert.equal(seen.length, 1, "the fast type filter skips other types");
        const args = seen[0] as ResourceValidationArgs;
        assert.equal(args.type, "aws:kms/key:Key");
        assert.equal(args.name, "platform-key");
        assert.equal(args.urn, "urn:pulumi:test::platform::aws:kms/key:Key::platform-key");
        assert.equal(args.props.enableKeyRotation, true);
        assert.equal(args.opts.protect, true);
        assert.equal(args.provider?.urn, PROVIDER_URN);
        assert.equal(JSON.parse(args.provider?.props.defaultTags).tags.owner, COMMON_TAGS.owner);
        assert.equal(args.isType(aws.kms.Key), true);
        assert.equal(args.isType(aws.s3.Bucket), false);
        assert.equal(args.asType(aws.s3.Bucket), undefined);
        assert.deepEqual(args.getConfig(), { limit: 3, extra: "x" });
        assert.equal(args.stackTags.get("pulumi:project"), "platform");
        assert.equal(report.rules[0]?.status, "pass");
        assert.equal(report.rules[0]?.evaluated, 1);
    });

    it("links stack resources: parent, dependencies and provider", () => {
        let resources: StackValidationArgs["resources"] = [];
        const rule = stackPolicy({
            name: "test-probe-stack-require-nothing",
            description: "Probe.",
            severity: "low",
            category: "security",
            topics: ["hardening"],
            enforcementLevel: "mandatory",
            validateStack: (args) => {
                resources = args.resources;
            },
        });
        runPolicies(goodStack(), { environment: "dev", policies: [rule], config: {} });
        const flowLog = resources.find((r) => r.name === "vpc-flow-log");
        assert.deepEqual(flowLog?.dependencies.map((d) => d.name), ["vpc", "flow-logs"]);
        assert.equal(flowLog?.parent?.type, "pulumi:pulumi:Stack");
        assert.equal(flowLog?.provider?.type, "pulumi:providers:aws");
    });

    it("applies enforcement as the CLI does: rule entry, then `all`, then the rule's default; string form; disabled; remediate", () => {
        const rule = ruleNamed("aws-kms-key-require-rotation");
        const cases: [PolicyPackConfig, string][] = [
            [{}, "mandatory"],
            [{ all: "advisory" }, "advisory"],
            [{ all: "advisory", [rule.name]: "mandatory" }, "mandatory"],
            [{ [rule.name]: { enforcementLevel: "disabled" } }, "disabled"],
            [{ [rule.name]: "remediate" }, "remediate"],
        ];
        for (const [config, level] of cases) {
            assert.equal(effectiveEnforcement(rule, config), level, JSON.stringify(config));
        }
        const broken = stackWith((s) => (spec(s, "platform-key").inputs.enableKeyRotation = false));
        const off = runPolicies(broken, { environment: "dev", policies: [rule], config: { [rule.name]: "disabled" } });
        assert.equal(off.rules[0]?.status, "disabled");
        assert.deepEqual(off.violations, []);
        const remediate = runPolicies(broken, { environment: "dev", policies: [rule], config: { [rule.name]: "remediate" } });
        assert.equal(remediate.violations[0]?.enforcementLevel, "mandatory");
        const advisory = runPolicies(broken, { environment: "dev", policies: [rule], config: { all: "advisory" } });
        assert.equal(hasMandatoryViolations(advisory), false);
        assert.equal(hasMandatoryViolations(remediate), true);
    });

    it("reads policy-pack/config/<env>.json by default", () => {
        const report = runPolicies(goodStack(), { environment: "dev" });
        assert.equal(report.rules.find((r) => r.name === "all-compute-instance-restrict-types")?.enforcementLevel, "advisory");
        const prod = runPolicies(goodStack(), { environment: "prod" });
        assert.equal(prod.rules.find((r) => r.name === "all-compute-instance-restrict-types")?.enforcementLevel, "mandatory");
    });

    it("formats a report: pass / violations with messages / not applicable, and the verdict", () => {
        const broken = stackWith((s) => {
            spec(s, "platform-key").inputs.enableKeyRotation = false;
            spec(s, "flow-logs").inputs.retentionInDays = 1;
        });
        const rules = ["aws-kms-key-require-rotation", "aws-cloudwatch-loggroup-require-retention", "aws-ec2-flowlog-require-all-traffic"].map(ruleNamed);
        const report = runPolicies(
            { ...broken, resources: broken.resources.filter((r) => r.type !== "aws:ec2/flowLog:FlowLog") },
            { environment: "dev", policies: rules, config: { "aws-kms-key-require-rotation": "mandatory", "aws-cloudwatch-loggroup-require-retention": { enforcementLevel: "advisory", minimumDays: 7 } } },
        );
        assert.equal(
            formatPolicyReport(report),
            [
                "Policy report for platform/test (environment dev): 3 rules",
                "  FAIL  aws-kms-key-require-rotation [mandatory, medium]: 1 violation",
                '        - MANDATORY aws:kms/key:Key "platform-key": enableKeyRotation is false. Set enableKeyRotation to true.',
                "  FAIL  aws-cloudwatch-loggroup-require-retention [advisory, low]: 1 violation",
                '        - ADVISORY aws:cloudwatch/logGroup:LogGroup "flow-logs": retentionInDays is 1, below this environment\'s minimum of 7. Raise it to at least 7.',
                "  N/A   aws-ec2-flowlog-require-all-traffic [mandatory, low]: not applicable",
                "Summary: 0 pass, 2 with violations (1 mandatory, 1 advisory), 1 not applicable, 0 disabled.",
                "Result: FAILED (mandatory policy violations).",
            ].join("\n"),
        );
    });

    it("names the rule and resource when a rule crashes", () => {
        const crashing = resourcePolicy({
            name: "test-crash-resource-require-nothing",
            description: "Crash.",
            severity: "low",
            category: "security",
            topics: ["hardening"],
            enforcementLevel: "mandatory",
            validateResource: validateTyped(aws.kms.Key, () => {
                throw new Error("boom");
            }),
        });
        assert.throws(() => runPolicies(goodStack(), { environment: "dev", policies: [crashing], config: {} }), /policy 'test-crash-resource-require-nothing' failed on urn:pulumi:test::platform::aws:kms\/key:Key::platform-key: Error: boom/);
    });
});
