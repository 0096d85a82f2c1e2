/**
 * Jenkins agents on EKS, the platform layer's side (issue 22): the Jenkins VM's instance role
 * mapped to one Kubernetes group by a group-only access entry, its one EKS permission (look the
 * cluster up), the cluster named for its bootstrap without depending on the cluster, and the
 * network path from the tools subnet to the private endpoint and the EKS API. Read from the
 * captured graphs of every AWS stack.
 */
import * as assert from "node:assert/strict";
import { assertNotJenkinsRole, eksClusterName, JENKINS_AGENTS_GROUP, jenkinsClusterLookupStatement, PR_ENVIRONMENTS_GROUP } from "../../components/aws/cluster";
import { iamRoleArn } from "../../components/aws/iam";
import { toolVmRoleName, toolVmRoleStatements } from "../../components/aws/tool-vm";
import { checkConstraints, checkContext, CONSTRAINTS } from "../../offline/constraints";
import { AWS_IAM_ACTIONS, iamActionByName, scopedResourceProblems } from "../../offline/constraints/tables/aws-iam-actions";
import type { Flow } from "../../components/flows";
import { analyseFlows } from "../../offline/flows";
import { byName, CapturedResource, ofType, ResourceGraph } from "../../offline/graph";
import { inClusterGraphOf } from "../support/graphs";
import { graphOf, gunzipUserData, policyOf, T, variantOf } from "./fixtures";

const STACKS = ["dev-aws", "staging-aws", "prod-aws"] as const;
/** The look-up the refresh timer makes before every token: not in the shared contract, planted here. */
const EKS_API_FLOW: Flow = {
    id: "jenkins-to-eks-api",
    kind: "required",
    from: { kind: "vm", role: "jenkins" },
    to: { kind: "internet", allowlisted: false, what: "the EKS regional API (eks.eu-west-1.amazonaws.com)" },
    port: 443,
    protocol: "tcp",
    why: "eks:DescribeCluster: the endpoint and CA",
};
const ACCOUNT = { accountId: "123456789012", partition: "aws", region: "eu-west-1" };

