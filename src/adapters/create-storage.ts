import { ValidationError, type ValidationIssue } from '../core/index.js';
import type { StorageCapabilities } from './capabilities.js';
import type { DefaultCollectionSchemas, RecordCollectionDefinition } from './collections.js';
import { STORAGE_CONTRACT_VERSION } from './contract-version.js';
import { encodeQueryCursor } from './cursor.js';
import type { OutboxOutcomeRow, QueryPlan, StorageDriver, StorageDriverOperations } from './driver.js';
import { callDriver, checkAppendOutcome, checkDeleteOutcome, checkGetRows, checkPutOutcome, checkQueryRows, checkStreamRead, driverFailure, writeUnconditionalRows } from './driver-checks.js';
import { idempotencyConflict, recordVersionConflict, streamVersionConflict, unsupported } from './errors.js';
import { decodeEntry, decodeRow, verifyQueryRows } from './decode.js';
import { guardDriver } from './guard-driver.js';
import { checkBatch, checkEach, checkExpectedVersion, checkId, checkInteger, checkOptions, resolveCollection, resolveStreamKind, type AnyRegistry } from './inputs.js';
import { storageLimits } from './limits.js';
import { checkDistinctIds, prepareAppend, prepareRecord, prepareWrites, type PreparedRecord } from './prepare.js';
import { planQuery, type PlannedQuery } from './query.js';
import { defaultStorageRegistry, usesOnlyBuiltInNames, type SchemaMap, type StorageRegistry } from './registry.js';
import type {
  AppendResult,
  CrmStorage,
  CrmStorageOperations,
  OutboxClaim,
  OutboxDelivery,
  RecordPage,
  StreamPage,
  VersionedRecord,
} from './storage.js';
import type { DefaultStreamSchemas, StreamKindDefinition } from './stream-kinds.js';

/** Records prepared between two turns of the event loop during an import. */
const PREPARE_SLICE = 250;

/** Resolves on the next turn of the event loop (after pending I/O callbacks), in Node and in browsers. */
function turnOfEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof globalThis.setImmediate === 'function') globalThis.setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
}

/** Options of {@link createCrmStorage}. */
export interface CreateCrmStorageOptions<C extends SchemaMap = DefaultCollectionSchemas, S extends SchemaMap = DefaultStreamSchemas> {
  /** The collections and stream kinds to serve; default {@link defaultStorageRegistry}. */
  readonly registry?: StorageRegistry<C, S>;
}

/**
 * Builds a {@link CrmStorage} over a driver. This is where the contract's
 * rules live, once for every adapter: inputs are validated against the
 * registry (bad input is a `ValidationError` and reaches no driver), records
 * and payloads are encoded and decoded by the one codec, tenant ids are
 * checked on every row that comes back, cursors and idempotency hashes are
 * made here, and contract outcomes become the same `CrmError`s whatever the
 * driver.
 *
 * @throws `CrmError` `UNSUPPORTED` when the driver implements another
 * contract version, or the registry adds collections to a driver without
 * `customCollections`.
 * @throws `ValidationError` when the driver lacks a method its
 * capabilities promise.
 * @example
 * ```ts
 * const storage = createCrmStorage(myDriver);
 * await storage.put('group-1', 'customers', customer, { expectedVersion: 0 });
 * ```
 */
