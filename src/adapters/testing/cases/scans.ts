import { ValidationError } from '../../../core/index.js';
import { check, equal, rejects } from '../assert.js';
import { customerInput } from '../fixtures.js';
import { codePointOrder } from '../oracle.js';
import type { ConformanceCase, ConformanceContext } from '../types.js';

function* numberedCustomers(prefix: string, count: number, offset = 0) {
  for (let i = offset; i < offset + count; i++) {
    yield customerInput(`${prefix}-${String(i).padStart(6, '0')}`, { dealerId: i % 3 === 0 ? 'D-A' : 'D-B', name: `客户${i}` });
  }
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

async function importMany(ctx: ConformanceContext, prefix: string, count: number): Promise<void> {
  const { imported } = await ctx.storage.importRecords(ctx.tenant, 'customers', numberedCustomers(prefix, count), { batchSize: 500 });
  equal(imported, count, 'importRecords reports how many records it wrote');
}

/** Full scans in bounded memory and bulk import. */
export const scanCases: ConformanceCase[] = [
  {
    area: 'scans',
    name: 'scan returns every record of a large collection exactly once, in order, page by page',
    async run(ctx) {
      const count = ctx.largeScanRecords;
      await importMany(ctx, 'L', count);
      const ids = (await collect(ctx.storage.scan(ctx.tenant, 'customers', { pageSize: 97 }))).map((item) => item.record.id);
      equal(ids.length, count, 'the scan returns every record');
      // Ids are L-000000 … in increasing order by construction.
      for (let i = 0; i < count; i++) {
        if (ids[i] !== `L-${String(i).padStart(6, '0')}`) throw new Error(`scan position ${i}: expected L-${String(i).padStart(6, '0')}, got ${ids[i]}`);
      }
    },
  },
  {
    area: 'scans',
    name: 'scan with conditions and a descending order returns what the query does',
    async run(ctx) {
      await importMany(ctx, 'F', 300);
      const scanned = (await collect(ctx.storage.scan(ctx.tenant, 'customers', { where: { dealerId: 'D-A' }, orderBy: { field: 'id', direction: 'desc' }, pageSize: 7 }))).map(
        (item) => item.record.id,
      );
      // i % 3 === 0 for i in 0…299: 100 records, F-000297 down to F-000000.
      const expected = Array.from({ length: 100 }, (_, k) => `F-${String(297 - 3 * k).padStart(6, '0')}`);
      equal(scanned, expected, 'the filtered descending scan');
    },
  },
  {
    area: 'scans',
    name: 'stopping a scan early leaves the storage usable',
    async run(ctx) {
      await importMany(ctx, 'E', 300);
      let taken = 0;
      for await (const item of ctx.storage.scan(ctx.tenant, 'customers', { pageSize: 10 })) {
        check(item.version === 1, 'scanned records carry their version');
        taken += 1;
        if (taken === 15) break;
      }
      equal(taken, 15, 'the loop took fifteen records');
      const again = await collect(ctx.storage.scan(ctx.tenant, 'customers', { pageSize: 1000 }));
      equal(again.length, 300, 'a new scan after an early stop sees every record');
    },
  },
  {
    area: 'scans',
    name: 'records written during a scan never make it repeat or skip a record present from the start',
    async run(ctx) {
      await importMany(ctx, 'M', 400);
      const seen: string[] = [];
      let written = 0;
      for await (const item of ctx.storage.scan(ctx.tenant, 'customers', { pageSize: 25 })) {
        seen.push(item.record.id);
        if (seen.length % 50 === 0) {
          // One record behind the scan's position and one ahead of it, and a rewrite of a record ahead.
          await ctx.storage.put(ctx.tenant, 'customers', customerInput(`M-${String(seen.length).padStart(6, '0')}-a`));
          await ctx.storage.put(ctx.tenant, 'customers', customerInput(`A-${written}`));
          await ctx.storage.put(ctx.tenant, 'customers', customerInput(`M-${String(399 - written).padStart(6, '0')}`, { name: '改' }));
          written += 1;
        }
      }
      const originals = seen.filter((id) => /^M-\d{6}$/.test(id));
      equal(originals.length, 400, 'every original record is seen once');
      equal(new Set(seen).size, seen.length, 'no record is seen twice');
      check(!seen.some((id) => id.startsWith('A-')), 'records written behind the scan position are not seen');
      const sorted = [...seen].sort(codePointOrder);
      equal(seen, sorted, 'the scan stays in id order');
    },
  },
  {
    area: 'scans',
    name: 'importRecords writes every batch before a bad record and none after it',
    async run(ctx) {
      async function* source() {
        yield* numberedCustomers('I', 250);
        yield customerInput('I-bad', { lifecycleStage: 'unknown-stage' });
        yield* numberedCustomers('I', 100, 250);
      }
      const error = await rejects(ctx.storage.importRecords(ctx.tenant, 'customers', source(), { batchSize: 100 }), 'VALIDATION_FAILED', 'an import with a bad record');
      check(error instanceof ValidationError && error.issues.some((issue) => issue.path === 'records[250].lifecycleStage'), `the error names records[250].lifecycleStage, got ${error.message}`);
      const stored = await collect(ctx.storage.scan(ctx.tenant, 'customers', { pageSize: 1000 }));
      // Batches of 100: records 0–99 and 100–199 were written; the batch 200–299 held the bad record.
      equal(stored.length, 200, 'the two complete batches before the bad record were written, nothing of its batch');
      await rejects(ctx.storage.importRecords(ctx.tenant, 'customers', [customerInput('D-1'), customerInput('D-1')]), 'VALIDATION_FAILED', 'an import batch with a repeated id');
    },
  },
];
