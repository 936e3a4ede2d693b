import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  chiSquareUpperTail,
  gammaln,
  hyp2f1,
  logAddExp,
  logisticOfNegative,
  logNegativeBinomial,
  negativeBinomialTail,
  oneMinusExpOverRate,
  twoSidedNormalQuantile,
} from '../../src/retention/special.js';

describe('special-function helpers', () => {
  test('logAddExp is ln(e^u + e^v) without overflow', () => {
    expect(logAddExp(Math.log(2), Math.log(3))).toBeCloseTo(Math.log(5), 14);
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.LN2, 10);
    expect(logAddExp(-1000, -Infinity)).toBe(-1000);
  });

  test('logisticOfNegative is 1 / (1 + e^u) at both extremes', () => {
    expect(logisticOfNegative(0)).toBe(0.5);
    expect(logisticOfNegative(800)).toBeCloseTo(Math.exp(-800), 300);
    expect(logisticOfNegative(-800)).toBe(1);
  });

  test('oneMinusExpOverRate is (1 − e^(kL))/k, continuous through k = 0 where it is −L', () => {
    expect(oneMinusExpOverRate(0.5, Math.log(0.25))).toBeCloseTo((1 - 0.5) / 0.5, 14);
    expect(oneMinusExpOverRate(0, Math.log(0.25))).toBeCloseTo(-Math.log(0.25), 14);
    fc.assert(
      fc.property(fc.double({ min: -1e-6, max: 1e-6, noNaN: true }), fc.double({ min: -5, max: -0.01, noNaN: true }), (k, l) => {
        // Taylor: (1 − e^(kL))/k = −L − kL²/2 − k²L³/6 − …
        expect(oneMinusExpOverRate(k, l)).toBeCloseTo(-l - (k * l * l) / 2, 10);
      }),
    );
  });

  test('the negative-binomial tail equals 1 minus the summed probabilities', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0.05, max: 20, noNaN: true }), fc.double({ min: 0.02, max: 0.98, noNaN: true }), (n, r, q) => {
        let cdf = 0;
        for (let j = 0; j < n; j++) cdf += Math.exp(logNegativeBinomial(j, r, Math.log(q), Math.log1p(-q)));
        expect(negativeBinomialTail(n, r, q)).toBeCloseTo(1 - cdf, 10);
      }),
    );
  });

  test('the normal quantile for 95% is 1.959964 and for 90% 1.644854', () => {
    expect(twoSidedNormalQuantile(0.95)).toBeCloseTo(1.959963985, 8);
    expect(twoSidedNormalQuantile(0.9)).toBeCloseTo(1.644853627, 8);
  });

  test('the chi-square tail is 0.05 at the textbook critical values', () => {
    expect(chiSquareUpperTail(3.841458821, 1)).toBeCloseTo(0.05, 9);
    expect(chiSquareUpperTail(5.991464547, 2)).toBeCloseTo(0.05, 9);
    // With 2 degrees of freedom the tail is e^(−x/2).
    expect(chiSquareUpperTail(10, 2)).toBeCloseTo(Math.exp(-5), 12);
  });

  test('stdlib hyp2f1 agrees with its power series where the series converges fast', () => {
    // 2F1(a, b; c; z) = Σ (a)_k (b)_k / ((c)_k k!) z^k
    fc.assert(
      fc.property(
        fc.double({ min: -3, max: 30, noNaN: true }),
        fc.double({ min: -0.9, max: 10, noNaN: true }),
        fc.double({ min: 0.5, max: 40, noNaN: true }),
        fc.double({ min: 0, max: 0.6, noNaN: true }),
        (a, b, c, z) => {
          let term = 1;
          let sum = 1;
          for (let k = 0; k < 2000 && Math.abs(term) > 1e-18 * Math.abs(sum); k++) {
            term *= ((a + k) * (b + k) * z) / ((c + k) * (k + 1));
            sum += term;
          }
          expect(Math.abs(hyp2f1(a, b, c, z) - sum)).toBeLessThan(1e-9 * Math.max(1, Math.abs(sum)));
        },
      ),
    );
  });

  test('stdlib gammaln matches ln((n−1)!) for integers', () => {
    expect(gammaln(11)).toBeCloseTo(Math.log(3628800), 12);
  });
});
