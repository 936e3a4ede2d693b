import { describe, expect, it } from 'vitest';
import { createCrmStorage } from 'dealer-crm/adapters';
import { createMemoryDriver, createMemoryStorage } from 'dealer-crm/adapters/memory';
import { conformanceTestNames, defineAdapterConformanceSuite, type ConformanceRunner } from 'dealer-crm/adapters/testing';

/** A runner that records what the kit registers instead of running it. */
function recorder(withSkip = true) {
  const tests: { name: string; path: string[]; skipped: boolean; fn: () => Promise<void> }[] = [];
  const stack: string[] = [];
  const test = Object.assign(
    (name: string, fn: () => Promise<void>) => {
      tests.push({ name, path: [...stack], skipped: false, fn });
    },
    withSkip ? { skip: (name: string, fn: () => Promise<void>) => tests.push({ name, path: [...stack], skipped: true, fn }) } : {},
  );
  const runner: ConformanceRunner = {
    describe(name, fn) {
      stack.push(name);
      fn();
      stack.pop();
    },
    test,
  };
  return { runner, tests };
}

describe('defineAdapterConformanceSuite', () => {
  it('registers every test of the kit under its area, with stable full names', () => {
    const { runner, tests } = recorder();
    defineAdapterConformanceSuite({ runner, createAdapter: () => createMemoryStorage(), inspect: { readRecord: () => null } });
    expect(tests.map((test) => `${test.path[1]}: ${test.name}`)).toEqual([...conformanceTestNames]);
    expect(new Set(tests.map((test) => test.path[0]))).toEqual(new Set(['storage adapter conformance']));
    expect(conformanceTestNames.length).toBeGreaterThanOrEqual(75);
    expect(new Set(conformanceTestNames).size).toBe(conformanceTestNames.length);
  });

  it('skips a named test with its reason, and the inspection tests without an inspect hook', () => {
    const { runner, tests } = recorder();
    defineAdapterConformanceSuite({ runner, createAdapter: () => createMemoryStorage(), skip: { 'records: get returns null for a record that does not exist': 'broken on purpose' } });
    expect(tests.filter((test) => test.skipped).map((test) => test.name)).toEqual([
      'get returns null for a record that does not exist (skipped: broken on purpose)',
      'what put stores is really persisted and a delete really removes it (skipped: no inspect hook given)',
      'rejected writes and rolled-back transactions persist nothing (skipped: no inspect hook given)',
    ]);
  });

  it('registers a skipped test as a passing placeholder when the runner has no test.skip', async () => {
    const { runner, tests } = recorder(false);
    defineAdapterConformanceSuite({ runner, createAdapter: () => createMemoryStorage() });
    const placeholder = tests.find((test) => test.name.endsWith('(skipped: no inspect hook given)'))!;
    await expect(placeholder.fn()).resolves.toBeUndefined();
  });

  it('refuses a skip of a test that does not exist, or without a reason', () => {
    const { runner } = recorder();
    expect(() => defineAdapterConformanceSuite({ runner, createAdapter: () => createMemoryStorage(), skip: { 'records: get returns nul': 'typo' } })).toThrow(/skip names tests that do not exist: "records: get returns nul"/);
    expect(() => defineAdapterConformanceSuite({ runner, createAdapter: () => createMemoryStorage(), skip: { [conformanceTestNames[0]!]: ' ' } })).toThrow(/needs a reason/);
    expect(() => defineAdapterConformanceSuite({ runner: {} as ConformanceRunner, createAdapter: () => createMemoryStorage() })).toThrow(/runner must have describe and test/);
  });

  it('checks UNSUPPORTED instead of the feature when an adapter declares transactions or the outbox absent', async () => {
    const { runner, tests } = recorder();
    const created: string[] = [];
    defineAdapterConformanceSuite({
      runner,
      createAdapter() {
        created.push('adapter');
        return createCrmStorage({ ...createMemoryDriver(), capabilities: { transactions: false, outbox: false, customCollections: true, bulkImport: false } });
      },
    });
    const transactional = tests.find((test) => test.name.startsWith('a transaction that throws'))!;
    const outbox = tests.find((test) => test.name.startsWith('completing a claim'))!;
    await expect(transactional.fn()).resolves.toBeUndefined();
    await expect(outbox.fn()).resolves.toBeUndefined();
    // A driver that declares transactions absent but still runs them is caught.
    const lying = recorder();
    defineAdapterConformanceSuite({
      runner: lying.runner,
      createAdapter: () => {
        const storage = createMemoryStorage();
        return { ...storage, capabilities: { ...storage.capabilities, transactions: false } };
      },
    });
    await expect(lying.tests.find((test) => test.name.startsWith('a transaction that throws'))!.fn()).rejects.toThrow(/must refuse transaction\(\)/);
    expect(created).toHaveLength(2);
  });

  it('gives every test a fresh adapter and disposes of it', async () => {
    const { runner, tests } = recorder();
    const disposed: unknown[] = [];
    defineAdapterConformanceSuite({ runner, createAdapter: () => createMemoryStorage(), disposeAdapter: (storage) => void disposed.push(storage) });
    await tests[0]!.fn();
    await tests[1]!.fn();
    expect(disposed).toHaveLength(2);
    expect(disposed[0]).not.toBe(disposed[1]);
  });

  it('names the tenant and seed of a failing test', async () => {
    const { runner, tests } = recorder();
    defineAdapterConformanceSuite({
      runner,
      createAdapter: () => {
        const storage = createMemoryStorage();
        return { ...storage, get: async () => undefined as never };
      },
    });
    await expect(tests.find((test) => test.name === 'get returns null for a record that does not exist')!.fn()).rejects.toThrow(/expected null, got undefined \[tenant tenant-[0-9a-f-]+, seed \d+\]/);
  });
});
