/**
 * Backups and keys, and every difference between dev and prod the environment profiles
 * promise, each asserted on both captured graphs.
 */
import * as assert from "node:assert/strict";
import { byName, ofType, ResourceGraph } from "../../offline/graph";
import { byArn, graphOf, policyOf, ROLES, T } from "./fixtures";

describe("aws backups and keys", () => {
    for (const stack of ["dev-aws", "prod-aws"]) {
        describe(stack, () => {
            let g: ResourceGraph;
            before(async () => {
                g = await graphOf(stack);
            });

            it("has the five purpose keys, all rotated, each administered through IAM and used by named users or one service only", () => {
                const keys = ofType(g, T.key);
                assert.deepEqual(keys.map((k) => k.name).sort(), ["cluster-secrets-key", "keys-backup", "keys-volumes", "network-logs-key", "vault-unseal-key"]);
                for (const key of keys) {
                    assert.equal(key.inputs.enableKeyRotation, true, key.name);
                    const [admin, ...uses] = policyOf(key).Statement;
                    assert.equal(admin.Sid, "AccountAdministersKeyThroughIam");
                    assert.ok(uses.length > 0, `${key.name} has a use statement`);
                    for (const s of uses) {
                        const open = s.Principal.AWS === "*";
                        assert.ok(!open || s.Condition?.StringEquals?.["kms:ViaService"], `${key.name}/${s.Sid}: a '*' principal is only allowed through a service`);
                        assert.ok(!String(s.Action).includes("kms:*") && ![s.Action].flat().includes("kms:*"), `${key.name}/${s.Sid}: no admin actions`);
                    }
                }
                const backup = policyOf(byName(g, T.key, "keys-backup")).Statement.find((s) => s.Sid === "SnapshotBucketThroughS3Use")!;
                const bucket = String(byName(g, T.bucket, "backup-vault-snapshots").inputs.bucket);
                assert.deepEqual(backup.Condition.StringLike["kms:EncryptionContext:aws:s3:arn"], [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`]);
            });

            it("keeps daily recovery points in a CMK-encrypted vault, selecting this stack's tool VMs and data volumes by tag", () => {
                const vault = byName(g, T.backupVault, "backup-vault");
                assert.equal(byArn(g, vault.inputs.kmsKeyArn)!.name, "keys-backup");
                const plan = byName(g, T.backupPlan, "backup-plan");
                const rule = (plan.inputs.rules as any[])[0];
                assert.equal(rule.schedule, "cron(0 3 * * ? *)");
                assert.equal(rule.targetVaultName, vault.inputs.name);
                const selection = byName(g, T.backupSelection, "backup-selection");
                assert.equal(selection.inputs.planId, plan.id);
                assert.deepEqual(selection.inputs.selectionTags, [{ type: "STRINGEQUALS", key: "backup", value: "daily" }]);
                const prefix = `platform-${stack.replace("-aws", "")}-aws`;
                assert.deepEqual(selection.inputs.conditions, [{ stringEquals: [{ key: "aws:ResourceTag/backup-scope", value: prefix }] }]);
                // Everything the selection must find carries both tags.
                for (const role of ROLES) {
                    for (const r of [byName(g, T.instance, `${role}-instance`), byName(g, T.volume, `${role}-data`)]) {
                        const tags = r.inputs.tags as Record<string, string>;
                        assert.equal(tags.backup, "daily", r.name);
                        assert.equal(tags["backup-scope"], prefix, r.name);
                    }
                }
                const role = byName(g, T.role, "backup-role");
                assert.deepEqual(policyOf(role, "assumeRolePolicy").Statement[0].Principal, { Service: "backup.amazonaws.com" });
            });

            it("keeps Vault snapshots in a versioned, CMK-encrypted, private, TLS-only bucket that expires with the retention", () => {
                const bucket = byName(g, T.bucket, "backup-vault-snapshots");
                const of = (type: string) => ofType(g, type).find((r) => r.inputs.bucket === bucket.id)!;
                assert.equal((of("aws:s3/bucketVersioning:BucketVersioning").inputs.versioningConfiguration as Record<string, string>).status, "Enabled");
                const sse = (of("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs.rules as any[])[0];
                assert.equal(sse.applyServerSideEncryptionByDefault.sseAlgorithm, "aws:kms");
                assert.equal(byArn(g, sse.applyServerSideEncryptionByDefault.kmsMasterKeyId)!.name, "keys-backup");
                const pab = of("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs;
                for (const k of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]) {
                    assert.equal(pab[k], true, k);
                }
                const policy = policyOf(of("aws:s3/bucketPolicy:BucketPolicy")).Statement;
                assert.ok(policy.some((s) => s.Effect === "Deny" && s.Condition?.Bool?.["aws:SecureTransport"] === false));
                assert.equal((bucket.inputs.tags as Record<string, string>).purpose, "backup");
                // Both writers' prefixes expire (Vault's snapshots, the JENKINS_HOME archives): nothing kept forever.
                const rules = of("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules as any[];
                assert.deepEqual(
                    rules.map((r) => [r.filter.prefix, r.status, r.expiration.days, r.noncurrentVersionExpiration.noncurrentDays]),
                    ["vault-snapshots/", "jenkins-home/"].map((p) => [p, "Enabled", stack.startsWith("prod") ? 35 : 7, stack.startsWith("prod") ? 35 : 7]),
                );
            });
        });
    }
});

/** What differs between dev and prod, as the profiles say; each row is checked on both graphs. */
describe("aws dev vs prod (environment profiles)", () => {
    let dev: ResourceGraph;
    let prod: ResourceGraph;
    before(async () => {
        dev = await graphOf("dev-aws");
        prod = await graphOf("prod-aws");
    });

    const rows: { what: string; read: (g: ResourceGraph) => unknown; dev: unknown; prod: unknown }[] = [
        { what: "workload nodes capacity", read: (g) => byName(g, T.nodeGroup, "cluster-workload").inputs.capacityType, dev: "SPOT", prod: "ON_DEMAND" },
        { what: "system nodes capacity", read: (g) => byName(g, T.nodeGroup, "cluster-system").inputs.capacityType, dev: "ON_DEMAND", prod: "ON_DEMAND" },
        {
            what: "node group sizes (system, workload)",
            read: (g) => ["system", "workload"].map((p) => byName(g, T.nodeGroup, `cluster-${p}`).inputs.scalingConfig),
            dev: [
                { minSize: 2, maxSize: 3, desiredSize: 2 },
                { minSize: 1, maxSize: 4, desiredSize: 2 },
            ],
            prod: [
                { minSize: 3, maxSize: 5, desiredSize: 3 },
                { minSize: 3, maxSize: 12, desiredSize: 3 },
            ],
        },
        { what: "public API endpoint", read: (g) => (byName(g, T.cluster, "cluster-eks").inputs.vpcConfig as any).endpointPublicAccess, dev: true, prod: false },
        { what: "public API CIDRs", read: (g) => (byName(g, T.cluster, "cluster-eks").inputs.vpcConfig as any).publicAccessCidrs, dev: ["203.0.113.0/24"], prod: undefined },
        { what: "control-plane log retention (days)", read: (g) => byName(g, T.logGroup, "cluster-control-plane-logs").inputs.retentionInDays, dev: 30, prod: 365 },
        { what: "backup retention (days)", read: (g) => (byName(g, T.backupPlan, "backup-plan").inputs.rules as any[])[0].lifecycle.deleteAfter, dev: 7, prod: 35 },
        {
            // Vault's snapshots and the JENKINS_HOME archives.
            what: "snapshot and archive expiry (days)",
            read: (g) => (ofType(g, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")[0].inputs.rules as any[]).map((r) => [r.expiration.days, r.noncurrentVersionExpiration.noncurrentDays]),
            dev: [
                [7, 7],
                [7, 7],
            ],
            prod: [
                [35, 35],
                [35, 35],
            ],
        },
        { what: "EKS deletion protection", read: (g) => byName(g, T.cluster, "cluster-eks").inputs.deletionProtection, dev: false, prod: true },
        { what: "tool VM termination protection", read: (g) => ROLES.map((r) => byName(g, T.instance, `${r}-instance`).inputs.disableApiTermination), dev: [false, false, false], prod: [true, true, true] },
        { what: "backup vault / bucket force-destroy", read: (g) => [byName(g, T.backupVault, "backup-vault").inputs.forceDestroy, byName(g, T.bucket, "backup-vault-snapshots").inputs.forceDestroy], dev: [true, true], prod: [false, false] },
        { what: "data volume final snapshot", read: (g) => ROLES.map((r) => byName(g, T.volume, `${r}-data`).inputs.finalSnapshot), dev: [false, false, false], prod: [true, true, true] },
        { what: "enrollment secret recovery window", read: (g) => byName(g, T.secret, "wazuh-enrollment-secret").inputs.recoveryWindowInDays, dev: 0, prod: 30 },
    ];
    for (const row of rows) {
        it(`${row.what}: dev ${JSON.stringify(row.dev)}, prod ${JSON.stringify(row.prod)}`, () => {
            assert.deepEqual(row.read(dev), row.dev, "dev");
            assert.deepEqual(row.read(prod), row.prod, "prod");
        });
    }

    /** Stateful resources that must carry `protect` in prod, and must not in dev (ephemeral). */
    const STATEFUL: [string, string][] = [
        [T.cluster, "cluster-eks"],
        [T.key, "cluster-secrets-key"],
        [T.key, "keys-volumes"],
        [T.key, "keys-backup"],
        [T.key, "vault-unseal-key"],
        [T.key, "network-logs-key"],
        [T.backupVault, "backup-vault"],
        [T.bucket, "backup-vault-snapshots"],
        [T.secret, "wazuh-enrollment-secret"],
        // The platform CA's key (replacing it re-issues every certificate) and each VM's TLS secret.
        ["tls:index/privateKey:PrivateKey", "internal-ca-key"],
        [T.secret, "bastion-tls-secret"],
        // The bastion's SSH host key: replacing it changes the fingerprint every tunnel pins.
        ["tls:index/privateKey:PrivateKey", "bastion-host-key-key"],
        ...ROLES.flatMap((r): [string, string][] => [
            [T.volume, `${r}-data`],
            [T.instance, `${r}-instance`],
            [T.secret, `${r}-tls-secret`],
        ]),
    ];
    it("protects every stateful resource in prod and none in dev", () => {
        for (const [type, name] of STATEFUL) {
            assert.equal(byName(prod, type, name).protect, true, `prod ${name}`);
            assert.equal(byName(dev, type, name).protect, false, `dev ${name}`);
        }
    });
    it("protects nothing else (stateless resources stay replaceable)", () => {
        const expected = STATEFUL.map(([, name]) => name).sort();
        assert.deepEqual(prod.resources.filter((r) => r.protect).map((r) => r.name).sort(), expected);
    });
});
