import { CrmError } from '../../core/index.js';

/*
 * How failures of PostgreSQL (through `pg` or PGlite) become CrmErrors.
 * Contract outcomes (version conflicts, replays) never arrive here: the
 * driver returns them. What arrives here is infrastructure: a lost
 * connection, a timeout, a deadlock, a schema that was never migrated.
 */

/** The SQLSTATE (`40P01`) or Node error code (`ECONNREFUSED`) of an error, if any. */
export function sqlStateOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Deadlocks and serialisation failures: the statement or transaction may simply be run again. */
export function isRetryableConflict(error: unknown): boolean {
  const state = sqlStateOf(error);
  return state === '40P01' || state === '40001';
}

const CONNECTION_MESSAGES = [
  'connection terminated',
  'connection refused',
  'cannot use a pool after calling end',
  'client has encountered a connection error',
  'client was closed',
  'pglite is closed',
  'database is closed',
  'not queryable',
];

function isConnectionFailure(error: unknown, state: string | undefined): boolean {
  if (state !== undefined) {
    if (state.startsWith('08')) return true; // connection_exception
    if (['57P01', '57P02', '57P03', '53300', 'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EHOSTUNREACH', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN'].includes(state)) return true;
  }
  const message = error instanceof Error ? error.message.toLowerCase() : '';
  return CONNECTION_MESSAGES.some((fragment) => message.includes(fragment));
}

/**
 * Turns a failure of the database into a `CrmError` when it is one the
 * caller can act on, and returns anything else unchanged (the storage core
 * reports it as `INTERNAL` with the original as its cause):
 *
 * - a lost or refused connection, a server shutting down, too many
 *   connections → `UNAVAILABLE`;
 * - a statement or lock timeout → `TIMEOUT`;
 * - a deadlock or serialisation failure → `VERSION_CONFLICT` (the
 *   transaction lost a race with a concurrent one: read again and retry);
 * - a missing schema or table → `UNAVAILABLE` saying that `migrate()` has not run.
 */
export function toCrmError(error: unknown, what: string): unknown {
  if (error instanceof CrmError) return error;
  const state = sqlStateOf(error);
  const message = error instanceof Error ? error.message : String(error);
  const details = state === undefined ? {} : { sqlState: state };
  if (isConnectionFailure(error, state)) {
    return new CrmError('UNAVAILABLE', `PostgreSQL could not be reached while ${what}: ${message}`, { cause: error, details });
  }
  if (state === '57014' || state === '55P03') {
    return new CrmError('TIMEOUT', `PostgreSQL cancelled a statement while ${what} (statement or lock timeout): ${message}`, { cause: error, details });
  }
  if (isRetryableConflict(error)) {
    return new CrmError(
      'VERSION_CONFLICT',
      `PostgreSQL aborted the transaction while ${what} because it conflicted with a concurrent transaction (${message}); read again and retry`,
      { cause: error, details },
    );
  }
  if (state === '3F000' || state === '42P01') {
    return new CrmError('UNAVAILABLE', `the dealer-crm schema is not set up while ${what} (${message}); run migrate() first`, { cause: error, details });
  }
  return error;
}
