/*
 * The tiny driver interface the PostgreSQL adapter runs over: one statement
 * at a time, and a transaction on one connection. Two implementations ship
 * (`pg` and PGlite); anything that can run parameterised SQL on PostgreSQL
 * can be a third.
 */

/** A row of a result: column name → value as the client library parsed it. */
export type PostgresSqlRow = Readonly<Record<string, unknown>>;

/** Runs parameterised statements (`$1`, `$2`, …) on one connection or in one transaction. */
export interface PostgresSqlSession {
  /**
   * Runs one statement and returns its rows (the `RETURNING` rows of a
   * write). Parameters are strings, finite numbers, booleans or null; the
   * statement casts each one (`$1::text`), so no client-side type inference
   * is relied on.
   */
  query(sql: string, params?: readonly unknown[]): Promise<readonly PostgresSqlRow[]>;
  /**
   * Optional: loads rows with COPY into `target` (a table with its column
   * list, `"crm"."customers" (tenant_id, id, …)`), `chunks` being the rows in
   * COPY's text format, produced as they are consumed (so that a driver
   * that streams sends each chunk while the next is made). Only sessions
   * inside a transaction offer it, and only when the driver can (PGlite
   * always; `pg` when given `pg-copy-streams`); without it the adapter
   * loads through multi-row INSERTs.
   */
  copyFrom?(target: string, chunks: Iterable<string>): Promise<void>;
}

/**
 * The connection layer of the PostgreSQL adapter: one statement in its own
 * implicit transaction (autocommit), or a function run inside
 * `BEGIN … COMMIT` on one connection. {@link createPgSqlDriver} (a `pg`
 * `Pool`, many connections) and {@link createPgliteSqlDriver} (embedded
 * PGlite, one connection) implement it.
 */
export interface PostgresSqlDriver extends PostgresSqlSession {
  /** `pg` or `pglite` (or the name of another implementation), for messages. */
  readonly name: string;
  /**
   * Runs `fn` with a session inside one READ COMMITTED transaction on one
   * connection: commits when `fn` resolves, rolls back when it throws and
   * rethrows its error. If a statement inside failed (so that PostgreSQL
   * would turn the COMMIT into a ROLLBACK), the transaction rolls back and
   * the first failure is thrown even when `fn` swallowed it.
   */
  transaction<T>(fn: (session: PostgresSqlSession) => Promise<T>): Promise<T>;
  /** Releases the connections this driver owns (a pool or database passed in by the caller stays open). */
  close(): Promise<void>;
}
