/**
 * The Pareto/NBD model (Schmittlein, Morrison & Colombo 1987): while alive a
 * customer visits as a Poisson process with rate λ ~ Gamma(r, α); their
 * lifetime is exponential with rate μ ~ Gamma(s, β).
 *
 * The likelihood's hypergeometric terms (Fader & Hardie 2005, "A note on
 * deriving the Pareto/NBD model and related expressions") are a difference of
 * two 2F1 values that overflows, underflows or cancels for long histories.
 * Here the same quantity is evaluated in its integral form,
 *
 *   L = Γ(r+x)/Γ(r) · α^r β^s · [ (α+T)^−(r+x) (β+T)^−s + s ∫ from t_x to T of (α+τ)^−(r+x) (β+τ)^−(s+1) dτ ],
 *
 * whose integrand is positive and decreasing: it is integrated in log space
 * relative to its value at t_x (no overflow, no cancellation), with the
 * gradient taken under the integral sign.
 */
import { maximizeLikelihood, type RetentionFitDiagnostics, type RetentionFitOptions } from './fit.js';
import { requireRepeatBuyers } from './bg-nbd.js';
import { forecastColumns, type VisitForecastColumns, type VisitForecaster } from './forecast.js';
import { checkHistory, distinctValues, packHistories, type HistoryColumns, type VisitHistory } from './history.js';
import { checkCount, checkDuration, checkPositiveParameters } from './parameters.js';
import { integrateFromPeak, type LogIntegrand } from './quadrature.js';
import { digamma, gammaln, logAddExp, logNegativeBinomial, oneMinusExpOverRate } from './special.js';

/** Pareto/NBD parameters: λ ~ Gamma(shape `r`, rate `alpha`), μ ~ Gamma(shape `s`, rate `beta`); `alpha` and `beta` are in the model's time unit. */
export interface ParetoNbdParameters {
  readonly r: number;
  readonly alpha: number;
  readonly s: number;
  readonly beta: number;
}

/** A fitted Pareto/NBD model: estimates, standard errors and how the fit went. */
export interface ParetoNbdFit extends RetentionFitDiagnostics {
  readonly model: 'pareto-nbd';
  /** Maximum-likelihood estimates. */
  readonly params: ParetoNbdParameters;
  /** Asymptotic standard errors from the Hessian; `null` when the curvature is not positive definite or the fit did not converge. */
  readonly standardErrors: ParetoNbdParameters | null;
}

/** Options for {@link fitParetoNbd}. */
export type ParetoNbdFitOptions = RetentionFitOptions<ParetoNbdParameters>;

const NAMES = ['r', 'alpha', 's', 'beta'] as const;

function paramsOf(model: ParetoNbdFit | ParetoNbdParameters): ParetoNbdParameters {
  const params = typeof model === 'object' && model !== null && 'params' in model ? model.params : model;
  return checkPositiveParameters(params, NAMES, 'Pareto/NBD parameters');
}

/**
 * Fits the Pareto/NBD model by maximum likelihood: BFGS on the log
 * parameters with the analytic gradient of the integral form of the
 * likelihood, stable for any history; customers with the same `(x, t_x, T)`
 * are evaluated once.
 *
 * @throws {@link ValidationError} for an empty list or a bad history.
 * @throws {@link CrmError} `MODEL_NOT_FITTED` when no customer made a repeat
 *   visit, `NOT_CONVERGED` when the optimiser fails (see `options.onNonConvergence`).
 * @example
 * ```ts
 * const fit = fitParetoNbd(summary.customers);
 * paretoNbdProbabilityAlive(fit, { frequency: 500, recency: 999, age: 1000 }); // finite for any history
 * ```
 */
export function fitParetoNbd(histories: readonly VisitHistory[], options: ParetoNbdFitOptions = {}): ParetoNbdFit {
  const columns = packHistories(histories, 'histories');
  const totals = requireRepeatBuyers(columns, 'Pareto/NBD');
  const fit = maximizeLikelihood(
    {
      model: 'Pareto/NBD',
      names: NAMES,
      logLikelihood: paretoNbdLogLikelihood(columns),
      customers: columns.customers,
      distinctHistories: columns.frequency.length,
      start: { r: 1, alpha: totals.age / totals.frequency, s: 1, beta: totals.age / columns.customers },
    },
    options,
  );
  return { model: 'pareto-nbd', ...fit };
}

/**
 * `∫ from t_x to T of (α+τ)^−(r+x) (β+τ)^−(s+1) dτ` relative to the
 * integrand at `t_x`, with the moments the gradient needs.
 */
