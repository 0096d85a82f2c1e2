import * as assert from "node:assert/strict";
import { CLOUD_BUILDERS, CLOUDS, ConfigError, parsePlatformConfig, PlatformConfig, rawFromPulumiConfig, SUPPORTED_CLOUDS } from "../../components/config";
import { captureGraph, loadProgram, loadStackConfig, partialGraphOf } from "../../offline/engine";

const CTX = { project: "platform", stack: "dev-aws" };

/** A valid dev-aws configuration; every bad case below mutates one part of it. */
function valid(): Record<string, any> {
    return {
        cloud: "aws",
        environment: "dev",
        region: "eu-west-1",
        owner: "platform-team",
        costCenter: "cc-1234",
        network: { cidr: "10.20.0.0/16" },
        bastion: { allowedCidrs: ["203.0.113.0/24"] },
        cluster: { endpointAccess: "restricted", authorizedCidrs: ["203.0.113.0/24"] },
    };
}

function problemsOf(raw: Record<string, unknown>, ctx = CTX): readonly string[] {
    try {
        parsePlatformConfig(raw, ctx);
    } catch (err) {
        assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
        return err.problems;
    }
    assert.fail("configuration was accepted");
}

function mutate(fn: (c: Record<string, any>) => void): Record<string, any> {
    const c = valid();
    fn(c);
    return c;
}

