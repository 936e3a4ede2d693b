import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import gammaln from '@stdlib/math-base-special-gammaln';
import hyp2f1 from '@stdlib/math-base-special-hyp2f1';
import { ValidationError } from 'dealer-crm/core';
import {
  fitParetoNbd,
  paretoNbdConditionalExpectedVisits,
  paretoNbdConditionalVisitProbability,
  paretoNbdExpectedVisits,
  paretoNbdProbabilityAlive,
  paretoNbdVisitProbability,
  predictParetoNbd,
  type ParetoNbdParameters,
  type VisitHistory,
} from 'dealer-crm/retention';
import { packHistories } from '../../src/retention/history.js';
import { paretoNbdLogLikelihood } from '../../src/retention/pareto-nbd.js';
import { loadCdnow } from './helpers/cdnow.js';
import { expectDistributionMean, expectNewCustomerVisitsMatchSimulation, expectRecoversParameters } from './helpers/checks.js';
import { integrate, paretoNbdGrid, paretoNbdIndividual } from './helpers/oracle.js';
import {
  expectConditionalExpectedVisitsMatchPosterior,
  expectConditionalVisitProbabilityMatchesPosterior,
  expectProbabilityAliveMatchesPosterior,
  expectVisitProbabilityMatchesPrior,
  posteriorOf,
} from './helpers/posterior.js';
import { Random, simulateHistories, simulateParetoNbdVisits } from './helpers/random.js';

const cdnow = loadCdnow();
const published: ParetoNbdParameters = { r: 0.553, alpha: 10.58, s: 0.606, beta: 11.67 };
const sig3 = (v: number) => Number(v.toPrecision(3));

/**
 * The closed form of Fader & Hardie's note (2005), eq. (18)–(20), evaluated
 * naively in doubles with stdlib's hyp2f1, as implementations commonly do.
 */
function hypergeometricLogLikelihood(p: ParetoNbdParameters, h: VisitHistory): number {
  const { r, alpha, s, beta } = p;
  const { frequency: x, recency: tx, age: t } = h;
  const rsx = r + s + x;
  const a0 =
    alpha >= beta
      ? hyp2f1(rsx, s + 1, rsx + 1, (alpha - beta) / (alpha + tx)) / (alpha + tx) ** rsx - hyp2f1(rsx, s + 1, rsx + 1, (alpha - beta) / (alpha + t)) / (alpha + t) ** rsx
      : hyp2f1(rsx, r + x, rsx + 1, (beta - alpha) / (beta + tx)) / (beta + tx) ** rsx - hyp2f1(rsx, r + x, rsx + 1, (beta - alpha) / (beta + t)) / (beta + t) ** rsx;
  return gammaln(r + x) - gammaln(r) + r * Math.log(alpha) + s * Math.log(beta) + Math.log(1 / ((alpha + t) ** (r + x) * (beta + t) ** s) + (s / rsx) * a0);
}

/**
 * An independent evaluation of ln L: the integral ∫ from t_x to T of (α+τ)^−(r+x) (β+τ)^−(s+1) dτ
 * in the variable y = φ(t_x) − φ(τ) (the log-drop of the integrand), where it is ∫ e^−y / |φ'(τ(y))| dy,
 * by composite Simpson with τ(y) found by bisection.
 */
