import { at, AZ } from "../../lib/azure";
import { resourcePolicy, validateTokens } from "../../lib/policy";
import { isUnknown, show } from "../../lib/values";

const ENGINES = ["cilium", "azure", "calico"];

/** The baseline's default-deny NetworkPolicies do nothing without an enforcing engine. */
export const azureAksClusterRequireNetworkPolicy = resourcePolicy({
    name: "azure-aks-cluster-require-network-policy",
    description: "AKS clusters enforce Kubernetes NetworkPolicies (Cilium, Azure or Calico).",
    severity: "high",
    category: "security",
    topics: ["kubernetes", "network"],
    enforcementLevel: "mandatory",
    validateResource: validateTokens([AZ.aks], (props, _args, report) => {
        const engine = at(props, "networkProfile.networkPolicy");
        if (isUnknown(engine)) {
            return;
        }
        if (typeof engine !== "string" || !ENGINES.includes(engine.toLowerCase())) {
            report(`networkProfile.networkPolicy is ${show(engine)}, so NetworkPolicies (the baseline's default-deny) are not enforced. Set networkPolicy to "cilium" (with networkDataplane "cilium").`);
        }
    }),
});
