import { TZDate } from '@date-fns/tz';
import { addMonths } from 'date-fns';
import { z } from 'zod';
import { deepFreeze, DEFAULT_TIME_ZONE, InstantSchema, parse, TimeZoneSchema, ValidationError, type ValidationIssue } from '../core/index.js';
import type { RepairOrder, Vehicle } from '../customer/models/index.js';

/** Service intervals and how to read mileage: the rule set behind {@link serviceDue}. */
export const ServiceIntervalPolicySchema = z.strictObject({
  /** Months between services (time limit). */
  intervalMonths: z.number().int().positive(),
  /** Kilometres between services (mileage limit). */
  intervalKm: z.number().positive(),
  /** Months from purchase to the first service (首保), when the vehicle has had none. */
  firstServiceMonths: z.number().int().positive(),
  /** Kilometres from new to the first service. */
  firstServiceKm: z.number().positive(),
  /** Repair-order kinds that reset the interval. */
  serviceKinds: z.array(z.enum(['maintenance', 'repair', 'warranty', 'accident', 'recall', 'inspection', 'other'])).min(1),
  /** A service due within this many days is `due_soon`. */
  dueSoonDays: z.number().int().min(0),
  /** Odometer readings from this many days before `asOf` estimate the mileage rate (all readings when fewer than two fall inside). */
  rateWindowDays: z.number().int().positive(),
  /** Readings must span at least this many days to give a rate. */
  minimumRateSpanDays: z.number().int().positive(),
  /** Mileage rate when the readings cannot give one, km per day (China's private cars: about 12 000 km a year). */
  defaultKmPerDay: z.number().positive(),
  /** Time zone whose calendar the month arithmetic uses. */
  timeZone: TimeZoneSchema,
});

/** A service interval policy; see {@link ServiceIntervalPolicySchema}. */
export type ServiceIntervalPolicy = z.output<typeof ServiceIntervalPolicySchema>;

/**
 * The default intervals: every 6 months or 5 000 km, whichever comes first,
 * the first service at 3 months or 3 000 km; maintenance visits reset the
 * clock; 30 days counts as due soon.
 */
export const defaultServiceIntervalPolicy: ServiceIntervalPolicy = deepFreeze({
  intervalMonths: 6,
  intervalKm: 5000,
  firstServiceMonths: 3,
  firstServiceKm: 3000,
  serviceKinds: ['maintenance'],
  dueSoonDays: 30,
  rateWindowDays: 730,
  minimumRateSpanDays: 30,
  defaultKmPerDay: 33,
  timeZone: DEFAULT_TIME_ZONE,
});

/**
 * Validates a service interval policy and returns it parsed and deeply frozen.
 *
 * @throws {@link ValidationError} naming each broken rule.
 * @example
 * ```ts
 * const policy = defineServiceIntervalPolicy({ ...defaultServiceIntervalPolicy, intervalKm: 10_000, intervalMonths: 12 });
 * ```
 */
export function defineServiceIntervalPolicy(input: unknown): ServiceIntervalPolicy {
  return deepFreeze(parse(ServiceIntervalPolicySchema, input, { label: 'service interval policy' }));
}

/** A service visit as {@link serviceDue} reads it; a customer-module `RepairOrder` fits. */
export type ServiceDueVisit = Pick<RepairOrder, 'at' | 'serviceKind'> & Partial<Pick<RepairOrder, 'odometerKm' | 'vehicleId'>>;

/** When the next service is due, and why. */
export interface ServiceDueForecast {
  /** `not_due`, `due_soon` (within the policy's days), `overdue`, or `unknown` when nothing anchors the schedule (no service and no purchase date). */
  readonly status: 'not_due' | 'due_soon' | 'overdue' | 'unknown';
  /** The next due instant: the earlier of the time and mileage limits; `null` when unknown. */
  readonly dueAt: Date | null;
  /** Which limit comes first. */
  readonly basis: 'time' | 'mileage' | null;
  /** The time limit. */
  readonly dueByTimeAt: Date | null;
  /** When the mileage limit is reached at the estimated rate; `null` if the vehicle is not driven or nothing anchors the schedule. */
  readonly dueByMileageAt: Date | null;
  /** The odometer reading at which the service is due, km. */
  readonly dueKm: number | null;
  /** Whole days past due (0 when not overdue). */
  readonly overdueDays: number;
  /** Whole days until due, rounded up (0 when overdue or unknown). */
  readonly daysUntilDue: number;
  /** The estimated odometer at `asOf`, km; `null` without any reading. */
  readonly estimatedKmAtAsOf: number | null;
  /** The mileage rate used, km per day. */
  readonly kmPerDay: number;
  /** Where the rate came from: odometer `readings`, or the policy `default`. */
  readonly rateSource: 'readings' | 'default';
  /** The service the schedule counts from; `null` when counting from purchase (first service). */
  readonly lastService: { readonly at: Date; readonly km: number | null } | null;
}

