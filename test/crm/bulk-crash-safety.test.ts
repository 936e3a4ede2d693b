import { isDeepStrictEqual } from 'node:util';
import { describe, expect, test } from 'vitest';
import { isCrmError } from 'dealer-crm/core';
import { verifyAuditChain, type CrmCallContext, type CrmFacadeStorage } from 'dealer-crm/crm';
import { adapterTargets, useAdapter } from './support/adapters.js';
import { contexts, customerInput, freshTenant, instrumentedMemory, makeCrm, repairOrder, testClock } from './support/fixtures.js';
import type { InstrumentedDriver, TenantDump } from './support/instrumented-driver.js';
import { callMethod } from './support/scenarios.js';

// A bulk call is all or nothing per batch. Failing it at every write position of a three-batch call
// leaves the storage at one of the states between batches (before the first, after the first, after
// the second) — never half a batch — and the same call again resumes: the batches written are
// replays, the rest are written, and the storage ends exactly as after one uninterrupted call
// (the audit stream aside, which records the replays). Personal fields are stored in clear here and
// every request gets the same id, so that two runs write the very same documents.

const BULK_NOW = '2024-06-01T10:00:00+08:00';

interface BulkCase {
  readonly method: string;
  readonly context: (tenantId: string) => CrmCallContext;
  readonly input: Readonly<Record<string, unknown>>;
  /** Batches of the call. */
  readonly batches: number;
}

const bulkCases: readonly BulkCase[] = [
  {
    method: 'customers.import',
    context: (tenantId) => contexts(tenantId).staff(),
    input: {
      idempotencyKey: 'import',
      customers: [customerInput('C-2', { name: '王芳芳', updatedAt: BULK_NOW }), ...['N-1', 'N-2', 'N-3', 'N-4', 'N-5', 'N-6'].map((id, i) => customerInput(id, { idNumber: undefined, contactPoints: [{ kind: 'mobile', value: `1360000000${i}` }] }))],
      batchSize: 3,
    },
    batches: 3,
  },
  {
    method: 'transactions.recordMany',
    context: (tenantId) => contexts(tenantId).staff('D-1', 'after_sales'),
    input: {
      idempotencyKey: 'orders',
      transactions: [
        repairOrder('RO-1', 'C-1', '2024-05-01T10:00:00+08:00'),
        repairOrder('RO-2', 'C-2', '2024-05-02T10:00:00+08:00'),
        repairOrder('RO-3', 'C-1', '2024-05-03T10:00:00+08:00', 20_000, 10_000),
        repairOrder('RO-4', 'C-3', '2024-05-04T10:00:00+08:00'),
        repairOrder('RO-5', 'C-2', '2024-05-05T10:00:00+08:00', 50_000, 90_000),
        repairOrder('RO-6', 'C-1', '2024-05-06T10:00:00+08:00'),
        repairOrder('RO-7', 'C-3', '2024-05-07T10:00:00+08:00'),
      ],
      batchSize: 3,
    },
    batches: 3,
  },
  {
    method: 'loyalty.enrollMany',
    context: (tenantId) => contexts(tenantId).staff('D-1', 'loyalty_administration'),
    input: { idempotencyKey: 'members', members: ['C-3', 'N-7', 'N-8', 'N-9', 'N-10'].map((customerId, i) => ({ id: `M-${i + 3}`, programId: 'club', customerId })), batchSize: 2 },
    batches: 3,
  },
];

/** A facade that writes the same documents on every run. */
const deterministicCrm = (storage: CrmFacadeStorage) => makeCrm(storage, { clock: testClock(BULK_NOW), ids: () => 'req', policies: { privacy: { encryptedFields: [] } } });

/** Customers C-1…C-3 and N-7…N-10 of D-1 (no contact points: their blind indexes would differ by tenant), C-1 and C-2 enrolled (M-1, M-2): the ground every bulk case works on. */
async function bulkGround(storage: CrmFacadeStorage, tenantId: string): Promise<void> {
  const crm = deterministicCrm(storage);
  const ctx = contexts(tenantId);
  for (const id of ['C-1', 'C-2', 'C-3', 'N-7', 'N-8', 'N-9', 'N-10']) await crm.customers.upsert(ctx.staff(), { idempotencyKey: `c-${id}`, customer: customerInput(id, { idNumber: undefined, contactPoints: [] }) });
  for (const [i, customerId] of ['C-1', 'C-2'].entries()) {
    await crm.loyalty.enroll(ctx.staff('D-1', 'loyalty_administration'), { idempotencyKey: `m-${customerId}`, member: { id: `M-${i + 1}`, programId: 'club', customerId, joinedAt: '2024-01-01T00:00:00+08:00' } });
  }
}