export function createCrmStorage<C extends SchemaMap = DefaultCollectionSchemas, S extends SchemaMap = DefaultStreamSchemas>(
  driver: StorageDriver,
  options: CreateCrmStorageOptions<C, S> = {},
): CrmStorage<C, S> {
  const registry = (options.registry ?? defaultStorageRegistry) as unknown as AnyRegistry;
  const capabilities = checkDriver(driver, registry);
  const ctx: Context = { name: driver.name, registry };
  const top = operations(ctx, driver, { tenantId: undefined, isOpen: () => true });
  const guarded = guardDriver(driver, registry, capabilities);

  const storage: CrmStorage<SchemaMap, SchemaMap> = {
    ...top,
    name: driver.name,
    contractVersion: STORAGE_CONTRACT_VERSION,
    capabilities,
    registry,
    driver: guarded,

    async *scan(tenantId, collection, scanOptions) {
      const tenant = checkId(tenantId, 'tenantId');
      const definition = resolveCollection(registry, collection);
      const planned = planQuery(collection, definition, scanOptions, 'pageSize');
      if (planned.matchesNothing) return;
      let after: QueryPlan['after'] = null;
      for (;;) {
        const page = await queryPage(ctx, driver, tenant, collection, definition, { ...planned, plan: { ...planned.plan, after } });
        for (const item of page.items) yield item;
        if (page.last === null) return;
        after = page.last;
      }
    },

    async importRecords(tenantId, collection, records, importOptions) {
      const tenant = checkId(tenantId, 'tenantId');
      const definition = resolveCollection(registry, collection);
      const batchSize = checkInteger(checkOptions(importOptions, 'options', ['batchSize']).batchSize, 'options.batchSize', 1, storageLimits.maxImportBatch, 1000);
      if (records === null || typeof records !== 'object' || !(Symbol.iterator in records || Symbol.asyncIterator in records)) {
        throw new ValidationError([{ path: 'records', message: 'expected an iterable or async iterable of records' }]);
      }
      // Batches are pipelined: batch n+1 is validated and encoded while the
      // driver writes batch n. Writes still happen one batch at a time, in
      // order, and a bad record stops the import before its batch is written.
      let imported = 0;
      let queued = 0;
      let batch: unknown[] = [];
      let writing: Promise<void> | undefined;
      const settle = async () => {
        const pending = writing;
        writing = undefined;
        if (pending !== undefined) await pending;
      };
      const flush = async () => {
        if (batch.length === 0) return;
        const offset = queued;
        const current = batch;
        batch = [];
        let rows: PreparedRecord['row'][];
        try {
          // Prepared a slice at a time, letting the event loop turn between
          // slices while a write is in flight: a driver streaming the last
          // batch (COPY) needs the loop to keep its socket fed.
          const prepared: PreparedRecord[] = [];
          const issues: ValidationIssue[] = [];
          for (let from = 0; from < current.length; from += PREPARE_SLICE) {
            if (from > 0 && writing !== undefined) await turnOfEventLoop();
            try {
              prepared.push(...checkEach(current.slice(from, from + PREPARE_SLICE), (record, index) => prepareRecord(collection, definition, record, `records[${offset + from + index}]`, undefined)));
            } catch (error) {
              if (!(error instanceof ValidationError)) throw error;
              issues.push(...error.issues);
            }
          }
          if (issues.length > 0) throw new ValidationError(issues);
          checkDistinctIds(prepared.map((item) => item.row.id), `${collection} import`, (index) => `records[${offset + index}].id`);
          rows = prepared.map((item) => item.row);
        } catch (error) {
          await settle();
          if (error instanceof ValidationError) {
            throw new ValidationError(error.issues, { label: `${collection} import (${imported} records written before the batch holding the bad record; nothing of that batch)`, cause: error });
          }
          throw error;
        }
        await settle();
        const write = writeUnconditionalRows(driver, tenant, collection, rows).then(() => {
          imported += rows.length;
        });
        // Observed when settled; this keeps a failure during the next batch's
        // preparation from being reported as an unhandled rejection meanwhile.
        write.catch(() => undefined);
        writing = write;
        queued += rows.length;
      };
      try {
        for await (const record of records as AsyncIterable<unknown>) {
          batch.push(record);
          if (batch.length >= batchSize) await flush();
        }
        await flush();
      } catch (error) {
        // The first failure is the one reported; a write still in flight is waited for.
        await settle().catch(() => undefined);
        throw error;
      }
      await settle();
      return { imported };
    },

    async *iterateStream(tenantId, kind, streamId, iterateOptions) {
      const checked = checkOptions(iterateOptions, 'options', ['fromPosition', 'pageSize']);
      let position = checkInteger(checked.fromPosition, 'options.fromPosition', 1, Number.MAX_SAFE_INTEGER, 1);
      const pageSize = checkInteger(checked.pageSize, 'options.pageSize', 1, storageLimits.maxPageSize, storageLimits.defaultPageSize);
      for (;;) {
        const page = await top.readStream(tenantId, kind, streamId, { fromPosition: position, limit: pageSize });
        for (const entry of page.entries) yield entry;
        if (page.nextPosition === null) return;
        position = page.nextPosition;
      }
    },

    async transaction(tenantId, fn) {
      const tenant = checkId(tenantId, 'tenantId');
      if (typeof fn !== 'function') throw new ValidationError([{ path: 'fn', message: 'expected a function (tx) => Promise' }]);
      if (!capabilities.transactions || driver.transaction === undefined) throw unsupported(ctx.name, 'transactions');
      let thrown: { error: unknown } | undefined;
      try {
        return await driver.transaction(tenant, async (driverTx) => {
          let open = true;
          const tx = operations(ctx, driverTx, { tenantId: tenant, isOpen: () => open });
          try {
            return await fn(tx);
          } catch (error) {
            thrown = { error };
            throw error;
          } finally {
            open = false;
          }
        });
      } catch (error) {
        if (thrown !== undefined && error === thrown.error) throw error;
        throw driverFailure(ctx.name, 'transaction', error);
      }
    },

    async claimOutbox(tenantId, claimOptions) {
      const checked = checkOptions(claimOptions, 'options', ['streamId', 'limit', 'leaseMs', 'now']);
      const leaseMs = checkInteger(checked.leaseMs, 'options.leaseMs', 1, storageLimits.maxLeaseMs);
      const nowMs = checkInstant(checked.now, 'options.now');
      const streamId = checkId(checked.streamId, 'options.streamId');
      const request = { limit: checkInteger(checked.limit, 'options.limit', 1, storageLimits.maxPageSize), nowMs, leaseExpiresAtMs: nowMs + leaseMs };
      // The guarded driver checks the tenant, the capability and the response.
      const rows = await guarded.claimOutbox!(tenantId, streamId, request);
      const definition = outboxKind(registry);
      return rows.map(
        (row): OutboxClaim<unknown> => ({ entry: decodeEntry('outbox', definition, row.entry), attempt: row.attempt, leaseExpiresAt: new Date(request.leaseExpiresAtMs) }),
      ) as OutboxClaim<never>[];
    },

    async completeOutbox(tenantId, input) {
      const checked = checkOptions(input, 'input', ['streamId', 'position', 'attempt', 'outcome']);
      const outcome = checkOptions(checked.outcome, 'input.outcome', ['status', 'at', 'error', 'retryAt']);
      const row = {
        status: outcome.status,
        atMs: checkInstant(outcome.at, 'input.outcome.at'),
        error: outcome.error,
        retryAtMs: outcome.retryAt === null || outcome.retryAt === undefined ? null : checkInstant(outcome.retryAt, 'input.outcome.retryAt'),
      } as OutboxOutcomeRow;
      return await guarded.completeOutbox!(tenantId, checked.streamId as string, checked.position as number, checked.attempt as number, row);
    },

    async readOutboxDelivery(tenantId, streamId, position) {
      const row = await guarded.readOutboxDelivery!(tenantId, streamId, position);
      if (row === null) return null;
      const date = (ms: number | null) => (ms === null ? null : new Date(ms));
      const delivery: OutboxDelivery = {
        status: row.status,
        attempts: row.attempts,
        leaseExpiresAt: date(row.leaseExpiresAtMs),
        nextAttemptAt: date(row.nextAttemptAtMs),
        deliveredAt: date(row.deliveredAtMs),
        lastError: row.lastError,
      };
      return delivery;
    },

    async close() {
      if (driver.close !== undefined) await callDriver(ctx.name, 'close', () => driver.close!());
    },
  };
  return Object.freeze(storage) as unknown as CrmStorage<C, S>;
}

