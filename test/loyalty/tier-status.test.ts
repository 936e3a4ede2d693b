import { describe, expect, it } from 'vitest';
import { accrue, balance, redeem, tierStatus, type LoyaltyProgram } from 'dealer-crm/loyalty';
import { Ledger, alice, repairOrder, testProgram, testProgramConfig } from './fixtures.js';

const asOf = '2027-01-01T00:00:00+08:00';
const tiers = testProgramConfig.tiers;

/** ¥6,000 of parts on 10 March 2024: 6,000 qualifying points, gold at once. */
function goldIn2024(program: LoyaltyProgram): Ledger {
  const ledger = new Ledger();
  ledger.add(accrue(program, alice, ledger.entries, { type: 'transaction', transaction: repairOrder('RO-1', '2024-03-10T10:00:00+08:00', 0, 600_000) }, { asOf }));
  return ledger;
}

const statusAt = (program: LoyaltyProgram, ledger: Ledger, at: string) => tierStatus(program, alice, ledger.entries, { asOf: at });

describe('tierStatus: upgrade at once, downgrade only at the review', () => {
  const program = testProgram();

  it('upgrades the moment the rolling window reaches the threshold, and shows the progress to the next tier', () => {
    const ledger = goldIn2024(program);
    expect(statusAt(program, ledger, '2024-03-10T09:59:00+08:00').tierId).toBe('silver');
    const status = statusAt(program, ledger, '2024-06-01T00:00:00+08:00');
    expect(status).toMatchObject({
      tierId: 'gold',
      earnedTierId: 'gold',
      qualifying: 6000,
      nextTier: { tierId: 'platinum', threshold: 20000, remaining: 14000 },
      requalify: { threshold: 5000, remaining: 0 },
      since: new Date('2024-03-10T02:00:00Z'),
      // The next review is 1 January 2025, 00:00 Shanghai.
      reviewAt: new Date('2024-12-31T16:00:00Z'),
    });
    expect(status.history).toEqual([{ at: new Date('2024-03-10T02:00:00Z'), fromTierId: 'silver', toTierId: 'gold', cause: 'upgrade' }]);
  });

  it('keeps the tier while the window falls short, and downgrades at the review whose window missed the threshold', () => {
    const ledger = goldIn2024(program);
    // Review 1 Jan 2025: the window 1 Jan–31 Dec 2024 holds 6,000 ≥ 5,000 → gold kept, next review 1 Jan 2026.
    const midway = statusAt(program, ledger, '2025-06-01T00:00:00+08:00');
    expect(midway).toMatchObject({ tierId: 'gold', qualifying: 0, reviewAt: new Date('2025-12-31T16:00:00Z'), requalify: { remaining: 5000 } });
    expect(statusAt(program, ledger, '2025-12-31T23:59:59+08:00').tierId).toBe('gold');
    // Review 1 Jan 2026: the window of 2025 holds nothing → silver.
    const after = statusAt(program, ledger, '2026-01-01T00:00:00+08:00');
    expect(after).toMatchObject({ tierId: 'silver', reviewAt: null });
    expect(after.history.at(-1)).toEqual({ at: new Date('2025-12-31T16:00:00Z'), fromTierId: 'gold', toTierId: 'silver', cause: 'review' });
  });

  it('never lowers a tier because points were spent', () => {
    const ledger = goldIn2024(program);
    ledger.add(redeem(program, alice, ledger.entries, { key: 'R-1', at: '2024-04-01T10:00:00+08:00', points: 6000 }, { asOf }));
    expect(balance(program, ledger.entries, { asOf: '2024-06-01T00:00:00+08:00' }).available).toBe(0);
    expect(statusAt(program, ledger, '2024-06-01T00:00:00+08:00')).toMatchObject({ tierId: 'gold', qualifying: 6000 });
  });

  it('gives a grace period after a failed review, ended early by requalifying', () => {
    const graceful = testProgram({ tiers: { ...tiers, graceDays: 30 } });
    const ledger = goldIn2024(graceful);
    // Falls short at 1 Jan 2026; grace until 31 Jan 2026 00:00 Shanghai.
    expect(statusAt(graceful, ledger, '2026-01-15T00:00:00+08:00')).toMatchObject({ tierId: 'gold', graceUntil: new Date('2026-01-30T16:00:00Z') });
    expect(statusAt(graceful, ledger, '2026-01-31T00:00:00+08:00')).toMatchObject({ tierId: 'silver', graceUntil: null });
    expect(statusAt(graceful, ledger, '2026-01-31T00:00:00+08:00').history.at(-1)!.cause).toBe('grace_expired');
    // ¥5,000 on 20 Jan 2026 requalifies within the grace: gold kept, next review 1 Jan 2027.
    ledger.add(accrue(graceful, alice, ledger.entries, { type: 'transaction', transaction: repairOrder('RO-2', '2026-01-20T10:00:00+08:00', 0, 500_000) }, { asOf }));
    expect(statusAt(graceful, ledger, '2026-02-01T00:00:00+08:00')).toMatchObject({ tierId: 'gold', graceUntil: null, reviewAt: new Date('2026-12-31T16:00:00Z') });
  });

  it('drops at most maxLevelsDown levels at one review', () => {
    const soft = testProgram({ tiers: { ...tiers, maxLevelsDown: 1 } });
    const ledger = new Ledger();
    ledger.add(accrue(soft, alice, ledger.entries, { type: 'transaction', transaction: repairOrder('RO-1', '2024-03-10T10:00:00+08:00', 0, 2_000_000) }, { asOf }));
    expect(statusAt(soft, ledger, '2024-04-01T00:00:00+08:00').tierId).toBe('platinum');
    // 1 Jan 2025: 20,000 in the window → platinum kept. 1 Jan 2026: nothing → one level down to gold; 1 Jan 2027: silver.
    expect(statusAt(soft, ledger, '2026-01-01T00:00:00+08:00').tierId).toBe('gold');
    expect(statusAt(soft, ledger, '2027-01-01T00:00:00+08:00').tierId).toBe('silver');
  });

  it('reviews on the anniversary of the tier with an anniversary review', () => {
    const anniversary = testProgram({ tiers: { ...tiers, review: { kind: 'anniversary', months: 12 } } });
    const ledger = goldIn2024(anniversary);
    // Gold from 10 Mar 2024 → review 10 Mar 2025 00:00 Shanghai, on the window of the 12 months before it
    // (10 Mar 2024–9 Mar 2025), which holds the purchase: kept, next review 10 Mar 2026.
    expect(statusAt(anniversary, ledger, '2025-03-09T23:00:00+08:00')).toMatchObject({ tierId: 'gold', reviewAt: new Date('2025-03-09T16:00:00Z') });
    expect(statusAt(anniversary, ledger, '2025-03-10T00:00:00+08:00')).toMatchObject({ tierId: 'gold', reviewAt: new Date('2026-03-09T16:00:00Z') });
    // 10 Mar 2026 reviews 10 Mar 2025–9 Mar 2026: nothing → silver.
    expect(statusAt(anniversary, ledger, '2026-03-10T00:00:00+08:00').tierId).toBe('silver');
  });

  it('uses the calendar year so far with a calendar-year window', () => {
    const calendar = testProgram({ tiers: { ...tiers, window: { kind: 'calendar_year' } } });
    const ledger = goldIn2024(calendar);
    expect(statusAt(calendar, ledger, '2024-12-31T12:00:00+08:00')).toMatchObject({ tierId: 'gold', qualifying: 6000, window: { start: new Date('2023-12-31T16:00:00Z') } });
    // 1 Jan 2025 reviews 2024 (gold kept); the new year's window starts empty; 1 Jan 2026 reviews 2025 → silver.
    expect(statusAt(calendar, ledger, '2025-01-02T00:00:00+08:00')).toMatchObject({ tierId: 'gold', qualifying: 0 });
    expect(statusAt(calendar, ledger, '2026-01-01T00:00:00+08:00').tierId).toBe('silver');
  });

  it('measures qualifying spend in minor units with a spend basis, after exclusions', () => {
    const spend = testProgram({ tiers: { ...tiers, basis: 'qualifying_spend', levels: [tiers.levels[0]!, { ...tiers.levels[1]!, threshold: 500_000 }, { ...tiers.levels[2]!, threshold: 2_000_000 }] } });
    const ledger = new Ledger();
    ledger.add(accrue(spend, alice, ledger.entries, { type: 'transaction', transaction: repairOrder('RO-1', '2024-03-10T10:00:00+08:00', 0, 600_000, { payType: 'warranty' }) }, { asOf }));
    expect(statusAt(spend, ledger, '2024-04-01T00:00:00+08:00')).toMatchObject({ tierId: 'silver', qualifying: 0 });
    ledger.add(accrue(spend, alice, ledger.entries, { type: 'transaction', transaction: repairOrder('RO-2', '2024-03-11T10:00:00+08:00', 0, 600_000) }, { asOf }));
    expect(statusAt(spend, ledger, '2024-04-01T00:00:00+08:00')).toMatchObject({ tierId: 'gold', qualifying: 600_000 });
  });
});