function oracleLogLikelihood(p: ParetoNbdParameters, h: VisitHistory): number {
  const { r, alpha, s, beta } = p;
  const { frequency: x, recency: tx, age: t } = h;
  const rx = r + x;
  const phi = (tau: number) => -rx * Math.log1p((tau - tx) / (alpha + tx)) - (s + 1) * Math.log1p((tau - tx) / (beta + tx));
  const slope = (tau: number) => rx / (alpha + tau) + (s + 1) / (beta + tau);
  const total = Math.min(-phi(t), 60);
  const tauOf = (y: number) => {
    let lo = tx;
    let hi = t;
    for (let i = 0; i < 200; i++) {
      const mid = (lo + hi) / 2;
      if (-phi(mid) < y) lo = mid;
      else hi = mid;
    }
    return (lo + hi) / 2;
  };
  const n = 4000;
  const step = total / n;
  let sum = 0;
  for (let i = 0; i <= n; i++) {
    const y = i * step;
    const weight = i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2;
    sum += weight * (Math.exp(-y) / slope(tauOf(y)));
  }
  const relative = (sum * step) / 3;
  const logIntegral = -rx * Math.log(alpha + tx) - (s + 1) * Math.log(beta + tx) + Math.log(relative);
  const b1 = -rx * Math.log(alpha + t) - s * Math.log(beta + t);
  const b2 = Math.log(s) + logIntegral;
  const lse = Math.max(b1, b2) + Math.log1p(Math.exp(-Math.abs(b1 - b2)));
  return gammaln(r + x) - gammaln(r) + r * Math.log(alpha) + s * Math.log(beta) + (t === tx ? b1 : lse);
}

function logLikelihoodOf(p: ParetoNbdParameters, histories: readonly VisitHistory[]): { ll: number; gradient: Float64Array } {
  const gradient = new Float64Array(4);
  const ll = paretoNbdLogLikelihood(packHistories(histories, 'histories'))(Float64Array.of(p.r, p.alpha, p.s, p.beta), gradient);
  return { ll, gradient };
}

describe('fitParetoNbd on the CDNOW sample', () => {
  const fit = fitParetoNbd(cdnow);

  test('reproduces the published estimates to three significant digits (r 0.553, α 10.58, s 0.606, β 11.67)', () => {
    expect(fit.converged).toBe(true);
    expect(sig3(fit.params.r)).toBe(0.553);
    expect(sig3(fit.params.alpha)).toBe(10.6);
    expect(sig3(fit.params.s)).toBe(0.606);
    expect(sig3(fit.params.beta)).toBe(11.7);
    expect(fit.params.alpha).toBeCloseTo(10.58, 1);
    expect(fit.params.beta).toBeCloseTo(11.67, 1);
  });

  test('reproduces the published log-likelihood −9595.0', () => {
    expect(fit.logLikelihood).toBeCloseTo(-9595.0, 1);
  });

  test('its likelihood equals the hypergeometric closed form for every CDNOW customer', () => {
    for (const h of cdnow) {
      expect(logLikelihoodOf(fit.params, [h]).ll).toBeCloseTo(hypergeometricLogLikelihood(fit.params, h), 9);
    }
  });

  test('its analytic gradient matches central differences', () => {
    const base = logLikelihoodOf(published, cdnow);
    (['r', 'alpha', 's', 'beta'] as const).forEach((key, i) => {
      const h = published[key] * 1e-6;
      const up = logLikelihoodOf({ ...published, [key]: published[key] + h }, cdnow).ll;
      const down = logLikelihoodOf({ ...published, [key]: published[key] - h }, cdnow).ll;
      expect(base.gradient[i]).toBeCloseTo((up - down) / (2 * h), 3);
    });
  });
});

