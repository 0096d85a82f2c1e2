/**
 * Entry point. The Pulumi runtime calls the exported function; so does the offline engine
 * (offline/engine.ts), which is why nothing here runs at import time.
 *
 * config (read once, validated) -> Platform -> stack outputs.
 */
import { loadPlatformConfig, loadPlatformSecrets } from "./components/config";
import { Platform } from "./components/platform";

export = async (): Promise<Record<string, unknown>> => {
    // Throws one ConfigError listing every problem before any resource is registered.
    const config = loadPlatformConfig();
    const platform = new Platform("platform", { config, secrets: loadPlatformSecrets() });
    return { ...(await platform.outputs) };
};
