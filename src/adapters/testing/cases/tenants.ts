import { check, equal } from '../assert.js';
import { customerInput } from '../fixtures.js';
import type { ConformanceCase } from '../types.js';

/** Nothing ever crosses tenants. */
export const tenantCases: ConformanceCase[] = [
  {
    area: 'tenants',
    name: 'the same id in two tenants holds two independent records',
    async run({ storage, tenant, otherTenant, id }) {
      const key = id('C');
      await storage.put(tenant, 'customers', customerInput(key, { name: '甲方' }));
      equal(await storage.get(otherTenant, 'customers', key), null, 'the other tenant does not see the record');
      const other = await storage.put(otherTenant, 'customers', customerInput(key, { name: '乙方' }), { expectedVersion: 0 });
      equal(other.version, 1, 'the other tenant creates its own record with the same id');
      await storage.put(tenant, 'customers', customerInput(key, { name: '甲方二' }));
      equal((await storage.get(tenant, 'customers', key))?.record.name, '甲方二', 'the first tenant’s record');
      const theirs = await storage.get(otherTenant, 'customers', key);
      equal([theirs?.version, theirs?.record.name], [1, '乙方'], 'the other tenant’s record is untouched');
    },
  },
  {
    area: 'tenants',
    name: 'queries and scans of one tenant never return another tenant’s records',
    async run({ storage, tenant, otherTenant, id }) {
      const mine = [id('C'), id('C')];
      const theirs = [id('C'), id('C'), id('C')];
      await storage.putMany(tenant, 'customers', mine.map((key) => ({ record: customerInput(key, { dealerId: 'D-X' }) })));
      await storage.putMany(otherTenant, 'customers', theirs.map((key) => ({ record: customerInput(key, { dealerId: 'D-X' }) })));
      const page = await storage.query(tenant, 'customers', { where: { dealerId: 'D-X' }, limit: 1000 });
      equal(page.items.map((item) => item.record.id).sort(), [...mine].sort(), 'a query sees only its tenant');
      const byId = await storage.query(tenant, 'customers', { where: { id: { in: theirs } } });
      equal(page.items.length + byId.items.length, 2, 'asking for the other tenant’s ids finds nothing');
      const scanned: string[] = [];
      for await (const item of storage.scan(otherTenant, 'customers', { pageSize: 1 })) scanned.push(item.record.id);
      equal(scanned.sort(), [...theirs].sort(), 'a scan sees only its tenant');
      equal(await storage.getMany(tenant, 'customers', theirs), [null, null, null], 'getMany sees only its tenant');
    },
  },
  {
    area: 'tenants',
    name: 'deletes and conditional writes in one tenant never touch another tenant’s record',
    async run({ storage, tenant, otherTenant, id }) {
      const key = id('C');
      await storage.put(otherTenant, 'customers', customerInput(key));
      equal(await storage.delete(tenant, 'customers', key), false, 'a delete in a tenant without the record finds nothing');
      await storage.put(tenant, 'customers', customerInput(key), { expectedVersion: 0 });
      await storage.delete(tenant, 'customers', key, { expectedVersion: 1 });
      equal((await storage.get(otherTenant, 'customers', key))?.version, 1, 'the other tenant’s record is still there at version 1');
    },
  },
  {
    area: 'tenants',
    name: 'streams and idempotency keys of one tenant are invisible to another',
    async run({ storage, tenant, otherTenant, id }) {
      const member = id('M');
      await storage.append(tenant, 'loyalty_ledger', member, [{ type: 'earn', points: 100 }], { idempotencyKey: 'K' });
      equal(await storage.streamVersion(otherTenant, 'loyalty_ledger', member), 0, 'the other tenant’s stream of the same id is empty');
      const theirs = await storage.append(otherTenant, 'loyalty_ledger', member, [{ type: 'earn', points: 5 }], { idempotencyKey: 'K', expectedVersion: 0 });
      equal([theirs.replayed, theirs.version], [false, 1], 'the same key in another tenant appends');
      const read = await storage.readStream(tenant, 'loyalty_ledger', member);
      equal(
        read.entries.map((entry) => entry.payload.points),
        [100],
        'the first tenant’s stream holds only its own entry',
      );
    },
  },
  {
    area: 'tenants',
    name: 'outbox claims of one tenant never claim another tenant’s entries',
    requires: 'outbox',
    async run({ storage, tenant, otherTenant }) {
      const event = { type: 'customer.created', occurredAt: '2024-05-01T09:00:00+08:00' };
      await storage.append(otherTenant, 'outbox', 'webhooks', [event, event]);
      const now = new Date('2024-05-01T10:00:00Z');
      equal(await storage.claimOutbox(tenant, { streamId: 'webhooks', limit: 10, leaseMs: 60_000, now }), [], 'nothing to claim in a tenant without entries');
      const theirs = await storage.claimOutbox(otherTenant, { streamId: 'webhooks', limit: 10, leaseMs: 60_000, now });
      equal(theirs.length, 2, 'the owning tenant claims its entries');
      check(await storage.completeOutbox(tenant, { streamId: 'webhooks', position: 1, attempt: 1, outcome: { status: 'delivered', at: now } }).then((applied) => !applied), 'a tenant cannot complete another tenant’s claim');
      equal((await storage.readOutboxDelivery(otherTenant, 'webhooks', 1))?.status, 'claimed', 'the other tenant’s entry is still claimed');
    },
  },
];
