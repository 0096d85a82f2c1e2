/**
 * The in-cluster layer's configuration (project `platform-incluster`, `incluster/Pulumi.yaml`),
 * read ONCE at that program's edge, validated and passed down typed, like the platform's.
 *
 * Two layers, two stacks (DESIGN.md, cluster access model): the platform stack creates the
 * network, bastion, cluster and tool VMs and never talks to the Kubernetes API; this layer
 * installs everything inside the cluster and reads the cluster (kubeconfig, hints, scrape
 * targets) from the platform stack's outputs through a StackReference. Its own config holds only
 * what the platform stack cannot know: the GitOps source, model serving, alert routing.
 *
 * How this run reaches the API (directly, or through a tunnel to the bastion) is a property of
 * the RUN, never of committed config: it comes from the environment variable
 * {@link KUBE_PROXY_ENV}, and the Kubernetes provider's `clusterIdentifier` keeps a changed
 * proxy from replacing anything.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { GitOpsSource } from "../kubernetes/argocd";
import type { ClusterHints } from "../kubernetes/hints";
import type { ModelServingChoice } from "../kubernetes/model-serving";
import { DEMO_MODEL_HTTPS } from "../kubernetes/versions";
import { ConfigContext, ConfigError, formatIssue, isSecretConfigKey, keyPath, plainTextSecretProblems, rawFromPulumiConfig } from "./index";
import { addonsSchema, CLOUDS, ConfigKeyInfo, ENVIRONMENTS, Environment } from "./schema";

/** The in-cluster layer's Pulumi project name (incluster/Pulumi.yaml `name`; its config namespace). */
export const INCLUSTER_PROJECT = "platform-incluster";
/** The platform layer's project name (Pulumi.yaml `name`), whose stacks this layer references. */
export const PLATFORM_PROJECT = "platform";
/** Where the in-cluster stacks' files live, relative to the repository. */
export const INCLUSTER_STACKS_DIR = "incluster/stacks";
/**
 * The run's route to the Kubernetes API, e.g. `socks5://127.0.0.1:1080` while `npm run env --
 * deploy` holds a tunnel through the bastion. Unset: the API is dialled directly (a runner inside
 * the network, or an allow-listed address for a `restricted` endpoint).
 */
export const KUBE_PROXY_ENV = "PLATFORM_KUBE_PROXY_URL";

const PROXY_URL = /^(socks5|socks5h|http|https):\/\/(127\.0\.0\.1|localhost|\[::1\]):\d{1,5}$/;

/** A stack name as `pulumi stack` accepts it: `stack`, `project/stack` or `org/project/stack`. */
const stackName = z
    .string()
    .regex(/^$|^(?:[A-Za-z0-9_.-]+\/){0,2}[A-Za-z0-9_.-]+$/, { message: "must be a stack name: <stack>, <project>/<stack> or <org>/<project>/<stack>" });

export const inClusterConfigSchema = z.strictObject({
    /** The environment profile (HA, quotas, retention). Must match the platform stack's own. */
    environment: z.enum(ENVIRONMENTS),
    /**
     * The platform stack whose cluster this stack fills. Empty (default): the platform project's
     * stack of the same name in the same organisation (`<org>/platform/<this stack>`).
     */
    platformStack: stackName.optional(),
    /** Slack incoming-webhook URL for Alertmanager. Secret: set with `pulumi config set --secret`. Empty: no receiver. */
    slackWebhookUrl: z.string().regex(/^$|^https:\/\/hooks\.slack\.com\/services\/\S+$/, { message: "must be a Slack incoming-webhook URL (https://hooks.slack.com/services/...)" }).optional(),
    /**
     * The token Prometheus reads Vault's metrics with (`sudo platform-vault setup` prints where it
     * is; policy: read sys/metrics, renew itself). Secret. Empty: no Vault scrape job.
     */
    vaultMetricsToken: z.string().regex(/^$|^hvs\.[A-Za-z0-9_-]{20,}$/, { message: "must be a Vault service token (hvs.<...>), as platform-vault setup stores it on the Vault VM" }).optional(),
    addons: addonsSchema,
});

export type InClusterConfigInput = z.infer<typeof inClusterConfigSchema>;

