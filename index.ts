/**
 * Entry point of the PLATFORM layer (project `platform`): network, bastion, cluster, tool VMs.
 * The Pulumi runtime calls the exported function; so does the offline engine (offline/engine.ts),
 * which is why nothing here runs at import time. The in-cluster platform is the second layer,
 * its own project in incluster/, reading this stack's outputs.
 *
 * config (read once, validated) -> Platform -> stack outputs.
 */
import { loadPlatformConfig } from "./components/config";
import { Platform } from "./components/platform";

export = async (): Promise<Record<string, unknown>> => {
    // Throws one ConfigError listing every problem before any resource is registered.
    const config = loadPlatformConfig();
    const platform = new Platform("platform", { config });
    return { ...(await platform.outputs) };
};
