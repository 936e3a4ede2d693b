import { describe, expect, it } from 'vitest';
import { isCrmError } from 'dealer-crm/core';
import { defaultComplaintSlaPolicy, evaluateSla, evaluateSlaBatch, type SlaClock, type SlaMetric } from 'dealer-crm/complaints';
import { HOUR, MINUTE, at } from './support/calendars.js';
import { caseLog, dealerPolicy } from './support/policies.js';
import { firstIssue } from './support/errors.js';

function clock(clocks: readonly SlaClock[], metric: SlaMetric): SlaClock {
  const found = clocks.find((candidate) => candidate.metric === metric);
  if (!found) throw new Error(`no ${metric} clock`);
  return found;
}

describe('a pause across midnight', () => {
  it('stops the 24×7 resolution clock from 20:00 to 09:00 and moves the due time by 13 hours', () => {
    // Default policy, complex case: resolution 24 h on the 24×7 hotline calendar, pausing while waiting on the customer.
    const log = caseLog('K1', { at: '2024-05-06T10:00:00+08:00', severity: 'complex' })
      .add('public_reply', '2024-05-06T10:30:00+08:00')
      .add('status_changed', '2024-05-06T20:00:00+08:00', { to: 'waiting_on_customer' })
      .add('customer_reply', '2024-05-07T09:00:00+08:00');
    const { clocks } = evaluateSla(defaultComplaintSlaPolicy, log.events, { asOf: at('2024-05-07T12:00:00+08:00') });
    const resolution = clock(clocks, 'resolution');
    // Elapsed: 10:00–20:00 (10 h) + 09:00–12:00 (3 h) = 13 h; remaining 11 h; due 12:00 + 11 h = 23:00.
    expect(resolution).toMatchObject({ status: 'running', elapsedMs: 13 * HOUR, remainingMs: 11 * HOUR, dueAt: at('2024-05-07T23:00:00+08:00'), breachedAt: null, stoppedAt: null });
    expect(resolution.pausedIntervals).toEqual([
      { from: at('2024-05-06T20:00:00+08:00'), to: at('2024-05-07T09:00:00+08:00'), reason: 'status', status: 'waiting_on_customer', startedBy: 'K1-e2', endedBy: 'K1-e3', businessMs: 13 * HOUR },
    ]);
    expect(resolution.runningIntervals.map((run) => run.businessMs)).toEqual([10 * HOUR, 3 * HOUR]);
    // The default policy sets no first-response target for complex cases: no such clock.
    expect(clocks.map((c) => c.metric)).toEqual(['resolution']);
  });

  it('counts only the business hours a pause spans on an office calendar', () => {
    // Dealer policy, complex: resolution 24 business hours on 08:30–12:00 / 13:30–18:00.
    const log = caseLog('K2', { at: '2024-06-17T16:00:00+08:00', severity: 'complex' })
      .add('public_reply', '2024-06-17T16:20:00+08:00')
      .add('status_changed', '2024-06-17T17:00:00+08:00', { to: 'waiting_on_customer' })
      .add('customer_reply', '2024-06-18T10:00:00+08:00');
    const resolution = clock(evaluateSla(dealerPolicy, log.events, { asOf: at('2024-06-18T11:00:00+08:00') }).clocks, 'resolution');
    // Running: Mon 16:00–17:00 (1 h), Tue 10:00–11:00 (1 h) = 2 h; remaining 22 h.
    // Paused Mon 17:00 – Tue 10:00: business time inside it is Mon 17:00–18:00 + Tue 08:30–10:00 = 2.5 h.
    // Due: Tue 11:00–12:00 (1), 13:30–18:00 (5.5), Wed (13.5), Thu (21.5), Fri 08:30 + 0.5 h = 09:00.
    expect(resolution).toMatchObject({ status: 'running', elapsedMs: 2 * HOUR, remainingMs: 22 * HOUR, dueAt: at('2024-06-21T09:00:00+08:00') });
    expect(resolution.pausedIntervals[0]!.businessMs).toBe(2.5 * HOUR);
  });

  it('reports a clock as paused, without a due time, while the case waits', () => {
    const log = caseLog('K3', { at: '2024-05-06T10:00:00+08:00', severity: 'difficult' }).add('status_changed', '2024-05-06T11:00:00+08:00', { to: 'waiting_on_customer' });
    const resolution = clock(evaluateSla(defaultComplaintSlaPolicy, log.events, { asOf: at('2024-05-07T11:00:00+08:00') }).clocks, 'resolution');
    expect(resolution).toMatchObject({ status: 'paused', elapsedMs: HOUR, remainingMs: 71 * HOUR, dueAt: null });
    expect(resolution.pausedIntervals).toMatchObject([{ to: null, endedBy: null, businessMs: 24 * HOUR }]);
  });
});

