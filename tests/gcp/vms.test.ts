/**
 * GCP bastion, tool VMs, backups and keys: exact children, security-relevant inputs, and the
 * dev vs prod differences (protection, retention).
 */
import * as assert from "node:assert/strict";
import { TOOL_VM_ROLES } from "../../components/contracts";
import { GKE_NODE_ROLES, osLoginUser, VM_BASE_ROLES } from "../../components/gcp/iam";
import { KEY_ROTATION_PERIOD } from "../../components/gcp/kms";
import { labelValue, serviceAccountId, snapshotBucketName, toLabels } from "../../components/gcp/labels";
import { hostAddress } from "../../components/gcp/tool-vm";
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
            assert.match(i.bootDisk.initializeParams.image, /\/projects\/ubuntu-os-cloud\/global\/images\/ubuntu-2404-noble-amd64-v\d{8}$/);
            assert.deepEqual(byName(g, G.osLoginKey, "bastion-oslogin-key").inputs.user, MOCK_GCP_DEPLOYER);
            assert.equal(g.outputs.bastionSshUser, "platform_deployer_example_com");
            assert.deepEqual(byName(g, G.instanceIam, "bastion-oslogin").inputs.member, `user:${MOCK_GCP_DEPLOYER}`);
        });

        it("tool VMs: exact children; no external address, fixed addresses in the tools subnet, Shielded, OS Login, own SA, bootstrap user data without secrets", () => {
            for (const role of TOOL_VM_ROLES) {
                const extra =
                    role === "vault"
                        ? ["kms/cryptoKeyIAMMember:CryptoKeyIAMMember vault-unseal-cryptokeyencrypterdecrypter", "kms/cryptoKeyIAMMember:CryptoKeyIAMMember vault-unseal-viewer", "storage/bucketIAMMember:BucketIAMMember vault-snapshot-writer"]
                        : role === "jenkins"
                          ? ["storage/bucketIAMMember:BucketIAMMember jenkins-home-archive-writer"]
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
                const ud = String(i.metadata["user-data"]);
                assert.match(ud, /^#cloud-config\n/);
                assert.ok(ud.includes(`platform-${env}-gcp-wazuh-enrollment`), "the secret is referenced by id");
                assert.ok(!ud.includes("mock-"), "no secret value in user data");
                assert.deepEqual(i.attachedDisks, [{ source: byName(g, G.disk, `${role}-data`).state.selfLink, deviceName: "data", mode: "READ_WRITE" }]);
                assert.equal(i.bootDisk.source, byName(g, G.disk, `${role}-boot`).state.selfLink);
                // Minimal project roles: log and metric writing only.
                const roles = ofType(g, G.projectIam).filter((m) => m.inputs.member === `serviceAccount:${i.serviceAccount.email}`).map((m) => m.inputs.role).sort();
                assert.deepEqual(roles, [...VM_BASE_ROLES].sort(), role);
            }
            const vault = String(byName(g, G.instance, "vault-instance").inputs.metadata && (byName(g, G.instance, "vault-instance").inputs.metadata as Record<string, string>)["user-data"]);
            assert.match(vault, /seal "gcpckms"/);
        });

        it("disks: both disks of every tool VM on the daily snapshot schedule; protected in prod only", () => {
            const policy = byName(g, G.resourcePolicy, "backup-daily-snapshots");
            const disks = ofType(g, G.disk);
            assert.equal(disks.length, 6);
            const disksKey = byName(g, G.key, "keys-disks");
            const agentGrant = byName(g, G.keyIam, "keys-disks-compute-agent");
            for (const d of disks) {
                assert.deepEqual(d.inputs.resourcePolicies, [policy.id], d.name);
                assert.deepEqual(d.inputs.diskEncryptionKey, { kmsKeySelfLink: disksKey.id }, `${d.name}: CMEK`);
                assert.ok(d.dependencies.includes(agentGrant.urn), `${d.name} waits for the Compute Engine agent's grant`);
                assert.equal(d.protect, prod, d.name);
                assert.equal(d.inputs.type, "pd-balanced");
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
            assert.deepEqual(b.versioning, { enabled: true });
            assert.equal(b.lifecycleRules.length, 2);
            assert.equal(b.forceDestroy, !prod);
            assert.equal(bucket.protect, prod);
            assert.deepEqual(
                ofType(g, G.bucketIam).map((m) => [m.inputs.role, m.inputs.member]).sort(),
                // Create-only writers: Vault's snapshots, Jenkins' JENKINS_HOME archive (issue 22).
                [
                    ["roles/storage.objectCreator", `serviceAccount:platform-${env}-gcp-jenkins@${project}.iam.gserviceaccount.com`],
                    ["roles/storage.objectCreator", vaultSa],
                ],
            );
        });

        it("keys: one ring, two rotated keys; the ring and keys protected in prod", () => {
            assert.deepEqual(childList(g, "platform:gcp:Keys", "keys"), [
                "kms/cryptoKey:CryptoKey keys-disks",
                "kms/cryptoKey:CryptoKey keys-gke-secrets",
                "kms/cryptoKey:CryptoKey keys-vault-unseal",
                "kms/cryptoKeyIAMMember:CryptoKeyIAMMember keys-disks-compute-agent",
                "kms/keyRing:KeyRing keys-ring",
            ]);
            const grant = byName(g, G.keyIam, "keys-disks-compute-agent");
            assert.deepEqual(
                [grant.inputs.cryptoKeyId, grant.inputs.role, grant.inputs.member],
                [byName(g, G.key, "keys-disks").id, "roles/cloudkms.cryptoKeyEncrypterDecrypter", `serviceAccount:service-${mockProjectNumber(project)}@compute-system.iam.gserviceaccount.com`],
            );
            for (const r of [...ofType(g, G.key), ...ofType(g, G.keyRing)]) {
                assert.equal(r.protect, prod, r.name);
            }
            for (const k of ofType(g, G.key)) {
                assert.equal(k.inputs.rotationPeriod, KEY_ROTATION_PERIOD);
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
            }
        });

        it("APIs enabled and never disabled on destroy", () => {
            const services = ofType(g, G.service);
            assert.ok(services.length >= 8);
            for (const s of services) {
                assert.equal(s.inputs.disableOnDestroy, false, s.name);
                assert.equal(s.inputs.project, project);
            }
            assert.ok(services.some((s) => s.inputs.service === "container.googleapis.com"));
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
