/**
 * GCP answers for the offline mocks: invokes, provider-computed state and ids, in the shapes the
 * real provider returns (`projects/<p>/regions/<r>/subnetworks/<n>` ids, compute self links,
 * numeric project numbers and instance ids). The project comes from the resource's provider
 * (the builder's explicit `gcp.Provider`), as it would for real.
 *
 * Public addresses come from the documentation range (RFC 5737), the deployer is an
 * example.com user: nothing here can be mistaken for a real environment.
 */
import type * as pulumi from "@pulumi/pulumi";
import { Address4 } from "ip-address";
import { ALWAYS_ENABLED_APIS, GCP_FUNCTION_APIS } from "./constraints/tables/gcp-apis";
import { GCP_SERVICE_AGENTS, serviceAgentEmail } from "./constraints/tables/gcp-service-agents";
import { CloudMocks, InvokeContext, InvokeHandler, mockPem, stableHex, StateContext, StateHandler } from "./mocks-core";

/** The project number the mocks give every project (12 digits, like real ones). */
export function mockProjectNumber(project: string): string {
    return String(100000000000 + (parseInt(stableHex(`project-${project}`, 8), 16) % 900000000000));
}
/** The identity the mocks say is running `pulumi up`. */
export const MOCK_GCP_DEPLOYER = "platform-deployer@example.com";
/** Zones per region as GCP names them (europe-west1 has no `-a`). */
const REGION_ZONES: Readonly<Record<string, readonly string[]>> = {
    "europe-west1": ["b", "c", "d"],
    "us-east1": ["b", "c", "d"],
};
const COMPUTE = "https://www.googleapis.com/compute/v1";

function numericId(key: string, digits = 19): string {
    return String(BigInt(`0x${stableHex(key, 16)}`) % 10n ** BigInt(digits)).padStart(digits, "1");
}

function projectOf(inputs: Record<string, any>, provider: Readonly<Record<string, unknown>>): string {
    const p = inputs.project ?? provider.project;
    if (typeof p !== "string" || p === "") {
        throw new Error("offline mocks: a GCP resource or invoke without a project (neither the resource nor its provider sets one)");
    }
    return p;
}

/** The last path segment of a GCP id or self link. */
function lastSegment(ref: unknown): string {
    return typeof ref === "string" ? ref.split("/").pop() ?? ref : "";
}

const GCP_INVOKES: Record<string, InvokeHandler> = {
    "gcp:organizations/getProject:getProject": (inputs, { provider }) => {
        const project = projectOf({ project: inputs.projectId }, provider);
        return { id: `projects/${project}`, projectId: project, number: mockProjectNumber(project), name: project, orgId: "123456789012", labels: {}, effectiveLabels: {}, autoCreateNetwork: true, deletionPolicy: "PREVENT" };
    },
    "gcp:compute/getZones:getZones": (inputs, { region, provider }) => {
        const r = String(inputs.region ?? region);
        const letters = REGION_ZONES[r] ?? ["a", "b", "c"];
        return { id: `projects/${projectOf(inputs, provider)}/regions/${r}`, names: letters.map((l) => `${r}-${l}`), project: projectOf(inputs, provider), region: r, status: inputs.status };
    },
    "gcp:compute/getImage:getImage": (inputs) => {
        if (typeof inputs.project !== "string" || inputs.project === "") {
            // Without an explicit image project, a same-named family in the caller's project could win.
            throw new Error("offline mocks: gcp.compute.getImage without an explicit `project` is refused (image spoofing risk)");
        }
        const family = String(inputs.family ?? inputs.name ?? "unknown");
        const name = `${family.replace(/-lts-amd64$/, "-noble-amd64").replace(/^ubuntu-2404/, "ubuntu-2404")}-v20261101`;
        return {
            id: `projects/${inputs.project}/global/images/${name}`,
            name,
            family,
            project: inputs.project,
            selfLink: `${COMPUTE}/projects/${inputs.project}/global/images/${name}`,
            status: "READY",
            archiveSizeBytes: 1395618816,
            diskSizeGb: 10,
            imageId: numericId(`image-${name}`),
            creationTimestamp: "2026-11-01T00:00:00.000-07:00",
            labels: {},
            licenses: [`${COMPUTE}/projects/ubuntu-os-cloud/global/licenses/ubuntu-2404-lts`],
        };
    },
    "gcp:organizations/getClientOpenIdUserInfo:getClientOpenIdUserInfo": () => ({ id: MOCK_GCP_DEPLOYER, email: MOCK_GCP_DEPLOYER }),
    // Returns (and on first use creates) the project's Cloud Storage service agent.
    "gcp:storage/getProjectServiceAccount:getProjectServiceAccount": (inputs, { provider }) => {
        const project = projectOf(inputs, provider);
        const email = `service-${mockProjectNumber(project)}@gs-project-accounts.iam.gserviceaccount.com`;
        return { id: email, emailAddress: email, member: `serviceAccount:${email}`, project };
    },
    "gcp:serviceaccount/getAccount:getAccount": (inputs, { provider }) => {
        const email = String(inputs.accountId);
        return { id: `projects/${projectOf(inputs, provider)}/serviceAccounts/${email}`, email, uniqueId: numericId(`sa-${email}`, 21), name: `projects/${projectOf(inputs, provider)}/serviceAccounts/${email}`, member: `serviceAccount:${email}` };
    },
};

