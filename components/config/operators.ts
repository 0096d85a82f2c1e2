/**
 * Named operators (`platform:bastion.users`) checked beyond their shape: the key blob really is
 * the key type its line claims, RSA keys are long enough, and no name collides with an account
 * the VMs already have. Each problem names the key path, the value and the fix.
 */

/** Accounts that exist on the VMs or that the platform creates: never an operator's name. */
export const RESERVED_LOGIN_NAMES: readonly string[] = [
    // Ubuntu 24.04 base system and cloud images' users (passwd of the cloud image, plus the clouds' default users).
    "root", "daemon", "bin", "sys", "sync", "games", "man", "lp", "mail", "news", "uucp", "proxy", "www-data", "backup", "list", "irc",
    "gnats", "nobody", "systemd-network", "systemd-resolve", "systemd-timesync", "messagebus", "syslog", "_apt", "tss", "uuidd", "tcpdump",
    "sshd", "pollinate", "landscape", "fwupd-refresh", "polkitd", "_chrony", "dnsmasq", "usbmux", "lxd", "ubuntu", "azureuser",
    // What the platform creates (components/bootstrap SERVICE_ACCOUNTS, Session Manager's user).
    "jenkins", "vault", "wazuh", "wazuh-indexer", "wazuh-dashboard", "node_exporter", "filebeat", "ssm-user",
];

/** Minimum RSA modulus for an operator key (NIST SP 800-57 Part 1: 3072 bits for 128-bit security). */
export const MIN_RSA_BITS = 3072;

/** The key type named inside an OpenSSH public key blob (RFC 4253 section 6.6: a string first). */
function blobParts(blob: Buffer): Buffer[] | undefined {
    const parts: Buffer[] = [];
    let at = 0;
    while (at < blob.length) {
        if (at + 4 > blob.length) return undefined;
        const len = blob.readUInt32BE(at);
        if (at + 4 + len > blob.length) return undefined;
        parts.push(blob.subarray(at + 4, at + 4 + len));
        at += 4 + len;
    }
    return parts;
}

/** Bit length of an SSH mpint (RFC 4251 section 5: two's complement, big-endian, leading 0 for positives). */
function mpintBits(v: Buffer): number {
    let i = 0;
    while (i < v.length && v[i] === 0) i++;
    if (i === v.length) return 0;
    return (v.length - i - 1) * 8 + (32 - Math.clz32(v[i]));
}

/** Problems with one public key line (already matching SSH_PUBLIC_KEY_LINE). */
export function sshKeyProblems(line: string): string[] {
    const [type, b64] = line.split(" ");
    const blob = Buffer.from(b64, "base64");
    const parts = blobParts(blob);
    if (!parts || parts.length === 0) {
        return [`is not a valid OpenSSH public key (its base64 part does not decode to a key); paste the whole line of your .pub file`];
    }
    const inner = parts[0].toString("latin1");
    if (inner !== type) {
        return [`says "${type}" but its key is "${inner}"; paste the line exactly as ssh-keygen wrote it`];
    }
    if (type === "ssh-rsa") {
        const bits = parts.length >= 3 ? mpintBits(parts[2]) : 0;
        if (bits < MIN_RSA_BITS) {
            return [`is a ${bits}-bit RSA key; use ssh-ed25519 (ssh-keygen -t ed25519) or RSA of at least ${MIN_RSA_BITS} bits`];
        }
    }
    return [];
}
