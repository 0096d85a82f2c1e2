/**
 * GCP helpers for the rules under rules/gcp: type tokens (the pack does not load @pulumi/gcp;
 * rules match on tokens), CIS references, and readers shared by several rules.
 */
import type { PolicyComplianceFramework } from "@pulumi/policy";
import { field, isUnknown, list } from "./values";

export const GCP = {
    network: "gcp:compute/network:Network",
    subnetwork: "gcp:compute/subnetwork:Subnetwork",
    firewall: "gcp:compute/firewall:Firewall",
    instance: "gcp:compute/instance:Instance",
    disk: "gcp:compute/disk:Disk",
    diskPolicyAttachment: "gcp:compute/diskResourcePolicyAttachment:DiskResourcePolicyAttachment",
    cluster: "gcp:container/cluster:Cluster",
    nodePool: "gcp:container/nodePool:NodePool",
    bucket: "gcp:storage/bucket:Bucket",
    cryptoKey: "gcp:kms/cryptoKey:CryptoKey",
} as const;

/** A CIS benchmark reference for GCP or GKE (versions the references were checked against). */
export function cisGcp(benchmark: "gcp" | "gke", reference: string, specification: string): PolicyComplianceFramework {
    switch (benchmark) {
        case "gcp":
            return { name: "CIS Google Cloud Platform Foundation Benchmark", version: "3.0.0", reference, specification };
        case "gke":
            return { name: "CIS Google Kubernetes Engine (GKE) Benchmark", version: "1.6.0", reference, specification };
        default: {
            const impossible: never = benchmark;
            throw new Error(`unknown CIS benchmark ${String(impossible)}`);
        }
    }
}

/** The Compute Engine default service account (`<number>-compute@developer.gserviceaccount.com`). */
export function isDefaultComputeServiceAccount(email: unknown): boolean {
    return typeof email === "string" && /-compute@developer\.gserviceaccount\.com$/.test(email);
}

/** Metadata value as GCE reads it: "TRUE"/"true" (any case) is true. */
export function metadataFlag(metadata: unknown, key: string): boolean | "unknown" | undefined {
    const v = field(metadata, key);
    if (isUnknown(v) || isUnknown(metadata)) {
        return "unknown";
    }
    if (v === undefined) {
        return undefined;
    }
    return String(v).toLowerCase() === "true";
}

/** Seconds of a Cloud KMS duration (`7776000s`); undefined when unparsable. */
export function durationSeconds(value: unknown): number | undefined {
    const m = typeof value === "string" ? /^(\d+(?:\.\d+)?)s$/.exec(value) : null;
    return m ? Number(m[1]) : undefined;
}

/** Whether any entry of a list is unknown (preview). */
export function anyUnknownIn(value: unknown): boolean {
    return isUnknown(value) || list(value).some(isUnknown);
}