/** Every top-level key of the in-cluster project, as incluster/Pulumi.yaml declares it (a test keeps them in step). */
export const INCLUSTER_CONFIG_KEYS: Readonly<Record<keyof InClusterConfigInput, ConfigKeyInfo>> = {
    environment: { pulumiType: "string", hasDefault: false },
    platformStack: { pulumiType: "string", hasDefault: true },
    slackWebhookUrl: { pulumiType: "string", hasDefault: true, secret: true },
    vaultMetricsToken: { pulumiType: "string", hasDefault: true, secret: true },
    addons: { pulumiType: "object", hasDefault: false },
};

const INCLUSTER_SECRET_KEYS: readonly string[] = Object.entries(INCLUSTER_CONFIG_KEYS)
    .filter(([, info]) => info.secret === true)
    .map(([key]) => key);

/** The validated in-cluster configuration. */
export interface InClusterConfig {
    readonly project: string;
    readonly stack: string;
    readonly environment: Environment;
    /** Fully qualified: `<org>/<project>/<stack>`. */
    readonly platformStack: string;
    /** This run's route to the API ({@link KUBE_PROXY_ENV}); absent: direct. Never stored in the stack. */
    readonly proxyUrl?: string;
    /** Absent: the addons' default (dev, staging, production). */
    readonly workloadNamespaces?: readonly string[];
    readonly gitops: GitOpsSource;
    readonly modelServing: ModelServingChoice;
    /** `slack`: a webhook is configured (its value is read separately, as a secret: {@link loadInClusterSecrets}). */
    readonly alerting: { readonly slack: boolean; readonly slackChannel?: string };
}

