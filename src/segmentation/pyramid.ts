import { columnTotal, readColumns } from './columns.js';
import {
  defaultPyramidPolicy,
  definePyramidPolicy,
  type PyramidPolicy,
  type PyramidPolicyInput,
  type PyramidStrategy,
} from './pyramid-policy.js';
import { keepTiesTogether, rankOrder, ratio, zonesByCumulativeShare, zonesByCustomerShare, zonesByThreshold } from './ranking.js';
import type { RankingTieRule } from './tie-rule.js';

/**
 * One customer's profit contribution over a window, the input of
 * {@link assignPyramid}. Build it from transactions with
 * {@link customerValuesFromTransactions}, or supply it from elsewhere.
 */
export interface PyramidValue {
  /** The customer; each may appear once. */
  readonly customerId: string;
  /** Gross profit over the window, integer minor units; negative for a loss-making customer. */
  readonly profitMinor: number;
  /**
   * Revenue over the window, non-negative integer minor units. Optional, but
   * all or nothing: give it for every customer or for none.
   */
  readonly revenueMinor?: number | undefined;
}

/** Where one customer sits in the pyramid. */
export interface PyramidAssignment {
  readonly customerId: string;
  /** The zone id (`top`, `platinum`), the customer's segment for contact plans and migration. */
  readonly segment: string;
  /** The zone's position from the top, 0-based. */
  readonly zoneIndex: number;
  /** 1-based position in the ranking: profit descending, equal profits by customer id. */
  readonly rank: number;
  /**
   * The share of the base ranked at or below this customer, `(n − rank + 1) / n`:
   * 1 for the most profitable customer, `1/n` for the least; 0.96 reads "ranked
   * above 96 % of the base, counting themselves".
   */
  readonly percentile: number;
  /** The profit the customer was ranked by, minor units. */
  readonly profitMinor: number;
  /** The revenue supplied, minor units, or `null` when none was. */
  readonly revenueMinor: number | null;
}

/** The totals of one pyramid zone. */
export interface PyramidZoneSummary {
  /** The zone id. */
  readonly id: string;
  readonly label: string;
  /** The recommended strategy; see {@link pyramidStrategyDescriptions}. */
  readonly strategy: PyramidStrategy;
  readonly customerCount: number;
  /** `customerCount / base`, or `null` for an empty base. */
  readonly customerShare: number | null;
  /** Total profit of the zone's customers, minor units. */
  readonly profitMinor: number;
  /**
   * `profitMinor / total profit`, or `null` when the total is zero. With
   * loss-making customers the total is smaller than the profit of the top
   * zones, so their shares can exceed 1 and the loss zone's is negative (the
   * "whale curve").
   */
  readonly profitShare: number | null;
  /** Total revenue, minor units, or `null` when no revenue was supplied. */
  readonly revenueMinor: number | null;
  /** `revenueMinor / total revenue`, or `null` when no revenue was supplied or it is zero. */
  readonly revenueShare: number | null;
  /** The lowest profit in the zone, or `null` when it is empty. */
  readonly minProfitMinor: number | null;
  /** The highest profit in the zone, or `null` when it is empty. */
  readonly maxProfitMinor: number | null;
  /** How many of the zone's customers have a negative profit. */
  readonly lossMakingCount: number;
}

/** The result of {@link assignPyramid}. */
export interface PyramidResult {
  /** The policy's name. */
  readonly policyName: string;
  /** How the policy cuts. */
  readonly cut: PyramidPolicy['cut'];
  /** How equal profits at a boundary were handled. */
  readonly ties: RankingTieRule;
  /** The size of the base. */
  readonly customerCount: number;
  /** Total profit of the base, minor units. */
  readonly profitMinor: number;
  /** Total revenue of the base, minor units, or `null` when none was supplied. */
  readonly revenueMinor: number | null;
  /** One summary per zone of the policy, top first (empty zones included). */
  readonly zones: readonly PyramidZoneSummary[];
  /** One assignment per customer, in rank order (most profitable first). */
  readonly assignments: readonly PyramidAssignment[];
}

