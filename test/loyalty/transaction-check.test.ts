import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ValidationError, parse } from 'dealer-crm/core';
import { TransactionSchema } from 'dealer-crm/customer';
import { checkNestedTransaction, checkTransaction } from '../../src/loyalty/internal/transaction-check.js';

const valid = {
  type: 'repair_order',
  id: 'RO-1',
  dealerId: 'D-1',
  customerId: 'C-1',
  vehicleId: 'V-1',
  at: new Date('2024-03-15T02:00:00Z'),
  currency: 'CNY',
  serviceKind: 'maintenance',
  revenueMinor: 30_000,
  grossProfitMinor: 20_000,
  lines: [
    { category: 'labor', quantity: 1.5, revenueMinor: 10_000, costMinor: 0, payType: 'customer' },
    { category: 'parts', quantity: 1, revenueMinor: 20_000, costMinor: 10_000, payType: 'warranty' },
  ],
};

const oddValues = fc.constantFrom<unknown>(undefined, null, -1, 0, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60, '', ' x', 'x'.repeat(129), 'x'.repeat(600), 'USD', 'XXX', 'labor', 'insurance', '2024-03-15T10:00:00+08:00', '2024-03-15 10:00', new Date(Number.NaN), true, [], {});
const topKeys = fc.constantFrom('type', 'id', 'dealerId', 'customerId', 'vehicleId', 'at', 'currency', 'serviceKind', 'saleKind', 'revenueMinor', 'grossProfitMinor', 'lines', 'roNumber', 'odometerKm', 'financed', 'metadata', 'extra');
const lineKeys = fc.constantFrom('category', 'quantity', 'revenueMinor', 'costMinor', 'payType', 'code', 'description', 'extra');
const types = fc.constantFrom('repair_order', 'parts_sale', 'vehicle_sale', 'trade_in');

/** A valid order with a few fields replaced or removed, at the top or in a line. */
const mutated = fc
  .record({
    type: types,
    top: fc.array(fc.tuple(topKeys, oddValues), { maxLength: 2 }),
    line: fc.array(fc.tuple(fc.nat(1), lineKeys, oddValues), { maxLength: 2 }),
  })
  .map(({ type, top, line }) => {
    const value: Record<string, unknown> = { ...valid, type, lines: valid.lines.map((item) => ({ ...item })) };
    if (type === 'vehicle_sale') {
      delete value.lines;
      delete value.serviceKind;
      value.saleKind = 'new';
    }
    if (type === 'parts_sale') delete value.serviceKind;
    for (const [key, replacement] of top) {
      if (replacement === undefined) Reflect.deleteProperty(value, key);
      else value[key] = replacement;
    }
    for (const [index, key, replacement] of line) {
      const lines = value.lines as Record<string, unknown>[] | undefined;
      if (!Array.isArray(lines) || lines[index] === undefined) continue;
      if (replacement === undefined) Reflect.deleteProperty(lines[index]!, key);
      else lines[index]![key] = replacement;
    }
    return value;
  });

function outcome(fn: () => unknown): { ok: true; value: unknown } | { ok: false; issues: unknown } {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    if (error instanceof ValidationError) return { ok: false, issues: error.issues };
    throw error;
  }
}

describe('the batch transaction check', () => {
  it('accepts exactly what TransactionSchema accepts, with the same value and the same errors', () => {
    fc.assert(
      fc.property(mutated, (input) => {
        const bySchema = outcome(() => parse(TransactionSchema, input, { path: 'events[0].transaction', label: 'transaction' }));
        const byCheck = outcome(() => checkTransaction(input, 'events[0].transaction'));
        expect(byCheck).toEqual(bySchema);
      }),
      { numRuns: 2000 },
    );
  });

  it('checks a nested transaction as the schema does at `<parent>.transaction`', () => {
    fc.assert(
      fc.property(mutated, fc.nat(50), (input, index) => {
        const bySchema = outcome(() => parse(TransactionSchema, input, { path: `events[${index}].transaction`, label: 'transaction' }));
        const byCheck = outcome(() => checkNestedTransaction(input, `events[${index}]`));
        expect(byCheck).toEqual(bySchema);
      }),
      { numRuns: 1000 },
    );
  });
});
