import { z } from 'zod';
import { storageLimits } from '../limits.js';

/*
 * The JSON bodies of the protocol. Request bodies are checked by the handler
 * (their shape; the storage's guarded driver then checks every value against
 * the registry), response bodies by the client (their shape; the storage core
 * then checks every rule of the contract). Values are the driver protocol's,
 * which is JSON-safe: times are epoch milliseconds.
 */

const jsonObject = z.record(z.string(), z.unknown());
const count = z.int().min(0);
const positive = z.int().min(1);
const scalar = z.union([z.string(), z.number(), z.boolean()]);
const indexType = z.enum(['string', 'number', 'boolean', 'instant']);

const filterSchema = z.discriminatedUnion('op', [
  z.strictObject({ field: z.string(), type: indexType, op: z.enum(['eq', 'gt', 'gte', 'lt', 'lte']), value: scalar }),
  z.strictObject({ field: z.string(), type: indexType, op: z.literal('in'), values: z.array(scalar).min(1).max(storageLimits.maxBatchItems) }),
  z.strictObject({ field: z.string(), type: indexType, op: z.literal('isNull') }),
]);

const outcomeSchema = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('delivered'), atMs: count }),
  z.strictObject({ status: z.literal('failed'), atMs: count, error: z.string().min(1), retryAtMs: count.nullable() }),
]);

/** Request bodies by operation (POST routes). */
export const requestBodySchemas = {
  getRecords: z.strictObject({ ids: z.array(z.string()).min(1).max(storageLimits.maxBatchItems) }),
  putRecords: z.strictObject({
    writes: z.array(z.strictObject({ id: z.string(), document: jsonObject, expectedVersion: count.optional() })).min(1).max(storageLimits.maxBatchItems),
  }),
  deleteRecord: z.strictObject({ id: z.string(), expectedVersion: positive.optional() }),
  queryRecords: z.strictObject({
    plan: z.strictObject({
      filters: z.array(filterSchema).max(64),
      order: z.strictObject({ field: z.string(), type: indexType, direction: z.enum(['asc', 'desc']) }),
      after: z.strictObject({ value: scalar.nullable(), id: z.string() }).nullable(),
      limit: positive,
    }),
  }),
  importRows: z.strictObject({ rows: z.array(z.strictObject({ id: z.string(), document: jsonObject })).min(1).max(storageLimits.maxImportBatch) }),
  appendToStream: z.strictObject({ payloads: z.array(jsonObject).min(1).max(storageLimits.maxBatchItems), expectedVersion: count.nullable() }),
  beginTransaction: z.strictObject({}),
  commitTransaction: z.strictObject({}),
  rollbackTransaction: z.strictObject({}),
  claimOutbox: z.strictObject({ limit: positive, nowMs: count, leaseExpiresAtMs: count }),
  completeOutbox: z.strictObject({ position: positive, attempt: positive, outcome: outcomeSchema }),
} as const;

/** The query of `GET …/streams/:kind/:streamId`: `from` (≥ 1) and `limit` (0 reads only the version). */
export const readStreamQuerySchema = z.strictObject({
  from: z.string().regex(/^[1-9]\d{0,15}$/, { error: 'expected a position: an integer ≥ 1' }).transform(Number),
  limit: z.string().regex(/^\d{1,4}$/, { error: `expected an integer from 0 to ${storageLimits.maxPageSize}` }).transform(Number),
});

/** A position in a path (`…/deliveries/:position`). */
export const positionParamSchema = z.string().regex(/^[1-9]\d{0,15}$/, { error: 'expected a position: an integer ≥ 1' }).transform(Number);

const storedRow = z.object({ tenantId: z.string(), id: z.string(), version: z.int(), document: z.union([jsonObject, z.string()]) });
const storedEntry = z.object({
  tenantId: z.string(),
  streamId: z.string(),
  position: z.int(),
  payload: z.union([jsonObject, z.string()]),
  idempotencyKey: z.string().nullable(),
});
const time = z.number().nullable();

/** Response bodies by operation, as the client checks them. */
export const responseBodySchemas = {
  describe: z.object({
    name: z.string(),
    contractVersion: z.int(),
    capabilities: z.object({ transactions: z.boolean(), outbox: z.boolean(), customCollections: z.boolean(), bulkImport: z.boolean() }),
    collections: z.array(z.string()),
    streams: z.array(z.string()),
  }),
  getRecords: z.object({ rows: z.array(storedRow.nullable()) }),
  putRecords: z.discriminatedUnion('status', [
    z.object({ status: z.literal('written'), versions: z.array(z.int()) }),
    z.object({ status: z.literal('conflict'), index: z.int(), actualVersion: z.int().nullable() }),
  ]),
  deleteRecord: z.discriminatedUnion('status', [
    z.object({ status: z.literal('deleted') }),
    z.object({ status: z.literal('missing') }),
    z.object({ status: z.literal('conflict'), actualVersion: z.int().nullable() }),
  ]),
  queryRecords: z.object({ rows: z.array(storedRow) }),
  importRows: z.object({ imported: z.int() }),
  appendToStream: z.discriminatedUnion('status', [
    z.object({ status: z.literal('appended'), entries: z.array(storedEntry) }),
    z.object({ status: z.literal('replayed'), payloadHash: z.string(), entries: z.array(storedEntry) }),
    z.object({ status: z.literal('version_conflict'), actualVersion: z.int() }),
  ]),
  readStream: z.object({ version: z.int(), entries: z.array(storedEntry) }),
  beginTransaction: z.object({ transactionId: z.string().min(1) }),
  commitTransaction: z.object({ committed: z.literal(true) }),
  rollbackTransaction: z.object({ rolledBack: z.literal(true) }),
  claimOutbox: z.object({ claims: z.array(z.object({ entry: storedEntry, attempt: z.int() })) }),
  completeOutbox: z.object({ applied: z.boolean() }),
  readOutboxDelivery: z.object({
    delivery: z
      .object({
        status: z.enum(['pending', 'claimed', 'delivered', 'failed', 'dead']),
        attempts: z.int(),
        leaseExpiresAtMs: time,
        nextAttemptAtMs: time,
        deliveredAtMs: time,
        lastError: z.string().nullable(),
      })
      .nullable(),
  }),
} as const;
