/**
 * The Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV";
 * Fader & Hardie 2013, "The Gamma-Gamma model of monetary value"): the
 * spend of each visit is Gamma(p, ν) with the customer's ν ~ Gamma(q, γ),
 * independent of how often they visit.
 */
import { CrmError, ValidationError, type ValidationIssue } from '../core/index.js';
import { maximizeLikelihood, type RetentionFitDiagnostics, type RetentionFitOptions } from './fit.js';
import { groupRows } from './history.js';
import { checkPositiveParameters } from './parameters.js';
import { digamma, gammaln } from './special.js';

/** Gamma-Gamma parameters: visit spend ~ Gamma(shape `p`, rate ν), ν ~ Gamma(shape `q`, rate `gamma`); `gamma` is in minor units. */
export interface GammaGammaParameters {
  readonly p: number;
  readonly q: number;
  readonly gamma: number;
}

/** What the spend model reads of a customer: repeat visits and their mean spend. */
export interface SpendHistory {
  /** x: repeat visits. */
  readonly frequency: number;
  /** Mean revenue of the repeat visits, in minor units (may be fractional); `null` (or ignored) when `frequency` is 0. */
  readonly meanRepeatSpendMinor: number | null;
}

/** A fitted Gamma-Gamma model. */
export interface GammaGammaFit extends RetentionFitDiagnostics {
  readonly model: 'gamma-gamma';
  /** Maximum-likelihood estimates. */
  readonly params: GammaGammaParameters;
  /** Asymptotic standard errors; `null` when the curvature is not positive definite or the fit did not converge. */
  readonly standardErrors: GammaGammaParameters | null;
  /**
   * Pearson correlation between frequency and mean spend among the customers
   * fitted. The model assumes they are independent: a value far from 0
   * (say beyond ±0.3) means its spend forecasts are biased.
   */
  readonly frequencySpendCorrelation: number;
}

/**
 * Options for {@link fitGammaGamma}. `initial.gamma` is in minor units, as
 * the estimate; the `penalty` applies to `p`, `q` and `gamma / m̄` (m̄ the mean
 * of the repeat buyers' mean spends), so it does not depend on the currency unit.
 */
export type GammaGammaFitOptions = RetentionFitOptions<GammaGammaParameters>;

const NAMES = ['p', 'q', 'gamma'] as const;

/** Reads validated parameters from a fit or a bare parameter object. @internal */
export function gammaGammaParamsOf(model: GammaGammaFit | GammaGammaParameters): GammaGammaParameters {
  const params = typeof model === 'object' && model !== null && 'params' in model ? model.params : model;
  return checkPositiveParameters(params, NAMES, 'Gamma-Gamma parameters');
}

/** Appends the broken rules of one spend history to `issues`. @internal */
export function spendIssues(customer: SpendHistory, path: string, issues: ValidationIssue[]): void {
  if (typeof customer !== 'object' || customer === null) {
    issues.push({ path, message: 'expected { frequency, meanRepeatSpendMinor }' });
    return;
  }
  const { frequency, meanRepeatSpendMinor: spend } = customer;
  if (!(typeof frequency === 'number' && Number.isInteger(frequency) && frequency >= 0)) {
    issues.push({ path: `${path}.frequency`, message: `frequency must be a non-negative integer, got ${String(frequency)}` });
    return;
  }
  if (frequency > 0 && !(typeof spend === 'number' && Number.isFinite(spend) && spend > 0)) {
    issues.push({
      path: `${path}.meanRepeatSpendMinor`,
      message: `a customer with repeat visits needs a positive finite mean spend (the Gamma-Gamma model describes positive amounts; leave out zero-spend customers), got ${String(spend)}`,
    });
  }
}

/**
 * Fits the Gamma-Gamma model by maximum likelihood on the customers with at
 * least one repeat visit (the others carry no spend information and are
 * skipped); customers with the same `(x, mean spend)` are evaluated once.
 *
 * The fit is equivariant in the unit of spend: spends × 100 (yuan → fen)
 * give `gamma` × 100 and the same `p` and `q`, with or without a penalty —
 * the L2 penalty is `penalty · (p² + q² + (γ/m̄)²)` with m̄ the mean of the
 * repeat buyers' mean spends, where lifetimes' `penalizer_coef` penalises γ
 * itself (which, in minor units, forces γ and with it q towards 0).
 *
 * A base whose repeat buyers all spend the same (no between-customer
 * variance) does not identify the model: `p`, `q` and `gamma` run away and
 * the fit does not converge. Callers that must produce a forecast regardless
 * can pass `onNonConvergence: 'return'` and fall back on
 * {@link observedMeanSpend} (as the facade's `jobs.retention` does).
 *
 * @throws {@link ValidationError} for a bad customer (a repeat buyer without a positive mean spend).
 * @throws {@link CrmError} `MODEL_NOT_FITTED` when fewer than two customers
 *   made repeat visits, `NOT_CONVERGED` when the optimiser fails.
 */
