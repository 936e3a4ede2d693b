import { describe, expect, it } from 'vitest';
import { CrmError } from 'dealer-crm/core';
import {
  ComplaintCaseSchema,
  ComplaintEventSchema,
  applyComplaintEvent,
  assertComplaintTransition,
  canTransitionComplaint,
  complaintTransitions,
  openComplaintCase,
  replayComplaintCase,
  type ComplaintEventInput,
  type ComplaintStatus,
} from 'dealer-crm/complaints';
import { at } from './support/calendars.js';
import { firstIssue, crmErrorCode } from './support/errors.js';

const opened = {
  type: 'opened',
  id: 'E1',
  caseId: 'K1',
  at: '2024-05-06T09:00:00+08:00',
  dealerId: 'D-0571',
  customerId: 'C-9',
  vin: 'lsvaa4181e2123456',
  channel: 'oem_hotline',
  severity: 'complex',
  category: 'service_quality',
  subject: '保养后异响',
} as const satisfies ComplaintEventInput;

let seq = 1;
function event(type: string, atIso: string, extra: Record<string, unknown> = {}): ComplaintEventInput {
  seq += 1;
  return { id: `E${seq}`, caseId: 'K1', at: atIso, type, ...extra } as ComplaintEventInput;
}

describe('the case state machine', () => {
  it('allows exactly the documented transitions', () => {
    const statuses = Object.keys(complaintTransitions) as ComplaintStatus[];
    const allowed: string[] = [];
    for (const from of statuses) for (const to of statuses) if (canTransitionComplaint(from, to)) allowed.push(`${from}→${to}`);
    expect(allowed.sort()).toEqual([
      'new→acknowledged',
      'new→in_progress',
      'new→waiting_on_customer',
      'new→resolved',
      'new→cancelled',
      'acknowledged→in_progress',
      'acknowledged→waiting_on_customer',
      'acknowledged→resolved',
      'acknowledged→cancelled',
      'in_progress→waiting_on_customer',
      'in_progress→resolved',
      'in_progress→cancelled',
      'waiting_on_customer→in_progress',
      'waiting_on_customer→resolved',
      'waiting_on_customer→cancelled',
      'resolved→closed',
      'resolved→reopened',
      'reopened→acknowledged',
      'reopened→in_progress',
      'reopened→waiting_on_customer',
      'reopened→resolved',
      'reopened→cancelled',
    ].sort());
  });

  it('throws INVALID_TRANSITION naming both states and the allowed targets', () => {
    expect(() => assertComplaintTransition('closed', 'reopened', 'K1')).toThrow(CrmError);
    try {
      assertComplaintTransition('resolved', 'in_progress', 'K1');
    } catch (error) {
      expect((error as CrmError).code).toBe('INVALID_TRANSITION');
      expect((error as CrmError).message).toBe('A complaint case (K1) cannot move from resolved to in_progress; from resolved it may move to closed, reopened');
      expect((error as CrmError).details).toEqual({ caseId: 'K1', from: 'resolved', to: 'in_progress', allowed: ['closed', 'reopened'] });
    }
  });
});

