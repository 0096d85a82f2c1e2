/**
 * GCP entries: what Google's APIs refuse that the provider does not check, and the one ordering
 * rule a fresh project trips first (nothing of an API before that API is enabled).
 */
import type { CapturedResource } from "../graph";
import { GCP_REGIONS, gcpZonesOf } from "../../components/config/regions";
import { at } from "../graph";
import { input, lengthAndCharset, nameRule, str } from "./helpers";
import { ALWAYS_ENABLED_APIS, API_SOURCE, apiOfResourceType, GCP_FUNCTION_APIS } from "./tables/gcp-apis";
import { gcpRole } from "./tables/gcp-roles";
import { GCP_SERVICE_AGENTS, SERVICE_AGENTS_SOURCE } from "./tables/gcp-service-agents";
import { channelOffers, GKE_CHANNEL_MINORS, GKE_VERSIONS_AS_OF, GKE_VERSIONS_SOURCE, GkeChannel } from "./tables/gke-versions";
import type { Constraint, FixtureResource } from "./types";

const PROVIDER = "pulumi:providers:gcp";
const SERVICE = "gcp:projects/service:Service";
const NAMING = "https://cloud.google.com/compute/docs/naming-resources#resource-name-format";
const FIREWALL_API = "https://cloud.google.com/compute/docs/reference/rest/v1/firewalls";

/** RFC 1035 label, as Compute Engine names: [a-z]([-a-z0-9]*[a-z0-9])?, 1-63 characters. */
const RFC1035 = (v: string): string | undefined =>
    v.length < 1 || v.length > 63 ? `has ${v.length} characters (1-63 allowed)` : /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(v) ? undefined : "is not lowercase letters, digits and '-', starting with a letter and not ending with '-'";

const COMPUTE_NAMED = [
    "gcp:compute/network:Network",
    "gcp:compute/subnetwork:Subnetwork",
    "gcp:compute/firewall:Firewall",
    "gcp:compute/address:Address",
    "gcp:compute/router:Router",
    "gcp:compute/routerNat:RouterNat",
    "gcp:compute/instance:Instance",
    "gcp:compute/disk:Disk",
    "gcp:compute/resourcePolicy:ResourcePolicy",
];

/** Where GCP labels live per type (Kubernetes node labels in nodeConfig.labels are not GCP labels). */
const LABEL_PATHS: Readonly<Record<string, readonly string[]>> = {
    [PROVIDER]: ["defaultLabels"],
    "gcp:compute/address:Address": ["labels"],
    "gcp:compute/disk:Disk": ["labels"],
    "gcp:compute/instance:Instance": ["labels", "bootDisk.initializeParams.labels"],
    "gcp:compute/resourcePolicy:ResourcePolicy": ["snapshotSchedulePolicy.snapshotProperties.labels"],
    "gcp:container/cluster:Cluster": ["resourceLabels"],
    "gcp:container/nodePool:NodePool": ["nodeConfig.resourceLabels"],
    "gcp:kms/cryptoKey:CryptoKey": ["labels"],
    "gcp:pubsub/topic:Topic": ["labels"],
    "gcp:pubsub/subscription:Subscription": ["labels"],
    "gcp:secretmanager/secret:Secret": ["labels"],
    "gcp:storage/bucket:Bucket": ["labels"],
};

function labelProblems(labels: unknown, where: string): string[] {
    const value = typeof labels === "string" ? (JSON.parse(labels) as unknown) : labels;
    if (!value || typeof value !== "object") {
        return [];
    }
    const out: string[] = [];
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length > 64) out.push(`${where}: ${entries.length} labels (at most 64)`);
    for (const [k, v] of entries) {
        if (!/^[\p{Ll}\p{Lo}][\p{Ll}\p{Lo}\p{N}_-]{0,62}$/u.test(k)) out.push(`${where} key ${JSON.stringify(k)} is not 1-63 lowercase letters, digits, '_' or '-' starting with a lowercase letter`);
        if (typeof v === "string" && !/^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u.test(v)) out.push(`${where} ${JSON.stringify(k)}: value ${JSON.stringify(v)} is not at most 63 lowercase letters, digits, '_' or '-'`);
    }
    return out;
}

/** Zones a zonal resource uses. */
function zonesOf(r: CapturedResource): string[] {
    const zone = str(r, "zone");
    const nodeLocations = input(r, "nodeLocations");
    return [...(zone ? [zone] : []), ...(Array.isArray(nodeLocations) ? nodeLocations.filter((z): z is string => typeof z === "string") : [])];
}

/** The region a resource lives in: its own region/location, else its provider's region. */
function regionOf(r: CapturedResource, providerRegion: unknown): string | undefined {
    const own = str(r, "region") ?? str(r, "location");
    if (own && GCP_REGIONS.some((x) => x.name === own)) return own;
    return typeof providerRegion === "string" ? providerRegion : undefined;
}

const service = (api: string): FixtureResource => ({ type: SERVICE, name: `api-${api.split(".")[0]}`, inputs: { service: api, project: "p" } });
const fw = (inputs: Record<string, unknown>): FixtureResource => ({ type: "gcp:compute/firewall:Firewall", name: "fw", inputs: { name: "platform-dev-gcp-in-ssh", network: "vpc", direction: "INGRESS", priority: 1000, allows: [{ protocol: "tcp", ports: ["22"] }], ...inputs } });
const member = (role: string): FixtureResource => ({ type: "gcp:projects/iAMMember:IAMMember", name: "m", inputs: { project: "p", member: "serviceAccount:a@p.iam.gserviceaccount.com", role } });

/**
 * Resource types whose name is chosen by the caller and unique in its scope (project, region or
 * zone), with fields the API cannot change in place: a replacement that creates the new one first
 * collides with the old one's name (409 alreadyExists). Compute Engine: "the name must be unique
 * within the project" or zone (cloud.google.com/compute/docs/naming-resources); GKE clusters per
 * location; service account ids, secret ids and bucket names per project or globally. Key rings
 * and keys are absent on purpose: they can never be deleted, so only a new name helps (kms.ts).
 */
