import * as aws from "@pulumi/aws";
import { cis, resourcePolicy, validateTyped } from "../../lib/policy";
import { isUnknown, show } from "../../lib/values";

export const awsKmsKeyRequireRotation = resourcePolicy({
    name: "aws-kms-key-require-rotation",
    description: "Symmetric customer-managed KMS keys rotate automatically.",
    severity: "medium",
    category: "security",
    topics: ["encryption"],
    enforcementLevel: "mandatory",
    framework: cis("aws", "3.6", "Ensure rotation for customer-created symmetric CMKs is enabled"),
    validateResource: validateTyped(aws.kms.Key, (key, args, report) => {
        const spec = key.customerMasterKeySpec;
        if (spec !== undefined && !isUnknown(spec) && spec !== "SYMMETRIC_DEFAULT") {
            args.notApplicable(`asymmetric and HMAC keys (${spec}) cannot rotate automatically`);
        }
        if (!isUnknown(key.enableKeyRotation) && key.enableKeyRotation !== true) {
            report(`enableKeyRotation is ${show(key.enableKeyRotation)}. Set enableKeyRotation to true.`);
        }
    }),
});
