import { describe, expect, test } from 'vitest';
import { createMemoryStorage } from 'dealer-crm/adapters/memory';
import { crmStorageRegistry } from 'dealer-crm/crm';
import { contexts, freshTenant, makeCrm, outboxEvents, testClock } from '../support/fixtures.js';
import { groupSetup } from '../support/scenarios.js';

// The group holds case K-1: a complex service-quality complaint of C-1 at
// D-1, opened 2024-05-31 09:00 Shanghai with a subject; the clock stands at
// 2024-06-01 10:00, 25 hours later. The default policy promises complex
// matters resolved within 24 hours, around the clock.

async function group() {
  const tenantId = freshTenant();
  const storage = createMemoryStorage({ registry: crmStorageRegistry });
  const clock = testClock();
  const crm = makeCrm(storage, { clock });
  await groupSetup(crm, tenantId);
  const ctx = contexts(tenantId);
  return { tenantId, storage, crm, ctx, clock, handling: ctx.staff('D-1', 'complaint_handling') };
}

describe('complaints through the facade', () => {
  test('opens a case and keeps its free text encrypted apart from the case and its events', async () => {
    const { crm, handling, storage, tenantId } = await group();
    const opened = await crm.complaints.open(handling, {
      idempotencyKey: 'k-2',
      complaint: { caseId: 'K-2', eventId: 'K-2-e0', dealerId: 'D-1', customerId: 'C-2', channel: 'oem_hotline', severity: 'difficult', category: 'parts_availability', subject: '配件等了三周', note: '客户很生气' },
    });
    expect(opened).toMatchObject({ caseId: 'K-2', eventId: 'K-2-e0', status: 'new', version: 1, case: { subject: null, severity: 'difficult', customerId: 'C-2', eventCount: 1 } });
    const stored = await storage.readStream(tenantId, 'complaint_events', 'K-2');
    expect(stored.entries[0]!.payload).not.toHaveProperty('subject');
    expect(stored.entries[0]!.payload).not.toHaveProperty('note');
    expect(stored.entries[0]!.payload).toMatchObject({ actorId: 'U-staff-D-1', at: new Date('2024-06-01T10:00:00+08:00') });
    // Who handles complaints reads the text; an analyst does not.
    const full = await crm.complaints.get(handling, { caseId: 'K-2' });
    expect(full.case.subject).toBe('配件等了三周');
    expect(full.events[0]).toMatchObject({ subject: '配件等了三周', note: '客户很生气' });
    const analyst = await crm.complaints.get(contexts(tenantId).analyst(), { caseId: 'K-2' });
    expect(analyst.case.subject).toBeNull();
    expect(analyst.events[0]).not.toHaveProperty('note');
  });

  test('moves a case through its lifecycle and refuses a transition the state machine does not allow', async () => {
    const { crm, handling } = await group();
    expect(await crm.complaints.reply(handling, { idempotencyKey: 'r1', caseId: 'K-1', from: 'dealer', note: '已安排技师回电' })).toMatchObject({ status: 'acknowledged', version: 2 });
    await expect(crm.complaints.transition(handling, { idempotencyKey: 'close', caseId: 'K-1', event: { type: 'closed' } })).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
    const resolved = await crm.complaints.transition(handling, { idempotencyKey: 'resolve', caseId: 'K-1', event: { type: 'resolved', rootCause: 'service_quality', resolution: '更换了隔音垫' } });
    // The satisfaction follow-up is due 72 hours after the resolution.
    expect(resolved.case).toMatchObject({ status: 'resolved', rootCause: 'service_quality', satisfaction: { dueAt: new Date('2024-06-04T10:00:00+08:00') } });
    expect((await crm.complaints.transition(handling, { idempotencyKey: 'close', caseId: 'K-1', event: { type: 'closed' } })).status).toBe('closed');
  });

  test('evaluates the SLA clocks: 25 hours after opening, the 24-hour resolution promise is breached', async () => {
    const { crm, handling } = await group();
    const evaluation = await crm.complaints.evaluateSla(handling, { caseId: 'K-1' });
    const resolution = evaluation.clocks.find((clock) => clock.metric === 'resolution')!;
    expect(resolution).toMatchObject({ status: 'breached', breachedAt: new Date('2024-06-01T09:00:00+08:00') });
    // 25 hours elapsed, in milliseconds.
    expect(resolution.elapsedMs).toBe(25 * 3_600_000);
  });

  test('reports each escalation once: the outbox gets it the first time, later ticks see it as known', async () => {
    const { crm, storage, tenantId, ctx } = await group();
    const system = ctx.system('complaint_handling');
    const first = await crm.complaints.escalationsDue(system, { idempotencyKey: 'tick-1' });
    // 50 %, 75 % and 100 % of 24 hours: 12 h, 18 h and 24 h after 2024-05-31 09:00.
    expect(first.escalations.map((escalation) => [escalation.level, escalation.reachedAt.toISOString(), escalation.new])).toEqual([
      ['service_advisor', '2024-05-31T13:00:00.000Z', true],
      ['service_manager', '2024-05-31T19:00:00.000Z', true],
      ['general_manager', '2024-06-01T01:00:00.000Z', true],
      ['oem_region', '2024-06-01T01:00:00.000Z', true],
    ]);
    const second = await crm.complaints.escalationsDue(system, { idempotencyKey: 'tick-2' });
    expect(second.escalations.map((escalation) => escalation.new)).toEqual([false, false, false, false]);
    const events = (await outboxEvents(storage, tenantId)).filter((event) => event.type === 'crm.complaint.escalation_due');
    expect(events).toHaveLength(4);
    expect(events[0]!.data).toMatchObject({ caseId: 'K-1', metric: 'resolution', level: 'service_advisor', dealerId: 'D-1' });
  });

  test('a dealer’s staff only see their dealer’s cases', async () => {
    const { crm, ctx } = await group();
    await expect(crm.complaints.get(ctx.staff('D-2', 'complaint_handling'), { caseId: 'K-1' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const none = await crm.complaints.escalationsDue(ctx.staff('D-2', 'complaint_handling'), { idempotencyKey: 'd2' });
    expect(none).toMatchObject({ casesChecked: 0, escalations: [] });
  });

  test('an unknown case is NOT_FOUND', async () => {
    const { crm, handling } = await group();
    await expect(crm.complaints.reply(handling, { idempotencyKey: 'x', caseId: 'K-404', from: 'customer' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
