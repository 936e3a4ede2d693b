import { describe, expect, test } from 'vitest';
import { createMemoryStorage } from 'dealer-crm/adapters/memory';
import { crmStorageRegistry } from 'dealer-crm/crm';
import { auditChain, contexts, customerInput, freshTenant, makeCrm, outboxEvents, repairOrder } from '../support/fixtures.js';
import { groupSetup } from '../support/scenarios.js';

async function group() {
  const tenantId = freshTenant();
  const storage = createMemoryStorage({ registry: crmStorageRegistry });
  const crm = makeCrm(storage);
  await groupSetup(crm, tenantId);
  return { tenantId, storage, crm, ctx: contexts(tenantId) };
}

describe('customers.upsert', () => {
  test('creates, then replaces with a new version; the answer and the event carry ids only', async () => {
    const tenantId = freshTenant();
    const storage = createMemoryStorage({ registry: crmStorageRegistry });
    const crm = makeCrm(storage);
    const staff = contexts(tenantId).staff();
    expect(await crm.customers.upsert(staff, { idempotencyKey: 'a', customer: customerInput('C-1') })).toEqual({ customerId: 'C-1', version: 1, created: true });
    expect(await crm.customers.upsert(staff, { idempotencyKey: 'b', customer: customerInput('C-1', { lifecycleStage: 'loyal' }), expectedVersion: 1 })).toEqual({
      customerId: 'C-1',
      version: 2,
      created: false,
    });
    const events = await outboxEvents(storage, tenantId);
    expect(events.map((event) => event.type)).toEqual(['crm.customer.upserted', 'crm.customer.upserted']);
    expect(JSON.stringify(events)).not.toContain('王芳');
    expect(events[1]!.data).toMatchObject({ customerId: 'C-1', version: 2, created: false, actorId: 'U-staff-D-1', purpose: 'customer_service' });
  });

  test('a stale expectedVersion is a VERSION_CONFLICT that writes nothing', async () => {
    const tenantId = freshTenant();
    const storage = createMemoryStorage({ registry: crmStorageRegistry });
    const crm = makeCrm(storage);
    const staff = contexts(tenantId).staff();
    await crm.customers.upsert(staff, { idempotencyKey: 'a', customer: customerInput('C-1') });
    await expect(crm.customers.upsert(staff, { idempotencyKey: 'b', customer: customerInput('C-1', { name: '王小芳' }), expectedVersion: 0 })).rejects.toMatchObject({
      code: 'VERSION_CONFLICT',
      details: { expectedVersion: 0, actualVersion: 1 },
    });
    expect((await storage.get(tenantId, 'customers', 'C-1'))!.version).toBe(1);
  });

  test('a dealer’s staff cannot create a customer for another dealer', async () => {
    const tenantId = freshTenant();
    const crm = makeCrm(createMemoryStorage({ registry: crmStorageRegistry }));
    await expect(crm.customers.upsert(contexts(tenantId).staff('D-1'), { idempotencyKey: 'a', customer: customerInput('C-1', { dealerId: 'D-2' }) })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  test('bad input is a ValidationError naming the path, before storage is touched', async () => {
    const tenantId = freshTenant();
    const storage = createMemoryStorage({ registry: crmStorageRegistry });
    const crm = makeCrm(storage);
    const error = await crm.customers.upsert(contexts(tenantId).staff(), { idempotencyKey: 'a', customer: customerInput('C-1', { contactPoints: [{ kind: 'mobile', value: '12345' }] }) }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ path: 'input.customer.contactPoints[0].value' }] });
    expect(await storage.streamVersion(tenantId, 'audit_log', 'chain')).toBe(0);
  });
});

describe('customers.findByVin', () => {
  test('finds the current owner, not the one who sold the car', async () => {
    const { crm, ctx } = await group();
    expect((await crm.customers.findByVin(ctx.staff(), { vin: 'LSVAU21850N218329' })).customers.map((record) => record.customerId)).toEqual(['C-1']);
    const sale = await crm.vehicles.recordOwnership(ctx.staff('D-1', 'sales'), { idempotencyKey: 'o-2', ownership: { id: 'O-2', customerId: 'C-2', vehicleId: 'V-1', role: 'owner', from: '2024-05-15T00:00:00+08:00' } });
    expect(sale.endedOwnershipIds).toEqual(['O-1']);
    expect((await crm.customers.findByVin(ctx.staff(), { vin: 'lsvau21850n218329' })).customers.map((record) => record.customerId)).toEqual(['C-2']);
    const vehicle = await crm.vehicles.get(ctx.staff('D-1', 'after_sales'), { vehicleId: 'V-1' });
    expect(vehicle.ownerships.map((ownership) => [ownership.id, ownership.customerId, ownership.to?.toISOString() ?? null])).toEqual([
      ['O-1', 'C-1', '2024-05-14T16:00:00.000Z'],
      ['O-2', 'C-2', null],
    ]);
  });
});

