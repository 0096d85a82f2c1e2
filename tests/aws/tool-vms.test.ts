/**
 * Tool VMs (Jenkins, Vault, Wazuh) and the bastion's bootstrap, from the captured graph:
 * placement, no public address, IMDSv2, encrypted root + data volumes, least-privilege roles,
 * user data from components/bootstrap with secret references only.
 */
import * as assert from "node:assert/strict";
import { byName, ofType, ResourceGraph } from "../../offline/graph";
import { byArn, byId, graphOf, gunzipUserData, nameOfId, policyOf, ROLES, subnetTier, T } from "./fixtures";

describe("aws tool VMs", () => {
    for (const stack of ["dev-aws", "prod-aws"]) {
        describe(stack, () => {
            let g: ResourceGraph;
            before(async () => {
                g = await graphOf(stack);
            });
            const vm = (role: string) => byName(g, T.instance, `${role}-instance`);

            it("builds one VM per role, each a platform:aws:ToolVm component", () => {
                assert.deepEqual(ofType(g, "platform:aws:ToolVm").map((c) => c.name).sort(), [...ROLES]);
                for (const role of ROLES) {
                    assert.equal(vm(role).parent, byName(g, "platform:aws:ToolVm", role).urn);
                    assert.equal((vm(role).inputs.tags as Record<string, string>).role, role);
                }
            });

            it("puts every VM in a private tools subnet at a fixed address, with no public IP", () => {
                const vms = ROLES.map(vm);
                for (const r of vms) {
                    assert.equal(subnetTier(g, r.inputs.subnetId), "tools", r.name);
                    assert.equal(r.inputs.associatePublicIpAddress, false);
                    assert.equal(r.state.publicIp, "");
                    assert.equal(r.state.privateIp, r.inputs.privateIp);
                }
                assert.equal(new Set(vms.map((r) => r.inputs.subnetId)).size, Math.min(3, (g.outputs.zones as string[]).length), "spread over the zones");
                const out = g.outputs.toolVms as Record<string, { privateIp: string }>;
                for (const role of ROLES) {
                    assert.equal(out[role].privateIp, vm(role).inputs.privateIp);
                }
            });

            it("requires IMDSv2 and encrypts the root with the volumes CMK", () => {
                for (const r of ROLES.map(vm)) {
                    assert.equal((r.inputs.metadataOptions as Record<string, unknown>).httpTokens, "required");
                    assert.equal((r.inputs.metadataOptions as Record<string, unknown>).httpPutResponseHopLimit, 1);
                    const root = r.inputs.rootBlockDevice as Record<string, unknown>;
                    assert.equal(root.encrypted, true);
                    assert.equal(byArn(g, root.kmsKeyId)!.name, "keys-volumes");
                }
            });

            it("attaches a separate CMK-encrypted data volume in the VM's zone, tagged for the daily backup", () => {
                for (const role of ROLES) {
                    const volume = byName(g, T.volume, `${role}-data`);
                    assert.equal(volume.inputs.encrypted, true);
                    assert.equal(byArn(g, volume.inputs.kmsKeyId)!.name, "keys-volumes");
                    const subnet = ofType(g, T.subnet).find((s) => s.id === vm(role).inputs.subnetId)!;
                    assert.equal(volume.inputs.availabilityZone, subnet.inputs.availabilityZone);
                    const tags = volume.inputs.tags as Record<string, string>;
                    assert.equal(tags.backup, "daily");
                    assert.equal(tags["backup-scope"], `platform-${stack.replace("-aws", "")}-aws`);
                    const att = byName(g, T.attachment, `${role}-data-attachment`);
                    assert.equal(att.inputs.volumeId, volume.id);
                    assert.equal(att.inputs.instanceId, vm(role).id);
                    assert.equal(att.inputs.deviceName, "/dev/sdf");
                }
            });

            it("renders the role's bootstrap as user data: references to secrets, never their values", () => {
                const password = String(byName(g, "random:index/randomPassword:RandomPassword", "wazuh-enrollment-password").state.result);
                const secretArn = String(g.outputs.wazuhEnrollmentSecretArn);
                const managerIp = String(vm("wazuh").inputs.privateIp);
                for (const role of [...ROLES, "bastion"]) {
                    const inputs = byName(g, T.instance, `${role}-instance`).inputs;
                    // Every document goes gzip-compressed: over EC2's 16 KB raw limit in clear.
                    const doc = gunzipUserData(inputs.userDataBase64);
                    assert.ok(doc.startsWith("#cloud-config\n"), role);
                    assert.ok(doc.includes(`role=${role} cloud=aws`), role);
                    assert.ok(doc.includes(secretArn), `${role} references the enrollment secret`);
                    const tlsArn = String(byName(g, T.secret, `${role}-tls-secret`).state.arn);
                    assert.ok(doc.includes(tlsArn), `${role} references its own TLS secret`);
                    assert.doesNotMatch(doc, /-----BEGIN [A-Z ]*PRIVATE KEY-----/, `${role}: no private key in user data`);
                    assert.ok(!doc.includes(password), `${role} user data must not contain the password`);
                    if (role !== "wazuh") {
                        assert.ok(doc.includes(managerIp), `${role} agent points at the manager`);
                    }
                }
                const vault = gunzipUserData(vm("vault").inputs.userDataBase64);
                const unsealKey = byName(g, T.key, "vault-unseal-key");
                assert.ok(vault.includes(String(unsealKey.state.keyId)), "seal uses the unseal key");
                assert.ok(vault.includes(String(g.outputs.vaultSnapshotBucket)), "snapshots go to the bucket");
                assert.ok(vault.includes(String(byName(g, T.volume, "vault-data").id).replace("-", "")), "raft on the data volume");
                // Uploads name the backup key (SSE-KMS), which the bucket policy requires.
                assert.ok(vault.includes(`'${String(byName(g, T.key, "keys-backup").state.arn)}'`), "the uploader names the backup key");
            });

            it("grants each role SSM core plus exactly what its bootstrap uses", () => {
                const secretArn = g.outputs.wazuhEnrollmentSecretArn;
                for (const role of ROLES) {
                    const iamRole = byName(g, T.role, `${role}-role`);
                    assert.deepEqual(policyOf(iamRole, "assumeRolePolicy").Statement[0].Principal, { Service: "ec2.amazonaws.com" });
                    const managed = ofType(g, T.attachPolicy).filter((a) => a.inputs.role === iamRole.state.name).map((a) => a.inputs.policyArn);
                    assert.deepEqual(managed, ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]);
                    const inline = ofType(g, T.rolePolicy).filter((p) => p.inputs.role === iamRole.state.name && p.name !== `${role}-no-ssm-parameters`);
                    assert.equal(inline.length, 1);
                    const grants = policyOf(inline[0]).Statement.map((s) => `${[s.Action].flat().sort().join("+")} on ${String(s.Resource)}`);
                    const secretsKey = String(byName(g, T.key, "keys-secrets").state.arn);
                    const expected = [
                        `secretsmanager:GetSecretValue on ${String(secretArn)}`,
                        `secretsmanager:GetSecretValue on ${String(byName(g, T.secret, `${role}-tls-secret`).state.arn)}`,
                        `kms:Decrypt on ${secretsKey}`,
                        `kms:Decrypt on ${secretsKey}`,
                    ];
                    if (role === "vault") {
                        const bucketArn = byName(g, T.bucket, "backup-vault-snapshots").state.arn;
                        expected.push(
                            `kms:Decrypt+kms:DescribeKey+kms:Encrypt on ${String(byName(g, T.key, "vault-unseal-key").state.arn)}`,
                            `s3:PutObject on ${String(bucketArn)}/vault-snapshots/*`,
                            `kms:Decrypt+kms:GenerateDataKey on ${String(byName(g, T.key, "keys-backup").state.arn)}`,
                            `iam:GetRole on ${String(iamRole.state.arn)}`,
                        );
                    }
                    if (role === "jenkins") {
                        // The daily JENKINS_HOME archive (issue 22): write-only, its own prefix.
                        const bucketArn = byName(g, T.bucket, "backup-vault-snapshots").state.arn;
                        expected.push(
                            `s3:PutObject on ${String(bucketArn)}/jenkins-home/*`,
                            `kms:Decrypt+kms:GenerateDataKey on ${String(byName(g, T.key, "keys-backup").state.arn)}`,
                            // Its agents' cluster: endpoint and CA (tests/aws/jenkins-agents.test.ts).
                            `eks:DescribeCluster on ${String(byName(g, T.cluster, "cluster-eks").state.arn)}`,
                        );
                    }
                    assert.deepEqual(grants.sort(), expected.sort());
                    for (const s of policyOf(inline[0]).Statement) {
                        assert.notEqual(s.Resource, "*", `${role}: no wildcard resource`);
                    }
                }
                // The backup key is usable by the Vault role through S3 only.
                const vaultPolicy = policyOf(ofType(g, T.rolePolicy).find((p) => p.name === "vault-policy")!);
                const kmsViaS3 = vaultPolicy.Statement.find((s) => s.Sid === "EncryptSnapshotsThroughS3");
                assert.deepEqual(kmsViaS3.Condition, { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } });
                // The secrets key: through Secrets Manager, for the enrollment secret only (its encryption context).
                for (const role of ROLES) {
                    const decrypt = policyOf(ofType(g, T.rolePolicy).find((p) => p.name === `${role}-policy`)!).Statement.find((s) => s.Sid === "DecryptWazuhEnrollmentPassword");
                    assert.deepEqual(decrypt.Condition, { StringEquals: { "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com", "kms:EncryptionContext:SecretARN": secretArn } }, role);
                }
            });

            it("encrypts the enrollment secret with the platform's secrets key, not the account-wide aws/secretsmanager key", () => {
                const secret = byName(g, T.secret, "wazuh-enrollment-secret");
                assert.equal(byArn(g, secret.inputs.kmsKeyId)!.name, "keys-secrets");
            });

            it("boots every VM only after its route out exists (NAT gateway, route table and association; public route for the bastion)", () => {
                const nats = ofType(g, "aws:ec2/natGateway:NatGateway");
                assert.ok(nats.length > 0);
                for (const role of ROLES) {
                    const instance = vm(role);
                    const subnetId = instance.inputs.subnetId;
                    const assoc = ofType(g, "aws:ec2/routeTableAssociation:RouteTableAssociation").find((a) => a.inputs.subnetId === subnetId)!;
                    const table = byId(g, assoc.inputs.routeTableId)!;
                    const nat = byId(g, (table.inputs.routes as { natGatewayId: string }[])[0].natGatewayId)!;
                    for (const needed of [assoc, table, nat]) {
                        assert.ok(instance.dependencies.includes(needed.urn), `${role} waits for ${needed.name}`);
                    }
                }
                const bastion = byName(g, T.instance, "bastion-instance");
                for (const name of ["network-igw", "network-public-rt", "network-public-rta-0"]) {
                    assert.ok(bastion.dependencies.some((d) => d.endsWith(`::${name}`)), `bastion waits for ${name}`);
                }
                if (stack === "prod-aws") {
                    for (const e of ofType(g, "aws:ec2/vpcEndpoint:VpcEndpoint")) {
                        assert.ok(vm("vault").dependencies.includes(e.urn), `vault waits for ${e.name}`);
                    }
                }
            });

            it("boots every VM (tool VMs and the bastion) only after its own security group's egress rules to address ranges: the group starts with none", () => {
                for (const instance of [...ROLES.map(vm), byName(g, T.instance, "bastion-instance")]) {
                    const groups = instance.inputs.vpcSecurityGroupIds as string[];
                    const rules = ofType(g, T.egress).filter((r) => groups.includes(r.inputs.securityGroupId as string) && r.inputs.cidrIpv4 !== undefined);
                    // Tool VMs: HTTPS and HTTP out; the bastion: those and SSH into the VPC.
                    assert.deepEqual(
                        rules.map((r) => r.inputs.fromPort as number).sort((a, b) => a - b),
                        instance.name === "bastion-instance" ? [22, 80, 443] : [80, 443],
                        `${instance.name}'s internet egress rules`,
                    );
                    for (const rule of rules) {
                        assert.ok(instance.dependencies.includes(rule.urn), `${instance.name} waits for ${rule.name}`);
                    }
                }
            });

            it("denies every VM role (tool VMs and the bastion) the SSM parameter reads AmazonSSMManagedInstanceCore grants on every resource", () => {
                for (const [roleName, policyName] of [...ROLES.map((r) => [`${r}-role`, `${r}-no-ssm-parameters`]), ["bastion-role", "bastion-no-ssm-parameters"]]) {
                    const iamRole = byName(g, T.role, roleName);
                    const deny = byName(g, T.rolePolicy, policyName);
                    assert.equal(deny.inputs.role, iamRole.state.name);
                    // Independent of the implementation's constant: the parameter-read actions of the SSM service authorization reference.
                    assert.deepEqual(policyOf(deny).Statement, [
                        { Sid: "NoSsmParameterReads", Effect: "Deny", Action: ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "ssm:GetParameterHistory"], Resource: "*" },
                    ]);
                }
            });

            it("lets only the Vault role use the unseal key", () => {
                const key = byName(g, T.key, "vault-unseal-key");
                assert.equal(key.inputs.enableKeyRotation, true);
                const users = policyOf(key).Statement.filter((s) => s.Sid !== "AccountAdministersKeyThroughIam");
                assert.deepEqual(users.map((s) => s.Principal.AWS), [byName(g, T.role, "vault-role").state.arn]);
                assert.deepEqual([...users[0].Action].sort(), ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt"]);
            });

            it("lets the bastion read the enrollment secret and its TLS secret, nothing else beyond SSM core; only the bastion has an SSH key pair", () => {
                const secretsKey = byName(g, T.key, "keys-secrets").state.arn;
                const p = policyOf(byName(g, T.rolePolicy, "bastion-read-enrollment-secret"));
                assert.deepEqual(p.Statement.map((s) => [s.Action, s.Resource]), [
                    ["secretsmanager:GetSecretValue", g.outputs.wazuhEnrollmentSecretArn],
                    ["kms:Decrypt", secretsKey],
                ]);
                const tls = policyOf(byName(g, T.rolePolicy, "bastion-read-tls-secret"));
                assert.deepEqual(tls.Statement.map((s) => [s.Action, s.Resource]), [
                    ["secretsmanager:GetSecretValue", byName(g, T.secret, "bastion-tls-secret").state.arn],
                    ["kms:Decrypt", secretsKey],
                ]);
                // Tool VMs have no key pair at all (Session Manager is their way in): no key for them exists.
                assert.deepEqual(ofType(g, "aws:ec2/keyPair:KeyPair").map((k) => k.name), ["bastion-key-pair"]);
                assert.equal(byName(g, T.instance, "bastion-instance").inputs.keyName, byName(g, "aws:ec2/keyPair:KeyPair", "bastion-key-pair").inputs.keyName);
                for (const role of ROLES) {
                    assert.equal(vm(role).inputs.keyName, undefined, role);
                }
                assert.equal(byArn(g, (byName(g, T.instance, "bastion-instance").inputs.rootBlockDevice as Record<string, unknown>).kmsKeyId)!.name, "keys-volumes");
            });

            it("stores the enrollment password in Secrets Manager under the AWS provider (region, default tags)", () => {
                const secret = byName(g, T.secret, "wazuh-enrollment-secret");
                assert.ok(secret.provider?.includes("pulumi:providers:aws::aws"), "explicit provider");
                const version = byName(g, "aws:secretsmanager/secretVersion:SecretVersion", "wazuh-enrollment-value");
                assert.ok(version.secretPaths.includes("secretString"), "the value is a Pulumi secret");
                assert.equal(version.inputs.secretId, secret.id);
            });

            it("issues each VM's certificate from the stack's CA for its host name, EC2 private DNS name and fixed address; the bundle is a secret", () => {
                const caCert = byName(g, "tls:index/selfSignedCert:SelfSignedCert", "internal-ca-cert");
                assert.equal(caCert.inputs.isCaCertificate, true);
                assert.equal(g.outputs.internalCaCertPem, caCert.state.certPem);
                for (const role of ROLES) {
                    const ip = String(vm(role).inputs.privateIp);
                    const csr = byName(g, "tls:index/certRequest:CertRequest", `${role}-tls-cert-csr`);
                    assert.deepEqual(csr.inputs.ipAddresses, [ip, "127.0.0.1"]);
                    assert.deepEqual(csr.inputs.dnsNames, [`platform-${stack.replace("-aws", "")}-aws-${role}`, `ip-${ip.replace(/\./g, "-")}.eu-west-1.compute.internal`, "localhost"]);
                    const cert = byName(g, "tls:index/locallySignedCert:LocallySignedCert", `${role}-tls-cert-cert`);
                    assert.equal(cert.inputs.caCertPem, caCert.state.certPem);
                    assert.deepEqual(cert.inputs.allowedUses, ["digital_signature", "server_auth"]);
                    const version = byName(g, "aws:secretsmanager/secretVersion:SecretVersion", `${role}-tls-value`);
                    assert.ok(version.secretPaths.includes("secretString"), "the bundle (with the key) is a Pulumi secret");
                    assert.equal(version.inputs.secretId, byName(g, T.secret, `${role}-tls-secret`).id);
                    assert.ok(vm(role).dependencies.includes(version.urn), `${role} boots after its certificate is stored`);
                }
            });

            it("uses the profile's tool VM instance type and a security group id as firewall identity", () => {
                const type = stack === "prod-aws" ? "m6i.xlarge" : "t3.large";
                for (const role of ROLES) {
                    assert.equal(vm(role).inputs.instanceType, type);
                    const out = (g.outputs.toolVms as Record<string, { securityGroupId: string }>)[role];
                    assert.equal(nameOfId(g, out.securityGroupId), `${role}-sg`);
                }
            });
        });
    }
});
