/**
 * Loyalty: program rules, a points ledger that never loses or double-counts,
 * tiers and member benefits — a pure engine over an append-only ledger.
 *
 * Every write (`accrue`, `accrueMany`, `redeem`, `reverse`, `adjust`,
 * `expire`, `useBenefit`) takes the program, the member, the account's
 * entries so far and the event, and returns the new entries to append
 * (never changing its inputs); every read (`balance`, `tierStatus`,
 * `benefitUsage`, `liability`) replays the entries as of an instant.
 *
 * @packageDocumentation
 */
export {
  LoyaltyServiceKindSchema,
  LoyaltySaleKindSchema,
  PointsRoundingSchema,
  LoyaltyEarningRulesSchema,
  LoyaltyCampaignSchema,
  LoyaltyBonusRulesSchema,
  LoyaltyExpiryRuleSchema,
  LoyaltyTierSchema,
  LoyaltyTierRulesSchema,
  LoyaltyBenefitSchema,
  LoyaltyBenefitRulesSchema,
  LoyaltyRewardSchema,
  LoyaltyReversalPolicySchema,
  LoyaltyPoolingSchema,
  LoyaltyProgramSchema,
  defineLoyaltyProgram,
  defaultLoyaltyProgramConfig,
  defaultLoyaltyProgram,
} from './program.js';
export type { PointsRounding, LoyaltyProgram, LoyaltyProgramInput, LoyaltyTier, LoyaltyReward, LoyaltyBenefit, LoyaltyCampaign } from './program.js';
export { LoyaltyTierOverrideSchema, LoyaltyMemberSchema, loyaltyAccountId } from './member.js';
export type { LoyaltyMember, LoyaltyMemberInput, LoyaltyTierOverride } from './member.js';
export { LedgerKeySchema, LedgerEntryKindSchema, LedgerEntryRoleSchema, LotMovementSchema, EarnSourceSchema, EarningBreakdownSchema, LedgerEntrySchema } from './ledger-entry.js';
export type { LedgerEntryKind, EarnSource, EarningBreakdown, LedgerEntry, LedgerEntryInput, LotMovement } from './ledger-entry.js';
export {
  LoyaltyAccrualEventSchema,
  LoyaltyRedemptionSchema,
  LoyaltyReversalSchema,
  LoyaltyAdjustmentSchema,
  LoyaltyBenefitUseSchema,
  LoyaltyWriteOptionsSchema,
} from './events.js';
export type {
  LoyaltyAccrualEvent,
  LoyaltyAccrualEventInput,
  LoyaltyRedemption,
  LoyaltyRedemptionInput,
  LoyaltyReversal,
  LoyaltyReversalInput,
  LoyaltyAdjustment,
  LoyaltyAdjustmentInput,
  LoyaltyBenefitUse,
  LoyaltyBenefitUseInput,
  LoyaltyWriteOptions,
} from './events.js';
export type { LoyaltyWriteResult } from './internal/operation.js';
export { quoteTransactionPoints } from './earning.js';
export type { TransactionPointsQuote } from './earning.js';
export { accrue, accrueMany } from './accrue.js';
export type { AccrualResult, AccrualBatchResult } from './accrue.js';
export { redeem } from './redeem.js';
export type { RedemptionResult } from './redeem.js';
export { reverse } from './reverse.js';
export type { ReversalResult } from './reverse.js';
export { adjust } from './adjust.js';
export type { AdjustmentResult } from './adjust.js';
export { expire, LoyaltyExpiryOptionsSchema } from './expire.js';
export type { ExpiryResult, LoyaltyExpiryOptions } from './expire.js';
export { balance, LoyaltyBalanceOptionsSchema } from './balance.js';
export type { LoyaltyBalance, LoyaltyBalanceOptions, ExpiringPoints } from './balance.js';
export { tierStatus } from './tier-status.js';
export type { LoyaltyTierStatus, LoyaltyTierChange, LoyaltyTierChangeCause } from './tier-status.js';
export { useBenefit, benefitUsage, LoyaltyBenefitUsageOptionsSchema } from './benefits.js';
export type { BenefitUseResult, LoyaltyBenefitUsage, LoyaltyQuotaPeriod } from './benefits.js';
export { applyMemberDiscounts, MemberDiscountInputSchema } from './discounts.js';
export type { MemberDiscountInput, MemberDiscountLine, MemberDiscountResult } from './discounts.js';
export { liability, LoyaltyLiabilityOptionsSchema } from './liability.js';
export type { LoyaltyLiability, LoyaltyLiabilityOptions } from './liability.js';
