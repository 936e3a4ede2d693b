import { invalid } from '../core/index.js';
import { timelineOf } from './business-calendar.js';
import { instantMs } from './business-time.js';
import { checkSlaClock } from './evaluation-checks.js';
import type { SlaClock } from './sla-clock.js';
import { SlaEscalationLevelSchema, defineSlaPolicy, type SlaEscalationLevel, type SlaMetric, type SlaPolicy, type SlaPolicyConfig } from './sla-policy.js';

/** Options of {@link dueEscalations}. */
export interface DueEscalationsOptions {
  /** The instant to check at; a running clock keeps counting from its own evaluation instant up to this one. */
  readonly asOf: Date | string;
  /** Keys of escalations already sent ({@link SlaEscalation.key}); they are not returned again. */
  readonly notified?: Iterable<string>;
}

/** One notification that is due: who must be told about which clock, and since when. */
export interface SlaEscalation {
  /**
   * `caseId:metric:cycle:level` — stable for a case, clock, cycle and level, so
   * each escalation is sent once: store it (or use it as the outbox's
   * idempotency key) and pass it back in `notified`.
   */
  readonly key: string;
  readonly caseId: string;
  readonly dealerId: string;
  readonly metric: SlaMetric;
  readonly cycleIndex: number;
  readonly level: SlaEscalationLevel;
  /** The share of the target that triggers it (0.5 = half the business time used). */
  readonly atShare: number;
  /** `ceil(atShare × targetMs)`: the business time at which it triggers. */
  readonly thresholdMs: number;
  /** The instant the clock's elapsed business time reached the threshold. */
  readonly reachedAt: Date;
  readonly targetMs: number;
  /** Whether the clock has breached its target by `asOf`. */
  readonly breached: boolean;
}

/**
 * The escalations due as of an instant: for every open clock (not stopped, not
 * cancelled) and every escalation rule of the policy that applies to its
 * metric and severity, the level is due once the clock's elapsed business time
 * has reached `atShare` of its target. Each comes with a stable key; pass the
 * keys already sent in `notified` and every escalation is returned exactly
 * once over repeated calls. A zero target ("at once") reaches every share at
 * the clock's start. Sorted by `reachedAt`, then from the front line up.
 *
 * @throws `ValidationError` for a bad policy, a bad `asOf`, or an entry
 * of `clocks` that is not a clock from {@link evaluateSla}.
 * @example
 * ```ts
 * const clocks = evaluateSlaBatch(policy, events, { asOf: now }).flatMap((evaluation) => evaluation.clocks);
 * for (const escalation of dueEscalations(policy, clocks, { asOf: now, notified: sentKeys })) {
 *   notify(escalation.level, escalation.caseId);
 *   sentKeys.add(escalation.key);
 * }
 * ```
 */
export function dueEscalations(policy: SlaPolicy | SlaPolicyConfig, clocks: readonly SlaClock[], options: DueEscalationsOptions): SlaEscalation[] {
  const defined = defineSlaPolicy(policy);
  if (typeof options !== 'object' || options === null) invalid('options', 'expected an options object with asOf');
  const asOf = instantMs(options.asOf, 'asOf');
  if (!Array.isArray(clocks)) invalid('clocks', `expected an array of SLA clocks, got ${clocks === null ? 'null' : typeof clocks}`);
  const notified = new Set(options.notified ?? []);
  const levelOrder = SlaEscalationLevelSchema.options;
  const out: SlaEscalation[] = [];
  clocks.forEach((input, index) => {
    const clock = checkSlaClock(input, `clocks[${index}]`);
    if (clock.stoppedAt !== null || clock.status === 'cancelled' || clock.targetMs === null || clock.calendar === null) return;
    const calendar = defined.calendars[clock.calendar];
    if (calendar === undefined) return;
    const runs = clock.runningIntervals.map((run) => ({ from: run.from.getTime(), to: run.to.getTime(), calendar: run.calendar, businessMs: run.businessMs }));
    const pausedNow = clock.pausedIntervals.some((pause) => pause.to === null);
    const clockAsOf = clock.asOf.getTime();
    if (!pausedNow && asOf > clockAsOf) {
      runs.push({ from: clockAsOf, to: asOf, calendar: clock.calendar, businessMs: timelineOf(calendar).between(clockAsOf, asOf, 'clocks', 'asOf') });
    }
    for (const rule of defined.escalations) {
      if (rule.metrics !== undefined && !rule.metrics.includes(clock.metric)) continue;
      if (rule.severities !== undefined && !rule.severities.includes(clock.severity)) continue;
      const key = `${clock.caseId}:${clock.metric}:${clock.cycleIndex}:${rule.level}`;
      if (notified.has(key)) continue;
      const thresholdMs = Math.ceil(rule.atShare * clock.targetMs);
      const reachedAt = reachedAtOf(defined, runs, thresholdMs, clock.startedAt.getTime());
      if (reachedAt === null || reachedAt > asOf) continue;
      const ranOut = clock.breachedAt ?? (pausedNow ? null : clock.dueAt);
      const breached = ranOut !== null && ranOut.getTime() < asOf;
      out.push(
        Object.freeze({
          key,
          caseId: clock.caseId,
          dealerId: clock.dealerId,
          metric: clock.metric,
          cycleIndex: clock.cycleIndex,
          level: rule.level,
          atShare: rule.atShare,
          thresholdMs,
          reachedAt: new Date(reachedAt),
          targetMs: clock.targetMs,
          breached,
        }),
      );
    }
  });
  return out.sort(
    (a, b) =>
      a.reachedAt.getTime() - b.reachedAt.getTime() ||
      levelOrder.indexOf(a.level) - levelOrder.indexOf(b.level) ||
      (a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0) ||
      (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0),
  );
}

/** The instant the running intervals' business time first reaches `thresholdMs`; null if it has not. */
function reachedAtOf(policy: SlaPolicy, runs: readonly { from: number; to: number; calendar: string; businessMs: number }[], thresholdMs: number, startedAt: number): number | null {
  if (thresholdMs === 0) return startedAt;
  let accumulated = 0;
  for (const run of runs) {
    if (accumulated + run.businessMs >= thresholdMs) {
      const calendar = policy.calendars[run.calendar];
      if (calendar === undefined) return null;
      return timelineOf(calendar).add(run.from, thresholdMs - accumulated, 'clocks', 'policy');
    }
    accumulated += run.businessMs;
  }
  return null;
}
