/**
 * Google-managed service agents: the e-mail format of each agent the platform grants roles to
 * (KMS keys for GKE secrets and Compute disks, the Cloud Storage agent for bucket CMEK).
 * A test compares components/gcp's agent functions, by agent, to these formats.
 *
 * Source: "Service agents" (https://cloud.google.com/iam/docs/service-agents), the table of
 * agents by service with their principal format.
 */
export const SERVICE_AGENTS_SOURCE = "https://cloud.google.com/iam/docs/service-agents";

export interface GcpServiceAgent {
    /** What the agent is, as the docs name it. */
    readonly agent: string;
    /** The service whose API creates it. */
    readonly service: string;
    /** The e-mail, with PROJECT_NUMBER standing for the numeric project number. */
    readonly format: string;
}

export const GCP_SERVICE_AGENTS: readonly GcpServiceAgent[] = [
    { agent: "Kubernetes Engine Service Agent", service: "container.googleapis.com", format: "service-PROJECT_NUMBER@container-engine-robot.iam.gserviceaccount.com" },
    { agent: "Compute Engine Service Agent", service: "compute.googleapis.com", format: "service-PROJECT_NUMBER@compute-system.iam.gserviceaccount.com" },
    { agent: "Cloud Storage Service Agent", service: "storage.googleapis.com", format: "service-PROJECT_NUMBER@gs-project-accounts.iam.gserviceaccount.com" },
    { agent: "Secret Manager Service Agent", service: "secretmanager.googleapis.com", format: "service-PROJECT_NUMBER@gcp-sa-secretmanager.iam.gserviceaccount.com" },
    { agent: "Cloud KMS Service Agent", service: "cloudkms.googleapis.com", format: "service-PROJECT_NUMBER@gcp-sa-cloudkms.iam.gserviceaccount.com" },
];

/** The agent's e-mail for a project number. */
export function serviceAgentEmail(agent: GcpServiceAgent, projectNumber: string): string {
    return agent.format.replace("PROJECT_NUMBER", projectNumber);
}
