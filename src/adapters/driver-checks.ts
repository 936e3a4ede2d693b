import { CrmError } from '../core/index.js';
import type {
  StorageDriver,
  AppendOutcome,
  AppendRequest,
  DeleteRecordOutcome,
  OutboxClaimRow,
  OutboxDeliveryRow,
  PutRecordsOutcome,
  RowWrite,
  StoredEntry,
  StoredRow,
  StreamRead,
} from './driver.js';

/*
 * Checks of what a driver returns. A driver that breaks the contract (a row
 * of another tenant, a version that does not follow, a gap in a stream) is
 * stopped here with BAD_RESPONSE instead of handing wrong data on: the
 * rules that matter most are enforced once, in the core, for every adapter.
 */

/** A `BAD_RESPONSE` error naming the driver and the broken rule. */
export function badResponse(driver: string, message: string, details: Record<string, unknown> = {}): CrmError {
  return new CrmError('BAD_RESPONSE', `the ${driver} storage driver broke the storage contract: ${message}`, { details: { driver, ...details } });
}

/**
 * Runs a driver call, turning any failure that is not a `CrmError` into an
 * `INTERNAL` error with the original as its cause.
 */
export async function callDriver<T>(driver: string, operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw driverFailure(driver, operation, error);
  }
}

/** A driver's failure as a `CrmError`: a `CrmError` as it is, anything else as `INTERNAL` with the original as cause. */
export function driverFailure(driver: string, operation: string, error: unknown): CrmError {
  if (error instanceof CrmError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new CrmError('INTERNAL', `the ${driver} storage driver failed in ${operation}: ${message}`, { cause: error, details: { driver, operation } });
}

function isVersion(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;
}

function checkRow(driver: string, row: unknown, tenantId: string): StoredRow {
  const candidate = row as StoredRow | null;
  if (candidate === null || typeof candidate !== 'object') throw badResponse(driver, 'a row is not an object');
  if (candidate.tenantId !== tenantId) {
    throw badResponse(driver, `it returned a row of tenant ${JSON.stringify(candidate.tenantId)} to a call for tenant ${JSON.stringify(tenantId)}`, {
      expectedTenant: tenantId,
    });
  }
  if (typeof candidate.id !== 'string') throw badResponse(driver, 'a row has no string id');
  if (!isVersion(candidate.version)) throw badResponse(driver, `row ${candidate.id} has version ${String(candidate.version)}; versions are integers ≥ 1`);
  if (typeof candidate.document !== 'string' && (candidate.document === null || typeof candidate.document !== 'object')) {
    throw badResponse(driver, `row ${candidate.id} has no document`);
  }
  return candidate;
}

/** Checks `getRecords`: one entry per id, in order, each null or the row of that id in this tenant. */
export function checkGetRows(driver: string, rows: unknown, tenantId: string, ids: readonly string[]): (StoredRow | null)[] {
  if (!Array.isArray(rows) || rows.length !== ids.length) {
    throw badResponse(driver, `getRecords returned ${Array.isArray(rows) ? rows.length : typeof rows} entries for ${ids.length} ids`);
  }
  return rows.map((row: unknown, index) => {
    if (row === null) return null;
    if (row === undefined) throw badResponse(driver, 'getRecords returned undefined for a missing record; the contract says null');
    const checked = checkRow(driver, row, tenantId);
    if (checked.id !== ids[index]) throw badResponse(driver, `getRecords returned record ${checked.id} where ${ids[index]} was asked for`);
    return checked;
  });
}

/** Checks `queryRecords`: at most `limit` rows of this tenant with distinct ids. */
export function checkQueryRows(driver: string, rows: unknown, tenantId: string, limit: number): StoredRow[] {
  if (!Array.isArray(rows)) throw badResponse(driver, 'queryRecords did not return an array');
  if (rows.length > limit) throw badResponse(driver, `queryRecords returned ${rows.length} rows for a limit of ${limit}`);
  const checked = rows.map((row: unknown) => checkRow(driver, row, tenantId));
  if (new Set(checked.map((row) => row.id)).size !== checked.length) throw badResponse(driver, 'queryRecords returned the same record twice');
  return checked;
}

/** Checks `putRecords`: versions that follow from the conditions, or a conflict that is one. */
export function checkPutOutcome(driver: string, outcome: unknown, writes: readonly RowWrite[]): PutRecordsOutcome {
  const candidate = outcome as PutRecordsOutcome | null;
  if (candidate?.status === 'written') {
    if (!Array.isArray(candidate.versions) || candidate.versions.length !== writes.length) {
      throw badResponse(driver, 'putRecords returned a version count that differs from the write count');
    }
    candidate.versions.forEach((version, index) => {
      const expected = writes[index]!.expectedVersion;
      const ok = isVersion(version) && (expected === undefined || version === expected + 1);
      if (!ok) throw badResponse(driver, `putRecords gave ${writes[index]!.id} version ${String(version)} for expected version ${String(expected)}`);
    });
    return candidate;
  }
  if (candidate?.status === 'conflict') {
    const write = Number.isSafeInteger(candidate.index) ? writes[candidate.index] : undefined;
    const actual = candidate.actualVersion;
    if (write === undefined || write.expectedVersion === undefined || !(actual === null || isVersion(actual))) {
      throw badResponse(driver, 'putRecords reported a conflict for a write that has no condition or no such write');
    }
    const holds = write.expectedVersion === 0 ? actual === null : actual === write.expectedVersion;
    if (holds) throw badResponse(driver, `putRecords reported a conflict on ${write.id} although its condition holds`);
    return candidate;
  }
  throw badResponse(driver, 'putRecords returned neither written nor conflict');
}

/** Checks `deleteRecord`'s outcome against its condition. */
export function checkDeleteOutcome(driver: string, outcome: unknown, expectedVersion: number | undefined): DeleteRecordOutcome {
  const candidate = outcome as DeleteRecordOutcome | null;
  switch (candidate?.status) {
    case 'deleted':
      return candidate;
    case 'missing':
      if (expectedVersion !== undefined) throw badResponse(driver, 'deleteRecord reported missing for a conditional delete; that is a conflict');
      return candidate;
    case 'conflict':
      if (expectedVersion === undefined || candidate.actualVersion === expectedVersion || !(candidate.actualVersion === null || isVersion(candidate.actualVersion))) {
        throw badResponse(driver, 'deleteRecord reported a conflict that is none');
      }
      return candidate;
    default:
      throw badResponse(driver, 'deleteRecord returned no known status');
  }
}

function checkEntries(driver: string, entries: unknown, tenantId: string, streamId: string, operation: string): StoredEntry[] {
  if (!Array.isArray(entries)) throw badResponse(driver, `${operation} did not return an array of entries`);
  return entries.map((entry: unknown, index) => {
    const candidate = entry as StoredEntry | null;
    if (candidate === null || typeof candidate !== 'object') throw badResponse(driver, `${operation} returned an entry that is not an object`);
    if (candidate.tenantId !== tenantId) {
      throw badResponse(driver, `${operation} returned an entry of tenant ${JSON.stringify(candidate.tenantId)} to a call for tenant ${JSON.stringify(tenantId)}`);
    }
    if (candidate.streamId !== streamId) throw badResponse(driver, `${operation} returned an entry of stream ${JSON.stringify(candidate.streamId)}`);
    if (!isVersion(candidate.position)) throw badResponse(driver, `${operation} returned position ${String(candidate.position)}`);
    if (index > 0 && candidate.position !== (entries[index - 1] as StoredEntry).position + 1) {
      throw badResponse(driver, `${operation} returned positions with a gap or out of order`);
    }
    if (typeof candidate.payload !== 'string' && (candidate.payload === null || typeof candidate.payload !== 'object')) {
      throw badResponse(driver, `${operation} returned an entry without a payload`);
    }
    if (candidate.idempotencyKey !== null && typeof candidate.idempotencyKey !== 'string') {
      throw badResponse(driver, `${operation} returned an idempotency key that is neither a string nor null`);
    }
    return candidate;
  });
}

/** Checks `appendToStream`: contiguous new entries, a replay of a first append, or a real conflict. */
export function checkAppendOutcome(driver: string, outcome: unknown, tenantId: string, streamId: string, request: AppendRequest): AppendOutcome {
  const candidate = outcome as AppendOutcome | null;
  switch (candidate?.status) {
    case 'appended': {
      const entries = checkEntries(driver, candidate.entries, tenantId, streamId, 'appendToStream');
      if (entries.length !== request.payloads.length) throw badResponse(driver, `appendToStream stored ${entries.length} entries for ${request.payloads.length} payloads`);
      if (request.expectedVersion !== null && entries[0]!.position !== request.expectedVersion + 1) {
        throw badResponse(driver, `appendToStream appended at position ${entries[0]!.position} to a stream expected at version ${request.expectedVersion}`);
      }
      const key = request.idempotency?.key ?? null;
      if (entries.some((entry) => entry.idempotencyKey !== key)) throw badResponse(driver, 'appendToStream did not store the idempotency key with the entries');
      return { status: 'appended', entries };
    }
    case 'replayed': {
      if (request.idempotency === null) throw badResponse(driver, 'appendToStream reported a replay for an append without an idempotency key');
      const entries = checkEntries(driver, candidate.entries, tenantId, streamId, 'appendToStream');
      if (entries.length === 0 || typeof candidate.payloadHash !== 'string') throw badResponse(driver, 'appendToStream reported a replay without its entries and hash');
      if (entries.some((entry) => entry.idempotencyKey !== request.idempotency!.key)) {
        throw badResponse(driver, 'appendToStream replayed entries that carry another idempotency key');
      }
      return { status: 'replayed', payloadHash: candidate.payloadHash, entries };
    }
    case 'version_conflict': {
      const actual = candidate.actualVersion;
      if (request.expectedVersion === null || actual === request.expectedVersion || !Number.isSafeInteger(actual) || actual < 0) {
        throw badResponse(driver, 'appendToStream reported a version conflict that is none');
      }
      return candidate;
    }
    default:
      throw badResponse(driver, 'appendToStream returned no known status');
  }
}

/** Checks `readStream`: the version, and exactly the entries from `fromPosition` up to the limit or the end. */
export function checkStreamRead(driver: string, read: unknown, tenantId: string, streamId: string, fromPosition: number, limit: number): StreamRead {
  const candidate = read as StreamRead | null;
  if (candidate === null || typeof candidate !== 'object' || !Number.isSafeInteger(candidate.version) || candidate.version < 0) {
    throw badResponse(driver, 'readStream returned no version');
  }
  const entries = checkEntries(driver, candidate.entries, tenantId, streamId, 'readStream');
  const expectedCount = Math.max(0, Math.min(limit, candidate.version - fromPosition + 1));
  if (entries.length !== expectedCount || (entries.length > 0 && entries[0]!.position !== fromPosition)) {
    throw badResponse(driver, `readStream from position ${fromPosition} (limit ${limit}) of a stream at version ${candidate.version} returned ${entries.length} entries`);
  }
  return { version: candidate.version, entries };
}

/** Checks `claimOutbox`: at most `limit` distinct entries with attempts ≥ 1. */
export function checkClaims(driver: string, claims: unknown, tenantId: string, streamId: string, limit: number): OutboxClaimRow[] {
  if (!Array.isArray(claims) || claims.length > limit) throw badResponse(driver, `claimOutbox returned more than ${limit} claims or no array`);
  const positions = new Set<number>();
  return claims.map((claim: unknown) => {
    const candidate = claim as OutboxClaimRow | null;
    if (candidate === null || typeof candidate !== 'object' || !isVersion(candidate.attempt)) throw badResponse(driver, 'claimOutbox returned a claim without an attempt number');
    const [entry] = checkEntries(driver, [candidate.entry], tenantId, streamId, 'claimOutbox');
    if (positions.has(entry!.position)) throw badResponse(driver, 'claimOutbox returned the same entry twice');
    positions.add(entry!.position);
    return { entry: entry!, attempt: candidate.attempt };
  });
}

/** Checks a delivery state row. */
export function checkDeliveryRow(driver: string, row: unknown): OutboxDeliveryRow | null {
  if (row === null) return null;
  const candidate = row as OutboxDeliveryRow | undefined;
  const statuses = ['pending', 'claimed', 'delivered', 'failed', 'dead'];
  const time = (value: unknown) => value === null || (typeof value === 'number' && Number.isFinite(value));
  if (
    candidate === undefined ||
    typeof candidate !== 'object' ||
    !statuses.includes(candidate.status) ||
    !Number.isSafeInteger(candidate.attempts) ||
    candidate.attempts < 0 ||
    !time(candidate.leaseExpiresAtMs) ||
    !time(candidate.nextAttemptAtMs) ||
    !time(candidate.deliveredAtMs) ||
    !(candidate.lastError === null || typeof candidate.lastError === 'string')
  ) {
    throw badResponse(driver, 'readOutboxDelivery returned a malformed delivery state');
  }
  return candidate;
}

/**
 * Writes distinct, unconditional rows through the driver's bulk path when it
 * declares one, else through `putRecords` (which cannot conflict on them).
 */
export async function writeUnconditionalRows(driver: StorageDriver, tenantId: string, collection: string, rows: readonly RowWrite[]): Promise<void> {
  if (driver.importRows !== undefined && driver.capabilities.bulkImport === true) {
    await callDriver(driver.name, 'importRows', () => driver.importRows!(tenantId, collection, rows));
    return;
  }
  const outcome = checkPutOutcome(driver.name, await callDriver(driver.name, 'putRecords', () => driver.putRecords(tenantId, collection, rows)), rows);
  if (outcome.status === 'conflict') throw badResponse(driver.name, 'putRecords reported a conflict for unconditional writes');
}
