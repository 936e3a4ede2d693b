import { invalid } from '../core/index.js';
import { timelineOf } from './business-calendar.js';
import { instantMs } from './business-time.js';
import type { CalendarTimeline } from './calendar-timeline.js';
import type { ComplaintEvent, ComplaintEventInput } from './case-events.js';
import { nextComplaintState, openedCase, parseComplaintStream } from './case-lifecycle.js';
import type { ComplaintCase } from './case-model.js';
import type { CaseSlaEvaluation, SlaCancelReason, SlaClock, SlaClockStatus, SlaCycle, SlaPause, SlaRetarget, SlaRunningInterval } from './sla-clock.js';
import { defineSlaPolicy, slaMetrics, slaTargetsFor, type ResolvedSlaTarget, type SlaMetric, type SlaPolicy, type SlaPolicyConfig } from './sla-policy.js';

/** Options of {@link evaluateSla} and {@link evaluateSlaBatch}. */
export interface EvaluateSlaOptions {
  /** The instant to evaluate at; events after it are ignored (so the answer is the same whenever it is computed). */
  readonly asOf: Date | string;
}

/**
 * Computes every SLA clock of one case from its event log, as of an instant.
 *
 * Semantics (Zendesk and Jira Service Management, plus what they lack):
 * - each clock counts business time on its target's calendar; a clock started
 *   outside working hours counts from the next opening;
 * - a pausable clock pauses while the case is in one of the policy's pause
 *   statuses (waiting on the customer), and every pause is recorded with the
 *   events that began and ended it and the business time it took off the clock;
 * - a severity or category change re-targets open cycles, keeping the time
 *   already elapsed (a new target below the elapsed time breaches at once);
 * - a reopen starts a new resolution cycle and keeps the earlier ones;
 * - periodic updates: each public reply closes the open cycle and opens the
 *   next; a missed cycle stays open, breached, until the late reply;
 * - a cycle is met when it stops by its due instant and breached otherwise;
 *   a deadline on a closing time stays there, so a reply the next morning is
 *   late even though no business time passed.
 *
 * Pure: the same events and `asOf` give the same answer.
 *
 * @throws `ValidationError` for a malformed event, a log that does not
 * start with `opened`, events of another (unknown) case, events out of time
 * order, a repeated event id, an `asOf` before the case was opened, or an
 * instant outside a calendar's holiday coverage.
 * @throws `CrmError` with `code: 'INVALID_TRANSITION'` for a log the
 * case state machine refuses.
 * @example
 * ```ts
 * const { clocks } = evaluateSla(defaultComplaintSlaPolicy, events, { asOf: new Date() });
 * for (const clock of clocks) console.log(clock.metric, clock.status, clock.dueAt);
 * ```
 */
export function evaluateSla(policy: SlaPolicy | SlaPolicyConfig, caseEvents: readonly ComplaintEventInput[], options: EvaluateSlaOptions): CaseSlaEvaluation {
  const defined = defineSlaPolicy(policy);
  const asOf = asOfMs(options);
  return evaluateStream(defined, parseComplaintStream(caseEvents, 'caseEvents'), asOf, 'caseEvents[0]');
}

/**
 * Computes the clocks of many cases from one flat list of events (a scan of
 * every case's stream, interleaved or not): events are grouped by `caseId`,
 * keeping their order. One evaluation per case, in order of first appearance;
 * cases opened after `asOf` do not exist yet and are left out.
 *
 * @throws `ValidationError` as {@link evaluateSla}, with paths into
 * `events`; an event whose case has no `opened` event is an event for an
 * unknown case.
 * @throws `CrmError` with `code: 'INVALID_TRANSITION'` as {@link evaluateSla}.
 */
export function evaluateSlaBatch(policy: SlaPolicy | SlaPolicyConfig, events: readonly ComplaintEventInput[], options: EvaluateSlaOptions): CaseSlaEvaluation[] {
  const defined = defineSlaPolicy(policy);
  const asOf = asOfMs(options);
  if (!Array.isArray(events)) invalid('events', `expected an array of complaint events, got ${events === null ? 'null' : typeof events}`);
  const groups = new Map<string, { events: ComplaintEventInput[]; indexes: number[]; opened: boolean }>();
  events.forEach((event, index) => {
    const caseId = typeof event === 'object' && event !== null && typeof event.caseId === 'string' ? event.caseId : `\u0000${index}`;
    let group = groups.get(caseId);
    if (!group) groups.set(caseId, (group = { events: [], indexes: [], opened: false }));
    group.events.push(event);
    group.indexes.push(index);
    if (typeof event === 'object' && event !== null && event.type === 'opened') group.opened = true;
  });
  const out: CaseSlaEvaluation[] = [];
  for (const [caseId, group] of groups) {
    if (!group.opened && !caseId.startsWith('\u0000')) {
      invalid(`events[${group.indexes[0]}].caseId`, `expected events of a known case, got an event for unknown case ${caseId}: no opened event in the list`);
    }
    const parsed = parseComplaintStream(group.events, 'events', group.indexes);
    // A case opened after asOf does not exist yet as of asOf.
    if (parsed[0]!.at.getTime() > asOf) continue;
    out.push(evaluateStream(defined, parsed, asOf, `events[${group.indexes[0]}]`));
  }
  return out;
}

