/**
 * Pure rendering: typed params -> `#cloud-config` text. No Pulumi here, so it is trivially
 * testable; `output.ts` wraps it for Outputs.
 */
import { gzipSync } from "node:zlib";
import { stringify } from "yaml";
import { BOOTSTRAP_LIB, BOOTSTRAP_LIB_DIR, BOOTSTRAP_RUNNER, renderLib } from "./shell";
import { auxiliarySteps, basePlan, jenkinsPlan, RolePlan, runnerScript, Step, vaultPlan, wazuhPlan, WriteFile } from "./scripts";
import { AgentParams, BootstrapParams, BootstrapRole, Cloud, JenkinsParams, VaultParams, WazuhParams } from "./types";
import { assertValidBootstrapParams } from "./validate";

/** The subset of cloud-config (https://cloudinit.readthedocs.io/en/latest/reference/modules.html) emitted. */
export interface CloudConfig {
    readonly hostname: string;
    /** cc_set_passwords: no password SSH logins, whatever the image's default. */
    readonly ssh_pwauth: false;
    /** cc_ssh: root login disabled. */
    readonly disable_root: true;
    /** Apply pending (security) updates before any service starts. */
    readonly package_update: true;
    readonly package_upgrade: true;
    readonly packages: readonly string[];
    readonly write_files: readonly WriteFile[];
    readonly runcmd: readonly (readonly string[])[];
}

function planFor<R extends BootstrapRole>(role: R, params: BootstrapParams<R>): RolePlan {
    // Every role: packages, hardening, TLS; then its data disk and main service; then the
    // auxiliaries (node_exporter, the Wazuh agent), which never block the main service.
    switch (role) {
        case "bastion": {
            const p = params as AgentParams<Cloud>;
            const base = basePlan(role, p, true);
            return merge(base, { files: [], packages: [], steps: auxiliarySteps(role, p) });
        }
        case "jenkins": {
            const p = params as JenkinsParams<Cloud>;
            return merge(basePlan(role, p, false), jenkinsPlan(p), { files: [], packages: [], steps: auxiliarySteps(role, p) });
        }
        case "vault": {
            const p = params as VaultParams<Cloud>;
            return merge(basePlan(role, p, false), vaultPlan(p), { files: [], packages: [], steps: auxiliarySteps(role, p) });
        }
        case "wazuh": {
            // The manager monitors itself: no agent on this VM.
            const p = params as WazuhParams<Cloud>;
            return merge(basePlan(role, p, false), wazuhPlan(p), { files: [], packages: [], steps: auxiliarySteps(role, undefined) });
        }
        default:
            throw new Error(`unknown bootstrap role ${JSON.stringify(role)}`);
    }
}

function merge(...plans: RolePlan[]): RolePlan {
    return {
        files: plans.flatMap((p) => p.files),
        steps: plans.flatMap((p) => p.steps),
        packages: [...new Set(plans.flatMap((p) => p.packages))],
    };
}

/**
 * A bash script without its comment lines and indentation: user data is size-limited (AWS: 16 KB
 * after gzip) and the comments live in this repository, next to the code that renders them. Kept: the shebang,
 * shellcheck directives, and every line inside a here-document (its body is data). A line whose
 * first non-blank character is `#` is a comment in bash wherever it appears outside a string;
 * the scripts keep no multi-line string with such a line (the render tests run shellcheck and
 * execute the stripped scripts).
 */
export function stripShellComments(script: string): string {
    if (!script.startsWith("#!/bin/bash")) return script;
    const out: string[] = [];
    let heredocEnd: string | undefined;
    for (const line of script.split("\n")) {
        if (heredocEnd !== undefined) {
            out.push(line);
            if (line === heredocEnd) heredocEnd = undefined;
            continue;
        }
        const trimmed = line.trimStart();
        const keep = !trimmed.startsWith("#") || trimmed.startsWith("#!") || trimmed.startsWith("# shellcheck");
        // Indentation is insignificant to bash outside here-documents (kept verbatim above).
        if (keep) out.push(trimmed);
        const heredoc = /<<-?\s*'?"?([A-Za-z_]+)'?"?\s*$/.exec(line);
        if (keep && heredoc) heredocEnd = heredoc[1];
    }
    return out.join("\n");
}

