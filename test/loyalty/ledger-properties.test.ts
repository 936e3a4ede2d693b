import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isCrmError } from 'dealer-crm/core';
import {
  accrue,
  adjust,
  balance,
  defineLoyaltyProgram,
  expire,
  redeem,
  reverse,
  tierStatus,
  useBenefit,
  type LedgerEntry,
  type LoyaltyBalance,
  type LoyaltyProgram,
} from 'dealer-crm/loyalty';
import { alice, repairOrder, testProgramConfig } from './fixtures.js';

const START = Date.parse('2024-01-01T00:00:00+08:00');
const SPAN_MINUTES = 30 * 30 * 24 * 60; // about 30 months of event times
const FINAL = '2027-01-01T00:00:00+08:00';
const FINAL_MS = Date.parse(FINAL);
const MINUTE = 60_000;

type Command =
  | { readonly kind: 'earn'; readonly key: string; readonly atMs: number; readonly laborMinor: number; readonly partsMinor: number }
  | { readonly kind: 'redeem'; readonly key: string; readonly atMs: number; readonly points: number }
  | { readonly kind: 'adjust'; readonly key: string; readonly atMs: number; readonly points: number }
  | { readonly kind: 'benefit'; readonly key: string; readonly atMs: number }
  | { readonly kind: 'reverse'; readonly key: string; readonly atMs: number; readonly targetKey: string }
  | { readonly kind: 'expire'; readonly key: string; readonly atMs: number };

const minute = fc.integer({ min: 0, max: SPAN_MINUTES });

