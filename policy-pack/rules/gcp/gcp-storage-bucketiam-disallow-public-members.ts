import { cisGcp } from "../../lib/gcp";
import { resourcePolicy, validateTokens } from "../../lib/policy";
import { field, isUnknown, list } from "../../lib/values";

/**
 * The principal identifiers that mean "anyone on the internet" and "anyone with a Google
 * account" (https://cloud.google.com/iam/docs/principal-identifiers#allow, `allUsers`,
 * `allAuthenticatedUsers`); legacy ACL entities use the same names
 * (https://cloud.google.com/storage/docs/access-control/lists#scopes).
 */
const PUBLIC = ["allUsers", "allAuthenticatedUsers"];

/** Type token -> how to read the principals it grants to (with a label per principal). */
const READERS: Readonly<Record<string, (props: Record<string, unknown>) => { where: string; member: unknown }[]>> = {
    "gcp:storage/bucketIAMMember:BucketIAMMember": (p) => [{ where: "member", member: p.member }],
    "gcp:storage/bucketIAMBinding:BucketIAMBinding": (p) => list(p.members).map((m, i) => ({ where: `members[${i}]`, member: m })),
    "gcp:storage/bucketIAMPolicy:BucketIAMPolicy": (p) => {
        let data: unknown = p.policyData;
        if (typeof data === "string" && !isUnknown(data)) {
            try {
                data = JSON.parse(data);
            } catch {
                return [];
            }
        }
        return list(field(data, "bindings")).flatMap((b, i) => list(field(b, "members")).map((m, j) => ({ where: `policyData.bindings[${i}].members[${j}]`, member: m })));
    },
    "gcp:storage/bucketAccessControl:BucketAccessControl": (p) => [{ where: "entity", member: p.entity }],
    "gcp:storage/defaultObjectAccessControl:DefaultObjectAccessControl": (p) => [{ where: "entity", member: p.entity }],
    "gcp:storage/objectAccessControl:ObjectAccessControl": (p) => [{ where: "entity", member: p.entity }],
    // ACL lists: `ROLE:entity` strings.
    "gcp:storage/bucketACL:BucketACL": (p) => list(p.roleEntities).map((e, i) => ({ where: `roleEntities[${i}]`, member: typeof e === "string" ? e.split(":").slice(1).join(":") : e })),
    "gcp:storage/defaultObjectACL:DefaultObjectACL": (p) => list(p.roleEntities).map((e, i) => ({ where: `roleEntities[${i}]`, member: typeof e === "string" ? e.split(":").slice(1).join(":") : e })),
    "gcp:storage/objectACL:ObjectACL": (p) => list(p.roleEntities).map((e, i) => ({ where: `roleEntities[${i}]`, member: typeof e === "string" ? e.split(":").slice(1).join(":") : e })),
};

/**
 * No Cloud Storage grant to everyone. Public access prevention (gcp-storage-bucket-require-
 * public-access-prevention) makes GCP refuse these on the platform's buckets; this rule stops
 * the grant itself, before `up`, on any bucket the program touches.
 */
export const gcpStorageBucketiamDisallowPublicMembers = resourcePolicy({
    name: "gcp-storage-bucketiam-disallow-public-members",
    description: "Cloud Storage IAM bindings and ACLs never grant to allUsers or allAuthenticatedUsers.",
    severity: "critical",
    category: "security",
    topics: ["exposure", "data-protection"],
    enforcementLevel: "mandatory",
    framework: cisGcp("gcp", "5.1", "Ensure That Cloud Storage Bucket Is Not Anonymously or Publicly Accessible"),
    validateResource: validateTokens(Object.keys(READERS), (props, args, report) => {
        if (isUnknown(props.members) || isUnknown(props.roleEntities) || isUnknown(props.policyData)) {
            return;
        }
        for (const { where, member } of READERS[args.type]?.(props) ?? []) {
            if (typeof member === "string" && PUBLIC.includes(member)) {
                report(`${where} grants ${member} ${args.type.includes("ACL") || args.type.includes("AccessControl") ? "access" : `role ${JSON.stringify(props.role ?? "")}`}: the bucket would be open to ${member === "allUsers" ? "anyone on the internet" : "anyone with a Google account"}. Grant to the service accounts or groups that need it.`);
            }
        }
    }),
});
