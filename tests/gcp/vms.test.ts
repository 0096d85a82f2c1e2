/**
 * GCP bastion, tool VMs, backups and keys: exact children, security-relevant inputs, and the
 * dev vs prod differences (protection, retention).
 */
import * as assert from "node:assert/strict";
import { TOOL_VM_ROLES } from "../../components/contracts";
import { GKE_NODE_ROLES, osLoginUser, VM_BASE_ROLES } from "../../components/gcp/iam";
import { KEY_ROTATION_PERIOD } from "../../components/gcp/kms";
import { REQUIRED_SERVICES } from "../../components/gcp/index";
import { labelValue, serviceAccountId, snapshotBucketName, toLabels } from "../../components/gcp/labels";
import { hostAddress } from "../../components/gcp/tool-vm";
import { checkConstraints, checkContext, CONSTRAINTS } from "../../offline/constraints";
import { byName, ofType, ResourceGraph } from "../../offline/graph";
import { MOCK_GCP_DEPLOYER, mockProjectNumber } from "../../offline/mocks-gcp";
import { byId, childList, G, graphOf } from "./fixtures";

const SHIELDED = { enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true };
const META = { "enable-oslogin": "TRUE", "block-project-ssh-keys": "TRUE", "serial-port-enable": "FALSE" };

