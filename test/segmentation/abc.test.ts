import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyAbc, defaultAbcPolicy, defineAbcPolicy } from 'dealer-crm/segmentation';
import { issuesOf } from '../support/errors.js';
import { customerId, rowsArbitrary, shuffled } from './helpers.js';

function classes(values: { customerId: string; revenueMinor: number }[], policy = {}): Record<string, string> {
  return Object.fromEntries(classifyAbc(values, policy).assignments.map((a) => [a.customerId, a.segment]));
}

describe('classifyAbc', () => {
  it('makes A the customers of the top 75 % of sales, B the rest, C the prospects', () => {
    // Sales 50, 30, 20, 0 (total 100): a has 0 % above it → A; b has 50 % above (< 75 %) → A;
    // c has 80 % above → B; d has no sales → C.
    const result = classifyAbc([
      { customerId: 'c', revenueMinor: 20 },
      { customerId: 'a', revenueMinor: 50 },
      { customerId: 'd', revenueMinor: 0 },
      { customerId: 'b', revenueMinor: 30 },
    ]);
    expect(result.assignments.map((a) => [a.customerId, a.segment, a.rank, a.cumulativeRevenueShare])).toEqual([
      ['a', 'A', 1, 0.5],
      ['b', 'A', 2, 0.8],
      ['c', 'B', 3, 1],
      ['d', 'C', 4, 1],
    ]);
    expect(result.classes).toEqual([
      { segment: 'A', customerCount: 2, customerShare: 0.5, revenueMinor: 80, revenueShare: 0.8 },
      { segment: 'B', customerCount: 1, customerShare: 0.25, revenueMinor: 20, revenueShare: 0.2 },
      { segment: 'C', customerCount: 1, customerShare: 0.25, revenueMinor: 0, revenueShare: 0 },
    ]);
    expect(result.revenueMinor).toBe(100);
  });

  it('stops A exactly at 75 % when a customer ends there', () => {
    // 75 then 25: the second customer has exactly 75 % above it, which is not below 75 % → B.
    expect(classes([
      { customerId: 'a', revenueMinor: 75 },
      { customerId: 'b', revenueMinor: 25 },
    ])).toEqual({ a: 'A', b: 'B' });
  });

  it('splits all-equal sales by customer id, or keeps them all in A with same_zone', () => {
    // 10 × 100: positions 0–7 have 0–700 above them (< 750) → A; positions 8 and 9 have 800, 900 → B.
    const values = Array.from({ length: 10 }, (_, i) => ({ customerId: customerId(i), revenueMinor: 100 }));
    const byId = classifyAbc(values);
    expect(byId.classes.map((klass) => klass.customerCount)).toEqual([8, 2, 0]);
    expect(byId.assignments.filter((a) => a.segment === 'B').map((a) => a.customerId)).toEqual(['C008', 'C009']);
    expect(classifyAbc(values, { ties: 'same_zone' }).classes.map((klass) => klass.customerCount)).toEqual([10, 0, 0]);
  });

  it('takes a configurable A share', () => {
    // With 50 %: a (0 % above it) A; b (50 % above, not below 50 %) B; c B.
    expect(classes([
      { customerId: 'a', revenueMinor: 50 },
      { customerId: 'b', revenueMinor: 30 },
      { customerId: 'c', revenueMinor: 20 },
    ], { aShareOfRevenue: 0.5 })).toEqual({ a: 'A', b: 'B', c: 'B' });
    expect(defineAbcPolicy({}).aShareOfRevenue).toBe(0.75);
    expect(Object.isFrozen(defaultAbcPolicy)).toBe(true);
  });

  it('classifies a base without sales as all C, and an empty base as nothing', () => {
    const result = classifyAbc([
      { customerId: 'a', revenueMinor: 0 },
      { customerId: 'b', revenueMinor: 0 },
    ]);
    expect(result.assignments.map((a) => a.segment)).toEqual(['C', 'C']);
    expect(result.assignments[0]!.cumulativeRevenueShare).toBeNull();
    expect(result.classes[2]!.revenueShare).toBeNull();
    const empty = classifyAbc([]);
    expect(empty.assignments).toEqual([]);
    expect(empty.classes.map((klass) => klass.customerShare)).toEqual([null, null, null]);
  });

  it('makes a single buyer A', () => {
    expect(classes([{ customerId: 'only', revenueMinor: 1 }])).toEqual({ only: 'A' });
  });

  it('rejects negative or missing sales, duplicate ids and a share given as a percentage', () => {
    const issues = issuesOf(() =>
      classifyAbc([
        { customerId: 'a', revenueMinor: -1 },
        { customerId: 'b' },
        { customerId: 'a', revenueMinor: 1 },
      ] as never),
    );
    expect(issues.map((issue) => issue.path)).toEqual(['values[0].revenueMinor', 'values[1].revenueMinor', 'values[2].customerId']);
    expect(issues[1]!.message).toContain('give 0 for a prospect');
    expect(issuesOf(() => classifyAbc([], { aShareOfRevenue: 75 }))[0]!.path).toBe('aShareOfRevenue');
  });

  it('always makes A the smallest top group reaching the A share, C exactly the customers without sales', () => {
    fc.assert(
      fc.property(
        rowsArbitrary(fc.integer({ min: 0, max: 50 }), { maxLength: 80 }),
        fc.constantFrom(0.5, 0.75, 0.8, 1),
        fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
        (rows, share, seeds) => {
          const values = rows.map((row) => ({ customerId: row.customerId, revenueMinor: row.value }));
          const result = classifyAbc(values, { aShareOfRevenue: share });
          const total = values.reduce((sum, v) => sum + v.revenueMinor, 0);
          const a = result.assignments.filter((x) => x.segment === 'A');
          const aRevenue = a.reduce((sum, x) => sum + x.revenueMinor, 0);
          if (total > 0) {
            expect(aRevenue / total).toBeGreaterThanOrEqual(share - 1e-12);
            const last = a[a.length - 1]!;
            expect((aRevenue - last.revenueMinor) / total).toBeLessThan(share + 1e-12);
          } else expect(a).toEqual([]);
          for (const x of result.assignments) expect(x.segment === 'C').toBe(x.revenueMinor === 0);
          expect(classifyAbc(shuffled(values, seeds), { aShareOfRevenue: share })).toEqual(result);
        },
      ),
    );
  });
});
