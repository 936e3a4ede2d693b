/**
 * deliverOutbox against a local receiver (msw) that verifies every signature
 * as a real receiver would. Clocks are passed in, so leases and retry times
 * are controlled without waiting.
 */
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CrmStorage } from 'dealer-crm/adapters';
import { deliverOutbox, verifyCrmWebhook, type CrmWebhookEvent, type DeliverOutboxOptions } from 'dealer-crm/adapters/http';
import { createMemoryStorage } from 'dealer-crm/adapters/memory';
import { isCrmError, type ValidationError } from 'dealer-crm/core';

const url = 'https://hooks.dms.test/crm';
const secret = 'a webhook secret of the dealer group';
const T0 = new Date('2024-05-01T02:00:00Z');
const plus = (ms: number) => new Date(T0.getTime() + ms);

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** A receiver that verifies each delivery against `clock` and answers with `answer(n)` for the n-th request (1-based). */
function receiver(clock: () => Date, answer: (n: number, event: CrmWebhookEvent) => Response | Promise<Response> = () => new HttpResponse(null, { status: 204 })) {
  const events: CrmWebhookEvent[] = [];
  server.use(
    http.post(url, async ({ request }) => {
      const event = await verifyCrmWebhook({ secret, headers: request.headers, body: await request.text(), now: clock() });
      events.push(event);
      return answer(events.length, event);
    }),
  );
  return events;
}

async function outboxWith(count: number): Promise<CrmStorage> {
  const storage = createMemoryStorage();
  await storage.append(
    'g1',
    'outbox',
    'webhooks',
    Array.from({ length: count }, (_, i) => ({ type: 'loyalty.points_earned', occurredAt: '2024-05-01T10:00:00+08:00', data: { memberId: `M-${i + 1}`, points: 100 * (i + 1) } })),
  );
  return storage;
}

const options = (overrides: Partial<DeliverOutboxOptions> = {}): DeliverOutboxOptions => ({ tenantId: 'g1', streamId: 'webhooks', url, secret, now: () => T0, ...overrides });

