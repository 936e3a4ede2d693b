import { CrmError, ValidationError } from '../../core/index.js';
import type { StorageDriver, StorageDriverOperations } from '../driver.js';

/*
 * Transactions over HTTP. A transaction spans several requests, so the
 * handler keeps it open between them: `begin` starts the served driver's
 * transaction with a callback that waits, the calls of the session run one
 * at a time on its operations (as statements on one database connection),
 * and `commit` or `rollback` lets the callback resolve or throw. A session
 * that stays idle too long is rolled back, so a client that disappears
 * never holds a transaction (and the locks behind it) for ever.
 */

/** Limits of the sessions a handler keeps. */
export interface TransactionSessionLimits {
  /** A session with no call for this long is rolled back, in ms. */
  readonly idleTimeoutMs: number;
  /** The most sessions open (or opening) at once; more is `UNAVAILABLE` (503). */
  readonly maxOpen: number;
}

interface Session {
  readonly id: string;
  readonly tenantId: string;
  readonly ops: StorageDriverOperations;
  /** The calls of the session, one after another. */
  chain: Promise<unknown>;
  /** Calls queued or running. */
  pending: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Lets the transaction callback resolve (commit) or throw (rollback). */
  readonly finish: (commit: boolean) => void;
  /** Settles when the driver's transaction has ended. */
  readonly done: Promise<void>;
  /** What the callback throws to roll back. */
  readonly rollbackSignal: Error;
}

/** The open transactions of one handler. */
export interface TransactionSessions {
  /** Opens a transaction of `tenantId`, waiting for the driver to start it; returns its session id. */
  begin(tenantId: string, signal: AbortSignal | undefined): Promise<string>;
  /** Runs one call inside a session, after the calls before it. */
  run<T>(id: string, tenantId: string, call: (ops: StorageDriverOperations) => Promise<T>): Promise<T>;
  /** Commits a session: resolves when the driver committed, throws its error when the commit failed. */
  commit(id: string, tenantId: string): Promise<void>;
  /** Rolls a session back. */
  rollback(id: string, tenantId: string): Promise<void>;
  /** Rolls back every open session. */
  close(): Promise<void>;
}

const unref = (timer: ReturnType<typeof setTimeout>) => (timer as { unref?: () => void }).unref?.();

/** Creates the session table of a handler over the served (guarded) driver. */
export function createTransactionSessions(driver: StorageDriver, limits: TransactionSessionLimits): TransactionSessions {
  const sessions = new Map<string, Session>();
  let opening = 0;

  const end = (session: Session, commit: boolean) => {
    sessions.delete(session.id);
    clearTimeout(session.timer);
    session.finish(commit);
  };

  const arm = (session: Session) => {
    clearTimeout(session.timer);
    session.timer = setTimeout(() => {
      if (sessions.get(session.id) === session && session.pending === 0) end(session, false);
    }, limits.idleTimeoutMs);
    unref(session.timer);
  };

  const find = (id: string, tenantId: string): Session => {
    const session = sessions.get(id);
    if (session === undefined) {
      throw new CrmError('NOT_FOUND', `transaction ${id} is not open: it was committed, rolled back, or idle for longer than ${limits.idleTimeoutMs} ms`, {
        details: { transactionId: id },
      });
    }
    if (session.tenantId !== tenantId) {
      throw new ValidationError([{ path: 'tenantId', message: `transaction ${id} is bound to tenant ${JSON.stringify(session.tenantId)}; got ${JSON.stringify(tenantId)}` }]);
    }
    return session;
  };

  /** Removes a session from the table once its calls so far have run. */
  const take = async (id: string, tenantId: string): Promise<Session> => {
    const session = find(id, tenantId);
    sessions.delete(id);
    clearTimeout(session.timer);
    await session.chain;
    return session;
  };

  return {
    async begin(tenantId, signal) {
      if (sessions.size + opening >= limits.maxOpen) {
        throw new CrmError('UNAVAILABLE', `the server has ${limits.maxOpen} transactions open, its limit; try again shortly`, {
          details: { maxOpen: limits.maxOpen, retryAfterMs: 1000 },
        });
      }
      opening += 1;
      let finish!: (commit: boolean) => void;
      const rollbackSignal = new Error('the client rolled the transaction back');
      const finished = new Promise<void>((resolve, reject) => {
        finish = (commit) => (commit ? resolve() : reject(rollbackSignal));
      });
      let open!: (ops: StorageDriverOperations) => void;
      const opened = new Promise<StorageDriverOperations>((resolve) => {
        open = resolve;
      });
      const done = driver.transaction!(tenantId, async (tx) => {
        open(tx);
        await finished;
      });
      done.catch(() => undefined);
      let ops: StorageDriverOperations;
      try {
        ops = await Promise.race([
          opened,
          done.then(() => {
            throw new CrmError('INTERNAL', 'the transaction ended before it opened');
          }),
        ]);
      } finally {
        opening -= 1;
      }
      const session: Session = { id: crypto.randomUUID(), tenantId, ops, chain: Promise.resolve(), pending: 0, timer: undefined, finish, done, rollbackSignal };
      if (signal?.aborted === true) {
        finish(false);
        throw new CrmError('UNAVAILABLE', 'the client went away before its transaction opened; it was rolled back');
      }
      sessions.set(session.id, session);
      arm(session);
      return session.id;
    },

    async run(id, tenantId, call) {
      const session = find(id, tenantId);
      clearTimeout(session.timer);
      session.pending += 1;
      const result = session.chain.then(() => call(session.ops));
      session.chain = result.catch(() => undefined);
      try {
        return await result;
      } finally {
        session.pending -= 1;
        if (session.pending === 0 && sessions.get(id) === session) arm(session);
      }
    },

    async commit(id, tenantId) {
      const session = await take(id, tenantId);
      session.finish(true);
      await session.done;
    },

    async rollback(id, tenantId) {
      const session = await take(id, tenantId);
      session.finish(false);
      await session.done.catch((error: unknown) => {
        if (error !== session.rollbackSignal) throw error;
      });
    },

    async close() {
      const open = [...sessions.values()];
      for (const session of open) end(session, false);
      await Promise.all(open.map((session) => session.done.catch(() => undefined)));
    },
  };
}
