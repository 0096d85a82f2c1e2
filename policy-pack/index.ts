/**
 * The pack's entry, loaded by the Pulumi CLI:
 *   pulumi preview --policy-pack policy-pack --policy-pack-config policy-pack/config/<env>.json
 * Constructing the PolicyPack starts the analyzer's gRPC server, so nothing else may import this
 * file: rules live in ./policies (tests and the offline runner import that).
 */
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("platform-guardrails", {
    description: "Guardrails for the platform blueprint: exposure, encryption, hardening, data protection, tagging, Kubernetes and cost.",
    // Each rule names its own default; the per-environment config files set the real levels.
    enforcementLevel: "mandatory",
    policies: [...policies],
    tags: ["aws", "azure", "gcp", "kubernetes", "security"],
});
