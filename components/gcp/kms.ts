/**
 * Cloud KMS for the platform: one key ring per stack, keys by purpose (GKE secrets, Vault
 * unseal, persistent disks, the Vault snapshot bucket), each rotated every 90 days, and the
 * Google-managed service agents' grants on the keys they use on our behalf.
 *
 * Key rings and keys can never be deleted in GCP (destroy only schedules key versions for
 * destruction and forgets the ring: cloud.google.com/kms/docs/resource-hierarchy#lifetime), so a
 * ring's name is taken for ever. Outside prod the ring's name carries a per-creation suffix
 * (a `random.RandomId` kept in state): a destroyed dev or staging stack can be created again
 * under the same prefix, and a replacement of the ring gets a new name instead of a 409.
 * Prod keeps a fixed name and protects the ring and keys; re-creating prod after a destroy means
 * importing them (README, "GCP").
 *
 * Grants to service agents are bridged by an explicit wait: IAM changes take effect "typically
 * within 2 minutes" (cloud.google.com/iam/docs/access-change-propagation), and GKE and Compute
 * Engine check the key at creation, so a cluster or disk created at once can fail.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as time from "@pulumiverse/time";
import { gcpName, nameLabels } from "./labels";

/** Rotation period (90 days, in seconds as Cloud KMS takes it). */
export const KEY_ROTATION_PERIOD = "7776000s";
/** How long a destroyed key version can still be restored (30 days; Cloud KMS default is 30, range 1-120 days). */
export const KEY_DESTROY_SCHEDULED_DURATION = "2592000s";
/** Key purposes the platform creates. */
export type KeyPurpose = "gke-secrets" | "vault-unseal" | "disks" | "backups";
/** What each key protects (its `purpose` label). */
export const KEY_PURPOSES: Readonly<Record<KeyPurpose, string>> = {
    "gke-secrets": "gke-secrets-encryption",
    "vault-unseal": "vault-auto-unseal",
    disks: "persistent-disk-encryption",
    backups: "vault-snapshot-bucket-encryption",
};
/**
 * The wait after the service agents' key grants: IAM "typically" applies a change within 2
 * minutes (cloud.google.com/iam/docs/access-change-propagation; up to 7 minutes in rare cases,
 * which a re-run of `pulumi up` covers).
 */
export const IAM_PROPAGATION_WAIT = "120s";
/**
 * The role a service agent needs to encrypt and decrypt with a key
 * (https://cloud.google.com/iam/docs/roles-permissions/cloudkms#cloudkms.cryptoKeyEncrypterDecrypter;
 * https://cloud.google.com/kubernetes-engine/docs/how-to/using-cmek#grant_permission).
 */
export const KEY_USER_ROLE = "roles/cloudkms.cryptoKeyEncrypterDecrypter";

/**
 * The Compute Engine service agent: it encrypts persistent disks (VMs, GKE nodes, PD CSI volumes)
 * with our key. Format from cloud.google.com/iam/docs/service-agents ("Compute Engine Service
 * Agent"); a test compares it to offline/constraints/tables/gcp-service-agents.ts. It exists once
 * the Compute Engine API is enabled; generateServiceIdentity refuses compute.googleapis.com
 * (terraform-google-modules/terraform-google-project-factory#628), so the grant waits for that
 * API instead of a ServiceIdentity.
 */
export function computeServiceAgent(projectNumber: string): string {
    if (!/^\d+$/.test(projectNumber)) {
        throw new Error(`computeServiceAgent: ${JSON.stringify(projectNumber)} is not a project NUMBER`);
    }
    return `service-${projectNumber}@compute-system.iam.gserviceaccount.com`;
}

/** A service agent that uses a key, and what must exist before it can be granted. */
export interface KeyAgent {
    /** `serviceAccount:<agent e-mail>`. */
    readonly member: pulumi.Input<string>;
    /** What creates the agent (its API's Service, a ServiceIdentity, the invoke that creates it). */
    readonly after: readonly pulumi.Resource[];
}

export interface GcpKeysArgs {
    readonly prefix: string;
    /** Key ring location: the stack's region (keys stay next to what they protect). */
    readonly location: string;
    readonly protect: boolean;
    /**
     * Per-creation suffix on the ring's name (everything but prod): the stack can be destroyed and
     * created again under the same prefix. False: a fixed name (prod; import after a destroy).
     */
    readonly recreatable: boolean;
    /** Who encrypts with which key on our behalf. */
    readonly agents: { readonly disks: KeyAgent; readonly gkeSecrets: KeyAgent; readonly backups: KeyAgent };
    readonly dependsOn?: readonly pulumi.Resource[];
}

