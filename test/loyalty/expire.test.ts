import { describe, expect, it } from 'vitest';
import { accrue, balance, defineLoyaltyProgram, expire, redeem, type LoyaltyProgramInput } from 'dealer-crm/loyalty';
import { alice, repairOrder, testProgram, testProgramConfig } from './fixtures.js';
import { threeLots } from './scenario.js';

const program = testProgram();

describe('expire', () => {
  it('expires exactly the unspent remainder of lapsed lots, oldest first, at the end of the month 24 months on', () => {
    const ledger = threeLots(program);
    ledger.add(redeem(program, alice, ledger.entries, { key: 'PAY-1', at: '2024-06-01T10:00:00+08:00', points: 1300 }, { asOf: '2024-06-01T10:00:00+08:00' }));
    // L1 (1,000, fully spent) lapses 1 Feb 2026: nothing left to expire. L3 (500, 300 spent) lapses 1 Mar 2026: 200 expire.
    const result = ledger.add(expire(program, alice, ledger.entries, { asOf: '2026-03-01T00:00:00+08:00' }));
    expect(result.lots).toEqual([{ lotId: 'transaction:RO-3', points: 200, at: new Date('2026-02-28T16:00:00Z') }]);
    expect(result.entries).toHaveLength(1);
    expect(result.entries[0]).toMatchObject({ kind: 'expire', role: 'effect', eventKey: 'transaction:RO-3', points: -200, idempotencyKey: 'expire:2026-02-28T16:00:00.000Z' });
    expect(balance(program, ledger.entries, { asOf: '2026-03-01T00:00:00+08:00' })).toMatchObject({ available: 800, lifetimeExpired: 200 });
    // L2 (800) lapses 1 Apr 2026; then nothing is left: 2,300 earned − 1,300 redeemed − 1,000 expired = 0.
    const later = ledger.add(expire(program, alice, ledger.entries, { asOf: '2026-04-01T00:00:00+08:00' }));
    expect(later.expiredPoints).toBe(800);
    expect(balance(program, ledger.entries, { asOf: '2026-04-01T00:00:00+08:00' })).toMatchObject({ available: 0, lifetimeEarned: 2300, lifetimeRedeemed: 1300, lifetimeExpired: 1000 });
  });

  it('runs again without effect', () => {
    const ledger = threeLots(program);
    ledger.add(expire(program, alice, ledger.entries, { asOf: '2026-03-01T00:00:00+08:00' }));
    const again = expire(program, alice, ledger.entries, { asOf: '2026-03-01T00:00:00+08:00' });
    expect([again.replayed, again.entries.length]).toEqual([true, 0]);
    expect(expire(program, alice, ledger.entries, { asOf: '2026-03-15T00:00:00+08:00' }).entries).toEqual([]);
  });

  it('leaves lapsed points out of the balance before any expiry run, and lists what expires soon by date', () => {
    const ledger = threeLots(program);
    // 15 Feb 2026, next 30 days (to 17 Mar): L3's 500 (last day 28 Feb); L1 already gone; L2 (31 Mar) later.
    const result = balance(program, ledger.entries, { asOf: '2026-02-15T12:00:00+08:00' });
    expect(result).toMatchObject({ available: 1300, expiringPoints: 500, lifetimeExpired: 1000 });
    expect(result.expiring).toEqual([{ expiresAt: new Date('2026-02-28T16:00:00Z'), lastDay: '2026-02-28', points: 500 }]);
  });

  it('ends the month in the program’s time zone, not in UTC', () => {
    const shanghai = threeLots(program);
    // 28 Feb 2026 23:59 in Shanghai is still February: L3 is usable; at 00:00 on 1 March it is gone.
    expect(balance(program, shanghai.entries, { asOf: '2026-02-28T23:59:00+08:00' }).available).toBe(1300);
    expect(balance(program, shanghai.entries, { asOf: '2026-03-01T00:00:00+08:00' }).available).toBe(800);
    const utc = defineLoyaltyProgram({ ...testProgramConfig, timeZone: 'UTC' });
    const ledger = threeLots(utc);
    // In UTC the same instant (28 Feb 16:00 UTC) is still February.
    expect(balance(utc, ledger.entries, { asOf: '2026-03-01T00:00:00+08:00' }).available).toBe(1300);
    expect(balance(utc, ledger.entries, { asOf: '2026-03-01T00:00:00Z' }).available).toBe(800);
  });

  it('supports expiry at the end of the day or of the year, and never', () => {
    const at = '2024-02-29T10:00:00+08:00';
    const lotOf = (expiry: LoyaltyProgramInput['expiry']) =>
      accrue(testProgram({ expiry }), alice, [], { type: 'transaction', transaction: repairOrder('RO-1', at, 0, 10_000) }, { asOf: at }).entries[0]!.lot!.expiresAt;
    // 29 Feb 2024 + 12 months = 28 Feb 2025 (clamped): gone at 1 Mar 2025 00:00 Shanghai.
    expect(lotOf({ kind: 'after_months', months: 12, at: 'end_of_day' })).toEqual(new Date('2025-02-28T16:00:00Z'));
    // 29 Feb 2024 + 12 months falls in 2025: gone at 1 Jan 2026 00:00 Shanghai.
    expect(lotOf({ kind: 'after_months', months: 12, at: 'end_of_year' })).toEqual(new Date('2025-12-31T16:00:00Z'));
    expect(lotOf({ kind: 'never' })).toBeNull();
  });
});
