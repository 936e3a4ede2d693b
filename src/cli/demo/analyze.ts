/**
 * The demo's analytics: what a dealer group's CRM team runs every night, from
 * the records and streams read back out of storage — data quality, scoring and
 * segmentation, the contact plan, loyalty statements and liability, the SLA
 * board, retention forecasts, CLV and churn risk. Everything here is the
 * library's pure functions; this file only wires them.
 */
import { dueEscalations, evaluateSlaBatch, slaComplianceReport, type ComplaintEventInput, type SlaComplianceReport } from '../../complaints/index.js';
import {
  assessDataQuality,
  canContact,
  maskName,
  maskPhone,
  scoreRfm,
  type Customer,
  type DataQualityReport,
  type RepairOrder,
  type Transaction,
  type Vehicle,
} from '../../customer/index.js';
import { balance, liability, tierStatus, type LoyaltyLiability } from '../../loyalty/index.js';
import {
  churnRisk,
  customerLifetimeValue,
  defaultChurnRiskPolicy,
  defaultServiceIntervalPolicy,
  fitBgNbd,
  fitGammaGamma,
  kaplanMeier,
  predictBgNbd,
  serviceDue,
  summarizeTransactions,
  type BgNbdFit,
  type KaplanMeierResult,
} from '../../retention/index.js';
import {
  assignPyramid,
  assignRfmSegments,
  classifyAbc,
  classifyPurchaseQuadrants,
  customerValuesFromTransactions,
  defaultAbcCadences,
  planContacts,
  type AbcResult,
  type PurchaseQuadrantResult,
  type PyramidResult,
  type RfmSegmentName,
} from '../../segmentation/index.js';
import { isBusinessDay } from '../../complaints/index.js';
import type { DemoDealer } from './generate.js';
import { demoLoyaltyProgram, demoPointValue, demoSlaPolicy, demoStoreCalendar } from './policies.js';
import type { DemoMembership } from './simulate-loyalty.js';

const DAY_MS = 86_400_000;
const WEEKS_PER_QUARTER = 13;

/** What the analytics read: the group's data as it came back out of storage. */
export interface DemoInputs {
  readonly asOf: Date;
  readonly dealers: readonly DemoDealer[];
  readonly customers: readonly Customer[];
  readonly vehicles: readonly Vehicle[];
  readonly vehicleOwner: ReadonlyMap<string, string>;
  readonly transactions: readonly Transaction[];
  readonly complaints: readonly (readonly ComplaintEventInput[])[];
  readonly memberships: readonly DemoMembership[];
}

/** A customer a dealer should call this week, and why. */
export interface AtRiskCustomer {
  readonly customerId: string;
  readonly dealerId: string;
  readonly maskedName: string;
  readonly maskedPhone: string | null;
  readonly score: number;
  readonly probabilityAlive: number | null;
  readonly serviceOverdueDays: number;
  readonly clvMinor: number | null;
  readonly reasons: readonly string[];
}

/** Everything the summary and the HTML report show. */
export interface DemoAnalysis {
  readonly asOf: Date;
  readonly dealers: readonly DemoDealer[];
  readonly counts: Readonly<Record<'customers' | 'vehicles' | 'transactions' | 'repairOrders' | 'complaints' | 'members', number>>;
  readonly quality: DataQualityReport;
  readonly rfmSegments: Readonly<Record<RfmSegmentName, number>>;
  readonly pyramid: PyramidResult;
  readonly abc: AbcResult;
  readonly quadrants: PurchaseQuadrantResult;
  readonly contactPlan: { readonly planned: number; readonly overdue: number; readonly skippedNoConsent: number };
  readonly loyalty: { readonly liability: LoyaltyLiability; readonly tiers: Readonly<Record<string, number>>; readonly availablePoints: number };
  readonly sla: { readonly report: SlaComplianceReport; readonly openCases: number; readonly breachedOpenCases: number; readonly escalationsDue: number };
  readonly retention: {
    readonly fit: BgNbdFit;
    readonly customers: number;
    readonly expectedVisitsNextQuarter: number;
    readonly expectedVisitsByDealer: Readonly<Record<string, number>>;
    readonly meanProbabilityAlive: number;
    readonly totalClvMinor: number;
    readonly survivalByCohort: KaplanMeierResult;
  };
  readonly service: { readonly overdueVehicles: number; readonly dueSoonVehicles: number };
  readonly atRisk: readonly AtRiskCustomer[];
}

