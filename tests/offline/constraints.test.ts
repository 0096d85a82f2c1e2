/**
 * The constraint catalogue (offline/constraints): every entry is cited and has examples; each
 * example passes or fails as it says; each failure, planted into a copy of a real shipped-stack
 * graph, makes the plan fail with the entry's message and source; every shipped stack passes
 * the whole catalogue except the entries PENDING lists for it, and PENDING is exact and only
 * shrinks.
 */
import * as assert from "node:assert/strict";
import {
    checkConstraints,
    Constraint,
    constraintReport,
    constraintsFail,
    CONSTRAINTS,
    constraintVerdict,
    fixtureGraph,
    FixtureGraph,
    formatConstraintReport,
    formatViolation,
} from "../../offline/constraints";
import { PENDING } from "../../offline/constraints/pending";
import { availableStacks } from "../../offline/engine";
import type { ResourceGraph } from "../../offline/graph";
import { planOutput } from "../../offline/plan";
import { graphOf, inClusterGraphOf } from "../support/graphs";

/**
 * PENDING as this change shipped it. Entries and stacks may only disappear from PENDING (each
 * fix removes its stack); nothing may be added. Cloud helpers: shrink PENDING, never this.
 */
const PENDING_AS_SHIPPED: Readonly<Record<string, readonly string[]>> = {
    "azure-compute-des-key-url-versioned": ["prod-azure"],
    "gcp-service-enabled-before-use": ["dev-gcp", "prod-gcp", "staging-gcp"],
};

const STACKS = availableStacks();
const cloudOf = (stack: string) => stack.split("-").pop() as "aws" | "azure" | "gcp";

/** A copy of a shipped graph with a failing example's resources (and invokes) appended. */
function plant(graph: ResourceGraph, fixture: FixtureGraph): ResourceGraph {
    const renamed: FixtureGraph = {
        ...fixture,
        resources: fixture.resources.map((r) => ({
            ...r,
            name: `planted-${r.name}`,
            ...(r.dependsOn ? { dependsOn: r.dependsOn.map((d) => `planted-${d}`) } : {}),
            ...(r.provider ? { provider: `planted-${r.provider}` } : {}),
            ...(r.parent ? { parent: `planted-${r.parent}` } : {}),
        })),
        invokes: fixture.invokes?.map((i) => ({ ...i, after: i.after?.map((a) => `planted-${a}`) })),
    };
    const extra = fixtureGraph(renamed, graph.stack);
    const offset = graph.resources.length;
    return {
        ...graph,
        resources: [...graph.resources, ...extra.resources],
        // A planted invoke "after" planted resources comes after the whole shipped graph too;
        // one with no "after" comes before everything.
        invokes: [...graph.invokes, ...extra.invokes.map((i) => ({ ...i, resourcesBefore: i.resourcesBefore === 0 ? 0 : offset + (i.resourcesBefore ?? 0) }))],
    };
}

describe("constraint catalogue: every entry is cited and has examples", () => {
    it("has 40+ entries with unique kebab-case ids", () => {
        assert.ok(CONSTRAINTS.length >= 40, `${CONSTRAINTS.length} entries`);
        const ids = CONSTRAINTS.map((c) => c.id);
        assert.equal(new Set(ids).size, ids.length, "ids are unique");
        for (const id of ids) {
            assert.match(id, /^(aws|azure|gcp|k8s|helm)-[a-z0-9]+(-[a-z0-9]+)+$/, id);
        }
    });

    for (const c of CONSTRAINTS) {
        it(`${c.id}: source URL, rule, service, types and a passing and a failing example`, () => {
            assert.match(c.source, /^https:\/\/\S+$/, "source is a URL");
            if (c.alsoSource) {
                assert.match(c.alsoSource, /(https:\/\/|offline\/constraints\/tables\/)\S+/);
            }
            assert.ok(c.rule.length > 30 && /[.)]$/.test(c.rule), "the rule is a sentence");
            assert.ok(c.service.length > 1);
            assert.ok(c.types.length > 0);
            assert.ok(c.examples.pass.length > 0 && c.examples.fail.length > 0);
            assert.ok(c.id.startsWith(c.cloud === "all" ? "" : c.cloud), "the id names its cloud");
        });
    }
});

