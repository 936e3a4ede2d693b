import { z } from 'zod';
import { IdSchema, InstantSchema, invalid, parse } from '../../core/index.js';
import { listConsentsInForce, type ConsentInForce } from '../consent/consent-state.js';
import { CustomerSchema, type Customer, type CustomerInput } from '../models/customer.js';
import { InteractionSchema, type Interaction, type InteractionInput } from '../models/interaction.js';
import { OwnershipSchema, type OwnershipInput, type OwnershipRole } from '../models/ownership.js';
import { TransactionSchema, type RepairOrder, type Transaction, type TransactionInput, type TransactionType } from '../models/transaction.js';
import { VehicleSchema, type Vehicle, type VehicleInput } from '../models/vehicle.js';
import { DAY_MS, compareStrings, median } from '../internal/util.js';

/**
 * The minimal shape of a complaint the 360° view needs. Complaint records of
 * the complaints module fit it (other fields are kept as they are).
 */
export const ComplaintSummarySchema = z.looseObject({
  id: IdSchema,
  /** The case status; open unless it is one of the view's `closedComplaintStatuses`. */
  status: z.string().min(1).max(64),
  openedAt: InstantSchema,
  severity: z.string().min(1).max(64).optional(),
  /** When present, must be the customer's id. */
  customerId: IdSchema.optional(),
});

/** A complaint as the view accepts it; see {@link ComplaintSummarySchema}. */
export type ComplaintSummaryInput = z.input<typeof ComplaintSummarySchema>;
/** A complaint as the view returns it. */
export type ComplaintSummary = z.output<typeof ComplaintSummarySchema>;

/** The statuses that mean a complaint is no longer open, by default. */
export const defaultClosedComplaintStatuses: readonly string[] = Object.freeze(['resolved', 'closed', 'cancelled', 'withdrawn', 'rejected']);

/** What {@link buildCustomerView} is given. */
export interface CustomerViewInput {
  readonly customer: CustomerInput;
  /** Vehicles the ownerships name (others are ignored). */
  readonly vehicles?: readonly VehicleInput[];
  /** The customer's ownerships (owner, driver, lessee), current and past. */
  readonly ownerships?: readonly OwnershipInput[];
  /** The customer's transactions. */
  readonly transactions?: readonly TransactionInput[];
  /** The customer's interactions. */
  readonly interactions?: readonly InteractionInput[];
  /** The customer's complaints, in the minimal shape of {@link ComplaintSummarySchema}. */
  readonly complaints?: readonly ComplaintSummaryInput[];
  /** The instant the view is built for. */
  readonly asOf: Date | string;
  /** How many recent interactions to show; default 10. */
  readonly recentInteractionLimit?: number;
  /** The service interval assumed when the customer's own history is too short; default 180 days. */
  readonly serviceIntervalDays?: number;
  /** How many intervals between routine visits make the customer's own median trustworthy; default 2. */
  readonly minServiceIntervals?: number;
  /** Complaint statuses that count as closed; default {@link defaultClosedComplaintStatuses}. */
  readonly closedComplaintStatuses?: readonly string[];
  /** Records dated after `asOf`: `reject` (default, a `ValidationError`) or `exclude` (a view as it stood at `asOf`). */
  readonly afterAsOf?: 'reject' | 'exclude';
}

/** One service visit (repair order). */
export interface ServiceVisit {
  readonly transactionId: string;
  readonly vehicleId: string;
  readonly dealerId: string;
  readonly at: Date;
  readonly serviceKind: RepairOrder['serviceKind'];
  readonly odometerKm?: number;
  readonly revenueMinor: number;
  readonly currency: string;
}

/**
 * Where a service interval came from: the vehicle's own median gap between
 * routine visits, the customer's median over all vehicles, or the default.
 */
export type ServiceIntervalSource = 'vehicle_median' | 'customer_median' | 'default';

/** When a vehicle's next routine service is expected. */
export interface ServiceDue {
  readonly vehicleId: string;
  /** The expected instant: the base visit plus the interval. */
  readonly dueAt: Date;
  /** The visit the expectation counts from: the last routine repair order, or the vehicle's sale. */
  readonly basedOn: { readonly kind: 'repair_order' | 'vehicle_sale'; readonly transactionId: string; readonly at: Date };
  /** The interval in whole days. */
  readonly intervalDays: number;
  readonly intervalSource: ServiceIntervalSource;
  /** Whether `dueAt` is before `asOf`. */
  readonly overdue: boolean;
  /** Whole days from `asOf` to `dueAt`: negative when overdue. */
  readonly daysUntilDue: number;
}

