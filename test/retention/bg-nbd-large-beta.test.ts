/**
 * BG/NBD predictions where the dropout Beta is very concentrated (a + b in the
 * thousands to millions) — what a fit returns when every customer of a small
 * base seems to drop out with the same probability. The closed form overflows
 * there; the predictions must stay finite and right.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import betaln from '@stdlib/math-base-special-betaln';
import { bgNbdConditionalExpectedVisits, bgNbdExpectedVisits } from 'dealer-crm/retention';

/** E[X(t)] for a known dropout probability p, λ ~ Gamma(r, α) integrated out: (1 − (α/(α+pt))^r)/p. */
const knownDropout = (r: number, alpha: number, p: number, t: number) => (1 - (alpha / (alpha + p * t)) ** r) / p;

/** E over p ~ Beta(a, b) of the above, by a plain midpoint rule over (0, 1) with 400,000 cells and the exact normalising constant. */
function bruteForce(r: number, alpha: number, a: number, b: number, t: number): number {
  const cells = 400_000;
  const lnB = betaln(a, b);
  let sum = 0;
  for (let i = 0; i < cells; i++) {
    const p = (i + 0.5) / cells;
    sum += Math.exp((a - 1) * Math.log(p) + (b - 1) * Math.log1p(-p) - lnB) * knownDropout(r, alpha, p, t);
  }
  return sum / cells;
}

describe('BG/NBD expected visits with a concentrated dropout distribution', () => {
  test('tends to the known-dropout value as a, b → ∞ with a/(a+b) fixed', () => {
    const [r, alpha, t] = [2.69, 157.16, 13];
    for (const p of [0.01, 0.046, 0.3, 0.8]) {
      const value = bgNbdExpectedVisits({ r, alpha, a: p * 1e9, b: (1 - p) * 1e9 }, t);
      expect(Number.isFinite(value)).toBe(true);
      expect(value / knownDropout(r, alpha, p, t) - 1).toBeLessThan(1e-6);
      expect(value / knownDropout(r, alpha, p, t) - 1).toBeGreaterThan(-1e-6);
    }
  });

  test('the fit a dealer base produced (a ≈ 234,000, b ≈ 4.8 million) predicts finite visits', () => {
    const model = { r: 2.6878754124037543, alpha: 157.15581432511914, a: 233931.71303335152, b: 4844392.502708268 };
    const value = bgNbdExpectedVisits(model, 13);
    expect(value).toBeCloseTo(knownDropout(model.r, model.alpha, model.a / (model.a + model.b), 13), 6);
    const conditional = bgNbdConditionalExpectedVisits(model, { frequency: 3, recency: 40, age: 52 }, 13);
    expect(Number.isFinite(conditional)).toBe(true);
    expect(conditional).toBeGreaterThan(0);
  });

  test('agrees with a brute-force integral over the dropout probability', () => {
    for (const [a, b] of [[300, 1500], [1200, 3000], [40, 2000]] as const) {
      const [r, alpha, t] = [1.5, 30, 26];
      expect(bgNbdExpectedVisits({ r, alpha, a, b }, t)).toBeCloseTo(bruteForce(r, alpha, a, b, t), 7);
    }
  });

  test('is continuous where it switches from the closed form to the integral (a + b = 1000)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.02, max: 0.95, noNaN: true }), fc.double({ min: 0.2, max: 10, noNaN: true }), fc.double({ min: 1, max: 500, noNaN: true }), fc.double({ min: 1, max: 104, noNaN: true }), (share, r, alpha, t) => {
        const below = bgNbdExpectedVisits({ r, alpha, a: share * 999.99999, b: (1 - share) * 999.99999 }, t);
        const above = bgNbdExpectedVisits({ r, alpha, a: share * 1000.00001, b: (1 - share) * 1000.00001 }, t);
        expect(Math.abs(above - below) / below).toBeLessThan(1e-8);
      }),
      { numRuns: 300 },
    );
  });
});
