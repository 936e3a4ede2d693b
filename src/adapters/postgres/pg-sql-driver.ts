import { CrmError, ValidationError } from '../../core/index.js';
import type { PostgresSqlDriver, PostgresSqlRow } from './sql-driver.js';
import { trackSession } from './tracked-session.js';

/*
 * The `pg` (node-postgres) implementation of the SQL driver. Typed against
 * the few members of `pg` it uses, so that the adapter compiles and loads
 * for users who installed neither `pg` nor its types.
 */

/** What `pg` returns for a statement: the members the adapter reads. */
export interface PgQueryResultLike {
  /** The rows. */
  readonly rows: readonly unknown[];
  /** The command tag (`SELECT`, `COMMIT`; `ROLLBACK` when a COMMIT rolled back). */
  readonly command?: string | null;
}

/** A connection checked out of a `pg` `Pool` (a `PoolClient`): the members the adapter uses. */
export interface PgPoolClientLike {
  /** Runs one statement. */
  query(text: string, values?: unknown[]): Promise<PgQueryResultLike>;
  /** Returns the connection to the pool; with an error or `true`, destroys it instead. */
  release(destroy?: boolean | Error): void;
}

/** A `pg` `Pool`: the members the adapter uses. Pass the `Pool` you created; the adapter never imports `pg` itself. */
export interface PgPoolLike {
  /** Runs one statement on any idle connection. */
  query(text: string, values?: unknown[]): Promise<PgQueryResultLike>;
  /** Checks a connection out for a transaction. */
  connect(): Promise<PgPoolClientLike>;
  /** Closes every connection. */
  end(): Promise<void>;
}

/** A COPY stream of `pg-copy-streams` (a `CopyStreamQuery`): the members the adapter uses. */
export interface PgCopyStreamLike {
  /** Sends a chunk; false when the caller should wait for `drain`. */
  write(chunk: string): boolean;
  /** Ends the COPY. */
  end(): unknown;
  /** Abandons the COPY: the server rolls it back. */
  destroy(error?: Error): unknown;
  /** `finish` once the rows are in, `error` when the COPY failed, `drain` when writing may go on. */
  once(event: 'finish' | 'error' | 'drain', listener: (error?: Error) => void): unknown;
}

/** Options of {@link createPgSqlDriver}. */
export interface PgSqlDriverOptions {
  /** Whether `close()` ends the pool (default false: the pool belongs to the caller). */
  readonly ownsPool?: boolean;
  /**
   * The `from` function of `pg-copy-streams`, if you installed it: bulk
   * imports of new records then load with COPY instead of multi-row INSERTs.
   * The adapter never imports `pg-copy-streams` itself.
   */
  readonly copyFrom?: (sql: string) => PgCopyStreamLike;
}

/**
 * The SQL driver over a `pg` `Pool`: statements outside a transaction run on
 * any idle connection, each transaction on one connection checked out for
 * it, so that as many transactions run at once as the pool has connections.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { from as copyFrom } from 'pg-copy-streams'; // optional: COPY for bulk imports
 * const sql = createPgSqlDriver(new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 }), { copyFrom });
 * ```
 */
export function createPgSqlDriver(pool: PgPoolLike, options: PgSqlDriverOptions = {}): PostgresSqlDriver {
  if (pool === null || typeof pool !== 'object' || typeof pool.query !== 'function' || typeof pool.connect !== 'function') {
    throw new ValidationError([{ path: 'pool', message: 'expected a pg Pool (an object with query and connect)' }]);
  }
  const rowsOf = (result: PgQueryResultLike) => result.rows as readonly PostgresSqlRow[];
  return {
    name: 'pg',
    async query(sql, params = []) {
      return rowsOf(await pool.query(sql, [...params]));
    },
    async transaction(fn) {
      const client = await pool.connect();
      // Set when the connection may be unusable (a failed BEGIN, ROLLBACK or COMMIT): the pool destroys it.
      let broken: Error | undefined;
      const control = async (sql: string) => {
        try {
          return await client.query(sql);
        } catch (error) {
          broken = error instanceof Error ? error : new Error(String(error));
          throw error;
        }
      };
      const rollback = () => control('ROLLBACK').catch(() => undefined);
      try {
        await control('BEGIN ISOLATION LEVEL READ COMMITTED');
        const copy = options.copyFrom === undefined ? undefined : copyThrough(client, options.copyFrom);
        const session = trackSession(async (sql, params) => rowsOf(await client.query(sql, [...params])), copy);
        let result: Awaited<ReturnType<typeof fn>>;
        try {
          result = await fn(session);
        } catch (error) {
          await rollback();
          throw error;
        }
        if (session.failure !== undefined) {
          await rollback();
          throw session.failure.error;
        }
        const commit = await control('COMMIT');
        if (commit.command === 'ROLLBACK') {
          throw new CrmError('INTERNAL', 'PostgreSQL rolled the transaction back at COMMIT; nothing was written');
        }
        return result;
      } finally {
        client.release(broken ?? false);
      }
    },
    async close() {
      if (options.ownsPool === true) await pool.end();
    },
  };
}

