import { CrmError, invalid, parse } from '../core/index.js';
import { LoyaltyReversalSchema, type LoyaltyReversalInput, type LoyaltyWriteOptions } from './events.js';
import type { LedgerEntry, LedgerEntryKind } from './ledger-entry.js';
import type { LoyaltyMemberInput } from './member.js';
import type { LoyaltyProgram } from './program.js';
import { checkEventTime, replayResult, setupWrite, writeMeta, writeResult, type LoyaltyWriteResult } from './internal/operation.js';
import { makeFact } from './internal/replay.js';

/**
 * What {@link reverse} returns. For a reversed earn: `reversedPoints` taken
 * back from its own lot, and the part already spent (`shortfallPoints`)
 * settled by the program's policy — `clawedBackPoints` from other lots,
 * `debtPoints` recorded as a debt (settled from future earnings), or
 * `forgivenPoints` written off. For a reversed redemption or negative
 * adjustment: `restoredPoints` returned to the lots it drew on (points whose
 * lot has lapsed meanwhile expire at once).
 */
export interface ReversalResult extends LoyaltyWriteResult {
  readonly targetKey: string;
  readonly targetKind: LedgerEntryKind;
  /** The program's shortfall policy that applied. */
  readonly shortfallPolicy: LoyaltyProgram['reversal']['shortfall'];
  readonly reversedPoints: number;
  readonly shortfallPoints: number;
  readonly clawedBackPoints: number;
  readonly debtPoints: number;
  readonly forgivenPoints: number;
  readonly restoredPoints: number;
}

/**
 * Undoes an earlier event — a refunded repair order, a cancelled
 * redemption, a benefit use taken back — with a new reversing entry (the
 * original is never edited). Reversing an earn takes back what is left of
 * its lot; points already spent from it are clawed back from the member's
 * other lots, recorded as a debt, or forgiven, as the program's
 * `reversal.shortfall` policy says, and the result says which. The balance
 * never goes negative. The earn's qualifying amounts leave the tier window
 * (a downgrade still waits for the review). To correct part of an order,
 * reverse it and accrue the corrected transaction under a new key.
 *
 * @throws `CrmError` `NOT_FOUND` when no event has `targetKey`;
 * `INVALID_TRANSITION` when it is already reversed or is itself a reversal;
 * `IDEMPOTENCY_CONFLICT` when the key was used for another event.
 * @throws `ValidationError` for a reversal dated before its target, before the member joined or after `asOf`.
 * @example
 * ```ts
 * const result = reverse(program, member, ledger, { targetKey: 'transaction:RO-1', at: refundedAt, reason: 'order refunded' }, { asOf: refundedAt });
 * result.clawedBackPoints; // points taken from other lots because RO-1's were already spent
 * ```
 */
export function reverse(
  program: LoyaltyProgram,
  member: LoyaltyMemberInput,
  entries: readonly LedgerEntry[],
  reversal: LoyaltyReversalInput,
  options: LoyaltyWriteOptions,
): ReversalResult {
  const setup = setupWrite(program, member, entries, options);
  const { ctx, writer, asOf } = setup;
  const request = parse(LoyaltyReversalSchema, reversal, { path: 'reversal', label: 'reversal' });
  const key = request.key ?? `reverse:${request.targetKey}`;
  const meta = writeMeta(key, { type: 'reverse', memberId: setup.member.id, targetKey: request.targetKey, at: request.at, reason: request.reason, actor: request.actor ?? null }, asOf);
  const lookup = writer.lookup(meta.key, meta.payloadHash);
  const target = writer.fact(request.targetKey);
  const policy = ctx.program.reversal.shortfall;
  if (lookup.status === 'replay') return summarise(replayResult(setup, meta, lookup.entries), request.targetKey, target?.kind ?? 'earn', policy);
  if (target === undefined) {
    throw new CrmError('NOT_FOUND', `no event with key ${JSON.stringify(request.targetKey)} in account ${writer.accountId}`, { details: { targetKey: request.targetKey } });
  }
  if (target.kind === 'reverse') {
    throw new CrmError('INVALID_TRANSITION', `${JSON.stringify(request.targetKey)} is itself a reversal and cannot be reversed; accrue the event again under a new key`, { details: { targetKey: request.targetKey } });
  }
  const already = writer.reversalOf(request.targetKey);
  if (already !== undefined) {
    throw new CrmError('INVALID_TRANSITION', `${JSON.stringify(request.targetKey)} was already reversed by ${JSON.stringify(already)}`, { details: { targetKey: request.targetKey, reversedBy: already } });
  }
  if (request.at.getTime() < target.atMs) {
    invalid('reversal.at', `a reversal cannot be dated before the event it reverses (${new Date(target.atMs).toISOString()}), got ${request.at.toISOString()}`);
  }
  checkEventTime(setup.member, request.at, asOf, 'reversal.at');
  const fact = makeFact({
    key,
    kind: 'reverse',
    memberId: setup.member.id,
    atMs: request.at.getTime(),
    lot: null,
    credit: 0,
    rating: null,
    spend: 0,
    targetKey: request.targetKey,
    qualifyingPoints: -target.qualifyingPoints,
    qualifyingSpendMinor: -target.qualifyingSpendMinor,
    benefit: null,
    entry: null,
  });
  const template = {
    reason: request.reason,
    qualifyingPoints: -target.qualifyingPoints,
    qualifyingSpendMinor: -target.qualifyingSpendMinor,
    reversal: { targetKey: request.targetKey, targetKind: target.kind },
    ...(request.actor === undefined ? {} : { actor: request.actor }),
  };
  const outcome = writer.write(fact, template, meta);
  return summarise(writeResult(setup, meta, outcome), request.targetKey, target.kind, policy);
}

function summarise(base: LoyaltyWriteResult, targetKey: string, targetKind: LedgerEntryKind, policy: ReversalResult['shortfallPolicy']): ReversalResult {
  const primary = base.recorded.find((entry) => entry.role === 'fact');
  let reversedPoints = 0;
  let clawedBackPoints = 0;
  let restoredPoints = 0;
  for (const movement of primary?.movements ?? []) {
    if (movement.points > 0) restoredPoints += movement.points;
    else if (movement.lotId === targetKey) reversedPoints -= movement.points;
    else clawedBackPoints -= movement.points;
  }
  const debtPoints = Math.max(0, primary?.debtPoints ?? 0);
  const forgivenPoints = Math.max(0, primary?.forgivenPoints ?? 0);
  return {
    ...base,
    targetKey,
    targetKind,
    shortfallPolicy: policy,
    reversedPoints,
    shortfallPoints: clawedBackPoints + debtPoints + forgivenPoints,
    clawedBackPoints,
    debtPoints,
    forgivenPoints,
    restoredPoints,
  };
}
