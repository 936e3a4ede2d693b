import { z } from 'zod';
import { CalendarDateSchema, CurrencyCodeSchema, deepFreeze, DEFAULT_TIME_ZONE, IdSchema, parse, TimeZoneSchema } from '../core/index.js';
import { LineCategorySchema, PayTypeSchema, RepairOrderSchema, VehicleSaleSchema } from '../customer/models/index.js';
import { hasAtMostSixDecimals } from './internal/exact.js';

const nameSchema = z.string().trim().min(1, { error: 'expected a non-empty name' }).max(200);

const rateSchema = z
  .number({ error: 'expected a rate in points per currency unit, such as 1 or 0.1' })
  .nonnegative({ error: 'expected a rate of at least 0 points per currency unit' })
  .refine(hasAtMostSixDecimals, { error: 'expected a rate with at most 6 decimal places' });

const multiplierSchema = z
  .number({ error: 'expected a multiplier such as 1.25' })
  .min(1, { error: 'expected a multiplier of at least 1 (1 earns the base points only)' })
  .max(100, { error: 'expected a multiplier of at most 100' })
  .refine(hasAtMostSixDecimals, { error: 'expected a multiplier with at most 6 decimal places' });

const fractionSchema = z
  .number({ error: 'expected a fraction such as 0.3 (for 30 %)' })
  .min(0, { error: 'expected a fraction of at least 0' })
  .max(1, { error: 'expected a fraction of at most 1 (0.3 for 30 %, not 30)' })
  .refine(hasAtMostSixDecimals, { error: 'expected a fraction with at most 6 decimal places' });

const pointsSchema = z
  .number({ error: 'expected a whole number of points' })
  .int({ error: 'expected a whole number of points' })
  .positive({ error: 'expected a positive number of points' })
  .max(1_000_000_000, { error: 'expected at most 1,000,000,000 points' });

const nonNegativeIntSchema = z
  .number({ error: 'expected a whole number' })
  .int({ error: 'expected a whole number' })
  .nonnegative({ error: 'expected a whole number of at least 0' })
  .max(Number.MAX_SAFE_INTEGER);

/** The kinds of service work a repair order can be (`warranty`, `recall`, …), for earning exclusions. */
export const LoyaltyServiceKindSchema = RepairOrderSchema.shape.serviceKind;
/** The kinds of vehicle sale (`new`, `used`, `demo`), for earning exclusions. */
export const LoyaltySaleKindSchema = VehicleSaleSchema.shape.saleKind;

/** How fractional points become whole points: `floor` (default), `half_up` or `ceil`. */
export const PointsRoundingSchema = z.enum(['floor', 'half_up', 'ceil']);
/** How fractional points become whole points; see {@link PointsRoundingSchema}. */
export type PointsRounding = z.infer<typeof PointsRoundingSchema>;

/**
 * Earning rules: points per currency unit (yuan, not fen) by transaction type
 * and, for orders, by line category. A line category without a rate earns
 * nothing. Excluded pay types (default warranty and internal work), service
 * kinds and sale kinds earn nothing and do not count as qualifying spend.
 */
export const LoyaltyEarningRulesSchema = z.strictObject({
  /** Points per currency unit by transaction type; order types by line category. */
  rates: z.strictObject({
    /** Points per currency unit of a vehicle sale's revenue. */
    vehicle_sale: rateSchema.default(0),
    /** Points per currency unit of a repair order's lines, by category (labor, parts, sublet, other). */
    repair_order: z.partialRecord(LineCategorySchema, rateSchema).default({}),
    /** Points per currency unit of a parts counter sale's lines, by category. */
    parts_sale: z.partialRecord(LineCategorySchema, rateSchema).default({}),
  }),
  /** How the base points of a transaction are rounded (once, on the exact total). */
  rounding: PointsRoundingSchema.default('floor'),
  /** Lines paid by these parties earn nothing (default `warranty` and `internal`). */
  excludedPayTypes: z.array(PayTypeSchema).default(['warranty', 'internal']),
  /** Repair orders of these service kinds earn nothing (e.g. `warranty`, `recall`). */
  excludedServiceKinds: z.array(LoyaltyServiceKindSchema).default([]),
  /** Vehicle sales of these kinds earn nothing (e.g. `demo`). */
  excludedSaleKinds: z.array(LoyaltySaleKindSchema).default([]),
  /** The most points one transaction can earn, by type, after tier and campaign multipliers. */
  maxPointsPerTransaction: z
    .strictObject({ vehicle_sale: pointsSchema.optional(), repair_order: pointsSchema.optional(), parts_sale: pointsSchema.optional() })
    .default({}),
  /**
   * Days the points of a transaction stay pending (visible, not spendable)
   * to cover the return period; they become available at the start of that
   * local day. 0 (default) makes them available at once.
   */
  pendingDays: z.number().int().min(0).max(365).default(0),
});