interface Context {
  readonly name: string;
  readonly registry: AnyRegistry;
}

interface Scope {
  /** The tenant a transaction is bound to, or undefined outside one. */
  readonly tenantId: string | undefined;
  /** False once the transaction has ended. */
  isOpen(): boolean;
}

function checkDriver(driver: StorageDriver, registry: AnyRegistry): StorageCapabilities {
  if (driver === null || typeof driver !== 'object') throw new ValidationError([{ path: 'driver', message: 'expected a storage driver object' }]);
  const name = typeof driver.name === 'string' && driver.name.length > 0 ? driver.name : 'unnamed';
  if (driver.contractVersion !== STORAGE_CONTRACT_VERSION) {
    throw unsupportedVersion(name, driver.contractVersion);
  }
  const issues: { path: string; message: string }[] = [];
  for (const method of ['getRecords', 'putRecords', 'deleteRecord', 'queryRecords', 'appendToStream', 'readStream'] as const) {
    if (typeof driver[method] !== 'function') issues.push({ path: `driver.${method}`, message: 'every driver implements this method' });
  }
  const flags = driver.capabilities as Partial<StorageCapabilities> | undefined;
  const capabilities: StorageCapabilities = Object.freeze({
    transactions: flags?.transactions === true,
    outbox: flags?.outbox === true,
    customCollections: flags?.customCollections === true,
    bulkImport: flags?.bulkImport === true,
  });
  if (capabilities.transactions && typeof driver.transaction !== 'function') {
    issues.push({ path: 'driver.transaction', message: 'capabilities.transactions is true but the driver has no transaction method' });
  }
  if (capabilities.bulkImport && typeof driver.importRows !== 'function') {
    issues.push({ path: 'driver.importRows', message: 'capabilities.bulkImport is true but the driver has no importRows method' });
  }
  if (capabilities.outbox) {
    for (const method of ['claimOutbox', 'completeOutbox', 'readOutboxDelivery'] as const) {
      if (typeof driver[method] !== 'function') issues.push({ path: `driver.${method}`, message: `capabilities.outbox is true but the driver has no ${method} method` });
    }
  }
  if (issues.length > 0) throw new ValidationError(issues, { label: `${name} storage driver` });
  if (!capabilities.customCollections && !usesOnlyBuiltInNames(registry)) {
    throw unsupported(name, 'collections or stream kinds beyond the built-in registry (capabilities.customCollections)');
  }
  return capabilities;
}