/** A vehicle the customer holds at `asOf`. */
export interface CustomerViewVehicle {
  readonly vehicle: Vehicle;
  /** The customer's current roles for it (owner, driver, lessee), sorted. */
  readonly roles: readonly OwnershipRole[];
  /** The start of the earliest current role. */
  readonly since: Date;
  /** The plate in force at `asOf`, if known. */
  readonly currentPlate?: string;
  /** The latest odometer reading at or before `asOf` (vehicle readings and repair orders), in km. */
  readonly odometerKm?: number;
  /** The latest repair order on the vehicle. */
  readonly lastService?: ServiceVisit;
  /** The next routine service expected. */
  readonly nextServiceDue?: ServiceDue;
}

/** A vehicle the customer held before. */
export interface CustomerViewPastVehicle {
  readonly vehicle: Vehicle;
  readonly roles: readonly OwnershipRole[];
  readonly from: Date;
  readonly to: Date;
}

/** Revenue and gross profit of one kind of transaction, minor units. */
export interface ViewAmounts {
  readonly count: number;
  readonly revenueMinor: number;
  readonly grossProfitMinor: number;
}

/** Lifetime totals in one currency. */
export interface LifetimeValue extends ViewAmounts {
  readonly currency: string;
  /** Per kind of transaction (vehicle sales vs after-sales). */
  readonly byType: Readonly<Record<TransactionType, ViewAmounts>>;
}

/** The 360° view of one customer; see {@link buildCustomerView}. */
export interface CustomerView {
  readonly asOf: Date;
  readonly customer: Customer;
  /** Vehicles held at `asOf`, by earliest `since`, then vehicle id. */
  readonly vehicles: readonly CustomerViewVehicle[];
  /** Vehicles held before and no longer, most recently given up first. */
  readonly pastVehicles: readonly CustomerViewPastVehicle[];
  /** The latest repair order of any vehicle. */
  readonly lastService?: ServiceVisit;
  /** The earliest next routine service over the current vehicles. */
  readonly nextServiceDue?: ServiceDue;
  /** Lifetime revenue and profit, one entry per currency (sorted). */
  readonly lifetime: readonly LifetimeValue[];
  /** Complaints not closed, oldest first. */
  readonly openComplaints: readonly ComplaintSummary[];
  /** Consents in force at `asOf` (see {@link consentsInForce}). */
  readonly consents: readonly ConsentInForce[];
  /** The most recent interactions, newest first. */
  readonly recentInteractions: readonly Interaction[];
  /** Records left out because they are dated after `asOf` (only with `afterAsOf: 'exclude'`). */
  readonly excludedAfterAsOf: { readonly transactions: number; readonly interactions: number; readonly complaints: number };
}

const InputSchema = z.strictObject({
  customer: CustomerSchema,
  vehicles: z.array(VehicleSchema).default([]),
  ownerships: z.array(OwnershipSchema).default([]),
  transactions: z.array(TransactionSchema).default([]),
  interactions: z.array(InteractionSchema).default([]),
  complaints: z.array(ComplaintSummarySchema).default([]),
  asOf: InstantSchema,
  recentInteractionLimit: z.number().int().nonnegative().default(10),
  serviceIntervalDays: z.number().int().positive().max(3650).default(180),
  minServiceIntervals: z.number().int().positive().default(2),
  closedComplaintStatuses: z.array(z.string().min(1)).default([...defaultClosedComplaintStatuses]),
  afterAsOf: z.enum(['reject', 'exclude']).default('reject'),
});

type Parsed = z.output<typeof InputSchema>;

