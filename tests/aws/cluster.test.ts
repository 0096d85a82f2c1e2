/**
 * EKS, read from the captured graph of the shipped stacks: access model, authentication,
 * encryption, logs, IRSA, add-ons and their ordering, node groups, kubeconfig and provider.
 */
import * as assert from "node:assert/strict";
import { MOCK_CALLER_ARN } from "../../offline/mocks-aws";
import { byName, ofType, ResourceGraph } from "../../offline/graph";
import { byArn, graphOf, nameOfId, policyOf, subnetTier, T, variantOf } from "./fixtures";

describe("aws cluster (EKS)", () => {
    let dev: ResourceGraph;
    let prod: ResourceGraph;
    before(async () => {
        dev = await graphOf("dev-aws");
        prod = await graphOf("prod-aws");
    });
    const eks = (g: ResourceGraph) => byName(g, T.cluster, "cluster-eks");

    it("restricted (dev): private endpoint plus a public one limited to the authorized CIDRs", () => {
        const vpc = eks(dev).inputs.vpcConfig as Record<string, unknown>;
        assert.equal(vpc.endpointPrivateAccess, true);
        assert.equal(vpc.endpointPublicAccess, true);
        assert.deepEqual(vpc.publicAccessCidrs, ["203.0.113.0/24"]);
        assert.equal(dev.outputs.clusterEndpointAccess, "restricted");
    });

    it("private (prod): private endpoint only, no public CIDRs at all", () => {
        const vpc = eks(prod).inputs.vpcConfig as Record<string, unknown>;
        assert.equal(vpc.endpointPrivateAccess, true);
        assert.equal(vpc.endpointPublicAccess, false);
        assert.equal(vpc.publicAccessCidrs, undefined);
        assert.equal(prod.outputs.clusterEndpointAccess, "private");
    });

    for (const stack of ["dev-aws", "prod-aws"]) {
        describe(stack, () => {
            let g: ResourceGraph;
            before(async () => {
                g = await graphOf(stack);
            });

            it("runs the configured Kubernetes version in the private node subnets with the API security group", () => {
                const c = eks(g);
                assert.equal(c.inputs.version, "1.35");
                const vpc = c.inputs.vpcConfig as { subnetIds: string[]; securityGroupIds: string[] };
                assert.ok(vpc.subnetIds.length >= 2);
                assert.ok(vpc.subnetIds.every((id) => subnetTier(g, id) === "nodes"));
                assert.deepEqual(vpc.securityGroupIds.map((id) => nameOfId(g, id)), ["cluster-api-sg"]);
                assert.deepEqual((c.inputs.kubernetesNetworkConfig as Record<string, unknown>).serviceIpv4Cidr, "172.20.0.0/16");
            });

            it("uses access entries only (API mode) and grants nothing implicitly to the creator", () => {
                const c = eks(g);
                assert.deepEqual(c.inputs.accessConfig, { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false });
                assert.equal(c.inputs.bootstrapSelfManagedAddons, false);
                // The deployer's (cluster admin) and the Jenkins VM's (group only, tests/aws/jenkins-agents.test.ts).
                const entries = ofType(g, T.accessEntry);
                assert.deepEqual(
                    entries.map((e) => [e.name, e.inputs.principalArn]),
                    [
                        ["cluster-access-deployer", MOCK_CALLER_ARN],
                        ["cluster-access-jenkins", byName(g, T.role, "jenkins-role").state.arn],
                    ],
                );
                const assoc = ofType(g, T.accessPolicy);
                assert.equal(assoc.length, 1);
                assert.equal(assoc[0].inputs.policyArn, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy");
                assert.deepEqual(assoc[0].inputs.accessScope, { type: "cluster" });
                assert.ok(assoc[0].dependencies.includes(entries[0].urn), "association waits for its entry");
            });

            it("encrypts secrets with its own rotated key whose policy names only the cluster role as user", () => {
                const c = eks(g);
                const enc = c.inputs.encryptionConfig as { provider: { keyArn: string }; resources: string[] };
                assert.deepEqual(enc.resources, ["secrets"]);
                const key = byArn(g, enc.provider.keyArn)!;
                assert.equal(key.name, "cluster-secrets-key");
                assert.equal(key.inputs.enableKeyRotation, true);
                const role = byName(g, T.role, "cluster-cluster-role");
                const users = policyOf(key).Statement.filter((s) => s.Sid !== "AccountAdministersKeyThroughIam").map((s) => s.Principal.AWS);
                assert.deepEqual([...new Set(users)], [role.state.arn]);
                assert.ok(c.dependencies.includes(key.urn));
            });

            it("ships every control-plane log type to a pre-created, CMK-encrypted log group", () => {
                const c = eks(g);
                for (const t of ["api", "audit", "authenticator"]) {
                    assert.ok((c.inputs.enabledClusterLogTypes as string[]).includes(t), t);
                }
                const lg = byName(g, T.logGroup, "cluster-control-plane-logs");
                assert.equal(lg.inputs.name, `/aws/eks/${String(c.inputs.name)}/cluster`);
                assert.equal(byArn(g, lg.inputs.kmsKeyId)!.name, "network-logs-key");
                assert.ok(c.dependencies.includes(lg.urn), "log group exists before the cluster");
            });

            it("gives vpc-cni and the EBS CSI driver their own IRSA roles, trusted by one ServiceAccount each", () => {
                const oidc = byName(g, "aws:iam/openIdConnectProvider:OpenIdConnectProvider", "cluster-oidc");
                assert.deepEqual(oidc.inputs.clientIdLists, ["sts.amazonaws.com"]);
                const expect = { "vpc-cni": ["aws-node", "AmazonEKS_CNI_Policy"], "ebs-csi": ["ebs-csi-controller-sa", "service-role/AmazonEBSCSIDriverPolicy"] };
                for (const [component, [sa, policy]] of Object.entries(expect)) {
                    const role = byName(g, T.role, `cluster-${component}-role`);
                    const trust = policyOf(role, "assumeRolePolicy").Statement;
                    assert.equal(trust.length, 1);
                    assert.equal(trust[0].Principal.Federated, oidc.state.arn);
                    const cond = trust[0].Condition.StringEquals;
                    assert.deepEqual(Object.values(cond).sort(), [`system:serviceaccount:kube-system:${sa}`, "sts.amazonaws.com"].sort());
                    const attached = ofType(g, T.attachPolicy).filter((a) => a.inputs.role === role.state.name).map((a) => a.inputs.policyArn);
                    assert.deepEqual(attached, [`arn:aws:iam::aws:policy/${policy}`]);
                    // The add-on that runs as this role waits for the role's policy (grant before consumer).
                    const addon = ofType(g, T.addon).find((a) => a.inputs.serviceAccountRoleArn === role.state.arn)!;
                    const grant = ofType(g, T.attachPolicy).find((a) => a.inputs.role === role.state.name)!;
                    assert.ok(addon.dependencies.includes(grant.urn), `${String(addon.inputs.addonName)} waits for ${grant.name}`);
                }
                // The node role does NOT carry the CNI policy.
                const nodeRole = byName(g, T.role, "cluster-node-role");
                const nodePolicies = ofType(g, T.attachPolicy).filter((a) => a.inputs.role === nodeRole.state.name).map((a) => String(a.inputs.policyArn).split("/").pop());
                assert.deepEqual(nodePolicies.sort(), ["AmazonEC2ContainerRegistryPullOnly", "AmazonEKSWorkerNodePolicy"]);
            });

            it("manages the five add-ons at the invoke-resolved version; network policy on; pod-scheduling add-ons after the nodes", () => {
                const addons = Object.fromEntries(ofType(g, T.addon).map((a) => [String(a.inputs.addonName), a]));
                assert.deepEqual(Object.keys(addons).sort(), ["aws-ebs-csi-driver", "coredns", "eks-pod-identity-agent", "kube-proxy", "vpc-cni"]);
                const asked = g.invokes.filter((i) => i.token === "aws:eks/getAddonVersion:getAddonVersion");
                assert.equal(asked.length, 5);
                assert.ok(asked.every((i) => i.inputs.kubernetesVersion === "1.35"));
                for (const a of Object.values(addons)) {
                    assert.match(String(a.inputs.addonVersion), /^v\d+\.\d+\.\d+-eksbuild\.\d+$/);
                }
                assert.deepEqual(JSON.parse(String(addons["vpc-cni"].inputs.configurationValues)), { enableNetworkPolicy: "true" });
                assert.equal(addons["vpc-cni"].inputs.serviceAccountRoleArn, byName(g, T.role, "cluster-vpc-cni-role").state.arn);
                assert.equal(addons["aws-ebs-csi-driver"].inputs.serviceAccountRoleArn, byName(g, T.role, "cluster-ebs-csi-role").state.arn);
                const groups = ofType(g, T.nodeGroup);
                for (const name of ["coredns", "aws-ebs-csi-driver"]) {
                    assert.ok(groups.every((ng) => addons[name].dependencies.includes(ng.urn)), `${name} waits for the node groups`);
                }
                for (const name of ["vpc-cni", "kube-proxy", "eks-pod-identity-agent"]) {
                    assert.ok(groups.every((ng) => ng.dependencies.includes(addons[name].urn)), `node groups wait for ${name}`);
                }
            });

            it("runs every node group in the private node subnets with its pool's IMDSv2-only, CMK-encrypted launch template", () => {
                const zones = (eks(g).inputs.vpcConfig as { subnetIds: string[] }).subnetIds;
                // The system pool: one group over every zone; the workload pool: one group per zone, in
                // zone order (zonal EBS volumes and the Cluster Autoscaler, EKS managed-node-groups guide).
                assert.deepEqual(
                    ofType(g, T.nodeGroup).map((ng) => [ng.name, ng.inputs.subnetIds]).sort(),
                    [["cluster-system", zones], ...zones.map((z, i) => [`cluster-workload-${i}`, [z]])].sort(),
                );
                for (const ng of ofType(g, T.nodeGroup)) {
                    const pool = (ng.inputs.labels as Record<string, string>)["platform/pool"];
                    assert.ok(pool === "system" || pool === "workload", ng.name);
                    assert.ok((ng.inputs.subnetIds as string[]).every((id) => subnetTier(g, id) === "nodes"));
                    assert.equal(ng.inputs.amiType, "AL2023_x86_64_STANDARD");
                    assert.equal(ng.inputs.diskSize, undefined, "size comes from the launch template");
                    const lt = byName(g, T.launchTemplate, `cluster-${pool}-lt`);
                    assert.equal((ng.inputs.launchTemplate as Record<string, unknown>).id, lt.id);
                    assert.deepEqual(lt.inputs.metadataOptions, { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" });
                    const ebs = (lt.inputs.blockDeviceMappings as any[])[0].ebs;
                    assert.equal(ebs.encrypted, "true");
                    assert.equal(byArn(g, ebs.kmsKeyId)!.name, "keys-volumes");
                    const sgs = lt.inputs.vpcSecurityGroupIds as string[];
                    assert.ok(sgs.includes(byName(g, T.sg, "cluster-node-sg").id!), "node identity group attached");
                    assert.ok(sgs.includes((eks(g).state.vpcConfig as Record<string, string>).clusterSecurityGroupId), "EKS cluster group kept");
                }
                const system = byName(g, T.nodeGroup, "cluster-system");
                assert.equal(system.inputs.capacityType, "ON_DEMAND");
                assert.deepEqual(system.inputs.taints, [{ key: "CriticalAddonsOnly", value: "true", effect: "NO_SCHEDULE" }]);
                for (const ng of ofType(g, T.nodeGroup).filter((x) => x.name.startsWith("cluster-workload-"))) {
                    assert.deepEqual(ng.inputs.taints, [], ng.name);
                    // Named by prefix (a replacement is created before the old group goes), within
                    // EKS's 63 characters once the provider's 26-character suffix is appended.
                    assert.equal(ng.inputs.nodeGroupName, undefined);
                    assert.match(String(ng.inputs.nodeGroupNamePrefix), /^platform-(dev|prod)-aws-workload-[abc]-$/);
                    assert.match(String((ng.inputs.tags as Record<string, string>).Name), /^platform-(dev|prod)-aws-workload-eu-west-1[abc]$/);
                }
                for (const ng of ofType(g, T.nodeGroup)) {
                    assert.ok(String(ng.inputs.nodeGroupNamePrefix).length + 26 <= 63, `${ng.name}: ${String(ng.inputs.nodeGroupNamePrefix)}`);
                }
            });

            it("exports a secret, exec-based kubeconfig and the cluster ARN as its identity", () => {
                assert.ok(g.secretOutputs.includes("clusterKubeconfig"));
                const kc = JSON.parse(String(g.outputs.clusterKubeconfig));
                assert.equal(kc.clusters[0].cluster.server, g.outputs.clusterEndpoint);
                const exec = kc.users[0].user.exec;
                assert.equal(exec.command, "aws");
                assert.deepEqual(exec.args.slice(0, 2), ["eks", "get-token"]);
                assert.ok(!("token" in kc.users[0].user) && !("password" in kc.users[0].user), "no static credential");
                assert.equal(g.outputs.clusterResourceId, eks(g).state.arn);
            });
        });
    }

    it("adds configured admins as access entries (deployer listed again is not duplicated)", async () => {
        const admin = "arn:aws:iam::123456789012:role/platform-admins";
        const g = await variantOf("dev-aws", {
            configOverrides: { "platform:cluster": { endpointAccess: "restricted", authorizedCidrs: ["203.0.113.0/24"], adminPrincipalArns: [admin, MOCK_CALLER_ARN] } },
        });
        const jenkins = byName(g, T.role, "jenkins-role").state.arn;
        assert.deepEqual(ofType(g, T.accessEntry).map((e) => e.inputs.principalArn).sort(), [admin, MOCK_CALLER_ARN, jenkins].sort());
        assert.equal(ofType(g, T.accessPolicy).length, 2);
    });
});