function asOfMs(options: EvaluateSlaOptions): number {
  if (typeof options !== 'object' || options === null) invalid('options', 'expected an options object with asOf');
  return instantMs(options.asOf, 'asOf');
}

interface MutablePause {
  from: number;
  to: number | null;
  reason: 'status' | 'no_target';
  status: ComplaintCase['status'];
  startedBy: string;
  endedBy: string | null;
  timeline: CalendarTimeline | null;
}

interface MutableRunning {
  from: number;
  to: number;
  calendar: string;
  businessMs: number;
}

/** One cycle being computed. */
interface Tracker {
  readonly metric: SlaMetric;
  readonly startedAt: number;
  readonly startedBy: string;
  target: ResolvedSlaTarget | null;
  timeline: CalendarTimeline | null;
  everTargeted: boolean;
  running: boolean;
  openPause: MutablePause | null;
  /** Start of the current accounting segment; elapsed counts business time before it. */
  segStart: number;
  elapsed: number;
  breachedAt: number | null;
  pauses: MutablePause[];
  runs: MutableRunning[];
  retargets: SlaRetarget[];
  stoppedAt: number | null;
  stoppedBy: string | null;
  cancelReason: SlaCancelReason | null;
}

/** Evaluates one parsed, ordered stream. */
function evaluateStream(policy: SlaPolicy, events: readonly ComplaintEvent[], asOf: number, openedPath: string): CaseSlaEvaluation {
  const opened = events[0] as Extract<ComplaintEvent, { type: 'opened' }>;
  if (opened.at.getTime() > asOf) {
    invalid('asOf', `expected an instant on or after the case was opened (${opened.at.toISOString()} by ${openedPath}), got ${new Date(asOf).toISOString()}`);
  }
  const pauseStatuses = new Set(policy.pauseStatuses);
  const cycles = new Map<SlaMetric, Tracker[]>(slaMetrics.map((metric) => [metric, []]));
  const open = new Map<SlaMetric, Tracker>();
  let state: ComplaintCase = openedCase(opened);
  let targets = slaTargetsFor(policy, state.severity, state.category);

  const setState = (tracker: Tracker, at: number, event: ComplaintEvent, initial: boolean) => {
    const target = targets[tracker.metric] ?? null;
    if (!sameTarget(tracker.target, target)) {
      if (!initial && (tracker.target !== null || target !== null)) {
        tracker.retargets.push(Object.freeze({
          at: new Date(at),
          eventId: event.id,
          severity: state.severity,
          category: state.category,
          fromTargetMs: tracker.target?.targetMs ?? null,
          toTargetMs: target?.targetMs ?? null,
          calendar: target?.calendar ?? null,
        }));
      }
      tracker.target = target;
      if (target !== null) {
        tracker.timeline = timelineOf(policy.calendars[target.calendar]!);
        tracker.everTargeted = true;
        // A new target below the time already elapsed is breached at once, running or paused.
        if (tracker.breachedAt === null && tracker.elapsed > target.targetMs) tracker.breachedAt = at;
      }
    }
    const reason: MutablePause['reason'] | null = target === null ? 'no_target' : target.pausable && pauseStatuses.has(state.status) ? 'status' : null;
    tracker.running = reason === null;
    const current = tracker.openPause;
    if (current === null ? reason === null : current.reason === reason && current.status === state.status) return;
    if (current !== null) closePause(tracker, at, event.id);
    if (reason !== null) {
      const pause: MutablePause = { from: at, to: null, reason, status: state.status, startedBy: event.id, endedBy: null, timeline: tracker.timeline };
      tracker.pauses.push(pause);
      tracker.openPause = pause;
    }
  };

  const start = (metric: SlaMetric, at: number, event: ComplaintEvent) => {
    const tracker: Tracker = {
      metric,
      startedAt: at,
      startedBy: event.id,
      target: null,
      timeline: null,
      everTargeted: false,
      running: false,
      openPause: null,
      segStart: at,
      elapsed: 0,
      breachedAt: null,
      pauses: [],
      runs: [],
      retargets: [],
      stoppedAt: null,
      stoppedBy: null,
      cancelReason: null,
    };
    cycles.get(metric)!.push(tracker);
    open.set(metric, tracker);
    setState(tracker, at, event, true);
  };

  const stop = (metric: SlaMetric, at: number, event: ComplaintEvent, cancelReason: SlaCancelReason | null = null) => {
    const tracker = open.get(metric);
    if (tracker === undefined) return;
    if (tracker.openPause !== null) closePause(tracker, at, event.id);
    tracker.stoppedAt = at;
    tracker.stoppedBy = event.id;
    tracker.cancelReason = cancelReason ?? (tracker.target === null && tracker.breachedAt === null ? 'target_withdrawn' : null);
    open.delete(metric);
  };

  const tracked = trackedMetrics(policy);
  for (const metric of ['first_response', 'resolution'] as const) if (tracked.has(metric)) start(metric, opened.at.getTime(), opened);

  for (let i = 1; i < events.length; i++) {
    const event = events[i]!;
    const at = event.at.getTime();
    if (at > asOf) break;
    for (const tracker of open.values()) advance(tracker, at);
    state = nextComplaintState(state, event, policy);
    if (event.type === 'severity_changed' || event.type === 'category_changed') targets = slaTargetsFor(policy, state.severity, state.category);
    switch (event.type) {
      case 'public_reply':
        stop('first_response', at, event);
        if (tracked.has('periodic_update')) {
          const started = cycles.get('periodic_update')!.length > 0;
          if (open.has('periodic_update') || (!started && state.status !== 'resolved' && state.status !== 'closed')) {
            stop('periodic_update', at, event);
            start('periodic_update', at, event);
          }
        }
        break;
      case 'resolved':
        stop('first_response', at, event);
        stop('resolution', at, event);
        stop('periodic_update', at, event);
        if (tracked.has('satisfaction_follow_up')) start('satisfaction_follow_up', at, event);
        break;
      case 'reopened':
        stop('satisfaction_follow_up', at, event, 'reopened');
        if (tracked.has('resolution')) start('resolution', at, event);
        if (tracked.has('periodic_update')) start('periodic_update', at, event);
        break;
      case 'satisfaction_recorded':
        stop('satisfaction_follow_up', at, event);
        break;
      case 'cancelled':
        for (const metric of [...open.keys()]) stop(metric, at, event, 'case_cancelled');
        break;
      default:
        break;
    }
    for (const tracker of open.values()) setState(tracker, at, event, false);
  }
  for (const tracker of open.values()) advance(tracker, asOf);

  // One Date per distinct instant of the result: cycles, pauses and intervals share their boundaries.
  const dates = new Map<number, Date>();
  const dateOf = (ms: number): Date => {
    let date = dates.get(ms);
    if (date === undefined) dates.set(ms, (date = new Date(ms)));
    return date;
  };
  const asOfDate = dateOf(asOf);
  const clocks: SlaClock[] = [];
  for (const metric of slaMetrics) {
    const list = cycles.get(metric)!.filter((tracker) => tracker.everTargeted);
    if (list.length === 0) continue;
    const done = list.map((tracker, index) => finishCycle(tracker, index + 1, asOf, dateOf));
    const current = done[done.length - 1]!;
    let breachCount = 0;
    for (const cycle of done) if (cycle.breachedAt !== null) breachCount += 1;
    // Listed field by field: spreading a frozen cycle would take V8's slow path.
    const result: SlaClock = {
      caseId: state.id,
      dealerId: state.dealerId,
      metric,
      severity: state.severity,
      category: state.category,
      asOf: asOfDate,
      cycleIndex: current.index,
      breachCount,
      status: current.status,
      startedAt: current.startedAt,
      startedBy: current.startedBy,
      targetMs: current.targetMs,
      calendar: current.calendar,
      pausable: current.pausable,
      dueAt: current.dueAt,
      elapsedMs: current.elapsedMs,
      remainingMs: current.remainingMs,
      breachedAt: current.breachedAt,
      stoppedAt: current.stoppedAt,
      stoppedBy: current.stoppedBy,
      cancelReason: current.cancelReason,
      pausedIntervals: current.pausedIntervals,
      runningIntervals: current.runningIntervals,
      retargets: current.retargets,
      cycles: Object.freeze(done),
    };
    clocks.push(Object.freeze(result));
  }
  return Object.freeze({ caseId: state.id, asOf: asOfDate, complaint: Object.freeze(state), clocks: Object.freeze(clocks) });
}

