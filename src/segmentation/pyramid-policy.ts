import { z } from 'zod';
import { deepFreeze, MinorUnitsSchema, parse } from '../core/index.js';
import { RankingTieRuleSchema } from './tie-rule.js';

/**
 * What a dealer does with the customers of a pyramid zone:
 * - `keep` — keep the relationship at all costs; no churn allowed (the top zone);
 * - `grow` — grow their contribution with fitting products; upgrade actively;
 * - `develop` — learn their needs and prepare them to move up;
 * - `serve_passively` — serve when they come; they cover operating cost;
 * - `reduce_cost_or_exit` — cut the cost to serve them, or let them go.
 */
export const PyramidStrategySchema = z.enum(['keep', 'grow', 'develop', 'serve_passively', 'reduce_cost_or_exit']);

/** A recommended strategy for a pyramid zone; see {@link PyramidStrategySchema}. */
export type PyramidStrategy = z.infer<typeof PyramidStrategySchema>;

/** One sentence per {@link PyramidStrategy}, for reports and call-centre screens. */
export const pyramidStrategyDescriptions: Readonly<Record<PyramidStrategy, string>> = Object.freeze({
  keep: 'Keep the relationship: no churn allowed; a named advisor, priority service and proactive contact.',
  grow: 'Grow their contribution with fitting products (extended warranty, finance, accessories); upgrade them actively.',
  develop: 'Learn their needs and prepare them to move up the pyramid.',
  serve_passively: 'Serve them well when they come; they cover operating cost, so spend little on outreach.',
  reduce_cost_or_exit: 'Cut the cost to serve (self-service, standard packages), reprice, or let them go.',
});

const ZONE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

const zoneBase = {
  /** The zone's key, used as the `segment` of its customers (`top`, `platinum`). */
  id: z
    .string()
    .max(40, { error: 'expected a zone id of at most 40 characters' })
    .regex(ZONE_ID, { error: 'expected a zone id of letters, digits, "_" and "-", starting with a letter or digit' }),
  /** A human name for reports (`Top (most profitable)`). */
  label: z.string().min(1, { error: 'expected a non-empty label' }).max(100),
  /** What the dealer does with the zone's customers. */
  strategy: PyramidStrategySchema,
};

const shareSchema = z
  .number({ error: 'expected a share as a fraction such as 0.05' })
  .gt(0, { error: 'expected a share above 0 (a fraction such as 0.05, not a percentage)' })
  .lte(1, { error: 'expected a share of at most 1 (a fraction such as 0.05, not a percentage)' });

/** A zone of a pyramid cut by share of customers. */
export const PyramidCustomerShareZoneSchema = z.strictObject({
  ...zoneBase,
  /** The fraction of the base in this zone (0.05 for 5 %). */
  customerShare: shareSchema,
});

/** A zone of a pyramid cut by profit thresholds. */
export const PyramidProfitThresholdZoneSchema = z.strictObject({
  ...zoneBase,
  /**
   * The least profit (minor units, over the window) that puts a customer in
   * this zone; `null` on the last zone, which takes everyone else.
   */
  minProfitMinor: MinorUnitsSchema.nullable(),
});

/** A zone of a pyramid cut by cumulative share of profit. */
export const PyramidProfitShareZoneSchema = z.strictObject({
  ...zoneBase,
  /** The fraction of the base's positive profit this zone's customers make (0.5 for half). */
  profitShare: shareSchema,
});

const common = {
  /** A name for reports. */
  name: z.string().min(1, { error: 'expected a non-empty policy name' }).max(100),
  /** How customers with equal profit are handled at a boundary; default `by_customer_id`. */
  ties: RankingTieRuleSchema.default('by_customer_id'),
};