describe('customers.merge', () => {
  test('merges duplicates into a golden record with lineage; the merged record becomes a pointer', async () => {
    const { crm, ctx, storage, tenantId } = await group();
    const merge = await crm.customers.merge(ctx.manager('D-1', 'data_quality'), { idempotencyKey: 'merge', customerIds: ['C-1', 'C-2'] });
    // C-2 was updated later (2024-03-01 vs 2024-01-01), so most_recent picks it for the fields both have; C-1 alone has an identity number.
    expect(merge.customerId).toBe('C-2');
    expect(merge.mergedIds).toEqual(['C-1']);
    expect(merge.fields.birthday).toEqual({ sourceId: 'C-2', reason: 'most_recent' });
    expect(merge.fields.idNumber).toMatchObject({ sourceId: 'C-1' });
    // The mobile was on both records, the two e-mail addresses on one each, the address on C-1.
    expect(merge.contactPoints.find((point) => point.kind === 'mobile')?.sourceIds).toEqual(['C-1', 'C-2']);
    const golden = await crm.customers.get(ctx.staff(), { customerId: 'C-2' });
    expect(golden.customer).toMatchObject({ idNumber: '11010519491231002X', birthday: '1985-06-10' });
    expect(await crm.customers.get(ctx.staff(), { customerId: 'C-1' })).toMatchObject({ status: 'merged', mergedInto: 'C-2', customer: null });
    // One person, one match.
    expect((await crm.customers.findByMobile(ctx.staff(), { mobile: '13812345678' })).customers.map((record) => record.customerId)).toEqual(['C-2']);
    expect((await crm.customers.findByIdNumber(ctx.staff(), { idNumber: '11010519491231002X' })).customers.map((record) => record.customerId)).toEqual(['C-2']);
    // The golden record's 360° view holds both histories: RO-0 (¥800) of C-1 and RO-1 (¥300) of C-2.
    const view = await crm.customers.view(ctx.staff(), { customerId: 'C-2' });
    expect(view.lifetime).toEqual([expect.objectContaining({ currency: 'CNY', count: 2, revenueMinor: 110_000 })]);
    expect(view.recentInteractions.map((interaction) => interaction.id)).toEqual(['I-1']);
    // The lineage is stored.
    expect((await storage.query(tenantId, 'customer_merges', { where: { survivorId: 'C-2' } })).items[0]?.record).toMatchObject({ mergedIds: ['C-1'], actorId: 'U-manager-D-1' });
    // And the merged record can no longer be written to.
    await expect(crm.customers.upsert(ctx.staff(), { idempotencyKey: 'late', customer: customerInput('C-1') })).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
  });
});

describe('customers.view', () => {
  test('assembles vehicles, service, lifetime value, complaints, consents, interactions and loyalty', async () => {
    const { crm, ctx } = await group();
    const view = await crm.customers.view(ctx.staff(), { customerId: 'C-1' });
    expect(view.vehicles.map((vehicle) => [vehicle.vehicle.id, vehicle.currentPlate])).toEqual([['V-1', '沪A12345']]);
    expect(view.lastService?.transactionId).toBe('RO-0');
    // RO-0: revenue ¥300 + ¥500 = 80,000 fen; profit 60 % of it = 48,000.
    expect(view.lifetime).toEqual([expect.objectContaining({ currency: 'CNY', count: 1, revenueMinor: 80_000, grossProfitMinor: 48_000 })]);
    expect(view.openComplaints.map((complaint) => complaint.id)).toEqual(['K-1']);
    expect(view.consents.map((consent) => `${consent.purpose}/${consent.channel}`).sort()).toEqual(['marketing/sms', 'service_reminder/sms']);
    expect(view.recentInteractions[0]?.notes).toBe('王芳说下周三上午来做保养');
    // 2,000 opening points + 800 for RO-0.
    expect(view.loyalty).toEqual([{ memberId: 'M-1', programId: 'club', tierId: 'silver', available: 2800, pending: 0 }]);
    expect(view.visibility).toBe('full');
  });

  test('hides interaction notes and masks the customer for a masked purpose', async () => {
    const { crm, ctx } = await group();
    const view = await crm.customers.view(ctx.analyst(), { customerId: 'C-1' });
    expect(view.customer.name).toBe('王*');
    expect(view.recentInteractions[0]).not.toHaveProperty('notes');
  });
});

