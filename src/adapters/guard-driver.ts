import { ValidationError } from '../core/index.js';
import type { StorageCapabilities } from './capabilities.js';
import type { AppendRequest, OutboxOutcomeRow, RowWrite, StorageDriver, StorageDriverOperations } from './driver.js';
import {
  badResponse,
  callDriver,
  checkAppendOutcome,
  checkClaims,
  checkDeleteOutcome,
  checkDeliveryRow,
  checkGetRows,
  checkPutOutcome,
  checkQueryRows,
  checkStreamRead,
  writeUnconditionalRows,
} from './driver-checks.js';
import { verifyQueryRows } from './decode.js';
import { unsupported } from './errors.js';
import { checkBatch, checkEach, checkExpectedVersion, checkId, checkInteger, checkOptions, resolveCollection, resolveStreamKind, type AnyRegistry } from './inputs.js';
import { storageLimits } from './limits.js';
import { checkDistinctIds, prepareAppend, prepareRecord } from './prepare.js';
import { checkQueryPlan } from './query.js';

/**
 * The driver protocol of a driver with every input validated against the
 * registry and every response checked. Documents and payloads are parsed
 * by their schemas and re-encoded (so the driver stores canonical JSON),
 * index values are recomputed from the document, idempotency hashes are
 * recomputed from the payloads: nothing a caller sends is trusted. This is
 * what `CrmStorage.driver` exposes for the HTTP handler.
 */
export function guardDriver(driver: StorageDriver, registry: AnyRegistry, capabilities: StorageCapabilities): StorageDriver {
  const name = driver.name;
  const operations = (ops: StorageDriverOperations, boundTenant: string | undefined): StorageDriverOperations => {
    const tenantOf = (tenantId: unknown) => {
      const tenant = checkId(tenantId, 'tenantId');
      if (boundTenant !== undefined && tenant !== boundTenant) {
        throw new ValidationError([{ path: 'tenantId', message: `this transaction is bound to tenant ${JSON.stringify(boundTenant)}` }]);
      }
      return tenant;
    };
    return {
      async getRecords(tenantId, collection, ids) {
        const tenant = tenantOf(tenantId);
        resolveCollection(registry, collection);
        const keys = checkEach(checkBatch(ids, 'ids', storageLimits.maxBatchItems), (id, index) => checkId(id, `ids[${index}]`));
        checkDistinctIds(keys, 'ids', (index) => `ids[${index}]`);
        return checkGetRows(name, await callDriver(name, 'getRecords', () => ops.getRecords(tenant, collection, keys)), tenant, keys);
      },
      async putRecords(tenantId, collection, writes) {
        const tenant = tenantOf(tenantId);
        const rows = checkRowWrites(registry, collection, writes, true);
        return checkPutOutcome(name, await callDriver(name, 'putRecords', () => ops.putRecords(tenant, collection, rows)), rows);
      },
      async deleteRecord(tenantId, collection, id, expectedVersion) {
        const tenant = tenantOf(tenantId);
        resolveCollection(registry, collection);
        const key = checkId(id, 'id');
        const expected = checkExpectedVersion(expectedVersion ?? undefined, 'expectedVersion', 1);
        return checkDeleteOutcome(name, await callDriver(name, 'deleteRecord', () => ops.deleteRecord(tenant, collection, key, expected)), expected);
      },
      async queryRecords(tenantId, collection, plan) {
        const tenant = tenantOf(tenantId);
        const definition = resolveCollection(registry, collection);
        const checked = checkQueryPlan(collection, definition, plan);
        const rows = checkQueryRows(name, await callDriver(name, 'queryRecords', () => ops.queryRecords(tenant, collection, checked)), tenant, checked.limit);
        verifyQueryRows(name, collection, definition, checked, rows);
        return rows;
      },
      async appendToStream(tenantId, kind, streamId, request) {
        const tenant = tenantOf(tenantId);
        const definition = resolveStreamKind(registry, kind);
        const stream = checkId(streamId, 'streamId');
        const input = checkOptions(request, 'request', ['payloads', 'idempotency', 'expectedVersion', 'trackDelivery']);
        const idempotency = input.idempotency === null || input.idempotency === undefined ? undefined : checkOptions(input.idempotency, 'request.idempotency', ['key', 'payloadHash']);
        const prepared: AppendRequest = prepareAppend(kind, definition, stream, input.payloads, {
          idempotencyKey: idempotency?.key,
          expectedVersion: input.expectedVersion ?? undefined,
        });
        return checkAppendOutcome(name, await callDriver(name, 'appendToStream', () => ops.appendToStream(tenant, kind, stream, prepared)), tenant, stream, prepared);
      },
      async readStream(tenantId, kind, streamId, fromPosition, limit) {
        const tenant = tenantOf(tenantId);
        resolveStreamKind(registry, kind);
        const stream = checkId(streamId, 'streamId');
        const from = checkInteger(fromPosition, 'fromPosition', 1, Number.MAX_SAFE_INTEGER);
        const count = checkInteger(limit, 'limit', 0, storageLimits.maxPageSize);
        return checkStreamRead(name, await callDriver(name, 'readStream', () => ops.readStream(tenant, kind, stream, from, count)), tenant, stream, from, count);
      },
    };
  };

  const guarded: StorageDriver = {
    name,
    contractVersion: driver.contractVersion,
    capabilities,
    ...operations(driver, undefined),
    async transaction(tenantId, fn) {
      const tenant = checkId(tenantId, 'tenantId');
      if (!capabilities.transactions || driver.transaction === undefined) throw unsupported(name, 'transactions');
      return await driver.transaction(tenant, (tx) => fn(operations(tx, tenant)));
    },
    async importRows(tenantId, collection, rows) {
      const tenant = checkId(tenantId, 'tenantId');
      await writeUnconditionalRows(driver, tenant, collection, checkRowWrites(registry, collection, rows, false, storageLimits.maxImportBatch));
    },
    async claimOutbox(tenantId, streamId, request) {
      const tenant = checkId(tenantId, 'tenantId');
      const stream = checkId(streamId, 'streamId');
      const input = checkOptions(request, 'request', ['limit', 'nowMs', 'leaseExpiresAtMs']);
      const limit = checkInteger(input.limit, 'request.limit', 1, storageLimits.maxPageSize);
      const nowMs = checkInteger(input.nowMs, 'request.nowMs', 0, Number.MAX_SAFE_INTEGER);
      const leaseExpiresAtMs = checkInteger(input.leaseExpiresAtMs, 'request.leaseExpiresAtMs', nowMs + 1, nowMs + storageLimits.maxLeaseMs);
      resolveStreamKind(registry, 'outbox');
      if (!capabilities.outbox || driver.claimOutbox === undefined) throw unsupported(name, 'the outbox');
      const claims = await callDriver(name, 'claimOutbox', () => driver.claimOutbox!(tenant, stream, { limit, nowMs, leaseExpiresAtMs }));
      return checkClaims(name, claims, tenant, stream, limit);
    },
    async completeOutbox(tenantId, streamId, position, attempt, outcome) {
      const tenant = checkId(tenantId, 'tenantId');
      const stream = checkId(streamId, 'streamId');
      const at = checkInteger(position, 'position', 1, Number.MAX_SAFE_INTEGER);
      const tries = checkInteger(attempt, 'attempt', 1, Number.MAX_SAFE_INTEGER);
      const checked = checkOutcome(outcome);
      resolveStreamKind(registry, 'outbox');
      if (!capabilities.outbox || driver.completeOutbox === undefined) throw unsupported(name, 'the outbox');
      const applied = await callDriver(name, 'completeOutbox', () => driver.completeOutbox!(tenant, stream, at, tries, checked));
      if (typeof applied !== 'boolean') throw badResponse(name, 'completeOutbox did not return a boolean');
      return applied;
    },
    async readOutboxDelivery(tenantId, streamId, position) {
      const tenant = checkId(tenantId, 'tenantId');
      const stream = checkId(streamId, 'streamId');
      const at = checkInteger(position, 'position', 1, Number.MAX_SAFE_INTEGER);
      resolveStreamKind(registry, 'outbox');
      if (!capabilities.outbox || driver.readOutboxDelivery === undefined) throw unsupported(name, 'the outbox');
      return checkDeliveryRow(name, await callDriver(name, 'readOutboxDelivery', () => driver.readOutboxDelivery!(tenant, stream, at)));
    },
    async close() {
      if (driver.close !== undefined) await callDriver(name, 'close', () => driver.close!());
    },
  };
  return Object.freeze(guarded);
}