describe('tierStatus: manual overrides', () => {
  const program = testProgram();

  it('applies a floor override for its period, and earns with its multiplier', () => {
    const vip = { ...alice, tierOverrides: [{ tierId: 'gold', mode: 'floor' as const, from: '2024-02-01T00:00:00+08:00', until: '2024-05-01T00:00:00+08:00', reason: 'fleet contract', actor: 'manager-1' }] };
    expect(tierStatus(program, vip, [], { asOf: '2024-03-01T00:00:00+08:00' })).toMatchObject({ tierId: 'gold', earnedTierId: 'silver', override: { tierId: 'gold', mode: 'floor' } });
    expect(tierStatus(program, vip, [], { asOf: '2024-05-01T00:00:00+08:00' })).toMatchObject({ tierId: 'silver', override: null });
    // ¥100 + ¥100 on 1 Mar 2024 under the gold floor: 200 base × 1.5 = 300.
    expect(accrue(program, vip, [], { type: 'transaction', transaction: repairOrder('RO-1', '2024-03-01T10:00:00+08:00', 10_000, 10_000) }, { asOf }).points).toBe(300);
  });

  it('applies a fixed override even below the earned tier', () => {
    const ledger = goldIn2024(program);
    const pinned = { ...alice, tierOverrides: [{ tierId: 'silver', mode: 'fixed' as const, from: '2024-04-01T00:00:00+08:00', reason: 'abuse review', actor: 'manager-1' }] };
    expect(tierStatus(program, pinned, ledger.entries, { asOf: '2024-06-01T00:00:00+08:00' })).toMatchObject({ tierId: 'silver', earnedTierId: 'gold' });
  });
});