const rawCommand = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('earn' as const), t: minute, laborMinor: fc.integer({ min: 0, max: 300_000 }), partsMinor: fc.integer({ min: 0, max: 300_000 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('redeem' as const), t: minute, points: fc.integer({ min: 1, max: 3000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('adjust' as const), t: minute, points: fc.integer({ min: -1500, max: 1500 }).filter((p) => p !== 0) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('benefit' as const), t: minute }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reverse' as const), target: fc.nat(), delayMinutes: fc.integer({ min: 0, max: 200 * 24 * 60 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('expire' as const), t: minute }) },
);

/** Commands with keys; a reversal targets an earlier non-reversal command, dated after it. */
const commands = fc.array(rawCommand, { minLength: 1, maxLength: 30 }).map((raw) => {
  const out: Command[] = [];
  const reversed = new Set<string>();
  raw.forEach((item, index) => {
    const key = `${item.kind}-${index}`;
    if (item.kind === 'reverse') {
      const targets = out.filter((command) => command.kind !== 'reverse' && command.kind !== 'expire' && !reversed.has(command.key));
      if (targets.length === 0) return;
      const target = targets[item.target % targets.length]!;
      reversed.add(target.key);
      out.push({ kind: 'reverse', key, atMs: Math.min(target.atMs + item.delayMinutes * MINUTE, START + SPAN_MINUTES * MINUTE), targetKey: target.key });
    } else if (item.kind === 'earn') out.push({ kind: 'earn', key, atMs: START + item.t * MINUTE, laborMinor: item.laborMinor, partsMinor: item.partsMinor });
    else if (item.kind === 'redeem') out.push({ kind: 'redeem', key, atMs: START + item.t * MINUTE, points: item.points });
    else if (item.kind === 'adjust') out.push({ kind: 'adjust', key, atMs: START + item.t * MINUTE, points: item.points });
    else out.push({ kind: item.kind, key, atMs: START + item.t * MINUTE });
  });
  return out;
});

const programs = fc
  .record({
    shortfall: fc.constantFrom('claw_back' as const, 'debt' as const, 'forgive' as const),
    pendingDays: fc.constantFrom(0, 7),
    graceDays: fc.constantFrom(0, 30),
    review: fc.constantFrom({ kind: 'yearly' as const, month: 1, day: 1 }, { kind: 'anniversary' as const, months: 6 }),
    campaign: fc.boolean(),
  })
  .map((variant) =>
    defineLoyaltyProgram({
      ...testProgramConfig,
      earning: { ...testProgramConfig.earning, pendingDays: variant.pendingDays },
      bonuses: { campaigns: variant.campaign ? [{ id: 'summer', name: 'Summer', from: '2024-06-01', to: '2024-08-31', multiplier: 2 }] : [] },
      tiers: { ...testProgramConfig.tiers, graceDays: variant.graceDays, review: variant.review },
      reversal: { shortfall: variant.shortfall },
    }),
  );

const asOf = FINAL;
const RANK: Readonly<Record<Command['kind'], number>> = { earn: 0, adjust: 1, redeem: 2, benefit: 3, reverse: 4, expire: 5 };
/** Time order, credits before spends at the same instant (as the engine orders them). */
const byTime = (list: readonly Command[]) => [...list].sort((a, b) => a.atMs - b.atMs || RANK[a.kind] - RANK[b.kind]);
const iso = (ms: number) => new Date(ms).toISOString();

/** Writes one command; returns the new entries, or null when the engine refused it (for now). */
function write(program: LoyaltyProgram, entries: readonly LedgerEntry[], command: Command): readonly LedgerEntry[] | null {
  try {
    switch (command.kind) {
      case 'earn':
        return accrue(program, alice, entries, { type: 'transaction', key: command.key, transaction: repairOrder(command.key, iso(command.atMs), command.laborMinor, command.partsMinor) }, { asOf }).entries;
      case 'redeem':
        return redeem(program, alice, entries, { key: command.key, at: iso(command.atMs), points: command.points }, { asOf }).entries;
      case 'adjust':
        return adjust(program, alice, entries, { key: command.key, at: iso(command.atMs), points: command.points, reason: 'property test', actor: 'tester' }, { asOf }).entries;
      case 'benefit':
        return useBenefit(program, alice, entries, { key: command.key, at: iso(command.atMs), benefitId: 'wash' }, { asOf }).entries;
      case 'reverse':
        return reverse(program, alice, entries, { key: command.key, targetKey: command.targetKey, at: iso(command.atMs), reason: 'property test' }, { asOf }).entries;
      case 'expire':
        return expire(program, alice, entries, { asOf: iso(command.atMs), key: command.key }).entries;
    }
  } catch (error) {
    if (isCrmError(error, 'INSUFFICIENT_POINTS') || isCrmError(error, 'NOT_FOUND') || isCrmError(error, 'FORBIDDEN')) return null;
    throw error;
  }
}

/** Applies commands in the given order, retrying refused ones until no more can be applied. */
function applyAll(program: LoyaltyProgram, order: readonly Command[]): { entries: LedgerEntry[]; applied: Command[] } {
  let entries: LedgerEntry[] = [];
  const applied: Command[] = [];
  let queue = [...order];
  for (;;) {
    const refused: Command[] = [];
    for (const command of queue) {
      const before = JSON.stringify(entries);
      const added = write(program, entries, command);
      // Writes are pure: the ledger they were given is untouched.
      expect(JSON.stringify(entries)).toBe(before);
      if (added === null) refused.push(command);
      else {
        entries = [...entries, ...added];
        applied.push(command);
      }
    }
    if (refused.length === 0 || refused.length === queue.length) return { entries, applied };
    queue = refused;
  }
}

/** Σ of entry points by kind, up to `atMs`: the ledger's own record, summed independently of the replay. */
function sumsByKind(entries: readonly LedgerEntry[], atMs: number): Record<string, number> {
  const sums: Record<string, number> = { earn: 0, redeem: 0, expire: 0, reverse: 0, adjust: 0, benefit: 0, debt: 0, forgiven: 0 };
  for (const entry of entries) {
    if (entry.at.getTime() > atMs) continue;
    sums[entry.kind]! += entry.points;
    sums.debt! += entry.debtPoints;
    sums.forgiven! += entry.forgivenPoints;
  }
  return sums;
}

function checkIdentity(result: LoyaltyBalance): void {
  expect(result.available).toBeGreaterThanOrEqual(0);
  expect(result.pending).toBeGreaterThanOrEqual(0);
  expect(result.debt).toBeGreaterThanOrEqual(0);
  expect(result.available + result.pending).toBe(result.lifetimeEarned + result.lifetimeAdjusted - result.lifetimeRedeemed - result.lifetimeExpired - result.lifetimeReversed);
}

const probes = fc.array(fc.integer({ min: 0, max: SPAN_MINUTES + 200 * 24 * 60 }), { minLength: 1, maxLength: 4 });

describe('ledger properties over random event sequences', () => {
  it('keeps available = earned + adjusted − redeemed − expired − reversed, never negative, and matches its own entries', () => {
    fc.assert(
      fc.property(programs, commands, probes, (program, list, times) => {
        const chronological = byTime(list);
        const { entries } = applyAll(program, chronological);
        for (const t of times) checkIdentity(balance(program, entries, { asOf: iso(START + t * MINUTE) }));
        const closed = [...entries, ...expire(program, alice, entries, { asOf: FINAL }).entries];
        const final = balance(program, closed, { asOf: FINAL });
        checkIdentity(final);
        const sums = sumsByKind(closed, FINAL_MS);
        expect({
          earned: sums.earn,
          adjusted: sums.adjust,
          redeemed: 0 - sums.redeem!,
          expired: 0 - sums.expire!,
          reversed: 0 - sums.reverse!,
          debt: sums.debt,
          forgiven: sums.forgiven,
          total: sums.earn! + sums.adjust! + sums.redeem! + sums.expire! + sums.reverse!,
        }).toEqual({
          earned: final.lifetimeEarned,
          adjusted: final.lifetimeAdjusted,
          redeemed: final.lifetimeRedeemed,
          expired: final.lifetimeExpired,
          reversed: final.lifetimeReversed,
          debt: final.debt,
          forgiven: final.forgiven,
          total: final.available + final.pending,
        });
      }),
      { numRuns: 120 },
    );
  });

  it('gives the same balances and tiers whatever the order of arrival, events keeping their timestamps', () => {
    fc.assert(
      fc.property(programs, commands.chain((list) => fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length }))), probes, (program, [list, shuffled], times) => {
        const chronological = byTime(list);
        const reference = applyAll(program, chronological);
        const accepted = new Set(reference.applied.map((command) => command.key));
        const arrival = applyAll(program, shuffled.filter((command) => accepted.has(command.key)));
        // Every event accepted in time order is eventually accepted in the shuffled order too.
        expect(arrival.applied.map((command) => command.key).sort()).toEqual([...accepted].sort());
        for (const t of [...times, SPAN_MINUTES + 400 * 24 * 60]) {
          const at = iso(START + t * MINUTE);
          expect(balance(program, arrival.entries, { asOf: at })).toEqual(balance(program, reference.entries, { asOf: at }));
          const tiers = (entries: LedgerEntry[]) => {
            const { tierId, qualifying, reviewAt, graceUntil } = tierStatus(program, alice, entries, { asOf: at });
            return { tierId, qualifying, reviewAt, graceUntil };
          };
          expect(tiers(arrival.entries)).toEqual(tiers(reference.entries));
        }
        // Late arrivals were restated in the ledger itself: after the last expiry run its entries sum to the balance.
        const closed = [...arrival.entries, ...expire(program, alice, arrival.entries, { asOf: FINAL }).entries];
        const final = balance(program, closed, { asOf: FINAL });
        const sums = sumsByKind(closed, FINAL_MS);
        expect([sums.earn! + sums.adjust! + sums.redeem! + sums.expire! + sums.reverse!, sums.debt, sums.forgiven]).toEqual([final.available + final.pending, final.debt, final.forgiven]);
      }),
      { numRuns: 120 },
    );
  });

  it('changes nothing when an event is applied twice', () => {
    fc.assert(
      fc.property(programs, commands, (program, list) => {
        const { entries, applied } = applyAll(program, byTime(list));
        const before = balance(program, entries, { asOf: FINAL });
        for (const command of applied) {
          // The same event again (same key, same payload) writes nothing, whatever came after it.
          expect(write(program, entries, command)).toEqual([]);
        }
        expect(balance(program, entries, { asOf: FINAL })).toEqual(before);
      }),
      { numRuns: 80 },
    );
  });

  it('matches a brute-force oracle for earns, redemptions and expiry in a single-tier program', () => {
    const flat = defineLoyaltyProgram({ ...testProgramConfig, tiers: { ...testProgramConfig.tiers, levels: [testProgramConfig.tiers.levels[0]!] } });
    const simple = commands.map((list) => list.filter((command) => command.kind === 'earn' || command.kind === 'redeem'));
    fc.assert(
      fc.property(simple, probes, (list, times) => {
        const chronological = byTime(list);
        const { entries } = applyAll(flat, chronological);
        // Oracle: lots of ⌊yuan⌋ points expiring at the start of the month 25 months after the month
        // earned (Shanghai), spent earliest expiry first; a redemption larger than what is live is refused.
        const lots: { expiresMs: number; left: number }[] = [];
        const events: [number, () => void][] = chronological.map((command) => [
          command.atMs,
          () => {
            const live = lots.filter((lot) => lot.expiresMs > command.atMs).sort((a, b) => a.expiresMs - b.expiresMs);
            if (command.kind === 'earn') {
              const local = new Date(command.atMs + 8 * 3_600_000);
              const expiresMs = Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + 25, 1) - 8 * 3_600_000;
              lots.push({ expiresMs, left: Math.floor((command.laborMinor + command.partsMinor) / 100) });
            } else if (command.kind === 'redeem') {
              const total = live.reduce((sum, lot) => sum + lot.left, 0);
              if (total < command.points) return;
              let need = command.points;
              for (const lot of live) {
                const take = Math.min(lot.left, need);
                lot.left -= take;
                need -= take;
              }
            }
          },
        ]);
        for (const t of times) {
          const atMs = START + t * MINUTE;
          lots.length = 0;
          for (const [eventMs, run] of events) if (eventMs <= atMs) run();
          const oracle = lots.filter((lot) => lot.expiresMs > atMs).reduce((sum, lot) => sum + lot.left, 0);
          expect(balance(flat, entries, { asOf: iso(atMs) }).available).toBe(oracle);
        }
      }),
      { numRuns: 150 },
    );
  });
});
