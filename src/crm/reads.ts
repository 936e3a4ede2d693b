import type { RecordQuery, SchemaOutput } from '../adapters/index.js';
import type { CrmTx } from './runtime.js';
import type { CrmCollectionSchemas, CrmStreamSchemas } from './storage-registry.js';

type CollectionName = keyof CrmCollectionSchemas & string;
type StreamKind = keyof CrmStreamSchemas & string;

const PAGE = 1000;

/** Every payload of a stream, read inside a transaction a page at a time, with the stream's version. Internal to the facade. */
export async function readWholeStream<K extends StreamKind>(
  tx: CrmTx,
  tenantId: string,
  kind: K,
  streamId: string,
): Promise<{ readonly payloads: SchemaOutput<CrmStreamSchemas, K>[]; readonly version: number }> {
  const payloads: SchemaOutput<CrmStreamSchemas, K>[] = [];
  let from = 1;
  let version = 0;
  for (;;) {
    const page = await tx.readStream(tenantId, kind, streamId, { fromPosition: from, limit: PAGE });
    version = page.version;
    for (const entry of page.entries) payloads.push(entry.payload);
    if (page.nextPosition === null) break;
    from = page.nextPosition;
  }
  return { payloads, version };
}

/** Every record matching a query, with versions, read inside a transaction a page at a time. Internal to the facade. */
export async function queryAll<K extends CollectionName>(
  tx: CrmTx,
  tenantId: string,
  collection: K,
  where: RecordQuery['where'],
): Promise<{ readonly record: SchemaOutput<CrmCollectionSchemas, K>; readonly version: number }[]> {
  const out: { record: SchemaOutput<CrmCollectionSchemas, K>; version: number }[] = [];
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<CrmTx['query']>> = await tx.query(tenantId, collection, { ...(where === undefined ? {} : { where }), limit: PAGE, cursor });
    for (const item of page.items) out.push(item as { record: SchemaOutput<CrmCollectionSchemas, K>; version: number });
    cursor = page.nextCursor;
  } while (cursor !== null);
  return out;
}

/**
 * Every payload of many streams of one kind, with their versions, read
 * inside a transaction: what {@link readWholeStream} gives for each. One
 * read per stream and page (the storage contract reads one stream at a
 * time). Internal to the facade.
 */
export async function readWholeStreams<K extends StreamKind>(
  tx: CrmTx,
  tenantId: string,
  kind: K,
  streamIds: readonly string[],
): Promise<Map<string, { readonly payloads: SchemaOutput<CrmStreamSchemas, K>[]; readonly version: number }>> {
  const out = new Map<string, { readonly payloads: SchemaOutput<CrmStreamSchemas, K>[]; readonly version: number }>();
  for (const streamId of streamIds) if (!out.has(streamId)) out.set(streamId, await readWholeStream(tx, tenantId, kind, streamId));
  return out;
}
