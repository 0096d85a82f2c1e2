/**
 * `platform:gcp:ToolVm`: one tool VM (Jenkins, Vault or Wazuh). Tools subnet, fixed internal
 * address, NO external address, Shielded VM, OS Login, a dedicated service account with only
 * log/metric writing plus what the role's bootstrap uses, a separate data disk, both disks on
 * the daily snapshot schedule, and the cloud-init bootstrap of components/bootstrap as
 * `user-data` metadata (Ubuntu's cloud-init reads it on GCE).
 *
 * Firewall rules are not here: firewall.ts holds the whole matrix, naming this VM's service account.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { Address4 } from "ip-address";
import { InternalCa, renderBootstrap, ServiceCertificate } from "../bootstrap";
import type { GkeKubernetesCloud } from "../bootstrap/types";
import type { CloudIdentity, FirewallIdentity, ToolVmOutputs, ToolVmRole } from "../contracts";
import { JENKINS_HOME_PREFIX, VAULT_SNAPSHOT_PREFIX } from "./backup";
import { SHIELDED_VM, VM_METADATA } from "./bastion";
import { CLUSTER_VIEWER_ROLE, memberOf, OBJECT_CREATOR_ROLE, SECRET_ACCESSOR_ROLE, tierServiceAccount, VM_BASE_ROLES } from "./iam";
import { KEY_USER_ROLE } from "./kms";
import { gcpName, nameLabels } from "./labels";

/** Data disk size per role (GB): JENKINS_HOME, Vault raft, Wazuh indexer. */
export const DATA_DISK_GB: Readonly<Record<ToolVmRole, number>> = { jenkins: 100, vault: 20, wazuh: 200 };
export const BOOT_DISK_GB = 30;
/** The data disk's device name: /dev/disk/by-id/google-data on the VM (bootstrap `gcp-pd`). */
export const DATA_DEVICE_NAME = "data";
/** Host offset of each role's fixed address inside the tools subnet (GCP reserves .0, .1 and the last two). */
export const HOST_OFFSET: Readonly<Record<ToolVmRole, number>> = { jenkins: 10, vault: 11, wazuh: 12 };
/** Zone index per role (modulo the zone count): the three VMs spread over the zones. */
export const ZONE_INDEX: Readonly<Record<ToolVmRole, number>> = { jenkins: 0, vault: 1, wazuh: 2 };
/**
 * What Vault's gcpckms seal needs on its key: encrypt/decrypt, and cloudkms.cryptoKeys.get (viewer)
 * (https://developer.hashicorp.com/vault/docs/configuration/seal/gcpckms#authentication-permissions;
 * https://cloud.google.com/iam/docs/roles-permissions/cloudkms#cloudkms.viewer).
 */
export const VAULT_KEY_ROLES = [KEY_USER_ROLE, "roles/cloudkms.viewer"] as const;
/**
 * What the Vault SERVER needs for its `gcp` auth method's `gce`-type login, which the snapshot job
 * uses (components/bootstrap: the instance identity token): Vault calls `compute.instances.get`
 * on the logging-in instance and `iam.serviceAccounts.get` on its service account
 * (developer.hashicorp.com/vault/docs/auth/gcp#required-gcp-permissions; hashicorp/vault-plugin-auth-gcp#65).
 * Granted on exactly those two resources, to Vault's own account: the only instance that logs in
 * is Vault's own VM. `compute.instanceGroups.list` (bound_instance_groups) and
 * `iam.serviceAccountKeys.get` (`iam`-type roles) are not used. Roles:
 * https://cloud.google.com/iam/docs/roles-permissions/compute#compute.viewer and
 * https://cloud.google.com/iam/docs/roles-permissions/iam#iam.serviceAccountViewer (whether
 * compute.viewer is grantable on a single instance is not confirmed from a source here).
 */
export const VAULT_GCE_AUTH_ROLES = { instance: "roles/compute.viewer", serviceAccount: "roles/iam.serviceAccountViewer" } as const;

/**
 * A tool VM's OAuth scopes: cloud-platform, so the service account's IAM roles alone decide what
 * it may do (https://cloud.google.com/compute/docs/access/service-accounts#scopes_best_practice).
 */