/** The metrics some severity or category rule of the policy targets; the others need no tracking. */
function trackedMetrics(policy: SlaPolicy): Set<SlaMetric> {
  const out = new Set<SlaMetric>();
  const sets = [...Object.values(policy.targets), ...policy.categoryRules.map((rule) => rule.targets)];
  for (const set of sets) {
    if (set.firstResponse) out.add('first_response');
    if (set.resolution) out.add('resolution');
    if (set.periodicUpdate) out.add('periodic_update');
    if (set.satisfactionFollowUp) out.add('satisfaction_follow_up');
  }
  return out;
}

function sameTarget(a: ResolvedSlaTarget | null, b: ResolvedSlaTarget | null): boolean {
  if (a === null || b === null) return a === b;
  return a.targetMs === b.targetMs && a.calendar === b.calendar && a.pausable === b.pausable;
}

/**
 * Counts the segment from the tracker's last boundary to `at`: when running,
 * first checks whether the target ran out strictly inside it (a breach), then
 * adds the segment's business time.
 */
function advance(tracker: Tracker, at: number): void {
  if (at <= tracker.segStart) return;
  if (tracker.running) {
    const timeline = tracker.timeline!;
    const target = tracker.target!;
    if (tracker.breachedAt === null) {
      const due = timeline.add(tracker.segStart, Math.max(0, target.targetMs - tracker.elapsed), 'caseEvents', 'policy');
      if (due < at) tracker.breachedAt = due;
    }
    const businessMs = timeline.between(tracker.segStart, at, 'caseEvents', 'caseEvents');
    tracker.elapsed += businessMs;
    const last = tracker.runs[tracker.runs.length - 1];
    if (last !== undefined && last.to === tracker.segStart && last.calendar === target.calendar) {
      last.to = at;
      last.businessMs += businessMs;
    } else {
      tracker.runs.push({ from: tracker.segStart, to: at, calendar: target.calendar, businessMs });
    }
  }
  tracker.segStart = at;
}

