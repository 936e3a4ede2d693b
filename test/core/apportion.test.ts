import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ValidationError, apportion } from '../../src/core/index.js';

describe('apportion (largest remainder)', () => {
  it('splits 300 customers 5/10/20/25/40 % into 15/30/60/75/120', () => {
    expect(apportion(300, [0.05, 0.1, 0.2, 0.25, 0.4])).toEqual([15, 30, 60, 75, 120]);
  });

  it('hands the missing units to the largest remainders, ties to the earlier weight', () => {
    // quotas 2.333.. each: whole parts 2,2,2 and one unit left for the first.
    expect(apportion(7, [1, 1, 1])).toEqual([3, 2, 2]);
    // 101 at 5/10/20/25/40: quotas 5.05, 10.1, 20.2, 25.25, 40.4 → wholes 100, one unit to 40.4.
    expect(apportion(101, [0.05, 0.1, 0.2, 0.25, 0.4])).toEqual([5, 10, 20, 25, 41]);
    expect(apportion(1, [0.05, 0.1, 0.2, 0.25, 0.4])).toEqual([0, 0, 0, 0, 1]);
    expect(apportion(0, [1, 2])).toEqual([0, 0]);
  });

  it('rejects bad input', () => {
    expect(() => apportion(-1, [1])).toThrow(ValidationError);
    expect(() => apportion(1.5, [1])).toThrow(ValidationError);
    expect(() => apportion(3, [1, -1])).toThrow(/weights\[1\]/);
    expect(() => apportion(3, [0, 0])).toThrow(ValidationError);
    expect(() => apportion(3, [Number.NaN])).toThrow(ValidationError);
  });

  it('always sums to the total and stays within one of each exact quota', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 12 }).filter((w) => w.some((x) => x > 0)),
        (total, weights) => {
          const parts = apportion(total, weights);
          const sum = weights.reduce((a, b) => a + b, 0);
          expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
          parts.forEach((part, index) => {
            const quota = (total * weights[index]!) / sum;
            expect(Number.isInteger(part)).toBe(true);
            expect(Math.abs(part - quota)).toBeLessThan(1 + 1e-9);
          });
        },
      ),
    );
  });
});
