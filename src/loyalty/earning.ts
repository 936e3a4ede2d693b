import { IdSchema, invalid, parse } from '../core/index.js';
import { TransactionSchema, type TransactionInput } from '../customer/models/index.js';
import type { EarningBreakdown } from './ledger-entry.js';
import type { LoyaltyProgram } from './program.js';
import { checkProgram } from './internal/operation.js';
import { checkCurrency, creditFor, transactionBase, unknownTierMessage } from './internal/earning-rules.js';

/** What {@link quoteTransactionPoints} returns: the points and how they were made. */
export interface TransactionPointsQuote extends EarningBreakdown {
  /** The points the transaction would earn. */
  readonly points: number;
  /** The points counted toward tiers (the base points). */
  readonly qualifyingPoints: number;
  /** The revenue counted as qualifying spend (after exclusions), minor units. */
  readonly qualifyingSpendMinor: number;
}

/**
 * How many points a transaction earns in a given tier — for a receipt or a
 * service-lane screen — without touching a ledger.
 *
 * @param options.tierId - the member's tier (see `tierStatus`)
 * @throws `ValidationError` for a bad transaction (unknown type,
 * negative amounts, totals that do not match the lines) or an unknown tier.
 * @throws `CrmError` `CURRENCY_MISMATCH` for a transaction in another currency.
 * @example
 * ```ts
 * const quote = quoteTransactionPoints(defaultLoyaltyProgram, repairOrder, { tierId: 'gold' });
 * quote.points; // base + 25 % tier bonus
 * ```
 */
export function quoteTransactionPoints(program: LoyaltyProgram, transaction: TransactionInput, options: { readonly tierId: string }): TransactionPointsQuote {
  const parsed = parse(TransactionSchema, transaction, { label: 'transaction' });
  const tierId = parse(IdSchema, options?.tierId, { path: 'options.tierId' });
  const ctx = checkProgram(program);
  checkCurrency(ctx, parsed, 'transaction');
  const tierIndex = ctx.tierIndex.get(tierId);
  if (tierIndex === undefined) invalid('options.tierId', unknownTierMessage(ctx, tierId));
  const base = transactionBase(ctx, parsed);
  const credit = creditFor(ctx, base, tierIndex);
  return { ...credit.breakdown, points: credit.points, qualifyingPoints: base.basePoints, qualifyingSpendMinor: base.eligibleRevenueMinor };
}

