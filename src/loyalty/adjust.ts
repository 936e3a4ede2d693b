import { parse } from '../core/index.js';
import { LoyaltyAdjustmentSchema, type LoyaltyAdjustmentInput, type LoyaltyWriteOptions } from './events.js';
import type { LedgerEntry } from './ledger-entry.js';
import type { LoyaltyMemberInput } from './member.js';
import type { LoyaltyProgram } from './program.js';
import { NEVER } from './internal/context.js';
import { lotDates } from './internal/lots.js';
import { checkEventTime, refuseShortfall, replayResult, setupWrite, writeMeta, writeResult, type LoyaltyWriteResult } from './internal/operation.js';
import { makeFact } from './internal/replay.js';

/** What {@link adjust} returns: the write and the change it made. */
export interface AdjustmentResult extends LoyaltyWriteResult {
  /** The signed change of points. */
  readonly points: number;
  readonly qualifyingPoints: number;
  readonly qualifyingSpendMinor: number;
  /** When a positive adjustment's lot expires (null: never); undefined for none. */
  readonly expiresAt: Date | null | undefined;
}

/**
 * A manual correction by staff, with a reason and an actor: positive points
 * create a lot (expiring by the program's rule, or at `expiresAt`), negative
 * points are drawn from lots like a redemption, and qualifying amounts may be
 * changed for tier goodwill. Never edits an entry.
 *
 * @throws `CrmError` `INSUFFICIENT_POINTS` when a negative adjustment
 * exceeds the available points (nothing written); `IDEMPOTENCY_CONFLICT` when
 * the key was used for another event.
 * @throws `ValidationError` for a missing reason or actor, a zero
 * adjustment, an event dated before the member joined or after `asOf`.
 * @example
 * ```ts
 * adjust(program, member, ledger, { key: 'ADJ-7', at, points: 500, reason: 'goodwill: late delivery', actor: 'staff-12' }, { asOf: at });
 * ```
 */
export function adjust(
  program: LoyaltyProgram,
  member: LoyaltyMemberInput,
  entries: readonly LedgerEntry[],
  adjustment: LoyaltyAdjustmentInput,
  options: LoyaltyWriteOptions,
): AdjustmentResult {
  const setup = setupWrite(program, member, entries, options);
  const { ctx, writer, asOf } = setup;
  const request = parse(LoyaltyAdjustmentSchema, adjustment, { path: 'adjustment', label: 'adjustment' });
  checkEventTime(setup.member, request.at, asOf, 'adjustment.at');
  const atMs = request.at.getTime();
  const lot =
    request.points > 0
      ? {
          availableAtMs: atMs,
          expiresAtMs: request.expiresAt === undefined ? ctx.expiresAt(atMs) : request.expiresAt === null ? NEVER : request.expiresAt.getTime(),
        }
      : null;
  const meta = writeMeta(
    request.key,
    {
      type: 'adjust',
      memberId: setup.member.id,
      at: request.at,
      points: request.points,
      qualifyingPoints: request.qualifyingPoints,
      qualifyingSpendMinor: request.qualifyingSpendMinor,
      reason: request.reason,
      actor: request.actor,
      expiresAt: request.expiresAt,
    },
    asOf,
  );
  const summary = {
    points: request.points,
    qualifyingPoints: request.qualifyingPoints,
    qualifyingSpendMinor: request.qualifyingSpendMinor,
    expiresAt: lot === null ? undefined : lotDates(lot).expiresAt,
  };
  const lookup = writer.lookup(meta.key, meta.payloadHash);
  if (lookup.status === 'replay') return { ...replayResult(setup, meta, lookup.entries), ...summary };
  const fact = makeFact({
    key: meta.key,
    kind: 'adjust',
    memberId: setup.member.id,
    atMs,
    lot,
    credit: Math.max(0, request.points),
    rating: null,
    spend: Math.max(0, -request.points),
    targetKey: null,
    qualifyingPoints: request.qualifyingPoints,
    qualifyingSpendMinor: request.qualifyingSpendMinor,
    benefit: null,
    entry: null,
  });
  const template = {
    reason: request.reason,
    qualifyingPoints: request.qualifyingPoints,
    qualifyingSpendMinor: request.qualifyingSpendMinor,
    adjustment: { points: request.points },
    actor: request.actor,
    ...(lot === null ? {} : { lot: lotDates(lot) }),
  };
  const outcome = writer.write(fact, template, meta, (replay) => refuseShortfall(replay, meta.key, -request.points, request.at));
  return { ...writeResult(setup, meta, outcome), ...summary };
}