function unsupportedVersion(name: string, version: unknown) {
  const error = unsupported(name, `storage contract version ${STORAGE_CONTRACT_VERSION}`);
  return Object.assign(error, {
    message: `the ${name} storage driver implements storage contract version ${String(version)}; this dealer-crm speaks version ${STORAGE_CONTRACT_VERSION}`,
  });
}

function outboxKind(registry: AnyRegistry): StreamKindDefinition {
  return resolveStreamKind(registry, 'outbox');
}

function checkInstant(value: unknown, path: string): number {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.getTime();
  throw new ValidationError([{ path, message: 'expected a valid Date' }]);
}

interface QueryPageResult {
  readonly items: VersionedRecord<unknown>[];
  /** The position of the last item when more rows follow, else null. */
  readonly last: QueryPlan['after'];
}

/** Runs one page of a planned query (checked by {@link verifyQueryRows}). */
async function queryPage(
  ctx: Context,
  ops: StorageDriverOperations,
  tenantId: string,
  collection: string,
  definition: RecordCollectionDefinition,
  planned: PlannedQuery,
): Promise<QueryPageResult> {
  const { plan, pageSize } = planned;
  const rows = checkQueryRows(ctx.name, await callDriver(ctx.name, 'queryRecords', () => ops.queryRecords(tenantId, collection, plan)), tenantId, plan.limit);
  const { decoded, positions } = verifyQueryRows(ctx.name, collection, definition, plan, rows);
  return { items: decoded.slice(0, pageSize), last: decoded.length > pageSize ? positions[pageSize - 1]! : null };
}

