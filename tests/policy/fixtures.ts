/**
 * Policy fixtures: a small, compliant AWS + Kubernetes stack as a ResourceGraph (the shape the
 * offline engine captures), and helpers to mutate it and run rules over it.
 *
 * Every rule passes on `goodStack()`; each rule's test mutates it once per failure mode and
 * asserts the exact message.
 */
import type { CapturedResource, ResourceGraph } from "../../offline/graph";
import type { StackView } from "../../offline/outputs";
import { PolicyReport, runPolicies } from "../../offline/policy";
import { azureGoodSpecs } from "./fixtures-azure";
import { gcpGoodSpecs } from "./fixtures-gcp";
import { policies } from "../../policy-pack/policies";
import type { PlatformPolicy } from "../../policy-pack/lib/policy";

export { UNKNOWN } from "../../policy-pack/lib/values";

const STACK = "test";
const PROJECT = "platform";

export function urnOf(type: string, name: string): string {
    return `urn:pulumi:${STACK}::${PROJECT}::${type}::${name}`;
}

export const COMMON_TAGS = {
    project: "platform",
    environment: "prod",
    cloud: "aws",
    owner: "platform-team",
    "cost-center": "cc-1234",
    "managed-by": "pulumi",
};

const PROVIDER_TYPE = "pulumi:providers:aws";
const PROVIDER_NAME = "aws-provider";
export const PROVIDER_URN = urnOf(PROVIDER_TYPE, PROVIDER_NAME);

interface Spec {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, unknown>;
    /** Names of resources this one depends on. */
    readonly deps?: readonly string[];
    readonly protect?: boolean;
    /** Defaults to the AWS provider for aws: types. */
    readonly provider?: string | null;
}

function build(specs: readonly Spec[]): ResourceGraph {
    const byName = new Map(specs.map((s) => [s.name, s] as const));
    const stackUrn = urnOf("pulumi:pulumi:Stack", `${PROJECT}-${STACK}`);
    const resources: CapturedResource[] = [
        { urn: stackUrn, type: "pulumi:pulumi:Stack", name: `${PROJECT}-${STACK}`, custom: false, inputs: {}, secretPaths: [], dependencies: [], propertyDependencies: {}, protect: false, retainOnDelete: false, state: {} },
    ];
    for (const s of specs) {
        const deps = (s.deps ?? []).map((d) => {
            const target = byName.get(d);
            if (!target) {
                throw new Error(`fixture ${s.name} depends on unknown ${d}`);
            }
            return urnOf(target.type, target.name);
        });
        const provider = s.provider === undefined ? (s.type.startsWith("aws:") ? `${PROVIDER_URN}::provider-id` : undefined) : (s.provider ?? undefined);
        resources.push({
            urn: urnOf(s.type, s.name),
            type: s.type,
            name: s.name,
            custom: true,
            parent: stackUrn,
            ...(provider ? { provider } : {}),
            inputs: s.inputs,
            secretPaths: [],
            dependencies: deps,
            propertyDependencies: {},
            protect: s.protect ?? false,
            retainOnDelete: false,
            id: `${s.name}-id`,
            state: s.inputs,
        });
    }
    return { project: PROJECT, stack: STACK, resources, invokes: [], outputs: {}, secretOutputs: [] };
}

const KEY_ARN = "arn:aws:kms:eu-west-1:111122223333:key/platform";
const BUCKET_ARN = "arn:aws:s3:::platform-backups";
const OIDC = "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF";
const BASTION_SSH = "#cloud-config\nssh_pwauth: false\n";

