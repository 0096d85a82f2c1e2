/**
 * Every rule of the pack, one per file under rules/<cloud>/. This module builds nothing and
 * starts nothing: the pack entry (index.ts), the offline runner (offline/policy.ts) and the
 * tests all import the same array.
 */
import type { PlatformPolicy } from "./lib/policy";
import { allComputeInstanceRestrictTypes } from "./rules/all/all-compute-instance-restrict-types";
import { allComputePublicipRestrictToBastionNat } from "./rules/all/all-compute-publicip-restrict-to-bastion-nat";
import { allDataStatefulRequireProtect } from "./rules/all/all-data-stateful-require-protect";
import { allNetworkIngressDisallowWorldOpen } from "./rules/all/all-network-ingress-disallow-world-open";
import { allNetworkIngressRestrictPublicToBastionSsh } from "./rules/all/all-network-ingress-restrict-public-to-bastion-ssh";
import { allTagsResourceRequireCommonTags } from "./rules/all/all-tags-resource-require-common-tags";
import { azureAksClusterDisallowLocalAccounts } from "./rules/azure/azure-aks-cluster-disallow-local-accounts";
import { azureAksClusterRequireAutoUpgrade } from "./rules/azure/azure-aks-cluster-require-auto-upgrade";
import { azureAksClusterRequireKmsEncryption } from "./rules/azure/azure-aks-cluster-require-kms-encryption";
import { azureAksClusterRequireNetworkPolicy } from "./rules/azure/azure-aks-cluster-require-network-policy";
import { azureAksClusterRequireWorkloadIdentity } from "./rules/azure/azure-aks-cluster-require-workload-identity";
import { azureAksClusterRestrictApiAccess } from "./rules/azure/azure-aks-cluster-restrict-api-access";
import { azureAuthorizationRoleassignmentRestrictScope } from "./rules/azure/azure-authorization-roleassignment-restrict-scope";
import { azureComputeDiskRequireEncryption } from "./rules/azure/azure-compute-disk-require-encryption";
import { azureComputeVmDisallowPasswordAuth } from "./rules/azure/azure-compute-vm-disallow-password-auth";
import { azureComputeVmRequireTrustedLaunch } from "./rules/azure/azure-compute-vm-require-trusted-launch";
import { azureKeyvaultVaultRequirePurgeProtection } from "./rules/azure/azure-keyvault-vault-require-purge-protection";
import { azureKeyvaultVaultRequireRbacAuthorization } from "./rules/azure/azure-keyvault-vault-require-rbac-authorization";
import { azureNetworkFlowlogRequireRetention } from "./rules/azure/azure-network-flowlog-require-retention";
import { azureNetworkNsgRequireDefaultDenyInbound } from "./rules/azure/azure-network-nsg-require-default-deny-inbound";
import { azureNetworkSubnetDisallowDefaultOutbound } from "./rules/azure/azure-network-subnet-disallow-default-outbound";
import { azureNetworkSubnetRequireNsg } from "./rules/azure/azure-network-subnet-require-nsg";
import { azureNetworkVnetRequireFlowLogs } from "./rules/azure/azure-network-vnet-require-flow-logs";
import { azureRecoveryservicesPolicyRequireRetention } from "./rules/azure/azure-recoveryservices-policy-require-retention";
import { azureRecoveryservicesProtecteditemRequireToolVmCoverage } from "./rules/azure/azure-recoveryservices-protecteditem-require-tool-vm-coverage";
import { azureStorageAccountDisallowPublicAccess } from "./rules/azure/azure-storage-account-disallow-public-access";
import { azureStorageAccountRequireSecureTransport } from "./rules/azure/azure-storage-account-require-secure-transport";
import { azureStorageBlobcontainerDisallowPublicAccess } from "./rules/azure/azure-storage-blobcontainer-disallow-public-access";
import { awsBackupSelectionRequireToolVmCoverage } from "./rules/aws/aws-backup-selection-require-tool-vm-coverage";
import { awsCloudwatchLoggroupRequireKms } from "./rules/aws/aws-cloudwatch-loggroup-require-kms";
import { awsCloudwatchLoggroupRequireRetention } from "./rules/aws/aws-cloudwatch-loggroup-require-retention";
import { awsEbsVolumeRequireEncryption } from "./rules/aws/aws-ebs-volume-require-encryption";
import { awsEc2DefaultsecuritygroupDisallowRules } from "./rules/aws/aws-ec2-defaultsecuritygroup-disallow-rules";
import { awsEc2FlowlogRequireAllTraffic } from "./rules/aws/aws-ec2-flowlog-require-all-traffic";
import { awsEc2InstanceDisallowPasswordSsh } from "./rules/aws/aws-ec2-instance-disallow-password-ssh";
import { awsEc2InstanceRequireEncryptedVolumes } from "./rules/aws/aws-ec2-instance-require-encrypted-volumes";
import { awsEc2InstanceRequireImdsv2 } from "./rules/aws/aws-ec2-instance-require-imdsv2";
import { awsEc2InstanceRequirePrivateSubnet } from "./rules/aws/aws-ec2-instance-require-private-subnet";
import { awsEc2LaunchtemplateRequireEncryptedVolumes } from "./rules/aws/aws-ec2-launchtemplate-require-encrypted-volumes";
import { awsEc2LaunchtemplateRequireImdsv2 } from "./rules/aws/aws-ec2-launchtemplate-require-imdsv2";
import { awsEc2VpcRequireFlowLogs } from "./rules/aws/aws-ec2-vpc-require-flow-logs";
import { awsEksClusterDisallowWorldApiAccess } from "./rules/aws/aws-eks-cluster-disallow-world-api-access";
import { awsEksClusterRequireControlPlaneLogs } from "./rules/aws/aws-eks-cluster-require-control-plane-logs";
import { awsEksClusterRequirePrivateEndpoint } from "./rules/aws/aws-eks-cluster-require-private-endpoint";
import { awsEksClusterRequireSecretsEncryption } from "./rules/aws/aws-eks-cluster-require-secrets-encryption";
import { awsEksNodegroupRequireMinimumSize } from "./rules/aws/aws-eks-nodegroup-require-minimum-size";
import { awsEksNodegroupRequireMultiAz } from "./rules/aws/aws-eks-nodegroup-require-multi-az";
import { awsEksNodegroupRequirePrivateSubnets } from "./rules/aws/aws-eks-nodegroup-require-private-subnets";
import { awsIamPolicyDisallowFullAdmin } from "./rules/aws/aws-iam-policy-disallow-full-admin";
import { awsIamPolicyDisallowWildcardResourceWrites } from "./rules/aws/aws-iam-policy-disallow-wildcard-resource-writes";
import { awsIamResourcepolicyDisallowPublicPrincipal } from "./rules/aws/aws-iam-resourcepolicy-disallow-public-principal";
import { awsIamRoleRequireTrustConditions } from "./rules/aws/aws-iam-role-require-trust-conditions";
import { awsKmsKeyRequireRotation } from "./rules/aws/aws-kms-key-require-rotation";
import { awsS3BucketRequireKmsEncryption } from "./rules/aws/aws-s3-bucket-require-kms-encryption";
import { awsS3BucketRequirePublicAccessBlock } from "./rules/aws/aws-s3-bucket-require-public-access-block";
import { awsS3BucketRequireSecureTransport } from "./rules/aws/aws-s3-bucket-require-secure-transport";
import { awsS3BucketRequireVersioningForBackups } from "./rules/aws/aws-s3-bucket-require-versioning-for-backups";
import { awsS3BucketpublicaccessblockRequireAllBlocks } from "./rules/aws/aws-s3-bucketpublicaccessblock-require-all-blocks";
import { awsS3BucketserversideencryptionconfigurationRequireKmsKey } from "./rules/aws/aws-s3-bucketserversideencryptionconfiguration-require-kms-key";
import { gcpComputeDiskRequireCmek } from "./rules/gcp/gcp-compute-disk-require-cmek";
import { gcpComputeDiskRequireSnapshotSchedule } from "./rules/gcp/gcp-compute-disk-require-snapshot-schedule";
import { gcpComputeFirewallRequireLogging } from "./rules/gcp/gcp-compute-firewall-require-logging";
import { gcpComputeFirewallRequireServiceAccountTargets } from "./rules/gcp/gcp-compute-firewall-require-service-account-targets";
import { gcpComputeInstanceDisallowDefaultServiceAccount } from "./rules/gcp/gcp-compute-instance-disallow-default-service-account";
import { gcpComputeInstanceRequireOsLogin } from "./rules/gcp/gcp-compute-instance-require-os-login";
import { gcpComputeInstanceRequireShieldedVm } from "./rules/gcp/gcp-compute-instance-require-shielded-vm";
import { gcpComputeNetworkRequireDefaultDenyIngress } from "./rules/gcp/gcp-compute-network-require-default-deny-ingress";
import { gcpComputeSubnetworkRequireFlowLogs } from "./rules/gcp/gcp-compute-subnetwork-require-flow-logs";
import { gcpComputeSubnetworkRequirePrivateGoogleAccess } from "./rules/gcp/gcp-compute-subnetwork-require-private-google-access";
import { gcpContainerClusterDisallowLegacyAbac } from "./rules/gcp/gcp-container-cluster-disallow-legacy-abac";
import { gcpContainerClusterRequirePrivateNodes } from "./rules/gcp/gcp-container-cluster-require-private-nodes";
import { gcpContainerClusterRequireSecretsEncryption } from "./rules/gcp/gcp-container-cluster-require-secrets-encryption";
import { gcpContainerClusterRequireShieldedNodes } from "./rules/gcp/gcp-container-cluster-require-shielded-nodes";
import { gcpContainerClusterRequireWorkloadIdentity } from "./rules/gcp/gcp-container-cluster-require-workload-identity";
import { gcpContainerClusterRestrictApiAccess } from "./rules/gcp/gcp-container-cluster-restrict-api-access";
import { gcpContainerNodepoolDisallowDefaultServiceAccount } from "./rules/gcp/gcp-container-nodepool-disallow-default-service-account";
import { gcpKmsCryptokeyRequireRotation } from "./rules/gcp/gcp-kms-cryptokey-require-rotation";
import { gcpProjectsIamRestrictPrivilegedRoles } from "./rules/gcp/gcp-projects-iam-restrict-privileged-roles";
import { gcpStorageBucketRequirePublicAccessPrevention } from "./rules/gcp/gcp-storage-bucket-require-public-access-prevention";
import { gcpStorageBucketRequireUniformAccess } from "./rules/gcp/gcp-storage-bucket-require-uniform-access";
import { gcpStorageBucketiamDisallowPublicMembers } from "./rules/gcp/gcp-storage-bucketiam-disallow-public-members";
import { kubernetesAdmissionregistrationPolicyRequireEnforcement } from "./rules/kubernetes/kubernetes-admissionregistration-policy-require-enforcement";
import { kubernetesArgoprojAppprojectDisallowWildcards } from "./rules/kubernetes/kubernetes-argoproj-appproject-disallow-wildcards";
import { kubernetesHelmReleaseDisallowClusterSecretReaders } from "./rules/kubernetes/kubernetes-helm-release-disallow-cluster-secret-readers";
import { kubernetesHelmReleaseRequirePriorityClass } from "./rules/kubernetes/kubernetes-helm-release-require-priority-class";
import { kubernetesAppsWorkloadDisallowHostNetwork } from "./rules/kubernetes/kubernetes-apps-workload-disallow-host-network";
import { kubernetesAppsWorkloadDisallowHostPath } from "./rules/kubernetes/kubernetes-apps-workload-disallow-host-path";
import { kubernetesAppsWorkloadDisallowLatestImage } from "./rules/kubernetes/kubernetes-apps-workload-disallow-latest-image";
import { kubernetesAppsWorkloadDisallowPrivileged } from "./rules/kubernetes/kubernetes-apps-workload-disallow-privileged";
import { kubernetesArgoprojApplicationRequireAutomatedSync } from "./rules/kubernetes/kubernetes-argoproj-application-require-automated-sync";
import { kubernetesCoreNamespaceRequireDefaultDeny } from "./rules/kubernetes/kubernetes-core-namespace-require-default-deny";
import { kubernetesHelmReleaseRequireChartVersion } from "./rules/kubernetes/kubernetes-helm-release-require-chart-version";
import { kubernetesRbacRoleRestrictSecretsAccess } from "./rules/kubernetes/kubernetes-rbac-role-restrict-secrets-access";

