/**
 * Issue 14 (Azure deploy-readiness), read from the captured graphs: what a first `pulumi up` and
 * day-2 operations would hit. Each class of failure has a catalogue entry; here each entry is
 * shown to BITE on the real shipped graphs (the fix removed, the entry fires on the resource that
 * would fail), next to the graph facts of the fix itself: the propagation waits and what depends
 * on them, the diagnostic settings, dev's same-day re-creation, the config edge's size check.
 */
import * as assert from "node:assert/strict";
import { BUILT_IN_ROLE_NAMES, BUILT_IN_ROLES, roleAssignmentGuid } from "../../components/azure/common";
import { keyVaultName } from "../../components/azure/naming";
import { PROPAGATION_SECONDS, ROLE_PLANE } from "../../components/azure/propagation";
import { azureDeployerPrincipalType } from "../../components/config";
import { HOST_ENCRYPTION_FAMILIES, hostEncryptionFamily } from "../../components/config/azure-vm-sizes";
import { checkConstraints, CONSTRAINTS } from "../../offline/constraints";
import { builtInRoleByName } from "../../offline/constraints/tables/azure-builtin-roles";
import { AZURE_RBAC_PROPAGATION, durationSeconds, planeOfRole } from "../../offline/constraints/tables/azure-rbac-propagation";
import { AZURE_ROLE_PERMISSIONS, roleGrants } from "../../offline/constraints/tables/azure-role-permissions";
import { CapturedResource, ResourceGraph } from "../../offline/graph";
import { MOCK_AZURE_DEPLOYER_OBJECT_ID, MOCK_AZURE_SUBSCRIPTION } from "../../offline/mocks-azure";
import { byName, graphOf, nameOfId, ofType, ROLE_ID, T, variantOf } from "./fixtures";

/** A copy of a graph with some resources changed (the shared graphs stay untouched). */
function mutate(g: ResourceGraph, change: (r: CapturedResource) => CapturedResource | undefined): ResourceGraph {
    return { ...g, resources: g.resources.map((r) => change(r)).filter((r): r is CapturedResource => r !== undefined) };
}
const withoutDependency = (g: ResourceGraph, name: string, dropUrn: string) =>
    mutate(g, (r) => (r.name === name ? { ...r, dependencies: r.dependencies.filter((d) => d !== dropUrn) } : r));
/** The violations one entry finds, as `<resource name>: <detail>`. */
function fired(g: ResourceGraph, id: string): string[] {
    const entry = CONSTRAINTS.find((c) => c.id === id);
    assert.ok(entry, id);
    return checkConstraints(g, { entries: [entry] }).map((v) => `${v.name}: ${v.detail}`);
}

