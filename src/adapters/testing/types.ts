import type { CrmStorage } from '../storage.js';
import type { SeededRandom } from './random.js';

/**
 * The test runner the kit registers its tests with: `describe` and `test`
 * from vitest, `node:test`, Jest or Mocha. The kit brings its own
 * assertions, so no `expect` is needed. `test.skip`, when the runner has it,
 * registers the tests skipped by name.
 */
export interface ConformanceRunner {
  /** Groups tests (`describe` of vitest or `node:test`). */
  describe(name: string, fn: () => void): unknown;
  /** Registers one test (`test` or `it`). */
  readonly test: {
    (name: string, fn: () => Promise<void>): unknown;
    /** Registers a skipped test, when the runner can. */
    readonly skip?: (name: string, fn: () => Promise<void>) => unknown;
  };
}

/** Where a record is, for the {@link ConformanceInspector}. */
export interface InspectRecordArgs {
  /** The storage under test (to find its driver). */
  readonly storage: CrmStorage;
  /** The tenant. */
  readonly tenantId: string;
  /** The collection. */
  readonly collection: string;
  /** The record id. */
  readonly id: string;
}

/** Where a stream is, for the {@link ConformanceInspector}. */
export interface InspectStreamArgs {
  /** The storage under test. */
  readonly storage: CrmStorage;
  /** The tenant. */
  readonly tenantId: string;
  /** The stream kind. */
  readonly kind: string;
  /** The stream id. */
  readonly streamId: string;
}

/**
 * Reads what an adapter really persisted, bypassing the contract, so that
 * the kit can check that rejected and rolled-back writes leave nothing
 * behind and deletes really delete — and so that authors can assert how a
 * record is stored (e.g. that encrypted fields are not in clear text).
 */
export interface ConformanceInspector {
  /** The raw stored form of a record (any shape), or `null`/`undefined` when nothing is stored. */
  readRecord(args: InspectRecordArgs): unknown;
  /** How many entries are physically stored in a stream. */
  countStreamEntries?(args: InspectStreamArgs): number | Promise<number>;
  /**
   * Called with the raw form of each record the kit writes in the inspect
   * tests, with the record as the contract returned it: throw to fail.
   */
  checkPersistedRecord?(args: { readonly raw: unknown; readonly collection: string; readonly record: unknown }): void | Promise<void>;
}

/** Options of {@link defineAdapterConformanceSuite}. */
export interface AdapterConformanceOptions {
  /** The title of the outer `describe` (default `storage adapter conformance`). */
  readonly name?: string;
  /**
   * Makes the storage for one test; called once per test. It may return a
   * storage over a shared database: every test uses fresh random tenant ids
   * and record ids, so tests never see each other's data.
   */
  createAdapter(): CrmStorage | Promise<CrmStorage>;
  /** Disposes of a test's storage (default: `storage.close()`). */
  disposeAdapter?(storage: CrmStorage): void | Promise<void>;
  /** The test runner. */
  readonly runner: ConformanceRunner;
  /**
   * Tests to skip, by full name (`"queries: …"`, see
   * {@link conformanceTestNames}), each with the reason. An unknown name is an
   * error, so that a renamed test is not silently run or skipped.
   */
  readonly skip?: Readonly<Record<string, string>>;
  /** Reads raw persisted data; without it the tests that need it are skipped. */
  readonly inspect?: ConformanceInspector;
  /** Records in the large-scan tests (default 2000, at least 250). */
  readonly largeScanRecords?: number;
  /** Concurrent calls in the concurrency tests (default 24, at least 4). */
  readonly parallelism?: number;
}

/** What each conformance test gets. */
export interface ConformanceContext {
  /** A fresh storage from `createAdapter`. */
  readonly storage: CrmStorage;
  /** A fresh random tenant id. */
  readonly tenant: string;
  /** Another fresh random tenant id, for isolation checks. */
  readonly otherTenant: string;
  /** A fresh random id with a prefix. */
  id(prefix: string): string;
  /** Seeded randomness for generated data. */
  readonly random: SeededRandom;
  /** The inspector, when given. */
  readonly inspect: ConformanceInspector | undefined;
  /** See {@link AdapterConformanceOptions.largeScanRecords}. */
  readonly largeScanRecords: number;
  /** See {@link AdapterConformanceOptions.parallelism}. */
  readonly parallelism: number;
}

/** The areas of the suite, in the order they are registered. */
export type ConformanceArea =
  | 'contract'
  | 'records'
  | 'versions'
  | 'queries'
  | 'scans'
  | 'streams'
  | 'idempotency'
  | 'concurrency'
  | 'transactions'
  | 'tenants'
  | 'bad input'
  | 'round trips'
  | 'outbox'
  | 'inspection';

/** One behavioural test of the kit. */
export interface ConformanceCase {
  /** Its area. */
  readonly area: ConformanceArea;
  /** What it checks, as a sentence. */
  readonly name: string;
  /**
   * A feature it needs: without `inspect` the test is skipped; when the
   * adapter declares `transactions` or `outbox` absent, the test instead
   * checks that the feature fails with `UNSUPPORTED`.
   */
  readonly requires?: 'transactions' | 'outbox' | 'inspect';
  /** The test body. */
  run(ctx: ConformanceContext): Promise<void>;
}
