/**
 * The BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the
 * easy way"): while alive a customer visits as a Poisson process with rate
 * λ ~ Gamma(r, α); after each visit they drop out with probability
 * p ~ Beta(a, b).
 */
import { CrmError, ValidationError } from '../core/index.js';
import { maximizeLikelihood, type RetentionFitDiagnostics, type RetentionFitOptions } from './fit.js';
import { forecastColumns, type VisitForecastColumns, type VisitForecaster } from './forecast.js';
import { checkHistory, distinctValues, packHistories, type HistoryColumns, type VisitHistory } from './history.js';
import { checkCount, checkDuration, checkPositiveParameters } from './parameters.js';
import { GAUSS_LEGENDRE_NODES, GAUSS_LEGENDRE_WEIGHTS } from './quadrature.js';
import { betaln, digamma, gammaln, hyp2f1, logisticOfNegative, logNegativeBinomial, negativeBinomialTail } from './special.js';

/** BG/NBD parameters: λ ~ Gamma(shape `r`, rate `alpha`), p ~ Beta(`a`, `b`); `alpha` is in the model's time unit. */
export interface BgNbdParameters {
  readonly r: number;
  readonly alpha: number;
  readonly a: number;
  readonly b: number;
}

/** A fitted BG/NBD model: estimates, standard errors and how the fit went. */
export interface BgNbdFit extends RetentionFitDiagnostics {
  readonly model: 'bg-nbd';
  /** Maximum-likelihood estimates. */
  readonly params: BgNbdParameters;
  /** Asymptotic standard errors from the Hessian; `null` when the curvature is not positive definite or the fit did not converge. */
  readonly standardErrors: BgNbdParameters | null;
}

/** Options for {@link fitBgNbd}. */
export type BgNbdFitOptions = RetentionFitOptions<BgNbdParameters>;

const NAMES = ['r', 'alpha', 'a', 'b'] as const;

/** Reads parameters from a fit or a bare parameter object, validated. */
function paramsOf(model: BgNbdFit | BgNbdParameters): BgNbdParameters {
  const params = typeof model === 'object' && model !== null && 'params' in model ? model.params : model;
  return checkPositiveParameters(params, NAMES, 'BG/NBD parameters');
}

/**
 * Fits the BG/NBD model by maximum likelihood: BFGS on the log parameters
 * with the analytic gradient; customers with the same `(x, t_x, T)` are
 * evaluated once. Standard errors come from the Hessian at the optimum.
 *
 * @throws {@link ValidationError} for an empty list or a bad history (path `histories[i].…`).
 * @throws {@link CrmError} `MODEL_NOT_FITTED` when no customer made a repeat
 *   visit (nothing identifies the visit rate or the dropout), or
 *   `NOT_CONVERGED` when the optimiser fails (see `options.onNonConvergence`).
 * @example
 * ```ts
 * const { customers } = summarizeTransactions(repairOrders, { calibrationEnd, unit: 'week' });
 * const fit = fitBgNbd(customers);
 * console.log(fit.params, fit.standardErrors, fit.logLikelihood);
 * ```
 */
export function fitBgNbd(histories: readonly VisitHistory[], options: BgNbdFitOptions = {}): BgNbdFit {
  const columns = packHistories(histories, 'histories');
  const totals = requireRepeatBuyers(columns, 'BG/NBD');
  const fit = maximizeLikelihood(
    {
      model: 'BG/NBD',
      names: NAMES,
      logLikelihood: bgNbdLogLikelihood(columns),
      customers: columns.customers,
      distinctHistories: columns.frequency.length,
      start: { r: 1, alpha: totals.age / totals.frequency, a: 1, b: 1 },
    },
    options,
  );
  return { model: 'bg-nbd', ...fit };
}

/**
 * Throws `MODEL_NOT_FITTED` for a base without repeat buyers; returns the
 * total frequency and age for starting values.
 *
 * @internal
 */
