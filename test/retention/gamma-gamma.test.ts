import { describe, expect, test } from 'vitest';
import { ValidationError } from 'dealer-crm/core';
import { fitGammaGamma, gammaGammaExpectedSpend, type SpendHistory } from 'dealer-crm/retention';
import { loadCdnow } from './helpers/cdnow.js';
import { Random } from './helpers/random.js';

const sig3 = (v: number) => Number(v.toPrecision(3));
/** CDNOW spend in cents, the minor unit of the dollar. */
const cdnowSpend: SpendHistory[] = loadCdnow().map((c) => ({ frequency: c.frequency, meanRepeatSpendMinor: c.frequency > 0 ? Math.round(c.meanRepeatSpend * 100) : null }));

describe('fitGammaGamma on the CDNOW sample', () => {
  const fit = fitGammaGamma(cdnowSpend);

  test('reproduces the published estimates to three significant digits (Fader & Hardie 2013: p 6.25, q 3.74, γ 15.44 dollars)', () => {
    expect(fit.converged).toBe(true);
    expect(sig3(fit.params.p)).toBe(6.25);
    expect(sig3(fit.params.q)).toBe(3.74);
    // γ is a rate on the spend scale: in cents it is 100 × the dollar figure.
    expect(sig3(fit.params.gamma / 100)).toBe(15.4);
  });

  test('uses only the 946 repeat buyers and reports the frequency–spend correlation (0.11 in the note)', () => {
    expect(fit.customers).toBe(946);
    expect(fit.frequencySpendCorrelation).toBeCloseTo(0.11, 2);
  });

  test('gives the same estimates whatever the currency unit (γ scales, p and q do not)', () => {
    const dollars = fitGammaGamma(loadCdnow().map((c) => ({ frequency: c.frequency, meanRepeatSpendMinor: c.frequency > 0 ? c.meanRepeatSpend : null })));
    expect(dollars.params.p).toBeCloseTo(fit.params.p, 3);
    expect(dollars.params.q).toBeCloseTo(fit.params.q, 3);
  });
});

describe('fitGammaGamma on simulated customers', () => {
  test('recovers known parameters within three standard errors', () => {
    const truth = { p: 4, q: 5, gamma: 20_000 };
    const random = new Random(31337);
    const customers: SpendHistory[] = [];
    for (let i = 0; i < 5000; i++) {
      const nu = random.gamma(truth.q, truth.gamma);
      const x = 1 + Math.floor(random.exponential(0.4));
      let total = 0;
      for (let k = 0; k < x; k++) total += random.gamma(truth.p, nu);
      customers.push({ frequency: x, meanRepeatSpendMinor: total / x });
    }
    const fit = fitGammaGamma(customers);
    expect(fit.converged).toBe(true);
    for (const key of ['p', 'q', 'gamma'] as const) {
      expect(Math.abs(fit.params[key] - truth[key])).toBeLessThan(3 * fit.standardErrors![key]);
    }
    expect(Math.abs(fit.frequencySpendCorrelation)).toBeLessThan(0.05);
  });
});

describe('gammaGammaExpectedSpend', () => {
  const params = { p: 6.25, q: 3.74, gamma: 1544 };

  test('is the posterior mean of p/ν, checked by numerical integration over ν', () => {
    for (const customer of [
      { frequency: 1, meanRepeatSpendMinor: 1000 },
      { frequency: 2, meanRepeatSpendMinor: 2235 },
      { frequency: 20, meanRepeatSpendMinor: 30_000 },
      { frequency: 0, meanRepeatSpendMinor: null },
    ]) {
      // Posterior of ν ∝ ν^(q−1) e^(−γν) · ν^(px) e^(−ν·x·m̄); trapezoid in ln ν.
      const { p, q, gamma } = params;
      const x = customer.frequency;
      const m = customer.meanRepeatSpendMinor ?? 0;
      const logWeights: number[] = [];
      for (let u = -20; u < 5; u += 0.001) logWeights.push((q + p * x) * u - (gamma + x * m) * Math.exp(u));
      const top = Math.max(...logWeights);
      let mass = 0;
      let moment = 0;
      logWeights.forEach((lw, k) => {
        const w = Math.exp(lw - top);
        mass += w;
        moment += w * (p / Math.exp(-20 + k * 0.001));
      });
      expect(gammaGammaExpectedSpend(params, customer)).toBe(Math.round(moment / mass));
    }
  });

  test('matches the hand computation 6.25 · (1544 + 2 · 2235) / (6.25 · 2 + 3.74 − 1) = 2466.4', () => {
    expect(gammaGammaExpectedSpend(params, { frequency: 2, meanRepeatSpendMinor: 2235 })).toBe(2466);
  });

  test('says the expected spend is infinite when p·x + q ≤ 1', () => {
    expect(() => gammaGammaExpectedSpend({ p: 2, q: 0.8, gamma: 100 }, { frequency: 0, meanRepeatSpendMinor: null })).toThrow(
      expect.objectContaining({ code: 'MODEL_NOT_FITTED' }),
    );
  });
});

describe('fitGammaGamma bad input', () => {
  test('a repeat buyer without a positive mean spend is a validation error naming the customer', () => {
    try {
      fitGammaGamma([
        { frequency: 1, meanRepeatSpendMinor: 500 },
        { frequency: 2, meanRepeatSpendMinor: 0 },
      ]);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues[0]!.path).toBe('customers[1].meanRepeatSpendMinor');
    }
  });

  test('fewer than two repeat buyers cannot be fitted and says why', () => {
    expect(() =>
      fitGammaGamma([
        { frequency: 0, meanRepeatSpendMinor: null },
        { frequency: 3, meanRepeatSpendMinor: 800 },
      ]),
    ).toThrow(expect.objectContaining({ code: 'MODEL_NOT_FITTED', message: expect.stringMatching(/1 of 2 customers made a repeat visit/) }));
  });
});
