/**
 * Regions from tables (every real region accepted, unknown ones refused with the nearest names),
 * and the values the clouds refuse in names and tags refused at the edge, naming the key.
 */
import * as assert from "node:assert/strict";
import { ConfigError, parsePlatformConfig } from "../../components/config";
import { DERIVED_NAMES, prefixProblems, tagProblems } from "../../components/config/cloud-names";
import { AWS_REGIONS, AZURE_REGIONS, GCP_REGIONS, nearestRegions } from "../../components/config/regions";
import type { Cloud } from "../../components/config/schema";
import { graphOf } from "../support/graphs";

function config(cloud: Cloud, patch: (c: Record<string, any>) => void = () => undefined): Record<string, any> {
    const c: Record<string, any> = {
        cloud,
        environment: "dev",
        region: { aws: "eu-west-1", azure: "westeurope", gcp: "europe-west1" }[cloud],
        owner: "platform-team",
        costCenter: "cc-1234",
        network: { cidr: "10.20.0.0/16" },
        bastion: { allowedCidrs: ["203.0.113.0/24"] },
        cluster: { endpointAccess: "restricted", authorizedCidrs: ["203.0.113.0/24"] },
        ...(cloud === "gcp" ? { gcpProject: "platform-dev-123456" } : {}),
    };
    patch(c);
    return c;
}

function problems(raw: Record<string, unknown>): string[] {
    try {
        parsePlatformConfig(raw, { project: "platform", stack: `dev-${String(raw.cloud)}` });
        return [];
    } catch (err) {
        assert.ok(err instanceof ConfigError, String(err));
        return [...err.problems];
    }
}

describe("config: regions from tables", () => {
    const cases: [Cloud, readonly string[]][] = [
        ["aws", AWS_REGIONS.map((r) => r.name)],
        ["azure", AZURE_REGIONS.filter((r) => r.zones).map((r) => r.name)],
        ["gcp", GCP_REGIONS.map((r) => r.name)],
    ];
    for (const [cloud, names] of cases) {
        it(`accepts every ${cloud} region of the table (${names.length})`, () => {
            for (const region of names) {
                assert.deepEqual(problems(config(cloud, (c) => (c.region = region))), [], region);
            }
        });
    }

    it("refuses eu-west-9 naming region and the nearest valid names", () => {
        assert.deepEqual(problems(config("aws", (c) => (c.region = "eu-west-9"))), [
            'platform:region: "eu-west-9" is not an AWS region; nearest valid: eu-west-1, eu-west-2, eu-west-3 (components/config/regions.ts lists every region with its source)',
        ]);
    });

    it("refuses near-misses on Azure and GCP with the region meant among the suggestions", () => {
        assert.match(problems(config("azure", (c) => (c.region = "westeurop")))[0], /^platform:region: "westeurop" is not an Azure region; nearest valid: westeurope,/);
        assert.match(problems(config("gcp", (c) => (c.region = "europe-west-1")))[0], /^platform:region: "europe-west-1" is not a GCP region; nearest valid: europe-west1,/);
    });

    it("refuses an Azure region without availability zones (the platform spreads over zones)", () => {
        assert.deepEqual(problems(config("azure", (c) => (c.region = "northcentralus"))), [
            'platform:region: "northcentralus" has no availability zones, and the platform spreads nodes and VMs over 2-3 zones (learn.microsoft.com/azure/reliability/regions-list); use a region with zones, e.g. southcentralus, centralus, koreacentral',
        ]);
    });

    it("nearest names come from the same cloud's table", () => {
        assert.deepEqual(nearestRegions("gcp", "us-central2"), ["us-central1", "me-central2", "me-central1"]);
    });
});

