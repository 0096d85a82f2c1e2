/**
 * The policy pack every orchestrated preview and up enforces, with the environment's config.
 */
import * as fs from "fs";
import * as path from "path";

import { UsageError } from "./names";

/** Absolute policy pack path and its config for an environment; checked before anything runs. */
export function policyPackFor(projectDir: string, env: string): { pack: string; config: string } {
    const pack = path.join(projectDir, "policy-pack");
    const config = path.join(pack, "config", `${env}.json`);
    for (const p of [pack, config]) {
        if (!fs.existsSync(p)) {
            throw new UsageError(`${path.relative(projectDir, p)} not found: every preview and up enforces the policy pack.`);
        }
    }
    return { pack, config };
}
