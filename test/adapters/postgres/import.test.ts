import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCrmError } from 'dealer-crm/core';
import { createCrmStorage } from 'dealer-crm/adapters';
import { createPostgresDriver, type PostgresSqlDriver, type PostgresSqlSession, type PostgresStorageDriver } from 'dealer-crm/adapters/postgres';
import { customerInput } from '../../../src/adapters/testing/fixtures.js';
import { databaseTargets, type TestDatabase } from './support.js';

/** Wraps a SQL driver to count COPYs, and optionally to do something inside the transaction just before each. */
function watched(sql: PostgresSqlDriver, beforeCopy?: (session: PostgresSqlSession, target: string) => Promise<void>) {
  const counts = { copies: 0 };
  const driver: PostgresSqlDriver = {
    name: sql.name,
    query: (text, params) => sql.query(text, params),
    transaction: (fn) =>
      sql.transaction((session) => {
        const copyFrom = session.copyFrom;
        if (copyFrom === undefined) return fn(session);
        return fn({
          query: (text, params) => session.query(text, params),
          async copyFrom(target, chunks) {
            counts.copies += 1;
            await beforeCopy?.(session, target);
            await copyFrom.call(session, target, chunks);
          },
        });
      }),
    close: async () => undefined,
  };
  return { driver, counts };
}

// Text that COPY's text format must escape, and text that looks like its markers.
const awkward = 'tab\there\nnew line\r\\back\\slash \\N \\. end';

describe.each(databaseTargets)('bulk import on $name', ({ open }) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await open();
    await createPostgresDriver({ sql: database.sql, schema: database.schema }).migrate();
  });
  afterAll(() => database.dispose());

  const storageOver = (sql: PostgresSqlDriver) => {
    const driver: PostgresStorageDriver = createPostgresDriver({ sql, schema: database.schema });
    return { driver, storage: createCrmStorage(driver) };
  };
  const records = (prefix: string, name: string) =>
    Array.from({ length: 300 }, (_, i) =>
      customerInput(`${prefix}-${String(i).padStart(3, '0')}`, { name: `${name}${i}`, tags: [awkward], metadata: { note: awkward, n: i }, ...(i % 2 === 0 ? { householdId: 'H\\1' } : {}) }),
    );

  it('loads new records with COPY and existing ones with an upsert, every character intact', async () => {
    const { driver: sql, counts } = watched(database.sql);
    const { driver, storage } = storageOver(sql);
    expect(await storage.importRecords('t', 'customers', records('A', awkward), { batchSize: 100 })).toEqual({ imported: 300 });
    expect(counts.copies).toBe(3); // three batches of new records
    expect(await storage.importRecords('t', 'customers', records('A', '改'), { batchSize: 100 })).toEqual({ imported: 300 });
    expect(counts.copies).toBe(3); // the records exist: upserts
    const first = await storage.get('t', 'customers', 'A-000');
    expect([first?.version, first?.record.name, first?.record.tags, first?.record.metadata]).toEqual([2, '改0', [awkward], { note: awkward, n: 0 }]);
    const fresh = await storage.importRecords('t', 'customers', records('B', awkward).slice(0, 10));
    expect(fresh.imported).toBe(10);
    const copied = await driver.peekRecord('t', 'customers', 'B-000');
    expect([copied?.version, copied?.columns.name, copied?.columns.householdId, copied?.document.metadata]).toEqual([1, `${awkward}0`, 'H\\1', { note: awkward, n: 0 }]);
    expect((await driver.peekRecord('t', 'customers', 'B-001'))?.columns.householdId).toBeNull();
    const page = await storage.query('t', 'customers', { where: { householdId: 'H\\1', name: { gte: awkward } }, limit: 1000 });
    expect(page.items.length).toBe(5 + 150); // B-000…B-008 even (5), and every even A record, renamed 改… (≥ awkward by code point: 改 U+6539 > t)
  });

  it('abandons a COPY whose rows cannot all be made, writes nothing of the batch, and stays usable', async () => {
    const { storage } = storageOver(database.sql);
    // An instant before 4714 BC is a valid Date that PostgreSQL cannot hold: found while the COPY is under way.
    const batch = Array.from({ length: 1200 }, (_, i) => customerInput(`X-${String(i).padStart(4, '0')}`, i === 700 ? { createdAt: new Date(-8e15), updatedAt: new Date(0) } : {}));
    const error = await storage.importRecords('abandon', 'customers', batch, { batchSize: 1200 }).catch((caught: unknown) => caught);
    expect(isCrmError(error, 'VALIDATION_FAILED')).toBe(true);
    expect(await storage.get('abandon', 'customers', 'X-0000')).toBeNull();
    expect(await storage.importRecords('abandon', 'customers', batch.slice(0, 700))).toEqual({ imported: 700 });
  });

  it('falls back to the upsert, writing every row, when a concurrent create makes the COPY fail', async () => {
    const { driver: sql, counts } = watched(database.sql, async (session, target) => {
      // Another writer's row appears between the existence check and the COPY (here inside the same transaction,
      // which the COPY's unique violation then rolls back with everything else).
      const table = target.slice(0, target.indexOf(' ('));
      await session.query(`INSERT INTO ${table} (tenant_id, id, version, document) VALUES ('race', 'R-005', 1, '{}'::jsonb)`);
    });
    const { storage } = storageOver(sql);
    const batch = Array.from({ length: 10 }, (_, i) => customerInput(`R-${String(i).padStart(3, '0')}`));
    expect(await storage.importRecords('race', 'customers', batch)).toEqual({ imported: 10 });
    expect(counts.copies).toBe(1);
    const stored = await storage.getMany('race', 'customers', batch.map((record) => record.id));
    expect(stored.map((item) => item?.version)).toEqual(Array.from({ length: 10 }, () => 1));
  });
});
