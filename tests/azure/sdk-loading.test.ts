/**
 * azure-native is imported per module and loaded only for Azure stacks: no top-level import
 * anywhere, no import outside the Azure builder, and an AWS stack run in a fresh process never
 * loads it (while an Azure run does, and only the modules it uses).
 */
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../../offline/engine";

function sources(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) {
            return e.name === "node_modules" ? [] : sources(p);
        }
        return e.name.endsWith(".ts") ? [p] : [];
    });
}

/** The azure-native modules a fresh process has loaded after running `stack` offline (and the top-level index, if it was). */
function loadedAzureModules(stack: string): string[] {
    const script = `
        const { runStack } = require("./offline/engine");
        runStack(${JSON.stringify(stack)}).then(() => {
            const mods = Object.keys(require.cache)
                .map((f) => /node_modules\\/@pulumi\\/azure-native\\/([^/]+)\\/index\\.js$/.exec(f)?.[1])
                .filter(Boolean);
            const top = Object.keys(require.cache).some((f) => /node_modules\\/@pulumi\\/azure-native\\/index\\.js$/.test(f));
            process.stdout.write(JSON.stringify(top ? ["(top-level index)", ...new Set(mods)].sort() : [...new Set(mods)].sort()));
        }, (e) => { console.error(e); process.exit(1); });`;
    const out = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], { cwd: ROOT, encoding: "utf8", env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" }, stdio: ["ignore", "pipe", "ignore"] });
    return JSON.parse(out) as string[];
}

describe("azure: SDK loading", function () {
    this.timeout(120_000);

    it("only components/azure imports azure-native, always per module (never the top-level package)", () => {
        const offenders: string[] = [];
        for (const file of ["components", "index.ts", "automation"].flatMap((p) => (p.endsWith(".ts") ? [path.join(ROOT, p)] : sources(path.join(ROOT, p))))) {
            const text = fs.readFileSync(file, "utf8");
            const imports = [...text.matchAll(/from "(@pulumi\/azure-native[^"]*)"/g)].map((m) => m[1]);
            const rel = path.relative(ROOT, file);
            for (const spec of imports) {
                if (spec === "@pulumi/azure-native" || !rel.startsWith(`components${path.sep}azure${path.sep}`)) {
                    offenders.push(`${rel}: ${spec}`);
                }
            }
        }
        assert.deepEqual(offenders, []);
    });

    it("an AWS stack never loads azure-native; an Azure stack loads only the modules it uses", () => {
        assert.deepEqual(loadedAzureModules("dev-aws"), []);
        assert.deepEqual(loadedAzureModules("prod-azure"), [
            "authorization",
            "compute",
            "containerservice",
            "keyvault",
            "managedidentity",
            "monitor",
            "network",
            "operationalinsights",
            "privatedns",
            "recoveryservices",
            "resources",
            "storage",
        ]);
    });
});
