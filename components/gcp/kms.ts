/**
 * Cloud KMS for the platform: one key ring per stack, keys by purpose (GKE secrets, Vault
 * unseal), each rotated every 90 days. Key rings and keys can never be deleted in GCP (destroy
 * only schedules key versions for destruction), so names are deterministic per stack and prod
 * protects them: a second `pulumi up` after a destroy must adopt (import) them, not collide.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { gcpName, nameLabels } from "./labels";

/** Rotation period (90 days, in seconds as Cloud KMS takes it). */
export const KEY_ROTATION_PERIOD = "7776000s";
/** Key purposes the platform creates. */
export type KeyPurpose = "gke-secrets" | "vault-unseal" | "disks";

/**
 * The Compute Engine service agent: it encrypts persistent disks (VMs, GKE nodes, PD CSI volumes)
 * with our key. Format from cloud.google.com/iam/docs/service-agents ("Compute Engine Service
 * Agent"); a test compares it to offline/constraints/tables/gcp-service-agents.ts.
 */
export function computeServiceAgent(projectNumber: string): string {
    if (!/^\d+$/.test(projectNumber)) {
        throw new Error(`computeServiceAgent: ${JSON.stringify(projectNumber)} is not a project NUMBER`);
    }
    return `service-${projectNumber}@compute-system.iam.gserviceaccount.com`;
}

export interface GcpKeysArgs {
    readonly prefix: string;
    /** Project NUMBER (getProject invoke): names the Compute Engine service agent. */
    readonly projectNumber: string;
    /** Key ring location: the stack's region (keys stay next to what they protect). */
    readonly location: string;
    readonly protect: boolean;
    readonly dependsOn?: readonly pulumi.Resource[];
}

export class Keys extends pulumi.ComponentResource {
    readonly keyRing: gcp.kms.KeyRing;
    readonly keyRingName: pulumi.Output<string>;
    readonly keys: Readonly<Record<KeyPurpose, gcp.kms.CryptoKey>>;
    /** The Compute Engine agent's grant on the disks key: every CMEK disk waits for it. */
    readonly disksKeyGrant: gcp.kms.CryptoKeyIAMMember;

    constructor(name: string, args: GcpKeysArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:gcp:Keys", name, {}, opts);
        const stateful: pulumi.CustomResourceOptions = { parent: this, protect: args.protect, dependsOn: [...(args.dependsOn ?? [])] };
        this.keyRing = new gcp.kms.KeyRing(`${name}-ring`, { name: gcpName(args.prefix, "keys"), location: args.location }, stateful);
        const key = (purpose: KeyPurpose, description: string) =>
            new gcp.kms.CryptoKey(
                `${name}-${purpose}`,
                {
                    name: purpose,
                    keyRing: this.keyRing.id,
                    purpose: "ENCRYPT_DECRYPT",
                    rotationPeriod: KEY_ROTATION_PERIOD,
                    versionTemplate: { algorithm: "GOOGLE_SYMMETRIC_ENCRYPTION", protectionLevel: "SOFTWARE" },
                    // 30 days to notice and restore a destroyed version.
                    destroyScheduledDuration: "2592000s",
                    labels: nameLabels(gcpName(args.prefix, purpose), { purpose: description }),
                },
                stateful,
            );
        this.keys = {
            "gke-secrets": key("gke-secrets", "gke-secrets-encryption"),
            "vault-unseal": key("vault-unseal", "vault-auto-unseal"),
            disks: key("disks", "persistent-disk-encryption"),
        };
        // Disks are created by Compute Engine on our behalf: its agent must be able to use the key
        // BEFORE any disk names it, or the disk creation fails.
        this.disksKeyGrant = new gcp.kms.CryptoKeyIAMMember(
            `${name}-disks-compute-agent`,
            { cryptoKeyId: this.keys.disks.id, role: "roles/cloudkms.cryptoKeyEncrypterDecrypter", member: `serviceAccount:${computeServiceAgent(args.projectNumber)}` },
            { parent: this, dependsOn: [...(args.dependsOn ?? [])] },
        );
        this.keyRingName = this.keyRing.name;
        this.registerOutputs({ keyRing: this.keyRing.id });
    }
}
