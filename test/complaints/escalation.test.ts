import { describe, expect, it } from 'vitest';
import { ValidationError } from 'dealer-crm/core';
import { dueEscalations, evaluateSla } from 'dealer-crm/complaints';
import { at } from './support/calendars.js';
import { caseLog, dealerPolicy } from './support/policies.js';

// Dealer policy: resolution 24 business hours on 08:30–12:00 / 13:30–18:00; escalate at 50%, 75%, 100%, and the OEM
// region at 150% of resolution targets only. Case opened Mon 2024-06-17 09:00, first reply 09:10.
// Business hours per day: Mon from 09:00 = 7.5 h, then 8 h a day.
//  50% = 12 h: Mon 7.5; Tue 08:30–12:00 (11), 13:30 + 1 h → Tue 14:30.
//  75% = 18 h: Mon 7.5; Tue 15.5; Wed 08:30 + 2.5 h → Wed 11:00.
// 100% = 24 h: Mon 7.5; Tue 15.5; Wed 23.5; Thu 08:30 + 0.5 h → Thu 09:00.
// 150% = 36 h: Thu 09:00–18:00 adds 7.5 (31.5); Fri 08:30–12:00 (35), 13:30 + 1 h → Fri 14:30.
const log = caseLog('E1', { at: '2024-06-17T09:00:00+08:00', severity: 'complex' }).add('public_reply', '2024-06-17T09:10:00+08:00');

describe('dueEscalations', () => {
  it('returns each level whose share of the target has been used, with the instant it was reached', () => {
    const { clocks } = evaluateSla(dealerPolicy, log.events, { asOf: at('2024-06-19T12:00:00+08:00') });
    const due = dueEscalations(dealerPolicy, clocks, { asOf: at('2024-06-19T12:00:00+08:00') });
    expect(due.map((e) => [e.key, e.level, e.thresholdMs / 3_600_000, e.reachedAt.toISOString(), e.breached])).toEqual([
      ['E1:resolution:1:service_advisor', 'service_advisor', 12, '2024-06-18T06:30:00.000Z', false],
      ['E1:resolution:1:service_manager', 'service_manager', 18, '2024-06-19T03:00:00.000Z', false],
    ]);
  });

  it('returns each escalation once when the keys already sent are passed back', () => {
    const { clocks } = evaluateSla(dealerPolicy, log.events, { asOf: at('2024-06-19T12:00:00+08:00') });
    const due = dueEscalations(dealerPolicy, clocks, { asOf: at('2024-06-19T12:00:00+08:00'), notified: ['E1:resolution:1:service_advisor'] });
    expect(due.map((e) => e.level)).toEqual(['service_manager']);
  });

  it('lets a running clock keep counting up to a later asOf, up to the OEM region', () => {
    const { clocks } = evaluateSla(dealerPolicy, log.events, { asOf: at('2024-06-19T12:00:00+08:00') });
    const due = dueEscalations(dealerPolicy, clocks, { asOf: at('2024-06-21T15:00:00+08:00') });
    expect(due.map((e) => [e.level, e.reachedAt.toISOString(), e.breached])).toEqual([
      ['service_advisor', '2024-06-18T06:30:00.000Z', true],
      ['service_manager', '2024-06-19T03:00:00.000Z', true],
      ['general_manager', '2024-06-20T01:00:00.000Z', true],
      ['oem_region', '2024-06-21T06:30:00.000Z', true],
    ]);
    // The same answer from clocks evaluated at the later instant.
    const later = evaluateSla(dealerPolicy, log.events, { asOf: at('2024-06-21T15:00:00+08:00') }).clocks;
    expect(dueEscalations(dealerPolicy, later, { asOf: at('2024-06-21T15:00:00+08:00') })).toEqual(due);
  });

  it('does not count time while the clock is paused', () => {
    const waiting = caseLog('E2', { at: '2024-06-17T09:00:00+08:00', severity: 'complex' })
      .add('public_reply', '2024-06-17T09:10:00+08:00')
      .add('status_changed', '2024-06-19T11:30:00+08:00', { to: 'waiting_on_customer' });
    const { clocks } = evaluateSla(dealerPolicy, waiting.events, { asOf: at('2024-06-19T12:00:00+08:00') });
    expect(dueEscalations(dealerPolicy, clocks, { asOf: at('2024-06-25T12:00:00+08:00') }).map((e) => e.level)).toEqual(['service_advisor', 'service_manager']);
  });

  it('escalates nothing for a stopped clock', () => {
    const done = caseLog('E3', { at: '2024-06-17T09:00:00+08:00', severity: 'complex' }).add('public_reply', '2024-06-17T09:10:00+08:00').add('resolved', '2024-06-18T09:00:00+08:00', { rootCause: 'price' });
    const { clocks } = evaluateSla(dealerPolicy, done.events, { asOf: at('2024-06-25T12:00:00+08:00') });
    expect(dueEscalations(dealerPolicy, clocks, { asOf: at('2024-06-25T12:00:00+08:00') })).toEqual([]);
  });

  it('reaches every share of a zero ("at once") target at the clock start, within the rules’ metric filter', () => {
    const rescue = caseLog('E4', { at: '2024-06-17T09:00:00+08:00', severity: 'emergency', category: 'roadside_rescue' });
    const { clocks } = evaluateSla(dealerPolicy, rescue.events, { asOf: at('2024-06-17T09:01:00+08:00') });
    const due = dueEscalations(dealerPolicy, clocks, { asOf: at('2024-06-17T09:01:00+08:00') });
    expect(due.map((e) => [e.metric, e.level, e.reachedAt.toISOString(), e.breached])).toEqual([
      ['first_response', 'service_advisor', '2024-06-17T01:00:00.000Z', true],
      ['first_response', 'service_manager', '2024-06-17T01:00:00.000Z', true],
      ['first_response', 'general_manager', '2024-06-17T01:00:00.000Z', true],
    ]);
  });

  it('rejects something that is not a clock', () => {
    expect(() => dueEscalations(dealerPolicy, [{ metric: 'resolution' }] as never, { asOf: at('2024-06-17T09:01:00+08:00') })).toThrow(ValidationError);
    expect(() => dueEscalations(dealerPolicy, [], { asOf: 'yesterday' })).toThrow(/asOf/);
  });
});
