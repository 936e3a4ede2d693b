import type { JsonObject } from './codec.js';
import type { StorageCapabilities } from './capabilities.js';
import type { IndexFieldType, IndexScalar, IndexValue } from './index-values.js';

/*
 * The driver protocol: what a plugin author implements. Every value is
 * JSON-safe (times are epoch milliseconds), every call names its tenant, and
 * contract outcomes (a version conflict, an idempotent replay) are returned
 * as tagged results, never thrown: the core turns them into the same
 * CrmErrors for every adapter. Inputs arrive validated and encoded.
 */

/** A record as a driver stores and returns it. */
export interface StoredRow {
  /** The tenant the row belongs to; the core checks it equals the tenant asked for. */
  readonly tenantId: string;
  /** The record id. */
  readonly id: string;
  /** The record version: 1 when created, +1 on every write. */
  readonly version: number;
  /** The encoded record ({@link encodeDocument}), as an object or as its JSON text. */
  readonly document: JsonObject | string;
}

/** A record to write, prepared by the core. */
export interface RowWrite {
  /** The record id (equal to `document.id`). */
  readonly id: string;
  /** The encoded record; store it as it is (as JSON text or a JSON column). */
  readonly document: JsonObject;
  /** The value of every declared index of the collection (null when absent); `id` is not included. */
  readonly index: Readonly<Record<string, IndexScalar>>;
  /**
   * The condition of the write: `undefined` writes unconditionally (create or
   * replace); `0` creates only (the id must not exist); `n ≥ 1` replaces only
   * the record at version `n`.
   */
  readonly expectedVersion: number | undefined;
}

/** The outcome of {@link StorageDriverOperations.putRecords}. */
export type PutRecordsOutcome =
  /** Every write was applied; `versions[i]` is the new version of `writes[i]`. */
  | { readonly status: 'written'; readonly versions: readonly number[] }
  /** `writes[index]`'s condition failed, so nothing was written; `actualVersion` is the current version or null when absent. */
  | { readonly status: 'conflict'; readonly index: number; readonly actualVersion: number | null };

/** The outcome of {@link StorageDriverOperations.deleteRecord}. */
export type DeleteRecordOutcome =
  | { readonly status: 'deleted' }
  /** No record had the id (and no condition was given): nothing was touched. */
  | { readonly status: 'missing' }
  /** The condition failed: nothing was touched. */
  | { readonly status: 'conflict'; readonly actualVersion: number | null };

/** One condition of a {@link QueryPlan}; conditions combine with AND. The field `id` means the record id. */
export type IndexFilter =
  | { readonly field: string; readonly type: IndexFieldType; readonly op: 'eq'; readonly value: IndexValue }
  /** Matches when the value equals one of `values` (never empty, never null). */
  | { readonly field: string; readonly type: IndexFieldType; readonly op: 'in'; readonly values: readonly IndexValue[] }
  /** A range bound; a null value never matches a range (as in SQL). */
  | { readonly field: string; readonly type: IndexFieldType; readonly op: 'gt' | 'gte' | 'lt' | 'lte'; readonly value: IndexValue }
  /** Matches when the record has no value for the field. */
  | { readonly field: string; readonly type: IndexFieldType; readonly op: 'isNull' };

/**
 * A validated query for a driver: filters, one order field with the id as
 * tie-breaker in the same direction, a keyset position, and a row limit.
 * Rows sort by {@link compareIndexScalars} (nulls last when ascending,
 * first when descending), then by id by code point.
 */
export interface QueryPlan {
  /** Conditions, all of which must hold. */
  readonly filters: readonly IndexFilter[];
  /** The order: an indexed field (or `id`) and a direction. */
  readonly order: { readonly field: string; readonly type: IndexFieldType; readonly direction: 'asc' | 'desc' };
  /**
   * Return only rows strictly after this (order value, id) position in the
   * order above; `null` from the start. Keyset pagination: rows inserted or
   * deleted elsewhere never shift the next page.
   */
  readonly after: { readonly value: IndexScalar; readonly id: string } | null;
  /** The most rows to return (the core asks for one more than the page size). */
  readonly limit: number;
}

