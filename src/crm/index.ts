/**
 * The service facade: `createCrm({ storage, … })` wires the pure domain
 * modules to a storage adapter for backend services — validation, one
 * transaction per call, idempotent writes, role- and purpose-based access,
 * a hash-chained audit stream, an outbox, field-level encryption of
 * personal data with blind indexes, and the PIPL rights (export, erasure,
 * retention limits).
 *
 * @packageDocumentation
 */
export { createCrm, type CreateCrmOptions, type Crm, type CrmKeyOptions, type CrmPolicies, type CrmPrivacyPolicy } from './create-crm.js';
export {
  crmPermissions,
  CrmPermissionSchema,
  CrmDataVisibilitySchema,
  CrmAccessNameSchema,
  CrmRoleSchema,
  CrmAccessPolicySchema,
  defineCrmAccessPolicy,
  defaultCrmAccessPolicy,
  type CrmPermission,
  type CrmDataVisibility,
  type CrmRole,
  type CrmAccessPolicy,
  type CrmAccessPolicyInput,
} from './access-policy.js';
export { CrmActorSchema, CrmCallContextSchema, type CrmActor, type CrmCallContext, type CrmCallContextInput } from './call-context.js';
export type { CrmMethod } from './operation.js';
export { CRM_DEFAULT_BATCH_SIZE, CRM_MAX_BATCH_SIZE, type CrmBulkSource } from './bulk-items.js';
export { CrmKeyIdSchema, createStaticKeyProvider, type CrmKeyProvider, type StaticKeyProviderOptions } from './key-provider.js';
export { crmPersonalFields, CrmPersonalFieldSchema, defaultCrmEncryptedFields, type CrmPersonalField } from './personal-fields.js';
export { SealedValueSchema } from './sealed-value.js';
export { StoredCustomerSchema, StoredContactPointSchema, type StoredCustomer, type StoredCustomerInput, type StoredContactPoint } from './stored-customer.js';
export {
  LookupKindSchema,
  CustomerLookupSchema,
  CustomerDataKeySchema,
  CrmRequestRecordSchema,
  SealedTextSchema,
  CustomerSegmentRecordSchema,
  CustomerRetentionRecordSchema,
  CustomerMergeRecordSchema,
  type LookupKind,
  type CustomerLookup,
  type CustomerSegmentRecord,
  type CustomerRetentionRecord,
  type CustomerMergeRecord,
  type SealedText,
} from './stored-records.js';
export { crmStorageRegistry, type CrmStorageRegistry, type CrmCollectionSchemas, type CrmStreamSchemas, type CrmFacadeStorage } from './storage-registry.js';
export type { CrmCustomer, CrmContactPoint } from './present-customer.js';
export { CRM_AUDIT_CHAIN_STREAM, CRM_AUDIT_GENESIS_HASH, crmAuditEntryHash, type CrmAuditEntry, type CrmAuditOutcome } from './audit-chain.js';
export {
  verifyAuditChain,
  VerifyAuditChainOptionsSchema,
  type VerifyAuditChainOptions,
  type CrmAuditChainProblem,
  type CrmAuditChainProblemKind,
  type CrmAuditChainReport,
} from './verify-audit-chain.js';
export {
  CrmUpsertCustomerInputSchema,
  CrmGetCustomerInputSchema,
  CrmFindByMobileInputSchema,
  CrmFindByIdNumberInputSchema,
  CrmFindByVinInputSchema,
  CrmMergeCustomersInputSchema,
  CrmCustomerViewInputSchema,
  CrmRecordConsentInputSchema,
  CrmRecordInteractionInputSchema,
  type CrmUpsertCustomerInput,
  type CrmGetCustomerInput,
  type CrmFindByMobileInput,
  type CrmFindByIdNumberInput,
  type CrmFindByVinInput,
  type CrmMergeCustomersInput,
  type CrmCustomerViewInput,
  type CrmRecordConsentInput,
  type CrmRecordInteractionInput,
  type CrmCustomerWriteAnswer,
  type CrmCustomerRecord,
  type CrmCustomerMatches,
  type CrmMergeAnswer,
  type CrmLoyaltySummary,
  type CrmCustomerView,
  type CrmConsentAnswer,
  type CrmInteractionAnswer,
  type CrmCustomerService,
} from './services/customer-service.js';
export type { CrmImportCustomersInput, CrmCustomerImportAnswer } from './services/customer-import.js';
export { CRM_MAX_LIST_PAGE, CrmListCustomersInputSchema, type CrmListCustomersInput, type CrmCustomerPage } from './services/customer-list.js';
export {
  CrmUpsertVehicleInputSchema,
  CrmRecordOwnershipInputSchema,
  CrmGetVehicleInputSchema,
  type CrmUpsertVehicleInput,
  type CrmRecordOwnershipInput,
  type CrmGetVehicleInput,
  type CrmVehicleWriteAnswer,
  type CrmOwnershipAnswer,
  type CrmVehicleRecord,
  type CrmVehicleService,
} from './services/vehicle-service.js';
export {
  CrmRecordTransactionInputSchema,
  type CrmRecordTransactionInput,
  type CrmRecordTransactionsInput,
  type CrmTransactionAnswer,
  type CrmTransactionsAnswer,
  type CrmTransactionService,
} from './services/transaction-service.js';
export {
  CrmLoyaltyEnrollmentSchema,
  CrmEnrollMemberInputSchema,
  CrmAccrueInputSchema,
  CrmRedeemInputSchema,
  CrmReverseInputSchema,
  CrmAdjustInputSchema,
  CrmUseBenefitInputSchema,
  CrmBalanceInputSchema,
  CrmMemberStatusInputSchema,
  type CrmLoyaltyEnrollmentInput,
  type CrmEnrollMemberInput,
  type CrmEnrollMembersInput,
  type CrmAccrueInput,
  type CrmRedeemInput,
  type CrmReverseInput,
  type CrmAdjustInput,
  type CrmUseBenefitInput,
  type CrmBalanceInput,
  type CrmMemberStatusInput,
  type CrmEnrollAnswer,
  type CrmEnrollManyAnswer,
  type CrmLedgerWriteAnswer,
  type CrmLoyaltyService,
} from './services/loyalty-service.js';
export {
  CrmOpenComplaintInputSchema,
  CrmComplaintTransitionInputSchema,
  CrmComplaintReplyInputSchema,
  CrmComplaintRefInputSchema,
  CrmEscalationsDueInputSchema,
  type CrmOpenComplaintInput,
  type CrmComplaintTransitionInput,
  type CrmComplaintReplyInput,
  type CrmComplaintRefInput,
  type CrmEscalationsDueInput,
  type CrmComplaintAnswer,
  type CrmComplaintRecord,
  type CrmEscalationDue,
  type CrmEscalationsAnswer,
  type CrmComplaintService,
} from './services/complaint-service.js';
export {
  CrmContactListInputSchema,
  CrmContactPlanInputSchema,
  type CrmContactListInput,
  type CrmContactPlanInput,
  type CrmContact,
  type CrmContactExclusion,
  type CrmContactList,
  type CrmMarketingService,
} from './services/marketing-service.js';
export {
  CrmSegmentationJobInputSchema,
  CrmRetentionJobInputSchema,
  type CrmSegmentationJobInput,
  type CrmRetentionJobInput,
  type CrmSegmentationReport,
  type CrmRetentionReport,
  type CrmRetentionVisitModelReport,
  type CrmRetentionSpendModelReport,
  type CrmJobService,
} from './services/job-service.js';
export {
  CrmExportCustomerInputSchema,
  CrmEraseCustomerInputSchema,
  CrmRetentionLimitsInputSchema,
  type CrmExportCustomerInput,
  type CrmEraseCustomerInput,
  type CrmRetentionLimitsInput,
  type CrmCustomerExport,
  type CrmErasureAnswer,
  type CrmRetentionLimitsAnswer,
  type CrmPrivacyService,
} from './services/privacy-service.js';
export { CrmReencryptInputSchema, type CrmReencryptInput, type CrmReencryptAnswer, type CrmKeyService } from './services/key-service.js';
export {
  CrmCustomerAccessInputSchema,
  CrmUserActivityInputSchema,
  CrmVerifyChainInputSchema,
  type CrmCustomerAccessInput,
  type CrmUserActivityInput,
  type CrmVerifyChainInput,
  type CrmAuditAccess,
  type CrmAuditTrail,
  type CrmAuditService,
} from './services/audit-service.js';
