/**
 * The in-cluster layer's program (project `platform-incluster`, entry incluster/index.ts).
 *
 * config (read once, validated) -> the platform stack's outputs (StackReference, validated) ->
 * one Kubernetes provider -> Addons -> stack outputs. Nothing here runs at import time: the
 * Pulumi runtime calls {@link inClusterProgram}, and so does the offline engine.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ToolVmRole } from "../contracts";
import {
    InClusterConfig,
    InClusterSecrets,
    KUBE_PROXY_ENV,
    loadInClusterConfig,
    loadInClusterSecrets,
    parsePlatformStackOutputs,
    PLATFORM_OUTPUT_KEYS,
    PlatformStackOutputs,
} from "../config/incluster";
import { toolVmGrantPorts } from "../flows";
import { Addons } from "./addons";
import type { ToolVmGrants } from "./baseline";
import { withProxyUrl } from "./kubeconfig";
import type { ScrapeTarget } from "./monitoring";

/** Reads and validates the platform stack outputs this layer needs (secrets unwrapped; callers re-wrap). */
export async function readPlatformStack(ref: pulumi.StackReference, config: Pick<InClusterConfig, "platformStack" | "environment" | "project">): Promise<PlatformStackOutputs> {
    const values: Record<string, unknown> = {};
    for (const key of PLATFORM_OUTPUT_KEYS) {
        const details = await ref.getOutputDetails(key);
        values[key] = details.value ?? details.secretValue;
    }
    return parsePlatformStackOutputs(values, config);
}

/** node_exporter on every VM the platform runs (bastion and tool VMs), by private address. */
export function scrapeTargetsOf(platform: Pick<PlatformStackOutputs, "bastionPrivateIp" | "toolVms">): ScrapeTarget[] {
    const roles = Object.keys(platform.toolVms).sort() as ToolVmRole[];
    return [{ role: "bastion", address: platform.bastionPrivateIp }, ...roles.map((role) => ({ role, address: platform.toolVms[role]!.privateIp }))];
}

/** The tool VMs pods may be granted by label, at the addresses the platform stack exports and the contract's ports. */
export function toolVmGrantsOf(platform: Pick<PlatformStackOutputs, "toolVms">): ToolVmGrants {
    const ports = toolVmGrantPorts();
    const vm = (role: "vault" | "jenkins") => (platform.toolVms[role] ? { address: platform.toolVms[role]!.privateIp, port: ports[role] } : undefined);
    return { ...(vm("vault") ? { vault: vm("vault") } : {}), ...(vm("jenkins") ? { jenkins: vm("jenkins") } : {}) };
}

/** The Kubernetes provider for this run: the platform's kubeconfig, the run's route, a stable identity. */
export function clusterProvider(platform: PlatformStackOutputs, config: Pick<InClusterConfig, "proxyUrl">): k8s.Provider {
    return new k8s.Provider("cluster", {
        // A changed route (tunnel or not) changes the kubeconfig; `clusterIdentifier` makes that an
        // update of the provider, never a replacement of it and of every object it manages.
        kubeconfig: pulumi.secret(withProxyUrl(platform.clusterKubeconfig, config.proxyUrl)),
        clusterIdentifier: platform.clusterResourceId,
        enableServerSideApply: true,
    });
}

/** Builds the in-cluster platform for a validated config; returns the stack outputs. */
export async function buildInCluster(config: InClusterConfig, secrets: InClusterSecrets): Promise<Record<string, unknown>> {
    const ref = new pulumi.StackReference("platform", { name: config.platformStack });
    const platform = await readPlatformStack(ref, config);
    if (platform.clusterEndpointAccess === "private" && !config.proxyUrl) {
        await pulumi.log.info(
            `${platform.clusterName} has a private API endpoint and ${KUBE_PROXY_ENV} is unset: this run must be inside the network. ` +
                `From anywhere else use \`npm run env -- deploy --stack ${config.stack}\`, which opens the tunnel through the bastion (docs/automation.md).`,
        );
    }
    const provider = clusterProvider(platform, config);
    const addons = new Addons("addons", {
        provider,
        environment: config.environment,
        hints: platform.clusterHints,
        workloadNamespaces: config.workloadNamespaces,
        gitops: config.gitops,
        alerting: { slackWebhookUrl: secrets.slackWebhookUrl, slackChannel: config.alerting.slackChannel },
        scrapeTargets: scrapeTargetsOf(platform),
        // node_exporter on the VMs serves TLS with certificates of the platform CA.
        internalCaCertPem: platform.internalCaCertPem,
        toolVmGrants: toolVmGrantsOf(platform),
        ...(secrets.vaultMetricsToken && platform.toolVms.vault ? { vaultMetrics: { address: platform.toolVms.vault.privateIp, token: secrets.vaultMetricsToken } } : {}),
        modelServing: config.modelServing,
    });
    return {
        platformStack: config.platformStack,
        clusterName: platform.clusterName,
        argocdAdminPassword: addons.argocdAdminPassword,
        grafanaAdminPassword: addons.grafanaAdminPassword,
        addonEndpoints: addons.endpoints,
    };
}

/** The program the Pulumi runtime (and the offline engine) runs for an in-cluster stack. */
export async function inClusterProgram(): Promise<Record<string, unknown>> {
    // Throws one ConfigError listing every problem before anything is registered.
    const config = loadInClusterConfig();
    return buildInCluster(config, loadInClusterSecrets());
}