describe('a clock started inside the lunch break', () => {
  it('starts counting at 13:30, so a reply at 14:20 meets a 1-hour first-response target', () => {
    const log = caseLog('L1', { at: '2024-06-17T12:15:00+08:00', severity: 'complex' }).add('public_reply', '2024-06-17T14:20:00+08:00');
    const first = clock(evaluateSla(dealerPolicy, log.events, { asOf: at('2024-06-17T15:00:00+08:00') }).clocks, 'first_response');
    // 13:30–14:20 = 50 min of business time; due 13:30 + 1 h = 14:30.
    expect(first).toMatchObject({ status: 'met', elapsedMs: 50 * MINUTE, remainingMs: 10 * MINUTE, dueAt: at('2024-06-17T14:30:00+08:00'), stoppedAt: at('2024-06-17T14:20:00+08:00') });
  });

  it('breaches at 14:30 when the reply comes at 14:40', () => {
    const log = caseLog('L2', { at: '2024-06-17T12:15:00+08:00', severity: 'complex' }).add('public_reply', '2024-06-17T14:40:00+08:00');
    const first = clock(evaluateSla(dealerPolicy, log.events, { asOf: at('2024-06-17T15:00:00+08:00') }).clocks, 'first_response');
    expect(first).toMatchObject({ status: 'breached', elapsedMs: 70 * MINUTE, remainingMs: 0, breachedAt: at('2024-06-17T14:30:00+08:00'), dueAt: at('2024-06-17T14:30:00+08:00') });
  });

  it('keeps a deadline that lands on the closing time: a reply the next morning is late', () => {
    // Opened 17:00, 1 business hour → due 18:00. The reply at 08:30 next morning comes after no further business
    // time (elapsed exactly 1 h), but after the due instant: breached at 18:00.
    const log = caseLog('L3', { at: '2024-06-17T17:00:00+08:00', severity: 'complex' }).add('public_reply', '2024-06-18T08:30:00+08:00');
    const first = clock(evaluateSla(dealerPolicy, log.events, { asOf: at('2024-06-18T09:00:00+08:00') }).clocks, 'first_response');
    expect(first).toMatchObject({ status: 'breached', elapsedMs: HOUR, breachedAt: at('2024-06-17T18:00:00+08:00') });
    const onTime = caseLog('L4', { at: '2024-06-17T17:00:00+08:00', severity: 'complex' }).add('public_reply', '2024-06-17T18:00:00+08:00');
    expect(clock(evaluateSla(dealerPolicy, onTime.events, { asOf: at('2024-06-18T09:00:00+08:00') }).clocks, 'first_response').status).toBe('met');
  });
});