/** An entry of a stream as a driver stores and returns it. */
export interface StoredEntry {
  /** The tenant; the core checks it. */
  readonly tenantId: string;
  /** The stream id; the core checks it. */
  readonly streamId: string;
  /** 1 for the first entry of the stream, then +1 with no gaps. */
  readonly position: number;
  /** The encoded payload, as an object or as its JSON text. */
  readonly payload: JsonObject | string;
  /** The idempotency key of the append that wrote the entry, or null. */
  readonly idempotencyKey: string | null;
}

/** An append prepared by the core. */
export interface AppendRequest {
  /** The encoded payloads, appended in order at the next positions. */
  readonly payloads: readonly JsonObject[];
  /**
   * The idempotency key with the hash of the encoded payloads
   * (core `payloadHash`), or null. If an earlier append of this stream
   * stored the key, append nothing and return it as `replayed` with its hash
   * and entries; the core compares the hashes. The key is checked before the
   * version.
   */
  readonly idempotency: { readonly key: string; readonly payloadHash: string } | null;
  /** Append only if the stream is at this version (0: empty); `null`: unconditionally. */
  readonly expectedVersion: number | null;
  /** Create a `pending` delivery state for each entry (the outbox). */
  readonly trackDelivery: boolean;
}

/** The outcome of {@link StorageDriverOperations.appendToStream}. */
export type AppendOutcome =
  /** The payloads were appended; `entries` are the new entries. */
  | { readonly status: 'appended'; readonly entries: readonly StoredEntry[] }
  /** The key was stored before: nothing was appended; the stored hash and the entries of that first append. */
  | { readonly status: 'replayed'; readonly payloadHash: string; readonly entries: readonly StoredEntry[] }
  /** The stream was not at `expectedVersion`: nothing was appended. */
  | { readonly status: 'version_conflict'; readonly actualVersion: number };

/** A page of a stream as read by a driver. */
export interface StreamRead {
  /** The stream's version (its number of entries) when read; 0 for a stream never appended to. */
  readonly version: number;
  /** The entries from the requested position on, in order, at most `limit`. */
  readonly entries: readonly StoredEntry[];
}

/** Where an outbox entry is on its way to delivery. */
export type OutboxDeliveryStatus = 'pending' | 'claimed' | 'delivered' | 'failed' | 'dead';

/** The delivery state of an outbox entry as a driver stores it (times as epoch ms). */
export interface OutboxDeliveryRow {
  /** The state. */
  readonly status: OutboxDeliveryStatus;
  /** How many times the entry has been claimed. */
  readonly attempts: number;
  /** While `claimed`: when the claim lapses; otherwise null. */
  readonly leaseExpiresAtMs: number | null;
  /** While `failed`: when it may be claimed again; otherwise null. */
  readonly nextAttemptAtMs: number | null;
  /** When it was delivered, once `delivered`. */
  readonly deliveredAtMs: number | null;
  /** The error of the last failed attempt, if any. */
  readonly lastError: string | null;
}

/** A claimed outbox entry as a driver returns it. */
export interface OutboxClaimRow {
  /** The entry. */
  readonly entry: StoredEntry;
  /** The attempt number this claim holds (the entry's `attempts` after the claim): the fencing token for completion. */
  readonly attempt: number;
}

/** The outcome of one delivery attempt, as a driver records it. */
export type OutboxOutcomeRow =
  | { readonly status: 'delivered'; readonly atMs: number }
  /** Failed: retry no earlier than `retryAtMs`, or never (`null`: the entry becomes `dead`). */
  | { readonly status: 'failed'; readonly atMs: number; readonly error: string; readonly retryAtMs: number | null };

/**
 * The record and stream calls of a driver, which are also what a
 * transaction offers. Each must be atomic on its own.
 */