describe('tier multipliers and late events', () => {
  const program = testProgram();

  it('earns in the tier held before the event: the qualifying order itself earns at silver, the next at gold', () => {
    const ledger = goldIn2024(program);
    expect(ledger.entries[0]!.points).toBe(6000);
    const next = ledger.add(accrue(program, alice, ledger.entries, { type: 'transaction', transaction: repairOrder('RO-2', '2024-03-11T10:00:00+08:00', 10_000, 0) }, { asOf }));
    expect(next.points).toBe(150);
  });

  it('restates an earlier-written earn when a late event changes the tier it was earned in', () => {
    const ledger = new Ledger();
    // RO-2 (¥100, 11 Mar) arrives first and earns 100 at silver…
    ledger.add(accrue(program, alice, ledger.entries, { type: 'transaction', transaction: repairOrder('RO-2', '2024-03-11T10:00:00+08:00', 10_000, 0) }, { asOf }));
    // …then RO-1 (¥6,000, 10 Mar) arrives: gold from 10 Mar, so RO-2 should have earned 150.
    const late = ledger.add(accrue(program, alice, ledger.entries, { type: 'transaction', transaction: repairOrder('RO-1', '2024-03-10T10:00:00+08:00', 0, 600_000) }, { asOf }));
    expect(late.restatements).toBe(1);
    expect(late.entries[1]).toMatchObject({ kind: 'earn', role: 'effect', eventKey: 'transaction:RO-2', at: new Date('2024-03-11T02:00:00Z'), points: 50, earning: { tierId: 'gold', tierBonusPoints: 50 } });
    const inOrder = goldIn2024(program);
    inOrder.add(accrue(program, alice, inOrder.entries, { type: 'transaction', transaction: repairOrder('RO-2', '2024-03-11T10:00:00+08:00', 10_000, 0) }, { asOf }));
    expect(balance(program, ledger.entries, { asOf: '2024-04-01T00:00:00+08:00' })).toEqual(balance(program, inOrder.entries, { asOf: '2024-04-01T00:00:00+08:00' }));
    // Writing RO-2 again changes nothing.
    expect(accrue(program, alice, ledger.entries, { type: 'transaction', transaction: repairOrder('RO-2', '2024-03-11T10:00:00+08:00', 10_000, 0) }, { asOf }).replayed).toBe(true);
  });
});
