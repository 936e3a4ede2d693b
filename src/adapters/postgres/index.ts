/**
 * The PostgreSQL storage adapter: one implementation of the storage
 * contract over a tiny SQL driver interface, with two drivers — `pg` (a
 * `Pool`) for a PostgreSQL server and PGlite for an embedded, in-process
 * PostgreSQL — so the same SQL runs embedded and in production. Versioned
 * migrations, a real column per indexed field, every key leading with the
 * tenant id (ready to distribute by tenant on Citus). `pg` and
 * `@electric-sql/pglite` are optional peer dependencies: pass the `Pool` or
 * `PGlite` you created, or let the `connect…`/`open…` helpers import them.
 *
 * @packageDocumentation
 */
export { createPostgresStorage, type PostgresStorageOptions } from './postgres-storage.js';
export { checkSchemaName, defaultPostgresSchema } from './schema-name.js';
export {
  createPostgresDriver,
  type PostgresDriverOptions,
  type PostgresRecordSnapshot,
  type PostgresStorageDriver,
} from './postgres-driver.js';
export type { PostgresSqlDriver, PostgresSqlRow, PostgresSqlSession } from './sql-driver.js';
export {
  connectPgSqlDriver,
  createPgSqlDriver,
  type ConnectPgOptions,
  type PgCopyStreamLike,
  type PgPoolClientLike,
  type PgPoolLike,
  type PgQueryResultLike,
  type PgSqlDriverOptions,
} from './pg-sql-driver.js';
export {
  createPgliteSqlDriver,
  openPgliteSqlDriver,
  type OpenPgliteOptions,
  type PgliteLike,
  type PgliteResultLike,
  type PgliteSqlDriverOptions,
  type PgliteTransactionLike,
} from './pglite-sql-driver.js';
export { postgresMigrations, type PostgresMigration } from './migrations.js';
export { renderPostgresMigrations, type PostgresMigrationResult, type RenderedPostgresMigration } from './migrate.js';
