import type { LedgerEntry } from '../ledger-entry.js';
import { NEVER } from './context.js';

/** The figures of a balance that a ledger of earns alone determines. @internal */
export interface EarnOnlyFigures {
  readonly available: number;
  readonly pending: number;
  readonly expiringPoints: number;
  /** Points by expiry instant, soonest first. */
  readonly expiring: readonly (readonly [expiresAtMs: number, points: number])[];
  readonly lifetimeEarned: number;
  readonly lifetimeExpired: number;
}

/**
 * The balance of a ledger whose entries are all earn facts (a history import,
 * a member who never redeemed) as of `asOfMs`, summed directly: with nothing
 * spent, reversed or restated, replaying the ledger in time order only
 * credits each lot and lapses the ones whose expiry is at or before `asOfMs`,
 * so every figure is a sum over the lots. Gives exactly what the replay
 * gives (the tests check); returns null for any other ledger, which the
 * caller then replays.
 *
 * @param entries - checked entries (see `checkEntries`)
 * @param horizonMs - lots expiring at or before this instant count as expiring
 * @internal
 */
export function earnOnlyBalance(entries: readonly LedgerEntry[], asOfMs: number, horizonMs: number): EarnOnlyFigures | null {
  for (const entry of entries) if (entry.role !== 'fact' || entry.kind !== 'earn') return null;
  let available = 0;
  let pending = 0;
  let earned = 0;
  let expired = 0;
  let expiringPoints = 0;
  let expiring: Map<number, number> | null = null;
  for (const entry of entries) {
    // The replay reads only facts dated up to asOf.
    if (entry.at.getTime() > asOfMs) continue;
    // A lot holds what its own fact moved onto it.
    let credit = 0;
    for (const movement of entry.movements) if (movement.lotId === entry.eventKey) credit += movement.points;
    if (credit < 0) return null;
    earned += credit;
    const lot = entry.lot!;
    const expiresAtMs = lot.expiresAt === null ? NEVER : lot.expiresAt.getTime();
    if (expiresAtMs <= asOfMs) {
      expired += credit;
      continue;
    }
    if (credit === 0) continue;
    if (lot.availableAt.getTime() <= asOfMs) available += credit;
    else pending += credit;
    if (expiresAtMs !== NEVER && expiresAtMs <= horizonMs) {
      expiring ??= new Map();
      expiring.set(expiresAtMs, (expiring.get(expiresAtMs) ?? 0) + credit);
      expiringPoints += credit;
    }
  }
  return {
    available,
    pending,
    expiringPoints,
    expiring: expiring === null ? [] : [...expiring].sort((a, b) => a[0] - b[0]),
    lifetimeEarned: earned,
    lifetimeExpired: expired,
  };
}
