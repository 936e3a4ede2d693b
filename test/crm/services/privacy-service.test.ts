import { describe, expect, test } from 'vitest';
import { liability } from 'dealer-crm/loyalty';
import { contexts, customerInput, freshTenant, instrumentedMemory, keyRing, makeCrm, program, testClock } from '../support/fixtures.js';
import { groupSetup } from '../support/scenarios.js';

async function group() {
  const tenantId = freshTenant();
  const { storage, driver } = instrumentedMemory();
  const clock = testClock();
  const crm = makeCrm(storage, { clock, keys: { provider: keyRing(), perCustomerKeys: true } });
  await groupSetup(crm, tenantId);
  return { tenantId, storage, driver, crm, clock, ctx: contexts(tenantId) };
}

describe('privacy.exportCustomerData', () => {
  test('hands over everything held about the person, as JSON', async () => {
    const { crm, ctx } = await group();
    await crm.customers.get(ctx.analyst(), { customerId: 'C-1' });
    const exported = await crm.privacy.exportCustomerData(ctx.privacyOfficer(), { customerId: 'C-1' });
    // Plain JSON: it survives a round trip unchanged.
    expect(JSON.parse(JSON.stringify(exported))).toEqual(exported);
    expect(exported).toMatchObject({
      format: 'dealer-crm/customer-export@1',
      customerId: 'C-1',
      status: 'active',
      customer: { name: '王芳', idNumber: '11010519491231002X', birthday: '1985-06-01', contactPoints: [{ kind: 'mobile', value: '+8613812345678' }, { value: 'wang.fang@example.cn' }, { kind: 'address' }] },
      vehicles: [{ id: 'V-1', vin: 'LSVAU21850N218329' }],
      ownerships: [{ id: 'O-1', role: 'owner' }],
      transactions: [{ id: 'RO-0', revenueMinor: 80_000 }],
      interactions: [{ id: 'I-1', notes: '王芳说下周三上午来做保养' }],
      complaints: [{ case: { id: 'K-1' }, events: [{ type: 'opened', subject: '王芳投诉保养后异响' }] }],
      loyalty: [{ member: { id: 'M-1' }, balance: { available: 2800 } }],
      profiling: { segments: { pyramidZone: expect.any(String) } },
    });
    const ledger = (exported.loyalty as { ledger: unknown[] }[])[0]!.ledger;
    expect(ledger).toHaveLength(2);
    // The access log names the analyst who looked.
    expect((exported.accessLog as { actorId: string; action: string }[]).map((entry) => `${entry.actorId} ${entry.action}`)).toContain('U-group_analyst customers.get');
  });

  test('needs full visibility: a purpose that sees less is refused', async () => {
    const { crm, ctx } = await group();
    await expect(crm.privacy.exportCustomerData(ctx.privacyOfficer('security_audit'), { customerId: 'C-1' })).rejects.toMatchObject({ code: 'FORBIDDEN', details: { reason: 'visibility' } });
  });
});

