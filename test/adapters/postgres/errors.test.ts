import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { CrmError, isCrmError } from 'dealer-crm/core';
import { createCrmStorage } from 'dealer-crm/adapters';
import { connectPgSqlDriver, createPgSqlDriver, createPostgresDriver } from 'dealer-crm/adapters/postgres';
import { customerInput } from '../../../src/adapters/testing/fixtures.js';
import { toCrmError } from '../../../src/adapters/postgres/sql-errors.js';
import { databaseUrl, migratedDriver, openPglite, openServer, randomSchema, type TestDatabase } from './support.js';

const failure = (code: string | undefined, message = 'failed') => Object.assign(new Error(message), code === undefined ? {} : { code });

describe('database failures as CrmErrors', () => {
  it('map lost connections, timeouts, deadlocks and a missing schema to codes a caller can act on', () => {
    const cases: [Error, string][] = [
      [failure('08006'), 'UNAVAILABLE'], // connection_failure
      [failure('57P01'), 'UNAVAILABLE'], // admin_shutdown
      [failure('53300'), 'UNAVAILABLE'], // too_many_connections
      [failure('ECONNREFUSED'), 'UNAVAILABLE'],
      [failure(undefined, 'Connection terminated unexpectedly'), 'UNAVAILABLE'],
      [failure('57014'), 'TIMEOUT'], // query_canceled (statement_timeout)
      [failure('55P03'), 'TIMEOUT'], // lock_not_available (lock_timeout)
      [failure('40P01'), 'VERSION_CONFLICT'], // deadlock_detected
      [failure('40001'), 'VERSION_CONFLICT'], // serialization_failure
      [failure('42P01'), 'UNAVAILABLE'], // undefined_table: not migrated
    ];
    for (const [error, code] of cases) {
      const mapped = toCrmError(error, 'testing');
      expect(isCrmError(mapped) && [mapped.code, mapped.cause], `${String((error as { code?: string }).code)} ${error.message}`).toEqual([code, error]);
    }
  });

  it('leave everything else for the storage core to report as INTERNAL, and CrmErrors as they are', () => {
    const unique = failure('23505');
    expect(toCrmError(unique, 'testing')).toBe(unique);
    const plain = new Error('a bug');
    expect(toCrmError(plain, 'testing')).toBe(plain);
    const crm = new CrmError('VERSION_CONFLICT', 'stale');
    expect(toCrmError(crm, 'testing')).toBe(crm);
  });

  it('report a server that cannot be reached as UNAVAILABLE', async () => {
    const sql = await connectPgSqlDriver({ connectionString: 'postgres://postgres@127.0.0.1:1/nothing', connectionTimeoutMs: 2000, max: 1 });
    const storage = createCrmStorage(createPostgresDriver({ sql }));
    const error = await storage.get('t', 'customers', 'C-1').catch((caught: unknown) => caught);
    expect(isCrmError(error, 'UNAVAILABLE')).toBe(true);
    await storage.close();
  });
});

describe('failures on PGlite', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openPglite();
  });
  afterAll(() => database.dispose());

  it('a schema that was never migrated is UNAVAILABLE, saying to run migrate()', async () => {
    const storage = createCrmStorage(createPostgresDriver({ sql: database.sql, schema: randomSchema() }));
    const error = await storage.get('t', 'customers', 'C-1').catch((caught: unknown) => caught);
    expect(isCrmError(error, 'UNAVAILABLE') && error.message).toMatch(/migrate\(\)/);
  });

  it('an instant PostgreSQL cannot hold is a ValidationError, and nothing is sent', async () => {
    const storage = createCrmStorage(await migratedDriver(database));
    const error = await storage.query('t', 'customers', { where: { createdAt: { lt: new Date(-8.64e15) } } }).catch((caught: unknown) => caught);
    expect(isCrmError(error, 'VALIDATION_FAILED')).toBe(true);
  });

  it('a closed database is UNAVAILABLE', async () => {
    const closing = await openPglite();
    const driver = await migratedDriver(closing);
    await closing.sql.close();
    const error = await createCrmStorage(driver).get('t', 'customers', 'C-1').catch((caught: unknown) => caught);
    expect(isCrmError(error, 'UNAVAILABLE')).toBe(true);
  });
});

describe.skipIf(databaseUrl === undefined)('failures on the PostgreSQL server', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = openServer(4);
  });
  afterAll(() => database.dispose());

  it('a write that cannot get its row lock within lock_timeout is a TIMEOUT, and writes nothing', async () => {
    const storage = createCrmStorage(await migratedDriver(database));
    await storage.put('t', 'customers', customerInput('T-1'));
    const impatientPool = new pg.Pool({ connectionString: databaseUrl, max: 1, options: '-c lock_timeout=100' });
    const impatient = createCrmStorage(createPostgresDriver({ sql: createPgSqlDriver(impatientPool, { ownsPool: true }), schema: database.schema }));
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const holder = storage.transaction('t', async (tx) => {
      await tx.put('t', 'customers', customerInput('T-1', { name: '锁' }));
      locked();
      await held;
    });
    await isLocked;
    const error = await impatient.put('t', 'customers', customerInput('T-1', { name: '等' }), { expectedVersion: 1 }).catch((caught: unknown) => caught);
    release();
    await holder;
    await impatient.close();
    expect(isCrmError(error, 'TIMEOUT') && error.details).toMatchObject({ sqlState: '55P03' });
    expect((await storage.get('t', 'customers', 'T-1'))?.record.name).toBe('锁');
  });
});
