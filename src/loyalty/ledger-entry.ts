import { z } from 'zod';
import { CurrencyCodeSchema, IdSchema, InstantSchema, MinorUnitsSchema } from '../core/index.js';

// Control characters (C0, DEL, C1) are never part of a key.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * An idempotency key or event key: 1–256 characters, no control characters,
 * no leading or trailing spaces. Keys name events (`transaction:RO-1`), not
 * stream positions, so the same event always gets the same key.
 */
export const LedgerKeySchema = z
  .string({ error: 'expected a key string' })
  .min(1, { error: 'expected a non-empty key' })
  .max(256, { error: 'expected a key of at most 256 characters' })
  .refine((value) => !CONTROL.test(value) && value.trim() === value, {
    error: 'a key may not contain control characters or leading/trailing spaces',
  });

const pointsInt = z.number({ error: 'expected a whole number of points' }).int({ error: 'expected a whole number of points' }).refine(Number.isSafeInteger, {
  error: 'points are beyond the safe integer range',
});

/**
 * What a ledger entry is:
 * - `earn` — points credited by a transaction or bonus event, as a lot with its own expiry;
 * - `redeem` — points spent on a reward or as payment, drawn from lots oldest expiry first;
 * - `expire` — the unspent remainder of a lapsed lot;
 * - `reverse` — an earlier event undone (a refund, a cancelled redemption);
 * - `adjust` — a manual correction with a reason and an actor;
 * - `benefit` — a member benefit used (a wash, a wax), counted against its yearly quota.
 */
export const LedgerEntryKindSchema = z.enum(['earn', 'redeem', 'expire', 'reverse', 'adjust', 'benefit']);
/** The kind of a ledger entry; see {@link LedgerEntryKindSchema}. */
export type LedgerEntryKind = z.infer<typeof LedgerEntryKindSchema>;

/**
 * Whether an entry records an event (`fact`: one per accepted event, carrying
 * its data) or an effect derived from the events (`effect`: a lapse, the
 * settlement of a debt, or the restatement of an earlier entry after an event
 * arrived late — a correction is always a new entry, never an edit).
 */
export const LedgerEntryRoleSchema = z.enum(['fact', 'effect']);

/**
 * Points moved on one lot: positive credits the lot (an earn), negative
 * draws from it (a redemption, an expiry, a reversal). A lot is named by the
 * event key of the earn or adjustment that created it.
 */
export const LotMovementSchema = z.strictObject({
  lotId: LedgerKeySchema,
  points: pointsInt.refine((value) => value !== 0, { error: 'a movement moves at least one point' }),
});

/** Where an earn came from: a transaction, or a welcome, birthday or referral bonus. */
export const EarnSourceSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('transaction'),
    transactionId: IdSchema,
    transactionType: z.enum(['vehicle_sale', 'repair_order', 'parts_sale']),
    dealerId: IdSchema,
    currency: CurrencyCodeSchema,
    /** The transaction's revenue, minor units. */
    revenueMinor: MinorUnitsSchema,
    /** The revenue that earned (after exclusions), minor units; it is the qualifying spend. */
    eligibleRevenueMinor: MinorUnitsSchema,
  }),
  z.strictObject({ type: z.literal('welcome'), purchaseTransactionId: IdSchema, purchaseAt: InstantSchema }),
  z.strictObject({ type: z.literal('birthday'), year: z.number().int() }),
  z.strictObject({ type: z.literal('referral'), referredCustomerId: IdSchema, purchaseTransactionId: IdSchema }),
]);
/** Where an earn came from; see {@link EarnSourceSchema}. */
export type EarnSource = z.output<typeof EarnSourceSchema>;

/**
 * How the points of an earn were computed: base points (rounded once),
 * the tier bonus (`base × (tierMultiplier − 1)`), the campaign bonus
 * (`base × (campaignMultiplier − 1)`), each rounded by the program's rule,
 * and how many points the per-transaction cap removed.
 */
export const EarningBreakdownSchema = z.strictObject({
  basePoints: pointsInt,
  tierId: IdSchema,
  tierMultiplier: z.number(),
  tierBonusPoints: pointsInt,
  campaignId: IdSchema.nullable(),
  campaignMultiplier: z.number(),
  campaignBonusPoints: pointsInt,
  capPoints: pointsInt.nullable(),
  cappedPoints: pointsInt,
});
/** How the points of an earn were computed; see {@link EarningBreakdownSchema}. */
export type EarningBreakdown = z.output<typeof EarningBreakdownSchema>;

