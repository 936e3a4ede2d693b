import { describe, expect, test } from 'vitest';
import { isCrmError } from 'dealer-crm/core';
import { contexts, customerInput, freshTenant, instrumentedMemory, makeCrm, repairOrder } from './support/fixtures.js';
import type { TenantDump } from './support/instrumented-driver.js';
import { runScenario, scenarioKeys, scenarioTenant, scenarios } from './support/scenarios.js';

/** A dump without the audit streams (a replay is audited, and writes nothing else). */
function withoutAudit(dump: TenantDump): TenantDump {
  return { ...dump, streams: Object.fromEntries(Object.entries(dump.streams).filter(([key]) => !key.startsWith('audit_log/'))) };
}

describe('a replay of a write with the same idempotency key', () => {
  for (const scenario of scenarios().filter((candidate) => candidate.write)) {
    test(`${scenario.method} returns the first answer and writes nothing but its audit entry`, async () => {
      const { storage, driver } = instrumentedMemory();
      const { tenantId, crm, clock } = await scenarioTenant(scenario, storage);
      const first = await runScenario(crm, scenario, tenantId);
      const afterFirst = await driver.dump(tenantId);
      clock.advance(3_600_000); // an hour later: a replay answers as of the first call, not now
      const second = await runScenario(makeCrm(storage, { clock, keys: { provider: scenarioKeys(scenario) } }), scenario, tenantId);
      expect(second).toEqual(first);
      const afterSecond = await driver.dump(tenantId);
      expect(withoutAudit(afterSecond)).toEqual(withoutAudit(afterFirst));
      const chain = afterSecond.streams['audit_log/chain']!;
      expect(chain).toHaveLength(afterFirst.streams['audit_log/chain']!.length + 1);
      expect(chain.at(-1)!.payload).toMatchObject({ action: scenario.method, outcome: 'replayed' });
    });
  }
});

describe('an idempotency key used again for another request', () => {
  test('is IDEMPOTENCY_CONFLICT and writes nothing', async () => {
    const { storage, driver } = instrumentedMemory();
    const tenantId = freshTenant();
    const crm = makeCrm(storage);
    const staff = contexts(tenantId).staff();
    await crm.customers.upsert(staff, { idempotencyKey: 'k', customer: customerInput('C-1') });
    const before = await driver.dump(tenantId);
    const error = await crm.customers.upsert(staff, { idempotencyKey: 'k', customer: customerInput('C-1', { name: '王小芳' }) }).catch((caught: unknown) => caught);
    expect(isCrmError(error, 'IDEMPOTENCY_CONFLICT')).toBe(true);
    expect(await driver.dump(tenantId)).toEqual(before);
  });

  test('by another actor is a conflict too: the key belongs to the first request', async () => {
    const tenantId = freshTenant();
    const crm = makeCrm(instrumentedMemory().storage);
    const ctx = contexts(tenantId);
    await crm.customers.upsert(ctx.staff(), { idempotencyKey: 'k', customer: customerInput('C-1') });
    await expect(crm.customers.upsert(ctx.manager(), { idempotencyKey: 'k', customer: customerInput('C-1') })).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
  });

  test('is scoped to the method: the same key on two methods names two requests', async () => {
    const tenantId = freshTenant();
    const crm = makeCrm(instrumentedMemory().storage);
    const ctx = contexts(tenantId);
    await crm.customers.upsert(ctx.staff(), { idempotencyKey: 'shared', customer: customerInput('C-1') });
    const recorded = await crm.transactions.record(ctx.staff('D-1', 'after_sales'), { idempotencyKey: 'shared', transaction: repairOrder('RO-1', 'C-1', '2024-05-01T10:00:00+08:00') });
    expect(recorded.replayed).toBe(false);
  });

  test('a transaction recorded again under another key is not counted twice (the ledger and stream dedupe it)', async () => {
    const tenantId = freshTenant();
    const crm = makeCrm(instrumentedMemory().storage);
    const ctx = contexts(tenantId);
    await crm.customers.upsert(ctx.staff(), { idempotencyKey: 'c', customer: customerInput('C-1') });
    await crm.loyalty.enroll(ctx.staff('D-1', 'loyalty_administration'), { idempotencyKey: 'm', member: { id: 'M-1', programId: 'club', customerId: 'C-1', joinedAt: '2024-01-01T00:00:00+08:00' } });
    const order = repairOrder('RO-1', 'C-1', '2024-05-01T10:00:00+08:00');
    const first = await crm.transactions.record(ctx.staff('D-1', 'after_sales'), { idempotencyKey: 'dms-sync-1', transaction: order });
    const again = await crm.transactions.record(ctx.staff('D-1', 'after_sales'), { idempotencyKey: 'dms-sync-2', transaction: order });
    // ¥300 labour + ¥500 parts = 800 points, once.
    expect(first.accruals[0]).toMatchObject({ points: 800, replayed: false });
    expect(again).toMatchObject({ replayed: true, accruals: [{ points: 0, replayed: true }] });
    expect((await crm.loyalty.balance(ctx.staff('D-1', 'loyalty_administration'), { memberId: 'M-1' })).available).toBe(800);
  });
});
