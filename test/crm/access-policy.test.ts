import { describe, expect, test } from 'vitest';
import { isCrmError } from 'dealer-crm/core';
import { createMemoryStorage } from 'dealer-crm/adapters/memory';
import { crmStorageRegistry, defaultCrmAccessPolicy, defineCrmAccessPolicy } from 'dealer-crm/crm';
import { auditChain, contexts, customerInput, freshTenant, makeCrm, issuesOf, outboxEvents } from './support/fixtures.js';

async function setup() {
  const tenantId = freshTenant();
  const storage = createMemoryStorage({ registry: crmStorageRegistry });
  const crm = makeCrm(storage);
  const ctx = contexts(tenantId);
  await crm.customers.upsert(ctx.staff(), { idempotencyKey: 'c1', customer: customerInput('C-1', { metadata: { vip: true } }) });
  await crm.customers.upsert(ctx.staff('D-2'), { idempotencyKey: 'c3', customer: customerInput('C-3', { name: '李雷', familyName: '李', givenName: '雷', dealerId: 'D-2', idNumber: undefined }) });
  return { tenantId, storage, crm, ctx };
}

describe('defineCrmAccessPolicy', () => {
  test('returns the policy checked and deeply frozen', () => {
    const policy = defineCrmAccessPolicy({ ...defaultCrmAccessPolicy, roles: { ...defaultCrmAccessPolicy.roles, call_centre: { ...defaultCrmAccessPolicy.roles.dealer_staff!, scope: 'group' } } });
    expect(Object.isFrozen(policy.roles.call_centre!.permissions)).toBe(true);
    expect(policy.roles.call_centre!.scope).toBe('group');
  });

  test('refuses an undeclared purpose and a visibility for a purpose the role does not act under', () => {
    const issues = issuesOf(() =>
      defineCrmAccessPolicy({
        purposes: { sales: { description: 'Selling cars.' } },
        roles: { seller: { description: 'A seller.', scope: 'dealer', permissions: ['customers.read'], purposes: ['sales', 'telepathy'], personalData: { default: 'masked', byPurpose: { analytics: 'full' } } } },
      }),
    );
    expect(issues.map((issue) => issue.path).sort()).toEqual(['roles.seller.personalData.byPurpose.analytics', 'roles.seller.purposes[1]']);
  });

  test('refuses an unknown permission', () => {
    const issues = issuesOf(() =>
      defineCrmAccessPolicy({
        purposes: { sales: { description: 'Selling cars.' } },
        roles: { seller: { description: 'A seller.', scope: 'dealer', permissions: ['customers.read', 'customers.fly' as 'customers.read'], purposes: ['sales'], personalData: { default: 'masked', byPurpose: {} } } },
      }),
    );
    expect(issues.map((issue) => issue.path)).toEqual(['roles.seller.permissions[1]']);
  });

  test('the default policy gives every role at least one purpose it declares', () => {
    for (const role of Object.values(defaultCrmAccessPolicy.roles)) for (const purpose of role.purposes) expect(Object.keys(defaultCrmAccessPolicy.purposes)).toContain(purpose);
  });
});

