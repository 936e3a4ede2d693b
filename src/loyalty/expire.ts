import { z } from 'zod';
import { InstantSchema, parse } from '../core/index.js';
import { LedgerKeySchema, type LedgerEntry } from './ledger-entry.js';
import { LoyaltyMemberSchema, type LoyaltyMemberInput } from './member.js';
import type { LoyaltyProgram } from './program.js';
import { replayResult, setupWrite, writeMeta, writeResult, type LoyaltyWriteResult } from './internal/operation.js';

/** Options of {@link expire}: `asOf`, an optional idempotency `key` (default `expire:<asOf ISO>`), and other household `members`. */
export const LoyaltyExpiryOptionsSchema = z.strictObject({
  asOf: InstantSchema,
  key: LedgerKeySchema.optional(),
  members: z.array(LoyaltyMemberSchema).optional(),
});
/** Options of {@link expire}; see {@link LoyaltyExpiryOptionsSchema}. */
export type LoyaltyExpiryOptions = z.input<typeof LoyaltyExpiryOptionsSchema>;

/** What {@link expire} returns: the write, and the points that lapsed, lot by lot. */
export interface ExpiryResult extends LoyaltyWriteResult {
  /** Points expired by this run (net of any expiry restated back). */
  readonly expiredPoints: number;
  /** Each lot touched: its id, the points expired (negative when restated back) and when. */
  readonly lots: readonly { readonly lotId: string; readonly points: number; readonly at: Date }[];
}

/**
 * Records the expiry of every lot that lapsed up to `asOf`: one `expire`
 * entry per lot for exactly its unconsumed remainder, dated at the lot's
 * expiry (the first instant it is gone), naming the lot. Lots lapse oldest
 * first; spent, reversed and still-pending points are never expired twice.
 * Balances do not wait for this run — `balance` already leaves lapsed points
 * out — it writes the record finance and customers see. Running it again
 * with the same `asOf` changes nothing.
 *
 * @throws `ValidationError` for a bad member, ledger or `asOf`.
 * @throws `CrmError` `IDEMPOTENCY_CONFLICT` when `key` was used for another event.
 * @example
 * ```ts
 * const { entries: lapsed, expiredPoints } = expire(program, member, ledger, { asOf: '2026-04-01T00:00:00+08:00' });
 * ```
 */
export function expire(program: LoyaltyProgram, member: LoyaltyMemberInput, entries: readonly LedgerEntry[], options: LoyaltyExpiryOptions): ExpiryResult {
  const parsed = parse(LoyaltyExpiryOptionsSchema, options, { path: 'options' });
  const setup = setupWrite(program, member, entries, parsed.members === undefined ? { asOf: parsed.asOf } : { asOf: parsed.asOf, members: parsed.members });
  const key = parsed.key ?? `expire:${parsed.asOf.toISOString()}`;
  const meta = writeMeta(key, { type: 'expire', asOf: parsed.asOf }, parsed.asOf);
  const lookup = setup.writer.lookup(meta.key, meta.payloadHash);
  if (lookup.status === 'replay') return summarise(replayResult(setup, meta, lookup.entries));
  return summarise(writeResult(setup, meta, setup.writer.expire(meta)));
}

function summarise(base: LoyaltyWriteResult): ExpiryResult {
  const lots: { lotId: string; points: number; at: Date }[] = [];
  let expiredPoints = 0;
  for (const entry of base.recorded) {
    if (entry.kind !== 'expire') continue;
    for (const movement of entry.movements) {
      lots.push({ lotId: movement.lotId, points: -movement.points, at: entry.at });
      expiredPoints -= movement.points;
    }
  }
  return { ...base, expiredPoints, lots };
}
