import { z } from 'zod';
import { CrmError, parse, ValidationError, type ValidationIssue } from '../core/index.js';
import { invertPositiveDefinite } from './optimize.js';
import { chiSquareUpperTail, twoSidedNormalQuantile } from './special.js';

/** One subject of a survival analysis: how long it was followed and whether the event happened. */
export interface SurvivalObservation {
  /** Time from the origin (e.g. the vehicle purchase) to the event or to the end of follow-up, in any one unit; at least 0. */
  readonly time: number;
  /** `true` when the event (e.g. the customer stopped coming) was observed at `time`; `false` when follow-up ended without it (censored). */
  readonly event: boolean;
  /** The cohort the subject belongs to (e.g. purchase year `'2021'` or `'out-of-warranty'`), for stratified curves and the log-rank test. */
  readonly stratum?: string;
}

/** Options for {@link kaplanMeier}. */
export const KaplanMeierOptionsSchema = z.strictObject({
  /** Confidence level of the pointwise intervals, as a fraction; default 0.95. */
  confidenceLevel: z.number().gt(0).lt(1).default(0.95),
  /**
   * Interval on the `'log-log'` scale (default; stays inside [0, 1], as
   * lifelines' exponential Greenwood) or the plain `'linear'` Greenwood
   * interval `S ± z·SE`, clipped to [0, 1].
   */
  confidenceInterval: z.enum(['log-log', 'linear']).default('log-log'),
});

/** Options for {@link kaplanMeier}, as accepted. */
export type KaplanMeierOptions = z.input<typeof KaplanMeierOptionsSchema>;

/** The survival curve at one distinct observed time. */
export interface KaplanMeierStep {
  readonly time: number;
  /** Subjects still followed just before `time` (time ≥ this). */
  readonly atRisk: number;
  /** Events at `time`. */
  readonly events: number;
  /** Subjects censored at `time` (counted at risk at `time`). */
  readonly censored: number;
  /** S(time): the estimated probability of no event by `time` inclusive. */
  readonly survival: number;
  /** Greenwood standard error of `survival`. */
  readonly standardError: number;
  /** Lower confidence limit of `survival`. */
  readonly lower: number;
  /** Upper confidence limit of `survival`. */
  readonly upper: number;
}

/** A Kaplan-Meier curve with its summary figures. */
export interface KaplanMeierCurve {
  /** Subjects in the curve. */
  readonly subjects: number;
  /** Events observed. */
  readonly events: number;
  /** One step per distinct observed time (event or censoring), ascending. */
  readonly steps: readonly KaplanMeierStep[];
  /** The first time at which survival is at most 0.5; `null` if the curve never gets there. */
  readonly medianSurvival: number | null;
  /** Confidence limits of the median: the first times at which the lower and upper limits of S reach 0.5; `null` where they never do. */
  readonly medianConfidenceInterval: { readonly lower: number | null; readonly upper: number | null };
}

/** One stratum's figures in a {@link LogRankTest}. */
export interface LogRankGroup {
  readonly stratum: string;
  readonly subjects: number;
  /** Observed events. */
  readonly observed: number;
  /** Events expected if every stratum had the same hazard. */
  readonly expected: number;
}

/** The log-rank (Mantel–Cox) test that the strata share one survival curve. */
export interface LogRankTest {
  /** The chi-square statistic `(O − E)ᵀ V⁻¹ (O − E)` over all strata but the last. */
  readonly statistic: number;
  /** Strata minus one (strata never at risk when an event happens are left out). */
  readonly degreesOfFreedom: number;
  /** Upper chi-square tail of the statistic. */
  readonly pValue: number;
  readonly groups: readonly LogRankGroup[];
}

/** The result of {@link kaplanMeier}: the pooled curve, one per stratum, and the log-rank test between strata. */
export interface KaplanMeierResult {
  readonly overall: KaplanMeierCurve;
  /** Curves by stratum label, in ascending label order; empty when no observation names a stratum. */
  readonly strata: Readonly<Record<string, KaplanMeierCurve>>;
  /**
   * The log-rank test between strata; `null` with fewer than two strata or
   * when the test is undefined (no events, or a stratum never at risk when
   * events happen — {@link logRankTest} throws with the reason).
   */
  readonly logRank: LogRankTest | null;
}

const UNSTRATIFIED = '';

