import { invalid } from './errors.js';

const EPSILON = 1e-9;

/**
 * Splits a whole number `total` into integer parts proportional to `weights`
 * by the largest-remainder (Hamilton) method: every part first gets the whole
 * part of its exact quota, then the units still missing go one each to the
 * largest fractional remainders. Ties between remainders (within 1e-9) go to
 * the earlier weight, so the result is deterministic. The parts always sum to
 * `total`, and each differs from its exact quota by less than one.
 *
 * Used for zone sizes of the customer pyramid (300 customers at
 * 5/10/20/25/40 % → 15/30/60/75/120) and for splitting money across lines.
 *
 * @param total - a non-negative safe integer
 * @param weights - non-negative finite weights, not all zero when `total > 0`
 * @throws {@link ValidationError} for a negative or fractional total, a
 * negative or non-finite weight, or all-zero weights with a positive total.
 * @example
 * ```ts
 * apportion(300, [0.05, 0.1, 0.2, 0.25, 0.4]); // [15, 30, 60, 75, 120]
 * apportion(7, [1, 1, 1]); // [3, 2, 2]
 * ```
 */
export function apportion(total: number, weights: readonly number[]): number[] {
  if (!Number.isSafeInteger(total) || total < 0) invalid('total', `expected a non-negative integer, got ${total}`);
  let sum = 0;
  weights.forEach((weight, index) => {
    if (!Number.isFinite(weight) || weight < 0) {
      invalid(`weights[${index}]`, `expected a non-negative finite weight, got ${weight}`);
    }
    sum += weight;
  });
  if (total === 0) return weights.map(() => 0);
  if (sum <= 0) invalid('weights', 'expected at least one positive weight');

  const parts = new Array<number>(weights.length);
  const remainders: { index: number; remainder: number }[] = [];
  let assigned = 0;
  weights.forEach((weight, index) => {
    const quota = (total * weight) / sum;
    const whole = Math.floor(quota + EPSILON);
    parts[index] = whole;
    assigned += whole;
    remainders.push({ index, remainder: quota - whole });
  });
  remainders.sort((a, b) => (Math.abs(a.remainder - b.remainder) <= EPSILON ? a.index - b.index : b.remainder - a.remainder));
  for (let k = 0; k < total - assigned; k++) {
    const slot = remainders[k % remainders.length]!;
    parts[slot.index]! += 1;
  }
  return parts;
}
