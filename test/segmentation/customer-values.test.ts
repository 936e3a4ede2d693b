import { describe, expect, it } from 'vitest';
import { isCrmError, parse, type CrmError } from 'dealer-crm/core';
import { TransactionSchema } from 'dealer-crm/customer';
import { assignPyramid, customerValuesFromTransactions, type TransactionForValues } from 'dealer-crm/segmentation';
import { issuesOf } from '../support/errors.js';
import { repairOrderInput } from '../support/transactions.js';

function tx(customerId: string, at: string, revenueMinor: number, grossProfitMinor: number, extra: Partial<TransactionForValues> = {}): TransactionForValues {
  return { type: 'vehicle_sale', dealerId: 'D1', customerId, at: new Date(at), currency: 'CNY', revenueMinor, grossProfitMinor, ...extra };
}

const window = { from: '2024-01-01T00:00:00+08:00', to: '2024-04-01T00:00:00+08:00' };

describe('customerValuesFromTransactions', () => {
  it('sums revenue, profit and count per customer over [from, to), sorted by customer id', () => {
    const values = customerValuesFromTransactions(
      [
        tx('b', '2024-01-01T00:00:00+08:00', 1000, 300), // exactly at `from`: in
        tx('a', '2024-02-10T10:00:00+08:00', 500, -50),
        tx('b', '2024-03-31T23:59:59+08:00', 2000, 700), // last second: in
        tx('a', '2024-04-01T00:00:00+08:00', 9999, 9999), // exactly at `to`: out
        tx('c', '2023-12-31T23:59:59+08:00', 9999, 9999), // before: out
      ],
      window,
    );
    expect(values).toEqual([
      { customerId: 'a', revenueMinor: 500, profitMinor: -50, purchaseCount: 1 },
      { customerId: 'b', revenueMinor: 3000, profitMinor: 1000, purchaseCount: 2 },
    ]);
  });

  it('accepts parsed transactions of the customer module as they are', () => {
    const repairOrder = parse(TransactionSchema, repairOrderInput());
    expect(customerValuesFromTransactions([repairOrder], window)).toEqual([{ customerId: 'C1', revenueMinor: 80000, profitMinor: 38000, purchaseCount: 1 }]);
  });

  it('gives customers of a closed base zeros when they bought nothing, and ignores others', () => {
    const values = customerValuesFromTransactions([tx('a', '2024-02-01T00:00:00Z', 100, 10), tx('stranger', '2024-02-01T00:00:00Z', 100, 10)], {
      ...window,
      customerIds: ['z', 'a'],
    });
    expect(values).toEqual([
      { customerId: 'a', revenueMinor: 100, profitMinor: 10, purchaseCount: 1 },
      { customerId: 'z', revenueMinor: 0, profitMinor: 0, purchaseCount: 0 },
    ]);
  });

  it('filters by dealer and by transaction type', () => {
    const transactions = [
      tx('a', '2024-02-01T00:00:00Z', 100, 10),
      tx('a', '2024-02-02T00:00:00Z', 200, 20, { dealerId: 'D2' }),
      tx('a', '2024-02-03T00:00:00Z', 400, 40, { type: 'repair_order' }),
    ];
    expect(customerValuesFromTransactions(transactions, { ...window, dealerId: 'D2' })[0]!.revenueMinor).toBe(200);
    expect(customerValuesFromTransactions(transactions, { ...window, types: ['repair_order', 'parts_sale'] })[0]!.revenueMinor).toBe(400);
  });

  it('refuses to add two currencies', () => {
    const mixed = [tx('a', '2024-02-01T00:00:00Z', 100, 10), tx('b', '2024-02-02T00:00:00Z', 100, 10, { currency: 'USD' })];
    let error: unknown;
    try {
      customerValuesFromTransactions(mixed, window);
    } catch (caught) {
      error = caught;
    }
    expect(isCrmError(error, 'CURRENCY_MISMATCH')).toBe(true);
    expect((error as CrmError).message).toContain('transactions[1] is in USD but transactions[0] is in CNY');
    expect(() => customerValuesFromTransactions([mixed[0]!], { ...window, currency: 'USD' })).toThrow(/options.currency is in USD/);
    // Out-of-window transactions in another currency do not matter.
    expect(customerValuesFromTransactions([mixed[0]!, tx('b', '2020-01-01T00:00:00Z', 1, 1, { currency: 'USD' })], window)).toHaveLength(1);
  });

  it('rejects bad transactions with their paths and a window that ends before it starts', () => {
    const bad = [
      tx('a', '2024-02-01T00:00:00Z', 100, 10),
      { ...tx('a', '2024-02-01T00:00:00Z', 100, 10), at: '2024-02-01T00:00:00Z' },
      { ...tx('a', '2024-02-01T00:00:00Z', 100, 10), revenueMinor: -1 },
      { ...tx('a', '2024-02-01T00:00:00Z', 100, 10), grossProfitMinor: 0.5 },
      { ...tx('a', '2024-02-01T00:00:00Z', 100, 10), customerId: ' a' },
    ] as never;
    expect(issuesOf(() => customerValuesFromTransactions(bad, window)).map((issue) => issue.path)).toEqual([
      'transactions[1].at',
      'transactions[2].revenueMinor',
      'transactions[3].grossProfitMinor',
      'transactions[4].customerId',
    ]);
    expect(issuesOf(() => customerValuesFromTransactions([], { from: window.to, to: window.from }))[0]!.path).toBe('options.to');
    expect(issuesOf(() => customerValuesFromTransactions([], { ...window, customerIds: ['a', 'a'] }))[0]!.path).toBe('options.customerIds[1]');
  });

  it('feeds the pyramid', () => {
    const values = customerValuesFromTransactions([tx('a', '2024-02-01T00:00:00Z', 100, 10), tx('b', '2024-02-01T00:00:00Z', 100, -10)], window);
    expect(assignPyramid(values).assignments.map((a) => a.customerId)).toEqual(['a', 'b']);
  });
});
