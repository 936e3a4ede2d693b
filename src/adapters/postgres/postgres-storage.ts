import { ValidationError } from '../../core/index.js';
import type { DefaultCollectionSchemas } from '../collections.js';
import { createCrmStorage } from '../create-storage.js';
import type { SchemaMap, StorageRegistry } from '../registry.js';
import type { CrmStorage } from '../storage.js';
import type { DefaultStreamSchemas } from '../stream-kinds.js';
import { createPgSqlDriver, type PgPoolLike } from './pg-sql-driver.js';
import { createPgliteSqlDriver, type PgliteLike } from './pglite-sql-driver.js';
import { createPostgresDriver } from './postgres-driver.js';
import type { PostgresSqlDriver } from './sql-driver.js';

/** Options of {@link createPostgresStorage}: exactly one of `pool`, `pglite` or `sql`. */
export interface PostgresStorageOptions<C extends SchemaMap = DefaultCollectionSchemas, S extends SchemaMap = DefaultStreamSchemas> {
  /** A `pg` `Pool` you created; `storage.close()` leaves it open. */
  readonly pool?: PgPoolLike;
  /** A PGlite database you created; `storage.close()` leaves it open. */
  readonly pglite?: PgliteLike;
  /** A SQL driver ({@link connectPgSqlDriver}, {@link openPgliteSqlDriver}, or your own); `storage.close()` closes it. */
  readonly sql?: PostgresSqlDriver;
  /** The PostgreSQL schema holding the tables (default `dealer_crm`). */
  readonly schema?: string;
  /** The collections and stream kinds to serve; default the built-in registry. */
  readonly registry?: StorageRegistry<C, S>;
  /** Whether to run `migrate()` before returning (default true). Pass false when migrations run in a deploy step. */
  readonly migrate?: boolean;
}

/**
 * Creates a storage on PostgreSQL — a server through a `pg` `Pool`, or
 * PGlite in process — and migrates its schema first (unless `migrate:
 * false`). Every rule of the storage contract holds, concurrency included:
 * conditional writes and appends are atomic under row locks, transactions
 * are real SQL transactions, the outbox is claimed with
 * `FOR UPDATE SKIP LOCKED`.
 *
 * @throws `ValidationError` unless exactly one of `pool`, `pglite`, `sql` is given, or for a bad schema name.
 * @throws `CrmError` `UNAVAILABLE` when the database cannot be reached while migrating.
 * @example
 * ```ts
 * import { PGlite } from '@electric-sql/pglite';
 * const storage = await createPostgresStorage({ pglite: await PGlite.create() });
 * await storage.put('group-1', 'vehicles', vehicle);
 * ```
 */
export async function createPostgresStorage<C extends SchemaMap = DefaultCollectionSchemas, S extends SchemaMap = DefaultStreamSchemas>(
  options: PostgresStorageOptions<C, S>,
): Promise<CrmStorage<C, S>> {
  const given = (['pool', 'pglite', 'sql'] as const).filter((key) => options?.[key] !== undefined);
  if (given.length !== 1) {
    throw new ValidationError([{ path: 'options', message: `expected exactly one of pool, pglite or sql, got ${given.length === 0 ? 'none' : given.join(' and ')}` }]);
  }
  const sql = options.sql ?? (options.pool !== undefined ? createPgSqlDriver(options.pool) : createPgliteSqlDriver(options.pglite!));
  const driver = createPostgresDriver({
    sql,
    ...(options.schema === undefined ? {} : { schema: options.schema }),
    ...(options.registry === undefined ? {} : { registry: options.registry }),
  });
  if (options.migrate !== false) await driver.migrate();
  return createCrmStorage(driver, options.registry === undefined ? {} : { registry: options.registry });
}
