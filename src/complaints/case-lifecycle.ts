import { CrmError, invalid, parse } from '../core/index.js';
import { timelineOf } from './business-calendar.js';
import { ComplaintEventSchema, type ComplaintEvent, type ComplaintEventInput } from './case-events.js';
import { ComplaintCaseSchema, type ComplaintCase, type ComplaintCaseInput } from './case-model.js';
import { fastComplaintEvent } from './event-fast-path.js';
import { assertComplaintTransition, type ComplaintStatus } from './case-status.js';
import { defaultComplaintSlaPolicy, defineSlaPolicy, slaTargetsFor, type SlaPolicy, type SlaPolicyConfig } from './sla-policy.js';

/** Options of the case lifecycle functions. */
export interface ComplaintLifecycleOptions {
  /** The policy whose `satisfactionFollowUp` target sets when the follow-up is due; {@link defaultComplaintSlaPolicy} unless given. */
  readonly policy?: SlaPolicy | SlaPolicyConfig;
}

/**
 * Opens a case from its `opened` event.
 *
 * @throws `ValidationError` when the event is malformed or not an `opened` event.
 * @example
 * ```ts
 * const complaint = openComplaintCase({
 *   type: 'opened', id: 'E-1', caseId: 'K-1', at: '2024-05-06T09:00:00+08:00',
 *   dealerId: 'D-0571', channel: 'oem_hotline', severity: 'complex', category: 'service_quality',
 * });
 * complaint.status; // 'new'
 * ```
 */
export function openComplaintCase(event: ComplaintEventInput): ComplaintCase {
  const parsed = parse(ComplaintEventSchema, event, { label: 'complaint event', path: 'event' });
  if (parsed.type !== 'opened') invalid('event.type', `expected an opened event to open a case, got ${parsed.type}`);
  return Object.freeze(openedCase(parsed));
}

/**
 * Applies one event to a case and returns the new case (the input is not
 * changed). Status changes follow {@link complaintTransitions}; besides them a
 * public reply acknowledges a `new` case, a customer reply moves a case waiting
 * on the customer back to `in_progress`, a resolution makes the satisfaction
 * follow-up due after the policy's `satisfactionFollowUp` target, and a
 * satisfaction score may be recorded once per resolution, while the case is
 * resolved or closed.
 *
 * @throws `ValidationError` for a malformed event, an event of another
 * case, or one dated before the case's latest event.
 * @throws `CrmError` with `code: 'INVALID_TRANSITION'` for a transition
 * the state machine refuses or an event the case's status does not accept.
 */
export function applyComplaintEvent(complaint: ComplaintCase | ComplaintCaseInput, event: ComplaintEventInput, options: ComplaintLifecycleOptions = {}): ComplaintCase {
  const current = parse(ComplaintCaseSchema, complaint, { label: 'complaint case', path: 'complaint' });
  const parsed = parse(ComplaintEventSchema, event, { label: 'complaint event', path: 'event' });
  if (parsed.caseId !== current.id) invalid('event.caseId', `expected an event of case ${current.id}, got one for unknown case ${parsed.caseId}`);
  if (parsed.at.getTime() < current.lastEventAt.getTime()) {
    invalid('event.at', `expected an instant on or after the case's latest event (${current.lastEventAt.toISOString()}), got ${parsed.at.toISOString()}: events arrive in time order`);
  }
  return Object.freeze(nextComplaintState(current, parsed, policyOf(options)));
}

/**
 * Rebuilds a case from its whole event stream (the first event opens it).
 *
 * @throws `ValidationError` for a malformed event, a stream that does not
 * start with `opened`, events of another case, events out of time order, or a
 * repeated event id — each with the path of the offending event.
 * @throws `CrmError` with `code: 'INVALID_TRANSITION'` as {@link applyComplaintEvent}.
 */
export function replayComplaintCase(events: readonly ComplaintEventInput[], options: ComplaintLifecycleOptions = {}): ComplaintCase {
  const parsed = parseComplaintStream(events, 'events');
  const policy = policyOf(options);
  let state = openedCase(parsed[0] as Extract<ComplaintEvent, { type: 'opened' }>);
  for (let i = 1; i < parsed.length; i++) state = nextComplaintState(state, parsed[i]!, policy);
  return Object.freeze(state);
}

