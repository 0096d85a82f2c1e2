/**
 * `platform:gcp:Bastion`: the only VM with an external address, SSH from the operators'
 * allowlist only (firewall.ts). OS Login decides who may log in (IAM, audited in Cloud Audit
 * Logs); the generated key is registered to the deployer's OS Login profile, so the contract's
 * "one generated key reaches the platform" holds without project-wide metadata keys.
 * Shielded VM (secure boot, vTPM, integrity monitoring); Ubuntu 24.04 LTS.
 *
 * The registered key expires: OS Login keys carry an expiry (`expirationTimeUsec`), and the key
 * pair is regenerated every {@link SSH_KEY_ROTATION_DAYS} days by the next `pulumi up` after that
 * (a `time.Rotating` resource), so a leaked key stops working on its own.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import * as time from "@pulumiverse/time";
import { parseCidr } from "../config/cidr";
import type { BastionOutputs, FirewallIdentity } from "../contracts";
import { memberOf, SECRET_ACCESSOR_ROLE, tierServiceAccount, VM_BASE_ROLES } from "./iam";
import { gcpName, nameLabels } from "./labels";

/** Canonical's image project and the supported Ubuntu LTS family (24.04, standard support to 2029). */
export const UBUNTU_IMAGE = { project: "ubuntu-os-cloud", family: "ubuntu-2404-lts-amd64" } as const;

/**
 * The boot image by family URL, resolved by Compute Engine when the disk is created: no
 * `getImage` call (which needs the Compute API before the stack could enable it), and the image
 * project is explicit, so a same-named family in our own project can never be picked
 * (cloud.google.com/compute/docs/images/image-families-best-practices;
 * cloud.google.com/compute/docs/reference/rest/v1/disks: sourceImage
 * `projects/<project>/global/images/family/<family>`).
 */
export function imageFamilyUrl(image: { readonly project: string; readonly family: string } = UBUNTU_IMAGE): string {
    return `projects/${image.project}/global/images/family/${image.family}`;
}

/** A new SSH key pair this often (the next `pulumi up` after it regenerates and re-registers). */
export const SSH_KEY_ROTATION_DAYS = 30;
/** How long past its rotation date a key still works, if no `pulumi up` ran to rotate it. */
export const SSH_KEY_GRACE_DAYS = 14;

/** OS Login's expiry for a key: the rotation instant plus the grace, in microseconds since the epoch. */
export function sshKeyExpiryUsec(rotationRfc3339: string, graceDays = SSH_KEY_GRACE_DAYS): string {
    const ms = Date.parse(rotationRfc3339);
    if (Number.isNaN(ms)) {
        throw new Error(`sshKeyExpiryUsec: ${JSON.stringify(rotationRfc3339)} is not an RFC 3339 time`);
    }
    return String(BigInt(ms + graceDays * 86_400_000) * 1000n);
}

/** Metadata every VM carries: OS Login on, project-wide keys and the serial console off. */
export const VM_METADATA = {
    "enable-oslogin": "TRUE",
    "block-project-ssh-keys": "TRUE",
    "serial-port-enable": "FALSE",
} as const;

/** Shielded VM: boot integrity, measured against the vTPM, reported to Cloud Monitoring. */
export const SHIELDED_VM = { enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true } as const;

