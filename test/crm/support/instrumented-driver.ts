import { CrmError } from 'dealer-crm/core';
import type { StorageDriver, StorageDriverOperations } from 'dealer-crm/adapters';

/**
 * A driver wrapper for the facade's tests, over any driver:
 * - it remembers every record and stream it was asked about, so that
 *   `dump(tenant)` can read back everything a tenant holds, as stored (the
 *   raw documents and payloads, parsed from their JSON);
 * - it counts writes (record puts and deletes, stream appends, imports) and
 *   can be told to fail the k-th one, or to fail a transaction just before
 *   it commits — a crash half-way through a call.
 */
export interface InstrumentedDriver extends StorageDriver {
  /** Writes seen since the last `resetCount()`. */
  readonly writes: number;
  /** The most rows one query asked the driver for since the last `resetCount()`: what a scan holds at once. */
  readonly largestQuery: number;
  resetCount(): void;
  /** Fail the k-th write from now (1-based), or stop failing (null). */
  failWriteAt(k: number | null): void;
  /** Fail the next transaction after its function resolved, before the commit. */
  failNextCommit(): void;
  /** Everything a tenant holds, as stored. */
  dump(tenantId: string): Promise<TenantDump>;
  /** The raw stored JSON text of everything a tenant holds (for "no clear text" assertions). */
  rawText(tenantId: string): Promise<string>;
}

/** What a tenant holds, as stored: records by `collection/id`, stream entries by `kind/streamId`, outbox delivery states. */
export interface TenantDump {
  readonly records: Record<string, { version: number; document: unknown }>;
  readonly streams: Record<string, { position: number; payload: unknown; idempotencyKey: string | null }[]>;
  readonly deliveries: Record<string, unknown>;
}

/** The failure injected into storage: what a lost connection looks like. */
export const injectedFailure = () => new CrmError('UNAVAILABLE', 'injected storage failure');

const parseJson = (value: unknown) => (typeof value === 'string' ? (JSON.parse(value) as unknown) : value);

export function instrumentDriver(inner: StorageDriver): InstrumentedDriver {
  const records = new Map<string, Set<string>>(); // tenant → "collection\0id"
  const streams = new Map<string, Set<string>>(); // tenant → "kind\0streamId"
  let writes = 0;
  let largestQuery = 0;
  let failAt: number | null = null;
  let failCommit = false;

  const remember = (table: Map<string, Set<string>>, tenantId: string, key: string) => {
    let set = table.get(tenantId);
    if (set === undefined) table.set(tenantId, (set = new Set()));
    set.add(key);
  };
  const write = () => {
    writes += 1;
    if (failAt !== null) {
      failAt -= 1;
      if (failAt === 0) {
        failAt = null;
        throw injectedFailure();
      }
    }
  };

  const wrap = (ops: StorageDriverOperations): StorageDriverOperations => ({
    async getRecords(tenantId, collection, ids) {
      for (const id of ids) remember(records, tenantId, `${collection}\u0000${id}`);
      return ops.getRecords(tenantId, collection, ids);
    },
    async putRecords(tenantId, collection, rows) {
      for (const row of rows) remember(records, tenantId, `${collection}\u0000${row.id}`);
      write();
      return ops.putRecords(tenantId, collection, rows);
    },
    async deleteRecord(tenantId, collection, id, expected) {
      remember(records, tenantId, `${collection}\u0000${id}`);
      write();
      return ops.deleteRecord(tenantId, collection, id, expected);
    },
    async queryRecords(tenantId, collection, plan) {
      largestQuery = Math.max(largestQuery, plan.limit);
      const rows = await ops.queryRecords(tenantId, collection, plan);
      for (const row of rows) remember(records, tenantId, `${collection}\u0000${row.id}`);
      return rows;
    },
    async appendToStream(tenantId, kind, streamId, request) {
      remember(streams, tenantId, `${kind}\u0000${streamId}`);
      write();
      return ops.appendToStream(tenantId, kind, streamId, request);
    },
    async readStream(tenantId, kind, streamId, from, limit) {
      remember(streams, tenantId, `${kind}\u0000${streamId}`);
      return ops.readStream(tenantId, kind, streamId, from, limit);
    },
  });

  const driver: InstrumentedDriver = {
    name: inner.name,
    contractVersion: inner.contractVersion,
    capabilities: inner.capabilities,
    ...wrap(inner),
    get writes() {
      return writes;
    },
    get largestQuery() {
      return largestQuery;
    },
    resetCount() {
      writes = 0;
      largestQuery = 0;
    },
    failWriteAt(k) {
      failAt = k;
    },
    failNextCommit() {
      failCommit = true;
    },
    async transaction(tenantId, fn) {
      return inner.transaction!(tenantId, async (tx) => {
        const result = await fn(wrap(tx));
        if (failCommit) {
          failCommit = false;
          throw injectedFailure();
        }
        return result;
      });
    },
    ...(inner.importRows === undefined
      ? {}
      : {
          async importRows(tenantId: string, collection: string, rows: Parameters<NonNullable<StorageDriver['importRows']>>[2]) {
            for (const row of rows) remember(records, tenantId, `${collection}\u0000${row.id}`);
            write();
            return inner.importRows!(tenantId, collection, rows);
          },
        }),
    claimOutbox: (tenantId, streamId, request) => inner.claimOutbox!(tenantId, streamId, request),
    completeOutbox: (tenantId, streamId, position, attempt, outcome) => inner.completeOutbox!(tenantId, streamId, position, attempt, outcome),
    readOutboxDelivery: (tenantId, streamId, position) => inner.readOutboxDelivery!(tenantId, streamId, position),
    close: async () => inner.close?.(),

    async dump(tenantId) {
      const out: TenantDump = { records: {}, streams: {}, deliveries: {} };
      for (const key of [...(records.get(tenantId) ?? [])].sort()) {
        const [collection, id] = key.split('\u0000') as [string, string];
        const [row] = await inner.getRecords(tenantId, collection, [id]);
        if (row !== null && row !== undefined) out.records[`${collection}/${id}`] = { version: row.version, document: parseJson(row.document) };
      }
      for (const key of [...(streams.get(tenantId) ?? [])].sort()) {
        const [kind, streamId] = key.split('\u0000') as [string, string];
        const entries: TenantDump['streams'][string] = [];
        for (let from = 1; ; ) {
          const page = await inner.readStream(tenantId, kind, streamId, from, 1000);
          for (const entry of page.entries) entries.push({ position: entry.position, payload: parseJson(entry.payload), idempotencyKey: entry.idempotencyKey });
          if (page.entries.length < 1000) break;
          from += 1000;
        }
        if (entries.length === 0) continue;
        out.streams[`${kind}/${streamId}`] = entries;
        if (kind === 'outbox') {
          for (const entry of entries) out.deliveries[`${streamId}/${entry.position}`] = await inner.readOutboxDelivery!(tenantId, streamId, entry.position);
        }
      }
      return out;
    },

    async rawText(tenantId) {
      return JSON.stringify(await driver.dump(tenantId));
    },
  };
  return driver;
}
