/**
 * Which Google API serves each provider resource type and function the platform uses, and which
 * APIs a project has on by default. The catalogue entry `gcp-service-enabled-before-use` reads it:
 * every resource must wait for the `gcp:projects/service:Service` that enables its API, and every
 * function call must come after that service exists (a disabled API answers 403
 * SERVICE_DISABLED, "API has not been used in project ... before or it is disabled").
 *
 * Sources: each resource's REST API as its provider documents it (the `API documentation` link
 * on every registry page, e.g. https://www.pulumi.com/registry/packages/gcp/api-docs/compute/instance/),
 * and "Enabled services" (https://cloud.google.com/service-usage/docs/enabled-service#default)
 * for the defaults. The defaults apply to projects created in the console or with gcloud only,
 * so the platform enables every API it uses itself; only Service Usage (without which no API can
 * be enabled at all) is taken as given.
 */
export const API_SOURCE = "https://cloud.google.com/service-usage/docs/enabled-service";

/** Type-token module prefix -> API. `gcp:projects/service:Service` itself needs none. */
export const GCP_RESOURCE_APIS: readonly { readonly prefix: string; readonly api: string }[] = [
    { prefix: "gcp:compute/", api: "compute.googleapis.com" },
    { prefix: "gcp:container/", api: "container.googleapis.com" },
    { prefix: "gcp:kms/", api: "cloudkms.googleapis.com" },
    { prefix: "gcp:secretmanager/", api: "secretmanager.googleapis.com" },
    { prefix: "gcp:serviceaccount/", api: "iam.googleapis.com" },
    { prefix: "gcp:projects/iAMMember:", api: "cloudresourcemanager.googleapis.com" },
    { prefix: "gcp:projects/iAMBinding:", api: "cloudresourcemanager.googleapis.com" },
    { prefix: "gcp:projects/iAMAuditConfig:", api: "cloudresourcemanager.googleapis.com" },
    { prefix: "gcp:projects/serviceIdentity:", api: "serviceusage.googleapis.com" },
    { prefix: "gcp:storage/", api: "storage.googleapis.com" },
    { prefix: "gcp:oslogin/", api: "oslogin.googleapis.com" },
    { prefix: "gcp:logging/", api: "logging.googleapis.com" },
    { prefix: "gcp:monitoring/", api: "monitoring.googleapis.com" },
    { prefix: "gcp:artifactregistry/", api: "artifactregistry.googleapis.com" },
    { prefix: "gcp:binaryauthorization/", api: "binaryauthorization.googleapis.com" },
    { prefix: "gcp:pubsub/", api: "pubsub.googleapis.com" },
    { prefix: "gcp:dns/", api: "dns.googleapis.com" },
];

/** Function token -> API (functions that need none, such as the caller's OpenID info, are absent). */
export const GCP_FUNCTION_APIS: Readonly<Record<string, string>> = {
    "gcp:compute/getZones:getZones": "compute.googleapis.com",
    "gcp:compute/getImage:getImage": "compute.googleapis.com",
    "gcp:compute/getNetwork:getNetwork": "compute.googleapis.com",
    "gcp:compute/getDefaultServiceAccount:getDefaultServiceAccount": "compute.googleapis.com",
    "gcp:container/getEngineVersions:getEngineVersions": "container.googleapis.com",
    "gcp:organizations/getProject:getProject": "cloudresourcemanager.googleapis.com",
    "gcp:projects/getProject:getProject": "cloudresourcemanager.googleapis.com",
    "gcp:serviceaccount/getAccount:getAccount": "iam.googleapis.com",
    "gcp:storage/getProjectServiceAccount:getProjectServiceAccount": "storage.googleapis.com",
    "gcp:kms/getKMSKeyRing:getKMSKeyRing": "cloudkms.googleapis.com",
};

/** APIs that are always on (nothing could enable the others without it). */
export const ALWAYS_ENABLED_APIS: readonly string[] = ["serviceusage.googleapis.com"];

export function apiOfResourceType(type: string): string | undefined {
    return GCP_RESOURCE_APIS.find((m) => type.startsWith(m.prefix))?.api;
}
