import { STORAGE_CONTRACT_VERSION } from '../contract-version.js';
import type {
  AppendOutcome,
  DeleteRecordOutcome,
  OutboxClaimRow,
  OutboxDeliveryRow,
  PutRecordsOutcome,
  QueryPlan,
  RowWrite,
  StorageDriver,
  StorageDriverOperations,
  StoredEntry,
  StoredRow,
} from '../driver.js';
import { evaluateQueryPlan } from '../evaluate-query.js';
import type { IndexScalar } from '../index-values.js';
import { createKeyedLock } from '../keyed-lock.js';

/** A record as the memory driver holds it: JSON text, so nothing a caller holds can change it. */
interface MemoryRow {
  readonly version: number;
  readonly document: string;
  readonly index: Readonly<Record<string, IndexScalar>>;
}

interface MemoryEntry {
  readonly payload: string;
  readonly idempotencyKey: string | null;
}

interface KeyRecord {
  readonly payloadHash: string;
  readonly first: number;
  readonly count: number;
}

interface MemoryStream {
  readonly entries: MemoryEntry[];
  readonly keys: Map<string, KeyRecord>;
}

type Delivery = OutboxDeliveryRow;

/** Everything one tenant has: kept apart from every other tenant's state. */
interface TenantState {
  readonly records: Map<string, Map<string, MemoryRow>>;
  readonly streams: Map<string, MemoryStream>;
  readonly deliveries: Map<string, Map<number, Delivery>>;
}

/** The raw persisted form of a record in the memory driver, for the conformance kit's `inspect` hook. */
export interface MemoryRecordSnapshot {
  /** The record version. */
  readonly version: number;
  /** The stored JSON text. */
  readonly document: string;
  /** The stored index values. */
  readonly index: Readonly<Record<string, IndexScalar>>;
}

/** The memory storage driver, with read-only views of what it holds (for tests). */
export interface MemoryStorageDriver extends StorageDriver {
  /** The stored form of a record, or null: what is really persisted, bypassing the contract. */
  peekRecord(tenantId: string, collection: string, id: string): MemoryRecordSnapshot | null;
  /** The number of entries stored in a stream. */
  peekStreamLength(tenantId: string, kind: string, streamId: string): number;
  /** The tenants that hold any data, sorted. */
  peekTenants(): string[];
}

/** @internal Options for tests of the conformance kit itself: a driver with the lock removed shows races. */
export interface MemoryDriverInternals {
  /** Serialise writes per tenant (default true). Only tests of the kit turn this off. */
  readonly lock?: boolean;
}

const streamKey = (kind: string, streamId: string) => `${kind}\u0000${streamId}`;

/** Yields to other pending work, as a database round trip would: races in a driver without locking show up. */
const roundTrip = () => new Promise<void>((resolve) => queueMicrotask(resolve));

/**
 * Creates the memory driver. Every tenant's data lives in its own maps;
 * writes of a tenant are serialised by a per-tenant lock and applied at once
 * after their checks (each write is a small transaction), and every call
 * yields to the event loop between reading and writing like a real database
 * round trip, so that the concurrency rules are exercised, not assumed.
 * Reads see committed data only.
 */
