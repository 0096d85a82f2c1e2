import { at, AZ } from "../../lib/azure";
import { resourcePolicy, validateTokens } from "../../lib/policy";
import { isUnknown } from "../../lib/values";

/** Pods get cloud identities through federated tokens, never through node identities or stored secrets. */
export const azureAksClusterRequireWorkloadIdentity = resourcePolicy({
    name: "azure-aks-cluster-require-workload-identity",
    description: "AKS clusters run the OIDC issuer and workload identity.",
    severity: "medium",
    category: "security",
    topics: ["kubernetes", "hardening"],
    enforcementLevel: "mandatory",
    validateResource: validateTokens([AZ.aks], (props, _args, report) => {
        const oidc = at(props, "oidcIssuerProfile.enabled");
        const wi = at(props, "securityProfile.workloadIdentity.enabled");
        if (!isUnknown(oidc) && oidc !== true) {
            report("oidcIssuerProfile.enabled is not true, so service accounts cannot federate with Entra ID. Set oidcIssuerProfile { enabled: true }.");
        }
        if (!isUnknown(wi) && wi !== true) {
            report("securityProfile.workloadIdentity.enabled is not true, so pods would need stored credentials for Azure APIs. Set securityProfile.workloadIdentity { enabled: true }.");
        }
    }),
});