export const VM_OAUTH_SCOPES = ["https://www.googleapis.com/auth/cloud-platform"] as const;
/**
 * The OAuth scope that lets a token name its account's e-mail (and nothing else:
 * https://developers.google.com/identity/protocols/oauth2/scopes#oauth2).
 */
export const USERINFO_EMAIL_SCOPE = "https://www.googleapis.com/auth/userinfo.email";
/**
 * Jenkins' scopes add userinfo.email: its metadata-server token authenticates the Kubernetes
 * plugin to GKE, and GKE takes a service account token's user to be the account's e-mail only
 * when the token carries that scope; without it the user is the account's numeric unique id, so
 * RBAC bound to the e-mail (ClusterHints.jenkinsAgents) never matches and every call is refused
 * (https://cloud.google.com/kubernetes-engine/docs/how-to/role-based-access-control#forbidden_error_for_service_accounts_on_vm_instances;
 * client-go's former gcp auth provider requested it for this reason). Catalogue entry
 * `gcp-gke-vm-token-email-scope`.
 */
export const JENKINS_OAUTH_SCOPES = [...VM_OAUTH_SCOPES, USERINFO_EMAIL_SCOPE] as const;

/** The `index`-th host address of a block: fixed addresses survive a VM replacement. */
export function hostAddress(cidr: string, index: number): string {
    const block = new Address4(cidr);
    const size = 2n ** BigInt(32 - block.subnetMask);
    if (index < 2 || BigInt(index) >= size - 2n) {
        throw new Error(`host index ${index} is outside the usable range of ${cidr} (GCP reserves the first two and the last two addresses)`);
    }
    return Address4.fromBigInt(block.startAddress().bigInt() + BigInt(index)).address;
}

/** Where a role's VM goes: its zone and fixed address in the (regional) tools subnet. */
export function placement(role: ToolVmRole, toolsCidr: string, zones: readonly string[]): { zone: string; privateIp: string } {
    return { zone: zones[ZONE_INDEX[role] % zones.length], privateIp: hostAddress(toolsCidr, HOST_OFFSET[role]) };
}

export type ToolVmRoleArgs =
    | {
          readonly role: "jenkins";
          readonly wazuhManagerAddress: pulumi.Input<string>;
          /** The bucket the daily JENKINS_HOME archive goes to (the snapshot bucket, its own prefix). */
          readonly homeBackupBucket: pulumi.Input<string>;
          /**
           * The GKE cluster the Kubernetes plugin starts build agents in, by NAME (cluster.ts
           * gkeKubernetesCloud): the VM looks up the endpoint and CA itself, so it never waits for,
           * or is replaced with, the cluster. Its service account gets CLUSTER_VIEWER_ROLE for that.
           */
          readonly kubernetes: GkeKubernetesCloud;
      }
    | {
          readonly role: "vault";
          readonly wazuhManagerAddress: pulumi.Input<string>;
          /** The unseal key (its ring's location and names) and the snapshot bucket. */
          readonly unseal: { readonly keyId: pulumi.Input<string>; readonly keyRing: pulumi.Input<string>; readonly cryptoKey: pulumi.Input<string>; readonly location: string };
          readonly snapshotBucket: pulumi.Input<string>;
      }
    | { readonly role: "wazuh" };

export type GcpToolVmArgs = ToolVmRoleArgs & {
    readonly project: string;
    readonly prefix: string;
    readonly zone: string;
    /** The tools subnet's id. */
    readonly subnetId: pulumi.Input<string>;
    readonly privateIp: string;
    readonly machineType: string;
    /** The boot image (a family URL: bastion.ts imageFamilyUrl). */
    readonly image: pulumi.Input<string>;
    /** CMEK for both disks, and what must exist before a disk can name it (the agent's grant). */
    readonly disksKey: { readonly id: pulumi.Input<string>; readonly ready: readonly pulumi.Resource[] };
    /** The daily snapshot schedule, attached to both disks. */
    readonly snapshotPolicyId: pulumi.Input<string>;
    /** The Wazuh enrollment secret (id for the grant, short secretId for the bootstrap). */
    readonly enrollmentSecret: { readonly id: pulumi.Input<string>; readonly secretId: pulumi.Input<string> };
    /** The platform CA: it issues this VM's certificate (delivered through its own TLS secret). */
    readonly ca: InternalCa;
    /** Region the TLS secret is replicated in (the stack's). */
    readonly region: string;
    /** The deployer (email): OS Login on this VM, reached through the bastion. */
    readonly deployerEmail: string;
    readonly dataDiskSizeGb?: number;
    /** Prod: protect the VM, its disks; GCE deletion protection on. */
    readonly protect: boolean;
    readonly dependsOn?: readonly pulumi.Resource[];
};

