import { decodeDocument, encodeIndexScalar } from './codec.js';
import type { RecordCollectionDefinition } from './collections.js';
import type { QueryPlan, StoredEntry, StoredRow } from './driver.js';
import { badResponse } from './driver-checks.js';
import { compareQueryPositions, indexValueOf, matchesIndexFilter, type IndexedRow } from './evaluate-query.js';
import type { StreamEntry, VersionedRecord } from './storage.js';
import type { StreamKindDefinition } from './stream-kinds.js';

/** Decodes a stored row with its collection's schema, checking the document's id. */
export function decodeRow(driver: string, collection: string, definition: RecordCollectionDefinition, row: StoredRow): VersionedRecord<unknown> {
  const record = decodeDocument(definition.schema, row.document, `${collection} record ${row.id}`) as { id?: unknown };
  if (record?.id !== row.id) throw badResponse(driver, `the document of ${collection} row ${row.id} holds id ${JSON.stringify(record?.id)}`);
  return { record, version: row.version };
}

/** Decodes a stored stream entry with its kind's schema. */
export function decodeEntry(kind: string, definition: StreamKindDefinition, entry: StoredEntry): StreamEntry<unknown> {
  return {
    streamId: entry.streamId,
    position: entry.position,
    payload: decodeDocument(definition.schema, entry.payload, `${kind} entry ${entry.streamId}#${entry.position}`),
    idempotencyKey: entry.idempotencyKey,
  };
}

/**
 * Decodes the rows a driver returned for a query and checks that each really
 * matches the filters, comes after the keyset position and in order: an
 * adapter that answers "all rows" is stopped with `BAD_RESPONSE`. Returns
 * the decoded records with their positions.
 */
export function verifyQueryRows(
  driver: string,
  collection: string,
  definition: RecordCollectionDefinition,
  plan: QueryPlan,
  rows: readonly StoredRow[],
): { readonly decoded: VersionedRecord<unknown>[]; readonly positions: NonNullable<QueryPlan['after']>[] } {
  const decoded = rows.map((row) => decodeRow(driver, collection, definition, row));
  let previous = plan.after;
  const positions = decoded.map((item, index) => {
    const record = item.record as Record<string, unknown>;
    const index_: Record<string, string | number | boolean | null> = {};
    for (const [field, declaration] of Object.entries(definition.indexes)) index_[field] = encodeIndexScalar(declaration.type, record[field], field);
    const indexed: IndexedRow = { id: rows[index]!.id, index: index_ };
    if (!plan.filters.every((filter) => matchesIndexFilter(indexValueOf(indexed, filter.field), filter))) {
      throw badResponse(driver, `queryRecords returned ${collection} record ${indexed.id}, which does not match the query`);
    }
    const position = { value: indexValueOf(indexed, plan.order.field), id: indexed.id };
    if (previous !== null && compareQueryPositions(position, previous, plan.order.direction) <= 0) {
      throw badResponse(driver, `queryRecords returned ${collection} record ${indexed.id} out of order or not after the cursor`);
    }
    previous = position;
    return position;
  });
  return { decoded, positions };
}
