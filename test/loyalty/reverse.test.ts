import { describe, expect, it } from 'vitest';
import { accrue, balance, expire, redeem, reverse, useBenefit, type LoyaltyProgram } from 'dealer-crm/loyalty';
import { Ledger, alice, crmErrorOf, issuesOf, repairOrder, testProgram } from './fixtures.js';

const asOf = '2026-06-01T00:00:00+08:00';
const june = '2024-06-01T00:00:00+08:00';

/** L1 1,000 (RO-1, 10 Jan 2024), L2 800 (RO-2, 5 Mar 2024); 1,200 redeemed on 1 Apr 2024: L1 1,000 + L2 200. */
function spentLedger(program: LoyaltyProgram): Ledger {
  const ledger = new Ledger();
  ledger.add(accrue(program, alice, ledger.entries, { type: 'transaction', transaction: repairOrder('RO-1', '2024-01-10T10:00:00+08:00', 0, 100_000) }, { asOf }));
  ledger.add(accrue(program, alice, ledger.entries, { type: 'transaction', transaction: repairOrder('RO-2', '2024-03-05T10:00:00+08:00', 0, 80_000) }, { asOf }));
  ledger.add(redeem(program, alice, ledger.entries, { key: 'R-1', at: '2024-04-01T10:00:00+08:00', points: 1200 }, { asOf }));
  return ledger;
}

const refund = { targetKey: 'transaction:RO-1', at: '2024-04-15T10:00:00+08:00', reason: 'RO-1 refunded', actor: 'cashier-3' };

describe('reverse: a refund after a partial spend', () => {
  it('claws the spent part back from other lots and records the rest as a debt (claw_back)', () => {
    const program = testProgram();
    const ledger = spentLedger(program);
    // RO-1's lot has nothing left; its 1,000 points were spent. L2 has 600 left: clawed back; 400 owed.
    const result = ledger.add(reverse(program, alice, ledger.entries, refund, { asOf }));
    expect(result).toMatchObject({ shortfallPolicy: 'claw_back', reversedPoints: 0, shortfallPoints: 1000, clawedBackPoints: 600, debtPoints: 400, forgivenPoints: 0 });
    expect(result.entries[0]).toMatchObject({ kind: 'reverse', role: 'fact', points: -600, debtPoints: 400, movements: [{ lotId: 'transaction:RO-2', points: -600 }], reversal: { targetKey: 'transaction:RO-1', targetKind: 'earn' }, actor: 'cashier-3' });
    expect(balance(program, ledger.entries, { asOf: june })).toMatchObject({ available: 0, debt: 400, lifetimeEarned: 1800, lifetimeRedeemed: 1200, lifetimeReversed: 600 });
    // The next 500 points settle the 400 owed first: 100 remain.
    const next = ledger.add(accrue(program, alice, ledger.entries, { type: 'transaction', transaction: repairOrder('RO-3', '2024-05-01T10:00:00+08:00', 0, 50_000) }, { asOf }));
    expect(next.settledDebtPoints).toBe(400);
    expect(next.entries[1]).toMatchObject({ kind: 'reverse', role: 'effect', eventKey: 'reverse:transaction:RO-1', idempotencyKey: 'transaction:RO-3', debtPoints: -400, movements: [{ lotId: 'transaction:RO-3', points: -400 }] });
    expect(balance(program, ledger.entries, { asOf: june })).toMatchObject({ available: 100, debt: 0, lifetimeReversed: 1000 });
  });

  it('records the whole spent part as a debt under the debt policy, leaving other lots alone', () => {
    const program = testProgram({ reversal: { shortfall: 'debt' } });
    const ledger = spentLedger(program);
    const result = ledger.add(reverse(program, alice, ledger.entries, refund, { asOf }));
    expect(result).toMatchObject({ shortfallPolicy: 'debt', clawedBackPoints: 0, debtPoints: 1000 });
    expect(balance(program, ledger.entries, { asOf: june })).toMatchObject({ available: 600, debt: 1000 });
  });

  it('writes the spent part off under the forgive policy, and says so', () => {
    const program = testProgram({ reversal: { shortfall: 'forgive' } });
    const ledger = spentLedger(program);
    const result = ledger.add(reverse(program, alice, ledger.entries, refund, { asOf }));
    expect(result).toMatchObject({ shortfallPolicy: 'forgive', forgivenPoints: 1000, debtPoints: 0 });
    expect(balance(program, ledger.entries, { asOf: june })).toMatchObject({ available: 600, debt: 0, forgiven: 1000 });
  });

  it('takes back only what is left when part of the lot was spent', () => {
    const program = testProgram();
    const ledger = new Ledger();
    ledger.add(accrue(program, alice, ledger.entries, { type: 'transaction', transaction: repairOrder('RO-1', '2024-01-10T10:00:00+08:00', 0, 100_000) }, { asOf }));
    ledger.add(accrue(program, alice, ledger.entries, { type: 'transaction', transaction: repairOrder('RO-2', '2024-03-05T10:00:00+08:00', 0, 80_000) }, { asOf }));
    ledger.add(redeem(program, alice, ledger.entries, { key: 'R-1', at: '2024-04-01T10:00:00+08:00', points: 300 }, { asOf }));
    // L1 has 700 left: taken back; the 300 spent are clawed from L2 (800 → 500).
    const result = ledger.add(reverse(program, alice, ledger.entries, refund, { asOf }));
    expect(result).toMatchObject({ reversedPoints: 700, shortfallPoints: 300, clawedBackPoints: 300, debtPoints: 0 });
    expect(balance(program, ledger.entries, { asOf: june }).available).toBe(500);
  });

  it('takes the refunded order out of the tier window but keeps the tier until the review', () => {
    const program = testProgram();
    const ledger = new Ledger();
    // ¥6,000 of parts on 10 Jan 2024: 6,000 qualifying points → gold at once.
    ledger.add(accrue(program, alice, ledger.entries, { type: 'transaction', transaction: repairOrder('RO-1', '2024-01-10T10:00:00+08:00', 0, 600_000) }, { asOf }));
    ledger.add(reverse(program, alice, ledger.entries, { ...refund, at: '2024-02-01T10:00:00+08:00' }, { asOf }));
    const entry = ledger.entries[1]!;
    expect([entry.qualifyingPoints, entry.qualifyingSpendMinor]).toEqual([-6000, -600_000]);
  });
});