/** Drops (or rejects) records after `asOf`, and rejects records of another customer. */
function own<T extends { customerId?: string | undefined }>(parsed: Parsed, list: readonly T[], name: string, when: (item: T) => Date): { kept: T[]; excluded: number } {
  const asOfMs = parsed.asOf.getTime();
  const kept: T[] = [];
  let excluded = 0;
  list.forEach((item, index) => {
    if (item.customerId !== undefined && item.customerId !== parsed.customer.id) {
      invalid(`${name}[${index}].customerId`, `expected the customer's id ${JSON.stringify(parsed.customer.id)}, got ${JSON.stringify(item.customerId)}`);
    }
    if (when(item).getTime() > asOfMs) {
      if (parsed.afterAsOf === 'reject') {
        invalid(`${name}[${index}]`, `dated ${when(item).toISOString()}, after asOf ${parsed.asOf.toISOString()}; pass afterAsOf: 'exclude' for a view as it stood at asOf`);
      }
      excluded++;
      return;
    }
    kept.push(item);
  });
  return { kept, excluded };
}

function visit(ro: RepairOrder): ServiceVisit {
  return {
    transactionId: ro.id,
    vehicleId: ro.vehicleId,
    dealerId: ro.dealerId,
    at: ro.at,
    serviceKind: ro.serviceKind,
    ...(ro.odometerKm === undefined ? {} : { odometerKm: ro.odometerKm }),
    revenueMinor: ro.revenueMinor,
    currency: ro.currency,
  };
}

const ROUTINE = new Set<RepairOrder['serviceKind']>(['maintenance', 'inspection']);

/** Gaps in days between consecutive routine visits, ignoring visits less than a day apart (one visit). */
function gapsDays(visits: readonly RepairOrder[]): number[] {
  const gaps: number[] = [];
  for (let i = 1; i < visits.length; i++) {
    const gap = (visits[i]!.at.getTime() - visits[i - 1]!.at.getTime()) / DAY_MS;
    if (gap >= 1) gaps.push(gap);
  }
  return gaps;
}

function lifetimeOf(transactions: readonly Transaction[]): LifetimeValue[] {
  const byCurrency = new Map<string, { count: number; revenueMinor: number; grossProfitMinor: number; byType: Record<TransactionType, ViewAmounts> }>();
  const zero = (): ViewAmounts => ({ count: 0, revenueMinor: 0, grossProfitMinor: 0 });
  for (const t of transactions) {
    let entry = byCurrency.get(t.currency);
    if (entry === undefined) {
      entry = { count: 0, revenueMinor: 0, grossProfitMinor: 0, byType: { vehicle_sale: zero(), repair_order: zero(), parts_sale: zero() } };
      byCurrency.set(t.currency, entry);
    }
    entry.count++;
    entry.revenueMinor += t.revenueMinor;
    entry.grossProfitMinor += t.grossProfitMinor;
    const kind = entry.byType[t.type];
    entry.byType[t.type] = { count: kind.count + 1, revenueMinor: kind.revenueMinor + t.revenueMinor, grossProfitMinor: kind.grossProfitMinor + t.grossProfitMinor };
  }
  return [...byCurrency].sort(([a], [b]) => compareStrings(a, b)).map(([currency, entry]) => ({ currency, ...entry }));
}

/**
 * Builds the 360° view of one customer as of an instant: the vehicles held
 * now (current ownerships with role, plate, odometer, last service and next
 * expected service) and before; the last service visit and the next one
 * expected; lifetime revenue and gross profit per currency and per kind of
 * transaction; open complaints; consents in force; and recent interactions.
 *
 * **Next service.** For each current vehicle, counted from its last routine
 * repair order (maintenance or inspection) — or, if there is none, from its
 * sale to the customer — plus an interval: the median gap between the
 * vehicle's own routine visits when it has at least `minServiceIntervals`
 * gaps, else the median over all the customer's vehicles when those have
 * enough, else `serviceIntervalDays` (180). Visits less than a day apart count
 * as one.
 *
 * Every record must belong to the customer (`customerId` equal to the
 * customer's id) and every ownership must name a vehicle given in `vehicles`.
 *
 * @throws `ValidationError` for a malformed record (`transactions[2].lines[0].quantity`,
 * `vehicles[0].vin`), a record of another customer, an ownership naming a vehicle not given,
 * a record after `asOf` (unless `afterAsOf: 'exclude'`), or malformed options.
 * @example
 * ```ts
 * const view = buildCustomerView({ customer, vehicles, ownerships, transactions, interactions, asOf: '2024-07-01T00:00:00+08:00' });
 * view.nextServiceDue; // { vehicleId: 'V-1', dueAt: 2024-08-20…, intervalSource: 'vehicle_median', overdue: false, ... }
 * ```
 */