describe('replaying a case from its events', () => {
  it('follows a whole life: open, reply, wait, resolve, reopen, resolve, follow-up, close', () => {
    const events = [
      opened,
      event('public_reply', '2024-05-06T09:10:00+08:00'),
      event('status_changed', '2024-05-06T09:20:00+08:00', { to: 'waiting_on_customer' }),
      event('customer_reply', '2024-05-06T15:00:00+08:00'),
      event('resolved', '2024-05-07T10:00:00+08:00', { rootCause: 'service_quality' }),
      event('reopened', '2024-05-08T10:00:00+08:00', { reason: 'noise is back' }),
      event('resolved', '2024-05-09T10:00:00+08:00', { rootCause: 'product_quality' }),
      event('satisfaction_recorded', '2024-05-10T10:00:00+08:00', { score: 4 }),
      event('closed', '2024-05-10T10:05:00+08:00'),
    ];
    const complaint = replayComplaintCase(events);
    expect(complaint).toEqual({
      id: 'K1',
      dealerId: 'D-0571',
      customerId: 'C-9',
      vin: 'LSVAA4181E2123456',
      channel: 'oem_hotline',
      subject: '保养后异响',
      severity: 'complex',
      category: 'service_quality',
      status: 'closed',
      rootCause: 'product_quality',
      openedAt: at('2024-05-06T09:00:00+08:00'),
      acknowledgedAt: at('2024-05-06T09:10:00+08:00'),
      firstResponseAt: at('2024-05-06T09:10:00+08:00'),
      resolvedAt: at('2024-05-09T10:00:00+08:00'),
      closedAt: at('2024-05-10T10:05:00+08:00'),
      cancelledAt: null,
      reopenCount: 1,
      // The default policy follows up complex cases 72 h (24×7) after the latest resolution.
      satisfaction: { dueAt: at('2024-05-12T10:00:00+08:00'), recordedAt: at('2024-05-10T10:00:00+08:00'), score: 4 },
      lastEventAt: at('2024-05-10T10:05:00+08:00'),
      eventCount: 9,
    });
    expect(() => ComplaintCaseSchema.parse(JSON.parse(JSON.stringify(complaint)))).not.toThrow();
    expect(Object.isFrozen(complaint)).toBe(true);
  });

  it('moves a waiting case back to in progress when the customer replies', () => {
    const complaint = replayComplaintCase([opened, event('status_changed', '2024-05-06T09:20:00+08:00', { to: 'waiting_on_customer' }), event('customer_reply', '2024-05-06T10:00:00+08:00')]);
    expect(complaint.status).toBe('in_progress');
  });

  it('applies one event at a time without changing its input', () => {
    const start = openComplaintCase(opened);
    const next = applyComplaintEvent(start, event('public_reply', '2024-05-06T09:05:00+08:00'));
    expect(start.status).toBe('new');
    expect(next.status).toBe('acknowledged');
    expect(next.eventCount).toBe(2);
    // A stored record comes back from JSON with ISO strings and still applies.
    const stored = JSON.parse(JSON.stringify(next));
    expect(applyComplaintEvent(stored, event('resolved', '2024-05-06T11:00:00+08:00', { rootCause: 'price' })).status).toBe('resolved');
  });

  it('parses events from JSON with instants as Dates', () => {
    const parsed = ComplaintEventSchema.parse(event('severity_changed', '2024-05-06T09:05:00+08:00', { severity: 'difficult' }));
    expect(parsed.at).toEqual(at('2024-05-06T01:05:00Z'));
  });
});

