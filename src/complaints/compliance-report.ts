import { z } from 'zod';
import { InstantSchema, invalid, parse } from '../core/index.js';
import type { ComplaintCase } from './case-model.js';
import { complaintRootCauses, type ComplaintCategory, type ComplaintRootCause, type ComplaintSeverity } from './case-taxonomy.js';
import { checkCaseEvaluation } from './evaluation-checks.js';
import type { CaseSlaEvaluation } from './sla-clock.js';

/** A dimension a compliance report groups cases by. */
export type SlaReportDimension = 'dealer' | 'severity' | 'category';

/** Options of {@link slaComplianceReport}. */
export interface SlaComplianceReportOptions {
  /** Cases opened in `[from, to)` are reported. */
  readonly period: { readonly from: Date | string; readonly to: Date | string };
  /** The dimensions of each row, in order; `['dealer']` unless given. */
  readonly groupBy?: SlaReportDimension | readonly SlaReportDimension[];
  /** A dealer whose compliance rate is below this fraction is flagged; 0.9 unless given. */
  readonly complianceThreshold?: number;
  /** An open clock that has used at least this share of its target is at risk; 0.75 unless given. */
  readonly atRiskShare?: number;
  /** A dealer needs at least this many decided (met or breached) cases to be flagged; 1 unless given. */
  readonly minDecidedCases?: number;
}

/** Median and 90th percentile of a set of durations (linear interpolation between order statistics, R's type 7). */
export interface SlaDurationStats {
  /** How many cases had a value. */
  readonly count: number;
  /** In milliseconds; null when `count` is 0. */
  readonly medianMs: number | null;
  readonly p90Ms: number | null;
}

/** The figures of one group of cases (or of all of them). */
export interface SlaComplianceRow {
  /** The group: the dimensions asked for, empty for the total. */
  readonly key: { readonly dealerId?: string; readonly severity?: ComplaintSeverity; readonly category?: ComplaintCategory };
  /** Cases opened in the period. */
  readonly cases: number;
  /** Cases whose every targeted cycle of the service clocks (first response, resolution, periodic update) was met. */
  readonly met: number;
  /** Cases with at least one breached cycle on a service clock. */
  readonly breached: number;
  /** Cases with a service clock still running or paused and no breach yet. */
  readonly open: number;
  /** Cancelled cases without a breach (left out of the rate). */
  readonly cancelled: number;
  /** `met / (met + breached)`; null when no case is decided. */
  readonly complianceRate: number | null;
  /** Elapsed (wall-clock) time from opening to the first response. */
  readonly timeToFirstResponse: SlaDurationStats;
  /** Elapsed (wall-clock) time from opening to the latest resolution, for cases resolved or closed now. */
  readonly timeToResolution: SlaDurationStats;
  /** Open cases with an open clock that has breached or used at least `atRiskShare` of its target. */
  readonly openAtRisk: number;
  /**
   * Satisfaction follow-ups (one per resolution): done in time, late or
   * missed, still pending. They are a duty of their own and do not decide
   * whether a case met the service promise.
   */
  readonly satisfactionFollowUps: { readonly met: number; readonly breached: number; readonly pending: number };
}

/** One root cause in the Pareto, most frequent first. */
export interface SlaRootCauseShare {
  readonly rootCause: ComplaintRootCause;
  readonly cases: number;
  /** Share of the resolved cases with a root cause. */
  readonly share: number;
  /** Running total of `share` down the list. */
  readonly cumulativeShare: number;
  /** Among the "vital few": the causes that together make up the first 80% of cases. */
  readonly vital: boolean;
}

/** A dealer below the compliance threshold. */
export interface SlaFlaggedDealer {
  readonly dealerId: string;
  readonly complianceRate: number;
  readonly met: number;
  readonly breached: number;
}

/** The result of {@link slaComplianceReport}. */
export interface SlaComplianceReport {
  readonly period: { readonly from: Date; readonly to: Date };
  readonly groupBy: readonly SlaReportDimension[];
  readonly complianceThreshold: number;
  /** All cases of the period together. */
  readonly total: SlaComplianceRow;
  /** One row per group, sorted by its key. */
  readonly rows: readonly SlaComplianceRow[];
  /** Root causes of the period's resolved cases, most frequent first (ties in the order of {@link complaintRootCauses}). */
  readonly rootCausePareto: readonly SlaRootCauseShare[];
  /** Dealers under the threshold, worst first. */
  readonly flaggedDealers: readonly SlaFlaggedDealer[];
}

