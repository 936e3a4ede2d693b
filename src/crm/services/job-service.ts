import { z } from 'zod';
import { CrmError, CurrencyCodeSchema, IdSchema, InstantSchema } from '../../core/index.js';
import { scoreRfm, type Transaction } from '../../customer/index.js';
import {
  churnRisk,
  customerLifetimeValue,
  fitBgNbd,
  fitGammaGamma,
  observedMeanSpend,
  summarizeTransactions,
  type BgNbdFit,
  type CustomerLifetimeValue,
  type CustomerVisitSummary,
  type GammaGammaFit,
} from '../../retention/index.js';
import {
  AbcPolicySchema,
  PyramidPolicySchema,
  RfmSegmentPolicySchema,
  assignPyramid,
  assignRfmSegments,
  classifyAbc,
  customerValuesFromTransactions,
  type AbcClassSummary,
  type PyramidZoneSummary,
  type RfmSegmentName,
} from '../../segmentation/index.js';
import { requireDealer } from '../customer-records.js';
import { defineMethod, type CrmMethod, type OperationScope } from '../operation.js';
import type { CrmRuntime, CrmTx } from '../runtime.js';
import type { CustomerRetentionRecord, CustomerSegmentRecord } from '../stored-records.js';
import { JOB_PAGE_SIZE, customerTransactions, liveCustomers } from './tenant-scan.js';

const DAY_MS = 86_400_000;

/**
 * Input of `jobs.segmentation`: segment every customer of the tenant
 * (or of one dealer; a dealer-scoped actor always its own) by the
 * transactions of the last `windowDays` before `asOf` — pyramid zone by
 * profit, ABC class by revenue, RFM segment — and write one
 * `customer_segments` record per customer.
 */
export const CrmSegmentationJobInputSchema = z.strictObject({
  idempotencyKey: IdSchema,
  asOf: InstantSchema.optional(),
  windowDays: z.number().int().min(1).max(3660).default(365),
  dealerId: IdSchema.optional(),
  /** Only transactions in this currency count; default the first one met (another is `CURRENCY_MISMATCH`). */
  currency: CurrencyCodeSchema.optional(),
  pyramidPolicy: PyramidPolicySchema.optional(),
  abcPolicy: AbcPolicySchema.optional(),
  rfmSegmentPolicy: RfmSegmentPolicySchema.optional(),
});

/**
 * Input of `jobs.retention`: fit BG/NBD and Gamma-Gamma to the service
 * history up to `asOf` (weeks), and write per customer P(alive), expected
 * visits, expected spend per visit and CLV over `horizonWeeks` (discounted
 * per `periodWeeks` at `discountRate`, valued at `marginRate`; the visit
 * model with a small L2 `penalty`) and a churn-risk score into
 * `customer_retention`.
 *
 * When the models cannot be trusted the job says so in its report
 * ({@link CrmRetentionReport}) rather than fail a nightly run or publish
 * garbage:
 *
 * - **Spend (Gamma-Gamma).** With fewer than `minRepeatCustomers` repeat
 *   customers, or when the fit does not converge (typically every repeat
 *   customer spends the same, so there is no between-customer variance to
 *   identify the model), or when it gives an infinite mean spend (`q ≤ 1`),
 *   the job falls back on the observed means: a repeat customer's expected
 *   spend per visit is the mean of their own repeat visits, a customer
 *   without repeat visits gets the base's mean repeat-visit spend. The report
 *   then reads `gammaGamma: { converged: false, fallback: 'observed_mean_spend', reason, … }`.
 * - **Visits (BG/NBD).** A fit that does not converge but whose estimates
 *   are finite is used, flagged `bgNbd.converged: false` with the optimiser's
 *   `reason` (it usually means a parameter ran towards a boundary, where the
 *   forecasts still have a finite limit). Estimates or forecasts that are not
 *   finite fail the job with `NOT_CONVERGED`, writing nothing. A base without
 *   any repeat visit cannot identify a visit rate and fails with
 *   `MODEL_NOT_FITTED`, as does a base without any history.
 */
