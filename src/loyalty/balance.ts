import { z } from 'zod';
import { InstantSchema, parse } from '../core/index.js';
import type { LedgerEntry } from './ledger-entry.js';
import type { LoyaltyProgram } from './program.js';
import { NEVER, type ProgramContext } from './internal/context.js';
import { checkEntries, factsOf } from './internal/ledger-index.js';
import { checkProgram } from './internal/operation.js';
import { quickAsOfOnly } from './internal/quick-parse.js';
import { LedgerReplay } from './internal/replay.js';
import { earnOnlyBalance } from './internal/earn-only-balance.js';

const DEFAULT_EXPIRING_WITHIN_DAYS = 30;

/** Options of {@link balance}: `asOf`, and the horizon of the expiring list in local days (default 30). */
export const LoyaltyBalanceOptionsSchema = z.strictObject({
  asOf: InstantSchema,
  expiringWithinDays: z.number().int().min(0).max(3660).default(DEFAULT_EXPIRING_WITHIN_DAYS),
});
/** Options of {@link balance}; see {@link LoyaltyBalanceOptionsSchema}. */
export type LoyaltyBalanceOptions = z.input<typeof LoyaltyBalanceOptionsSchema>;

/** Points that expire together: the first instant they are gone and the last local day they can be used. */
export interface ExpiringPoints {
  /** The first instant the points are gone. */
  readonly expiresAt: Date;
  /** The last local day (program zone) the points can be used, `YYYY-MM-DD`. */
  readonly lastDay: string;
  readonly points: number;
}

/**
 * A ledger's balance as of an instant. The identity
 * `available + pending = lifetimeEarned + lifetimeAdjusted − lifetimeRedeemed
 * − lifetimeExpired − lifetimeReversed` always holds, and no figure of points
 * held is ever negative (a reversal that cannot be recovered shows as `debt`).
 */
export interface LoyaltyBalance {
  readonly asOf: Date;
  /** The ledger's account, or null for an empty ledger. */
  readonly accountId: string | null;
  /** Points that can be spent now. */
  readonly available: number;
  /** Points earned but still in their return period. */
  readonly pending: number;
  /** Points owed: reversed points already spent that could not be recovered; settled from future earnings. */
  readonly debt: number;
  /** The horizon of {@link LoyaltyBalance.expiring}, in local days. */
  readonly expiringWithinDays: number;
  /** Points whose last usable day is within the horizon. */
  readonly expiringPoints: number;
  /** Those points by expiry date, soonest first. */
  readonly expiring: readonly ExpiringPoints[];
  /** Points credited by earns (transactions and bonuses), including restated tier ratings. */
  readonly lifetimeEarned: number;
  /** Net points of manual adjustments. */
  readonly lifetimeAdjusted: number;
  /** Points spent (including debts settled for short redemptions). */
  readonly lifetimeRedeemed: number;
  /** Points lapsed. */
  readonly lifetimeExpired: number;
  /** Net points taken by reversals: taken back for refunded earns, minus returned for cancelled redemptions. */
  readonly lifetimeReversed: number;
  /** Shortfalls written off under the `forgive` policy. */
  readonly forgiven: number;
}

/**
 * The balance of a ledger as of `asOf`: available and pending points, debt,
 * what expires in the next days (by date), and lifetime totals. Computed by
 * replaying the ledger's events in time order, so lots that lapsed are left
 * out whether or not `expire` has recorded them yet, and the order in which
 * events arrived does not matter.
 *
 * @param entries - one account's ledger (see `loyaltyAccountId`)
 * @throws `ValidationError` for malformed entries (with paths like
 * `entries[3].at`), entries of another program or account, or a bad `asOf`.
 * @example
 * ```ts
 * const { available, expiring } = balance(program, ledger, { asOf: new Date('2025-06-01T00:00:00+08:00') });
 * ```
 */
