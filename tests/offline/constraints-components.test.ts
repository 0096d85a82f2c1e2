/**
 * Every cloud constant in components/ that a cloud checks is compared, BY NAME, to the
 * catalogue's independent tables (never to a copy of the components' value): built-in role ids,
 * managed policy ARNs, EKS access policies, GCP predefined roles and service-agent formats,
 * CloudWatch retention values, firewall descriptions. And the tables themselves against a
 * second source where one ships with our dependencies.
 */
import * as assert from "node:assert/strict";
import { Region as AwsSdkRegion } from "@pulumi/aws/types/enums";
import { BUILT_IN_ROLE_NAMES, BUILT_IN_ROLES } from "../../components/azure/common";
import { CLUSTER_ADMIN_POLICY } from "../../components/aws/cluster";
import { BOOTSTRAP_PORTS } from "../../components/bootstrap/ports";
import { AWS_REGIONS, AZURE_REGIONS, GCP_REGIONS } from "../../components/config/regions";
import { LOG_RETENTION_DAYS } from "../../components/config/schema";
import { gkeServiceAgent } from "../../components/gcp/cluster";
import { CLUSTER_VIEWER_ROLE, GKE_NODE_ROLES, VM_BASE_ROLES } from "../../components/gcp/iam";
import { computeServiceAgent, KEY_USER_ROLE } from "../../components/gcp/kms";
import { VAULT_GCE_AUTH_ROLES, VAULT_KEY_ROLES } from "../../components/gcp/tool-vm";
import { firewallDescriptionProblem, tierRules } from "../../components/tier-rules";
import { checkConstraints, CONSTRAINTS, fixtureGraph } from "../../offline/constraints";
import { AWS_MANAGED_POLICIES, EKS_ACCESS_POLICIES, managedPolicyPath } from "../../offline/constraints/tables/aws-managed-policies";
import { AZURE_BUILTIN_ROLES, builtInRoleByName } from "../../offline/constraints/tables/azure-builtin-roles";
import { GCP_ROLES, gcpRole } from "../../offline/constraints/tables/gcp-roles";
import { GCP_SERVICE_AGENTS, serviceAgentEmail } from "../../offline/constraints/tables/gcp-service-agents";
import { availableStacks } from "../../offline/engine";
import { graphOf } from "../support/graphs";

const entry = (id: string) => {
    const e = CONSTRAINTS.find((c) => c.id === id);
    assert.ok(e, id);
    return e;
};

