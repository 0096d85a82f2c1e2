/**
 * Values the new rules compare with a cloud's own identifiers, checked against tables copied from
 * the providers' documentation (not from the rules), and the parsers checked on every document the
 * shipped stacks really contain.
 */
import assert from "node:assert/strict";
import { RESOURCE_POLICY_PATHS, IDENTITY_POLICY_PATHS, documentsAt, statementsOf } from "../../policy-pack/lib/iam";
import { PRIVILEGED_ROLES } from "../../policy-pack/rules/azure/azure-authorization-roleassignment-restrict-scope";
import { ROLE_NAMES } from "../azure/fixtures";
import { graphOf } from "../support/graphs";

/**
 * learn.microsoft.com/azure/role-based-access-control/built-in-roles/privileged (each role's
 * JSON "name" field) and .../built-in-roles (Owner: "Grants full access to manage all resources,
 * including the ability to assign roles in Azure RBAC").
 */
const DOCUMENTED_PRIVILEGED: Readonly<Record<string, string>> = {
    Owner: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    Contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
    "User Access Administrator": "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
    "Role Based Access Control Administrator": "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
};

describe("policy references: identifiers the new rules match", function () {
    this.timeout(120_000);

    it("Azure privileged administrator roles are the documented built-in role ids", () => {
        assert.deepEqual(Object.fromEntries(Object.entries(PRIVILEGED_ROLES).map(([id, name]) => [name, id])), DOCUMENTED_PRIVILEGED);
    });

    it("no role the Azure platform assigns is a privileged administrator role", () => {
        for (const id of Object.keys(ROLE_NAMES)) {
            assert.equal(PRIVILEGED_ROLES[id], undefined, `${ROLE_NAMES[id]} is privileged`);
        }
    });

    it("every AWS policy document of the shipped AWS stacks parses into statements", async () => {
        let docs = 0;
        for (const stack of ["dev-aws", "staging-aws", "prod-aws"]) {
            const graph = await graphOf(stack);
            for (const r of graph.resources) {
                const paths = [...(IDENTITY_POLICY_PATHS[r.type] ?? []), ...(RESOURCE_POLICY_PATHS[r.type] ?? [])];
                const withTrust = r.type === "aws:iam/role:Role" ? [...documentsAt(r.inputs, paths), { where: "assumeRolePolicy", doc: r.inputs.assumeRolePolicy }] : documentsAt(r.inputs, paths);
                for (const { where, doc } of withTrust) {
                    const statements = statementsOf(doc);
                    assert.ok(Array.isArray(statements) && statements.length > 0, `${stack} ${r.name}.${where} did not parse`);
                    docs++;
                }
            }
        }
        assert.ok(docs >= 40, `${docs} documents`);
    });
});
