/**
 * Checks of a visit model's closed-form predictions (BG/NBD, Pareto/NBD)
 * against the posterior of its individual-level model, integrated on a grid
 * (see oracle.ts). Both models are checked at the same histories, horizons
 * and tolerances.
 */
import { expect } from 'vitest';
import type { VisitHistory } from 'dealer-crm/retention';
import { integrate, type Grid, type IndividualModel } from './oracle.js';

/**
 * CDNOW-like histories in weeks, from a customer without repeat visits to a
 * frequent visitor (x = 29), at which the predictions are checked.
 */
export const posteriorCheckHistories: readonly VisitHistory[] = [
  { frequency: 0, recency: 0, age: 38.86 },
  { frequency: 2, recency: 30.43, age: 38.86 },
  { frequency: 7, recency: 29.43, age: 38.86 },
  { frequency: 1, recency: 1.71, age: 38.86 },
  { frequency: 29, recency: 37.71, age: 38 },
];

/** The individual model on a grid, with the marginal likelihood ∫∫ prior · L of each of {@link posteriorCheckHistories}. */
export interface Posterior {
  readonly individual: IndividualModel;
  readonly grid: Grid;
  readonly histories: readonly VisitHistory[];
  readonly likelihoods: readonly number[];
}

export function posteriorOf(individual: IndividualModel, grid: Grid): Posterior {
  const histories = posteriorCheckHistories;
  const likelihoods = histories.map((h) => integrate(grid, (l, d) => individual.logLikelihood(l, d, h.frequency, h.recency, h.age)));
  return { individual, grid, histories, likelihoods };
}

/** P(alive | x, t_x, T) is the posterior mass of "alive at T", for every history (to 8 digits). */
export function expectProbabilityAliveMatchesPosterior(posterior: Posterior, probabilityAlive: (h: VisitHistory) => number): void {
  const { individual, grid, histories, likelihoods } = posterior;
  histories.forEach((h, i) => {
    const alive = integrate(grid, (l, d) => individual.logAlive(l, d, h.frequency, h.age)) / likelihoods[i]!;
    expect(probabilityAlive(h)).toBeCloseTo(alive, 8);
  });
}

/** E[Y(t) | x, t_x, T] is the posterior mean of future visits, for every history and t = 1, 52, 500 (to 6 digits). */
export function expectConditionalExpectedVisitsMatchPosterior(posterior: Posterior, conditionalExpectedVisits: (h: VisitHistory, t: number) => number): void {
  const { individual, grid, histories, likelihoods } = posterior;
  for (const t of [1, 52, 500]) {
    histories.forEach((h, i) => {
      const expected = integrate(grid, (l, d) => individual.logAlive(l, d, h.frequency, h.age) + Math.log(individual.expectedIfAlive(l, d, t))) / likelihoods[i]!;
      expect(conditionalExpectedVisits(h, t)).toBeCloseTo(expected, 6);
    });
  }
}

/** P(X(t) = n) of a new customer is the prior mixture on `grid`, for t = 5, 200 and n = 0, 1, 5, 12 (to 9 digits). */
export function expectVisitProbabilityMatchesPrior(individual: IndividualModel, grid: Grid, visitProbability: (n: number, t: number) => number): void {
  for (const t of [5, 200]) {
    for (const n of [0, 1, 5, 12]) {
      const expected = integrate(grid, (l, d) => Math.log(individual.probability(l, d, n, t)));
      expect(visitProbability(n, t)).toBeCloseTo(expected, 9);
    }
  }
}

/**
 * P(Y(t) = n | x, t_x, T) is the posterior mixture (alive and visiting n
 * times, or, for n = 0, dead), for the histories with x = 2, 7, 29, t = 39
 * and n = 0, 1, 10 (to 8 digits).
 */
export function expectConditionalVisitProbabilityMatchesPosterior(
  posterior: Posterior,
  conditionalVisitProbability: (h: VisitHistory, n: number, t: number) => number,
): void {
  const { individual, grid, histories, likelihoods } = posterior;
  const t = 39;
  [1, 2, 4].forEach((i) => {
    const h = histories[i]!;
    for (const n of [0, 1, 10]) {
      const alive = integrate(grid, (l, d) => individual.logAlive(l, d, h.frequency, h.age) + Math.log(individual.probability(l, d, n, t)));
      const dead = n === 0 ? likelihoods[i]! - integrate(grid, (l, d) => individual.logAlive(l, d, h.frequency, h.age)) : 0;
      expect(conditionalVisitProbability(h, n, t)).toBeCloseTo((alive + dead) / likelihoods[i]!, 8);
    }
  });
}
