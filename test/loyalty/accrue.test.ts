import { describe, expect, it } from 'vitest';
import { accrue, accrueMany, balance, LedgerEntrySchema, reverse, type LoyaltyAccrualEventInput } from 'dealer-crm/loyalty';
import { parse } from 'dealer-crm/core';
import { Ledger, alice, crmErrorOf, issuesOf, repairOrder, testProgram, testProgramConfig } from './fixtures.js';

const program = testProgram();
const asOf = '2026-01-01T00:00:00+08:00';
const car = {
  type: 'vehicle_sale',
  id: 'VS-1',
  dealerId: 'D-1',
  customerId: 'C-1',
  vehicleId: 'V-1',
  at: '2024-03-01T10:00:00+08:00',
  currency: 'CNY',
  revenueMinor: 19_880_000,
  grossProfitMinor: 900_000,
  saleKind: 'new',
} as const;

function tx(transaction: LoyaltyAccrualEventInput & { type: 'transaction' }) {
  return transaction;
}

describe('accrue: earning on transactions', () => {
  it('earns 1 point per yuan of customer-paid labor and parts, floored once, and nothing on warranty lines', () => {
    // labor ¥350.00 + parts ¥825.50 = 1,175.5 points → floor 1,175; the ¥1,000 warranty line earns nothing.
    const order = repairOrder('RO-1', '2024-03-15T10:00:00+08:00', 35_000, 82_550);
    const withWarranty = { ...order, revenueMinor: 217_550, grossProfitMinor: 217_550, lines: [...order.lines, { category: 'parts' as const, quantity: 1, revenueMinor: 100_000, costMinor: 0, payType: 'warranty' as const }] };
    const result = accrue(program, alice, [], { type: 'transaction', transaction: withWarranty }, { asOf });
    expect(result.points).toBe(1175);
    expect(result.qualifyingPoints).toBe(1175);
    expect(result.qualifyingSpendMinor).toBe(117_550);
    const [entry] = result.entries;
    expect(entry).toMatchObject({ id: 'transaction:RO-1#0', kind: 'earn', role: 'fact', idempotencyKey: 'transaction:RO-1', eventKey: 'transaction:RO-1', points: 1175, movements: [{ lotId: 'transaction:RO-1', points: 1175 }] });
    // Earned 15 March 2024 (Shanghai), 24 months to the end of the month: usable until 31 March 2026,
    // gone at 1 April 2026 00:00 Shanghai = 31 March 2026 16:00 UTC.
    expect(entry!.lot).toEqual({ availableAt: new Date('2024-03-15T02:00:00Z'), expiresAt: new Date('2026-03-31T16:00:00Z') });
    expect(parse(LedgerEntrySchema, JSON.parse(JSON.stringify(entry)))).toEqual(entry);
  });

  it('rounds by the program rule: floor, half up or ceil, once on the exact total', () => {
    // ¥1,175.40 → 1,175.4 points: floor 1,175, half up 1,175, ceil 1,176; ¥1,175.50 → half up 1,176.
    const at = '2024-03-15T10:00:00+08:00';
    const points = (rounding: 'floor' | 'half_up' | 'ceil', partsMinor: number) =>
      accrue(testProgram({ earning: { ...testProgramConfig.earning, rounding } }), alice, [], tx({ type: 'transaction', transaction: repairOrder('RO-1', at, 0, partsMinor) }), { asOf }).points;
    expect([points('floor', 117_540), points('half_up', 117_540), points('ceil', 117_540)]).toEqual([1175, 1175, 1176]);
    expect(points('half_up', 117_550)).toBe(1176);
  });

  it('earns 0.1 point per yuan on a new car and nothing on an excluded sale kind', () => {
    // ¥198,800 × 0.1 = 19,880 points.
    expect(accrue(program, alice, [], { type: 'transaction', transaction: car }, { asOf }).points).toBe(19_880);
    const noDemo = testProgram({ earning: { ...testProgramConfig.earning, excludedSaleKinds: ['new'] } });
    const result = accrue(noDemo, alice, [], { type: 'transaction', transaction: car }, { asOf });
    expect([result.points, result.qualifyingSpendMinor, result.entries.length]).toEqual([0, 0, 1]);
  });

  it('earns with the tier multiplier of the tier held at the time: gold at once after the qualifying car purchase', () => {
    const ledger = new Ledger();
    ledger.add(accrue(program, alice, ledger.entries, { type: 'transaction', transaction: car }, { asOf }));
    // 19,880 qualifying points ≥ 5,000: gold from 1 March. A ¥100 + ¥100 order: base 200, gold ×1.5 → +100.
    const result = ledger.add(accrue(program, alice, ledger.entries, { type: 'transaction', transaction: repairOrder('RO-2', '2024-03-20T10:00:00+08:00', 10_000, 10_000) }, { asOf }));
    expect(result.points).toBe(300);
    expect(result.breakdown).toMatchObject({ basePoints: 200, tierId: 'gold', tierMultiplier: 1.5, tierBonusPoints: 100, campaignBonusPoints: 0 });
    // Qualifying points are the base points: the tier bonus does not feed the tier.
    expect(result.qualifyingPoints).toBe(200);
  });

  it('applies a campaign multiplier on the local days of the campaign, and the per-transaction cap last', () => {
    const campaigns = [{ id: 'april', name: 'April double points', from: '2024-04-01', to: '2024-04-30', multiplier: 2 }];
    const spring = testProgram({ bonuses: { campaigns } });
    // 30 April 23:30 in Shanghai is inside the campaign; 1 May 00:10 in Shanghai (still 30 April in UTC) is not.
    const inside = accrue(spring, alice, [], tx({ type: 'transaction', transaction: repairOrder('RO-1', '2024-04-30T23:30:00+08:00', 10_000, 10_000) }), { asOf });
    const outside = accrue(spring, alice, [], tx({ type: 'transaction', transaction: repairOrder('RO-1', '2024-05-01T00:10:00+08:00', 10_000, 10_000) }), { asOf });
    expect([inside.points, outside.points]).toEqual([400, 200]);
    expect(inside.breakdown).toMatchObject({ campaignId: 'april', campaignMultiplier: 2, campaignBonusPoints: 200 });
    const capped = testProgram({ bonuses: { campaigns }, earning: { ...testProgramConfig.earning, maxPointsPerTransaction: { repair_order: 250 } } });
    const result = accrue(capped, alice, [], tx({ type: 'transaction', transaction: repairOrder('RO-1', '2024-04-10T10:00:00+08:00', 10_000, 10_000) }), { asOf });
    expect(result.points).toBe(250);
    expect(result.breakdown).toMatchObject({ capPoints: 250, cappedPoints: 150 });
  });

  it('earns nothing on an excluded service kind but still records the event', () => {
    const noWarranty = testProgram({ earning: { ...testProgramConfig.earning, excludedServiceKinds: ['warranty'] } });
    const result = accrue(noWarranty, alice, [], { type: 'transaction', transaction: { ...repairOrder('RO-1', '2024-03-15T10:00:00+08:00', 10_000, 0), serviceKind: 'warranty' } }, { asOf });
    expect(result.points).toBe(0);
    expect(result.entries[0]!.movements).toEqual([]);
  });

  it('keeps points pending for the return period and makes them available at the start of the local day', () => {
    const pending = testProgram({ earning: { ...testProgramConfig.earning, pendingDays: 14 } });
    const result = accrue(pending, alice, [], tx({ type: 'transaction', transaction: repairOrder('RO-1', '2024-03-15T22:00:00+08:00', 10_000, 0) }), { asOf });
    // Earned 15 March 22:00 Shanghai; 14 local days later is 29 March, 00:00 Shanghai = 28 March 16:00 UTC.
    expect(result.entries[0]!.lot!.availableAt).toEqual(new Date('2024-03-28T16:00:00Z'));
    expect(balance(pending, result.entries, { asOf: '2024-03-28T23:59:00+08:00' })).toMatchObject({ available: 0, pending: 100 });
    expect(balance(pending, result.entries, { asOf: '2024-03-29T00:00:00+08:00' })).toMatchObject({ available: 100, pending: 0 });
  });
});

