/**
 * The stack configuration's schema: what a user may write in `stacks/Pulumi.<stack>.yaml`.
 *
 * Pulumi.yaml declares every top-level key with the type the CLI checks (structured keys as
 * `type: object`, whose fields are typed here).
 * `CONFIG_KEYS` is the single list of top-level keys; tests/config/pulumi-yaml.test.ts keeps
 * Pulumi.yaml in step with it.
 */
import { z } from "zod";
import { cidrProblem, isWorldCidr, parseCidr } from "./cidr";

export const CLOUDS = ["aws", "azure", "gcp"] as const;
export type Cloud = (typeof CLOUDS)[number];
export const ENVIRONMENTS = ["dev", "staging", "prod"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** Retention values CloudWatch Logs accepts (anything else fails at `pulumi up`). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** A CIDR block (IPv4 or IPv6) written canonically. */
const cidr = z.string().superRefine((value, ctx) => {
    const problem = cidrProblem(value);
    if (problem) {
        ctx.addIssue({ code: "custom", message: `${JSON.stringify(value)} ${problem}` });
    }
});

/** Narrowest prefix an allowlist entry may be wider than: a /8 is already 16M addresses. */
const MAX_ALLOWLIST_WIDTH = { 4: 8, 6: 32 } as const;

/** A CIDR that grants access to something: never the world, never absurdly wide. */
const allowlistCidr = cidr.superRefine((value, ctx) => {
    if (cidrProblem(value)) {
        return; // already reported by `cidr`
    }
    if (isWorldCidr(value)) {
        ctx.addIssue({
            code: "custom",
            message: `${JSON.stringify(value)} opens access to the whole internet; list the specific CIDRs (office, VPN or CI egress) that need it`,
        });
        return;
    }
    const parsed = parseCidr(value);
    const limit = MAX_ALLOWLIST_WIDTH[parsed.version];
    if (parsed.prefix < limit) {
        ctx.addIssue({
            code: "custom",
            message: `${JSON.stringify(value)} is wider than /${limit}; list narrower ranges that really need access`,
        });
    }
});

const positiveInt = z.number().int();

/** An IAM role or user ARN (access entries take these, never an STS session ARN). */
const iamPrincipalArn = z.string().regex(/^arn:aws(-cn|-us-gov)?:iam::\d{12}:(role|user)\/[A-Za-z0-9+=,.@_/-]{1,512}$/, {
    message: "must be an IAM role or user ARN such as arn:aws:iam::123456789012:role/platform-admins (not an assumed-role session ARN)",
});

const nodePool = z.strictObject({
    /** Instance / VM size; default from the environment profile. */
    instanceType: z.string().min(1).optional(),
    minSize: positiveInt.min(0).optional(),
    maxSize: positiveInt.min(1).max(100).optional(),
    desiredSize: positiveInt.min(0).optional(),
    diskSizeGb: positiveInt.min(20).max(2000).optional(),
});

const subnetList = z.array(cidr).min(1);

export const networkSchema = z.strictObject({
    /** The private network's block: an RFC 1918 / RFC 6598 IPv4 /16 to /20. */
    cidr: cidr.optional(),
    /** Availability zones to span (2-4). Default: dev 2, staging and prod 3. */
    zones: positiveInt.min(2).max(4).optional(),
    /** NAT for private subnets' egress. Default: dev/staging single, prod perZone. */
    natStrategy: z.enum(["none", "single", "perZone"]).optional(),
    /** Interface + gateway endpoints for cloud APIs. Default: on outside dev. */
    privateEndpoints: z.boolean().optional(),
    flowLogs: z
        .strictObject({
            enabled: z.boolean().optional(),
            retentionDays: z
                .number()
                .refine((v) => (LOG_RETENTION_DAYS as readonly number[]).includes(v), {
                    message: `must be one of ${LOG_RETENTION_DAYS.join(", ")}`,
                })
                .optional(),
        })
        .optional(),
    /** Explicit subnets per tier, one per zone, instead of the planner's layout. */
    subnets: z.strictObject({ public: subnetList, nodes: subnetList, tools: subnetList }).optional(),
});

export const bastionSchema = z.strictObject({
    /** Who may SSH to the bastion. Required, non-empty (checked with a specific message), never the world. */
    allowedCidrs: z.array(allowlistCidr),
    instanceType: z.string().min(1).optional(),
    /** GCP only: also allow SSH from Identity-Aware Proxy's range (35.235.240.0/20), for `gcloud compute ssh --tunnel-through-iap`. */
    iapSshAccess: z.boolean().optional(),
});

export const clusterSchema = z.strictObject({
    /** Kubernetes minor version, e.g. "1.34". */
    version: z
        .string()
        .regex(/^1\.\d{2}$/, { message: "must be a Kubernetes minor version such as \"1.34\"" })
        .optional(),
    /** `restricted` (public endpoint limited to authorizedCidrs) or `private` (no public endpoint). */
    endpointAccess: z.enum(["restricted", "private"]).optional(),
    /** Who may reach a `restricted` API endpoint. */
    authorizedCidrs: z.array(allowlistCidr).optional(),
    /** Kubernetes Service range; must not overlap the network. */
    serviceCidr: cidr.optional(),
    /** Pod range for overlay CNIs (AKS, GKE); must not overlap the network. */
    podCidr: cidr.optional(),
    nodePools: z.strictObject({ system: nodePool.optional(), workload: nodePool.optional() }).optional(),
    /**
     * IAM roles or users (full ARNs) that get cluster-admin through an EKS access entry, besides
     * the principal running `pulumi up`. Default none: break-glass admins are a deliberate list.
     */
    adminPrincipalArns: z.array(iamPrincipalArn).optional(),
    /** Azure only: Entra ID group object ids that get cluster-admin through Azure RBAC. */
    adminGroupObjectIds: z
        .array(z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, { message: "must be an Entra ID object id (a lowercase GUID)" }))
        .optional(),
    /** GCP only: the /28 the private control plane lives in; must not overlap the network or the pod/service ranges. */
    controlPlaneCidr: cidr.optional(),
    /**
     * The CI identity that creates per-pull-request namespaces on this (shared dev) cluster
     * (`npm run env -- up --scope namespace`): AWS an IAM role ARN, Azure the service principal's
     * Entra object id, GCP a service account e-mail. It may only manage `pr-<n>` namespaces and
     * their Argo CD project and application (components/kubernetes/pr-environments.ts).
     * Default none: namespace-scope environments are off.
     */
    prAutomationPrincipal: z.string().min(1).optional(),
});

