import { check, equal } from '../assert.js';
import type { ConformanceCase, ConformanceContext } from '../types.js';

const t0 = Date.parse('2024-05-01T10:00:00Z');
const at = (ms: number) => new Date(t0 + ms);

async function events(ctx: ConformanceContext, stream: string, count: number): Promise<void> {
  await ctx.storage.append(
    ctx.tenant,
    'outbox',
    stream,
    Array.from({ length: count }, (_, i) => ({ type: 'loyalty.points_earned', occurredAt: '2024-05-01T09:00:00+08:00', data: { n: i } })),
  );
}

/** The outbox: per-entry delivery state with conditional claims. */
export const outboxCases: ConformanceCase[] = [
  {
    area: 'outbox',
    name: 'every outbox entry starts pending and a position without an entry has no state',
    requires: 'outbox',
    async run(ctx) {
      const stream = ctx.id('W');
      await events(ctx, stream, 2);
      equal(
        await ctx.storage.readOutboxDelivery(ctx.tenant, stream, 2),
        { status: 'pending', attempts: 0, leaseExpiresAt: null, nextAttemptAt: null, deliveredAt: null, lastError: null },
        'a new entry is pending',
      );
      equal(await ctx.storage.readOutboxDelivery(ctx.tenant, stream, 3), null, 'no entry at position 3');
    },
  },
  {
    area: 'outbox',
    name: 'claims take entries oldest first and concurrent claims never share an entry',
    requires: 'outbox',
    async run(ctx) {
      const stream = ctx.id('W');
      await events(ctx, stream, 30);
      const first = await ctx.storage.claimOutbox(ctx.tenant, { streamId: stream, limit: 4, leaseMs: 60_000, now: at(0) });
      equal(
        first.map((claim) => [claim.entry.position, claim.attempt, claim.entry.payload.data]),
        [
          [1, 1, { n: 0 }],
          [2, 1, { n: 1 }],
          [3, 1, { n: 2 }],
          [4, 1, { n: 3 }],
        ],
        'the oldest four, on their first attempt',
      );
      equal(first[0]?.leaseExpiresAt, at(60_000), 'the lease ends leaseMs after now');
      const workers = await Promise.all(Array.from({ length: 8 }, () => ctx.storage.claimOutbox(ctx.tenant, { streamId: stream, limit: 5, leaseMs: 60_000, now: at(1) })));
      const positions = workers.flat().map((claim) => claim.entry.position);
      equal(new Set(positions).size, positions.length, 'no entry was claimed by two workers');
      equal(
        [...positions].sort((a, b) => a - b),
        Array.from({ length: 26 }, (_, i) => i + 5),
        'together the workers claimed every remaining entry once',
      );
      equal(await ctx.storage.claimOutbox(ctx.tenant, { streamId: stream, limit: 10, leaseMs: 60_000, now: at(2) }), [], 'nothing is left to claim while the leases hold');
    },
  },
  {
    area: 'outbox',
    name: 'completing a claim marks the entry delivered exactly once',
    requires: 'outbox',
    async run(ctx) {
      const stream = ctx.id('W');
      await events(ctx, stream, 1);
      const [claim] = await ctx.storage.claimOutbox(ctx.tenant, { streamId: stream, limit: 1, leaseMs: 60_000, now: at(0) });
      check(claim !== undefined, 'one entry to claim');
      const results = await Promise.all(
        Array.from({ length: 6 }, () =>
          ctx.storage.completeOutbox(ctx.tenant, { streamId: stream, position: claim.entry.position, attempt: claim.attempt, outcome: { status: 'delivered', at: at(5) } }),
        ),
      );
      equal(results.filter(Boolean).length, 1, 'of six concurrent completions exactly one is applied');
      const state = await ctx.storage.readOutboxDelivery(ctx.tenant, stream, 1);
      equal([state?.status, state?.attempts, state?.deliveredAt, state?.leaseExpiresAt], ['delivered', 1, at(5), null], 'the entry is delivered');
      equal(await ctx.storage.claimOutbox(ctx.tenant, { streamId: stream, limit: 1, leaseMs: 1, now: at(10_000_000) }), [], 'a delivered entry is never claimed again');
    },
  },
  {
    area: 'outbox',
    name: 'a lapsed lease lets another worker claim the entry and the first worker’s completion is refused',
    requires: 'outbox',
    async run(ctx) {
      const stream = ctx.id('W');
      await events(ctx, stream, 1);
      const [slow] = await ctx.storage.claimOutbox(ctx.tenant, { streamId: stream, limit: 1, leaseMs: 1_000, now: at(0) });
      equal(await ctx.storage.claimOutbox(ctx.tenant, { streamId: stream, limit: 1, leaseMs: 1_000, now: at(999) }), [], 'the lease holds until it ends');
      const [fast] = await ctx.storage.claimOutbox(ctx.tenant, { streamId: stream, limit: 1, leaseMs: 1_000, now: at(1_000) });
      equal([slow?.attempt, fast?.attempt], [1, 2], 'the second claim is attempt 2');
      equal(
        await ctx.storage.completeOutbox(ctx.tenant, { streamId: stream, position: 1, attempt: 1, outcome: { status: 'delivered', at: at(1_500) } }),
        false,
        'the superseded claim cannot complete',
      );
      equal(
        await ctx.storage.completeOutbox(ctx.tenant, { streamId: stream, position: 1, attempt: 2, outcome: { status: 'delivered', at: at(1_600) } }),
        true,
        'the current claim completes',
      );
      equal((await ctx.storage.readOutboxDelivery(ctx.tenant, stream, 1))?.deliveredAt, at(1_600), 'delivered by the current claim');
    },
  },
  {
    area: 'outbox',
    name: 'a failed attempt is retried no earlier than its retryAt, and a failure without retry is dead',
    requires: 'outbox',
    async run(ctx) {
      const stream = ctx.id('W');
      await events(ctx, stream, 2);
      const claims = await ctx.storage.claimOutbox(ctx.tenant, { streamId: stream, limit: 2, leaseMs: 60_000, now: at(0) });
      equal(
        await ctx.storage.completeOutbox(ctx.tenant, { streamId: stream, position: 1, attempt: claims[0]!.attempt, outcome: { status: 'failed', at: at(10), error: 'HTTP 503', retryAt: at(30_000) } }),
        true,
        'a failure with a retry time',
      );
      await ctx.storage.completeOutbox(ctx.tenant, { streamId: stream, position: 2, attempt: claims[1]!.attempt, outcome: { status: 'failed', at: at(10), error: 'HTTP 410', retryAt: null } });
      equal(
        await ctx.storage.readOutboxDelivery(ctx.tenant, stream, 1),
        { status: 'failed', attempts: 1, leaseExpiresAt: null, nextAttemptAt: at(30_000), deliveredAt: null, lastError: 'HTTP 503' },
        'the failed entry waits for its retry time',
      );
      equal((await ctx.storage.readOutboxDelivery(ctx.tenant, stream, 2))?.status, 'dead', 'a failure without retry is dead');
      equal(await ctx.storage.claimOutbox(ctx.tenant, { streamId: stream, limit: 5, leaseMs: 60_000, now: at(29_999) }), [], 'not claimable before its retry time');
      const retry = await ctx.storage.claimOutbox(ctx.tenant, { streamId: stream, limit: 5, leaseMs: 60_000, now: at(30_000) });
      equal(
        retry.map((claim) => [claim.entry.position, claim.attempt]),
        [[1, 2]],
        'claimable again at its retry time, as attempt 2; the dead entry never',
      );
    },
  },
];
