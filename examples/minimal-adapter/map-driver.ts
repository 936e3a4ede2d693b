/**
 * A minimal storage adapter for dealer-crm, written only against the public
 * contract (`dealer-crm/adapters`): every record and stream lives in plain
 * Maps. It is the starting point for a plugin author: replace the Maps with
 * your database, keep the rules in the comments, and run the conformance
 * kit (test/adapters/minimal-example.test.ts runs it; docs/adapters.md).
 *
 * It declares transactions (done by copying the state, fine for an
 * example) and no outbox, to show how an optional feature is left out.
 */
import {
  STORAGE_CONTRACT_VERSION,
  createKeyedLock,
  evaluateQueryPlan,
  type AppendOutcome,
  type DeleteRecordOutcome,
  type IndexScalar,
  type PutRecordsOutcome,
  type StorageDriver,
  type StorageDriverOperations,
  type StoredEntry,
} from 'dealer-crm/adapters';

/** A stored record: its version, the document as JSON text, and its index values. */
export interface Row {
  version: number;
  document: string;
  index: Readonly<Record<string, IndexScalar>>;
}

interface Stream {
  entries: { payload: string; idempotencyKey: string | null }[];
  keys: Map<string, { payloadHash: string; first: number; count: number }>;
}

interface State {
  /** Records by [tenant, collection] then id: every key leads with the tenant. */
  records: Map<string, Map<string, Row>>;
  /** Streams by [tenant, kind, streamId]. */
  streams: Map<string, Stream>;
}

const key = (...parts: string[]) => JSON.stringify(parts);

function copy(state: State): State {
  return {
    records: new Map([...state.records].map(([k, rows]) => [k, new Map(rows)])),
    streams: new Map([...state.streams].map(([k, s]) => [k, { entries: [...s.entries], keys: new Map(s.keys) }])),
  };
}

/** The driver, plus two look-ups past the contract for the conformance kit's inspection tests. */
export interface MapDriver extends StorageDriver {
  /** The stored row of a record (version, JSON text, index values), or null. */
  peekRecord(tenantId: string, collection: string, id: string): Row | null;
  /** How many entries a stream really holds. */
  peekStreamLength(tenantId: string, kind: string, streamId: string): number;
}

