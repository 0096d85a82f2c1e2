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

/**
 * An IAM role or user ARN, as an EKS access entry takes it: never an STS session ARN, and never a
 * service-linked role (`role/aws-service-role/...`), which access entries do not support
 * (docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html). A role ARN may
 * include a path (same page).
 */
const iamPrincipalArn = z
    .string()
    .regex(/^arn:aws(-cn|-us-gov)?:iam::\d{12}:(role|user)\/[A-Za-z0-9+=,.@_/-]{1,512}$/, {
        message: "must be an IAM role or user ARN such as arn:aws:iam::123456789012:role/platform-admins (not an assumed-role session ARN)",
    })
    .refine((arn) => !/:role\/aws-service-role\//.test(arn), { message: "is a service-linked role, which EKS access entries do not support; name an ordinary IAM role" });

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
    /**
     * GCP only: the zones, by name (e.g. ["europe-west1-b", "europe-west1-c"]), each a zone of the
     * region in components/config/regions.ts. Default: the first `zones` zones of the region in
     * that table. Fixed by config, never read from the cloud's live zone status: a zone that is
     * briefly down must not move disks and instances.
     */
    zoneNames: z.array(z.string().regex(/^[a-z]+-[a-z]+\d+-[a-z]$/, { message: "must be a GCP zone name such as \"europe-west1-b\"" })).optional(),
});

/** A POSIX login name as useradd accepts it (NAME_REGEX of Debian's adduser.conf, at most 32). */
export const LOGIN_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;
/** One OpenSSH public key line: type, base64 blob, optional comment (checked further in operators.ts). */
export const SSH_PUBLIC_KEY_LINE = /^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-rsa|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+=*( [\x20-\x7e]*)?$/;

/** A named operator: an account on every VM, keys only (components/bootstrap OperatorAccount). */
export const operatorSchema = z.strictObject({
    name: z.string().regex(LOGIN_NAME, { message: "must be a login name: a-z, 0-9, _ and -, starting with a letter or _, at most 32 characters" }),
    sshPublicKeys: z
        .array(z.string().regex(SSH_PUBLIC_KEY_LINE, { message: 'must be one OpenSSH public key line, e.g. "ssh-ed25519 AAAA... you@laptop" (the contents of your .pub file)' }))
        .min(1),
    /** Passwordless sudo on the tool VMs (never on the bastion). Default false. */
    sudo: z.boolean().optional(),
});

export const WEEKDAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;

/** When and how the VMs are operated (components/bootstrap BootstrapOperations); defaults from the profile. */
export const operationsSchema = z.strictObject({
    /** The maintenance reboot window (UTC): updates install daily, a reboot they need waits for it. */
    patching: z
        .strictObject({
            rebootDays: z.array(z.enum(WEEKDAY_NAMES)).min(1).optional(),
            rebootTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'must be a time of day "HH:MM" (UTC), e.g. "03:30"' }).optional(),
        })
        .optional(),
    /** Vault's recovery keys: shares, threshold and the operators' OpenPGP keys they are encrypted to. */
    vault: z
        .strictObject({
            recoveryShares: z.number().int().min(1).max(255).optional(),
            recoveryThreshold: z.number().int().min(1).max(255).optional(),
            pgpFingerprints: z
                .array(z.string().regex(/^[0-9A-F]{40}$/, { message: "must be a full OpenPGP v4 fingerprint: 40 uppercase hex digits, no spaces (gpg --with-colons --fingerprint, field 10 of the fpr line)" }))
                .optional(),
        })
        .optional(),
    /** Days the Wazuh indexer keeps its indices. Default: the profile's log retention. */
    wazuh: z.strictObject({ retentionDays: z.number().int().min(1).max(3650).optional() }).optional(),
});

