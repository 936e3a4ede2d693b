import { describe, expect, it } from 'vitest';
import { accrue, liability, redeem } from 'dealer-crm/loyalty';
import { Ledger, alice, issuesOf, repairOrder, testProgram } from './fixtures.js';
import { threeLots } from './scenario.js';

const program = testProgram();
const asOf = '2025-06-01T00:00:00+08:00';
const bob = { id: 'M-2', programId: 'club', customerId: 'C-2', joinedAt: '2023-01-01T00:00:00+08:00' };

/** Alice: 2,300 earned, 1,300 redeemed → 200 (last day 28 Feb 2026) + 800 (31 Mar 2026). Bob: 400 lapsed 1 Mar 2025, 2,000 until 31 Jul 2026. */
function ledgers(): Ledger[] {
  const a = threeLots(program, asOf);
  a.add(redeem(program, alice, a.entries, { key: 'PAY-1', at: '2024-06-01T10:00:00+08:00', points: 1300 }, { asOf }));
  const b = new Ledger();
  b.add(accrue(program, bob, b.entries, { type: 'transaction', transaction: repairOrder('RO-B1', '2023-02-10T10:00:00+08:00', 0, 40_000, { customerId: 'C-2' }) }, { asOf }));
  b.add(accrue(program, bob, b.entries, { type: 'transaction', transaction: repairOrder('RO-B2', '2024-07-20T10:00:00+08:00', 0, 200_000, { customerId: 'C-2' }) }, { asOf }));
  return [a, b];
}

describe('liability', () => {
  it('values the outstanding points, lists them by month of expiry and applies a given breakage rate', () => {
    const report = liability(program, ledgers().map((ledger) => ledger.entries), { asOf, pointValue: { amountMinor: 1, perPoints: 1 }, breakageRate: 0.2 });
    expect(report).toMatchObject({
      currency: 'CNY',
      accounts: 2,
      outstandingPoints: 3000,
      availablePoints: 3000,
      pendingPoints: 0,
      valueMinor: 3000,
      breakageRate: 0.2,
      breakageSource: 'given',
      // 3,000 × 0.2 = 600 expected to lapse; 2,400 points (¥24.00) to book.
      expectedBreakagePoints: 600,
      expectedRedemptionPoints: 2400,
      liabilityMinor: 2400,
      neverExpiringPoints: 0,
      history: { redeemedPoints: 1300, expiredPoints: 400 },
    });
    expect(report.expiringByMonth).toEqual([
      { month: '2026-02', points: 200, valueMinor: 200 },
      { month: '2026-03', points: 800, valueMinor: 800 },
      { month: '2026-07', points: 2000, valueMinor: 2000 },
    ]);
  });

  it('estimates breakage from history when no rate is given: expired ÷ (redeemed + expired)', () => {
    // 400 ÷ 1,700 = 0.2352941… → 0.235294; 3,000 × 0.235294 = 705.88 → 706 points; 2,294 to book at ½ fen a point → 1,147 fen.
    const report = liability(program, ledgers().map((ledger) => ledger.entries), { asOf, pointValue: { amountMinor: 1, perPoints: 2 } });
    expect(report).toMatchObject({ breakageSource: 'history', breakageRate: 0.235294, expectedBreakagePoints: 706, expectedRedemptionPoints: 2294, valueMinor: 1500, liabilityMinor: 1147 });
  });

  it('streams ledgers from any iterable and names a bad entry by ledger and position', () => {
    function* stream() {
      for (const ledger of ledgers()) yield ledger.entries;
    }
    expect(liability(program, stream(), { asOf, pointValue: { amountMinor: 1, perPoints: 1 } }).accounts).toBe(2);
    const [a] = ledgers();
    const broken = [a!.entries, [{ ...a!.entries[0]!, points: 1.5 }]];
    expect(issuesOf(() => liability(program, broken, { asOf, pointValue: { amountMinor: 1, perPoints: 1 } }))[0]!.path).toBe('ledgers[1][0].points');
    expect(issuesOf(() => liability(program, [], { asOf, pointValue: { amountMinor: 1, perPoints: 1 }, breakageRate: 20 }))[0]!.path).toBe('options.breakageRate');
  });
});
