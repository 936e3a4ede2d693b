import { describe, expect, it } from 'vitest';
import { createCrmStorage, type StorageDriver } from 'dealer-crm/adapters';
import { createMemoryDriver } from 'dealer-crm/adapters/memory';
import { allConformanceCases } from '../../src/adapters/testing/cases/index.js';
import { runCase } from '../../src/adapters/testing/suite.js';
import {
  allRowsQueryDriver,
  fakeTransactionDriver,
  hashlessIdempotencyDriver,
  leakyTenantDriver,
  leaseIgnoringOutboxDriver,
  racyDriver,
  undefinedForMissingDriver,
  unfencedOutboxDriver,
  wipingDeleteDriver,
} from './support/mutants.js';

/** Runs one case of the kit against a driver and returns its failure, if any. */
async function failureOf(makeDriver: () => StorageDriver, name: string): Promise<Error | undefined> {
  const item = allConformanceCases.find((candidate) => `${candidate.area}: ${candidate.name}` === name);
  if (item === undefined) throw new Error(`no case named ${name}`);
  try {
    await runCase(item, { runner: { describe: () => undefined, test: () => undefined }, createAdapter: () => createCrmStorage(makeDriver()) }, 300, 24);
    return undefined;
  } catch (error) {
    return error as Error;
  }
}

const mutants: [string, () => StorageDriver, string[]][] = [
  [
    'a driver without locking (check-then-write races)',
    racyDriver,
    [
      'concurrency: parallel appends to one stream lose nothing and leave no gaps',
      'concurrency: parallel conditional appends at the same version: exactly one wins',
      'concurrency: parallel redemptions against one balance never spend the same points twice',
      'concurrency: parallel appends with the same idempotency key append once and all return the same entries',
      'concurrency: parallel unconditional writes of one record lose no version increment',
      'concurrency: parallel conditional writes at the same version: exactly one wins',
      'outbox: claims take entries oldest first and concurrent claims never share an entry',
      'outbox: completing a claim marks the entry delivered exactly once',
    ],
  ],
  [
    'a driver that ignores the tenant',
    leakyTenantDriver,
    [
      'tenants: the same id in two tenants holds two independent records',
      'tenants: queries and scans of one tenant never return another tenant’s records',
      'tenants: deletes and conditional writes in one tenant never touch another tenant’s record',
      'tenants: streams and idempotency keys of one tenant are invisible to another',
    ],
  ],
  [
    'a driver whose queries drop their filters',
    allRowsQueryDriver,
    ['queries: equality, in and range conditions return exactly the matching records', 'tenants: queries and scans of one tenant never return another tenant’s records'],
  ],
  ['a driver that returns undefined for a missing record', undefinedForMissingDriver, ['records: get returns null for a record that does not exist']],
  ['a driver whose delete of a missing record wipes the collection', wipingDeleteDriver, ['records: delete of a missing record returns false and touches nothing']],
  [
    'a driver whose transactions do not roll back',
    fakeTransactionDriver,
    ['transactions: a transaction that throws leaves nothing behind and rethrows the same error', 'transactions: a version conflict inside a transaction rolls back its earlier writes'],
  ],
  ['a driver that does not compare payload hashes', hashlessIdempotencyDriver, ['idempotency: the same key with other payloads is IDEMPOTENCY_CONFLICT and appends nothing']],
  ['an outbox that ignores leases', leaseIgnoringOutboxDriver, ['outbox: claims take entries oldest first and concurrent claims never share an entry']],
  ['an outbox without fencing', unfencedOutboxDriver, ['outbox: a lapsed lease lets another worker claim the entry and the first worker’s completion is refused']],
];

describe('the conformance kit catches broken adapters', () => {
  for (const [what, makeDriver, names] of mutants) {
    describe(what, () => {
      for (const name of names) {
        it(`fails “${name}”`, async () => {
          const failure = await failureOf(makeDriver, name);
          expect(failure, `the kit passed a broken driver on ${name}`).toBeInstanceOf(Error);
          // The same case passes against the correct memory driver (the failure comes from the mutation).
          expect(await failureOf(createMemoryDriver, name)).toBeUndefined();
        });
      }
    });
  }
});
