import { describe, expect, test } from 'vitest';
import { isCrmError } from 'dealer-crm/core';
import { verifyAuditChain, type CrmFacadeStorage } from 'dealer-crm/crm';
import { adapterTargets, useAdapter } from './support/adapters.js';
import { contexts, customerInput, freshTenant, makeCrm, repairOrder, testClock } from './support/fixtures.js';

// Many clients at once on the same member, case or customer — each client a
// facade of its own over its own storage object, sharing one database — on
// every adapter: memory, PGlite, and the PostgreSQL server when DATABASE_URL
// is set. Nothing may be lost or counted twice, and the audit chain must
// stay one line.

const clock = () => testClock('2024-06-01T10:00:00+08:00');

describe.each(adapterTargets)('concurrent calls on $name', (target) => {
  const opened = useAdapter(target);

  /** A tenant with customer C-1 enrolled as member M-1. */
  async function memberWithPoints(points: number) {
    const tenantId = freshTenant();
    const ctx = contexts(tenantId);
    const crm = makeCrm(opened().client(), { clock: clock() });
    await crm.customers.upsert(ctx.staff(), { idempotencyKey: 'c-1', customer: customerInput('C-1') });
    await crm.loyalty.enroll(ctx.staff('D-1', 'loyalty_administration'), { idempotencyKey: 'm-1', member: { id: 'M-1', programId: 'club', customerId: 'C-1', joinedAt: '2024-01-01T00:00:00+08:00' } });
    if (points > 0) {
      await crm.loyalty.adjust(ctx.staff('D-1', 'loyalty_administration'), { idempotencyKey: 'opening', memberId: 'M-1', points, reason: 'opening balance', at: '2024-05-01T10:00:00+08:00' });
    }
    return { tenantId, ctx, crm };
  }

  const clients = (n: number) => Array.from({ length: n }, () => makeCrm(opened().client(), { clock: clock() }));

  async function chainOf(storage: CrmFacadeStorage, tenantId: string) {
    const report = await verifyAuditChain(storage, { tenantId });
    const positions: number[] = [];
    for await (const entry of storage.iterateStream(tenantId, 'audit_log', 'chain')) positions.push(Number((entry.payload as unknown as { seq: number }).seq));
    return { report, positions };
  }

  test('50 redemptions of 100 points against a balance of 2,000 let exactly 20 through', async () => {
    const { tenantId, ctx, crm } = await memberWithPoints(2000);
    const loyalty = ctx.staff('D-1', 'loyalty_administration');
    const results = await Promise.allSettled(
      clients(50).map((client, i) => client.loyalty.redeem(loyalty, { idempotencyKey: `POS-${i}`, memberId: 'M-1', points: 100 })),
    );
    const fulfilled = results.filter((result) => result.status === 'fulfilled');
    const refused = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    // 2,000 / 100 = 20 redemptions fit; the other 30 find too few points.
    expect(fulfilled).toHaveLength(20);
    expect(refused.map((result) => (isCrmError(result.reason) ? result.reason.code : String(result.reason)))).toEqual(Array(30).fill('INSUFFICIENT_POINTS'));
    const balance = await crm.loyalty.balance(loyalty, { memberId: 'M-1' });
    expect(balance.available).toBe(0);
    expect(balance.lifetimeRedeemed).toBe(2000);
    // The ledger: the opening adjustment and exactly 20 redemptions.
    const entries = [];
    for await (const entry of crm.storage.iterateStream(tenantId, 'loyalty_ledger', 'ledger:club/member:M-1')) entries.push(entry.payload);
    expect(entries.filter((entry) => entry.kind === 'redeem' && entry.role === 'fact')).toHaveLength(20);
    const { report, positions } = await chainOf(crm.storage, tenantId);
    expect(report.valid).toBe(true);
    // customer, enrolment, adjustment, 20 redemptions, 1 balance read: one line, no gaps, no forks.
    expect(positions).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
  });

  test('30 repair orders recorded at once all earn their points', async () => {
    const { tenantId, ctx, crm } = await memberWithPoints(0);
    const staff = ctx.staff('D-1', 'after_sales');
    // Each order: ¥40 labour + ¥60 parts = 100 points at 1 point per yuan; 30 orders = 3,000 (below gold's 5,000).
    const results = await Promise.all(
      clients(30).map((client, i) =>
        client.transactions.record(staff, { idempotencyKey: `ro-${i}`, transaction: repairOrder(`RO-${i}`, 'C-1', `2024-05-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00+08:00`, 4_000, 6_000) }),
      ),
    );
    expect(results.every((result) => result.accruals.length === 1 && result.accruals[0]!.points === 100)).toBe(true);
    const balance = await crm.loyalty.balance(ctx.staff('D-1', 'loyalty_administration'), { memberId: 'M-1' });
    expect(balance.available).toBe(3000);
    expect(await crm.storage.streamVersion(tenantId, 'transactions', 'C-1')).toBe(30);
    expect((await chainOf(crm.storage, tenantId)).report.valid).toBe(true);
  });

  test('the same redemption sent by ten clients at once is made once, and every client gets the same answer', async () => {
    const { tenantId, ctx, crm } = await memberWithPoints(1000);
    const loyalty = ctx.staff('D-1', 'loyalty_administration');
    const answers = await Promise.all(clients(10).map((client) => client.loyalty.redeem(loyalty, { idempotencyKey: 'POS-77', memberId: 'M-1', points: 300 })));
    for (const answer of answers) expect(answer).toEqual(answers[0]);
    expect(answers[0]!.balance.available).toBe(700);
    expect((await crm.loyalty.balance(loyalty, { memberId: 'M-1' })).available).toBe(700);
    const audit = [];
    for await (const entry of crm.storage.iterateStream(tenantId, 'audit_log', 'chain')) audit.push(entry.payload as unknown as { action: string; outcome: string });
    const redemptions = audit.filter((entry) => entry.action === 'loyalty.redeem');
    expect(redemptions.filter((entry) => entry.outcome === 'ok')).toHaveLength(1);
    expect(redemptions.filter((entry) => entry.outcome === 'replayed')).toHaveLength(9);
  });

  test('20 replies to one complaint from 20 clients are all kept, in one gapless stream', async () => {
    const tenantId = freshTenant();
    const ctx = contexts(tenantId);
    const crm = makeCrm(opened().client(), { clock: clock() });
    const handling = ctx.staff('D-1', 'complaint_handling');
    await crm.complaints.open(handling, { idempotencyKey: 'open', complaint: { caseId: 'K-1', dealerId: 'D-1', channel: 'walk_in', severity: 'complex', category: 'service_quality', at: '2024-06-01T09:00:00+08:00' } });
    await Promise.all(clients(20).map((client, i) => client.complaints.reply(handling, { idempotencyKey: `reply-${i}`, caseId: 'K-1', from: i % 2 === 0 ? 'dealer' : 'customer' })));
    const record = await crm.complaints.get(handling, { caseId: 'K-1' });
    expect(record.case.eventCount).toBe(21);
    expect(record.events.map((event) => event.type).filter((type) => type === 'public_reply')).toHaveLength(10);
    expect(await crm.storage.streamVersion(tenantId, 'complaint_events', 'K-1')).toBe(21);
  });

  test('ten resolutions of one case at once: one wins, the others are refused as transitions', async () => {
    const tenantId = freshTenant();
    const ctx = contexts(tenantId);
    const crm = makeCrm(opened().client(), { clock: clock() });
    const handling = ctx.staff('D-1', 'complaint_handling');
    await crm.complaints.open(handling, { idempotencyKey: 'open', complaint: { caseId: 'K-2', dealerId: 'D-1', channel: 'walk_in', severity: 'complex', category: 'price', at: '2024-06-01T09:00:00+08:00' } });
    const results = await Promise.allSettled(
      clients(10).map((client, i) => client.complaints.transition(handling, { idempotencyKey: `resolve-${i}`, caseId: 'K-2', event: { type: 'resolved', rootCause: 'price' } })),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    for (const result of results) if (result.status === 'rejected') expect(result.reason).toMatchObject({ code: 'INVALID_TRANSITION' });
    expect((await crm.complaints.get(handling, { caseId: 'K-2' })).case.eventCount).toBe(2);
  });

  test('ten consents recorded at once on one customer are all kept (no lost update)', async () => {
    const tenantId = freshTenant();
    const ctx = contexts(tenantId);
    const crm = makeCrm(opened().client(), { clock: clock() });
    await crm.customers.upsert(ctx.staff(), { idempotencyKey: 'c-1', customer: customerInput('C-1', { contactPoints: [{ kind: 'mobile', value: '13812345678' }] }) });
    const channels = ['sms', 'phone', 'wechat', 'email', 'app'] as const;
    await Promise.all(
      clients(10).map((client, i) =>
        client.customers.recordConsent(ctx.staff(), {
          idempotencyKey: `consent-${i}`,
          customerId: 'C-1',
          contactPoint: { kind: 'mobile' },
          consent: { purpose: i < 5 ? 'marketing' : 'survey', channel: channels[i % 5]!, status: 'granted', at: `2024-05-${String(10 + i)}T10:00:00+08:00`, source: 'app' },
        }),
      ),
    );
    const record = await crm.customers.get(ctx.staff(), { customerId: 'C-1' });
    expect(record.customer?.contactPoints[0]?.consents).toHaveLength(10);
    expect(record.version).toBe(11);
    expect((await verifyAuditChain(crm.storage, { tenantId })).valid).toBe(true);
  });

  test('the same bulk load from five clients at once writes each batch once, and every client gets the same answer', async () => {
    const { tenantId, ctx, crm } = await memberWithPoints(0);
    const staff = ctx.staff('D-1', 'after_sales');
    // Twelve orders of C-1 at ¥40 labour + ¥60 parts = 100 points each, in batches of 4.
    const transactions = Array.from({ length: 12 }, (_, i) => repairOrder(`RO-${i}`, 'C-1', `2024-05-${String(1 + i).padStart(2, '0')}T10:00:00+08:00`, 4_000, 6_000));
    const answers = await Promise.all(clients(5).map((client) => client.transactions.recordMany(staff, { idempotencyKey: 'nightly', transactions, batchSize: 4 })));
    for (const answer of answers) expect(answer).toEqual({ batches: 3, transactions: 12, appended: 12, replayed: 0, accrued: { events: 12, replayed: 0, points: 1200 } });
    expect(await crm.storage.streamVersion(tenantId, 'transactions', 'C-1')).toBe(12);
    expect((await crm.loyalty.balance(ctx.staff('D-1', 'loyalty_administration'), { memberId: 'M-1' })).available).toBe(1200);
    const { report } = await chainOf(crm.storage, tenantId);
    expect(report.valid).toBe(true);
  });

  test('a bulk load racing single records of the same orders counts each order once', async () => {
    const { tenantId, ctx, crm } = await memberWithPoints(0);
    const staff = ctx.staff('D-1', 'after_sales');
    const transactions = Array.from({ length: 10 }, (_, i) => repairOrder(`RO-${i}`, 'C-1', `2024-05-${String(1 + i).padStart(2, '0')}T10:00:00+08:00`, 4_000, 6_000));
    const [bulk, ...singles] = clients(11);
    await Promise.all([
      bulk!.transactions.recordMany(staff, { idempotencyKey: 'nightly', transactions, batchSize: 3 }),
      ...singles.map((client, i) => client.transactions.record(staff, { idempotencyKey: `pos-${i}`, transaction: transactions[i]! })),
    ]);
    expect(await crm.storage.streamVersion(tenantId, 'transactions', 'C-1')).toBe(10);
    expect((await crm.loyalty.balance(ctx.staff('D-1', 'loyalty_administration'), { memberId: 'M-1' })).available).toBe(1000);
    expect((await chainOf(crm.storage, tenantId)).report.valid).toBe(true);
  });
});
