/**
 * The platform's internal PKI: one CA issued by the program, and one server certificate per VM
 * (bastion, Jenkins, Vault, Wazuh) naming the VM's private names and addresses.
 *
 * Why issued here, and delivered through the cloud's secret store:
 * - User data is readable through the instance metadata service and the cloud APIs, so no private
 *   key is ever rendered into it. Each VM reads its bundle (certificate, key, CA) from the secret
 *   store with its own identity, exactly like the Wazuh enrollment password, at boot and daily
 *   (platform-tls-refresh.timer), so a renewed certificate reaches the VM without a rebuild.
 * - The alternative, letting each VM generate its key and have the CA sign a request, needs the
 *   CA key online (a signing service every VM can reach at boot, before Vault itself exists). An
 *   offline CA in Pulumi state is smaller to defend: the state is encrypted and its access
 *   audited, and nothing on the network can ask it to sign.
 *
 * The CA key and every VM key live in Pulumi state as secrets (`@pulumi/tls` marks private keys
 * secret). README.md says how to swap in an external CA.
 *
 * Lifetimes (hashicorp/terraform-provider-tls, `tls_locally_signed_cert`: `early_renewal_hours`
 * makes the resource count as expired that many hours early, so the next `pulumi up` in that
 * window issues a new certificate; the old one stays valid until its own end):
 * - CA: 10 years; replacing it is a deliberate operation (README.md).
 * - Server certificates: 1 year, renewed by any `pulumi up` in the last 30 days; VMs pick the new
 *   one up within a day. A monthly `pulumi up` (or the ephemeral-env reaper's) is enough.
 */
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import type { BootstrapOperations } from "./types";

export const CA_VALIDITY_HOURS = 10 * 365 * 24;
export const SERVER_CERT_VALIDITY_HOURS = 365 * 24;
export const SERVER_CERT_EARLY_RENEWAL_HOURS = 30 * 24;
/** ECDSA P-256: supported by every client here (Go, OpenSSL, Java, Node). */
export const KEY_ALGORITHM = { algorithm: "ECDSA", ecdsaCurve: "P256" } as const;

/** The JSON every VM reads from its TLS secret (components/bootstrap/scripts.ts, 30-tls). */
export interface TlsBundle {
    /** The VM's server certificate (PEM). */
    readonly certificate: string;
    /** Its private key (PEM). */
    readonly privateKey: string;
    /** The platform CA certificate (PEM): what every client trusts. */
    readonly caCertificate: string;
    /** The bastion only: its SSH host key (OpenSSH private key, ED25519), see {@link SshHostKey}. */
    readonly sshHostKey?: string;
    /**
     * Operators, patch window, Vault recovery and Wazuh retention (types.ts BootstrapOperations):
     * settings that change without rebuilding a VM, re-read daily with the certificate.
     */
    readonly operations?: BootstrapOperations;
}

export interface InternalCaArgs {
    /** Stack prefix, named in the CA's subject (e.g. `plat-dev`). */
    readonly prefix: string;
    /**
     * Prod: protect the CA key. Replacing it re-issues every certificate and breaks every client's
     * trust until each one has the new CA; that must be a deliberate rotation (README.md).
     */
    readonly protect: boolean;
    /**
     * The stack's operations settings (named operators, patch window, Vault recovery keys' PGP
     * fingerprints, Wazuh retention), validated at the config edge. Every certificate this CA
     * issues carries them in its bundle, so each VM reads them with its identity at boot and
     * daily: a new operator or retention never changes user data (and never replaces a VM).
     */
    readonly operations: pulumi.Input<BootstrapOperations>;
}

/** `platform:bootstrap:InternalCa`: a self-signed CA whose key exists only in Pulumi state. */
export class InternalCa extends pulumi.ComponentResource {
    /** The CA certificate (PEM); public: exported as the `internalCaCertPem` stack output. */
    readonly certPem: pulumi.Output<string>;
    /** The CA key (PEM), a secret. Only ServiceCertificate reads it. */
    readonly privateKeyPem: pulumi.Output<string>;
    /** What every bundle carries besides the certificate (InternalCaArgs.operations). */
    readonly operations: pulumi.Output<BootstrapOperations>;

    constructor(name: string, args: InternalCaArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:bootstrap:InternalCa", name, {}, opts);
        const key = new tls.PrivateKey(`${name}-key`, { ...KEY_ALGORITHM }, { parent: this, protect: args.protect });
        const cert = new tls.SelfSignedCert(
            `${name}-cert`,
            {
                privateKeyPem: key.privateKeyPem,
                isCaCertificate: true,
                subject: { commonName: `${args.prefix} internal CA`, organization: args.prefix },
                validityPeriodHours: CA_VALIDITY_HOURS,
                allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
                setSubjectKeyId: true,
            },
            { parent: this },
        );
        this.certPem = cert.certPem;
        this.privateKeyPem = pulumi.secret(key.privateKeyPem);
        this.operations = pulumi.output(args.operations) as pulumi.Output<BootstrapOperations>;
        this.registerOutputs({ certPem: this.certPem });
    }
}

export interface ServiceCertificateArgs {
    readonly ca: InternalCa;
    /** The VM's host name: the certificate's CN and first DNS name. */
    readonly hostname: string;
    /** Further private DNS names (the cloud's internal FQDN), besides the host name and `localhost`. */
    readonly dnsNames?: readonly pulumi.Input<string>[];
    /** Private IPv4 addresses clients use (besides 127.0.0.1): scrapes and agents connect by address. */
    readonly ipAddresses: readonly pulumi.Input<string>[];
    /** The bastion only: its SSH host key (OpenSSH private key), carried in the same bundle. */
    readonly sshHostKey?: pulumi.Input<string>;
}