export interface GcpBastionArgs {
    /** `SHA256:...` of the SSH host key the program issued for this bastion (delivered in its TLS secret). */
    readonly hostKeyFingerprint: pulumi.Input<string>;
    readonly project: string;
    readonly prefix: string;
    /** Zone to run in (the first of the platform's zones). */
    readonly zone: string;
    /** The public subnet's id. */
    readonly subnetId: pulumi.Input<string>;
    /** CIDRs allowed to SSH in (enforced in firewall.ts; checked here too). */
    readonly allowedCidrs: readonly string[];
    readonly machineType: string;
    /** The boot image (a family URL, see {@link imageFamilyUrl}). */
    readonly image: pulumi.Input<string>;
    /** CMEK for the boot disk, and what must exist before a disk can name it (the agent's grant). */
    readonly disksKey: { readonly id: pulumi.Input<string>; readonly ready: readonly pulumi.Resource[] };
    /** cloud-init user data (hardening, node_exporter, Wazuh agent). */
    readonly userData: pulumi.Input<string>;
    /** Who runs `pulumi up` (email): the generated key goes to their OS Login profile. */
    readonly deployerEmail: string;
    /** Their OS Login POSIX name (config `bastion.osLoginUser`, else iam.ts osLoginUser). */
    readonly sshUser: pulumi.Input<string>;
    /** The Wazuh enrollment secret the bastion's agent reads at boot (`projects/<p>/secrets/<id>`). */
    readonly enrollmentSecretId: pulumi.Input<string>;
    /** The bastion's TLS bundle secret (`projects/<p>/secrets/<id>`), read at boot too. */
    readonly tlsSecretId: pulumi.Input<string>;
    readonly dependsOn?: readonly pulumi.Resource[];
}

export class Bastion extends pulumi.ComponentResource implements BastionOutputs {
    readonly publicIp: pulumi.Output<string>;
    readonly privateIp: pulumi.Output<string>;
    readonly sshUser: pulumi.Output<string>;
    readonly privateKeyPem: pulumi.Output<string>;
    readonly identity: FirewallIdentity;
    readonly serviceAccountEmail: pulumi.Output<string>;
    readonly instanceId: pulumi.Output<string>;
    readonly tunnelTarget: pulumi.Output<string>;
    readonly hostKeyFingerprint: pulumi.Output<string>;

    constructor(name: string, args: GcpBastionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:gcp:Bastion", name, {}, opts);
        validateBastionArgs(args);
        const built = buildBastion(name, args, this);
        this.publicIp = built.address.address;
        this.privateIp = built.instance.networkInterfaces.apply((nis) => nis[0].networkIp);
        this.sshUser = pulumi.output(args.sshUser);
        // Marked secret here, not left to the provider: it must never reach state or logs in clear.
        this.privateKeyPem = pulumi.secret(built.key.privateKeyOpenssh);
        this.serviceAccountEmail = built.sa.email;
        this.identity = { kind: "gcpServiceAccount", id: built.sa.email };
        this.instanceId = built.instance.instanceId;
        this.hostKeyFingerprint = pulumi.output(args.hostKeyFingerprint);
        this.tunnelTarget = built.instance.name;
        this.registerOutputs({ publicIp: this.publicIp, privateIp: this.privateIp, privateKeyPem: this.privateKeyPem, serviceAccountEmail: this.serviceAccountEmail });
    }
}

export function validateBastionArgs(args: GcpBastionArgs): void {
    if (args.allowedCidrs.length === 0) {
        throw new Error("platform:gcp:Bastion: allowedCidrs is empty; the bastion would be unreachable");
    }
    for (const c of args.allowedCidrs) {
        if (parseCidr(c).prefix === 0) {
            throw new Error(`platform:gcp:Bastion: ${c} would open SSH to the whole internet`);
        }
    }
}