/** The key ring's name: fixed, or with the per-creation suffix. */
export function keyRingName(prefix: string, suffix?: string): string {
    return suffix ? gcpName(prefix, "keys", suffix) : gcpName(prefix, "keys");
}

export class Keys extends pulumi.ComponentResource {
    readonly keyRing: gcp.kms.KeyRing;
    readonly keyRingName: pulumi.Output<string>;
    readonly keys: Readonly<Record<KeyPurpose, gcp.kms.CryptoKey>>;
    /** The service agents' grants, by key. */
    readonly agentGrants: Readonly<Record<"disks" | "gke-secrets" | "backups", gcp.kms.CryptoKeyIAMMember>>;
    /** Completes once the agents' grants have had time to propagate: every consumer waits for it. */
    readonly grantsPropagated: time.Sleep;

    constructor(name: string, args: GcpKeysArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:gcp:Keys", name, {}, opts);
        const after = [...(args.dependsOn ?? [])];
        const stateful: pulumi.CustomResourceOptions = { parent: this, protect: args.protect, dependsOn: after };
        // The suffix changes only if the ring must move (another location or prefix): then the new
        // ring gets a new name and the old one is left behind, as GCP requires.
        const suffix = args.recreatable
            ? new random.RandomId(`${name}-ring-suffix`, { byteLength: 2, keepers: { prefix: args.prefix, location: args.location } }, { parent: this }).hex
            : undefined;
        const ringName = suffix ? suffix.apply((s) => keyRingName(args.prefix, s)) : keyRingName(args.prefix);
        // Never deleteBeforeReplace here: a ring cannot be deleted, so a replacement needs a new name.
        this.keyRing = new gcp.kms.KeyRing(`${name}-ring`, { name: ringName, location: args.location }, stateful);
        const key = (purpose: KeyPurpose) =>
            new gcp.kms.CryptoKey(
                `${name}-${purpose}`,
                {
                    name: purpose,
                    keyRing: this.keyRing.id,
                    purpose: "ENCRYPT_DECRYPT",
                    rotationPeriod: KEY_ROTATION_PERIOD,
                    versionTemplate: { algorithm: "GOOGLE_SYMMETRIC_ENCRYPTION", protectionLevel: "SOFTWARE" },
                    destroyScheduledDuration: KEY_DESTROY_SCHEDULED_DURATION,
                    labels: nameLabels(gcpName(args.prefix, purpose), { purpose: KEY_PURPOSES[purpose] }),
                },
                stateful,
            );
        this.keys = { "gke-secrets": key("gke-secrets"), "vault-unseal": key("vault-unseal"), disks: key("disks"), backups: key("backups") };

        // A grant to an agent that does not exist yet fails ("Service account ... does not exist"),
        // and the provider does not retry it: each grant waits for what creates its agent.
        const grant = (purpose: "disks" | "gke-secrets" | "backups", agent: KeyAgent) =>
            new gcp.kms.CryptoKeyIAMMember(
                `${name}-${purpose}-agent`,
                { cryptoKeyId: this.keys[purpose].id, role: KEY_USER_ROLE, member: agent.member },
                { parent: this, dependsOn: [...after, ...agent.after] },
            );
        this.agentGrants = {
            // Compute Engine creates disks (VMs, GKE nodes, PD CSI volumes) with this key.
            disks: grant("disks", args.agents.disks),
            // GKE checks its agent's access to the secrets key when the cluster is created.
            "gke-secrets": grant("gke-secrets", args.agents.gkeSecrets),
            // Cloud Storage encrypts the snapshot bucket's objects with this key.
            backups: grant("backups", args.agents.backups),
        };
        const grants = Object.values(this.agentGrants);
        this.grantsPropagated = new time.Sleep(
            `${name}-grants-propagation`,
            { createDuration: IAM_PROPAGATION_WAIT, triggers: { grants: pulumi.all(grants.map((g) => g.id)).apply((ids) => ids.join(",")) } },
            { parent: this, dependsOn: grants },
        );
        this.keyRingName = this.keyRing.name;
        this.registerOutputs({ keyRing: this.keyRing.id });
    }
}
