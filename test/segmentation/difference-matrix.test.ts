import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyDifferenceMatrix, needDifference, valueDifference } from 'dealer-crm/segmentation';
import { issuesOf } from '../support/errors.js';

describe('classifyDifferenceMatrix', () => {
  it('places groups in the four cells, a measure at the cut counting as high', () => {
    const result = classifyDifferenceMatrix([
      { groupId: 'luxury', valueDifference: 0.8, needDifference: 0.7 },
      { groupId: 'fleet', valueDifference: 0.5, needDifference: 0.2 },
      { groupId: 'young', valueDifference: 0.3, needDifference: 0.5 },
      { groupId: 'economy', valueDifference: 0.1, needDifference: 0.1 },
    ]);
    expect(result.map((row) => [row.groupId, row.segment])).toEqual([
      ['luxury', 'one_to_one'],
      ['fleet', 'loyalty_building'],
      ['young', 'niche'],
      ['economy', 'mass_marketing'],
    ]);
    expect(result[0]).toEqual({ groupId: 'luxury', valueDifference: 0.8, needDifference: 0.7, segment: 'one_to_one' });
  });

  it('takes configurable cuts', () => {
    const [row] = classifyDifferenceMatrix([{ groupId: 'g', valueDifference: 0.6, needDifference: 0.6 }], { valueDifferenceCut: 0.7, needDifferenceCut: 0.7 });
    expect(row!.segment).toBe('mass_marketing');
    expect(classifyDifferenceMatrix([])).toEqual([]);
  });

  it('rejects measures outside 0–1 and duplicate group ids', () => {
    expect(issuesOf(() => classifyDifferenceMatrix([{ groupId: 'g', valueDifference: 75, needDifference: 0 }]))[0]!.path).toBe('groups[0].valueDifference');
    expect(
      issuesOf(() =>
        classifyDifferenceMatrix([
          { groupId: 'g', valueDifference: 0, needDifference: 0 },
          { groupId: 'g', valueDifference: 0, needDifference: 0 },
        ]),
      )[0]!.path,
    ).toBe('groups[1].groupId');
    expect(issuesOf(() => classifyDifferenceMatrix([], { needDifferenceCut: 2 }))[0]!.path).toBe('needDifferenceCut');
  });
});

describe('valueDifference', () => {
  it('is the Gini coefficient of the values', () => {
    expect(valueDifference([100, 100, 100, 100])).toBe(0);
    // Pairs (i, j): 3 zeros × one 400 × 2 orders = 6 pairs of |0 − 400|, sum 2400; 2 n² μ = 2 × 16 × 100 = 3200.
    expect(valueDifference([0, 0, 0, 400])).toBeCloseTo(0.75, 12);
    // 1, 2, 3: |differences| over all ordered pairs = 2 × (1 + 2 + 1) = 8; 2 n² μ = 2 × 9 × 2 = 36.
    expect(valueDifference([3, 1, 2])).toBeCloseTo(8 / 36, 12);
    expect(valueDifference([])).toBe(0);
    expect(valueDifference([0, 0])).toBe(0);
  });

  it('agrees with the brute-force double sum', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10_000 }), { maxLength: 40 }), (values) => {
        const n = values.length;
        const total = values.reduce((a, b) => a + b, 0);
        let pairs = 0;
        for (const x of values) for (const y of values) pairs += Math.abs(x - y);
        const expected = total === 0 ? 0 : pairs / (2 * n * total);
        expect(valueDifference(values)).toBeCloseTo(expected, 9);
      }),
    );
  });

  it('rejects negative and fractional values', () => {
    expect(issuesOf(() => valueDifference([1, -1]))[0]).toEqual({ path: 'valuesMinor[1]', message: expect.stringContaining('clamp profit at zero') });
    expect(issuesOf(() => valueDifference([0.5]))[0]!.path).toBe('valuesMinor[0]');
  });
});

describe('needDifference', () => {
  it('is the chance two customers drawn at random have different needs', () => {
    // Shares 0.5, 0.25, 0.25: 1 − (0.25 + 0.0625 + 0.0625) = 0.625.
    expect(needDifference(['maintenance', 'maintenance', 'accident', 'tyres'])).toBeCloseTo(0.625, 12);
    expect(needDifference(['a', 'a', 'a'])).toBe(0);
    expect(needDifference(['a', 'b'])).toBeCloseTo(0.5, 12);
    expect(needDifference(Array.from({ length: 10 }, (_, i) => `need ${i}`))).toBeCloseTo(0.9, 12);
    expect(needDifference([])).toBe(0);
  });

  it('agrees with counting unequal ordered pairs', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { minLength: 1, maxLength: 30 }), (needs) => {
        let unequal = 0;
        for (const x of needs) for (const y of needs) if (x !== y) unequal++;
        expect(needDifference(needs)).toBeCloseTo(unequal / needs.length ** 2, 12);
      }),
    );
  });

  it('rejects empty labels', () => {
    expect(issuesOf(() => needDifference(['a', '']))[0]!.path).toBe('needs[1]');
  });
});
