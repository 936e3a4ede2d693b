import { z } from 'zod';
import { IdSchema, parse } from '../core/index.js';
import {
  BusinessCalendarConfigSchema,
  alwaysOpenCalendarConfig,
  deepFreeze,
  defineParsedBusinessCalendar,
  isDefinedBusinessCalendar,
  type BusinessCalendar,
  type ComplaintsReadonly,
} from './business-calendar.js';
import { ComplaintStatusSchema } from './case-status.js';
import { ComplaintCategorySchema, ComplaintSeveritySchema, complaintCategories, complaintSeverities, type ComplaintCategory, type ComplaintSeverity } from './case-taxonomy.js';

/**
 * What an SLA clock measures:
 *
 * - `first_response` — from opening to the first public reply (or the
 *   resolution, when that comes first); one cycle per case;
 * - `resolution` — from opening to resolution; each reopen starts a new cycle;
 * - `periodic_update` — between public replies, from the first reply (and
 *   from each reopen) until the resolution: each reply closes one cycle and
 *   opens the next (Zendesk's "periodic update");
 * - `satisfaction_follow_up` — from each resolution to the satisfaction score.
 */
export const SlaMetricSchema = z.enum(['first_response', 'resolution', 'periodic_update', 'satisfaction_follow_up']);

/** What an SLA clock measures; see {@link SlaMetricSchema}. */
export type SlaMetric = z.infer<typeof SlaMetricSchema>;

/** Every metric, in the order clocks are reported. */
export const slaMetrics: readonly SlaMetric[] = Object.freeze([...SlaMetricSchema.options]);

/** The key of each metric in an target set (`SlaTargetSetSchema`). */
export const slaTargetKeys: Readonly<Record<SlaMetric, 'firstResponse' | 'resolution' | 'periodicUpdate' | 'satisfactionFollowUp'>> = Object.freeze({
  first_response: 'firstResponse',
  resolution: 'resolution',
  periodic_update: 'periodicUpdate',
  satisfaction_follow_up: 'satisfactionFollowUp',
});

/** Whether a metric's clock pauses while the case waits on the customer, unless a target says otherwise. */
export const defaultSlaPausable: Readonly<Record<SlaMetric, boolean>> = Object.freeze({
  first_response: false,
  resolution: true,
  periodic_update: true,
  satisfaction_follow_up: false,
});

/**
 * One target: how much business time (`targetMs`, measured on the named
 * calendar of the policy) the metric may take, and whether its clock pauses in
 * the policy's pause statuses (by default the resolution and periodic-update
 * clocks pause, the first-response and follow-up clocks do not). A zero target
 * means "at once": met only by a stop at the clock's start instant.
 */
export const SlaTargetSchema = z.strictObject({
  targetMs: z.number().int({ error: 'expected a whole number of milliseconds' }).nonnegative({ error: 'expected a target of zero or more milliseconds' }),
  calendar: z.string().min(1),
  pausable: z.boolean().optional(),
});

/** One SLA target; see {@link SlaTargetSchema}. */
export type SlaTargetInput = z.input<typeof SlaTargetSchema>;

/** The targets for one severity (or category rule); a metric left out has no target and no clock. */
export const SlaTargetSetSchema = z.strictObject({
  firstResponse: SlaTargetSchema.optional(),
  resolution: SlaTargetSchema.optional(),
  periodicUpdate: SlaTargetSchema.optional(),
  satisfactionFollowUp: SlaTargetSchema.optional(),
});

/**
 * Targets for one category (optionally for one severity within it) that
 * replace the severity's targets metric by metric: a rule with a severity wins
 * over one without.
 */
export const SlaCategoryRuleSchema = z.strictObject({
  category: ComplaintCategorySchema,
  severity: ComplaintSeveritySchema.optional(),
  targets: SlaTargetSetSchema,
});