/** The calls of the contract over one state (the live one, or a transaction's copy). */
function operations(state: () => State): StorageDriverOperations {
  const rowsOf = (tenantId: string, collection: string) => {
    const k = key(tenantId, collection);
    let rows = state().records.get(k);
    if (rows === undefined) state().records.set(k, (rows = new Map()));
    return rows;
  };
  const streamOf = (tenantId: string, kind: string, streamId: string) => {
    const k = key(tenantId, kind, streamId);
    let stream = state().streams.get(k);
    if (stream === undefined) state().streams.set(k, (stream = { entries: [], keys: new Map() }));
    return stream;
  };
  const entries = (tenantId: string, streamId: string, stream: Stream, from: number, count: number): StoredEntry[] =>
    stream.entries.slice(from - 1, from - 1 + count).map((entry, i) => ({ tenantId, streamId, position: from + i, ...entry }));

  return {
    async getRecords(tenantId, collection, ids) {
      const rows = rowsOf(tenantId, collection);
      // Not found is null, never undefined.
      return ids.map((id) => {
        const row = rows.get(id);
        return row === undefined ? null : { tenantId, id, version: row.version, document: row.document };
      });
    },
    async putRecords(tenantId, collection, writes): Promise<PutRecordsOutcome> {
      const rows = rowsOf(tenantId, collection);
      // Check every condition first: all or nothing.
      for (const [index, write] of writes.entries()) {
        const actual = rows.get(write.id)?.version ?? null;
        if (write.expectedVersion === undefined) continue;
        if (write.expectedVersion === 0 ? actual !== null : actual !== write.expectedVersion) return { status: 'conflict', index, actualVersion: actual };
      }
      const versions = writes.map((write) => {
        const version = (rows.get(write.id)?.version ?? 0) + 1;
        rows.set(write.id, { version, document: JSON.stringify(write.document), index: write.index });
        return version;
      });
      return { status: 'written', versions };
    },
    async deleteRecord(tenantId, collection, id, expectedVersion): Promise<DeleteRecordOutcome> {
      const rows = rowsOf(tenantId, collection);
      const actual = rows.get(id)?.version ?? null;
      if (expectedVersion !== undefined && actual !== expectedVersion) return { status: 'conflict', actualVersion: actual };
      // A delete that matches nothing touches nothing.
      return rows.delete(id) ? { status: 'deleted' } : { status: 'missing' };
    },
    async queryRecords(tenantId, collection, plan) {
      const rows = rowsOf(tenantId, collection);
      // The contract's query semantics, for stores without a query engine.
      const matches = evaluateQueryPlan(
        [...rows].map(([id, row]) => ({ id, index: row.index })),
        plan,
      );
      return matches.map(({ id }) => ({ tenantId, id, version: rows.get(id)!.version, document: rows.get(id)!.document }));
    },
    async appendToStream(tenantId, kind, streamId, request): Promise<AppendOutcome> {
      const stream = streamOf(tenantId, kind, streamId);
      // The idempotency key first, then the version.
      const seen = request.idempotency === null ? undefined : stream.keys.get(request.idempotency.key);
      if (seen !== undefined) return { status: 'replayed', payloadHash: seen.payloadHash, entries: entries(tenantId, streamId, stream, seen.first, seen.count) };
      const version = stream.entries.length;
      if (request.expectedVersion !== null && request.expectedVersion !== version) return { status: 'version_conflict', actualVersion: version };
      for (const payload of request.payloads) stream.entries.push({ payload: JSON.stringify(payload), idempotencyKey: request.idempotency?.key ?? null });
      if (request.idempotency !== null) stream.keys.set(request.idempotency.key, { payloadHash: request.idempotency.payloadHash, first: version + 1, count: request.payloads.length });
      return { status: 'appended', entries: entries(tenantId, streamId, stream, version + 1, request.payloads.length) };
    },
    async readStream(tenantId, kind, streamId, fromPosition, limit) {
      const stream = streamOf(tenantId, kind, streamId);
      return { version: stream.entries.length, entries: entries(tenantId, streamId, stream, fromPosition, limit) };
    },
  };
}

/**
 * Creates the Map-backed driver. Wrap it with `createCrmStorage(createMapDriver())`.
 * Each call above runs without an await between its check and its write, so
 * it is atomic in JavaScript's single thread; the lock serialises writes
 * with transactions, which work on a copy and swap it in at commit.
 */
export function createMapDriver(): MapDriver {
  let state: State = { records: new Map(), streams: new Map() };
  const lock = createKeyedLock();
  const live = operations(() => state);
  const locked = <A extends unknown[], R>(fn: (...args: A) => Promise<R>) => (...args: A) => lock.run('state', () => fn(...args));
  return {
    name: 'map-example',
    contractVersion: STORAGE_CONTRACT_VERSION,
    capabilities: { transactions: true, outbox: false, customCollections: true, bulkImport: false },
    getRecords: live.getRecords,
    queryRecords: live.queryRecords,
    readStream: live.readStream,
    putRecords: locked(live.putRecords),
    deleteRecord: locked(live.deleteRecord),
    appendToStream: locked(live.appendToStream),
    // For the conformance kit's inspection tests: what is really stored, past the contract.
    peekRecord: (tenantId, collection, id) => state.records.get(key(tenantId, collection))?.get(id) ?? null,
    peekStreamLength: (tenantId, kind, streamId) => state.streams.get(key(tenantId, kind, streamId))?.entries.length ?? 0,
    transaction: (_tenantId, fn) =>
      lock.run('state', async () => {
        const draft = copy(state);
        const result = await fn(operations(() => draft));
        state = draft; // commit; a throw above leaves `state` untouched
        return result;
      }),
  };
}