const OptionsSchema = z.strictObject({
  period: z.strictObject({ from: InstantSchema, to: InstantSchema }).refine((period) => period.from.getTime() < period.to.getTime(), {
    error: 'expected period.from before period.to',
  }),
  groupBy: z
    .union([z.enum(['dealer', 'severity', 'category']), z.array(z.enum(['dealer', 'severity', 'category']))])
    .default(['dealer'])
    .transform((value) => (Array.isArray(value) ? value : [value]))
    .refine((value) => new Set(value).size === value.length, { error: 'expected each dimension once' }),
  complianceThreshold: z.number().min(0).max(1).default(0.9),
  atRiskShare: z.number().positive().max(1).default(0.75),
  minDecidedCases: z.number().int().positive().default(1),
});

type Outcome = 'met' | 'breached' | 'open' | 'cancelled' | 'untracked';

interface Facts {
  readonly complaint: ComplaintCase;
  readonly outcome: Outcome;
  readonly atRisk: boolean;
  /** Satisfaction follow-ups: done in time, breached, still pending. */
  readonly followUps: { met: number; breached: number; pending: number };
}

/**
 * An SLA compliance report over evaluated cases (from {@link evaluateSla} or
 * {@link evaluateSlaBatch}): for the cases opened in the period, per group
 * (dealer, severity, category, or a combination), the number of cases, how
 * many met and breached their targets, the compliance rate, median and 90th
 * percentile time to first response and to resolution, and the open cases at
 * risk; the root-cause Pareto; and the dealers under the compliance threshold.
 *
 * A case counts as breached when any cycle of a service clock (first
 * response, resolution, periodic update) breached, as met when every targeted
 * cycle was met, as open when one still runs; cancelled cases without a breach
 * and cases without any target count only in `cases`. Satisfaction follow-ups
 * are counted apart.
 *
 * @throws `ValidationError` for a bad period or option, or an entry that
 * is not an evaluation from {@link evaluateSla}.
 * @example
 * ```ts
 * const report = slaComplianceReport(evaluations, {
 *   period: { from: '2024-10-01T00:00:00+08:00', to: '2024-11-01T00:00:00+08:00' },
 *   groupBy: ['dealer', 'severity'],
 * });
 * report.flaggedDealers; // dealers under 90% compliance
 * ```
 */
export function slaComplianceReport(cases: readonly CaseSlaEvaluation[], options: SlaComplianceReportOptions): SlaComplianceReport {
  const settings = parse(OptionsSchema, options, { label: 'compliance report options', path: 'options' });
  if (!Array.isArray(cases)) invalid('cases', `expected an array of SLA evaluations, got ${cases === null ? 'null' : typeof cases}`);
  const from = settings.period.from.getTime();
  const to = settings.period.to.getTime();
  const facts: Facts[] = [];
  cases.forEach((input, index) => {
    const evaluation = checkCaseEvaluation(input, `cases[${index}]`);
    const opened = evaluation.complaint.openedAt.getTime();
    if (opened < from || opened >= to) return;
    facts.push(factsOf(evaluation, settings.atRiskShare));
  });

  const groups = new Map<string, { key: SlaComplianceRow['key']; facts: Facts[] }>();
  for (const fact of facts) {
    const key: { dealerId?: string; severity?: ComplaintSeverity; category?: ComplaintCategory } = {};
    for (const dimension of settings.groupBy) {
      if (dimension === 'dealer') key.dealerId = fact.complaint.dealerId;
      else if (dimension === 'severity') key.severity = fact.complaint.severity;
      else key.category = fact.complaint.category;
    }
    const id = JSON.stringify(settings.groupBy.map((dimension) => (dimension === 'dealer' ? key.dealerId : dimension === 'severity' ? key.severity : key.category)));
    let group = groups.get(id);
    if (!group) groups.set(id, (group = { key, facts: [] }));
    group.facts.push(fact);
  }
  const rows = [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, group]) => rowOf(group.key, group.facts));

  const dealers = new Map<string, Facts[]>();
  for (const fact of facts) {
    const list = dealers.get(fact.complaint.dealerId);
    if (list) list.push(fact);
    else dealers.set(fact.complaint.dealerId, [fact]);
  }
  const flaggedDealers: SlaFlaggedDealer[] = [];
  for (const [dealerId, list] of dealers) {
    const met = list.filter((fact) => fact.outcome === 'met').length;
    const breached = list.filter((fact) => fact.outcome === 'breached').length;
    if (met + breached < settings.minDecidedCases) continue;
    const complianceRate = met / (met + breached);
    if (complianceRate < settings.complianceThreshold) flaggedDealers.push(Object.freeze({ dealerId, complianceRate, met, breached }));
  }
  flaggedDealers.sort((a, b) => a.complianceRate - b.complianceRate || (a.dealerId < b.dealerId ? -1 : 1));

  return Object.freeze({
    period: Object.freeze({ from: settings.period.from, to: settings.period.to }),
    groupBy: Object.freeze([...settings.groupBy]),
    complianceThreshold: settings.complianceThreshold,
    total: rowOf({}, facts),
    rows: Object.freeze(rows),
    rootCausePareto: Object.freeze(paretoOf(facts)),
    flaggedDealers: Object.freeze(flaggedDealers),
  });
}