export const bastionSchema = z.strictObject({
    /** Who may SSH to the bastion. Required, non-empty (checked with a specific message), never the world. */
    allowedCidrs: z.array(allowlistCidr),
    /**
     * The people who operate the platform: one account each on every VM (the bastion without
     * sudo), keys in root-owned files. Required in staging and prod (the profile): with them, the
     * cloud's shared default key may only forward (automation's tunnels).
     */
    users: z.array(operatorSchema).optional(),
    instanceType: z.string().min(1).optional(),
    /** GCP only: also allow SSH from Identity-Aware Proxy's range (35.235.240.0/20), for `gcloud compute ssh --tunnel-through-iap`. */
    iapSshAccess: z.boolean().optional(),
    /**
     * GCP only: the OS Login POSIX user name of the identity running `pulumi up`, when it differs
     * from the default Google derives from the e-mail (users outside the organisation get an
     * `ext_` prefix; an organisation may set custom names). Read yours with
     * `gcloud compute os-login describe-profile --format='value(posixAccounts[0].username)'`.
     * At most 32 characters, the Linux limit (useradd(8): "Usernames may only be up to 32 characters long").
     */
    osLoginUser: z.string().regex(/^[a-z_][a-z0-9_.-]{0,31}$/, { message: "must be a POSIX user name (a-z, 0-9, _ . -, starting with a letter or _, at most 32 characters)" }).optional(),
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
    /**
     * AWS only: the IAM role (or user) that runs `pulumi up` for this stack (a CI role, a
     * platform-admins role): it gets the cluster-admin access entry the deployment itself needs.
     * Stable on purpose: whoever runs the update, the entry stays the same, so a person and CI
     * taking turns never replace (and for a moment remove) the admin entry. Default: the
     * identity running the first `pulumi up`, with a warning to set it.
     */
    deployerPrincipalArn: iamPrincipalArn.optional(),
    /** Azure only: Entra ID group object ids that get cluster-admin through Azure RBAC. */
    adminGroupObjectIds: z
        .array(z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, { message: "must be an Entra ID object id (a lowercase GUID)" }))
        .optional(),
    /** GCP only: the /28 the private control plane lives in; must not overlap the network or the pod/service ranges. */
    controlPlaneCidr: cidr.optional(),
    /**
     * GCP only: the Google Group that nests the groups used as Kubernetes RBAC subjects (Google
     * Groups for RBAC). GKE requires the name gke-security-groups@<your domain>
     * (cloud.google.com/kubernetes-engine/docs/how-to/google-groups-rbac). Default: none.
     */
    rbacSecurityGroup: z.string().regex(/^gke-security-groups@[a-z0-9.-]+\.[a-z]{2,}$/, { message: "must be gke-security-groups@<your domain> (the only name GKE accepts for Google Groups for RBAC)" }).optional(),
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
        /** GnuPG public keys (ASCII armored) by long key id: Argo CD syncs only commits signed by one of them. */
        signatureKeys: z
            .record(
                z.string().regex(/^[0-9A-F]{16}$/, { message: "must be a 16-hex-digit GnuPG key id in upper case (gpg --list-keys --keyid-format long)" }),
                z.string().regex(/-----BEGIN PGP PUBLIC KEY BLOCK-----/, { message: "must be an ASCII-armored public key (gpg --export --armor <id>)" }),
            )
            .optional(),
        /** OIDC single sign-on for Argo CD (PKCE, no client secret); disables the local admin. */
        sso: z
            .strictObject({
                url: z.string().regex(/^https:\/\/\S+$/, { message: "must be the https:// URL users open Argo CD at" }),
                issuer: z.string().regex(/^https:\/\/\S+$/, { message: "must be the https:// OIDC issuer URL" }),
                clientId: z.string().min(1),
                adminGroups: z.array(z.string().min(1)).min(1, { message: "name at least one group: with SSO the local admin is disabled" }),
                readonlyGroups: z.array(z.string().min(1)).optional(),
            })
            .optional(),
        /** Named Argo CD accounts (login only) and their built-in role, instead of a shared admin. */
        accounts: z
            .record(
                z.string().regex(/^(?!admin$)[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/, { message: 'must be a lower-case name of at most 32 characters (letters, digits, "-"), not "admin"' }),
                z.enum(["admin", "readonly"]),
            )
            .optional(),
    }),
    /** Model serving: the engine is an explicit choice (Seldon Core is BSL-licensed, see README). */
    modelServing: z.strictObject({
        engine: z.enum(["seldon-core"]),
        demo: z.boolean().optional(),
        /** SHA-256 of the demo model artifact (required with demo: the initializer refuses anything else). */
        demoModelSha256: z.string().regex(/^[0-9a-f]{64}$/, { message: "must be the artifact's SHA-256, 64 lowercase hex digits (curl -sL <url> | sha256sum)" }).optional(),
    }),
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
    operations: operationsSchema.optional(),
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
    operations: { pulumiType: "object", hasDefault: true },
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