/** A resource's project and region (its own inputs first, then its provider's). */
function where(args: pulumi.runtime.MockResourceArgs, ctx: StateContext): { project: string; region: string } {
    return { project: projectOf(args.inputs, ctx.provider), region: String(args.inputs.region ?? args.inputs.location ?? ctx.region) };
}

/**
 * What the real APIs refuse before they are enabled: a function of a disabled API fails with 403
 * SERVICE_DISABLED, in preview as in update. An invoke whose API (offline/constraints/tables/gcp-apis.ts)
 * has no gcp:projects/service:Service created yet in this run is refused here, so a program that
 * calls one too early fails offline exactly as it would on a fresh project.
 */
export function refuseBeforeEnabled(token: string, ctx: InvokeContext): void {
    const api = GCP_FUNCTION_APIS[token];
    if (!api || ALWAYS_ENABLED_APIS.includes(api)) {
        return;
    }
    const enabled = ctx.registered("gcp:projects/service:Service").map((s) => s.service);
    if (!enabled.includes(api)) {
        throw new Error(
            `offline mocks: ${token} calls ${api}, which is not enabled yet in this run (no gcp:projects/service:Service for it has been created): ` +
                `on a fresh project the real call fails with 403 SERVICE_DISABLED and the stack can never enable its own APIs. ` +
                `Enable the API first and call the function's output form with dependsOn: [that Service].`,
        );
    }
}

/** The e-mail a service's generateServiceIdentity returns, when the docs list its agent. */
function serviceIdentityEmail(service: string, project: string): string | undefined {
    const agent = GCP_SERVICE_AGENTS.find((a) => a.service === service);
    return agent ? serviceAgentEmail(agent, mockProjectNumber(project)) : undefined;
}