function factsOf(evaluation: CaseSlaEvaluation, atRiskShare: number): Facts {
  const complaint = evaluation.complaint;
  let breached = false;
  let open = false;
  let met = false;
  let atRisk = false;
  const followUps = { met: 0, breached: 0, pending: 0 };
  for (const clock of evaluation.clocks) {
    if (clock.metric === 'satisfaction_follow_up') {
      for (const cycle of clock.cycles) {
        if (cycle.status === 'met') followUps.met += 1;
        else if (cycle.status === 'breached') followUps.breached += 1;
        else if (cycle.status === 'running' || cycle.status === 'paused') followUps.pending += 1;
      }
      continue;
    }
    for (const cycle of clock.cycles) {
      if (cycle.status === 'breached') breached = true;
      else if (cycle.status === 'met') met = true;
      else if (cycle.status === 'running' || cycle.status === 'paused') open = true;
      const stillOpen = cycle.stoppedAt === null && cycle.status !== 'cancelled';
      if (stillOpen && (cycle.status === 'breached' || (cycle.targetMs !== null && cycle.elapsedMs >= atRiskShare * cycle.targetMs))) atRisk = true;
    }
  }
  let outcome: Outcome;
  if (breached) outcome = 'breached';
  else if (complaint.status === 'cancelled') outcome = 'cancelled';
  else if (open) outcome = 'open';
  else if (met) outcome = 'met';
  else outcome = 'untracked';
  const isOpen = complaint.status !== 'resolved' && complaint.status !== 'closed' && complaint.status !== 'cancelled';
  return { complaint, outcome, atRisk: atRisk && isOpen, followUps };
}

function rowOf(key: SlaComplianceRow['key'], facts: readonly Facts[]): SlaComplianceRow {
  const count = (outcome: Outcome) => facts.filter((fact) => fact.outcome === outcome).length;
  const met = count('met');
  const breached = count('breached');
  const firstResponse: number[] = [];
  const resolution: number[] = [];
  for (const { complaint } of facts) {
    if (complaint.firstResponseAt !== null) firstResponse.push(complaint.firstResponseAt.getTime() - complaint.openedAt.getTime());
    if (complaint.resolvedAt !== null && (complaint.status === 'resolved' || complaint.status === 'closed')) resolution.push(complaint.resolvedAt.getTime() - complaint.openedAt.getTime());
  }
  return Object.freeze({
    key: Object.freeze({ ...key }),
    cases: facts.length,
    met,
    breached,
    open: count('open'),
    cancelled: count('cancelled'),
    complianceRate: met + breached === 0 ? null : met / (met + breached),
    timeToFirstResponse: statsOf(firstResponse),
    timeToResolution: statsOf(resolution),
    openAtRisk: facts.filter((fact) => fact.atRisk).length,
    satisfactionFollowUps: Object.freeze({
      met: facts.reduce((sum, fact) => sum + fact.followUps.met, 0),
      breached: facts.reduce((sum, fact) => sum + fact.followUps.breached, 0),
      pending: facts.reduce((sum, fact) => sum + fact.followUps.pending, 0),
    }),
  });
}

function statsOf(values: number[]): SlaDurationStats {
  if (values.length === 0) return Object.freeze({ count: 0, medianMs: null, p90Ms: null });
  const sorted = [...values].sort((a, b) => a - b);
  return Object.freeze({ count: sorted.length, medianMs: quantileOf(sorted, 0.5), p90Ms: quantileOf(sorted, 0.9) });
}

/**
 * The `p` quantile of sorted values by linear interpolation between order
 * statistics (Hyndman and Fan's type 7, the default of R and NumPy).
 */
function quantileOf(sorted: readonly number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

function paretoOf(facts: readonly Facts[]): SlaRootCauseShare[] {
  const counts = new Map<ComplaintRootCause, number>();
  for (const { complaint } of facts) {
    if (complaint.rootCause !== null && (complaint.status === 'resolved' || complaint.status === 'closed')) counts.set(complaint.rootCause, (counts.get(complaint.rootCause) ?? 0) + 1);
  }
  const total = [...counts.values()].reduce((sum, n) => sum + n, 0);
  const order = [...counts.entries()].sort(([a, x], [b, y]) => y - x || complaintRootCauses.indexOf(a) - complaintRootCauses.indexOf(b));
  let running = 0;
  return order.map(([rootCause, cases]) => {
    const before = running;
    running += cases;
    return Object.freeze({ rootCause, cases, share: cases / total, cumulativeShare: running / total, vital: before / total < 0.8 });
  });
}