/** A tenant's dump without its audit streams (replays are audited), with the tenant id written as `T` (runs on a shared database use tenants of their own). */
async function comparable(driver: InstrumentedDriver, tenantId: string): Promise<TenantDump> {
  const dump = await driver.dump(tenantId);
  const kept = { ...dump, streams: Object.fromEntries(Object.entries(dump.streams).filter(([key]) => !key.startsWith('audit_log/'))) };
  return JSON.parse(JSON.stringify(kept).replaceAll(tenantId, 'T')) as TenantDump;
}

/** A storage for one run: its own database (memory), or a tenant of its own in the shared one. */
type OpenRun = () => { storage: CrmFacadeStorage; driver: InstrumentedDriver; tenantId: string };

async function expectBatchesAndResume(bulk: BulkCase, open: OpenRun, positions: 'every' | 'some'): Promise<void> {
  const reference = open();
  await bulkGround(reference.storage, reference.tenantId);
  const initial = await comparable(reference.driver, reference.tenantId);
  const answer = await callMethod(deterministicCrm(reference.storage), bulk.method, bulk.context(reference.tenantId), bulk.input);
  const complete = await comparable(reference.driver, reference.tenantId);

  const states: TenantDump[] = [initial];
  for (let k = 1; ; k++) {
    const { storage, driver, tenantId } = open();
    await bulkGround(storage, tenantId);
    const crm = deterministicCrm(storage);
    driver.failWriteAt(k);
    const failure = await callMethod(crm, bulk.method, bulk.context(tenantId), bulk.input).then(
      () => null,
      (error: unknown) => error,
    );
    driver.failWriteAt(null);
    if (failure === null) break; // the call made fewer than k writes
    expect(isCrmError(failure, 'UNAVAILABLE'), `${bulk.method} failing at write ${k} threw ${String(failure)}`).toBe(true);
    const state = await comparable(driver, tenantId);
    // Either the state the failure before left, or the next state between batches.
    if (!isDeepStrictEqual(state, states.at(-1))) states.push(state);
    if (positions === 'every' || k % 6 === 1) {
      expect(await callMethod(crm, bulk.method, bulk.context(tenantId), bulk.input), `${bulk.method} resumed after a failure at write ${k}`).toEqual(answer);
      expect(await comparable(driver, tenantId), `${bulk.method} resumed after a failure at write ${k}`).toEqual(complete);
      expect((await verifyAuditChain(storage, { tenantId })).valid).toBe(true);
    }
  }
  // The states a failure left: before the call, after batch 1, after batch 2 (a failure in the last batch leaves the second).
  expect(states).toHaveLength(bulk.batches);
  states.forEach((state, written) => {
    const events = (state.streams['outbox/crm-events'] ?? []).filter((entry) => (entry.payload as { data?: { batch?: number } }).data?.batch !== undefined);
    expect(events, `${bulk.method}: the state after ${written} batches`).toHaveLength(written);
  });
}

describe('a failure at any write of a bulk call leaves whole batches, and the same call again resumes (memory)', () => {
  for (const bulk of bulkCases) {
    test(`${bulk.method}`, async () => {
      const tenantId = freshTenant();
      await expectBatchesAndResume(bulk, () => ({ ...instrumentedMemory(), tenantId }), 'every');
    });
  }
});

describe.each(adapterTargets.filter((target) => target.kind !== 'memory'))('a failure at any write of a bulk call leaves whole batches, and the same call again resumes ($name)', (target) => {
  const adapter = useAdapter(target);
  test('transactions.recordMany', async () => {
    await expectBatchesAndResume(bulkCases[1]!, () => ({ ...adapter().instrumented(), tenantId: freshTenant() }), 'some');
  }, 60_000);
});