describe("constraint catalogue: examples", () => {
    for (const c of CONSTRAINTS) {
        describe(c.id, () => {
            for (const ex of c.examples.pass) {
                it(`accepts ${ex.title}`, () => {
                    assert.deepEqual(checkConstraints(fixtureGraph(ex), { entries: [c] }).map((v) => v.message), []);
                });
            }
            for (const ex of c.examples.fail) {
                it(`refuses ${ex.title}`, () => {
                    const found = checkConstraints(fixtureGraph(ex), { entries: [c] });
                    assert.ok(found.length > 0, "a violation");
                    for (const v of found) {
                        assert.equal(v.entry, c.id);
                        assert.ok(v.message.startsWith(`${c.service} would reject ${v.type} ${v.name}: `), v.message);
                        assert.ok(v.message.includes(`Rule: ${c.rule} See ${c.source}`), v.message);
                    }
                });
            }
        });
    }
});

describe("constraint catalogue: planted into a real shipped-stack graph", () => {
    /** A shipped stack where the entry does not fire (its cloud's first, else any). */
    async function cleanStackFor(c: Constraint): Promise<ResourceGraph> {
        const candidates = [...STACKS.filter((s) => c.cloud === "all" || cloudOf(s) === c.cloud), ...STACKS];
        for (const s of candidates) {
            const g = await graphOf(s);
            if (checkConstraints(g, { entries: [c] }).length === 0) {
                return g;
            }
        }
        throw new Error(`${c.id} fires on every shipped stack`);
    }

    for (const c of CONSTRAINTS) {
        it(`${c.id}: each failing example makes the plan fail with the entry's message and source`, async () => {
            const base = await cleanStackFor(c);
            for (const [i, ex] of c.examples.fail.entries()) {
                const planted = plant(base, ex);
                const report = constraintReport(planted);
                const mine = report.violations.filter((v) => v.entry === c.id);
                assert.ok(mine.length > 0, `${ex.title}: planted into ${base.stack}, no ${c.id} violation`);
                if (i > 0) {
                    continue; // the whole plan (with its policy report) once per entry is enough
                }
                const { text, code } = planOutput({ platform: planted, incluster: await inClusterGraphOf(base.stack) });
                assert.equal(code, 1, "the plan exits 1");
                assert.ok(text.startsWith(`Constraint catalogue for ${base.stack}`), "the catalogue prints before any report");
                for (const v of mine) {
                    assert.ok(text.includes(`FAIL  [${c.id}] ${v.message}`), `the plan prints ${v.message}`);
                    assert.ok(v.message.includes(`See ${c.source}`));
                }
                assert.match(text, /^Catalogue: FAIL \(/m);
                assert.match(text, /Policy report for /, "the policy report still follows");
            }
        });
    }
});

describe("constraint catalogue: shipped stacks", () => {
    for (const stack of STACKS) {
        it(`${stack} (both layers) passes every entry except the ones PENDING lists for it, and each of those still fires`, async () => {
            const report = constraintReport([await graphOf(stack), await inClusterGraphOf(stack)]);
            assert.deepEqual(report.violations.map((v) => v.message), [], "no violation outside PENDING");
            assert.deepEqual(report.stalePending, [], "every PENDING entry for this stack still fires (remove fixed ones)");
            const pendingHere = Object.entries(PENDING).filter(([, stacks]) => stacks.includes(stack)).map(([id]) => id).sort();
            assert.deepEqual([...new Set(report.pending.map((v) => v.entry))].sort(), pendingHere);
            assert.match(constraintVerdict(report), /^Catalogue: OK \(/);
        });
    }

    it("PENDING names real entries and real stacks, and only shrinks from what shipped", () => {
        for (const [id, stacks] of Object.entries(PENDING)) {
            assert.ok(CONSTRAINTS.some((c) => c.id === id), `${id} is an entry`);
            assert.ok(stacks.length > 0, `${id}: an empty list is a fixed entry: delete the key`);
            for (const s of stacks) {
                assert.ok(STACKS.includes(s), `${s} is a shipped stack`);
                assert.ok((PENDING_AS_SHIPPED[id] ?? []).includes(s), `${id} on ${s} was not pending when the catalogue shipped: fix the violation instead of listing it`);
            }
        }
    });

    it("prints PENDING entries as KNOWN, NOT YET FIXED and does not fail on them", async () => {
        // A copy of prod-azure with the disk encryption set's key URL versionless again (issue 14
        // item 3, once PENDING and since fixed), listed as pending for this check only.
        const g = await graphOf("prod-azure");
        const planted: ResourceGraph = {
            ...g,
            resources: g.resources.map((r) =>
                r.type === "azure-native:compute:DiskEncryptionSet" ? { ...r, inputs: { ...r.inputs, activeKey: { ...(r.inputs.activeKey as object), keyUrl: "https://platform-prod-kv-b0665a.vault.azure.net/keys/disks" } } } : r,
            ),
        };
        const report = constraintReport([planted, await inClusterGraphOf("prod-azure")], { pending: { "azure-compute-des-key-url-versioned": ["prod-azure"] } });
        assert.match(
            formatConstraintReport(report),
            /KNOWN, NOT YET FIXED {2}\[azure-compute-des-key-url-versioned\] 1 violation, first: Azure Compute \(disk encryption sets\) would reject azure-native:compute:DiskEncryptionSet keys-des: activeKey\.keyUrl "https:\/\/[a-z0-9-]+\.vault\.azure\.net\/keys\/disks" has no version segment\./,
        );
        assert.equal(constraintsFail(report), false);
    });

    it("fails a stack whose PENDING entry no longer fires (the list must shrink)", async () => {
        const g = await graphOf("dev-aws");
        const report = constraintReport(g, { pending: { "aws-ec2-sgrule-description-charset": ["dev-aws"] } });
        assert.deepEqual(report.stalePending, ["aws-ec2-sgrule-description-charset"]);
        assert.match(constraintVerdict(report), /^Catalogue: FAIL \(offline\/constraints\/pending\.ts lists aws-ec2-sgrule-description-charset for dev-aws but it passes: remove it from the list\)$/);
    });
});

describe("constraint catalogue: message format", () => {
    it("reads '<Service> would reject <type> <name>: <detail>. Rule: <rule> See <url>'", () => {
        const entry = CONSTRAINTS.find((c) => c.id === "aws-ec2-sgrule-description-charset")!;
        assert.equal(
            formatViolation(entry, { type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", name: "in-ssh" }, `description "it's" contains "'"`),
            `EC2 would reject aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule in-ssh: description "it's" contains "'". Rule: A security group rule description has at most 255 characters of a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$* (no apostrophe, no quotes). See https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpRange.html (also https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_UserIdGroupPair.html)`,
        );
    });

    it("refuses the review's three examples: an apostrophe in an SG rule, the mistyped Key Vault Administrator id, a Spot pool with surge", () => {
        const ids = (f: FixtureGraph) => checkConstraints(fixtureGraph(f)).map((v) => v.entry);
        assert.ok(ids({ title: "sg", resources: [{ type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", name: "r", inputs: { description: "scraped by the cluster's Prometheus" } }] }).includes("aws-ec2-sgrule-description-charset"));
        assert.ok(
            ids({
                title: "role",
                resources: [{ type: "azure-native:authorization:RoleAssignment", name: "r", inputs: { roleAssignmentName: "3f2b7c1e-1d2a-4c3b-9e8f-0a1b2c3d4e5f", roleDefinitionId: "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/00482a5a-887f-4fb3-b363-3b7ba9e71c21" } }],
            }).includes("azure-role-definition-builtin"),
        );
        assert.ok(ids({ title: "spot", resources: [{ type: "azure-native:containerservice:AgentPool", name: "p", inputs: { agentPoolName: "workload", mode: "User", scaleSetPriority: "Spot", upgradeSettings: { maxSurge: "33%" } } }] }).includes("azure-aks-spot-pool-no-surge"));
    });
});
