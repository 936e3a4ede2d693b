import { check, equal, rejects } from '../assert.js';
import { customerInput } from '../fixtures.js';
import type { ConformanceCase } from '../types.js';

/** Create, read, replace and delete. */
export const recordCases: ConformanceCase[] = [
  {
    area: 'records',
    name: 'get returns null for a record that does not exist',
    async run({ storage, tenant, id }) {
      const found = await storage.get(tenant, 'customers', id('C'));
      check(found === null, `expected null, got ${found === undefined ? 'undefined' : JSON.stringify(found)}`);
    },
  },
  {
    area: 'records',
    name: 'put creates a record at version 1 and get returns it',
    async run({ storage, tenant, id }) {
      const key = id('C');
      const written = await storage.put(tenant, 'customers', customerInput(key, { name: '李雷' }));
      equal(written.version, 1, 'a new record starts at version 1');
      equal(written.record.name, '李雷', 'put returns the record');
      const read = await storage.get(tenant, 'customers', key);
      check(read !== null, 'get finds the record just written');
      equal(read.version, 1, 'get returns the version');
      equal(read.record, written.record, 'get returns what put returned');
    },
  },
  {
    area: 'records',
    name: 'put without expectedVersion replaces a record and increments its version',
    async run({ storage, tenant, id }) {
      const key = id('C');
      await storage.put(tenant, 'customers', customerInput(key, { lifecycleStage: 'prospect' }));
      const second = await storage.put(tenant, 'customers', customerInput(key, { lifecycleStage: 'customer', tags: ['vip'] }));
      const third = await storage.put(tenant, 'customers', customerInput(key, { lifecycleStage: 'loyal' }));
      equal([second.version, third.version], [2, 3], 'each write adds one to the version');
      const read = await storage.get(tenant, 'customers', key);
      equal(read?.record.lifecycleStage, 'loyal', 'the last write wins');
      equal(read?.record.tags, [], 'a replaced record keeps nothing of the previous one');
    },
  },
  {
    area: 'records',
    name: 'getMany returns records in the order asked, with null for missing ids and repeats for duplicates',
    async run({ storage, tenant, id }) {
      const [a, b, missing] = [id('C'), id('C'), id('C')];
      await storage.putMany(tenant, 'customers', [{ record: customerInput(a, { name: '甲' }) }, { record: customerInput(b, { name: '乙' }) }]);
      const found = await storage.getMany(tenant, 'customers', [b, missing, a, b]);
      equal(
        found.map((item) => (item === null ? null : item.record.name)),
        ['乙', null, '甲', '乙'],
        'getMany keeps the order of the ids',
      );
      check(found[1] === null, 'a missing id gives null, never undefined');
    },
  },
  {
    area: 'records',
    name: 'delete removes a record and returns true; get then returns null',
    async run({ storage, tenant, id }) {
      const key = id('C');
      await storage.put(tenant, 'customers', customerInput(key));
      equal(await storage.delete(tenant, 'customers', key), true, 'delete of an existing record returns true');
      equal(await storage.get(tenant, 'customers', key), null, 'a deleted record is gone');
      equal(await storage.delete(tenant, 'customers', key), false, 'deleting it again returns false');
    },
  },
  {
    area: 'records',
    name: 'delete of a missing record returns false and touches nothing',
    async run({ storage, tenant, id }) {
      const keys = [id('C'), id('C'), id('C')];
      await storage.putMany(tenant, 'customers', keys.map((key) => ({ record: customerInput(key) })));
      equal(await storage.delete(tenant, 'customers', id('C')), false, 'deleting an unknown id returns false');
      const left = await storage.getMany(tenant, 'customers', keys);
      equal(
        left.map((item) => item?.version ?? null),
        [1, 1, 1],
        'every other record is still there, unchanged',
      );
      const page = await storage.query(tenant, 'customers', { limit: 10 });
      equal(page.items.length, 3, 'the collection still holds its three records');
    },
  },
  {
    area: 'records',
    name: 'putMany writes every record or none',
    async run({ storage, tenant, id }) {
      const existing = id('C');
      await storage.put(tenant, 'customers', customerInput(existing));
      const fresh = [id('C'), id('C')];
      await rejects(
        storage.putMany(tenant, 'customers', [
          { record: customerInput(fresh[0]!) },
          { record: customerInput(existing, { name: '新' }), expectedVersion: 0 },
          { record: customerInput(fresh[1]!) },
        ]),
        'VERSION_CONFLICT',
        'a batch with one failed condition is refused',
      );
      equal(await storage.getMany(tenant, 'customers', fresh), [null, null], 'none of the batch was written');
      equal((await storage.get(tenant, 'customers', existing))?.record.name, '王芳', 'the conflicting record is unchanged');
      const written = await storage.putMany(tenant, 'customers', [{ record: customerInput(fresh[0]!) }, { record: customerInput(existing), expectedVersion: 1 }]);
      equal(
        written.map((item) => item.version),
        [1, 2],
        'a batch whose conditions hold writes every record',
      );
    },
  },
  {
    area: 'records',
    name: 'a record returned by get can be changed by the caller without changing what is stored',
    async run({ storage, tenant, id }) {
      const key = id('C');
      const written = await storage.put(tenant, 'customers', customerInput(key, { tags: ['a'] }));
      written.record.tags.push('from-put');
      const read = await storage.get(tenant, 'customers', key);
      read!.record.tags.push('from-get');
      read!.record.createdAt.setTime(0);
      const again = await storage.get(tenant, 'customers', key);
      equal(again?.record.tags, ['a'], 'changing returned arrays does not change the stored record');
      equal(again?.record.createdAt, new Date('2023-04-01T02:00:00.000Z'), 'changing a returned Date does not change the stored record');
    },
  },
  {
    area: 'records',
    name: 'a deleted record can be created again and starts at version 1',
    async run({ storage, tenant, id }) {
      const key = id('C');
      await storage.put(tenant, 'customers', customerInput(key));
      await storage.put(tenant, 'customers', customerInput(key));
      await storage.delete(tenant, 'customers', key);
      const again = await storage.put(tenant, 'customers', customerInput(key), { expectedVersion: 0 });
      equal(again.version, 1, 'a record created after a delete starts over at version 1');
    },
  },
];