for (const stack of ["dev-azure", "prod-azure"]) {
    const prod = stack === "prod-azure";
    describe(`azure deploy-readiness: each catalogue entry bites on ${stack}`, () => {
        let g: ResourceGraph;
        before(async () => {
            g = await graphOf(stack);
        });

        const entries = [
            "azure-rbac-grant-propagated-before-use",
            "azure-aks-identity-network-rights",
            "azure-aks-des-read-rights",
            "azure-aks-kms-key-rights",
            "azure-aks-kms-key-rotation-by-procedure",
            "azure-compute-des-auto-rotation-not-reverted",
            "azure-keyvault-firewall-admits-readers",
            "azure-keyvault-vnet-rule-service-endpoint",
            "azure-monitor-diagnostic-categories",
            "azure-compute-encryption-at-host-size",
            "azure-compute-des-key-url-versioned",
            "azure-aks-spot-pool-no-surge",
            "azure-aks-pool-asg-needs-host-ports",
            "azure-nsg-asg-has-members",
            "azure-role-definition-builtin",
        ];
        it("the shipped graph passes every one of them", () => {
            for (const id of entries) {
                assert.deepEqual(fired(g, id), [], id);
            }
        });

        it("a VM that boots before its identity's grants propagate", () => {
            const wait = byName(g, T.sleep, "vault-grants-propagation");
            assert.deepEqual(fired(withoutDependency(g, "vault-vm", wait.urn), "azure-rbac-grant-propagated-before-use").map((v) => v.split(" (")[0]).sort(), [
                "vault-vm: uses role assignment vault-read-enrollment-secret",
                "vault-vm: uses role assignment vault-read-tls-secret",
                "vault-vm: uses role assignment vault-snapshot-write",
                "vault-vm: uses role assignment vault-unseal-key",
            ]);
        });

        it("a key written before the deployer's Key Vault grant propagates", () => {
            const wait = byName(g, T.sleep, "keys-deployer-admin-propagation");
            assert.deepEqual(fired(withoutDependency(g, "keys-vault-unseal", wait.urn), "azure-rbac-grant-propagated-before-use"), [
                "keys-vault-unseal: uses role assignment keys-deployer-admin (keyVaultData, up to 600s to apply) without waiting for a time.Sleep of at least 600s after it",
            ]);
        });

        it("a wait shorter than the documented delay", () => {
            const short = mutate(g, (r) => (r.name === "cluster-identity-grants-propagation" ? { ...r, inputs: { ...r.inputs, createDuration: "60s" } } : r));
            const found = fired(short, "azure-rbac-grant-propagated-before-use");
            assert.ok(found.length >= 3 && found.every((v) => v.startsWith("cluster-aks: uses role assignment cluster-")), found.join("\n"));
        });

        it("the cluster created right after its identity's grants, and an AKS RBAC grant with no wait", () => {
            const wait = byName(g, T.sleep, "cluster-identity-grants-propagation");
            const found = fired(withoutDependency(g, "cluster-aks", wait.urn), "azure-rbac-grant-propagated-before-use").map((v) => v.split(" (")[0]);
            assert.deepEqual(found.sort(), [
                "cluster-aks: uses role assignment cluster-api-server-subnet",
                ...(prod ? ["cluster-aks: uses role assignment cluster-des-read"] : []),
                "cluster-aks: uses role assignment cluster-kms-key",
                "cluster-aks: uses role assignment cluster-nodes-subnet",
            ]);
            const noAccessWait = mutate(g, (r) => (r.name === "cluster-access-grants-propagation" ? undefined : r));
            assert.deepEqual(fired(noAccessWait, "azure-rbac-grant-propagated-before-use"), [
                "cluster-admin-deployer: no time.Sleep of at least 300s follows this AKS RBAC grant, so the in-cluster layer may use it before it propagates",
            ]);
        });

        it("no NSG rule names an ASG nothing carries; a rule naming the nodes' ASG (which AKS would not attach) is named", () => {
            const asg = byName(g, T.asg, "network-asg-cluster-nodes").id;
            const api = byName(g, T.nsg, "network-nsg-api-server");
            const planted = mutate(g, (r) =>
                r.urn === api.urn
                    ? { ...r, inputs: { ...r.inputs, securityRules: (r.inputs.securityRules as Record<string, unknown>[]).map((rule) => (rule.name === "kube-api-from-cluster-nodes" ? { ...rule, sourceAddressPrefixes: undefined, sourceApplicationSecurityGroups: [{ id: asg }] } : rule)) } }
                    : r,
            );
            assert.deepEqual(fired(planted, "azure-nsg-asg-has-members"), [
                `network-nsg-api-server: rule kube-api-from-cluster-nodes names application security group ${String(asg).toLowerCase()}, which no network interface or host-port node pool carries`,
            ]);
        });

        if (prod) {
            it("a cluster on the disk encryption set without read access to it; a set whose key URL the program still owns", () => {
                const des = byName(g, T.des, "keys-des").id;
                assert.deepEqual(fired(mutate(g, (r) => (r.name === "cluster-des-read" ? undefined : r)), "azure-aks-des-read-rights"), [`cluster-aks: the cluster identity has no read access to disk encryption set ${des}`]);
                assert.deepEqual(fired(mutate(g, (r) => (r.name === "keys-des" ? { ...r, ignoreChanges: [] } : r)), "azure-compute-des-auto-rotation-not-reverted"), [
                    "keys-des: rotationToLatestKeyVersionEnabled is on but activeKey.keyUrl is not in ignoreChanges",
                ]);
            });
        }

        it("a KMS key that rotates on its own, and a cluster that would follow it on refresh", () => {
            const rotating = mutate(g, (r) =>
                r.name === "keys-aks-kms"
                    ? { ...r, inputs: { ...r.inputs, properties: { ...(r.inputs.properties as object), rotationPolicy: { attributes: { expiryTime: "P2Y" }, lifetimeActions: [{ action: { type: "rotate" }, trigger: { timeAfterCreate: "P1Y" } }] } } } }
                    : r.name === "cluster-aks"
                      ? { ...r, ignoreChanges: ["agentPoolProfiles[0].count"] }
                      : r,
            );
            assert.deepEqual(fired(rotating, "azure-aks-kms-key-rotation-by-procedure").map((v) => v.split(";")[0].split(", so")[0]), [
                "cluster-aks: securityProfile.azureKeyVaultKms.keyId is not in ignoreChanges",
                "keys-aks-kms: the AKS KMS key has an automatic rotate action",
                "keys-aks-kms: the AKS KMS key (or its rotated versions) expires",
            ]);
        });

        it("a cluster identity without encrypt/decrypt on the KMS key", () => {
            assert.deepEqual(fired(mutate(g, (r) => (r.name === "cluster-kms-key" ? undefined : r)), "azure-aks-kms-key-rights"), ["cluster-aks: the cluster identity cannot encrypt or decrypt with KMS key keys-aks-kms"]);
        });

        it(prod ? "VMs reading a vault with public access off and no private endpoint" : "the bastion reading the vault from a subnet its firewall does not list (dev has no private endpoint)", () => {
            const publicSubnet = byName(g, T.subnet, "network-subnet-public").id;
            const broken = prod
                ? mutate(g, (r) => (r.name === "private-endpoints-keyvault" ? undefined : r))
                : mutate(g, (r) => {
                      if (r.name !== "keys-vault") {
                          return r;
                      }
                      const p = r.inputs.properties as Record<string, any>;
                      return { ...r, inputs: { ...r.inputs, properties: { ...p, networkAcls: { ...p.networkAcls, virtualNetworkRules: p.networkAcls.virtualNetworkRules.filter((v: { id: string }) => v.id !== publicSubnet) } } } };
                  });
            const vaultName = String(byName(g, T.keyVault, "keys-vault").inputs.vaultName);
            const found = fired(broken, "azure-keyvault-firewall-admits-readers").map((v) => v.split(" (role assignment")[0]);
            // Prod: every VM reading the vault (the enrollment secret and its TLS bundle; Vault its unseal key too); dev: the bastion only.
            assert.deepEqual(
                found.sort(),
                (prod ? ["bastion-vm", "bastion-vm", "jenkins-vm", "jenkins-vm", "vault-vm", "vault-vm", "vault-vm", "wazuh-vm", "wazuh-vm"] : ["bastion-vm", "bastion-vm"]).map((vm) => `${vm}: reads vault ${vaultName}`),
            );
        });

        if (prod) {
            it("a VM that may boot before the vault's private endpoint exists (its only path to the vault)", () => {
                // dependsOn a component reaches the engine as its resources' URNs: drop them all.
                const endpointUrns = new Set(g.resources.filter((r) => r.name.startsWith("private-endpoints")).map((r) => r.urn));
                // (the VM and its data disk, which carries the same prerequisites)
                const early = mutate(g, (r) => (["wazuh-vm", "wazuh-data"].includes(r.name) ? { ...r, dependencies: r.dependencies.filter((d) => !endpointUrns.has(d)) } : r));
                const message = `wazuh-vm: reads vault ${String(byName(g, T.keyVault, "keys-vault").inputs.vaultName)} only through private endpoint private-endpoints-keyvault, but may boot before it exists`;
                assert.deepEqual(fired(early, "azure-keyvault-firewall-admits-readers").map((v) => v.split(" (role assignment")[0] + v.split(")")[1]), [message, message], "its two secrets");
            });
        }

        if (!prod) {
            it("a vault firewall rule naming the public subnet without its Key Vault service endpoint", () => {
                const noEndpoint = mutate(g, (r) => (r.name === "network-subnet-public" ? { ...r, inputs: { ...r.inputs, serviceEndpoints: undefined } } : r));
                assert.deepEqual(fired(noEndpoint, "azure-keyvault-vnet-rule-service-endpoint"), [`keys-vault: virtual network rule ${byName(g, T.subnet, "network-subnet-public").id}: the subnet has no Microsoft.KeyVault service endpoint`]);
            });
        }

        it("a misspelt diagnostic category", () => {
            const typo = mutate(g, (r) => (r.name === "cluster-aks-diagnostics" ? { ...r, inputs: { ...r.inputs, logs: [{ category: "kube-audits", enabled: true }] } } : r));
            assert.deepEqual(fired(typo, "azure-monitor-diagnostic-categories"), [
                `cluster-aks-diagnostics: category "kube-audits" is not a Microsoft.ContainerService/managedClusters log category (https://learn.microsoft.com/azure/azure-monitor/reference/supported-logs/microsoft-containerservice-managedclusters-logs)`,
            ]);
        });
    });
}

