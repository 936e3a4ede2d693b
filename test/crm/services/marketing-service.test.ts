import { describe, expect, test } from 'vitest';
import { createMemoryStorage } from 'dealer-crm/adapters/memory';
import { crmStorageRegistry } from 'dealer-crm/crm';
import { auditChain, contexts, customerInput, freshTenant, makeCrm } from '../support/fixtures.js';

// Dealer D-1's customers for marketing by SMS on 2024-06-01:
// - M-GRANT: marketing/sms granted in January;
// - M-WITHDRAWN: granted, then withdrawn in May;
// - M-NONE: a mobile but no consent at all;
// - M-NOMOBILE: a marketing consent on WeChat only, no mobile;
// - M-PROFILED-OUT: marketing/sms granted, but opted out of personalised marketing (PIPL art. 24);
// and K-OTHER of dealer D-2 with a grant.

const grant = (purpose: 'marketing' | 'personalised_marketing', channel: 'sms' | 'wechat', status: 'granted' | 'withdrawn', at: string) => ({ purpose, channel, status, at, source: 'app' as const });

async function base() {
  const tenantId = freshTenant();
  const storage = createMemoryStorage({ registry: crmStorageRegistry });
  const crm = makeCrm(storage);
  const ctx = contexts(tenantId);
  const mobile = (value: string, consents: ReturnType<typeof grant>[]) => [{ kind: 'mobile' as const, value, consents }];
  const people = [
    customerInput('M-GRANT', { idNumber: undefined, contactPoints: mobile('13800000001', [grant('marketing', 'sms', 'granted', '2024-01-10T10:00:00+08:00')]) }),
    customerInput('M-WITHDRAWN', { idNumber: undefined, contactPoints: mobile('13800000002', [grant('marketing', 'sms', 'granted', '2024-01-10T10:00:00+08:00'), grant('marketing', 'sms', 'withdrawn', '2024-05-10T10:00:00+08:00')]) }),
    customerInput('M-NONE', { idNumber: undefined, contactPoints: mobile('13800000003', []) }),
    customerInput('M-NOMOBILE', { idNumber: undefined, contactPoints: [{ kind: 'wechat', value: 'wx_fang', consents: [grant('marketing', 'wechat', 'granted', '2024-01-10T10:00:00+08:00')] }] }),
    customerInput('M-PROFILED-OUT', {
      idNumber: undefined,
      contactPoints: mobile('13800000005', [grant('marketing', 'sms', 'granted', '2024-01-10T10:00:00+08:00'), grant('personalised_marketing', 'sms', 'withdrawn', '2024-02-01T10:00:00+08:00')]),
    }),
  ];
  for (const person of people) await crm.customers.upsert(ctx.staff(), { idempotencyKey: person.id, customer: person });
  await crm.customers.upsert(ctx.staff('D-2'), { idempotencyKey: 'other', customer: customerInput('K-OTHER', { dealerId: 'D-2', idNumber: undefined, contactPoints: mobile('13800000009', [grant('marketing', 'sms', 'granted', '2024-01-10T10:00:00+08:00')]) }) });
  return { tenantId, storage, crm, ctx };
}