/** The names a VM's certificate carries, in order (host name first, loopback last). */
export function certificateNames(hostname: string, dnsNames: readonly string[], ipAddresses: readonly string[]): { dnsNames: string[]; ipAddresses: string[] } {
    const uniq = (xs: string[]) => [...new Set(xs)];
    return { dnsNames: uniq([hostname, ...dnsNames, "localhost"]), ipAddresses: uniq([...ipAddresses, "127.0.0.1"]) };
}

/** `platform:bootstrap:ServiceCertificate`: a VM's server certificate, signed by the internal CA. */
export class ServiceCertificate extends pulumi.ComponentResource {
    readonly certPem: pulumi.Output<string>;
    /** The JSON {@link TlsBundle}, a secret: the value of the VM's TLS secret. */
    readonly bundleJson: pulumi.Output<string>;

    constructor(name: string, args: ServiceCertificateArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:bootstrap:ServiceCertificate", name, {}, opts);
        const key = new tls.PrivateKey(`${name}-key`, { ...KEY_ALGORITHM }, { parent: this });
        const names = pulumi
            .all([pulumi.all([...(args.dnsNames ?? [])]), pulumi.all([...args.ipAddresses])])
            .apply(([dns, ips]) => {
                const bad = ips.filter((ip) => !/^(\d{1,3}\.){3}\d{1,3}$/.test(ip));
                if (bad.length > 0) {
                    throw new Error(`platform:bootstrap:ServiceCertificate ${name}: ipAddresses ${JSON.stringify(bad)} are not IPv4 addresses; pass the VM's private IP`);
                }
                return certificateNames(args.hostname, dns, ips);
            });
        const request = new tls.CertRequest(
            `${name}-csr`,
            {
                privateKeyPem: key.privateKeyPem,
                subject: { commonName: args.hostname },
                dnsNames: names.dnsNames,
                ipAddresses: names.ipAddresses,
            },
            { parent: this },
        );
        const cert = new tls.LocallySignedCert(
            `${name}-cert`,
            {
                certRequestPem: request.certRequestPem,
                caPrivateKeyPem: args.ca.privateKeyPem,
                caCertPem: args.ca.certPem,
                validityPeriodHours: SERVER_CERT_VALIDITY_HOURS,
                earlyRenewalHours: SERVER_CERT_EARLY_RENEWAL_HOURS,
                // ECDSA keys sign; they never encipher keys (RFC 5480 section 3).
                allowedUses: ["digital_signature", "server_auth"],
                setSubjectKeyId: true,
            },
            { parent: this },
        );
        this.certPem = cert.certPem;
        this.bundleJson = pulumi.secret(
            pulumi
                .all([cert.certPem, key.privateKeyPem, args.ca.certPem, args.ca.operations, args.sshHostKey])
                .apply(([certificate, privateKey, caCertificate, operations, sshHostKey]) =>
                    JSON.stringify({ certificate, privateKey, caCertificate, operations, ...(sshHostKey ? { sshHostKey } : {}) } satisfies TlsBundle),
                ),
        );
        this.registerOutputs({ certPem: this.certPem });
    }
}

/**
 * An OpenSSH public key's fingerprint as `ssh-keygen -lf` prints it and as the tunnel pins it
 * (automation/tunnel.ts): `SHA256:` + unpadded base64 of the SHA-256 of the key blob.
 */
export function sshFingerprint(publicKeyOpenssh: string): string {
    const [type, blob] = publicKeyOpenssh.trim().split(/\s+/);
    const bytes = blob && /^[A-Za-z0-9+/]+={0,2}$/.test(blob) ? Buffer.from(blob, "base64") : Buffer.alloc(0);
    // The blob starts with its own key type (RFC 4253 section 6.6): a string of that length.
    const embedded = bytes.length > 4 ? bytes.subarray(4, 4 + bytes.readUInt32BE(0)).toString("latin1") : "";
    if (!type || embedded !== type) {
        throw new Error(`not an OpenSSH public key: ${JSON.stringify(publicKeyOpenssh.slice(0, 40))}`);
    }
    return `SHA256:${createHash("sha256").update(bytes).digest("base64").replace(/=+$/, "")}`;
}

/**
 * `platform:bootstrap:SshHostKey`: the bastion's SSH host key, issued by the program (ED25519) so
 * its fingerprint is known before the VM exists: every tunnel pins it (the stack output
 * `bastionHostKeyFingerprint`; no trust on first use). The private half travels like the TLS key:
 * in the bastion's own secret, read at boot with the bastion's identity (30-tls), never in user
 * data. Rotating it (`pulumi up --replace` on this key) changes the output; the bastion installs
 * the new key within a day (the TLS refresh timer) or at its next boot.
 */
export class SshHostKey extends pulumi.ComponentResource {
    /** The private key (OpenSSH format), a secret: the bundle's `sshHostKey`. */
    readonly privateKeyOpenssh: pulumi.Output<string>;
    readonly publicKeyOpenssh: pulumi.Output<string>;
    /** `SHA256:...`, computed here from the public key (not taken from the provider's own field). */
    readonly fingerprint: pulumi.Output<string>;

    constructor(name: string, args: { readonly protect: boolean }, opts?: pulumi.ComponentResourceOptions) {
        super("platform:bootstrap:SshHostKey", name, {}, opts);
        const key = new tls.PrivateKey(`${name}-key`, { algorithm: "ED25519" }, { parent: this, protect: args.protect });
        this.privateKeyOpenssh = pulumi.secret(key.privateKeyOpenssh);
        this.publicKeyOpenssh = key.publicKeyOpenssh;
        this.fingerprint = key.publicKeyOpenssh.apply(sshFingerprint);
        this.registerOutputs({ publicKeyOpenssh: this.publicKeyOpenssh, fingerprint: this.fingerprint });
    }
}
