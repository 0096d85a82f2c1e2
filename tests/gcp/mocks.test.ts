/**
 * The GCP mocks answer like GCP and stay strict: realistic invoke replies, and anything nobody
 * taught them throws instead of resolving to nothing.
 */
import * as assert from "node:assert/strict";
import { OfflineMocks } from "../../offline/mocks";
import { mockProjectNumber, MOCK_GCP_DEPLOYER } from "../../offline/mocks-gcp";
import { G, graphOf } from "./fixtures";

const call = (mocks: OfflineMocks, token: string, inputs: Record<string, unknown>) => mocks.call({ token, inputs, provider: undefined } as never);

describe("gcp offline mocks", () => {
    it("getProject answers a numeric project number; getZones GCP's zone names; getImage needs an explicit project", () => {
        const m = new OfflineMocks();
        const project = call(m, "gcp:organizations/getProject:getProject", { projectId: "platform-dev-123456" });
        assert.match(project.number, /^\d{12}$/);
        assert.equal(project.number, mockProjectNumber("platform-dev-123456"));
        assert.deepEqual(call(m, "gcp:compute/getZones:getZones", { region: "europe-west1", project: "p-123456" }).names, ["europe-west1-b", "europe-west1-c", "europe-west1-d"]);
        assert.throws(() => call(m, "gcp:compute/getImage:getImage", { family: "ubuntu-2404-lts-amd64" }), /without an explicit `project` is refused/);
        assert.equal(call(m, "gcp:organizations/getClientOpenIdUserInfo:getClientOpenIdUserInfo", {}).email, MOCK_GCP_DEPLOYER);
    });

    it("an invoke nobody taught the mocks throws (never a silent {})", () => {
        const m = new OfflineMocks();
        assert.throws(() => call(m, "gcp:compute/getNetwork:getNetwork", { name: "default" }), /no answer for invoke "gcp:compute\/getNetwork:getNetwork"/);
        assert.equal(m.errors.length, 1);
    });

    it("ids are GCP resource paths; every invoke the program made was answered", async () => {
        const g = await graphOf("dev-gcp");
        const ids = (type: string) => g.resources.filter((r) => r.type === type).map((r) => String(r.id));
        assert.ok(ids(G.subnet).every((id) => /^projects\/platform-dev-123456\/regions\/europe-west1\/subnetworks\/platform-dev-gcp-(nodes|tools|public)$/.test(id)));
        assert.ok(ids(G.instance).every((id) => /^projects\/platform-dev-123456\/zones\/europe-west1-[bcd]\/instances\/platform-dev-gcp-[a-z]+$/.test(id)));
        assert.ok(ids(G.cluster).every((id) => id === "projects/platform-dev-123456/locations/europe-west1/clusters/platform-dev-gcp-gke"));
        assert.deepEqual([...new Set(g.invokes.map((i) => i.token))].sort(), [
            "gcp:compute/getImage:getImage",
            "gcp:compute/getZones:getZones",
            "gcp:organizations/getClientOpenIdUserInfo:getClientOpenIdUserInfo",
            "gcp:organizations/getProject:getProject",
        ]);
        const image = g.invokes.find((i) => i.token === "gcp:compute/getImage:getImage");
        assert.deepEqual(image?.inputs, { project: "ubuntu-os-cloud", family: "ubuntu-2404-lts-amd64" });
    });
});
