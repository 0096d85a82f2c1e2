/**
 * Azure naming and addressing helpers: name limits, determinism, GUID shape, and the
 * private-endpoint slot (property tests: inside the VNet, disjoint from every planned subnet,
 * stable when zones are added).
 */
import * as assert from "node:assert/strict";
import fc from "fast-check";
import { cidrContains, cidrProblem, cidrsOverlap, NETWORK_PREFIX_RANGE, planSubnets, SUBNET_TIERS, subnetAt, ZONE_SLOTS } from "../../components/config/cidr";
import { apiServerSubnet, azureHostAddress, dnsServiceIp, keyVaultName, privateEndpointSubnet, regionalSubnets, stableGuid, storageAccountName } from "../../components/azure/naming";
import { azureZones } from "../../components/azure/network";
import { azurePlacement } from "../../components/azure/tool-vm";

const SUB = "00000000-0000-4000-8000-00000000a2e1";
const network = fc
    .record({ prefix: fc.integer({ min: NETWORK_PREFIX_RANGE.min, max: NETWORK_PREFIX_RANGE.max }), seed: fc.integer({ min: 0, max: 2 ** 24 - 1 }) })
    .map(({ prefix, seed }) => subnetAt("10.0.0.0/8", prefix - 8, seed % 2 ** (prefix - 8)));
const prefix = fc.stringMatching(/^[a-z][a-z0-9-]{2,26}[a-z0-9]$/).filter((p) => !p.includes("--"));

describe("azure: names", () => {
    it("storage accounts: 3-24 lowercase letters and digits, deterministic, distinct per purpose and subscription", () => {
        assert.equal(storageAccountName("platform-prod-azure", "snap", SUB), storageAccountName("platform-prod-azure", "snap", SUB));
        fc.assert(
            fc.property(prefix, fc.constantFrom("flow", "snap"), (p, purpose) => {
                const name = storageAccountName(p, purpose, SUB);
                assert.match(name, /^[a-z0-9]{3,24}$/);
                assert.notEqual(name, storageAccountName(p, purpose === "flow" ? "snap" : "flow", SUB));
                assert.notEqual(name, storageAccountName(p, purpose, "00000000-0000-4000-8000-000000000000"));
            }),
            { numRuns: 200 },
        );
        assert.throws(() => storageAccountName("p", "Snap!", SUB), /storage account purpose "Snap!" must be 1-6 lowercase letters or digits/);
    });

    it("key vaults: 3-24 characters, letter first, single hyphens, no trailing hyphen, deterministic", () => {
        fc.assert(
            fc.property(prefix, (p) => {
                const name = keyVaultName(p, "kv", SUB);
                assert.match(name, /^[a-z][a-z0-9-]{1,22}[a-z0-9]$/);
                assert.ok(!name.includes("--"), name);
                assert.equal(name, keyVaultName(p, "kv", SUB));
            }),
            { numRuns: 200 },
        );
        assert.equal(keyVaultName("platform-prod-azure", "kv", SUB).length <= 24, true);
    });

    it("role assignment names are GUIDs, stable per key and distinct across keys", () => {
        const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
        fc.assert(
            fc.property(fc.string(), fc.string(), (a, b) => {
                assert.match(stableGuid(a), guid);
                assert.equal(stableGuid(a), stableGuid(a));
                if (a !== b) {
                    assert.notEqual(stableGuid(a), stableGuid(b));
                }
            }),
        );
    });
});

