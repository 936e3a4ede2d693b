import { describe, expect, test } from 'vitest';
import { createMemoryStorage } from 'dealer-crm/adapters/memory';
import { crmStorageRegistry } from 'dealer-crm/crm';
import { auditChain, contexts, customerInput, freshTenant, makeCrm } from '../support/fixtures.js';
import { groupSetup } from '../support/scenarios.js';

// The group: member M-1 (customer C-1, born 1985-06-01) holds 2,000 opening
// points and 800 for repair order RO-0 (¥300 labour + ¥500 parts at 1 point
// per yuan): 2,800 available. The clock stands at 2024-06-01 10:00 Shanghai.

async function group() {
  const tenantId = freshTenant();
  const storage = createMemoryStorage({ registry: crmStorageRegistry });
  const crm = makeCrm(storage);
  await groupSetup(crm, tenantId);
  const ctx = contexts(tenantId);
  return { tenantId, storage, crm, ctx, loyalty: ctx.staff('D-1', 'loyalty_administration') };
}

describe('loyalty through the facade', () => {
  test('enrols a customer once; an unknown program is a ValidationError before storage', async () => {
    const { crm, loyalty } = await group();
    expect(await crm.loyalty.enroll(loyalty, { idempotencyKey: 'm-2', member: { id: 'M-2', programId: 'club', customerId: 'C-2' } })).toEqual({ memberId: 'M-2', programId: 'club', customerId: 'C-2', version: 1 });
    await expect(crm.loyalty.enroll(loyalty, { idempotencyKey: 'm-2b', member: { id: 'M-2', programId: 'club', customerId: 'C-2' } })).rejects.toMatchObject({ code: 'VERSION_CONFLICT' });
    await expect(crm.loyalty.enroll(loyalty, { idempotencyKey: 'm-3', member: { id: 'M-3', programId: 'gold-club', customerId: 'C-2' } })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      issues: [{ path: 'input.member.programId' }],
    });
  });

  test('redeems points and reward items, never more than available, and answers with the balance after', async () => {
    const { crm, loyalty, storage, tenantId } = await group();
    expect(await crm.loyalty.redeem(loyalty, { idempotencyKey: 'POS-1', memberId: 'M-1', points: 800 })).toMatchObject({ ledgerKey: 'POS-1', points: -800, balance: { available: 2000 } });
    // Two car-wash vouchers of 1,000 points each.
    expect(await crm.loyalty.redeem(loyalty, { idempotencyKey: 'POS-2', memberId: 'M-1', rewardId: 'wash-voucher', quantity: 2 })).toMatchObject({ points: -2000, balance: { available: 0 } });
    const before = await storage.streamVersion(tenantId, 'loyalty_ledger', 'ledger:club/member:M-1');
    await expect(crm.loyalty.redeem(loyalty, { idempotencyKey: 'POS-3', memberId: 'M-1', points: 1 })).rejects.toMatchObject({ code: 'INSUFFICIENT_POINTS', details: { requested: 1, available: 0 } });
    expect(await storage.streamVersion(tenantId, 'loyalty_ledger', 'ledger:club/member:M-1')).toBe(before);
  });

  test('reverses a refunded order: its 800 points leave the balance', async () => {
    const { crm, loyalty } = await group();
    const refund = { memberId: 'M-1', targetKey: 'transaction:RO-0', reason: 'RO-0 refunded', at: '2024-05-31T16:00:00+08:00' };
    expect(await crm.loyalty.reverse(loyalty, { idempotencyKey: 'refund', ...refund })).toMatchObject({
      ledgerKey: 'reverse:transaction:RO-0',
      points: -800,
      balance: { available: 2000 },
    });
    // The same refund sent again by the DMS under another request key is the same ledger event (key reverse:transaction:RO-0): nothing new…
    expect(await crm.loyalty.reverse(loyalty, { idempotencyKey: 'refund-2', ...refund })).toMatchObject({ replayed: true, points: 0, balance: { available: 2000 } });
    // …and a second, different reversal of the same order is refused.
    await expect(crm.loyalty.reverse(loyalty, { idempotencyKey: 'refund-3', memberId: 'M-1', targetKey: 'transaction:RO-0', reason: 'refunded twice?' })).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
  });

  test('credits the birthday bonus from the customer’s own (encrypted) birthday', async () => {
    const { crm, loyalty, storage, tenantId } = await group();
    // The default program gives 500 points on or within 30 days after the birthday: 1 June.
    expect(await crm.loyalty.accrue(loyalty, { idempotencyKey: 'bday', memberId: 'M-1', event: { type: 'birthday', at: '2024-06-01T09:00:00+08:00' } })).toMatchObject({ points: 500, balance: { available: 3300 } });
    expect((await auditChain(storage, tenantId)).at(-1)).toMatchObject({ action: 'loyalty.accrue', fields: ['birthday'], customerIds: ['C-1'] });
  });

  test('counts benefit uses against the tier’s yearly quota', async () => {
    const { crm, loyalty } = await group();
    // A silver member has 2 washes a year.
    await crm.loyalty.useBenefit(loyalty, { idempotencyKey: 'wash-1', memberId: 'M-1', benefitId: 'wash' });
    await crm.loyalty.useBenefit(loyalty, { idempotencyKey: 'wash-2', memberId: 'M-1', benefitId: 'wash' });
    await expect(crm.loyalty.useBenefit(loyalty, { idempotencyKey: 'wash-3', memberId: 'M-1', benefitId: 'wash' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const usage = await crm.loyalty.benefits(loyalty, { memberId: 'M-1' });
    expect(usage.benefits.find((benefit) => benefit.benefitId === 'wash')).toMatchObject({ quota: 2, used: 2, remaining: 0 });
  });

  test('adjusts with the actor recorded, and reads the tier', async () => {
    const { crm, loyalty, storage, tenantId } = await group();
    await crm.loyalty.adjust(loyalty, { idempotencyKey: 'goodwill', memberId: 'M-1', points: 150, qualifyingPoints: 5000, reason: 'goodwill after complaint K-1' });
    const ledger = await storage.readStream(tenantId, 'loyalty_ledger', 'ledger:club/member:M-1');
    expect(ledger.entries.at(-1)!.payload).toMatchObject({ kind: 'adjust', points: 150, actor: 'U-staff-D-1', reason: 'goodwill after complaint K-1' });
    // 800 qualifying points from RO-0 + 5,000 goodwill = 5,800 ≥ 5,000: gold.
    expect(await crm.loyalty.tier(loyalty, { memberId: 'M-1' })).toMatchObject({ tierId: 'gold', qualifying: 5800 });
    expect((await crm.loyalty.balance(loyalty, { memberId: 'M-1' })).available).toBe(2950);
  });

  test('a dealer’s staff cannot reach a member of another dealer’s customer', async () => {
    const { crm, ctx } = await group();
    await expect(crm.loyalty.balance(ctx.staff('D-2', 'loyalty_administration'), { memberId: 'M-1' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  test('a member of a program the facade was not given is NOT_FOUND', async () => {
    const tenantId = freshTenant();
    const storage = createMemoryStorage({ registry: crmStorageRegistry });
    const crm = makeCrm(storage);
    await crm.customers.upsert(contexts(tenantId).staff(), { idempotencyKey: 'c', customer: customerInput('C-1') });
    await storage.put(tenantId, 'loyalty_members', { id: 'M-9', programId: 'other', customerId: 'C-1', joinedAt: '2024-01-01T00:00:00+08:00' });
    await expect(crm.loyalty.balance(contexts(tenantId).staff('D-1', 'loyalty_administration'), { memberId: 'M-9' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('loyalty.enrollMany', () => {
  test('enrols many members in batches, writing the very records enroll writes one by one', async () => {
    const { crm, loyalty, storage, tenantId } = await group();
    const members = [
      { id: 'M-2', programId: 'club', customerId: 'C-2' },
      { id: 'M-3', programId: 'club', customerId: 'P-1', joinedAt: '2024-05-01T00:00:00+08:00', householdId: 'H-9' },
      { id: 'M-4', programId: 'club', customerId: 'C-2', tierOverrides: [{ tierId: 'gold', from: '2024-01-01T00:00:00+08:00', until: '2025-01-01T00:00:00+08:00', reason: 'status match', actor: 'U-7' }] },
    ];
    expect(await crm.loyalty.enrollMany(loyalty, { idempotencyKey: 'members', members, batchSize: 2 })).toEqual({ batches: 2, members: 3 });
    const one = await group();
    for (const [i, member] of members.entries()) await one.crm.loyalty.enroll(one.loyalty, { idempotencyKey: `m-${i}`, member });
    for (const member of members) {
      const many = await storage.get(tenantId, 'loyalty_members', member.id);
      expect(many).toEqual(await one.storage.get(one.tenantId, 'loyalty_members', member.id));
    }
    // joinedAt defaults to now (the clock stands at 2024-06-01 10:00 Shanghai).
    expect((await storage.get(tenantId, 'loyalty_members', 'M-2'))!.record.joinedAt).toEqual(new Date('2024-06-01T10:00:00+08:00'));
    const entries = (await auditChain(storage, tenantId)).filter((entry) => entry.action === 'loyalty.enrollMany');
    expect(entries.map((entry) => [entry.customerIds, entry.details])).toEqual([
      [['C-2', 'P-1'], { members: 2, batch: 0, items: 2 }],
      [['C-2'], { members: 1, batch: 1, items: 1 }],
    ]);
  });

  test('a member that exists already makes its batch a VERSION_CONFLICT that writes nothing', async () => {
    const { crm, loyalty, storage, tenantId } = await group();
    await expect(
      crm.loyalty.enrollMany(loyalty, { idempotencyKey: 'members', members: [{ id: 'M-2', programId: 'club', customerId: 'C-2' }, { id: 'M-1', programId: 'club', customerId: 'C-1' }] }),
    ).rejects.toMatchObject({ code: 'VERSION_CONFLICT', details: { id: 'M-1', actualVersion: 1 } });
    expect(await storage.get(tenantId, 'loyalty_members', 'M-2')).toBeNull();
  });

  test('an unknown program or a repeated member is a ValidationError at its input path before storage is touched', async () => {
    const { crm, loyalty, storage, tenantId } = await group();
    const before = await storage.streamVersion(tenantId, 'audit_log', 'chain');
    const error = await crm.loyalty
      .enrollMany(loyalty, {
        idempotencyKey: 'members',
        members: [
          { id: 'M-2', programId: 'club', customerId: 'C-2' },
          { id: 'M-3', programId: 'gold-club', customerId: 'P-1' },
          { id: 'M-2', programId: 'club', customerId: 'C-2' },
        ],
      })
      .catch((caught: unknown) => caught);
    expect((error as { issues: { path: string }[] }).issues.map((issue) => issue.path)).toEqual(['input.members[1].programId', 'input.members[2]']);
    expect(await storage.streamVersion(tenantId, 'audit_log', 'chain')).toBe(before);
  });

  test('a dealer’s staff cannot enrol another dealer’s customers', async () => {
    const { crm, ctx, storage, tenantId } = await group();
    await expect(
      crm.loyalty.enrollMany(ctx.staff('D-1', 'loyalty_administration'), { idempotencyKey: 'members', members: [{ id: 'M-2', programId: 'club', customerId: 'C-2' }, { id: 'M-3', programId: 'club', customerId: 'C-3' }] }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN', details: { customerIds: ['C-3'] } });
    expect(await storage.get(tenantId, 'loyalty_members', 'M-2')).toBeNull();
  });
});