export function createMemoryDriverWith(internals: MemoryDriverInternals = {}): MemoryStorageDriver {
  const tenants = new Map<string, TenantState>();
  const lock = createKeyedLock();
  const locked = internals.lock !== false;

  const tenant = (tenantId: string): TenantState => {
    let state = tenants.get(tenantId);
    if (state === undefined) {
      state = { records: new Map(), streams: new Map(), deliveries: new Map() };
      tenants.set(tenantId, state);
    }
    return state;
  };

  /** Runs a write against a staged view of the tenant and applies it when `fn` resolves. */
  const write = async <T>(tenantId: string, fn: (view: StagedView) => Promise<T>): Promise<T> => {
    const run = async () => {
      const view = new StagedView(tenantId, tenant(tenantId));
      const result = await fn(view);
      await roundTrip();
      view.commit();
      return result;
    };
    return locked ? lock.run(tenantId, run) : run();
  };

  const committed = (tenantId: string) => new StagedView(tenantId, tenant(tenantId));

  const operations = (viewOf: (tenantId: string) => StagedView, writer: <T>(tenantId: string, fn: (view: StagedView) => Promise<T>) => Promise<T>): StorageDriverOperations => ({
    async getRecords(tenantId, collection, ids) {
      await roundTrip();
      const view = viewOf(tenantId);
      return ids.map((id) => view.storedRow(collection, id));
    },
    putRecords(tenantId, collection, writes) {
      return writer(tenantId, async (view) => {
        const current = writes.map((item) => view.row(collection, item.id));
        await roundTrip();
        return view.put(collection, writes, current);
      });
    },
    deleteRecord(tenantId, collection, id, expectedVersion) {
      return writer(tenantId, async (view): Promise<DeleteRecordOutcome> => {
        const current = view.row(collection, id);
        await roundTrip();
        if (expectedVersion !== undefined && current?.version !== expectedVersion) return { status: 'conflict', actualVersion: current?.version ?? null };
        if (current === undefined) return { status: 'missing' };
        view.setRow(collection, id, undefined);
        return { status: 'deleted' };
      });
    },
    async queryRecords(tenantId, collection, plan: QueryPlan) {
      await roundTrip();
      const view = viewOf(tenantId);
      return evaluateQueryPlan(view.indexedRows(collection), plan).map((row) => view.storedRow(collection, row.id)!);
    },
    appendToStream(tenantId, kind, streamId, request) {
      return writer(tenantId, async (view): Promise<AppendOutcome> => {
        const key = request.idempotency === null ? undefined : view.streamKey(kind, streamId, request.idempotency.key);
        const version = view.streamLength(kind, streamId);
        await roundTrip();
        if (key !== undefined) {
          return { status: 'replayed', payloadHash: key.payloadHash, entries: view.entries(kind, streamId, key.first, key.count) };
        }
        if (request.expectedVersion !== null && version !== request.expectedVersion) return { status: 'version_conflict', actualVersion: version };
        const entries = view.append(kind, streamId, version, request.payloads.map((payload) => JSON.stringify(payload)), request.idempotency);
        if (request.trackDelivery) for (const entry of entries) view.setDelivery(streamId, entry.position, pending());
        return { status: 'appended', entries };
      });
    },
    async readStream(tenantId, kind, streamId, fromPosition, limit) {
      await roundTrip();
      const view = viewOf(tenantId);
      const version = view.streamLength(kind, streamId);
      const count = Math.max(0, Math.min(limit, version - fromPosition + 1));
      return { version, entries: view.entries(kind, streamId, fromPosition, count) };
    },
  });

  const driver: MemoryStorageDriver = {
    name: 'memory',
    contractVersion: STORAGE_CONTRACT_VERSION,
    capabilities: Object.freeze({ transactions: true, outbox: true, customCollections: true, bulkImport: false }),
    ...operations(committed, write),

    async transaction<T>(tenantId: string, fn: (tx: StorageDriverOperations) => Promise<T>): Promise<T> {
      const run = async () => {
        const view = new StagedView(tenantId, tenant(tenantId));
        // Inside the transaction every call reads and stages on the same view,
        // one call at a time (as statements on one database connection).
        const statements = createKeyedLock();
        const same = <R>(_tenant: string, body: (staged: StagedView) => Promise<R>) => (locked ? statements.run('tx', () => body(view)) : body(view));
        const result = await fn(operations(() => view, same));
        await roundTrip();
        view.commit();
        return result;
      };
      return locked ? lock.run(tenantId, run) : run();
    },

    claimOutbox(tenantId, streamId, request) {
      return write(tenantId, async (view): Promise<OutboxClaimRow[]> => {
        const claimable = view.claimableDeliveries(streamId, request.nowMs, request.limit);
        await roundTrip();
        return claimable.map(([position, delivery]) => {
          const attempt = delivery.attempts + 1;
          view.setDelivery(streamId, position, {
            ...delivery,
            status: 'claimed',
            attempts: attempt,
            leaseExpiresAtMs: request.leaseExpiresAtMs,
            nextAttemptAtMs: null,
          });
          return { entry: view.entries('outbox', streamId, position, 1)[0]!, attempt };
        });
      });
    },

    completeOutbox(tenantId, streamId, position, attempt, outcome) {
      return write(tenantId, async (view) => {
        const delivery = view.delivery(streamId, position);
        await roundTrip();
        if (delivery === undefined || delivery.status !== 'claimed' || delivery.attempts !== attempt) return false;
        view.setDelivery(
          streamId,
          position,
          outcome.status === 'delivered'
            ? { ...delivery, status: 'delivered', leaseExpiresAtMs: null, deliveredAtMs: outcome.atMs }
            : {
                ...delivery,
                status: outcome.retryAtMs === null ? 'dead' : 'failed',
                leaseExpiresAtMs: null,
                nextAttemptAtMs: outcome.retryAtMs,
                lastError: outcome.error,
              },
        );
        return true;
      });
    },

    async readOutboxDelivery(tenantId, streamId, position) {
      await roundTrip();
      return committed(tenantId).delivery(streamId, position) ?? null;
    },

    async close() {
      tenants.clear();
    },

    peekRecord(tenantId, collection, id) {
      const row = tenants.get(tenantId)?.records.get(collection)?.get(id);
      return row === undefined ? null : { version: row.version, document: row.document, index: { ...row.index } };
    },

    peekStreamLength(tenantId, kind, streamId) {
      return tenants.get(tenantId)?.streams.get(streamKey(kind, streamId))?.entries.length ?? 0;
    },

    peekTenants() {
      return [...tenants.entries()]
        .filter(([, state]) => [...state.records.values()].some((rows) => rows.size > 0) || state.streams.size > 0)
        .map(([id]) => id)
        .sort();
    },
  };
  return driver;
}