describe('privacy.eraseCustomer', () => {
  test('destroys the personal data and keys, and keeps ledgers and reports under the pseudonymous id', async () => {
    const { crm, ctx, storage, tenantId } = await group();
    const ledgerBefore = await storage.readStream(tenantId, 'loyalty_ledger', 'ledger:club/member:M-1');
    const segmentsBefore = await crm.jobs.segmentation(ctx.analyst(), { idempotencyKey: 'seg-before' });

    const erased = await crm.privacy.eraseCustomer(ctx.privacyOfficer(), { idempotencyKey: 'erase', customerId: 'C-1', reason: 'PIPL request 2024-0042' });
    // C-1's data key, its interaction notes and complaint subject, its three blind indexes, its ownership.
    expect(erased).toMatchObject({ customerId: 'C-1', alreadyErased: false, keysDestroyed: 1, textsDeleted: 2, lookupsDeleted: 3, ownershipsDeleted: 1 });

    const stored = (await storage.get(tenantId, 'customers', 'C-1'))!.record;
    expect(stored).toEqual({
      id: 'C-1',
      kind: 'person',
      type: 'private',
      contactPoints: [],
      dealerId: 'D-1',
      source: 'walk_in',
      lifecycleStage: 'customer',
      tags: [],
      createdAt: new Date('2024-01-01T10:00:00+08:00'),
      updatedAt: new Date('2024-06-01T10:00:00+08:00'),
      sealed: {},
      erasedAt: new Date('2024-06-01T10:00:00+08:00'),
    });
    expect(await crm.customers.get(ctx.staff(), { customerId: 'C-1' })).toMatchObject({ status: 'erased', customer: null });
    expect((await crm.customers.findByMobile(ctx.staff(), { mobile: '13812345678' })).customers.map((record) => record.customerId)).toEqual(['C-2']);
    expect((await crm.customers.findByIdNumber(ctx.staff(), { idNumber: '11010519491231002X' })).customers).toEqual([]);
    expect((await crm.complaints.get(ctx.staff('D-1', 'complaint_handling'), { caseId: 'K-1' })).case.subject).toBeNull();
    expect(await storage.get(tenantId, 'customer_keys', 'C-1')).toBeNull();

    // The ledger is untouched: the balance, and what finance owes, stay right.
    expect(await storage.readStream(tenantId, 'loyalty_ledger', 'ledger:club/member:M-1')).toEqual(ledgerBefore);
    const owed = liability(program, [ledgerBefore.entries.map((entry) => entry.payload)], { asOf: new Date('2024-06-01T10:00:00+08:00'), pointValue: { amountMinor: 1, perPoints: 1 }, breakageRate: 0 });
    expect(owed.outstandingPoints).toBe(2800);
    expect((await crm.loyalty.balance(ctx.staff('D-1', 'loyalty_administration'), { memberId: 'M-1' })).available).toBe(2800);
    // Reports count the pseudonymous customer as before.
    const segmentsAfter = await crm.jobs.segmentation(ctx.analyst(), { idempotencyKey: 'seg-after' });
    expect(segmentsAfter.pyramid).toEqual(segmentsBefore.pyramid);
    expect(segmentsAfter.customers).toBe(segmentsBefore.customers);

    // The export now holds only what stayed.
    const exported = await crm.privacy.exportCustomerData(ctx.privacyOfficer(), { customerId: 'C-1' });
    expect(exported).toMatchObject({ status: 'erased', customer: null, ownerships: [], transactions: [{ id: 'RO-0' }] });
    expect(JSON.stringify(exported.interactions)).not.toContain('保养');

    // Erasing again changes nothing.
    expect(await crm.privacy.eraseCustomer(ctx.privacyOfficer(), { idempotencyKey: 'erase-again', customerId: 'C-1', reason: 'again' })).toMatchObject({ alreadyErased: true, keysDestroyed: 0 });
    // An erased customer's id cannot be written to again.
    await expect(crm.customers.upsert(ctx.staff(), { idempotencyKey: 'back', customer: customerInput('C-1') })).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
  });

  test('a merged-away record is erased through its golden record', async () => {
    const { crm, ctx } = await group();
    await crm.customers.merge(ctx.manager('D-1', 'data_quality'), { idempotencyKey: 'm', customerIds: ['C-1', 'C-2'] });
    await expect(crm.privacy.eraseCustomer(ctx.privacyOfficer(), { idempotencyKey: 'e', customerId: 'C-1', reason: 'x' })).rejects.toMatchObject({ code: 'INVALID_TRANSITION', details: { mergedInto: 'C-2' } });
    const erased = await crm.privacy.eraseCustomer(ctx.privacyOfficer(), { idempotencyKey: 'e2', customerId: 'C-2', reason: 'x' });
    // Both records' data keys go; C-1's notes and complaint subject with them.
    expect(erased).toMatchObject({ keysDestroyed: 2, textsDeleted: 2 });
  });
});

describe('privacy.enforceRetentionLimits', () => {
  test('erases prospects inactive past the limit, and no one else', async () => {
    const { crm, ctx, storage, tenantId } = await group();
    // A prospect who was in touch recently stays.
    await crm.customers.upsert(ctx.staff(), {
      idempotencyKey: 'p2',
      customer: customerInput('P-2', { lifecycleStage: 'prospect', idNumber: undefined, contactPoints: [], createdAt: '2019-01-01T10:00:00+08:00', updatedAt: '2019-01-01T10:00:00+08:00' }),
    });
    await crm.customers.recordInteraction(ctx.staff(), { idempotencyKey: 'p2-call', interaction: { id: 'I-P2', customerId: 'P-2', at: '2024-03-01T10:00:00+08:00', channel: 'phone', direction: 'inbound', purpose: 'sales' } });
    const run = await crm.privacy.enforceRetentionLimits(ctx.system(), { idempotencyKey: 'limits' });
    // P-1 was last updated on 2020-01-01, over three years (1,095 days) before 2024-06-01.
    expect(run).toEqual({ asOf: new Date('2024-06-01T10:00:00+08:00'), inactiveDays: 1095, erased: ['P-1'], remaining: 0 });
    expect((await storage.get(tenantId, 'customers', 'P-1'))!.record.erasedAt).toBeDefined();
    expect((await storage.get(tenantId, 'customers', 'P-2'))!.record.erasedAt).toBeUndefined();
    // A shorter limit, one at a time.
    const short = await crm.privacy.enforceRetentionLimits(ctx.system(), { idempotencyKey: 'limits-short', inactiveDays: 30, limit: 1 });
    expect(short).toMatchObject({ erased: ['P-2'], remaining: 0 });
  });
});
