import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse } from 'dealer-crm/core';
import { TransactionSchema, scoreRfm, type RepairOrder, type RfmColumns, type RfmRow, type RfmTransaction } from 'dealer-crm/customer';
import { crmErrorOf, issuesOf } from '../support/errors.js';
import { repairOrderInput } from '../support/transactions.js';

/** The type of the values an arbitrary generates. */
type ValueOf<A> = A extends fc.Arbitrary<infer T> ? T : never;

const asOf = new Date('2024-07-01T00:00:00Z');
const daysBefore = (days: number) => new Date(asOf.getTime() - days * 86_400_000);
const tx = (customerId: string, days: number, revenueMinor: number, grossProfitMinor = Math.floor(revenueMinor / 10)): RfmTransaction => ({
  customerId,
  at: daysBefore(days),
  revenueMinor,
  grossProfitMinor,
});

const byId = (rows: readonly RfmRow[]) => Object.fromEntries(rows.map((row) => [row.customerId, row]));

describe('scoreRfm', () => {
  it('scores five distinct customers 1 to 5 on each measure', () => {
    // recency days / frequency / revenue:
    //   C1 1 / 1 / 5000   C2 10 / 2 / 4000   C3 30 / 3 / 3000   C4 90 / 4 / 2000   C5 180 / 5 / 1000
    // With n = 5 and distinct values, a customer with w customers strictly worse scores 1 + floor(5w/5) = w + 1.
    const transactions = [
      tx('C1', 1, 5000),
      tx('C2', 10, 2000), tx('C2', 40, 2000),
      tx('C3', 30, 1000), tx('C3', 50, 1000), tx('C3', 70, 1000),
      tx('C4', 90, 500), tx('C4', 100, 500), tx('C4', 110, 500), tx('C4', 120, 500),
      tx('C5', 180, 200), tx('C5', 190, 200), tx('C5', 200, 200), tx('C5', 210, 200), tx('C5', 220, 200),
    ];
    const result = scoreRfm(transactions, { asOf });
    const rows = byId(result.rows);
    expect(rows.C1).toEqual({
      customerId: 'C1',
      recencyDays: 1,
      frequency: 1,
      revenueMinor: 5000,
      grossProfitMinor: 500,
      recencyScore: 5,
      frequencyScore: 1,
      monetaryScore: 5,
      score: 11 / 3, // (5 + 1 + 5) / 3
      code: '515',
    });
    expect(result.rows.map((r) => r.code)).toEqual(['515', '424', '333', '242', '151']);
    expect(rows.C3!.score).toBe(3);
    expect(result.transactionCount).toBe(15);
    // Breakpoints are the values at ranks ceil(kn/5) − 1 = 0, 1, 2, 3 of each sorted measure.
    expect(result.breakpoints).toEqual({ recencyDays: [180, 90, 30, 10], frequency: [1, 2, 3, 4], monetaryMinor: [1000, 2000, 3000, 4000] });
  });

  it('gives equal values equal scores: 1 + floor(5 × strictly-worse / n)', () => {
    // Frequencies 1, 1, 1, 3 (n = 4): the ones have nobody worse → 1; the three has 3 worse → 1 + floor(15/4) = 4.
    const ties = scoreRfm([tx('A', 5, 100), tx('B', 5, 100), tx('C', 5, 100), tx('D', 5, 100), tx('D', 6, 100), tx('D', 7, 100)], { asOf });
    expect(ties.rows.map((r) => r.frequencyScore)).toEqual([1, 1, 1, 4]);
    // Everybody tied on recency (5 days) → everybody 1; on revenue A, B, C tie at 100 → 1, D has 300 → 4.
    expect(ties.rows.map((r) => r.recencyScore)).toEqual([1, 1, 1, 1]);
    expect(ties.rows.map((r) => r.monetaryScore)).toEqual([1, 1, 1, 4]);

    // Ten customers with revenue 1..10: w = v − 1 → 1 + floor((v − 1)/2) = 1 1 2 2 3 3 4 4 5 5.
    const ten = scoreRfm(Array.from({ length: 10 }, (_, i) => tx(`K${i + 1}`, 3, i + 1)), { asOf });
    expect(ten.rows.map((r) => r.monetaryScore)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
  });

  it('weights the combined score and can rank by gross profit', () => {
    const transactions = [tx('A', 1, 1000, 10), tx('B', 50, 500, 400)];
    // n = 2: the better one has 1 worse → 1 + floor(5/2) = 3; the worse one 1.
    const byRevenue = byId(scoreRfm(transactions, { asOf, weights: { recency: 2, frequency: 1, monetary: 1 } }).rows);
    expect(byRevenue.A).toMatchObject({ recencyScore: 3, frequencyScore: 1, monetaryScore: 3, score: (2 * 3 + 1 + 3) / 4, code: '313' });
    const byProfit = byId(scoreRfm(transactions, { asOf, monetary: 'gross_profit' }).rows);
    expect(byProfit.A!.monetaryScore).toBe(1);
    expect(byProfit.B!.monetaryScore).toBe(3);
    expect(byId(scoreRfm(transactions, { asOf, weights: { recency: 0, frequency: 0, monetary: 1 } }).rows).B!.score).toBe(1);
  });

  it('measures recency in whole elapsed days and honours the window', () => {
    const result = scoreRfm(
      [
        { customerId: 'A', at: new Date(asOf.getTime() - 1000), revenueMinor: 1, grossProfitMinor: 0 }, // one second → 0 days
        { customerId: 'B', at: '2024-03-23T00:00:00Z', revenueMinor: 5, grossProfitMinor: 1 }, // exactly 100 days before: in the window
        { customerId: 'B', at: '2024-03-22T23:59:59Z', revenueMinor: 7, grossProfitMinor: 1 }, // a second earlier: out
        { customerId: 'C', at: daysBefore(300), revenueMinor: 9, grossProfitMinor: 1 },
      ],
      { asOf, windowDays: 100 },
    );
    expect(result.rows.map((r) => [r.customerId, r.recencyDays, r.frequency, r.revenueMinor])).toEqual([
      ['A', 0, 1, 1],
      ['B', 100, 1, 5],
    ]);
    expect(result.excluded).toEqual({ beforeWindow: 2, afterAsOf: 0 });
    expect(result.windowStart).toEqual(daysBefore(100));
  });

  it('rejects transactions after asOf by default, or excludes and counts them', () => {
    const transactions = [tx('A', 1, 100), { customerId: 'B', at: '2024-07-01T00:00:01Z', revenueMinor: 5, grossProfitMinor: 1 }];
    const error = issuesOf(() => scoreRfm(transactions, { asOf }));
    expect(error[0]!.path).toBe('transactions[1].at');
    expect(error[0]!.message).toContain('after asOf');
    const excluded = scoreRfm(transactions, { asOf, afterAsOf: 'exclude' });
    expect(excluded.rows.map((r) => r.customerId)).toEqual(['A']);
    expect(excluded.excluded.afterAsOf).toBe(1);
  });

  it('accepts full Transaction records and checks their lines', () => {
    const ro = parse(TransactionSchema, repairOrderInput({ at: '2024-06-01T10:00:00+08:00' })) as RepairOrder;
    const result = scoreRfm([ro], { asOf });
    expect(result.currency).toBe('CNY');
    expect(result.rows[0]).toMatchObject({ customerId: 'C1', revenueMinor: 80000, grossProfitMinor: 38000, code: '111' });

    const negative = { ...ro, lines: [{ ...ro.lines[0]!, quantity: -1 }, ro.lines[1]!] };
    expect(issuesOf(() => scoreRfm([ro, negative as RfmTransaction], { asOf }))[0]).toMatchObject({ path: 'transactions[1].lines[0].quantity' });
    const wrongTotal = { ...ro, revenueMinor: 1 };
    expect(issuesOf(() => scoreRfm([wrongTotal], { asOf }))[0]!.path).toBe('transactions[0].revenueMinor');
  });

  it('names the item and field of bad input', () => {
    const good = tx('A', 1, 100);
    const cases: [unknown, string][] = [
      [[good, { ...good, revenueMinor: -5 }], 'transactions[1].revenueMinor'],
      [[good, { ...good, revenueMinor: 12.5 }], 'transactions[1].revenueMinor'],
      [[{ ...good, grossProfitMinor: '10' }], 'transactions[0].grossProfitMinor'],
      [[{ ...good, at: new Date('not a date') }], 'transactions[0].at'],
      [[{ ...good, at: '2024-06-01 10:00' }], 'transactions[0].at'],
      [[{ ...good, at: 1717200000000 }], 'transactions[0].at'],
      [[good, { ...good, customerId: '' }], 'transactions[1].customerId'],
      [[{ ...good, customerId: 42 }], 'transactions[0].customerId'],
      [[good, null], 'transactions[1]'],
      [[{ ...good, currency: 'XYZ' }], 'transactions[0].currency'],
      [{ not: 'transactions' }, 'transactions'],
    ];
    for (const [input, path] of cases) expect(issuesOf(() => scoreRfm(input as RfmTransaction[], { asOf }))[0]!.path, path).toBe(path);
    expect(crmErrorOf(() => scoreRfm([{ ...good, currency: 'CNY' }, { ...good, currency: 'USD' }], { asOf })).code).toBe('CURRENCY_MISMATCH');
    expect(issuesOf(() => scoreRfm([good], { asOf: 'last tuesday' }))[0]!.path).toBe('options.asOf');
    expect(issuesOf(() => scoreRfm([good], { asOf: 1719792000000 as unknown as Date }))[0]!.path).toBe('options.asOf');
    expect(issuesOf(() => scoreRfm([good], { asOf, weights: { recency: 0, frequency: 0, monetary: 0 } }))[0]!.path).toBe('options.weights');
    expect(issuesOf(() => scoreRfm([good], { asOf, windowDays: 0 }))[0]!.path).toBe('options.windowDays');
  });

  it('keeps ids that look like numbers or object keys apart, and refuses ids that are not strings', () => {
    const ids = ['__proto__', 'constructor', '0', '1', 'toString', 'hasOwnProperty'];
    const rows = scoreRfm(ids.flatMap((id, i) => Array.from({ length: i + 1 }, () => tx(id, 1, 100))), { asOf }).rows;
    expect(rows.map((r) => [r.customerId, r.frequency])).toEqual(ids.map((id, i) => [id, i + 1]));
    expect(issuesOf(() => scoreRfm([tx('5', 1, 100), { ...tx('x', 1, 100), customerId: 5 as unknown as string }], { asOf }))[0]!.path).toBe('transactions[1].customerId');
    expect(issuesOf(() => scoreRfm({ customerIds: ['__proto__', '__proto__'], customerIndex: [0], atMs: [0], revenueMinor: [1], grossProfitMinor: [0] }, { asOf }))[0]!.path).toBe('transactions.customerIds[1]');
  });

  it('reads columns with dictionary-encoded customer ids and checks them', () => {
    const columns: RfmColumns = {
      customerIds: ['A', 'B'],
      customerIndex: Int32Array.from([0, 1, 0]),
      atMs: Float64Array.from([daysBefore(3).getTime(), daysBefore(9).getTime(), daysBefore(1).getTime()]),
      revenueMinor: [100, 50, 100],
      grossProfitMinor: [10, 5, 10],
      currency: 'CNY',
    };
    const result = scoreRfm(columns, { asOf });
    expect(result.rows.map((r) => [r.customerId, r.recencyDays, r.frequency, r.revenueMinor, r.code])).toEqual([
      ['A', 1, 2, 200, '333'],
      ['B', 9, 1, 50, '111'],
    ]);
    expect(issuesOf(() => scoreRfm({ ...columns, customerIndex: [0, 2, 0] }, { asOf }))[0]!.path).toBe('transactions.customerIndex[1]');
    expect(issuesOf(() => scoreRfm({ ...columns, atMs: [1, 2] }, { asOf }))[0]!.path).toBe('transactions.atMs');
    expect(issuesOf(() => scoreRfm({ ...columns, revenueMinor: [1, -1, 1] }, { asOf }))[0]!.path).toBe('transactions.revenueMinor[1]');
    expect(issuesOf(() => scoreRfm({ ...columns, customerIds: ['A', 'A'] }, { asOf }))[0]!.path).toBe('transactions.customerIds[1]');
    expect(issuesOf(() => scoreRfm({ ...columns, currency: 'RMB' }, { asOf }))[0]!.path).toBe('transactions.currency');
  });

  // --- properties against a brute-force oracle -------------------------------------------

  const txArb = fc.record({
    customer: fc.integer({ min: 0, max: 7 }),
    days: fc.integer({ min: 0, max: 20 }),
    hour: fc.integer({ min: 0, max: 23 }),
    revenue: fc.integer({ min: 0, max: 6 }).map((v) => v * 1000),
    profit: fc.integer({ min: -2, max: 3 }).map((v) => v * 100),
  });
  const toTx = (t: ValueOf<typeof txArb>): RfmTransaction => ({
    customerId: `C${t.customer}`,
    at: new Date(asOf.getTime() - t.days * 86_400_000 - t.hour * 3_600_000),
    revenueMinor: t.revenue,
    grossProfitMinor: t.profit,
  });

  /** Scores by definition, in O(n²): 1 + floor(5 × |{ others strictly worse }| / n). */
  function oracle(transactions: RfmTransaction[], monetary: 'revenue' | 'gross_profit') {
    const per = new Map<string, { last: number; count: number; revenue: number; profit: number }>();
    for (const t of transactions) {
      const entry = per.get(t.customerId) ?? { last: -Infinity, count: 0, revenue: 0, profit: 0 };
      entry.last = Math.max(entry.last, (t.at as Date).getTime());
      entry.count += 1;
      entry.revenue += t.revenueMinor;
      entry.profit += t.grossProfitMinor;
      per.set(t.customerId, entry);
    }
    const rows = [...per].map(([customerId, e]) => ({ customerId, recencyDays: Math.floor((asOf.getTime() - e.last) / 86_400_000), frequency: e.count, revenueMinor: e.revenue, grossProfitMinor: e.profit }));
    const n = rows.length;
    const score = (worse: number) => 1 + Math.floor((5 * worse) / n);
    return Object.fromEntries(
      rows.map((row) => {
        const money = (r: (typeof rows)[number]) => (monetary === 'revenue' ? r.revenueMinor : r.grossProfitMinor);
        const r = score(rows.filter((o) => o.recencyDays > row.recencyDays).length);
        const f = score(rows.filter((o) => o.frequency < row.frequency).length);
        const m = score(rows.filter((o) => money(o) < money(row)).length);
        return [row.customerId, { ...row, recencyScore: r, frequencyScore: f, monetaryScore: m, code: `${r}${f}${m}`, score: (r + f + m) / 3 }];
      }),
    );
  }

  it('agrees with the brute-force definition on random data, for objects and columns', () => {
    fc.assert(
      fc.property(fc.array(txArb, { minLength: 1, maxLength: 60 }), fc.constantFrom('revenue' as const, 'gross_profit' as const), (raw, monetary) => {
        const transactions = raw.map(toTx);
        const expected = oracle(transactions, monetary);
        const result = scoreRfm(transactions, { asOf, monetary });
        const actual = Object.fromEntries(result.rows.map((row) => [row.customerId, row]));
        expect(actual).toEqual(expected);
        // Rows come in order of first appearance.
        expect(result.rows.map((r) => r.customerId)).toEqual([...new Set(transactions.map((t) => t.customerId))]);
        // The columnar form gives the same rows.
        const ids = [...new Set(transactions.map((t) => t.customerId))];
        const columns: RfmColumns = {
          customerIds: ids,
          customerIndex: transactions.map((t) => ids.indexOf(t.customerId)),
          atMs: transactions.map((t) => (t.at as Date).getTime()),
          revenueMinor: transactions.map((t) => t.revenueMinor),
          grossProfitMinor: transactions.map((t) => t.grossProfitMinor),
        };
        expect(scoreRfm(columns, { asOf, monetary }).rows).toEqual(result.rows);
      }),
      { numRuns: 300 },
    );
  });

  it('scores every customer the same whatever the order of the transactions', () => {
    fc.assert(
      fc.property(
        fc.array(txArb, { minLength: 1, maxLength: 40 }).chain((raw) => fc.tuple(fc.constant(raw), fc.shuffledSubarray(raw, { minLength: raw.length, maxLength: raw.length }))),
        ([raw, shuffled]) => {
          expect(byId(scoreRfm(shuffled.map(toTx), { asOf }).rows)).toEqual(byId(scoreRfm(raw.map(toTx), { asOf }).rows));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('uses the counting path and the sorting path alike for wide ranges', () => {
    // Recency over more than 65,536 distinct days and revenue over a huge range exercise both paths.
    const transactions = [tx('A', 0, 1), tx('B', 100_000, 9_000_000_000_000), tx('C', 50_000, 5), tx('D', 99_999, 9_000_000_000_000)];
    const rows = byId(scoreRfm(transactions, { asOf }).rows);
    // Recency: A best (3 worse → 1 + floor(15/4) = 4), C 2 worse → 3, D 1 worse → 2, B → 1.
    expect([rows.A!.recencyScore, rows.C!.recencyScore, rows.D!.recencyScore, rows.B!.recencyScore]).toEqual([4, 3, 2, 1]);
    // Revenue: B and D tie at the top with 2 worse → 1 + floor(10/4) = 3.
    expect([rows.B!.monetaryScore, rows.D!.monetaryScore, rows.C!.monetaryScore, rows.A!.monetaryScore]).toEqual([3, 3, 2, 1]);
  });
});