describe("azure deploy-readiness: diagnostics to Log Analytics", () => {
    for (const stack of ["dev-azure", "staging-azure", "prod-azure"]) {
        it(`${stack}: one workspace (Entra-only, the environment's retention), and exactly these resource logs into it`, async () => {
            const g = await graphOf(stack);
            const workspaces = ofType(g, T.workspace);
            assert.equal(workspaces.length, 1);
            const w = workspaces[0].inputs as Record<string, any>;
            assert.deepEqual([w.sku, w.features], [{ name: "PerGB2018" }, { disableLocalAuth: true, enableLogAccessUsingOnlyResourcePermissions: true }]);
            assert.equal(w.retentionInDays, { "dev-azure": 30, "staging-azure": 90, "prod-azure": 365 }[stack]);
            const settings = ofType(g, T.diagnostics).map((d) => {
                assert.equal(d.inputs.workspaceId, workspaces[0].id, d.name);
                assert.equal(d.inputs.logAnalyticsDestinationType, "Dedicated");
                const target = String(d.inputs.resourceUri);
                const targetName = target.endsWith("/blobServices/default") ? `${nameOfId(g, target.replace(/\/blobServices\/default$/, ""))}/blobServices` : nameOfId(g, target);
                return `${targetName}: ${(d.inputs.logs as { category: string; enabled: boolean }[]).map((l) => `${l.category}${l.enabled ? "" : " (off)"}`).join(", ")}`;
            });
            assert.deepEqual(settings.sort(), [
                "backup-snapshots/blobServices: StorageRead, StorageWrite, StorageDelete",
                "backup-vault: CoreAzureBackup, AddonAzureBackupJobs, AddonAzureBackupPolicy, AddonAzureBackupStorage, AddonAzureBackupProtectedInstance",
                "cluster-aks: kube-audit, kube-apiserver, guard",
                "keys-kms-vault: AuditEvent",
                "keys-vault: AuditEvent",
            ]);
        });
    }
});