function checkRowWrites(registry: AnyRegistry, collection: string, writes: unknown, conditional: boolean, max = storageLimits.maxBatchItems): RowWrite[] {
  const definition = resolveCollection(registry, collection);
  const items = checkBatch(writes, 'writes', max);
  const rows = checkEach(
    items,
    (item, index) => {
      const path = `writes[${index}]`;
      const write = checkOptions(item, path, ['id', 'document', 'index', 'expectedVersion']);
      const expected = conditional ? checkExpectedVersion(write.expectedVersion ?? undefined, `${path}.expectedVersion`, 0) : undefined;
      if (!conditional && write.expectedVersion !== undefined && write.expectedVersion !== null) {
        throw new ValidationError([{ path: `${path}.expectedVersion`, message: 'a bulk import writes unconditionally' }]);
      }
      const { row } = prepareRecord(collection, definition, write.document, `${path}.document`, expected);
      if (row.id !== write.id) throw new ValidationError([{ path: `${path}.id`, message: `expected the id of the document, ${JSON.stringify(row.id)}` }]);
      return row;
    },
    `${collection} rows`,
  );
  checkDistinctIds(
    rows.map((row) => row.id),
    `${collection} rows`,
    (index) => `writes[${index}].id`,
  );
  return rows;
}

function checkOutcome(outcome: unknown): OutboxOutcomeRow {
  const input = checkOptions(outcome, 'outcome', ['status', 'atMs', 'error', 'retryAtMs']);
  const atMs = checkInteger(input.atMs, 'outcome.atMs', 0, Number.MAX_SAFE_INTEGER);
  if (input.status === 'delivered') return { status: 'delivered', atMs };
  if (input.status !== 'failed') throw new ValidationError([{ path: 'outcome.status', message: 'expected delivered or failed' }]);
  if (typeof input.error !== 'string' || input.error.length === 0) throw new ValidationError([{ path: 'outcome.error', message: 'expected a description of the failure' }]);
  const retryAtMs = input.retryAtMs === null ? null : checkInteger(input.retryAtMs, 'outcome.retryAtMs', 0, Number.MAX_SAFE_INTEGER);
  return { status: 'failed', atMs, error: input.error.slice(0, 2000), retryAtMs };
}