function pending(): Delivery {
  return { status: 'pending', attempts: 0, leaseExpiresAtMs: null, nextAttemptAtMs: null, deliveredAtMs: null, lastError: null };
}

/**
 * A tenant's state with staged changes on top. Reads see the staged changes;
 * `commit` applies them in one synchronous step, so no reader ever sees half
 * of a write.
 */
class StagedView {
  private readonly rows = new Map<string, Map<string, MemoryRow | null>>();
  private readonly appended = new Map<string, MemoryStream>();
  private readonly deliveries = new Map<string, Map<number, Delivery>>();

  constructor(
    private readonly tenantId: string,
    private readonly state: TenantState,
  ) {}

  row(collection: string, id: string): MemoryRow | undefined {
    const staged = this.rows.get(collection)?.get(id);
    if (staged !== undefined) return staged ?? undefined;
    return this.state.records.get(collection)?.get(id);
  }

  storedRow(collection: string, id: string): StoredRow | null {
    const row = this.row(collection, id);
    return row === undefined ? null : { tenantId: this.tenantId, id, version: row.version, document: row.document };
  }

  *indexedRows(collection: string): Iterable<{ id: string; index: Readonly<Record<string, IndexScalar>> }> {
    const staged = this.rows.get(collection);
    for (const [id, row] of this.state.records.get(collection) ?? []) {
      if (staged?.has(id)) continue;
      yield { id, index: row.index };
    }
    for (const [id, row] of staged ?? []) if (row !== null) yield { id, index: row.index };
  }

  setRow(collection: string, id: string, row: MemoryRow | undefined): void {
    let staged = this.rows.get(collection);
    if (staged === undefined) this.rows.set(collection, (staged = new Map()));
    staged.set(id, row ?? null);
  }

  put(collection: string, writes: readonly RowWrite[], current: readonly (MemoryRow | undefined)[]): PutRecordsOutcome {
    for (let i = 0; i < writes.length; i++) {
      const expected = writes[i]!.expectedVersion;
      const actual = current[i]?.version ?? null;
      if (expected === undefined) continue;
      if (expected === 0 ? actual !== null : actual !== expected) return { status: 'conflict', index: i, actualVersion: actual };
    }
    const versions = writes.map((item, i) => {
      const version = (current[i]?.version ?? 0) + 1;
      this.setRow(collection, item.id, { version, document: JSON.stringify(item.document), index: { ...item.index } });
      return version;
    });
    return { status: 'written', versions };
  }