function closePause(tracker: Tracker, at: number, eventId: string): void {
  const pause = tracker.openPause!;
  pause.to = at;
  pause.endedBy = eventId;
  tracker.openPause = null;
}

const EMPTY: readonly never[] = Object.freeze([]);

function finishCycle(tracker: Tracker, index: number, asOf: number, dateOf: (ms: number) => Date): SlaCycle {
  const target = tracker.target;
  const stopped = tracker.stoppedAt !== null;
  let status: SlaClockStatus;
  if (tracker.breachedAt !== null) status = 'breached';
  else if (stopped) status = tracker.cancelReason !== null ? 'cancelled' : 'met';
  else status = tracker.running ? 'running' : 'paused';
  const remaining = target === null ? null : Math.max(0, target.targetMs - tracker.elapsed);
  let dueAt: number | null = null;
  if (status === 'breached') dueAt = tracker.breachedAt;
  else if (status === 'running') dueAt = tracker.timeline!.add(asOf, remaining!, 'asOf', 'policy');
  else if (status === 'met') dueAt = tracker.timeline!.add(tracker.stoppedAt!, remaining!, 'caseEvents', 'policy');
  const end = tracker.stoppedAt ?? asOf;
  const pauses: readonly SlaPause[] = tracker.pauses.length === 0 ? EMPTY : tracker.pauses.map((pause) => {
    const to = pause.to ?? end;
    const timeline = pause.timeline ?? tracker.timeline;
    return Object.freeze({
      from: dateOf(pause.from),
      to: pause.to === null ? null : dateOf(pause.to),
      reason: pause.reason,
      status: pause.status,
      startedBy: pause.startedBy,
      endedBy: pause.endedBy,
      businessMs: timeline === null ? null : timeline.between(pause.from, to, 'caseEvents', 'caseEvents'),
    });
  });
  const runs: readonly SlaRunningInterval[] =
    tracker.runs.length === 0 ? EMPTY : tracker.runs.map((run) => Object.freeze({ from: dateOf(run.from), to: dateOf(run.to), calendar: run.calendar, businessMs: run.businessMs }));
  return Object.freeze({
    index,
    status,
    startedAt: dateOf(tracker.startedAt),
    startedBy: tracker.startedBy,
    targetMs: target?.targetMs ?? null,
    calendar: target?.calendar ?? null,
    pausable: target?.pausable ?? false,
    dueAt: dueAt === null ? null : dateOf(dueAt),
    elapsedMs: tracker.elapsed,
    remainingMs: remaining,
    breachedAt: tracker.breachedAt === null ? null : dateOf(tracker.breachedAt),
    stoppedAt: tracker.stoppedAt === null ? null : dateOf(tracker.stoppedAt),
    stoppedBy: tracker.stoppedBy,
    cancelReason: status === 'cancelled' ? tracker.cancelReason : null,
    pausedIntervals: Object.freeze(pauses),
    runningIntervals: Object.freeze(runs),
    retargets: tracker.retargets.length === 0 ? EMPTY : Object.freeze(tracker.retargets),
  });
}
