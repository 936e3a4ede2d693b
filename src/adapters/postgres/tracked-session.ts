import type { PostgresSqlRow, PostgresSqlSession } from './sql-driver.js';

/** A session inside a transaction that remembers the first statement that failed. */
export interface TrackedSession extends PostgresSqlSession {
  /** The first error a statement of the transaction threw, if any. */
  readonly failure: { readonly error: unknown } | undefined;
}

/**
 * Wraps the `query` of a transaction so that the transaction knows when a
 * statement failed: PostgreSQL then refuses every later statement and turns
 * COMMIT into ROLLBACK, so a caller that swallowed the error must still not
 * be told that its writes were committed.
 */
export function trackSession(
  run: (sql: string, params: readonly unknown[]) => Promise<readonly PostgresSqlRow[]>,
  copy?: (target: string, chunks: Iterable<string>) => Promise<void>,
): TrackedSession {
  let failure: { readonly error: unknown } | undefined;
  const tracked = async <T>(step: () => Promise<T>): Promise<T> => {
    try {
      return await step();
    } catch (error) {
      failure ??= { error };
      throw error;
    }
  };
  const session: TrackedSession = {
    get failure() {
      return failure;
    },
    query: (sql, params = []) => tracked(() => run(sql, params)),
  };
  return copy === undefined ? session : Object.defineProperty(session, 'copyFrom', { value: (target: string, chunks: Iterable<string>) => tracked(() => copy(target, chunks)) });
}
