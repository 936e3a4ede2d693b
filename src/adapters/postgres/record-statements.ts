import { compareCodePoints } from '../index-values.js';
import type { DeleteRecordOutcome, PutRecordsOutcome, RowWrite, StoredRow } from '../driver.js';
import type { CollectionTable } from './collection-tables.js';
import type { StatementScope } from './scope.js';
import type { PostgresSqlRow, PostgresSqlSession } from './sql-driver.js';
import { sqlStateOf } from './sql-errors.js';
import { sqlIndexValue } from './sql-values.js';

/*
 * The record calls of the driver as SQL. Unconditional writes are one
 * upsert statement; a conditional write of one record is one statement
 * (re-run in the rare case where the row changed between the write and the
 * read that explains its failure); a conditional batch locks its rows
 * (`SELECT … FOR UPDATE`), checks every condition, then writes all rows in
 * one statement — or nothing. Bulk imports of new records load with COPY
 * when the SQL driver can.
 */

/** A result row as a {@link StoredRow}, with the tenant as the database returned it. */
export function storedRow(row: PostgresSqlRow): StoredRow {
  return { tenantId: String(row.tenant_id), id: String(row.id), version: Number(row.version), document: String(row.document) };
}

/**
 * The rows to write as the JSON text of an array of objects, one key per
 * column: the parameter of `jsonb_to_recordset`, so that a batch of any
 * size is one parameter whatever the client library.
 */
export function recordsetJson(table: CollectionTable, writes: readonly RowWrite[], versions?: readonly number[]): string {
  return JSON.stringify(
    writes.map((write, i) => {
      const row: Record<string, unknown> = { id: write.id, document: write.document };
      if (versions !== undefined) row.version = versions[i];
      for (const column of table.columns) row[column.field] = sqlIndexValue(column.type, write.index[column.field] ?? null, `${table.collection}.${write.id}.${column.field}`);
      return row;
    }),
  );
}

const columnList = (table: CollectionTable) => table.columns.map((column) => column.column);
const setColumns = (table: CollectionTable, from: string) => ['document', ...columnList(table)].map((column) => `${column} = ${from}.${column}`).join(', ');

/** `INSERT … SELECT … FROM jsonb_to_recordset($2)` with a version expression and an ON CONFLICT clause. */
function insertSql(table: CollectionTable, version: string, onConflict: string): string {
  const columns = columnList(table);
  return [
    `INSERT INTO ${table.table} AS r (tenant_id, id, version, document${columns.map((column) => `, ${column}`).join('')})`,
    `SELECT $1::text, x.id, ${version}, x.document${columns.map((column) => `, x.${column}`).join('')}`,
    `FROM jsonb_to_recordset($2::text::jsonb) AS x(${table.recordset})`,
    onConflict,
    'RETURNING id, version',
  ].join('\n');
}

/** Creates or replaces every row, each at its current version + 1 (1 when new): the statement of unconditional writes and imports. */
export function upsertSql(table: CollectionTable): string {
  return insertSql(table, '1', `ON CONFLICT (tenant_id, id) DO UPDATE SET version = r.version + 1, ${setColumns(table, 'EXCLUDED')}`);
}

/** Writes every row at the version it carries, replacing only a row at the version before it. */
function versionedUpsertSql(table: CollectionTable): string {
  return insertSql(table, 'x.version', `ON CONFLICT (tenant_id, id) DO UPDATE SET version = EXCLUDED.version, ${setColumns(table, 'EXCLUDED')} WHERE r.version = EXCLUDED.version - 1`);
}

function createOnlySql(table: CollectionTable): string {
  return insertSql(table, '1', 'ON CONFLICT (tenant_id, id) DO NOTHING');
}

function replaceAtVersionSql(table: CollectionTable): string {
  return [
    `UPDATE ${table.table} AS r SET version = r.version + 1, ${setColumns(table, 'x')}`,
    `FROM jsonb_to_recordset($2::text::jsonb) AS x(${table.recordset})`,
    'WHERE r.tenant_id = $1::text AND r.id = x.id AND r.version = $3::integer',
    'RETURNING r.id, r.version',
  ].join('\n');
}

const placeholders = (from: number, count: number) => Array.from({ length: count }, (_, i) => `$${from + i}::text`).join(', ');