describe("azure: addressing", () => {
    it("regional subnets are the zone-0 blocks of the shared planner", () => {
        const plan = planSubnets("10.50.0.0/16", 2);
        assert.deepEqual(regionalSubnets(plan), { public: "10.50.144.0/24", nodes: "10.50.0.0/19", tools: "10.50.128.0/22" });
    });

    it("private endpoints: the network's last /24 for planner layouts", () => {
        assert.equal(privateEndpointSubnet("10.50.0.0/16", planSubnets("10.50.0.0/16", 2)), "10.50.255.0/24");
        assert.equal(privateEndpointSubnet("10.70.0.0/20", planSubnets("10.70.0.0/20", 3)), "10.70.15.240/28");
    });

    it("private endpoints (property): inside the network, a canonical block, disjoint from every planned subnet, stable as zones grow", () => {
        fc.assert(
            fc.property(network, fc.integer({ min: 1, max: ZONE_SLOTS }), (net, z) => {
                const plan = planSubnets(net, z);
                const slot = privateEndpointSubnet(net, plan);
                assert.equal(cidrProblem(slot), undefined);
                assert.ok(cidrContains(net, slot), `${slot} outside ${net}`);
                for (const s of SUBNET_TIERS.flatMap((t) => plan[t])) {
                    assert.ok(!cidrsOverlap(s, slot), `${slot} overlaps ${s}`);
                }
                assert.equal(slot, privateEndpointSubnet(net, planSubnets(net, ZONE_SLOTS)));
            }),
            { numRuns: 300 },
        );
    });

    it("private endpoints: skips blocks a hand-written layout took, and says so when none is left", () => {
        const plan = { public: ["10.0.255.0/24"], nodes: ["10.0.0.0/17"], tools: ["10.0.128.0/18"] };
        assert.equal(privateEndpointSubnet("10.0.0.0/16", plan), "10.0.254.0/24");
        assert.throws(() => privateEndpointSubnet("10.0.0.0/16", { public: ["10.0.0.0/16"], nodes: [], tools: [] }), /^Error: no free \/24 left in 10\.0\.0\.0\/16 for private endpoints/);
    });

    it("API server subnet: the /28 just below the private-endpoint block for planner layouts", () => {
        assert.equal(apiServerSubnet("10.50.0.0/16", planSubnets("10.50.0.0/16", 2)), "10.50.254.240/28");
        assert.equal(apiServerSubnet("10.70.0.0/16", planSubnets("10.70.0.0/16", 3)), "10.70.254.240/28");
        assert.equal(apiServerSubnet("10.70.0.0/20", planSubnets("10.70.0.0/20", 3)), "10.70.15.224/28");
    });

    it("API server subnet (property): a /28 inside the network, overlapping no planned subnet nor the endpoints, stable as zones change", () => {
        fc.assert(
            fc.property(network, fc.integer({ min: 1, max: ZONE_SLOTS }), fc.integer({ min: 1, max: ZONE_SLOTS }), (net, z, other) => {
                const plan = planSubnets(net, z);
                const slot = apiServerSubnet(net, plan);
                assert.equal(cidrProblem(slot), undefined);
                assert.match(slot, /\/28$/);
                assert.ok(cidrContains(net, slot), `${slot} outside ${net}`);
                for (const s of [...SUBNET_TIERS.flatMap((t) => plan[t]), privateEndpointSubnet(net, plan)]) {
                    assert.ok(!cidrsOverlap(s, slot), `${slot} overlaps ${s}`);
                }
                assert.equal(slot, apiServerSubnet(net, planSubnets(net, other)), `moves between ${z} and ${other} zones`);
            }),
            { numRuns: 300 },
        );
    });

    it("API server subnet: skips blocks a hand-written layout took, and says so when none is left", () => {
        const plan = { public: ["10.0.255.0/24"], nodes: ["10.0.0.0/17"], tools: ["10.0.128.0/18"] };
        // Endpoints take 10.0.254.0/24; the API server the last free /28 below it.
        assert.equal(apiServerSubnet("10.0.0.0/16", plan), "10.0.253.240/28");
        assert.throws(
            () => apiServerSubnet("10.0.0.0/16", { public: ["10.0.0.0/17"], nodes: ["10.0.128.0/18"], tools: ["10.0.192.0/19", "10.0.224.0/20", "10.0.240.0/21", "10.0.248.0/22", "10.0.252.0/23", "10.0.254.0/24"] }),
            /^Error: no free \/28 left in 10\.0\.0\.0\/16 for the AKS API server/,
        );
    });

    it("fixed host addresses skip Azure's five reserved addresses", () => {
        assert.equal(azureHostAddress("10.50.128.0/22", 10), "10.50.128.10");
        assert.throws(() => azureHostAddress("10.50.128.0/22", 3), /outside the usable range of 10\.50\.128\.0\/22 \(Azure reserves the first four and the last address\)/);
        assert.throws(() => azureHostAddress("10.0.0.0/28", 15), /outside the usable range/);
        assert.equal(dnsServiceIp("172.20.0.0/16"), "172.20.0.10");
    });

    it("tool VMs: fixed addresses in the tools subnet, spread over the zones", () => {
        const tools = "10.50.128.0/22";
        assert.deepEqual(azurePlacement("jenkins", tools, ["1", "2"]), { zone: "1", privateIp: "10.50.128.10" });
        assert.deepEqual(azurePlacement("vault", tools, ["1", "2"]), { zone: "2", privateIp: "10.50.128.11" });
        assert.deepEqual(azurePlacement("wazuh", tools, ["1", "2"]), { zone: "1", privateIp: "10.50.128.12" });
        assert.deepEqual(azurePlacement("wazuh", tools, ["1", "2", "3"]), { zone: "3", privateIp: "10.50.128.12" });
    });

    it("zones: Azure's 1-3, refused beyond", () => {
        assert.deepEqual(azureZones(2), ["1", "2"]);
        assert.deepEqual(azureZones(3), ["1", "2", "3"]);
        assert.throws(() => azureZones(4), /^Error: platform:network\.zones is 4 but Azure regions have 3 availability zones; use 2 or 3$/);
    });
});
