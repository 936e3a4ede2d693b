import { isCrmError } from '../../../core/index.js';
import { check, equal, rejects } from '../assert.js';
import { customerInput } from '../fixtures.js';
import type { ConformanceCase, ConformanceContext } from '../types.js';

const entry = (n: number) => ({ type: 'earn', points: n, n });

/** Settles every promise and splits the results. */
async function settle<T>(promises: Promise<T>[]): Promise<{ values: T[]; errors: unknown[] }> {
  const results = await Promise.allSettled(promises);
  return {
    values: results.filter((result): result is PromiseFulfilledResult<Awaited<T>> => result.status === 'fulfilled').map((result) => result.value as T),
    errors: results.filter((result): result is PromiseRejectedResult => result.status === 'rejected').map((result) => result.reason),
  };
}

function onlyCode(errors: unknown[], code: 'VERSION_CONFLICT', message: string): void {
  const other = errors.find((error) => !isCrmError(error, code));
  check(other === undefined, `${message}: every failure must be ${code}, got ${other instanceof Error ? other.message : String(other)}`);
}

/** The points balance of a ledger stream written by the redemption test. */
async function balance(ctx: ConformanceContext, member: string): Promise<{ points: number; version: number }> {
  let points = 0;
  let version = 0;
  for await (const item of ctx.storage.iterateStream(ctx.tenant, 'loyalty_ledger', member, { pageSize: 1000 })) {
    points += Number(item.payload.points);
    version = item.position;
  }
  return { points, version };
}