describe('accrue: idempotency', () => {
  const event = { type: 'transaction', transaction: repairOrder('RO-1', '2024-03-15T10:00:00+08:00', 10_000, 0) } as const;

  it('yields the entries once when the same event comes twice', () => {
    const ledger = new Ledger();
    const first = ledger.add(accrue(program, alice, ledger.entries, event, { asOf }));
    const second = ledger.add(accrue(program, alice, ledger.entries, event, { asOf: '2026-02-01T00:00:00+08:00' }));
    expect(second.replayed).toBe(true);
    expect(second.entries).toEqual([]);
    expect(second.recorded).toEqual(first.entries);
    expect(second.points).toBe(100);
    expect(ledger.entries).toHaveLength(1);
  });

  it('refuses the same key with a different payload, and the same transaction under another key', () => {
    const ledger = new Ledger();
    ledger.add(accrue(program, alice, ledger.entries, event, { asOf }));
    const changed = { type: 'transaction', transaction: repairOrder('RO-1', '2024-03-15T10:00:00+08:00', 20_000, 0) } as const;
    crmErrorOf(() => accrue(program, alice, ledger.entries, changed, { asOf }), 'IDEMPOTENCY_CONFLICT');
    const error = crmErrorOf(() => accrue(program, alice, ledger.entries, { ...event, key: 'dms-import-7' }, { asOf }), 'IDEMPOTENCY_CONFLICT');
    expect(error.message).toContain('transaction:RO-1 was already credited');
  });

  it('treats a resend with a changed description as the same event, since it earns the same', () => {
    const ledger = new Ledger();
    ledger.add(accrue(program, alice, ledger.entries, event, { asOf }));
    const order = event.transaction;
    const described = { ...order, lines: order.lines.map((line) => ({ ...line, description: 'oil change' })) };
    expect(accrue(program, alice, ledger.entries, { type: 'transaction', transaction: described }, { asOf }).replayed).toBe(true);
  });

  it('credits a corrected order under a new key once the original is reversed', () => {
    const ledger = new Ledger();
    ledger.add(accrue(program, alice, ledger.entries, event, { asOf }));
    ledger.add(reverse(program, alice, ledger.entries, { targetKey: 'transaction:RO-1', at: '2024-03-16T10:00:00+08:00', reason: 'line corrected' }, { asOf }));
    const corrected = { type: 'transaction', key: 'transaction:RO-1:v2', transaction: repairOrder('RO-1', '2024-03-15T10:00:00+08:00', 8_000, 0) } as const;
    expect(ledger.add(accrue(program, alice, ledger.entries, corrected, { asOf })).points).toBe(80);
    expect(balance(program, ledger.entries, { asOf }).available).toBe(80);
  });
});

