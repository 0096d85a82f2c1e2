import * as assert from "node:assert/strict";
import fc from "fast-check";
import { cidrContains, cidrProblem, cidrsOverlap, NETWORK_PREFIX_RANGE, planSubnets, SUBNET_TIERS, subnetAt, ZONE_SLOTS } from "../../components/config/cidr";

/** Any canonical private IPv4 network the planner accepts (/16 to /20 inside 10.0.0.0/8). */
const network = fc
    .record({
        prefix: fc.integer({ min: NETWORK_PREFIX_RANGE.min, max: NETWORK_PREFIX_RANGE.max }),
        seed: fc.integer({ min: 0, max: 2 ** 24 - 1 }),
    })
    .map(({ prefix, seed }) => subnetAt("10.0.0.0/8", prefix - 8, seed % 2 ** (prefix - 8)));
const zones = fc.integer({ min: 1, max: ZONE_SLOTS });
const all = (plan: ReturnType<typeof planSubnets>) => SUBNET_TIERS.flatMap((t) => plan[t]);

describe("config: CIDR planner (property tests)", () => {
    it("every planned subnet is a canonical block inside the network", () => {
        fc.assert(
            fc.property(network, zones, (net, z) => {
                for (const s of all(planSubnets(net, z))) {
                    assert.equal(cidrProblem(s), undefined, s);
                    assert.ok(cidrContains(net, s), `${s} outside ${net}`);
                }
            }),
            { numRuns: 300 },
        );
    });

    it("planned subnets never overlap", () => {
        fc.assert(
            fc.property(network, zones, (net, z) => {
                const subnets = all(planSubnets(net, z));
                for (let i = 0; i < subnets.length; i++) {
                    for (let j = i + 1; j < subnets.length; j++) {
                        assert.ok(!cidrsOverlap(subnets[i], subnets[j]), `${subnets[i]} overlaps ${subnets[j]}`);
                    }
                }
            }),
            { numRuns: 300 },
        );
    });

    it("is deterministic, and adding a zone never moves an existing subnet", () => {
        fc.assert(
            fc.property(network, fc.integer({ min: 1, max: ZONE_SLOTS - 1 }), (net, z) => {
                assert.deepEqual(planSubnets(net, z), planSubnets(net, z));
                const grown = planSubnets(net, z + 1);
                for (const tier of SUBNET_TIERS) {
                    assert.deepEqual(grown[tier].slice(0, z), planSubnets(net, z)[tier]);
                }
            }),
            { numRuns: 200 },
        );
    });

    it("gives one subnet per zone and tier, nodes the largest", () => {
        fc.assert(
            fc.property(network, zones, (net, z) => {
                const plan = planSubnets(net, z);
                const size = (c: string) => Number(c.split("/")[1]);
                for (const tier of SUBNET_TIERS) {
                    assert.equal(plan[tier].length, z);
                }
                assert.ok(size(plan.nodes[0]) < size(plan.tools[0]) && size(plan.tools[0]) < size(plan.public[0]));
            }),
        );
    });

    it("matches the documented layout for 10.20.0.0/16 over 3 zones", () => {
        assert.deepEqual(planSubnets("10.20.0.0/16", 3), {
            nodes: ["10.20.0.0/19", "10.20.32.0/19", "10.20.64.0/19"],
            tools: ["10.20.128.0/22", "10.20.132.0/22", "10.20.136.0/22"],
            public: ["10.20.144.0/24", "10.20.145.0/24", "10.20.146.0/24"],
        });
    });

    it("overlap is symmetric and agrees with containment", () => {
        const block = fc.tuple(fc.integer({ min: 8, max: 28 }), fc.integer({ min: 0, max: 2 ** 20 })).map(([p, s]) => subnetAt("10.0.0.0/8", p - 8, s % 2 ** (p - 8)));
        fc.assert(
            fc.property(block, block, (a, b) => {
                assert.equal(cidrsOverlap(a, b), cidrsOverlap(b, a));
                if (cidrContains(a, b) || cidrContains(b, a)) {
                    assert.ok(cidrsOverlap(a, b));
                }
            }),
            { numRuns: 500 },
        );
    });

    it("rejects what the planner cannot lay out", () => {
        assert.throws(() => planSubnets("10.0.0.0/24", 2), /needs an IPv4 \/16-\/20 network, got 10.0.0.0\/24/);
        assert.throws(() => planSubnets("10.0.0.0/16", 5), /supports 1-4 zones, got 5/);
    });
});
