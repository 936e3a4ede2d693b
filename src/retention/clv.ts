import { z } from 'zod';
import { parse, ValidationError, type ValidationIssue } from '../core/index.js';
import { bgNbdForecaster, type BgNbdFit } from './bg-nbd.js';
import type { VisitForecaster } from './forecast.js';
import { expectedSpendOf, gammaGammaParamsOf, spendIssues, type GammaGammaFit, type GammaGammaParameters, type ObservedMeanSpend, type SpendHistory } from './gamma-gamma.js';
import { packHistories, type VisitHistory } from './history.js';
import { paretoNbdForecaster, type ParetoNbdFit } from './pareto-nbd.js';

/** Options for {@link customerLifetimeValue}. */
export const CustomerLifetimeValueOptionsSchema = z.strictObject({
  /** How far ahead to value the customer, in the visit model's time unit (e.g. 156 weeks). */
  horizon: z.number().positive().finite(),
  /**
   * Length of one discounting period in the visit model's time unit (e.g.
   * 52/12 weeks for monthly discounting); default: the whole horizon is one period.
   */
  periodLength: z.number().positive().finite().optional(),
  /** Discount rate per period, as a fraction (0.01 = 1% a period). */
  discountRate: z.number().min(0).finite(),
  /** Share of revenue that is margin, as a fraction; default 1 (value revenue). */
  marginRate: z.number().min(0).max(1).default(1),
});

/** Options for {@link customerLifetimeValue}, as accepted. */
export type CustomerLifetimeValueOptions = z.input<typeof CustomerLifetimeValueOptionsSchema>;

/** A customer as {@link customerLifetimeValue} reads it: visit history, spend and an optional id. */
export interface CustomerValueInput extends VisitHistory, SpendHistory {
  readonly customerId?: string;
}

/** One customer's forecast value. */
export interface CustomerLifetimeValue {
  /** The input's `customerId`, when it had one. */
  readonly customerId?: string;
  /** P(alive) at the end of calibration. */
  readonly probabilityAlive: number;
  /** Expected visits over the horizon (undiscounted). */
  readonly expectedVisits: number;
  /** Expected spend per visit, minor units, rounded. */
  readonly expectedSpendMinor: number;
  /** Discounted expected margin (or revenue) over the horizon, minor units, rounded. */
  readonly clvMinor: number;
}

/**
 * Customer lifetime value per customer: a visit model (BG/NBD or Pareto/NBD)
 * forecasts the expected visits in each period of the horizon, the
 * Gamma-Gamma model (or, where it cannot be fitted, the customers' observed
 * means: {@link observedMeanSpend}) the spend per visit; each period's expected visits ×
 * spend × margin are discounted by `(1 + discountRate)^k` for period `k`.
 *
 * `CLV = margin · E[spend] · Σₖ (E[Y(tₖ)] − E[Y(tₖ₋₁)]) / (1 + d)^k`, `tₖ = min(k·periodLength, horizon)`.
 *
 * @throws {@link ValidationError} for bad options or customers (paths `customers[i].…`).
 * @throws {@link CrmError} `MODEL_NOT_FITTED` when the spend model gives an
 *   infinite expected spend for a customer.
 */
export function customerLifetimeValue(
  visitModel: BgNbdFit | ParetoNbdFit,
  spendModel: GammaGammaFit | GammaGammaParameters | ObservedMeanSpend,
  customers: readonly CustomerValueInput[],
  options: CustomerLifetimeValueOptions,
): CustomerLifetimeValue[] {
  const { horizon, periodLength, discountRate, marginRate } = parse(CustomerLifetimeValueOptionsSchema, options, { label: 'CLV options', path: 'options' });
  const forecaster = visitForecasterOf(visitModel);
  const spendParams = spendModelOf(spendModel);
  const columns = packHistories(customers, 'customers');
  const issues: ValidationIssue[] = [];
  for (let i = 0; i < customers.length && issues.length < 20; i++) spendIssues(customers[i]!, `customers[${i}]`, issues);
  if (issues.length > 0) throw new ValidationError(issues, { label: 'customers' });

  const step = periodLength ?? horizon;
  const periods = Math.ceil(horizon / step - 1e-12);
  const discount = Array.from({ length: periods }, (_, k) => (1 + discountRate) ** -(k + 1));
  const rows = columns.frequency.length;
  const alive = new Float64Array(rows);
  const visits = new Float64Array(rows);
  const discounted = new Float64Array(rows);
  for (let g = 0; g < rows; g++) {
    const x = columns.frequency[g]!;
    const age = columns.age[g]!;
    alive[g] = forecaster.alive(x, columns.recency[g]!, age);
    let previous = 0;
    let sum = 0;
    for (let k = 0; k < periods; k++) {
      const current = forecaster.expectedIfAlive(x, age, Math.min((k + 1) * step, horizon));
      sum += (current - previous) * discount[k]!;
      previous = current;
    }
    visits[g] = alive[g]! * previous;
    discounted[g] = alive[g]! * sum;
  }
  return customers.map((customer, i) => {
    const g = columns.rowOf[i]!;
    const spend = expectedSpendOf(spendParams, customer.frequency, customer.meanRepeatSpendMinor);
    return {
      ...(customer.customerId === undefined ? {} : { customerId: customer.customerId }),
      probabilityAlive: alive[g]!,
      expectedVisits: visits[g]!,
      expectedSpendMinor: Math.round(spend),
      clvMinor: Math.round(marginRate * spend * discounted[g]!),
    };
  });
}

function spendModelOf(model: GammaGammaFit | GammaGammaParameters | ObservedMeanSpend): GammaGammaParameters | ObservedMeanSpend {
  if (typeof model === 'object' && model !== null && 'model' in model && model.model === 'observed-mean-spend') {
    const base = model.baseMeanSpendMinor;
    if (!(typeof base === 'number' && Number.isFinite(base) && base > 0)) {
      throw new ValidationError([{ path: 'spendModel.baseMeanSpendMinor', message: `the base's mean spend must be a positive finite number of minor units, got ${String(base)}` }]);
    }
    return model;
  }
  return gammaGammaParamsOf(model as GammaGammaFit | GammaGammaParameters);
}

function visitForecasterOf(model: BgNbdFit | ParetoNbdFit): VisitForecaster {
  if (typeof model === 'object' && model !== null) {
    if (model.model === 'bg-nbd') return bgNbdForecaster(model);
    if (model.model === 'pareto-nbd') return paretoNbdForecaster(model);
  }
  throw new ValidationError([{ path: 'visitModel', message: "expected a fitted visit model (model 'bg-nbd' or 'pareto-nbd')" }]);
}