export class ToolVm extends pulumi.ComponentResource implements ToolVmOutputs {
    readonly role: ToolVmRole;
    readonly hostname: string;
    readonly privateIp: pulumi.Output<string>;
    readonly identity: CloudIdentity;
    readonly firewallIdentity: FirewallIdentity;
    readonly dataDiskId: pulumi.Output<string>;
    readonly instanceId: pulumi.Output<string>;
    readonly serviceAccountEmail: pulumi.Output<string>;

    constructor(name: string, args: GcpToolVmArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:gcp:ToolVm", name, {}, opts);
        validateToolVmArgs(args);
        const built = buildToolVm(name, args, this);
        this.role = args.role;
        this.hostname = built.hostname;
        this.privateIp = built.instance.networkInterfaces.apply((nis) => nis[0].networkIp);
        this.serviceAccountEmail = built.sa.email;
        this.identity = { kind: "gcpServiceAccount", id: built.sa.email };
        this.firewallIdentity = { kind: "gcpServiceAccount", id: built.sa.email };
        this.dataDiskId = built.dataDisk.id;
        this.instanceId = built.instance.instanceId;
        this.registerOutputs({ role: this.role, hostname: this.hostname, privateIp: this.privateIp, serviceAccountEmail: this.serviceAccountEmail, dataDiskId: this.dataDiskId });
    }
}

export function validateToolVmArgs(args: GcpToolVmArgs): void {
    const problems: string[] = [];
    const size = args.dataDiskSizeGb ?? DATA_DISK_GB[args.role];
    if (!Number.isInteger(size) || size < 10 || size > 65536) {
        problems.push(`dataDiskSizeGb ${size} must be an integer from 10 to 65536 (persistent disk limits)`);
    }
    if (!Address4.isValid(args.privateIp)) {
        problems.push(`privateIp ${JSON.stringify(args.privateIp)} is not an IPv4 address`);
    }
    if (problems.length > 0) {
        throw new Error(`platform:gcp:ToolVm (${args.role}): ${problems.join("; ")}`);
    }
}