/**
 * A customer-pyramid policy: how customers ranked by profit are cut into
 * zones, listed from the top (most profitable) down. Three ways to cut:
 *
 * - `customer_share` — each zone holds a share of the base (`customerShare`,
 *   summing to 1). Zone sizes are the largest-remainder apportionment of the
 *   base (core `apportion`): each zone gets the whole part of its exact quota,
 *   and the customers still unplaced go one each to the zones with the largest
 *   fractional remainders (ties to the upper zone). Counts always sum to the
 *   base: 300 at 5/10/20/25/40 % → 15/30/60/75/120; 101 → 5/10/20/25/41; a
 *   single customer lands in the zone with the largest share.
 * - `profit_threshold` — a customer goes to the first zone whose
 *   `minProfitMinor` its profit reaches; minimums strictly decrease and the last
 *   zone has `null` (everyone else). Equal profits always share a zone.
 * - `cumulative_profit_share` — walking down the ranking, zones fill until
 *   their customers make `profitShare` of the base's positive profit (shares
 *   sum to 1); the customer who crosses a boundary completes the zone above it.
 *   Customers with no positive profit fall in the last zone.
 *
 * `ties` says how equal profits at a boundary are handled (see
 * {@link RankingTieRuleSchema}).
 */
export const PyramidPolicySchema = z
  .discriminatedUnion('cut', [
    z.strictObject({
      cut: z.literal('customer_share'),
      ...common,
      zones: z.array(PyramidCustomerShareZoneSchema).min(1, { error: 'expected at least one zone' }).max(20),
    }),
    z.strictObject({
      cut: z.literal('profit_threshold'),
      ...common,
      zones: z.array(PyramidProfitThresholdZoneSchema).min(1, { error: 'expected at least one zone' }).max(20),
    }),
    z.strictObject({
      cut: z.literal('cumulative_profit_share'),
      ...common,
      zones: z.array(PyramidProfitShareZoneSchema).min(1, { error: 'expected at least one zone' }).max(20),
    }),
  ])
  .superRefine((policy, ctx) => {
    const seen = new Map<string, number>();
    policy.zones.forEach((zone, index) => {
      const first = seen.get(zone.id);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['zones', index, 'id'], message: `duplicate zone id ${JSON.stringify(zone.id)} (first at zones[${first}])` });
      } else seen.set(zone.id, index);
    });
    if (policy.cut === 'customer_share') checkSharesSumToOne(policy.zones.map((zone) => zone.customerShare), 'customerShare', ctx);
    else if (policy.cut === 'cumulative_profit_share') checkSharesSumToOne(policy.zones.map((zone) => zone.profitShare), 'profitShare', ctx);
    else checkThresholds(policy.zones.map((zone) => zone.minProfitMinor), ctx);
  });

function checkSharesSumToOne(shares: readonly number[], field: string, ctx: z.RefinementCtx): void {
  const sum = shares.reduce((total, share) => total + share, 0);
  if (Math.abs(sum - 1) > 1e-9) {
    ctx.addIssue({
      code: 'custom',
      path: ['zones'],
      message: `the zones' ${field} values must sum to 1, got ${Number(sum.toFixed(12))} (${shares.join(' + ')})`,
    });
  }
}

function checkThresholds(minimums: readonly (number | null)[], ctx: z.RefinementCtx): void {
  const last = minimums.length - 1;
  minimums.forEach((minimum, index) => {
    if (index === last) {
      if (minimum !== null) {
        ctx.addIssue({ code: 'custom', path: ['zones', index, 'minProfitMinor'], message: `the last zone takes everyone else, so its minProfitMinor must be null, got ${minimum}` });
      }
      return;
    }
    if (minimum === null) {
      ctx.addIssue({ code: 'custom', path: ['zones', index, 'minProfitMinor'], message: 'only the last zone may have no minimum (null)' });
      return;
    }
    const previous = index > 0 ? minimums[index - 1] : undefined;
    if (typeof previous === 'number' && minimum >= previous) {
      ctx.addIssue({
        code: 'custom',
        path: ['zones', index, 'minProfitMinor'],
        message: `zone minimums must strictly decrease from the top, got ${minimum} after ${previous}`,
      });
    }
  });
}

