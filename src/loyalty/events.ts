import { z } from 'zod';
import { IdSchema, InstantSchema } from '../core/index.js';
import { TransactionSchema } from '../customer/models/index.js';
import { LedgerKeySchema } from './ledger-entry.js';
import { LoyaltyMemberSchema } from './member.js';

const purchaseSchema = z.strictObject({
  /** The vehicle sale (or other purchase) that triggers the bonus. */
  transactionId: IdSchema,
  /** When the purchase was completed. */
  at: InstantSchema,
});

/**
 * An event that earns points, for `accrue`:
 * - `transaction` — a vehicle sale, repair order or parts sale (the customer
 *   module's `Transaction`); default key `transaction:<id>`;
 * - `welcome` — the welcome bonus for a car purchase, at most `withinDays`
 *   after it; default key `welcome:<memberId>` (once per member);
 * - `birthday` — the birthday bonus; default key `birthday:<memberId>:<year>`;
 * - `referral` — the referral bonus when a referred prospect buys; default
 *   key `referral:<referredCustomerId>`.
 * `key` overrides the default idempotency key.
 */
export const LoyaltyAccrualEventSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('transaction'), key: LedgerKeySchema.optional(), transaction: TransactionSchema }),
  z.strictObject({ type: z.literal('welcome'), key: LedgerKeySchema.optional(), at: InstantSchema, purchase: purchaseSchema }),
  z.strictObject({ type: z.literal('birthday'), key: LedgerKeySchema.optional(), at: InstantSchema }),
  z.strictObject({
    type: z.literal('referral'),
    key: LedgerKeySchema.optional(),
    at: InstantSchema,
    /** The customer who was referred and bought. */
    referredCustomerId: IdSchema,
    purchase: purchaseSchema,
  }),
]);
/** An event that earns points; see {@link LoyaltyAccrualEventSchema}. */
export type LoyaltyAccrualEvent = z.output<typeof LoyaltyAccrualEventSchema>;
/** An event that earns points, as accepted on input. */
export type LoyaltyAccrualEventInput = z.input<typeof LoyaltyAccrualEventSchema>;

/**
 * A redemption: a reward of the catalogue (`rewardId`, `quantity` default 1)
 * or a number of `points` paid toward an order. The caller supplies the
 * idempotency `key` (e.g. the redemption's id in the DMS).
 */
export const LoyaltyRedemptionSchema = z
  .strictObject({
    key: LedgerKeySchema,
    at: InstantSchema,
    rewardId: IdSchema.optional(),
    quantity: z.number().int().positive().max(1000).default(1),
    points: z.number().int().positive({ error: 'expected a positive number of points' }).max(1_000_000_000).optional(),
    reason: z.string().trim().min(1).max(500).optional(),
  })
  .superRefine((redemption, ctx) => {
    if ((redemption.rewardId === undefined) === (redemption.points === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['rewardId'], message: 'expected either a rewardId or a number of points, not both or neither' });
    }
  });
/** A redemption; see {@link LoyaltyRedemptionSchema}. */
export type LoyaltyRedemption = z.output<typeof LoyaltyRedemptionSchema>;
/** A redemption as accepted on input. */
export type LoyaltyRedemptionInput = z.input<typeof LoyaltyRedemptionSchema>;

/**
 * A reversal of an earlier event (a refunded order, a cancelled redemption,
 * a benefit use taken back), named by that event's key. Default key
 * `reverse:<targetKey>`.
 */
export const LoyaltyReversalSchema = z.strictObject({
  key: LedgerKeySchema.optional(),
  at: InstantSchema,
  /** The event key of the earn, redemption, adjustment or benefit use to undo. */
  targetKey: LedgerKeySchema,
  reason: z.string().trim().min(1, { error: 'a reversal needs a reason' }).max(500),
  actor: IdSchema.optional(),
});
/** A reversal; see {@link LoyaltyReversalSchema}. */
export type LoyaltyReversal = z.output<typeof LoyaltyReversalSchema>;
/** A reversal as accepted on input. */
export type LoyaltyReversalInput = z.input<typeof LoyaltyReversalSchema>;

/**
 * A manual adjustment by staff, with a reason and an actor: positive points
 * create a lot (expiring by the program's rule unless `expiresAt` says
 * otherwise, `null` for never), negative points are drawn like a redemption.
 * `qualifyingPoints` / `qualifyingSpendMinor` adjust tier progress (goodwill)
 * and may be given with zero points.
 */
export const LoyaltyAdjustmentSchema = z
  .strictObject({
    key: LedgerKeySchema,
    at: InstantSchema,
    points: z.number().int().refine(Number.isSafeInteger, { error: 'points are beyond the safe integer range' }),
    qualifyingPoints: z.number().int().default(0),
    qualifyingSpendMinor: z.number().int().default(0),
    reason: z.string().trim().min(1, { error: 'an adjustment needs a reason' }).max(500),
    actor: IdSchema,
    expiresAt: InstantSchema.nullable().optional(),
  })
  .superRefine((adjustment, ctx) => {
    if (adjustment.points === 0 && adjustment.qualifyingPoints === 0 && adjustment.qualifyingSpendMinor === 0) {
      ctx.addIssue({ code: 'custom', path: ['points'], message: 'an adjustment must change points or qualifying amounts' });
    }
    if (adjustment.expiresAt && adjustment.expiresAt.getTime() <= adjustment.at.getTime()) {
      ctx.addIssue({ code: 'custom', path: ['expiresAt'], message: 'expiresAt must be after the adjustment' });
    }
    if (adjustment.expiresAt !== undefined && adjustment.points <= 0) {
      ctx.addIssue({ code: 'custom', path: ['expiresAt'], message: 'only a positive adjustment creates a lot with an expiry' });
    }
  });
/** A manual adjustment; see {@link LoyaltyAdjustmentSchema}. */
export type LoyaltyAdjustment = z.output<typeof LoyaltyAdjustmentSchema>;
/** A manual adjustment as accepted on input. */
export type LoyaltyAdjustmentInput = z.input<typeof LoyaltyAdjustmentSchema>;

/** A member benefit used (`quantity` of `benefitId`), counted against the tier's quota for the period. */
export const LoyaltyBenefitUseSchema = z.strictObject({
  key: LedgerKeySchema,
  at: InstantSchema,
  benefitId: IdSchema,
  quantity: z.number().int().positive().max(1000).default(1),
});
/** A benefit use; see {@link LoyaltyBenefitUseSchema}. */
export type LoyaltyBenefitUse = z.output<typeof LoyaltyBenefitUseSchema>;
/** A benefit use as accepted on input. */
export type LoyaltyBenefitUseInput = z.input<typeof LoyaltyBenefitUseSchema>;

/**
 * Options of every ledger write: `asOf`, the time of the write (events may
 * not be dated after it), and for pooled households the other `members`, so
 * that their tiers can be restated when a late event changes them.
 */
export const LoyaltyWriteOptionsSchema = z.strictObject({
  asOf: InstantSchema,
  members: z.array(LoyaltyMemberSchema).optional(),
});
/** Options of a ledger write; see {@link LoyaltyWriteOptionsSchema}. */
export type LoyaltyWriteOptions = z.input<typeof LoyaltyWriteOptionsSchema>;
