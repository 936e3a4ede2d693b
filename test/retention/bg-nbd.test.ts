import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import betaln from '@stdlib/math-base-special-betaln';
import gammaln from '@stdlib/math-base-special-gammaln';
import { CrmError, ValidationError } from 'dealer-crm/core';
import {
  bgNbdConditionalExpectedVisits,
  bgNbdConditionalVisitProbability,
  bgNbdExpectedVisits,
  bgNbdProbabilityAlive,
  bgNbdVisitProbability,
  fitBgNbd,
  predictBgNbd,
  type BgNbdParameters,
  type VisitHistory,
} from 'dealer-crm/retention';
import { loadCdnow } from './helpers/cdnow.js';
import { expectDistributionMean, expectNewCustomerVisitsMatchSimulation, expectRecoversParameters } from './helpers/checks.js';
import { bgNbdGrid, bgNbdIndividual, integrate } from './helpers/oracle.js';
import {
  expectConditionalExpectedVisitsMatchPosterior,
  expectConditionalVisitProbabilityMatchesPosterior,
  expectProbabilityAliveMatchesPosterior,
  expectVisitProbabilityMatchesPrior,
  posteriorOf,
} from './helpers/posterior.js';
import { historyOf, Random, simulateBgNbdVisits, simulateHistories } from './helpers/random.js';

const cdnow = loadCdnow();
const published: BgNbdParameters = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

/** Rounds to three significant digits. */
const sig3 = (v: number) => Number(v.toPrecision(3));

/** FHL 2005 eq. (6), written out per customer with stdlib's gammaln and betaln. */
function naiveLogLikelihood(p: BgNbdParameters, histories: readonly VisitHistory[]): number {
  let ll = 0;
  for (const { frequency: x, recency: tx, age: t } of histories) {
    const common = gammaln(p.r + x) - gammaln(p.r) + p.r * Math.log(p.alpha);
    const first = Math.exp(betaln(p.a, p.b + x) - betaln(p.a, p.b) + common - (p.r + x) * Math.log(p.alpha + t));
    const second = x > 0 ? Math.exp(betaln(p.a + 1, p.b + x - 1) - betaln(p.a, p.b) + common - (p.r + x) * Math.log(p.alpha + tx)) : 0;
    ll += Math.log(first + second);
  }
  return ll;
}

describe('fitBgNbd on the CDNOW sample', () => {
  const fit = fitBgNbd(cdnow);

  test('reproduces the published estimates to three significant digits (FHL 2005: r 0.243, α 4.414, a 0.793, b 2.426)', () => {
    expect(fit.converged).toBe(true);
    expect(sig3(fit.params.r)).toBe(0.243);
    expect(sig3(fit.params.alpha)).toBe(4.41);
    expect(sig3(fit.params.a)).toBe(0.793);
    expect(sig3(fit.params.b)).toBe(2.43);
    expect(fit.params.alpha).toBeCloseTo(4.414, 2);
    expect(fit.params.b).toBeCloseTo(2.426, 2);
  });

  test('reproduces the published log-likelihood −9582.4', () => {
    expect(fit.logLikelihood).toBeCloseTo(-9582.4, 1);
    expect(naiveLogLikelihood(fit.params, cdnow)).toBeCloseTo(fit.logLikelihood, 6);
  });

  test('evaluates each distinct history once and reports the counts', () => {
    expect(fit.customers).toBe(2357);
    expect(fit.distinctHistories).toBe(new Set(cdnow.map((c) => `${c.frequency}|${c.recency}|${c.age}`)).size);
  });

  test('is a maximum: nudging any parameter by 1% lowers the naive log-likelihood', () => {
    const best = naiveLogLikelihood(fit.params, cdnow);
    for (const key of ['r', 'alpha', 'a', 'b'] as const) {
      for (const factor of [0.99, 1.01]) expect(naiveLogLikelihood({ ...fit.params, [key]: fit.params[key] * factor }, cdnow)).toBeLessThan(best);
    }
  });

  test('gives standard errors that match the curvature of the naive log-likelihood', () => {
    // Second difference of the naive LL along log r: Var(ln r) ≈ 1 / (−∂²LL/∂(ln r)²) when the other parameters are profiled;
    // the marginal SE is at least the conditional one, so check the ordering and the magnitude.
    const h = 1e-3;
    const at = (k: number) => naiveLogLikelihood({ ...fit.params, r: fit.params.r * Math.exp(k * h) }, cdnow);
    const curvature = -(at(1) - 2 * at(0) + at(-1)) / (h * h);
    const conditionalSe = fit.params.r / Math.sqrt(curvature);
    expect(fit.standardErrors!.r).toBeGreaterThanOrEqual(conditionalSe * 0.999);
    expect(fit.standardErrors!.r).toBeLessThan(conditionalSe * 10);
  });
});

