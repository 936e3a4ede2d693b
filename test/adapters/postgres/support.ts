import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createCrmStorage, type CrmStorage } from 'dealer-crm/adapters';
import { createPgliteSqlDriver, createPgSqlDriver, createPostgresDriver, type PostgresSqlDriver, type PostgresStorageDriver } from 'dealer-crm/adapters/postgres';
import { defineAdapterConformanceSuite, type AdapterConformanceOptions } from 'dealer-crm/adapters/testing';

/** The PostgreSQL server of the tests, when CI (or a developer) sets DATABASE_URL. */
export const databaseUrl = process.env.DATABASE_URL;

/** A schema name of its own for every test run, so that runs never share tables. */
export function randomSchema(): string {
  return `crm_test_${randomBytes(6).toString('hex')}`;
}

/** Where a test run's tables live, and how to get rid of them. */
export interface TestDatabase {
  readonly sql: PostgresSqlDriver;
  readonly schema: string;
  /** Drops the schema and closes the connections. */
  dispose(): Promise<void>;
}

/** A test database over a SQL driver, in a fresh schema. */
function testDatabase(sql: PostgresSqlDriver): TestDatabase {
  const schema = randomSchema();
  return {
    sql,
    schema,
    async dispose() {
      await sql.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await sql.close();
    },
  };
}

/** An in-memory PGlite database. */
export async function openPglite(): Promise<TestDatabase> {
  return testDatabase(createPgliteSqlDriver(await PGlite.create(), { ownsDatabase: true }));
}

/**
 * A pool of several connections to the server at DATABASE_URL, so that
 * concurrent calls really run concurrently; with `copy`, bulk imports of new
 * records load with COPY through pg-copy-streams.
 */
export function openServer(max = 8, copy = false): TestDatabase {
  const pool = new pg.Pool({ connectionString: databaseUrl, max });
  pool.on('error', () => undefined);
  return testDatabase(createPgSqlDriver(pool, { ownsPool: true, ...(copy ? { copyFrom } : {}) }));
}

/** Whether a schema exists (to check that a run left nothing behind). */
export async function schemaExists(sql: PostgresSqlDriver, schema: string): Promise<boolean> {
  const rows = await sql.query('SELECT 1 FROM pg_namespace WHERE nspname = $1::text', [schema]);
  return rows.length === 1;
}

/**
 * The conformance kit's options for a migrated PostgreSQL driver: every test
 * gets a fresh storage over the shared tables (the kit uses fresh tenants),
 * and the inspect hook reads the rows as they are stored.
 */
export function conformanceOptions(name: string, getDriver: () => PostgresStorageDriver): Omit<AdapterConformanceOptions, 'runner'> {
  const drivers = new WeakMap<CrmStorage, PostgresStorageDriver>();
  return {
    name,
    createAdapter() {
      const driver = getDriver();
      const storage = createCrmStorage(driver);
      drivers.set(storage, driver);
      return storage;
    },
    // The tables and connections are shared by the tests of the run: closed once, after all of them.
    disposeAdapter: () => undefined,
    inspect: {
      readRecord: ({ storage, tenantId, collection, id }) => drivers.get(storage)!.peekRecord(tenantId, collection, id),
      countStreamEntries: ({ storage, tenantId, kind, streamId }) => drivers.get(storage)!.peekStreamLength(tenantId, kind, streamId),
      checkPersistedRecord({ raw, record }) {
        // A real column per indexed field, holding what the record says (instants as epoch milliseconds).
        const stored = raw as Awaited<ReturnType<PostgresStorageDriver['peekRecord']>>;
        const customer = record as Record<string, unknown>;
        if (stored === null || stored.document.id !== customer.id) throw new Error('the stored document is not the record');
        const expected = {
          dealerId: customer.dealerId,
          name: customer.name,
          householdId: customer.householdId ?? null,
          createdAt: (customer.createdAt as Date).getTime(),
          updatedAt: (customer.updatedAt as Date).getTime(),
        };
        for (const [field, value] of Object.entries(expected)) {
          if (stored.columns[field] !== value) throw new Error(`column ${field} holds ${String(stored.columns[field])}, the record ${String(value)}`);
        }
      },
    },
  };
}

/** A migrated driver over a test database, for tests that use the driver directly. */
export async function migratedDriver(database: TestDatabase): Promise<PostgresStorageDriver> {
  const driver = createPostgresDriver({ sql: database.sql, schema: database.schema });
  await driver.migrate();
  return driver;
}

/** The databases a test runs against: PGlite always, the server when DATABASE_URL is set. */
export const databaseTargets: readonly { readonly name: string; open(): Promise<TestDatabase> }[] = [
  { name: 'PGlite', open: openPglite },
  ...(databaseUrl === undefined ? [] : [{ name: 'the PostgreSQL server', open: async () => openServer(8, true) }]),
];

/**
 * Registers the whole conformance kit against one database: migrated once
 * into a schema of its own, which is dropped — and checked gone — at the end.
 */
export function defineConformanceRun(open: () => Promise<TestDatabase>, kit: Pick<AdapterConformanceOptions, 'largeScanRecords'> = {}): void {
  let database: TestDatabase;
  let driver: PostgresStorageDriver;
  beforeAll(async () => {
    database = await open();
    driver = await migratedDriver(database);
  });
  afterAll(async () => {
    const { sql, schema } = database;
    await sql.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    expect(await schemaExists(sql, schema)).toBe(false);
    await database.dispose();
  });
  defineAdapterConformanceSuite({ runner: { describe, test }, ...conformanceOptions('conformance', () => driver), ...kit });
}
