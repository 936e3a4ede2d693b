import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from 'dealer-crm/core';
import {
  assignPyramid,
  defaultPyramidPolicy,
  definePyramidPolicy,
  fourTierPyramidPolicy,
  type PyramidPolicyInput,
  type PyramidResult,
} from 'dealer-crm/segmentation';
import { issuesOf } from '../support/errors.js';
import { customerId, rowsArbitrary, shuffled } from './helpers.js';

function zoneMembers(result: PyramidResult): Record<string, string[]> {
  const members: Record<string, string[]> = {};
  for (const zone of result.zones) members[zone.id] = [];
  for (const assignment of result.assignments) members[assignment.segment]!.push(assignment.customerId);
  return members;
}

const thresholdPolicy: PyramidPolicyInput = {
  name: 'by profit',
  cut: 'profit_threshold',
  zones: [
    { id: 'vip', label: 'VIP', strategy: 'keep', minProfitMinor: 500 },
    { id: 'regular', label: 'Regular', strategy: 'serve_passively', minProfitMinor: 0 },
    { id: 'loss', label: 'Loss', strategy: 'reduce_cost_or_exit', minProfitMinor: null },
  ],
};

const profitSharePolicy: PyramidPolicyInput = {
  name: 'by profit share',
  cut: 'cumulative_profit_share',
  zones: [
    { id: 'first_half', label: 'First half of profit', strategy: 'keep', profitShare: 0.5 },
    { id: 'next_30', label: 'Next 30 %', strategy: 'grow', profitShare: 0.3 },
    { id: 'rest', label: 'Rest', strategy: 'serve_passively', profitShare: 0.2 },
  ],
};