for (const stack of ["dev-gcp", "prod-gcp"]) {
    describe(`gcp bastion, tool VMs, backups, keys (${stack})`, () => {
        let g: ResourceGraph;
        const env = stack.split("-")[0];
        const prod = env === "prod";
        const project = `platform-${env}-123456`;
        before(async () => {
            g = await graphOf(stack);
        });

        it("bastion: exact children; the only VM with an external address, on its reserved address; Shielded, OS Login, user data", () => {
            assert.deepEqual(childList(g, "platform:gcp:Bastion", "bastion"), [
                "compute/address:Address bastion-ip",
                "compute/instance:Instance bastion-instance",
                "compute/instanceIAMMember:InstanceIAMMember bastion-oslogin",
                "oslogin/sshPublicKey:SshPublicKey bastion-oslogin-key",
                "projects/iAMMember:IAMMember bastion-logging-logwriter",
                "projects/iAMMember:IAMMember bastion-monitoring-metricwriter",
                "secretmanager/secretIamMember:SecretIamMember bastion-read-enrollment",
                "secretmanager/secretIamMember:SecretIamMember bastion-read-tls",
                "serviceaccount/account:Account bastion-sa",
                "time:index/rotating:Rotating bastion-ssh-key-rotation",
                "tls:index/privateKey:PrivateKey bastion-ssh-key",
            ]);
            const vm = byName(g, G.instance, "bastion-instance");
            const i = vm.inputs as Record<string, any>;
            const address = byName(g, G.address, "bastion-ip");
            assert.deepEqual(i.networkInterfaces[0].accessConfigs, [{ natIp: address.state.address, networkTier: "PREMIUM" }]);
            assert.equal(i.networkInterfaces[0].subnetwork, `projects/${project}/regions/europe-west1/subnetworks/platform-${env}-gcp-public`);
            assert.deepEqual(i.shieldedInstanceConfig, SHIELDED);
            assert.deepEqual({ ...i.metadata, "user-data": undefined }, { ...META, "user-data": undefined });
            assert.match(i.metadata["user-data"], /^#cloud-config\n/);
            assert.equal(i.serviceAccount.email, byName(g, G.sa, "bastion-sa").state.email);
            assert.equal(i.canIpForward, false);
            assert.equal(i.bootDisk.kmsKeySelfLink, byName(g, G.key, "keys-disks").id, "CMEK boot disk");
            assert.equal(i.bootDisk.initializeParams.image, "projects/ubuntu-os-cloud/global/images/family/ubuntu-2404-lts-amd64", "by family URL: no getImage before the Compute API is on");
            assert.deepEqual(byName(g, G.osLoginKey, "bastion-oslogin-key").inputs.user, MOCK_GCP_DEPLOYER);
            assert.equal(g.outputs.bastionSshUser, "platform_deployer_example_com");
            assert.deepEqual(byName(g, G.instanceIam, "bastion-oslogin").inputs.member, `user:${MOCK_GCP_DEPLOYER}`);
            assert.equal(vm.deleteBeforeReplace, true);
            assert.equal(address.deleteBeforeReplace, true);
        });

        it("bastion: its secret grant comes BEFORE the VM boots (the enrollment secret, read by its own account only)", () => {
            const vm = byName(g, G.instance, "bastion-instance");
            const grant = byName(g, G.secretIam, "bastion-read-enrollment");
            assert.deepEqual([grant.inputs.secretId, grant.inputs.role, grant.inputs.member], [byName(g, G.secret, "wazuh-enrollment-secret").id, "roles/secretmanager.secretAccessor", `serviceAccount:platform-${env}-gcp-bastion@${project}.iam.gserviceaccount.com`]);
            assert.ok(vm.dependencies.includes(grant.urn), "the VM waits for its grant");
            for (const role of TOOL_VM_ROLES) {
                assert.ok(byName(g, G.instance, `${role}-instance`).dependencies.includes(byName(g, G.secretIam, `${role}-read-enrollment`).urn), role);
            }
        });

        it("bastion: the OS Login key expires (rotation + 14 days, in microseconds) and is regenerated with the rotation", () => {
            const rotation = byName(g, "time:index/rotating:Rotating", "bastion-ssh-key-rotation");
            assert.deepEqual(rotation.inputs, { rotationDays: 30 });
            const key = byName(g, G.osLoginKey, "bastion-oslogin-key");
            const expiry = Date.parse(String(rotation.state.rotationRfc3339)) + 14 * 86_400_000;
            assert.equal(key.inputs.expirationTimeUsec, String(BigInt(expiry) * 1000n));
            assert.equal(rotation.state.rotationRfc3339, "2026-12-31T00:00:00Z", "mock now + 30 days");
        });

        it("tool VMs: exact children; no external address, fixed addresses in the tools subnet, Shielded, OS Login, own SA, bootstrap user data without secrets", () => {
            for (const role of TOOL_VM_ROLES) {
                const extra =
                    role === "vault"
                        ? [
                              "compute/instanceIAMMember:InstanceIAMMember vault-gce-auth-instance-viewer",
                              "kms/cryptoKeyIAMMember:CryptoKeyIAMMember vault-unseal-cryptokeyencrypterdecrypter",
                              "kms/cryptoKeyIAMMember:CryptoKeyIAMMember vault-unseal-viewer",
                              "serviceaccount/iAMMember:IAMMember vault-gce-auth-sa-viewer",
                              "storage/bucketIAMMember:BucketIAMMember vault-snapshot-writer",
                          ]
                        : role === "jenkins"
                          ? ["projects/iAMMember:IAMMember jenkins-cluster-viewer", "storage/bucketIAMMember:BucketIAMMember jenkins-home-archive-writer"]
                          : [];
                assert.deepEqual(
                    childList(g, "platform:gcp:ToolVm", role),
                    [
                        `compute/disk:Disk ${role}-boot`,
                        `compute/disk:Disk ${role}-data`,
                        `compute/instance:Instance ${role}-instance`,
                        `compute/instanceIAMMember:InstanceIAMMember ${role}-oslogin`,
                        `projects/iAMMember:IAMMember ${role}-logging-logwriter`,
                        `projects/iAMMember:IAMMember ${role}-monitoring-metricwriter`,
                        `secretmanager/secretIamMember:SecretIamMember ${role}-read-enrollment`,
                        `secretmanager/secretIamMember:SecretIamMember ${role}-read-tls`,
                        `platform:gcp:TlsSecret ${role}-tls`,
                        `serviceaccount/account:Account ${role}-sa`,
                        ...extra,
                    ].sort(),
                );
                const vm = byName(g, G.instance, `${role}-instance`);
                const i = vm.inputs as Record<string, any>;
                assert.equal(i.networkInterfaces.length, 1);
                assert.equal(i.networkInterfaces[0].accessConfigs, undefined, `${role}: no external address`);
                assert.equal(i.networkInterfaces[0].networkIp, hostAddress(prod ? "10.70.128.0/22" : "10.50.128.0/22", { jenkins: 10, vault: 11, wazuh: 12 }[role]));
                assert.deepEqual(i.shieldedInstanceConfig, SHIELDED);
                assert.deepEqual({ ...i.metadata, "user-data": undefined }, { ...META, "user-data": undefined });
                assert.equal(i.serviceAccount.email, `platform-${env}-gcp-${role}@${project}.iam.gserviceaccount.com`);
                assert.equal(i.deletionProtection, prod);
                assert.equal(vm.protect, prod);
                assert.equal(vm.deleteBeforeReplace, true, `${role}: fixed name, address and disks`);
                const ud = String(i.metadata["user-data"]);
                assert.match(ud, /^#cloud-config\n/);
                assert.ok(ud.includes(`platform-${env}-gcp-wazuh-enrollment`), "the secret is referenced by id");
                assert.ok(!ud.includes("mock-"), "no secret value in user data");
                assert.deepEqual(i.attachedDisks, [{ source: byName(g, G.disk, `${role}-data`).state.selfLink, deviceName: "data", mode: "READ_WRITE" }]);
                assert.equal(i.bootDisk.source, byName(g, G.disk, `${role}-boot`).state.selfLink);
                // Minimal project roles: log and metric writing only; Jenkins also looks up the cluster.
                const roles = ofType(g, G.projectIam).filter((m) => m.inputs.member === `serviceAccount:${i.serviceAccount.email}`).map((m) => m.inputs.role).sort();
                assert.deepEqual(roles, [...VM_BASE_ROLES, ...(role === "jenkins" ? ["roles/container.clusterViewer"] : [])].sort(), role);
                // cloud-platform (IAM decides); Jenkins' token also names its e-mail, for GKE's RBAC.
                assert.deepEqual(
                    i.serviceAccount.scopes,
                    ["https://www.googleapis.com/auth/cloud-platform", ...(role === "jenkins" ? ["https://www.googleapis.com/auth/userinfo.email"] : [])],
                    role,
                );
            }
            const vault = String(byName(g, G.instance, "vault-instance").inputs.metadata && (byName(g, G.instance, "vault-instance").inputs.metadata as Record<string, string>)["user-data"]);
            assert.match(vault, /seal "gcpckms"/);
        });

        it("Jenkins -> GKE: clusters.get for its account (project level), granted before the VM; the VM never waits for the cluster; its token names its e-mail (catalogue: a mutation without userinfo.email fails)", () => {
            const sa = `serviceAccount:platform-${env}-gcp-jenkins@${project}.iam.gserviceaccount.com`;
            const viewer = byName(g, G.projectIam, "jenkins-cluster-viewer");
            assert.deepEqual(viewer.inputs, { project, role: "roles/container.clusterViewer", member: sa });
            const vm = byName(g, G.instance, "jenkins-instance");
            const cluster = byName(g, G.cluster, "cluster-gke");
            const ctx = checkContext(g);
            assert.ok(vm.dependencies.includes(viewer.urn), "the VM boots after the grant");
            assert.equal(ctx.dependsOn(vm, cluster), false, "names only: the VM never waits for the cluster");
            // Only Jenkins among the VMs holds a Kubernetes Engine role (the PR automation is not configured here).
            const gkeRoles = ofType(g, G.projectIam).filter((m) => String(m.inputs.role).startsWith("roles/container."));
            assert.deepEqual(gkeRoles.map((m) => [m.name, m.inputs.member]), [["jenkins-cluster-viewer", sa]]);
            // container.googleapis.com (the look-up) from a VM with no external address: Private Google
            // Access on its subnet, and HTTPS egress for its account.
            const subnet = ofType(g, G.subnet).find((n) => n.id === (vm.inputs as Record<string, any>).networkInterfaces[0].subnetwork)!;
            assert.deepEqual([subnet.inputs.name, subnet.inputs.privateIpGoogleAccess], [`platform-${env}-gcp-tools`, true]);
            const https = ofType(g, G.firewall).find((f) => f.inputs.name === `platform-${env}-gcp-out-vms-internet`)!.inputs as Record<string, any>;
            assert.ok(https.allows[0].ports.includes("443") && https.destinationRanges.includes("0.0.0.0/0") && https.targetServiceAccounts.includes(sa.replace(/^serviceAccount:/, "")));
            const entry = CONSTRAINTS.filter((c) => c.id === "gcp-gke-vm-token-email-scope");
            assert.equal(entry.length, 1);
            assert.deepEqual(checkConstraints(g, { entries: entry }), []);
            const copy = structuredClone(g) as ResourceGraph;
            const mutated = copy.resources.find((r) => r.type === G.instance && r.name === "jenkins-instance")!;
            (mutated.inputs as Record<string, any>).serviceAccount.scopes = ["https://www.googleapis.com/auth/cloud-platform"];
            const found = checkConstraints(copy, { entries: entry });
            assert.deepEqual(found.map((v) => v.name), ["jenkins-instance"]);
            assert.match(found[0].message, /^GKE would reject gcp:compute\/instance:Instance jenkins-instance: runs as platform-\w+-gcp-jenkins@.* no userinfo\.email/);
        });

        it("disks: both disks of every tool VM on the daily snapshot schedule; protected in prod only", () => {
            const policy = byName(g, G.resourcePolicy, "backup-daily-snapshots");
            const disks = ofType(g, G.disk);
            assert.equal(disks.length, 6);
            const disksKey = byName(g, G.key, "keys-disks");
            const agentGrant = byName(g, G.keyIam, "keys-disks-agent");
            const propagated = byName(g, "time:index/sleep:Sleep", "keys-grants-propagation");
            for (const d of disks) {
                assert.deepEqual(d.inputs.resourcePolicies, [policy.id], d.name);
                assert.deepEqual(d.inputs.diskEncryptionKey, { kmsKeySelfLink: disksKey.id }, `${d.name}: CMEK`);
                assert.ok(d.dependencies.includes(agentGrant.urn) && d.dependencies.includes(propagated.urn), `${d.name} waits for the Compute Engine agent's grant and its propagation`);
                assert.equal(d.protect, prod, d.name);
                assert.equal(d.deleteBeforeReplace, true, d.name);
                assert.equal(d.inputs.type, "pd-balanced");
                if (d.name.endsWith("-boot")) {
                    assert.equal(d.inputs.image, "projects/ubuntu-os-cloud/global/images/family/ubuntu-2404-lts-amd64");
                }
            }
            const sp = policy.inputs.snapshotSchedulePolicy as Record<string, any>;
            assert.deepEqual(sp.retentionPolicy, { maxRetentionDays: prod ? 35 : 7, onSourceDiskDelete: "KEEP_AUTO_SNAPSHOTS" });
            assert.deepEqual(sp.schedule, { dailySchedule: { daysInCycle: 1, startTime: "03:00" } });
            assert.equal(policy.protect, prod);
        });

        it("Vault: unseal key rotated, encrypter/decrypter granted only to Vault's SA; snapshot bucket locked down; create-only grant", () => {
            const unseal = byName(g, G.key, "keys-vault-unseal");
            assert.equal(unseal.inputs.rotationPeriod, KEY_ROTATION_PERIOD);
            assert.equal(KEY_ROTATION_PERIOD, "7776000s");
            const grants = ofType(g, G.keyIam).filter((m) => m.inputs.cryptoKeyId === unseal.id);
            const vaultSa = `serviceAccount:platform-${env}-gcp-vault@${project}.iam.gserviceaccount.com`;
            assert.deepEqual(grants.map((m) => [m.inputs.role, m.inputs.member]).sort(), [
                ["roles/cloudkms.cryptoKeyEncrypterDecrypter", vaultSa],
                ["roles/cloudkms.viewer", vaultSa],
            ]);
            const bucket = byName(g, G.bucket, "backup-vault-snapshots");
            const b = bucket.inputs as Record<string, any>;
            assert.equal(b.name, snapshotBucketName(project, `platform-${env}-gcp`));
            assert.equal(b.uniformBucketLevelAccess, true);
            assert.equal(b.publicAccessPrevention, "enforced");
            assert.deepEqual(b.encryption, { defaultKmsKeyName: byName(g, G.key, "keys-backups").id }, "CMEK");
            // Prod: immutable for the retention period (and so no versioning: the two exclude each other).
            assert.deepEqual(b.retentionPolicy, prod ? { retentionPeriod: String(35 * 86400), isLocked: false } : undefined);
            assert.deepEqual(b.versioning, prod ? undefined : { enabled: true });
            assert.equal(b.lifecycleRules.length, prod ? 1 : 2);
            assert.equal(b.forceDestroy, !prod);
            assert.equal(bucket.protect, prod);
            assert.equal(bucket.deleteBeforeReplace, true);
            const storageGrant = byName(g, G.keyIam, "keys-backups-agent");
            assert.equal(storageGrant.inputs.member, `serviceAccount:service-${mockProjectNumber(project)}@gs-project-accounts.iam.gserviceaccount.com`, "the Cloud Storage agent encrypts the objects");
            assert.ok(bucket.dependencies.includes(storageGrant.urn), "the bucket waits for the agent's grant");
            assert.deepEqual(
                ofType(g, G.bucketIam).map((m) => [m.inputs.role, m.inputs.member]).sort(),
                // Create-only writers: Vault's snapshots, Jenkins' JENKINS_HOME archive (issue 22).
                [
                    ["roles/storage.objectCreator", `serviceAccount:platform-${env}-gcp-jenkins@${project}.iam.gserviceaccount.com`],
                    ["roles/storage.objectCreator", vaultSa],
                ],
            );
        });

        it("Vault: its gce-type login works: compute.instances.get on its own VM, iam.serviceAccounts.get on its own account, nothing project-wide", () => {
            const vaultSa = `serviceAccount:platform-${env}-gcp-vault@${project}.iam.gserviceaccount.com`;
            const onVm = byName(g, G.instanceIam, "vault-gce-auth-instance-viewer");
            assert.deepEqual([onVm.inputs.instanceName, onVm.inputs.zone, onVm.inputs.role, onVm.inputs.member], [byName(g, G.instance, "vault-instance").state.name, byName(g, G.instance, "vault-instance").inputs.zone, "roles/compute.viewer", vaultSa]);
            const onSa = byName(g, "gcp:serviceaccount/iAMMember:IAMMember", "vault-gce-auth-sa-viewer");
            assert.deepEqual([onSa.inputs.serviceAccountId, onSa.inputs.role, onSa.inputs.member], [byName(g, G.sa, "vault-sa").state.name, "roles/iam.serviceAccountViewer", vaultSa]);
            assert.ok(!ofType(g, G.projectIam).some((m) => m.inputs.member === vaultSa && ["roles/compute.viewer", "roles/iam.serviceAccountViewer"].includes(String(m.inputs.role))), "never project-wide");
        });

        it("keys: one ring, four rotated keys, the three service agents' grants and their propagation; protected in prod; the ring re-creatable outside prod", () => {
            assert.deepEqual(childList(g, "platform:gcp:Keys", "keys"), [
                "kms/cryptoKey:CryptoKey keys-backups",
                "kms/cryptoKey:CryptoKey keys-disks",
                "kms/cryptoKey:CryptoKey keys-gke-secrets",
                "kms/cryptoKey:CryptoKey keys-vault-unseal",
                "kms/cryptoKeyIAMMember:CryptoKeyIAMMember keys-backups-agent",
                "kms/cryptoKeyIAMMember:CryptoKeyIAMMember keys-disks-agent",
                "kms/cryptoKeyIAMMember:CryptoKeyIAMMember keys-gke-secrets-agent",
                "kms/keyRing:KeyRing keys-ring",
                ...(prod ? [] : ["random:index/randomId:RandomId keys-ring-suffix"]),
                "time:index/sleep:Sleep keys-grants-propagation",
            ]);
            const grant = byName(g, G.keyIam, "keys-disks-agent");
            assert.deepEqual(
                [grant.inputs.cryptoKeyId, grant.inputs.role, grant.inputs.member],
                [byName(g, G.key, "keys-disks").id, "roles/cloudkms.cryptoKeyEncrypterDecrypter", `serviceAccount:service-${mockProjectNumber(project)}@compute-system.iam.gserviceaccount.com`],
            );
            assert.ok(grant.dependencies.includes(byName(g, G.service, "api-compute").urn), "the Compute Engine agent exists once its API is on");
            for (const r of [...ofType(g, G.key), ...ofType(g, G.keyRing)]) {
                assert.equal(r.protect, prod, r.name);
                assert.equal(r.deleteBeforeReplace, undefined, `${r.name}: never delete-first (keys cannot be deleted)`);
            }
            for (const k of ofType(g, G.key)) {
                assert.equal(k.inputs.rotationPeriod, KEY_ROTATION_PERIOD);
            }
            const ring = byName(g, G.keyRing, "keys-ring");
            if (prod) {
                assert.equal(ring.inputs.name, "platform-prod-gcp-keys", "prod: a fixed name (import after a destroy, README)");
            } else {
                const suffix = byName(g, "random:index/randomId:RandomId", "keys-ring-suffix");
                assert.deepEqual(suffix.inputs, { byteLength: 2, keepers: { prefix: `platform-${env}-gcp`, location: "europe-west1" } });
                assert.equal(ring.inputs.name, `platform-${env}-gcp-keys-${suffix.state.hex}`, "a per-creation suffix: a destroyed stack can be created again");
            }
        });

        it("enrollment secret: regional replica, readers are the four VMs' SAs, value only in the secret version (marked secret)", () => {
            const secret = byName(g, G.secret, "wazuh-enrollment-secret");
            assert.deepEqual(secret.inputs.replication, { userManaged: { replicas: [{ location: "europe-west1" }] } });
            assert.equal(secret.protect, prod);
            const readers = ofType(g, G.secretIam).filter((m) => m.inputs.secretId === secret.id).map((m) => String(m.inputs.member)).sort();
            assert.deepEqual(readers, ["bastion", "jenkins", "vault", "wazuh"].map((r) => `serviceAccount:platform-${env}-gcp-${r}@${project}.iam.gserviceaccount.com`));
            assert.ok(byName(g, G.secretVersion, "wazuh-enrollment-value").secretPaths.includes("secretData"));
            assert.equal(byId(g, secret.id)?.name, "wazuh-enrollment-secret");
        });

        it("TLS: one CA; each VM's certificate names its host, zonal internal DNS name and address, in a regional secret only that VM's SA reads", () => {
            const caCert = byName(g, "tls:index/selfSignedCert:SelfSignedCert", "internal-ca-cert");
            assert.equal(g.outputs.internalCaCertPem, caCert.state.certPem);
            assert.equal(byName(g, "tls:index/privateKey:PrivateKey", "internal-ca-key").protect, prod);
            for (const role of ["bastion", ...TOOL_VM_ROLES]) {
                const secret = byName(g, G.secret, `${role}-tls-secret`);
                assert.equal(secret.inputs.secretId, `platform-${env}-gcp-tls-${role}`);
                assert.deepEqual(secret.inputs.replication, { userManaged: { replicas: [{ location: "europe-west1" }] } });
                assert.equal(secret.protect, prod);
                const readers = ofType(g, G.secretIam).filter((m) => m.inputs.secretId === secret.id).map((m) => [m.inputs.role, m.inputs.member]);
                assert.deepEqual(readers, [["roles/secretmanager.secretAccessor", `serviceAccount:platform-${env}-gcp-${role}@${project}.iam.gserviceaccount.com`]]);
                const version = byName(g, G.secretVersion, `${role}-tls-value`);
                assert.ok(version.secretPaths.includes("secretData"), "the bundle (with the key) is a Pulumi secret");
                const vm = byName(g, G.instance, `${role}-instance`);
                const ip = (vm.inputs.networkInterfaces as { networkIp?: string }[])[0].networkIp ?? (vm.state.networkInterfaces as { networkIp: string }[])[0].networkIp;
                const csr = byName(g, "tls:index/certRequest:CertRequest", `${role}-tls-cert-csr`);
                assert.deepEqual(csr.inputs.ipAddresses, [ip, "127.0.0.1"]);
                assert.deepEqual(csr.inputs.dnsNames, [`platform-${env}-gcp-${role}`, `platform-${env}-gcp-${role}.${vm.inputs.zone}.c.${project}.internal`, "localhost"]);
                assert.ok(String(vm.inputs.metadata && (vm.inputs.metadata as Record<string, string>)["user-data"]).includes(`'platform-${env}-gcp-tls-${role}'`), `${role} reads its own TLS secret`);
                if (role !== "bastion") assert.ok(vm.dependencies.includes(version.urn), `${role} boots after its certificate is stored`);
                assert.ok(vm.dependencies.includes(ofType(g, G.secretIam).find((m) => m.inputs.secretId === secret.id)!.urn), `${role} boots after its TLS read grant`);
                assert.equal(secret.deleteBeforeReplace, true, "a fixed secret id");
            }
        });

        it("APIs enabled (Resource Manager and IAM Credentials too), never disabled on destroy, and waited for before anything uses them", () => {
            const services = ofType(g, G.service);
            assert.deepEqual(services.map((s) => s.inputs.service).sort(), [...REQUIRED_SERVICES].sort());
            for (const api of ["cloudresourcemanager.googleapis.com", "iamcredentials.googleapis.com", "compute.googleapis.com", "container.googleapis.com"]) {
                assert.ok(REQUIRED_SERVICES.includes(api as never), api);
            }
            for (const s of services) {
                assert.equal(s.inputs.disableOnDestroy, false, s.name);
                assert.equal(s.inputs.project, project);
            }
            const wait = byName(g, "time:index/sleep:Sleep", "api-propagation");
            assert.equal(wait.inputs.createDuration, "60s");
            assert.deepEqual([...wait.dependencies].sort(), services.map((s) => s.urn).sort());
        });
    });
}

describe("gcp helpers", () => {
    it("labels: lowercase, [a-z0-9_-], at most 63, deterministic", () => {
        assert.equal(labelValue("Platform.Team@Example.com"), "platform_team_example_com");
        assert.equal(labelValue("x".repeat(80)).length, 63);
        assert.deepEqual(toLabels({ Owner: "A B" }), { owner: "a_b" });
    });
    it("service account ids: 6-30 characters, deterministic hash when long", () => {
        assert.equal(serviceAccountId("platform-dev-gcp", "bastion"), "platform-dev-gcp-bastion");
        const long = serviceAccountId("platform-staging-gcp", "gke-nodes-extra");
        assert.ok(long.length <= 30 && long === serviceAccountId("platform-staging-gcp", "gke-nodes-extra"));
    });
    it("OS Login user names: users by email, service accounts by unique id", () => {
        assert.equal(osLoginUser("Alice.Smith@example.com"), "alice_smith_example_com");
        assert.equal(osLoginUser("ci@proj.iam.gserviceaccount.com", "123456789012345678901"), "sa_123456789012345678901");
        assert.throws(() => osLoginUser("ci@proj.iam.gserviceaccount.com"), /unique id is required/);
    });
    it("GKE node roles: the documented least-privilege set", () => {
        assert.deepEqual([...GKE_NODE_ROLES].sort(), [
            "roles/artifactregistry.reader",
            "roles/logging.logWriter",
            "roles/monitoring.metricWriter",
            "roles/monitoring.viewer",
            "roles/stackdriver.resourceMetadata.writer",
        ]);
    });
    it("host addresses skip GCP's reserved addresses", () => {
        assert.equal(hostAddress("10.0.0.0/24", 10), "10.0.0.10");
        assert.throws(() => hostAddress("10.0.0.0/24", 1), /reserves/);
        assert.throws(() => hostAddress("10.0.0.0/24", 254), /reserves/);
    });
});