describe('marketing.contactList', () => {
  test('lists only customers with a consent in force for the purpose and channel', async () => {
    const { crm, ctx } = await base();
    const list = await crm.marketing.contactList(ctx.marketing(), { channel: 'sms' });
    expect(list.contacts.map((contact) => [contact.customerId, contact.value, contact.consentGivenAt.toISOString()])).toEqual([
      ['M-GRANT', '+8613800000001', '2024-01-10T02:00:00.000Z'],
      ['M-PROFILED-OUT', '+8613800000005', '2024-01-10T02:00:00.000Z'],
    ]);
    expect(list.excluded).toEqual({ consent_withdrawn: 1, no_consent: 1, no_capable_contact_point: 1 });
    expect(list.nextCursor).toBeNull();
  });

  test('a list built on segments is personalised: an opt-out of personalised marketing is honoured', async () => {
    const { crm, ctx } = await base();
    await crm.jobs.segmentation(ctx.manager('D-1', 'analytics'), { idempotencyKey: 'seg' });
    // Nobody bought anything: every customer is in ABC class C.
    const segmented = await crm.marketing.contactList(ctx.marketing(), { channel: 'sms', segment: { abcClass: 'C' } });
    expect(segmented.contacts.map((contact) => contact.customerId)).toEqual(['M-GRANT']);
    expect(segmented.excluded).toMatchObject({ personalised_opt_out: 1 });
    // Asked for explicitly, a plain list still reaches the customer who consented to marketing.
    expect((await crm.marketing.contactList(ctx.marketing(), { channel: 'sms', personalised: false, segment: { abcClass: 'C' } })).contacts).toHaveLength(2);
  });

  test('shows the contact value as the role may see it, and audits every customer listed', async () => {
    const { crm, ctx, storage, tenantId } = await base();
    const analyst = await crm.marketing.contactList(ctx.analyst('marketing'), { channel: 'sms' });
    expect(analyst.visibility).toBe('masked');
    expect(analyst.contacts.map((contact) => [contact.customerId, contact.value])).toEqual([
      ['K-OTHER', '138****0009'],
      ['M-GRANT', '138****0001'],
      ['M-PROFILED-OUT', '138****0005'],
    ]);
    expect((await auditChain(storage, tenantId)).at(-1)).toMatchObject({ action: 'marketing.contactList', customerIds: ['K-OTHER', 'M-GRANT', 'M-PROFILED-OUT'], fields: ['mobile'], visibility: 'masked' });
    const trail = await crm.audit.customerAccess(ctx.auditor(), { customerId: 'M-GRANT' });
    expect(trail.entries.map((entry) => entry.action)).toContain('marketing.contactList');
  });

  test('pages through the base with a cursor', async () => {
    const { crm, ctx } = await base();
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof crm.marketing.contactList>> = await crm.marketing.contactList(ctx.marketing(), { channel: 'sms', limit: 2, cursor });
      seen.push(...page.contacts.map((contact) => contact.customerId));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== null);
    expect(seen).toEqual(['M-GRANT', 'M-PROFILED-OUT']);
    expect(pages).toBe(3);
  });

  test('a dealer’s marketing staff cannot list another dealer', async () => {
    const { crm, ctx } = await base();
    await expect(crm.marketing.contactList(ctx.marketing('D-1'), { channel: 'sms', dealerId: 'D-2' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('marketing.contactPlan', () => {
  test('plans the dealer’s contacts by ABC class, skipping customers without consent', async () => {
    const { crm, ctx } = await base();
    await crm.jobs.segmentation(ctx.manager('D-1', 'analytics'), { idempotencyKey: 'seg' });
    const plan = await crm.marketing.contactPlan(ctx.marketing(), { dealerId: 'D-1' });
    // Class C is contacted every two months by phone in the default cadences; nobody consented to marketing calls.
    expect(plan.contacts).toEqual([]);
    expect(plan.skipped.map((skip) => skip.reason)).toEqual(Array(5).fill('no_consent'));
    const sms = await crm.marketing.contactPlan(ctx.marketing(), { dealerId: 'D-1', cadences: { A: { every: 2, unit: 'week', channel: 'sms' }, B: { every: 1, unit: 'month', channel: 'sms' }, C: { every: 2, unit: 'month', channel: 'sms' } } });
    await expect(crm.marketing.contactPlan(ctx.marketing(), { dealerId: 'D-1', cadences: { A: { every: 0, unit: 'fortnight', channel: 'sms' } } })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      issues: [{ path: 'input.cadences.A.every' }, { path: 'input.cadences.A.unit' }],
    });
    expect(sms.contacts.map((contact) => [contact.customerId, contact.status])).toEqual([
      ['M-GRANT', 'due_today'],
      ['M-PROFILED-OUT', 'due_today'],
    ]);
  });
});