export function fitGammaGamma(customers: readonly SpendHistory[], options: GammaGammaFitOptions = {}): GammaGammaFit {
  if (!Array.isArray(customers)) throw new ValidationError([{ path: 'customers', message: 'expected an array' }]);
  const issues: ValidationIssue[] = [];
  const xs: number[] = [];
  const ms: number[] = [];
  customers.forEach((customer, i) => {
    if (issues.length >= 20) return;
    const before = issues.length;
    spendIssues(customer, `customers[${i}]`, issues);
    if (issues.length === before && customer.frequency > 0) {
      xs.push(customer.frequency);
      ms.push(customer.meanRepeatSpendMinor!);
    }
  });
  if (issues.length > 0) throw new ValidationError(issues, { label: 'spend histories' });
  if (xs.length < 2) {
    throw new CrmError(
      'MODEL_NOT_FITTED',
      `Gamma-Gamma: ${xs.length} of ${customers.length} customers made a repeat visit; the spend model needs at least two repeat buyers`,
      { details: { model: 'Gamma-Gamma', customers: customers.length, repeatBuyers: xs.length } },
    );
  }
  const x = Float64Array.from(xs);
  const m = Float64Array.from(ms);
  const groups = groupRows([x, m], x.length);
  const rows = groups.count;
  const gx = new Float64Array(rows);
  const gm = new Float64Array(rows);
  const w = new Float64Array(rows);
  for (let g = 0; g < rows; g++) {
    gx[g] = x[groups.firstRow[g]!]!;
    gm[g] = m[groups.firstRow[g]!]!;
  }
  for (let i = 0; i < x.length; i++) w[groups.groupOf[i]!]! += 1;
  const logM = gm.map(Math.log);
  const logX = gx.map(Math.log);

  const logLikelihood = (params: Float64Array, gradient: Float64Array): number => {
    const p = params[0]!;
    const q = params[1]!;
    const gamma = params[2]!;
    const logGamma = Math.log(gamma);
    const lgQ = gammaln(q);
    const dgQ = digamma(q);
    let ll = 0;
    let gp = 0;
    let gq = 0;
    let gg = 0;
    for (let i = 0; i < rows; i++) {
      const xi = gx[i]!;
      const px = p * xi;
      const logDenominator = Math.log(gamma + gm[i]! * xi);
      const dgPxQ = digamma(px + q);
      ll += w[i]! * (gammaln(px + q) - gammaln(px) - lgQ + q * logGamma + (px - 1) * logM[i]! + px * logX[i]! - (px + q) * logDenominator);
      gp += w[i]! * xi * (dgPxQ - digamma(px) + logM[i]! + logX[i]! - logDenominator);
      gq += w[i]! * (dgPxQ - dgQ + logGamma - logDenominator);
      gg += w[i]! * (q / gamma - (px + q) / (gamma + gm[i]! * xi));
    }
    gradient[0] = gp;
    gradient[1] = gq;
    gradient[2] = gg;
    return ll;
  };

  let meanSpend = 0;
  for (const value of ms) meanSpend += value / ms.length;
  const fit = maximizeLikelihood(
    {
      model: 'Gamma-Gamma',
      names: NAMES,
      logLikelihood,
      customers: xs.length,
      distinctHistories: rows,
      // Start at p = 1, q = 3 with γ matching the mean spend E[M] = pγ/(q−1).
      start: { p: 1, q: 3, gamma: 2 * meanSpend },
      // γ is a rate on the spend scale: penalise (and bound) it relative to the mean spend.
      scale: { gamma: meanSpend },
    },
    options,
  );
  return { model: 'gamma-gamma', ...fit, frequencySpendCorrelation: correlation(xs, ms) };
}

/**
 * The plainest spend model: a customer's expected spend per future visit is
 * the mean of their own repeat visits, or, for a customer without repeat
 * visits, `baseMeanSpendMinor` — the mean spend of all repeat visits of the
 * base. No shrinkage towards the population, so a customer with one repeat
 * visit keeps that visit's spend. The fallback when {@link fitGammaGamma}
 * cannot be fitted (too few repeat buyers, or spend that does not vary
 * between customers); {@link customerLifetimeValue} accepts it in place of a fit.
 */
export interface ObservedMeanSpend {
  readonly model: 'observed-mean-spend';
  /** Mean spend of all repeat visits of the base (Σ x·m̄ / Σ x), minor units, unrounded. */
  readonly baseMeanSpendMinor: number;
  /** Customers with at least one repeat visit. */
  readonly repeatCustomers: number;
}

