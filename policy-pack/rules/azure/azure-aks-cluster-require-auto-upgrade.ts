import { at, AZ } from "../../lib/azure";
import { resourcePolicy, validateTokens } from "../../lib/policy";
import { isUnknown, show } from "../../lib/values";

/** Unpatched control planes and node images are the most common finding on managed clusters. */
export const azureAksClusterRequireAutoUpgrade = resourcePolicy({
    name: "azure-aks-cluster-require-auto-upgrade",
    description: "AKS clusters upgrade patch versions and node OS images automatically.",
    severity: "medium",
    category: "security",
    topics: ["kubernetes", "hardening"],
    enforcementLevel: "mandatory",
    validateResource: validateTokens([AZ.aks], (props, _args, report) => {
        const channel = at(props, "autoUpgradeProfile.upgradeChannel");
        const nodeOs = at(props, "autoUpgradeProfile.nodeOSUpgradeChannel");
        if (!isUnknown(channel) && (typeof channel !== "string" || channel.toLowerCase() === "none")) {
            report(`autoUpgradeProfile.upgradeChannel is ${show(channel)}, so security patches wait for a manual upgrade. Set upgradeChannel to "patch" (or "stable").`);
        }
        if (!isUnknown(nodeOs) && (typeof nodeOs !== "string" || nodeOs.toLowerCase() === "none" || nodeOs.toLowerCase() === "unmanaged")) {
            report(`autoUpgradeProfile.nodeOSUpgradeChannel is ${show(nodeOs)}, so node images are not patched. Set nodeOSUpgradeChannel to "NodeImage" (or "SecurityPatch").`);
        }
    }),
});
