import { describe, expect, it } from 'vitest';
import { CrmError, ValidationError } from 'dealer-crm/core';
import { STORAGE_CONTRACT_VERSION, createCrmStorage, type AppendOutcome, type StorageDriver, type StoredEntry } from 'dealer-crm/adapters';
import { createMemoryDriver } from 'dealer-crm/adapters/memory';
import { customerInput } from '../../src/adapters/testing/fixtures.js';

/** The memory driver with some calls replaced. */
function patched(patch: (base: StorageDriver) => Partial<StorageDriver>): StorageDriver {
  const base = createMemoryDriver();
  return { ...base, ...patch(base) } as StorageDriver;
}

async function errorOf(promise: Promise<unknown>): Promise<CrmError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CrmError) return error;
    throw error;
  }
  throw new Error('expected a CrmError');
}

describe('createCrmStorage checks its driver', () => {
  it('refuses a driver of another contract version with UNSUPPORTED', () => {
    const driver = { ...createMemoryDriver(), contractVersion: STORAGE_CONTRACT_VERSION + 1 };
    expect(() => createCrmStorage(driver)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED', message: expect.stringMatching(/implements storage contract version 2; this dealer-crm speaks version 1/) }));
  });

  it('refuses a driver that lacks a method its capabilities promise', () => {
    const { transaction: _transaction, claimOutbox: _claim, ...rest } = createMemoryDriver();
    try {
      createCrmStorage(rest as StorageDriver);
      throw new Error('expected a ValidationError');
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual(['driver.transaction', 'driver.claimOutbox']);
    }
  });

  it('says UNSUPPORTED for features a driver declares absent', async () => {
    const storage = createCrmStorage({ ...createMemoryDriver(), capabilities: { transactions: false, outbox: false, customCollections: false, bulkImport: false } });
    expect((await errorOf(storage.transaction('t', async () => 1))).code).toBe('UNSUPPORTED');
    expect((await errorOf(storage.claimOutbox('t', { streamId: 'w', limit: 1, leaseMs: 1, now: new Date(0) }))).code).toBe('UNSUPPORTED');
    expect((await errorOf(storage.readOutboxDelivery('t', 'w', 1))).code).toBe('UNSUPPORTED');
  });
});

describe('createCrmStorage fails closed on a driver that breaks the contract', () => {
  it('stops a row of another tenant', async () => {
    const driverOfOther = createCrmStorage(
      patched((base) => ({
        getRecords: async (_t, c, ids) => (await base.getRecords('t', c, ids)).map((row) => row && { ...row, tenantId: 't' }),
      })),
    );
    await driverOfOther.put('t', 'customers', customerInput('C-1'));
    const error = await errorOf(driverOfOther.get('other', 'customers', 'C-1'));
    expect(error.code).toBe('BAD_RESPONSE');
    expect(error.message).toMatch(/returned a row of tenant "t" to a call for tenant "other"/);
  });

  it('stops a version that does not follow from the condition', async () => {
    const storage = createCrmStorage(
      patched((base) => ({
        putRecords: async (t, c, writes) => {
          const outcome = await base.putRecords(t, c, writes);
          return outcome.status === 'written' ? { status: 'written', versions: outcome.versions.map((v) => v + 1) } : outcome;
        },
      })),
    );
    expect((await errorOf(storage.put('t', 'customers', customerInput('C-1'), { expectedVersion: 0 }))).code).toBe('BAD_RESPONSE');
  });

  it('stops a stream read with a gap', async () => {
    const storage = createCrmStorage(
      patched((base) => ({
        readStream: async (t, k, s, from, limit) => {
          const read = await base.readStream(t, k, s, from, limit);
          return { ...read, entries: read.entries.filter((entry) => entry.position !== 2) };
        },
      })),
    );
    await storage.append('t', 'audit_log', 'S', [1, 2, 3].map((n) => ({ action: `a${n}`, at: '2024-01-01T00:00:00Z' })));
    expect((await errorOf(storage.readStream('t', 'audit_log', 'S'))).code).toBe('BAD_RESPONSE');
  });

  it('stops a document whose id is not the row id', async () => {
    const storage = createCrmStorage(patched((base) => ({ getRecords: async (t, c, ids) => (await base.getRecords(t, c, ['C-2'])).map((row) => row && { ...row, id: ids[0]! }) })));
    await storage.put('t', 'customers', customerInput('C-2'));
    expect((await errorOf(storage.get('t', 'customers', 'C-1'))).message).toMatch(/holds id "C-2"/);
  });

  it('turns a driver failure that is not a CrmError into INTERNAL with the cause', async () => {
    const cause = new Error('connection reset');
    const storage = createCrmStorage(patched(() => ({ getRecords: async () => Promise.reject(cause) })));
    const error = await errorOf(storage.get('t', 'customers', 'C-1'));
    expect([error.code, error.cause, error.message]).toEqual(['INTERNAL', cause, 'the memory storage driver failed in getRecords: connection reset']);
  });

  it('passes a CrmError of the driver through unchanged', async () => {
    const unavailable = new CrmError('UNAVAILABLE', 'database down');
    const storage = createCrmStorage(patched(() => ({ queryRecords: async () => Promise.reject(unavailable) })));
    expect(await errorOf(storage.query('t', 'customers'))).toBe(unavailable);
  });
});

describe('createCrmStorage validates before it calls the driver', () => {
  it('never reaches the driver with bad input', async () => {
    const calls: string[] = [];
    const storage = createCrmStorage(
      patched((base) => ({
        putRecords: (...args) => {
          calls.push('putRecords');
          return base.putRecords(...args);
        },
        appendToStream: (...args) => {
          calls.push('appendToStream');
          return base.appendToStream(...args);
        },
      })),
    );
    await expect(storage.put('t', 'customers', customerInput('C-1', { name: '' }))).rejects.toBeInstanceOf(ValidationError);
    await expect(storage.append('t', 'interactions', 'C-1', [{ id: 'I-1' } as never])).rejects.toBeInstanceOf(ValidationError);
    await expect(storage.put('', 'customers', customerInput('C-1'))).rejects.toBeInstanceOf(ValidationError);
    expect(calls).toEqual([]);
  });

  it('asks for one row more than the page size and never for more, however large the collection', async () => {
    const limits: number[] = [];
    const storage = createCrmStorage(
      patched((base) => ({
        queryRecords: (t, c, plan) => {
          limits.push(plan.limit);
          return base.queryRecords(t, c, plan);
        },
      })),
    );
    await storage.importRecords('t', 'customers', Array.from({ length: 1000 }, (_, i) => customerInput(`C-${String(i).padStart(4, '0')}`)));
    let seen = 0;
    for await (const _ of storage.scan('t', 'customers', { pageSize: 50 })) seen += 1;
    expect(seen).toBe(1000);
    // 1000 records in pages of 50: 20 full pages, each asked as 51 rows.
    expect(limits).toEqual(Array.from({ length: 20 }, () => 51));
    limits.length = 0;
    for await (const _ of storage.scan('t', 'customers', { pageSize: 50 })) break;
    expect(limits).toEqual([51]);
  });
});

/** The entries of an append outcome that has them. */
function entriesOf(outcome: AppendOutcome): StoredEntry[] {
  return outcome.status === 'version_conflict' ? [] : [...outcome.entries];
}

describe('every contract outcome a driver reports is checked', () => {
  const audit = { action: 'a', at: '2024-01-01T00:00:00Z' };
  const cases: [string, (base: StorageDriver) => Partial<StorageDriver>, (storage: ReturnType<typeof createCrmStorage>) => Promise<unknown>][] = [
    ['a conflict for an unconditional write', () => ({ putRecords: async () => ({ status: 'conflict', index: 0, actualVersion: 3 }) }), (s) => s.put('t', 'customers', customerInput('C-1'))],
    ['a conflict whose condition holds', () => ({ putRecords: async () => ({ status: 'conflict', index: 0, actualVersion: null }) }), (s) => s.put('t', 'customers', customerInput('C-1'), { expectedVersion: 0 })],
    ['missing for a conditional delete', () => ({ deleteRecord: async () => ({ status: 'missing' }) }), (s) => s.delete('t', 'customers', 'C-1', { expectedVersion: 1 })],
    ['an unknown delete status', () => ({ deleteRecord: async () => ({ status: 'gone' }) as never }), (s) => s.delete('t', 'customers', 'C-1')],
    ['a replay of an append without a key', (base) => ({ appendToStream: async (t, k, id, r) => ({ status: 'replayed', payloadHash: 'x', entries: entriesOf(await base.appendToStream(t, k, id, r)) }) }), (s) => s.append('t', 'audit_log', 'S', [audit])],
    ['fewer entries than payloads', (base) => ({ appendToStream: async (t, k, id, r) => ({ status: 'appended', entries: entriesOf(await base.appendToStream(t, k, id, r)).slice(1) }) }), (s) => s.append('t', 'audit_log', 'S', [audit, audit])],
    ['a version conflict that is none', () => ({ appendToStream: async () => ({ status: 'version_conflict', actualVersion: 0 }) }), (s) => s.append('t', 'audit_log', 'S', [audit], { expectedVersion: 0 })],
    ['a claim of one entry twice', (base) => ({ claimOutbox: async (t, id, r) => { const claims = await base.claimOutbox!(t, id, r); return [...claims, ...claims]; } }), async (s) => {
      await s.append('t', 'outbox', 'w', [{ type: 'x', occurredAt: '2024-01-01T00:00:00Z' }]);
      return s.claimOutbox('t', { streamId: 'w', limit: 5, leaseMs: 1000, now: new Date(0) });
    }],
    ['a completion that is not a boolean', () => ({ completeOutbox: async () => 'yes' as never }), (s) => s.completeOutbox('t', { streamId: 'w', position: 1, attempt: 1, outcome: { status: 'delivered', at: new Date(0) } })],
    ['a malformed delivery state', () => ({ readOutboxDelivery: async () => ({ status: 'sent' }) as never }), (s) => s.readOutboxDelivery('t', 'w', 1)],
  ];
  for (const [what, patch, call] of cases) {
    it(`stops ${what} with BAD_RESPONSE`, async () => {
      const storage = createCrmStorage(patched(patch));
      expect((await errorOf(call(storage))).code).toBe('BAD_RESPONSE');
    });
  }
});

describe('storage.driver: bulk import and transactions on the wire', () => {
  it('imports validated rows and runs a transaction bound to its tenant', async () => {
    const raw = createMemoryDriver();
    const storage = createCrmStorage(raw);
    const { encodeDocument } = await import('dealer-crm/adapters');
    const rows = ['C-1', 'C-2'].map((id) => ({ id, document: encodeDocument({ ...customerInput(id), createdAt: new Date('2024-01-01T00:00:00Z'), updatedAt: new Date('2024-01-01T00:00:00Z') }), index: {}, expectedVersion: undefined }));
    await storage.driver.importRows!('t', 'customers', rows);
    expect(raw.peekRecord('t', 'customers', 'C-2')?.version).toBe(1);
    await expect(storage.driver.importRows!('t', 'customers', [{ ...rows[0]!, expectedVersion: 1 }])).rejects.toBeInstanceOf(ValidationError);
    const read = await storage.driver.transaction!('t', async (tx) => {
      await tx.deleteRecord('t', 'customers', 'C-1', 1);
      return tx.getRecords('t', 'customers', ['C-1', 'C-2']);
    });
    expect(read.map((row) => row?.id ?? null)).toEqual([null, 'C-2']);
  });
});

describe('importRecords pipelines validation with writes', () => {
  /** A memory driver whose bulk writes take a while and are recorded (start, end, ids). */
  function slowImport(failOnBatch?: number) {
    const log: string[] = [];
    let batches = 0;
    let active = 0;
    let overlapped = false;
    const driver = patched((base) => ({
      capabilities: { ...base.capabilities, bulkImport: true },
      importRows: async (tenant, collection, rows) => {
        const n = ++batches;
        active += 1;
        if (active > 1) overlapped = true;
        log.push(`start ${n}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
        active -= 1;
        if (n === failOnBatch) {
          log.push(`fail ${n}`);
          throw new CrmError('UNAVAILABLE', 'connection lost');
        }
        const outcome = await base.putRecords(tenant, collection, rows);
        log.push(`end ${n}`);
        if (outcome.status !== 'written') throw new Error('unexpected conflict');
      },
    }));
    return { driver, log, overlapped: () => overlapped };
  }
  const numbered = (from: number, count: number) => Array.from({ length: count }, (_, i) => customerInput(`P-${String(from + i).padStart(4, '0')}`));

  it('writes batches one at a time and in order', async () => {
    const { driver, log, overlapped } = slowImport();
    const storage = createCrmStorage(driver);
    const { imported } = await storage.importRecords('t', 'customers', numbered(0, 25), { batchSize: 10 });
    expect(imported).toBe(25);
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
    expect(overlapped()).toBe(false);
  });

  it('lets the batch in flight finish before reporting a bad record in the next, and counts it', async () => {
    const { driver, log } = slowImport();
    const storage = createCrmStorage(driver);
    const records = [...numbered(0, 10), customerInput('P-bad', { lifecycleStage: 'unknown' as never }), ...numbered(11, 9)];
    const error = await errorOf(storage.importRecords('t', 'customers', records, { batchSize: 10 }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain('10 records written before the batch holding the bad record');
    expect(log).toEqual(['start 1', 'end 1']);
    let stored = 0;
    for await (const _ of storage.scan('t', 'customers')) stored += 1;
    expect(stored).toBe(10);
  });

  it('lets the event loop turn while it prepares the next batch, so a streaming write keeps moving', async () => {
    // A write that needs two turns of the event loop (as a COPY feeding its
    // socket does) is done before the last record of the next batch is
    // validated, not only after the whole batch was.
    const log: string[] = [];
    let batches = 0;
    const driver = patched((base) => ({
      capabilities: { ...base.capabilities, bulkImport: true },
      importRows: async (tenant, collection, rows) => {
        const n = ++batches;
        for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
        log.push(`written ${n}`);
        const outcome = await base.putRecords(tenant, collection, rows);
        if (outcome.status !== 'written') throw new Error('unexpected conflict');
      },
    }));
    const storage = createCrmStorage(driver);
    const records = numbered(0, 2000);
    // The last record says when it is first looked at.
    const last = { ...records[1999]! } as Record<string, unknown>;
    const id = last.id;
    Object.defineProperty(last, 'id', {
      enumerable: true,
      get() {
        if (!log.includes('validating the last record')) log.push('validating the last record');
        return id;
      },
    });
    records[1999] = last as unknown as (typeof records)[number];
    const { imported } = await storage.importRecords('t', 'customers', records, { batchSize: 1000 });
    expect(imported).toBe(2000);
    expect(log).toEqual(['written 1', 'validating the last record', 'written 2']);
  });

  it('reports a failed write even while the next batch is being prepared, and writes nothing after it', async () => {
    const { driver, log } = slowImport(1);
    const storage = createCrmStorage(driver);
    const error = await errorOf(storage.importRecords('t', 'customers', numbered(0, 30), { batchSize: 10 }));
    expect(error.code).toBe('UNAVAILABLE');
    expect(log).toEqual(['start 1', 'fail 1']);
  });
});
