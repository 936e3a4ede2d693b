import { z } from 'zod';
import { deepFreeze, parse } from '../core/index.js';
import { readColumns } from './columns.js';
import { IssueList, describeValue } from './input-checks.js';

/**
 * The named RFM segments: `champions`, `loyal`, `potential_loyalists`,
 * `new_customers`, `promising`, `need_attention`, `about_to_sleep`, `at_risk`,
 * `cannot_lose`, `hibernating`, `lost`. See {@link rfmSegmentDescriptions} for
 * what each means and {@link defaultRfmSegmentPolicy} for the rule table.
 */
export const RfmSegmentNameSchema = z.enum([
  'champions',
  'loyal',
  'potential_loyalists',
  'new_customers',
  'promising',
  'need_attention',
  'about_to_sleep',
  'at_risk',
  'cannot_lose',
  'hibernating',
  'lost',
]);

/** A named RFM segment; see {@link RfmSegmentNameSchema}. */
export type RfmSegmentName = z.infer<typeof RfmSegmentNameSchema>;

/** Who each RFM segment is and what to do with them, one sentence each. */
export const rfmSegmentDescriptions: Readonly<Record<RfmSegmentName, string>> = Object.freeze({
  champions: 'Came recently, come often and spend the most: reward them, ask for referrals, offer new models first.',
  loyal: 'Come often and spend well but not in the last few months: upsell service plans, invite to owner events.',
  potential_loyalists: 'Recent customers with average frequency and spend: offer membership and maintenance packages.',
  new_customers: 'Came very recently for the first time or little: welcome them, book the first service.',
  promising: 'Came recently but spent little: build the habit with a first-service or inspection offer.',
  need_attention: 'Middling on every count and slipping: a personal call with a limited-time offer.',
  about_to_sleep: 'Middling recency, low frequency and spend: a reminder before they drift away.',
  at_risk: 'Used to come and spend well, but long ago: win-back call with a personal offer.',
  cannot_lose: 'Were among the best, but have not come for a long time: call them now, find out why.',
  hibernating: 'Long gone, low frequency and spend: an occasional low-cost reminder.',
  lost: 'Longest gone, lowest frequency and spend: only mass, low-cost campaigns, if any.',
});

const scoreSchema = z
  .number({ error: 'expected an RFM score from 1 to 5' })
  .int({ error: 'expected a whole-number score from 1 to 5' })
  .min(1, { error: 'expected a score of at least 1' })
  .max(5, { error: 'expected a score of at most 5' });

const scoreRangeSchema = z
  .strictObject({ min: scoreSchema, max: scoreSchema })
  .refine((range) => range.min <= range.max, { error: 'expected min at most max' });

/** One rule of an RFM segment table: the segment of every cell with R and FM in the ranges. */
export const RfmSegmentRuleSchema = z.strictObject({
  segment: RfmSegmentNameSchema,
  /** The recency scores (5 = most recent) this rule covers, inclusive. */
  recency: scoreRangeSchema,
  /** The FM scores (see {@link fmScore}) this rule covers, inclusive. */
  fm: scoreRangeSchema,
});

/** One rule of an RFM segment table; see {@link RfmSegmentRuleSchema}. */
export type RfmSegmentRule = z.output<typeof RfmSegmentRuleSchema>;

/**
 * An RFM segment policy: a table of rules over the recency score R and the
 * combined frequency–monetary score FM (see {@link fmScore}). Every one of the
 * 25 (R, FM) cells — and so every one of the 125 (R, F, M) combinations — must
 * be covered by exactly one rule; a gap or an overlap is a ValidationError.
 */
export const RfmSegmentPolicySchema = z
  .strictObject({
    rules: z.array(RfmSegmentRuleSchema).min(1, { error: 'expected at least one rule' }).max(25),
  })
  .superRefine((policy, ctx) => {
    for (let recency = 1; recency <= 5; recency++) {
      for (let fm = 1; fm <= 5; fm++) {
        const matching = policy.rules.flatMap((rule, index) => (covers(rule, recency, fm) ? [index] : []));
        if (matching.length === 1) continue;
        ctx.addIssue({
          code: 'custom',
          path: ['rules'],
          message:
            matching.length === 0
              ? `no rule covers R=${recency}, FM=${fm}; every cell must be covered by exactly one rule`
              : `R=${recency}, FM=${fm} is covered by rules ${matching.join(' and ')}; every cell must be covered by exactly one rule`,
        });
      }
    }
  });

function covers(rule: RfmSegmentRule, recency: number, fm: number): boolean {
  return recency >= rule.recency.min && recency <= rule.recency.max && fm >= rule.fm.min && fm <= rule.fm.max;
}