export function requireRepeatBuyers(columns: HistoryColumns, model: string): { frequency: number; age: number } {
  if (columns.customers === 0) {
    throw new ValidationError([{ path: 'histories', message: 'expected at least one customer history, got an empty list' }]);
  }
  let frequency = 0;
  let age = 0;
  for (let i = 0; i < columns.frequency.length; i++) {
    frequency += columns.weight[i]! * columns.frequency[i]!;
    age += columns.weight[i]! * columns.age[i]!;
  }
  if (frequency === 0) {
    throw new CrmError(
      'MODEL_NOT_FITTED',
      `${model}: none of the ${columns.customers} customers made a repeat visit (frequency is 0 for all), so neither the visit rate nor the dropout can be estimated; the model needs repeat buyers`,
      { details: { model, customers: columns.customers, repeatBuyers: 0 } },
    );
  }
  return { frequency, age };
}

/**
 * The BG/NBD log-likelihood of packed histories as a function of the
 * parameters, with its analytic gradient. Terms that depend only on `x`,
 * only on `T` or only on `t_x` are computed once per distinct value.
 *
 * @internal
 */
export function bgNbdLogLikelihood(columns: HistoryColumns): (params: Float64Array, gradient: Float64Array) => number {
  const { frequency: x, weight } = columns;
  const rows = x.length;
  const xs = distinctValues(x);
  const ts = distinctValues(columns.age);
  const txs = distinctValues(columns.recency);
  const kx = xs.values.length;
  // Total weight per distinct x: the terms that depend on x alone are summed once.
  const weightOfX = new Float64Array(kx);
  for (let i = 0; i < rows; i++) weightOfX[xs.indexOf[i]!]! += weight[i]!;
  const logRatio = new Float64Array(kx);
  const dLogRatioB = new Float64Array(kx);
  const logT = new Float64Array(ts.values.length);
  const invT = new Float64Array(ts.values.length);
  const logTx = new Float64Array(txs.values.length);
  const invTx = new Float64Array(txs.values.length);

  return (params, gradient) => {
    const r = params[0]!;
    const alpha = params[1]!;
    const a = params[2]!;
    const b = params[3]!;
    const logAlpha = Math.log(alpha);
    const lgR = gammaln(r);
    const dgR = digamma(r);
    const lgB = gammaln(b);
    const dgB = digamma(b);
    const lgAB = gammaln(a + b);
    const dgAB = digamma(a + b);
    let ll = 0;
    let gr = 0;
    let galpha = 0;
    let ga = 0;
    let gb = 0;
    for (let k = 0; k < kx; k++) {
      const xk = xs.values[k]!;
      const w = weightOfX[k]!;
      const dgABX = digamma(a + b + xk);
      // ln Γ(r+x)/Γ(r) + r ln α + ln B(a, b+x)/B(a, b)
      ll += w * (gammaln(r + xk) - lgR + r * logAlpha + gammaln(b + xk) - lgB + lgAB - gammaln(a + b + xk));
      gr += w * (digamma(r + xk) - dgR + logAlpha);
      galpha += (w * r) / alpha;
      ga += w * (dgAB - dgABX);
      gb += w * (digamma(b + xk) - dgB + dgAB - dgABX);
      if (xk > 0) {
        logRatio[k] = Math.log(a) - Math.log(b + xk - 1);
        dLogRatioB[k] = -1 / (b + xk - 1);
      }
    }
    for (let j = 0; j < logT.length; j++) {
      logT[j] = Math.log(alpha + ts.values[j]!);
      invT[j] = 1 / (alpha + ts.values[j]!);
    }
    for (let j = 0; j < logTx.length; j++) {
      logTx[j] = Math.log(alpha + txs.values[j]!);
      invTx[j] = 1 / (alpha + txs.values[j]!);
    }
    for (let i = 0; i < rows; i++) {
      const w = weight[i]!;
      const xi = x[i]!;
      const tIndex = ts.indexOf[i]!;
      const rx = r + xi;
      const a3 = -rx * logT[tIndex]!;
      if (xi === 0) {
        ll += w * a3;
        gr -= w * logT[tIndex]!;
        galpha -= w * rx * invT[tIndex]!;
        continue;
      }
      const k = xs.indexOf[i]!;
      const txIndex = txs.indexOf[i]!;
      const a4 = logRatio[k]! - rx * logTx[txIndex]!;
      // ln(e^A3 + e^A4) and the share w4 of the second term.
      let w4: number;
      if (a3 >= a4) {
        const e = Math.exp(a4 - a3);
        ll += w * (a3 + Math.log1p(e));
        w4 = e / (1 + e);
      } else {
        const e = Math.exp(a3 - a4);
        ll += w * (a4 + Math.log1p(e));
        w4 = 1 / (1 + e);
      }
      const w3 = 1 - w4;
      gr -= w * (w3 * logT[tIndex]! + w4 * logTx[txIndex]!);
      galpha -= w * rx * (w3 * invT[tIndex]! + w4 * invTx[txIndex]!);
      ga += (w * w4) / a;
      gb += w * w4 * dLogRatioB[k]!;
    }
    gradient[0] = gr;
    gradient[1] = galpha;
    gradient[2] = ga;
    gradient[3] = gb;
    return ll;
  };
}

