/**
 * Issue 15 item 1, "a fresh project comes up": on a new project only Service Usage answers, so
 * the program must not call any function of an API before it has enabled that API. The offline
 * mocks refuse such a call exactly as GCP does (403 SERVICE_DISABLED, offline/mocks-gcp.ts
 * refuseBeforeEnabled); these tests run the real GCP program under them, in preview and update
 * mode, and show that the old order (zones, image and project looked up first) is refused.
 */
import * as assert from "node:assert/strict";
import * as gcp from "@pulumi/gcp";
import { captureGraph, runStack } from "../../offline/engine";
import type { ResourceGraph } from "../../offline/graph";
import { ALWAYS_ENABLED_APIS, GCP_FUNCTION_APIS } from "../../offline/constraints/tables/gcp-apis";
import { G, graphOf } from "./fixtures";

const GCP_STACKS = ["dev-gcp", "staging-gcp", "prod-gcp"];

/** Every function call that needs an API came after that API's Service was created. */
function invokesAfterTheirApis(g: ResourceGraph): string[] {
    const problems: string[] = [];
    for (const call of g.invokes) {
        const api = GCP_FUNCTION_APIS[call.token];
        if (!api || ALWAYS_ENABLED_APIS.includes(api)) continue;
        const at = g.resources.findIndex((r) => r.type === G.service && r.inputs.service === api);
        if (at < 0 || call.resourcesBefore === undefined || call.resourcesBefore <= at) {
            problems.push(`${call.token} (${api}) called after ${call.resourcesBefore} registrations, its Service at ${at}`);
        }
    }
    return problems;
}

describe("gcp: a fresh project comes up (no function of an API before the stack enables it)", () => {
    it("the old order is refused: getZones before the Compute API is enabled fails like GCP's 403", async () => {
        await assert.rejects(
            captureGraph(async () => {
                const provider = new gcp.Provider("gcp", { project: "fresh-123456", region: "europe-west1" });
                const zones = await gcp.compute.getZones({ region: "europe-west1", status: "UP" }, { provider });
                new gcp.projects.Service("api-compute", { project: "fresh-123456", service: "compute.googleapis.com" }, { provider });
                return { zones: zones.names };
            }),
            /gcp:compute\/getZones:getZones calls compute\.googleapis\.com, which is not enabled yet in this run.*403 SERVICE_DISABLED/,
        );
    });

    it("the same call ordered after the Service (output form, dependsOn) is answered", async () => {
        const g = await captureGraph(async () => {
            const provider = new gcp.Provider("gcp", { project: "fresh-123456", region: "europe-west1" });
            const compute = new gcp.projects.Service("api-compute", { project: "fresh-123456", service: "compute.googleapis.com" }, { provider });
            const zones = gcp.compute.getZonesOutput({ region: "europe-west1" }, { provider, dependsOn: [compute] });
            return { zones: zones.names };
        });
        assert.deepEqual(g.outputs.zones, ["europe-west1-b", "europe-west1-c", "europe-west1-d"]);
        assert.deepEqual(invokesAfterTheirApis(g), []);
    });

    for (const stack of GCP_STACKS) {
        it(`${stack}: the real program runs under the refusing mocks (update), every call after its API, no compute or container function at all`, async () => {
            const g = await graphOf(stack);
            assert.deepEqual(invokesAfterTheirApis(g), []);
            assert.deepEqual(
                g.invokes.filter((i) => /^gcp:(compute|container)\//.test(i.token)).map((i) => i.token),
                [],
                "zones come from config, the image by family URL: no Compute or GKE lookup at all",
            );
        });
    }

    it("dev-gcp in preview mode too (what `pulumi preview` on a fresh project runs)", async () => {
        const g = await runStack("dev-gcp", { preview: true });
        assert.deepEqual([...new Set(g.invokes.map((i) => i.token))].sort(), ["gcp:organizations/getClientOpenIdUserInfo:getClientOpenIdUserInfo", "gcp:organizations/getProject:getProject", "gcp:storage/getProjectServiceAccount:getProjectServiceAccount"]);
        assert.deepEqual(invokesAfterTheirApis(g), []);
        assert.ok(g.resources.some((r) => r.type === G.cluster), "the whole program registered");
    });
});
