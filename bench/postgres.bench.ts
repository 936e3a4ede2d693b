/**
 * The PostgreSQL adapter against the local server (DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/test), each figure beside a baseline
 * measured in the same run:
 *
 * 1. Bulk import of 1,000,000 customers, batches of 5,000: the adapter's SQL
 *    path alone (`driver.importRows` on rows already encoded) and end to end
 *    (`storage.importRecords`: validation, encoding and the SQL path), each
 *    with the two loading paths of the adapter — multi-row upserts
 *    (`jsonb_to_recordset`), and COPY of new records when the `pg` driver is
 *    given `pg-copy-streams` — against a plain `pg` COPY (pg-copy-streams, one
 *    COPY of the same rows) into an equivalent table (`LIKE … INCLUDING ALL`:
 *    the same columns, primary key and indexes). Target: within 2× of the COPY.
 * 2. 10,000 loyalty appends with idempotency keys from 8 concurrent clients
 *    (a pool of 8 connections): appends a second and latency percentiles,
 *    against 8 clients inserting the same rows with plain single-row INSERTs
 *    into a table with the same unique keys.
 *
 * Every figure runs in a schema of its own, dropped at the end.
 *
 * Run: node --max-old-space-size=16384 --expose-gc --import tsx bench/postgres.bench.ts
 * (BENCH_CUSTOMERS=100000 for a quicker run.)
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { createCrmStorage, defaultStorageRegistry, encodeDocument, encodeIndexScalar, type RowWrite } from 'dealer-crm/adapters';
import { createPgSqlDriver, createPostgresDriver, type PostgresStorageDriver } from 'dealer-crm/adapters/postgres';
import { CustomerSchema, type CustomerInput } from 'dealer-crm/customer';
import { fmt, table, writeSection } from './lib/harness.js';

const N = Number(process.env.BENCH_CUSTOMERS ?? 1_000_000);
const BATCH = 5000;
const APPENDS = 10_000;
const CLIENTS = 8;
const MEMBERS = 2000;
const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const tenant = 'group-bench';

const pool = new pg.Pool({ connectionString: url, max: CLIENTS });
pool.on('error', () => undefined);
const sql = createPgSqlDriver(pool);
const sqlWithCopy = createPgSqlDriver(pool, { copyFrom });
const schemas: string[] = [];

async function freshDriver(over = sql): Promise<PostgresStorageDriver> {
  const schema = `crm_bench_${randomBytes(5).toString('hex')}`;
  schemas.push(schema);
  const driver = createPostgresDriver({ sql: over, schema });
  await driver.migrate();
  return driver;
}

// ---- Data: deterministic customers ----------------------------------------------------------

const SURNAMES = Array.from('王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗');
const GIVEN = Array.from('伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平䶮𠮷');
const DEALERS = ['D-SH-01', 'D-HZ-01', 'D-SZ-01'];
const STAGES = ['prospect', 'customer', 'loyal', 'dormant', 'lost'] as const;
const SOURCES = ['walk_in', 'phone', 'web', 'referral', 'event', 'oem_lead'] as const;
const START = Date.UTC(2019, 0, 1);
const DAY = 86_400_000;

/** Cheap deterministic hash of an integer, for spreading values. */
function mix(i: number, salt: number): number {
  let x = Math.imul(i ^ salt, 0x9e3779b1);
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  return (x ^ (x >>> 13)) >>> 0;
}

