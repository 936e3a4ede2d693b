import { z } from 'zod';
import { deepFreeze, parse } from '../../core/index.js';
import { LeadSchema, type AwareAnswer, type LeadInput } from '../models/lead.js';

/** The five AWARE questions: Ability (to pay), Want, Authority (to decide), Reasonable (expectations), Eligible. */
export type AwareQuestion = 'ability' | 'want' | 'authority' | 'reasonable' | 'eligible';

const QUESTIONS = ['ability', 'want', 'authority', 'reasonable', 'eligible'] as const satisfies readonly AwareQuestion[];
const QuestionSchema = z.enum(QUESTIONS);
const weight = z.number().nonnegative().finite();
const fraction = z.number().min(0).max(1);

/**
 * A lead-qualification policy:
 * - `weights` — how much each AWARE question counts (any non-negative scale; normalised to 100 points);
 * - `credit` — the fraction of a question's points each answer earns;
 * - `disqualifyOnNo` — questions whose `no` disqualifies the lead whatever the score;
 * - `grades` — grade names with the minimum score (0–100) each needs, highest first, the last at 0;
 * - `disqualifiedGrade` — the grade of a disqualified lead.
 */
export const LeadQualificationPolicySchema = z
  .strictObject({
    weights: z
      .strictObject({ ability: weight, want: weight, authority: weight, reasonable: weight, eligible: weight })
      .refine((w) => QUESTIONS.some((q) => w[q] > 0), { error: 'at least one weight must be positive' }),
    credit: z.strictObject({ yes: fraction, partly: fraction, no: fraction, unknown: fraction }),
    disqualifyOnNo: z.array(QuestionSchema).refine((list) => new Set(list).size === list.length, { error: 'questions may not repeat' }),
    grades: z
      .array(z.strictObject({ grade: z.string().min(1).max(16), minScore: z.number().min(0).max(100) }))
      .min(1, { error: 'name at least one grade' })
      .superRefine((grades, ctx) => {
        grades.forEach((grade, index) => {
          if (index > 0 && grade.minScore >= grades[index - 1]!.minScore) {
            ctx.addIssue({ code: 'custom', path: [index, 'minScore'], message: 'grades must be listed with strictly descending minScore' });
          }
        });
        if (grades[grades.length - 1]!.minScore !== 0) {
          ctx.addIssue({ code: 'custom', path: [grades.length - 1, 'minScore'], message: 'the last grade must have minScore 0 so that every lead gets a grade' });
        }
        if (new Set(grades.map((g) => g.grade)).size !== grades.length) ctx.addIssue({ code: 'custom', message: 'grade names may not repeat' });
      }),
    disqualifiedGrade: z.string().min(1).max(16),
  });

/** A lead-qualification policy as accepted by {@link defineLeadQualificationPolicy}. */
export type LeadQualificationPolicyInput = z.input<typeof LeadQualificationPolicySchema>;
/** A parsed, frozen lead-qualification policy. */
export type LeadQualificationPolicy = z.output<typeof LeadQualificationPolicySchema>;

/**
 * Validates a lead-qualification policy and returns it parsed and deeply frozen.
 *
 * @throws `ValidationError` for a negative weight, a credit outside 0–1, grades out of order, …
 * @example
 * ```ts
 * const strict = defineLeadQualificationPolicy({ ...defaultLeadQualificationPolicy, disqualifyOnNo: ['ability', 'eligible', 'authority'] });
 * ```
 */
export function defineLeadQualificationPolicy(policy: LeadQualificationPolicyInput): LeadQualificationPolicy {
  return deepFreeze(parse(LeadQualificationPolicySchema, policy, { label: 'lead qualification policy' }));
}

/**
 * The default AWARE policy: ability 30, want 25, authority 15, reasonable 15,
 * eligible 15 points; `yes` earns all of a question's points, `partly` half,
 * `no` and `unknown` none; a `no` on ability or eligibility disqualifies
 * (grade `F`); grades A ≥ 80, B ≥ 60, C ≥ 40, D below.
 */
export const defaultLeadQualificationPolicy: LeadQualificationPolicy = defineLeadQualificationPolicy({
  weights: { ability: 30, want: 25, authority: 15, reasonable: 15, eligible: 15 },
  credit: { yes: 1, partly: 0.5, no: 0, unknown: 0 },
  disqualifyOnNo: ['ability', 'eligible'],
  grades: [
    { grade: 'A', minScore: 80 },
    { grade: 'B', minScore: 60 },
    { grade: 'C', minScore: 40 },
    { grade: 'D', minScore: 0 },
  ],
  disqualifiedGrade: 'F',
});

