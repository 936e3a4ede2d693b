import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyPurchaseQuadrants, definePurchaseQuadrantPolicy } from 'dealer-crm/segmentation';
import { issuesOf } from '../support/errors.js';
import { rowsArbitrary, shuffled } from './helpers.js';

describe('classifyPurchaseQuadrants', () => {
  it('cuts at the medians when no cut points are given', () => {
    // Amounts 100, 200, 300, 400 → median (200 + 300) / 2 = 250; counts 1, 4, 2, 3 → median 2.5.
    const result = classifyPurchaseQuadrants([
      { customerId: 'c1', revenueMinor: 100, purchaseCount: 1 },
      { customerId: 'c2', revenueMinor: 200, purchaseCount: 4 },
      { customerId: 'c3', revenueMinor: 300, purchaseCount: 2 },
      { customerId: 'c4', revenueMinor: 400, purchaseCount: 3 },
    ]);
    expect(result.amountCutMinor).toBe(250);
    expect(result.frequencyCut).toBe(2.5);
    expect(result.amountCutFromMedian && result.frequencyCutFromMedian).toBe(true);
    expect(result.assignments.map((a) => [a.customerId, a.segment])).toEqual([
      ['c1', 'dog'], // low amount, low frequency
      ['c2', 'cow'], // low amount, high frequency
      ['c3', 'volcano'], // high amount, low frequency
      ['c4', 'star'], // high amount, high frequency
    ]);
    expect(result.quadrants.map((q) => [q.segment, q.customerCount, q.revenueMinor, q.purchaseCount])).toEqual([
      ['star', 1, 400, 3],
      ['volcano', 1, 300, 2],
      ['cow', 1, 200, 4],
      ['dog', 1, 100, 1],
    ]);
    expect(result.quadrants[0]!.revenueShare).toBe(0.4); // 400 / 1000
  });

  it('counts a value at the cut as high', () => {
    // Odd count: amount median 20, count median 1; everyone has at least 1 purchase → high frequency.
    const result = classifyPurchaseQuadrants([
      { customerId: 'a', revenueMinor: 10, purchaseCount: 1 },
      { customerId: 'b', revenueMinor: 20, purchaseCount: 1 },
      { customerId: 'c', revenueMinor: 30, purchaseCount: 5 },
    ]);
    expect(result.assignments.map((a) => a.segment)).toEqual(['cow', 'star', 'star']);
  });

  it('uses the cut points given', () => {
    const result = classifyPurchaseQuadrants(
      [
        { customerId: 'a', revenueMinor: 600_000, purchaseCount: 1 },
        { customerId: 'b', revenueMinor: 100_000, purchaseCount: 6 },
      ],
      { amountCutMinor: 500_000, frequencyCut: 3 },
    );
    expect(result.assignments.map((a) => a.segment)).toEqual(['volcano', 'cow']);
    expect(result.amountCutFromMedian).toBe(false);
    // Only one cut given: the other is the median (of 1 and 6: 3.5).
    const half = classifyPurchaseQuadrants(
      [
        { customerId: 'a', revenueMinor: 600_000, purchaseCount: 1 },
        { customerId: 'b', revenueMinor: 100_000, purchaseCount: 6 },
      ],
      { amountCutMinor: 50_000 },
    );
    expect(half.frequencyCut).toBe(3.5);
    expect(half.assignments.map((a) => a.segment)).toEqual(['volcano', 'star']);
  });

  it('makes everyone a star when all values are equal, and handles empty and single bases', () => {
    const equal = classifyPurchaseQuadrants([
      { customerId: 'a', revenueMinor: 5, purchaseCount: 2 },
      { customerId: 'b', revenueMinor: 5, purchaseCount: 2 },
    ]);
    expect(equal.assignments.map((a) => a.segment)).toEqual(['star', 'star']);
    const empty = classifyPurchaseQuadrants([]);
    expect(empty.amountCutMinor).toBeNull();
    expect(empty.frequencyCut).toBeNull();
    expect(empty.quadrants.every((q) => q.customerCount === 0 && q.customerShare === null)).toBe(true);
    expect(classifyPurchaseQuadrants([{ customerId: 'a', revenueMinor: 0, purchaseCount: 0 }]).assignments[0]!.segment).toBe('star');
  });

  it('rejects bad counts, amounts, ids and cut points', () => {
    const issues = issuesOf(() =>
      classifyPurchaseQuadrants([
        { customerId: 'a', revenueMinor: 1, purchaseCount: -1 },
        { customerId: 'b', revenueMinor: 1, purchaseCount: 1.5 },
        { customerId: 'c', revenueMinor: -1, purchaseCount: 1 },
        { customerId: 'c', revenueMinor: 1 },
      ] as never),
    );
    expect(issues.map((issue) => issue.path)).toEqual([
      'values[0].purchaseCount',
      'values[1].purchaseCount',
      'values[2].revenueMinor',
      'values[3].customerId',
      'values[3].purchaseCount',
    ]);
    expect(issuesOf(() => definePurchaseQuadrantPolicy({ amountCutMinor: 1.5 }))[0]!.path).toBe('amountCutMinor');
    expect(issuesOf(() => definePurchaseQuadrantPolicy({ frequencyCut: -2 }))[0]!.path).toBe('frequencyCut');
  });

  it('agrees with a brute-force median oracle and does not depend on input order', () => {
    fc.assert(
      fc.property(
        rowsArbitrary(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 6 })), { minLength: 1 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
        (rows, seeds) => {
          const values = rows.map((row) => ({ customerId: row.customerId, revenueMinor: row.value[0], purchaseCount: row.value[1] }));
          // Oracle: the median is any value m with at least half the values ≤ m and at least half ≥ m, taken as
          // the midpoint of the two middle order statistics.
          const sortedAmounts = values.map((v) => v.revenueMinor).sort((a, b) => a - b);
          const sortedCounts = values.map((v) => v.purchaseCount).sort((a, b) => a - b);
          const mid = (sorted: number[]) => (sorted[Math.floor((sorted.length - 1) / 2)]! + sorted[Math.ceil((sorted.length - 1) / 2)]!) / 2;
          const result = classifyPurchaseQuadrants(values);
          expect(result.amountCutMinor).toBe(mid(sortedAmounts));
          expect(result.frequencyCut).toBe(mid(sortedCounts));
          for (const a of result.assignments) {
            const expected = a.revenueMinor >= mid(sortedAmounts) ? (a.purchaseCount >= mid(sortedCounts) ? 'star' : 'volcano') : a.purchaseCount >= mid(sortedCounts) ? 'cow' : 'dog';
            expect(a.segment).toBe(expected);
          }
          const byId = (r: typeof result) => Object.fromEntries(r.assignments.map((a) => [a.customerId, a.segment]));
          const again = classifyPurchaseQuadrants(shuffled(values, seeds));
          expect(byId(again)).toEqual(byId(result));
          expect(again.quadrants).toEqual(result.quadrants);
        },
      ),
    );
  });
});