describe('fitBgNbd on simulated customers', () => {
  test('recovers known parameters within three standard errors', () => {
    const truth = { r: 0.6, alpha: 8, a: 0.7, b: 3 };
    const random = new Random(20240607);
    const histories: VisitHistory[] = simulateHistories(random, 12_000, (age) => simulateBgNbdVisits(random, truth, age));
    expectRecoversParameters(fitBgNbd(histories), truth);
  });

  test('gives the same fit when customers are listed once per history or repeated', () => {
    const base = cdnow.slice(0, 300);
    const doubled = [...base, ...base];
    const one = fitBgNbd(base);
    const two = fitBgNbd(doubled);
    for (const key of ['r', 'alpha', 'a', 'b'] as const) expect(two.params[key]).toBeCloseTo(one.params[key], 5);
    expect(two.logLikelihood).toBeCloseTo(2 * one.logLikelihood, 6);
    // Twice the data: standard errors shrink by √2.
    expect(two.standardErrors!.r).toBeCloseTo(one.standardErrors!.r / Math.SQRT2, 4);
  });
});

describe('fitBgNbd options and failures', () => {
  test('an L2 penalty shrinks the parameters and costs likelihood', () => {
    const plain = fitBgNbd(cdnow);
    const penalised = fitBgNbd(cdnow, { penalty: 0.01 });
    const norm = (p: BgNbdParameters) => p.r ** 2 + p.alpha ** 2 + p.a ** 2 + p.b ** 2;
    expect(norm(penalised.params)).toBeLessThan(norm(plain.params));
    expect(penalised.logLikelihood).toBeLessThan(plain.logLikelihood);
    expect(penalised.penalty).toBe(0.01);
  });

  test('a fit that runs out of iterations throws NOT_CONVERGED with details by default', () => {
    try {
      fitBgNbd(cdnow, { maxIterations: 2 });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CrmError);
      expect((error as CrmError).code).toBe('NOT_CONVERGED');
      expect((error as CrmError).details).toMatchObject({ model: 'BG/NBD', iterations: 2 });
    }
  });

  test("a fit that runs out of iterations returns converged: false with onNonConvergence: 'return'", () => {
    const fit = fitBgNbd(cdnow, { maxIterations: 2, onNonConvergence: 'return' });
    expect(fit.converged).toBe(false);
    expect(fit.reason).toMatch(/after 2 iterations/);
    expect(fit.standardErrors).toBeNull();
    expect(Number.isFinite(fit.logLikelihood)).toBe(true);
  });

  test('a base whose dropout does not vary names the runaway parameters, and a penalty tames them', () => {
    // Every customer drops out with the same p = 0.2: the Beta(a, b) mixing distribution degenerates, a, b → ∞.
    const random = new Random(5);
    const histories: VisitHistory[] = [];
    for (let i = 0; i < 3000; i++) {
      const lambda = random.gamma(1, 10);
      const visits: number[] = [];
      for (let t = random.exponential(lambda); t < 52; t += random.exponential(lambda)) {
        visits.push(t);
        if (random.uniform() < 0.2) break;
      }
      histories.push(historyOf(visits, 52));
    }
    expect(() => fitBgNbd(histories)).toThrow(expect.objectContaining({ code: 'NOT_CONVERGED', message: expect.stringMatching(/a from 1\.00 to .*the data hardly identify/) }));
    const penalised = fitBgNbd(histories, { penalty: 0.001 });
    expect(penalised.converged).toBe(true);
    // The mean dropout a/(a+b) stays near the true 0.2 (the penalty pulls it a little).
    const meanDropout = penalised.params.a / (penalised.params.a + penalised.params.b);
    expect(meanDropout).toBeGreaterThan(0.15);
    expect(meanDropout).toBeLessThan(0.3);
  });

  test('a base without repeat buyers cannot be fitted and says why', () => {
    const histories = [
      { frequency: 0, recency: 0, age: 10 },
      { frequency: 0, recency: 0, age: 20 },
    ];
    expect(() => fitBgNbd(histories)).toThrow(expect.objectContaining({ code: 'MODEL_NOT_FITTED', message: expect.stringMatching(/none of the 2 customers made a repeat visit/) }));
  });

  test('empty input is a validation error', () => {
    expect(() => fitBgNbd([])).toThrow(ValidationError);
  });

  test('a negative age, a recency past the age, a fractional frequency are validation errors with paths', () => {
    try {
      fitBgNbd([
        { frequency: 1, recency: 2, age: 5 },
        { frequency: 1, recency: 1, age: -3 },
        { frequency: 1, recency: 9, age: 5 },
        { frequency: 1.5, recency: 1, age: 5 },
        { frequency: 0, recency: 1, age: 5 },
      ]);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.map((i) => i.path)).toEqual([
        'histories[1].age',
        'histories[1].recency',
        'histories[2].recency',
        'histories[3].frequency',
        'histories[4].recency',
      ]);
    }
  });

  test('bad options are validation errors', () => {
    expect(() => fitBgNbd(cdnow, { penalty: -1 })).toThrow(ValidationError);
    expect(() => fitBgNbd(cdnow, { initial: { r: 0 } })).toThrow(ValidationError);
  });
});