const FIXED_NAME_TYPES: Readonly<Record<string, string>> = {
    "gcp:compute/network:Network": "name",
    "gcp:compute/subnetwork:Subnetwork": "name",
    "gcp:compute/firewall:Firewall": "name",
    "gcp:compute/address:Address": "name",
    "gcp:compute/router:Router": "name",
    "gcp:compute/routerNat:RouterNat": "name",
    "gcp:compute/instance:Instance": "name",
    "gcp:compute/disk:Disk": "name",
    "gcp:compute/resourcePolicy:ResourcePolicy": "name",
    "gcp:container/cluster:Cluster": "name",
    "gcp:serviceaccount/account:Account": "accountId",
    "gcp:secretmanager/secret:Secret": "secretId",
    "gcp:storage/bucket:Bucket": "name",
    "gcp:pubsub/topic:Topic": "name",
    "gcp:pubsub/subscription:Subscription": "name",
    "gcp:dns/policy:Policy": "name",
};

const DAY_OF: Readonly<Record<string, number>> = { SU: 0, MO: 1, TU: 2, WE: 3, TH: 4, FR: 5, SA: 6 };

/**
 * Hours of maintenance availability in the worst 32-day window of a GKE recurring window, counting
 * only windows of at least 4 hours; undefined when the RRULE is not one this check understands
 * (FREQ=DAILY, or FREQ=WEEKLY;BYDAY=...).
 */
export function worstMaintenanceHours(startTime: string, endTime: string, recurrence: string): number | undefined {
    const hours = (Date.parse(endTime) - Date.parse(startTime)) / 3_600_000;
    if (!Number.isFinite(hours) || hours <= 0) return undefined;
    if (hours < 4) return 0;
    const rule = Object.fromEntries(recurrence.replace(/^RRULE:/, "").split(";").map((p) => p.split("=") as [string, string]));
    if (rule.FREQ === "DAILY" && Object.keys(rule).length === 1) return 32 * hours;
    if (rule.FREQ === "WEEKLY" && rule.BYDAY && Object.keys(rule).length === 2) {
        const days = rule.BYDAY.split(",").map((d) => DAY_OF[d]);
        if (days.some((d) => d === undefined)) return undefined;
        // The fewest occurrences in any 32 consecutive days: try each starting weekday.
        let worst = Infinity;
        for (let start = 0; start < 7; start++) {
            let n = 0;
            for (let i = 0; i < 32; i++) if (days.includes((start + i) % 7)) n++;
            worst = Math.min(worst, n);
        }
        return worst * hours;
    }
    return undefined;
}

/** A Binary Authorization admission allowlist pattern's problem, if any. */
function binauthzPatternProblem(p: string): string | undefined {
    const slash = p.indexOf("/");
    if (slash <= 0) return "is not registry/path/to/image";
    const registry = p.slice(0, slash);
    if (registry.includes("*")) return "has a wildcard in the registry part";
    const rest = p.slice(slash + 1);
    const star = rest.indexOf("*");
    if (star >= 0 && !(rest.endsWith("**") ? star === rest.length - 2 : star === rest.length - 1)) return "has a wildcard that is not trailing";
    return undefined;
}

/** The service agent (from the independent table) a `serviceAccount:` member names, if any. */
function serviceAgentOf(member: unknown): (typeof GCP_SERVICE_AGENTS)[number] | undefined {
    if (typeof member !== "string") return undefined;
    return GCP_SERVICE_AGENTS.find((a) => new RegExp(`^serviceAccount:${a.format.replace(/\./g, "\\.").replace("PROJECT_NUMBER", "\\d+")}$`).test(member));
}

const IAM_MEMBER_TYPES = [
    "gcp:projects/iAMMember:IAMMember",
    "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
    "gcp:secretmanager/secretIamMember:SecretIamMember",
    "gcp:storage/bucketIAMMember:BucketIAMMember",
    "gcp:pubsub/topicIAMMember:TopicIAMMember",
    "gcp:serviceaccount/iAMMember:IAMMember",
    "gcp:compute/instanceIAMMember:InstanceIAMMember",
];

const gke = (inputs: Record<string, unknown>, opts: Partial<FixtureResource> = {}): FixtureResource => ({ type: "gcp:container/cluster:Cluster", name: "c", inputs: { name: "c", ...inputs }, ...opts });
const AGENT = "serviceAccount:service-123456789012@container-engine-robot.iam.gserviceaccount.com";

/**
 * Kubernetes Engine predefined roles that include `container.clusters.get`, what a principal needs
 * to reach a cluster's API at all (https://cloud.google.com/kubernetes-engine/docs/how-to/iam#predefined).
 */
const GKE_API_ROLES = ["roles/container.admin", "roles/container.clusterAdmin", "roles/container.clusterViewer", "roles/container.developer", "roles/container.viewer"];
/** The userinfo.email scope as an instance lists it: the URL, or the alias the provider expands. */
const EMAIL_SCOPES = ["https://www.googleapis.com/auth/userinfo.email", "userinfo-email"];
const vm = (scopes: string[]): FixtureResource => ({
    type: "gcp:compute/instance:Instance",
    name: "vm",
    inputs: { name: "vm", zone: "europe-west1-b", machineType: "e2-small", serviceAccount: { email: "ci@p.iam.gserviceaccount.com", scopes } },
});
const ciMember = (role: string): FixtureResource => ({ type: "gcp:projects/iAMMember:IAMMember", name: "ci-role", inputs: { project: "p", member: "serviceAccount:ci@p.iam.gserviceaccount.com", role } });

const nat = (inputs: Record<string, unknown>): FixtureResource => ({ type: "gcp:compute/routerNat:RouterNat", name: "nat", inputs: { name: "nat", router: "r", natIpAllocateOption: "AUTO_ONLY", sourceSubnetworkIpRangesToNat: "ALL_SUBNETWORKS_ALL_IP_RANGES", ...inputs } });
const powerOfTwo = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;