function buildToolVm(name: string, args: GcpToolVmArgs, parent: pulumi.Resource) {
    const opts: pulumi.CustomResourceOptions = { parent, dependsOn: [...(args.dependsOn ?? [])] };
    const stateful: pulumi.CustomResourceOptions = { ...opts, protect: args.protect };
    const role = args.role;
    const hostname = gcpName(args.prefix, role);
    const child = (...parts: string[]) => [name, ...parts].join("-");

    const sa = tierServiceAccount(child(), { project: args.project, prefix: args.prefix, tier: role, displayName: `${role} tool VM`, roles: VM_BASE_ROLES }, opts);
    // Every VM reads the Wazuh enrollment password at boot: this one secret, nothing else.
    const secretGrant = new gcp.secretmanager.SecretIamMember(child("read-enrollment"), { secretId: args.enrollmentSecret.id, role: SECRET_ACCESSOR_ROLE, member: sa.member }, { parent });
    // This VM's certificate from the platform CA, in a secret only its service account reads.
    const tls = new TlsSecret(child("tls"), { prefix: args.prefix, role, region: args.region, protect: args.protect, dependsOn: args.dependsOn }, { parent });
    const tlsVersion = tls.issue({ ca: args.ca, hostname, privateIp: args.privateIp, zone: args.zone, project: args.project });
    const tlsGrant = new gcp.secretmanager.SecretIamMember(child("read-tls"), { secretId: tls.id, role: SECRET_ACCESSOR_ROLE, member: sa.member }, { parent });
    const grants: pulumi.Resource[] = [...sa.grants, secretGrant, tlsGrant, tlsVersion];
    if (args.role === "vault") {
        // Auto-unseal: only Vault's service account may use the unseal key.
        for (const keyRole of VAULT_KEY_ROLES) {
            grants.push(
                new gcp.kms.CryptoKeyIAMMember(child("unseal", keyRole.split(".").pop()!.toLowerCase()), { cryptoKeyId: args.unseal.keyId, role: keyRole, member: sa.member }, { parent }),
            );
        }
        // Create-only: a compromised Vault cannot read or delete older snapshots (retention or versioning keeps them).
        grants.push(new gcp.storage.BucketIAMMember(child("snapshot-writer"), { bucket: args.snapshotBucket, role: OBJECT_CREATOR_ROLE, member: sa.member }, { parent }));
        // The gce-type login verifies the service account (iam.serviceAccounts.get) on Vault's own account.
        grants.push(
            new gcp.serviceaccount.IAMMember(child("gce-auth-sa-viewer"), { serviceAccountId: sa.account.name, role: VAULT_GCE_AUTH_ROLES.serviceAccount, member: sa.member }, { parent }),
        );
    }
    if (args.role === "jenkins") {
        // The JENKINS_HOME archive, create-only as Vault's snapshots (the upload sends ifGenerationMatch=0).
        grants.push(new gcp.storage.BucketIAMMember(child("home-archive-writer"), { bucket: args.homeBackupBucket, role: OBJECT_CREATOR_ROLE, member: sa.member }, { parent }));
        // The cluster look-up (clusters.get: private endpoint and CA) its token timer makes; in the
        // cluster, RBAC on this account's e-mail grants pods in jenkins-agents only (the in-cluster
        // layer). Project level: GKE has no cluster-level IAM (see CLUSTER_VIEWER_ROLE). Before the
        // VM, as every grant here; the cluster itself comes later, and the timer retries until both
        // the cluster and the grant's propagation are there.
        grants.push(new gcp.projects.IAMMember(child("cluster-viewer"), { project: args.project, role: CLUSTER_VIEWER_ROLE, member: sa.member }, { parent }));
    }

    const labels = nameLabels(hostname, { role });
    // Fixed names (unique per zone) and, for the data disk, the one attachment it allows: a
    // replacement deletes the old disk first, or the new one collides with it (409).
    const diskOpts: pulumi.CustomResourceOptions = { ...stateful, deleteBeforeReplace: true, dependsOn: [...(args.dependsOn ?? []), ...args.disksKey.ready] };
    const diskEncryptionKey = { kmsKeySelfLink: args.disksKey.id };
    const bootDisk = new gcp.compute.Disk(
        child("boot"),
        { name: `${hostname}-boot`, zone: args.zone, image: args.image, size: BOOT_DISK_GB, type: "pd-balanced", diskEncryptionKey, resourcePolicies: [args.snapshotPolicyId], labels: nameLabels(`${hostname}-boot`, { role }) },
        // A newer image must not replace the boot disk on an unrelated update.
        { ...diskOpts, ignoreChanges: ["image"] },
    );
    const dataDisk = new gcp.compute.Disk(
        child("data"),
        { name: `${hostname}-data`, zone: args.zone, size: args.dataDiskSizeGb ?? DATA_DISK_GB[role], type: "pd-balanced", diskEncryptionKey, resourcePolicies: [args.snapshotPolicyId], labels: nameLabels(`${hostname}-data`, { role }) },
        diskOpts,
    );

    const common = {
        cloud: "gcp" as const,
        hostname,
        wazuhEnrollmentSecret: { type: "gcp-secretmanager" as const, project: args.project, secret: args.enrollmentSecret.secretId },
        tlsSecret: { type: "gcp-secretmanager" as const, project: args.project, secret: tls.secretId },
        dataDisk: { type: "gcp-pd" as const, deviceName: DATA_DEVICE_NAME },
    };
    let userData: pulumi.Output<string>;
    switch (args.role) {
        case "jenkins":
            userData = renderBootstrap("jenkins", {
                ...common,
                wazuhManagerAddress: args.wazuhManagerAddress,
                backup: { type: "gcs", bucket: args.homeBackupBucket, prefix: JENKINS_HOME_PREFIX },
                kubernetes: args.kubernetes,
            });
            break;
        case "vault":
            userData = renderBootstrap("vault", {
                ...common,
                wazuhManagerAddress: args.wazuhManagerAddress,
                seal: { type: "gcpckms", project: args.project, region: args.unseal.location, keyRing: args.unseal.keyRing, cryptoKey: args.unseal.cryptoKey },
                backup: { type: "gcs", bucket: args.snapshotBucket, prefix: VAULT_SNAPSHOT_PREFIX },
            });
            break;
        case "wazuh":
            userData = renderBootstrap("wazuh", common);
            break;
        default: {
            const impossible: never = args;
            throw new Error(`unknown tool VM role ${JSON.stringify(impossible)}`);
        }
    }

    const instance = new gcp.compute.Instance(
        child("instance"),
        {
            name: hostname,
            zone: args.zone,
            machineType: args.machineType,
            description: `${role}: private only; ingress from the tiers firewall.ts allows`,
            bootDisk: { source: bootDisk.selfLink, autoDelete: false },
            attachedDisks: [{ source: dataDisk.selfLink, deviceName: DATA_DEVICE_NAME, mode: "READ_WRITE" }],
            // No accessConfigs: no external address; egress goes through Cloud NAT.
            networkInterfaces: [{ subnetwork: args.subnetId, networkIp: args.privateIp }],
            serviceAccount: { email: sa.email, scopes: [...(role === "jenkins" ? JENKINS_OAUTH_SCOPES : VM_OAUTH_SCOPES)] },
            shieldedInstanceConfig: { ...SHIELDED_VM },
            metadata: { ...VM_METADATA, "user-data": userData },
            canIpForward: false,
            deletionProtection: args.protect,
            allowStoppingForUpdate: true,
            labels,
        },
        {
            ...stateful,
            // Fixed name, fixed internal address and READ_WRITE disks: a replacement must delete the
            // old VM first (a second VM can take neither the name, nor the address, nor the disks).
            deleteBeforeReplace: true,
            dependsOn: [...(args.dependsOn ?? []), ...grants],
            // cloud-init runs once per instance: a changed bootstrap (a version bump) replaces the
            // instance, shown as such in the preview. The kept boot disk is re-attached and cloud-init
            // runs the new user data for the new instance id (the bootstrap upgrades held packages in
            // place); the data disk's state is kept. Not ignoreChanges: Pulumi substitutes an ignored
            // property's old value even on replacement, so the new bootstrap would never arrive.
            replaceOnChanges: ['metadata["user-data"]'],
        },
    );
    new gcp.compute.InstanceIAMMember(child("oslogin"), { project: args.project, zone: args.zone, instanceName: instance.name, role: "roles/compute.osLogin", member: memberOf(args.deployerEmail) }, { parent });
    if (args.role === "vault") {
        // The gce-type login verifies that the instance exists and runs (compute.instances.get), on this VM only.
        new gcp.compute.InstanceIAMMember(child("gce-auth-instance-viewer"), { project: args.project, zone: args.zone, instanceName: instance.name, role: VAULT_GCE_AUTH_ROLES.instance, member: sa.member }, { parent });
    }
    return { hostname, sa, bootDisk, dataDisk, instance };
}

