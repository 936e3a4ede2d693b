import { TZDate } from '@date-fns/tz';
import { z } from 'zod';
import { CalendarDateSchema, deepFreeze, DEFAULT_TIME_ZONE, IdSchema, InstantSchema, parse, TimeZoneSchema, ValidationError } from '../core/index.js';

/** The factors a churn-risk score is made of. */
export const ChurnFactorSchema = z.enum(['inactivity', 'overdueService', 'complaints', 'warrantyEnd', 'satisfaction']);

/**
 * A churn-risk factor: `inactivity` (1 − P(alive) from a visit model),
 * `overdueService` (days past the service due date), `complaints` (open and
 * SLA-breached complaints), `warrantyEnd` (the warranty running out, when
 * customers drift to independent workshops), `satisfaction` (a low survey score).
 */
export type ChurnFactor = z.infer<typeof ChurnFactorSchema>;

const weight = z.number().min(0).finite();

/** How factors turn into one score: the rule set behind {@link churnRisk}. */
export const ChurnRiskPolicySchema = z
  .strictObject({
    /** Relative weight of each factor; renormalised over the factors known for a customer. */
    weights: z.strictObject({ inactivity: weight, overdueService: weight, complaints: weight, warrantyEnd: weight, satisfaction: weight }),
    /** Days overdue at which the overdue-service risk reaches 1 (linear before). */
    overdueSaturationDays: z.number().int().positive(),
    /** Risk added by each open complaint (capped at 1 in total). */
    openComplaintRisk: z.number().min(0).max(1),
    /** Risk added by each complaint whose SLA was breached (capped at 1 in total). */
    breachedComplaintRisk: z.number().min(0).max(1),
    /** The warranty risk rises linearly from 0 this many days before the warranty ends to 1 on the end day, and stays 1 after. */
    warrantyLeadDays: z.number().int().positive(),
    /** The satisfaction survey scale: `min` is risk 1, `max` is risk 0. */
    satisfactionScale: z.strictObject({ min: z.number().finite(), max: z.number().finite() }),
    /** Score thresholds: at least `medium` is band `medium`, at least `high` is band `high`. */
    bands: z.strictObject({ medium: z.number().gt(0).lt(1), high: z.number().gt(0).max(1) }),
    /** Time zone of the calendar in which warranty end days are read. */
    timeZone: TimeZoneSchema,
  })
  .refine((p) => Object.values(p.weights).some((w) => w > 0), { path: ['weights'], message: 'at least one weight must be positive' })
  .refine((p) => p.satisfactionScale.max > p.satisfactionScale.min, { path: ['satisfactionScale'], message: 'max must be greater than min' })
  .refine((p) => p.bands.high > p.bands.medium, { path: ['bands', 'high'], message: 'the high threshold must exceed the medium one' });

/** A churn-risk policy; see {@link ChurnRiskPolicySchema}. */
export type ChurnRiskPolicy = z.output<typeof ChurnRiskPolicySchema>;

/**
 * The default churn-risk policy: P(alive) weighs most (0.35), then overdue
 * service and complaints (0.2 each), satisfaction (0.15) and the warranty end
 * (0.1); 180 days overdue is full risk; an open complaint adds 0.5, a breached
 * one 1; the warranty risk ramps over the last 90 days; satisfaction on a
 * 1–5 scale; bands at 0.33 and 0.66.
 */
export const defaultChurnRiskPolicy: ChurnRiskPolicy = deepFreeze({
  weights: { inactivity: 0.35, overdueService: 0.2, complaints: 0.2, warrantyEnd: 0.1, satisfaction: 0.15 },
  overdueSaturationDays: 180,
  openComplaintRisk: 0.5,
  breachedComplaintRisk: 1,
  warrantyLeadDays: 90,
  satisfactionScale: { min: 1, max: 5 },
  bands: { medium: 0.33, high: 0.66 },
  timeZone: DEFAULT_TIME_ZONE,
});

/**
 * Validates a churn-risk policy and returns it parsed and deeply frozen.
 *
 * @throws {@link ValidationError} naming each broken rule.
 * @example
 * ```ts
 * const policy = defineChurnRiskPolicy({ ...defaultChurnRiskPolicy, weights: { ...defaultChurnRiskPolicy.weights, satisfaction: 0 } });
 * ```
 */
export function defineChurnRiskPolicy(input: unknown): ChurnRiskPolicy {
  return deepFreeze(parse(ChurnRiskPolicySchema, input, { label: 'churn-risk policy' }));
}

/** What is known of one customer; a factor left out is excluded and the weights of the others renormalised. */
export const ChurnRiskInputSchema = z.strictObject({
  customerId: IdSchema,
  /** P(alive) from a visit model (BG/NBD or Pareto/NBD), a fraction. */
  probabilityAlive: z.number().min(0).max(1).optional(),
  /** Days the next service is overdue (0 when not due), e.g. `serviceDue(…).overdueDays`. */
  serviceOverdueDays: z.number().min(0).finite().optional(),
  /** Complaints currently open. */
  openComplaints: z.number().int().min(0).optional(),
  /** Complaints whose SLA was breached. */
  breachedComplaints: z.number().int().min(0).optional(),
  /** The calendar day the warranty ends (`YYYY-MM-DD`, as on the vehicle). */
  warrantyEnd: CalendarDateSchema.optional(),
  /** The latest satisfaction survey score, on the policy's scale. */
  satisfactionScore: z.number().finite().optional(),
});

/** What is known of one customer for {@link churnRisk}. */
export type ChurnRiskInput = z.input<typeof ChurnRiskInputSchema>;