export function buildCustomerView(input: CustomerViewInput): CustomerView {
  const parsed = parse(InputSchema, input, { label: 'customer view input' });
  const asOfMs = parsed.asOf.getTime();
  const customerId = parsed.customer.id;

  const vehicleById = new Map<string, Vehicle>();
  parsed.vehicles.forEach((vehicle, index) => {
    if (vehicleById.has(vehicle.id)) invalid(`vehicles[${index}].id`, `vehicle ids must be unique; ${JSON.stringify(vehicle.id)} repeats`);
    vehicleById.set(vehicle.id, vehicle);
  });
  parsed.ownerships.forEach((ownership, index) => {
    if (ownership.customerId !== customerId) {
      invalid(`ownerships[${index}].customerId`, `expected the customer's id ${JSON.stringify(customerId)}, got ${JSON.stringify(ownership.customerId)}`);
    }
    if (!vehicleById.has(ownership.vehicleId)) invalid(`ownerships[${index}].vehicleId`, `no vehicle with id ${JSON.stringify(ownership.vehicleId)} in vehicles`);
  });
  const transactions = own(parsed, parsed.transactions, 'transactions', (t) => t.at);
  const interactions = own(parsed, parsed.interactions, 'interactions', (i) => i.at);
  const complaints = own(parsed, parsed.complaints, 'complaints', (c) => c.openedAt);

  // Repair orders by vehicle, oldest first.
  const repairOrders = transactions.kept
    .filter((t): t is RepairOrder => t.type === 'repair_order')
    .sort((a, b) => a.at.getTime() - b.at.getTime() || compareStrings(a.id, b.id));
  const rosByVehicle = new Map<string, RepairOrder[]>();
  for (const ro of repairOrders) {
    const list = rosByVehicle.get(ro.vehicleId);
    if (list === undefined) rosByVehicle.set(ro.vehicleId, [ro]);
    else list.push(ro);
  }
  const routineByVehicle = new Map<string, RepairOrder[]>();
  for (const [vehicleId, list] of rosByVehicle) routineByVehicle.set(vehicleId, list.filter((ro) => ROUTINE.has(ro.serviceKind)));
  const customerGaps = [...routineByVehicle.values()].flatMap(gapsDays);

  // Ownerships: current (from ≤ asOf < to) and past (to ≤ asOf); future ones are not shown.
  const current = new Map<string, { roles: Set<OwnershipRole>; since: number }>();
  const past = new Map<string, { roles: Set<OwnershipRole>; from: number; to: number }>();
  for (const ownership of parsed.ownerships) {
    const from = ownership.from.getTime();
    const to = ownership.to?.getTime() ?? Number.POSITIVE_INFINITY;
    if (from > asOfMs) continue;
    if (to > asOfMs) {
      const entry = current.get(ownership.vehicleId) ?? { roles: new Set<OwnershipRole>(), since: from };
      entry.roles.add(ownership.role);
      entry.since = Math.min(entry.since, from);
      current.set(ownership.vehicleId, entry);
    } else {
      const entry = past.get(ownership.vehicleId) ?? { roles: new Set<OwnershipRole>(), from, to };
      entry.roles.add(ownership.role);
      entry.from = Math.min(entry.from, from);
      entry.to = Math.max(entry.to, to);
      past.set(ownership.vehicleId, entry);
    }
  }
  for (const vehicleId of current.keys()) past.delete(vehicleId);

  const salesByVehicle = new Map<string, Transaction>();
  for (const t of transactions.kept) {
    if (t.type !== 'vehicle_sale') continue;
    const seen = salesByVehicle.get(t.vehicleId);
    if (seen === undefined || t.at > seen.at) salesByVehicle.set(t.vehicleId, t);
  }

  const vehicles: CustomerViewVehicle[] = [...current]
    .sort(([a, x], [b, y]) => x.since - y.since || compareStrings(a, b))
    .map(([vehicleId, entry]) => {
      const vehicle = vehicleById.get(vehicleId)!;
      const ros = rosByVehicle.get(vehicleId) ?? [];
      const routine = routineByVehicle.get(vehicleId) ?? [];
      const plate = vehicle.plates
        .filter((p) => p.from.getTime() <= asOfMs && (p.to === undefined || p.to.getTime() > asOfMs))
        .sort((a, b) => b.from.getTime() - a.from.getTime())[0];
      const readings = [
        ...vehicle.odometer.filter((r) => r.at.getTime() <= asOfMs).map((r) => ({ at: r.at.getTime(), km: r.km })),
        ...ros.filter((ro) => ro.odometerKm !== undefined).map((ro) => ({ at: ro.at.getTime(), km: ro.odometerKm! })),
      ].sort((a, b) => b.at - a.at || b.km - a.km);
      const lastRo = ros[ros.length - 1];
      const due = nextDue(vehicleId, routine, salesByVehicle.get(vehicleId), customerGaps, parsed, asOfMs);
      return {
        vehicle,
        roles: [...entry.roles].sort(compareStrings),
        since: new Date(entry.since),
        ...(plate === undefined ? {} : { currentPlate: plate.plate }),
        ...(readings[0] === undefined ? {} : { odometerKm: readings[0].km }),
        ...(lastRo === undefined ? {} : { lastService: visit(lastRo) }),
        ...(due === undefined ? {} : { nextServiceDue: due }),
      };
    });
  const pastVehicles: CustomerViewPastVehicle[] = [...past]
    .sort(([a, x], [b, y]) => y.to - x.to || compareStrings(a, b))
    .map(([vehicleId, entry]) => ({ vehicle: vehicleById.get(vehicleId)!, roles: [...entry.roles].sort(compareStrings), from: new Date(entry.from), to: new Date(entry.to) }));

  const lastRo = repairOrders[repairOrders.length - 1];
  const dues = vehicles.flatMap((v) => (v.nextServiceDue === undefined ? [] : [v.nextServiceDue]));
  const nextServiceDue = dues.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || compareStrings(a.vehicleId, b.vehicleId))[0];

  const closed = new Set(parsed.closedComplaintStatuses);
  const openComplaints = complaints.kept
    .filter((c) => !closed.has(c.status))
    .sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime() || compareStrings(a.id, b.id));
  const recentInteractions = [...interactions.kept]
    .sort((a, b) => b.at.getTime() - a.at.getTime() || compareStrings(a.id, b.id))
    .slice(0, parsed.recentInteractionLimit);

  return {
    asOf: parsed.asOf,
    customer: parsed.customer,
    vehicles,
    pastVehicles,
    ...(lastRo === undefined ? {} : { lastService: visit(lastRo) }),
    ...(nextServiceDue === undefined ? {} : { nextServiceDue }),
    lifetime: lifetimeOf(transactions.kept),
    openComplaints,
    consents: listConsentsInForce(parsed.customer, asOfMs),
    recentInteractions,
    excludedAfterAsOf: { transactions: transactions.excluded, interactions: interactions.excluded, complaints: complaints.excluded },
  };
}