/**
 * The zonal internal DNS name Compute Engine gives a VM: `VM_NAME.ZONE.c.PROJECT_ID.internal`
 * (cloud.google.com/compute/docs/internal-dns).
 */
export function gceInternalDnsName(name: string, zone: string, project: string): string {
    return `${name}.${zone}.c.${project}.internal`;
}

/**
 * `platform:gcp:TlsSecret`: one VM's TLS bundle (certificate, key, platform CA) in Secret
 * Manager, replicated in the stack's region. The secret exists first (its id goes into the VM's
 * user data); `issue` adds the certificate once the VM's address is known. The caller grants the
 * VM's service account the accessor role on `id` (this secret only).
 */
export class TlsSecret extends pulumi.ComponentResource {
    /** `projects/<p>/secrets/<id>`: what IAM grants name. */
    readonly id: pulumi.Output<string>;
    /** The short secret id the bootstrap fetches. */
    readonly secretId: pulumi.Output<string>;
    private readonly secret: gcp.secretmanager.Secret;

    constructor(
        name: string,
        private readonly args: { readonly prefix: string; readonly role: string; readonly region: string; readonly protect: boolean; readonly dependsOn?: readonly pulumi.Resource[] },
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super("platform:gcp:TlsSecret", name, {}, opts);
        const secretId = gcpName(args.prefix, `tls-${args.role}`);
        this.secret = new gcp.secretmanager.Secret(
            `${name}-secret`,
            { secretId, replication: { userManaged: { replicas: [{ location: args.region }] } }, deletionProtection: args.protect, labels: nameLabels(secretId) },
            // A fixed secret id: a replacement deletes the old secret first (409 otherwise).
            { parent: this, protect: args.protect, deleteBeforeReplace: true, dependsOn: [...(args.dependsOn ?? [])] },
        );
        this.id = this.secret.id;
        this.secretId = this.secret.secretId;
        this.registerOutputs({ id: this.id });
    }

