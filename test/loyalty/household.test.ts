import { describe, expect, it } from 'vitest';
import { accrue, balance, loyaltyAccountId, redeem, tierStatus } from 'dealer-crm/loyalty';
import { Ledger, issuesOf, repairOrder, testProgram } from './fixtures.js';

const asOf = '2026-01-01T00:00:00+08:00';
const dad = { id: 'M-1', programId: 'club', customerId: 'C-1', joinedAt: '2024-01-01T00:00:00+08:00', householdId: 'H-1' };
const mum = { id: 'M-2', programId: 'club', customerId: 'C-2', joinedAt: '2024-01-01T00:00:00+08:00', householdId: 'H-1' };

describe('household pooling', () => {
  const pooled = testProgram({ pooling: { points: 'household' } });

  it('keeps one ledger per household that any member earns into and spends from', () => {
    expect([loyaltyAccountId(pooled, dad), loyaltyAccountId(pooled, mum), loyaltyAccountId(pooled, { id: 'M-3' })]).toEqual(['household:H-1', 'household:H-1', 'member:M-3']);
    expect(loyaltyAccountId(testProgram(), dad)).toBe('member:M-1');
    const ledger = new Ledger();
    ledger.add(accrue(pooled, dad, ledger.entries, { type: 'transaction', transaction: repairOrder('RO-1', '2024-02-01T10:00:00+08:00', 0, 100_000) }, { asOf }));
    ledger.add(accrue(pooled, mum, ledger.entries, { type: 'transaction', transaction: repairOrder('RO-2', '2024-03-01T10:00:00+08:00', 0, 80_000, { customerId: 'C-2' }) }, { asOf }));
    // Mum spends 1,500 of the pooled 1,800: dad's lot expires first (Feb 2026), so it goes first.
    const spent = ledger.add(redeem(pooled, mum, ledger.entries, { key: 'R-1', at: '2024-04-01T10:00:00+08:00', points: 1500 }, { asOf }));
    expect(spent.draws).toEqual([
      { lotId: 'transaction:RO-1', points: 1000 },
      { lotId: 'transaction:RO-2', points: 500 },
    ]);
    expect(spent.entries[0]!.memberId).toBe('M-2');
    expect(balance(pooled, ledger.entries, { asOf: '2024-05-01T00:00:00+08:00' })).toMatchObject({ accountId: 'household:H-1', available: 300 });
    // Tiers stay per member unless pooled too.
    expect(tierStatus(pooled, dad, ledger.entries, { asOf: '2024-05-01T00:00:00+08:00' }).qualifying).toBe(1000);
    expect(tierStatus(pooled, mum, ledger.entries, { asOf: '2024-05-01T00:00:00+08:00' }).qualifying).toBe(800);
  });

  it('sums the household’s qualifying points for one tier when tiers are pooled', () => {
    const family = testProgram({ pooling: { points: 'household', tiers: 'household' } });
    const ledger = new Ledger();
    ledger.add(accrue(family, dad, ledger.entries, { type: 'transaction', transaction: repairOrder('RO-1', '2024-02-01T10:00:00+08:00', 0, 300_000) }, { asOf }));
    ledger.add(accrue(family, mum, ledger.entries, { type: 'transaction', transaction: repairOrder('RO-2', '2024-03-01T10:00:00+08:00', 0, 200_000, { customerId: 'C-2' }) }, { asOf }));
    // 3,000 + 2,000 = 5,000: the household is gold, and both earn at gold afterwards.
    expect(tierStatus(family, dad, ledger.entries, { asOf: '2024-04-01T00:00:00+08:00' })).toMatchObject({ tierId: 'gold', qualifying: 5000 });
    const next = accrue(family, dad, ledger.entries, { type: 'transaction', transaction: repairOrder('RO-3', '2024-03-02T10:00:00+08:00', 0, 10_000) }, { asOf });
    expect(next.points).toBe(150);
  });

  it('refuses another household’s ledger', () => {
    const ledger = accrue(pooled, dad, [], { type: 'transaction', transaction: repairOrder('RO-1', '2024-02-01T10:00:00+08:00', 0, 100_000) }, { asOf }).entries;
    const neighbour = { ...mum, householdId: 'H-2' };
    expect(issuesOf(() => redeem(pooled, neighbour, ledger, { key: 'R-1', at: '2024-04-01T10:00:00+08:00', points: 10 }, { asOf }))[0]!.path).toBe('entries[0].accountId');
  });
});