describe('customers.recordConsent', () => {
  test('records an opt-out on the customer’s primary mobile', async () => {
    const { crm, ctx, storage, tenantId } = await group();
    const answer = await crm.customers.recordConsent(ctx.staff(), {
      idempotencyKey: 'opt-out',
      customerId: 'C-1',
      contactPoint: { kind: 'mobile', value: '+86 138 1234 5678' },
      consent: { purpose: 'marketing', channel: 'sms', status: 'withdrawn', at: '2024-05-30T10:00:00+08:00', source: 'phone_recording' },
    });
    expect(answer).toEqual({ customerId: 'C-1', version: 2, contactPointIndex: 0 });
    const view = await crm.customers.view(ctx.staff(), { customerId: 'C-1' });
    expect(view.consents.map((consent) => `${consent.purpose}/${consent.channel}`)).toEqual(['service_reminder/sms']);
    expect((await auditChain(storage, tenantId)).find((entry) => entry.action === 'customers.recordConsent')?.fields).toEqual(['consents', 'mobile']);
  });

  test('a contact point the customer does not have is NOT_FOUND', async () => {
    const { crm, ctx } = await group();
    await expect(
      crm.customers.recordConsent(ctx.staff(), { idempotencyKey: 'x', customerId: 'C-1', contactPoint: { kind: 'wechat' }, consent: { purpose: 'marketing', channel: 'wechat', status: 'granted', at: '2024-05-30T10:00:00+08:00', source: 'wechat' } }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('customers.recordInteraction', () => {
  test('appends to the customer’s stream and keeps the notes encrypted apart from it', async () => {
    const { crm, ctx, storage, tenantId } = await group();
    const answer = await crm.customers.recordInteraction(ctx.staff(), {
      idempotencyKey: 'i-2',
      interaction: { id: 'I-2', customerId: 'C-1', at: '2024-05-31T11:00:00+08:00', channel: 'wechat', direction: 'inbound', purpose: 'enquiry', notes: '询问延保价格' },
    });
    expect(answer).toEqual({ interactionId: 'I-2', customerId: 'C-1', position: 2, replayed: false });
    const stored = await storage.readStream(tenantId, 'interactions', 'C-1');
    expect(stored.entries[1]!.payload).not.toHaveProperty('notes');
    const texts = await storage.query(tenantId, 'sealed_texts', { where: { ownerId: 'I-2' } });
    expect(texts.items.map((item) => [item.record.field, item.record.value.slice(0, 12)])).toEqual([['notes', 'enc1.m.2024.']]);
    // The same interaction again, under another request key, is not appended twice.
    const again = await crm.customers.recordInteraction(ctx.staff(), {
      idempotencyKey: 'i-2-again',
      interaction: { id: 'I-2', customerId: 'C-1', at: '2024-05-31T11:00:00+08:00', channel: 'wechat', direction: 'inbound', purpose: 'enquiry' },
    });
    expect(again).toMatchObject({ position: 2, replayed: true });
  });
});

describe('transactions.record', () => {
  test('appends the order and accrues its points in the same transaction', async () => {
    const { crm, ctx, storage, tenantId } = await group();
    const answer = await crm.transactions.record(ctx.staff('D-1', 'after_sales'), { idempotencyKey: 'ro-9', transaction: repairOrder('RO-9', 'C-1', '2024-05-20T10:00:00+08:00', 12_345, 50_050) });
    // ¥123.45 labour + ¥500.50 parts = 623.95 points, floored: 623.
    expect(answer).toEqual({ transactionId: 'RO-9', customerId: 'C-1', replayed: false, position: 2, accruals: [{ memberId: 'M-1', programId: 'club', points: 623, replayed: false, ledgerKey: 'transaction:RO-9' }] });
    expect(await storage.streamVersion(tenantId, 'transactions', 'C-1')).toBe(2);
  });

  test('at another dealer is FORBIDDEN for a dealer’s staff', async () => {
    const { crm, ctx } = await group();
    await expect(crm.transactions.record(ctx.staff('D-1', 'after_sales'), { idempotencyKey: 'x', transaction: { ...repairOrder('RO-9', 'C-1', '2024-05-20T10:00:00+08:00'), dealerId: 'D-2' } })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });
});