function checkObservations(observations: readonly SurvivalObservation[]): void {
  if (!Array.isArray(observations)) throw new ValidationError([{ path: 'observations', message: 'expected an array of observations' }]);
  if (observations.length === 0) throw new ValidationError([{ path: 'observations', message: 'expected at least one observation, got an empty list' }]);
  const issues: ValidationIssue[] = [];
  for (let i = 0; i < observations.length && issues.length < 20; i++) {
    const o = observations[i] as Partial<SurvivalObservation> | null;
    const path = `observations[${i}]`;
    if (typeof o !== 'object' || o === null) {
      issues.push({ path, message: 'expected { time, event, stratum? }' });
      continue;
    }
    if (!(typeof o.time === 'number' && Number.isFinite(o.time) && o.time >= 0)) {
      issues.push({ path: `${path}.time`, message: `time must be a finite number of at least 0 (a negative age is not a duration), got ${String(o.time)}` });
    }
    if (typeof o.event !== 'boolean') issues.push({ path: `${path}.event`, message: `event must be true (observed) or false (censored), got ${String(o.event)}` });
    if (o.stratum !== undefined && typeof o.stratum !== 'string') issues.push({ path: `${path}.stratum`, message: `stratum must be a string, got ${typeof o.stratum}` });
  }
  if (issues.length > 0) throw new ValidationError(issues, { label: 'survival observations' });
}

/** Distinct times ascending with events and censorings at each, and subjects at risk. */
interface LifeTable {
  readonly times: number[];
  readonly events: number[];
  readonly censored: number[];
  readonly atRisk: number[];
}

function lifeTable(observations: readonly SurvivalObservation[]): LifeTable {
  const sorted = [...observations].sort((a, b) => a.time - b.time);
  const table: LifeTable = { times: [], events: [], censored: [], atRisk: [] };
  let remaining = sorted.length;
  for (let i = 0; i < sorted.length; ) {
    const time = sorted[i]!.time;
    let events = 0;
    let censored = 0;
    while (i < sorted.length && sorted[i]!.time === time) {
      if (sorted[i]!.event) events++;
      else censored++;
      i++;
    }
    table.times.push(time);
    table.events.push(events);
    table.censored.push(censored);
    table.atRisk.push(remaining);
    remaining -= events + censored;
  }
  return table;
}

function curve(observations: readonly SurvivalObservation[], z: number, scale: 'log-log' | 'linear'): KaplanMeierCurve {
  const table = lifeTable(observations);
  const steps: KaplanMeierStep[] = [];
  let survival = 1;
  let greenwood = 0;
  let events = 0;
  for (let k = 0; k < table.times.length; k++) {
    const n = table.atRisk[k]!;
    const d = table.events[k]!;
    events += d;
    survival *= 1 - d / n;
    if (d > 0 && n > d) greenwood += d / (n * (n - d));
    const standardError = survival > 0 ? survival * Math.sqrt(greenwood) : 0;
    let lower: number;
    let upper: number;
    if (survival === 0 || survival === 1) {
      lower = survival;
      upper = survival;
    } else if (scale === 'linear') {
      lower = Math.max(0, survival - z * standardError);
      upper = Math.min(1, survival + z * standardError);
    } else {
      // θ = ln(−ln S), Var θ ≈ Σ d/(n(n−d)) / (ln S)²; S^exp(±z·σθ).
      const sigma = Math.sqrt(greenwood) / Math.abs(Math.log(survival));
      lower = survival ** Math.exp(z * sigma);
      upper = survival ** Math.exp(-z * sigma);
    }
    steps.push({ time: table.times[k]!, atRisk: n, events: d, censored: table.censored[k]!, survival, standardError, lower, upper });
  }
  const firstAtOrBelowHalf = (pick: (step: KaplanMeierStep) => number): number | null => steps.find((step) => pick(step) <= 0.5)?.time ?? null;
  return {
    subjects: observations.length,
    events,
    steps,
    medianSurvival: firstAtOrBelowHalf((s) => s.survival),
    medianConfidenceInterval: { lower: firstAtOrBelowHalf((s) => s.lower), upper: firstAtOrBelowHalf((s) => s.upper) },
  };
}

/**
 * Kaplan-Meier survival curves with Greenwood confidence intervals, median
 * survival and at-risk counts — pooled and per stratum (cohort) — and the
 * log-rank test between strata. A subject censored at a time is counted at
 * risk at that time (the usual convention).
 *
 * @throws {@link ValidationError} for bad options, an empty list or a bad
 *   observation (path `observations[i].…`), e.g. a negative time.
 * @example
 * ```ts
 * const km = kaplanMeier([
 *   { time: 14, event: true, stratum: 'in-warranty' },
 *   { time: 30, event: false, stratum: 'in-warranty' },
 *   { time: 8, event: true, stratum: 'out-of-warranty' },
 * ]);
 * km.strata['in-warranty']?.medianSurvival;
 * ```
 */
export function kaplanMeier(observations: readonly SurvivalObservation[], options: KaplanMeierOptions = {}): KaplanMeierResult {
  const { confidenceLevel, confidenceInterval } = parse(KaplanMeierOptionsSchema, options, { label: 'Kaplan-Meier options', path: 'options' });
  checkObservations(observations);
  const z = twoSidedNormalQuantile(confidenceLevel);
  const groups = groupByStratum(observations);
  const strata: Record<string, KaplanMeierCurve> = {};
  if (!(groups.size === 1 && groups.has(UNSTRATIFIED))) {
    for (const [label, members] of groups) strata[label] = curve(members, z, confidenceInterval);
  }
  return {
    overall: curve(observations, z, confidenceInterval),
    strata,
    logRank: groups.size >= 2 ? logRankOrNull(groups) : null,
  };
}