export const CrmRetentionJobInputSchema = z.strictObject({
  idempotencyKey: IdSchema,
  asOf: InstantSchema.optional(),
  dealerId: IdSchema.optional(),
  horizonWeeks: z.number().positive().max(520).default(156),
  periodWeeks: z.number().positive().max(520).default(52 / 12),
  discountRate: z.number().min(0).max(1).default(0),
  marginRate: z.number().min(0).max(1).default(1),
  /** L2 penalty of the BG/NBD fit (lifetimes' `penalizer_coef`): keeps its estimates finite on a dealer's small base; 0 for plain maximum likelihood. The Gamma-Gamma fit is not penalised. */
  penalty: z.number().min(0).max(10).default(0.001),
  /**
   * Fewest customers with a repeat visit for the Gamma-Gamma spend fit (three
   * parameters); below it the job uses the observed mean spend instead. Default 10.
   */
  minRepeatCustomers: z.number().int().min(2).max(1_000_000).default(10),
});

/** Input of `jobs.segmentation`, as accepted. */
export type CrmSegmentationJobInput = z.input<typeof CrmSegmentationJobInputSchema>;
/** Input of `jobs.retention`, as accepted. */
export type CrmRetentionJobInput = z.input<typeof CrmRetentionJobInputSchema>;

/** What the segmentation job reports (its per-customer results are in `customer_segments`). */
export interface CrmSegmentationReport {
  readonly runId: string;
  readonly asOf: Date;
  readonly customers: number;
  readonly currency: string | null;
  readonly pyramid: readonly PyramidZoneSummary[];
  readonly abc: readonly AbcClassSummary[];
  readonly rfm: Readonly<Record<RfmSegmentName, number>>;
}

/** How the visit model of `jobs.retention` was fitted. */
export interface CrmRetentionVisitModelReport {
  readonly r: number;
  readonly alpha: number;
  readonly a: number;
  readonly b: number;
  /** Whether the BG/NBD fit converged; `false` means the forecasts come from the optimiser's last (finite) estimates: treat them with care. */
  readonly converged: boolean;
  /** Why the optimiser stopped, in words. */
  readonly reason: string;
}

/**
 * How the spend model of `jobs.retention` was fitted: a converged
 * Gamma-Gamma fit, or the observed-mean fallback with the reason (too few
 * repeat customers, a fit that did not converge, an infinite mean spend).
 */
export type CrmRetentionSpendModelReport =
  | {
      readonly converged: true;
      readonly fallback: null;
      readonly p: number;
      readonly q: number;
      readonly gamma: number;
      /** Customers with a repeat visit, the ones the fit used. */
      readonly repeatCustomers: number;
      /** The model assumes spend does not depend on frequency: near 0 is good. */
      readonly frequencySpendCorrelation: number;
    }
  | {
      readonly converged: false;
      /** Expected spend per visit: each customer's own mean repeat spend, or `baseMeanSpendMinor` for customers without repeat visits. */
      readonly fallback: 'observed_mean_spend';
      /** Why the Gamma-Gamma fit was not used. */
      readonly reason: string;
      readonly repeatCustomers: number;
      /** Mean spend of all repeat visits of the base, minor units, unrounded. */
      readonly baseMeanSpendMinor: number;
    };

/** What the retention job reports (its per-customer results are in `customer_retention`). */
export interface CrmRetentionReport {
  readonly runId: string;
  readonly asOf: Date;
  /** Customers with a service history up to `asOf`, scored. */
  readonly customers: number;
  readonly bgNbd: CrmRetentionVisitModelReport;
  readonly gammaGamma: CrmRetentionSpendModelReport;
  readonly churnBands: Readonly<Record<'low' | 'medium' | 'high', number>>;
  readonly totalClvMinor: number;
}

/** The job service of the facade. */
export interface CrmJobService {
  /** Segments a tenant or dealer and writes the results back. Needs `jobs.run`. */
  readonly segmentation: CrmMethod<CrmSegmentationJobInput, CrmSegmentationReport>;
  /** Forecasts retention and value and writes the results back. Needs `jobs.run`. */
  readonly retention: CrmMethod<CrmRetentionJobInput, CrmRetentionReport>;
}

/** Columns of transactions for `scoreRfm`, grown as customers stream by: a few numbers per transaction, never the records. */
class RfmColumnsBuilder {
  readonly customerIds: string[] = [];
  customerIndex = new Int32Array(1024);
  atMs = new Float64Array(1024);
  revenueMinor = new Float64Array(1024);
  grossProfitMinor = new Float64Array(1024);
  length = 0;