/**
 * A campaign: transactions dated within `from`…`to` (local calendar days,
 * both included) earn `multiplier` times their base points. When several
 * campaigns apply, the highest multiplier wins (the first listed on a tie).
 */
export const LoyaltyCampaignSchema = z
  .strictObject({
    id: IdSchema,
    name: nameSchema,
    /** The first local day of the campaign, `YYYY-MM-DD`. */
    from: CalendarDateSchema,
    /** The last local day of the campaign (included), `YYYY-MM-DD`. */
    to: CalendarDateSchema,
    /** The multiplier on base points (2 doubles them). */
    multiplier: multiplierSchema,
    /** Only these transaction types qualify; all when absent. */
    transactionTypes: z.array(z.enum(['vehicle_sale', 'repair_order', 'parts_sale'])).min(1).optional(),
  })
  .refine((campaign) => campaign.from <= campaign.to, { error: 'a campaign must not end before it starts', path: ['to'] });

const countsTowardTier = z.boolean().default(false);

/**
 * Bonus events. Bonus points are flat (no tier or campaign multiplier) and
 * count toward tiers only when `countsTowardTier` says so.
 */
export const LoyaltyBonusRulesSchema = z.strictObject({
  /**
   * Welcome bonus for a member who buys a car: granted once per member, at
   * most `withinDays` (default 30) after the purchase.
   */
  welcome: z.strictObject({ points: pointsSchema, withinDays: z.number().int().min(0).max(366).default(30), countsTowardTier }).optional(),
  /**
   * Birthday bonus: once per local year, on the member's birthday or within
   * `windowDays` (default 30) after it. A 29 February birthday falls on
   * 28 February in common years.
   */
  birthday: z.strictObject({ points: pointsSchema, windowDays: z.number().int().min(1).max(366).default(30), countsTowardTier }).optional(),
  /** Referral bonus for the referrer when a referred prospect buys: once per referred customer. */
  referral: z.strictObject({ points: pointsSchema, countsTowardTier }).optional(),
  /** Campaign multipliers for date ranges. */
  campaigns: z.array(LoyaltyCampaignSchema).default([]),
});

/**
 * When earned points expire:
 * - `never` — points never expire;
 * - `after_months` — `months` after they were earned, at the end of that
 *   local day (`end_of_day`), month (`end_of_month`, the default) or year
 *   (`end_of_year`). Points earned on 15 March 2024 with 24 months to the end
 *   of the month can be used until 31 March 2026 and are gone at
 *   1 April 2026 00:00 local time.
 */
export const LoyaltyExpiryRuleSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('never') }),
  z.strictObject({
    kind: z.literal('after_months'),
    months: z.number().int().min(1, { error: 'expected at least 1 month' }).max(1200),
    at: z.enum(['end_of_day', 'end_of_month', 'end_of_year']).default('end_of_month'),
  }),
]);

/**
 * A tier level. The first level is the base tier (threshold 0) every member
 * starts in; thresholds strictly increase. `quotas` are yearly benefit
 * allowances by benefit id; `discounts` are fractions off order lines by
 * category (labor 0.3 = 30 % off).
 */
export const LoyaltyTierSchema = z.strictObject({
  id: IdSchema,
  name: nameSchema,
  /** Qualifying points, or qualifying spend in minor units, needed within the window. */
  threshold: nonNegativeIntSchema,
  /** Points multiplier on transactions earned in this tier (1.5 earns 50 % more). */
  earnMultiplier: multiplierSchema.default(1),
  /** Benefit allowances per quota period, by benefit id (`{ wax: 4, inspection: 6 }`). */
  quotas: z.record(IdSchema, nonNegativeIntSchema).default({}),
  /** Discounts on order lines by category, as fractions (`{ labor: 0.3, parts: 0.05 }`). */
  discounts: z.partialRecord(LineCategorySchema, fractionSchema).default({}),
});

/**
 * How tiers are earned and kept. Tiers rest on **qualifying** points or
 * spend (never the spendable balance) earned in a window: a `rolling` window
 * of `months` ending today, or the `calendar_year` so far. A member moves up
 * the moment the window reaches a higher threshold, and moves down only at a
 * review: every year on a fixed local date (`yearly`, default 1 January),
 * or `months` after the tier was last set (`anniversary`). At a review the
 * window that just ended decides. With `graceDays`, a member who falls short
 * keeps the tier that many days more and keeps it for good if the window
 * reaches its threshold meanwhile. `maxLevelsDown` limits how far one
 * review can drop a member (a soft landing).
 */