describe('the Pareto/NBD likelihood at extreme histories', () => {
  const extremes: { params: ParetoNbdParameters; history: VisitHistory }[] = [
    { params: published, history: { frequency: 500, recency: 999, age: 1000 } },
    { params: published, history: { frequency: 500, recency: 0.5, age: 1000 } },
    { params: published, history: { frequency: 500, recency: 999.999999, age: 1000 } },
    { params: published, history: { frequency: 2000, recency: 3000, age: 3650 } },
    { params: { r: 0.553, alpha: 1e6, s: 0.606, beta: 1e-3 }, history: { frequency: 500, recency: 600, age: 1000 } },
    { params: { r: 0.553, alpha: 1e-3, s: 0.606, beta: 1e6 }, history: { frequency: 500, recency: 600, age: 1000 } },
    { params: { r: 50, alpha: 1e4, s: 30, beta: 1e5 }, history: { frequency: 500, recency: 10, age: 1000 } },
    { params: { r: 2, alpha: 7, s: 3, beta: 7 }, history: { frequency: 40, recency: 20, age: 1000 } },
    { params: { r: 0.01, alpha: 0.01, s: 0.01, beta: 0.01 }, history: { frequency: 0, recency: 0, age: 1e5 } },
    { params: { r: 0.553, alpha: 10.58, s: 25, beta: 1.5 }, history: { frequency: 1, recency: 1000, age: 1000 } },
  ];

  test('the hypergeometric closed form overflows or loses all digits there (the lifetimes failure mode)', () => {
    const broken = extremes.filter(({ params, history }) => {
      const naive = hypergeometricLogLikelihood(params, history);
      return !Number.isFinite(naive) || Math.abs(naive - oracleLogLikelihood(params, history)) > 1e-3;
    });
    expect(broken.length).toBeGreaterThanOrEqual(4);
  });

  test('the integral form is finite and agrees with an independent quadrature to 1e-9', () => {
    for (const { params, history } of extremes) {
      const { ll, gradient } = logLikelihoodOf(params, [history]);
      expect(Number.isFinite(ll)).toBe(true);
      expect(gradient.every(Number.isFinite)).toBe(true);
      expect(ll).toBeCloseTo(oracleLogLikelihood(params, history), 9);
    }
  });

  test('P(alive) and the conditional expectation are finite probabilities and counts there', () => {
    for (const { params, history } of extremes) {
      const alive = paretoNbdProbabilityAlive(params, history);
      expect(alive).toBeGreaterThanOrEqual(0);
      expect(alive).toBeLessThanOrEqual(1);
      const expected = paretoNbdConditionalExpectedVisits(params, history, 365);
      expect(Number.isFinite(expected)).toBe(true);
      expect(expected).toBeGreaterThanOrEqual(0);
    }
    // 500 visits, the last one a day ago: certainly alive.
    expect(paretoNbdProbabilityAlive(published, { frequency: 500, recency: 999, age: 1000 })).toBeGreaterThan(0.99);
    // 500 visits in the first half day, then 1000 days of silence: certainly gone.
    expect(paretoNbdProbabilityAlive(published, { frequency: 500, recency: 0.5, age: 1000 })).toBeLessThan(1e-100);
  });

  test('the likelihood is finite for random histories across wide parameter ranges', () => {
    fc.assert(
      fc.property(
        fc.record({
          r: fc.double({ min: 0.01, max: 100, noNaN: true }),
          alpha: fc.double({ min: 1e-3, max: 1e6, noNaN: true }),
          s: fc.double({ min: 0.01, max: 100, noNaN: true }),
          beta: fc.double({ min: 1e-3, max: 1e6, noNaN: true }),
        }),
        fc.integer({ min: 0, max: 3000 }),
        fc.double({ min: 1e-3, max: 1e4, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (params, frequency, age, share) => {
          const history = { frequency, age, recency: frequency === 0 ? 0 : share * age };
          const { ll, gradient } = logLikelihoodOf(params, [history]);
          expect(Number.isFinite(ll)).toBe(true);
          expect(gradient.every(Number.isFinite)).toBe(true);
          const alive = paretoNbdProbabilityAlive(params, history);
          expect(alive >= 0 && alive <= 1).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('fitParetoNbd on simulated customers', () => {
  test('recovers known parameters within three standard errors', () => {
    const truth = { r: 0.8, alpha: 8, s: 0.7, beta: 12 };
    const random = new Random(424242);
    const histories: VisitHistory[] = simulateHistories(random, 8000, (age) => simulateParetoNbdVisits(random, truth, age));
    expectRecoversParameters(fitParetoNbd(histories), truth);
  });

  test('a base without repeat buyers cannot be fitted and says why; empty input is a validation error', () => {
    expect(() => fitParetoNbd([{ frequency: 0, recency: 0, age: 3 }])).toThrow(expect.objectContaining({ code: 'MODEL_NOT_FITTED' }));
    expect(() => fitParetoNbd([])).toThrow(ValidationError);
    expect(() => fitParetoNbd([{ frequency: 1, recency: 2, age: -1 }])).toThrow(ValidationError);
  });
});

describe('Pareto/NBD predictions against direct numerical integration', () => {
  const posterior = posteriorOf(paretoNbdIndividual, paretoNbdGrid(published, 0.1));
  const coarse = paretoNbdGrid(published, 0.2);

  test('the marginal likelihood of each history matches', () => {
    const { histories, likelihoods } = posterior;
    histories.forEach((h, i) => expect(logLikelihoodOf(published, [h]).ll).toBeCloseTo(Math.log(likelihoods[i]!), 7));
  });

  test('P(alive | x, t_x, T) matches the posterior mass of "alive at T"', () => {
    expectProbabilityAliveMatchesPosterior(posterior, (h) => paretoNbdProbabilityAlive(published, h));
  });

  test('E[Y(t) | x, t_x, T] matches the posterior mean of future visits', () => {
    expectConditionalExpectedVisitsMatchPosterior(posterior, (h, t) => paretoNbdConditionalExpectedVisits(published, h, t));
  });

  test('E[X(t)] for a new customer matches the prior mean, also at s = 1', () => {
    for (const p of [published, { ...published, s: 1 }, { ...published, s: 1 + 1e-9 }, { ...published, s: 3.5 }]) {
      for (const t of [0.5, 39, 1000]) {
        const expected = integrate(paretoNbdGrid(p, 0.2), (l, m) => Math.log(paretoNbdIndividual.expectedIfAlive(l, m, t)));
        expect(paretoNbdExpectedVisits(p, t)).toBeCloseTo(expected, 6);
      }
    }
  });

  test('P(X(t) = n) for a new customer matches the prior mixture', () => {
    expectVisitProbabilityMatchesPrior(paretoNbdIndividual, coarse, (n, t) => paretoNbdVisitProbability(published, n, t));
  });

  test('P(Y(t) = n | x, t_x, T) matches the posterior mixture', () => {
    expectConditionalVisitProbabilityMatchesPosterior(posterior, (h, n, t) => paretoNbdConditionalVisitProbability(published, h, n, t));
  });
});

describe('Pareto/NBD predictions against simulation and their invariants', () => {
  test('the distribution of visits of new customers over 52 weeks matches the PMF and the mean', () => {
    const random = new Random(99);
    expectNewCustomerVisitsMatchSimulation(
      (until) => simulateParetoNbdVisits(random, published, until),
      (t) => paretoNbdExpectedVisits(published, t),
      (n, t) => paretoNbdVisitProbability(published, n, t),
    );
  });

  test('the visit distribution sums to 1 and has mean E[X(t)]; the conditional one has mean E[Y(t) | history]', () => {
    fc.assert(
      fc.property(
        fc.record({
          r: fc.double({ min: 0.05, max: 5, noNaN: true }),
          alpha: fc.double({ min: 1, max: 50, noNaN: true }),
          s: fc.double({ min: 0.05, max: 5, noNaN: true }),
          beta: fc.double({ min: 0.5, max: 50, noNaN: true }),
        }),
        fc.double({ min: 0.5, max: 30, noNaN: true }),
        fc.integer({ min: 0, max: 20 }),
        (p, t, x) => {
          const history = { frequency: x, recency: x === 0 ? 0 : 0.6 * 40, age: 40 };
          expectDistributionMean((n) => paretoNbdVisitProbability(p, n, t), paretoNbdExpectedVisits(p, t));
          expectDistributionMean((n) => paretoNbdConditionalVisitProbability(p, history, n, t), paretoNbdConditionalExpectedVisits(p, history, t));
        },
      ),
      { numRuns: 25 },
    );
  });

  test('predictParetoNbd agrees with the one-customer functions, in input order', () => {
    const sample = cdnow.slice(0, 150);
    const predicted = predictParetoNbd(published, sample, { horizon: 52 });
    sample.forEach((h, i) => {
      expect(predicted.probabilityAlive[i]).toBeCloseTo(paretoNbdProbabilityAlive(published, h), 14);
      expect(predicted.expectedVisits[i]).toBeCloseTo(paretoNbdConditionalExpectedVisits(published, h, 52), 12);
    });
  });
});
