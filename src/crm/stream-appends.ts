import type { SchemaInput } from '../adapters/index.js';
import type { CrmTx } from './runtime.js';
import type { CrmStreamSchemas } from './storage-registry.js';

type StreamKind = keyof CrmStreamSchemas & string;

/** Most payloads one append takes (the storage contract's batch limit). */
const APPEND_LIMIT = 1000;

/** One stream's part of {@link appendToStreams}. Internal to the facade. */
export interface StreamAppend<P> {
  readonly streamId: string;
  readonly payloads: readonly P[];
  /** Append only if the stream is at this version (else `VERSION_CONFLICT`); unconditional when absent. */
  readonly expectedVersion?: number;
  /** The idempotency key of the stream's first append. */
  readonly idempotencyKey?: string;
}

/**
 * Appends to many streams of one kind inside a transaction: each stream's
 * payloads 1000 to an append, the first conditional on its
 * `expectedVersion` and carrying its key, each next one on the version the
 * one before reached. Streams with no payloads are left alone. One append
 * per stream and chunk, as the storage contract appends to one stream at a
 * time: the one place a many-stream append would serve a whole batch.
 * Internal to the facade.
 */
export async function appendToStreams<K extends StreamKind>(tx: CrmTx, tenantId: string, kind: K, appends: readonly StreamAppend<SchemaInput<CrmStreamSchemas, K>>[]): Promise<void> {
  for (const { streamId, payloads, expectedVersion, idempotencyKey } of appends) {
    for (let i = 0; i < payloads.length; i += APPEND_LIMIT) {
      await tx.append(tenantId, kind, streamId, payloads.slice(i, i + APPEND_LIMIT), {
        ...(expectedVersion === undefined ? {} : { expectedVersion: expectedVersion + i }),
        ...(i === 0 && idempotencyKey !== undefined ? { idempotencyKey } : {}),
      });
    }
  }
}