describe('a severity change mid-clock', () => {
  it('re-targets the running resolution clock from 24 to 72 business hours, keeping the 16 hours elapsed', () => {
    const log = caseLog('S1', { at: '2024-06-17T09:00:00+08:00', severity: 'complex' })
      .add('public_reply', '2024-06-17T09:30:00+08:00')
      .add('severity_changed', '2024-06-19T09:00:00+08:00', { severity: 'difficult' });
    const resolution = clock(evaluateSla(dealerPolicy, log.events, { asOf: at('2024-06-19T12:00:00+08:00') }).clocks, 'resolution');
    // Before the change: Mon 09:00–18:00 (7.5 h) + Tue (8 h) + Wed 08:30–09:00 (0.5 h) = 16 h.
    // After: Wed 09:00–12:00 = 3 h → elapsed 19 h, remaining 72 − 19 = 53 h.
    // Due: Wed 12:00–18:00 (4.5 h: 12:00–13:30 is lunch) → 4.5; Thu 12.5; Fri 20.5; Mon 28.5; Tue 36.5; Wed 44.5;
    // Thu 52.5; Fri 2024-06-28 08:30 + 0.5 h = 09:00.
    expect(resolution).toMatchObject({ status: 'running', severity: 'difficult', targetMs: 72 * HOUR, elapsedMs: 19 * HOUR, remainingMs: 53 * HOUR, dueAt: at('2024-06-28T09:00:00+08:00') });
    expect(resolution.retargets).toEqual([
      { at: at('2024-06-19T09:00:00+08:00'), eventId: 'S1-e2', severity: 'difficult', category: 'service_quality', fromTargetMs: 24 * HOUR, toTargetMs: 72 * HOUR, calendar: 'office' },
    ]);
  });

  it('breaches at once when the new target is below the time already elapsed', () => {
    const log = caseLog('S2', { at: '2024-06-17T09:00:00+08:00', severity: 'difficult' })
      .add('public_reply', '2024-06-17T09:30:00+08:00')
      .add('severity_changed', '2024-06-21T09:00:00+08:00', { severity: 'complex' });
    const resolution = clock(evaluateSla(dealerPolicy, log.events, { asOf: at('2024-06-21T10:00:00+08:00') }).clocks, 'resolution');
    // Elapsed at the change: 7.5 + 8 + 8 + 8 + 0.5 = 32 h > 24 h: breached at the change.
    expect(resolution).toMatchObject({ status: 'breached', breachedAt: at('2024-06-21T09:00:00+08:00'), elapsedMs: 33 * HOUR, remainingMs: 0 });
  });

  it('breaches at the change when a shorter target comes in while the clock is paused', () => {
    // Difficult (72 h) opened Mon 10:00; waiting on the customer from Tue 16:00 (30 h elapsed);
    // changed to complex (24 h) on Wed 09:00 while paused: 30 h > 24 h, breached at 09:00; resolved still paused.
    const log = caseLog('S5', { at: '2024-05-06T10:00:00+08:00', severity: 'difficult' })
      .add('public_reply', '2024-05-06T10:05:00+08:00')
      .add('status_changed', '2024-05-07T16:00:00+08:00', { to: 'waiting_on_customer' })
      .add('severity_changed', '2024-05-08T09:00:00+08:00', { severity: 'complex' })
      .add('resolved', '2024-05-08T12:00:00+08:00', { rootCause: 'price' });
    const resolution = clock(evaluateSla(defaultComplaintSlaPolicy, log.events, { asOf: at('2024-05-08T13:00:00+08:00') }).clocks, 'resolution');
    expect(resolution).toMatchObject({ status: 'breached', elapsedMs: 30 * HOUR, breachedAt: at('2024-05-08T09:00:00+08:00'), stoppedAt: at('2024-05-08T12:00:00+08:00') });
  });

  it('keeps a breach that happened before a change to a longer target', () => {
    const log = caseLog('S3', { at: '2024-05-06T10:00:00+08:00', severity: 'complex' })
      .add('public_reply', '2024-05-06T10:05:00+08:00')
      .add('severity_changed', '2024-05-07T12:00:00+08:00', { severity: 'difficult' });
    const resolution = clock(evaluateSla(defaultComplaintSlaPolicy, log.events, { asOf: at('2024-05-07T13:00:00+08:00') }).clocks, 'resolution');
    expect(resolution).toMatchObject({ status: 'breached', breachedAt: at('2024-05-07T10:00:00+08:00'), targetMs: 72 * HOUR, remainingMs: 45 * HOUR });
  });

  it('starts the periodic-update clock when a case becomes an emergency after the first reply', () => {
    const log = caseLog('S4', { at: '2024-05-06T10:00:00+08:00', severity: 'complex', category: 'roadside_rescue' })
      .add('public_reply', '2024-05-06T10:10:00+08:00')
      .add('severity_changed', '2024-05-06T10:20:00+08:00', { severity: 'emergency' });
    const { clocks } = evaluateSla(defaultComplaintSlaPolicy, log.events, { asOf: at('2024-05-06T10:45:00+08:00') });
    // The periodic cycle opened at the reply (10:10) had no target until 10:20: a no-target pause, then 25 min counted.
    const periodic = clock(clocks, 'periodic_update');
    expect(periodic).toMatchObject({ status: 'running', elapsedMs: 25 * MINUTE, dueAt: at('2024-05-06T10:50:00+08:00') });
    expect(periodic.pausedIntervals).toMatchObject([{ reason: 'no_target', from: at('2024-05-06T10:10:00+08:00'), to: at('2024-05-06T10:20:00+08:00') }]);
    // The resolution clock lost its target (emergency has none): it is paused for want of a target.
    expect(clock(clocks, 'resolution')).toMatchObject({ status: 'paused', targetMs: null, elapsedMs: 20 * MINUTE });
  });
});

