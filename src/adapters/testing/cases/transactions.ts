import { check, equal, rejects } from '../assert.js';
import { customerInput } from '../fixtures.js';
import type { ConformanceCase } from '../types.js';

const audit = (action: string) => ({ action, at: '2024-05-01T09:00:00+08:00' });

/** All or nothing across records and streams. */
export const transactionCases: ConformanceCase[] = [
  {
    area: 'transactions',
    name: 'a transaction commits records and stream entries together and returns the result of its callback',
    requires: 'transactions',
    async run({ storage, tenant, id }) {
      const [a, b, stream] = [id('C'), id('C'), id('S')];
      const result = await storage.transaction(tenant, async (tx) => {
        await tx.put(tenant, 'customers', customerInput(a));
        await tx.putMany(tenant, 'customers', [{ record: customerInput(b) }]);
        await tx.append(tenant, 'audit_log', stream, [audit('created')]);
        return 'done';
      });
      equal(result, 'done', 'transaction returns what the callback returned');
      equal((await storage.getMany(tenant, 'customers', [a, b])).map((item) => item?.version ?? null), [1, 1], 'both records were committed');
      equal(await storage.streamVersion(tenant, 'audit_log', stream), 1, 'the entry was committed');
    },
  },
  {
    area: 'transactions',
    name: 'a transaction that throws leaves nothing behind and rethrows the same error',
    requires: 'transactions',
    async run({ storage, tenant, id }) {
      const [existing, fresh, stream] = [id('C'), id('C'), id('S')];
      await storage.put(tenant, 'customers', customerInput(existing, { name: '原' }));
      await storage.append(tenant, 'audit_log', stream, [audit('before')]);
      const failure = new Error('the callback failed');
      let caught: unknown;
      try {
        await storage.transaction(tenant, async (tx) => {
          await tx.put(tenant, 'customers', customerInput(fresh));
          await tx.put(tenant, 'customers', customerInput(existing, { name: '改' }));
          await tx.delete(tenant, 'customers', existing);
          await tx.append(tenant, 'audit_log', stream, [audit('inside')], { idempotencyKey: 'tx-key' });
          throw failure;
        });
      } catch (error) {
        caught = error;
      }
      check(caught === failure, 'transaction rethrows the callback error itself, unwrapped');
      equal(await storage.get(tenant, 'customers', fresh), null, 'the record created inside was rolled back');
      const kept = await storage.get(tenant, 'customers', existing);
      equal([kept?.version, kept?.record.name], [1, '原'], 'the record changed and deleted inside is as before');
      equal(await storage.streamVersion(tenant, 'audit_log', stream), 1, 'the entry appended inside was rolled back');
      const retry = await storage.append(tenant, 'audit_log', stream, [audit('other payload')], { idempotencyKey: 'tx-key' });
      equal(retry.replayed, false, 'the idempotency key used inside was rolled back too');
    },
  },
  {
    area: 'transactions',
    name: 'a version conflict inside a transaction rolls back its earlier writes',
    requires: 'transactions',
    async run({ storage, tenant, id }) {
      const [a, b] = [id('C'), id('C')];
      await storage.put(tenant, 'customers', customerInput(b));
      await rejects(
        storage.transaction(tenant, async (tx) => {
          await tx.put(tenant, 'customers', customerInput(a));
          await tx.put(tenant, 'customers', customerInput(b), { expectedVersion: 7 });
        }),
        'VERSION_CONFLICT',
        'a stale write inside a transaction',
      );
      equal(await storage.get(tenant, 'customers', a), null, 'the earlier write of the transaction was rolled back');
    },
  },
  {
    area: 'transactions',
    name: 'reads inside a transaction see its own writes',
    requires: 'transactions',
    async run({ storage, tenant, id }) {
      const [a, b, stream] = [id('C'), id('C'), id('S')];
      await storage.put(tenant, 'customers', customerInput(b, { dealerId: 'D-T' }));
      await storage.transaction(tenant, async (tx) => {
        await tx.put(tenant, 'customers', customerInput(a, { dealerId: 'D-T' }));
        equal((await tx.get(tenant, 'customers', a))?.version, 1, 'get sees a record written in the transaction');
        await tx.delete(tenant, 'customers', b);
        equal(await tx.get(tenant, 'customers', b), null, 'get no longer sees a record deleted in the transaction');
        const page = await tx.query(tenant, 'customers', { where: { dealerId: 'D-T' } });
        equal(
          page.items.map((item) => item.record.id),
          [a],
          'query sees the transaction’s writes and deletes',
        );
        await tx.append(tenant, 'audit_log', stream, [audit('one')]);
        equal(await tx.streamVersion(tenant, 'audit_log', stream), 1, 'streamVersion sees an append of the transaction');
        const appended = await tx.append(tenant, 'audit_log', stream, [audit('two')], { expectedVersion: 1 });
        equal(appended.version, 2, 'a conditional append sees the earlier append of the transaction');
      });
      equal(await storage.streamVersion(tenant, 'audit_log', stream), 2, 'both entries were committed');
    },
  },
  {
    area: 'transactions',
    name: 'a transaction refuses calls for another tenant and calls after it ended',
    requires: 'transactions',
    async run({ storage, tenant, otherTenant, id }) {
      const key = id('C');
      let escaped: Parameters<Parameters<typeof storage.transaction>[1]>[0] | undefined;
      await rejects(
        storage.transaction(tenant, async (tx) => {
          escaped = tx;
          await tx.put(otherTenant, 'customers', customerInput(key));
        }),
        'VALIDATION_FAILED',
        'a write for another tenant inside a transaction',
      );
      equal(await storage.get(otherTenant, 'customers', key), null, 'nothing was written to the other tenant');
      await storage.transaction(tenant, async (tx) => {
        escaped = tx;
      });
      await rejects(escaped!.get(tenant, 'customers', key), 'VALIDATION_FAILED', 'a call on a transaction that has ended');
    },
  },
];
