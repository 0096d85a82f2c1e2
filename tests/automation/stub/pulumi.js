#!/usr/bin/env node
/*
 * A STUB of the `pulumi` CLI for the automation tests. It is NOT Pulumi: it deploys nothing and
 * runs no program. It lets the real Automation API SDK (LocalWorkspace / Stack) drive a process
 * exactly as it would drive the CLI, so tests can assert on the command lines our orchestration
 * produces and on how it reacts to success and failure.
 *
 * - Every invocation is appended to $STUB_PULUMI_LOG as one JSON line: argv, cwd, project
 *   (from ./Pulumi.yaml) and the PULUMI_* / STUB_* / proxy environment variables it received.
 * - State (stacks per project, tags, config, outputs, resources) lives in $STUB_PULUMI_STATE
 *   (JSON), so `stack init` then `stack ls` then `stack rm` behave consistently.
 * - Canned behaviour comes from the same state file: `canned.outputs`, `canned.secretOutputs`,
 *   `canned.resources` (what an `up` "creates"; `canned.<project>` overrides per project), and
 *   `fail` ({ "up": "message", "platform-incluster:up": ..., ... }) to make a command fail the way
 *   the CLI does (message on stderr, exit code 255). A stack with `locked: true` refuses every
 *   update as a DIY backend's lock file does, until `pulumi cancel`.
 * - With `probe` set, `preview` and `up` stand in for the Kubernetes provider: they connect to
 *   the "private API" through the proxy in PLATFORM_KUBE_PROXY_URL (the run's route) and record
 *   the answer.
 * - Unknown commands fail loudly (exit 2) so a test can never pass on an unmodelled call.
 */
"use strict";
const fs = require("fs");
const path = require("path");

const logFile = process.env.STUB_PULUMI_LOG;
const stateFile = process.env.STUB_PULUMI_STATE;
const argv = process.argv.slice(2);

function project() {
    try {
        const text = fs.readFileSync(path.join(process.cwd(), "Pulumi.yaml"), "utf8");
        const m = /^name:\s*["']?([^"'\s]+)/m.exec(text);
        return m ? m[1] : undefined;
    } catch {
        return undefined;
    }
}

if (logFile) {
    const env = {};
    for (const [k, v] of Object.entries(process.env)) {
        if (/^(PULUMI_|PLATFORM_|STUB_|HTTPS?_PROXY$|NO_PROXY$|KUBECONFIG$)/.test(k)) env[k] = v;
    }
    fs.appendFileSync(logFile, JSON.stringify({ argv, cwd: process.cwd(), project: project(), env }) + "\n");
}

if (argv[0] === "version") {
    // 3.205 or older: the SDK then reads engine events from the --event-log FILE this stub can
    // write (newer CLIs stream them over gRPC). STUB_PULUMI_VERSION overrides (version checks).
    process.stdout.write(`v${process.env.STUB_PULUMI_VERSION || "3.205.0"}\n`);
    process.exit(0);
}

if (!stateFile) {
    process.stderr.write("stub pulumi: STUB_PULUMI_STATE is not set\n");
    process.exit(2);
}
const state = JSON.parse(fs.readFileSync(stateFile, "utf8"));
state.projects = state.projects || {};
state.canned = state.canned || {};
state.fail = state.fail || {};
const proj = project() || "(none)";
const P = (state.projects[proj] = state.projects[proj] || { stacks: {}, current: null });
const canned = state.canned[proj] || state.canned;

const save = () => fs.writeFileSync(stateFile, JSON.stringify(state, null, 2));
const out = (s) => process.stdout.write(s);
const die = (msg, code = 255) => {
    save();
    process.stderr.write(msg + "\n");
    process.exit(code);
};
/** Value of `--flag value` (or `--flag=value`). */
function opt(flag) {
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === flag) return argv[i + 1];
        if (argv[i].startsWith(flag + "=")) return argv[i].slice(flag.length + 1);
    }
    return undefined;
}
function opts(flag) {
    const r = [];
    for (let i = 0; i < argv.length; i++) if (argv[i] === flag) r.push(argv[i + 1]);
    return r;
}
const has = (flag) => argv.includes(flag);
function stackOf(name) {
    const s = P.stacks[name];
    if (!s) die(`error: no stack named '${name}' found`);
    return s;
}
function maybeFail(cmd) {
    const f = state.fail[`${proj}:${cmd}`] !== undefined ? state.fail[`${proj}:${cmd}`] : state.fail[cmd];
    if (f === undefined) return;
    if (typeof f === "object" && f.times !== undefined) {
        if (f.times <= 0) return;
        f.times -= 1;
    }
    if (typeof f === "object" && f.concurrent) {
        die("error: [409] Conflict: Another update is currently in progress.");
    }
    out(`Updating (${opt("--stack")}):\n    pulumi:pulumi:Stack ${proj}-${opt("--stack")} running\n`);
    die(`error: ${typeof f === "object" ? f.message : f}`);
}
function record(stack, kind, changes) {
    stack.history = [
        {
            version: (stack.history?.[0]?.version ?? 0) + 1,
            kind,
            startTime: "2030-01-01T00:00:00.000Z",
            endTime: "2030-01-01T00:12:34.000Z",
            message: "",
            environment: {},
            config: {},
            result: "succeeded",
            resourceChanges: changes,
        },
    ];
}

