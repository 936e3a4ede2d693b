/**
 * `balance` sums a ledger of earns alone directly instead of replaying it
 * (internal/earn-only-balance.ts). The replay (`accountBalance`) is the
 * oracle: on every earn-only ledger both must give the same balance, and the
 * direct sum must decline every other ledger.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accrue, accrueMany, balance, redeem, type LedgerEntry, type LoyaltyAccrualEventInput, type LoyaltyProgram } from 'dealer-crm/loyalty';
import { accountBalance, earnOnlyAccountBalance } from '../../src/loyalty/balance.js';
import { earnOnlyBalance } from '../../src/loyalty/internal/earn-only-balance.js';
import { checkProgram } from '../../src/loyalty/internal/operation.js';
import { alice, repairOrder, testProgram } from './fixtures.js';

const START = Date.parse('2024-01-01T00:00:00+08:00');
const DAY = 86_400_000;
const MINUTE = 60_000;

const programs: readonly LoyaltyProgram[] = [
  testProgram(),
  testProgram({ earning: { rates: { vehicle_sale: 0.1, repair_order: { labor: 1, parts: 1 }, parts_sale: { parts: 1 } }, rounding: 'floor', pendingDays: 14 } }),
  testProgram({ expiry: { kind: 'never' } }),
  testProgram({ expiry: { kind: 'after_months', months: 3, at: 'end_of_day' } }),
];

const orderArb = fc.record({ minute: fc.integer({ min: 0, max: 3 * 365 * 24 * 60 }), labor: fc.integer({ min: 0, max: 500_000 }), parts: fc.integer({ min: 0, max: 500_000 }), warranty: fc.boolean() });

function events(orders: readonly { minute: number; labor: number; parts: number; warranty: boolean }[]): LoyaltyAccrualEventInput[] {
  return orders.map((order, index) => ({
    type: 'transaction',
    transaction: repairOrder(`RO-${index}`, new Date(START + order.minute * MINUTE).toISOString(), order.labor, order.parts, order.warranty ? { payType: 'warranty' } : {}),
  }));
}

describe('earn-only balance', () => {
  it('equals the replay on every ledger of earns, for any asOf and horizon', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...programs.keys()),
        fc.array(orderArb, { maxLength: 25 }),
        fc.integer({ min: -30, max: 5 * 365 }),
        fc.integer({ min: -1, max: 400 }),
        fc.boolean(),
        (programIndex, orders, asOfDay, withinDays, bonus) => {
          const program = programs[programIndex]!;
          const ctx = checkProgram(program);
          const writeAsOf = new Date(START + 3 * 365 * DAY + DAY);
          const list = events(orders);
          if (bonus) list.push({ type: 'welcome', at: new Date(START + DAY), purchase: { transactionId: 'VS-1', at: new Date(START) } });
          const { entries } = accrueMany(program, alice, [], list, { asOf: writeAsOf });
          // asOf may fall before some entries: those are left out, as the replay leaves them out.
          const asOf = new Date(START + asOfDay * DAY + 7 * MINUTE);
          const direct = earnOnlyAccountBalance(ctx, entries, asOf, withinDays);
          expect(direct).not.toBeNull();
          expect(direct).toEqual(accountBalance(ctx, entries, asOf, withinDays).balance);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('equals the replay on ledgers written one late event at a time, or declines them', () => {
    fc.assert(
      fc.property(fc.constantFrom(...programs.keys()), fc.array(orderArb, { maxLength: 12 }), fc.integer({ min: 0, max: 4 * 365 }), (programIndex, orders, asOfDay) => {
        const program = programs[programIndex]!;
        const ctx = checkProgram(program);
        const writeAsOf = new Date(START + 3 * 365 * DAY + DAY);
        let entries: LedgerEntry[] = [];
        for (const event of events(orders)) entries = [...entries, ...accrue(program, alice, entries, event, { asOf: writeAsOf }).entries];
        const asOf = new Date(START + asOfDay * DAY);
        const replayed = accountBalance(ctx, entries, asOf, 30).balance;
        const direct = earnOnlyAccountBalance(ctx, entries, asOf, 30);
        // Late events restate earlier ones (effect entries): those ledgers go to the replay.
        if (entries.some((entry) => entry.role !== 'fact')) expect(direct).toBeNull();
        else expect(direct).toEqual(replayed);
        expect(balance(program, entries, { asOf })).toEqual(replayed);
      }),
      { numRuns: 150 },
    );
  });

  it('declines ledgers with anything but earn facts', () => {
    const program = programs[0]!;
    const asOf = new Date('2024-06-01T00:00:00+08:00');
    const earned = accrue(program, alice, [], { type: 'transaction', transaction: repairOrder('RO-1', '2024-02-01T10:00:00+08:00', 300_000, 200_000) }, { asOf }).entries;
    const spent = redeem(program, alice, earned, { key: 'R-1', at: '2024-03-01T10:00:00+08:00', points: 1000 }, { asOf }).entries;
    const ledger = [...earned, ...spent];
    expect(earnOnlyBalance(ledger, asOf.getTime(), asOf.getTime())).toBeNull();
    expect(balance(program, ledger, { asOf })).toMatchObject({ available: 4000, lifetimeEarned: 5000, lifetimeRedeemed: 1000 });
  });

  it('sums by hand: available, pending, expired and expiring lots', () => {
    const lot = (key: string, points: number, at: string, availableAt: string, expiresAt: string | null): LedgerEntry =>
      ({
        id: `${key}#0`, programId: 'club', accountId: 'member:M-1', memberId: 'M-1', kind: 'earn', role: 'fact', idempotencyKey: key, payloadHash: 'a'.repeat(64), eventKey: key,
        at: new Date(at), recordedAt: new Date(at), reason: key, points, movements: [{ lotId: key, points }], debtPoints: 0, forgivenPoints: 0, qualifyingPoints: 0, qualifyingSpendMinor: 0,
        lot: { availableAt: new Date(availableAt), expiresAt: expiresAt === null ? null : new Date(expiresAt) },
        earning: { basePoints: points, tierId: 'silver', tierMultiplier: 1, tierBonusPoints: 0, campaignId: null, campaignMultiplier: 1, campaignBonusPoints: 0, capPoints: null, cappedPoints: 0 },
        source: { type: 'welcome', purchaseTransactionId: 'VS-1', purchaseAt: new Date(at) },
      }) as LedgerEntry;
    const asOfMs = Date.parse('2024-06-01T00:00:00Z');
    const figures = earnOnlyBalance(
      [
        lot('a', 100, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z', '2024-06-01T00:00:00Z'), // lapses exactly at asOf
        lot('b', 200, '2024-02-01T00:00:00Z', '2024-02-01T00:00:00Z', '2024-06-10T00:00:00Z'), // expiring within the horizon
        lot('c', 300, '2024-05-30T00:00:00Z', '2024-06-05T00:00:00Z', null), // pending, never expires
        lot('d', 400, '2024-03-01T00:00:00Z', '2024-03-01T00:00:00Z', '2025-01-01T00:00:00Z'), // available, beyond the horizon
        lot('e', 500, '2024-06-02T00:00:00Z', '2024-06-02T00:00:00Z', null), // dated after asOf: left out
        lot('f', 0, '2024-04-01T00:00:00Z', '2024-04-01T00:00:00Z', '2024-06-10T00:00:00Z'), // an empty lot counts nowhere
      ],
      asOfMs,
      Date.parse('2024-07-01T00:00:00Z'),
    );
    expect(figures).toEqual({ available: 600, pending: 300, expiringPoints: 200, expiring: [[Date.parse('2024-06-10T00:00:00Z'), 200]], lifetimeEarned: 1000, lifetimeExpired: 100 });
  });
});
