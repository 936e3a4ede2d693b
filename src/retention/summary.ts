import { tzOffset } from '@date-fns/tz';
import { z } from 'zod';
import { DEFAULT_TIME_ZONE, InstantSchema, parse, TimeZoneSchema, ValidationError, type ValidationIssue } from '../core/index.js';
import type { Transaction } from '../customer/models/index.js';
import type { VisitHistory } from './history.js';

/**
 * What {@link summarizeTransactions} reads of a transaction: whose it is,
 * when, and what it earned. A full customer-module `Transaction` fits.
 */
export type RetentionTransaction = Pick<Transaction, 'customerId' | 'at' | 'revenueMinor'>;

/** The time unit of a summary and of every model fitted to it. */
export const RetentionTimeUnitSchema = z.enum(['day', 'week']);

/** The time unit of a summary: `day` (calendar days) or `week` (ISO weeks, Monday to Sunday). */
export type RetentionTimeUnit = z.infer<typeof RetentionTimeUnitSchema>;

/** Options for {@link summarizeTransactions}. */
export const TransactionSummaryOptionsSchema = z
  .strictObject({
    /** End of the calibration period: the models see transactions up to and including this instant. */
    calibrationEnd: InstantSchema,
    /** End of an optional holdout period after calibration, whose visits are counted separately to check forecasts. */
    observationEnd: InstantSchema.optional(),
    /** Time unit: visits in the same day (or week) count once, and times are whole days (or weeks). */
    unit: RetentionTimeUnitSchema,
    /** IANA time zone whose calendar days and weeks are used; default `Asia/Shanghai`. */
    timeZone: TimeZoneSchema.default(DEFAULT_TIME_ZONE),
  })
  .refine((o) => o.observationEnd === undefined || o.observationEnd.getTime() > o.calibrationEnd.getTime(), {
    path: ['observationEnd'],
    message: 'observationEnd must come after calibrationEnd',
  });

/** Options for {@link summarizeTransactions}, as accepted. */
export type TransactionSummaryOptions = z.input<typeof TransactionSummaryOptionsSchema>;

/** One customer's visit history and spend, ready for the models. */
export interface CustomerVisitSummary extends VisitHistory {
  readonly customerId: string;
  /** The first transaction (the customer's "birth"). */
  readonly firstVisitAt: Date;
  /** The last transaction in the calibration period. */
  readonly lastVisitAt: Date;
  /** Mean revenue of the repeat visits (a visit's revenue is the sum of its transactions), minor units, unrounded; `null` without repeat visits. */
  readonly meanRepeatSpendMinor: number | null;
  /** Visits in the holdout period; present when `observationEnd` was given. */
  readonly holdoutFrequency?: number;
  /** Mean revenue of the holdout visits, minor units; `null` without any; present when `observationEnd` was given. */
  readonly holdoutMeanSpendMinor?: number | null;
}

/** The result of {@link summarizeTransactions}. */
export interface TransactionSummary {
  readonly unit: RetentionTimeUnit;
  /** One entry per customer with a transaction in the calibration period, in order of first appearance. */
  readonly customers: CustomerVisitSummary[];
  /** Length of the holdout period in units; present when `observationEnd` was given. */
  readonly holdoutLength?: number;
  /** Customers whose first transaction falls in the holdout: not summarised, as they were not yet customers at calibration end. */
  readonly holdoutOnlyCustomerIds: readonly string[];
}

const DAY_MS = 86_400_000;
const OFFSET_BUCKET_MS = 15 * 60_000;

/** Maps instants to calendar-day or ISO-week numbers in one time zone (offsets cached per quarter hour). */
function periodIndexer(unit: RetentionTimeUnit, timeZone: string): (date: Date) => number {
  const offsets = new Map<number, number>();
  return (date) => {
    const ms = date.getTime();
    const bucket = Math.floor(ms / OFFSET_BUCKET_MS);
    let offset = offsets.get(bucket);
    if (offset === undefined) {
      offset = tzOffset(timeZone, new Date(bucket * OFFSET_BUCKET_MS)) * 60_000;
      offsets.set(bucket, offset);
    }
    const day = Math.floor((ms + offset) / DAY_MS);
    // Day 0 (1970-01-01) was a Thursday; ISO weeks start on Monday, day -3.
    return unit === 'day' ? day : Math.floor((day + 3) / 7);
  };
}

interface Accumulator {
  readonly customerId: string;
  /** Earliest and latest calibration transaction, epoch ms. */
  firstMs: number;
  lastMs: number;
  /** Revenue per calibration period. */
  readonly calibration: Map<number, number>;
  /** Revenue per holdout period. */
  readonly holdout: Map<number, number>;
}

/**
 * Summarises transactions into per-customer visit histories: frequency `x`
 * (repeat visits — several transactions in one day, or one week, are one
 * visit), recency `t_x` and age `T` in whole units from the first visit, the
 * mean spend of the repeat visits, and holdout counts when an observation end
 * is given.
 *
 * @throws {@link ValidationError} for bad options, a bad transaction (path
 *   `transactions[i].…`), or a transaction after the calibration end (after
 *   the observation end when one is given).
 * @example
 * ```ts
 * const summary = summarizeTransactions(
 *   [
 *     { customerId: 'C1', at: new Date('2024-01-05T02:00:00Z'), revenueMinor: 80_000 },
 *     { customerId: 'C1', at: new Date('2024-07-01T02:00:00Z'), revenueMinor: 65_000 },
 *   ],
 *   { calibrationEnd: new Date('2024-12-31T15:59:59Z'), unit: 'week' },
 * );
 * summary.customers[0]; // { frequency: 1, recency: 26, age: 52, … }
 * ```
 */