/** Races between concurrent callers: no lost update, no double spend. */
export const concurrencyCases: ConformanceCase[] = [
  {
    area: 'concurrency',
    name: 'parallel appends to one stream lose nothing and leave no gaps',
    async run(ctx) {
      const member = ctx.id('M');
      const n = ctx.parallelism;
      const results = await Promise.all(Array.from({ length: n }, (_, i) => ctx.storage.append(ctx.tenant, 'loyalty_ledger', member, [entry(i), entry(i + 1000)])));
      const positions = results.flatMap((result) => result.entries.map((item) => item.position)).sort((a, b) => a - b);
      equal(positions, Array.from({ length: 2 * n }, (_, i) => i + 1), 'every append got its own positions, with no gap');
      for (const result of results) equal(result.entries[1]!.position, result.entries[0]!.position + 1, 'the entries of one append are adjacent');
      const stored = await ctx.storage.readStream(ctx.tenant, 'loyalty_ledger', member, { limit: 1000 });
      equal(stored.version, 2 * n, 'the stream holds every entry');
      equal(
        stored.entries.map((item) => Number(item.payload.n)).sort((a, b) => a - b),
        [...Array.from({ length: n }, (_, i) => i), ...Array.from({ length: n }, (_, i) => i + 1000)],
        'every payload was stored exactly once',
      );
    },
  },
  {
    area: 'concurrency',
    name: 'parallel conditional appends at the same version: exactly one wins',
    async run(ctx) {
      const stream = ctx.id('S');
      await ctx.storage.append(ctx.tenant, 'loyalty_ledger', stream, [entry(0)]);
      const { values, errors } = await settle(
        Array.from({ length: ctx.parallelism }, (_, i) => ctx.storage.append(ctx.tenant, 'loyalty_ledger', stream, [entry(i)], { expectedVersion: 1 })),
      );
      equal(values.length, 1, 'exactly one conditional append succeeds');
      onlyCode(errors, 'VERSION_CONFLICT', 'the losers');
      equal(await ctx.storage.streamVersion(ctx.tenant, 'loyalty_ledger', stream), 2, 'the stream grew by one entry');
    },
  },
  {
    area: 'concurrency',
    name: 'parallel redemptions against one balance never spend the same points twice',
    async run(ctx) {
      const member = ctx.id('M');
      await ctx.storage.append(ctx.tenant, 'loyalty_ledger', member, [{ type: 'earn', points: 100 }]);
      // Each redeemer reads the balance, and appends a spend of 60 conditional on the version it read,
      // retrying on conflict. 100 points cover one spend of 60, never two.
      const redeem = async (worker: number): Promise<'spent' | 'insufficient'> => {
        for (let attempt = 0; attempt < 100; attempt++) {
          const { points, version } = await balance(ctx, member);
          if (points < 60) return 'insufficient';
          try {
            await ctx.storage.append(ctx.tenant, 'loyalty_ledger', member, [{ type: 'redeem', points: -60, worker }], { expectedVersion: version });
            return 'spent';
          } catch (error) {
            if (!isCrmError(error, 'VERSION_CONFLICT')) throw error;
          }
        }
        throw new Error('a redeemer retried 100 times');
      };
      const outcomes = await Promise.all(Array.from({ length: ctx.parallelism }, (_, worker) => redeem(worker)));
      equal(outcomes.filter((outcome) => outcome === 'spent').length, 1, 'exactly one redemption of 60 out of 100 points');
      const final = await balance(ctx, member);
      equal(final, { points: 40, version: 2 }, 'the balance is 100 − 60 = 40 after one earn and one spend');
    },
  },
  {
    area: 'concurrency',
    name: 'parallel appends with the same idempotency key append once and all return the same entries',
    async run(ctx) {
      const member = ctx.id('M');
      const results = await Promise.all(
        Array.from({ length: ctx.parallelism }, () => ctx.storage.append(ctx.tenant, 'loyalty_ledger', member, [entry(1), entry(2)], { idempotencyKey: 'RO-9:earn' })),
      );
      equal(results.filter((result) => !result.replayed).length, 1, 'exactly one call appended');
      for (const result of results) equal(result.entries, results[0]!.entries, 'every call returns the entries of the one append');
      equal(await ctx.storage.streamVersion(ctx.tenant, 'loyalty_ledger', member), 2, 'the entries were stored once');
      const mixed = await Promise.allSettled([
        ctx.storage.append(ctx.tenant, 'loyalty_ledger', member, [entry(5)], { idempotencyKey: 'RO-10' }),
        ctx.storage.append(ctx.tenant, 'loyalty_ledger', member, [entry(6)], { idempotencyKey: 'RO-10' }),
      ]);
      equal(mixed.filter((result) => result.status === 'fulfilled').length, 1, 'of two different payloads racing on one key, one is stored');
      const rejected = mixed.find((result) => result.status === 'rejected');
      check(rejected !== undefined && isCrmError(rejected.reason, 'IDEMPOTENCY_CONFLICT'), 'and the other is IDEMPOTENCY_CONFLICT');
      equal(await ctx.storage.streamVersion(ctx.tenant, 'loyalty_ledger', member), 3, 'one more entry');
    },
  },
  {
    area: 'concurrency',
    name: 'parallel unconditional writes of one record lose no version increment',
    async run(ctx) {
      const key = ctx.id('C');
      await ctx.storage.put(ctx.tenant, 'customers', customerInput(key));
      const n = ctx.parallelism;
      const results = await Promise.all(Array.from({ length: n }, (_, i) => ctx.storage.put(ctx.tenant, 'customers', customerInput(key, { name: `写${i}` }))));
      equal(
        results.map((result) => result.version).sort((a, b) => a - b),
        Array.from({ length: n }, (_, i) => i + 2),
        'each write got its own version',
      );
      const last = results.find((result) => result.version === n + 1)!;
      const read = await ctx.storage.get(ctx.tenant, 'customers', key);
      equal([read?.version, read?.record.name], [n + 1, last.record.name], 'the stored record is the write with the highest version');
    },
  },
  {
    area: 'concurrency',
    name: 'parallel conditional writes at the same version: exactly one wins',
    async run(ctx) {
      const key = ctx.id('C');
      await ctx.storage.put(ctx.tenant, 'customers', customerInput(key));
      const { values, errors } = await settle(
        Array.from({ length: ctx.parallelism }, (_, i) => ctx.storage.put(ctx.tenant, 'customers', customerInput(key, { name: `赢${i}` }), { expectedVersion: 1 })),
      );
      equal(values.length, 1, 'exactly one conditional write succeeds');
      onlyCode(errors, 'VERSION_CONFLICT', 'the losers');
      const read = await ctx.storage.get(ctx.tenant, 'customers', key);
      equal([read?.version, read?.record.name], [2, values[0]!.record.name], 'the winner is stored');
      const creates = await settle(Array.from({ length: ctx.parallelism }, () => ctx.storage.put(ctx.tenant, 'customers', customerInput(`${key}-new`), { expectedVersion: 0 })));
      equal(creates.values.length, 1, 'exactly one of many create-only writes of one id succeeds');
      onlyCode(creates.errors, 'VERSION_CONFLICT', 'the other creates');
    },
  },
  {
    area: 'concurrency',
    name: 'parallel read-modify-write transactions with retries count every increment',
    requires: 'transactions',
    async run(ctx) {
      const counter = ctx.id('P');
      await ctx.storage.put(ctx.tenant, 'policies', { id: counter, kind: 'counter', count: 0 });
      const increment = async (worker: number) => {
        for (let attempt = 0; attempt < 200; attempt++) {
          try {
            await ctx.storage.transaction(ctx.tenant, async (tx) => {
              const current = await tx.get(ctx.tenant, 'policies', counter);
              const count = Number(current!.record.count);
              await tx.put(ctx.tenant, 'policies', { id: counter, kind: 'counter', count: count + 1 }, { expectedVersion: current!.version });
              await tx.append(ctx.tenant, 'audit_log', counter, [{ action: 'increment', at: '2024-05-01T00:00:00Z', worker }]);
            });
            return;
          } catch (error) {
            if (!isCrmError(error, 'VERSION_CONFLICT')) throw error;
          }
        }
        throw new Error('a transaction retried 200 times');
      };
      const n = Math.min(ctx.parallelism, 12);
      await Promise.all(Array.from({ length: n }, (_, worker) => increment(worker)));
      const read = await ctx.storage.get(ctx.tenant, 'policies', counter);
      equal([read?.record.count, read?.version], [n, n + 1], 'every increment counted once');
      equal(await ctx.storage.streamVersion(ctx.tenant, 'audit_log', counter), n, 'one audit entry per committed increment, none from rolled-back attempts');
      await rejects(ctx.storage.put(ctx.tenant, 'policies', { id: counter, kind: 'counter', count: 0 }, { expectedVersion: 1 }), 'VERSION_CONFLICT', 'the first version is long stale');
    },
  },
];