/** Who is told when a clock runs late, from the front line up. */
export const SlaEscalationLevelSchema = z.enum(['service_advisor', 'service_manager', 'general_manager', 'oem_region']);

/** Who is told when a clock runs late; see {@link SlaEscalationLevelSchema}. */
export type SlaEscalationLevel = z.infer<typeof SlaEscalationLevelSchema>;

/**
 * Notify `level` once a clock has used `atShare` of its target (0.5 = half the
 * business time gone, 1 = due). Optionally only for some metrics or severities.
 */
export const SlaEscalationRuleSchema = z.strictObject({
  level: SlaEscalationLevelSchema,
  atShare: z.number().positive({ error: 'expected a share above 0 (0.5 = half the target)' }).max(10),
  metrics: z.array(SlaMetricSchema).optional(),
  severities: z.array(ComplaintSeveritySchema).optional(),
});

/** An escalation rule; see {@link SlaEscalationRuleSchema}. */
export type SlaEscalationRule = z.output<typeof SlaEscalationRuleSchema>;

const SlaPolicyShape = z.strictObject({
  id: IdSchema,
  name: z.string().min(1).max(200),
  /** The calendars targets are measured on, by name. */
  calendars: z.record(z.string().min(1), BusinessCalendarConfigSchema),
  /** Targets for every severity. */
  targets: z.strictObject({
    enquiry: SlaTargetSetSchema,
    complex: SlaTargetSetSchema,
    difficult: SlaTargetSetSchema,
    emergency: SlaTargetSetSchema,
  }),
  categoryRules: z.array(SlaCategoryRuleSchema).default([]),
  /** Case statuses in which pausable clocks stop counting. */
  pauseStatuses: z.array(ComplaintStatusSchema).default(['waiting_on_customer']),
  /** Who is notified at which share of a target. */
  escalations: z.array(SlaEscalationRuleSchema).default([]),
});

/**
 * An SLA policy as data: named calendars, targets per severity (first
 * response, resolution, periodic update, satisfaction follow-up, each with its
 * calendar), category rules that replace targets, the statuses that pause
 * clocks, and escalation levels by share of target.
 *
 * Rules checked: every target names a calendar of the policy; pause statuses
 * are working states (not `new`, `resolved`, `closed`, `cancelled`); a category
 * rule appears at most once per category and severity; each calendar is valid.
 */
export const SlaPolicyConfigSchema = SlaPolicyShape.superRefine((policy, ctx) => {
  const names = new Set(Object.keys(policy.calendars));
  const checkSet = (set: z.output<typeof SlaTargetSetSchema>, path: (string | number)[]) => {
    for (const [key, target] of Object.entries(set)) {
      if (target !== undefined && !names.has(target.calendar)) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, key, 'calendar'],
          message: `expected the name of one of the policy's calendars (${[...names].join(', ') || 'none defined'}), got ${JSON.stringify(target.calendar)}`,
        });
      }
    }
  };
  for (const severity of complaintSeverities) checkSet(policy.targets[severity], ['targets', severity]);
  const seen = new Set<string>();
  policy.categoryRules.forEach((rule, index) => {
    checkSet(rule.targets, ['categoryRules', index, 'targets']);
    const key = `${rule.category}/${rule.severity ?? '*'}`;
    if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['categoryRules', index], message: `expected one rule per category and severity, got ${key} twice` });
    seen.add(key);
  });
  policy.pauseStatuses.forEach((status, index) => {
    if (status === 'new' || status === 'resolved' || status === 'closed' || status === 'cancelled') {
      ctx.addIssue({ code: 'custom', path: ['pauseStatuses', index], message: `expected a working status (acknowledged, in_progress, waiting_on_customer, reopened), got ${status}` });
    }
  });
});

/**
 * An SLA policy as accepted on input (JSON; arrays may be read-only and
 * calendars may be defined calendars, so a defined policy spreads into a new
 * one); see {@link SlaPolicyConfigSchema}.
 */
