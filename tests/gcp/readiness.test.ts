/**
 * Issue 15's other items on the captured graphs and the config edge: zones from config (never
 * from live status), the OS Login name, replacement hazards, re-creatable key rings, Binary
 * Authorization per environment, and the GKE version table.
 */
import * as assert from "node:assert/strict";
import { admissionPatterns, BINAUTHZ_ENFORCEMENT } from "../../components/gcp/binauthz";
import { JENKINS_AGENT_IMAGE } from "../../components/bootstrap/versions";
import { sshKeyExpiryUsec } from "../../components/gcp/bastion";
import { deployerEmail, osLoginUser } from "../../components/gcp/iam";
import { keyRingName } from "../../components/gcp/kms";
import { defaultBucketRetention } from "../../components/gcp/logging";
import { ConfigError, parsePlatformConfig, PlatformConfig } from "../../components/config";
import { gcpZonesOf } from "../../components/config/regions";
import { checkConstraints, CONSTRAINTS, fixtureGraph } from "../../offline/constraints";
import { channelOffers, GKE_CHANNEL_MINORS } from "../../offline/constraints/tables/gke-versions";
import { readStackFile } from "../../offline/engine";
import { byName, ofType } from "../../offline/graph";
import { G, graphOf, variantOf } from "./fixtures";

const STACKS = ["dev-gcp", "staging-gcp", "prod-gcp"];

/** The platform config of a shipped GCP stack, with top-level keys replaced. */
function configOf(stack: string, patch: Record<string, unknown> = {}): PlatformConfig {
    const raw = Object.fromEntries(Object.entries({ ...readStackFile(stack), ...Object.fromEntries(Object.entries(patch).map(([k, v]) => [`platform:${k}`, v])) }).map(([k, v]) => [k.replace(/^platform:/, ""), v]));
    return parsePlatformConfig(raw, { project: "platform", stack });
}
const problemsOf = (fn: () => unknown): string[] => {
    try {
        fn();
    } catch (e) {
        if (e instanceof ConfigError) return [...e.problems];
        throw e;
    }
    return [];
};

describe("gcp readiness: zones from config, validated against the region table", () => {
    it("default: the first N zones of the region in the table (N from the environment profile)", () => {
        const dev = configOf("dev-gcp");
        const prod = configOf("prod-gcp");
        assert.ok(dev.cloud === "gcp" && prod.cloud === "gcp");
        assert.deepEqual(dev.gcp.zones, ["europe-west1-b", "europe-west1-c"]);
        assert.deepEqual(prod.gcp.zones, ["europe-west1-b", "europe-west1-c", "europe-west1-d"]);
        assert.deepEqual(prod.gcp.zones, gcpZonesOf("europe-west1"));
    });

    it("given zones are used as given, and every zonal resource lands in them (never re-derived from live status)", async () => {
        const network = { cidr: "10.50.0.0/16", zoneNames: ["europe-west1-d", "europe-west1-c"] };
        const cfg = configOf("dev-gcp", { network });
        assert.ok(cfg.cloud === "gcp");
        assert.deepEqual(cfg.gcp.zones, ["europe-west1-d", "europe-west1-c"]);
        assert.equal(cfg.network.zones, 2);
        const g = await variantOf("dev-gcp", { configOverrides: { "platform:network": network } });
        assert.deepEqual(byName(g, G.cluster, "cluster-gke").inputs.nodeLocations, ["europe-west1-d", "europe-west1-c"]);
        assert.equal(byName(g, G.instance, "bastion-instance").inputs.zone, "europe-west1-d");
        assert.deepEqual(g.outputs.zones, ["europe-west1-d", "europe-west1-c"]);
        assert.ok(!g.invokes.some((i) => i.token === "gcp:compute/getZones:getZones"));
    });

    it("refuses a zone of another region, a duplicate, one zone, a count that disagrees, and more zones than the region has", () => {
        assert.deepEqual(problemsOf(() => configOf("dev-gcp", { network: { zoneNames: ["europe-west1-a", "europe-west1-b"] } })), [
            'platform:network.zoneNames[0]: "europe-west1-a" is not a zone of europe-west1; its zones are europe-west1-b, europe-west1-c, europe-west1-d (components/config/regions.ts)',
        ]);
        assert.deepEqual(problemsOf(() => configOf("dev-gcp", { network: { zoneNames: ["europe-west1-b", "europe-west1-b"] } })), ['platform:network.zoneNames: lists "europe-west1-b" more than once; name each zone once']);
        assert.ok(problemsOf(() => configOf("dev-gcp", { network: { zoneNames: ["europe-west1-b"] } })).includes("platform:network.zoneNames: names 1 zone; the platform spreads node pools and tool VMs over at least 2"));
        assert.ok(
            problemsOf(() => configOf("dev-gcp", { network: { zones: 3, zoneNames: ["europe-west1-b", "europe-west1-c"] } })).includes(
                "platform:network.zoneNames: names 2 zones but platform:network.zones is 3; give one of them, or make them agree",
            ),
        );
        assert.deepEqual(problemsOf(() => configOf("dev-gcp", { network: { zones: 4 } })), ["platform:network.zones: 4 zones, but europe-west1 has only 3 (europe-west1-b, europe-west1-c, europe-west1-d); lower platform:network.zones"]);
        assert.deepEqual(problemsOf(() => configOf("dev-gcp", { network: { zoneNames: ["eu-west1b", "europe-west1-c"] } })), ['platform:network.zoneNames[0]: "eu-west1b" must be a GCP zone name such as "europe-west1-b"']);
    });

    it("GCP-only keys are refused on another cloud's stack", () => {
        const problems = problemsOf(() => configOf("dev-aws", { network: { zoneNames: ["eu-west-1a", "eu-west-1b"] }, bastion: { allowedCidrs: ["203.0.113.0/24"], osLoginUser: "alice" }, cluster: { rbacSecurityGroup: "gke-security-groups@example.com" } }));
        for (const key of ["network.zoneNames", "bastion.osLoginUser", "cluster.rbacSecurityGroup"]) {
            assert.ok(problems.includes(`platform:${key}: applies to gcp stacks only, and this stack's cloud is aws; remove it`), `${key}: ${problems.join(" | ")}`);
        }
    });
});