  push(customer: number, transaction: Transaction): void {
    if (this.length === this.atMs.length) this.grow();
    const i = this.length++;
    this.customerIndex[i] = customer;
    this.atMs[i] = transaction.at.getTime();
    this.revenueMinor[i] = transaction.revenueMinor;
    this.grossProfitMinor[i] = transaction.grossProfitMinor;
  }

  private grow(): void {
    const size = this.atMs.length * 2;
    const grown = <T extends Int32Array | Float64Array>(array: T, make: (n: number) => T): T => {
      const next = make(size);
      next.set(array);
      return next;
    };
    this.customerIndex = grown(this.customerIndex, (n) => new Int32Array(n));
    this.atMs = grown(this.atMs, (n) => new Float64Array(n));
    this.revenueMinor = grown(this.revenueMinor, (n) => new Float64Array(n));
    this.grossProfitMinor = grown(this.grossProfitMinor, (n) => new Float64Array(n));
  }

  columns(currency: string | undefined) {
    return {
      customerIds: this.customerIds,
      customerIndex: this.customerIndex.subarray(0, this.length),
      atMs: this.atMs.subarray(0, this.length),
      revenueMinor: this.revenueMinor.subarray(0, this.length),
      grossProfitMinor: this.grossProfitMinor.subarray(0, this.length),
      ...(currency === undefined ? {} : { currency }),
    };
  }
}

/** The dealer a job runs for: a dealer-scoped actor's own, or the one asked for (checked). */
function jobDealer(scope: OperationScope<{ readonly dealerId?: string | undefined }>): string | undefined {
  if (scope.input.dealerId !== undefined) requireDealer(scope, scope.input.dealerId, `the customers of dealer ${scope.input.dealerId}`);
  return scope.role.scope === 'dealer' ? scope.context.actor.dealerId : scope.input.dealerId;
}

/** Writes job results in batches of 1000 inside the job's transaction. */
async function writeResults<K extends 'customer_segments' | 'customer_retention'>(tx: CrmTx, tenantId: string, collection: K, records: readonly (K extends 'customer_segments' ? CustomerSegmentRecord : CustomerRetentionRecord)[]): Promise<void> {
  for (let i = 0; i < records.length; i += 1000) {
    await tx.putMany(tenantId, collection, records.slice(i, i + 1000).map((record) => ({ record })) as never);
  }
}

/** A BG/NBD fit the job may use: converged or not, its estimates must be finite. */
function requireFiniteVisitModel(visits: BgNbdFit): void {
  const { params } = visits;
  if (![params.r, params.alpha, params.a, params.b].every((value) => Number.isFinite(value) && value > 0)) {
    throw new CrmError('NOT_CONVERGED', `jobs.retention: the BG/NBD fit did not converge to finite estimates (${visits.reason}); nothing was written`, {
      details: { model: 'BG/NBD', params, reason: visits.reason, converged: visits.converged },
    });
  }
}

/** Forecasts must be finite numbers before they are written. */
function requireFiniteValues(visits: BgNbdFit, values: readonly CustomerLifetimeValue[]): void {
  const bad = values.filter((value) => ![value.probabilityAlive, value.expectedVisits, value.expectedSpendMinor, value.clvMinor].every(Number.isFinite)).length;
  if (bad > 0) {
    throw new CrmError(
      visits.converged ? 'MODEL_NOT_FITTED' : 'NOT_CONVERGED',
      `jobs.retention: the fitted models give non-finite forecasts for ${bad} of ${values.length} customers${visits.converged ? '' : ` (the BG/NBD fit did not converge: ${visits.reason})`}; nothing was written`,
      { details: { customers: values.length, nonFinite: bad, params: visits.params, converged: visits.converged } },
    );
  }
}

type ClvOptions = Parameters<typeof customerLifetimeValue>[3];

/**
 * CLV per customer with the Gamma-Gamma spend model when it can be trusted,
 * else with the observed mean spend; says which in the report.
 */
