import { packHistories, type VisitHistory } from './history.js';
import { checkDuration } from './parameters.js';

/**
 * A visit model reduced to the two quantities forecasts combine: P(alive at
 * T) for a history, and the expected visits in `(T, T+t]` of a customer who
 * is alive at T. Parameters are already valid.
 *
 * @internal
 */
export interface VisitForecaster {
  alive(frequency: number, recency: number, age: number): number;
  expectedIfAlive(frequency: number, age: number, t: number): number;
}

/** Per-customer forecasts from a visit model, aligned with the input histories. */
export interface VisitForecastColumns {
  /** P(alive) at the end of calibration, per customer. */
  readonly probabilityAlive: Float64Array;
  /** Expected visits in the horizon, per customer. */
  readonly expectedVisits: Float64Array;
}

/**
 * P(alive) and expected visits over a horizon for every history, evaluating
 * each distinct `(x, t_x, T)` once.
 *
 * @internal
 */
export function forecastColumns(forecaster: VisitForecaster, histories: readonly VisitHistory[], options: { readonly horizon: number }): VisitForecastColumns {
  const horizon = checkDuration(options?.horizon, 'options.horizon');
  const columns = packHistories(histories, 'histories');
  const rows = columns.frequency.length;
  const aliveOfRow = new Float64Array(rows);
  const visitsOfRow = new Float64Array(rows);
  for (let g = 0; g < rows; g++) {
    const x = columns.frequency[g]!;
    const age = columns.age[g]!;
    aliveOfRow[g] = forecaster.alive(x, columns.recency[g]!, age);
    visitsOfRow[g] = aliveOfRow[g]! * forecaster.expectedIfAlive(x, age, horizon);
  }
  const probabilityAlive = new Float64Array(columns.customers);
  const expectedVisits = new Float64Array(columns.customers);
  for (let i = 0; i < columns.customers; i++) {
    const g = columns.rowOf[i]!;
    probabilityAlive[i] = aliveOfRow[g]!;
    expectedVisits[i] = visitsOfRow[g]!;
  }
  return { probabilityAlive, expectedVisits };
}