/**
 * COPY through pg-copy-streams on one connection: each chunk is sent as soon
 * as it is made (the server ingests it while the next is made), with
 * back-pressure; a chunk that cannot be made abandons the COPY.
 */
function copyThrough(client: PgPoolClientLike, copyFrom: (sql: string) => PgCopyStreamLike) {
  return async (target: string, chunks: Iterable<string>): Promise<void> => {
    // pg runs a Submittable passed to query, and returns it.
    const stream = (client as unknown as { query(submittable: unknown): PgCopyStreamLike }).query(copyFrom(`COPY ${target} FROM STDIN`));
    let failed = false;
    const done = new Promise<void>((resolve, reject) => {
      stream.once('finish', () => resolve());
      stream.once('error', (error) => {
        failed = true;
        reject(error as Error);
      });
    });
    try {
      for (const chunk of chunks) {
        if (failed) break;
        if (!stream.write(chunk)) await Promise.race([new Promise((resolve) => stream.once('drain', resolve)), done.catch(() => undefined)]);
      }
    } catch (error) {
      // The rows could not be made: abandon the COPY (the server rolls it back) and report why.
      stream.destroy(error as Error);
      await done.catch(() => undefined);
      throw error;
    }
    stream.end();
    await done;
  };
}

/** Options of {@link connectPgSqlDriver}. */
export interface ConnectPgOptions {
  /** The connection string (`postgres://user@host:5432/database`). */
  readonly connectionString: string;
  /** Most connections in the pool (default 10). */
  readonly max?: number;
  /** How long to wait for a connection before failing, in milliseconds (default 10 000). */
  readonly connectionTimeoutMs?: number;
  /** Further `pg` `PoolConfig` settings, passed on as they are (`ssl`, `statement_timeout`, …). */
  readonly poolConfig?: Readonly<Record<string, unknown>>;
  /** The `from` function of `pg-copy-streams`, to load new records with COPY (see {@link PgSqlDriverOptions.copyFrom}). */
  readonly copyFrom?: (sql: string) => PgCopyStreamLike;
}

interface PgModule {
  Pool: new (config: Record<string, unknown>) => PgPoolLike & { on(event: 'error', listener: (error: Error) => void): unknown };
}

/**
 * Creates a `pg` `Pool` and the SQL driver over it, importing `pg` (an
 * optional peer dependency) only when called. The driver owns the pool:
 * `close()` ends it. Idle connections that fail are dropped from the pool;
 * the next statement reports the failure as `UNAVAILABLE`.
 *
 * @throws `CrmError` `UNSUPPORTED` when `pg` is not installed.
 * @example
 * ```ts
 * const sql = await connectPgSqlDriver({ connectionString: 'postgres://postgres@127.0.0.1:5432/crm', max: 8 });
 * ```
 */
export async function connectPgSqlDriver(options: ConnectPgOptions): Promise<PostgresSqlDriver> {
  if (typeof options?.connectionString !== 'string' || options.connectionString.length === 0) {
    throw new ValidationError([{ path: 'options.connectionString', message: 'expected a PostgreSQL connection string' }]);
  }
  let imported: { default?: PgModule } & Partial<PgModule>;
  try {
    imported = (await import('pg')) as unknown as { default?: PgModule } & Partial<PgModule>;
  } catch (error) {
    throw new CrmError('UNSUPPORTED', 'the PostgreSQL adapter needs the pg package to connect to a server: npm install pg', { cause: error });
  }
  const Pool = imported.default?.Pool ?? imported.Pool;
  if (Pool === undefined) throw new CrmError('UNSUPPORTED', 'the installed pg package has no Pool export');
  const pool = new Pool({
    ...options.poolConfig,
    connectionString: options.connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
  });
  // Without a listener, an idle connection that breaks would crash the process.
  pool.on('error', () => undefined);
  return createPgSqlDriver(pool, { ownsPool: true, ...(options.copyFrom === undefined ? {} : { copyFrom: options.copyFrom }) });
}
