/**
 * Stack configuration, read ONCE at the edge: raw Pulumi config -> schema validation ->
 * environment profile merge -> an immutable, typed `PlatformConfig`. Components never read
 * `pulumi.Config`; they receive (parts of) this object.
 *
 * Every problem is collected and reported in one error (key path, bad value, what is allowed,
 * how to fix it) before any resource is registered.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { cidrContains, cidrProblem, cidrsOverlap, NETWORK_PREFIX_RANGE, parseCidr, planSubnets, PRIVATE_RANGES, SubnetPlan, SUBNET_TIERS } from "./cidr";
import { EndpointAccess, NatStrategy, NodePoolProfile, profileFor } from "./profiles";
import { MAX_EXTRA_TAGS, prefixProblems, tagProblems } from "./cloud-names";
import { gcpZonesOf, isKnownRegion, nearestRegions, AZURE_REGIONS } from "./regions";
import { allowedKeysAt, Cloud, CLOUDS, CONFIG_KEYS, Environment, SSH_PUBLIC_KEY_LINE, StackConfigInput, stackConfigSchema } from "./schema";
import { RESERVED_LOGIN_NAMES, sshKeyProblems } from "./operators";
import type { BootstrapOperations } from "../bootstrap/types";
import { hostEncryptionProblem } from "./azure-vm-sizes";

export { CLOUDS, ENVIRONMENTS } from "./schema";
export type { Cloud, Environment } from "./schema";
export type { EndpointAccess, NatStrategy } from "./profiles";

/**
 * Default Kubernetes version for new clusters: a release in standard support on every cloud.
 * 1.35, not 1.34: EKS standard support for 1.34 ends on 2026-12-02, for 1.35 on 2027-03-27
 * (docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html); a new cluster must not
 * start its life weeks away from extended-support pricing.
 */
export const DEFAULT_KUBERNETES_VERSION = "1.35";
/** Default network block when a stack gives none. */
export const DEFAULT_NETWORK_CIDR = "10.20.0.0/16";
/** Default Service range (outside every default network). */
export const DEFAULT_SERVICE_CIDR = "172.20.0.0/16";
/** Default pod range for overlay CNIs (RFC 6598 shared space, outside the default network). */
export const DEFAULT_POD_CIDR = "100.64.0.0/16";

export interface NodePoolConfig extends NodePoolProfile {
    /** `spot` only where the environment allows it; system pools are always on-demand. */
    readonly capacity: "onDemand" | "spot";
}

interface CommonPlatformConfig {
    readonly project: string;
    readonly stack: string;
    readonly environment: Environment;
    readonly region: string;
    readonly owner: string;
    readonly costCenter: string;
    /** `<project>-<env>-<cloud>` unless the stack sets `namePrefix`; every physical name starts with it. */
    readonly prefix: string;
    /** Tags/labels for every taggable resource (common tags plus the stack's extra `tags`). */
    readonly tags: Readonly<Record<string, string>>;
    readonly network: {
        readonly cidr: string;
        readonly zones: number;
        readonly natStrategy: NatStrategy;
        readonly privateEndpoints: boolean;
        readonly flowLogs: { readonly enabled: boolean; readonly retentionDays: number };
        /** One block per zone and tier. */
        readonly subnets: SubnetPlan;
    };
    readonly bastion: { readonly allowedCidrs: readonly string[]; readonly instanceType: string };
    readonly cluster: {
        readonly version: string;
        readonly endpointAccess: EndpointAccess;
        readonly authorizedCidrs: readonly string[];
        readonly serviceCidr: string;
        readonly podCidr: string;
        readonly logRetentionDays: number;
        readonly nodePools: { readonly system: NodePoolConfig; readonly workload: NodePoolConfig };
        /** The CI identity allowed to manage pull-request namespaces (cloud-specific form, validated per cloud). */
        readonly prAutomationPrincipal?: string;
    };
    readonly toolVms: { readonly instanceType: string };
    /**
     * Who operates the VMs and when they may reboot, Vault's recovery keys, Wazuh's retention:
     * every VM reads it from its TLS bundle (components/bootstrap, pki.ts), never from user data.
     */
    readonly operations: BootstrapOperations;
    /** Stateful resources get `protect` / deletion protection. */
    readonly deletionProtection: boolean;
    readonly backup: { readonly retentionDays: number };
}

/** The AWS platform's configuration. */
export interface AwsPlatformConfig extends CommonPlatformConfig {
    readonly cloud: "aws";
    readonly aws: {
        /** Extra cluster-admin principals (IAM role/user ARNs); the deploying principal is always one. */
        readonly adminPrincipalArns: readonly string[];
        /**
         * The configured deployer (`cluster.deployerPrincipalArn`); absent: the builder falls back
         * to the identity running `pulumi up`, with a warning.
         */
        readonly deployerPrincipalArn?: string;
    };
}

/** The Azure platform's configuration. */
export interface AzurePlatformConfig extends CommonPlatformConfig {
    readonly cloud: "azure";
    readonly azure: {
        /** The subscription's Network Watcher for the region: referenced, never created. */
        readonly networkWatcher: { readonly resourceGroup: string; readonly name: string };
        /** Entra ID groups with cluster-admin through Azure RBAC. */
        readonly adminGroupObjectIds: readonly string[];
        /** What runs `pulumi up` (config `azureDeployerPrincipalType`, see {@link azureDeployerPrincipalType}): named on its role assignments. */
        readonly deployerPrincipalType: "User" | "ServicePrincipal";
        /**
         * Destroyable and re-creatable the same day (dev, and the ephemeral environments built on
         * dev's config): names Azure holds after a delete (Key Vault with purge protection for
         * its soft-delete retention, Log Analytics workspaces for 14 days) get a per-creation
         * generation, and backups are deleted with the stack (Recovery Services soft delete off,
         * which would otherwise block deleting the vault for 14 days). Other environments keep
         * deterministic names and recoverable backups.
         */
        readonly sameDayRecreate: boolean;
    };
}