class LifetimeIntegral implements LogIntegrand {
  rx = 0;
  s1 = 0;
  alpha = 0;
  beta = 0;
  anchor = 0;
  private la = 0;
  private lb = 0;
  private tau = 0;
  /** ∫ e^φ */
  total = 0;
  /** ∫ ln((α+τ)/(α+t_x)) e^φ */
  logAlphaMoment = 0;
  /** ∫ ln((β+τ)/(β+t_x)) e^φ */
  logBetaMoment = 0;
  /** ∫ e^φ / (α+τ) */
  inverseAlphaMoment = 0;
  /** ∫ e^φ / (β+τ) */
  inverseBetaMoment = 0;
  private readonly poles = [0, 0];

  evaluate(rx: number, s1: number, alpha: number, beta: number, from: number, to: number): void {
    this.rx = rx;
    this.s1 = s1;
    this.alpha = alpha;
    this.beta = beta;
    this.anchor = from;
    this.total = 0;
    this.logAlphaMoment = 0;
    this.logBetaMoment = 0;
    this.inverseAlphaMoment = 0;
    this.inverseBetaMoment = 0;
    this.poles[0] = -alpha;
    this.poles[1] = -beta;
    integrateFromPeak(this, from, to, this.poles);
  }

  logAt(tau: number): number {
    const d = tau - this.anchor;
    this.tau = tau;
    this.la = Math.log1p(d / (this.alpha + this.anchor));
    this.lb = Math.log1p(d / (this.beta + this.anchor));
    return -this.rx * this.la - this.s1 * this.lb;
  }

  slope(tau: number): number {
    return -this.rx / (this.alpha + tau) - this.s1 / (this.beta + tau);
  }

  curvature(tau: number): number {
    return this.rx / (this.alpha + tau) ** 2 + this.s1 / (this.beta + tau) ** 2;
  }

  accumulate(value: number): void {
    this.total += value;
    this.logAlphaMoment += value * this.la;
    this.logBetaMoment += value * this.lb;
    this.inverseAlphaMoment += value / (this.alpha + this.tau);
    this.inverseBetaMoment += value / (this.beta + this.tau);
  }
}

/**
 * The Pareto/NBD log-likelihood of packed histories with its analytic gradient.
 *
 * @internal
 */
export function paretoNbdLogLikelihood(columns: HistoryColumns): (params: Float64Array, gradient: Float64Array) => number {
  const { frequency: x, recency, age, weight } = columns;
  const rows = x.length;
  const xs = distinctValues(x);
  const kx = xs.values.length;
  const lgOfX = new Float64Array(kx);
  const dgOfX = new Float64Array(kx);
  const integral = new LifetimeIntegral();

  return (params, gradient) => {
    const r = params[0]!;
    const alpha = params[1]!;
    const s = params[2]!;
    const beta = params[3]!;
    const logAlpha = Math.log(alpha);
    const logBeta = Math.log(beta);
    const logS = Math.log(s);
    const lgR = gammaln(r);
    const dgR = digamma(r);
    for (let k = 0; k < kx; k++) {
      lgOfX[k] = gammaln(r + xs.values[k]!) - lgR;
      dgOfX[k] = digamma(r + xs.values[k]!) - dgR;
    }
    let ll = 0;
    let gr = 0;
    let galpha = 0;
    let gs = 0;
    let gbeta = 0;
    for (let i = 0; i < rows; i++) {
      const w = weight[i]!;
      const xi = x[i]!;
      const tx = recency[i]!;
      const t = age[i]!;
      const k = xs.indexOf[i]!;
      const rx = r + xi;
      const logAlphaT = Math.log(alpha + t);
      const logBetaT = Math.log(beta + t);
      const constant = lgOfX[k]! + r * logAlpha + s * logBeta;
      const b1 = -rx * logAlphaT - s * logBetaT;
      gr += w * (dgOfX[k]! + logAlpha);
      galpha += (w * r) / alpha;
      gs += w * logBeta;
      gbeta += (w * s) / beta;
      if (tx === t) {
        ll += w * (constant + b1);
        gr -= w * logAlphaT;
        galpha -= (w * rx) / (alpha + t);
        gs -= w * logBetaT;
        gbeta -= (w * s) / (beta + t);
        continue;
      }
      integral.evaluate(rx, s + 1, alpha, beta, tx, t);
      const logAlphaTx = Math.log(alpha + tx);
      const logBetaTx = Math.log(beta + tx);
      const k0 = integral.total;
      const b2 = logS - rx * logAlphaTx - (s + 1) * logBetaTx + Math.log(k0);
      const lse = logAddExp(b1, b2);
      ll += w * (constant + lse);
      const w1 = Math.exp(b1 - lse);
      const w2 = Math.exp(b2 - lse);
      gr += w * (-w1 * logAlphaT - w2 * (logAlphaTx + integral.logAlphaMoment / k0));
      galpha -= w * rx * (w1 / (alpha + t) + (w2 * integral.inverseAlphaMoment) / k0);
      gs += w * (-w1 * logBetaT + w2 * (1 / s - logBetaTx - integral.logBetaMoment / k0));
      gbeta -= w * (w1 * (s / (beta + t)) + (w2 * (s + 1) * integral.inverseBetaMoment) / k0);
    }
    gradient[0] = gr;
    gradient[1] = galpha;
    gradient[2] = gs;
    gradient[3] = gbeta;
    return ll;
  };
}