/**
 * Sorts customers into the customer pyramid: ranks them by profit
 * contribution (descending; equal profits by customer id, so the ranking never
 * depends on input order) and cuts the ranking into the policy's zones — by
 * share of customers (sizes by largest remainder, so counts sum to the base:
 * 300 → 15 / 30 / 60 / 75 / 120), by profit thresholds, or by cumulative share
 * of profit. Reports per customer the zone, rank and percentile, and per zone
 * the count, customer share, revenue and profit totals and shares and the
 * recommended strategy.
 *
 * An empty base gives empty zones; all-equal profits are split by customer id
 * (or kept in the top zone with `ties: 'same_zone'`); negative profits rank
 * below zero. Linear after an n·log n sort.
 *
 * @param values - one row per customer: `customerId`, `profitMinor`, optionally `revenueMinor`
 * @param policy - the zones; default {@link defaultPyramidPolicy} (five zones)
 * @throws ValidationError for a missing or fractional amount, a bad or
 * duplicate customer id, revenue given for some customers but not others, an
 * invalid policy, or totals beyond the safe integer range.
 * @example
 * ```ts
 * const values = Array.from({ length: 300 }, (_, i) => ({ customerId: `C${i}`, profitMinor: (300 - i) * 100 }));
 * const result = assignPyramid(values);
 * result.zones.map((zone) => zone.customerCount); // [15, 30, 60, 75, 120]
 * result.assignments[0]; // { customerId: 'C0', segment: 'top', zoneIndex: 0, rank: 1, percentile: 1, profitMinor: 30000, revenueMinor: null }
 * ```
 */
export function assignPyramid(values: readonly PyramidValue[], policy: PyramidPolicyInput = defaultPyramidPolicy): PyramidResult {
  const parsed = definePyramidPolicy(policy);
  const label = 'pyramid values';
  const { ids, columns } = readColumns(values, 'values', label, [
    { field: 'profitMinor', kind: 'minor', hint: 'give 0 for a customer with no profit in the window' },
    { field: 'revenueMinor', kind: 'non_negative_minor', optional: true },
  ]);
  const profits = columns[0]!;
  const revenues = columns[1] ?? null;
  const profitTotal = columnTotal(profits, 'values', 'total profit', label);
  const revenueTotal = revenues === null ? null : columnTotal(revenues, 'values', 'total revenue', label);

  const n = ids.length;
  const order = rankOrder(ids, profits);
  const zones = cutZones(parsed, order, profits);
  if (parsed.ties === 'same_zone') keepTiesTogether(order, profits, zones);

  const zoneCount = parsed.zones.length;
  const counts = new Array<number>(zoneCount).fill(0);
  const profitSums = new Array<number>(zoneCount).fill(0);
  const revenueSums = new Array<number>(zoneCount).fill(0);
  const losses = new Array<number>(zoneCount).fill(0);
  const minProfit = new Array<number | null>(zoneCount).fill(null);
  const maxProfit = new Array<number | null>(zoneCount).fill(null);
  const zoneIds = parsed.zones.map((zone) => zone.id);
  const assignments = new Array<PyramidAssignment>(n);
  for (let position = 0; position < n; position++) {
    const index = order[position]!;
    const zone = zones[position]!;
    const profit = profits[index]!;
    const revenue = revenues === null ? null : revenues[index]!;
    counts[zone]! += 1;
    profitSums[zone]! += profit;
    if (revenue !== null) revenueSums[zone]! += revenue;
    if (profit < 0) losses[zone]! += 1;
    if (maxProfit[zone] === null) maxProfit[zone] = profit;
    minProfit[zone] = profit;
    assignments[position] = {
      customerId: ids[index]!,
      segment: zoneIds[zone]!,
      zoneIndex: zone,
      rank: position + 1,
      percentile: (n - position) / n,
      profitMinor: profit,
      revenueMinor: revenue,
    };
  }

  return {
    policyName: parsed.name,
    cut: parsed.cut,
    ties: parsed.ties,
    customerCount: n,
    profitMinor: profitTotal,
    revenueMinor: revenueTotal,
    zones: parsed.zones.map((zone, index) => ({
      id: zone.id,
      label: zone.label,
      strategy: zone.strategy,
      customerCount: counts[index]!,
      customerShare: ratio(counts[index]!, n),
      profitMinor: profitSums[index]!,
      profitShare: ratio(profitSums[index]!, profitTotal),
      revenueMinor: revenueTotal === null ? null : revenueSums[index]!,
      revenueShare: revenueTotal === null ? null : ratio(revenueSums[index]!, revenueTotal),
      minProfitMinor: minProfit[index]!,
      maxProfitMinor: maxProfit[index]!,
      lossMakingCount: losses[index]!,
    })),
    assignments,
  };
}

function cutZones(policy: PyramidPolicy, order: Uint32Array, profits: Float64Array): Uint8Array {
  switch (policy.cut) {
    case 'customer_share':
      return zonesByCustomerShare(
        policy.zones.map((zone) => zone.customerShare),
        order.length,
      );
    case 'profit_threshold':
      return zonesByThreshold(
        order,
        profits,
        policy.zones.map((zone) => zone.minProfitMinor),
      );
    case 'cumulative_profit_share':
      return zonesByCumulativeShare(
        order,
        profits,
        policy.zones.map((zone) => zone.profitShare),
      );
  }
}
