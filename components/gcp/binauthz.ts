/**
 * The project's Binary Authorization policy: which container images GKE admits.
 *
 * Every image is denied unless it comes from a registry path the platform uses: Google's own
 * system images (the Google-maintained global policy,
 * cloud.google.com/binary-authorization/docs/policy-yaml-reference#globalpolicyevaluationmode),
 * the repositories of the pinned in-cluster charts (components/kubernetes/versions.ts), the
 * Jenkins agent image, and the
 * project's own Artifact Registry in the stack's region (where Jenkins pushes). Prod and
 * staging ENFORCE it (a pod with another image is refused); dev runs it as a dry run that only
 * writes audit log entries (cloudaudit.googleapis.com, "binaryauthorization"): an image the list
 * misses shows up there before it can break staging.
 *
 * The policy is one per project (a singleton). Every stack of an environment writes the same
 * content (it depends on the environment, project and region only), so dev and the ephemeral
 * environments sharing its project agree; `deletionPolicy: ABANDON` leaves it in place when one
 * of them is destroyed. One environment per project: a dev and a prod stack in one project would
 * overwrite each other's policy (README, "GCP").
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { JENKINS_AGENT_IMAGE } from "../bootstrap/versions";
import type { Environment } from "../config";

/** How the default rule is enforced per environment (Binary Authorization `enforcementMode`). */
export const BINAUTHZ_ENFORCEMENT: Readonly<Record<Environment, "ENFORCED_BLOCK_AND_AUDIT_LOG" | "DRYRUN_AUDIT_LOG_ONLY">> = {
    dev: "DRYRUN_AUDIT_LOG_ONLY",
    staging: "ENFORCED_BLOCK_AND_AUDIT_LOG",
    prod: "ENFORCED_BLOCK_AND_AUDIT_LOG",
};

/**
 * Registry paths the in-cluster charts pull from, at the versions components/kubernetes/versions.ts
 * pins (Dex is disabled): Argo CD v3.4 (quay.io/argoproj; Redis and, for prod's redis-ha, HAProxy
 * from the AWS ECR Public Gallery under both its host names, the redis exporter from
 * ghcr.io/oliver006), kube-prometheus-stack (quay.io/prometheus, quay.io/prometheus-operator,
 * kube-state-metrics from registry.k8s.io, the admission-webhook patch job from
 * ghcr.io/jkroepke/kube-webhook-certgen, Grafana from docker.io/grafana, its sidecar from
 * quay.io/kiwigrid), Seldon Core (docker.io/seldonio: the model-serving values name the registry).
 * Name patterns are `registry/path`, with a trailing `*` (no `/`) or `**` (any depth) allowed only
 * after the registry (cloud.google.com/binary-authorization/docs/reference/rest/v1/Policy#admissionwhitelistpattern).
 * A chart bump that moves an image shows up in dev's dry-run audit log first.
 */
export const CHART_IMAGE_PATTERNS = [
    "quay.io/argoproj/**",
    "ecr-public.aws.com/docker/library/redis*",
    "public.ecr.aws/docker/library/redis*",
    "ecr-public.aws.com/docker/library/haproxy*",
    "public.ecr.aws/docker/library/haproxy*",
    "ghcr.io/oliver006/redis_exporter*",
    "quay.io/prometheus/**",
    "quay.io/prometheus-operator/**",
    "quay.io/kiwigrid/**",
    "registry.k8s.io/kube-state-metrics/**",
    "ghcr.io/jkroepke/kube-webhook-certgen*",
    "docker.io/grafana/**",
    "docker.io/seldonio/**",
    // Seldon's storage initializer and prepackaged model servers are named without a registry
    // (`seldonio/rclone-storage-initializer`, `seldonio/sklearnserver`: components/kubernetes/versions.ts
    // and the chart's predictor_servers). The pattern reference describes `registry/path/to/image`
    // and says nothing of Docker Hub's implicit `docker.io/`, so the short form is admitted as
    // written too: the same images, whichever form the admission check compares.
    "seldonio/**",
] as const;

/**
 * The Jenkins agent image the controller's pod template runs in jenkins-agents
 * (components/bootstrap/versions.ts JENKINS_AGENT_IMAGE, docker.io/jenkins/inbound-agent), any tag:
 * the repository name with a trailing `*`, which matches no `/`, so not the jenkins organisation's
 * other images (only names the Jenkins project publishes that start with `inbound-agent`), in the
 * full and the short Docker Hub form, as for seldonio above. Build steps' own container images
 * come from the project's Artifact Registry.
 */
export const JENKINS_AGENT_IMAGE_PATTERNS: readonly string[] = [`${JENKINS_AGENT_IMAGE.repository}*`, `${JENKINS_AGENT_IMAGE.repository.replace(/^docker\.io\//, "")}*`];

/** The allowlist: the charts' registries, the Jenkins agent, and the project's own Artifact Registry in the region. */
export function admissionPatterns(project: string, region: string): string[] {
    return [...CHART_IMAGE_PATTERNS, ...JENKINS_AGENT_IMAGE_PATTERNS, `${region}-docker.pkg.dev/${project}/**`];
}

export interface GcpBinaryAuthorizationArgs {
    readonly project: string;
    readonly region: string;
    readonly environment: Environment;
    readonly dependsOn?: readonly pulumi.Resource[];
}

/** The project's policy (see the module doc); GKE clusters evaluate it with PROJECT_SINGLETON_POLICY_ENFORCE. */
export function binaryAuthorizationPolicy(name: string, args: GcpBinaryAuthorizationArgs, opts: pulumi.CustomResourceOptions): gcp.binaryauthorization.Policy {
    return new gcp.binaryauthorization.Policy(
        name,
        {
            project: args.project,
            description: `Platform ${args.environment}: only images from the platform's registries (managed by Pulumi)`,
            globalPolicyEvaluationMode: "ENABLE",
            admissionWhitelistPatterns: admissionPatterns(args.project, args.region).map((namePattern) => ({ namePattern })),
            defaultAdmissionRule: { evaluationMode: "ALWAYS_DENY", enforcementMode: BINAUTHZ_ENFORCEMENT[args.environment] },
            // A singleton shared by every stack of the project: destroying one stack must not reset it.
            deletionPolicy: "ABANDON",
        },
        { ...opts, dependsOn: [...(args.dependsOn ?? [])] },
    );
}
