import { CrmError, ValidationError } from '../../core/index.js';
import { createKeyedLock } from '../keyed-lock.js';
import type { PostgresSqlDriver, PostgresSqlRow } from './sql-driver.js';
import { trackSession } from './tracked-session.js';

/*
 * The PGlite implementation of the SQL driver: PostgreSQL compiled to
 * WebAssembly, in process. Typed against the few members of PGlite it uses,
 * so that the adapter compiles and loads without the package.
 */

/** What PGlite returns for a statement: the member the adapter reads. */
export interface PgliteResultLike {
  /** The rows. */
  readonly rows: readonly unknown[];
}

/** A PGlite transaction (`Transaction`): the member the adapter uses. */
export interface PgliteTransactionLike {
  /** Runs one statement inside the transaction; `options.blob` is what `COPY … FROM '/dev/blob'` reads. */
  query(query: string, params?: unknown[], options?: { blob?: Blob }): Promise<PgliteResultLike>;
}

/** A PGlite database (`PGlite`): the members the adapter uses. Pass the instance you created. */
export interface PgliteLike {
  /** Runs one statement. */
  query(query: string, params?: unknown[]): Promise<PgliteResultLike>;
  /** Runs `callback` between BEGIN and COMMIT (ROLLBACK when it throws). */
  transaction<T>(callback: (tx: PgliteTransactionLike) => Promise<T>): Promise<T>;
  /** Shuts the database down. */
  close(): Promise<void>;
}

/** Options of {@link createPgliteSqlDriver}. */
export interface PgliteSqlDriverOptions {
  /** Whether `close()` closes the database (default false: it belongs to the caller). */
  readonly ownsDatabase?: boolean;
}

/**
 * The SQL driver over an embedded PGlite database. PGlite has a single
 * connection, so the driver serialises its use: a statement or a whole
 * transaction runs alone, and every other call waits for it. Transactions
 * are therefore trivially serial; the same SQL as on a server keeps every
 * rule of the contract. Bulk imports of new records load with COPY (PGlite
 * reads the rows from a Blob: nothing else to install).
 *
 * @example
 * ```ts
 * import { PGlite } from '@electric-sql/pglite';
 * const sql = createPgliteSqlDriver(await PGlite.create());
 * ```
 */
export function createPgliteSqlDriver(db: PgliteLike, options: PgliteSqlDriverOptions = {}): PostgresSqlDriver {
  if (db === null || typeof db !== 'object' || typeof db.query !== 'function' || typeof db.transaction !== 'function') {
    throw new ValidationError([{ path: 'db', message: 'expected a PGlite database (an object with query and transaction)' }]);
  }
  const connection = createKeyedLock();
  const exclusive = <T>(fn: () => Promise<T>) => connection.run('connection', fn);
  const rowsOf = (result: PgliteResultLike) => result.rows as readonly PostgresSqlRow[];
  return {
    name: 'pglite',
    query(sql, params = []) {
      return exclusive(async () => rowsOf(await db.query(sql, [...params])));
    },
    transaction(fn) {
      return exclusive(() =>
        db.transaction(async (tx) => {
          const session = trackSession(
            async (sql, params) => rowsOf(await tx.query(sql, [...params])),
            // PGlite's COPY reads its rows from a Blob attached to the statement.
            async (target, chunks) => {
              await tx.query(`COPY ${target} FROM '/dev/blob'`, [], { blob: new Blob([...chunks]) });
            },
          );
          const result = await fn(session);
          // A statement failed and the callback went on: PGlite would roll back at COMMIT anyway.
          if (session.failure !== undefined) throw session.failure.error;
          return result;
        }),
      );
    },
    async close() {
      if (options.ownsDatabase === true) await exclusive(() => db.close());
    },
  };
}

/** Options of {@link openPgliteSqlDriver}. */
export interface OpenPgliteOptions {
  /** Where PGlite keeps its files (`./crm-data`, `idb://crm` in a browser); default in memory. */
  readonly dataDir?: string;
}

interface PgliteModule {
  PGlite: { create(dataDir?: string): Promise<PgliteLike> };
}

/**
 * Opens a PGlite database and the SQL driver over it, importing
 * `@electric-sql/pglite` (an optional peer dependency) only when called.
 * The driver owns the database: `close()` shuts it down.
 *
 * @throws `CrmError` `UNSUPPORTED` when `@electric-sql/pglite` is not installed.
 * @example
 * ```ts
 * const sql = await openPgliteSqlDriver(); // in memory
 * const onDisk = await openPgliteSqlDriver({ dataDir: './crm-data' });
 * ```
 */
export async function openPgliteSqlDriver(options: OpenPgliteOptions = {}): Promise<PostgresSqlDriver> {
  let imported: PgliteModule;
  try {
    imported = (await import('@electric-sql/pglite')) as unknown as PgliteModule;
  } catch (error) {
    throw new CrmError('UNSUPPORTED', 'the PostgreSQL adapter needs @electric-sql/pglite to run an embedded database: npm install @electric-sql/pglite', { cause: error });
  }
  const db = await imported.PGlite.create(options.dataDir);
  return createPgliteSqlDriver(db, { ownsDatabase: true });
}
