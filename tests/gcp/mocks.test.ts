/**
 * The GCP mocks answer like GCP and stay strict: realistic invoke replies, anything nobody taught
 * them throws instead of resolving to nothing, and a function of an API the run has not enabled
 * yet is refused, as a fresh project refuses it (403 SERVICE_DISABLED).
 */
import * as assert from "node:assert/strict";
import { OfflineMocks } from "../../offline/mocks";
import { mockProjectNumber, MOCK_GCP_DEPLOYER } from "../../offline/mocks-gcp";
import { G, graphOf } from "./fixtures";

const call = (mocks: OfflineMocks, token: string, inputs: Record<string, unknown>) => mocks.call({ token, inputs, provider: undefined } as never);
/** Registers an enabled API with the mocks, as the engine would after creating the Service. */
const enable = (mocks: OfflineMocks, service: string) =>
    mocks.newResource({ type: G.service, name: `api-${service.split(".")[0]}`, inputs: { project: "p-123456", service }, custom: true } as never);

describe("gcp offline mocks", () => {
    it("refuse a function of an API that is not enabled yet, answer it once its Service exists", () => {
        const m = new OfflineMocks();
        assert.throws(() => call(m, "gcp:compute/getZones:getZones", { region: "europe-west1", project: "p-123456" }), /compute\.googleapis\.com, which is not enabled yet in this run.*403 SERVICE_DISABLED/);
        assert.throws(() => call(m, "gcp:container/getEngineVersions:getEngineVersions", { location: "europe-west1" }), /container\.googleapis\.com, which is not enabled yet/);
        assert.throws(() => call(m, "gcp:organizations/getProject:getProject", { projectId: "platform-dev-123456" }), /cloudresourcemanager\.googleapis\.com, which is not enabled yet/);
        enable(m, "compute.googleapis.com");
        enable(m, "cloudresourcemanager.googleapis.com");
        assert.deepEqual(call(m, "gcp:compute/getZones:getZones", { region: "europe-west1", project: "p-123456" }).names, ["europe-west1-b", "europe-west1-c", "europe-west1-d"]);
        const project = call(m, "gcp:organizations/getProject:getProject", { projectId: "platform-dev-123456" });
        assert.match(project.number, /^\d{12}$/);
        assert.equal(project.number, mockProjectNumber("platform-dev-123456"));
        assert.throws(() => call(m, "gcp:compute/getImage:getImage", { family: "ubuntu-2404-lts-amd64" }), /without an explicit `project` is refused/);
    });

    it("answer what needs no project API at once (the caller's OAuth userinfo)", () => {
        const m = new OfflineMocks();
        assert.equal(call(m, "gcp:organizations/getClientOpenIdUserInfo:getClientOpenIdUserInfo", {}).email, MOCK_GCP_DEPLOYER);
    });

    it("an invoke nobody taught the mocks throws (never a silent {})", () => {
        const m = new OfflineMocks();
        enable(m, "compute.googleapis.com");
        assert.throws(() => call(m, "gcp:compute/getNetwork:getNetwork", { name: "default" }), /no answer for invoke "gcp:compute\/getNetwork:getNetwork"/);
        assert.equal(m.errors.length, 1);
    });

    it("ids are GCP resource paths; the program calls only what a fresh project answers, each after its API", async () => {
        const g = await graphOf("dev-gcp");
        const ids = (type: string) => g.resources.filter((r) => r.type === type).map((r) => String(r.id));
        assert.ok(ids(G.subnet).every((id) => /^projects\/platform-dev-123456\/regions\/europe-west1\/subnetworks\/platform-dev-gcp-(nodes|tools|public)$/.test(id)));
        assert.ok(ids(G.instance).every((id) => /^projects\/platform-dev-123456\/zones\/europe-west1-[bcd]\/instances\/platform-dev-gcp-[a-z]+$/.test(id)));
        assert.ok(ids(G.cluster).every((id) => id === "projects/platform-dev-123456/locations/europe-west1/clusters/platform-dev-gcp-gke"));
        assert.deepEqual([...new Set(g.invokes.map((i) => i.token))].sort(), [
            "gcp:organizations/getClientOpenIdUserInfo:getClientOpenIdUserInfo",
            "gcp:organizations/getProject:getProject",
            "gcp:storage/getProjectServiceAccount:getProjectServiceAccount",
        ]);
    });
});