describe("azure deploy-readiness: dev is destroyable and re-creatable the same day; prod keeps its names", () => {
    it("dev: Key Vault and workspace names carry the stack's per-creation generation (a re-created stack draws a new one while the deleted vault keeps its name for 7 days); backups go with the stack", async () => {
        const g = await graphOf("dev-azure");
        const gen = ofType(g, "random:index/randomString:RandomString");
        assert.deepEqual(
            gen.map((r) => [r.name, r.inputs.length, r.inputs.upper, r.inputs.special, r.inputs.numeric]),
            [["name-generation", 4, false, false, true]],
        );
        const generation = String(gen[0].state.result);
        assert.match(generation, /^[a-z0-9]{4}$/);
        const kv = byName(g, T.keyVault, "keys-vault").inputs;
        assert.equal(kv.vaultName, keyVaultName("platform-dev-azure", "kv", MOCK_AZURE_SUBSCRIPTION, generation));
        assert.notEqual(kv.vaultName, keyVaultName("platform-dev-azure", "kv", MOCK_AZURE_SUBSCRIPTION, "zzzz"), "another generation, another name");
        assert.equal(byName(g, T.keyVault, "keys-kms-vault").inputs.vaultName, keyVaultName("platform-dev-azure", "kms", MOCK_AZURE_SUBSCRIPTION, generation));
        assert.equal(byName(g, T.workspace, "monitoring-workspace").inputs.workspaceName, `platform-dev-azure-logs-${generation}`);
        // Purge protection stays on in every environment (policy azure-keyvault-vault-require-purge-protection).
        assert.equal((kv.properties as Record<string, unknown>).enablePurgeProtection, true);
        assert.deepEqual((byName(g, T.rsv, "backup-vault").inputs as Record<string, any>).properties.securitySettings.softDeleteSettings, { softDeleteState: "Disabled" });
    });

    it("prod (and staging): deterministic names, no generation", async () => {
        for (const stack of ["staging-azure", "prod-azure"]) {
            const env = stack.split("-")[0];
            const g = await graphOf(stack);
            assert.deepEqual(ofType(g, "random:index/randomString:RandomString"), []);
            assert.equal(byName(g, T.keyVault, "keys-vault").inputs.vaultName, keyVaultName(`platform-${env}-azure`, "kv", MOCK_AZURE_SUBSCRIPTION));
            assert.equal(byName(g, T.workspace, "monitoring-workspace").inputs.workspaceName, `platform-${env}-azure-logs`);
        }
    });
});

