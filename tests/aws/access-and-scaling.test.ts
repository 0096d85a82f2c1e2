/**
 * EKS cluster-admin access that does not follow the runner, and node groups that actually scale:
 * the Cluster Autoscaler's IRSA role (platform layer) and its release (in-cluster layer), Spot
 * pools over several same-size instance types, node groups after their egress, and the
 * propagation wait before the kubeconfig is released. Read from the captured graphs of both layers.
 */
import * as assert from "node:assert/strict";
import { adminAccessEntries, autoScalingGroupArn, clusterAutoscalerStatements, splitAcrossZones } from "../../components/aws/cluster";
import { nodeGroupInstanceTypes } from "../../components/aws/instance-types";
import { MOCK_CALLER_ARN } from "../../offline/mocks-aws";
import { byName, CapturedResource, ofType, ResourceGraph } from "../../offline/graph";
import { AWS_INSTANCE_TYPES } from "../../offline/constraints/tables/aws-instance-types";
import { inClusterGraphOf } from "../support/graphs";
import { byId, graphOf, policyOf, T, variantOf } from "./fixtures";

const ACCOUNT = { accountId: "123456789012", partition: "aws", region: "eu-west-1" };
const DEPLOYER = "arn:aws:iam::123456789012:role/platform-ci-deployer";
const ADMINS = "arn:aws:iam::123456789012:role/platform-admins";
const restricted = { endpointAccess: "restricted", authorizedCidrs: ["203.0.113.0/24"] };

/** The cluster-admin entries (the Jenkins VM's group-only entry: tests/aws/jenkins-agents.test.ts). */
const entries = (g: ResourceGraph) =>
    ofType(g, T.accessEntry)
        .filter((e) => e.name !== "cluster-access-jenkins")
        .map((e) => [e.name, e.inputs.principalArn]);

describe("aws cluster-admin access entries", () => {
    it("a configured deployer gets the frozen `deployer` entry whoever runs `pulumi up` (no caller look-up at all)", async () => {
        const g = await variantOf("dev-aws", { configOverrides: { "platform:cluster": { ...restricted, deployerPrincipalArn: DEPLOYER } } });
        assert.deepEqual(entries(g), [["cluster-access-deployer", DEPLOYER]]);
        assert.deepEqual(ofType(g, T.accessPolicy).map((a) => [a.name, a.inputs.principalArn]), [["cluster-access-deployer-admin", DEPLOYER]]);
        assert.ok(!g.invokes.some((i) => i.token === "aws:iam/getSessionContext:getSessionContext"), "the runner's session is not consulted");
    });

    it("without one, the first run's caller is the deployer, under the same logical name", async () => {
        const g = await graphOf("dev-aws");
        assert.deepEqual(entries(g), [["cluster-access-deployer", MOCK_CALLER_ARN]]);
    });

    it("a deployer also listed among the admins keeps its one `deployer` entry (deduplicated, never renamed)", async () => {
        const g = await variantOf("dev-aws", { configOverrides: { "platform:cluster": { ...restricted, deployerPrincipalArn: DEPLOYER, adminPrincipalArns: [ADMINS, DEPLOYER] } } });
        assert.deepEqual(entries(g), [
            ["cluster-access-deployer", DEPLOYER],
            ["cluster-access-admin-platform-admins", ADMINS],
        ]);
        const without = await variantOf("dev-aws", { configOverrides: { "platform:cluster": { ...restricted, deployerPrincipalArn: DEPLOYER, adminPrincipalArns: [ADMINS] } } });
        assert.deepEqual(entries(without), entries(g), "listing the deployer among the admins changes nothing");
    });

    it("refuses two admins whose access entries would share a logical name", () => {
        assert.throws(
            () => adminAccessEntries(DEPLOYER, ["arn:aws:iam::123456789012:role/team-a/ops", "arn:aws:iam::123456789012:role/team-b/ops"]),
            /role\/team-a\/ops and arn:aws:iam::123456789012:role\/team-b\/ops end in the same name, so their access entries would share the logical name admin-ops/,
        );
        assert.deepEqual(adminAccessEntries(DEPLOYER, [ADMINS, ADMINS]), [
            { principalArn: DEPLOYER, key: "deployer" },
            { principalArn: ADMINS, key: "admin-platform-admins" },
        ]);
    });
});

