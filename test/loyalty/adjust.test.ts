import { describe, expect, it } from 'vitest';
import { adjust, balance, tierStatus } from 'dealer-crm/loyalty';
import { alice, crmErrorOf, issuesOf, testProgram } from './fixtures.js';
import { threeLots } from './scenario.js';

const program = testProgram();
const asOf = '2026-06-01T00:00:00+08:00';
const at = '2024-06-01T10:00:00+08:00';

describe('adjust', () => {
  it('credits a lot with the program’s expiry, or the one given, and records reason and actor', () => {
    const result = adjust(program, alice, [], { key: 'ADJ-1', at, points: 500, reason: 'goodwill: late delivery', actor: 'manager-2' }, { asOf });
    expect(result.entries[0]).toMatchObject({ kind: 'adjust', role: 'fact', points: 500, reason: 'goodwill: late delivery', actor: 'manager-2', adjustment: { points: 500 } });
    // 1 June 2024 + 24 months, end of month: gone 1 July 2026 00:00 Shanghai.
    expect(result.expiresAt).toEqual(new Date('2026-06-30T16:00:00Z'));
    const forever = adjust(program, alice, [], { key: 'ADJ-2', at, points: 500, reason: 'lifetime gift', actor: 'manager-2', expiresAt: null }, { asOf });
    expect(forever.entries[0]!.lot).toEqual({ availableAt: new Date('2024-06-01T02:00:00Z'), expiresAt: null });
    expect(balance(program, forever.entries, { asOf: '2040-01-01T00:00:00+08:00' }).available).toBe(500);
  });

  it('draws a negative adjustment from lots like a redemption, and refuses more than is available', () => {
    const ledger = threeLots(program);
    const result = ledger.add(adjust(program, alice, ledger.entries, { key: 'ADJ-1', at, points: -1100, reason: 'duplicate import removed', actor: 'staff-9' }, { asOf }));
    expect(result.entries[0]!.movements).toEqual([
      { lotId: 'transaction:RO-1', points: -1000 },
      { lotId: 'transaction:RO-3', points: -100 },
    ]);
    expect(balance(program, ledger.entries, { asOf: '2024-07-01T00:00:00+08:00' })).toMatchObject({ available: 1200, lifetimeAdjusted: -1100 });
    crmErrorOf(() => adjust(program, alice, ledger.entries, { key: 'ADJ-2', at, points: -1201, reason: 'x', actor: 'staff-9' }, { asOf }), 'INSUFFICIENT_POINTS');
  });

  it('moves tier progress without points (goodwill status), which counts in the window', () => {
    const result = adjust(program, alice, [], { key: 'ADJ-1', at, points: 0, qualifyingPoints: 5000, reason: 'status match from another brand', actor: 'manager-2' }, { asOf });
    expect(tierStatus(program, alice, result.entries, { asOf: '2024-07-01T00:00:00+08:00' })).toMatchObject({ tierId: 'gold', qualifying: 5000 });
    expect(balance(program, result.entries, { asOf: '2024-07-01T00:00:00+08:00' }).available).toBe(0);
  });

  it('needs a reason, an actor and a change', () => {
    const issues = issuesOf(() => adjust(program, alice, [], { key: 'ADJ-1', at, points: 0, reason: ' ', actor: '' }, { asOf }));
    expect(issues.map((issue) => issue.path).sort()).toEqual(['adjustment.actor', 'adjustment.points', 'adjustment.reason']);
  });
});
