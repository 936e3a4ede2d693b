import { invalid, parse } from '../core/index.js';
import { LoyaltyRedemptionSchema, type LoyaltyRedemptionInput, type LoyaltyWriteOptions } from './events.js';
import type { LedgerEntry, LotMovement } from './ledger-entry.js';
import type { LoyaltyMemberInput } from './member.js';
import type { LoyaltyProgram } from './program.js';
import { checkEventTime, refuseShortfall, replayResult, setupWrite, writeMeta, writeResult, type LoyaltyWriteResult } from './internal/operation.js';
import { makeFact } from './internal/replay.js';

/** What {@link redeem} returns: the write, the points spent and the lots they came from. */
export interface RedemptionResult extends LoyaltyWriteResult {
  /** Points spent. */
  readonly points: number;
  /** The reward redeemed, or null for points paid toward an order. */
  readonly rewardId: string | null;
  /** The lots drawn on, oldest expiry first, with the (positive) points taken from each. */
  readonly draws: readonly LotMovement[];
  /**
   * For a redemption that arrived late (dated before redemptions already
   * written): points those later redemptions are now short of, recorded as
   * a debt (or forgiven) by the program's shortfall policy. 0 otherwise.
   */
  readonly shortfallCausedPoints: number;
}

/**
 * Spends points on a reward of the catalogue (or pays `points` toward an
 * order), drawing on the member's available lots oldest expiry first (then
 * oldest earned), and records which lots it drew on. Pending points (still
 * in their return period) cannot be spent.
 *
 * @throws `ValidationError` for an unknown reward, a bad quantity, an
 * event dated before the member joined or after `asOf`.
 * A redemption that arrives late — dated before redemptions already written,
 * say from an offline till — happened, so it is accepted if the points were
 * there at its own time; if that leaves a later redemption short, the
 * shortfall becomes a debt (or is forgiven) by the program's policy, and
 * `shortfallCausedPoints` says how much.
 *
 * @throws `CrmError` `INSUFFICIENT_POINTS` when the available balance at
 * the redemption's time is too small — nothing is written;
 * `IDEMPOTENCY_CONFLICT` when the key was used for a different redemption.
 * @example
 * ```ts
 * const result = redeem(program, member, ledger, { key: 'R-1001', at: '2025-05-01T10:00:00+08:00', rewardId: 'floor-mats' }, { asOf });
 * result.draws; // [{ lotId: 'transaction:RO-1', points: 5000 }]
 * ```
 */
export function redeem(
  program: LoyaltyProgram,
  member: LoyaltyMemberInput,
  entries: readonly LedgerEntry[],
  redemption: LoyaltyRedemptionInput,
  options: LoyaltyWriteOptions,
): RedemptionResult {
  const setup = setupWrite(program, member, entries, options);
  const { ctx, writer, asOf } = setup;
  const request = parse(LoyaltyRedemptionSchema, redemption, { path: 'redemption', label: 'redemption' });
  let unitPoints: number;
  let rewardName: string | null = null;
  if (request.rewardId !== undefined) {
    const reward = ctx.rewards.get(request.rewardId);
    if (reward === undefined) {
      invalid('redemption.rewardId', `expected a reward of the catalogue (${[...ctx.rewards.keys()].join(', ') || 'the catalogue is empty'}), got ${JSON.stringify(request.rewardId)}`);
    }
    unitPoints = reward.points;
    rewardName = reward.name;
  } else {
    unitPoints = request.points!;
  }
  const quantity = request.rewardId === undefined ? 1 : request.quantity;
  const points = unitPoints * quantity;
  checkEventTime(setup.member, request.at, asOf, 'redemption.at');
  const meta = writeMeta(request.key, { type: 'redeem', memberId: setup.member.id, at: request.at, rewardId: request.rewardId ?? null, quantity, points, reason: request.reason ?? null }, asOf);
  const rewardId = request.rewardId ?? null;
  const lookup = writer.lookup(meta.key, meta.payloadHash);
  if (lookup.status === 'replay') return { ...replayResult(setup, meta, lookup.entries), points, rewardId, draws: drawsOf(lookup.entries[0]), shortfallCausedPoints: shortfallCaused(lookup.entries) };
  const fact = makeFact({
    key: meta.key,
    kind: 'redeem',
    memberId: setup.member.id,
    atMs: request.at.getTime(),
    lot: null,
    credit: 0,
    rating: null,
    spend: points,
    targetKey: null,
    qualifyingPoints: 0,
    qualifyingSpendMinor: 0,
    benefit: null,
    entry: null,
  });
  const reason = request.reason ?? (rewardName === null ? `${points} points paid toward an order` : `redeemed ${quantity} × ${rewardName}`);
  const outcome = writer.write(fact, { reason, qualifyingPoints: 0, qualifyingSpendMinor: 0, redemption: { rewardId, quantity, unitPoints, points } }, meta, (replay) =>
    refuseShortfall(replay, meta.key, points, request.at),
  );
  return { ...writeResult(setup, meta, outcome), points, rewardId, draws: drawsOf(outcome.entries[0]), shortfallCausedPoints: shortfallCaused(outcome.entries) };
}

function drawsOf(entry: LedgerEntry | undefined): LotMovement[] {
  return (entry?.movements ?? []).filter((movement) => movement.points < 0).map((movement) => ({ lotId: movement.lotId, points: -movement.points }));
}

function shortfallCaused(entries: readonly LedgerEntry[]): number {
  let points = 0;
  for (const entry of entries) if (entry.role === 'effect' && entry.at.getTime() !== entries[0]?.at.getTime()) points += Math.max(0, entry.debtPoints) + Math.max(0, entry.forgivenPoints);
  return points;
}