export const LoyaltyTierRulesSchema = z.strictObject({
  /** What thresholds measure: qualifying points or qualifying spend (minor units). */
  basis: z.enum(['qualifying_points', 'qualifying_spend']).default('qualifying_points'),
  /** The window qualifying amounts are summed over. */
  window: z
    .discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('rolling'), months: z.number().int().min(1).max(120) }),
      z.strictObject({ kind: z.literal('calendar_year') }),
    ])
    .default({ kind: 'rolling', months: 12 }),
  /** When downgrades are decided. */
  review: z
    .discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('yearly'), month: z.number().int().min(1).max(12).default(1), day: z.number().int().min(1).max(31).default(1) }),
      z.strictObject({ kind: z.literal('anniversary'), months: z.number().int().min(1).max(120) }),
    ])
    .default({ kind: 'yearly', month: 1, day: 1 }),
  /** Days a member who falls short at a review keeps the tier to requalify. */
  graceDays: z.number().int().min(0).max(3660).default(0),
  /** The most levels one review may drop a member; all the way when absent. */
  maxLevelsDown: z.number().int().min(1).optional(),
  /** The levels, from the base tier up. */
  levels: z.array(LoyaltyTierSchema).min(1, { error: 'expected at least one tier (the base tier)' }).max(50),
});

/** A kind of member benefit (a free wash, a wax, a multi-point inspection). */
export const LoyaltyBenefitSchema = z.strictObject({
  id: IdSchema,
  name: nameSchema,
  description: z.string().max(1000).optional(),
});

/**
 * Member benefits: the catalogue of benefit kinds whose yearly quotas the
 * tiers grant, the quota period (`calendar_year` in the program's zone, or
 * `membership_year` from the member's join date), and how tier discounts
 * apply to orders (only lines paid by these pay types, rounded half up or
 * down on each category's total).
 */
export const LoyaltyBenefitRulesSchema = z.strictObject({
  catalogue: z.array(LoyaltyBenefitSchema).default([]),
  quotaPeriod: z.enum(['calendar_year', 'membership_year']).default('calendar_year'),
  discountPayTypes: z.array(PayTypeSchema).min(1).default(['customer']),
  discountRounding: z.enum(['half_up', 'floor']).default('half_up'),
});

/** A reward of the catalogue and its price in points. */
export const LoyaltyRewardSchema = z.strictObject({
  id: IdSchema,
  name: nameSchema,
  points: pointsSchema,
  description: z.string().max(1000).optional(),
});

/**
 * What happens when a reversed event's points were already spent:
 * - `claw_back` (default) — take the shortfall from the member's other lots,
 *   oldest expiry first; whatever is still missing becomes a debt;
 * - `debt` — record the whole shortfall as a debt, settled from future earnings;
 * - `forgive` — write the shortfall off (recorded, not collected).
 * The balance never goes negative: a debt is shown beside it.
 */
export const LoyaltyReversalPolicySchema = z.strictObject({
  shortfall: z.enum(['claw_back', 'debt', 'forgive']).default('claw_back'),
});

/**
 * Household pooling: `points: 'household'` keeps one ledger for all members
 * of a household (any member spends the pooled points); `tiers: 'household'`
 * sums the household's qualifying amounts for one tier. Members without a
 * household keep their own ledger.
 */
export const LoyaltyPoolingSchema = z.strictObject({
  points: z.enum(['member', 'household']).default('member'),
  tiers: z.enum(['member', 'household']).default('member'),
});

/**
 * A dealer's loyalty program: earning rules, bonus events, expiry, tiers,
 * benefits, the reward catalogue, the reversal policy and pooling, in the
 * program's time zone (default `Asia/Shanghai`) and currency. Validated by
 * {@link defineLoyaltyProgram}.
 */