/** Each bad input with the exact message it must produce (and it must be the only one). */
const BAD_INPUTS: { name: string; raw: Record<string, any>; problem: string }[] = [
    {
        name: "unknown cloud",
        raw: mutate((c) => (c.cloud = "oracle")),
        problem: 'platform:cloud: "oracle" is not allowed; use one of: aws, azure, gcp',
    },
    {
        name: "unknown environment",
        raw: mutate((c) => (c.environment = "qa")),
        problem: 'platform:environment: "qa" is not allowed; use one of: dev, staging, prod',
    },
    {
        name: "missing region",
        raw: mutate((c) => delete c.region),
        problem: "platform:region: is required (string)",
    },
    {
        name: "region of another cloud",
        raw: mutate((c) => (c.region = "westeurope")),
        problem: 'platform:region: "westeurope" is an Azure region, and this stack\'s cloud is aws; use an AWS region such as eu-west-1 (components/config/regions.ts lists every region with its source)',
    },
    {
        name: "region that does not exist",
        raw: mutate((c) => (c.region = "eu-west-9")),
        problem: 'platform:region: "eu-west-9" is not an AWS region; nearest valid: eu-west-1, eu-west-2, eu-west-3 (components/config/regions.ts lists every region with its source)',
    },
    {
        name: "tag value AWS refuses",
        raw: mutate((c) => (c.tags = { team: "ops's team" })),
        problem: 'platform:tags: "team": "ops\'s team" contains "\'"; AWS tags allow only letters, digits, spaces and _ . : / = + - @ (IAM, KMS and CloudWatch Logs refuse the rest)',
    },
    {
        name: "name prefix starting with sg-",
        raw: mutate((c) => (c.namePrefix = "sg-platform")),
        problem: 'platform:namePrefix: "sg-platform" starts with sg-, and every security group name would too; EC2 refuses security group names starting with sg-',
    },
    {
        name: "name prefix with consecutive hyphens",
        raw: mutate((c) => (c.namePrefix = "platform--dev")),
        problem: 'platform:namePrefix: "platform--dev" has consecutive hyphens; names are joined with single hyphens and Key Vault names refuse "--"',
    },
    {
        name: "typo in a top-level key",
        raw: mutate((c) => {
            c.netwrok = c.network;
            delete c.network;
        }),
        problem:
            'platform:netwrok: unknown key (did you mean "network"?); allowed keys here: cloud, environment, region, owner, costCenter, namePrefix, gcpProject, azureNetworkWatcher, azureDeployerPrincipalType, network, bastion, cluster, operations, tags',
    },
    {
        name: "typo in a nested key",
        raw: mutate((c) => (c.network.natStrategi = "single")),
        problem: 'platform:network.natStrategi: unknown key (did you mean "natStrategy"?); allowed keys here: cidr, zones, natStrategy, privateEndpoints, flowLogs, subnets, zoneNames',
    },
    {
        name: "malformed network CIDR",
        raw: mutate((c) => (c.network.cidr = "10.20.0.0/33")),
        problem: 'platform:network.cidr: "10.20.0.0/33" is not a valid CIDR block (address/prefix, e.g. 10.20.0.0/16)',
    },
    {
        name: "network CIDR with host bits",
        raw: mutate((c) => (c.network.cidr = "10.20.1.0/16")),
        problem: 'platform:network.cidr: "10.20.1.0/16" has host bits set; did you mean 10.20.0.0/16?',
    },
    {
        name: "public network range",
        raw: mutate((c) => (c.network.cidr = "8.8.0.0/16")),
        problem: 'platform:network.cidr: "8.8.0.0/16" is not a private range; use a block inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10',
    },
    {
        name: "network too small",
        raw: mutate((c) => (c.network.cidr = "10.20.0.0/24")),
        problem: 'platform:network.cidr: "10.20.0.0/24" must be an IPv4 block from /16 to /20 (e.g. 10.20.0.0/16)',
    },
    {
        name: "unknown NAT strategy",
        raw: mutate((c) => (c.network.natStrategy = "double")),
        problem: 'platform:network.natStrategy: "double" is not allowed; use one of: none, single, perZone',
    },
    {
        name: "no NAT and no private endpoints",
        raw: mutate((c) => {
            c.network.natStrategy = "none";
            c.network.privateEndpoints = false;
        }),
        problem:
            'platform:network.natStrategy: "none" leaves private subnets with no route to the cloud APIs (image pulls, node join); set platform:network.privateEndpoints: true or use "single" / "perZone"',
    },
    {
        name: "too many zones",
        raw: mutate((c) => (c.network.zones = 6)),
        problem: "platform:network.zones: 6 is above the maximum 4",
    },
    {
        name: "zones not an integer",
        raw: mutate((c) => (c.network.zones = "two")),
        problem: 'platform:network.zones: expected number, got "two"',
    },
    {
        name: "flow log retention CloudWatch rejects",
        raw: mutate((c) => (c.network.flowLogs = { retentionDays: 10 })),
        problem:
            "platform:network.flowLogs.retentionDays: 10 must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
    },
    {
        name: "explicit subnet outside the network",
        raw: mutate(
            (c) =>
                (c.network.subnets = {
                    public: ["10.20.144.0/24", "10.20.145.0/24"],
                    nodes: ["10.20.0.0/19", "10.21.0.0/19"],
                    tools: ["10.20.128.0/22", "10.20.132.0/22"],
                }),
        ),
        problem: 'platform:network.subnets.nodes[1]: "10.21.0.0/19" does not fit inside the network 10.20.0.0/16',
    },
    {
        name: "explicit subnets that overlap",
        raw: mutate(
            (c) =>
                (c.network.subnets = {
                    public: ["10.20.144.0/24", "10.20.145.0/24"],
                    nodes: ["10.20.0.0/19", "10.20.32.0/19"],
                    tools: ["10.20.16.0/22", "10.20.132.0/22"],
                }),
        ),
        problem: 'platform:network.subnets.tools[0]: "10.20.16.0/22" overlaps platform:network.subnets.nodes[0] ("10.20.0.0/19"); subnets must be disjoint',
    },
    {
        name: "explicit subnets, wrong count for the zones",
        raw: mutate(
            (c) =>
                (c.network.subnets = {
                    public: ["10.20.144.0/24"],
                    nodes: ["10.20.0.0/19", "10.20.32.0/19"],
                    tools: ["10.20.128.0/22", "10.20.132.0/22"],
                }),
        ),
        problem: "platform:network.subnets.public: lists 1 subnet but the network spans 2 zones; give exactly one per zone",
    },
    {
        name: "service range overlapping the network",
        raw: mutate((c) => (c.cluster.serviceCidr = "10.20.200.0/22")),
        problem: 'platform:cluster.serviceCidr: "10.20.200.0/22" overlaps the network 10.20.0.0/16; pick a range outside it (e.g. 172.20.0.0/16)',
    },
    {
        name: "pod range overlapping the network",
        raw: mutate((c) => (c.cluster.podCidr = "10.0.0.0/8")),
        problem: 'platform:cluster.podCidr: "10.0.0.0/8" overlaps the network 10.20.0.0/16; pick a range outside it (e.g. 100.64.0.0/16)',
    },
    {
        name: "pod range overlapping the service range",
        raw: mutate((c) => {
            c.cluster.serviceCidr = "172.20.0.0/16";
            c.cluster.podCidr = "172.20.128.0/17";
        }),
        problem: 'platform:cluster.podCidr: "172.20.128.0/17" overlaps platform:cluster.serviceCidr ("172.20.0.0/16")',
    },
    {
        name: "node pool min > max",
        raw: mutate((c) => (c.cluster.nodePools = { workload: { minSize: 5, maxSize: 3 } })),
        problem: "platform:cluster.nodePools.workload: minSize 5 is greater than maxSize 3; raise maxSize or lower minSize",
    },
    {
        name: "node pool desired outside [min, max] (bounds from the profile)",
        raw: mutate((c) => (c.cluster.nodePools = { system: { desiredSize: 9 } })),
        problem: "platform:cluster.nodePools.system.desiredSize: 9 is outside [minSize 2, maxSize 3] (minSize and maxSize from the dev profile); set it within that range",
    },
    {
        name: "node pool size not an integer",
        raw: mutate((c) => (c.cluster.nodePools = { system: { maxSize: 2.5 } })),
        problem: "platform:cluster.nodePools.system.maxSize: expected int, got 2.5",
    },
    {
        name: "world-open bastion allowlist (IPv4)",
        raw: mutate((c) => (c.bastion.allowedCidrs = ["0.0.0.0/0"])),
        problem: 'platform:bastion.allowedCidrs[0]: "0.0.0.0/0" opens access to the whole internet; list the specific CIDRs (office, VPN or CI egress) that need it',
    },
    {
        name: "world-open bastion allowlist (IPv6)",
        raw: mutate((c) => c.bastion.allowedCidrs.push("::/0")),
        problem: 'platform:bastion.allowedCidrs[1]: "::/0" opens access to the whole internet; list the specific CIDRs (office, VPN or CI egress) that need it',
    },
    {
        name: "world-open cluster API allowlist",
        raw: mutate((c) => (c.cluster.authorizedCidrs = ["0.0.0.0/0"])),
        problem: 'platform:cluster.authorizedCidrs[0]: "0.0.0.0/0" opens access to the whole internet; list the specific CIDRs (office, VPN or CI egress) that need it',
    },
    {
        name: "allowlist entry wider than /8",
        raw: mutate((c) => (c.bastion.allowedCidrs = ["0.0.0.0/1"])),
        problem: 'platform:bastion.allowedCidrs[0]: "0.0.0.0/1" is wider than /8; list narrower ranges that really need access',
    },
    {
        name: "empty bastion allowlist",
        raw: mutate((c) => (c.bastion.allowedCidrs = [])),
        problem:
            "platform:bastion.allowedCidrs: is empty; list the CIDRs allowed to SSH to the bastion (office, VPN or CI egress), since it is the only way into the network",
    },
    {
        name: "missing bastion section",
        raw: mutate((c) => delete c.bastion),
        problem: "platform:bastion: is required (object)",
    },
    {
        name: "restricted endpoint without authorized CIDRs",
        raw: mutate((c) => (c.cluster.authorizedCidrs = [])),
        problem:
            'platform:cluster.authorizedCidrs: is empty but endpointAccess is "restricted"; list the CIDRs allowed to reach the Kubernetes API, or set platform:cluster.endpointAccess: private',
    },
    {
        name: "unknown endpoint access mode",
        raw: mutate((c) => (c.cluster.endpointAccess = "public")),
        problem: 'platform:cluster.endpointAccess: "public" is not allowed; use one of: restricted, private',
    },
    {
        name: "malformed Kubernetes version",
        raw: mutate((c) => (c.cluster.version = "1.34.2")),
        problem: 'platform:cluster.version: "1.34.2" must be a Kubernetes minor version such as "1.34"',
    },
    {
        name: "invalid owner",
        raw: mutate((c) => (c.owner = "Platform Team")),
        problem: 'platform:owner: "Platform Team" must be a lowercase team or e-mail handle (a-z, 0-9, . _ @ -), 2-63 characters',
    },
    {
        name: "invalid tag key",
        raw: mutate((c) => (c.tags = { "Cost Center": "x" })),
        problem: 'platform:tags.Cost Center: key "Cost Center" must be lowercase a-z, 0-9, _ or -, starting with a letter (at most 63 characters)',
    },
    {
        name: "invalid name prefix",
        raw: mutate((c) => (c.namePrefix = "Platform_Dev")),
        problem: 'platform:namePrefix: "Platform_Dev" must be empty (derived) or 4-28 characters of a-z, 0-9 and -, starting with a letter',
    },
];

