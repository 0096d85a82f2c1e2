/**
 * Contract tests: what every cloud's platform provides, asserted only through cloud-neutral
 * facts (stack outputs, component types, the Kubernetes provider). Azure and GCP join by adding
 * a row to CLOUDS; nothing below may name an AWS resource type.
 */
import * as assert from "node:assert/strict";
import { isIPv4 } from "node:net";
import { cidrContains, PRIVATE_RANGES } from "../../components/config/cidr";
import { TOOL_VM_ROLES } from "../../components/contracts";
import { runStack } from "../../offline/engine";
import { ofType, ResourceGraph } from "../../offline/graph";

interface CloudRow {
    readonly cloud: string;
    /** One restricted-endpoint and one private-endpoint stack at least. */
    readonly stacks: readonly string[];
}

export const CLOUDS: readonly CloudRow[] = [
    { cloud: "aws", stacks: ["dev-aws", "prod-aws"] },
    { cloud: "gcp", stacks: ["dev-gcp", "prod-gcp"] },
    { cloud: "azure", stacks: ["dev-azure", "prod-azure"] },
];

const isPrivate = (ip: string) => PRIVATE_RANGES.some((r) => cidrContains(r, `${ip}/32`));

for (const { cloud, stacks } of CLOUDS) {
    for (const stack of stacks) {
        describe(`contract: ${cloud} platform (${stack})`, () => {
            let g: ResourceGraph;
            let out: Record<string, any>;
            before(async () => {
                g = await runStack(stack);
                out = g.outputs as Record<string, any>;
            });

            it("builds one network, bastion and cluster and one VM per tool role, as platform components", () => {
                const count = (t: string) => ofType(g, `platform:${cloud}:${t}`).length;
                assert.equal(count("Network"), 1);
                assert.equal(count("Bastion"), 1);
                assert.equal(count("Cluster"), 1);
                assert.equal(count("ToolVm"), TOOL_VM_ROLES.length);
                assert.equal(out.cloud, cloud);
            });

            it("cluster: name, https endpoint, version, secret exec kubeconfig without static credentials", () => {
                assert.ok(typeof out.clusterName === "string" && out.clusterName.length > 0);
                assert.match(out.clusterEndpoint, /^https:\/\//);
                assert.match(out.clusterVersion, /^1\.\d{2}$/);
                assert.ok(g.secretOutputs.includes("clusterKubeconfig"), "kubeconfig is a secret");
                const kc = JSON.parse(out.clusterKubeconfig);
                assert.equal(kc.clusters[0].cluster.server, out.clusterEndpoint);
                const user = kc.users[0].user;
                assert.ok(user.exec, "short-lived tokens from the cloud CLI");
                for (const k of ["token", "password", "client-key-data"]) {
                    assert.ok(!(k in user), `no static ${k}`);
                }
            });

            it("cluster: exports its resource id (the in-cluster layer's provider identity) and registers no Kubernetes provider of its own", () => {
                assert.equal(ofType(g, "pulumi:providers:kubernetes").length, 0, "the platform layer never touches the Kubernetes API");
                assert.equal(typeof out.clusterResourceId, "string");
                assert.ok(out.clusterResourceId.length > 10);
            });

            it("cluster: access mode per environment; workload identity issuer; addon hints", () => {
                assert.equal(out.clusterEndpointAccess, stack.startsWith("prod-") ? "private" : "restricted");
                assert.match(out.clusterOidcIssuerUrl, /^https:\/\//);
                assert.ok(out.clusterNodeSecurityGroupId, "node firewall identity");
                const hints = out.clusterHints;
                assert.ok(typeof hints.storageClass === "string" && hints.storageClass.length > 0);
                assert.ok(Object.keys(hints.loadBalancerAnnotations).length > 0, "internal LB annotations");
                assert.ok(Object.values(hints.loadBalancerAnnotations).every((v) => typeof v === "string"));
                assert.ok(hints.workloadIdentity?.annotationKey);
                for (const c of [...(hints.apiServerCidrs ?? []), ...(hints.nodeCidrs ?? [])]) {
                    assert.ok(PRIVATE_RANGES.some((r) => cidrContains(r, c)), `hint CIDR ${c} is private`);
                }
                // Spot workload pools are tainted on AKS (by AKS) and GKE (by the platform, GKE's own
                // Spot taint), and the platform tolerates the taint; dev's workload pools are Spot,
                // prod's on-demand. EKS leaves spot nodes untainted.
                const spotTolerations: Readonly<Record<string, unknown[]>> = {
                    "dev-azure": [{ key: "kubernetes.azure.com/scalesetpriority", operator: "Equal", value: "spot", effect: "NoSchedule" }],
                    "dev-gcp": [{ key: "cloud.google.com/gke-spot", operator: "Equal", value: "true", effect: "NoSchedule" }],
                };
                assert.deepEqual(hints.workloadTolerations ?? [], spotTolerations[stack] ?? []);
            });

            it("tool VMs: one per role, each with a private address in the network, an identity and a firewall identity", () => {
                assert.deepEqual(Object.keys(out.toolVms).sort(), [...TOOL_VM_ROLES].sort());
                for (const role of TOOL_VM_ROLES) {
                    const vm = out.toolVms[role];
                    assert.ok(isIPv4(vm.privateIp) && isPrivate(vm.privateIp), `${role} private IP ${vm.privateIp}`);
                    assert.ok(cidrContains(out.networkCidr, `${vm.privateIp}/32`), `${role} inside the network`);
                    assert.ok(typeof vm.identity === "string" && vm.identity.length > 0, `${role} identity`);
                    assert.ok(vm.securityGroupId, `${role} firewall identity`);
                    assert.ok(vm.dataDiskId, `${role} data disk`);
                    assert.ok(vm.hostname.includes(role));
                }
            });

            it("tool VMs: no public address anywhere in the outputs but the bastion's and the NATs'", () => {
                const publicAllowed = new Set<string>([out.bastionPublicIp, ...(out.natPublicIps ?? [])]);
                // A `restricted` API endpoint is public by design (limited to authorizedCidrs); GKE
                // names it by address where EKS gives a host name. A `private` one never is.
                const apiHost = new URL(out.clusterEndpoint).hostname;
                if (out.clusterEndpointAccess === "restricted") {
                    publicAllowed.add(apiHost);
                } else {
                    assert.ok(!isIPv4(apiHost) || isPrivate(apiHost), `private endpoint ${apiHost} is a private address`);
                }
                // The hints name the workload-identity token endpoint as a policy destination
                // (HTTPS anywhere, or the link-local metadata server), never a machine's address.
                const hints = out.clusterHints as { workloadIdentity?: { tokenEgress?: { cidr: string }[] } };
                for (const t of hints.workloadIdentity?.tokenEgress ?? []) {
                    assert.ok(t.cidr === "0.0.0.0/0" || cidrContains("169.254.0.0/16", t.cidr), `token egress ${t.cidr}`);
                }
                // The cluster-wide deny names addresses pods must NOT reach: the link-local metadata
                // server and Azure's virtual public IP of the host (168.63.129.16, learn.microsoft.com/
                // azure/virtual-network/what-is-ip-address-168-63-129-16), never a machine of ours.
                const deny = (out.clusterHints as { clusterwideDeny?: { denyCidrs: string[] } }).clusterwideDeny?.denyCidrs ?? [];
                for (const cidr of deny) {
                    assert.ok(cidrContains("169.254.0.0/16", cidr) || cidr === "168.63.129.16/32", `cluster-wide deny ${cidr}`);
                }
                // The autoscaler hint names its cloud-API egress as a policy destination (HTTPS
                // anywhere: AWS publishes no per-service range), never a machine's address.
                const autoscaler = (out.clusterHints as { clusterAutoscaler?: { cloudApiEgress: { cidr: string }[] } }).clusterAutoscaler;
                for (const e of autoscaler?.cloudApiEgress ?? []) {
                    assert.equal(e.cidr, "0.0.0.0/0", `autoscaler egress ${e.cidr}`);
                }
                const text = JSON.stringify({
                    ...out,
                    clusterHints: { ...out.clusterHints, workloadIdentity: { ...hints.workloadIdentity, tokenEgress: [] }, clusterwideDeny: undefined, clusterAutoscaler: autoscaler ? { ...autoscaler, cloudApiEgress: [] } : undefined },
                });
                const ips = text.match(/\b\d{1,3}(\.\d{1,3}){3}\b/g) ?? [];
                for (const ip of ips.filter((i) => isIPv4(i) && !isPrivate(i))) {
                    assert.ok(publicAllowed.has(ip), `unexpected public address ${ip} in outputs`);
                }
            });

            it("secrets: only references in outputs, and key material marked secret", () => {
                assert.ok(g.secretOutputs.includes("bastionPrivateKeyPem"));
                assert.ok(out.wazuhEnrollmentSecretArn, "the enrollment secret is referenced by id");
                for (const [k, v] of Object.entries(out)) {
                    if (!g.secretOutputs.includes(k)) {
                        assert.ok(!/PRIVATE KEY|password"\s*:/i.test(JSON.stringify(v)), `${k} leaks a secret`);
                    }
                }
            });

            it("backups: a backup vault and the Vault snapshot store are exported", () => {
                assert.ok(out.backupVaultName);
                assert.ok(out.vaultSnapshotBucket);
            });
        });
    }
}