/** A parsed, frozen RFM segment policy; see {@link RfmSegmentPolicySchema}. */
export type RfmSegmentPolicy = z.output<typeof RfmSegmentPolicySchema>;
/** An RFM segment policy as accepted by {@link defineRfmSegmentPolicy}. */
export type RfmSegmentPolicyInput = z.input<typeof RfmSegmentPolicySchema>;

/**
 * Validates an RFM segment policy (every (R, FM) cell covered exactly once)
 * and returns it parsed and deeply frozen.
 *
 * @throws ValidationError for a bad range, or a cell covered by no rule or by several.
 */
export function defineRfmSegmentPolicy(input: RfmSegmentPolicyInput): RfmSegmentPolicy {
  return deepFreeze(parse(RfmSegmentPolicySchema, input, { label: 'RFM segment policy' }));
}

/**
 * The default RFM segment table, over R (recency score, 5 = most recent) and
 * FM (frequency and monetary combined, see {@link fmScore}):
 *
 * | R \ FM | 1 | 2 | 3 | 4 | 5 |
 * |---|---|---|---|---|---|
 * | 5 | new_customers | potential_loyalists | potential_loyalists | champions | champions |
 * | 4 | promising | potential_loyalists | potential_loyalists | champions | champions |
 * | 3 | about_to_sleep | need_attention | need_attention | loyal | loyal |
 * | 2 | hibernating | hibernating | at_risk | at_risk | cannot_lose |
 * | 1 | lost | lost | at_risk | cannot_lose | cannot_lose |
 *
 * As rules: champions R 4–5, FM 4–5; loyal R 3, FM 4–5; potential loyalists
 * R 4–5, FM 2–3; new customers R 5, FM 1; promising R 4, FM 1; need attention
 * R 3, FM 2–3; about to sleep R 3, FM 1; at risk R 2, FM 3–4 and R 1, FM 3;
 * cannot lose R 2, FM 5 and R 1, FM 4–5; hibernating R 2, FM 1–2; lost R 1, FM 1–2.
 */
export const defaultRfmSegmentPolicy: RfmSegmentPolicy = defineRfmSegmentPolicy({
  rules: [
    { segment: 'champions', recency: { min: 4, max: 5 }, fm: { min: 4, max: 5 } },
    { segment: 'loyal', recency: { min: 3, max: 3 }, fm: { min: 4, max: 5 } },
    { segment: 'potential_loyalists', recency: { min: 4, max: 5 }, fm: { min: 2, max: 3 } },
    { segment: 'new_customers', recency: { min: 5, max: 5 }, fm: { min: 1, max: 1 } },
    { segment: 'promising', recency: { min: 4, max: 4 }, fm: { min: 1, max: 1 } },
    { segment: 'need_attention', recency: { min: 3, max: 3 }, fm: { min: 2, max: 3 } },
    { segment: 'about_to_sleep', recency: { min: 3, max: 3 }, fm: { min: 1, max: 1 } },
    { segment: 'at_risk', recency: { min: 2, max: 2 }, fm: { min: 3, max: 4 } },
    { segment: 'at_risk', recency: { min: 1, max: 1 }, fm: { min: 3, max: 3 } },
    { segment: 'cannot_lose', recency: { min: 2, max: 2 }, fm: { min: 5, max: 5 } },
    { segment: 'cannot_lose', recency: { min: 1, max: 1 }, fm: { min: 4, max: 5 } },
    { segment: 'hibernating', recency: { min: 2, max: 2 }, fm: { min: 1, max: 2 } },
    { segment: 'lost', recency: { min: 1, max: 1 }, fm: { min: 1, max: 2 } },
  ],
});

/**
 * The combined frequency–monetary score: the mean of F and M rounded half up,
 * `⌊(F + M + 1) / 2⌋`. F + M of 2 → 1, 3–4 → 2, 5–6 → 3, 7–8 → 4, 9–10 → 5.
 *
 * @param frequencyScore - F, a whole number 1–5
 * @param monetaryScore - M, a whole number 1–5
 */
export function fmScore(frequencyScore: number, monetaryScore: number): number {
  return Math.floor((frequencyScore + monetaryScore + 1) / 2);
}

/** The RFM scores of one customer, as the customer module's `scoreRfm` returns them (extra fields are ignored). */
export interface RfmScoresInput {
  readonly customerId: string;
  /** R, 1–5 (5 = most recent). */
  readonly recencyScore: number;
  /** F, 1–5 (5 = most frequent). */
  readonly frequencyScore: number;
  /** M, 1–5 (5 = highest spend). */
  readonly monetaryScore: number;
}

