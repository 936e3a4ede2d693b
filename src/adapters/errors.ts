import { CrmError } from '../core/index.js';

/*
 * The contract's outcome errors, built in one place so that every adapter
 * reports them with the same code, message and details.
 */

/** `VERSION_CONFLICT` for a record write or delete whose expected version did not hold. */
export function recordVersionConflict(collection: string, id: string, expectedVersion: number, actualVersion: number | null): CrmError {
  const actual = actualVersion === null ? 'does not exist' : `is at version ${actualVersion}`;
  const expected = expectedVersion === 0 ? 'expected no record (expectedVersion 0, create only)' : `expected version ${expectedVersion}`;
  return new CrmError('VERSION_CONFLICT', `${collection} record ${id} ${actual}; ${expected}`, {
    details: { collection, id, expectedVersion, actualVersion },
  });
}

/** `VERSION_CONFLICT` for a conditional append to a stream that moved on. */
export function streamVersionConflict(kind: string, streamId: string, expectedVersion: number, actualVersion: number): CrmError {
  return new CrmError('VERSION_CONFLICT', `${kind} stream ${streamId} is at version ${actualVersion}; expected version ${expectedVersion}`, {
    details: { kind, streamId, expectedVersion, actualVersion },
  });
}

/** `IDEMPOTENCY_CONFLICT` for a key reused with other payloads. */
export function idempotencyConflict(kind: string, streamId: string, idempotencyKey: string, storedPayloadHash: string, payloadHash: string): CrmError {
  return new CrmError(
    'IDEMPOTENCY_CONFLICT',
    `idempotency key ${JSON.stringify(idempotencyKey)} of ${kind} stream ${streamId} was first used with other payloads (hash ${storedPayloadHash.slice(0, 12)}…, now ${payloadHash.slice(0, 12)}…)`,
    { details: { kind, streamId, idempotencyKey, storedPayloadHash, payloadHash } },
  );
}

/** `UNSUPPORTED` for a feature the driver does not declare. */
export function unsupported(driver: string, feature: string): CrmError {
  return new CrmError('UNSUPPORTED', `the ${driver} storage driver does not support ${feature}`, { details: { driver, feature } });
}