/**
 * The probability that a customer with this history is still alive (has not
 * dropped out) at the end of calibration: `1 / (1 + δ(x>0) · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x))`.
 *
 * @throws {@link ValidationError} for bad parameters or history.
 * @example
 * ```ts
 * bgNbdProbabilityAlive({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, { frequency: 2, recency: 30.43, age: 38.86 });
 * ```
 */
export function bgNbdProbabilityAlive(model: BgNbdFit | BgNbdParameters, history: VisitHistory): number {
  const p = paramsOf(model);
  const h = checkHistory(history, 'history');
  return aliveProbability(p, h.frequency, h.recency, h.age);
}

function aliveProbability(p: BgNbdParameters, x: number, tx: number, age: number): number {
  if (x === 0) return 1;
  const u = Math.log(p.a) - Math.log(p.b + x - 1) + (p.r + x) * Math.log1p((age - tx) / (p.alpha + tx));
  return logisticOfNegative(u);
}

/**
 * Expected number of visits in a period of length `t` for a new customer
 * (observed from their first visit): `E[X(t)]`, FHL 2005 eq. (7), with the
 * hypergeometric function in its Euler-transformed form so that it never
 * overflows.
 *
 * @param t - the period, in the model's time unit.
 * @throws {@link ValidationError} for bad parameters or a negative `t`.
 */
export function bgNbdExpectedVisits(model: BgNbdFit | BgNbdParameters, t: number): number {
  const p = paramsOf(model);
  return expectedVisits(p.r, p.alpha, p.a, p.b, checkDuration(t, 't'));
}

/**
 * Expected visits in the next `t` for a customer with this history:
 * `E[Y(t) | x, t_x, T]`, FHL 2005 eq. (10) — `P(alive)` times the
 * new-customer expectation under the posterior `Gamma(r+x, α+T)`, `Beta(a, b+x)`.
 *
 * @param t - the forecast period, in the model's time unit.
 * @throws {@link ValidationError} for bad parameters, history or `t`.
 */
export function bgNbdConditionalExpectedVisits(model: BgNbdFit | BgNbdParameters, history: VisitHistory, t: number): number {
  const p = paramsOf(model);
  const h = checkHistory(history, 'history');
  return conditionalExpectedVisits(p, h.frequency, h.recency, h.age, checkDuration(t, 't'));
}

function conditionalExpectedVisits(p: BgNbdParameters, x: number, tx: number, age: number, t: number): number {
  return aliveProbability(p, x, tx, age) * expectedVisits(p.r + x, p.alpha + age, p.a, p.b + x, t);
}

/** Half-width of the interpolation around the removable singularities at a = 1 and a + b = 1. */
const SINGULAR_STEP = 1e-4;