describe('accrue: bonus events', () => {
  const purchase = { transactionId: 'VS-1', at: '2024-03-01T10:00:00+08:00' };

  it('grants the welcome bonus within 30 days of the purchase, once per member', () => {
    // Bought 1 March; day 30 is 31 March (granted); 1 April is day 31 (refused).
    const result = accrue(program, alice, [], { type: 'welcome', at: '2024-03-31T23:00:00+08:00', purchase }, { asOf });
    expect([result.points, result.idempotencyKey, result.qualifyingPoints]).toEqual([2000, 'welcome:M-1', 0]);
    expect(issuesOf(() => accrue(program, alice, [], { type: 'welcome', at: '2024-04-01T00:00:00+08:00', purchase }, { asOf }))[0]!.path).toBe('event.at');
    const again = { type: 'welcome', at: '2024-09-05T10:00:00+08:00', purchase: { transactionId: 'VS-2', at: '2024-09-01T10:00:00+08:00' } } as const;
    crmErrorOf(() => accrue(program, alice, result.entries, again, { asOf }), 'IDEMPOTENCY_CONFLICT');
  });

  it('grants the birthday bonus on the birthday or within 30 days after it, once a year', () => {
    const result = accrue(program, alice, [], { type: 'birthday', at: '2024-06-12T08:00:00+08:00' }, { asOf });
    expect([result.points, result.idempotencyKey]).toEqual([500, 'birthday:M-1:2024']);
    expect(accrue(program, alice, [], { type: 'birthday', at: '2024-07-11T23:59:00+08:00' }, { asOf }).points).toBe(500);
    for (const at of ['2024-06-11T23:59:00+08:00', '2024-07-12T00:00:00+08:00']) {
      expect(issuesOf(() => accrue(program, alice, [], { type: 'birthday', at }, { asOf }))[0]!.path).toBe('event.at');
    }
    const leapling = { ...alice, birthday: '2000-02-29' };
    expect(accrue(program, leapling, [], { type: 'birthday', at: '2025-02-28T09:00:00+08:00' }, { asOf }).idempotencyKey).toBe('birthday:M-1:2025');
    expect(issuesOf(() => accrue(program, { ...alice, birthday: undefined }, [], { type: 'birthday', at: '2024-06-12T08:00:00+08:00' }, { asOf }))[0]!.path).toBe('member.birthday');
  });

  it('grants the referral bonus once per referred customer, never for referring oneself', () => {
    const event = { type: 'referral', at: '2024-05-02T10:00:00+08:00', referredCustomerId: 'C-9', purchase: { transactionId: 'VS-9', at: '2024-05-01T10:00:00+08:00' } } as const;
    const result = accrue(program, alice, [], event, { asOf });
    expect([result.points, result.idempotencyKey]).toEqual([3000, 'referral:C-9']);
    expect(issuesOf(() => accrue(program, alice, [], { ...event, referredCustomerId: 'C-1' }, { asOf }))[0]!.path).toBe('event.referredCustomerId');
  });

  it('refuses a bonus the program does not offer', () => {
    const plain = testProgram({ bonuses: { campaigns: [] } });
    expect(issuesOf(() => accrue(plain, alice, [], { type: 'birthday', at: '2024-06-12T08:00:00+08:00' }, { asOf }))[0]!.path).toBe('event.type');
  });
});

