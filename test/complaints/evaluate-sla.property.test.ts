import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  businessTimeBetween,
  canTransitionComplaint,
  defaultComplaintSlaPolicy,
  evaluateSla,
  type ComplaintEventInput,
  type ComplaintStatus,
  type SlaPolicy,
} from 'dealer-crm/complaints';
import { MINUTE } from './support/calendars.js';
import { dealerPolicy } from './support/policies.js';
import { seededRandom } from './support/random.js';

const severities = ['enquiry', 'complex', 'difficult', 'emergency'] as const;

/** A random but valid event log: every step is one the state machine allows from the current status. */
function randomLog(seed: number, steps: number): { events: ComplaintEventInput[]; end: number } {
  const random = seededRandom(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
  let t = Date.parse('2024-06-03T00:00:00+08:00') + Math.floor(random() * 20 * 24 * 60) * MINUTE;
  let status = 'new' as ComplaintStatus;
  let scored = false;
  let n = 0;
  const events: ComplaintEventInput[] = [];
  const push = (type: string, extra: Record<string, unknown> = {}) => events.push({ id: `e${n++}`, caseId: 'P', at: new Date(t), type, ...extra } as ComplaintEventInput);
  push('opened', { dealerId: 'D', channel: 'wechat', severity: pick(severities), category: pick(['price', 'roadside_rescue', 'waiting_time']) });
  for (let i = 0; i < steps; i++) {
    t += Math.floor(random() * (random() < 0.5 ? 90 : 30 * 60)) * MINUTE;
    if (status === 'closed' || status === 'cancelled') break;
    const options: (() => void)[] = [];
    for (const to of ['acknowledged', 'in_progress', 'waiting_on_customer'] as const) {
      if (canTransitionComplaint(status, to)) options.push(() => ((status = to), push('status_changed', { to })));
    }
    if (status !== 'resolved') {
      options.push(() => ((status = status === 'new' ? 'acknowledged' : status), push('public_reply')));
      options.push(() => ((status = status === 'waiting_on_customer' ? 'in_progress' : status), push('customer_reply')));
      options.push(() => push('severity_changed', { severity: pick(severities) }));
      options.push(() => ((status = 'resolved'), (scored = false), push('resolved', { rootCause: 'price' })));
    } else {
      options.push(() => ((status = 'reopened'), push('reopened')));
      options.push(() => ((status = 'closed'), push('closed')));
      if (!scored) options.push(() => ((scored = true), push('satisfaction_recorded', { score: 1 + Math.floor(random() * 5) })));
    }
    if (random() < 0.05 && canTransitionComplaint(status, 'cancelled')) options.push(() => ((status = 'cancelled'), push('cancelled')));
    pick(options)();
  }
  return { events, end: t + Math.floor(random() * 3 * 24 * 60) * MINUTE };
}

const policies: readonly SlaPolicy[] = [defaultComplaintSlaPolicy, dealerPolicy];

describe('SLA clock invariants on random event logs', () => {
  const logs = fc
    .record({ seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }), steps: fc.integer({ min: 0, max: 14 }), policy: fc.constantFrom(0, 1) })
    .map(({ seed, steps, policy }) => ({ seed, steps, policy: policies[policy]! }));

  it('accounts for every millisecond: running intervals sum to the elapsed time, and with the pauses make up the whole cycle', () => {
    let checked = 0;
    fc.assert(
      fc.property(logs, ({ seed, steps, policy }) => {
        const { events, end } = randomLog(seed, steps);
        const { clocks } = evaluateSla(policy, events, { asOf: new Date(end) });
        for (const clock of clocks) {
          for (const cycle of clock.cycles) {
            const running = cycle.runningIntervals.reduce((sum, run) => sum + run.businessMs, 0);
            expect(running).toBe(cycle.elapsedMs);
            // On one calendar, counted and paused time together are the business time from start to stop.
            // (A severity change can move a cycle to another calendar; such cycles are left to the hand-computed tests.)
            const calendars = new Set([...cycle.runningIntervals.map((run) => run.calendar), ...cycle.retargets.map((change) => change.calendar)]);
            calendars.delete(null);
            if (cycle.calendar === null || calendars.size > 1 || (calendars.size === 1 && !calendars.has(cycle.calendar))) continue;
            const stop = cycle.stoppedAt ?? new Date(end);
            const paused = cycle.pausedIntervals.reduce((sum, pause) => sum + (pause.businessMs ?? 0), 0);
            expect(running + paused).toBe(businessTimeBetween(policy.calendars[cycle.calendar]!, cycle.startedAt, stop));
            checked += 1;
          }
        }
      }),
      { numRuns: 300 },
    );
    expect(checked).toBeGreaterThan(300);
  });

  it('keeps status, due and breach consistent', () => {
    fc.assert(
      fc.property(logs, ({ seed, steps, policy }) => {
        const { events, end } = randomLog(seed, steps);
        const { clocks } = evaluateSla(policy, events, { asOf: new Date(end) });
        for (const clock of clocks) {
          expect(clock.breachCount).toBe(clock.cycles.filter((cycle) => cycle.status === 'breached').length);
          for (const cycle of clock.cycles) {
            expect(cycle.status === 'breached').toBe(cycle.breachedAt !== null);
            const stop = cycle.stoppedAt?.getTime() ?? end;
            if (cycle.breachedAt !== null) expect(cycle.breachedAt.getTime()).toBeLessThan(stop);
            if (cycle.status === 'met') {
              expect(cycle.stoppedAt).not.toBeNull();
              expect(cycle.stoppedAt!.getTime()).toBeLessThanOrEqual(cycle.dueAt!.getTime());
              expect(cycle.elapsedMs).toBeLessThanOrEqual(cycle.targetMs!);
            }
            if (cycle.status === 'running') {
              expect(cycle.stoppedAt).toBeNull();
              expect(cycle.dueAt!.getTime()).toBeGreaterThanOrEqual(end);
            }
            if (cycle.targetMs !== null) expect(cycle.remainingMs).toBe(Math.max(0, cycle.targetMs - cycle.elapsedMs));
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('answers as of an instant exactly as if the later events had not happened yet', () => {
    fc.assert(
      fc.property(logs, fc.double({ min: 0, max: 1, noNaN: true }), ({ seed, steps, policy }, fraction) => {
        const { events, end } = randomLog(seed, steps);
        const start = (events[0]!.at as Date).getTime();
        const asOf = start + Math.floor(((end - start) * fraction) / MINUTE) * MINUTE;
        const known = events.filter((event) => (event.at as Date).getTime() <= asOf);
        expect(evaluateSla(policy, events, { asOf: new Date(asOf) })).toEqual(evaluateSla(policy, known, { asOf: new Date(asOf) }));
      }),
      { numRuns: 200 },
    );
  });

  it('never lets a later evaluation instant un-breach a cycle or shrink its elapsed time', () => {
    fc.assert(
      fc.property(logs, fc.integer({ min: 1, max: 5 * 24 * 60 }), ({ seed, steps, policy }, extraMinutes) => {
        const { events, end } = randomLog(seed, steps);
        const now = evaluateSla(policy, events, { asOf: new Date(end) }).clocks;
        const later = evaluateSla(policy, events, { asOf: new Date(end + extraMinutes * MINUTE) }).clocks;
        for (const clock of now) {
          const after = later.find((candidate) => candidate.metric === clock.metric)!;
          clock.cycles.forEach((cycle, i) => {
            const next = after.cycles[i]!;
            expect(next.elapsedMs).toBeGreaterThanOrEqual(cycle.elapsedMs);
            if (cycle.breachedAt !== null) expect(next.breachedAt).toEqual(cycle.breachedAt);
          });
        }
      }),
      { numRuns: 200 },
    );
  });
});