describe('a reopen', () => {
  const log = caseLog('R1', { at: '2024-05-06T10:00:00+08:00', severity: 'complex' })
    .add('public_reply', '2024-05-06T10:05:00+08:00')
    .add('resolved', '2024-05-07T09:00:00+08:00', { rootCause: 'service_quality' })
    .add('reopened', '2024-05-08T10:00:00+08:00', { reason: 'noise is back' });

  it('starts a new resolution cycle and keeps the met first cycle in the history', () => {
    const resolution = clock(evaluateSla(defaultComplaintSlaPolicy, log.events, { asOf: at('2024-05-09T12:00:00+08:00') }).clocks, 'resolution');
    // Cycle 1: 10:00 → next day 09:00 = 23 h ≤ 24 h: met. Cycle 2 from Wed 10:00: 26 h by Thu 12:00 → breached at Thu 10:00.
    expect(resolution.cycles.map((cycle) => [cycle.index, cycle.status, cycle.elapsedMs / HOUR])).toEqual([
      [1, 'met', 23],
      [2, 'breached', 26],
    ]);
    expect(resolution).toMatchObject({ cycleIndex: 2, status: 'breached', breachedAt: at('2024-05-09T10:00:00+08:00'), startedAt: at('2024-05-08T10:00:00+08:00'), breachCount: 1 });
    expect(resolution.cycles[0]).toMatchObject({ stoppedAt: at('2024-05-07T09:00:00+08:00'), dueAt: at('2024-05-07T10:00:00+08:00') });
  });

  it('cancels the pending satisfaction follow-up and starts a new one at the next resolution', () => {
    const again = caseLog('R2', { at: '2024-05-06T10:00:00+08:00', severity: 'complex' })
      .add('resolved', '2024-05-07T09:00:00+08:00', { rootCause: 'service_quality' })
      .add('reopened', '2024-05-08T10:00:00+08:00')
      .add('resolved', '2024-05-08T16:00:00+08:00', { rootCause: 'product_quality' });
    const followUp = clock(evaluateSla(defaultComplaintSlaPolicy, again.events, { asOf: at('2024-05-09T12:00:00+08:00') }).clocks, 'satisfaction_follow_up');
    expect(followUp.cycles.map((cycle) => [cycle.status, cycle.cancelReason])).toEqual([
      ['cancelled', 'reopened'],
      ['running', null],
    ]);
    // 72 h after the second resolution.
    expect(followUp.dueAt).toEqual(at('2024-05-11T16:00:00+08:00'));
  });
});

