import type { z } from 'zod';
import type { StorageCapabilities } from './capabilities.js';
import type { DefaultCollectionSchemas } from './collections.js';
import type { OutboxDeliveryStatus, StorageDriver } from './driver.js';
import type { SchemaMap, StorageRegistry } from './registry.js';
import type { DefaultStreamSchemas, OutboxPayload } from './stream-kinds.js';

/** A record with its version, as storage returns it. */
export interface VersionedRecord<T> {
  /** The record, decoded by its collection's schema (instants are `Date`s). */
  readonly record: T;
  /** Its version: 1 when created, +1 on every write. */
  readonly version: number;
}

/** Options of a record write. */
export interface PutOptions {
  /**
   * Optimistic concurrency: `0` creates only (a record with the id must not
   * exist); `n ≥ 1` replaces only the record at version `n`. Omitted, the
   * write is unconditional. A failed condition is a `VERSION_CONFLICT` and
   * writes nothing.
   */
  readonly expectedVersion?: number;
}

/** One write of a `putMany`. */
export interface RecordWrite<T> {
  /** The record (its `id` says which). */
  readonly record: T;
  /** See {@link PutOptions.expectedVersion}. */
  readonly expectedVersion?: number;
}

/** Options of a delete. */
export interface DeleteOptions {
  /** Delete only the record at this version (≥ 1); a missing record is then a `VERSION_CONFLICT`. */
  readonly expectedVersion?: number;
}

/** A value an indexed field is compared with: instants as `Date` or ISO 8601 text with an offset. */
export type IndexFilterInput = string | number | boolean | Date;

/** Conditions on one indexed field, all of which must hold. */
export interface IndexConditionInput {
  /** Equal to. */
  readonly eq?: IndexFilterInput;
  /** Equal to one of (an empty list matches nothing). */
  readonly in?: readonly IndexFilterInput[];
  /** Greater than. */
  readonly gt?: IndexFilterInput;
  /** Greater than or equal to. */
  readonly gte?: IndexFilterInput;
  /** Less than. */
  readonly lt?: IndexFilterInput;
  /** Less than or equal to. */
  readonly lte?: IndexFilterInput;
}

/**
 * A query on indexed fields: `where` maps a field to a value (equality),
 * `null` (the record has no value) or an {@link IndexConditionInput}.
 * Fields combine with AND. Only declared indexed fields and `id` may appear.
 */
export interface RecordQuery {
  /** Conditions by field. */
  readonly where?: Readonly<Record<string, IndexFilterInput | null | IndexConditionInput>>;
  /** The order: a field (default `id`) and a direction (default `asc`); ties break by id in the same direction. */
  readonly orderBy?: { readonly field: string; readonly direction?: 'asc' | 'desc' };
  /** Page size, 1 to 1000 (default 100). */
  readonly limit?: number;
  /** The `nextCursor` of the previous page of the same query. */
  readonly cursor?: string | null;
}

/** A page of query results. */
export interface RecordPage<T> {
  /** The matching records, in order. */
  readonly items: VersionedRecord<T>[];
  /** Pass as `cursor` for the next page; `null` when there is none. */
  readonly nextCursor: string | null;
}

/** Options of a full scan. */
export interface ScanOptions {
  /** Conditions, as in {@link RecordQuery.where}. */
  readonly where?: RecordQuery['where'];
  /** The order, as in {@link RecordQuery.orderBy}. */
  readonly orderBy?: RecordQuery['orderBy'];
  /** Records fetched per round trip, 1 to 1000 (default 100): the memory a scan holds. */
  readonly pageSize?: number;
}

/** Options of {@link CrmStorage.importRecords}. */
export interface ImportOptions {
  /** Records validated and written per batch, 1 to 5000 (default 1000). */
  readonly batchSize?: number;
}

/** One entry of a stream. */
export interface StreamEntry<P> {
  /** The stream id. */
  readonly streamId: string;
  /** The position: 1 for the first entry, then +1 with no gaps. */
  readonly position: number;
  /** The payload, decoded by the stream kind's schema. */
  readonly payload: P;
  /** The idempotency key of the append that wrote it, or null. */
  readonly idempotencyKey: string | null;
}