export interface InClusterContext extends ConfigContext {
    /** The organisation the stack runs in (`pulumi.getOrganization()`), for the default platform stack name. */
    readonly organization: string;
    /** The run's environment (only {@link KUBE_PROXY_ENV} is read). */
    readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * Validates raw in-cluster config and the run's proxy setting. Pure; throws one ConfigError
 * listing every problem before anything is registered.
 */
export function parseInClusterConfig(raw: Readonly<Record<string, unknown>>, ctx: InClusterContext): InClusterConfig {
    const { project, stack } = ctx;
    const problems: string[] = [];
    const parsed = inClusterConfigSchema.safeParse(raw, { reportInput: true });
    if (!parsed.success) {
        for (const issue of parsed.error.issues) {
            problems.push(...formatIssue(project, issue, inClusterConfigSchema, INCLUSTER_SECRET_KEYS));
        }
    }
    problems.push(...plainTextSecretProblems(raw, ctx, INCLUSTER_SECRET_KEYS));
    if (parsed.success && parsed.data.addons.modelServing.demo === true && !parsed.data.addons.modelServing.demoModelSha256) {
        problems.push(
            `${keyPath(project, ["addons", "modelServing", "demoModelSha256"])}: is required when demo is true: the demo model (${DEMO_MODEL_HTTPS}) is a pickle that runs code when loaded, ` +
                "and is served only if its SHA-256 is the one pinned here; check the artifact once (curl -sL <url> | sha256sum) and set it, or set demo: false",
        );
    }
    const proxy = ctx.env[KUBE_PROXY_ENV];
    if (proxy !== undefined && proxy !== "" && !PROXY_URL.test(proxy)) {
        problems.push(
            `${KUBE_PROXY_ENV} (environment of this run): ${JSON.stringify(proxy)} is not a local proxy URL; use the tunnel's address such as socks5://127.0.0.1:1080, or unset it to dial the API directly`,
        );
    }
    if (problems.length > 0) {
        throw new ConfigError(stack, problems, `${INCLUSTER_STACKS_DIR}/Pulumi.${stack}.yaml`);
    }
    const cfg = parsed.data as InClusterConfigInput;
    return deepFreeze({
        project,
        stack,
        environment: cfg.environment,
        platformStack: qualifyStackName(cfg.platformStack || stack, ctx.organization),
        ...(proxy ? { proxyUrl: proxy } : {}),
        ...(cfg.addons.workloadNamespaces ? { workloadNamespaces: cfg.addons.workloadNamespaces } : {}),
        gitops: {
            repoUrl: cfg.addons.gitops.repoUrl,
            path: cfg.addons.gitops.path ?? "apps",
            revision: cfg.addons.gitops.revision ?? "main",
            ...(cfg.addons.gitops.signatureKeys ? { signatureKeys: cfg.addons.gitops.signatureKeys } : {}),
            ...(cfg.addons.gitops.sso ? { sso: cfg.addons.gitops.sso } : {}),
            ...(cfg.addons.gitops.accounts ? { accounts: cfg.addons.gitops.accounts } : {}),
        },
        modelServing: {
            engine: cfg.addons.modelServing.engine,
            demo: cfg.addons.modelServing.demo ?? false,
            ...(cfg.addons.modelServing.demoModelSha256 ? { demoModelSha256: cfg.addons.modelServing.demoModelSha256 } : {}),
        },
        alerting: { slack: !!cfg.slackWebhookUrl, ...(cfg.addons.alerting?.slackChannel ? { slackChannel: cfg.addons.alerting.slackChannel } : {}) },
    });
}

/** `dev-aws` -> `<org>/platform/dev-aws`; `proj/dev-aws` -> `<org>/proj/dev-aws`; fully qualified names stay. */
export function qualifyStackName(name: string, organization: string): string {
    const parts = name.split("/");
    switch (parts.length) {
        case 1:
            return `${organization}/${PLATFORM_PROJECT}/${name}`;
        case 2:
            return `${organization}/${name}`;
        default:
            return name;
    }
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

/** Reads the running in-cluster stack's config once (the program's edge) and validates it. */
export function loadInClusterConfig(env: Readonly<Record<string, string | undefined>> = process.env): InClusterConfig {
    const project = pulumi.getProject();
    const stack = pulumi.getStack();
    const all = pulumi.runtime.allConfig();
    const secretKeys = Object.keys(all).filter((k) => isSecretConfigKey(k));
    const raw = rawFromPulumiConfig(all, project, INCLUSTER_CONFIG_KEYS, ["platformStack", "slackWebhookUrl", "vaultMetricsToken"]);
    return parseInClusterConfig(raw, { project, stack, secretKeys, organization: pulumi.getOrganization(), env });
}

/** Secret values of the in-cluster layer, read at the same edge, kept out of the frozen config. */
export interface InClusterSecrets {
    /** Alertmanager's Slack webhook, a Pulumi secret; absent when not configured. */
    readonly slackWebhookUrl?: pulumi.Output<string>;
    /** Prometheus' Vault metrics token, a Pulumi secret; absent when not configured (no Vault job). */
    readonly vaultMetricsToken?: pulumi.Output<string>;
}

export function loadInClusterSecrets(): InClusterSecrets {
    const all = pulumi.runtime.allConfig();
    const slack = all[`${pulumi.getProject()}:slackWebhookUrl`];
    const vault = all[`${pulumi.getProject()}:vaultMetricsToken`];
    return { ...(slack ? { slackWebhookUrl: pulumi.secret(slack) } : {}), ...(vault ? { vaultMetricsToken: pulumi.secret(vault) } : {}) };
}

// ---------------------------------------------------------------------------------------------
// What the in-cluster layer reads from the platform stack (its other edge)
// ---------------------------------------------------------------------------------------------

const tolerationSchema = z.strictObject({
    key: z.string().optional(),
    operator: z.enum(["Equal", "Exists"]).optional(),
    value: z.string().optional(),
    effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]).optional(),
    tolerationSeconds: z.number().int().optional(),
});

/** {@link ClusterHints} as they arrive through a StackReference (plain JSON). */
export const clusterHintsSchema = z.strictObject({
    storageClass: z.string().min(1),
    storageClassSpec: z.strictObject({ provisioner: z.string().min(1), parameters: z.record(z.string(), z.string()) }).optional(),
    loadBalancerAnnotations: z.record(z.string(), z.string()),
    workloadIdentity: z
        .strictObject({
            annotationKey: z.string().min(1),
            podLabels: z.record(z.string(), z.string()).optional(),
            tokenEgress: z.array(z.strictObject({ cidr: z.string(), port: z.number().int().min(1).max(65535) })).optional(),
        })
        .optional(),
    apiServerCidrs: z.array(z.string()).optional(),
    apiEgressCidrs: z.array(z.string()).optional(),
    nodeCidrs: z.array(z.string()).optional(),
    nodePeers: z.enum(["ipBlock", "ciliumEntities"]).optional(),
    clusterMetrics: z.strictObject({ kubeProxy: z.boolean(), clusterDns: z.enum(["coreDns", "kubeDns"]) }).optional(),
    workloadTolerations: z.array(tolerationSchema).optional(),
    prEnvironments: z.strictObject({ subject: z.strictObject({ kind: z.enum(["Group", "User"]), name: z.string().min(1) }) }).optional(),
    jenkinsAgents: z.strictObject({ subject: z.strictObject({ kind: z.enum(["Group", "User"]), name: z.string().min(1) }) }).optional(),
    clusterwideDeny: z.strictObject({ engine: z.enum(["cilium"]), denyCidrs: z.array(z.string()) }).optional(),
    clusterAutoscaler: z
        .strictObject({
            cloudProvider: z.enum(["aws"]),
            clusterName: z.string().min(1),
            region: z.string().min(1),
            kubernetesVersion: z.string().regex(/^1\.\d{2}$/),
            serviceAccount: z.strictObject({ namespace: z.string().min(1), name: z.string().min(1), annotations: z.record(z.string(), z.string()) }),
            placement: z.strictObject({ nodeSelector: z.record(z.string(), z.string()), tolerations: z.array(tolerationSchema) }),
            cloudApiEgress: z.array(z.strictObject({ cidr: z.string().min(1), port: z.number().int().min(1).max(65535) })),
        })
        .optional(),
});

