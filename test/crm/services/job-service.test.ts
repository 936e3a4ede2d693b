import { describe, expect, test } from 'vitest';
import { createMemoryStorage } from 'dealer-crm/adapters/memory';
import type { Transaction } from 'dealer-crm/customer';
import { crmStorageRegistry, type Crm, type CrmFacadeStorage } from 'dealer-crm/crm';
import { churnRisk, customerLifetimeValue, defaultChurnRiskPolicy, fitBgNbd, fitGammaGamma, observedMeanSpend, summarizeTransactions } from 'dealer-crm/retention';
import { contexts, customerInput, freshTenant, instrumentedMemory, makeCrm, repairOrder } from '../support/fixtures.js';
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
    // A normal base: both fits converged and are reported as such.
    expect(report.bgNbd).toEqual({ ...visits.params, converged: true, reason: visits.reason });
    expect(report.gammaGamma).toEqual({
      converged: true,
      fallback: null,
      ...spend.params,
      repeatCustomers: spend.customers,
      frequencySpendCorrelation: spend.frequencySpendCorrelation,
    });
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

  test('a tiny base (5 customers) completes, valuing spend at the observed means and saying so', async () => {
    const { tenantId, storage, crm } = await smallBase(tinyBase);
    const report = await crm.jobs.retention(contexts(tenantId).analyst(), { idempotencyKey: 'ret-tiny', marginRate: 0.35 });
    // Base mean of the repeat visits: (2 · 65,000 + 1 · 90,000 + 3 · 36,000) / 6 = 328,000 / 6.
    expect(report.gammaGamma).toEqual({
      converged: false,
      fallback: 'observed_mean_spend',
      reason: expect.stringMatching(/^3 customers made a repeat visit; the Gamma-Gamma fit needs at least 10/),
      repeatCustomers: 3,
      baseMeanSpendMinor: 328_000 / 6,
    });
    expect(report.customers).toBe(5);
    expect(report.bgNbd.converged).toBe(true);
    const stored = await retentionRecords(storage, tenantId);
    expect(Object.fromEntries([...stored].map(([id, record]) => [id, record.expectedSpendMinor]))).toEqual({ 'T-0': 65_000, 'T-1': 90_000, 'T-2': 54_667, 'T-3': 36_000, 'T-4': 54_667 });
    await expectOracleValues(storage, tenantId, report.bgNbd, stored, { marginRate: 0.35 });
  });

  test('a BG/NBD fit that does not converge but stays finite is used, and flagged with its reason', async () => {
    const { tenantId, storage, crm } = await smallBase(tinyBase);
    // Without a penalty the five histories do not pin the dropout: a and b run towards infinity (a/(a+b) fixed).
    const report = await crm.jobs.retention(contexts(tenantId).analyst(), { idempotencyKey: 'ret-plain', penalty: 0 });
    expect(report.bgNbd.converged).toBe(false);
    expect(report.bgNbd.reason).toMatch(/a from .* b from .*: the data hardly identify them/);
    const stored = await retentionRecords(storage, tenantId);
    expect(stored.size).toBe(5);
    for (const record of stored.values()) expect([record.probabilityAlive, record.expectedVisits, record.clvMinor].every(Number.isFinite)).toBe(true);
    await expectOracleValues(storage, tenantId, report.bgNbd, stored, { marginRate: 1, penalty: 0 });
  });

  test('a base whose repeat customers all spend the same completes: the Gamma-Gamma fit does not converge, the observed mean is used', async () => {
    const plans = Array.from({ length: 12 }, (_, c) => ({ id: `H-${c}`, spends: Array.from({ length: 2 + (c % 3) }, () => 60_000), startDay: 7 * c }));
    // Two one-off customers spent otherwise; a first visit is not a repeat visit, so it does not move the base mean.
    plans.push({ id: 'H-12', spends: [45_000], startDay: 300 }, { id: 'H-13', spends: [150_000], startDay: 450 });
    const { tenantId, storage, crm } = await smallBase(plans);
    const report = await crm.jobs.retention(contexts(tenantId).analyst(), { idempotencyKey: 'ret-same' });
    expect(report.gammaGamma).toEqual({
      converged: false,
      fallback: 'observed_mean_spend',
      reason: expect.stringMatching(/^the Gamma-Gamma fit did not converge: .*the data do not identify it/),
      repeatCustomers: 12,
      baseMeanSpendMinor: 60_000,
    });
    expect(report.customers).toBe(14);
    expect(report.bgNbd.converged).toBe(true);
    const stored = await retentionRecords(storage, tenantId);
    expect(stored.size).toBe(14);
    for (const record of stored.values()) {
      expect(record.expectedSpendMinor).toBe(60_000);
      expect(Number.isFinite(record.clvMinor) && Number.isFinite(record.probabilityAlive)).toBe(true);
    }
    expect(report.totalClvMinor).toBe([...stored.values()].reduce((sum, record) => sum + record.clvMinor, 0));
    await expectOracleValues(storage, tenantId, report.bgNbd, stored, { marginRate: 1 });
  });

  test('the Gamma-Gamma fit is tried on a base below the default minimum when minRepeatCustomers allows it', async () => {
    const plans = Array.from({ length: 4 }, (_, c) => ({ id: `M-${c}`, spends: [70_000, 70_000, 70_000], startDay: 10 * c }));
    const { tenantId, crm } = await smallBase(plans);
    const report = await crm.jobs.retention(contexts(tenantId).analyst(), { idempotencyKey: 'ret-min', minRepeatCustomers: 2 });
    expect(report.gammaGamma).toMatchObject({ converged: false, fallback: 'observed_mean_spend', reason: expect.stringMatching(/did not converge/), baseMeanSpendMinor: 70_000 });
  });

  test('a base without any repeat visit cannot identify a visit rate: the job fails and writes nothing', async () => {
    const { tenantId, storage, crm } = await smallBase([
      { id: 'O-0', spends: [50_000] },
      { id: 'O-1', spends: [60_000], startDay: 30 },
    ]);
    await expect(crm.jobs.retention(contexts(tenantId).analyst(), { idempotencyKey: 'ret-none' })).rejects.toMatchObject({ code: 'MODEL_NOT_FITTED' });
    expect((await retentionRecords(storage, tenantId)).size).toBe(0);
  });
});

