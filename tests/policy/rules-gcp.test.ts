/**
 * The cross-cloud rules on GCP resources: one mutation of the GCP block of the compliant fixture
 * per GCP failure mode, with the exact message (their AWS and Azure modes live in rules.test.ts).
 */
import assert from "node:assert/strict";
import { GCP_PROVIDER_URN } from "./fixtures-gcp";
import { goodStack, messages, remove, replace, runRule, spec, stackWith } from "./fixtures";

type Specs = Parameters<Parameters<typeof stackWith>[0]>[0];

const CASES: readonly { rule: string; mode: string; edit: (s: Specs) => void; config?: Record<string, unknown>; expected: readonly string[] }[] = [
    {
        rule: "all-network-ingress-disallow-world-open",
        mode: "GCP firewall open to the world",
        edit: (s) => (spec(s, "gcp-fw-bastion-ssh").inputs.sourceRanges = ["0.0.0.0/0"]),
        expected: [
            "gcp-fw-bastion-ssh: sourceRanges, allows[0].ports[0] allows tcp 22 from 0.0.0.0/0 (the whole internet). World-open ingress is never allowed, not even to the bastion: list specific source CIDRs or reference a security group.",
        ],
    },
    {
        rule: "all-network-ingress-disallow-world-open",
        mode: "GCP allow rule naming no source (GCP applies it to 0.0.0.0/0)",
        edit: (s) => {
            delete spec(s, "gcp-fw-vault-api").inputs.sourceRanges;
            delete spec(s, "gcp-fw-vault-api").inputs.sourceServiceAccounts;
        },
        expected: [
            "gcp-fw-vault-api: sourceRanges (unset: GCP applies the rule to 0.0.0.0/0), allows[0].ports[0] allows tcp 8200 from 0.0.0.0/0 (the whole internet). World-open ingress is never allowed, not even to the bastion: list specific source CIDRs or reference a security group.",
        ],
    },
    {
        rule: "all-network-ingress-restrict-public-to-bastion-ssh",
        mode: "internet source on a tool VM's firewall rule",
        edit: (s) => (spec(s, "gcp-fw-vault-api").inputs.sourceRanges = ["198.51.100.0/24"]),
        expected: [
            'gcp-fw-vault-api: gcp:compute/firewall:Firewall "gcp-fw-vault-api": sourceRanges, allows[0].ports[0] allows tcp 8200 from public range 198.51.100.0/24 on security group "gcp-fw-vault-api". Only the bastion\'s security group may admit internet sources: reach this service through the bastion.',
        ],
    },
    {
        rule: "all-network-ingress-restrict-public-to-bastion-ssh",
        mode: "the bastion's rule opens more than SSH",
        edit: (s) => (spec(s, "gcp-fw-bastion-ssh").inputs.allows = [{ protocol: "tcp", ports: ["22", "3389"] }]),
        expected: [
            'gcp-fw-bastion-ssh: gcp:compute/firewall:Firewall "gcp-fw-bastion-ssh": sourceRanges, allows[0].ports[1] allows tcp 3389 from public range 203.0.113.0/24 on the bastion\'s security group "gcp-fw-bastion-ssh". The bastion admits internet sources on SSH (tcp 22) only.',
        ],
    },
    {
        rule: "all-compute-publicip-restrict-to-bastion-nat",
        mode: "a tool VM with an external address, and an address nobody uses",
        edit: (s) => {
            spec(s, "gcp-vault").inputs.networkInterfaces[0].accessConfigs = [{}];
            spec(s, "gcp-nat-ip").inputs.labels = {};
            remove(s, "gcp-nat");
        },
        expected: [
            'gcp-nat-ip: gcp:compute/address:Address "gcp-nat-ip" (role unset) gets a public IP: it is an external address used by neither Cloud NAT nor the bastion. Only the bastion and NAT gateways may have public IPs: keep it private and reach it through the bastion.',
            'gcp-vault: gcp:compute/instance:Instance "gcp-vault" (role vault) gets a public IP: networkInterfaces[0].accessConfigs gives it an external IP. Only the bastion and NAT gateways may have public IPs: keep it private and reach it through the bastion.',
        ],
    },
    {
        rule: "all-compute-publicip-restrict-to-bastion-nat",
        mode: "GKE without private nodes",
        edit: (s) => (spec(s, "gcp-gke").inputs.privateClusterConfig.enablePrivateNodes = false),
        expected: [
            'gcp-gke: gcp:container/cluster:Cluster "gcp-gke" (role unset) gets a public IP: privateClusterConfig.enablePrivateNodes is not true, so every node gets an external IP. Only the bastion and NAT gateways may have public IPs: keep it private and reach it through the bastion.',
        ],
    },
    {
        rule: "all-tags-resource-require-common-tags",
        mode: "GCP provider without defaultLabels",
        edit: (s) => delete spec(s, "gcp-provider").inputs.defaultLabels,
        expected: [
            "bastion-ip", "nat-ip", "bastion", "vault-boot", "vault-data", "vault", "gke-secrets", "snapshot-bucket", "gke",
        ].map((n) => `gcp-${n}: ${typeFor(n)} "gcp-${n}" lacks required tags: project, environment, cloud, owner, cost-center, managed-by. Set them in the provider's defaultTags (the common tags) or in the resource's tags.`),
    },
    {
        rule: "all-compute-instance-restrict-types",
        mode: "GCP machine types outside the allowlist",
        edit: (s) => {
            spec(s, "gcp-vault").inputs.machineType = "a3-megagpu-8g";
            spec(s, "gcp-pool").inputs.nodeConfig.machineType = "m3-ultramem-128";
        },
        config: { allowedTypes: ["e2-small", "e2-standard-2", "e2-standard-4"] },
        expected: ["gcp-vault: machineType a3-megagpu-8g is not in this environment's allowlist (e2-small, e2-standard-2, e2-standard-4). Pick an allowed type or extend allowedTypes.", "gcp-pool: nodeConfig.machineType m3-ultramem-128 is not in this environment's allowlist (e2-small, e2-standard-2, e2-standard-4). Pick an allowed type or extend allowedTypes."],
    },
    {
        rule: "all-data-stateful-require-protect",
        mode: "GCP disk and bucket unprotected",
        edit: (s) => {
            replace(s, "gcp-vault-data", { protect: false });
            replace(s, "gcp-snapshot-bucket", { protect: false });
        },
        expected: [
            'gcp-vault-data: gcp:compute/disk:Disk "gcp-vault-data" holds state but is not protected. Set the protect resource option so a destroy or replacement cannot delete it.',
            'gcp-snapshot-bucket: gcp:storage/bucket:Bucket "gcp-snapshot-bucket" holds state but is not protected. Set the protect resource option so a destroy or replacement cannot delete it.',
        ],
    },
];