/**
 * Parses the event stream of one case: every event valid, the first one
 * `opened`, all of the same case, in time order (equal instants keep their
 * order), ids unique. Internal to the module.
 */
export function parseComplaintStream(events: readonly ComplaintEventInput[], path: string, indexes?: readonly number[]): ComplaintEvent[] {
  if (!Array.isArray(events)) invalid(path, `expected an array of complaint events, got ${events === null ? 'null' : typeof events}`);
  if (events.length === 0) invalid(path, 'expected at least the opened event, got no events');
  const at = (i: number) => `${path}[${indexes ? indexes[i]! : i}]`;
  const out: ComplaintEvent[] = new Array<ComplaintEvent>(events.length);
  const ids = new Map<string, number>();
  for (let i = 0; i < events.length; i++) {
    const event = fastComplaintEvent(events[i]) ?? parse(ComplaintEventSchema, events[i], { label: 'complaint event', path: at(i) });
    if (i === 0 && event.type !== 'opened') invalid(`${at(0)}.type`, `expected the case's first event to be opened, got ${event.type}`);
    if (i > 0) {
      const first = out[0]!;
      const previous = out[i - 1]!;
      if (event.caseId !== first.caseId) invalid(`${at(i)}.caseId`, `expected an event of case ${first.caseId} (opened by ${at(0)}), got an event for unknown case ${event.caseId}`);
      if (event.at.getTime() < previous.at.getTime()) {
        invalid(`${at(i)}.at`, `expected events in time order: ${at(i)} at ${event.at.toISOString()} comes before ${at(i - 1)} at ${previous.at.toISOString()}`);
      }
    }
    const seen = ids.get(event.id);
    if (seen !== undefined) invalid(`${at(i)}.id`, `expected each event id once, got ${event.id} again (first at ${at(seen)})`);
    ids.set(event.id, i);
    out[i] = event;
  }
  return out;
}

/** The case as its `opened` event makes it. Internal to the module. */
export function openedCase(event: Extract<ComplaintEvent, { type: 'opened' }>): ComplaintCase {
  return {
    id: event.caseId,
    dealerId: event.dealerId,
    customerId: event.customerId ?? null,
    vin: event.vin ?? null,
    channel: event.channel,
    subject: event.subject ?? null,
    severity: event.severity,
    category: event.category,
    status: 'new',
    rootCause: null,
    openedAt: event.at,
    acknowledgedAt: null,
    firstResponseAt: null,
    resolvedAt: null,
    closedAt: null,
    cancelledAt: null,
    reopenCount: 0,
    satisfaction: { dueAt: null, recordedAt: null, score: null },
    lastEventAt: event.at,
    eventCount: 1,
  };
}

/**
 * The case after one more (parsed, in-order) event. Internal to the module:
 * the public doors are {@link applyComplaintEvent} and {@link replayComplaintCase}.
 *
 * @throws `CrmError` with `code: 'INVALID_TRANSITION'`.
 */
