import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parse } from 'dealer-crm/core';
import { TransactionSchema } from 'dealer-crm/customer';
import { summarizeTransactions, type RetentionTransaction } from 'dealer-crm/retention';
import { issuesOf } from '../support/errors.js';
import { repairOrderInput } from '../support/transactions.js';

const at = (iso: string) => new Date(iso);
const tx = (customerId: string, iso: string, revenueMinor: number): RetentionTransaction => ({ customerId, at: at(iso), revenueMinor });

describe('summarizeTransactions', () => {
  test('counts repeat visits by calendar day and measures recency and age in days', () => {
    const summary = summarizeTransactions(
      [
        tx('C1', '2024-01-05T10:00:00+08:00', 80_000),
        tx('C1', '2024-01-05T16:00:00+08:00', 5_000), // same day: the same visit
        tx('C1', '2024-03-01T09:00:00+08:00', 30_000),
        tx('C1', '2024-06-15T09:00:00+08:00', 50_000),
        tx('C2', '2024-12-31T10:00:00+08:00', 12_000),
      ],
      { calibrationEnd: at('2024-12-31T23:59:59+08:00'), unit: 'day' },
    );
    const [c1, c2] = summary.customers;
    // Jan 5 → Mar 1 is 26 + 29 + 1 = 56 days (2024 is a leap year); Mar 1 → Jun 15 is 30 + 30 + 31 + 15 = 106;
    // Jan 5 → Dec 31 is 366 − 5 = 361 days.
    expect(c1).toMatchObject({ customerId: 'C1', frequency: 2, recency: 162, age: 361, meanRepeatSpendMinor: 40_000 });
    expect(c1!.firstVisitAt).toEqual(at('2024-01-05T10:00:00+08:00'));
    expect(c1!.lastVisitAt).toEqual(at('2024-06-15T09:00:00+08:00'));
    expect(c2).toMatchObject({ customerId: 'C2', frequency: 0, recency: 0, age: 0, meanRepeatSpendMinor: null });
    expect(summary.unit).toBe('day');
    expect(summary.holdoutOnlyCustomerIds).toEqual([]);
  });

  test('reads calendar days in the given time zone', () => {
    // 23:30 and 00:30 in Shanghai are two days there but one UTC day (15:30Z and 16:30Z on Jan 5).
    const transactions = [tx('C1', '2024-01-05T23:30:00+08:00', 100), tx('C1', '2024-01-06T00:30:00+08:00', 100)];
    const options = { calibrationEnd: at('2024-02-01T00:00:00Z'), unit: 'day' as const };
    expect(summarizeTransactions(transactions, options).customers[0]!.frequency).toBe(1);
    expect(summarizeTransactions(transactions, { ...options, timeZone: 'UTC' }).customers[0]!.frequency).toBe(0);
  });

  test('counts one visit per ISO week (Monday to Sunday) with the week unit', () => {
    const summary = summarizeTransactions(
      [
        tx('C1', '2024-01-01T10:00:00+08:00', 100), // Monday, week 1
        tx('C1', '2024-01-07T10:00:00+08:00', 100), // Sunday, week 1 again
        tx('C1', '2024-01-08T10:00:00+08:00', 300), // Monday, week 2
        tx('C1', '2024-03-04T10:00:00+08:00', 500), // Monday, week 10
      ],
      { calibrationEnd: at('2024-03-31T12:00:00+08:00'), unit: 'week' }, // Sunday, week 13
    );
    expect(summary.customers[0]).toMatchObject({ frequency: 2, recency: 9, age: 12, meanRepeatSpendMinor: 400 });
  });

  test('counts holdout visits after the calibration end and lists customers first seen there', () => {
    const summary = summarizeTransactions(
      [
        tx('C1', '2024-06-01T10:00:00+08:00', 100),
        tx('C1', '2025-01-10T10:00:00+08:00', 200),
        tx('C1', '2025-01-10T15:00:00+08:00', 100),
        tx('C1', '2025-02-10T10:00:00+08:00', 600),
        tx('C3', '2025-03-01T10:00:00+08:00', 900),
        tx('C2', '2024-07-01T10:00:00+08:00', 100),
      ],
      { calibrationEnd: at('2024-12-31T23:59:59+08:00'), observationEnd: at('2025-03-31T23:59:59+08:00'), unit: 'day' },
    );
    // Jan 1 → Mar 31 2025: 31 + 28 + 31 = 90 days.
    expect(summary.holdoutLength).toBe(90);
    expect(summary.holdoutOnlyCustomerIds).toEqual(['C3']);
    expect(summary.customers.map((c) => c.customerId)).toEqual(['C1', 'C2']);
    // Holdout visits: Jan 10 (200 + 100) and Feb 10 (600): mean 450.
    expect(summary.customers[0]).toMatchObject({ frequency: 0, holdoutFrequency: 2, holdoutMeanSpendMinor: 450 });
    expect(summary.customers[1]).toMatchObject({ holdoutFrequency: 0, holdoutMeanSpendMinor: null });
  });

  test('accepts full customer-module transactions', () => {
    const ro = parse(TransactionSchema, repairOrderInput());
    const summary = summarizeTransactions([ro], { calibrationEnd: at('2024-12-31T00:00:00Z'), unit: 'week' });
    expect(summary.customers[0]!.customerId).toBe('C1');
  });

  test('summarises an empty list to no customers', () => {
    expect(summarizeTransactions([], { calibrationEnd: at('2024-12-31T00:00:00Z'), unit: 'day' }).customers).toEqual([]);
  });

  test('rejects a transaction after the calibration end, naming it', () => {
    const issues = issuesOf(() =>
      summarizeTransactions([tx('C1', '2024-01-01T00:00:00Z', 1), tx('C1', '2025-01-02T00:00:00Z', 1)], { calibrationEnd: at('2024-12-31T00:00:00Z'), unit: 'day' }),
    );
    expect(issues).toEqual([{ path: 'transactions[1].at', message: expect.stringMatching(/after the calibration end 2024-12-31/) }]);
  });

  test('rejects a transaction after the observation end', () => {
    const issues = issuesOf(() =>
      summarizeTransactions([tx('C1', '2025-05-01T00:00:00Z', 1)], {
        calibrationEnd: at('2024-12-31T00:00:00Z'),
        observationEnd: at('2025-03-31T00:00:00Z'),
        unit: 'day',
      }),
    );
    expect(issues[0]!.message).toMatch(/after the observation end/);
  });

  test('rejects bad fields with their paths', () => {
    const issues = issuesOf(() =>
      summarizeTransactions(
        [
          { customerId: '', at: at('2024-01-01T00:00:00Z'), revenueMinor: 1 },
          { customerId: 'C1', at: new Date(NaN), revenueMinor: 1 },
          { customerId: 'C1', at: at('2024-01-01T00:00:00Z'), revenueMinor: 1.5 },
          { customerId: 'C1', at: at('2024-01-01T00:00:00Z'), revenueMinor: -100 },
        ],
        { calibrationEnd: at('2024-12-31T00:00:00Z'), unit: 'day' },
      ),
    );
    expect(issues.map((i) => i.path)).toEqual(['transactions[0].customerId', 'transactions[1].at', 'transactions[2].revenueMinor', 'transactions[3].revenueMinor']);
  });

  test('rejects bad options', () => {
    expect(issuesOf(() => summarizeTransactions([], { calibrationEnd: at('2024-12-31T00:00:00Z'), unit: 'month' as 'day' }))[0]!.path).toBe('options.unit');
    expect(
      issuesOf(() => summarizeTransactions([], { calibrationEnd: at('2024-12-31T00:00:00Z'), observationEnd: at('2024-01-01T00:00:00Z'), unit: 'day' }))[0]!.path,
    ).toBe('options.observationEnd');
    expect(issuesOf(() => summarizeTransactions([], { calibrationEnd: at('2024-12-31T00:00:00Z'), unit: 'day', timeZone: 'Mars/Olympus' }))[0]!.path).toBe(
      'options.timeZone',
    );
  });

  test('agrees with a brute-force oracle that reads local days with Intl', () => {
    const dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York', year: 'numeric', month: '2-digit', day: '2-digit' });
    const localDay = (d: Date) => Date.parse(`${dayFormat.format(d)}T00:00:00Z`) / 86_400_000;
    const calibrationEnd = at('2024-12-31T23:00:00-05:00');
    fc.assert(
      fc.property(
        fc.array(fc.record({ customer: fc.constantFrom('A', 'B', 'C'), ms: fc.integer({ min: Date.parse('2023-01-01T00:00:00Z'), max: calibrationEnd.getTime() }), revenue: fc.nat(10_000) }), {
          maxLength: 40,
        }),
        (rows) => {
          const summary = summarizeTransactions(
            rows.map((r) => ({ customerId: r.customer, at: new Date(r.ms), revenueMinor: r.revenue })),
            { calibrationEnd, unit: 'day', timeZone: 'America/New_York' },
          );
          for (const c of summary.customers) {
            const mine = rows.filter((r) => r.customer === c.customerId);
            const byDay = new Map<number, number>();
            for (const r of mine) byDay.set(localDay(new Date(r.ms)), (byDay.get(localDay(new Date(r.ms))) ?? 0) + r.revenue);
            const days = [...byDay.keys()].sort((a, b) => a - b);
            expect(c.frequency).toBe(days.length - 1);
            expect(c.recency).toBe(days[days.length - 1]! - days[0]!);
            expect(c.age).toBe(localDay(calibrationEnd) - days[0]!);
            const repeat = days.slice(1).reduce((sum, d) => sum + byDay.get(d)!, 0);
            expect(c.meanRepeatSpendMinor).toBe(days.length > 1 ? repeat / (days.length - 1) : null);
          }
          expect(summary.customers.length).toBe(new Set(rows.map((r) => r.customer)).size);
        },
      ),
    );
  });
});