describe("azure deploy-readiness: the propagation delays and role permissions the components use, against the catalogue's tables", () => {
    it("every role the components assign waits for its plane's documented delay (compared by plane with the independent table)", () => {
        for (const key of Object.keys(BUILT_IN_ROLES) as (keyof typeof BUILT_IN_ROLES)[]) {
            const row = builtInRoleByName(BUILT_IN_ROLE_NAMES[key]);
            assert.ok(row, key);
            const plane = planeOfRole(row.id);
            assert.equal(ROLE_PLANE[key], plane, `${key} (${row.name})`);
            assert.equal(PROPAGATION_SECONDS[ROLE_PLANE[key]], AZURE_RBAC_PROPAGATION[plane!].seconds, `${key}: ${AZURE_RBAC_PROPAGATION[plane!].source}`);
        }
        for (const p of Object.values(AZURE_RBAC_PROPAGATION)) {
            assert.match(p.source, /^https:\/\/learn\.microsoft\.com\/azure\//);
        }
        assert.deepEqual([durationSeconds("600s"), durationSeconds("10m"), durationSeconds("1m30s"), durationSeconds("soon"), durationSeconds("")], [600, 600, 90, undefined, undefined]);
    });

    it("the role permissions table: rows match the role table by name; the least built-in role carrying ASG joins is Network Contributor", () => {
        for (const r of AZURE_ROLE_PERMISSIONS) {
            assert.equal(r.id, builtInRoleByName(r.name)?.id, r.name);
        }
        const join = "Microsoft.Network/applicationSecurityGroups/joinIpConfiguration/action";
        assert.deepEqual(AZURE_ROLE_PERMISSIONS.filter((r) => roleGrants(r.id, join)).map((r) => r.name).sort(), ["Contributor", "Network Contributor", "Owner"]);
        assert.equal(roleGrants(ROLE_ID.Reader, "Microsoft.Compute/diskEncryptionSets/read"), true);
        assert.equal(roleGrants(ROLE_ID.Contributor, "Microsoft.Authorization/roleAssignments/write"), false, "NotActions apply");
        assert.equal(roleGrants(ROLE_ID["Key Vault Crypto User"], "Microsoft.KeyVault/vaults/keys/decrypt/action", true), true);
        assert.equal(roleGrants(ROLE_ID["Key Vault Secrets User"], "Microsoft.KeyVault/vaults/keys/decrypt/action", true), false);
        assert.equal(roleGrants("00000000-0000-0000-0000-000000000000", join), undefined);
    });
});

describe("azure deploy-readiness: encryption at host needs a supporting size (config edge)", () => {
    it("the shipped Azure sizes are all in known families", () => {
        for (const size of ["Standard_B2s", "Standard_B2ms", "Standard_D2s_v5", "Standard_D4s_v5", "Standard_D8s_v5", "Standard_D4ds_v5", "Standard_D8ds_v5", "Standard_DS2_v2"]) {
            assert.ok(hostEncryptionFamily(size), size);
        }
        for (const size of ["Standard_A2", "Basic_A1", "Standard_D4s_v3x"]) {
            assert.equal(hostEncryptionFamily(size), undefined, size);
        }
        for (const f of HOST_ENCRYPTION_FAMILIES) {
            assert.ok(f.evidence.length > 20, f.family);
        }
    });

    it("an Azure stack asking for a size outside them is refused before anything is created, naming the key, the value and the check", async () => {
        await assert.rejects(
            variantOf("dev-azure", { configOverrides: { "platform:bastion": { allowedCidrs: ["203.0.113.0/24"], instanceType: "Standard_A2" } } }),
            (err: Error) => {
                assert.match(
                    err.message,
                    /platform:bastion\.instanceType: "Standard_A2" is not a size the platform knows to support encryption at host \(families: .*\); pick one of those, or check the size with az vm list-skus --size Standard_A2 --query "\[0\]\.capabilities\[\?name=='EncryptionAtHostSupported'\]" and add its family to components\/config\/azure-vm-sizes\.ts with that evidence/,
                );
                return true;
            },
        );
    });
});

describe("azure deploy-readiness: the deployer's role assignments name its principal type (review finding 3)", () => {
    it("derived from how azure-native signs in: a service principal or managed identity with ARM_CLIENT_ID / ARM_USE_MSI, the CLI's user otherwise; the config key wins", () => {
        // Independent table of sign-in situations (Pulumi azure-native configuration page: ARM_CLIENT_ID
        // with a secret, OIDC or MSI; ARM_USE_MSI for a system-assigned identity; az login otherwise).
        const cases: [string | undefined, Record<string, string | undefined>, "User" | "ServicePrincipal"][] = [
            [undefined, {}, "User"],
            ["", { ARM_USE_OIDC: "true" }, "User"],
            [undefined, { ARM_CLIENT_ID: "11111111-1111-4111-8111-111111111111", ARM_USE_OIDC: "true" }, "ServicePrincipal"],
            [undefined, { ARM_USE_MSI: "true" }, "ServicePrincipal"],
            ["User", { ARM_CLIENT_ID: "11111111-1111-4111-8111-111111111111" }, "User"],
            ["ServicePrincipal", {}, "ServicePrincipal"],
        ];
        for (const [configured, env, expected] of cases) {
            assert.equal(azureDeployerPrincipalType(configured, env), expected, `${String(configured)} ${JSON.stringify(env)}`);
        }
    });

    it("every grant to the deployer carries it (azure-native would send User otherwise), and the config key reaches the graph", async () => {
        const deployerGrants = (g: ResourceGraph) => ofType(g, T.role).filter((r) => r.inputs.principalId === MOCK_AZURE_DEPLOYER_OBJECT_ID);
        const g = await graphOf("dev-azure");
        assert.deepEqual(deployerGrants(g).map((r) => r.name).sort(), ["cluster-admin-deployer", "keys-deployer-admin", "keys-deployer-kms-admin"]);
        for (const r of deployerGrants(g)) {
            assert.equal(r.inputs.principalType, azureDeployerPrincipalType(undefined, process.env), r.name);
        }
        const ci = await variantOf("dev-azure", { configOverrides: { "platform:azureDeployerPrincipalType": "ServicePrincipal" } });
        assert.deepEqual(deployerGrants(ci).map((r) => r.inputs.principalType), ["ServicePrincipal", "ServicePrincipal", "ServicePrincipal"]);
        // Every role assignment names a type explicitly (none left to the SDK's "User" default).
        for (const r of ofType(g, T.role)) {
            assert.ok(["User", "ServicePrincipal", "Group"].includes(String(r.inputs.principalType)), r.name);
        }
    });

    it("a wrong value, or the key on another cloud, is refused at the config edge naming the key", async () => {
        await assert.rejects(variantOf("dev-azure", { configOverrides: { "platform:azureDeployerPrincipalType": "Application" } }), /platform:azureDeployerPrincipalType: "Application" must be User or ServicePrincipal/);
        await assert.rejects(variantOf("dev-aws", { configOverrides: { "platform:azureDeployerPrincipalType": "User" } }), /platform:azureDeployerPrincipalType: applies to azure stacks only/);
    });
});

describe("azure deploy-readiness: role-assignment names follow what they grant (review finding 10)", () => {
    const scope = `/subscriptions/${MOCK_AZURE_SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv`;
    const role = `/subscriptions/${MOCK_AZURE_SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLES.keyVaultAdministrator}`;
    const laptop = "11111111-1111-4111-8111-111111111111";
    const ci = "22222222-2222-4222-8222-222222222222";

    it("a new deployer, scope or role gives a new name (create-before-delete never reuses the old one); the same triple, in any case, the same name; a GUID", () => {
        const base = roleAssignmentGuid(scope, laptop, role);
        assert.match(base, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        assert.notEqual(roleAssignmentGuid(scope, ci, role), base, "another principal (laptop -> CI)");
        assert.notEqual(roleAssignmentGuid(`${scope}2`, laptop, role), base, "another scope");
        assert.notEqual(roleAssignmentGuid(scope, laptop, role.replace(BUILT_IN_ROLES.keyVaultAdministrator, BUILT_IN_ROLES.keyVaultSecretsUser)), base, "another role");
        assert.equal(roleAssignmentGuid(scope.toUpperCase(), laptop.toUpperCase(), role), base, "ARM ids are case-insensitive");
    });

    for (const stack of ["dev-azure", "prod-azure"]) {
        it(`${stack}: every role assignment has its own name`, async () => {
            const names = ofType(await graphOf(stack), T.role).map((r) => String(r.inputs.roleAssignmentName));
            assert.equal(new Set(names).size, names.length);
        });
    }
});
