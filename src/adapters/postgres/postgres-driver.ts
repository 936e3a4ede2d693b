import { ValidationError } from '../../core/index.js';
import type { JsonObject } from '../codec.js';
import { STORAGE_CONTRACT_VERSION } from '../contract-version.js';
import type { StorageDriver, StorageDriverOperations } from '../driver.js';
import type { IndexScalar } from '../index-values.js';
import type { AnyRegistry } from '../inputs.js';
import { defaultStorageRegistry, type SchemaMap, type StorageRegistry } from '../registry.js';
import { collectionTables, tableOf } from './collection-tables.js';
import { migrateSchema, type PostgresMigrationResult } from './migrate.js';
import { checkSchemaName, defaultPostgresSchema } from './schema-name.js';
import { claimOutbox, completeOutbox, readOutboxDelivery } from './outbox-statements.js';
import { queryRecords } from './query-statement.js';
import { deleteRecord, getRecords, importRows, putRecords } from './record-statements.js';
import { autocommitScope, transactionScope, type StatementScope } from './scope.js';
import type { PostgresSqlDriver } from './sql-driver.js';
import { toCrmError } from './sql-errors.js';
import { epochMsOf, quoteIdentifier } from './sql-values.js';
import { appendToStream, readStream, streamStatements } from './stream-statements.js';

/** Options of {@link createPostgresDriver}. */
export interface PostgresDriverOptions<C extends SchemaMap = SchemaMap, S extends SchemaMap = SchemaMap> {
  /** The connection layer: {@link createPgSqlDriver} over a `pg` `Pool`, or {@link createPgliteSqlDriver} over PGlite. */
  readonly sql: PostgresSqlDriver;
  /** The PostgreSQL schema holding the tables (default {@link defaultPostgresSchema}, `dealer_crm`). */
  readonly schema?: string;
  /** The collections to keep tables for; default the built-in registry. Pass the registry you give `createCrmStorage`. */
  readonly registry?: StorageRegistry<C, S>;
}

/** A record as the PostgreSQL adapter really stores it, for tests and inspection. */
export interface PostgresRecordSnapshot {
  /** The record version. */
  readonly version: number;
  /** The stored jsonb document. */
  readonly document: JsonObject;
  /** The value of every index column (instants as epoch milliseconds; null when empty). */
  readonly columns: Readonly<Record<string, IndexScalar>>;
}

/** The PostgreSQL storage driver: a {@link StorageDriver} with its migrations and read-only views of its tables. */
export interface PostgresStorageDriver extends StorageDriver {
  /** The schema holding the tables. */
  readonly schema: string;
  /** The connection layer it runs on. */
  readonly sql: PostgresSqlDriver;
  /**
   * Creates the schema or brings it up to date: applies pending versioned
   * migrations in one transaction (serialised with other migrating
   * processes), then adds tables and columns for registry collections the
   * migrations do not cover. Idempotent; run it at start-up or in a deploy step.
   */
  migrate(): Promise<PostgresMigrationResult>;
  /** The stored row of a record, bypassing the contract (for tests), or null. */
  peekRecord(tenantId: string, collection: string, id: string): Promise<PostgresRecordSnapshot | null>;
  /** The number of entries physically stored in a stream (for tests). */
  peekStreamLength(tenantId: string, kind: string, streamId: string): Promise<number>;
}

/**
 * Creates the PostgreSQL storage driver over a SQL driver: one table per
 * collection with a real column and a b-tree per indexed field, streams
 * with a locked head row per stream, the outbox claimed with
 * `FOR UPDATE SKIP LOCKED`. The same statements run on a server (`pg`) and
 * embedded (PGlite). Wrap it with `createCrmStorage` — or use
 * {@link createPostgresStorage}, which also migrates.
 *
 * @throws `ValidationError` for a bad schema name, or a registry whose names
 * collide with the adapter's own tables and columns.
 * @example
 * ```ts
 * const driver = createPostgresDriver({ sql: createPgSqlDriver(pool), schema: 'crm' });
 * await driver.migrate();
 * const storage = createCrmStorage(driver);
 * ```
 */