export const LoyaltyProgramSchema = z
  .strictObject({
    id: IdSchema,
    name: nameSchema,
    /** The currency transactions are billed in; earning rates are per unit of it. */
    currency: CurrencyCodeSchema,
    /** The IANA zone for end-of-month expiry, year boundaries and campaign days. */
    timeZone: TimeZoneSchema.default(DEFAULT_TIME_ZONE),
    earning: LoyaltyEarningRulesSchema,
    bonuses: LoyaltyBonusRulesSchema.default({ campaigns: [] }),
    expiry: LoyaltyExpiryRuleSchema,
    tiers: LoyaltyTierRulesSchema,
    benefits: LoyaltyBenefitRulesSchema.default({ catalogue: [], quotaPeriod: 'calendar_year', discountPayTypes: ['customer'], discountRounding: 'half_up' }),
    rewards: z.array(LoyaltyRewardSchema).default([]),
    reversal: LoyaltyReversalPolicySchema.default({ shortfall: 'claw_back' }),
    pooling: LoyaltyPoolingSchema.default({ points: 'member', tiers: 'member' }),
  })
  .superRefine((program, ctx) => {
    checkUnique(program.tiers.levels, ['tiers', 'levels'], 'tier', ctx);
    checkUnique(program.rewards, ['rewards'], 'reward', ctx);
    checkUnique(program.benefits.catalogue, ['benefits', 'catalogue'], 'benefit', ctx);
    checkUnique(program.bonuses.campaigns, ['bonuses', 'campaigns'], 'campaign', ctx);
    checkTierThresholds(program.tiers.levels, ctx);
    const benefitIds = new Set(program.benefits.catalogue.map((benefit) => benefit.id));
    program.tiers.levels.forEach((level, index) => {
      for (const benefitId of Object.keys(level.quotas)) {
        if (!benefitIds.has(benefitId)) {
          ctx.addIssue({
            code: 'custom',
            path: ['tiers', 'levels', index, 'quotas', benefitId],
            message: `tier ${JSON.stringify(level.id)} grants a quota of ${JSON.stringify(benefitId)}, which is not in benefits.catalogue`,
          });
        }
      }
    });
    const review = program.tiers.review;
    if (review.kind === 'yearly' && (review.day > daysInCommonYearMonth(review.month))) {
      ctx.addIssue({ code: 'custom', path: ['tiers', 'review', 'day'], message: `month ${review.month} has no day ${review.day} every year` });
    }
    if (program.expiry.kind === 'after_months' && program.earning.pendingDays > program.expiry.months * 28) {
      ctx.addIssue({ code: 'custom', path: ['earning', 'pendingDays'], message: 'points would expire before they stop being pending' });
    }
    if (program.pooling.tiers === 'household' && program.pooling.points !== 'household') {
      ctx.addIssue({ code: 'custom', path: ['pooling', 'tiers'], message: 'household tiers need household points (pooling.points: "household")' });
    }
  });

function daysInCommonYearMonth(month: number): number {
  return month === 2 ? 28 : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function checkUnique(items: readonly { readonly id: string }[], path: (string | number)[], what: string, ctx: z.RefinementCtx): void {
  const seen = new Map<string, number>();
  items.forEach((item, index) => {
    const first = seen.get(item.id);
    if (first === undefined) seen.set(item.id, index);
    else {
      ctx.addIssue({ code: 'custom', path: [...path, index, 'id'], message: `duplicate ${what} id ${JSON.stringify(item.id)} (first at ${path.join('.')}[${first}])` });
    }
  });
}

function checkTierThresholds(levels: readonly { readonly id: string; readonly threshold: number }[], ctx: z.RefinementCtx): void {
  const base = levels[0];
  if (base !== undefined && base.threshold !== 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['tiers', 'levels', 0, 'threshold'],
      message: `the first tier is the base tier every member starts in, so its threshold must be 0, got ${base.threshold}`,
    });
  }
  for (let index = 1; index < levels.length; index++) {
    const previous = levels[index - 1]!;
    const level = levels[index]!;
    if (level.threshold <= previous.threshold) {
      ctx.addIssue({
        code: 'custom',
        path: ['tiers', 'levels', index, 'threshold'],
        message:
          level.threshold === previous.threshold
            ? `tiers overlap: ${JSON.stringify(previous.id)} and ${JSON.stringify(level.id)} both start at ${level.threshold}`
            : `tiers overlap: ${JSON.stringify(level.id)} starts at ${level.threshold}, below ${JSON.stringify(previous.id)} at ${previous.threshold}; list tiers from the base up with strictly increasing thresholds`,
      });
    }
  }
}

/** A validated, frozen loyalty program; see {@link LoyaltyProgramSchema}. */
export type LoyaltyProgram = z.output<typeof LoyaltyProgramSchema>;
/** A loyalty program as accepted by {@link defineLoyaltyProgram} (defaults may be omitted). */
export type LoyaltyProgramInput = z.input<typeof LoyaltyProgramSchema>;
/** A tier level of a program; see {@link LoyaltyTierSchema}. */
export type LoyaltyTier = z.output<typeof LoyaltyTierSchema>;
/** A reward of a program's catalogue; see {@link LoyaltyRewardSchema}. */
export type LoyaltyReward = z.output<typeof LoyaltyRewardSchema>;
/** A kind of member benefit; see {@link LoyaltyBenefitSchema}. */
export type LoyaltyBenefit = z.output<typeof LoyaltyBenefitSchema>;
/** A campaign multiplier; see {@link LoyaltyCampaignSchema}. */
export type LoyaltyCampaign = z.output<typeof LoyaltyCampaignSchema>;