/** One factor's share of a churn-risk score. */
export interface ChurnRiskContribution {
  readonly factor: ChurnFactor;
  /** The factor's weight after renormalising over the known factors; the weights sum to 1. */
  readonly weight: number;
  /** The factor's risk, 0 (none) to 1 (full). */
  readonly risk: number;
  /** `weight × risk`: the contributions sum to the score. */
  readonly contribution: number;
  /** The input behind the risk, in words. */
  readonly detail: string;
}

/** One customer's explainable churn-risk score. */
export interface ChurnRiskScore {
  readonly customerId: string;
  /** 0 (no sign of churn) to 1; the sum of the contributions. */
  readonly score: number;
  readonly band: 'low' | 'medium' | 'high';
  /** The known factors, largest contribution first. */
  readonly contributions: readonly ChurnRiskContribution[];
  /** Factors with no input (or weight 0), left out of the score. */
  readonly missingFactors: readonly ChurnFactor[];
}

const DAY_MS = 86_400_000;

/**
 * One explainable churn-risk score per customer: each known factor becomes a
 * risk between 0 and 1, the score is their weighted mean (weights from the
 * policy, renormalised over the factors known for that customer), and every
 * factor's contribution is reported so that a service advisor can see why.
 *
 * @throws {@link ValidationError} for a bad policy, `asOf` or input (path
 *   `customers[i].…`), or a customer with no usable factor.
 * @example
 * ```ts
 * const [risk] = churnRisk(
 *   [{ customerId: 'C1', probabilityAlive: 0.4, serviceOverdueDays: 60, openComplaints: 1 }],
 *   defaultChurnRiskPolicy,
 *   { asOf: new Date('2025-06-01T00:00:00+08:00') },
 * );
 * risk.score; // 0.35·0.6 + 0.2·(60/180) + 0.2·0.5 = 0.3767 over weights 0.75 → 0.5022
 * ```
 */
export function churnRisk(customers: readonly ChurnRiskInput[], policy: ChurnRiskPolicy, options: { readonly asOf: Date }): ChurnRiskScore[] {
  const rules = parse(ChurnRiskPolicySchema, policy, { label: 'churn-risk policy', path: 'policy' });
  const asOf = parse(InstantSchema, options?.asOf, { label: 'asOf', path: 'options.asOf' });
  const inputs = parse(z.array(ChurnRiskInputSchema), customers, { label: 'churn-risk inputs', path: 'customers' });
  const local = new TZDate(asOf.getTime(), rules.timeZone);
  const today = Date.UTC(local.getFullYear(), local.getMonth(), local.getDate()) / DAY_MS;
  return inputs.map((input, index) => {
    const risks: { factor: ChurnFactor; risk: number; detail: string }[] = [];
    if (input.probabilityAlive !== undefined) {
      risks.push({ factor: 'inactivity', risk: 1 - input.probabilityAlive, detail: `P(alive) ${input.probabilityAlive.toFixed(3)}` });
    }
    if (input.serviceOverdueDays !== undefined) {
      risks.push({
        factor: 'overdueService',
        risk: Math.min(1, input.serviceOverdueDays / rules.overdueSaturationDays),
        detail: `service ${input.serviceOverdueDays} days overdue`,
      });
    }
    if (input.openComplaints !== undefined || input.breachedComplaints !== undefined) {
      const open = input.openComplaints ?? 0;
      const breached = input.breachedComplaints ?? 0;
      risks.push({
        factor: 'complaints',
        risk: Math.min(1, open * rules.openComplaintRisk + breached * rules.breachedComplaintRisk),
        detail: `${open} open, ${breached} breached complaints`,
      });
    }
    if (input.warrantyEnd !== undefined) {
      const end = Date.UTC(Number(input.warrantyEnd.slice(0, 4)), Number(input.warrantyEnd.slice(5, 7)) - 1, Number(input.warrantyEnd.slice(8, 10))) / DAY_MS;
      const daysLeft = end - today;
      const risk = daysLeft <= 0 ? 1 : Math.max(0, 1 - daysLeft / rules.warrantyLeadDays);
      risks.push({ factor: 'warrantyEnd', risk, detail: daysLeft <= 0 ? `warranty ended ${input.warrantyEnd}` : `warranty ends in ${daysLeft} days` });
    }
    if (input.satisfactionScore !== undefined) {
      const { min, max } = rules.satisfactionScale;
      const clamped = Math.min(max, Math.max(min, input.satisfactionScore));
      risks.push({ factor: 'satisfaction', risk: (max - clamped) / (max - min), detail: `satisfaction ${input.satisfactionScore} on ${min}–${max}` });
    }
    const used = risks.filter((r) => rules.weights[r.factor] > 0);
    const total = used.reduce((sum, r) => sum + rules.weights[r.factor], 0);
    if (total === 0) {
      throw new ValidationError([
        { path: `customers[${index}]`, message: 'no churn factor with a positive weight is known for this customer: give at least one of probabilityAlive, serviceOverdueDays, complaints, warrantyEnd, satisfactionScore' },
      ]);
    }
    const contributions = used
      .map((r) => {
        const w = rules.weights[r.factor] / total;
        return { factor: r.factor, weight: w, risk: r.risk, contribution: w * r.risk, detail: r.detail };
      })
      .sort((a, b) => b.contribution - a.contribution);
    const score = contributions.reduce((sum, c) => sum + c.contribution, 0);
    const known = new Set(used.map((r) => r.factor));
    return {
      customerId: input.customerId,
      score,
      band: score >= rules.bands.high ? 'high' : score >= rules.bands.medium ? 'medium' : 'low',
      contributions,
      missingFactors: ChurnFactorSchema.options.filter((f) => !known.has(f)),
    };
  });
}
