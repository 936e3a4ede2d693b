import { z } from 'zod';
import { deepFreeze, parse } from '../core/index.js';
import { columnTotal, readColumns } from './columns.js';
import { keepTiesTogether, rankOrder, ratio, zonesByCumulativeShare } from './ranking.js';
import { RankingTieRuleSchema, type RankingTieRule } from './tie-rule.js';

/**
 * The ABC classes: `A` — the customers making the top share of sales (75 %
 * by default); `B` — the customers making the rest of sales; `C` — prospects
 * with no sales in the window.
 */
export const AbcClassSchema = z.enum(['A', 'B', 'C']);

/** An ABC class; see {@link AbcClassSchema}. */
export type AbcClass = z.infer<typeof AbcClassSchema>;

/**
 * An ABC policy: `aShareOfRevenue` — the share of total sales the A customers
 * make (a fraction, default 0.75); `ties` — how equal sales at the A/B
 * boundary are handled (default `by_customer_id`).
 */
export const AbcPolicySchema = z.strictObject({
  aShareOfRevenue: z
    .number({ error: 'expected a share as a fraction such as 0.75' })
    .gt(0, { error: 'expected a share above 0 (a fraction such as 0.75, not a percentage)' })
    .lte(1, { error: 'expected a share of at most 1 (a fraction such as 0.75, not a percentage)' })
    .default(0.75),
  ties: RankingTieRuleSchema.default('by_customer_id'),
});

/** A parsed, frozen ABC policy; see {@link AbcPolicySchema}. */
export type AbcPolicy = z.output<typeof AbcPolicySchema>;
/** An ABC policy as accepted by {@link defineAbcPolicy}. */
export type AbcPolicyInput = z.input<typeof AbcPolicySchema>;

/**
 * Validates an ABC policy and returns it parsed and deeply frozen.
 *
 * @throws ValidationError when the share is not a fraction in (0, 1].
 * @example
 * ```ts
 * const policy = defineAbcPolicy({ aShareOfRevenue: 0.8 });
 * ```
 */
export function defineAbcPolicy(input: AbcPolicyInput): AbcPolicy {
  return deepFreeze(parse(AbcPolicySchema, input, { label: 'ABC policy' }));
}

/** The default ABC policy: A = the customers making the top 75 % of sales; ties by customer id. */
export const defaultAbcPolicy: AbcPolicy = defineAbcPolicy({ aShareOfRevenue: 0.75, ties: 'by_customer_id' });

/** One customer's sales over a window, the input of {@link classifyAbc}. */
export interface AbcValue {
  readonly customerId: string;
  /** Sales (revenue) over the window, non-negative integer minor units; 0 for a prospect. */
  readonly revenueMinor: number;
}

/** One customer's ABC class. */
export interface AbcAssignment {
  readonly customerId: string;
  /** The class, the customer's segment for contact plans. */
  readonly segment: AbcClass;
  /** 1-based position in the ranking: sales descending, equal sales by customer id. */
  readonly rank: number;
  readonly revenueMinor: number;
  /**
   * The share of total sales made by the customers ranked at or above this one,
   * or `null` when total sales are zero. The class is A while the share ranked
   * above the customer is still below `aShareOfRevenue`.
   */
  readonly cumulativeRevenueShare: number | null;
}

/** The totals of one ABC class. */
export interface AbcClassSummary {
  readonly segment: AbcClass;
  readonly customerCount: number;
  /** `customerCount / base`, or `null` for an empty base. */
  readonly customerShare: number | null;
  /** Total sales, minor units. */
  readonly revenueMinor: number;
  /** Share of total sales, or `null` when total sales are zero. */
  readonly revenueShare: number | null;
}

/** The result of {@link classifyAbc}. */
export interface AbcResult {
  readonly aShareOfRevenue: number;
  readonly ties: RankingTieRule;
  readonly customerCount: number;
  /** Total sales of the base, minor units. */
  readonly revenueMinor: number;
  /** A, B and C, in that order. */
  readonly classes: readonly AbcClassSummary[];
  /** One assignment per customer, in rank order. */
  readonly assignments: readonly AbcAssignment[];
}

const CLASSES: readonly AbcClass[] = ['A', 'B', 'C'];

/**
 * ABC classification by sales: ranks customers by sales (descending, equal
 * sales by customer id) and walks down the ranking; a customer is A while the
 * sales ranked above it are still below 75 % of the total (so the customer who
 * takes the sum past 75 % is A too), B after that, and C when it has no sales
 * at all (a prospect). With sales 50, 30, 20: A, A (50 < 75), B (80 ≥ 75).
 *
 * Contact cadences per class are data: see {@link defaultAbcCadences} and
 * {@link planContacts}.
 *
 * @param values - one row per customer: `customerId`, `revenueMinor` (0 for a prospect)
 * @param policy - default {@link defaultAbcPolicy}
 * @throws ValidationError for a missing, negative or fractional amount,
 * a bad or duplicate customer id, or an invalid policy.
 * @example
 * ```ts
 * classifyAbc([
 *   { customerId: 'C1', revenueMinor: 5000 },
 *   { customerId: 'C2', revenueMinor: 3000 },
 *   { customerId: 'C3', revenueMinor: 2000 },
 *   { customerId: 'C4', revenueMinor: 0 },
 * ]).assignments.map((a) => a.segment); // ['A', 'A', 'B', 'C']
 * ```
 */
export function classifyAbc(values: readonly AbcValue[], policy: AbcPolicyInput = defaultAbcPolicy): AbcResult {
  const parsed = defineAbcPolicy(policy);
  const label = 'ABC values';
  const { ids, columns } = readColumns(values, 'values', label, [
    { field: 'revenueMinor', kind: 'non_negative_minor', hint: 'give 0 for a prospect with no sales' },
  ]);
  const revenues = columns[0]!;
  const total = columnTotal(revenues, 'values', 'total revenue', label);
  const n = ids.length;
  const order = rankOrder(ids, revenues);
  const zones = zonesByCumulativeShare(order, revenues, [parsed.aShareOfRevenue, 1 - parsed.aShareOfRevenue]);
  if (parsed.ties === 'same_zone') keepTiesTogether(order, revenues, zones);

  const counts = [0, 0, 0];
  const sums = [0, 0, 0];
  const assignments = new Array<AbcAssignment>(n);
  let cumulative = 0;
  for (let position = 0; position < n; position++) {
    const index = order[position]!;
    const revenue = revenues[index]!;
    const klass = revenue === 0 ? 2 : zones[position]!;
    cumulative += revenue;
    counts[klass]! += 1;
    sums[klass]! += revenue;
    assignments[position] = {
      customerId: ids[index]!,
      segment: CLASSES[klass]!,
      rank: position + 1,
      revenueMinor: revenue,
      cumulativeRevenueShare: ratio(cumulative, total),
    };
  }
  return {
    aShareOfRevenue: parsed.aShareOfRevenue,
    ties: parsed.ties,
    customerCount: n,
    revenueMinor: total,
    classes: CLASSES.map((segment, index) => ({
      segment,
      customerCount: counts[index]!,
      customerShare: ratio(counts[index]!, n),
      revenueMinor: sums[index]!,
      revenueShare: ratio(sums[index]!, total),
    })),
    assignments,
  };
}