/** P(alive at T) for one history: the share of the likelihood from "still alive". */
function aliveProbability(p: ParetoNbdParameters, x: number, tx: number, t: number, integral: LifetimeIntegral): number {
  if (tx === t) return 1;
  const rx = p.r + x;
  const b1 = -rx * Math.log(p.alpha + t) - p.s * Math.log(p.beta + t);
  integral.evaluate(rx, p.s + 1, p.alpha, p.beta, tx, t);
  const b2 = Math.log(p.s) - rx * Math.log(p.alpha + tx) - (p.s + 1) * Math.log(p.beta + tx) + Math.log(integral.total);
  return Math.exp(b1 - logAddExp(b1, b2));
}

/**
 * The probability that a customer with this history is still alive at the
 * end of calibration, evaluated stably for any history (no hypergeometric
 * overflow at large `x` or long `T`).
 *
 * @throws {@link ValidationError} for bad parameters or history.
 */
export function paretoNbdProbabilityAlive(model: ParetoNbdFit | ParetoNbdParameters, history: VisitHistory): number {
  const p = paramsOf(model);
  const h = checkHistory(history, 'history');
  return aliveProbability(p, h.frequency, h.recency, h.age, new LifetimeIntegral());
}

/**
 * `E[X(t)] = rβ / (α(s−1)) · [1 − (β/(β+t))^(s−1)]` for a new customer,
 * continuous at `s = 1`.
 */
function expectedVisits(r: number, alpha: number, s: number, beta: number, t: number): number {
  return ((r * beta) / alpha) * oneMinusExpOverRate(s - 1, -Math.log1p(t / beta));
}

/**
 * Expected number of visits in a period of length `t` for a new customer
 * (observed from their first visit).
 *
 * @param t - the period, in the model's time unit.
 * @throws {@link ValidationError} for bad parameters or `t`.
 */
export function paretoNbdExpectedVisits(model: ParetoNbdFit | ParetoNbdParameters, t: number): number {
  const p = paramsOf(model);
  return expectedVisits(p.r, p.alpha, p.s, p.beta, checkDuration(t, 't'));
}

/**
 * Expected visits in the next `t` for a customer with this history:
 * `P(alive) · (r+x)(β+T) / ((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^(s−1)]`.
 *
 * @throws {@link ValidationError} for bad parameters, history or `t`.
 */
export function paretoNbdConditionalExpectedVisits(model: ParetoNbdFit | ParetoNbdParameters, history: VisitHistory, t: number): number {
  const p = paramsOf(model);
  const h = checkHistory(history, 'history');
  const horizon = checkDuration(t, 't');
  const alive = aliveProbability(p, h.frequency, h.recency, h.age, new LifetimeIntegral());
  return alive * expectedVisits(p.r + h.frequency, p.alpha + h.age, p.s, p.beta + h.age, horizon);
}

/**
 * `∫ from 0 to t of τ^n (α+τ)^−(r+n) (β+τ)^−(s+1) dτ`, relative to the
 * integrand at its mode; returns the log of the integral.
 */
class DeathBeforeHorizonIntegral implements LogIntegrand {
  constructor(
    private readonly n: number,
    private readonly rn: number,
    private readonly s1: number,
    private readonly alpha: number,
    private readonly beta: number,
    private readonly mode: number,
  ) {}

  logAt(tau: number): number {
    const d = tau - this.mode;
    const power = this.n === 0 ? 0 : this.n * Math.log(tau / this.mode);
    return power - this.rn * Math.log1p(d / (this.alpha + this.mode)) - this.s1 * Math.log1p(d / (this.beta + this.mode));
  }

  slope(tau: number): number {
    return (this.n === 0 ? 0 : this.n / tau) - this.rn / (this.alpha + tau) - this.s1 / (this.beta + tau);
  }

  curvature(tau: number): number {
    return (this.n === 0 ? 0 : -this.n / (tau * tau)) + this.rn / (this.alpha + tau) ** 2 + this.s1 / (this.beta + tau) ** 2;
  }