describe('a roadside rescue with 30-minute progress updates', () => {
  const log = caseLog('X1', { at: '2024-05-01T10:00:00+08:00', severity: 'emergency', category: 'roadside_rescue' })
    .add('public_reply', '2024-05-01T10:00:00+08:00')
    .add('public_reply', '2024-05-01T10:25:00+08:00')
    .add('public_reply', '2024-05-01T10:50:00+08:00')
    .add('public_reply', '2024-05-01T11:35:00+08:00')
    .add('public_reply', '2024-05-01T12:00:00+08:00')
    .add('resolved', '2024-05-01T12:10:00+08:00', { rootCause: 'product_quality' });

  it('answers the call at once and records every update cycle, one of them missed', () => {
    const { clocks } = evaluateSla(defaultComplaintSlaPolicy, log.events, { asOf: at('2024-05-01T13:00:00+08:00') });
    expect(clock(clocks, 'first_response')).toMatchObject({ status: 'met', elapsedMs: 0, dueAt: at('2024-05-01T10:00:00+08:00') });
    const periodic = clock(clocks, 'periodic_update');
    // Each cycle runs from one update to the next and is due 30 min after it starts:
    // 10:00→10:25 (due 10:30) met; 10:25→10:50 (due 10:55) met; 10:50→11:35 (due 11:20) missed, breached at 11:20;
    // 11:35→12:00 (due 12:05) met; 12:00→12:10 stopped by the resolution (due 12:30) met.
    expect(periodic.cycles.map((cycle) => [cycle.index, cycle.startedAt.toISOString(), cycle.stoppedAt?.toISOString(), cycle.status, cycle.dueAt?.toISOString(), cycle.elapsedMs / MINUTE])).toEqual([
      [1, '2024-05-01T02:00:00.000Z', '2024-05-01T02:25:00.000Z', 'met', '2024-05-01T02:30:00.000Z', 25],
      [2, '2024-05-01T02:25:00.000Z', '2024-05-01T02:50:00.000Z', 'met', '2024-05-01T02:55:00.000Z', 25],
      [3, '2024-05-01T02:50:00.000Z', '2024-05-01T03:35:00.000Z', 'breached', '2024-05-01T03:20:00.000Z', 45],
      [4, '2024-05-01T03:35:00.000Z', '2024-05-01T04:00:00.000Z', 'met', '2024-05-01T04:05:00.000Z', 25],
      [5, '2024-05-01T04:00:00.000Z', '2024-05-01T04:10:00.000Z', 'met', '2024-05-01T04:30:00.000Z', 10],
    ]);
    expect(periodic.cycles[2]!.breachedAt).toEqual(at('2024-05-01T11:20:00+08:00'));
    expect(periodic).toMatchObject({ breachCount: 1, cycleIndex: 5, status: 'met' });
  });

  it('shows the missed cycle as breached and still open while the update is late', () => {
    const { clocks } = evaluateSla(defaultComplaintSlaPolicy, log.events, { asOf: at('2024-05-01T11:30:00+08:00') });
    const periodic = clock(clocks, 'periodic_update');
    expect(periodic).toMatchObject({ cycleIndex: 3, status: 'breached', stoppedAt: null, breachedAt: at('2024-05-01T11:20:00+08:00'), elapsedMs: 40 * MINUTE });
  });
});

describe('cancellation', () => {
  it('cancels running clocks and keeps a breach that already happened', () => {
    const log = caseLog('C1', { at: '2024-06-17T09:00:00+08:00', severity: 'complex' }).add('cancelled', '2024-06-17T11:00:00+08:00', { reason: 'duplicate' });
    const { clocks } = evaluateSla(dealerPolicy, log.events, { asOf: at('2024-06-18T09:00:00+08:00') });
    // First response (1 h) ran out at 10:00, before the cancellation: breached. Resolution: cancelled.
    expect(clock(clocks, 'first_response')).toMatchObject({ status: 'breached', breachedAt: at('2024-06-17T10:00:00+08:00'), stoppedAt: at('2024-06-17T11:00:00+08:00') });
    expect(clock(clocks, 'resolution')).toMatchObject({ status: 'cancelled', cancelReason: 'case_cancelled', dueAt: null, elapsedMs: 2 * HOUR });
  });
});