describe('accrue: bad input writes nothing', () => {
  const at = '2024-03-15T10:00:00+08:00';

  it('refuses an unknown transaction type and negative amounts, naming the path', () => {
    const order = repairOrder('RO-1', at, 10_000, 0);
    expect(issuesOf(() => accrue(program, alice, [], { type: 'transaction', transaction: { ...order, type: 'trade_in' } as never }, { asOf }))[0]!.path).toBe('event.transaction.type');
    const negative = { ...order, revenueMinor: -10_000, grossProfitMinor: -10_000, lines: [{ ...order.lines[0]!, revenueMinor: -10_000 }] };
    expect(issuesOf(() => accrue(program, alice, [], { type: 'transaction', transaction: negative }, { asOf })).map((issue) => issue.path)).toContain('event.transaction.lines[0].revenueMinor');
  });

  it('refuses events dated before the member joined or after asOf, and another customer’s transaction', () => {
    const early = issuesOf(() => accrue(program, alice, [], { type: 'transaction', transaction: repairOrder('RO-1', '2023-12-31T23:00:00+08:00', 10_000, 0) }, { asOf }));
    expect(early[0]).toMatchObject({ path: 'event.transaction.at' });
    expect(early[0]!.message).toContain('before member M-1 joined');
    expect(issuesOf(() => accrue(program, alice, [], { type: 'transaction', transaction: repairOrder('RO-1', '2026-01-02T00:00:00+08:00', 10_000, 0) }, { asOf }))[0]!.message).toContain('after asOf');
    expect(issuesOf(() => accrue(program, alice, [], { type: 'transaction', transaction: repairOrder('RO-1', at, 10_000, 0, { customerId: 'C-2' }) }, { asOf }))[0]!.path).toBe('event.transaction.customerId');
  });

  it('refuses a transaction in another currency', () => {
    crmErrorOf(() => accrue(program, alice, [], { type: 'transaction', transaction: { ...repairOrder('RO-1', at, 10_000, 0), currency: 'USD' } }, { asOf }), 'CURRENCY_MISMATCH');
  });

  it('refuses a ledger of another account or malformed entries', () => {
    const { entries } = accrue(program, alice, [], { type: 'transaction', transaction: repairOrder('RO-1', at, 10_000, 0) }, { asOf });
    expect(issuesOf(() => accrue(program, { ...alice, id: 'M-2' }, entries, { type: 'transaction', transaction: repairOrder('RO-2', at, 10_000, 0) }, { asOf }))[0]!.path).toBe('entries[0].accountId');
    const stringly = JSON.parse(JSON.stringify(entries));
    expect(issuesOf(() => balance(program, stringly, { asOf }))[0]!.path).toBe('entries[0].at');
  });
});

describe('accrueMany', () => {
  const events = [
    { type: 'transaction', transaction: repairOrder('RO-2', '2024-05-15T10:00:00+08:00', 20_000, 0) },
    { type: 'transaction', transaction: repairOrder('RO-1', '2024-03-15T10:00:00+08:00', 10_000, 0) },
    { type: 'birthday', at: '2024-06-12T08:00:00+08:00' },
  ] as const;

  it('writes the same ledger as one accrue after another, with results in input order', () => {
    const batch = accrueMany(program, alice, [], [...events], { asOf });
    expect(batch.results.map((result) => [result.idempotencyKey, result.points])).toEqual([
      ['transaction:RO-2', 200],
      ['transaction:RO-1', 100],
      ['birthday:M-1:2024', 500],
    ]);
    const ledger = new Ledger();
    for (const event of [events[1], events[0], events[2]]) ledger.add(accrue(program, alice, ledger.entries, event, { asOf }));
    expect(batch.entries).toEqual(ledger.entries);
  });

  it('writes nothing when one event is bad, naming it', () => {
    const bad = [...events, { type: 'transaction', transaction: { ...repairOrder('RO-3', '2024-03-15T10:00:00+08:00', 10_000, 0), at: '2024-03-15 10:00' } }] as LoyaltyAccrualEventInput[];
    expect(issuesOf(() => accrueMany(program, alice, [], bad, { asOf }))[0]!.path).toBe('events[3].transaction.at');
  });

  it('accepts ISO strings and omitted pay types exactly as accrue does', () => {
    const order = repairOrder('RO-1', '2024-03-15T10:00:00+08:00', 10_000, 0) as { lines: Record<string, unknown>[] };
    const loose = { ...order, lines: order.lines.map(({ payType: _payType, ...line }) => line) } as never;
    const single = accrue(program, alice, [], { type: 'transaction', transaction: loose }, { asOf });
    expect(accrueMany(program, alice, [], [{ type: 'transaction', transaction: loose }], { asOf }).entries).toEqual(single.entries);
  });
});