/** Options of an append. */
export interface AppendOptions {
  /**
   * An idempotency key (an id: 1–128 characters, no control characters): the first
   * append with the key is stored with the hash of its payloads; a later
   * append with the same key and the same payloads appends nothing and
   * returns the first result; with other payloads it is an
   * `IDEMPOTENCY_CONFLICT`. Keys are scoped to the stream.
   */
  readonly idempotencyKey?: string;
  /** Append only if the stream is at this version (`0`: empty); else `VERSION_CONFLICT`. */
  readonly expectedVersion?: number;
}

/** What an append returns. */
export interface AppendResult<P> {
  /** The entries written (on a replay: the entries the first append wrote). */
  readonly entries: StreamEntry<P>[];
  /** The stream version right after those entries. */
  readonly version: number;
  /** Whether this call was an idempotent replay that appended nothing. */
  readonly replayed: boolean;
}

/** Options of a stream read. */
export interface ReadStreamOptions {
  /** The first position to read (default 1). */
  readonly fromPosition?: number;
  /** The most entries to return, 1 to 1000 (default 100). */
  readonly limit?: number;
}

/** A page of a stream. */
export interface StreamPage<P> {
  /** Entries from the requested position, in order. */
  readonly entries: StreamEntry<P>[];
  /** The stream's version when read (0 for a stream never appended to). */
  readonly version: number;
  /** The position to read next, or null when the page reached the end. */
  readonly nextPosition: number | null;
}

/** Options of a full stream read. */
export interface IterateStreamOptions {
  /** The first position (default 1). */
  readonly fromPosition?: number;
  /** Entries fetched per round trip, 1 to 1000 (default 100). */
  readonly pageSize?: number;
}

/** Options of an outbox claim. */
export interface ClaimOutboxOptions {
  /** The outbox stream. */
  readonly streamId: string;
  /** The most entries to claim, 1 to 1000. */
  readonly limit: number;
  /** How long the claim holds, in ms (1 to 86,400,000); after it another worker may claim the entry. */
  readonly leaseMs: number;
  /** The current time (workers pass their clock, so tests control leases). */
  readonly now: Date;
}

/** A claimed outbox entry. */
export interface OutboxClaim<P = OutboxPayload> {
  /** The entry to deliver. */
  readonly entry: StreamEntry<P>;
  /** The attempt number this claim holds; pass it to `completeOutbox`. */
  readonly attempt: number;
  /** When the claim lapses. */
  readonly leaseExpiresAt: Date;
}

/** The outcome of one delivery attempt. */
export type OutboxOutcome =
  | { readonly status: 'delivered'; readonly at: Date }
  /** Failed: retry no earlier than `retryAt`, or never (`null`: the entry becomes `dead`). */
  | { readonly status: 'failed'; readonly at: Date; readonly error: string; readonly retryAt: Date | null };

/** What `completeOutbox` needs. */
export interface CompleteOutboxInput {
  /** The outbox stream. */
  readonly streamId: string;
  /** The entry's position. */
  readonly position: number;
  /** The claim's attempt number. */
  readonly attempt: number;
  /** What happened. */
  readonly outcome: OutboxOutcome;
}

/** The delivery state of an outbox entry. */
export interface OutboxDelivery {
  /** Where the entry is. */
  readonly status: OutboxDeliveryStatus;
  /** How many times it has been claimed. */
  readonly attempts: number;
  /** While claimed: when the claim lapses. */
  readonly leaseExpiresAt: Date | null;
  /** While failed: when it may be claimed again. */
  readonly nextAttemptAt: Date | null;
  /** When it was delivered. */
  readonly deliveredAt: Date | null;
  /** The error of the last failed attempt. */
  readonly lastError: string | null;
}