describe("gcp readiness: the OS Login user", () => {
    it("config wins over the derived default (ext_ users, custom POSIX names)", async () => {
        const g = await variantOf("dev-gcp", { configOverrides: { "platform:bastion": { allowedCidrs: ["203.0.113.0/24"], iapSshAccess: true, osLoginUser: "ext_platform_deployer_example" } } });
        assert.equal(g.outputs.bastionSshUser, "ext_platform_deployer_example");
        assert.deepEqual(problemsOf(() => configOf("dev-gcp", { bastion: { allowedCidrs: ["203.0.113.0/24"], osLoginUser: "Alice Smith" } })), [
            'platform:bastion.osLoginUser: "Alice Smith" must be a POSIX user name (a-z, 0-9, _ . -, starting with a letter or _, at most 32 characters)',
        ]);
    });

    it("the default follows Google's rules: users by e-mail, service accounts sa_<uniqueId>", () => {
        assert.equal(osLoginUser("Alice.Smith@example.com"), "alice_smith_example_com");
        assert.equal(osLoginUser("ci@proj-123456.iam.gserviceaccount.com", "104512345678901234567"), "sa_104512345678901234567");
    });

    it("a federated principal without an e-mail fails with what to change, before anything is registered", () => {
        for (const email of ["", undefined, "principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/gh/subject/repo"]) {
            assert.throws(() => deployerEmail(email), /no e-mail .*federated principal used without service account impersonation.*google-github-actions\/auth `service_account:`/);
        }
        assert.equal(deployerEmail("deployer@proj-123456.iam.gserviceaccount.com"), "deployer@proj-123456.iam.gserviceaccount.com");
    });

    it("key expiry: rotation instant + 14 days in microseconds since the epoch", () => {
        assert.equal(sshKeyExpiryUsec("2026-12-31T00:00:00Z"), String((Date.UTC(2026, 11, 31) + 14 * 86_400_000) * 1000));
        assert.throws(() => sshKeyExpiryUsec("soon"), /not an RFC 3339 time/);
    });
});