const DAY_MS = 86_400_000;

interface Reading {
  readonly ms: number;
  readonly km: number;
}

/**
 * The next service of a vehicle: due at the interval in months or in
 * kilometres after the last qualifying service (or after purchase, for the
 * first service), whichever comes first, with the mileage reached at the
 * vehicle's observed rate — a least-squares line through its odometer
 * readings (vehicle odometer history, repair orders, and 0 km at purchase)
 * over the policy's window. Visits of other vehicles (another `vehicleId`)
 * are ignored.
 *
 * @throws {@link ValidationError} for a bad `asOf`, policy or visit, or a
 *   reading or visit after `asOf`.
 * @example
 * ```ts
 * const due = serviceDue(vehicle, repairOrders, defaultServiceIntervalPolicy, { asOf: new Date('2025-06-01T00:00:00+08:00') });
 * if (due.status === 'overdue') console.log(`${due.overdueDays} days overdue`);
 * ```
 */
export function serviceDue(
  vehicle: Vehicle,
  history: readonly ServiceDueVisit[],
  intervals: ServiceIntervalPolicy,
  options: { readonly asOf: Date },
): ServiceDueForecast {
  const policy = parse(ServiceIntervalPolicySchema, intervals, { label: 'service interval policy', path: 'intervals' });
  const asOf = parse(InstantSchema, options?.asOf, { label: 'asOf', path: 'options.asOf' });
  const asOfMs = asOf.getTime();
  const issues: ValidationIssue[] = [];
  if (typeof vehicle !== 'object' || vehicle === null) throw new ValidationError([{ path: 'vehicle', message: 'expected a vehicle' }]);
  if (!Array.isArray(history)) throw new ValidationError([{ path: 'history', message: 'expected an array of service visits' }]);

  const readings: Reading[] = [];
  (vehicle.odometer ?? []).forEach((reading, i) => {
    if (!(reading.at instanceof Date) || Number.isNaN(reading.at.getTime())) issues.push({ path: `vehicle.odometer[${i}].at`, message: 'expected a valid Date' });
    else if (reading.at.getTime() > asOfMs) issues.push({ path: `vehicle.odometer[${i}].at`, message: `reading at ${reading.at.toISOString()} is after asOf ${asOf.toISOString()}` });
    else if (!(Number.isFinite(reading.km) && reading.km >= 0)) issues.push({ path: `vehicle.odometer[${i}].km`, message: `expected kilometres of at least 0, got ${reading.km}` });
    else readings.push({ ms: reading.at.getTime(), km: reading.km });
  });
  const services: { ms: number; km: number | null }[] = [];
  history.forEach((visit, i) => {
    const path = `history[${i}]`;
    if (typeof visit !== 'object' || visit === null) {
      issues.push({ path, message: 'expected a service visit { at, serviceKind, odometerKm? }' });
      return;
    }
    if (visit.vehicleId !== undefined && visit.vehicleId !== vehicle.id) return;
    if (!(visit.at instanceof Date) || Number.isNaN(visit.at.getTime())) {
      issues.push({ path: `${path}.at`, message: 'expected a valid Date' });
      return;
    }
    if (visit.at.getTime() > asOfMs) {
      issues.push({ path: `${path}.at`, message: `service visit at ${visit.at.toISOString()} is after asOf ${asOf.toISOString()}` });
      return;
    }
    const km = visit.odometerKm;
    if (km !== undefined && !(Number.isFinite(km) && km >= 0)) {
      issues.push({ path: `${path}.odometerKm`, message: `expected kilometres of at least 0, got ${km}` });
      return;
    }
    if (km !== undefined) readings.push({ ms: visit.at.getTime(), km });
    if (policy.serviceKinds.includes(visit.serviceKind)) services.push({ ms: visit.at.getTime(), km: km ?? null });
  });
  if (issues.length > 0) throw new ValidationError(issues.slice(0, 20), { label: 'service history' });

  const purchaseDay = vehicle.purchaseDate ?? vehicle.warrantyStart;
  const purchaseMs = purchaseDay === undefined ? undefined : startOfLocalDay(purchaseDay, policy.timeZone);
  if (purchaseMs !== undefined && purchaseMs <= asOfMs && readings.every((r) => r.ms >= purchaseMs)) readings.push({ ms: purchaseMs, km: 0 });
  readings.sort((a, b) => a.ms - b.ms);
  const { kmPerDay, rateSource } = mileageRate(readings, asOfMs, policy);
  const latest = readings[readings.length - 1];
  const kmAt = (ms: number): number | null => (latest === undefined ? null : Math.max(0, latest.km + (kmPerDay * (ms - latest.ms)) / DAY_MS));

  services.sort((a, b) => a.ms - b.ms);
  const last = services[services.length - 1];
  let base: { ms: number; km: number | null; months: number; intervalKm: number } | undefined;
  if (last) base = { ms: last.ms, km: last.km ?? kmAt(last.ms), months: policy.intervalMonths, intervalKm: policy.intervalKm };
  else if (purchaseMs !== undefined) base = { ms: purchaseMs, km: 0, months: policy.firstServiceMonths, intervalKm: policy.firstServiceKm };

  const estimatedKmAtAsOf = kmAt(asOfMs);
  const lastService = last ? { at: new Date(last.ms), km: last.km } : null;
  if (!base) {
    return {
      status: 'unknown',
      dueAt: null,
      basis: null,
      dueByTimeAt: null,
      dueByMileageAt: null,
      dueKm: null,
      overdueDays: 0,
      daysUntilDue: 0,
      estimatedKmAtAsOf,
      kmPerDay,
      rateSource,
      lastService,
    };
  }
  const dueByTimeMs = addMonths(new TZDate(base.ms, policy.timeZone), base.months).getTime();
  const dueKm = base.km === null ? null : base.km + base.intervalKm;
  let dueByMileageMs: number | null = null;
  if (dueKm !== null && kmPerDay > 0) {
    const from = latest ?? { ms: base.ms, km: base.km ?? 0 };
    dueByMileageMs = from.ms + ((dueKm - from.km) / kmPerDay) * DAY_MS;
  }
  const byMileage = dueByMileageMs !== null && dueByMileageMs < dueByTimeMs;
  const dueMs = byMileage ? dueByMileageMs! : dueByTimeMs;
  const overdue = asOfMs > dueMs;
  const daysUntilDue = overdue ? 0 : Math.ceil((dueMs - asOfMs) / DAY_MS);
  return {
    status: overdue ? 'overdue' : daysUntilDue <= policy.dueSoonDays ? 'due_soon' : 'not_due',
    dueAt: new Date(Math.round(dueMs)),
    basis: byMileage ? 'mileage' : 'time',
    dueByTimeAt: new Date(dueByTimeMs),
    dueByMileageAt: dueByMileageMs === null ? null : new Date(Math.round(dueByMileageMs)),
    dueKm,
    overdueDays: overdue ? Math.floor((asOfMs - dueMs) / DAY_MS) : 0,
    daysUntilDue,
    estimatedKmAtAsOf,
    kmPerDay,
    rateSource,
    lastService,
  };
}