function typeFor(name: string): string {
    if (name.endsWith("-ip")) return "gcp:compute/address:Address";
    if (name === "bastion" || name === "vault") return "gcp:compute/instance:Instance";
    if (name.startsWith("vault-")) return "gcp:compute/disk:Disk";
    if (name === "gke-secrets") return "gcp:kms/cryptoKey:CryptoKey";
    if (name === "snapshot-bucket") return "gcp:storage/bucket:Bucket";
    return "gcp:container/cluster:Cluster";
}

describe("cross-cloud rules on GCP resources", () => {
    it("the GCP block has its own provider (labels come from its defaultLabels)", () => {
        assert.ok(GCP_PROVIDER_URN.endsWith("pulumi:providers:gcp::gcp-provider"));
    });
    for (const c of CASES) {
        it(`${c.rule} fails: ${c.mode}`, () => {
            // Exactly the messages the mutation adds (the config may also judge the other clouds' blocks).
            const before = messages(runRule(goodStack(), c.rule, c.config));
            const report = runRule(stackWith(c.edit), c.rule, c.config);
            assert.deepEqual(messages(report).filter((m) => !before.includes(m)), c.expected);
            assert.ok(before.every((m) => !m.startsWith("gcp-")), "the GCP block passes before the mutation");
        });
    }
});