describe("gcp readiness: replacement hazards", () => {
    for (const stack of STACKS) {
        it(`${stack}: every resource with a fixed unique name deletes before replacing (the catalogue entry holds on the real graph)`, async () => {
            const g = await graphOf(stack);
            const entry = CONSTRAINTS.find((c) => c.id === "gcp-resource-fixed-name-replace-order")!;
            assert.deepEqual(checkConstraints(g, { entries: [entry] }).map((v) => v.message), []);
            const named = g.resources.filter((r) => entry.types.includes(r.type));
            assert.ok(named.length >= 40, `${named.length} fixed-name resources checked`);
            for (const type of ["gcp:compute/instance:Instance", "gcp:compute/disk:Disk", "gcp:container/cluster:Cluster", "gcp:serviceaccount/account:Account", "gcp:compute/subnetwork:Subnetwork", "gcp:compute/address:Address"]) {
                assert.ok(ofType(g, type).length > 0 && ofType(g, type).every((r) => r.deleteBeforeReplace === true), type);
            }
        });
    }

    it("key rings: a suffix per creation outside prod (re-creatable), a fixed name in prod", async () => {
        assert.equal(keyRingName("platform-dev-gcp", "a1b2"), "platform-dev-gcp-keys-a1b2");
        assert.equal(keyRingName("platform-prod-gcp"), "platform-prod-gcp-keys");
        const dev = byName(await graphOf("dev-gcp"), G.keyRing, "keys-ring");
        const staging = byName(await graphOf("staging-gcp"), G.keyRing, "keys-ring");
        const prod = byName(await graphOf("prod-gcp"), G.keyRing, "keys-ring");
        assert.match(String(dev.inputs.name), /^platform-dev-gcp-keys-[0-9a-f]{4}$/);
        assert.match(String(staging.inputs.name), /^platform-staging-gcp-keys-[0-9a-f]{4}$/);
        assert.equal(prod.inputs.name, "platform-prod-gcp-keys");
        assert.equal(prod.protect, true);
    });
});

describe("gcp readiness: Binary Authorization", () => {
    for (const stack of STACKS) {
        it(`${stack}: deny by default except the platform's registries; ${stack.startsWith("dev") ? "dry-run audit" : "enforced"}; never reset on destroy`, async () => {
            const g = await graphOf(stack);
            const env = stack.split("-")[0] as "dev" | "staging" | "prod";
            const project = `platform-${env}-123456`;
            const policy = byName(g, "gcp:binaryauthorization/policy:Policy", "binary-authorization");
            assert.deepEqual(policy.inputs.defaultAdmissionRule, { evaluationMode: "ALWAYS_DENY", enforcementMode: env === "dev" ? "DRYRUN_AUDIT_LOG_ONLY" : "ENFORCED_BLOCK_AND_AUDIT_LOG" });
            assert.equal(BINAUTHZ_ENFORCEMENT[env], (policy.inputs.defaultAdmissionRule as Record<string, unknown>).enforcementMode);
            assert.equal(policy.inputs.globalPolicyEvaluationMode, "ENABLE", "Google's system images stay admitted");
            assert.equal(policy.inputs.deletionPolicy, "ABANDON");
            const patterns = (policy.inputs.admissionWhitelistPatterns as { namePattern: string }[]).map((p) => p.namePattern);
            assert.deepEqual(patterns, admissionPatterns(project, "europe-west1"));
            assert.ok(patterns.includes(`europe-west1-docker.pkg.dev/${project}/**`), "the project's own Artifact Registry");
            // The Jenkins agent (jenkins/inbound-agent), full and short Docker Hub form, nothing else of
            // the jenkins organisation.
            assert.deepEqual(
                patterns.filter((p) => p.includes("jenkins")),
                ["docker.io/jenkins/inbound-agent*", "jenkins/inbound-agent*"],
            );
            assert.ok(byName(g, G.cluster, "cluster-gke").dependencies.includes(policy.urn), "the policy exists before the cluster evaluates it");
        });
    }
});

describe("gcp readiness: Binary Authorization admits the Jenkins agent image and not its neighbours", () => {
    /**
     * The allowlist's documented matching, written here independently: a trailing `*` matches any
     * characters but `/`, a trailing `**` any characters, otherwise the name as written
     * (https://cloud.google.com/binary-authorization/docs/reference/rest/v1/Policy#admissionwhitelistpattern).
     */
    const admits = (pattern: string, image: string): boolean =>
        pattern.endsWith("**")
            ? image.startsWith(pattern.slice(0, -2))
            : pattern.endsWith("*")
              ? image.startsWith(pattern.slice(0, -1)) && !image.slice(pattern.length - 1).includes("/")
              : image === pattern;
    it("the pinned inbound-agent in both forms; not jenkins/jenkins, not a nested path", () => {
        const patterns = admissionPatterns("platform-dev-123456", "europe-west1");
        const allowed = (image: string) => patterns.some((p) => admits(p, image));
        const tag = JENKINS_AGENT_IMAGE.tag;
        assert.equal(JENKINS_AGENT_IMAGE.repository, "docker.io/jenkins/inbound-agent");
        assert.ok(allowed(`docker.io/jenkins/inbound-agent:${tag}`));
        assert.ok(allowed(`jenkins/inbound-agent:${tag}`));
        assert.ok(!allowed("docker.io/jenkins/jenkins:lts"));
        assert.ok(!allowed("docker.io/jenkins/inbound-agent/evil:1"));
        assert.ok(!allowed("docker.io/library/alpine:3"));
        const policy = fixtureGraph({ title: "the shipped allowlist", resources: [{ type: "gcp:binaryauthorization/policy:Policy", name: "p", inputs: { admissionWhitelistPatterns: patterns.map((namePattern) => ({ namePattern })) } }] });
        assert.deepEqual(checkConstraints(policy, { entries: CONSTRAINTS.filter((c) => c.id === "gcp-binauthz-allowlist-pattern") }), []);
    });
});

