/**
 * Kubeconfig helpers, cloud-neutral (every cluster component renders a kubeconfig; only the
 * exec-credential part differs).
 */
import * as YAML from "yaml";

interface KubeconfigDoc {
    clusters?: { name: string; cluster: Record<string, unknown> }[];
    [key: string]: unknown;
}

/**
 * The same kubeconfig with `proxy-url` on every cluster entry, so client-go (and the Pulumi
 * Kubernetes provider) reach a private API through the bastion tunnel, e.g.
 * `socks5://127.0.0.1:1080`. Without a proxy the document is returned unchanged.
 */
export function withProxyUrl(kubeconfig: string, proxyUrl: string | undefined): string {
    if (!proxyUrl) {
        return kubeconfig;
    }
    const doc = YAML.parse(kubeconfig) as KubeconfigDoc;
    if (!Array.isArray(doc?.clusters) || doc.clusters.length === 0) {
        throw new Error("kubeconfig has no clusters to route through the proxy");
    }
    for (const entry of doc.clusters) {
        entry.cluster = { ...entry.cluster, "proxy-url": proxyUrl };
    }
    return JSON.stringify(doc, null, 2);
}