const GCP_STATES: Record<string, StateHandler> = {
    "gcp:projects/service:Service": () => ({}),
    "gcp:projects/serviceIdentity:ServiceIdentity": (a, ctx) => {
        const email = serviceIdentityEmail(String(a.inputs.service), where(a, ctx).project);
        return email ? { email, member: `serviceAccount:${email}` } : {};
    },
    "gcp:serviceaccount/iAMMember:IAMMember": (a) => ({ etag: `BwY${stableHex(a.name, 9)}=` }),
    "gcp:pubsub/topic:Topic": (a, ctx) => ({ project: where(a, ctx).project }),
    "gcp:pubsub/subscription:Subscription": (a, ctx) => ({ project: where(a, ctx).project }),
    "gcp:pubsub/topicIAMMember:TopicIAMMember": (a) => ({ etag: `BwY${stableHex(a.name, 9)}=` }),
    "gcp:binaryauthorization/policy:Policy": (a, ctx) => ({ project: where(a, ctx).project }),
    "gcp:compute/network:Network": (a, ctx) => {
        const { project } = where(a, ctx);
        return { selfLink: `${COMPUTE}/projects/${project}/global/networks/${a.inputs.name}`, numericId: numericId(a.name), gatewayIpv4: "", project };
    },
    "gcp:compute/subnetwork:Subnetwork": (a, ctx) => {
        const { project, region } = where(a, ctx);
        const block = new Address4(String(a.inputs.ipCidrRange));
        return {
            selfLink: `${COMPUTE}/projects/${project}/regions/${region}/subnetworks/${a.inputs.name}`,
            // GCP reserves the first address for the network and the second for the gateway.
            gatewayAddress: Address4.fromBigInt(block.startAddress().bigInt() + 1n).address,
            region,
            project,
            creationTimestamp: "2026-11-22T02:00:00.000-08:00",
        };
    },
    "gcp:compute/address:Address": (a, ctx) => {
        const { project, region } = where(a, ctx);
        return { address: a.inputs.addressType === "INTERNAL" ? a.inputs.address : ctx.nextPublicAddress(), selfLink: `${COMPUTE}/projects/${project}/regions/${region}/addresses/${a.inputs.name}`, region, project, users: [] };
    },
    "gcp:compute/router:Router": (a, ctx) => {
        const { project, region } = where(a, ctx);
        return { selfLink: `${COMPUTE}/projects/${project}/regions/${region}/routers/${a.inputs.name}`, region, project };
    },
    "gcp:compute/routerNat:RouterNat": (a, ctx) => ({ region: where(a, ctx).region }),
    "gcp:compute/firewall:Firewall": (a, ctx) => ({ selfLink: `${COMPUTE}/projects/${where(a, ctx).project}/global/firewalls/${a.inputs.name}` }),
    "gcp:serviceaccount/account:Account": (a, ctx) => {
        const { project } = where(a, ctx);
        const email = `${a.inputs.accountId}@${project}.iam.gserviceaccount.com`;
        return { email, member: `serviceAccount:${email}`, name: `projects/${project}/serviceAccounts/${email}`, uniqueId: numericId(`sa-${email}`, 21), project };
    },
    "gcp:projects/iAMMember:IAMMember": (a) => ({ etag: `BwY${stableHex(a.name, 9)}=` }),
    "gcp:kms/keyRing:KeyRing": () => ({}),
    "gcp:kms/cryptoKey:CryptoKey": (a) => ({ primaries: [{ name: `${a.inputs.keyRing}/cryptoKeys/${a.inputs.name}/cryptoKeyVersions/1`, state: "ENABLED" }] }),
    "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember": (a) => ({ etag: `BwY${stableHex(a.name, 9)}=` }),
    "gcp:compute/resourcePolicy:ResourcePolicy": (a, ctx) => {
        const { project, region } = where(a, ctx);
        return { selfLink: `${COMPUTE}/projects/${project}/regions/${region}/resourcePolicies/${a.inputs.name}`, region, project };
    },
    "gcp:storage/bucket:Bucket": (a, ctx) => ({ url: `gs://${a.inputs.name}`, selfLink: `https://www.googleapis.com/storage/v1/b/${a.inputs.name}`, project: where(a, ctx).project, projectNumber: Number(mockProjectNumber(where(a, ctx).project)) }),
    "gcp:storage/bucketIAMMember:BucketIAMMember": (a) => ({ etag: `CAE=${stableHex(a.name, 4)}` }),
    "gcp:secretmanager/secret:Secret": (a, ctx) => {
        const { project } = where(a, ctx);
        return { name: `projects/${mockProjectNumber(project)}/secrets/${a.inputs.secretId}`, project, createTime: "2026-11-22T10:00:00.000000Z" };
    },
    "gcp:secretmanager/secretVersion:SecretVersion": (a) => ({ version: "1", name: `${String(a.inputs.secret).replace(/^projects\/[^/]+/, "projects/123")}/versions/1`, enabled: true }),
    "gcp:secretmanager/secretIamMember:SecretIamMember": (a) => ({ etag: `BwY${stableHex(a.name, 9)}=` }),
    "gcp:oslogin/sshPublicKey:SshPublicKey": (a) => ({ fingerprint: stableHex(`fp-${a.name}`, 64) }),
    "gcp:compute/disk:Disk": (a, ctx) => {
        const { project } = where(a, ctx);
        return { selfLink: `${COMPUTE}/projects/${project}/zones/${a.inputs.zone}/disks/${a.inputs.name}`, diskId: numericId(`disk-${a.name}`), project };
    },
    "gcp:compute/instance:Instance": (a, ctx) => {
        const { project } = where(a, ctx);
        const nis = ((a.inputs.networkInterfaces as Record<string, any>[] | undefined) ?? []).map((ni, i) => {
            const subnet = ctx.stateById(ni.subnetwork);
            if (!ni.networkIp && !subnet) {
                throw new Error(`offline mocks: instance ${a.name} is in an unknown subnetwork ${String(ni.subnetwork)}`);
            }
            return { ...ni, name: `nic${i}`, networkIp: ni.networkIp ?? ctx.nextAddress(String(subnet!.ipCidrRange)), network: subnet?.network };
        });
        return {
            selfLink: `${COMPUTE}/projects/${project}/zones/${a.inputs.zone}/instances/${a.inputs.name}`,
            instanceId: numericId(`instance-${a.name}`),
            networkInterfaces: nis,
            cpuPlatform: "Intel Cascade Lake",
            currentStatus: "RUNNING",
            project,
        };
    },
    "gcp:compute/instanceIAMMember:InstanceIAMMember": (a) => ({ etag: `BwY${stableHex(a.name, 9)}=` }),
    "gcp:container/cluster:Cluster": (a, ctx) => {
        const { project } = where(a, ctx);
        const pcc = (a.inputs.privateClusterConfig as Record<string, any> | undefined) ?? {};
        const master = new Address4(String(pcc.masterIpv4CidrBlock ?? "172.16.0.0/28"));
        const privateEndpoint = Address4.fromBigInt(master.startAddress().bigInt() + 2n).address;
        const publicEndpoint = pcc.enablePrivateEndpoint ? undefined : ctx.nextPublicAddress();
        return {
            endpoint: publicEndpoint ?? privateEndpoint,
            privateClusterConfig: { ...pcc, privateEndpoint, ...(publicEndpoint ? { publicEndpoint } : {}), peeringName: `gke-n${stableHex(a.name, 14)}-peer` },
            masterAuth: { ...(a.inputs.masterAuth ?? {}), clusterCaCertificate: Buffer.from(mockPem("CERTIFICATE", a.name)).toString("base64") },
            masterVersion: `${String(a.inputs.minMasterVersion ?? "1.35")}.2-gke.1100000`,
            selfLink: `https://container.googleapis.com/v1/projects/${project}/locations/${a.inputs.location}/clusters/${a.inputs.name}`,
            labelFingerprint: stableHex(`lf-${a.name}`, 8),
            operation: "",
            project,
        };
    },
    "gcp:container/nodePool:NodePool": (a, ctx) => {
        const { project } = where(a, ctx);
        const zones = (a.inputs.nodeLocations as string[] | undefined) ?? [];
        return {
            version: "1.35.2-gke.1100000",
            instanceGroupUrls: zones.map((z) => `${COMPUTE}/projects/${project}/zones/${z}/instanceGroupManagers/gke-${lastSegment(a.inputs.cluster)}-${a.inputs.name}-${stableHex(`${a.name}${z}`, 8)}-grp`),
            project,
        };
    },
};