// Compile-time proof that what the schema accepts is a ClusterHints (a hint added there must be added here).
const _hintsCompatible: (h: z.infer<typeof clusterHintsSchema>) => ClusterHints = (h) => h;
void _hintsCompatible;

/** The platform stack outputs this layer consumes (the platform exports more; extra keys are ignored). */
export const platformStackOutputsSchema = z.object({
    cloud: z.enum(CLOUDS),
    environment: z.enum(ENVIRONMENTS),
    clusterName: z.string().min(1),
    /** The cluster's cloud resource id: the Kubernetes provider's `clusterIdentifier`. */
    clusterResourceId: z.string().min(1),
    clusterEndpointAccess: z.enum(["restricted", "private"]),
    clusterKubeconfig: z.string().min(1),
    clusterHints: clusterHintsSchema,
    bastionPrivateIp: z.string().min(1),
    toolVms: z.record(z.enum(["jenkins", "vault", "wazuh"]), z.object({ privateIp: z.string().min(1) })),
    /** The platform CA (PEM): the VMs' node_exporter serves TLS with its certificates. */
    internalCaCertPem: z.string().regex(/^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n?$/, "is not a PEM certificate"),
});

export type PlatformStackOutputs = z.infer<typeof platformStackOutputsSchema>;
/** The output names this layer reads, in a stable order. */
export const PLATFORM_OUTPUT_KEYS = Object.keys(platformStackOutputsSchema.shape) as (keyof PlatformStackOutputs)[];

/** The platform stack's outputs failed validation: which stack, which output, and what to do. */
export class PlatformStackError extends Error {
    constructor(
        readonly platformStack: string,
        readonly problems: readonly string[],
    ) {
        super(
            `The platform stack "${platformStack}" does not provide what the in-cluster layer needs (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
                problems.map((p) => `  - ${p}`).join("\n") +
                `\nRun \`pulumi up\` on the platform stack first (\`npm run env -- deploy\` does both layers in order), or point ${INCLUSTER_PROJECT}:platformStack at the right stack; nothing was created.`,
        );
        this.name = "PlatformStackError";
    }
}

/**
 * Validates the referenced stack's outputs and that both layers agree on the environment.
 * `outputs` holds plain values (secrets already unwrapped by the caller).
 */
export function parsePlatformStackOutputs(outputs: Readonly<Record<string, unknown>>, config: Pick<InClusterConfig, "platformStack" | "environment" | "project">): PlatformStackOutputs {
    const parsed = platformStackOutputsSchema.safeParse(outputs);
    const problems: string[] = [];
    if (!parsed.success) {
        for (const issue of parsed.error.issues) {
            const where = `output ${issue.path.map(String).join(".")}`;
            const missing = issue.code === "invalid_type" && issue.path.length === 1 && outputs[String(issue.path[0])] === undefined;
            problems.push(missing ? `${where}: is missing (the platform stack has not been deployed, or predates this layer)` : `${where}: ${issue.message}`);
        }
    } else if (parsed.data.environment !== config.environment) {
        problems.push(
            `${keyPath(config.project, ["environment"])}: "${config.environment}" but the platform stack is "${parsed.data.environment}"; both layers of one environment must use the same profile`,
        );
    }
    if (problems.length > 0) {
        throw new PlatformStackError(config.platformStack, problems);
    }
    return parsed.data!;
}
