import { z } from 'zod';
import { InstantSchema, invalid, parse } from '../core/index.js';
import type { LedgerEntry } from './ledger-entry.js';
import type { LoyaltyProgram } from './program.js';
import { accountBalance } from './balance.js';
import { NEVER } from './internal/context.js';
import { divideRounded, hasAtMostSixDecimals, toMicro, MICRO } from './internal/exact.js';
import { checkEntries } from './internal/ledger-index.js';
import { checkProgram } from './internal/operation.js';

/**
 * Options of {@link liability}: `asOf`; `pointValue`, what `perPoints` points
 * are worth in minor units of the program currency (`{ amountMinor: 1,
 * perPoints: 1 }`: a point is worth one fen); and `breakageRate`, the
 * fraction of outstanding points expected never to be redeemed — estimated
 * from the ledgers' history (expired ÷ (redeemed + expired)) when absent.
 */
export const LoyaltyLiabilityOptionsSchema = z.strictObject({
  asOf: InstantSchema,
  pointValue: z.strictObject({
    amountMinor: z.number().int().nonnegative().refine(Number.isSafeInteger, { error: 'amount is beyond the safe integer range' }),
    perPoints: z.number().int().positive().max(1_000_000_000),
  }),
  breakageRate: z
    .number()
    .min(0)
    .lt(1, { error: 'expected a breakage rate below 1 (a fraction such as 0.2, not 20)' })
    .refine(hasAtMostSixDecimals, { error: 'expected at most 6 decimal places' })
    .optional(),
});
/** Options of {@link liability}; see {@link LoyaltyLiabilityOptionsSchema}. */
export type LoyaltyLiabilityOptions = z.input<typeof LoyaltyLiabilityOptionsSchema>;

/** The points liability of a program — the figures a finance team books. */
export interface LoyaltyLiability {
  readonly asOf: Date;
  /** The currency of every `…Minor` figure: the program's. */
  readonly currency: string;
  /** How many ledgers (accounts) were counted. */
  readonly accounts: number;
  /** Points held: available plus pending. */
  readonly outstandingPoints: number;
  readonly availablePoints: number;
  readonly pendingPoints: number;
  /** Points owed to the program by members (unrecovered reversals); not netted against the liability. */
  readonly debtPoints: number;
  /** The face value of the outstanding points, minor units (half up). */
  readonly valueMinor: number;
  /** The breakage rate used. */
  readonly breakageRate: number;
  /** Whether the rate was given or estimated from the ledgers' history. */
  readonly breakageSource: 'given' | 'history';
  /** Outstanding points expected never to be redeemed (half up). */
  readonly expectedBreakagePoints: number;
  /** Outstanding points expected to be redeemed. */
  readonly expectedRedemptionPoints: number;
  /** The liability to book: the value of the points expected to be redeemed, minor units (half up). */
  readonly liabilityMinor: number;
  /** Outstanding points by the local month (`YYYY-MM`) of their last usable day, soonest first. */
  readonly expiringByMonth: readonly { readonly month: string; readonly points: number; readonly valueMinor: number }[];
  /** Outstanding points that never expire. */
  readonly neverExpiringPoints: number;
  /** Lifetime points redeemed and expired across the ledgers (the history breakage is estimated from). */
  readonly history: { readonly redeemedPoints: number; readonly expiredPoints: number };
}

/**
 * The program's points liability as of `asOf` over many ledgers (one per
 * account): outstanding points and their value, expiry by month, and the
 * estimated breakage (points that will lapse unredeemed) — the figure a
 * finance team books as deferred revenue.
 *
 * @param ledgers - every account's entries (an array or any iterable, streamed one ledger at a time)
 * @throws `ValidationError` for a bad option or malformed entries (paths like `ledgers[4][2].at`).
 * @example
 * ```ts
 * const report = liability(program, ledgers, { asOf, pointValue: { amountMinor: 1, perPoints: 1 } });
 * report.liabilityMinor; // fen
 * ```
 */
export function liability(program: LoyaltyProgram, ledgers: Iterable<readonly LedgerEntry[]>, options: LoyaltyLiabilityOptions): LoyaltyLiability {
  const ctx = checkProgram(program);
  const parsed = parse(LoyaltyLiabilityOptionsSchema, options, { path: 'options' });
  if (ledgers === null || typeof ledgers !== 'object' || !(Symbol.iterator in ledgers)) invalid('ledgers', 'expected an array or iterable of ledgers (arrays of entries)');
  const asOfMs = parsed.asOf.getTime();
  let accounts = 0;
  let available = 0;
  let pending = 0;
  let debt = 0;
  let redeemed = 0;
  let expired = 0;
  let never = 0;
  const byMonth = new Map<string, number>();
  for (const ledger of ledgers) {
    const checked = checkEntries(ledger, `ledgers[${accounts}]`, ctx.program.id);
    accounts += 1;
    const { balance: result, replay } = accountBalance(ctx, checked, parsed.asOf, -1);
    available += result.available;
    pending += result.pending;
    debt += result.debt;
    redeemed += result.lifetimeRedeemed;
    expired += result.lifetimeExpired;
    for (const lot of replay.live) {
      if (lot.remaining === 0 || lot.expiresAtMs <= asOfMs) continue;
      if (lot.expiresAtMs === NEVER) never += lot.remaining;
      else {
        const month = ctx.calendar.isoMonth(lot.expiresAtMs - 1);
        byMonth.set(month, (byMonth.get(month) ?? 0) + lot.remaining);
      }
    }
  }
  const { amountMinor, perPoints } = parsed.pointValue;
  const valueOf = (points: number) => divideRounded(BigInt(points) * BigInt(amountMinor), perPoints, 'half_up');
  const outstanding = available + pending;
  const settled = redeemed + expired;
  const breakageSource = parsed.breakageRate === undefined ? 'history' : 'given';
  const rateMicro = parsed.breakageRate === undefined ? (settled > 0 ? divideRounded(BigInt(Math.max(0, expired)) * BigInt(MICRO), settled, 'half_up') : 0) : toMicro(parsed.breakageRate);
  const expectedBreakagePoints = divideRounded(BigInt(outstanding) * BigInt(rateMicro), MICRO, 'half_up');
  const expectedRedemptionPoints = outstanding - expectedBreakagePoints;
  return {
    asOf: parsed.asOf,
    currency: ctx.program.currency,
    accounts,
    outstandingPoints: outstanding,
    availablePoints: available,
    pendingPoints: pending,
    debtPoints: debt,
    valueMinor: valueOf(outstanding),
    breakageRate: rateMicro / MICRO,
    breakageSource,
    expectedBreakagePoints,
    expectedRedemptionPoints,
    liabilityMinor: valueOf(expectedRedemptionPoints),
    expiringByMonth: [...byMonth]
      .sort((a, b) => (a[0] < b[0] ? -1 : 1))
      .map(([month, points]) => ({ month, points, valueMinor: valueOf(points) })),
    neverExpiringPoints: never,
    history: { redeemedPoints: redeemed, expiredPoints: expired },
  };
}
