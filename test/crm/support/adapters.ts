import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll } from 'vitest';
import pg from 'pg';
import { createCrmStorage } from 'dealer-crm/adapters';
import { createMemoryDriver } from 'dealer-crm/adapters/memory';
import { createCrmHttpDriver, createCrmHttpHandler, toNodeRequestListener } from 'dealer-crm/adapters/http';
import { createPgliteSqlDriver, createPgSqlDriver, createPostgresDriver, type PostgresSqlDriver } from 'dealer-crm/adapters/postgres';
import { crmStorageRegistry, type CrmFacadeStorage } from 'dealer-crm/crm';
import { instrumentDriver, type InstrumentedDriver } from './instrumented-driver.js';

/** The PostgreSQL server of the tests, when DATABASE_URL is set (CI, or `DATABASE_URL=postgres://postgres@127.0.0.1:5432/test`). */
export const databaseUrl = process.env.DATABASE_URL;

/** An opened adapter: a storage factory (several clients over one database), its raw SQL (when it has one) and a disposer. */
export interface OpenedAdapter {
  /** A new client: its own facade storage over the shared database. */
  client(): CrmFacadeStorage;
  /** An instrumented client (dumps and failure injection). */
  instrumented(): { storage: CrmFacadeStorage; driver: InstrumentedDriver };
  /** Raw SQL on the database, for inspecting what is really stored (PostgreSQL only). */
  readonly sql: PostgresSqlDriver | null;
  /** The PostgreSQL schema holding the tables (PostgreSQL only). */
  readonly schema: string | null;
  /** The stored document of a record exactly as the driver keeps it (the conformance kit's `inspect` hook), as JSON text; null when absent. */
  peek(tenantId: string, collection: string, id: string): Promise<string | null>;
  /** Everything the adapter stores, as text: every table row (PostgreSQL) or every record and stream entry of the tenants touched through `instrumented()` (memory). */
  rawText(tenantId: string): Promise<string>;
  dispose(): Promise<void>;
}

/** An adapter the facade's concurrency and crash-safety tests run on. */
export interface AdapterTarget {
  readonly name: string;
  /** What stores the data in the end: the memory driver, PostgreSQL (raw SQL available), or memory behind the HTTP adapter. */
  readonly kind: 'memory' | 'sql' | 'http';
  open(): Promise<OpenedAdapter>;
}

function over(makeDriver: () => ReturnType<typeof createMemoryDriver> | ReturnType<typeof createPostgresDriver>) {
  const instrumented: InstrumentedDriver[] = [];
  return {
    client: () => createCrmStorage(makeDriver(), { registry: crmStorageRegistry }),
    instrumented: () => {
      const driver = instrumentDriver(makeDriver());
      instrumented.push(driver);
      return { storage: createCrmStorage(driver, { registry: crmStorageRegistry }), driver };
    },
    async peek(tenantId: string, collection: string, id: string) {
      const row = await makeDriver().peekRecord(tenantId, collection, id);
      if (row === null) return null;
      return typeof row.document === 'string' ? row.document : JSON.stringify(row.document);
    },
    async rawText(tenantId: string) {
      return (await Promise.all(instrumented.map((driver) => driver.rawText(tenantId)))).join('\n');
    },
  };
}

async function openPostgres(sql: PostgresSqlDriver, close: () => Promise<void>): Promise<OpenedAdapter> {
  const schema = `crm_facade_${randomBytes(5).toString('hex')}`;
  const driver = createPostgresDriver({ sql, schema, registry: crmStorageRegistry });
  await driver.migrate();
  return {
    ...over(() => driver),
    rawText: () => rawSchemaText(sql, schema),
    sql,
    schema,
    async dispose() {
      await sql.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await close();
    },
  };
}

/**
 * The adapters: memory always; PGlite always; the HTTP adapter (its client
 * against its handler on a loopback port, serving memory) always; the
 * PostgreSQL server when DATABASE_URL is set (a pool of eight connections,
 * so that concurrent transactions really run concurrently).
 */
export const adapterTargets: readonly AdapterTarget[] = [
  {
    name: 'memory',
    kind: 'memory',
    async open() {
      const driver = createMemoryDriver();
      return { ...over(() => driver), sql: null, schema: null, dispose: async () => undefined };
    },
  },
  {
    name: 'PGlite',
    kind: 'sql',
    async open() {
      const db = await PGlite.create();
      const sql = createPgliteSqlDriver(db, { ownsDatabase: true });
      return openPostgres(sql, () => sql.close());
    },
  },
  {
    name: 'HTTP (a loopback server over memory)',
    kind: 'http',
    async open() {
      const served = createMemoryDriver();
      const handler = createCrmHttpHandler(createCrmStorage(served, { registry: crmStorageRegistry }), { authorize: () => true, transactions: { idleTimeoutMs: 30_000, maxOpen: 256 } });
      const server = createServer(toNodeRequestListener(handler));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      const client = () => createCrmHttpDriver({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 30_000, capabilities: { transactions: true, outbox: true, customCollections: true, bulkImport: false } });
      const instrumented: InstrumentedDriver[] = [];
      return {
        client: () => createCrmStorage(client(), { registry: crmStorageRegistry }),
        instrumented: () => {
          const driver = instrumentDriver(client());
          instrumented.push(driver);
          return { storage: createCrmStorage(driver, { registry: crmStorageRegistry }), driver };
        },
        async peek(tenantId, collection, id) {
          return served.peekRecord(tenantId, collection, id)?.document ?? null;
        },
        rawText: async (tenantId) => (await Promise.all(instrumented.map((driver) => driver.rawText(tenantId)))).join('\n'),
        sql: null,
        schema: null,
        async dispose() {
          await handler.close();
          server.closeAllConnections();
          await new Promise<void>((resolve) => server.close(() => resolve()));
        },
      };
    },
  },
  ...(databaseUrl === undefined
    ? []
    : [
        {
          name: 'the PostgreSQL server',
          kind: 'sql' as const,
          async open() {
            const pool = new pg.Pool({ connectionString: databaseUrl, max: 8 });
            pool.on('error', () => undefined);
            const sql = createPgSqlDriver(pool, { ownsPool: true });
            return openPostgres(sql, () => sql.close());
          },
        },
      ]),
];

/** Every row of every table of a PostgreSQL schema, as JSON text: what is really stored. */
export async function rawSchemaText(sql: PostgresSqlDriver, schema: string): Promise<string> {
  const tables = await sql.query('SELECT table_name FROM information_schema.tables WHERE table_schema = $1::text', [schema]);
  const parts: string[] = [];
  for (const { table_name: table } of tables as { table_name: string }[]) {
    const rows = await sql.query(`SELECT row_to_json(t)::text AS row FROM "${schema}"."${table}" t`, []);
    for (const row of rows as { row: string }[]) parts.push(row.row);
  }
  return parts.join('\n');
}

/** Opens an adapter before the tests of a `describe` and disposes of it after them; returns its getter. */
export function useAdapter(target: AdapterTarget): () => OpenedAdapter {
  let adapter: OpenedAdapter | undefined;
  beforeAll(async () => {
    adapter = await target.open();
  }, 60_000);
  afterAll(async () => {
    await adapter?.dispose();
  });
  return () => adapter!;
}