export type SlaPolicyConfig = ComplaintsReadonly<z.input<typeof SlaPolicyConfigSchema>>;

/**
 * A defined SLA policy: the parsed, deeply frozen, JSON-serialisable
 * configuration whose calendars are defined business calendars. Made by
 * {@link defineSlaPolicy}.
 */
export type SlaPolicy = ComplaintsReadonly<Omit<z.output<typeof SlaPolicyConfigSchema>, 'calendars'>> & {
  readonly calendars: Readonly<Record<string, BusinessCalendar>>;
};

/** The target of one metric for a case, resolved from the policy: business time, calendar name and whether it pauses. */
export interface ResolvedSlaTarget {
  readonly metric: SlaMetric;
  readonly targetMs: number;
  readonly calendar: string;
  readonly pausable: boolean;
}

const DEFINED = Symbol('dealer-crm.complaints.sla-policy');
const TARGETS = Symbol('dealer-crm.complaints.sla-targets');

/**
 * Parses an SLA policy and returns it deeply frozen, with its calendars
 * defined. A policy already defined is returned as is.
 *
 * @throws `ValidationError` naming the path and rule: a target naming an
 * unknown calendar, a negative or fractional target, a bad calendar (unknown
 * time zone, inverted or overlapping hours), a duplicate category rule.
 * @example
 * ```ts
 * const policy = defineSlaPolicy({
 *   ...defaultComplaintSlaPolicy,
 *   id: 'dealer-0571',
 *   name: 'Store 0571 promise',
 *   targets: { ...defaultComplaintSlaPolicy.targets, complex: { resolution: { targetMs: 8 * 3_600_000, calendar: 'hotline' } } },
 * });
 * ```
 */
export function defineSlaPolicy(config: SlaPolicyConfig): SlaPolicy {
  if (isDefinedSlaPolicy(config)) return config;
  const parsed = parse(SlaPolicyConfigSchema, config, { label: 'SLA policy' });
  const calendars: Record<string, BusinessCalendar> = {};
  for (const [name, calendar] of Object.entries(parsed.calendars)) {
    // A calendar that was already defined keeps its identity (and its index of working intervals).
    const given = (config.calendars as Readonly<Record<string, unknown>>)[name];
    calendars[name] = isDefinedBusinessCalendar(given) ? given : defineParsedBusinessCalendar(calendar);
  }
  const { calendars: _ignored, ...rest } = parsed;
  const frozen = deepFreeze(rest);
  const policy = { ...frozen, calendars: Object.freeze(calendars) };
  Object.defineProperty(policy, DEFINED, { value: true, enumerable: false });
  // The targets of every severity and category, looked up by the clocks (hidden: not part of the JSON).
  Object.defineProperty(policy, TARGETS, { value: targetTable(frozen), enumerable: false });
  return Object.freeze(policy) as SlaPolicy;
}

/** Whether `value` is a policy returned by {@link defineSlaPolicy}. */
export function isDefinedSlaPolicy(value: unknown): value is SlaPolicy {
  return typeof value === 'object' && value !== null && DEFINED in value;
}

/**
 * The targets that apply to a case of this severity and category, metric by
 * metric: the severity's targets, replaced by a matching category rule without
 * severity, replaced in turn by one with this severity.
 */
export function slaTargetsFor(policy: SlaPolicy, severity: ComplaintSeverity, category: ComplaintCategory): SlaTargetsByMetric {
  const table = (policy as { [TARGETS]?: TargetTable })[TARGETS];
  return table?.[severity]?.[category] ?? resolveTargets(policy, severity, category);
}

/** The targets of one case, metric by metric (a metric left out has no target). */
export type SlaTargetsByMetric = Readonly<Partial<Record<SlaMetric, ResolvedSlaTarget>>>;