/** How one AWARE answer contributed to a lead's score. */
export interface LeadQualificationReason {
  readonly question: AwareQuestion;
  readonly answer: AwareAnswer;
  /** Points earned, of `maxPoints` (all questions' `maxPoints` sum to 100). */
  readonly points: number;
  /** The points the question can earn. */
  readonly maxPoints: number;
  /** Whether this answer disqualified the lead. */
  readonly disqualifying: boolean;
  /** The answer in words. */
  readonly message: string;
}

/** The result of {@link qualifyLead}. */
export interface LeadQualification {
  readonly leadId: string;
  /** 0–100: the points earned over all questions. */
  readonly score: number;
  /** The grade by the policy's thresholds, or `disqualifiedGrade`. */
  readonly grade: string;
  /** False when a disqualifying `no` was given. */
  readonly qualified: boolean;
  /** The questions whose `no` disqualified the lead. */
  readonly disqualifiedBy: readonly AwareQuestion[];
  /** Per question, in AWARE order. */
  readonly reasons: readonly LeadQualificationReason[];
  /** Questions still `unknown`, most points first: what the salesperson should ask next. */
  readonly unanswered: readonly AwareQuestion[];
}

const TOPIC: Readonly<Record<AwareQuestion, string>> = {
  ability: 'able to pay (budget, financing approval)',
  want: 'wants the vehicle',
  authority: 'decides the purchase',
  reasonable: 'has reasonable expectations (price, delivery, trade-in)',
  eligible: 'eligible to buy and register (licence, purchase quota, plate)',
};

const ANSWER_WORDS: Readonly<Record<AwareAnswer, string>> = { yes: 'yes', partly: 'partly', no: 'no', unknown: 'not yet known' };

/** Rounds away floating-point noise (79.99999999999999 → 80) before grading. */
function clean(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}

/**
 * Qualifies a sales lead by its AWARE answers (Ability to pay, Want,
 * Authority to decide, Reasonable expectations, Eligibility): each question
 * earns its weight's share of 100 points times the credit of its answer; the
 * total is graded by the policy's thresholds, unless a `no` on a
 * disqualifying question (ability or eligibility by default) makes the lead
 * unqualified. The result lists every answer's contribution and the
 * questions still to ask.
 *
 * @param policy - see {@link defineLeadQualificationPolicy}; default {@link defaultLeadQualificationPolicy}
 * @throws `ValidationError` for a malformed lead (`lead.aware.want`, …) or policy (`policy.grades[1].minScore`, …).
 * @example
 * ```ts
 * qualifyLead(lead); // { score: 85, grade: 'A', qualified: true, unanswered: [], reasons: [...] }
 * ```
 */
export function qualifyLead(lead: LeadInput, policy: LeadQualificationPolicyInput = defaultLeadQualificationPolicy): LeadQualification {
  const parsed = parse(LeadSchema, lead, { path: 'lead', label: 'lead' });
  const rules = parse(LeadQualificationPolicySchema, policy, { path: 'policy', label: 'lead qualification policy' });
  const totalWeight = QUESTIONS.reduce((sum, q) => sum + rules.weights[q], 0);
  const disqualifying = new Set(rules.disqualifyOnNo);
  let score = 0;
  const reasons = QUESTIONS.map((question): LeadQualificationReason => {
    const answer = parsed.aware[question];
    const maxPoints = clean((100 * rules.weights[question]) / totalWeight);
    const points = clean(maxPoints * rules.credit[answer]);
    score += points;
    const knocksOut = answer === 'no' && disqualifying.has(question);
    return {
      question,
      answer,
      points,
      maxPoints,
      disqualifying: knocksOut,
      message: `${TOPIC[question]}: ${ANSWER_WORDS[answer]} — ${points} of ${maxPoints} points${knocksOut ? '; disqualifies the lead' : ''}`,
    };
  });
  score = clean(score);
  const disqualifiedBy = reasons.filter((reason) => reason.disqualifying).map((reason) => reason.question);
  const grade = disqualifiedBy.length > 0 ? rules.disqualifiedGrade : rules.grades.find((g) => score >= g.minScore)!.grade;
  const unanswered = reasons
    .filter((reason) => reason.answer === 'unknown')
    .sort((a, b) => b.maxPoints - a.maxPoints || QUESTIONS.indexOf(a.question) - QUESTIONS.indexOf(b.question))
    .map((reason) => reason.question);
  return { leadId: parsed.id, score, grade, qualified: disqualifiedBy.length === 0, disqualifiedBy, reasons, unanswered };
}