/**
 * `E[X(t)] = (a+b−1)/(a−1) · [1 − q^(a−1) · 2F1(a+b−1−r, a−1; a+b−1; 1−q)]`,
 * `q = α/(α+t)`. At `a = 1` (and `a + b = 1`) the closed form is 0/0 but the
 * function is smooth: it is interpolated across the point.
 */
function expectedVisits(r: number, alpha: number, a: number, b: number, t: number): number {
  if (t === 0) return 0;
  if (Math.abs(a - 1) < SINGULAR_STEP) {
    const lo = finiteClosedForm(r, alpha, 1 - SINGULAR_STEP, b, t);
    const hi = finiteClosedForm(r, alpha, 1 + SINGULAR_STEP, b, t);
    return lo + ((a - (1 - SINGULAR_STEP)) / (2 * SINGULAR_STEP)) * (hi - lo);
  }
  if (Math.abs(a + b - 1) < 1e-9) {
    return (finiteClosedForm(r, alpha, a, b - SINGULAR_STEP, t) + finiteClosedForm(r, alpha, a, b + SINGULAR_STEP, t)) / 2;
  }
  const concentrated = a > 2 && b > 2;
  if (concentrated && a + b >= LARGE_BETA) return expectedVisitsOverDropout(r, alpha, a, b, t);
  const value = expectedVisitsClosedForm(r, alpha, a, b, t);
  if (!Number.isFinite(value) && concentrated) return expectedVisitsOverDropout(r, alpha, a, b, t);
  return checkedVisits(value, r, alpha, a, b, t);
}

function finiteClosedForm(r: number, alpha: number, a: number, b: number, t: number): number {
  return checkedVisits(expectedVisitsClosedForm(r, alpha, a, b, t), r, alpha, a, b, t);
}

function checkedVisits(value: number, r: number, alpha: number, a: number, b: number, t: number): number {
  if (!Number.isFinite(value)) {
    throw new CrmError('INTERNAL', 'BG/NBD expected visits: the hypergeometric function did not return a finite value', { details: { r, alpha, a, b, t } });
  }
  return Math.max(0, value);
}

/**
 * From `a + b` this large on, the closed form's hypergeometric function loses
 * digits (1e-11 at a + b = 42,000) and then overflows; fits on a dealer's base
 * reach such values when every customer seems to drop out with the same
 * probability (a, b → ∞ with a/(a+b) fixed).
 */
const LARGE_BETA = 1000;
const DROPOUT_PANELS = 16;

/**
 * `E[X(t)]` as the expectation over the dropout probability `p ~ Beta(a, b)`
 * of `(1 − (α/(α+pt))^r) / p` (the expected visits of a customer with a known
 * `p`, λ integrated out): 16 panels of 8-point Gauss–Legendre over the mean
 * ± 12 standard deviations of the Beta, the density taken relative to its
 * mode and normalised by the same rule (so no beta function is needed and
 * nothing overflows). For `a, b > 2` the Beta is unimodal inside (0, 1) and
 * the integrand smooth; agrees with the closed form to 1e-12 where both hold.
 */
function expectedVisitsOverDropout(r: number, alpha: number, a: number, b: number, t: number): number {
  const n = a + b;
  const mean = a / n;
  const sd = Math.sqrt((a * b) / (n * n * (n + 1)));
  const lo = Math.max(0, mean - 12 * sd);
  const hi = Math.min(1, mean + 12 * sd);
  const mode = (a - 1) / (n - 2);
  const logAtMode = (a - 1) * Math.log(mode) + (b - 1) * Math.log1p(-mode);
  const width = (hi - lo) / DROPOUT_PANELS;
  let weighted = 0;
  let mass = 0;
  for (let panel = 0; panel < DROPOUT_PANELS; panel++) {
    const middle = lo + (panel + 0.5) * width;
    for (let i = 0; i < GAUSS_LEGENDRE_NODES.length; i++) {
      const p = middle + (GAUSS_LEGENDRE_NODES[i]! * width) / 2;
      const density = Math.exp((a - 1) * Math.log(p) + (b - 1) * Math.log1p(-p) - logAtMode) * GAUSS_LEGENDRE_WEIGHTS[i]!;
      weighted += density * (-Math.expm1(-r * Math.log1p((p * t) / alpha)) / p);
      mass += density;
    }
  }
  return weighted / mass;
}