/** A step callback, for the progress display. */
export type StepReporter = (label: string) => void;

/** Runs every analysis over the inputs. */
export function analyzeDemo(inputs: DemoInputs, step: StepReporter = () => {}): DemoAnalysis {
  const { asOf, customers, transactions } = inputs;
  const customerById = new Map(customers.map((c) => [c.id, c]));

  step('data quality and duplicates');
  const quality = assessDataQuality(customers, { asOf, byDealer: true });

  step('RFM scores and segments');
  const rfm = scoreRfm(transactions, { asOf });
  const rfmSegments = assignRfmSegments(rfm.rows).counts;

  step('customer pyramid, ABC and purchase quadrants (last 12 months)');
  const values = customerValuesFromTransactions(transactions, { from: new Date(asOf.getTime() - 365 * DAY_MS), to: asOf });
  const pyramid = assignPyramid(values.map((v) => ({ customerId: v.customerId, profitMinor: v.profitMinor, revenueMinor: v.revenueMinor })));
  const abc = classifyAbc(values);
  const quadrants = classifyPurchaseQuadrants(values);

  step('contact plan (ABC cadences, consent checked)');
  const lastCall = new Map<string, Date>();
  for (const t of transactions) lastCall.set(t.customerId, t.at);
  const plan = planContacts(abc.assignments, defaultAbcCadences, {
    asOf,
    lastContacts: [...lastCall].map(([customerId, at]) => ({ customerId, at })),
    canContact: (customerId, channel, at) => {
      const customer = customerById.get(customerId);
      return customer !== undefined && canContact(customer, { purpose: 'marketing', channel, at }).allowed;
    },
    isWorkingDay: (day) => isBusinessDay(demoStoreCalendar, day),
  });

  step('loyalty statements and liability');
  const tiers: Record<string, number> = {};
  let availablePoints = 0;
  for (const { member, entries } of inputs.memberships) {
    const tier = tierStatus(demoLoyaltyProgram, member, entries, { asOf }).tierId;
    tiers[tier] = (tiers[tier] ?? 0) + 1;
    availablePoints += balance(demoLoyaltyProgram, entries, { asOf }).available;
  }
  const loyaltyLiability = liability(demoLoyaltyProgram, inputs.memberships.map((m) => m.entries), { asOf, pointValue: demoPointValue });

  step('SLA board: clocks, breaches, escalations');
  const evaluations = evaluateSlaBatch(demoSlaPolicy, inputs.complaints.flat(), { asOf });
  const report = slaComplianceReport(evaluations, { period: { from: new Date(asOf.getTime() - 365 * DAY_MS), to: asOf }, groupBy: ['dealer'] });
  let openCases = 0;
  let breachedOpenCases = 0;
  let escalationsDue = 0;
  const openComplaintsByCustomer = new Map<string, { open: number; breached: number }>();
  const satisfaction = new Map<string, number>();
  const caseCustomer = new Map<string, string>();
  for (const events of inputs.complaints) {
    const opened = events[0];
    if (opened?.type === 'opened' && opened.customerId !== undefined) caseCustomer.set(opened.caseId, opened.customerId);
    for (const event of events) if (event.type === 'satisfaction_recorded' && opened?.type === 'opened' && opened.customerId) satisfaction.set(opened.customerId, event.score);
  }
  for (const evaluation of evaluations) {
    const open = evaluation.clocks.some((clock) => clock.status === 'running' || clock.status === 'paused');
    if (!open) continue;
    openCases += 1;
    const breached = evaluation.clocks.some((clock) => clock.breachCount > 0);
    if (breached) breachedOpenCases += 1;
    escalationsDue += dueEscalations(demoSlaPolicy, evaluation.clocks, { asOf, notified: new Set() }).length;
    const customerId = caseCustomer.get(evaluation.caseId);
    if (customerId) {
      const tally = openComplaintsByCustomer.get(customerId) ?? { open: 0, breached: 0 };
      openComplaintsByCustomer.set(customerId, { open: tally.open + 1, breached: tally.breached + (breached ? 1 : 0) });
    }
  }

  step('retention: BG/NBD visits, Gamma-Gamma spend, CLV');
  const repairOrders = transactions.filter((t): t is RepairOrder => t.type === 'repair_order');
  const summary = summarizeTransactions(repairOrders, { calibrationEnd: asOf, unit: 'week' });
  const fit = fitBgNbd(summary.customers, { onNonConvergence: 'return' });
  const forecast = predictBgNbd(fit, summary.customers, { horizon: WEEKS_PER_QUARTER });
  const expectedVisitsByDealer: Record<string, number> = {};
  let expectedVisitsNextQuarter = 0;
  let aliveSum = 0;
  const probabilityAlive = new Map<string, number>();
  summary.customers.forEach((c, i) => {
    const visits = forecast.expectedVisits[i]!;
    const dealerId = customerById.get(c.customerId)?.dealerId ?? 'unknown';
    expectedVisitsByDealer[dealerId] = (expectedVisitsByDealer[dealerId] ?? 0) + visits;
    expectedVisitsNextQuarter += visits;
    aliveSum += forecast.probabilityAlive[i]!;
    probabilityAlive.set(c.customerId, forecast.probabilityAlive[i]!);
  });
  const spend = fitGammaGamma(summary.customers, { onNonConvergence: 'return' });
  const clv = customerLifetimeValue(fit, spend, summary.customers, { horizon: 156, periodLength: 52 / 12, discountRate: 0.008, marginRate: 0.35 });
  const clvByCustomer = new Map(clv.map((v) => [v.customerId!, v.clvMinor]));
  const totalClvMinor = clv.reduce((sum, v) => sum + v.clvMinor, 0);

  step('survival by purchase cohort (Kaplan-Meier)');
  // Months from purchase to the last service visit; lapsed (event) when no visit for 18 months.
  const lastVisit = new Map<string, number>();
  const visitsByVehicle = new Map<string, RepairOrder[]>();
  for (const ro of repairOrders) {
    lastVisit.set(ro.vehicleId, Math.max(lastVisit.get(ro.vehicleId) ?? 0, ro.at.getTime()));
    const list = visitsByVehicle.get(ro.vehicleId);
    if (list) list.push(ro);
    else visitsByVehicle.set(ro.vehicleId, [ro]);
  }
  const observations = inputs.vehicles
    .filter((v) => v.purchaseDate !== undefined)
    .map((v) => {
      const bought = Date.parse(`${v.purchaseDate}T00:00:00+08:00`);
      const last = lastVisit.get(v.id) ?? bought;
      const lapsed = asOf.getTime() - last > 548 * DAY_MS;
      const end = lapsed ? last : asOf.getTime();
      return { time: Math.max(0, (end - bought) / (30.44 * DAY_MS)), event: lapsed, stratum: `${v.purchaseDate!.slice(0, 4)} buyers` };
    });
  const survivalByCohort = kaplanMeier(observations);

  step('service due and churn risk');
  let overdueVehicles = 0;
  let dueSoonVehicles = 0;
  const overdueByCustomer = new Map<string, number>();
  const warrantyEndByCustomer = new Map<string, string>();
  for (const vehicle of inputs.vehicles) {
    const owner = inputs.vehicleOwner.get(vehicle.id);
    if (owner === undefined) continue;
    const due = serviceDue(vehicle, visitsByVehicle.get(vehicle.id) ?? [], defaultServiceIntervalPolicy, { asOf });
    if (due.status === 'overdue') overdueVehicles += 1;
    if (due.status === 'due_soon') dueSoonVehicles += 1;
    overdueByCustomer.set(owner, Math.max(overdueByCustomer.get(owner) ?? 0, due.overdueDays));
    if (vehicle.warrantyEnd) warrantyEndByCustomer.set(owner, vehicle.warrantyEnd);
  }
  const riskInputs = summary.customers.map((c) => {
    const complaints = openComplaintsByCustomer.get(c.customerId);
    const warrantyEnd = warrantyEndByCustomer.get(c.customerId);
    const score = satisfaction.get(c.customerId);
    return {
      customerId: c.customerId,
      probabilityAlive: probabilityAlive.get(c.customerId)!,
      serviceOverdueDays: Math.min(overdueByCustomer.get(c.customerId) ?? 0, 3650),
      openComplaints: complaints?.open ?? 0,
      breachedComplaints: complaints?.breached ?? 0,
      ...(warrantyEnd === undefined ? {} : { warrantyEnd }),
      ...(score === undefined ? {} : { satisfactionScore: score }),
    };
  });
  const risks = churnRisk(riskInputs, defaultChurnRiskPolicy, { asOf });
  // Worth a call: medium or high churn risk, still likely alive, valuable, and reachable by phone.
  const atRisk = risks
    .filter((r) => r.band !== 'low' && (probabilityAlive.get(r.customerId) ?? 0) > 0.3)
    .map((r) => ({ risk: r, clv: clvByCustomer.get(r.customerId) ?? 0 }))
    .sort((a, b) => b.risk.score * b.clv - a.risk.score * a.clv || (a.risk.customerId < b.risk.customerId ? -1 : 1))
    .flatMap(({ risk, clv: clvMinor }) => {
      const customer = customerById.get(risk.customerId);
      if (!customer || !canContact(customer, { purpose: 'service_reminder', channel: 'phone', at: asOf }).allowed) return [];
      const mobile = customer.contactPoints.find((cp) => cp.kind === 'mobile');
      return [
        {
          customerId: customer.id,
          dealerId: customer.dealerId,
          maskedName: maskName(customer.name, customer.familyName === undefined ? {} : { familyName: customer.familyName }),
          maskedPhone: mobile && typeof mobile.value === 'string' ? maskPhone(mobile.value) : null,
          score: risk.score,
          probabilityAlive: probabilityAlive.get(customer.id) ?? null,
          serviceOverdueDays: overdueByCustomer.get(customer.id) ?? 0,
          clvMinor,
          reasons: [...risk.contributions].sort((a, b) => b.contribution - a.contribution).slice(0, 2).map((c) => c.detail),
        },
      ];
    })
    .slice(0, 30);

  return {
    asOf,
    dealers: inputs.dealers,
    counts: {
      customers: customers.length,
      vehicles: inputs.vehicles.length,
      transactions: transactions.length,
      repairOrders: repairOrders.length,
      complaints: inputs.complaints.length,
      members: inputs.memberships.length,
    },
    quality,
    rfmSegments,
    pyramid,
    abc,
    quadrants,
    contactPlan: {
      planned: plan.contacts.length,
      overdue: plan.overdueCount,
      skippedNoConsent: plan.skipped.filter((s) => s.reason === 'no_consent').length,
    },
    loyalty: { liability: loyaltyLiability, tiers, availablePoints },
    sla: { report, openCases, breachedOpenCases, escalationsDue },
    retention: {
      fit,
      customers: summary.customers.length,
      expectedVisitsNextQuarter,
      expectedVisitsByDealer,
      meanProbabilityAlive: summary.customers.length === 0 ? 0 : aliveSum / summary.customers.length,
      totalClvMinor,
      survivalByCohort,
    },
    service: { overdueVehicles, dueSoonVehicles },
    atRisk,
  };
}
