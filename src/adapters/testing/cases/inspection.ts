import { check, equal, rejects } from '../assert.js';
import { customerInput } from '../fixtures.js';
import type { ConformanceCase, ConformanceContext } from '../types.js';

async function raw(ctx: ConformanceContext, collection: string, id: string): Promise<unknown> {
  return await ctx.inspect!.readRecord({ storage: ctx.storage, tenantId: ctx.tenant, collection, id });
}

const absent = (value: unknown) => value === null || value === undefined;

/** What is really persisted, through the author's inspect hook. */
export const inspectionCases: ConformanceCase[] = [
  {
    area: 'inspection',
    name: 'what put stores is really persisted and a delete really removes it',
    requires: 'inspect',
    async run(ctx) {
      const key = ctx.id('C');
      const written = await ctx.storage.put(ctx.tenant, 'customers', customerInput(key, { name: '持久', metadata: { secret: 'clear?' } }));
      const stored = await raw(ctx, 'customers', key);
      check(!absent(stored), 'the inspector finds the record just written');
      await ctx.inspect!.checkPersistedRecord?.({ raw: stored, collection: 'customers', record: written.record });
      check(absent(await ctx.inspect!.readRecord({ storage: ctx.storage, tenantId: ctx.otherTenant, collection: 'customers', id: key })), 'the record is not stored under another tenant');
      await ctx.storage.delete(ctx.tenant, 'customers', key);
      check(absent(await raw(ctx, 'customers', key)), 'a deleted record is really gone, not hidden');
      if (ctx.inspect!.countStreamEntries !== undefined) {
        const stream = ctx.id('S');
        await ctx.storage.append(ctx.tenant, 'audit_log', stream, [{ action: 'a', at: '2024-05-01T00:00:00Z' }], { idempotencyKey: 'k' });
        await ctx.storage.append(ctx.tenant, 'audit_log', stream, [{ action: 'a', at: '2024-05-01T00:00:00Z' }], { idempotencyKey: 'k' });
        equal(await ctx.inspect!.countStreamEntries({ storage: ctx.storage, tenantId: ctx.tenant, kind: 'audit_log', streamId: stream }), 1, 'a replayed append stored one entry');
      }
    },
  },
  {
    area: 'inspection',
    name: 'rejected writes and rolled-back transactions persist nothing',
    requires: 'inspect',
    async run(ctx) {
      const [bad, conflicted, rolledBack] = [ctx.id('C'), ctx.id('C'), ctx.id('C')];
      await rejects(ctx.storage.put(ctx.tenant, 'customers', customerInput(bad, { type: 'martian' })), 'VALIDATION_FAILED', 'a malformed record');
      check(absent(await raw(ctx, 'customers', bad)), 'a malformed record persists nothing');
      await rejects(ctx.storage.put(ctx.tenant, 'customers', customerInput(conflicted), { expectedVersion: 3 }), 'VERSION_CONFLICT', 'a stale write');
      check(absent(await raw(ctx, 'customers', conflicted)), 'a refused write persists nothing');
      if (ctx.storage.capabilities.transactions) {
        await ctx.storage
          .transaction(ctx.tenant, async (tx) => {
            await tx.put(ctx.tenant, 'customers', customerInput(rolledBack));
            throw new Error('roll back');
          })
          .catch(() => undefined);
        check(absent(await raw(ctx, 'customers', rolledBack)), 'a rolled-back transaction persists nothing');
      }
    },
  },
];
