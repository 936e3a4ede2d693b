import { ValidationError, parse, payloadHash, type ValidationIssue } from '../core/index.js';
import { encodeDocument, encodeIndexScalar, type JsonObject } from './codec.js';
import type { RecordCollectionDefinition } from './collections.js';
import type { AppendRequest, RowWrite } from './driver.js';
import { checkBatch, checkEach, checkExpectedVersion, checkId, checkOptions } from './inputs.js';
import { storageLimits } from './limits.js';
import type { StreamKindDefinition } from './stream-kinds.js';

/** A validated record, encoded for the driver. */
export interface PreparedRecord {
  /** The record as the schema parsed it. */
  readonly parsed: Record<string, unknown>;
  /** What the driver writes. */
  readonly row: RowWrite;
}

/**
 * Validates one record against its collection: parses it with the schema,
 * checks it has a valid id, encodes it and extracts its index values.
 */
export function prepareRecord(
  collection: string,
  definition: RecordCollectionDefinition,
  input: unknown,
  path: string,
  expectedVersion: number | undefined,
): PreparedRecord {
  const label = `${collection} record`;
  const parsed: unknown = parse(definition.schema, input, { label, path });
  if (parsed === null || typeof parsed !== 'object' || typeof (parsed as { id?: unknown }).id !== 'string') {
    throw new ValidationError([{ path, message: `the schema of collection ${collection} must produce an object with a string id` }], { label });
  }
  const record = parsed as Record<string, unknown>;
  const id = checkId(record.id, join(path, 'id'));
  const document = encodeDocument(record, { label, path });
  const index: Record<string, string | number | boolean | null> = {};
  for (const [field, declaration] of Object.entries(definition.indexes)) {
    index[field] = encodeIndexScalar(declaration.type, record[field], join(path, field));
  }
  return { parsed: record, row: { id, document, index, expectedVersion } };
}

/**
 * Validates a batch of writes (1 to 1000, distinct ids), reporting every bad
 * one at once.
 */
export function prepareWrites(
  collection: string,
  definition: RecordCollectionDefinition,
  writes: unknown,
  path: string,
): PreparedRecord[] {
  const items = checkBatch(writes, path, storageLimits.maxBatchItems);
  const prepared = checkEach(
    items,
    (item, index) => {
      const itemPath = `${path}[${index}]`;
      const options = checkOptions(item, itemPath, ['record', 'expectedVersion']);
      if (!('record' in options)) throw new ValidationError([{ path: `${itemPath}.record`, message: 'expected a record' }]);
      return prepareRecord(collection, definition, options.record, `${itemPath}.record`, checkExpectedVersion(options.expectedVersion, `${itemPath}.expectedVersion`, 0));
    },
    `${collection} records`,
  );
  checkDistinctIds(prepared.map((item) => item.row.id), path, (index) => `${path}[${index}].record.id`);
  return prepared;
}

/** Throws when an id appears twice in one batch (a driver writes each row once per call). */
export function checkDistinctIds(ids: readonly string[], label: string, pathOf: (index: number) => string): void {
  const seen = new Map<string, number>();
  const issues: ValidationIssue[] = [];
  ids.forEach((id, index) => {
    const first = seen.get(id);
    if (first === undefined) seen.set(id, index);
    else issues.push({ path: pathOf(index), message: `id ${JSON.stringify(id)} appears twice in one batch (first at ${pathOf(first)})` });
  });
  if (issues.length > 0) throw new ValidationError(issues, { label });
}

/**
 * Validates an append: the stream id, 1 to 1000 payloads (each parsed by the
 * kind's schema, with its stream-id field equal to the stream id), the
 * options; encodes the payloads and hashes them for the idempotency key.
 */
export function prepareAppend(
  kind: string,
  definition: StreamKindDefinition,
  streamId: string,
  payloads: unknown,
  options: unknown,
): AppendRequest {
  const checked = checkOptions(options, 'options', ['idempotencyKey', 'expectedVersion']);
  const idempotencyKey = checked.idempotencyKey === undefined ? undefined : checkIdempotencyKey(checked.idempotencyKey);
  const expectedVersion = checkExpectedVersion(checked.expectedVersion, 'options.expectedVersion', 0);
  const items = checkBatch(payloads, 'payloads', storageLimits.maxBatchItems);
  const encoded: JsonObject[] = checkEach(
    items,
    (item, index) => {
      const path = `payloads[${index}]`;
      const label = `${kind} payload`;
      const parsed: unknown = parse(definition.schema, item, { label, path });
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new ValidationError([{ path, message: `the schema of stream kind ${kind} must produce an object` }], { label });
      }
      const field = definition.streamIdField;
      if (field !== undefined && (parsed as Record<string, unknown>)[field] !== streamId) {
        throw new ValidationError([
          { path: `${path}.${field}`, message: `a ${kind} entry of stream ${JSON.stringify(streamId)} must have ${field} ${JSON.stringify(streamId)}, got ${JSON.stringify((parsed as Record<string, unknown>)[field])}` },
        ]);
      }
      return encodeDocument(parsed, { label, path });
    },
    `${kind} payloads`,
  );
  return {
    payloads: encoded,
    idempotency: idempotencyKey === undefined ? null : { key: idempotencyKey, payloadHash: payloadHash(encoded) },
    expectedVersion: expectedVersion ?? null,
    trackDelivery: definition.tracksDelivery === true,
  };
}

function checkIdempotencyKey(value: unknown): string {
  const key = checkId(value, 'options.idempotencyKey');
  if (key.length > storageLimits.maxIdempotencyKeyLength) {
    throw new ValidationError([{ path: 'options.idempotencyKey', message: `expected at most ${storageLimits.maxIdempotencyKeyLength} characters` }]);
  }
  return key;
}

function join(path: string, field: string): string {
  return path === '' ? field : `${path}.${field}`;
}
