import { createKeyedLock } from '../keyed-lock.js';
import type { PostgresSqlDriver, PostgresSqlRow, PostgresSqlSession } from './sql-driver.js';
import { isRetryableConflict, toCrmError } from './sql-errors.js';

/**
 * Where the statements of one storage operation run: on the pool in
 * autocommit (each operation atomic on its own), or inside a caller's
 * transaction (atomic with the rest of it).
 */
export interface StatementScope {
  /** Runs one statement. */
  query(sql: string, params: readonly unknown[], what: string): Promise<readonly PostgresSqlRow[]>;
  /**
   * Runs several statements that must take effect together: in a
   * transaction of their own, or in the caller's transaction.
   */
  atomic<T>(what: string, fn: (session: PostgresSqlSession) => Promise<T>): Promise<T>;
  /** Runs one whole operation: inside a transaction, one at a time (they share a connection). */
  operation<T>(fn: () => Promise<T>): Promise<T>;
}

/** How many times a statement or an operation's own transaction is run again after a deadlock or serialisation failure. */
const RETRIES = 8;

async function retrying<T>(what: string, run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt < RETRIES && isRetryableConflict(error)) continue;
      throw toCrmError(error, what);
    }
  }
}

/**
 * The scope outside any transaction. A statement or an operation's own
 * transaction that PostgreSQL aborts as a deadlock victim or serialisation
 * failure has no effect, so it is simply run again.
 */
export function autocommitScope(sql: PostgresSqlDriver): StatementScope {
  return {
    query: (text, params, what) => retrying(what, () => sql.query(text, params)),
    atomic: (what, fn) => retrying(what, () => sql.transaction(fn)),
    operation: (fn) => fn(),
  };
}

/**
 * The scope inside a caller's transaction. Operations run one at a time on
 * its connection (a caller may start several without awaiting them), and
 * failures are not retried: a failed statement aborts the whole transaction,
 * which the caller retries.
 */
export function transactionScope(session: PostgresSqlSession): StatementScope {
  const lock = createKeyedLock();
  return {
    async query(text, params, what) {
      try {
        return await session.query(text, params);
      } catch (error) {
        throw toCrmError(error, what);
      }
    },
    async atomic(what, fn) {
      try {
        return await fn(session);
      } catch (error) {
        throw toCrmError(error, what);
      }
    },
    operation: (fn) => lock.run('operation', fn),
  };
}
