import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assignRfmSegments,
  defaultRfmSegmentPolicy,
  defineRfmSegmentPolicy,
  fmScore,
  rfmSegment,
  rfmSegmentDescriptions,
  RfmSegmentNameSchema,
  type RfmSegmentName,
} from 'dealer-crm/segmentation';
import { issuesOf } from '../support/errors.js';
import { shuffled } from './helpers.js';

// The rule table of the guide, written out cell by cell as an independent oracle.
// Rows are R = 5 down to 1, columns FM = 1 to 5.
const GRID: readonly (readonly RfmSegmentName[])[] = [
  ['new_customers', 'potential_loyalists', 'potential_loyalists', 'champions', 'champions'],
  ['promising', 'potential_loyalists', 'potential_loyalists', 'champions', 'champions'],
  ['about_to_sleep', 'need_attention', 'need_attention', 'loyal', 'loyal'],
  ['hibernating', 'hibernating', 'at_risk', 'at_risk', 'cannot_lose'],
  ['lost', 'lost', 'at_risk', 'cannot_lose', 'cannot_lose'],
];

/** FM as the guide defines it: the mean of F and M, halves rounded up (Math.round does that for positives). */
function oracleFm(f: number, m: number): number {
  return Math.round((f + m) / 2);
}

function oracle(r: number, f: number, m: number): RfmSegmentName {
  return GRID[5 - r]![oracleFm(f, m) - 1]!;
}