describe("aws node groups that scale", () => {
    for (const stack of ["dev-aws", "staging-aws", "prod-aws"]) {
        describe(stack, () => {
            let g: ResourceGraph;
            let k8s: ResourceGraph;
            before(async () => {
                g = await graphOf(stack);
                k8s = await inClusterGraphOf(stack);
            });
            const groups = () => ofType(g, T.nodeGroup);

            it("gives the Cluster Autoscaler an IRSA role trusted by its one ServiceAccount, allowed to resize only this cluster's node groups", () => {
                const role = byName(g, T.role, "cluster-cluster-autoscaler-role");
                const oidc = byName(g, "aws:iam/openIdConnectProvider:OpenIdConnectProvider", "cluster-oidc");
                const trust = policyOf(role, "assumeRolePolicy").Statement;
                assert.equal(trust.length, 1);
                assert.equal(trust[0].Principal.Federated, oidc.state.arn);
                assert.equal(trust[0].Action, "sts:AssumeRoleWithWebIdentity");
                assert.deepEqual(Object.values(trust[0].Condition.StringEquals).sort(), ["sts.amazonaws.com", "system:serviceaccount:kube-system:cluster-autoscaler"]);
                const policy = policyOf(byName(g, T.rolePolicy, "cluster-cluster-autoscaler-policy"));
                const asgs = groups().flatMap((ng) => (ng.state.resources as { autoscalingGroups: { name: string }[] }[]).flatMap((r) => r.autoscalingGroups.map((a) => a.name)));
                assert.equal(asgs.length, groups().length);
                const writes = policy.Statement.find((s) => [s.Action].flat().includes("autoscaling:SetDesiredCapacity"));
                assert.deepEqual([writes.Action].flat().sort(), ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"]);
                assert.deepEqual(
                    [writes.Resource].flat(),
                    asgs.sort().map((n) => `arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:*:autoScalingGroupName/${n}`),
                );
                const describeNg = policy.Statement.find((s) => s.Action === "eks:DescribeNodegroup");
                assert.deepEqual([describeNg.Resource].flat(), groups().map((ng) => ng.state.arn).sort());
                // Only reads on "*": none of them can change anything.
                for (const s of policy.Statement.filter((x) => x.Resource === "*")) {
                    for (const a of [s.Action].flat()) {
                        assert.match(a, /^(autoscaling|ec2):(Describe|Get)/, a);
                    }
                }
            });

            it("installs the autoscaler in the in-cluster layer with that role, on the system pool, pinned, with its own NetworkPolicy", () => {
                const release = byName(k8s, "kubernetes:helm.sh/v3:Release", "addons-cluster-autoscaler");
                const values = release.inputs.values as any;
                assert.deepEqual([release.inputs.chart, release.inputs.version, (release.inputs.repositoryOpts as any).repo, release.inputs.namespace], [
                    "cluster-autoscaler",
                    "9.59.0",
                    "https://kubernetes.github.io/autoscaler",
                    "kube-system",
                ]);
                assert.equal(values.cloudProvider, "aws");
                assert.equal(values.awsRegion, "eu-west-1");
                assert.equal(values.autoDiscovery.clusterName, byName(g, T.cluster, "cluster-eks").inputs.name);
                assert.equal(values.image.tag, "v1.35.2", "the autoscaler's minor is the cluster's (1.35)");
                assert.deepEqual(values.rbac.serviceAccount, {
                    create: true,
                    name: "cluster-autoscaler",
                    annotations: { "eks.amazonaws.com/role-arn": byName(g, T.role, "cluster-cluster-autoscaler-role").state.arn },
                    automountServiceAccountToken: true,
                });
                assert.equal(values.priorityClassName, "system-cluster-critical");
                assert.deepEqual(values.nodeSelector, { "platform/pool": "system" });
                assert.deepEqual(values.tolerations, [{ key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" }]);
                // The system pool's taint is what the toleration tolerates.
                assert.deepEqual((byName(g, T.nodeGroup, "cluster-system").inputs.taints as any[]).map((t) => t.key), ["CriticalAddonsOnly"]);
                assert.deepEqual(values.containerSecurityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
                assert.equal(values.securityContext.runAsNonRoot, true);
                assert.equal(values.replicaCount, stack === "prod-aws" ? 2 : 1);
                assert.equal(values.extraArgs["balance-similar-node-groups"], true);

                const policy = byName(k8s, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "addons-cluster-autoscaler-network-policy");
                assert.equal((policy.inputs.metadata as any).namespace, "kube-system");
                const spec = policy.inputs.spec as any;
                assert.deepEqual(spec.podSelector.matchLabels, { "app.kubernetes.io/instance": "cluster-autoscaler", "app.kubernetes.io/name": "aws-cluster-autoscaler" });
                assert.deepEqual(spec.policyTypes, ["Ingress", "Egress"]);
                assert.deepEqual(spec.ingress.map((r: any) => r.ports), [[{ protocol: "TCP", port: 8085 }]]);
                const egressPorts = spec.egress.map((r: any) => r.ports.map((p: any) => `${p.protocol}/${p.port}`).join(","));
                assert.deepEqual(egressPorts, ["UDP/53,TCP/53", "TCP/443,TCP/6443", "TCP/443"]);
                // The API by the `kubernetes` Service ClusterIP (the first address of the service
                // CIDR): the VPC CNI's policy agent judges pod egress before kube-proxy's DNAT, so a
                // rule naming the control plane's ENIs (the node subnets) never matches.
                assert.deepEqual(spec.egress[1].to, [{ ipBlock: { cidr: "172.20.0.1/32" } }]);
                assert.ok(release.dependencies.includes(policy.urn), "the pod never runs before its policy");
            });

            it("gives Spot pools several instance types of one size (same vCPUs, memory and architecture), on-demand pools one", () => {
                for (const ng of groups()) {
                    const types = ng.inputs.instanceTypes as string[];
                    if (ng.inputs.capacityType === "SPOT") {
                        assert.ok(types.length >= 3, `${ng.name}: ${types.join(", ")}`);
                        const specs = types.map((t) => AWS_INSTANCE_TYPES.find((x) => x.name === t));
                        assert.ok(specs.every((x) => x !== undefined), `${ng.name}: every type is in the independent table`);
                        assert.deepEqual(new Set(specs.map((x) => `${x!.vcpus}/${x!.memoryMiB}/${x!.architecture}`)).size, 1, `${ng.name}: ${types.join(", ")} differ in size`);
                        assert.equal(specs[0]!.architecture, "x86_64", "AL2023_x86_64_STANDARD nodes");
                    } else {
                        assert.equal(types.length, 1, ng.name);
                    }
                }
            });

            it("creates the node groups after the node subnets' egress (NAT, route tables and associations)", () => {
                const needed: CapturedResource[] = [
                    ...ofType(g, "aws:ec2/natGateway:NatGateway"),
                    ...ofType(g, "aws:ec2/routeTableAssociation:RouteTableAssociation").filter((a) => a.name.startsWith("network-nodes-rta")),
                ];
                assert.ok(needed.length > 0);
                for (const ng of groups()) {
                    for (const subnet of ng.inputs.subnetIds as string[]) {
                        const rta = ofType(g, "aws:ec2/routeTableAssociation:RouteTableAssociation").find((a) => a.inputs.subnetId === subnet)!;
                        assert.ok(ng.dependencies.includes(rta.urn), `${ng.name} waits for ${rta.name}`);
                        const table = byId(g, rta.inputs.routeTableId)!;
                        const nat = byId(g, (table.inputs.routes as { natGatewayId: string }[])[0].natGatewayId)!;
                        assert.ok(ng.dependencies.includes(nat.urn), `${ng.name} waits for ${nat.name}`);
                    }
                }
            });

            it("releases the kubeconfig only after the documented access-entry propagation delay, counted from the last grant", () => {
                const sleep = byName(g, "time:index/sleep:Sleep", "cluster-grants-propagation");
                assert.equal(sleep.inputs.createDuration, "30s");
                for (const grant of [...ofType(g, T.accessPolicy), byName(g, T.rolePolicy, "cluster-cluster-autoscaler-policy")]) {
                    assert.ok(sleep.dependencies.includes(grant.urn), `the wait starts after ${grant.name}`);
                }
            });
        });
    }

    it("derives Spot alternatives by family class and size, and leaves unknown or on-demand types alone", () => {
        assert.deepEqual(nodeGroupInstanceTypes("m6i.xlarge", "spot"), { types: ["m6i.xlarge", "m6a.xlarge", "m7i.xlarge", "m5.xlarge"], diversified: true });
        assert.deepEqual(nodeGroupInstanceTypes("t3a.large", "spot"), { types: ["t3a.large", "t3.large"], diversified: true });
        assert.deepEqual(nodeGroupInstanceTypes("g5.xlarge", "spot"), { types: ["g5.xlarge"], diversified: false });
        assert.deepEqual(nodeGroupInstanceTypes("m6i.xlarge", "onDemand"), { types: ["m6i.xlarge"], diversified: false });
    });

    it("splits a pool's sizes over its per-zone groups without ever putting a zone's min above its desired or max", () => {
        assert.deepEqual(splitAcrossZones(12, 3), [4, 4, 4]);
        assert.deepEqual(splitAcrossZones(2, 3), [1, 1, 0]);
        for (let zones = 2; zones <= 4; zones++) {
            for (let min = 0; min <= 12; min++) {
                for (let desired = min; desired <= 12; desired++) {
                    for (let max = Math.max(desired, zones); max <= 12; max++) {
                        const [a, b, c] = [splitAcrossZones(min, zones), splitAcrossZones(desired, zones), splitAcrossZones(max, zones)];
                        assert.deepEqual([a, b, c].map((x) => x.reduce((p, q) => p + q, 0)), [min, desired, max]);
                        for (let z = 0; z < zones; z++) {
                            assert.ok(a[z] <= b[z] && b[z] <= c[z] && c[z] >= 1, `${zones} zones, ${min}/${desired}/${max}: zone ${z} ${a[z]}/${b[z]}/${c[z]}`);
                        }
                    }
                }
            }
        }
    });

    it("refuses a workload pool whose maxSize leaves a zone's group without a node", async () => {
        await assert.rejects(
            variantOf("dev-aws", { configOverrides: { "platform:cluster": { ...restricted, nodePools: { workload: { minSize: 0, desiredSize: 1, maxSize: 1 } } } } }),
            /nodePools.workload.maxSize 1 is below the zone count 2: the workload pool is one node group per zone \(its volumes are zonal\) and each needs a maxSize of at least 1; raise maxSize to 2 or more/,
        );
    });

    it("refuses to build an autoscaler policy with nothing to scale, and scopes writes by Auto Scaling group ARN", () => {
        assert.throws(() => clusterAutoscalerStatements(ACCOUNT, [], ["arn:aws:eks:eu-west-1:123456789012:nodegroup/c/n/x"]), /no node group to scale/);
        assert.equal(autoScalingGroupArn(ACCOUNT, "eks-n-1"), "arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:*:autoScalingGroupName/eks-n-1");
    });
});