describe("aws Jenkins agents: the Jenkins VM's identity in EKS", () => {
    for (const stack of STACKS) {
        describe(stack, () => {
            let g: ResourceGraph;
            before(async () => {
                g = await graphOf(stack);
            });
            const eks = () => byName(g, T.cluster, "cluster-eks");
            const jenkinsRole = () => byName(g, T.role, "jenkins-role");

            it("maps the Jenkins instance ROLE (not its profile, not a session) to platform:jenkins-agents with a group-only STANDARD entry", () => {
                const entry = byName(g, T.accessEntry, "cluster-access-jenkins");
                assert.deepEqual(
                    { ...entry.inputs, tags: undefined },
                    { clusterName: eks().inputs.name, principalArn: jenkinsRole().state.arn, type: "STANDARD", kubernetesGroups: ["platform:jenkins-agents"], tags: undefined },
                );
                assert.match(String(entry.inputs.principalArn), /^arn:aws:iam::\d{12}:role\/[^/]+$/);
                assert.notEqual(entry.inputs.principalArn, byName(g, "aws:iam/instanceProfile:InstanceProfile", "jenkins-profile").state.arn);
                // Waits for the role (its ARN is the role's output) and the cluster.
                const ctx = checkContext(g);
                assert.ok(ctx.dependsOn(entry, jenkinsRole()) && ctx.dependsOn(entry, eks()));
                // EKS binds the role's unique id: a re-created role (same ARN) replaces the entry,
                // deleting the old one first (one entry per principal ARN).
                assert.equal(entry.replacementTrigger, jenkinsRole().state.uniqueId);
                assert.match(String(entry.replacementTrigger), /^AROA[0-9A-F]{16}$/);
                assert.equal(entry.deleteBeforeReplace, true);
            });

            it("grants the entry no EKS access policy: only the group's RBAC, which the in-cluster layer confines to jenkins-agents", () => {
                const arn = jenkinsRole().state.arn;
                assert.deepEqual(ofType(g, T.accessPolicy).filter((a) => a.inputs.principalArn === arn), []);
                assert.equal(ofType(g, T.accessEntry).filter((e) => e.inputs.principalArn === arn).length, 1, "one entry per principal");
            });

            it("hands the in-cluster layer exactly that group as the jenkinsAgents subject", () => {
                const hints = g.outputs.clusterHints as Record<string, unknown>;
                assert.deepEqual(hints.jenkinsAgents, { subject: { kind: "Group", name: "platform:jenkins-agents" } });
                assert.deepEqual((hints.jenkinsAgents as { subject: { name: string } }).subject.name, (byName(g, T.accessEntry, "cluster-access-jenkins").inputs.kubernetesGroups as string[])[0]);
            });

            it("lets the Jenkins role describe exactly this cluster, nothing else of EKS, with a scoped ARN of the reference's cluster type", () => {
                const statements = policyOf(byName(g, T.rolePolicy, "jenkins-policy")).Statement;
                const eksStatements = statements.filter((s) => [s.Action].flat().some((a: string) => a.startsWith("eks:")));
                assert.equal(eksStatements.length, 1);
                const s = eksStatements[0];
                assert.deepEqual([s.Effect, s.Action, s.Condition], ["Allow", "eks:DescribeCluster", undefined]);
                // The cluster's ARN as the (mock) provider reports it, not as the program computes it.
                assert.equal(s.Resource, eks().state.arn);
                assert.deepEqual(scopedResourceProblems(s.Action, [s.Resource], { partition: "aws", region: "eu-west-1", account: "123456789012" }), []);
                assert.equal(iamActionByName(s.Action)?.accessLevel, "Read");
                // No other role of the stack reads the cluster through IAM (the autoscaler reads node groups only).
                for (const other of ofType(g, T.rolePolicy).filter((p) => p.name !== "jenkins-policy")) {
                    const actions = policyOf(other).Statement.flatMap((x) => [x.Action].flat());
                    assert.ok(!actions.includes("eks:DescribeCluster") && !actions.some((a: string) => a === "eks:*" || a === "*"), other.name);
                }
            });

            it("names the cluster for the VM without depending on it: the grant and the instance never wait for (or follow) the cluster", () => {
                // One function names it for both (the stack's prefix is `platform-<env>-aws`).
                assert.equal(eks().inputs.name, eksClusterName(stack.startsWith("dev") ? "platform-dev-aws" : stack.startsWith("staging") ? "platform-staging-aws" : "platform-prod-aws"));
                // What the VM's refresh timer runs (components/bootstrap/jenkins-agents.ts), in its user
                // data: exactly this cluster, in the stack's region.
                const ud = gunzipUserData(byName(g, T.instance, "jenkins-instance").inputs.userDataBase64);
                const clusterName = String(eks().inputs.name);
                assert.ok(ud.includes(`aws eks describe-cluster --region 'eu-west-1' --name '${clusterName}' --output json`), "describe-cluster on the cluster");
                assert.ok(ud.includes(`aws eks get-token --region 'eu-west-1' --cluster-name '${clusterName}' --output json`), "get-token for the cluster");
                const ctx = checkContext(g);
                for (const name of ["jenkins-policy", "jenkins-instance"]) {
                    const r = g.resources.find((x) => x.name === name && x.custom)!;
                    assert.ok(!ctx.dependsOn(r, eks()), `${name} does not depend on the cluster`);
                }
            });
        });
    }

    it("the scoped-statement check itself refuses a wildcard, another resource type, an unknown action", () => {
        assert.deepEqual(scopedResourceProblems("eks:DescribeCluster", ["arn:aws:eks:eu-west-1:123456789012:cluster/platform-dev-aws-eks"]), []);
        assert.equal(scopedResourceProblems("eks:DescribeCluster", ["*"]).length, 1);
        assert.equal(scopedResourceProblems("eks:DescribeCluster", ["arn:aws:eks:eu-west-1:123456789012:cluster/*"]).length, 1);
        assert.equal(scopedResourceProblems("eks:DescribeCluster", ["arn:aws:eks:eu-west-1:123456789012:nodegroup/c/n/0a1b"]).length, 1);
        assert.equal(scopedResourceProblems("eks:DescribeCluster", ["arn:aws:eks:eu-west-1:123456789012:cluster/c"], { region: "us-east-1" }).length, 1);
        assert.deepEqual(scopedResourceProblems("eks:DescribeClusters", ["arn:aws:eks:eu-west-1:123456789012:cluster/c"]), ["eks:DescribeClusters is not in offline/constraints/tables/aws-iam-actions.ts"]);
        assert.ok(AWS_IAM_ACTIONS.every((a) => a.source.startsWith("https://docs.aws.amazon.com/service-authorization/")));
    });

    it("the statement builders: the lookup statement names the cluster's ARN; a Jenkins role without its cluster is refused", () => {
        assert.deepEqual(jenkinsClusterLookupStatement(ACCOUNT, "p-eks"), { Sid: "LookUpItsClusterEndpointAndCa", Effect: "Allow", Action: "eks:DescribeCluster", Resource: "arn:aws:eks:eu-west-1:123456789012:cluster/p-eks" });
        const refs = { enrollmentSecretArn: "e", tlsSecretArn: "t", secretsKeyArn: "k", roleArn: "r", bucketArn: "arn:aws:s3:::b", snapshotKeyArn: "sk", region: "eu-west-1" };
        assert.throws(() => toolVmRoleStatements("jenkins", refs), /toolVmRoleStatements\(jenkins\): the cluster \(account and name\) is required/);
        assert.ok(!toolVmRoleStatements("wazuh", refs).some((s) => [s.Action].flat().some((a) => a.startsWith("eks:"))), "only Jenkins reads the cluster");
    });

    it("refuses the Jenkins role as a configured cluster admin (a second entry, and Jenkins would be cluster-admin)", async () => {
        const g = await graphOf("dev-aws");
        const jenkinsArn = String(byName(g, T.role, "jenkins-role").state.arn);
        await assert.rejects(
            variantOf("dev-aws", { configOverrides: { "platform:cluster": { endpointAccess: "restricted", authorizedCidrs: ["203.0.113.0/24"], adminPrincipalArns: [jenkinsArn] } } }),
            {
                message: `platform:cluster.adminPrincipalArns: ${jenkinsArn} is the Jenkins VM's own role, which EKS maps to platform:jenkins-agents only (one access entry per principal; Jenkins must never be a cluster admin); use a different role there`,
            },
        );
        // Its planned ARN is the one the role gets.
        assert.equal(jenkinsArn, iamRoleArn(ACCOUNT, toolVmRoleName("platform-dev-aws", "jenkins")));
        assert.throws(
            () => assertNotJenkinsRole(jenkinsArn, { deployerPrincipalArn: jenkinsArn, adminPrincipalArns: [], prAutomationPrincipal: jenkinsArn }),
            /^Error: platform:cluster.deployerPrincipalArn \(or the caller running `pulumi up`\) and platform:cluster.prAutomationPrincipal: arn:aws:iam::123456789012:role\/platform-dev-aws-jenkins is the Jenkins VM's own role/,
        );
    });

    it("the group names carry no system: prefix (EKS refuses them: catalogue aws-eks-access-entry-group-name) and differ", () => {
        const entry = CONSTRAINTS.find((c) => c.id === "aws-eks-access-entry-group-name")!;
        for (const group of [JENKINS_AGENTS_GROUP, PR_ENVIRONMENTS_GROUP]) {
            assert.ok(!group.startsWith("system:"));
            const fixture = { type: "aws:eks/accessEntry:AccessEntry", name: "e", inputs: { clusterName: "c", principalArn: "arn:aws:iam::123456789012:role/r", kubernetesGroups: [group] } };
            assert.deepEqual(checkConstraints({ stack: "t", resources: [{ ...fixture, urn: "u", custom: true, secretPaths: [], dependencies: [], propertyDependencies: {}, state: fixture.inputs } as unknown as CapturedResource], invokes: [], outputs: {} } as unknown as ResourceGraph, { entries: [entry] }), []);
        }
        assert.notEqual(JENKINS_AGENTS_GROUP, PR_ENVIRONMENTS_GROUP);
    });
});