/**
 * One immutable entry of a member's (or household's) points ledger. Plain
 * JSON-serialisable data (instants are `Date`s; on the wire ISO strings, which
 * this schema turns back into `Date`s). Adapters store entries in an
 * append-only stream per `accountId`, keyed by `idempotencyKey` with
 * `payloadHash`; `id` is derived from the key, never from a stream position.
 *
 * `points` is the entry's signed change to the account's points and always
 * equals the sum of its `movements`. Tier progress uses `qualifyingPoints`
 * and `qualifyingSpendMinor`, never `points`.
 */
export const LedgerEntrySchema = z
  .strictObject({
    /** `<idempotencyKey>#<n>`: stable across retries and stream positions. */
    id: z.string().min(1).max(300),
    programId: IdSchema,
    /** The ledger (stream) the entry belongs to; see `loyaltyAccountId`. */
    accountId: z.string().min(1).max(200),
    /** The member on whose behalf the entry was written (or whose lot lapsed). */
    memberId: IdSchema,
    kind: LedgerEntryKindSchema,
    role: LedgerEntryRoleSchema,
    /** The key of the write (event) that caused this entry. */
    idempotencyKey: LedgerKeySchema,
    /** SHA-256 of the canonical JSON of the causing event (core `payloadHash`). */
    payloadHash: z.string().regex(/^[0-9a-f]{64}$/, { error: 'expected 64 lower-case hex digits' }),
    /** The event whose effect this entry records: its own key for a fact; for an expiry, the lapsed lot. */
    eventKey: LedgerKeySchema,
    /** When the effect happened (the event's time; a lot's expiry). */
    at: InstantSchema,
    /** The `asOf` of the write that recorded the entry. */
    recordedAt: InstantSchema,
    reason: z.string().min(1).max(500),
    points: pointsInt,
    movements: z.array(LotMovementSchema).default([]),
    /** Signed change of the debt owed (a reversal's unrecoverable shortfall; negative when settled). */
    debtPoints: pointsInt.default(0),
    /** Shortfall written off under the `forgive` policy (negative when undone). */
    forgivenPoints: pointsInt.default(0),
    qualifyingPoints: pointsInt.default(0),
    qualifyingSpendMinor: MinorUnitsSchema.default(0),
    /** The lot an earn (or a positive adjustment) creates. */
    lot: z.strictObject({ availableAt: InstantSchema, expiresAt: InstantSchema.nullable() }).optional(),
    earning: EarningBreakdownSchema.optional(),
    source: EarnSourceSchema.optional(),
    redemption: z
      .strictObject({ rewardId: IdSchema.nullable(), quantity: z.number().int().positive(), unitPoints: pointsInt, points: pointsInt })
      .optional(),
    adjustment: z.strictObject({ points: pointsInt }).optional(),
    reversal: z.strictObject({ targetKey: LedgerKeySchema, targetKind: LedgerEntryKindSchema }).optional(),
    benefit: z.strictObject({ benefitId: IdSchema, quantity: z.number().int().positive() }).optional(),
    actor: IdSchema.optional(),
  })
  .superRefine((entry, ctx) => {
    const sum = entry.movements.reduce((total, movement) => total + movement.points, 0);
    if (sum !== entry.points) {
      ctx.addIssue({ code: 'custom', path: ['points'], message: `points is ${entry.points} but the movements sum to ${sum}` });
    }
    if (entry.role === 'fact' && entry.eventKey !== entry.idempotencyKey) {
      ctx.addIssue({ code: 'custom', path: ['eventKey'], message: 'a fact entry records its own event, so eventKey must equal idempotencyKey' });
    }
    if (entry.kind === 'expire' && entry.role !== 'effect') {
      ctx.addIssue({ code: 'custom', path: ['role'], message: 'an expiry is an effect of time, not a fact' });
    }
    if (entry.role !== 'fact') return;
    const need = (field: 'lot' | 'earning' | 'source' | 'redemption' | 'adjustment' | 'reversal' | 'benefit' | 'actor') => {
      if (entry[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: `a ${entry.kind} fact needs ${field}` });
    };
    if (entry.kind === 'earn') ['lot', 'earning', 'source'].forEach((field) => need(field as 'lot'));
    if (entry.kind === 'redeem') need('redemption');
    if (entry.kind === 'reverse') need('reversal');
    if (entry.kind === 'benefit') need('benefit');
    if (entry.kind === 'adjust') {
      need('adjustment');
      need('actor');
      if ((entry.adjustment?.points ?? 0) > 0) need('lot');
    }
  });

/** One ledger entry; see {@link LedgerEntrySchema}. */
export type LedgerEntry = z.output<typeof LedgerEntrySchema>;
/** A ledger entry as stored or sent on the wire (instants may be ISO strings). */
export type LedgerEntryInput = z.input<typeof LedgerEntrySchema>;
/** Points moved on one lot; see {@link LotMovementSchema}. */
export type LotMovement = z.output<typeof LotMovementSchema>;
