/**
 * The `dealer-crm` command line end to end: the demo on the embedded stores,
 * and the import and migrate commands with their errors.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/index.js';
import { runDemo } from '../../src/cli/demo/run-demo.js';
import { openStore, parseStoreSpec } from '../../src/cli/store.js';
import { crmStorageRegistry } from '../../src/crm/index.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'dealer-crm-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

/** Runs `main` with console output captured. */
async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void out.push(parts.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => void err.push(parts.join(' ')));
  const code = await main(args);
  vi.restoreAllMocks();
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('dealer-crm demo', () => {
  it('runs on memory and on PGlite with the same results, an intact audit chain and masking for the analyst', async () => {
    const onMemory = await runDemo({ seed: 7, customers: 400, store: 'memory', report: path.join(dir, 'memory.html'), quiet: true });
    const onPglite = await runDemo({ seed: 7, customers: 400, store: 'pglite:memory', report: path.join(dir, 'pglite.html'), quiet: true });
    // The store must not change a single figure.
    expect(onPglite.summary).toBe(onMemory.summary);
    expect(readFileSync(onPglite.reportPath, 'utf8')).toBe(readFileSync(onMemory.reportPath, 'utf8'));

    for (const section of ['Data quality', 'Customer pyramid', 'Loyalty', 'Complaints: SLA board', 'Retention', 'The facade']) expect(onMemory.summary).toContain(section);
    const tour = onMemory.facade;
    expect(tour.auditChainValid).toBe(true);
    // import, the nightly read, the advisor's view and the analyst's read each name the customer.
    expect(tour.accessesOfCustomer).toBe(4);
    const name = tour.advisorSawName!;
    expect(name.length).toBeGreaterThan(1);
    expect(tour.maskedNameSeenByAnalyst).toBe(name[0] + '*'.repeat(name.length - 1));
    expect(readFileSync(onMemory.reportPath, 'utf8')).toMatch(/^<!DOCTYPE html>/i);
  }, 180_000);

  it('is deterministic for a seed and differs between seeds', async () => {
    const a = await runDemo({ seed: 11, customers: 200, store: 'memory', report: path.join(dir, 'a.html'), quiet: true });
    const b = await runDemo({ seed: 11, customers: 200, store: 'memory', report: path.join(dir, 'b.html'), quiet: true });
    const c = await runDemo({ seed: 12, customers: 200, store: 'memory', report: path.join(dir, 'c.html'), quiet: true });
    expect(b.summary).toBe(a.summary);
    expect(c.summary).not.toBe(a.summary);
  }, 120_000);

  it('refuses bad options with the usage and exit code 1', async () => {
    const bad = await run(['demo', '--customers', 'many']);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('customers');
    const unknown = await run(['demo', '--colour']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('Usage');
    const store = await run(['demo', '--store', 'mysql://x', '--customers', '10', '--quiet']);
    expect(store.code).toBe(1);
    expect(store.err).toContain('VALIDATION_FAILED');
    expect((await run(['frobnicate'])).code).toBe(1);
    expect((await run([])).code).toBe(1);
    expect((await run(['--help'])).code).toBe(0);
  });
});

const CUSTOMERS_CSV = `customer_no,kind,type,name,dealer_code,source,lifecycle_stage,created_at,mobile,sms_marketing,consent_at,id_number,tags
C-1,person,private,王芳,D-1,walk_in,customer,2024-01-05T10:00:00+08:00,138 1234 5678,Y,2024-01-05T10:00:00+08:00,11010519491231002X,vip
C-2,organisation,fleet,上海顺通物流有限公司,D-1,fleet_tender,customer,2024-02-01T09:00:00+08:00,,,,,
`;
const KEY = 'ab'.repeat(32);

describe('dealer-crm import and migrate', () => {
  it('imports a customers.csv through the facade, encrypted, and the same file again changes nothing', async () => {
    const file = path.join(dir, 'customers.csv');
    writeFileSync(file, CUSTOMERS_CSV);
    const store = `pglite:${path.join(dir, 'store-import')}`;
    vi.stubEnv('DEALER_CRM_KEY', KEY);
    try {
      expect((await run(['migrate', '--store', store])).code).toBe(0);
      const first = await run(['import', file, '--store', store, '--tenant', 'T-1']);
      expect(first).toMatchObject({ code: 0 });
      expect(first.out).toContain('2 customers');
      expect(first.out).toContain('2 new, 0 replaced');
      const again = await run(['import', file, '--store', store, '--tenant', 'T-1']);
      expect(again.code).toBe(0);
      expect(again.out).toContain('2 new, 0 replaced'); // the replay returns the first answer; no new versions
    } finally {
      vi.unstubAllEnvs();
    }
    const opened = await openStore(parseStoreSpec(store), crmStorageRegistry);
    try {
      const stored = await opened.storage.get('T-1', 'customers', 'C-1');
      expect(stored?.version).toBe(1);
      expect(JSON.stringify(stored)).not.toContain('王芳');
      expect(JSON.stringify(stored)).not.toContain('13812345678');
    } finally {
      await opened.close();
    }
  }, 60_000);

  it('reports every bad row and imports nothing', async () => {
    const file = path.join(dir, 'bad-customers.csv');
    writeFileSync(file, `${CUSTOMERS_CSV}C-3,person,private,李雷,D-1,walk_in,customer,2024-13-01T00:00:00Z,12345,maybe,,,\n`);
    const store = `pglite:${path.join(dir, 'store-bad')}`;
    const result = await run(['import', file, '--store', store]);
    expect(result.code).toBe(1);
    expect(result.err).toContain('nothing was imported');
    expect(result.err).toMatch(/line 4/);
    const opened = await openStore(parseStoreSpec(store), crmStorageRegistry);
    try {
      expect((await opened.storage.query('default', 'customers', { limit: 10 })).items).toEqual([]);
    } finally {
      await opened.close();
    }
  }, 60_000);

  it('needs a 256-bit key before it writes personal data, and says how to give one', async () => {
    const file = path.join(dir, 'customers-nokey.csv');
    writeFileSync(file, CUSTOMERS_CSV);
    vi.stubEnv('DEALER_CRM_KEY', '');
    try {
      const result = await run(['import', file, '--store', 'memory']);
      expect(result.code).toBe(1);
      expect(result.err).toContain('DEALER_CRM_KEY');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('refuses an import without --store or with two files, and a migrate of nothing', async () => {
    expect((await run(['import', 'a.csv'])).err).toContain('--store');
    expect((await run(['import', 'a.csv', 'b.csv', '--store', 'memory'])).err).toContain('exactly one');
    expect((await run(['migrate'])).code).toBe(1);
    expect((await run(['migrate', '--store', 'memory'])).out).toContain('no migration');
  });
});
