import { z } from 'zod';
import { deepFreeze, NonNegativeMinorUnitsSchema, parse } from '../core/index.js';
import { columnTotal, readColumns } from './columns.js';
import { ratio } from './ranking.js';

/**
 * The purchase quadrants, by purchase amount × purchase frequency over a window:
 * - `star` — high amount, high frequency (contact weekly);
 * - `volcano` — high amount, low frequency: rare but large purchases, the
 *   customer "erupts" now and then (every two weeks);
 * - `cow` — low amount, high frequency: small, steady purchases to milk (monthly);
 * - `dog` — low amount, low frequency (every two months).
 */
export const PurchaseQuadrantSchema = z.enum(['star', 'volcano', 'cow', 'dog']);

/** A purchase quadrant; see {@link PurchaseQuadrantSchema}. */
export type PurchaseQuadrant = z.infer<typeof PurchaseQuadrantSchema>;

/**
 * Cut points of the purchase quadrants. A customer is "high" on an axis when
 * its value is at or above the cut. `null` (the default) takes the median of
 * the base: the mean of the two middle values for an even count, so an amount
 * cut may fall on half a minor unit.
 */
export const PurchaseQuadrantPolicySchema = z.strictObject({
  /** The purchase amount (revenue over the window, minor units) from which a customer is "high amount". */
  amountCutMinor: NonNegativeMinorUnitsSchema.nullable().default(null),
  /** The purchase count over the window from which a customer is "high frequency". */
  frequencyCut: z
    .number({ error: 'expected a purchase count' })
    .nonnegative({ error: 'expected a non-negative purchase count' })
    .finite()
    .nullable()
    .default(null),
});

/** A parsed, frozen purchase-quadrant policy; see {@link PurchaseQuadrantPolicySchema}. */
export type PurchaseQuadrantPolicy = z.output<typeof PurchaseQuadrantPolicySchema>;
/** A purchase-quadrant policy as accepted by {@link definePurchaseQuadrantPolicy}. */
export type PurchaseQuadrantPolicyInput = z.input<typeof PurchaseQuadrantPolicySchema>;

/**
 * Validates a purchase-quadrant policy and returns it parsed and deeply frozen.
 *
 * @throws ValidationError for a negative or fractional amount cut or a negative frequency cut.
 * @example
 * ```ts
 * const policy = definePurchaseQuadrantPolicy({ amountCutMinor: 500_000, frequencyCut: 3 });
 * ```
 */
export function definePurchaseQuadrantPolicy(input: PurchaseQuadrantPolicyInput): PurchaseQuadrantPolicy {
  return deepFreeze(parse(PurchaseQuadrantPolicySchema, input, { label: 'purchase quadrant policy' }));
}

/** The default purchase-quadrant policy: both cut points are the base's medians. */
export const defaultPurchaseQuadrantPolicy: PurchaseQuadrantPolicy = definePurchaseQuadrantPolicy({
  amountCutMinor: null,
  frequencyCut: null,
});

/** One customer's purchases over a window, the input of {@link classifyPurchaseQuadrants}. */
export interface PurchaseQuadrantValue {
  readonly customerId: string;
  /** Purchase amount: revenue over the window, non-negative integer minor units. */
  readonly revenueMinor: number;
  /** Purchase frequency: the number of purchases over the window. */
  readonly purchaseCount: number;
}

/** One customer's quadrant. */
export interface PurchaseQuadrantAssignment {
  readonly customerId: string;
  /** The quadrant, the customer's segment for contact plans. */
  readonly segment: PurchaseQuadrant;
  readonly revenueMinor: number;
  readonly purchaseCount: number;
  /** Whether the amount is at or above the amount cut. */
  readonly highAmount: boolean;
  /** Whether the purchase count is at or above the frequency cut. */
  readonly highFrequency: boolean;
}

/** The totals of one quadrant. */
export interface PurchaseQuadrantSummary {
  readonly segment: PurchaseQuadrant;
  readonly customerCount: number;
  /** `customerCount / base`, or `null` for an empty base. */
  readonly customerShare: number | null;
  /** Total purchase amount, minor units. */
  readonly revenueMinor: number;
  /** Share of the base's purchase amount, or `null` when it is zero. */
  readonly revenueShare: number | null;
  /** Total number of purchases. */
  readonly purchaseCount: number;
}

