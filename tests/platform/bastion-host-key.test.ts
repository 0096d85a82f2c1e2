/**
 * The bastion's SSH host key, issued by the program on every cloud: its private half travels only
 * in the bastion's own secret (with its TLS bundle), its fingerprint is a stack output, and that
 * fingerprint is exactly what the tunnel verifies against the key an sshd serves. The last part
 * runs for real: ssh-keygen makes an ED25519 key, an ssh2 server serves it, the tunnel pins the
 * fingerprint computed by the program's own function.
 */
import * as assert from "node:assert/strict";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";

import { Server } from "ssh2";

import { openTunnel } from "../../automation/tunnel";
import { sshFingerprint } from "../../components/bootstrap/pki";
import { byName, childrenOf, ResourceGraph } from "../../offline/graph";
import { testKeyPair } from "../automation/ssh-fixtures";
import { graphOf } from "../support/graphs";

/** The secret value carrying the bastion's bundle, per cloud (type, name, the input holding the JSON). */
const BUNDLE: Record<string, { type: string; name: string; input: string }> = {
    aws: { type: "aws:secretsmanager/secretVersion:SecretVersion", name: "bastion-tls-value", input: "secretString" },
    azure: { type: "azure-native:keyvault:Secret", name: "bastion-tls-secret", input: "properties.value" },
    gcp: { type: "gcp:secretmanager/secretVersion:SecretVersion", name: "bastion-tls-value", input: "secretData" },
};

function at(obj: Record<string, unknown>, dotted: string): unknown {
    return dotted.split(".").reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), obj);
}

describe("the bastion's SSH host key (every cloud)", () => {
    for (const stack of ["dev-aws", "prod-aws", "dev-azure", "prod-azure", "dev-gcp", "prod-gcp"]) {
        describe(stack, () => {
            let g: ResourceGraph;
            before(async () => {
                g = await graphOf(stack);
            });

            it("an ED25519 key issued by the program; protected in prod; its fingerprint exported, computed from its public key", () => {
                const component = byName(g, "platform:bootstrap:SshHostKey", "bastion-host-key");
                const keys = childrenOf(g, component.urn);
                assert.deepEqual(keys.map((k) => `${k.type} ${k.name}`), ["tls:index/privateKey:PrivateKey bastion-host-key-key"]);
                assert.equal(keys[0].inputs.algorithm, "ED25519");
                assert.equal(keys[0].protect, stack.startsWith("prod"));
                assert.equal(g.outputs.bastionHostKeyFingerprint, sshFingerprint(String(keys[0].state.publicKeyOpenssh)));
                assert.match(String(g.outputs.bastionHostKeyFingerprint), /^SHA256:[A-Za-z0-9+/]{43}$/);
                assert.ok(!g.secretOutputs.includes("bastionHostKeyFingerprint"), "a fingerprint is public");
            });

            it("its private half is only in the bastion's TLS secret (a secret input), never in user data or an output", () => {
                const cloud = stack.split("-")[1];
                const key = byName(g, "tls:index/privateKey:PrivateKey", "bastion-host-key-key");
                const privateKey = String(key.state.privateKeyOpenssh);
                const b = BUNDLE[cloud];
                const holder = byName(g, b.type, b.name);
                const bundle = JSON.parse(String(at(holder.inputs as Record<string, unknown>, b.input))) as { sshHostKey?: string };
                assert.equal(bundle.sshHostKey, privateKey);
                assert.ok(holder.secretPaths.some((p) => b.input.startsWith(p) || p.startsWith(b.input.split(".")[0])), `${b.input} is secret`);
                const carriers = g.resources.filter((r) => r !== holder && r.type !== "tls:index/privateKey:PrivateKey" && JSON.stringify(r.inputs).includes(privateKey.split("\n")[1] ?? privateKey));
                assert.deepEqual(carriers.map((r) => `${r.type} ${r.name}`), []);
                assert.ok(!JSON.stringify(g.outputs).includes(privateKey), "not in any output");
            });
        });
    }
});

describe("the program's fingerprint is what the tunnel pins (real ssh-keygen key, real ssh2 server)", function () {
    this.timeout(20_000);

    it("ssh-keygen and sshFingerprint agree, and a tunnel pinned to it connects; a different key is refused", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hostkey-"));
        execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", path.join(dir, "host")]);
        execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "other", "-f", path.join(dir, "other")]);
        const pub = fs.readFileSync(path.join(dir, "host.pub"), "utf8");
        const fromOpenSsh = execFileSync("ssh-keygen", ["-lf", path.join(dir, "host.pub")], { encoding: "utf8" }).split(" ")[1];
        assert.equal(sshFingerprint(pub), fromOpenSsh);

        const client = testKeyPair();
        const server = new Server({ hostKeys: [fs.readFileSync(path.join(dir, "host"), "utf8")] }, (c) => {
            c.on("authentication", (ctx) => (ctx.method === "publickey" ? ctx.accept() : ctx.reject(["publickey"])));
            c.on("error", () => undefined);
        });
        const port = await new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port)));
        try {
            const t = await openTunnel({ host: "127.0.0.1", port, username: "ops", privateKey: client.private, socksPort: 0, hostKeyFingerprint: sshFingerprint(pub) });
            await t.close();
            await assert.rejects(
                openTunnel({ host: "127.0.0.1", port, username: "ops", privateKey: client.private, socksPort: 0, hostKeyFingerprint: sshFingerprint(fs.readFileSync(path.join(dir, "other.pub"), "utf8")) }),
                /is not the pinned SHA256:/,
            );
        } finally {
            await new Promise((resolve) => server.close(() => resolve(undefined)));
        }
    });

    it("refuses something that is not an OpenSSH public key", () => {
        assert.throws(() => sshFingerprint("-----BEGIN PUBLIC KEY-----"), /not an OpenSSH public key/);
    });
});