/** What the schema named `K` of a {@link SchemaMap} produces: a record or payload as storage returns it. */
export type SchemaOutput<M extends SchemaMap, K extends keyof M> = z.output<M[K]>;
/** What the schema named `K` of a {@link SchemaMap} accepts: a record or payload as callers write it. */
export type SchemaInput<M extends SchemaMap, K extends keyof M> = z.input<M[K]>;
/** The names of a {@link SchemaMap}: the collections or stream kinds of a registry. */
export type SchemaName<M extends SchemaMap> = keyof M & string;

/**
 * The record and stream calls of a storage; also what a transaction offers.
 * Every call names its tenant first.
 */
export interface CrmStorageOperations<C extends SchemaMap = DefaultCollectionSchemas, S extends SchemaMap = DefaultStreamSchemas> {
  /**
   * The record with this id, or `null` when there is none (never
   * `undefined`, never a throw).
   *
   * @throws `ValidationError` for an invalid tenant id, unknown collection or invalid id.
   */
  get<K extends SchemaName<C>>(tenantId: string, collection: K, id: string): Promise<VersionedRecord<SchemaOutput<C, K>> | null>;
  /** The records with these ids (at most 1000, duplicates allowed), in the same order, `null` where missing. */
  getMany<K extends SchemaName<C>>(tenantId: string, collection: K, ids: readonly string[]): Promise<(VersionedRecord<SchemaOutput<C, K>> | null)[]>;
  /**
   * Validates, then creates or replaces a record; returns it as stored, with
   * its new version (1 for a new record, +1 otherwise).
   *
   * @throws `ValidationError` for a malformed record (nothing written).
   * @throws `CrmError` `VERSION_CONFLICT` when `expectedVersion` does not hold (nothing written).
   */
  put<K extends SchemaName<C>>(tenantId: string, collection: K, record: SchemaInput<C, K>, options?: PutOptions): Promise<VersionedRecord<SchemaOutput<C, K>>>;
  /** Writes up to 1000 records with distinct ids, all or none; see {@link CrmStorageOperations.put}. */
  putMany<K extends SchemaName<C>>(tenantId: string, collection: K, writes: readonly RecordWrite<SchemaInput<C, K>>[]): Promise<VersionedRecord<SchemaOutput<C, K>>[]>;
  /**
   * Deletes a record; `true` if one was deleted, `false` if there was none
   * (nothing touched).
   *
   * @throws `CrmError` `VERSION_CONFLICT` when `expectedVersion` does not hold.
   */
  delete(tenantId: string, collection: SchemaName<C>, id: string, options?: DeleteOptions): Promise<boolean>;
  /**
   * One page of the records matching a query on indexed fields, with a
   * cursor for the next page. Pagination is keyset on (order field, id): a
   * record inserted or deleted elsewhere never shifts the next page, and a
   * record present throughout whose order value does not change is returned
   * exactly once.
   *
   * @throws `ValidationError` for an undeclared field, a value of the
   * wrong type, a bad limit, or a cursor of another query.
   */
  query<K extends SchemaName<C>>(tenantId: string, collection: K, query?: RecordQuery): Promise<RecordPage<SchemaOutput<C, K>>>;
  /**
   * Appends payloads (1 to 1000) to the stream `(kind, streamId)` as one
   * atomic step, idempotently when a key is given.
   *
   * @throws `ValidationError` for a malformed payload (nothing appended).
   * @throws `CrmError` `VERSION_CONFLICT` when `expectedVersion` does not hold,
   * `IDEMPOTENCY_CONFLICT` when the key was used with other payloads.
   */
  append<K extends SchemaName<S>>(
    tenantId: string,
    kind: K,
    streamId: string,
    payloads: readonly SchemaInput<S, K>[],
    options?: AppendOptions,
  ): Promise<AppendResult<SchemaOutput<S, K>>>;
  /** Entries of a stream from a position; an unknown stream is empty at version 0. */
  readStream<K extends SchemaName<S>>(tenantId: string, kind: K, streamId: string, options?: ReadStreamOptions): Promise<StreamPage<SchemaOutput<S, K>>>;
  /** The stream's version: its number of entries (0 for a stream never appended to). */
  streamVersion(tenantId: string, kind: SchemaName<S>, streamId: string): Promise<number>;
}

