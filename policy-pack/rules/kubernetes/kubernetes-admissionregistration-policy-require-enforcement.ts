import { resourcePolicy, validateTokens } from "../../lib/policy";
import { containsUnknown, isUnknown, list } from "../../lib/values";

const POLICY = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy";
const BINDING = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding";

/**
 * The platform's admission guard rails hold only if they refuse: a policy with `failurePolicy:
 * Ignore` admits whatever its expressions cannot evaluate, and a binding without `Deny` only
 * warns or audits (https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/#failure-policy,
 * #validation-actions).
 */
export const kubernetesAdmissionregistrationPolicyRequireEnforcement = resourcePolicy({
    name: "kubernetes-admissionregistration-policy-require-enforcement",
    description: "ValidatingAdmissionPolicies fail closed and their bindings deny.",
    severity: "high",
    category: "security",
    topics: ["kubernetes", "hardening"],
    enforcementLevel: "mandatory",
    validateResource: validateTokens([POLICY, BINDING], (props, args, report) => {
        const spec = props.spec as Record<string, unknown> | undefined;
        if (!spec || isUnknown(spec)) {
            return;
        }
        if (args.type === POLICY) {
            const fp = spec.failurePolicy;
            if (!isUnknown(fp) && fp !== undefined && fp !== "Fail") {
                report(`spec.failurePolicy is ${JSON.stringify(fp)}: a request the policy cannot evaluate is admitted. Set failurePolicy: Fail.`);
            }
            return;
        }
        const actions = spec.validationActions;
        if (!containsUnknown(actions) && !list(actions).includes("Deny")) {
            report(`spec.validationActions is ${JSON.stringify(actions ?? [])}: violations are only reported. Include Deny.`);
        }
    }),
});