describe("config: validation", () => {
    it("accepts the valid baseline", () => {
        assert.equal(parsePlatformConfig(valid(), CTX).cloud, "aws");
    });

    it(`rejects ${BAD_INPUTS.length} distinct bad inputs (at least 20)`, () => {
        assert.ok(BAD_INPUTS.length >= 20);
        assert.equal(new Set(BAD_INPUTS.map((b) => b.problem)).size, BAD_INPUTS.length, "every case has its own message");
    });

    for (const bad of BAD_INPUTS) {
        it(`rejects ${bad.name} with one exact message`, () => {
            assert.deepEqual(problemsOf(bad.raw), [bad.problem]);
        });
    }

    it("reports every problem at once, in one error naming the stack file", () => {
        const raw = mutate((c) => {
            c.environment = "qa";
            c.network.cidr = "10.20.0.0/33";
            c.bastion.allowedCidrs = ["0.0.0.0/0"];
            c.colour = "blue";
        });
        let error: unknown;
        try {
            parsePlatformConfig(raw, CTX);
        } catch (err) {
            error = err;
        }
        assert.ok(error instanceof ConfigError);
        assert.equal(error.problems.length, 4);
        assert.match(error.message, /^Invalid configuration for stack "dev-aws" \(4 problems\):\n {2}- platform:environment: /);
        assert.match(error.message, /Fix these in stacks\/Pulumi\.dev-aws\.yaml \(or with `pulumi config set`\); nothing was created\.$/);
    });

    it("registers nothing but the stack itself for any bad input: the program fails before its first resource", async function () {
        this.timeout(120_000);
        const base = loadStackConfig("dev-aws").config;
        for (const bad of BAD_INPUTS) {
            const config: Record<string, string> = Object.fromEntries(Object.entries(base).filter(([k]) => !k.startsWith("platform:")));
            for (const [k, v] of Object.entries(bad.raw)) {
                config[`platform:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
            }
            const err: unknown = await captureGraph(loadProgram(), { stack: "dev-aws", config }).then(
                () => assert.fail(`${bad.name}: the program ran`),
                (e: unknown) => e,
            );
            assert.ok(err instanceof ConfigError, `${bad.name}: ${String(err)}`);
            assert.ok(err.problems.includes(bad.problem), `${bad.name}: ${err.problems.join(" | ")}`);
            const registered = partialGraphOf(err)?.resources.map((r) => r.type);
            assert.deepEqual(registered, ["pulumi:pulumi:Stack"], bad.name);
        }
    });
});

describe("config: cloud-specific keys", () => {
    const unbuilt = CLOUDS.filter((c) => !CLOUD_BUILDERS[c]);
    for (const cloud of unbuilt) {
        it(`rejects ${cloud} while this release has no builder for it`, () => {
            const raw = mutate((c) => {
                c.cloud = cloud;
                c.region = cloud === "azure" ? "westeurope" : "europe-west1";
                if (cloud === "gcp") {
                    c.gcpProject = "platform-dev-123456";
                }
            });
            assert.deepEqual(problemsOf(raw), [
                `platform:cloud: "${cloud}" is not supported yet: this release builds ${SUPPORTED_CLOUDS.join(", ")} only (the others are on the roadmap); use one of: ${SUPPORTED_CLOUDS.join(", ")}`,
            ]);
        });
    }

    it("refuses another cloud's keys on an AWS stack", () => {
        const raw = mutate((c) => {
            c.cluster.adminGroupObjectIds = ["0f0e0d0c-0b0a-4909-8807-060504030201"];
            c.cluster.controlPlaneCidr = "172.16.0.16/28";
            c.bastion.iapSshAccess = true;
            c.gcpProject = "platform-dev-123456";
            c.azureNetworkWatcher = "NetworkWatcherRG/NetworkWatcher_westeurope";
        });
        assert.deepEqual(problemsOf(raw), [
            "platform:cluster.adminGroupObjectIds: applies to azure stacks only, and this stack's cloud is aws; remove it",
            "platform:azureNetworkWatcher: applies to azure stacks only, and this stack's cloud is aws; remove it",
            "platform:cluster.controlPlaneCidr: applies to gcp stacks only, and this stack's cloud is aws; remove it",
            "platform:bastion.iapSshAccess: applies to gcp stacks only, and this stack's cloud is aws; remove it",
            "platform:gcpProject: applies to gcp stacks only, and this stack's cloud is aws; remove it",
        ]);
    });

    it("aws: the deployer is one stable IAM role or user, read through to the AWS section", () => {
        const cfg = parsePlatformConfig(mutate((c) => (c.cluster.deployerPrincipalArn = "arn:aws:iam::123456789012:role/ci/platform-deployer")), CTX) as Extract<PlatformConfig, { cloud: "aws" }>;
        assert.equal(cfg.aws.deployerPrincipalArn, "arn:aws:iam::123456789012:role/ci/platform-deployer");
        assert.equal((parsePlatformConfig(valid(), CTX) as Extract<PlatformConfig, { cloud: "aws" }>).aws.deployerPrincipalArn, undefined, "unset: the builder falls back to the caller, with a warning");
        assert.deepEqual(problemsOf(mutate((c) => (c.cluster.deployerPrincipalArn = "arn:aws:sts::123456789012:assumed-role/platform-deployer/ci"))), [
            'platform:cluster.deployerPrincipalArn: "arn:aws:sts::123456789012:assumed-role/platform-deployer/ci" must be an IAM role or user ARN such as arn:aws:iam::123456789012:role/platform-admins (not an assumed-role session ARN)',
        ]);
        // EKS access entries do not support service-linked roles (creating-access-entries.html).
        assert.deepEqual(problemsOf(mutate((c) => (c.cluster.adminPrincipalArns = ["arn:aws:iam::123456789012:role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS"]))), [
            'platform:cluster.adminPrincipalArns[0]: "arn:aws:iam::123456789012:role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS" is a service-linked role, which EKS access entries do not support; name an ordinary IAM role',
        ]);
        assert.deepEqual(
            problemsOf(
                mutate((c) => {
                    c.cluster.deployerPrincipalArn = "arn:aws:iam::123456789012:role/platform-ci";
                    c.cluster.prAutomationPrincipal = "arn:aws:iam::123456789012:role/platform-ci";
                }),
            ),
            [
                'platform:cluster.prAutomationPrincipal: "arn:aws:iam::123456789012:role/platform-ci" is also cluster.deployerPrincipalArn; EKS allows one access entry per principal, and the PR automation must not be an admin: use a separate role',
            ],
        );
        const onGcp = mutate((c) => {
            c.cloud = "gcp";
            c.region = "europe-west1";
            c.gcpProject = "platform-dev-123456";
            c.cluster.deployerPrincipalArn = "arn:aws:iam::123456789012:role/platform-ci";
        });
        assert.ok(problemsOf(onGcp).includes("platform:cluster.deployerPrincipalArn: applies to aws stacks only, and this stack's cloud is gcp; remove it"));
    });

    const gcp = (patch: (c: Record<string, any>) => void = () => undefined) =>
        mutate((c) => {
            c.cloud = "gcp";
            c.region = "europe-west1";
            c.gcpProject = "platform-dev-123456";
            patch(c);
        });
    const withoutUnbuilt = (problems: readonly string[]) => problems.filter((p) => !p.startsWith("platform:cloud:"));

    it("gcp: requires the project id", () => {
        assert.deepEqual(withoutUnbuilt(problemsOf(gcp((c) => delete c.gcpProject))), ["platform:gcpProject: is required for gcp stacks; set the GCP project id everything is created in"]);
    });

    it("gcp: the control plane range is a /28 outside the network", () => {
        assert.deepEqual(withoutUnbuilt(problemsOf(gcp((c) => (c.cluster.controlPlaneCidr = "10.20.0.0/24")))), [
            'platform:cluster.controlPlaneCidr: "10.20.0.0/24" must be a /28 (GKE\'s private control plane takes exactly 16 addresses)',
            'platform:cluster.controlPlaneCidr: "10.20.0.0/24" overlaps the network 10.20.0.0/16; pick a range outside it (e.g. 172.16.0.16/28)',
        ]);
    });

    it("azure: admin groups are Entra object ids", () => {
        const raw = mutate((c) => {
            c.cloud = "azure";
            c.region = "westeurope";
            c.cluster.adminGroupObjectIds = ["platform-admins"];
        });
        assert.deepEqual(withoutUnbuilt(problemsOf(raw)), ['platform:cluster.adminGroupObjectIds[0]: "platform-admins" must be an Entra ID object id (a lowercase GUID)']);
    });
});

/** Staging and prod need named operators and the operators' OpenPGP keys for Vault's recovery keys. */
const ALICE = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGV72RGYKTAMNJ6rBifV3PkwmAPOWDkuMiUPSgPygMRO alice@example.com";
const FPRS = ["0D1A6E2F3B4C5D6E7F8091A2B3C4D5E6F7081920", "1E2B7F3A4C5D6E7F8091A2B3C4D5E6F708192A3B", "2F3C8A4B5D6E7F8091A2B3C4D5E6F708192A3B4C", "3A4D9B5C6E7F8091A2B3C4D5E6F708192A3B4C5D", "4B5EAC6D7F8091A2B3C4D5E6F708192A3B4C5D6E"];
const withOperators = (c: Record<string, any>) => {
    c.bastion.users = [{ name: "alice", sudo: true, sshPublicKeys: [ALICE] }];
    c.operations = { vault: { pgpFingerprints: FPRS } };
};

describe("config: environment profiles", () => {
    const resolve = (environment: string, patch: (c: Record<string, any>) => void = () => undefined): PlatformConfig =>
        parsePlatformConfig(
            mutate((c) => {
                c.environment = environment;
                if (environment !== "dev") withOperators(c);
                patch(c);
            }),
            { project: "platform", stack: `${environment}-aws` },
        );

    it("dev: 2 zones, one NAT, restricted API, spot workers, no protection, 7-day backups", () => {
        const c = resolve("dev");
        assert.equal(c.network.zones, 2);
        assert.equal(c.network.natStrategy, "single");
        assert.equal(c.network.privateEndpoints, false);
        assert.equal(c.cluster.endpointAccess, "restricted");
        assert.equal(c.cluster.nodePools.workload.capacity, "spot");
        assert.equal(c.cluster.nodePools.system.capacity, "onDemand");
        assert.equal(c.deletionProtection, false);
        assert.equal(c.backup.retentionDays, 7);
        assert.equal(c.network.flowLogs.retentionDays, 30);
    });

    it("prod: 3 zones, NAT per zone, private endpoints, private API, on-demand, protected, 35-day backups", () => {
        const c = resolve("prod", (r) => {
            r.cluster = { endpointAccess: "private" };
        });
        assert.equal(c.network.zones, 3);
        assert.equal(c.network.natStrategy, "perZone");
        assert.equal(c.network.privateEndpoints, true);
        assert.equal(c.cluster.endpointAccess, "private");
        assert.equal(c.cluster.nodePools.workload.capacity, "onDemand");
        assert.equal(c.deletionProtection, true);
        assert.equal(c.backup.retentionDays, 35);
        assert.equal(c.network.flowLogs.retentionDays, 365);
        assert.equal(c.network.subnets.nodes.length, 3);
    });

    it("prod defaults to a private API, so it needs no authorized CIDRs", () => {
        const c = resolve("prod", (r) => delete r.cluster);
        assert.equal(c.cluster.endpointAccess, "private");
        assert.deepEqual(c.cluster.authorizedCidrs, []);
    });

    it("stack values win over the profile, field by field", () => {
        const c = resolve("prod", (r) => {
            r.network = { cidr: "10.40.0.0/16", natStrategy: "single", zones: 2 };
            r.cluster = { endpointAccess: "private", nodePools: { workload: { maxSize: 20 } } };
        });
        assert.equal(c.network.natStrategy, "single");
        assert.equal(c.network.zones, 2);
        assert.equal(c.cluster.nodePools.workload.maxSize, 20);
        assert.equal(c.cluster.nodePools.workload.minSize, 3, "unset fields keep the profile's value");
    });

    it("derives names and common tags; the common tags win over the stack's extra tags", () => {
        const c = resolve("dev", (r) => (r.tags = { repository: "platform-blueprint", owner: "someone-else" }));
        assert.equal(c.prefix, "platform-dev-aws");
        assert.deepEqual(c.tags, {
            repository: "platform-blueprint",
            project: "platform",
            environment: "dev",
            cloud: "aws",
            owner: "platform-team",
            "cost-center": "cc-1234",
            "managed-by": "pulumi",
        });
        assert.equal(resolve("dev", (r) => (r.namePrefix = "platform-pr42-aws")).prefix, "platform-pr42-aws");
    });

    it("returns a deeply immutable object", () => {
        const c = resolve("dev");
        assert.ok(Object.isFrozen(c));
        assert.ok(Object.isFrozen(c.network.subnets.nodes));
        assert.throws(() => {
            (c.cluster.nodePools.workload as { maxSize: number }).maxSize = 99;
        }, TypeError);
    });
});

describe("config: reading Pulumi's flat config map", () => {
    it("parses structured keys as JSON and drops other namespaces", () => {
        const raw = rawFromPulumiConfig(
            {
                "platform:cloud": "aws",
                "platform:network": '{"cidr":"10.20.0.0/16","zones":3}',
                "platform:namePrefix": "",
                "aws:region": "us-east-1",
            },
            "platform",
        );
        assert.deepEqual(raw, { cloud: "aws", network: { cidr: "10.20.0.0/16", zones: 3 } });
    });

    it("keeps unparseable structured values as strings so the schema names the key", () => {
        const raw = rawFromPulumiConfig({ "platform:bastion": "{not json" }, "platform");
        assert.equal(raw.bastion, "{not json");
        const problems = problemsOf({ ...valid(), bastion: raw.bastion });
        assert.deepEqual(problems, ['platform:bastion: expected object, got "{not json"']);
    });
});

describe("config: operators and operations (issue 22)", () => {
    const at = (environment: string, patch: (c: Record<string, any>) => void = () => undefined) =>
        mutate((c) => {
            c.environment = environment;
            patch(c);
        });
    const ctx = (environment: string) => ({ project: "platform", stack: `${environment}-aws` });

    it("resolves operators, the patch window, Vault recovery and Wazuh retention from the stack and the profile", () => {
        const c = parsePlatformConfig(at("prod", withOperators), ctx("prod"));
        assert.deepEqual(c.operations, {
            operators: [{ name: "alice", sshPublicKeys: [ALICE], sudo: true }],
            // prod: weekly, Sunday 02:00 UTC; 5 recovery shares, 3 to recover; indices kept as long as logs.
            patching: { rebootDays: ["Sun"], rebootTime: "02:00" },
            vaultRecovery: { shares: 5, threshold: 3, pgpFingerprints: FPRS },
            wazuhRetentionDays: 365,
        });
        const dev = parsePlatformConfig(valid(), CTX);
        assert.deepEqual(dev.operations.operators, []);
        assert.deepEqual(dev.operations.vaultRecovery, { shares: 3, threshold: 2, pgpFingerprints: [] });
        assert.equal(dev.operations.wazuhRetentionDays, 30);
        const tuned = parsePlatformConfig(
            at("dev", (c) => (c.operations = { patching: { rebootDays: ["Sat"], rebootTime: "23:15" }, wazuh: { retentionDays: 14 } })),
            CTX,
        );
        assert.deepEqual(tuned.operations.patching, { rebootDays: ["Sat"], rebootTime: "23:15" });
        assert.equal(tuned.operations.wazuhRetentionDays, 14);
    });

    const BAD: { name: string; env: string; patch: (c: Record<string, any>) => void; problems: string[] }[] = [
        {
            name: "staging without named operators",
            env: "staging",
            patch: (c) => (c.operations = { vault: { pgpFingerprints: FPRS } }),
            problems: [
                'platform:bastion.users: is empty, and staging needs named operators (no shared login identity); list each person with their SSH public keys, e.g. - {name: alice, sshPublicKeys: ["ssh-ed25519 AAAA... alice@laptop"], sudo: true}',
            ],
        },
        {
            name: "prod without the operators' OpenPGP keys",
            env: "prod",
            patch: (c) => (c.bastion.users = [{ name: "alice", sshPublicKeys: [ALICE] }]),
            problems: ["platform:operations.vault.pgpFingerprints: is empty, and prod encrypts Vault's recovery keys to named operators; list 5 OpenPGP fingerprints (40 hex digits each), one per recovery share"],
        },
        {
            name: "a reserved or repeated name",
            env: "dev",
            patch: (c) => (c.bastion.users = [{ name: "vault", sshPublicKeys: [ALICE] }, { name: "alice", sshPublicKeys: [ALICE] }, { name: "alice", sshPublicKeys: [ALICE] }]),
            problems: [
                'platform:bastion.users[0].name: "vault" is an account the VMs already have or the platform creates; choose the person\'s own login name',
                'platform:bastion.users[2].name: "alice" is listed twice; give each person one entry with all their keys',
            ],
        },
        {
            name: "not a login name; not a key line",
            env: "dev",
            patch: (c) => (c.bastion.users = [{ name: "Alice Smith", sshPublicKeys: ["alice@laptop"] }]),
            problems: [
                'platform:bastion.users[0].name: "Alice Smith" must be a login name: a-z, 0-9, _ and -, starting with a letter or _, at most 32 characters',
                'platform:bastion.users[0].sshPublicKeys[0]: "alice@laptop" must be one OpenSSH public key line, e.g. "ssh-ed25519 AAAA... you@laptop" (the contents of your .pub file)',
            ],
        },
        {
            name: "a key whose blob is another type, and a short RSA key",
            env: "dev",
            patch: (c) =>
                (c.bastion.users = [
                    { name: "alice", sshPublicKeys: [ALICE.replace("ssh-ed25519", "ecdsa-sha2-nistp256")] },
                    // RFC 4253 blob: "ssh-rsa", e = 65537, a 1024-bit n.
                    { name: "bob", sshPublicKeys: [`ssh-rsa ${rsaBlob(1024)} bob@old-laptop`] },
                ]),
            problems: [
                'platform:bastion.users[0].sshPublicKeys[0]: says "ecdsa-sha2-nistp256" but its key is "ssh-ed25519"; paste the line exactly as ssh-keygen wrote it',
                "platform:bastion.users[1].sshPublicKeys[0]: is a 1024-bit RSA key; use ssh-ed25519 (ssh-keygen -t ed25519) or RSA of at least 3072 bits",
            ],
        },
        {
            // vault/seal.go SealConfig.Validate.
            name: "Vault's share rules and one key per share",
            env: "dev",
            patch: (c) => (c.operations = { vault: { recoveryShares: 3, recoveryThreshold: 1, pgpFingerprints: FPRS.slice(0, 2) } }),
            problems: [
                'platform:operations.vault.recoveryThreshold: 1 with 3 shares; Vault refuses it ("threshold must be greater than one for multiple shares"): use 2 or more',
                "platform:operations.vault.pgpFingerprints: lists 2 keys for 3 recovery shares; give one operator key per share (Vault encrypts share i to key i)",
            ],
        },
        {
            name: "threshold above shares; a fingerprint twice; a short fingerprint; a bad window",
            env: "dev",
            patch: (c) =>
                (c.operations = {
                    vault: { recoveryShares: 2, recoveryThreshold: 3, pgpFingerprints: [FPRS[0], FPRS[0], "0D1A6E2F"] },
                    patching: { rebootDays: ["Funday"], rebootTime: "25:00" },
                }),
            problems: [
                'platform:operations.patching.rebootDays[0]: "Funday" is not allowed; use one of: Mon, Tue, Wed, Thu, Fri, Sat, Sun',
                'platform:operations.patching.rebootTime: "25:00" must be a time of day "HH:MM" (UTC), e.g. "03:30"',
                'platform:operations.vault.pgpFingerprints[2]: "0D1A6E2F" must be a full OpenPGP v4 fingerprint: 40 uppercase hex digits, no spaces (gpg --with-colons --fingerprint, field 10 of the fpr line)',
                'platform:operations.vault.recoveryThreshold: 3 is larger than recoveryShares 2; Vault refuses it ("threshold cannot be larger than shares")',
                "platform:operations.vault.pgpFingerprints: lists 3 keys for 2 recovery shares; give one operator key per share (Vault encrypts share i to key i)",
                "platform:operations.vault.pgpFingerprints: lists a key twice; each recovery share goes to a different operator",
            ],
        },
    ];
    for (const b of BAD) {
        it(`refuses ${b.name}, naming the key, the value and the fix`, () => {
            assert.deepEqual([...problemsOf(at(b.env, b.patch), ctx(b.env))].sort(), [...b.problems].sort());
        });
    }
});

/** An ssh-rsa public key blob (RFC 4253 section 6.6) with an n of `bits` bits. */
function rsaBlob(bits: number): string {
    const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, (b.length >> 8) & 0xff, b.length & 0xff]), b]);
    const n = Buffer.alloc(bits / 8 + 1, 0xab);
    n[0] = 0;
    return Buffer.concat([str(Buffer.from("ssh-rsa")), str(Buffer.from([1, 0, 1])), str(n)]).toString("base64");
}