/** The stored rows of `ids`, in their order, null where missing. */
export async function getRecords(scope: StatementScope, table: CollectionTable, tenantId: string, ids: readonly string[]): Promise<(StoredRow | null)[]> {
  const rows = await scope.query(
    `SELECT tenant_id, id, version, document::text AS document FROM ${table.table} WHERE tenant_id = $1::text AND id IN (${placeholders(2, ids.length)})`,
    [tenantId, ...ids],
    `reading ${table.collection} records`,
  );
  const byId = new Map(rows.map((row) => [String(row.id), storedRow(row)]));
  return ids.map((id) => byId.get(id) ?? null);
}

async function currentVersion(query: (sql: string, params: readonly unknown[]) => Promise<readonly PostgresSqlRow[]>, table: CollectionTable, tenantId: string, id: string): Promise<number | null> {
  const rows = await query(`SELECT version FROM ${table.table} WHERE tenant_id = $1::text AND id = $2::text`, [tenantId, id]);
  return rows.length === 0 ? null : Number(rows[0]!.version);
}

/** Writes all of `writes` or none; see the driver contract. */
export async function putRecords(scope: StatementScope, table: CollectionTable, tenantId: string, writes: readonly RowWrite[]): Promise<PutRecordsOutcome> {
  const what = `writing ${table.collection} records`;
  const run = (sql: string, params: readonly unknown[]) => scope.query(sql, params, what);
  if (writes.every((write) => write.expectedVersion === undefined)) {
    // Rows in code-point order of id, so that concurrent batches lock shared rows in the same order.
    const sorted = [...writes].sort((a, b) => compareCodePoints(a.id, b.id));
    const rows = await run(upsertSql(table), [tenantId, recordsetJson(table, sorted)]);
    return { status: 'written', versions: versionsInOrder(writes, rows) };
  }
  if (writes.length === 1) return await putOne(run, table, tenantId, writes[0]!);
  return await scope.atomic(what, (session) => putBatch(session, table, tenantId, writes));
}

function versionsInOrder(writes: readonly RowWrite[], rows: readonly PostgresSqlRow[]): number[] {
  const byId = new Map(rows.map((row) => [String(row.id), Number(row.version)]));
  return writes.map((write) => {
    const version = byId.get(write.id);
    if (version === undefined) throw new Error(`the write of ${write.id} returned no version`);
    return version;
  });
}

/** One conditional write: one statement, and a read of the current version to explain a failure. */
async function putOne(
  run: (sql: string, params: readonly unknown[]) => Promise<readonly PostgresSqlRow[]>,
  table: CollectionTable,
  tenantId: string,
  write: RowWrite,
): Promise<PutRecordsOutcome> {
  const expected = write.expectedVersion!;
  const json = recordsetJson(table, [write]);
  for (;;) {
    const rows = expected === 0 ? await run(createOnlySql(table), [tenantId, json]) : await run(replaceAtVersionSql(table), [tenantId, json, expected]);
    if (rows.length === 1) return { status: 'written', versions: [Number(rows[0]!.version)] };
    const actual = await currentVersion(run, table, tenantId, write.id);
    // The row may have changed again between the two statements so that the condition now holds: try again.
    const holds = expected === 0 ? actual === null : actual === expected;
    if (!holds) return { status: 'conflict', index: 0, actualVersion: actual };
  }
}

/** A conditional batch inside a transaction: lock, check every condition, write everything in one statement. */
async function putBatch(session: PostgresSqlSession, table: CollectionTable, tenantId: string, writes: readonly RowWrite[]): Promise<PutRecordsOutcome> {
  const ids = writes.map((write) => write.id);
  for (;;) {
    const locked = await session.query(
      `SELECT id, version FROM ${table.table} WHERE tenant_id = $1::text AND id IN (${placeholders(2, ids.length)}) ORDER BY id FOR UPDATE`,
      [tenantId, ...ids],
    );
    const current = new Map(locked.map((row) => [String(row.id), Number(row.version)]));
    for (let index = 0; index < writes.length; index++) {
      const expected = writes[index]!.expectedVersion;
      const actual = current.get(writes[index]!.id) ?? null;
      if (expected !== undefined && (expected === 0 ? actual !== null : actual !== expected)) return { status: 'conflict', index, actualVersion: actual };
    }
    const versions = writes.map((write) => (current.get(write.id) ?? 0) + 1);
    // Rows absent when locked may be created concurrently before our insert: then undo and start again.
    const creates = writes.some((write) => !current.has(write.id));
    if (creates) await session.query('SAVEPOINT crm_put_records');
    const rows = await session.query(versionedUpsertSql(table), [tenantId, recordsetJson(table, writes, versions)]);
    if (rows.length === writes.length) {
      if (creates) await session.query('RELEASE SAVEPOINT crm_put_records');
      return { status: 'written', versions };
    }
    if (!creates) throw new Error(`a locked ${table.collection} row changed during a batch write`);
    await session.query('ROLLBACK TO SAVEPOINT crm_put_records');
    await session.query('RELEASE SAVEPOINT crm_put_records');
  }
}

