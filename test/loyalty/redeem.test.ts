import { describe, expect, it } from 'vitest';
import { accrue, balance, redeem } from 'dealer-crm/loyalty';
import { Ledger, alice, crmErrorOf, issuesOf, repairOrder, testProgram, testProgramConfig } from './fixtures.js';
import { threeLots } from './scenario.js';

const program = testProgram();
const asOf = '2026-06-01T00:00:00+08:00';

describe('redeem', () => {
  it('draws on lots oldest expiry first and records each lot it drew on', () => {
    const ledger = threeLots(program);
    // 1,300 points on 1 June 2024: L1 (expires Feb 2026) gives 1,000, L3 (Mar 2026) 300; L2 (Apr 2026) is untouched.
    const result = ledger.add(redeem(program, alice, ledger.entries, { key: 'PAY-1', at: '2024-06-01T10:00:00+08:00', points: 1300 }, { asOf }));
    expect(result.draws).toEqual([
      { lotId: 'transaction:RO-1', points: 1000 },
      { lotId: 'transaction:RO-3', points: 300 },
    ]);
    expect(result.entries[0]).toMatchObject({ kind: 'redeem', role: 'fact', points: -1300, redemption: { rewardId: null, quantity: 1, unitPoints: 1300, points: 1300 } });
    // 2,300 earned − 1,300 spent = 1,000: L3 keeps 200, L2 800.
    expect(balance(program, ledger.entries, { asOf: '2024-06-02T00:00:00+08:00' })).toMatchObject({ available: 1000, lifetimeEarned: 2300, lifetimeRedeemed: 1300 });
  });

  it('prices a reward of the catalogue by quantity', () => {
    const ledger = threeLots(program);
    const result = redeem(program, alice, ledger.entries, { key: 'R-1', at: '2024-06-01T10:00:00+08:00', rewardId: 'voucher', quantity: 2 }, { asOf });
    expect([result.points, result.rewardId]).toEqual([2000, 'voucher']);
    expect(result.entries[0]!.reason).toBe('redeemed 2 × Service voucher');
  });

  it('refuses more than the available balance with INSUFFICIENT_POINTS and writes nothing', () => {
    const ledger = threeLots(program);
    const error = crmErrorOf(() => redeem(program, alice, ledger.entries, { key: 'R-1', at: '2024-06-01T10:00:00+08:00', points: 2301 }, { asOf }), 'INSUFFICIENT_POINTS');
    expect(error.details).toMatchObject({ requested: 2301, available: 2300 });
    expect(ledger.entries).toHaveLength(3);
    // The balance at the redemption's time counts: on 1 March 2024 only L1 and L3 (1,500) exist.
    crmErrorOf(() => redeem(program, alice, ledger.entries, { key: 'R-2', at: '2024-03-01T10:00:00+08:00', points: 1600 }, { asOf }), 'INSUFFICIENT_POINTS');
  });

  it('accepts a late redemption funded at its own time, turning the later one’s shortfall into a debt', () => {
    const ledger = threeLots(program);
    ledger.add(redeem(program, alice, ledger.entries, { key: 'R-later', at: '2024-06-01T10:00:00+08:00', points: 2000 }, { asOf }));
    // An offline till sends a redemption of 500 made on 1 April 2024, when 2,300 points were there. Replayed in
    // time order it draws first, so the 2,000 of 1 June find only 1,800: 200 short, owed under claw_back.
    const late = ledger.add(redeem(program, alice, ledger.entries, { key: 'R-offline', at: '2024-04-01T10:00:00+08:00', points: 500 }, { asOf }));
    expect([late.points, late.shortfallCausedPoints, late.restatements > 0]).toEqual([500, 200, true]);
    expect(balance(program, ledger.entries, { asOf: '2024-07-01T00:00:00+08:00' })).toMatchObject({ available: 0, debt: 200, lifetimeRedeemed: 2300 });
    // A late redemption the points did not cover at its own time is refused.
    crmErrorOf(() => redeem(program, alice, ledger.entries, { key: 'R-early', at: '2024-01-11T10:00:00+08:00', points: 1001 }, { asOf }), 'INSUFFICIENT_POINTS');
  });

  it('cannot spend pending points', () => {
    const pending = testProgram({ earning: { ...testProgramConfig.earning, pendingDays: 7 } });
    const ledger = new Ledger();
    ledger.add(accrue(pending, alice, ledger.entries, { type: 'transaction', transaction: repairOrder('RO-1', '2024-03-01T10:00:00+08:00', 0, 100_000) }, { asOf }));
    crmErrorOf(() => redeem(pending, alice, ledger.entries, { key: 'R-1', at: '2024-03-05T10:00:00+08:00', points: 100 }, { asOf }), 'INSUFFICIENT_POINTS');
    expect(redeem(pending, alice, ledger.entries, { key: 'R-1', at: '2024-03-08T00:00:00+08:00', points: 100 }, { asOf }).points).toBe(100);
  });

  it('refuses an unknown reward with a ValidationError naming the catalogue', () => {
    const issues = issuesOf(() => redeem(program, alice, [], { key: 'R-1', at: '2024-06-01T10:00:00+08:00', rewardId: 'jet-ski' }, { asOf }));
    expect(issues).toEqual([{ path: 'redemption.rewardId', message: 'expected a reward of the catalogue (voucher, mats), got "jet-ski"' }]);
    expect(issuesOf(() => redeem(program, alice, [], { key: 'R-1', at: '2024-06-01T10:00:00+08:00' }, { asOf }))[0]!.path).toBe('redemption.rewardId');
  });

  it('replays the same redemption and refuses the key for another one', () => {
    const ledger = threeLots(program);
    const request = { key: 'R-1', at: '2024-06-01T10:00:00+08:00', rewardId: 'voucher' };
    ledger.add(redeem(program, alice, ledger.entries, request, { asOf }));
    const again = redeem(program, alice, ledger.entries, request, { asOf });
    expect([again.replayed, again.entries.length, again.draws]).toEqual([true, 0, [{ lotId: 'transaction:RO-1', points: 1000 }]]);
    crmErrorOf(() => redeem(program, alice, ledger.entries, { ...request, quantity: 2 }, { asOf }), 'IDEMPOTENCY_CONFLICT');
  });
});
