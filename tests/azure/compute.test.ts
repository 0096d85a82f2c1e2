/**
 * Azure VMs, keys and backups, read from the captured graph of dev-azure and prod-azure: the
 * bastion (the one public VM), the tool VMs (private, trusted launch, separate data disk,
 * system identity, bootstrap custom data without secret values), least-privilege role
 * assignments (exactly these), the Key Vault, the snapshot store and the Recovery Services
 * vault with a protected item per tool VM.
 */
import * as assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { TOOL_VM_ROLES } from "../../components/contracts";
import { childrenOf, ResourceGraph } from "../../offline/graph";
import { MOCK_AZURE_TENANT } from "../../offline/mocks-azure";
import { byName, graphOf, nameOfId, ofType, roleAssignments, T } from "./fixtures";

const decode = (b64: unknown): string => {
    const raw = Buffer.from(String(b64), "base64");
    return raw[0] === 0x1f ? gunzipSync(raw).toString("utf8") : raw.toString("utf8");
};

for (const stack of ["dev-azure", "prod-azure"]) {
    const prod = stack === "prod-azure";
    describe(`azure VMs, keys and backups (${stack})`, () => {
        let g: ResourceGraph;
        before(async () => {
            g = await graphOf(stack);
        });

        it("bastion: the only public VM, SSH key only, trusted launch, its ASG, a static Standard public IP", () => {
            const vm = byName(g, T.vm, "bastion-vm").inputs as Record<string, any>;
            const nic = byName(g, T.nic, "bastion-nic").inputs as Record<string, any>;
            const ip = byName(g, T.pip, "bastion-ip");
            assert.equal(nameOfId(g, nic.ipConfigurations[0].publicIPAddress.id), "bastion-ip");
            assert.deepEqual([ip.inputs.publicIPAllocationMethod, (ip.inputs.sku as { name: string }).name], ["Static", "Standard"]);
            // Created before the network (the API server NSG names it with a public API endpoint),
            // beside the Bastion component, aliased from inside it (no new address for old stacks).
            const bastion = ofType(g, "platform:azure:Bastion")[0];
            assert.equal(ip.parent, bastion.parent);
            // The alias names the Bastion component it lived in (the mock monitor keeps the stack's
            // type in its children's URNs, the engine does not: compared without it).
            const aliases = (ip.aliases ?? []).map((a) => JSON.parse(a) as { parentUrn?: string; name?: string });
            assert.deepEqual(aliases.map((a) => [a.name, a.parentUrn?.replace("::pulumi:pulumi:Stack$", "::")]), [[undefined, bastion.urn]]);
            assert.equal(nameOfId(g, nic.ipConfigurations[0].applicationSecurityGroups[0].id), "network-asg-bastion");
            assert.equal(nameOfId(g, nic.ipConfigurations[0].subnet.id), "network-subnet-public");
            assert.equal(vm.osProfile.adminUsername, "azureuser");
            assert.equal(vm.osProfile.adminPassword, undefined);
            assert.equal(vm.osProfile.linuxConfiguration.disablePasswordAuthentication, true);
            const key = byName(g, "tls:index/privateKey:PrivateKey", "bastion-ssh-key");
            assert.equal(key.inputs.algorithm, "ED25519");
            assert.deepEqual(vm.osProfile.linuxConfiguration.ssh.publicKeys, [{ path: "/home/azureuser/.ssh/authorized_keys", keyData: key.state.publicKeyOpenssh }]);
            assert.deepEqual(vm.securityProfile, { securityType: "TrustedLaunch", uefiSettings: { secureBootEnabled: true, vTpmEnabled: true }, encryptionAtHost: true });
            // Its own user-assigned identity, which reads the enrollment secret only, granted and
            // propagated before the VM boots.
            assert.deepEqual(vm.identity, { type: "UserAssigned", userAssignedIdentities: [byName(g, T.uami, "bastion-identity").id] });
            const wait = byName(g, T.sleep, "bastion-grants-propagation");
            assert.deepEqual([wait.inputs.createDuration, [...wait.dependencies].sort()], ["600s", [byName(g, T.role, "bastion-read-enrollment-secret").urn, byName(g, T.role, "bastion-read-tls-secret").urn].sort()]);
            assert.ok(byName(g, T.vm, "bastion-vm").dependencies.includes(wait.urn));
            assert.ok(decode(vm.osProfile.customData).includes(String(byName(g, T.uami, "bastion-identity").state.clientId)), "the boot scripts ask IMDS for that identity");
            assert.match(decode(vm.osProfile.customData), /^#cloud-config\n/);
            assert.equal(g.outputs.bastionPublicIp, ip.state.ipAddress);
            assert.ok(g.secretOutputs.includes("bastionPrivateKeyPem"));
        });

        for (const role of TOOL_VM_ROLES) {
            it(`${role}: private (no public IP), fixed address, trusted launch, encryption at host, separate data disk at LUN 0, its own user-assigned identity granted BEFORE it boots, zone`, () => {
                const vm = byName(g, T.vm, `${role}-vm`).inputs as Record<string, any>;
                const nic = byName(g, T.nic, `${role}-nic`).inputs as Record<string, any>;
                const disk = byName(g, T.disk, `${role}-data`).inputs as Record<string, any>;
                const offsets = { jenkins: 10, vault: 11, wazuh: 12 };
                const zones = prod ? { jenkins: "1", vault: "2", wazuh: "3" } : { jenkins: "1", vault: "2", wazuh: "1" };
                assert.equal(nic.ipConfigurations.length, 1);
                assert.equal(nic.ipConfigurations[0].publicIPAddress, undefined);
                assert.equal(nic.ipConfigurations[0].privateIPAllocationMethod, "Static");
                assert.equal(nic.ipConfigurations[0].privateIPAddress, `10.${prod ? 70 : 50}.128.${offsets[role]}`);
                assert.equal(nameOfId(g, nic.ipConfigurations[0].subnet.id), "network-subnet-tools");
                assert.equal(nameOfId(g, nic.ipConfigurations[0].applicationSecurityGroups[0].id), `network-asg-${role}`);
                assert.deepEqual(vm.securityProfile, { securityType: "TrustedLaunch", uefiSettings: { secureBootEnabled: true, vTpmEnabled: true }, encryptionAtHost: true });
                assert.deepEqual(vm.identity, { type: "UserAssigned", userAssignedIdentities: [byName(g, T.uami, `${role}-identity`).id] });
                // Every grant of that identity is followed by the Key Vault / storage propagation
                // wait (10 minutes), and the VM waits for it.
                const wait = byName(g, T.sleep, `${role}-grants-propagation`);
                // (Jenkins' Cluster User grant on the cluster is not a boot grant: the VM never
                // waits for the cluster; tests/azure/cluster.test.ts covers it.)
                const grants = ofType(g, T.role).filter((r) => r.inputs.principalId === byName(g, T.uami, `${role}-identity`).state.principalId && r.name !== "cluster-jenkins-cluster-user");
                assert.deepEqual(
                    grants.map((r) => r.name).sort(),
                    role === "vault"
                        ? ["vault-read-enrollment-secret", "vault-read-tls-secret", "vault-snapshot-write", "vault-unseal-key"]
                        : role === "jenkins"
                          ? ["jenkins-home-archive-write", "jenkins-read-enrollment-secret", "jenkins-read-tls-secret"]
                          : [`${role}-read-enrollment-secret`, `${role}-read-tls-secret`],
                );
                assert.equal(wait.inputs.createDuration, "600s");
                assert.deepEqual([...wait.dependencies].sort(), grants.map((r) => r.urn).sort());
                assert.ok(byName(g, T.vm, `${role}-vm`).dependencies.includes(wait.urn));
                assert.deepEqual(vm.zones, [zones[role]]);
                assert.deepEqual(disk.zones, [zones[role]], "the data disk lives in the VM's zone");
                assert.deepEqual(vm.storageProfile.dataDisks, [{ lun: 0, createOption: "Attach", caching: "None", deleteOption: "Detach", managedDisk: { id: byName(g, T.disk, `${role}-data`).id } }]);
                assert.equal(vm.osProfile.linuxConfiguration.disablePasswordAuthentication, true);
                assert.deepEqual(vm.storageProfile.imageReference, { publisher: "Canonical", offer: "ubuntu-24_04-lts", sku: "server", version: "latest" });
                assert.equal(disk.networkAccessPolicy, "DenyAll");
                assert.equal(disk.publicNetworkAccess, "Disabled");
                const des = prod ? byName(g, T.des, "keys-des").id : undefined;
                assert.deepEqual(disk.encryption, prod ? { type: "EncryptionAtRestWithCustomerKey", diskEncryptionSetId: des } : { type: "EncryptionAtRestWithPlatformKey" });
                assert.deepEqual(vm.storageProfile.osDisk.managedDisk, prod ? { storageAccountType: "Premium_LRS", diskEncryptionSet: { id: des } } : { storageAccountType: "Premium_LRS" });
            });

            it(`${role}: custom data is the bootstrap cloud-config, with references and no secret value`, () => {
                const data = decode((byName(g, T.vm, `${role}-vm`).inputs as Record<string, any>).osProfile.customData);
                assert.match(data, /^#cloud-config\n/);
                assert.ok(data.includes(`platform-${stack.split("-")[0]}-azure-${role}`), "host name");
                const password = byName(g, "random:index/randomPassword:RandomPassword", "keys-enrollment-password").state.result as string;
                assert.ok(!data.includes(password), "the enrollment password itself never enters custom data");
                assert.ok(data.includes("wazuh-enrollment-password"), "the secret is referenced by name");
                if (role === "vault") {
                    const kv = byName(g, T.keyVault, "keys-vault").inputs.vaultName as string;
                    assert.ok(data.includes(`seal "azurekeyvault"`), "Key Vault auto-unseal");
                    assert.ok(data.includes(`tenant_id  = "${MOCK_AZURE_TENANT}"`) || data.includes(MOCK_AZURE_TENANT), "tenant");
                    assert.ok(data.includes(kv) && data.includes("vault-unseal"), "its vault and key");
                    assert.ok(!/client_secret/.test(data), "managed identity, no client secret");
                    assert.ok(data.includes(`client_id  = "${String(byName(g, T.uami, "vault-identity").state.clientId)}"`), "the seal names the VM's user-assigned identity");
                }
            });
        }

        it("TLS: one CA; each VM's certificate names its host and fixed address, in the platform Key Vault, written once the deployer's data-plane role has propagated", () => {
            const caCert = byName(g, "tls:index/selfSignedCert:SelfSignedCert", "internal-ca-cert");
            assert.equal(g.outputs.internalCaCertPem, caCert.state.certPem);
            const vault = byName(g, T.keyVault, "keys-vault");
            for (const role of ["bastion", ...TOOL_VM_ROLES]) {
                const secret = byName(g, T.secret, `${role}-tls-secret`);
                assert.equal(secret.inputs.secretName, `tls-${role}`);
                assert.equal(secret.inputs.vaultName, vault.state.name);
                assert.ok(secret.secretPaths.some((p) => p.startsWith("properties")), "the bundle (with the key) is a Pulumi secret");
                assert.ok(secret.dependencies.includes(byName(g, T.sleep, "keys-deployer-admin-propagation").urn));
                const nic = byName(g, T.nic, `${role}-nic`).inputs as Record<string, any>;
                const ip = nic.ipConfigurations[0].privateIPAddress;
                const csr = byName(g, "tls:index/certRequest:CertRequest", `${role === "bastion" ? "bastion-tls" : `${role}-tls`}-cert-csr`);
                assert.deepEqual(csr.inputs.ipAddresses, [ip, "127.0.0.1"]);
                assert.deepEqual(csr.inputs.dnsNames, [`platform-${stack.split("-")[0]}-azure-${role}`, "localhost"]);
            }
        });

        it("role assignments: exactly these (least privilege, each scoped to one object)", () => {
            assert.deepEqual(roleAssignments(g), [
                // The Jenkins VM looks the cluster up (server, CA) to start build agents (issue 22).
                "Azure Kubernetes Service Cluster User Role on cluster-aks to jenkins-identity",
                "Azure Kubernetes Service RBAC Cluster Admin on cluster-aks to deployer",
                "Key Vault Administrator on keys-kms-vault to deployer",
                "Key Vault Administrator on keys-vault to deployer",
                ...(prod ? ["Key Vault Crypto Service Encryption User on keys-disks to keys-des"] : []),
                "Key Vault Crypto User on keys-kms-vault to cluster-identity",
                "Key Vault Crypto User on keys-vault-unseal to vault-identity",
                // Each VM reads its own TLS bundle (certificate of the platform CA) and nothing else's.
                "Key Vault Secrets User on bastion-tls-secret to bastion-identity",
                "Key Vault Secrets User on jenkins-tls-secret to jenkins-identity",
                "Key Vault Secrets User on keys-enrollment-secret to bastion-identity",
                "Key Vault Secrets User on keys-enrollment-secret to jenkins-identity",
                "Key Vault Secrets User on keys-enrollment-secret to vault-identity",
                "Key Vault Secrets User on keys-enrollment-secret to wazuh-identity",
                "Key Vault Secrets User on vault-tls-secret to vault-identity",
                "Key Vault Secrets User on wazuh-tls-secret to wazuh-identity",
                "Network Contributor on network-subnet-api-server to cluster-identity",
                "Network Contributor on network-subnet-nodes to cluster-identity",
                ...(prod ? ["Reader on keys-des to cluster-identity"] : []),
                // The JENKINS_HOME archive (issue 22): Jenkins' own container, never Vault's snapshots.
                "Storage Blob Data Contributor on backup-jenkins-home-container to jenkins-identity",
                "Storage Blob Data Contributor on backup-snapshots-container to vault-identity",
            ]);
            for (const r of ofType(g, T.role)) {
                assert.match(String(r.inputs.roleAssignmentName), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, r.name);
            }
        });

        it(`Key Vault: RBAC authorization, purge protection, soft delete by env, ${prod ? "public network access disabled (private endpoint)" : "firewall closed but for the subnets its readers live in (bastion included)"}`, () => {
            const kv = byName(g, T.keyVault, "keys-vault");
            const p = kv.inputs.properties as Record<string, any>;
            assert.equal(p.enableRbacAuthorization, true);
            assert.equal(p.enablePurgeProtection, true);
            assert.equal(p.softDeleteRetentionInDays, prod ? 90 : 7);
            assert.equal(p.accessPolicies, undefined);
            assert.equal(p.tenantId, MOCK_AZURE_TENANT);
            assert.equal(p.networkAcls.defaultAction, "Deny");
            assert.equal(p.networkAcls.bypass, "AzureServices");
            if (prod) {
                assert.equal(p.publicNetworkAccess, "Disabled");
                assert.equal(p.networkAcls.virtualNetworkRules, undefined);
            } else {
                assert.equal(p.publicNetworkAccess, "Enabled");
                assert.deepEqual(
                    p.networkAcls.virtualNetworkRules.map((r: { id: string; ignoreMissingVnetServiceEndpoint: boolean }) => [nameOfId(g, r.id), r.ignoreMissingVnetServiceEndpoint]),
                    [["network-subnet-nodes", false], ["network-subnet-tools", false], ["network-subnet-public", false]],
                );
            }
            assert.match(String(kv.inputs.vaultName), /^[a-z][a-z0-9-]{1,22}[a-z0-9]$/);
            const keys = ofType(g, T.key).map((k) => [k.inputs.keyName, (k.inputs.properties as Record<string, unknown>).kty, (k.inputs.properties as Record<string, unknown>).keySize]);
            assert.deepEqual(keys, [["aks-kms", "RSA", 3072], ["vault-unseal", "RSA", 3072], ...(prod ? [["disks", "RSA", 3072]] : [])]);
            const inVault = (k: string) => nameOfId(g, `${String(byName(g, T.key, `keys-${k}`).id).split("/keys/")[0]}`);
            assert.deepEqual([inVault("aks-kms"), inVault("vault-unseal")], ["keys-kms-vault", "keys-vault"]);
            // Keys and the secret are written once the deployer's data-plane role on their vault has
            // propagated (Key Vault: up to 10 minutes).
            for (const [vaultGrant, wait] of [["keys-deployer-admin", "keys-deployer-admin-propagation"], ["keys-deployer-kms-admin", "keys-deployer-kms-admin-propagation"]]) {
                const sleep = byName(g, T.sleep, wait);
                assert.deepEqual([sleep.inputs.createDuration, sleep.dependencies], ["600s", [byName(g, T.role, vaultGrant).urn]]);
            }
            for (const r of [...ofType(g, T.key), ...ofType(g, T.secret)]) {
                const wait = byName(g, T.sleep, r.name === "keys-aks-kms" ? "keys-deployer-kms-admin-propagation" : "keys-deployer-admin-propagation");
                assert.ok(r.dependencies.includes(wait.urn), `${r.name} waits for the deployer's role to propagate`);
            }
        });

        it("AKS KMS vault: holds only the etcd key, RBAC and purge protection, public network access (AKS's public key vault mode cannot pass a selected-networks firewall)", () => {
            const kv = byName(g, T.keyVault, "keys-kms-vault");
            const p = kv.inputs.properties as Record<string, any>;
            assert.deepEqual([p.enableRbacAuthorization, p.enablePurgeProtection, p.softDeleteRetentionInDays, p.accessPolicies], [true, true, prod ? 90 : 7, undefined]);
            assert.deepEqual(p.networkAcls, { defaultAction: "Allow", bypass: "AzureServices" });
            const keysIn = ofType(g, T.key).filter((k) => String(k.id).startsWith(`${String(kv.id)}/`));
            assert.deepEqual(keysIn.map((k) => k.name), ["keys-aks-kms"]);
            // Only the cluster identity may use it (and the deployer administers it).
            const onKms = roleAssignments(g).filter((l) => l.includes(" on keys-aks-kms ") || l.includes(" on keys-kms-vault "));
            assert.deepEqual(onKms, ["Key Vault Administrator on keys-kms-vault to deployer", "Key Vault Crypto User on keys-kms-vault to cluster-identity"]);
        });

        it("snapshot store: public access off, Entra-only, TLS 1.2+, versioning and soft delete for the retention, tools subnet only", () => {
            const st = byName(g, T.storage, "backup-snapshots").inputs as Record<string, any>;
            assert.match(st.accountName, /^[a-z0-9]{3,24}$/);
            assert.deepEqual([st.allowBlobPublicAccess, st.allowSharedKeyAccess, st.minimumTlsVersion, st.enableHttpsTrafficOnly], [false, false, "TLS1_2", true]);
            assert.equal(st.networkRuleSet.defaultAction, "Deny");
            if (prod) {
                // Reached through its private endpoint only.
                assert.deepEqual([st.publicNetworkAccess, st.networkRuleSet.virtualNetworkRules], ["Disabled", undefined]);
            } else {
                assert.equal(st.publicNetworkAccess, "Enabled");
                assert.deepEqual(st.networkRuleSet.virtualNetworkRules.map((r: { virtualNetworkResourceId: string }) => nameOfId(g, r.virtualNetworkResourceId)), ["network-subnet-tools"]);
            }
            assert.deepEqual(st.sku, { name: prod ? "Standard_ZRS" : "Standard_LRS" });
            const days = prod ? 35 : 7;
            const blob = byName(g, T.blobService, "backup-snapshots-blob").inputs;
            assert.deepEqual([blob.isVersioningEnabled, blob.deleteRetentionPolicy, blob.containerDeleteRetentionPolicy], [true, { enabled: true, days }, { enabled: true, days }]);
            assert.equal(byName(g, T.container, "backup-snapshots-container").inputs.publicAccess, "None");
        });

        it("backups: a Recovery Services vault, an enhanced daily policy kept by env, and one protected item per tool VM (nothing else)", () => {
            const backup = ofType(g, "platform:azure:Backup")[0];
            assert.deepEqual(childrenOf(g, backup.urn).map((r) => r.name).sort(), [
                "backup-daily",
                "backup-jenkins-home-container",
                "backup-snapshots",
                "backup-snapshots-blob",
                "backup-snapshots-container",
                "backup-vault",
                "jenkins-backup",
                "vault-backup",
                "wazuh-backup",
            ]);
            const vault = byName(g, T.rsv, "backup-vault").inputs as Record<string, any>;
            // Prod: soft delete always on and a locked immutable vault; dev: soft delete off, so
            // the vault can be deleted with the stack the same day.
            assert.deepEqual(
                vault.properties.securitySettings,
                prod
                    ? { softDeleteSettings: { softDeleteState: "AlwaysON", softDeleteRetentionPeriodInDays: 14 }, immutabilitySettings: { state: "Locked" } }
                    : { softDeleteSettings: { softDeleteState: "Disabled" } },
            );
            const policy = byName(g, T.policy, "backup-daily").inputs.properties as Record<string, any>;
            assert.equal(policy.policyType, "V2", "trusted launch VMs need the enhanced policy");
            assert.equal(policy.schedulePolicy.scheduleRunFrequency, "Daily");
            assert.deepEqual(policy.retentionPolicy.dailySchedule.retentionDuration, { count: prod ? 35 : 7, durationType: "Days" });
            const items = ofType(g, T.item);
            assert.deepEqual(items.map((i) => nameOfId(g, (i.inputs.properties as Record<string, unknown>).sourceResourceId)).sort(), ["jenkins-vm", "vault-vm", "wazuh-vm"]);
            for (const i of items) {
                const vmName = byName(g, T.vm, `${i.name.replace("-backup", "")}-vm`).inputs.vmName;
                assert.equal(i.inputs.protectedItemName, `vm;iaasvmcontainerv2;platform-${stack.split("-")[0]}-azure-rg;${vmName}`);
                assert.equal((i.inputs.properties as Record<string, unknown>).policyId, byName(g, T.policy, "backup-daily").id);
            }
            assert.equal(g.outputs.backupVaultName, `platform-${stack.split("-")[0]}-azure-backup`);
        });

        it(`protection: ${prod ? "every stateful resource protected and the resource group locked" : "nothing protected (dev is disposable), no lock"}`, () => {
            const protectedNames = g.resources.filter((r) => r.protect).map((r) => r.name).sort();
            if (!prod) {
                assert.deepEqual(protectedNames, []);
                assert.deepEqual(ofType(g, T.lock), []);
                return;
            }
            assert.deepEqual(protectedNames, [
                "backup-jenkins-home-container",
                "backup-snapshots",
                "backup-snapshots-container",
                "backup-vault",
                "bastion-host-key-key",
                "bastion-identity",
                "bastion-nic",
                "bastion-tls-secret",
                "bastion-vm",
                "cluster-aks",
                "internal-ca-key",
                "jenkins-backup",
                "jenkins-data",
                "jenkins-identity",
                "jenkins-nic",
                "jenkins-tls-secret",
                "jenkins-vm",
                "keys-aks-kms",
                "keys-des",
                "keys-disks",
                "keys-enrollment-secret",
                "keys-kms-vault",
                "keys-vault",
                "keys-vault-unseal",
                "monitoring-workspace",
                "network-flow-logs-storage",
                "resource-group",
                "resource-group-lock",
                "vault-backup",
                "vault-data",
                "vault-identity",
                "vault-nic",
                "vault-tls-secret",
                "vault-vm",
                "wazuh-backup",
                "wazuh-data",
                "wazuh-identity",
                "wazuh-nic",
                "wazuh-tls-secret",
                "wazuh-vm",
            ]);
            const lock = ofType(g, T.lock);
            assert.deepEqual(lock.map((l) => [l.inputs.level, l.inputs.resourceGroupName, l.inputs.lockName]), [["CanNotDelete", "platform-prod-azure-rg", "platform-prod-azure-no-delete"]]);
        });

        it("disk encryption set: prod only, customer key, versioned key URL auto-rotating and never reverted, its grant propagated before any disk or the cluster uses it", () => {
            const des = ofType(g, T.des);
            if (!prod) {
                assert.deepEqual(des, []);
                return;
            }
            const d = des[0].inputs as Record<string, any>;
            assert.equal(d.encryptionType, "EncryptionAtRestWithCustomerKey");
            assert.equal(d.rotationToLatestKeyVersionEnabled, true);
            // The versioned URL (the API requires the version segment) ...
            assert.equal(d.activeKey.keyUrl, byName(g, T.key, "keys-disks").state.keyUriWithVersion);
            assert.match(d.activeKey.keyUrl, /\/keys\/disks\/[0-9a-f]{32}$/);
            // ... which Azure moves on rotation: the program never sets it back.
            assert.deepEqual(des[0].ignoreChanges, ["activeKey.keyUrl"]);
            assert.ok(((byName(g, T.key, "keys-disks").inputs.properties as Record<string, any>).rotationPolicy.lifetimeActions as unknown[]).length === 1, "the disk key rotates yearly");
            const wait = byName(g, T.sleep, "keys-des-key-propagation");
            assert.deepEqual([wait.inputs.createDuration, wait.dependencies], ["600s", [byName(g, T.role, "keys-des-key").urn]]);
            for (const r of [...ofType(g, T.disk), ...ofType(g, T.vm), byName(g, T.aks, "cluster-aks")]) {
                assert.ok(r.dependencies.includes(wait.urn), `${r.name} waits for the set's key grant to propagate`);
            }
        });
    });
}
