import { describe, expect, test } from 'vitest';
import { createMemoryStorage } from 'dealer-crm/adapters/memory';
import { crmStorageRegistry, type Crm, type CrmCallContext, type CrmCustomerRecord } from 'dealer-crm/crm';
import { auditChain, contexts, customerInput, freshTenant, makeCrm } from '../support/fixtures.js';

/** 15 customers of D-1 and 10 of D-2, ids L-00 … L-24, each with its own mobile. */
async function group() {
  const tenantId = freshTenant();
  const storage = createMemoryStorage({ registry: crmStorageRegistry });
  const crm = makeCrm(storage);
  const ctx = contexts(tenantId);
  const customers = Array.from({ length: 25 }, (_, i) =>
    customerInput(`L-${String(i).padStart(2, '0')}`, {
      dealerId: i < 15 ? 'D-1' : 'D-2',
      idNumber: undefined,
      name: `客户${i}`,
      familyName: undefined,
      givenName: undefined,
      contactPoints: [{ kind: 'mobile', value: `1390000${String(i).padStart(4, '0')}`, primary: true }],
    }),
  );
  for (const dealerId of ['D-1', 'D-2']) {
    await crm.customers.import(ctx.staff(dealerId), { idempotencyKey: `load-${dealerId}`, customers: customers.filter((c) => c.dealerId === dealerId) });
  }
  return { tenantId, storage, crm, ctx, customers };
}

async function listAll(crm: Crm, context: CrmCallContext, input: Record<string, unknown> = {}): Promise<{ records: CrmCustomerRecord[]; pages: number }> {
  const records: CrmCustomerRecord[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await crm.customers.list(context, { ...input, cursor });
    records.push(...page.customers);
    cursor = page.nextCursor;
    pages += 1;
  } while (cursor !== null);
  return { records, pages };
}

describe('customers.list', () => {
  test('pages through every customer once, in id order, in full under data_quality and masked under analytics', async () => {
    const { crm, ctx, customers } = await group();
    const full = await listAll(crm, ctx.analyst('data_quality'), { limit: 7 });
    expect(full.pages).toBe(4); // 7 + 7 + 7 + 4
    expect(full.records.map((r) => r.customerId)).toEqual(customers.map((c) => c.id));
    expect(full.records.every((r) => r.visibility === 'full' && r.status === 'active')).toBe(true);
    expect(full.records[3]!.customer!.name).toBe('客户3');
    expect(full.records[3]!.customer!.contactPoints[0]!.value).toBe('+8613900000003');

    const masked = await listAll(crm, ctx.analyst('analytics'), { limit: 1000 });
    expect(masked.pages).toBe(1);
    expect(masked.records).toHaveLength(25);
    expect(masked.records[3]!.visibility).toBe('masked');
    // The family name's first character stays; a mainland mobile keeps its first three and last four digits.
    expect(masked.records[3]!.customer!.name).toBe('客**');
    expect(masked.records[3]!.customer!.contactPoints[0]!.value).toBe('139****0003');
  });

  test("a dealer's staff list only their own dealer's customers", async () => {
    const { crm, ctx, customers } = await group();
    const own = await listAll(crm, ctx.staff('D-2'), { limit: 4 });
    expect(own.records.map((r) => r.customerId)).toEqual(customers.filter((c) => c.dealerId === 'D-2').map((c) => c.id));
    const other = await crm.customers.list(ctx.staff('D-2'), { dealerId: 'D-1' });
    expect(other).toEqual({ customers: [], nextCursor: null });
    const oneDealer = await listAll(crm, ctx.analyst(), { dealerId: 'D-1' });
    expect(oneDealer.records).toHaveLength(15);
  });

  test('merged records are left out unless asked for, then listed by status without data', async () => {
    const { crm, ctx } = await group();
    await crm.customers.merge(ctx.manager('D-1', 'data_quality'), { idempotencyKey: 'm', customerIds: ['L-00', 'L-01'] });
    const live = await listAll(crm, ctx.analyst());
    expect(live.records).toHaveLength(24);
    const all = await listAll(crm, ctx.analyst(), { includeInactive: true });
    expect(all.records).toHaveLength(25);
    const merged = all.records.filter((r) => r.status === 'merged');
    expect(merged).toHaveLength(1);
    expect(merged[0]!.customer).toBeNull();
  });

  test('every customer inserted before paging began is listed exactly once, though others are inserted between pages', async () => {
    const { crm, ctx, customers } = await group();
    const seen: string[] = [];
    let cursor: string | null = null;
    let inserted = 0;
    do {
      const page = await crm.customers.list(ctx.analyst(), { limit: 5, cursor });
      seen.push(...page.customers.map((r) => r.customerId));
      cursor = page.nextCursor;
      // Insert one id before the cursor and one after it.
      await crm.customers.upsert(ctx.staff(), { idempotencyKey: `ins-${inserted}`, customer: customerInput(`A-${inserted}`, { idNumber: undefined, contactPoints: [] }) });
      await crm.customers.upsert(ctx.staff(), { idempotencyKey: `ins-z-${inserted}`, customer: customerInput(`Z-${inserted}`, { idNumber: undefined, contactPoints: [] }) });
      inserted += 1;
    } while (cursor !== null);
    for (const customer of customers) expect(seen.filter((id) => id === customer.id)).toHaveLength(1);
    expect(new Set(seen).size).toBe(seen.length);
  });

  test('each page is one audit entry naming every customer on it and the fields seen', async () => {
    const { storage, tenantId, crm, ctx } = await group();
    const before = (await auditChain(storage, tenantId)).length;
    await listAll(crm, ctx.analyst('data_quality'), { limit: 10 });
    const entries = (await auditChain(storage, tenantId)).slice(before);
    expect(entries.map((e) => e.action)).toEqual(['customers.list', 'customers.list', 'customers.list']);
    expect(entries.map((e) => e.customerCount)).toEqual([10, 10, 5]);
    expect(entries.flatMap((e) => e.customerIds)).toHaveLength(25);
    expect(entries[0]!.fields).toEqual(expect.arrayContaining(['name', 'mobile']));
    expect(entries.every((e) => e.purpose === 'data_quality' && e.visibility === 'full' && e.outcome === 'ok')).toBe(true);
  });

  test('refuses bad input and actors without customers.read', async () => {
    const { crm, ctx } = await group();
    await expect(crm.customers.list(ctx.analyst(), { limit: 0 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(crm.customers.list(ctx.analyst(), { limit: 1001 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(crm.customers.list(ctx.analyst(), { sortBy: 'name' } as never)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(crm.customers.list(ctx.auditor(), {})).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