export function balance(program: LoyaltyProgram, entries: readonly LedgerEntry[], options: LoyaltyBalanceOptions): LoyaltyBalance {
  const ctx = checkProgram(program);
  const quickAsOf = quickAsOfOnly(options);
  const parsed = quickAsOf !== null ? { asOf: quickAsOf, expiringWithinDays: DEFAULT_EXPIRING_WITHIN_DAYS } : parse(LoyaltyBalanceOptionsSchema, options, { path: 'options' });
  const checked = checkEntries(entries, 'entries', ctx.program.id);
  return earnOnlyAccountBalance(ctx, checked, parsed.asOf, parsed.expiringWithinDays) ?? accountBalance(ctx, checked, parsed.asOf, parsed.expiringWithinDays).balance;
}

/** {@link accountBalance} summed without a replay, for a ledger of earns only; else null. @internal */
export function earnOnlyAccountBalance(ctx: ProgramContext, entries: readonly LedgerEntry[], asOf: Date, withinDays: number): LoyaltyBalance | null {
  const asOfMs = asOf.getTime();
  const figures = earnOnlyBalance(entries, asOfMs, horizonOf(ctx, asOfMs, withinDays));
  if (figures === null) return null;
  return {
    asOf,
    accountId: entries[0]?.accountId ?? null,
    available: figures.available,
    pending: figures.pending,
    debt: 0,
    expiringWithinDays: withinDays,
    expiringPoints: figures.expiringPoints,
    expiring: figures.expiring.map(([expiresAtMs, points]) => ({ expiresAt: new Date(expiresAtMs), lastDay: ctx.calendar.isoDay(expiresAtMs - 1), points })),
    lifetimeEarned: figures.lifetimeEarned,
    lifetimeAdjusted: 0,
    lifetimeRedeemed: 0,
    lifetimeExpired: figures.lifetimeExpired,
    lifetimeReversed: 0,
    forgiven: 0,
  };
}

/** The last expiry instant counted as expiring within `withinDays` local days of `asOfMs` (`asOfMs` itself when negative). */
function horizonOf(ctx: ProgramContext, asOfMs: number, withinDays: number): number {
  return withinDays >= 0 ? ctx.calendar.byDay(`horizon:${withinDays}`, asOfMs, (at) => ctx.calendar.startOfDayAfterDays(at, withinDays + 1)) : asOfMs;
}

/** The balance of checked entries, and the replay that computed it (for callers that need the lots). @internal */
export function accountBalance(ctx: ProgramContext, entries: readonly LedgerEntry[], asOf: Date, withinDays: number): { readonly balance: LoyaltyBalance; readonly replay: LedgerReplay } {
  const asOfMs = asOf.getTime();
  const replay = new LedgerReplay(ctx, { collect: false, tiers: null, rerateMembers: null });
  // Recorded credits, no tiers: the facts need no ratings.
  for (const fact of factsOf(entries, asOfMs, false)) replay.apply(fact);
  replay.advanceTo(asOfMs);
  let available = 0;
  let pending = 0;
  const horizon = horizonOf(ctx, asOfMs, withinDays);
  const expiring = new Map<number, number>();
  let expiringPoints = 0;
  for (const lot of replay.live) {
    if (lot.remaining === 0) continue;
    if (lot.availableAtMs <= asOfMs) available += lot.remaining;
    else pending += lot.remaining;
    if (lot.expiresAtMs !== NEVER && lot.expiresAtMs <= horizon) {
      expiring.set(lot.expiresAtMs, (expiring.get(lot.expiresAtMs) ?? 0) + lot.remaining);
      expiringPoints += lot.remaining;
    }
  }
  const totals = replay.totals;
  const balance: LoyaltyBalance = {
    asOf,
    accountId: entries[0]?.accountId ?? null,
    available,
    pending,
    debt: replay.debtTotal,
    expiringWithinDays: withinDays,
    expiringPoints,
    expiring: [...expiring]
      .sort((a, b) => a[0] - b[0])
      .map(([expiresAtMs, points]) => ({ expiresAt: new Date(expiresAtMs), lastDay: ctx.calendar.isoDay(expiresAtMs - 1), points })),
    lifetimeEarned: totals.earned,
    lifetimeAdjusted: totals.adjusted,
    lifetimeRedeemed: totals.redeemed,
    lifetimeExpired: totals.expired,
    lifetimeReversed: totals.reversed,
    forgiven: replay.forgivenTotal,
  };
  return { balance, replay };
}