/** The record and stream calls over a set of driver operations (the driver itself, or a transaction). */
function operations(ctx: Context, ops: StorageDriverOperations, scope: Scope): CrmStorageOperations<SchemaMap, SchemaMap> {
  const { registry, name } = ctx;

  const tenantOf = (tenantId: unknown): string => {
    if (!scope.isOpen()) {
      throw new ValidationError([{ path: 'tx', message: 'the transaction has already ended; use the storage object outside the transaction callback' }]);
    }
    const tenant = checkId(tenantId, 'tenantId');
    if (scope.tenantId !== undefined && tenant !== scope.tenantId) {
      throw new ValidationError([
        { path: 'tenantId', message: `this transaction is bound to tenant ${JSON.stringify(scope.tenantId)}; got ${JSON.stringify(tenant)}` },
      ]);
    }
    return tenant;
  };

  const write = async (tenant: string, collection: string, definition: RecordCollectionDefinition, prepared: readonly PreparedRecord[]) => {
    const rows = prepared.map((item) => item.row);
    const outcome = checkPutOutcome(name, await callDriver(name, 'putRecords', () => ops.putRecords(tenant, collection, rows)), rows);
    if (outcome.status === 'conflict') {
      const row = rows[outcome.index]!;
      throw recordVersionConflict(collection, row.id, row.expectedVersion!, outcome.actualVersion);
    }
    return rows.map((row, index) => decodeRow(name, collection, definition, { tenantId: tenant, id: row.id, version: outcome.versions[index]!, document: row.document }));
  };

  const readPage = async (tenantId: unknown, kind: unknown, streamId: unknown, options: unknown, versionOnly = false): Promise<StreamPage<unknown>> => {
    const tenant = tenantOf(tenantId);
    const definition = resolveStreamKind(registry, kind);
    const stream = checkId(streamId, 'streamId');
    const checked = checkOptions(options, 'options', ['fromPosition', 'limit']);
    const fromPosition = checkInteger(checked.fromPosition, 'options.fromPosition', 1, Number.MAX_SAFE_INTEGER, 1);
    const limit = versionOnly ? 0 : checkInteger(checked.limit, 'options.limit', 1, storageLimits.maxPageSize, storageLimits.defaultPageSize);
    const read = checkStreamRead(
      name,
      await callDriver(name, 'readStream', () => ops.readStream(tenant, kind as string, stream, fromPosition, limit)),
      tenant,
      stream,
      fromPosition,
      limit,
    );
    const next = fromPosition + read.entries.length;
    return {
      entries: read.entries.map((entry) => decodeEntry(kind as string, definition, entry)),
      version: read.version,
      nextPosition: next <= read.version && limit > 0 ? next : null,
    };
  };

  return {
    async get(tenantId, collection, id) {
      const tenant = tenantOf(tenantId);
      const definition = resolveCollection(registry, collection);
      const key = checkId(id, 'id');
      const [row] = checkGetRows(name, await callDriver(name, 'getRecords', () => ops.getRecords(tenant, collection, [key])), tenant, [key]);
      return row ? decodeRow(name, collection, definition, row) : null;
    },

    async getMany(tenantId, collection, ids) {
      const tenant = tenantOf(tenantId);
      const definition = resolveCollection(registry, collection);
      const keys = checkEach(checkBatch(ids, 'ids', storageLimits.maxBatchItems), (id, index) => checkId(id, `ids[${index}]`));
      const distinct = [...new Set(keys)];
      const rows = checkGetRows(name, await callDriver(name, 'getRecords', () => ops.getRecords(tenant, collection, distinct)), tenant, distinct);
      const byId = new Map(distinct.map((id, index) => [id, rows[index]!]));
      return keys.map((id) => {
        const row = byId.get(id);
        return row ? decodeRow(name, collection, definition, row) : null;
      });
    },

    async put(tenantId, collection, record, options) {
      const tenant = tenantOf(tenantId);
      const definition = resolveCollection(registry, collection);
      const expectedVersion = checkExpectedVersion(checkOptions(options, 'options', ['expectedVersion']).expectedVersion, 'options.expectedVersion', 0);
      const prepared = prepareRecord(collection, definition, record, '', expectedVersion);
      const [stored] = await write(tenant, collection, definition, [prepared]);
      return stored!;
    },

    async putMany(tenantId, collection, writes) {
      const tenant = tenantOf(tenantId);
      const definition = resolveCollection(registry, collection);
      return await write(tenant, collection, definition, prepareWrites(collection, definition, writes, 'writes'));
    },

    async delete(tenantId, collection, id, options) {
      const tenant = tenantOf(tenantId);
      resolveCollection(registry, collection);
      const key = checkId(id, 'id');
      const expectedVersion = checkExpectedVersion(checkOptions(options, 'options', ['expectedVersion']).expectedVersion, 'options.expectedVersion', 1);
      const outcome = checkDeleteOutcome(name, await callDriver(name, 'deleteRecord', () => ops.deleteRecord(tenant, collection, key, expectedVersion)), expectedVersion);
      if (outcome.status === 'conflict') throw recordVersionConflict(collection, key, expectedVersion!, outcome.actualVersion);
      return outcome.status === 'deleted';
    },

    async query(tenantId, collection, query) {
      const tenant = tenantOf(tenantId);
      const definition = resolveCollection(registry, collection);
      const planned = planQuery(collection, definition, query);
      if (planned.matchesNothing) return { items: [], nextCursor: null };
      const page = await queryPage(ctx, ops, tenant, collection, definition, planned);
      const result: RecordPage<unknown> = { items: page.items, nextCursor: page.last === null ? null : encodeQueryCursor(planned.fingerprint, page.last) };
      return result;
    },

    async append(tenantId, kind, streamId, payloads, options) {
      const tenant = tenantOf(tenantId);
      const definition = resolveStreamKind(registry, kind);
      const stream = checkId(streamId, 'streamId');
      const request = prepareAppend(kind, definition, stream, payloads, options);
      const outcome = checkAppendOutcome(name, await callDriver(name, 'appendToStream', () => ops.appendToStream(tenant, kind, stream, request)), tenant, stream, request);
      if (outcome.status === 'version_conflict') throw streamVersionConflict(kind, stream, request.expectedVersion!, outcome.actualVersion);
      if (outcome.status === 'replayed' && outcome.payloadHash !== request.idempotency!.payloadHash) {
        throw idempotencyConflict(kind, stream, request.idempotency!.key, outcome.payloadHash, request.idempotency!.payloadHash);
      }
      const entries = outcome.entries.map((entry) => decodeEntry(kind, definition, entry));
      const result: AppendResult<unknown> = { entries, version: entries[entries.length - 1]!.position, replayed: outcome.status === 'replayed' };
      return result;
    },

    readStream: (tenantId, kind, streamId, options) => readPage(tenantId, kind, streamId, options),

    async streamVersion(tenantId, kind, streamId) {
      return (await readPage(tenantId, kind, streamId, undefined, true)).version;
    },
  } as CrmStorageOperations<SchemaMap, SchemaMap>;
}