describe('BG/NBD predictions against direct numerical integration', () => {
  // A fine grid: the posterior of a frequent visitor (x = 29) is narrow in ln λ.
  const posterior = posteriorOf(bgNbdIndividual, bgNbdGrid(published, 0.1));
  const coarse = bgNbdGrid(published, 0.2);

  test('the marginal likelihood of each history matches FHL eq. (6)', () => {
    const { histories, likelihoods } = posterior;
    histories.forEach((h, i) => expect(Math.log(likelihoods[i]!)).toBeCloseTo(naiveLogLikelihood(published, [h]), 7));
  });

  test('P(alive | x, t_x, T) matches the posterior mass of "alive at T"', () => {
    expectProbabilityAliveMatchesPosterior(posterior, (h) => bgNbdProbabilityAlive(published, h));
  });

  test('E[Y(t) | x, t_x, T] matches the posterior mean of future visits', () => {
    expectConditionalExpectedVisitsMatchPosterior(posterior, (h, t) => bgNbdConditionalExpectedVisits(published, h, t));
  });

  test('E[X(t)] for a new customer matches the prior mean', () => {
    for (const t of [0.5, 39, 78, 1000]) {
      const expected = integrate(coarse, (l, p) => Math.log(bgNbdIndividual.expectedIfAlive(l, p, t)));
      expect(bgNbdExpectedVisits(published, t)).toBeCloseTo(expected, 7);
    }
  });

  test('P(X(t) = n) for a new customer matches the prior mixture', () => {
    expectVisitProbabilityMatchesPrior(bgNbdIndividual, coarse, (n, t) => bgNbdVisitProbability(published, n, t));
  });

  test('P(Y(t) = n | x, t_x, T) matches the posterior mixture', () => {
    expectConditionalVisitProbabilityMatchesPosterior(posterior, (h, n, t) => bgNbdConditionalVisitProbability(published, h, n, t));
  });

  test('E[X(t)] stays right where a + b = 1 (the hypergeometric c = 0)', () => {
    for (const p of [{ ...published, a: 0.4, b: 0.6 }, { ...published, a: 0.4, b: 0.6 + 1e-12 }, { ...published, a: 0.3, b: 0.5 }]) {
      const expected = integrate(bgNbdGrid(p, 0.2), (l, q) => Math.log(bgNbdIndividual.expectedIfAlive(l, q, 39)));
      expect(bgNbdExpectedVisits(p, 39)).toBeCloseTo(expected, 6);
    }
  });

  test('E[X(t)] stays right across the removable singularity a = 1', () => {
    for (const a of [1 - 1e-3, 1 - 5e-5, 1, 1 + 5e-5, 1 + 1e-3]) {
      const p = { ...published, a };
      const expected = integrate(bgNbdGrid(p, 0.2), (l, q) => Math.log(bgNbdIndividual.expectedIfAlive(l, q, 39)));
      expect(bgNbdExpectedVisits(p, 39)).toBeCloseTo(expected, 6);
    }
  });
});

