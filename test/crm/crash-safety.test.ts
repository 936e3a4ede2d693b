import { describe, expect, test } from 'vitest';
import { isCrmError } from 'dealer-crm/core';
import type { CrmFacadeStorage } from 'dealer-crm/crm';
import { adapterTargets, useAdapter } from './support/adapters.js';
import { instrumentedMemory } from './support/fixtures.js';
import type { InstrumentedDriver } from './support/instrumented-driver.js';
import { runScenario, scenarioTenant, scenarios, type Scenario } from './support/scenarios.js';

// A storage that fails at the k-th write of a call — for every k, and once
// more just before the commit — must be left exactly as it was (for a bulk
// call, whose scenario is one batch, see also bulk-crash-safety.test.ts): every
// record, stream entry and outbox delivery state, compared in full. After
// the failures the same call succeeds (nothing half-written blocks it).

async function expectNothingWritten(scenario: Scenario, storage: CrmFacadeStorage, driver: InstrumentedDriver): Promise<number> {
  const { tenantId, crm } = await scenarioTenant(scenario, storage);
  const before = await driver.dump(tenantId);

  const failedWith = async () => {
    try {
      await runScenario(crm, scenario, tenantId);
      return null;
    } catch (error) {
      return error;
    }
  };

  driver.failNextCommit();
  const atCommit = await failedWith();
  expect(isCrmError(atCommit, 'UNAVAILABLE'), `${scenario.method} failing at the commit threw ${String(atCommit)}`).toBe(true);
  expect(await driver.dump(tenantId)).toEqual(before);

  for (let k = 1; ; k++) {
    driver.failWriteAt(k);
    const error = await failedWith();
    if (error === null) {
      driver.failWriteAt(null);
      return k - 1; // the call made k − 1 writes, and succeeded once none failed
    }
    expect(isCrmError(error, 'UNAVAILABLE'), `${scenario.method} failing at write ${k} threw ${String(error)}`).toBe(true);
    expect(await driver.dump(tenantId), `${scenario.method} failing at write ${k}`).toEqual(before);
  }
}

describe('a failure at any write of a facade call leaves nothing written (memory)', () => {
  for (const scenario of scenarios()) {
    test(`${scenario.method}: at every write position and at the commit`, async () => {
      const { storage, driver } = instrumentedMemory();
      const writes = await expectNothingWritten(scenario, storage, driver);
      // Every method writes at least its audit entry (chain, actor index) and its outbox event.
      expect(writes).toBeGreaterThanOrEqual(3);
    });
  }
});

// The same on the other adapters, for the calls with the most writes: rollbacks are real SQL rollbacks
// there, and over HTTP a rollback request to the server's transaction session.
const sqlScenarios = new Set(['customers.merge', 'customers.import', 'transactions.record', 'transactions.recordMany', 'loyalty.redeem', 'complaints.open', 'jobs.segmentation', 'privacy.eraseCustomer', 'keys.reencrypt']);

describe.each(adapterTargets.filter((target) => target.kind !== 'memory'))('a failure at any write of a facade call leaves nothing written ($name)', (target) => {
  const adapter = useAdapter(target);

  for (const scenario of scenarios().filter((candidate) => sqlScenarios.has(candidate.method))) {
    test(`${scenario.method}`, async () => {
      const { storage, driver } = adapter().instrumented();
      expect(await expectNothingWritten(scenario, storage, driver)).toBeGreaterThanOrEqual(3);
    });
  }
});