describe("aws Jenkins agents: the network path from the Jenkins VM", () => {
    for (const stack of STACKS) {
        describe(stack, () => {
            let g: ResourceGraph;
            before(async () => {
                g = await graphOf(stack);
            });

            it("resolves the private endpoint in the VPC (DNS support and hostnames on, no foreign DHCP name servers)", () => {
                const vpc = byName(g, "aws:ec2/vpc:Vpc", "network-vpc");
                assert.equal(vpc.inputs.enableDnsSupport, true);
                assert.equal(vpc.inputs.enableDnsHostnames, true);
                assert.deepEqual(ofType(g, "aws:ec2/vpcDhcpOptionsAssociation:VpcDhcpOptionsAssociation"), []);
                const vpcConfig = byName(g, T.cluster, "cluster-eks").inputs.vpcConfig as Record<string, unknown>;
                assert.equal(vpcConfig.endpointPrivateAccess, true);
                const dns = CONSTRAINTS.find((c) => c.id === "aws-eks-private-endpoint-vpc-dns")!;
                assert.deepEqual(checkConstraints(g, { entries: [dns] }), []);
            });

            it("reaches the EKS regional API (DescribeCluster) through its subnet's NAT route and HTTPS egress; no EKS interface endpoint to admit it", () => {
                const instance = byName(g, T.instance, "jenkins-instance");
                const subnet = ofType(g, T.subnet).find((s) => s.id === instance.inputs.subnetId)!;
                assert.equal((subnet.inputs.tags as Record<string, string>).tier, "tools");
                const assoc = ofType(g, "aws:ec2/routeTableAssociation:RouteTableAssociation").find((a) => a.inputs.subnetId === subnet.id)!;
                const table = ofType(g, "aws:ec2/routeTable:RouteTable").find((t) => t.id === assoc.inputs.routeTableId)!;
                const defaultRoute = (table.inputs.routes as { cidrBlock: string; natGatewayId?: string }[]).find((r) => r.cidrBlock === "0.0.0.0/0");
                assert.ok(defaultRoute?.natGatewayId && ofType(g, "aws:ec2/natGateway:NatGateway").some((n) => n.id === defaultRoute.natGatewayId), "default route through a NAT gateway of the stack");
                const sg = (instance.inputs.vpcSecurityGroupIds as string[])[0];
                const egress = ofType(g, T.egress).filter((r) => r.inputs.securityGroupId === sg && r.inputs.cidrIpv4 === "0.0.0.0/0").map((r) => r.inputs.fromPort);
                assert.ok(egress.includes(443));
                // With privateEndpoints the VPC has interface endpoints, none for eks: DescribeCluster
                // leaves through NAT, so no endpoint policy stands between the role and the API.
                const endpoints = ofType(g, "aws:ec2/vpcEndpoint:VpcEndpoint").map((e) => String(e.inputs.serviceName));
                assert.ok(!endpoints.includes("com.amazonaws.eu-west-1.eks"), endpoints.join(", "));
            });

            it("the flow analyser agrees: the Jenkins VM's DescribeCluster (the EKS regional API, 443) leaves through its subnet's NAT gateway and its HTTPS egress; without the default route there is no way out", async () => {
                const layers = { platform: g, incluster: await inClusterGraphOf(stack) };
                const opts = { operatorCidrs: ["203.0.113.0/24"], flows: [EKS_API_FLOW] };
                const open = analyseFlows(layers, opts).results.find((r) => r.id === EKS_API_FLOW.id)!;
                assert.ok(open.ok, JSON.stringify(open));
                assert.deepEqual(
                    open.layers.map((l) => l.layer),
                    ["routing", "security group egress"],
                );
                assert.match(open.layers[0].reason, /^default route of network-private-rt-\d through NAT gateway network-nat-\d$/);
                const copy = structuredClone(g) as ResourceGraph;
                for (const t of copy.resources.filter((r) => r.type === "aws:ec2/routeTable:RouteTable" && r.name.startsWith("network-private-rt"))) {
                    (t as unknown as { inputs: Record<string, unknown> }).inputs.routes = [];
                }
                const blocked = analyseFlows({ ...layers, platform: copy }, opts).results.find((r) => r.id === EKS_API_FLOW.id)!;
                assert.ok(!blocked.ok);
                assert.match(blocked.layers[0].reason, /jenkins VM: network-private-rt-\d has no default route to a NAT gateway or the internet gateway/);
            });

            it("opens jenkins-to-api through the private endpoint and the tier rule, and a VPC without DNS hostnames blocks it at the EKS endpoint", async () => {
                const layers = { platform: g, incluster: await inClusterGraphOf(stack) };
                const opts = { operatorCidrs: ["203.0.113.0/24"] };
                const open = analyseFlows(layers, opts).results.find((r) => r.id === "jenkins-to-api")!;
                assert.ok(open.ok, JSON.stringify(open));
                const copy = structuredClone(g) as ResourceGraph;
                const vpc = copy.resources.find((r) => r.type === "aws:ec2/vpc:Vpc")! as unknown as { inputs: Record<string, unknown> };
                vpc.inputs.enableDnsHostnames = false;
                const blocked = analyseFlows({ ...layers, platform: copy }, opts).results;
                for (const id of ["jenkins-to-api", "bastion-to-api"]) {
                    const r = blocked.find((x) => x.id === id)!;
                    assert.ok(!r.ok, id);
                    assert.match(JSON.stringify(r), /private endpoint does not resolve in the VPC: VPC network-vpc has enableDnsHostnames=false/);
                }
            });
        });
    }
});
