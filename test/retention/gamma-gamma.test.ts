import { describe, expect, test } from 'vitest';
import { ValidationError } from 'dealer-crm/core';
import fc from 'fast-check';
import { fitGammaGamma, gammaGammaExpectedSpend, observedMeanSpend, type SpendHistory } from 'dealer-crm/retention';
import { loadCdnow } from './helpers/cdnow.js';
import { expectRecoversParameters } from './helpers/checks.js';
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

describe('fitGammaGamma is equivariant in the unit of spend, with or without a penalty', () => {
  const dollars: SpendHistory[] = loadCdnow().map((c) => ({ frequency: c.frequency, meanRepeatSpendMinor: c.frequency > 0 ? c.meanRepeatSpend : null }));
  const cents: SpendHistory[] = dollars.map((c) => ({ frequency: c.frequency, meanRepeatSpendMinor: c.meanRepeatSpendMinor === null ? null : c.meanRepeatSpendMinor * 100 }));
  const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

  test.each([0, 0.001, 0.01, 0.1])('penalty %s: spends × 100 give γ × 100 and the same p and q', (penalty) => {
    const inDollars = fitGammaGamma(dollars, { penalty });
    const inCents = fitGammaGamma(cents, { penalty });
    expect(inDollars.converged).toBe(true);
    expect(inCents.converged).toBe(true);
    expect(relative(inCents.params.p, inDollars.params.p)).toBeLessThan(1e-6);
    expect(relative(inCents.params.q, inDollars.params.q)).toBeLessThan(1e-6);
    expect(relative(inCents.params.gamma, 100 * inDollars.params.gamma)).toBeLessThan(1e-6);
    expect(relative(inCents.standardErrors!.gamma, 100 * inDollars.standardErrors!.gamma)).toBeLessThan(1e-4);
    // The density of a mean spend in cents is a hundredth of that in dollars: LL drops by N · ln 100.
    expect(inCents.logLikelihood).toBeCloseTo(inDollars.logLikelihood - 946 * Math.log(100), 4);
  });

  test('without a penalty both reproduce the published p 6.25, q 3.74, γ 15.44 dollars', () => {
    for (const [spend, unit] of [[dollars, 1], [cents, 100]] as const) {
      const fit = fitGammaGamma(spend);
      expect([sig3(fit.params.p), sig3(fit.params.q)]).toEqual([6.25, 3.74]);
      // 15.448 here; lifetimes prints 15.45, the note 15.44.
      expect(Math.abs(fit.params.gamma / unit - 15.44)).toBeLessThan(0.01);
    }
  });

  test('a small penalty on spend in minor units shrinks the estimates a little, and does not crush γ', () => {
    // Penalising γ itself (lifetimes' convention) at 0.001 on CDNOW in cents drives γ from 1545 to 12
    // and q to 0.35 < 1, an infinite population mean spend. Relative to the mean spend it stays sane.
    const plain = fitGammaGamma(cents);
    const penalised = fitGammaGamma(cents, { penalty: 0.001 });
    expect(penalised.converged).toBe(true);
    expect(penalised.penalty).toBe(0.001);
    expect(penalised.params.q).toBeGreaterThan(1);
    expect(penalised.params.gamma).toBeGreaterThan(1000);
    const mean = ({ p, q, gamma }: { p: number; q: number; gamma: number }) => (p * gamma) / (q - 1);
    // The population mean spend pγ/(q − 1) moves by less than 5 % ($35.17 → $36.27).
    expect(relative(mean(penalised.params), mean(plain.params))).toBeLessThan(0.05);
    // The penalty costs likelihood.
    expect(penalised.logLikelihood).toBeLessThan(plain.logLikelihood);
  });

  test('for any unit factor, on a simulated base (property)', () => {
    const random = new Random(2024);
    const base: SpendHistory[] = [];
    for (let i = 0; i < 300; i++) {
      const nu = random.gamma(5, 20_000);
      const x = 1 + Math.floor(random.exponential(0.5));
      let total = 0;
      for (let k = 0; k < x; k++) total += random.gamma(4, nu);
      base.push({ frequency: x, meanRepeatSpendMinor: total / x });
    }
    fc.assert(
      fc.property(fc.double({ min: 1e-3, max: 1e4, noNaN: true }), fc.constantFrom(0, 0.001, 0.05), (factor, penalty) => {
        const reference = fitGammaGamma(base, { penalty });
        const scaled = fitGammaGamma(
          base.map((c) => ({ frequency: c.frequency, meanRepeatSpendMinor: c.meanRepeatSpendMinor! * factor })),
          { penalty },
        );
        expect(scaled.converged).toBe(true);
        expect(relative(scaled.params.p, reference.params.p)).toBeLessThan(1e-5);
        expect(relative(scaled.params.q, reference.params.q)).toBeLessThan(1e-5);
        expect(relative(scaled.params.gamma, factor * reference.params.gamma)).toBeLessThan(1e-5);
      }),
      { numRuns: 15, seed: 7 },
    );
  });
});

describe('fitGammaGamma on a base whose repeat buyers all spend the same', () => {
  const same: SpendHistory[] = [1, 2, 3, 1, 2, 4, 0].map((frequency) => ({ frequency, meanRepeatSpendMinor: frequency > 0 ? 80_000 : null }));

  test('does not converge (no between-customer variance identifies the model) and says so', () => {
    expect(() => fitGammaGamma(same)).toThrow(expect.objectContaining({ code: 'NOT_CONVERGED', message: expect.stringMatching(/the data do not identify it/) }));
    const fit = fitGammaGamma(same, { onNonConvergence: 'return' });
    expect(fit.converged).toBe(false);
    expect(fit.standardErrors).toBeNull();
  });

  test('the observed mean spend is the fallback: every repeat visit cost 80,000', () => {
    expect(observedMeanSpend(same)).toEqual({ model: 'observed-mean-spend', baseMeanSpendMinor: 80_000, repeatCustomers: 6 });
  });
});

describe('observedMeanSpend', () => {
  test('is the mean of all repeat visits of the base, Σ x·m̄ / Σ x', () => {
    const base = [
      { frequency: 1, meanRepeatSpendMinor: 600 },
      { frequency: 3, meanRepeatSpendMinor: 1000 },
      { frequency: 0, meanRepeatSpendMinor: null },
    ];
    expect(observedMeanSpend(base)).toEqual({ model: 'observed-mean-spend', baseMeanSpendMinor: 900, repeatCustomers: 2 });
  });

  test('a base without repeat visits has no spend to average, and a bad customer is named', () => {
    expect(() => observedMeanSpend([{ frequency: 0, meanRepeatSpendMinor: null }])).toThrow(expect.objectContaining({ code: 'MODEL_NOT_FITTED' }));
    expect(() => observedMeanSpend([{ frequency: 2, meanRepeatSpendMinor: -5 }])).toThrow(ValidationError);
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
    expectRecoversParameters(fit, truth);
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