export const GCP_CONSTRAINTS: readonly Constraint[] = [
    {
        id: "gcp-region-known",
        kind: "resource",
        cloud: "gcp",
        service: "Google Cloud",
        types: [PROVIDER],
        rule: "A region is one of Google Cloud's regions (e.g. europe-west1).",
        source: "https://cloud.google.com/compute/docs/regions-zones#available",
        check: (r) => {
            const region = str(r, "region");
            return region === undefined || GCP_REGIONS.some((x) => x.name === region) ? [] : [`region ${JSON.stringify(region)} is not a Google Cloud region`];
        },
        examples: { pass: [{ title: "europe-west1", resources: [{ type: PROVIDER, name: "gcp", inputs: { region: "europe-west1", project: "p" } }] }], fail: [{ title: "europe-west99", resources: [{ type: PROVIDER, name: "gcp", inputs: { region: "europe-west99", project: "p" } }] }] },
    },
    {
        id: "gcp-zone-in-region",
        kind: "resource",
        cloud: "gcp",
        service: "Compute Engine",
        types: ["gcp:compute/instance:Instance", "gcp:compute/disk:Disk", "gcp:compute/instanceIAMMember:InstanceIAMMember", "gcp:container/cluster:Cluster", "gcp:container/nodePool:NodePool"],
        rule: "A zonal resource names an existing zone of its region; zone letters differ per region (europe-west1 has b, c, d; us-central1 has a, b, c, f).",
        source: "https://cloud.google.com/compute/docs/regions-zones#available",
        check: (r, ctx) => {
            const region = regionOf(r, ctx.providerInputs(r).region);
            const known = region ? gcpZonesOf(region) : undefined;
            if (!known) return [];
            return zonesOf(r)
                .filter((zone) => !known.includes(zone))
                .map((zone) => `zone ${JSON.stringify(zone)} is not a zone of ${region} (${known.join(", ")})`);
        },
        examples: {
            pass: [{ title: "europe-west1-b", resources: [{ type: PROVIDER, name: "gcp", inputs: { region: "europe-west1" } }, { type: "gcp:compute/disk:Disk", name: "d", provider: "gcp", inputs: { name: "d", zone: "europe-west1-b" } }] }],
            fail: [{ title: "europe-west1-a (does not exist)", resources: [{ type: PROVIDER, name: "gcp", inputs: { region: "europe-west1" } }, { type: "gcp:compute/disk:Disk", name: "d", provider: "gcp", inputs: { name: "d", zone: "europe-west1-a" } }] }],
        },
    },
    nameRule({
        id: "gcp-compute-resource-name",
        cloud: "gcp",
        service: "Compute Engine",
        rule: "Compute Engine resource names are RFC 1035 labels: 1-63 characters, lowercase letters, digits and '-', starting with a letter and not ending with '-'.",
        source: NAMING,
        targets: COMPUTE_NAMED.map((type) => ({ type, field: "name" })),
        problem: RFC1035,
        pass: "platform-dev-gcp-vault",
        fail: ["Platform-Vault", "1-vault", "platform-dev-gcp-" + "x".repeat(50)],
    }),
    {
        id: "gcp-compute-network-tags",
        kind: "resource",
        cloud: "gcp",
        service: "Compute Engine",
        types: ["gcp:compute/instance:Instance", "gcp:compute/firewall:Firewall"],
        rule: "Network tags (instance tags, firewall source and target tags) are RFC 1035 labels of 1-63 characters.",
        source: "https://cloud.google.com/vpc/docs/add-remove-network-tags#restrictions",
        check: (r) =>
            ["tags", "sourceTags", "targetTags"].flatMap((f) =>
                ((input(r, f) as unknown[] | undefined) ?? []).flatMap((t) => {
                    const p = typeof t === "string" ? RFC1035(t) : undefined;
                    return p ? [`${f} ${JSON.stringify(t)} ${p}`] : [];
                }),
            ),
        examples: {
            pass: [{ title: "tag vault", resources: [{ type: "gcp:compute/instance:Instance", name: "vm", inputs: { name: "vm", tags: ["vault", "tool-vm"] } }] }],
            fail: [{ title: "tag Tool_VM", resources: [{ type: "gcp:compute/instance:Instance", name: "vm", inputs: { name: "vm", tags: ["Tool_VM"] } }] }],
        },
    },
    {
        id: "gcp-compute-firewall-fields",
        kind: "resource",
        cloud: "gcp",
        service: "Compute Engine (VPC firewall)",
        types: ["gcp:compute/firewall:Firewall"],
        rule: "A firewall rule's priority is 0-65535; sourceServiceAccounts cannot be combined with sourceTags or targetTags, targetServiceAccounts not with targetTags or sourceTags; an INGRESS rule needs sourceRanges, sourceTags or sourceServiceAccounts; descriptions have at most 2048 characters.",
        source: FIREWALL_API,
        check: (r) => {
            const out: string[] = [];
            const has = (f: string) => Array.isArray(input(r, f)) && (input(r, f) as unknown[]).length > 0;
            const p = input(r, "priority");
            if (typeof p === "number" && (p < 0 || p > 65535)) out.push(`priority ${p} is outside 0-65535`);
            if (has("sourceServiceAccounts") && (has("sourceTags") || has("targetTags"))) out.push("sourceServiceAccounts is combined with sourceTags or targetTags");
            if (has("targetServiceAccounts") && (has("targetTags") || has("sourceTags"))) out.push("targetServiceAccounts is combined with targetTags or sourceTags");
            if ((input(r, "direction") ?? "INGRESS") === "INGRESS" && !has("sourceRanges") && !has("sourceTags") && !has("sourceServiceAccounts")) out.push("an INGRESS rule names no source");
            const d = str(r, "description");
            if (d !== undefined && d.length > 2048) out.push(`description has ${d.length} characters (at most 2048)`);
            return out;
        },
        examples: {
            pass: [{ title: "service account to service account", resources: [fw({ sourceServiceAccounts: ["bastion@p.iam.gserviceaccount.com"], targetServiceAccounts: ["vault@p.iam.gserviceaccount.com"] })] }],
            fail: [
                { title: "source service accounts with target tags", resources: [fw({ sourceServiceAccounts: ["bastion@p.iam.gserviceaccount.com"], targetTags: ["vault"] })] },
                { title: "an ingress rule with no source", resources: [fw({ targetServiceAccounts: ["vault@p.iam.gserviceaccount.com"] })] },
                { title: "priority 70000", resources: [fw({ priority: 70000, sourceRanges: ["10.0.0.0/8"] })] },
            ],
        },
    },
    nameRule({
        id: "gcp-iam-service-account-id",
        cloud: "gcp",
        service: "IAM",
        rule: "A service account id has 6-30 characters: lowercase letters, digits and '-', starting with a letter and not ending with '-'.",
        source: "https://cloud.google.com/iam/docs/service-accounts-create#creating",
        alsoSource: "https://cloud.google.com/iam/docs/reference/rest/v1/projects.serviceAccounts/create",
        targets: [{ type: "gcp:serviceaccount/account:Account", field: "accountId" }],
        problem: (v) => (v.length < 6 || v.length > 30 ? `has ${v.length} characters (6-30 allowed)` : /^[a-z]([-a-z0-9]*[a-z0-9])$/.test(v) ? undefined : "is not lowercase letters, digits and '-', starting with a letter and not ending with '-'"),
        pass: "platform-dev-gcp-vault",
        fail: ["vault", "platform-dev-gcp-jenkins-agents", "platform_dev_vault"],
    }),
    {
        id: "gcp-iam-role-exists",
        kind: "resource",
        cloud: "gcp",
        service: "IAM",
        types: ["gcp:projects/iAMMember:IAMMember", "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember", "gcp:secretmanager/secretIamMember:SecretIamMember", "gcp:storage/bucketIAMMember:BucketIAMMember", "gcp:compute/instanceIAMMember:InstanceIAMMember", "gcp:serviceaccount/iAMMember:IAMMember", "gcp:pubsub/topicIAMMember:TopicIAMMember"],
        rule: "A predefined role (roles/...) must exist; a grant of an unknown role fails with INVALID_ARGUMENT.",
        source: "https://cloud.google.com/iam/docs/roles-permissions",
        alsoSource: "offline/constraints/tables/gcp-roles.ts (each row's reference page)",
        check: (r) => {
            const role = str(r, "role");
            return role === undefined || !role.startsWith("roles/") || gcpRole(role) ? [] : [`role ${JSON.stringify(role)} is not a predefined role in offline/constraints/tables/gcp-roles.ts (add it with its reference page if it is real)`];
        },
        examples: { pass: [{ title: "roles/logging.logWriter", resources: [member("roles/logging.logWriter")] }], fail: [{ title: "roles/logging.logsWriter", resources: [member("roles/logging.logsWriter")] }] },
    },
    nameRule({
        id: "gcp-kms-names",
        cloud: "gcp",
        service: "Cloud KMS",
        rule: "Key ring and key names have 1-63 characters of letters, digits, '_' and '-'.",
        source: "https://cloud.google.com/kms/docs/create-key-ring",
        alsoSource: "https://cloud.google.com/kms/docs/reference/rest/v1/projects.locations.keyRings/create",
        targets: [
            { type: "gcp:kms/keyRing:KeyRing", field: "name" },
            { type: "gcp:kms/cryptoKey:CryptoKey", field: "name" },
        ],
        problem: lengthAndCharset(1, 63, /^[a-zA-Z0-9_-]$/, "a key ring or key name"),
        pass: "platform-dev-gcp-keys",
        fail: ["platform.keys", "k".repeat(64)],
    }),
    {
        id: "gcp-kms-rotation-period",
        kind: "resource",
        cloud: "gcp",
        service: "Cloud KMS",
        types: ["gcp:kms/cryptoKey:CryptoKey"],
        rule: "A key's rotation period is a duration in seconds ('<n>s') of at least one day (86400s) and at most 100 years.",
        source: "https://cloud.google.com/kms/docs/key-rotation#frequency_of_key_rotation",
        alsoSource: "https://cloud.google.com/kms/docs/reference/rest/v1/projects.locations.keyRings.cryptoKeys#CryptoKey.FIELDS.rotation_period",
        check: (r) => {
            const p = str(r, "rotationPeriod");
            if (p === undefined) return [];
            const m = /^(\d+(\.\d+)?)s$/.exec(p);
            return m && Number(m[1]) >= 86400 && Number(m[1]) <= 100 * 365 * 86400 ? [] : [`rotationPeriod ${JSON.stringify(p)} is not a duration between 86400s and 100 years`];
        },
        examples: { pass: [{ title: "90 days", resources: [{ type: "gcp:kms/cryptoKey:CryptoKey", name: "k", inputs: { name: "k", rotationPeriod: "7776000s" } }] }], fail: [{ title: "one hour", resources: [{ type: "gcp:kms/cryptoKey:CryptoKey", name: "k", inputs: { name: "k", rotationPeriod: "3600s" } }] }] },
    },
    nameRule({
        id: "gcp-storage-bucket-name",
        cloud: "gcp",
        service: "Cloud Storage",
        rule: "A bucket name has 3-63 characters (222 with dots, each dot-separated part at most 63) of lowercase letters, digits, '-', '_' and '.', starts and ends with a letter or digit, does not start with goog, does not contain google, and is not an IP address.",
        source: "https://cloud.google.com/storage/docs/buckets#naming",
        targets: [{ type: "gcp:storage/bucket:Bucket", field: "name" }],
        problem: (v) => {
            const max = v.includes(".") ? 222 : 63;
            const base = lengthAndCharset(3, max, /^[a-z0-9._-]$/, "a bucket name")(v);
            if (base) return base;
            if (!/^[a-z0-9].*[a-z0-9]$/.test(v)) return "must start and end with a letter or digit";
            if (v.split(".").some((p) => p.length > 63)) return "has a dot-separated part longer than 63";
            if (/^goog/.test(v) || /g[o0][o0]gle/.test(v)) return "starts with goog or contains google";
            if (/^\d+\.\d+\.\d+\.\d+$/.test(v)) return "is an IP address";
            return undefined;
        },
        pass: "platform-dev-123456-dev-gcp-vault-snapshots",
        fail: ["Platform-Snapshots", "google-snapshots", "platform-dev-123456-platform-dev-gcp-vault-snapshots-backups-2026"],
    }),
    {
        id: "gcp-labels-format",
        kind: "resource",
        cloud: "gcp",
        service: "Google Cloud (labels)",
        types: Object.keys(LABEL_PATHS),
        rule: "At most 64 labels; keys of 1-63 characters starting with a lowercase letter, keys and values only lowercase letters, digits, '_' and '-', values at most 63 characters.",
        source: "https://cloud.google.com/compute/docs/labeling-resources#requirements",
        alsoSource: "https://cloud.google.com/resource-manager/docs/labels-overview#requirements",
        check: (r) => (LABEL_PATHS[r.type] ?? []).flatMap((p) => labelProblems(at(r.inputs, p), p)),
        examples: {
            pass: [{ title: "sanitised owner label", resources: [{ type: PROVIDER, name: "gcp", inputs: { region: "europe-west1", defaultLabels: JSON.stringify({ owner: "platform_team_example_com", "cost-center": "cc-1" }) } }] }],
            fail: [
                { title: "an e-mail as a label value", resources: [{ type: PROVIDER, name: "gcp", inputs: { defaultLabels: JSON.stringify({ owner: "Platform.Team@Example.com" }) } }] },
                { title: "an uppercase label key", resources: [{ type: "gcp:storage/bucket:Bucket", name: "b", inputs: { name: "b-bucket", labels: { Name: "b" } } }] },
            ],
        },
    },
    nameRule({
        id: "gcp-gke-cluster-name",
        cloud: "gcp",
        service: "GKE",
        rule: "A cluster name has at most 40 characters: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit.",
        source: "https://cloud.google.com/kubernetes-engine/docs/reference/rest/v1/projects.locations.clusters#Cluster.FIELDS.name",
        targets: [{ type: "gcp:container/cluster:Cluster", field: "name" }],
        problem: (v) => (v.length < 1 || v.length > 40 ? `has ${v.length} characters (1-40 allowed)` : /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(v) ? undefined : "is not lowercase letters, digits and '-', starting with a letter, ending with a letter or digit"),
        pass: "platform-dev-gcp-gke",
        fail: ["platform-staging-gcp-machine-learning-gke", "Platform-GKE"],
    }),
    nameRule({
        id: "gcp-secretmanager-secret-id",
        cloud: "gcp",
        service: "Secret Manager",
        rule: "A secret id has 1-255 characters of letters, digits, '-' and '_'.",
        source: "https://cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets/create#query-parameters",
        targets: [{ type: "gcp:secretmanager/secret:Secret", field: "secretId" }],
        problem: lengthAndCharset(1, 255, /^[A-Za-z0-9_-]$/, "a secret id"),
        pass: "platform-dev-gcp-wazuh-enrollment",
        fail: ["platform/wazuh/enrollment"],
    }),
    {
        id: "gcp-gke-master-cidr",
        kind: "resource",
        cloud: "gcp",
        service: "GKE",
        types: ["gcp:container/cluster:Cluster"],
        rule: "A private cluster's control-plane range (masterIpv4CidrBlock) is an RFC 1918 /28.",
        source: "https://cloud.google.com/kubernetes-engine/docs/how-to/private-clusters",
        check: (r) => {
            const cidr = str(r, "privateClusterConfig.masterIpv4CidrBlock");
            if (cidr === undefined) return [];
            const m = /^(\d+)\.(\d+)\.\d+\.\d+\/(\d+)$/.exec(cidr);
            const rfc1918 = m && (m[1] === "10" || (m[1] === "172" && Number(m[2]) >= 16 && Number(m[2]) <= 31) || (m[1] === "192" && m[2] === "168"));
            return m && m[3] === "28" && rfc1918 ? [] : [`privateClusterConfig.masterIpv4CidrBlock ${JSON.stringify(cidr)} is not a private /28`];
        },
        examples: {
            pass: [{ title: "172.16.0.16/28", resources: [{ type: "gcp:container/cluster:Cluster", name: "c", inputs: { name: "c", privateClusterConfig: { masterIpv4CidrBlock: "172.16.0.16/28" } } }] }],
            fail: [{ title: "a /24", resources: [{ type: "gcp:container/cluster:Cluster", name: "c", inputs: { name: "c", privateClusterConfig: { masterIpv4CidrBlock: "172.16.0.0/24" } } }] }],
        },
    },
    {
        id: "gcp-service-enabled-before-use",
        kind: "graph",
        cloud: "gcp",
        service: "Service Usage",
        types: [SERVICE],
        rule: "An API answers only once it is enabled in the project (403 SERVICE_DISABLED otherwise): every resource waits for the gcp:projects/service:Service of its API, and no function of an API is called before that Service exists (preview runs functions too).",
        source: API_SOURCE,
        alsoSource: "https://cloud.google.com/service-usage/docs/enable-disable",
        checkGraph: (ctx) => {
            const services = ctx.graph.resources.filter((r) => r.type === SERVICE);
            const serviceFor = (api: string) => services.find((s) => input(s, "service") === api);
            const out: { resource: CapturedResource; detail: string }[] = [];
            for (const r of ctx.graph.resources) {
                if (!r.type.startsWith("gcp:") || r.type === SERVICE) continue;
                const api = apiOfResourceType(r.type);
                if (!api || ALWAYS_ENABLED_APIS.includes(api)) continue;
                const s = serviceFor(api);
                if (!s) out.push({ resource: r, detail: `needs ${api}, which the stack never enables` });
                else if (!ctx.dependsOn(r, s)) out.push({ resource: r, detail: `does not wait for ${s.name} (${api}); on a fresh project it is created before the API is on` });
            }
            // Functions: the call must come after the service's registration completed.
            const reported = new Set<string>();
            for (const call of ctx.graph.invokes) {
                const api = GCP_FUNCTION_APIS[call.token];
                if (!api || ALWAYS_ENABLED_APIS.includes(api)) continue;
                const s = serviceFor(api);
                const ok = s !== undefined && call.resourcesBefore !== undefined && ctx.completedAt(s) < call.resourcesBefore;
                if (!ok && !reported.has(call.token)) {
                    reported.add(call.token);
                    const anchor = s ?? services[0] ?? ctx.graph.resources.find((r) => r.type === PROVIDER) ?? ctx.graph.resources[0];
                    if (anchor) out.push({ resource: anchor, detail: `function ${call.token} (${api}) is called ${s ? `before ${s.name} exists` : `and the stack never enables ${api}`}` });
                }
            }
            return out;
        },
        examples: {
            pass: [
                {
                    title: "a network after compute is enabled, zones looked up after it too",
                    resources: [service("compute.googleapis.com"), { type: "gcp:compute/network:Network", name: "vpc", dependsOn: ["api-compute"], inputs: { name: "vpc" } }],
                    invokes: [{ token: "gcp:compute/getZones:getZones", after: ["api-compute"] }],
                },
            ],
            fail: [
                { title: "a network racing the compute API", resources: [service("compute.googleapis.com"), { type: "gcp:compute/network:Network", name: "vpc", inputs: { name: "vpc" } }] },
                { title: "getZones before any service exists", resources: [service("compute.googleapis.com")], invokes: [{ token: "gcp:compute/getZones:getZones" }] },
                { title: "a project IAM grant without cloudresourcemanager", resources: [member("roles/logging.logWriter")] },
            ],
        },
    },
    {
        id: "gcp-gke-version-on-channel",
        kind: "resource",
        cloud: "gcp",
        service: "GKE",
        types: ["gcp:container/cluster:Cluster"],
        rule: "A cluster enrolled in a release channel can only be created at a minor version that channel offers; which minors each channel offers is listed in the release notes (dated copy in offline/constraints/tables/gke-versions.ts).",
        source: GKE_VERSIONS_SOURCE,
        alsoSource: "https://cloud.google.com/kubernetes-engine/docs/concepts/release-channels#what_versions_are_available_in_a_channel",
        check: (r) => {
            const channel = str(r, "releaseChannel.channel") as GkeChannel | undefined;
            const version = str(r, "minMasterVersion");
            if (!channel || channel === ("UNSPECIFIED" as GkeChannel) || !version || version === "latest" || !GKE_CHANNEL_MINORS[channel]) return [];
            const range = GKE_CHANNEL_MINORS[channel];
            return channelOffers(channel, version) ? [] : [`minMasterVersion ${JSON.stringify(version)} is not offered by the ${channel} channel (${range.from} to ${range.to} as of ${GKE_VERSIONS_AS_OF}); pick a minor in that range or another channel`];
        },
        examples: {
            pass: [{ title: "1.35 on STABLE", resources: [gke({ releaseChannel: { channel: "STABLE" }, minMasterVersion: "1.35" })] }],
            fail: [
                { title: "1.37 on STABLE", resources: [gke({ releaseChannel: { channel: "STABLE" }, minMasterVersion: "1.37" })] },
                { title: "1.30 on REGULAR", resources: [gke({ releaseChannel: { channel: "REGULAR" }, minMasterVersion: "1.30" })] },
            ],
        },
    },
    {
        id: "gcp-resource-fixed-name-replace-order",
        kind: "resource",
        cloud: "gcp",
        service: "Google Cloud (resource names)",
        types: Object.keys(FIXED_NAME_TYPES),
        rule: "A caller-chosen name is unique in its scope, so replacing a resource that keeps its name must delete the old one first (deleteBeforeReplace); creating the new one first fails with 409 alreadyExists.",
        source: NAMING,
        alsoSource: "https://www.pulumi.com/docs/iac/concepts/options/deletebeforereplace/",
        check: (r) => {
            const field = FIXED_NAME_TYPES[r.type];
            const name = field ? input(r, field) : undefined;
            return name !== undefined && r.deleteBeforeReplace !== true ? [`${field} ${JSON.stringify(name)} is fixed but deleteBeforeReplace is not set: a replacement would collide with the old resource's name`] : [];
        },
        examples: {
            pass: [{ title: "a disk with deleteBeforeReplace", resources: [{ type: "gcp:compute/disk:Disk", name: "d", inputs: { name: "platform-dev-gcp-vault-data", zone: "europe-west1-b" }, deleteBeforeReplace: true }] }],
            fail: [
                { title: "a disk without it", resources: [{ type: "gcp:compute/disk:Disk", name: "d", inputs: { name: "platform-dev-gcp-vault-data", zone: "europe-west1-b" } }] },
                { title: "a service account without it", resources: [{ type: "gcp:serviceaccount/account:Account", name: "sa", inputs: { accountId: "platform-dev-gcp-vault" } }] },
            ],
        },
    },
    {
        id: "gcp-storage-retention-excludes-versioning",
        kind: "resource",
        cloud: "gcp",
        service: "Cloud Storage",
        types: ["gcp:storage/bucket:Bucket"],
        rule: "A bucket cannot have both a retention policy and Object Versioning enabled.",
        source: "https://cloud.google.com/storage/docs/bucket-lock",
        alsoSource: "https://cloud.google.com/storage/docs/object-versioning",
        check: (r) => (input(r, "retentionPolicy") !== undefined && input(r, "versioning.enabled") === true ? ["has a retentionPolicy and versioning.enabled: true"] : []),
        examples: {
            pass: [{ title: "retention without versioning", resources: [{ type: "gcp:storage/bucket:Bucket", name: "b", inputs: { name: "b-snapshots", retentionPolicy: { retentionPeriod: "3024000" } } }] }],
            fail: [{ title: "retention with versioning", resources: [{ type: "gcp:storage/bucket:Bucket", name: "b", inputs: { name: "b-snapshots", retentionPolicy: { retentionPeriod: "3024000" }, versioning: { enabled: true } } }] }],
        },
    },
    {
        id: "gcp-gke-maintenance-window-availability",
        kind: "resource",
        cloud: "gcp",
        service: "GKE",
        types: ["gcp:container/cluster:Cluster"],
        rule: "A recurring maintenance window must allow at least 48 hours of maintenance in any 32-day window, counting only contiguous stretches of at least 4 hours.",
        source: "https://cloud.google.com/kubernetes-engine/docs/concepts/maintenance-windows-and-exclusions",
        check: (r) => {
            const w = input(r, "maintenancePolicy.recurringWindow") as { startTime?: unknown; endTime?: unknown; recurrence?: unknown } | undefined;
            if (!w || typeof w.startTime !== "string" || typeof w.endTime !== "string" || typeof w.recurrence !== "string") return [];
            const hours = worstMaintenanceHours(w.startTime, w.endTime, w.recurrence);
            return hours !== undefined && hours < 48 ? [`recurring window ${w.startTime}..${w.endTime} ${w.recurrence} allows ${hours} hours in the worst 32 days (48 needed)`] : [];
        },
        examples: {
            pass: [{ title: "weekend nights, 8 hours", resources: [gke({ maintenancePolicy: { recurringWindow: { startTime: "2026-01-03T01:00:00Z", endTime: "2026-01-03T09:00:00Z", recurrence: "FREQ=WEEKLY;BYDAY=SA,SU" } } })] }],
            fail: [
                { title: "Sundays, 4 hours", resources: [gke({ maintenancePolicy: { recurringWindow: { startTime: "2026-01-04T01:00:00Z", endTime: "2026-01-04T05:00:00Z", recurrence: "FREQ=WEEKLY;BYDAY=SU" } } })] },
                { title: "daily, 3 hours", resources: [gke({ maintenancePolicy: { recurringWindow: { startTime: "2026-01-04T01:00:00Z", endTime: "2026-01-04T04:00:00Z", recurrence: "FREQ=DAILY" } } })] },
            ],
        },
    },
    {
        id: "gcp-binauthz-allowlist-pattern",
        kind: "resource",
        cloud: "gcp",
        service: "Binary Authorization",
        types: ["gcp:binaryauthorization/policy:Policy"],
        rule: "An admission allowlist pattern is registry/path/to/image, with a trailing '*' or '**' wildcard allowed only after the registry part.",
        source: "https://cloud.google.com/binary-authorization/docs/reference/rest/v1/Policy#admissionwhitelistpattern",
        check: (r) =>
            ((input(r, "admissionWhitelistPatterns") as { namePattern?: unknown }[] | undefined) ?? []).flatMap((p) => {
                const problem = typeof p.namePattern === "string" ? binauthzPatternProblem(p.namePattern) : undefined;
                return problem ? [`namePattern ${JSON.stringify(p.namePattern)} ${problem}`] : [];
            }),
        examples: {
            pass: [{ title: "quay.io/argoproj/**", resources: [{ type: "gcp:binaryauthorization/policy:Policy", name: "p", inputs: { admissionWhitelistPatterns: [{ namePattern: "quay.io/argoproj/**" }, { namePattern: "docker.io/grafana/grafana*" }] } }] }],
            fail: [
                { title: "a wildcard registry", resources: [{ type: "gcp:binaryauthorization/policy:Policy", name: "p", inputs: { admissionWhitelistPatterns: [{ namePattern: "*.gcr.io/app" }] } }] },
                { title: "a wildcard in the middle", resources: [{ type: "gcp:binaryauthorization/policy:Policy", name: "p", inputs: { admissionWhitelistPatterns: [{ namePattern: "quay.io/*/argocd" }] } }] },
            ],
        },
    },
    {
        id: "gcp-gke-rbac-security-group-name",
        kind: "resource",
        cloud: "gcp",
        service: "GKE",
        types: ["gcp:container/cluster:Cluster"],
        rule: "Google Groups for RBAC takes exactly one security group, named gke-security-groups@ followed by the organisation's domain.",
        source: "https://cloud.google.com/kubernetes-engine/docs/how-to/google-groups-rbac",
        check: (r) => {
            const g = str(r, "authenticatorGroupsConfig.securityGroup");
            return g === undefined || /^gke-security-groups@[a-z0-9.-]+\.[a-z]{2,}$/.test(g) ? [] : [`authenticatorGroupsConfig.securityGroup ${JSON.stringify(g)} is not gke-security-groups@<domain>`];
        },
        examples: {
            pass: [{ title: "gke-security-groups@example.com", resources: [gke({ authenticatorGroupsConfig: { securityGroup: "gke-security-groups@example.com" } })] }],
            fail: [{ title: "platform-admins@example.com", resources: [gke({ authenticatorGroupsConfig: { securityGroup: "platform-admins@example.com" } })] }],
        },
    },
    {
        id: "gcp-iam-service-agent-grant-after-creation",
        kind: "graph",
        cloud: "gcp",
        service: "IAM",
        types: IAM_MEMBER_TYPES,
        rule: "A role cannot be granted to a service agent that does not exist yet, and the provider does not retry 'service account does not exist': a grant to a service agent waits for what creates it, its API's enablement or its ServiceIdentity.",
        source: "https://cloud.google.com/iam/docs/create-service-agents",
        alsoSource: SERVICE_AGENTS_SOURCE,
        checkGraph: (ctx) => {
            const out: { resource: CapturedResource; detail: string }[] = [];
            for (const r of ctx.graph.resources) {
                if (!IAM_MEMBER_TYPES.includes(r.type)) continue;
                const agent = serviceAgentOf(input(r, "member"));
                if (!agent) continue;
                const creators = ctx.graph.resources.filter(
                    (c) => (c.type === SERVICE || c.type === "gcp:projects/serviceIdentity:ServiceIdentity") && input(c, "service") === agent.service,
                );
                if (!creators.some((c) => ctx.dependsOn(r, c))) {
                    out.push({ resource: r, detail: `grants ${String(input(r, "role"))} to the ${agent.agent} but waits neither for ${agent.service}'s enablement nor for its ServiceIdentity` });
                }
            }
            return out;
        },
        examples: {
            pass: [
                {
                    title: "a key grant to the GKE agent after its ServiceIdentity",
                    resources: [
                        { type: "gcp:projects/serviceIdentity:ServiceIdentity", name: "gke-agent", inputs: { service: "container.googleapis.com", project: "p" } },
                        { type: "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember", name: "g", dependsOn: ["gke-agent"], inputs: { cryptoKeyId: "k", role: "roles/cloudkms.cryptoKeyEncrypterDecrypter", member: AGENT } },
                    ],
                },
            ],
            fail: [
                {
                    title: "a key grant to the GKE agent racing its creation",
                    resources: [
                        { type: "gcp:projects/serviceIdentity:ServiceIdentity", name: "gke-agent", inputs: { service: "container.googleapis.com", project: "p" } },
                        { type: "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember", name: "g", inputs: { cryptoKeyId: "k", role: "roles/cloudkms.cryptoKeyEncrypterDecrypter", member: AGENT } },
                    ],
                },
            ],
        },
    },
    {
        id: "gcp-logging-bucket-retention",
        kind: "resource",
        cloud: "gcp",
        service: "Cloud Logging",
        types: ["gcp:logging/projectBucketConfig:ProjectBucketConfig"],
        rule: "A log bucket keeps logs between 1 and 3650 days; the _Required bucket's retention (400 days) cannot be changed at all.",
        source: "https://cloud.google.com/logging/docs/buckets#custom-retention",
        alsoSource: "https://cloud.google.com/logging/docs/routing/overview#required-bucket",
        check: (r) => {
            const days = input(r, "retentionDays");
            if (str(r, "bucketId") === "_Required") return ["the _Required bucket's retention is fixed at 400 days: manage _Default or a bucket of your own"];
            if (days === undefined) return [];
            return typeof days === "number" && Number.isInteger(days) && days >= 1 && days <= 3650 ? [] : [`retentionDays ${JSON.stringify(days)} is outside 1-3650 days`];
        },
        examples: {
            pass: [{ title: "_Default kept 365 days", resources: [{ type: "gcp:logging/projectBucketConfig:ProjectBucketConfig", name: "b", inputs: { project: "p", location: "global", bucketId: "_Default", retentionDays: 365 } }] }],
            fail: [
                { title: "_Default kept 0 days", resources: [{ type: "gcp:logging/projectBucketConfig:ProjectBucketConfig", name: "b", inputs: { project: "p", location: "global", bucketId: "_Default", retentionDays: 0 } }] },
                { title: "_Default kept 11 years", resources: [{ type: "gcp:logging/projectBucketConfig:ProjectBucketConfig", name: "b", inputs: { project: "p", location: "global", bucketId: "_Default", retentionDays: 4015 } }] },
                { title: "_Required re-configured", resources: [{ type: "gcp:logging/projectBucketConfig:ProjectBucketConfig", name: "b", inputs: { project: "p", location: "global", bucketId: "_Required", retentionDays: 400 } }] },
            ],
        },
    },
    {
        id: "gcp-nat-dynamic-ports",
        kind: "resource",
        cloud: "gcp",
        service: "Cloud NAT",
        types: ["gcp:compute/routerNat:RouterNat"],
        rule: "With Dynamic Port Allocation, minPortsPerVm is a power of two of at least 32, maxPortsPerVm a power of two above it, and endpoint-independent mapping is off.",
        source: "https://cloud.google.com/nat/docs/ports-and-addresses#dynamic-port",
        alsoSource: "https://www.pulumi.com/registry/packages/gcp/api-docs/compute/routernat/",
        check: (r) => {
            if (input(r, "enableDynamicPortAllocation") !== true) return [];
            const min = input(r, "minPortsPerVm");
            const max = input(r, "maxPortsPerVm");
            const problems: string[] = [];
            if (input(r, "enableEndpointIndependentMapping") === true) problems.push("Dynamic Port Allocation and endpoint-independent mapping are mutually exclusive");
            if (min !== undefined && !(powerOfTwo(min) && min >= 32)) problems.push(`minPortsPerVm ${JSON.stringify(min)} is not a power of two of at least 32`);
            if (max !== undefined && !(powerOfTwo(max) && max > (typeof min === "number" ? min : 32))) problems.push(`maxPortsPerVm ${JSON.stringify(max)} is not a power of two above minPortsPerVm`);
            return problems;
        },
        examples: {
            pass: [{ title: "64 to 4096 ports", resources: [nat({ enableDynamicPortAllocation: true, enableEndpointIndependentMapping: false, minPortsPerVm: 64, maxPortsPerVm: 4096 })] }],
            fail: [
                { title: "100 ports minimum", resources: [nat({ enableDynamicPortAllocation: true, minPortsPerVm: 100, maxPortsPerVm: 4096 })] },
                { title: "a maximum below the minimum", resources: [nat({ enableDynamicPortAllocation: true, minPortsPerVm: 1024, maxPortsPerVm: 512 })] },
                { title: "with endpoint-independent mapping", resources: [nat({ enableDynamicPortAllocation: true, enableEndpointIndependentMapping: true })] },
            ],
        },
    },
    {
        id: "gcp-gke-vm-token-email-scope",
        kind: "graph",
        cloud: "gcp",
        service: "GKE",
        types: ["gcp:compute/instance:Instance", "gcp:projects/iAMMember:IAMMember"],
        rule: "GKE takes the user of a service account's OAuth access token to be the account's e-mail only when the token carries the userinfo.email scope, otherwise its numeric unique id: a VM whose service account holds a Kubernetes Engine role (it calls the cluster's API with its metadata-server token) needs that scope among its instance's scopes, or Kubernetes RBAC bound to its e-mail never matches and the API answers 403.",
        source: "https://cloud.google.com/kubernetes-engine/docs/how-to/role-based-access-control#forbidden_error_for_service_accounts_on_vm_instances",
        alsoSource: "https://cloud.google.com/kubernetes-engine/docs/how-to/iam#predefined",
        checkGraph: (ctx) => {
            const gkeMembers = new Set(
                ctx.graph.resources.filter((r) => r.type === "gcp:projects/iAMMember:IAMMember" && GKE_API_ROLES.includes(String(input(r, "role")))).map((r) => String(input(r, "member"))),
            );
            const out: { resource: CapturedResource; detail: string }[] = [];
            for (const r of ctx.graph.resources) {
                if (r.type !== "gcp:compute/instance:Instance") continue;
                const email = str(r, "serviceAccount.email");
                if (!email || !gkeMembers.has(`serviceAccount:${email}`)) continue;
                const scopes = input(r, "serviceAccount.scopes");
                const list = Array.isArray(scopes) ? scopes.map(String) : [];
                if (!list.some((sc) => EMAIL_SCOPES.includes(sc))) {
                    out.push({ resource: r, detail: `runs as ${email}, which holds a Kubernetes Engine role, with scopes ${JSON.stringify(list)}: no userinfo.email, so GKE sees its numeric id, not its e-mail` });
                }
            }
            return out;
        },
        examples: {
            pass: [
                { title: "a cluster viewer VM with cloud-platform and userinfo.email", resources: [ciMember("roles/container.clusterViewer"), vm(["https://www.googleapis.com/auth/cloud-platform", "https://www.googleapis.com/auth/userinfo.email"])] },
                { title: "a VM without a Kubernetes Engine role, cloud-platform only", resources: [ciMember("roles/logging.logWriter"), vm(["https://www.googleapis.com/auth/cloud-platform"])] },
            ],
            fail: [
                { title: "a cluster viewer VM with cloud-platform only", resources: [ciMember("roles/container.clusterViewer"), vm(["https://www.googleapis.com/auth/cloud-platform"])] },
                { title: "a developer VM with no scopes", resources: [ciMember("roles/container.developer"), vm([])] },
            ],
        },
    },
];