/** A parsed, frozen customer-pyramid policy; see {@link PyramidPolicySchema}. */
export type PyramidPolicy = z.output<typeof PyramidPolicySchema>;
/** A customer-pyramid policy as accepted by {@link definePyramidPolicy}. */
export type PyramidPolicyInput = z.input<typeof PyramidPolicySchema>;
/** One zone of a parsed {@link PyramidPolicy}, whichever way it cuts. */
export type PyramidZoneRule = PyramidPolicy['zones'][number];
/** A parsed pyramid policy that cuts by share of customers, like {@link defaultPyramidPolicy}. */
export type PyramidCustomerSharePolicy = Extract<PyramidPolicy, { cut: 'customer_share' }>;

/**
 * Validates a customer-pyramid policy and returns it parsed and deeply frozen
 * (typed as the variant of its `cut`).
 *
 * @throws ValidationError when a share is not a fraction, shares do not
 * sum to 1, thresholds do not strictly decrease, or zone ids repeat.
 * @example
 * ```ts
 * const policy = definePyramidPolicy({ ...defaultPyramidPolicy, ties: 'same_zone' });
 * ```
 */
export function definePyramidPolicy<P extends PyramidPolicyInput>(input: P): Extract<PyramidPolicy, { cut: P['cut'] }> {
  return deepFreeze(parse(PyramidPolicySchema, input, { label: 'pyramid policy' })) as Extract<PyramidPolicy, { cut: P['cut'] }>;
}

/**
 * The five-zone customer pyramid of dealer practice, by share of customers
 * ranked by profit: top (most profitable) 5 % — keep; high 10 % — grow;
 * middle 20 % — develop; low 25 % — serve passively; loss-making 40 % —
 * reduce cost or exit. 300 customers split 15 / 30 / 60 / 75 / 120.
 * Ties by customer id.
 */
export const defaultPyramidPolicy: PyramidCustomerSharePolicy = definePyramidPolicy({
  name: 'five-zone customer pyramid',
  cut: 'customer_share',
  ties: 'by_customer_id',
  zones: [
    { id: 'top', label: 'Top (most profitable)', strategy: 'keep', customerShare: 0.05 },
    { id: 'high', label: 'High', strategy: 'grow', customerShare: 0.1 },
    { id: 'middle', label: 'Middle', strategy: 'develop', customerShare: 0.2 },
    { id: 'low', label: 'Low', strategy: 'serve_passively', customerShare: 0.25 },
    { id: 'loss_making', label: 'Loss-making', strategy: 'reduce_cost_or_exit', customerShare: 0.4 },
  ],
});

/**
 * The four-tier pyramid (platinum, gold, iron, lead), cut on the shares of
 * the five-zone default with middle and low merged: platinum = the top
 * 5 % (keep), gold = the next 10 % (grow), iron = the next 45 % — the middle
 * and low zones together, the volume that fills the workshop (serve
 * passively), lead = the bottom 40 % (reduce cost or exit). 300 customers
 * split 15 / 30 / 135 / 120. Ties by customer id.
 */
export const fourTierPyramidPolicy: PyramidCustomerSharePolicy = definePyramidPolicy({
  name: 'four-tier customer pyramid',
  cut: 'customer_share',
  ties: 'by_customer_id',
  zones: [
    { id: 'platinum', label: 'Platinum', strategy: 'keep', customerShare: 0.05 },
    { id: 'gold', label: 'Gold', strategy: 'grow', customerShare: 0.1 },
    { id: 'iron', label: 'Iron', strategy: 'serve_passively', customerShare: 0.45 },
    { id: 'lead', label: 'Lead', strategy: 'reduce_cost_or_exit', customerShare: 0.4 },
  ],
});