describe('transitions the lifecycle refuses', () => {
  const resolved = [opened, event('resolved', '2024-05-06T10:00:00+08:00', { rootCause: 'price' })];
  const closed = [...resolved, event('closed', '2024-05-06T11:00:00+08:00')];

  it('refuses to reopen a closed case or to resolve it again', () => {
    expect(crmErrorCode(() => replayComplaintCase([...closed, event('reopened', '2024-05-06T12:00:00+08:00')]))).toBe('INVALID_TRANSITION');
    expect(crmErrorCode(() => replayComplaintCase([...resolved, event('resolved', '2024-05-06T12:00:00+08:00', { rootCause: 'price' })]))).toBe('INVALID_TRANSITION');
  });

  it('refuses replies and changes to a closed or cancelled case', () => {
    expect(crmErrorCode(() => replayComplaintCase([...closed, event('public_reply', '2024-05-06T12:00:00+08:00')]))).toBe('INVALID_TRANSITION');
    const cancelled = [opened, event('cancelled', '2024-05-06T09:30:00+08:00', { reason: 'duplicate' })];
    expect(crmErrorCode(() => replayComplaintCase([...cancelled, event('severity_changed', '2024-05-06T12:00:00+08:00', { severity: 'difficult' })]))).toBe('INVALID_TRANSITION');
    expect(crmErrorCode(() => replayComplaintCase([...cancelled, event('status_changed', '2024-05-06T12:00:00+08:00', { to: 'in_progress' })]))).toBe('INVALID_TRANSITION');
  });

  it('refuses a second opened event, a score before resolution and a second score', () => {
    expect(crmErrorCode(() => replayComplaintCase([opened, { ...opened, id: 'E-again' }]))).toBe('INVALID_TRANSITION');
    expect(crmErrorCode(() => replayComplaintCase([opened, event('satisfaction_recorded', '2024-05-06T12:00:00+08:00', { score: 5 })]))).toBe('INVALID_TRANSITION');
    const scored = [...resolved, event('satisfaction_recorded', '2024-05-07T12:00:00+08:00', { score: 5 })];
    expect(crmErrorCode(() => replayComplaintCase([...scored, event('satisfaction_recorded', '2024-05-07T13:00:00+08:00', { score: 1 })]))).toBe('INVALID_TRANSITION');
  });

  it('refuses moving back from in progress to acknowledged', () => {
    expect(crmErrorCode(() => replayComplaintCase([opened, event('status_changed', '2024-05-06T09:05:00+08:00', { to: 'in_progress' }), event('status_changed', '2024-05-06T09:06:00+08:00', { to: 'acknowledged' })]))).toBe(
      'INVALID_TRANSITION',
    );
  });
});

describe('bad event logs', () => {
  it('rejects events out of time order, naming both events', () => {
    const found = firstIssue(() => replayComplaintCase([opened, event('public_reply', '2024-05-06T10:00:00+08:00'), event('public_reply', '2024-05-06T09:30:00+08:00')]));
    expect(found.path).toBe('events[2].at');
    expect(found.message).toBe('expected events in time order: events[2] at 2024-05-06T01:30:00.000Z comes before events[1] at 2024-05-06T02:00:00.000Z');
  });

  it('rejects an event for an unknown case', () => {
    const found = firstIssue(() => replayComplaintCase([opened, { ...event('public_reply', '2024-05-06T10:00:00+08:00'), caseId: 'K2' }]));
    expect(found).toEqual({ path: 'events[1].caseId', message: 'expected an event of case K1 (opened by events[0]), got an event for unknown case K2' });
    expect(firstIssue(() => applyComplaintEvent(openComplaintCase(opened), { ...event('public_reply', '2024-05-06T10:00:00+08:00'), caseId: 'K2' })).path).toBe('event.caseId');
  });

  it('rejects a log that does not start with opened, a repeated id, an empty log and a malformed event', () => {
    expect(firstIssue(() => replayComplaintCase([event('public_reply', '2024-05-06T10:00:00+08:00')])).path).toBe('events[0].type');
    expect(firstIssue(() => replayComplaintCase([opened, { ...event('public_reply', '2024-05-06T10:00:00+08:00'), id: 'E1' }])).path).toBe('events[1].id');
    expect(firstIssue(() => replayComplaintCase([])).path).toBe('events');
    expect(firstIssue(() => replayComplaintCase([opened, event('resolved', '2024-05-06T10:00:00+08:00', { rootCause: 'bad luck' })])).path).toBe('events[1].rootCause');
    expect(firstIssue(() => replayComplaintCase([{ ...opened, vin: 'not a vin' }])).path).toBe('events[0].vin');
    expect(firstIssue(() => replayComplaintCase([opened, event('satisfaction_recorded', '2024-05-06T10:00:00+08:00', { score: 6 })])).path).toBe('events[1].score');
  });

  it('rejects an event older than the case’s latest event when applied alone', () => {
    const complaint = applyComplaintEvent(openComplaintCase(opened), event('public_reply', '2024-05-06T10:00:00+08:00'));
    expect(firstIssue(() => applyComplaintEvent(complaint, event('public_reply', '2024-05-06T09:59:00+08:00'))).path).toBe('event.at');
  });
});