function customer(i: number): CustomerInput {
  const family = SURNAMES[mix(i, 1) % SURNAMES.length]!;
  const given = GIVEN[mix(i, 2) % GIVEN.length]! + GIVEN[mix(i, 3) % GIVEN.length]!;
  const createdAt = START + (mix(i, 4) % (5 * 365)) * DAY + (mix(i, 5) % DAY);
  return {
    id: `C-${String(i).padStart(7, '0')}`,
    kind: 'person',
    type: 'private',
    name: family + given,
    familyName: family,
    givenName: given,
    gender: mix(i, 6) % 2 === 0 ? 'female' : 'male',
    contactPoints: [
      {
        kind: 'mobile',
        value: `13${mix(i, 7) % 10}${String(i).padStart(8, '0')}`,
        primary: true,
        consents: [{ purpose: 'marketing', channel: 'sms', status: 'granted', at: new Date(createdAt), source: 'in_store_tablet' }],
      },
    ],
    dealerId: DEALERS[mix(i, 8) % DEALERS.length]!,
    source: SOURCES[mix(i, 9) % SOURCES.length]!,
    lifecycleStage: STAGES[mix(i, 10) % STAGES.length]!,
    tags: mix(i, 11) % 3 === 0 ? ['service', 'vip'] : ['service'],
    ...(mix(i, 12) % 5 === 0 ? { householdId: `H-${mix(i, 13) % 100_000}` } : {}),
    createdAt: new Date(createdAt),
    updatedAt: new Date(createdAt + (mix(i, 14) % 400) * DAY),
    metadata: { dms: 'ERP-7', branchCode: `B${mix(i, 15) % 40}` },
  };
}

function* customers(): Generator<CustomerInput> {
  for (let i = 0; i < N; i++) yield customer(i);
}

const customerIndexes = Object.entries(defaultStorageRegistry.collections.customers.indexes);

/** The row the storage core hands a driver for customer i: parsed, encoded, with its index values. */
function encodedRow(i: number): RowWrite {
  const record = CustomerSchema.parse(customer(i)) as unknown as Record<string, unknown>;
  const index: Record<string, string | number | boolean | null> = {};
  for (const [field, { type }] of customerIndexes) index[field] = encodeIndexScalar(type, record[field], field);
  return { id: record.id as string, document: encodeDocument(record), index, expectedVersion: undefined };
}

function encodedRows(): RowWrite[] {
  return Array.from({ length: N }, (_, i) => encodedRow(i));
}

// ---- Baseline: COPY into an equivalent table --------------------------------------------------

/** A value in COPY text format: `\N` for null, backslash, tab and line breaks escaped. */
function copyText(value: string | number | boolean | null): string {
  if (value === null) return '\\N';
  return String(value).replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!);
}

function pgTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '+00');
}

async function copyBaseline(rows: readonly RowWrite[], into: string, columns: readonly { field: string; type: string }[]): Promise<number> {
  const client = await pool.connect();
  try {
    const start = performance.now();
    const names = ['tenant_id', 'id', 'version', 'document', ...columns.map((column) => `"${column.field}"`)];
    const stream = client.query(copyFrom(`COPY ${into} (${names.join(', ')}) FROM STDIN`));
    async function* lines() {
      for (let from = 0; from < rows.length; from += BATCH) {
        let chunk = '';
        for (const row of rows.slice(from, from + BATCH)) {
          const cells = [tenant, row.id, '1', JSON.stringify(row.document)].map(copyText);
          for (const column of columns) {
            const value = row.index[column.field] ?? null;
            cells.push(copyText(column.type === 'instant' && value !== null ? pgTimestamp(value as number) : value));
          }
          chunk += `${cells.join('\t')}\n`;
        }
        yield chunk;
      }
    }
    await pipeline(Readable.from(lines()), stream);
    return performance.now() - start;
  } finally {
    client.release();
  }
}

// ---- Appends ----------------------------------------------------------------------------------

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface AppendRun {
  readonly wallMs: number;
  readonly latencies: number[];
}

