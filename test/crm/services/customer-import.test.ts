import { describe, expect, test } from 'vitest';
import { createMemoryStorage } from 'dealer-crm/adapters/memory';
import type { CustomerInput } from 'dealer-crm/customer';
import { crmStorageRegistry, type StoredCustomer } from 'dealer-crm/crm';
import { auditChain, clearValues, contexts, customerInput, freshTenant, instrumentedMemory, keyRing, makeCrm, outboxEvents } from '../support/fixtures.js';
import { groupOnMemory } from '../support/scenarios.js';

/** Seven customers of D-1, each with its own mobile and e-mail; the first keeps the fixture's identity number. */
function seven(): CustomerInput[] {
  return Array.from({ length: 7 }, (_, i) =>
    customerInput(`N-${i}`, {
      ...(i === 0 ? {} : { idNumber: undefined }),
      contactPoints: [
        { kind: 'mobile', value: `1380000000${i}`, primary: true },
        { kind: 'email', value: `n${i}@example.cn` },
        { kind: 'address', value: { province: '上海市', city: '上海市', street: '世纪大道100号' } },
      ],
    }),
  );
}

/** The group of the scenarios with C-1 and C-2 (one person) merged: C-2, the newer record, survives. */
async function mergedGroup() {
  const { tenantId, storage, crm, ctx } = await groupOnMemory();
  expect(await crm.customers.merge(ctx.manager('D-1', 'data_quality'), { idempotencyKey: 'merge', customerIds: ['C-1', 'C-2'] })).toMatchObject({ customerId: 'C-2', mergedIds: ['C-1'] });
  return { tenantId, storage, crm, ctx };
}

