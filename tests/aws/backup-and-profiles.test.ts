/**
 * Backups and keys, and every difference between dev and prod the environment profiles
 * promise, each asserted on both captured graphs.
 */
import * as assert from "node:assert/strict";
import { byName, ofType, ResourceGraph } from "../../offline/graph";
import { denyingStatements, IamRequest } from "../support/iam-eval";
import { byArn, graphOf, gunzipUserData, policyOf, ROLES, T } from "./fixtures";

describe("aws backups and keys", () => {
    for (const stack of ["dev-aws", "prod-aws"]) {
        describe(stack, () => {
            let g: ResourceGraph;
            before(async () => {
                g = await graphOf(stack);
            });

            it("has the six purpose keys, all rotated, each administered through IAM and used by named users or one service only", () => {
                const keys = ofType(g, T.key);
                assert.deepEqual(keys.map((k) => k.name).sort(), ["cluster-secrets-key", "keys-backup", "keys-secrets", "keys-volumes", "network-logs-key", "vault-unseal-key"]);
                for (const key of keys) {
                    assert.equal(key.inputs.enableKeyRotation, true, key.name);
                    const [admin, ...uses] = policyOf(key).Statement;
                    assert.equal(admin.Sid, "AccountAdministersKeyThroughIam");
                    // The secrets key grants no use in its policy: readers get kms:Decrypt in IAM,
                    // per secret (tests/aws/tool-vms.test.ts).
                    assert.equal(uses.length > 0, key.name !== "keys-secrets", `${key.name} use statements`);
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
                // Resources ORed, Conditions ANDed (API_BackupSelection): this account's instances and
                // volumes in this region, carrying both the daily tag and this stack's scope.
                assert.equal(selection.inputs.selectionTags, undefined, "no ListOfTags (ORed, not recommended)");
                assert.deepEqual(selection.inputs.resources, ["arn:aws:ec2:eu-west-1:123456789012:instance/*", "arn:aws:ec2:eu-west-1:123456789012:volume/*"]);
                const prefix = `platform-${stack.replace("-aws", "")}-aws`;
                assert.deepEqual(selection.inputs.conditions, [
                    {
                        stringEquals: [
                            { key: "aws:ResourceTag/backup", value: "daily" },
                            { key: "aws:ResourceTag/backup-scope", value: prefix },
                        ],
                    },
                ]);
                // Everything the selection must find carries both tags.
                for (const role of ROLES) {
                    for (const r of [byName(g, T.instance, `${role}-instance`), byName(g, T.volume, `${role}-data`)]) {
                        const tags = r.inputs.tags as Record<string, string>;
                        assert.equal(tags.backup, "daily", r.name);
                        assert.equal(tags["backup-scope"], prefix, r.name);
                    }
                }
                // AWS Backup's documented service-role trust: the principal, no source condition
                // (a condition the service does not send would make every job fail to assume it).
                const role = byName(g, T.role, "backup-role");
                assert.deepEqual(policyOf(role, "assumeRolePolicy").Statement, [{ Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole" }]);
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

            it("lets Vault's uploads through (single PUT and multipart) and refuses any object not encrypted with the backup key", () => {
                const bucket = byName(g, T.bucket, "backup-vault-snapshots");
                const policy = policyOf(ofType(g, "aws:s3/bucketPolicy:BucketPolicy").find((r) => r.inputs.bucket === bucket.id)!);
                const keyArn = String(byName(g, T.key, "keys-backup").state.arn);
                const otherKey = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000";
                const object = `${String(bucket.state.arn)}/vault-snapshots/2026-11-30T03-00-00Z.snap`;
                const put = (context: Record<string, string>): IamRequest => ({ action: "s3:PutObject", resource: object, context: { "aws:SecureTransport": "true", ...context } });
                const SSE = "s3:x-amz-server-side-encryption";
                const KEY = "s3:x-amz-server-side-encryption-aws-kms-key-id";
                const cases: [string, IamRequest, boolean][] = [
                    // `aws s3 cp --sse aws:kms --sse-kms-key-id <backup key ARN>`: PutObject, or CreateMultipartUpload (also s3:PutObject)
                    ["the uploader's PUT naming the backup key", put({ [SSE]: "aws:kms", [KEY]: keyArn }), true],
                    // UploadPart of that multipart upload: authorized as s3:PutObject, no SSE header (aws/aws-cli#4251)
                    ["an UploadPart (no SSE header)", put({}), true],
                    ["a PUT naming another KMS key", put({ [SSE]: "aws:kms", [KEY]: otherKey }), false],
                    ["a PUT asking for aws:kms without a key id (the aws/s3 key)", put({ [SSE]: "aws:kms" }), false],
                    ["a PUT asking for SSE-S3", put({ [SSE]: "AES256" }), false],
                    ["a PUT asking for DSSE-KMS with the backup key", put({ [SSE]: "aws:kms:dsse", [KEY]: keyArn }), false],
                    ["the uploader's PUT over plain HTTP", { ...put({ [SSE]: "aws:kms", [KEY]: keyArn }), context: { "aws:SecureTransport": "false", [SSE]: "aws:kms", [KEY]: keyArn } }, false],
                ];
                for (const [what, request, allowed] of cases) {
                    assert.equal(denyingStatements(policy, request).length === 0, allowed, `${what}: denied by ${denyingStatements(policy, request).join(", ") || "nothing"}`);
                }
                // What the Vault VM's uploader sends: `--sse aws:kms --sse-kms-key-id <this key ARN>` (its script
                // is executed in tests/bootstrap/boot.test.ts), the first request above.
                const vaultUserData = gunzipUserData(byName(g, T.instance, "vault-instance").inputs.userDataBase64);
                assert.ok(vaultUserData.includes("--sse aws:kms --sse-kms-key-id"), "the uploader names SSE-KMS and a key");
                assert.ok(vaultUserData.includes(keyArn), "the key it names is the backup key");
                // A request that names no key gets the bucket default: the backup key (checked above).
                const sse = (ofType(g, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").find((r) => r.inputs.bucket === bucket.id)!.inputs.rules as any[])[0];
                assert.equal(sse.applyServerSideEncryptionByDefault.kmsMasterKeyId, keyArn);
            });

            it("logs every request to the snapshot bucket into a private, TLS-only, SSE-S3 access-log bucket that only S3's log delivery may write, for this bucket only", () => {
                const source = byName(g, T.bucket, "backup-vault-snapshots");
                const target = byName(g, T.bucket, "snapshot-access-logs-bucket");
                const logging = byName(g, "aws:s3/bucketLogging:BucketLogging", "backup-vault-snapshots-logging");
                assert.equal(logging.inputs.bucket, source.id);
                assert.equal(logging.inputs.targetBucket, target.state.bucket);
                assert.equal(logging.inputs.targetPrefix, "vault-snapshots/");
                assert.deepEqual(logging.inputs.targetObjectKeyFormat, { partitionedPrefix: { partitionDateSource: "EventTime" } });
                // Configured after the whole log-bucket component exists, its policy granting delivery included
                // (the SDK records a dependency on a component as one on each of its children).
                const logBucketParts = g.resources.filter((r) => r.parent === byName(g, "platform:aws:AccessLogBucket", "snapshot-access-logs").urn);
                assert.ok(logBucketParts.some((r) => r.type === "aws:s3/bucketPolicy:BucketPolicy"));
                for (const part of logBucketParts) {
                    assert.ok(logging.dependencies.includes(part.urn), `logging waits for ${part.name}`);
                }
                const of = (type: string) => ofType(g, type).find((r) => r.inputs.bucket === target.id)!;
                // S3 server access logs support SSE-S3 only on the target (S3 user guide, enable-server-access-logging).
                assert.deepEqual((of("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs.rules as any[])[0].applyServerSideEncryptionByDefault, {
                    sseAlgorithm: "AES256",
                });
                assert.equal((of("aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs.rule as Record<string, string>).objectOwnership, "BucketOwnerEnforced");
                const pab = of("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs;
                for (const k of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]) {
                    assert.equal(pab[k], true, k);
                }
                const days = stack === "prod-aws" ? 365 : 30;
                assert.equal((of("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules as any[])[0].expiration.days, days);
                const policy = policyOf(of("aws:s3/bucketPolicy:BucketPolicy"));
                const deliver = (sourceArn: string, account: string, secure = "true"): IamRequest => ({
                    action: "s3:PutObject",
                    resource: `${String(target.state.arn)}/vault-snapshots/123456789012/eu-west-1/x/2026/11/30/log`,
                    context: { "aws:SecureTransport": secure, "aws:SourceArn": sourceArn, "aws:SourceAccount": account },
                });
                const allow = policy.Statement.filter((s: any) => s.Effect === "Allow");
                assert.deepEqual(
                    allow.map((s: any) => s.Principal),
                    [{ Service: "logging.s3.amazonaws.com" }],
                );
                assert.deepEqual(allow[0].Condition, { ArnLike: { "aws:SourceArn": source.state.arn }, StringEquals: { "aws:SourceAccount": "123456789012" } });
                assert.deepEqual(denyingStatements(policy, deliver(String(source.state.arn), "123456789012")), []);
                assert.deepEqual(denyingStatements(policy, deliver(String(source.state.arn), "123456789012", "false")), ["DenyInsecureTransport"]);
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
        { what: "workload nodes capacity", read: (g) => byName(g, T.nodeGroup, "cluster-workload-0").inputs.capacityType, dev: "SPOT", prod: "ON_DEMAND" },
        { what: "system nodes capacity", read: (g) => byName(g, T.nodeGroup, "cluster-system").inputs.capacityType, dev: "ON_DEMAND", prod: "ON_DEMAND" },
        {
            // The workload pool (dev 1/2/4, prod 3/3/12) is one group per zone, its sizes split
            // across them, the remainder to the first zones.
            what: "node group sizes (system, then the workload pool's group per zone)",
            read: (g) => ["system", "workload-0", "workload-1", "workload-2"].filter((k) => g.resources.some((r) => r.type === T.nodeGroup && r.name === `cluster-${k}`)).map((k) => byName(g, T.nodeGroup, `cluster-${k}`).inputs.scalingConfig),
            dev: [
                { minSize: 2, maxSize: 3, desiredSize: 2 },
                { minSize: 1, maxSize: 2, desiredSize: 1 },
                { minSize: 0, maxSize: 2, desiredSize: 1 },
            ],
            prod: [
                { minSize: 3, maxSize: 5, desiredSize: 3 },
                { minSize: 1, maxSize: 4, desiredSize: 1 },
                { minSize: 1, maxSize: 4, desiredSize: 1 },
                { minSize: 1, maxSize: 4, desiredSize: 1 },
            ],
        },
        { what: "public API endpoint", read: (g) => (byName(g, T.cluster, "cluster-eks").inputs.vpcConfig as any).endpointPublicAccess, dev: true, prod: false },
        { what: "public API CIDRs", read: (g) => (byName(g, T.cluster, "cluster-eks").inputs.vpcConfig as any).publicAccessCidrs, dev: ["203.0.113.0/24"], prod: undefined },
        { what: "control-plane log retention (days)", read: (g) => byName(g, T.logGroup, "cluster-control-plane-logs").inputs.retentionInDays, dev: 30, prod: 365 },
        { what: "backup retention (days)", read: (g) => (byName(g, T.backupPlan, "backup-plan").inputs.rules as any[])[0].lifecycle.deleteAfter, dev: 7, prod: 35 },
        {
            // Vault's snapshots and the JENKINS_HOME archives (the snapshot bucket's own rules).
            what: "snapshot and archive expiry (days)",
            read: (g) =>
                (ofType(g, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").find((r) => r.inputs.bucket === byName(g, T.bucket, "backup-vault-snapshots").id)!.inputs.rules as any[]).map((r) => [
                    r.expiration.days,
                    r.noncurrentVersionExpiration.noncurrentDays,
                ]),
            dev: [
                [7, 7],
                [7, 7],
            ],
            prod: [
                [35, 35],
                [35, 35],
            ],
        },
        {
            // Governance mode (no changeableForDays): removable only by a separate, logged call; the
            // minimum equals the plan's deleteAfter, or every backup job would fail.
            what: "backup vault lock",
            read: (g) => ofType(g, "aws:backup/vaultLockConfiguration:VaultLockConfiguration").map((l) => [l.inputs.backupVaultName, l.inputs.minRetentionDays, l.inputs.changeableForDays, l.protect]),
            dev: [],
            prod: [["platform-prod-aws-backup", 35, undefined, true]],
        },
        { what: "EKS deletion protection", read: (g) => byName(g, T.cluster, "cluster-eks").inputs.deletionProtection, dev: false, prod: true },
        // Explicit, and EXTENDED everywhere: under STANDARD EKS would upgrade the control plane under
        // the program's declared minor (view-upgrade-policy.html), and a downgrade is refused.
        { what: "EKS upgrade policy at the end of standard support", read: (g) => byName(g, T.cluster, "cluster-eks").inputs.upgradePolicy, dev: { supportType: "EXTENDED" }, prod: { supportType: "EXTENDED" } },
        { what: "tool VM termination protection", read: (g) => ROLES.map((r) => byName(g, T.instance, `${r}-instance`).inputs.disableApiTermination), dev: [false, false, false], prod: [true, true, true] },
        {
            what: "backup vault / snapshot bucket / access-log bucket force-destroy",
            read: (g) => [byName(g, T.backupVault, "backup-vault").inputs.forceDestroy, byName(g, T.bucket, "backup-vault-snapshots").inputs.forceDestroy, byName(g, T.bucket, "snapshot-access-logs-bucket").inputs.forceDestroy],
            dev: [true, true, true],
            prod: [false, false, false],
        },
        {
            what: "workload node instance types (Spot: one size, several families)",
            read: (g) => byName(g, T.nodeGroup, "cluster-workload-0").inputs.instanceTypes,
            dev: ["m6i.large", "m6a.large", "m7i.large", "m5.large"],
            prod: ["m6i.2xlarge"],
        },
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
        [T.key, "keys-secrets"],
        [T.key, "vault-unseal-key"],
        [T.key, "network-logs-key"],
        [T.backupVault, "backup-vault"],
        [T.bucket, "backup-vault-snapshots"],
        [T.bucket, "snapshot-access-logs-bucket"],
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
        // Plus prod's backup vault lock (prod only: removing it is a deliberate act).
        const expected = [...STATEFUL.map(([, name]) => name), "backup-vault-lock"].sort();
        assert.deepEqual(prod.resources.filter((r) => r.protect).map((r) => r.name).sort(), expected);
    });
});