/** The result of {@link classifyPurchaseQuadrants}. */
export interface PurchaseQuadrantResult {
  /** The amount cut used (minor units), or `null` for an empty base with no cut given. */
  readonly amountCutMinor: number | null;
  /** The frequency cut used, or `null` for an empty base with no cut given. */
  readonly frequencyCut: number | null;
  /** Whether the amount cut is the base's median (none was given). */
  readonly amountCutFromMedian: boolean;
  /** Whether the frequency cut is the base's median (none was given). */
  readonly frequencyCutFromMedian: boolean;
  readonly customerCount: number;
  /** Star, volcano, cow and dog, in that order. */
  readonly quadrants: readonly PurchaseQuadrantSummary[];
  /** One assignment per customer, in input order. */
  readonly assignments: readonly PurchaseQuadrantAssignment[];
}

const QUADRANTS: readonly PurchaseQuadrant[] = ['star', 'volcano', 'cow', 'dog'];

/**
 * Sorts customers into star / volcano / cow / dog by purchase amount ×
 * purchase frequency. A customer at or above the amount cut is "high amount",
 * at or above the frequency cut "high frequency": star = high/high, volcano =
 * high amount/low frequency, cow = low amount/high frequency, dog = low/low.
 * Cut points default to the base's medians, so with all-equal values every
 * customer is at the median and a star. Each customer's quadrant depends only
 * on its own values and the cut points, so the input order does not matter.
 *
 * @param values - one row per customer: `customerId`, `revenueMinor`, `purchaseCount`
 * @param policy - the cut points; default {@link defaultPurchaseQuadrantPolicy} (medians)
 * @throws ValidationError for a missing, negative or fractional amount
 * or count, a bad or duplicate customer id, or an invalid policy.
 * @example
 * ```ts
 * const result = classifyPurchaseQuadrants(
 *   [
 *     { customerId: 'C1', revenueMinor: 900_000, purchaseCount: 6 },
 *     { customerId: 'C2', revenueMinor: 700_000, purchaseCount: 1 },
 *   ],
 *   { amountCutMinor: 500_000, frequencyCut: 3 },
 * );
 * result.assignments.map((a) => a.segment); // ['star', 'volcano']
 * ```
 */
export function classifyPurchaseQuadrants(
  values: readonly PurchaseQuadrantValue[],
  policy: PurchaseQuadrantPolicyInput = defaultPurchaseQuadrantPolicy,
): PurchaseQuadrantResult {
  const parsed = definePurchaseQuadrantPolicy(policy);
  const label = 'purchase quadrant values';
  const { ids, columns } = readColumns(values, 'values', label, [
    { field: 'revenueMinor', kind: 'non_negative_minor', hint: 'give 0 for a customer with no purchases' },
    { field: 'purchaseCount', kind: 'count' },
  ]);
  const amounts = columns[0]!;
  const counts = columns[1]!;
  const totalAmount = columnTotal(amounts, 'values', 'total revenue', label);
  const amountCut = parsed.amountCutMinor ?? median(amounts);
  const frequencyCut = parsed.frequencyCut ?? median(counts);
  const n = ids.length;

  const customers = [0, 0, 0, 0];
  const amountSums = [0, 0, 0, 0];
  const purchaseSums = [0, 0, 0, 0];
  const assignments = new Array<PurchaseQuadrantAssignment>(n);
  for (let index = 0; index < n; index++) {
    const amount = amounts[index]!;
    const count = counts[index]!;
    const highAmount = amount >= amountCut!;
    const highFrequency = count >= frequencyCut!;
    const quadrant = highAmount ? (highFrequency ? 0 : 1) : highFrequency ? 2 : 3;
    customers[quadrant]! += 1;
    amountSums[quadrant]! += amount;
    purchaseSums[quadrant]! += count;
    assignments[index] = { customerId: ids[index]!, segment: QUADRANTS[quadrant]!, revenueMinor: amount, purchaseCount: count, highAmount, highFrequency };
  }
  return {
    amountCutMinor: amountCut,
    frequencyCut,
    amountCutFromMedian: parsed.amountCutMinor === null,
    frequencyCutFromMedian: parsed.frequencyCut === null,
    customerCount: n,
    quadrants: QUADRANTS.map((segment, index) => ({
      segment,
      customerCount: customers[index]!,
      customerShare: ratio(customers[index]!, n),
      revenueMinor: amountSums[index]!,
      revenueShare: ratio(amountSums[index]!, totalAmount),
      purchaseCount: purchaseSums[index]!,
    })),
    assignments,
  };
}

/** The median of a column (the mean of the two middle values for an even count), or `null` when it is empty. */
function median(column: Float64Array): number | null {
  if (column.length === 0) return null;
  const sorted = Float64Array.from(column).sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
