/**
 * Ranking and cutting shared by the pyramid and ABC: order customers by a
 * value, then cut the ranked list into zones by counts, by value thresholds
 * or by cumulative share of the value. Zones are numbered from 0 (the top).
 *
 * @internal
 */
import { apportion } from '../core/index.js';
import { compareIds, sortIndicesById } from './sort-by-id.js';

/** Index bits of the packed sort key: up to 2²¹ (about two million) customers. */
const INDEX_BITS = 2 ** 21;
/** Value span the packed key can hold next to the index: 2³² minor units, so that the key stays below 2⁵³. */
const VALUE_SPAN = 2 ** 32;

/**
 * The positions of customers ordered by value descending, ties by customer id
 * ascending. Ids must be unique, so the order is total and does not depend on
 * the input order. Values must be integers (minor units).
 *
 * When the base is under 2²¹ customers and the values span less than 2³²
 * minor units (the usual case), each customer is packed into one exact
 * float64 key `(max − value) · 2²¹ + index` and the keys are sorted natively;
 * only runs of equal values are then sorted by id (radix on the ids' code
 * units, see `sortIndicesById`).
 * Otherwise the whole ranking is sorted with the comparator.
 */
export function rankOrder(ids: readonly string[], values: Float64Array): Uint32Array {
  const n = values.length;
  const order = new Uint32Array(n);
  let max = -Infinity;
  let min = Infinity;
  for (let i = 0; i < n; i++) {
    if (values[i]! > max) max = values[i]!;
    if (values[i]! < min) min = values[i]!;
  }
  const byId = compareIds(ids);
  if (n >= INDEX_BITS || !(max - min < VALUE_SPAN)) {
    for (let i = 0; i < n; i++) order[i] = i;
    return order.sort((a, b) => values[b]! - values[a]! || byId(a, b));
  }
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = (max - values[i]!) * INDEX_BITS + i;
  keys.sort();
  for (let position = 0; position < n; position++) {
    const key = keys[position]!;
    order[position] = key - Math.floor(key / INDEX_BITS) * INDEX_BITS;
  }
  let scratch: Uint32Array | undefined;
  let start = 0;
  for (let position = 1; position <= n; position++) {
    if (position === n || values[order[position]!] !== values[order[start]!]) {
      if (position - start > 1) {
        scratch ??= new Uint32Array(n);
        sortIndicesById(order.subarray(start, position), ids, scratch, byId);
      }
      start = position;
    }
  }
  return order;
}

/** Zones by counts: the first `counts[0]` ranked positions are zone 0, and so on. */
export function zonesByCounts(counts: readonly number[], n: number): Uint8Array {
  const zones = new Uint8Array(n);
  let position = 0;
  counts.forEach((count, zone) => {
    zones.fill(zone, position, position + count);
    position += count;
  });
  return zones;
}

/** Zones by customer shares, sized by largest remainder (`apportion`) so that they sum to `n`. */
export function zonesByCustomerShare(shares: readonly number[], n: number): Uint8Array {
  return zonesByCounts(apportion(n, shares), n);
}

/**
 * Zones by value thresholds: a customer goes to the first zone whose minimum
 * (`null` = no minimum) its value reaches.
 */
export function zonesByThreshold(order: Uint32Array, values: Float64Array, minimums: readonly (number | null)[]): Uint8Array {
  const zones = new Uint8Array(order.length);
  let zone = 0;
  for (let position = 0; position < order.length; position++) {
    const value = values[order[position]!]!;
    while (zone < minimums.length - 1 && minimums[zone] !== null && value < minimums[zone]!) zone++;
    zones[position] = zone;
  }
  return zones;
}

/**
 * Zones by cumulative share of the positive total `P` (the sum of the values
 * above zero): walking down the ranking, a customer goes to the first zone `k`
 * for which the value ranked above it is still below `share[0] + … + share[k]`
 * of `P`. So the customer who crosses a boundary belongs to the zone it
 * completes (the top 75 % of sales includes the customer who takes the sum
 * past 75 %). Customers adding nothing positive, and everyone when `P` is
 * zero, go to the last zone.
 */
export function zonesByCumulativeShare(order: Uint32Array, values: Float64Array, shares: readonly number[]): Uint8Array {
  const zones = new Uint8Array(order.length);
  const last = shares.length - 1;
  let positiveTotal = 0;
  for (let i = 0; i < values.length; i++) if (values[i]! > 0) positiveTotal += values[i]!;
  if (positiveTotal === 0) return zones.fill(last);
  // Boundaries as fractions rounded to 12 places, so that 0.05 + 0.1 is 0.15 and
  // a customer exactly on a decimal boundary is compared against that decimal.
  const boundaries: number[] = [];
  let cumulative = 0;
  for (const share of shares) {
    cumulative += share;
    boundaries.push(Math.round(cumulative * 1e12) / 1e12);
  }
  let zone = 0;
  let before = 0;
  for (let position = 0; position < order.length; position++) {
    const value = values[order[position]!]!;
    const reached = before / positiveTotal;
    while (zone < last && !(reached < boundaries[zone]!)) zone++;
    zones[position] = zone;
    if (value > 0) before += value;
  }
  return zones;
}

/**
 * Applies the `same_zone` tie rule in place: every run of equal values takes
 * the zone of its first (best-ranked) position.
 */
export function keepTiesTogether(order: Uint32Array, values: Float64Array, zones: Uint8Array): void {
  for (let position = 1; position < order.length; position++) {
    if (values[order[position]!] === values[order[position - 1]!]) zones[position] = zones[position - 1]!;
  }
}

/** `part / total`, or `null` when the total is zero (a share of nothing is undefined). */
export function ratio(part: number, total: number): number | null {
  return total === 0 ? null : part / total;
}