/** A DNS-1123 label: what a Kubernetes namespace name must be. */
const namespaceName = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, { message: "must be a DNS-1123 label (lowercase a-z, 0-9 and -, at most 63 characters)" });

export const addonsSchema = z.strictObject({
    /** Namespaces for team workloads (restricted Pod Security, quotas). Default dev, staging, production. */
    workloadNamespaces: z.array(namespaceName).min(1).optional(),
    /** The config repository Argo CD's app of apps tracks. */
    gitops: z.strictObject({
        repoUrl: z.string().regex(/^(https:\/\/|ssh:\/\/|git@)\S+$/, { message: "must be an https://, ssh:// or git@ repository URL" }),
        path: z.string().regex(/^(?!\/)(?!.*\.\.)[A-Za-z0-9._/-]+$/, { message: "must be a relative path inside the repository (no leading / and no ..)" }).optional(),
        revision: z.string().min(1).optional(),
    }),
    /** Model serving: the engine is an explicit choice (Seldon Core is BSL-licensed, see README). */
    modelServing: z.strictObject({ engine: z.enum(["seldon-core"]), demo: z.boolean().optional() }),
    /** Slack channel for alerts (the webhook URL is the secret key `slackWebhookUrl`). */
    alerting: z.strictObject({ slackChannel: z.string().regex(/^#[a-z0-9._-]{1,80}$/, { message: "must be a channel name such as #platform-alerts" }).optional() }).optional(),
});

const tagKey = /^[a-z][a-z0-9_-]{0,62}$/;

/** The whole stack configuration (project namespace), before environment defaults. */
export const stackConfigSchema = z.strictObject({
    cloud: z.enum(CLOUDS),
    environment: z.enum(ENVIRONMENTS),
    region: z.string().min(1),
    owner: z.string().regex(/^[a-z0-9][a-z0-9._@-]{1,62}$/, { message: "must be a lowercase team or e-mail handle (a-z, 0-9, . _ @ -), 2-63 characters" }),
    costCenter: z.string().regex(/^[a-z0-9][a-z0-9_-]{1,62}$/, { message: "must be lowercase a-z, 0-9, _ or -, 2-63 characters" }),
    namePrefix: z
        .string()
        .regex(/^$|^[a-z][a-z0-9-]{2,26}[a-z0-9]$/, { message: "must be empty (derived) or 4-28 characters of a-z, 0-9 and -, starting with a letter" })
        .optional(),
    /** GCP only: the project id everything is created in. */
    gcpProject: z.string().regex(/^$|^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, { message: "must be a GCP project id (6-30 characters: a-z, 0-9 and -, starting with a letter)" }).optional(),
    /**
     * Azure only: the subscription's existing Network Watcher for this region, as
     * `<resourceGroup>/<name>`. Empty: Azure's default `NetworkWatcherRG/NetworkWatcher_<location>`.
     * There is one per subscription and region: the platform references it and never creates one.
     */
    azureNetworkWatcher: z.string().regex(/^$|^[A-Za-z0-9._()-]{1,90}\/[A-Za-z0-9._-]{1,80}$/, { message: "must be <resourceGroup>/<name>, e.g. NetworkWatcherRG/NetworkWatcher_westeurope" }).optional(),
    /**
     * Azure only: what kind of Entra principal runs `pulumi up` (its role assignments must name
     * the type: ARM refuses a mismatch with UnmatchedPrincipalType, and azure-native sends "User"
     * when none is given). Empty: "ServicePrincipal" when the provider signs in as one (ARM_CLIENT_ID
     * or ARM_USE_MSI in the environment, as CI's OIDC login sets), otherwise "User" (az login).
     */
    azureDeployerPrincipalType: z.string().regex(/^$|^(User|ServicePrincipal)$/, { message: "must be User or ServicePrincipal (or empty: derived from ARM_CLIENT_ID / ARM_USE_MSI)" }).optional(),
    network: networkSchema.optional(),
    bastion: bastionSchema,
    cluster: clusterSchema.optional(),
    tags: z.record(z.string().regex(tagKey, { message: "must be lowercase a-z, 0-9, _ or -, starting with a letter (at most 63 characters)" }), z.string().max(256)).optional(),
});

export type StackConfigInput = z.infer<typeof stackConfigSchema>;

/** How a top-level key is typed in Pulumi.yaml (`object`: structured, its fields typed by this schema). */
export type PulumiConfigType = "string" | "integer" | "boolean" | "array" | "object";

export interface ConfigKeyInfo {
    readonly pulumiType: PulumiConfigType;
    /** Whether Pulumi.yaml gives a default (so stacks may omit it). */
    readonly hasDefault: boolean;
    /** Must be stored encrypted (`pulumi config set --secret`); never echoed in messages. */
    readonly secret?: boolean;
}

/** Every top-level key, with how Pulumi.yaml declares it. Kept in step by a test. */
export const CONFIG_KEYS: Readonly<Record<keyof StackConfigInput, ConfigKeyInfo>> = {
    cloud: { pulumiType: "string", hasDefault: false },
    environment: { pulumiType: "string", hasDefault: false },
    region: { pulumiType: "string", hasDefault: false },
    owner: { pulumiType: "string", hasDefault: false },
    costCenter: { pulumiType: "string", hasDefault: false },
    namePrefix: { pulumiType: "string", hasDefault: true },
    gcpProject: { pulumiType: "string", hasDefault: true },
    azureNetworkWatcher: { pulumiType: "string", hasDefault: true },
    azureDeployerPrincipalType: { pulumiType: "string", hasDefault: true },
    network: { pulumiType: "object", hasDefault: true },
    bastion: { pulumiType: "object", hasDefault: false },
    cluster: { pulumiType: "object", hasDefault: true },
    tags: { pulumiType: "object", hasDefault: true },
};

/** Allowed keys of the object schema found at `path` (for "unknown key" messages). */
export function allowedKeysAt(path: readonly PropertyKey[], root: z.ZodType = stackConfigSchema): string[] {
    let schema: z.ZodType = root;
    for (const part of path) {
        schema = unwrap(schema);
        if (schema instanceof z.ZodObject) {
            schema = (schema.shape as Record<string, z.ZodType>)[String(part)];
        } else if (schema instanceof z.ZodArray) {
            schema = schema.element as z.ZodType;
        } else {
            return [];
        }
        if (!schema) {
            return [];
        }
    }
    schema = unwrap(schema);
    return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function unwrap(schema: z.ZodType): z.ZodType {
    let s: z.ZodType = schema;
    while (s instanceof z.ZodOptional) {
        s = s.unwrap() as z.ZodType;
    }
    return s;
}