describe("gcp readiness: GKE versions per release channel (dated table)", () => {
    it("the shipped stacks' minor is on their channel; a minor the channel does not offer fails the catalogue", async () => {
        const entry = CONSTRAINTS.find((c) => c.id === "gcp-gke-version-on-channel")!;
        for (const stack of STACKS) {
            const c = byName(await graphOf(stack), G.cluster, "cluster-gke").inputs as Record<string, any>;
            assert.ok(channelOffers(c.releaseChannel.channel, c.minMasterVersion), `${stack}: ${c.minMasterVersion} on ${c.releaseChannel.channel}`);
        }
        const g = await variantOf("prod-gcp", { configOverrides: { "platform:cluster": { endpointAccess: "private", controlPlaneCidr: "172.16.0.32/28", version: "1.36" } } });
        const found = checkConstraints(g, { entries: [entry] });
        assert.equal(found.length, 1);
        assert.match(found[0].message, /minMasterVersion "1\.36" is not offered by the STABLE channel \(1\.34 to 1\.35 as of \d{4}-\d{2}-\d{2}\)/);
        assert.ok(channelOffers("REGULAR", "1.36.2-gke.100") && !channelOffers("STABLE", "1.36"));
        assert.deepEqual(Object.keys(GKE_CHANNEL_MINORS).sort(), ["EXTENDED", "RAPID", "REGULAR", "STABLE"]);
    });
});

describe("gcp readiness: log retention and Data Access audit logs", () => {
    // The environment profiles' reviewed retention (components/config/profiles.ts: 30 / 90 / 365
    // days), written out here, not read from the implementation.
    const RETENTION: Readonly<Record<string, number>> = { "dev-gcp": 30, "staging-gcp": 90, "prod-gcp": 365 };
    for (const stack of STACKS) {
        it(`${stack}: the _Default bucket keeps logs ${RETENTION[stack]} days; KMS, Secret Manager and Storage data access audited; after the APIs`, async () => {
            const g = await graphOf(stack);
            const bucket = byName(g, "gcp:logging/projectBucketConfig:ProjectBucketConfig", "logging-default-bucket");
            const project = `platform-${stack.split("-")[0]}-123456`;
            assert.deepEqual(bucket.inputs, { project, location: "global", bucketId: "_Default", retentionDays: RETENTION[stack] });
            const audits = ofType(g, "gcp:projects/iAMAuditConfig:IAMAuditConfig");
            assert.deepEqual(
                audits.map((a) => [a.inputs.service, a.inputs.auditLogConfigs]).sort(),
                ["cloudkms.googleapis.com", "secretmanager.googleapis.com", "storage.googleapis.com"].map((service) => [service, [{ logType: "ADMIN_READ" }, { logType: "DATA_READ" }, { logType: "DATA_WRITE" }]]),
                "every Data Access log type, nobody exempted",
            );
            const wait = byName(g, "time:index/sleep:Sleep", "api-propagation");
            for (const r of [bucket, ...audits]) {
                assert.ok(r.dependencies.includes(wait.urn), `${r.name} waits for the APIs`);
            }
            assert.deepEqual(checkConstraints(g, { entries: CONSTRAINTS.filter((c) => c.id === "gcp-logging-bucket-retention") }), []);
        });
    }

    it("a retention outside Cloud Logging's 1-3650 days fails at the config edge, naming both keys", () => {
        assert.equal(defaultBucketRetention(30, 90), 90, "the longer of the two");
        assert.throws(() => defaultBucketRetention(4000, 30), /4000 days \(cluster\.logRetentionDays 4000, network\.flowLogs\.retentionDays 30\) is outside Cloud Logging's 1-3650 days/);
    });
});