  /** ln of the integral from 0 to t. */
  static log(n: number, r: number, alpha: number, s: number, beta: number, t: number): number {
    const rn = r + n;
    const s1 = s + 1;
    // The integrand's only maximum on τ > 0: root of (r+s+1)τ² − Bτ − nαβ = 0.
    const q = r + s + 1;
    const linear = n * (alpha + beta) - rn * beta - s1 * alpha;
    const root = Math.sqrt(linear * linear + 4 * q * n * alpha * beta);
    let mode = n === 0 ? Math.max(0, linear / q) : linear >= 0 ? (linear + root) / (2 * q) : (2 * n * alpha * beta) / (root - linear);
    mode = Math.min(mode, t);
    const integrand = new DeathBeforeHorizonIntegral(n, rn, s1, alpha, beta, mode);
    const poles = n === 0 ? [-alpha, -beta] : [-alpha, -beta, 0];
    const relative = integrateFromPeak(integrand, mode, 0, poles) + integrateFromPeak(integrand, mode, t, poles);
    const atMode = (n === 0 ? 0 : n * Math.log(mode)) - rn * Math.log(alpha + mode) - s1 * Math.log(beta + mode);
    return atMode + Math.log(relative);
  }
}

function visitProbability(r: number, alpha: number, s: number, beta: number, n: number, t: number): number {
  if (t === 0) return n === 0 ? 1 : 0;
  const logAlphaT = Math.log(alpha + t);
  // Alive at t with n visits in (0, t] ...
  const alive = logNegativeBinomial(n, r, Math.log(alpha) - logAlphaT, Math.log(t) - logAlphaT) - s * Math.log1p(t / beta);
  // ... or died at some τ < t after n visits in (0, τ].
  const died =
    gammaln(r + n) - gammaln(r) - gammaln(n + 1) + r * Math.log(alpha) + Math.log(s) + s * Math.log(beta) + DeathBeforeHorizonIntegral.log(n, r, alpha, s, beta, t);
  return Math.exp(alive) + Math.exp(died);
}

/**
 * Probability that a new customer makes exactly `n` visits in a period of
 * length `t`: `P(X(t) = n)` (Fader & Hardie 2006, "Deriving an expression
 * for P(X(t) = x) under the Pareto/NBD model"), evaluated as "alive at t"
 * plus the integral over the time of death.
 *
 * @throws {@link ValidationError} for bad parameters, `n` or `t`.
 */
export function paretoNbdVisitProbability(model: ParetoNbdFit | ParetoNbdParameters, n: number, t: number): number {
  const p = paramsOf(model);
  return visitProbability(p.r, p.alpha, p.s, p.beta, checkCount(n, 'n'), checkDuration(t, 't'));
}

/**
 * Probability that a customer with this history makes exactly `n` visits in
 * the next `t`: `P(Y(t) = n | x, t_x, T)` — none if they died before T,
 * otherwise as a new customer under the posterior `Gamma(r+x, α+T)`, `Gamma(s, β+T)`.
 *
 * @throws {@link ValidationError} for bad parameters, history, `n` or `t`.
 */
export function paretoNbdConditionalVisitProbability(
  model: ParetoNbdFit | ParetoNbdParameters,
  history: VisitHistory,
  n: number,
  t: number,
): number {
  const p = paramsOf(model);
  const h = checkHistory(history, 'history');
  const count = checkCount(n, 'n');
  const horizon = checkDuration(t, 't');
  const alive = aliveProbability(p, h.frequency, h.recency, h.age, new LifetimeIntegral());
  const ifAlive = visitProbability(p.r + h.frequency, p.alpha + h.age, p.s, p.beta + h.age, count, horizon);
  return (count === 0 ? 1 - alive : 0) + alive * ifAlive;
}

/**
 * P(alive) and expected visits over `horizon` for every customer at once;
 * customers with the same `(x, t_x, T)` are evaluated once.
 *
 * @param options.horizon - the forecast period, in the model's time unit.
 * @throws {@link ValidationError} for bad parameters, a bad history or horizon.
 */
export function predictParetoNbd(
  model: ParetoNbdFit | ParetoNbdParameters,
  histories: readonly VisitHistory[],
  options: { readonly horizon: number },
): VisitForecastColumns {
  return forecastColumns(paretoNbdForecaster(model), histories, options);
}

/** @internal */
export function paretoNbdForecaster(model: ParetoNbdFit | ParetoNbdParameters): VisitForecaster {
  const p = paramsOf(model);
  const integral = new LifetimeIntegral();
  return {
    alive: (x, tx, age) => aliveProbability(p, x, tx, age, integral),
    expectedIfAlive: (x, age, t) => expectedVisits(p.r + x, p.alpha + age, p.s, p.beta + age, t),
  };
}
