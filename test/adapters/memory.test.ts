import { describe, expect, it } from 'vitest';
import { createCrmStorage } from 'dealer-crm/adapters';
import { createMemoryDriver, createMemoryStorage } from 'dealer-crm/adapters/memory';
import { customerInput } from '../../src/adapters/testing/fixtures.js';

describe('the memory adapter', () => {
  it('needs no set-up and declares every capability but a native bulk path', () => {
    const storage = createMemoryStorage();
    expect([storage.name, storage.contractVersion]).toEqual(['memory', 1]);
    expect(storage.capabilities).toEqual({ transactions: true, outbox: true, customCollections: true, bulkImport: false });
  });

  it('stores the codec’s JSON text and the index values, per tenant', async () => {
    const driver = createMemoryDriver();
    const storage = createCrmStorage(driver);
    await storage.put('t1', 'customers', customerInput('C-1', { createdAt: '2024-05-01T09:30:00.250+08:00', updatedAt: '2024-05-01T09:30:00.250+08:00' }));
    const stored = driver.peekRecord('t1', 'customers', 'C-1');
    expect(JSON.parse(stored!.document).createdAt).toBe('2024-05-01T01:30:00.250Z');
    // 2024-05-01T01:30:00.250Z in epoch milliseconds.
    expect(stored!.index.createdAt).toBe(Date.UTC(2024, 4, 1, 1, 30, 0, 250));
    expect(stored!.index.householdId).toBeNull();
    expect(driver.peekRecord('t2', 'customers', 'C-1')).toBeNull();
    expect(driver.peekTenants()).toEqual(['t1']);
  });

  it('never shows a half-applied batch to a concurrent reader', async () => {
    const storage = createMemoryStorage();
    const ids = Array.from({ length: 50 }, (_, i) => `C-${i}`);
    const write = storage.putMany('t', 'customers', ids.map((id) => ({ record: customerInput(id) })));
    const observed: number[] = [];
    const reads = Array.from({ length: 20 }, async () => {
      const found = await storage.getMany('t', 'customers', ids);
      observed.push(found.filter((item) => item !== null).length);
    });
    await Promise.all([write, ...reads]);
    // Every reader saw the batch either not at all or whole.
    expect(observed.every((count) => count === 0 || count === 50)).toBe(true);
  });

  it('lets other tenants write while one tenant’s transaction is open', async () => {
    const storage = createMemoryStorage();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const transaction = storage.transaction('slow', async (tx) => {
      await tx.put('slow', 'customers', customerInput('C-1'));
      await gate;
    });
    await storage.put('fast', 'customers', customerInput('C-1'));
    expect(await storage.get('slow', 'customers', 'C-1')).toBeNull();
    release();
    await transaction;
    expect((await storage.get('slow', 'customers', 'C-1'))?.version).toBe(1);
  });

  it('forgets everything when closed', async () => {
    const storage = createMemoryStorage();
    await storage.put('t', 'customers', customerInput('C-1'));
    await storage.close();
    expect(await storage.get('t', 'customers', 'C-1')).toBeNull();
  });
});