/** One customer's RFM segment. */
export interface RfmSegmentAssignment {
  readonly customerId: string;
  /** The named segment, the customer's segment for contact plans. */
  readonly segment: RfmSegmentName;
  readonly recencyScore: number;
  /** The combined frequency–monetary score the table was read with. */
  readonly fmScore: number;
}

/** The result of {@link assignRfmSegments}. */
export interface RfmSegmentResult {
  /** How many customers each segment holds (every segment listed, zeros included). */
  readonly counts: Readonly<Record<RfmSegmentName, number>>;
  /** One assignment per customer, in input order. */
  readonly assignments: readonly RfmSegmentAssignment[];
}

const SEGMENTS = RfmSegmentNameSchema.options;

/** A 6×6 lookup (index `R * 6 + FM`) of segment positions in {@link SEGMENTS}. */
function lookupTable(policy: RfmSegmentPolicy): Int8Array {
  const table = new Int8Array(36).fill(-1);
  for (const rule of policy.rules) {
    for (let recency = rule.recency.min; recency <= rule.recency.max; recency++) {
      for (let fm = rule.fm.min; fm <= rule.fm.max; fm++) table[recency * 6 + fm] = SEGMENTS.indexOf(rule.segment);
    }
  }
  return table;
}

const defaultTable = lookupTable(defaultRfmSegmentPolicy);

function tableFor(policy: RfmSegmentPolicyInput): Int8Array {
  return policy === defaultRfmSegmentPolicy ? defaultTable : lookupTable(defineRfmSegmentPolicy(policy));
}

/**
 * The named segment of one customer's RFM scores, read from the policy's
 * table at (R, FM). Every one of the 125 score combinations maps to exactly
 * one segment.
 *
 * @param policy - default {@link defaultRfmSegmentPolicy}
 * @throws ValidationError when a score is not a whole number 1–5, or the policy is invalid.
 * @example
 * ```ts
 * rfmSegment({ recencyScore: 5, frequencyScore: 5, monetaryScore: 4 }); // 'champions'
 * rfmSegment({ recencyScore: 1, frequencyScore: 5, monetaryScore: 5 }); // 'cannot_lose'
 * ```
 */
export function rfmSegment(
  scores: Pick<RfmScoresInput, 'recencyScore' | 'frequencyScore' | 'monetaryScore'>,
  policy: RfmSegmentPolicyInput = defaultRfmSegmentPolicy,
): RfmSegmentName {
  const issues = new IssueList();
  for (const field of ['recencyScore', 'frequencyScore', 'monetaryScore'] as const) {
    const value: unknown = (scores as Record<string, unknown> | null)?.[field];
    if (!(typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 5)) {
      issues.add(field, `expected an RFM score, a whole number from 1 to 5, got ${describeValue(value)}`);
    }
  }
  issues.throwIfAny('RFM scores');
  const table = tableFor(policy);
  return SEGMENTS[table[scores.recencyScore * 6 + fmScore(scores.frequencyScore, scores.monetaryScore)]!]!;
}

/**
 * Maps a batch of RFM scores (the rows of the customer module's `scoreRfm`)
 * to named segments with the policy's table, and counts the segments.
 * Linear; each customer's segment depends on its own scores only.
 *
 * @param scores - one row per customer: `customerId`, `recencyScore`, `frequencyScore`, `monetaryScore` (1–5 each)
 * @param policy - default {@link defaultRfmSegmentPolicy}
 * @throws ValidationError for a score that is not a whole number 1–5,
 * a bad or duplicate customer id, or an invalid policy.
 */
export function assignRfmSegments(scores: readonly RfmScoresInput[], policy: RfmSegmentPolicyInput = defaultRfmSegmentPolicy): RfmSegmentResult {
  const table = tableFor(policy);
  const { ids, columns } = readColumns(scores, 'scores', 'RFM scores', [
    { field: 'recencyScore', kind: 'score' },
    { field: 'frequencyScore', kind: 'score' },
    { field: 'monetaryScore', kind: 'score' },
  ]);
  const recency = columns[0]!;
  const frequency = columns[1]!;
  const monetary = columns[2]!;
  const tally = new Array<number>(SEGMENTS.length).fill(0);
  const assignments = new Array<RfmSegmentAssignment>(ids.length);
  for (let index = 0; index < ids.length; index++) {
    const r = recency[index]!;
    const fm = fmScore(frequency[index]!, monetary[index]!);
    const segment = table[r * 6 + fm]!;
    tally[segment]! += 1;
    assignments[index] = { customerId: ids[index]!, segment: SEGMENTS[segment]!, recencyScore: r, fmScore: fm };
  }
  const counts = Object.fromEntries(SEGMENTS.map((segment, index) => [segment, tally[index]!])) as Record<RfmSegmentName, number>;
  return { counts, assignments };
}