describe('assignPyramid with the five-zone default', () => {
  it('splits 300 customers 15 / 30 / 60 / 75 / 120, most profitable first', () => {
    // Customer i (0-based) makes (300 − i) × 100 fen, so C000 is the most profitable.
    const values = Array.from({ length: 300 }, (_, i) => ({ customerId: customerId(i), profitMinor: (300 - i) * 100 }));
    const result = assignPyramid(values);
    expect(result.zones.map((zone) => zone.customerCount)).toEqual([15, 30, 60, 75, 120]);
    const members = zoneMembers(result);
    expect(members.top).toEqual(Array.from({ length: 15 }, (_, i) => customerId(i)));
    expect(members.high![0]).toBe('C015');
    expect(members.loss_making![0]).toBe('C180');
    expect(result.zones.map((zone) => zone.customerShare)).toEqual([0.05, 0.1, 0.2, 0.25, 0.4]);
    expect(result.zones.map((zone) => zone.strategy)).toEqual(['keep', 'grow', 'develop', 'serve_passively', 'reduce_cost_or_exit']);
  });

  it('reports rank, percentile, zone totals and shares computed by hand', () => {
    // 10 customers: quotas 0.5, 1, 2, 2.5, 4 → whole parts 0, 1, 2, 2, 4 (9); the one left goes to
    // the largest remainder, a tie of 0.5 between top and low that goes to the upper zone: 1/1/2/2/4.
    const profits = [900, 500, 400, 300, 200, 100, 50, 0, -100, -200];
    const values = profits.map((profitMinor, i) => ({ customerId: customerId(i + 1), profitMinor, revenueMinor: 1000 }));
    const result = assignPyramid(values);
    expect(zoneMembers(result)).toEqual({
      top: ['C001'],
      high: ['C002'],
      middle: ['C003', 'C004'],
      low: ['C005', 'C006'],
      loss_making: ['C007', 'C008', 'C009', 'C010'],
    });
    // Total profit: 900 + 500 + 400 + 300 + 200 + 100 + 50 + 0 − 100 − 200 = 2150.
    expect(result.profitMinor).toBe(2150);
    expect(result.revenueMinor).toBe(10_000);
    const loss = result.zones[4]!;
    expect(loss).toEqual({
      id: 'loss_making',
      label: 'Loss-making',
      strategy: 'reduce_cost_or_exit',
      customerCount: 4,
      customerShare: 0.4,
      profitMinor: -250, // 50 + 0 − 100 − 200
      profitShare: -250 / 2150,
      revenueMinor: 4000,
      revenueShare: 0.4,
      minProfitMinor: -200,
      maxProfitMinor: 50,
      lossMakingCount: 2,
    });
    expect(result.zones[0]!.profitShare).toBeCloseTo(900 / 2150, 12);
    expect(result.zones[2]!.profitMinor).toBe(700);
    expect(result.assignments[0]).toEqual({
      customerId: 'C001',
      segment: 'top',
      zoneIndex: 0,
      rank: 1,
      percentile: 1,
      profitMinor: 900,
      revenueMinor: 1000,
    });
    expect(result.assignments[9]!.percentile).toBeCloseTo(0.1, 12);
    expect(result.assignments[9]!.rank).toBe(10);
  });

  it('reports revenue as null when no revenue is supplied', () => {
    const result = assignPyramid([{ customerId: 'a', profitMinor: 1 }]);
    expect(result.revenueMinor).toBeNull();
    expect(result.zones.every((zone) => zone.revenueMinor === null && zone.revenueShare === null)).toBe(true);
    expect(result.assignments[0]!.revenueMinor).toBeNull();
  });

  it('gives an empty base empty zones with undefined shares', () => {
    const result = assignPyramid([]);
    expect(result.customerCount).toBe(0);
    expect(result.assignments).toEqual([]);
    for (const zone of result.zones) {
      expect(zone).toMatchObject({ customerCount: 0, customerShare: null, profitMinor: 0, profitShare: null, minProfitMinor: null, maxProfitMinor: null });
    }
  });

  it('puts a single customer in the zone with the largest share, as largest remainder says', () => {
    // Quotas 0.05, 0.1, 0.2, 0.25, 0.4: no whole parts; the one customer goes to the largest remainder (0.4).
    const result = assignPyramid([{ customerId: 'only', profitMinor: 1_000_000 }]);
    expect(result.assignments[0]).toMatchObject({ segment: 'loss_making', rank: 1, percentile: 1 });
    // A threshold policy places the same customer by its profit instead.
    expect(assignPyramid([{ customerId: 'only', profitMinor: 1_000_000 }], thresholdPolicy).assignments[0]!.segment).toBe('vip');
  });

  it('ranks negative profits below zero, smallest loss first', () => {
    const result = assignPyramid([
      { customerId: 'a', profitMinor: -500 },
      { customerId: 'b', profitMinor: -10 },
      { customerId: 'c', profitMinor: 0 },
    ]);
    expect(result.assignments.map((a) => a.customerId)).toEqual(['c', 'b', 'a']);
    expect(result.profitMinor).toBe(-510);
    // 3 customers: quotas 0.15, 0.3, 0.6, 0.75, 1.2 → whole parts 0/0/0/0/1, the two left go to the
    // largest remainders 0.75 (low) and 0.6 (middle). Shares are of the net total −510.
    expect(result.assignments.map((a) => a.segment)).toEqual(['middle', 'low', 'loss_making']);
    expect(result.zones[4]!.profitShare).toBeCloseTo(500 / 510, 12);
  });
});

describe('assignPyramid ties', () => {
  it('orders equal profits by customer id in code-unit order, whatever the input order', () => {
    const values = [
      { customerId: 'C9', profitMinor: 100 },
      { customerId: 'C10', profitMinor: 100 },
      { customerId: 'B', profitMinor: 100 },
    ];
    // 'B' < 'C10' < 'C9' comparing UTF-16 code units ('1' < '9').
    expect(assignPyramid(values).assignments.map((a) => a.customerId)).toEqual(['B', 'C10', 'C9']);
    expect(assignPyramid([...values].reverse()).assignments.map((a) => a.customerId)).toEqual(['B', 'C10', 'C9']);
  });

  it('splits all-equal profits by id into exact zone sizes, or keeps them in the top zone with same_zone', () => {
    // 20 customers: quotas 1, 2, 4, 5, 8 exactly.
    const values = Array.from({ length: 20 }, (_, i) => ({ customerId: customerId(i), profitMinor: 5000 }));
    expect(assignPyramid(values).zones.map((zone) => zone.customerCount)).toEqual([1, 2, 4, 5, 8]);
    const together = assignPyramid(values, { ...defaultPyramidPolicy, ties: 'same_zone' });
    expect(together.zones.map((zone) => zone.customerCount)).toEqual([20, 0, 0, 0, 0]);
  });

  it('with same_zone moves a tie group straddling a boundary up into the zone of its best-ranked member', () => {
    // 20 customers, zone sizes 1/2/4/5/8. C000 and C001 tie at the top: by id the top zone holds C000
    // only; with same_zone C001 joins it and the high zone keeps only C002.
    const profits = [1000, 1000, 900, 800, 700, 600, 500, 400, 300, 200, 100, 90, 80, 70, 60, 50, 40, 30, 20, 10];
    const values = profits.map((profitMinor, i) => ({ customerId: customerId(i), profitMinor }));
    expect(zoneMembers(assignPyramid(values)).top).toEqual(['C000']);
    const together = assignPyramid(values, { ...defaultPyramidPolicy, ties: 'same_zone' });
    expect(zoneMembers(together).top).toEqual(['C000', 'C001']);
    expect(zoneMembers(together).high).toEqual(['C002']);
    expect(together.zones.map((zone) => zone.customerCount)).toEqual([2, 1, 4, 5, 8]);
  });
});