/**
 * Comment lines out of a file before it enters user data: bash scripts as above; configuration
 * files whose syntax comments with `#` at the start of a line (systemd units and drop-ins, sshd,
 * auditd rules, logrotate, sysctl, chrony, nginx, HCL, YAML) lose those lines. Files with other
 * comment syntax (apt's `//`, Groovy, XML) are left as they are.
 */
export function stripComments(path: string, content: string): string {
    if (content.startsWith("#!")) return stripShellComments(content);
    if (/\.(groovy|json|xml)$/.test(path) || path.startsWith("/etc/apt/")) return content;
    return content
        .split("\n")
        .filter((line) => !line.trimStart().startsWith("#"))
        .join("\n");
}

/** The typed cloud-config object for a role (validated first; throws BootstrapParamsError). */
export function buildCloudConfig<R extends BootstrapRole>(role: R, params: BootstrapParams<R>): CloudConfig {
    assertValidBootstrapParams(role, params);
    const plan = planFor(role, params);
    const steps: Step[] = plan.steps;
    const scripts: WriteFile[] = [
        { path: BOOTSTRAP_LIB, content: stripShellComments(renderLib(params.cloud, role)), permissions: "0644", owner: "root:root" },
        ...steps.map((s) => ({ path: `${BOOTSTRAP_LIB_DIR}/${s.name}.sh`, content: stripShellComments(s.script), permissions: "0755", owner: "root:root" })),
        { path: BOOTSTRAP_RUNNER, content: stripShellComments(runnerScript(role, steps)), permissions: "0755", owner: "root:root" },
    ];
    return {
        hostname: params.hostname,
        ssh_pwauth: false,
        disable_root: true,
        package_update: true,
        package_upgrade: true,
        packages: plan.packages,
        write_files: [...plan.files.map((f) => ({ ...f, content: stripComments(f.path, f.content) })), ...scripts],
        runcmd: [[BOOTSTRAP_RUNNER]],
    };
}

/**
 * Renders the `#cloud-config` user data of a role as plain text.
 *
 * The document holds no secret material: secrets are referenced and fetched on the VM with its
 * identity (tests/bootstrap scan every role x cloud rendering for keys, passwords and tokens).
 */
export function renderBootstrapDocument<R extends BootstrapRole>(role: R, params: BootstrapParams<R>): string {
    const config = buildCloudConfig(role, params);
    const body = stringify(config, { lineWidth: 0, blockQuote: "literal" });
    return `#cloud-config\n# Platform bootstrap: role=${role} cloud=${params.cloud}. Rendered by components/bootstrap; contains no secrets.\n${body}`;
}

/**
 * Raw user data size limits per cloud, in bytes, as the cloud counts them.
 * - AWS: 16 KB before base64 (EC2 RunInstances). The Vault document exceeds it uncompressed:
 *   pass `compressUserData(...)` as `userDataBase64`; cloud-init detects gzip itself.
 * - Azure: customData is at most 65535 base64 characters, i.e. 49149 bytes; the documents are
 *   passed gzip-compressed (components/azure/vm.ts customDataBase64).
 * - GCP: a metadata value (`user-data`) is at most 256 KB.
 */
export const USER_DATA_LIMITS: { readonly [C in Cloud]: number } = { aws: 16384, azure: 49149, gcp: 262144 };

/**
 * gzip + base64 of a document, for `userDataBase64`. Deterministic (no timestamp in the gzip
 * header), so an unchanged document never shows up as a diff.
 */
export function compressUserData(document: string): string {
    return gzipSync(Buffer.from(document, "utf8"), { level: 9 }).toString("base64");
}