function resolveTargets(policy: Omit<SlaPolicy, 'calendars'>, severity: ComplaintSeverity, category: ComplaintCategory): SlaTargetsByMetric {
  const set: Record<string, z.output<typeof SlaTargetSchema> | undefined> = { ...policy.targets[severity] };
  let specific: typeof set | undefined;
  for (const rule of policy.categoryRules) {
    if (rule.category !== category) continue;
    if (rule.severity === undefined) Object.assign(set, rule.targets);
    else if (rule.severity === severity) specific = rule.targets;
  }
  if (specific) Object.assign(set, specific);
  const out: Partial<Record<SlaMetric, ResolvedSlaTarget>> = {};
  for (const metric of slaMetrics) {
    const target = set[slaTargetKeys[metric]];
    if (target !== undefined) out[metric] = Object.freeze({ metric, targetMs: target.targetMs, calendar: target.calendar, pausable: target.pausable ?? defaultSlaPausable[metric] });
  }
  return Object.freeze(out);
}

type TargetTable = Readonly<Record<string, Readonly<Record<string, SlaTargetsByMetric>> | undefined>>;

/** Every (severity, category) pair's targets, computed once when the policy is defined. */
function targetTable(policy: Omit<SlaPolicy, 'calendars'>): TargetTable {
  const table: Record<string, Record<string, SlaTargetsByMetric>> = {};
  for (const severity of complaintSeverities) {
    const row: Record<string, SlaTargetsByMetric> = {};
    for (const category of complaintCategories) row[category] = resolveTargets(policy, severity, category);
    table[severity] = Object.freeze(row);
  }
  return Object.freeze(table);
}

const HOUR_MS = 3_600_000;

/**
 * The OEM service promise as a policy, on the hotline's 24×7 calendar
 * (Asia/Shanghai), as the promise runs around the clock, all year:
 *
 * | severity | first response | resolution | periodic update | satisfaction follow-up |
 * | --- | --- | --- | --- | --- |
 * | enquiry | at once (0) | — | — | — |
 * | complex | — | 24 h | — | 72 h after resolution |
 * | difficult | — | 72 h | — | 72 h after resolution |
 * | emergency (roadside rescue) | at once (0) | — | every 30 min | 72 h after resolution |
 *
 * Clocks that pause (resolution, periodic update) pause while the case waits
 * on the customer. Escalation: the service advisor at 50% of a target, the
 * service manager at 75%, the general manager and the OEM region at 100%.
 * Spread it and change what your dealer promises (see the complaints guide).
 */
export const defaultComplaintSlaPolicy: SlaPolicy = defineSlaPolicy({
  id: 'oem-service-promise',
  name: 'OEM service promise',
  calendars: { hotline: alwaysOpenCalendarConfig('Asia/Shanghai', 'OEM hotline 24×7') },
  targets: {
    enquiry: { firstResponse: { targetMs: 0, calendar: 'hotline' } },
    complex: {
      resolution: { targetMs: 24 * HOUR_MS, calendar: 'hotline' },
      satisfactionFollowUp: { targetMs: 72 * HOUR_MS, calendar: 'hotline' },
    },
    difficult: {
      resolution: { targetMs: 72 * HOUR_MS, calendar: 'hotline' },
      satisfactionFollowUp: { targetMs: 72 * HOUR_MS, calendar: 'hotline' },
    },
    emergency: {
      firstResponse: { targetMs: 0, calendar: 'hotline' },
      periodicUpdate: { targetMs: 30 * 60_000, calendar: 'hotline' },
      satisfactionFollowUp: { targetMs: 72 * HOUR_MS, calendar: 'hotline' },
    },
  },
  pauseStatuses: ['waiting_on_customer'],
  escalations: [
    { level: 'service_advisor', atShare: 0.5 },
    { level: 'service_manager', atShare: 0.75 },
    { level: 'general_manager', atShare: 1 },
    { level: 'oem_region', atShare: 1 },
  ],
});