function valueCustomers(
  visits: BgNbdFit,
  summaries: readonly CustomerVisitSummary[],
  options: ClvOptions,
  minRepeatCustomers: number,
): { values: CustomerLifetimeValue[]; gammaGamma: CrmRetentionSpendModelReport } {
  const observed = observedMeanSpend(summaries);
  const fallback = (reason: string) => ({
    values: customerLifetimeValue(visits, observed, summaries, options),
    gammaGamma: { converged: false, fallback: 'observed_mean_spend', reason, repeatCustomers: observed.repeatCustomers, baseMeanSpendMinor: observed.baseMeanSpendMinor } as const,
  });
  if (observed.repeatCustomers < minRepeatCustomers) {
    return fallback(`${observed.repeatCustomers} customers made a repeat visit; the Gamma-Gamma fit needs at least ${minRepeatCustomers} (minRepeatCustomers)`);
  }
  let spend: GammaGammaFit;
  try {
    spend = fitGammaGamma(summaries, { onNonConvergence: 'return' });
  } catch (error) {
    // Not finite at the start, or too few repeat buyers: the data cannot carry the model.
    if (error instanceof CrmError && error.code === 'MODEL_NOT_FITTED') return fallback(`the Gamma-Gamma fit cannot be made: ${error.message}`);
    throw error;
  }
  if (!spend.converged) return fallback(`the Gamma-Gamma fit did not converge: ${spend.reason}`);
  const { p, q, gamma } = spend.params;
  // The expected spend of a customer without repeat visits is the population mean pγ/(q − 1): infinite for q ≤ 1.
  if (!(q > 1)) return fallback(`the Gamma-Gamma fit gives an infinite mean spend (q = ${q} ≤ 1)`);
  return {
    values: customerLifetimeValue(visits, spend, summaries, options),
    gammaGamma: { converged: true, fallback: null, p, q, gamma, repeatCustomers: spend.customers, frequencySpendCorrelation: spend.frequencySpendCorrelation },
  };
}