function buildBastion(name: string, args: GcpBastionArgs, parent: pulumi.Resource) {
    const opts: pulumi.CustomResourceOptions = { parent, dependsOn: [...(args.dependsOn ?? [])] };
    const hostname = gcpName(args.prefix, "bastion");
    const child = (...parts: string[]) => [name, ...parts].join("-");

    const sa = tierServiceAccount(child(), { project: args.project, prefix: args.prefix, tier: "bastion", displayName: "Bastion", roles: VM_BASE_ROLES }, opts);
    // The bastion's agent reads the enrollment password at boot: that secret, nothing else, and
    // granted BEFORE the VM boots (its bootstrap retries while the grant propagates).
    const secretGrant = new gcp.secretmanager.SecretIamMember(child("read-enrollment"), { secretId: args.enrollmentSecretId, role: SECRET_ACCESSOR_ROLE, member: sa.member }, { parent });
    // Its TLS bundle likewise (the certificate itself follows the VM: it names the VM's address).
    const tlsGrant = new gcp.secretmanager.SecretIamMember(child("read-tls"), { secretId: args.tlsSecretId, role: SECRET_ACCESSOR_ROLE, member: sa.member }, { parent });

    // ED25519: short keys, no weak-parameter choices. The private half exists only in state, as a
    // secret; a new pair every SSH_KEY_ROTATION_DAYS (the Rotating resource rolls over, and the
    // key follows it through replacementTrigger), and OS Login refuses the old one after its expiry.
    const rotation = new time.Rotating(child("ssh-key-rotation"), { rotationDays: SSH_KEY_ROTATION_DAYS }, { parent });
    const key = new tls.PrivateKey(child("ssh-key"), { algorithm: "ED25519" }, { parent, replacementTrigger: rotation.rotationRfc3339 });
    new gcp.oslogin.SshPublicKey(
        child("oslogin-key"),
        { user: args.deployerEmail, project: args.project, key: key.publicKeyOpenssh, expirationTimeUsec: rotation.rotationRfc3339.apply((r) => sshKeyExpiryUsec(r)) },
        opts,
    );

    // A reserved address: stable across stop/start and rebuilds, so allowlists elsewhere hold.
    const address = new gcp.compute.Address(
        child("ip"),
        { name: hostname, description: "The bastion's external address (the only VM address reachable from the internet)", addressType: "EXTERNAL", networkTier: "PREMIUM", labels: nameLabels(hostname, { role: "bastion" }) },
        { ...opts, deleteBeforeReplace: true },
    );

    const instance = new gcp.compute.Instance(
        child("instance"),
        {
            name: hostname,
            zone: args.zone,
            machineType: args.machineType,
            description: "Bastion: SSH from the allowlist only, OS Login",
            bootDisk: { autoDelete: true, kmsKeySelfLink: args.disksKey.id, initializeParams: { image: args.image, size: 20, type: "pd-balanced", labels: nameLabels(`${hostname}-boot`, { role: "bastion" }) } },
            networkInterfaces: [{ subnetwork: args.subnetId, accessConfigs: [{ natIp: address.address, networkTier: "PREMIUM" }] }],
            serviceAccount: { email: sa.email, scopes: ["https://www.googleapis.com/auth/cloud-platform"] },
            shieldedInstanceConfig: { ...SHIELDED_VM },
            metadata: { ...VM_METADATA, "user-data": args.userData },
            canIpForward: false,
            allowStoppingForUpdate: true,
            labels: nameLabels(hostname, { role: "bastion" }),
        },
        {
            ...opts,
            // Fixed name and address: a replacement (another zone, another boot-disk key) deletes
            // the old VM first, or the new one collides with its name (409).
            deleteBeforeReplace: true,
            dependsOn: [...(args.dependsOn ?? []), ...sa.grants, secretGrant, tlsGrant, ...args.disksKey.ready],
            // A newer image must not silently replace the bastion; unattended-upgrades patches it
            // in place, and a rebuild is a deliberate `--replace`.
            ignoreChanges: ["bootDisk.initializeParams.image"],
            // A changed bootstrap rebuilds the bastion (in place, the metadata would change but
            // cloud-init would not run again).
            replaceOnChanges: ['metadata["user-data"]'],
        },
    );
    // The deployer logs in through OS Login on this VM (IAM-checked at every login).
    new gcp.compute.InstanceIAMMember(child("oslogin"), { project: args.project, zone: args.zone, instanceName: instance.name, role: "roles/compute.osLogin", member: memberOf(args.deployerEmail) }, { parent });

    return { sa, key, address, instance };
}