/** The calls available inside {@link CrmStorage.transaction}; each must name the transaction's tenant. */
export type CrmStorageTransaction<C extends SchemaMap = DefaultCollectionSchemas, S extends SchemaMap = DefaultStreamSchemas> = CrmStorageOperations<C, S>;

/**
 * A storage of the SDK's records and streams, built by
 * {@link createCrmStorage} over a {@link StorageDriver}. Validation,
 * encoding, tenant checks, cursors and errors live here, identical for
 * every adapter.
 */
export interface CrmStorage<C extends SchemaMap = DefaultCollectionSchemas, S extends SchemaMap = DefaultStreamSchemas>
  extends CrmStorageOperations<C, S> {
  /** The driver's name. */
  readonly name: string;
  /** {@link STORAGE_CONTRACT_VERSION}. */
  readonly contractVersion: number;
  /** The driver's optional features. */
  readonly capabilities: StorageCapabilities;
  /** The collections and stream kinds served. */
  readonly registry: StorageRegistry<C, S>;
  /**
   * The driver protocol of this storage with every input validated against
   * the registry and every response checked, for serving it to untrusted
   * callers over a wire (the HTTP handler).
   */
  readonly driver: StorageDriver;
  /**
   * Every record matching `where`, in order, fetched a page at a time: memory
   * stays bounded by the page size whatever the collection's size. Records
   * written during the scan behind its position are not seen; records
   * ahead of it are.
   */
  scan<K extends SchemaName<C>>(tenantId: string, collection: K, options?: ScanOptions): AsyncIterable<VersionedRecord<SchemaOutput<C, K>>>;
  /**
   * Validates and writes records from an iterable or async iterable in
   * batches (unconditional create-or-replace; ids unique within a batch),
   * using the driver's bulk path when it has one. Each batch is all or
   * nothing; a bad record stops the import with a `ValidationError` whose
   * path is `records[i]…` and whose message says how many records were
   * written before its batch.
   *
   * @returns the number of records written
   */
  importRecords<K extends SchemaName<C>>(
    tenantId: string,
    collection: K,
    records: Iterable<SchemaInput<C, K>> | AsyncIterable<SchemaInput<C, K>>,
    options?: ImportOptions,
  ): Promise<{ readonly imported: number }>;
  /** Every entry of a stream from a position, fetched a page at a time. */
  iterateStream<K extends SchemaName<S>>(tenantId: string, kind: K, streamId: string, options?: IterateStreamOptions): AsyncIterable<StreamEntry<SchemaOutput<S, K>>>;
  /**
   * Runs `fn` in a transaction of one tenant: all writes and appends made
   * through `tx` take effect together when `fn` resolves, none when it throws
   * (the error is rethrown unchanged). Use only `tx` inside `fn`.
   *
   * @throws `CrmError` `UNSUPPORTED` when the driver has no transactions.
   */
  transaction<T>(tenantId: string, fn: (tx: CrmStorageTransaction<C, S>) => Promise<T>): Promise<T>;
  /**
   * Claims outbox entries for delivery (see {@link StorageDriver.claimOutbox}):
   * concurrent workers never hold the same entry at once.
   *
   * @throws `CrmError` `UNSUPPORTED` without the `outbox` capability.
   */
  claimOutbox(tenantId: string, options: ClaimOutboxOptions): Promise<OutboxClaim<SchemaOutput<S, 'outbox'>>[]>;
  /**
   * Records a delivery attempt's outcome if the claim still holds; `true`
   * exactly once per claim, `false` when the claim was superseded (the
   * lease lapsed and another worker claimed the entry) or already completed.
   */
  completeOutbox(tenantId: string, input: CompleteOutboxInput): Promise<boolean>;
  /** The delivery state of an outbox entry, or `null` when there is no entry at that position. */
  readOutboxDelivery(tenantId: string, streamId: string, position: number): Promise<OutboxDelivery | null>;
  /** Releases the driver's connections. */
  close(): Promise<void>;
}