/** The specs of the compliant stack; tests edit them by name. */
export function goodSpecs(): Spec[] {
    return [
        { type: PROVIDER_TYPE, name: PROVIDER_NAME, provider: null, inputs: { region: "eu-west-1", defaultTags: JSON.stringify({ tags: COMMON_TAGS }) } },
        { type: "aws:kms/key:Key", name: "platform-key", protect: true, inputs: { enableKeyRotation: true, deletionWindowInDays: 30 } },
        { type: "aws:ec2/vpc:Vpc", name: "vpc", inputs: { cidrBlock: "10.0.0.0/16", tags: { Name: "vpc" } } },
        { type: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", name: "vpc-default-sg", deps: ["vpc"], inputs: { vpcId: "vpc-id" } },
        { type: "aws:cloudwatch/logGroup:LogGroup", name: "flow-logs", deps: ["platform-key"], inputs: { kmsKeyId: KEY_ARN, retentionInDays: 90 } },
        { type: "aws:ec2/flowLog:FlowLog", name: "vpc-flow-log", deps: ["vpc", "flow-logs"], inputs: { vpcId: "vpc-id", trafficType: "ALL", logDestination: "arn:aws:logs:eu-west-1:111122223333:log-group:flow" } },
        { type: "aws:ec2/internetGateway:InternetGateway", name: "igw", deps: ["vpc"], inputs: { vpcId: "vpc-id" } },
        { type: "aws:ec2/subnet:Subnet", name: "public-a", deps: ["vpc"], inputs: { vpcId: "vpc-id", cidrBlock: "10.0.0.0/24", mapPublicIpOnLaunch: false, tags: { tier: "public" } } },
        { type: "aws:ec2/subnet:Subnet", name: "private-a", deps: ["vpc"], inputs: { vpcId: "vpc-id", cidrBlock: "10.0.10.0/24", tags: { tier: "private" } } },
        { type: "aws:ec2/subnet:Subnet", name: "private-b", deps: ["vpc"], inputs: { vpcId: "vpc-id", cidrBlock: "10.0.11.0/24", tags: { tier: "private" } } },
        { type: "aws:ec2/routeTable:RouteTable", name: "public-rt", deps: ["vpc"], inputs: { vpcId: "vpc-id" } },
        { type: "aws:ec2/route:Route", name: "public-default", deps: ["public-rt", "igw"], inputs: { routeTableId: "public-rt-id", destinationCidrBlock: "0.0.0.0/0", gatewayId: "igw-id" } },
        { type: "aws:ec2/routeTableAssociation:RouteTableAssociation", name: "public-a-rta", deps: ["public-a", "public-rt"], inputs: { subnetId: "public-a-id", routeTableId: "public-rt-id" } },
        { type: "aws:ec2/eip:Eip", name: "nat-a-eip", inputs: { domain: "vpc" } },
        { type: "aws:ec2/natGateway:NatGateway", name: "nat-a", deps: ["nat-a-eip", "public-a"], inputs: { allocationId: "eip-id", subnetId: "public-a-id" } },
        { type: "aws:ec2/securityGroup:SecurityGroup", name: "bastion-sg", deps: ["vpc"], inputs: { vpcId: "vpc-id", description: "bastion", ingress: [] } },
        {
            type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
            name: "bastion-ssh-0",
            deps: ["bastion-sg"],
            inputs: { securityGroupId: "bastion-sg-id", ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "203.0.113.0/24" },
        },
        {
            type: "aws:ec2/instance:Instance",
            name: "plat-bastion",
            deps: ["public-a", "bastion-sg", "platform-key"],
            inputs: {
                instanceType: "t3.micro",
                subnetId: "public-a-id",
                vpcSecurityGroupIds: ["bastion-sg-id"],
                associatePublicIpAddress: true,
                metadataOptions: { httpTokens: "required", httpEndpoint: "enabled" },
                rootBlockDevice: { encrypted: true, kmsKeyId: KEY_ARN, volumeSize: 20 },
                userData: BASTION_SSH,
                tags: { Name: "plat-bastion", role: "bastion" },
            },
        },
        { type: "aws:ec2/securityGroup:SecurityGroup", name: "tools-sg", deps: ["vpc", "bastion-sg"], inputs: { vpcId: "vpc-id", description: "tools", ingress: [{ protocol: "tcp", fromPort: 8080, toPort: 8080, securityGroups: ["bastion-sg-id"] }] } },
        {
            type: "aws:ec2/instance:Instance",
            name: "plat-jenkins",
            protect: true,
            deps: ["private-a", "tools-sg", "platform-key"],
            inputs: {
                instanceType: "m6i.large",
                subnetId: "private-a-id",
                vpcSecurityGroupIds: ["tools-sg-id"],
                associatePublicIpAddress: false,
                metadataOptions: { httpTokens: "required" },
                rootBlockDevice: { encrypted: true, kmsKeyId: KEY_ARN },
                ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: true, kmsKeyId: KEY_ARN, volumeSize: 100 }],
                userDataBase64: Buffer.from("#cloud-config\nssh_pwauth: false\n").toString("base64"),
                tags: { Name: "plat-jenkins", role: "jenkins" },
            },
        },
        { type: "aws:ebs/volume:Volume", name: "vault-data", protect: true, deps: ["platform-key"], inputs: { availabilityZone: "eu-west-1a", size: 20, encrypted: true, kmsKeyId: KEY_ARN } },
        { type: "aws:backup/vault:Vault", name: "backup-vault", protect: true, deps: ["platform-key"], inputs: { kmsKeyArn: KEY_ARN } },
        { type: "aws:backup/plan:Plan", name: "backup-plan", deps: ["backup-vault"], inputs: { rules: [{ ruleName: "daily", targetVaultName: "backup-vault", schedule: "cron(0 3 * * ? *)" }] } },
        {
            type: "aws:backup/selection:Selection",
            name: "backup-tools",
            deps: ["backup-plan"],
            inputs: { planId: "plan-id", iamRoleArn: "arn:aws:iam::111122223333:role/backup", selectionTags: [{ type: "STRINGEQUALS", key: "role", value: "jenkins" }] },
        },
        { type: "aws:s3/bucket:Bucket", name: "platform-backups", protect: true, inputs: { tags: { purpose: "backup" } } },
        {
            type: "aws:s3/bucketPolicy:BucketPolicy",
            name: "platform-backups-policy",
            deps: ["platform-backups"],
            inputs: {
                bucket: "platform-backups-id",
                policy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } },
                        { Sid: "BackupServiceWrites", Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "s3:PutObject", Resource: `${BUCKET_ARN}/*`, Condition: { StringEquals: { "aws:SourceAccount": "111122223333" } } },
                    ],
                }),
            },
        },
        // Identities: an instance role trusted by EC2, its inline policy scoped to ARNs, a managed
        // policy attachment, and a workload-identity role pinned to one service account.
        {
            type: "aws:iam/role:Role",
            name: "jenkins-role",
            inputs: {
                assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
                tags: { Name: "plat-jenkins-role" },
            },
        },
        {
            type: "aws:iam/rolePolicy:RolePolicy",
            name: "jenkins-policy",
            deps: ["jenkins-role"],
            inputs: {
                role: "jenkins-role-id",
                policy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        { Sid: "ReadEnrollment", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:enrollment-AbCdEf" },
                        { Sid: "Describe", Effect: "Allow", Action: ["ec2:DescribeInstances", "ec2:DescribeTags"], Resource: "*" },
                        { Sid: "Metrics", Effect: "Allow", Action: "cloudwatch:PutMetricData", Resource: "*" },
                    ],
                }),
            },
        },
        { type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", name: "jenkins-ssm", deps: ["jenkins-role"], inputs: { role: "jenkins-role-id", policyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore" } },
        {
            type: "aws:iam/role:Role",
            name: "ebs-csi-role",
            inputs: {
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Effect: "Allow",
                            Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/${OIDC}` },
                            Action: "sts:AssumeRoleWithWebIdentity",
                            Condition: { StringEquals: { [`${OIDC}:sub`]: "system:serviceaccount:kube-system:ebs-csi-controller-sa", [`${OIDC}:aud`]: "sts.amazonaws.com" } },
                        },
                    ],
                }),
            },
        },
        { type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", name: "platform-backups-pab", deps: ["platform-backups"], inputs: { bucket: "platform-backups-id", blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true } },
        {
            type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            name: "platform-backups-sse",
            deps: ["platform-backups", "platform-key"],
            inputs: { bucket: "platform-backups-id", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN }, bucketKeyEnabled: true }] },
        },
        { type: "aws:s3/bucketVersioning:BucketVersioning", name: "platform-backups-versioning", deps: ["platform-backups"], inputs: { bucket: "platform-backups-id", versioningConfiguration: { status: "Enabled" } } },
        {
            type: "aws:eks/cluster:Cluster",
            name: "plat-cluster",
            protect: true,
            deps: ["private-a", "private-b", "platform-key"],
            inputs: {
                roleArn: "arn:aws:iam::111122223333:role/cluster",
                vpcConfig: { subnetIds: ["private-a-id", "private-b-id"], endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] },
                encryptionConfig: { resources: ["secrets"], provider: { keyArn: KEY_ARN } },
                enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
            },
        },
        {
            type: "aws:ec2/launchTemplate:LaunchTemplate",
            name: "workers-lt",
            deps: ["platform-key"],
            inputs: {
                metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 },
                blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", kmsKeyId: KEY_ARN, volumeSize: 50 } }],
                userData: Buffer.from("#!/bin/bash\n/etc/eks/bootstrap.sh plat-cluster\n").toString("base64"),
            },
        },
        {
            type: "aws:eks/nodeGroup:NodeGroup",
            name: "workers",
            deps: ["plat-cluster", "private-a", "private-b", "workers-lt"],
            inputs: { clusterName: "plat-cluster", subnetIds: ["private-a-id", "private-b-id"], instanceTypes: ["m6i.large"], scalingConfig: { minSize: 2, maxSize: 4, desiredSize: 2 } },
        },
        { type: "kubernetes:core/v1:Namespace", name: "apps", inputs: { metadata: { name: "apps" } } },
        {
            type: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
            name: "apps-default-deny",
            deps: ["apps"],
            inputs: { metadata: { name: "default-deny", namespace: "apps" }, spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } },
        },
        {
            type: "kubernetes:rbac.authorization.k8s.io/v1:Role",
            name: "apps-runner",
            deps: ["apps"],
            inputs: {
                metadata: { name: "runner", namespace: "apps" },
                rules: [
                    { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch", "create", "delete"] },
                    { apiGroups: [""], resources: ["secrets"], verbs: ["get"] },
                ],
            },
        },
        {
            type: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
            name: "node-reader",
            inputs: { metadata: { name: "node-reader" }, rules: [{ apiGroups: [""], resources: ["nodes", "namespaces"], verbs: ["get", "list", "watch"] }] },
        },
        {
            type: "kubernetes:apps/v1:Deployment",
            name: "web",
            deps: ["apps"],
            inputs: {
                metadata: { namespace: "apps" },
                spec: {
                    selector: { matchLabels: { app: "web" } },
                    template: {
                        metadata: { labels: { app: "web" } },
                        spec: {
                            containers: [{ name: "web", image: "ghcr.io/example/web:1.4.2", securityContext: { privileged: false, allowPrivilegeEscalation: false } }],
                            initContainers: [{ name: "migrate", image: "ghcr.io/example/migrate@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" }],
                            volumes: [{ name: "cache", emptyDir: {} }],
                        },
                    },
                },
            },
        },
        {
            type: "kubernetes:helm.sh/v3:Release",
            name: "argocd",
            inputs: {
                chart: "argo-cd",
                version: "7.7.11",
                repositoryOpts: { repo: "https://argoproj.github.io/argo-helm" },
                namespace: "argocd",
                values: {
                    global: { image: { tag: "v2.13.2" }, priorityClassName: "platform-critical" },
                    createClusterRoles: false,
                    controller: { containerSecurityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true } },
                    repoServer: { volumes: [{ name: "tmp", emptyDir: {} }] },
                },
            },
        },
        {
            type: "kubernetes:helm.sh/v3:Release",
            name: "monitoring",
            inputs: {
                chart: "kube-prometheus-stack",
                version: "88.5.3",
                repositoryOpts: { repo: "https://prometheus-community.github.io/helm-charts" },
                namespace: "monitoring",
                values: {
                    prometheusOperator: { priorityClassName: "platform-critical", admissionWebhooks: { patch: { priorityClassName: "platform-critical" } } },
                    prometheus: { prometheusSpec: { priorityClassName: "platform-critical" } },
                    alertmanager: { alertmanagerSpec: { priorityClassName: "platform-critical" } },
                    grafana: { priorityClassName: "platform-critical", rbac: { namespaced: true } },
                    "kube-state-metrics": { priorityClassName: "platform-critical", collectorsExclude: ["secrets"] },
                    "prometheus-node-exporter": { priorityClassName: "platform-critical" },
                },
            },
        },
        {
            type: "kubernetes:helm.sh/v3:Release",
            name: "serving",
            inputs: {
                chart: "seldon-core-operator",
                version: "1.18.2",
                repositoryOpts: { repo: "https://storage.googleapis.com/seldon-charts" },
                namespace: "models",
                values: { singleNamespace: true, manager: { priorityClassName: "platform-critical" } },
            },
        },
        {
            type: "kubernetes:argoproj.io/v1alpha1:AppProject",
            name: "apps-project",
            deps: ["argocd"],
            inputs: {
                apiVersion: "argoproj.io/v1alpha1",
                kind: "AppProject",
                metadata: { name: "apps", namespace: "argocd" },
                spec: {
                    sourceRepos: ["https://git.example.com/apps.git"],
                    destinations: [{ server: "https://kubernetes.default.svc", namespace: "apps" }],
                    clusterResourceWhitelist: [],
                    namespaceResourceWhitelist: [{ group: "apps", kind: "Deployment" }, { group: "", kind: "Service" }],
                },
            },
        },
        {
            type: "kubernetes:argoproj.io/v1alpha1:AppProjectPatch",
            name: "default-project-lock",
            deps: ["argocd"],
            inputs: {
                apiVersion: "argoproj.io/v1alpha1",
                kind: "AppProject",
                metadata: { name: "default", namespace: "argocd" },
                spec: { sourceRepos: [], destinations: [], clusterResourceWhitelist: [], namespaceResourceBlacklist: [{ group: "*", kind: "*" }] },
            },
        },
        {
            type: "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy",
            name: "tenant-guardrail",
            inputs: {
                metadata: { name: "tenant-guardrail" },
                spec: {
                    failurePolicy: "Fail",
                    matchConstraints: { resourceRules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["services"] }] },
                    validations: [{ expression: "!has(object.spec.externalIPs)", message: "no externalIPs" }],
                },
            },
        },
        {
            type: "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding",
            name: "tenant-guardrail-binding",
            deps: ["tenant-guardrail"],
            inputs: { metadata: { name: "tenant-guardrail" }, spec: { policyName: "tenant-guardrail", validationActions: ["Deny"] } },
        },
        // What the platform deploys besides plain workloads: a patch of a chart's Deployment and a
        // SeldonDeployment, whose predictors carry pod specs.
        {
            type: "kubernetes:apps/v1:DeploymentPatch",
            name: "seldon-manager-patch",
            inputs: {
                metadata: { name: "seldon-controller-manager", namespace: "seldon-system" },
                spec: { template: { spec: { tolerations: [{ key: "kubernetes.azure.com/scalesetpriority", operator: "Equal", value: "spot", effect: "NoSchedule" }] } } },
            },
        },
        {
            type: "kubernetes:machinelearning.seldon.io/v1:SeldonDeployment",
            name: "iris",
            inputs: {
                apiVersion: "machinelearning.seldon.io/v1",
                kind: "SeldonDeployment",
                metadata: { name: "iris", namespace: "models-demo" },
                spec: {
                    predictors: [
                        {
                            name: "default",
                            graph: { name: "classifier", implementation: "SKLEARN_SERVER", modelUri: "gs://seldon-models/v1.18.2/sklearn/iris" },
                            componentSpecs: [{ spec: { containers: [{ name: "classifier", securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true } }] } }],
                        },
                    ],
                },
            },
        },
        {
            type: "kubernetes:argoproj.io/v1alpha1:Application",
            name: "apps-root",
            deps: ["argocd"],
            inputs: {
                apiVersion: "argoproj.io/v1alpha1",
                kind: "Application",
                metadata: { name: "apps-root", namespace: "argocd" },
                spec: { project: "default", source: { repoURL: "https://git.example.com/apps.git", targetRevision: "main", path: "apps" }, syncPolicy: { automated: { prune: true, selfHeal: true } } },
            },
        },
        // AZURE BLOCK: a compliant Azure platform (tests/policy/fixtures-azure.ts).
        ...azureGoodSpecs(),
        // GCP BLOCK: a compliant GCP platform (tests/policy/fixtures-gcp.ts).
        ...gcpGoodSpecs(),
    ];
}

export function goodStack(): ResourceGraph {
    return build(goodSpecs());
}

/** The compliant stack with edits: `edit(specs)` changes specs in place (find them with `spec`). */
export function stackWith(edit: (specs: Spec[]) => void): ResourceGraph {
    const specs = goodSpecs();
    edit(specs);
    return build(specs);
}

/** The spec of a resource by name (throws if absent: a clear fixture error). */
export function spec(specs: Spec[], name: string): Spec & { inputs: Record<string, any> } {
    const found = specs.find((s) => s.name === name);
    if (!found) {
        throw new Error(`no fixture resource ${name}`);
    }
    return found as Spec & { inputs: Record<string, any> };
}

/** Replace a spec (for deps / protect edits, which are readonly). */
export function replace(specs: Spec[], name: string, change: Partial<Spec>): void {
    const i = specs.findIndex((s) => s.name === name);
    if (i < 0) {
        throw new Error(`no fixture resource ${name}`);
    }
    specs[i] = { ...specs[i], ...change } as Spec;
}

export function remove(specs: Spec[], ...names: string[]): void {
    for (const name of names) {
        const i = specs.findIndex((s) => s.name === name);
        if (i < 0) {
            throw new Error(`no fixture resource ${name}`);
        }
        specs.splice(i, 1);
    }
    for (let i = 0; i < specs.length; i++) {
        const deps = specs[i].deps?.filter((d) => !names.includes(d));
        if (deps) {
            specs[i] = { ...specs[i], deps };
        }
    }
}

export function ruleNamed(name: string): PlatformPolicy {
    const rule = policies.find((p) => p.name === name);
    if (!rule) {
        throw new Error(`no rule ${name}`);
    }
    return rule;
}

/**
 * Runs one rule with no config (schema defaults apply) and mandatory enforcement. `stackView`
 * is what a stack rule sees (offline/outputs.ts); resource rules always see inputs.
 */
export function runRule(graph: ResourceGraph, name: string, config: Record<string, unknown> = {}, stackView: StackView = "inputs"): PolicyReport {
    return runPolicies(graph, { environment: "prod", policies: [ruleNamed(name)], config: { [name]: { enforcementLevel: "mandatory", ...config } }, stackView });
}

/** The rule's messages, each prefixed with the resource name: `name: message`. */
export function messages(report: PolicyReport): string[] {
    return report.violations.map((v) => `${v.resourceName ?? "?"}: ${v.message}`);
}