/**
 * The {@link ObservedMeanSpend} model of a base.
 *
 * @throws {@link ValidationError} for a bad customer (a repeat buyer without a positive mean spend).
 * @throws {@link CrmError} `MODEL_NOT_FITTED` when no customer made a repeat visit.
 * @example
 * ```ts
 * observedMeanSpend([{ frequency: 1, meanRepeatSpendMinor: 600 }, { frequency: 3, meanRepeatSpendMinor: 1000 }, { frequency: 0, meanRepeatSpendMinor: null }]);
 * // { model: 'observed-mean-spend', baseMeanSpendMinor: 900, repeatCustomers: 2 }: (1 · 600 + 3 · 1000) / 4
 * ```
 */
export function observedMeanSpend(customers: readonly SpendHistory[]): ObservedMeanSpend {
  if (!Array.isArray(customers)) throw new ValidationError([{ path: 'customers', message: 'expected an array' }]);
  const issues: ValidationIssue[] = [];
  let visits = 0;
  let total = 0;
  let repeatCustomers = 0;
  customers.forEach((customer, i) => {
    if (issues.length >= 20) return;
    const before = issues.length;
    spendIssues(customer, `customers[${i}]`, issues);
    if (issues.length === before && customer.frequency > 0) {
      visits += customer.frequency;
      total += customer.frequency * customer.meanRepeatSpendMinor!;
      repeatCustomers += 1;
    }
  });
  if (issues.length > 0) throw new ValidationError(issues, { label: 'spend histories' });
  if (repeatCustomers === 0) {
    throw new CrmError('MODEL_NOT_FITTED', `observed mean spend: none of ${customers.length} customers made a repeat visit, so there is no spend to average`, {
      details: { model: 'observed mean spend', customers: customers.length, repeatBuyers: 0 },
    });
  }
  return { model: 'observed-mean-spend', baseMeanSpendMinor: total / visits, repeatCustomers };
}

/** The expected spend per future visit under a spend model, minor units, unrounded. @internal */
export function expectedSpendOf(model: GammaGammaParameters | ObservedMeanSpend, frequency: number, meanSpend: number | null): number {
  if ('model' in model && model.model === 'observed-mean-spend') return frequency > 0 ? meanSpend! : model.baseMeanSpendMinor;
  return expectedSpend(model as GammaGammaParameters, frequency, meanSpend);
}

function correlation(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]! / n;
    mb += b[i]! / n;
  }
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

/**
 * The expected spend per future visit of a customer, in minor units
 * (unrounded): `p(γ + x·m̄) / (px + q − 1)` — a weighted mean of the
 * population mean `pγ/(q−1)` and the customer's own mean `m̄`.
 *
 * @throws {@link CrmError} `MODEL_NOT_FITTED` when the population mean spend
 *   is infinite (`px + q ≤ 1`, e.g. `q ≤ 1` for a customer without repeat visits).
 * @internal
 */
export function expectedSpend(params: GammaGammaParameters, frequency: number, meanSpend: number | null): number {
  const { p, q, gamma } = params;
  const denominator = p * frequency + q - 1;
  if (!(denominator > 0)) {
    throw new CrmError(
      'MODEL_NOT_FITTED',
      `Gamma-Gamma: with q = ${q} the expected spend of a customer with ${frequency} repeat visits is infinite (needs p·x + q > 1)`,
      { details: { params, frequency } },
    );
  }
  return (p * (gamma + (frequency > 0 ? frequency * meanSpend! : 0))) / denominator;
}

/**
 * The expected spend per future visit of one customer, in minor units rounded
 * to the nearest unit: the posterior mean of their visit spend given `x`
 * repeat visits with mean `m̄`.
 *
 * @throws {@link ValidationError} for bad parameters or customer.
 * @throws {@link CrmError} `MODEL_NOT_FITTED` when the expected spend is infinite (`px + q ≤ 1`).
 * @example
 * ```ts
 * gammaGammaExpectedSpend({ p: 6.25, q: 3.74, gamma: 1544 }, { frequency: 2, meanRepeatSpendMinor: 2235 }); // 2466 = round(6.25 · (1544 + 2 · 2235) / (6.25 · 2 + 3.74 − 1))
 * ```
 */
export function gammaGammaExpectedSpend(model: GammaGammaFit | GammaGammaParameters, customer: SpendHistory): number {
  const params = gammaGammaParamsOf(model);
  const issues: ValidationIssue[] = [];
  spendIssues(customer, 'customer', issues);
  if (issues.length > 0) throw new ValidationError(issues, { label: 'spend history' });
  return Math.round(expectedSpend(params, customer.frequency, customer.meanRepeatSpendMinor));
}