function expectedVisitsClosedForm(r: number, alpha: number, a: number, b: number, t: number): number {
  const c = a + b - 1;
  const logQ = -Math.log1p(t / alpha);
  const z = t / (alpha + t);
  const f = hyp2f1(c - r, a - 1, c, z);
  const bracket = f > 0 ? -Math.expm1(Math.log(f) + (a - 1) * logQ) : 1 - Math.exp((a - 1) * logQ) * f;
  return (c / (a - 1)) * bracket;
}

/**
 * Probability that a new customer makes exactly `n` visits in a period of
 * length `t`: `P(X(t) = n)`, FHL 2005 eq. (8), with the negative-binomial
 * tail from the regularised incomplete beta function (no `1 − Σ` cancellation).
 *
 * @throws {@link ValidationError} for bad parameters, `n` or `t`.
 */
export function bgNbdVisitProbability(model: BgNbdFit | BgNbdParameters, n: number, t: number): number {
  const p = paramsOf(model);
  return visitProbability(p.r, p.alpha, p.a, p.b, checkCount(n, 'n'), checkDuration(t, 't'));
}

/**
 * Probability that a customer with this history makes exactly `n` visits in
 * the next `t`: `P(Y(t) = n | x, t_x, T)` — a customer who dropped out makes
 * none; one alive at T behaves as a new customer under the posterior.
 *
 * @throws {@link ValidationError} for bad parameters, history, `n` or `t`.
 */
export function bgNbdConditionalVisitProbability(model: BgNbdFit | BgNbdParameters, history: VisitHistory, n: number, t: number): number {
  const p = paramsOf(model);
  const h = checkHistory(history, 'history');
  const count = checkCount(n, 'n');
  const alive = aliveProbability(p, h.frequency, h.recency, h.age);
  const ifAlive = visitProbability(p.r + h.frequency, p.alpha + h.age, p.a, p.b + h.frequency, count, checkDuration(t, 't'));
  return (count === 0 ? 1 - alive : 0) + alive * ifAlive;
}

function visitProbability(r: number, alpha: number, a: number, b: number, n: number, t: number): number {
  if (t === 0) return n === 0 ? 1 : 0;
  const logAlphaT = Math.log(alpha + t);
  const logQ = Math.log(alpha) - logAlphaT;
  const logOneMinusQ = Math.log(t) - logAlphaT;
  const lbAB = betaln(a, b);
  // Still alive after the n-th visit and n visits in (0, t] ...
  let probability = Math.exp(betaln(a, b + n) - lbAB + logNegativeBinomial(n, r, logQ, logOneMinusQ));
  // ... or dropped out right after the n-th visit, which came before t.
  if (n > 0) probability += Math.exp(betaln(a + 1, b + n - 1) - lbAB) * negativeBinomialTail(n, r, Math.exp(logQ));
  return probability;
}

/**
 * P(alive) and expected visits over `horizon` for every customer at once.
 * Customers with the same `(x, t_x, T)` are evaluated once.
 *
 * @param options.horizon - the forecast period, in the model's time unit.
 * @throws {@link ValidationError} for bad parameters, a bad history (path `histories[i].…`) or horizon.
 */
export function predictBgNbd(model: BgNbdFit | BgNbdParameters, histories: readonly VisitHistory[], options: { readonly horizon: number }): VisitForecastColumns {
  return forecastColumns(bgNbdForecaster(model), histories, options);
}

/** @internal */
export function bgNbdForecaster(model: BgNbdFit | BgNbdParameters): VisitForecaster {
  const p = paramsOf(model);
  return {
    alive: (x, tx, age) => aliveProbability(p, x, tx, age),
    expectedIfAlive: (x, age, t) => expectedVisits(p.r + x, p.alpha + age, p.a, p.b + x, t),
  };
}