/** The job methods of a facade. Internal to the facade. */
export function createJobService(rt: CrmRuntime): CrmJobService {
  return {
    segmentation: defineMethod(rt, {
      name: 'jobs.segmentation',
      permission: 'jobs.run',
      input: CrmSegmentationJobInputSchema,
      write: true,
      event: 'crm.job.segmentation_completed',
      async prepare(scope) {
        const { input, tenantId, requestId } = scope;
        const asOf = input.asOf ?? scope.now;
        const from = new Date(asOf.getTime() - input.windowDays * DAY_MS);
        const to = new Date(asOf.getTime() + 1);
        const dealerId = jobDealer(scope);
        let currency = input.currency;
        const values: { customerId: string; dealerId: string; revenueMinor: number; profitMinor: number; purchaseCount: number }[] = [];
        const rfm = new RfmColumnsBuilder();
        for await (const customer of liveCustomers(rt, tenantId, dealerId, true)) {
          const own = (await customerTransactions(rt, tenantId, customer)).filter((transaction) => input.currency === undefined || transaction.currency === input.currency);
          const [value] = customerValuesFromTransactions(own, { from, to, customerIds: [customer.id], ...(currency === undefined ? {} : { currency }) });
          const inWindow = own.filter((transaction) => transaction.at.getTime() >= from.getTime() && transaction.at.getTime() < to.getTime());
          if (currency === undefined && inWindow[0] !== undefined) currency = inWindow[0].currency;
          values.push({ ...value!, dealerId: customer.dealerId });
          if (inWindow.length > 0) {
            const index = rfm.customerIds.push(customer.id) - 1;
            for (const transaction of inWindow) rfm.push(index, transaction);
          }
        }
        const pyramid = assignPyramid(values, input.pyramidPolicy);
        const abc = classifyAbc(values, input.abcPolicy);
        const scores = scoreRfm(rfm.columns(currency), { asOf, windowDays: input.windowDays, afterAsOf: 'exclude' });
        const segments = assignRfmSegments(scores.rows, input.rfmSegmentPolicy);
        const zoneOf = new Map(pyramid.assignments.map((assignment) => [assignment.customerId, assignment]));
        const classOf = new Map(abc.assignments.map((assignment) => [assignment.customerId, assignment.segment]));
        const rfmOf = new Map(segments.assignments.map((assignment, index) => [assignment.customerId, { segment: assignment.segment, code: scores.rows[index]!.code }]));
        const records: CustomerSegmentRecord[] = values.map((value) => ({
          id: value.customerId,
          customerId: value.customerId,
          dealerId: value.dealerId,
          asOf,
          runId: requestId,
          currency: currency ?? null,
          revenueMinor: value.revenueMinor,
          profitMinor: value.profitMinor,
          purchaseCount: value.purchaseCount,
          pyramidZone: zoneOf.get(value.customerId)!.segment,
          pyramidRank: zoneOf.get(value.customerId)!.rank,
          abcClass: classOf.get(value.customerId)!,
          rfmSegment: rfmOf.get(value.customerId)?.segment ?? null,
          rfmCode: rfmOf.get(value.customerId)?.code ?? null,
        }));
        const report: CrmSegmentationReport = { runId: requestId, asOf, customers: values.length, currency: currency ?? null, pyramid: pyramid.zones, abc: abc.classes, rfm: segments.counts };
        return { records, report };
      },
      async run(scope) {
        const { records, report } = scope.prepared;
        await writeResults(scope.tx, scope.tenantId, 'customer_segments', records);
        return { answer: report, audit: { details: { customers: report.customers, runId: report.runId } }, event: { runId: report.runId, customers: report.customers } };
      },
    }),

    retention: defineMethod(rt, {
      name: 'jobs.retention',
      permission: 'jobs.run',
      input: CrmRetentionJobInputSchema,
      write: true,
      event: 'crm.job.retention_completed',
      async prepare(scope) {
        const { input, tenantId, requestId } = scope;
        const asOf = input.asOf ?? scope.now;
        const dealerId = jobDealer(scope);
        const summaries: (CustomerVisitSummary & { readonly dealerId: string })[] = [];
        for await (const customer of liveCustomers(rt, tenantId, dealerId, true)) {
          const history = (await customerTransactions(rt, tenantId, customer)).filter((transaction) => transaction.at.getTime() <= asOf.getTime());
          if (history.length === 0) continue;
          const [summary] = summarizeTransactions(history, { calibrationEnd: asOf, unit: 'week' }).customers;
          if (summary !== undefined) summaries.push({ ...summary, dealerId: customer.dealerId });
        }
        const openComplaints = new Map<string, number>();
        for await (const { record } of rt.storage.scan(tenantId, 'complaints', { where: { status: { in: ['new', 'acknowledged', 'in_progress', 'waiting_on_customer', 'reopened'] } }, pageSize: JOB_PAGE_SIZE })) {
          if (record.customerId !== null) openComplaints.set(record.customerId, (openComplaints.get(record.customerId) ?? 0) + 1);
        }
        if (summaries.length === 0) throw new CrmError('MODEL_NOT_FITTED', 'no customer has a transaction up to asOf: there is no history to fit the retention models to', { details: { asOf: asOf.toISOString() } });
        const visits = fitBgNbd(summaries, { penalty: input.penalty, onNonConvergence: 'return' });
        requireFiniteVisitModel(visits);
        const clvOptions = { horizon: input.horizonWeeks, periodLength: input.periodWeeks, discountRate: input.discountRate, marginRate: input.marginRate };
        const { values, gammaGamma } = valueCustomers(visits, summaries, clvOptions, input.minRepeatCustomers);
        requireFiniteValues(visits, values);
        const risks = churnRisk(
          summaries.map((summary, index) => ({ customerId: summary.customerId, probabilityAlive: values[index]!.probabilityAlive, openComplaints: openComplaints.get(summary.customerId) ?? 0 })),
          rt.churnRisk,
          { asOf },
        );
        const churnBands = { low: 0, medium: 0, high: 0 };
        let totalClvMinor = 0;
        const records: CustomerRetentionRecord[] = summaries.map((summary, index) => {
          const value = values[index]!;
          const risk = risks[index]!;
          churnBands[risk.band] += 1;
          totalClvMinor += value.clvMinor;
          return {
            id: summary.customerId,
            customerId: summary.customerId,
            dealerId: summary.dealerId,
            asOf,
            runId: requestId,
            frequency: summary.frequency,
            recency: summary.recency,
            age: summary.age,
            probabilityAlive: value.probabilityAlive,
            expectedVisits: value.expectedVisits,
            expectedSpendMinor: value.expectedSpendMinor,
            clvMinor: value.clvMinor,
            churnScore: risk.score,
            churnBand: risk.band,
          };
        });
        const report: CrmRetentionReport = {
          runId: requestId,
          asOf,
          customers: summaries.length,
          bgNbd: { ...visits.params, converged: visits.converged, reason: visits.reason },
          gammaGamma,
          churnBands,
          totalClvMinor,
        };
        return { records, report };
      },
      async run(scope) {
        const { records, report } = scope.prepared;
        await writeResults(scope.tx, scope.tenantId, 'customer_retention', records);
        return { answer: report, audit: { details: { customers: report.customers, runId: report.runId } }, event: { runId: report.runId, customers: report.customers } };
      },
    }),
  };
}