export interface StorageDriverOperations {
  /**
   * The stored rows for `ids` (distinct), in the same order: `null` for an
   * id with no record in this tenant and collection.
   */
  getRecords(tenantId: string, collection: string, ids: readonly string[]): Promise<readonly (StoredRow | null)[]>;
  /**
   * Writes all of `writes` (distinct ids) or none. Each write checks its
   * `expectedVersion` against the current row; the new version is 1 for a
   * new record and the current version + 1 otherwise. On the first failed
   * condition nothing is written and the conflict is returned.
   */
  putRecords(tenantId: string, collection: string, writes: readonly RowWrite[]): Promise<PutRecordsOutcome>;
  /**
   * Deletes one record. `expectedVersion` (≥ 1) must match the current
   * version (a missing record is a conflict with `actualVersion: null`);
   * without it a missing record is `missing` and nothing is touched.
   */
  deleteRecord(tenantId: string, collection: string, id: string, expectedVersion: number | undefined): Promise<DeleteRecordOutcome>;
  /** The rows of this tenant and collection that match `plan`, in its order, at most `plan.limit`. */
  queryRecords(tenantId: string, collection: string, plan: QueryPlan): Promise<readonly StoredRow[]>;
  /**
   * Appends to the stream `(tenantId, kind, streamId)` atomically: first the
   * idempotency key (replay), then the expected version (conflict), then the
   * entries at positions `version + 1 …` (no gaps, no duplicates under
   * concurrency), storing the key with its hash.
   */
  appendToStream(tenantId: string, kind: string, streamId: string, request: AppendRequest): Promise<AppendOutcome>;
  /** Up to `limit` entries from `fromPosition` on (≥ 1), with the stream's version; `limit` may be 0 to read only the version. */
  readStream(tenantId: string, kind: string, streamId: string, fromPosition: number, limit: number): Promise<StreamRead>;
}

/**
 * A storage driver: the contract a plugin author implements for a database.
 * Wrap it with {@link createCrmStorage} to get a {@link CrmStorage}; the core
 * validates inputs, encodes records, enforces tenant checks, builds cursors
 * and errors, so the driver stores and compares JSON-safe values.
 *
 * Rules every driver keeps (the conformance kit checks them):
 * - every key leads with the tenant id; nothing is ever read, written or
 *   deleted outside the tenant named by the call;
 * - a call that matches nothing touches nothing;
 * - conditional writes and appends are atomic under concurrency (no lost
 *   update, no double spend, no gaps in stream positions);
 * - idempotency keys are unique per stream and stored with the payload hash.
 */
export interface StorageDriver extends StorageDriverOperations {
  /** A short name for messages (`memory`, `postgres`, `http`). */
  readonly name: string;
  /** The contract version the driver implements: `STORAGE_CONTRACT_VERSION` (1). */
  readonly contractVersion: number;
  /** The optional features the driver offers. */
  readonly capabilities: StorageCapabilities;
  /**
   * Runs `fn` in a transaction of one tenant: all of its writes and appends
   * take effect together when `fn` resolves, none when it throws (the error
   * is rethrown unchanged). Reads inside see the transaction's own writes;
   * conditions (versions, idempotency keys) hold at commit. Required when
   * `capabilities.transactions` is true.
   */
  transaction?<T>(tenantId: string, fn: (tx: StorageDriverOperations) => Promise<T>): Promise<T>;
  /**
   * Bulk upsert of distinct, unconditional rows (versions as `putRecords`
   * would give them); may use COPY or multi-row inserts. Required when
   * `capabilities.bulkImport` is true.
   */
  importRows?(tenantId: string, collection: string, rows: readonly RowWrite[]): Promise<void>;
  /**
   * Claims up to `limit` outbox entries of one outbox stream, oldest position
   * first, that are claimable at `nowMs`: `pending`; `failed` with
   * `nextAttemptAtMs ≤ nowMs`; or `claimed` with `leaseExpiresAtMs ≤ nowMs`.
   * Each becomes `claimed` with `attempts + 1` and the given lease, atomically:
   * two concurrent claims never return the same entry. Required with `capabilities.outbox`.
   */
  claimOutbox?(tenantId: string, streamId: string, request: { readonly limit: number; readonly nowMs: number; readonly leaseExpiresAtMs: number }): Promise<readonly OutboxClaimRow[]>;
  /**
   * Records the outcome of an attempt, only if the entry is still `claimed`
   * with `attempts === attempt` (the claim was not superseded); returns
   * whether it did. `delivered` sets `deliveredAtMs`; `failed` sets
   * `nextAttemptAtMs` and `lastError` (status `dead` when `retryAtMs` is null).
   */
  completeOutbox?(tenantId: string, streamId: string, position: number, attempt: number, outcome: OutboxOutcomeRow): Promise<boolean>;
  /** The delivery state of an outbox entry, or null when the stream has no entry at `position`. */
  readOutboxDelivery?(tenantId: string, streamId: string, position: number): Promise<OutboxDeliveryRow | null>;
  /** Releases connections and timers. */
  close?(): Promise<void>;
}