/** The GCP platform's configuration. */
export interface GcpPlatformConfig extends CommonPlatformConfig {
    readonly cloud: "gcp";
    readonly gcp: {
        readonly project: string;
        /** The private control plane's /28 (outside the network, pod and service ranges). */
        readonly controlPlaneCidr: string;
        /** Also allow SSH from IAP's range to the bastion. */
        readonly iapSshAccess: boolean;
        /**
         * The zones, by name: `network.zoneNames`, or the first `network.zones` zones of the region
         * in components/config/regions.ts. Never read from the cloud's live zone status.
         */
        readonly zones: readonly string[];
        /** The deployer's OS Login POSIX name when config gives it (`bastion.osLoginUser`); else derived. */
        readonly osLoginUser?: string;
        /** Google Groups for RBAC: `gke-security-groups@<domain>` (`cluster.rbacSecurityGroup`). */
        readonly rbacSecurityGroup?: string;
    };
}

/** The validated configuration, discriminated on `cloud`. */
export type PlatformConfig = AwsPlatformConfig | AzurePlatformConfig | GcpPlatformConfig;

/**
 * Which clouds have a builder in this release (one line each, flipped when a cloud lands).
 * Validation rejects the others with a clear message before anything is created.
 */
export const CLOUD_BUILDERS: Readonly<Record<Cloud, boolean>> = {
    aws: true,
    azure: true,
    gcp: true,
};

/** Clouds this release can build. */
export const SUPPORTED_CLOUDS: readonly Cloud[] = (Object.keys(CLOUD_BUILDERS) as Cloud[]).filter((c) => CLOUD_BUILDERS[c]);

/** "an AWS" / "an Azure" / "a GCP", for messages. */
const CLOUD_LABEL: Readonly<Record<Cloud, string>> = { aws: "an AWS", azure: "an Azure", gcp: "a GCP" };
const REGION_EXAMPLE: Readonly<Record<Cloud, string>> = { aws: "eu-west-1", azure: "westeurope", gcp: "europe-west1" };

/** GKE's private control plane range when the stack gives none. */
export const DEFAULT_CONTROL_PLANE_CIDR = "172.16.0.16/28";
/** IAP TCP forwarding's source range (Google-documented). */
export const IAP_SSH_RANGE = "35.235.240.0/20";

