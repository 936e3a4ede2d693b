import type { AppendOutcome, AppendRequest, StoredEntry, StreamRead } from '../driver.js';
import type { StatementScope } from './scope.js';
import type { PostgresSqlRow } from './sql-driver.js';
import { quoteIdentifier } from './sql-values.js';

/*
 * Streams as SQL. A stream has a head row holding its version; an append
 * locks the head first (upserting it for a new stream), so appends to one
 * stream are serial while appends to different streams run in parallel.
 * With the head locked, a second statement — with a fresh snapshot that
 * sees every committed append — looks up the idempotency key, checks the
 * expected version and inserts the entries, the key with its payload hash,
 * the new head version and the outbox delivery states, all at once.
 */

/** A result row as a {@link StoredEntry}. */
export function storedEntry(row: PostgresSqlRow): StoredEntry {
  return {
    tenantId: String(row.tenant_id),
    streamId: String(row.stream_id),
    position: Number(row.position),
    payload: String(row.payload),
    idempotencyKey: row.idempotency_key === null ? null : String(row.idempotency_key),
  };
}

/** The statements of the stream calls for one schema. */
export interface StreamStatements {
  readonly lockHead: string;
  readonly append: string;
  readonly read: string;
}

/** Builds the stream statements of a schema. */
export function streamStatements(schema: string): StreamStatements {
  const s = quoteIdentifier(schema);
  const stream = 'tenant_id = $1::text AND kind = $2::text AND stream_id = $3::text';
  return {
    lockHead: [
      `INSERT INTO ${s}.stream_heads AS h (tenant_id, kind, stream_id, version) VALUES ($1::text, $2::text, $3::text, 0)`,
      'ON CONFLICT (tenant_id, kind, stream_id) DO UPDATE SET version = h.version',
      'RETURNING version',
    ].join('\n'),
    // $4 key (or null), $5 expected version (or null), $6 locked version, $7 payloads (JSON array text),
    // $8 payload hash (or null), $9 payload count, $10 whether to track delivery.
    append: [
      'WITH',
      `known AS (SELECT payload_hash, first_position, entry_count FROM ${s}.stream_keys WHERE ${stream} AND idempotency_key = $4::text),`,
      'go AS (SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM known) AND ($5::bigint IS NULL OR $5::bigint = $6::bigint)),',
      'payloads AS (SELECT p.value, p.n FROM jsonb_array_elements($7::text::jsonb) WITH ORDINALITY AS p(value, n)),',
      `inserted AS (INSERT INTO ${s}.stream_entries (tenant_id, kind, stream_id, position, payload, idempotency_key)`,
      '  SELECT $1::text, $2::text, $3::text, $6::bigint + payloads.n, payloads.value, $4::text FROM payloads, go',
      '  RETURNING tenant_id, stream_id, position, payload, idempotency_key),',
      `keyed AS (INSERT INTO ${s}.stream_keys (tenant_id, kind, stream_id, idempotency_key, payload_hash, first_position, entry_count)`,
      '  SELECT $1::text, $2::text, $3::text, $4::text, $8::text, $6::bigint + 1, $9::integer FROM go WHERE $4::text IS NOT NULL),',
      `head AS (UPDATE ${s}.stream_heads SET version = $6::bigint + $9::integer WHERE ${stream} AND EXISTS (SELECT 1 FROM go)),`,
      `delivery AS (INSERT INTO ${s}.outbox_deliveries (tenant_id, stream_id, position, status, attempts)`,
      "  SELECT $1::text, $3::text, $6::bigint + payloads.n, 'pending', 0 FROM payloads, go WHERE $10::boolean)",
      "SELECT 'appended' AS outcome, NULL::text AS payload_hash, tenant_id, stream_id, position, payload::text AS payload, idempotency_key FROM inserted",
      'UNION ALL',
      "SELECT 'replayed', known.payload_hash, e.tenant_id, e.stream_id, e.position, e.payload::text, e.idempotency_key",
      `FROM known JOIN ${s}.stream_entries e ON e.tenant_id = $1::text AND e.kind = $2::text AND e.stream_id = $3::text`,
      '  AND e.position >= known.first_position AND e.position < known.first_position + known.entry_count',
      'ORDER BY position',
    ].join('\n'),
    read: [
      'SELECT v.version, e.tenant_id, e.stream_id, e.position, e.payload::text AS payload, e.idempotency_key',
      `FROM (SELECT coalesce((SELECT version FROM ${s}.stream_heads WHERE ${stream}), 0) AS version) v`,
      `LEFT JOIN LATERAL (SELECT tenant_id, stream_id, position, payload, idempotency_key FROM ${s}.stream_entries`,
      `  WHERE ${stream} AND position >= $4::bigint AND position <= v.version ORDER BY position LIMIT $5::integer) e ON true`,
      'ORDER BY e.position',
    ].join('\n'),
  };
}

/** Appends atomically; see the driver contract. */
export async function appendToStream(
  scope: StatementScope,
  statements: StreamStatements,
  tenantId: string,
  kind: string,
  streamId: string,
  request: AppendRequest,
): Promise<AppendOutcome> {
  const what = `appending to ${kind} stream ${streamId}`;
  return await scope.atomic(what, async (session) => {
    const [head] = await session.query(statements.lockHead, [tenantId, kind, streamId]);
    const version = Number(head!.version);
    const rows = await session.query(statements.append, [
      tenantId,
      kind,
      streamId,
      request.idempotency?.key ?? null,
      request.expectedVersion,
      version,
      JSON.stringify(request.payloads),
      request.idempotency?.payloadHash ?? null,
      request.payloads.length,
      request.trackDelivery,
    ]);
    if (rows.length === 0) return { status: 'version_conflict', actualVersion: version };
    const entries = rows.map(storedEntry);
    if (rows[0]!.outcome === 'replayed') return { status: 'replayed', payloadHash: String(rows[0]!.payload_hash), entries };
    return { status: 'appended', entries };
  });
}

/** Reads a page of a stream with its version, from one snapshot. */
export async function readStream(
  scope: StatementScope,
  statements: StreamStatements,
  tenantId: string,
  kind: string,
  streamId: string,
  fromPosition: number,
  limit: number,
): Promise<StreamRead> {
  const rows = await scope.query(statements.read, [tenantId, kind, streamId, fromPosition, limit], `reading ${kind} stream ${streamId}`);
  return { version: Number(rows[0]!.version), entries: rows.filter((row) => row.position !== null).map(storedEntry) };
}