describe("component constants against the catalogue's independent tables", () => {
    it("every Azure built-in role id in components/azure/common.ts is the id Microsoft lists for that role name", () => {
        for (const [key, id] of Object.entries(BUILT_IN_ROLES) as [keyof typeof BUILT_IN_ROLES, string][]) {
            const row = builtInRoleByName(BUILT_IN_ROLE_NAMES[key]);
            assert.ok(row, `${BUILT_IN_ROLE_NAMES[key]} is in the table`);
            assert.equal(id, row.id, `${key} (${row.name}): ${row.source}`);
        }
        assert.equal(BUILT_IN_ROLES.keyVaultAdministrator, "00482a5a-887f-4fb3-b363-3b7fe8e74483");
    });

    it("the Azure role table has unique names and lowercase GUIDs, each row with its anchor", () => {
        assert.equal(new Set(AZURE_BUILTIN_ROLES.map((r) => r.name)).size, AZURE_BUILTIN_ROLES.length);
        assert.equal(new Set(AZURE_BUILTIN_ROLES.map((r) => r.id)).size, AZURE_BUILTIN_ROLES.length);
        for (const r of AZURE_BUILTIN_ROLES) {
            assert.match(r.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, r.name);
            assert.match(r.source, /^https:\/\/learn\.microsoft\.com\/azure\/role-based-access-control\/built-in-roles\/[a-z-]+#[a-z0-9-]+$/, r.name);
        }
    });

    for (const stack of availableStacks().filter((s) => s.endsWith("-aws"))) {
        it(`${stack}: every AWS managed policy attached is in the table, path included`, async () => {
            const g = await graphOf(stack);
            const attached = g.resources.filter((r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((r) => String(r.inputs.policyArn));
            assert.ok(attached.length >= 6);
            for (const arn of attached) {
                const path = managedPolicyPath(arn);
                assert.ok(path, `${arn} is an AWS managed policy`);
                const name = path.split("/").pop()!;
                const row = AWS_MANAGED_POLICIES.find((p) => p.name === name);
                assert.ok(row, `${name} is in offline/constraints/tables/aws-managed-policies.ts`);
                assert.equal(`/${path}`, `${row.path}${row.name}`, `${arn}: ${row.source}`);
            }
        });
    }

    it("the EKS admin access policy is an EKS access policy", () => {
        assert.ok(EKS_ACCESS_POLICIES.includes(CLUSTER_ADMIN_POLICY));
    });

    it("every GCP role the components name is a predefined role in the table", () => {
        for (const role of [...VM_BASE_ROLES, ...GKE_NODE_ROLES, ...VAULT_KEY_ROLES, ...Object.values(VAULT_GCE_AUTH_ROLES), KEY_USER_ROLE, CLUSTER_VIEWER_ROLE]) {
            assert.ok(gcpRole(role), `${role} is in offline/constraints/tables/gcp-roles.ts`);
        }
        assert.equal(new Set(GCP_ROLES.map((r) => r.name)).size, GCP_ROLES.length);
    });

    for (const stack of availableStacks().filter((s) => s.endsWith("-gcp"))) {
        it(`${stack}: every role granted is in the GCP role table`, async () => {
            const g = await graphOf(stack);
            const roles = [...new Set(g.resources.map((r) => r.inputs.role).filter((r): r is string => typeof r === "string"))];
            assert.ok(roles.length >= 8);
            for (const role of roles) {
                assert.ok(gcpRole(role), `${role}`);
            }
        });
    }

    it("the GKE and Compute Engine service agents follow Google's published formats", () => {
        const agent = (name: string) => GCP_SERVICE_AGENTS.find((a) => a.agent === name)!;
        assert.equal(gkeServiceAgent("103815418391"), serviceAgentEmail(agent("Kubernetes Engine Service Agent"), "103815418391"));
        assert.equal(computeServiceAgent("103815418391"), serviceAgentEmail(agent("Compute Engine Service Agent"), "103815418391"));
    });

    it("the config's CloudWatch retention values are exactly the ones CloudWatch Logs accepts", () => {
        const logs = entry("aws-logs-retention-days");
        const accepted = (days: number) => checkConstraints(fixtureGraph({ title: "r", resources: [{ type: "aws:cloudwatch/logGroup:LogGroup", name: "g", inputs: { retentionInDays: days } }] }), { entries: [logs] }).length === 0;
        for (const d of LOG_RETENTION_DAYS) {
            assert.ok(accepted(d), `${d}`);
        }
        const extra = Array.from({ length: 3653 }, (_, i) => i + 1).filter((d) => accepted(d) && !(LOG_RETENTION_DAYS as readonly number[]).includes(d));
        assert.deepEqual(extra, [], "the config offers every value the API accepts");
    });
});

describe("firewall descriptions satisfy every cloud's rules", () => {
    it("every tier rule description passes EC2's, Azure NSG's and GCP's description rules", () => {
        const ec2 = entry("aws-ec2-sgrule-description-charset");
        const nsg = entry("azure-nsg-rule-format");
        const gcpFw = entry("gcp-compute-firewall-fields");
        const rules = tierRules();
        assert.ok(rules.length > 20);
        for (const r of rules) {
            const graph = fixtureGraph({
                title: r.description,
                resources: [
                    { type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", name: "a", inputs: { description: r.description } },
                    { type: "azure-native:network:NetworkSecurityGroup", name: "b", inputs: { securityRules: [{ name: "rule", priority: 200, direction: "Inbound", description: r.description }] } },
                    { type: "gcp:compute/firewall:Firewall", name: "c", inputs: { name: "c", direction: "INGRESS", sourceRanges: ["10.0.0.0/8"], description: r.description } },
                ],
            });
            assert.deepEqual(checkConstraints(graph, { entries: [ec2, nsg, gcpFw] }).map((v) => v.message), [], r.description);
        }
    });

    it("every port description of the bootstrap table is accepted by the guard", () => {
        for (const ports of Object.values(BOOTSTRAP_PORTS)) {
            for (const p of ports) {
                assert.equal(firewallDescriptionProblem(p.description), undefined, p.description);
            }
        }
    });

    it("the guard refuses what EC2 or an NSG would, naming the character or the length", () => {
        assert.equal(firewallDescriptionProblem("scraped by the cluster's Prometheus"), `contains "'", which EC2 refuses in rule descriptions (allowed: a-z A-Z 0-9 space ._-:/()#,@[]+=&;{}!$*)`);
        assert.equal(firewallDescriptionProblem("x".repeat(141)), "has 141 characters (at most 140: Azure NSG rules)");
        assert.equal(firewallDescriptionProblem('the "default" rule'), `contains "\\"", which EC2 refuses in rule descriptions (allowed: a-z A-Z 0-9 space ._-:/()#,@[]+=&;{}!$*)`);
    });
});

describe("region tables against a second source", () => {
    it("the AWS table holds every non-ISO region of the @pulumi/aws SDK's Region enum, and nothing the SDK does not know", () => {
        const sdk = Object.values(AwsSdkRegion) as string[];
        const iso = /^(us-iso|us-isob|eu-isoe|us-isof)-/;
        assert.deepEqual(AWS_REGIONS.map((r) => r.name).filter((r) => !sdk.includes(r)), []);
        assert.deepEqual(sdk.filter((r) => !iso.test(r) && !AWS_REGIONS.some((x) => x.name === r)), [], "a region the SDK knows is missing from components/config/regions.ts");
    });

    it("names are unique and well-formed in every table; GCP zones belong to their region", () => {
        for (const names of [AWS_REGIONS.map((r) => r.name), AZURE_REGIONS.map((r) => r.name), GCP_REGIONS.map((r) => r.name)]) {
            assert.equal(new Set(names).size, names.length);
        }
        for (const r of AZURE_REGIONS) assert.match(r.name, /^[a-z]+[a-z0-9]*$/);
        for (const r of GCP_REGIONS) {
            assert.ok(r.zones.length >= 3, `${r.name} has 3+ zones`);
            for (const z of r.zones) assert.match(z, new RegExp(`^${r.name}-[a-f]$`));
        }
    });
});