const COPY_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A value in COPY's text format: `\N` for null; backslash, tab and line breaks escaped. */
export function copyField(value: string | number | boolean | null): string {
  if (value === null) return '\\N';
  const text = String(value);
  return /[\\\t\n\r]/.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]!) : text;
}

/** The rows as COPY text, 500 rows a chunk, version 1 each: tenant, id, version, document, then every index column. */
function* copyChunks(table: CollectionTable, tenantId: string, rows: readonly RowWrite[]): Generator<string> {
  const tenant = copyField(tenantId);
  for (let from = 0; from < rows.length; from += 500) {
    let text = '';
    for (const row of rows.slice(from, from + 500)) {
      text += `${tenant}\t${copyField(row.id)}\t1\t${copyField(JSON.stringify(row.document))}`;
      for (const column of table.columns) {
        text += `\t${copyField(sqlIndexValue(column.type, row.index[column.field] ?? null, `${table.collection}.${row.id}.${column.field}`))}`;
      }
      text += '\n';
    }
    yield text;
  }
}

/**
 * Bulk upsert of unconditional rows, one transaction per batch. When the
 * session can COPY and none of the ids exists yet (a first load), the rows
 * are copied in at version 1; otherwise — or when a concurrent writer
 * created one of the ids meanwhile, which makes the COPY fail and write
 * nothing — one multi-row upsert statement writes them.
 */
export async function importRows(scope: StatementScope, table: CollectionTable, tenantId: string, rows: readonly RowWrite[]): Promise<void> {
  const sorted = [...rows].sort((a, b) => compareCodePoints(a.id, b.id));
  const what = `importing ${table.collection} records`;
  const upsert = (session: PostgresSqlSession) => session.query(upsertSql(table), [tenantId, recordsetJson(table, sorted)]);
  try {
    await scope.atomic(what, async (session) => {
      if (session.copyFrom === undefined || (await anyExists(session, table, tenantId, sorted))) return await upsert(session);
      const columns = ['tenant_id', 'id', 'version', 'document', ...columnList(table)];
      return await session.copyFrom(`${table.table} (${columns.join(', ')})`, copyChunks(table, tenantId, sorted));
    });
  } catch (error) {
    if (sqlStateOf(error) !== '23505') throw error;
    await scope.atomic(what, upsert);
  }
}

async function anyExists(session: PostgresSqlSession, table: CollectionTable, tenantId: string, rows: readonly RowWrite[]): Promise<boolean> {
  const [row] = await session.query(
    `SELECT EXISTS (SELECT 1 FROM jsonb_array_elements_text($2::text::jsonb) AS k(id) JOIN ${table.table} AS r ON r.tenant_id = $1::text AND r.id = k.id) AS found`,
    [tenantId, JSON.stringify(rows.map((row) => row.id))],
  );
  return row!.found === true;
}

/** Deletes one record; see the driver contract. */
export async function deleteRecord(scope: StatementScope, table: CollectionTable, tenantId: string, id: string, expectedVersion: number | undefined): Promise<DeleteRecordOutcome> {
  const sql = [
    `WITH deleted AS (DELETE FROM ${table.table} WHERE tenant_id = $1::text AND id = $2::text AND ($3::integer IS NULL OR version = $3::integer) RETURNING 1)`,
    `SELECT (SELECT count(*) FROM deleted)::integer AS deleted, (SELECT version FROM ${table.table} WHERE tenant_id = $1::text AND id = $2::text) AS current`,
  ].join('\n');
  for (;;) {
    const [row] = await scope.query(sql, [tenantId, id, expectedVersion ?? null], `deleting a ${table.collection} record`);
    if (Number(row!.deleted) === 1) return { status: 'deleted' };
    if (expectedVersion === undefined) return { status: 'missing' };
    // `current` is read from the statement's snapshot; if it matches, the row changed while the delete waited for it: try again.
    const actual = row!.current === null ? null : Number(row!.current);
    if (actual !== expectedVersion) return { status: 'conflict', actualVersion: actual };
  }
}