describe('BG/NBD predictions against simulation', () => {
  test('the distribution of visits of new customers over 52 weeks matches the PMF and the mean', () => {
    const random = new Random(7);
    expectNewCustomerVisitsMatchSimulation(
      (until) => simulateBgNbdVisits(random, published, until),
      (t) => bgNbdExpectedVisits(published, t),
      (n, t) => bgNbdVisitProbability(published, n, t),
    );
  });
});

describe('BG/NBD prediction properties', () => {
  const params = fc.record({
    r: fc.double({ min: 0.05, max: 10, noNaN: true }),
    alpha: fc.double({ min: 0.1, max: 100, noNaN: true }),
    a: fc.double({ min: 0.05, max: 10, noNaN: true }),
    b: fc.double({ min: 0.05, max: 20, noNaN: true }),
  });
  const history = fc
    .record({ frequency: fc.integer({ min: 0, max: 60 }), age: fc.double({ min: 0.5, max: 200, noNaN: true }), share: fc.double({ min: 0, max: 1, noNaN: true }) })
    .map(({ frequency, age, share }) => ({ frequency, age, recency: frequency === 0 ? 0 : Math.max(1e-3, share * age) }));

  test('the visit distribution sums to 1 and has mean E[X(t)]', () => {
    fc.assert(
      fc.property(params, fc.double({ min: 0.1, max: 50, noNaN: true }), (p, t) => {
        // Rates λ ~ Gamma(r, α) with α ≥ 1 keep the count's tail within the loop.
        const q = { ...p, alpha: Math.max(1, p.alpha) };
        expectDistributionMean((n) => bgNbdVisitProbability(q, n, t), bgNbdExpectedVisits(q, t));
      }),
      { numRuns: 40 },
    );
  });

  test('P(alive) is in (0, 1], 1 without repeat visits, and falls as the silence since the last visit grows', () => {
    fc.assert(
      fc.property(params, history, (p, h) => {
        const alive = bgNbdProbabilityAlive(p, h);
        expect(alive).toBeGreaterThan(0);
        expect(alive).toBeLessThanOrEqual(1);
        if (h.frequency === 0) expect(alive).toBe(1);
        else expect(bgNbdProbabilityAlive(p, { ...h, age: h.age + 10 })).toBeLessThanOrEqual(alive);
      }),
    );
  });

  test('conditional expectations are finite, non-negative and grow with the horizon — also for 500 visits over 1000 days', () => {
    fc.assert(
      fc.property(params, history, fc.double({ min: 0.01, max: 1000, noNaN: true }), (p, h, t) => {
        const e = bgNbdConditionalExpectedVisits(p, h, t);
        expect(Number.isFinite(e)).toBe(true);
        expect(e).toBeGreaterThanOrEqual(0);
        expect(bgNbdConditionalExpectedVisits(p, h, 2 * t)).toBeGreaterThanOrEqual(e * (1 - 1e-12));
      }),
    );
    const extreme = bgNbdConditionalExpectedVisits({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, { frequency: 500, recency: 999, age: 1000 }, 365);
    expect(Number.isFinite(extreme)).toBe(true);
    // Alive almost surely with a rate near 500/1000 a day: about 0.5 · 365 visits, a little less for possible dropout.
    expect(extreme).toBeGreaterThan(150);
    expect(extreme).toBeLessThan(185);
  });

  test('predictBgNbd agrees with the one-customer functions, in input order', () => {
    const sample = cdnow.slice(0, 200);
    const predicted = predictBgNbd(published, sample, { horizon: 52 });
    sample.forEach((h, i) => {
      expect(predicted.probabilityAlive[i]).toBe(bgNbdProbabilityAlive(published, h));
      expect(predicted.expectedVisits[i]).toBeCloseTo(bgNbdConditionalExpectedVisits(published, h, 52), 12);
    });
  });

  test('predictions reject bad parameters, counts and horizons', () => {
    expect(() => bgNbdExpectedVisits({ ...published, r: -1 }, 5)).toThrow(ValidationError);
    expect(() => bgNbdExpectedVisits(published, -5)).toThrow(ValidationError);
    expect(() => bgNbdVisitProbability(published, 1.5, 5)).toThrow(ValidationError);
    expect(() => predictBgNbd(published, cdnow, { horizon: Number.NaN })).toThrow(ValidationError);
  });
});