/** The one error bad configuration produces: every problem, each on its own line. */
export class ConfigError extends Error {
    constructor(
        readonly stackName: string,
        readonly problems: readonly string[],
        /** The stack file to fix, relative to the repository (each layer has its own). */
        readonly stackFile = `stacks/Pulumi.${stackName}.yaml`,
    ) {
        super(
            `Invalid configuration for stack "${stackName}" (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
                problems.map((p) => `  - ${p}`).join("\n") +
                `\nFix these in ${stackFile} (or with \`pulumi config set\`); nothing was created.`,
        );
        this.name = "ConfigError";
    }
}

export interface ConfigContext {
    readonly project: string;
    readonly stack: string;
    /** Full keys (`platform:slackWebhookUrl`) the stack stores encrypted. */
    readonly secretKeys?: readonly string[];
    /** The environment the program runs in (default process.env): only how the Azure provider signs in is read. */
    readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The kind of principal running `pulumi up` on Azure: the config value, or what the provider's
 * sign-in implies. azure-native signs in as a service principal (or managed identity) when
 * ARM_CLIENT_ID / ARM_USE_MSI are set (CI's OIDC login: .github/actions/cloud-login), and as the
 * Azure CLI's user otherwise (https://www.pulumi.com/registry/packages/azure-native/installation-configuration/).
 * A service principal signed in through `az login --service-principal` sets neither: set the key.
 */
export function azureDeployerPrincipalType(configured: string | undefined, env: Readonly<Record<string, string | undefined>>): "User" | "ServicePrincipal" {
    if (configured === "User" || configured === "ServicePrincipal") {
        return configured;
    }
    return env.ARM_CLIENT_ID || env.ARM_USE_MSI === "true" ? "ServicePrincipal" : "User";
}

/** Top-level keys whose values are secrets (never echoed, must be stored encrypted). */
export const SECRET_KEYS: readonly string[] = Object.entries(CONFIG_KEYS)
    .filter(([, info]) => (info as { secret?: boolean }).secret === true)
    .map(([key]) => key);


/** Secret keys given in plain text (the stack file instead of `pulumi config set --secret`). */
export function plainTextSecretProblems(raw: Readonly<Record<string, unknown>>, ctx: ConfigContext, secretKeys: readonly string[]): string[] {
    const problems: string[] = [];
    for (const key of secretKeys) {
        const value = raw[key];
        if (typeof value === "string" && value !== "" && ctx.secretKeys && !ctx.secretKeys.includes(`${ctx.project}:${key}`)) {
            problems.push(`${keyPath(ctx.project, [key])}: is stored in plain text; remove it from the stack file and set it with \`pulumi config set --secret ${key} <value>\``);
        }
    }
    return problems;
}

/** `platform:network.subnets.nodes[1]` */
export function keyPath(project: string, path: readonly PropertyKey[]): string {
    let out = `${project}:`;
    path.forEach((part, i) => {
        if (typeof part === "number") {
            out += `[${part}]`;
        } else {
            out += i === 0 ? String(part) : `.${String(part)}`;
        }
    });
    return out;
}

function show(value: unknown): string {
    return value === undefined ? "(missing)" : JSON.stringify(value);
}

function closest(word: string, options: readonly string[]): string | undefined {
    const distance = (a: string, b: string): number => {
        const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
        for (let j = 1; j <= b.length; j++) d[0][j] = j;
        for (let i = 1; i <= a.length; i++) {
            for (let j = 1; j <= b.length; j++) {
                d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
            }
        }
        return d[a.length][b.length];
    };
    const best = options.map((o) => ({ o, d: distance(word, o) })).sort((x, y) => x.d - y.d)[0];
    return best && best.d <= Math.max(2, Math.floor(word.length / 3)) ? best.o : undefined;
}

/** One zod issue as problem lines in the project's format. */
export function formatIssue(project: string, issue: z.core.$ZodIssue, schema: z.ZodType = stackConfigSchema, secretKeys: readonly string[] = SECRET_KEYS): string[] {
    const where = keyPath(project, issue.path);
    // A secret's value never appears in a message (it would land in CI logs).
    const input = secretKeys.includes(String(issue.path[0])) ? "(secret value)" : (issue as { input?: unknown }).input;
    switch (issue.code) {
        case "unrecognized_keys": {
            const allowed = allowedKeysAt(issue.path, schema);
            return issue.keys.map((key) => {
                const guess = closest(key, allowed);
                return `${keyPath(project, [...issue.path, key])}: unknown key${guess ? ` (did you mean "${guess}"?)` : ""}; allowed keys here: ${allowed.join(", ")}`;
            });
        }
        case "invalid_type":
            if (input === undefined) {
                return [`${where}: is required (${issue.expected})`];
            }
            return [`${where}: expected ${issue.expected}, got ${show(input)}`];
        case "invalid_value":
            return [`${where}: ${show(input)} is not allowed; use one of: ${issue.values.map((v) => String(v)).join(", ")}`];
        case "too_small":
            if (issue.origin === "array") {
                return [`${where}: needs at least ${issue.minimum} entr${Number(issue.minimum) === 1 ? "y" : "ies"}, got ${Array.isArray(input) ? input.length : 0}`];
            }
            if (issue.origin === "string") {
                return [`${where}: must not be empty`];
            }
            return [`${where}: ${show(input)} is below the minimum ${issue.minimum}`];
        case "invalid_key":
            return [`${where}: key ${show(input)} ${issue.issues.map((i) => i.message).join("; ")}`];
        case "too_big":
            return [`${where}: ${show(input)} is above the maximum ${issue.maximum}`];
        case "invalid_format":
        case "custom":
        default:
            return [`${where}: ${input !== undefined && typeof input !== "object" && !issue.message.startsWith(JSON.stringify(input)) ? `${show(input)} ` : ""}${issue.message}`];
    }
}

function mergePool(profile: NodePoolProfile, given: Partial<NodePoolProfile> | undefined, capacity: NodePoolConfig["capacity"]): NodePoolConfig {
    return { ...profile, ...definedOnly(given ?? {}), capacity };
}

function definedOnly<T extends object>(value: T): Partial<T> {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function deepFreeze<T>(value: T): T {
    if (value && typeof value === "object" && !Object.isFrozen(value)) {
        Object.freeze(value);
        for (const v of Object.values(value as Record<string, unknown>)) {
            deepFreeze(v);
        }
    }
    return value;
}

/**
 * Validates raw stack config (values already typed: objects parsed, integers as numbers) and
 * resolves it against the environment profile. Pure; throws `ConfigError` with every problem.
 */
export function parsePlatformConfig(raw: Readonly<Record<string, unknown>>, ctx: ConfigContext): PlatformConfig {
    const { project, stack } = ctx;
    const problems: string[] = [];
    const parsed = stackConfigSchema.safeParse(raw, { reportInput: true });
    if (!parsed.success) {
        for (const issue of parsed.error.issues) {
            problems.push(...formatIssue(project, issue));
        }
    }
    // Cross-field checks run on whatever is well-typed, so one run reports everything.
    const input = (parsed.success ? parsed.data : raw) as Partial<StackConfigInput>;
    const at = (...path: PropertyKey[]) => keyPath(project, path);
    const isCloud = (v: unknown): v is Cloud => typeof v === "string" && (CLOUDS as readonly string[]).includes(v);
    const isEnv = (v: unknown): v is Environment => v === "dev" || v === "staging" || v === "prod";
    const validCidr = (v: unknown): v is string => typeof v === "string" && cidrProblem(v) === undefined;

    problems.push(...plainTextSecretProblems(raw, ctx, SECRET_KEYS));

    if (isCloud(input.cloud) && !SUPPORTED_CLOUDS.includes(input.cloud)) {
        problems.push(
            `${at("cloud")}: "${input.cloud}" is not supported yet: this release builds ${SUPPORTED_CLOUDS.join(", ")} only (the others are on the roadmap); use one of: ${SUPPORTED_CLOUDS.join(", ")}`,
        );
    }
    if (isCloud(input.cloud) && typeof input.region === "string" && input.region !== "") {
        if (!isKnownRegion(input.cloud, input.region)) {
            const cloud = input.cloud;
            const region = input.region;
            const other = CLOUDS.find((c) => c !== cloud && isKnownRegion(c, region));
            problems.push(
                other
                    ? `${at("region")}: "${region}" is ${CLOUD_LABEL[other]} region, and this stack's cloud is ${cloud}; use ${CLOUD_LABEL[cloud]} region such as ${REGION_EXAMPLE[cloud]} (components/config/regions.ts lists every region with its source)`
                    : `${at("region")}: "${region}" is not ${CLOUD_LABEL[cloud]} region; nearest valid: ${nearestRegions(cloud, region).join(", ")} (components/config/regions.ts lists every region with its source)`,
            );
        } else if (input.cloud === "azure" && !AZURE_REGIONS.find((r) => r.name === input.region)?.zones) {
            const zonal = nearestRegions("azure", input.region, 10).filter((n) => AZURE_REGIONS.find((r) => r.name === n)?.zones).slice(0, 3);
            problems.push(`${at("region")}: "${input.region}" has no availability zones, and the platform spreads nodes and VMs over 2-3 zones (learn.microsoft.com/azure/reliability/regions-list); use a region with zones, e.g. ${zonal.join(", ")}`);
        }
    }

    // Values the clouds refuse in names and tags (components/config/cloud-names.ts).
    if (isCloud(input.cloud)) {
        const cloud = input.cloud;
        const prefixGiven = typeof input.namePrefix === "string" && input.namePrefix !== "";
        const effective = prefixGiven ? (input.namePrefix as string) : isEnv(input.environment) ? `${project}-${input.environment}-${cloud}` : undefined;
        if (effective !== undefined) {
            for (const problem of prefixProblems(cloud, effective)) {
                problems.push(prefixGiven ? `${at("namePrefix")}: ${problem}` : `${at("namePrefix")}: not set, so the prefix is <project>-<environment>-<cloud>: ${problem}; set namePrefix explicitly`);
            }
        }
        const tags = input.tags && typeof input.tags === "object" ? Object.entries(input.tags as Record<string, unknown>) : [];
        if (tags.length > MAX_EXTRA_TAGS) {
            problems.push(`${at("tags")}: ${tags.length} tags; at most ${MAX_EXTRA_TAGS} (clouds take 50 per resource, and the platform adds 6 common tags and up to 4 per resource)`);
        }
        for (const [key, value] of tags) {
            if (typeof value === "string") {
                for (const problem of tagProblems(cloud, key, value)) {
                    problems.push(`${at("tags")}: ${problem}`);
                }
            }
        }
    }

    const cloudOk = isCloud(input.cloud) && SUPPORTED_CLOUDS.includes(input.cloud);
    const profile = cloudOk && isEnv(input.environment) ? profileFor(input.cloud as Cloud, input.environment) : undefined;

    // Named operators: real keys, no reserved or repeated names, required where the profile says so.
    const users = input.bastion && typeof input.bastion === "object" && Array.isArray(input.bastion.users) ? input.bastion.users : [];
    const seenNames = new Set<string>();
    users.forEach((u, i) => {
        if (!u || typeof u !== "object") return;
        if (typeof u.name === "string") {
            if (RESERVED_LOGIN_NAMES.includes(u.name)) {
                problems.push(`${at("bastion", "users", i, "name")}: "${u.name}" is an account the VMs already have or the platform creates; choose the person's own login name`);
            } else if (seenNames.has(u.name)) {
                problems.push(`${at("bastion", "users", i, "name")}: "${u.name}" is listed twice; give each person one entry with all their keys`);
            }
            seenNames.add(u.name);
        }
        (Array.isArray(u.sshPublicKeys) ? u.sshPublicKeys : []).forEach((key, k) => {
            if (typeof key === "string" && SSH_PUBLIC_KEY_LINE.test(key)) {
                for (const problem of sshKeyProblems(key)) problems.push(`${at("bastion", "users", i, "sshPublicKeys", k)}: ${problem}`);
            }
        });
    });
    if (profile?.requireNamedOperators && users.length === 0) {
        problems.push(
            `${at("bastion", "users")}: is empty, and ${String(input.environment)} needs named operators (no shared login identity); list each person with their SSH public keys, e.g. - {name: alice, sshPublicKeys: ["ssh-ed25519 AAAA... alice@laptop"], sudo: true}`,
        );
    }
    // Vault's recovery keys: Vault's own rules for shares and threshold (vault/seal.go SealConfig.Validate), one operator key per share.
    const ops = (typeof input.operations === "object" && input.operations) || {};
    const vaultOps = (typeof ops.vault === "object" && ops.vault) || {};
    const shares = vaultOps.recoveryShares ?? profile?.vaultRecovery.shares;
    const threshold = vaultOps.recoveryThreshold ?? profile?.vaultRecovery.threshold;
    const fingerprints = Array.isArray(vaultOps.pgpFingerprints) ? vaultOps.pgpFingerprints : [];
    if (typeof shares === "number" && typeof threshold === "number") {
        if (threshold > shares) {
            problems.push(`${at("operations", "vault", "recoveryThreshold")}: ${threshold} is larger than recoveryShares ${shares}; Vault refuses it ("threshold cannot be larger than shares")`);
        } else if (shares > 1 && threshold === 1) {
            problems.push(`${at("operations", "vault", "recoveryThreshold")}: 1 with ${shares} shares; Vault refuses it ("threshold must be greater than one for multiple shares"): use 2 or more`);
        }
        if (fingerprints.length > 0 && fingerprints.length !== shares) {
            problems.push(`${at("operations", "vault", "pgpFingerprints")}: lists ${fingerprints.length} keys for ${shares} recovery shares; give one operator key per share (Vault encrypts share i to key i)`);
        }
    }
    if (new Set(fingerprints).size !== fingerprints.length) {
        problems.push(`${at("operations", "vault", "pgpFingerprints")}: lists a key twice; each recovery share goes to a different operator`);
    }
    if (profile?.requireRecoveryPgpKeys && fingerprints.length === 0) {
        problems.push(
            `${at("operations", "vault", "pgpFingerprints")}: is empty, and ${String(input.environment)} encrypts Vault's recovery keys to named operators; list ${shares ?? "the"} OpenPGP fingerprints (40 hex digits each), one per recovery share`,
        );
    }

    if (input.bastion && typeof input.bastion === "object" && Array.isArray(input.bastion.allowedCidrs) && input.bastion.allowedCidrs.length === 0) {
        problems.push(`${at("bastion", "allowedCidrs")}: is empty; list the CIDRs allowed to SSH to the bastion (office, VPN or CI egress), since it is the only way into the network`);
    }

    // Cloud-specific keys belong to their cloud only.
    const clusterRaw = (typeof input.cluster === "object" && input.cluster) || {};
    const bastionRaw: { iapSshAccess?: unknown; osLoginUser?: unknown } = (typeof input.bastion === "object" && input.bastion) || {};
    const networkRaw: { zoneNames?: unknown } = (typeof input.network === "object" && input.network) || {};
    const onlyFor: { cloud: Cloud; key: PropertyKey[]; present: boolean }[] = [
        { cloud: "aws", key: ["cluster", "adminPrincipalArns"], present: clusterRaw.adminPrincipalArns !== undefined },
        { cloud: "aws", key: ["cluster", "deployerPrincipalArn"], present: (clusterRaw as { deployerPrincipalArn?: unknown }).deployerPrincipalArn !== undefined },
        { cloud: "azure", key: ["cluster", "adminGroupObjectIds"], present: clusterRaw.adminGroupObjectIds !== undefined },
        { cloud: "azure", key: ["azureNetworkWatcher"], present: !!input.azureNetworkWatcher },
        { cloud: "azure", key: ["azureDeployerPrincipalType"], present: !!input.azureDeployerPrincipalType },
        { cloud: "gcp", key: ["cluster", "controlPlaneCidr"], present: clusterRaw.controlPlaneCidr !== undefined },
        { cloud: "gcp", key: ["bastion", "iapSshAccess"], present: bastionRaw.iapSshAccess !== undefined },
        { cloud: "gcp", key: ["bastion", "osLoginUser"], present: bastionRaw.osLoginUser !== undefined },
        { cloud: "gcp", key: ["cluster", "rbacSecurityGroup"], present: clusterRaw.rbacSecurityGroup !== undefined },
        { cloud: "gcp", key: ["network", "zoneNames"], present: networkRaw.zoneNames !== undefined },
        { cloud: "gcp", key: ["gcpProject"], present: !!input.gcpProject },
    ];
    if (isCloud(input.cloud)) {
        for (const o of onlyFor) {
            if (o.present && o.cloud !== input.cloud) {
                problems.push(`${at(...o.key)}: applies to ${o.cloud} stacks only, and this stack's cloud is ${input.cloud}; remove it`);
            }
        }
    }
    if (input.cloud === "gcp" && !input.gcpProject) {
        problems.push(`${at("gcpProject")}: is required for gcp stacks; set the GCP project id everything is created in`);
    }

    // The PR-namespace automation identity, in its cloud's form.
    const prPrincipal = (clusterRaw as { prAutomationPrincipal?: unknown }).prAutomationPrincipal;
    if (typeof prPrincipal === "string" && isCloud(input.cloud)) {
        const forms: Record<Cloud, { re: RegExp; what: string }> = {
            aws: { re: /^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/[A-Za-z0-9+=,.@_/-]{1,512}$/, what: "an IAM role ARN such as arn:aws:iam::123456789012:role/platform-pr-envs" },
            azure: { re: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, what: "the service principal's Entra object id (a lowercase GUID)" },
            gcp: { re: /^[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z][a-z0-9-]{4,28}[a-z0-9]\.iam\.gserviceaccount\.com$/, what: "a service account e-mail such as pr-envs@my-project.iam.gserviceaccount.com" },
        };
        const form = forms[input.cloud];
        if (!form.re.test(prPrincipal)) {
            problems.push(`${at("cluster", "prAutomationPrincipal")}: "${prPrincipal}" is not ${form.what} (this stack's cloud is ${input.cloud})`);
        } else if (input.cloud === "aws" && Array.isArray(clusterRaw.adminPrincipalArns) && clusterRaw.adminPrincipalArns.includes(prPrincipal)) {
            problems.push(`${at("cluster", "prAutomationPrincipal")}: "${prPrincipal}" is also in cluster.adminPrincipalArns; EKS allows one access entry per principal, and the PR automation must not be an admin: use a separate role`);
        } else if (input.cloud === "aws" && (clusterRaw as { deployerPrincipalArn?: unknown }).deployerPrincipalArn === prPrincipal) {
            problems.push(`${at("cluster", "prAutomationPrincipal")}: "${prPrincipal}" is also cluster.deployerPrincipalArn; EKS allows one access entry per principal, and the PR automation must not be an admin: use a separate role`);
        }
    }

    // Network block and subnets.
    const network = typeof input.network === "object" && input.network !== null ? input.network : {};
    const networkCidr = network.cidr ?? DEFAULT_NETWORK_CIDR;
    let networkUsable = validCidr(networkCidr);
    if (networkUsable) {
        const n = parseCidr(networkCidr);
        if (n.version !== 4 || n.prefix < NETWORK_PREFIX_RANGE.min || n.prefix > NETWORK_PREFIX_RANGE.max) {
            problems.push(`${at("network", "cidr")}: "${networkCidr}" must be an IPv4 block from /${NETWORK_PREFIX_RANGE.min} to /${NETWORK_PREFIX_RANGE.max} (e.g. ${DEFAULT_NETWORK_CIDR})`);
            networkUsable = false;
        } else if (!PRIVATE_RANGES.some((r) => cidrContains(r, networkCidr))) {
            problems.push(`${at("network", "cidr")}: "${networkCidr}" is not a private range; use a block inside ${PRIVATE_RANGES.join(", ")}`);
            networkUsable = false;
        }
    }
    // An out-of-range `zones` was reported by the schema; plan with the profile's count meanwhile.
    const zonesValid = typeof network.zones === "number" && Number.isInteger(network.zones) && network.zones >= 2 && network.zones <= 4;
    const givenZoneNames = input.cloud === "gcp" && Array.isArray(network.zoneNames) ? network.zoneNames : undefined;
    const zones = zonesValid ? (network.zones as number) : givenZoneNames && givenZoneNames.length >= 2 ? givenZoneNames.length : profile?.zones ?? 2;
    // GCP zones are named by config, validated against the region table: never derived from the
    // cloud's live zone status (a zone briefly DOWN would move disks and instances).
    let gcpZones: string[] = [];
    if (input.cloud === "gcp" && typeof input.region === "string" && isKnownRegion("gcp", input.region)) {
        const known = gcpZonesOf(input.region) ?? [];
        if (givenZoneNames) {
            givenZoneNames.forEach((zone, i) => {
                if (typeof zone === "string" && /^[a-z]+-[a-z]+\d+-[a-z]$/.test(zone) && !known.includes(zone)) {
                    problems.push(`${at("network", "zoneNames", i)}: "${zone}" is not a zone of ${input.region}; its zones are ${known.join(", ")} (components/config/regions.ts)`);
                }
            });
            const dupes = givenZoneNames.filter((z, i) => givenZoneNames.indexOf(z) !== i);
            if (dupes.length > 0) {
                problems.push(`${at("network", "zoneNames")}: lists ${[...new Set(dupes)].map((d) => JSON.stringify(d)).join(", ")} more than once; name each zone once`);
            }
            if (givenZoneNames.length < 2) {
                problems.push(`${at("network", "zoneNames")}: names ${givenZoneNames.length} zone${givenZoneNames.length === 1 ? "" : "s"}; the platform spreads node pools and tool VMs over at least 2`);
            }
            if (zonesValid && givenZoneNames.length !== network.zones) {
                problems.push(`${at("network", "zoneNames")}: names ${givenZoneNames.length} zones but ${at("network", "zones")} is ${String(network.zones)}; give one of them, or make them agree`);
            }
            gcpZones = givenZoneNames.filter((z): z is string => typeof z === "string");
        } else if (known.length < zones) {
            problems.push(`${at("network", "zones")}: ${zones} zones, but ${input.region} has only ${known.length} (${known.join(", ")}); lower ${at("network", "zones")}`);
        } else {
            gcpZones = known.slice(0, zones);
        }
    }
    let subnets: SubnetPlan | undefined;
    if (network.subnets && typeof network.subnets === "object") {
        const given = network.subnets as Record<string, unknown>;
        const all: { path: PropertyKey[]; cidr: string }[] = [];
        for (const tier of SUBNET_TIERS) {
            const list = given[tier];
            if (!Array.isArray(list)) {
                continue;
            }
            if (list.length !== zones) {
                problems.push(`${at("network", "subnets", tier)}: lists ${list.length} subnet${list.length === 1 ? "" : "s"} but the network spans ${zones} zones; give exactly one per zone`);
            }
            list.forEach((c, i) => {
                if (!validCidr(c)) {
                    return;
                }
                if (networkUsable && !cidrContains(networkCidr, c)) {
                    problems.push(`${at("network", "subnets", tier, i)}: "${c}" does not fit inside the network ${networkCidr}`);
                }
                all.push({ path: ["network", "subnets", tier, i], cidr: c });
            });
        }
        for (let i = 0; i < all.length; i++) {
            for (let j = i + 1; j < all.length; j++) {
                if (cidrsOverlap(all[i].cidr, all[j].cidr)) {
                    problems.push(`${at(...all[j].path)}: "${all[j].cidr}" overlaps ${at(...all[i].path)} ("${all[i].cidr}"); subnets must be disjoint`);
                }
            }
        }
        subnets = given as unknown as SubnetPlan;
    } else if (networkUsable) {
        subnets = planSubnets(networkCidr, zones);
    }

    const natStrategy = network.natStrategy ?? profile?.natStrategy ?? "single";
    const privateEndpoints = network.privateEndpoints ?? profile?.privateEndpoints ?? false;
    if (natStrategy === "none" && !privateEndpoints) {
        problems.push(`${at("network", "natStrategy")}: "none" leaves private subnets with no route to the cloud APIs (image pulls, node join); set ${at("network", "privateEndpoints")}: true or use "single" / "perZone"`);
    }

    // Cluster ranges must not collide with the network or each other.
    const cluster = typeof input.cluster === "object" && input.cluster !== null ? input.cluster : {};
    const ranges: { key: string; cidr: string }[] = [
        { key: "serviceCidr", cidr: cluster.serviceCidr ?? DEFAULT_SERVICE_CIDR },
        { key: "podCidr", cidr: cluster.podCidr ?? DEFAULT_POD_CIDR },
        ...(input.cloud === "gcp" ? [{ key: "controlPlaneCidr", cidr: cluster.controlPlaneCidr ?? DEFAULT_CONTROL_PLANE_CIDR }] : []),
    ];
    const controlPlane = ranges.find((r) => r.key === "controlPlaneCidr");
    if (controlPlane && validCidr(controlPlane.cidr) && parseCidr(controlPlane.cidr).prefix !== 28) {
        problems.push(`${at("cluster", "controlPlaneCidr")}: "${controlPlane.cidr}" must be a /28 (GKE's private control plane takes exactly 16 addresses)`);
    }
    for (const [i, r] of ranges.entries()) {
        if (!validCidr(r.cidr)) {
            continue;
        }
        if (parseCidr(r.cidr).version !== 4) {
            problems.push(`${at("cluster", r.key)}: "${r.cidr}" must be an IPv4 block`);
            continue;
        }
        if (networkUsable && cidrsOverlap(r.cidr, networkCidr)) {
            const example = { serviceCidr: DEFAULT_SERVICE_CIDR, podCidr: DEFAULT_POD_CIDR, controlPlaneCidr: DEFAULT_CONTROL_PLANE_CIDR }[r.key];
            problems.push(`${at("cluster", r.key)}: "${r.cidr}" overlaps the network ${networkCidr}; pick a range outside it (e.g. ${example})`);
        }
        for (const other of ranges.slice(0, i)) {
            if (validCidr(other.cidr) && cidrsOverlap(r.cidr, other.cidr)) {
                problems.push(`${at("cluster", r.key)}: "${r.cidr}" overlaps ${at("cluster", other.key)} ("${other.cidr}")`);
            }
        }
    }
    const endpointAccess = cluster.endpointAccess ?? profile?.endpointAccess ?? "private";
    const authorizedCidrs = Array.isArray(cluster.authorizedCidrs) ? cluster.authorizedCidrs : [];
    if (endpointAccess === "restricted" && authorizedCidrs.length === 0) {
        problems.push(`${at("cluster", "authorizedCidrs")}: is empty but endpointAccess is "restricted"; list the CIDRs allowed to reach the Kubernetes API, or set ${at("cluster", "endpointAccess")}: private`);
    }

    // Node pools: the merged (profile + stack) sizes must be coherent.
    const pools = { system: undefined as NodePoolConfig | undefined, workload: undefined as NodePoolConfig | undefined };
    if (profile) {
        const given = (typeof cluster.nodePools === "object" && cluster.nodePools) || {};
        pools.system = mergePool(profile.nodePools.system, given.system, "onDemand");
        pools.workload = mergePool(profile.nodePools.workload, given.workload, profile.spot ? "spot" : "onDemand");
        for (const name of ["system", "workload"] as const) {
            const p = pools[name]!;
            if (![p.minSize, p.maxSize, p.desiredSize].every((v) => Number.isInteger(v))) {
                continue;
            }
            const source = (...keys: (keyof NodePoolProfile)[]) => {
                const fromProfile = keys.filter((k) => given[name]?.[k] === undefined);
                return fromProfile.length > 0 ? ` (${fromProfile.join(" and ")} from the ${input.environment} profile)` : "";
            };
            if (p.minSize > p.maxSize) {
                problems.push(`${at("cluster", "nodePools", name)}: minSize ${p.minSize} is greater than maxSize ${p.maxSize}${source("minSize", "maxSize")}; raise maxSize or lower minSize`);
            } else if (p.desiredSize < p.minSize || p.desiredSize > p.maxSize) {
                problems.push(`${at("cluster", "nodePools", name, "desiredSize")}: ${p.desiredSize} is outside [minSize ${p.minSize}, maxSize ${p.maxSize}]${source("minSize", "maxSize")}; set it within that range`);
            }
        }
    }

    // Azure: every VM and node pool runs with encryption at host, which needs a supporting size.
    if (input.cloud === "azure" && profile) {
        const bastionSize = (input.bastion as { instanceType?: unknown } | undefined)?.instanceType ?? profile.bastionInstanceType;
        const sized: { path: PropertyKey[]; size: unknown }[] = [
            { path: ["bastion", "instanceType"], size: bastionSize },
            { path: ["cluster", "nodePools", "system", "instanceType"], size: pools.system?.instanceType },
            { path: ["cluster", "nodePools", "workload", "instanceType"], size: pools.workload?.instanceType },
        ];
        for (const { path, size } of sized) {
            const problem = typeof size === "string" ? hostEncryptionProblem(size) : undefined;
            if (problem) {
                problems.push(`${at(...path)}: ${problem}`);
            }
        }
    }

    if (problems.length > 0) {
        throw new ConfigError(stack, problems);
    }
    // From here on every field is valid (the schema passed and so did every check above).
    const cfg = input as StackConfigInput;
    const p = profile!;
    const environment = cfg.environment;
    const cloud = cfg.cloud;
    const prefix = cfg.namePrefix ? cfg.namePrefix : `${project}-${environment}-${cloud}`;
    const tags: Record<string, string> = {
        ...(cfg.tags ?? {}),
        project,
        environment,
        cloud,
        owner: cfg.owner,
        "cost-center": cfg.costCenter,
        "managed-by": "pulumi",
    };
    const common: CommonPlatformConfig = {
        project,
        stack,
        environment,
        region: cfg.region,
        owner: cfg.owner,
        costCenter: cfg.costCenter,
        prefix,
        tags,
        network: {
            cidr: networkCidr,
            zones,
            natStrategy,
            privateEndpoints,
            flowLogs: {
                enabled: network.flowLogs?.enabled ?? true,
                retentionDays: network.flowLogs?.retentionDays ?? p.logRetentionDays,
            },
            subnets: subnets!,
        },
        bastion: {
            allowedCidrs: cfg.bastion.allowedCidrs,
            instanceType: cfg.bastion.instanceType ?? p.bastionInstanceType,
        },
        cluster: {
            version: cluster.version ?? DEFAULT_KUBERNETES_VERSION,
            endpointAccess,
            authorizedCidrs,
            serviceCidr: ranges[0].cidr,
            podCidr: ranges[1].cidr,
            logRetentionDays: p.logRetentionDays,
            nodePools: { system: pools.system!, workload: pools.workload! },
            ...(cluster.prAutomationPrincipal ? { prAutomationPrincipal: cluster.prAutomationPrincipal } : {}),
        },
        toolVms: { instanceType: p.toolVmInstanceType },
        operations: {
            operators: (cfg.bastion.users ?? []).map((u) => ({ name: u.name, sshPublicKeys: [...u.sshPublicKeys], sudo: u.sudo ?? false })),
            patching: {
                rebootDays: [...(cfg.operations?.patching?.rebootDays ?? p.patching.rebootDays)],
                rebootTime: cfg.operations?.patching?.rebootTime ?? p.patching.rebootTime,
            },
            vaultRecovery: {
                shares: cfg.operations?.vault?.recoveryShares ?? p.vaultRecovery.shares,
                threshold: cfg.operations?.vault?.recoveryThreshold ?? p.vaultRecovery.threshold,
                pgpFingerprints: [...(cfg.operations?.vault?.pgpFingerprints ?? [])],
            },
            wazuhRetentionDays: cfg.operations?.wazuh?.retentionDays ?? p.logRetentionDays,
        },
        deletionProtection: p.deletionProtection,
        backup: { retentionDays: p.backupRetentionDays },
    };
    return deepFreeze(withCloudSection(common, cfg, gcpZones, ctx.env ?? process.env));
}

/** The cloud-specific part of the resolved configuration. */
function withCloudSection(common: CommonPlatformConfig, cfg: StackConfigInput, gcpZones: readonly string[], env: Readonly<Record<string, string | undefined>>): PlatformConfig {
    switch (cfg.cloud) {
        case "aws":
            return {
                ...common,
                cloud: "aws",
                aws: {
                    adminPrincipalArns: [...new Set(cfg.cluster?.adminPrincipalArns ?? [])],
                    ...(cfg.cluster?.deployerPrincipalArn ? { deployerPrincipalArn: cfg.cluster.deployerPrincipalArn } : {}),
                },
            };
        case "azure": {
            const [resourceGroup, name] = cfg.azureNetworkWatcher ? cfg.azureNetworkWatcher.split("/") : ["NetworkWatcherRG", `NetworkWatcher_${cfg.region}`];
            return {
                ...common,
                cloud: "azure",
                azure: { networkWatcher: { resourceGroup, name }, adminGroupObjectIds: [...new Set(cfg.cluster?.adminGroupObjectIds ?? [])],
                    sameDayRecreate: cfg.environment === "dev",
                    deployerPrincipalType: azureDeployerPrincipalType(cfg.azureDeployerPrincipalType, env),
                },
            };
        }
        case "gcp":
            return {
                ...common,
                cloud: "gcp",
                gcp: {
                    project: cfg.gcpProject ?? "",
                    controlPlaneCidr: cfg.cluster?.controlPlaneCidr ?? DEFAULT_CONTROL_PLANE_CIDR,
                    iapSshAccess: cfg.bastion.iapSshAccess ?? false,
                    zones: gcpZones,
                    ...(cfg.bastion.osLoginUser ? { osLoginUser: cfg.bastion.osLoginUser } : {}),
                    ...(cfg.cluster?.rbacSecurityGroup ? { rbacSecurityGroup: cfg.cluster.rbacSecurityGroup } : {}),
                },
            };
        default: {
            const impossible: never = cfg.cloud;
            throw new Error(`no configuration section for cloud ${String(impossible)}`);
        }
    }
}

/**
 * Turns the CLI's flat config map (`platform:key` -> string) into typed raw values: structured
 * keys JSON-parsed, integers and booleans converted as Pulumi.yaml declares them. Values that do
 * not convert stay strings, so the schema reports them with their key.
 */
export function rawFromPulumiConfig(
    all: Readonly<Record<string, string>>,
    project: string,
    keys: Readonly<Record<string, { readonly pulumiType: string }>> = CONFIG_KEYS,
    emptyMeansUnset: readonly string[] = ["namePrefix", "gcpProject", "azureNetworkWatcher", "azureDeployerPrincipalType"],
): Record<string, unknown> {
    const raw: Record<string, unknown> = {};
    for (const [fullKey, value] of Object.entries(all)) {
        if (!fullKey.startsWith(`${project}:`)) {
            continue;
        }
        const key = fullKey.slice(project.length + 1);
        const info = keys[key];
        const kind = info ? info.pulumiType : "string";
        raw[key] = convert(value, kind);
    }
    // Empty strings are Pulumi.yaml's defaults for optional scalars: "not set".
    for (const key of emptyMeansUnset) {
        if (raw[key] === "") {
            delete raw[key];
        }
    }
    return raw;
}

function convert(value: string, kind: string): unknown {
    switch (kind) {
        case "integer":
            return /^-?\d+$/.test(value) ? Number(value) : value;
        case "boolean":
            return value === "true" ? true : value === "false" ? false : value;
        case "object":
        case "array":
            try {
                return JSON.parse(value);
            } catch {
                return value;
            }
        default:
            return value;
    }
}

/** Reads the running stack's config once (the program's edge) and validates it. */
export function loadPlatformConfig(): PlatformConfig {
    const project = pulumi.getProject();
    const stack = pulumi.getStack();
    const all = pulumi.runtime.allConfig();
    const secretKeys = Object.keys(all).filter((k) => isSecretConfigKey(k));
    return parsePlatformConfig(rawFromPulumiConfig(all, project), { project, stack, secretKeys });
}

/** Whether the CLI passed a config key as a secret (runtime-internal: unchanged from SDK 3.248 to 3.276; tests/platform/layers.test.ts runs it through the runtime). */
export function isSecretConfigKey(key: string): boolean {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret?: (k: string) => boolean };
    return runtimeConfig.isConfigSecret?.(key) ?? false;
}