/** `CLIENTS` workers, each appending its share one after another; every append names its own key. */
async function runClients(append: (n: number) => Promise<void>): Promise<AppendRun> {
  const latencies: number[] = [];
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, worker) => {
      for (let n = worker; n < APPENDS; n += CLIENTS) {
        const t0 = performance.now();
        await append(n);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { wallMs: performance.now() - start, latencies: latencies.sort((a, b) => a - b) };
}

const earn = (n: number) => ({ type: 'earn', points: 10 + (n % 90), at: new Date(Date.UTC(2024, 4, 1) + n * 60_000), reason: `RO-${n}` });

async function main(): Promise<void> {
  const load = () => os.loadavg()[0]!.toFixed(1);
  const loadStart = load();
  console.log(`generating and encoding ${fmt(N)} customers…`);
  const rows = encodedRows();
  const columns = Object.entries(defaultStorageRegistry.collections.customers.indexes).map(([field, { type }]) => ({ field, type }));

  // The baseline runs first and last (each into a fresh table LIKE the adapter's: same columns, primary
  // key and indexes) and the faster run counts, so that a warmer or calmer server never favours the adapter.
  const copyInto = async () => {
    const driver = await freshDriver();
    const name = `${driver.schema}.customers_copy`;
    await sql.query(`CREATE TABLE ${name} (LIKE ${driver.schema}.customers INCLUDING ALL)`);
    console.log('COPY baseline…');
    const ms = await copyBaseline(rows, name, columns);
    console.log(`  ${fmt(ms)} ms`);
    return { name, ms };
  };
  const firstCopy = await copyInto();

  const importRows = async (over: typeof sql, label: string) => {
    console.log(`driver.importRows, ${label}…`);
    const driver = await freshDriver(over);
    const start = performance.now();
    for (let from = 0; from < rows.length; from += BATCH) await driver.importRows!(tenant, 'customers', rows.slice(from, from + BATCH));
    const ms = performance.now() - start;
    console.log(`  ${fmt(ms)} ms`);
    return { table: `${driver.schema}.customers`, ms };
  };
  const importRecords = async (over: typeof sql, label: string) => {
    console.log(`storage.importRecords, ${label}…`);
    const driver = await freshDriver(over);
    const start = performance.now();
    const { imported } = await createCrmStorage(driver).importRecords(tenant, 'customers', customers(), { batchSize: BATCH });
    const ms = performance.now() - start;
    console.log(`  ${fmt(ms)} ms`);
    if (imported !== N) throw new Error(`imported ${imported} of ${N}`);
    return { table: `${driver.schema}.customers`, ms };
  };
  const sqlUpsert = await importRows(sql, 'multi-row upserts');
  const sqlCopy = await importRows(sqlWithCopy, 'COPY');
  const apiCopy = await importRecords(sqlWithCopy, 'COPY');
  const apiUpsert = await importRecords(sql, 'multi-row upserts');

  const lastCopy = await copyInto();
  const copyMs = Math.min(firstCopy.ms, lastCopy.ms);

  const counts = await Promise.all(
    [firstCopy.name, lastCopy.name, sqlUpsert.table, sqlCopy.table, apiCopy.table, apiUpsert.table].map(
      async (name) => Number((await sql.query(`SELECT count(*) AS n FROM ${name}`))[0]!.n),
    ),
  );
  if (counts.some((count) => count !== N)) throw new Error(`expected ${N} rows in every table, got ${counts.join('/')}`);

  // Appends: 8 clients, 10,000 appends to 2,000 member ledgers, each with an idempotency key.
  console.log('appends…');
  const appendDriver = await freshDriver();
  const ledger = createCrmStorage(appendDriver);
  const appendRun = await runClients(async (n) => {
    await ledger.append(tenant, 'loyalty_ledger', `M-${n % MEMBERS}`, [earn(n)], { idempotencyKey: `RO-${n}:earn` });
  });
  const replayRun = await runClients(async (n) => {
    const result = await ledger.append(tenant, 'loyalty_ledger', `M-${n % MEMBERS}`, [earn(n)], { idempotencyKey: `RO-${n}:earn` });
    if (!result.replayed) throw new Error('a retried append was not replayed');
  });
  const stored = Number((await sql.query(`SELECT count(*) AS n FROM ${appendDriver.schema}.stream_entries`))[0]!.n);
  if (stored !== APPENDS) throw new Error(`expected ${APPENDS} ledger entries, found ${stored}`);

  const baselineTable = `${appendDriver.schema}.plain_entries`;
  await sql.query(
    `CREATE TABLE ${baselineTable} (tenant_id text NOT NULL, stream_id text NOT NULL, position bigserial, idempotency_key text NOT NULL, payload jsonb NOT NULL, PRIMARY KEY (tenant_id, stream_id, idempotency_key))`,
  );
  const plainRun = await runClients(async (n) => {
    await pool.query(`INSERT INTO ${baselineTable} (tenant_id, stream_id, idempotency_key, payload) VALUES ($1, $2, $3, $4::text::jsonb)`, [
      tenant,
      `M-${n % MEMBERS}`,
      `RO-${n}:earn`,
      JSON.stringify({ ...earn(n), at: earn(n).at.toISOString() }),
    ]);
  });

  const rate = (ms: number) => fmt((N / ms) * 1000);
  const ratio = (ms: number) => `${(ms / copyMs).toFixed(2)}×`;
  const appendRow = (name: string, run: AppendRun) => [
    name,
    fmt((APPENDS / run.wallMs) * 1000),
    percentile(run.latencies, 50).toFixed(2),
    percentile(run.latencies, 99).toFixed(2),
    run.latencies[run.latencies.length - 1]!.toFixed(1),
  ];
  const body = [
    `Local PostgreSQL ${String((await sql.query('SHOW server_version'))[0]!.server_version)} (synchronous_commit on) through \`pg\`. One run of each import (${fmt(N)} rows take a while), in the order COPY, importRows (upserts, then COPY), importRecords (COPY, then upserts), COPY; the baseline COPY runs took ${(firstCopy.ms / 1000).toFixed(1)} s and ${(lastCopy.ms / 1000).toFixed(1)} s.`,
    `Customers: realistic records (Chinese names with CJK Extension characters, a mobile number with a consent, tags, metadata) of about ${fmt(
      JSON.stringify(encodeDocument(CustomerSchema.parse(customer(1)) as unknown as Record<string, unknown>)).length,
    )} bytes of JSON each; every table has the adapter's schema: primary key (tenant_id, id), jsonb document, ten index columns, ten b-trees.`,
    '',
    table(
      ['bulk import of customers', 'time (s)', 'rows/s', 'vs COPY'],
      [
        ['`pg` COPY of the encoded rows into an equivalent table (baseline, faster of two runs)', (copyMs / 1000).toFixed(1), rate(copyMs), '1.00×'],
        ['`driver.importRows`, multi-row upserts (`jsonb_to_recordset`, 5,000 rows a statement)', (sqlUpsert.ms / 1000).toFixed(1), rate(sqlUpsert.ms), ratio(sqlUpsert.ms)],
        ['`driver.importRows`, COPY of new records (`pg` driver given `pg-copy-streams`)', (sqlCopy.ms / 1000).toFixed(1), rate(sqlCopy.ms), ratio(sqlCopy.ms)],
        ['`storage.importRecords` (validation + encoding + SQL), COPY of new records', (apiCopy.ms / 1000).toFixed(1), rate(apiCopy.ms), ratio(apiCopy.ms)],
        ['`storage.importRecords` (validation + encoding + SQL), multi-row upserts', (apiUpsert.ms / 1000).toFixed(1), rate(apiUpsert.ms), ratio(apiUpsert.ms)],
      ],
    ),
    '',
    `Target — bulk import within 2× of COPY: **${apiCopy.ms / copyMs <= 2 ? 'met' : 'not met'}** end to end with COPY of new records (${ratio(apiCopy.ms)}); with multi-row upserts ${ratio(apiUpsert.ms)} end to end. The SQL paths alone: ${ratio(sqlCopy.ms)} (COPY) and ${ratio(sqlUpsert.ms)} (upserts). End to end, the storage core validates and encodes the next batch while the driver writes the current one; what remains above the SQL path (about ${fmt(Math.max(0, apiCopy.ms - sqlCopy.ms) / N * 1000, 0)} µs a customer) is validation the writes could not hide.`,
    '',
    table(
      [`${fmt(APPENDS)} ledger appends, ${CLIENTS} concurrent clients, ${fmt(MEMBERS)} members`, 'appends/s', 'p50 (ms)', 'p99 (ms)', 'max (ms)'],
      [
        appendRow('`storage.append` with an idempotency key (head row lock, key check, entry, key, head: one transaction)', appendRun),
        appendRow('the same appends again: every one replayed from its key', replayRun),
        appendRow('baseline: plain single-row INSERT with a unique key (no head, no version, no replay)', plainRun),
      ],
    ),
    '',
    `One-minute load average of the ${os.cpus().length}-CPU machine: ${loadStart} at the start, ${load()} at the end (other work shares it, the database server included).`,
  ].join('\n');
  writeSection('postgres', `PostgreSQL adapter: bulk import of ${fmt(N)} customers and concurrent ledger appends`, body);
  console.log(body);
}

try {
  await main();
} finally {
  for (const schema of schemas) await sql.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await pool.end();
}