/**
 * The log-rank test that the strata of the observations share one survival
 * curve, without the curves.
 *
 * @throws {@link ValidationError} for a bad observation or fewer than two strata.
 * @throws {@link CrmError} `MODEL_NOT_FITTED` when the test is undefined:
 *   fewer than two strata have subjects at risk when events happen (e.g. no events at all).
 */
export function logRankTest(observations: readonly SurvivalObservation[]): LogRankTest {
  checkObservations(observations);
  const groups = groupByStratum(observations);
  if (groups.size < 2) {
    throw new ValidationError([{ path: 'observations', message: `the log-rank test compares at least two strata, got ${groups.size}` }]);
  }
  return logRank(groups);
}

function groupByStratum(observations: readonly SurvivalObservation[]): Map<string, SurvivalObservation[]> {
  const groups = new Map<string, SurvivalObservation[]>();
  for (const o of observations) {
    const label = o.stratum ?? UNSTRATIFIED;
    const list = groups.get(label);
    if (list) list.push(o);
    else groups.set(label, [o]);
  }
  return new Map([...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function logRankOrNull(groups: Map<string, SurvivalObservation[]>): LogRankTest | null {
  try {
    return logRank(groups);
  } catch (error) {
    if (error instanceof CrmError && error.code === 'MODEL_NOT_FITTED') return null;
    throw error;
  }
}

function logRank(groups: Map<string, SurvivalObservation[]>): LogRankTest {
  const labels = [...groups.keys()];
  const g = labels.length;
  const tables = labels.map((label) => lifeTable(groups.get(label)!));
  const pooled = lifeTable([...groups.values()].flat());
  const observed = new Array<number>(g).fill(0);
  const expected = new Array<number>(g).fill(0);
  const variance = Array.from({ length: g }, () => new Array<number>(g).fill(0));
  const cursor = new Array<number>(g).fill(0);
  const atRisk = new Array<number>(g).fill(0);
  const events = new Array<number>(g).fill(0);
  for (let k = 0; k < pooled.times.length; k++) {
    const time = pooled.times[k]!;
    const d = pooled.events[k]!;
    const n = pooled.atRisk[k]!;
    for (let j = 0; j < g; j++) {
      const t = tables[j]!;
      while (cursor[j]! < t.times.length && t.times[cursor[j]!]! < time) cursor[j]!++;
      const c = cursor[j]!;
      // At risk in stratum j at `time`: its at-risk count at its first time ≥ `time`.
      atRisk[j] = c < t.times.length ? t.atRisk[c]! : 0;
      events[j] = c < t.times.length && t.times[c] === time ? t.events[c]! : 0;
    }
    if (d === 0) continue;
    for (let j = 0; j < g; j++) {
      observed[j]! += events[j]!;
      expected[j]! += (d * atRisk[j]!) / n;
      if (n > 1) {
        const factor = (d * (n - d)) / (n - 1);
        for (let h = 0; h < g; h++) {
          const share = (atRisk[j]! / n) * ((j === h ? 1 : 0) - atRisk[h]! / n);
          variance[j]![h]! += factor * share;
        }
      }
    }
  }
  // Strata never at risk when an event happens carry no information (zero variance): leave them out.
  const active = labels.map((_, j) => j).filter((j) => variance[j]![j]! > 0);
  const kept = active.slice(0, -1);
  const inverse = active.length >= 2 ? invertPositiveDefinite(kept.map((i) => kept.map((j) => variance[i]![j]!))) : undefined;
  if (!inverse) {
    throw new CrmError('MODEL_NOT_FITTED', 'the log-rank test is undefined: fewer than two strata have subjects at risk when events happen', {
      details: { strata: labels, observed, expected },
    });
  }
  const difference = kept.map((j) => observed[j]! - expected[j]!);
  let statistic = 0;
  for (let i = 0; i < kept.length; i++) for (let j = 0; j < kept.length; j++) statistic += difference[i]! * inverse[i]![j]! * difference[j]!;
  return {
    statistic,
    degreesOfFreedom: kept.length,
    pValue: chiSquareUpperTail(statistic, kept.length),
    groups: labels.map((stratum, j) => ({ stratum, subjects: groups.get(stratum)!.length, observed: observed[j]!, expected: expected[j]! })),
  };
}

/**
 * The survival probability of a curve at `time`: S at the last step at or
 * before `time`, 1 before the first step.
 *
 * @throws {@link ValidationError} for a negative or non-finite time.
 */
export function survivalAt(curveOf: KaplanMeierCurve, time: number): number {
  if (!(typeof time === 'number' && Number.isFinite(time) && time >= 0)) {
    throw new ValidationError([{ path: 'time', message: `time must be a finite number of at least 0, got ${String(time)}` }]);
  }
  let survival = 1;
  for (const step of curveOf.steps) {
    if (step.time > time) break;
    survival = step.survival;
  }
  return survival;
}