describe('purity and batches', () => {
  const a = caseLog('B1', { at: '2024-05-06T10:00:00+08:00', severity: 'complex' }).add('public_reply', '2024-05-06T10:30:00+08:00').add('resolved', '2024-05-07T08:00:00+08:00', { rootCause: 'price' });
  const b = caseLog('B2', { at: '2024-05-06T11:00:00+08:00', severity: 'emergency', category: 'roadside_rescue' }).add('public_reply', '2024-05-06T11:00:00+08:00');

  it('gives the same answer for the same events, whenever it runs', () => {
    const first = evaluateSla(defaultComplaintSlaPolicy, a.events, { asOf: at('2024-05-08T00:00:00+08:00') });
    const second = evaluateSla(defaultComplaintSlaPolicy, structuredClone(a.events), { asOf: '2024-05-08T00:00:00+08:00' });
    expect(second).toEqual(first);
  });

  it('ignores events after asOf', () => {
    const early = evaluateSla(defaultComplaintSlaPolicy, a.events, { asOf: at('2024-05-06T20:00:00+08:00') });
    expect(early.complaint.status).toBe('acknowledged');
    expect(clock(early.clocks, 'resolution')).toMatchObject({ status: 'running', elapsedMs: 10 * HOUR });
  });

  it('leaves out of a batch the cases opened after asOf', () => {
    const results = evaluateSlaBatch(defaultComplaintSlaPolicy, [...a.events, ...b.events], { asOf: at('2024-05-06T10:30:00+08:00') });
    expect(results.map((result) => result.caseId)).toEqual(['B1']);
  });

  it('evaluates interleaved streams of several cases from one flat list', () => {
    const mixed = [a.events[0]!, b.events[0]!, a.events[1]!, b.events[1]!, a.events[2]!];
    const results = evaluateSlaBatch(defaultComplaintSlaPolicy, mixed, { asOf: at('2024-05-08T00:00:00+08:00') });
    expect(results.map((result) => result.caseId)).toEqual(['B1', 'B2']);
    expect(results[0]).toEqual(evaluateSla(defaultComplaintSlaPolicy, a.events, { asOf: at('2024-05-08T00:00:00+08:00') }));
    expect(results[1]).toEqual(evaluateSla(defaultComplaintSlaPolicy, b.events, { asOf: at('2024-05-08T00:00:00+08:00') }));
  });
});

describe('bad input to evaluateSla', () => {
  const log = caseLog('Z1', { at: '2024-05-06T10:00:00+08:00', severity: 'complex' }).add('public_reply', '2024-05-06T10:30:00+08:00');

  it('rejects events out of order', () => {
    const events = [...log.events, { id: 'late', caseId: 'Z1', at: '2024-05-06T10:10:00+08:00', type: 'customer_reply' } as const];
    expect(firstIssue(() => evaluateSla(defaultComplaintSlaPolicy, events, { asOf: at('2024-05-07T00:00:00+08:00') })).path).toBe('caseEvents[2].at');
  });

  it('rejects events for an unknown case, in one stream and in a batch', () => {
    const stray = { id: 'x', caseId: 'Z9', at: '2024-05-06T11:00:00+08:00', type: 'public_reply' } as const;
    expect(firstIssue(() => evaluateSla(defaultComplaintSlaPolicy, [...log.events, stray], { asOf: at('2024-05-07T00:00:00+08:00') }))).toEqual({
      path: 'caseEvents[2].caseId',
      message: 'expected an event of case Z1 (opened by caseEvents[0]), got an event for unknown case Z9',
    });
    expect(firstIssue(() => evaluateSlaBatch(defaultComplaintSlaPolicy, [...log.events, stray], { asOf: at('2024-05-07T00:00:00+08:00') }))).toEqual({
      path: 'events[2].caseId',
      message: 'expected events of a known case, got an event for unknown case Z9: no opened event in the list',
    });
  });

  it('rejects an asOf before the case was opened, or no asOf at all', () => {
    expect(firstIssue(() => evaluateSla(defaultComplaintSlaPolicy, log.events, { asOf: at('2024-05-06T09:00:00+08:00') })).path).toBe('asOf');
    expect(firstIssue(() => evaluateSla(defaultComplaintSlaPolicy, log.events, {} as never)).path).toBe('asOf');
  });

  it('throws INVALID_TRANSITION for a log the state machine refuses', () => {
    const bad = [...log.events, { id: 'c', caseId: 'Z1', at: '2024-05-06T11:00:00+08:00', type: 'closed' } as const];
    let code = '';
    try {
      evaluateSla(defaultComplaintSlaPolicy, bad, { asOf: at('2024-05-07T00:00:00+08:00') });
    } catch (error) {
      if (isCrmError(error)) code = error.code;
    }
    expect(code).toBe('INVALID_TRANSITION');
  });
});
