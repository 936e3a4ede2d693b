import { describe, expect, test } from 'vitest';
import { createMemoryStorage } from 'dealer-crm/adapters/memory';
import type { Transaction } from 'dealer-crm/customer';
import { crmStorageRegistry } from 'dealer-crm/crm';
import { churnRisk, customerLifetimeValue, defaultChurnRiskPolicy, fitBgNbd, fitGammaGamma, summarizeTransactions } from 'dealer-crm/retention';
import { contexts, freshTenant, instrumentedMemory, makeCrm } from '../support/fixtures.js';
import { groupSetup, serviceHistories } from '../support/scenarios.js';

describe('jobs.segmentation', () => {
  test('segments a dealer’s customers by their transactions and writes one record per customer', async () => {
    const tenantId = freshTenant();
    const { storage, driver } = instrumentedMemory();
    const crm = makeCrm(storage);
    await groupSetup(crm, tenantId);
    const ctx = contexts(tenantId);
    driver.resetCount();
    const report = await crm.jobs.segmentation(ctx.manager('D-1', 'analytics'), { idempotencyKey: 'seg-1' });
    // D-1's base: C-1 (RO-0: revenue 80,000, profit 48,000), C-2 (RO-1: 30,000 / 18,000), P-1 (nothing). C-3 is D-2's.
    expect(report.customers).toBe(3);
    // Pyramid quotas of 3 customers at 5/10/20/25/40 %: 0.15/0.3/0.6/0.75/1.2 → whole parts 0/0/0/0/1, the two
    // left go to the largest remainders 0.75 (low) and 0.6 (middle): zones of 0/0/1/1/1, ranked by profit.
    expect(report.pyramid.map((zone) => zone.customerCount)).toEqual([0, 0, 1, 1, 1]);
    const segments = Object.fromEntries((await storage.query(tenantId, 'customer_segments', { where: { dealerId: 'D-1' } })).items.map((item) => [item.record.id, item.record]));
    expect(Object.keys(segments).sort()).toEqual(['C-1', 'C-2', 'P-1']);
    expect([segments['C-1']!.pyramidZone, segments['C-2']!.pyramidZone, segments['P-1']!.pyramidZone]).toEqual(['middle', 'low', 'loss_making']);
    // ABC by revenue, total 110,000; A while the revenue ranked above is below 75 %: C-1 (0 %) and C-2 (72.7 %) are A; P-1 bought nothing: C.
    expect([segments['C-1']!.abcClass, segments['C-2']!.abcClass, segments['P-1']!.abcClass]).toEqual(['A', 'A', 'C']);
    expect(segments['C-1']).toMatchObject({ revenueMinor: 80_000, profitMinor: 48_000, purchaseCount: 1, currency: 'CNY', runId: report.runId });
    // RFM only for customers who bought in the window.
    expect(segments['P-1']!.rfmSegment).toBeNull();
    expect(segments['C-1']!.rfmCode).toMatch(/^[1-5]{3}$/);
    // The job streamed the tenant a page at a time: no query asked for more than a page of 500 (+1 to see whether more follow).
    expect(driver.largestQuery).toBeLessThanOrEqual(501);
  });

  test('a dealer-scoped actor segments its own dealer only; a group analyst the whole tenant', async () => {
    const tenantId = freshTenant();
    const storage = createMemoryStorage({ registry: crmStorageRegistry });
    const crm = makeCrm(storage);
    await groupSetup(crm, tenantId);
    const ctx = contexts(tenantId);
    await expect(crm.jobs.segmentation(ctx.manager('D-1', 'analytics'), { idempotencyKey: 'x', dealerId: 'D-2' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await crm.jobs.segmentation(ctx.analyst(), { idempotencyKey: 'all' })).customers).toBe(4);
  });
});

describe('jobs.retention', () => {
  test('writes P(alive), CLV and churn risk per customer, as the retention models give them on the same history', async () => {
    const tenantId = freshTenant();
    const storage = createMemoryStorage({ registry: crmStorageRegistry });
    const crm = makeCrm(storage);
    await groupSetup(crm, tenantId);
    await serviceHistories(crm, tenantId);
    const report = await crm.jobs.retention(contexts(tenantId).analyst(), { idempotencyKey: 'ret', discountRate: 0.01, marginRate: 0.35 });

    // The oracle: the same models run here on every transaction of the tenant, read straight from storage.
    const asOf = new Date('2024-06-01T10:00:00+08:00');
    const transactions: Transaction[] = [];
    for await (const { record } of storage.scan(tenantId, 'customers')) {
      for await (const entry of storage.iterateStream(tenantId, 'transactions', record.id)) transactions.push(entry.payload);
    }
    const { customers } = summarizeTransactions(transactions, { calibrationEnd: asOf, unit: 'week' });
    const visits = fitBgNbd(customers, { penalty: 0.001 });
    const spend = fitGammaGamma(customers);
    const values = customerLifetimeValue(visits, spend, customers, { horizon: 156, periodLength: 52 / 12, discountRate: 0.01, marginRate: 0.35 });
    // K-1, C-1's complaint, is still open: it adds to C-1's churn risk.
    const risks = churnRisk(
      customers.map((customer, index) => ({ customerId: customer.customerId, probabilityAlive: values[index]!.probabilityAlive, openComplaints: customer.customerId === 'C-1' ? 1 : 0 })),
      defaultChurnRiskPolicy,
      { asOf },
    );

    expect(report.customers).toBe(customers.length);
    expect(report.bgNbd).toEqual(visits.params);
    const stored = new Map((await storage.query(tenantId, 'customer_retention', { limit: 1000 })).items.map((item) => [item.record.customerId, item.record]));
    expect(stored.size).toBe(customers.length);
    customers.forEach((customer, index) => {
      expect(stored.get(customer.customerId)).toMatchObject({
        frequency: customer.frequency,
        probabilityAlive: values[index]!.probabilityAlive,
        clvMinor: values[index]!.clvMinor,
        churnScore: risks[index]!.score,
        churnBand: risks[index]!.band,
      });
    });
    expect(report.totalClvMinor).toBe(values.reduce((sum, value) => sum + value.clvMinor, 0));
  });

  test('a base with no history cannot be fitted, and says so', async () => {
    const tenantId = freshTenant();
    const crm = makeCrm(createMemoryStorage({ registry: crmStorageRegistry }));
    await expect(crm.jobs.retention(contexts(tenantId).analyst(), { idempotencyKey: 'ret' })).rejects.toMatchObject({ code: 'MODEL_NOT_FITTED' });
  });
});