describe('deliverOutbox', () => {
  it('delivers each event signed, as a verifiable event, and records it delivered', async () => {
    const storage = await outboxWith(3);
    const events = receiver(() => T0);
    const report = await deliverOutbox(storage, options());
    expect([report.claimed, report.delivered, report.retrying, report.dead, report.superseded]).toEqual([3, 3, 0, 0, 0]);
    expect(events.map((event) => event.id)).toEqual(['g1:webhooks:1', 'g1:webhooks:2', 'g1:webhooks:3']);
    expect(events[1]).toEqual({
      id: 'g1:webhooks:2',
      tenantId: 'g1',
      streamId: 'webhooks',
      position: 2,
      type: 'loyalty.points_earned',
      occurredAt: new Date('2024-05-01T02:00:00Z'),
      payload: { type: 'loyalty.points_earned', occurredAt: '2024-05-01T02:00:00.000Z', data: { memberId: 'M-2', points: 200 } },
    });
    const delivery = await storage.readOutboxDelivery('g1', 'webhooks', 3);
    expect([delivery?.status, delivery?.attempts, delivery?.deliveredAt]).toEqual(['delivered', 1, T0]);
    // Nothing is left to claim.
    expect((await deliverOutbox(storage, options())).claimed).toBe(0);
  });

  it('percent-encodes the parts of the event id so that any tenant and stream id fits a header', async () => {
    const storage = createMemoryStorage();
    await storage.append('上海集团', 'outbox', 'hooks:crm', [{ type: 'lead.created', occurredAt: T0 }]);
    const events = receiver(() => T0);
    await deliverOutbox(storage, options({ tenantId: '上海集团', streamId: 'hooks:crm' }));
    expect(events.map((event) => [event.id, event.tenantId, event.streamId])).toEqual([[`${encodeURIComponent('上海集团')}:hooks%3Acrm:1`, '上海集团', 'hooks:crm']]);
  });

  it('records each event delivered exactly once when two workers run at the same time', async () => {
    const storage = await outboxWith(30);
    const events = receiver(
      () => T0,
      async () => {
        await delay(1);
        return new HttpResponse(null, { status: 200 });
      },
    );
    const [a, b] = await Promise.all([deliverOutbox(storage, options({ batchSize: 4, concurrency: 2 })), deliverOutbox(storage, options({ batchSize: 4, concurrency: 2 }))]);
    expect(a.delivered + b.delivered).toBe(30);
    expect([a.delivered > 0, b.delivered > 0, a.superseded + b.superseded]).toEqual([true, true, 0]);
    // No event was sent twice, and every one is delivered at its first attempt.
    expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
    expect(events).toHaveLength(30);
    const states = await Promise.all(Array.from({ length: 30 }, (_, i) => storage.readOutboxDelivery('g1', 'webhooks', i + 1)));
    expect(states.every((state) => state?.status === 'delivered' && state.attempts === 1)).toBe(true);
  });

  it('lets a worker whose lease lapsed record nothing: the event is marked delivered once, by the current claim', async () => {
    const storage = await outboxWith(1);
    let releaseSlow!: () => void;
    let slowArrived!: () => void;
    const arrived = new Promise<void>((resolve) => {
      slowArrived = resolve;
    });
    const events = receiver(
      () => T0,
      async (n) => {
        if (n === 1) {
          slowArrived();
          await new Promise<void>((resolve) => {
            releaseSlow = resolve;
          });
        }
        return new HttpResponse(null, { status: 204 });
      },
    );
    // Worker A claims at T0 with a 10 s lease and hangs on the receiver.
    const slow = deliverOutbox(storage, options({ leaseMs: 10_000, timeoutMs: 5_000, batchSize: 1 }));
    await arrived;
    // Worker B comes 20 s later: the lease has lapsed, so it claims attempt 2 and delivers.
    const fast = await deliverOutbox(storage, options({ now: () => plus(20_000), leaseMs: 10_000, timeoutMs: 5_000, batchSize: 1 }));
    expect(fast.results).toEqual([{ position: 1, attempt: 2, outcome: 'delivered' }]);
    releaseSlow();
    expect((await slow).results).toEqual([{ position: 1, attempt: 1, outcome: 'superseded' }]);
    const delivery = await storage.readOutboxDelivery('g1', 'webhooks', 1);
    expect([delivery?.status, delivery?.attempts, delivery?.deliveredAt]).toEqual(['delivered', 2, plus(20_000)]);
    // The receiver saw the event twice with the same id: delivery is at least once, receivers deduplicate on webhook-id.
    expect(events.map((event) => event.id)).toEqual(['g1:webhooks:1', 'g1:webhooks:1']);
  });

  it('retries a failing event with exponential backoff until it succeeds', async () => {
    const storage = await outboxWith(1);
    let now = T0;
    receiver(
      () => now,
      (n) => (n < 3 ? new HttpResponse('database locked', { status: 500 }) : new HttpResponse(null, { status: 204 })),
    );
    const run = () => deliverOutbox(storage, options({ now: () => now, retry: { initialDelayMs: 1_000, maxAttempts: 5 } }));
    expect((await run()).results).toEqual([{ position: 1, attempt: 1, outcome: 'retry', error: 'HTTP 500: database locked' }]);
    // Attempt 1 failed at T0: retry 1000 · 2^0 = 1 s later.
    expect((await storage.readOutboxDelivery('g1', 'webhooks', 1))?.nextAttemptAt).toEqual(plus(1_000));
    now = plus(999);
    expect((await run()).claimed).toBe(0);
    now = plus(1_000);
    expect((await run()).results[0]?.outcome).toBe('retry');
    // Attempt 2 failed at T0 + 1 s: retry 1000 · 2^1 = 2 s later, at T0 + 3 s.
    expect((await storage.readOutboxDelivery('g1', 'webhooks', 1))?.nextAttemptAt).toEqual(plus(3_000));
    now = plus(3_000);
    expect((await run()).results).toEqual([{ position: 1, attempt: 3, outcome: 'delivered' }]);
    const delivery = await storage.readOutboxDelivery('g1', 'webhooks', 1);
    expect([delivery?.status, delivery?.attempts, delivery?.deliveredAt]).toEqual(['delivered', 3, plus(3_000)]);
  });

  it('dead-letters an event after its last attempt', async () => {
    const storage = await outboxWith(1);
    const events = receiver(() => T0, () => new HttpResponse('gone fishing', { status: 503 }));
    // No backoff and a fixed clock: each failed attempt is claimable again at once, so one call runs them all.
    const report = await deliverOutbox(storage, options({ retry: { maxAttempts: 3, initialDelayMs: 0 } }));
    expect(report.results.map((result) => [result.attempt, result.outcome])).toEqual([
      [1, 'retry'],
      [2, 'retry'],
      [3, 'dead'],
    ]);
    expect(events).toHaveLength(3);
    const delivery = await storage.readOutboxDelivery('g1', 'webhooks', 1);
    expect([delivery?.status, delivery?.attempts, delivery?.lastError, delivery?.nextAttemptAt]).toEqual(['dead', 3, 'HTTP 503: gone fishing', null]);
    expect((await deliverOutbox(storage, options())).claimed).toBe(0);
  });

  it('waits at least as long as a receiver’s Retry-After asks', async () => {
    const storage = await outboxWith(1);
    receiver(() => T0, () => new HttpResponse(null, { status: 429, headers: { 'retry-after': '120' } }));
    await deliverOutbox(storage, options({ retry: { initialDelayMs: 1_000 } }));
    // The backoff says 1 s, the receiver 120 s: the later wins.
    expect((await storage.readOutboxDelivery('g1', 'webhooks', 1))?.nextAttemptAt).toEqual(plus(120_000));
  });

  it('records a timeout and a network error as failed attempts', async () => {
    const storage = await outboxWith(2);
    server.use(
      http.post(url, async ({ request }) => {
        const event = (await request.json()) as { position: number };
        if (event.position === 1) {
          await delay('infinite');
          return new HttpResponse(null);
        }
        return HttpResponse.error();
      }),
    );
    const report = await deliverOutbox(storage, options({ timeoutMs: 20, leaseMs: 1_000, concurrency: 2 })); // 20 ms × ⌈20 / 2⌉ = 200 ms < 1 s
    expect(report.results.map((result) => [result.position, result.outcome, result.error]).sort()).toEqual([
      [1, 'retry', 'no answer within 20 ms'],
      [2, 'retry', expect.stringMatching(/^network error: /)],
    ]);
  });

  it('refuses bad options before claiming anything', async () => {
    const storage = await outboxWith(1);
    const issues = async (overrides: Partial<DeliverOutboxOptions>) => {
      try {
        await deliverOutbox(storage, options(overrides));
        return [];
      } catch (error) {
        if (isCrmError(error, 'VALIDATION_FAILED')) return (error as ValidationError).issues.map((issue) => issue.path);
        throw error;
      }
    };
    // 20 events per batch, 2 at a time, 10 s each: a batch may take 10 s × ⌈20 / 2⌉ = 100 s.
    expect(await issues({ timeoutMs: 10_000, batchSize: 20, concurrency: 2, leaseMs: 100_000 })).toEqual(['leaseMs']);
    expect(await issues({ secret: 'short' })).toEqual(['secret']);
    expect(await issues({ url: 'mailto:hooks@dms.test' })).toEqual(['url']);
    expect(await issues({ tenantId: '' })).toEqual(['tenantId']);
    const delivery = await storage.readOutboxDelivery('g1', 'webhooks', 1);
    expect([delivery?.status, delivery?.attempts]).toEqual(['pending', 0]);
    // One millisecond more of lease is enough.
    receiver(() => T0);
    expect((await deliverOutbox(storage, options({ timeoutMs: 10_000, batchSize: 20, concurrency: 2, leaseMs: 100_001 }))).delivered).toBe(1);
  });
});
