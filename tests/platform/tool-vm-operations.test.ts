/**
 * Issue 22 on the captured graphs of every shipped stack (platform layer, both layers for the
 * Vault scrape):
 * - a changed bootstrap reaches the VM: the user data is never under `ignoreChanges` (Pulumi keeps
 *   an ignored property's old value even when the resource is replaced: pulumi/pulumi#2657 "the
 *   engine simply replaces the values of input properties in the goal state with old inputs"),
 *   a change replaces the VM, and the old one goes first (it holds the fixed address and the disks);
 * - one patch mechanism per VM: Azure's platform patching is off (patchMode ImageDefault);
 * - operators, the patch window, Vault's recovery keys and Wazuh's retention reach every VM
 *   through its TLS bundle (never user data), resolved from the stack's config.
 */
import * as assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { CapturedResource, ResourceGraph } from "../../offline/graph";
import { graphOf } from "../support/graphs";

const STACKS = ["dev", "staging", "prod"].flatMap((env) => ["aws", "azure", "gcp"].map((cloud) => `${env}-${cloud}`));

/** The VM resource types and the input that carries the cloud-init document. */
const VM_USER_DATA: Record<string, string> = {
    "aws:ec2/instance:Instance": "userDataBase64",
    "azure-native:compute:VirtualMachine": "osProfile.customData",
    "gcp:compute/instance:Instance": 'metadata["user-data"]',
};

function vms(g: ResourceGraph): CapturedResource[] {
    return g.resources.filter((r) => r.type in VM_USER_DATA && !/-(node|pool|worker)/.test(r.name));
}

function userData(r: CapturedResource): string {
    const i = r.inputs as Record<string, any>;
    switch (r.type) {
        case "aws:ec2/instance:Instance":
            return i.userDataBase64 ? gunzipSync(Buffer.from(i.userDataBase64, "base64")).toString("utf8") : String(i.userData ?? "");
        case "azure-native:compute:VirtualMachine": {
            const raw = Buffer.from(String(i.osProfile?.customData ?? ""), "base64");
            return raw[0] === 0x1f ? gunzipSync(raw).toString("utf8") : raw.toString("utf8");
        }
        default:
            return String(i.metadata?.["user-data"] ?? "");
    }
}

describe("tool VMs: a changed bootstrap reaches the VM; one patch mechanism; operations through the TLS bundle", function () {
    this.timeout(600_000);

    for (const stack of STACKS) {
        it(`${stack}: every VM with a cloud-init document replaces on a change of it (never ignores it), deleting the old one first`, async () => {
            const g = await graphOf(stack);
            const found = vms(g).filter((r) => userData(r).startsWith("#cloud-config"));
            assert.equal(found.length, 4, found.map((r) => r.name).join(", "));
            for (const vm of found) {
                const prop = VM_USER_DATA[vm.type];
                assert.ok(!(vm.ignoreChanges ?? []).includes(prop), `${vm.name}: ${prop} is under ignoreChanges`);
                const replaces = (vm.replaceOnChanges ?? []).includes(prop) || (vm.inputs as Record<string, unknown>).userDataReplaceOnChange === true;
                assert.ok(replaces, `${vm.name}: a changed ${prop} does not replace it (cloud-init runs once per instance)`);
                if (!/bastion/.test(vm.name)) assert.equal(vm.deleteBeforeReplace, true, `${vm.name}: its replacement needs its fixed address and disks`);
            }
        });
    }

    for (const stack of STACKS.filter((s) => s.endsWith("azure"))) {
        it(`${stack}: Azure's platform patching is off on every VM (learn.microsoft.com/azure/virtual-machines/automatic-vm-guest-patching: AutomaticByPlatform installs and reboots on Azure's schedule)`, async () => {
            const g = await graphOf(stack);
            for (const vm of vms(g)) {
                const patch = (vm.inputs as Record<string, any>).osProfile.linuxConfiguration.patchSettings;
                assert.equal(patch.patchMode, "ImageDefault", vm.name);
            }
        });
    }

    for (const stack of STACKS) {
        it(`${stack}: the operations reach every VM in its TLS bundle, never in its user data`, async () => {
            const g = await graphOf(stack);
            const bundles = g.resources.filter((r) =>
                ["aws:secretsmanager/secretVersion:SecretVersion", "azure-native:keyvault:Secret", "gcp:secretmanager/secretVersion:SecretVersion"].includes(r.type),
            );
            const tls = bundles
                .map((r) => {
                    const i = r.inputs as Record<string, any>;
                    return String(i.secretString ?? i.secretData ?? i.properties?.value ?? "");
                })
                .filter((v) => v.startsWith("{") && v.includes('"caCertificate"'))
                .map((v) => JSON.parse(v));
            assert.equal(tls.length, 4, "one bundle per VM (bastion, Jenkins, Vault, Wazuh)");
            const env = stack.split("-")[0];
            for (const b of tls) {
                assert.deepEqual(
                    b.operations.operators.map((o: { name: string; sudo: boolean }) => [o.name, o.sudo]),
                    [
                        ["alice", true],
                        ["bob", false],
                    ],
                );
                // The profile's window: prod weekly (Sunday), staging twice a week, dev every night.
                assert.deepEqual(b.operations.patching, { dev: { rebootDays: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], rebootTime: "04:00" }, staging: { rebootDays: ["Tue", "Thu"], rebootTime: "03:00" }, prod: { rebootDays: ["Sun"], rebootTime: "02:00" } }[env]);
                assert.equal(b.operations.vaultRecovery.pgpFingerprints.length, b.operations.vaultRecovery.shares);
                assert.equal(b.operations.wazuhRetentionDays, { dev: 30, staging: 90, prod: 365 }[env]);
            }
            for (const vm of vms(g)) {
                const doc = userData(vm);
                if (!doc.startsWith("#cloud-config")) continue;
                assert.doesNotMatch(doc, /alice|ssh-ed25519 AAAA/, `${vm.name}: operators do not belong in user data (a change would replace the VM)`);
            }
        });
    }
});
