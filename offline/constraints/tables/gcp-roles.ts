/**
 * Google Cloud predefined IAM roles the platform may grant. A grant of a `roles/...` name that
 * does not exist fails at `pulumi up` ("Role roles/x is not supported for this resource" /
 * INVALID_ARGUMENT); the catalogue refuses any predefined role not in this table, and a test
 * compares the roles components/gcp grants, by name, to it.
 *
 * Sources: "IAM roles and permissions index" (https://cloud.google.com/iam/docs/roles-permissions,
 * one page per service, anchor per role below), cross-checked against the predefined-role dump
 * in iann0036/iam-dataset gcp/predefined_roles.json (snapshot 2026-08-22): every name exists
 * there with the stage noted.
 */
const INDEX = "https://cloud.google.com/iam/docs/roles-permissions";

export interface GcpRole {
    readonly name: string;
    readonly stage: "GA" | "BETA";
    readonly source: string;
}

const r = (name: string, stage: GcpRole["stage"] = "GA"): GcpRole => {
    const service = name.replace(/^roles\//, "").split(".")[0];
    const page = ["owner", "editor", "viewer"].includes(service) ? "https://cloud.google.com/iam/docs/roles-overview#basic" : `${INDEX}/${service}#${name.replace(/^roles\//, "").replace(/\./g, "")}`;
    return { name, stage, source: page };
};

export const GCP_ROLES: readonly GcpRole[] = [
    r("roles/artifactregistry.reader"),
    r("roles/cloudkms.cryptoKeyEncrypterDecrypter"),
    r("roles/cloudkms.viewer"),
    r("roles/compute.osLogin"),
    r("roles/compute.osAdminLogin"),
    r("roles/compute.viewer"),
    r("roles/compute.instanceAdmin.v1"),
    r("roles/container.defaultNodeServiceAccount"),
    r("roles/container.clusterViewer"),
    r("roles/editor"),
    r("roles/iam.serviceAccountUser"),
    r("roles/iam.serviceAccountTokenCreator"),
    r("roles/iam.serviceAccountViewer"),
    r("roles/iap.tunnelResourceAccessor"),
    r("roles/logging.logWriter"),
    r("roles/monitoring.metricWriter"),
    r("roles/monitoring.viewer"),
    r("roles/pubsub.publisher"),
    r("roles/secretmanager.secretAccessor"),
    r("roles/stackdriver.resourceMetadata.writer", "BETA"),
    r("roles/storage.objectAdmin"),
    r("roles/storage.objectCreator"),
    r("roles/storage.objectViewer"),
];

export function gcpRole(name: string): GcpRole | undefined {
    return GCP_ROLES.find((x) => x.name === name);
}
