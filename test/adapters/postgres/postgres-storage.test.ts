import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCrmError } from 'dealer-crm/core';
import { createCrmStorage } from 'dealer-crm/adapters';
import {
  connectPgSqlDriver,
  createPgliteSqlDriver,
  createPostgresDriver,
  createPostgresStorage,
  defaultPostgresSchema,
  openPgliteSqlDriver,
} from 'dealer-crm/adapters/postgres';
import { customerInput } from '../../../src/adapters/testing/fixtures.js';
import { databaseUrl, randomSchema } from './support.js';

const refusal = async (run: () => unknown) => {
  try {
    await run();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('createPostgresStorage on PGlite', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create();
  });
  afterAll(() => db.close());

  it('migrates, offers every capability, and leaves the caller’s database open when closed', async () => {
    const schema = randomSchema();
    const storage = await createPostgresStorage({ pglite: db, schema });
    expect([storage.name, storage.contractVersion, storage.capabilities]).toEqual(['postgres', 1, { transactions: true, outbox: true, customCollections: true, bulkImport: true }]);
    expect((await storage.put('t', 'customers', customerInput('C-1'))).version).toBe(1);
    await storage.close();
    expect((await db.query(`SELECT count(*)::integer AS n FROM ${schema}.customers`)).rows).toEqual([{ n: 1 }]);
  });

  it('uses the dealer_crm schema when none is named, and runs no migration with migrate: false', async () => {
    const unmigrated = await createPostgresStorage({ pglite: db, schema: randomSchema(), migrate: false });
    expect(isCrmError(await refusal(() => unmigrated.get('t', 'customers', 'C-1')), 'UNAVAILABLE')).toBe(true);
    const storage = await createPostgresStorage({ pglite: db });
    await storage.put('t', 'vehicles', { id: 'V-1', vin: 'LSVAU21850N218329', make: '上汽大众', model: '帕萨特', modelYear: 2022 });
    expect((await db.query(`SELECT id FROM ${defaultPostgresSchema}.vehicles`)).rows).toEqual([{ id: 'V-1' }]);
  });

  it('imports through multi-row upserts: every batch whole, a re-import raising each version by one', async () => {
    const storage = await createPostgresStorage({ pglite: db, schema: randomSchema() });
    const records = (name: string) => Array.from({ length: 12_000 }, (_, i) => customerInput(`I-${String(i).padStart(5, '0')}`, { name: `${name}${i}` }));
    expect(await storage.importRecords('t', 'customers', records('甲'), { batchSize: 5000 })).toEqual({ imported: 12_000 });
    expect(await storage.importRecords('t', 'customers', records('乙').slice(0, 3000), { batchSize: 5000 })).toEqual({ imported: 3000 });
    const [first, last] = await storage.getMany('t', 'customers', ['I-00000', 'I-11999']);
    expect([first?.version, first?.record.name, last?.version, last?.record.name]).toEqual([2, '乙0', 1, '甲11999']);
    let count = 0;
    for await (const _ of storage.scan('t', 'customers', { pageSize: 1000 })) count += 1;
    expect(count).toBe(12_000);
  });

  it('refuses options that do not name exactly one connection, or a bad schema name', async () => {
    for (const options of [{}, { pglite: db, sql: createPgliteSqlDriver(db) }]) {
      const error = await refusal(() => createPostgresStorage(options));
      expect(isCrmError(error, 'VALIDATION_FAILED') && error.message, JSON.stringify(Object.keys(options))).toMatch(/exactly one of pool, pglite or sql/);
    }
    const error = await refusal(() => createPostgresStorage({ pglite: db, schema: 'Bad-Name' }));
    expect(isCrmError(error, 'VALIDATION_FAILED') && (error as unknown as { issues: { path: string }[] }).issues[0]?.path).toBe('options.schema');
  });
});

describe('openPgliteSqlDriver', () => {
  it('imports PGlite when called, and the storage owns the database it opened', async () => {
    const sql = await openPgliteSqlDriver();
    const storage = await createPostgresStorage({ sql, schema: 'owned' });
    await storage.append('t', 'audit_log', 'main', [{ action: 'opened', at: new Date(0) }]);
    expect(await storage.streamVersion('t', 'audit_log', 'main')).toBe(1);
    await storage.close();
    expect(isCrmError(await refusal(() => storage.streamVersion('t', 'audit_log', 'main')), 'UNAVAILABLE')).toBe(true);
  });
});

describe.skipIf(databaseUrl === undefined)('createPostgresStorage on the PostgreSQL server', () => {
  it('works over the caller’s pool and leaves it open when closed', async () => {
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    const schema = randomSchema();
    try {
      const storage = await createPostgresStorage({ pool, schema });
      await storage.put('t', 'customers', customerInput('C-1'));
      await storage.close();
      expect((await pool.query(`SELECT count(*)::integer AS n FROM ${schema}.customers`)).rows).toEqual([{ n: 1 }]);
    } finally {
      await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await pool.end();
    }
  });

  it('connectPgSqlDriver imports pg when called and closes the pool it made', async () => {
    const sql = await connectPgSqlDriver({ connectionString: databaseUrl!, max: 2 });
    const schema = randomSchema();
    const driver = createPostgresDriver({ sql, schema });
    try {
      await driver.migrate();
      const storage = createCrmStorage(driver);
      expect((await storage.put('t', 'customers', customerInput('C-1'))).version).toBe(1);
    } finally {
      await sql.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await sql.close();
    }
    expect(isCrmError(await refusal(() => createCrmStorage(driver).get('t', 'customers', 'C-1')), 'UNAVAILABLE')).toBe(true);
  });
});

describe('the adapter’s sources', () => {
  it('never import pg, PGlite or pg-copy-streams at load time, so that users without them can load the adapter', () => {
    const folder = fileURLToPath(new URL('../../../src/adapters/postgres/', import.meta.url));
    for (const file of readdirSync(folder).filter((name) => name.endsWith('.ts'))) {
      // Code only: TSDoc examples may show how a user imports these packages.
      const text = readFileSync(folder + file, 'utf8')
        .split('\n')
        .filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line))
        .join('\n');
      expect(text, file).not.toMatch(/^import\s+(?!type\b)[^;]*from\s+'(pg|@electric-sql\/pglite|pg-copy-streams)'/m);
      // pg-copy-streams is a devDependency: the adapter may only receive it from the user.
      expect(text, file).not.toMatch(/require\(|['"]pg-copy-streams['"]/);
    }
  });
});
