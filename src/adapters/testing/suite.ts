import { rejects } from './assert.js';
import { allConformanceCases } from './cases/index.js';
import { freshSeed, randomId, seededRandom } from './random.js';
import type { AdapterConformanceOptions, ConformanceCase, ConformanceContext } from './types.js';

/** The full name of a case: its area and its sentence (`"records: get returns null …"`), the key of `skip`. */
function fullName(item: ConformanceCase): string {
  return `${item.area}: ${item.name}`;
}

/**
 * The full name of every test of the kit, in order: the keys
 * {@link AdapterConformanceOptions.skip} accepts. Names are stable across
 * releases of the same storage contract version.
 */
export const conformanceTestNames: readonly string[] = Object.freeze(allConformanceCases.map(fullName));

/**
 * Registers the whole behavioural suite of the storage contract for an
 * adapter, with one call: CRUD, queries and pagination, versions and
 * conflicts, idempotency, concurrency, transactions, tenant isolation,
 * large scans, bad input, round trips, the outbox, and (with `inspect`) what
 * is really persisted. Each test gets a fresh storage from `createAdapter`,
 * fresh random tenant and record ids, and seeded random data whose seed a
 * failure names. The kit depends on no test framework: pass `describe` and
 * `test` from vitest, `node:test`, Jest or Mocha.
 *
 * When the adapter declares `transactions` or `outbox` absent, the tests of
 * that feature check that it fails with `UNSUPPORTED` instead.
 *
 * @throws Error (at registration) when `skip` names a test that does not exist.
 * @example
 * ```ts
 * import { describe, test } from 'node:test';
 * import { createMemoryStorage } from 'dealer-crm/adapters/memory';
 * import { defineAdapterConformanceSuite } from 'dealer-crm/adapters/testing';
 *
 * defineAdapterConformanceSuite({ runner: { describe, test }, createAdapter: () => createMemoryStorage() });
 * ```
 */
export function defineAdapterConformanceSuite(options: AdapterConformanceOptions): void {
  if (typeof options?.createAdapter !== 'function') throw new TypeError('defineAdapterConformanceSuite: createAdapter must be a function');
  if (typeof options.runner?.describe !== 'function' || typeof options.runner.test !== 'function') {
    throw new TypeError('defineAdapterConformanceSuite: runner must have describe and test functions (from vitest, node:test, …)');
  }
  const skip = options.skip ?? {};
  const unknown = Object.keys(skip).filter((name) => !conformanceTestNames.includes(name));
  if (unknown.length > 0) {
    throw new Error(`defineAdapterConformanceSuite: skip names tests that do not exist: ${unknown.map((name) => JSON.stringify(name)).join(', ')}. See conformanceTestNames.`);
  }
  for (const [name, reason] of Object.entries(skip)) {
    if (typeof reason !== 'string' || reason.trim() === '') throw new Error(`defineAdapterConformanceSuite: skip of ${JSON.stringify(name)} needs a reason`);
  }
  const largeScanRecords = Math.max(250, Math.floor(options.largeScanRecords ?? 2000));
  const parallelism = Math.max(4, Math.floor(options.parallelism ?? 24));
  const { runner } = options;

  const registerSkipped = (name: string, reason: string) => {
    const label = `${name} (skipped: ${reason})`;
    if (typeof runner.test.skip === 'function') runner.test.skip(label, async () => undefined);
    else runner.test(label, async () => undefined);
  };

  runner.describe(options.name ?? 'storage adapter conformance', () => {
    const areas = [...new Set(allConformanceCases.map((item) => item.area))];
    for (const area of areas) {
      runner.describe(area, () => {
        for (const item of allConformanceCases.filter((candidate) => candidate.area === area)) {
          const reason = skip[fullName(item)];
          if (reason !== undefined) {
            registerSkipped(item.name, reason);
          } else if (item.requires === 'inspect' && options.inspect === undefined) {
            registerSkipped(item.name, 'no inspect hook given');
          } else {
            runner.test(item.name, () => runCase(item, options, largeScanRecords, parallelism));
          }
        }
      });
    }
  });
}

/** Runs one case with a fresh storage (exported for the kit's own tests). */
export async function runCase(item: ConformanceCase, options: AdapterConformanceOptions, largeScanRecords: number, parallelism: number): Promise<void> {
  const storage = await options.createAdapter();
  const random = seededRandom(freshSeed());
  const ctx: ConformanceContext = {
    storage,
    tenant: randomId('tenant'),
    otherTenant: randomId('tenant'),
    id: randomId,
    random,
    inspect: options.inspect,
    largeScanRecords,
    parallelism,
  };
  try {
    if (item.requires === 'transactions' && !storage.capabilities.transactions) {
      await rejects(
        storage.transaction(ctx.tenant, async () => undefined),
        'UNSUPPORTED',
        'an adapter without capabilities.transactions must refuse transaction()',
      );
      return;
    }
    if (item.requires === 'outbox' && !storage.capabilities.outbox) {
      await rejects(
        storage.claimOutbox(ctx.tenant, { streamId: 'webhooks', limit: 1, leaseMs: 1000, now: new Date(0) }),
        'UNSUPPORTED',
        'an adapter without capabilities.outbox must refuse claimOutbox()',
      );
      return;
    }
    await item.run(ctx);
  } catch (error) {
    if (error instanceof Error) error.message = `${error.message} [tenant ${ctx.tenant}, seed ${random.seed}]`;
    throw error;
  } finally {
    if (options.disposeAdapter !== undefined) await options.disposeAdapter(storage);
    else await storage.close();
  }
}