export function summarizeTransactions(transactions: readonly RetentionTransaction[], options: TransactionSummaryOptions): TransactionSummary {
  const { calibrationEnd, observationEnd, unit, timeZone } = parse(TransactionSummaryOptionsSchema, options, { label: 'summary options', path: 'options' });
  if (!Array.isArray(transactions)) throw new ValidationError([{ path: 'transactions', message: 'expected an array of transactions' }]);
  const periodOf = periodIndexer(unit, timeZone);
  const calibrationMs = calibrationEnd.getTime();
  const endMs = (observationEnd ?? calibrationEnd).getTime();
  const issues: ValidationIssue[] = [];
  const byCustomer = new Map<string, Accumulator>();
  for (let i = 0; i < transactions.length && issues.length < 20; i++) {
    const t = transactions[i] as RetentionTransaction | null | undefined;
    const path = `transactions[${i}]`;
    if (typeof t !== 'object' || t === null) {
      issues.push({ path, message: 'expected a transaction { customerId, at, revenueMinor }' });
      continue;
    }
    const { customerId, at, revenueMinor } = t;
    let ok = true;
    if (typeof customerId !== 'string' || customerId.length === 0) {
      issues.push({ path: `${path}.customerId`, message: `expected a non-empty customer id, got ${String(customerId)}` });
      ok = false;
    }
    if (!(at instanceof Date) || Number.isNaN(at.getTime())) {
      issues.push({ path: `${path}.at`, message: `expected a valid Date, got ${String(at)}` });
      ok = false;
    } else if (at.getTime() > endMs) {
      const end = observationEnd ? `observation end ${observationEnd.toISOString()}` : `calibration end ${calibrationEnd.toISOString()}`;
      issues.push({ path: `${path}.at`, message: `transaction at ${at.toISOString()} is after the ${end}` });
      ok = false;
    }
    if (!(typeof revenueMinor === 'number' && Number.isSafeInteger(revenueMinor) && revenueMinor >= 0)) {
      issues.push({ path: `${path}.revenueMinor`, message: `expected a non-negative integer amount in minor units, got ${String(revenueMinor)}` });
      ok = false;
    }
    if (!ok) continue;
    let acc = byCustomer.get(customerId);
    if (acc === undefined) {
      acc = { customerId, firstMs: Infinity, lastMs: -Infinity, calibration: new Map(), holdout: new Map() };
      byCustomer.set(customerId, acc);
    }
    const ms = at.getTime();
    const period = periodOf(at);
    const bucket = ms <= calibrationMs ? acc.calibration : acc.holdout;
    bucket.set(period, (bucket.get(period) ?? 0) + revenueMinor);
    if (ms <= calibrationMs) {
      acc.firstMs = Math.min(acc.firstMs, ms);
      acc.lastMs = Math.max(acc.lastMs, ms);
    }
  }
  if (issues.length > 0) throw new ValidationError(issues, { label: 'transactions' });

  const calibrationPeriod = periodOf(calibrationEnd);
  const customers: CustomerVisitSummary[] = [];
  const holdoutOnlyCustomerIds: string[] = [];
  for (const acc of byCustomer.values()) {
    if (acc.calibration.size === 0) {
      holdoutOnlyCustomerIds.push(acc.customerId);
      continue;
    }
    const periods = [...acc.calibration.keys()].sort((a, b) => a - b);
    const firstPeriod = periods[0]!;
    let repeatRevenue = 0;
    for (let k = 1; k < periods.length; k++) repeatRevenue += acc.calibration.get(periods[k]!)!;
    const frequency = periods.length - 1;
    const summary: CustomerVisitSummary = {
      customerId: acc.customerId,
      frequency,
      recency: periods[periods.length - 1]! - firstPeriod,
      age: calibrationPeriod - firstPeriod,
      firstVisitAt: new Date(acc.firstMs),
      lastVisitAt: new Date(acc.lastMs),
      meanRepeatSpendMinor: frequency > 0 ? repeatRevenue / frequency : null,
      ...(observationEnd === undefined ? {} : holdoutOf(acc.holdout)),
    };
    customers.push(summary);
  }
  return {
    unit,
    customers,
    ...(observationEnd === undefined ? {} : { holdoutLength: periodOf(observationEnd) - calibrationPeriod }),
    holdoutOnlyCustomerIds,
  };
}

function holdoutOf(holdout: Map<number, number>): { holdoutFrequency: number; holdoutMeanSpendMinor: number | null } {
  let revenue = 0;
  for (const value of holdout.values()) revenue += value;
  return { holdoutFrequency: holdout.size, holdoutMeanSpendMinor: holdout.size > 0 ? revenue / holdout.size : null };
}
