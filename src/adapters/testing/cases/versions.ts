import { equal, rejects } from '../assert.js';
import { customerInput } from '../fixtures.js';
import type { ConformanceCase } from '../types.js';

/** Optimistic concurrency on records. */
export const versionCases: ConformanceCase[] = [
  {
    area: 'versions',
    name: 'expectedVersion 0 creates a record and rejects a second create with VERSION_CONFLICT',
    async run({ storage, tenant, id }) {
      const key = id('C');
      const created = await storage.put(tenant, 'customers', customerInput(key, { name: '第一' }), { expectedVersion: 0 });
      equal(created.version, 1, 'a create-only write gives version 1');
      await rejects(storage.put(tenant, 'customers', customerInput(key, { name: '第二' }), { expectedVersion: 0 }), 'VERSION_CONFLICT', 'a second create-only write');
      equal((await storage.get(tenant, 'customers', key))?.record.name, '第一', 'the refused create changed nothing');
    },
  },
  {
    area: 'versions',
    name: 'a write with the current expectedVersion succeeds and a stale one is a VERSION_CONFLICT that writes nothing',
    async run({ storage, tenant, id }) {
      const key = id('C');
      await storage.put(tenant, 'customers', customerInput(key));
      const second = await storage.put(tenant, 'customers', customerInput(key, { name: '更新' }), { expectedVersion: 1 });
      equal(second.version, 2, 'a write at the current version gives the next version');
      await rejects(storage.put(tenant, 'customers', customerInput(key, { name: '过时' }), { expectedVersion: 1 }), 'VERSION_CONFLICT', 'a stale write');
      await rejects(storage.put(tenant, 'customers', customerInput(key, { name: '未来' }), { expectedVersion: 5 }), 'VERSION_CONFLICT', 'a write at a future version');
      const read = await storage.get(tenant, 'customers', key);
      equal([read?.version, read?.record.name], [2, '更新'], 'refused writes changed nothing');
    },
  },
  {
    area: 'versions',
    name: 'expectedVersion on a missing record is a VERSION_CONFLICT',
    async run({ storage, tenant, id }) {
      const key = id('C');
      const error = await rejects(storage.put(tenant, 'customers', customerInput(key), { expectedVersion: 1 }), 'VERSION_CONFLICT', 'an update of a missing record');
      equal(error.details.actualVersion, null, 'the actual version of a missing record is null');
      equal(await storage.get(tenant, 'customers', key), null, 'nothing was created');
    },
  },
  {
    area: 'versions',
    name: 'a conditional delete with a stale version is a VERSION_CONFLICT and keeps the record',
    async run({ storage, tenant, id }) {
      const key = id('C');
      await storage.put(tenant, 'customers', customerInput(key));
      await storage.put(tenant, 'customers', customerInput(key));
      await rejects(storage.delete(tenant, 'customers', key, { expectedVersion: 1 }), 'VERSION_CONFLICT', 'a stale delete');
      equal((await storage.get(tenant, 'customers', key))?.version, 2, 'the record survived the stale delete');
      await rejects(storage.delete(tenant, 'customers', id('C'), { expectedVersion: 1 }), 'VERSION_CONFLICT', 'a conditional delete of a missing record');
      equal(await storage.delete(tenant, 'customers', key, { expectedVersion: 2 }), true, 'a delete at the current version');
    },
  },
  {
    area: 'versions',
    name: 'VERSION_CONFLICT details name the collection, id, expected and actual version',
    async run({ storage, tenant, id }) {
      const key = id('C');
      await storage.put(tenant, 'customers', customerInput(key));
      await storage.put(tenant, 'customers', customerInput(key));
      await storage.put(tenant, 'customers', customerInput(key));
      const error = await rejects(storage.put(tenant, 'customers', customerInput(key), { expectedVersion: 2 }), 'VERSION_CONFLICT', 'a stale write');
      equal(error.details, { collection: 'customers', id: key, expectedVersion: 2, actualVersion: 3 }, 'the conflict details');
      const create = await rejects(storage.put(tenant, 'customers', customerInput(key), { expectedVersion: 0 }), 'VERSION_CONFLICT', 'a create of an existing record');
      equal(create.details, { collection: 'customers', id: key, expectedVersion: 0, actualVersion: 3 }, 'the create conflict details');
    },
  },
];
