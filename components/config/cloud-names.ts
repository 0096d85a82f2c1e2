/**
 * What the clouds refuse in the values config feeds into names and tags, checked at the edge so
 * a bad stack file fails before anything is registered (the constraint catalogue checks the
 * registered resources again, independently, in `npm run plan`).
 *
 * - Tags: the stack's `tags` reach every taggable resource. AWS refuses characters outside
 *   Unicode letters, digits, spaces and _ . : / = + - @ in tag keys and values (IAM, KMS,
 *   CloudWatch Logs: https://docs.aws.amazon.com/tag-editor/latest/userguide/best-practices-and-strats.html),
 *   values over 256 characters, and more than 50 tags on a resource. Azure refuses tag names with
 *   < > % & \ ? / and values over 256 characters, and more than 50 tags
 *   (https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations).
 *   Value lengths (256 on both) are the schema's limit on `tags` (schema.ts).
 *   GCP labels are sanitised on the way (components/gcp/labels.ts), so only the count matters (64).
 * - The name prefix: every physical name starts with it or contains it. Names are joined with
 *   single hyphens (components/naming.ts refuses '--', and Key Vault names refuse consecutive
 *   hyphens); AWS security group names may not start with sg- and S3 bucket names not with
 *   xn--, sthree- or amzn-s3-demo-; GCP bucket names may not contain google. Names built by plain
 *   concatenation (not shortened with a hash) must also fit their limit: the table below.
 */
import type { Cloud } from "./schema";

/** Extra tags a stack may add: 50 per resource minus the 6 common tags and up to 4 per-resource ones (Name, role, backup, ...). */
export const MAX_EXTRA_TAGS = 40;

const AWS_TAG_CHAR = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]$/u;
const AZURE_TAG_NAME_FORBIDDEN = /[<>%&\\?/]/;

/** Problems with one extra tag on a cloud (empty when the cloud accepts it). */
export function tagProblems(cloud: Cloud, key: string, value: string): string[] {
    const out: string[] = [];
    switch (cloud) {
        case "aws": {
            const bad = [...new Set([...`${key}${value}`].filter((c) => !AWS_TAG_CHAR.test(c)))];
            if (bad.length > 0) {
                out.push(`${JSON.stringify(key)}: ${JSON.stringify(value)} contains ${bad.map((c) => JSON.stringify(c)).join(", ")}; AWS tags allow only letters, digits, spaces and _ . : / = + - @ (IAM, KMS and CloudWatch Logs refuse the rest)`);
            }
            break;
        }
        case "azure":
            if (AZURE_TAG_NAME_FORBIDDEN.test(key)) out.push(`${JSON.stringify(key)}: Azure tag names may not contain < > % & \\ ? /`);
            break;
        case "gcp":
            // Labels are lowercased and every other character becomes '_' (components/gcp/labels.ts).
            break;
        default: {
            const impossible: never = cloud;
            throw new Error(`no tag rules for cloud ${String(impossible)}`);
        }
    }
    return out;
}

/** A name built from the prefix by plain concatenation, with the limit of the resource that holds it. */
export interface DerivedName {
    readonly what: string;
    readonly build: (prefix: string) => string;
    readonly max: number;
    /** Where the cloud documents the limit. */
    readonly source: string;
}

/**
 * Per cloud, the derived names with the tightest limits that are NOT shortened with a hash
 * (everything built with `limitedName` is). A test checks each `build` against the name the
 * program really registers for a shipped stack, so this table cannot drift from the components.
 */
export const DERIVED_NAMES: Readonly<Record<Cloud, readonly DerivedName[]>> = {
    aws: [
        { what: "bastion security group name", build: (p) => `${p}-bastion`, max: 255, source: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html" },
    ],
    azure: [
        { what: "AKS dnsPrefix", build: (p) => `${p}-aks`, max: 54, source: "https://learn.microsoft.com/cli/azure/aks#az-aks-create" },
        { what: "Jenkins VM computer name", build: (p) => `${p}-jenkins`, max: 64, source: "https://learn.microsoft.com/rest/api/compute/virtual-machines/create-or-update#osprofile" },
        { what: "Jenkins NIC name", build: (p) => `${p}-jenkins-nic`, max: 80, source: "https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftnetwork" },
    ],
    gcp: [{ what: "GKE cluster name", build: (p) => `${p}-gke`, max: 40, source: "https://cloud.google.com/kubernetes-engine/docs/reference/rest/v1/projects.locations.clusters#Cluster.FIELDS.name" }],
};

/** Problems of an effective name prefix on a cloud: each says which name breaks and why. */
export function prefixProblems(cloud: Cloud, prefix: string): string[] {
    const out: string[] = [];
    if (prefix.includes("--")) {
        out.push(`${JSON.stringify(prefix)} has consecutive hyphens; names are joined with single hyphens and Key Vault names refuse "--"`);
    }
    if (cloud === "aws") {
        if (/^sg-/.test(prefix)) out.push(`${JSON.stringify(prefix)} starts with sg-, and every security group name would too; EC2 refuses security group names starting with sg-`);
        const reserved = ["xn--", "sthree-", "amzn-s3-demo-"].find((r) => prefix.startsWith(r));
        if (reserved) out.push(`${JSON.stringify(prefix)} starts with ${reserved}, and so would the snapshot bucket's name; S3 reserves that prefix`);
    }
    if (cloud === "gcp" && /g[o0][o0]gle/.test(prefix)) {
        out.push(`${JSON.stringify(prefix)} contains "google" (or a look-alike), and so would the snapshot bucket's name; Cloud Storage refuses bucket names containing google`);
    }
    for (const d of DERIVED_NAMES[cloud]) {
        const name = d.build(prefix);
        if (name.length > d.max) {
            out.push(`the ${d.what} "${name}" would have ${name.length} characters, over its limit of ${d.max} (${d.source}); shorten the prefix to at most ${prefix.length - (name.length - d.max)} characters`);
        }
    }
    return out;
}