  streamLength(kind: string, streamId: string): number {
    const key = streamKey(kind, streamId);
    return (this.state.streams.get(key)?.entries.length ?? 0) + (this.appended.get(key)?.entries.length ?? 0);
  }

  streamKey(kind: string, streamId: string, idempotencyKey: string): KeyRecord | undefined {
    const key = streamKey(kind, streamId);
    return this.appended.get(key)?.keys.get(idempotencyKey) ?? this.state.streams.get(key)?.keys.get(idempotencyKey);
  }

  entries(kind: string, streamId: string, fromPosition: number, count: number): StoredEntry[] {
    const key = streamKey(kind, streamId);
    const base = this.state.streams.get(key)?.entries ?? [];
    const extra = this.appended.get(key)?.entries ?? [];
    const out: StoredEntry[] = [];
    for (let position = fromPosition; position < fromPosition + count; position++) {
      const entry = position <= base.length ? base[position - 1] : extra[position - base.length - 1];
      if (entry === undefined) break;
      out.push({ tenantId: this.tenantId, streamId, position, payload: entry.payload, idempotencyKey: entry.idempotencyKey });
    }
    return out;
  }

  append(kind: string, streamId: string, version: number, payloads: readonly string[], idempotency: { key: string; payloadHash: string } | null): StoredEntry[] {
    const key = streamKey(kind, streamId);
    let staged = this.appended.get(key);
    if (staged === undefined) this.appended.set(key, (staged = { entries: [], keys: new Map() }));
    for (const payload of payloads) staged.entries.push({ payload, idempotencyKey: idempotency?.key ?? null });
    if (idempotency !== null) staged.keys.set(idempotency.key, { payloadHash: idempotency.payloadHash, first: version + 1, count: payloads.length });
    return this.entries(kind, streamId, version + 1, payloads.length);
  }

  delivery(streamId: string, position: number): Delivery | undefined {
    return this.deliveries.get(streamId)?.get(position) ?? this.state.deliveries.get(streamId)?.get(position);
  }

  setDelivery(streamId: string, position: number, delivery: Delivery): void {
    let staged = this.deliveries.get(streamId);
    if (staged === undefined) this.deliveries.set(streamId, (staged = new Map()));
    staged.set(position, delivery);
  }

  claimableDeliveries(streamId: string, nowMs: number, limit: number): [number, Delivery][] {
    const positions = new Set([...(this.state.deliveries.get(streamId)?.keys() ?? []), ...(this.deliveries.get(streamId)?.keys() ?? [])]);
    const out: [number, Delivery][] = [];
    for (const position of [...positions].sort((a, b) => a - b)) {
      if (out.length >= limit) break;
      const delivery = this.delivery(streamId, position)!;
      const claimable =
        delivery.status === 'pending' ||
        (delivery.status === 'failed' && (delivery.nextAttemptAtMs ?? 0) <= nowMs) ||
        (delivery.status === 'claimed' && (delivery.leaseExpiresAtMs ?? 0) <= nowMs);
      if (claimable) out.push([position, delivery]);
    }
    return out;
  }

  commit(): void {
    for (const [collection, staged] of this.rows) {
      let rows = this.state.records.get(collection);
      if (rows === undefined) this.state.records.set(collection, (rows = new Map()));
      for (const [id, row] of staged) {
        if (row === null) rows.delete(id);
        else rows.set(id, row);
      }
    }
    for (const [key, staged] of this.appended) {
      let stream = this.state.streams.get(key);
      if (stream === undefined) this.state.streams.set(key, (stream = { entries: [], keys: new Map() }));
      stream.entries.push(...staged.entries);
      for (const [idempotencyKey, record] of staged.keys) stream.keys.set(idempotencyKey, record);
    }
    for (const [streamId, staged] of this.deliveries) {
      let deliveries = this.state.deliveries.get(streamId);
      if (deliveries === undefined) this.state.deliveries.set(streamId, (deliveries = new Map()));
      for (const [position, delivery] of staged) deliveries.set(position, delivery);
    }
    this.rows.clear();
    this.appended.clear();
    this.deliveries.clear();
  }
}
