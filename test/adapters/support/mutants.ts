import type { DeleteRecordOutcome, StorageDriver, StorageDriverOperations } from 'dealer-crm/adapters';
import { createMemoryDriverWith } from '../../../src/adapters/memory/memory-driver.js';

/*
 * Broken drivers, each breaking one rule of the contract the way real
 * adapters have (see docs/adapters.md): the kit must fail each of them.
 * All are thin wrappers over the memory driver.
 */

/** A driver with some operations replaced. */
function over(base: StorageDriver, patch: (base: StorageDriver) => Partial<StorageDriver>): StorageDriver {
  return { ...base, ...patch(base) } as StorageDriver;
}

/** No lock: checks and writes interleave across concurrent calls (lost updates, double spends). */
export const racyDriver = (): StorageDriver => createMemoryDriverWith({ lock: false });

/** Keeps every tenant's data in one place and relabels rows with the tenant asked for (a missing tenant filter). */
export function leakyTenantDriver(): StorageDriver {
  const base = createMemoryDriverWith();
  const shared = 'shared';
  const relabel = <T extends { tenantId: string }>(tenantId: string, row: T): T => ({ ...row, tenantId });
  return over(base, (inner) => ({
    getRecords: async (tenantId, collection, ids) => (await inner.getRecords(shared, collection, ids)).map((row) => (row === null ? null : relabel(tenantId, row))),
    putRecords: (_tenantId, collection, writes) => inner.putRecords(shared, collection, writes),
    deleteRecord: (_tenantId, collection, id, expected) => inner.deleteRecord(shared, collection, id, expected),
    queryRecords: async (tenantId, collection, plan) => (await inner.queryRecords(shared, collection, plan)).map((row) => relabel(tenantId, row)),
    appendToStream: async (tenantId, kind, streamId, request) => {
      const outcome = await inner.appendToStream(shared, kind, streamId, request);
      return outcome.status === 'version_conflict' ? outcome : { ...outcome, entries: outcome.entries.map((entry) => relabel(tenantId, entry)) };
    },
    readStream: async (tenantId, kind, streamId, from, limit) => {
      const read = await inner.readStream(shared, kind, streamId, from, limit);
      return { ...read, entries: read.entries.map((entry) => relabel(tenantId, entry)) };
    },
  }));
}

/** Answers every query with every row (a filter that was dropped). */
export function allRowsQueryDriver(): StorageDriver {
  return over(createMemoryDriverWith(), (inner) => ({
    queryRecords: (tenantId, collection, plan) => inner.queryRecords(tenantId, collection, { ...plan, filters: [] }),
  }));
}

/** Returns undefined instead of null for a missing record. */
export function undefinedForMissingDriver(): StorageDriver {
  return over(createMemoryDriverWith(), (inner) => ({
    getRecords: async (tenantId, collection, ids) => (await inner.getRecords(tenantId, collection, ids)).map((row) => row ?? (undefined as never)),
  }));
}

/** A delete that matches nothing deletes the whole collection (a where clause that became empty). */
export function wipingDeleteDriver(): StorageDriver {
  return over(createMemoryDriverWith(), (inner) => ({
    async deleteRecord(tenantId, collection, id, expected): Promise<DeleteRecordOutcome> {
      const outcome = await inner.deleteRecord(tenantId, collection, id, expected);
      if (outcome.status === 'missing') {
        const rows = await inner.queryRecords(tenantId, collection, { filters: [], order: { field: 'id', type: 'string', direction: 'asc' }, after: null, limit: 1000 });
        for (const row of rows) await inner.deleteRecord(tenantId, collection, row.id, undefined);
      }
      return outcome;
    },
  }));
}

/** A "transaction" that runs its callback without one: nothing is rolled back. */
export function fakeTransactionDriver(): StorageDriver {
  return over(createMemoryDriverWith(), (inner) => ({
    transaction: <T>(_tenantId: string, fn: (tx: StorageDriverOperations) => Promise<T>) => fn(inner),
  }));
}

/** Answers a reused idempotency key with the new payload's hash: a different payload is silently treated as a replay. */
export function hashlessIdempotencyDriver(): StorageDriver {
  return over(createMemoryDriverWith(), (inner) => ({
    async appendToStream(tenantId, kind, streamId, request) {
      const outcome = await inner.appendToStream(tenantId, kind, streamId, request);
      return outcome.status === 'replayed' && request.idempotency !== null ? { ...outcome, payloadHash: request.idempotency.payloadHash } : outcome;
    },
  }));
}

/** Claims outbox entries without honouring live leases (two workers get the same entry). */
export function leaseIgnoringOutboxDriver(): StorageDriver {
  return over(createMemoryDriverWith(), (inner) => ({
    async claimOutbox(tenantId, streamId, request) {
      // Claim as if every lease had already ended.
      return inner.claimOutbox!(tenantId, streamId, { ...request, nowMs: Number.MAX_SAFE_INTEGER - 1, leaseExpiresAtMs: request.leaseExpiresAtMs });
    },
  }));
}

/** Lets deliveries complete with any attempt number (no fencing). */
export function unfencedOutboxDriver(): StorageDriver {
  return over(createMemoryDriverWith(), (inner) => ({
    async completeOutbox(tenantId, streamId, position, _attempt, outcome) {
      const state = await inner.readOutboxDelivery!(tenantId, streamId, position);
      return state === null ? false : inner.completeOutbox!(tenantId, streamId, position, state.attempts, outcome);
    },
  }));
}
