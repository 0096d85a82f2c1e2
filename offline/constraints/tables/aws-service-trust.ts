/**
 * AWS services whose documentation gives `aws:SourceAccount` / `aws:SourceArn` conditions for the
 * trust policy of the role the service itself assumes, i.e. services documented to send those keys
 * on AssumeRole. Independent of components/aws: the catalogue entry
 * aws-iam-trust-source-condition-documented refuses such a condition for any service not listed.
 *
 * A service absent here may still send them; add it only with the page that says so. Known
 * absent on purpose: AWS Backup (its service-role page gives the plain trust, and its
 * confused-deputy page puts the conditions in resource policies only:
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/iam-service-roles.html,
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/cross-service-confused-deputy-prevention.html),
 * EC2 instance roles and the EKS cluster and node roles (plain service trust in their guides).
 */
export interface TrustSourceConditionService {
    readonly service: string;
    readonly source: string;
}

export const TRUST_SOURCE_CONDITION_SERVICES: readonly TrustSourceConditionService[] = [
    // "We recommend that you use the aws:SourceAccount and aws:SourceArn condition keys ... add the
    // following condition block to the previous trust policy."
    { service: "vpc-flow-logs.amazonaws.com", source: "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html" },
];