export const policies: readonly PlatformPolicy[] = [
    allComputeInstanceRestrictTypes,
    allComputePublicipRestrictToBastionNat,
    allDataStatefulRequireProtect,
    allNetworkIngressDisallowWorldOpen,
    allNetworkIngressRestrictPublicToBastionSsh,
    allTagsResourceRequireCommonTags,
    azureAksClusterDisallowLocalAccounts,
    azureAksClusterRequireAutoUpgrade,
    azureAksClusterRequireKmsEncryption,
    azureAksClusterRequireNetworkPolicy,
    azureAksClusterRequireWorkloadIdentity,
    azureAksClusterRestrictApiAccess,
    azureAuthorizationRoleassignmentRestrictScope,
    azureComputeDiskRequireEncryption,
    azureComputeVmDisallowPasswordAuth,
    azureComputeVmRequireTrustedLaunch,
    azureKeyvaultVaultRequirePurgeProtection,
    azureKeyvaultVaultRequireRbacAuthorization,
    azureNetworkFlowlogRequireRetention,
    azureNetworkNsgRequireDefaultDenyInbound,
    azureNetworkSubnetDisallowDefaultOutbound,
    azureNetworkSubnetRequireNsg,
    azureNetworkVnetRequireFlowLogs,
    azureRecoveryservicesPolicyRequireRetention,
    azureRecoveryservicesProtecteditemRequireToolVmCoverage,
    azureStorageAccountDisallowPublicAccess,
    azureStorageAccountRequireSecureTransport,
    azureStorageBlobcontainerDisallowPublicAccess,
    awsBackupSelectionRequireToolVmCoverage,
    awsCloudwatchLoggroupRequireKms,
    awsCloudwatchLoggroupRequireRetention,
    awsEbsVolumeRequireEncryption,
    awsEc2DefaultsecuritygroupDisallowRules,
    awsEc2FlowlogRequireAllTraffic,
    awsEc2InstanceDisallowPasswordSsh,
    awsEc2InstanceRequireEncryptedVolumes,
    awsEc2InstanceRequireImdsv2,
    awsEc2InstanceRequirePrivateSubnet,
    awsEc2LaunchtemplateRequireEncryptedVolumes,
    awsEc2LaunchtemplateRequireImdsv2,
    awsEc2VpcRequireFlowLogs,
    awsEksClusterDisallowWorldApiAccess,
    awsEksClusterRequireControlPlaneLogs,
    awsEksClusterRequirePrivateEndpoint,
    awsEksClusterRequireSecretsEncryption,
    awsEksNodegroupRequireMinimumSize,
    awsEksNodegroupRequireMultiAz,
    awsEksNodegroupRequirePrivateSubnets,
    awsIamPolicyDisallowFullAdmin,
    awsIamPolicyDisallowWildcardResourceWrites,
    awsIamResourcepolicyDisallowPublicPrincipal,
    awsIamRoleRequireTrustConditions,
    awsKmsKeyRequireRotation,
    awsS3BucketRequireKmsEncryption,
    awsS3BucketRequirePublicAccessBlock,
    awsS3BucketRequireSecureTransport,
    awsS3BucketRequireVersioningForBackups,
    awsS3BucketpublicaccessblockRequireAllBlocks,
    awsS3BucketserversideencryptionconfigurationRequireKmsKey,
    gcpComputeDiskRequireCmek,
    gcpComputeDiskRequireSnapshotSchedule,
    gcpComputeFirewallRequireLogging,
    gcpComputeFirewallRequireServiceAccountTargets,
    gcpComputeInstanceDisallowDefaultServiceAccount,
    gcpComputeInstanceRequireOsLogin,
    gcpComputeInstanceRequireShieldedVm,
    gcpComputeNetworkRequireDefaultDenyIngress,
    gcpComputeSubnetworkRequireFlowLogs,
    gcpComputeSubnetworkRequirePrivateGoogleAccess,
    gcpContainerClusterDisallowLegacyAbac,
    gcpContainerClusterRequirePrivateNodes,
    gcpContainerClusterRequireSecretsEncryption,
    gcpContainerClusterRequireShieldedNodes,
    gcpContainerClusterRequireWorkloadIdentity,
    gcpContainerClusterRestrictApiAccess,
    gcpContainerNodepoolDisallowDefaultServiceAccount,
    gcpKmsCryptokeyRequireRotation,
    gcpProjectsIamRestrictPrivilegedRoles,
    gcpStorageBucketiamDisallowPublicMembers,
    gcpStorageBucketRequirePublicAccessPrevention,
    gcpStorageBucketRequireUniformAccess,
    kubernetesAdmissionregistrationPolicyRequireEnforcement,
    kubernetesArgoprojAppprojectDisallowWildcards,
    kubernetesHelmReleaseDisallowClusterSecretReaders,
    kubernetesHelmReleaseRequirePriorityClass,
    kubernetesAppsWorkloadDisallowHostNetwork,
    kubernetesAppsWorkloadDisallowHostPath,
    kubernetesAppsWorkloadDisallowLatestImage,
    kubernetesAppsWorkloadDisallowPrivileged,
    kubernetesArgoprojApplicationRequireAutomatedSync,
    kubernetesCoreNamespaceRequireDefaultDeny,
    kubernetesHelmReleaseRequireChartVersion,
    kubernetesRbacRoleRestrictSecretsAccess,
];

export type { PlatformPolicy } from "./lib/policy";