describe('customers.import', () => {
  test('seals and blind-indexes each customer exactly as upsert does, and stores no personal value in clear', async () => {
    const { storage, driver } = instrumentedMemory();
    const crm = makeCrm(storage);
    const imported = freshTenant();
    const upserted = freshTenant();
    const customers = seven();
    expect(await crm.customers.import(contexts(imported).staff(), { idempotencyKey: 'load', customers, batchSize: 3 })).toEqual({ batches: 3, customers: 7, created: 7, replaced: 0 });
    for (const [i, customer] of customers.entries()) await crm.customers.upsert(contexts(upserted).staff(), { idempotencyKey: `u-${i}`, customer });

    for (const customer of customers) {
      const viaImport = await crm.customers.get(contexts(imported).staff(), { customerId: customer.id });
      const viaUpsert = await crm.customers.get(contexts(upserted).staff(), { customerId: customer.id });
      expect(viaImport).toEqual(viaUpsert);
      expect(viaImport.version).toBe(1);
    }
    // The blind indexes answer the same lookups: any spelling of the mobile, the identity number.
    const byMobile = await crm.customers.findByMobile(contexts(imported).staff(), { mobile: '138 0000 0004' });
    expect(byMobile.customers.map((match) => match.customerId)).toEqual(['N-4']);
    const byIdNumber = await crm.customers.findByIdNumber(contexts(imported).staff(), { idNumber: '11010519491231002x' });
    expect(byIdNumber.customers.map((match) => match.customerId)).toEqual(['N-0']);
    const lookups = async (tenantId: string) => (await storage.query(tenantId, 'customer_lookup', { limit: 1000 })).items.map((item) => `${item.record.customerId} ${item.record.kind}`).sort();
    // The digests are HMACs under each tenant's own key, so compare which customers have which kinds of entry.
    expect(await lookups(imported)).toEqual(await lookups(upserted));
    expect(await lookups(imported)).toHaveLength(1 + 7 * 2); // one identity number, a mobile and an e-mail each

    const raw = await driver.rawText(imported);
    for (const secret of [...clearValues, '13800000004', 'n4@example.cn']) expect(raw.includes(secret), `found ${secret} in clear`).toBe(false);
    const stored = (await storage.get(imported, 'customers', 'N-4'))!.record as StoredCustomer;
    expect(Object.keys(stored.sealed).sort()).toEqual(['birthday', 'familyName', 'givenName', 'name']);
  });

  test('writes one audit entry per batch naming every customer and personal field written, and one outbox event per batch with ids and counts', async () => {
    const tenantId = freshTenant();
    const storage = createMemoryStorage({ registry: crmStorageRegistry });
    const crm = makeCrm(storage);
    await crm.customers.import(contexts(tenantId).staff(), { idempotencyKey: 'load', customers: seven(), batchSize: 4 });
    const chain = await auditChain(storage, tenantId);
    expect(chain.map((entry) => [entry.action, entry.outcome, entry.idempotencyKey, entry.customerIds, entry.customerCount, entry.details])).toEqual([
      ['customers.import', 'ok', 'load', ['N-0', 'N-1', 'N-2', 'N-3'], 4, { batch: 0, items: 4 }],
      ['customers.import', 'ok', 'load', ['N-4', 'N-5', 'N-6'], 3, { batch: 1, items: 3 }],
    ]);
    // N-0 has an identity number, the others not.
    expect(chain[0]!.fields).toEqual(['address', 'birthday', 'email', 'familyName', 'gender', 'givenName', 'idNumber', 'mobile', 'name']);
    expect(chain[1]!.fields).toEqual(['address', 'birthday', 'email', 'familyName', 'gender', 'givenName', 'mobile', 'name']);
    // Every customer named can find the batch that wrote it.
    const trail = await crm.audit.customerAccess(contexts(tenantId).auditor(), { customerId: 'N-5', verify: true });
    expect(trail.entries).toMatchObject([{ action: 'customers.import', chainPosition: 2, verified: true }]);

    const events = (await outboxEvents(storage, tenantId)).filter((event) => event.type !== 'crm.audit.read');
    expect(events.map((event) => [event.type, event.data])).toEqual([
      ['crm.customer.batch_imported', expect.objectContaining({ batch: 0, items: 4, last: false, customerIds: ['N-0', 'N-1', 'N-2', 'N-3'], created: 4, replaced: 0 })],
      ['crm.customer.batch_imported', expect.objectContaining({ batch: 1, items: 3, last: true, customerIds: ['N-4', 'N-5', 'N-6'], created: 3, replaced: 0 })],
    ]);
    expect(JSON.stringify(events)).not.toContain('王芳');
  });

  test('replaces existing customers with a new version, keeping the records merged into them, and drops stale blind indexes', async () => {
    const { tenantId, storage, crm, ctx } = await mergedGroup();
    const before = (await storage.get(tenantId, 'customers', 'C-2'))!;
    const answer = await crm.customers.import(ctx.staff(), {
      idempotencyKey: 'reload',
      customers: [customerInput('C-2', { idNumber: undefined, contactPoints: [{ kind: 'mobile', value: '13911112222' }], updatedAt: '2024-06-01T10:00:00+08:00' }), customerInput('C-7')],
    });
    expect(answer).toEqual({ batches: 1, customers: 2, created: 1, replaced: 1 });
    const after = (await storage.get(tenantId, 'customers', 'C-2'))!;
    expect(after.version).toBe(before.version + 1);
    expect(after.record.mergedFrom).toEqual(['C-1']);
    expect((await crm.customers.findByMobile(ctx.staff(), { mobile: '13911112222' })).customers.map((match) => match.customerId)).toEqual(['C-2']);
    // The old mobile now finds only C-7 (imported with the fixture's mobile), no longer C-2.
    expect((await crm.customers.findByMobile(ctx.staff(), { mobile: '13812345678' })).customers.map((match) => match.customerId)).toEqual(['C-7']);
  });

  test('an erased or merged-away customer cannot be imported over: INVALID_TRANSITION for its batch', async () => {
    const { tenantId, storage, crm, ctx } = await mergedGroup();
    await expect(crm.customers.import(ctx.staff(), { idempotencyKey: 'over-merged', customers: [customerInput('N-1'), customerInput('C-1')] })).rejects.toMatchObject({
      code: 'INVALID_TRANSITION',
      details: { customerId: 'C-1', mergedInto: 'C-2' },
    });
    await crm.privacy.eraseCustomer(ctx.privacyOfficer(), { idempotencyKey: 'erase', customerId: 'C-3', reason: 'PIPL request' });
    await expect(crm.customers.import(ctx.staff('D-2'), { idempotencyKey: 'over-erased', customers: [customerInput('C-3', { dealerId: 'D-2' })] })).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
    expect(await storage.get(tenantId, 'customers', 'N-1')).toBeNull();
  });

  test('a dealer’s staff cannot import customers of another dealer: FORBIDDEN before anything is written, audited naming them', async () => {
    const tenantId = freshTenant();
    const storage = createMemoryStorage({ registry: crmStorageRegistry });
    const crm = makeCrm(storage);
    const customers = [...seven(), customerInput('X-1', { dealerId: 'D-2' }), customerInput('X-2', { dealerId: 'D-3' })];
    const error = await crm.customers.import(contexts(tenantId).staff('D-1'), { idempotencyKey: 'load', customers, batchSize: 2 }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'FORBIDDEN', details: { reason: 'other_dealer' } });
    expect((error as Error).message).toContain('D-2, D-3');
    for (const customer of customers) expect(await storage.get(tenantId, 'customers', customer.id)).toBeNull();
    const chain = await auditChain(storage, tenantId);
    expect(chain).toHaveLength(1);
    expect(chain[0]).toMatchObject({ action: 'customers.import', outcome: 'forbidden', actorDealerId: 'D-1' });
    expect(chain[0]!.customerIds).toEqual(expect.arrayContaining(['X-1', 'X-2']));
    expect((await outboxEvents(storage, tenantId)).map((event) => event.type)).toEqual(['crm.access_refused']);
    // A group-scoped role may not write customers at all under the default policy.
    await expect(crm.customers.import(contexts(tenantId).analyst(), { idempotencyKey: 'load-2', customers: seven() })).rejects.toMatchObject({ code: 'FORBIDDEN', details: { reason: 'permission_missing' } });
  });

  test('an id that another dealer’s customer holds is refused at its batch: earlier batches stay written, that one writes nothing', async () => {
    const tenantId = freshTenant();
    const storage = createMemoryStorage({ registry: crmStorageRegistry });
    const crm = makeCrm(storage);
    await crm.customers.upsert(contexts(tenantId).staff('D-2'), { idempotencyKey: 'theirs', customer: customerInput('N-5', { dealerId: 'D-2', name: '李雷' }) });
    await expect(crm.customers.import(contexts(tenantId).staff('D-1'), { idempotencyKey: 'load', customers: seven(), batchSize: 3 })).rejects.toMatchObject({ code: 'FORBIDDEN', details: { customerIds: ['N-5'] } });
    const present = [];
    for (const customer of seven()) present.push((await storage.get(tenantId, 'customers', customer.id))?.record.dealerId ?? null);
    // Batch 0 (N-0…N-2) was written; batch 1 (N-3…N-5) was refused whole, and batch 2 never ran; N-5 is still D-2's.
    expect(present).toEqual(['D-1', 'D-1', 'D-1', null, null, 'D-2', null]);
  });

  test('with per-customer keys each imported customer gets its own data key, as an upserted one does', async () => {
    const tenantId = freshTenant();
    const storage = createMemoryStorage({ registry: crmStorageRegistry });
    const crm = makeCrm(storage, { keys: { provider: keyRing(), perCustomerKeys: true } });
    await crm.customers.import(contexts(tenantId).staff(), { idempotencyKey: 'load', customers: seven(), batchSize: 4 });
    const keys = (await storage.query(tenantId, 'customer_keys', { limit: 100 })).items.map((item) => item.record.id).sort();
    expect(keys).toEqual(seven().map((customer) => customer.id));
    const stored = (await storage.get(tenantId, 'customers', 'N-3'))!.record as StoredCustomer;
    expect(stored.sealed.name).toMatch(/^enc1\.c\.dek\./);
    expect((await crm.customers.get(contexts(tenantId).staff(), { customerId: 'N-3' })).customer).toMatchObject({ name: '王芳', contactPoints: [{ value: '+8613800000003' }, {}, {}] });
    // Importing again re-uses each customer's key.
    await crm.customers.import(contexts(tenantId).staff(), { idempotencyKey: 'reload', customers: seven(), batchSize: 4 });
    expect((await storage.query(tenantId, 'customer_keys', { limit: 100 })).items.every((item) => item.version === 1)).toBe(true);
  });
});
