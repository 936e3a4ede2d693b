import type { OutboxClaimRow, OutboxDeliveryRow, OutboxDeliveryStatus, OutboxOutcomeRow } from '../driver.js';
import type { StatementScope } from './scope.js';
import { storedEntry } from './stream-statements.js';
import { epochMsOf, quoteIdentifier, timestamptzText } from './sql-values.js';

/*
 * The outbox as SQL: one delivery row per outbox entry. A claim takes the
 * oldest claimable rows with `FOR UPDATE SKIP LOCKED` and marks them claimed
 * in the same statement, so concurrent workers never wait for each other
 * and never share a row; a completion updates the row only while it is
 * still claimed at the worker's attempt number (the fencing token).
 */

const msOrNull = (value: unknown) => (value === null ? null : Number(value));

/** Claims up to `limit` claimable entries; see the driver contract. */
export async function claimOutbox(
  scope: StatementScope,
  schema: string,
  tenantId: string,
  streamId: string,
  request: { readonly limit: number; readonly nowMs: number; readonly leaseExpiresAtMs: number },
): Promise<OutboxClaimRow[]> {
  const s = quoteIdentifier(schema);
  const sql = [
    'WITH claimable AS (',
    `  SELECT position FROM ${s}.outbox_deliveries`,
    "  WHERE tenant_id = $1::text AND stream_id = $2::text AND status IN ('pending', 'failed', 'claimed')",
    "    AND (status = 'pending' OR (status = 'failed' AND coalesce(next_attempt_at <= $3::timestamptz, true)) OR (status = 'claimed' AND coalesce(lease_expires_at <= $3::timestamptz, true)))",
    '  ORDER BY position LIMIT $4::integer',
    '  FOR UPDATE SKIP LOCKED',
    '), claimed AS (',
    `  UPDATE ${s}.outbox_deliveries d SET status = 'claimed', attempts = d.attempts + 1, lease_expires_at = $5::timestamptz, next_attempt_at = NULL`,
    '  FROM claimable WHERE d.tenant_id = $1::text AND d.stream_id = $2::text AND d.position = claimable.position',
    '  RETURNING d.position, d.attempts',
    ')',
    'SELECT claimed.attempts, e.tenant_id, e.stream_id, e.position, e.payload::text AS payload, e.idempotency_key',
    `FROM claimed JOIN ${s}.stream_entries e ON e.tenant_id = $1::text AND e.kind = 'outbox' AND e.stream_id = $2::text AND e.position = claimed.position`,
    'ORDER BY e.position',
  ].join('\n');
  const rows = await scope.query(
    sql,
    [tenantId, streamId, timestamptzText(request.nowMs, 'request.nowMs'), request.limit, timestamptzText(request.leaseExpiresAtMs, 'request.leaseExpiresAtMs')],
    `claiming outbox ${streamId}`,
  );
  return rows.map((row) => ({ entry: storedEntry(row), attempt: Number(row.attempts) }));
}

/** Records an attempt's outcome if the claim still holds; see the driver contract. */
export async function completeOutbox(
  scope: StatementScope,
  schema: string,
  tenantId: string,
  streamId: string,
  position: number,
  attempt: number,
  outcome: OutboxOutcomeRow,
): Promise<boolean> {
  const s = quoteIdentifier(schema);
  const claim = 'WHERE tenant_id = $1::text AND stream_id = $2::text AND position = $3::bigint AND status = \'claimed\' AND attempts = $4::integer RETURNING 1';
  const key = [tenantId, streamId, position, attempt];
  const what = `completing outbox ${streamId} entry ${position}`;
  const rows =
    outcome.status === 'delivered'
      ? await scope.query(
          `UPDATE ${s}.outbox_deliveries SET status = 'delivered', lease_expires_at = NULL, delivered_at = $5::timestamptz ${claim}`,
          [...key, timestamptzText(outcome.atMs, 'outcome.atMs')],
          what,
        )
      : await scope.query(
          `UPDATE ${s}.outbox_deliveries SET status = $5::text, lease_expires_at = NULL, next_attempt_at = $6::timestamptz, last_error = $7::text ${claim}`,
          [...key, outcome.retryAtMs === null ? 'dead' : 'failed', outcome.retryAtMs === null ? null : timestamptzText(outcome.retryAtMs, 'outcome.retryAtMs'), outcome.error],
          what,
        );
  return rows.length === 1;
}

/** The delivery state of an entry, or null. */
export async function readOutboxDelivery(scope: StatementScope, schema: string, tenantId: string, streamId: string, position: number): Promise<OutboxDeliveryRow | null> {
  const sql = [
    `SELECT status, attempts, ${epochMsOf('lease_expires_at')} AS lease_ms, ${epochMsOf('next_attempt_at')} AS next_ms, ${epochMsOf('delivered_at')} AS delivered_ms, last_error`,
    `FROM ${quoteIdentifier(schema)}.outbox_deliveries WHERE tenant_id = $1::text AND stream_id = $2::text AND position = $3::bigint`,
  ].join('\n');
  const [row] = await scope.query(sql, [tenantId, streamId, position], `reading outbox ${streamId} entry ${position}`);
  if (row === undefined) return null;
  return {
    status: String(row.status) as OutboxDeliveryStatus,
    attempts: Number(row.attempts),
    leaseExpiresAtMs: msOrNull(row.lease_ms),
    nextAttemptAtMs: msOrNull(row.next_ms),
    deliveredAtMs: msOrNull(row.delivered_ms),
    lastError: row.last_error === null ? null : String(row.last_error),
  };
}