function finishUp(s) {
    const name = opt("--stack");
    out(`Updating (${name}):\n`);
    out(`    +  pulumi:pulumi:Stack ${proj}-${name} creating\n`);
    const created = (canned.resources || []).filter((r) => !s.resources.some((x) => x.urn === r.urn));
    for (const r of created) out(`    +  ${r.type} ${r.urn.split("::").pop()} created\n`);
    // Like a real failed update, what was created before the error stays in the state.
    s.resources = [...s.resources, ...created];
    maybeFail("up");
    s.outputs = { ...(canned.outputs || {}) };
    s.secretOutputs = canned.secretOutputs || [];
    record(s, "update", { create: created.length, same: s.resources.length - created.length });
    out(`Resources:\n    + ${created.length} created\n`);
}

/** SOCKS5 CONNECT through `proxyUrl` to {host, port}; resolves with the first line it answers. */
function probe(proxyUrl, target) {
    const net = require("net");
    const u = new URL(proxyUrl);
    return new Promise((resolve, reject) => {
        const sock = net.connect(Number(u.port), u.hostname);
        let stage = 0;
        let buf = Buffer.alloc(0);
        sock.on("error", reject);
        sock.on("connect", () => sock.write(Buffer.from([5, 1, 0])));
        sock.on("data", (d) => {
            buf = Buffer.concat([buf, d]);
            if (stage === 0 && buf.length >= 2) {
                const host = Buffer.from(target.host);
                const port = Buffer.alloc(2);
                port.writeUInt16BE(target.port);
                sock.write(Buffer.concat([Buffer.from([5, 1, 0, 3, host.length]), host, port]));
                buf = buf.subarray(2);
                stage = 1;
            }
            if (stage === 1 && buf.length >= 10) {
                if (buf[1] !== 0) return reject(new Error(`SOCKS reply ${buf[1]}`));
                buf = buf.subarray(10);
                sock.write("GET /version\n");
                stage = 2;
            }
            if (stage === 2 && buf.includes(10)) {
                resolve(buf.toString("utf8").split("\n")[0]);
                sock.destroy();
            }
        });
    });
}

const [a0, a1, a2] = argv;
const name = opt("--stack");