function nextDue(
  vehicleId: string,
  routine: readonly RepairOrder[],
  sale: Transaction | undefined,
  customerGaps: readonly number[],
  parsed: Parsed,
  asOfMs: number,
): ServiceDue | undefined {
  const last = routine[routine.length - 1];
  const base = last !== undefined ? { kind: 'repair_order' as const, transactionId: last.id, at: last.at } : sale === undefined ? undefined : { kind: 'vehicle_sale' as const, transactionId: sale.id, at: sale.at };
  if (base === undefined) return undefined;
  const own = gapsDays(routine);
  let intervalDays = parsed.serviceIntervalDays;
  let intervalSource: ServiceIntervalSource = 'default';
  if (own.length >= parsed.minServiceIntervals) {
    intervalDays = Math.round(median(own));
    intervalSource = 'vehicle_median';
  } else if (customerGaps.length >= parsed.minServiceIntervals) {
    intervalDays = Math.round(median(customerGaps));
    intervalSource = 'customer_median';
  }
  const dueMs = base.at.getTime() + intervalDays * DAY_MS;
  return {
    vehicleId,
    dueAt: new Date(dueMs),
    basedOn: base,
    intervalDays,
    intervalSource,
    overdue: dueMs < asOfMs,
    daysUntilDue: Math.floor((dueMs - asOfMs) / DAY_MS),
  };
}