    /** Issues the VM's certificate (host name, zonal internal DNS name, private IP) and stores the bundle. */
    issue(args: {
        readonly ca: InternalCa;
        readonly hostname: string;
        readonly privateIp: pulumi.Input<string>;
        readonly zone: string;
        readonly project: string;
        readonly sshHostKey?: pulumi.Input<string>;
    }): gcp.secretmanager.SecretVersion {
        const cert = new ServiceCertificate(
            `${this.args.role}-tls-cert`,
            {
                ca: args.ca,
                hostname: args.hostname,
                dnsNames: [gceInternalDnsName(args.hostname, args.zone, args.project)],
                ipAddresses: [args.privateIp],
                ...(args.sshHostKey ? { sshHostKey: args.sshHostKey } : {}),
            },
            { parent: this },
        );
        return new gcp.secretmanager.SecretVersion(`${this.args.role}-tls-value`, { secret: this.secret.id, secretData: cert.bundleJson }, { parent: this });
    }
}

/**
 * `platform:gcp:EnrollmentSecret`: the Wazuh enrollment password in Secret Manager, replicated
 * in the stack's region only. Only the secret's id travels in user data; each VM reads the
 * value with its own service account (granted on this one secret).
 */
export class EnrollmentSecret extends pulumi.ComponentResource {
    /** `projects/<p>/secrets/<id>`: what IAM grants name. */
    readonly id: pulumi.Output<string>;
    /** The short secret id the bootstrap fetches. */
    readonly secretId: pulumi.Output<string>;

    constructor(name: string, args: { readonly prefix: string; readonly region: string; readonly protect: boolean; readonly dependsOn?: readonly pulumi.Resource[] }, opts?: pulumi.ComponentResourceOptions) {
        super("platform:gcp:EnrollmentSecret", name, {}, opts);
        const password = new random.RandomPassword(`${name}-password`, { length: 32, special: false }, { parent: this });
        const secretId = gcpName(args.prefix, "wazuh-enrollment");
        const secret = new gcp.secretmanager.Secret(
            `${name}-secret`,
            {
                secretId,
                replication: { userManaged: { replicas: [{ location: args.region }] } },
                deletionProtection: args.protect,
                labels: nameLabels(secretId),
            },
            // A fixed secret id: a replacement (another replica location) deletes the old secret first.
            { parent: this, protect: args.protect, deleteBeforeReplace: true, dependsOn: [...(args.dependsOn ?? [])] },
        );
        new gcp.secretmanager.SecretVersion(`${name}-value`, { secret: secret.id, secretData: password.result }, { parent: this });
        this.id = secret.id;
        this.secretId = secret.secretId;
        this.registerOutputs({ id: this.id });
    }
}
