import { resourcePolicy, validateTokens } from "../../lib/policy";
import { field, isUnknown } from "../../lib/values";

const APPLICATION = "kubernetes:argoproj.io/v1alpha1:Application";

/**
 * Outside dev, Git is the source of truth: Argo CD applies what is merged and reverts drift.
 * Dev may sync by hand (the environment configs make this advisory there).
 */
export const kubernetesArgoprojApplicationRequireAutomatedSync = resourcePolicy({
    name: "kubernetes-argoproj-application-require-automated-sync",
    description: "Argo CD Applications sync automatically from Git (outside dev).",
    severity: "medium",
    category: "gitops",
    topics: ["kubernetes", "gitops"],
    enforcementLevel: "mandatory",
    validateResource: validateTokens([APPLICATION], (props, _args, report) => {
        const syncPolicy = field(props.spec, "syncPolicy");
        const automated = field(syncPolicy, "automated");
        if (isUnknown(props.spec) || isUnknown(syncPolicy) || isUnknown(automated)) {
            return;
        }
        if (automated === undefined || automated === null) {
            report("spec.syncPolicy.automated is unset, so merged changes wait for a manual sync. Set spec.syncPolicy.automated (prune and selfHeal).");
        } else if (field(automated, "enabled") === false) {
            report("spec.syncPolicy.automated.enabled is false, so merged changes wait for a manual sync. Remove enabled: false.");
        }
    }),
});