describe("config: values the clouds refuse in tags", () => {
    it("refuses {team: \"ops's team\"} on AWS naming tags", () => {
        assert.deepEqual(problems(config("aws", (c) => (c.tags = { team: "ops's team" }))), [
            `platform:tags: "team": "ops's team" contains "'"; AWS tags allow only letters, digits, spaces and _ . : / = + - @ (IAM, KMS and CloudWatch Logs refuse the rest)`,
        ]);
    });

    it("accepts what AWS accepts: letters of any script, spaces and _ . : / = + - @", () => {
        assert.deepEqual(problems(config("aws", (c) => (c.tags = { team: "Équipe Ops / ops@example.com", tier: "a:b=c+d-e_f.g" }))), []);
    });

    it("refuses a 257-character value (the schema's limit, the lowest of the clouds) and accepts the apostrophe on Azure", () => {
        assert.deepEqual(problems(config("azure", (c) => (c.tags = { team: "x".repeat(257) }))), [`platform:tags.team: "${"x".repeat(257)}" is above the maximum 256`]);
        assert.deepEqual(tagProblems("azure", "team", "ops's team"), []);
    });

    it("GCP sanitises label values, so only the count is refused", () => {
        assert.deepEqual(problems(config("gcp", (c) => (c.tags = { team: "ops's team" }))), []);
        const many = Object.fromEntries(Array.from({ length: 41 }, (_, i) => [`k${i}`, "v"]));
        assert.deepEqual(problems(config("gcp", (c) => (c.tags = many))), ["platform:tags: 41 tags; at most 40 (clouds take 50 per resource, and the platform adds 6 common tags and up to 4 per resource)"]);
    });
});

describe("config: name prefixes whose derived names a cloud refuses", () => {
    it("refuses bucket-reserved prefixes on AWS and google in GCP bucket names", () => {
        assert.deepEqual(problems(config("aws", (c) => (c.namePrefix = "sthree-platform"))), ['platform:namePrefix: "sthree-platform" starts with sthree-, and so would the snapshot bucket\'s name; S3 reserves that prefix']);
        assert.deepEqual(problems(config("gcp", (c) => (c.namePrefix = "google-ml"))), ['platform:namePrefix: "google-ml" contains "google" (or a look-alike), and so would the snapshot bucket\'s name; Cloud Storage refuses bucket names containing google']);
        assert.deepEqual(problems(config("azure", (c) => (c.namePrefix = "google-ml"))), []);
    });

    it("names the derived name that breaks its length limit, and the longest prefix that fits", () => {
        assert.deepEqual(prefixProblems("gcp", "platform-machine-learning-staging"), [], "37 characters fit");
        assert.deepEqual(prefixProblems("gcp", "platform-machine-learning-staging-eu1"), [
            'the GKE cluster name "platform-machine-learning-staging-eu1-gke" would have 41 characters, over its limit of 40 (https://cloud.google.com/kubernetes-engine/docs/reference/rest/v1/projects.locations.clusters#Cluster.FIELDS.name); shorten the prefix to at most 36 characters',
        ]);
    });

    it("checks the default prefix too (<project>-<environment>-<cloud>)", () => {
        const err = (() => {
            try {
                parsePlatformConfig(config("aws"), { project: "sg-platform", stack: "dev-aws" });
            } catch (e) {
                return e as ConfigError;
            }
            return undefined;
        })();
        assert.deepEqual(err?.problems, ['sg-platform:namePrefix: not set, so the prefix is <project>-<environment>-<cloud>: "sg-platform-dev-aws" starts with sg-, and every security group name would too; EC2 refuses security group names starting with sg-; set namePrefix explicitly']);
    });

    it("the derived-name table matches names the program registers (it cannot drift from the components)", async () => {
        for (const cloud of ["aws", "azure", "gcp"] as Cloud[]) {
            const g = await graphOf(`dev-${cloud}`);
            const names = JSON.stringify(g.resources.map((r) => r.inputs));
            for (const d of DERIVED_NAMES[cloud]) {
                assert.ok(names.includes(JSON.stringify(d.build(`platform-dev-${cloud}`))), `${cloud}: the program registers ${d.what} ${d.build(`platform-dev-${cloud}`)}`);
            }
        }
    });
});
