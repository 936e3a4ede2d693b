/** The size limits every storage adapter enforces identically; see {@link storageLimits}. */
export interface StorageLimits {
  /** Most ids in one `getMany`, writes in one `putMany`, payloads in one `append`. */
  readonly maxBatchItems: number;
  /** Largest page of a query, a stream read or an outbox claim. */
  readonly maxPageSize: number;
  /** Page size of a query or stream read that names none. */
  readonly defaultPageSize: number;
  /** Largest batch `importRecords` hands to the driver at once. */
  readonly maxImportBatch: number;
  /** Longest value (UTF-16 code units) of an indexed string field. */
  readonly maxIndexedStringLength: number;
  /** Largest encoded record or stream payload, in UTF-8 bytes of its JSON. */
  readonly maxDocumentBytes: number;
  /** Longest idempotency key, in characters. */
  readonly maxIdempotencyKeyLength: number;
  /** Longest outbox lease, in milliseconds. */
  readonly maxLeaseMs: number;
}

/**
 * The limits of the storage contract. They are part of the contract (the
 * conformance kit checks them), so that a program that works on one adapter
 * works on every other: bigger inputs are a `ValidationError` everywhere.
 */
export const storageLimits: StorageLimits = Object.freeze({
  maxBatchItems: 1000,
  maxPageSize: 1000,
  defaultPageSize: 100,
  maxImportBatch: 5000,
  maxIndexedStringLength: 256,
  maxDocumentBytes: 1_048_576,
  maxIdempotencyKeyLength: 128,
  maxLeaseMs: 86_400_000,
});