function startOfLocalDay(date: string, timeZone: string): number {
  return new TZDate(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)), timeZone).getTime();
}

/**
 * km per day: the least-squares slope through the readings in the window
 * (or all readings), if they span enough days; never negative (a falling
 * odometer is read as "not driven"). Otherwise the policy's default.
 */
function mileageRate(readings: readonly Reading[], asOfMs: number, policy: ServiceIntervalPolicy): { kmPerDay: number; rateSource: 'readings' | 'default' } {
  const windowStart = asOfMs - policy.rateWindowDays * DAY_MS;
  const recent = readings.filter((r) => r.ms >= windowStart);
  for (const set of [recent, readings]) {
    if (set.length < 2) continue;
    const span = (set[set.length - 1]!.ms - set[0]!.ms) / DAY_MS;
    if (span < policy.minimumRateSpanDays) continue;
    let meanDay = 0;
    let meanKm = 0;
    for (const r of set) {
      meanDay += r.ms / DAY_MS / set.length;
      meanKm += r.km / set.length;
    }
    let sxy = 0;
    let sxx = 0;
    for (const r of set) {
      const dx = r.ms / DAY_MS - meanDay;
      sxy += dx * (r.km - meanKm);
      sxx += dx * dx;
    }
    return { kmPerDay: Math.max(0, sxy / sxx), rateSource: 'readings' };
  }
  return { kmPerDay: policy.defaultKmPerDay, rateSource: 'default' };
}