/** Ids as the provider records them (resource paths), or undefined for the generic fallback. */
function gcpId(args: pulumi.runtime.MockResourceArgs, ctx: InvokeContext): string | undefined {
    if (!args.type.startsWith("gcp:")) {
        return undefined;
    }
    const i = args.inputs;
    const p = String(i.project ?? ctx.provider.project ?? "");
    const r = String(i.region ?? ctx.region);
    const regional = (kind: string) => `projects/${p}/regions/${r}/${kind}/${i.name}`;
    const zonal = (kind: string) => `projects/${p}/zones/${i.zone}/${kind}/${i.name}`;
    const path: Record<string, () => string> = {
        "gcp:projects/service:Service": () => `${i.project}/${i.service}`,
        "gcp:compute/network:Network": () => `projects/${p}/global/networks/${i.name}`,
        "gcp:compute/subnetwork:Subnetwork": () => regional("subnetworks"),
        "gcp:compute/address:Address": () => regional("addresses"),
        "gcp:compute/router:Router": () => regional("routers"),
        "gcp:compute/routerNat:RouterNat": () => `${p}/${r}/${lastSegment(i.router)}/${i.name}`,
        "gcp:compute/firewall:Firewall": () => `projects/${p}/global/firewalls/${i.name}`,
        "gcp:compute/resourcePolicy:ResourcePolicy": () => regional("resourcePolicies"),
        "gcp:compute/disk:Disk": () => zonal("disks"),
        "gcp:compute/instance:Instance": () => zonal("instances"),
        "gcp:serviceaccount/account:Account": () => `projects/${p}/serviceAccounts/${i.accountId}@${p}.iam.gserviceaccount.com`,
        "gcp:kms/keyRing:KeyRing": () => `projects/${p}/locations/${i.location}/keyRings/${i.name}`,
        "gcp:kms/cryptoKey:CryptoKey": () => `${i.keyRing}/cryptoKeys/${i.name}`,
        "gcp:storage/bucket:Bucket": () => String(i.name),
        "gcp:secretmanager/secret:Secret": () => `projects/${p}/secrets/${i.secretId}`,
        "gcp:secretmanager/secretVersion:SecretVersion": () => `${i.secret}/versions/1`,
        "gcp:container/cluster:Cluster": () => `projects/${p}/locations/${i.location}/clusters/${i.name}`,
        "gcp:container/nodePool:NodePool": () => `${i.cluster}/nodePools/${i.name}`,
        "gcp:oslogin/sshPublicKey:SshPublicKey": () => `users/${i.user}/sshPublicKeys/${stableHex(args.name, 64)}`,
        "gcp:projects/serviceIdentity:ServiceIdentity": () => `projects/${p}/services/${i.service}`,
        "gcp:pubsub/topic:Topic": () => `projects/${p}/topics/${i.name}`,
        "gcp:pubsub/subscription:Subscription": () => `projects/${p}/subscriptions/${i.name}`,
        "gcp:binaryauthorization/policy:Policy": () => `projects/${p}`,
        "gcp:dns/policy:Policy": () => `projects/${p}/policies/${i.name}`,
        "gcp:logging/projectBucketConfig:ProjectBucketConfig": () => `projects/${p}/locations/${i.location}/buckets/${i.bucketId}`,
        "gcp:projects/iAMAuditConfig:IAMAuditConfig": () => `${p} audit_config ${i.service}`,
    };
    const id = path[args.type]?.();
    // IAM members: `<resource> <role> <member>`, as the provider records them.
    return id ?? (typeof i.role === "string" && typeof i.member === "string" ? `${i.cryptoKeyId ?? i.secretId ?? i.bucket ?? i.instanceName ?? i.serviceAccountId ?? i.topic ?? i.project} ${i.role} ${i.member}` : undefined);
}

export const GCP_MOCKS: CloudMocks = { invokes: GCP_INVOKES, states: GCP_STATES, idFor: gcpId, defaultRegion: "europe-west1", gateInvoke: refuseBeforeEnabled };