describe('roles and purposes at the facade', () => {
  test('a dealer’s staff see their own dealer’s customers in full for dealer work', async () => {
    const { crm, ctx } = await setup();
    const record = await crm.customers.get(ctx.staff(), { customerId: 'C-1' });
    expect(record).toMatchObject({ visibility: 'full', status: 'active', customer: { name: '王芳', idNumber: '11010519491231002X', birthday: '1985-06-01', metadata: { vip: true } } });
    expect(record.customer?.contactPoints[0]?.value).toBe('+8613812345678');
  });

  test('another dealer’s customer is FORBIDDEN, and the attempt is audited and announced', async () => {
    const { storage, tenantId, crm, ctx } = await setup();
    const error = await crm.customers.get(ctx.staff('D-1'), { customerId: 'C-3' }).catch((caught: unknown) => caught);
    expect(isCrmError(error, 'FORBIDDEN')).toBe(true);
    expect((error as Error).message).toMatch(/dealer D-2/);
    const last = (await auditChain(storage, tenantId)).at(-1)!;
    expect(last).toMatchObject({ action: 'customers.get', outcome: 'forbidden', actorId: 'U-staff-D-1', actorDealerId: 'D-1', customerIds: ['C-3'], details: { reason: 'other_dealer' } });
    expect((await outboxEvents(storage, tenantId)).at(-1)).toMatchObject({ type: 'crm.access_refused', data: { method: 'customers.get', customerIds: ['C-3'], reason: 'other_dealer' } });
    // The refusal is on C-3's trail.
    const trail = await crm.audit.customerAccess(ctx.auditor(), { customerId: 'C-3' });
    expect(trail.entries.map((entry) => `${entry.action}:${entry.outcome}`)).toEqual(['customers.upsert:ok', 'customers.get:forbidden']);
  });

  test('a group analyst sees personal data masked, and in full only for a purpose that allows it', async () => {
    const { crm, ctx } = await setup();
    const masked = await crm.customers.get(ctx.analyst('analytics'), { customerId: 'C-1' });
    expect(masked.visibility).toBe('masked');
    expect(masked.customer).toMatchObject({ name: '王*', familyName: '王', givenName: '*', birthday: '1985-**-**', idNumber: '110***********002X', gender: 'female' });
    expect(masked.customer?.metadata).toBeUndefined();
    expect(masked.customer?.contactPoints.map((point) => point.value)).toEqual([
      '138****5678',
      'w***@example.cn',
      { province: '上海市', city: '上海市', district: '浦东新区', street: '***' },
    ]);
    const full = await crm.customers.get(ctx.analyst('data_quality'), { customerId: 'C-1' });
    expect(full).toMatchObject({ visibility: 'full', customer: { name: '王芳' } });
    // The other dealer's customer too: the analyst's scope is the group.
    expect((await crm.customers.get(ctx.analyst(), { customerId: 'C-3' })).customer?.name).toBe('李*');
  });

  test('a purpose that allows no personal data leaves the fields out', async () => {
    const { crm, ctx } = await setup();
    const record = await crm.customers.get(ctx.privacyOfficer('security_audit'), { customerId: 'C-1' });
    expect(record.visibility).toBe('none');
    for (const field of ['name', 'familyName', 'givenName', 'birthday', 'idNumber', 'gender', 'metadata']) expect(record.customer).not.toHaveProperty(field);
    expect(record.customer?.contactPoints.map((point) => [point.kind, point.value])).toEqual([
      ['mobile', undefined],
      ['email', undefined],
      ['address', undefined],
    ]);
  });

  test('the audit records which fields were seen and how', async () => {
    const { storage, tenantId, crm, ctx } = await setup();
    await crm.customers.get(ctx.analyst('analytics'), { customerId: 'C-1' });
    expect((await auditChain(storage, tenantId)).at(-1)).toMatchObject({
      action: 'customers.get',
      purpose: 'analytics',
      role: 'group_analyst',
      outcome: 'ok',
      visibility: 'masked',
      customerIds: ['C-1'],
      fields: ['address', 'birthday', 'email', 'familyName', 'gender', 'givenName', 'idNumber', 'mobile', 'name'],
    });
  });

  test.each([
    ['an unknown role', { actor: { userId: 'U-9', role: 'intern', dealerId: 'D-1' }, purpose: 'customer_service' }, 'unknown_role'],
    ['a purpose the role does not act under', { actor: { userId: 'U-9', role: 'dealer_staff', dealerId: 'D-1' }, purpose: 'marketing' }, 'purpose_not_allowed'],
    ['a permission the role lacks', { actor: { userId: 'U-9', role: 'dealer_marketing', dealerId: 'D-1' }, purpose: 'marketing' }, 'permission_missing'],
    ['a dealer role without its dealer', { actor: { userId: 'U-9', role: 'dealer_staff' }, purpose: 'customer_service' }, 'dealer_missing'],
  ])('%s is FORBIDDEN before anything is read, and audited', async (_name, partial, reason) => {
    const { storage, tenantId, crm } = await setup();
    const before = (await auditChain(storage, tenantId)).length;
    const error = await crm.customers.upsert({ tenantId, ...partial }, { idempotencyKey: 'x', customer: customerInput('C-1', { name: '王小芳' }) }).catch((caught: unknown) => caught);
    expect(isCrmError(error, 'FORBIDDEN')).toBe(true);
    const chain = await auditChain(storage, tenantId);
    expect(chain).toHaveLength(before + 1);
    expect(chain.at(-1)).toMatchObject({ action: 'customers.upsert', outcome: 'forbidden', actorId: 'U-9', customerIds: ['C-1'], details: { reason } });
    expect((await storage.get(tenantId, 'customers', 'C-1'))!.version).toBe(1);
  });

  test('a lookup by mobile shows a dealer’s staff only their dealer’s matches', async () => {
    const { crm, ctx } = await setup();
    // C-1 (D-1) and C-3 (D-2) share the mobile of the fixture.
    const own = await crm.customers.findByMobile(ctx.staff('D-1'), { mobile: '13812345678' });
    expect(own.customers.map((record) => record.customerId)).toEqual(['C-1']);
    const group = await crm.customers.findByMobile(ctx.analyst(), { mobile: '13812345678' });
    expect(group.customers.map((record) => [record.customerId, record.customer?.name])).toEqual([
      ['C-1', '王*'],
      ['C-3', '李*'],
    ]);
  });

  test('a custom policy is data: a call-centre role across dealers', async () => {
    const tenantId = freshTenant();
    const policy = defineCrmAccessPolicy({
      ...defaultCrmAccessPolicy,
      roles: { ...defaultCrmAccessPolicy.roles, call_centre: { description: 'The OEM hotline.', scope: 'group', permissions: ['customers.read'], purposes: ['customer_service'], personalData: { default: 'masked', byPurpose: {} } } },
    });
    const crm = makeCrm(createMemoryStorage({ registry: crmStorageRegistry }), { policies: { access: policy } });
    const ctx = contexts(tenantId);
    await crm.customers.upsert(ctx.staff('D-2'), { idempotencyKey: 'c', customer: customerInput('C-3', { dealerId: 'D-2' }) });
    const hotline = { tenantId, actor: { userId: 'U-hotline', role: 'call_centre' }, purpose: 'customer_service' };
    expect((await crm.customers.get(hotline, { customerId: 'C-3' })).customer?.name).toBe('王*');
    await expect(crm.customers.upsert(hotline, { idempotencyKey: 'x', customer: customerInput('C-4') })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