describe('assignPyramid with other policies', () => {
  it('cuts the four tiers platinum / gold / iron / lead on the five-zone boundaries', () => {
    const values = Array.from({ length: 300 }, (_, i) => ({ customerId: customerId(i), profitMinor: 300 - i }));
    const tiers = assignPyramid(values, fourTierPyramidPolicy);
    expect(tiers.zones.map((zone) => [zone.id, zone.customerCount])).toEqual([
      ['platinum', 15],
      ['gold', 30],
      ['iron', 135],
      ['lead', 120],
    ]);
    const zones = zoneMembers(assignPyramid(values));
    const tierMembers = zoneMembers(tiers);
    expect(tierMembers.platinum).toEqual(zones.top);
    expect(tierMembers.lead).toEqual(zones.loss_making);
  });

  it('cuts by profit thresholds, a minimum reached counting as in', () => {
    const result = assignPyramid(
      [
        { customerId: 'a', profitMinor: 900 },
        { customerId: 'b', profitMinor: 500 },
        { customerId: 'c', profitMinor: 499 },
        { customerId: 'd', profitMinor: 0 },
        { customerId: 'e', profitMinor: -1 },
      ],
      thresholdPolicy,
    );
    expect(zoneMembers(result)).toEqual({ vip: ['a', 'b'], regular: ['c', 'd'], loss: ['e'] });
  });

  it('cuts by cumulative profit share, the customer crossing a boundary completing the zone above', () => {
    // Positive total 100. a: 0 % above it → first half; b: 50 % above (not below 50 %) → next 30 %;
    // c: 80 % above → rest; d: 90 %; e (a loss) adds nothing → rest.
    const result = assignPyramid(
      [
        { customerId: 'a', profitMinor: 50 },
        { customerId: 'b', profitMinor: 30 },
        { customerId: 'c', profitMinor: 10 },
        { customerId: 'd', profitMinor: 10 },
        { customerId: 'e', profitMinor: -5 },
      ],
      profitSharePolicy,
    );
    expect(zoneMembers(result)).toEqual({ first_half: ['a'], next_30: ['b'], rest: ['c', 'd', 'e'] });
    // 40 / 40 / 20 against 50 / 50: the second customer starts at 40 % (< 50 %) and completes the top.
    const halves = assignPyramid(
      [
        { customerId: 'a', profitMinor: 40 },
        { customerId: 'b', profitMinor: 40 },
        { customerId: 'c', profitMinor: 20 },
      ],
      {
        name: 'halves',
        cut: 'cumulative_profit_share',
        zones: [
          { id: 'upper', label: 'Upper', strategy: 'keep', profitShare: 0.5 },
          { id: 'lower', label: 'Lower', strategy: 'serve_passively', profitShare: 0.5 },
        ],
      },
    );
    expect(zoneMembers(halves)).toEqual({ upper: ['a', 'b'], lower: ['c'] });
  });

  it('puts everyone in the last zone when nobody makes a positive profit under a profit-share cut', () => {
    const result = assignPyramid(
      [
        { customerId: 'a', profitMinor: 0 },
        { customerId: 'b', profitMinor: -3 },
      ],
      profitSharePolicy,
    );
    expect(zoneMembers(result)).toEqual({ first_half: [], next_30: [], rest: ['a', 'b'] });
  });
});