export function nextComplaintState(state: ComplaintCase, event: ComplaintEvent, policy: SlaPolicy): ComplaintCase {
  const next = copyCase(state);
  next.lastEventAt = event.at;
  next.eventCount = state.eventCount + 1;
  switch (event.type) {
    case 'opened':
      throw refused(state, event.type, 'the case is already open');
    case 'status_changed':
      assertComplaintTransition(state.status, event.to, state.id);
      next.status = event.to;
      if (event.to === 'acknowledged') next.acknowledgedAt = state.acknowledgedAt ?? event.at;
      return next;
    case 'severity_changed':
    case 'category_changed':
      refuseInFinal(state, event.type);
      if (event.type === 'severity_changed') next.severity = event.severity;
      else next.category = event.category;
      if (next.resolvedAt !== null && (next.status === 'resolved' || next.status === 'closed') && next.satisfaction.recordedAt === null) {
        next.satisfaction = { dueAt: followUpDue(policy, next, next.resolvedAt), recordedAt: null, score: null };
      }
      return next;
    case 'public_reply':
      refuseInFinal(state, event.type);
      if (state.status === 'new') next.status = 'acknowledged';
      next.acknowledgedAt = state.acknowledgedAt ?? event.at;
      next.firstResponseAt = state.firstResponseAt ?? event.at;
      return next;
    case 'customer_reply':
      refuseInFinal(state, event.type);
      if (state.status === 'waiting_on_customer') next.status = 'in_progress';
      return next;
    case 'resolved':
      assertComplaintTransition(state.status, 'resolved', state.id);
      next.status = 'resolved';
      next.rootCause = event.rootCause;
      next.resolvedAt = event.at;
      next.firstResponseAt = state.firstResponseAt ?? event.at;
      next.satisfaction = { dueAt: followUpDue(policy, next, event.at), recordedAt: null, score: null };
      return next;
    case 'reopened':
      assertComplaintTransition(state.status, 'reopened', state.id);
      next.status = 'reopened';
      next.reopenCount = state.reopenCount + 1;
      next.satisfaction = { dueAt: null, recordedAt: null, score: null };
      return next;
    case 'closed':
      assertComplaintTransition(state.status, 'closed', state.id);
      next.status = 'closed';
      next.closedAt = event.at;
      return next;
    case 'cancelled':
      assertComplaintTransition(state.status, 'cancelled', state.id);
      next.status = 'cancelled';
      next.cancelledAt = event.at;
      return next;
    case 'satisfaction_recorded':
      if (state.status !== 'resolved' && state.status !== 'closed') throw refused(state, event.type, 'a satisfaction score follows a resolution');
      if (state.satisfaction.recordedAt !== null) throw refused(state, event.type, 'a score was already recorded for this resolution');
      next.satisfaction = { dueAt: state.satisfaction.dueAt, recordedAt: event.at, score: event.score };
      return next;
  }
}

/** A shallow copy of a case with every field listed (a fixed shape is faster than a spread). */
function copyCase(state: ComplaintCase): ComplaintCase {
  return {
    id: state.id,
    dealerId: state.dealerId,
    customerId: state.customerId,
    vin: state.vin,
    channel: state.channel,
    subject: state.subject,
    severity: state.severity,
    category: state.category,
    status: state.status,
    rootCause: state.rootCause,
    openedAt: state.openedAt,
    acknowledgedAt: state.acknowledgedAt,
    firstResponseAt: state.firstResponseAt,
    resolvedAt: state.resolvedAt,
    closedAt: state.closedAt,
    cancelledAt: state.cancelledAt,
    reopenCount: state.reopenCount,
    satisfaction: state.satisfaction,
    lastEventAt: state.lastEventAt,
    eventCount: state.eventCount,
  };
}

function followUpDue(policy: SlaPolicy, state: ComplaintCase, resolvedAt: Date): Date | null {
  const target = slaTargetsFor(policy, state.severity, state.category).satisfaction_follow_up;
  if (target === undefined) return null;
  const timeline = timelineOf(policy.calendars[target.calendar]!);
  return new Date(timeline.add(resolvedAt.getTime(), target.targetMs, 'resolvedAt', 'policy.satisfactionFollowUp'));
}

function refuseInFinal(state: ComplaintCase, type: ComplaintEvent['type']): void {
  if (state.status === 'closed' || state.status === 'cancelled') throw refused(state, type, `the case is ${state.status}`);
}

function refused(state: ComplaintCase, type: ComplaintEvent['type'], why: string): CrmError {
  return new CrmError('INVALID_TRANSITION', `A complaint case (${state.id}) in status ${state.status} cannot take a ${type} event: ${why}`, {
    details: { caseId: state.id, status: state.status satisfies ComplaintStatus, event: type },
  });
}

function policyOf(options: ComplaintLifecycleOptions): SlaPolicy {
  return options.policy === undefined ? defaultComplaintSlaPolicy : defineSlaPolicy(options.policy);
}