describe('reverse: a cancelled redemption', () => {
  it('returns the points to the lots they came from', () => {
    const program = testProgram();
    const ledger = spentLedger(program);
    const result = ledger.add(reverse(program, alice, ledger.entries, { targetKey: 'R-1', at: '2024-04-02T10:00:00+08:00', reason: 'voucher returned' }, { asOf }));
    expect(result).toMatchObject({ targetKind: 'redeem', restoredPoints: 1200 });
    expect(result.entries[0]!.movements).toEqual([
      { lotId: 'transaction:RO-1', points: 1000 },
      { lotId: 'transaction:RO-2', points: 200 },
    ]);
    expect(balance(program, ledger.entries, { asOf: '2024-04-03T00:00:00+08:00' })).toMatchObject({ available: 1800, lifetimeReversed: -1200 });
  });

  it('expires returned points at once when their lot has lapsed meanwhile', () => {
    const program = testProgram();
    const ledger = spentLedger(program);
    // L1 lapsed on 1 Feb 2026; the redemption is cancelled on 15 Feb 2026: L1's 1,000 come back and expire.
    const result = ledger.add(reverse(program, alice, ledger.entries, { targetKey: 'R-1', at: '2026-02-15T10:00:00+08:00', reason: 'voucher returned' }, { asOf }));
    expect(result.entries[1]).toMatchObject({ kind: 'expire', role: 'effect', eventKey: 'transaction:RO-1', at: new Date('2026-02-15T02:00:00Z'), points: -1000 });
    expect(balance(program, ledger.entries, { asOf: '2026-02-16T00:00:00+08:00' })).toMatchObject({ available: 800, lifetimeExpired: 1000 });
    expect(expire(program, alice, ledger.entries, { asOf: '2026-02-16T00:00:00+08:00' }).entries).toEqual([]);
  });

  it('undoes the claw-back and the debt of a refund when the redemption that spent the refunded points is cancelled', () => {
    const program = testProgram();
    const ledger = spentLedger(program);
    ledger.add(reverse(program, alice, ledger.entries, refund, { asOf }));
    ledger.add(reverse(program, alice, ledger.entries, { targetKey: 'R-1', at: '2024-04-20T10:00:00+08:00', reason: 'voucher returned' }, { asOf }));
    // As if neither RO-1 nor the redemption had happened: L2's 800, no debt.
    expect(balance(program, ledger.entries, { asOf: june })).toMatchObject({ available: 800, debt: 0 });
  });
});

describe('reverse: errors', () => {
  const program = testProgram();

  it('refuses an unknown event, a second reversal and reversing a reversal', () => {
    const ledger = spentLedger(program);
    crmErrorOf(() => reverse(program, alice, ledger.entries, { ...refund, targetKey: 'transaction:RO-404' }, { asOf }), 'NOT_FOUND');
    ledger.add(reverse(program, alice, ledger.entries, refund, { asOf }));
    expect(reverse(program, alice, ledger.entries, refund, { asOf }).replayed).toBe(true);
    crmErrorOf(() => reverse(program, alice, ledger.entries, { ...refund, key: 'refund-2' }, { asOf }), 'INVALID_TRANSITION');
    crmErrorOf(() => reverse(program, alice, ledger.entries, { targetKey: 'reverse:transaction:RO-1', at: refund.at, reason: 'oops' }, { asOf }), 'INVALID_TRANSITION');
  });

  it('refuses a reversal dated before the event it reverses', () => {
    const ledger = spentLedger(program);
    expect(issuesOf(() => reverse(program, alice, ledger.entries, { ...refund, at: '2024-01-09T10:00:00+08:00' }, { asOf }))[0]!.path).toBe('reversal.at');
  });

  it('reverses a benefit use, which gives the quota back', () => {
    const ledger = new Ledger();
    ledger.add(useBenefit(program, alice, ledger.entries, { key: 'W-1', at: '2024-02-01T10:00:00+08:00', benefitId: 'wash' }, { asOf }));
    ledger.add(useBenefit(program, alice, ledger.entries, { key: 'W-2', at: '2024-02-02T10:00:00+08:00', benefitId: 'wash' }, { asOf }));
    crmErrorOf(() => useBenefit(program, alice, ledger.entries, { key: 'W-3', at: '2024-02-03T10:00:00+08:00', benefitId: 'wash' }, { asOf }), 'FORBIDDEN');
    ledger.add(reverse(program, alice, ledger.entries, { targetKey: 'W-2', at: '2024-02-02T11:00:00+08:00', reason: 'wash cancelled' }, { asOf }));
    expect(useBenefit(program, alice, ledger.entries, { key: 'W-3', at: '2024-02-03T10:00:00+08:00', benefitId: 'wash' }, { asOf }).remaining).toBe(0);
  });
});