describe('assignPyramid bad input', () => {
  it('rejects duplicate customer ids, naming both places', () => {
    const issues = issuesOf(() =>
      assignPyramid([
        { customerId: 'a', profitMinor: 1 },
        { customerId: 'b', profitMinor: 2 },
        { customerId: 'a', profitMinor: 3 },
      ]),
    );
    expect(issues).toEqual([{ path: 'values[2].customerId', message: expect.stringContaining('first at values[0]') }]);
  });

  it('rejects missing, fractional and non-numeric profits with their paths', () => {
    const bad = [
      { customerId: 'a', profitMinor: 1 },
      { customerId: 'b' },
      { customerId: 'c', profitMinor: 1.5 },
      { customerId: 'd', profitMinor: Number.NaN },
      { customerId: 'e', profitMinor: '100' },
      { customerId: '', profitMinor: 1 },
      null,
    ] as never;
    expect(issuesOf(() => assignPyramid(bad)).map((issue) => issue.path)).toEqual([
      'values[1].profitMinor',
      'values[2].profitMinor',
      'values[3].profitMinor',
      'values[4].profitMinor',
      'values[5].customerId',
      'values[6]',
    ]);
    expect(() => assignPyramid('nope' as never)).toThrow(ValidationError);
  });

  it('rejects revenue given for some customers but not others, and negative revenue', () => {
    const issues = issuesOf(() =>
      assignPyramid([
        { customerId: 'a', profitMinor: 1, revenueMinor: 10 },
        { customerId: 'b', profitMinor: 1 },
      ]),
    );
    expect(issues[0]).toEqual({ path: 'values[1].revenueMinor', message: expect.stringContaining('for every customer or for none') });
    expect(issuesOf(() => assignPyramid([{ customerId: 'a', profitMinor: 1, revenueMinor: -1 }]))[0]!.path).toBe('values[0].revenueMinor');
  });

  it('rejects totals beyond the safe integer range', () => {
    const big = Number.MAX_SAFE_INTEGER;
    expect(() =>
      assignPyramid([
        { customerId: 'a', profitMinor: big },
        { customerId: 'b', profitMinor: big },
      ]),
    ).toThrow(/safe integer range/);
  });

  it('rejects an invalid policy before computing', () => {
    expect(() => assignPyramid([], { ...defaultPyramidPolicy, zones: defaultPyramidPolicy.zones.slice(1) })).toThrow(ValidationError);
  });
});