export function createPostgresDriver<C extends SchemaMap = SchemaMap, S extends SchemaMap = SchemaMap>(options: PostgresDriverOptions<C, S>): PostgresStorageDriver {
  const sql = options?.sql;
  if (sql === null || typeof sql !== 'object' || typeof sql.query !== 'function' || typeof sql.transaction !== 'function') {
    throw new ValidationError([{ path: 'options.sql', message: 'expected a SQL driver (createPgSqlDriver or createPgliteSqlDriver)' }]);
  }
  const schema = checkSchemaName(options.schema ?? defaultPostgresSchema);
  const registry = (options.registry ?? defaultStorageRegistry) as unknown as AnyRegistry;
  const tables = collectionTables(schema, registry);
  const streams = streamStatements(schema);
  const top = autocommitScope(sql);

  const operations = (scope: StatementScope): StorageDriverOperations => ({
    getRecords: (tenantId, collection, ids) => scope.operation(() => getRecords(scope, tableOf(tables, collection), tenantId, ids)),
    putRecords: (tenantId, collection, writes) => scope.operation(() => putRecords(scope, tableOf(tables, collection), tenantId, writes)),
    deleteRecord: (tenantId, collection, id, expectedVersion) => scope.operation(() => deleteRecord(scope, tableOf(tables, collection), tenantId, id, expectedVersion)),
    queryRecords: (tenantId, collection, plan) => scope.operation(() => queryRecords(scope, tableOf(tables, collection), tenantId, plan)),
    appendToStream: (tenantId, kind, streamId, request) => scope.operation(() => appendToStream(scope, streams, tenantId, kind, streamId, request)),
    readStream: (tenantId, kind, streamId, fromPosition, limit) => scope.operation(() => readStream(scope, streams, tenantId, kind, streamId, fromPosition, limit)),
  });

  return {
    name: 'postgres',
    contractVersion: STORAGE_CONTRACT_VERSION,
    capabilities: Object.freeze({ transactions: true, outbox: true, customCollections: true, bulkImport: true }),
    schema,
    sql,
    ...operations(top),

    async transaction<T>(_tenantId: string, fn: (tx: StorageDriverOperations) => Promise<T>): Promise<T> {
      let thrown: { error: unknown } | undefined;
      try {
        return await sql.transaction(async (session) => {
          try {
            return await fn(operations(transactionScope(session)));
          } catch (error) {
            thrown = { error };
            throw error;
          }
        });
      } catch (error) {
        if (thrown !== undefined && error === thrown.error) throw error;
        throw toCrmError(error, 'running a transaction');
      }
    },

    importRows: (tenantId, collection, rows) => importRows(top, tableOf(tables, collection), tenantId, rows),
    claimOutbox: (tenantId, streamId, request) => claimOutbox(top, schema, tenantId, streamId, request),
    completeOutbox: (tenantId, streamId, position, attempt, outcome) => completeOutbox(top, schema, tenantId, streamId, position, attempt, outcome),
    readOutboxDelivery: (tenantId, streamId, position) => readOutboxDelivery(top, schema, tenantId, streamId, position),

    async migrate() {
      try {
        return await migrateSchema(sql, schema, registry);
      } catch (error) {
        throw toCrmError(error, `migrating schema ${schema}`);
      }
    },

    async peekRecord(tenantId, collection, id) {
      const table = tableOf(tables, collection);
      const columns = table.columns.map((column) => `${column.type === 'instant' ? epochMsOf(column.column) : column.column} AS ${column.column}`);
      const [row] = await top.query(
        `SELECT version, document::text AS document${columns.map((column) => `, ${column}`).join('')} FROM ${table.table} WHERE tenant_id = $1::text AND id = $2::text`,
        [tenantId, id],
        `reading ${collection} record ${id}`,
      );
      if (row === undefined) return null;
      return {
        version: Number(row.version),
        document: JSON.parse(String(row.document)) as JsonObject,
        columns: Object.fromEntries(table.columns.map((column) => [column.field, (row[column.field] ?? null) as IndexScalar])),
      };
    },

    async peekStreamLength(tenantId, kind, streamId) {
      const [row] = await top.query(
        `SELECT count(*)::integer AS count FROM ${quoteIdentifier(schema)}.stream_entries WHERE tenant_id = $1::text AND kind = $2::text AND stream_id = $3::text`,
        [tenantId, kind, streamId],
        `counting ${kind} stream ${streamId}`,
      );
      return Number(row!.count);
    },

    async close() {
      try {
        await sql.close();
      } catch (error) {
        throw toCrmError(error, 'closing the connections');
      }
    },
  };
}