/**
 * Validates a loyalty program and returns it parsed (defaults filled in) and
 * deeply frozen. Every engine function takes the result.
 *
 * @throws `ValidationError` when a rule is broken: tiers that overlap
 * (thresholds not strictly increasing from a base tier at 0), a rate given
 * as a percentage or with more than 6 decimals, duplicate ids, a tier quota
 * for a benefit not in the catalogue, a campaign that ends before it starts,
 * an unknown time zone or currency.
 * @example
 * ```ts
 * const program = defineLoyaltyProgram({ ...defaultLoyaltyProgramConfig, id: 'gz-honda', name: 'Guangzhou Honda Club' });
 * ```
 */
export function defineLoyaltyProgram(config: LoyaltyProgramInput): LoyaltyProgram {
  return deepFreeze(parse(LoyaltyProgramSchema, config, { label: 'loyalty program' }));
}

/**
 * A typical dealer program to start from (spread it and change what
 * differs): 1 point per yuan on service labor and parts, 1 per yuan on
 * counter parts, 0.1 per yuan on a car; warranty and internal work earn
 * nothing; welcome 2,000 points within 30 days of buying a car, birthday
 * 500, referral 3,000; points expire at the end of the month 24 months after
 * earning; tiers silver (base) / gold (5,000 qualifying points in a rolling
 * 12 months, ×1.25) / platinum (20,000, ×1.5), reviewed every 1 January with
 * 30 days' grace; yearly quotas of washes, waxes and multi-point inspections
 * and labor / parts discounts for the upper tiers; shortfalls of refunds
 * clawed back from other lots.
 */
export const defaultLoyaltyProgramConfig: LoyaltyProgramInput = deepFreeze({
  id: 'default',
  name: 'Dealer member club',
  currency: 'CNY',
  timeZone: DEFAULT_TIME_ZONE,
  earning: {
    rates: { vehicle_sale: 0.1, repair_order: { labor: 1, parts: 1 }, parts_sale: { parts: 1 } },
    rounding: 'floor',
    excludedPayTypes: ['warranty', 'internal'],
    excludedServiceKinds: [],
    excludedSaleKinds: [],
    maxPointsPerTransaction: {},
    pendingDays: 0,
  },
  bonuses: {
    welcome: { points: 2000, withinDays: 30, countsTowardTier: false },
    birthday: { points: 500, windowDays: 30, countsTowardTier: false },
    referral: { points: 3000, countsTowardTier: false },
    campaigns: [],
  },
  expiry: { kind: 'after_months', months: 24, at: 'end_of_month' },
  tiers: {
    basis: 'qualifying_points',
    window: { kind: 'rolling', months: 12 },
    review: { kind: 'yearly', month: 1, day: 1 },
    graceDays: 30,
    levels: [
      { id: 'silver', name: 'Silver', threshold: 0, earnMultiplier: 1, quotas: { wash: 2 }, discounts: {} },
      { id: 'gold', name: 'Gold', threshold: 5000, earnMultiplier: 1.25, quotas: { wash: 6, wax: 2, inspection: 4 }, discounts: { labor: 0.1 } },
      { id: 'platinum', name: 'Platinum', threshold: 20000, earnMultiplier: 1.5, quotas: { wash: 12, wax: 4, inspection: 6 }, discounts: { labor: 0.3, parts: 0.05 } },
    ],
  },
  benefits: {
    catalogue: [
      { id: 'wash', name: 'Free car wash' },
      { id: 'wax', name: 'Wax and polish' },
      { id: 'inspection', name: 'Multi-point inspection' },
    ],
    quotaPeriod: 'calendar_year',
    discountPayTypes: ['customer'],
    discountRounding: 'half_up',
  },
  rewards: [
    { id: 'wash-voucher', name: 'Car wash voucher', points: 1000 },
    { id: 'floor-mats', name: 'All-weather floor mats', points: 5000 },
    { id: 'oil-service', name: 'Oil and filter service', points: 8000 },
  ],
  reversal: { shortfall: 'claw_back' },
  pooling: { points: 'member', tiers: 'member' },
});

/** {@link defaultLoyaltyProgramConfig}, defined: a ready program for examples and tests. */
export const defaultLoyaltyProgram: LoyaltyProgram = defineLoyaltyProgram(defaultLoyaltyProgramConfig);