describe('assignPyramid properties', () => {
  const policies: PyramidPolicyInput[] = [
    defaultPyramidPolicy,
    { ...defaultPyramidPolicy, ties: 'same_zone' },
    fourTierPyramidPolicy,
    thresholdPolicy,
    profitSharePolicy,
    { ...profitSharePolicy, ties: 'same_zone' },
  ];
  const arbitraryInput = fc.record({
    rows: rowsArbitrary(fc.integer({ min: -20, max: 40 })),
    policy: fc.constantFrom(...policies),
    seeds: fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
  });

  it('zone counts always sum to the base, each customer assigned once', () => {
    fc.assert(
      fc.property(arbitraryInput, ({ rows, policy }) => {
        const result = assignPyramid(rows.map((row) => ({ customerId: row.customerId, profitMinor: row.value })), policy);
        expect(result.zones.reduce((sum, zone) => sum + zone.customerCount, 0)).toBe(rows.length);
        expect(new Set(result.assignments.map((a) => a.customerId)).size).toBe(rows.length);
        expect(result.zones.reduce((sum, zone) => sum + zone.profitMinor, 0)).toBe(rows.reduce((sum, row) => sum + row.value, 0));
      }),
    );
  });

  it('customer-share zone sizes stay within one of their exact quota (by-id ties)', () => {
    fc.assert(
      fc.property(rowsArbitrary(fc.integer({ min: -5, max: 5 }), { maxLength: 120 }), (rows) => {
        const result = assignPyramid(rows.map((row) => ({ customerId: row.customerId, profitMinor: row.value })));
        result.zones.forEach((zone, index) => {
          const quota = rows.length * defaultPyramidPolicy.zones[index]!.customerShare;
          expect(Math.abs(zone.customerCount - quota)).toBeLessThan(1);
        });
      }),
    );
  });

  it('never puts a customer with more profit in a lower zone than one with less', () => {
    fc.assert(
      fc.property(arbitraryInput, ({ rows, policy }) => {
        const result = assignPyramid(rows.map((row) => ({ customerId: row.customerId, profitMinor: row.value })), policy);
        for (const a of result.assignments) {
          for (const b of result.assignments) {
            if (a.profitMinor > b.profitMinor) expect(a.zoneIndex).toBeLessThanOrEqual(b.zoneIndex);
          }
        }
      }),
    );
  });

  it('keeps equal profits in one zone under same_zone and threshold policies', () => {
    fc.assert(
      fc.property(arbitraryInput, ({ rows, policy }) => {
        const parsed = definePyramidPolicy(policy);
        if (parsed.ties !== 'same_zone' && parsed.cut !== 'profit_threshold') return;
        const result = assignPyramid(rows.map((row) => ({ customerId: row.customerId, profitMinor: row.value })), parsed);
        const zoneOfProfit = new Map<number, number>();
        for (const a of result.assignments) {
          const known = zoneOfProfit.get(a.profitMinor);
          if (known !== undefined) expect(a.zoneIndex).toBe(known);
          zoneOfProfit.set(a.profitMinor, a.zoneIndex);
        }
      }),
    );
  });

  it('does not depend on input order', () => {
    fc.assert(
      fc.property(arbitraryInput, ({ rows, policy, seeds }) => {
        const values = rows.map((row) => ({ customerId: row.customerId, profitMinor: row.value, revenueMinor: Math.abs(row.value) }));
        expect(assignPyramid(shuffled(values, seeds), policy)).toEqual(assignPyramid(values, policy));
      }),
    );
  });

  it('orders large groups of equal profit by id exactly as `<` compares strings', () => {
    // Groups of 60–300 equal profits exercise the radix sort of tie runs; ids mix ASCII, accented
    // and CJK letters, a supplementary-plane character (a surrogate pair) and shared prefixes.
    const chars = ['a', 'b', 'B', '0', '9', '-', ' ', 'é', 'ÿ', 'Ā', '中', '䶮', '𠀀', '\uffff'];
    const id = fc
      .array(fc.constantFrom(...chars), { minLength: 1, maxLength: 6 })
      .map((parts) => parts.join(''))
      .filter((text) => text.trim() === text);
    fc.assert(
      fc.property(fc.uniqueArray(id, { minLength: 60, maxLength: 300 }), fc.integer({ min: -2, max: 2 }), (ids, profit) => {
        const values = ids.map((customerId, i) => ({ customerId, profitMinor: i % 7 === 0 ? profit + 10 : profit }));
        const expected = [...values]
          .sort((a, b) => b.profitMinor - a.profitMinor || (a.customerId < b.customerId ? -1 : 1))
          .map((value) => value.customerId);
        expect(assignPyramid(values).assignments.map((a) => a.customerId)).toEqual(expected);
      }),
      { numRuns: 40 },
    );
  });

  it('ranks profits spanning more than 2³² minor units the same way', () => {
    // Beyond the packed-key range the ranking falls back to a comparator sort.
    const values = [
      { customerId: 'b', profitMinor: 2 ** 40 },
      { customerId: 'a', profitMinor: -(2 ** 40) },
      { customerId: 'c', profitMinor: 0 },
      { customerId: 'd', profitMinor: 0 },
    ];
    expect(assignPyramid(values).assignments.map((a) => a.customerId)).toEqual(['b', 'c', 'd', 'a']);
  });

  it('ranks as a brute-force sort by profit descending then id ascending', () => {
    // Small ranges (many ties) and huge ones (beyond the packed-key range) alike.
    const profit = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom(2 ** 45, -(2 ** 45), 2 ** 33));
    fc.assert(
      fc.property(rowsArbitrary(profit, { maxLength: 120 }), (rows) => {
        const expected = [...rows]
          .sort((a, b) => (b.value !== a.value ? b.value - a.value : a.customerId < b.customerId ? -1 : 1))
          .map((row) => row.customerId);
        const result = assignPyramid(rows.map((row) => ({ customerId: row.customerId, profitMinor: row.value })));
        expect(result.assignments.map((a) => a.customerId)).toEqual(expected);
        expect(result.assignments.map((a) => a.rank)).toEqual(expected.map((_, i) => i + 1));
      }),
    );
  });
});