/** Five customers of D-1, three of whom came back. */
const tinyBase: readonly VisitPlan[] = [
  // Revenue of each visit, a visit every 100 days from the customer's first (all in distinct weeks).
  { id: 'T-0', spends: [50_000, 60_000, 70_000] }, // x = 2, repeat mean 65,000
  { id: 'T-1', spends: [80_000, 90_000] }, // x = 1, 90,000
  { id: 'T-2', spends: [40_000] }, // no repeat visit
  { id: 'T-3', spends: [30_000, 30_000, 36_000, 42_000] }, // x = 3, (30,000 + 36,000 + 42,000) / 3 = 36,000
  { id: 'T-4', spends: [100_000], startDay: 400 }, // no repeat visit
];

/** A customer of D-1 and the revenue of each of their service visits, 100 days apart from `startDay` (days after 2023-01-02). */
interface VisitPlan {
  readonly id: string;
  readonly spends: readonly number[];
  readonly startDay?: number;
}

/** A fresh tenant whose only customers are those planned, each with their repair orders (labour 20,000 + parts). */
async function smallBase(plans: readonly VisitPlan[]): Promise<{ tenantId: string; storage: CrmFacadeStorage; crm: Crm }> {
  const tenantId = freshTenant();
  const storage = createMemoryStorage({ registry: crmStorageRegistry });
  const crm = makeCrm(storage);
  const ctx = contexts(tenantId);
  const start = Date.parse('2023-01-02T10:00:00+08:00');
  for (const [c, plan] of plans.entries()) {
    await crm.customers.upsert(ctx.staff(), { idempotencyKey: `setup-${plan.id}`, customer: customerInput(plan.id, { idNumber: undefined, contactPoints: [{ kind: 'mobile', value: `1370000${String(1000 + c)}` }] }) });
    for (const [v, spend] of plan.spends.entries()) {
      const at = new Date(start + ((plan.startDay ?? 0) + 100 * v) * 86_400_000).toISOString();
      await crm.transactions.record(ctx.staff('D-1', 'after_sales'), { idempotencyKey: `setup-${plan.id}-${v}`, transaction: repairOrder(`RO-${plan.id}-${v}`, plan.id, at, 20_000, spend - 20_000), accrueLoyalty: false });
    }
  }
  return { tenantId, storage, crm };
}

async function retentionRecords(storage: CrmFacadeStorage, tenantId: string) {
  return new Map((await storage.query(tenantId, 'customer_retention', { limit: 1000 })).items.map((item) => [item.record.customerId, item.record]));
}

/** The stored values are the retention models' on the same history, with the visit model the job reported and the observed mean spend. */
async function expectOracleValues(
  storage: CrmFacadeStorage,
  tenantId: string,
  bgNbd: { r: number; alpha: number; a: number; b: number },
  stored: Awaited<ReturnType<typeof retentionRecords>>,
  { marginRate, penalty = 0.001 }: { marginRate: number; penalty?: number },
): Promise<void> {
  const transactions: Transaction[] = [];
  for await (const { record } of storage.scan(tenantId, 'customers')) {
    for await (const entry of storage.iterateStream(tenantId, 'transactions', record.id)) transactions.push(entry.payload);
  }
  const { customers } = summarizeTransactions(transactions, { calibrationEnd: new Date('2024-06-01T10:00:00+08:00'), unit: 'week' });
  const visits = fitBgNbd(customers, { penalty, onNonConvergence: 'return' });
  expect(visits.params).toEqual({ r: bgNbd.r, alpha: bgNbd.alpha, a: bgNbd.a, b: bgNbd.b });
  const values = customerLifetimeValue(visits, observedMeanSpend(customers), customers, { horizon: 156, periodLength: 52 / 12, discountRate: 0, marginRate });
  customers.forEach((customer, index) => {
    expect(stored.get(customer.customerId)).toMatchObject({
      frequency: customer.frequency,
      probabilityAlive: values[index]!.probabilityAlive,
      expectedVisits: values[index]!.expectedVisits,
      expectedSpendMinor: values[index]!.expectedSpendMinor,
      clvMinor: values[index]!.clvMinor,
    });
  });
}