describe('RFM segments', () => {
  it('maps every one of the 125 score combinations to exactly one segment, as the rule table says', () => {
    let checked = 0;
    for (let r = 1; r <= 5; r++) {
      for (let f = 1; f <= 5; f++) {
        for (let m = 1; m <= 5; m++) {
          const covering = defaultRfmSegmentPolicy.rules.filter(
            (rule) => r >= rule.recency.min && r <= rule.recency.max && oracleFm(f, m) >= rule.fm.min && oracleFm(f, m) <= rule.fm.max,
          );
          expect(covering).toHaveLength(1);
          expect(rfmSegment({ recencyScore: r, frequencyScore: f, monetaryScore: m })).toBe(oracle(r, f, m));
          checked++;
        }
      }
    }
    expect(checked).toBe(125);
  });

  it('reaches all eleven segments', () => {
    const seen = new Set<string>();
    for (let r = 1; r <= 5; r++) for (let f = 1; f <= 5; f++) for (let m = 1; m <= 5; m++) seen.add(rfmSegment({ recencyScore: r, frequencyScore: f, monetaryScore: m }));
    expect([...seen].sort()).toEqual([...RfmSegmentNameSchema.options].sort());
    expect(seen.size).toBe(11);
  });

  it('reads hand-picked cells', () => {
    expect(rfmSegment({ recencyScore: 5, frequencyScore: 1, monetaryScore: 1 })).toBe('new_customers');
    expect(rfmSegment({ recencyScore: 1, frequencyScore: 5, monetaryScore: 5 })).toBe('cannot_lose');
    // F 3 + M 2 = 5 → FM 3 (2.5 rounded up) → R 3, FM 3 → need attention.
    expect(rfmSegment({ recencyScore: 3, frequencyScore: 3, monetaryScore: 2 })).toBe('need_attention');
    // F 1 + M 2 = 3 → FM 2 → R 2, FM 2 → hibernating.
    expect(rfmSegment({ recencyScore: 2, frequencyScore: 1, monetaryScore: 2 })).toBe('hibernating');
    expect(rfmSegment({ recencyScore: 4, frequencyScore: 4, monetaryScore: 3 })).toBe('champions');
    expect(rfmSegment({ recencyScore: 3, frequencyScore: 5, monetaryScore: 4 })).toBe('loyal');
  });

  it('combines F and M by the mean rounded half up', () => {
    expect([2, 3, 4, 5, 6, 7, 8, 9, 10].map((sum) => fmScore(1, sum - 1))).toEqual([1, 2, 2, 3, 3, 4, 4, 5, 5]);
  });

  it('maps a batch, counting the segments, in input order', () => {
    // Rows shaped like the customer module's scoreRfm output, extra fields included.
    const rows = [
      { customerId: 'a', recencyDays: 3, frequency: 9, revenueMinor: 1, grossProfitMinor: 1, recencyScore: 5, frequencyScore: 5, monetaryScore: 5, score: 555, code: '555' },
      { customerId: 'b', recencyDays: 400, frequency: 1, revenueMinor: 1, grossProfitMinor: 1, recencyScore: 1, frequencyScore: 1, monetaryScore: 1, score: 111, code: '111' },
      { customerId: 'c', recencyDays: 5, frequency: 8, revenueMinor: 1, grossProfitMinor: 1, recencyScore: 4, frequencyScore: 5, monetaryScore: 4, score: 454, code: '454' },
    ];
    const result = assignRfmSegments(rows);
    expect(result.assignments).toEqual([
      { customerId: 'a', segment: 'champions', recencyScore: 5, fmScore: 5 },
      { customerId: 'b', segment: 'lost', recencyScore: 1, fmScore: 1 },
      { customerId: 'c', segment: 'champions', recencyScore: 4, fmScore: 5 },
    ]);
    expect(result.counts.champions).toBe(2);
    expect(result.counts.lost).toBe(1);
    expect(result.counts.at_risk).toBe(0);
    expect(Object.keys(result.counts)).toHaveLength(11);
    expect(assignRfmSegments([]).assignments).toEqual([]);
  });

  it('rejects scores outside 1–5, fractions, strings and duplicate ids with paths', () => {
    const issues = issuesOf(() =>
      assignRfmSegments([
        { customerId: 'a', recencyScore: 0, frequencyScore: 1, monetaryScore: 1 },
        { customerId: 'b', recencyScore: 1, frequencyScore: 2.5, monetaryScore: 1 },
        { customerId: 'c', recencyScore: 1, frequencyScore: 1, monetaryScore: '3' },
        { customerId: 'a', recencyScore: 1, frequencyScore: 1, monetaryScore: 6 },
      ] as never),
    );
    expect(issues.map((issue) => issue.path)).toEqual([
      'scores[0].recencyScore',
      'scores[1].frequencyScore',
      'scores[2].monetaryScore',
      'scores[3].customerId',
      'scores[3].monetaryScore',
    ]);
    expect(issuesOf(() => rfmSegment({ recencyScore: 6, frequencyScore: 1, monetaryScore: 1 }))[0]!.path).toBe('recencyScore');
  });

  it('accepts a custom table that covers every cell once, and rejects gaps and overlaps', () => {
    const simple = defineRfmSegmentPolicy({
      rules: [
        { segment: 'champions', recency: { min: 3, max: 5 }, fm: { min: 1, max: 5 } },
        { segment: 'lost', recency: { min: 1, max: 2 }, fm: { min: 1, max: 5 } },
      ],
    });
    expect(rfmSegment({ recencyScore: 3, frequencyScore: 1, monetaryScore: 1 }, simple)).toBe('champions');
    expect(assignRfmSegments([{ customerId: 'x', recencyScore: 2, frequencyScore: 5, monetaryScore: 5 }], simple).assignments[0]!.segment).toBe('lost');
    const gap = issuesOf(() => defineRfmSegmentPolicy({ rules: [{ segment: 'champions', recency: { min: 2, max: 5 }, fm: { min: 1, max: 5 } }] }));
    expect(gap).toHaveLength(5);
    expect(gap[0]!.message).toBe('no rule covers R=1, FM=1; every cell must be covered by exactly one rule');
    const overlap = issuesOf(() =>
      defineRfmSegmentPolicy({
        rules: [
          { segment: 'champions', recency: { min: 1, max: 5 }, fm: { min: 1, max: 5 } },
          { segment: 'lost', recency: { min: 1, max: 1 }, fm: { min: 1, max: 1 } },
        ],
      }),
    );
    expect(overlap).toEqual([{ path: 'rules', message: 'R=1, FM=1 is covered by rules 0 and 1; every cell must be covered by exactly one rule' }]);
    expect(issuesOf(() => defineRfmSegmentPolicy({ rules: [{ segment: 'champions', recency: { min: 5, max: 1 }, fm: { min: 1, max: 5 } }] }))[0]!.path).toBe('rules[0].recency');
  });

  it('describes every segment', () => {
    for (const segment of RfmSegmentNameSchema.options) expect(rfmSegmentDescriptions[segment].length).toBeGreaterThan(20);
  });

  it('gives each customer the segment of its own scores, whatever the batch and its order', () => {
    const score = fc.integer({ min: 1, max: 5 });
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ customerId: fc.stringMatching(/^[A-Za-z0-9]{1,5}$/), recencyScore: score, frequencyScore: score, monetaryScore: score }), {
          selector: (row) => row.customerId,
          maxLength: 40,
        }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
        (rows, seeds) => {
          const result = assignRfmSegments(shuffled(rows, seeds));
          const byId = new Map(result.assignments.map((a) => [a.customerId, a.segment]));
          for (const row of rows) expect(byId.get(row.customerId)).toBe(oracle(row.recencyScore, row.frequencyScore, row.monetaryScore));
          expect(Object.values(result.counts).reduce((a, b) => a + b, 0)).toBe(rows.length);
        },
      ),
    );
  });
});
