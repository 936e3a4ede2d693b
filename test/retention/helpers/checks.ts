import { expect } from 'vitest';

/**
 * Draws `n` simulated visit counts and checks, within four standard errors,
 * that their mean is `mean` and that the share of each listed count is its
 * probability.
 */
export function expectCountsMatch(draw: () => number, n: number, mean: number, probability: (k: number) => number, counts: readonly number[]): void {
  const seen = new Map<number, number>();
  let total = 0;
  for (let i = 0; i < n; i++) {
    const k = draw();
    seen.set(k, (seen.get(k) ?? 0) + 1);
    total += k;
  }
  let variance = 0;
  for (const [k, c] of seen) variance += (c / n) * (k - mean) ** 2;
  expect(Math.abs(total / n - mean)).toBeLessThan(4 * Math.sqrt(variance / n));
  for (const k of counts) {
    const p = probability(k);
    expect(Math.abs((seen.get(k) ?? 0) / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
  }
}

/**
 * Sums a count distribution until its tail is negligible and checks it sums
 * to 1 and has the given mean (relative tolerance 1e-7).
 */
export function expectDistributionMean(probability: (n: number) => number, mean: number): void {
  let sum = 0;
  let first = 0;
  for (let n = 0; n < 20_000 && (n < 10 || 1 - sum > 1e-14); n++) {
    const p = probability(n);
    sum += p;
    first += n * p;
  }
  expect(sum).toBeCloseTo(1, 9);
  expect(Math.abs(first - mean)).toBeLessThan(1e-7 * Math.max(1, mean));
}

/**
 * Simulates 100 000 new customers over 52 weeks and checks (see
 * {@link expectCountsMatch}) their visit counts against the model's mean
 * E[X(52)] and its P(X(52) = k) for k = 0, 1, 2, 3, 5, 8.
 */
export function expectNewCustomerVisitsMatchSimulation(
  simulateVisits: (until: number) => readonly number[],
  expectedVisits: (t: number) => number,
  visitProbability: (n: number, t: number) => number,
): void {
  expectCountsMatch(() => simulateVisits(52).length, 100_000, expectedVisits(52), (k) => visitProbability(k, 52), [0, 1, 2, 3, 5, 8]);
}

/** Checks that a fit converged and that each of its parameters lies within three standard errors of the true value. */
export function expectRecoversParameters<K extends string>(
  fit: { readonly converged: boolean; readonly params: Readonly<Record<K, number>>; readonly standardErrors: Readonly<Record<K, number>> | null },
  truth: Readonly<Record<K, number>>,
): void {
  expect(fit.converged).toBe(true);
  for (const key of Object.keys(truth) as K[]) {
    expect(Math.abs(fit.params[key] - truth[key])).toBeLessThan(3 * fit.standardErrors![key]);
  }
}