if (a0 === "whoami") {
    out(JSON.stringify({ user: "stub-user", organizations: ["stub-org"], url: "https://stub.invalid" }));
} else if (a0 === "stack" && a1 === "select") {
    stackOf(name);
    P.current = name;
} else if (a0 === "stack" && a1 === "init") {
    if (P.stacks[a2]) die(`error: stack '${a2}' already exists`);
    maybeFail("stack init");
    P.stacks[a2] = { tags: {}, config: {}, outputs: {}, resources: [], history: [] };
    P.current = a2;
} else if (a0 === "stack" && a1 === "ls") {
    out(
        JSON.stringify(
            Object.entries(P.stacks).map(([n, s]) => ({
                name: n,
                current: n === P.current,
                updateInProgress: false,
                resourceCount: s.resources.length,
            })),
        ),
    );
} else if (a0 === "stack" && a1 === "rm") {
    const target = argv.filter((x) => !x.startsWith("--")).slice(2)[0];
    const s = stackOf(target);
    maybeFail("stack rm");
    if (s.resources.length > 0 && !has("--force")) {
        die(`error: 'stack rm' refused: stack '${target}' still has ${s.resources.length} resources; destroy them first`);
    }
    delete P.stacks[target];
    if (P.current === target) P.current = null;
} else if (a0 === "stack" && a1 === "tag" && a2 === "set") {
    stackOf(name).tags[argv[3]] = argv[4];
} else if (a0 === "stack" && a1 === "tag" && a2 === "ls") {
    out(JSON.stringify(stackOf(name).tags));
} else if (a0 === "stack" && a1 === "output") {
    const s = stackOf(name);
    const secret = new Set(s.secretOutputs || []);
    const shown = {};
    for (const [k, v] of Object.entries(s.outputs)) shown[k] = secret.has(k) && !has("--show-secrets") ? "[secret]" : v;
    out(JSON.stringify(shown));
} else if (a0 === "stack" && a1 === "history") {
    out(JSON.stringify(stackOf(name).history || []));
} else if (a0 === "stack" && a1 === "export") {
    out(JSON.stringify({ version: 3, deployment: { manifest: {}, resources: stackOf(name).resources } }));
} else if (a0 === "config" && a1 === "set-all") {
    const s = stackOf(name);
    const json = opt("--json");
    if (json === undefined) die("stub pulumi: only `config set-all --json` is modelled", 2);
    for (const [k, v] of Object.entries(JSON.parse(json))) s.config[k] = v;
} else if (a0 === "config" && a1 === "set") {
    const s = stackOf(name);
    const dd = argv.indexOf("--");
    s.config[a2] = { value: argv[dd + 1], secret: has("--secret") };
} else if (a0 === "config" && a1 === "get") {
    const s = stackOf(name);
    const v = s.config[a2];
    if (!v) die(`error: configuration key '${a2}' not found for stack '${name}'`);
    out(JSON.stringify(v));
} else if (a0 === "config" && argv.includes("--json") && a1.startsWith("--")) {
    out(JSON.stringify(stackOf(name).config));
} else if (a0 === "cancel") {
    const s = stackOf(name);
    s.locked = false;
    out(`The currently running update for '${name}' has been canceled!\n`);
} else if (a0 === "up" || a0 === "preview") {
    const s = stackOf(name);
    if (s.locked) {
        die(`error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with \`pulumi cancel\`.`);
    }
    const proxy = process.env.PLATFORM_KUBE_PROXY_URL;
    const finish = () => {
        if (a0 === "up") return finishUp(s);
        out(`Previewing update (${name}):\n`);
        maybeFail("preview");
        const creates = (canned.resources || []).filter((r) => !s.resources.some((x) => x.urn === r.urn)).length;
        out(`Resources:\n    + ${creates} to create\n`);
        const log = opt("--event-log");
        if (log && !log.startsWith("tcp://")) {
            fs.appendFileSync(log, JSON.stringify({ sequence: 0, timestamp: 0, summaryEvent: { maybeCorrupt: false, durationSeconds: 1, resourceChanges: { create: creates }, policyPacks: {} } }) + "\n");
        }
    };
    if (state.probe && proxy && proj === "platform-incluster") {
        // Stands in for the Kubernetes provider: reach the "private API" through the run's route,
        // record the answer, then finish.
        probe(proxy, state.probe).then(
            (answer) => {
                state.probeResults = [...(state.probeResults || []), { command: a0, proxy, answer }];
                finish();
                save();
            },
            (err) => die(`error: kubernetes API unreachable through ${proxy}: ${err.message}`),
        );
        return;
    }
    finish();
} else if (a0 === "destroy") {
    const s = stackOf(name);
    if (s.locked) {
        die(`error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with \`pulumi cancel\`.`);
    }
    out(`Destroying (${name}):\n`);
    const targets = opts("--target");
    maybeFail(targets.length > 0 ? "destroy --target" : "destroy");
    const gone = targets.length > 0 ? s.resources.filter((r) => targets.includes(r.urn)) : s.resources;
    for (const r of gone) out(`    -  ${r.type} ${r.urn.split("::").pop()} deleted\n`);
    s.resources = s.resources.filter((r) => !gone.includes(r));
    if (targets.length === 0) s.outputs = {};
    record(s, "destroy", { delete: gone.length });
    out(`Resources:\n    - ${gone.length} deleted\n`);
} else {
    die(`stub pulumi: unexpected command: ${JSON.stringify(argv)}`, 2);
}
save();
